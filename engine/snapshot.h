/* snapshot: the merged, pointer-free picture of a run that the engine publishes several times a
 * second. Copying it is the whole protocol between the engine and its readers (headless
 * reporter, CSV writer, reports, dashboard): no field points into engine state, and every
 * percentile here was computed once, by the collector.
 *
 * Times are wall-clock unix seconds as doubles; latencies are microseconds. */
#ifndef HORNET_SNAPSHOT_H
#define HORNET_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "snap_open.h"

#define SNAP_MAX_ENDPOINTS 128
#define SNAP_MAX_ERRORS 256
#define SNAP_MAX_EXCEPTIONS 32
#define SNAP_MAX_CLASSES 32
#define SNAP_MAX_EVENTS 64
#define SNAP_SERIES_LEN 600      /* seconds of aggregated history (10 minutes) */
#define SNAP_EP_SERIES_LEN 120   /* seconds of per-endpoint history (detail view) */
#define SNAP_NAME_MAX 160
#define SNAP_TEXT_MAX 192
#define SNAP_PCT_COUNT 11

/* 0.50 0.66 0.75 0.80 0.90 0.95 0.98 0.99 0.999 0.9999 1.0, and their CSV labels "50%".."100%" */
extern const double snapshot_pcts[SNAP_PCT_COUNT];
extern const char *const snapshot_pct_labels[SNAP_PCT_COUNT];
enum { SNAP_P50 = 0, SNAP_P66, SNAP_P75, SNAP_P80, SNAP_P90, SNAP_P95, SNAP_P98, SNAP_P99,
       SNAP_P999, SNAP_P9999, SNAP_P100 };

enum run_state {
    RUN_READY = 0,   /* created, no user yet */
    RUN_SPAWNING,    /* users moving towards the target */
    RUN_RUNNING,     /* at the target */
    RUN_PAUSED,      /* operator paused: users idle */
    RUN_STOPPING,    /* users running on_stop, bounded by the stop timeout */
    RUN_STOPPED      /* no user left; numbers are final once `finished` is set */
};
const char *run_state_name(enum run_state s);   /* "ready", "spawning", ... */

/* Response-time distribution buckets: < 10 ms, 10-20, 20-50, 50-100, 100-200, 200-500,
 * 500 ms-1 s, >= 1 s. */
#define SNAP_DIST_BUCKETS 8
extern const uint32_t snapshot_dist_bounds_ms[SNAP_DIST_BUCKETS - 1];  /* 10, 20, ..., 1000 */

/* Statistics of one endpoint (method + name) or of the Aggregated row. */
struct snap_stats {
    char method[8];                 /* "" for Aggregated */
    char name[SNAP_NAME_MAX];       /* "Aggregated" for the total */
    uint64_t requests;              /* failures included (Locust's num_requests) */
    uint64_t failures;              /* unexpected outcomes only */
    uint64_t expected;              /* non-2xx/3xx statuses listed in expect (successes) */
    uint64_t none_requests;         /* requests never sent: no latency */
    uint64_t aborted;               /* requests in flight when their user was stopped (run
                                       end, fewer users, stop timeout): no answer, so in none
                                       of the counts above nor in Locust's CSV columns */
    uint64_t total_us, min_us, max_us;   /* min/max exact; 0 when no latency yet */
    uint64_t total_bytes;
    double total_rps, total_fps;    /* requests / (last_request_time - start_time) */
    double current_rps, current_fps;/* Locust's window: mean over whole seconds [L-12, L-3] */
    double last_second_rps;         /* requests in the last complete second */
    uint64_t median_us;             /* cumulative; rank floor((N-1)/2) */
    uint64_t pct_us[SNAP_PCT_COUNT];/* cumulative percentiles */
    uint64_t cur_count;             /* latencies in the ~10 s current window; 0: no data */
    uint64_t cur_median_us;
    uint64_t cur_pct_us[SNAP_PCT_COUNT];
    double first_request_time, last_request_time;   /* 0 when none */
    uint64_t dist[SNAP_DIST_BUCKETS];   /* cumulative latencies per distribution bucket */
};

/* One complete wall-clock second of the aggregated run. */
struct snap_point {
    int64_t second;                 /* unix second */
    uint32_t users;                 /* users running at the end of that second */
    uint32_t requests, failures;    /* finished in that second */
    uint32_t p50_us, p95_us, p99_us, max_us;   /* of that second's requests; 0 when none */
    uint32_t lag_us;                /* hornet's own: its worst worker timer lateness in that
                                       second (saturation.h); 0 when not measured */
};

