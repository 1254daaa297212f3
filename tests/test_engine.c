/* Engine integration tests: real worker threads, libcurl and the built-in target API on
 * 127.0.0.1 (port 0), for what only a real run can show: what hornet counts equals what the
 * server saw, timeouts, on_stop within the stop timeout, run-time template errors, the
 * dispatcher's counts reaching the workers, a reset forgetting what came before it, a
 * failing curl multi handle becoming the run's fatal state, and backend health polled beside
 * the load, its limit failing live and stopping the run. The decisions themselves (ramp,
 * stages, limits, pause, warnings, aborts) are tested with a fake clock in test_control.c.
 * Every run is bounded by a run time or a stop command, and by a deadline in every wait.
 *
 * This binary is linked with -Wl,--wrap=curl_multi_add_handle (Makefile): the wrapper below
 * passes every call to libcurl unless a test arms it to fail, as libcurl does when it runs out
 * of memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "engine.h"
#include "options.h"
#include "run.h"
#include "run_internal.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "waits.h"
#include "target/target.h"
#include "target/target_internal.h"
#include "verdict.h"

/* ---- the curl_multi_add_handle seam ---------------------------------------------------------- */

CURLMcode __real_curl_multi_add_handle(CURLM *multi, CURL *easy);
CURLMcode __wrap_curl_multi_add_handle(CURLM *multi, CURL *easy);

static _Atomic long adds_before_failure = -1;   /* < 0: never fail */

CURLMcode __wrap_curl_multi_add_handle(CURLM *multi, CURL *easy)
{
    long left = atomic_load(&adds_before_failure);

    while (left > 0 && !atomic_compare_exchange_weak(&adds_before_failure, &left, left - 1))
        ;
    if (left == 0)
        return CURLM_OUT_OF_MEMORY;
    return __real_curl_multi_add_handle(multi, easy);
}

struct fixture {
    struct target *target;
    char host[64];
    struct scenario *scn;
    struct engine *engine;
    struct snapshot *snap;
};

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

/* Poll snapshots until cond holds; fails after `limit` seconds. */
static void wait_until(struct fixture *f, bool (*cond)(const struct snapshot *), double limit,
                       const char *what)
{
    double deadline = waits_now() + limit;

    do {
        engine_snapshot(f->engine, f->snap);
        if (cond(f->snap))
            return;
        waits_pause();
    } while (waits_now() < deadline);
    fail_msg("%s: not within %.0f s (state %s)", what, limit, run_state_name(f->snap->state));
}

static bool finished(const struct snapshot *s)
{
    return s->finished;
}

static void wait_finished(struct fixture *f, double limit)
{
    wait_until(f, finished, limit, "the run did not finish");
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
    start_engine(f, 10, 100, 1.0, 10.0, false);
    wait_finished(f, 10);
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
    start_engine(f, 5, 100, 0.5, 0.0, false);
    wait_finished(f, 10);
    assert_true(f->snap->total.requests > 10);
    assert_int_equal(f->snap->total.failures, f->snap->total.requests);
    assert_string_equal(f->snap->errors[0].text, "Connection refused");
    assert_string_equal(f->snap->fatal, "");
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
    start_engine(f, 3, 100, 0.5, 0.0, false);
    wait_finished(f, 10);
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
    start_engine(f, 6, 100, 0.5, 5.0, false);
    wait_finished(f, 10);
    assert_int_equal(ep(f->snap, "GET", "bye")->requests, 6);
    assert_int_equal(ep(f->snap, "GET", "bye")->failures, 0);
    assert_int_equal(ep(f->snap, "GET", "bye")->requests, target_count(f->target, ROUTE_HEALTH,
        200) - ep(f->snap, "GET", "/api/v1/health/")->requests);
    assert_int_equal(f->snap->users, 0);
    assert_int_equal(f->snap->state, RUN_STOPPED);
    assert_true(f->snap->elapsed < 5.0);    /* over as soon as every on_stop is done */
}

static void test_stop_timeout_zero_skips_on_stop(void **state)
{
    struct fixture *f = *state;

    start_target(f, NULL);
    load(f, health_json);
    start_engine(f, 6, 100, 0.5, 0.0, false);
    wait_finished(f, 10);
    assert_int_equal(ep(f->snap, "GET", "bye")->requests, 0);
    assert_true(ep(f->snap, "GET", "/api/v1/health/")->requests > 0);
}

