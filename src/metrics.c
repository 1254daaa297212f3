/* metrics: Prometheus's text format from snapshots, with counters carried across statistics
 * resets (see metrics.h). Main thread. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "metrics.h"
#include "metrics_internal.h"
#include "target/jsonw.h"
#include "verdict.h"
#include "version.h"

#define MAX_CARRIED_ERRORS 1024     /* error groups whose counts outlive a reset */
#define TOTAL SNAP_MAX_ENDPOINTS    /* the Aggregated row's slot in the counts */

/* What an endpoint's counters were. */
struct ep_count {
    uint64_t requests, failures, expected, timed, total_us;
    uint64_t dist[SNAP_DIST_BUCKETS];
};

struct err_count {
    uint32_t endpoint;
    bool expected;
    char text[SNAP_TEXT_MAX];
    uint64_t count;
};

struct metrics {
    bool seen;
    double start_time;              /* of the snapshot observed last */
    uint64_t resets;
    struct ep_count last[TOTAL + 1], carry[TOTAL + 1];     /* the endpoints, then the total */
    uint32_t n_last_errors;
    struct err_count last_errors[SNAP_MAX_ERRORS];
    struct err_count carry_errors[MAX_CARRIED_ERRORS];
    uint32_t n_carry_errors;
    struct strbuf text;             /* metrics_text's cache */
    uint64_t text_seq;
};

struct metrics *metrics_create(void)
{
    return calloc(1, sizeof(struct metrics));
}

void metrics_free(struct metrics *m)
{
    if (!m)
        return;
    strbuf_free(&m->text);
    free(m);
}

/* ---- carrying counters across resets -------------------------------------------------- */

static void count_of(const struct snap_stats *st, struct ep_count *c)
{
    c->requests = st->requests;
    c->failures = st->failures;
    c->expected = st->expected;
    c->total_us = st->total_us;
    c->timed = 0;
    for (int b = 0; b < SNAP_DIST_BUCKETS; b++) {
        c->dist[b] = st->dist[b];
        c->timed += st->dist[b];
    }
}

/* The index of an error group's carried count, or -1. */
static int carried_index(const struct metrics *m, uint32_t ep, bool expected, const char *text)
{
    for (uint32_t i = 0; i < m->n_carry_errors; i++) {
        const struct err_count *e = &m->carry_errors[i];
        if (e->endpoint == ep && e->expected == expected && strcmp(e->text, text) == 0)
            return (int)i;
    }
    return -1;
}

static void carry_over(struct metrics *m)
{
    for (uint32_t i = 0; i <= TOTAL; i++) {
        struct ep_count *c = &m->carry[i];
        const struct ep_count *l = &m->last[i];

        c->requests += l->requests;
        c->failures += l->failures;
        c->expected += l->expected;
        c->timed += l->timed;
        c->total_us += l->total_us;
        for (int b = 0; b < SNAP_DIST_BUCKETS; b++)
            c->dist[b] += l->dist[b];
    }
    for (uint32_t i = 0; i < m->n_last_errors; i++) {
        const struct err_count *l = &m->last_errors[i];
        int c = carried_index(m, l->endpoint, l->expected, l->text);

        if (c >= 0)
            m->carry_errors[c].count += l->count;
        else if (m->n_carry_errors < MAX_CARRIED_ERRORS)
            m->carry_errors[m->n_carry_errors++] = *l;
    }
    m->resets++;
}

/* A reset: the statistics' start moved, or a counter went down. */
static bool was_reset(const struct metrics *m, const struct snapshot *s)
{
    if (!m->seen)
        return false;
    if (s->start_time != m->start_time)
        return true;
    for (uint32_t i = 0; i < s->n_endpoints && i < SNAP_MAX_ENDPOINTS; i++)
        if (s->endpoints[i].requests < m->last[i].requests)
            return true;
    return false;
}

