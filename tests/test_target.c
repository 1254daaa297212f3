/* Tests of the built-in target's API (src/target/): every route and status through libcurl's
 * easy interface against a target started in-process on 127.0.0.1:0, with the counts the
 * target reports (target_count and GET /api/v1/_stats/) checked against what each test sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include "target/target.h"
#include "target/target_internal.h"

enum { MAX_STATUS = 600, USERS = 3 };

struct fixture {
    struct target *t;
    int port;
    CURL *curl;                 /* one handle: one keep-alive connection */
    uint64_t expect[ROUTE_COUNT][MAX_STATUS];
    char token[USERS][64];
};

struct reply {
    long status;
    char *body;
    size_t len;
    char headers[4096];
    size_t headers_len;
    cJSON *json;
    double seconds;
};

static const char *const users[USERS] = {"loadtest_user", "cab_approver", "publisher_user"};

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

static void reply_free(struct reply *r)
{
    free(r->body);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof *r);
}

/* Send a request; the reply's status is tallied under `route` as the test expects it. */
static long call(struct fixture *f, enum target_route route, const char *method,
                 const char *path, const char *token, const char *body, struct reply *r)
{
    char url[1024], auth[128];
    struct curl_slist *hdrs = NULL;
    CURL *c = f->curl;
    CURLcode rc;

    memset(r, 0, sizeof *r);
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", f->port, path);
    curl_easy_reset(c);
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
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    }
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Token %s", token);
        hdrs = curl_slist_append(hdrs, auth);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    rc = curl_easy_perform(c);
    curl_slist_free_all(hdrs);
    assert_int_equal(rc, CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r->seconds);
    if (r->body)
        r->json = cJSON_Parse(r->body);
    assert_true(r->status > 0 && r->status < MAX_STATUS);
    f->expect[route][r->status]++;
    return r->status;
}

