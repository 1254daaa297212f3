/* test_locust_json: hornet's --json output against what Locust's own code prints
 * (tests/fixtures/locust_json/example.json, written by make_example.py with Debian's Locust):
 * the same top-level array, the same fourteen keys in the same order with the same JSON
 * types, response_times keyed by Locust's rounded milliseconds, per-second counts from the
 * timeline, hornet's extras only under keys Locust does not use; and the numbers of a known
 * snapshot. Parsed back with cJSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "locust_json.h"
#include "timeline.h"

#define EXAMPLE "tests/fixtures/locust_json/example.json"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

/* A run of three endpoints: POST /login (2 requests, both failed, first at 100.2), GET /items
 * (3 timed requests, first at 100.5) and GET /never (no request). */
static struct snapshot *sample_snapshot(void)
{
    struct snapshot *s = calloc(1, sizeof *s);
    struct snap_stats *items, *login;

    assert_non_null(s);
    s->run_start = s->start_time = 100.0;
    s->now = s->end_time = 103.5;
    s->finished = true;
    s->n_endpoints = 3;
    snprintf(s->scenario, sizeof s->scenario, "sample");
    items = &s->endpoints[0];
    login = &s->endpoints[1];
    *items = (struct snap_stats){.method = "GET", .name = "/items", .requests = 3,
        .total_us = 1234500 + 3070 + 147300, .min_us = 3070, .max_us = 1234500,
        .total_bytes = 300, .first_request_time = 100.5, .last_request_time = 102.25,
        .median_us = 147300, .expected = 1};
    *login = (struct snap_stats){.method = "POST", .name = "/login", .requests = 2,
        .failures = 2, .total_us = 6000, .min_us = 2500, .max_us = 3500,
        .first_request_time = 100.2, .last_request_time = 103.1};
    snprintf(s->endpoints[2].method, 8, "GET");
    snprintf(s->endpoints[2].name, SNAP_NAME_MAX, "/never");
    s->rt[0] = (struct snap_rt){.n = 3, .ms = {3, 150, 1200}, .count = {1, 1, 1}};
    s->rt[1] = (struct snap_rt){.n = 2, .ms = {2, 4}, .count = {1, 1}};
    s->n_errors = 1;
    s->errors[0] = (struct snap_error){.endpoint = 1, .count = 2};
    snprintf(s->errors[0].text, SNAP_TEXT_MAX, "HTTP 401 Unauthorized");
    s->n_targets = 1;
    s->targets[0] = (struct snap_target){.text = "p99 < 500 ms", .endpoint = "GET /items",
        .window = "run", .has_data = true, .value = 1234.5, .lo = -INFINITY, .hi = 500,
        .status = TARGET_FAIL};
    return s;
}

/* Seconds 100..102 with the per-endpoint counts of the run (the last second, 103, is not
 * complete in the snapshot). */
static struct timeline *sample_timeline(const struct snapshot *run)
{
    struct timeline *t = timeline_create();
    struct snapshot *s = calloc(1, sizeof *s);

    assert_non_null(s);
    s->n_endpoints = run->n_endpoints;
    s->n_points = s->n_ep_points = 3;
    for (uint32_t i = 0; i < 3; i++)
        s->series[i].second = 100 + i;
    s->ep_series[0][0].requests = 1;            /* /items: 1 in 100, 2 in 102 */
    s->ep_series[0][2].requests = 2;
    s->ep_series[1][0].requests = 1;            /* /login: 1 in 100 (failed), 1 later */
    s->ep_series[1][0].failures = 1;
    assert_int_equal(timeline_update(t, s), 0);
    free(s);
    return t;
}

static cJSON *render(const struct snapshot *s, const struct timeline *t)
{
    struct strbuf b = {0};
    cJSON *json;

    assert_int_equal(locust_json_render(s, t, &b), 0);
    assert_true(b.len > 0 && b.data[b.len - 1] == '\n');
    json = cJSON_Parse(b.data);
    assert_non_null(json);
    strbuf_free(&b);
    return json;
}

/* JSON types as Locust's readers see them: a Python float and int are both numbers. */
static int kind(const cJSON *v)
{
    return cJSON_IsNumber(v) ? 1 : cJSON_IsString(v) ? 2 : cJSON_IsObject(v) ? 3
         : cJSON_IsNull(v) ? 4 : cJSON_IsArray(v) ? 5 : 6;
}

/* Every member of a {"number": count} object: an integer key as Locust's int keys print, an
 * integer count. */
