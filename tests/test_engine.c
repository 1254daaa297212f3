/* Engine integration tests: real worker threads, libcurl and the built-in target API on
 * 127.0.0.1 (port 0). What hornet counts must equal what the server saw. Every run is bounded
 * by a run time or a stop command, and by a hard deadline in wait_finished. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "engine.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "target/target.h"
#include "target/target_internal.h"

struct fixture {
    struct target *target;
    char host[64];
    struct scenario *scn;
    struct engine *engine;
    struct snapshot *snap;
};

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static void start_target(struct fixture *f, void (*tweak)(struct target_config *))
{
    struct target_config tc;
    char err[256];

    target_config_defaults(&tc);
    target_config_no_latency(&tc);
    tc.port = 0;
    tc.quiet = true;
    tc.seed = 7;
    if (tweak)
        tweak(&tc);
    f->target = target_start(&tc, err, sizeof err);
    if (!f->target)
        fail_msg("target_start: %s", err);
    snprintf(f->host, sizeof f->host, "http://127.0.0.1:%d", target_port(f->target));
}

static void load(struct fixture *f, const char *json)
{
    char err[512];

    if (scenario_load_string(json, "test.json", &f->scn, err, sizeof err) < 0)
        fail_msg("scenario: %s", err);
}

static void start_engine(struct fixture *f, uint32_t users, double rate, double run_time,
                         double stop_timeout, bool stages)
{
    struct engine_config cfg = {
        .scenario = f->scn, .host = f->host, .threads = 2, .seed = 42, .users = users,
        .spawn_rate = rate, .use_stages = stages, .run_time = run_time,
        .stop_timeout = stop_timeout, .publish_interval = 0.05, .use_targets = true,
    };
    char err[512];

    f->engine = engine_create(&cfg, err, sizeof err);
    if (!f->engine || engine_start(f->engine, err, sizeof err) < 0)
        fail_msg("engine: %s", err);
}

/* Poll snapshots until finished; fails after `limit` seconds. */
static void wait_finished(struct fixture *f, double limit)
{
    for (double t = 0; t < limit; t += 0.05) {
        engine_snapshot(f->engine, f->snap);
        if (f->snap->finished)
            return;
        sleep_s(0.05);
    }
    fail_msg("the run did not finish within %.0f s (state %s)", limit,
             run_state_name(f->snap->state));
}

static void wait_until(struct fixture *f, bool (*cond)(const struct snapshot *), double limit)
{
    for (double t = 0; t < limit; t += 0.02) {
        engine_snapshot(f->engine, f->snap);
        if (cond(f->snap))
            return;
        sleep_s(0.02);
    }
    fail_msg("condition not met within %.0f s", limit);
}

static void command(struct fixture *f, enum engine_cmd_type type, uint32_t users, double rate)
{
    struct engine_cmd c = {.type = type, .users = users, .spawn_rate = rate,
                           .who = EVENT_OPERATOR};
    engine_send(f->engine, &c);
}

static const struct snap_stats *ep(const struct snapshot *s, const char *method,
                                   const char *name)
{
    for (uint32_t i = 0; i < s->n_endpoints; i++)
        if (strcmp(s->endpoints[i].method, method) == 0 && strcmp(s->endpoints[i].name, name) == 0)
            return &s->endpoints[i];
    fail_msg("no endpoint %s %s in the snapshot", method, name);
    return NULL;
}

static bool has_event(const struct snapshot *s, const char *text)
{
    for (uint32_t i = 0; i < s->n_events; i++)
        if (strstr(s->events[i].text, text))
            return true;
    return false;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->snap = calloc(1, sizeof *f->snap);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    engine_destroy(f->engine);
    if (f->target)
        target_stop(f->target);
    if (f->scn)
        scenario_free(f->scn);
    free(f->snap);
    free(f);
    return 0;
}

/* ---- counts equal the server's --------------------------------------------------------------- */

