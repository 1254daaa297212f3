/* report_estimate: from a run's CSV rows to what a report shows: a snapshot (microseconds,
 * counts, distribution buckets estimated from the percentile cells), one point per second
 * from the history (requests from differences of Total Request Count), a timeline of user
 * count changes, and the scenario's targets judged on the CSV numbers. Percentiles over a
 * window other than the run are estimated: each history row's cells describe a distribution
 * (linear between cells), and a window is a weighted mix of them (a difference of two
 * cumulative rows, or the ~10 s windows of full-history rows). Main thread; pure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cdf.h"
#include "report_internal.h"
#include "verdict.h"
#include "run.h"
#include "targets.h"

#define MAX_TIMELINE 200
#define WINDOW_ROW_SECONDS 10       /* what a full-history row's percentiles cover */
#define MAX_GAP_FILL 3600           /* seconds between history rows spread into points */

/* ---- the snapshot ------------------------------------------------------------------------- */

static uint64_t us_of(double ms)
{
    return ms > 0 && isfinite(ms) ? (uint64_t)llround(ms * 1000.0) : 0;
}

static void fill_stats(struct snap_stats *st, const struct report_csv_stats_row *r)
{
    struct cdf c;
    uint64_t timed;

    memset(st, 0, sizeof *st);
    snprintf(st->method, sizeof st->method, "%s", r->method);
    snprintf(st->name, sizeof st->name, "%s", r->name);
    st->requests = r->requests;
    st->failures = r->failures;
    /* requests that never got a latency show as avg 0, min 0 and max 0 */
    st->none_requests = r->requests && r->max <= 0 && r->avg <= 0 ? r->requests : 0;
    timed = st->requests - st->none_requests;
    st->total_us = (uint64_t)llround(r->avg * 1000.0 * (double)timed);
    st->min_us = us_of(r->min);
    st->max_us = us_of(r->max);
    st->total_bytes = (uint64_t)llround(r->avg_size * (double)r->requests);
    st->total_rps = r->rps;
    st->total_fps = r->fps;
    st->median_us = us_of(r->median);
    for (int k = 0; k < SNAP_PCT_COUNT; k++)
        st->pct_us[k] = r->pct_na >> k & 1u ? 0 : us_of(r->pct[k]);
    if (timed && cdf_from_cells(&c, r->pct, r->pct_na, r->min, r->max))
        cdf_dist(&c, timed, st->dist);
}

static int32_t endpoint_index(struct snapshot *s, const char *method, const char *name)
{
    for (uint32_t i = 0; i < s->n_endpoints; i++)
        if (strcmp(s->endpoints[i].method, method) == 0 &&
            strcmp(s->endpoints[i].name, name) == 0)
            return (int32_t)i;
    if (s->n_endpoints >= SNAP_MAX_ENDPOINTS)
        return -1;
    struct snap_stats *e = &s->endpoints[s->n_endpoints];
    memset(e, 0, sizeof *e);
    snprintf(e->method, sizeof e->method, "%s", method);
    snprintf(e->name, sizeof e->name, "%s", name);
    return (int32_t)s->n_endpoints++;
}

static int cmp_errors(const void *a, const void *b)
{
    const struct snap_error *x = a, *y = b;
    return (x->count < y->count) - (x->count > y->count);
}

static void fill_errors(struct snapshot *s, const struct report_csv_run *run)
{
    for (size_t i = 0; i < run->n_failures; i++) {
        const struct report_csv_failure_row *f = &run->failures[i];
        int32_t ep = endpoint_index(s, f->method, f->name);
        if (ep < 0 || s->n_errors >= SNAP_MAX_ERRORS) {
            s->errors_dropped += f->count;
            continue;
        }
        struct snap_error *e = &s->errors[s->n_errors++];
        e->endpoint = (uint32_t)ep;
        snprintf(e->text, sizeof e->text, "%s", f->error);
        e->count = f->count;
        e->first_seen = f->first_seen;
        e->last_seen = f->last_seen;
    }
    qsort(s->errors, s->n_errors, sizeof s->errors[0], cmp_errors);
    for (size_t i = 0; i < run->n_exceptions && s->n_exceptions < SNAP_MAX_EXCEPTIONS; i++) {
        struct snap_exception *x = &s->exceptions[s->n_exceptions++];
        x->count = run->exceptions[i].count;
        snprintf(x->message, sizeof x->message, "%s", run->exceptions[i].message);
        snprintf(x->where, sizeof x->where, "%s", run->exceptions[i].traceback);
    }
}

