/* engine: the control thread and the public face of the engine. Its own ev loop applies
 * commands, steps the ramp (Locust's dispatcher), follows stages and the run-time limit, merges
 * the workers' intervals into the collector and publishes a snapshot every publish_interval
 * (double-buffered under a mutex: readers copy, nobody shares live state).
 * engine_create/start/send/snapshot/destroy run on the caller's thread; all else on the
 * control thread. */
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ev.h>
#include "cmdq.h"
#include "engine.h"
#include "plan.h"
#include "ramp.h"
#include "stats.h"
#include "targets.h"
#include "tracker.h"
#include "worker.h"

#define FD_RESERVE 64
#define DOWN_SECONDS 3          /* seconds of total failure (or silence) before a warning */

struct engine {
    struct engine_config cfg;
    const struct scenario *scn;
    struct plan *plan;
    struct stats *stats;
    struct tracker *tracker;            /* steady and last-N windows of the targets */
    struct worker **workers;
    int n_workers;
    pthread_t thread;
    bool started;
    struct ev_loop *loop;
    ev_async cmd_async, quit_async;
    ev_timer tick, ramp_timer;

    struct cmdq cmds;                   /* struct engine_cmd, from any thread */
    pthread_mutex_t inbox_mu;           /* intervals and exceptions from workers */
    struct interval *inbox_head, *inbox_tail;
    struct pending_exc *exc_head;
    pthread_mutex_t snap_mu;            /* front snapshot */
    struct snapshot *front, *back;
    uint64_t seq;