/* ---- the dispatcher's counts reach the workers ------------------------------------------- */

/* Each user's on_start names its class: the starts counted are the users the workers created.
 * 8 users (6 Heavy, 2 Light), down to 4 (3, 1: the newest stop), back to 8: 9 and 3 starts. */
static const char *two_classes_json =
    "{\"name\": \"classes\", \"user_classes\": ["
    " {\"name\": \"Heavy\", \"weight\": 3, \"wait\": {\"constant\": 0.01},"
    "  \"on_start\": [{\"method\": \"GET\", \"path\": \"/api/v1/health/\", \"name\": \"heavy\"}],"
    "  \"tasks\": [{\"name\": \"h\", \"steps\": [{\"method\": \"GET\", \"path\": "
    "\"/api/v1/health/\"}]}]},"
    " {\"name\": \"Light\", \"weight\": 1, \"wait\": {\"constant\": 0.01},"
    "  \"on_start\": [{\"method\": \"GET\", \"path\": \"/api/v1/health/\", \"name\": \"light\"}],"
    "  \"tasks\": [{\"name\": \"h\", \"steps\": [{\"method\": \"GET\", \"path\": "
    "\"/api/v1/health/\"}]}]}]}";

static uint64_t starts(const struct snapshot *s)
{
    uint64_t n = 0;

    for (uint32_t i = 0; i < s->n_endpoints; i++)
        if (strcmp(s->endpoints[i].name, "heavy") == 0 ||
            strcmp(s->endpoints[i].name, "light") == 0)
            n += s->endpoints[i].requests;
    return n;
}

static bool started_8(const struct snapshot *s)
{
    return starts(s) == 8;
}

static bool started_12(const struct snapshot *s)
{
    return starts(s) == 12;
}

static bool at_4_running(const struct snapshot *s)
{
    return s->users == 4 && s->state == RUN_RUNNING;
}

static void test_dispatcher_counts_reach_the_workers(void **state)
{
    struct fixture *f = *state;

    start_target(f, NULL);
    load(f, two_classes_json);
    start_engine(f, 8, 100, 0, 5.0, false);     /* stopping users finish their request */
    wait_until(f, started_8, 10, "8 users started");
    command(f, ENGINE_SET_USERS, 4, 100);     /* the pace holds: one step a second */
    wait_until(f, at_4_running, 10, "down to 4 users");
    command(f, ENGINE_SET_USERS, 8, 100);
    wait_until(f, started_12, 10, "4 more users started");
    command(f, ENGINE_STOP, 0, 0);
    wait_finished(f, 10);
    assert_int_equal(ep(f->snap, "GET", "heavy")->requests, 9);
    assert_int_equal(ep(f->snap, "GET", "light")->requests, 3);
    assert_int_equal(f->snap->classes[0].users, 6);
    assert_int_equal(f->snap->classes[1].users, 2);
    assert_int_equal(f->snap->users, 0);
    assert_int_equal(f->snap->total.requests, target_count(f->target, ROUTE_HEALTH, 200));
}

/* ---- pause parks the users; a reset forgets every request before it ------------------------- */

static bool busy(const struct snapshot *s)
{
    return s->total.requests > 100;
}

static bool paused(const struct snapshot *s)
{
    return s->state == RUN_PAUSED;
}

static bool busy_again(const struct snapshot *s)
{
    return s->total.requests > 20 && s->start_time > s->run_start;
}

/* True once the server's count has not moved for 100 ms (users parked); fails after 5 s. */
static void wait_parked(struct fixture *f)
{
    double deadline = waits_now() + 5, still_since = waits_now();
    uint64_t last = target_count(f->target, ROUTE_HEALTH, 200), n;

    while (waits_now() - still_since < 0.1) {
        if (waits_now() > deadline)
            fail_msg("requests went on while paused");
        waits_pause();
        if ((n = target_count(f->target, ROUTE_HEALTH, 200)) != last) {
            last = n;
            still_since = waits_now();
        }
    }
}

