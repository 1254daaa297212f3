/* Tests of the saturation rule (engine/saturation.c) with a fake clock: either threshold
 * (worker timer lateness, the workers' mean CPU) held for SATURATION_ENTER_SECONDS makes the
 * run saturated, both under for SATURATION_LEAVE_SECONDS ends it, the seconds are summed over
 * episodes, the reason names what is over, and each second keeps its worst lateness for the
 * charts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "saturation_internal.h"

#define T0 1700000000.0

static struct snap_self sample(double lag_ms, double workers_cpu_percent)
{
    return (struct snap_self){.lag_ms = lag_ms, .workers_cpu_percent = workers_cpu_percent,
                              .ncpu = 2};
}

static void test_thresholds_and_why(void **state)
{
    char why[128];
    struct snap_self s;

    (void)state;
    s = sample(SATURATION_LAG_MS, SATURATION_CPU_PERCENT);     /* at the thresholds: not over */
    assert_false(saturation_over(&s, 1, why, sizeof why));
    assert_string_equal(why, "");
    s = sample(45.2, 40.0);
    assert_true(saturation_over(&s, 1, why, sizeof why));
    assert_string_equal(why, "worker timers 45 ms late");
    s = sample(1.0, 190.0);                 /* two workers at 95% each */
    assert_true(saturation_over(&s, 2, why, sizeof why));
    assert_string_equal(why, "worker threads at 95% CPU");
    assert_false(saturation_over(&s, 4, NULL, 0));      /* four at 47.5% */
    s = sample(30.0, 99.0);
    assert_true(saturation_over(&s, 1, why, sizeof why));
    assert_string_equal(why, "worker timers 30 ms late, worker threads at 99% CPU");
    s = sample(1.0, 500.0);                 /* no worker known: the CPU rule cannot apply */
    assert_false(saturation_over(&s, 0, NULL, 0));
}

static void test_enter_and_leave_delays(void **state)
{
    struct saturation st;
    struct snap_self over = sample(50.0, 100.0), under = sample(2.0, 30.0);
    char why[128];
    double t;

    (void)state;
    saturation_init(&st);
    for (t = 0; t < SATURATION_ENTER_SECONDS; t += 0.2)  /* over, but not long enough */
        assert_int_equal(saturation_update(&st, &over, 1, T0 + t, why, sizeof why),
                         SATURATION_SAME);
    assert_false(st.saturated);
    assert_int_equal(saturation_update(&st, &under, 1, T0 + t, why, sizeof why),
                     SATURATION_SAME);                  /* a dip starts the count again */
    double start = T0 + t + 0.2;
    for (t = 0; t < SATURATION_ENTER_SECONDS; t += 0.2)
        assert_int_equal(saturation_update(&st, &over, 1, start + t, why, sizeof why),
                         SATURATION_SAME);
    assert_int_equal(saturation_update(&st, &over, 1, start + SATURATION_ENTER_SECONDS, why,
                                       sizeof why), SATURATION_BEGAN);
    assert_string_equal(why, "worker timers 50 ms late, worker threads at 100% CPU");
    assert_true(st.saturated);
    assert_true(saturation_seconds(&st, start + 10.0) == 10.0);   /* counted from its start */
    double calm = start + 10.0;
    for (t = 0; t < SATURATION_LEAVE_SECONDS; t += 0.5)
        assert_int_equal(saturation_update(&st, &under, 1, calm + t, why, sizeof why),
                         SATURATION_SAME);
    assert_int_equal(saturation_update(&st, &under, 1, calm + SATURATION_LEAVE_SECONDS, why,
                                       sizeof why), SATURATION_ENDED);
    assert_false(st.saturated);
    assert_true(saturation_seconds(&st, calm + 100.0) == 10.0);   /* until it went under */
    for (t = 0; t <= SATURATION_ENTER_SECONDS; t += 1.0)           /* a second episode adds */
        saturation_update(&st, &over, 1, calm + 20.0 + t, why, sizeof why);
    assert_true(st.saturated);
    assert_true(saturation_seconds(&st, calm + 30.0) == 20.0);
}

static void test_lag_per_second_in_the_series(void **state)
{
    struct saturation st;
    struct snapshot *s = calloc(1, sizeof *s);
    struct snap_self a = sample(3.0, 10.0), b = sample(12.5, 10.0), c = sample(1.0, 10.0);

    (void)state;
    assert_non_null(s);
    saturation_init(&st);
    saturation_update(&st, &a, 1, T0 + 0.1, NULL, 0);
    saturation_update(&st, &b, 1, T0 + 0.5, NULL, 0);   /* the worst of the second */
    saturation_update(&st, &c, 1, T0 + 0.9, NULL, 0);
    saturation_update(&st, &c, 1, T0 + 1.2, NULL, 0);
    s->n_points = 3;
    for (int i = 0; i < 3; i++)
        s->series[i].second = (int64_t)T0 - 1 + i;    /* one second before any sample */
    saturation_fill_series(&st, s);
    assert_int_equal(s->series[0].lag_us, 0);
    assert_int_equal(s->series[1].lag_us, 12500);
    assert_int_equal(s->series[2].lag_us, 1000);
    saturation_update(&st, &a, 1, T0 + SNAP_SERIES_LEN + 0.5, NULL, 0);  /* reuses slot 0 */
    saturation_fill_series(&st, s);
    assert_int_equal(s->series[1].lag_us, 0);           /* an old second is not mistaken */
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds_and_why),
        cmocka_unit_test(test_enter_and_leave_delays),
        cmocka_unit_test(test_lag_per_second_in_the_series),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