void metrics_observe(struct metrics *m, const struct snapshot *s)
{
    if (s->seq == 0)
        return;
    if (was_reset(m, s))
        carry_over(m);
    memset(m->last, 0, sizeof m->last);
    for (uint32_t i = 0; i < s->n_endpoints && i < SNAP_MAX_ENDPOINTS; i++)
        count_of(&s->endpoints[i], &m->last[i]);
    count_of(&s->total, &m->last[TOTAL]);
    m->n_last_errors = 0;
    for (uint32_t i = 0; i < s->n_errors && i < SNAP_MAX_ERRORS; i++) {
        struct err_count *e = &m->last_errors[m->n_last_errors++];

        e->endpoint = s->errors[i].endpoint;
        e->expected = s->errors[i].expected;
        memcpy(e->text, s->errors[i].text, sizeof e->text);
        e->count = s->errors[i].count;
    }
    m->start_time = s->start_time;
    m->seen = true;
}

/* ---- writing the text ----------------------------------------------------------------- */

struct out {
    struct strbuf *b;
    bool oom;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (strbuf_append(o->b, s, n) < 0)
        o->oom = true;
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void family(struct out *o, const char *name, const char *type, const char *help)
{
    puts_(o, "# HELP ");
    puts_(o, name);
    put(o, " ", 1);
    puts_(o, help);
    puts_(o, "\n# TYPE ");
    puts_(o, name);
    put(o, " ", 1);
    puts_(o, type);
    put(o, "\n", 1);
}

/* A label value: backslash, double quote and newline escaped; bytes that are not valid UTF-8
 * (the format requires it) as '?'. */
static void label_value(struct out *o, const char *v)
{
    size_t n = strlen(v);

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        size_t len = jsonw_utf8_seq(v + i, n - i);

        if (ch == '\\' || ch == '"')
            put(o, "\\", 1);
        if (ch == '\n')
            puts_(o, "\\n");
        else if (len == 1)
            put(o, v + i, 1);
        else if (len > 1) {
            put(o, v + i, len);
            i += len - 1;
        } else
            put(o, "?", 1);
    }
}

/* One sample: name{k1="v1",...} value. labels: NULL-terminated pairs. */
static void sample(struct out *o, const char *name, const char *const *labels, double v)
{
    char num[64];

    puts_(o, name);
    for (size_t i = 0; labels && labels[i]; i += 2) {
        put(o, i ? "," : "{", 1);
        puts_(o, labels[i]);
        put(o, "=\"", 2);
        label_value(o, labels[i + 1]);
        put(o, "\"", 1);
    }
    if (labels && labels[0])
        put(o, "}", 1);
    if (isnan(v))
        snprintf(num, sizeof num, " NaN\n");
    else if (isinf(v))
        snprintf(num, sizeof num, " %sInf\n", v > 0 ? "+" : "-");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(num, sizeof num, " %.0f\n", v);
    else
        snprintf(num, sizeof num, " %.9g\n", v);
    puts_(o, num);
}

/* ---- the families --------------------------------------------------------------------- */

static void run_families(struct out *o, const struct metrics *m, const struct snapshot *s)
{
    const char *info[] = {"version", HORNET_VERSION, "scenario", s->scenario, "host", s->host,
                          NULL};

    family(o, "hornet_info", "gauge", "hornet's version, the scenario and the host under load.");
    sample(o, "hornet_info", info, 1);
    family(o, "hornet_run_state", "gauge", "The run's state: 1 for the current one.");
    for (int st = RUN_READY; st <= RUN_STOPPED; st++) {
        const char *l[] = {"state", run_state_name((enum run_state)st), NULL};
        sample(o, "hornet_run_state", l, s->state == (enum run_state)st);
    }
    family(o, "hornet_run_elapsed_seconds", "gauge", "Seconds since the run started.");
    sample(o, "hornet_run_elapsed_seconds", NULL, s->elapsed);
    family(o, "hornet_users", "gauge", "Virtual users running.");
    sample(o, "hornet_users", NULL, s->users);
    family(o, "hornet_users_target", "gauge", "Users the run is ramping to.");
    sample(o, "hornet_users_target", NULL, s->target_users);
    family(o, "hornet_class_users", "gauge", "Virtual users running, per user class.");
    for (uint32_t i = 0; i < s->n_classes && i < SNAP_MAX_CLASSES; i++) {
        const char *l[] = {"user_class", s->classes[i].name, NULL};
        sample(o, "hornet_class_users", l, s->classes[i].users);
    }
    family(o, "hornet_stats_resets_total", "counter", "Statistics resets; the counters carry "
           "on across them.");
    sample(o, "hornet_stats_resets_total", NULL, (double)m->resets);
}

