/* Tests of the collector (stats.c) with a fake clock: intervals come from real recorders (or
 * are built by hand), and every number is checked against values computed here from the raw
 * requests: cumulative and windowed percentiles, Locust's current RPS window, the per-second
 * series with late intervals, users, failure groups, reset, and fixed memory on long runs. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "recorder.h"
#include "hist_internal.h"
#include "stats.h"
#include "stats_internal.h"

static const char *const methods[] = {"GET", "POST", "GET"};
static const char *const names[] = {"/api/v1/deployments/", "/api/v1/cab/approve", "/health"};

/* ---- fixtures --------------------------------------------------------------------------- */

struct rig {
    struct stats *s;
    struct recorder *r, *r2;        /* two workers */
    struct snapshot *snap;
};

static void merge_cb(void *arg, struct interval *iv)
{
    stats_merge(arg, iv);
    interval_free(iv);
}

static void rig_open(struct rig *g, uint32_t n_endpoints, double now)
{
    g->s = stats_create(n_endpoints, methods, names, now);
    assert_non_null(g->s);
    g->r = recorder_create(n_endpoints, 0, merge_cb, g->s);
    g->r2 = recorder_create(n_endpoints, 1, merge_cb, g->s);
    g->snap = calloc(1, sizeof *g->snap);
    assert_non_null(g->r);
    assert_non_null(g->r2);
    assert_non_null(g->snap);
}

static void rig_close(struct rig *g)
{
    recorder_destroy(g->r);
    recorder_destroy(g->r2);
    stats_destroy(g->s);
    free(g->snap);
}

