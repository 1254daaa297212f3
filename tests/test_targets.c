/* Tests of performance targets: parsing the targets block, verdicts (targets.c), the steady
 * and last-N windows (tracker.c), live filling and the abort check. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "recorder.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "targets.h"
#include "tracker.h"

static const char *scenario_json =
    "{\"name\": \"t\", \"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"name\": \"a\","
    " \"steps\": [{\"method\": \"GET\", \"path\": \"/list/\"},"
    "             {\"method\": \"POST\", \"path\": \"/approve/\"}]}]}],"
    " \"targets\": {\"p99\": \"< 500ms\", \"median\": 200, \"success_rate\": \">= 99%\","
    "   \"rps\": [50, 100], \"failure_rate\": \"1%\","
    "   \"p95\": {\"value\": \"<= 1.5s\", \"window\": \"last 60s\", \"abort_on_fail\": true,"
    "            \"abort_after\": \"30s\"},"
    "   \"endpoints\": {\"GET /list/\": {\"p99\": \"< 1s\"}, \"/approve/\": {\"max\": \"2s\","
    "                  \"rps\": \">= 10\"}}}}";

static struct scenario *load(void)
{
    struct scenario *s = NULL;
    char err[512];

    if (scenario_load_string(scenario_json, "t.json", &s, err, sizeof err) < 0)
        fail_msg("%s", err);
    return s;
}

static const struct target_def *find(const struct scenario *s, const char *text, int ep)
{
    for (uint32_t i = 0; i < s->n_targets; i++)
        if (strcmp(s->targets[i].text, text) == 0 && s->targets[i].endpoint == ep)
            return &s->targets[i];
    fail_msg("no target '%s' on endpoint %d", text, ep);
    return NULL;
}

static void test_parse_targets(void **state)
{
    struct scenario *s = load();
    const struct target_def *t;

    (void)state;
    assert_int_equal(s->n_targets, 9);
    t = find(s, "p99 < 500 ms", -1);
    assert_int_equal(t->metric, TARGET_PERCENTILE);
    assert_true(t->pct == 0.99 && t->hi == 500 && t->hi_strict && isinf(t->lo));
    assert_int_equal(t->window, TARGET_WINDOW_RUN);
    t = find(s, "median <= 200 ms", -1);
    assert_int_equal(t->metric, TARGET_MEDIAN);
    t = find(s, "success rate >= 99%", -1);
    assert_true(fabs(t->lo - 0.99) < 1e-12 && !t->lo_strict && isinf(t->hi));
    t = find(s, "failure rate <= 1%", -1);
    assert_true(fabs(t->hi - 0.01) < 1e-12);
    t = find(s, "rps 50..100", -1);
    assert_int_equal(t->window, TARGET_WINDOW_STEADY);     /* throughput: steady by default */
    assert_true(t->lo == 50 && t->hi == 100);
    t = find(s, "p95 <= 1.5 s", -1);
    assert_int_equal(t->window, TARGET_WINDOW_LAST);
    assert_true(t->last == 60 && t->abort_on_fail && t->abort_after == 30 && t->hi == 1500);
    t = find(s, "p99 < 1 s", 0);
    assert_string_equal(t->endpoint_label, "GET /list/");
    t = find(s, "max <= 2 s", 1);
    assert_true(t->pct == 1.0);
    t = find(s, "rps >= 10", 1);
    assert_string_equal(t->endpoint_label, "/approve/");
    scenario_free(s);
}

static struct target_def def(enum target_metric m, double lo, double hi)
{
    struct target_def t = {.metric = m, .pct = 0.99, .lo = lo, .hi = hi, .hi_strict = true,
                           .endpoint = -1};
    return t;
}

