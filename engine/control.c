/* control: the control thread's decisions (dispatcher, stages, limits, pause, stop, warnings,
 * aborts, fatal errors, event log) as pure functions of (state, now). The engine's control
 * thread owns it; tests drive it with a fake clock. */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "control.h"
#include "health.h"
#include "interval.h"
#include "openmodel.h"
#include "ramp.h"
#include "saturation.h"
#include "targets.h"

#define MAX_ACTIONS 16          /* pending actions: one call decides at most a handful */

struct control {
    struct engine_config cfg;
    const struct scenario *scn;
    uint32_t n_slots, n_classes, max_users;

    enum run_state state;
    bool paused, manual, ramp_complete, reset_done, finished, target_down, silent, aborted;
    uint8_t down_kind;          /* what failed while every request failed (enum outcome_kind) */
    bool aborts_said;           /* the requests aborted at the end were noted in the log */
    struct saturation sat;      /* is hornet the bottleneck (control_saturation) */
    double run_start, end_time, steady_start;
    int stage;                  /* the stage applied; -1 none yet, -2 re-apply at the next tick */
    struct ramp ramp;
    struct openmodel *om;       /* the open classes (driven by arrivals) */
    bool any_closed;            /* some class runs on a user count */
    int *arrival_stage;         /* per class: the arrival stage last logged */
    double *weights;            /* per class (0 for an open or a fixed-count class) */
    uint32_t n_weighted;        /* closed classes without a fixed count */
    uint32_t fixed_total;       /* the fixed counts summed */
    uint32_t *scratch;          /* per class */
    uint32_t *class_users;      /* per class */
    uint32_t *slot_users;       /* per slot x class */
    bool *slot_on;              /* per slot: active (a MASTER's connected worker nodes) */
    uint32_t n_on;
    bool started;               /* control_start was called */
    bool rest_after_stop;       /* WORKER: the stop in progress returns to ready */
    bool has_pending;           /* WORKER: counts that arrived during a stop */
    uint32_t *pending;          /* per class */

    struct control_action actions[MAX_ACTIONS];
    uint32_t n_actions, first_action;

    struct snap_event events[SNAP_MAX_EVENTS];
    uint32_t n_events;          /* ring: the newest SNAP_MAX_EVENTS */
    uint64_t event_seq;
    char abort_reason[SNAP_TEXT_MAX];
    char fatal[SNAP_TEXT_MAX];
};

/* ---- events and actions ------------------------------------------------------------------- */

