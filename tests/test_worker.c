/* Worker tests: the libcurl <-> libev glue and the per-request setup of user.c, through the
 * engine, against a small HTTP/1.1 server in this file that records what it receives (request
 * lines, User-Agent lines, connections) and can close connections after each response or
 * when they sit idle. What hornet counts must equal what this server saw. Every run is bounded
 * by a run time and a hard deadline; the server polls with a timeout. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "engine.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "waits.h"
#include "version.h"

#define MAX_CONNS 600

/* ---- the recording server ------------------------------------------------------------------ */

struct conn {
    int fd;
    size_t len;
    double idle_since;
    char buf[4096];
};

struct server {
    int listen_fd, port;
    pthread_t thread;
    _Atomic bool stop;
    bool close_after_response;   /* "Connection: close" and close, every response */
    double close_idle_after;     /* > 0: close keep-alive connections idle this long */
    size_t big_body;             /* > 0: answer with a chunked body of big_body - 100 bytes,
                                    then a chunk of 200 and a last one of 4 ("TAIL") */
    bool broken_answers;         /* answer a garbage status line and 400 kB of headers in
                                    turn, closing the connection after each */
    struct conn conns[MAX_CONNS];
    int n_conns;
    /* what was received (read after the thread joined) */
    uint64_t requests, connections, closed_idle;
    uint64_t ua_default, ua_custom, ua_other, ua_lines;
    uint64_t absolute_form;         /* "GET http://..." request lines (through a proxy) */
    uint64_t bad;                   /* heads that do not parse */
};

/* Count the User-Agent lines of one head (NUL-terminated, lines end in CRLF; header names in
 * any case). */
static void note_user_agents(struct server *sv, const char *head)
{
    const char *hornet = "hornet/" HORNET_VERSION "\r\n";
    const char *p = head;

    while ((p = strstr(p, "\r\n"))) {
        p += 2;
        if (strncasecmp(p, "User-Agent: ", 12) != 0)
            continue;
        sv->ua_lines++;
        if (strncmp(p + 12, hornet, strlen(hornet)) == 0)
            sv->ua_default++;
        else if (strncmp(p + 12, "custom/1\r\n", 10) == 0)
            sv->ua_custom++;
        else
            sv->ua_other++;
    }
}

static char *find_crlfcrlf(char *p, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(p + i, "\r\n\r\n", 4) == 0)
            return p + i;
    return NULL;
}

static void drop(struct server *sv, int i)
{
    close(sv->conns[i].fd);
    sv->conns[i] = sv->conns[--sv->n_conns];
}

static void send_all(int fd, const char *data, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, data, n, MSG_NOSIGNAL);
        if (k <= 0)
            return;
        data += k;
        n -= (size_t)k;
    }
}

/* The big_body answer: its chunks are separate writes of the client's chunk decoder, so the
 * 200-byte one passes a keep limit of big_body that the 4-byte one after it would not. */
static void send_big_body(int fd, size_t size)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    size_t first = size - 100;
    char line[32], *fill = malloc(first);

    if (!fill)
        return;
    send_all(fd, head, sizeof head - 1);
    snprintf(line, sizeof line, "%zx\r\n", first);
    send_all(fd, line, strlen(line));
    memset(fill, 'x', first);
    send_all(fd, fill, first);
    memset(fill, 'y', 200);
    send_all(fd, "\r\nc8\r\n", 6);
    send_all(fd, fill, 200);
    send_all(fd, "\r\n4\r\nTAIL\r\n0\r\n\r\n", 16);
    free(fill);
}

/* The broken_answers answer to request number n: no HTTP status line at all, or a valid one
 * with 400 kB of headers (libcurl takes 300 kB), each line well under its own bound. */
static void send_broken_answer(int fd, uint64_t n)
{
    char line[1024];

    if (n % 2 == 1) {
        send_all(fd, "garbage\r\n\r\n", 11);
        return;
    }
    send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", 36);
    memset(line, 'a', sizeof line);
    memcpy(line, "X-Pad: ", 7);
    memcpy(line + sizeof line - 2, "\r\n", 2);
    for (int i = 0; i < 400; i++)
        send_all(fd, line, sizeof line);
    send_all(fd, "\r\n", 2);
}

