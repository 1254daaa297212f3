/* report_csv: a run's Locust-format CSV files read back (hornet's or Locust's, 2.12 to 2.44+):
 * Python csv dialect (quotes, doubled quotes, CRLF or LF, newlines inside quotes), columns
 * found by their header names, counts as whole numbers, times as the floats written, "N/A" and
 * empty percentile cells as missing. Main thread. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

/* ---- splitting ---------------------------------------------------------------------------- */

struct splitter {
    struct rcsv_records *r;
    size_t cap_rec, cap_fields, n_fields;
    char **fields;
};

static int push_field(struct splitter *sp, char *field)
{
    if (sp->n_fields == sp->cap_fields) {
        size_t cap = sp->cap_fields ? sp->cap_fields * 2 : 32;
        char **p = realloc(sp->fields, cap * sizeof *p);
        if (!p)
            return -1;
        sp->fields = p;
        sp->cap_fields = cap;
    }
    sp->fields[sp->n_fields++] = field;
    return 0;
}

static int push_record(struct splitter *sp, size_t line)
{
    struct rcsv_records *r = sp->r;
    char **copy;

    if (r->n == sp->cap_rec) {
        size_t cap = sp->cap_rec ? sp->cap_rec * 2 : 64;
        char ***f = realloc(r->fields, cap * sizeof *f);
        size_t *c = f ? realloc(r->counts, cap * sizeof *c) : NULL;
        size_t *l = c ? realloc(r->lines, cap * sizeof *l) : NULL;
        if (f)
            r->fields = f;
        if (c)
            r->counts = c;
        if (!l)
            return -1;
        r->lines = l;
        sp->cap_rec = cap;
    }
    if (!(copy = malloc(sp->n_fields * sizeof *copy)))
        return -1;
    memcpy(copy, sp->fields, sp->n_fields * sizeof *copy);
    r->fields[r->n] = copy;
    r->counts[r->n] = sp->n_fields;
    r->lines[r->n++] = line;
    sp->n_fields = 0;
    return 0;
}

/* One field starting at *p, unescaped in place (never longer than the text); *p moves past it
 * and *end gets the character that ended it ('\0', ',', '\n'). -1: unterminated quote. */
static int read_field(char **p, size_t *line, char *end)
{
    char *in = *p, *out = *p;

    if (*in == '"') {
        for (in++;; in++) {
            if (*in == '\0')
                return -1;
            if (*in == '"' && in[1] == '"')
                in++;
            else if (*in == '"')
                break;
            if (*in == '\n')
                (*line)++;
            *out++ = *in;
        }
        in++;
    }
    while (*in && *in != ',' && *in != '\n' && !(*in == '\r' && in[1] == '\n'))
        *out++ = *in++;
    if (*in == '\r')
        in++;
    *end = *in;
    *p = *in ? in + 1 : in;
    *out = '\0';                        /* may overwrite the separator: read first */
    return 0;
}

int rcsv_split(const char *text, struct rcsv_records *out, size_t *bad_line)
{
    struct splitter sp = {.r = out};
    size_t line = 1, start = 1;
    char *p, end;

    memset(out, 0, sizeof *out);
    if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3;
    if (!(out->buf = strdup(text)))
        return -1;
    for (p = out->buf; *p;) {
        char *field = p;
        if (read_field(&p, &line, &end) < 0) {
            *bad_line = start;
            goto fail;
        }
        if (push_field(&sp, field) < 0)
            goto fail;
        if (end == ',')
            continue;
        if (push_record(&sp, start) < 0)
            goto fail;
        start = ++line;
    }
    free(sp.fields);
    return (int)out->n;
fail:
    free(sp.fields);
    rcsv_records_free(out);
    return -1;
}

void rcsv_records_free(struct rcsv_records *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->fields[i]);
    free(r->fields);
    free(r->counts);
    free(r->lines);
    free(r->buf);
    memset(r, 0, sizeof *r);
}

/* ---- cells ------------------------------------------------------------------------------ */

/* The columns of a file, found by header name (-1: absent). */
struct columns {
    const char *file;
    const struct rcsv_records *rec;
    size_t row;                         /* the record being read */
    char *err;
    size_t errlen;
};

