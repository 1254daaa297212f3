/* test_junit: the JUnit XML of a run's verdicts: one case per target with the value, bound and
 * window in its message; failures, skips and errors (an aborted or broken run) where the
 * verdict says; no failure and no error exactly when verdict_passed passes; several suites in
 * one document; text escaped; every document valid against the schema CI systems accept
 * (tests/fixtures/junit/junit.xsd, checked by xmllint from libxml2-utils), and that schema
 * refusing what they refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "junit_internal.h"
#include "verdict.h"

#define XSD "tests/fixtures/junit/junit.xsd"

static char dir[] = "/tmp/hornet-junit.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct snapshot *run_with_targets(void)
{
    struct snapshot *s = calloc(1, sizeof *s);

    assert_non_null(s);
    snprintf(s->scenario, sizeof s->scenario, "Concurrent deployments");
    snprintf(s->host, sizeof s->host, "http://127.0.0.1:8000");
    s->run_start = 1796078939.0;
    s->end_time = s->now = s->run_start + 30.5;
    s->finished = true;
    s->state = RUN_STOPPED;
    s->total.requests = 1000;
    s->n_targets = 3;
    s->targets[0] = (struct snap_target){.text = "p99 < 500 ms", .endpoint = "GET /api/x/",
        .window = "run", .metric = TARGET_PERCENTILE, .lo = -INFINITY, .hi = 500,
        .has_data = true, .value = 612, .status = TARGET_FAIL,
        .detail = "612 ms > 500 ms (+22%)"};
    s->targets[1] = (struct snap_target){.text = "success rate >= 99%", .window = "steady",
        .metric = TARGET_SUCCESS_RATE, .lo = 0.99, .hi = INFINITY, .has_data = true,
        .value = 0.995, .status = TARGET_PASS};
    s->targets[2] = (struct snap_target){.text = "rps 50..100", .window = "last 60s",
        .metric = TARGET_RPS, .lo = 50, .hi = 100, .status = TARGET_SKIPPED,
        .detail = "not judged: the load differs from the scenario's"};
    return s;
}

static char *render(const struct junit_suite *suites, size_t n)
{
    struct strbuf b = {0};

    assert_int_equal(junit_render(suites, n, &b), 0);
    return b.data;
}

/* xmllint's verdict on text against the schema: true when it validates. */
static bool schema_valid(const char *text)
{
    char path[64], cmd[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/doc.xml", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "xmllint --noout --schema %s %s 2>/dev/null", XSD, path);
    return system(cmd) == 0;
}

static void test_a_case_per_target_and_the_runs_own(void **state)
{
    struct snapshot *s = run_with_targets();
    struct junit_suite suite;
    char *xml;

    (void)state;
    junit_suite_init(&suite, s->scenario, s->run_start, 30.5);
    assert_int_equal(junit_add_run(&suite, s), 0);
    assert_int_equal(suite.n_cases, 4);        /* 3 targets; a rate target covers failures */
    assert_int_equal(suite.cases[0].outcome, JUNIT_FAILURE);
    assert_string_equal(suite.cases[0].name, "GET /api/x/: p99 < 500 ms");
    assert_string_equal(suite.cases[0].message, "p99 < 500 ms: measured 612 ms over the run "
                        "window, bound upper 500 ms (FAIL: 612 ms > 500 ms (+22%))");
    assert_int_equal(suite.cases[1].outcome, JUNIT_PASSED);
    assert_int_equal(suite.cases[2].outcome, JUNIT_SKIPPED);
    assert_int_equal(suite.cases[3].outcome, JUNIT_PASSED);
    assert_string_equal(suite.cases[3].name, "run completed");
    xml = render(&suite, 1);
    assert_non_null(strstr(xml, "<testsuite name=\"Concurrent deployments\" tests=\"4\" "
                                "failures=\"1\" errors=\"0\" skipped=\"1\" time=\"30.500\" "
                                "timestamp=\"2026-11-30T22:48:59\""));
    assert_non_null(strstr(xml, "<failure message=\"p99 &lt; 500 ms: measured 612 ms over the "
                                "run window, bound upper 500 ms"));
    assert_non_null(strstr(xml, "classname=\"Concurrent deployments.targets\""));
    assert_non_null(strstr(xml, "<property name=\"passed\" value=\"false\"/>"));
    assert_true(schema_valid(xml));
    free(xml);
    junit_suite_free(&suite);
    free(s);
}

/* Aborted and broken runs are errors, not failures: nothing could judge them to the end. */
static void test_aborted_and_fatal_runs_are_errors(void **state)
{
    struct snapshot *s = run_with_targets();
    struct junit_suite suite;
    char *xml;

    (void)state;
    s->aborted = true;
    snprintf(s->abort_reason, sizeof s->abort_reason, "Target failed: p99 < 500 ms");
    junit_suite_init(&suite, s->scenario, s->run_start, 30.5);
    assert_int_equal(junit_add_run(&suite, s), 0);
    assert_int_equal(suite.cases[suite.n_cases - 1].outcome, JUNIT_ERROR);
    xml = render(&suite, 1);
    assert_non_null(strstr(xml, "<error message=\"aborted: Target failed: p99 &lt; 500 ms\" "
                                "type=\"aborted\">"));
    assert_true(schema_valid(xml));
    free(xml);
    junit_suite_free(&suite);
    s->aborted = false;
    snprintf(s->fatal, sizeof s->fatal, "worker 0: curl_multi_socket_action failed");
    junit_suite_init(&suite, s->scenario, s->run_start, 30.5);
    assert_int_equal(junit_add_run(&suite, s), 0);
    assert_string_equal(suite.cases[suite.n_cases - 1].type, "engine error");
    junit_suite_free(&suite);
    free(s);
}

static size_t bad_cases(const struct junit_suite *suite)
{
    size_t n = 0;

    for (size_t i = 0; i < suite->n_cases; i++)
        n += suite->cases[i].outcome == JUNIT_FAILURE || suite->cases[i].outcome == JUNIT_ERROR;
    return n;
}

/* The suite fails exactly when the run fails, whatever makes it fail. */
static void test_the_suite_fails_exactly_when_the_run_does(void **state)
{
    (void)state;
    for (int variant = 0; variant < 10; variant++) {
        struct snapshot *s = run_with_targets();
        struct junit_suite suite;

        s->targets[0].status = TARGET_PASS;
        if (variant == 1)
            s->targets[0].status = TARGET_FAIL;
        if (variant == 2)
            s->targets[0].status = TARGET_PENDING;      /* no data by the end */
        if (variant == 3)
            s->aborted = true;
        if (variant >= 4 && variant <= 6) {
            s->n_targets = variant == 6 ? 1 : 0;        /* no rate target: failures judge */
            s->total.failures = variant == 4 ? 0 : 3;
        }
        if (variant >= 7) {                             /* a backend-health limit */
            s->health.n_sources = s->health.n_metrics = 1;
            s->health.metrics[0] = (struct snap_health_metric){.name = "DB pool",
                .has_limit = true, .limit = "< 100",
                .status = variant == 7 ? TARGET_PASS : variant == 8 ? TARGET_FAIL
                                                                    : TARGET_PENDING};
        }
        junit_suite_init(&suite, "s", 1.0, 1.0);
        assert_int_equal(junit_add_run(&suite, s), 0);
        assert_int_equal(bad_cases(&suite) == 0, verdict_passed(s));
        junit_suite_free(&suite);
        free(s);
    }
}

/* A backend-health limit is a case of its own class, judged as a target. */
static void test_health_limits_are_cases(void **state)
{
    struct snapshot *s = run_with_targets();
    struct junit_suite suite;
    char *xml;

    (void)state;
    s->health.n_sources = 1;
    s->health.n_metrics = 2;
    snprintf(s->health.sources[0].name, sizeof s->health.sources[0].name, "api");
    snprintf(s->health.sources[0].where, sizeof s->health.sources[0].where,
             "http://127.0.0.1:8000/metrics");
    s->health.metrics[0] = (struct snap_health_metric){.name = "Celery workers",
        .unit = "workers", .has_limit = true, .limit = "> 0", .status = TARGET_FAIL,
        .has_value = true, .value = 0, .min = 0, .max = 4, .samples = 10,
        .detail = "was 0 at +1:30 (limit > 0)"};
    s->health.metrics[1] = (struct snap_health_metric){.name = "Redis clients",
        .has_value = true, .value = 6, .samples = 10};          /* no limit: no case */
    junit_suite_init(&suite, s->scenario, s->run_start, 30.5);
    assert_int_equal(junit_add_run(&suite, s), 0);
    assert_int_equal(suite.n_cases, 5);
    assert_int_equal(suite.cases[3].outcome, JUNIT_FAILURE);
    assert_string_equal(suite.cases[3].name, "api: Celery workers > 0");
    assert_string_equal(suite.cases[3].classname, "Concurrent deployments.health");
    assert_string_equal(suite.cases[3].message, "Celery workers > 0: was 0 at +1:30 (limit > "
                        "0) (FAIL)");
    assert_non_null(strstr(suite.cases[3].text, "last: 0\nmin: 0\nmax: 4\n"));
    xml = render(&suite, 1);
    assert_true(schema_valid(xml));
    free(xml);
    junit_suite_free(&suite);
    free(s);
}

/* A campaign writes one suite per scenario into one document, with the totals on top. */
static void test_several_suites_in_one_document(void **state)
{
    struct snapshot *s = run_with_targets();
    struct junit_suite suites[2];
    struct junit_case extra = {.name = "database pool waiting <= 10", .outcome = JUNIT_FAILURE,
                               .classname = "Concurrent deployments.health", .type = "limit",
                               .message = "waiting 42 > 10 over the last 60s"};
    char *xml, path[80], err[256];

    (void)state;
    junit_suite_init(&suites[0], "first", s->run_start, 1);
    junit_suite_init(&suites[1], "second", s->run_start + 60, 2);
    assert_int_equal(junit_add_run(&suites[0], s), 0);
    assert_int_equal(junit_add_run(&suites[1], s), 0);
    assert_int_equal(junit_suite_add(&suites[1], &extra), 0);      /* another kind of check */
    xml = render(suites, 2);
    assert_non_null(strstr(xml, "<testsuites name=\"hornet\" tests=\"9\" failures=\"3\" "
                                "errors=\"0\" skipped=\"2\" time=\"3.000\">"));
    assert_non_null(strstr(xml, "id=\"1\""));
    assert_true(schema_valid(xml));
    snprintf(path, sizeof path, "%s/deep/er/junit.xml", dir);
    assert_int_equal(junit_write_file(path, suites, 2, err, sizeof err), 0);
    assert_int_equal(access(path, R_OK), 0);
    assert_int_equal(junit_write_file("/proc/none/junit.xml", suites, 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "/proc/none"));
    free(xml);
    junit_suite_free(&suites[0]);
    junit_suite_free(&suites[1]);
    free(s);
}

/* Markup, quotes, control characters and broken UTF-8 in names and messages stay valid XML. */
static void test_text_is_escaped(void **state)
{
    struct junit_suite suite;
    struct junit_case c = {.name = "GET /x?a=1&b=\"2\" <3> caf\xc3\xa9", .type = "t",
                           .message = "bad \x01 byte \xff\xfe and 'quotes'\nnext line",
                           .text = "body & <tag> \x1b[0m", .outcome = JUNIT_FAILURE};
    char *xml;

    (void)state;
    junit_suite_init(&suite, "s & <t>", 0, 0);
    assert_int_equal(junit_suite_add(&suite, &c), 0);
    xml = render(&suite, 1);
    assert_non_null(strstr(xml, "name=\"GET /x?a=1&amp;b=&quot;2&quot; &lt;3&gt; caf\xc3\xa9\""));
    assert_non_null(strstr(xml, "message=\"bad ? byte ?? and &apos;quotes&apos;&#10;next line\""));
    assert_non_null(strstr(xml, ">body &amp; &lt;tag&gt; ?[0m</failure>"));
    assert_non_null(strstr(xml, "<testsuite name=\"s &amp; &lt;t&gt;\""));
    assert_null(strstr(xml, "timestamp="));                     /* no start time: none */
    assert_true(schema_valid(xml));
    free(xml);
    junit_suite_free(&suite);
}

/* The schema is not vacuous: it refuses what CI systems refuse. */
static void test_the_schema_refuses_broken_reports(void **state)
{
    (void)state;
    assert_true(schema_valid("<testsuites><testsuite name=\"a\" tests=\"1\"><testcase "
                             "name=\"c\"/></testsuite></testsuites>"));
    assert_false(schema_valid("<testsuites><testsuite tests=\"1\"/></testsuites>"));
    assert_false(schema_valid("<testsuites><testsuite name=\"a\" tests=\"x\"/></testsuites>"));
    assert_false(schema_valid("<testsuites><testsuite name=\"a\" tests=\"1\"><testcase "
                              "name=\"c\"><failure/><error/></testcase></testsuite>"
                              "</testsuites>"));
    assert_false(schema_valid("<testsuite name=\"a\" tests=\"1\" timestamp=\"yesterday\"/>"));
    assert_false(schema_valid("<results/>"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_case_per_target_and_the_runs_own),
        cmocka_unit_test(test_aborted_and_fatal_runs_are_errors),
        cmocka_unit_test(test_the_suite_fails_exactly_when_the_run_does),
        cmocka_unit_test(test_health_limits_are_cases),
        cmocka_unit_test(test_several_suites_in_one_document),
        cmocka_unit_test(test_text_is_escaped),
        cmocka_unit_test(test_the_schema_refuses_broken_reports),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
