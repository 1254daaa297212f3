/* target: hornet-target, a simulator of the endpoint-management platform's API (deployments,
 * CAB approvals, connectors to Intune, Jamf, SCCM, Landscape and Ansible). HTTP/1.1 with
 * keep-alive and pipelining on one libev loop, requests parsed by libhttp-parser, JSON in the
 * Django REST style. Latency is simulated with timers, never by blocking the loop. It counts
 * what it served per route and status, so tests can check that hornet reports exactly what the
 * server saw.
 *
 * The server runs on its own thread (target_start) inside hornet, or as the main loop of the
 * hornet-target program (target_run). Both share all the code. */
#ifndef HORNET_TARGET_H
#define HORNET_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a response is counted under. A route is a method and a path pattern; a known path with
 * an unknown id still counts under its route (e.g. a 404 from deployment_get). GET and POST
 * /api/v1/_control/ both count under "control". Requests that
 * match no route (404), a wrong method on a known path (405), and HTTP-level rejections (bad
 * HTTP 400, 408 request timeout, 413 body too large, 431 headers too large) count under
 * ROUTE_OTHER ("other"). */
enum target_route {
    ROUTE_HEALTH = 0, ROUTE_AUTH_TOKEN, ROUTE_DEPLOYMENT_CREATE, ROUTE_DEPLOYMENT_LIST,
    ROUTE_DEPLOYMENT_GET, ROUTE_DEPLOYMENT_PATCH, ROUTE_APPROVAL_LIST, ROUTE_APPROVAL_APPROVE,
    ROUTE_APPROVAL_REJECT, ROUTE_APPROVAL_BULK, ROUTE_EVENTS, ROUTE_CONNECTOR_LIST,
    ROUTE_CONNECTOR_PUBLISH, ROUTE_CONNECTOR_JOB, ROUTE_STATS, ROUTE_METRICS, ROUTE_CONTROL,
    ROUTE_OTHER, ROUTE_COUNT
};
/* "health", "auth_token", "deployment_create", "deployment_list", "deployment_get",
 * "deployment_patch", "approval_list", "approval_approve", "approval_reject", "approval_bulk",
 * "events", "connector_list", "connector_publish", "connector_job", "stats", "metrics",
 * "control", "other": stable names used by --latency, the counts report and the view label of
 * /metrics. */
extern const char *const target_route_names[ROUTE_COUNT];

enum { TARGET_PLANE_COUNT = 5 };
/* "intune", "jamf", "sccm", "landscape", "ansible" */
extern const char *const target_plane_names[TARGET_PLANE_COUNT];

struct target_latency {
    double base_ms;             /* fixed part */
    double jitter_ms;           /* mean of an exponential added on top (a realistic tail) */
};

/* Bounds of the settings (checked by target_start and the command line). */
#define TARGET_MAX_OBJECTS_LIMIT 10000000u
#define TARGET_MAX_HEADER_LIMIT ((size_t)80 * 1024)    /* libhttp-parser's own bound */
#define TARGET_MAX_BODY_LIMIT ((size_t)1024 * 1024 * 1024)
#define TARGET_DB_POOL_LIMIT 10000u
#define TARGET_CELERY_WORKERS_LIMIT 256u
#define TARGET_CELERY_RATE_LIMIT 1e6
#define TARGET_STALL_PERIOD_LIMIT 86400.0

