/* headless: the reporter of runs without the dashboard. Main thread, default ev loop. */
#include <ev.h>
#include <signal.h>
#include <stdio.h>
#include "console.h"
#include "headless.h"
#include "log.h"

struct headless {
    struct run *r;
    ev_signal sigint, sigterm;
    ev_periodic history;
    ev_timer table, poll;
    int signals;
};

static void signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    struct headless *h = w->data;
    struct engine_cmd stop = {.type = ENGINE_STOP, .who = EVENT_OPERATOR};

    (void)revents;
    if (++h->signals == 1) {
        log_msg(LOG_LEVEL_INFO, "%s received: stopping users (press Ctrl-C again to stop at once)",
                w->signum == SIGINT ? "Ctrl-C" : "SIGTERM");
        engine_send(h->r->engine, &stop);
        return;
    }
    log_msg(LOG_LEVEL_WARNING, "Stopping at once; writing what was counted");
    ev_break(loop, EVBREAK_ALL);
}

static void history_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
    struct headless *h = w->data;

    (void)loop;
    (void)revents;
    run_refresh(h->r);
    run_history_tick(h->r);
}

static void table_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct headless *h = w->data;

    (void)loop;
    (void)revents;
    run_refresh(h->r);
    console_stats_table(stdout, h->r->snap, true, 0);
    fflush(stdout);
}

static void poll_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct headless *h = w->data;

    (void)revents;
    run_refresh(h->r);
    run_log_events(h->r);
    if (h->r->snap->finished)
        ev_break(loop, EVBREAK_ALL);
}

static void watch(struct ev_loop *loop, struct headless *h)
{
    ev_signal_init(&h->sigint, signal_cb, SIGINT);
    ev_signal_init(&h->sigterm, signal_cb, SIGTERM);
    ev_periodic_init(&h->history, history_cb, 0.25, 1.0, NULL);
    ev_timer_init(&h->table, table_cb, 2.0, 2.0);
    ev_timer_init(&h->poll, poll_cb, 0.05, 0.1);
    h->sigint.data = h->sigterm.data = h->history.data = h->table.data = h->poll.data = h;
    ev_signal_start(loop, &h->sigint);
    ev_signal_start(loop, &h->sigterm);
    ev_periodic_start(loop, &h->history);
    if (!h->r->opt->only_summary)
        ev_timer_start(loop, &h->table);
    ev_timer_start(loop, &h->poll);
}

static void unwatch(struct ev_loop *loop, struct headless *h)
{
    ev_signal_stop(loop, &h->sigint);
    ev_signal_stop(loop, &h->sigterm);
    ev_periodic_stop(loop, &h->history);
    ev_timer_stop(loop, &h->table);
    ev_timer_stop(loop, &h->poll);
}


int headless_run(struct run *r)
{
    struct ev_loop *loop = ev_default_loop(0);
    struct headless h = {.r = r};

    watch(loop, &h);
    ev_run(loop, 0);
    unwatch(loop, &h);
    return run_end(r);
}
