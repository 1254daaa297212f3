/* engine: the control thread and the public face of the engine. Its own ev loop feeds commands
 * and time to the control state (control.c, where every decision is made: the dispatcher,
 * stages, limits, stop, warnings, aborts), carries out what it decides (worker commands, resets),
 * merges the workers' intervals into the collector and publishes a snapshot every
 * publish_interval (double-buffered under a mutex: readers copy, nobody shares live state).
 * A worker error or an allocation failure the run cannot go on with becomes the control's
 * fatal state, shown in the snapshot.
 * Roles (engine.h): LOCAL runs its ramp on its worker threads; a WORKER also talks to a Locust
 * master on this loop (locust_worker.c: the master's counts in, each merged interval out in
 * its reports); a MASTER has no worker thread: its dispatcher's slots are remote worker nodes
 * (locust_master.c: spawns out, reports in as intervals for this collector).
 * engine_create/start/send/snapshot/destroy run on the caller's thread; all else on the
 * control thread. */
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ev.h>
#include "cmdq.h"
#include "control.h"
#include "engine.h"
#include "health.h"
#include "health_poll.h"
#include "locust_master.h"
#include "locust_worker.h"
#include "openmodel.h"
#include "plan.h"
#include "pool.h"
#include "selfstat.h"
#include "stats.h"
#include "targets.h"
#include "tracker.h"
#include "worker.h"

#define FD_RESERVE 64
#define SPARE_ENDPOINTS 256     /* a MASTER's endpoints beyond the scenario's (its workers') */

struct engine {
    struct engine_config cfg;
    const struct scenario *scn;
    struct plan *plan;
    struct stats *stats;
    struct tracker *tracker;            /* steady and last-N windows of the targets */
    struct control *ctl;                /* every decision; this file carries them out */
    struct health *health;              /* backend health collector (NULL: no health block) */
    struct health_poll *poller;         /* ... and its polling thread */
    struct worker **workers;
    int n_workers;
    uint32_t n_slots;                   /* the dispatcher's: worker threads, or worker nodes */
    uint32_t *sent;                     /* per slot x class: users the slot was told of */
    uint32_t stops_sent;                /* STOP_ALLs every worker thread was sent */
    struct locust_worker *agent;        /* WORKER: the conversation with the master */
    struct locust_master *master;       /* MASTER: the worker nodes */
    uint64_t *sent_curve;               /* per worker x class: the open class's curve version
                                           the worker was sent (0: none yet) */
    int64_t *read_second;               /* per worker x class: the newest second read of its
                                           pool's per-second counters */
    struct stats *co_stats;             /* the corrected latencies (intended starts), or NULL */
    struct snapshot *co_scratch;        /* co_stats's numbers, copied into snapshot.open */
    uint32_t next_index;                /* the next user's index in the run */
    double reset_time;                  /* intervals wholly before it are not counted */
    bool fatal_pending, fatal_reported; /* fatal_text waits for control_fatal / was given */
    char fatal_text[SNAP_TEXT_MAX];
    pthread_t thread;
    bool started;
    struct ev_loop *loop;
    ev_async cmd_async, quit_async, settled_async;
    ev_timer tick, ramp_timer;

    struct cmdq cmds;                   /* struct engine_cmd, from any thread */
    _Atomic bool cmd_lost;              /* a command could not be queued (out of memory) */
    pthread_mutex_t inbox_mu;           /* intervals, exceptions, fatal errors from workers */
    struct interval *inbox_head, *inbox_tail;
    struct interval *co_head, *co_tail; /* the corrected latencies' intervals */
    struct pending_exc *exc_head;
    struct health_sample *health_head, *health_tail;   /* from the poller, in poll order */
    char inbox_fatal[SNAP_TEXT_MAX];
    pthread_mutex_t snap_mu;            /* front snapshot */
    struct snapshot *front, *back;
    uint64_t seq;
    struct selfstat self;               /* hornet's own CPU and timer lag between publishes */
    uint32_t ncpu;
};

struct pending_exc {
    struct pending_exc *next;
    char message[SNAP_TEXT_MAX];
    char where[SNAP_TEXT_MAX];
};

uint64_t engine_fds_needed(uint32_t users, uint32_t fds_per_user)
{
    uint64_t groups = ((uint64_t)users + WORKER_GROUP_USERS - 1) / WORKER_GROUP_USERS;

    if (fds_per_user == 0)
        fds_per_user = 1;
    return (uint64_t)users * fds_per_user + groups * WORKER_GROUP_FDS + FD_RESERVE;
}