static const char *counts_json =
    "{\"name\": \"counts\", \"user_classes\": [{\"name\": \"U\", \"wait\": {\"constant\": 0.01},"
    " \"headers\": {\"Authorization\": \"Token ${token}\"},"
    " \"on_start\": [{\"method\": \"POST\", \"path\": \"/api/v1/auth/token/\","
    "   \"json\": {\"username\": \"loadtest_user\", \"password\": \"loadtest\"},"
    "   \"capture\": {\"token\": \"token\"}}],"
    " \"tasks\": ["
    "  {\"name\": \"create\", \"weight\": 2, \"steps\": ["
    "    {\"method\": \"POST\", \"path\": \"/api/v1/deployments/\","
    "     \"json\": {\"name\": \"t-${iteration}\"}, \"expect\": [201],"
    "     \"capture\": {\"dep_id\": \"id\"}},"
    "    {\"method\": \"GET\", \"path\": \"/api/v1/deployments/${dep_id}/\","
    "     \"name\": \"/api/v1/deployments/[id]/\","
    "     \"checks\": [{\"json\": \"id\", \"equals\": \"${dep_id}\"}]}]},"
    "  {\"name\": \"unknown\", \"weight\": 1, \"steps\": [{\"method\": \"GET\","
    "    \"path\": \"/api/v1/deployments/${uuid}/\", \"name\": \"/api/v1/deployments/[unknown]/\","
    "    \"expect\": [404]}]},"
    "  {\"name\": \"health\", \"weight\": 1, \"steps\": [{\"method\": \"GET\","
    "    \"path\": \"/api/v1/health/\"}]},"
    "  {\"name\": \"bad job\", \"weight\": 1, \"steps\": [{\"method\": \"GET\","
    "    \"path\": \"/api/v1/connectors/jobs/${uuid}/\", \"name\": "
    "\"/api/v1/connectors/jobs/[bad]/\"}]}"
    "]}]}";

static void test_counts_equal_the_servers(void **state)
{
    struct fixture *f = *state;
    const struct snap_stats *auth, *create, *get, *unknown, *health, *bad;
    uint64_t served = 0;

    start_target(f, NULL);
    load(f, counts_json);
    start_engine(f, 10, 100, 2.0, 10.0, false);
    wait_finished(f, 30);
    auth = ep(f->snap, "POST", "/api/v1/auth/token/");
    create = ep(f->snap, "POST", "/api/v1/deployments/");
    get = ep(f->snap, "GET", "/api/v1/deployments/[id]/");
    unknown = ep(f->snap, "GET", "/api/v1/deployments/[unknown]/");
    health = ep(f->snap, "GET", "/api/v1/health/");
    bad = ep(f->snap, "GET", "/api/v1/connectors/jobs/[bad]/");
    assert_int_equal(auth->requests, 10);
    assert_int_equal(auth->requests, target_count(f->target, ROUTE_AUTH_TOKEN, 200));
    assert_true(create->requests > 50);
    assert_int_equal(create->requests, target_count(f->target, ROUTE_DEPLOYMENT_CREATE, 201));
    assert_int_equal(get->requests, target_count(f->target, ROUTE_DEPLOYMENT_GET, 200));
    assert_int_equal(get->failures, 0);                 /* captured IDs read back */
    assert_int_equal(unknown->requests, target_count(f->target, ROUTE_DEPLOYMENT_GET, 404));
    assert_int_equal(unknown->expected, unknown->requests);
    assert_int_equal(unknown->failures, 0);
    assert_int_equal(health->requests, target_count(f->target, ROUTE_HEALTH, 200));
    assert_int_equal(bad->requests, target_count(f->target, ROUTE_CONNECTOR_JOB, 404));
    assert_int_equal(bad->failures, bad->requests);
    for (int r = 0; r < ROUTE_COUNT; r++)
        for (int status = 100; status < 600; status++)
            served += r == ROUTE_STATS ? 0 : target_count(f->target, (enum target_route)r, status);
    assert_int_equal(f->snap->total.requests, served);
    assert_int_equal(f->snap->total.failures, bad->requests);
    assert_int_equal(f->snap->total.expected, unknown->requests);
    for (int b = 0; b < SNAP_DIST_BUCKETS; b++)         /* the distribution covers them all */
        served -= f->snap->total.dist[b];
    assert_int_equal(served, 0);
    assert_true(f->snap->n_errors >= 2);
    for (uint32_t i = 0; i < f->snap->n_errors; i++) {
        const struct snap_error *e = &f->snap->errors[i];
        assert_string_equal(e->text, "HTTP 404 Not Found");
        assert_int_equal(e->count, e->expected ? unknown->requests : bad->requests);
    }
}

/* ---- a target that is down is a run full of failures ----------------------------------------- */

static const char *health_json =
    "{\"name\": \"health\", \"user_classes\": [{\"name\": \"U\", \"wait\": {\"constant\": 0.05},"
    " \"tasks\": [{\"name\": \"h\", \"steps\": [{\"method\": \"GET\", \"path\": "
    "\"/api/v1/health/\","
    "   \"timeout\": \"100ms\"}]}],"
    " \"on_stop\": [{\"method\": \"GET\", \"path\": \"/api/v1/health/\", \"name\": \"bye\"}]}]}";

