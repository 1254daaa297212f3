/* Tests of the ZeroMQ transport on libev (locust_link.c), on 127.0.0.1 at free ports, every
 * wait bounded by a deadline:
 * - hornet's worker link against a real Locust master (Debian's locust 2.12.1 --master
 *   --headless): client_ready, ack with an index, spawn with per-class counts, spawning,
 *   spawning_complete, heartbeats, an empty and a real stats report (with hornet_hdr), and the
 *   master's quit at the end of its run time; the master's CSV then holds hornet's numbers;
 * - hornet's master link with a real Locust worker (locust --worker): its client_ready (2.12.1
 *   sends an empty version), heartbeats, ack and spawn from hornet, its stats decoded (error
 *   keys as hornet computes them), quit both ways;
 * - the two links together: frames queued while no master listens flow in order once one
 *   binds, the bounded queue refuses what is over, bad frames are reported and the link goes
 *   on, reconnect keeps the identity, a link destroyed from its own callback. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <zmq.h>
#include "hist.h"
#include "locust_fixture.h"
#include "locust_link.h"
#include "locust_link_internal.h"
#include "locust_msg.h"
#include "locust_msg_internal.h"
#include "locust_stats.h"
#include "locust_stats_internal.h"

extern char **environ;

#define LOCUST "/usr/bin/locust"
#define LOCUST_DEADLINE 60.0        /* s for a test against a real Locust (it starts slowly) */
#define LOCAL_DEADLINE 10.0         /* s for the links among themselves */

static char tmpdir[64];
static pid_t child = -1;

/* ---- helpers ---- */

static double wall_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* Start locust with these arguments (NULL-terminated), its output into log. */
static pid_t start_locust(const char *const args[], const char *log)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    char *argv[32];
    size_t n;

    argv[0] = strdup(LOCUST);
    for (n = 0; args[n] && n < 30; n++)
        argv[n + 1] = strdup(args[n]);
    argv[n + 1] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (posix_spawn(&pid, LOCUST, &fa, NULL, argv, environ) != 0)
        fail_msg("cannot start %s (is python3-locust installed?)", LOCUST);
    posix_spawn_file_actions_destroy(&fa);
    for (size_t i = 0; argv[i]; i++)
        free(argv[i]);
    child = pid;
    return pid;
}

/* Wait for the child to exit, at most `deadline` seconds (poll on its pidfd); killed after
 * that. Its exit status, or -1 when it had to be killed. */
static int wait_child(double deadline)
{
    int fd = pidfd_open(child, 0), status;
    struct pollfd p = {.fd = fd, .events = POLLIN};

    assert_true(fd >= 0);
    if (poll(&p, 1, (int)(deadline * 1000)) != 1) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
        close(fd);
        child = -1;
        return -1;
    }
    close(fd);
    assert_int_equal(waitpid(child, &status, 0), child);
    child = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void print_log(const char *log)
{
    size_t len;
    char *text = locust_fixture_slurp(log, &len);

    print_message("---- %s ----\n%s\n", log, len > 6000 ? text + len - 6000 : text);
    free(text);
}

static void deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)revents;
    *(bool *)w->data = true;
    ev_break(loop, EVBREAK_ALL);
}

/* Run loop until a callback breaks it or `seconds` pass; true when it timed out. */
static bool run_loop(struct ev_loop *loop, double seconds)
{
    bool timed_out = false;
    ev_timer deadline;

    ev_timer_init(&deadline, deadline_cb, seconds, 0);
    deadline.data = &timed_out;
    ev_timer_start(loop, &deadline);
    ev_run(loop, 0);
    ev_timer_stop(loop, &deadline);
    return timed_out;
}

static void send_or_fail(struct locust_link *l, const char *peer, const struct locust_msg *m)
{
    char err[256];

    if (locust_link_send_msg(l, peer, m, err, sizeof err) != 0)
        fail_msg("send %s: %s", locust_msg_type_name(m->type), err);
}

static void record_error(char *errors, size_t n, const char *err)
{
    if (!errors[0])
        snprintf(errors, n, "%s", err);
}