static void assert_int_keyed(const cJSON *obj)
{
    const cJSON *m;

    cJSON_ArrayForEach(m, obj) {
        char *end;
        strtoll(m->string, &end, 10);
        assert_true(*m->string && *end == '\0');
        assert_true(cJSON_IsNumber(m) && m->valuedouble == (double)(long long)m->valuedouble);
    }
}

static void test_the_shape_is_locusts_key_by_key(void **state)
{
    char *text = slurp(EXAMPLE);
    cJSON *locust = cJSON_Parse(text), *ours;
    struct snapshot *s = sample_snapshot();
    struct timeline *t = sample_timeline(s);
    const cJSON *model, *entry;

    (void)state;
    assert_non_null(locust);
    assert_true(cJSON_IsArray(locust));
    ours = render(s, t);
    assert_true(cJSON_IsArray(ours));
    assert_int_equal(cJSON_GetArraySize(ours), 2);      /* /never had no request */
    model = cJSON_GetArrayItem(locust, 0);
    cJSON_ArrayForEach(entry, ours) {
        const cJSON *want = model->child, *got = entry->child;

        for (; want; want = want->next, got = got->next) {      /* Locust's keys, in order */
            assert_non_null(got);
            assert_string_equal(got->string, want->string);
            assert_int_equal(kind(got), kind(want));
        }
        for (; got; got = got->next)                    /* then hornet's, under its own keys */
            assert_true(strncmp(got->string, "hornet", 6) == 0);
        assert_int_keyed(cJSON_GetObjectItem(entry, "response_times"));
        assert_int_keyed(cJSON_GetObjectItem(entry, "num_reqs_per_sec"));
        assert_int_keyed(cJSON_GetObjectItem(entry, "num_fail_per_sec"));
    }
    cJSON_ArrayForEach(entry, locust) {                 /* the fixture is Locust's own shape */
        assert_int_keyed(cJSON_GetObjectItem(entry, "response_times"));
        assert_int_equal(cJSON_GetArraySize(entry), 14);
    }
    cJSON_Delete(ours);
    cJSON_Delete(locust);
    timeline_free(t);
    free(s);
    free(text);
}

static double num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(obj, key);

    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static void test_the_numbers_of_a_known_run(void **state)
{
    struct snapshot *s = sample_snapshot();
    struct timeline *t = sample_timeline(s);
    cJSON *json = render(s, t);
    const cJSON *login = cJSON_GetArrayItem(json, 0), *items = cJSON_GetArrayItem(json, 1);
    const cJSON *rt = cJSON_GetObjectItem(items, "response_times");
    const cJSON *reqs = cJSON_GetObjectItem(login, "num_reqs_per_sec");
    const cJSON *hornet = cJSON_GetObjectItem(items, "hornet");
    const cJSON *run = cJSON_GetObjectItem(items, "hornet_run");

    (void)state;
    /* Locust's order: the first request first (/login at 100.2, /items at 100.5). */
    assert_string_equal(cJSON_GetObjectItem(login, "name")->valuestring, "/login");
    assert_string_equal(cJSON_GetObjectItem(items, "method")->valuestring, "GET");
    assert_true(num(items, "total_response_time") == 1384.87);
    assert_true(num(items, "max_response_time") == 1234.5);
    assert_true(num(items, "min_response_time") == 3.07);
    assert_true(num(items, "start_time") == 100.5);
    assert_true(num(items, "last_request_timestamp") == 102.25);
    assert_int_equal(cJSON_GetArraySize(rt), 3);
    assert_true(num(rt, "150") == 1 && num(rt, "1200") == 1);
    /* 1 request in second 100 from the timeline; the other one, in the run's last and
     * incomplete second, in the second of the last request (103). */
    assert_true(num(reqs, "100") == 1 && num(reqs, "103") == 1);
    assert_true(num(cJSON_GetObjectItem(login, "num_fail_per_sec"), "103") == 1);
    assert_true(num(cJSON_GetObjectItem(items, "num_reqs_per_sec"), "102") == 2);
    assert_true(num(hornet, "expected") == 1);
    assert_true(num(hornet, "median_response_time") == 147.3);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(hornet, "targets"), 0)
                        ->child->valuestring, "p99 < 500 ms");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(
        cJSON_GetObjectItem(hornet, "targets"), 0), "lo")));
    assert_false(cJSON_IsTrue(cJSON_GetObjectItem(run, "passed")));
    assert_string_equal(cJSON_GetObjectItem(run, "verdict")->valuestring, "FAIL");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
        cJSON_GetObjectItem(login, "hornet"), "errors"), 0), "error")->valuestring,
        "HTTP 401 Unauthorized");
    cJSON_Delete(json);
    timeline_free(t);
    free(s);
}

