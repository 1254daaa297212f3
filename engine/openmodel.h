/* openmodel: the control thread's side of the open classes (those driven by arrivals), as pure
 * functions of (state, now): each class's curve (from the start, the operator's rate, a pause,
 * back to the stages), every slot's share of it and of the class's pool, what the slots
 * report (iterations started and dropped per second, users, busy users, waiting arrivals,
 * totals), and the schedule second by second (asked, achieved, dropped, busy) for the
 * snapshot.
 *
 * A slot is whatever runs a share of the users: a local worker thread today, a remote node
 * later. It gets the class's curve, its share and phase, and its pool bound
 * (openmodel_slot_plan), and a new plan whenever the curve changes (openmodel_version); it
 * reports back through openmodel_observe_*. Nothing here knows threads.
 *
 * Owned by the engine's control thread (control.c calls it); tests drive it with a fake
 * clock. */
#ifndef HORNET_OPENMODEL_H
#define HORNET_OPENMODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "arrival.h"
#include "scenario.h"
#include "snapshot.h"

/* A second is final (its counts complete, asked and achieved comparable) this long after it
 * ended: slots report a second once it is 1.5 s old. */
#define OPENMODEL_FINAL_LAG 2

/* What a slot runs of one open class. Plain data. */
struct openmodel_slot {
    struct arrival_curve curve;
    double share, phase;        /* of the class's arrivals (arrival.h) */
    uint32_t max_users;         /* the slot's part of the class's pool; 0: it takes none */
    uint32_t pre_allocated;     /* users it creates at the start */
    double max_delay;
};

struct openmodel;

/* The open classes of scn (scenario_class_arrivals) for n_slots slots. Borrows scn. NULL
 * when out of memory. */
struct openmodel *openmodel_create(const struct scenario *scn, uint32_t n_slots);
void openmodel_destroy(struct openmodel *m);

/* Whether class k is open; how many are. */
bool openmodel_is_open(const struct openmodel *m, uint32_t k);
uint32_t openmodel_count(const struct openmodel *m);

/* The run starts at now and ends at `end` (the run time; 0: none): every open class's curve
 * begins (its stages anchored at now) and asks for nothing from `end` on. */
void openmodel_start(struct openmodel *m, double now, double end);

/* The operator asks for `rate` iterations per second of all open classes together, from now
 * on: each class gets a constant rate, in proportion to what it was asked before (by weight
 * when nothing was), and leaves its stages. Ignored without open classes. */
void openmodel_set_rate(struct openmodel *m, double rate, double now);

/* Back to the configured rate or stages (the stages keep their clock: the rate jumps to what
 * they ask now). */
void openmodel_resume_stages(struct openmodel *m, double now);

/* The run stops at now (a stop, Ctrl-C, a limit): nothing is asked from now on, so the
 * seconds' asked counts end where the arrivals did. */
void openmodel_stop(struct openmodel *m, double now);

/* Pause (nothing is asked while paused) or resume (from now on, as before the pause). */
void openmodel_pause(struct openmodel *m, bool paused, double now);

/* Time passes: the asked counts at each whole second up to now are recorded (for the
 * per-second schedule), seconds OPENMODEL_FINAL_LAG old become final. */
void openmodel_tick(struct openmodel *m, double now);

/* The run is over at now (every slot reported its last second): every second up to now is
 * final, the last one partial. Call once, after the slots' last reports. */
void openmodel_finish(struct openmodel *m, double now);

/* The stage (0-based) class k's curve is in at now: -1 without stages, n_stages after them. */
int openmodel_stage(const struct openmodel *m, uint32_t k, double now);

/* Whether every open class's arrivals reached their peak at now: at once for a constant rate
 * or the operator's, else at the end of the first stage that reaches the stages' highest rate
 * (the ramp-up is complete: "steady" starts). */
bool openmodel_ramped(const struct openmodel *m, double now);

/* The rate class k's stage `stage` moves to (its share of the stage's rate). */
double openmodel_rate_target(const struct openmodel *m, uint32_t k, uint32_t stage);

/* The open classes' pools together: their users' bound. */
uint32_t openmodel_max_users(const struct openmodel *m);

/* Whether every open class follows stages that are over at now (the run can end). */
bool openmodel_stages_over(const struct openmodel *m, double now);

/* The operator's rate holds (the stages are suspended). */
bool openmodel_manual(const struct openmodel *m);

/* The rate asked of all open classes together at now. */
double openmodel_rate(const struct openmodel *m, double now);

/* A counter that changes whenever class k's curve does: a slot needs a new plan when it has
 * not seen this value. */
uint64_t openmodel_version(const struct openmodel *m, uint32_t k);

/* Slot `slot`'s plan for open class k. */
void openmodel_slot_plan(const struct openmodel *m, uint32_t slot, uint32_t k,
                         struct openmodel_slot *out);

/* What slots report, per open class k: iterations started and dropped in unix second
 * `second` (added up over slots; a second already final or too old is ignored); and, summed
 * over every slot, the totals so far and the pool now (openmodel_observe_pool replaces the
 * previous values: call it once per publish with the sums). */
void openmodel_observe_second(struct openmodel *m, uint32_t k, int64_t second,
                              uint64_t started, uint64_t dropped);
void openmodel_observe_pool(struct openmodel *m, uint32_t k, double now, uint64_t due,
                            uint64_t started, uint64_t dropped, uint32_t users, uint32_t busy,
                            uint32_t waiting);

/* The statistics start over at now (totals count from here; the per-second schedule keeps
 * what came before, as the charts do). */
void openmodel_reset(struct openmodel *m, double now);

/* Whether class k started (true) or stopped (false) dropping iterations since the last call:
 * returns true with *dropping set when it changed. A class is dropping while its dropped total
 * grew over the last OPENMODEL_FINAL_LAG + 1 seconds. */
bool openmodel_dropping_changed(struct openmodel *m, uint32_t k, double now, bool *dropping);

/* Users in every open class's pool (for the user count). */
uint32_t openmodel_users(const struct openmodel *m);

/* Open class k's arrivals now, as the snapshot shows them. */
void openmodel_class(const struct openmodel *m, uint32_t k, double now,
                     struct snap_arrivals *out);

/* Fill the arrivals part of out (the classes, their sum, the final seconds); the corrected
 * latencies are the collector's (engine.c). */
void openmodel_fill(const struct openmodel *m, double now, struct snap_open *out);

#endif
