/* Tests of the run's verdict (engine/verdict.c): counts by status, the verdict so far while
 * the run goes on (pending targets wait, at risk does not fail), the final verdict (pending
 * fails, unexpected failures fail without a rate target, an abort fails), and that for every
 * finished combination the dashboard's verdict agrees with the exit code's rule,
 * verdict_passed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "verdict.h"

static struct snapshot *snap_new(void)
{
    struct snapshot *s = calloc(1, sizeof *s);

    assert_non_null(s);
    s->seq = 1;
    s->total.requests = 1000;
    return s;
}

static void add_target(struct snapshot *s, uint8_t metric, uint8_t status)
{
    struct snap_target *t = &s->targets[s->n_targets++];

    snprintf(t->text, sizeof t->text, "target %u", s->n_targets);
    t->metric = metric;
    t->status = status;
    t->has_data = status != TARGET_PENDING;
}

static struct verdict of(const struct snapshot *s)
{
    struct verdict v;

    verdict_of(s, &v);
    return v;
}

static void counts_are(const struct snapshot *s, const char *want)
{
    struct verdict v = of(s);
    char text[256];

    verdict_counts(&v, text, sizeof text);
    assert_string_equal(text, want);
}

static void test_no_targets(void **state)
{
    struct snapshot *s = snap_new();

    (void)state;
    s->total.failures = 5;                          /* failures alone give no targets verdict */
    assert_int_equal(of(s).kind, VERDICT_NONE);
    assert_int_equal(of(s).n, 0);
    assert_string_equal(verdict_word(VERDICT_NONE), "");
    counts_are(s, "");
    free(s);
}

/* A run that completed no request does not pass, targets or not: requests aborted in flight
 * (a target that never answered) are not completed requests. */
static void test_nothing_completed_fails(void **state)
{
    struct snapshot *s = snap_new();

    (void)state;
    s->finished = true;
    assert_true(verdict_passed(s));
    s->total.requests = 0;
    s->total.aborted = 3;
    assert_false(verdict_passed(s));
    add_target(s, TARGET_SUCCESS_RATE, TARGET_PASS);     /* even a rate target allows none */
    assert_false(verdict_passed(s));
    s->total.requests = 1;
    assert_true(verdict_passed(s));
    free(s);
}

static void test_live_verdicts(void **state)
{
    struct snapshot *s = snap_new();

    (void)state;
    add_target(s, TARGET_PERCENTILE, TARGET_PASS);
    add_target(s, TARGET_SUCCESS_RATE, TARGET_PASS);
    assert_int_equal(of(s).kind, VERDICT_PASS);
    counts_are(s, "2 passing");
    add_target(s, TARGET_RPS, TARGET_PENDING);      /* waiting for the steady window */
    assert_int_equal(of(s).kind, VERDICT_PASS);
    assert_false(of(s).final);
    counts_are(s, "2 passing, 1 waiting for data");
    add_target(s, TARGET_AVERAGE, TARGET_SKIPPED);
    assert_int_equal(of(s).kind, VERDICT_PASS);
    add_target(s, TARGET_MEDIAN, TARGET_AT_RISK);
    assert_int_equal(of(s).kind, VERDICT_AT_RISK);
    counts_are(s, "1 at risk, 2 passing, 1 waiting for data, 1 not judged");
    add_target(s, TARGET_PERCENTILE, TARGET_FAIL);
    assert_int_equal(of(s).kind, VERDICT_FAIL);
    counts_are(s, "1 failing, 1 at risk, 2 passing, 1 waiting for data, 1 not judged");
    assert_int_equal(of(s).n, 6);
    assert_int_equal(of(s).pass + of(s).at_risk + of(s).fail + of(s).pending + of(s).skipped, 6);
    s->aborted = true;
    assert_int_equal(of(s).kind, VERDICT_ABORTED);
    assert_string_equal(verdict_word(VERDICT_ABORTED), "ABORTED");
    free(s);
}