/* The backend's health under hornet_run: each metric with its source's state, its range and
 * its limit's verdict; a failed limit fails the run. */
static void test_the_health_metrics(void **state)
{
    struct snapshot *s = sample_snapshot();
    struct snap_health *h = &s->health;
    cJSON *json;
    const cJSON *health, *m;

    (void)state;
    h->n_sources = 2;
    h->sources[0] = (struct snap_health_source){.name = "api", .state = HEALTH_UP};
    h->sources[1] = (struct snap_health_source){.name = "flower", .state = HEALTH_DOWN,
        .error = "connection refused"};
    h->n_metrics = 2;
    h->metrics[0] = (struct snap_health_metric){.name = "Celery workers", .unit = "workers",
        .has_value = true, .value = 0, .min = 0, .max = 4, .samples = 9, .has_limit = true,
        .limit = "> 0", .status = TARGET_FAIL, .detail = "was 0 at +0:30 (limit > 0)"};
    h->metrics[1] = (struct snap_health_metric){.name = "Queue", .source = 1};
    json = render(s, NULL);
    health = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(json, 0),
                                                     "hornet_run"), "health");
    assert_int_equal(cJSON_GetArraySize(health), 2);
    m = cJSON_GetArrayItem(health, 0);
    assert_string_equal(cJSON_GetObjectItem(m, "metric")->valuestring, "Celery workers");
    assert_string_equal(cJSON_GetObjectItem(m, "source_state")->valuestring, "up");
    assert_true(num(m, "value") == 0 && num(m, "max") == 4 && num(m, "samples") == 9);
    assert_string_equal(cJSON_GetObjectItem(m, "status")->valuestring, "FAIL");
    assert_string_equal(cJSON_GetObjectItem(m, "limit")->valuestring, "> 0");
    m = cJSON_GetArrayItem(health, 1);
    assert_string_equal(cJSON_GetObjectItem(m, "source_error")->valuestring,
                        "connection refused");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(m, "value")));
    assert_string_equal(cJSON_GetObjectItem(m, "status")->valuestring, "");
    cJSON_Delete(json);
    free(s);
}

/* Without a timed request Locust writes total 0, max 0 and min null (ints, not floats). */
static void test_an_endpoint_without_latencies(void **state)
{
    struct snapshot *s = sample_snapshot();
    cJSON *json, *e;

    (void)state;
    s->endpoints[1].none_requests = 2;
    json = render(s, NULL);
    e = cJSON_GetArrayItem(json, 0);
    assert_true(num(e, "total_response_time") == 0 && num(e, "max_response_time") == 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(e, "min_response_time")));
    /* without a timeline every request lands in the second of the last one */
    assert_true(num(cJSON_GetObjectItem(e, "num_reqs_per_sec"), "103") == 2);
    cJSON_Delete(json);
    free(s);
}

static void test_no_request_is_an_empty_array(void **state)
{
    struct snapshot *s = calloc(1, sizeof *s);
    struct strbuf b = {0};

    (void)state;
    assert_int_equal(locust_json_render(s, NULL, &b), 0);
    assert_string_equal(b.data, "[]\n");
    strbuf_free(&b);
    free(s);
}

static void test_the_file_is_prefix_dot_json(void **state)
{
    struct snapshot *s = sample_snapshot();
    char dir[] = "/tmp/hornet-json.XXXXXX", prefix[64], path[80], err[256];
    char *text;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(prefix, sizeof prefix, "%s/sub/run", dir);
    assert_int_equal(locust_json_write_file(s, NULL, prefix, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s.json", prefix);
    text = slurp(path);
    assert_true(strncmp(text, "[\n    {\n        \"name\": \"/login\",\n", 34) == 0);
    free(text);
    assert_int_equal(locust_json_write_file(s, NULL, "/proc/no/such/dir/run", err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "cannot"));
    remove(path);
    snprintf(path, sizeof path, "%s/sub", dir);
    rmdir(path);
    rmdir(dir);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_shape_is_locusts_key_by_key),
        cmocka_unit_test(test_the_numbers_of_a_known_run),
        cmocka_unit_test(test_the_health_metrics),
        cmocka_unit_test(test_an_endpoint_without_latencies),
        cmocka_unit_test(test_no_request_is_an_empty_array),
        cmocka_unit_test(test_the_file_is_prefix_dot_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