static const char *jstr(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static double jnum(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static const cJSON *jget(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    assert_non_null(v);
    return v;
}

/* The reply's body must be {"detail": detail}. */
static void assert_detail(const struct reply *r, const char *detail)
{
    assert_non_null(r->json);
    assert_string_equal(jstr(r->json, "detail"), detail);
}

static struct fixture *fixture_start(const struct target_config *c)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[256] = "";

    assert_non_null(f);
    f->t = target_start(c, err, sizeof err);
    if (!f->t)
        fail_msg("target_start: %s", err);
    f->port = target_port(f->t);
    assert_true(f->port > 0);
    f->curl = curl_easy_init();
    assert_non_null(f->curl);
    return f;
}

static struct target_config quick_config(void)
{
    struct target_config c;

    target_config_defaults(&c);
    c.port = 0;
    target_config_no_latency(&c);
    return c;
}

static int setup_quick(void **state)
{
    struct target_config c = quick_config();

    *state = fixture_start(&c);
    return 0;
}

/* Every (route, status) the target counted equals what the test tallied, through both
 * target_count and the _stats JSON; then the fixture is freed. */
static void check_counts(struct fixture *f)
{
    struct reply r;
    uint64_t total = 0;

    call(f, ROUTE_STATS, "GET", "/api/v1/_stats/", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    f->expect[ROUTE_STATS][200]--;          /* the report does not include itself */
    const cJSON *routes = jget(r.json, "routes");
    for (int route = 0; route < ROUTE_COUNT; route++) {
        const cJSON *rt = jget(routes, target_route_names[route]);
        const cJSON *st = jget(rt, "statuses");
        uint64_t route_total = 0;
        for (int s = 100; s < MAX_STATUS; s++) {
            char key[16];
            const cJSON *v;
            snprintf(key, sizeof key, "%d", s);
            v = cJSON_GetObjectItemCaseSensitive(st, key);
            if (f->expect[route][s] != (v ? (uint64_t)v->valuedouble : 0))
                fail_msg("%s %d: _stats says %.0f, the test sent %lu", target_route_names[route],
                         s, v ? v->valuedouble : 0.0, (unsigned long)f->expect[route][s]);
            route_total += f->expect[route][s];
        }
        assert_int_equal((uint64_t)jnum(rt, "total"), route_total);
        total += route_total;
    }
    assert_int_equal((uint64_t)jnum(r.json, "total"), total);
    reply_free(&r);
    f->expect[ROUTE_STATS][200]++;
    for (int route = 0; route < ROUTE_COUNT; route++) {
        for (int s = 100; s < MAX_STATUS; s++) {
            if (target_count(f->t, (enum target_route)route, s) != f->expect[route][s])
                fail_msg("%s %d: target_count says %lu, the test sent %lu",
                         target_route_names[route], s,
                         (unsigned long)target_count(f->t, (enum target_route)route, s),
                         (unsigned long)f->expect[route][s]);
        }
    }
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    if (f) {
        curl_easy_cleanup(f->curl);
        target_stop(f->t);
        free(f);
    }
    return 0;
}

static const char *login(struct fixture *f, int user)
{
    struct reply r;
    char body[128];

    snprintf(body, sizeof body, "{\"username\": \"%s\", \"password\": \"loadtest\"}", users[user]);
    call(f, ROUTE_AUTH_TOKEN, "POST", "/api/v1/auth/token/", NULL, body, &r);
    assert_int_equal(r.status, 200);
    snprintf(f->token[user], sizeof f->token[user], "%s", jstr(r.json, "token"));
    reply_free(&r);
    return f->token[user];
}

/* Create a deployment; its id and approval id into the caller's buffers (37 bytes). */
static void create(struct fixture *f, const char *token, const char *name, char *id,
                   char *approval_id)
{
    struct reply r;
    char body[256];

    snprintf(body, sizeof body, "{\"name\": \"%s\", \"version\": \"1.2.3\", \"ring\": \"canary\"}",
             name);
    call(f, ROUTE_DEPLOYMENT_CREATE, "POST", "/api/v1/deployments/", token, body, &r);
    assert_int_equal(r.status, 201);
    if (id)
        snprintf(id, 37, "%s", jstr(r.json, "id"));
    if (approval_id)
        snprintf(approval_id, 37, "%s", jstr(r.json, "approval_id"));
    reply_free(&r);
}

/* --- health, _stats, authentication --- */

static void test_health_and_head(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    char length[64];

    call(f, ROUTE_HEALTH, "GET", "/api/v1/health/", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "status"), "ok");
    assert_true(cJSON_IsObject(jget(jget(r.json, "components"), "database")));
    assert_non_null(strstr(r.headers, "Content-Type: application/json\r\n"));
    assert_non_null(strstr(r.headers, "\r\nDate: "));
    snprintf(length, sizeof length, "Content-Length: %zu\r\n", r.len);
    reply_free(&r);
    call(f, ROUTE_HEALTH, "HEAD", "/api/v1/health/", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_null(r.body);
    assert_non_null(strstr(r.headers, length));
    reply_free(&r);
    call(f, ROUTE_OTHER, "POST", "/api/v1/health/", NULL, "{}", &r);
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(r.headers, "Allow: GET, HEAD\r\n"));
    assert_detail(&r, "Method \"POST\" not allowed.");
    reply_free(&r);
    check_counts(f);
}

static void test_auth(void **state)
{
    struct fixture *f = *state;
    struct reply r;

    for (int u = 0; u < USERS; u++) {
        char first[64];
        snprintf(first, sizeof first, "%s", login(f, u));
        assert_int_equal(strlen(first), 40);
        assert_string_equal(login(f, u), first);        /* stable per user */
    }
    assert_string_not_equal(f->token[0], f->token[1]);
    call(f, ROUTE_AUTH_TOKEN, "POST", "/api/v1/auth/token/", NULL,
         "{\"username\": \"loadtest_user\", \"password\": \"nope\"}", &r);
    assert_int_equal(r.status, 401);
    assert_detail(&r, "Invalid credentials.");
    reply_free(&r);
    call(f, ROUTE_AUTH_TOKEN, "POST", "/api/v1/auth/token/", NULL,
         "{\"username\": \"mallory\", \"password\": \"loadtest\"}", &r);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    call(f, ROUTE_AUTH_TOKEN, "POST", "/api/v1/auth/token/", NULL, "{\"username\": 5}", &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(jget(r.json, "username")->child->valuestring, "Not a valid string.");
    assert_string_equal(jget(r.json, "password")->child->valuestring,
                        "This field is required.");
    reply_free(&r);
    call(f, ROUTE_AUTH_TOKEN, "POST", "/api/v1/auth/token/", NULL, "{\"username\": ", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(jstr(r.json, "detail"), "JSON parse error"));
    reply_free(&r);
    check_counts(f);
}

static void test_auth_required(void **state)
{
    struct fixture *f = *state;
    struct reply r;

    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/", NULL, NULL, &r);
    assert_int_equal(r.status, 401);
    assert_detail(&r, "Authentication credentials were not provided.");
    assert_non_null(strstr(r.headers, "WWW-Authenticate: Token\r\n"));
    reply_free(&r);
    call(f, ROUTE_CONNECTOR_LIST, "GET", "/api/v1/connectors/", "0123456789abcdef0123456789abcdef"
         "01234567", NULL, &r);
    assert_int_equal(r.status, 401);
    assert_detail(&r, "Invalid token.");
    reply_free(&r);
    call(f, ROUTE_EVENTS, "GET", "/api/v1/events/", "short", NULL, &r);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    call(f, ROUTE_APPROVAL_APPROVE, "POST", "/api/v1/cab/approvals/x/approve/", NULL, "", &r);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    /* a wrong method on a protected path: authentication first, as DRF does */
    call(f, ROUTE_OTHER, "DELETE", "/api/v1/deployments/", NULL, NULL, &r);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    call(f, ROUTE_OTHER, "DELETE", "/api/v1/deployments/", login(f, 0), NULL, &r);
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(r.headers, "Allow: GET, POST, HEAD\r\n"));
    reply_free(&r);
    check_counts(f);
}

static void test_unknown_paths(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 0);
    static const char *const paths[] = {
        "/", "/api/v1/", "/api/v1/health", "/api/v1/deployments", "/api/v2/health/",
        "/api/v1/nope/", "/api/v1/deployments/a/b/", "/api/v1//", "/api/v1/cab/approvals/x/y/",
        "/favicon.ico", "/api/v1/connectors/intune/publish/extra/",
    };
    struct reply r;

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        call(f, ROUTE_OTHER, "GET", paths[i], token, NULL, &r);
        if (r.status != 404)
            fail_msg("%s: %ld", paths[i], r.status);
        assert_detail(&r, "Not found.");
        reply_free(&r);
    }
    call(f, ROUTE_OTHER, "GET", "/nowhere/", NULL, NULL, &r);    /* 404 before auth */
    assert_int_equal(r.status, 404);
    reply_free(&r);
    check_counts(f);
}

