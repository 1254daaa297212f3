/* conn: one HTTP/1.1 connection of the target: reading, parsing with libhttp-parser, holding a
 * completed request for its simulated latency (the parser stays paused, so pipelined requests
 * are answered in order) and, on a database route, a connection of the simulated pool for that
 * time (waiting in line for one when all are in use), formatting the response straight into
 * the output buffer, writing without blocking, and closing (with a short drain so error
 * responses are not lost to a reset). Every callback ends in settle(), the only place that
 * closes a connection. Loop thread only. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "backend.h"
#include "server_internal.h"

static void settle(struct conn *c);
static void serve(struct conn *c);
static void serve_route(struct conn *c);

static double now_of(const struct conn *c)
{
    return ev_now(c->srv->loop);
}

/* --- responses --- */

static const char *status_line(int status)
{
    switch (status) {
    case 200: return "HTTP/1.1 200 OK\r\n";
    case 201: return "HTTP/1.1 201 Created\r\n";
    case 202: return "HTTP/1.1 202 Accepted\r\n";
    case 400: return "HTTP/1.1 400 Bad Request\r\n";
    case 401: return "HTTP/1.1 401 Unauthorized\r\n";
    case 404: return "HTTP/1.1 404 Not Found\r\n";
    case 405: return "HTTP/1.1 405 Method Not Allowed\r\n";
    case 408: return "HTTP/1.1 408 Request Timeout\r\n";
    case 409: return "HTTP/1.1 409 Conflict\r\n";
    case 413: return "HTTP/1.1 413 Payload Too Large\r\n";
    case 431: return "HTTP/1.1 431 Request Header Fields Too Large\r\n";
    case 503: return "HTTP/1.1 503 Service Unavailable\r\n";
    default: return "HTTP/1.1 500 Internal Server Error\r\n";
    }
}

/* Queue a response (head, then the body unless HEAD) and count it. A NULL content type is
 * JSON's. */
static void respond(struct conn *c, enum target_route route, int status, const char *headers,
                    const char *content_type, const struct strbuf *body, bool head_only)
{
    static const char json[] = "Content-Type: application/json\r\nContent-Length: ";
    struct strbuf *out = &c->out;

    strbuf_reserve(out, 256 + body->len);
    strbuf_puts(out, status_line(status));
    strbuf_puts(out, server_date(c->srv));
    if (content_type) {
        strbuf_puts(out, "Content-Type: ");
        strbuf_puts(out, content_type);
        strbuf_puts(out, "\r\nContent-Length: ");
    } else {
        strbuf_append(out, json, sizeof json - 1);
    }
    strbuf_put_u64(out, body->len);
    strbuf_append(out, "\r\n", 2);
    if (headers)
        strbuf_puts(out, headers);
    if (c->closing || !c->req.keep_alive)
        strbuf_puts(out, "Connection: close\r\n");
    else if (c->req.http10)
        strbuf_puts(out, "Connection: keep-alive\r\n");
    strbuf_append(out, "\r\n", 2);
    if (!head_only)
        strbuf_append(out, body->data, body->len);
    served_add(c->srv->served, route, status);
    c->last_active = now_of(c);
}

/* Answer an HTTP-level error (bad HTTP, timeouts, sizes) and close after it. */
static void reject(struct conn *c, int status)
{
    struct strbuf *body = &c->srv->body;
    const char *detail = status == 408 ? "Request timeout."
                         : status == 413 ? "Request body too large."
                         : status == 431 ? "Request header fields too large."
                         : "Bad request.";

    body->len = 0;
    strbuf_puts(body, "{\"detail\": \"");
    strbuf_puts(body, detail);
    strbuf_puts(body, "\"}");
    c->closing = true;
    c->in_request = false;
    respond(c, ROUTE_OTHER, status, NULL, NULL, body, false);
}

/* --- the simulated database pool --- */

static struct backend *backend_of(const struct conn *c)
{
    return api_backend(c->srv->api);
}

/* Tell the model since when the longest-waiting request waits (pgbouncer's maxwait). */
static void note_head(struct server *s)
{
    api_backend(s->api)->wait_head_since = s->db_head ? s->db_head->db_since : 0;
}

static void db_enqueue(struct conn *c)
{
    struct server *s = c->srv;

    c->db = DB_WAITING;
    c->db_since = now_of(c);
    c->db_next = NULL;
    c->db_prev = s->db_tail;
    if (s->db_tail)
        s->db_tail->db_next = c;
    else
        s->db_head = c;
    s->db_tail = c;
    note_head(s);
}