/* Answer every complete head in conn i; false when the connection was closed. */
static bool serve(struct server *sv, int i)
{
    static const char keep[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}";
    static const char closing[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                  "Connection: close\r\nContent-Length: 15\r\n\r\n"
                                  "{\"status\":\"ok\"}";
    struct conn *c = &sv->conns[i];
    char *end;

    while ((end = find_crlfcrlf(c->buf, c->len))) {
        size_t head_len = (size_t)(end - c->buf) + 4;
        char head[sizeof c->buf + 1];
        memcpy(head, c->buf, head_len);
        head[head_len] = '\0';
        sv->requests++;
        if (strncmp(head, "GET ", 4) != 0)
            sv->bad++;
        if (strncmp(head, "GET http://", 11) == 0)
            sv->absolute_form++;
        note_user_agents(sv, head);
        memmove(c->buf, c->buf + head_len, c->len - head_len);
        c->len -= head_len;
        if (sv->big_body) {
            send_big_body(c->fd, sv->big_body);
            continue;
        }
        if (sv->broken_answers) {
            send_broken_answer(c->fd, sv->requests);
            drop(sv, i);
            return false;
        }
        if (sv->close_after_response) {
            (void)!write(c->fd, closing, sizeof closing - 1);
            drop(sv, i);
            return false;
        }
        (void)!write(c->fd, keep, sizeof keep - 1);
    }
    c->idle_since = waits_now();
    return true;
}

static void accept_all(struct server *sv)
{
    int fd;

    while ((fd = accept(sv->listen_fd, NULL, NULL)) >= 0) {
        if (sv->n_conns == MAX_CONNS) {
            close(fd);
            continue;
        }
        sv->conns[sv->n_conns++] = (struct conn){.fd = fd, .idle_since = waits_now()};
        sv->connections++;
    }
}

static void read_conn(struct server *sv, int i)
{
    struct conn *c = &sv->conns[i];
    ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);

    if (n <= 0) {
        drop(sv, i);
        return;
    }
    c->len += (size_t)n;
    if (serve(sv, i) && sv->conns[i].len == sizeof c->buf) {
        sv->bad++;
        drop(sv, i);
    }
}

static void close_idle(struct server *sv)
{
    double now = waits_now();

    for (int i = sv->n_conns - 1; i >= 0; i--) {
        if (sv->conns[i].len == 0 && now - sv->conns[i].idle_since > sv->close_idle_after) {
            drop(sv, i);
            sv->closed_idle++;
        }
    }
}

static void *server_main(void *arg)
{
    struct server *sv = arg;
    struct pollfd pfd[MAX_CONNS + 1];

    while (!atomic_load(&sv->stop)) {
        int n = sv->n_conns;
        pfd[0] = (struct pollfd){.fd = sv->listen_fd, .events = POLLIN};
        for (int i = 0; i < n; i++)
            pfd[i + 1] = (struct pollfd){.fd = sv->conns[i].fd, .events = POLLIN};
        if (poll(pfd, (nfds_t)n + 1, 10) < 0 && errno != EINTR)
            break;
        for (int i = n - 1; i >= 0; i--)       /* backwards: drop() moves the last one */
            if (pfd[i + 1].revents)
                read_conn(sv, i);
        if (pfd[0].revents)
            accept_all(sv);
        if (sv->close_idle_after > 0)
            close_idle(sv);
    }
    while (sv->n_conns > 0)
        drop(sv, sv->n_conns - 1);
    return NULL;
}

