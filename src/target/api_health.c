/* api_health: what the target's backend shows of its health, as the platform's real backend
 * does: GET /api/v1/health/ (JSON: "status": "ok" and one entry per component: database pool,
 * Redis, Celery, connectors) and GET /metrics in the Prometheus text format, with the series
 * and labels the real exporters use (process_* of the target's own thread and process from
 * /proc, django-prometheus's request counters and latency histograms, postgres_exporter's
 * pg_*, pgbouncer_exporter's pool gauges, redis_exporter's redis_*, the Celery exporter's
 * celery_*). Both read the backend model at the request's time. Loop thread only. */
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#include "api_internal.h"
#include "procstat.h"

#define DB_NAME "eucora"
#define DB_LABELS "{database=\"" DB_NAME "\",user=\"" DB_NAME "\"}"

static uint64_t stored_objects(const struct api *a)
{
    return (uint64_t)a->deployments.count + a->approvals.count + a->jobs.count + a->events.count;
}

/* --- GET /api/v1/health/ --- */

static void health_database(struct strbuf *out, const struct backend *b)
{
    strbuf_puts(out, "\"database\": {\"status\": \"");
    strbuf_puts(out, b->waiting ? "degraded" : "ok");
    strbuf_puts(out, "\", \"pool_size\": ");
    strbuf_put_u64(out, b->pool_size);
    strbuf_puts(out, ", \"in_use\": ");
    strbuf_put_u64(out, b->in_use);
    strbuf_puts(out, ", \"waiting\": ");
    strbuf_put_u64(out, b->waiting);
    strbuf_putc(out, '}');
}

static void health_redis(struct strbuf *out, const struct api *a)
{
    const struct backend *b = &a->backend;

    strbuf_puts(out, "\"redis\": {\"status\": \"ok\", \"connected_clients\": ");
    strbuf_put_u64(out, backend_redis_clients(b));
    strbuf_puts(out, ", \"used_memory_bytes\": ");
    strbuf_put_u64(out, backend_redis_memory(b, stored_objects(a)));
    strbuf_puts(out, ", \"commands_processed\": ");
    strbuf_put_u64(out, b->redis_commands);
    strbuf_putc(out, '}');
}

static void health_celery(struct strbuf *out, const struct backend *b)
{
    strbuf_puts(out, "\"celery\": {\"status\": \"");
    strbuf_puts(out, b->workers ? "ok" : "down");
    strbuf_puts(out, "\", \"workers\": ");
    strbuf_put_u64(out, b->workers);
    strbuf_puts(out, ", \"active_tasks\": ");
    strbuf_put_u64(out, backend_active_tasks(b));
    strbuf_puts(out, ", \"queue_length\": ");
    strbuf_put_u64(out, backend_queue_total(b));
    strbuf_puts(out, ", \"queues\": {");
    for (int k = 0; k < BACKEND_TASK_KINDS; k++) {
        strbuf_puts(out, k ? ", \"" : "\"");
        strbuf_puts(out, backend_queue_names[k]);
        strbuf_puts(out, "\": ");
        strbuf_put_u64(out, b->queued[k]);
    }
    strbuf_puts(out, "}}");
}

static void health_connectors(struct strbuf *out, const struct api *a)
{
    bool all_online = true;

    for (int p = 0; p < TARGET_PLANE_COUNT; p++)
        all_online = all_online && a->cfg.plane_error_rate[p] <= 0;
    strbuf_puts(out, "\"connectors\": {\"status\": \"");
    strbuf_puts(out, all_online ? "ok" : "degraded");
    strbuf_puts(out, "\", \"planes\": {");
    for (int p = 0; p < TARGET_PLANE_COUNT; p++) {
        strbuf_puts(out, p ? ", \"" : "\"");
        strbuf_puts(out, target_plane_names[p]);
        strbuf_puts(out, "\": \"");
        strbuf_puts(out, api_plane_status(a, p));
        strbuf_putc(out, '"');
    }
    strbuf_puts(out, "}}");
}