uint32_t engine_max_users(uint32_t fd_limit, uint32_t fds_per_user)
{
    uint32_t lo = 0, hi = fd_limit;

    if (fd_limit == 0)
        return UINT32_MAX;
    while (lo < hi) {                       /* the largest count that fits */
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (engine_fds_needed(mid, fds_per_user) <= fd_limit)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* ---- worker sinks (worker threads) --------------------------------------------------------- */

static void sink_interval(void *arg, struct interval *iv)
{
    struct engine *e = arg;

    iv->next = NULL;
    pthread_mutex_lock(&e->inbox_mu);
    if (e->inbox_tail)
        e->inbox_tail->next = iv;
    else
        e->inbox_head = iv;
    e->inbox_tail = iv;
    pthread_mutex_unlock(&e->inbox_mu);
}

static void sink_corrected(void *arg, struct interval *iv)
{
    struct engine *e = arg;

    iv->next = NULL;
    pthread_mutex_lock(&e->inbox_mu);
    if (e->co_tail)
        e->co_tail->next = iv;
    else
        e->co_head = iv;
    e->co_tail = iv;
    pthread_mutex_unlock(&e->inbox_mu);
}

static void sink_exception(void *arg, const char *message, const char *where)
{
    struct engine *e = arg;
    struct pending_exc *x = calloc(1, sizeof *x);

    if (!x)
        return;
    snprintf(x->message, sizeof x->message, "%s", message);
    snprintf(x->where, sizeof x->where, "%s", where);
    pthread_mutex_lock(&e->inbox_mu);
    x->next = e->exc_head;
    e->exc_head = x;
    pthread_mutex_unlock(&e->inbox_mu);
}

/* A backend-health poll, from the poller's thread. */
static void sink_health(void *arg, struct health_sample *hs)
{
    struct engine *e = arg;

    hs->next = NULL;
    pthread_mutex_lock(&e->inbox_mu);
    if (e->health_tail)
        e->health_tail->next = hs;
    else
        e->health_head = hs;
    e->health_tail = hs;
    pthread_mutex_unlock(&e->inbox_mu);
}

/* A worker cannot go on (its curl multi handle failed): the first message is kept; the
 * control thread turns it into the run's fatal state at its next tick. */
static void sink_fatal(void *arg, const char *message)
{
    struct engine *e = arg;

    pthread_mutex_lock(&e->inbox_mu);
    if (!e->inbox_fatal[0])
        snprintf(e->inbox_fatal, sizeof e->inbox_fatal, "%s", message);
    pthread_mutex_unlock(&e->inbox_mu);
}

/* Backend-health samples into the collector, its events into the run's log. */
static void take_health(struct engine *e, struct health_sample *hs)
{
    struct health_sample *next;
    char text[SNAP_TEXT_MAX];
    double when;
    int level;

    for (; hs; hs = next) {
        next = hs->next;
        if (e->health)
            health_add(e->health, hs);
        free(hs);
    }
    while (e->health && health_next_event(e->health, &when, &level, text, sizeof text))
        control_event(e->ctl, when, level, text);
}

/* A worker finished a STOP_ALL: the control thread looks at once (the end of a run, or a
 * worker node's answer to its master, need not wait for the next tick). */
static void sink_settled(void *arg)
{
    struct engine *e = arg;

    ev_async_send(e->loop, &e->settled_async);
}

/* An interval the collector merged: a worker node keeps it for its next report. */
static void merged(struct engine *e, struct interval *iv)
{
    if (e->agent)
        locust_worker_add_interval(e->agent, iv);
    else
        interval_free(iv);
}

static void drain_inbox(struct engine *e)
{
    struct interval *iv, *co, *next;
    struct pending_exc *x, *xn;
    struct health_sample *hs;
    char fatal[SNAP_TEXT_MAX];

    pthread_mutex_lock(&e->inbox_mu);
    iv = e->inbox_head;
    co = e->co_head;
    x = e->exc_head;
    hs = e->health_head;
    e->inbox_head = e->inbox_tail = NULL;
    e->co_head = e->co_tail = NULL;
    e->exc_head = NULL;
    e->health_head = e->health_tail = NULL;
    memcpy(fatal, e->inbox_fatal, sizeof fatal);
    e->inbox_fatal[0] = '\0';
    pthread_mutex_unlock(&e->inbox_mu);
    for (; iv; iv = next) {
        next = iv->next;
        if (iv->last_time >= e->reset_time) { /* wholly before a reset: forgotten with it */
            stats_merge(e->stats, iv);
            if (!e->co_stats)
                tracker_merge(e->tracker, iv);
            merged(e, iv);
        } else {
            interval_free(iv);
        }
    }
    for (; co; co = next) {
        next = co->next;
        if (e->co_stats && co->last_time >= e->reset_time) {
            stats_merge(e->co_stats, co);
            tracker_merge(e->tracker, co);  /* the targets judge what users would see */
        }
        interval_free(co);
    }
    for (; x; x = xn) {
        xn = x->next;
        stats_exception(e->stats, x->message, x->where);
        if (e->agent)
            locust_worker_exception(e->agent, x->message, x->where);
        free(x);
    }
    take_health(e, hs);
    if (fatal[0] && !e->fatal_pending) {
        e->fatal_pending = true;
        memcpy(e->fatal_text, fatal, sizeof fatal);
    }
}

/* ---- carrying out the control's decisions ---------------------------------------------- */

/* Queue a command for worker w; a command that cannot be queued (out of memory) leaves the
 * dispatcher's counts wrong: the run cannot go on. */
static void send_worker(struct engine *e, int w, const struct worker_cmd *cmd)
{
    if (worker_send(e->workers[w], cmd) < 0 && !e->fatal_pending) {
        e->fatal_pending = true;
        snprintf(e->fatal_text, sizeof e->fatal_text,
                 "out of memory queuing a command for worker %d", w);
    }
}

static void broadcast(struct engine *e, const struct worker_cmd *cmd)
{
    for (int w = 0; w < e->n_workers; w++)
        send_worker(e, w, cmd);
}

/* ---- the open model: plans out, pools' reports in, corrected latencies ------------------- */

/* An open class's curve changed (or was never sent): every worker gets its plan; the first
 * one reserves the indices of the worker's pool users. */
static void dispatch_arrivals(struct engine *e)
{
    struct openmodel *om = control_openmodel(e->ctl);
    uint32_t n = e->scn->n_classes;

    for (uint32_t k = 0; k < n; k++) {
        uint64_t version = openmodel_version(om, k);

        if (!openmodel_is_open(om, k))
            continue;
        for (int w = 0; w < e->n_workers; w++) {
            uint64_t *sent = &e->sent_curve[(size_t)w * n + k];
            struct worker_cmd cmd = {.type = WCMD_ARRIVALS, .cls = k};

            if (*sent == version)
                continue;
            openmodel_slot_plan(om, (uint32_t)w, k, &cmd.arrivals);
            if (*sent == 0) {
                cmd.first_index = e->next_index;
                e->next_index += cmd.arrivals.max_users;
            }
            *sent = version;
            send_worker(e, w, &cmd);
        }
    }
}

/* The pools' counters into the open model: every second up to 1.5 s ago (complete by then),
 * or once the run is over every second (the workers are idle: their counters are final),
 * and the totals and pools summed over the workers. */
static void observe_pools(struct engine *e, double now, bool over)
{
    struct openmodel *om = control_openmodel(e->ctl);
    uint32_t n = e->scn->n_classes;
    int64_t upto = (int64_t)floor(over ? now : now - 1.5);

    for (uint32_t k = 0; k < n; k++) {
        uint64_t due = 0, started = 0, dropped = 0, d, st, dr;
        uint32_t users = 0, busy = 0, waiting = 0, u, b, wt, s_started, s_dropped;

        if (!openmodel_is_open(om, k))
            continue;
        for (int w = 0; w < e->n_workers; w++) {
            const struct pool *p = atomic_load_explicit(&e->workers[w]->pools[k],
                                                        memory_order_acquire);
            int64_t *last = &e->read_second[(size_t)w * n + k];

            if (!p)
                continue;
            pool_read_totals(p, &d, &st, &dr, &u, &b, &wt);
            due += d, started += st, dropped += dr, users += u, busy += b, waiting += wt;
            if (*last < upto - POOL_SECONDS + 2)
                *last = upto - POOL_SECONDS + 2;
            for (; *last < upto; (*last)++)
                if (pool_read_second(p, *last + 1, &s_started, &s_dropped))
                    openmodel_observe_second(om, k, *last + 1, s_started, s_dropped);
        }
        openmodel_observe_pool(om, k, now, due, started, dropped, users, busy, waiting);
    }
}

/* The corrected latencies: the second collector's numbers into snapshot.open. */
static void fill_corrected(struct engine *e, double now, struct snapshot *s)
{
    const struct snapshot *c = e->co_scratch;
    struct snap_open *o = &s->open;

    o->corrected = e->co_stats != NULL;
    if (!e->co_stats)
        return;
    stats_fill(e->co_stats, now, e->co_scratch);
    for (uint32_t i = 0; i < c->n_endpoints && i < SNAP_MAX_ENDPOINTS; i++)
        snap_open_latency_of(&o->endpoints[i], &c->endpoints[i]);
    snap_open_latency_of(&o->total, &c->total);
    for (uint32_t i = 0; i < c->n_points && i < SNAP_SERIES_LEN; i++)
        o->series[i] = (struct snap_bands){c->series[i].p50_us, c->series[i].p95_us,
                                           c->series[i].p99_us, c->series[i].max_us};
    for (uint32_t ep = 0; ep < c->n_endpoints && ep < SNAP_MAX_ENDPOINTS; ep++)
        for (uint32_t i = 0; i < c->n_ep_points && i < SNAP_EP_SERIES_LEN; i++) {
            const struct snap_ep_point *p = &c->ep_series[ep][i];
            o->ep_series[ep][i] = (struct snap_bands){p->p50_us, p->p95_us, p->p99_us,
                                                      p->max_us};
        }
}

/* A worker node's counts moved: its absolute counts in one spawn message. */
static void dispatch_node(struct engine *e, uint32_t slot)
{
    uint32_t n = e->scn->n_classes, *sent = &e->sent[(size_t)slot * n];
    bool moved = false;

    for (uint32_t k = 0; k < n; k++) {
        uint32_t want = control_slot_users(e->ctl, slot, k);

        moved = moved || want != sent[k];
        sent[k] = want;
    }
    if (moved)
        locust_master_spawn(e->master, slot, sent);
}

/* A worker thread's counts moved: start or stop the difference (the newest users stop first,
 * on the worker's side). Indices are handed out in start order. */
static void dispatch_thread(struct engine *e, uint32_t w)
{
    uint32_t n = e->scn->n_classes;

    for (uint32_t k = 0; k < n; k++) {
        uint32_t want = control_slot_users(e->ctl, w, k);
        uint32_t *sent = &e->sent[(size_t)w * n + k];
        struct worker_cmd cmd = {.cls = k};

        if (want == *sent)
            continue;
        if (want > *sent) {
            cmd.type = WCMD_SPAWN;
            cmd.count = want - *sent;
            cmd.first_index = e->next_index;
            e->next_index += cmd.count;
        } else {
            cmd.type = WCMD_STOP_USERS;
            cmd.count = *sent - want;
        }
        *sent = want;
        send_worker(e, (int)w, &cmd);
    }
}

/* The dispatcher's per-slot counts moved: tell each slot its difference. */
static void dispatch(struct engine *e)
{
    if (control_state(e->ctl) >= RUN_STOPPING)
        return;                             /* STOP_ALL covers every user */
    for (uint32_t slot = 0; slot < e->n_slots; slot++) {
        if (e->master)
            dispatch_node(e, slot);
        else
            dispatch_thread(e, slot);
    }
    dispatch_arrivals(e);
}

static void reset_stats(struct engine *e, double when)
{
    struct worker_cmd flush = {.type = WCMD_FLUSH};

    drain_inbox(e);
    /* What a worker recorded before the reset leaves with its next interval; any request that
     * finishes after the reset and joins that interval would carry it past the reset filter.
     * Flushing now cuts the interval at the reset, as closely as the command's trip allows. */
    broadcast(e, &flush);
    e->reset_time = when;
    stats_reset(e->stats, when);
    if (e->co_stats)
        stats_reset(e->co_stats, when);
    openmodel_reset(control_openmodel(e->ctl), when);
    tracker_reset(e->tracker, when);
}

static void run_action(struct engine *e, const struct control_action *a)
{
    struct worker_cmd cmd = {0};

    switch (a->type) {
    case CONTROL_STOP_ALL:              /* every user goes: the slots start from none */
        memset(e->sent, 0, (size_t)e->n_slots * e->scn->n_classes * sizeof *e->sent);
        if (e->master) {
            locust_master_stop_all(e->master);
            break;
        }
        cmd.type = WCMD_STOP_ALL;
        cmd.deadline = a->time;
        e->stops_sent++;
        broadcast(e, &cmd);
        break;
    case CONTROL_PAUSE:
    case CONTROL_RESUME:
        cmd.type = a->type == CONTROL_PAUSE ? WCMD_PAUSE : WCMD_RESUME;
        broadcast(e, &cmd);
        break;
    case CONTROL_RESET_STATS:
        reset_stats(e, a->time);
        break;
    case CONTROL_STEADY:
        tracker_mark_steady(e->tracker, a->time);
        break;
    }
}

static void schedule_ramp(struct engine *e)
{
    double next = control_next_step(e->ctl);

    ev_timer_stop(e->loop, &e->ramp_timer);
    if (next < 0)
        return;
    next -= ev_now(e->loop);
    ev_timer_set(&e->ramp_timer, next > 0 ? next : 0.0, 0.0);
    ev_timer_start(e->loop, &e->ramp_timer);
}

/* After every decision: worker commands for the dispatcher's counts, the actions in order, a
 * fatal error met on the way, and the timer of the next ramp step. */
static void carry_out(struct engine *e)
{
    struct control_action a;

    for (int round = 0; round < 2; round++) {
        dispatch(e);
        while (control_next_action(e->ctl, &a))
            run_action(e, &a);
        if (!e->fatal_pending || e->fatal_reported)
            break;
        e->fatal_reported = true;
        control_fatal(e->ctl, e->fatal_text, ev_now(e->loop));
    }
    schedule_ramp(e);
}

/* ---- the control thread's loop --------------------------------------------------------- */

/* Every slot finished the last STOP_ALL: no user left, its data handed over. */
static bool all_idle(const struct engine *e)
{
    if (e->master)
        return locust_master_idle(e->master);
    for (int w = 0; w < e->n_workers; w++)
        if (atomic_load(&e->workers[w]->stops_done) != e->stops_sent)
            return false;
    return true;
}

static uint32_t alive(const struct engine *e)
{
    uint32_t n = 0;

    if (e->master)
        return locust_master_users(e->master);
    for (int w = 0; w < e->n_workers; w++)
        n += atomic_load(&e->workers[w]->alive);
    return n;
}

static uint32_t in_flight(const struct engine *e)
{
    uint32_t n = 0;

    for (int w = 0; w < e->n_workers; w++)
        n += atomic_load_explicit(&e->workers[w]->in_flight, memory_order_relaxed);
    return n;
}

static void class_counts(const struct engine *e, uint32_t *counts)
{
    for (uint32_t k = 0; k < e->scn->n_classes; k++)
        counts[k] = control_class_users(e->ctl, k);
}

/* After every decision: carry it out, and a worker node tells its master what changed (with
 * every interval handed over so far in its report: a stop's last ones included). */
static void decided(struct engine *e)
{
    uint32_t counts[SNAP_MAX_CLASSES];

    carry_out(e);
    if (!e->agent)
        return;
    drain_inbox(e);
    class_counts(e, counts);
    locust_worker_update(e->agent, control_state(e->ctl), counts);
}

static void ramp_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct engine *e = t->data;

    (void)revents;
    control_tick(e->ctl, ev_now(loop), all_idle(e));
    decided(e);
}

static void settled_cb(struct ev_loop *loop, ev_async *a, int revents)
{
    struct engine *e = a->data;

    (void)revents;
    if (control_state(e->ctl) != RUN_STOPPING)
        return;
    drain_inbox(e);
    control_tick(e->ctl, ev_now(loop), all_idle(e));
    decided(e);
}

static void cmd_cb(struct ev_loop *loop, ev_async *a, int revents)
{
    struct engine *e = a->data;
    struct engine_cmd batch[16];
    size_t n;

    (void)revents;
    if (atomic_exchange(&e->cmd_lost, false) && !e->fatal_pending) {
        e->fatal_pending = true;
        snprintf(e->fatal_text, sizeof e->fatal_text, "out of memory queuing a command");
    }
    while ((n = cmdq_take(&e->cmds, batch, 16)) > 0) {
        for (size_t i = 0; i < n; i++) {
            control_command(e->ctl, &batch[i], ev_now(loop));
            carry_out(e);
        }
    }
    decided(e);
}

/* hornet's own load: the process's CPU and the workers' probes (selfstat.h). */
static void fill_self(struct engine *e, struct snapshot *s, double now)
{
    struct selfstat_sample smp;

    selfstat_sample_begin(&smp, now);
    for (int w = 0; w < e->n_workers; w++)
        selfstat_probe_drain(&e->workers[w]->probe, &smp);
    selfstat_update(&e->self, &smp, e->ncpu, &s->self);
}

static void fill_run(struct engine *e, struct snapshot *s, double now)
{
    control_fill(e->ctl, s, now, alive(e));
    snprintf(s->scenario, sizeof s->scenario, "%s", e->scn->name ? e->scn->name : "");
    snprintf(s->host, sizeof s->host, "%s", e->plan ? e->plan->host
                                                    : e->cfg.host ? e->cfg.host : "");
    s->threads = e->n_workers;
    s->fd_limit = e->cfg.fd_limit;
    s->tls_insecure = e->cfg.tls.insecure;
    s->role = (uint8_t)e->cfg.role;
    s->expect_workers = e->cfg.expect_workers;
    if (e->master) {
        snprintf(s->master, sizeof s->master, "tcp://%s:%d", e->cfg.master_host,
                 locust_master_port(e->master));
        locust_master_fill(e->master, s, now);
    } else if (e->agent) {
        snprintf(s->master, sizeof s->master, "tcp://%s:%d", e->cfg.master_host,
                 e->cfg.master_port);
    }
}

/* The targets' verdicts. With corrected latencies they judge those (what users would have
 * seen): on the corrected view of s (the co_scratch, free again after fill_corrected), with the
 * tracker fed the corrected intervals. */
static void fill_targets(struct engine *e, struct snapshot *s, double now)
{
    bool judge_rps = !e->cfg.load_changed && !control_manual(e->ctl);
    struct snapshot *view = e->co_scratch;

    if (!e->co_stats) {
        targets_fill(e->scn, e->tracker, s, now, judge_rps);
        return;
    }
    memcpy(view, s, sizeof *view);
    snap_open_corrected_view(view);
    targets_fill(e->scn, e->tracker, view, now, judge_rps);
    s->n_targets = view->n_targets;
    memcpy(s->targets, view->targets, sizeof s->targets);
}

static void publish(struct engine *e)
{
    double now = ev_time();
    struct snapshot *s = e->back;

    drain_inbox(e);
    observe_pools(e, now, control_finished(e->ctl));
    if (control_finished(e->ctl))
        openmodel_finish(control_openmodel(e->ctl), now);
    stats_set_users(e->stats, (int64_t)floor(now), control_users(e->ctl, alive(e)) +
                    openmodel_users(control_openmodel(e->ctl)));
    stats_fill(e->stats, now, s);
    fill_corrected(e, now, s);
    if (e->cfg.use_targets)
        fill_targets(e, s, now);
    else
        s->n_targets = 0;
    if (e->health)
        health_fill(e->health, s);
    else
        s->health.n_sources = s->health.n_metrics = 0;
    control_judge(e->ctl, s, now, in_flight(e));
    decided(e);
    fill_run(e, s, now);
    fill_self(e, s, now);
    control_saturation(e->ctl, s, e->n_workers, now);
    pthread_mutex_lock(&e->snap_mu);
    s->seq = ++e->seq;
    e->back = e->front;
    e->front = s;
    pthread_mutex_unlock(&e->snap_mu);
}

static void tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct engine *e = t->data;

    (void)revents;
    drain_inbox(e);                         /* a worker's fatal error first */
    carry_out(e);
    control_tick(e->ctl, ev_now(loop), all_idle(e));
    decided(e);
    publish(e);
    if (control_finished(e->ctl))
        ev_timer_stop(loop, t);
}

