/* target: hornet-target, a simulator of the endpoint-management platform's API (deployments,
 * CAB approvals, connectors to Intune, Jamf, SCCM, Landscape and Ansible). HTTP/1.1 with
 * keep-alive on one libev loop, requests parsed by libhttp-parser, JSON in the Django REST style.
 * Latency is simulated with timers, never by blocking the loop. It counts what it served per
 * route and status, so tests can check that hornet reports exactly what the server saw.
 *
 * The server runs on its own thread (target_start) inside hornet, or as the main loop of the
 * hornet-target program (target_run). */
#ifndef HORNET_TARGET_H
#define HORNET_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum target_route {
    ROUTE_HEALTH = 0, ROUTE_AUTH_TOKEN, ROUTE_DEPLOYMENT_CREATE, ROUTE_DEPLOYMENT_LIST,
    ROUTE_DEPLOYMENT_GET, ROUTE_DEPLOYMENT_PATCH, ROUTE_APPROVAL_LIST, ROUTE_APPROVAL_APPROVE,
    ROUTE_APPROVAL_REJECT, ROUTE_APPROVAL_BULK, ROUTE_EVENTS, ROUTE_CONNECTOR_LIST,
    ROUTE_CONNECTOR_PUBLISH, ROUTE_CONNECTOR_JOB, ROUTE_STATS, ROUTE_OTHER, ROUTE_COUNT
};
/* "health", "auth_token", ... stable names used by --latency and the counts report. */
extern const char *const target_route_names[ROUTE_COUNT];

enum { TARGET_PLANE_COUNT = 5 };
/* "intune", "jamf", "sccm", "landscape", "ansible" */
extern const char *const target_plane_names[TARGET_PLANE_COUNT];

struct target_latency {
    double base_ms;             /* fixed part */
    double jitter_ms;           /* mean of an exponential added on top (a realistic tail) */
};

struct target_config {
    const char *listen_addr;    /* default "127.0.0.1" (also "::1") */
    int port;                   /* default 8000; 0: pick a free port */
    uint64_t seed;
    struct target_latency latency[ROUTE_COUNT];   /* defaults: see target_config_defaults */
    double plane_error_rate[TARGET_PLANE_COUNT];  /* share of publishes answered 503 */
    uint32_t max_objects;       /* bound on stored deployments/approvals/jobs/events (oldest
                                   evicted), so memory stays flat in long runs */
    size_t max_header_bytes;    /* larger headers: 431 and close */
    size_t max_body_bytes;      /* larger bodies: 413 and close */
    bool quiet;                 /* no log lines on stderr */
};

/* Sensible defaults: 127.0.0.1:8000, realistic per-route latencies (health: none), no errors,
 * 100000 objects, 16 KB headers, 1 MB bodies. */
void target_config_defaults(struct target_config *c);

/* Parse a "--latency ROUTE=BASE_MS[,JITTER_MS]" or "--error-rate PLANE=RATE" argument into c.
 * -1 with a message on error. Used by hornet-target's command line. */
int target_config_latency(struct target_config *c, const char *arg, char *err, size_t errlen);
int target_config_error_rate(struct target_config *c, const char *arg, char *err, size_t errlen);

struct target;

/* Bind and serve on a new thread. NULL with a message (e.g. address in use). */
struct target *target_start(const struct target_config *c, char *err, size_t errlen);
int target_port(const struct target *t);         /* the bound port (useful with port 0) */
/* The counts as served by GET /api/v1/_stats/ (JSON); caller frees. Thread-safe. */
char *target_counts_json(struct target *t);
/* Requests served with this route and status so far. Thread-safe. */
uint64_t target_count(struct target *t, enum target_route route, int status);
void target_stop(struct target *t);               /* stop the thread, free everything */

/* Serve on the calling thread until SIGINT/SIGTERM, then print the counts to stderr. Returns
 * the process exit code. */
int target_run(const struct target_config *c);

#endif
