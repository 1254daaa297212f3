/* worker: an engine worker thread: one ev loop and one CURLM driven through libcurl's
 * multi_socket interface (CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION, as curl's evhiperfifo
 * example, with fractional timers and no socket context read after socket_action), the users
 * it owns, and its statistics recorder. Commands arrive under a mutex + ev_async; nothing on
 * the request path locks. Everything here runs on the worker's thread, except worker_create,
 * worker_start, worker_send and worker_destroy. */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pool.h"
#include "response.h"
#include "trace.h"
#include "user.h"
#include "worker.h"

#define TICK_INTERVAL 0.25      /* flush statistics, check stop deadlines */
#define TRIM_TICKS 40           /* worker 0 returns free heap pages every 40 ticks (10 s) */

/* One CURLM of the worker and the users that share it (see WORKER_GROUP_USERS). */
struct curl_group {
    struct worker *w;
    CURLM *multi;
    ev_timer timer;             /* libcurl's timeout for this multi */
    uint32_t users;
    bool due;                   /* libcurl's timeout is 0: run before the loop polls */
    bool listed;                /* on the w->due list */
    struct curl_group *next_due;
};

/* The watcher of one file descriptor libcurl uses. A connection socket (opened through
 * worker_open_socket_cb) stays watched for reading between its transfers, so that the next
 * transfer on the same keep-alive connection changes nothing in epoll; readable while idle, it
 * is left to libcurl's liveness check. Other sockets (a resolver's) are dropped on REMOVE. */
struct sock {
    ev_io io;                   /* first: the watcher is the sock */
    struct curl_group *g;       /* the multi this socket's transfer runs in */
    int want;                   /* events libcurl wants; 0 after CURL_POLL_REMOVE */
    bool conn;                  /* a connection socket, closed through worker_close_socket_cb */
};

/* ---- libcurl <-> libev glue ---------------------------------------------------------------- */

/* libcurl's multi handle failed (out of memory, an internal error): this worker's numbers can
 * no longer be trusted. Reported once; the control thread stops the run. */
static void multi_failed(struct worker *w, const char *call, CURLMcode rc)
{
    char msg[160];

    if (w->failed || !w->sink.fatal)
        return;
    w->failed = true;
    snprintf(msg, sizeof msg, "worker %d: %s failed: %s", w->id, call, curl_multi_strerror(rc));
    w->sink.fatal(w->sink.arg, msg);
}

/* An unknown socket (closed meanwhile) is not an error of the handle. */
static void check_action(struct worker *w, CURLMcode rc)
{
    if (rc != CURLM_OK && rc != CURLM_BAD_SOCKET)
        multi_failed(w, "curl_multi_socket_action", rc);
}

static void drain_done(struct curl_group *g)
{
    struct worker *w = g->w;
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(g->multi, &left))) {
        CURL *e;
        CURLcode rc;
        struct user *u = NULL;
        if (msg->msg != CURLMSG_DONE)
            continue;
        e = msg->easy_handle;
        rc = msg->data.result;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&u);
        curl_multi_remove_handle(g->multi, e);
        atomic_fetch_add_explicit(&w->requests, 1, memory_order_relaxed);
        atomic_fetch_sub_explicit(&w->in_flight, 1, memory_order_relaxed);
        user_transfer_done(u, rc);          /* may free u or add a new transfer */
    }
}

static struct sock *sock_at(const struct worker *w, curl_socket_t fd)
{
    return fd >= 0 && fd < w->n_socks ? w->socks[fd] : NULL;
}

static void io_cb(struct ev_loop *loop, ev_io *io, int revents)
{
    struct sock *s = (struct sock *)io;
    struct curl_group *g = s->g;
    int fd = io->fd, running;
    int action = (revents & EV_READ ? CURL_CSELECT_IN : 0) |
                 (revents & EV_WRITE ? CURL_CSELECT_OUT : 0);

    if (!s->want) {                     /* idle keep-alive connection: closed, or junk */
        ev_io_stop(loop, io);
        return;
    }
    /* s may change inside socket_action: only g and fd are used afterwards */
    check_action(g->w, curl_multi_socket_action(g->multi, fd, action, &running));
    drain_done(g);
}

