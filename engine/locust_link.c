/* locust_link: a ZeroMQ DEALER (worker) or ROUTER (master) joined to a libev loop through
 * ZMQ_FD, with a bounded send queue and decoded messages delivered to callbacks (see
 * locust_link.h for the rules).
 *
 * Everything runs on the thread of the loop the link was created with; libzmq's own I/O thread
 * is the only other one involved, inside libzmq. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <zmq.h>
#include "locust_link.h"
#include "locust_link_internal.h"
#include "locust_mp.h"

#define DRAIN_BUDGET 64             /* messages per callback before yielding to the loop */
#define KEEPALIVE_IDLE 30           /* s, as Locust's zmqrpc */

struct queued {
    struct queued *next;
    size_t len;
    char peer[LOCUST_LINK_NODE_ID_MAX];     /* "" on a worker */
    unsigned char data[];
};

struct locust_link {
    struct ev_loop *loop;
    void *ctx, *sock;
    bool master;
    char endpoint[300];
    char node_id[LOCUST_LINK_NODE_ID_MAX];
    int port;
    ev_io io;
    ev_timer retry;
    void *monitor;                  /* a worker's: PAIR socket receiving its socket's events */
    ev_io monitor_io;
    unsigned monitor_seq;           /* for a fresh inproc address at each reconnect */
    struct locust_link_handlers h;
    struct queued *head, *tail;
    size_t n_queued;
    int busy;                       /* inside process(): callbacks may run */
    bool closing;                   /* destroy asked during a callback */
    bool reconnect;                 /* reconnect asked during a callback */
};

static void process(struct locust_link *l);
static void drain(struct locust_link *l);
static void really_destroy(struct locust_link *l);
static void after_callbacks(struct locust_link *l);

static void fail_zmq(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, zmq_strerror(zmq_errno()));
}

/* ---- socket set-up ---- */

static int set_int(void *sock, int option, int value)
{
    return zmq_setsockopt(sock, option, &value, sizeof value);
}

/* "tcp://host:port" ("*" for port 0: a free one), IPv6 literals bracketed; *ipv6 says
 * whether the host is one. */
static int make_endpoint(char *out, size_t n, const char *host, int port, bool *ipv6)
{
    size_t len = strlen(host);
    bool bracketed = len > 1 && host[0] == '[' && host[len - 1] == ']';
    bool bracket = !bracketed && strchr(host, ':') != NULL;
    char port_text[12] = "*";
    int w;

    *ipv6 = bracketed || bracket;
    if (port > 0)
        snprintf(port_text, sizeof port_text, "%d", port);
    w = snprintf(out, n, "tcp://%s%s%s:%s", bracket ? "[" : "", host, bracket ? "]" : "",
                 port_text);
    return w > 0 && (size_t)w < n && len > 0 ? 0 : -1;
}

static void *open_socket(struct locust_link *l, bool ipv6, char *err, size_t errlen)
{
    void *s = zmq_socket(l->ctx, l->master ? ZMQ_ROUTER : ZMQ_DEALER);
    int64_t max = LOCUST_MP_MAX_BYTES;

    if (!s) {
        fail_zmq(err, errlen, "zmq_socket");
        return NULL;
    }
    if (set_int(s, ZMQ_LINGER, LOCUST_LINK_LINGER_MS) < 0 ||
        set_int(s, ZMQ_TCP_KEEPALIVE, 1) < 0 ||
        set_int(s, ZMQ_TCP_KEEPALIVE_IDLE, KEEPALIVE_IDLE) < 0 ||
        set_int(s, ZMQ_IPV6, ipv6) < 0 ||
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max) < 0 ||
        (l->master && set_int(s, ZMQ_ROUTER_MANDATORY, 1) < 0) ||
        (l->master && set_int(s, ZMQ_ROUTER_HANDOVER, 1) < 0) ||
        (!l->master && zmq_setsockopt(s, ZMQ_ROUTING_ID, l->node_id, strlen(l->node_id)) < 0)) {
        fail_zmq(err, errlen, "zmq_setsockopt");
        zmq_close(s);
        return NULL;
    }
    return s;
}

/* The bound port, from ZMQ_LAST_ENDPOINT ("tcp://127.0.0.1:41234"). */
static int bound_port(void *sock)
{
    char last[300];
    size_t n = sizeof last;
    const char *colon;

    if (zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, last, &n) < 0)
        return 0;
    last[sizeof last - 1] = '\0';
    colon = strrchr(last, ':');
    return colon ? atoi(colon + 1) : 0;
}