/* The requests a worker recorded before the pause are still in its current interval when the
 * reset comes; resumed at once, new requests would join that interval and carry it past the
 * reset unless the reset flushes the workers first (WCMD_FLUSH). */
static void test_pause_parks_users_and_reset_forgets_before(void **state)
{
    struct fixture *f = *state;
    uint64_t served;

    start_target(f, NULL);
    load(f, two_classes_json);
    start_engine(f, 4, 100, 0, 5.0, false);
    wait_until(f, busy, 10, "requests flowing");
    command(f, ENGINE_PAUSE, 0, 0);
    wait_until(f, paused, 5, "paused");
    wait_parked(f);
    served = target_count(f->target, ROUTE_HEALTH, 200);
    command(f, ENGINE_RESET_STATS, 0, 0);
    command(f, ENGINE_RESUME, 0, 0);
    wait_until(f, busy_again, 10, "requests after the reset");
    assert_true(f->snap->total.first_request_time >= f->snap->start_time);
    command(f, ENGINE_STOP, 0, 0);
    wait_finished(f, 10);
    assert_int_equal(f->snap->total.requests,
                     target_count(f->target, ROUTE_HEALTH, 200) - served);
}

/* Paced users parked by a pause start again on their pacing at the resume: the pause is not
 * lateness, so the corrected latencies stay those of the answers (none near the pause). */
static const char *paced_json =
    "{\"name\": \"paced\", \"user_classes\": [{\"name\": \"P\","
    " \"wait\": {\"constant_pacing\": 0.05}, \"tasks\": [{\"name\": \"h\", \"steps\":"
    " [{\"method\": \"GET\", \"path\": \"/api/v1/health/\"}]}]}]}";