static void db_unlink(struct conn *c)
{
    struct server *s = c->srv;

    if (c->db_prev)
        c->db_prev->db_next = c->db_next;
    else
        s->db_head = c->db_next;
    if (c->db_next)
        c->db_next->db_prev = c->db_prev;
    else
        s->db_tail = c->db_prev;
    c->db_prev = c->db_next = NULL;
    note_head(s);
}

/* Hand free connections to the waiting requests, oldest first. Each then waits its latency
 * through the delay queue (even a zero one: it is served on the next loop iteration, never
 * from inside this call, so a chain of releases cannot recurse). */
static void pool_pump(struct server *s)
{
    while (s->db_head && backend_db_grant(api_backend(s->api))) {
        struct conn *c = s->db_head;
        db_unlink(c);
        c->db = DB_HELD;
        delay_add(&s->delays, &c->delay,
                  c->db_delay + api_stall_wait(s->api, c->match.route,
                                               ev_now(s->loop) + c->db_delay));
    }
}

/* The request is done with the pool (answered, or its client left): give the connection back
 * or leave the line. */
static void db_release(struct conn *c)
{
    if (c->db == DB_HELD)
        backend_db_release(backend_of(c));
    else if (c->db == DB_WAITING) {
        db_unlink(c);
        backend_db_abandon(backend_of(c));
    }
    c->db = DB_NONE;
    pool_pump(c->srv);
}

/* --- parsing --- */

static struct conn *conn_of(http_parser *p)
{
    return p->data;
}

/* Count bytes of the request head; -1 (431) beyond the bound. */
static int add_head(struct conn *c, size_t n)
{
    c->req.head_bytes += n;
    if (c->req.head_bytes <= c->srv->cfg.max_header_bytes)
        return 0;
    c->reject = 431;
    return -1;
}

static int on_message_begin(http_parser *p)
{
    struct conn *c = conn_of(p);
    struct request *r = &c->req;

    r->url.len = r->body.len = 0;
    r->auth_len = r->field_len = r->expect_len = r->head_bytes = 0;
    r->auth_overflow = r->in_value = false;
    r->value_kind = HDR_OTHER;
    c->in_request = true;
    c->req_start = now_of(c);
    return add_head(c, 16);       /* method, spaces, version, CRLF */
}

static int on_url(http_parser *p, const char *at, size_t n)
{
    struct conn *c = conn_of(p);

    if (add_head(c, n))
        return -1;
    strbuf_append(&c->req.url, at, n);
    return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t n)
{
    struct conn *c = conn_of(p);
    struct request *r = &c->req;

    if (add_head(c, n + (r->in_value || !r->field_len ? 4 : 0)))
        return -1;
    if (r->in_value) {
        r->in_value = false;
        r->field_len = 0;
    }
    for (size_t i = 0; i < n && r->field_len < FIELD_MAX; i++)
        r->field[r->field_len++] = at[i];
    return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t n)
{
    struct conn *c = conn_of(p);
    struct request *r = &c->req;

    if (add_head(c, n))
        return -1;
    if (!r->in_value) {
        r->in_value = true;
        r->value_kind = HDR_OTHER;
        if (r->field_len == 13 && !strncasecmp(r->field, "authorization", 13))
            r->value_kind = HDR_AUTH;
        else if (r->field_len == 6 && !strncasecmp(r->field, "expect", 6))
            r->value_kind = HDR_EXPECT;
        if (r->value_kind == HDR_AUTH)
            r->auth_len = 0, r->auth_overflow = false;
    }
    if (r->value_kind == HDR_AUTH) {
        if (r->auth_len + n > AUTH_MAX)
            r->auth_overflow = true;
        else
            memcpy(r->auth + r->auth_len, at, n), r->auth_len += n;
    } else if (r->value_kind == HDR_EXPECT) {
        for (size_t i = 0; i < n && r->expect_len < EXPECT_MAX; i++)
            r->expect[r->expect_len++] = at[i];
    }
    return 0;
}

