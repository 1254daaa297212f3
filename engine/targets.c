/* targets: verdicts of performance targets against their bounds. Pure; any thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "targets.h"
#include "tracker.h"

#define TIME_RISK 0.9           /* at risk beyond 90% of an upper time/throughput bound */
#define RATE_RISK 0.8           /* at risk once 80% of the failure budget is used */

static bool is_rate(const struct target_def *t)
{
    return t->metric == TARGET_SUCCESS_RATE || t->metric == TARGET_FAILURE_RATE;
}

void targets_format_value(const struct target_def *t, double v, char *out, size_t n)
{
    snapshot_format_target((uint8_t)t->metric, v, out, n);
}

void targets_window_name(const struct target_def *t, char *out, size_t n)
{
    if (t->window == TARGET_WINDOW_STEADY)
        snprintf(out, n, "steady");
    else if (t->window == TARGET_WINDOW_LAST)
        snprintf(out, n, "last %gs", t->last);
    else
        snprintf(out, n, "run");
}

static bool below_lo(const struct target_def *t, double v)
{
    return t->lo_strict ? v <= t->lo : v < t->lo;
}

static bool above_hi(const struct target_def *t, double v)
{
    return t->hi_strict ? v >= t->hi : v > t->hi;
}

static bool close_to_bound(const struct target_def *t, double v)
{
    if (is_rate(t)) {               /* budget: 1 - lo for success, hi for failure rates */
        if (isfinite(t->lo) && t->lo < 1.0)
            return 1.0 - v > RATE_RISK * (1.0 - t->lo);
        return isfinite(t->hi) && v > RATE_RISK * t->hi;
    }
    if (isfinite(t->hi) && v > TIME_RISK * t->hi)
        return true;
    return isfinite(t->lo) && t->lo > 0 && v < t->lo / TIME_RISK;
}

static void describe_fail(const struct target_def *t, double v, bool low, char *out, size_t n)
{
    char val[32], bound[32];
    double b = low ? t->lo : t->hi;

    targets_format_value(t, v, val, sizeof val);
    targets_format_value(t, b, bound, sizeof bound);
    if (is_rate(t))
        snprintf(out, n, "%s %s %s", val, low ? "<" : ">", bound);
    else if (b > 0)
        snprintf(out, n, "%s %s %s (%+.0f%%)", val, low ? "<" : ">", bound,
                 (v - b) / b * 100.0);
    else
        snprintf(out, n, "%s %s %s", val, low ? "<" : ">", bound);
}

enum target_status targets_judge(const struct target_def *t, bool has_data, double value,
                                 char *detail, size_t n)
{
    char buf[96];
    enum target_status st;

    if (!detail) {
        detail = buf;
        n = sizeof buf;
    }
    if (!has_data || isnan(value)) {
        snprintf(detail, n, "no data yet");
        return TARGET_PENDING;
    }
    if (below_lo(t, value) || above_hi(t, value)) {
        describe_fail(t, value, below_lo(t, value), detail, n);
        return TARGET_FAIL;
    }
    st = close_to_bound(t, value) ? TARGET_AT_RISK : TARGET_PASS;
    targets_format_value(t, value, detail, n);
    return st;
}

bool targets_rate(const struct target_def *d, uint64_t failures, uint64_t requests, double *v)
{
    if (requests == 0)
        return false;
    *v = (double)failures / (double)requests;
    if (d->metric == TARGET_SUCCESS_RATE)
        *v = 1.0 - *v;
    return true;
}

bool targets_metric_value(const struct target_def *d, const struct targets_window *w,
                          double *v)
{
    switch (d->metric) {
    case TARGET_RPS:
        *v = w->seconds > 0 ? (double)w->requests / w->seconds : 0.0;
        return true;
    case TARGET_SUCCESS_RATE:
    case TARGET_FAILURE_RATE:
        return targets_rate(d, w->failures, w->requests, v);
    case TARGET_AVERAGE:
        *v = w->timed ? (double)w->total_us / (double)w->timed / 1000.0 : 0.0;
        return w->timed > 0;
    default:
        return w->timed > 0 && w->latency_ms(w->ctx, d->metric == TARGET_MEDIAN, d->pct, v);
    }
}