/* One counter per endpoint: the field at `offset` of struct ep_count, carried + current. */
static void endpoint_counter(struct out *o, const struct metrics *m, const struct snapshot *s,
                             const char *name, size_t offset, const char *help)
{
    family(o, name, "counter", help);
    for (uint32_t i = 0; i < s->n_endpoints && i < SNAP_MAX_ENDPOINTS; i++) {
        const struct snap_stats *st = &s->endpoints[i];
        const char *l[] = {"method", st->method, "name", st->name, NULL};
        struct ep_count now;
        uint64_t v;

        count_of(st, &now);
        v = *(const uint64_t *)(const void *)((const char *)&m->carry[i] + offset) +
            *(const uint64_t *)(const void *)((const char *)&now + offset);
        sample(o, name, l, (double)v);
    }
}

static void error_sample(struct out *o, const struct snapshot *s, const struct err_count *e,
                         uint64_t count)
{
    const char *l[] = {"method", s->endpoints[e->endpoint].method,
                       "name", s->endpoints[e->endpoint].name, "error", e->text,
                       "expected", e->expected ? "true" : "false", NULL};

    sample(o, "hornet_errors_total", l, (double)count);
}

static void error_counters(struct out *o, const struct metrics *m, const struct snapshot *s)
{
    family(o, "hornet_errors_total", "counter", "Responses per endpoint and error text: "
           "unexpected failures (expected=\"false\") and statuses a step expects "
           "(expected=\"true\", successes).");
    for (uint32_t i = 0; i < s->n_errors && i < SNAP_MAX_ERRORS; i++) {
        const struct snap_error *e = &s->errors[i];
        struct err_count now = {.endpoint = e->endpoint, .expected = e->expected};
        int c;

        if (e->endpoint >= s->n_endpoints)
            continue;
        memcpy(now.text, e->text, sizeof now.text);
        c = carried_index(m, e->endpoint, e->expected, e->text);
        error_sample(o, s, &now, e->count + (c >= 0 ? m->carry_errors[c].count : 0));
    }
    for (uint32_t i = 0; i < m->n_carry_errors; i++) {     /* not seen since the reset */
        const struct err_count *c = &m->carry_errors[i];
        bool current = false;

        for (uint32_t k = 0; k < s->n_errors && k < SNAP_MAX_ERRORS && !current; k++)
            current = s->errors[k].endpoint == c->endpoint &&
                      s->errors[k].expected == c->expected &&
                      strcmp(s->errors[k].text, c->text) == 0;
        if (!current && c->endpoint < s->n_endpoints)
            error_sample(o, s, c, c->count);
    }
}

static void histogram(struct out *o, const struct metrics *m, const struct snapshot *s)
{
    family(o, "hornet_response_time_seconds", "histogram", "Response times of the timed "
           "requests per endpoint, since the run started.");
    for (uint32_t i = 0; i < s->n_endpoints && i < SNAP_MAX_ENDPOINTS; i++) {
        const struct snap_stats *st = &s->endpoints[i];
        struct ep_count now;
        uint64_t cum = 0;
        char le[32];
        const char *l[] = {"method", st->method, "name", st->name, "le", le, NULL};

        count_of(st, &now);
        for (int b = 0; b < SNAP_DIST_BUCKETS; b++) {
            cum += now.dist[b] + m->carry[i].dist[b];
            if (b < SNAP_DIST_BUCKETS - 1)
                snprintf(le, sizeof le, "%g", snapshot_dist_bounds_ms[b] / 1000.0);
            else
                snprintf(le, sizeof le, "+Inf");
            sample(o, "hornet_response_time_seconds_bucket", l, (double)cum);
        }
        l[4] = NULL;
        sample(o, "hornet_response_time_seconds_sum", l,
               (double)(now.total_us + m->carry[i].total_us) / 1e6);
        sample(o, "hornet_response_time_seconds_count", l, (double)cum);
    }
}

/* A summary: p50, p95, p99 over the last 10 s (none without data), and the count and sum of
 * every timed request since the run started (carried as the counters are). */