static int col_of(const struct rcsv_records *rec, const char *name)
{
    for (size_t i = 0; rec->n && i < rec->counts[0]; i++)
        if (strcmp(rec->fields[0][i], name) == 0)
            return (int)i;
    return -1;
}

static const char *cell(const struct columns *c, int col)
{
    if (col < 0 || (size_t)col >= c->rec->counts[c->row])
        return NULL;
    return c->rec->fields[c->row][col];
}

static int bad(const struct columns *c, int col, const char *want)
{
    const char *v = cell(c, col);

    snprintf(c->err, c->errlen, "%s:%zu: column '%s': expected %s, got '%.40s'", c->file,
             c->rec->lines[c->row], c->rec->fields[0][col], want, v ? v : "");
    return -1;
}

static int get_count(const struct columns *c, int col, uint64_t *v)
{
    const char *s = cell(c, col);
    char *end;

    *v = 0;
    if (col < 0)
        return 0;
    if (!s || *s < '0' || *s > '9')
        return bad(c, col, "a whole number");
    errno = 0;
    *v = strtoull(s, &end, 10);
    if (*end || errno)
        return bad(c, col, "a whole number");
    return 0;
}

/* A float cell; "N/A", empty (Python's None) or an absent column read as 0 and set *na when
 * na is given. */
static int get_float(const struct columns *c, int col, double *v, bool *na)
{
    const char *s = cell(c, col);
    char *end;

    *v = 0;
    if (na)
        *na = false;
    if (col < 0 || !s || !*s || strcmp(s, "N/A") == 0) {
        if (na)
            *na = true;
        return 0;
    }
    *v = strtod(s, &end);
    if (*end || !isfinite(*v))
        return bad(c, col, "a number");
    return 0;
}

/* A text cell, cut at a UTF-8 character boundary when it does not fit. */
static void get_text(const struct columns *c, int col, char *out, size_t n)
{
    const char *s = cell(c, col);
    size_t len;

    snprintf(out, n, "%s", s ? s : "");
    len = strlen(out);
    if (s && s[len] != '\0') {
        while (len > 0 && (s[len] & 0xC0) == 0x80)    /* cut inside a character */
            len--;
        out[len] = '\0';
    }
}

static int require(const struct columns *c, const char *const *names)
{
    for (; *names; names++)
        if (col_of(c->rec, *names) < 0) {
            snprintf(c->err, c->errlen, "%s:1: not a Locust/hornet CSV file of this kind: no "
                     "'%s' column", c->file, *names);
            return -1;
        }
    return 0;
}

static int get_pcts(const struct columns *c, double *pct, uint16_t *na)
{
    *na = 0;
    for (int k = 0; k < SNAP_PCT_COUNT; k++) {
        bool missing;
        if (get_float(c, col_of(c->rec, snapshot_pct_labels[k]), &pct[k], &missing) < 0)
            return -1;
        if (missing)
            *na |= (uint16_t)(1u << k);
    }
    return 0;
}

/* ---- stats.csv ------------------------------------------------------------------------ */

static int stats_row(const struct columns *c, struct rcsv_stats_row *r)
{
    const struct rcsv_records *rec = c->rec;

    memset(r, 0, sizeof *r);
    get_text(c, col_of(rec, "Type"), r->method, sizeof r->method);
    get_text(c, col_of(rec, "Name"), r->name, sizeof r->name);
    if (get_count(c, col_of(rec, "Request Count"), &r->requests) < 0 ||
        get_count(c, col_of(rec, "Failure Count"), &r->failures) < 0 ||
        get_float(c, col_of(rec, "Median Response Time"), &r->median, NULL) < 0 ||
        get_float(c, col_of(rec, "Average Response Time"), &r->avg, NULL) < 0 ||
        get_float(c, col_of(rec, "Min Response Time"), &r->min, NULL) < 0 ||
        get_float(c, col_of(rec, "Max Response Time"), &r->max, NULL) < 0 ||
        get_float(c, col_of(rec, "Average Content Size"), &r->avg_size, NULL) < 0 ||
        get_float(c, col_of(rec, "Requests/s"), &r->rps, NULL) < 0 ||
        get_float(c, col_of(rec, "Failures/s"), &r->fps, NULL) < 0)
        return -1;
    return get_pcts(c, r->pct, &r->pct_na);
}

