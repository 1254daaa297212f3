/* Open-model control tests, with a fake clock: the open classes of a scenario (their own
 * arrivals and shares of the scenario's), each slot's share and pool, the operator's rate,
 * a pause and the way back to the stages (the count never jumps), the stages' end, and the
 * schedule second by second from what slots report (asked, achieved, dropped, busy), the
 * recent rates and the "dropping" transitions. Milliseconds for the whole file. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "openmodel.h"
#include "scenario_internal.h"

#define T0 1700000000.0

static const char *one_class_json =
    "{\"name\": \"open\", \"user_classes\": [{\"name\": \"R\", \"arrivals\": "
    "{\"rate\": 200, \"pre_allocated\": 3, \"max_users\": 5, \"max_delay\": \"2s\"},"
    " \"tasks\": [{\"steps\": [{\"method\": \"GET\", \"path\": \"/r\"}]}]}]}";

static const char *shared_json =
    "{\"name\": \"shared\", \"arrivals\": {\"rate\": 100, \"max_users\": 10},"
    " \"user_classes\": ["
    " {\"name\": \"A\", \"weight\": 3, \"tasks\": [{\"steps\": [{\"method\": \"GET\","
    " \"path\": \"/a\"}]}]},"
    " {\"name\": \"B\", \"weight\": 1, \"tasks\": [{\"steps\": [{\"method\": \"GET\","
    " \"path\": \"/b\"}]}]},"
    " {\"name\": \"C\", \"arrivals\": {\"stages\": [{\"duration\": \"10s\", \"rate\": 50},"
    " {\"duration\": \"10s\", \"rate\": 50}], \"max_users\": 4},"
    " \"tasks\": [{\"steps\": [{\"method\": \"GET\", \"path\": \"/c\"}]}]}]}";

struct fixture {
    struct scenario *scn;
    struct openmodel *m;
};

static int teardown(void **state)
{
    struct fixture *f = *state;

    openmodel_destroy(f->m);
    scenario_free(f->scn);
    free(f);
    return 0;
}

static struct fixture *load(void **state, const char *json, uint32_t slots)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[512];

    *state = f;
    if (scenario_load_string(json, "test.json", &f->scn, err, sizeof err) < 0)
        fail_msg("scenario: %s", err);
    f->m = openmodel_create(f->scn, slots);
    assert_non_null(f->m);
    return f;
}

static void assert_near(double got, double want, double tol)
{
    if (fabs(got - want) > tol)
        fail_msg("got %.9f, want %.9f (+-%g)", got, want, tol);
}

static void test_slots_split_the_pool_and_the_timeline(void **state)
{
    struct fixture *f = load(state, one_class_json, 2);
    struct openmodel_slot a, b;

    assert_int_equal(openmodel_count(f->m), 1);
    openmodel_start(f->m, T0, T0 + 60);
    assert_int_equal(openmodel_version(f->m, 0), 1);
    openmodel_slot_plan(f->m, 0, 0, &a);
    openmodel_slot_plan(f->m, 1, 0, &b);
    assert_int_equal(a.max_users, 3);
    assert_int_equal(b.max_users, 2);
    assert_near(a.share, 0.6, 1e-12);
    assert_near(b.share + a.share, 1, 1e-12);
    assert_near(a.phase, 0, 0);
    assert_near(b.phase, 0.6, 1e-12);
    assert_int_equal(a.pre_allocated + b.pre_allocated, 3);
    assert_near(a.max_delay, 2, 0);
    assert_int_equal(a.curve.mode, ARRIVAL_CONSTANT);
    assert_near(a.curve.rate, 200, 0);
    assert_near(a.curve.end, T0 + 60, 0);
    assert_near(openmodel_rate(f->m, T0 + 1), 200, 1e-9);
    assert_int_equal(openmodel_max_users(f->m), 5);
}

static void test_scenario_arrivals_are_shared_by_weight(void **state)
{
    struct fixture *f = load(state, shared_json, 1);
    struct openmodel_slot a, b, c;

    assert_int_equal(openmodel_count(f->m), 3);          /* A, B share; C its own */
    openmodel_start(f->m, T0, 0);
    openmodel_slot_plan(f->m, 0, 0, &a);
    openmodel_slot_plan(f->m, 0, 1, &b);
    openmodel_slot_plan(f->m, 0, 2, &c);
    assert_near(a.curve.rate, 75, 1e-9);
    assert_near(b.curve.rate, 25, 1e-9);
    assert_int_equal(a.max_users + b.max_users, 10);
    assert_int_equal(a.max_users, 7);                    /* 1 + 1 each, the rest by weight */
    assert_int_equal(c.curve.mode, ARRIVAL_STAGES);
    assert_near(openmodel_rate(f->m, T0 + 5), 100 + 25, 1e-9);
    assert_near(openmodel_rate_target(f->m, 2, 0), 50, 0);
    assert_int_equal(openmodel_stage(f->m, 2, T0 + 12), 1);
    assert_int_equal(openmodel_stage(f->m, 0, T0 + 12), -1);
    assert_false(openmodel_stages_over(f->m, T0 + 25));  /* A and B have no stages */
}

