/* Tests of the backend-health collector (health.c): samples in, the snapshot's health section,
 * the events of sources going down and up and limits failing, references between metrics, the
 * abort check, and limits not judged when the run ignores its targets. A fake clock. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "health.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "verdict.h"

#define T0 1700000000.0

static struct scenario *load(void)
{
    struct scenario *s = NULL;
    char err[512];
    const char *text =
        "{\"name\": \"c\", \"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"name\": \"t\","
        " \"steps\": [{\"method\": \"GET\", \"path\": \"/\"}]}]}],"
        " \"health\": {\"sources\": {"
        "  \"api\": {\"type\": \"prometheus\", \"url\": \"${host}/metrics\", \"metrics\": {"
        "    \"pool\": {\"query\": \"pool_in_use\", \"limit\": \"< 90% of size\","
        "               \"abort_on_fail\": true, \"abort_after\": \"30s\"},"
        "    \"size\": \"pool_size\","
        "    \"workers\": {\"query\": \"workers\", \"limit\": \"> 0\"}}},"
        "  \"box\": {\"type\": \"host\", \"interval\": \"1s\","
        "           \"metrics\": {\"load\": \"load1\"}}}}}";

    if (scenario_load_string(text, "c.json", &s, err, sizeof err) < 0)
        fail_msg("%s", err);
    return s;
}

static struct health_sample sample(uint32_t source, double t, bool ok, const double *v,
                                   uint32_t n)
{
    struct health_sample s = {.source = source, .time = t, .ok = ok, .n = n,
                              .duration_ms = 3};

    for (uint32_t k = 0; k < n; k++) {
        s.values[k] = v[k];
        s.states[k] = isnan(v[k]) ? HEALTH_VALUE_MISSING : HEALTH_VALUE_OK;
        if (isnan(v[k]))
            snprintf(s.missing[k], sizeof s.missing[k], "no series matched");
    }
    if (!ok)
        snprintf(s.error, sizeof s.error, "Connection refused");
    return s;
}

static void add(struct health *c, uint32_t src, double t, bool ok, double a, double b, double w)
{
    double v[3] = {a, b, w};
    struct health_sample s = sample(src, t, ok, v, src == 0 ? 3 : 1);

    health_add(c, &s);
}

static int next_event(struct health *c, char *text)
{
    double when;
    int level;

    if (!health_next_event(c, &when, &level, text, SNAP_TEXT_MAX))
        return -1;
    return level;
}

/* Before any poll: the sources waiting, the limits pending (and so failing). */
static void check_waiting(struct health *c, struct snapshot *s)
{
    health_start(c, T0);
    health_fill(c, s);
    assert_int_equal(s->health.n_sources, 2);
    assert_int_equal(s->health.n_metrics, 4);
    assert_string_equal(s->health.sources[0].where, "http://127.0.0.1:8000/metrics");
    assert_string_equal(s->health.sources[1].where, "this host");
    assert_string_equal(s->health.sources[0].kind, "prometheus");
    assert_int_equal(s->health.sources[0].state, HEALTH_WAITING);
    assert_int_equal(s->health.metrics[0].status, TARGET_PENDING);
    assert_false(verdict_passed(s));                       /* limits without data fail */
}

/* Two polls of the api and one of the host: values, range, points, a passing limit. */
static void check_up(struct health *c, struct snapshot *s, char *text)
{
    const struct snap_health_metric *m;

    add(c, 0, T0 + 1, true, 40, 100, 4);
    add(c, 0, T0 + 3, true, 60, 100, 4);
    add(c, 1, T0 + 3.5, true, 0.5, 0, 0);
    health_fill(c, s);
    m = &s->health.metrics[0];
    assert_string_equal(m->name, "pool");
    assert_string_equal(m->limit, "< 90% of size");
    assert_true(m->has_value && m->value == 60 && m->min == 40 && m->max == 60);
    assert_int_equal(m->samples, 2);
    assert_int_equal(m->status, TARGET_PASS);
    assert_string_equal(m->detail, "peak 60 (67% of the limit)");
    assert_true(m->bound == 90);
    assert_int_equal(m->n_points, 2);
    assert_true(m->points[0].time == T0 + 1 && m->points[1].value == 60);
    assert_false(s->health.metrics[1].has_limit);
    assert_true(isnan(s->health.metrics[1].bound));
    assert_int_equal(s->health.sources[0].state, HEALTH_UP);
    assert_int_equal(s->health.sources[0].polls, 2);
    assert_true(verdict_passed(s));
    assert_int_equal(next_event(c, text), -1);              /* nothing happened */
}

/* The source goes down: an event once, values NaN, the limit judged on what it saw. */
static void check_down(struct health *c, struct snapshot *s, char *text)
{
    add(c, 0, T0 + 5, false, NAN, NAN, NAN);
    add(c, 0, T0 + 7, false, NAN, NAN, NAN);
    assert_int_equal(next_event(c, text), EVENT_WARN);
    assert_string_equal(text, "Health source api is down: Connection refused");
    assert_int_equal(next_event(c, text), -1);
    health_fill(c, s);
    assert_int_equal(s->health.sources[0].state, HEALTH_DOWN);
    assert_int_equal(s->health.sources[0].failed, 2);
    assert_int_equal(s->health.sources[0].n_fails, 2);
    assert_string_equal(s->health.sources[0].fails[1].error, "Connection refused");
    assert_false(s->health.metrics[0].has_value);
    assert_string_equal(s->health.metrics[0].missing, "source down");
    assert_true(isnan(s->health.metrics[0].points[3].value));
    assert_int_equal(s->health.metrics[0].status, TARGET_PASS);
}

