/* Tests of fixture_run against the built-in target on 127.0.0.1:0: setup's loops send what
 * they say (the target's own counts), captures land in the shared store, a preflight check
 * that fails names itself and what it got and stops, teardown goes on after a failure, the
 * statistics are the fixture's own, a stop flag ends a phase between requests, and preflight's
 * backend-health checks read the target's /metrics (a rate after two polls) and fail with the
 * value they got. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "fixture.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "target/target.h"
#include "target/target_internal.h"

struct fx {
    struct target *target;
    char host[64];
    struct scenario *s;
    struct user_var *vars;
    struct fixture_result *res;
    char events[4096];
    volatile sig_atomic_t stop;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct target_config tc;
    char err[256];

    target_config_defaults(&tc);
    target_config_no_latency(&tc);
    tc.port = 0;
    tc.quiet = true;
    if (!(f->target = target_start(&tc, err, sizeof err)))
        fail_msg("target_start: %s", err);
    snprintf(f->host, sizeof f->host, "http://127.0.0.1:%d", target_port(f->target));
    f->res = calloc(FIXTURE_PHASES, sizeof *f->res);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    for (uint32_t v = 0; f->s && f->vars && v < f->s->n_vars; v++)
        user_var_free(&f->vars[v]);
    free(f->vars);
    scenario_free(f->s);
    target_stop(f->target);
    free(f->res);
    free(f);
    return 0;
}

static void on_event(void *arg, enum event_level level, const char *text)
{
    struct fx *f = arg;
    size_t n = strlen(f->events);

    snprintf(f->events + n, sizeof f->events - n, "%d %s\n", (int)level, text);
}

/* A stop flag raised by the second event: the phase stops between requests. */
static void stop_on_event(void *arg, enum event_level level, const char *text)
{
    struct fx *f = arg;

    on_event(arg, level, text);
    f->stop = 1;
}

static void load(struct fx *f, const char *fixtures)
{
    char text[4096], err[512];

    snprintf(text, sizeof text, "{%s, \"user_classes\": [{\"name\": \"U\", \"tasks\": "
             "[{\"steps\": [{\"method\": \"GET\", \"path\": \"/api/v1/health/\"}]}]}]}", fixtures);
    if (scenario_load_string(text, "fx.json", &f->s, err, sizeof err) < 0)
        fail_msg("%s", err);
    f->vars = calloc(f->s->n_vars + 1, sizeof *f->vars);
}

static int run(struct fx *f, enum fixture_phase phase, fixture_event_fn event)
{
    struct fixture_env env = {f->s, f->host, 1, f->vars, &f->stop, event, f};

    return fixture_run(&env, phase, &f->res[phase]);
}

static const char *shared(const struct fx *f, const char *name)
{
    for (uint32_t v = 0; v < f->s->n_vars; v++)
        if (!strcmp(f->s->vars[v], name))
            return f->vars[v].set ? f->vars[v].value : NULL;
    return NULL;
}

#define LOGIN "{\"method\": \"POST\", \"path\": \"/api/v1/auth/token/\", \"json\": " \
              "{\"username\": \"cab_approver\", \"password\": \"loadtest\"}, " \
              "\"capture\": {\"tok\": \"token\"}}"

static void test_setup_and_preflight(void **state)
{
    struct fx *f = *state;

    load(f, "\"setup\": {\"headers\": {\"Authorization\": \"Token ${tok}\"}, \"steps\": [" LOGIN
         ", {\"repeat\": 25, \"steps\": [{\"method\": \"POST\", \"path\": \"/api/v1/deployments/\","
         " \"json\": {\"name\": \"n-${iteration}\"}, \"expect\": [201], \"capture\": {\"dep\": "
         "\"id\"}}]}]}, \"preflight\": {\"headers\": {\"Authorization\": \"Token ${tok}\"}, "
         "\"steps\": [{\"description\": \"25 pending\", \"method\": \"GET\", \"path\": "
         "\"/api/v1/cab/approvals/\", \"query\": {\"status\": \"pending\"}, \"checks\": "
         "[{\"json\": \"count\", \"at_least\": 25}]}]}");
    assert_int_equal(run(f, FIXTURE_SETUP, on_event), 0);
    assert_int_equal(f->res[FIXTURE_SETUP].status, FIXTURE_PASSED);
    assert_int_equal(target_count(f->target, ROUTE_DEPLOYMENT_CREATE, 201), 25);
    assert_int_equal(target_count(f->target, ROUTE_AUTH_TOKEN, 200), 1);
    assert_int_equal(f->res[FIXTURE_SETUP].requests, 26);
    assert_int_equal(f->res[FIXTURE_SETUP].n_stats, 2);
    assert_string_equal(f->res[FIXTURE_SETUP].stats[1].name, "/api/v1/deployments/");
    assert_int_equal(f->res[FIXTURE_SETUP].stats[1].requests, 25);
    assert_true(f->res[FIXTURE_SETUP].stats[1].median_us > 0 &&
                f->res[FIXTURE_SETUP].stats[1].p99_us <= f->res[FIXTURE_SETUP].stats[1].max_us);
    assert_non_null(shared(f, "tok"));
    assert_int_equal(strlen(shared(f, "dep")), 36);          /* the last one made: a UUID */
    assert_int_equal(run(f, FIXTURE_PREFLIGHT, on_event), 0);
    assert_non_null(strstr(f->events, "0 Preflight check \"25 pending\" passed\n"));
    assert_non_null(strstr(f->res[FIXTURE_SETUP].summary, "Setup passed: 26 requests in "));
    assert_null(strstr(f->events, "Setup passed"));     /* the caller's to put in the log */
}

