/* metrics_http: a small read-only HTTP/1.1 server for the metrics endpoint (see
 * metrics_http.h). Main thread, on the host loop. */
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <http_parser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "metrics_http.h"

#define URL_MAX 512                 /* longer request targets cannot be our path: 404 */
#define OUT_HIGH (1024 * 1024)      /* stop reading while this much output is unsent */
#define KEEP_BYTES (256 * 1024)     /* a connection keeps its output buffer up to this */

struct conn {
    struct metrics_http *srv;
    struct conn *prev, *next;
    int fd;
    ev_io rio, wio;
    ev_timer timer;                 /* the request, write or idle deadline */
    http_parser parser;
    char url[URL_MAX];
    size_t url_len;
    bool url_long;
    size_t req_bytes;               /* of the request in progress */
    bool too_large;
    bool in_request;                /* a request began and is not complete */
    bool closing;                   /* answer what is queued, then close */
    struct strbuf out;
    size_t out_off;
};

struct metrics_http {
    int fd, port;
    char path[64], content_type[96];
    struct ev_loop *loop;
    ev_io accept_io;
    bool started;
    metrics_http_body_fn body;
    void *arg;
    struct conn *conns;
    unsigned n_conns;
    http_parser_settings settings;
};

/* ---- connections ---------------------------------------------------------------------- */

static void close_conn(struct conn *c)
{
    struct metrics_http *m = c->srv;

    ev_io_stop(m->loop, &c->rio);
    ev_io_stop(m->loop, &c->wio);
    ev_timer_stop(m->loop, &c->timer);
    close(c->fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        m->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    m->n_conns--;
    strbuf_free(&c->out);
    free(c);
}

static void arm(struct conn *c, double seconds)
{
    ev_timer_stop(c->srv->loop, &c->timer);
    ev_timer_set(&c->timer, seconds, 0.0);
    ev_timer_start(c->srv->loop, &c->timer);
}

/* Send what is queued; the rest waits for the socket to be writable. */
static void flush(struct conn *c)
{
    struct ev_loop *loop = c->srv->loop;

    while (c->out_off < c->out.len) {
        ssize_t k = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            ev_io_start(loop, &c->wio);
            if (c->out.len - c->out_off > OUT_HIGH)
                ev_io_stop(loop, &c->rio);          /* a client that sends but never reads */
            arm(c, METRICS_HTTP_REQUEST_TIMEOUT);
            return;
        }
        if (k <= 0) {
            close_conn(c);
            return;
        }
        c->out_off += (size_t)k;
    }
    ev_io_stop(loop, &c->wio);
    strbuf_trim(&c->out, KEEP_BYTES);
    c->out_off = 0;
    if (c->closing) {
        close_conn(c);
        return;
    }
    ev_io_start(loop, &c->rio);
    if (!c->in_request)
        arm(c, METRICS_HTTP_IDLE_TIMEOUT);
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    flush(w->data);
}

static void timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    (void)loop;
    (void)revents;
    close_conn(t->data);
}

/* ---- answers -------------------------------------------------------------------------- */

static void answer(struct conn *c, int status, const char *reason, const char *type,
                   const char *body, size_t len, bool head)
{
    char hdr[384];
    int n;

    n = snprintf(hdr, sizeof hdr, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu"
                 "\r\n%s%s\r\n", status, reason, type, len,
                 status == 405 ? "Allow: GET, HEAD\r\n" : "",
                 c->closing ? "Connection: close\r\n" : "");
    if (strbuf_append(&c->out, hdr, (size_t)n) < 0 ||
        (!head && strbuf_append(&c->out, body, len) < 0))
        c->closing = true;                          /* out of memory: end the connection */
}

static void answer_text(struct conn *c, int status, const char *reason, const char *text)
{
    answer(c, status, reason, "text/plain; charset=utf-8", text, strlen(text), false);
}

static bool is_our_path(const struct conn *c)
{
    size_t n = strcspn(c->url, "?");

    return !c->url_long && n == strlen(c->srv->path) && strncmp(c->url, c->srv->path, n) == 0;
}

static void respond(struct conn *c)
{
    struct metrics_http *m = c->srv;
    bool head = c->parser.method == HTTP_HEAD;
    const struct strbuf *body;

    if (c->parser.method != HTTP_GET && !head) {
        answer_text(c, 405, "Method Not Allowed", "method not allowed\n");
    } else if (!is_our_path(c)) {
        answer_text(c, 404, "Not Found", "404 page not found\n");
    } else if (!(body = m->body(m->arg))) {
        answer_text(c, 503, "Service Unavailable", "no metrics yet (out of memory)\n");
    } else {
        answer(c, 200, "OK", m->content_type, body->data ? body->data : "", body->len, head);
    }
}

/* ---- parsing -------------------------------------------------------------------------- */

static int count_bytes(http_parser *p, size_t n)
{
    struct conn *c = p->data;

    c->req_bytes += n;
    if (c->req_bytes <= METRICS_HTTP_MAX_REQUEST)
        return 0;
    c->too_large = true;
    return 1;
}

static int on_begin(http_parser *p)
{
    struct conn *c = p->data;

    c->url_len = 0;
    c->url[0] = '\0';
    c->url_long = false;
    c->req_bytes = 0;
    if (!c->in_request)
        arm(c, METRICS_HTTP_REQUEST_TIMEOUT);       /* from its first byte, not extended */
    c->in_request = true;
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t n)
{
    struct conn *c = p->data;

    if (c->url_len + n >= URL_MAX) {
        c->url_long = true;
    } else {
        memcpy(c->url + c->url_len, at, n);
        c->url_len += n;
        c->url[c->url_len] = '\0';
    }
    return count_bytes(p, n);
}

