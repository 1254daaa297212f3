/* api: routing, authentication and dispatch of the simulated platform API, the small routes
 * (auth token, _stats) and the helpers the handler files share (bodies, query strings,
 * pagination, errors). Runs on the server's loop thread. */
#include <http_parser.h>
#include <ev.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>
#include "api_internal.h"

const char *const api_user_names[USER_COUNT] = {"loadtest_user", "cab_approver", "publisher_user"};
static const char account_password[] = "loadtest";
const char *const api_decision_names[DECISION_COUNT] = {"pending", "approved", "rejected"};

enum { MAX_SEGS = 4 };
#define NO_ROUTE ROUTE_COUNT      /* a method the path does not take */

/* A path pattern below /api/v1/ ("*": one segment, the argument) and its route per method. */
struct pattern {
    const char *segs[MAX_SEGS];
    enum target_route get, post, patch;
    const char *allow;          /* the Allow header line of a 405 */
};

static bool needs_auth(enum target_route r)
{
    return r != ROUTE_HEALTH && r != ROUTE_AUTH_TOKEN && r != ROUTE_STATS && r != ROUTE_METRICS &&
           r != ROUTE_CONTROL;
}

#define ALLOW_GET "Allow: GET, HEAD\r\n"
#define ALLOW_POST "Allow: POST\r\n"

static const struct pattern patterns[] = {
    {{"health"}, ROUTE_HEALTH, NO_ROUTE, NO_ROUTE, ALLOW_GET},
    {{"auth", "token"}, NO_ROUTE, ROUTE_AUTH_TOKEN, NO_ROUTE, ALLOW_POST},
    {{"deployments"}, ROUTE_DEPLOYMENT_LIST, ROUTE_DEPLOYMENT_CREATE, NO_ROUTE,
     "Allow: GET, POST, HEAD\r\n"},
    {{"deployments", "*"}, ROUTE_DEPLOYMENT_GET, NO_ROUTE, ROUTE_DEPLOYMENT_PATCH,
     "Allow: GET, PATCH, HEAD\r\n"},
    {{"cab", "approvals"}, ROUTE_APPROVAL_LIST, NO_ROUTE, NO_ROUTE, ALLOW_GET},
    {{"cab", "approvals", "bulk-approve"}, NO_ROUTE, ROUTE_APPROVAL_BULK, NO_ROUTE, ALLOW_POST},
    {{"cab", "approvals", "*", "approve"}, NO_ROUTE, ROUTE_APPROVAL_APPROVE, NO_ROUTE, ALLOW_POST},
    {{"cab", "approvals", "*", "reject"}, NO_ROUTE, ROUTE_APPROVAL_REJECT, NO_ROUTE, ALLOW_POST},
    {{"events"}, ROUTE_EVENTS, NO_ROUTE, NO_ROUTE, ALLOW_GET},
    {{"connectors"}, ROUTE_CONNECTOR_LIST, NO_ROUTE, NO_ROUTE, ALLOW_GET},
    {{"connectors", "jobs", "*"}, ROUTE_CONNECTOR_JOB, NO_ROUTE, NO_ROUTE, ALLOW_GET},
    {{"connectors", "*", "publish"}, NO_ROUTE, ROUTE_CONNECTOR_PUBLISH, NO_ROUTE, ALLOW_POST},
    {{"_stats"}, ROUTE_STATS, NO_ROUTE, NO_ROUTE, ALLOW_GET},
    {{"_control"}, ROUTE_CONTROL, ROUTE_CONTROL, NO_ROUTE, "Allow: GET, POST, HEAD\r\n"},
};

struct seg {
    const char *p;
    size_t n;
};

/* Split "a/b/c/" into segments; -1 unless every segment is non-empty and the path ends in
 * '/' (no APPEND_SLASH: a missing trailing slash is a 404, as in Django without it). */
static int split_path(const char *s, size_t n, struct seg *segs)
{
    int count = 0;
    size_t start = 0;

    if (n == 0 || s[n - 1] != '/')
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '/')
            continue;
        if (i == start || count == MAX_SEGS)
            return -1;
        segs[count++] = (struct seg){s + start, i - start};
        start = i + 1;
    }
    return count;
}

static bool pattern_match(const struct pattern *p, const struct seg *segs, int n,
                          struct api_match *m)
{
    int k = 0;

    for (; k < MAX_SEGS && p->segs[k]; k++) {
        if (k >= n)
            return false;
        if (p->segs[k][0] == '*') {
            m->arg = segs[k].p;
            m->arg_len = segs[k].n;
        } else if (strlen(p->segs[k]) != segs[k].n || memcmp(p->segs[k], segs[k].p, segs[k].n)) {
            return false;
        }
    }
    return k == n;
}

