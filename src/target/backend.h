/* backend: the simulated backend behind the target's API, as the platform runs it (a Django API
 * on PostgreSQL through a connection pool, Redis as cache and Celery broker, Celery workers),
 * reduced to the numbers its exporters show and that respond to load:
 *
 * - the database connection pool: each request on a database route holds a connection while
 *   it waits on its simulated latency; when every connection is in use, requests wait for one
 *   in arrival order (the caller keeps the queue: the model counts);
 * - Redis: commands processed (each request's session and cache calls, each task sent and
 *   run), connected clients, memory used by cached objects and queued task messages;
 * - Celery: one queue per task kind; each created deployment and each publish job sends a
 *   task; workers x a per-worker rate drain the queues continuously (0 workers: never);
 * - the API's own latency histogram per route, as django-prometheus keeps it.
 *
 * Pure: every decision takes the clock (seconds, any monotonic-enough base) as an argument.
 * Owned by the target's loop thread. */
#ifndef HORNET_TARGET_BACKEND_H
#define HORNET_TARGET_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include "target.h"

/* Celery task kinds: each has its queue. */
enum backend_task { BACKEND_TASK_CAB, BACKEND_TASK_PUBLISH, BACKEND_TASK_KINDS };
/* "deployments.tasks.request_cab_review", "connectors.tasks.publish_to_plane" */
extern const char *const backend_task_names[BACKEND_TASK_KINDS];
/* "celery", "connectors" */
extern const char *const backend_queue_names[BACKEND_TASK_KINDS];

/* django-prometheus's default latency buckets (seconds), then +Inf. */
enum { BACKEND_LATENCY_BUCKETS = 16 };
extern const double backend_latency_bounds[BACKEND_LATENCY_BUCKETS];

/* Fixed traits of the simulated services, documented with where they come from. */
#define BACKEND_PG_MAX_CONNECTIONS 100          /* PostgreSQL's default max_connections */
#define BACKEND_REDIS_BASE_BYTES 1000000ull     /* an empty Redis 7: ~1 MB used_memory */
#define BACKEND_REDIS_OBJECT_BYTES 400ull       /* a cached API object (key + JSON) */
#define BACKEND_REDIS_TASK_BYTES 1500ull        /* a Celery message (headers + body) */
#define BACKEND_REDIS_BASE_CLIENTS 2            /* the exporter and celery beat */

struct backend {
    /* database pool */
    uint32_t pool_size;
    uint32_t in_use;            /* connections held by requests */
    uint32_t waiting;           /* requests waiting for a connection */
    uint64_t acquired;          /* connections handed out so far */
    uint64_t waited;            /* of which after a wait */
    double wait_head_since;     /* when the longest-waiting request began waiting (the caller
                                   keeps the line and sets it); 0: nobody waits */
    /* Redis */
    uint64_t redis_commands;
    /* Celery */
    uint32_t workers;
    double rate;                /* tasks per second per worker */
    uint64_t queued[BACKEND_TASK_KINDS];
    uint64_t sent[BACKEND_TASK_KINDS];
    uint64_t succeeded[BACKEND_TASK_KINDS];
    double capacity;            /* fraction of a task the workers have done */
    double last;                /* clock of the last advance */
    /* the API's latency histogram (counts per bucket, not cumulative) */
    uint64_t lat_count[ROUTE_COUNT][BACKEND_LATENCY_BUCKETS + 1];
    double lat_sum[ROUTE_COUNT];
};

/* An empty backend with this pool size (>= 1), workers and per-worker rate (>= 0) at time now. */
void backend_init(struct backend *b, uint32_t pool_size, uint32_t workers, double rate,
                  double now);

/* Does a request on this route use the database (and so need a pool connection)? Every API
 * route does; health, _stats, _control, /metrics and unmatched requests do not. */
bool backend_uses_db(enum target_route route);

/* A request asks for a connection: true when it got one at once; false when it must wait
 * (it is then counted as waiting, behind those already waiting: no overtaking). */
bool backend_db_acquire(struct backend *b);

/* Hand a free connection to the longest-waiting request: true when one was free and a request
 * waited (it now holds the connection). The caller calls it after every release and resize,
 * until false, and resumes that many waiting requests in arrival order. */
bool backend_db_grant(struct backend *b);

/* A request gives its connection back. */
void backend_db_release(struct backend *b);

/* A waiting request went away (its client left) before it got a connection. */
void backend_db_abandon(struct backend *b);

/* Change the pool size (>= 1). Connections in use beyond it are returned as requests finish. */
void backend_db_resize(struct backend *b, uint32_t size);

/* A request on this route with this status was answered: count its Redis commands (session
 * and throttle lookups for API routes, a cache invalidation for writes, a PING for health). */
void backend_request(struct backend *b, enum target_route route, int status);

/* Record a response's latency (seconds) in the route's histogram. */
void backend_observe(struct backend *b, enum target_route route, double seconds);

/* Bring the Celery queues to time now: workers x rate tasks per second leave them, the longer
 * queue first. A clock that went backwards is taken as the new base. */
void backend_advance(struct backend *b, double now);

/* A task of this kind is sent at time now (the queues are advanced first). */
void backend_task_sent(struct backend *b, enum backend_task kind, double now);

/* Change the workers or their rate from time now on (the queues are advanced first, at the
 * old pace). */
void backend_set_workers(struct backend *b, uint32_t workers, double now);
void backend_set_rate(struct backend *b, double rate, double now);

/* Tasks waiting in every queue. */
uint64_t backend_queue_total(const struct backend *b);

/* Workers busy with a task now: min(workers, tasks waiting). */
uint32_t backend_active_tasks(const struct backend *b);

/* Redis connected clients: the base clients, one broker connection per worker and one per
 * request in progress (holding or waiting for a database connection). */
uint32_t backend_redis_clients(const struct backend *b);

/* Redis used memory with this many objects stored by the API: the base, the cached objects,
 * the queued task messages. */
uint64_t backend_redis_memory(const struct backend *b, uint64_t objects);

#endif
