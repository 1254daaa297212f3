/* Arrival tests: the open model's schedule with a fake clock: intended times from a constant
 * rate and from ramping stages (and the inverse of their counts), slots that together keep the
 * class's timeline exactly, rate changes mid-run that neither skip nor repeat an arrival, and
 * the pool's decisions (a free user, a starting one, a new one, a wait within max_delay, a
 * drop when the pool is exhausted). Milliseconds for the whole file. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "arrival.h"
#include "arrival_internal.h"

#define T0 1700000000.0

static struct arrival_curve constant(double t0, double count0, double rate)
{
    return (struct arrival_curve){.t0 = t0, .count0 = count0, .mode = ARRIVAL_CONSTANT,
                                  .rate = rate};
}

static void assert_near(double got, double want, double tol)
{
    if (fabs(got - want) > tol)
        fail_msg("got %.9f, want %.9f (+-%g)", got, want, tol);
}

/* ---- curves ----------------------------------------------------------------------------- */

static void test_constant_rate_times(void **state)
{
    struct arrival_config cfg = {.on = true, .rate = 100, .max_users = 1};
    struct arrival_curve cv = constant(T0, 0, 100);

    (void)state;
    for (int k = 0; k < 1000; k++)
        assert_near(arrival_time_of(&cv, &cfg, k), T0 + k / 100.0, 1e-6);
    assert_near(arrival_count_at(&cv, &cfg, T0 + 2.5), 250, 1e-6);
    assert_near(arrival_rate_at(&cv, &cfg, T0 + 7), 100, 0);
    cv.end = T0 + 5;                            /* the run time ends at 5 s */
    assert_near(arrival_time_of(&cv, &cfg, 499), T0 + 4.99, 1e-6);
    assert_true(isinf(arrival_time_of(&cv, &cfg, 500)));
    assert_near(arrival_count_at(&cv, &cfg, T0 + 9), 500, 1e-6);
    assert_near(arrival_rate_at(&cv, &cfg, T0 + 5), 0, 0);
    cv.end = 0;
    cv.rate = 0;
    assert_true(isinf(arrival_time_of(&cv, &cfg, 1)));
    assert_true(isinf(arrival_time_of(&cv, &cfg, 0)));      /* a rate of 0 asks for none */
    cv.count0 = 10;                                         /* 10 asked before the change */
    assert_near(arrival_time_of(&cv, &cfg, 9), T0, 0);      /* the late ones are due now */
    assert_true(isinf(arrival_time_of(&cv, &cfg, 10)));
}

/* k6's ramping-arrival-rate: 0 -> 100/s over 10 s, hold 100/s for 10 s, 100 -> 0 over 10 s. */
static struct arrival_stage ramp_stages[] = {{10, 100}, {10, 100}, {10, 0}};

static void test_stages_rate_count_and_inverse(void **state)
{
    struct arrival_config cfg = {.on = true, .stages = ramp_stages, .n_stages = 3,
                                 .max_users = 1};
    struct arrival_curve cv = {.t0 = T0, .mode = ARRIVAL_STAGES, .origin = T0, .scale = 1};

    (void)state;
    assert_near(arrival_rate_at(&cv, &cfg, T0 + 5), 50, 1e-9);
    assert_near(arrival_rate_at(&cv, &cfg, T0 + 15), 100, 1e-9);
    assert_near(arrival_rate_at(&cv, &cfg, T0 + 25), 50, 1e-9);
    assert_near(arrival_rate_at(&cv, &cfg, T0 + 31), 0, 0);
    assert_near(arrival_count_at(&cv, &cfg, T0 + 10), 500, 1e-6);     /* the ramp's triangle */
    assert_near(arrival_count_at(&cv, &cfg, T0 + 20), 1500, 1e-6);
    assert_near(arrival_count_at(&cv, &cfg, T0 + 30), 2000, 1e-6);
    assert_near(arrival_count_at(&cv, &cfg, T0 + 99), 2000, 1e-6);     /* nothing after */
    for (double t = T0 + 0.05; t < T0 + 29.9; t += 0.37)
        assert_near(arrival_time_of(&cv, &cfg, arrival_count_at(&cv, &cfg, t)), t, 1e-6);
    assert_near(arrival_time_of(&cv, &cfg, 2), T0 + sqrt(0.4), 1e-9);  /* 5 t^2 = 2 */
    assert_true(isinf(arrival_time_of(&cv, &cfg, 2000.5)));
    cv.scale = 0.25;                                    /* a class's share of the scenario's */
    assert_near(arrival_count_at(&cv, &cfg, T0 + 20), 375, 1e-6);
    assert_near(arrival_time_of(&cv, &cfg, 0), T0, 0);  /* a ramp from 0 starts at once */
    {                                                   /* stages from 0 to 0 ask for none */
        struct arrival_stage zero[] = {{10, 0}};
        struct arrival_config flat = {.on = true, .stages = zero, .n_stages = 1,
                                      .max_users = 1};

        assert_true(isinf(arrival_time_of(&cv, &flat, 0)));
    }
}