struct target_config {
    const char *listen_addr;    /* default "127.0.0.1" (also "::1"); a numeric address */
    int port;                   /* default 8000; 0: pick a free port */
    uint64_t seed;              /* default 1: UUIDs, tokens, jitter and errors are repeatable */
    struct target_latency latency[ROUTE_COUNT];   /* defaults: see target_config_defaults */
    double plane_error_rate[TARGET_PLANE_COUNT];  /* share of publishes answered 503 */
    uint32_t max_objects;       /* bound on stored deployments/approvals/jobs/events (each kind
                                   evicts its oldest), so memory stays flat in long runs */
    size_t max_header_bytes;    /* larger request line + headers: 431 and close */
    size_t max_body_bytes;      /* larger bodies: 413 and close */
    double idle_timeout_s;      /* keep-alive connection with no request: closed (default 60) */
    double request_timeout_s;   /* request not complete this long after its first byte: 408
                                   and close (slow senders; default 30) */
    double job_phase_s;         /* a publish job is queued, then running, for this long each
                                   before it ends (default 0.5) */
    double job_failure_rate;    /* share of jobs that end "failed" (default 0.02) */
    /* The simulated backend (GET /metrics and /api/v1/health/ show it; POST
     * /api/v1/_control/ changes these live). */
    uint32_t db_pool_size;      /* database connections; requests beyond wait for one
                                   (default 100, PostgreSQL's max_connections) */
    uint32_t celery_workers;    /* Celery workers draining the task queues (default 4; 0: the
                                   queues only grow) */
    double celery_rate;         /* tasks per second each worker runs (default 50) */
    /* A stall (a garbage-collection pause, a failover): every answer due during the last
     * stall_s seconds of each stall_period_s period (counted from the start, or from when
     * POST /api/v1/_control/ set it) waits for the period's end. 0: never. Answers of
     * /api/v1/_control/ itself never wait, so a stall can be switched off. */
    double stall_s, stall_period_s;
    bool cab_auto_approve;      /* the CAB approves every new deployment at once: no approval
                                   is ever pending (a platform with the CAB switched off) */
    bool quiet;                 /* no log lines on stderr (the exit counts still print) */
};

/* Sensible defaults: 127.0.0.1:8000, seed 1, realistic per-route latencies (health, _stats,
 * _control and /metrics: none; auth 20 ms; creates 10 ms; gets 2-3 ms; lists 5-8 ms; publish
 * 10 ms; job polls 2 ms; each with an exponential jitter of a similar size), no errors, 100000
 * objects, 16 KB headers, 1 MB bodies, 60 s idle and 30 s request timeouts, 0.5 s job phases,
 * 2% failed jobs, a pool of 100 database connections, 4 Celery workers at 50 tasks/s each. */
void target_config_defaults(struct target_config *c);

/* Parse a "ROUTE=BASE_MS[,JITTER_MS]" (ROUTE a target_route_names entry or "all"; a missing
 * jitter is 0) or "PLANE=RATE" (PLANE a target_plane_names entry or "all"; RATE in 0..1)
 * argument into c. 0, or -1 with a one-line message. Used by hornet-target's command line. */
int target_config_latency(struct target_config *c, const char *arg, char *err, size_t errlen);
int target_config_error_rate(struct target_config *c, const char *arg, char *err, size_t errlen);
/* --stall S,P: every answer due in the last S seconds of each P-second period waits for the
 * period's end (0 < S < P <= TARGET_STALL_PERIOD_LIMIT; "0,0" or "0": never). */
int target_config_stall(struct target_config *c, const char *arg, char *err, size_t errlen);

/* Set every route's latency to zero (--no-latency). */
void target_config_no_latency(struct target_config *c);

/* Check that every setting is within its bounds. 0, or -1 with a one-line message. */
int target_config_check(const struct target_config *c, char *err, size_t errlen);

enum target_action { TARGET_ACTION_RUN, TARGET_ACTION_HELP, TARGET_ACTION_VERSION };

/* Parse hornet-target's command line (argv[0] is the program name) over c, which holds the
 * defaults. Fills *action. 0, or -1 with one clear line in err ("hornet-target: --port:
 * expected a port number 0..65535, got 'x'"); the program then exits with status 2. Strings in
 * c point into argv. */
int target_config_parse_args(struct target_config *c, int argc, char **argv,
                             enum target_action *action, char *err, size_t errlen);

/* The --help text. */
void target_usage(FILE *out);

struct target;

/* Bind and serve on a new thread (its own ev loop, signals blocked). The config is copied.
 * NULL with a message (e.g. "127.0.0.1:8000: Address already in use"). Any thread. */
struct target *target_start(const struct target_config *c, char *err, size_t errlen);
/* The bound port (useful with port 0). Any thread. */
int target_port(const struct target *t);
/* Stop the thread, close every connection, free everything. NULL is fine. The thread that
 * called target_start. */
void target_stop(struct target *t);

/* Serve on the calling thread until SIGINT/SIGTERM; prints "hornet-target listening on
 * http://ADDR:PORT/" on stdout first, and the counts on stderr at the end. Returns the process
 * exit code: 0 after a clean stop, 1 when it cannot listen or an argument is out of bounds. */
int target_run(const struct target_config *c);

#endif
