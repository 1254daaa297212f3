/* Tests of the ramp arithmetic with an injected clock (ramp.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include "ramp.h"
#include "ramp_internal.h"

/* Drive the ramp with a clock ticking every dt; returns when the target was reached. */
static double run_until_target(struct ramp *r, double start, double dt, uint32_t *steps)
{
    double t = start;
    *steps = 0;
    for (int i = 0; i < 1000000 && r->current != r->target; i++, t += dt) {
        int32_t d;
        while ((d = ramp_due(r, t)) != 0)
            (*steps)++;
    }
    return t - dt;
}

static void test_ramp_up_at_rate(void **state)
{
    struct ramp r = {0};
    uint32_t steps;
    double done;

    (void)state;
    ramp_retarget(&r, 1000, 100.0, 10.0);
    assert_int_equal(ramp_due(&r, 10.0), 100);       /* first step at once */
    assert_int_equal(ramp_due(&r, 10.0), 0);         /* the next one is 1 s later */
    assert_int_equal(ramp_due(&r, 10.999), 0);
    assert_int_equal(ramp_due(&r, 11.0), 100);
    done = run_until_target(&r, 11.0, 0.01, &steps);
    assert_int_equal(r.current, 1000);
    assert_int_equal(steps, 8);
    assert_true(fabs(done - 19.0) < 0.011);          /* 10 steps over 9 s */
}

static void test_fractional_rate_steps_by_one(void **state)
{
    struct ramp r = {0};
    (void)state;
    ramp_retarget(&r, 3, 0.5, 0.0);                  /* one user every 2 s */
    assert_int_equal(ramp_due(&r, 0.0), 1);
    assert_int_equal(ramp_due(&r, 1.9), 0);
    assert_int_equal(ramp_due(&r, 2.0), 1);
    assert_int_equal(ramp_due(&r, 4.0), 1);
    assert_int_equal(ramp_due(&r, 100.0), 0);
    assert_int_equal(r.current, 3);
}

static void test_last_step_is_partial_and_down_uses_rate(void **state)
{
    struct ramp r = {0};
    (void)state;
    ramp_retarget(&r, 25, 10.0, 0.0);
    assert_int_equal(ramp_due(&r, 0.0), 10);
    assert_int_equal(ramp_due(&r, 1.0), 10);
    assert_int_equal(ramp_due(&r, 2.0), 5);
    ramp_retarget(&r, 3, 10.0, 5.0);
    assert_int_equal(ramp_due(&r, 5.0), -10);
    assert_int_equal(ramp_due(&r, 5.5), 0);
    assert_int_equal(ramp_due(&r, 6.0), -10);
    assert_int_equal(ramp_due(&r, 7.0), -2);
    assert_int_equal(r.current, 3);
}

static void test_late_caller_catches_up(void **state)
{
    struct ramp r = {0};
    int32_t total = 0, d;
    (void)state;
    ramp_retarget(&r, 50, 10.0, 0.0);
    while ((d = ramp_due(&r, 3.5)) != 0)
        total += d;
    assert_int_equal(total, 40);                     /* steps at 0, 1, 2, 3 */
    assert_true(fabs(ramp_next(&r) - 4.0) < 1e-9);
}

static void test_retarget_mid_ramp_keeps_the_pace(void **state)
{
    struct ramp r = {0};
    (void)state;
    ramp_retarget(&r, 10, 10.0, 0.0);
    assert_int_equal(ramp_due(&r, 0.0), 10);
    ramp_retarget(&r, 20, 10.0, 0.3);               /* +10 0.3 s after a step of 10 */
    assert_int_equal(ramp_due(&r, 0.3), 0);
    ramp_retarget(&r, 30, 10.0, 0.6);
    assert_int_equal(ramp_due(&r, 0.6), 0);
    assert_int_equal(ramp_due(&r, 1.0), 10);
    assert_int_equal(ramp_due(&r, 2.0), 10);
    assert_int_equal(r.current, 30);
    ramp_retarget(&r, 31, 10.0, 5.0);               /* idle again: the step goes at once */
    assert_int_equal(ramp_due(&r, 5.0), 1);
}

static void test_eta(void **state)
{
    struct ramp r = {0};
    (void)state;
    ramp_retarget(&r, 1000, 100.0, 0.0);
    assert_true(fabs(ramp_eta(&r, 0.0) - 9.0) < 1e-9);
    (void)ramp_due(&r, 0.0);
    assert_true(fabs(ramp_eta(&r, 0.5) - 8.5) < 1e-9);
    r.current = r.target;
    assert_true(ramp_eta(&r, 0.5) == 0.0);
    assert_true(ramp_next(&r) < 0.0);
}

static void test_class_split_follows_weights(void **state)
{
    double w[3] = {3.0, 1.0, 1.0};
    uint32_t c[3] = {0, 0, 0};
    (void)state;
    for (int n = 1; n <= 100; n++) {
        int k = ramp_class_to_add(w, c, 3);
        c[k]++;
        /* at every count, each class is within one user of its exact share */
        for (int i = 0; i < 3; i++)
            assert_true(fabs((double)c[i] - w[i] / 5.0 * n) < 1.0 + 1e-9);
    }
    assert_int_equal(c[0], 60);
    assert_int_equal(c[1], 20);
    assert_int_equal(c[2], 20);
    for (int n = 99; n >= 0; n--) {
        int k = ramp_class_to_remove(w, c, 3);
        assert_true(k >= 0);
        c[k]--;
        for (int i = 0; i < 3; i++)
            assert_true(fabs((double)c[i] - w[i] / 5.0 * n) < 1.0 + 1e-9);
    }
    assert_int_equal(ramp_class_to_remove(w, c, 3), -1);
}

static void test_single_user_goes_to_heaviest_class(void **state)
{
    double w[2] = {1.0, 4.0};
    uint32_t c[2] = {0, 0};
    (void)state;
    assert_int_equal(ramp_class_to_add(w, c, 2), 1);
}

static void test_stages(void **state)
{
    struct stage st[3] = {{60, 100, 10}, {240, 100, 10}, {30, 0, 50}};
    double left;
    (void)state;
    assert_int_equal(ramp_stage_at(st, 3, 0.0, &left), 0);
    assert_true(fabs(left - 60.0) < 1e-9);
    assert_int_equal(ramp_stage_at(st, 3, 60.0, &left), 1);
    assert_int_equal(ramp_stage_at(st, 3, 299.9, &left), 1);
    assert_int_equal(ramp_stage_at(st, 3, 300.0, &left), 2);
    assert_int_equal(ramp_stage_at(st, 3, 330.0, &left), -1);
    assert_true(fabs(ramp_stages_duration(st, 3) - 330.0) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ramp_up_at_rate),
        cmocka_unit_test(test_fractional_rate_steps_by_one),
        cmocka_unit_test(test_last_step_is_partial_and_down_uses_rate),
        cmocka_unit_test(test_late_caller_catches_up),
        cmocka_unit_test(test_retarget_mid_ramp_keeps_the_pace),
        cmocka_unit_test(test_eta),
        cmocka_unit_test(test_class_split_follows_weights),
        cmocka_unit_test(test_single_user_goes_to_heaviest_class),
        cmocka_unit_test(test_stages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
