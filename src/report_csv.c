/* report_csv: a run's Locust-format CSV files read back (hornet's or Locust's, 2.12 to 2.44+):
 * records from csv_reader.c (RFC 4180, as Python's csv module writes them), columns
 * found by their header names, counts as whole numbers, times as the floats written, "N/A" and
 * empty percentile cells as missing. Files are read one record at a time, so a day-long
 * history costs the rows kept, not the file's size. Main thread. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csv_reader.h"
#include "report_internal.h"
#include "textfile.h"

/* ---- columns and cells ----------------------------------------------------------------- */

enum column {
    C_TYPE, C_NAME, C_REQUESTS, C_FAILURES, C_MEDIAN, C_AVG, C_MIN, C_MAX, C_SIZE, C_RPS, C_FPS,
    C_TIMESTAMP, C_USERS, C_T_REQUESTS, C_T_FAILURES, C_T_MEDIAN, C_T_AVG, C_T_MIN, C_T_MAX,
    C_T_SIZE, C_METHOD, C_ERROR, C_OCCURRENCES, C_FIRST, C_LAST, C_COUNT, C_MESSAGE,
    C_TRACEBACK, C_PCT, N_COLUMNS = C_PCT + SNAP_PCT_COUNT
};

static const char *const column_names[C_PCT] = {
    "Type", "Name", "Request Count", "Failure Count", "Median Response Time",
    "Average Response Time", "Min Response Time", "Max Response Time", "Average Content Size",
    "Requests/s", "Failures/s", "Timestamp", "User Count", "Total Request Count",
    "Total Failure Count", "Total Median Response Time", "Total Average Response Time",
    "Total Min Response Time", "Total Max Response Time", "Total Average Content Size",
    "Method", "Error", "Occurrences", "First Seen", "Last Seen", "Count", "Message", "Traceback"
};

enum file_kind { F_STATS = 0, F_HISTORY, F_FAILURES, F_EXCEPTIONS };

static const enum column required[4][7] = {
    {C_TYPE, C_NAME, C_REQUESTS, C_FAILURES, N_COLUMNS},
    {C_TIMESTAMP, C_USERS, C_TYPE, C_NAME, C_T_REQUESTS, C_T_FAILURES, N_COLUMNS},
    {C_METHOD, C_NAME, C_ERROR, C_OCCURRENCES, N_COLUMNS},
    {C_COUNT, C_MESSAGE, C_TRACEBACK, N_COLUMNS},
};

static const char *column_name(int c)
{
    return c < C_PCT ? column_names[c] : snapshot_pct_labels[c - C_PCT];
}

/* One file being read: its header's columns and the record at hand. */
struct sheet {
    const char *file;
    enum file_kind kind;
    unsigned flags;
    struct report_csv_run *run;
    int col[N_COLUMNS];                 /* field index of each column; -1: absent */
    bool header;
    char **fields;
    size_t n, line;
    int32_t hint;                       /* the history's last entry found */
    char *err;
    size_t errlen;
};

static const char *cell(const struct sheet *sh, enum column c)
{
    int i = sh->col[c];
    return i >= 0 && (size_t)i < sh->n ? sh->fields[i] : NULL;
}

static int bad(const struct sheet *sh, enum column c, const char *want)
{
    const char *v = cell(sh, c);

    snprintf(sh->err, sh->errlen, "%s:%zu: column '%s': expected %s, got '%.40s'", sh->file,
             sh->line, column_name((int)c), want, v ? v : "");
    return -1;
}

static int get_count(const struct sheet *sh, enum column c, uint64_t *v)
{
    const char *s = cell(sh, c);
    char *end;

    *v = 0;
    if (sh->col[c] < 0)
        return 0;
    if (!s || *s < '0' || *s > '9')
        return bad(sh, c, "a whole number");
    errno = 0;
    *v = strtoull(s, &end, 10);
    if (*end || errno)
        return bad(sh, c, "a whole number");
    return 0;
}

/* A float cell; "N/A", empty (Python's None) or an absent column read as 0 and set *na when
 * na is given. */
