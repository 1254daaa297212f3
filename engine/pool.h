/* pool: one worker's share of an open class. It carries out the decisions of its arrival slot
 * (arrival.h): a timer wakes it when the next arrival is due on the intended timeline, and
 * each due arrival goes to an idle user, to a user still running on_start, to a new user, to
 * the waiting line or is dropped. Its users keep their variables, cookies and connection from
 * one iteration to the next; a user whose iteration (and wait) ended is free again
 * (pool_user_free). It publishes what the control thread reads: totals, the pool's users, busy
 * users and waiting arrivals, and per second the iterations started and dropped.
 *
 * Worker thread, except the published counters (atomics, read by the control thread through
 * pool_read_*). */
#ifndef HORNET_POOL_H
#define HORNET_POOL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <ev.h>
#include "arrival.h"
#include "openmodel.h"

struct worker;
struct user;

/* A pooled user's place in its pool (embedded in struct user; the pool's lists). */
enum pool_state { POOL_BUSY = 0, POOL_IDLE, POOL_STARTING };
struct pool_link {
    struct user *prev, *next;   /* in the pool's idle or starting list */
    uint8_t state;              /* enum pool_state; POOL_STARTING: in on_start, no arrival */
    bool listed;
};

#define POOL_SECONDS 8          /* per-second counters kept (read within 2 s) */

struct pool_second {
    _Atomic int64_t second;
    _Atomic uint32_t started, dropped;
};

struct pool {
    struct worker *w;
    uint32_t cls;
    struct arrival_slot slot;
    /* The next arrival: a timerfd armed at its intended (absolute, wall-clock) time, watched
     * by the loop. libev's own timers wait in epoll_wait, which rounds up to whole
     * milliseconds: every arrival would start about 0.5 ms late and the corrected latencies
     * would carry it. */
    int tfd;
    ev_io timer;
    bool stopped;               /* the run stops: no arrival any more */
    struct user *idle, *starting;       /* lists through struct pool_link */
    uint32_t first_index, created;      /* user indices: first_index + created % max_users */
    uint64_t pub_started, pub_dropped;  /* what the per-second counters hold already */
    /* published for the control thread */
    _Atomic uint64_t due, started, dropped;
    _Atomic uint32_t users, busy, waiting;
    struct pool_second seconds[POOL_SECONDS];
};

/* A pool for class cls on worker w following plan, its users indexed from first_index (a
 * block of plan->max_users indices); the pre-allocated users start now. NULL when out of
 * memory. */
struct pool *pool_create(struct worker *w, uint32_t cls, const struct openmodel_slot *plan,
                         uint32_t first_index);

/* A new curve (the rate changed, a pause, back to the stages). */
void pool_set_curve(struct pool *p, const struct arrival_curve *cv);

/* The run stops: no more arrivals; the waiting ones are dropped (counted). */
void pool_stop(struct pool *p);

/* Periodic (the worker's tick): waiting arrivals past max_delay are dropped, a place freed in
 * the pool goes to the oldest waiting arrival, and the counters are published. */
void pool_tick(struct pool *p);

/* Free the pool (its users are the worker's and go with it). */
void pool_destroy(struct pool *p);

/* For user.c. A pooled user u is free: its on_start ended without an arrival to run, or its
 * iteration and wait ended. It runs the oldest waiting arrival (user_run_arrival), or idles. */
void pool_user_free(struct pool *p, struct user *u);
/* A pooled user is finishing (stopped): it leaves the lists and the pool's counts. */
void pool_user_gone(struct pool *p, struct user *u);

/* For the control thread: the totals and the pool now, and second's counters (false when the
 * pool kept no such second: nothing happened then, or it is too old). */
void pool_read_totals(const struct pool *p, uint64_t *due, uint64_t *started,
                      uint64_t *dropped, uint32_t *users, uint32_t *busy, uint32_t *waiting);
bool pool_read_second(const struct pool *p, int64_t second, uint32_t *started,
                      uint32_t *dropped);

#endif
