/* test_metrics: the Prometheus text of a run: accepted by Prometheus's own parser (promtool
 * check metrics, Debian's prometheus package), the series and values of a known snapshot,
 * label values escaped, counters that keep growing across statistics resets (and the reset
 * counted), the rendering kept per snapshot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "metrics_internal.h"

static struct snapshot *sample(uint64_t seq, double start, uint64_t requests)
{
    struct snapshot *s = calloc(1, sizeof *s);

    assert_non_null(s);
    s->seq = seq;
    s->run_start = 100.0;
    s->start_time = start;
    s->state = RUN_RUNNING;
    s->users = s->target_users = 10;
    snprintf(s->scenario, sizeof s->scenario, "sample");
    s->n_endpoints = 2;
    s->endpoints[0] = (struct snap_stats){.method = "GET", .name = "/items", .requests =
        requests, .failures = requests / 10, .total_us = requests * 20000, .cur_count = 5,
        .cur_median_us = 15000, .cur_pct_us = {[SNAP_P95] = 40000, [SNAP_P99] = 90000},
        .dist = {requests / 2, requests - requests / 2}, .current_rps = 12.5};
    s->endpoints[1] = (struct snap_stats){.method = "POST", .name = "/say \"hi\"\\\n\xff"};
    s->total = s->endpoints[0];
    snprintf(s->total.name, SNAP_NAME_MAX, "Aggregated");
    s->total.method[0] = '\0';
    s->n_errors = 1;
    s->errors[0] = (struct snap_error){.endpoint = 0, .count = requests / 10};
    snprintf(s->errors[0].text, SNAP_TEXT_MAX, "HTTP 500 Internal Server Error");
    s->n_targets = 1;
    s->targets[0] = (struct snap_target){.text = "p99 < 500 ms", .window = "run",
        .metric = TARGET_PERCENTILE, .has_data = true, .value = 90, .status = TARGET_PASS,
        .hi = 500, .lo = -INFINITY};
    s->self = (struct snap_self){.cpu_seconds = 1.5, .lag_ms = 2.5, .ncpu = 2};
    return s;
}

static char *render(const struct metrics *m, const struct snapshot *s)
{
    struct strbuf b = {0};

    assert_int_equal(metrics_render(m, s, &b), 0);
    return b.data;
}

/* promtool's verdict on the text. */
static bool promtool_accepts(const char *text)
{
    FILE *p = popen("promtool check metrics >/dev/null 2>&1", "w");

    assert_non_null(p);
    fputs(text, p);
    return pclose(p) == 0;
}

/* The value of the series whose line starts with `series ` (exact labels). */
static double value_of(const char *text, const char *series)
{
    size_t n = strlen(series);

    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    fail_msg("no series %s", series);
    return NAN;
}

static void test_promtool_accepts_the_text(void **state)
{
    struct metrics *m = metrics_create();
    struct snapshot *s = sample(1, 100.0, 200);
    char *text;

    (void)state;
    metrics_observe(m, s);
    text = render(m, s);
    assert_true(promtool_accepts(text));
    assert_true(value_of(text, "hornet_requests_total{method=\"GET\",name=\"/items\"}") == 200);
    assert_true(value_of(text, "hornet_request_failures_total{method=\"GET\",name=\"/items\"}")
                == 20);
    assert_true(value_of(text, "hornet_response_time_seconds_bucket{method=\"GET\","
                               "name=\"/items\",le=\"0.01\"}") == 100);
    assert_true(value_of(text, "hornet_response_time_seconds_bucket{method=\"GET\","
                               "name=\"/items\",le=\"+Inf\"}") == 200);
    assert_true(value_of(text, "hornet_response_time_seconds_sum{method=\"GET\","
                               "name=\"/items\"}") == 4.0);
    assert_true(value_of(text, "hornet_response_time_window_seconds{method=\"\","
                               "name=\"Aggregated\",quantile=\"0.99\"}") == 0.09);
    assert_true(value_of(text, "hornet_target_value{target=\"p99 < 500 ms\",endpoint=\"\","
                               "window=\"run\"}") == 0.09);
    assert_true(value_of(text, "hornet_target_status{target=\"p99 < 500 ms\",endpoint=\"\","
                               "window=\"run\",status=\"pass\"}") == 1);
    assert_true(value_of(text, "hornet_run_passing") == 0);            /* 20 failures */
    assert_true(value_of(text, "hornet_event_loop_lag_seconds") == 0.0025);
    assert_true(value_of(text, "process_cpu_seconds_total") == 1.5);
    assert_true(value_of(text, "hornet_errors_total{method=\"GET\",name=\"/items\",error="
                               "\"HTTP 500 Internal Server Error\",expected=\"false\"}") == 20);
    /* quote, backslash and newline escaped; a byte that is not UTF-8 as '?' */
    assert_non_null(strstr(text, "name=\"/say \\\"hi\\\"\\\\\\n?\""));
    assert_non_null(strstr(text, "# TYPE hornet_response_time_seconds histogram\n"));
    free(text);
    free(s);
    metrics_free(m);
}

/* The backend's health: sources up or down (absent before a poll), values in their unit,
 * limit statuses; the run passes no more once a limit failed. */