static void test_pause_is_not_lateness_of_paced_users(void **state)
{
    struct fixture *f = *state;
    uint64_t before;

    start_target(f, NULL);
    load(f, paced_json);
    start_engine(f, 4, 100, 0, 5.0, false);
    wait_until(f, at_4_running, 10, "4 users running");
    command(f, ENGINE_PAUSE, 0, 0);
    wait_until(f, paused, 5, "paused");
    wait_parked(f);
    before = target_count(f->target, ROUTE_HEALTH, 200);
    for (double end = waits_now() + 1.0; waits_now() < end;)
        waits_pause();
    command(f, ENGINE_RESUME, 0, 0);
    for (double end = waits_now() + 0.5; waits_now() < end;)   /* 10 iterations a user */
        waits_pause();
    command(f, ENGINE_STOP, 0, 0);
    wait_finished(f, 10);
    assert_true(target_count(f->target, ROUTE_HEALTH, 200) >= before + 20);
    assert_true(f->snap->open.corrected);
    if (f->snap->open.total.max_us >= 500000)
        fail_msg("corrected max %.0f ms after a 1 s pause", f->snap->open.total.max_us / 1e3);
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
    start_engine(f, 3, 100, 0.5, 0.0, false);
    wait_finished(f, 10);
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

/* ---- a failing curl multi handle is the run's fatal state ----------------------------------- */

static void test_failing_multi_handle_is_fatal(void **state)
{
    struct fixture *f = *state;
    struct options opt = {.exit_code_on_error = 1};
    struct run r = {.opt = &opt};

    start_target(f, NULL);
    load(f, health_json);
    atomic_store(&adds_before_failure, 40);     /* libcurl out of memory after 40 transfers */
    start_engine(f, 4, 100, 30.0, 10.0, false); /* would run 30 s */
    wait_finished(f, 10);
    atomic_store(&adds_before_failure, -1);
    assert_non_null(strstr(f->snap->fatal, "curl_multi_add_handle failed: Out of memory"));
    assert_int_equal(f->snap->state, RUN_STOPPED);
    assert_true(f->snap->elapsed < 10.0);
    assert_int_equal(ep(f->snap, "GET", "bye")->requests, 0);  /* stopped at once */
    for (uint32_t i = 0; i < f->snap->n_events; i++)
        if (strstr(f->snap->events[i].text, "curl_multi_add_handle failed"))
            assert_int_equal(f->snap->events[i].level, EVENT_ERROR);
    assert_true(has_event(f->snap, "curl_multi_add_handle failed"));
    r.snap = f->snap;
    assert_false(verdict_passed(f->snap));
    assert_int_equal(run_finish(&r), 3);        /* README: 3, internal error */
}

/* ---- backend health: polled beside the load, judged, and able to stop the run ------------ */

static const char *backend_health_json =
    "{\"name\": \"health\", \"user_classes\": [{\"name\": \"U\", \"wait\": {\"constant\": 0.2},"
    " \"tasks\": [{\"name\": \"h\", \"steps\": [{\"method\": \"GET\","
    "   \"path\": \"/api/v1/health/\"}]}]}],"
    " \"health\": {\"interval\": \"250ms\", \"sources\": {\"api\": {\"type\": \"prometheus\","
    "   \"url\": \"${host}/metrics\", \"metrics\": {"
    "   \"workers\": {\"query\": \"celery_worker_up\", \"missing\": 0, \"limit\": \"> 0\","
    "                 \"abort_on_fail\": true},"
    "   \"max conn\": \"pg_settings_max_connections\"}}}}}";

static void two_workers(struct target_config *c)
{
    c->celery_workers = 2;
}

static bool health_polled(const struct snapshot *s)
{
    return s->health.n_sources == 1 && s->health.sources[0].polls >= 3 &&
           s->health.metrics[0].has_value;
}

static size_t discard(char *data, size_t size, size_t n, void *arg)
{
    (void)data;
    (void)arg;
    return size * n;
}

/* POST body to the target's _control route (blocking: the test's own thread). */
static void control_post(const struct fixture *f, const char *body)
{
    char url[128];
    CURL *e = curl_easy_init();
    long status = 0;

    snprintf(url, sizeof url, "%s/api/v1/_control/", f->host);
    assert_non_null(e);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    assert_int_equal(curl_easy_perform(e), CURLE_OK);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    assert_int_equal(status, 200);
    curl_easy_cleanup(e);
}

/* The workers' limit passes while the target has two, then fails once they are stopped through
 * its _control route: logged, counted in the verdict, and (abort_on_fail) the run stops. */
static void test_health_limit_fails_live_and_aborts(void **state)
{
    struct fixture *f = *state;
    const struct snap_health_metric *m;
    char where[96];
    struct verdict v;

    start_target(f, two_workers);
    load(f, backend_health_json);
    start_engine(f, 2, 100, 30, 0, false);
    wait_until(f, health_polled, 10, "the health source was not polled");
    snprintf(where, sizeof where, "%s/metrics", f->host);
    assert_string_equal(f->snap->health.sources[0].where, where);
    assert_int_equal(f->snap->health.sources[0].state, HEALTH_UP);
    m = &f->snap->health.metrics[0];
    assert_true(m->value == 2 && m->has_limit && m->status == TARGET_PASS);
    assert_true(f->snap->health.metrics[1].value == 100);
    verdict_of(f->snap, &v);
    assert_int_equal(v.n, 0);                      /* no target: the health limit apart */
    assert_int_equal(v.health.n, 1);
    assert_int_equal(v.health.pass, 1);
    assert_int_equal(v.kind, VERDICT_PASS);
    control_post(f, "{\"celery_workers\": 0}");
    wait_finished(f, 10);
    m = &f->snap->health.metrics[0];
    assert_int_equal(m->status, TARGET_FAIL);
    assert_true(m->value == 0 && m->min == 0 && m->max == 2);
    assert_true(f->snap->aborted);
    assert_true(strncmp(f->snap->abort_reason, "Health limit failed: workers > 0 (api): was 0 "
                        "at +0:", 47) == 0);
    assert_true(has_event(f->snap, "Health limit failed: workers > 0: was 0 at"));
    assert_true(has_event(f->snap, "Stopping: a health limit with abort_on_fail failed"));
    assert_false(verdict_passed(f->snap));
    assert_true(f->snap->elapsed < 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts_equal_the_servers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_target_down_is_counted_not_fatal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeouts_are_failures_with_their_bound, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_on_stop_runs_within_stop_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_timeout_zero_skips_on_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispatcher_counts_reach_the_workers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pause_is_not_lateness_of_paced_users, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pause_parks_users_and_reset_forgets_before, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unset_variable_fails_that_step, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_multi_handle_is_fatal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_health_limit_fails_live_and_aborts, setup,
                                        teardown),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