/* ---- (a) hornet's worker link under a real Locust master ---- */

struct worker_test {
    struct ev_loop *loop;
    struct locust_link *link;
    char node[LOCUST_LINK_NODE_ID_MAX];
    ev_timer heartbeat;
    enum locust_state state;
    bool got_ack, sent_report, got_quit, got_stop;
    int64_t index;
    int spawns;
    char class_name[64];
    int64_t class_count;
    char errors[512];
};

static void send_stats(struct worker_test *t, bool with_request)
{
    static struct hist h;
    struct locust_per_sec secs[1] = {{(int64_t)wall_now(), 3}};
    struct locust_per_sec fails[1] = {{(int64_t)wall_now(), 1}};
    struct locust_stats_endpoint ep = {
        .method = "GET", .name = "/stub", .start_time = wall_now() - 1,
        .last_request_time = wall_now(), .requests = 3, .failures = 1, .total_us = 60000,
        .min_us = 10000, .max_us = 30000, .content_length = 300, .reqs_per_sec = secs,
        .n_reqs_per_sec = 1, .fails_per_sec = fails, .n_fails_per_sec = 1, .hist = &h};
    struct locust_stats_error e = {NULL, "GET", "/stub", "HTTP 503 Service Unavailable", 1};
    struct locust_class_count cls = {t->class_name, t->class_count};
    struct locust_stats_report r = {
        .endpoints = &ep, .n_endpoints = with_request, .total_start_time = wall_now() - 1,
        .errors = &e, .n_errors = with_request, .classes = &cls, .n_classes = t->class_name[0] != 0,
        .user_count = t->class_count, .with_hdr = true};
    void *frame;
    size_t len;
    char err[256];

    hist_reset(&h);
    hist_record(&h, 10000);
    hist_record(&h, 20000);
    hist_record(&h, 30000);
    assert_int_equal(locust_stats_encode(&r, t->node, &frame, &len, err, sizeof err), 0);
    if (locust_link_send(t->link, NULL, frame, len, err, sizeof err) != 0)
        fail_msg("send stats: %s", err);
    free(frame);
}

static void heartbeat_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct worker_test *t = w->data;

    (void)loop;
    (void)revents;
    send_or_fail(t->link, NULL, &(struct locust_msg){
        .type = LOCUST_MSG_HEARTBEAT, .node_id = t->node,
        .heartbeat = {.state = t->state, .cpu_usage = 1.5, .has_memory = true,
                      .memory_usage = 20 << 20}});
}

static void worker_on_spawn(struct worker_test *t, const struct locust_msg *m)
{
    t->spawns++;
    send_or_fail(t->link, NULL, &(struct locust_msg){.type = LOCUST_MSG_SPAWNING,
                                                     .node_id = t->node});
    assert_int_equal(m->spawn.n_classes, 1);
    snprintf(t->class_name, sizeof t->class_name, "%s", m->spawn.classes[0].name);
    t->class_count = m->spawn.classes[0].count;
    t->state = LOCUST_STATE_RUNNING;
    send_or_fail(t->link, NULL, &(struct locust_msg){
        .type = LOCUST_MSG_SPAWNING_COMPLETE, .node_id = t->node,
        .spawning_complete = {true, m->spawn.classes, m->spawn.n_classes, t->class_count}});
    if (!t->sent_report) {
        send_stats(t, true);
        t->sent_report = true;
    }
}

