/* config: hornet-target's settings: defaults, the --latency and --error-rate arguments, bounds,
 * and the command line. Pure; the caller's thread. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "target.h"

const char *const target_route_names[ROUTE_COUNT] = {
    "health", "auth_token", "deployment_create", "deployment_list", "deployment_get",
    "deployment_patch", "approval_list", "approval_approve", "approval_reject", "approval_bulk",
    "events", "connector_list", "connector_publish", "connector_job", "stats", "metrics",
    "control", "other"
};

const char *const target_plane_names[TARGET_PLANE_COUNT] = {
    "intune", "jamf", "sccm", "landscape", "ansible"
};

/* base, jitter (ms): what a Django app on a database typically takes for each route. */
static const struct target_latency default_latency[ROUTE_COUNT] = {
    [ROUTE_HEALTH] = {0, 0},            [ROUTE_AUTH_TOKEN] = {20, 5},
    [ROUTE_DEPLOYMENT_CREATE] = {10, 3}, [ROUTE_DEPLOYMENT_LIST] = {8, 3},
    [ROUTE_DEPLOYMENT_GET] = {2.5, 1},  [ROUTE_DEPLOYMENT_PATCH] = {8, 3},
    [ROUTE_APPROVAL_LIST] = {6, 2},     [ROUTE_APPROVAL_APPROVE] = {8, 3},
    [ROUTE_APPROVAL_REJECT] = {8, 3},   [ROUTE_APPROVAL_BULK] = {15, 5},
    [ROUTE_EVENTS] = {5, 2},            [ROUTE_CONNECTOR_LIST] = {2, 1},
    [ROUTE_CONNECTOR_PUBLISH] = {10, 4}, [ROUTE_CONNECTOR_JOB] = {2, 0.5},
    [ROUTE_STATS] = {0, 0},             [ROUTE_METRICS] = {0, 0},
    [ROUTE_CONTROL] = {0, 0},           [ROUTE_OTHER] = {1, 0.5},
};

void target_config_defaults(struct target_config *c)
{
    *c = (struct target_config){
        .listen_addr = "127.0.0.1", .port = 8000, .seed = 1, .max_objects = 100000,
        .max_header_bytes = 16 * 1024, .max_body_bytes = 1024 * 1024, .idle_timeout_s = 60,
        .request_timeout_s = 30, .job_phase_s = 0.5, .job_failure_rate = 0.02,
        .db_pool_size = 100, .celery_workers = 4, .celery_rate = 50,
    };
    memcpy(c->latency, default_latency, sizeof c->latency);
}

void target_config_no_latency(struct target_config *c)
{
    memset(c->latency, 0, sizeof c->latency);
}