static int on_data(http_parser *p, const char *at, size_t n)
{
    (void)at;
    return count_bytes(p, n);
}

static int on_complete(http_parser *p)
{
    struct conn *c = p->data;

    c->in_request = false;
    if (!http_should_keep_alive(p))
        c->closing = true;
    respond(c);
    if (c->closing)
        http_parser_pause(p, 1);                    /* nothing after it is read */
    return 0;
}

/* Feed received bytes; a refused request is answered and the connection closes after. */
static void feed(struct conn *c, const char *data, size_t n)
{
    enum http_errno e;

    http_parser_execute(&c->parser, &c->srv->settings, data, n);
    e = HTTP_PARSER_ERRNO(&c->parser);
    if (e == HPE_OK && !c->parser.upgrade)
        return;
    if (e == HPE_PAUSED && c->closing)
        return;
    c->closing = true;
    if (c->too_large)
        answer_text(c, 431, "Request Header Fields Too Large", "request too large\n");
    else
        answer_text(c, 400, "Bad Request", "bad request\n");
}

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct conn *c = w->data;
    char buf[4096];
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);

    (void)revents;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {                                   /* the client left, or an error */
        close_conn(c);
        return;
    }
    if (c->closing)
        return;                                     /* after a final answer: ignored */
    feed(c, buf, (size_t)n);
    if (c->closing)
        ev_io_stop(loop, &c->rio);
    flush(c);
}

static void accept_one(struct metrics_http *m, int fd)
{
    struct conn *c;

    if (m->n_conns >= METRICS_HTTP_MAX_CONNS || !(c = calloc(1, sizeof *c))) {
        close(fd);
        return;
    }
    c->srv = m;
    c->fd = fd;
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    ev_io_init(&c->rio, read_cb, fd, EV_READ);
    ev_io_init(&c->wio, write_cb, fd, EV_WRITE);
    ev_timer_init(&c->timer, timer_cb, 0.0, 0.0);
    c->rio.data = c->wio.data = c->timer.data = c;
    c->next = m->conns;
    if (m->conns)
        m->conns->prev = c;
    m->conns = c;
    m->n_conns++;
    ev_io_start(m->loop, &c->rio);
    arm(c, METRICS_HTTP_REQUEST_TIMEOUT);
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct metrics_http *m = w->data;

    (void)loop;
    (void)revents;
    for (int i = 0; i < 64; i++) {                  /* a burst, then back to the loop */
        int fd = accept(m->fd, NULL, NULL);

        if (fd < 0)
            return;
        if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
            close(fd);
            continue;
        }
        accept_one(m, fd);
    }
}

/* ---- the listener --------------------------------------------------------------------- */

static int bind_any(struct metrics_http *m, const char *host, int port, char *why, size_t n)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV}, *res, *a;
    char service[16];
    int one = 1, rc;

    snprintf(service, sizeof service, "%d", port);
    if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
        snprintf(why, n, "%s", gai_strerror(rc));
        return -1;
    }
    for (a = res; a; a = a->ai_next) {
        m->fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (m->fd < 0)
            continue;
        setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(m->fd, a->ai_addr, a->ai_addrlen) == 0 && listen(m->fd, 64) == 0)
            break;
        snprintf(why, n, "%s", strerror(errno));
        close(m->fd);
        m->fd = -1;
    }
    freeaddrinfo(res);
    return m->fd >= 0 ? 0 : -1;
}

static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

struct metrics_http *metrics_http_listen(const char *host, int port, const char *path,
                                         const char *content_type, char *err, size_t errlen)
{
    struct metrics_http *m = calloc(1, sizeof *m);
    char why[128] = "no address";

    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->fd = -1;
    if (bind_any(m, host, port, why, sizeof why) < 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, why);
        free(m);
        return NULL;
    }
    m->port = bound_port(m->fd);
    snprintf(m->path, sizeof m->path, "%s", path);
    snprintf(m->content_type, sizeof m->content_type, "%s", content_type);
    m->settings.on_message_begin = on_begin;
    m->settings.on_url = on_url;
    m->settings.on_header_field = on_data;
    m->settings.on_header_value = on_data;
    m->settings.on_body = on_data;
    m->settings.on_message_complete = on_complete;
    return m;
}

int metrics_http_port(const struct metrics_http *m)
{
    return m->port;
}

void metrics_http_start(struct metrics_http *m, struct ev_loop *loop, metrics_http_body_fn body,
                        void *arg)
{
    if (m->started)
        return;
    m->loop = loop;
    m->body = body;
    m->arg = arg;
    ev_io_init(&m->accept_io, accept_cb, m->fd, EV_READ);
    m->accept_io.data = m;
    ev_io_start(loop, &m->accept_io);
    m->started = true;
}

void metrics_http_stop(struct metrics_http *m)
{
    if (!m || !m->started)
        return;
    while (m->conns)
        close_conn(m->conns);
    ev_io_stop(m->loop, &m->accept_io);
    m->started = false;
}

void metrics_http_free(struct metrics_http *m)
{
    if (!m)
        return;
    metrics_http_stop(m);
    if (m->fd >= 0)
        close(m->fd);
    free(m);
}
