/* scenario_feeder: data files for templates. A feeder is a CSV file (RFC 4180: commas, CRLF or
 * LF line ends, double-quoted fields that may hold commas, quotes as "" and line breaks; the
 * first record names the columns) read once when the scenario loads; templates read its cells
 * as ${feeder.column}. The path is relative to the scenario file.
 *
 * Thread: the loading thread. */
#include "scenario_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const feeder_keys[] = {"file", "mode", NULL};
static const char *const mode_names[] = {"per_user", "cycle", "random", NULL};

#define DATA_FILE_MAX (256u << 20)

/* ---------------------------------------------------------------- CSV */

struct csv {
    const char *s;
    size_t n, i;
    int line;                   /* of the current position */
    char **fields;              /* the record being read */
    size_t n_fields, cap_fields;
    struct strbuf field;
    char *err;
    size_t errlen;
};

static int csv_fail(struct csv *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int csv_fail(struct csv *c, int line, const char *fmt, ...)
{
    va_list ap;
    int k;

    if (!c->err || !c->errlen)
        return -1;
    k = snprintf(c->err, c->errlen, "line %d: ", line);
    va_start(ap, fmt);
    if (k >= 0 && (size_t)k < c->errlen)
        vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

static int push_field(struct csv *c)
{
    char *copy;

    if (c->n_fields == c->cap_fields) {
        size_t cap = c->cap_fields ? c->cap_fields * 2 : 16;
        char **f = realloc(c->fields, cap * sizeof *f);

        if (!f)
            return csv_fail(c, c->line, "out of memory");
        c->fields = f;
        c->cap_fields = cap;
    }
    copy = strndup(c->field.data ? c->field.data : "", c->field.len);
    if (!copy)
        return csv_fail(c, c->line, "out of memory");
    c->fields[c->n_fields++] = copy;
    strbuf_clear(&c->field);
    return 0;
}

static int quoted_field(struct csv *c)
{
    int start = c->line;

    for (c->i++; c->i < c->n; c->i++) {
        char ch = c->s[c->i];

        if (ch == '"' && c->i + 1 < c->n && c->s[c->i + 1] == '"') {
            c->i++;
        } else if (ch == '"') {
            c->i++;
            if (c->i < c->n && !strchr(",\r\n", c->s[c->i]))
                return csv_fail(c, c->line, "unexpected '%c' after a quoted field",
                                c->s[c->i]);
            return 0;
        }
        c->line += ch == '\n';
        if (strbuf_append(&c->field, &c->s[c->i], 1) < 0)
            return csv_fail(c, c->line, "out of memory");
    }
    return csv_fail(c, start, "unterminated quoted field");
}

static int plain_field(struct csv *c)
{
    size_t start = c->i;

    while (c->i < c->n && !strchr(",\r\n", c->s[c->i])) {
        if (c->s[c->i] == '"')
            return csv_fail(c, c->line, "a field with a quote must be quoted whole (\"a \"\"b"
                            "\"\" c\")");
        c->i++;
    }
    if (strbuf_append(&c->field, c->s + start, c->i - start) < 0)
        return csv_fail(c, c->line, "out of memory");
    return 0;
}

/* One record into c->fields; 0 at a record, 1 at the end of the text, -1 on error. */
static int read_record(struct csv *c)
{
    for (size_t k = 0; k < c->n_fields; k++)
        free(c->fields[k]);
    c->n_fields = 0;
    if (c->i >= c->n)
        return 1;
    for (;;) {
        int rc = c->i < c->n && c->s[c->i] == '"' ? quoted_field(c) : plain_field(c);

        if (rc < 0 || push_field(c) < 0)
            return -1;
        if (c->i < c->n && c->s[c->i] == ',') {
            c->i++;
            continue;
        }
        if (c->i < c->n && c->s[c->i] == '\r')
            c->i++;
        if (c->i < c->n && c->s[c->i] == '\n')
            c->i++;
        c->line++;
        return 0;
    }
}

static int csv_header(struct csv *c, struct feeder *f, int line)
{
    if (!(f->columns = calloc(c->n_fields, sizeof *f->columns)))
        return csv_fail(c, line, "out of memory");
    for (size_t k = 0; k < c->n_fields; k++) {
        if (!scenario_is_ident(c->fields[k]))
            return csv_fail(c, line, "column %zu '%s' is not a valid name (letters, digits and "
                            "_, not starting with a digit)", k + 1, c->fields[k]);
        for (size_t j = 0; j < k; j++)
            if (strcmp(f->columns[j], c->fields[k]) == 0)
                return csv_fail(c, line, "column '%s' appears twice", c->fields[k]);
        f->columns[k] = c->fields[k];
        c->fields[k] = NULL;
        f->n_columns++;
    }
    c->n_fields = 0;
    return 0;
}

static int csv_row(struct csv *c, struct feeder *f, size_t *cap, int line)
{
    if (c->n_fields != f->n_columns)
        return csv_fail(c, line, "expected %u fields, found %zu", f->n_columns, c->n_fields);
    if (f->n_rows == UINT32_MAX)
        return csv_fail(c, line, "too many rows");
    if ((size_t)(f->n_rows + 1) * f->n_columns > *cap) {
        size_t ncap = *cap ? *cap * 2 : f->n_columns * 64;
        char **cells = realloc(f->cells, ncap * sizeof *cells);

        if (!cells)
            return csv_fail(c, line, "out of memory");
        f->cells = cells;
        *cap = ncap;
    }
    memcpy(f->cells + (size_t)f->n_rows * f->n_columns, c->fields, c->n_fields * sizeof *f->cells);
    c->n_fields = 0;
    f->n_rows++;
    return 0;
}

int scenario_feeder_parse_csv(const char *text, size_t len, struct feeder *f, char *err,
                              size_t errlen)
{
    struct csv c = {text, len, 0, 1, NULL, 0, 0, {NULL, 0, 0}, err, errlen};
    size_t cap = 0;
    int rc;

    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        c.i = 3;
    for (;;) {
        int line = c.line;

        if ((rc = read_record(&c)) != 0)
            break;
        if (c.n_fields == 1 && c.fields[0][0] == '\0')
            continue;                                   /* a blank line */
        rc = f->columns ? csv_row(&c, f, &cap, line) : csv_header(&c, f, line);
        if (rc < 0)
            break;
    }
    if (rc > 0 && !f->columns)
        rc = csv_fail(&c, c.line, "the file is empty (the first line names the columns)");
    else if (rc > 0 && f->n_rows == 0)
        rc = csv_fail(&c, c.line, "no data rows after the column names");
    for (size_t k = 0; k < c.n_fields; k++)
        free(c.fields[k]);
    free(c.fields);
    strbuf_free(&c.field);
    return rc > 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- feeders in the scenario */

char *scenario_feeder_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!fp) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    do {
        if (n + 1 >= cap) {
            char *nb = cap < DATA_FILE_MAX ? realloc(buf, cap ? cap * 2 : 65536) : NULL;

            if (!nb) {
                snprintf(err, errlen, "cannot read %s: %s", path,
                         cap >= DATA_FILE_MAX ? "larger than 256 MB" : "out of memory");
                fclose(fp);
                free(buf);
                return NULL;
            }
            buf = nb;
            cap = cap ? cap * 2 : 65536;
        }
        got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
    } while (got > 0);
    if (ferror(fp)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        fclose(fp);
        free(buf);
        return NULL;
    }
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int feeder_file(struct loader *ld, const cJSON *file, struct feeder *f)
{
    char *path, msg[512];
    char *text;
    size_t len = 0, n;
    int rc;

    n = strlen(ld->dir) + strlen(file->valuestring) + 1;
    if (!(path = malloc(n)))
        return loader_fail(ld, file, LOADER_VALUE, "out of memory");
    snprintf(path, n, "%s%s", file->valuestring[0] == '/' ? "" : ld->dir, file->valuestring);
    text = scenario_feeder_read_file(path, &len, msg, sizeof msg);
    if (!text) {
        free(path);
        return loader_fail(ld, file, LOADER_VALUE, "%s", msg);
    }
    rc = scenario_feeder_parse_csv(text, len, f, msg, sizeof msg);
    free(text);
    if (rc < 0)
        loader_fail(ld, file, LOADER_VALUE, "%s: %s", path, msg);
    free(path);
    return rc;
}

static int feeder_mode(struct loader *ld, const cJSON *m, struct feeder *f)
{
    size_t mark = loader_path_key(ld, "mode");

    for (int i = 0; mode_names[i]; i++)
        if (cJSON_IsString(m) && strcmp(m->valuestring, mode_names[i]) == 0) {
            f->mode = (enum feeder_mode)i;
            loader_path_pop(ld, mark);
            return 0;
        }
    return loader_bad_value(ld, m, "one of per_user, cycle, random");
}

static int parse_feeder(struct loader *ld, const cJSON *obj, struct feeder *f)
{
    const cJSON *file, *mode = cJSON_GetObjectItemCaseSensitive(obj, "mode");
    size_t mark;

    if (!scenario_is_ident(obj->string) || tmpl_is_builtin(obj->string, strlen(obj->string)))
        return loader_fail(ld, obj, LOADER_KEY, "expected a feeder name (letters, digits and _, "
                           "not a built-in name)");
    if (!(f->name = strdup(obj->string)))
        return loader_fail(ld, obj, LOADER_KEY, "out of memory");
    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, feeder_keys) < 0 ||
        loader_require(ld, obj, "file", &file) < 0)
        return -1;
    if (mode && feeder_mode(ld, mode, f) < 0)
        return -1;
    mark = loader_path_key(ld, "file");
    if (!cJSON_IsString(file))
        return loader_fail(ld, file, LOADER_VALUE, "expected a file name");
    if (feeder_file(ld, file, f) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

/* Point the template symbols at the feeders' names and columns. */
static int feeder_symbols(struct loader *ld)
{
    struct scenario *s = ld->s;
    const char **names = calloc(s->n_feeders + 1, sizeof *names);
    const char *const **cols = calloc(s->n_feeders + 1, sizeof *cols);
    uint32_t *ncols = calloc(s->n_feeders + 1, sizeof *ncols);

    if (!names || !cols || !ncols) {
        free(names);
        free(cols);
        free(ncols);
        return -1;
    }
    for (uint32_t i = 0; i < s->n_feeders; i++) {
        names[i] = s->feeders[i].name;
        cols[i] = (const char *const *)s->feeders[i].columns;
        ncols[i] = s->feeders[i].n_columns;
    }
    ld->sym.feeder_names = names;
    ld->sym.feeder_columns = cols;
    ld->sym.feeder_n_columns = ncols;
    ld->sym.n_feeders = s->n_feeders;
    return 0;
}

int scenario_feeder_parse_all(struct loader *ld, const cJSON *obj)
{
    int count = cJSON_GetArraySize(obj);

    if (loader_object(ld, obj) < 0)
        return -1;
    ld->s->feeders = count ? calloc((size_t)count, sizeof *ld->s->feeders) : NULL;
    if (count && !ld->s->feeders)
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    for (const cJSON *f = obj->child; f; f = f->next) {
        size_t mark = loader_path_key(ld, f->string);

        ld->s->n_feeders++;
        if (parse_feeder(ld, f, &ld->s->feeders[ld->s->n_feeders - 1]) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return feeder_symbols(ld) < 0 ? loader_fail(ld, obj, LOADER_VALUE, "out of memory") : 0;
}

void scenario_feeder_free(struct feeder *f)
{
    free(f->name);
    for (uint32_t i = 0; f->columns && i < f->n_columns; i++)
        free(f->columns[i]);
    free(f->columns);
    for (size_t i = 0; f->cells && i < (size_t)f->n_rows * f->n_columns; i++)
        free(f->cells[i]);
    free(f->cells);
    memset(f, 0, sizeof *f);
}