static int on_headers_complete(http_parser *p)
{
    struct conn *c = conn_of(p);
    struct request *r = &c->req;
    bool has_length = p->content_length != ULLONG_MAX && p->content_length > 0;

    if (p->http_major != 1) {
        c->reject = 400;            /* HTTP/0.x, 2.x (prior knowledge), 9.9: not ours */
        return -1;
    }
    if (has_length && p->content_length > c->srv->cfg.max_body_bytes) {
        c->reject = 413;
        return -1;
    }
    if (r->expect_len == 12 && !strncasecmp(r->expect, "100-continue", 12) &&
        (has_length || (p->flags & F_CHUNKED)))
        strbuf_append(&c->out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t n)
{
    struct conn *c = conn_of(p);

    if (c->req.body.len + n > c->srv->cfg.max_body_bytes) {
        c->reject = 413;
        return -1;
    }
    strbuf_append(&c->req.body, at, n);
    return 0;
}

/* After a response: stop parsing when the connection ends here or the output is backed up. */
static void after_response(struct conn *c)
{
    if (!c->req.keep_alive)
        c->closing = true;
    else if (c->out.len - c->out_off > OUT_HIGH)
        c->blocked = true;
    if (c->closing || c->blocked)
        http_parser_pause(&c->parser, 1);
}

static int on_message_complete(http_parser *p)
{
    struct conn *c = conn_of(p);
    struct request *r = &c->req;
    double delay;

    c->in_request = false;
    r->method = (int)p->method;
    r->http10 = p->http_major == 1 && p->http_minor == 0;
    r->keep_alive = http_should_keep_alive(p) && !p->upgrade;
    serve_route(c);
    c->req_done = now_of(c);
    delay = api_delay(c->srv->api, c->match.route);
    if (backend_uses_db(c->match.route)) {
        if (!backend_db_acquire(backend_of(c))) {
            c->db_delay = delay;            /* simulated once a connection is free */
            c->waiting = true;
            db_enqueue(c);
            http_parser_pause(p, 1);
            return 0;
        }
        c->db = DB_HELD;
    }
    delay += api_stall_wait(c->srv->api, c->match.route, c->req_done + delay);
    if (delay > 0) {
        c->waiting = true;
        delay_add(&c->srv->delays, &c->delay, delay);
        http_parser_pause(p, 1);
        return 0;
    }
    serve(c);
    after_response(c);
    return 0;
}

void conn_settings(http_parser_settings *settings)
{
    *settings = (http_parser_settings){
        .on_message_begin = on_message_begin, .on_url = on_url,
        .on_header_field = on_header_field, .on_header_value = on_header_value,
        .on_headers_complete = on_headers_complete, .on_body = on_body,
        .on_message_complete = on_message_complete,
    };
}

/* Parse buffered input until it runs out or the connection must stop (waiting, blocked,
 * closing). */
static void parse(struct conn *c)
{
    while (!c->waiting && !c->blocked && !c->closing && c->in_off < c->in.len) {
        size_t n = http_parser_execute(&c->parser, &c->srv->settings, c->in.data + c->in_off,
                                       c->in.len - c->in_off);
        enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
        c->in_off += n;
        if (e != HPE_OK && e != HPE_PAUSED) {
            reject(c, c->reject ? c->reject : e == HPE_HEADER_OVERFLOW ? 431 : 400);
            break;
        }
        if (c->parser.upgrade && !c->waiting)
            c->closing = true;
    }
    if (c->in_off == c->in.len)
        c->in_off = c->in.len = 0;
}

/* Continue after a wait or a drained output. */
static void resume(struct conn *c)
{
    if (c->waiting || c->blocked || c->closing)
        return;
    http_parser_pause(&c->parser, 0);
    parse(c);
}

/* --- answering --- */

/* The api's view of the completed request (strings point into c->req). */
static void build_request(struct conn *c, struct api_request *rq)
{
    struct request *r = &c->req;
    const char *u = strbuf_cstr(&r->url), *q, *frag;
    size_t n = r->url.len;

    if (u[0] != '/' && n > 8 &&
        (!strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8))) {
        /* absolute-form: drop the scheme and authority */
        const char *slash = strchr(u + (u[4] == ':' ? 7 : 8), '/');
        n -= slash ? (size_t)(slash - u) : n;
        u = slash ? slash : u + r->url.len;
    }
    frag = memchr(u, '#', n);
    n = frag ? (size_t)(frag - u) : n;
    q = memchr(u, '?', n);
    while (r->auth_len && (r->auth[r->auth_len - 1] == ' ' || r->auth[r->auth_len - 1] == '\t'))
        r->auth_len--;
    *rq = (struct api_request){
        .method = r->method, .path = u, .path_len = q ? (size_t)(q - u) : n,
        .query = q ? q + 1 : NULL, .query_len = q ? n - (size_t)(q - u) - 1 : 0,
        .auth = r->auth_len && !r->auth_overflow ? r->auth : NULL,
        .auth_len = r->auth_overflow ? 0 : r->auth_len,
        .body = strbuf_cstr(&r->body), .body_len = r->body.len, .now = now_of(c),
    };
}

