/* arrival: the open model's schedule and pool decisions, as pure functions of (state, now).
 *
 * The curve says how many iterations a class is asked for by time t: count0 were asked before
 * t0, then the rate is either constant or the class's stages (anchored at `origin`, the run's
 * start: from start_rate, each stage moves the rate linearly to its own rate over its
 * duration; after the last stage the rate is 0), times the class's scale. Arrivals follow
 * the curve's intended timeline, never the previous send. The control thread decides the
 * curves (the start, the operator's rate, a pause, back to the stages) and hands every slot
 * the same curve: a new curve keeps the count where the old one left it, so nothing is asked
 * twice or skipped.
 *
 * A slot is one worker's part of a class's arrivals (a local worker thread, or later a remote
 * node). Its j-th arrival is due when the class's count reaches (j + phase) / share: with n
 * slots of share 1/n and phases 0, 1/n, ..., slot k takes arrivals k, k + n, k + 2n, ... of
 * the class's timeline, so together the slots keep the class's rate exactly. Each due arrival
 * gets a user of the slot's pool: an idle one, or one still running on_start (it starts
 * after), or a new one while the pool is below max_users; otherwise it waits (up to max_delay)
 * for the first user to free up, or is dropped. The slot counts users, idle and starting ones,
 * the waiting arrivals and what became of every arrival; the worker carries the decisions out.
 *
 * Tests drive everything with a fake clock (tests/test_arrival.c). Owned by one thread (a
 * worker's slot; the control thread evaluates curves); no lock. */
#ifndef HORNET_ARRIVAL_H
#define HORNET_ARRIVAL_H

#include <stdbool.h>
#include <stdint.h>
#include "scenario.h"

enum arrival_mode { ARRIVAL_CONSTANT = 0, ARRIVAL_STAGES };

/* Plain data: what the control thread sends a slot. */
struct arrival_curve {
    double t0;                  /* unix time from which the curve holds */
    double count0;              /* the class's arrivals asked before t0 */
    uint8_t mode;               /* enum arrival_mode */
    double rate;                /* ARRIVAL_CONSTANT: iterations per second (>= 0) */
    double origin;              /* ARRIVAL_STAGES: unix time the stages start */
    double scale;               /* ARRIVAL_STAGES: multiplies the stage rates */
    double end;                 /* unix time from which nothing is asked (the run time's
                                   end); 0: none */
};

/* The rate at unix time t (>= cv->t0) per second; cfg gives the stages. */
double arrival_rate_at(const struct arrival_curve *cv, const struct arrival_config *cfg,
                       double t);

/* The class's arrivals asked before unix time t (>= cv->t0; fractional). */
double arrival_count_at(const struct arrival_curve *cv, const struct arrival_config *cfg,
                        double t);

/* What a due arrival gets. */
enum arrival_action {
    ARRIVAL_START = 1,          /* an idle user runs it now */
    ARRIVAL_ASSIGN,             /* a user still running on_start runs it next */
    ARRIVAL_SPAWN,              /* a new user runs it after its on_start */
    ARRIVAL_WAIT,               /* queued until a user frees up (within max_delay) */
    ARRIVAL_DROP                /* the pool is exhausted: counted, never run */
};

struct arrival_slot {
    const struct arrival_config *cfg;   /* the stages (read-only scenario memory) */
    struct arrival_curve curve;
    bool has_curve;
    double share, phase;
    uint64_t next;              /* index of this slot's next arrival */
    double next_time;           /* when it is due; INFINITY: none */
    uint32_t max_users;         /* this slot's pool bound (>= 1) */
    double max_delay;           /* seconds an arrival may wait for a user */
    uint32_t users;             /* in the pool: idle + starting + busy */
    uint32_t idle;              /* free, waiting for an arrival */
    uint32_t starting;          /* running on_start with no arrival to run after it */
    double *waiting;            /* intended times of the waiting arrivals, a ring */
    uint32_t wait_cap, wait_head, wait_n;
    uint64_t due;               /* arrivals that came due (taken) */
    uint64_t started;           /* given to a user (started, or to start after on_start) */
    uint64_t dropped;           /* never run: the pool was exhausted, or waited too long */
};

/* A slot with share (0, 1] and phase [0, 1) of the class's arrivals of cfg, and its pool
 * bound (>= 1) and longest wait. No curve yet: nothing is due until arrival_slot_set_curve. */
void arrival_slot_init(struct arrival_slot *s, const struct arrival_config *cfg, double share,
                       double phase, uint32_t max_users, double max_delay);
/* Free the waiting ring. */
void arrival_slot_free(struct arrival_slot *s);

/* Follow a new curve from now on (cv->t0 <= now, cv->count0 where the old one left off):
 * the next arrival's time is recomputed on it; arrivals due under the old curve and not yet
 * taken come due at once. */
void arrival_slot_set_curve(struct arrival_slot *s, const struct arrival_curve *cv);

/* When the next arrival is due: INFINITY when none (no curve, rate 0, the stages are over). */
double arrival_slot_next(const struct arrival_slot *s);

/* The next thing to do at now, oldest first: a waiting arrival that a new user can now take
 * (a user left the pool), else the next arrival due by now. Waiting arrivals older than
 * max_delay are dropped first. Fills *intended and *action and counts the decision as done
 * (START takes an idle user, ASSIGN a starting one, SPAWN adds a user, WAIT queues it, DROP
 * counts it); false when nothing is due. -1 never: the waiting ring grows (an allocation
 * failure drops the arrival instead). */
bool arrival_slot_take(struct arrival_slot *s, double now, double *intended,
                       enum arrival_action *action);

/* n users created without an arrival (pre-allocated); returns how many the pool bound
 * allows. They count as starting until arrival_slot_user_free. */
uint32_t arrival_slot_preallocate(struct arrival_slot *s, uint32_t n);

/* A user of the pool is free: its iteration (and wait) ended, or its on_start did with no
 * arrival to run (was_starting). Waiting arrivals older than max_delay are dropped; then the
 * oldest waiting one is its next iteration (true, *intended), or the user idles (false). */
bool arrival_slot_user_free(struct arrival_slot *s, double now, bool was_starting,
                            double *intended);

enum arrival_user { ARRIVAL_USER_BUSY = 0, ARRIVAL_USER_IDLE, ARRIVAL_USER_STARTING };

/* A user left the pool (stopped, or its creation failed) while idle, starting or busy. */
void arrival_slot_user_gone(struct arrival_slot *s, enum arrival_user state);

/* A SPAWN could not be carried out (the user could not be created): the arrival counts as
 * dropped, and the user slot is given back. */
void arrival_slot_spawn_failed(struct arrival_slot *s);

/* Drop the waiting arrivals older than max_delay at now (also at the end of the run: pass
 * INFINITY to drop them all). Returns how many. */
uint32_t arrival_slot_expire(struct arrival_slot *s, double now);

/* Users running an iteration, its wait or an on_start with an arrival to run after it. */
uint32_t arrival_slot_busy(const struct arrival_slot *s);

#endif