static void run_timeout(struct curl_group *g)
{
    int running;

    check_action(g->w, curl_multi_socket_action(g->multi, CURL_SOCKET_TIMEOUT, 0, &running));
    drain_done(g);
}

static void curl_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct curl_group *g = t->data;

    (void)loop;
    (void)revents;
    g->due = false;                     /* the prepare watcher skips it if still listed */
    run_timeout(g);
}

/* Before the loop polls: run the groups whose timeout is 0 (new transfers, mostly added by
 * the completions just handled), so they start in this iteration rather than after an extra
 * poll. Groups made due meanwhile keep their 0 timer: the poll does not block. */
static void run_due_cb(struct ev_loop *loop, ev_prepare *p, int revents)
{
    struct worker *w = p->data;
    struct curl_group *g = w->due;

    (void)revents;
    w->due = NULL;
    while (g) {
        struct curl_group *next = g->next_due;
        g->next_due = NULL;
        g->listed = false;
        if (g->due) {
            g->due = false;
            ev_timer_stop(loop, &g->timer);
            run_timeout(g);
        }
        g = next;
    }
}

static int timer_fn(CURLM *multi, long timeout_ms, void *arg)
{
    struct curl_group *g = arg;
    struct worker *w = g->w;

    (void)multi;
    ev_timer_stop(w->loop, &g->timer);
    g->due = false;
    if (timeout_ms < 0)
        return 0;
    if (timeout_ms == 0 && !g->listed) {
        g->listed = true;
        g->next_due = w->due;
        w->due = g;
    }
    g->due = timeout_ms == 0;
    ev_timer_set(&g->timer, (double)timeout_ms / 1000.0, 0.0);
    ev_timer_start(w->loop, &g->timer);
    return 0;
}

static struct sock *sock_for(struct worker *w, curl_socket_t fd)
{
    struct sock *s;

    if (fd >= w->n_socks) {
        int n = w->n_socks ? w->n_socks : 64;
        struct sock **p;
        while (n <= fd)
            n *= 2;
        if (!(p = realloc(w->socks, (size_t)n * sizeof *p)))
            return NULL;
        memset(p + w->n_socks, 0, (size_t)(n - w->n_socks) * sizeof *p);
        w->socks = p;
        w->n_socks = n;
    }
    if (!(s = w->socks[fd])) {
        if (!(s = calloc(1, sizeof *s)))
            return NULL;
        ev_io_init(&s->io, io_cb, fd, 0);
        w->socks[fd] = s;
    }
    return s;
}

static int socket_fn(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
    struct curl_group *g = arg;
    struct worker *w = g->w;
    int events = (what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0);
    struct sock *s;

    (void)e;
    (void)sockp;
    if (what == CURL_POLL_REMOVE) {
        if ((s = sock_at(w, fd))) {
            s->want = 0;
            if (!s->conn || (s->io.events & EV_WRITE))
                ev_io_stop(w->loop, &s->io);
        }
        return 0;
    }
    if (!(s = sock_for(w, fd)))
        return -1;
    s->g = g;
    s->want = events;
    if (ev_is_active(&s->io) && s->io.events == events)
        return 0;
    ev_io_stop(w->loop, &s->io);
    ev_io_set(&s->io, fd, events);
    ev_io_start(w->loop, &s->io);
    return 0;
}

curl_socket_t worker_open_socket_cb(void *arg, curlsocktype purpose,
                                    struct curl_sockaddr *addr)
{
    struct worker *w = arg;
    curl_socket_t fd;
    struct sock *s;

    (void)purpose;
    fd = socket(addr->family, addr->socktype, addr->protocol);
    if (fd < 0)
        return CURL_SOCKET_BAD;
    if (!(s = sock_for(w, fd))) {
        close(fd);
        return CURL_SOCKET_BAD;
    }
    ev_io_stop(w->loop, &s->io);        /* the descriptor is new, whatever was watched */
    s->want = 0;
    s->conn = true;
    return fd;
}

int worker_close_socket_cb(void *arg, curl_socket_t fd)
{
    struct worker *w = arg;
    struct sock *s = sock_at(w, fd);

    if (s) {
        ev_io_stop(w->loop, &s->io);
        s->want = 0;
        s->conn = false;
    }
    return close(fd);
}