static bool is_aggregated(const struct rcsv_stats_row *r)
{
    return r->method[0] == '\0' && strcmp(r->name, "Aggregated") == 0;
}

static int parse_stats(const char *text, const char *file, struct rcsv_run *run, char *err,
                       size_t errlen)
{
    static const char *const need[] = {"Type", "Name", "Request Count", "Failure Count", NULL};
    struct rcsv_records rec;
    struct columns c = {.file = file, .rec = &rec, .err = err, .errlen = errlen};
    bool total = false;
    size_t bad_line = 0;
    int rc = -1;

    if (rcsv_split(text, &rec, &bad_line) < 0) {
        snprintf(err, errlen, "%s:%zu: %s", file, bad_line, bad_line ? "unterminated quote"
                 : "out of memory");
        return -1;
    }
    if (rec.n == 0) {
        snprintf(err, errlen, "%s: empty file", file);
        goto out;
    }
    if (require(&c, need) < 0 || !(run->stats = calloc(rec.n, sizeof *run->stats)))
        goto out;
    for (c.row = 1; c.row < rec.n; c.row++) {
        struct rcsv_stats_row r;
        if (rec.counts[c.row] == 1 && !rec.fields[c.row][0][0])
            continue;                               /* a blank line */
        if (stats_row(&c, &r) < 0)
            goto out;
        if (is_aggregated(&r)) {
            run->total = r;
            total = true;
        } else {
            run->stats[run->n_stats++] = r;
        }
    }
    if (!total)
        snprintf(err, errlen, "%s: no Aggregated row", file);
    rc = total ? 0 : -1;
out:
    rcsv_records_free(&rec);
    return rc;
}

/* ---- stats_history.csv ------------------------------------------------------------------- */

static int32_t find_entry(const struct rcsv_run *run, const char *method, const char *name,
                          int32_t *hint)
{
    if (method[0] == '\0' && strcmp(name, "Aggregated") == 0)
        return -1;
    for (size_t k = 0; k < run->n_stats; k++) {
        size_t i = ((size_t)(*hint + 1) + k) % run->n_stats;
        if (strcmp(run->stats[i].name, name) == 0 && strcmp(run->stats[i].method, method) == 0)
            return *hint = (int32_t)i;
    }
    return -2;
}

static int history_row(const struct columns *c, const struct rcsv_run *run,
                       struct rcsv_history_row *h, int32_t *hint)
{
    const struct rcsv_records *rec = c->rec;
    char method[8], name[SNAP_NAME_MAX];
    uint64_t ts, users;

    memset(h, 0, sizeof *h);
    get_text(c, col_of(rec, "Type"), method, sizeof method);
    get_text(c, col_of(rec, "Name"), name, sizeof name);
    h->entry = find_entry(run, method, name, hint);
    if (get_count(c, col_of(rec, "Timestamp"), &ts) < 0 ||
        get_count(c, col_of(rec, "User Count"), &users) < 0 ||
        get_float(c, col_of(rec, "Requests/s"), &h->rps, NULL) < 0 ||
        get_float(c, col_of(rec, "Failures/s"), &h->fps, NULL) < 0 ||
        get_pcts(c, h->pct, &h->pct_na) < 0 ||
        get_count(c, col_of(rec, "Total Request Count"), &h->requests) < 0 ||
        get_count(c, col_of(rec, "Total Failure Count"), &h->failures) < 0 ||
        get_float(c, col_of(rec, "Total Median Response Time"), &h->median, NULL) < 0 ||
        get_float(c, col_of(rec, "Total Average Response Time"), &h->avg, NULL) < 0 ||
        get_float(c, col_of(rec, "Total Min Response Time"), &h->min, NULL) < 0 ||
        get_float(c, col_of(rec, "Total Max Response Time"), &h->max, NULL) < 0 ||
        get_float(c, col_of(rec, "Total Average Content Size"), &h->avg_size, NULL) < 0)
        return -1;
    h->timestamp = (int64_t)ts;
    h->users = users > UINT32_MAX ? UINT32_MAX : (uint32_t)users;
    return 0;
}

