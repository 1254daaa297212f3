/* Tests of the target's simulated backend through HTTP, against targets started in-process on
 * 127.0.0.1:0: GET /metrics parsed with engine/promtext (its counters equal what the target
 * served), the database pool's in-use following in-flight requests and the line of waiting
 * requests when it is exhausted (with the latency that adds), Celery queues growing with
 * created deployments and publish jobs and draining only with workers, the health JSON's
 * components, POST /api/v1/_control/ changing knobs live (the stall too), and the command-line
 * knobs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include "promtext.h"
#include "promtext_internal.h"
#include "target/target.h"
#include "target/target_internal.h"
#include "waits.h"

struct reply {
    long status;
    char *body;
    size_t len;
    char headers[2048];
    size_t headers_len;
};

static size_t body_cb(char *p, size_t size, size_t n, void *arg)
{
    struct reply *r = arg;
    char *grown = realloc(r->body, r->len + size * n + 1);

    assert_non_null(grown);
    r->body = grown;
    memcpy(r->body + r->len, p, size * n);
    r->len += size * n;
    r->body[r->len] = '\0';
    return size * n;
}

static size_t header_cb(char *p, size_t size, size_t n, void *arg)
{
    struct reply *r = arg;
    size_t k = size * n;

    if (r->headers_len + k < sizeof r->headers) {
        memcpy(r->headers + r->headers_len, p, k);
        r->headers_len += k;
        r->headers[r->headers_len] = '\0';
    }
    return k;
}

/* An easy handle for one request (its own connection unless reused by the caller). */
static CURL *request(int port, const char *method, const char *path, const char *token,
                     const char *body, struct reply *r, struct curl_slist **hdrs)
{
    char url[512], auth[128];
    CURL *c = curl_easy_init();

    assert_non_null(c);
    memset(r, 0, sizeof *r);
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    *hdrs = NULL;
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        *hdrs = curl_slist_append(*hdrs, "Content-Type: application/json");
    }
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Token %s", token);
        *hdrs = curl_slist_append(*hdrs, auth);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdrs);
    return c;
}

static long call(int port, const char *method, const char *path, const char *token,
                 const char *body, struct reply *r)
{
    struct curl_slist *hdrs;
    CURL *c = request(port, method, path, token, body, r, &hdrs);

    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return r->status;
}

static cJSON *call_json(int port, const char *method, const char *path, const char *token,
                        const char *body, long status)
{
    struct reply r;
    cJSON *json;

    assert_int_equal(call(port, method, path, token, body, &r), status);
    json = cJSON_Parse(r.body ? r.body : "");
    if (!json)
        fail_msg("%s %s: not JSON: %s", method, path, r.body ? r.body : "(empty)");
    free(r.body);
    return json;
}

static double jnum(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (!cJSON_IsNumber(v))
        fail_msg("%s: not a number", key);
    return v->valuedouble;
}

static const cJSON *jobj(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (!v)
        fail_msg("%s: missing", key);
    return v;
}

static struct target *start(struct target_config *c, int *port)
{
    char err[256] = "";
    struct target *t;

    c->port = 0;
    c->quiet = true;
    t = target_start(c, err, sizeof err);
    if (!t)
        fail_msg("target_start: %s", err);
    *port = target_port(t);
    return t;
}

static void login(int port, char *token, size_t size)
{
    cJSON *j = call_json(port, "POST", "/api/v1/auth/token/", NULL,
                         "{\"username\": \"loadtest_user\", \"password\": \"loadtest\"}", 200);

    snprintf(token, size, "%s", cJSON_GetObjectItem(j, "token")->valuestring);
    cJSON_Delete(j);
}

static void create_deployment(int port, const char *token, char *id, size_t size)
{
    cJSON *j = call_json(port, "POST", "/api/v1/deployments/", token,
                         "{\"name\": \"firefox\", \"version\": \"128.0\"}", 201);

    snprintf(id, size, "%s", cJSON_GetObjectItem(j, "id")->valuestring);
    cJSON_Delete(j);
}

static void publish(int port, const char *token, const char *id)
{
    char body[128];
    cJSON *j;

    snprintf(body, sizeof body, "{\"deployment_id\": \"%s\"}", id);
    j = call_json(port, "POST", "/api/v1/connectors/jamf/publish/", token, body, 202);
    cJSON_Delete(j);
}

