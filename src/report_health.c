/* report_health: PREFIX_health.csv read back for `hornet report`: the sources and metrics of
 * the run's health block, every sample, and each limit judged again on those samples by the
 * rule the live run used (health_limit.c), so the rebuilt report has the same backend-health
 * section and verdict. Main thread. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csv_reader.h"
#include "health_csv.h"
#include "health_limit.h"
#include "report_internal.h"
#include "textfile.h"

enum { COL_TIME, COL_SOURCE, COL_METRIC, COL_VALUE, COL_UNIT, COL_LIMIT, COL_ERROR, COLS };

/* What reading needs beyond the snapshot: each source's polls, each metric's judge. */
struct reading {
    struct snapshot *s;
    struct report_health *h;
    const struct scenario *scn;
    double last_poll[SNAP_HEALTH_SOURCES], first_poll[SNAP_HEALTH_SOURCES];
    bool poll_failed[SNAP_HEALTH_SOURCES];
    struct health_limit limit[SNAP_HEALTH_METRICS];
    struct health_judge judge[SNAP_HEALTH_METRICS];
    bool judged[SNAP_HEALTH_METRICS];
    char refs[SNAP_HEALTH_METRICS][HEALTH_LIMIT_REF_MAX + 1];
    char *err;
    size_t errlen;
    const char *path;
};

static int fail(struct reading *rd, size_t line, const char *what)
{
    snprintf(rd->err, rd->errlen, "%s:%zu: %s", rd->path, line, what);
    return -1;
}

static int source_of(struct reading *rd, const char *name)
{
    struct snap_health *h = &rd->s->health;

    for (uint32_t i = 0; i < h->n_sources; i++)
        if (strcmp(h->sources[i].name, name) == 0)
            return (int)i;
    if (h->n_sources == SNAP_HEALTH_SOURCES)
        return -1;
    snprintf(h->sources[h->n_sources].name, SNAP_HEALTH_NAME, "%s", name);
    snprintf(h->sources[h->n_sources].kind, sizeof h->sources[0].kind, "csv");
    snprintf(h->sources[h->n_sources].where, sizeof h->sources[0].where, "%s", rd->path);
    return (int)h->n_sources++;
}

/* The scenario's limit of this metric when --scenario names it, else the file's. */
static const char *limit_of(const struct reading *rd, const char *metric, const char *file)
{
    for (uint32_t k = 0; rd->scn && k < rd->scn->health.n_metrics; k++)
        if (strcmp(rd->scn->health.metrics[k].name, metric) == 0)
            return rd->scn->health.metrics[k].limit_text ? rd->scn->health.metrics[k].limit_text
                                                         : "";
    return file;
}

static int new_metric(struct reading *rd, const char *const *f, uint32_t source, size_t line)
{
    struct snap_health *h = &rd->s->health;
    struct snap_health_metric *m = &h->metrics[h->n_metrics];
    const char *limit = limit_of(rd, f[COL_METRIC], f[COL_LIMIT]);
    char err[256], msg[400];
    size_t col;

    if (h->n_metrics == SNAP_HEALTH_METRICS)
        return fail(rd, line, "more metrics than a report can show");
    snprintf(m->name, sizeof m->name, "%s", f[COL_METRIC]);
    snprintf(m->unit, sizeof m->unit, "%s", f[COL_UNIT]);
    snprintf(m->limit, sizeof m->limit, "%s", limit);
    m->source = (uint8_t)source;
    m->has_limit = limit[0] != '\0';
    m->bound = NAN;
    if (m->has_limit) {
        if (health_limit_parse(limit, m->unit, &rd->limit[h->n_metrics],
                               rd->refs[h->n_metrics], sizeof rd->refs[0], err, sizeof err,
                               &col) < 0) {
            snprintf(msg, sizeof msg, "limit \"%s\" of %s: %s", limit, m->name, err);
            return fail(rd, line, msg);
        }
    }
    return (int)h->n_metrics++;
}

static int metric_of(struct reading *rd, const char *const *f, uint32_t source, size_t line)
{
    struct snap_health *h = &rd->s->health;

    for (uint32_t k = 0; k < h->n_metrics; k++)
        if (strcmp(h->metrics[k].name, f[COL_METRIC]) == 0)
            return (int)k;
    return new_metric(rd, f, source, line);
}