static void worker_on_msg(struct locust_link *link, const char *peer,
                          const struct locust_msg *m, void *arg)
{
    struct worker_test *t = arg;

    (void)link;
    assert_null(peer);
    switch (m->type) {
    case LOCUST_MSG_ACK:
        t->got_ack = true;
        t->index = m->ack.has_index ? m->ack.index : -1;
        send_stats(t, false);                   /* a worker reports at once, empty */
        ev_timer_again(t->loop, &t->heartbeat);
        break;
    case LOCUST_MSG_SPAWN:
        worker_on_spawn(t, m);
        break;
    case LOCUST_MSG_STOP:
        t->got_stop = true;
        t->state = LOCUST_STATE_READY;
        send_or_fail(t->link, NULL, &(struct locust_msg){.type = LOCUST_MSG_CLIENT_STOPPED,
                                                         .node_id = t->node});
        break;
    case LOCUST_MSG_QUIT:
        t->got_quit = true;
        send_stats(t, false);
        send_or_fail(t->link, NULL, &(struct locust_msg){.type = LOCUST_MSG_QUIT,
                                                         .node_id = t->node});
        ev_break(t->loop, EVBREAK_ALL);
        break;
    default:
        break;
    }
}

static void worker_on_error(struct locust_link *link, const char *peer, const char *err,
                            void *arg)
{
    struct worker_test *t = arg;

    (void)link;
    (void)peer;
    record_error(t->errors, sizeof t->errors, err);
}

/* The master's stats CSV row for GET /stub, or "" when there is none. */
static void csv_row(const char *csv, const char *prefix, char *row, size_t n)
{
    size_t len;
    char *text = locust_fixture_slurp(csv, &len), *at = strstr(text, prefix), *end;

    row[0] = '\0';
    if (at) {
        end = strpbrk(at, "\r\n");
        snprintf(row, n, "%.*s", (int)(end ? end - at : (long)strlen(at)), at);
    }
    free(text);
}

static void test_worker_under_locust_master(void **state)
{
    char port[16], log[128], prefix[128], csv[160], row[512], err[256];
    struct worker_test t = {.state = LOCUST_STATE_READY};
    struct locust_link_handlers h = {worker_on_msg, worker_on_error, NULL, &t};
    int status;

    (void)state;
    snprintf(port, sizeof port, "%d", free_port());
    snprintf(log, sizeof log, "%s/master.log", tmpdir);
    snprintf(prefix, sizeof prefix, "%s/master", tmpdir);
    snprintf(csv, sizeof csv, "%s_stats.csv", prefix);
    start_locust((const char *const[]){
        "-f", "tests/fixtures/locust/stub_master.py", "--master", "--headless",
        "--expect-workers", "1", "-u", "2", "-r", "2", "-t", "3s", "--master-bind-host",
        "127.0.0.1", "--master-bind-port", port, "--csv", prefix, "--only-summary", NULL}, log);
    t.loop = ev_loop_new(EVFLAG_AUTO);
    assert_int_equal(locust_link_make_node_id(t.node, sizeof t.node), 0);
    t.link = locust_link_connect(t.loop, "127.0.0.1", atoi(port), t.node, &h, err, sizeof err);
    if (!t.link)
        fail_msg("connect: %s", err);
    ev_timer_init(&t.heartbeat, heartbeat_cb, 0, 1.0);     /* Locust's HEARTBEAT_INTERVAL */
    t.heartbeat.data = &t;
    /* -1: the escape from the version check that boomer and locust4j use */
    send_or_fail(t.link, NULL, &(struct locust_msg){
        .type = LOCUST_MSG_CLIENT_READY, .node_id = t.node,
        .version = {.kind = LOCUST_VALUE_INT, .i = -1}});
    if (run_loop(t.loop, LOCUST_DEADLINE)) {
        print_log(log);
        fail_msg("no quit from the master within %.0f s (ack %d, spawns %d)", LOCUST_DEADLINE,
                 t.got_ack, t.spawns);
    }
    ev_timer_stop(t.loop, &t.heartbeat);
    locust_link_destroy(t.link);
    ev_loop_destroy(t.loop);
    status = wait_child(LOCUST_DEADLINE);
    if (t.errors[0])
        fail_msg("link error: %s", t.errors);
    assert_true(t.got_ack);
    assert_int_equal(t.index, 0);
    assert_true(t.spawns >= 1);
    assert_string_equal(t.class_name, "StubUser");
    assert_int_equal(t.class_count, 2);
    assert_true(t.got_quit);
    csv_row(csv, "GET,/stub,", row, sizeof row);
    if (status < 0 || strncmp(row, "GET,/stub,3,1,", 14) != 0) {
        print_log(log);
        fail_msg("master exit %d, its row for /stub: \"%s\"", status, row);
    }
}