static int get_float(const struct sheet *sh, enum column c, double *v, bool *na)
{
    const char *s = cell(sh, c);
    char *end;

    *v = 0;
    if (na)
        *na = false;
    if (!s || !*s || strcmp(s, "N/A") == 0) {
        if (na)
            *na = true;
        return 0;
    }
    *v = strtod(s, &end);
    if (*end || !isfinite(*v))
        return bad(sh, c, "a number");
    return 0;
}

/* A text cell, cut at a UTF-8 character boundary when it does not fit. */
static void get_text(const struct sheet *sh, enum column c, char *out, size_t n)
{
    const char *s = cell(sh, c);
    size_t len;

    snprintf(out, n, "%s", s ? s : "");
    len = strlen(out);
    if (s && s[len] != '\0') {
        while (len > 0 && (s[len] & 0xC0) == 0x80)    /* cut inside a character */
            len--;
        out[len] = '\0';
    }
}

/* The end of a text that does not fit (a traceback's last frames say where it was raised):
 * "..." and the last bytes, cut at a UTF-8 character boundary. */
static void get_tail(const struct sheet *sh, enum column c, char *out, size_t n)
{
    const char *s = cell(sh, c), *t;
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

static int get_pcts(const struct sheet *sh, double *pct, uint16_t *na)
{
    *na = 0;
    for (int k = 0; k < SNAP_PCT_COUNT; k++) {
        bool missing;
        if (get_float(sh, (enum column)(C_PCT + k), &pct[k], &missing) < 0)
            return -1;
        if (missing)
            *na |= (uint16_t)(1u << k);
    }
    return 0;
}

static int read_header(struct sheet *sh)
{
    for (int c = 0; c < N_COLUMNS; c++) {
        sh->col[c] = -1;
        for (size_t i = 0; i < sh->n && sh->col[c] < 0; i++)
            if (strcmp(sh->fields[i], column_name(c)) == 0)
                sh->col[c] = (int)i;
    }
    for (const enum column *c = required[sh->kind]; *c != N_COLUMNS; c++)
        if (sh->col[*c] < 0) {
            snprintf(sh->err, sh->errlen, "%s:%zu: not a Locust/hornet CSV file of this kind: "
                     "no '%s' column", sh->file, sh->line, column_name((int)*c));
            return -1;
        }
    sh->header = true;
    return 0;
}

/* Room for one more element in *arr (n used, *cap allocated). */
static void *grow(void *arr, size_t n, size_t *cap, size_t size)
{
    void *p;

    if (n < *cap)
        return arr;
    if (!(p = realloc(arr, (*cap ? *cap * 2 : 64) * size)))
        return NULL;
    *cap = *cap ? *cap * 2 : 64;
    return p;
}

/* ---- rows ------------------------------------------------------------------------------- */

static int stats_row(const struct sheet *sh, struct report_csv_stats_row *r)
{
    memset(r, 0, sizeof *r);
    get_text(sh, C_TYPE, r->method, sizeof r->method);
    get_text(sh, C_NAME, r->name, sizeof r->name);
    if (get_count(sh, C_REQUESTS, &r->requests) < 0 ||
        get_count(sh, C_FAILURES, &r->failures) < 0 ||
        get_float(sh, C_MEDIAN, &r->median, NULL) < 0 || get_float(sh, C_AVG, &r->avg, NULL) < 0 ||
        get_float(sh, C_MIN, &r->min, NULL) < 0 || get_float(sh, C_MAX, &r->max, NULL) < 0 ||
        get_float(sh, C_SIZE, &r->avg_size, NULL) < 0 ||
        get_float(sh, C_RPS, &r->rps, NULL) < 0 || get_float(sh, C_FPS, &r->fps, NULL) < 0)
        return -1;
    return get_pcts(sh, r->pct, &r->pct_na);
}

static int add_stats(struct sheet *sh, size_t *cap)
{
    struct report_csv_run *run = sh->run;
    struct report_csv_stats_row r;

    if (stats_row(sh, &r) < 0)
        return -1;
    if (r.method[0] == '\0' && strcmp(r.name, "Aggregated") == 0) {
        run->total = r;
        run->has_total = true;
        return 0;
    }
    if (!(run->stats = grow(run->stats, run->n_stats, cap, sizeof r)))
        return -1;
    run->stats[run->n_stats++] = r;
    return 0;
}

static int32_t find_entry(const struct report_csv_run *run, const char *method, const char *name,
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

static int history_row(struct sheet *sh, struct report_csv_history_row *h)
{
    char method[8], name[SNAP_NAME_MAX];
    uint64_t ts, users;

    memset(h, 0, sizeof *h);
    get_text(sh, C_TYPE, method, sizeof method);
    get_text(sh, C_NAME, name, sizeof name);
    h->entry = find_entry(sh->run, method, name, &sh->hint);
    if (get_count(sh, C_TIMESTAMP, &ts) < 0 || get_count(sh, C_USERS, &users) < 0 ||
        get_float(sh, C_RPS, &h->rps, NULL) < 0 || get_float(sh, C_FPS, &h->fps, NULL) < 0 ||
        get_pcts(sh, h->pct, &h->pct_na) < 0 ||
        get_count(sh, C_T_REQUESTS, &h->requests) < 0 ||
        get_count(sh, C_T_FAILURES, &h->failures) < 0 ||
        get_float(sh, C_T_MEDIAN, &h->median, NULL) < 0 ||
        get_float(sh, C_T_AVG, &h->avg, NULL) < 0 || get_float(sh, C_T_MIN, &h->min, NULL) < 0 ||
        get_float(sh, C_T_MAX, &h->max, NULL) < 0 ||
        get_float(sh, C_T_SIZE, &h->avg_size, NULL) < 0)
        return -1;
    h->timestamp = (int64_t)ts;
    h->users = users > UINT32_MAX ? UINT32_MAX : (uint32_t)users;
    return 0;
}

/* Aggregated rows are kept; endpoint rows only with REPORT_CSV_ENDPOINT_HISTORY. */
static int add_history(struct sheet *sh, size_t *cap)
{
    struct report_csv_run *run = sh->run;
    struct report_csv_history_row h;

    if (history_row(sh, &h) < 0)
        return -1;
    run->full_history |= h.entry != -1;
    if (h.entry != -1 && !(sh->flags & REPORT_CSV_ENDPOINT_HISTORY))
        return 0;
    if (!(run->history = grow(run->history, run->n_history, cap, sizeof h)))
        return -1;
    run->history[run->n_history++] = h;
    return 0;
}

double report_csv_parse_utc(const char *s)
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

static int add_failure(struct sheet *sh, size_t *cap)
{
    struct report_csv_run *run = sh->run;
    struct report_csv_failure_row f = {0};
    char when[64];

    get_text(sh, C_METHOD, f.method, sizeof f.method);
    get_text(sh, C_NAME, f.name, sizeof f.name);
    get_text(sh, C_ERROR, f.error, sizeof f.error);
    if (get_count(sh, C_OCCURRENCES, &f.count) < 0)
        return -1;
    for (int k = 0; k < 2; k++) {
        enum column c = k ? C_LAST : C_FIRST;
        get_text(sh, c, when, sizeof when);
        double t = when[0] ? report_csv_parse_utc(when) : 0;
        if (t < 0)
            return bad(sh, c, "a time such as 2026-11-30T14:25:01Z");
        *(k ? &f.last_seen : &f.first_seen) = t;
    }
    run->failures_seen |= sh->col[C_FIRST] >= 0;
    if (!(run->failures = grow(run->failures, run->n_failures, cap, sizeof f)))
        return -1;
    run->failures[run->n_failures++] = f;
    return 0;
}

static int add_exception(struct sheet *sh, size_t *cap)
{
    struct report_csv_run *run = sh->run;
    struct report_csv_exception_row e = {0};

    get_text(sh, C_MESSAGE, e.message, sizeof e.message);
    get_tail(sh, C_TRACEBACK, e.traceback, sizeof e.traceback);
    if (get_count(sh, C_COUNT, &e.count) < 0)
        return -1;
    if (!(run->exceptions = grow(run->exceptions, run->n_exceptions, cap, sizeof e)))
        return -1;
    run->exceptions[run->n_exceptions++] = e;
    return 0;
}

struct reader {
    struct sheet sh;
    size_t cap;
    bool oom;
};

static int take_record(struct reader *rd, const struct csv_record *rec)
{
    struct sheet *sh = &rd->sh;
    int rc;

    sh->fields = rec->fields;
    sh->n = rec->n;
    sh->line = rec->line;
    if (!sh->header)
        return read_header(sh);
    switch (sh->kind) {
    case F_STATS: rc = add_stats(sh, &rd->cap); break;
    case F_HISTORY: rc = add_history(sh, &rd->cap); break;
    case F_FAILURES: rc = add_failure(sh, &rd->cap); break;
    default: rc = add_exception(sh, &rd->cap); break;
    }
    if (rc < 0 && !sh->err[0]) {
        rd->oom = true;
        snprintf(sh->err, sh->errlen, "out of memory reading %s", sh->file);
    }
    return rc;
}

/* One file from its reader; an empty file is an error for stats.csv only. */
static int read_file(struct csv_reader *src, const char *file, enum file_kind kind,
                     unsigned flags, struct report_csv_run *run, char *err, size_t errlen)
{
    char scratch[8];
    struct reader rd = {.sh = {.file = file, .kind = kind, .flags = flags, .run = run,
                               .hint = -1, .err = err ? err : scratch,
                               .errlen = err ? errlen : sizeof scratch}};
    struct csv_record rec;
    int rc;

    rd.sh.err[0] = '\0';
    while ((rc = csv_reader_next(src, &rec)) > 0)
        if (take_record(&rd, &rec) < 0)
            return -1;
    if (rc < 0) {
        snprintf(rd.sh.err, rd.sh.errlen, "%s:%zu: %s", file, csv_reader_error_line(src),
                 csv_reader_error(src));
        return -1;
    }
    if (kind == F_STATS && !rd.sh.header) {
        snprintf(rd.sh.err, rd.sh.errlen, "%s: empty file", file);
        return -1;
    }
    if (kind == F_STATS && !run->has_total) {
        snprintf(rd.sh.err, rd.sh.errlen, "%s: no Aggregated row", file);
        return -1;
    }
    return 0;
}

/* ---- files ---------------------------------------------------------------------------- */

static const char *const suffixes[4] = {"_stats.csv", "_stats_history.csv", "_failures.csv",
                                        "_exceptions.csv"};

static void mark_present(struct report_csv_run *run, int kind)
{
    if (kind == F_HISTORY)
        run->has_history = true;
    else if (kind == F_FAILURES)
        run->has_failures = true;
    else if (kind == F_EXCEPTIONS)
        run->has_exceptions = true;
}

int report_csv_parse_run(const char *stats, const char *history, const char *failures,
                         const char *exceptions, const char *prefix, unsigned flags,
                         struct report_csv_run *run, char *err, size_t errlen)
{
    const char *texts[4] = {stats, history, failures, exceptions};
    char file[4200];

    memset(run, 0, sizeof *run);
    for (int k = 0; k < 4; k++) {
        struct csv_reader *src;
        int rc;

        if (!texts[k])
            continue;
        snprintf(file, sizeof file, "%s%s", prefix, suffixes[k]);
        mark_present(run, k);
        if (!(src = csv_reader_text(texts[k], strlen(texts[k])))) {
            snprintf(err, errlen, "out of memory reading %s", file);
            report_csv_free(run);
            return -1;
        }
        rc = read_file(src, file, (enum file_kind)k, flags, run, err, errlen);
        csv_reader_free(src);
        if (rc < 0) {
            report_csv_free(run);
            return -1;
        }
    }
    return 0;
}

int report_csv_read_run(const char *prefix, unsigned flags, struct report_csv_run *run, char *err,
                        size_t errlen)
{
    char path[4200], why[128];

    memset(run, 0, sizeof *run);
    for (int k = 0; k < 4; k++) {
        struct csv_reader *src;
        FILE *f;
        int rc = -1;

        snprintf(path, sizeof path, "%s%s", prefix, suffixes[k]);
        if (!(f = textfile_open(path, why, sizeof why))) {
            if (errno == ENOENT && k > 0)
                continue;
            snprintf(err, errlen, "cannot read %s: %s", path, why);
            report_csv_free(run);
            return -1;
        }
        mark_present(run, k);
        if ((src = csv_reader_file(f)))
            rc = read_file(src, path, (enum file_kind)k, flags, run, err, errlen);
        else
            snprintf(err, errlen, "out of memory reading %s", path);
        csv_reader_free(src);
        fclose(f);
        if (rc < 0) {
            report_csv_free(run);
            return -1;
        }
    }
    return 0;
}

int report_csv_read_stats(const char *path, struct report_csv_run *run, char *err,
                          size_t errlen)
{
    struct csv_reader *src;
    FILE *f;
    int rc = -1;

    memset(run, 0, sizeof *run);
    if (!(f = fopen(path, "rb"))) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    mark_present(run, F_STATS);
    if ((src = csv_reader_file(f)))
        rc = read_file(src, path, F_STATS, 0, run, err, errlen);
    else
        snprintf(err, errlen, "out of memory reading %s", path);
    csv_reader_free(src);
    fclose(f);
    if (rc < 0)
        report_csv_free(run);
    return rc;
}

/* One row of PREFIX_arrivals.csv into p; -1 with a message when it is not one. */
static int arrival_row(const struct csv_record *rec, const char *path,
                       struct snap_arrival_point *p, char *err, size_t errlen)
{
    char *end;
    unsigned long v[4];

    if (rec->n != 6)
        goto bad;
    p->second = strtoll(rec->fields[0], &end, 10);
    if (*end)
        goto bad;
    p->asked = strtod(rec->fields[1], &end);
    if (*end || !(p->asked >= 0 && p->asked <= ARRIVAL_RATE_MAX))  /* a second's, no NaN */
        goto bad;
    for (int i = 0; i < 4; i++) {
        v[i] = strtoul(rec->fields[2 + i], &end, 10);
        if (*end || !*rec->fields[2 + i])
            goto bad;
    }
    p->started = (uint32_t)v[0];
    p->dropped = (uint32_t)v[1];
    p->busy = (uint32_t)v[2];
    p->users = (uint32_t)v[3];
    return 0;
bad:
    snprintf(err, errlen, "%s:%zu: expected Timestamp,Asked,Achieved,Dropped,Busy Users,User "
             "Count numbers", path, rec->line);
    return -1;
}

int report_csv_read_arrivals(const char *path, struct snap_arrival_point **out, size_t *n,
                             char *err, size_t errlen)
{
    struct csv_reader *src = NULL;
    struct csv_record rec;
    size_t cap = 0;
    FILE *f;
    int rc;

    *out = NULL;
    *n = 0;
    err[0] = '\0';
    if (!(f = fopen(path, "rb")))
        return errno == ENOENT ? 0 : (snprintf(err, errlen, "cannot read %s: %s", path,
                                               strerror(errno)), -1);
    if (!(src = csv_reader_file(f))) {
        fclose(f);
        return snprintf(err, errlen, "out of memory reading %s", path), -1;
    }
    while ((rc = csv_reader_next(src, &rec)) > 0) {
        if (rec.line == 1)
            continue;                               /* the header */
        if (*n == cap) {
            struct snap_arrival_point *p = realloc(*out, (cap ? cap * 2 : 256) * sizeof *p);
            if (!p) {
                rc = -1;
                snprintf(err, errlen, "out of memory reading %s", path);
                break;
            }
            *out = p;
            cap = cap ? cap * 2 : 256;
        }
        if ((rc = arrival_row(&rec, path, &(*out)[*n], err, errlen)) < 0)
            break;
        (*n)++;
    }
    if (rc < 0 && !err[0])                          /* the CSV itself is broken */
        snprintf(err, errlen, "%s:%zu: %s", path, csv_reader_error_line(src),
                 csv_reader_error(src));
    csv_reader_free(src);
    fclose(f);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc < 0 ? -1 : 1;
}

void report_csv_free(struct report_csv_run *run)
{
    free(run->stats);
    free(run->history);
    free(run->failures);
    free(run->exceptions);
    memset(run, 0, sizeof *run);
}