static void event(struct control *c, double now, int who, int level, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void event(struct control *c, double now, int who, int level, const char *fmt, ...)
{
    struct snap_event *ev = &c->events[c->event_seq % SNAP_MAX_EVENTS];
    va_list ap;

    ev->seq = ++c->event_seq;
    ev->time = now;
    ev->who = (uint8_t)who;
    ev->level = (uint8_t)level;
    va_start(ap, fmt);
    vsnprintf(ev->text, sizeof ev->text, fmt, ap);
    va_end(ap);
    if (c->n_events < SNAP_MAX_EVENTS)
        c->n_events++;
}

static void act(struct control *c, enum control_action_type type, double time)
{
    assert(c->n_actions < MAX_ACTIONS);     /* the engine takes them after every call */
    c->actions[(c->first_action + c->n_actions++) % MAX_ACTIONS] =
        (struct control_action){.type = type, .time = time};
}

bool control_next_action(struct control *c, struct control_action *out)
{
    if (c->n_actions == 0)
        return false;
    *out = c->actions[c->first_action];
    c->first_action = (c->first_action + 1) % MAX_ACTIONS;
    c->n_actions--;
    return true;
}

/* ---- the dispatcher ------------------------------------------------------------------------ */

static uint32_t *slot_row(const struct control *c, uint32_t slot)
{
    return &c->slot_users[(size_t)slot * c->n_classes];
}

static uint32_t slot_total(const struct control *c, uint32_t slot)
{
    const uint32_t *row = slot_row(c, slot);
    uint32_t n = 0;

    for (uint32_t k = 0; k < c->n_classes; k++)
        n += row[k];
    return n;
}

/* The active slot with the fewest users (the lowest index on a tie); -1 when none. */
static int emptiest_slot(const struct control *c)
{
    int best = -1;

    for (uint32_t w = 0; w < c->n_slots; w++)
        if (c->slot_on[w] && (best < 0 || slot_total(c, w) < slot_total(c, (uint32_t)best)))
            best = (int)w;
    return best;
}

/* The active slot with most users of class cls (-1 when none has one). */
static int fullest_slot_of(const struct control *c, uint32_t cls)
{
    int best = -1;

    for (uint32_t w = 0; w < c->n_slots; w++)
        if (slot_row(c, w)[cls] > 0 &&
            (best < 0 || slot_row(c, w)[cls] > slot_row(c, (uint32_t)best)[cls]))
            best = (int)w;
    return best;
}

/* One more user of class cls, on the slot with the fewest users (round robin over the
 * slots, as Locust's dispatcher cycles over its workers). */
static void add_user(struct control *c, uint32_t cls)
{
    int w = emptiest_slot(c);

    if (w < 0)
        return;                 /* no slot: a MASTER without workers stops, see set_slot */
    c->class_users[cls]++;
    slot_row(c, (uint32_t)w)[cls]++;
}

/* One user of class cls less, from the slot with most of them. */
static void remove_user(struct control *c, uint32_t cls)
{
    int w = fullest_slot_of(c, cls);

    if (w < 0)
        return;
    c->class_users[cls]--;
    slot_row(c, (uint32_t)w)[cls]--;
}

/* The users of the weighted classes (those of fixed-count classes as 0), into out. */
static const uint32_t *weighted_users(const struct control *c, uint32_t *out)
{
    for (uint32_t k = 0; k < c->n_classes; k++)
        out[k] = c->scn->classes[k].fixed_count ? 0 : c->class_users[k];
    return out;
}

/* One more user: a fixed-count class below its count first (the furthest below), else the
 * weighted class furthest below its weight (Locust's dispatcher). */
static void start_one(struct control *c)
{
    uint32_t best = UINT32_MAX, gap = 0;

    for (uint32_t k = 0; k < c->n_classes; k++) {
        uint32_t fixed = c->scn->classes[k].fixed_count;

        if (fixed > c->class_users[k] && fixed - c->class_users[k] > gap) {
            gap = fixed - c->class_users[k];
            best = k;
        }
    }
    if (best == UINT32_MAX && c->n_weighted > 0)
        best = (uint32_t)ramp_class_to_add(c->weights, weighted_users(c, c->scratch),
                                           c->n_classes);
    if (best != UINT32_MAX)
        add_user(c, best);
}

/* One user less: of the weighted class furthest above its weight; once none is left, of the
 * fixed-count class with most users (Locust stops the last started first). */
static void stop_one(struct control *c)
{
    int cls = c->n_weighted ? ramp_class_to_remove(c->weights, weighted_users(c, c->scratch),
                                                   c->n_classes) : -1;

    for (uint32_t k = 0; cls < 0 && k < c->n_classes; k++)
        if (c->class_users[k] > 0 && (cls < 0 || c->class_users[k] > c->class_users[cls]))
            cls = (int)k;
    if (cls >= 0)
        remove_user(c, (uint32_t)cls);
}

static void class_summary(const struct control *c, char *out, size_t n)
{
    size_t len = (size_t)snprintf(out, n, "{");

    for (uint32_t k = 0; k < c->n_classes && len < n; k++)
        len += (size_t)snprintf(out + len, n - len, "%s\"%s\": %u", k ? ", " : "",
                                c->scn->classes[k].name, c->class_users[k]);
    if (len < n)
        snprintf(out + len, n - len, "}");
}

/* The load asked for is there (every user spawned, or arrivals running from the start). */
static void load_reached(struct control *c, double now)
{
    if (!c->paused)
        c->state = RUN_RUNNING;
    c->ramp_complete = true;
    if (c->steady_start == 0) {
        c->steady_start = now;
        act(c, CONTROL_STEADY, now);
    }
    if (c->cfg.reset_stats_after_ramp && !c->reset_done) {
        c->reset_done = true;
        act(c, CONTROL_RESET_STATS, now);
        event(c, now, EVENT_ENGINE, EVENT_INFO, "Resetting stats (ramp-up complete)");
    }
}

static void ramp_reached(struct control *c, double now)
{
    char classes[SNAP_TEXT_MAX - 40];

    class_summary(c, classes, sizeof classes);
    event(c, now, EVENT_ENGINE, EVENT_INFO, "All users spawned: %s (%u total users)", classes,
          c->ramp.current);
    load_reached(c, now);
}

static void apply_ramp(struct control *c, double now)
{
    bool moved = false;
    int32_t d;

    while ((d = ramp_due(&c->ramp, now)) != 0) {
        moved = true;
        for (; d > 0; d--)
            start_one(c);
        for (; d < 0; d++)
            stop_one(c);
    }
    if (moved && c->ramp.current == c->ramp.target)
        ramp_reached(c, now);
}

static void retarget(struct control *c, uint32_t users, double rate, int who, double now)
{
    if (!c->any_closed)
        return;                             /* every class runs on arrivals, not users */
    if (c->n_weighted == 0 && users > c->fixed_total) {
        event(c, now, EVENT_ENGINE, EVENT_WARN, "Every user class has a fixed count: at most "
              "%u users (their sum)", c->fixed_total);
        users = c->fixed_total;
    }
    if (users > c->max_users) {
        event(c, now, EVENT_ENGINE, EVENT_WARN, "%u users need about %llu file descriptors but "
              "the limit is %u: capped at %u users (raise ulimit -n)", users,
              (unsigned long long)engine_fds_needed(users, c->cfg.fds_per_user),
              c->cfg.fd_limit, c->max_users);
        users = c->max_users;
    }
    event(c, now, who, EVENT_INFO, "Ramping to %u users at a rate of %.2f per second", users,
          rate);
    ramp_retarget(&c->ramp, users, rate, now);
    if (!c->paused && c->state < RUN_STOPPING && c->state != RUN_READY)
        c->state = c->ramp.current != users ? RUN_SPAWNING : RUN_RUNNING;
    apply_ramp(c, now);
}

/* ---- run control ----------------------------------------------------------------------------- */

static void begin_stop(struct control *c, int who, const char *reason, double deadline,
                       double now)
{
    if (c->state >= RUN_STOPPING)
        return;
    event(c, now, who, EVENT_INFO, "%s", reason);
    c->state = RUN_STOPPING;
    c->ramp.target = c->ramp.current;
    openmodel_stop(c->om, now);
    act(c, CONTROL_STOP_ALL, deadline);
}

static void set_paused(struct control *c, bool paused, int who, double now)
{
    if (c->paused == paused || c->state >= RUN_STOPPING)
        return;
    if (c->cfg.role != ENGINE_LOCAL) {
        event(c, now, who, EVENT_WARN, "Pause is not available in a distributed run: Locust's "
              "master/worker protocol has no pause");
        return;
    }
    c->paused = paused;
    openmodel_pause(c->om, paused, now);
    act(c, paused ? CONTROL_PAUSE : CONTROL_RESUME, now);
    event(c, now, who, EVENT_INFO, paused ? "Paused: users finish their task and wait"
                                          : "Resumed");
    if (paused)
        c->state = RUN_PAUSED;
    else
        c->state = c->ramp.current == c->ramp.target ? RUN_RUNNING : RUN_SPAWNING;
}

static bool has_stages(const struct control *c)
{
    return c->cfg.use_stages && c->scn->n_stages > 0 && c->any_closed;
}

static void set_users(struct control *c, const struct engine_cmd *cmd, double now)
{
    if (c->state >= RUN_STOPPING || c->cfg.role == ENGINE_WORKER)
        return;
    if (!c->any_closed) {
        event(c, now, cmd->who, EVENT_WARN, "Every user class runs on arrivals: set the arrival "
              "rate instead of a user count");
        return;
    }
    if (!c->started) {                      /* a MASTER waiting for its workers */
        c->cfg.users = cmd->users;
        if (cmd->spawn_rate > 0)
            c->cfg.spawn_rate = cmd->spawn_rate;
        c->manual = c->manual || cmd->who == EVENT_OPERATOR;
        c->cfg.use_stages = c->cfg.use_stages && !c->manual;
        event(c, now, cmd->who, EVENT_INFO, "Will ramp to %u users at a rate of %.2f per "
              "second once the workers are connected", cmd->users, c->cfg.spawn_rate);
        return;
    }
    if (cmd->who == EVENT_OPERATOR && has_stages(c) && !c->manual)
        event(c, now, EVENT_OPERATOR, EVENT_INFO, "Operator took control: stages suspended");
    if (cmd->who == EVENT_OPERATOR)
        c->manual = true;
    retarget(c, cmd->users, cmd->spawn_rate > 0 ? cmd->spawn_rate : c->ramp.rate, cmd->who,
             now);
}

/* The operator's (or a script's) arrival rate for all open classes together. */
static void set_rate(struct control *c, const struct engine_cmd *cmd, double now)
{
    if (c->state >= RUN_STOPPING)
        return;
    if (openmodel_count(c->om) == 0) {
        event(c, now, cmd->who, EVENT_WARN, "No user class runs on arrivals: set a user count "
              "instead of an arrival rate");
        return;
    }
    openmodel_set_rate(c->om, cmd->arrival_rate, now);
    event(c, now, cmd->who, EVENT_INFO, "Arrival rate set to %.2f per second%s",
          cmd->arrival_rate, c->paused ? " (from the resume)" : "");
}

void control_command(struct control *c, const struct engine_cmd *cmd, double now)
{
    switch (cmd->type) {
    case ENGINE_SET_USERS:
        set_users(c, cmd, now);
        break;
    case ENGINE_SET_RATE:
        set_rate(c, cmd, now);
        break;
    case ENGINE_RESUME_STAGES:
        if (c->manual && has_stages(c)) {
            c->manual = false;
            c->stage = -2;                  /* re-apply the current stage at the next tick */
            event(c, now, cmd->who, EVENT_INFO, "Control given back to the scenario's stages");
        }
        if (openmodel_manual(c->om) && c->state < RUN_STOPPING) {
            openmodel_resume_stages(c->om, now);
            event(c, now, cmd->who, EVENT_INFO, "Arrivals back to the scenario's rate: %.2f "
                  "per second", openmodel_rate(c->om, now));
        }
        break;
    case ENGINE_PAUSE:
    case ENGINE_RESUME:
        set_paused(c, cmd->type == ENGINE_PAUSE, cmd->who, now);
        break;
    case ENGINE_RESET_STATS:
        act(c, CONTROL_RESET_STATS, now);
        event(c, now, cmd->who, EVENT_INFO, "Statistics reset");
        break;
    case ENGINE_STOP:
        c->rest_after_stop = false;         /* a stop in progress ends the run now */
        c->has_pending = false;
        begin_stop(c, cmd->who, cmd->text[0] ? cmd->text : cmd->who == EVENT_OPERATOR
                   ? "Stopping (operator)" : "Stopping", now + c->cfg.stop_timeout, now);
        break;
    case ENGINE_NOTE:
        event(c, now, cmd->who, EVENT_INFO, "%s", cmd->text);
        break;
    }
}

/* Every part of the load follows stages and they are over: the closed classes' (or there is
 * none) and every open class's arrival stages (or there is none). */
static bool all_stages_over(const struct control *c, double now)
{
    bool closed_over = !c->any_closed ||
        (has_stages(c) && !c->manual &&
         ramp_stage_at(c->scn->stages, c->scn->n_stages, now - c->run_start, NULL) < 0);
    bool open_over = openmodel_count(c->om) == 0 || openmodel_stages_over(c->om, now);

    return closed_over && open_over && (has_stages(c) || openmodel_count(c->om) > 0);
}

/* A run of open classes only: spawning while the arrival stages ramp up to their peak, the
 * load reached (steady) from then on. */
static void follow_arrival_ramp(struct control *c, double now)
{
    if (c->any_closed || c->ramp_complete || c->state >= RUN_STOPPING)
        return;
    if (!openmodel_ramped(c->om, now)) {
        if (!c->paused)
            c->state = RUN_SPAWNING;
        return;
    }
    event(c, now, EVENT_ENGINE, EVENT_INFO, "Arrivals at their peak: %.2f iterations per "
          "second", openmodel_rate(c->om, now));
    load_reached(c, now);
}

/* The open classes' arrival stages, for the event log. */
static void follow_arrival_stages(struct control *c, double now)
{
    for (uint32_t k = 0; k < c->n_classes; k++) {
        const struct arrival_config *cfg;
        int st = openmodel_stage(c->om, k, now);

        if (st < 0 || st == c->arrival_stage[k] || c->state >= RUN_STOPPING)
            continue;
        c->arrival_stage[k] = st;
        cfg = c->scn->classes[k].arrivals.on ? &c->scn->classes[k].arrivals : &c->scn->arrivals;
        if ((uint32_t)st < cfg->n_stages)
            event(c, now, EVENT_SCENARIO, EVENT_INFO, "%s: arrival stage %d/%u, to %.2f "
                  "iterations per second%s", c->scn->classes[k].name, st + 1, cfg->n_stages,
                  openmodel_rate_target(c->om, k, (uint32_t)st),
                  openmodel_manual(c->om) ? " (suspended: the operator's rate holds)" : "");
    }
}

static void follow_stages(struct control *c, double now)
{
    const struct stage *st;
    int i;

    if (c->state >= RUN_STOPPING || !c->started)
        return;
    if (all_stages_over(c, now)) {
        begin_stop(c, EVENT_SCENARIO, "All stages complete, stopping",
                   now + c->cfg.stop_timeout, now);
        return;
    }
    if (!has_stages(c) || c->manual)
        return;
    i = ramp_stage_at(c->scn->stages, c->scn->n_stages, now - c->run_start, NULL);
    if (i < 0)
        return;                             /* the open classes' stages go on */
    if (i == c->stage)
        return;
    st = &c->scn->stages[i];
    event(c, now, EVENT_SCENARIO, EVENT_INFO, "Stage %d/%u: %u users at %.2f per second", i + 1,
          c->scn->n_stages, st->users, st->spawn_rate);
    c->stage = i;
    retarget(c, st->users, st->spawn_rate, EVENT_SCENARIO, now);
}

static const char *role_text(const struct control *c, char *buf, size_t n)
{
    if (c->cfg.role == ENGINE_MASTER)
        snprintf(buf, n, "%u worker node%s", c->n_on, c->n_on == 1 ? "" : "s");
    else
        snprintf(buf, n, "%d worker thread%s", c->cfg.threads, c->cfg.threads == 1 ? "" : "s");
    return buf;
}

void control_start(struct control *c, double now)
{
    char runs_on[48];

    if (c->started || c->state >= RUN_STOPPING)
        return;
    c->started = true;
    c->run_start = now;
    if (c->cfg.role == ENGINE_WORKER) {
        event(c, now, EVENT_ENGINE, EVENT_INFO, "Starting hornet as a Locust worker: %s against "
              "%s, %d worker threads; the master sets the users", c->scn->name ? c->scn->name
              : c->scn->path, c->cfg.host, c->cfg.threads);
        return;
    }
    event(c, now, EVENT_ENGINE, EVENT_INFO, "Starting hornet: %s against %s, %s",
          c->scn->name ? c->scn->name : c->scn->path, c->cfg.host && c->cfg.host[0]
          ? c->cfg.host : "each worker's host", role_text(c, runs_on, sizeof runs_on));
    openmodel_start(c->om, now, c->cfg.run_time > 0 ? now + c->cfg.run_time : 0);
    if (openmodel_count(c->om) > 0)
        event(c, now, EVENT_SCENARIO, EVENT_INFO, "Arrivals: %.2f iterations per second of %u "
              "user class%s (pools up to %u users)", openmodel_rate(c->om, now),
              openmodel_count(c->om), openmodel_count(c->om) == 1 ? "" : "es",
              openmodel_max_users(c->om));
    follow_arrival_stages(c, now);
    if (has_stages(c))
        follow_stages(c, now);
    else
        retarget(c, c->cfg.users, c->cfg.spawn_rate, EVENT_SCENARIO, now);
    if (!c->any_closed)
        follow_arrival_ramp(c, now);        /* no users to ramp: the arrivals' peak is */
    if (c->state == RUN_READY)
        c->state = c->ramp.current == c->ramp.target ? RUN_RUNNING : RUN_SPAWNING;
}

bool control_started(const struct control *c)
{
    return c->started;
}

static void apply_classes(struct control *c, const uint32_t *counts, double now);

/* WORKER: the master's stop is done: no user left, ready for its next test. */
static void rest(struct control *c, double now)
{
    c->rest_after_stop = false;
    c->state = RUN_READY;
    c->ramp.current = c->ramp.target = 0;
    memset(c->class_users, 0, c->n_classes * sizeof *c->class_users);
    memset(c->slot_users, 0, (size_t)c->n_slots * c->n_classes * sizeof *c->slot_users);
    event(c, now, EVENT_ENGINE, EVENT_INFO, "Users stopped: ready for the master's next test");
    if (c->has_pending) {
        c->has_pending = false;
        apply_classes(c, c->pending, now);
    }
}

void control_tick(struct control *c, double now, bool workers_idle)
{
    bool was_stopping = c->state == RUN_STOPPING;

    if (c->state < RUN_STOPPING && c->started && c->cfg.role != ENGINE_WORKER &&
        c->cfg.run_time > 0 && now - c->run_start >= c->cfg.run_time)
        begin_stop(c, EVENT_ENGINE, "Run time limit reached, stopping",
                   now + c->cfg.stop_timeout, now);
    follow_stages(c, now);
    if (c->started) {
        openmodel_tick(c->om, now);
        follow_arrival_stages(c, now);
        follow_arrival_ramp(c, now);
    }
    if (c->state < RUN_STOPPING)
        apply_ramp(c, now);
    if (!was_stopping || !workers_idle)
        return;
    if (c->rest_after_stop) {
        rest(c, now);
        return;
    }
    c->state = RUN_STOPPED;
    c->end_time = now;
    if (!c->started)
        c->run_start = now;
    c->finished = true;
    event(c, now, EVENT_ENGINE, EVENT_INFO, "Test stopped: every user finished");
}

void control_fatal(struct control *c, const char *text, double now)
{
    if (c->fatal[0])
        return;
    snprintf(c->fatal, sizeof c->fatal, "%s", text);
    event(c, now, EVENT_ENGINE, EVENT_ERROR, "%s", text);
    c->rest_after_stop = false;
    begin_stop(c, EVENT_ENGINE, "Stopping: internal error", now, now);
}

/* ---- remote workers (MASTER) and a remote master (WORKER) ------------------------------ */

/* The active slot other than `except` with the most users; -1 when none. */
static int fullest_slot(const struct control *c, uint32_t except)
{
    int best = -1;

    for (uint32_t w = 0; w < c->n_slots; w++)
        if (w != except && c->slot_on[w] &&
            (best < 0 || slot_total(c, w) > slot_total(c, (uint32_t)best)))
            best = (int)w;
    return best;
}

/* A slot joined: move users to it, one at a time from the fullest slot (of the class that
 * slot has most of), until no slot has more than one user above it. */
static uint32_t rebalance_onto(struct control *c, uint32_t slot)
{
    uint32_t moved = 0;
    int from;

    while ((from = fullest_slot(c, slot)) >= 0 &&
           slot_total(c, (uint32_t)from) > slot_total(c, slot) + 1) {
        uint32_t *src = slot_row(c, (uint32_t)from), k = 0;

        for (uint32_t j = 1; j < c->n_classes; j++)
            if (src[j] > src[k])
                k = j;
        src[k]--;
        slot_row(c, slot)[k]++;
        moved++;
    }
    return moved;
}

/* A slot left: its users go to the others, each on the one with the fewest. */
static uint32_t redispatch_from(struct control *c, uint32_t slot)
{
    uint32_t *row = slot_row(c, slot), moved = 0;

    for (uint32_t k = 0; k < c->n_classes; k++) {
        uint32_t n = row[k];

        row[k] = 0;
        c->class_users[k] -= n;
        for (; n > 0; n--, moved++)
            add_user(c, k);
    }
    return moved;
}

void control_set_slot(struct control *c, uint32_t slot, bool active, double now)
{
    uint32_t moved;

    if (c->cfg.role != ENGINE_MASTER || slot >= c->n_slots || c->slot_on[slot] == active)
        return;
    c->slot_on[slot] = active;
    if (active) {
        c->n_on++;
        if ((moved = rebalance_onto(c, slot)) > 0)
            event(c, now, EVENT_ENGINE, EVENT_INFO, "Rebalanced: %u users moved to the new "
                  "worker", moved);
        return;
    }
    c->n_on--;
    if (c->n_on == 0) {
        if (c->started && c->state < RUN_STOPPING)
            begin_stop(c, EVENT_ENGINE, "The last worker left, stopping test",
                       now + c->cfg.stop_timeout, now);
        return;
    }
    if (c->state < RUN_STOPPING && (moved = redispatch_from(c, slot)) > 0)
        event(c, now, EVENT_ENGINE, EVENT_INFO, "Re-dispatched the %u users of the worker that "
              "left to the %u other%s", moved, c->n_on, c->n_on == 1 ? "" : "s");
}

static void apply_classes(struct control *c, const uint32_t *counts, double now)
{
    char classes[SNAP_TEXT_MAX - 48];
    uint32_t total = 0;

    for (uint32_t k = 0; k < c->n_classes; k++) {
        uint32_t want = counts[k] > c->max_users - total ? c->max_users - total : counts[k];

        if (want < counts[k])
            event(c, now, EVENT_ENGINE, EVENT_WARN, "The master asked for more users than %u "
                  "file descriptors allow: capped at %u users (raise ulimit -n)",
                  c->cfg.fd_limit, c->max_users);
        while (c->class_users[k] < want)
            add_user(c, k);
        while (c->class_users[k] > want)
            remove_user(c, k);
        total += want;
    }
    c->ramp.current = c->ramp.target = total;
    if (c->state != RUN_PAUSED)
        c->state = RUN_RUNNING;
    class_summary(c, classes, sizeof classes);
    event(c, now, EVENT_ENGINE, EVENT_INFO, "Master asked for %s (%u total users)", classes,
          total);
}

void control_set_classes(struct control *c, const uint32_t *counts, double stop_timeout,
                         double now)
{
    if (c->cfg.role != ENGINE_WORKER || c->state == RUN_STOPPED)
        return;
    if (stop_timeout >= 0)
        c->cfg.stop_timeout = stop_timeout;
    if (c->state == RUN_STOPPING) {
        if (c->rest_after_stop) {           /* the next test's first counts: after the stop */
            memcpy(c->pending, counts, c->n_classes * sizeof *counts);
            c->has_pending = true;
        }
        return;
    }
    apply_classes(c, counts, now);
}

void control_stop_users(struct control *c, double now)
{
    if (c->cfg.role != ENGINE_WORKER || c->state >= RUN_STOPPING)
        return;
    if (c->ramp.current == 0) {
        c->state = RUN_READY;
        return;
    }
    c->rest_after_stop = true;
    begin_stop(c, EVENT_ENGINE, "Master asked to stop the users", now + c->cfg.stop_timeout,
               now);
}

/* ---- judging a snapshot ------------------------------------------------------------------- */

/* The most frequent unexpected failure seen since unix second `since`, or NULL. */
static const struct snap_error *recent_failure(const struct snapshot *s, int64_t since)
{
    uint32_t n = s->n_errors < SNAP_MAX_ERRORS ? s->n_errors : SNAP_MAX_ERRORS;

    for (uint32_t i = 0; i < n; i++)            /* most frequent first */
        if (!s->errors[i].expected && s->errors[i].last_seen >= (double)since)
            return &s->errors[i];
    return NULL;
}

/* Every request failed for CONTROL_DOWN_SECONDS: say what they failed with. Only failures
 * without an answer mean the target stopped answering; a status (401: the credentials), a
 * step never sent (a variable not set) or a failed check say so instead. */
static void every_request_failing(struct control *c, const struct snapshot *s, double now,
                                  int64_t since)
{
    const struct snap_error *e = recent_failure(s, since);
    const char *text = e ? e->text : "";

    c->down_kind = e ? e->kind : OUTCOME_TRANSPORT;
    switch (c->down_kind) {
    case OUTCOME_HTTP:
        event(c, now, EVENT_ENGINE, EVENT_WARN, "Every request failed for %d s: the target "
              "answers %s", CONTROL_DOWN_SECONDS, text);
        return;
    case OUTCOME_SCRIPT:
        event(c, now, EVENT_ENGINE, EVENT_WARN, "Every request failed for %d s without being "
              "sent: %s", CONTROL_DOWN_SECONDS, text);
        return;
    case OUTCOME_CHECK:
        event(c, now, EVENT_ENGINE, EVENT_WARN, "Every request failed for %d s: the answers "
              "fail the scenario's checks (%s)", CONTROL_DOWN_SECONDS, text);
        return;
    default:
        event(c, now, EVENT_ENGINE, EVENT_WARN, "Every request failed for %d s: the target "
              "stopped answering? (%s)", CONTROL_DOWN_SECONDS, text);
        return;
    }
}

/* Warnings for the event log: every request failing, or requests waiting with none finishing
 * (users merely thinking are not silence). */
static void watch_target(struct control *c, const struct snapshot *s, double now,
                         uint32_t waiting)
{
    uint32_t failing = 0, silent = 0, from = 0;

    if (s->n_points >= CONTROL_DOWN_SECONDS)
        from = s->n_points - CONTROL_DOWN_SECONDS;
    for (uint32_t i = from; i < s->n_points; i++) {
        failing += s->series[i].requests > 0 && s->series[i].failures == s->series[i].requests;
        silent += s->series[i].requests == 0 && s->series[i].users > 0;
    }
    if (failing == CONTROL_DOWN_SECONDS && !c->target_down) {
        c->target_down = true;
        every_request_failing(c, s, now, s->series[from].second);
    } else if (failing == 0 && c->target_down) {
        c->target_down = false;
        event(c, now, EVENT_ENGINE, EVENT_INFO, "%s", c->down_kind == OUTCOME_TRANSPORT
              ? "The target answers again" : "Requests succeed again");
    }
    if (silent == CONTROL_DOWN_SECONDS && waiting > 0 && !c->silent && !c->paused &&
        c->state < RUN_STOPPING) {
        c->silent = true;
        event(c, now, EVENT_ENGINE, EVENT_WARN, "No request finished for %d s while %u are "
              "waiting for an answer: the target stopped answering?", CONTROL_DOWN_SECONDS,
              waiting);
    } else if (silent == 0) {
        c->silent = false;
    }
}

/* Warnings when an open class starts dropping iterations (its pool is exhausted), and a note
 * when it stops. Not once the run stops: the arrivals still waiting then are cancelled by the
 * stop, not dropped for want of users. */
static void watch_drops(struct control *c, double now)
{
    for (uint32_t k = 0; k < c->n_classes && c->state < RUN_STOPPING; k++) {
        struct snap_arrivals arr, *a = &arr;
        bool dropping;

        if (!openmodel_is_open(c->om, k) ||
            !openmodel_dropping_changed(c->om, k, now, &dropping))
            continue;
        openmodel_class(c->om, k, now, a);
        if (dropping)
            event(c, now, EVENT_ENGINE, EVENT_WARN, "%s: dropping iterations: no user free "
                  "(%u busy, max_users %u), %llu dropped so far", c->scn->classes[a->cls].name,
                  a->busy, a->max_users, (unsigned long long)a->dropped);
        else
            event(c, now, EVENT_ENGINE, EVENT_INFO, "%s: no more iterations dropped (%llu in "
                  "all)", c->scn->classes[a->cls].name, (unsigned long long)a->dropped);
    }
}

/* Once finished: how many requests were still in flight when their users stopped. */
static void note_aborted(struct control *c, const struct snapshot *s, double now)
{
    uint64_t n = s->total.aborted;

    if (!c->finished || c->aborts_said || n == 0)
        return;
    c->aborts_said = true;
    event(c, now, EVENT_ENGINE, EVENT_INFO, "%llu request%s in flight %s aborted when the users "
          "stopped (no answer: in no count)", (unsigned long long)n, n == 1 ? "" : "s",
          n == 1 ? "was" : "were");
}

void control_judge(struct control *c, const struct snapshot *s, double now, uint32_t in_flight)
{
    char reason[SNAP_TEXT_MAX];
    bool target;

    watch_target(c, s, now, in_flight);
    watch_drops(c, now);
    note_aborted(c, s, now);
    if (!c->cfg.use_targets || c->state >= RUN_STOPPING || !c->started)
        return;
    target = targets_abort_check(c->scn, s, now - c->run_start, reason, sizeof reason) >= 0;
    if (!target &&
        health_abort_check(&c->scn->health, s, now - c->run_start, reason, sizeof reason) < 0)
        return;
    c->aborted = true;
    snprintf(c->abort_reason, sizeof c->abort_reason, "%s", reason);
    event(c, now, EVENT_ENGINE, EVENT_WARN, "%s", reason);
    begin_stop(c, EVENT_ENGINE, target ? "Stopping: a target with abort_on_fail failed"
               : "Stopping: a health limit with abort_on_fail failed",
               now + c->cfg.stop_timeout, now);
}

void control_event(struct control *c, double when, int level, const char *text)
{
    event(c, when, EVENT_ENGINE, level, "%s", text);
}

void control_saturation(struct control *c, struct snapshot *s, int workers, double now)
{
    char why[128];

    if (!c->finished && c->state != RUN_PAUSED) {
        switch (saturation_update(&c->sat, &s->self, workers, now, why, sizeof why)) {
        case SATURATION_BEGAN:
            event(c, now, EVENT_ENGINE, EVENT_WARN, "%s (%s)", SATURATION_TEXT, why);
            break;
        case SATURATION_ENDED:
            event(c, now, EVENT_ENGINE, EVENT_INFO, "The load generator is no longer "
                  "saturated");
            break;
        default:
            break;
        }
    }
    s->saturated = c->sat.saturated;
    s->saturated_seconds = saturation_seconds(&c->sat, now);
    saturation_fill_series(&c->sat, s);
}

/* ---- reading the state ------------------------------------------------------------------- */

uint32_t control_slot_users(const struct control *c, uint32_t slot, uint32_t cls)
{
    return slot < c->n_slots && cls < c->n_classes ? slot_row(c, slot)[cls] : 0;
}

uint32_t control_class_users(const struct control *c, uint32_t cls)
{
    return cls < c->n_classes ? c->class_users[cls] : 0;
}

double control_next_step(const struct control *c)
{
    return c->state < RUN_STOPPING ? ramp_next(&c->ramp) : -1.0;
}

uint32_t control_users(const struct control *c, uint32_t alive)
{
    return c->state < RUN_STOPPING ? c->ramp.current : alive;
}

enum run_state control_state(const struct control *c) { return c->state; }
bool control_finished(const struct control *c) { return c->finished; }
bool control_manual(const struct control *c) { return c->manual || openmodel_manual(c->om); }
struct openmodel *control_openmodel(struct control *c) { return c->om; }

static void fill_stages(const struct control *c, struct snapshot *s)
{
    double left = 0.0;

    s->n_stages = c->cfg.use_stages ? (int)c->scn->n_stages : 0;
    s->stage = s->n_stages ? ramp_stage_at(c->scn->stages, c->scn->n_stages, s->elapsed, &left)
                           : -1;
    s->stage_remaining = left;
}

void control_fill(const struct control *c, struct snapshot *s, double now, uint32_t alive)
{
    s->now = now;
    s->run_start = c->run_start;
    s->end_time = c->end_time;
    s->state = c->state;
    s->finished = c->finished;
    s->manual_control = control_manual(c);
    s->ramp_complete = c->ramp_complete;
    s->users = control_users(c, alive) + openmodel_users(c->om);
    s->target_users = c->ramp.target + openmodel_users(c->om);   /* pools are not ramped */
    s->spawn_rate = c->ramp.rate;
    s->ramp_eta = c->state < RUN_STOPPING ? ramp_eta(&c->ramp, now) : 0.0;
    s->run_time = c->cfg.run_time;
    s->elapsed = c->started ? (c->end_time > 0 ? c->end_time : now) - c->run_start : 0.0;
    s->remaining = c->cfg.run_time > 0 ? fmax(0.0, c->cfg.run_time - s->elapsed) : 0.0;
    fill_stages(c, s);
    s->n_classes = c->n_classes < SNAP_MAX_CLASSES ? c->n_classes : SNAP_MAX_CLASSES;
    for (uint32_t k = 0; k < s->n_classes; k++) {
        snprintf(s->classes[k].name, sizeof s->classes[k].name, "%s", c->scn->classes[k].name);
        s->classes[k].users = c->class_users[k];
    }
    s->n_events = c->n_events;
    for (uint32_t i = 0; i < c->n_events; i++)     /* oldest first */
        s->events[i] = c->events[(c->event_seq - c->n_events + i) % SNAP_MAX_EVENTS];
    s->aborted = c->aborted;
    snprintf(s->abort_reason, sizeof s->abort_reason, "%s", c->abort_reason);
    s->steady_start = c->steady_start;
    snprintf(s->fatal, sizeof s->fatal, "%s", c->fatal);
    openmodel_fill(c->om, now, &s->open);
}

/* ---- life cycle ---------------------------------------------------------------------------- */

struct control *control_create(const struct engine_config *cfg, uint32_t n_slots)
{
    struct control *c = calloc(1, sizeof *c);
    uint32_t n;

    if (!c)
        return NULL;
    c->cfg = *cfg;
    c->scn = cfg->scenario;
    c->n_slots = n_slots ? n_slots : 1;
    c->n_classes = n = c->scn->n_classes;
    c->max_users = engine_max_users(cfg->fd_limit, cfg->fds_per_user);
    c->stage = -1;
    saturation_init(&c->sat);
    c->weights = calloc(n + 1, sizeof *c->weights);
    c->class_users = calloc(n + 1, sizeof *c->class_users);
    c->slot_users = calloc((size_t)c->n_slots * n + 1, sizeof *c->slot_users);
    c->arrival_stage = calloc(n + 1, sizeof *c->arrival_stage);
    c->om = openmodel_create(c->scn, c->n_slots);
    c->slot_on = calloc(c->n_slots, sizeof *c->slot_on);
    c->pending = calloc(n + 1, sizeof *c->pending);
    c->scratch = calloc(n + 1, sizeof *c->scratch);
    if (!c->weights || !c->class_users || !c->slot_users || !c->arrival_stage || !c->om ||
        !c->slot_on || !c->pending || !c->scratch) {
        control_destroy(c);
        return NULL;
    }
    for (uint32_t k = 0; k < n; k++) {
        bool open = openmodel_is_open(c->om, k);
        uint32_t fixed = open ? 0 : c->scn->classes[k].fixed_count;

        c->weights[k] = open || fixed ? 0.0 : c->scn->classes[k].weight;
        c->any_closed |= !open;
        c->n_weighted += !open && !fixed;
        c->fixed_total += fixed;
        c->arrival_stage[k] = -1;
    }
    if (cfg->role != ENGINE_MASTER) {       /* a MASTER's slots join as workers connect */
        memset(c->slot_on, 1, c->n_slots * sizeof *c->slot_on);
        c->n_on = c->n_slots;
    }
    return c;
}

void control_destroy(struct control *c)
{
    if (!c)
        return;
    free(c->weights);
    free(c->class_users);
    free(c->slot_users);
    free(c->arrival_stage);
    openmodel_destroy(c->om);
    free(c->slot_on);
    free(c->pending);
    free(c->scratch);
    free(c);
}