/* Watch the socket's ZMQ_FD and look at its events once: some may be pending already. */
static int watch(struct locust_link *l, char *err, size_t errlen)
{
    int fd;
    size_t n = sizeof fd;

    if (zmq_getsockopt(l->sock, ZMQ_FD, &fd, &n) < 0) {
        fail_zmq(err, errlen, "ZMQ_FD");
        return -1;
    }
    ev_io_set(&l->io, fd, EV_READ);
    ev_io_start(l->loop, &l->io);
    ev_feed_event(l->loop, &l->io, EV_READ);
    return 0;
}

/* ---- a worker's monitor: connection up and down ---- */

static void report_peer(struct locust_link *l, bool connected)
{
    if (l->h.on_peer)
        l->h.on_peer(l, connected, l->h.arg);
}

/* Read the monitor's events (two frames each: 16-bit event and 32-bit value, then the
 * endpoint) while ZMQ_EVENTS says there are some. */
static void drain_monitor(struct locust_link *l)
{
    for (int budget = DRAIN_BUDGET; l->monitor && !l->closing && budget > 0; budget--) {
        uint32_t events = 0;
        size_t sz = sizeof events;
        zmq_msg_t m;
        uint16_t event = 0;
        int more = 0;

        if (zmq_getsockopt(l->monitor, ZMQ_EVENTS, &events, &sz) < 0 || !(events & ZMQ_POLLIN))
            return;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, l->monitor, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return;
        }
        if (zmq_msg_size(&m) >= sizeof event)
            memcpy(&event, zmq_msg_data(&m), sizeof event);
        sz = sizeof more;
        zmq_getsockopt(l->monitor, ZMQ_RCVMORE, &more, &sz);
        zmq_msg_close(&m);
        for (; more; zmq_getsockopt(l->monitor, ZMQ_RCVMORE, &more, &sz)) {
            zmq_msg_init(&m);
            more = zmq_msg_recv(&m, l->monitor, ZMQ_DONTWAIT) >= 0;
            zmq_msg_close(&m);
            if (!more)
                break;
        }
        if (event == ZMQ_EVENT_DISCONNECTED)
            drain(l);           /* what arrived before the connection closed comes first */
        if (event == ZMQ_EVENT_CONNECTED || event == ZMQ_EVENT_DISCONNECTED)
            report_peer(l, event == ZMQ_EVENT_CONNECTED);
    }
    ev_feed_event(l->loop, &l->monitor_io, EV_READ);
}

static void monitor_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct locust_link *l = w->data;

    (void)loop;
    (void)revents;
    l->busy++;
    drain_monitor(l);
    l->busy--;
    after_callbacks(l);
}

static void stop_monitor(struct locust_link *l)
{
    if (!l->monitor)
        return;
    ev_io_stop(l->loop, &l->monitor_io);
    zmq_socket_monitor(l->sock, NULL, 0);
    zmq_close(l->monitor);
    l->monitor = NULL;
}

/* Watch the worker socket's connections through a PAIR socket on an inproc address. */
static int start_monitor(struct locust_link *l, char *err, size_t errlen)
{
    char addr[64];
    int fd;
    size_t n = sizeof fd;

    snprintf(addr, sizeof addr, "inproc://hornet-monitor-%p-%u", (void *)l, l->monitor_seq++);
    if (zmq_socket_monitor(l->sock, addr, ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED) < 0 ||
        !(l->monitor = zmq_socket(l->ctx, ZMQ_PAIR)) || zmq_connect(l->monitor, addr) < 0 ||
        zmq_getsockopt(l->monitor, ZMQ_FD, &fd, &n) < 0) {
        fail_zmq(err, errlen, "zmq_socket_monitor");
        if (l->monitor)
            zmq_close(l->monitor);
        l->monitor = NULL;
        return -1;
    }
    ev_io_set(&l->monitor_io, fd, EV_READ);
    ev_io_start(l->loop, &l->monitor_io);
    ev_feed_event(l->loop, &l->monitor_io, EV_READ);
    return 0;
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    process(w->data);
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    process(w->data);
}

