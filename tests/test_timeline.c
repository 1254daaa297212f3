/* test_timeline: the run's record kept from snapshots: seconds revised and appended, gaps,
 * events kept once and in order, the event cap dropping the oldest tenth, the open model's
 * corrected bands (aligned with the seconds) and arrival schedule, backend-health samples and
 * failed polls kept once each, and the thinning of a full health series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "timeline.h"

static struct snapshot *snap_new(void)
{
    struct snapshot *s = calloc(1, sizeof *s);

    assert_non_null(s);
    return s;
}

static void points(struct snapshot *s, int64_t first, uint32_t n, uint32_t requests)
{
    s->n_points = n;
    for (uint32_t i = 0; i < n; i++)
        s->series[i] = (struct snap_point){.second = first + i, .users = 10 + i,
                                           .requests = requests + i};
}

static void test_seconds_are_revised_and_appended(void **state)
{
    struct timeline *t = timeline_create();
    struct snapshot *s = snap_new();
    const struct snap_point *p;
    size_t n;

    (void)state;
    assert_null(timeline_points(t, &n));
    assert_int_equal(n, 0);
    points(s, 1000, 3, 100);
    assert_int_equal(timeline_update(t, s), 0);
    points(s, 1001, 4, 200);                    /* 1001, 1002 revised; 1003, 1004 new */
    assert_int_equal(timeline_update(t, s), 0);
    p = timeline_points(t, &n);
    assert_int_equal(n, 5);
    assert_int_equal(p[0].requests, 100);       /* no longer in the snapshot: kept */
    assert_int_equal(p[1].requests, 200);
    assert_int_equal(p[4].second, 1004);
    assert_int_equal(p[4].requests, 203);
    free(s);
    timeline_free(t);
}

/* Seconds no snapshot showed (the reader was away longer than the series) stay as empty
 * seconds, with the users carried over, so the points remain one per second. */
static void test_a_gap_is_kept_as_empty_seconds(void **state)
{
    struct timeline *t = timeline_create();
    struct snapshot *s = snap_new();
    const struct snap_point *p;
    size_t n;

    (void)state;
    points(s, 1000, 2, 5);
    timeline_update(t, s);
    points(s, 1005, 1, 7);
    timeline_update(t, s);
    p = timeline_points(t, &n);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(p[i].second, 1000 + (int64_t)i);
    assert_int_equal(p[3].requests, 0);
    assert_int_equal(p[3].users, 11);
    assert_int_equal(p[5].requests, 7);
    free(s);
    timeline_free(t);
}

static void events(struct snapshot *s, uint64_t first_seq, uint32_t n)
{
    s->n_events = n;
    for (uint32_t i = 0; i < n; i++) {
        s->events[i] = (struct snap_event){.seq = first_seq + i};
        snprintf(s->events[i].text, sizeof s->events[i].text, "event %llu",
                 (unsigned long long)(first_seq + i));
    }
}

static void test_events_are_kept_once_in_order(void **state)
{
    struct timeline *t = timeline_create();
    struct snapshot *s = snap_new();
    const struct snap_event *ev;
    size_t n;

    (void)state;
    events(s, 1, 5);
    timeline_update(t, s);
    timeline_update(t, s);                      /* the same snapshot again */
    events(s, 3, 6);                            /* 3..5 seen, 6..8 new */
    timeline_update(t, s);
    ev = timeline_events(t, &n);
    assert_int_equal(n, 8);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ev[i].seq, i + 1);
    assert_string_equal(ev[7].text, "event 8");
    assert_int_equal(timeline_events_dropped(t), 0);
    free(s);
    timeline_free(t);
}

