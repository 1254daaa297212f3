/* csv_reader: strict RFC 4180 records from a string or a file (see csv_reader.h). Bytes come
 * from the text, or from the file in chunks of CHUNK bytes; fields are unescaped into one
 * growing buffer, each followed by a NUL, whose offsets become the record's field pointers once
 * the record is complete (the buffer may move while it grows). The
 * thread that owns the reader. */
#include "csv_reader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "strbuf.h"

#define CHUNK 65536
#define END (-1)                        /* no more bytes */
#define FAILED (-2)                     /* a read error */

struct csv_reader {
    FILE *file;                         /* NULL: reading text */
    const char *bytes;                  /* text, or the file's chunk */
    size_t pos, len;
    char *chunk;
    bool started, failed;
    size_t line;
    struct strbuf data;                 /* the record's fields, each NUL-terminated */
    size_t *starts;                     /* offset of each field in data */
    char **fields;
    size_t n, cap;
    char err[160];
    size_t err_line;
};

static struct csv_reader *reader_new(void)
{
    struct csv_reader *r = calloc(1, sizeof *r);

    if (r)
        r->line = 1;
    return r;
}

struct csv_reader *csv_reader_text(const char *text, size_t len)
{
    struct csv_reader *r = reader_new();

    if (r) {
        r->bytes = text;
        r->len = len;
    }
    return r;
}

struct csv_reader *csv_reader_file(FILE *f)
{
    struct csv_reader *r = reader_new();

    if (r && !(r->chunk = malloc(CHUNK))) {
        free(r);
        return NULL;
    }
    if (r) {
        r->file = f;
        r->bytes = r->chunk;
    }
    return r;
}

void csv_reader_free(struct csv_reader *r)
{
    if (!r)
        return;
    free(r->chunk);
    strbuf_free(&r->data);
    free(r->starts);
    free(r->fields);
    free(r);
}

static int fail(struct csv_reader *r, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct csv_reader *r, size_t line, const char *fmt, ...)
{
    va_list ap;

    if (r->failed)
        return -1;                      /* keep the first error */
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    r->err_line = line;
    r->failed = true;
    return -1;
}

/* The next byte without taking it: 0-255, END or FAILED. */
static int peek(struct csv_reader *r)
{
    if (r->pos == r->len && r->file) {
        size_t got = fread(r->chunk, 1, CHUNK, r->file);

        if (got == 0 && ferror(r->file)) {
            fail(r, r->line, "read error: %s", strerror(errno));
            return FAILED;
        }
        r->pos = 0;
        r->len = got;
    }
    if (r->pos == r->len)
        return END;
    return (unsigned char)r->bytes[r->pos];
}

static int take(struct csv_reader *r)
{
    int c = peek(r);

    if (c >= 0)
        r->pos++;
    return c;
}

static int add_byte(struct csv_reader *r, int c)
{
    char ch = (char)c;

    if (c == 0)
        return fail(r, r->line, "not a text file (a NUL byte)");
    return strbuf_append(&r->data, &ch, 1) < 0 ? fail(r, r->line, "out of memory") : 0;
}

/* A line end (CR, LF or CRLF) at the current position, taken. */
static void take_line_end(struct csv_reader *r)
{
    if (peek(r) == '\r')
        take(r);
    if (peek(r) == '\n')
        take(r);
    r->line++;
}

static int quoted_field(struct csv_reader *r)
{
    size_t start = r->line;
    int c;

    take(r);                            /* the opening quote */
    while ((c = take(r)) != END) {
        if (c == FAILED)
            return -1;
        if (c == '"' && peek(r) == '"') {
            take(r);
        } else if (c == '"') {
            c = peek(r);
            if (c >= 0 && c != ',' && c != '\r' && c != '\n')
                return fail(r, r->line, "unexpected '%c' after a quoted field", c);
            return c == FAILED ? -1 : 0;
        }
        r->line += c == '\n';
        if (add_byte(r, c) < 0)
            return -1;
    }
    return fail(r, start, "unterminated quoted field");
}

static int plain_field(struct csv_reader *r)
{
    int c;

    while ((c = peek(r)) >= 0 && c != ',' && c != '\r' && c != '\n') {
        if (c == '"')
            return fail(r, r->line, "a field with a quote must be quoted whole "
                        "(\"a \"\"b\"\" c\")");
        if (add_byte(r, take(r)) < 0)
            return -1;
    }
    return c == FAILED ? -1 : 0;
}

/* End the field begun at offset start of data. */
static int end_field(struct csv_reader *r, size_t start)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        size_t *s = realloc(r->starts, cap * sizeof *s);
        char **f = s ? realloc(r->fields, cap * sizeof *f) : NULL;

        r->starts = s ? s : r->starts;
        if (!f)
            return fail(r, r->line, "out of memory");
        r->fields = f;
        r->cap = cap;
    }
    r->starts[r->n++] = start;
    return strbuf_append(&r->data, "", 1) < 0 ? fail(r, r->line, "out of memory") : 0;
}

/* Skip a byte order mark at the very start and blank lines: false at the end of the input. */
static bool skip_to_record(struct csv_reader *r)
{
    int c;

    if (!r->started) {
        r->started = true;
        if (peek(r) == 0xEF && r->len - r->pos >= 3 &&
            memcmp(r->bytes + r->pos, "\xEF\xBB\xBF", 3) == 0)
            r->pos += 3;
    }
    while ((c = peek(r)) == '\r' || c == '\n')
        take_line_end(r);
    return c >= 0;
}

int csv_reader_next(struct csv_reader *r, struct csv_record *rec)
{
    if (r->failed)
        return -1;
    strbuf_clear(&r->data);
    r->n = 0;
    if (!skip_to_record(r))
        return r->failed ? -1 : 0;
    rec->line = r->line;
    for (;;) {
        size_t start = r->data.len;
        int rc = peek(r) == '"' ? quoted_field(r) : plain_field(r);

        if (rc < 0 || end_field(r, start) < 0)
            return -1;
        if (peek(r) != ',')
            break;
        take(r);
    }
    if (peek(r) == '\r' || peek(r) == '\n')
        take_line_end(r);
    for (size_t k = 0; k < r->n; k++)
        r->fields[k] = r->data.data + r->starts[k];     /* each ends with its NUL */
    rec->fields = r->fields;
    rec->n = r->n;
    return 1;
}

const char *csv_reader_error(const struct csv_reader *r)
{
    return r->err;
}

size_t csv_reader_error_line(const struct csv_reader *r)
{
    return r->err_line;
}

size_t csv_reader_line(const struct csv_reader *r)
{
    return r->line;
}
