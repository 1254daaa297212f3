/* selfstat: hornet's own load, measured where it is true, for the snapshot (struct snap_self)
 * and everything that reads it (the metrics endpoint, saturation warnings):
 * - timer lag: each worker thread records, at every tick of its periodic timer, how much later
 *   than due the timer fired. A worker whose loop is saturated (callbacks that take the whole
 *   CPU, a blocking call) serves its timers late, and every latency it measures meanwhile
 *   includes that wait, so the lag says when hornet's own numbers stop being the target's;
 * - CPU: the whole process's user + system time (getrusage) and each worker thread's own
 *   (CLOCK_THREAD_CPUTIME_ID, read on that thread).
 *
 * Three parts: a probe per worker (written on the worker's thread, read by the control thread,
 * atomics only), a sample the control thread gathers from the probes and the process, and
 * pure arithmetic from successive samples (tests drive it with their own clock). */
#ifndef HORNET_SELFSTAT_H
#define HORNET_SELFSTAT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "snapshot.h"

/* One worker thread's measurements. Zeroed memory is a valid probe. */
struct selfstat_probe {
    double due;                         /* worker thread only: when its timer is due next;
                                           0 before the first tick */
    _Atomic uint64_t lag_max_us;        /* the latest timer since the last drain */
    _Atomic uint64_t lag_sum_us;
    _Atomic uint64_t lag_count;
    _Atomic uint64_t cpu_us;            /* the thread's CPU time at its last tick */
};

/* Worker thread, from its periodic timer's callback: the timer of `interval` seconds fired at
 * `fired` (ev_time(): the wall clock now, not the loop's cached time) with the loop's time
 * `loop_now`; records its lateness (not on the first call, which only learns the schedule)
 * and the thread's CPU time. */
void selfstat_tick(struct selfstat_probe *p, double fired, double loop_now, double interval);

/* What the control thread gathers at one moment. */
struct selfstat_sample {
    double t;                           /* the caller's clock, seconds */
    double cpu_seconds;                 /* the process's user + system CPU */
    double workers_cpu_seconds;         /* summed over the probes drained */
    double lag_max_ms;                  /* over the timers recorded since the last drain */
    double lag_sum_ms;
    uint64_t lag_count;
};

/* A sample at time t holding the process's CPU time (getrusage), nothing from workers yet. */
void selfstat_sample_begin(struct selfstat_sample *s, double t);

/* Add one worker's probe to s, taking (and zeroing) its lateness figures. Control thread. */
void selfstat_probe_drain(struct selfstat_probe *p, struct selfstat_sample *s);

/* The control thread's memory between samples. Zeroed memory is a valid start. */
#define SELFSTAT_LAG_WINDOW 8           /* samples kept for the lag over the last second */
#define SELFSTAT_LAG_SECONDS 1.0
struct selfstat {
    struct selfstat_sample prev;        /* the previous sample; prev.t == 0: none yet */
    struct {
        double t, max_ms, sum_ms;
        uint64_t count;
    } lag[SELFSTAT_LAG_WINDOW];         /* ring of the newest samples' lateness figures */
    uint32_t lag_next;
};

/* Fill out from the newest sample (pure): CPU seconds as sampled, CPU percentages over the
 * time since the previous sample (0 for the first, or when the clock did not advance), the
 * lateness over the samples of the last SELFSTAT_LAG_SECONDS (the worst timer, and the mean
 * over all of them; 0 without any), and ncpu as given. */
void selfstat_update(struct selfstat *st, const struct selfstat_sample *s, uint32_t ncpu,
                     struct snap_self *out);

#endif