/* --- scraping /metrics --- */

struct scrape {
    char *body;
    size_t len;
    struct promtext_stats stats;
};

static void scrape(int port, struct scrape *s)
{
    struct reply r;

    assert_int_equal(call(port, "GET", "/metrics", NULL, NULL, &r), 200);
    assert_non_null(strstr(r.headers, "Content-Type: text/plain; version=0.0.4; "
                                      "charset=utf-8\r\n"));
    s->body = r.body;
    s->len = r.len;
}

/* One selector's value in a scraped body; the body must parse without a skipped line. */
static struct promtext_value value(struct scrape *s, const char *selector)
{
    char err[200];
    struct promtext_selector *sel = promtext_compile(selector, err, sizeof err);
    const struct promtext_selector *sels[1] = {sel};
    struct promtext_value v;

    if (!sel)
        fail_msg("%s: %s", selector, err);
    promtext_eval(sels, 1, s->body, s->len, &v, &s->stats);
    promtext_free(sel);
    if (s->stats.skipped || s->stats.truncated)
        fail_msg("/metrics: line %u is not exposition text", s->stats.first_skipped);
    return v;
}

static double sum(struct scrape *s, const char *selector)
{
    return value(s, selector).sum;
}

/* Scrape once and return one selector's sum. */
static double metric(int port, const char *selector)
{
    struct scrape s;
    double v;

    scrape(port, &s);
    v = sum(&s, selector);
    free(s.body);
    return v;
}

/* --- /metrics and its counters --- */

static const int statuses[] = {200, 201, 202, 400, 401, 404, 405, 409, 503};

/* Every response counter of the body equals the target's own count (the scrape itself is
 * counted after its body was written). */
static void check_response_counters(struct target *t, struct scrape *s)
{
    char sel[200];

    for (int r = 0; r < ROUTE_COUNT; r++) {
        for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
            uint64_t want = target_count(t, (enum target_route)r, statuses[k]);
            struct promtext_value v;
            if (r == ROUTE_METRICS && statuses[k] == 200)
                want--;
            snprintf(sel, sizeof sel, "django_http_responses_total_by_status_view_method_total"
                     "{view=\"%s\",status=\"%d\"}", target_route_names[r], statuses[k]);
            v = value(s, sel);
            if (v.sum != (double)want || v.matched != (want > 0))
                fail_msg("%s: %g over %u series, the target counted %llu", sel, v.sum,
                         v.matched, (unsigned long long)want);
        }
    }
}

static void test_metrics(void **state)
{
    struct target_config c;
    struct target *t;
    struct scrape s;
    struct promtext_value v;
    struct reply r;
    char token[64], id[64];
    int port;

    (void)state;
    target_config_defaults(&c);
    target_config_no_latency(&c);
    c.celery_workers = 0;               /* tasks stay queued: the counts below are exact */
    t = start(&c, &port);
    for (int i = 0; i < 3; i++)
        cJSON_Delete(call_json(port, "GET", "/api/v1/health/", NULL, NULL, 200));
    login(port, token, sizeof token);
    create_deployment(port, token, id, sizeof id);
    create_deployment(port, token, id, sizeof id);
    assert_int_equal(call(port, "GET", "/api/v1/deployments/", "wrong", NULL, &r), 401);
    free(r.body);
    assert_int_equal(call(port, "GET", "/nope/", NULL, NULL, &r), 404);
    free(r.body);

    scrape(port, &s);
    check_response_counters(t, &s);
    v = value(&s, "django_http_requests_latency_seconds_by_view_method_count{view=\"health\"}");
    assert_true(v.sum == 3 && v.type == PROMTEXT_HISTOGRAM);
    assert_true(sum(&s, "django_http_requests_latency_seconds_by_view_method_bucket"
                        "{view=\"deployment_create\",le=\"+Inf\"}") == 2);
    /* Redis: 3 PINGs, 2 for the login, 3 per create, 2 for the 401, one LPUSH per task. */
    assert_true(sum(&s, "redis_commands_processed_total") == 3 + 2 + 2 * 3 + 2 + 2);
    assert_true(sum(&s, "redis_memory_used_bytes") == 1000000 + 4 * 400 + 2 * 1500);
    assert_true(sum(&s, "redis_connected_clients") == 2);
    assert_true(sum(&s, "celery_queue_length{queue_name=\"celery\"}") == 2);
    assert_true(sum(&s, "celery_task_sent_total") == 2);
    assert_true(value(&s, "celery_worker_up").matched == 0);
    assert_true(sum(&s, "pg_stat_activity_count{datname=\"eucora\",state=\"active\"}") == 0);
    assert_true(sum(&s, "pg_stat_activity_count{datname=\"eucora\",state=\"idle\"}") == 100);
    assert_true(sum(&s, "pg_settings_max_connections") == 100);
    v = value(&s, "process_cpu_seconds_total");
    assert_true(v.matched == 1 && v.sum >= 0 && v.type == PROMTEXT_COUNTER);
    assert_true(sum(&s, "process_resident_memory_bytes") > 0);
    assert_true(sum(&s, "process_open_fds") >= 3);
    assert_true(sum(&s, "{__name__=~\"pg_up|redis_up\"}") == 2);
    free(s.body);

    assert_int_equal(call(port, "HEAD", "/metrics", NULL, NULL, &r), 200);
    assert_null(r.body);
    assert_int_equal(call(port, "POST", "/metrics", NULL, "{}", &r), 405);
    free(r.body);
    assert_int_equal(target_count(t, ROUTE_OTHER, 405), 1);
    assert_int_equal(target_count(t, ROUTE_METRICS, 200), 2);
    target_stop(t);
}