static void test_target_down_is_counted_not_fatal(void **state)
{
    struct fixture *f = *state;

    snprintf(f->host, sizeof f->host, "http://127.0.0.1:1");    /* nobody listens there */
    load(f, health_json);
    start_engine(f, 5, 100, 4.5, 0.0, false);
    wait_finished(f, 30);
    assert_true(f->snap->total.requests > 20);
    assert_int_equal(f->snap->total.failures, f->snap->total.requests);
    assert_string_equal(f->snap->errors[0].text, "Connection refused");
    assert_true(has_event(f->snap, "Every request failed"));
}

static void slow_health(struct target_config *tc)
{
    tc->latency[ROUTE_HEALTH].base_ms = 400;
    tc->latency[ROUTE_HEALTH].jitter_ms = 0;
}

static void test_timeouts_are_failures_with_their_bound(void **state)
{
    struct fixture *f = *state;
    const struct snap_stats *h;

    start_target(f, slow_health);
    load(f, health_json);
    start_engine(f, 3, 100, 1.5, 0.0, false);
    wait_finished(f, 30);
    h = ep(f->snap, "GET", "/api/v1/health/");
    assert_true(h->requests >= 3);
    assert_int_equal(h->failures, h->requests);
    assert_string_equal(f->snap->errors[0].text, "Timeout after 100 ms");
    assert_true(h->min_us >= 100000);       /* the time until the timeout is what was measured */
}

/* ---- stopping: on_stop within the stop timeout ----------------------------------------------- */

static void test_on_stop_runs_within_stop_timeout(void **state)
{
    struct fixture *f = *state;

    start_target(f, NULL);
    load(f, health_json);
    start_engine(f, 6, 100, 1.0, 5.0, false);
    wait_finished(f, 30);
    assert_int_equal(ep(f->snap, "GET", "bye")->requests, 6);
    assert_int_equal(ep(f->snap, "GET", "bye")->failures, 0);
    assert_int_equal(f->snap->users, 0);
    assert_int_equal(f->snap->state, RUN_STOPPED);
}

static void test_stop_timeout_zero_skips_on_stop(void **state)
{
    struct fixture *f = *state;

    start_target(f, NULL);
    load(f, health_json);
    start_engine(f, 6, 100, 1.0, 0.0, false);
    wait_finished(f, 30);
    assert_int_equal(ep(f->snap, "GET", "bye")->requests, 0);
    assert_true(ep(f->snap, "GET", "/api/v1/health/")->requests > 0);
}

/* ---- ramping, classes, operator commands ----------------------------------------------------- */

static const char *two_classes_json =
    "{\"name\": \"classes\", \"user_classes\": ["
    " {\"name\": \"Heavy\", \"weight\": 3, \"wait\": {\"constant\": 0.01},"
    "  \"tasks\": [{\"name\": \"h\", \"steps\": [{\"method\": \"GET\", \"path\": "
    "\"/api/v1/health/\"}]}]},"
    " {\"name\": \"Light\", \"weight\": 1, \"wait\": {\"constant\": 0.01},"
    "  \"tasks\": [{\"name\": \"h\", \"steps\": [{\"method\": \"GET\", \"path\": "
    "\"/api/v1/health/\","
    "   \"name\": \"light\"}]}]}]}";

static bool at_8_running(const struct snapshot *s)
{
    return s->users == 8 && s->state == RUN_RUNNING;
}

static bool at_4_running(const struct snapshot *s)
{
    return s->users == 4 && s->state == RUN_RUNNING;
}

static void test_ramp_splits_classes_and_follows_the_operator(void **state)
{
    struct fixture *f = *state;

    start_target(f, NULL);
    load(f, two_classes_json);
    start_engine(f, 8, 100, 0, 0.0, false);
    wait_until(f, at_8_running, 10);
    assert_int_equal(f->snap->n_classes, 2);
    assert_int_equal(f->snap->classes[0].users, 6);
    assert_int_equal(f->snap->classes[1].users, 2);
    assert_true(has_event(f->snap, "All users spawned"));
    command(f, ENGINE_SET_USERS, 4, 100);
    wait_until(f, at_4_running, 10);
    assert_int_equal(f->snap->classes[0].users, 3);
    assert_int_equal(f->snap->classes[1].users, 1);
    assert_true(has_event(f->snap, "Ramping to 4 users"));
    command(f, ENGINE_STOP, 0, 0);
    wait_finished(f, 10);
    assert_int_equal(f->snap->users, 0);
}