/* ---- history: points, timeline, steady start ----------------------------------------------- */

static const struct report_csv_history_row *next_total(const struct report_csv_run *run, size_t *i)
{
    while (*i < run->n_history && run->history[*i].entry != -1)
        (*i)++;
    return *i < run->n_history ? &run->history[(*i)++] : NULL;
}

/* The peak user count, and in *steady_at when the steady window starts: the first of at
 * least STEADY_ROWS consecutive rows at the peak. A ramp-up cut short by the end of the run
 * shows its last count for one step and the stopping second at most, so it has no steady
 * window (0 then), as the engine says live. */
#define STEADY_ROWS 3
static uint32_t peak_users(const struct report_csv_run *run, int64_t *steady_at)
{
    const struct report_csv_history_row *h;
    uint32_t peak = 0, held = 0;
    int64_t first = 0;
    size_t i = 0;

    *steady_at = 0;
    while ((h = next_total(run, &i)))
        peak = h->users > peak ? h->users : peak;
    for (i = 0; peak > 0 && (h = next_total(run, &i));) {
        if (h->users != peak) {
            held = 0;
            continue;
        }
        if (held++ == 0)
            first = h->timestamp;
        if (held == STEADY_ROWS) {
            *steady_at = first;
            break;
        }
    }
    return peak;
}

static void point_of(struct snap_point *p, const struct report_csv_history_row *h, int64_t second)
{
    bool none = h->pct_na & 1u;

    p->second = second;
    p->users = h->users;
    p->p50_us = none ? 0 : (uint32_t)us_of(h->pct[SNAP_P50]);
    p->p95_us = h->pct_na >> SNAP_P95 & 1u ? 0 : (uint32_t)us_of(h->pct[SNAP_P95]);
    p->p99_us = h->pct_na >> SNAP_P99 & 1u ? 0 : (uint32_t)us_of(h->pct[SNAP_P99]);
    p->max_us = h->pct_na >> SNAP_P100 & 1u ? 0 : (uint32_t)us_of(h->pct[SNAP_P100]);
}

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Seconds that row h covers: since the previous row (1 for the first; a pause longer than
 * MAX_GAP_FILL becomes one point rather than hours of spread counts); 0: the same second. */
static int64_t row_span(const struct report_csv_history_row *h,
                        const struct report_csv_history_row *prev)
{
    int64_t gap = prev ? h->timestamp - prev->timestamp : 1;
    return gap > MAX_GAP_FILL ? 1 : gap;
}

/* Row h's count differences spread over the seconds it covers, one point per second (second =
 * timestamp - 1 for the newest). With r->points NULL, only counts them. */
static void add_points(struct report_estimate *r, const struct report_csv_history_row *h,
                       const struct report_csv_history_row *prev)
{
    uint64_t req = prev && h->requests > prev->requests ? h->requests - prev->requests
                   : prev ? 0 : h->requests;
    uint64_t fail = prev && h->failures > prev->failures ? h->failures - prev->failures
                    : prev ? 0 : h->failures;
    int64_t gap = row_span(h, prev), from = h->timestamp - gap;

    if (!prev && h->requests == 0)
        return;                                 /* Locust's first row, before any user */
    if (gap <= 0 || !r->points) {
        r->n_points += gap > 0 ? (size_t)gap : 0;
        if (gap > 0 || !r->points || !r->n_points)
            return;
        struct snap_point *p = &r->points[r->n_points - 1];     /* the newer numbers */
        uint32_t reqs = p->requests, fails = p->failures;
        point_of(p, h, p->second);
        p->requests = clamp32(reqs + req);
        p->failures = clamp32(fails + fail);
        return;
    }
    for (int64_t k = 0; k < gap; k++) {
        struct snap_point *p = &r->points[r->n_points++];
        point_of(p, h, from + k);
        p->requests = clamp32(req / (uint64_t)gap + (k == gap - 1 ? req % (uint64_t)gap : 0));
        p->failures = clamp32(fail / (uint64_t)gap + (k == gap - 1 ? fail % (uint64_t)gap : 0));
    }
}