/* ---- (b) hornet's master link with a real Locust worker ---- */

struct master_test {
    struct ev_loop *loop;
    struct locust_link *link;
    char peer[LOCUST_LINK_NODE_ID_MAX];
    struct locust_value version;
    char version_text[32];
    int heartbeats, spawning, reports;
    int64_t completed_users;
    uint64_t requests, failures, rt_count;
    bool sent_quit, got_quit, keys_match;
    char errors[512];
};

static void master_on_ready(struct master_test *t, const char *peer, const struct locust_msg *m)
{
    static const struct locust_class_count cls = {"StubUser", 1};

    snprintf(t->peer, sizeof t->peer, "%s", peer);
    t->version = m->version;
    snprintf(t->version_text, sizeof t->version_text, "%s",
             m->version.kind == LOCUST_VALUE_STR ? m->version.s : "(not a str)");
    if (strcmp(peer, m->node_id) != 0)
        record_error(t->errors, sizeof t->errors, "identity and node_id differ");
    send_or_fail(t->link, peer, &(struct locust_msg){.type = LOCUST_MSG_ACK, .node_id = peer,
                                                     .ack = {true, 0}});
    send_or_fail(t->link, peer, &(struct locust_msg){
        .type = LOCUST_MSG_SPAWN, .node_id = peer,
        .spawn = {.timestamp = wall_now(), .classes = &cls, .n_classes = 1,
                  .host = "http://127.0.0.1:9"}});
}

static void master_on_stats(struct master_test *t, const char *peer,
                            const struct locust_stats_payload *p)
{
    t->reports++;
    for (size_t i = 0; i < p->n_entries; i++) {
        if (strcmp(p->entries[i].name, "/stub") != 0)
            continue;
        t->requests += p->entries[i].num_requests;
        t->failures += p->entries[i].num_failures;
        for (size_t k = 0; k < p->entries[i].n_rt; k++)
            t->rt_count += p->entries[i].rt[k].count;
    }
    for (size_t i = 0; i < p->n_errors; i++) {
        char key[65];

        assert_int_equal(locust_stats_error_key(p->errors[i].method, p->errors[i].name,
                                                p->errors[i].error, key), 0);
        t->keys_match = strcmp(key, p->errors[i].key) == 0;
        if (!t->keys_match)
            record_error(t->errors, sizeof t->errors, "an error key differs");
    }
    if (t->requests >= 5 && t->failures >= 1 && !t->sent_quit) {
        send_or_fail(t->link, peer, &(struct locust_msg){.type = LOCUST_MSG_QUIT,
                                                         .node_id = peer});
        t->sent_quit = true;
    }
}

static void master_on_msg(struct locust_link *link, const char *peer,
                          const struct locust_msg *m, void *arg)
{
    struct master_test *t = arg;

    (void)link;
    assert_non_null(peer);
    switch (m->type) {
    case LOCUST_MSG_CLIENT_READY: master_on_ready(t, peer, m); break;
    case LOCUST_MSG_HEARTBEAT: t->heartbeats += m->heartbeat.state != LOCUST_STATE_OTHER; break;
    case LOCUST_MSG_SPAWNING: t->spawning++; break;
    case LOCUST_MSG_SPAWNING_COMPLETE:
        t->completed_users = m->spawning_complete.user_count;
        break;
    case LOCUST_MSG_STATS: master_on_stats(t, peer, m->stats); break;
    case LOCUST_MSG_QUIT:
        t->got_quit = true;
        ev_break(t->loop, EVBREAK_ALL);
        break;
    default: break;
    }
}

static void master_on_error(struct locust_link *link, const char *peer, const char *err,
                            void *arg)
{
    struct master_test *t = arg;

    (void)link;
    (void)peer;
    record_error(t->errors, sizeof t->errors, err);
}