static void test_health_series(void **state)
{
    struct metrics *m = metrics_create();
    struct snapshot *s = sample(1, 100.0, 200);
    struct snap_health *h = &s->health;
    char *text;

    (void)state;
    s->errors[0].count = s->endpoints[0].failures = s->total.failures = 0;
    s->targets[0].has_data = false;
    h->n_sources = 3;
    h->sources[0] = (struct snap_health_source){.name = "api", .kind = "prometheus",
        .state = HEALTH_UP};
    h->sources[1] = (struct snap_health_source){.name = "flower", .kind = "json",
        .state = HEALTH_DOWN};
    h->sources[2] = (struct snap_health_source){.name = "db", .kind = "prometheus"};
    h->n_metrics = 2;
    h->metrics[0] = (struct snap_health_metric){.name = "Celery workers", .source = 0,
        .unit = "workers", .has_value = true, .value = 4, .has_limit = true, .limit = "> 0",
        .status = TARGET_PASS};
    h->metrics[1] = (struct snap_health_metric){.name = "Queue", .source = 1};
    metrics_observe(m, s);
    text = render(m, s);
    assert_true(promtool_accepts(text));
    assert_true(value_of(text, "hornet_health_source_up{source=\"api\",kind=\"prometheus\"}")
                == 1);
    assert_true(value_of(text, "hornet_health_source_up{source=\"flower\",kind=\"json\"}")
                == 0);
    assert_null(strstr(text, "source=\"db\""));
    assert_true(value_of(text, "hornet_health_value{source=\"api\",metric=\"Celery workers\","
                               "unit=\"workers\"}") == 4);
    assert_true(isnan(value_of(text, "hornet_health_value{source=\"flower\",metric="
                                     "\"Queue\",unit=\"\"}")));
    assert_true(value_of(text, "hornet_health_limit_status{source=\"api\",metric=\"Celery "
                               "workers\",limit=\"> 0\",status=\"pass\"}") == 1);
    assert_null(strstr(text, "hornet_health_limit_status{source=\"flower\""));
    assert_true(value_of(text, "hornet_run_passing") == 1);
    free(text);
    h->metrics[0].status = TARGET_FAIL;
    s->seq = 2;
    text = render(m, s);
    assert_true(value_of(text, "hornet_health_limit_status{source=\"api\",metric=\"Celery "
                               "workers\",limit=\"> 0\",status=\"fail\"}") == 1);
    assert_true(value_of(text, "hornet_run_passing") == 0);
    free(text);
    free(s);
    metrics_free(m);
}

/* A reset starts the snapshot's numbers over; the counters carry on from where they were. */
static void test_counters_never_go_down_across_resets(void **state)
{
    struct metrics *m = metrics_create();
    struct snapshot *before = sample(1, 100.0, 200), *after = sample(2, 150.0, 30);
    struct snapshot *later = sample(3, 150.0, 60);
    char *text;

    (void)state;
    metrics_observe(m, before);
    metrics_observe(m, after);
    text = render(m, after);
    assert_true(value_of(text, "hornet_requests_total{method=\"GET\",name=\"/items\"}") == 230);
    assert_true(value_of(text, "hornet_response_time_seconds_count{method=\"GET\","
                               "name=\"/items\"}") == 230);
    assert_true(value_of(text, "hornet_errors_total{method=\"GET\",name=\"/items\",error="
                               "\"HTTP 500 Internal Server Error\",expected=\"false\"}") == 23);
    assert_true(value_of(text, "hornet_stats_resets_total") == 1);
    assert_true(promtool_accepts(text));
    free(text);
    metrics_observe(m, later);                  /* no reset: only the new requests add */
    text = render(m, later);
    assert_true(value_of(text, "hornet_requests_total{method=\"GET\",name=\"/items\"}") == 260);
    assert_true(value_of(text, "hornet_stats_resets_total") == 1);
    free(text);
    /* an error group not seen since the reset keeps its count */
    later->n_errors = 0;
    text = render(m, later);
    assert_true(value_of(text, "hornet_errors_total{method=\"GET\",name=\"/items\",error="
                               "\"HTTP 500 Internal Server Error\",expected=\"false\"}") == 20);
    free(text);
    free(before);
    free(after);
    free(later);
    metrics_free(m);
}

static void test_the_text_is_rendered_once_per_snapshot(void **state)
{
    struct metrics *m = metrics_create();
    struct snapshot *s = sample(7, 100.0, 200);
    const struct strbuf *a, *b;

    (void)state;
    metrics_observe(m, s);
    a = metrics_text(m, s);
    assert_non_null(a);
    s->endpoints[0].requests = 999;             /* same seq: the kept text */
    b = metrics_text(m, s);
    assert_non_null(strstr(b->data, "name=\"/items\"} 200\n"));
    s->seq = 8;
    b = metrics_text(m, s);
    assert_non_null(strstr(b->data, "name=\"/items\"} 999\n"));
    free(s);
    metrics_free(m);
}

/* The state before any request: still a valid exposition. */
static void test_an_empty_run(void **state)
{
    struct metrics *m = metrics_create();
    struct snapshot *s = calloc(1, sizeof *s);
    char *text;

    (void)state;
    metrics_observe(m, s);
    text = render(m, s);
    assert_true(promtool_accepts(text));
    assert_true(value_of(text, "hornet_run_state{state=\"ready\"}") == 1);
    free(text);
    free(s);
    metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_promtool_accepts_the_text),
        cmocka_unit_test(test_counters_never_go_down_across_resets),
        cmocka_unit_test(test_the_text_is_rendered_once_per_snapshot),
        cmocka_unit_test(test_an_empty_run),
        cmocka_unit_test(test_health_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