static int parse_history(const char *text, const char *file, struct rcsv_run *run, char *err,
                         size_t errlen)
{
    static const char *const need[] = {"Timestamp", "User Count", "Type", "Name",
                                       "Total Request Count", "Total Failure Count", NULL};
    struct rcsv_records rec;
    struct columns c = {.file = file, .rec = &rec, .err = err, .errlen = errlen};
    size_t bad_line = 0;
    int32_t hint = -1;
    int rc = -1;

    if (rcsv_split(text, &rec, &bad_line) < 0) {
        snprintf(err, errlen, "%s:%zu: %s", file, bad_line, bad_line ? "unterminated quote"
                 : "out of memory");
        return -1;
    }
    run->has_history = true;
    if (rec.n == 0) {
        rc = 0;                                     /* Locust may leave it empty */
        goto out;
    }
    if (require(&c, need) < 0 || !(run->history = calloc(rec.n, sizeof *run->history)))
        goto out;
    for (c.row = 1; c.row < rec.n; c.row++) {
        struct rcsv_history_row *h = &run->history[run->n_history];
        if (rec.counts[c.row] == 1 && !rec.fields[c.row][0][0])
            continue;
        if (history_row(&c, run, h, &hint) < 0)
            goto out;
        run->full_history |= h->entry != -1;
        run->n_history++;
    }
    rc = 0;
out:
    rcsv_records_free(&rec);
    return rc;
}

/* ---- failures.csv and exceptions.csv ---------------------------------------------------- */

double rcsv_parse_utc(const char *s)
{
    int y, mo, d, h, mi, sec, n = 0;
    long days;

    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        s[n] != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    /* days from civil (Howard Hinnant's algorithm), proleptic Gregorian */
    y -= mo <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    days = era * 146097 + doe - 719468;
    return (double)days * 86400.0 + h * 3600.0 + mi * 60.0 + sec;
}

static int failure_row(const struct columns *c, struct rcsv_failure_row *f)
{
    const struct rcsv_records *rec = c->rec;
    char when[64];
    int col;

    memset(f, 0, sizeof *f);
    get_text(c, col_of(rec, "Method"), f->method, sizeof f->method);
    get_text(c, col_of(rec, "Name"), f->name, sizeof f->name);
    get_text(c, col_of(rec, "Error"), f->error, sizeof f->error);
    if (get_count(c, col_of(rec, "Occurrences"), &f->count) < 0)
        return -1;
    for (int k = 0; k < 2; k++) {
        col = col_of(rec, k ? "Last Seen" : "First Seen");
        get_text(c, col, when, sizeof when);
        double t = when[0] ? rcsv_parse_utc(when) : 0;
        if (t < 0)
            return bad(c, col, "a time such as 2026-11-30T14:25:01Z");
        *(k ? &f->last_seen : &f->first_seen) = t;
    }
    return 0;
}

/* The end of a text that does not fit (a traceback's last frames say where it was raised):
 * "..." and the last bytes, cut at a UTF-8 character boundary. */
static void get_tail(const struct columns *c, int col, char *out, size_t n)
{
    const char *s = cell(c, col), *t;
    size_t len = s ? strlen(s) : 0;

    if (len < n) {
        snprintf(out, n, "%s", s ? s : "");
        return;
    }
    t = s + len - (n - 4);
    while ((*t & 0xC0) == 0x80)
        t++;
    snprintf(out, n, "...%s", t);
}

static int exception_row(const struct columns *c, struct rcsv_exception_row *e)
{
    memset(e, 0, sizeof *e);
    get_text(c, col_of(c->rec, "Message"), e->message, sizeof e->message);
    get_tail(c, col_of(c->rec, "Traceback"), e->traceback, sizeof e->traceback);
    return get_count(c, col_of(c->rec, "Count"), &e->count);
}