void api_health(struct api *a, const struct api_request *rq, const struct api_match *m,
                struct strbuf *out, struct api_response *rs)
{
    (void)m;
    backend_advance(&a->backend, rq->now);
    strbuf_puts(out, "{\"status\": \"ok\", \"components\": {");
    health_database(out, &a->backend);
    strbuf_puts(out, ", ");
    health_redis(out, a);
    strbuf_puts(out, ", ");
    health_celery(out, &a->backend);
    strbuf_puts(out, ", ");
    health_connectors(out, a);
    strbuf_puts(out, "}}");
    rs->status = 200;
}

/* --- GET /metrics --- */

static void family(struct strbuf *out, const char *name, const char *type, const char *help)
{
    strbuf_puts(out, "# HELP ");
    strbuf_puts(out, name);
    strbuf_putc(out, ' ');
    strbuf_puts(out, help);
    strbuf_puts(out, "\n# TYPE ");
    strbuf_puts(out, name);
    strbuf_putc(out, ' ');
    strbuf_puts(out, type);
    strbuf_putc(out, '\n');
}

/* One sample line: name, labels ("" or "{...}"), a value. */
static void sample(struct strbuf *out, const char *name, const char *labels, double v)
{
    char text[40];

    if (v >= 0 && v < 1e15 && v == floor(v))
        snprintf(text, sizeof text, "%.0f", v);
    else if (isinf(v))
        snprintf(text, sizeof text, "%s", v > 0 ? "+Inf" : "-Inf");
    else
        snprintf(text, sizeof text, "%.17g", v);
    strbuf_puts(out, name);
    strbuf_puts(out, labels);
    strbuf_putc(out, ' ');
    strbuf_puts(out, text);
    strbuf_putc(out, '\n');
}

static void one(struct strbuf *out, const char *name, const char *type, const char *help,
                double v)
{
    family(out, name, type, help);
    sample(out, name, "", v);
}

/* The target's own process: CPU of its loop thread (inside hornet, the target's share alone),
 * memory and files of the whole process. */
static void metrics_process(struct strbuf *out, const struct api *a)
{
    struct procstat_pid thread, self;
    struct rlimit rl;
    uint32_t fds = 0;
    long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);

    if (procstat_read_pid("/proc", "thread-self", &thread) == 0 && hz > 0)
        one(out, "process_cpu_seconds_total", "counter",
            "Total user and system CPU time spent in seconds.",
            (double)(thread.utime + thread.stime) / (double)hz);
    if (procstat_read_pid("/proc", "self", &self) == 0) {
        one(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
            (double)self.rss_pages * (double)(page > 0 ? page : 4096));
        one(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
            (double)self.vsize);
    }
    if (procstat_count_fds("/proc", "self", &fds) == 0)
        one(out, "process_open_fds", "gauge", "Number of open file descriptors.", fds);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
        one(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
            rl.rlim_cur == RLIM_INFINITY ? INFINITY : (double)rl.rlim_cur);
    one(out, "process_start_time_seconds", "gauge",
        "Start time of the process since unix epoch in seconds.", a->started);
}

/* django-prometheus: responses per view, method and status, as the target counted them. */
static void metrics_responses(struct strbuf *out, const struct api *a)
{
    static const char name[] = "django_http_responses_total_by_status_view_method_total";
    char labels[160], status[8];

    family(out, name, "counter", "Count of responses by status, view, method.");
    for (int r = 0; r < ROUTE_COUNT; r++) {
        for (int k = 0; k < SERVED_STATUS_SLOTS; k++) {
            uint64_t n = atomic_load_explicit(&a->served->n[r][k], memory_order_relaxed);
            if (!n)
                continue;
            if (served_slot_status(k))
                snprintf(status, sizeof status, "%d", served_slot_status(k));
            else
                snprintf(status, sizeof status, "other");
            snprintf(labels, sizeof labels, "{method=\"%s\",status=\"%s\",view=\"%s\"}",
                     served_route_method((enum target_route)r), status, target_route_names[r]);
            sample(out, name, labels, (double)n);
        }
    }
}

