/* health_csv: the backend-health samples of a run as CSV rows, from the run's timeline; the
 * live file (appended once a second) and the whole file at once. Main thread only. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "csv_internal.h"
#include "fileio.h"
#include "health_csv.h"
#include "strbuf.h"

struct health_csv {
    int fd;
    char *path;
    double written;             /* samples up to this time are in the file or pending */
    struct strbuf pending;      /* rows not yet written */
};

/* The shortest decimal that reads back to v: whole numbers without a fraction. */
static void number(double v, char *out, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, n, "%.0f", v);
        return;
    }
    for (int p = 6; p <= 17; p++) {
        snprintf(out, n, "%.*g", p, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

static void field(struct strbuf *b, const char *text, bool last)
{
    char q[512];

    q[0] = '\0';
    csv_quote(text, q, sizeof q);
    strbuf_puts(b, q);
    strbuf_puts(b, last ? "\r\n" : ",");
}

/* Why a sample of source i at time t has no value. */
static const char *why_empty(const struct timeline *t, uint32_t source, double time)
{
    size_t n;
    const struct snap_health_fail *f = timeline_health_fails(t, source, &n);

    while (n-- > 0)
        if (f[n].time == time)
            return f[n].error;
        else if (f[n].time < time)
            break;
    return "no value";
}

static void row(struct strbuf *b, const struct snapshot *s, const struct timeline *t,
                uint32_t k, const struct snap_health_point *p)
{
    const struct snap_health_metric *m = &s->health.metrics[k];
    const char *src = m->source < s->health.n_sources ? s->health.sources[m->source].name : "";
    char num[40];

    snprintf(num, sizeof num, "%.3f", p->time);
    field(b, num, false);
    field(b, src, false);
    field(b, m->name, false);
    num[0] = '\0';
    if (!isnan(p->value))
        number(p->value, num, sizeof num);
    field(b, num, false);
    field(b, m->unit, false);
    field(b, m->has_limit ? m->limit : "", false);
    field(b, isnan(p->value) ? why_empty(t, m->source, p->time) : "", true);
}

/* Rows of every sample newer than after, in time order (a poll's metrics in the scenario's
 * order); *newest gets the newest time written. */
static void render_rows(struct strbuf *b, const struct snapshot *s, const struct timeline *t,
                        double after, double *newest)
{
    uint32_t n = s->health.n_metrics < SNAP_HEALTH_METRICS ? s->health.n_metrics
                                                           : SNAP_HEALTH_METRICS;
    size_t next[SNAP_HEALTH_METRICS], len[SNAP_HEALTH_METRICS];
    const struct snap_health_point *pts[SNAP_HEALTH_METRICS];

    *newest = after;
    for (uint32_t k = 0; k < n; k++) {
        pts[k] = timeline_health_points(t, k, &len[k]);
        for (next[k] = len[k]; next[k] > 0 && pts[k][next[k] - 1].time > after; next[k]--)
            ;
    }
    for (;;) {
        int best = -1;
        for (uint32_t k = 0; k < n; k++)
            if (next[k] < len[k] && (best < 0 || pts[k][next[k]].time <
                                     pts[best][next[(uint32_t)best]].time))
                best = (int)k;
        if (best < 0)
            break;
        row(b, s, t, (uint32_t)best, &pts[best][next[best]]);
        *newest = pts[best][next[best]++].time;
    }
}

/* ---- the live file ----------------------------------------------------------------------- */

static int fail(char *err, size_t errlen, const char *what, const char *path)
{
    snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
    return -1;
}

static int flush(struct health_csv *c, char *err, size_t errlen)
{
    size_t done = 0;
    int rc, saved;

    if (c->pending.len == 0)
        return 0;
    rc = fileio_write_all(c->fd, c->pending.data, c->pending.len, &done);
    saved = errno;
    memmove(c->pending.data, c->pending.data + done, c->pending.len - done);
    c->pending.len -= done;
    c->pending.data[c->pending.len] = '\0';
    if (rc == 0 && fdatasync(c->fd) != 0)
        rc = -1, saved = errno;
    errno = saved;
    return rc == 0 ? 0 : fail(err, errlen, "cannot write", c->path);
}

struct health_csv *health_csv_open(const char *prefix, char *err, size_t errlen)
{
    struct health_csv *c = calloc(1, sizeof *c);
    size_t n = strlen(prefix) + sizeof "_health.csv";

    if (!c || !(c->path = malloc(n))) {
        snprintf(err, errlen, "out of memory");
        free(c);
        return NULL;
    }
    c->fd = -1;
    c->written = -1;
    snprintf(c->path, n, "%s_health.csv", prefix);
    if (fileio_make_parent_dirs(c->path, err, errlen) != 0)
        goto fail;
    if ((c->fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
        fail(err, errlen, "cannot create", c->path);
        goto fail;
    }
    strbuf_puts(&c->pending, HEALTH_CSV_HEADER "\r\n");
    if (flush(c, err, errlen) == 0)
        return c;
fail:
    health_csv_close(c);
    return NULL;
}

int health_csv_tick(struct health_csv *c, const struct snapshot *s, const struct timeline *t,
                    char *err, size_t errlen)
{
    size_t before = c->pending.len;

    render_rows(&c->pending, s, t, c->written, &c->written);
    if (c->pending.len == before && before == 0)
        return 0;
    return flush(c, err, errlen);
}

size_t health_csv_unwritten(const struct health_csv *c)
{
    return c->pending.len;
}

void health_csv_close(struct health_csv *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    free(c->path);
    strbuf_free(&c->pending);
    free(c);
}

/* ---- the whole file ---------------------------------------------------------------------- */

/* The whole file's text for every sample t kept (header first); malloc'd, NUL-terminated,
 * length in *len; NULL when out of memory. */
static char *render(const struct snapshot *s, const struct timeline *t, size_t *len)
{
    struct strbuf b = {0};
    double newest;

    if (strbuf_puts(&b, HEALTH_CSV_HEADER "\r\n") < 0)
        return NULL;
    render_rows(&b, s, t, -1, &newest);
    *len = b.len;
    return b.data;
}

int health_csv_write(const char *path, const struct snapshot *s, const struct timeline *t,
                     char *err, size_t errlen)
{
    size_t len;
    char *text = render(s, t, &len);
    int rc;

    if (!text) {
        snprintf(err, errlen, "cannot write %s: out of memory", path);
        return -1;
    }
    rc = fileio_write_atomic(path, text, len, err, errlen);
    free(text);
    return rc;
}
