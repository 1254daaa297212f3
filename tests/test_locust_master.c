/* Tests of the master's worker registry (locust_master.c) with a fake clock: its messages are
 * fed as the link would deliver them (locust_master_internal.h) and what the master does is
 * read from the engine's side (its ops: joins, leaves, intervals, log lines) and its snapshot
 * table. Its link listens on 127.0.0.1 at a free port but no worker connects: what it sends is
 * refused ("no worker ... is connected"), which the log shows, so the tests also see what it
 * tried to send.
 * - Locust's liveness rule: a heartbeat resets to 3, each second takes one, below 0 the worker
 *   is missing (the 5th tick of silence) and leaves the dispatcher; a heartbeat heals it.
 * - Heartbeats are answered to workers that expect it, not to Locust 2.12.
 * - A stop is done once hornet workers sent client_stopped (their last report came first) and
 *   Locust workers reported after theirs, or gave up on after LOCUST_MASTER_LAST_REPORT s.
 * - Reports become intervals; the Workers table shows kind, state, users, requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "locust_fixture.h"
#include "locust_master.h"
#include "locust_master_internal.h"
#include "locust_report.h"
#include "scenario.h"
#include "scenario_internal.h"

#define T0 1796078000.0

static const char *json =
    "{\"name\": \"m\", \"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"name\": \"t\", "
    "\"steps\": [{\"method\": \"GET\", \"path\": \"/\"}]}]}]}";

struct fixture {
    struct ev_loop *loop;
    struct scenario *scn;
    struct locust_master *m;
    bool on[8];
    int joins, leaves;
    uint64_t requests;
    char log[64][SNAP_TEXT_MAX];
    int n_log;
};

static void join_op(void *arg, uint32_t slot)
{
    struct fixture *f = arg;

    f->on[slot] = true;
    f->joins++;
}

static void leave_op(void *arg, uint32_t slot)
{
    struct fixture *f = arg;

    f->on[slot] = false;
    f->leaves++;
}

static void intervals_op(void *arg, struct interval **ivs, size_t n)
{
    struct fixture *f = arg;

    for (size_t i = 0; i < n; i++) {
        for (uint32_t e = 0; e < ivs[i]->n_endpoints; e++)
            f->requests += ivs[i]->endpoints[e].requests;
        interval_free(ivs[i]);
    }
    free(ivs);
}

static int endpoint_op(void *arg, const char *method, const char *name)
{
    (void)arg;
    (void)method;
    (void)name;
    return 1;
}

static void exception_op(void *arg, const char *message, const char *traceback)
{
    (void)arg;
    (void)message;
    (void)traceback;
}

static void log_op(void *arg, int level, const char *text)
{
    struct fixture *f = arg;

    (void)level;
    if (f->n_log < 64)
        snprintf(f->log[f->n_log++], SNAP_TEXT_MAX, "%s", text);
}

/* How many log lines hold text. */
static int logged(const struct fixture *f, const char *text)
{
    int n = 0;

    for (int i = 0; i < f->n_log; i++)
        n += strstr(f->log[i], text) != NULL;
    return n;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct locust_master_config cfg = {
        .bind_host = "127.0.0.1", .max_workers = 8,
        .ops = {join_op, leave_op, intervals_op, endpoint_op, exception_op, log_op, f}};
    char err[256];

    assert_int_equal(scenario_load_string(json, "m.json", &f->scn, err, sizeof err), 0);
    cfg.scenario = f->scn;
    f->loop = ev_loop_new(EVFLAG_AUTO);
    f->m = locust_master_create(f->loop, &cfg, err, sizeof err);
    if (!f->m)
        fail_msg("master: %s", err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    locust_master_destroy(f->m);
    ev_loop_destroy(f->loop);
    scenario_free(f->scn);
    free(f);
    return 0;
}

static void receive(struct fixture *f, const char *peer, struct locust_msg msg, double at)
{
    msg.node_id = peer;
    locust_master_receive(f->m, peer, &msg, T0 + at);
}

static void ready(struct fixture *f, const char *peer, const char *version, double at)
{
    struct locust_msg m = {.type = LOCUST_MSG_CLIENT_READY};

    m.version = version ? (struct locust_value){.kind = LOCUST_VALUE_STR, .s = version}
                        : (struct locust_value){.kind = LOCUST_VALUE_INT, .i = -1};
    receive(f, peer, m, at);
}

static void heartbeat(struct fixture *f, const char *peer, double at)
{
    receive(f, peer, (struct locust_msg){
        .type = LOCUST_MSG_HEARTBEAT,
        .heartbeat = {.state = LOCUST_STATE_RUNNING, .cpu_usage = 12.5, .has_memory = true,
                      .memory_usage = 30 << 20}}, at);
}

/* A hornet worker's report (hornet_hdr) of 5 requests of 1 ms at second T0 + at. */
static void hornet_report(struct fixture *f, const char *peer, double at)
{
    static const char *const names[1] = {"/"}, *const methods[1] = {"GET"};
    struct locust_report *r = locust_report_create(1, methods, names, T0);
    struct interval *iv = interval_alloc(1, 0, 1);
    struct locust_report_meta meta = {.node_id = peer, .with_hdr = true, .user_count = 3};
    struct locust_msg m;
    size_t len;
    void *frame;
    char err[128];

    *iv = (struct interval){.second = (int64_t)(T0 + at), .first_time = T0 + at,
                            .last_time = T0 + at, .n_endpoints = 1, .n_pairs = 1,
                            .endpoints = iv->endpoints, .errors = iv->errors, .pairs = iv->pairs};
    iv->endpoints[0] = (struct interval_endpoint){.requests = 5, .total_us = 5000, .min_us = 1000,
                                                  .max_us = 1000, .pair_count = 1};
    iv->pairs[0] = (struct hist_pair){(uint32_t)hist_index_of(1000), 5};
    locust_report_add(r, iv);
    assert_int_equal(locust_report_encode(r, &meta, T0 + at, &frame, &len, err, sizeof err), 0);
    assert_int_equal(locust_msg_decode(frame, len, &m, err, sizeof err), 0);
    locust_master_receive(f->m, peer, &m, T0 + at);
    locust_msg_release(&m);
    free(frame);
    locust_report_destroy(r);
}

static void tick(struct fixture *f, double at)
{
    locust_master_tick(f->m, T0 + at);
}

/* A heartbeat resets the liveness to 3; ticks take one each; below 0 the worker is missing:
 * silent through 4 ticks, missing at the 5th; a heartbeat then heals it. */
static void test_liveness_is_locusts(void **state)
{
    struct fixture *f = *state;

    ready(f, "w0", "2.43.4", 0);
    assert_true(f->on[0]);
    assert_int_equal(locust_master_ready(f->m), 1);
    heartbeat(f, "w0", 0.5);
    for (int s = 1; s <= 4; s++)
        tick(f, s);
    assert_true(f->on[0]);
    assert_int_equal(logged(f, "setting state to missing"), 0);
    tick(f, 5);
    assert_false(f->on[0]);
    assert_int_equal(f->leaves, 1);
    assert_int_equal(logged(f, "Worker w0 (index 0) failed to send heartbeat, setting state to "
                               "missing."), 1);
    assert_int_equal(locust_master_ready(f->m), 0);
    heartbeat(f, "w0", 7);
    assert_true(f->on[0]);
    assert_int_equal(f->joins, 2);
    assert_int_equal(logged(f, "self-healed with heartbeat"), 1);
}

/* Heartbeats are answered to hornet and foreign (-1) workers and Locust 2.19+, not to 2.12
 * (which would log each answer as an unknown message); Debian's empty version is accepted
 * with a warning. The answers show as sends the link refuses (no worker is connected). */
static void test_heartbeat_answers_and_versions(void **state)
{
    struct fixture *f = *state;

    ready(f, "new", "2.43.4", 0);
    ready(f, "old", "2.12.1", 0);
    ready(f, "debian", "", 0);
    ready(f, "foreign", NULL, 0);
    assert_int_equal(logged(f, "Worker debian sent an empty version"), 1);
    assert_int_equal(locust_master_ready(f->m), 4);
    heartbeat(f, "new", 1);
    heartbeat(f, "old", 1);
    heartbeat(f, "debian", 1);
    heartbeat(f, "foreign", 1);
    assert_int_equal(logged(f, "Could not send heartbeat to worker new"), 1);
    assert_int_equal(logged(f, "Could not send heartbeat to worker foreign"), 1);
    assert_int_equal(logged(f, "Could not send heartbeat to worker old"), 0);
    assert_int_equal(logged(f, "Could not send heartbeat to worker debian"), 0);
}

/* A report from a hornet worker (hornet_hdr) and one of Locust's own become intervals; the
 * Workers table says who is what, with its users and requests; a stranger's is discarded. */
static void test_reports_and_the_workers_table(void **state)
{
    struct fixture *f = *state;
    struct snapshot *s = calloc(1, sizeof *s);
    struct locust_msg m;
    size_t len;
    char err[128], *locust = locust_fixture_read("stats_two_endpoints.bin", &len);

    ready(f, "h", NULL, 0);
    ready(f, "py", "", 0);
    hornet_report(f, "h", 1);
    assert_int_equal(f->requests, 5);
    assert_int_equal(locust_msg_decode(locust, len, &m, err, sizeof err), 0);
    locust_master_receive(f->m, "py", &m, T0 + 1);
    locust_master_receive(f->m, "stranger", &m, T0 + 1);
    locust_msg_release(&m);
    assert_int_equal(f->requests, 5 + 11);         /* the fixture's 11 requests, once */
    assert_int_equal(logged(f, "Discarded report from unrecognized worker stranger"), 1);
    heartbeat(f, "h", 2);
    locust_master_fill(f->m, s, T0 + 2);
    assert_int_equal(s->n_workers, 2);
    assert_int_equal(s->workers_ready, 2);
    assert_string_equal(s->workers[0].kind, "hornet");
    assert_string_equal(s->workers[0].state, "running");
    assert_int_equal(s->workers[0].users, 3);
    assert_int_equal(s->workers[0].requests, 5);
    assert_true(s->workers[0].cpu == 12.5);
    assert_int_equal(s->workers[0].memory, 30 << 20);
    assert_string_equal(s->workers[1].kind, "Locust, no version");
    assert_int_equal(s->workers[1].users, 5);      /* the fixture's user count */
    assert_int_equal(s->workers[1].requests, 11);
    free(locust);
    free(s);
}

/* The stop is done when hornet workers said client_stopped (their last report came before)
 * and Locust workers reported after theirs, or LOCUST_MASTER_LAST_REPORT s went by. */
static void test_stop_waits_for_the_last_numbers(void **state)
{
    struct fixture *f = *state;
    size_t len;
    char err[128], *frame = locust_fixture_read("stats_two_endpoints.bin", &len);
    struct locust_msg stats;

    assert_int_equal(locust_msg_decode(frame, len, &stats, err, sizeof err), 0);
    ready(f, "h", NULL, 0);
    ready(f, "py", "", 0);
    ready(f, "py2", "", 0);
    hornet_report(f, "h", 0.5);                     /* known as a hornet worker from now */
    locust_master_stop_all(f->m);
    assert_false(locust_master_idle(f->m));
    receive(f, "h", (struct locust_msg){.type = LOCUST_MSG_CLIENT_STOPPED}, 1);
    receive(f, "py", (struct locust_msg){.type = LOCUST_MSG_CLIENT_STOPPED}, 1);
    receive(f, "py2", (struct locust_msg){.type = LOCUST_MSG_CLIENT_STOPPED}, 1);
    assert_false(locust_master_idle(f->m));        /* the Locust workers' last reports */
    locust_master_receive(f->m, "py", &stats, T0 + 2);
    assert_false(locust_master_idle(f->m));
    tick(f, 4.9);
    assert_false(locust_master_idle(f->m));
    tick(f, 5.1);                                   /* py2's never came: given up */
    assert_true(locust_master_idle(f->m));
    assert_int_equal(f->leaves, 3);
    locust_msg_release(&stats);
    free(frame);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_liveness_is_locusts),
        T(test_heartbeat_answers_and_versions),
        T(test_reports_and_the_workers_table),
        T(test_stop_waits_for_the_last_numbers),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
