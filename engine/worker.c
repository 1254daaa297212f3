/* worker: an engine worker thread: one ev loop and one CURLM driven through libcurl's
 * multi_socket interface (CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION, as curl's evhiperfifo
 * example, with fractional timers and no socket context read after socket_action), the users
 * it owns, and its statistics recorder. Commands arrive under a mutex + ev_async; nothing on
 * the request path locks. Everything here runs on the worker's thread, except worker_create,
 * worker_start, worker_send and worker_destroy. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "response.h"
#include "user.h"
#include "worker.h"

#define TICK_INTERVAL 0.25      /* flush statistics, check stop deadlines */

struct sock {
    ev_io io;                   /* first: the watcher is the socket's context */
    struct worker *w;
    struct sock *next_free;
};

/* ---- libcurl <-> libev glue ---------------------------------------------------------------- */

static void drain_done(struct worker *w)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(w->multi, &left))) {
        CURL *e;
        CURLcode rc;
        struct user *u = NULL;
        if (msg->msg != CURLMSG_DONE)
            continue;
        e = msg->easy_handle;
        rc = msg->data.result;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&u);
        curl_multi_remove_handle(w->multi, e);
        atomic_fetch_add_explicit(&w->requests, 1, memory_order_relaxed);
        user_transfer_done(u, rc);          /* may free u or add a new transfer */
    }
}

static void io_cb(struct ev_loop *loop, ev_io *io, int revents)
{
    struct worker *w = ((struct sock *)io)->w;
    int fd = io->fd, running;
    int action = (revents & EV_READ ? CURL_CSELECT_IN : 0) |
                 (revents & EV_WRITE ? CURL_CSELECT_OUT : 0);

    (void)loop;
    /* io may be recycled inside socket_action: only w and fd are used afterwards */
    curl_multi_socket_action(w->multi, fd, action, &running);
    drain_done(w);
}

static void curl_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct worker *w = t->data;
    int running;

    (void)loop;
    (void)revents;
    curl_multi_socket_action(w->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    drain_done(w);
}

static int timer_fn(CURLM *multi, long timeout_ms, void *arg)
{
    struct worker *w = arg;

    (void)multi;
    ev_timer_stop(w->loop, &w->curl_timer);
    if (timeout_ms >= 0) {
        ev_timer_set(&w->curl_timer, (double)timeout_ms / 1000.0, 0.0);
        ev_timer_start(w->loop, &w->curl_timer);
    }
    return 0;
}

static struct sock *sock_get(struct worker *w)
{
    struct sock *s = w->free_socks;

    if (s) {
        w->free_socks = s->next_free;
        return s;
    }
    s = calloc(1, sizeof *s);
    if (s)
        s->w = w;
    return s;
}

static int socket_fn(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
    struct worker *w = arg;
    struct sock *s = sockp;
    int events = (what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0);

    (void)e;
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            ev_io_stop(w->loop, &s->io);
            s->next_free = w->free_socks;
            w->free_socks = s;
        }
        return 0;
    }
    if (!s) {
        if (!(s = sock_get(w)))
            return -1;
        ev_io_init(&s->io, io_cb, fd, events);
        curl_multi_assign(w->multi, fd, s);
    } else if (s->io.events == events && s->io.fd == fd && ev_is_active(&s->io)) {
        return 0;
    } else {
        ev_io_stop(w->loop, &s->io);
        ev_io_set(&s->io, fd, events);
    }
    ev_io_start(w->loop, &s->io);
    return 0;
}

void worker_add_transfer(struct worker *w, CURL *easy)
{
    curl_multi_add_handle(w->multi, easy);
}

void worker_remove_transfer(struct worker *w, CURL *easy)
{
    curl_multi_remove_handle(w->multi, easy);
}

void worker_user_gone(struct worker *w, struct user *u)
{
    user_unlink(&w->users, u);
    user_destroy(u);
    atomic_fetch_sub(&w->alive, 1);
}

/* ---- commands ------------------------------------------------------------------------------- */