/* One second of one endpoint (aligned with the newest entries of snapshot.series). */
struct snap_ep_point {
    uint32_t requests, failures;
    uint32_t p50_us, p95_us, p99_us, max_us;
};

struct snap_error {
    uint32_t endpoint;              /* index into snapshot.endpoints */
    bool expected;                  /* an expected status: shown apart, not a failure */
    uint8_t kind;                   /* enum outcome_kind (interval.h): what failed */
    char text[SNAP_TEXT_MAX];       /* stable text, see interval_outcome_format */
    uint64_t count;
    double first_seen, last_seen;
};

struct snap_exception {              /* engine-side errors: Locust's exceptions.csv */
    uint64_t count;
    char message[SNAP_TEXT_MAX];
    char where[SNAP_TEXT_MAX];      /* written as the Traceback column */
};

enum event_who { EVENT_ENGINE = 0, EVENT_SCENARIO, EVENT_OPERATOR };
enum event_level { EVENT_INFO = 0, EVENT_WARN, EVENT_ERROR };
struct snap_event {
    uint64_t seq;                   /* 1, 2, ... over the whole run: readers keep what is new */
    double time;
    uint8_t who, level;
    char text[SNAP_TEXT_MAX];
};

/* What a performance target measures. Times in milliseconds, rates as fractions 0..1,
 * throughput in requests per second. */
enum target_metric {
    TARGET_PERCENTILE = 0,      /* pct: 0.5 .. 1.0 (1.0 is max) */
    TARGET_MEDIAN,
    TARGET_AVERAGE,
    TARGET_SUCCESS_RATE,        /* 1 - unexpected failures / requests */
    TARGET_FAILURE_RATE,        /* unexpected failures / requests */
    TARGET_RPS                  /* requests / window length */
};

/* A value of a target's metric in its unit: "412 ms", "1.24 s", "99.20%", "152.3/s". */
void snapshot_format_target(uint8_t metric, double value, char *out, size_t n);

/* A performance target's live verdict: its value over its window and whether it passes. */
#define SNAP_MAX_TARGETS 32
enum target_status { TARGET_PENDING = 0, TARGET_PASS, TARGET_AT_RISK, TARGET_FAIL,
                     TARGET_SKIPPED /* not judged: a throughput target of a changed load */ };
struct snap_target {
    char text[96];                  /* "p99 < 500 ms" */
    char endpoint[SNAP_NAME_MAX];   /* "GET /api/v1/x/", "" for the whole run */
    char window[32];                /* "run", "steady", "last 60s" */
    uint8_t metric;                 /* enum target_metric (scenario.h) */
    double lo, hi;                  /* bounds, as in target_def */
    bool has_data;
    double value;                   /* over its window: ms, fraction 0..1 or req/s */
    bool has_current;
    double current;                 /* over the last 10 s */
    uint8_t status;                 /* enum target_status */
    char detail[96];                /* "612 ms > 500 ms (+22%)" or "412 ms, 18% below" */
    bool abort_on_fail;
};

/* Backend health: the sources polled during the run and the metrics read from them (health.c
 * fills it on the control thread). Values are in each metric's unit (health_unit.h). */
#define SNAP_HEALTH_SOURCES 16
#define SNAP_HEALTH_METRICS 48
#define SNAP_HEALTH_POINTS 120      /* newest samples per metric (the timeline keeps them all) */
#define SNAP_HEALTH_FAILS 8         /* newest failed polls per source */
#define SNAP_HEALTH_NAME 48

enum health_state { HEALTH_WAITING = 0 /* no poll finished yet */, HEALTH_UP, HEALTH_DOWN };

/* A poll that failed, and why. */
struct snap_health_fail {
    double time;
    char error[SNAP_TEXT_MAX];
};

struct snap_health_source {
    char name[SNAP_HEALTH_NAME];
    char kind[12];                  /* "prometheus", "json", "process", "host" */
    char where[SNAP_NAME_MAX];      /* the URL polled, "process gunicorn", "pid file ...",
                                       "this host" */
    double interval;                /* seconds between polls */
    uint8_t state;                  /* enum health_state */
    double since;                   /* when it went up or down */
    double last_poll;               /* when the newest poll ended; 0: none yet */
    double last_ms;                 /* how long it took */
    uint64_t polls, failed;         /* polls ended, of which failed */
    uint32_t series;                /* Prometheus: samples in the last body */
    uint32_t skipped;               /* Prometheus: lines of the last body that were skipped */
    char error[SNAP_TEXT_MAX];      /* why it is down (the newest failure) */
    uint32_t n_fails;               /* the newest failures, oldest first */
    struct snap_health_fail fails[SNAP_HEALTH_FAILS];
};

