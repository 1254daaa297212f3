/* Tests of health_read: a source's poll into metric values: the captured node_exporter and
 * redis_exporter pages, JSON health checks and Flower-like answers, counter rates between two
 * polls (a fake clock), and process and host sources from /proc (a fake host tree, and this
 * test's own process through a pid file). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "health_read.h"
#include "scenario.h"
#include "health_fixture.h"
#include "scenario_internal.h"

static struct scenario *load(const char *sources)
{
    return health_fixture_load(sources);
}

static void test_node_exporter(void **state)
{
    struct scenario *s = load("{\"node\": {\"type\": \"prometheus\", \"url\": \"${host}/m\","
                              " \"metrics\": {\"load\": \"node_load1\","
                              " \"avail\": \"node_memory_MemAvailable_bytes\","
                              " \"idle0\": "
                              "\"node_cpu_seconds_total{cpu=\\\"0\\\",mode=\\\"idle\\\"}\","
                              " \"nothing\": \"node_no_such_series\"}}}");
    struct health_reader *r = health_read_create(&s->health, 0, NULL);
    struct health_sample out = {.time = 100};
    size_t len;
    char *body = health_fixture_read("tests/fixtures/prom/node_exporter.prom", &len);

    (void)state;
    health_read_body(r, body, len, &out);
    assert_true(out.ok);
    assert_int_equal(out.n, 4);
    assert_int_equal(out.series, 507);               /* its sample lines */
    assert_int_equal(out.skipped, 0);
    assert_true(out.values[0] == 1.06);
    assert_true(out.values[1] == 2.4841928704e+10);
    assert_true(out.values[2] == 474.09);
    assert_int_equal(out.states[3], HEALTH_VALUE_MISSING);
    assert_string_equal(out.missing[3], "no series matched");
    assert_true(isnan(out.values[3]));
    free(body);
    health_read_free(r);
    scenario_free(s);
}

/* A counter's rate from two polls 2 s apart; a rate of *_seconds_total is a CPU %. A counter
 * that went down (a restart) counts from zero, as Prometheus's rate(). */
static void test_rates(void **state)
{
    struct scenario *s = load("{\"redis\": {\"type\": \"prometheus\", \"url\": \"${host}/m\","
                              " \"metrics\": {\"ops\": "
                              "{\"query\": \"redis_commands_processed_total\", \"rate\": true},"
                              " \"cpu\": {\"query\": \"process_cpu_seconds_total\","
                              " \"rate\": true}, \"clients\": \"redis_connected_clients\"}}}");
    struct health_reader *r = health_read_create(&s->health, 0, NULL);
    struct health_sample out = {.time = 1000.0};
    size_t len;
    char *body = health_fixture_read("tests/fixtures/prom/redis_exporter.prom", &len);
    const char *second = "redis_commands_processed_total 417\nprocess_cpu_seconds_total 1.5\n"
                         "redis_connected_clients 7\n";
    const char *third = "redis_commands_processed_total 10\nprocess_cpu_seconds_total 2.5\n";

    (void)state;
    health_read_body(r, body, len, &out);
    assert_true(out.ok);
    assert_int_equal(out.states[0], HEALTH_VALUE_FIRST);
    assert_string_equal(out.missing[0], "a rate: known from the next poll");
    assert_true(out.values[2] == 1);
    out.time = 1002.0;
    health_read_body(r, second, strlen(second), &out);
    assert_int_equal(out.states[0], HEALTH_VALUE_OK);
    assert_true(out.values[0] == (417.0 - 117.0) / 2);
    assert_int_equal(out.states[1], HEALTH_VALUE_OK);
    assert_true(fabs(out.values[1] - 100.0 * 1.5 / 2) < 1e-9);     /* 0 -> 1.5 s in 2 s */
    assert_true(out.values[2] == 7);
    out.time = 1003.0;
    health_read_body(r, third, strlen(third), &out);
    assert_true(out.values[0] == 10);                 /* reset: 10 since zero, over 1 s */
    assert_true(fabs(out.values[1] - 100.0) < 1e-9);  /* 1 CPU second in 1 s: 100% */
    assert_int_equal(out.states[2], HEALTH_VALUE_MISSING);
    free(body);
    health_read_free(r);
    scenario_free(s);
}