static struct locust_link *create(struct ev_loop *loop, bool master,
                                  const struct locust_link_handlers *h, char *err,
                                  size_t errlen)
{
    struct locust_link *l = calloc(1, sizeof *l);

    if (!l) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    l->loop = loop;
    l->master = master;
    if (h)
        l->h = *h;
    ev_init(&l->io, io_cb);
    l->io.data = l;
    ev_init(&l->monitor_io, monitor_cb);
    l->monitor_io.data = l;
    ev_init(&l->retry, retry_cb);
    l->retry.repeat = LOCUST_LINK_RETRY;
    l->retry.data = l;
    l->ctx = zmq_ctx_new();
    if (!l->ctx) {
        fail_zmq(err, errlen, "zmq_ctx_new");
        free(l);
        return NULL;
    }
    return l;
}

static void free_queue(struct locust_link *l)
{
    for (struct queued *q = l->head, *next; q; q = next) {
        next = q->next;
        free(q);
    }
    l->head = l->tail = NULL;
    l->n_queued = 0;
}

static void really_destroy(struct locust_link *l)
{
    stop_monitor(l);
    ev_io_stop(l->loop, &l->io);
    ev_timer_stop(l->loop, &l->retry);
    if (l->sock)
        zmq_close(l->sock);
    zmq_ctx_term(l->ctx);
    free_queue(l);
    free(l);
}

/* A link with its socket connected (worker) or bound (master) and watched. */
static struct locust_link *open_link(struct ev_loop *loop, bool master, const char *host,
                                     int port, const char *node_id,
                                     const struct locust_link_handlers *h, char *err,
                                     size_t errlen)
{
    struct locust_link *l = create(loop, master, h, err, errlen);
    bool ipv6;

    if (!l)
        return NULL;
    if (node_id)
        snprintf(l->node_id, sizeof l->node_id, "%s", node_id);
    if (make_endpoint(l->endpoint, sizeof l->endpoint, host, port, &ipv6) < 0) {
        snprintf(err, errlen, "bad host \"%s\"", host);
        goto fail;
    }
    l->sock = open_socket(l, ipv6, err, errlen);
    if (!l->sock || (!master && start_monitor(l, err, errlen) < 0))
        goto fail;
    if ((master ? zmq_bind(l->sock, l->endpoint) : zmq_connect(l->sock, l->endpoint)) < 0) {
        fail_zmq(err, errlen, l->endpoint);
        goto fail;
    }
    if (master)
        l->port = bound_port(l->sock);
    if (watch(l, err, errlen) < 0)
        goto fail;
    return l;
fail:
    really_destroy(l);
    return NULL;
}

struct locust_link *locust_link_connect(struct ev_loop *loop, const char *host, int port,
                                        const char *node_id,
                                        const struct locust_link_handlers *h, char *err,
                                        size_t errlen)
{
    size_t id_len = node_id ? strlen(node_id) : 0;

    if (id_len == 0 || id_len >= LOCUST_LINK_NODE_ID_MAX || port <= 0 || port > 65535) {
        snprintf(err, errlen, "a worker needs a node id of 1..255 bytes and a port");
        return NULL;
    }
    return open_link(loop, false, host, port, node_id, h, err, errlen);
}

struct locust_link *locust_link_listen(struct ev_loop *loop, const char *host, int port,
                                       const struct locust_link_handlers *h, char *err,
                                       size_t errlen)
{
    if (port < 0 || port > 65535) {
        snprintf(err, errlen, "bad port %d", port);
        return NULL;
    }
    return open_link(loop, true, host, port, NULL, h, err, errlen);
}

int locust_link_port(const struct locust_link *l)
{
    return l->master ? l->port : 0;
}

size_t locust_link_queued(const struct locust_link *l)
{
    return l->n_queued;
}

/* ---- sending ---- */