/* --- deployments --- */

static void test_deployment_create_get_patch(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 0);
    struct reply r;
    char id[37], path[128], approval[37];

    call(f, ROUTE_DEPLOYMENT_CREATE, "POST", "/api/v1/deployments/", token,
         "{\"name\": \"app-\\u00e9\\n1\", \"version\": \"2.0\", \"ring\": \"pilot\", "
         "\"target_platforms\": [\"windows\", \"macos\"], \"unknown\": {\"x\": 1}}", &r);
    assert_int_equal(r.status, 201);
    assert_string_equal(jstr(r.json, "name"), "app-\xc3\xa9\n1");
    assert_string_equal(jstr(r.json, "version"), "2.0");
    assert_string_equal(jstr(r.json, "ring"), "pilot");
    assert_string_equal(jstr(r.json, "status"), "pending");
    assert_string_equal(jstr(r.json, "description"), "");
    assert_string_equal(jstr(r.json, "created_by"), "loadtest_user");
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "target_platforms")), 2);
    assert_int_equal(strlen(jstr(r.json, "id")), 36);
    assert_int_equal(jstr(r.json, "id")[14], '4');                /* UUID version 4 */
    assert_int_equal(strlen(jstr(r.json, "created_at")), 27);     /* ...T12:34:56.123456Z */
    snprintf(id, sizeof id, "%s", jstr(r.json, "id"));
    snprintf(approval, sizeof approval, "%s", jstr(r.json, "approval_id"));
    reply_free(&r);

    snprintf(path, sizeof path, "/api/v1/deployments/%s/", id);
    call(f, ROUTE_DEPLOYMENT_GET, "GET", path, token, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "id"), id);
    assert_string_equal(jstr(r.json, "approval_id"), approval);
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_PATCH, "PATCH", path, token,
         "{\"ring\": \"broad\", \"status\": \"approved\", \"description\": \"d\"}", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "ring"), "broad");
    assert_string_equal(jstr(r.json, "description"), "d");
    assert_string_equal(jstr(r.json, "name"), "app-\xc3\xa9\n1");    /* kept */
    assert_string_equal(jstr(r.json, "status"), "pending");           /* read-only */
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_GET, "GET", path, token, NULL, &r);
    assert_string_equal(jstr(r.json, "ring"), "broad");
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_PATCH, "PATCH", path, token, "{\"name\": \"\"}", &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(jget(r.json, "name")->child->valuestring,
                        "This field may not be blank.");
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_PATCH, "PATCH", path, token, "[1]", &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(jget(r.json, "non_field_errors")->child->valuestring,
                        "Invalid data. Expected a dictionary, but got list.");
    reply_free(&r);
    call(f, ROUTE_OTHER, "PUT", path, token, "{}", &r);
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(r.headers, "Allow: GET, PATCH, HEAD\r\n"));
    reply_free(&r);
    check_counts(f);
}