/* One sample of a metric: NaN when the poll failed or the value was not found. */
struct snap_health_point {
    double time, value;
};

struct snap_health_metric {
    char name[SNAP_HEALTH_NAME];
    uint8_t source;                 /* index into snap_health.sources */
    char unit[16];
    bool has_value;                 /* value is the newest sample's */
    double value, value_time;
    char missing[64];               /* why the newest poll had no value ("no series matched",
                                       "rate: first sample"); "" when it had one */
    double min, max;                /* over the run's samples; valid once samples > 0 */
    uint64_t samples;               /* samples with a value */
    bool has_limit;
    char limit[64];                 /* as written: "< 100", "no growth for 60s" */
    uint8_t status;                 /* enum target_status (has_limit) */
    char detail[96];                /* "reached 100 at +1:23 (limit < 100)" */
    bool abort_on_fail;
    double bound;                   /* the limit's newest bound (NaN: none, a growth limit) */
    uint32_t n_points;              /* the newest samples, oldest first */
    struct snap_health_point points[SNAP_HEALTH_POINTS];
};

struct snap_health {
    uint32_t n_sources, n_metrics;
    struct snap_health_source sources[SNAP_HEALTH_SOURCES];
    struct snap_health_metric metrics[SNAP_HEALTH_METRICS];
};

/* Locust's response_times of one endpoint: its timed requests counted under Locust's rounded
 * keys (Locust's StatsEntry._log_response_time / bucket_response_time: whole ms below 100 ms,
 * then 10 ms steps below 1 s, 100 ms steps below 10 s, 1 s steps above), ascending, each
 * HDR bucket of the collector at the key of its midpoint (locust_stats_hist_key). Keys beyond
 * the first SNAP_RT_KEYS - 1 distinct ones are counted together under the slowest key seen
 * (latencies spread over more than ~60 s of 1 s steps), so Max stays exact. */
#define SNAP_RT_KEYS 256
struct snap_rt {
    uint32_t n;                     /* keys in use */
    uint32_t ms[SNAP_RT_KEYS];      /* Locust's key, milliseconds */
    uint64_t count[SNAP_RT_KEYS];
};

/* hornet's own load, measured where it is true (selfstat.h): the process's CPU and how late
 * the worker threads' timers fire (a saturated worker serves its timers late, and every
 * latency it measures then includes that wait). */
struct snap_self {
    double cpu_seconds;             /* user + system CPU of the whole process since it started
                                       (the built-in target included when it runs inside) */
    double cpu_percent;             /* of one core over the last publish period (200: two
                                       cores busy); 0 until two samples exist */
    double workers_cpu_seconds;     /* the worker threads' own CPU since they started */
    double workers_cpu_percent;     /* of one core, summed over the workers */
    double lag_ms;                  /* the latest worker timer over the last second: how much
                                       later than due it fired (worst worker) */
    double lag_mean_ms;             /* mean lateness over those timers, all workers */
    uint32_t ncpu;                  /* CPUs online */
};

struct snap_class {
    char name[64];
    uint32_t users;
};

/* Who runs the users: enum engine_role's values (engine.h). */
enum snap_role { SNAP_LOCAL = 0, SNAP_WORKER, SNAP_MASTER };

/* A worker node of a distributed run, as its master knows it. */
#define SNAP_MAX_WORKERS 64
#define SNAP_WORKER_ID_MAX 80
struct snap_worker {
    char id[SNAP_WORKER_ID_MAX];    /* its node id: hostname_<32 hex digits> (cut to fit) */
    uint32_t index;                 /* Locust's worker index: order of first appearance */
    char state[12];                 /* ready, spawning, running, stopped, missing, quit */
    char kind[24];                  /* "hornet", "Locust 2.43.4", "Locust, no version",
                                       "not Python" (-1: a hornet worker before its
                                       first report, boomer, locust4j) */
    uint32_t users;                 /* as it reported them */
    double rps;                     /* its requests per second over Locust's current window */
    uint64_t requests;              /* requests it reported in this run */
    double cpu;                     /* % of one core, from its heartbeats */
    uint64_t memory;                /* resident bytes, from its heartbeats; 0: not sent */
    double last_heartbeat;          /* unix time; 0: none yet */
};