static void server_start(struct server *sv)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int one = 1;

    sv->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(sv->listen_fd >= 0);
    fcntl(sv->listen_fd, F_SETFL, O_NONBLOCK);
    setsockopt(sv->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    assert_int_equal(bind(sv->listen_fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(sv->listen_fd, 1024), 0);
    assert_int_equal(getsockname(sv->listen_fd, (struct sockaddr *)&a, &len), 0);
    sv->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&sv->thread, NULL, server_main, sv), 0);
}

static void server_stop(struct server *sv)
{
    atomic_store(&sv->stop, true);
    pthread_join(sv->thread, NULL);
    close(sv->listen_fd);
}

/* ---- running the engine -------------------------------------------------------------------- */

struct fixture {
    struct server sv;
    struct scenario *scn;
    struct engine *engine;
    struct snapshot *snap;
    char host[64];
};

static void run(struct fixture *f, const char *json, const char *host, int threads,
                uint32_t users, double run_time)
{
    struct engine_config cfg = {
        .host = host, .threads = threads, .seed = 3, .users = users, .spawn_rate = 10000,
        .run_time = run_time, .stop_timeout = 5.0, .publish_interval = 0.05,
    };
    char err[512];
    double deadline;

    if (scenario_load_string(json, "test.json", &f->scn, err, sizeof err) < 0)
        fail_msg("scenario: %s", err);
    cfg.scenario = f->scn;
    f->engine = engine_create(&cfg, err, sizeof err);
    if (!f->engine || engine_start(f->engine, err, sizeof err) < 0)
        fail_msg("engine: %s", err);
    deadline = waits_now() + run_time + 20;
    do {
        engine_snapshot(f->engine, f->snap);
        if (f->snap->finished)
            break;
        waits_pause();
    } while (waits_now() < deadline);
    if (!f->snap->finished)
        fail_msg("the run did not finish in time");
    engine_destroy(f->engine);          /* joins the workers: connections closed */
    f->engine = NULL;
    server_stop(&f->sv);
}

static void run_here(struct fixture *f, const char *json, int threads, uint32_t users,
                     double run_time)
{
    snprintf(f->host, sizeof f->host, "http://127.0.0.1:%d", f->sv.port);
    run(f, json, f->host, threads, users, run_time);
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
    if (f->scn)
        scenario_free(f->scn);
    free(f->snap);
    free(f);
    return 0;
}

/* A one-step GET scenario with a constant wait (seconds, as JSON text). */
static const char *scenario_get(char *buf, size_t n, const char *wait)
{
    snprintf(buf, n, "{\"name\": \"get\", \"user_classes\": [{\"name\": \"U\", \"wait\": "
             "{\"constant\": %s}, \"tasks\": [{\"name\": \"t\", \"steps\": [{\"method\": "
             "\"GET\", \"path\": \"/x\"}]}]}]}", wait);
    return buf;
}

static void assert_counts_match(const struct fixture *f)
{
    assert_true(f->snap->total.requests > 0);
    assert_int_equal(f->snap->total.failures, 0);
    assert_int_equal(f->snap->total.requests, f->sv.requests);
    assert_int_equal(f->sv.bad, 0);
}

/* ---- tests ------------------------------------------------------------------------------- */

/* Every request carries hornet's User-Agent once, unless the step sends its own. */
static void test_user_agent_default_and_override(void **state)
{
    static const char *json =
        "{\"name\": \"ua\", \"user_classes\": ["
        " {\"name\": \"Plain\", \"weight\": 1, \"wait\": {\"constant\": 0.01},"
        "  \"tasks\": [{\"name\": \"t\", \"steps\": [{\"method\": \"GET\", \"path\": \"/a\"}]}]},"
        " {\"name\": \"Own\", \"weight\": 1, \"wait\": {\"constant\": 0.01},"
        "  \"headers\": {\"user-agent\": \"custom/1\"},"
        "  \"tasks\": [{\"name\": \"t\", \"steps\": [{\"method\": \"GET\", \"path\": \"/b\"}]}]}"
        "]}";
    struct fixture *f = *state;

    server_start(&f->sv);
    run_here(f, json, 1, 4, 0.5);
    assert_counts_match(f);
    assert_int_equal(f->sv.ua_lines, f->sv.requests);       /* exactly one per request */
    assert_int_equal(f->sv.ua_other, 0);
    assert_true(f->sv.ua_default > 0);
    assert_true(f->sv.ua_custom > 0);
    assert_int_equal(f->sv.ua_default + f->sv.ua_custom, f->sv.requests);
}

