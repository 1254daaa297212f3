/* Tests of the built-in target's HTTP layer (src/target/conn.c, server.c) over raw sockets:
 * keep-alive, pipelining in order behind simulated latency, bad HTTP, size bounds, timeouts,
 * Expect: 100-continue, HTTP/1.0, half-close, slow readers, many connections, and seeded fuzzing
 * (random bytes, mutated and truncated requests, byte-by-byte sends) after which the target
 * still answers and its counts equal the responses the clients received. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "target/target.h"
#include "target/target_internal.h"
#include "waits.h"

enum { BUF_MAX = 1 << 20 };

struct client {
    int fd;
    char *buf;                  /* received, not yet consumed */
    size_t len;
    bool closed;                /* the server closed (EOF or reset) */
};

struct response {
    int status;
    char head[4096];
    char *body;                 /* NUL-terminated */
    size_t body_len;
};

static struct target *start(struct target_config *c)
{
    char err[256] = "";
    struct target *t;

    c->port = 0;
    t = target_start(c, err, sizeof err);
    if (!t)
        fail_msg("target_start: %s", err);
    return t;
}

static struct target_config quick(void)
{
    struct target_config c;

    target_config_defaults(&c);
    target_config_no_latency(&c);
    return c;
}

/* A socket, not yet connected. */
static void client_socket(struct client *cl)
{
    struct timeval tv = {20, 0};

    memset(cl, 0, sizeof *cl);
    cl->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(cl->fd >= 0);
    setsockopt(cl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(cl->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    cl->buf = malloc(BUF_MAX + 1);
    assert_non_null(cl->buf);
}

static void client_connect(struct client *cl, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(cl->fd, (struct sockaddr *)&sa, sizeof sa), 0);
}

static void client_open(struct client *cl, int port)
{
    client_socket(cl);
    client_connect(cl, port);
}

static void client_close(struct client *cl)
{
    if (cl->fd >= 0)
        close(cl->fd);
    free(cl->buf);
    cl->fd = -1;
    cl->buf = NULL;
}

static void send_all(struct client *cl, const void *data, size_t n)
{
    const char *p = data;

    while (n) {
        ssize_t k = send(cl->fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return;                 /* the server may have closed: the reads will tell */
        p += k;
        n -= (size_t)k;
    }
}

static void send_str(struct client *cl, const char *s)
{
    send_all(cl, s, strlen(s));
}

/* Read more; false when the server closed or the read timed out. */
static bool fill(struct client *cl)
{
    ssize_t k;

    if (cl->closed || cl->len >= BUF_MAX)
        return false;
    k = recv(cl->fd, cl->buf + cl->len, BUF_MAX - cl->len, 0);
    if (k > 0) {
        cl->len += (size_t)k;
        cl->buf[cl->len] = '\0';
        return true;
    }
    if (k == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        cl->closed = true;
    return false;
}

static void consume(struct client *cl, size_t n)
{
    memmove(cl->buf, cl->buf + n, cl->len - n);
    cl->len -= n;
    cl->buf[cl->len] = '\0';
}

/* Read one final response (1xx interim responses are skipped). false when the connection
 * ended first. */
static bool read_response(struct client *cl, struct response *r)
{
    for (;;) {
        char *end = cl->len ? strstr(cl->buf, "\r\n\r\n") : NULL;
        if (!end) {
            if (!fill(cl))
                return false;
            continue;
        }
        size_t head = (size_t)(end - cl->buf) + 4;
        const char *cl_hdr = strstr(cl->buf, "Content-Length: ");
        size_t body = cl_hdr && cl_hdr < end ? strtoul(cl_hdr + 16, NULL, 10) : 0;
        memset(r, 0, sizeof *r);
        if (sscanf(cl->buf, "HTTP/1.1 %d", &r->status) != 1)
            fail_msg("not a response: %.60s", cl->buf);
        if (r->status < 200) {
            consume(cl, head);
            continue;
        }
        while (cl->len < head + body) {
            if (!fill(cl))
                return false;
        }
        snprintf(r->head, sizeof r->head, "%.*s", (int)head, cl->buf);
        r->body = malloc(body + 1);
        memcpy(r->body, cl->buf + head, body);
        r->body[body] = '\0';
        r->body_len = body;
        consume(cl, head + body);
        return true;
    }
}

static void response_free(struct response *r)
{
    free(r->body);
    r->body = NULL;
}

/* The server closes the connection (after what it still had to say). */
static void assert_closed(struct client *cl)
{
    while (fill(cl))
        ;
    assert_true(cl->closed);
}

static int expect_status(struct client *cl, int status)
{
    struct response r;

    if (!read_response(cl, &r))
        fail_msg("connection ended before a %d", status);
    if (r.status != status)
        fail_msg("expected %d, got %d: %s", status, r.status, r.body);
    response_free(&r);
    return status;
}

static const char health[] = "GET /api/v1/health/ HTTP/1.1\r\nHost: t\r\n\r\n";

static void test_keep_alive(void **state)
{
    struct target_config c = quick();
    struct target *t = start(&c);
    struct client cl;
    struct response r;

    (void)state;
    client_open(&cl, target_port(t));
    for (int i = 0; i < 5; i++) {
        send_str(&cl, health);
        assert_true(read_response(&cl, &r));
        assert_int_equal(r.status, 200);
        assert_memory_equal(r.body, "{\"status\": \"ok\", ", 16);
        assert_null(strstr(r.head, "Connection: close"));
        response_free(&r);
    }
    send_str(&cl, "GET /api/v1/_stats/ HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_true(read_response(&cl, &r));
    assert_non_null(strstr(r.body, "\"connections\": {\"accepted\": 1, \"open\": 1}"));
    response_free(&r);
    assert_int_equal(target_count(t, ROUTE_HEALTH, 200), 5);
    client_close(&cl);
    target_stop(t);
}

static void test_pipelining_in_order(void **state)
{
    struct target_config c = quick();
    struct target *t;
    struct client cl;
    struct response r;
    static const char batch[] =
        "POST /api/v1/auth/token/ HTTP/1.1\r\nHost: t\r\nContent-Length: 49\r\n\r\n"
        "{\"username\":\"cab_approver\",\"password\":\"loadtest\"}"
        "GET /api/v1/health/ HTTP/1.1\r\nHost: t\r\n\r\n"
        "GET /api/v1/deployments/x/ HTTP/1.1\r\nHost: t\r\n\r\n"
        "GET /api/v1/health/ HTTP/1.1\r\nHost: t\r\n\r\n"
        "POST /api/v1/auth/token/ HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}"
        "GET /nowhere/ HTTP/1.1\r\nHost: t\r\n\r\n";
    static const int expected[] = {200, 200, 401, 200, 400, 404};

    (void)state;
    assert_int_equal(target_config_latency(&c, "auth_token=40,10", NULL, 0), 0);
    assert_int_equal(target_config_latency(&c, "deployment_get=15", NULL, 0), 0);
    t = start(&c);
    client_open(&cl, target_port(t));
    send_str(&cl, batch);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        assert_true(read_response(&cl, &r));
        if (r.status != expected[i])
            fail_msg("response %zu: expected %d, got %d", i, expected[i], r.status);
        if (i == 0)
            assert_non_null(strstr(r.body, "\"token\": \""));
        response_free(&r);
    }
    client_close(&cl);
    assert_int_equal(target_count(t, ROUTE_AUTH_TOKEN, 200), 1);
    assert_int_equal(target_count(t, ROUTE_AUTH_TOKEN, 400), 1);
    assert_int_equal(target_count(t, ROUTE_HEALTH, 200), 2);
    assert_int_equal(target_count(t, ROUTE_DEPLOYMENT_GET, 401), 1);
    assert_int_equal(target_count(t, ROUTE_OTHER, 404), 1);
    target_stop(t);
}

static void test_pipelining_many(void **state)
{
    struct target_config c = quick();
    struct target *t;
    struct client cl;
    enum { N = 500 };
    char *batch = malloc(N * sizeof health);

    (void)state;
    assert_int_equal(target_config_latency(&c, "health=0,0.05", NULL, 0), 0);
    t = start(&c);
    for (int i = 0; i < N; i++)
        memcpy(batch + (size_t)i * (sizeof health - 1), health, sizeof health - 1);
    client_open(&cl, target_port(t));
    send_all(&cl, batch, N * (sizeof health - 1));
    for (int i = 0; i < N; i++)
        expect_status(&cl, 200);
    client_close(&cl);
    free(batch);
    assert_int_equal(target_count(t, ROUTE_HEALTH, 200), N);
    target_stop(t);
}

static void test_bad_http(void **state)
{
    struct target_config c = quick();
    struct target *t = start(&c);
    struct client cl;
    struct response r;
    static const char *const bad[] = {
        "HELLO\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /api/v1/health/ HTTP/1.1\r\nHost t\r\n\r\n",
        "GET /api/v1/health/ HTTP/1.1\r\nContent-Length: x\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",           /* a TLS hello */
        "GET /api/v1/health/ HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST /api/v1/auth/token/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        client_open(&cl, target_port(t));
        send_str(&cl, bad[i]);
        if (!read_response(&cl, &r))
            fail_msg("case %zu: no response", i);
        if (r.status != 400)
            fail_msg("case %zu: %d", i, r.status);
        assert_non_null(strstr(r.head, "Connection: close\r\n"));
        assert_string_equal(r.body, "{\"detail\": \"Bad request.\"}");
        response_free(&r);
        assert_closed(&cl);
        client_close(&cl);
    }
    /* a good request, then garbage on the same connection: 200, then 400 and close */
    client_open(&cl, target_port(t));
    send_str(&cl, health);
    send_str(&cl, "GET /\x01 HTTP/1.1\r\n\r\n");
    expect_status(&cl, 200);
    expect_status(&cl, 400);
    assert_closed(&cl);
    client_close(&cl);
    assert_int_equal(target_count(t, ROUTE_OTHER, 400), sizeof bad / sizeof bad[0] + 1);
    assert_int_equal(target_count(t, ROUTE_HEALTH, 200), 1);
    target_stop(t);
}

static void test_sizes(void **state)
{
    struct target_config c = quick();
    struct target *t;
    struct client cl;
    char *big = malloc(8192);

    (void)state;
    c.max_header_bytes = 1024;
    c.max_body_bytes = 1000;
    t = start(&c);
    /* a long header value */
    snprintf(big, 8192, "GET /api/v1/health/ HTTP/1.1\r\nX-Pad: %02000d\r\n\r\n", 0);
    client_open(&cl, target_port(t));
    send_str(&cl, big);
    expect_status(&cl, 431);
    assert_closed(&cl);
    client_close(&cl);
    /* a long URL, sent in pieces */
    client_open(&cl, target_port(t));
    send_str(&cl, "GET /api/v1/health/?");
    for (int i = 0; i < 30; i++)
        send_str(&cl, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    send_str(&cl, " HTTP/1.1\r\n\r\n");
    expect_status(&cl, 431);
    client_close(&cl);
    /* many small headers */
    client_open(&cl, target_port(t));
    send_str(&cl, "GET /api/v1/health/ HTTP/1.1\r\n");
    for (int i = 0; i < 300; i++)
        send_str(&cl, "A: b\r\n");
    send_str(&cl, "\r\n");
    expect_status(&cl, 431);
    client_close(&cl);
    /* a declared body that is too large: refused before it is sent */
    client_open(&cl, target_port(t));
    send_str(&cl, "POST /api/v1/deployments/ HTTP/1.1\r\nContent-Length: 5000\r\n\r\n");
    expect_status(&cl, 413);
    assert_closed(&cl);
    client_close(&cl);
    /* a chunked body that grows too large */
    client_open(&cl, target_port(t));
    send_str(&cl, "POST /api/v1/deployments/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    memset(big, 'x', 300);
    memcpy(big + 300, "\r\n", 3);
    for (int i = 0; i < 5; i++) {
        send_str(&cl, "12c\r\n");
        send_str(&cl, big);
    }
    expect_status(&cl, 413);
    client_close(&cl);
    /* just under the bounds is fine */
    client_open(&cl, target_port(t));
    memset(big, 'x', 900);
    big[900] = '\0';
    char body[1100], req[1300];
    int n = snprintf(body, sizeof body, "{\"username\": \"%s\", \"password\": \"loadtest\"", big);
    memset(body + n, ' ', (size_t)(999 - n));
    memcpy(body + 999, "}", 2);
    snprintf(req, sizeof req, "POST /api/v1/auth/token/ HTTP/1.1\r\nContent-Length: %zu\r\n"
             "\r\n%s", strlen(body), body);
    assert_int_equal(strlen(body), 1000);
    send_str(&cl, req);
    expect_status(&cl, 401);
    client_close(&cl);
    free(big);
    assert_int_equal(target_count(t, ROUTE_OTHER, 431), 3);
    assert_int_equal(target_count(t, ROUTE_OTHER, 413), 2);
    assert_int_equal(target_count(t, ROUTE_AUTH_TOKEN, 401), 1);
    target_stop(t);
}

/* Poll _stats until no connection but the caller's is open (bounded). */
static void wait_connections(struct target *t, int open)
{
    char want[64];

    snprintf(want, sizeof want, "\"open\": %d}", open);
    for (int i = 0; i < 2000; i++) {
        char *json = target_counts_json(t);
        bool done = strstr(json, want) != NULL;
        free(json);
        if (done)
            return;
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    fail_msg("connections still open");
}

static void test_timeouts(void **state)
{
    struct target_config c = quick();
    struct target *t;
    struct client cl;
    struct response r;

    (void)state;
    c.request_timeout_s = 0.2;
    c.idle_timeout_s = 0.3;
    t = start(&c);
    /* a request that never completes: 408, then close */
    client_open(&cl, target_port(t));
    send_str(&cl, "GET /api/v1/health/ HTTP/1.1\r\nHost: t\r\n");
    assert_true(read_response(&cl, &r));
    assert_int_equal(r.status, 408);
    assert_non_null(strstr(r.head, "Connection: close"));
    response_free(&r);
    assert_closed(&cl);
    client_close(&cl);
    /* a body that never completes */
    client_open(&cl, target_port(t));
    send_str(&cl, "POST /api/v1/auth/token/ HTTP/1.1\r\nContent-Length: 10\r\n\r\n{");
    expect_status(&cl, 408);
    client_close(&cl);
    /* an idle keep-alive connection is closed without a response */
    client_open(&cl, target_port(t));
    send_str(&cl, health);
    expect_status(&cl, 200);
    assert_closed(&cl);
    assert_int_equal(cl.len, 0);
    client_close(&cl);
    /* slowloris: blank lines between requests do not keep a connection alive */
    client_open(&cl, target_port(t));
    for (int i = 0; i < 40 && !cl.closed; i++) {
        struct timespec pause = {0, 25 * 1000 * 1000};
        send_str(&cl, "\r\n");
        nanosleep(&pause, NULL);
        struct pollfd p = {cl.fd, POLLIN, 0};
        if (poll(&p, 1, 0) > 0)
            fill(&cl);
    }
    assert_closed(&cl);
    client_close(&cl);
    wait_connections(t, 0);
    assert_int_equal(target_count(t, ROUTE_OTHER, 408), 2);
    target_stop(t);
}

static void test_byte_by_byte(void **state)
{
    struct target_config c = quick();
    struct target *t = start(&c);
    struct client cl;
    struct response r;
    static const char req[] =
        "POST /api/v1/auth/token/ HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Content-Length: 51\r\n\r\n{\"username\":\"publisher_user\",\"password\":\"loadtest\"}";

    (void)state;
    client_open(&cl, target_port(t));
    int one = 1;
    setsockopt(cl.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i + 1 < sizeof req; i++) {
            send_all(&cl, req + i, 1);
            if (i % 16 == 0) {
                struct timespec pause = {0, 200 * 1000};
                nanosleep(&pause, NULL);
            }
        }
        assert_true(read_response(&cl, &r));
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"token\""));
        response_free(&r);
    }
    client_close(&cl);
    assert_int_equal(target_count(t, ROUTE_AUTH_TOKEN, 200), 2);
    target_stop(t);
}

static void test_expect_continue(void **state)
{
    struct target_config c = quick();
    struct target *t = start(&c);
    struct client cl;
    static const char body[] = "{\"username\":\"loadtest_user\",\"password\":\"loadtest\"}";
    char head[256];

    (void)state;
    client_open(&cl, target_port(t));
    snprintf(head, sizeof head, "POST /api/v1/auth/token/ HTTP/1.1\r\nHost: t\r\nExpect: "
             "100-continue\r\nContent-Length: %zu\r\n\r\n", sizeof body - 1);
    send_str(&cl, head);
    while (cl.len < 25 && fill(&cl))
        ;
    assert_memory_equal(cl.buf, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    consume(&cl, 25);
    send_str(&cl, body);
    expect_status(&cl, 200);
    client_close(&cl);
    assert_int_equal(target_count(t, ROUTE_AUTH_TOKEN, 200), 1);
    target_stop(t);
}

static void test_http10_and_close(void **state)
{
    struct target_config c = quick();
    struct target *t = start(&c);
    struct client cl;
    struct response r;

    (void)state;
    client_open(&cl, target_port(t));
    send_str(&cl, "GET /api/v1/health/ HTTP/1.0\r\n\r\n");
    assert_true(read_response(&cl, &r));
    assert_non_null(strstr(r.head, "Connection: close\r\n"));
    response_free(&r);
    assert_closed(&cl);
    client_close(&cl);
    client_open(&cl, target_port(t));
    for (int i = 0; i < 2; i++) {
        send_str(&cl, "GET /api/v1/health/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assert_true(read_response(&cl, &r));
        assert_non_null(strstr(r.head, "Connection: keep-alive\r\n"));
        response_free(&r);
    }
    client_close(&cl);
    client_open(&cl, target_port(t));
    send_str(&cl, "GET /api/v1/health/ HTTP/1.1\r\nConnection: close\r\n\r\n"
             "GET /x HTTP/1.1\r\n\r\n");
    expect_status(&cl, 200);
    assert_closed(&cl);                         /* the request after "close" is not answered */
    client_close(&cl);
    /* absolute-form request targets (as sent to proxies) reach the same routes */
    client_open(&cl, target_port(t));
    send_str(&cl, "GET http://example.com/api/v1/health/ HTTP/1.1\r\n\r\n");
    expect_status(&cl, 200);
    client_close(&cl);
    assert_int_equal(target_count(t, ROUTE_HEALTH, 200), 5);
    target_stop(t);
}

static void test_half_close(void **state)
{
    struct target_config c = quick();
    struct target *t = start(&c);
    struct client cl;

    (void)state;
    client_open(&cl, target_port(t));
    send_str(&cl, health);
    send_str(&cl, health);
    shutdown(cl.fd, SHUT_WR);
    expect_status(&cl, 200);
    expect_status(&cl, 200);
    assert_closed(&cl);
    client_close(&cl);
    assert_int_equal(target_count(t, ROUTE_HEALTH, 200), 2);
    target_stop(t);
}

/* A request waiting for its latency blocks neither the loop nor other connections; a client
 * that leaves before its response is never counted as served. */
static void test_latency_does_not_block(void **state)
{
    struct target_config c = quick();
    struct target *t;
    struct client slow, fast;

    (void)state;
    assert_int_equal(target_config_latency(&c, "other=60000", NULL, 0), 0);
    t = start(&c);
    client_open(&slow, target_port(t));
    client_open(&fast, target_port(t));
    send_str(&slow, "GET /somewhere/ HTTP/1.1\r\n\r\n");
    for (int i = 0; i < 20; i++) {
        send_str(&fast, health);
        expect_status(&fast, 200);
    }
    struct pollfd p = {slow.fd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 0), 0);        /* still waiting for its minute */
    client_close(&slow);
    wait_connections(t, 1);
    assert_int_equal(target_count(t, ROUTE_OTHER, 404), 0);
    client_close(&fast);
    target_stop(t);
}

/* Log in and store n deployments over one connection; the token into token[41]. */
static void seed_deployments(struct target *t, int n, char *token)
{
    struct client cl;
    struct response r;
    char req[512];

    client_open(&cl, target_port(t));
    send_str(&cl, "POST /api/v1/auth/token/ HTTP/1.1\r\nContent-Length: 50\r\n\r\n"
             "{\"username\":\"loadtest_user\",\"password\":\"loadtest\"}");
    assert_true(read_response(&cl, &r));
    assert_int_equal(sscanf(r.body, "{\"token\": \"%40s", token), 1);
    response_free(&r);
    snprintf(req, sizeof req, "POST /api/v1/deployments/ HTTP/1.1\r\nAuthorization: Token %s"
             "\r\nContent-Length: 59\r\n\r\n{\"name\": \"a fairly long deployment name to fill the "
             "pages\"}", token);
    for (int i = 0; i < n; i++)
        send_str(&cl, req);
    for (int i = 0; i < n; i++)
        expect_status(&cl, 201);
    client_close(&cl);
}

/* A client that sends much and reads nothing holds its own output, not the loop. */
static void test_slow_reader(void **state)
{
    struct target_config c = quick();
    struct target *t = start(&c);
    struct client greedy, other;
    enum { N = 300 };           /* ~11 KB of requests for ~11 MB of responses */
    char token[41], req[256];

    (void)state;
    seed_deployments(t, 100, token);
    snprintf(req, sizeof req, "GET /api/v1/deployments/?page_size=100 HTTP/1.1\r\n"
             "Authorization: Token %s\r\n\r\n", token);
    client_open(&greedy, target_port(t));
    for (int i = 0; i < N; i++)
        send_str(&greedy, req);
    client_open(&other, target_port(t));
    for (int i = 0; i < 10; i++) {
        send_str(&other, health);
        expect_status(&other, 200);
    }
    for (int i = 0; i < N; i++) {
        struct response r;
        assert_true(read_response(&greedy, &r));
        assert_int_equal(r.status, 200);
        assert_true(r.body_len > 30000);
        response_free(&r);
    }
    client_close(&greedy);
    client_close(&other);
    assert_int_equal(target_count(t, ROUTE_DEPLOYMENT_LIST, 200), N);
    assert_int_equal(target_count(t, ROUTE_HEALTH, 200), 10);
    target_stop(t);
}

static void test_many_connections(void **state)
{
    struct target_config c = quick();
    struct target *t = start(&c);
    enum { N = 300 };
    struct client *cl = calloc(N, sizeof *cl);

    (void)state;
    for (int i = 0; i < N; i++) {
        client_open(&cl[i], target_port(t));
        send_str(&cl[i], health);
    }
    for (int i = 0; i < N; i++) {
        expect_status(&cl[i], 200);
        client_close(&cl[i]);
    }
    free(cl);
    wait_connections(t, 0);
    assert_int_equal(target_count(t, ROUTE_HEALTH, 200), N);
    target_stop(t);
}

/* Out of file descriptors: the target pauses accepting, and serves everyone once some close. */
static void test_out_of_descriptors(void **state)
{
    struct target_config c = quick();
    struct target *t;
    struct rlimit old, low;
    enum { N = 24 };
    struct client cl[N];
    int probe, used;

    (void)state;
    c.quiet = true;
    t = start(&c);
    probe = dup(0);                             /* the lowest free descriptor */
    close(probe);
    used = probe;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    low = old;
    low.rlim_cur = (rlim_t)used + N + N / 2;    /* room for all clients, half the servers */
    for (int i = 0; i < N; i++)                 /* every client socket first */
        client_socket(&cl[i]);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    for (int i = 0; i < N; i++) {
        client_connect(&cl[i], target_port(t));
        send_str(&cl[i], health);
    }
    int served = 0;
    for (int i = 0; i < N; i++) {
        struct response r = {0};
        if (read_response(&cl[i], &r) && r.status == 200)
            served++;
        response_free(&r);
        client_close(&cl[i]);
    }
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    assert_int_equal(served, N);
    assert_int_equal(target_count(t, ROUTE_HEALTH, 200), N);
    target_stop(t);
}

/* Lines of file f (from its start) that contain needle. */
static int count_lines(FILE *f, const char *needle)
{
    char line[512];
    int n = 0;

    rewind(f);
    while (fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    return n;
}

/* Out of descriptors with connections waiting: the target pauses accepting for 100 ms at a
 * time (it does not spin on a listener it cannot serve), logs one line for the episode, and
 * serves everyone once descriptors are available again. */
static void test_out_of_descriptors_pauses(void **state)
{
    struct target_config c = quick();
    struct target *t;
    struct rlimit old, low;
    enum { N = 16 };
    struct client cl[N];
    FILE *log = tmpfile();
    int saved_err = dup(2), probe;
    double began, waited, cpu0, cpu;
    uint64_t pauses;
    int served = 0;

    (void)state;
    assert_non_null(log);
    assert_true(saved_err >= 0);
    assert_int_equal(dup2(fileno(log), 2), 2);
    c.quiet = false;
    t = start(&c);
    for (int i = 0; i < N; i++)
        client_socket(&cl[i]);
    probe = dup(0);                             /* the lowest free descriptor */
    close(probe);
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    low = old;
    low.rlim_cur = (rlim_t)probe + 2;           /* the target can accept two */
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    began = waits_now();
    cpu0 = (double)clock() / CLOCKS_PER_SEC;
    for (int i = 0; i < N; i++)
        client_connect(&cl[i], target_port(t));
    while (target_accept_pauses(t) < 4 && waits_now() < began + 10)
        waits_pause();
    waited = waits_now() - began;
    cpu = (double)clock() / CLOCKS_PER_SEC - cpu0;
    pauses = target_accept_pauses(t);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    for (int i = 0; i < N; i++) {
        struct response r = {0};
        send_str(&cl[i], health);
        served += read_response(&cl[i], &r) && r.status == 200;
        response_free(&r);
        client_close(&cl[i]);
    }
    target_stop(t);
    fflush(stderr);
    dup2(saved_err, 2);
    close(saved_err);
    assert_true(pauses >= 4);
    assert_true(waited >= 0.25);                /* 4 pauses take 3 x 100 ms at least */
    assert_true(cpu < 0.5 * waited + 0.05);     /* spinning takes a core */
    assert_int_equal(count_lines(log, "accept: Too many open files: pausing"), 1);
    assert_int_equal(served, N);
    fclose(log);
}

/* --- fuzzing --- */

static uint64_t fuzz_state = 0x2545f4914f6cdd1dULL;

static uint32_t fuzz_next(uint32_t bound)
{
    fuzz_state ^= fuzz_state << 13;
    fuzz_state ^= fuzz_state >> 7;
    fuzz_state ^= fuzz_state << 17;
    return bound ? (uint32_t)(fuzz_state % bound) : 0;
}

static const char *const templates[] = {
    "GET /api/v1/health/ HTTP/1.1\r\nHost: t\r\n\r\n",
    "POST /api/v1/auth/token/ HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
    "Content-Length: 50\r\n\r\n{\"username\":\"loadtest_user\",\"password\":\"loadtest\"}",
    "POST /api/v1/deployments/ HTTP/1.1\r\nAuthorization: Token @\r\nContent-Length: 76\r\n\r\n"
    "{\"name\": \"a\\u00e9\", \"ring\": \"canary\", \"target_platforms\": [\"w\", \"m\"], "
    "\"x\": []}",
    "PATCH /api/v1/deployments/#/ HTTP/1.1\r\nAuthorization: Token @\r\nContent-Length: 30\r\n"
    "\r\n{\"version\": \"2\", \"name\": \"b\"}",
    "GET /api/v1/deployments/?page=2&page_size=5&status=pending HTTP/1.1\r\n"
    "Authorization: Token @\r\n\r\n",
    "GET /api/v1/deployments/#/ HTTP/1.1\r\nAuthorization: Token @\r\n\r\n",
    "POST /api/v1/cab/approvals/bulk-approve/ HTTP/1.1\r\nAuthorization: Token @\r\n"
    "Content-Length: 22\r\n\r\n{\"ids\": [\"#\", \"x\", 1]}",
    "POST /api/v1/connectors/intune/publish/ HTTP/1.1\r\nAuthorization: Token @\r\n"
    "Transfer-Encoding: chunked\r\n\r\n8\r\n{\"deploy\r\n13\r\nment_id\": \"#\"}\r\n0\r\n\r\n",
    "GET /api/v1/events/?limit=3 HTTP/1.1\r\nAuthorization: Token @\r\n\r\n",
    "GET /api/v1/cab/approvals/?status=pending&page=1 HTTP/1.1\r\nAuthorization: Token @\r\n\r\n",
    "POST /api/v1/cab/approvals/#/approve/ HTTP/1.1\r\nAuthorization: Token @\r\n"
    "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
};

/* A template with @ replaced by the token and # by an existing id; the Content-Length of a
 * body is fixed up to its real size first, so that only the mutations break requests. */
static size_t render(const char *tmpl, const char *token, const char *id, char *out,
                     size_t outlen)
{
    size_t n = 0;

    for (const char *p = tmpl; *p && n + 64 < outlen; p++) {
        const char *sub = *p == '@' ? token : *p == '#' ? id : NULL;
        if (sub)
            n += (size_t)snprintf(out + n, outlen - n, "%s", sub);
        else
            out[n++] = *p;
    }
    out[n] = '\0';
    char *body = strstr(out, "\r\n\r\n"), *cl = strstr(out, "Content-Length: ");
    if (body && cl && cl < body) {
        char digits[24], rest[4096];
        size_t blen = strlen(body + 4);
        char *eol = strstr(cl, "\r\n");
        snprintf(rest, sizeof rest, "%s", eol);
        snprintf(digits, sizeof digits, "%zu", blen);
        n = (size_t)(cl + 16 - out);
        n += (size_t)snprintf(out + n, outlen - n, "%s%s", digits, rest);
    }
    return n;
}

static void mutate(char *buf, size_t *n, size_t cap)
{
    size_t at = *n ? fuzz_next((uint32_t)*n) : 0;

    switch (fuzz_next(4)) {
    case 0:                                     /* replace a byte */
        if (*n)
            buf[at] = (char)fuzz_next(256);
        break;
    case 1:                                     /* insert a byte */
        if (*n + 1 < cap) {
            memmove(buf + at + 1, buf + at, *n - at);
            buf[at] = (char)fuzz_next(256);
            (*n)++;
        }
        break;
    case 2:                                     /* delete a byte */
        if (*n) {
            memmove(buf + at, buf + at + 1, *n - at - 1);
            (*n)--;
        }
        break;
    default:                                    /* a JSON-ish or HTTP-ish token */
        {
            static const char *const bits[] = {"\"", "{", "}", "[", "]", ",", ":", "\\u",
                                               "\r\n", ": ", "%", "\x00", "\xff", "/", "?"};
            const char *bit = bits[fuzz_next(sizeof bits / sizeof bits[0])];
            size_t k = strlen(bit) ? strlen(bit) : 1;
            if (*n + k < cap) {
                memmove(buf + at + k, buf + at, *n - at);
                memcpy(buf + at, bit, k);
                *n += k;
            }
        }
    }
}

/* One fuzz input for a connection. */
static size_t fuzz_input(char *buf, size_t cap, const char *token, const char *id)
{
    size_t n = 0;
    uint32_t kind = fuzz_next(6);

    if (kind == 0) {                            /* random bytes */
        n = 1 + fuzz_next(2000);
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)fuzz_next(256);
        return n;
    }
    if (kind == 1) {                            /* a huge header */
        n = (size_t)snprintf(buf, cap, "GET /api/v1/health/ HTTP/1.1\r\nX: ");
        size_t pad = fuzz_next(5000);
        memset(buf + n, 'a', pad);
        n += pad;
        memcpy(buf + n, "\r\n\r\n", 4);
        return n + 4;
    }
    for (uint32_t r = 1 + fuzz_next(3); r > 0; r--) {     /* pipelined templates */
        const char *tmpl = templates[fuzz_next(sizeof templates / sizeof templates[0])];
        n += render(tmpl, token, id, buf + n, cap - n);
    }
    for (uint32_t m = kind == 2 ? 0 : 1 + fuzz_next(4); m > 0; m--)
        mutate(buf, &n, cap);
    if (kind == 5)                              /* truncated */
        n = fuzz_next((uint32_t)n + 1);
    return n;
}

/* Read responses until the server closes; how many final responses came. */
static int drain_responses(struct client *cl)
{
    struct response r;
    int count = 0;

    while (read_response(cl, &r)) {
        assert_true(r.status >= 200 && r.status < 600);
        response_free(&r);
        count++;
    }
    assert_true(cl->closed);
    return count;
}

static void fuzz_setup(struct target *t, char *token, char *id)
{
    struct client cl;
    struct response r;
    char req[512];

    client_open(&cl, target_port(t));
    send_str(&cl, "POST /api/v1/auth/token/ HTTP/1.1\r\nContent-Length: 50\r\n\r\n"
             "{\"username\":\"loadtest_user\",\"password\":\"loadtest\"}");
    assert_true(read_response(&cl, &r));
    assert_int_equal(sscanf(r.body, "{\"token\": \"%40s", token), 1);
    response_free(&r);
    snprintf(req, sizeof req, "POST /api/v1/deployments/ HTTP/1.1\r\nAuthorization: Token %s"
             "\r\nContent-Length: 13\r\n\r\n{\"name\": \"a\"}", token);
    send_str(&cl, req);
    assert_true(read_response(&cl, &r));
    assert_int_equal(r.status, 201);
    assert_int_equal(sscanf(r.body, "{\"id\": \"%36s", id), 1);
    response_free(&r);
    client_close(&cl);
}

static void test_fuzz(void **state)
{
    struct target_config c = quick();
    struct target *t;
    enum { ROUNDS = 8, CONNS = 40, CAP = 16384 };
    char token[41], id[37], *buf = malloc(CAP);
    uint64_t received = 2;                      /* fuzz_setup's two responses */
    struct client cl[CONNS];

    (void)state;
    c.request_timeout_s = 0.3;
    c.idle_timeout_s = 0.3;
    c.max_header_bytes = 2048;
    c.max_body_bytes = 4096;
    t = start(&c);
    fuzz_setup(t, token, id);
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < CONNS; i++) {
            size_t n = fuzz_input(buf, CAP, token, id);
            client_open(&cl[i], target_port(t));
            send_all(&cl[i], buf, n);
        }
        for (int i = 0; i < CONNS; i++) {
            received += (uint64_t)drain_responses(&cl[i]);
            client_close(&cl[i]);
        }
    }
    free(buf);
    wait_connections(t, 0);
    /* still serving, and it counted exactly what the clients received */
    struct client last;
    client_open(&last, target_port(t));
    send_str(&last, "GET /api/v1/_stats/ HTTP/1.1\r\n\r\n");
    struct response r;
    assert_true(read_response(&last, &r));
    unsigned long long total = 0;
    assert_int_equal(sscanf(r.body, "{\"total\": %llu", &total), 1);
    assert_int_equal(total, received);
    response_free(&r);
    client_close(&last);
    assert_true(target_count(t, ROUTE_OTHER, 400) > 0);
    assert_true(target_count(t, ROUTE_OTHER, 408) > 0);
    assert_true(target_count(t, ROUTE_OTHER, 431) > 0);
    target_stop(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keep_alive),
        cmocka_unit_test(test_pipelining_in_order),
        cmocka_unit_test(test_pipelining_many),
        cmocka_unit_test(test_bad_http),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_byte_by_byte),
        cmocka_unit_test(test_expect_continue),
        cmocka_unit_test(test_http10_and_close),
        cmocka_unit_test(test_half_close),
        cmocka_unit_test(test_latency_does_not_block),
        cmocka_unit_test(test_slow_reader),
        cmocka_unit_test(test_many_connections),
        cmocka_unit_test(test_out_of_descriptors),
        cmocka_unit_test(test_out_of_descriptors_pauses),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