struct snapshot {
    uint64_t seq;                   /* increases with every publish; 0: nothing published yet */
    double now;                     /* when this snapshot was taken */
    double run_start;               /* when the run started (never reset) */
    double start_time;              /* run start, or the last statistics reset */
    double end_time;                /* when the run stopped; 0 while running */
    char scenario[SNAP_NAME_MAX];
    char host[SNAP_NAME_MAX];
    int threads;

    enum run_state state;
    bool finished;                  /* stopped, every worker drained: the numbers are final */
    bool manual_control;            /* operator took control: the scenario's stages are suspended */
    bool ramp_complete;             /* the current target was reached at least once */
    uint32_t users, target_users;
    double spawn_rate;
    double ramp_eta;                /* seconds until the target is reached; 0 when there */
    double run_time;                /* configured limit in seconds; 0: none */
    double elapsed, remaining;      /* remaining: 0 without a limit */
    int stage, n_stages;            /* stage: index of the current stage, -1 without stages */
    double stage_remaining;
    uint32_t fd_limit;              /* RLIMIT_NOFILE soft limit after raising it */

    uint8_t role;                   /* enum snap_role */
    char master[SNAP_NAME_MAX];     /* WORKER: its master's address; MASTER: where it listens
                                       ("tcp://0.0.0.0:5557") */
    uint32_t expect_workers;        /* MASTER: workers the run waits for before it starts */
    uint32_t workers_ready;         /* MASTER: connected (not missing, not stopped) now */
    uint32_t n_workers;             /* MASTER: workers known (shown: the first SNAP_MAX_WORKERS
                                       by index) */
    struct snap_worker workers[SNAP_MAX_WORKERS];

    uint32_t n_classes;
    struct snap_class classes[SNAP_MAX_CLASSES];

    uint32_t n_endpoints;           /* in scenario order; CSV writers sort by (name, method) */
    struct snap_stats endpoints[SNAP_MAX_ENDPOINTS];
    struct snap_stats total;        /* Aggregated: its own histogram, not a sum of rows */

    uint32_t n_errors;              /* grouped by (endpoint, text, expected); most frequent first */
    uint64_t errors_dropped;        /* occurrences of groups beyond SNAP_MAX_ERRORS */
    struct snap_error errors[SNAP_MAX_ERRORS];

    uint32_t n_exceptions;
    struct snap_exception exceptions[SNAP_MAX_EXCEPTIONS];
    uint64_t requests_dropped;      /* requests finished but in no number above: a worker could
                                       not allocate the interval that carried them (memory ran
                                       out); 0 in any healthy run */

    uint32_t n_points;              /* complete seconds, oldest first */
    struct snap_point series[SNAP_SERIES_LEN];
    uint32_t n_ep_points;           /* per endpoint, the newest n_ep_points seconds of series */
    struct snap_ep_point ep_series[SNAP_MAX_ENDPOINTS][SNAP_EP_SERIES_LEN];

    uint32_t n_events;              /* the newest events, oldest first */
    struct snap_event events[SNAP_MAX_EVENTS];

    uint32_t n_targets;
    struct snap_target targets[SNAP_MAX_TARGETS];
    bool aborted;                   /* a target with abort_on_fail stopped the run */
    char abort_reason[SNAP_TEXT_MAX];
    double steady_start;            /* when the ramp-up first completed; 0: not yet */

    struct snap_health health;      /* backend health; n_sources 0: none polled */

    bool tls_insecure;              /* --insecure: https targets' certificates and host names
                                       are not verified (every view warns) */
    bool saturated;                 /* hornet itself is the bottleneck now (saturation.h):
                                       latencies include its own queueing */
    double saturated_seconds;       /* how long it was, over the whole run (> 0: the targets'
                                       verdict was measured under saturation) */
    char fatal[SNAP_TEXT_MAX];      /* non-empty when the engine hit an error it cannot go on
                                       with (a worker's curl multi handle failed, a command
                                       could not be queued): every user was stopped at once,
                                       the run ends finished; exit code 3 */

    /* Outputs' extras: Locust's response_times per endpoint (same index as endpoints; the
     * --json outputs read them) and hornet's own load (the metrics endpoint, warnings). */
    struct snap_rt rt[SNAP_MAX_ENDPOINTS];
    struct snap_self self;

    struct snap_open open;          /* open model: arrivals, corrected latencies (snap_open.h) */
};

#endif