/* The Aggregated rows in time order (a row older than the previous one is skipped). */
static void walk_points(struct report_estimate *r, const struct report_csv_run *run)
{
    const struct report_csv_history_row *h, *prev = NULL;
    size_t i = 0;

    while ((h = next_total(run, &i)))
        if (!prev || h->timestamp >= prev->timestamp) {
            add_points(r, h, prev);
            prev = h;
        }
}

/* Count first, then fill: the gaps decide how many points there are. */
static int build_points(struct report_estimate *r, const struct report_csv_run *run)
{
    size_t n;

    walk_points(r, run);
    n = r->n_points;
    r->n_points = 0;
    if (n == 0)
        return 0;
    if (!(r->points = calloc(n, sizeof *r->points)))
        return -1;
    walk_points(r, run);
    return r->n_points == n ? 0 : -1;
}

static void add_ramp(struct report_estimate *r, const struct report_csv_history_row *from,
                     const struct report_csv_history_row *to)
{
    struct snap_event *ev;

    if (r->n_events >= MAX_TIMELINE)
        return;
    ev = &r->events[r->n_events];
    ev->seq = ++r->n_events;
    ev->time = (double)from->timestamp;
    ev->who = EVENT_ENGINE;
    snprintf(ev->text, sizeof ev->text, "Users %u → %u over %lld s", from->users, to->users,
             (long long)(to->timestamp - from->timestamp));
}

/* A ramp: consecutive rows whose user count moves in one direction. */
static int build_timeline(struct report_estimate *r, const struct report_csv_run *run)
{
    const struct report_csv_history_row *h, *start = NULL, *prev = NULL;
    size_t i = 0;
    int dir = 0;

    struct report_csv_history_row before = {0};   /* no user before the first row */

    if (!(r->events = calloc(MAX_TIMELINE, sizeof *r->events)))
        return -1;
    prev = run->n_history ? &before : NULL;
    before.timestamp = run->n_history ? run->history[0].timestamp - 1 : 0;
    for (; (h = next_total(run, &i)); prev = h) {
        int d = !prev ? 0 : h->users > prev->users ? 1 : h->users < prev->users ? -1 : 0;
        if (dir != 0 && d != dir) {
            add_ramp(r, start, prev);
            dir = 0;
        }
        if (dir == 0 && d != 0) {
            start = prev;
            dir = d;
        }
    }
    if (dir != 0)
        add_ramp(r, start, prev);
    return 0;
}

static void history_times(struct snapshot *s, const struct report_csv_run *run,
                          const struct report_estimate *r)
{
    size_t i = 0;
    const struct report_csv_history_row *first = next_total(run, &i), *last = first, *h;
    int64_t at_peak;

    while ((h = next_total(run, &i)))
        last = h;
    if (!first)
        return;
    s->run_start = s->start_time = (double)first->timestamp - (first->requests ? 1.0 : 0.0);
    s->end_time = s->now = (double)last->timestamp;
    peak_users(run, &at_peak);
    s->steady_start = (double)at_peak;
    s->users = last->users;
    s->target_users = r->n_points ? s->users : 0;
}

/* ---- targets on CSV numbers ----------------------------------------------------------------- */

struct entry_ref {
    const struct report_csv_stats_row *row;   /* stats.csv */
    int32_t entry;                      /* history rows' entry: -1 Aggregated */
    char label[SNAP_NAME_MAX + 16];
};

static bool find_target_entry(const struct report_csv_run *run, const struct scenario *scn,
                              const struct target_def *d, struct entry_ref *e, char *why,
                              size_t n)
{
    const struct endpoint_def *ep;

    e->row = &run->total;
    e->entry = -1;
    snprintf(e->label, sizeof e->label, "Aggregated");
    if (d->endpoint < 0)
        return true;
    ep = &scn->endpoints[d->endpoint];
    snprintf(e->label, sizeof e->label, "%s %s", http_method_names[ep->method], ep->name);
    for (size_t i = 0; i < run->n_stats; i++)
        if (strcmp(run->stats[i].name, ep->name) == 0 &&
            strcmp(run->stats[i].method, http_method_names[ep->method]) == 0) {
            e->row = &run->stats[i];
            e->entry = (int32_t)i;
            return true;
        }
    snprintf(why, n, "no data: %s has no row in stats.csv", e->label);
    return false;
}