static void window_summary(struct out *o, const struct snap_stats *st, const struct ep_count *c)
{
    static const struct { const char *q; int idx; } qs[] = {
        {"0.5", -1}, {"0.95", SNAP_P95}, {"0.99", SNAP_P99},
    };
    const char *l[] = {"method", st->method, "name", st->name, "quantile", NULL, NULL};
    struct ep_count now;

    for (size_t k = 0; st->cur_count > 0 && k < sizeof qs / sizeof qs[0]; k++) {
        uint64_t us = qs[k].idx < 0 ? st->cur_median_us : st->cur_pct_us[qs[k].idx];

        l[5] = qs[k].q;
        sample(o, "hornet_response_time_window_seconds", l, (double)us / 1e6);
    }
    count_of(st, &now);
    l[4] = NULL;
    sample(o, "hornet_response_time_window_seconds_sum", l,
           (double)(now.total_us + c->total_us) / 1e6);
    sample(o, "hornet_response_time_window_seconds_count", l, (double)(now.timed + c->timed));
}

static void current_families(struct out *o, const struct metrics *m, const struct snapshot *s)
{
    family(o, "hornet_response_time_window_seconds", "summary", "Response time quantiles over "
           "the last 10 s (Locust's current window), per endpoint and Aggregated; sum and "
           "count since the run started.");
    for (uint32_t i = 0; i < s->n_endpoints && i < SNAP_MAX_ENDPOINTS; i++)
        window_summary(o, &s->endpoints[i], &m->carry[i]);
    window_summary(o, &s->total, &m->carry[TOTAL]);
    family(o, "hornet_current_rps", "gauge", "Requests per second over Locust's current "
           "window, per endpoint and Aggregated.");
    for (uint32_t i = 0; i <= s->n_endpoints && i <= SNAP_MAX_ENDPOINTS; i++) {
        const struct snap_stats *st = i < s->n_endpoints && i < SNAP_MAX_ENDPOINTS
                                      ? &s->endpoints[i] : &s->total;
        const char *l[] = {"method", st->method, "name", st->name, NULL};
        sample(o, "hornet_current_rps", l, st->current_rps);
        if (st == &s->total)
            break;
    }
}

/* A target's value in base units: seconds for times, ratios, requests per second. */
static double base_value(const struct snap_target *t)
{
    if (!t->has_data)
        return NAN;
    return t->metric <= TARGET_AVERAGE ? t->value / 1000.0 : t->value;
}

static void target_families(struct out *o, const struct snapshot *s)
{
    static const char *const names[] = {"pending", "pass", "at_risk", "fail", "skipped"};
    uint32_t n = s->n_targets < SNAP_MAX_TARGETS ? s->n_targets : SNAP_MAX_TARGETS;

    family(o, "hornet_target_value", "gauge", "Each performance target's value over its "
           "window, in base units (seconds, ratio, requests per second); NaN without data.");
    for (uint32_t i = 0; i < n; i++) {
        const struct snap_target *t = &s->targets[i];
        const char *l[] = {"target", t->text, "endpoint", t->endpoint, "window", t->window,
                           NULL};
        sample(o, "hornet_target_value", l, base_value(t));
    }
    family(o, "hornet_target_status", "gauge", "Each target's status: 1 for the current one.");
    for (uint32_t i = 0; i < n; i++) {
        const struct snap_target *t = &s->targets[i];
        for (int st = TARGET_PENDING; st <= TARGET_SKIPPED; st++) {
            const char *l[] = {"target", t->text, "endpoint", t->endpoint, "window", t->window,
                               "status", names[st], NULL};
            sample(o, "hornet_target_status", l, t->status == st);
        }
    }
    family(o, "hornet_run_passing", "gauge", "1 while the run passes (the exit code's rule: "
           "targets, failures, aborts), else 0.");
    sample(o, "hornet_run_passing", NULL, verdict_passed(s));
}

/* The backend's health: each source up or down, each metric's newest value in its unit, and
 * each limit's status, so a Grafana panel shows the backend next to the load. */