/* A finite number in [lo, hi] filling all of text. */
static int parse_number(const char *text, double lo, double hi, double *out)
{
    char *end;
    double v;

    if (!*text || strchr(" \t\n", *text))
        return -1;
    errno = 0;
    v = strtod(text, &end);
    if (errno || *end || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Split "NAME=VALUE" and find NAME in names (or "all": -2). The index, or -1. */
static int lookup_name(const char *arg, const char *const *names, int n, const char **value)
{
    const char *eq = strchr(arg, '=');
    size_t len;

    if (!eq)
        return -1;
    len = (size_t)(eq - arg);
    *value = eq + 1;
    if (len == 3 && !strncmp(arg, "all", 3))
        return -2;
    for (int i = 0; i < n; i++) {
        if (strlen(names[i]) == len && !strncmp(arg, names[i], len))
            return i;
    }
    return -1;
}

int target_config_latency(struct target_config *c, const char *arg, char *err, size_t errlen)
{
    const char *value = NULL;
    int r = lookup_name(arg, target_route_names, ROUTE_COUNT, &value);
    char base_text[64];
    const char *comma;
    double base, jitter = 0;

    if (r == -1) {
        snprintf(err, errlen, "--latency: expected ROUTE=BASE_MS[,JITTER_MS] with ROUTE one "
                 "of all, health, auth_token, deployment_create, ... (see --help), got '%s'",
                 arg);
        return -1;
    }
    comma = strchr(value, ',');
    snprintf(base_text, sizeof base_text, "%.*s",
             (int)(comma ? (size_t)(comma - value) : strlen(value)), value);
    if (parse_number(base_text, 0, 3600e3, &base) ||
        (comma && parse_number(comma + 1, 0, 3600e3, &jitter))) {
        snprintf(err, errlen, "--latency: expected milliseconds >= 0 as BASE_MS[,JITTER_MS], "
                 "got '%s'", arg);
        return -1;
    }
    for (int i = 0; i < ROUTE_COUNT; i++) {
        if (r == -2 || r == i)
            c->latency[i] = (struct target_latency){base, jitter};
    }
    return 0;
}

int target_config_error_rate(struct target_config *c, const char *arg, char *err, size_t errlen)
{
    const char *value = NULL;
    int p = lookup_name(arg, target_plane_names, TARGET_PLANE_COUNT, &value);
    double rate;

    if (p == -1) {
        snprintf(err, errlen, "--error-rate: expected PLANE=RATE with PLANE one of all, intune, "
                 "jamf, sccm, landscape, ansible, got '%s'", arg);
        return -1;
    }
    if (parse_number(value, 0, 1, &rate)) {
        snprintf(err, errlen, "--error-rate: expected a rate between 0 and 1, got '%s'", arg);
        return -1;
    }
    for (int i = 0; i < TARGET_PLANE_COUNT; i++) {
        if (p == -2 || p == i)
            c->plane_error_rate[i] = rate;
    }
    return 0;
}

int target_config_stall(struct target_config *c, const char *arg, char *err, size_t errlen)
{
    const char *comma = strchr(arg, ',');
    char first[64];
    double stall, period = 0;

    snprintf(first, sizeof first, "%.*s",
             (int)(comma ? (size_t)(comma - arg) : strlen(arg)), arg);
    if (parse_number(first, 0, TARGET_STALL_PERIOD_LIMIT, &stall) ||
        (comma && parse_number(comma + 1, 0, TARGET_STALL_PERIOD_LIMIT, &period)) ||
        (stall > 0 && !(period > stall))) {
        snprintf(err, errlen, "--stall: expected STALL_S,PERIOD_S with 0 < STALL_S < PERIOD_S "
                 "<= 86400 (or 0: never), got '%s'", arg);
        return -1;
    }
    c->stall_s = stall;
    c->stall_period_s = stall > 0 ? period : 0;
    return 0;
}

int target_config_check(const struct target_config *c, char *err, size_t errlen)
{
    const char *what = NULL;

    if (!c->listen_addr || !*c->listen_addr)
        what = "listen address: empty";
    else if (c->port < 0 || c->port > 65535)
        what = "port: expected 0..65535";
    else if (c->max_objects < 1 || c->max_objects > TARGET_MAX_OBJECTS_LIMIT)
        what = "max objects: expected 1..10000000";
    else if (c->max_header_bytes < 256 || c->max_header_bytes > TARGET_MAX_HEADER_LIMIT)
        what = "max header bytes: expected 256..81920";
    else if (c->max_body_bytes > TARGET_MAX_BODY_LIMIT)
        what = "max body bytes: expected 0..1073741824";
    else if (!(c->idle_timeout_s > 0) || !(c->request_timeout_s > 0))
        what = "timeouts: expected seconds > 0";
    else if (!(c->job_phase_s >= 0) || !(c->job_failure_rate >= 0 && c->job_failure_rate <= 1))
        what = "jobs: expected a phase >= 0 s and a failure rate in 0..1";
    else if (c->db_pool_size < 1 || c->db_pool_size > TARGET_DB_POOL_LIMIT)
        what = "db pool size: expected 1..10000";
    else if (c->celery_workers > TARGET_CELERY_WORKERS_LIMIT)
        what = "celery workers: expected 0..256";
    else if (!(c->celery_rate >= 0 && c->celery_rate <= TARGET_CELERY_RATE_LIMIT))
        what = "celery rate: expected 0..1000000 tasks/s per worker";
    else if (!(c->stall_s >= 0) || (c->stall_s > 0 && !(c->stall_period_s > c->stall_s &&
                                                       c->stall_period_s <=
                                                       TARGET_STALL_PERIOD_LIMIT)))
        what = "stall: expected 0 <= seconds < period <= 86400";
    for (int i = 0; !what && i < ROUTE_COUNT; i++) {
        if (!(c->latency[i].base_ms >= 0) || !(c->latency[i].jitter_ms >= 0))
            what = "latency: expected milliseconds >= 0";
    }
    for (int i = 0; !what && i < TARGET_PLANE_COUNT; i++) {
        if (!(c->plane_error_rate[i] >= 0 && c->plane_error_rate[i] <= 1))
            what = "error rate: expected 0..1";
    }
    if (what)
        snprintf(err, errlen, "%s", what);
    return what ? -1 : 0;
}