static bool pct_index(double pct, int *k)
{
    for (*k = 0; *k < SNAP_PCT_COUNT; (*k)++)
        if (fabs(snapshot_pcts[*k] - pct) < 1e-9)
            return true;
    return false;
}

/* The run window: stats.csv as written. */
static bool run_value(const struct target_def *d, const struct report_csv_stats_row *r, double *v,
                      char *why, size_t n)
{
    int k;

    snprintf(why, n, "no data: no request");
    switch (d->metric) {
    case TARGET_RPS:
        *v = r->rps;
        return true;
    case TARGET_SUCCESS_RATE:
    case TARGET_FAILURE_RATE:
        return targets_rate(d, r->failures, r->requests, v);
    case TARGET_AVERAGE:
        *v = r->avg;
        return r->requests > 0 && r->max > 0;
    case TARGET_MEDIAN:
        *v = r->median;
        return r->requests > 0 && r->max > 0;
    default:
        if (d->pct >= 1.0) {
            *v = r->max;
            return r->requests > 0 && r->max > 0;
        }
        if (!pct_index(d->pct, &k) || (r->pct_na >> k & 1u)) {
            snprintf(why, n, "no data: no %g%% cell in stats.csv", d->pct * 100);
            return false;
        }
        *v = r->pct[k];
        return r->requests > 0;
    }
}

/* The rows of one entry in [from, to] of run->history (indices of the first and last). */
struct window {
    const struct report_csv_history_row *base;    /* the counts before the window; NULL: zero */
    const struct report_csv_history_row *end;
    double base_time, seconds;
    bool cumulative;                        /* percentile cells since the start */
};

static const struct report_csv_history_row *last_row_before(const struct report_csv_run *run,
                                                      int32_t entry, double t)
{
    const struct report_csv_history_row *found = NULL;

    for (size_t i = 0; i < run->n_history; i++)
        if (run->history[i].entry == entry && (double)run->history[i].timestamp <= t)
            found = &run->history[i];
    return found;
}

static bool window_of(const struct report_csv_run *run, const struct target_def *d, int32_t entry,
                      struct window *w, char *why, size_t n)
{
    const struct report_csv_history_row *first = NULL;
    int64_t at_peak;
    double t0;

    memset(w, 0, sizeof *w);
    w->cumulative = !run->full_history;
    for (size_t i = 0; i < run->n_history; i++)
        if (run->history[i].entry == entry) {
            first = first ? first : &run->history[i];
            w->end = &run->history[i];
        }
    if (!w->end) {
        snprintf(why, n, "no data: %s", !run->has_history ? "no stats_history.csv"
                 : entry == -1 ? "no Aggregated row in stats_history.csv"
                 : "no rows for this endpoint in stats_history.csv (written without "
                   "--csv-full-history)");
        return false;
    }
    if (d->window == TARGET_WINDOW_STEADY) {
        if (peak_users(run, &at_peak) == 0 || at_peak == 0) {
            snprintf(why, n, "no data: %s", at_peak == 0 && run->n_history
                     ? "the user count never held its peak (the ramp-up did not complete), "
                       "so the steady window never started"
                     : "no user ran, so no steady window");
            return false;
        }
        t0 = (double)at_peak;
    } else {
        t0 = (double)w->end->timestamp - d->last;
    }
    w->base = last_row_before(run, entry, t0);
    w->base_time = w->base ? (double)w->base->timestamp
                   : fmax(t0, (double)first->timestamp - (first->requests ? 1.0 : 0.0));
    w->seconds = (double)w->end->timestamp - w->base_time;
    snprintf(why, n, "no data: the window is shorter than 1 s");
    return w->seconds >= 1.0;
}

static bool cells_usable(const struct report_csv_history_row *h, bool cumulative)
{
    for (int k = 0; k < SNAP_PCT_COUNT; k++)
        if (!(h->pct_na >> k & 1u) && (cumulative || h->pct[k] > 0))
            return true;
    return false;
}