/* --- the database pool --- */

enum { SLOW = 5 };

/* Requests in flight at once, each on its own connection. */
struct flight {
    CURLM *multi;
    CURL *easy[SLOW];
    struct reply reply[SLOW];
    struct curl_slist *hdrs[SLOW];
    double seconds[SLOW];
    int n, running;
};

static void flight_start(struct flight *f, int n, int port, const char *path, const char *token)
{
    memset(f, 0, sizeof *f);
    f->multi = curl_multi_init();
    f->n = n;
    for (int i = 0; i < n; i++) {
        f->easy[i] = request(port, "GET", path, token, NULL, &f->reply[i], &f->hdrs[i]);
        curl_easy_setopt(f->easy[i], CURLOPT_FORBID_REUSE, 1L);
        curl_multi_add_handle(f->multi, f->easy[i]);
    }
}

/* Drive the transfers for up to ms milliseconds; true when all are done. */
static bool flight_pump(struct flight *f, int ms)
{
    CURLMsg *msg;
    int left;

    curl_multi_perform(f->multi, &f->running);
    if (f->running)
        curl_multi_poll(f->multi, NULL, 0, ms, NULL);
    curl_multi_perform(f->multi, &f->running);
    while ((msg = curl_multi_info_read(f->multi, &left))) {
        for (int i = 0; i < f->n; i++) {
            if (msg->easy_handle == f->easy[i] && msg->msg == CURLMSG_DONE) {
                assert_int_equal(msg->data.result, CURLE_OK);
                curl_easy_getinfo(f->easy[i], CURLINFO_TOTAL_TIME, &f->seconds[i]);
                curl_easy_getinfo(f->easy[i], CURLINFO_RESPONSE_CODE, &f->reply[i].status);
            }
        }
    }
    return f->running == 0;
}

/* Abandon transfer i (its connection is closed). */
static void flight_drop(struct flight *f, int i)
{
    curl_multi_remove_handle(f->multi, f->easy[i]);
    curl_easy_cleanup(f->easy[i]);
    f->easy[i] = NULL;
}

static void flight_end(struct flight *f)
{
    for (int i = 0; i < f->n; i++) {
        if (f->easy[i]) {
            curl_multi_remove_handle(f->multi, f->easy[i]);
            curl_easy_cleanup(f->easy[i]);
        }
        curl_slist_free_all(f->hdrs[i]);
        free(f->reply[i].body);
    }
    curl_multi_cleanup(f->multi);
}

/* Pump the flight until the pool shows in_use and waiting (deadline 5 s). */
static void wait_pool(struct flight *f, int port, double in_use, double waiting)
{
    double deadline = waits_now() + 5, a = -1, w = -1;
    struct scrape s;

    while (waits_now() < deadline) {
        flight_pump(f, 5);
        scrape(port, &s);
        a = sum(&s, "pg_stat_activity_count{state=\"active\"}");
        w = sum(&s, "pgbouncer_pools_client_waiting_connections{database=\"eucora\"}");
        free(s.body);
        if (a == in_use && w == waiting)
            return;
    }
    fail_msg("pool: %g in use and %g waiting, want %g and %g", a, w, in_use, waiting);
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;

    return (a > b) - (a < b);
}

