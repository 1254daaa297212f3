/* target: hornet-target's public face: start the server on its own thread (embedded in hornet)
 * or run it on the calling thread until a signal (the hornet-target program), and read what it
 * served from any thread. The thread that calls target_start/target_stop owns the handle; the
 * server thread owns the loop and everything in it. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server.h"
#include "target.h"
#include "target_internal.h"

struct target {
    struct ev_loop *loop;
    struct server *server;
    struct served served;
    ev_async stop;              /* the only cross-thread wake-up */
    pthread_t thread;
    bool threaded;
    char listen_addr[64];
};

static void stop_cb(struct ev_loop *loop, ev_async *w, int revents)
{
    (void)w, (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

static struct target *target_create(const struct target_config *c, char *err, size_t errlen)
{
    struct target *t;
    char why[200];

    if (target_config_check(c, why, sizeof why)) {
        snprintf(err, errlen, "hornet-target: %s", why);
        return NULL;
    }
    t = calloc(1, sizeof *t);
    if (!t || !(t->loop = ev_loop_new(EVFLAG_AUTO))) {
        snprintf(err, errlen, "hornet-target: cannot create an event loop");
        free(t);
        return NULL;
    }
    snprintf(t->listen_addr, sizeof t->listen_addr, "%s", c->listen_addr);
    t->server = server_create(t->loop, c, &t->served, why, sizeof why);
    if (!t->server) {
        snprintf(err, errlen, "hornet-target: %s", why);
        ev_loop_destroy(t->loop);
        free(t);
        return NULL;
    }
    ev_async_init(&t->stop, stop_cb);
    ev_async_start(t->loop, &t->stop);
    server_start(t->server);
    return t;
}

static void target_destroy(struct target *t)
{
    server_destroy(t->server);
    ev_async_stop(t->loop, &t->stop);
    ev_loop_destroy(t->loop);
    free(t);
}

static void *thread_main(void *arg)
{
    struct target *t = arg;

    ev_run(t->loop, 0);
    return NULL;
}

struct target *target_start(const struct target_config *c, char *err, size_t errlen)
{
    struct target *t = target_create(c, err, errlen);
    sigset_t all, old;
    int rc;

    if (!t)
        return NULL;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&t->thread, NULL, thread_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        snprintf(err, errlen, "hornet-target: cannot start a thread: %s", strerror(rc));
        target_destroy(t);
        return NULL;
    }
    t->threaded = true;
    return t;
}

int target_port(const struct target *t)
{
    return server_port(t->server);
}

char *target_counts_json(struct target *t)
{
    struct strbuf b = {0};

    served_json(&t->served, &b);
    return b.data;
}

uint64_t target_count(struct target *t, enum target_route route, int status)
{
    return served_get(&t->served, route, status);
}

uint64_t target_accept_pauses(const struct target *t)
{
    return server_accept_pauses(t->server);
}

void target_stop(struct target *t)
{
    if (!t)
        return;
    if (t->threaded) {
        ev_async_send(t->loop, &t->stop);
        pthread_join(t->thread, NULL);
    }
    target_destroy(t);
}

static void signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)revents;
    *(int *)w->data = w->signum;
    ev_break(loop, EVBREAK_ALL);
}

int target_run(const struct target_config *c)
{
    char err[300];
    struct target *t = target_create(c, err, sizeof err);
    ev_signal sigint, sigterm;
    int signum = 0;
    bool v6;

    if (!t) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    ev_signal_init(&sigint, signal_cb, SIGINT);
    ev_signal_init(&sigterm, signal_cb, SIGTERM);
    sigint.data = sigterm.data = &signum;
    ev_signal_start(t->loop, &sigint);
    ev_signal_start(t->loop, &sigterm);
    v6 = strchr(t->listen_addr, ':') != NULL;
    printf("hornet-target listening on http://%s%s%s:%d/\n", v6 ? "[" : "", t->listen_addr,
           v6 ? "]" : "", target_port(t));
    fflush(stdout);
    ev_run(t->loop, 0);
    ev_signal_stop(t->loop, &sigint);
    ev_signal_stop(t->loop, &sigterm);
    fprintf(stderr, "hornet-target: stopped (%s); served:\n", signum == SIGINT ? "SIGINT"
                                                             : signum == SIGTERM ? "SIGTERM"
                                                             : "loop ended");
    served_print(&t->served, stderr);
    target_destroy(t);
    return 0;
}