static void test_operator_rate_pause_and_back_keep_the_count(void **state)
{
    struct fixture *f = load(state, shared_json, 1);
    struct openmodel_slot a, c;
    struct snap_arrivals snap;
    uint64_t v;
    double count;

    openmodel_start(f->m, T0, 0);
    /* 400/s in all at 4 s: in proportion to what each was asked (75, 25, and C's 20) */
    openmodel_slot_plan(f->m, 0, 0, &a);
    count = arrival_count_at(&a.curve, &f->scn->arrivals, T0 + 4);
    v = openmodel_version(f->m, 0);
    openmodel_set_rate(f->m, 400, T0 + 4);
    assert_true(openmodel_manual(f->m));
    assert_true(openmodel_version(f->m, 0) > v);
    openmodel_slot_plan(f->m, 0, 0, &a);
    openmodel_slot_plan(f->m, 0, 2, &c);
    assert_near(a.curve.rate, 400 * 75.0 / 120, 1e-9);
    assert_near(c.curve.rate, 400 * 20.0 / 120, 1e-9);
    assert_near(a.curve.count0, count, 1e-9);
    assert_near(openmodel_rate(f->m, T0 + 5), 400, 1e-9);
    /* pause at 6 s: nothing asked; the rate typed meanwhile holds from the resume */
    openmodel_pause(f->m, true, T0 + 6);
    assert_near(openmodel_rate(f->m, T0 + 7), 0, 0);
    openmodel_class(f->m, 0, T0 + 7, &snap);
    assert_near(snap.asked_rate, 0, 0);
    assert_near(snap.resume_rate, 400 * 75.0 / 120, 1e-9);     /* what the dashboard adds to */
    openmodel_set_rate(f->m, 100, T0 + 7);
    assert_near(openmodel_rate(f->m, T0 + 7.5), 0, 0);
    openmodel_class(f->m, 0, T0 + 7.5, &snap);
    assert_near(snap.resume_rate, 100 * 75.0 / 120, 1e-9);
    openmodel_slot_plan(f->m, 0, 0, &a);
    count = arrival_count_at(&a.curve, &f->scn->arrivals, T0 + 8);
    openmodel_pause(f->m, false, T0 + 8);
    assert_near(openmodel_rate(f->m, T0 + 8.5), 100, 1e-9);
    openmodel_slot_plan(f->m, 0, 0, &a);
    assert_near(a.curve.count0, count, 1e-9);
    /* back to the scenario: C's stages at 12 s ask 50/s, A and B their 75 and 25 */
    openmodel_resume_stages(f->m, T0 + 12);
    assert_false(openmodel_manual(f->m));
    assert_near(openmodel_rate(f->m, T0 + 12), 150, 1e-9);
}

static void test_stages_end(void **state)
{
    struct fixture *f = load(state,
        "{\"name\": \"s\", \"user_classes\": [{\"name\": \"R\", \"arrivals\": "
        "{\"start_rate\": 10, \"stages\": [{\"duration\": 5, \"rate\": 20}], \"max_users\": 2},"
        " \"tasks\": [{\"steps\": [{\"method\": \"GET\", \"path\": \"/r\"}]}]}]}", 1);

    openmodel_start(f->m, T0, 0);
    assert_int_equal(openmodel_stage(f->m, 0, T0 + 1), 0);
    assert_false(openmodel_stages_over(f->m, T0 + 4.9));
    assert_true(openmodel_stages_over(f->m, T0 + 5));
    assert_int_equal(openmodel_stage(f->m, 0, T0 + 5), 1);
    openmodel_set_rate(f->m, 5, T0 + 6);                 /* the operator's rate goes on */
    assert_false(openmodel_stages_over(f->m, T0 + 7));
}