/* One attempt: 0 sent, 1 libzmq cannot take it now (EAGAIN), -1 failed (err). */
static int try_send(struct locust_link *l, const char *peer, const void *frame, size_t len,
                    char *err, size_t errlen)
{
    if (!l->sock) {
        snprintf(err, errlen, "no socket (a reconnect failed)");
        return -1;
    }
    if (l->master && zmq_send(l->sock, peer, strlen(peer), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        if (zmq_errno() == EAGAIN)
            return 1;
        if (zmq_errno() == EHOSTUNREACH)
            snprintf(err, errlen, "no worker \"%s\" is connected", peer);
        else
            fail_zmq(err, errlen, "zmq_send");
        return -1;
    }
    if (zmq_send(l->sock, frame, len, ZMQ_DONTWAIT) < 0) {
        if (zmq_errno() == EAGAIN && !l->master)
            return 1;
        fail_zmq(err, errlen, "zmq_send");
        return -1;
    }
    ev_feed_event(l->loop, &l->io, EV_READ);    /* a send may eat the edge of a receive */
    return 0;
}

static int enqueue(struct locust_link *l, const char *peer, const void *frame, size_t len,
                   char *err, size_t errlen)
{
    struct queued *q;

    if (l->n_queued >= LOCUST_LINK_QUEUE_MAX) {
        snprintf(err, errlen, "send queue full (%d frames): the peer does not read",
                 LOCUST_LINK_QUEUE_MAX);
        return -1;
    }
    q = malloc(sizeof *q + len);
    if (!q) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    q->next = NULL;
    q->len = len;
    snprintf(q->peer, sizeof q->peer, "%s", peer ? peer : "");
    if (len)
        memcpy(q->data, frame, len);
    if (l->tail)
        l->tail->next = q;
    else
        l->head = q;
    l->tail = q;
    l->n_queued++;
    if (!ev_is_active(&l->retry))
        ev_timer_again(l->loop, &l->retry);
    return 0;
}

/* Send queued frames while libzmq takes them. 0 when the queue emptied, 1 when libzmq is
 * full again; a frame that fails for good is dropped and reported. */
static int flush(struct locust_link *l)
{
    char err[256];

    while (l->head) {
        struct queued *q = l->head;
        int rc = try_send(l, q->peer, q->data, q->len, err, sizeof err);

        if (rc == 1)
            return 1;
        l->head = q->next;
        if (!l->head)
            l->tail = NULL;
        l->n_queued--;
        if (rc < 0 && l->h.on_error)
            l->h.on_error(l, l->master ? q->peer : NULL, err, l->h.arg);
        free(q);
        if (l->closing)
            return 0;
    }
    ev_timer_stop(l->loop, &l->retry);
    return 0;
}

int locust_link_send(struct locust_link *l, const char *peer, const void *frame, size_t len,
                     char *err, size_t errlen)
{
    int rc;

    if (l->master && (!peer || !peer[0] || strlen(peer) >= LOCUST_LINK_NODE_ID_MAX)) {
        snprintf(err, errlen, "a master sends to a worker's node id");
        return -1;
    }
    if (!l->master && peer) {
        snprintf(err, errlen, "a worker sends to its master only");
        return -1;
    }
    if (l->head)                                    /* keep the order */
        return enqueue(l, peer, frame, len, err, errlen);
    rc = try_send(l, peer, frame, len, err, errlen);
    return rc == 1 ? enqueue(l, peer, frame, len, err, errlen) : rc;
}

int locust_link_send_msg(struct locust_link *l, const char *peer, const struct locust_msg *msg,
                         char *err, size_t errlen)
{
    void *frame;
    size_t len;
    int rc;

    if (locust_msg_encode(msg, &frame, &len, err, errlen) < 0)
        return -1;
    rc = locust_link_send(l, peer, frame, len, err, errlen);
    free(frame);
    return rc;
}

/* ---- receiving ---- */

static void report(struct locust_link *l, const char *peer, const char *err)
{
    if (l->h.on_error)
        l->h.on_error(l, peer, err, l->h.arg);
}

static void deliver(struct locust_link *l, const char *peer, zmq_msg_t *frame)
{
    struct locust_msg m;
    char err[256];

    if (locust_msg_decode(zmq_msg_data(frame), zmq_msg_size(frame), &m, err, sizeof err) < 0) {
        report(l, peer, err);
        return;
    }
    if (l->h.on_msg)
        l->h.on_msg(l, peer, &m, l->h.arg);
    locust_msg_release(&m);
}

/* The identity of a master's message: copied to peer when it is 1..255 bytes without NUL. */
static bool identity(zmq_msg_t *part, char peer[LOCUST_LINK_NODE_ID_MAX])
{
    size_t n = zmq_msg_size(part);
    const void *data = zmq_msg_data(part);

    if (n == 0 || n >= LOCUST_LINK_NODE_ID_MAX || memchr(data, 0, n))
        return false;
    memcpy(peer, data, n);
    peer[n] = '\0';
    return true;
}

/* Receive one whole message (all its parts; the parts after the second are dropped). 0 done
 * (delivered or reported), 1 nothing was there. */
static int receive_one(struct locust_link *l)
{
    zmq_msg_t part[2], extra;
    int n = 0, more = 1;
    char peer[LOCUST_LINK_NODE_ID_MAX];

    while (more) {
        zmq_msg_t *p = n < 2 ? &part[n] : &extra;
        size_t sz = sizeof more;

        zmq_msg_init(p);
        if (zmq_msg_recv(p, l->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(p);
            break;
        }
        n++;
        if (zmq_getsockopt(l->sock, ZMQ_RCVMORE, &more, &sz) < 0)
            more = 0;
        if (p == &extra)
            zmq_msg_close(&extra);
    }
    if (n == 0)
        return 1;
    if (l->master && (n != 2 || !identity(&part[0], peer)))
        report(l, NULL, "a message of other than [identity, frame] from a worker");
    else if (l->master)
        deliver(l, peer, &part[1]);
    else if (n != 1)
        report(l, NULL, "a message of several frames from the master");
    else
        deliver(l, NULL, &part[0]);
    for (int i = 0; i < n && i < 2; i++)
        zmq_msg_close(&part[i]);
    return 0;
}

static int reopen(struct locust_link *l, char *err, size_t errlen)
{
    bool ipv6 = strchr(l->endpoint + 6, '[') != NULL;

    ev_io_stop(l->loop, &l->io);
    ev_timer_stop(l->loop, &l->retry);
    free_queue(l);
    if (l->sock) {
        stop_monitor(l);
        set_int(l->sock, ZMQ_LINGER, 0);
        zmq_close(l->sock);
    }
    l->sock = open_socket(l, ipv6, err, errlen);
    if (!l->sock)
        return -1;
    if (start_monitor(l, err, errlen) < 0 || zmq_connect(l->sock, l->endpoint) < 0) {
        if (l->monitor)
            fail_zmq(err, errlen, l->endpoint);
        stop_monitor(l);
        zmq_close(l->sock);
        l->sock = NULL;
        return -1;
    }
    return watch(l, err, errlen);
}

/* Drain what ZMQ_EVENTS says is there: receive while POLLIN, send queued frames while
 * POLLOUT, at most DRAIN_BUDGET messages, then come back through the loop. */
static void drain(struct locust_link *l)
{
    for (int budget = DRAIN_BUDGET; l->sock && !l->closing && !l->reconnect;) {
        uint32_t events = 0;
        size_t sz = sizeof events;

        if (zmq_getsockopt(l->sock, ZMQ_EVENTS, &events, &sz) < 0)
            return;
        if (events & ZMQ_POLLIN) {
            if (budget-- == 0) {
                ev_feed_event(l->loop, &l->io, EV_READ);
                return;
            }
            if (receive_one(l) == 0)
                continue;
        }
        if ((events & ZMQ_POLLOUT) && l->head && flush(l) == 0 && !l->master)
            continue;
        return;
    }
}

/* What a callback asked for (destroy, reconnect) once no callback runs any more. */
static void after_callbacks(struct locust_link *l)
{
    char err[256];

    if (l->busy > 0)
        return;
    if (l->closing) {
        really_destroy(l);
        return;
    }
    if (l->reconnect) {
        l->reconnect = false;
        if (reopen(l, err, sizeof err) < 0)
            report(l, NULL, err);
    }
}

static void process(struct locust_link *l)
{
    l->busy++;
    drain(l);
    l->busy--;
    after_callbacks(l);
}

int locust_link_reconnect(struct locust_link *l, char *err, size_t errlen)
{
    if (l->master) {
        snprintf(err, errlen, "a master does not reconnect");
        return -1;
    }
    if (l->busy) {
        l->reconnect = true;
        return 0;
    }
    return reopen(l, err, errlen);
}

void locust_link_destroy(struct locust_link *l)
{
    if (!l)
        return;
    if (l->busy) {
        l->closing = true;
        return;
    }
    really_destroy(l);
}

int locust_link_make_node_id(char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char rnd[16];
    char host[200] = "hornet";
    size_t len;

    if (n < 34 || getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
        return -1;
    if (gethostname(host, sizeof host) < 0 || !host[0])
        snprintf(host, sizeof host, "hornet");
    host[sizeof host - 1] = '\0';
    len = strlen(host);
    if (len > n - 34)
        len = n - 34;
    memcpy(out, host, len);
    out[len++] = '_';
    for (int i = 0; i < 16; i++) {
        out[len++] = hex[rnd[i] >> 4];
        out[len++] = hex[rnd[i] & 15];
    }
    out[len] = '\0';
    return 0;
}
