/* ramp: the arithmetic of moving the user count, with an injected clock so tests drive it.
 *
 * Locust's dispatcher semantics: moving towards a target at spawn_rate r, users start (or stop)
 * in steps of max(1, floor(r)) users every step/r seconds, the first step at once; stopping uses
 * the same rate. Users are split across classes by weight with a smooth weighted round robin, so
 * the split is as close to the weights as whole users allow at every count. Stages (k6 stages /
 * Locust LoadTestShape) retarget at their start and end the run after the last one.
 *
 * Pure; owned by the engine's control thread. */
#ifndef HORNET_RAMP_H
#define HORNET_RAMP_H

#include <stdbool.h>
#include <stdint.h>
#include "scenario.h"

struct ramp {
    uint32_t current;           /* users that exist (as far as the dispatcher is concerned) */
    uint32_t target;
    double rate;                /* users per second, > 0 */
    double next_step;           /* time of the next step; valid while current != target */
};

/* Move towards target at rate from now on. The first step is due at once, unless the last
 * step was less than one interval ago: then it waits for that interval (the pace holds). */
void ramp_retarget(struct ramp *r, uint32_t target, double rate, double now);

/* The signed number of users to start (> 0) or stop (< 0) at time now; 0 when no step is due.
 * Call again until it returns 0: a late caller catches up step by step. */
int32_t ramp_due(struct ramp *r, double now);

/* Seconds until the target is reached (0 when there). */
double ramp_eta(const struct ramp *r, double now);

/* Time of the next step, or a negative value when at the target. */
double ramp_next(const struct ramp *r);

/* The class to start a user of (weights > 0, counts per class now) / to stop one of (a class
 * with users; -1 when none). Deterministic: ties go to the lowest index. */
int ramp_class_to_add(const double *weights, const uint32_t *counts, uint32_t n);
int ramp_class_to_remove(const double *weights, const uint32_t *counts, uint32_t n);

/* Stages: which stage is active at `elapsed` seconds since the run began (-1 after the last;
 * stage 0 before it starts). *stage_left gets the seconds left in that stage. */
int ramp_stage_at(const struct stage *stages, uint32_t n, double elapsed, double *stage_left);

#endif