static void test_preflight_failure_stops(void **state)
{
    struct fx *f = *state;

    load(f, "\"preflight\": {\"steps\": [{\"description\": \"lots pending\", \"method\": \"GET\", "
         "\"path\": \"/api/v1/health/\", \"checks\": [{\"json\": \"components.celery.workers\", "
         "\"at_least\": 5}]}, {\"method\": \"GET\", \"path\": \"/api/v1/health/\"}]}");
    assert_int_equal(run(f, FIXTURE_PREFLIGHT, on_event), -1);
    assert_int_equal(f->res[FIXTURE_PREFLIGHT].status, FIXTURE_FAILED);
    assert_string_equal(f->res[FIXTURE_PREFLIGHT].message,
                        "preflight check \"lots pending\" failed (GET /api/v1/health/): "
                        "json.components.celery.workers >= 5 (got 4)");
    assert_int_equal(f->res[FIXTURE_PREFLIGHT].requests, 1);    /* the second never ran */
    assert_int_equal(target_count(f->target, ROUTE_HEALTH, 200), 1);
    assert_non_null(strstr(f->events, "2 Preflight failed: preflight check \"lots pending\""));
}

static void test_teardown_goes_on(void **state)
{
    struct fx *f = *state;

    load(f, "\"teardown\": {\"steps\": [{\"method\": \"GET\", \"path\": \"/api/v1/nope/\"}, "
         "{\"repeat\": 3, \"steps\": [{\"method\": \"GET\", \"path\": \"/api/v1/health/\"}]}]}");
    assert_int_equal(run(f, FIXTURE_TEARDOWN, on_event), -1);
    assert_int_equal(f->res[FIXTURE_TEARDOWN].status, FIXTURE_FAILED);
    assert_int_equal(f->res[FIXTURE_TEARDOWN].requests, 4);
    assert_int_equal(f->res[FIXTURE_TEARDOWN].failures, 1);
    assert_string_equal(f->res[FIXTURE_TEARDOWN].message,
                        "teardown step 1 of 2 (GET /api/v1/nope/): HTTP 404 Not Found");
    assert_int_equal(target_count(f->target, ROUTE_HEALTH, 200), 3);
}

static void test_stop_flag(void **state)
{
    struct fx *f = *state;

    load(f, "\"setup\": {\"steps\": [{\"repeat\": 50, \"steps\": [{\"method\": \"GET\", "
         "\"path\": \"/api/v1/health/\"}]}]}");
    assert_int_equal(run(f, FIXTURE_SETUP, stop_on_event), -1);     /* raised at its start */
    assert_int_equal(f->res[FIXTURE_SETUP].status, FIXTURE_INTERRUPTED);
    assert_int_equal(f->res[FIXTURE_SETUP].requests, 0);
    assert_string_equal(f->res[FIXTURE_SETUP].message, "setup interrupted after 0 of 50 requests");
    assert_int_equal(target_count(f->target, ROUTE_HEALTH, 200), 0);
}

#define HEALTH_BLOCK "\"health\": {\"interval\": \"1s\", \"sources\": {\"api\": " \
    "{\"type\": \"prometheus\", \"url\": \"${host}/metrics\", \"metrics\": {" \
    "\"Celery workers\": {\"query\": \"celery_worker_up\", \"missing\": 0, " \
    "\"unit\": \"workers\", \"limit\": \"> 0\"}, " \
    "\"Redis ops\": {\"query\": \"redis_commands_processed_total\", \"rate\": true}}}}}"

static void test_health_checks(void **state)
{
    struct fx *f = *state;

    load(f, HEALTH_BLOCK ", \"preflight\": {\"steps\": ["
         "{\"description\": \"workers up\", \"health\": \"Celery workers\"}, "
         "{\"health\": \"Redis ops\", \"limit\": \">= 0\"}]}");
    assert_int_equal(run(f, FIXTURE_PREFLIGHT, on_event), 0);
    assert_int_equal(f->res[FIXTURE_PREFLIGHT].status, FIXTURE_PASSED);
    assert_non_null(strstr(f->events, "0 Preflight check \"workers up\" passed (Celery workers: "
                           "4"));
    assert_non_null(strstr(f->events, "0 Preflight check \"health Redis ops\" passed"));
    assert_int_equal(f->res[FIXTURE_PREFLIGHT].requests, 0);   /* polls are not requests */
}

static void test_health_check_fails(void **state)
{
    struct fx *f = *state;
    struct target_config tc;
    char err[256];

    target_stop(f->target);                 /* a target without Celery workers */
    target_config_defaults(&tc);
    target_config_no_latency(&tc);
    tc.port = 0;
    tc.quiet = true;
    tc.celery_workers = 0;
    if (!(f->target = target_start(&tc, err, sizeof err)))
        fail_msg("target_start: %s", err);
    snprintf(f->host, sizeof f->host, "http://127.0.0.1:%d", target_port(f->target));
    load(f, HEALTH_BLOCK ", \"preflight\": {\"steps\": ["
         "{\"description\": \"workers up\", \"health\": \"Celery workers\"}]}");
    assert_int_equal(run(f, FIXTURE_PREFLIGHT, on_event), -1);
    assert_string_equal(f->res[FIXTURE_PREFLIGHT].message,
                        "preflight check \"workers up\" failed (health Celery workers): > 0 "
                        "(got 0)");
}

static void test_absent(void **state)
{
    struct fx *f = *state;

    load(f, "\"name\": \"none\"");
    assert_int_equal(run(f, FIXTURE_SETUP, on_event), 0);
    assert_int_equal(f->res[FIXTURE_SETUP].status, FIXTURE_ABSENT);
    assert_string_equal(f->events, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_setup_and_preflight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preflight_failure_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teardown_goes_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_health_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_health_check_fails, setup, teardown),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