static void test_pool_queues(void **state)
{
    struct target_config c;
    struct target *t;
    struct flight f;
    struct scrape s;
    char token[64], id[64], path[128];
    double deadline;
    cJSON *health;
    int port;

    (void)state;
    target_config_defaults(&c);
    target_config_no_latency(&c);
    c.latency[ROUTE_DEPLOYMENT_GET] = (struct target_latency){300, 0};
    c.db_pool_size = 2;
    t = start(&c, &port);
    login(port, token, sizeof token);
    create_deployment(port, token, id, sizeof id);
    snprintf(path, sizeof path, "/api/v1/deployments/%s/", id);

    flight_start(&f, SLOW, port, path, token);
    wait_pool(&f, port, 2, 3);          /* two hold a connection, three wait for one */
    health = call_json(port, "GET", "/api/v1/health/", NULL, NULL, 200);
    const cJSON *db = jobj(jobj(health, "components"), "database");
    assert_string_equal(jobj(db, "status")->valuestring, "degraded");
    assert_true(jnum(db, "in_use") == 2 && jnum(db, "waiting") == 3 && jnum(db, "pool_size") == 2);
    cJSON_Delete(health);
    assert_true(metric(port, "redis_connected_clients") == 2 + 4 + 5);
    assert_true(metric(port, "pgbouncer_pools_client_maxwait_seconds") >= 0);

    deadline = waits_now() + 10;
    while (!flight_pump(&f, 50) && waits_now() < deadline)
        ;
    assert_int_equal(f.running, 0);
    for (int i = 0; i < SLOW; i++)
        assert_int_equal(f.reply[i].status, 200);
    /* Two at a time, 0.3 s each: the waves end at 0.3, 0.6 and 0.9 s at the earliest. */
    qsort(f.seconds, SLOW, sizeof f.seconds[0], by_value);
    assert_true(f.seconds[0] >= 0.29 && f.seconds[2] >= 0.59 && f.seconds[4] >= 0.89);
    flight_end(&f);

    scrape(port, &s);
    assert_true(sum(&s, "pg_stat_activity_count{state=\"active\"}") == 0);
    assert_true(sum(&s, "pgbouncer_pools_client_waiting_connections") == 0);
    assert_true(sum(&s, "pgbouncer_pools_server_idle_connections") == 2);
    /* The server's own latency includes the wait for a connection. */
    assert_true(sum(&s, "django_http_requests_latency_seconds_by_view_method_count"
                        "{view=\"deployment_get\"}") == SLOW);
    assert_true(sum(&s, "django_http_requests_latency_seconds_by_view_method_bucket"
                        "{view=\"deployment_get\",le=\"0.25\"}") == 0);
    assert_true(sum(&s, "django_http_requests_latency_seconds_by_view_method_bucket"
                        "{view=\"deployment_get\",le=\"0.5\"}") <= 2);
    assert_true(sum(&s, "django_http_requests_latency_seconds_by_view_method_bucket"
                        "{view=\"deployment_get\",le=\"0.75\"}") <= 4);
    free(s.body);
    assert_int_equal(target_count(t, ROUTE_DEPLOYMENT_GET, 200), SLOW);
    target_stop(t);
}

/* A waiting request whose client leaves gives up its place; one holding a connection gives it
 * back; neither is counted as served. */