/* Past TIMELINE_MAX_EVENTS the oldest tenth goes at once; the rest stays one array. */
static void test_the_event_cap_drops_the_oldest(void **state)
{
    struct timeline *t = timeline_create();
    struct snapshot *s = snap_new();
    const struct snap_event *ev;
    uint64_t seq = 1, total = TIMELINE_MAX_EVENTS + 100;
    size_t n;

    (void)state;
    while (seq <= total) {
        uint32_t k = total - seq + 1 < SNAP_MAX_EVENTS ? (uint32_t)(total - seq + 1)
                                                        : SNAP_MAX_EVENTS;
        events(s, seq, k);
        assert_int_equal(timeline_update(t, s), 0);
        seq += k;
    }
    ev = timeline_events(t, &n);
    assert_int_equal(timeline_events_dropped(t), TIMELINE_MAX_EVENTS / 10);
    assert_int_equal(n, total - TIMELINE_MAX_EVENTS / 10);
    assert_int_equal(ev[0].seq, TIMELINE_MAX_EVENTS / 10 + 1);
    assert_int_equal(ev[n - 1].seq, total);
    for (size_t i = 1; i < n; i++)
        assert_int_equal(ev[i].seq, ev[i - 1].seq + 1);
    free(s);
    timeline_free(t);
}

/* The corrected bands follow their seconds (zeros for a run without them); the arrival
 * schedule is kept by second, revised and appended, gaps empty. */
static void test_open_model_seconds(void **state)
{
    struct timeline *t = timeline_create();
    struct snapshot *s = snap_new();
    const struct snap_bands *b;
    const struct snap_arrival_point *a;
    size_t n;

    (void)state;
    points(s, 1000, 2, 100);
    assert_int_equal(timeline_update(t, s), 0);
    assert_non_null(b = timeline_bands(t, &n));
    assert_int_equal(n, 2);
    assert_int_equal(b[1].p99_us, 0);
    assert_null(timeline_arrivals(t, &n));
    s->open.corrected = true;
    points(s, 1001, 3, 200);
    for (uint32_t i = 0; i < 3; i++)
        s->open.series[i] = (struct snap_bands){1000 + i, 2000 + i, 3000 + i, 4000 + i};
    s->open.n_points = 2;
    s->open.points[0] = (struct snap_arrival_point){.second = 999, .asked = 100, .started = 98};
    s->open.points[1] = (struct snap_arrival_point){.second = 1000, .asked = 100, .started = 99};
    assert_int_equal(timeline_update(t, s), 0);
    b = timeline_bands(t, &n);
    assert_int_equal(n, 4);
    assert_int_equal(b[0].p99_us, 0);           /* 1000: before the corrected snapshots */
    assert_int_equal(b[1].p99_us, 3000);        /* 1001 */
    assert_int_equal(b[3].max_us, 4002);        /* 1003 */
    s->open.points[0] = (struct snap_arrival_point){.second = 1000, .asked = 100, .started = 100};
    s->open.points[1] = (struct snap_arrival_point){.second = 1003, .asked = 50, .dropped = 7};
    assert_int_equal(timeline_update(t, s), 0);
    a = timeline_arrivals(t, &n);
    assert_int_equal(n, 5);                     /* 999 .. 1003 */
    assert_int_equal(a[0].started, 98);
    assert_int_equal(a[1].started, 100);        /* revised */
    assert_int_equal(a[2].second, 1001);        /* a gap: empty */
    assert_true(a[2].asked == 0);
    assert_int_equal(a[4].dropped, 7);
    free(s);
    timeline_free(t);
}

/* Snapshot s carries metric 0's samples at times first .. first + n - 1 (value = time). */
static void health_points(struct snapshot *s, double first, uint32_t n)
{
    struct snap_health_metric *m = &s->health.metrics[0];

    s->health.n_metrics = 1;
    s->health.n_sources = 1;
    m->n_points = n;
    for (uint32_t i = 0; i < n; i++)
        m->points[i] = (struct snap_health_point){first + i, first + i};
}

static void test_health_samples_are_kept_once(void **state)
{
    struct timeline *t = timeline_create();
    struct snapshot *s = snap_new();
    const struct snap_health_point *p;
    const struct snap_health_fail *f;
    size_t n;

    (void)state;
    assert_null(timeline_health_points(t, 0, &n));
    health_points(s, 100, 5);
    assert_int_equal(timeline_update(t, s), 0);
    health_points(s, 102, 6);                   /* 102..104 again, then 105..107 */
    s->health.sources[0].n_fails = 2;
    s->health.sources[0].fails[0] = (struct snap_health_fail){103, "Connection refused"};
    s->health.sources[0].fails[1] = (struct snap_health_fail){104, "Timeout after 2000 ms"};
    assert_int_equal(timeline_update(t, s), 0);
    assert_int_equal(timeline_update(t, s), 0);
    p = timeline_health_points(t, 0, &n);
    assert_int_equal(n, 8);
    for (size_t i = 0; i < n; i++)
        assert_true(p[i].time == 100 + (double)i && p[i].value == 100 + (double)i);
    f = timeline_health_fails(t, 0, &n);
    assert_int_equal(n, 2);
    assert_string_equal(f[1].error, "Timeout after 2000 ms");
    assert_null(timeline_health_points(t, 1, &n));
    assert_null(timeline_health_points(t, SNAP_HEALTH_METRICS, &n));
    timeline_free(t);
    free(s);
}