static void route_method(const struct pattern *p, int method, struct api_match *m)
{
    enum target_route r = NO_ROUTE;

    if (method == HTTP_GET || method == HTTP_HEAD)
        r = p->get;
    else if (method == HTTP_POST)
        r = p->post;
    else if (method == HTTP_PATCH)
        r = p->patch;
    m->allow = p->allow;
    if (r == NO_ROUTE) {
        m->route = ROUTE_OTHER;
        m->status = 405;
        m->open = !needs_auth(p->get) || !needs_auth(p->post);
    } else {
        m->route = r;
        m->open = !needs_auth(r);
    }
}

void api_route(const struct api_request *rq, struct api_match *m)
{
    static const char prefix[] = "/api/v1/";
    struct seg segs[MAX_SEGS];
    int n;

    *m = (struct api_match){.route = ROUTE_OTHER, .status = 404, .open = true};
    if (rq->path_len == 15 && !memcmp(rq->path, "/api/v1/health/", 15) &&
        (rq->method == HTTP_GET || rq->method == HTTP_HEAD)) {
        *m = (struct api_match){.route = ROUTE_HEALTH, .open = true};
        return;
    }
    if (rq->path_len == 8 && !memcmp(rq->path, "/metrics", 8)) {
        bool get = rq->method == HTTP_GET || rq->method == HTTP_HEAD;
        *m = (struct api_match){.route = get ? ROUTE_METRICS : ROUTE_OTHER, .status = get ? 0 : 405,
                                .allow = ALLOW_GET, .open = true};
        return;
    }
    if (rq->path_len < sizeof prefix || memcmp(rq->path, prefix, sizeof prefix - 1))
        return;
    n = split_path(rq->path + sizeof prefix - 1, rq->path_len - (sizeof prefix - 1), segs);
    for (size_t i = 0; n > 0 && i < sizeof patterns / sizeof patterns[0]; i++) {
        if (pattern_match(&patterns[i], segs, n, m)) {
            m->status = 0;
            route_method(&patterns[i], rq->method, m);
            return;
        }
    }
}

struct api *api_create(const struct target_config *c, struct served *served)
{
    static const char hex[] = "0123456789abcdef";
    struct api *a = calloc(1, sizeof *a);
    uint32_t max;

    if (!a)
        return NULL;
    a->cfg = *c;
    a->served = served;
    a->started = (double)time(NULL);
    a->stall_anchor = ev_time();
    /* The queues start empty, so the clock base does not matter: the first advance sets it. */
    backend_init(&a->backend, c->db_pool_size, c->celery_workers, c->celery_rate, 0);
    prng_seed(&a->prng, c->seed);
    for (int u = 0; u < USER_COUNT; u++) {
        for (int i = 0; i < TOKEN_LEN; i++)
            a->tokens[u][i] = hex[prng_next(&a->prng) >> 60];
    }
    max = c->max_objects ? c->max_objects : 1;
    if (store_table_init(&a->deployments, sizeof(struct deployment), max, true, true,
                         api_deployment_free) ||
        store_table_init(&a->approvals, sizeof(struct approval), max, true, true, NULL) ||
        store_table_init(&a->jobs, sizeof(struct job), max, true, false, NULL) ||
        store_table_init(&a->events, sizeof(struct event), max, false, false, NULL)) {
        api_destroy(a);
        return NULL;
    }
    return a;
}

void api_destroy(struct api *a)
{
    if (!a)
        return;
    store_table_free(&a->deployments);
    store_table_free(&a->approvals);
    store_table_free(&a->jobs);
    store_table_free(&a->events);
    free(a);
}

struct backend *api_backend(struct api *a)
{
    return &a->backend;
}

/* The token of a test account ("loadtest_user", ...), or NULL. */
static const char *account_token(const struct api *a, const char *username)
{
    for (int u = 0; u < USER_COUNT; u++) {
        if (!strcmp(api_user_names[u], username))
            return a->tokens[u];
    }
    return NULL;
}

double api_delay(struct api *a, enum target_route route)
{
    const struct target_latency *l = &a->cfg.latency[route];

    if (l->base_ms <= 0 && l->jitter_ms <= 0)
        return 0;
    return (l->base_ms + prng_exponential(&a->prng, l->jitter_ms)) / 1000.0;
}

double api_stall_wait(const struct api *a, enum target_route route, double answer_at)
{
    double stall = a->cfg.stall_s, period = a->cfg.stall_period_s, phase;

    if (!(stall > 0) || !(period > stall) || route == ROUTE_CONTROL)
        return 0;
    phase = fmod(answer_at - a->stall_anchor, period);
    if (phase < 0)
        phase += period;
    return phase >= period - stall ? period - phase : 0;
}