/* A percentile over the window from the rows' cells. Cumulative cells: the end row's
 * distribution minus the base row's, weighted by their counts. Window cells (~10 s each):
 * rows going back from the end, at least 10 s apart (further apart in long windows, so at
 * most CDF_MAX_MIX), each weighted by the requests since the previous one taken. */
static bool window_quantile(const struct report_csv_run *run, int32_t entry, const struct window *w,
                            double p, double *v)
{
    struct cdf c[CDF_MAX_MIX];
    double wt[CDF_MAX_MIX], step;
    int n = 0;
    const struct report_csv_history_row *h = w->end;

    if (w->cumulative) {
        if (cdf_from_cells(&c[n], h->pct, h->pct_na, h->min, h->max))
            wt[n++] = (double)h->requests;
        if (w->base && w->base->requests &&
            cdf_from_cells(&c[n], w->base->pct, w->base->pct_na, w->base->min,
                                           w->base->max))
            wt[n++] = -(double)w->base->requests;
        return n > 0 && cdf_mix_quantile(c, wt, n, p, v);
    }
    step = fmax(WINDOW_ROW_SECONDS, w->seconds / CDF_MAX_MIX);
    while (h && n < CDF_MAX_MIX && (double)h->timestamp > w->base_time) {
        const struct report_csv_history_row *before =
            last_row_before(run, entry, fmax((double)h->timestamp - step, w->base_time));
        uint64_t base_req = before ? before->requests : 0;
        if (cells_usable(h, false) && h->requests > base_req &&
            cdf_from_cells(&c[n], h->pct, h->pct_na, h->min, NAN))
            wt[n++] = (double)(h->requests - base_req);
        h = before;
    }
    return n > 0 && cdf_mix_quantile(c, wt, n, p, v);
}

static bool window_value(const struct report_csv_run *run, const struct target_def *d,
                         int32_t entry,
                         double *v, bool *estimated, char *why, size_t n)
{
    struct window w;
    uint64_t base_req, base_fail, req;

    if (!window_of(run, d, entry, &w, why, n))
        return false;
    base_req = w.base ? w.base->requests : 0;
    base_fail = w.base ? w.base->failures : 0;
    req = w.end->requests > base_req ? w.end->requests - base_req : 0;
    snprintf(why, n, "no data: no request in the window");
    switch (d->metric) {
    case TARGET_RPS:
        *v = (double)req / w.seconds;
        return true;
    case TARGET_SUCCESS_RATE:
    case TARGET_FAILURE_RATE:
        return targets_rate(d, w.end->failures - base_fail, req, v);
    case TARGET_AVERAGE:
        *v = (w.end->avg * (double)w.end->requests -
              (w.base ? w.base->avg * (double)w.base->requests : 0)) / (double)(req ? req : 1);
        return req > 0;
    default:
        *estimated = true;
        snprintf(why, n, "no data: no percentile cells in the window's history rows");
        return req > 0 && window_quantile(run, entry, &w, d->metric == TARGET_MEDIAN ? 0.5
                                          : d->pct, v);
    }
}

bool report_estimate_target_value(const struct report_csv_run *run, const struct scenario *scn,
                                  const struct target_def *d, double *value, bool *estimated,
                                  char *why, size_t whylen)
{
    struct entry_ref e;
    char scratch[160];

    if (!why) {
        why = scratch;
        whylen = sizeof scratch;
    }
    *estimated = false;
    *value = NAN;
    if (!find_target_entry(run, scn, d, &e, why, whylen))
        return false;
    if (d->window == TARGET_WINDOW_RUN)
        return run_value(d, e.row, value, why, whylen);
    return window_value(run, d, e.entry, value, estimated, why, whylen);
}

/* Throughput targets describe the scenario's own load (as the engine judges them): when the
 * history held a peak other than the scenario's (its users, or its stages' highest), they are
 * not judged. A peak never held is a ramp-up cut short: judged (and without a steady window). */
static bool same_load(const struct report_csv_run *run, const struct scenario *scn, char *why,
                      size_t n)
{
    uint32_t want = scn->users ? scn->users : 1, peak;
    int64_t held;

    for (uint32_t i = 0; i < scn->n_stages; i++)
        want = i == 0 || scn->stages[i].users > want ? scn->stages[i].users : want;
    peak = peak_users(run, &held);
    if (run->n_history == 0 || peak == want || (held == 0 && peak < want))
        return true;
    snprintf(why, n, "not judged: the load differs from the scenario's (peak %u users, the "
             "scenario's %u)", peak, want);
    return false;
}