static void test_final_verdicts(void **state)
{
    struct snapshot *s = snap_new();

    (void)state;
    add_target(s, TARGET_PERCENTILE, TARGET_PASS);
    add_target(s, TARGET_RPS, TARGET_PENDING);
    s->finished = true;                             /* no data at the end: it fails */
    assert_true(of(s).final);
    assert_int_equal(of(s).kind, VERDICT_FAIL);
    counts_are(s, "1 without data, 1 passing");
    assert_string_equal(verdict_status_word(TARGET_PENDING, true), "no data");
    assert_string_equal(verdict_status_word(TARGET_PENDING, false), "pending");
    s->targets[1].status = TARGET_AT_RISK;          /* at risk still meets the target */
    assert_int_equal(of(s).kind, VERDICT_AT_RISK);
    free(s);
}

static void test_failures_without_a_rate_target(void **state)
{
    struct snapshot *s = snap_new();

    (void)state;
    add_target(s, TARGET_PERCENTILE, TARGET_PASS);
    s->total.failures = 3;
    assert_int_equal(of(s).kind, VERDICT_FAIL);     /* nothing allows any failure */
    assert_true(of(s).failures_fail);
    add_target(s, TARGET_FAILURE_RATE, TARGET_PASS);
    assert_int_equal(of(s).kind, VERDICT_PASS);     /* the rate target allows them */
    assert_false(of(s).failures_fail);
    s->n_targets = 1;
    s->total.failures = 0;
    s->n_exceptions = 1;                            /* engine errors count too */
    assert_int_equal(of(s).kind, VERDICT_FAIL);
    free(s);
}

static void test_ranks_and_words(void **state)
{
    static const uint8_t worst_first[] = {TARGET_FAIL, TARGET_AT_RISK, TARGET_PENDING,
                                          TARGET_PASS, TARGET_SKIPPED};

    (void)state;
    for (size_t i = 1; i < sizeof worst_first; i++)
        assert_true(verdict_rank(worst_first[i - 1], false) >
                    verdict_rank(worst_first[i], false));
    assert_true(verdict_rank(TARGET_PENDING, true) > verdict_rank(TARGET_AT_RISK, true));
    assert_true(verdict_rank(TARGET_PENDING, true) < verdict_rank(TARGET_FAIL, true));
    assert_string_equal(verdict_status_word(TARGET_PASS, false), "pass");
    assert_string_equal(verdict_status_word(TARGET_AT_RISK, false), "at risk");
    assert_string_equal(verdict_status_word(TARGET_FAIL, true), "FAIL");
    assert_string_equal(verdict_status_word(TARGET_SKIPPED, false), "skipped");
    assert_string_equal(verdict_word(VERDICT_PASS), "PASS");
    assert_string_equal(verdict_word(VERDICT_AT_RISK), "AT RISK");
    assert_string_equal(verdict_word(VERDICT_FAIL), "FAIL");
}

/* Every finished combination of two targets' statuses, a rate target or not, failures or
 * not, aborted or not: the dashboard's final verdict is the exit code's. */
static void test_agrees_with_the_exit_code(void **state)
{
    static const uint8_t statuses[] = {TARGET_PENDING, TARGET_PASS, TARGET_AT_RISK,
                                       TARGET_FAIL, TARGET_SKIPPED};
    struct snapshot *s = snap_new();
    int checked = 0;

    (void)state;
    for (size_t a = 0; a < sizeof statuses; a++)
        for (size_t b = 0; b < sizeof statuses; b++)
            for (int bits = 0; bits < 8; bits++) {
                s->n_targets = 0;
                add_target(s, TARGET_PERCENTILE, statuses[a]);
                add_target(s, bits & 1 ? TARGET_SUCCESS_RATE : TARGET_RPS, statuses[b]);
                s->total.failures = bits & 2 ? 7 : 0;
                s->aborted = bits & 4;
                s->finished = true;
                struct verdict v = of(s);
                bool passed = v.kind == VERDICT_PASS || v.kind == VERDICT_AT_RISK;
                if (passed != verdict_passed(s))
                    fail_msg("statuses %u/%u bits %d: dashboard %s, verdict_passed %s",
                             statuses[a], statuses[b], bits, verdict_word(v.kind),
                             verdict_passed(s) ? "pass" : "fail");
                checked++;
            }
    assert_int_equal(checked, 5 * 5 * 8);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_targets),
        cmocka_unit_test(test_nothing_completed_fails),
        cmocka_unit_test(test_live_verdicts),
        cmocka_unit_test(test_final_verdicts),
        cmocka_unit_test(test_failures_without_a_rate_target),
        cmocka_unit_test(test_ranks_and_words),
        cmocka_unit_test(test_agrees_with_the_exit_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