/* ---- a worker node: what its master asks ----------------------------------------------- */

/* An event of the distributed run's conversation for the run's log. */
static void note(struct engine *e, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(struct engine *e, int level, const char *fmt, ...)
{
    char text[SNAP_TEXT_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    control_event(e->ctl, ev_now(e->loop), level, text);
}

/* The master's host, when it names one: used while no user runs (the master's next test). */
static void take_master_host(struct engine *e, const char *host)
{
    char err[256];
    size_t len = strlen(host);

    while (len > 0 && host[len - 1] == '/')
        len--;
    if (strncmp(host, e->plan->host, len) == 0 && e->plan->host[len] == '\0')
        return;
    if (control_state(e->ctl) != RUN_READY) {
        note(e, EVENT_WARN, "The master's host %s differs from %s, which the running users "
             "keep", host, e->plan->host);
    } else if (plan_set_host(e->plan, host, err, sizeof err) < 0) {
        note(e, EVENT_WARN, "The master's host: %s; the users load %s", err, e->plan->host);
    } else if (scenario_has_fixture(e->scn, FIXTURE_SETUP) ||
               scenario_has_fixture(e->scn, FIXTURE_PREFLIGHT)) {
        note(e, EVENT_WARN, "Users load the master's host %s; this worker's setup and "
             "preflight ran against its own host (give the workers -H %s too)", e->plan->host,
             e->plan->host);
    } else {
        note(e, EVENT_INFO, "Users load the master's host %s", e->plan->host);
    }
}

static void agent_spawn(void *arg, const uint32_t *counts, const char *host, double stop_timeout)
{
    struct engine *e = arg;

    if (host && host[0])
        take_master_host(e, host);
    control_set_classes(e->ctl, counts, stop_timeout, ev_now(e->loop));
    decided(e);
}

static void agent_stop(void *arg)
{
    struct engine *e = arg;

    control_stop_users(e->ctl, ev_now(e->loop));
    decided(e);
}

static void agent_quit(void *arg, const char *why)
{
    struct engine *e = arg;
    struct engine_cmd stop = {.type = ENGINE_STOP, .who = EVENT_ENGINE};

    snprintf(stop.text, sizeof stop.text, "Stopping: %s", why);
    control_command(e->ctl, &stop, ev_now(e->loop));
    decided(e);
}

static void agent_log(void *arg, int level, const char *text)
{
    struct engine *e = arg;

    control_event(e->ctl, ev_now(e->loop), level, text);
}

/* ---- a master: its worker nodes -------------------------------------------------------- */

/* The run starts once the expected workers are there. */
static void maybe_start(struct engine *e)
{
    double now = ev_now(e->loop);

    if (control_started(e->ctl) || control_state(e->ctl) != RUN_READY ||
        locust_master_ready(e->master) < e->cfg.expect_workers)
        return;
    e->reset_time = 0.0;
    stats_reset(e->stats, now);
    tracker_reset(e->tracker, now);
    control_start(e->ctl, now);
}

static void node_join(void *arg, uint32_t slot)
{
    struct engine *e = arg;
    uint32_t ready;

    control_set_slot(e->ctl, slot, true, ev_now(e->loop));
    ready = locust_master_ready(e->master);
    if (!control_started(e->ctl) && ready < e->cfg.expect_workers)
        note(e, EVENT_INFO, "Waiting for workers to be ready, %u of %u connected", ready,
             e->cfg.expect_workers);
    maybe_start(e);
    decided(e);
}

static void node_leave(void *arg, uint32_t slot)
{
    struct engine *e = arg;

    control_set_slot(e->ctl, slot, false, ev_now(e->loop));
    decided(e);
}

static void node_intervals(void *arg, struct interval **ivs, size_t n)
{
    struct engine *e = arg;

    for (size_t i = 0; i < n; i++) {
        if (ivs[i]->last_time >= e->reset_time) {
            stats_merge(e->stats, ivs[i]);
            tracker_merge(e->tracker, ivs[i]);
        }
        interval_free(ivs[i]);
    }
    free(ivs);
}

static int node_endpoint(void *arg, const char *method, const char *name)
{
    return stats_name_endpoint(((struct engine *)arg)->stats, method, name);
}

static void node_exception(void *arg, const char *message, const char *traceback)
{
    stats_exception(((struct engine *)arg)->stats, message, traceback);
}

/* ---- starting and ending a run on the control loop ----------------------------------- */

static int start_agent(struct engine *e, char *err, size_t errlen)
{
    struct locust_worker_config wc = {
        .host = e->cfg.master_host, .port = e->cfg.master_port, .scenario = e->scn,
        .now = ev_now(e->loop),
        .ops = {agent_spawn, agent_stop, agent_quit, agent_log, e}};

    e->agent = locust_worker_create(e->loop, &wc, err, errlen);
    if (!e->agent)
        return -1;
    note(e, EVENT_INFO, "Worker %s: connecting to the master at %s:%d",
         locust_worker_node_id(e->agent), e->cfg.master_host, e->cfg.master_port);
    return 0;
}

static int start_master(struct engine *e, char *err, size_t errlen)
{
    struct locust_master_config mc = {
        .bind_host = e->cfg.master_host, .bind_port = e->cfg.master_port, .scenario = e->scn,
        .host = e->cfg.host && e->cfg.host[0] ? e->cfg.host : NULL,
        .stop_timeout = e->cfg.stop_timeout, .max_workers = e->n_slots,
        .ops = {node_join, node_leave, node_intervals, node_endpoint, node_exception,
                agent_log, e}};

    e->master = locust_master_create(e->loop, &mc, err, errlen);
    if (!e->master)
        return -1;
    note(e, EVENT_INFO, "Master listening for workers at tcp://%s:%d; the run starts once %u "
         "%s connected", e->cfg.master_host, locust_master_port(e->master),
         e->cfg.expect_workers, e->cfg.expect_workers == 1 ? "worker is" : "workers are");
    return 0;
}

static void quit_cb(struct ev_loop *loop, ev_async *a, int revents)
{
    (void)a;
    (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

static void *control_main(void *arg)
{
    struct engine *e = arg;

    ev_run(e->loop, 0);
    return NULL;
}

/* ---- public API (caller's thread) ------------------------------------------------------ */

/* The collector: the scenario's endpoints, and a MASTER's spares for its workers' others; and
 * the corrected latencies' when requests have intended starts (not on a MASTER, which sends
 * none). */
static int create_stats(struct engine *e)
{
    const struct scenario *scn = e->scn;
    uint32_t n = scn->n_endpoints + (e->cfg.role == ENGINE_MASTER ? SPARE_ENDPOINTS : 0);
    const char **methods = calloc(n + 1, sizeof *methods);
    const char **names = calloc(n + 1, sizeof *names);
    bool intended = e->cfg.role != ENGINE_MASTER && scenario_has_intended(scn);

    if (methods && names) {
        for (uint32_t i = 0; i < scn->n_endpoints; i++) {
            methods[i] = http_method_names[scn->endpoints[i].method];
            names[i] = scn->endpoints[i].name;
        }
        e->stats = stats_create(n, methods, names, ev_time());
        if (e->stats && intended)
            e->co_stats = stats_create(scn->n_endpoints, methods, names, ev_time());
    }
    free(methods);
    free(names);
    return e->stats && (e->co_stats || !intended) ? 0 : -1;
}

/* The backend-health collector and its poller, when the scenario has a health block. */
static int create_health(struct engine *e, char *err, size_t errlen)
{
    const struct health_def *h = &e->scn->health;
    struct health_poll_sink sink = {sink_health, e};

    if (h->n_sources == 0 || e->cfg.role == ENGINE_WORKER)
        return 0;                   /* a worker node's master polls the backend */
    if (e->cfg.role == ENGINE_MASTER && (!e->cfg.host || !e->cfg.host[0]))
        return 0;                   /* no host of its own (run.c says so) */
    if (!(e->health = health_create(h, e->cfg.host, e->cfg.use_targets))) {
        snprintf(err, errlen, "out of memory creating the engine");
        return -1;
    }
    e->poller = health_poll_create(h, e->cfg.host, NULL, &sink, err, errlen);
    return e->poller ? 0 : -1;
}

static int create_parts(struct engine *e, char *err, size_t errlen)
{
    const struct scenario *scn = e->scn;
    struct worker_sink sink = {sink_interval, sink_exception, sink_fatal, sink_settled,
                               sink_corrected, e};
    int threads = e->cfg.role == ENGINE_MASTER ? 0 : e->cfg.threads;

    e->n_slots = e->cfg.role == ENGINE_MASTER ? ENGINE_MAX_NODES : (uint32_t)threads;
    if (create_stats(e) < 0 ||
        (e->cfg.use_targets && scn->n_targets && !(e->tracker = tracker_create(scn))))
        goto oom;
    e->front = calloc(1, sizeof *e->front);
    e->back = calloc(1, sizeof *e->back);
    e->workers = calloc((size_t)threads + 1, sizeof *e->workers);
    e->sent = calloc((size_t)e->n_slots * scn->n_classes + 1, sizeof *e->sent);
    e->sent_curve = calloc((size_t)threads * scn->n_classes + 1, sizeof *e->sent_curve);
    e->read_second = calloc((size_t)threads * scn->n_classes + 1, sizeof *e->read_second);
    e->ctl = control_create(&e->cfg, e->n_slots);
    if (!e->front || !e->back || !e->workers || !e->sent || !e->sent_curve || !e->read_second ||
        !e->ctl || (e->co_stats && !(e->co_scratch = calloc(1, sizeof *e->co_scratch))))
        goto oom;
    for (int w = 0; w < threads; w++, e->n_workers++)
        if (!(e->workers[w] = worker_create(w, e->plan, scn->n_endpoints, &sink, err, errlen)))
            return -1;
    return create_health(e, err, errlen);
oom:
    snprintf(err, errlen, "out of memory creating the engine");
    return -1;
}

static int check_config(const struct engine_config *cfg, char *err, size_t errlen)
{
    bool master = cfg->role == ENGINE_MASTER;

    if (!cfg->scenario || cfg->scenario->n_classes == 0)
        snprintf(err, errlen, "the scenario has no user class to run");
    else if (!master && (cfg->threads < 1 || cfg->threads > 256))
        snprintf(err, errlen, "threads must be between 1 and 256, got %d", cfg->threads);
    else if (!cfg->use_stages && cfg->spawn_rate <= 0)
        snprintf(err, errlen, "spawn rate must be greater than 0");
    else if (!master && !cfg->host)
        snprintf(err, errlen, "no host to send requests to");
    else if (cfg->role != ENGINE_LOCAL && (!cfg->master_host || !cfg->master_host[0]))
        snprintf(err, errlen, "a distributed run needs the master's address");
    else if (master && cfg->expect_workers < 1)
        snprintf(err, errlen, "a master expects at least 1 worker");
    else if (cfg->scenario->n_classes > SNAP_MAX_CLASSES && cfg->role == ENGINE_WORKER)
        snprintf(err, errlen, "a worker node runs at most %d user classes", SNAP_MAX_CLASSES);
    else
        return 0;
    return -1;
}

static void init_watchers(struct engine *e)
{
    ev_async_init(&e->cmd_async, cmd_cb);
    e->cmd_async.data = e;
    ev_async_start(e->loop, &e->cmd_async);
    ev_async_init(&e->quit_async, quit_cb);
    ev_async_start(e->loop, &e->quit_async);
    ev_async_init(&e->settled_async, settled_cb);
    e->settled_async.data = e;
    ev_async_start(e->loop, &e->settled_async);
    ev_timer_init(&e->tick, tick_cb, e->cfg.publish_interval, e->cfg.publish_interval);
    e->tick.data = e;
    ev_timer_init(&e->ramp_timer, ramp_timer_cb, 0.0, 0.0);
    e->ramp_timer.data = e;
}

struct engine *engine_create(const struct engine_config *cfg, char *err, size_t errlen)
{
    struct engine *e;

    if (check_config(cfg, err, errlen) < 0)
        return NULL;
    if (!(e = calloc(1, sizeof *e))) {
        snprintf(err, errlen, "out of memory creating the engine");
        return NULL;
    }
    e->cfg = *cfg;
    if (e->cfg.publish_interval <= 0)
        e->cfg.publish_interval = 0.2;
    e->scn = cfg->scenario;
    e->ncpu = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? (uint32_t)sysconf(_SC_NPROCESSORS_ONLN) : 1;
    cmdq_init(&e->cmds, sizeof(struct engine_cmd));
    pthread_mutex_init(&e->inbox_mu, NULL);
    pthread_mutex_init(&e->snap_mu, NULL);
    if (cfg->role != ENGINE_MASTER) {       /* a master runs no user: no plan */
        e->plan = plan_create(e->scn, cfg->host, cfg->stop_timeout, cfg->seed, err, errlen);
        if (!e->plan) {
            engine_destroy(e);
            return NULL;
        }
        plan_set_trace(e->plan, cfg->trace, cfg->trace_arg, cfg->trace_requests);
        e->plan->shared = cfg->shared;
        e->plan->tls = cfg->tls;
    }
    e->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
    if (!e->loop)
        snprintf(err, errlen, "cannot create the control event loop");
    if (!e->loop || create_parts(e, err, errlen) < 0) {
        engine_destroy(e);
        return NULL;
    }
    init_watchers(e);
    return e;
}

/* The run begins (a MASTER's once its workers are there, see maybe_start). */
static int begin_run(struct engine *e, char *err, size_t errlen)
{
    ev_now_update(e->loop);
    e->reset_time = 0.0;
    stats_reset(e->stats, ev_now(e->loop));
    if (e->co_stats)
        stats_reset(e->co_stats, ev_now(e->loop));
    if (e->health)
        health_start(e->health, ev_now(e->loop));
    if (e->cfg.role != ENGINE_MASTER)
        control_start(e->ctl, ev_now(e->loop));
    if ((e->cfg.role == ENGINE_WORKER && start_agent(e, err, errlen) < 0) ||
        (e->cfg.role == ENGINE_MASTER && start_master(e, err, errlen) < 0))
        return -1;
    carry_out(e);
    ev_timer_start(e->loop, &e->tick);
    publish(e);
    return 0;
}

int engine_start(struct engine *e, char *err, size_t errlen)
{
    sigset_t all, old;
    int rc;

    for (int w = 0; w < e->n_workers; w++)
        if (worker_start(e->workers[w], err, errlen) < 0)
            return -1;
    if (begin_run(e, err, errlen) < 0)  /* before the thread exists: no race on e's fields */
        return -1;
    if (e->poller && health_poll_start(e->poller, err, errlen) < 0)
        return -1;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rc = pthread_create(&e->thread, NULL, control_main, e);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "pthread_create: %s", strerror(rc));
        return -1;
    }
    e->started = true;
    return 0;
}

void engine_send(struct engine *e, const struct engine_cmd *cmd)
{
    if (cmdq_push(&e->cmds, cmd) < 0)
        atomic_store(&e->cmd_lost, true);   /* the control thread makes it the fatal state */
    if (e->started)
        ev_async_send(e->loop, &e->cmd_async);
}

uint64_t engine_snapshot(struct engine *e, struct snapshot *out)
{
    uint64_t seq;

    pthread_mutex_lock(&e->snap_mu);
    seq = e->front->seq;
    if (out->seq != seq)                /* already a copy of this one: ~1 MB not to copy */
        memcpy(out, e->front, sizeof *out);
    pthread_mutex_unlock(&e->snap_mu);
    return seq;
}

void engine_destroy(struct engine *e)
{
    if (!e)
        return;
    if (e->started) {
        ev_async_send(e->loop, &e->quit_async);
        pthread_join(e->thread, NULL);
    }
    health_poll_destroy(e->poller);
    for (int w = 0; w < e->n_workers; w++)
        worker_destroy(e->workers[w]);
    drain_inbox(e);
    health_destroy(e->health);
    locust_worker_destroy(e->agent);    /* after the last intervals went to its report */
    locust_master_destroy(e->master);   /* tells its workers to quit */
    free(e->workers);
    stats_destroy(e->stats);
    tracker_destroy(e->tracker);
    plan_free(e->plan);
    if (e->loop)
        ev_loop_destroy(e->loop);
    free(e->front);
    free(e->back);
    free(e->sent);
    free(e->sent_curve);
    free(e->read_second);
    stats_destroy(e->co_stats);
    free(e->co_scratch);
    control_destroy(e->ctl);
    cmdq_destroy(&e->cmds);
    pthread_mutex_destroy(&e->inbox_mu);
    pthread_mutex_destroy(&e->snap_mu);
    free(e);
}