static void test_not_prometheus(void **state)
{
    struct scenario *s = load("{\"x\": {\"type\": \"prometheus\", \"url\": \"${host}/m\","
                              " \"metrics\": {\"up\": \"up\"}}}");
    struct health_reader *r = health_read_create(&s->health, 0, NULL);
    struct health_sample out = {.time = 1};
    const char *html = "<html>\n<body>Login</body>\n</html>\n";

    (void)state;
    health_read_body(r, html, strlen(html), &out);
    assert_false(out.ok);
    assert_string_equal(out.error, "not Prometheus text: 3 of 3 lines unreadable (first: line 1)");
    health_read_body(r, "", 0, &out);                  /* an empty page has no series: up */
    assert_true(out.ok);
    assert_int_equal(out.states[0], HEALTH_VALUE_MISSING);
    health_read_failed(r, &out, "Connection refused");
    assert_false(out.ok);
    assert_string_equal(out.error, "Connection refused");
    health_read_free(r);
    scenario_free(s);
}

static void test_json(void **state)
{
    struct scenario *s = load("{\"hc\": {\"type\": \"json\", \"url\": \"${host}/h/\","
                              " \"metrics\": {\"ok\": {\"path\": \"status\", \"equals\": \"ok\"},"
                              " \"in use\": \"components.database.in_use\","
                              " \"planes up\": {\"path\": \"planes.*\", \"equals\": \"online\"},"
                              " \"workers\": \"workers\", \"active\": \"workers.*.active\","
                              " \"flag\": \"flags.enabled\", \"text\": \"version\","
                              " \"num text\": \"lag\", \"gone\": \"components.nope\"}}}");
    struct health_reader *r = health_read_create(&s->health, 0, NULL);
    struct health_sample out = {.time = 1};
    const char *body = "{\"status\": \"ok\", \"components\": {\"database\": {\"in_use\": 12}},"
                       " \"planes\": {\"intune\": \"online\", \"jamf\": \"offline\","
                       " \"sccm\": \"online\"}, \"workers\": {\"celery@a\": {\"active\": 3},"
                       " \"celery@b\": {\"active\": 4}}, \"flags\": {\"enabled\": true},"
                       " \"version\": \"1.2\", \"lag\": \"12.5\"}";

    (void)state;
    health_read_body(r, body, strlen(body), &out);
    assert_true(out.ok);
    assert_true(out.values[0] == 1);
    assert_true(out.values[1] == 12);
    assert_true(out.values[2] == 2);
    assert_true(out.values[3] == 2);                  /* an object: its size */
    assert_true(out.values[4] == 7);                  /* summed over every worker */
    assert_true(out.values[5] == 1);
    assert_true(out.values[6] == 1.2);                /* a string holding a number */
    assert_true(out.values[7] == 12.5);
    assert_int_equal(out.states[8], HEALTH_VALUE_MISSING);
    assert_string_equal(out.missing[8], "no number at components.nope");
    health_read_body(r, "{\"status\": \"degraded\"}", 22, &out);
    assert_true(out.values[0] == 0);
    health_read_body(r, "<html>", 6, &out);
    assert_false(out.ok);
    assert_string_equal(out.error, "response is not JSON");
    health_read_free(r);
    scenario_free(s);
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[600];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_non_null(f = fopen(path, "w"));
    fputs(text, f);
    fclose(f);
}

