/* test_metrics_http: the metrics endpoint's server on a real ev loop and real sockets on
 * 127.0.0.1: GET and HEAD of /metrics with the exposition's content type, 404 elsewhere, 405
 * for other methods, keep-alive and pipelined requests answered in order, 400 for garbage,
 * 431 for an oversized request, many scrapers at once while stalled clients hold connections
 * open, the connection cap, and a port in use refused with a clear message. The loop runs on
 * a thread of its own here, the only thread that touches the server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <arpa/inet.h>
#include <ev.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>
#include "metrics_http.h"

struct server {
    struct ev_loop *loop;
    struct metrics_http *http;
    ev_async quit;
    pthread_t thread;
    struct strbuf body;
    int port;
};

static const struct strbuf *body_cb(void *arg)
{
    return &((struct server *)arg)->body;
}

static void quit_cb(struct ev_loop *loop, ev_async *a, int revents)
{
    (void)a;
    (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

static void *loop_main(void *arg)
{
    struct server *s = arg;

    metrics_http_start(s->http, s->loop, body_cb, s);
    ev_run(s->loop, 0);
    metrics_http_free(s->http);
    return NULL;
}

static int setup(void **state)
{
    struct server *s = calloc(1, sizeof *s);
    char err[256];

    s->loop = ev_loop_new(EVFLAG_AUTO);
    s->http = metrics_http_listen("127.0.0.1", 0, "/metrics", "text/plain; version=0.0.4",
                                  err, sizeof err);
    if (!s->http)
        return -1;
    s->port = metrics_http_port(s->http);
    strbuf_puts(&s->body, "# TYPE up gauge\nup 1\n");
    ev_async_init(&s->quit, quit_cb);
    ev_async_start(s->loop, &s->quit);
    pthread_create(&s->thread, NULL, loop_main, s);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    struct server *s = *state;

    ev_async_send(s->loop, &s->quit);
    pthread_join(s->thread, NULL);
    ev_loop_destroy(s->loop);
    strbuf_free(&s->body);
    free(s);
    return 0;
}

/* A blocking client socket with a 5 s receive timeout (a bound, not a wait). */
static int connect_to(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct timeval tv = {.tv_sec = 5};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void send_all(int fd, const char *text, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, text, n, MSG_NOSIGNAL);
        assert_true(k > 0);
        text += k;
        n -= (size_t)k;
    }
}

/* Read until `count` responses (by Content-Length) arrived or the peer closed; the text. */
static char *read_responses(int fd, int count, bool *closed)
{
    size_t cap = 65536, len = 0;
    char *buf = calloc(1, cap);
    int done = 0;

    *closed = false;
    while (done < count) {
        ssize_t k = recv(fd, buf + len, cap - len - 1, 0);
        const char *p = buf;

        if (k <= 0) {
            *closed = k == 0;
            break;
        }
        len += (size_t)k;
        buf[len] = '\0';
        for (done = 0; (p = strstr(p, "\r\n\r\n")) != NULL; done++) {
            const char *cl = strstr(p - 200 > buf ? p - 200 : buf, "Content-Length: ");
            p += 4 + (cl ? strtoul(cl + 16, NULL, 10) : 0);
            if (p > buf + len) {
                done--;
                break;
            }
        }
    }
    return buf;
}

static char *request(int port, const char *text, int responses, bool *closed)
{
    int fd = connect_to(port);
    char *out;

    send_all(fd, text, strlen(text));
    out = read_responses(fd, responses, closed);
    close(fd);
    return out;
}

static void test_get_head_404_405(void **state)
{
    struct server *s = *state;
    bool closed;
    char *r;

    r = request(s->port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 1, &closed);
    assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                              "Content-Length: 21\r\n\r\n# TYPE up gauge\nup 1\n"));
    free(r);
    r = request(s->port, "GET /metrics?x=1 HTTP/1.1\r\n\r\n", 1, &closed);
    assert_non_null(strstr(r, "200 OK"));
    free(r);
    r = request(s->port, "HEAD /metrics HTTP/1.1\r\nConnection: close\r\n\r\n", 1, &closed);
    assert_non_null(strstr(r, "Content-Length: 21\r\n"));   /* the GET's length, no body */
    assert_string_equal(strstr(r, "\r\n\r\n"), "\r\n\r\n");
    free(r);
    r = request(s->port, "GET / HTTP/1.1\r\n\r\n", 1, &closed);
    assert_non_null(strstr(r, "HTTP/1.1 404 Not Found"));
    free(r);
    r = request(s->port, "GET /metricsx HTTP/1.1\r\n\r\n", 1, &closed);
    assert_non_null(strstr(r, "HTTP/1.1 404 Not Found"));
    free(r);
    r = request(s->port, "POST /metrics HTTP/1.1\r\nContent-Length: 2\r\n\r\nab", 1, &closed);
    assert_non_null(strstr(r, "HTTP/1.1 405 Method Not Allowed"));
    assert_non_null(strstr(r, "Allow: GET, HEAD"));
    free(r);
}