static int keep_point(struct report_health *h, uint32_t k, double t, double v)
{
    if (h->n[k] == h->cap[k]) {
        size_t cap = h->cap[k] ? h->cap[k] * 2 : 256;
        struct snap_health_point *p = realloc(h->points[k], cap * sizeof *p);
        if (!p)
            return -1;
        h->points[k] = p;
        h->cap[k] = cap;
    }
    h->points[k][h->n[k]++] = (struct snap_health_point){t, v};
    return 0;
}

/* One poll of a source ends where its timestamp changes. */
static void count_poll(struct reading *rd, uint32_t i, double t, const char *error)
{
    struct snap_health_source *o = &rd->s->health.sources[i];
    bool failed = error[0] && strcmp(error, "no value") != 0;

    if (o->polls == 0 || t != rd->last_poll[i]) {
        if (o->polls == 0)
            rd->first_poll[i] = t;
        o->polls++;
        rd->last_poll[i] = t;
        rd->poll_failed[i] = false;
        o->last_poll = t;
    }
    if (failed && !rd->poll_failed[i]) {
        rd->poll_failed[i] = true;
        o->failed++;
        snprintf(o->error, sizeof o->error, "%s", error);
    }
    o->state = rd->poll_failed[i] ? HEALTH_DOWN : HEALTH_UP;
}

static void take_value(struct reading *rd, uint32_t k, double t, double v)
{
    struct snap_health_metric *m = &rd->s->health.metrics[k];
    double ref = NAN;
    int r;

    m->has_value = !isnan(v);
    m->value = v;
    m->value_time = t;
    snprintf(m->missing, sizeof m->missing, "no value");
    if (isnan(v))
        return;
    m->min = m->samples ? fmin(m->min, v) : v;
    m->max = m->samples ? fmax(m->max, v) : v;
    m->samples++;
    if (!rd->judged[k])
        return;
    if ((r = rd->judge[k].limit.ref) >= 0 && rd->s->health.metrics[r].has_value)
        ref = rd->s->health.metrics[r].value;
    health_judge_sample(&rd->judge[k], t, v, ref);
}

static int read_row(struct reading *rd, const struct csv_record *rec)
{
    const char *const *f = (const char *const *)rec->fields;
    char *end;
    double t, v = NAN;
    int src, k;

    if (rec->n != COLS)
        return fail(rd, rec->line, "expected 7 fields (" HEALTH_CSV_HEADER ")");
    t = strtod(f[COL_TIME], &end);
    if (end == f[COL_TIME] || *end || !isfinite(t))
        return fail(rd, rec->line, "Timestamp: expected unix seconds");
    if (f[COL_VALUE][0] && (v = strtod(f[COL_VALUE], &end), *end || !isfinite(v)))
        return fail(rd, rec->line, "Value: expected a number or nothing");
    if ((src = source_of(rd, f[COL_SOURCE])) < 0)
        return fail(rd, rec->line, "more sources than a report can show");
    if ((k = metric_of(rd, f, (uint32_t)src, rec->line)) < 0)
        return -1;
    count_poll(rd, (uint32_t)src, t, f[COL_ERROR]);
    if (keep_point(rd->h, (uint32_t)k, t, v) < 0)
        return fail(rd, rec->line, "out of memory");
    return 0;
}

/* References between metrics are names in the file: resolved once every metric is known (a
 * sample before its reference's first value is not judged, as live). */
static int resolve_refs(struct reading *rd)
{
    struct snap_health *h = &rd->s->health;
    char msg[300];

    for (uint32_t k = 0; k < h->n_metrics; k++) {
        if (!h->metrics[k].has_limit || !rd->refs[k][0])
            continue;
        for (uint32_t r = 0; r < h->n_metrics; r++)
            if (r != k && strcmp(h->metrics[r].name, rd->refs[k]) == 0)
                rd->limit[k].ref = (int32_t)r;
        if (rd->limit[k].ref < 0) {
            snprintf(msg, sizeof msg, "the limit of %s refers to %s, which the file does not "
                     "have", h->metrics[k].name, rd->refs[k]);
            return fail(rd, 1, msg);
        }
    }
    return 0;
}

/* Each source's poll interval (the mean gap between its polls) sizes its growth windows. */
static int start_judges(struct reading *rd)
{
    struct snap_health *h = &rd->s->health;

    for (uint32_t i = 0; i < h->n_sources; i++)
        h->sources[i].interval = h->sources[i].polls > 1
            ? (rd->last_poll[i] - rd->first_poll[i]) / (double)(h->sources[i].polls - 1) : 1;
    for (uint32_t k = 0; k < h->n_metrics; k++) {
        if (!h->metrics[k].has_limit)
            continue;
        if (health_judge_init(&rd->judge[k], &rd->limit[k],
                              h->sources[h->metrics[k].source].interval) < 0)
            return fail(rd, 1, "out of memory");
        rd->judged[k] = true;
    }
    return 0;
}

