/* Tests of a campaign's results document built from files written here: the summary rows
 * carry the stats files' numbers, every status shows (PASS, FAIL, INTERRUPTED read back from
 * RUNNING, NOT RUN), the findings come with their evidence (slowest endpoint, p99 growing
 * with users across scenarios and along a ramp, error clusters, the throughput target, a
 * backend-health limit reached, the load generator saturated), next steps follow from them,
 * and the HTML has a section per scenario. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "campaign_csv.h"
#include "report.h"

#define STATS_HEAD "Type,Name,Request Count,Failure Count,Median Response Time,Average " \
    "Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s," \
    "Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\r\n"
#define HISTORY_HEAD "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%," \
    "90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median " \
    "Response Time,Total Average Response Time,Total Min Response Time,Total Max Response " \
    "Time,Total Average Content Size\r\n"

static char dir[64];

static void put(const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *name)
{
    static char buf[1 << 18];
    char path[256];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* A stats row: one endpoint with its median and p99 (ms), requests and failures. */
static void stats_row(char *out, size_t n, const char *method, const char *name, int reqs,
                      int fails, int med, int p99, double rps)
{
    snprintf(out + strlen(out), n - strlen(out), "%s,%s,%d,%d,%d,%d.0,1.0,%d.0,10,%.2f,0.0,"
             "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d\r\n", method, name, reqs, fails, med, med, p99,
             rps, med, med, med, med, med, p99, p99, p99, p99, p99, p99);
}

/* A scenario's files: GET /x (and its Aggregated row), a ramp from 10 to `users` users with
 * /x's p99 going from p99_lo to p99, and failures. */
static void scenario_files(const char *prefix, int users, int p99_lo, int p99, int fails)
{
    char text[8192] = STATS_HEAD, name[128];
    long t0 = 1796580000;

    stats_row(text, sizeof text, "GET", "/x", 1000, fails, 10, p99, 50);
    stats_row(text, sizeof text, "", "Aggregated", 1000, fails, 10, p99, 50);
    snprintf(name, sizeof name, "%s_stats.csv", prefix);
    put(name, text);
    snprintf(text, sizeof text, "%s", HISTORY_HEAD);
    for (int s = 0; s < 4; s++) {
        int u = s == 0 ? users / 10 : users, v = s == 0 ? p99_lo : p99;

        for (int k = 0; k < 2; k++)
            snprintf(text + strlen(text), sizeof text - strlen(text),
                     "%ld,%d,%s,%s,50,0,10,10,10,10,10,%d,%d,%d,%d,%d,%d,%d,%d,0,10,5,1,%d,10\r\n",
                     t0 + s, u, k ? "" : "GET", k ? "Aggregated" : "/x", v, v, v, v, v, v, v,
                     (s + 1) * 250, v);
    }
    snprintf(name, sizeof name, "%s_stats_history.csv", prefix);
    put(name, text);
    snprintf(text, sizeof text, "Method,Name,Error,Occurrences\r\n");
    if (fails)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "GET,/x,HTTP 503 Service Unavailable,%d\r\n", fails);
    snprintf(name, sizeof name, "%s_failures.csv", prefix);
    put(name, text);
    snprintf(name, sizeof name, "%s_expected.csv", prefix);
    put(name, "Method,Name,Response,Occurrences\r\nGET,/x,HTTP 404 Not Found,7\r\n");
}

