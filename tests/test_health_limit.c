/* Tests of health_limit: the limit texts, and the verdict of samples over time (a fake clock,
 * in milliseconds). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "health_limit.h"

static struct health_limit parse_ok(const char *text, const char *unit, char *ref)
{
    struct health_limit l;
    char err[256], buf[HEALTH_LIMIT_REF_MAX + 1];
    size_t col = 99;

    if (health_limit_parse(text, unit, &l, ref ? ref : buf, sizeof buf, err, sizeof err,
                           &col) < 0)
        fail_msg("%s: %s at %zu", text, err, col);
    return l;
}

static void parse_bad(const char *text, const char *unit, size_t want_col, const char *want)
{
    struct health_limit l;
    char err[256], ref[HEALTH_LIMIT_REF_MAX + 1];
    size_t col = 999;

    assert_int_equal(health_limit_parse(text, unit, &l, ref, sizeof ref, err, sizeof err, &col),
                     -1);
    assert_int_equal(col, want_col);
    assert_string_equal(err, want);
}

static void test_parse_bounds(void **state)
{
    struct health_limit l;
    char ref[HEALTH_LIMIT_REF_MAX + 1];

    (void)state;
    l = parse_ok("< 100", "connections", NULL);
    assert_int_equal(l.kind, HEALTH_LIMIT_BOUND);
    assert_int_equal(l.op, HEALTH_OP_LT);
    assert_true(l.amount == 100 && l.ref == -1 && l.hold == 0);
    l = parse_ok("<=350 MB", "bytes", NULL);
    assert_int_equal(l.op, HEALTH_OP_LE);
    assert_true(l.amount == 350e6);
    l = parse_ok(" > 0", "workers", NULL);
    assert_int_equal(l.op, HEALTH_OP_GT);
    assert_true(l.amount == 0);
    assert_int_equal(parse_ok(">= 2", "", NULL).op, HEALTH_OP_GE);
    assert_int_equal(parse_ok("== 1", "", NULL).op, HEALTH_OP_EQ);
    assert_int_equal(parse_ok("!= 0", "", NULL).op, HEALTH_OP_NE);
    assert_true(parse_ok("< 80%", "%", NULL).amount == 80);
    l = parse_ok("< 80% of DB pool size", "connections", ref);
    assert_string_equal(ref, "DB pool size");
    assert_true(fabs(l.amount - 0.8) < 1e-12);
    assert_int_equal(l.ref, -1);                    /* the caller resolves the name */
    parse_ok("< 100", "", ref);
    assert_string_equal(ref, "");
}

static void test_parse_growth(void **state)
{
    struct health_limit l;

    (void)state;
    l = parse_ok("no growth for 60s", "tasks", NULL);
    assert_int_equal(l.kind, HEALTH_LIMIT_GROWTH);
    assert_true(l.window == 60 && l.tolerance == 0);
    l = parse_ok("no growth > 10 MB for 5m", "bytes", NULL);
    assert_true(l.window == 300 && l.tolerance == 10e6);
    l = parse_ok("no growth for 1m30s", "", NULL);
    assert_true(l.window == 90);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_bad("100", "", 0, "expected a limit such as \"< 100\", \"<= 350 MB\", \"< 80% of "
              "METRIC\" or \"no growth for 60s\"");
    parse_bad("< lots", "", 2, "expected a number after <");
    parse_bad("<= 350 XB", "bytes", 3, "expected a size such as \"350 MB\", \"1.5 GiB\" or "
              "4096 (bytes) after <=");
    parse_bad("< 80 of pool", "", 2, "expected a percentage such as \"80%\" before \"of\"");
    parse_bad("< 80% of ", "", 9, "expected the name of another metric after \"of\"");
    parse_bad("no growth", "", 9, "expected \"for DURATION\" after \"no growth\", e.g. \"no "
              "growth for 60s\"");
    parse_bad("no growth for soon", "", 14, "expected a duration of 1 s to 1 h after \"for\", "
              "such as \"60s\" or \"5m\"");
    parse_bad("no growth for 2h", "", 14, "expected a duration of 1 s to 1 h after \"for\", "
              "such as \"60s\" or \"5m\"");
    parse_bad("no growth > x for 60s", "", 12, "expected a number after \"no growth >\"");
    parse_bad("no growth at all for 60s", "", 10, "expected \"for\" or \"> AMOUNT for\" after "
              "\"no growth\"");
}

/* ---- judging: times in seconds written as milliseconds ---------------------------------- */

#define MS(x) ((double)(x) / 1000.0)

static void judge(struct health_judge *j, const char *text, const char *unit, double interval)
{
    struct health_limit l = parse_ok(text, unit, NULL);

    assert_int_equal(health_judge_init(j, &l, interval), 0);
}