static void test_keep_alive_and_pipelining(void **state)
{
    struct server *s = *state;
    bool closed;
    char *r = request(s->port, "GET /metrics HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n"
                      "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n", 3, &closed);
    const char *a = strstr(r, "200 OK"), *b = strstr(r, "404 Not Found");

    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b && strstr(b, "200 OK"));                 /* in order */
    assert_non_null(strstr(b, "Connection: close"));
    free(r);
    r = request(s->port, "GET /metrics HTTP/1.0\r\n\r\n", 1, &closed);
    assert_non_null(strstr(r, "Connection: close"));            /* HTTP/1.0: closes */
    free(r);
}

static void test_bad_and_oversized_requests(void **state)
{
    struct server *s = *state;
    char *big = malloc(20000), *r;
    bool closed;
    int n;

    r = request(s->port, "HELLO THERE\r\n\r\n", 1, &closed);
    assert_non_null(strstr(r, "HTTP/1.1 400 Bad Request"));
    assert_non_null(strstr(r, "Connection: close"));
    free(r);
    n = snprintf(big, 20000, "GET /metrics HTTP/1.1\r\nX-Big: ");
    memset(big + n, 'a', 12000);
    strcpy(big + n + 12000, "\r\n\r\n");
    r = request(s->port, big, 1, &closed);
    assert_non_null(strstr(r, "HTTP/1.1 431 "));
    free(r);
    free(big);
}

/* Stalled clients hold connections; twenty scrapers at once are all answered meanwhile. */
static void test_many_scrapers_at_once(void **state)
{
    struct server *s = *state;
    int stalled[5], fds[20];
    bool closed;

    for (int i = 0; i < 5; i++) {
        stalled[i] = connect_to(s->port);
        send_all(stalled[i], "GET /met", 8);                    /* never finished */
    }
    for (int i = 0; i < 20; i++) {
        fds[i] = connect_to(s->port);
        send_all(fds[i], "GET /metrics HTTP/1.1\r\n\r\n", 25);
    }
    for (int i = 0; i < 20; i++) {
        char *r = read_responses(fds[i], 1, &closed);
        assert_non_null(strstr(r, "200 OK"));
        free(r);
        close(fds[i]);
    }
    for (int i = 0; i < 5; i++)
        close(stalled[i]);
}

/* Beyond the cap a connection is closed at once; the others are still served. */
static void test_the_connection_cap(void **state)
{
    struct server *s = *state;
    int fds[METRICS_HTTP_MAX_CONNS], extra;
    char *r;
    bool closed;

    for (int i = 0; i < METRICS_HTTP_MAX_CONNS; i++) {
        fds[i] = connect_to(s->port);
        send_all(fds[i], "GET /metrics HTTP/1.1\r\n\r\n", 25);     /* all accepted */
        r = read_responses(fds[i], 1, &closed);
        assert_non_null(strstr(r, "200 OK"));
        free(r);
    }
    extra = connect_to(s->port);
    send(extra, "GET /metrics HTTP/1.1\r\n\r\n", 25, MSG_NOSIGNAL);
    r = read_responses(extra, 1, &closed);
    assert_null(strstr(r, "200 OK"));
    free(r);
    close(extra);
    close(fds[0]);
    send_all(fds[1], "GET /metrics HTTP/1.1\r\n\r\n", 25);          /* kept alive */
    r = read_responses(fds[1], 1, &closed);
    assert_non_null(strstr(r, "200 OK"));
    free(r);
    for (int i = 1; i < METRICS_HTTP_MAX_CONNS; i++)
        close(fds[i]);
}

static void test_a_port_in_use(void **state)
{
    struct server *s = *state;
    char err[256];

    assert_null(metrics_http_listen("127.0.0.1", s->port, "/metrics", "text/plain", err,
                                    sizeof err));
    assert_non_null(strstr(err, "cannot listen on 127.0.0.1:"));
    assert_non_null(strstr(err, "Address already in use"));
    assert_null(metrics_http_listen("no-such-host.invalid", 0, "/metrics", "text/plain", err,
                                    sizeof err));
    assert_non_null(strstr(err, "cannot listen on no-such-host.invalid:0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_head_404_405, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_alive_and_pipelining, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_and_oversized_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_scrapers_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_connection_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_port_in_use, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