static void test_deployment_validation(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 0);
    char long_name[260], body[400];
    struct reply r;
    static const char *const bad[][2] = {
        {"{}", "name"}, {"{\"version\": \"1\"}", "name"}, {"{\"name\": null}", "name"},
        {"{\"name\": 42}", "name"}, {"{\"name\": \"\"}", "name"},
        {"{\"name\": \"a\", \"ring\": 1}", "ring"},
        {"{\"name\": \"a\", \"target_platforms\": \"windows\"}", "target_platforms"},
        {"{\"name\": \"a\", \"target_platforms\": [1]}", "target_platforms"},
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        call(f, ROUTE_DEPLOYMENT_CREATE, "POST", "/api/v1/deployments/", token, bad[i][0], &r);
        if (r.status != 400 || !r.json || !cJSON_IsArray(jget(r.json, bad[i][1])))
            fail_msg("%s: %ld %s", bad[i][0], r.status, r.body);
        reply_free(&r);
    }
    memset(long_name, 'x', 201);
    long_name[201] = '\0';
    snprintf(body, sizeof body, "{\"name\": \"%s\"}", long_name);
    call(f, ROUTE_DEPLOYMENT_CREATE, "POST", "/api/v1/deployments/", token, body, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(jget(r.json, "name")->child->valuestring,
                        "Ensure this field has no more than 200 characters.");
    reply_free(&r);
    static const char *const invalid[] = {
        "{\"name\": \"a\"", "name=a", "{\"name\": \"a\"} x", "[]", "\"a\"", "{\"name\": \"\xff\"}",
        "{'name': 'a'}",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        call(f, ROUTE_DEPLOYMENT_CREATE, "POST", "/api/v1/deployments/", token, invalid[i], &r);
        if (r.status != 400)
            fail_msg("%s: %ld", invalid[i], r.status);
        reply_free(&r);
    }
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/", token, NULL, &r);
    assert_int_equal(jnum(r.json, "count"), 0);                      /* nothing was stored */
    reply_free(&r);
    check_counts(f);
}

static void test_deployment_not_found(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 0);
    struct reply r;

    call(f, ROUTE_DEPLOYMENT_GET, "GET",
         "/api/v1/deployments/7d3c8c1e-2f4b-4c4a-9a51-0d6f0e1f2a3b/", token, NULL, &r);
    assert_int_equal(r.status, 404);
    assert_detail(&r, "Not found.");
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_GET, "GET", "/api/v1/deployments/not-a-uuid/", token, NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_PATCH, "PATCH",
         "/api/v1/deployments/7d3c8c1e-2f4b-4c4a-9a51-0d6f0e1f2a3b/", token, "{}", &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    check_counts(f);
}

static void test_pagination(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 0);
    char ids[45][37], name[32];
    struct reply r;
    const cJSON *results;

    for (int i = 0; i < 45; i++) {
        snprintf(name, sizeof name, "app-%d", i);
        create(f, token, name, ids[i], NULL);
    }
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/", token, NULL, &r);
    assert_int_equal(jnum(r.json, "count"), 45);
    assert_string_equal(jstr(r.json, "next"), "/api/v1/deployments/?page=2");
    assert_true(cJSON_IsNull(jget(r.json, "previous")));
    results = jget(r.json, "results");
    assert_int_equal(cJSON_GetArraySize(results), 20);
    assert_string_equal(jstr(cJSON_GetArrayItem(results, 0), "id"), ids[44]);   /* newest */
    assert_string_equal(jstr(cJSON_GetArrayItem(results, 19), "id"), ids[25]);
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/?page=3", token, NULL, &r);
    results = jget(r.json, "results");
    assert_int_equal(cJSON_GetArraySize(results), 5);
    assert_string_equal(jstr(cJSON_GetArrayItem(results, 4), "id"), ids[0]);
    assert_true(cJSON_IsNull(jget(r.json, "next")));
    assert_string_equal(jstr(r.json, "previous"), "/api/v1/deployments/?page=2");
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/?page=2&page_size=10&status=pending",
         token, NULL, &r);
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "results")), 10);
    assert_string_equal(jstr(r.json, "next"),
                        "/api/v1/deployments/?page=3&page_size=10&status=pending");
    assert_string_equal(jstr(r.json, "previous"),
                        "/api/v1/deployments/?page_size=10&status=pending");
    assert_string_equal(jstr(cJSON_GetArrayItem(jget(r.json, "results"), 0), "id"), ids[34]);
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/?page_size=1000&page=last", token,
         NULL, &r);
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "results")), 45);   /* at most 100 */
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/?status=approved", token, NULL,
         &r);
    assert_int_equal(jnum(r.json, "count"), 0);
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "results")), 0);
    reply_free(&r);
    static const char *const bad_pages[] = {"?page=4", "?page=0", "?page=x", "?page=-1"};
    for (size_t i = 0; i < 4; i++) {
        char path[64];
        snprintf(path, sizeof path, "/api/v1/deployments/%s", bad_pages[i]);
        call(f, ROUTE_DEPLOYMENT_LIST, "GET", path, token, NULL, &r);
        assert_int_equal(r.status, 404);
        assert_detail(&r, "Invalid page.");
        reply_free(&r);
    }
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/?status=bogus", token, NULL, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    check_counts(f);
}

/* --- CAB approvals and events --- */

