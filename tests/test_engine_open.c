/* The engine's open model against the built-in target on 127.0.0.1 (port 0), with real worker
 * threads, clocks and sockets: what only a real run shows. The schedule's decisions themselves
 * are tested with a fake clock in test_arrival.c, test_openmodel.c and test_control.c.
 *
 * - Coordinated omission, proved: 200 arrivals/s for 20 s against a target that freezes every
 *   answer for 1 s every 5 s. A client arriving at a uniform rate meets a stall 20% of the
 *   time and then waits until it ends, on average 0.5 s: the test computes the percentiles of
 *   that truth and checks the corrected ones against them, while the service times (a pool of
 *   6 users: the arrivals of a stall wait for a free user, as wrk2's connections) stay low. The
 *   same load as a closed model (6 paced users) sends fewer requests and its latencies stay
 *   low: the stall is hidden.
 * - A pool at its max_users drops iterations, counted; a run of arrival stages ends after them.
 * 10,000 arrivals a second are in test_engine_rate.c (make test runs it alone).
 * Every run is bounded by a run time and every wait by a deadline. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "engine.h"
#include "open_fixture.h"
#include "scenario.h"
#include "waits.h"
#include "target/target.h"

/* ---- coordinated omission, proved ------------------------------------------------------------ */

#define RATE 200.0
#define RUN_S 20.0
#define STALL_S 1.0
#define PERIOD_S 5.0

static const char *open_json =
    "{\"name\": \"open\", \"user_classes\": [{\"name\": \"Reader\", \"arrivals\": "
    "{\"rate\": 200, \"pre_allocated\": 6, \"max_users\": 6, \"max_delay\": \"10s\"},"
    " \"tasks\": [{\"name\": \"health\", \"steps\": [{\"method\": \"GET\","
    " \"path\": \"/api/v1/health/\"}]}]}], \"targets\": {\"p99\": \"< 500ms\"}}";

/* The same load closed: 6 users, each an iteration every 30 ms (200/s in all). */
static const char *closed_json =
    "{\"name\": \"closed\", \"user_classes\": [{\"name\": \"Reader\","
    " \"wait\": {\"constant_pacing\": 0.03},"
    " \"tasks\": [{\"name\": \"health\", \"steps\": [{\"method\": \"GET\","
    " \"path\": \"/api/v1/health/\"}]}]}]}";

/* The truth a client arriving at a uniform rate would see, in ms, at quantile q: a share
 * STALL_S / PERIOD_S of arrivals meets a stall and waits uniformly up to STALL_S for its end;
 * the others are answered at once (the target has no latency: 0 ms). */
static double truth_ms(double q)
{
    double stalled = STALL_S / PERIOD_S;

    return q <= 1 - stalled ? 0 : 1000 * STALL_S * (q - (1 - stalled)) / stalled;
}

static void assert_ms_near(uint64_t us, double want_ms, double tol_ms, const char *what)
{
    if (fabs((double)us / 1000 - want_ms) > tol_ms)
        fail_msg("%s: %.1f ms, expected %.1f +- %.0f ms", what, (double)us / 1000, want_ms,
                 tol_ms);
}

