/* Tests of the open model's CSV files (src/csv_open.c): PREFIX_corrected.csv is stats.csv's
 * text with the corrected latencies, PREFIX_stats.csv keeps the service times; the arrivals
 * file has a row per second of the timeline's schedule; csv_open_write writes each file only
 * when the run has what it holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "csv_internal.h"
#include "csv_open_internal.h"

static struct snapshot *open_snapshot(void)
{
    struct snapshot *s = calloc(1, sizeof *s);
    struct snap_stats *e;

    assert_non_null(s);
    s->now = s->start_time = 1700000000.0;
    s->n_endpoints = 1;
    e = &s->endpoints[0];
    snprintf(e->method, sizeof e->method, "GET");
    snprintf(e->name, sizeof e->name, "/api/v1/health/");
    e->requests = 4;
    e->total_us = 4000;                 /* 1 ms on average */
    e->min_us = 500;
    e->max_us = 1500;
    e->median_us = 1000;
    for (int i = 0; i < SNAP_PCT_COUNT; i++)
        e->pct_us[i] = 1000 + 50 * (uint64_t)i;
    s->total = *e;
    s->total.method[0] = '\0';
    snprintf(s->total.name, sizeof s->total.name, "Aggregated");
    s->open.corrected = true;
    s->open.endpoints[0] = (struct snap_latency){.total_us = 2004000, .min_us = 500,
                                                 .max_us = 998000, .median_us = 3000};
    for (int i = 0; i < SNAP_PCT_COUNT; i++)
        s->open.endpoints[0].pct_us[i] = 3000 + 100000 * (uint64_t)i;
    s->open.endpoints[0].pct_us[SNAP_P100] = 998000;
    s->open.total = s->open.endpoints[0];
    return s;
}

static void test_corrected_is_stats_with_corrected_latencies(void **state)
{
    struct snapshot *s = open_snapshot();
    char *stats = csv_render(CSV_STATS, s, false, NULL);
    char *corrected = csv_open_corrected(s, NULL);
    const char *row = "GET,/api/v1/health/,4,0,3,501.0,0.5,998.0,0.0,0.0,0.0,"
                      "3,103,203,303,403,503,603,703,803,903,998\r\n";

    (void)state;
    assert_non_null(stats);
    assert_non_null(corrected);
    assert_memory_equal(stats, corrected, strcspn(stats, "\n"));    /* the same header */
    assert_non_null(strstr(corrected, row));
    assert_non_null(strstr(stats, "GET,/api/v1/health/,4,0,1,1.0,0.5,1.5,"));  /* service */
    free(stats);
    free(corrected);
    free(s);
}

static void test_arrivals_rows_per_second(void **state)
{
    struct timeline *t = timeline_create();
    struct snapshot *s = calloc(1, sizeof *s);
    char *text;

    (void)state;
    s->open.n_classes = 1;
    s->open.n_points = 3;
    s->open.points[0] = (struct snap_arrival_point){.second = 1700000000, .asked = 52.5,
                                                    .started = 52, .busy = 3, .users = 5};
    s->open.points[1] = (struct snap_arrival_point){.second = 1700000001, .asked = 100,
                                                    .started = 90, .dropped = 10, .busy = 5,
                                                    .users = 5};
    s->open.points[2] = (struct snap_arrival_point){.second = 1700000003, .asked = 2.25,
                                                    .started = 2, .users = 5};
    assert_int_equal(timeline_update(t, s), 0);
    text = csv_open_arrivals(t, NULL);
    assert_string_equal(text, "Timestamp,Asked,Achieved,Dropped,Busy Users,User Count\r\n"
                              "1700000000,52.50,52,0,3,5\r\n"
                              "1700000001,100.00,90,10,5,5\r\n"
                              "1700000002,0.00,0,0,0,0\r\n"
                              "1700000003,2.25,2,0,0,5\r\n");
    free(text);
    free(s);
    timeline_free(t);
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void test_files_only_when_the_run_has_them(void **state)
{
    char dir[] = "/tmp/hornet-csv-open.XXXXXX", prefix[64], path[96], err[256];
    struct snapshot *s = open_snapshot();
    struct timeline *t = timeline_create();

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(prefix, sizeof prefix, "%s/run", dir);
    assert_int_equal(csv_open_write(prefix, s, t, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s_corrected.csv", prefix);
    assert_true(exists(path));
    unlink(path);
    snprintf(path, sizeof path, "%s_arrivals.csv", prefix);
    assert_false(exists(path));                     /* no open class: no schedule */
    s->open.corrected = false;
    s->open.n_classes = 1;
    assert_int_equal(csv_open_write(prefix, s, t, err, sizeof err), 0);
    assert_true(exists(path));
    unlink(path);
    snprintf(path, sizeof path, "%s_corrected.csv", prefix);
    assert_false(exists(path));
    snprintf(prefix, sizeof prefix, "%s/file/run", dir);        /* a file in the way */
    snprintf(path, sizeof path, "%s/file", dir);
    fclose(fopen(path, "w"));
    assert_int_equal(csv_open_write(prefix, s, t, err, sizeof err), -1);
    assert_non_null(strstr(err, "file"));
    unlink(path);
    rmdir(dir);
    free(s);
    timeline_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corrected_is_stats_with_corrected_latencies),
        cmocka_unit_test(test_arrivals_rows_per_second),
        cmocka_unit_test(test_files_only_when_the_run_has_them),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