/* ---- groups ---------------------------------------------------------------------------------- */

static struct curl_group *group_new(struct worker *w)
{
    struct curl_group *g = calloc(1, sizeof *g);

    if (!g)
        return NULL;
    if (w->n_groups == w->cap_groups) {
        uint32_t cap = w->cap_groups ? w->cap_groups * 2 : 8;
        struct curl_group **p = realloc(w->groups, cap * sizeof *p);
        if (!p) {
            free(g);
            return NULL;
        }
        w->groups = p;
        w->cap_groups = cap;
    }
    if (!(g->multi = curl_multi_init())) {
        free(g);
        return NULL;
    }
    g->w = w;
    curl_multi_setopt(g->multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
    curl_multi_setopt(g->multi, CURLMOPT_SOCKETDATA, (void *)g);
    curl_multi_setopt(g->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
    curl_multi_setopt(g->multi, CURLMOPT_TIMERDATA, (void *)g);
    /* libcurl's default cache is 4 connections per easy handle *in the multi*: users between
     * two requests are not, so their idle connections were closed and reopened. Keep one per
     * user and host, as a Locust HttpUser's session does (up to 4 hosts per user). */
    curl_multi_setopt(g->multi, CURLMOPT_MAXCONNECTS, (long)(4 * WORKER_GROUP_USERS));
    ev_timer_init(&g->timer, curl_timer_cb, 0.0, 0.0);
    g->timer.data = g;
    w->groups[w->n_groups++] = g;
    return g;
}

struct curl_group *worker_join_group(struct worker *w)
{
    struct curl_group *best = NULL;

    for (uint32_t i = 0; i < w->n_groups; i++)
        if (!best || w->groups[i]->users < best->users)
            best = w->groups[i];
    if (!best || best->users >= WORKER_GROUP_USERS)
        best = group_new(w);
    if (best)
        best->users++;
    return best;
}

void worker_leave_group(struct curl_group *g)
{
    g->users--;
}

int worker_add_transfer(struct curl_group *g, CURL *easy)
{
    CURLMcode rc = curl_multi_add_handle(g->multi, easy);

    if (rc != CURLM_OK) {
        multi_failed(g->w, "curl_multi_add_handle", rc);
        return -1;
    }
    atomic_fetch_add_explicit(&g->w->in_flight, 1, memory_order_relaxed);
    return 0;
}

void worker_remove_transfer(struct curl_group *g, CURL *easy)
{
    curl_multi_remove_handle(g->multi, easy);
    atomic_fetch_sub_explicit(&g->w->in_flight, 1, memory_order_relaxed);
}

/* Hand over what the recorders hold. */
static void flush(struct worker *w)
{
    recorder_flush(w->rec);
    if (w->co_rec)
        recorder_flush(w->co_rec);
}

/* After STOP_ALL, the last user gone: hand over what was recorded, then say so (the control
 * thread ends the run, or a worker node's test, once every worker is done, and reads the
 * collector after that). */
static void settle(struct worker *w)
{
    if (!w->stopping_all || w->users || w->settled)
        return;
    flush(w);
    w->settled = true;
    atomic_fetch_add(&w->stops_done, 1);
    if (w->sink.settled)
        w->sink.settled(w->sink.arg);
}

void worker_user_gone(struct worker *w, struct user *u)
{
    user_unlink(&w->users, u);
    user_destroy(u);
    atomic_fetch_sub(&w->alive, 1);
    settle(w);
}

/* ---- commands ------------------------------------------------------------------------------- */

struct user *worker_new_user(struct worker *w, uint32_t cls, uint32_t index)
{
    char err[160];
    struct user *u = user_create(w, cls, index, err, sizeof err);

    if (!u) {
        if (w->sink.exception)
            w->sink.exception(w->sink.arg, err, "spawning users");
        return NULL;
    }
    user_link(&w->users, u);
    atomic_fetch_add(&w->alive, 1);
    return u;
}

static void spawn_users(struct worker *w, const struct worker_cmd *c)
{
    for (uint32_t i = 0; i < c->count; i++) {
        struct user *u = worker_new_user(w, c->cls, c->first_index + i);
        if (!u)
            return;
        user_start(u);
    }
}

/* An open class's plan: the first creates the pool (its pre-allocated users start), later
 * ones bring a new curve. Ignored once the run stops. */
static void follow_arrivals(struct worker *w, const struct worker_cmd *c)
{
    struct pool *p = atomic_load_explicit(&w->pools[c->cls], memory_order_relaxed);

    if (w->stopping_all || c->arrivals.max_users == 0)
        return;
    if (p) {
        pool_set_curve(p, &c->arrivals.curve);
        return;
    }
    p = pool_create(w, c->cls, &c->arrivals, c->first_index);
    if (!p && w->sink.exception)
        w->sink.exception(w->sink.arg, "out of memory creating an arrival pool",
                          "starting arrivals");
    atomic_store_explicit(&w->pools[c->cls], p, memory_order_release);
}

/* Stop `count` running users of class cls, the newest first (Locust stops the newest). */
static void stop_users(struct worker *w, uint32_t cls, uint32_t count, double deadline)
{
    struct user *u = w->users, *next;

    for (; u && count > 0; u = next) {
        next = user_next(u);
        if (user_class_index(u) != cls || user_stopping(u))
            continue;
        count--;
        user_stop(u, deadline);             /* may free u */
    }
}

static void stop_all(struct worker *w, double deadline)
{
    struct user *u, *next;

    w->stopping_all = true;
    w->settled = false;
    for (uint32_t k = 0; k < w->plan->n_classes; k++)
        if (w->pools[k])
            pool_stop(atomic_load_explicit(&w->pools[k], memory_order_relaxed));
    for (u = w->users; u; u = next) {
        next = user_next(u);
        user_stop(u, deadline);
    }
    settle(w);                              /* no user had anything left to do */
}

static void resume_all(struct worker *w)
{
    struct user *u, *next;

    w->paused = false;
    for (u = w->users; u; u = next) {
        next = user_next(u);
        user_resume(u);
    }
}

static void run_cmd(struct worker *w, const struct worker_cmd *c)
{
    double now = ev_now(w->loop);

    switch (c->type) {
    case WCMD_SPAWN:
        w->stopping_all = false;
        spawn_users(w, c);
        break;
    case WCMD_STOP_USERS:
        stop_users(w, c->cls, c->count, now + w->plan->stop_timeout);
        break;
    case WCMD_PAUSE:
        w->paused = true;
        break;
    case WCMD_RESUME:
        resume_all(w);
        break;
    case WCMD_STOP_ALL:
        stop_all(w, c->deadline);
        break;
    case WCMD_FLUSH:
        flush(w);
        break;
    case WCMD_ARRIVALS:
        follow_arrivals(w, c);
        break;
    case WCMD_QUIT:
        ev_break(w->loop, EVBREAK_ALL);
        break;
    }
}

static void wake_cb(struct ev_loop *loop, ev_async *a, int revents)
{
    struct worker *w = a->data;
    struct worker_cmd batch[64];
    size_t n;

    (void)loop;
    (void)revents;
    do {
        n = cmdq_take(&w->cmds, batch, 64);
        for (size_t i = 0; i < n; i++)
            run_cmd(w, &batch[i]);
    } while (n == 64);
}

static void tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct worker *w = t->data;
    double now = ev_now(loop);
    struct user *u, *next;

    (void)revents;
    selfstat_tick(&w->probe, ev_time(), now, TICK_INTERVAL);
    for (u = w->users; u; u = next) {
        next = user_next(u);
        user_check_deadline(u, now);
    }
    for (uint32_t k = 0; k < w->plan->n_classes; k++)
        if (w->pools[k])
            pool_tick(atomic_load_explicit(&w->pools[k], memory_order_relaxed));
    flush(w);
    /* glibc keeps the pages of freed chunks: intervals freed by the control thread, libcurl's
     * per-transfer blocks. The live heap of a steady run is flat, but the pages its churn
     * touches are not given back, so RSS crept up for minutes (1.6 MB in 80 s at 1000 users).
     * Trimming every arena every 10 s keeps RSS near the live heap (tests/bench/bench.sh
     * --flatness). */
    if (w->id == 0 && ++w->ticks % TRIM_TICKS == 0)
        malloc_trim(0);
    settle(w);
}

int worker_send(struct worker *w, const struct worker_cmd *cmd)
{
    if (cmdq_push(&w->cmds, cmd) < 0)
        return -1;
    ev_async_send(w->loop, &w->wake);
    return 0;
}

/* ---- thread and life cycle ------------------------------------------------------------- */

static void emit_cb(void *arg, struct interval *iv)
{
    struct worker *w = arg;
    w->sink.interval(w->sink.arg, iv);
}

static void emit_corrected_cb(void *arg, struct interval *iv)
{
    struct worker *w = arg;
    w->sink.corrected(w->sink.arg, iv);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct user *u, *next;

    ev_run(w->loop, 0);
    for (u = w->users; u; u = next) {       /* QUIT without STOP_ALL: abort what is left */
        next = user_next(u);
        user_stop(u, 0.0);
    }
    flush(w);
    return NULL;
}

struct worker *worker_create(int id, const struct plan *plan, uint32_t n_endpoints,
                             const struct worker_sink *sink, char *err, size_t errlen)
{
    struct worker *w = calloc(1, sizeof *w);

    if (!w)
        goto fail;
    w->id = id;
    w->plan = plan;
    w->sink = *sink;
    cmdq_init(&w->cmds, sizeof(struct worker_cmd));
    w->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
    w->rec = recorder_create(n_endpoints, id, emit_cb, w);
    if (sink->corrected && scenario_has_intended(plan->scn) &&
        !(w->co_rec = recorder_create(n_endpoints, id, emit_corrected_cb, w)))
        goto fail;
    w->pools_mem = calloc(plan->n_classes + 1, sizeof *w->pools);
    w->pools = w->pools_mem;
    w->ws = response_ws_new();
    if (!w->loop || !w->rec || !w->ws || !w->pools)
        goto fail;
    ev_prepare_init(&w->run_due, run_due_cb);
    w->run_due.data = w;
    ev_prepare_start(w->loop, &w->run_due);
    ev_timer_init(&w->tick, tick_cb, TICK_INTERVAL, TICK_INTERVAL);
    w->tick.data = w;
    ev_timer_start(w->loop, &w->tick);
    ev_async_init(&w->wake, wake_cb);
    w->wake.data = w;
    ev_async_start(w->loop, &w->wake);
    return w;
fail:
    snprintf(err, errlen, "worker %d: cannot create its event loop or statistics (out of "
             "memory?)", id);
    worker_destroy(w);
    return NULL;
}

int worker_start(struct worker *w, char *err, size_t errlen)
{
    sigset_t all, old;
    int rc;

    w->tracing = trace_active(w->plan->trace);
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rc = pthread_create(&w->thread, NULL, worker_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "worker %d: pthread_create: %s", w->id, strerror(rc));
        return -1;
    }
    w->started = true;
    return 0;
}

void worker_destroy(struct worker *w)
{
    if (!w)
        return;
    if (w->started) {
        struct worker_cmd quit = {.type = WCMD_QUIT};
        worker_send(w, &quit);
        pthread_join(w->thread, NULL);
    }
    while (w->users) {
        struct user *u = w->users;
        user_unlink(&w->users, u);
        user_destroy(u);
    }
    for (uint32_t i = 0; i < w->n_groups; i++) {
        curl_multi_cleanup(w->groups[i]->multi);    /* closes cached connections */
        free(w->groups[i]);
    }
    free(w->groups);
    for (int fd = 0; fd < w->n_socks; fd++)
        free(w->socks[fd]);
    free(w->socks);
    for (uint32_t k = 0; w->pools && k < w->plan->n_classes; k++)
        pool_destroy(atomic_load_explicit(&w->pools[k], memory_order_relaxed));
    free(w->pools_mem);
    recorder_destroy(w->rec);
    recorder_destroy(w->co_rec);
    response_ws_free(w->ws);
    strbuf_free(&w->trace_text);
    if (w->loop)
        ev_loop_destroy(w->loop);
    cmdq_destroy(&w->cmds);
    free(w);
}
