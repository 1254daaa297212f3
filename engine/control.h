/* control: every decision of the engine's control thread, as pure functions of (state, now).
 *
 * The dispatcher (Locust's): the ramp steps (ramp.c) and which worker slot gets which user,
 * split across classes by weight; the scenario's stages; the operator's commands (retarget,
 * give control back to the stages, pause, resume, reset, stop); the run-time limit; the
 * descriptor cap; the statistics reset after the ramp-up; stopping -> stopped once the workers
 * are idle; a failing abort_on_fail target; the "target stopped answering" warnings; a fatal
 * engine error; and the event log.
 *
 * The user counts are state, not commands: per slot and class, the users the dispatcher wants
 * (control_slot_users). The engine turns their changes into worker commands (a local worker
 * thread gets "start/stop N users of class C"; a remote worker node gets the absolute counts).
 * Everything else the engine must do comes out as actions (control_next_action), in the order
 * decided. Time is an argument everywhere: tests drive it with a fake clock.
 *
 * The engine's role (engine.h) changes who decides the counts:
 * - LOCAL: the ramp, stages, run time and operator, over the worker threads (every slot
 *   active).
 * - WORKER: a Locust master. control_set_classes applies its absolute per-class counts at once
 *   (the master paces the ramp); control_stop_users stops every user and, once the slots are
 *   idle, returns to ready for the master's next test (not finished: the run ends with
 *   ENGINE_STOP, the master's quit). No ramp, stage, run time or target of its own.
 * - MASTER: slots are worker nodes that join and leave (control_set_slot); the run starts when
 *   the engine calls control_start (its workers are there). A node that joins takes users from
 *   the fullest nodes until the spread is even, one that leaves has its users placed on the
 *   others (Locust's rebalancing), and when the last one leaves the run stops, as Locust's
 *   master does. Pause is not part of Locust's protocol: refused with a warning.
 *
 * Owned by the engine's control thread (or a test); no locks, no allocation after create. */
#ifndef HORNET_CONTROL_H
#define HORNET_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine.h"
#include "snapshot.h"

/* Seconds of total failure (or of silence while requests wait) before a warning. */
#define CONTROL_DOWN_SECONDS 3

enum control_action_type {
    CONTROL_STOP_ALL = 1,   /* every slot: stop every user, on_stop bounded by `time` */
    CONTROL_PAUSE,          /* every slot: users finish their task and wait */
    CONTROL_RESUME,         /* every slot: parked users go on */
    CONTROL_RESET_STATS,    /* forget the statistics counted so far; the reset is at `time` */
    CONTROL_STEADY          /* the ramp-up completed for the first time, at `time` */
};

struct control_action {
    enum control_action_type type;
    double time;            /* STOP_ALL: the deadline; RESET_STATS, STEADY: when */
};

struct control;

/* The run's control state for cfg (validated by engine_create: classes, rate) with n_slots
 * worker slots (>= 1). Borrows cfg->scenario and cfg->host. NULL when out of memory. */
struct control *control_create(const struct engine_config *cfg, uint32_t n_slots);
void control_destroy(struct control *c);

/* The run begins at now: the first event, then the first stage or the ramp to cfg->users (a
 * WORKER waits for its master's counts instead). A MASTER's engine calls it once its expected
 * workers are connected; until then the state is ready and commands other than notes and stop
 * wait (a stop ends the run at once). */
void control_start(struct control *c, double now);

/* Whether control_start was called. */
bool control_started(const struct control *c);

/* MASTER: slot (a worker node) joins (active) or leaves at now; see the header's text. Slots
 * start inactive in that role; in the others every slot is active and this does nothing. */
void control_set_slot(struct control *c, uint32_t slot, bool active, double now);

/* WORKER: the master's absolute counts per class (counts[k] for scenario class k), applied at
 * once on the slots. During a stop they wait and apply once it is done. stop_timeout >= 0 (the
 * master's) bounds the next stops of every user; < 0 keeps the worker's own. */
void control_set_classes(struct control *c, const uint32_t *counts, double stop_timeout,
                         double now);

/* WORKER: the master's stop: every user stops (on_stop bounded by the stop timeout); once the
 * slots are idle the state is ready again, with no user. Nothing to do when no user runs. */
void control_stop_users(struct control *c, double now);


/* Apply a command (engine_send's) at now. */
void control_command(struct control *c, const struct engine_cmd *cmd, double now);

/* Time passes: the run-time limit, the stages, the ramp steps due by now (a late call catches
 * up step by step), and stopping -> stopped when workers_idle (every slot finished its
 * STOP_ALL: no user left, its data handed over) and the stop began before this call. */
void control_tick(struct control *c, double now, bool workers_idle);

/* Judge a freshly filled snapshot s (statistics, targets and backend health) at now, with
 * in_flight requests waiting for an answer: the warnings about a target that fails every
 * request, or that stopped answering while requests wait (users merely thinking are not
 * silence), once finished an event saying how many requests were aborted in flight
 * (s->total.aborted), and the stop when a target or a health limit with abort_on_fail failed
 * past its abort_after. */
void control_judge(struct control *c, const struct snapshot *s, double now, uint32_t in_flight);

/* An event from elsewhere in the engine (the backend-health collector: a source down or back,
 * a limit failed; the conversation with a master or with worker nodes) at time when, for the
 * event log; level is enum event_level. */
void control_event(struct control *c, double when, int level, const char *text);

/* Judge hornet's own load in s->self (filled at now, workers worker threads) while the run
 * goes (not paused, not finished): saturation.h's thresholds, an event when it becomes
 * saturated (SATURATION_TEXT and why) and when it no longer is; then s->saturated,
 * s->saturated_seconds and each point's lag_us. */
void control_saturation(struct control *c, struct snapshot *s, int workers, double now);

/* An engine error that the run cannot go on with (text: what failed): recorded once (the first
 * wins), logged as an error, and every user stopped at once; the run ends as soon as the slots
 * are idle. */
void control_fatal(struct control *c, const char *text, double now);

/* The next action to carry out, oldest first; false when none is pending. */
bool control_next_action(struct control *c, struct control_action *out);

/* Users of class cls the dispatcher has placed on slot. Frozen once the run stops: the
 * STOP_ALL action stands for all of them. */
uint32_t control_slot_users(const struct control *c, uint32_t slot, uint32_t cls);

/* Users of class cls the dispatcher wants over every slot. */
uint32_t control_class_users(const struct control *c, uint32_t cls);

/* Time of the next ramp step (the engine wakes control_tick then); negative when none. */
double control_next_step(const struct control *c);

/* Users running now: the dispatcher's count, or while stopping those still alive on the
 * workers (`alive`, the engine's count). */
uint32_t control_users(const struct control *c, uint32_t alive);

struct openmodel;
/* The open classes' state (openmodel.h): the engine reads the slots' plans from it and feeds
 * it what the slots report. */
struct openmodel *control_openmodel(struct control *c);

enum run_state control_state(const struct control *c);
bool control_finished(const struct control *c);
/* The operator took control (of the users or of the arrival rate): the stages are suspended,
 * throughput targets not judged. */
bool control_manual(const struct control *c);

/* Fill the run-state part of s at now (state, users with `alive` as in control_users, ramp,
 * times, stages, classes, events oldest first, abort, fatal); the statistics are left alone. */
void control_fill(const struct control *c, struct snapshot *s, double now, uint32_t alive);

#endif
