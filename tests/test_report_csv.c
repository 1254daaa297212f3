/* Tests of reports rebuilt from CSV files (report_csv.c, report_estimate.c, report_main.c):
 * hornet's and Locust's real files parsed back exactly (counts, floats
 * as written, N/A, float medians, 4- and 6-column failures, tracebacks), broken files with
 * file:line messages, distributions estimated from percentile cells, points and timeline
 * from the history, targets judged on CSV numbers over each window, and `hornet report`'s
 * outputs and exit codes. Fixtures: tests/fixtures/report/ (see its README) and the Locust
 * files of tests/fixtures/locust/. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cdf.h"
#include "cdf_internal.h"
#include "report_internal.h"
#include "scenario.h"
#include "scenario_internal.h"

#define LOCUST "tests/fixtures/locust/"
#define FIX "tests/fixtures/report/"
#define EP REPORT_CSV_ENDPOINT_HISTORY             /* keep the history's per-endpoint rows */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *p;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    p = calloc(1, (size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char tmpdir[64];

static int setup_tmp(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hornet-report-csv.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_parse_utc(void **state)
{
    (void)state;
    assert_true(report_csv_parse_utc("1970-01-01T00:00:00Z") == 0.0);
    assert_true(report_csv_parse_utc("2026-11-30T22:46:40Z") == 1796078800.0);
    assert_true(report_csv_parse_utc("2000-02-29T12:00:01Z") == 951825601.0);
    assert_true(report_csv_parse_utc("2026-11-30 22:46:40") < 0);
    assert_true(report_csv_parse_utc("2026-13-01T00:00:00Z") < 0);
    assert_true(report_csv_parse_utc("2026-11-30T22:46:40Zx") < 0);
}

/* ---- Locust's files ----------------------------------------------------------------------- */

static void test_locust_run1_exact(void **state)
{
    struct report_csv_run run;
    char err[512];

    (void)state;
    assert_int_equal(report_csv_read_run(LOCUST "run1", EP, &run, err, sizeof err), 0);
    assert_int_equal(run.n_stats, 3);
    const struct report_csv_stats_row *r = &run.stats[0];
    assert_string_equal(r->method, "GET");
    assert_string_equal(r->name, "/");
    assert_int_equal(r->requests, 238);
    assert_int_equal(r->failures, 0);
    assert_true(r->median == 4.0);
    assert_true(r->avg == 5.580803915965437);
    assert_true(r->min == 1.6075910000097338);
    assert_true(r->max == 25.4132099999822);
    assert_true(r->avg_size == 646.0);
    assert_true(r->rps == 21.630903558236053);
    assert_true(r->fps == 0.0);
    assert_int_equal(r->pct_na, 0);
    assert_true(r->pct[SNAP_P95] == 14.0 && r->pct[SNAP_P99] == 22.0 && r->pct[SNAP_P100] == 25);
    assert_string_equal(run.stats[2].method, "POST");
    assert_int_equal(run.stats[2].failures, 83);
    assert_int_equal(run.total.requests, 418);
    assert_int_equal(run.total.failures, 180);
    assert_true(run.total.avg_size == 516.444976076555);
    assert_true(run.total.fps == 16.359506892783568);
    report_csv_free(&run);
}

static void test_locust_run1_history_failures(void **state)
{
    struct report_csv_run run;
    char err[512];

    (void)state;
    assert_int_equal(report_csv_read_run(LOCUST "run1", EP, &run, err, sizeof err), 0);
    /* history with full history: endpoint rows, the first row all N/A */
    assert_true(run.has_history && run.full_history);
    assert_int_equal(run.history[0].entry, -1);
    assert_int_equal(run.history[0].timestamp, 1796078799);
    assert_int_equal(run.history[0].users, 0);
    assert_int_equal(run.history[0].pct_na, (1u << SNAP_PCT_COUNT) - 1);
    assert_int_equal(run.history[1].entry, 0);
    assert_int_equal(run.history[2].entry, 1);
    assert_int_equal(run.history[3].entry, 2);
    assert_true(run.history[1].avg == 7.289461160004294 && run.history[1].avg_size == 646.0);
    const struct report_csv_history_row *last = &run.history[run.n_history - 1];
    assert_int_equal(last->entry, -1);
    assert_int_equal(last->requests, 378);
    assert_int_equal(last->failures, 159);
    assert_true(last->rps == 37.75 && last->fps == 15.375);
    assert_true(last->pct[SNAP_P999] == 27.0);
    /* 4-column failures; a traceback over several lines */
    assert_true(run.has_failures && !run.failures_seen);
    assert_int_equal(run.n_failures, 2);
    assert_string_equal(run.failures[0].error,
                        "HTTPError('404 Client Error: File not found for url: /nope')");
    assert_int_equal(run.failures[1].count, 83);
    assert_true(run.failures[0].first_seen == 0);
    assert_int_equal(run.n_exceptions, 1);
    assert_int_equal(run.exceptions[0].count, 107);
    assert_string_equal(run.exceptions[0].message, "deliberate exception");
    /* longer than a snapshot keeps: the end, where it was raised */
    assert_non_null(strstr(run.exceptions[0].traceback, "raise ValueError(\"deliberate "
                                                        "exception\")"));
    assert_memory_equal(run.exceptions[0].traceback, "...", 3);
    report_csv_free(&run);
}

static void test_locust_na_float_medians(void **state)
{
    char *idle = slurp(LOCUST "idle_stats.csv"), *slow = slurp(FIX "locust/slow_stats.csv");
    char *run2 = slurp(FIX "locust/run2_stats_history.csv");
    struct report_csv_run run;
    char err[512];

    (void)state;
    assert_int_equal(report_csv_parse_run(idle, run2, NULL, NULL, "idle", EP, &run, err,
                                          sizeof err), 0);
    assert_int_equal(run.n_stats, 0);
    assert_int_equal(run.total.requests, 0);
    assert_int_equal(run.total.pct_na, (1u << SNAP_PCT_COUNT) - 1);
    assert_true(run.total.avg == 0.0 && run.total.avg_size == 0.0);
    assert_int_equal(run.n_history, 1);                 /* Locust lost the other rows */
    assert_false(run.full_history);
    assert_false(run.has_failures);
    report_csv_free(&run);

    assert_int_equal(report_csv_parse_run(slow, NULL, NULL, NULL, "slow", EP, &run, err,
                                          sizeof err), 0);
    assert_true(run.stats[0].median == 150.0);
    assert_true(run.stats[1].median == 1237.0799600000169);
    assert_true(run.stats[1].min == run.stats[1].median);
    assert_true(run.stats[1].pct[SNAP_P50] == 1200.0);
    assert_true(run.total.median == 150.0);
    assert_false(run.has_history);
    report_csv_free(&run);
    free(idle);
    free(slow);
    free(run2);
}

static void test_locust_failures_variants(void **state)
{
    char *stats = slurp(LOCUST "dist_stats.csv"), *dist = slurp(FIX "locust/dist_failures.csv");
    char *seen = slurp(FIX "locust/seen_failures.csv"), *hist = slurp(LOCUST
                                                                      "dist_stats_history.csv");
    struct report_csv_run run;
    char err[512];

    (void)state;
    assert_int_equal(report_csv_parse_run(stats, hist, dist, NULL, "dist", EP, &run, err,
                                          sizeof err), 0);
    assert_int_equal(run.n_failures, 1);
    /* 2.12's double repr: the quotes are part of the text */
    assert_string_equal(run.failures[0].error, "\"HTTPError('404 Client Error: File not found "
                        "for url: http://127.0.0.1:18089/nope')\"");
    assert_int_equal(run.failures[0].count, 19);
    assert_false(run.full_history);                     /* Aggregated rows only */
    assert_int_equal(run.n_history, 11);
    assert_int_equal(run.history[6].requests, 22);
    assert_true(run.history[6].pct[SNAP_P95] == 17.0);
    report_csv_free(&run);

    assert_int_equal(report_csv_parse_run(stats, NULL, seen, NULL, "x", EP, &run, err,
                                          sizeof err), 0);
    assert_true(run.failures_seen);
    assert_true(run.failures[0].first_seen == 1796078800.0);
    assert_true(run.failures[0].last_seen == 1796078809.0);
    assert_true(run.failures[1].first_seen == 1796078801.0);
    assert_true(run.failures[1].last_seen == 0.0);       /* empty cell */
    report_csv_free(&run);
    free(stats);
    free(dist);
    free(seen);
    free(hist);
}

/* ---- hornet's files ---------------------------------------------------------------------- */

static void test_hornet_files_exact(void **state)
{
    struct report_csv_run run;
    char err[512];

    (void)state;
    assert_int_equal(report_csv_read_run(FIX "hornet_fail", EP, &run, err, sizeof err), 0);
    assert_int_equal(run.n_stats, 12);
    assert_string_equal(run.stats[3].name, "/api/v1/connectors/[plane]/publish/ [unknown "
                        "deployment]");
    assert_true(run.stats[2].avg == 72.36526666666666);
    assert_true(run.stats[2].min == 41.461 && run.stats[2].max == 190.784);
    assert_int_equal(run.stats[2].failures, 5);
    assert_int_equal(run.total.requests, 261);
    assert_int_equal(run.total.failures, 13);
    assert_true(run.total.rps == 32.72193873883288);
    assert_int_equal(run.n_failures, 5);
    assert_string_equal(run.failures[2].error, "variable ${job_id} is not set");
    assert_true(run.has_exceptions);
    assert_int_equal(run.n_exceptions, 0);
    assert_false(run.full_history);
    report_csv_free(&run);

    assert_int_equal(report_csv_read_run(FIX "hornet_full", EP, &run, err, sizeof err), 0);
    assert_true(run.full_history);
    size_t aggregated = 0;
    for (size_t i = 0; i < run.n_history; i++) {
        assert_true(run.history[i].entry >= -1);        /* every name is in stats.csv */
        aggregated += run.history[i].entry == -1;
    }
    assert_int_equal(aggregated, 9);
    assert_int_equal(run.history[run.n_history - 1].requests, run.total.requests);
    report_csv_free(&run);
    /* without the flag: the Aggregated rows only, full history still recognised */
    assert_int_equal(report_csv_read_run(FIX "hornet_full", 0, &run, err, sizeof err), 0);
    assert_true(run.full_history);
    assert_int_equal(run.n_history, 9);
    for (size_t i = 0; i < run.n_history; i++)
        assert_int_equal(run.history[i].entry, -1);
    report_csv_free(&run);
}

/* ---- broken files ------------------------------------------------------------------------ */

static void expect_error(const char *stats, const char *history, const char *want)
{
    struct report_csv_run run;
    char err[512] = "";

    assert_int_equal(report_csv_parse_run(stats, history, NULL, NULL, "out/run", EP, &run, err,
                                          sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("error '%s' does not contain '%s'", err, want);
}

static void test_broken_files(void **state)
{
    static const char head[] = "Type,Name,Request Count,Failure Count,Median Response Time\r\n";
    char text[512];

    (void)state;
    expect_error("", NULL, "out/run_stats.csv: empty file");
    expect_error("a,b\r\n1,2\r\n", NULL, "out/run_stats.csv:1: not a Locust/hornet CSV file "
                 "of this kind: no 'Type' column");
    snprintf(text, sizeof text, "%sGET,/x,12x,0,4\r\n,Aggregated,1,0,4\r\n", head);
    expect_error(text, NULL, "out/run_stats.csv:2: column 'Request Count': expected a whole "
                 "number, got '12x'");
    snprintf(text, sizeof text, "%sGET,/x,-1,0,4\r\n,Aggregated,1,0,4\r\n", head);
    expect_error(text, NULL, "got '-1'");
    snprintf(text, sizeof text, "%sGET,\"/x\nsecond line\",1,0,4\r\n,Aggregated,1,0,fast\r\n",
             head);
    expect_error(text, NULL, "out/run_stats.csv:4: column 'Median Response Time': expected a "
                 "number, got 'fast'");
    snprintf(text, sizeof text, "%sGET,/x,1,0,4\r\n", head);
    expect_error(text, NULL, "out/run_stats.csv: no Aggregated row");
    snprintf(text, sizeof text, "%sGET,\"/x,1,0,4\r\n", head);
    expect_error(text, NULL, "out/run_stats.csv:2: unterminated quote");
    snprintf(text, sizeof text, "%s,Aggregated,1,0,4\r\n", head);
    expect_error(text, head, "out/run_stats_history.csv:1: not a Locust/hornet CSV file of "
                 "this kind: no 'Timestamp' column");
    expect_error(text, "Timestamp,User Count,Type,Name,Total Request Count,Total Failure Count"
                 "\r\nnow,1,,Aggregated,1,0\r\n", "out/run_stats_history.csv:2: column "
                 "'Timestamp': expected a whole number, got 'now'");
}

static void test_read_run_files(void **state)
{
    struct report_csv_run run;
    char err[512], prefix[128], path[160];

    (void)state;
    snprintf(prefix, sizeof prefix, "%s/none", tmpdir);
    assert_int_equal(report_csv_read_run(prefix, EP, &run, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot read"));
    assert_non_null(strstr(err, "none_stats.csv: No such file or directory"));
    /* only stats.csv: the others are optional */
    snprintf(prefix, sizeof prefix, "%s/only", tmpdir);
    snprintf(path, sizeof path, "%s_stats.csv", prefix);
    write_text(path, "Type,Name,Request Count,Failure Count\r\n,Aggregated,3,1\r\n");
    assert_int_equal(report_csv_read_run(prefix, EP, &run, err, sizeof err), 0);
    assert_false(run.has_history || run.has_failures || run.has_exceptions);
    assert_int_equal(run.total.requests, 3);
    assert_int_equal(run.total.pct_na, (1u << SNAP_PCT_COUNT) - 1);   /* no such columns */
    report_csv_free(&run);
    /* a binary file is refused */
    snprintf(path, sizeof path, "%s_stats_history.csv", prefix);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite("Timestamp\0\1\2", 1, 12, f);
    fclose(f);
    assert_int_equal(report_csv_read_run(prefix, EP, &run, err, sizeof err), -1);
    assert_non_null(strstr(err, "only_stats_history.csv:1: not a text file"));
}

/* ---- estimates ------------------------------------------------------------------------ */

/* Uniform 0..100 ms: every cell exact, so the buckets are exact. */
static void uniform_cells(double *pct)
{
    for (int k = 0; k < SNAP_PCT_COUNT; k++)
        pct[k] = 100.0 * snapshot_pcts[k];
}

static void test_estimate_distribution(void **state)
{
    struct cdf c;
    double pct[SNAP_PCT_COUNT];
    uint64_t dist[SNAP_DIST_BUCKETS], sum = 0;

    (void)state;
    uniform_cells(pct);
    assert_true(cdf_from_cells(&c, pct, 0, 0.0, 100.0));
    assert_true(fabs(cdf_at(&c, 10.0) - 0.10) < 1e-12);
    assert_true(fabs(cdf_at(&c, 72.5) - 0.725) < 1e-12);
    assert_true(cdf_at(&c, -1) == 0.0 && cdf_at(&c, 100.0) == 1.0);
    cdf_dist(&c, 1000, dist);
    assert_int_equal(dist[0], 100);
    assert_int_equal(dist[1], 100);
    assert_int_equal(dist[2], 300);
    assert_int_equal(dist[3], 500);
    for (int k = 4; k < SNAP_DIST_BUCKETS; k++)
        assert_int_equal(dist[k], 0);

    /* every request at 7 ms: one bucket */
    for (int k = 0; k < SNAP_PCT_COUNT; k++)
        pct[k] = 7.0;
    assert_true(cdf_from_cells(&c, pct, 0, 7.0, 7.0));
    cdf_dist(&c, 60, dist);
    assert_int_equal(dist[0], 60);

    /* Locust's bucketed cells above the exact max are clamped; N/A cells are skipped */
    double locust[SNAP_PCT_COUNT] = {4, 5, 6, 7, 10, 14, 17, 23, 29, 29, 29};
    assert_true(cdf_from_cells(&c, locust, 1u << SNAP_P66, 1.51, 25.0));
    for (int i = 1; i < c.n; i++)
        assert_true(c.v[i] >= c.v[i - 1] && c.v[i] <= 25.0);
    cdf_dist(&c, 418, dist);
    for (int k = 0; k < SNAP_DIST_BUCKETS; k++)
        sum += dist[k];
    assert_int_equal(sum, 418);
    assert_true(dist[0] > 300 && dist[3] == 0);
    assert_false(cdf_from_cells(&c, locust, (1u << SNAP_PCT_COUNT) - 1, 1, 2));
}

static void test_estimate_window_quantiles(void **state)
{
    struct cdf c[2];
    double pct[SNAP_PCT_COUNT], w[2], v;

    (void)state;
    uniform_cells(pct);
    assert_true(cdf_from_cells(&c[0], pct, 0, 0.0, 100.0));
    w[0] = 5;
    assert_true(cdf_mix_quantile(c, w, 1, 0.95, &v));
    assert_true(fabs(v - 95.0) < 1e-9);
    /* 2000 requests uniform on 0..100 since the start; the first 1000 were uniform on 0..50:
     * the other 1000 are uniform on 50..100 */
    for (int k = 0; k < SNAP_PCT_COUNT; k++)
        pct[k] = 50.0 * snapshot_pcts[k];
    assert_true(cdf_from_cells(&c[1], pct, 0, 0.0, 50.0));
    w[0] = 2000;
    w[1] = -1000;
    assert_true(cdf_mix_quantile(c, w, 2, 0.5, &v));
    assert_true(fabs(v - 75.0) < 1e-9);
    assert_true(cdf_mix_quantile(c, w, 2, 0.99, &v));
    assert_true(fabs(v - 99.5) < 1e-9);
    w[0] = 0;
    assert_false(cdf_mix_quantile(c, w, 2, 0.5, &v));
}

/* ---- reports built from files --------------------------------------------------------------- */

static struct scenario *load_scenario(const char *json)
{
    struct scenario *s = NULL;
    char err[512];

    if (scenario_load_string(json, "t.json", &s, err, sizeof err) < 0)
        fail_msg("%s", err);
    return s;
}

static void test_build_points_timeline(void **state)
{
    struct report_csv_run run;
    struct report_estimate r;
    char err[512];
    uint64_t sum = 0;

    (void)state;
    assert_int_equal(report_csv_read_run(FIX "hornet_full", EP, &run, err, sizeof err), 0);
    assert_int_equal(report_estimate_build(&run, NULL, FIX "hornet_full", &r, err, sizeof err), 0);
    const struct snapshot *s = r.snap;
    assert_string_equal(s->scenario, "hornet_full");
    assert_true(s->finished);
    assert_true(s->run_start == 1796085211.0);          /* the first row already had requests */
    assert_true(s->end_time == 1796085219.0);
    assert_true(s->steady_start == 1796085213.0);       /* first at the peak, 20 users */
    assert_int_equal(r.n_points, 8);                    /* seconds 211..218; 219 merged */
    for (size_t i = 0; i < r.n_points; i++) {
        assert_int_equal(r.points[i].second, 1796085211 + (int64_t)i);
        sum += r.points[i].requests;
    }
    assert_int_equal(sum, 178);                         /* differences add up to the total */
    assert_int_equal(r.points[0].requests, 31);
    assert_int_equal(r.points[1].requests, 40);
    assert_int_equal(r.points[7].requests, 178 - 157);  /* two rows of the same second */
    assert_int_equal(r.points[7].users, 0);
    assert_int_equal(r.points[0].p50_us, 14000);
    assert_int_equal(r.points[1].p99_us, 34000);
    assert_int_equal(r.n_events, 2);
    assert_string_equal(r.events[0].text, "Users 0 → 20 over 2 s");
    assert_string_equal(r.events[1].text, "Users 20 → 0 over 0 s");
    assert_int_equal(s->n_endpoints, 6);
    assert_int_equal(s->total.requests, 178);
    assert_int_equal(s->total.median_us, 10000);
    assert_int_equal(s->total.max_us, 33552);
    assert_int_equal(s->total.total_us, 1934686);        /* 10.869022471910112 ms x 178 */
    uint64_t d = 0;
    for (int k = 0; k < SNAP_DIST_BUCKETS; k++)
        d += s->total.dist[k];
    assert_int_equal(d, 178);
    assert_true(r.in.dist_estimated && r.in.expected_unknown);
    assert_int_equal(r.in.pct_kind, REPORT_PCT_WINDOW);
    assert_true(r.in.passed);                           /* no target, no failure */
    report_estimate_free(&r);
    report_csv_free(&run);
}

static void test_build_errors_sorted(void **state)
{
    struct report_csv_run run;
    struct report_estimate r;
    char err[512];

    (void)state;
    assert_int_equal(report_csv_read_run(FIX "hornet_fail", EP, &run, err, sizeof err), 0);
    assert_int_equal(report_estimate_build(&run, NULL, "x", &r, err, sizeof err), 0);
    const struct snapshot *s = r.snap;
    assert_int_equal(s->n_errors, 5);
    for (uint32_t i = 1; i < s->n_errors; i++)
        assert_true(s->errors[i - 1].count >= s->errors[i].count);
    assert_int_equal(s->errors[0].count, 5);
    assert_string_equal(s->endpoints[s->errors[0].endpoint].name,
                        "/api/v1/connectors/[plane]/publish/");
    assert_false(s->errors[0].expected);
    assert_int_equal(r.in.pct_kind, REPORT_PCT_CUMULATIVE);
    assert_false(r.in.passed);                          /* failures, no rate target */
    report_estimate_free(&r);
    report_csv_free(&run);
}

/* A scenario of the hornet_full run's load (20 users) and names; "targets" follows. */
static const char scenario_head[] =
    "{\"name\": \"Deployments\", \"users\": 20, \"user_classes\": [{\"name\": \"U\", "
    "\"wait\": {\"constant\": 1}, \"tasks\": [{\"name\": \"t\", \"steps\": ["
    "{\"method\": \"GET\", \"path\": \"/api/v1/deployments/\"},"
    "{\"method\": \"POST\", \"path\": \"/api/v1/deployments/\"},"
    "{\"method\": \"GET\", \"path\": \"/api/v1/nowhere/\"}]}]}], \"targets\": ";

static struct scenario *scenario_with(const char *targets)
{
    char json[2048];
    snprintf(json, sizeof json, "%s%s}", scenario_head, targets);
    return load_scenario(json);
}

static double value_of(const struct report_csv_run *run, const struct scenario *scn, int i,
                       bool *has, bool *est, char *why)
{
    double v;
    *has = report_estimate_target_value(run, scn, &scn->targets[i], &v, est, why, 160);
    return v;
}

static void test_targets_on_csv(void **state)
{
    struct report_csv_run run;
    struct scenario *scn;
    char err[512], why[160];
    bool has, est;
    double v;

    (void)state;
    assert_int_equal(report_csv_read_run(FIX "hornet_full", EP, &run, err, sizeof err), 0);
    scn = scenario_with("{\"rps\": [50, 100], \"p99\": \"< 500ms\", \"success_rate\": \">= 99%\","
                        " \"avg\": {\"value\": 100, \"window\": \"steady\"},"
                        " \"max\": \"30ms\", \"p95\": {\"value\": 40, \"window\": \"last 3s\"},"
                        " \"endpoints\": {\"GET /api/v1/deployments/\": {\"median\": 20,"
                        " \"rps\": {\"value\": 1, \"window\": \"run\"}},"
                        " \"/api/v1/nowhere/\": {\"p99\": 10}}}");
    /* order: the loader's metric order (median, avg, p95, p99, max, success_rate, rps) */
    for (uint32_t i = 0; i < scn->n_targets; i++) {
        const struct target_def *d = &scn->targets[i];
        v = value_of(&run, scn, (int)i, &has, &est, why);
        if (d->endpoint < 0 && d->metric == TARGET_RPS) {
            /* steady: from the first row at 20 users (71 requests, 1796085213) to the end */
            assert_true(has && !est);
            assert_true(fabs(v - (178.0 - 71.0) / 6.0) < 1e-9);
        } else if (d->endpoint < 0 && d->metric == TARGET_PERCENTILE && d->pct == 0.99) {
            assert_true(has && !est && v == 31.0);      /* stats.csv's 99% cell */
        } else if (d->endpoint < 0 && d->metric == TARGET_PERCENTILE && d->pct == 1.0) {
            assert_true(has && v == 33.552);            /* the exact max, not the cell */
        } else if (d->endpoint < 0 && d->metric == TARGET_SUCCESS_RATE) {
            assert_true(has && v == 1.0);
        } else if (d->endpoint < 0 && d->metric == TARGET_AVERAGE) {
            double want = (10.869022471910112 * 178 - 14.647154929577464 * 71) / (178 - 71);
            assert_true(has && !est && fabs(v - want) < 1e-9);
        } else if (d->endpoint < 0 && d->metric == TARGET_PERCENTILE) {
            assert_true(has && est);                    /* p95 over the last 3 s: estimated */
            assert_true(v > 10 && v < 34.0);
        } else if (d->metric == TARGET_MEDIAN) {
            assert_true(has && v == 12.0);              /* GET /api/v1/deployments/ */
        } else if (d->metric == TARGET_RPS) {
            assert_true(has && v == 2.9232324531343092);
        } else {
            assert_false(has);                          /* GET /api/v1/nowhere/ */
            assert_string_equal(why, "no data: GET /api/v1/nowhere/ has no row in stats.csv");
        }
    }
    scenario_free(scn);
    report_csv_free(&run);
}

/* Without full history: endpoint windows cannot be judged, and say why. */
static void test_targets_without_full_history(void **state)
{
    struct report_csv_run run;
    struct scenario *scn;
    char err[512], why[160];
    bool has, est;
    double v;

    (void)state;
    assert_int_equal(report_csv_read_run(FIX "hornet_fail", EP, &run, err, sizeof err), 0);
    scn = load_scenario("{\"name\": \"c\", \"user_classes\": [{\"name\": \"U\", \"wait\": "
                        "{\"constant\": 1}, \"tasks\": [{\"name\": \"t\", \"steps\": [{\"method\":"
                        " \"GET\", \"path\": \"/api/v1/connectors/\"}]}]}], \"targets\": "
                        "{\"p99\": {\"value\": 500, \"window\": \"steady\"}, \"endpoints\": "
                        "{\"/api/v1/connectors/\": {\"rps\": 5}}}}");
    v = value_of(&run, scn, 0, &has, &est, why);
    assert_true(has && est && v > 0 && v <= 191.0);
    v = value_of(&run, scn, 1, &has, &est, why);
    assert_false(has);
    assert_non_null(strstr(why, "written without --csv-full-history"));
    scenario_free(scn);
    report_csv_free(&run);
}

static void test_build_report_verdict(void **state)
{
    struct report_csv_run run;
    struct report_estimate r;
    struct scenario *scn;
    char err[512];

    (void)state;
    assert_int_equal(report_csv_read_run(FIX "hornet_full", EP, &run, err, sizeof err), 0);
    scn = scenario_with("{\"rps\": [50, 100], \"p99\": \"< 30ms\", \"p50\": \"< 200ms\", "
                        "\"success_rate\": \">= 99%\"}");
    assert_int_equal(report_estimate_build(&run, scn, "p", &r, err, sizeof err), 0);
    const struct snapshot *s = r.snap;
    assert_string_equal(s->scenario, "Deployments");
    assert_int_equal(s->n_targets, 4);
    for (uint32_t i = 0; i < s->n_targets; i++) {
        const struct snap_target *t = &s->targets[i];
        if (t->metric == TARGET_RPS) {
            assert_int_equal(t->status, TARGET_FAIL);   /* 17.8/s: below 50 */
            assert_string_equal(t->window, "steady");
            assert_non_null(strstr(t->detail, "< 50.0/s"));
        } else if (t->metric == TARGET_PERCENTILE && t->hi == 30) {
            assert_int_equal(t->status, TARGET_FAIL);   /* 31 ms > 30 ms */
            assert_string_equal(t->detail, "31 ms > 30 ms (+3%)");
        } else {
            assert_int_equal(t->status, TARGET_PASS);
        }
    }
    assert_false(r.in.passed);
    assert_int_equal(r.in.targets_estimated, 0);
    report_estimate_free(&r);
    scenario_free(scn);
    /* the scenario's load is 50 users, the run had 20: throughput is not judged */
    scn = load_scenario("{\"name\": \"d\", \"users\": 50, \"user_classes\": [{\"name\": "
                        "\"U\", \"wait\": {\"constant\": 1}, \"tasks\": [{\"name\": \"t\", "
                        "\"steps\": [{\"method\": \"GET\", \"path\": \"/x\"}]}]}], "
                        "\"targets\": {\"rps\": [50, 100], \"p99\": \"< 500ms\"}}");
    assert_int_equal(report_estimate_build(&run, scn, "p", &r, err, sizeof err), 0);
    assert_int_equal(r.snap->targets[1].metric, TARGET_RPS);
    assert_int_equal(r.snap->targets[1].status, TARGET_SKIPPED);
    assert_string_equal(r.snap->targets[1].detail, "not judged: the load differs from the "
                        "scenario's (peak 20 users, the scenario's 50)");
    assert_true(r.in.passed);
    report_estimate_free(&r);
    scenario_free(scn);
    report_csv_free(&run);
}

static void test_history_gaps(void **state)
{
    static const char stats[] = "Type,Name,Request Count,Failure Count\r\n,Aggregated,60,3\r\n";
    static const char hist[] =
        "Timestamp,User Count,Type,Name,Total Request Count,Total Failure Count,50%\r\n"
        "100,2,,Aggregated,10,0,5\r\n"
        "200,4,,Aggregated,30,1,6\r\n"
        "150,4,,Aggregated,35,1,6\r\n"         /* the clock went back: skipped */
        "10000,1,,Aggregated,60,3,7\r\n";      /* a pause of hours: one point */
    struct report_csv_run run;
    struct report_estimate r;
    char err[512];
    uint64_t sum = 0;

    (void)state;
    assert_int_equal(report_csv_parse_run(stats, hist, NULL, NULL, "g", EP, &run, err,
                                          sizeof err), 0);
    assert_int_equal(report_estimate_build(&run, NULL, "g", &r, err, sizeof err), 0);
    assert_int_equal(r.n_points, 1 + 100 + 1);
    for (size_t i = 0; i < r.n_points; i++) {
        sum += r.points[i].requests;
        if (i)
            assert_true(r.points[i].second > r.points[i - 1].second);
    }
    assert_int_equal(sum, 60);
    assert_int_equal(r.points[0].second, 99);
    assert_int_equal(r.points[1].second, 100);
    assert_int_equal(r.points[1].requests, 0);          /* 20 over 100 s: 0.2 a second */
    assert_int_equal(r.points[100].requests, 20);       /* the remainder on the last */
    assert_int_equal(r.points[101].second, 9999);
    assert_int_equal(r.points[101].p50_us, 7000);
    report_estimate_free(&r);
    report_csv_free(&run);
}

/* Locust's web UI run: 3 users, then 6 in the last row: a ramp, and no steady window. */
static void test_history_user_changes(void **state)
{
    char *web = slurp(FIX "locust/web_stats_history.csv"), *idle = slurp(LOCUST
                                                                         "idle_stats.csv");
    struct report_csv_run run;
    struct report_estimate r;
    char err[512];

    (void)state;
    assert_int_equal(report_csv_parse_run(idle, web, NULL, NULL, "web", EP, &run, err,
                                          sizeof err), 0);
    assert_int_equal(report_estimate_build(&run, NULL, "web", &r, err, sizeof err), 0);
    assert_int_equal(r.n_events, 2);
    assert_string_equal(r.events[0].text, "Users 0 → 3 over 1 s");
    assert_true(r.events[0].time == 1796079050.0);
    assert_string_equal(r.events[1].text, "Users 3 → 6 over 1 s");
    assert_true(r.snap->steady_start == 0);             /* 6 users in the last row only */
    report_estimate_free(&r);
    struct scenario *scn = scenario_with("{\"rps\": 1}");
    double v;
    bool est;
    char why[160];
    assert_false(report_estimate_target_value(&run, scn, &scn->targets[0], &v, &est, why,
                                              sizeof why));
    assert_string_equal(why, "no data: the user count never held its peak (the ramp-up did "
                        "not complete), so the steady window never started");
    scenario_free(scn);
    report_csv_free(&run);
    free(web);
    free(idle);
}

/* A history of Aggregated rows with these user counts, one per second. */
static char *history_of(const uint32_t *users, size_t n)
{
    size_t cap = 512 + n * 128, len;
    char *t = malloc(cap);

    len = (size_t)snprintf(t, cap, "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%%,"
                           "66%%,75%%,80%%,90%%,95%%,98%%,99%%,99.9%%,99.99%%,100%%,Total Request "
                           "Count,Total Failure Count,Total Median Response Time,Total Average "
                           "Response Time,Total Min Response Time,Total Max Response Time,Total "
                           "Average Content Size\r\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(t + len, cap - len, "%zu,%u,,Aggregated,0.000000,0.000000,"
                                "1,1,1,1,1,1,1,1,1,1,1,%zu,0,1,1.0,1.0,1.0,10.0\r\n",
                                1796000000 + i, users[i], (i + 1) * 10);
    return t;
}

/* The steady window needs the peak held for 3 rows: a ramp cut short by -t shows its last
 * count for a step and the stopping second at most, and has none (as the engine says live). */
static void test_steady_needs_a_held_peak(void **state)
{
    static const uint32_t cut[] = {10, 20, 30, 40, 50, 60, 70, 80, 80, 0};
    static const uint32_t held[] = {10, 20, 30, 40, 50, 50, 50, 50, 50, 0};
    char *idle = slurp(LOCUST "idle_stats.csv"), *h;
    struct report_csv_run run;
    struct report_estimate r;
    char err[512];

    (void)state;
    h = history_of(cut, 10);
    assert_int_equal(report_csv_parse_run(idle, h, NULL, NULL, "cut", EP, &run, err, sizeof err),
                     0);
    assert_int_equal(report_estimate_build(&run, NULL, "cut", &r, err, sizeof err), 0);
    assert_true(r.snap->steady_start == 0);
    report_estimate_free(&r);
    report_csv_free(&run);
    free(h);
    h = history_of(held, 10);
    assert_int_equal(report_csv_parse_run(idle, h, NULL, NULL, "held", EP, &run, err, sizeof err),
                     0);
    assert_int_equal(report_estimate_build(&run, NULL, "held", &r, err, sizeof err), 0);
    assert_true(r.snap->steady_start == 1796000004.0);  /* the first row at 50 users */
    report_estimate_free(&r);
    report_csv_free(&run);
    free(h);
    free(idle);
}

/* Full-history rows over a long steady window: every row's window cells count, not only the
 * last ones. */
static void test_window_kind_long_steady(void **state)
{
    char stats[256], *hist = calloc(1, 64 * 1024), line[256];
    struct report_csv_run run;
    struct scenario *scn;
    double v;
    bool est;
    size_t at;

    (void)state;
    assert_non_null(hist);
    snprintf(stats, sizeof stats, "Type,Name,Request Count,Failure Count\r\nGET,/api/v1/"
             "deployments/,6000,0\r\n,Aggregated,6000,0\r\n");
    at = (size_t)snprintf(hist, 64 * 1024, "Timestamp,User Count,Type,Name,Total Request "
                          "Count,Total Failure Count,50%%,90%%,100%%\r\n");
    /* 600 s at 10/s; the first 200 s at 100 ms, then 20 ms */
    for (int t = 1; t <= 600; t++) {
        int ms = t <= 200 ? 100 : 20;
        for (int e = 0; e < 2; e++) {
            snprintf(line, sizeof line, "%d,5,%s,%s,%d,0,%d,%d,%d\r\n", 1000 + t,
                     e ? "" : "GET", e ? "Aggregated" : "/api/v1/deployments/", t * 10, ms,
                     ms, ms);
            at += (size_t)snprintf(hist + at, 64 * 1024 - at, "%s", line);
        }
    }
    assert_int_equal(report_csv_parse_run(stats, hist, NULL, NULL, "w", EP, &run, NULL, 0), 0);
    assert_true(run.full_history);
    scn = scenario_with("{\"p90\": {\"value\": 500, \"window\": \"last 600s\"}, "
                        "\"p50\": {\"value\": 500, \"window\": \"last 600s\"}, "
                        "\"p95\": {\"value\": 500, \"window\": \"last 300s\"}}");
    /* loader order: p50, p90, p95. A third of the run at 100 ms: p90 is 100, p50 20 */
    assert_true(report_estimate_target_value(&run, scn, &scn->targets[0], &v, &est, NULL,
                                             0) && est);
    assert_true(v == 20.0);
    assert_true(report_estimate_target_value(&run, scn, &scn->targets[1], &v, &est, NULL,
                                             0) && est);
    assert_true(v == 100.0);
    assert_true(report_estimate_target_value(&run, scn, &scn->targets[2], &v, &est, NULL,
                                             0) && est);
    assert_true(v == 20.0);                             /* the last 300 s were all 20 ms */
    scenario_free(scn);
    report_csv_free(&run);
    free(hist);
}

/* ---- hornet report ------------------------------------------------------------------------- */

/* Run report_main with stdout and stderr captured into out (may be NULL). */
static int run_main(char *out, size_t n, int argc, ...)
{
    char *argv[16];
    char path[128];
    va_list ap;
    int rc, saved_out = dup(1), saved_err = dup(2), fd;

    va_start(ap, argc);
    for (int i = 0; i < argc && i < 15; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    argv[argc] = NULL;
    snprintf(path, sizeof path, "%s/main.out", tmpdir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    fflush(stdout);
    fflush(stderr);
    dup2(fd, 1);
    dup2(fd, 2);
    rc = report_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    close(fd);
    if (out) {
        char *text = slurp(path);
        snprintf(out, n, "%s", text);
        free(text);
    }
    return rc;
}

static void copy_file(const char *from, const char *to)
{
    char *text = slurp(from);
    write_text(to, text);
    free(text);
}

static void test_main_usage(void **state)
{
    char out[4096];

    (void)state;
    assert_int_equal(run_main(out, sizeof out, 1, "report"), 2);
    assert_non_null(strstr(out, "hornet report: missing PREFIX"));
    assert_int_equal(run_main(out, sizeof out, 3, "report", "a", "b"), 2);
    assert_non_null(strstr(out, "one PREFIX only"));
    assert_int_equal(run_main(out, sizeof out, 3, "report", "a", "--nope"), 2);
    assert_non_null(strstr(out, "unknown option --nope"));
    assert_int_equal(run_main(out, sizeof out, 3, "report", "a", "--md"), 2);
    assert_non_null(strstr(out, "--md: expected a file name"));
    assert_int_equal(run_main(out, sizeof out, 2, "report", "--help"), 0);
    assert_non_null(strstr(out, "Usage: hornet report PREFIX"));
    assert_int_equal(run_main(out, sizeof out, 2, "report", "/nonexistent/dir/run"), 2);
    assert_non_null(strstr(out, "cannot read /nonexistent/dir/run_stats.csv"));
    assert_int_equal(run_main(out, sizeof out, 4, "report", LOCUST "run1", "--scenario",
                              "/nonexistent.json"), 2);
    assert_non_null(strstr(out, "hornet report: "));
}

static void test_main_locust_run(void **state)
{
    char out[4096], prefix[128], path[256];
    struct stat st;

    (void)state;
    snprintf(prefix, sizeof prefix, "%s/locust/run1", tmpdir);
    snprintf(path, sizeof path, "%s/locust", tmpdir);
    mkdir(path, 0777);
    const char *files[] = {"stats", "stats_history", "failures", "exceptions"};
    for (int i = 0; i < 4; i++) {
        char from[128];
        snprintf(from, sizeof from, LOCUST "run1_%s.csv", files[i]);
        snprintf(path, sizeof path, "%s_%s.csv", prefix, files[i]);
        copy_file(from, path);
    }
    /* Locust's run has failures and no targets: FAIL, exit 1, both files at the defaults */
    assert_int_equal(run_main(out, sizeof out, 2, "report", prefix), 1);
    assert_non_null(strstr(out, "Verdict: FAIL (no targets; 180 unexpected failures in 418 "
                            "requests)"));
    snprintf(path, sizeof path, "%s_report.md", prefix);
    assert_int_equal(stat(path, &st), 0);
    char *md = slurp(path);
    assert_non_null(strstr(md, "| 418 | 180 (43.1%) | not recorded |"));
    assert_non_null(strstr(md, "| `GET /nope` | HTTPError('404 Client Error: File not found "
                           "for url: /nope') | 97 |"));
    assert_non_null(strstr(md, "Percentiles of the ~10 s window"));
    free(md);
    snprintf(path, sizeof path, "%s_report.html", prefix);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 10000);
    /* explicit outputs in new directories; an output that cannot be written is exit 2 */
    char md_path[200], html_path[200];
    snprintf(md_path, sizeof md_path, "%s/new/dir/r.md", tmpdir);
    snprintf(html_path, sizeof html_path, "%s/new/other/r.html", tmpdir);
    assert_int_equal(run_main(out, sizeof out, 6, "report", prefix, "--md", md_path,
                              "--html", html_path), 1);
    assert_int_equal(stat(md_path, &st), 0);
    assert_int_equal(stat(html_path, &st), 0);
    snprintf(md_path, sizeof md_path, "--md=%s/new/dir/r.md/sub.md", tmpdir);
    assert_int_equal(run_main(out, sizeof out, 3, "report", prefix, md_path), 2);
    assert_non_null(strstr(out, "cannot"));
    /* --report names the Markdown file, as it does for a run (--md is its alias) */
    snprintf(md_path, sizeof md_path, "%s/via-report.md", tmpdir);
    assert_int_equal(run_main(out, sizeof out, 4, "report", prefix, "--report", md_path), 1);
    assert_int_equal(stat(md_path, &st), 0);
    assert_non_null(strstr(out, "wrote "));
    assert_non_null(strstr(out, "via-report.md"));
    char attached[220];
    snprintf(attached, sizeof attached, "--report=%s/attached.md", tmpdir);
    assert_int_equal(run_main(out, sizeof out, 3, "report", prefix, attached), 1);
    snprintf(md_path, sizeof md_path, "%s/attached.md", tmpdir);
    assert_int_equal(stat(md_path, &st), 0);
    assert_int_equal(run_main(out, sizeof out, 3, "report", "a", "--report"), 2);
    assert_non_null(strstr(out, "--report: expected a file name"));
    assert_int_equal(run_main(out, sizeof out, 2, "report", "--help"), 0);
    assert_non_null(strstr(out, "--report FILE"));
}

static void test_main_scenario_verdicts(void **state)
{
    char out[4096], scn_path[160];

    (void)state;
    snprintf(scn_path, sizeof scn_path, "%s/pass.json", tmpdir);
    char json[2048];
    snprintf(json, sizeof json, "%s{\"p99\": \"< 500ms\", \"success_rate\": \">= 99%%\"}}",
             scenario_head);
    write_text(scn_path, json);
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s/full", tmpdir);
    const char *files[] = {"stats", "stats_history", "failures", "exceptions"};
    for (int i = 0; i < 4; i++) {
        char from[128], to[200];
        snprintf(from, sizeof from, FIX "hornet_full_%s.csv", files[i]);
        snprintf(to, sizeof to, "%s_%s.csv", prefix, files[i]);
        copy_file(from, to);
    }
    assert_int_equal(run_main(out, sizeof out, 4, "report", prefix, "--scenario", scn_path), 0);
    assert_non_null(strstr(out, "Verdict: PASS (2 of 2 targets met)"));
    snprintf(json, sizeof json, "%s{\"p99\": \"< 25ms\", \"rps\": \">= 10\"}}", scenario_head);
    write_text(scn_path, json);
    assert_int_equal(run_main(out, sizeof out, 4, "report", prefix, "-f", scn_path), 1);
    assert_non_null(strstr(out, "31 ms > 25 ms (+24%)"));
    assert_non_null(strstr(out, "Verdict: FAIL (1 of 2 targets met)"));
    char md[200];
    snprintf(md, sizeof md, "%s_report.md", prefix);
    char *text = slurp(md);
    assert_non_null(strstr(text, "| All requests | p99 < 25 ms | run | 31 ms | +24% over the "
                             "bound | **FAIL** |"));
    assert_non_null(strstr(text, "- Target failed: All requests, p99 < 25 ms (run window): "
                             "31 ms > 25 ms (+24%)"));
    free(text);
}

/* The open model's files: PREFIX_arrivals.csv's rows (none when there is no file, a located
 * error for a bad row) and PREFIX_corrected.csv read as a stats file. */
static void test_open_model_files(void **state)
{
    char path[128], err[256];
    struct snap_arrival_point *a = NULL;
    struct report_csv_run run;
    size_t n = 7;

    (void)state;
    snprintf(path, sizeof path, "%s/none_arrivals.csv", tmpdir);
    assert_int_equal(report_csv_read_arrivals(path, &a, &n, err, sizeof err), 0);
    assert_null(a);
    assert_int_equal(n, 0);
    snprintf(path, sizeof path, "%s/x_arrivals.csv", tmpdir);
    write_text(path, "Timestamp,Asked,Achieved,Dropped,Busy Users,User Count\r\n"
                     "1700000000,52.50,52,0,3,5\r\n1700000001,100.00,90,10,5,6\r\n");
    assert_int_equal(report_csv_read_arrivals(path, &a, &n, err, sizeof err), 1);
    assert_int_equal(n, 2);
    assert_true(a[0].second == 1700000000 && a[0].asked == 52.5 && a[0].started == 52);
    assert_true(a[1].dropped == 10 && a[1].busy == 5 && a[1].users == 6);
    free(a);
    write_text(path, "Timestamp,Asked,Achieved,Dropped,Busy Users,User Count\r\n"
                     "1700000000,52.50,52,0,3,5\r\n1700000001,lots,90,10,5,6\r\n");
    assert_int_equal(report_csv_read_arrivals(path, &a, &n, err, sizeof err), -1);
    assert_null(a);
    assert_non_null(strstr(err, "x_arrivals.csv:3: expected Timestamp,Asked,"));
    for (int i = 0; i < 3; i++) {       /* no second asks for NaN, -1 or 1e300 arrivals */
        static const char *const asked[] = {"nan", "-1", "1e300"};
        char text[256];

        snprintf(text, sizeof text, "Timestamp,Asked,Achieved,Dropped,Busy Users,User Count\r\n"
                 "1700000000,%s,52,0,3,5\r\n", asked[i]);
        write_text(path, text);
        assert_int_equal(report_csv_read_arrivals(path, &a, &n, err, sizeof err), -1);
        assert_non_null(strstr(err, "x_arrivals.csv:2: expected"));
    }
    snprintf(path, sizeof path, "%s/x_corrected.csv", tmpdir);
    write_text(path, "Type,Name,Request Count,Failure Count,Median Response Time\r\n"
                     "GET,/a,3,0,250\r\n,Aggregated,3,0,250\r\n");
    assert_int_equal(report_csv_read_stats(path, &run, err, sizeof err), 0);
    assert_int_equal(run.n_stats, 1);
    assert_true(run.has_total && run.total.median == 250);
    report_csv_free(&run);
    snprintf(path, sizeof path, "%s/none_corrected.csv", tmpdir);
    assert_int_equal(report_csv_read_stats(path, &run, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot read"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_utc),
        cmocka_unit_test(test_locust_run1_exact),
        cmocka_unit_test(test_locust_run1_history_failures),
        cmocka_unit_test(test_locust_na_float_medians),
        cmocka_unit_test(test_locust_failures_variants),
        cmocka_unit_test(test_hornet_files_exact),
        cmocka_unit_test(test_broken_files),
        cmocka_unit_test(test_read_run_files),
        cmocka_unit_test(test_estimate_distribution),
        cmocka_unit_test(test_estimate_window_quantiles),
        cmocka_unit_test(test_build_points_timeline),
        cmocka_unit_test(test_build_errors_sorted),
        cmocka_unit_test(test_targets_on_csv),
        cmocka_unit_test(test_targets_without_full_history),
        cmocka_unit_test(test_build_report_verdict),
        cmocka_unit_test(test_history_gaps),
        cmocka_unit_test(test_history_user_changes),
        cmocka_unit_test(test_steady_needs_a_held_peak),
        cmocka_unit_test(test_window_kind_long_steady),
        cmocka_unit_test(test_main_usage),
        cmocka_unit_test(test_main_locust_run),
        cmocka_unit_test(test_main_scenario_verdicts),
        cmocka_unit_test(test_open_model_files),
    };
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