/* A full series keeps its newest half whole and every other sample of its older half. */
static void test_a_full_health_series_is_thinned(void **state)
{
    struct timeline *t = timeline_create();
    struct snapshot *s = snap_new();
    const struct snap_health_point *p;
    size_t n;
    double next = 0;

    (void)state;
    while (next < TIMELINE_MAX_HEALTH) {
        health_points(s, next, SNAP_HEALTH_POINTS);
        assert_int_equal(timeline_update(t, s), 0);
        next += SNAP_HEALTH_POINTS;
    }
    p = timeline_health_points(t, 0, &n);
    assert_true(n < TIMELINE_MAX_HEALTH && n > TIMELINE_MAX_HEALTH / 2);
    assert_true(p[0].time == 0 && p[1].time == 2);             /* thinned */
    assert_true(p[n - 1].time == next - 1);                    /* the newest are all there */
    assert_true(p[n - 2].time == next - 2);
    for (size_t i = 1; i < n; i++)
        assert_true(p[i].time > p[i - 1].time);
    timeline_free(t);
    free(s);
}

/* Each endpoint's seconds come from the snapshots' ep_series (aligned with the newest points
 * of the series), revised like the points, and stay after the snapshots moved on. */
static void test_endpoint_seconds_are_kept(void **state)
{
    struct timeline *t = timeline_create();
    struct snapshot *s = snap_new();
    struct timeline_count c;

    (void)state;
    s->n_endpoints = 2;
    points(s, 1000, 3, 100);
    s->n_ep_points = 2;                         /* 1001 and 1002 */
    s->ep_series[0][0] = (struct snap_ep_point){.requests = 7, .failures = 1};
    s->ep_series[1][1] = (struct snap_ep_point){.requests = 9};
    assert_int_equal(timeline_update(t, s), 0);
    assert_int_equal(timeline_endpoint_count(t, 1, 0, &c), 0);
    assert_int_equal(c.requests, 7);
    assert_int_equal(c.failures, 1);
    assert_int_equal(timeline_endpoint_count(t, 2, 1, &c), 0);
    assert_int_equal(c.requests, 9);
    points(s, 1002, 2, 100);                    /* 1002 revised, 1003 new */
    memset(s->ep_series, 0, sizeof s->ep_series);
    s->ep_series[1][0] = (struct snap_ep_point){.requests = 11};
    s->ep_series[1][1] = (struct snap_ep_point){.requests = 4};
    assert_int_equal(timeline_update(t, s), 0);
    assert_int_equal(timeline_endpoint_count(t, 2, 1, &c), 0);
    assert_int_equal(c.requests, 11);
    assert_int_equal(timeline_endpoint_count(t, 3, 1, &c), 0);
    assert_int_equal(c.requests, 4);
    assert_int_equal(timeline_endpoint_count(t, 1, 0, &c), 0);     /* kept */
    assert_int_equal(c.requests, 7);
    assert_int_equal(timeline_endpoint_count(t, 4, 0, &c), -1);    /* not a kept second */
    assert_int_equal(timeline_endpoint_count(t, 1, 2, &c), -1);    /* not an endpoint */
    assert_int_equal(c.requests, 0);
    free(s);
    timeline_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seconds_are_revised_and_appended),
        cmocka_unit_test(test_a_gap_is_kept_as_empty_seconds),
        cmocka_unit_test(test_events_are_kept_once_in_order),
        cmocka_unit_test(test_the_event_cap_drops_the_oldest),
        cmocka_unit_test(test_open_model_seconds),
        cmocka_unit_test(test_health_samples_are_kept_once),
        cmocka_unit_test(test_a_full_health_series_is_thinned),
        cmocka_unit_test(test_endpoint_seconds_are_kept),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