static bool busy(const struct snapshot *s)
{
    return s->total.requests > 100;
}

static bool paused(const struct snapshot *s)
{
    return s->state == RUN_PAUSED;
}

static void test_pause_resume_and_reset(void **state)
{
    struct fixture *f = *state;
    uint64_t before, after;

    start_target(f, NULL);
    load(f, two_classes_json);
    start_engine(f, 4, 100, 0, 0.0, false);
    wait_until(f, busy, 10);
    command(f, ENGINE_PAUSE, 0, 0);
    wait_until(f, paused, 5);
    sleep_s(0.3);                           /* users finish their task, then park */
    engine_snapshot(f->engine, f->snap);
    before = f->snap->total.requests;
    sleep_s(0.5);
    engine_snapshot(f->engine, f->snap);
    assert_int_equal(f->snap->total.requests, before);
    command(f, ENGINE_RESUME, 0, 0);
    sleep_s(0.5);
    engine_snapshot(f->engine, f->snap);
    after = f->snap->total.requests;
    assert_true(after > before);
    command(f, ENGINE_RESET_STATS, 0, 0);
    sleep_s(0.2);
    engine_snapshot(f->engine, f->snap);
    assert_true(f->snap->total.requests < after);
    assert_true(has_event(f->snap, "Statistics reset"));
    command(f, ENGINE_STOP, 0, 0);
    wait_finished(f, 10);
}

static const char *stages_json =
    "{\"name\": \"stages\", \"spawn_rate\": 100, \"stages\": ["
    " {\"duration\": \"1s\", \"users\": 3}, {\"duration\": \"1s\", \"users\": 6}],"
    " \"user_classes\": [{\"name\": \"U\", \"wait\": {\"constant\": 0.02},"
    "  \"tasks\": [{\"name\": \"h\", \"steps\": [{\"method\": \"GET\", \"path\": "
    "\"/api/v1/health/\"}]}]}]}";

static void test_stages_retarget_then_end_the_run(void **state)
{
    struct fixture *f = *state;
    uint32_t peak = 0;

    start_target(f, NULL);
    load(f, stages_json);
    start_engine(f, 0, 1, 0, 0.0, true);
    for (double t = 0; t < 15 && !f->snap->finished; t += 0.05) {
        engine_snapshot(f->engine, f->snap);
        if (f->snap->users > peak)
            peak = f->snap->users;
        sleep_s(0.05);
    }
    assert_true(f->snap->finished);
    assert_int_equal(peak, 6);
    assert_true(has_event(f->snap, "Stage 1/2"));
    assert_true(has_event(f->snap, "Stage 2/2"));
    assert_true(has_event(f->snap, "All stages complete"));
}

/* ---- a variable nobody captured fails the step at run time ----------------------------------- */

static const char *unset_json =
    "{\"name\": \"unset\", \"user_classes\": [{\"name\": \"U\", \"wait\": {\"constant\": 0.02},"
    " \"tasks\": ["
    "  {\"name\": \"make\", \"steps\": [{\"method\": \"POST\", \"path\": \"/api/v1/deployments/\","
    "    \"json\": {\"name\": \"x\"}, \"capture\": {\"dep\": \"id\"}}]},"
    "  {\"name\": \"use\", \"steps\": [{\"method\": \"GET\", \"path\": "
    "\"/api/v1/deployments/${dep}/\","
    "    \"name\": \"use\"}]}]}]}";

static void test_unset_variable_fails_that_step(void **state)
{
    struct fixture *f = *state;
    const struct snap_stats *use;
    bool found = false;

    start_target(f, NULL);                  /* no token: every create is a 401, dep never set */
    load(f, unset_json);
    start_engine(f, 3, 100, 1.5, 0.0, false);
    wait_finished(f, 30);
    use = ep(f->snap, "GET", "use");
    assert_true(use->requests > 0);
    assert_int_equal(use->failures, use->requests);
    assert_int_equal(use->none_requests, use->requests);
    for (int status = 100; status < 600; status++)
        assert_int_equal(target_count(f->target, ROUTE_DEPLOYMENT_GET, status), 0);
    for (uint32_t i = 0; i < f->snap->n_errors; i++)
        found |= strstr(f->snap->errors[i].text, "variable ${dep} is not set") != NULL;
    assert_true(found);
}

/* ---- targets: live verdicts and abort on fail ------------------------------------------------ */

