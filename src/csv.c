/* csv: writes Locust 2.43's four CSV files from snapshots (see csv.h for the row rules).
 *
 * Text is built in a growable buffer, then written in one go: stats, failures and exceptions
 * through a temporary file in the target directory, fsync and rename (a reader never sees a
 * half file, Ctrl-C never leaves one); the history is appended with write + fdatasync once per
 * tick. Number cells follow Locust's Python: repr(float) for exact values, int milliseconds for
 * percentiles, "%f" for the history rates, N/A percentiles for an entry without requests.
 *
 * Main thread only; no global state. */
#include "csv.h"
#include "strbuf.h"
#include "csv_internal.h"
#include "fileio.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CRLF "\r\n"

static const char STATS_HEADER[] =
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s";
static const char HISTORY_HEADER_HEAD[] = "Timestamp,User Count,Type,Name,Requests/s,Failures/s";
static const char HISTORY_HEADER_TAIL[] =
    "Total Request Count,Total Failure Count,Total Median Response Time,"
    "Total Average Response Time,Total Min Response Time,Total Max Response Time,"
    "Total Average Content Size";
static const char FAILURES_HEADER[] = "Method,Name,Error,Occurrences";
static const char FAILURES_SEEN[] = ",First Seen,Last Seen";
static const char EXCEPTIONS_HEADER[] = "Count,Message,Traceback,Nodes";

/* ---- growable text buffer ---------------------------------------------------------------- */

struct buf {
    char *p;
    size_t len, cap;
    bool oom;          /* an append failed: the text is incomplete */
};