/* After approving dep[0] and rejecting dep[1]: the deployments, the lists and the events. */
static void check_after_decisions(struct fixture *f, const char *token, const char *approver,
                                  char dep[][37], char ap[][37])
{
    char path[160];
    struct reply r;

    snprintf(path, sizeof path, "/api/v1/deployments/%s/", dep[0]);
    call(f, ROUTE_DEPLOYMENT_GET, "GET", path, token, NULL, &r);
    assert_string_equal(jstr(r.json, "status"), "approved");
    reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/deployments/%s/", dep[1]);
    call(f, ROUTE_DEPLOYMENT_GET, "GET", path, token, NULL, &r);
    assert_string_equal(jstr(r.json, "status"), "rejected");
    reply_free(&r);
    call(f, ROUTE_APPROVAL_LIST, "GET", "/api/v1/cab/approvals/?status=pending", approver, NULL,
         &r);
    assert_int_equal(jnum(r.json, "count"), 1);
    reply_free(&r);
    call(f, ROUTE_APPROVAL_LIST, "GET", "/api/v1/cab/approvals/?status=approved", approver, NULL,
         &r);
    assert_int_equal(jnum(r.json, "count"), 1);
    assert_string_equal(jstr(cJSON_GetArrayItem(jget(r.json, "results"), 0), "id"), ap[0]);
    reply_free(&r);
    call(f, ROUTE_APPROVAL_LIST, "GET", "/api/v1/cab/approvals/", approver, NULL, &r);
    assert_int_equal(jnum(r.json, "count"), 3);
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/?status=rejected", token, NULL, &r);
    assert_int_equal(jnum(r.json, "count"), 1);
    reply_free(&r);

    call(f, ROUTE_EVENTS, "GET", "/api/v1/events/?limit=10", token, NULL, &r);
    const cJSON *events = jget(r.json, "results");
    assert_int_equal(cJSON_GetArraySize(events), 2);
    assert_string_equal(jstr(cJSON_GetArrayItem(events, 0), "type"), "approval.rejected");
    assert_string_equal(jstr(cJSON_GetArrayItem(events, 0), "approval_id"), ap[1]);
    assert_string_equal(jstr(cJSON_GetArrayItem(events, 1), "type"), "approval.approved");
    assert_string_equal(jstr(cJSON_GetArrayItem(events, 1), "deployment_id"), dep[0]);
    assert_string_equal(jstr(cJSON_GetArrayItem(events, 1), "actor"), "cab_approver");
    reply_free(&r);
    call(f, ROUTE_EVENTS, "GET", "/api/v1/events/?limit=1", token, NULL, &r);
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "results")), 1);
    reply_free(&r);
}

static void test_approval_flow(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 0), *approver = login(f, 1);
    char dep[3][37], ap[3][37], path[160];
    struct reply r;

    for (int i = 0; i < 3; i++)
        create(f, token, "flow", dep[i], ap[i]);
    call(f, ROUTE_APPROVAL_LIST, "GET", "/api/v1/cab/approvals/?status=pending", approver, NULL,
         &r);
    assert_int_equal(jnum(r.json, "count"), 3);
    const cJSON *first = cJSON_GetArrayItem(jget(r.json, "results"), 0);
    assert_string_equal(jstr(first, "id"), ap[2]);
    assert_string_equal(jstr(first, "deployment_id"), dep[2]);
    assert_string_equal(jstr(first, "status"), "pending");
    assert_string_equal(jstr(first, "requested_by"), "loadtest_user");
    assert_true(cJSON_IsNull(jget(first, "decided_by")));
    reply_free(&r);

    snprintf(path, sizeof path, "/api/v1/cab/approvals/%s/approve/", ap[0]);
    call(f, ROUTE_APPROVAL_APPROVE, "POST", path, approver, "", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "status"), "approved");
    assert_string_equal(jstr(r.json, "decided_by"), "cab_approver");
    assert_string_equal(jstr(r.json, "id"), ap[0]);
    assert_int_equal(strlen(jstr(r.json, "decided_at")), 27);
    reply_free(&r);
    call(f, ROUTE_APPROVAL_APPROVE, "POST", path, approver, "", &r);
    assert_int_equal(r.status, 409);
    assert_detail(&r, "Approval already decided.");
    reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/cab/approvals/%s/reject/", ap[0]);
    call(f, ROUTE_APPROVAL_REJECT, "POST", path, approver, "", &r);
    assert_int_equal(r.status, 409);
    reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/cab/approvals/%s/reject/", ap[1]);
    call(f, ROUTE_APPROVAL_REJECT, "POST", path, approver, "{\"comment\": \"no\"}", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "status"), "rejected");
    reply_free(&r);
    call(f, ROUTE_APPROVAL_APPROVE, "POST",
         "/api/v1/cab/approvals/7d3c8c1e-2f4b-4c4a-9a51-0d6f0e1f2a3b/approve/", approver, "", &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    call(f, ROUTE_APPROVAL_REJECT, "POST", "/api/v1/cab/approvals/nope/reject/", approver, "", &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);

    check_after_decisions(f, token, approver, dep, ap);
    check_counts(f);
}