static void test_master_with_locust_worker(void **state)
{
    char port[16], log[128], err[256];
    struct master_test t = {0};
    struct locust_link_handlers h = {master_on_msg, master_on_error, NULL, &t};
    int status;

    (void)state;
    snprintf(log, sizeof log, "%s/worker.log", tmpdir);
    t.loop = ev_loop_new(EVFLAG_AUTO);
    t.link = locust_link_listen(t.loop, "127.0.0.1", 0, &h, err, sizeof err);
    if (!t.link)
        fail_msg("listen: %s", err);
    snprintf(port, sizeof port, "%d", locust_link_port(t.link));
    start_locust((const char *const[]){
        "-f", "tests/fixtures/locust/stub_worker.py", "--worker", "--master-host",
        "127.0.0.1", "--master-port", port, NULL}, log);
    if (run_loop(t.loop, LOCUST_DEADLINE)) {
        print_log(log);
        fail_msg("the worker did not quit within %.0f s (reports %d, requests %llu)",
                 LOCUST_DEADLINE, t.reports, (unsigned long long)t.requests);
    }
    locust_link_destroy(t.link);
    ev_loop_destroy(t.loop);
    status = wait_child(LOCUST_DEADLINE);
    if (t.errors[0])
        fail_msg("link error: %s", t.errors);
    assert_int_equal(t.version.kind, LOCUST_VALUE_STR);
    assert_string_equal(t.version_text, "");           /* Debian's 2.12.1 packaging */
    assert_true(t.heartbeats >= 1);
    assert_true(t.spawning >= 1);
    assert_int_equal(t.completed_users, 1);
    assert_true(t.requests >= 5 && t.failures >= 1);
    assert_true(t.rt_count == t.requests);
    assert_true(t.keys_match);
    assert_true(t.got_quit);
    assert_int_equal(status, 0);
}

/* ---- (c) the links among themselves ---- */

struct pair_test {
    struct ev_loop *loop;
    struct locust_link *worker, *master;
    int received, expected, bad;
    int64_t next_seq;
    bool out_of_order, destroy_in_cb;
    char peer[LOCUST_LINK_NODE_ID_MAX];
    char last_error[256];
};

static void pair_on_msg(struct locust_link *link, const char *peer, const struct locust_msg *m,
                        void *arg)
{
    struct pair_test *t = arg;

    if (m->type == LOCUST_MSG_ACK) {          /* sequence numbers ride in ack indexes */
        if (m->ack.index != t->next_seq)
            t->out_of_order = true;
        t->next_seq = m->ack.index + 1;
    }
    if (peer)
        snprintf(t->peer, sizeof t->peer, "%s", peer);
    if (++t->received + t->bad >= t->expected)
        ev_break(t->loop, EVBREAK_ALL);
    if (t->destroy_in_cb) {
        locust_link_destroy(link);
        if (link == t->master)
            t->master = NULL;
        ev_break(t->loop, EVBREAK_ALL);
    }
}

static void pair_on_error(struct locust_link *link, const char *peer, const char *err,
                          void *arg)
{
    struct pair_test *t = arg;

    (void)link;
    (void)peer;
    t->bad++;
    snprintf(t->last_error, sizeof t->last_error, "%s", err);
    if (t->received + t->bad >= t->expected)
        ev_break(t->loop, EVBREAK_ALL);
}

static struct locust_link *pair_master(struct pair_test *t, int port)
{
    struct locust_link_handlers h = {pair_on_msg, pair_on_error, NULL, t};
    char err[256];
    struct locust_link *l = locust_link_listen(t->loop, "127.0.0.1", port, &h, err, sizeof err);

    if (!l)
        fail_msg("listen: %s", err);
    return l;
}

static struct locust_link *pair_worker(struct pair_test *t, int port, const char *node)
{
    struct locust_link_handlers h = {pair_on_msg, pair_on_error, NULL, t};
    char err[256];
    struct locust_link *l = locust_link_connect(t->loop, "127.0.0.1", port, node, &h, err,
                                                sizeof err);

    if (!l)
        fail_msg("connect: %s", err);
    return l;
}

