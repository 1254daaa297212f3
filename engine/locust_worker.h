/* locust_worker: hornet as a worker node of a Locust master (Debian's 2.12.1 and the users'
 * 2.43, or a hornet master): the conversation of locust/runners.py's WorkerRunner, over a
 * locust_link DEALER on the engine's control loop.
 *
 * Locust's rules (runners.py, 2.12.1 and 2.43): the worker introduces itself with client_ready
 * and waits CONNECT_TIMEOUT (5 s) for the master's ack (with its index); a spawn carries the
 * worker's absolute users per class (spawns not newer than the last one are dropped) and is
 * answered with spawning, then spawning_complete once applied; a heartbeat goes every second
 * ({state, current_cpu_usage: % of one core, current_memory_usage: RSS bytes}), a stats report
 * every WORKER_REPORT_INTERVAL (3 s) with what was counted since the previous one; stop stops
 * the users, then client_stopped and client_ready again; quit stops the users, sends a last
 * report and quit; reconnect recreates the socket; 2.19+ masters answer every heartbeat, and a
 * worker that hears none for MASTER_HEARTBEAT_TIMEOUT (60 s) considers its master gone; an
 * exception of a user goes as {msg, traceback}.
 *
 * hornet's:
 * - client_ready carries -1 (the version check's escape for foreign workers); reports carry
 *   hornet_hdr (locust_report.h), which a Locust master ignores and a hornet master merges.
 * - Without an ack the worker asks again with back-off (5, 10, 20, 40, then every 60 s) and
 *   logs each attempt, naming whether the master's port answered at all.
 * - A master that dies mid-run (its connection goes down, or a 2.19+ master's heartbeats stop
 *   for 60 s): the users are stopped, what was counted stays in this process's own statistics
 *   (what was not reported yet is dropped from the next master's report, and said so), and the
 *   worker waits for a master on the same address, introducing itself again when it answers.
 * - The stop and quit answers wait until the engine's workers are idle and their last
 *   intervals are in the report, so the master gets every request that finished.
 *
 * Everything runs on the engine's control thread (its loop); the engine acts on what the
 * master asks through the ops below and feeds the report and the engine's state in. */
#ifndef HORNET_LOCUST_WORKER_H
#define HORNET_LOCUST_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ev.h>
#include "interval.h"
#include "scenario.h"
#include "snapshot.h"

#define LOCUST_WORKER_HEARTBEAT 1.0         /* s, HEARTBEAT_INTERVAL */
#define LOCUST_WORKER_REPORT 3.0            /* s, WORKER_REPORT_INTERVAL */
#define LOCUST_WORKER_CONNECT_TIMEOUT 5.0   /* s, CONNECT_TIMEOUT: the first wait for an ack */
#define LOCUST_WORKER_RETRY_MAX 60.0        /* s between attempts once backed off */
#define LOCUST_WORKER_MASTER_TIMEOUT 60.0   /* s, MASTER_HEARTBEAT_TIMEOUT */

/* What the engine does when the master asks. Every op runs on the control thread. */
struct locust_worker_ops {
    /* Run counts[k] users of scenario class k (absolute). host: the master's host for the
     * requests (NULL: keep this worker's); stop_timeout < 0: keep this worker's. */
    void (*spawn)(void *arg, const uint32_t *counts, const char *host, double stop_timeout);
    /* Stop every user; the engine returns to ready once they are done. */
    void (*stop)(void *arg);
    /* End the run (the master quit or was told to go); why is for the log. */
    void (*quit)(void *arg, const char *why);
    /* An event for the run's log: level is enum event_level. */
    void (*log)(void *arg, int level, const char *text);
    void *arg;
};

struct locust_worker_config {
    const char *host;           /* the master's address */
    int port;
    const struct scenario *scenario;    /* class and endpoint names (borrowed) */
    double now;                 /* wall clock: the first report starts here */
    struct locust_worker_ops ops;
};

struct locust_worker;

/* Connect to the master on loop (the engine's control loop, before or on its thread) and
 * introduce this worker. NULL with err (a bad address, out of memory, libzmq). */
struct locust_worker *locust_worker_create(struct ev_loop *loop,
                                           const struct locust_worker_config *cfg, char *err,
                                           size_t errlen);

/* Close the link (queued frames get LOCUST_LINK_LINGER_MS) and free. NULL is fine. */
void locust_worker_destroy(struct locust_worker *w);

/* An interval the collector merged: it goes into the next report (the worker owns it now). */
void locust_worker_add_interval(struct locust_worker *w, struct interval *iv);

/* A user's exception, sent to the master as Locust's exception message. */
void locust_worker_exception(struct locust_worker *w, const char *message, const char *where);

/* The engine's state after its decisions, with every interval its workers handed over
 * already added: state and users per scenario class. Answers a stop once the state is ready
 * again, and tells the master this worker quits once it is stopped (the master's quit, or
 * this process's own stop). */
void locust_worker_update(struct locust_worker *w, enum run_state state, const uint32_t *counts);

/* This worker's node id ("host_<32 hex digits>"). */
const char *locust_worker_node_id(const struct locust_worker *w);

#endif