static void test_bulk_approve(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 1);
    char ap[3][37], path[160], body[512];
    struct reply r;

    for (int i = 0; i < 3; i++)
        create(f, token, "bulk", NULL, ap[i]);
    snprintf(path, sizeof path, "/api/v1/cab/approvals/%s/approve/", ap[0]);
    call(f, ROUTE_APPROVAL_APPROVE, "POST", path, token, NULL, &r);
    reply_free(&r);
    snprintf(body, sizeof body, "{\"ids\": [\"%s\", \"%s\", \"%s\", \"%s\", \"junk\", \"%s\"]}",
             ap[0], ap[1], ap[2], "7d3c8c1e-2f4b-4c4a-9a51-0d6f0e1f2a3b", ap[1]);
    call(f, ROUTE_APPROVAL_BULK, "POST", "/api/v1/cab/approvals/bulk-approve/", token, body, &r);
    assert_int_equal(r.status, 200);
    const cJSON *approved = jget(r.json, "approved"), *skipped = jget(r.json, "skipped");
    assert_int_equal(cJSON_GetArraySize(approved), 2);
    assert_string_equal(cJSON_GetArrayItem(approved, 0)->valuestring, ap[1]);
    assert_string_equal(cJSON_GetArrayItem(approved, 1)->valuestring, ap[2]);
    assert_int_equal(cJSON_GetArraySize(skipped), 4);
    assert_string_equal(cJSON_GetArrayItem(skipped, 0)->valuestring, ap[0]);
    assert_string_equal(cJSON_GetArrayItem(skipped, 2)->valuestring, "junk");
    assert_string_equal(cJSON_GetArrayItem(skipped, 3)->valuestring, ap[1]);   /* decided now */
    reply_free(&r);
    call(f, ROUTE_APPROVAL_LIST, "GET", "/api/v1/cab/approvals/?status=approved", token, NULL, &r);
    assert_int_equal(jnum(r.json, "count"), 3);
    reply_free(&r);
    call(f, ROUTE_EVENTS, "GET", "/api/v1/events/", token, NULL, &r);
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "results")), 3);
    reply_free(&r);
    static const char *const bad[] = {"{}", "{\"ids\": \"x\"}", "{\"ids\": [1]}", "{\"ids\": [",
                                      "[]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        call(f, ROUTE_APPROVAL_BULK, "POST", "/api/v1/cab/approvals/bulk-approve/", token, bad[i],
             &r);
        if (r.status != 400)
            fail_msg("%s: %ld", bad[i], r.status);
        reply_free(&r);
    }
    call(f, ROUTE_APPROVAL_BULK, "POST", "/api/v1/cab/approvals/bulk-approve/", token,
         "{\"ids\": []}", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"approved\": [], \"skipped\": []}");
    reply_free(&r);
    check_counts(f);
}

/* --- connectors and publish jobs --- */

static const char *const planes[] = {"intune", "jamf", "sccm", "landscape", "ansible"};

static void publish(struct fixture *f, const char *token, const char *plane, const char *dep,
                    char *job_id)
{
    struct reply r;
    char path[128], body[128];

    snprintf(path, sizeof path, "/api/v1/connectors/%s/publish/", plane);
    snprintf(body, sizeof body, "{\"deployment_id\": \"%s\"}", dep);
    call(f, ROUTE_CONNECTOR_PUBLISH, "POST", path, token, body, &r);
    assert_int_equal(r.status, 202);
    assert_string_equal(jstr(r.json, "status"), "queued");
    assert_string_equal(jstr(r.json, "plane"), plane);
    assert_string_equal(jstr(r.json, "deployment_id"), dep);
    snprintf(job_id, 37, "%s", jstr(r.json, "job_id"));
    reply_free(&r);
}

static const char *job_status(struct fixture *f, const char *token, const char *job_id,
                              char *out, size_t outlen)
{
    struct reply r;
    char path[128];

    snprintf(path, sizeof path, "/api/v1/connectors/jobs/%s/", job_id);
    call(f, ROUTE_CONNECTOR_JOB, "GET", path, token, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "job_id"), job_id);
    snprintf(out, outlen, "%s", jstr(r.json, "status"));
    reply_free(&r);
    return out;
}