static enum target_status status(const struct health_judge *j, const char *unit, char *detail)
{
    return health_judge_status(j, unit, 1000.0, detail, 128);
}

static void test_bound(void **state)
{
    struct health_judge j;
    char d[128];

    (void)state;
    judge(&j, "< 100", "connections", 1);
    assert_int_equal(status(&j, "", d), TARGET_PENDING);
    assert_string_equal(d, "no data yet");
    health_judge_sample(&j, 1000.0 + MS(1000), 40, NAN);
    assert_int_equal(status(&j, "", d), TARGET_PASS);
    assert_string_equal(d, "peak 40 (40% of the limit)");
    health_judge_sample(&j, 1000.0 + MS(2000), NAN, NAN);      /* a failed poll: nothing */
    health_judge_sample(&j, 1000.0 + MS(3000), 95, NAN);
    assert_int_equal(status(&j, "", d), TARGET_AT_RISK);
    assert_string_equal(d, "peak 95 (95% of the limit)");
    health_judge_sample(&j, 1000.0 + MS(83500), 100, NAN);
    assert_int_equal(status(&j, "", d), TARGET_FAIL);
    assert_string_equal(d, "reached 100 at +1:23 (limit < 100)");
    health_judge_sample(&j, 1000.0 + MS(90000), 10, NAN);      /* a failure stays */
    assert_int_equal(status(&j, "", d), TARGET_FAIL);
    health_judge_free(&j);
}

static void test_lower_bound(void **state)
{
    struct health_judge j;
    char d[128];

    (void)state;
    judge(&j, "> 0", "workers", 2);
    health_judge_sample(&j, 1000.0 + MS(2000), 4, NAN);
    assert_int_equal(status(&j, "", d), TARGET_PASS);
    assert_string_equal(d, "lowest 4");
    health_judge_sample(&j, 1000.0 + MS(4000), 1, NAN);        /* no risk margin around 0 */
    assert_int_equal(status(&j, "", d), TARGET_PASS);
    health_judge_sample(&j, 1000.0 + MS(6001), 0, NAN);
    assert_int_equal(status(&j, "", d), TARGET_FAIL);
    assert_string_equal(d, "was 0 at +0:06 (limit > 0)");
    health_judge_free(&j);
}

static void test_hold(void **state)
{
    struct health_judge j;
    struct health_limit l = parse_ok("< 350 MB", "bytes", NULL);
    char d[128];

    (void)state;
    l.hold = 10;
    assert_int_equal(health_judge_init(&j, &l, 1), 0);
    health_judge_sample(&j, 1000.0 + MS(1000), 400e6, NAN);
    assert_int_equal(status(&j, "bytes", d), TARGET_AT_RISK);
    assert_string_equal(d, "400 MB for 0 s (fails after 10 s)");
    health_judge_sample(&j, 1000.0 + MS(10999), 420e6, NAN);
    assert_int_equal(status(&j, "bytes", d), TARGET_AT_RISK);
    health_judge_sample(&j, 1000.0 + MS(11500), 300e6, NAN);   /* back under: the clock resets */
    health_judge_sample(&j, 1000.0 + MS(12000), 360e6, NAN);
    health_judge_sample(&j, 1000.0 + MS(21999), 380e6, NAN);
    assert_int_equal(status(&j, "bytes", d), TARGET_AT_RISK);
    health_judge_sample(&j, 1000.0 + MS(22000), 370e6, NAN);
    assert_int_equal(status(&j, "bytes", d), TARGET_FAIL);
    assert_string_equal(d, "reached 380 MB at +0:12 (limit < 350 MB)");
    health_judge_free(&j);
}

static void test_share_of_other(void **state)
{
    struct health_judge j;
    struct health_limit l = parse_ok("< 80% of pool", "", NULL);
    char d[128];

    (void)state;
    l.ref = 3;
    assert_int_equal(health_judge_init(&j, &l, 1), 0);
    health_judge_sample(&j, 1001.0, 70, NAN);                 /* no pool size yet: unjudged */
    assert_int_equal(status(&j, "", d), TARGET_PENDING);
    health_judge_sample(&j, 1002.0, 70, 100);
    assert_int_equal(status(&j, "", d), TARGET_PASS);
    assert_string_equal(d, "peak 70 (88% of the limit)");
    health_judge_sample(&j, 1002.5, 73, 100);
    assert_int_equal(status(&j, "", d), TARGET_AT_RISK);
    assert_string_equal(d, "peak 73 (91% of the limit)");
    health_judge_sample(&j, 1003.0, 73, 200);                 /* the pool grew: far from it */
    assert_int_equal(status(&j, "", d), TARGET_AT_RISK);      /* the nearest stays */
    health_judge_sample(&j, 1004.0, 41, 50);
    assert_int_equal(status(&j, "", d), TARGET_FAIL);
    assert_string_equal(d, "reached 41 at +0:04 (limit < 40)");
    health_judge_free(&j);
}