static void test_stall_corrected_against_the_truth(void **state)
{
    struct run runs[2] = {{0}};
    const struct snapshot *open, *closed;
    const struct snap_latency *co;
    static const int pcts[] = {SNAP_P90, SNAP_P95, SNAP_P98, SNAP_P99};

    double started;

    (void)state;
    open_fixture_target(&runs[0], STALL_S, PERIOD_S);
    open_fixture_target(&runs[1], STALL_S, PERIOD_S);
    /* The stalls are the last second of each 5 s from the targets' start: starting the load
     * 2.5 s later puts all four in the middle of its 20 s, none at its end (which would cut
     * the line of arrivals waiting for a user). */
    started = waits_now();
    while (waits_now() < started + PERIOD_S / 2)
        waits_pause();
    open_fixture_engine(&runs[0], open_json, 0, RUN_S);
    open_fixture_engine(&runs[1], closed_json, 6, RUN_S);
    open_fixture_wait(runs, 2, RUN_S + 15);
    open = runs[0].snap;
    closed = runs[1].snap;
    co = &open->open.total;
    /* every arrival of the 20 s was sent (late when the stall held the users), none lost but,
     * when the machine is busy, a few still waiting when the run ended */
    assert_true(open->open.corrected);
    if (open->open.all.dropped > RATE * RUN_S / 200)
        fail_msg("%llu arrivals dropped: the 6 users could not keep up outside the stalls "
                 "(is the machine busy?)", (unsigned long long)open->open.all.dropped);
    assert_true(open->total.requests + open->open.all.dropped + 2 >= RATE * RUN_S &&
                open->total.requests <= RATE * RUN_S + 2);
    open_fixture_assert_served(open, &runs[0]);
    /* corrected: the truth's percentiles (20% of arrivals wait up to 1 s, 0.5 s on average) */
    for (size_t i = 0; i < sizeof pcts / sizeof pcts[0]; i++)
        assert_ms_near(co->pct_us[pcts[i]], truth_ms(snapshot_pcts[pcts[i]]), 60,
                       snapshot_pct_labels[pcts[i]]);
    assert_ms_near(co->total_us / open->total.requests, 0.2 * 500, 30, "corrected average");
    assert_true(co->pct_us[SNAP_P75] < 50000);            /* outside the stalls: prompt */
    /* the target judges what users saw: p99 < 500 ms fails on the corrected ~950 ms */
    assert_int_equal(open->n_targets, 1);
    assert_int_equal(open->targets[0].status, TARGET_FAIL);
    assert_true(fabs(open->targets[0].value - truth_ms(0.99)) < 60);
    /* service times: only the requests sent into a stall (6 users, 4 stalls: 0.6%) waited; the
     * p99 stays under a tenth of the stall (a few ms on a quiet machine) */
    assert_true(open->total.pct_us[SNAP_P99] < 100000);
    assert_true(open->total.max_us > 500000);
    /* closed: the paced users stop sending during a stall, so fewer requests, and both their
     * service times and their (pacing) corrected latencies hide the stall */
    assert_true(closed->open.corrected);
    assert_true(closed->total.requests < 0.9 * open->total.requests);
    assert_true(closed->total.requests > 0.7 * RATE * RUN_S);
    open_fixture_assert_served(closed, &runs[1]);
    assert_true(closed->total.pct_us[SNAP_P99] < 100000);
    assert_true(closed->open.total.pct_us[SNAP_P95] < 100000);
    print_message("# open: %llu requests, service p99 %.1f ms, corrected p90/p95/p99 "
                  "%.0f/%.0f/%.0f ms; closed: %llu requests, service p99 %.1f ms, corrected "
                  "p95/p99 %.1f/%.1f ms\n", (unsigned long long)open->total.requests,
                  open->total.pct_us[SNAP_P99] / 1e3, co->pct_us[SNAP_P90] / 1e3,
                  co->pct_us[SNAP_P95] / 1e3, co->pct_us[SNAP_P99] / 1e3,
                  (unsigned long long)closed->total.requests,
                  closed->total.pct_us[SNAP_P99] / 1e3, closed->open.total.pct_us[SNAP_P95] / 1e3,
                  closed->open.total.pct_us[SNAP_P99] / 1e3);
    open_fixture_free(&runs[0]);
    open_fixture_free(&runs[1]);
}

/* ---- an exhausted pool, and stages that end the run ------------------------------------------ */

static const char *small_pool_json =
    "{\"name\": \"small\", \"user_classes\": [{\"name\": \"Reader\", \"arrivals\": "
    "{\"stages\": [{\"duration\": \"2s\", \"rate\": 100}, {\"duration\": \"3s\", \"rate\": 100}],"
    " \"max_users\": 3}, \"tasks\": [{\"name\": \"health\", \"steps\": [{\"method\": \"GET\","
    " \"path\": \"/api/v1/health/\"}]}]}]}";

/* A stall holds the 3 users: the arrivals meanwhile are dropped and counted; the stages (no run
 * time) end the run. */
static void test_exhausted_pool_drops_and_stages_end(void **state)
{
    struct run r = {0};
    const struct snapshot *s;
    bool warned = false;

    (void)state;
    open_fixture_target(&r, 1.0, 2.5);
    open_fixture_engine(&r, small_pool_json, 0, 0);
    open_fixture_wait(&r, 1, 20);
    s = r.snap;
    assert_true(s->open.all.dropped >= 50);                 /* two stalls of ~1 s at ~100/s */
    assert_int_equal(s->open.all.due, s->open.all.started + s->open.all.dropped);
    assert_true(fabs((double)s->open.all.due - 400) <= 2);  /* 100 + 300 asked */
    assert_true(s->total.requests <= s->open.all.started &&
                s->total.requests + 3 >= s->open.all.started);  /* the end aborts a stalled 3 */
    assert_int_equal(s->open.all.peak_users, 3);
    for (uint32_t i = 0; i < s->n_events; i++) {
        warned |= strstr(s->events[i].text, "Reader: dropping iterations: no user free (") &&
                  strstr(s->events[i].text, "busy, max_users 3)");
        if (strstr(s->events[i].text, "All stages complete"))
            assert_true(fabs(s->events[i].time - s->run_start - 5) < 0.5);
    }
    assert_true(warned);
    open_fixture_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stall_corrected_against_the_truth),
        cmocka_unit_test(test_exhausted_pool_drops_and_stages_end),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