/* http_proxy set when the engine starts: requests go through it (absolute-form request line),
 * as libcurl does by itself; the host named in the URL is never contacted. */
static void test_proxy_variable_is_honoured(void **state)
{
    struct fixture *f = *state;
    char json[512], proxy[64];
    const char *saved[2] = {getenv("no_proxy"), getenv("NO_PROXY")};
    char *keep[2] = {saved[0] ? strdup(saved[0]) : NULL, saved[1] ? strdup(saved[1]) : NULL};

    server_start(&f->sv);
    snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", f->sv.port);
    setenv("http_proxy", proxy, 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    run(f, scenario_get(json, sizeof json, "0.01"), "http://127.0.0.1:1", 1, 2, 0.4);
    unsetenv("http_proxy");
    if (keep[0])
        setenv("no_proxy", keep[0], 1);
    if (keep[1])
        setenv("NO_PROXY", keep[1], 1);
    free(keep[0]);
    free(keep[1]);
    assert_counts_match(f);
    assert_int_equal(f->sv.absolute_form, f->sv.requests);
}

/* Without proxy variables the same run goes straight to the host. */
static void test_no_proxy_variable_goes_direct(void **state)
{
    struct fixture *f = *state;
    char json[512];

    unsetenv("http_proxy");
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
    server_start(&f->sv);
    run_here(f, scenario_get(json, sizeof json, "0.01"), 1, 2, 0.3);
    assert_counts_match(f);
    assert_int_equal(f->sv.absolute_form, 0);
}

/* Many users on one thread spread over several multi handles: every request is counted, and
 * keep-alive connections are reused (never more connections than users). */
static void test_many_users_over_several_multis(void **state)
{
    struct fixture *f = *state;
    char json[512];

    server_start(&f->sv);
    run_here(f, scenario_get(json, sizeof json, "0.005"), 1, 300, 1.5);
    assert_counts_match(f);
    assert_true(f->sv.requests > 600);          /* every user ran at least twice */
    assert_true(f->sv.connections > 0);
    assert_true(f->sv.connections <= 300);      /* kept alive and reused, never more */
}

/* Users that think between requests are not in their multi handle meanwhile; their idle
 * connections must survive (libcurl's default cache size counts only handles in the multi).
 * "localhost" goes through libcurl's resolver, whose sockets are not connections. */
static void test_thinking_users_keep_their_connections(void **state)
{
    struct fixture *f = *state;
    char json[512];

    server_start(&f->sv);
    snprintf(f->host, sizeof f->host, "http://localhost:%d", f->sv.port);
    run(f, scenario_get(json, sizeof json, "0.05"), f->host, 1, 64, 0.8);
    assert_counts_match(f);
    assert_true(f->sv.requests > 64 * 5);
    assert_true(f->sv.connections <= 64);
}

/* A server that closes every connection after its response: descriptors are reused all the
 * time, and each new socket must be watched again. */
static void test_connection_close_after_each_response(void **state)
{
    struct fixture *f = *state;
    char json[512];

    f->sv.close_after_response = true;
    server_start(&f->sv);
    run_here(f, scenario_get(json, sizeof json, "0"), 2, 20, 0.5);
    assert_counts_match(f);
    assert_true(f->sv.requests > 100);
    assert_int_equal(f->sv.connections, f->sv.requests);
}

/* Keep-alive connections the server closes while the users think: the watched idle socket
 * becomes readable (EOF); the next request finds the connection dead and opens a new one. */
static void test_idle_connections_closed_by_the_server(void **state)
{
    struct fixture *f = *state;
    char json[512];

    f->sv.close_idle_after = 0.05;
    server_start(&f->sv);
    run_here(f, scenario_get(json, sizeof json, "0.25"), 1, 10, 0.6);
    assert_counts_match(f);
    assert_true(f->sv.closed_idle > 0);
    assert_true(f->sv.connections > 10);        /* reconnected after idle closes */
}

/* A one-step GET scenario whose step checks that the body contains "TAIL"; extra: more
 * top-level members (JSON text ending in a comma, or ""). */
static const char *scenario_tail(char *buf, size_t n, const char *extra, const char *checks)
{
    snprintf(buf, n, "{\"name\": \"big\", %s \"user_classes\": [{\"name\": \"U\", \"wait\": "
             "{\"constant\": 0.05}, \"tasks\": [{\"name\": \"t\", \"steps\": [{\"method\": "
             "\"GET\", \"path\": \"/x\", %s}]}]}]}", extra, checks);
    return buf;
}

/* A body over the 8 MB kept for checks is cut there for good: a later, smaller piece is not
 * spliced onto it (which made "TAIL" look present), and the check fails saying why. */
static void test_body_over_the_keep_limit_is_cut(void **state)
{
    struct fixture *f = *state;
    char json[512];

    f->sv.big_body = (size_t)8 << 20;
    server_start(&f->sv);
    run_here(f, scenario_tail(json, sizeof json, "", "\"checks\": [{\"body_contains\": "
                              "\"TAIL\"}]"), 1, 1, 0.3);
    assert_true(f->snap->total.requests > 0);
    assert_int_equal(f->snap->total.failures, f->snap->total.requests);
    assert_int_equal(f->snap->n_errors, 1);
    assert_string_equal(f->snap->errors[0].text, "check failed: body contains \"TAIL\" "
                        "(response body over 8 MB, max_body_kept)");
}

/* The scenario's max_body_kept sets the limit; a capture from a cut body fails too. */
static void test_max_body_kept_is_the_scenario_s(void **state)
{
    struct fixture *f = *state;
    char json[512];

    f->sv.big_body = 2048;
    server_start(&f->sv);
    run_here(f, scenario_tail(json, sizeof json, "\"max_body_kept\": \"1kB\",",
                              "\"capture\": {\"id\": {\"json\": \"id\", "
                              "\"optional\": true}}"), 1, 1, 0.3);
    assert_true(f->snap->total.requests > 0);
    assert_int_equal(f->snap->total.failures, f->snap->total.requests);
    assert_string_equal(f->snap->errors[0].text, "capture id: response body over 1 kB "
                        "(max_body_kept)");
}

/* Transport failures read as libcurl explains them (its error buffer), not as the bare
 * CURLcode ("Unsupported protocol", "Receive error"), one group each whatever the sizes. */
static void test_transport_failures_say_what_happened(void **state)
{
    struct fixture *f = *state;
    char json[512];

    f->sv.broken_answers = true;
    server_start(&f->sv);
    run_here(f, scenario_get(json, sizeof json, "0.02"), 1, 2, 0.5);
    assert_true(f->snap->total.requests >= 4);
    assert_int_equal(f->snap->total.failures, f->snap->total.requests);
    assert_int_equal(f->snap->n_errors, 2);
    for (int i = 0; i < 2; i++) {
        const char *t = f->snap->errors[i].text;
        if (strncmp(t, "Too large response headers: ", 28) == 0)
            assert_non_null(strstr(t, " > 307200"));
        else
            assert_string_equal(t, "Received HTTP/0.9 when not allowed");
    }
    assert_int_equal(f->snap->errors[0].count + f->snap->errors[1].count,
                     f->snap->total.requests);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_user_agent_default_and_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_proxy_variable_is_honoured, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_proxy_variable_goes_direct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_users_over_several_multis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thinking_users_keep_their_connections, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_connection_close_after_each_response, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_idle_connections_closed_by_the_server, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_body_over_the_keep_limit_is_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_body_kept_is_the_scenario_s, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transport_failures_say_what_happened, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
