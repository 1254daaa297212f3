/* Tests of the scenario's "health" block (scenario_health.c): every kind of source, defaults,
 * shorthands, limits and references, and the loader's messages for what is wrong. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "promtext.h"
#include "promtext_internal.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "template.h"

#define CLASSES "\"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"name\": \"t\", \"steps\": " \
                "[{\"method\": \"GET\", \"path\": \"/x/\"}]}]}]"

static char *with_health(const char *health)
{
    size_t n = strlen(health) + 256;
    char *text = malloc(n);

    assert_non_null(text);
    snprintf(text, n, "{\"name\": \"h\",\n" CLASSES ",\n\"health\": %s}\n", health);
    return text;
}

static struct scenario *load_ok(const char *health)
{
    struct scenario *s = NULL;
    char err[512], *text = with_health(health);

    if (scenario_load_string(text, "h.json", &s, err, sizeof err) < 0)
        fail_msg("%s", err);
    free(text);
    return s;
}

static void load_bad(const char *health, const char *want)
{
    struct scenario *s = NULL;
    char err[512], *text = with_health(health);

    assert_int_equal(scenario_load_string(text, "h.json", &s, err, sizeof err), -1);
    assert_null(s);
    assert_string_equal(err, want);
    free(text);
}

static void test_all_kinds(void **state)
{
    struct scenario *s;
    const struct health_def *h;
    const struct health_metric_def *m;

    (void)state;
    setenv("HEALTH_TEST_TOKEN", "s3cret", 1);
    s = load_ok("{\"interval\": \"1s\", \"sources\": {"
                "\"db\": {\"type\": \"prometheus\", \"url\": \"http://127.0.0.1:9187/metrics\","
                "  \"headers\": {\"Authorization\": \"Bearer ${env:HEALTH_TEST_TOKEN}\"},"
                "  \"timeout\": \"500ms\", \"metrics\": {"
                "    \"pool\": {\"query\": \"pg_stat_activity_count{datname=\\\"eucora\\\"}\","
                "               \"unit\": \"connections\", \"limit\": \"< 80% of max\","
                "               \"for\": \"10s\", \"abort_on_fail\": true, \"abort_after\": 30},"
                "    \"max\": \"pg_settings_max_connections\","
                "    \"cpu\": {\"query\": \"process_cpu_seconds_total\", \"rate\": true},"
                "    \"rss\": \"process_resident_memory_bytes\","
                "    \"ops\": {\"query\": \"redis_commands_processed_total\", \"rate\": true}}},"
                "\"check\": {\"type\": \"json\", \"url\": \"${host}/api/v1/health/\","
                "  \"interval\": \"5s\", \"metrics\": {"
                "    \"status ok\": {\"path\": \"status\", \"equals\": \"ok\","
                "                   \"limit\": \"== 1\"},"
                "    \"in use\": \"components.database.in_use\"}},"
                "\"gunicorn\": {\"type\": \"process\", \"process\": \"gunicorn\", \"metrics\": {"
                "    \"api cpu\": {\"series\": \"cpu\", \"limit\": \"< 150%\"},"
                "    \"api rss\": \"rss\"}},"
                "\"celery\": {\"type\": \"process\", \"pid_file\": \"/run/celery.pid\","
                "  \"children\": true, \"metrics\": {\"workers\": \"processes\"}},"
                "\"box\": {\"type\": \"host\", \"metrics\": {\"load\": \"load1\","
                "    \"mem\": {\"series\": \"memory_percent\", \"limit\": \"< 90%\"},"
                "    \"queue\": {\"series\": \"load5\", \"limit\": \"no growth for 2m\"}}}}}");
    h = &s->health;
    assert_int_equal(h->n_sources, 5);
    assert_int_equal(h->n_metrics, 13);
    assert_string_equal(h->sources[0].name, "db");
    assert_int_equal(h->sources[0].kind, HEALTH_PROMETHEUS);
    assert_true(h->sources[0].interval == 1 && h->sources[0].timeout == 0.5);
    assert_int_equal(h->sources[0].n_headers, 1);
    assert_string_equal(h->sources[0].headers[0].name, "Authorization");
    assert_string_equal(tmpl_source(h->sources[0].headers[0].value),
                        "Bearer ${env:HEALTH_TEST_TOKEN}");
    assert_int_equal(h->sources[1].kind, HEALTH_JSON);
    assert_true(h->sources[1].interval == 5 && h->sources[1].timeout == 5);
    assert_int_equal(h->sources[1].first_metric, 5);
    assert_int_equal(h->sources[1].n_metrics, 2);
    assert_string_equal(h->sources[2].process, "gunicorn");
    assert_string_equal(h->sources[3].pid_file, "/run/celery.pid");
    assert_true(h->sources[3].children);
    assert_int_equal(h->sources[4].kind, HEALTH_HOST);
    m = &h->metrics[0];
    assert_string_equal(m->name, "pool");
    assert_string_equal(promtext_text(m->query), "pg_stat_activity_count{datname=\"eucora\"}");
    assert_string_equal(m->unit, "connections");
    assert_string_equal(m->limit_text, "< 80% of max");
    assert_int_equal(m->limit.ref, 1);
    assert_true(m->limit.hold == 10 && m->abort_on_fail && m->abort_after == 30);
    assert_string_equal(h->metrics[1].unit, "");             /* a shorthand selector */
    assert_string_equal(h->metrics[2].unit, "%");            /* rate of *_seconds_total */
    assert_true(h->metrics[2].scale == 100 && h->metrics[2].rate);
    assert_string_equal(h->metrics[3].unit, "bytes");        /* *_bytes */
    assert_string_equal(h->metrics[4].unit, "/s");           /* rate of another counter */
    assert_true(h->metrics[4].scale == 1);
    assert_string_equal(h->metrics[5].path.text, "status");
    assert_string_equal(h->metrics[5].equals, "ok");
    assert_int_equal(h->metrics[5].limit.op, HEALTH_OP_EQ);
    assert_null(h->metrics[6].equals);
    assert_int_equal(h->metrics[7].series, HEALTH_CPU);
    assert_string_equal(h->metrics[7].unit, "%");
    assert_string_equal(h->metrics[8].unit, "bytes");
    assert_int_equal(h->metrics[9].series, HEALTH_PROCESSES);
    assert_int_equal(h->metrics[10].series, HEALTH_LOAD1);
    assert_int_equal(h->metrics[12].limit.kind, HEALTH_LIMIT_GROWTH);
    assert_true(h->metrics[12].limit.window == 120);
    assert_int_equal(h->metrics[12].line, 3);
    scenario_free(s);
}