static bool buf_reserve(struct buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

static void buf_put(struct buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    buf_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void buf_free(struct buf *b)
{
    free(b->p);
    *b = (struct buf){0};
}

/* Hands the text over to the caller (csv_render*). */
static char *buf_take(struct buf *b, size_t *len)
{
    if (!buf_reserve(b, 0)) {
        buf_free(b);
        return NULL;
    }
    if (len)
        *len = b->len;
    char *p = b->p;
    *b = (struct buf){0};
    return p;
}

/* ---- Python's repr(float) ---------------------------------------------------------------- */

static bool round_trips(unsigned long long mant, int exp10, double v)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%llue%d", mant, exp10);
    return strtod(tmp, NULL) == v;
}

/* Shortest decimal digits of v > 0 (finite) that read back as v, closest to v among the
 * shortest (as David Gay's mode 0 that CPython uses). Fills digits (no trailing zeros) and
 * returns decpt: v = 0.DIGITS * 10^decpt. */
static int shortest_digits(double v, char *digits, size_t n)
{
    unsigned long long mant = 0;
    int exp10 = 0;
    /* DBL_DIG: a decimal of at most 15 digits survives decimal -> double -> 15 digits, so for
     * normal numbers the 15-digit rendering is the shortest whenever some <= 15-digit text reads
     * back as v (trailing zeros are stripped below), and no shorter one can if it does not.
     * Subnormals have fewer digits of precision: try every length. */
    int first = v >= DBL_MIN ? DBL_DIG - 1 : 0;

    for (int prec = first; prec <= 16; prec++) {
        char tmp[48], *e;
        snprintf(tmp, sizeof tmp, "%.*e", prec, v);      /* d.ddde+XX, correctly rounded */
        e = strchr(tmp, 'e');
        int sci = atoi(e + 1);
        mant = 0;
        for (const char *c = tmp; c < e; c++)
            if (*c >= '0' && *c <= '9')
                mant = mant * 10 + (unsigned long long)(*c - '0');
        exp10 = sci - prec;
        if (strtod(tmp, NULL) == v)
            break;
        /* The correctly rounded candidate missed: the other neighbour may still be inside
         * the rounding interval (asymmetric at powers of two). */
        if (round_trips(mant + 1, exp10, v)) {
            mant += 1;
            break;
        }
        if (mant > 1 && round_trips(mant - 1, exp10, v)) {
            mant -= 1;
            break;
        }
    }
    while (mant % 10 == 0 && mant != 0) {
        mant /= 10;
        exp10++;
    }
    int nd = snprintf(digits, n, "%llu", mant);
    return nd + exp10;
}

void csv_format_float(double v, char *out, size_t n)
{
    char d[32], res[48];
    size_t p = 0;

    if (n == 0)
        return;
    if (isnan(v) || isinf(v)) {
        snprintf(out, n, "%s", isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf"));
        return;
    }
    if (signbit(v))
        res[p++] = '-';
    v = fabs(v);
    if (v == 0.0) {
        snprintf(out, n, "%s0.0", p ? "-" : "");
        return;
    }
    int decpt = shortest_digits(v, d, sizeof d);
    int nd = (int)strlen(d);
    if (decpt <= -4 || decpt > 16) {                 /* 1e-05, 1.5e-07, 1e+16 */
        res[p++] = d[0];
        if (nd > 1)
            p += (size_t)sprintf(res + p, ".%s", d + 1);
        sprintf(res + p, "e%c%02d", decpt - 1 < 0 ? '-' : '+', abs(decpt - 1));
    } else if (decpt <= 0) {                         /* 0.000123 */
        p += (size_t)sprintf(res + p, "0.");
        for (int i = 0; i < -decpt; i++)
            res[p++] = '0';
        sprintf(res + p, "%s", d);
    } else if (decpt >= nd) {                        /* 646.0, 1000000000000000.0 */
        p += (size_t)sprintf(res + p, "%s", d);
        for (int i = 0; i < decpt - nd; i++)
            res[p++] = '0';
        sprintf(res + p, ".0");
    } else {                                         /* 5.580803915965437 */
        sprintf(res + p, "%.*s.%s", decpt, d, d + decpt);
    }
    snprintf(out, n, "%s", res);
}

/* ---- cells ------------------------------------------------------------------------------- */

static bool needs_quotes(const char *s)
{
    return strpbrk(s, ",\"\r\n") != NULL;
}

size_t csv_quote(const char *field, char *out, size_t n)
{
    size_t len = n ? strnlen(out, n) : 0;
    bool q = needs_quotes(field);
    size_t need = len;

#define PUT(c) do { if (need + 1 < n) out[need] = (c); need++; } while (0)
    if (q)
        PUT('"');
    for (const char *c = field; *c; c++) {
        if (*c == '"')
            PUT('"');
        PUT(*c);
    }
    if (q)
        PUT('"');
#undef PUT
    if (n)
        out[need < n ? need : n - 1] = '\0';
    return need;
}

int csv_append_field(struct strbuf *b, const char *field, const char *end)
{
    bool q = needs_quotes(field);
    int rc = q ? strbuf_putc(b, '"') : 0;

    for (const char *c = field; *c && rc == 0; c++)
        rc = (*c == '"' ? strbuf_putc(b, '"') : 0) | strbuf_putc(b, *c);
    if (q && rc == 0)
        rc = strbuf_putc(b, '"');
    return rc == 0 ? strbuf_puts(b, end) : -1;
}

unsigned long long csv_ms(unsigned long long us)
{
    return (us + 500) / 1000;
}

static void put_field(struct buf *b, const char *s)
{
    if (!needs_quotes(s)) {
        buf_puts(b, s);
        return;
    }
    buf_put(b, "\"", 1);
    for (const char *c = s; *c; c++) {
        const char *q = strchr(c, '"');
        size_t run = q ? (size_t)(q - c) : strlen(c);
        buf_put(b, c, run);
        if (!q)
            break;
        buf_put(b, "\"\"", 2);
        c = q;
    }
    buf_put(b, "\"", 1);
}

static void put_float(struct buf *b, double v)
{
    char tmp[48];
    csv_format_float(v, tmp, sizeof tmp);
    buf_puts(b, tmp);
}

/* Locust writes `min_response_time or 0` and `max_response_time` (int 0 until a latency). */
static void put_ms_exact(struct buf *b, uint64_t us)
{
    if (us == 0)
        buf_puts(b, "0");
    else
        put_float(b, (double)us / 1000.0);
}

/* Median, Average, Min, Max, Average Content Size: the same five in stats and history rows. */
static void put_totals(struct buf *b, const struct snap_stats *st)
{
    uint64_t timed = st->requests > st->none_requests ? st->requests - st->none_requests : 0;

    buf_printf(b, ",%llu,", st->requests ? csv_ms(st->median_us) : 0ULL);
    if (timed)
        put_float(b, (double)st->total_us / (double)timed / 1000.0);
    else
        buf_puts(b, "0.0");
    buf_puts(b, ",");
    put_ms_exact(b, st->min_us);
    buf_puts(b, ",");
    put_ms_exact(b, st->max_us);
    buf_puts(b, ",");
    if (st->requests)
        put_float(b, (double)st->total_bytes / (double)st->requests);
    else
        buf_puts(b, "0");
}

/* use_current: the ~10 s window (0 when the window is empty), else cumulative. */
static void put_percentiles(struct buf *b, const struct snap_stats *st, bool use_current)
{
    for (int i = 0; i < SNAP_PCT_COUNT; i++) {
        if (!st->requests)
            buf_puts(b, ",N/A");
        else if (use_current)
            buf_printf(b, ",%llu", st->cur_count ? csv_ms(st->cur_pct_us[i]) : 0ULL);
        else
            buf_printf(b, ",%llu", csv_ms(st->pct_us[i]));
    }
}

static void put_pct_labels(struct buf *b)
{
    for (int i = 0; i < SNAP_PCT_COUNT; i++) {
        buf_puts(b, ",");
        buf_puts(b, snapshot_pct_labels[i]);
    }
}

/* ---- rows -------------------------------------------------------------------------------- */

static int cmp_entry(const void *a, const void *b)
{
    const struct snap_stats *x = *(const struct snap_stats *const *)a;
    const struct snap_stats *y = *(const struct snap_stats *const *)b;
    int c = strcmp(x->name, y->name);

    if (c == 0)
        c = strcmp(x->method, y->method);
    if (c == 0)
        c = (x > y) - (x < y);      /* scenario order: deterministic */
    return c;
}

unsigned csv_sorted_endpoints(const struct snapshot *s, const struct snap_stats **out)
{
    uint32_t n = 0, max = s->n_endpoints < SNAP_MAX_ENDPOINTS ? s->n_endpoints
                                                               : SNAP_MAX_ENDPOINTS;
    for (uint32_t i = 0; i < max; i++)
        if (s->endpoints[i].requests > 0)
            out[n++] = &s->endpoints[i];
    qsort(out, n, sizeof *out, cmp_entry);
    return n;
}

static void stats_row(struct buf *b, const struct snap_stats *st)
{
    put_field(b, st->method);
    buf_puts(b, ",");
    put_field(b, st->name);
    buf_printf(b, ",%llu,%llu", (unsigned long long)st->requests,
               (unsigned long long)st->failures);
    put_totals(b, st);
    buf_puts(b, ",");
    put_float(b, st->total_rps);
    buf_puts(b, ",");
    put_float(b, st->total_fps);
    put_percentiles(b, st, false);
    buf_puts(b, CRLF);
}

static void render_stats(struct buf *b, const struct snapshot *s)
{
    const struct snap_stats *rows[SNAP_MAX_ENDPOINTS];
    uint32_t n = csv_sorted_endpoints(s, rows);

    buf_puts(b, STATS_HEADER);
    put_pct_labels(b);
    buf_puts(b, CRLF);
    for (uint32_t i = 0; i < n; i++)
        stats_row(b, rows[i]);
    stats_row(b, &s->total);
}

static void history_row(struct buf *b, const struct snapshot *s, const struct snap_stats *st,
                        bool full_history)
{
    buf_printf(b, "%lld,%lu,", (long long)floor(s->now), (unsigned long)s->users);
    put_field(b, st->method);
    buf_puts(b, ",");
    put_field(b, st->name);
    buf_printf(b, ",%f,%f", st->current_rps, st->current_fps);
    put_percentiles(b, st, full_history);
    buf_printf(b, ",%llu,%llu", (unsigned long long)st->requests,
               (unsigned long long)st->failures);
    put_totals(b, st);
    buf_puts(b, CRLF);
}

static void render_history_header(struct buf *b)
{
    buf_puts(b, HISTORY_HEADER_HEAD);
    put_pct_labels(b);
    buf_puts(b, ",");
    buf_puts(b, HISTORY_HEADER_TAIL);
    buf_puts(b, CRLF);
}

static void render_history_rows(struct buf *b, const struct snapshot *s, bool full_history)
{
    if (full_history) {
        const struct snap_stats *rows[SNAP_MAX_ENDPOINTS];
        uint32_t n = csv_sorted_endpoints(s, rows);
        for (uint32_t i = 0; i < n; i++)
            history_row(b, s, rows[i], true);
    }
    history_row(b, s, &s->total, full_history);
}

struct failure_ref {
    const struct snap_error *e;
    const struct snap_stats *ep;
};

static int cmp_failure(const void *a, const void *b)
{
    const struct failure_ref *x = a, *y = b;
    int c = strcmp(x->ep->name, y->ep->name);

    if (c == 0)
        c = strcmp(x->ep->method, y->ep->method);
    if (c == 0)
        c = strcmp(x->e->text, y->e->text);
    if (c == 0)
        c = (x->e > y->e) - (x->e < y->e);
    return c;
}

/* format_utc_timestamp of Locust 2.44+: empty when the time is unknown. */
static void put_utc(struct buf *b, double t)
{
    char tmp[32] = "";
    struct tm tm;
    time_t secs = (time_t)t;

    if (t > 0 && gmtime_r(&secs, &tm))
        strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    buf_puts(b, ",");
    buf_puts(b, tmp);
}

static void render_failures(struct buf *b, const struct snapshot *s, bool seen_columns)
{
    struct failure_ref refs[SNAP_MAX_ERRORS];
    uint32_t n = 0, max = s->n_errors < SNAP_MAX_ERRORS ? s->n_errors : SNAP_MAX_ERRORS;

    for (uint32_t i = 0; i < max; i++) {
        const struct snap_error *e = &s->errors[i];
        if (!e->expected && e->endpoint < s->n_endpoints && e->endpoint < SNAP_MAX_ENDPOINTS)
            refs[n++] = (struct failure_ref){e, &s->endpoints[e->endpoint]};
    }
    qsort(refs, n, sizeof *refs, cmp_failure);
    buf_puts(b, FAILURES_HEADER);
    if (seen_columns)
        buf_puts(b, FAILURES_SEEN);
    buf_puts(b, CRLF);
    for (uint32_t i = 0; i < n; i++) {
        put_field(b, refs[i].ep->method);
        buf_puts(b, ",");
        put_field(b, refs[i].ep->name);
        buf_puts(b, ",");
        put_field(b, refs[i].e->text);
        buf_printf(b, ",%llu", (unsigned long long)refs[i].e->count);
        if (seen_columns) {
            put_utc(b, refs[i].e->first_seen);
            put_utc(b, refs[i].e->last_seen);
        }
        buf_puts(b, CRLF);
    }
}

static void render_exceptions(struct buf *b, const struct snapshot *s)
{
    uint32_t max = s->n_exceptions < SNAP_MAX_EXCEPTIONS ? s->n_exceptions
                                                          : SNAP_MAX_EXCEPTIONS;
    buf_puts(b, EXCEPTIONS_HEADER);
    buf_puts(b, CRLF);
    for (uint32_t i = 0; i < max; i++) {
        const struct snap_exception *x = &s->exceptions[i];
        buf_printf(b, "%llu,", (unsigned long long)x->count);
        put_field(b, x->message);
        buf_puts(b, ",");
        put_field(b, x->where);
        buf_puts(b, ",local" CRLF);
    }
}

static void render(struct buf *b, enum csv_file which, const struct snapshot *s, bool seen)
{
    switch (which) {
    case CSV_STATS: render_stats(b, s); break;
    case CSV_FAILURES: render_failures(b, s, seen); break;
    case CSV_EXCEPTIONS: render_exceptions(b, s); break;
    }
}

char *csv_render(enum csv_file which, const struct snapshot *s, bool seen_columns,
                 size_t *len)
{
    struct buf b = {0};
    render(&b, which, s, seen_columns);
    return buf_take(&b, len);
}

char *csv_render_history_rows(const struct snapshot *s, bool full_history, size_t *len)
{
    struct buf b = {0};
    render_history_rows(&b, s, full_history);
    return buf_take(&b, len);
}

/* ---- files ------------------------------------------------------------------------------- */

static int fail(char *err, size_t errlen, const char *what, const char *path)
{
    if (err && errlen)
        snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
    return -1;
}

static int fail_oom(char *err, size_t errlen)
{
    if (err && errlen)
        snprintf(err, errlen, "out of memory while formatting CSV");
    return -1;
}

static int write_file(const char *prefix, const char *suffix, enum csv_file which,
                      const struct snapshot *s, bool seen, char *err, size_t errlen)
{
    char path[4096];
    struct buf b = {0};

    if ((size_t)snprintf(path, sizeof path, "%s%s", prefix, suffix) >= sizeof path) {
        errno = ENAMETOOLONG;
        return fail(err, errlen, "cannot write", prefix);
    }
    render(&b, which, s, seen);
    int rc = b.oom ? fail_oom(err, errlen) : fileio_write_atomic(path, b.p, b.len, err, errlen);
    buf_free(&b);
    return rc;
}

/* Append "; " and the message of a failed file to the messages so far. */
static void add_error(char *err, size_t errlen, const char *msg)
{
    size_t len = err && errlen ? strnlen(err, errlen) : 0;

    if (err && errlen && len + 1 < errlen)
        snprintf(err + len, errlen - len, "%s%s", len ? "; " : "", msg);
}

/* Each file is tried even when an earlier one failed: one full directory must not cost the
 * others. Returns how many failed, every message in err. */
static int write_files(const char *prefix, const struct snapshot *s, bool seen_columns,
                       char *err, size_t errlen)
{
    static const struct { const char *suffix; enum csv_file which; } files[] = {
        {"_stats.csv", CSV_STATS}, {"_failures.csv", CSV_FAILURES},
        {"_exceptions.csv", CSV_EXCEPTIONS},
    };
    char one[4400];
    int failed = 0;

    if (err && errlen)
        err[0] = '\0';
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (write_file(prefix, files[i].suffix, files[i].which, s,
                       files[i].which == CSV_FAILURES && seen_columns, one, sizeof one) != 0) {
            add_error(err, errlen, one);
            failed++;
        }
    }
    return failed;
}

int csv_write_final(const char *prefix, const struct snapshot *s, bool seen_columns, char *err,
                    size_t errlen)
{
    int failed = write_files(prefix, s, seen_columns, err, errlen);

    if (s->requests_dropped)        /* the files keep Locust's format: the log says it */
        log_msg(LOG_LEVEL_WARNING, "%llu request%s not recorded (out of memory): the CSV "
                "numbers miss %s", (unsigned long long)s->requests_dropped,
                s->requests_dropped == 1 ? " was" : "s were",
                s->requests_dropped == 1 ? "it" : "them");
    return failed ? -1 : 0;
}

/* ---- history ----------------------------------------------------------------------------- */

struct csv_history {
    bool full_history;
    int fd;               /* PREFIX_stats_history.csv, or -1: memory only */
    char *path;
    off_t size;           /* bytes of whole rows on disk: the file never ends mid-row */
    struct buf pending;   /* memory only: the whole file; with a file: rows not yet written */
    struct buf scratch;   /* reused each tick */
};

/* Writes what is pending after the rows on disk and makes it durable. A write that fails
 * part-way (a full disk) is cut back to the last whole row and kept pending, so that a reader,
 * and the file left when the run ends, always see whole rows. */
static int history_flush(struct csv_history *h, char *err, size_t errlen)
{
    size_t done = 0;
    int saved;

    if (h->fd < 0 || h->pending.len == 0)
        return 0;
    while (done < h->pending.len) {
        ssize_t w = pwrite(h->fd, h->pending.p + done, h->pending.len - done,
                           h->size + (off_t)done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    if (done == h->pending.len && fdatasync(h->fd) == 0) {
        h->size += (off_t)done;
        h->pending.len = 0;
        h->pending.p[0] = '\0';
        return 0;
    }
    saved = done < h->pending.len && errno == 0 ? ENOSPC : errno;
    if (ftruncate(h->fd, h->size) != 0)
        (void)0;                /* nothing better to do: the error below says it */
    errno = saved;
    return fail(err, errlen, "cannot write", h->path);
}

static int history_append(struct csv_history *h, const struct buf *text, char *err,
                          size_t errlen)
{
    if (text->oom)
        return fail_oom(err, errlen);
    buf_put(&h->pending, text->p, text->len);
    if (h->pending.oom) {
        h->pending.oom = false;       /* keep the rows that are there; drop this tick's */
        return fail_oom(err, errlen);
    }
    return history_flush(h, err, errlen);
}

struct csv_history *csv_history_open(const char *prefix, bool full_history, char *err,
                                     size_t errlen)
{
    struct csv_history *h = calloc(1, sizeof *h);
    struct buf header = {0};

    if (!h) {
        fail_oom(err, errlen);
        return NULL;
    }
    h->full_history = full_history;
    h->fd = -1;
    if (prefix) {
        size_t n = strlen(prefix) + sizeof "_stats_history.csv";
        h->path = malloc(n);
        if (!h->path) {
            fail_oom(err, errlen);
            goto fail;
        }
        snprintf(h->path, n, "%s_stats_history.csv", prefix);
        if (fileio_make_parent_dirs(h->path, err, errlen) != 0)
            goto fail;
        h->fd = open(h->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (h->fd < 0) {
            fail(err, errlen, "cannot create", h->path);
            goto fail;
        }
    }
    render_history_header(&header);
    if (history_append(h, &header, err, errlen) != 0)
        goto fail;
    buf_free(&header);
    return h;
fail:
    buf_free(&header);
    csv_history_close(h);
    return NULL;
}

size_t csv_history_unwritten(const struct csv_history *h)
{
    return h && h->fd >= 0 ? h->pending.len : 0;
}

int csv_history_tick(struct csv_history *h, const struct snapshot *s, char *err, size_t errlen)
{
    h->scratch.len = 0;
    h->scratch.oom = false;
    render_history_rows(&h->scratch, s, h->full_history);
    return history_append(h, &h->scratch, err, errlen);
}

/* The whole history: the file's content read back, then what is still pending. */
static int history_text(const struct csv_history *h, struct buf *out, char *err, size_t errlen)
{
    if (h->fd >= 0) {
        size_t size = (size_t)h->size, got = 0;
        if (!buf_reserve(out, size))
            return fail_oom(err, errlen);
        while (got < size) {
            ssize_t r = pread(h->fd, out->p + got, size - got, (off_t)got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r == 0)
                errno = EIO;            /* the file shrank under us */
            if (r <= 0)
                return fail(err, errlen, "cannot read", h->path);
            got += (size_t)r;
        }
        out->len = got;
        out->p[got] = '\0';
    }
    buf_put(out, h->pending.p ? h->pending.p : "", h->pending.len);
    return out->oom ? fail_oom(err, errlen) : 0;
}

int csv_history_export(const struct csv_history *h, const char *path, char *err, size_t errlen)
{
    struct buf b = {0};
    int rc = history_text(h, &b, err, errlen);

    if (rc == 0)
        rc = fileio_write_atomic(path, b.p, b.len, err, errlen);
    buf_free(&b);
    return rc;
}

void csv_history_close(struct csv_history *h)
{
    if (!h)
        return;
    if (h->fd >= 0)
        close(h->fd);
    free(h->path);
    buf_free(&h->pending);
    buf_free(&h->scratch);
    free(h);
}

/* ---- snapshot set ------------------------------------------------------------------------ */

static int write_set_history(const char *base, const struct snapshot *s,
                             const struct csv_history *h, char *err, size_t errlen)
{
    char path[4096];
    struct buf b = {0};
    int rc;

    snprintf(path, sizeof path, "%s_stats_history.csv", base);
    if (h) {
        rc = csv_history_export(h, path, err, errlen);
    } else {
        render_history_header(&b);
        render_history_rows(&b, s, false);
        rc = b.oom ? fail_oom(err, errlen) : fileio_write_atomic(path, b.p, b.len, err, errlen);
    }
    buf_free(&b);
    return rc;
}

int csv_write_snapshot_set(const char *prefix, const struct snapshot *s,
                           const struct csv_history *h, bool seen_columns, char *used,
                           size_t usedlen, char *err, size_t errlen)
{
    char base[4000], stamp[32] = "00000000-000000";
    time_t secs = (time_t)floor(s->now);
    struct tm tm;

    tzset();
    if (localtime_r(&secs, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    if ((size_t)snprintf(base, sizeof base, "%s_%s", prefix ? prefix : "hornet", stamp)
        >= sizeof base) {
        errno = ENAMETOOLONG;
        return fail(err, errlen, "cannot write", prefix);
    }
    char one[4400];
    int failed = write_files(base, s, seen_columns, err, errlen);

    if (write_set_history(base, s, h, one, sizeof one) != 0) {
        add_error(err, errlen, one);
        failed++;
    }
    if (used && usedlen)
        snprintf(used, usedlen, "%s", base);
    return failed ? -1 : 0;
}