static int read_header(struct reading *rd, struct csv_reader *cr)
{
    struct csv_record rec;
    char header[128] = "";

    if (csv_reader_next(cr, &rec) != 1)
        return fail(rd, 1, "expected the header " HEALTH_CSV_HEADER);
    for (size_t i = 0; i < rec.n; i++)
        snprintf(header + strlen(header), sizeof header - strlen(header), "%s%s", i ? "," : "",
                 rec.fields[i]);
    return strcmp(header, HEALTH_CSV_HEADER) == 0
           ? 0 : fail(rd, 1, "expected the header " HEALTH_CSV_HEADER);
}

/* Two passes: the file's rows in order find every metric (references may come later), then the
 * samples are judged in time order. */
static int judge_all(struct reading *rd)
{
    struct snap_health *h = &rd->s->health;
    size_t next[SNAP_HEALTH_METRICS] = {0};

    if (resolve_refs(rd) < 0 || start_judges(rd) < 0)
        return -1;
    for (;;) {
        int best = -1;
        for (uint32_t k = 0; k < h->n_metrics; k++)
            if (next[k] < rd->h->n[k] && (best < 0 || rd->h->points[k][next[k]].time <
                                          rd->h->points[best][next[best]].time))
                best = (int)k;
        if (best < 0)
            return 0;
        take_value(rd, (uint32_t)best, rd->h->points[best][next[best]].time,
                   rd->h->points[best][next[best]].value);
        next[best]++;
    }
}

static void fill_verdicts(struct reading *rd)
{
    struct snap_health *h = &rd->s->health;
    double start = rd->s->run_start > 0 ? rd->s->run_start : rd->first_poll[0];

    for (uint32_t k = 0; k < h->n_metrics; k++) {
        struct snap_health_metric *m = &h->metrics[k];
        if (!rd->judged[k])
            continue;
        m->status = (uint8_t)health_judge_status(&rd->judge[k], m->unit, start, m->detail,
                                                 sizeof m->detail);
        if (rd->judge[k].limit.kind == HEALTH_LIMIT_BOUND && rd->judge[k].has_data)
            m->bound = rd->judge[k].last_bound;
    }
}

static int read_file(struct reading *rd, FILE *f)
{
    struct csv_reader *cr = csv_reader_file(f);
    struct csv_record rec;
    int rc = -1, got;

    if (!cr)
        return fail(rd, 1, "out of memory");
    if (read_header(rd, cr) == 0) {
        while ((got = csv_reader_next(cr, &rec)) == 1 && read_row(rd, &rec) == 0)
            ;
        if (got < 0)
            fail(rd, csv_reader_error_line(cr), csv_reader_error(cr));
        else if (got == 0 && judge_all(rd) == 0)
            rc = 0;
    }
    csv_reader_free(cr);
    return rc;
}

int report_health_read(const char *prefix, const struct scenario *scn, struct snapshot *s,
                       struct report_health *h, char *err, size_t errlen)
{
    struct reading *rd = calloc(1, sizeof *rd);
    char path[4096], why[128];
    FILE *f;
    int rc;

    memset(h, 0, sizeof *h);
    snprintf(path, sizeof path, "%s_health.csv", prefix);
    if (!rd) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!(f = textfile_open(path, why, sizeof why))) {     /* only regular files are read */
        free(rd);
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot read %s: %s", path, why);
        return -1;
    }
    *rd = (struct reading){.s = s, .h = h, .scn = scn, .err = err, .errlen = errlen,
                           .path = path};
    memset(&s->health, 0, sizeof s->health);
    rc = read_file(rd, f);
    fclose(f);
    if (rc == 0)
        fill_verdicts(rd);
    for (uint32_t k = 0; k < SNAP_HEALTH_METRICS; k++)
        if (rd->judged[k])
            health_judge_free(&rd->judge[k]);
    free(rd);
    if (rc < 0) {
        report_health_free(h);
        memset(&s->health, 0, sizeof s->health);
        return -1;
    }
    return 1;
}

void report_health_free(struct report_health *h)
{
    for (uint32_t k = 0; k < SNAP_HEALTH_METRICS; k++)
        free(h->points[k]);
    memset(h, 0, sizeof *h);
}