static void test_judge(void **state)
{
    struct target_def p99 = def(TARGET_PERCENTILE, -INFINITY, 500);
    struct target_def ok = def(TARGET_SUCCESS_RATE, 0.99, INFINITY);
    struct target_def rps = def(TARGET_RPS, 50, 100);
    char d[96];

    (void)state;
    assert_int_equal(targets_judge(&p99, false, 0, d, sizeof d), TARGET_PENDING);
    assert_string_equal(d, "no data yet");
    assert_int_equal(targets_judge(&p99, true, 120, d, sizeof d), TARGET_PASS);
    assert_string_equal(d, "120 ms");
    assert_int_equal(targets_judge(&p99, true, 460, d, sizeof d), TARGET_AT_RISK);
    assert_int_equal(targets_judge(&p99, true, 500, d, sizeof d), TARGET_FAIL);  /* strict */
    assert_int_equal(targets_judge(&p99, true, 612, d, sizeof d), TARGET_FAIL);
    assert_string_equal(d, "612 ms > 500 ms (+22%)");
    assert_int_equal(targets_judge(&ok, true, 0.999, d, sizeof d), TARGET_PASS);
    assert_int_equal(targets_judge(&ok, true, 0.9915, d, sizeof d), TARGET_AT_RISK);
    assert_int_equal(targets_judge(&ok, true, 0.982, d, sizeof d), TARGET_FAIL);
    assert_string_equal(d, "98.20% < 99.00%");
    assert_int_equal(targets_judge(&rps, true, 75, d, sizeof d), TARGET_PASS);
    assert_int_equal(targets_judge(&rps, true, 95, d, sizeof d), TARGET_AT_RISK);
    assert_int_equal(targets_judge(&rps, true, 43, d, sizeof d), TARGET_FAIL);
    assert_string_equal(d, "43.0/s < 50.0/s (-14%)");
    assert_int_equal(targets_judge(&rps, true, 120, d, sizeof d), TARGET_FAIL);
}

/* ---- the tracker, fed through a real recorder ------------------------------------------------ */

struct feed {
    struct tracker *t;
};

static void emit(void *arg, struct interval *iv)
{
    tracker_merge(((struct feed *)arg)->t, iv);
    interval_free(iv);
}

/* One second of traffic on endpoint ep: n requests of latency_ms, `fail` of them failures. */
static void second(struct recorder *r, uint32_t ep, double t, int n, double latency_ms, int fail)
{
    struct outcome o = {.kind = OUTCOME_HTTP, .code = 500};
    for (int i = 0; i < n; i++)
        recorder_add(r, ep, t + 0.5 * i / n, (int64_t)(latency_ms * 1000), 10,
                     i < fail ? &o : NULL);
    recorder_flush(r);
}

static void test_tracker_windows(void **state)
{
    struct scenario *s = load();
    struct feed f = {tracker_create(s)};
    struct recorder *r = recorder_create(s->n_endpoints, 0, emit, &f);
    const struct target_def *rps = find(s, "rps 50..100", -1);
    const struct target_def *p95 = find(s, "p95 <= 1.5 s", -1);
    const struct target_def *ok = find(s, "success rate >= 99%", -1);
    double v;

    (void)state;
    for (int i = 0; i < 10; i++)            /* ramp-up: slow and failing */
        second(r, 0, 1000 + i, 20, 3000, 10);
    assert_false(tracker_value(f.t, rps, 1010.0, 0, &v));   /* no steady state yet */
    tracker_mark_steady(f.t, 1010.0);
    for (int i = 10; i < 70; i++)
        second(r, 0, 1000 + i, 80, 100, 0);
    assert_true(tracker_value(f.t, rps, 1070.0, 0, &v));
    assert_true(fabs(v - 80.0) < 1e-9);     /* 60 s x 80 requests since steady began */
    assert_true(tracker_value(f.t, p95, 1070.0, 0, &v));    /* last 60 s: the fast ones */
    assert_true(fabs(v - 100.0) < 0.2);
    assert_true(tracker_value(f.t, ok, 1070.0, 10, &v));    /* last 10 s: all good */
    assert_true(v == 1.0);
    assert_true(tracker_value(f.t, p95, 1015.0, 10, &v));   /* seconds 1005..1014 */
    assert_true(fabs(v - 3000.0) < 3.0);
    tracker_reset(f.t, 1070.0);
    assert_false(tracker_value(f.t, p95, 1070.5, 0, &v));
    recorder_destroy(r);
    tracker_destroy(f.t);
    scenario_free(s);
}