/* django-prometheus: the latency histogram of each view that answered. */
static void metrics_latency(struct strbuf *out, const struct backend *b)
{
    static const char name[] = "django_http_requests_latency_seconds_by_view_method";
    char labels[160], metric[80];

    family(out, name, "histogram", "Histogram of request processing time labelled by view.");
    for (int r = 0; r < ROUTE_COUNT; r++) {
        const char *view = target_route_names[r];
        const char *method = served_route_method((enum target_route)r);
        uint64_t cumulative = 0;
        for (int k = 0; k <= BACKEND_LATENCY_BUCKETS; k++)
            cumulative += b->lat_count[r][k];
        if (!cumulative)
            continue;
        cumulative = 0;
        snprintf(metric, sizeof metric, "%s_bucket", name);
        for (int k = 0; k <= BACKEND_LATENCY_BUCKETS; k++) {
            char le[24];
            cumulative += b->lat_count[r][k];
            if (k < BACKEND_LATENCY_BUCKETS)
                snprintf(le, sizeof le, "%g", backend_latency_bounds[k]);
            snprintf(labels, sizeof labels, "{le=\"%s\",method=\"%s\",view=\"%s\"}",
                     k < BACKEND_LATENCY_BUCKETS ? le : "+Inf", method, view);
            sample(out, metric, labels, (double)cumulative);
        }
        snprintf(labels, sizeof labels, "{method=\"%s\",view=\"%s\"}", method, view);
        snprintf(metric, sizeof metric, "%s_count", name);
        sample(out, metric, labels, (double)cumulative);
        snprintf(metric, sizeof metric, "%s_sum", name);
        sample(out, metric, labels, b->lat_sum[r]);
    }
}

/* postgres_exporter's connection states and pgbouncer_exporter's pool of the app's
 * connections (the line of requests waiting for one is pgbouncer's waiting clients). */
static void metrics_database(struct strbuf *out, const struct backend *b, double now)
{
    static const char *const states[] = {"active", "disabled", "fastpath function call", "idle",
                                         "idle in transaction", "idle in transaction (aborted)"};
    uint32_t idle = b->pool_size > b->in_use ? b->pool_size - b->in_use : 0;
    uint32_t max = b->pool_size > BACKEND_PG_MAX_CONNECTIONS ? b->pool_size
                                                             : BACKEND_PG_MAX_CONNECTIONS;
    char labels[120];

    one(out, "pg_up", "gauge", "Whether the last scrape of metrics from PostgreSQL was able "
        "to connect to the server (1 for yes, 0 for no).", 1);
    one(out, "pg_settings_max_connections", "gauge",
        "Sets the maximum number of concurrent connections.", max);
    family(out, "pg_stat_activity_count", "gauge", "number of connections in this state");
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        snprintf(labels, sizeof labels, "{datname=\"" DB_NAME "\",state=\"%s\"}", states[i]);
        sample(out, "pg_stat_activity_count", labels,
               i == 0 ? b->in_use : i == 3 ? idle : 0);
    }
    family(out, "pgbouncer_pools_client_active_connections", "gauge",
           "Client connections linked to server connection and able to process queries");
    sample(out, "pgbouncer_pools_client_active_connections", DB_LABELS, b->in_use);
    family(out, "pgbouncer_pools_client_waiting_connections", "gauge",
           "Client connections waiting on a server connection");
    sample(out, "pgbouncer_pools_client_waiting_connections", DB_LABELS, b->waiting);
    family(out, "pgbouncer_pools_server_active_connections", "gauge",
           "Server connections linked to a client connection");
    sample(out, "pgbouncer_pools_server_active_connections", DB_LABELS, b->in_use);
    family(out, "pgbouncer_pools_server_idle_connections", "gauge",
           "Server connections idle and ready for a client query");
    sample(out, "pgbouncer_pools_server_idle_connections", DB_LABELS, idle);
    family(out, "pgbouncer_pools_client_maxwait_seconds", "gauge",
           "Age of oldest unserved client connection, in seconds");
    sample(out, "pgbouncer_pools_client_maxwait_seconds", DB_LABELS,
           b->wait_head_since > 0 && now > b->wait_head_since ? now - b->wait_head_since : 0);
    family(out, "pgbouncer_databases_pool_size", "gauge",
           "Maximum number of server connections");
    sample(out, "pgbouncer_databases_pool_size", "{database=\"" DB_NAME "\"}", b->pool_size);
}