/* DRF's TokenAuthentication: "Token <key>". The user index, or -1 (missing) / -2 (wrong). */
static int authenticate(const struct api *a, const struct api_request *rq)
{
    if (!rq->auth || rq->auth_len < 6 || strncasecmp(rq->auth, "token ", 6))
        return -1;
    if (rq->auth_len == 6 + TOKEN_LEN) {
        for (int u = 0; u < USER_COUNT; u++) {
            if (!memcmp(rq->auth + 6, a->tokens[u], TOKEN_LEN))
                return u;
        }
    }
    return -2;
}

static void handle_stats(struct api *a, const struct api_request *rq,
                         const struct api_match *m, struct strbuf *out, struct api_response *rs)
{
    (void)rq, (void)m;
    served_json(a->served, out);
    rs->status = 200;
}

/* A string member of obj: its value, NULL after recording "field": ["..."] in errs. */
static const char *string_member(cJSON *obj, const char *key, struct strbuf *errs)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    const char *msg = NULL;

    if (!v)
        msg = "This field is required.";
    else if (cJSON_IsNull(v))
        msg = "This field may not be null.";
    else if (!cJSON_IsString(v))
        msg = "Not a valid string.";
    else if (!*v->valuestring)
        msg = "This field may not be blank.";
    if (!msg)
        return v->valuestring;
    strbuf_puts(errs, errs->len ? ", " : "{");
    jsonw_key(errs, key);
    strbuf_puts(errs, "[\"");
    strbuf_puts(errs, msg);
    strbuf_puts(errs, "\"]");
    return NULL;
}

static void handle_auth(struct api *a, const struct api_request *rq,
                        const struct api_match *m, struct strbuf *out, struct api_response *rs)
{
    struct strbuf errs = {0};
    cJSON *body = api_body_object(rq, out, rs);
    const char *user, *password;

    (void)m;
    if (!body)
        return;
    user = string_member(body, "username", &errs);
    password = string_member(body, "password", &errs);
    if (errs.len) {
        strbuf_putc(&errs, '}');
        strbuf_append(out, errs.data, errs.len);
        rs->status = 400;
    } else if (!account_token(a, user) || strcmp(password, account_password)) {
        api_error(out, rs, 401, "Invalid credentials.");
    } else {
        strbuf_puts(out, "{\"token\": \"");
        strbuf_puts(out, account_token(a, user));
        strbuf_puts(out, "\"}");
        rs->status = 200;
    }
    strbuf_free(&errs);
    cJSON_Delete(body);
}

static api_handler *const handlers[ROUTE_COUNT] = {
    [ROUTE_HEALTH] = api_health,
    [ROUTE_AUTH_TOKEN] = handle_auth,
    [ROUTE_DEPLOYMENT_CREATE] = api_deployment_create,
    [ROUTE_DEPLOYMENT_LIST] = api_deployment_list,
    [ROUTE_DEPLOYMENT_GET] = api_deployment_get,
    [ROUTE_DEPLOYMENT_PATCH] = api_deployment_patch,
    [ROUTE_APPROVAL_LIST] = api_approval_list,
    [ROUTE_APPROVAL_APPROVE] = api_approval_approve,
    [ROUTE_APPROVAL_REJECT] = api_approval_reject,
    [ROUTE_APPROVAL_BULK] = api_approval_bulk,
    [ROUTE_EVENTS] = api_event_list,
    [ROUTE_CONNECTOR_LIST] = api_connector_list,
    [ROUTE_CONNECTOR_PUBLISH] = api_connector_publish,
    [ROUTE_CONNECTOR_JOB] = api_connector_job,
    [ROUTE_STATS] = handle_stats,
    [ROUTE_METRICS] = api_metrics,
    [ROUTE_CONTROL] = api_control,
};

static void dispatch(struct api *a, const struct api_request *rq, const struct api_match *m,
                     struct strbuf *out, struct api_response *rs)
{
    int user = 0;

    *rs = (struct api_response){0};
    if (m->status == 404 || (!m->status && !handlers[m->route])) {
        api_error(out, rs, 404, "Not found.");
        return;
    }
    if (!m->open) {
        user = authenticate(a, rq);
        if (user < 0) {
            api_error(out, rs, 401, user == -1 ? "Authentication credentials were not provided."
                                               : "Invalid token.");
            rs->headers = "WWW-Authenticate: Token\r\n";
            return;
        }
    }
    a->user = (uint8_t)user;
    if (m->status == 405) {
        strbuf_puts(out, "{\"detail\": \"Method \\\"");
        strbuf_puts(out, http_method_str((enum http_method)rq->method));
        strbuf_puts(out, "\\\" not allowed.\"}");
        rs->status = 405;
        rs->headers = m->allow;
        return;
    }
    handlers[m->route](a, rq, m, out, rs);
}

void api_handle(struct api *a, const struct api_request *rq, const struct api_match *m,
                struct strbuf *out, struct api_response *rs)
{
    dispatch(a, rq, m, out, rs);
    backend_request(&a->backend, m->route, rs->status);
}