/* Frames sent while no master listens fill libzmq's pipe, then the link's queue, then are
 * refused; once a master binds, every accepted frame arrives, in order. */
static void test_queue_until_master_binds(void **state)
{
    struct pair_test t = {0};
    int port = free_port(), accepted = 0;
    char err[256] = "";

    (void)state;
    t.loop = ev_loop_new(EVFLAG_AUTO);
    t.worker = pair_worker(&t, port, "w-queue");
    for (int64_t i = 0; i < 5000; i++) {
        if (locust_link_send_msg(t.worker, NULL, &(struct locust_msg){
                .type = LOCUST_MSG_ACK, .node_id = "w-queue", .ack = {true, i}},
                err, sizeof err) != 0)
            break;
        accepted++;
    }
    assert_string_equal(err, "send queue full (256 frames): the peer does not read");
    assert_int_equal(locust_link_queued(t.worker), LOCUST_LINK_QUEUE_MAX);
    assert_true(accepted > LOCUST_LINK_QUEUE_MAX && accepted < 5000);
    t.expected = accepted;
    t.master = pair_master(&t, port);
    assert_false(run_loop(t.loop, LOCAL_DEADLINE));
    assert_int_equal(t.received, accepted);
    assert_false(t.out_of_order);
    assert_int_equal(locust_link_queued(t.worker), 0);
    assert_string_equal(t.peer, "w-queue");
    locust_link_destroy(t.worker);
    locust_link_destroy(t.master);
    ev_loop_destroy(t.loop);
}

/* A master answers by node id; an unknown one is an error, not a silent drop. */
static void test_master_answers_by_identity(void **state)
{
    struct pair_test t = {.expected = 1};
    char err[256];

    (void)state;
    t.loop = ev_loop_new(EVFLAG_AUTO);
    t.master = pair_master(&t, 0);
    t.worker = pair_worker(&t, locust_link_port(t.master), "w-answer");
    send_or_fail(t.worker, NULL, &(struct locust_msg){.type = LOCUST_MSG_CLIENT_READY,
                                                      .node_id = "w-answer"});
    assert_false(run_loop(t.loop, LOCAL_DEADLINE));
    assert_string_equal(t.peer, "w-answer");
    t.expected = 2;
    t.next_seq = 7;
    send_or_fail(t.master, "w-answer", &(struct locust_msg){.type = LOCUST_MSG_ACK,
                                                            .node_id = "w-answer",
                                                            .ack = {true, 7}});
    assert_false(run_loop(t.loop, LOCAL_DEADLINE));
    assert_int_equal(t.next_seq, 8);
    assert_int_equal(locust_link_send_msg(t.master, "nobody", &(struct locust_msg){
        .type = LOCUST_MSG_QUIT, .node_id = "nobody"}, err, sizeof err), -1);
    assert_string_equal(err, "no worker \"nobody\" is connected");
    assert_int_equal(locust_link_send(t.master, NULL, "x", 1, err, sizeof err), -1);
    assert_int_equal(locust_link_send(t.worker, "m", "x", 1, err, sizeof err), -1);
    locust_link_destroy(t.worker);
    locust_link_destroy(t.master);
    ev_loop_destroy(t.loop);
}