static int make_dir(void **state)
{
    static const char scenario[] =
        "{\"name\": \"S\", \"users\": 100, \"user_classes\": [{\"name\": \"U\", \"tasks\": "
        "[{\"steps\": [{\"method\": \"GET\", \"path\": \"/x\"}]}]}], \"targets\": {\"rps\": "
        "\">= 80\", \"p99\": \"< 300ms\"}}";
    char path[128];
    struct campaign_row rows[4] = {
        {.campaign = "nightly", .index = 1, .name = "Small", .prefix = "01_small",
         .status = CAMPAIGN_PASS, .users = 100, .cpu_percent = 12},
        {.campaign = "nightly", .index = 2, .name = "Big", .prefix = "02_big",
         .status = CAMPAIGN_FAIL, .users = 1000, .cpu_percent = 93.5, .saturated_seconds = 4.5,
         .message = "p99 < 300 ms: 450 ms > 300 ms (+50%)"},
        {.campaign = "nightly", .index = 3, .name = "Cut", .prefix = "03_cut",
         .status = CAMPAIGN_RUNNING, .users = 100, .cpu_percent = -1},
        {.campaign = "nightly", .index = 4, .name = "Later", .prefix = "04_later",
         .status = CAMPAIGN_NOT_RUN, .cpu_percent = -1,
         .message = "not run: a stop signal (Ctrl-C) during the scenario before"},
    };
    char err[256];

    (void)state;
    snprintf(dir, sizeof dir, "/tmp/hornet-report-campaign.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    put("s.json", scenario);
    snprintf(path, sizeof path, "%s/s.json", dir);
    for (int i = 0; i < 4; i++)
        snprintf(rows[i].scenario, sizeof rows[i].scenario, "%s", path);
    scenario_files("01_small", 100, 20, 40, 0);
    scenario_files("02_big", 1000, 30, 450, 25);
    put("02_big_health.csv", "Timestamp,Source,Metric,Value,Unit,Limit,Error\r\n"
        "1796580000.5,api,Celery workers,4,workers,> 0,\r\n"
        "1796580002.5,api,Celery workers,0,workers,> 0,\r\n");
    scenario_files("03_cut", 100, 20, 60, 0);
    return campaign_csv_write(dir, rows, 4, err, sizeof err);
}

static int remove_dir(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_summary(void **state)
{
    char err[512];
    const char *md;

    (void)state;
    assert_int_equal(report_campaign_write(dir, err, sizeof err), 0);
    md = slurp("RESULTS.md");
    assert_non_null(strstr(md, "# Campaign results: nightly\n"));
    assert_non_null(strstr(md, "**1 of 4 scenarios passed** (1 failed, 1 interrupted, 1 not run)"));
    assert_non_null(strstr(md, "| 1. Small | PASS | 100 | 4.0 s | 1,000 | 0 (0%) | 7 | "
                           "50.0/s vs ≥ 80/s | 10 ms | 40 ms vs < 300 ms |"));
    assert_non_null(strstr(md, "| 2. Big | **FAIL** | 1000 | 4.0 s | 1,000 | 25 (2.50%) | 7 |"));
    assert_non_null(strstr(md, "| 3. Cut | INTERRUPTED | 100 |"));
    assert_non_null(strstr(md, "| 4. Later | NOT RUN | – | – |"));
    assert_non_null(strstr(md, "- **3. Cut: INTERRUPTED**: the campaign stopped during it"));
}

static void test_findings_and_steps(void **state)
{
    char err[512];
    const char *md;

    (void)state;
    assert_int_equal(report_campaign_write(dir, err, sizeof err), 0);
    md = slurp("RESULTS.md");
    assert_non_null(strstr(md, "- **Slowest endpoints.** GET /x in 2. Big: p99 450 ms, median "
                           "10 ms over 1000 requests;"));
    assert_non_null(strstr(md, "- **p99 growing with users, across scenarios.** GET /x: p99 60 ms "
                           "with 100 users (3. Cut), 450 ms with 1000 users (2. Big)"));
    assert_non_null(strstr(md, "2. Big, GET /x: p99 30 ms with 100 users (+0:01), 450 ms with "
                           "1000 users (+0:04)"));
    assert_non_null(strstr(md, "- **Error clusters.** 25 unexpected failures in all; the largest "
                           "groups: HTTP 503 Service Unavailable on GET /x in 2. Big (25)."));
    assert_non_null(strstr(md, "`02_big_failures.csv`"));
    assert_non_null(strstr(md, "- **The load generator was the bottleneck.** hornet's worker "
                           "threads used 93.5% of the machine's CPUs in 2. Big and were "
                           "saturated (their timers late) for 4.5 s: the throughput"));
    assert_non_null(strstr(md, "- **Investigate.** all requests, p99 < 300 ms in 2. Big:"));
    assert_null(strstr(md, "- **Investigate.** all requests, rps >= 80 in 1. Small"));
    assert_non_null(strstr(md, "- **Re-run.** 3. Cut to its end"));
    assert_non_null(strstr(md, "- **Run.** 4. Later: it did not run (not run: a stop signal"));
    assert_non_null(strstr(md, "- **More load generators.**"));
    assert_non_null(strstr(md, "- **Backend health limits reached or approached.** Celery workers "
                           "> 0 in 2. Big: was 0 at +0:03 (limit > 0) (failed)"));
    assert_non_null(strstr(md, "`02_big_health.csv (Celery workers)`"));
    assert_non_null(strstr(md, "- **Investigate the backend.** Celery workers > 0 in 2. Big:"));
    assert_non_null(strstr(md, "### Backend health"));
    assert_non_null(strstr(md, "## 2. Big: FAIL\n"));
    assert_non_null(strstr(md, "### Performance assessment"));
}

static void test_html(void **state)
{
    char err[512];
    const char *html;

    (void)state;
    assert_int_equal(report_campaign_write(dir, err, sizeof err), 0);
    html = slurp("RESULTS.html");
    assert_non_null(strstr(html, "<section id=\"s2\">\n<h2>2. Big<span class=\"pill fail\">"
                           "FAIL</span></h2>"));
    assert_non_null(strstr(html, "<div id=\"s1-charts\">"));
    assert_non_null(strstr(html, "<section id=\"findings\">"));
    assert_null(strstr(html, "http://"));               /* self-contained */
}

static void test_unreadable(void **state)
{
    char err[512];

    (void)state;
    assert_int_equal(report_campaign_write("/nonexistent", err, sizeof err), -1);
    assert_string_equal(err, "cannot read /nonexistent/campaign.csv: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_findings_and_steps),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_unreadable),
    };

    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