static void metrics_redis(struct strbuf *out, const struct api *a)
{
    const struct backend *b = &a->backend;
    uint64_t keys = stored_objects(a);

    for (int k = 0; k < BACKEND_TASK_KINDS; k++)
        keys += b->queued[k] > 0;               /* a queue is a Redis list while non-empty */
    one(out, "redis_up", "gauge", "Information about the Redis instance", 1);
    one(out, "redis_connected_clients", "gauge", "connected_clients metric",
        backend_redis_clients(b));
    one(out, "redis_commands_processed_total", "counter", "commands_processed_total metric",
        (double)b->redis_commands);
    one(out, "redis_memory_used_bytes", "gauge", "memory_used_bytes metric",
        (double)backend_redis_memory(b, stored_objects(a)));
    family(out, "redis_db_keys", "gauge", "Total number of keys by DB");
    sample(out, "redis_db_keys", "{db=\"db0\"}", (double)keys);
}

static void metrics_celery_workers(struct strbuf *out, const struct backend *b)
{
    uint32_t active = backend_active_tasks(b);
    char labels[64];

    family(out, "celery_worker_up", "gauge", "Indicates if a worker has recently sent a "
           "heartbeat.");
    for (uint32_t w = 0; w < b->workers; w++) {
        snprintf(labels, sizeof labels, "{hostname=\"celery@worker-%u\"}", w + 1);
        sample(out, "celery_worker_up", labels, 1);
    }
    family(out, "celery_worker_tasks_active", "gauge", "The number of tasks the worker is "
           "currently processing");
    for (uint32_t w = 0; w < b->workers; w++) {
        snprintf(labels, sizeof labels, "{hostname=\"celery@worker-%u\"}", w + 1);
        sample(out, "celery_worker_tasks_active", labels, w < active);
    }
}

static void metrics_celery(struct strbuf *out, const struct backend *b)
{
    char labels[160];

    metrics_celery_workers(out, b);
    family(out, "celery_queue_length", "gauge", "The number of message in broker queue.");
    for (int k = 0; k < BACKEND_TASK_KINDS; k++) {
        snprintf(labels, sizeof labels, "{queue_name=\"%s\"}", backend_queue_names[k]);
        sample(out, "celery_queue_length", labels, (double)b->queued[k]);
    }
    family(out, "celery_active_worker_count", "gauge", "The number of active workers in "
           "broker queue.");
    for (int k = 0; k < BACKEND_TASK_KINDS; k++) {
        snprintf(labels, sizeof labels, "{queue_name=\"%s\"}", backend_queue_names[k]);
        sample(out, "celery_active_worker_count", labels, b->workers);
    }
    family(out, "celery_task_sent_total", "counter", "Sent when a task message is published.");
    for (int k = 0; k < BACKEND_TASK_KINDS; k++) {
        snprintf(labels, sizeof labels, "{name=\"%s\",queue_name=\"%s\"}",
                 backend_task_names[k], backend_queue_names[k]);
        sample(out, "celery_task_sent_total", labels, (double)b->sent[k]);
    }
    family(out, "celery_task_succeeded_total", "counter", "Sent if the task executed "
           "successfully.");
    for (int k = 0; k < BACKEND_TASK_KINDS; k++) {
        snprintf(labels, sizeof labels, "{name=\"%s\",queue_name=\"%s\"}",
                 backend_task_names[k], backend_queue_names[k]);
        sample(out, "celery_task_succeeded_total", labels, (double)b->succeeded[k]);
    }
}

void api_metrics(struct api *a, const struct api_request *rq, const struct api_match *m,
                 struct strbuf *out, struct api_response *rs)
{
    (void)m;
    backend_advance(&a->backend, rq->now);
    metrics_process(out, a);
    metrics_responses(out, a);
    metrics_latency(out, &a->backend);
    metrics_database(out, &a->backend, rq->now);
    metrics_redis(out, a);
    metrics_celery(out, &a->backend);
    rs->status = 200;
    rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
