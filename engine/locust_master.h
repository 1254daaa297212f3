/* locust_master: hornet as the master of Locust and hornet worker nodes: the conversation of
 * locust/runners.py's MasterRunner over a locust_link ROUTER on the engine's control loop,
 * and the registry of the worker nodes (each a slot of the engine's dispatcher).
 *
 * Locust's rules (runners.py, 2.12.1 and 2.43): a worker introduces itself with client_ready
 * (a version string, "" from Debian's 2.12.1, or -1 from foreign workers) and gets an ack with
 * its index (0, 1, ... in order of first appearance, kept for the master's life); spawn tells
 * a worker its absolute users per class (timestamps increasing); a heartbeat resets the
 * worker's liveness to HEARTBEAT_LIVENESS (3), which drops by one every HEARTBEAT_INTERVAL
 * (1 s) and, below 0, marks the worker missing (about 4 to 5 s of silence); a heartbeat from a
 * missing worker heals it; its CPU over 90% is warned about once; 2.19+ masters answer every
 * heartbeat; stats reports add up; stop is answered with client_stopped (the worker then
 * introduces itself again), quit with the worker's last report and quit; a frame that does not
 * decode is answered with reconnect.
 *
 * hornet's:
 * - Workers missing, quitting or stopping on their own leave the dispatcher (their users go to
 *   the others at once: Locust's rebalancing, always on) and joining ones take users from the
 *   fullest: the engine's control decides (control_set_slot).
 * - Heartbeats are answered to workers that expect it (hornet, foreign -1, Locust 2.19+), not
 *   to Locust 2.12..2.18, which would log each as an unknown message.
 * - Reports become intervals for the engine's collector (locust_report.h): exact for hornet
 *   workers, Locust's rounded times for Python ones; their endpoints are named as they come
 *   (the scenario's first, then new ones). Debian's 2.12.1 worker's empty version is accepted
 *   with a warning.
 * - A stop is done when every worker answered: a hornet worker sends its last report before
 *   client_stopped; a Locust one reports every 3 s whatever its state, so its last numbers are
 *   awaited with the next report (at most LOCUST_MASTER_LAST_REPORT seconds).
 * - Destroying the master sends quit to every worker.
 *
 * Everything runs on the engine's control thread. */
#ifndef HORNET_LOCUST_MASTER_H
#define HORNET_LOCUST_MASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ev.h>
#include "interval.h"
#include "scenario.h"
#include "snapshot.h"

#define LOCUST_MASTER_LIVENESS 3            /* HEARTBEAT_LIVENESS */
#define LOCUST_MASTER_HEARTBEAT 1.0         /* s, HEARTBEAT_INTERVAL */
#define LOCUST_MASTER_LAST_REPORT 4.0       /* s a stopped Locust worker's last report may take */
#define LOCUST_MASTER_CPU_WARNING 90.0      /* % */

/* What the engine does for the master. Every op runs on the control thread. */
struct locust_master_ops {
    /* Worker slot joined (ready) or left the dispatcher (missing, stopped, quit). */
    void (*join)(void *arg, uint32_t slot);
    void (*leave)(void *arg, uint32_t slot);
    /* A report's requests: the engine merges each interval, then frees it and the array. */
    void (*intervals)(void *arg, struct interval **ivs, size_t n);
    /* The collector's index for a new endpoint (method, name), -1 when it has no room. */
    int (*add_endpoint)(void *arg, const char *method, const char *name);
    /* A worker's exception (Locust's exceptions table). */
    void (*exception)(void *arg, const char *message, const char *traceback);
    /* An event for the run's log: level is enum event_level. */
    void (*log)(void *arg, int level, const char *text);
    void *arg;
};

struct locust_master_config {
    const char *bind_host;      /* "*" for every interface */
    int bind_port;              /* 0: a free one (locust_master_port) */
    const struct scenario *scenario;    /* classes and endpoints (borrowed) */
    const char *host;           /* the host users should load, sent with spawns; NULL: each
                                   worker's own */
    double stop_timeout;        /* sent with spawns */
    uint32_t max_workers;       /* slots; more workers are refused with a warning */
    struct locust_master_ops ops;
};

struct locust_master;

/* Bind and listen on loop (the engine's control loop). NULL with err (port in use, bad
 * address, out of memory). */
struct locust_master *locust_master_create(struct ev_loop *loop,
                                           const struct locust_master_config *cfg, char *err,
                                           size_t errlen);

/* Send quit to every worker (its last report is not waited for: the master is leaving),
 * close the link and free. NULL is fine. */
void locust_master_destroy(struct locust_master *m);

/* The bound port. */
int locust_master_port(const struct locust_master *m);

/* Tell worker slot to run counts[k] users of scenario class k (absolute). */
void locust_master_spawn(struct locust_master *m, uint32_t slot, const uint32_t *counts);

/* Stop every worker's users (the run's end). */
void locust_master_stop_all(struct locust_master *m);

/* Every worker told to stop has answered (and its last numbers are in), or is gone. */
bool locust_master_idle(const struct locust_master *m);

/* Users the workers reported, summed. */
uint32_t locust_master_users(const struct locust_master *m);

/* Workers ready, spawning or running (connected, not missing or stopped). */
uint32_t locust_master_ready(const struct locust_master *m);

/* The workers' table of a snapshot at now (n_workers, workers_ready, workers). */
void locust_master_fill(const struct locust_master *m, struct snapshot *s, double now);

#endif