/* A snapshot entry's median or listed percentile (snapshot_pcts), in ms. */
static bool snap_latency_ms(const void *ctx, bool median, double p, double *ms)
{
    const struct snap_stats *e = ctx;

    if (median) {
        *ms = (double)e->median_us / 1000.0;
        return true;
    }
    for (int k = 0; k < SNAP_PCT_COUNT; k++)
        if (fabs(snapshot_pcts[k] - p) < 1e-9) {
            *ms = (double)e->pct_us[k] / 1000.0;
            return true;
        }
    return false;
}

/* The value of a run-window target from the snapshot's cumulative numbers; throughput needs a
 * second of run. */
static bool run_value(const struct target_def *d, const struct snapshot *s, double *v)
{
    const struct snap_stats *e = d->endpoint < 0 ? &s->total : &s->endpoints[d->endpoint];
    double until = s->end_time > s->start_time ? s->end_time : s->now;
    struct targets_window w = {
        .requests = e->requests, .failures = e->failures,
        .timed = e->requests - e->none_requests, .total_us = e->total_us,
        .seconds = until > s->start_time ? until - s->start_time : 0.0,
        .latency_ms = snap_latency_ms, .ctx = e,
    };
    bool ok = targets_metric_value(d, &w, v);

    return d->metric == TARGET_RPS ? ok && s->now - s->start_time >= 1.0 : ok;
}

static void fill_one(const struct target_def *d, struct tracker *t, struct snapshot *s,
                     double now, struct snap_target *o)
{
    char cur[32];
    size_t len;

    memset(o, 0, sizeof *o);
    snprintf(o->text, sizeof o->text, "%s", d->text);
    snprintf(o->endpoint, sizeof o->endpoint, "%s", d->endpoint_label ? d->endpoint_label : "");
    targets_window_name(d, o->window, sizeof o->window);
    o->metric = (uint8_t)d->metric;
    o->lo = d->lo;
    o->hi = d->hi;
    o->abort_on_fail = d->abort_on_fail;
    o->has_data = d->window == TARGET_WINDOW_RUN ? run_value(d, s, &o->value)
                                                 : tracker_value(t, d, now, 0, &o->value);
    o->has_current = tracker_value(t, d, now, 10, &o->current);
    o->status = (uint8_t)targets_judge(d, o->has_data, o->value, o->detail, sizeof o->detail);
    if (o->status == TARGET_PASS && o->has_current && !s->finished &&
        targets_judge(d, true, o->current, NULL, 0) == TARGET_FAIL) {
        o->status = TARGET_AT_RISK;
        targets_format_value(d, o->current, cur, sizeof cur);
        len = strlen(o->detail);
        snprintf(o->detail + len, sizeof o->detail - len, ", last 10 s: %s", cur);
    }
}

void targets_fill(const struct scenario *scn, struct tracker *t, struct snapshot *s, double now,
                  bool judge_throughput)
{
    s->n_targets = scn->n_targets < SNAP_MAX_TARGETS ? scn->n_targets : SNAP_MAX_TARGETS;
    for (uint32_t i = 0; i < s->n_targets; i++) {
        struct snap_target *o = &s->targets[i];
        fill_one(&scn->targets[i], t, s, now, o);
        if (!judge_throughput && scn->targets[i].metric == TARGET_RPS) {
            o->status = TARGET_SKIPPED;
            snprintf(o->detail, sizeof o->detail, "not judged: the load differs from the "
                     "scenario's");
        }
    }
}

int targets_abort_check(const struct scenario *scn, const struct snapshot *s, double elapsed,
                        char *reason, size_t n)
{
    for (uint32_t i = 0; i < s->n_targets; i++) {
        const struct snap_target *o = &s->targets[i];
        if (o->status != TARGET_FAIL || !o->abort_on_fail ||
            elapsed < scn->targets[i].abort_after)
            continue;
        snprintf(reason, n, "Target failed: %s%s%s (%s): %s, aborting the run", o->endpoint,
                 o->endpoint[0] ? " " : "", o->text, o->window, o->detail);
        return (int)i;
    }
    return -1;
}