static void serve_route(struct conn *c)
{
    struct api_request rq;

    build_request(c, &rq);
    api_route(&rq, &c->match);
}

static void serve(struct conn *c)
{
    struct strbuf *body = &c->srv->body;
    struct api_request rq;
    struct api_response rs;

    build_request(c, &rq);
    body->len = 0;
    api_handle(c->srv->api, &rq, &c->match, body, &rs);
    db_release(c);          /* also hands out connections a _control request added */
    backend_observe(backend_of(c), c->match.route, now_of(c) - c->req_done);
    respond(c, c->match.route, rs.status, rs.headers, rs.content_type, body,
            rq.method == HTTP_HEAD);
}

void conn_delay_done(struct delay_item *it)
{
    struct conn *c = (struct conn *)(void *)((char *)it - offsetof(struct conn, delay));

    c->waiting = false;
    serve(c);
    after_response(c);
    resume(c);
    settle(c);
}

/* --- I/O --- */

static void read_input(struct conn *c)
{
    ssize_t n;

    if (c->in_off && c->in.cap - c->in.len < READ_CHUNK / 2) {
        memmove(c->in.data, c->in.data + c->in_off, c->in.len - c->in_off);
        c->in.len -= c->in_off;
        c->in_off = 0;
    }
    if (strbuf_reserve(&c->in, READ_CHUNK) < 0) {
        c->dead = true;             /* out of memory: this client is dropped, not the server */
        return;
    }
    n = recv(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len - 1, 0);
    if (n > 0) {
        if (c->lingering)
            return;                 /* drained and dropped */
        c->in.len += (size_t)n;
        parse(c);
    } else if (n == 0) {
        c->peer_eof = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        c->dead = true;
    }
}

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct conn *c = w->data;

    (void)loop, (void)revents;
    read_input(c);
    settle(c);
}

static void write_output(struct conn *c)
{
    while (c->out_off < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
                         MSG_NOSIGNAL);
        if (n > 0) {
            c->out_off += (size_t)n;
            c->last_write = now_of(c);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                c->dead = true;
            return;
        }
    }
    c->out.len = c->out_off = 0;
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct conn *c = w->data;

    (void)loop, (void)revents;
    settle(c);
}

static void start_linger(struct conn *c)
{
    c->lingering = true;
    c->linger_start = now_of(c);
    shutdown(c->fd, SHUT_WR);
    c->clock.repeat = LINGER_S;
    ev_timer_again(c->srv->loop, &c->clock);
}

static void set_io(struct conn *c, ev_io *w, bool on)
{
    if (on && !ev_is_active(w))
        ev_io_start(c->srv->loop, w);
    else if (!on && ev_is_active(w))
        ev_io_stop(c->srv->loop, w);
}

/* Bring the connection's state to rest after any event: write what is queued, resume parsing
 * when the output drained, start the drain of a closing connection, close a dead or finished
 * one, and set the watchers. The only place that closes. */
static void settle(struct conn *c)
{
    size_t pending;

    for (;;) {
        if (!c->dead && c->out_off < c->out.len)
            write_output(c);
        pending = c->out.len - c->out_off;
        if (c->dead || (c->peer_eof && (pending == 0 || c->lingering))) {
            conn_close(c);
            return;
        }
        if (!c->blocked || pending > OUT_LOW)
            break;
        c->blocked = false;
        resume(c);
    }
    if (c->peer_eof && c->waiting) {
        delay_cancel(&c->srv->delays, &c->delay);   /* the client left: never served */
        c->waiting = false;
        db_release(c);
    }
    if (pending == 0 && c->closing && !c->lingering)
        start_linger(c);
    if (pending && !ev_is_active(&c->wio))
        c->last_write = now_of(c);
    set_io(c, &c->wio, pending > 0);
    set_io(c, &c->rio, c->lingering || (!c->peer_eof && !c->closing &&
                                        c->in.len - c->in_off < IN_MAX));
}