static void test_host(void **state)
{
    char root[] = "/tmp/hornet-health-read-XXXXXX", cmd[600];
    struct scenario *s = load("{\"box\": {\"type\": \"host\", \"metrics\": {\"cpu\": \"cpu\","
                              " \"used\": \"memory_used\", \"avail\": \"memory_available\","
                              " \"mem\": \"memory_percent\", \"l1\": \"load1\", \"l5\": \"load5\","
                              " \"l15\": \"load15\"}}}");
    struct health_reader *r;
    struct health_sample out = {.time = 10};

    (void)state;
    assert_non_null(mkdtemp(root));
    r = health_read_create(&s->health, 0, root);
    put_file(root, "stat", "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 1 1 1\n");
    put_file(root, "meminfo", "MemTotal: 2000 kB\nMemAvailable: 500 kB\n");
    put_file(root, "loadavg", "1.50 0.75 0.25 3/99 200\n");
    health_read_local(r, &out);
    assert_true(out.ok);
    assert_int_equal(out.states[0], HEALTH_VALUE_FIRST);
    assert_true(out.values[1] == 1500 * 1024.0);
    assert_true(out.values[2] == 500 * 1024.0);
    assert_true(out.values[3] == 75);
    assert_true(out.values[4] == 1.5 && out.values[5] == 0.75 && out.values[6] == 0.25);
    put_file(root, "stat", "cpu  130 0 70 850 50 0 0 0 0 0\ncpu0 1 1 1 1\n");   /* 50 of 100 */
    out.time = 11;
    health_read_local(r, &out);
    assert_int_equal(out.states[0], HEALTH_VALUE_OK);
    assert_true(fabs(out.values[0] - 50.0) < 1e-9);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    health_read_local(r, &out);
    assert_false(out.ok);
    assert_non_null(strstr(out.error, "No such file or directory"));
    health_read_free(r);
    scenario_free(s);
}

/* This process, through a pid file: one process, its memory, threads and files, and CPU % once
 * it has burnt some CPU between two samples. */
static void test_own_process(void **state)
{
    char dir[] = "/tmp/hornet-health-pid-XXXXXX", pid[32], text[600], cmd[600];
    struct scenario *s;
    struct health_reader *r;
    struct health_sample out = {.time = 0};
    struct timespec ts;
    volatile double x = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    put_file(dir, "self.pid", pid);
    snprintf(text, sizeof text, "{\"me\": {\"type\": \"process\", \"pid_file\": \"%s/self.pid\","
             " \"metrics\": {\"n\": \"processes\", \"cpu\": \"cpu\", \"rss\": \"rss\","
             " \"threads\": \"threads\", \"files\": \"open_files\"}},"
             " \"none\": {\"type\": \"process\", \"process\": \"no-such-process-here\","
             " \"metrics\": {\"n2\": \"processes\", \"cpu2\": \"cpu\"}}}", dir);
    s = load(text);
    r = health_read_create(&s->health, 0, NULL);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    out.time = (double)ts.tv_sec + ts.tv_nsec / 1e9;
    health_read_local(r, &out);
    assert_true(out.ok);
    assert_true(out.values[0] == 1);
    assert_int_equal(out.states[1], HEALTH_VALUE_FIRST);
    assert_true(out.values[2] > 1e6);
    assert_true(out.values[3] >= 1);
    assert_true(out.values[4] >= 3);
    /* busy for 300 ms of wall time: /proc counts CPU in 10 ms ticks, so the share read over
     * 300 ms is within 3.4% of the truth (over 30 ms a tick more read as 133%); under
     * ASan on a loaded machine the thread may also get less than its core */
    do {
        for (long i = 0; i < 1000000; i++)
            x += (double)i * 0.5;
        clock_gettime(CLOCK_MONOTONIC, &ts);
    } while ((double)ts.tv_sec + ts.tv_nsec / 1e9 < out.time + 0.3);
    out.time = (double)ts.tv_sec + ts.tv_nsec / 1e9;
    health_read_local(r, &out);
    assert_int_equal(out.states[1], HEALTH_VALUE_OK);
    if (!(out.values[1] > 0 && out.values[1] <= 104))  /* one busy thread: up to a core */
        fail_msg("CPU of a busy single thread over 300 ms: %.1f%%", out.values[1]);
    health_read_free(r);
    r = health_read_create(&s->health, 1, NULL);
    health_read_local(r, &out);
    assert_true(out.ok);
    assert_true(out.values[0] == 0);
    assert_int_equal(out.states[1], HEALTH_VALUE_MISSING);
    assert_string_equal(out.missing[1], "no process matches");
    health_read_free(r);
    scenario_free(s);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_node_exporter),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_not_prometheus),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_host),
        cmocka_unit_test(test_own_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
