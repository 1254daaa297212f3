/* server: the listening socket, accepting connections, the connection pool and the cached
 * Date header. Created on any thread; after server_start, the loop's thread owns it. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "server_internal.h"

enum { ACCEPT_BATCH = 64 };
#define ACCEPT_RETRY_S 0.1
/* At most one "accept: ... pausing" line per this many seconds: when descriptors run out, a
 * server under load pauses, accepts a few as others close, and pauses again, many times a
 * second. */
#define ACCEPT_LOG_EVERY_S 10.0

static int listen_on(const struct target_config *c, int *port, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char service[16];
    int fd = -1, one = 1, rc;

    snprintf(service, sizeof service, "%d", c->port);
    rc = getaddrinfo(c->listen_addr, service, &hints, &ai);
    if (rc) {
        snprintf(err, errlen, "%s: not a numeric address (%s)", c->listen_addr,
                 gai_strerror(rc));
        return -1;
    }
    fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        fcntl(fd, F_SETFL, O_NONBLOCK) || fcntl(fd, F_SETFD, FD_CLOEXEC) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, SOMAXCONN) ||
        getsockname(fd, (struct sockaddr *)&ss, &sl))
        goto fail;
    *port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                           : ((struct sockaddr_in *)&ss)->sin_port);
    freeaddrinfo(ai);
    return fd;
fail:
    snprintf(err, errlen, "%s%s%s:%d: %s", ai->ai_family == AF_INET6 ? "[" : "",
             c->listen_addr, ai->ai_family == AF_INET6 ? "]" : "", c->port, strerror(errno));
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return -1;
}

bool server_pause_begin(struct accept_pause *p, double now)
{
    p->pauses++;
    if (p->paused)
        return false;                   /* the same episode: the retry found no descriptor */
    p->paused = true;
    if (p->logged && now - p->logged_at < ACCEPT_LOG_EVERY_S) {
        p->unlogged++;
        return false;
    }
    p->logged = true;
    p->logged_at = now;
    return true;
}

void server_pause_end(struct accept_pause *p)
{
    p->paused = false;
}

/* Out of descriptors (or buffers): stop watching the listener for ACCEPT_RETRY_S, so that the
 * waiting connections stay in the kernel's backlog instead of waking the loop at once. */
static void accept_pause(struct server *s, int error)
{
    struct accept_pause *p = &s->pause;
    uint64_t unlogged = p->unlogged;

    if (server_pause_begin(p, ev_now(s->loop)) && !s->cfg.quiet) {
        p->unlogged = 0;
        if (unlogged)
            fprintf(stderr, "hornet-target: accept: %s: pausing new connections for 100 ms "
                    "(%llu more pauses since the last line)\n", strerror(error),
                    (unsigned long long)unlogged);
        else
            fprintf(stderr, "hornet-target: accept: %s: pausing new connections for 100 ms "
                    "(repeats are logged at most every %.0f s)\n", strerror(error),
                    ACCEPT_LOG_EVERY_S);
    }
    atomic_store_explicit(&s->pauses, p->pauses, memory_order_relaxed);
    ev_io_stop(s->loop, &s->accept_io);
    ev_timer_set(&s->accept_retry, ACCEPT_RETRY_S, 0.0);   /* a fired timer keeps no delay */
    ev_timer_start(s->loop, &s->accept_retry);
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct server *s = w->data;
    int one = 1;

    (void)loop;
    (void)revents;
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                accept_pause(s, errno);
            return;
        }
        server_pause_end(&s->pause);
        if (fcntl(fd, F_SETFL, O_NONBLOCK) || fcntl(fd, F_SETFD, FD_CLOEXEC)) {
            close(fd);
            continue;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn_open(s, fd);
    }
}

static void accept_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct server *s = w->data;

    (void)revents;
    ev_io_start(loop, &s->accept_io);
}

struct server *server_create(struct ev_loop *loop, const struct target_config *c,
                             struct served *served, char *err, size_t errlen)
{
    struct server *s = calloc(1, sizeof *s);

    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->loop = loop;
    s->cfg = *c;
    s->served = served;
    s->fd = listen_on(c, &s->port, err, errlen);
    if (s->fd < 0) {
        free(s);
        return NULL;
    }
    s->api = api_create(c, served);
    if (!s->api || delay_init(&s->delays, loop, conn_delay_done)) {
        snprintf(err, errlen, s->api ? "timerfd: %s" : "out of memory", strerror(errno));
        api_destroy(s->api);
        close(s->fd);
        free(s);
        return NULL;
    }
    conn_settings(&s->settings);
    ev_io_init(&s->accept_io, accept_cb, s->fd, EV_READ);
    s->accept_io.data = s;
    ev_timer_init(&s->accept_retry, accept_retry_cb, ACCEPT_RETRY_S, 0);
    s->accept_retry.data = s;
    s->date_sec = -1;
    return s;
}

int server_port(const struct server *s)
{
    return s->port;
}

uint64_t server_accept_pauses(const struct server *s)
{
    return atomic_load_explicit(&s->pauses, memory_order_relaxed);
}

void server_start(struct server *s)
{
    ev_io_start(s->loop, &s->accept_io);
}

void server_destroy(struct server *s)
{
    if (!s)
        return;
    ev_io_stop(s->loop, &s->accept_io);
    ev_timer_stop(s->loop, &s->accept_retry);
    while (s->live) {
        struct conn *c = s->live;
        conn_close(c);
    }
    while (s->pool) {
        struct conn *c = s->pool;
        s->pool = c->next;
        conn_free(c);
    }
    delay_free(&s->delays);
    close(s->fd);
    api_destroy(s->api);
    strbuf_free(&s->body);
    free(s);
}

const char *server_date(struct server *s)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
    time_t now = (time_t)ev_now(s->loop);
    struct tm tm;

    if ((long)now == s->date_sec)
        return s->date;
    s->date_sec = (long)now;
    gmtime_r(&now, &tm);
    snprintf(s->date, sizeof s->date, "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
             days[tm.tm_wday % 7], tm.tm_mday % 100, months[tm.tm_mon % 12],
             (tm.tm_year + 1900) % 10000, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100);
    return s->date;
}