static void test_pool_abandon(void **state)
{
    struct target_config c;
    struct target *t;
    struct flight f;
    char token[64], id[64], path[128];
    double deadline;
    int port;

    (void)state;
    target_config_defaults(&c);
    target_config_no_latency(&c);
    c.latency[ROUTE_DEPLOYMENT_GET] = (struct target_latency){2000, 0};
    c.db_pool_size = 1;
    t = start(&c, &port);
    login(port, token, sizeof token);
    create_deployment(port, token, id, sizeof id);
    snprintf(path, sizeof path, "/api/v1/deployments/%s/", id);

    flight_start(&f, 3, port, path, token);
    wait_pool(&f, port, 1, 2);
    flight_drop(&f, 0);                 /* the first to arrive (holding or waiting) */
    flight_drop(&f, 1);
    deadline = waits_now() + 5;
    while (metric(port, "pgbouncer_pools_client_waiting_connections") != 0 &&
           waits_now() < deadline)
        flight_pump(&f, 5);
    assert_true(metric(port, "pg_stat_activity_count{state=\"active\"}") == 1);
    assert_true(metric(port, "pgbouncer_pools_client_waiting_connections") == 0);
    deadline = waits_now() + 10;
    while (!flight_pump(&f, 50) && waits_now() < deadline)
        ;
    assert_int_equal(f.reply[2].status, 200);
    flight_end(&f);
    assert_int_equal(target_count(t, ROUTE_DEPLOYMENT_GET, 200), 1);
    assert_true(metric(port, "pg_stat_activity_count{state=\"active\"}") == 0);
    target_stop(t);
}

/* --- Celery --- */

static void test_celery_queue(void **state)
{
    struct target_config c;
    struct target *t;
    struct scrape s;
    char token[64], id[64];
    double deadline, left = -1;
    cJSON *j;
    int port;

    (void)state;
    target_config_defaults(&c);
    target_config_no_latency(&c);
    c.celery_workers = 0;
    c.celery_rate = 1000;
    t = start(&c, &port);
    login(port, token, sizeof token);
    for (int i = 0; i < 3; i++)
        create_deployment(port, token, id, sizeof id);
    publish(port, token, id);
    publish(port, token, id);
    scrape(port, &s);
    assert_true(sum(&s, "celery_queue_length{queue_name=\"celery\"}") == 3);
    assert_true(sum(&s, "celery_queue_length{queue_name=\"connectors\"}") == 2);
    assert_true(sum(&s, "celery_task_sent_total{name=\"connectors.tasks.publish_to_plane\"}") == 2);
    free(s.body);
    /* Let 0.2 s pass, in which one worker at this rate would drain them 40 times over. */
    for (double until = waits_now() + 0.2; waits_now() < until; )
        waits_pause();
    assert_true(metric(port, "celery_queue_length") == 5);
    j = call_json(port, "GET", "/api/v1/health/", NULL, NULL, 200);
    const cJSON *celery = jobj(jobj(j, "components"), "celery");
    assert_string_equal(jobj(celery, "status")->valuestring, "down");
    assert_true(jnum(celery, "queue_length") == 5 && jnum(celery, "workers") == 0);
    assert_true(jnum(jobj(celery, "queues"), "connectors") == 2);
    cJSON_Delete(j);

    cJSON_Delete(call_json(port, "POST", "/api/v1/_control/", NULL, "{\"celery_workers\": 2}",
                           200));
    deadline = waits_now() + 5;
    while ((left = metric(port, "celery_queue_length")) > 0 && waits_now() < deadline)
        waits_pause();
    assert_true(left == 0);
    scrape(port, &s);
    assert_true(sum(&s, "celery_task_succeeded_total") == 5);
    assert_true(value(&s, "celery_worker_up{hostname=~\"celery@worker-[0-9]+\"}").matched == 2);
    assert_true(sum(&s, "redis_db_keys{db=\"db0\"}") == 3 + 3 + 2);
    free(s.body);
    /* New tasks drain too. */
    create_deployment(port, token, id, sizeof id);
    deadline = waits_now() + 5;
    while ((left = metric(port, "celery_task_succeeded_total")) < 6 && waits_now() < deadline)
        waits_pause();
    assert_true(left == 6);
    target_stop(t);
}

/* --- the control route --- */

static void expect_control_error(int port, const char *body, const char *key, const char *msg)
{
    cJSON *j = call_json(port, "POST", "/api/v1/_control/", NULL, body, 400);
    const cJSON *list = jobj(j, key);

    assert_true(cJSON_IsArray(list));
    assert_string_equal(cJSON_GetArrayItem(list, 0)->valuestring, msg);
    cJSON_Delete(j);
}