/* Back up with values over two limits: an event each, and the run's verdict fails on them. */
static void check_back_failing(struct health *c, struct snapshot *s, char *text)
{
    struct verdict v;
    char counts[128];

    add(c, 0, T0 + 9, true, 95, 100, 0);
    assert_int_equal(next_event(c, text), EVENT_INFO);
    assert_string_equal(text, "Health source api is back up (down for 4 s)");
    assert_int_equal(next_event(c, text), EVENT_WARN);
    assert_string_equal(text, "Health limit failed: pool < 90% of size: reached 95 at +0:09 "
                              "(limit < 90)");
    assert_int_equal(next_event(c, text), EVENT_WARN);
    assert_string_equal(text, "Health limit failed: workers > 0: was 0 at +0:09 (limit > 0)");
    health_fill(c, s);
    assert_int_equal(s->health.metrics[0].status, TARGET_FAIL);
    assert_false(verdict_passed(s));
    verdict_of(s, &v);
    assert_int_equal(v.kind, VERDICT_FAIL);
    assert_int_equal(v.n, 0);
    assert_int_equal(v.health.n, 2);
    assert_int_equal(v.health.fail, 2);
    verdict_counts(&v, counts, sizeof counts);
    assert_string_equal(counts, "health limits: 2 failing");
}

/* One health collector through a run: waiting, up, down, back up over its limits. */
static void test_snapshot(void **state)
{
    struct scenario *scn = load();
    struct health *c = health_create(&scn->health, "http://127.0.0.1:8000/", true);
    struct snapshot *s = calloc(1, sizeof *s);
    char text[SNAP_TEXT_MAX];

    (void)state;
    s->total.requests = 1;                      /* a run that measured something */
    check_waiting(c, s);
    check_up(c, s, text);
    check_down(c, s, text);
    check_back_failing(c, s, text);
    health_destroy(c);
    free(s);
    scenario_free(scn);
}

static void test_abort_check(void **state)
{
    struct scenario *scn = load();
    struct health *c = health_create(&scn->health, "http://h", true);
    struct snapshot *s = calloc(1, sizeof *s);
    char reason[SNAP_TEXT_MAX];

    (void)state;
    health_start(c, T0);
    add(c, 0, T0 + 2, true, 99, 100, 4);
    health_fill(c, s);
    assert_int_equal(health_abort_check(&scn->health, s, 2, reason, sizeof reason), -1);
    assert_int_equal(health_abort_check(&scn->health, s, 30, reason, sizeof reason), 0);
    assert_string_equal(reason, "Health limit failed: pool < 90% of size (api): reached 99 at "
                                "+0:02 (limit < 90), aborting the run");
    health_destroy(c);
    free(s);
    scenario_free(scn);
}

static void test_not_judged(void **state)
{
    struct scenario *scn = load();
    struct health *c = health_create(&scn->health, "http://h", false);
    struct snapshot *s = calloc(1, sizeof *s);
    char text[SNAP_TEXT_MAX];

    (void)state;
    s->total.requests = 1;
    add(c, 0, T0 + 2, true, 99, 100, 0);
    health_fill(c, s);
    assert_int_equal(s->health.metrics[0].status, TARGET_SKIPPED);
    assert_string_equal(s->health.metrics[0].detail, "not judged: the run ignores its targets");
    assert_true(verdict_passed(s));
    assert_int_equal(next_event(c, text), -1);
    health_destroy(c);
    free(s);
    scenario_free(scn);
}

/* The snapshot keeps the newest SNAP_HEALTH_POINTS samples, oldest first; min and max cover the
 * whole run. */
static void test_ring(void **state)
{
    struct scenario *scn = load();
    struct health *c = health_create(&scn->health, "http://h", true);
    struct snapshot *s = calloc(1, sizeof *s);
    const struct snap_health_metric *m;

    (void)state;
    for (int i = 0; i < SNAP_HEALTH_POINTS + 30; i++)
        add(c, 1, T0 + i, true, i, 0, 0);
    health_fill(c, s);
    m = &s->health.metrics[3];
    assert_int_equal(m->n_points, SNAP_HEALTH_POINTS);
    assert_true(m->points[0].value == 30 && m->points[0].time == T0 + 30);
    assert_true(m->points[SNAP_HEALTH_POINTS - 1].value == SNAP_HEALTH_POINTS + 29);
    assert_true(m->min == 0 && m->max == SNAP_HEALTH_POINTS + 29);
    assert_int_equal(m->samples, SNAP_HEALTH_POINTS + 30);
    health_destroy(c);
    free(s);
    scenario_free(scn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_abort_check),
        cmocka_unit_test(test_not_judged),
        cmocka_unit_test(test_ring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
