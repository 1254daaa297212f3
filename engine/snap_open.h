/* snap_open: the open model's part of a snapshot (struct snapshot.open): the arrivals of the
 * open classes (asked and achieved rates, busy users, dropped iterations, second by second),
 * and the latencies corrected for coordinated omission.
 *
 * Corrected latencies: a request of an open class, or of a class with a constant_pacing /
 * constant_throughput wait, has an intended start: its iteration's arrival (or its pacing
 * slot) plus the time its earlier steps took. Its corrected latency runs from there to the
 * answer (wrk2's); its service time, in the snapshot's usual fields, from the send. A request
 * of any other class has no intended start: both are its service time. The corrected numbers
 * come from the same HDR histograms, with the same precision and percentile rule, as the
 * service times (hist.h); the collector computed them.
 *
 * Plain data, included by snapshot.h; snap_open_corrected_view is a pure function. */
#ifndef HORNET_SNAP_OPEN_H
#define HORNET_SNAP_OPEN_H

#include <stdbool.h>
#include <stdint.h>

#define SNAP_OPEN_PCTS 11               /* SNAP_PCT_COUNT */
#define SNAP_OPEN_DIST 8                /* SNAP_DIST_BUCKETS */
#define SNAP_OPEN_CLASSES 32            /* SNAP_MAX_CLASSES */
#define SNAP_OPEN_ENDPOINTS 128         /* SNAP_MAX_ENDPOINTS */
#define SNAP_OPEN_SERIES 600            /* SNAP_SERIES_LEN */
#define SNAP_OPEN_EP_SERIES 120         /* SNAP_EP_SERIES_LEN */

/* One row's corrected latencies: the same fields, with the same meaning, as snap_stats's. */
struct snap_latency {
    uint64_t total_us, min_us, max_us;
    uint64_t median_us;
    uint64_t pct_us[SNAP_OPEN_PCTS];
    uint64_t cur_count, cur_median_us;
    uint64_t cur_pct_us[SNAP_OPEN_PCTS];
    uint64_t dist[SNAP_OPEN_DIST];
};

/* One second's corrected p50 / p95 / p99 / max (0 when none). */
struct snap_bands {
    uint32_t p50_us, p95_us, p99_us, max_us;
};

/* The arrivals of one open class, or of all of them. Totals since the run started or the
 * last statistics reset. */
struct snap_arrivals {
    uint32_t cls;                       /* index into snapshot.classes (all: UINT32_MAX) */
    bool manual;                        /* the operator's rate holds: stages suspended */
    int stage, n_stages;                /* its arrival stage now (-1: a constant rate) */
    double asked_rate;                  /* the schedule's rate now (0 while paused) */
    double resume_rate;                 /* the rate it runs at unpaused: asked_rate, or
                                           while paused the rate the resume brings back */
    double recent_asked, recent_achieved;  /* per second over the newest final seconds */
    uint64_t due, started, dropped;     /* arrivals due; given to a user; never run */
    uint32_t users, busy, waiting;      /* the pool now; arrivals waiting for a user */
    uint32_t peak_users;                /* the most users the pool had */
    uint32_t max_users;
};

/* One final second of the schedule, all open classes together. */
struct snap_arrival_point {
    int64_t second;
    double asked;                       /* iterations the curves asked for in that second */
    uint32_t started, dropped;          /* given to a user / dropped in that second */
    uint32_t users, busy;               /* the pools near the end of that second */
};

struct snap_open {
    bool corrected;                     /* some class has intended starts: the latencies
                                           below are filled */
    uint32_t n_classes;                 /* open classes */
    struct snap_arrivals classes[SNAP_OPEN_CLASSES];
    struct snap_arrivals all;           /* their sum (rates added) */
    uint32_t n_points;                  /* final seconds, oldest first (newest
                                           SNAP_OPEN_SERIES) */
    struct snap_arrival_point points[SNAP_OPEN_SERIES];

    /* Corrected latencies, aligned with snapshot.endpoints, .total, .series and .ep_series. */
    struct snap_latency endpoints[SNAP_OPEN_ENDPOINTS];
    struct snap_latency total;
    struct snap_bands series[SNAP_OPEN_SERIES];
    struct snap_bands ep_series[SNAP_OPEN_ENDPOINTS][SNAP_OPEN_EP_SERIES];
};

struct snapshot;
struct snap_stats;

/* A row's latencies (st's service or corrected ones) as a snap_latency. */
void snap_open_latency_of(struct snap_latency *out, const struct snap_stats *st);

/* Put the corrected latencies of s->open in the places of s's service times (endpoints,
 * total, series, ep_series), so that every reader of a snapshot shows them unchanged (the
 * dashboard's `o` key, the reports' corrected tables). Nothing when !s->open.corrected. */
void snap_open_corrected_view(struct snapshot *s);

#endif