static void health_families(struct out *o, const struct snapshot *s)
{
    static const char *const names[] = {"pending", "pass", "at_risk", "fail", "skipped"};
    const struct snap_health *h = &s->health;
    uint32_t ns = h->n_sources < SNAP_HEALTH_SOURCES ? h->n_sources : SNAP_HEALTH_SOURCES;
    uint32_t nm = h->n_metrics < SNAP_HEALTH_METRICS ? h->n_metrics : SNAP_HEALTH_METRICS;

    if (!ns)
        return;
    family(o, "hornet_health_source_up", "gauge", "1 while a health source answers, 0 while "
           "it is down; absent until its first poll ended.");
    for (uint32_t i = 0; i < ns; i++) {
        const char *l[] = {"source", h->sources[i].name, "kind", h->sources[i].kind, NULL};
        if (h->sources[i].state != HEALTH_WAITING)
            sample(o, "hornet_health_source_up", l, h->sources[i].state == HEALTH_UP);
    }
    family(o, "hornet_health_value", "gauge", "Each health metric's newest value in its unit "
           "(the unit label); NaN when the newest poll had none.");
    for (uint32_t i = 0; i < nm; i++) {
        const struct snap_health_metric *m = &h->metrics[i];
        const char *l[] = {"source", h->sources[m->source % SNAP_HEALTH_SOURCES].name,
                           "metric", m->name, "unit", m->unit, NULL};
        sample(o, "hornet_health_value", l, m->has_value ? m->value : NAN);
    }
    family(o, "hornet_health_limit_status", "gauge", "Each health limit's status: 1 for the "
           "current one.");
    for (uint32_t i = 0; i < nm; i++) {
        const struct snap_health_metric *m = &h->metrics[i];
        for (int st = TARGET_PENDING; st <= TARGET_SKIPPED && m->has_limit; st++) {
            const char *l[] = {"source", h->sources[m->source % SNAP_HEALTH_SOURCES].name,
                               "metric", m->name, "limit", m->limit, "status", names[st], NULL};
            sample(o, "hornet_health_limit_status", l, m->status == st);
        }
    }
}

static void self_families(struct out *o, const struct snapshot *s)
{
    family(o, "process_cpu_seconds_total", "counter", "User and system CPU time of the hornet "
           "process (the built-in target included when it runs inside).");
    sample(o, "process_cpu_seconds_total", NULL, s->self.cpu_seconds);
    family(o, "hornet_workers_cpu_seconds_total", "counter", "CPU time of the worker threads "
           "that run the users.");
    sample(o, "hornet_workers_cpu_seconds_total", NULL, s->self.workers_cpu_seconds);
    family(o, "hornet_event_loop_lag_seconds", "gauge", "How late the latest worker timer of "
           "the last second fired: a saturated worker measures its own delays.");
    sample(o, "hornet_event_loop_lag_seconds", NULL, s->self.lag_ms / 1000.0);
    family(o, "hornet_event_loop_lag_mean_seconds", "gauge", "Mean lateness of the worker "
           "timers of the last second.");
    sample(o, "hornet_event_loop_lag_mean_seconds", NULL, s->self.lag_mean_ms / 1000.0);
    family(o, "hornet_cpus", "gauge", "CPUs online.");
    sample(o, "hornet_cpus", NULL, s->self.ncpu);
}

int metrics_render(const struct metrics *m, const struct snapshot *s, struct strbuf *out)
{
    struct out o = {.b = out};

    run_families(&o, m, s);
    endpoint_counter(&o, m, s, "hornet_requests_total", offsetof(struct ep_count, requests),
                     "Requests per endpoint, failures included (Locust's num_requests).");
    endpoint_counter(&o, m, s, "hornet_request_failures_total",
                     offsetof(struct ep_count, failures), "Unexpected failures per endpoint.");
    endpoint_counter(&o, m, s, "hornet_request_expected_total",
                     offsetof(struct ep_count, expected), "Responses with a status the step "
                     "expects (successes, not failures) per endpoint.");
    error_counters(&o, m, s);
    histogram(&o, m, s);
    current_families(&o, m, s);
    target_families(&o, s);
    health_families(&o, s);
    self_families(&o, s);
    return o.oom ? -1 : 0;
}

const struct strbuf *metrics_text(struct metrics *m, const struct snapshot *s)
{
    if (m->text_seq == s->seq && m->text.len > 0)
        return &m->text;
    strbuf_clear(&m->text);
    if (metrics_render(m, s, &m->text) < 0) {
        m->text_seq = 0;
        return NULL;
    }
    m->text_seq = s->seq;
    return &m->text;
}
