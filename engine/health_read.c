/* health_read: a backend-health source's poll into its metrics' values (Prometheus text, JSON,
 * /proc processes and host), with the state rates and CPU % need between polls. The polling
 * thread owns each reader. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "health_read.h"
#include "procstat.h"
#include "promtext.h"
#include "response.h"
#include "template.h"

struct health_reader {
    const struct health_def *h;
    const struct health_source_def *src;
    const struct health_metric_def *metrics;    /* the source's, h->metrics + first */
    const char *proc_root;
    const struct promtext_selector *sels[HEALTH_MAX_METRICS];
    struct response_ws *ws;
    /* rates: each metric's previous raw value and its time */
    bool has_prev[HEALTH_MAX_METRICS];
    double prev_v[HEALTH_MAX_METRICS], prev_t[HEALTH_MAX_METRICS];
    /* CPU %: the previous /proc sample */
    bool has_prev_local;
    struct procstat_sample *procs, *prev_procs;
    struct procstat_host host, prev_host;
    long ticks_per_s;
};

int health_read_render(const struct tmpl *t, const char *host, struct strbuf *out, char *err,
                       size_t errlen)
{
    size_t n = strlen(host);
    struct user_var var = {0};
    uint64_t rng = 1;
    struct tmpl_ctx ctx = {.vars = &var, .rng = &rng};
    int rc;

    while (n > 0 && host[n - 1] == '/')
        n--;
    if (user_var_set(&var, host, n) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    strbuf_clear(out);
    rc = tmpl_render(t, &ctx, out, err, errlen);
    user_var_free(&var);
    return rc;
}

struct health_reader *health_read_create(const struct health_def *h, uint32_t source,
                                         const char *proc_root)
{
    struct health_reader *r = calloc(1, sizeof *r);

    if (!r)
        return NULL;
    r->h = h;
    r->src = &h->sources[source];
    r->metrics = &h->metrics[r->src->first_metric];
    r->proc_root = proc_root ? proc_root : "/proc";
    r->ticks_per_s = sysconf(_SC_CLK_TCK);
    for (uint32_t k = 0; k < r->src->n_metrics; k++)
        r->sels[k] = r->metrics[k].query;
    if (r->src->kind == HEALTH_JSON && !(r->ws = response_ws_new()))
        goto fail;
    if (r->src->kind == HEALTH_PROCESS &&
        (!(r->procs = calloc(1, sizeof *r->procs)) ||
         !(r->prev_procs = calloc(1, sizeof *r->prev_procs))))
        goto fail;
    return r;
fail:
    health_read_free(r);
    return NULL;
}

void health_read_free(struct health_reader *r)
{
    if (!r)
        return;
    response_ws_free(r->ws);
    free(r->procs);
    free(r->prev_procs);
    free(r);
}

static void start(const struct health_reader *r, struct health_sample *out)
{
    out->source = (uint32_t)(r->src - r->h->sources);
    out->n = r->src->n_metrics;
    out->ok = true;
    out->error[0] = '\0';
    for (uint32_t k = 0; k < out->n; k++) {
        out->values[k] = NAN;
        out->states[k] = HEALTH_VALUE_MISSING;
        out->missing[k][0] = '\0';
    }
}

/* Metric k's raw value v read at out->time: its rate when asked for, then its scale. */
static void put(struct health_reader *r, struct health_sample *out, uint32_t k, double v)
{
    const struct health_metric_def *m = &r->metrics[k];
    double raw = v;

    if (m->rate) {
        bool first = !r->has_prev[k];
        v = first ? NAN : promtext_rate(r->prev_v[k], r->prev_t[k], raw, out->time);
        r->has_prev[k] = true;
        r->prev_v[k] = raw;
        r->prev_t[k] = out->time;
        if (first || isnan(v)) {
            out->states[k] = HEALTH_VALUE_FIRST;
            snprintf(out->missing[k], sizeof out->missing[k], "a rate: known from the next "
                     "poll");
            return;
        }
    }
    out->values[k] = v * m->scale;
    out->states[k] = HEALTH_VALUE_OK;
}

static void missing(struct health_sample *out, uint32_t k, const char *why)
{
    out->states[k] = HEALTH_VALUE_MISSING;
    snprintf(out->missing[k], sizeof out->missing[k], "%s", why);
}

static void read_prometheus(struct health_reader *r, const char *body, size_t len,
                            struct health_sample *out)
{
    struct promtext_value vals[HEALTH_MAX_METRICS];
    struct promtext_stats st;

    promtext_eval(r->sels, r->src->n_metrics, body, len, vals, &st);
    out->series = st.samples;
    out->skipped = st.skipped;
    if (st.samples == 0 && st.skipped > 0) {
        out->ok = false;
        snprintf(out->error, sizeof out->error, "not Prometheus text: %u of %u lines unreadable "
                 "(first: line %u)", st.skipped, st.lines, st.first_skipped);
        return;
    }
    for (uint32_t k = 0; k < r->src->n_metrics; k++) {
        if (vals[k].matched > 0)
            put(r, out, k, vals[k].sum);
        else if (r->metrics[k].has_missing)
            put(r, out, k, r->metrics[k].missing_value);
        else
            missing(out, k, "no series matched");
    }
}

static void read_json(struct health_reader *r, const char *body, size_t len,
                      struct health_sample *out)
{
    double sum;
    uint32_t matched;

    if (response_json_load(r->ws, body, len, out->error, sizeof out->error) < 0) {
        out->ok = false;
        return;
    }
    for (uint32_t k = 0; k < r->src->n_metrics; k++) {
        const struct health_metric_def *m = &r->metrics[k];
        char why[64];
        response_json_sum(r->ws, body, &m->path, m->equals, &sum, &matched);
        if (matched > 0 || m->has_missing) {
            put(r, out, k, matched > 0 ? sum : m->missing_value);
            continue;
        }
        snprintf(why, sizeof why, "no number at %s", m->path.text);
        missing(out, k, why);
    }
}

void health_read_body(struct health_reader *r, const char *body, size_t len,
                      struct health_sample *out)
{
    start(r, out);
    if (r->src->kind == HEALTH_PROMETHEUS)
        read_prometheus(r, body, len, out);
    else
        read_json(r, body, len, out);
}

/* ---- /proc ------------------------------------------------------------------------------- */

static void cpu_value(struct health_reader *r, struct health_sample *out, uint32_t k, double pct)
{
    if (!r->has_prev_local || isnan(pct)) {
        out->states[k] = HEALTH_VALUE_FIRST;
        snprintf(out->missing[k], sizeof out->missing[k], "CPU %%: known from the next poll");
        return;
    }
    out->values[k] = pct * r->metrics[k].scale;
    out->states[k] = HEALTH_VALUE_OK;
}

static void scaled(struct health_reader *r, struct health_sample *out, uint32_t k, double v)
{
    out->values[k] = v * r->metrics[k].scale;
    out->states[k] = HEALTH_VALUE_OK;
}

static void process_values(struct health_reader *r, struct health_sample *out)
{
    const struct procstat_sample *p = r->procs;

    for (uint32_t k = 0; k < r->src->n_metrics; k++) {
        enum health_series s = r->metrics[k].series;
        if (s == HEALTH_PROCESSES)
            scaled(r, out, k, p->procs);
        else if (p->procs == 0)
            missing(out, k, "no process matches");
        else if (s == HEALTH_CPU)
            cpu_value(r, out, k, procstat_cpu_percent(r->prev_procs, p, r->ticks_per_s));
        else if (s == HEALTH_RSS)
            scaled(r, out, k, (double)p->rss_bytes);
        else if (s == HEALTH_THREADS)
            scaled(r, out, k, p->threads);
        else if (p->fd_denied == p->procs)
            missing(out, k, "open files: not permitted (another user's process)");
        else
            scaled(r, out, k, p->open_files);
    }
}

static void read_processes(struct health_reader *r, struct health_sample *out)
{
    const struct health_source_def *src = r->src;
    struct procstat_match m = {src->process, src->pid_file, src->children};
    struct procstat_sample *t;

    if (procstat_sample_procs(&m, r->proc_root, out->time, r->procs, out->error,
                              sizeof out->error) < 0) {
        out->ok = false;
        return;
    }
    process_values(r, out);
    t = r->prev_procs;                      /* the sample just taken becomes the previous */
    r->prev_procs = r->procs;
    r->procs = t;
    r->has_prev_local = true;
}

static double host_value(const struct procstat_host *h, enum health_series s)
{
    switch (s) {
    case HEALTH_MEMORY_USED: return (double)h->mem.used;
    case HEALTH_MEMORY_AVAILABLE: return (double)h->mem.available;
    case HEALTH_MEMORY_PERCENT:
        return h->mem.total ? (double)h->mem.used / (double)h->mem.total * 100.0 : NAN;
    case HEALTH_LOAD1: return h->load.load1;
    case HEALTH_LOAD5: return h->load.load5;
    case HEALTH_LOAD15: return h->load.load15;
    default: return NAN;
    }
}

static void read_host(struct health_reader *r, struct health_sample *out)
{
    if (procstat_sample_host(r->proc_root, out->time, &r->host, out->error,
                             sizeof out->error) < 0) {
        out->ok = false;
        return;
    }
    for (uint32_t k = 0; k < r->src->n_metrics; k++) {
        enum health_series s = r->metrics[k].series;
        if (s == HEALTH_CPU)
            cpu_value(r, out, k, r->has_prev_local
                      ? procstat_host_cpu_percent(&r->prev_host, &r->host) : NAN);
        else
            scaled(r, out, k, host_value(&r->host, s));
    }
    r->prev_host = r->host;
    r->has_prev_local = true;
}

void health_read_local(struct health_reader *r, struct health_sample *out)
{
    start(r, out);
    if (r->src->kind == HEALTH_PROCESS)
        read_processes(r, out);
    else
        read_host(r, out);
}

void health_read_failed(struct health_reader *r, struct health_sample *out, const char *why)
{
    start(r, out);
    out->ok = false;
    snprintf(out->error, sizeof out->error, "%s", why);
}