/* Garbage and wrongly framed messages from a raw DEALER are reported; the link goes on. */
static void test_bad_frames_reported(void **state)
{
    struct pair_test t = {.expected = 4};
    void *ctx = zmq_ctx_new(), *raw = zmq_socket(ctx, ZMQ_DEALER);
    char endpoint[64];
    static const unsigned char ready[] = {0x93, 0xac, 'c', 'l', 'i', 'e', 'n', 't', '_', 'r',
                                          'e', 'a', 'd', 'y', 0xff, 0xa3, 'r', 'a', 'w'};
    int linger = 0;

    (void)state;
    t.loop = ev_loop_new(EVFLAG_AUTO);
    t.master = pair_master(&t, 0);
    snprintf(endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", locust_link_port(t.master));
    zmq_setsockopt(raw, ZMQ_ROUTING_ID, "raw", 3);
    zmq_setsockopt(raw, ZMQ_LINGER, &linger, sizeof linger);
    assert_int_equal(zmq_connect(raw, endpoint), 0);
    assert_int_equal(zmq_send(raw, "\x93\xa4stop", 6, 0), 6);          /* truncated */
    assert_int_equal(zmq_send(raw, "a", 1, ZMQ_SNDMORE), 1);           /* two frames */
    assert_int_equal(zmq_send(raw, "b", 1, 0), 1);
    assert_int_equal(zmq_send(raw, "\xc1", 1, 0), 1);                  /* never-used byte */
    assert_int_equal(zmq_send(raw, ready, sizeof ready, 0), (int)sizeof ready);
    assert_false(run_loop(t.loop, LOCAL_DEADLINE));
    assert_int_equal(t.bad, 3);
    assert_int_equal(t.received, 1);
    assert_string_equal(t.peer, "raw");
    zmq_close(raw);
    zmq_ctx_term(ctx);
    locust_link_destroy(t.master);
    ev_loop_destroy(t.loop);
}

/* reconnect keeps the identity; destroy from inside a callback is deferred safely. */
static void test_reconnect_and_destroy_in_callback(void **state)
{
    struct pair_test t = {.expected = 1};
    char err[256];

    (void)state;
    t.loop = ev_loop_new(EVFLAG_AUTO);
    t.master = pair_master(&t, 0);
    t.worker = pair_worker(&t, locust_link_port(t.master), "w-again");
    send_or_fail(t.worker, NULL, &(struct locust_msg){.type = LOCUST_MSG_SPAWNING,
                                                      .node_id = "w-again"});
    assert_false(run_loop(t.loop, LOCAL_DEADLINE));
    assert_int_equal(locust_link_reconnect(t.worker, err, sizeof err), 0);
    assert_int_equal(locust_link_reconnect(t.master, err, sizeof err), -1);
    t.expected = 2;
    t.peer[0] = '\0';
    send_or_fail(t.worker, NULL, &(struct locust_msg){.type = LOCUST_MSG_SPAWNING,
                                                      .node_id = "w-again"});
    assert_false(run_loop(t.loop, LOCAL_DEADLINE));
    assert_string_equal(t.peer, "w-again");
    t.destroy_in_cb = true;
    t.expected = 100;
    for (int i = 0; i < 3; i++)                 /* more arrive after the destroy: dropped */
        send_or_fail(t.worker, NULL, &(struct locust_msg){.type = LOCUST_MSG_SPAWNING,
                                                          .node_id = "w-again"});
    assert_false(run_loop(t.loop, LOCAL_DEADLINE));
    assert_null(t.master);
    assert_int_equal(t.received, 3);
    locust_link_destroy(t.worker);
    ev_loop_destroy(t.loop);
}

static void test_node_id(void **state)
{
    char id[LOCUST_LINK_NODE_ID_MAX], other[LOCUST_LINK_NODE_ID_MAX], small[40];
    const char *us;

    (void)state;
    assert_int_equal(locust_link_make_node_id(id, sizeof id), 0);
    assert_int_equal(locust_link_make_node_id(other, sizeof other), 0);
    us = strrchr(id, '_');
    assert_non_null(us);
    assert_int_equal(strlen(us + 1), 32);
    assert_true(strspn(us + 1, "0123456789abcdef") == 32);
    assert_string_not_equal(id, other);
    assert_int_equal(locust_link_make_node_id(small, sizeof small), 0);
    assert_true(strlen(small) < sizeof small);
    assert_int_equal(locust_link_make_node_id(small, 20), -1);
}

static int setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hornet-link.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    if (child > 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_node_id),
        cmocka_unit_test(test_master_answers_by_identity),
        cmocka_unit_test(test_queue_until_master_binds),
        cmocka_unit_test(test_bad_frames_reported),
        cmocka_unit_test(test_reconnect_and_destroy_in_callback),
        cmocka_unit_test(test_worker_under_locust_master),
        cmocka_unit_test(test_master_with_locust_worker),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