static void test_connectors(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 2);
    char dep[37], job[37], status[32];
    struct reply r;

    call(f, ROUTE_CONNECTOR_LIST, "GET", "/api/v1/connectors/", token, NULL, &r);
    assert_int_equal(r.status, 200);
    const cJSON *list = jget(r.json, "results");
    assert_int_equal(cJSON_GetArraySize(list), 5);
    for (int p = 0; p < 5; p++) {
        assert_string_equal(jstr(cJSON_GetArrayItem(list, p), "plane"), planes[p]);
        assert_string_equal(jstr(cJSON_GetArrayItem(list, p), "status"), "online");
    }
    assert_string_equal(jstr(cJSON_GetArrayItem(list, 0), "name"), "Microsoft Intune");
    reply_free(&r);
    create(f, token, "pub", dep, NULL);
    for (int p = 0; p < 5; p++) {
        publish(f, token, planes[p], dep, job);
        assert_string_equal(job_status(f, token, job, status, sizeof status), "queued");
    }
    call(f, ROUTE_CONNECTOR_PUBLISH, "POST", "/api/v1/connectors/tanium/publish/", token,
         "{\"deployment_id\": \"7d3c8c1e-2f4b-4c4a-9a51-0d6f0e1f2a3b\"}", &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    call(f, ROUTE_CONNECTOR_PUBLISH, "POST", "/api/v1/connectors/jamf/publish/", token,
         "{\"deployment_id\": \"7d3c8c1e-2f4b-4c4a-9a51-0d6f0e1f2a3b\"}", &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    call(f, ROUTE_CONNECTOR_PUBLISH, "POST", "/api/v1/connectors/jamf/publish/", token, "{}", &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(jget(r.json, "deployment_id")->child->valuestring,
                        "This field is required.");
    reply_free(&r);
    call(f, ROUTE_CONNECTOR_PUBLISH, "POST", "/api/v1/connectors/jamf/publish/", token,
         "{\"deployment_id\": \"x\"}", &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    call(f, ROUTE_CONNECTOR_PUBLISH, "POST", "/api/v1/connectors/jamf/publish/", token, "{", &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    call(f, ROUTE_CONNECTOR_JOB, "GET",
         "/api/v1/connectors/jobs/7d3c8c1e-2f4b-4c4a-9a51-0d6f0e1f2a3b/", token, NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    check_counts(f);
}

/* Jobs that stay queued for an hour (so a test can see "queued" whatever the machine's
 * speed). */
static int setup_slow_jobs(void **state)
{
    struct target_config c = quick_config();

    c.job_phase_s = 3600;
    *state = fixture_start(&c);
    return 0;
}

static int setup_fast_jobs(void **state)
{
    struct target_config c = quick_config();

    c.job_phase_s = 0.05;
    c.job_failure_rate = 0.5;
    *state = fixture_start(&c);
    return 0;
}

static int status_rank(const char *s)
{
    if (!strcmp(s, "queued"))
        return 0;
    if (!strcmp(s, "running"))
        return 1;
    if (!strcmp(s, "succeeded") || !strcmp(s, "failed"))
        return 2;
    fail_msg("unexpected job status %s", s);
    return -1;
}

static void test_job_progression(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 2);
    char dep[37], job[8][37], status[32];
    int ended[2] = {0, 0};

    create(f, token, "jobs", dep, NULL);
    for (int i = 0; i < 8; i++)
        publish(f, token, planes[i % 5], dep, job[i]);
    for (int i = 0; i < 8; i++) {
        int rank = 0, polls = 0;
        struct timespec pause = {0, 10 * 1000 * 1000};
        while (rank < 2) {
            int next = status_rank(job_status(f, token, job[i], status, sizeof status));
            assert_true(next >= rank);                  /* never goes back */
            rank = next;
            assert_true(++polls < 3000);                /* ends within ~30 s at worst */
            if (rank < 2)
                nanosleep(&pause, NULL);
        }
        ended[!strcmp(status, "failed")]++;
        char final[32];
        snprintf(final, sizeof final, "%s", status);
        nanosleep(&pause, NULL);
        assert_string_equal(job_status(f, token, job[i], status, sizeof status), final);
    }
    assert_int_equal(ended[0] + ended[1], 8);
    check_counts(f);
}

static int setup_all_fail(void **state)
{
    struct target_config c = quick_config();

    c.job_phase_s = 0;
    c.job_failure_rate = 1;
    assert_int_equal(target_config_error_rate(&c, "sccm=1", NULL, 0), 0);
    *state = fixture_start(&c);
    return 0;
}

static void test_error_rate_and_failed_jobs(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 2);
    char dep[37], job[37], status[32];
    struct reply r;

    create(f, token, "fail", dep, NULL);
    for (int i = 0; i < 10; i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"deployment_id\": \"%s\"}", dep);
        call(f, ROUTE_CONNECTOR_PUBLISH, "POST", "/api/v1/connectors/sccm/publish/", token, body,
             &r);
        assert_int_equal(r.status, 503);
        assert_detail(&r, "SCCM connector unavailable.");
        reply_free(&r);
    }
    publish(f, token, "jamf", dep, job);        /* other planes are unaffected */
    assert_string_equal(job_status(f, token, job, status, sizeof status), "failed");
    call(f, ROUTE_CONNECTOR_JOB, "GET", "/api/v1/connectors/jobs/x/", token, NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    call(f, ROUTE_CONNECTOR_LIST, "GET", "/api/v1/connectors/", token, NULL, &r);
    assert_string_equal(jstr(cJSON_GetArrayItem(jget(r.json, "results"), 2), "status"),
                        "offline");
    assert_string_equal(jstr(cJSON_GetArrayItem(jget(r.json, "results"), 1), "status"),
                        "online");
    reply_free(&r);
    check_counts(f);
}

/* --- bounds and latency --- */

static int setup_small_store(void **state)
{
    struct target_config c = quick_config();

    c.max_objects = 5;
    *state = fixture_start(&c);
    return 0;
}

static void test_eviction(void **state)
{
    struct fixture *f = *state;
    const char *token = login(f, 0);
    char dep[12][37], ap[12][37], path[160], job[37];
    struct reply r;

    for (int i = 0; i < 12; i++)
        create(f, token, "evict", dep[i], ap[i]);
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/?status=pending", token, NULL, &r);
    assert_int_equal(jnum(r.json, "count"), 5);
    assert_string_equal(jstr(cJSON_GetArrayItem(jget(r.json, "results"), 4), "id"), dep[7]);
    reply_free(&r);
    for (int i = 0; i < 12; i++) {
        snprintf(path, sizeof path, "/api/v1/deployments/%.36s/", dep[i]);
        call(f, ROUTE_DEPLOYMENT_GET, "GET", path, token, NULL, &r);
        assert_int_equal(r.status, i < 7 ? 404 : 200);
        reply_free(&r);
        snprintf(path, sizeof path, "/api/v1/cab/approvals/%.36s/approve/", ap[i]);
        call(f, ROUTE_APPROVAL_APPROVE, "POST", path, token, NULL, &r);
        assert_int_equal(r.status, i < 7 ? 404 : 200);
        reply_free(&r);
    }
    call(f, ROUTE_APPROVAL_LIST, "GET", "/api/v1/cab/approvals/", token, NULL, &r);
    assert_int_equal(jnum(r.json, "count"), 5);
    reply_free(&r);
    call(f, ROUTE_EVENTS, "GET", "/api/v1/events/?limit=100", token, NULL, &r);
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "results")), 5);
    reply_free(&r);
    char first_job[37];
    publish(f, token, "intune", dep[11], first_job);
    for (int i = 0; i < 5; i++)
        publish(f, token, "jamf", dep[11], job);
    snprintf(path, sizeof path, "/api/v1/connectors/jobs/%s/", first_job);
    call(f, ROUTE_CONNECTOR_JOB, "GET", path, token, NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    check_counts(f);
}

static int setup_latency(void **state)
{
    struct target_config c = quick_config();

    assert_int_equal(target_config_latency(&c, "deployment_list=120,0", NULL, 0), 0);
    assert_int_equal(target_config_latency(&c, "auth_token=60", NULL, 0), 0);
    *state = fixture_start(&c);
    return 0;
}

static void test_latency_lower_bound(void **state)
{
    struct fixture *f = *state;
    const char *token;
    struct reply r;

    token = login(f, 0);
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/", token, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(r.seconds >= 0.120);
    reply_free(&r);
    call(f, ROUTE_DEPLOYMENT_LIST, "GET", "/api/v1/deployments/", NULL, NULL, &r);
    assert_int_equal(r.status, 401);                /* errors take the route's time too */
    assert_true(r.seconds >= 0.120);
    reply_free(&r);
    call(f, ROUTE_AUTH_TOKEN, "POST", "/api/v1/auth/token/", NULL, "{}", &r);
    assert_true(r.seconds >= 0.060);
    reply_free(&r);
    check_counts(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_health_and_head, setup_quick, teardown),
        cmocka_unit_test_setup_teardown(test_auth, setup_quick, teardown),
        cmocka_unit_test_setup_teardown(test_auth_required, setup_quick, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_paths, setup_quick, teardown),
        cmocka_unit_test_setup_teardown(test_deployment_create_get_patch, setup_quick, teardown),
        cmocka_unit_test_setup_teardown(test_deployment_validation, setup_quick, teardown),
        cmocka_unit_test_setup_teardown(test_deployment_not_found, setup_quick, teardown),
        cmocka_unit_test_setup_teardown(test_pagination, setup_quick, teardown),
        cmocka_unit_test_setup_teardown(test_approval_flow, setup_quick, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_approve, setup_quick, teardown),
        cmocka_unit_test_setup_teardown(test_connectors, setup_slow_jobs, teardown),
        cmocka_unit_test_setup_teardown(test_job_progression, setup_fast_jobs, teardown),
        cmocka_unit_test_setup_teardown(test_error_rate_and_failed_jobs, setup_all_fail,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_eviction, setup_small_store, teardown),
        cmocka_unit_test_setup_teardown(test_latency_lower_bound, setup_latency, teardown),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
