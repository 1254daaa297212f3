/* engine: runs a scenario's virtual users on worker threads and publishes snapshots.
 *
 * Threads: a control thread (its own ev loop: commands, ramp and stages, run-time limit,
 * collecting intervals, publishing snapshots) and N worker threads (an ev loop and a CURLM
 * each, their own users and statistics recorder). Callers (the headless reporter or the
 * dashboard, on the main thread) talk to it only through engine_send (commands in) and
 * engine_snapshot (copies out). Threads start with every signal blocked, so signals reach main. */
#ifndef HORNET_ENGINE_H
#define HORNET_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine_cmd.h"
#include "scenario.h"
#include "snapshot.h"
#include "user_var.h"

/* Who runs the users (Locust's master/worker protocol: engine/locust_*.h). */
enum engine_role {
    ENGINE_LOCAL = 0,           /* this process: its ramp, stages and run time */
    ENGINE_WORKER,              /* this process, as a Locust master asks (absolute counts per
                                   class, its stop and quit): no ramp, stage or run time here */
    ENGINE_MASTER               /* remote worker nodes; this process runs no user */
};

/* The most worker nodes a master dispatches to (slots of its dispatcher). */
#define ENGINE_MAX_NODES 1024

struct engine_config {
    const struct scenario *scenario;   /* borrowed: must outlive the engine */
    const char *host;           /* base URL, e.g. "http://127.0.0.1:8000" */
    int threads;                /* worker threads, >= 1 */
    uint64_t seed;
    uint32_t users;             /* initial target (ignored when use_stages) */
    double spawn_rate;
    bool use_stages;            /* follow scenario->stages */
    double run_time;            /* seconds, 0: until stopped (or the stages end) */
    double stop_timeout;        /* seconds users get to finish on stop (on_stop steps) */
    bool reset_stats_after_ramp;/* --reset-stats */
    double publish_interval;    /* seconds between snapshots; 0: 0.2 */
    uint32_t fd_limit;          /* the process's descriptor soft limit; 0: unknown */
    uint32_t fds_per_user;      /* 1, or 2 when the target runs in this process; 0: 1 */
    bool use_targets;           /* judge scenario->targets live (and abort on them) */
    bool load_changed;          /* users or stages differ from the scenario's: throughput
                                   targets are not judged */
    /* Request tracing (-L DEBUG): the first trace_requests requests of the run, as they finish,
     * are each described in one text of a few lines (class, task, step, method, URL, the
     * variables read, headers and body with secrets masked, status, time, size, captures,
     * checks, result; see trace.h), then one text says tracing stopped. trace is called on the
     * worker thread that finished the request, so it must be thread-safe and quick. NULL or 0:
     * no tracing, at the cost of one test per request. */
    void (*trace)(void *arg, const char *text);
    void *trace_arg;
    uint32_t trace_requests;
    /* The values setup captured (scenario->n_vars entries; those scenario->shared marks are
     * copied into every user's variables when it starts). Borrowed: must outlive the engine,
     * unchanged while it runs. NULL: none. */
    const struct user_var *shared;
    /* How https targets are trusted: the scenario's tls block with the command line's
     * overrides (paths borrowed: must outlive the engine). Zeroed: the system's CA
     * certificates, full verification, no client certificate. snapshot.tls_insecure says
     * when verification is off. */
    struct scenario_tls tls;
    /* Distributed runs. WORKER: connect to master_host:master_port; MASTER: bind there ("*"
     * for every interface; port 0 picks a free one) and start the run once expect_workers
     * (>= 1) workers are connected. */
    enum engine_role role;
    const char *master_host;
    int master_port;
    uint32_t expect_workers;
};

/* Descriptors a run of `users` needs: their connections (fds_per_user each: 1, or 2 when the
 * target runs in this process), libcurl's own per multi handle, and 64 for everything else. */
uint64_t engine_fds_needed(uint32_t users, uint32_t fds_per_user);

/* The most users `fd_limit` descriptors allow (UINT32_MAX when fd_limit is 0: unknown). */
uint32_t engine_max_users(uint32_t fd_limit, uint32_t fds_per_user);

/* Validate the configuration and allocate; no thread runs yet. NULL with a message. */
struct engine *engine_create(const struct engine_config *cfg, char *err, size_t errlen);

/* Start the threads and the ramp. -1 with a message. */
int engine_start(struct engine *e, char *err, size_t errlen);

/* Queue a command; any thread; never blocks on the engine's work. */
void engine_send(struct engine *e, const struct engine_cmd *cmd);

/* Copy the newest snapshot into out (which the caller allocated, zeroed or from an earlier
 * call: it is large, and is not copied again when out->seq is already the newest). Returns its
 * seq (0 before the first publish). Any thread. */
uint64_t engine_snapshot(struct engine *e, struct snapshot *out);

/* Stop (if still running), join every thread and free. The last snapshot stays final. */
void engine_destroy(struct engine *e);

#endif