static void test_control(void **state)
{
    struct target_config c;
    struct target *t;
    cJSON *j;
    int port;

    (void)state;
    target_config_defaults(&c);
    target_config_no_latency(&c);
    t = start(&c, &port);
    j = call_json(port, "GET", "/api/v1/_control/", NULL, NULL, 200);
    assert_true(jnum(j, "db_pool_size") == 100 && jnum(j, "celery_workers") == 4);
    assert_true(jnum(j, "celery_rate") == 50);
    cJSON_Delete(j);

    j = call_json(port, "POST", "/api/v1/_control/", NULL,
                  "{\"db_pool_size\": 7, \"celery_rate\": 2.5}", 200);
    assert_true(jnum(j, "db_pool_size") == 7 && jnum(j, "celery_rate") == 2.5);
    assert_true(jnum(j, "celery_workers") == 4);
    cJSON_Delete(j);
    assert_true(metric(port, "pgbouncer_databases_pool_size") == 7);
    assert_true(metric(port, "pg_stat_activity_count{state=\"idle\"}") == 7);

    expect_control_error(port, "{\"celery_workers\": 257}", "celery_workers",
                         "Ensure this value is less than or equal to 256.");
    expect_control_error(port, "{\"db_pool_size\": 9, \"celery_workers\": -1}", "celery_workers",
                         "Ensure this value is greater than or equal to 0.");
    expect_control_error(port, "{\"db_pool_size\": 2.5}", "db_pool_size",
                         "A valid integer is required.");
    expect_control_error(port, "{\"celery_rate\": \"fast\"}", "celery_rate",
                         "A valid number is required.");
    expect_control_error(port, "{\"stal\": true}", "stal", "Unknown setting: expected one of "
                         "db_pool_size, celery_workers, celery_rate, stall, cab_auto_approve, "
                         "plane_error_rate.");
    expect_control_error(port, "{\"stall\": [2, 1]}", "stall", "Expected [stall_seconds, "
                         "period_seconds] with 0 < stall < period <= 86400, or 0 for none.");
    expect_control_error(port, "{\"cab_auto_approve\": 1}", "cab_auto_approve",
                         "Must be a valid boolean.");
    expect_control_error(port, "{\"plane_error_rate\": {\"zune\": 1}}", "plane_error_rate",
                         "\"zune\" is not a plane: expected intune, jamf, sccm, landscape or "
                         "ansible.");
    expect_control_error(port, "{\"plane_error_rate\": {\"jamf\": 2}}", "plane_error_rate",
                         "Ensure this value is less than or equal to 1.");
    j = call_json(port, "POST", "/api/v1/_control/", NULL, "[1]", 400);
    cJSON_Delete(j);
    j = call_json(port, "POST", "/api/v1/_control/", NULL, "{nope", 400);
    cJSON_Delete(j);
    /* Nothing of a refused body was applied. */
    assert_true(metric(port, "pgbouncer_databases_pool_size") == 7);
    assert_int_equal(target_count(t, ROUTE_CONTROL, 200), 2);
    assert_int_equal(target_count(t, ROUTE_CONTROL, 400), 11);
    target_stop(t);
}

/* Seconds a health request takes now. */
static double health_time(int port)
{
    struct reply r;
    double start = waits_now();

    assert_int_equal(call(port, "GET", "/api/v1/health/", NULL, NULL, &r), 200);
    free(r.body);
    return waits_now() - start;
}

/* The stall knob: answers due during the last 0.4 s of each 0.8 s period (counted from the
 * POST) wait for the period's end; the control route answers at once, even during a stall,
 * and switches it off. */
static void test_stall(void **state)
{
    struct target_config c;
    struct target *t;
    double set, took;
    cJSON *j;
    int port;

    (void)state;
    target_config_defaults(&c);
    target_config_no_latency(&c);
    t = start(&c, &port);
    j = call_json(port, "GET", "/api/v1/_control/", NULL, NULL, 200);
    assert_true(cJSON_GetArraySize(jobj(j, "stall")) == 2);
    assert_true(cJSON_GetArrayItem(jobj(j, "stall"), 0)->valuedouble == 0);
    cJSON_Delete(j);
    set = waits_now();
    j = call_json(port, "POST", "/api/v1/_control/", NULL, "{\"stall\": [0.4, 0.8]}", 200);
    assert_true(cJSON_GetArrayItem(jobj(j, "stall"), 1)->valuedouble == 0.8);
    cJSON_Delete(j);
    assert_true(health_time(port) < 0.2);               /* before the first stall */
    while (waits_now() < set + 0.45)
        waits_pause();
    took = health_time(port);                           /* inside [0.4, 0.8): waits its end */
    if (!(took > 0.15 && took < 0.45))
        fail_msg("a request during the stall took %.3f s", took);
    while (waits_now() < set + 0.85)
        waits_pause();
    assert_true(health_time(port) < 0.2);               /* the next period's healthy part */
    while (waits_now() < set + 1.25)
        waits_pause();
    took = waits_now();
    j = call_json(port, "POST", "/api/v1/_control/", NULL, "{\"stall\": 0}", 200);
    assert_true(waits_now() - took < 0.2);              /* during a stall: at once */
    cJSON_Delete(j);
    while (waits_now() < set + 1.3)
        waits_pause();
    assert_true(health_time(port) < 0.2);               /* off */
    target_stop(t);
}