    enum run_state state;
    bool paused, manual, ramp_complete, reset_done, finished, target_down, silent;
    double run_start, stop_deadline, end_time, reset_time;
    struct ramp ramp;
    double *weights;
    uint32_t *class_counts;             /* per class */
    uint32_t *worker_counts;            /* per worker x class */
    uint32_t next_index, max_users;
    int stage;
    bool aborted;
    char abort_reason[SNAP_TEXT_MAX];
    double steady_start;                /* when the ramp-up first completed */
    struct snap_event events[SNAP_MAX_EVENTS];
    uint32_t n_events;                  /* ring: the newest SNAP_MAX_EVENTS */
    uint64_t event_seq;
    char fatal[SNAP_TEXT_MAX];
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

/* ---- events ---------------------------------------------------------------------------------- */

static void event(struct engine *e, int who, int level, const char *fmt, ...)
{
    struct snap_event *ev = &e->events[e->event_seq % SNAP_MAX_EVENTS];
    va_list ap;

    ev->seq = ++e->event_seq;
    ev->time = ev_time();
    ev->who = (uint8_t)who;
    ev->level = (uint8_t)level;
    va_start(ap, fmt);
    vsnprintf(ev->text, sizeof ev->text, fmt, ap);
    va_end(ap);
    if (e->n_events < SNAP_MAX_EVENTS)
        e->n_events++;
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

static void drain_inbox(struct engine *e)
{
    struct interval *iv, *next;
    struct pending_exc *x, *xn;

    pthread_mutex_lock(&e->inbox_mu);
    iv = e->inbox_head;
    x = e->exc_head;
    e->inbox_head = e->inbox_tail = NULL;
    e->exc_head = NULL;
    pthread_mutex_unlock(&e->inbox_mu);
    for (; iv; iv = next) {
        next = iv->next;
        if (iv->last_time >= e->reset_time) { /* wholly before a reset: forgotten with it */
            stats_merge(e->stats, iv);
            tracker_merge(e->tracker, iv);
        }
        interval_free(iv);
    }
    for (; x; x = xn) {
        xn = x->next;
        stats_exception(e->stats, x->message, x->where);
        free(x);
    }
}

/* ---- users: the dispatcher ------------------------------------------------------------ */

static uint32_t worker_total(const struct engine *e, int w)
{
    uint32_t n = 0;
    for (uint32_t c = 0; c < e->scn->n_classes; c++)
        n += e->worker_counts[w * e->scn->n_classes + c];
    return n;
}

static void start_one(struct engine *e)
{
    int cls = ramp_class_to_add(e->weights, e->class_counts, e->scn->n_classes);
    int best = 0;
    struct worker_cmd cmd = {.type = WCMD_SPAWN, .count = 1};

    for (int w = 1; w < e->n_workers; w++)
        if (worker_total(e, w) < worker_total(e, best))
            best = w;
    cmd.cls = (uint32_t)cls;
    cmd.first_index = e->next_index++;
    e->class_counts[cls]++;
    e->worker_counts[best * e->scn->n_classes + cls]++;
    worker_send(e->workers[best], &cmd);
}

static void stop_one(struct engine *e)
{
    int cls = ramp_class_to_remove(e->weights, e->class_counts, e->scn->n_classes);
    int best = -1;
    uint32_t n = e->scn->n_classes;
    struct worker_cmd cmd = {.type = WCMD_STOP_USERS, .count = 1};

    if (cls < 0)
        return;
    for (int w = 0; w < e->n_workers; w++)
        if (e->worker_counts[w * n + cls] > 0 &&
            (best < 0 || e->worker_counts[w * n + cls] > e->worker_counts[best * n + cls]))
            best = w;
    cmd.cls = (uint32_t)cls;
    e->class_counts[cls]--;
    e->worker_counts[best * n + cls]--;
    worker_send(e->workers[best], &cmd);
}

static void class_summary(const struct engine *e, char *out, size_t n)
{
    size_t len = (size_t)snprintf(out, n, "{");
    for (uint32_t c = 0; c < e->scn->n_classes && len < n; c++)
        len += (size_t)snprintf(out + len, n - len, "%s\"%s\": %u", c ? ", " : "",
                                e->scn->classes[c].name, e->class_counts[c]);
    if (len < n)
        snprintf(out + len, n - len, "}");
}

static void ramp_reached(struct engine *e)
{
    char classes[SNAP_TEXT_MAX - 40];

    class_summary(e, classes, sizeof classes);
    event(e, EVENT_ENGINE, EVENT_INFO, "All users spawned: %s (%u total users)", classes,
          e->ramp.current);
    if (!e->paused)
        e->state = RUN_RUNNING;
    e->ramp_complete = true;
    if (e->steady_start == 0)
        e->steady_start = ev_now(e->loop);
    tracker_mark_steady(e->tracker, ev_now(e->loop));
    if (e->cfg.reset_stats_after_ramp && !e->reset_done) {
        e->reset_done = true;
        e->reset_time = ev_now(e->loop);
        stats_reset(e->stats, e->reset_time);
        tracker_reset(e->tracker, e->reset_time);
        event(e, EVENT_ENGINE, EVENT_INFO, "Resetting stats (ramp-up complete)");
    }
}

static void schedule_ramp(struct engine *e)
{
    double next = ramp_next(&e->ramp);

    ev_timer_stop(e->loop, &e->ramp_timer);
    if (next < 0)
        return;
    next -= ev_now(e->loop);
    ev_timer_set(&e->ramp_timer, next > 0 ? next : 0.0, 0.0);
    ev_timer_start(e->loop, &e->ramp_timer);
}

static void apply_ramp(struct engine *e)
{
    double now = ev_now(e->loop);
    bool moved = false;
    int32_t d;

    while ((d = ramp_due(&e->ramp, now)) != 0) {
        moved = true;
        for (; d > 0; d--)
            start_one(e);
        for (; d < 0; d++)
            stop_one(e);
    }
    if (moved && e->ramp.current == e->ramp.target)
        ramp_reached(e);
    schedule_ramp(e);
}

static void ramp_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    (void)loop;
    (void)revents;
    apply_ramp(t->data);
}

static void retarget(struct engine *e, uint32_t users, double rate, int who)
{
    if (users > e->max_users) {
        event(e, EVENT_ENGINE, EVENT_WARN, "%u users need about %llu file descriptors but the "
              "limit is %u: capped at %u users (raise ulimit -n)", users,
              (unsigned long long)engine_fds_needed(users, e->cfg.fds_per_user),
              e->cfg.fd_limit, e->max_users);
        users = e->max_users;
    }
    event(e, who, EVENT_INFO, "Ramping to %u users at a rate of %.2f per second", users, rate);
    ramp_retarget(&e->ramp, users, rate, ev_now(e->loop));
    if (e->ramp.current != users && !e->paused && e->state < RUN_STOPPING)
        e->state = RUN_SPAWNING;
    apply_ramp(e);
}

/* ---- run control ----------------------------------------------------------------------------- */

static void broadcast(struct engine *e, const struct worker_cmd *cmd)
{
    for (int w = 0; w < e->n_workers; w++)
        worker_send(e->workers[w], cmd);
}

static void begin_stop(struct engine *e, int who, const char *reason)
{
    struct worker_cmd cmd = {.type = WCMD_STOP_ALL};

    if (e->state >= RUN_STOPPING)
        return;
    event(e, who, EVENT_INFO, "%s", reason);
    e->state = RUN_STOPPING;
    e->stop_deadline = ev_now(e->loop) + e->cfg.stop_timeout;
    cmd.deadline = e->stop_deadline;
    ev_timer_stop(e->loop, &e->ramp_timer);
    e->ramp.target = e->ramp.current;
    broadcast(e, &cmd);
}

static void set_paused(struct engine *e, bool paused, int who)
{
    struct worker_cmd cmd = {.type = paused ? WCMD_PAUSE : WCMD_RESUME};

    if (e->paused == paused || e->state >= RUN_STOPPING)
        return;
    e->paused = paused;
    broadcast(e, &cmd);
    event(e, who, EVENT_INFO, paused ? "Paused: users finish their task and wait"
                                     : "Resumed");
    if (paused)
        e->state = RUN_PAUSED;
    else
        e->state = e->ramp.current == e->ramp.target ? RUN_RUNNING : RUN_SPAWNING;
}

static void reset_stats(struct engine *e, int who)
{
    e->reset_time = ev_now(e->loop);
    drain_inbox(e);
    stats_reset(e->stats, e->reset_time);
    tracker_reset(e->tracker, e->reset_time);
    event(e, who, EVENT_INFO, "Statistics reset");
}

static void run_cmd(struct engine *e, const struct engine_cmd *c)
{
    switch (c->type) {
    case ENGINE_SET_USERS:
        if (e->state >= RUN_STOPPING)
            return;
        if (c->who == EVENT_OPERATOR && e->cfg.use_stages && e->scn->n_stages && !e->manual)
            event(e, EVENT_OPERATOR, EVENT_INFO, "Operator took control: stages suspended");
        if (c->who == EVENT_OPERATOR)
            e->manual = true;
        retarget(e, c->users, c->spawn_rate > 0 ? c->spawn_rate : e->ramp.rate, c->who);
        break;
    case ENGINE_RESUME_STAGES:
        if (e->manual && e->cfg.use_stages && e->scn->n_stages) {
            e->manual = false;
            e->stage = -2;                  /* re-apply the current stage at the next tick */
            event(e, c->who, EVENT_INFO, "Control given back to the scenario's stages");
        }
        break;
    case ENGINE_PAUSE:
    case ENGINE_RESUME:
        set_paused(e, c->type == ENGINE_PAUSE, c->who);
        break;
    case ENGINE_RESET_STATS:
        reset_stats(e, c->who);
        break;
    case ENGINE_STOP:
        begin_stop(e, c->who, c->who == EVENT_OPERATOR ? "Stopping (operator)" : "Stopping");
        break;
    case ENGINE_NOTE:
        event(e, c->who, EVENT_INFO, "%s", c->text);
        break;
    }
}

static void cmd_cb(struct ev_loop *loop, ev_async *a, int revents)
{
    struct engine *e = a->data;
    struct engine_cmd batch[16];
    size_t n;

    (void)loop;
    (void)revents;
    while ((n = cmdq_take(&e->cmds, batch, 16)) > 0)
        for (size_t i = 0; i < n; i++)
            run_cmd(e, &batch[i]);
}

static void follow_stages(struct engine *e, double elapsed)
{
    const struct stage *st;
    int i;

    if (!e->cfg.use_stages || e->scn->n_stages == 0 || e->manual || e->state >= RUN_STOPPING)
        return;
    i = ramp_stage_at(e->scn->stages, e->scn->n_stages, elapsed, NULL);
    if (i < 0) {
        begin_stop(e, EVENT_SCENARIO, "All stages complete, stopping");
        return;
    }
    if (i == e->stage)
        return;
    st = &e->scn->stages[i];
    event(e, EVENT_SCENARIO, EVENT_INFO, "Stage %d/%u: %u users at %.2f per second", i + 1,
          e->scn->n_stages, st->users, st->spawn_rate);
    e->stage = i;
    retarget(e, st->users, st->spawn_rate, EVENT_SCENARIO);
}

/* ---- publishing -------------------------------------------------------------------------- */

static uint32_t users_now(const struct engine *e)
{
    uint32_t n = 0;

    if (e->state < RUN_STOPPING)
        return e->ramp.current;
    for (int w = 0; w < e->n_workers; w++)
        n += atomic_load(&e->workers[w]->alive);
    return n;
}

static bool all_idle(const struct engine *e)
{
    for (int w = 0; w < e->n_workers; w++)
        if (!atomic_load(&e->workers[w]->idle))
            return false;
    return true;
}

static uint32_t in_flight(const struct engine *e)
{
    uint32_t n = 0;

    for (int w = 0; w < e->n_workers; w++)
        n += atomic_load_explicit(&e->workers[w]->in_flight, memory_order_relaxed);
    return n;
}

/* Warnings for the event log: every request failing, or requests waiting with none finishing
 * (users merely thinking are not silence). */
static void watch_target(struct engine *e, const struct snapshot *s)
{
    uint32_t failing = 0, silent = 0, waiting = in_flight(e);

    for (uint32_t i = s->n_points >= DOWN_SECONDS ? s->n_points - DOWN_SECONDS : s->n_points;
         i < s->n_points; i++) {
        failing += s->series[i].requests > 0 && s->series[i].failures == s->series[i].requests;
        silent += s->series[i].requests == 0 && s->series[i].users > 0;
    }
    if (failing == DOWN_SECONDS && !e->target_down) {
        e->target_down = true;
        event(e, EVENT_ENGINE, EVENT_WARN, "Every request failed for %d s: the target stopped "
              "answering? (%s)", DOWN_SECONDS, s->n_errors ? s->errors[0].text : "");
    } else if (failing == 0 && e->target_down) {
        e->target_down = false;
        event(e, EVENT_ENGINE, EVENT_INFO, "The target answers again");
    }
    if (silent == DOWN_SECONDS && waiting > 0 && !e->silent && !e->paused &&
        e->state < RUN_STOPPING) {
        e->silent = true;
        event(e, EVENT_ENGINE, EVENT_WARN, "No request finished for %d s while %u are waiting "
              "for an answer: the target stopped answering?", DOWN_SECONDS, waiting);
    } else if (silent == 0) {
        e->silent = false;
    }
}

static void fill_run(struct engine *e, struct snapshot *s, double now)
{
    double left = 0.0;

    s->now = now;
    s->run_start = e->run_start;
    s->end_time = e->end_time;
    snprintf(s->scenario, sizeof s->scenario, "%s", e->scn->name ? e->scn->name : "");
    snprintf(s->host, sizeof s->host, "%s", e->cfg.host);
    s->threads = e->n_workers;
    s->state = e->state;
    s->finished = e->finished;
    s->manual_control = e->manual;
    s->ramp_complete = e->ramp_complete;
    s->users = users_now(e);
    s->target_users = e->ramp.target;
    s->spawn_rate = e->ramp.rate;
    s->ramp_eta = e->state < RUN_STOPPING ? ramp_eta(&e->ramp, now) : 0.0;
    s->run_time = e->cfg.run_time;
    s->elapsed = (e->end_time > 0 ? e->end_time : now) - e->run_start;
    s->remaining = e->cfg.run_time > 0 ? fmax(0.0, e->cfg.run_time - s->elapsed) : 0.0;
    s->n_stages = e->cfg.use_stages ? (int)e->scn->n_stages : 0;
    s->stage = s->n_stages ? ramp_stage_at(e->scn->stages, e->scn->n_stages, s->elapsed, &left)
                           : -1;
    s->stage_remaining = left;
    s->fd_limit = e->cfg.fd_limit;
    s->n_classes = e->scn->n_classes < SNAP_MAX_CLASSES ? e->scn->n_classes : SNAP_MAX_CLASSES;
    for (uint32_t c = 0; c < s->n_classes; c++) {
        snprintf(s->classes[c].name, sizeof s->classes[c].name, "%s", e->scn->classes[c].name);
        s->classes[c].users = e->class_counts[c];
    }
    s->n_events = e->n_events;
    for (uint32_t i = 0; i < e->n_events; i++)     /* oldest first */
        s->events[i] = e->events[(e->event_seq - e->n_events + i) % SNAP_MAX_EVENTS];
    s->aborted = e->aborted;
    snprintf(s->abort_reason, sizeof s->abort_reason, "%s", e->abort_reason);
    s->steady_start = e->steady_start;
    snprintf(s->fatal, sizeof s->fatal, "%s", e->fatal);
}

/* Live verdicts; a failing target with abort_on_fail stops the run (k6's abortOnFail). */
static void judge_targets(struct engine *e, struct snapshot *s, double now)
{
    char reason[SNAP_TEXT_MAX];

    if (!e->cfg.use_targets) {
        s->n_targets = 0;
        return;
    }
    targets_fill(e->scn, e->tracker, s, now, !e->cfg.load_changed && !e->manual);
    if (e->state < RUN_STOPPING &&
        targets_abort_check(e->scn, s, now - e->run_start, reason, sizeof reason) >= 0) {
        e->aborted = true;
        snprintf(e->abort_reason, sizeof e->abort_reason, "%s", reason);
        event(e, EVENT_ENGINE, EVENT_WARN, "%s", reason);
        begin_stop(e, EVENT_ENGINE, "Stopping: a target with abort_on_fail failed");
    }
}

static void publish(struct engine *e)
{
    double now = ev_time();
    struct snapshot *s = e->back;

    drain_inbox(e);
    stats_set_users(e->stats, (int64_t)floor(now), users_now(e));
    stats_fill(e->stats, now, s);
    watch_target(e, s);
    fill_run(e, s, now);
    judge_targets(e, s, now);
    pthread_mutex_lock(&e->snap_mu);
    s->seq = ++e->seq;
    e->back = e->front;
    e->front = s;
    pthread_mutex_unlock(&e->snap_mu);
}

static void tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct engine *e = t->data;
    double now = ev_now(loop), elapsed = now - e->run_start;