/* Seconds in which an endpoint's only requests were never sent (a variable not set): their
 * parts hold counts and no latency at all, in a fresh ring slot and next to one that has
 * latencies; the windows count them as failures without a latency. */
static void test_tracker_unsent_seconds(void **state)
{
    struct scenario *s = load();
    struct feed f = {tracker_create(s)};
    struct recorder *r = recorder_create(s->n_endpoints, 0, emit, &f);
    const struct target_def *ok = find(s, "success rate >= 99%", -1);
    const struct target_def *p95 = find(s, "p95 <= 1.5 s", -1);
    struct outcome unset = {.kind = OUTCOME_SCRIPT, .text = "variable ${x} is not set"};
    double v;

    (void)state;
    tracker_mark_steady(f.t, 999.0);
    for (int i = 0; i < 3; i++) {           /* only unsent requests, on both endpoints */
        recorder_add(r, 1, 1000 + i, -1, 0, &unset);
        recorder_add(r, 0, 1000 + i + 0.5, -1, 0, &unset);
        recorder_flush(r);
    }
    assert_true(tracker_value(f.t, ok, 1003.0, 10, &v));
    assert_true(v == 0.0);
    assert_false(tracker_value(f.t, p95, 1003.0, 10, &v));     /* no latency yet */
    second(r, 0, 1003, 4, 100, 0);          /* a second with latencies, then unsent again */
    recorder_add(r, 0, 1003.9, -1, 0, &unset);
    recorder_flush(r);
    assert_true(tracker_value(f.t, ok, 1004.0, 10, &v));
    assert_true(fabs(v - 4.0 / 11.0) < 1e-9);
    assert_true(tracker_value(f.t, p95, 1004.0, 10, &v));
    assert_true(fabs(v - 100.0) < 0.2);
    recorder_destroy(r);
    tracker_destroy(f.t);
    scenario_free(s);
}

static void test_fill_and_abort(void **state)
{
    struct scenario *s = load();
    struct snapshot *snap = calloc(1, sizeof *snap);
    char reason[256];
    int i;

    (void)state;
    snap->now = 100;
    snap->start_time = 0;
    snap->n_endpoints = 2;
    snap->total.requests = 1000;
    snap->total.failures = 30;
    snap->total.pct_us[SNAP_P99] = 612000;
    snap->total.median_us = 150000;
    targets_fill(s, NULL, snap, 100, true);
    assert_int_equal(snap->n_targets, 9);
    for (i = 0; i < (int)snap->n_targets; i++) {
        const struct snap_target *t = &snap->targets[i];
        if (strcmp(t->text, "p99 < 500 ms") == 0 && !t->endpoint[0]) {
            assert_int_equal(t->status, TARGET_FAIL);
            assert_string_equal(t->detail, "612 ms > 500 ms (+22%)");
        }
        if (strcmp(t->text, "success rate >= 99%") == 0)
            assert_int_equal(t->status, TARGET_FAIL);
        if (strcmp(t->text, "rps 50..100") == 0)      /* steady window: no tracker, no data */
            assert_int_equal(t->status, TARGET_PENDING);
    }
    assert_int_equal(targets_abort_check(s, snap, 100, reason, sizeof reason), -1);
    for (i = 0; i < (int)snap->n_targets; i++)
        if (snap->targets[i].abort_on_fail)
            snap->targets[i].status = TARGET_FAIL;
    assert_int_equal(targets_abort_check(s, snap, 10, reason, sizeof reason), -1); /* too early */
    assert_true(targets_abort_check(s, snap, 31, reason, sizeof reason) >= 0);
    assert_non_null(strstr(reason, "Target failed: p95 <= 1.5 s (last 60s)"));
    free(snap);
    scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_targets),
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_tracker_windows),
        cmocka_unit_test(test_tracker_unsent_seconds),
        cmocka_unit_test(test_fill_and_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