static const char *abort_json =
    "{\"name\": \"abort\", \"user_classes\": [{\"name\": \"U\", \"wait\": {\"constant\": 0.01},"
    " \"tasks\": [{\"name\": \"h\", \"steps\": [{\"method\": \"GET\", \"path\": "
    "\"/api/v1/health/\"}]}]}],"
    " \"targets\": {\"success_rate\": \">= 99%\","
    "   \"p99\": {\"value\": \"< 5ms\", \"abort_on_fail\": true, \"abort_after\": \"1s\"}}}";

static void slow_health_20ms(struct target_config *tc)
{
    tc->latency[ROUTE_HEALTH].base_ms = 20;
    tc->latency[ROUTE_HEALTH].jitter_ms = 0;
}

static void test_failing_target_aborts_the_run(void **state)
{
    struct fixture *f = *state;

    start_target(f, slow_health_20ms);
    load(f, abort_json);
    start_engine(f, 5, 100, 30.0, 0.0, false);       /* would run 30 s without the abort */
    wait_finished(f, 15);
    assert_true(f->snap->aborted);
    assert_non_null(strstr(f->snap->abort_reason, "Target failed: p99 < 5 ms"));
    assert_true(f->snap->elapsed < 10.0);
    assert_int_equal(f->snap->n_targets, 2);
    assert_int_equal(f->snap->targets[0].status, TARGET_FAIL);      /* p99 */
    assert_int_equal(f->snap->targets[1].status, TARGET_PASS);      /* success rate */
}

/* ---- warnings: a target that stops answering, but not users who think --------------------- */

static const char *hang_json =
    "{\"name\": \"hang\", \"user_classes\": [{\"name\": \"U\", \"wait\": {\"constant\": 6},"
    " \"tasks\": [{\"name\": \"h\", \"steps\": [{\"method\": \"GET\", \"path\": "
    "\"/api/v1/health/\","
    "   \"timeout\": \"20s\"}]}]}]}";

static void health_5s(struct target_config *tc)
{
    tc->latency[ROUTE_HEALTH].base_ms = 5000;
    tc->latency[ROUTE_HEALTH].jitter_ms = 0;
}

static void test_silence_is_a_warning_only_when_requests_wait(void **state)
{
    struct fixture *f = *state;

    start_target(f, health_5s);
    load(f, hang_json);
    start_engine(f, 3, 100, 4.5, 0.0, false);
    wait_finished(f, 20);
    assert_int_equal(f->snap->total.requests, 0);
    assert_true(has_event(f->snap, "No request finished for 3 s while 3 are waiting"));
}

static void test_thinking_users_are_not_silence(void **state)
{
    struct fixture *f = *state;

    start_target(f, NULL);
    load(f, hang_json);                     /* one request each, then 6 s of thinking */
    start_engine(f, 3, 100, 4.5, 0.0, false);
    wait_finished(f, 20);
    assert_int_equal(f->snap->total.requests, 3);
    assert_false(has_event(f->snap, "No request finished"));
}

/* ---- descriptors: what a user count needs, and the most a limit allows -------------------- */

static void test_descriptor_budget(void **state)
{
    (void)state;
    assert_int_equal(engine_fds_needed(32, 1), 32 + 2 + 64);    /* one curl group of 32 */
    assert_int_equal(engine_fds_needed(33, 2), 66 + 4 + 64);    /* two groups */
    assert_int_equal(engine_max_users(98, 1), 32);
    assert_int_equal(engine_max_users(100, 1), 32);             /* a 33rd opens a group */
    assert_int_equal(engine_max_users(64, 1), 0);
    assert_int_equal(engine_max_users(0, 1), UINT32_MAX);       /* unknown limit */
    for (uint32_t limit = 65; limit < 40000; limit += 997) {
        for (uint32_t per = 1; per <= 2; per++) {
            uint32_t max = engine_max_users(limit, per);
            assert_true(engine_fds_needed(max, per) <= limit);
            assert_true(engine_fds_needed(max + 1, per) > limit);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor_budget),
        cmocka_unit_test_setup_teardown(test_counts_equal_the_servers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_target_down_is_counted_not_fatal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeouts_are_failures_with_their_bound, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_on_stop_runs_within_stop_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_timeout_zero_skips_on_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ramp_splits_classes_and_follows_the_operator, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pause_resume_and_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stages_retarget_then_end_the_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unset_variable_fails_that_step, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_target_aborts_the_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silence_is_a_warning_only_when_requests_wait, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_thinking_users_are_not_silence, setup, teardown),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