static void test_defaults(void **state)
{
    struct scenario *s;

    (void)state;
    s = load_ok("{\"sources\": {\"a\": {\"type\": \"json\", \"url\": \"${host}/h/\", \"metrics\":"
                " {\"x\": \"a.b\"}}}}");
    assert_true(s->health.sources[0].interval == 2 && s->health.sources[0].timeout == 2);
    assert_int_equal(s->health.metrics[0].limit.kind, HEALTH_LIMIT_NONE);
    assert_null(s->health.metrics[0].limit_text);
    assert_true(s->health.metrics[0].scale == 1);
    scenario_free(s);
    s = load_ok("{\"timeout\": \"3s\", \"interval\": 10, \"sources\": {\"a\": {\"type\": "
                "\"host\", \"metrics\": {\"x\": \"cpu\"}}}}");
    assert_true(s->health.sources[0].interval == 10 && s->health.sources[0].timeout == 3);
    scenario_free(s);
}

static void test_errors(void **state)
{
    (void)state;
    load_bad("[]", "h.json:3:11: health: expected an object, got a list");
    load_bad("{\"sources\": {}, \"intervall\": 1}",
             "h.json:3:27: health.intervall: unknown key (did you mean interval?)");
    load_bad("{\"interval\": \"100ms\", \"sources\": {}}",
             "h.json:3:24: health.interval: \"100ms\" is not an interval from 250ms to 1h");
    load_bad("{\"sources\": {}}", "h.json:3:23: health.sources: expected at least one source");
    load_bad("{\"sources\": {\"a\": {\"type\": \"prometheus\", \"url\": \"${host}/m\"}}}",
             "h.json:3:29: health.sources.a: missing required key \"metrics\"");
    load_bad("{\"sources\": {\"a\": {\"type\": \"prometeus\", \"url\": \"x\"}}}",
             "h.json:3:38: health.sources.a.type: \"prometeus\" is not a source type (did you "
             "mean prometheus?)");
    load_bad("{\"sources\": {\"a\": {\"type\": \"json\", \"url\": \"localhost:8000/h\","
             " \"metrics\": {\"x\": \"y\"}}}}",
             "h.json:3:53: health.sources.a.url: \"localhost:8000/h\" is not a URL such as "
             "\"${host}/metrics\" or \"http://127.0.0.1:9100/metrics\"");
    load_bad("{\"sources\": {\"a\": {\"type\": \"json\", \"url\": \"${host}/${token}/\","
             " \"metrics\": {\"x\": \"y\"}}}}",
             "h.json:3:64: health.sources.a.url: health URLs and headers know ${host} (the "
             "run's host) and ${env:NAME} only, not ${token}");
    load_bad("{\"sources\": {\"a\": {\"type\": \"prometheus\", \"url\": \"${host}/m\","
             " \"metrics\": {\"x\": \"up{job=}\"}}}}",
             "h.json:3:97: health.sources.a.metrics.x: \"up{job=}\" is not a Prometheus "
             "selector: expected a quoted label value");
    load_bad("{\"sources\": {\"a\": {\"type\": \"host\", \"metrics\": {\"x\": \"lod1\"}}}}",
             "h.json:3:63: health.sources.a.metrics.x: \"lod1\" is not a host series (did you "
             "mean load1?)");
    load_bad("{\"sources\": {\"a\": {\"type\": \"process\", \"metrics\": {\"x\": \"cpu\"}}}}",
             "h.json:3:29: health.sources.a: expected either \"process\" (a name) or "
             "\"pid_file\", not neither");
    load_bad("{\"sources\": {\"a\": {\"type\": \"process\", \"process\": \"gunicorn\", "
             "\"metrics\": {\"x\": {\"series\": \"rss\", \"unit\": \"MB\"}}}}}",
             "h.json:3:107: health.sources.a.metrics.x.unit: unknown key (expected one of "
             "series, scale, limit, for, abort_on_fail, abort_after)");
    load_bad("{\"sources\": {\"a\": {\"type\": \"host\", \"metrics\": {\"x\": {\"series\": "
             "\"cpu\", \"limit\": \"< 80 MB\"}}}}}",
             "h.json:3:93: health.sources.a.metrics.x.limit: \"< 80 MB\" is not a valid limit: "
             "expected a percentage such as \"80%\" or 80 after <");
    load_bad("{\"sources\": {\"a\": {\"type\": \"host\", \"metrics\": {\"x\": {\"series\": "
             "\"cpu\", \"limit\": \"< 80% of y\"}}}}}",
             "h.json:3:90: health.sources.a.metrics.x.limit: \"y\" is not a metric of the "
             "health block (did you mean \"x\"?)");
    load_bad("{\"sources\": {\"a\": {\"type\": \"host\", \"metrics\": {\"x\": {\"series\": "
             "\"cpu\", \"limit\": \"< 80% of x\"}}}}}",
             "h.json:3:90: health.sources.a.metrics.x.limit: a limit cannot be a share of its "
             "own metric");
    load_bad("{\"sources\": {\"a\": {\"type\": \"host\", \"metrics\": {\"x\": \"cpu\"}},"
             " \"b\": {\"type\": \"host\", \"metrics\": {\"x\": \"load1\"}}}}",
             "h.json:3:106: health.sources.b.metrics.x: another metric of the health block is "
             "named \"x\" (names must be unique: limits and the health CSV use them)");
    load_bad("{\"sources\": {\"a\": {\"type\": \"host\", \"metrics\": {\"x\": {\"series\": "
             "\"cpu\", \"for\": \"5s\"}}}}}",
             "h.json:3:81: health.sources.a.metrics.x.for: \"for\" needs a limit such as "
             "\"< 100\" (a growth limit has its own duration)");
    load_bad("{\"sources\": {\"a\": {\"type\": \"host\", \"metrics\": {\"x\": {\"series\": "
             "\"cpu\", \"abort_on_fail\": true}}}}}",
             "h.json:3:63: health.sources.a.metrics.x: abort_on_fail needs a \"limit\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_kinds),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