static void judge_targets(struct report_estimate *r, const struct report_csv_run *run,
                          const struct scenario *scn)
{
    struct snapshot *s = r->snap;
    char skip_why[96];
    bool judge_rps = same_load(run, scn, skip_why, sizeof skip_why);

    s->n_targets = scn->n_targets < SNAP_MAX_TARGETS ? scn->n_targets : SNAP_MAX_TARGETS;
    for (uint32_t i = 0; i < s->n_targets; i++) {
        const struct target_def *d = &scn->targets[i];
        struct snap_target *o = &s->targets[i];
        char why[160];
        bool est;
        memset(o, 0, sizeof *o);
        snprintf(o->text, sizeof o->text, "%s", d->text);
        snprintf(o->endpoint, sizeof o->endpoint, "%s", d->endpoint_label ? d->endpoint_label
                 : "");
        targets_window_name(d, o->window, sizeof o->window);
        o->metric = (uint8_t)d->metric;
        o->lo = d->lo;
        o->hi = d->hi;
        o->abort_on_fail = d->abort_on_fail;
        o->has_data = report_estimate_target_value(run, scn, d, &o->value, &est, why, sizeof why);
        o->status = (uint8_t)targets_judge(d, o->has_data, o->value, o->detail,
                                           sizeof o->detail);
        if (!o->has_data)
            snprintf(o->detail, sizeof o->detail, "%.*s", (int)sizeof o->detail - 1, why);
        if (d->metric == TARGET_RPS && !judge_rps) {
            o->status = TARGET_SKIPPED;
            snprintf(o->detail, sizeof o->detail, "%s", skip_why);
        }
        if (est && o->has_data)
            r->in.targets_estimated |= 1u << i;
    }
}

static void basename_of(const char *prefix, char *out, size_t n)
{
    const char *b = strrchr(prefix, '/');
    snprintf(out, n, "%s", b && b[1] ? b + 1 : prefix);
}

int report_estimate_build(const struct report_csv_run *run, const struct scenario *scn,
                          const char *prefix, struct report_estimate *r, char *err, size_t errlen)
{
    struct snapshot *s;

    memset(r, 0, sizeof *r);
    if (!(s = r->snap = calloc(1, sizeof *s)) || build_points(r, run) < 0 ||
        build_timeline(r, run) < 0) {
        snprintf(err, errlen, "out of memory");
        report_estimate_free(r);
        return -1;
    }
    if (scn && scn->name)
        snprintf(s->scenario, sizeof s->scenario, "%s", scn->name);
    else
        basename_of(prefix, s->scenario, sizeof s->scenario);
    s->n_endpoints = run->n_stats < SNAP_MAX_ENDPOINTS ? (uint32_t)run->n_stats
                     : SNAP_MAX_ENDPOINTS;
    for (uint32_t i = 0; i < s->n_endpoints; i++)
        fill_stats(&s->endpoints[i], &run->stats[i]);
    fill_stats(&s->total, &run->total);
    fill_errors(s, run);
    history_times(s, run, r);
    s->state = RUN_STOPPED;
    s->finished = true;
    s->stage = -1;
    r->in.endpoints_dropped = run->n_stats > SNAP_MAX_ENDPOINTS
                              ? (uint32_t)(run->n_stats - SNAP_MAX_ENDPOINTS) : 0;
    if (scn)
        judge_targets(r, run, scn);
    r->in.snap = s;
    r->in.points = r->points;
    r->in.n_points = r->n_points;
    r->in.events = r->events;
    r->in.n_events = r->n_events;
    r->in.users = s->users;
    r->in.csv_prefix = prefix;
    r->in.pct_kind = run->full_history ? REPORT_PCT_WINDOW : REPORT_PCT_CUMULATIVE;
    r->in.dist_estimated = true;
    r->in.expected_unknown = true;
    r->in.passed = verdict_passed(s);
    return 0;
}

void report_estimate_free(struct report_estimate *r)
{
    free(r->snap);
    free(r->points);
    free(r->events);
    memset(r, 0, sizeof *r);
}