/* The knobs the preflights of the shipped scenarios look for: a plane down, no pending
 * approval. */
static void test_control_states(void **state)
{
    struct target_config c;
    struct target *t;
    cJSON *j, *planes;
    int port;

    (void)state;
    target_config_defaults(&c);
    target_config_no_latency(&c);
    t = start(&c, &port);
    j = call_json(port, "POST", "/api/v1/_control/", NULL,
                  "{\"plane_error_rate\": {\"jamf\": 1, \"sccm\": 0.25}, "
                  "\"cab_auto_approve\": true}", 200);
    planes = cJSON_GetObjectItemCaseSensitive(j, "plane_error_rate");
    assert_true(jnum(planes, "jamf") == 1 && jnum(planes, "sccm") == 0.25 &&
                jnum(planes, "intune") == 0);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "cab_auto_approve")));
    cJSON_Delete(j);
    j = call_json(port, "GET", "/api/v1/health/", NULL, NULL, 200);
    planes = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "components"),
                                         "connectors"), "planes");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(planes, "jamf")),
                        "offline");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(planes, "sccm")),
                        "degraded");
    cJSON_Delete(j);
    target_stop(t);
}

static void test_command_line(void **state)
{
    char a0[] = "hornet-target", a1[] = "--db-pool-size", a2[] = "5", a3[] = "--celery-workers=0",
         a4[] = "--celery-rate", a5[] = "2.5", bad[] = "--celery-workers=300";
    char a6[] = "--stall", a7[] = "1,5", bad_stall[] = "--stall=5,1";
    char *argv[] = {a0, a1, a2, a3, a4, a5, a6, a7, NULL};
    char *bad_argv[] = {a0, bad, NULL}, *bad_stall_argv[] = {a0, bad_stall, NULL};
    struct target_config c;
    enum target_action action;
    char err[256] = "";

    (void)state;
    target_config_defaults(&c);
    assert_int_equal(c.db_pool_size, 100);
    assert_int_equal(c.celery_workers, 4);
    assert_true(c.celery_rate == 50);
    assert_int_equal(target_config_parse_args(&c, 8, argv, &action, err, sizeof err), 0);
    assert_true(c.stall_s == 1 && c.stall_period_s == 5);
    assert_int_equal(c.db_pool_size, 5);
    assert_int_equal(c.celery_workers, 0);
    assert_true(c.celery_rate == 2.5);
    assert_int_equal(target_config_check(&c, err, sizeof err), 0);
    assert_int_equal(target_config_parse_args(&c, 2, bad_argv, &action, err, sizeof err), -1);
    assert_string_equal(err, "hornet-target: --celery-workers: expected a whole number 0..256, "
                        "got '300'");
    assert_int_equal(target_config_parse_args(&c, 2, bad_stall_argv, &action, err, sizeof err),
                     -1);
    assert_string_equal(err, "hornet-target: --stall: expected STALL_S,PERIOD_S with 0 < "
                        "STALL_S < PERIOD_S <= 86400 (or 0: never), got '5,1'");
    c.stall_period_s = 0.5;
    assert_int_equal(target_config_check(&c, err, sizeof err), -1);
    assert_string_equal(err, "stall: expected 0 <= seconds < period <= 86400");
    c.stall_s = 0;
    c.db_pool_size = 0;
    assert_int_equal(target_config_check(&c, err, sizeof err), -1);
    assert_string_equal(err, "db pool size: expected 1..10000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_pool_queues),
        cmocka_unit_test(test_pool_abandon),
        cmocka_unit_test(test_celery_queue),
        cmocka_unit_test(test_control),
        cmocka_unit_test(test_stall),
        cmocka_unit_test(test_control_states),
        cmocka_unit_test(test_command_line),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