/* failures.csv (kind 0) or exceptions.csv (kind 1). */
static int parse_list(const char *text, const char *file, int kind, struct rcsv_run *run,
                      char *err, size_t errlen)
{
    static const char *const need_f[] = {"Method", "Name", "Error", "Occurrences", NULL};
    static const char *const need_e[] = {"Count", "Message", "Traceback", NULL};
    struct rcsv_records rec;
    struct columns c = {.file = file, .rec = &rec, .err = err, .errlen = errlen};
    size_t bad_line = 0, *n = kind ? &run->n_exceptions : &run->n_failures;
    int rc = -1;

    if (rcsv_split(text, &rec, &bad_line) < 0) {
        snprintf(err, errlen, "%s:%zu: %s", file, bad_line, bad_line ? "unterminated quote"
                 : "out of memory");
        return -1;
    }
    *(kind ? &run->has_exceptions : &run->has_failures) = true;
    if (rec.n == 0 || require(&c, kind ? need_e : need_f) < 0) {
        rc = rec.n == 0 ? 0 : -1;
        goto out;
    }
    run->failures_seen |= !kind && col_of(&rec, "First Seen") >= 0;
    if (kind ? !(run->exceptions = calloc(rec.n, sizeof *run->exceptions))
             : !(run->failures = calloc(rec.n, sizeof *run->failures)))
        goto out;
    for (c.row = 1; c.row < rec.n; c.row++) {
        if (rec.counts[c.row] == 1 && !rec.fields[c.row][0][0])
            continue;
        if ((kind ? exception_row(&c, &run->exceptions[*n])
                  : failure_row(&c, &run->failures[*n])) < 0)
            goto out;
        (*n)++;
    }
    rc = 0;
out:
    rcsv_records_free(&rec);
    return rc;
}

/* ---- files ---------------------------------------------------------------------------- */

int rcsv_parse_run(const char *stats, const char *history, const char *failures,
                   const char *exceptions, const char *prefix, struct rcsv_run *run,
                   char *err, size_t errlen)
{
    char file[4][512];
    static const char *const suffix[4] = {"_stats.csv", "_stats_history.csv", "_failures.csv",
                                          "_exceptions.csv"};

    memset(run, 0, sizeof *run);
    for (int i = 0; i < 4; i++)
        snprintf(file[i], sizeof file[i], "%s%s", prefix, suffix[i]);
    if (parse_stats(stats, file[0], run, err, errlen) < 0 ||
        (history && parse_history(history, file[1], run, err, errlen) < 0) ||
        (failures && parse_list(failures, file[2], 0, run, err, errlen) < 0) ||
        (exceptions && parse_list(exceptions, file[3], 1, run, err, errlen) < 0)) {
        rcsv_free(run);
        return -1;
    }
    return 0;
}

/* The whole file; NULL with errno set (ENOENT: missing). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL, *p;
    size_t n = 0, cap = 0, got;

    if (!f)
        return NULL;
    do {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 131072;
            if (!(p = realloc(text, cap))) {
                free(text);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            text = p;
        }
        got = fread(text + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    if (ferror(f)) {
        free(text);
        fclose(f);
        errno = EIO;
        return NULL;
    }
    fclose(f);
    text[n] = '\0';
    if (memchr(text, '\0', n)) {
        free(text);
        errno = EILSEQ;                             /* a binary file */
        return NULL;
    }
    return text;
}

int rcsv_read_run(const char *prefix, struct rcsv_run *run, char *err, size_t errlen)
{
    static const char *const suffix[4] = {"_stats.csv", "_stats_history.csv", "_failures.csv",
                                          "_exceptions.csv"};
    char *text[4] = {NULL, NULL, NULL, NULL}, path[4096];
    int rc = -1;

    memset(run, 0, sizeof *run);
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s%s", prefix, suffix[i]);
        if ((text[i] = slurp(path)) || (errno == ENOENT && i > 0))
            continue;
        snprintf(err, errlen, "cannot read %s: %s", path,
                 errno == EILSEQ ? "not a text file" : strerror(errno));
        goto out;
    }
    rc = rcsv_parse_run(text[0], text[1], text[2], text[3], prefix, run, err, errlen);
out:
    for (int i = 0; i < 4; i++)
        free(text[i]);
    return rc;
}

void rcsv_free(struct rcsv_run *run)
{
    free(run->stats);
    free(run->history);
    free(run->failures);
    free(run->exceptions);
    memset(run, 0, sizeof *run);
}
