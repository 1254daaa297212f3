/* test_selfstat: hornet's own load: a timer's lateness and libev's rule for the next due time,
 * the probe a worker fills and the control thread drains, CPU percentages between samples,
 * and the lag over the last second, all with a fake clock; the real CPU clocks move. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "selfstat_internal.h"

static void test_lateness_and_next_due(void **state)
{
    (void)state;
    assert_true(selfstat_lateness(10.0, 10.25) == 0.25);
    assert_true(selfstat_lateness(10.0, 9.9) == 0.0);            /* early counts as on time */
    assert_true(selfstat_next_due(10.0, 0.25, 10.1) == 10.25);
    assert_true(selfstat_next_due(10.0, 0.25, 11.0) == 11.0);    /* fell behind: from now */
}

/* The first tick learns the schedule; later ones record how late they fired. */
static void test_the_probe_records_and_drains(void **state)
{
    struct selfstat_probe p = {0};
    struct selfstat_sample smp;

    (void)state;
    selfstat_tick(&p, 100.0, 100.0, 0.25);                   /* due next at 100.25 */
    assert_int_equal(atomic_load(&p.lag_count), 0);
    selfstat_tick(&p, 100.26, 100.26, 0.25);                 /* 10 ms late */
    selfstat_tick(&p, 100.53, 100.53, 0.25);                 /* due 100.5: 30 ms late */
    selfstat_sample_begin(&smp, 100.6);
    assert_true(smp.cpu_seconds > 0);                          /* this process's getrusage */
    selfstat_probe_drain(&p, &smp);
    assert_int_equal(smp.lag_count, 2);
    assert_true(fabs(smp.lag_max_ms - 30.0) < 0.01);
    assert_true(fabs(smp.lag_sum_ms - 40.0) < 0.01);
    assert_true(smp.workers_cpu_seconds > 0);                 /* this thread's CPU clock */
    selfstat_sample_begin(&smp, 100.7);                        /* drained: nothing left */
    selfstat_probe_drain(&p, &smp);
    assert_int_equal(smp.lag_count, 0);
    assert_true(smp.lag_max_ms == 0.0);
}

static struct selfstat_sample sample_at(double t, double cpu, double max_ms, double sum_ms,
                                        uint64_t count)
{
    return (struct selfstat_sample){.t = t, .cpu_seconds = cpu, .workers_cpu_seconds = cpu / 2,
                                    .lag_max_ms = max_ms, .lag_sum_ms = sum_ms,
                                    .lag_count = count};
}

static void test_percentages_and_the_last_second(void **state)
{
    struct selfstat st = {0};
    struct snap_self out;
    struct selfstat_sample s;

    (void)state;
    s = sample_at(10.0, 1.0, 5, 8, 4);
    selfstat_update(&st, &s, 2, &out);
    assert_true(out.cpu_percent == 0.0);                       /* one sample: no rate yet */
    assert_true(out.lag_ms == 5.0 && out.lag_mean_ms == 2.0);
    assert_int_equal(out.ncpu, 2);
    s = sample_at(10.2, 1.3, 1, 2, 2);                         /* 0.3 s of CPU in 0.2 s */
    selfstat_update(&st, &s, 2, &out);
    assert_true(fabs(out.cpu_percent - 150.0) < 1e-6);
    assert_true(fabs(out.workers_cpu_percent - 75.0) < 1e-6);
    assert_true(out.cpu_seconds == 1.3);
    assert_true(out.lag_ms == 5.0);                            /* the worst of the second */
    assert_true(fabs(out.lag_mean_ms - 10.0 / 6.0) < 1e-9);
    s = sample_at(11.1, 1.3, 0, 0, 0);                         /* the 5 ms is 1.1 s old */
    selfstat_update(&st, &s, 2, &out);
    assert_true(out.lag_ms == 1.0);
    assert_true(out.cpu_percent == 0.0);
    s = sample_at(12.5, 1.3, 0, 0, 0);
    selfstat_update(&st, &s, 2, &out);
    assert_true(out.lag_ms == 0.0 && out.lag_mean_ms == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lateness_and_next_due),
        cmocka_unit_test(test_the_probe_records_and_drains),
        cmocka_unit_test(test_percentages_and_the_last_second),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