    (void)revents;
    if (e->state < RUN_STOPPING && e->cfg.run_time > 0 && elapsed >= e->cfg.run_time)
        begin_stop(e, EVENT_ENGINE, "Run time limit reached, stopping");
    follow_stages(e, elapsed);
    if (e->state == RUN_STOPPING && all_idle(e)) {
        e->state = RUN_STOPPED;
        e->end_time = ev_time();
        e->finished = true;
        event(e, EVENT_ENGINE, EVENT_INFO, "Test stopped: every user finished");
        ev_timer_stop(loop, t);
    }
    publish(e);
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

static int create_parts(struct engine *e, char *err, size_t errlen)
{
    const struct scenario *scn = e->scn;
    const char **methods = calloc(scn->n_endpoints + 1, sizeof *methods);
    const char **names = calloc(scn->n_endpoints + 1, sizeof *names);
    struct worker_sink sink = {sink_interval, sink_exception, e};
    int rc = -1;

    if (!methods || !names)
        goto out;
    for (uint32_t i = 0; i < scn->n_endpoints; i++) {
        methods[i] = http_method_names[scn->endpoints[i].method];
        names[i] = scn->endpoints[i].name;
    }
    e->stats = stats_create(scn->n_endpoints, methods, names, ev_time());
    if (e->cfg.use_targets && scn->n_targets && !(e->tracker = tracker_create(scn)))
        goto out;
    e->front = calloc(1, sizeof *e->front);
    e->back = calloc(1, sizeof *e->back);
    e->workers = calloc((size_t)e->cfg.threads, sizeof *e->workers);
    e->weights = calloc(scn->n_classes + 1, sizeof *e->weights);
    e->class_counts = calloc(scn->n_classes + 1, sizeof *e->class_counts);
    e->worker_counts = calloc((size_t)e->cfg.threads * scn->n_classes + 1,
                              sizeof *e->worker_counts);
    if (!e->stats || !e->front || !e->back || !e->workers || !e->weights ||
        !e->class_counts || !e->worker_counts)
        goto out;
    for (uint32_t c = 0; c < scn->n_classes; c++)
        e->weights[c] = scn->classes[c].weight;
    for (int w = 0; w < e->cfg.threads; w++, e->n_workers++)
        if (!(e->workers[w] = worker_create(w, e->plan, scn->n_endpoints, &sink, err, errlen)))
            goto done;
    rc = 0;
    goto done;
out:
    snprintf(err, errlen, "out of memory creating the engine");
done:
    free(methods);
    free(names);
    return rc;
}

static int check_config(const struct engine_config *cfg, char *err, size_t errlen)
{
    if (!cfg->scenario || cfg->scenario->n_classes == 0)
        snprintf(err, errlen, "the scenario has no user class to run");
    else if (cfg->threads < 1 || cfg->threads > 256)
        snprintf(err, errlen, "threads must be between 1 and 256, got %d", cfg->threads);
    else if (!cfg->use_stages && cfg->spawn_rate <= 0)
        snprintf(err, errlen, "spawn rate must be greater than 0");
    else if (!cfg->host)
        snprintf(err, errlen, "no host to send requests to");
    else
        return 0;
    return -1;
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
    e->stage = -1;
    e->max_users = engine_max_users(cfg->fd_limit, cfg->fds_per_user);
    cmdq_init(&e->cmds, sizeof(struct engine_cmd));
    pthread_mutex_init(&e->inbox_mu, NULL);
    pthread_mutex_init(&e->snap_mu, NULL);
    e->plan = plan_create(e->scn, cfg->host, cfg->stop_timeout, cfg->seed, err, errlen);
    if (e->plan)
        plan_set_trace(e->plan, cfg->trace, cfg->trace_arg, cfg->trace_requests);
    e->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
    if (!e->plan || !e->loop || create_parts(e, err, errlen) < 0) {
        if (e->plan && !e->loop)
            snprintf(err, errlen, "cannot create the control event loop");
        engine_destroy(e);
        return NULL;
    }
    ev_async_init(&e->cmd_async, cmd_cb);
    e->cmd_async.data = e;
    ev_async_start(e->loop, &e->cmd_async);
    ev_async_init(&e->quit_async, quit_cb);
    ev_async_start(e->loop, &e->quit_async);
    ev_timer_init(&e->tick, tick_cb, e->cfg.publish_interval, e->cfg.publish_interval);
    e->tick.data = e;
    ev_timer_init(&e->ramp_timer, ramp_timer_cb, 0.0, 0.0);
    e->ramp_timer.data = e;
    return e;
}

static void begin_run(struct engine *e)
{
    ev_now_update(e->loop);
    e->run_start = ev_now(e->loop);
    e->reset_time = 0.0;
    stats_reset(e->stats, e->run_start);
    event(e, EVENT_ENGINE, EVENT_INFO, "Starting hornet: %s against %s, %d worker threads",
          e->scn->name ? e->scn->name : e->scn->path, e->cfg.host, e->n_workers);
    if (e->cfg.use_stages && e->scn->n_stages)
        follow_stages(e, 0.0);
    else
        retarget(e, e->cfg.users, e->cfg.spawn_rate, EVENT_SCENARIO);
    if (e->state == RUN_READY)
        e->state = e->ramp.current == e->ramp.target ? RUN_RUNNING : RUN_SPAWNING;
    ev_timer_start(e->loop, &e->tick);
    publish(e);
}

int engine_start(struct engine *e, char *err, size_t errlen)
{
    sigset_t all, old;
    int rc;

    for (int w = 0; w < e->n_workers; w++)
        if (worker_start(e->workers[w], err, errlen) < 0)
            return -1;
    begin_run(e);                   /* before the thread exists: no race on e's fields */
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
    if (cmdq_push(&e->cmds, cmd) == 0 && e->started)
        ev_async_send(e->loop, &e->cmd_async);
}

uint64_t engine_snapshot(struct engine *e, struct snapshot *out)
{
    uint64_t seq;

    pthread_mutex_lock(&e->snap_mu);
    seq = e->front->seq;
    if (out->seq != seq)                /* already a copy of this one: 540 KB not to copy */
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
    for (int w = 0; w < e->n_workers; w++)
        worker_destroy(e->workers[w]);
    drain_inbox(e);
    free(e->workers);
    stats_destroy(e->stats);
    tracker_destroy(e->tracker);
    plan_free(e->plan);
    if (e->loop)
        ev_loop_destroy(e->loop);
    free(e->front);
    free(e->back);
    free(e->weights);
    free(e->class_counts);
    free(e->worker_counts);
    cmdq_destroy(&e->cmds);
    pthread_mutex_destroy(&e->inbox_mu);
    pthread_mutex_destroy(&e->snap_mu);
    free(e);
}
