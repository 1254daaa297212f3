/* host: the run's main-thread loop (polling, history rows, event log lines, the console
 * table, stop signals) shared by the headless console and the dashboard. Main thread, the
 * default ev loop. */
#include <errno.h>
#include <ev.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "console.h"
#include "host.h"
#include "log.h"

struct host {
    struct run *r;
    const struct host_view *view;
    ev_signal sigint, sigterm, sighup;
    ev_timer poll, table;
    ev_periodic history;
    int signals;
};

static void poll_now(struct host *h, struct ev_loop *loop)
{
    const struct host_view *v = h->view;
    bool fresh = run_refresh(h->r);

    if (fresh)
        run_log_events(h->r);
    if (v->update)
        v->update(v->arg, h->r->snap, fresh, ev_now(loop));
    if (v->done ? v->done(v->arg, h->r->snap) : h->r->snap->finished)
        ev_break(loop, EVBREAK_ALL);
}

static void poll_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)revents;
    poll_now(w->data, loop);
}

static void history_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
    struct host *h = w->data;

    (void)revents;
    poll_now(h, loop);
    run_history_tick(h->r);
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t k = write(fd, buf, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        buf += k;
        len -= (size_t)k;
    }
    return 0;
}

/* The stats table with the current rates, in one write (a log file opened O_APPEND gets it
 * whole between other lines). */
static void table_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct host *h = w->data;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)revents;
    if (!f)
        return;
    console_stats_table(f, h->r->snap, true,
                        h->view->table_fd == STDOUT_FILENO ? console_default_name_width(stdout)
                                                           : 0);
    fclose(f);
    fflush(stdout);
    if (write_all(h->view->table_fd, buf, len) < 0) {
        log_msg(LOG_LEVEL_ERROR, "cannot write the stats table: %s (no more tables)",
                strerror(errno));
        ev_timer_stop(loop, w);
    }
    free(buf);
}

static const char *signal_name(int signum)
{
    return signum == SIGINT ? "Ctrl-C" : signum == SIGHUP ? "SIGHUP" : "SIGTERM";
}

static void signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    struct host *h = w->data;
    const struct host_view *v = h->view;
    struct engine_cmd stop = {.type = ENGINE_STOP, .who = EVENT_OPERATOR};

    (void)revents;
    h->r->signals = ++h->signals;
    if (h->signals == 1) {
        log_msg(LOG_LEVEL_INFO, "%s received: stopping users (press Ctrl-C again to stop at "
                "once)", signal_name(w->signum));
        run_send(h->r, &stop);
    } else {
        log_msg(LOG_LEVEL_WARNING, "Stopping at once; writing what was counted");
    }
    if (v->interrupt)
        v->interrupt(v->arg, h->signals > 1 ? 2 : 1, ev_now(loop));
    if (h->signals > 1)
        ev_break(loop, EVBREAK_ALL);
}

static void watch(struct host *h, struct ev_loop *loop)
{
    ev_signal_init(&h->sigint, signal_cb, SIGINT);
    ev_signal_init(&h->sigterm, signal_cb, SIGTERM);
    ev_signal_init(&h->sighup, signal_cb, SIGHUP);
    ev_timer_init(&h->poll, poll_cb, 0.0, HOST_POLL_SECONDS);
    ev_timer_init(&h->table, table_cb, HOST_TABLE_SECONDS, HOST_TABLE_SECONDS);
    ev_periodic_init(&h->history, history_cb, 0.25, 1.0, NULL);
    h->sigint.data = h->sigterm.data = h->sighup.data = h;
    h->poll.data = h->table.data = h->history.data = h;
    ev_signal_start(loop, &h->sigint);
    ev_signal_start(loop, &h->sigterm);
    ev_signal_start(loop, &h->sighup);
    ev_timer_start(loop, &h->poll);
    ev_periodic_start(loop, &h->history);
    if (h->view->table_fd >= 0)
        ev_timer_start(loop, &h->table);
    run_metrics_start(h->r, loop);
}

/* Once the loop is over, the final files are being written: a later stop signal (a terminal
 * that closes sends SIGHUP more than once) must not kill the process half-way. The three are
 * ignored before libev lets go of them (it may unblock them, or restore their default) and
 * again after, blocked in between: one that was pending is dropped. */
static void ignore_stops(void)
{
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
}

static void unwatch(struct host *h, struct ev_loop *loop)
{
    sigset_t stops, old;

    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stops, &old);
    ignore_stops();
    ev_signal_stop(loop, &h->sigint);
    ev_signal_stop(loop, &h->sigterm);
    ev_signal_stop(loop, &h->sighup);
    ignore_stops();
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    ev_timer_stop(loop, &h->poll);
    ev_timer_stop(loop, &h->table);
    ev_periodic_stop(loop, &h->history);
    run_metrics_stop(h->r);
}

void host_run(struct run *r, struct ev_loop *loop, const struct host_view *view)
{
    struct host h = {.r = r, .view = view};

    watch(&h, loop);
    ev_run(loop, 0);
    unwatch(&h, loop);
}

/* ---- after the end: the final numbers for the scrapers --------------------------------- */

static void linger_end_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)w;
    (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

static void linger_signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)w;
    (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

void host_linger(struct run *r, struct ev_loop *loop, double seconds)
{
    ev_timer end;
    ev_signal sigs[3];
    const int signums[3] = {SIGINT, SIGTERM, SIGHUP};

    if (!r->metrics_http || seconds <= 0)
        return;
    log_msg(LOG_LEVEL_INFO, "Serving the final metrics for %.0f s (--metrics-linger; Ctrl-C "
            "ends it)", seconds);
    ev_timer_init(&end, linger_end_cb, seconds, 0.0);
    ev_timer_start(loop, &end);
    for (int i = 0; i < 3; i++) {
        ev_signal_init(&sigs[i], linger_signal_cb, signums[i]);
        ev_signal_start(loop, &sigs[i]);
    }
    run_metrics_start(r, loop);
    ev_run(loop, 0);
    run_metrics_stop(r);
    for (int i = 0; i < 3; i++)
        ev_signal_stop(loop, &sigs[i]);
    ev_timer_stop(loop, &end);
}
