/* Tests of the backend-health poller (health_poll.c) against real servers on 127.0.0.1: the
 * built-in target's /metrics and health check (values equal to what its backend says), a port
 * nobody listens on (down, with the error, and polled again), a source slower than its timeout,
 * an error status with a JSON body, the host from /proc, and a poller stopped in the middle of a
 * poll. Waits have deadlines; no fixed sleeps. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "health_poll.h"
#include "scenario.h"
#include "health_fixture.h"
#include "scenario_internal.h"
#include "target/target.h"
#include "waits.h"

/* The samples the poller handed over, per source. */
struct inbox {
    pthread_mutex_t mu;
    struct health_sample *samples[64];
    uint32_t n;
    uint32_t per_source[4];
};

static void collect(void *arg, struct health_sample *s)
{
    struct inbox *in = arg;

    pthread_mutex_lock(&in->mu);
    if (in->n < 64) {
        in->samples[in->n++] = s;
        if (s->source < 4)
            in->per_source[s->source]++;
    } else {
        free(s);
    }
    pthread_mutex_unlock(&in->mu);
}

static uint32_t count(struct inbox *in, uint32_t source)
{
    uint32_t n;

    pthread_mutex_lock(&in->mu);
    n = in->per_source[source];
    pthread_mutex_unlock(&in->mu);
    return n;
}

/* Wait (deadline 10 s) until source has handed over want samples. */
static void wait_samples(struct inbox *in, uint32_t source, uint32_t want)
{
    double deadline = waits_now() + 10;

    while (count(in, source) < want) {
        if (waits_now() > deadline)
            fail_msg("source %u: %u samples, want %u", source, count(in, source), want);
        waits_pause();
    }
}

/* The k-th sample (0-based) of source. */
static const struct health_sample *nth(struct inbox *in, uint32_t source, uint32_t k)
{
    for (uint32_t i = 0; i < in->n; i++)
        if (in->samples[i]->source == source && k-- == 0)
            return in->samples[i];
    fail_msg("no sample %u of source %u", k, source);
    return NULL;
}

static void inbox_free(struct inbox *in)
{
    for (uint32_t i = 0; i < in->n; i++)
        free(in->samples[i]);
    pthread_mutex_destroy(&in->mu);
}

static struct scenario *load(const char *sources)
{
    return health_fixture_load(sources);
}

static struct target *start_target(int metrics_latency_ms, char *host, size_t n)
{
    struct target_config tc;
    struct target *t;
    char err[256];

    target_config_defaults(&tc);
    tc.port = 0;
    tc.quiet = true;
    tc.db_pool_size = 7;
    tc.celery_workers = 3;
    tc.latency[ROUTE_METRICS] = (struct target_latency){metrics_latency_ms, 0};
    if (!(t = target_start(&tc, err, sizeof err)))
        fail_msg("%s", err);
    snprintf(host, n, "http://127.0.0.1:%d/", target_port(t));
    return t;
}

static void test_target(void **state)
{
    char host[64], err[256];
    struct target *t = start_target(0, host, sizeof host);
    struct scenario *s = load(
        "{\"api\": {\"type\": \"prometheus\", \"url\": \"${host}/metrics\","
        "  \"interval\": \"250ms\", \"metrics\": {\"pool\": \"pg_settings_max_connections\","
        "  \"workers\": \"celery_worker_up\","
        "  \"rss\": \"process_resident_memory_bytes\"}},"
        " \"check\": {\"type\": \"json\", \"url\": \"${host}/api/v1/health/\", \"metrics\": {"
        "  \"size\": \"components.database.pool_size\", \"ok\": {\"path\": \"status\","
        "  \"equals\": \"ok\"}}},"
        " \"missing\": {\"type\": \"json\", \"url\": \"${host}/api/v1/nope/\", \"metrics\": {"
        "  \"detail\": {\"path\": \"detail\", \"equals\": \"Not found.\"}}},"
        " \"box\": {\"type\": \"host\", \"metrics\": {\"load\": \"load1\"}}}");
    struct inbox in = {.mu = PTHREAD_MUTEX_INITIALIZER};
    struct health_poll_sink sink = {collect, &in};
    struct health_poll *p = health_poll_create(&s->health, host, NULL, &sink, err, sizeof err);
    const struct health_sample *x;

    (void)state;
    assert_non_null(p);
    assert_int_equal(health_poll_start(p, err, sizeof err), 0);
    wait_samples(&in, 0, 3);                /* every 250 ms */
    wait_samples(&in, 1, 1);
    wait_samples(&in, 2, 1);
    wait_samples(&in, 3, 1);
    health_poll_destroy(p);
    x = nth(&in, 0, 2);
    assert_true(x->ok);
    assert_true(x->values[0] == 100);       /* PostgreSQL's max_connections, as simulated */
    assert_true(x->values[1] == 3);         /* the workers it was started with */
    assert_true(x->values[2] > 1e6);
    assert_true(x->series > 50);
    assert_true(x->duration_ms >= 0 && x->duration_ms < 5000);
    assert_true(nth(&in, 0, 1)->time > nth(&in, 0, 0)->time);
    x = nth(&in, 1, 0);
    assert_true(x->ok);
    assert_true(x->values[0] == 7);
    assert_true(x->values[1] == 1);
    x = nth(&in, 2, 0);                     /* a 404 with a JSON body: failed, but read */
    assert_false(x->ok);
    assert_string_equal(x->error, "HTTP 404 Not Found");
    assert_true(x->values[0] == 1);
    x = nth(&in, 3, 0);
    assert_true(x->ok);
    assert_true(x->values[0] >= 0);
    inbox_free(&in);
    scenario_free(s);
    target_stop(t);
}