static void test_start_rate_and_a_curve_resumed_mid_stage(void **state)
{
    struct arrival_stage st[] = {{10, 20}};
    struct arrival_config cfg = {.on = true, .start_rate = 10, .stages = st, .n_stages = 1,
                                 .max_users = 1};
    struct arrival_curve cv = {.t0 = T0 + 4, .count0 = 1000, .mode = ARRIVAL_STAGES,
                               .origin = T0, .scale = 1};

    (void)state;
    assert_near(arrival_rate_at(&cv, &cfg, T0 + 4), 14, 1e-9);
    /* from 4 s to 10 s the rate goes 14 -> 20: 6 * 17 = 102 arrivals */
    assert_near(arrival_count_at(&cv, &cfg, T0 + 10), 1102, 1e-6);
    assert_near(arrival_time_of(&cv, &cfg, 1000), T0 + 4, 1e-9);
    assert_near(arrival_time_of(&cv, &cfg, 1102), T0 + 10, 1e-6);
}

/* ---- slots ------------------------------------------------------------------------------ */

/* Every arrival a set of slots takes from `from` up to `until` (included), as the fake clock
 * advances by `step`; returns how many, with their intended times in out (up to cap). */
static size_t run_slots(struct arrival_slot *slots, size_t n, double from, double until,
                        double step, double *out, size_t cap)
{
    size_t got = 0;
    double intended;
    enum arrival_action a;

    for (long i = 0; from + (double)i * step <= until + step; i++) {
        double now = fmin(from + (double)i * step, until);

        for (size_t k = 0; k < n; k++)
            while (arrival_slot_take(&slots[k], now, &intended, &a)) {
                assert_true(intended <= now);
                if (got < cap)
                    out[got] = intended;
                got++;
                arrival_slot_user_free(&slots[k], now, false, &intended);   /* done at once */
            }
    }
    return got;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_slots_share_the_timeline_exactly(void **state)
{
    struct arrival_config cfg = {.on = true, .rate = 10000, .max_users = 100};
    struct arrival_curve cv = constant(T0, 0, 10000);
    struct arrival_slot slots[3];
    static double times[40000];
    size_t n;

    (void)state;
    for (int k = 0; k < 3; k++) {
        arrival_slot_init(&slots[k], &cfg, 1.0 / 3, k / 3.0, 100, 0);
        arrival_slot_set_curve(&slots[k], &cv);
    }
    n = run_slots(slots, 3, T0, T0 + 1.99995, 0.001, times, 40000);
    assert_int_equal(n, 20000);                 /* 2 s at 10,000/s: none lost, none twice */
    qsort(times, n, sizeof *times, cmp_double);
    for (size_t i = 0; i < n; i++)
        assert_near(times[i], T0 + (double)i / 10000, 1e-6);
    for (int k = 0; k < 3; k++) {
        assert_true(slots[k].due >= 6666 && slots[k].due <= 6667);
        assert_int_equal(slots[k].dropped, 0);
        arrival_slot_free(&slots[k]);
    }
}

static void test_rate_change_mid_run_keeps_the_count(void **state)
{
    struct arrival_config cfg = {.on = true, .rate = 100, .max_users = 10};
    struct arrival_curve cv = constant(T0, 0, 100);
    struct arrival_slot s;
    static double times[2000];
    size_t n;

    (void)state;
    arrival_slot_init(&s, &cfg, 1, 0, 10, 0);
    arrival_slot_set_curve(&s, &cv);
    n = run_slots(&s, 1, T0, T0 + 5.0005, 0.001, times, 2000);
    assert_int_equal(n, 501);                   /* 0, 0.01, ..., 5.00 */
    /* the operator asks for 300/s at 5.0005: the count there is 500.05 */
    cv = constant(T0 + 5.0005, arrival_count_at(&cv, &cfg, T0 + 5.0005), 300);
    arrival_slot_set_curve(&s, &cv);
    n += run_slots(&s, 1, T0 + 5.0015, T0 + 7.0005, 0.001, times + n, 2000 - n);
    assert_int_equal(n, 501 + 600);
    assert_near(times[501], T0 + 5.0005 + 0.95 / 300, 1e-6);     /* arrival 501 */
    for (size_t i = 502; i < n; i++)
        assert_near(times[i] - times[i - 1], 1.0 / 300, 1e-6);
    /* a pause is a curve of rate 0: nothing comes due, the count stays */
    cv = constant(T0 + 7.0005, arrival_count_at(&cv, &cfg, T0 + 7.0005), 0);
    arrival_slot_set_curve(&s, &cv);
    assert_int_equal(run_slots(&s, 1, T0 + 7.001, T0 + 9, 0.01, times, 0), 0);
    assert_true(isinf(arrival_slot_next(&s)));
    arrival_slot_free(&s);
}

static void test_late_joining_slot_starts_where_the_curve_is(void **state)
{
    struct arrival_config cfg = {.on = true, .rate = 10, .max_users = 10};
    struct arrival_curve cv = constant(T0 + 100, 1000, 10);
    struct arrival_slot s;

    (void)state;
    arrival_slot_init(&s, &cfg, 0.5, 0.5, 10, 0);
    arrival_slot_set_curve(&s, &cv);
    assert_int_equal(s.next, 500);              /* count (500 + 0.5) / 0.5 = 1001 */
    assert_near(arrival_slot_next(&s), T0 + 100.1, 1e-9);
    arrival_slot_free(&s);
}

/* ---- the pool --------------------------------------------------------------------------- */

static enum arrival_action take_at(struct arrival_slot *s, double now, double *intended)
{
    enum arrival_action a = 0;

    if (!arrival_slot_take(s, now, intended, &a))
        fail_msg("nothing due at %.3f", now - T0);
    return a;
}

static void test_pool_grows_then_drops_when_exhausted(void **state)
{
    struct arrival_config cfg = {.on = true, .rate = 10, .max_users = 2};
    struct arrival_curve cv = constant(T0, 0, 10);
    struct arrival_slot s;
    double t;

    (void)state;
    arrival_slot_init(&s, &cfg, 1, 0, 2, 0);
    arrival_slot_set_curve(&s, &cv);
    assert_int_equal(take_at(&s, T0, &t), ARRIVAL_SPAWN);
    assert_int_equal(take_at(&s, T0 + 0.1, &t), ARRIVAL_SPAWN);
    assert_int_equal(arrival_slot_busy(&s), 2);
    assert_int_equal(take_at(&s, T0 + 0.2, &t), ARRIVAL_DROP);      /* both busy, at max */
    assert_near(t, T0 + 0.2, 1e-9);
    assert_false(arrival_slot_user_free(&s, T0 + 0.25, false, &t));  /* one is done: idle */
    assert_int_equal(take_at(&s, T0 + 0.3, &t), ARRIVAL_START);
    assert_false(arrival_slot_take(&s, T0 + 0.35, &t, &(enum arrival_action){0}));
    assert_int_equal(s.due, 4);
    assert_int_equal(s.started, 3);
    assert_int_equal(s.dropped, 1);
    /* a user that cannot be created: its arrival is dropped, the place given back */
    assert_false(arrival_slot_user_free(&s, T0 + 0.35, false, &t));
    assert_false(arrival_slot_user_free(&s, T0 + 0.35, false, &t));
    arrival_slot_user_gone(&s, ARRIVAL_USER_IDLE);
    assert_int_equal(take_at(&s, T0 + 0.4, &t), ARRIVAL_START);
    assert_int_equal(take_at(&s, T0 + 0.5, &t), ARRIVAL_SPAWN);
    arrival_slot_spawn_failed(&s);
    assert_int_equal(s.users, 1);
    assert_int_equal(s.dropped, 2);
    assert_int_equal(s.started, 4);
    arrival_slot_free(&s);
}

static void test_preallocated_users_take_arrivals_while_starting(void **state)
{
    struct arrival_config cfg = {.on = true, .rate = 100, .pre_allocated = 2, .max_users = 3};
    struct arrival_curve cv = constant(T0, 0, 100);
    struct arrival_slot s;
    double t;

    (void)state;
    arrival_slot_init(&s, &cfg, 1, 0, 3, 0);
    assert_int_equal(arrival_slot_preallocate(&s, 5), 3);   /* the bound holds */
    arrival_slot_user_gone(&s, ARRIVAL_USER_STARTING);
    assert_int_equal(s.users, 2);
    arrival_slot_set_curve(&s, &cv);
    assert_int_equal(take_at(&s, T0, &t), ARRIVAL_ASSIGN);
    assert_int_equal(take_at(&s, T0 + 0.01, &t), ARRIVAL_ASSIGN);
    assert_int_equal(take_at(&s, T0 + 0.02, &t), ARRIVAL_SPAWN);
    assert_int_equal(take_at(&s, T0 + 0.03, &t), ARRIVAL_DROP);
    assert_int_equal(arrival_slot_busy(&s), 3);
    arrival_slot_free(&s);
}

static void test_waiting_arrivals_run_late_or_expire(void **state)
{
    struct arrival_config cfg = {.on = true, .rate = 10, .max_users = 1, .max_delay = 0.5};
    struct arrival_curve cv = constant(T0, 0, 10);
    struct arrival_slot s;
    double t;

    (void)state;
    arrival_slot_init(&s, &cfg, 1, 0, 1, 0.5);
    arrival_slot_set_curve(&s, &cv);
    assert_int_equal(take_at(&s, T0, &t), ARRIVAL_SPAWN);           /* the stall begins */
    for (int k = 1; k <= 5; k++)
        assert_int_equal(take_at(&s, T0 + k / 10.0, &t), ARRIVAL_WAIT);
    /* the user is free at 0.55: arrival 1 (due 0.1) has waited 0.45 s: it runs, late */
    assert_true(arrival_slot_user_free(&s, T0 + 0.55, false, &t));
    assert_near(t, T0 + 0.1, 1e-9);
    /* at 0.75, arrivals 2 (0.2) waited 0.55 s: dropped; 3 (0.3) is next */
    assert_true(arrival_slot_user_free(&s, T0 + 0.75, false, &t));
    assert_near(t, T0 + 0.3, 1e-9);
    assert_int_equal(s.dropped, 1);
    /* a late arrival finding the line: it waits behind; at the end, the rest are dropped */
    assert_int_equal(take_at(&s, T0 + 0.75, &t), ARRIVAL_WAIT);     /* due 0.6 */
    assert_int_equal(arrival_slot_expire(&s, INFINITY), 3);         /* 0.4, 0.5, 0.6 */
    assert_int_equal(s.dropped, 4);
    assert_int_equal(s.started, 3);
    arrival_slot_free(&s);
}

static void test_waiting_line_grows_and_keeps_its_order(void **state)
{
    struct arrival_config cfg = {.on = true, .rate = 1000, .max_users = 1, .max_delay = 100};
    struct arrival_curve cv = constant(T0, 0, 1000);
    struct arrival_slot s;
    double t;

    (void)state;
    arrival_slot_init(&s, &cfg, 1, 0, 1, 100);
    arrival_slot_set_curve(&s, &cv);
    assert_int_equal(take_at(&s, T0, &t), ARRIVAL_SPAWN);
    for (int k = 1; k <= 300; k++) {                     /* past the ring's first size */
        assert_int_equal(take_at(&s, T0 + 1, &t), ARRIVAL_WAIT);
        if (k % 7 == 0) {                               /* interleave pops and pushes */
            assert_true(arrival_slot_user_free(&s, T0 + 1, false, &t));
            assert_near(t, T0 + (k / 7) / 1000.0, 1e-9);
        }
    }
    assert_int_equal(s.wait_n, 300 - 300 / 7);
    /* the only user leaves: the oldest waiting arrival gets a new user */
    arrival_slot_user_gone(&s, ARRIVAL_USER_BUSY);
    assert_int_equal(take_at(&s, T0 + 1, &t), ARRIVAL_SPAWN);
    assert_near(t, T0 + (300 / 7 + 1) / 1000.0, 1e-9);
    arrival_slot_free(&s);
}

/* The line of waiting arrivals is bounded: at 2^24 (128 MB of a slot's), the next is dropped
 * whatever max_delay allows. */
static void test_waiting_line_is_bounded(void **state)
{
    struct arrival_config cfg = {.on = true, .rate = 1e6, .max_users = 1, .max_delay = 1e9};
    struct arrival_curve cv = constant(T0, 0, 1e6);
    struct arrival_slot s;
    enum arrival_action a = 0;
    uint32_t waiting = 0;
    double t;

    (void)state;
    arrival_slot_init(&s, &cfg, 1, 0, 1, 1e9);
    arrival_slot_set_curve(&s, &cv);
    assert_int_equal(take_at(&s, T0, &t), ARRIVAL_SPAWN);
    while (arrival_slot_take(&s, T0 + 20, &t, &a) && a == ARRIVAL_WAIT)
        waiting++;
    assert_int_equal(a, ARRIVAL_DROP);
    assert_int_equal(waiting, 1u << 24);
    assert_int_equal(s.wait_n, 1u << 24);
    assert_int_equal(s.dropped, 1);
    arrival_slot_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constant_rate_times),
        cmocka_unit_test(test_stages_rate_count_and_inverse),
        cmocka_unit_test(test_start_rate_and_a_curve_resumed_mid_stage),
        cmocka_unit_test(test_slots_share_the_timeline_exactly),
        cmocka_unit_test(test_rate_change_mid_run_keeps_the_count),
        cmocka_unit_test(test_late_joining_slot_starts_where_the_curve_is),
        cmocka_unit_test(test_pool_grows_then_drops_when_exhausted),
        cmocka_unit_test(test_preallocated_users_take_arrivals_while_starting),
        cmocka_unit_test(test_waiting_arrivals_run_late_or_expire),
        cmocka_unit_test(test_waiting_line_grows_and_keeps_its_order),
        cmocka_unit_test(test_waiting_line_is_bounded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