static void spawn_users(struct worker *w, const struct worker_cmd *c)
{
    char err[160];

    for (uint32_t i = 0; i < c->count; i++) {
        struct user *u = user_create(w, c->cls, c->first_index + i, err, sizeof err);
        if (!u) {
            if (w->sink.exception)
                w->sink.exception(w->sink.arg, err, "spawning users");
            return;
        }
        user_link(&w->users, u);
        atomic_fetch_add(&w->alive, 1);
        user_start(u);
    }
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
    for (u = w->users; u; u = next) {
        next = user_next(u);
        user_stop(u, deadline);
    }
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
        recorder_flush(w->rec);
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
        pthread_mutex_lock(&w->mu);
        n = w->n_cmds < 64 ? w->n_cmds : 64;
        memcpy(batch, w->cmds, n * sizeof *batch);
        memmove(w->cmds, w->cmds + n, (w->n_cmds - n) * sizeof *batch);
        w->n_cmds -= n;
        pthread_mutex_unlock(&w->mu);
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
    for (u = w->users; u; u = next) {
        next = user_next(u);
        user_check_deadline(u, now);
    }
    recorder_flush(w->rec);
    if (w->stopping_all && !w->users && !atomic_load(&w->idle))
        atomic_store(&w->idle, true);       /* flushed above: the collector has everything */
}

void worker_send(struct worker *w, const struct worker_cmd *cmd)
{
    pthread_mutex_lock(&w->mu);
    if (w->n_cmds == w->cap_cmds) {
        size_t cap = w->cap_cmds ? w->cap_cmds * 2 : 64;
        struct worker_cmd *p = realloc(w->cmds, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&w->mu);
            return;
        }
        w->cmds = p;
        w->cap_cmds = cap;
    }
    w->cmds[w->n_cmds++] = *cmd;
    pthread_mutex_unlock(&w->mu);
    ev_async_send(w->loop, &w->wake);
}

/* ---- thread and life cycle ------------------------------------------------------------- */

static void emit_cb(void *arg, struct interval *iv)
{
    struct worker *w = arg;
    w->sink.interval(w->sink.arg, iv);
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
    recorder_flush(w->rec);
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
    pthread_mutex_init(&w->mu, NULL);
    w->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
    w->multi = curl_multi_init();
    w->rec = recorder_create(n_endpoints, id, emit_cb, w);
    w->ws = response_ws_new();
    if (!w->loop || !w->multi || !w->rec || !w->ws)
        goto fail;
    curl_multi_setopt(w->multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
    curl_multi_setopt(w->multi, CURLMOPT_SOCKETDATA, (void *)w);
    curl_multi_setopt(w->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
    curl_multi_setopt(w->multi, CURLMOPT_TIMERDATA, (void *)w);
    ev_timer_init(&w->curl_timer, curl_timer_cb, 0.0, 0.0);
    w->curl_timer.data = w;
    ev_timer_init(&w->tick, tick_cb, TICK_INTERVAL, TICK_INTERVAL);
    w->tick.data = w;
    ev_timer_start(w->loop, &w->tick);
    ev_async_init(&w->wake, wake_cb);
    w->wake.data = w;
    ev_async_start(w->loop, &w->wake);
    return w;
fail:
    snprintf(err, errlen, "worker %d: cannot create its event loop, curl multi handle or "
             "statistics (out of memory?)", id);
    worker_destroy(w);
    return NULL;
}

int worker_start(struct worker *w, char *err, size_t errlen)
{
    sigset_t all, old;
    int rc;

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
    struct sock *s;

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
    if (w->multi)
        curl_multi_cleanup(w->multi);
    while ((s = w->free_socks)) {
        w->free_socks = s->next_free;
        free(s);
    }
    recorder_destroy(w->rec);
    response_ws_free(w->ws);
    if (w->loop)
        ev_loop_destroy(w->loop);
    pthread_mutex_destroy(&w->mu);
    free(w->cmds);
    free(w);
}