/* One slot's report of second s (its counts), then the pool at now. */
static void report(struct fixture *f, int64_t s, uint32_t started, uint32_t dropped, double now,
                   uint64_t total_started, uint64_t total_dropped, uint32_t busy)
{
    openmodel_observe_second(f->m, 0, s, started, dropped);
    openmodel_observe_pool(f->m, 0, now, total_started + total_dropped, total_started,
                           total_dropped, 5, busy, 0);
    openmodel_tick(f->m, now);
}

static void test_schedule_second_by_second(void **state)
{
    struct fixture *f = load(state, one_class_json, 1);
    struct snap_open *o = calloc(1, sizeof *o);
    int64_t s0 = (int64_t)T0;
    bool dropping = false;

    openmodel_start(f->m, T0 + 0.5, 0);                  /* the first second is half long */
    report(f, s0, 100, 0, T0 + 1.6, 100, 0, 2);
    report(f, s0 + 1, 190, 10, T0 + 2.6, 290, 10, 5);
    assert_true(openmodel_dropping_changed(f->m, 0, T0 + 2.6, &dropping));
    assert_true(dropping);
    report(f, s0 + 2, 200, 0, T0 + 3.6, 490, 10, 3);
    report(f, s0 + 3, 200, 0, T0 + 4.6, 690, 10, 3);
    openmodel_fill(f->m, T0 + 4.6, o);
    assert_int_equal(o->n_points, 3);                    /* s0 .. s0+2 are final */
    assert_int_equal(o->points[0].second, s0);
    assert_near(o->points[0].asked, 100, 1e-6);
    assert_near(o->points[1].asked, 200, 1e-6);
    assert_int_equal(o->points[1].started, 190);
    assert_int_equal(o->points[1].dropped, 10);
    assert_int_equal(o->points[1].busy, 2);              /* the last sample within it */
    assert_int_equal(o->points[2].busy, 5);
    assert_int_equal(o->n_classes, 1);
    assert_near(o->classes[0].recent_asked, (100 + 200 + 200) / 3.0, 1e-6);
    assert_near(o->classes[0].recent_achieved, (100 + 190 + 200) / 3.0, 1e-6);
    assert_int_equal(o->all.dropped, 10);
    assert_int_equal(o->all.peak_users, 5);
    /* no drop for more than 3 s: dropping stops; a reset restarts the totals */
    assert_true(openmodel_dropping_changed(f->m, 0, T0 + 6.0, &dropping));
    assert_false(dropping);
    openmodel_reset(f->m, T0 + 6);
    report(f, s0 + 5, 200, 0, T0 + 6.6, 1090, 10, 3);
    openmodel_fill(f->m, T0 + 6.6, o);
    assert_int_equal(o->all.started, 1090 - 690);
    assert_int_equal(o->all.dropped, 0);
    assert_int_equal(o->points[o->n_points - 1].second, s0 + 4);
    free(o);
}

/* A stop asks for nothing more: the last second's asked count ends at the stop, not when the
 * users were done stopping (Ctrl-C at 2.4 s, finished at 2.7 s: 40 asked in that second). */
static void test_stop_ends_the_asking(void **state)
{
    struct fixture *f = load(state, one_class_json, 1);
    struct snap_open *o = calloc(1, sizeof *o);
    int64_t s0 = (int64_t)T0;

    openmodel_start(f->m, T0, 0);
    report(f, s0, 200, 0, T0 + 1.1, 200, 0, 2);
    openmodel_stop(f->m, T0 + 2.2);
    assert_near(openmodel_rate(f->m, T0 + 2.3), 0, 0);
    report(f, s0 + 1, 200, 0, T0 + 2.3, 400, 0, 2);
    report(f, s0 + 2, 40, 0, T0 + 2.5, 440, 0, 0);
    openmodel_finish(f->m, T0 + 2.7);
    openmodel_fill(f->m, T0 + 2.7, o);
    assert_int_equal(o->n_points, 3);
    assert_near(o->points[1].asked, 200, 1e-6);
    assert_near(o->points[2].asked, 40, 1e-3);
    assert_int_equal(o->points[2].started, 40);
    free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_slots_split_the_pool_and_the_timeline, teardown),
        cmocka_unit_test_teardown(test_scenario_arrivals_are_shared_by_weight, teardown),
        cmocka_unit_test_teardown(test_operator_rate_pause_and_back_keep_the_count, teardown),
        cmocka_unit_test_teardown(test_stages_end, teardown),
        cmocka_unit_test_teardown(test_schedule_second_by_second, teardown),
        cmocka_unit_test_teardown(test_stop_ends_the_asking, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
