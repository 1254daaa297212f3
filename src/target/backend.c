/* backend: the simulation model of the target's backend (database pool, Redis, Celery, the
 * API's latency histogram). Pure functions of the state and the clock; loop thread only. */
#include <math.h>
#include "backend.h"

const char *const backend_task_names[BACKEND_TASK_KINDS] = {
    "deployments.tasks.request_cab_review", "connectors.tasks.publish_to_plane"
};
const char *const backend_queue_names[BACKEND_TASK_KINDS] = {"celery", "connectors"};

const double backend_latency_bounds[BACKEND_LATENCY_BUCKETS] = {
    0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 25.0, 50.0, 75.0
};

/* Redis commands: a task's LPUSH when sent; BRPOP and the result's SETEX when run. */
enum { REDIS_PER_SENT = 1, REDIS_PER_RUN = 2 };

void backend_init(struct backend *b, uint32_t pool_size, uint32_t workers, double rate,
                  double now)
{
    *b = (struct backend){.pool_size = pool_size ? pool_size : 1, .workers = workers,
                          .rate = rate > 0 ? rate : 0, .last = now};
}

bool backend_uses_db(enum target_route route)
{
    switch (route) {
    case ROUTE_HEALTH: case ROUTE_STATS: case ROUTE_METRICS: case ROUTE_CONTROL:
    case ROUTE_OTHER: case ROUTE_COUNT:
        return false;
    default:
        return true;
    }
}

bool backend_db_acquire(struct backend *b)
{
    if (b->waiting == 0 && b->in_use < b->pool_size) {
        b->in_use++;
        b->acquired++;
        return true;
    }
    b->waiting++;
    return false;
}

bool backend_db_grant(struct backend *b)
{
    if (b->waiting == 0 || b->in_use >= b->pool_size)
        return false;
    b->waiting--;
    b->in_use++;
    b->acquired++;
    b->waited++;
    return true;
}

void backend_db_release(struct backend *b)
{
    if (b->in_use)
        b->in_use--;
}

void backend_db_abandon(struct backend *b)
{
    if (b->waiting)
        b->waiting--;
}

void backend_db_resize(struct backend *b, uint32_t size)
{
    b->pool_size = size ? size : 1;
}

static bool is_write(enum target_route route)
{
    switch (route) {
    case ROUTE_DEPLOYMENT_CREATE: case ROUTE_DEPLOYMENT_PATCH: case ROUTE_APPROVAL_APPROVE:
    case ROUTE_APPROVAL_REJECT: case ROUTE_APPROVAL_BULK: case ROUTE_CONNECTOR_PUBLISH:
        return true;
    default:
        return false;
    }
}

void backend_request(struct backend *b, enum target_route route, int status)
{
    if (route == ROUTE_HEALTH)
        b->redis_commands += 1;                 /* the health check's PING */
    else if (backend_uses_db(route))
        b->redis_commands += 2 + (is_write(route) && status >= 200 && status < 300);
}

void backend_observe(struct backend *b, enum target_route route, double seconds)
{
    int k = 0;

    if ((unsigned)route >= ROUTE_COUNT)
        return;
    if (!(seconds >= 0))
        seconds = 0;
    while (k < BACKEND_LATENCY_BUCKETS && seconds > backend_latency_bounds[k])
        k++;
    b->lat_count[route][k]++;
    b->lat_sum[route] += seconds;
}

uint64_t backend_queue_total(const struct backend *b)
{
    uint64_t n = 0;

    for (int k = 0; k < BACKEND_TASK_KINDS; k++)
        n += b->queued[k];
    return n;
}

/* Take n tasks from the two queues, the longer one first (so both level down together). */
static void drain(struct backend *b, uint64_t n)
{
    int big = b->queued[1] > b->queued[0], small = !big;
    uint64_t gap = b->queued[big] - b->queued[small], from_big, from_small;

    if (n <= gap) {
        from_big = n, from_small = 0;
    } else {
        from_big = gap + (n - gap + 1) / 2;
        from_small = (n - gap) / 2;
    }
    b->queued[big] -= from_big;
    b->queued[small] -= from_small;
    b->succeeded[big] += from_big;
    b->succeeded[small] += from_small;
    b->redis_commands += REDIS_PER_RUN * n;
}

void backend_advance(struct backend *b, double now)
{
    double dt = now - b->last, whole;
    uint64_t total = backend_queue_total(b), n;

    if (!(dt > 0)) {
        if (dt < 0)
            b->last = now;
        return;
    }
    b->last = now;
    if (total == 0) {
        b->capacity = 0;                        /* idle workers bank nothing */
        return;
    }
    b->capacity += (double)b->workers * b->rate * dt;
    whole = floor(b->capacity);
    if (whole >= (double)total) {
        n = total;
        b->capacity = 0;
    } else {
        n = (uint64_t)whole;
        b->capacity -= whole;
    }
    drain(b, n);
}

void backend_task_sent(struct backend *b, enum backend_task kind, double now)
{
    backend_advance(b, now);
    b->queued[kind]++;
    b->sent[kind]++;
    b->redis_commands += REDIS_PER_SENT;
}

void backend_set_workers(struct backend *b, uint32_t workers, double now)
{
    backend_advance(b, now);
    b->workers = workers;
}

void backend_set_rate(struct backend *b, double rate, double now)
{
    backend_advance(b, now);
    b->rate = rate > 0 ? rate : 0;
}

uint32_t backend_active_tasks(const struct backend *b)
{
    uint64_t total = backend_queue_total(b);

    return total < b->workers ? (uint32_t)total : b->workers;
}

uint32_t backend_redis_clients(const struct backend *b)
{
    return BACKEND_REDIS_BASE_CLIENTS + b->workers + b->in_use + b->waiting;
}

uint64_t backend_redis_memory(const struct backend *b, uint64_t objects)
{
    return BACKEND_REDIS_BASE_BYTES + objects * BACKEND_REDIS_OBJECT_BYTES +
           backend_queue_total(b) * BACKEND_REDIS_TASK_BYTES;
}