static void test_equality(void **state)
{
    struct health_judge j;
    char d[128];

    (void)state;
    judge(&j, "== 1", "", 1);
    health_judge_sample(&j, 1001.0, 1, NAN);
    assert_int_equal(status(&j, "", d), TARGET_PASS);
    assert_string_equal(d, "1");
    health_judge_sample(&j, 1002.0, 0, NAN);
    assert_int_equal(status(&j, "", d), TARGET_FAIL);
    assert_string_equal(d, "was 0 at +0:02 (limit == 1)");
    health_judge_free(&j);
}

/* A queue sampled every 2 s that only grows fails once it has stayed above its level of 60 s
 * before for all of those 60 s; half-way it is at risk. */
static void test_growth_fails(void **state)
{
    struct health_judge j;
    char d[128];
    int ms;

    (void)state;
    judge(&j, "no growth for 60s", "tasks", 2);
    for (ms = 0; ms <= 30000; ms += 2000)
        health_judge_sample(&j, 1000.0 + MS(ms), ms / 100, NAN);
    assert_int_equal(status(&j, "", d), TARGET_AT_RISK);
    assert_string_equal(d, "growing for 30 s (0 to 300)");
    for (; ms < 60000; ms += 2000)
        health_judge_sample(&j, 1000.0 + MS(ms), ms / 100, NAN);
    assert_int_equal(status(&j, "", d), TARGET_AT_RISK);
    health_judge_sample(&j, 1000.0 + MS(60000), 600, NAN);
    assert_int_equal(status(&j, "", d), TARGET_FAIL);
    assert_string_equal(d, "grew from 0 to 600 over 60 s, until +1:00");
    health_judge_free(&j);
}

/* A queue that comes back to its level now and then never fails, however long it runs; a
 * steady non-zero level does not grow either. */
static void test_growth_passes(void **state)
{
    struct health_judge j;
    char d[128];

    (void)state;
    judge(&j, "no growth for 60s", "tasks", 1);
    for (int ms = 0; ms <= 600000; ms += 1000)
        health_judge_sample(&j, 1000.0 + MS(ms), (ms / 1000) % 50, NAN);   /* saw-tooth */
    assert_int_equal(status(&j, "", d), TARGET_PASS);
    health_judge_free(&j);
    judge(&j, "no growth for 60s", "tasks", 1);
    for (int ms = 0; ms <= 300000; ms += 1000)
        health_judge_sample(&j, 1000.0 + MS(ms), 17, NAN);
    assert_int_equal(status(&j, "", d), TARGET_PASS);
    assert_string_equal(d, "not growing (now 17)");
    health_judge_free(&j);
}

/* With a tolerance, noise above the starting level does not count as growth. */
static void test_growth_tolerance(void **state)
{
    struct health_judge j;
    char d[128];

    (void)state;
    judge(&j, "no growth > 10 MB for 60s", "bytes", 1);
    for (int ms = 0; ms <= 120000; ms += 1000)
        health_judge_sample(&j, 1000.0 + MS(ms), 300e6 + (ms % 7000) * 1000.0, NAN);
    assert_int_equal(status(&j, "bytes", d), TARGET_PASS);
    for (int ms = 121000; ms <= 200000; ms += 1000)          /* then a real leak */
        health_judge_sample(&j, 1000.0 + MS(ms), 300e6 + (ms - 120000) * 1000.0, NAN);
    assert_int_equal(status(&j, "bytes", d), TARGET_FAIL);
    health_judge_free(&j);
}

/* Polls faster than the interval the ring was sized for still cover the window. */
static void test_growth_fast_polls(void **state)
{
    struct health_judge j;
    char d[128];

    (void)state;
    judge(&j, "no growth for 10s", "", 2);
    for (int ms = 0; ms <= 10000; ms += 1000)
        health_judge_sample(&j, 1000.0 + MS(ms), ms, NAN);
    assert_int_equal(status(&j, "", d), TARGET_FAIL);
    health_judge_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_bounds),
        cmocka_unit_test(test_parse_growth),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_lower_bound),
        cmocka_unit_test(test_hold),
        cmocka_unit_test(test_share_of_other),
        cmocka_unit_test(test_equality),
        cmocka_unit_test(test_growth_fails),
        cmocka_unit_test(test_growth_passes),
        cmocka_unit_test(test_growth_tolerance),
        cmocka_unit_test(test_growth_fast_polls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