/* Nobody listens: every poll fails with the engine's wording, and polling goes on. */
static void test_refused(void **state)
{
    char host[64], err[256];
    struct target *t = start_target(0, host, sizeof host);
    struct scenario *s;
    struct inbox in = {.mu = PTHREAD_MUTEX_INITIALIZER};
    struct health_poll_sink sink = {collect, &in};
    struct health_poll *p;

    (void)state;
    target_stop(t);                         /* its port is now closed */
    s = load("{\"gone\": {\"type\": \"prometheus\", \"url\": \"${host}/metrics\","
             " \"interval\": \"250ms\", \"metrics\": {\"up\": \"up\"}}}");
    p = health_poll_create(&s->health, host, NULL, &sink, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(health_poll_start(p, err, sizeof err), 0);
    wait_samples(&in, 0, 3);
    health_poll_destroy(p);
    for (uint32_t k = 0; k < 3; k++) {
        assert_false(nth(&in, 0, k)->ok);
        assert_string_equal(nth(&in, 0, k)->error, "Connection refused");
        assert_true(isnan(nth(&in, 0, k)->values[0]));
    }
    inbox_free(&in);
    scenario_free(s);
}

/* /metrics answers after 3 s, the timeout is 300 ms: each poll times out, and polls are never
 * stacked (one every 500 ms). A poller destroyed while a poll waits stops at once. */
static void test_timeout(void **state)
{
    char host[64], err[256];
    struct target *t = start_target(3000, host, sizeof host);
    struct scenario *s = load("{\"slow\": {\"type\": \"prometheus\", \"url\": \"${host}/metrics\","
                              " \"interval\": \"500ms\", \"timeout\": \"300ms\","
                              " \"metrics\": {\"up\": \"pg_up\"}}}");
    struct inbox in = {.mu = PTHREAD_MUTEX_INITIALIZER};
    struct health_poll_sink sink = {collect, &in};
    struct health_poll *p = health_poll_create(&s->health, host, NULL, &sink, err, sizeof err);
    double start;

    (void)state;
    assert_int_equal(health_poll_start(p, err, sizeof err), 0);
    wait_samples(&in, 0, 2);
    assert_false(nth(&in, 0, 0)->ok);
    assert_string_equal(nth(&in, 0, 0)->error, "Timeout after 300 ms");
    assert_true(nth(&in, 0, 0)->duration_ms >= 250 && nth(&in, 0, 0)->duration_ms < 2000);
    start = waits_now();
    health_poll_destroy(p);                 /* the third poll is waiting on the server */
    assert_true(waits_now() - start < 1.0);
    inbox_free(&in);
    scenario_free(s);
    target_stop(t);
}

static void test_bad_header_template(void **state)
{
    char err[256];
    struct scenario *s = load("{\"a\": {\"type\": \"json\", \"url\": \"${host}/x\","
                              " \"metrics\": {\"v\": \"v\"}}}");
    struct inbox in = {.mu = PTHREAD_MUTEX_INITIALIZER};
    struct health_poll_sink sink = {collect, &in};
    struct health_poll *p = health_poll_create(&s->health, "http://127.0.0.1:1", NULL, &sink,
                                               err, sizeof err);

    (void)state;
    assert_non_null(p);                     /* created, never started: freed cleanly */
    health_poll_destroy(p);
    inbox_free(&in);
    scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_bad_header_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