/* Flush both workers, then fill the snapshot at `now`. */
static const struct snapshot *rig_fill(struct rig *g, double now)
{
    recorder_flush(g->r);
    recorder_flush(g->r2);
    stats_fill(g->s, now, g->snap);
    return g->snap;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

static uint64_t exact_rank(size_t n, double p)
{
    uint64_t k = (uint64_t)floor((double)n * p);

    return k < n - 1 ? k : n - 1;
}

/* A histogram value against the exact one: at or above it by at most 1/1024, within bounds. */
static void check_value(uint64_t got, uint64_t exact, uint64_t min, uint64_t max)
{
    assert_true(got >= min && got <= max);
    assert_true(got >= exact);
    if (got - exact > exact / 1024) {
        fail_msg("exact %llu reported as %llu", (unsigned long long)exact,
                 (unsigned long long)got);
    }
}

/* Median and percentiles (cumulative or current) of a snap_stats against raw values. */
static void check_summary(uint64_t *values, size_t n, uint64_t median, const uint64_t *pct)
{
    if (n == 0) {
        assert_int_equal(median, 0);
        for (size_t i = 0; i < SNAP_PCT_COUNT; i++)
            assert_int_equal(pct[i], 0);
        return;
    }
    qsort(values, n, sizeof *values, cmp_u64);
    check_value(median, values[(n - 1) / 2], values[0], values[n - 1]);
    for (size_t i = 0; i < SNAP_PCT_COUNT; i++)
        check_value(pct[i], values[exact_rank(n, snapshot_pcts[i])], values[0], values[n - 1]);
    assert_int_equal(pct[SNAP_P100], values[n - 1]);
}

/* ---- cumulative ------------------------------------------------------------------------- */

/* /a: 150 requests of 1 .. 2.5 ms over both workers (2 expected 404s); /b: 50 requests of
 * 100 .. 150 ms, every fifth a 500. Returns the last request time. */
static double feed_two_endpoints(struct rig *g, uint64_t *v0, uint64_t *v1, uint64_t *all,
                                 uint64_t *sum0, uint64_t *sum1)
{
    struct outcome e500 = {.kind = OUTCOME_HTTP, .code = 500};
    struct outcome e404 = {.kind = OUTCOME_HTTP, .code = 404, .expected = 1};
    double last = 0;

    for (int i = 0; i < 150; i++) {
        double t = 1000.1 + i * 0.025;

        v0[i] = all[i] = 1000 + (uint64_t)(i * 7919 % 1500);
        *sum0 += v0[i];
        recorder_add(i % 2 ? g->r : g->r2, 0, t, (int64_t)v0[i], 100, i < 2 ? &e404 : NULL);
        last = t > last ? t : last;
    }
    for (int i = 0; i < 50; i++) {
        double t = 1000.2 + i * 0.07;

        v1[i] = all[150 + i] = 100000 + (uint64_t)(i * 104729 % 50000);
        *sum1 += v1[i];
        recorder_add(g->r, 1, t, (int64_t)v1[i], 1000, i % 5 == 0 ? &e500 : NULL);
        last = t > last ? t : last;
    }
    return last;
}

static void test_cumulative_exact(void **state)
{
    struct rig g;
    uint64_t v0[150], v1[50], all[200], sum0 = 0, sum1 = 0;
    const struct snapshot *snap;
    double last;

    (void)state;
    rig_open(&g, 2, 1000.0);
    last = feed_two_endpoints(&g, v0, v1, all, &sum0, &sum1);
    snap = rig_fill(&g, 1004.5);
    assert_int_equal(snap->n_endpoints, 2);
    assert_string_equal(snap->endpoints[1].name, "/api/v1/cab/approve");
    assert_string_equal(snap->total.name, "Aggregated");
    assert_int_equal(snap->endpoints[0].requests, 150);
    assert_int_equal(snap->endpoints[0].failures, 0);
    assert_int_equal(snap->endpoints[0].expected, 2);
    assert_int_equal(snap->endpoints[0].total_us, sum0);
    assert_int_equal(snap->endpoints[0].total_bytes, 15000);
    assert_int_equal(snap->endpoints[1].requests, 50);
    assert_int_equal(snap->endpoints[1].failures, 10);
    assert_int_equal(snap->endpoints[1].total_us, sum1);
    assert_int_equal(snap->total.requests, 200);
    assert_int_equal(snap->total.failures, 10);
    assert_int_equal(snap->total.expected, 2);
    assert_int_equal(snap->total.total_us, sum0 + sum1);
    assert_int_equal(snap->total.total_bytes, 65000);
    assert_true(snap->total.last_request_time == last);
    assert_true(snap->total.first_request_time == 1000.1);
    assert_true(fabs(snap->total.total_rps - 200.0 / (last - 1000.0)) < 1e-9);
    assert_true(fabs(snap->endpoints[1].total_rps - 50.0 / (last - 1000.0)) < 1e-9);
    assert_true(fabs(snap->endpoints[1].total_fps - 10.0 / (last - 1000.0)) < 1e-9);
    check_summary(v0, 150, snap->endpoints[0].median_us, snap->endpoints[0].pct_us);
    check_summary(v1, 50, snap->endpoints[1].median_us, snap->endpoints[1].pct_us);
    check_summary(all, 200, snap->total.median_us, snap->total.pct_us);
    assert_int_equal(snap->total.min_us, v0[0]);
    assert_int_equal(snap->total.max_us, v1[49]);
    assert_int_equal(snap->endpoints[1].min_us, v1[0]);
    /* Aggregated is its own histogram: p90 is in /b's range, p50 in /a's; neither the mean
     * nor the sum of the rows' values gives that */
    assert_true(snap->total.pct_us[SNAP_P50] < 2600);
    assert_true(snap->total.pct_us[SNAP_P90] >= 100000);
    assert_true(snap->total.pct_us[SNAP_P50] !=
                (snap->endpoints[0].pct_us[SNAP_P50] + snap->endpoints[1].pct_us[SNAP_P50]) / 2);
    rig_close(&g);
}

static void test_none_requests_and_empty(void **state)
{
    struct rig g;
    struct outcome unset = {.kind = OUTCOME_SCRIPT, .text = "variable id is not set"};
    const struct snapshot *snap;

    (void)state;
    rig_open(&g, 3, 500.0);
    snap = rig_fill(&g, 500.5);
    assert_int_equal(snap->total.requests, 0);
    assert_int_equal(snap->total.min_us, 0);
    assert_int_equal(snap->total.median_us, 0);
    assert_int_equal(snap->total.pct_us[SNAP_P100], 0);
    assert_true(snap->total.total_rps == 0 && snap->total.current_rps == 0);
    assert_int_equal(snap->n_points, 0);
    recorder_add(g.r, 2, 501.5, -1, 0, &unset);
    recorder_add(g.r, 2, 501.6, -1, 0, &unset);
    recorder_add(g.r, 2, 501.7, 4242, 10, NULL);
    snap = rig_fill(&g, 502.0);
    assert_int_equal(snap->endpoints[2].requests, 3);
    assert_int_equal(snap->endpoints[2].none_requests, 2);
    assert_int_equal(snap->endpoints[2].failures, 2);
    assert_int_equal(snap->endpoints[2].min_us, 4242);
    assert_int_equal(snap->endpoints[2].median_us, 4242);
    assert_int_equal(snap->endpoints[2].pct_us[SNAP_P50], 4242);
    assert_int_equal(snap->endpoints[2].cur_count, 1);
    assert_int_equal(snap->total.none_requests, 2);
    assert_int_equal(snap->endpoints[0].requests, 0);
    assert_int_equal(snap->endpoints[0].pct_us[SNAP_P50], 0);
    rig_close(&g);
}

/* ---- Locust's current RPS window -------------------------------------------------------- */

static uint32_t reqs_at(int64_t t)      /* requests of endpoint 0 in second t */
{
    return (uint32_t)(t - 999) % 17 + 1;
}

/* Locust's formula, written out: mean over t in range(start, L - 2). */
static double expected_rps(int64_t last, double start_time, uint32_t (*count)(int64_t))
{
    int64_t start = last - 12 > (int64_t)floor(start_time) ? last - 12 : (int64_t)floor(start_time);
    double sum = 0;
    int64_t n = 0;

    for (int64_t t = start; t < last - 2; t++, n++)
        sum += count(t);
    return sum / (double)(n > 1 ? n : 1);
}

static uint32_t fails_at(int64_t t)
{
    return reqs_at(t) / 3;
}

static void test_current_rps_window(void **state)
{
    struct rig g;
    const double start = 1000.7;

    (void)state;
    rig_open(&g, 2, start);
    for (int64_t t = 1000; t < 1040; t++) {
        const struct snapshot *snap;
        struct outcome fail = {.kind = OUTCOME_HTTP, .code = 502};

        for (uint32_t i = 0; i < reqs_at(t); i++) {
            recorder_add(i % 2 ? g.r : g.r2, 0, (double)t + 0.1 + i * 0.01, 2000, 0,
                         i < fails_at(t) ? &fail : NULL);
        }
        recorder_add(g.r, 1, (double)t + 0.05, 3000, 0, NULL);
        snap = rig_fill(&g, (double)t + 0.99);
        /* L = t: the last request finished in second t */
        assert_true(fabs(snap->endpoints[0].current_rps - expected_rps(t, start, reqs_at)) <
                    1e-9);
        assert_true(fabs(snap->endpoints[0].current_fps - expected_rps(t, start, fails_at)) <
                    1e-9);
        if (t < 1003) {
            assert_true(snap->endpoints[0].current_rps == 0);   /* the first seconds: 0 */
            assert_true(snap->total.current_rps == 0);
        } else {
            assert_true(fabs(snap->endpoints[1].current_rps - 1.0) < 1e-9);
            assert_true(fabs(snap->total.current_rps - snap->endpoints[0].current_rps - 1.0) <
                        1e-9);
        }
        if (t > 1000)
            assert_true(snap->endpoints[0].last_second_rps == (double)reqs_at(t - 1));
    }
    rig_close(&g);
}

static void test_current_rps_uses_global_last_request(void **state)
{
    struct rig g;
    const struct snapshot *snap;

    (void)state;
    rig_open(&g, 2, 1000.0);
    for (int64_t t = 1000; t < 1020; t++)
        recorder_add(g.r, 0, (double)t + 0.5, 1000, 0, NULL);   /* 1 rps on /a */
    for (int64_t t = 1000; t < 1030; t++)
        recorder_add(g.r, 1, (double)t + 0.5, 1000, 0, NULL);   /* /b goes on */
    snap = rig_fill(&g, 1030.2);
    /* L = 1029 from /b: /a's window [1017, 1026] holds 3 requests of its 10 seconds */
    assert_true(fabs(snap->endpoints[0].current_rps - 0.3) < 1e-9);
    assert_true(fabs(snap->endpoints[1].current_rps - 1.0) < 1e-9);
    rig_close(&g);
}

/* ---- current (windowed) percentiles ----------------------------------------------------- */

static void test_current_percentiles_forget_old_data(void **state)
{
    struct rig g;
    const struct snapshot *snap = NULL;
    uint64_t window[512];
    size_t n;

    (void)state;
    rig_open(&g, 1, 1000.0);
    for (int i = 0; i < 20; i++)
        recorder_add(g.r, 0, 1000.5, 100000, 0, NULL);          /* 100 ms at second 1000 */
    for (int64_t t = 1001; t <= 1011; t++) {
        for (int i = 0; i < 10; i++)
            recorder_add(g.r2, 0, (double)t + 0.3, 1000 + (uint64_t)(t - 1000) * 10 + i, 0, NULL);
        snap = rig_fill(&g, (double)t + 0.5);
        /* window [t - 10, t]: second 1000 leaves it at t = 1011 */
        n = 0;
        if (t - 10 <= 1000) {
            for (int i = 0; i < 20; i++)
                window[n++] = 100000;
        }
        for (int64_t u = t - 10 > 1001 ? t - 10 : 1001; u <= t; u++) {
            for (int i = 0; i < 10; i++)
                window[n++] = 1000 + (uint64_t)(u - 1000) * 10 + (uint64_t)i;
        }
        assert_int_equal(snap->endpoints[0].cur_count, n);
        check_summary(window, n, snap->endpoints[0].cur_median_us,
                      snap->endpoints[0].cur_pct_us);
        check_summary(window, n, snap->total.cur_median_us, snap->total.cur_pct_us);
    }
    assert_int_equal(snap->endpoints[0].cur_pct_us[SNAP_P100], 1000 + 110 + 9);
    assert_int_equal(snap->endpoints[0].pct_us[SNAP_P100], 100000);   /* cumulative keeps it */
    snap = rig_fill(&g, 1022.0);                                     /* window [1012, 1022] */
    assert_int_equal(snap->endpoints[0].cur_count, 0);
    assert_int_equal(snap->endpoints[0].cur_pct_us[SNAP_P50], 0);
    assert_int_equal(snap->endpoints[0].cur_median_us, 0);
    /* the current second counts as soon as it arrives, and a late interval joins it */
    recorder_add(g.r, 0, 1022.4, 777, 0, NULL);
    snap = rig_fill(&g, 1022.5);
    assert_int_equal(snap->endpoints[0].cur_count, 1);
    assert_int_equal(snap->endpoints[0].cur_pct_us[SNAP_P99], 777);
    recorder_add(g.r2, 0, 1021.9, 555, 0, NULL);
    snap = rig_fill(&g, 1022.6);
    assert_int_equal(snap->endpoints[0].cur_count, 2);
    assert_int_equal(snap->endpoints[0].cur_median_us, 555);
    rig_close(&g);
}

/* ---- the series ------------------------------------------------------------------------- */

static void test_series_gaps_and_late_intervals(void **state)
{
    struct rig g;
    struct outcome fail = {.kind = OUTCOME_HTTP, .code = 500};
    const struct snapshot *snap;
    const struct snap_point *p;

    (void)state;
    rig_open(&g, 2, 1000.2);
    recorder_add(g.r, 0, 1000.3, 1000, 0, NULL);
    recorder_add(g.r, 0, 1000.4, 2000, 0, NULL);
    recorder_add(g.r, 1, 1000.5, 3000, 0, NULL);
    recorder_add(g.r, 1, 1002.5, 10000, 0, &fail);
    snap = rig_fill(&g, 1004.3);
    assert_int_equal(snap->n_points, 4);                 /* 1000 .. 1003: complete seconds */
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(snap->series[i].second, 1000 + i);
    p = &snap->series[0];
    assert_int_equal(p->requests, 3);
    assert_int_equal(p->failures, 0);
    assert_int_equal(p->p50_us, 2000);                   /* rank floor(3 * 0.5) = 1 */
    assert_int_equal(p->p95_us, 3000);
    assert_int_equal(p->max_us, 3000);
    assert_int_equal(snap->series[1].requests, 0);       /* a gap still has its point */
    assert_int_equal(snap->series[1].max_us, 0);
    assert_int_equal(snap->series[2].requests, 1);
    assert_int_equal(snap->series[2].failures, 1);
    assert_int_equal(snap->series[2].p99_us, 10000);
    assert_int_equal(snap->series[3].requests, 0);
    assert_int_equal(snap->n_ep_points, 4);
    assert_int_equal(snap->ep_series[0][0].requests, 2);
    assert_int_equal(snap->ep_series[0][0].p50_us, 2000);
    assert_int_equal(snap->ep_series[0][0].max_us, 2000);
    assert_int_equal(snap->ep_series[1][0].requests, 1);
    assert_int_equal(snap->ep_series[1][2].failures, 1);
    assert_int_equal(snap->ep_series[0][2].requests, 0);
    /* late intervals from another worker: for a published second and for a gap */
    recorder_add(g.r2, 0, 1002.9, 50000, 0, NULL);
    recorder_add(g.r2, 0, 1002.95, 40000, 0, NULL);
    recorder_flush(g.r2);
    recorder_add(g.r2, 1, 1001.1, 7000, 0, NULL);
    snap = rig_fill(&g, 1004.6);
    assert_int_equal(snap->n_points, 4);
    assert_int_equal(snap->series[2].requests, 3);
    assert_int_equal(snap->series[2].failures, 1);
    assert_int_equal(snap->series[2].p50_us, hist_highest_equivalent(hist_index_of(40000)));
    assert_int_equal(snap->series[2].max_us, 50000);
    assert_int_equal(snap->ep_series[0][2].requests, 2);
    assert_int_equal(snap->ep_series[1][2].requests, 1);
    assert_int_equal(snap->series[1].requests, 1);
    assert_int_equal(snap->series[1].p50_us, 7000);
    rig_close(&g);
}

static void test_series_freezes_old_seconds(void **state)
{
    struct rig g;
    const struct snapshot *snap;

    (void)state;
    rig_open(&g, 2, 1000.2);
    recorder_add(g.r, 0, 1002.5, 10000, 0, NULL);
    recorder_add(g.r2, 0, 1002.9, 50000, 0, NULL);
    snap = rig_fill(&g, 1004.6);
    assert_int_equal(snap->series[2].requests, 2);
    /* far behind the newest second, a point is frozen; the cumulative numbers still count */
    recorder_add(g.r, 0, 1030.5, 1000, 0, NULL);
    snap = rig_fill(&g, 1031.0);
    assert_int_equal(snap->n_points, 31);
    assert_int_equal(snap->series[30].requests, 1);
    recorder_add(g.r2, 0, 1002.5, 99000, 0, NULL);
    snap = rig_fill(&g, 1031.1);
    assert_int_equal(snap->series[2].requests, 2);
    assert_int_equal(snap->series[2].max_us, 50000);
    assert_int_equal(snap->total.requests, 4);
    assert_int_equal(snap->total.max_us, 99000);
    rig_close(&g);
}

static void test_users_carried_forward(void **state)
{
    struct rig g;
    const struct snapshot *snap;
    uint32_t want1[] = {5, 5, 5, 10, 10, 10};
    uint32_t want2[] = {5, 7, 7, 10, 10, 10, 12, 12};

    (void)state;
    rig_open(&g, 1, 1000.0);
    stats_set_users(g.s, 1000, 5);
    stats_set_users(g.s, 1003, 9);
    stats_set_users(g.s, 1003, 10);       /* the last call of a second wins */
    snap = rig_fill(&g, 1006.0);
    assert_int_equal(snap->n_points, 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(snap->series[i].users, want1[i]);
    stats_set_users(g.s, 1001, 7);        /* a published second: it and the carried ones */
    stats_set_users(g.s, 1006, 12);       /* the current second: published later */
    snap = rig_fill(&g, 1008.5);
    assert_int_equal(snap->n_points, 8);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(snap->series[i].users, want2[i]);
    rig_close(&g);
}

static void test_ep_series_aligned(void **state)
{
    struct rig g;
    const struct snapshot *snap;

    (void)state;
    rig_open(&g, 1, 2000.0);
    for (int64_t t = 2000; t < 2150; t++) {
        for (int i = 0; i <= (t % 5); i++)
            recorder_add(g.r, 0, (double)t + 0.1 * i, 1000 * (t % 7 + 1) + (uint64_t)i, 0, NULL);
    }
    snap = rig_fill(&g, 2150.5);
    assert_int_equal(snap->n_points, 150);
    assert_int_equal(snap->n_ep_points, SNAP_EP_SERIES_LEN);
    for (uint32_t j = 0; j < SNAP_EP_SERIES_LEN; j++) {
        const struct snap_point *p = &snap->series[150 - SNAP_EP_SERIES_LEN + j];
        const struct snap_ep_point *e = &snap->ep_series[0][j];

        assert_int_equal(p->requests, (uint32_t)(p->second % 5) + 1);
        assert_int_equal(e->requests, p->requests);
        assert_int_equal(e->p50_us, p->p50_us);
        assert_int_equal(e->p95_us, p->p95_us);
        assert_int_equal(e->p99_us, p->p99_us);
        assert_int_equal(e->max_us, p->max_us);
        assert_int_equal(p->max_us, 1000 * (p->second % 7 + 1) + (uint64_t)(p->second % 5));
    }
    assert_int_equal(snap->series[149].second, 2149);
    rig_close(&g);
}

/* ---- failures and exceptions ------------------------------------------------------------ */

static void add_n(struct recorder *r, uint32_t ep, double t, const struct outcome *o, int n)
{
    for (int i = 0; i < n; i++)
        recorder_add(r, ep, t, 1000, 0, o);
}

/* Locust's response_times: each latency under the key Locust rounds it to (whole ms below
 * 100 ms, 10 ms steps below 1 s, 100 ms below 10 s, 1 s above; half to even), ascending. */
static void test_locust_response_times(void **state)
{
    static const struct { int64_t us; uint32_t key; } cases[] = {
        {3070, 3}, {4400, 4}, {4600, 5}, {99400, 99}, {147300, 150}, {144000, 140},
        {1234500, 1200}, {12500000, 12000}, {13600000, 14000},
    };
    const struct snapshot *snap;
    struct rig g;

    (void)state;
    rig_open(&g, 1, 1000.0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        recorder_add(g.r, 0, 1000.5, cases[i].us, 0, NULL);
    recorder_add(g.r, 0, 1000.6, 4500, 0, NULL);    /* 4.5 ms: its bucket's midpoint, 4500.5 us */
    snap = rig_fill(&g, 1002.0);
    assert_int_equal(snap->rt[0].n, 9);
    for (size_t i = 0, k = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t key = cases[i].key;
        for (k = 0; k < snap->rt[0].n && snap->rt[0].ms[k] != key; k++)
            ;
        assert_true(k < snap->rt[0].n);
        if (k > 0)
            assert_true(snap->rt[0].ms[k - 1] < key);
    }
    assert_int_equal(snap->rt[0].count[1], 1);          /* 4.4 ms */
    assert_int_equal(snap->rt[0].count[2], 2);          /* 4.6 ms, and 4.5 ms's bucket */
    rig_close(&g);
}

/* More distinct keys than a snapshot holds: the slowest ones are counted under the last. */
static void test_locust_response_times_cap(void **state)
{
    const struct snapshot *snap;
    uint64_t total = 0;
    struct rig g;

    (void)state;
    rig_open(&g, 1, 1000.0);
    for (uint32_t ms = 1; ms <= SNAP_RT_KEYS + 50; ms++)   /* 1 ms .. 306 ms: 279 keys */
        recorder_add(g.r, 0, 1000.5, (int64_t)ms * 1000, 0, NULL);
    for (uint32_t s = 10; s <= 400; s++)                    /* 391 one-second keys */
        recorder_add(g.r, 0, 1000.5, (int64_t)s * 1000000, 0, NULL);
    snap = rig_fill(&g, 1002.0);
    assert_int_equal(snap->rt[0].n, SNAP_RT_KEYS);
    for (uint32_t i = 0; i < snap->rt[0].n; i++)
        total += snap->rt[0].count[i];
    assert_int_equal(total, snap->endpoints[0].requests);
    assert_int_equal(snap->rt[0].ms[SNAP_RT_KEYS - 1], 400000);      /* the slowest key */
    rig_close(&g);
}

static void test_errors_grouped_and_ordered(void **state)
{
    struct rig g;
    struct outcome e503 = {.kind = OUTCOME_HTTP, .code = 503};
    struct outcome refused = {.kind = OUTCOME_TRANSPORT, .code = CURLE_COULDNT_CONNECT,
                              .aux = ECONNREFUSED};
    struct outcome refused0 = {.kind = OUTCOME_TRANSPORT, .code = CURLE_COULDNT_CONNECT};
    struct outcome nf = {.kind = OUTCOME_HTTP, .code = 404};
    struct outcome nf_ok = {.kind = OUTCOME_HTTP, .code = 404, .expected = 1};
    const struct snapshot *snap;

    (void)state;
    rig_open(&g, 2, 100.0);
    add_n(g.r, 1, 100.5, &e503, 5);
    add_n(g.r2, 0, 100.6, &e503, 3);
    add_n(g.r, 0, 101.2, &e503, 2);                  /* the same group over two workers */
    add_n(g.r, 0, 100.7, &refused, 3);
    recorder_flush(g.r);
    add_n(g.r, 0, 102.7, &refused0, 4);              /* another code, the same text */
    add_n(g.r2, 0, 102.8, &nf_ok, 2);
    add_n(g.r2, 0, 102.9, &nf, 2);
    snap = rig_fill(&g, 103.5);
    assert_int_equal(snap->n_errors, 5);
    assert_int_equal(snap->errors_dropped, 0);
    assert_string_equal(snap->errors[0].text, "Connection refused");
    assert_int_equal(snap->errors[0].count, 7);
    assert_true(snap->errors[0].first_seen == 100.7 && snap->errors[0].last_seen == 102.7);
    assert_string_equal(snap->errors[1].text, "HTTP 503 Service Unavailable");
    assert_int_equal(snap->errors[1].endpoint, 0);   /* tie on count: lower endpoint first */
    assert_int_equal(snap->errors[1].count, 5);
    assert_int_equal(snap->errors[2].endpoint, 1);
    assert_int_equal(snap->errors[2].count, 5);
    assert_string_equal(snap->errors[3].text, "HTTP 404 Not Found");
    assert_false(snap->errors[3].expected);          /* unexpected before expected */
    assert_true(snap->errors[4].expected);
    assert_int_equal(snap->errors[4].count, 2);
    assert_int_equal(snap->endpoints[0].failures, 14);
    assert_int_equal(snap->endpoints[0].expected, 2);
    rig_close(&g);
}

/* libcurl's texts are kept for what hornet cannot name, and those that differ only in their
 * numbers (a size, a count) are one group, shown with the first text, over workers too. */
static void test_transport_texts_grouped_by_words(void **state)
{
    struct rig g;
    struct outcome big1 = {.kind = OUTCOME_TRANSPORT, .code = CURLE_RECV_ERROR,
                           .text = "Too large response headers: 312358 > 307200"};
    struct outcome big2 = big1, http09 = {.kind = OUTCOME_TRANSPORT,
                                          .code = CURLE_UNSUPPORTED_PROTOCOL,
                                          .text = "Received HTTP/0.9 when not allowed"};
    const struct snapshot *snap;

    (void)state;
    big2.text = "Too large response headers: 307456 > 307200";
    rig_open(&g, 1, 100.0);
    add_n(g.r, 0, 100.5, &big1, 3);
    add_n(g.r, 0, 100.6, &big2, 2);
    recorder_flush(g.r);
    add_n(g.r2, 0, 101.5, &big2, 4);
    add_n(g.r2, 0, 101.6, &http09, 1);
    snap = rig_fill(&g, 102.5);
    assert_int_equal(snap->n_errors, 2);
    assert_string_equal(snap->errors[0].text, "Too large response headers: 312358 > 307200");
    assert_int_equal(snap->errors[0].count, 9);
    assert_int_equal(snap->errors[0].kind, OUTCOME_TRANSPORT);
    assert_string_equal(snap->errors[1].text, "Received HTTP/0.9 when not allowed");
    rig_close(&g);
}

static void test_errors_dropped_beyond_snapshot(void **state)
{
    struct rig g;
    const struct snapshot *snap;
    uint64_t shown = 0, total = 0;
    int groups = 300;

    (void)state;
    rig_open(&g, 1, 100.0);
    for (int i = 0; i < groups; i++) {
        char text[64];
        struct outcome o = {.kind = OUTCOME_CHECK, .text = text};

        snprintf(text, sizeof text, "check failed: id (got %03d)", i);
        add_n(g.r, 0, 100.5, &o, i + 1);
        total += (uint64_t)i + 1;
    }
    snap = rig_fill(&g, 101.0);
    assert_int_equal(snap->n_errors, SNAP_MAX_ERRORS);
    for (uint32_t i = 0; i < snap->n_errors; i++) {
        assert_int_equal(snap->errors[i].count, (uint64_t)(groups - (int)i));
        shown += snap->errors[i].count;
    }
    assert_int_equal(snap->errors_dropped, total - shown);
    assert_int_equal(snap->errors_dropped, 44 * 45 / 2);     /* counts 1 .. 44 */
    rig_close(&g);
}

static void test_error_groups_capped(void **state)
{
    struct rig g;
    const struct snapshot *snap;
    uint64_t shown = 0;
    int groups = STATS_MAX_ERROR_GROUPS + 200;
    size_t mem;

    (void)state;
    rig_open(&g, 1, 100.0);
    snap = rig_fill(&g, 100.1);
    mem = stats_memory(g.s);
    for (int i = 0; i < groups; i++) {
        char text[64];
        struct outcome o = {.kind = OUTCOME_CHECK, .text = text};

        snprintf(text, sizeof text, "check failed: token (got %d)", i);
        add_n(g.r, 0, 100.5 + (i % 2), &o, 2);
    }
    snap = rig_fill(&g, 102.0);
    assert_int_equal(snap->n_errors, SNAP_MAX_ERRORS);
    for (uint32_t i = 0; i < snap->n_errors; i++)
        shown += snap->errors[i].count;
    assert_int_equal(shown + snap->errors_dropped, 2 * (uint64_t)groups);   /* none lost */
    assert_int_equal(snap->endpoints[0].failures, 2 * (uint64_t)groups);
    assert_true(stats_memory(g.s) - mem < 64 * 1024);    /* only per-second pairs grew */
    rig_close(&g);
}

static void test_exceptions_grouped(void **state)
{
    struct rig g;
    const struct snapshot *snap;
    char long_msg[400];

    (void)state;
    rig_open(&g, 1, 100.0);
    memset(long_msg, 'm', sizeof long_msg - 1);
    long_msg[sizeof long_msg - 1] = '\0';
    stats_exception(g.s, "curl_easy_init failed", "engine/worker.c:120");
    stats_exception(g.s, "template error: unknown variable", "scenario step 3");
    stats_exception(g.s, "curl_easy_init failed", "engine/worker.c:120");
    stats_exception(g.s, "curl_easy_init failed", "engine/worker.c:121");
    stats_exception(g.s, long_msg, "x");
    snap = rig_fill(&g, 100.5);
    assert_int_equal(snap->n_exceptions, 4);
    assert_int_equal(snap->exceptions[0].count, 2);
    assert_string_equal(snap->exceptions[0].where, "engine/worker.c:120");
    assert_int_equal(snap->exceptions[1].count, 1);
    assert_string_equal(snap->exceptions[2].where, "engine/worker.c:121");
    assert_int_equal(strlen(snap->exceptions[3].message), SNAP_TEXT_MAX - 1);
    for (int i = 0; i < 40; i++) {
        char where[32];

        snprintf(where, sizeof where, "site %d", i);
        stats_exception(g.s, "boom", where);
    }
    snap = rig_fill(&g, 100.6);
    assert_int_equal(snap->n_exceptions, SNAP_MAX_EXCEPTIONS);
    rig_close(&g);
}

/* ---- reset ------------------------------------------------------------------------------ */

/* Requests aborted in flight (recorder_abort) reach the snapshot per endpoint and in
 * Aggregated, in no other count: no request, no latency, no request time (total_rps keeps
 * its span), no chart point; a reset forgets them. */
static void test_aborted_counted_apart(void **state)
{
    struct rig g;
    double t0 = 1700000000.0;
    const struct snapshot *s;

    (void)state;
    rig_open(&g, 3, t0);
    recorder_add(g.r, 0, t0 + 0.5, 10000, 100, NULL);
    s = rig_fill(&g, t0 + 0.6);
    double rps = s->total.total_rps, last = s->total.last_request_time;
    recorder_abort(g.r, 1, t0 + 2.2);                   /* an interval of aborts alone */
    recorder_abort(g.r2, 1, t0 + 2.3);
    recorder_abort(g.r2, 2, t0 + 2.4);
    s = rig_fill(&g, t0 + 3.5);
    assert_int_equal(s->endpoints[1].aborted, 2);
    assert_int_equal(s->endpoints[2].aborted, 1);
    assert_int_equal(s->total.aborted, 3);
    assert_int_equal(s->total.requests, 1);
    assert_int_equal(s->endpoints[1].requests, 0);
    assert_true(s->total.last_request_time == last);
    assert_true(s->total.total_rps == rps);
    for (uint32_t i = 0; i < s->n_points; i++)
        assert_int_equal(s->series[i].requests, s->series[i].second == (int64_t)t0 ? 1 : 0);
    recorder_add(g.r, 1, t0 + 3.6, 5000, 10, NULL);     /* with requests in one interval */
    recorder_abort(g.r, 1, t0 + 3.7);
    s = rig_fill(&g, t0 + 3.8);
    assert_int_equal(s->endpoints[1].aborted, 3);
    assert_int_equal(s->endpoints[1].requests, 1);
    assert_true(s->endpoints[1].last_request_time == t0 + 3.6);
    stats_reset(g.s, t0 + 4.0);
    s = rig_fill(&g, t0 + 4.1);
    assert_int_equal(s->total.aborted, 0);
    assert_int_equal(s->endpoints[1].aborted, 0);
    rig_close(&g);
}

static void test_reset(void **state)
{
    struct rig g;
    struct outcome fail = {.kind = OUTCOME_HTTP, .code = 500};
    const struct snapshot *snap;

    (void)state;
    rig_open(&g, 1, 1000.0);
    for (int64_t t = 1000; t <= 1005; t++)
        add_n(g.r, 0, (double)t + 0.5, &fail, 4);            /* pre-reset: 1 ms, failing */
    recorder_add(g.r, 0, 1006.2, 90000, 0, NULL);             /* the reset second, before */
    stats_exception(g.s, "boom", "here");
    snap = rig_fill(&g, 1006.5);
    assert_int_equal(snap->total.requests, 25);
    assert_int_equal(snap->n_errors, 1);
    stats_reset(g.s, 1006.6);
    snap = rig_fill(&g, 1006.7);
    assert_true(snap->start_time == 1006.6);
    assert_int_equal(snap->total.requests, 0);
    assert_int_equal(snap->endpoints[0].failures, 0);
    assert_int_equal(snap->endpoints[0].max_us, 0);
    assert_int_equal(snap->endpoints[0].min_us, 0);
    assert_int_equal(snap->endpoints[0].pct_us[SNAP_P100], 0);
    assert_int_equal(snap->endpoints[0].cur_count, 0);
    assert_int_equal(snap->endpoints[0].cur_pct_us[SNAP_P100], 0);
    assert_true(snap->total.total_rps == 0 && snap->total.current_rps == 0);
    assert_true(snap->endpoints[0].last_second_rps == 0);
    assert_int_equal(snap->n_errors, 0);
    assert_int_equal(snap->n_exceptions, 0);
    assert_int_equal(snap->n_points, 6);                      /* charts keep the run */
    assert_int_equal(snap->series[5].requests, 4);
    assert_int_equal(snap->series[5].failures, 4);
    rig_close(&g);
}

static void test_reset_then_new_requests(void **state)
{
    struct rig g;
    struct outcome fail = {.kind = OUTCOME_HTTP, .code = 500};
    const struct snapshot *snap;
    uint64_t post[64];
    size_t n_post = 0;

    (void)state;
    rig_open(&g, 1, 1000.0);
    for (int64_t t = 1000; t <= 1005; t++)
        add_n(g.r, 0, (double)t + 0.5, &fail, 4);
    recorder_add(g.r, 0, 1006.2, 90000, 0, NULL);
    rig_fill(&g, 1006.5);
    stats_reset(g.s, 1006.6);
    /* after the reset: only new requests count, in every window */
    recorder_add(g.r, 0, 1006.8, 3000, 0, NULL);
    post[n_post++] = 3000;
    for (int64_t t = 1007; t <= 1012; t++) {
        recorder_add(g.r, 0, (double)t + 0.5, 2000 + (uint64_t)t - 1007, 0, NULL);
        post[n_post++] = 2000 + (uint64_t)t - 1007;
    }
    snap = rig_fill(&g, 1012.9);
    assert_int_equal(snap->total.requests, 7);
    assert_int_equal(snap->total.failures, 0);
    assert_int_equal(snap->endpoints[0].cur_count, 7);
    check_summary(post, n_post, snap->endpoints[0].cur_median_us, snap->endpoints[0].cur_pct_us);
    check_summary(post, n_post, snap->endpoints[0].median_us, snap->endpoints[0].pct_us);
    /* L = 1012, start = floor(1006.6) = 1006: seconds 1006..1009 hold 1 request each */
    assert_true(fabs(snap->endpoints[0].current_rps - 1.0) < 1e-9);
    assert_true(snap->endpoints[0].current_fps == 0);
    assert_true(fabs(snap->total.total_rps - 7.0 / (1012.5 - 1006.6)) < 1e-9);
    /* the chart's reset second has both sides of the reset */
    assert_int_equal(snap->series[6].second, 1006);
    assert_int_equal(snap->series[6].requests, 2);
    assert_int_equal(snap->series[6].max_us, 90000);
    rig_close(&g);
}

static void test_resets_within_one_second(void **state)
{
    struct rig g;
    const struct snapshot *snap;

    (void)state;
    rig_open(&g, 1, 1000.0);
    recorder_add(g.r, 0, 1000.2, 5000, 0, NULL);
    rig_fill(&g, 1000.25);
    stats_reset(g.s, 1000.3);
    recorder_add(g.r, 0, 1000.4, 6000, 0, NULL);
    rig_fill(&g, 1000.45);
    stats_reset(g.s, 1000.5);
    recorder_add(g.r, 0, 1000.6, 7000, 0, NULL);
    snap = rig_fill(&g, 1001.5);
    assert_int_equal(snap->total.requests, 1);
    assert_int_equal(snap->total.cur_count, 1);
    assert_int_equal(snap->total.cur_median_us, 7000);
    assert_int_equal(snap->n_points, 1);
    assert_int_equal(snap->series[0].requests, 3);       /* the chart keeps all three */
    assert_int_equal(snap->series[0].p50_us, hist_highest_equivalent(hist_index_of(6000)));
    assert_int_equal(snap->series[0].max_us, 7000);
    rig_close(&g);
}

/* ---- long runs -------------------------------------------------------------------------- */

static void test_long_run_fixed_memory(void **state)
{
    struct rig g;
    const struct snapshot *snap = NULL;
    const int64_t t0 = 1700000000, seconds = 100000;
    size_t mem_warm = 0;

    (void)state;
    rig_open(&g, 2, (double)t0);
    for (int64_t t = t0; t < t0 + seconds; t++) {
        char text[48];
        struct outcome o = {.kind = OUTCOME_CHECK, .text = text};
        int64_t k = t - t0;

        snprintf(text, sizeof text, "check failed: step %d", (int)(k % 10));
        recorder_add(g.r, 0, (double)t + 0.1, 1000 + k % 5000, 100, NULL);
        recorder_add(g.r2, 0, (double)t + 0.2, 90000 + k % 300, 100, &o);
        recorder_add(g.r, 1, (double)t + 0.3, 500 + k % 2000, 100, NULL);
        stats_set_users(g.s, t, (uint32_t)(k / 1000));
        if (k % 7 == 0 || k == seconds - 1)
            snap = rig_fill(&g, (double)t + 0.9);
        if (k == 2000)
            mem_warm = stats_memory(g.s);
    }
    assert_int_equal(stats_memory(g.s), mem_warm);
    assert_int_equal(snap->total.requests, 3 * (uint64_t)seconds);
    assert_int_equal(snap->total.failures, (uint64_t)seconds);
    assert_int_equal(snap->n_errors, 10);
    assert_int_equal(snap->n_points, SNAP_SERIES_LEN);
    assert_int_equal(snap->series[SNAP_SERIES_LEN - 1].second, t0 + seconds - 2);
    assert_int_equal(snap->series[0].second, t0 + seconds - 1 - SNAP_SERIES_LEN);
    for (uint32_t i = 0; i < snap->n_points; i++) {
        const struct snap_point *p = &snap->series[i];

        assert_int_equal(p->requests, 3);
        assert_int_equal(p->failures, 1);
        assert_int_equal(p->users, (uint32_t)((p->second - t0) / 1000));
        assert_int_equal(p->max_us, 90000 + (p->second - t0) % 300);
    }
    assert_int_equal(snap->endpoints[0].cur_count, 2 * 11);   /* [now - 10, now] */
    assert_true(fabs(snap->endpoints[0].current_rps - 2.0) < 1e-9);
    assert_true(fabs(snap->total.current_fps - 1.0) < 1e-9);
    rig_close(&g);
}

static void test_more_endpoints_than_snapshot(void **state)
{
    struct rig g;
    const struct snapshot *snap;
    const char *m[SNAP_MAX_ENDPOINTS + 2], *n[SNAP_MAX_ENDPOINTS + 2];
    struct outcome fail = {.kind = OUTCOME_HTTP, .code = 500};

    (void)state;
    for (size_t i = 0; i < SNAP_MAX_ENDPOINTS + 2; i++) {
        m[i] = "GET";
        n[i] = "/x";
    }
    g.s = stats_create(SNAP_MAX_ENDPOINTS + 2, m, n, 10.0);
    g.r = recorder_create(SNAP_MAX_ENDPOINTS + 2, 0, merge_cb, g.s);
    g.r2 = NULL;
    g.snap = calloc(1, sizeof *g.snap);
    assert_non_null(g.snap);
    recorder_add(g.r, SNAP_MAX_ENDPOINTS + 1, 10.5, 1000, 0, &fail);
    recorder_add(g.r, 0, 10.5, 1000, 0, NULL);
    recorder_flush(g.r);
    stats_fill(g.s, 11.5, g.snap);
    snap = g.snap;
    assert_int_equal(snap->n_endpoints, SNAP_MAX_ENDPOINTS);
    assert_int_equal(snap->total.requests, 2);
    assert_int_equal(snap->n_errors, 0);
    assert_int_equal(snap->errors_dropped, 1);
    rig_close(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cumulative_exact),
        cmocka_unit_test(test_locust_response_times),
        cmocka_unit_test(test_locust_response_times_cap),
        cmocka_unit_test(test_none_requests_and_empty),
        cmocka_unit_test(test_current_rps_window),
        cmocka_unit_test(test_current_rps_uses_global_last_request),
        cmocka_unit_test(test_current_percentiles_forget_old_data),
        cmocka_unit_test(test_series_gaps_and_late_intervals),
        cmocka_unit_test(test_series_freezes_old_seconds),
        cmocka_unit_test(test_users_carried_forward),
        cmocka_unit_test(test_ep_series_aligned),
        cmocka_unit_test(test_errors_grouped_and_ordered),
        cmocka_unit_test(test_transport_texts_grouped_by_words),
        cmocka_unit_test(test_errors_dropped_beyond_snapshot),
        cmocka_unit_test(test_error_groups_capped),
        cmocka_unit_test(test_exceptions_grouped),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_reset_then_new_requests),
        cmocka_unit_test(test_resets_within_one_second),
        cmocka_unit_test(test_long_run_fixed_memory),
        cmocka_unit_test(test_more_endpoints_than_snapshot),
        cmocka_unit_test(test_aborted_counted_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