/* --- deadlines (one lazy timer per connection: it re-arms itself instead of being reset on
 * every request) --- */

static double deadline(const struct conn *c)
{
    const struct target_config *cfg = &c->srv->cfg;

    if (c->lingering)
        return c->linger_start + LINGER_S;
    if (c->out.len > c->out_off)
        return c->last_write + cfg->idle_timeout_s;
    if (c->waiting)
        return now_of(c) + cfg->idle_timeout_s;
    if (c->in_request)
        return c->req_start + cfg->request_timeout_s;
    return c->last_active + cfg->idle_timeout_s;
}

/* How often a connection looks at its deadlines at least (a request may begin meanwhile). */
static double check_period(const struct target_config *cfg)
{
    double t = cfg->idle_timeout_s < cfg->request_timeout_s ? cfg->idle_timeout_s
                                                            : cfg->request_timeout_s;
    return t / 2;
}

static void clock_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct conn *c = w->data;
    double now = ev_now(loop), due = deadline(c);

    (void)revents;
    if (now < due) {
        double period = check_period(&c->srv->cfg);
        w->repeat = due - now < period ? due - now : period;
        ev_timer_again(loop, w);
        return;
    }
    if (c->lingering || c->out.len > c->out_off || !c->in_request) {
        c->dead = true;             /* drained, stalled reader, or idle: close */
    } else {
        http_parser_pause(&c->parser, 1);
        reject(c, 408);
        w->repeat = check_period(&c->srv->cfg);
        ev_timer_again(loop, w);
    }
    settle(c);
}

/* --- lifetime --- */

static struct conn *conn_get(struct server *s)
{
    struct conn *c = s->pool;

    if (c) {
        s->pool = c->next;
        s->pool_size--;
    } else {
        c = calloc(1, sizeof *c);
        if (!c)
            return NULL;
    }
    return c;
}

void conn_open(struct server *s, int fd)
{
    struct conn *c = conn_get(s);
    double now = ev_now(s->loop);

    if (!c) {
        close(fd);
        return;
    }
    c->srv = s;
    c->fd = fd;
    c->in_off = c->out_off = c->in.len = c->out.len = 0;
    c->req.url.len = c->req.body.len = 0;
    c->reject = 0;
    c->in_request = c->waiting = c->blocked = c->closing = false;
    c->lingering = c->peer_eof = c->dead = false;
    c->last_active = c->last_write = now;
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    ev_io_init(&c->rio, read_cb, fd, EV_READ);
    ev_io_init(&c->wio, write_cb, fd, EV_WRITE);
    c->delay.slot = 0;
    c->db = DB_NONE;
    c->db_prev = c->db_next = NULL;
    ev_init(&c->clock, clock_cb);
    c->rio.data = c->wio.data = c->clock.data = c;
    c->clock.repeat = check_period(&s->cfg);
    ev_timer_again(s->loop, &c->clock);
    ev_io_start(s->loop, &c->rio);
    c->prev = NULL;
    c->next = s->live;
    if (s->live)
        s->live->prev = c;
    s->live = c;
    served_bump(&s->served->conns_accepted, 1);
    served_bump(&s->served->conns_open, 1);
}

void conn_close(struct conn *c)
{
    struct server *s = c->srv;

    ev_io_stop(s->loop, &c->rio);
    ev_io_stop(s->loop, &c->wio);
    delay_cancel(&s->delays, &c->delay);
    db_release(c);
    ev_timer_stop(s->loop, &c->clock);
    close(c->fd);
    c->fd = -1;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->live = c->next;
    if (c->next)
        c->next->prev = c->prev;
    served_bump(&s->served->conns_open, -1);
    if (s->pool_size >= POOL_MAX) {
        conn_free(c);
        return;
    }
    strbuf_trim(&c->in, KEEP_BYTES);
    strbuf_trim(&c->out, KEEP_BYTES);
    strbuf_trim(&c->req.url, KEEP_BYTES);
    strbuf_trim(&c->req.body, KEEP_BYTES);
    c->next = s->pool;
    s->pool = c;
    s->pool_size++;
}

void conn_free(struct conn *c)
{
    strbuf_free(&c->in);
    strbuf_free(&c->out);
    strbuf_free(&c->req.url);
    strbuf_free(&c->req.body);
    free(c);
}
