/* Tests of the reports (report.c, report_md.c, report_html.c, report_svg.c): the Markdown report
 * of a fixed run against a golden file (tests/fixtures/report/golden_report.md, checked line by
 * line by hand), the HTML report's structure (self-contained: no script, no external
 * reference; every section; escaped texts; balanced tags; charts with finite coordinates, a
 * log axis when the spread is wide, long runs averaged), the verdict explanations, the text
 * formats, and atomic file output. HORNET_UPDATE_GOLDEN=1 rewrites the golden file. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "report_internal.h"

#define GOLDEN "tests/fixtures/report/golden_report.md"
#define T0 1796078797.25                /* 2026-11-30 22:46:37.25 UTC */
#define N_POINTS 300

struct fixture {
    struct snapshot *snap;
    struct snap_point points[N_POINTS];
    struct snap_event events[8];
    struct report_input in;
};

static struct snap_stats *add_ep(struct snapshot *s, const char *method, const char *name,
                                 uint64_t requests, uint64_t failures, uint64_t expected,
                                 uint64_t avg_us, uint64_t median_us, uint64_t p95_us,
                                 uint64_t p99_us, uint64_t max_us)
{
    struct snap_stats *e = &s->endpoints[s->n_endpoints++];

    snprintf(e->method, sizeof e->method, "%s", method);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->requests = requests;
    e->failures = failures;
    e->expected = expected;
    e->total_us = avg_us * requests;
    e->min_us = median_us / 3;
    e->max_us = max_us;
    e->median_us = median_us;
    e->pct_us[SNAP_P50] = median_us;
    e->pct_us[SNAP_P95] = p95_us;
    e->pct_us[SNAP_P99] = p99_us;
    e->pct_us[SNAP_P100] = max_us;
    e->total_rps = (double)requests / 300.5;
    return e;
}

static void add_error(struct snapshot *s, uint32_t ep, bool expected, const char *text,
                      uint64_t count, double first, double last)
{
    struct snap_error *e = &s->errors[s->n_errors++];
    e->endpoint = ep;
    e->expected = expected;
    snprintf(e->text, sizeof e->text, "%s", text);
    e->count = count;
    e->first_seen = first;
    e->last_seen = last;
}

static void add_target(struct snapshot *s, const char *endpoint, const char *text,
                       const char *window, enum target_metric m, double lo, double hi,
                       bool has, double value, enum target_status st, const char *detail)
{
    struct snap_target *t = &s->targets[s->n_targets++];
    snprintf(t->endpoint, sizeof t->endpoint, "%s", endpoint);
    snprintf(t->text, sizeof t->text, "%s", text);
    snprintf(t->window, sizeof t->window, "%s", window);
    t->metric = (uint8_t)m;
    t->lo = lo;
    t->hi = hi;
    t->has_data = has;
    t->value = value;
    t->status = (uint8_t)st;
    snprintf(t->detail, sizeof t->detail, "%s", detail);
}

static void add_event(struct fixture *f, double at, int who, int level, const char *text)
{
    struct snap_event *ev = &f->events[f->in.n_events];
    ev->seq = ++f->in.n_events;
    ev->time = T0 + at;
    ev->who = (uint8_t)who;
    ev->level = (uint8_t)level;
    snprintf(ev->text, sizeof ev->text, "%s", text);
}

static void fixture_stats(struct snapshot *s)
{
    static const uint64_t dist[SNAP_DIST_BUCKETS] = {1000, 1300, 700, 350, 200, 220, 170, 10};
    struct snap_stats *t = &s->total;

    add_ep(s, "GET", "/api/v1/cab/approvals/", 2000, 0, 0, 61500, 42100, 310000, 930000,
           1204000);
    add_ep(s, "POST", "/api/v1/cab/approvals/[id]/approve/", 1500, 12, 0, 88000, 51000,
           161000, 244200, 612000);
    add_ep(s, "GET", "/api/v1/cab/approvals/[unknown]/", 300, 0, 300, 4100, 3900, 7000, 9100,
           15300);
    add_ep(s, "GET", "/api/v1/events/?limit=10|20&q=*x*", 100, 2, 0, 9876, 9500, 14500, 15000,
           30000499);
    add_ep(s, "POST", "/api/v1/auth/token/", 50, 0, 0, 25000, 24000, 39000, 41000, 41200);
    add_ep(s, "PATCH", "/api/v1/cab/approvals/[id]/", 0, 0, 0, 0, 0, 0, 0, 0);
    snprintf(t->name, sizeof t->name, "Aggregated");
    for (uint32_t i = 0; i < s->n_endpoints; i++) {
        t->requests += s->endpoints[i].requests;
        t->failures += s->endpoints[i].failures;
        t->expected += s->endpoints[i].expected;
        t->total_us += s->endpoints[i].total_us;
    }
    t->min_us = 1300;
    t->max_us = 30000499;
    t->median_us = 31200;
    t->pct_us[SNAP_P95] = 268000;
    t->pct_us[SNAP_P99] = 612000;
    t->total_rps = (double)t->requests / 300.5;
    memcpy(t->dist, dist, sizeof dist);
}

static void fixture_failures(struct snapshot *s)
{
    add_error(s, 2, true, "HTTP 404 Not Found", 300, T0 + 11.2, T0 + 299.7);
    add_error(s, 1, false, "HTTP 503 Service Unavailable", 10, T0 + 64.0, T0 + 170.9);
    add_error(s, 1, false, "check failed: json.status == \"approved\" (got \"pending\")", 2,
              T0 + 75.5, T0 + 80.1);
    add_error(s, 3, false, "Timeout after 30000 ms", 2, T0 + 200.0, T0 + 231.0);
    s->n_exceptions = 1;
    s->exceptions[0].count = 3;
    snprintf(s->exceptions[0].message, SNAP_TEXT_MAX, "template error: *${ticket}* is unset");
    snprintf(s->exceptions[0].where, SNAP_TEXT_MAX, "cab.json: user_classes[0]\n  step 1");
}

static void fixture_targets(struct snapshot *s)
{
    add_target(s, "", "rps 80..120", "steady", TARGET_RPS, 80, 120, true, 16.5, TARGET_FAIL,
               "16.5/s < 80.0/s (-79%)");
    add_target(s, "", "success rate >= 99%", "run", TARGET_SUCCESS_RATE, 0.99, INFINITY, true,
               1.0 - 14.0 / 3950.0, TARGET_PASS, "99.65%");
    add_target(s, "GET /api/v1/cab/approvals/", "p99 < 1 s", "run", TARGET_PERCENTILE,
               -INFINITY, 1000, true, 930, TARGET_AT_RISK, "930 ms");
    add_target(s, "POST /api/v1/cab/approvals/[id]/approve/", "p99 < 200 ms", "run",
               TARGET_PERCENTILE, -INFINITY, 200, true, 244.2, TARGET_FAIL,
               "244 ms > 200 ms (+22%)");
    add_target(s, "POST /api/v1/cab/approvals/[id]/approve/", "p95 < 150 ms", "last 60s",
               TARGET_PERCENTILE, -INFINITY, 150, false, 0, TARGET_PENDING, "no data yet");
    add_target(s, "GET /api/v1/cab/approvals/", "rps >= 5", "steady", TARGET_RPS, 5, INFINITY,
               true, 6.4, TARGET_SKIPPED, "not judged: the load differs from the scenario's");
}

/* A five-minute run of 50 users: a 10 s ramp, a latency spike from 60 s to 90 s. */
static void fixture_points(struct fixture *f)
{
    for (int i = 0; i < N_POINTS; i++) {
        struct snap_point *p = &f->points[i];
        double spike = i >= 60 && i < 90 ? 8.0 : 1.0;
        p->second = (int64_t)T0 + i;
        p->users = i < 10 ? (uint32_t)(5 * (i + 1)) : 50;
        p->requests = i < 10 ? (uint32_t)(1 + i * 3 / 2) : (uint32_t)(13 + i % 7);
        p->failures = i >= 64 && i < 76 ? 1 : 0;
        p->p50_us = (uint32_t)(30000 * spike) + (uint32_t)(i % 5) * 1000;
        p->p95_us = (uint32_t)(240000 * spike);
        p->p99_us = (uint32_t)(600000 * spike);
        p->max_us = (uint32_t)(900000 * spike);
    }
    f->in.points = f->points;
    f->in.n_points = N_POINTS;
}

static void fixture_events(struct fixture *f)
{
    add_event(f, 0.0, EVENT_ENGINE, EVENT_INFO, "Starting hornet: CAB approvals against "
              "http://127.0.0.1:8000, 2 worker threads");
    add_event(f, 0.0, EVENT_SCENARIO, EVENT_INFO, "Ramping to 50 users at a rate of 5.00 per "
              "second");
    add_event(f, 10.0, EVENT_ENGINE, EVENT_INFO, "All users spawned: {\"Approver\": 50} (50 "
              "total users)");
    add_event(f, 62.4, EVENT_ENGINE, EVENT_WARN, "No request finished for 5 s with 50 users "
              "running");
    add_event(f, 120.0, EVENT_OPERATOR, EVENT_INFO, "Paused: users finish their task and wait");
    add_event(f, 300.0, EVENT_ENGINE, EVENT_INFO, "Run time limit reached, stopping");
}

static struct fixture *fixture_new(void)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct snapshot *s = calloc(1, sizeof *s);

    assert_non_null(f);
    assert_non_null(s);
    f->snap = s;
    snprintf(s->scenario, sizeof s->scenario, "CAB approvals");
    snprintf(s->host, sizeof s->host, "http://127.0.0.1:8000");
    s->threads = 2;
    s->run_start = s->start_time = T0;
    s->end_time = s->now = T0 + 300.5;
    s->finished = true;
    s->state = RUN_STOPPED;
    s->users = 0;
    s->steady_start = T0 + 10.0;
    fixture_stats(s);
    fixture_failures(s);
    fixture_targets(s);
    fixture_points(f);
    fixture_events(f);
    f->in.snap = s;
    f->in.events = f->events;
    f->in.scenario_path = "scenarios/cab_approvals.json";
    f->in.users = 50;
    f->in.spawn_rate = 5;
    f->in.run_time = 300;
    f->in.passed = false;
    f->in.generated_at = T0 + 301.0;
    return f;
}

static void fixture_free(struct fixture *f)
{
    free(f->snap);
    free(f);
}

static int setup_tz(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *p;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    p = calloc(1, (size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return p;
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---- Markdown ---------------------------------------------------------------------------- */

static void test_markdown_golden(void **state)
{
    struct fixture *f = fixture_new();
    size_t len = 0;
    char *md = report_markdown(&f->in, &len), *want;

    (void)state;
    assert_non_null(md);
    assert_int_equal(strlen(md), len);
    if (getenv("HORNET_UPDATE_GOLDEN")) {
        FILE *out = fopen(GOLDEN, "wb");
        assert_non_null(out);
        fputs(md, out);
        fclose(out);
    }
    want = slurp(GOLDEN);
    assert_non_null(want);
    /* line by line, so a difference says where */
    const char *a = md, *b = want;
    for (int line = 1; *a || *b; line++) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la) != 0)
            fail_msg("line %d:\n  got:  %.*s\n  want: %.*s", line, (int)la, a, (int)lb, b);
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
    }
    free(want);
    free(md);
    fixture_free(f);
}

static void test_markdown_escapes_and_states(void **state)
{
    struct fixture *f = fixture_new();
    struct snapshot *s = f->snap;
    char *md;

    (void)state;
    snprintf(s->endpoints[0].name, SNAP_NAME_MAX, "/a`b|c");
    snprintf(s->errors[1].text, SNAP_TEXT_MAX, "bad <b>html</b> *and* _md_\nsecond | line");
    s->finished = false;
    s->end_time = 0;
    s->aborted = true;
    snprintf(s->abort_reason, SNAP_TEXT_MAX, "Target failed: p99 < 200 ms (run): 612 ms");
    md = report_markdown(&f->in, NULL);
    assert_non_null(md);
    /* a backtick in a name: escaped text instead of a code span; pipes escaped */
    assert_non_null(strstr(md, "| GET | /a\\`b\\|c | 2,000 |"));
    assert_non_null(strstr(md, "bad \\<b>html\\</b> \\*and\\* \\_md\\_ second \\| line"));
    assert_non_null(strstr(md, "**Verdict: FAIL so far (run in progress)**"));
    assert_non_null(strstr(md, "| End | still running |"));
    assert_non_null(strstr(md, "- The run was aborted: Target failed: p99 < 200 ms (run): "
                           "612 ms\n"));
    assert_null(strstr(md, "6 of 6 targets met"));
    assert_non_null(strstr(md, "2 of 5 targets met, 1 at risk, 1 not judged (the load differs "
                           "from the scenario's), run aborted"));
    free(md);
    fixture_free(f);
}

/* Texts from the scenario and the responses carry no control character into either report
 * (a report is read with cat as often as in a browser): they are written escaped. */
static void test_control_characters_escaped(void **state)
{
    struct fixture *f = fixture_new();
    struct snapshot *s = f->snap;
    char *md, *html;
    size_t len;

    (void)state;
    snprintf(s->scenario, sizeof s->scenario, "CAB\x1b]0;owned\x07");
    snprintf(s->endpoints[0].name, SNAP_NAME_MAX, "/a\x1b[2J/\xc3\xa9/\xc2\x9b" "c");
    snprintf(s->errors[1].text, SNAP_TEXT_MAX, "check failed (got \"\x1b[31mred\")");
    f->in.scenario_path = "scenarios/\x1b[H.json";
    md = report_markdown(&f->in, NULL);
    html = report_html(&f->in, &len);
    assert_non_null(md);
    assert_non_null(html);
    assert_null(strchr(md, '\x1b'));
    assert_null(strstr(md, "\xc2\x9b"));
    assert_null(memchr(html, '\x1b', len));
    assert_null(strstr(html, "\xc2\x9b"));
    assert_non_null(strstr(md, "/a\\x1b[2J/\xc3\xa9/\\u009bc"));
    assert_non_null(strstr(md, "check failed (got \"\\\\x1b\\[31mred\")"));
    assert_non_null(strstr(html, "/<wbr>a\\x1b[2J/<wbr>\xc3\xa9/<wbr>\\u009bc"));
    assert_non_null(strstr(html, "check failed (got &quot;\\x1b[31mred&quot;)"));
    assert_non_null(strstr(html, "CAB\\x1b]0;owned\\x07"));
    free(md);
    free(html);
    fixture_free(f);
}

static void test_markdown_empty_run(void **state)
{
    struct snapshot *s = calloc(1, sizeof *s);
    struct report_input in = {.snap = s, .passed = true, .generated_at = T0};
    char *md;

    (void)state;
    assert_non_null(s);
    snprintf(s->total.name, sizeof s->total.name, "Aggregated");
    s->finished = true;
    md = report_markdown(&in, NULL);
    assert_non_null(md);
    assert_non_null(strstr(md, "# Load test report: hornet run\n"));
    assert_non_null(strstr(md, "**Verdict: PASS**: No targets; no request failed."));
    assert_non_null(strstr(md, "| 0 | 0 (0%) | 0 | 0.00/s | n/a | n/a | n/a | n/a | n/a |"));
    assert_non_null(strstr(md, "No request with a response time."));
    assert_non_null(strstr(md, "No event recorded."));
    assert_non_null(strstr(md, "| Start | not recorded |"));
    free(md);
    free(s);
}

/* ---- HTML ------------------------------------------------------------------------------- */

/* Every http(s):// in the page is the host, shown as text: nothing is fetched. */
static void assert_self_contained(const char *html, const char *host)
{
    static const char *const forbidden[] = {"<script", "<link", "<iframe", "<img", "@import",
                                            "url(", "src=", "href=", "<object", "<embed"};

    for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++)
        if (strstr(html, forbidden[i]))
            fail_msg("the report contains %s", forbidden[i]);
    for (const char *p = html; (p = strstr(p, "http")); p += 4)
        if ((strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0) &&
            (!host || strncmp(p, host, strlen(host)) != 0))
            fail_msg("external reference: %.60s", p);
}

static void assert_balanced(const char *html)
{
    static const char *const tags[][2] = {
        {"<svg", "</svg>"}, {"<table", "</table>"}, {"<section", "</section>"},
        {"<tr", "</tr>"}, {"<td", "</td>"}, {"<div", "</div>"}, {"<ul", "</ul>"},
        {"<li>", "</li>"}, {"<code", "</code>"}, {"<title", "</title>"}, {"<g ", "</g>"},
    };

    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (count(html, tags[i][0]) != count(html, tags[i][1]))
            fail_msg("%s: %zu opened, %zu closed", tags[i][0], count(html, tags[i][0]),
                     count(html, tags[i][1]));
}

/* HORNET_REPORT_SAMPLE=DIR: also write the fixture's reports there, to look at. */
static void write_sample(const struct report_input *in)
{
    const char *dir = getenv("HORNET_REPORT_SAMPLE");
    char path[512], err[256];

    if (!dir)
        return;
    snprintf(path, sizeof path, "%s/sample.html", dir);
    assert_int_equal(report_write_html(in, path, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/sample.md", dir);
    assert_int_equal(report_write_markdown(in, path, err, sizeof err), 0);
}

static void test_html_structure(void **state)
{
    static const char *const sections[] = {"assessment", "charts", "configuration",
                                           "distribution", "endpoints", "failures",
                                           "timeline", "verdict"};
    struct fixture *f = fixture_new();
    char *html;
    size_t len;

    (void)state;
    snprintf(f->snap->endpoints[4].name, SNAP_NAME_MAX, "/x/<script>alert(1)</script>");
    html = report_html(&f->in, &len);
    assert_non_null(html);
    write_sample(&f->in);
    assert_int_equal(strlen(html), len);
    assert_memory_equal(html, "<!DOCTYPE html>\n<html lang=\"en\">", 31);
    assert_non_null(strstr(html, "<style>"));
    assert_string_equal(html + len - 16, "</body>\n</html>\n");
    assert_self_contained(html, "http://127.0.0.1:8000");
    assert_balanced(html);
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        char id[64];
        snprintf(id, sizeof id, "<section id=\"%s\">", sections[i]);
        assert_int_equal(count(html, id), 1);
    }
    assert_int_equal(count(html, "<svg class=\"chart\""), 4);
    assert_null(strstr(html, "nan"));
    assert_null(strstr(html, "inf\""));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/<wbr>script&gt;"));
    assert_non_null(strstr(html, "<title>CAB approvals: FAIL - hornet load test report</title>"));
    assert_non_null(strstr(html, "<div class=\"verdict fail\"><b>FAIL</b><small>2 of 5 targets "
                             "met, 1 at risk, 1 not judged (the load differs from the "
                             "scenario&#39;s)</small></div>"));
    assert_int_equal(count(html, "<span class=\"pill fail\">FAIL</span>"), 3);  /* + verdict */
    assert_int_equal(count(html, "<span class=\"pill risk\">AT RISK</span>"), 1);
    assert_int_equal(count(html, "<span class=\"pill pass\">PASS</span>"), 1);
    assert_int_equal(count(html, "<span class=\"pill pending\">NO DATA</span>"), 1);
    assert_int_equal(count(html, "<span class=\"pill skipped\">NOT JUDGED</span>"), 1);
    assert_non_null(strstr(html, "<td class=\"margin fail\">+22% over the bound</td>"));
    /* the latency chart: 30 ms to 4.8 s spans more than LOG_SPREAD: log axis */
    assert_non_null(strstr(html, "Response times (log scale)"));
    assert_non_null(strstr(html, ">1 s</text>"));
    /* targets drawn on the charts; the steady window and the warning marked */
    assert_non_null(strstr(html, ">target max 120/s</text>"));
    assert_non_null(strstr(html, ">steady</text>"));
    assert_non_null(strstr(html, "<title>+1:02 engine: No request finished for 5 s"));
    assert_non_null(strstr(html, "<span class=\"lvl-warn\">Warning:</span>"));
    assert_non_null(strstr(html, "+0:11</td><td class=\"n\">+4:59</td>"));
    free(html);
    fixture_free(f);
}

static const char *path_after(const char *html, const char *marker)
{
    const char *p = strstr(html, marker);
    assert_non_null(p);
    p = strstr(p, "<path d=\"");
    assert_non_null(p);
    return p;
}

static void test_html_charts_scale(void **state)
{
    struct fixture *f = fixture_new();
    struct snap_point *many = calloc(20000, sizeof *many);
    char *html;

    (void)state;
    assert_non_null(many);
    /* a narrow spread: a linear axis */
    for (int i = 0; i < N_POINTS; i++) {
        f->points[i].p50_us = 20000;
        f->points[i].p95_us = 30000;
        f->points[i].p99_us = 40000;
    }
    html = report_html(&f->in, NULL);
    assert_non_null(html);
    assert_null(strstr(html, "log scale"));
    assert_non_null(strstr(html, ">40 ms</text>"));
    free(html);
    /* 20000 seconds: averaged into at most 900 columns */
    for (int i = 0; i < 20000; i++) {
        many[i] = f->points[i % N_POINTS];
        many[i].second = (int64_t)T0 + i;
    }
    f->in.points = many;
    f->in.n_points = 20000;
    f->snap->end_time = T0 + 20000;
    html = report_html(&f->in, NULL);
    assert_non_null(html);
    const char *p = path_after(html, "aria-label=\"Requests and failures per second");
    size_t moves = 0;
    for (; *p && *p != '"'; p++)
        ;
    for (p++; *p && *p != '"'; p++)
        moves += *p == 'M' || *p == 'L';
    assert_true(moves > 800 && moves <= 2 * 900 + 2);     /* area: the line and back */
    assert_non_null(strstr(html, ">5:00:00</text>"));      /* hour ticks */
    assert_self_contained(html, "http://127.0.0.1:8000");
    free(html);
    free(many);
    fixture_free(f);
}

/* Without points: no time charts; the snapshot's own series when it has one. */
static void test_html_without_points(void **state)
{
    struct fixture *f = fixture_new();
    char *html;

    (void)state;
    f->in.n_points = 0;
    f->in.points = NULL;
    f->in.csv_prefix = "out/run";
    f->in.dist_estimated = true;
    f->in.expected_unknown = true;
    html = report_html(&f->in, NULL);
    assert_non_null(html);
    assert_int_equal(count(html, "<svg class=\"chart\""), 1);     /* the distribution only */
    assert_int_equal(count(html, "the run has no per-second data"), 3);
    assert_non_null(strstr(html, "Rebuilt by <code>hornet report</code> from the CSV files "
                             "<code>out/run_*.csv</code>"));
    assert_non_null(strstr(html, "expected: not recorded"));
    assert_non_null(strstr(html, "&asymp; 1,000"));
    assert_balanced(html);
    free(html);
    /* a snapshot taken from the dashboard: its own last seconds and events */
    memcpy(f->snap->series, f->points, 120 * sizeof f->points[0]);
    f->snap->n_points = 120;
    f->snap->events[0] = f->events[3];
    f->snap->n_events = 1;
    f->in.n_events = 0;
    html = report_html(&f->in, NULL);
    assert_non_null(html);
    assert_int_equal(count(html, "<svg class=\"chart\""), 4);
    assert_int_equal(count(html, "<td class=\"n\">+1:02</td>"), 1);
    assert_non_null(strstr(html, "No request finished for 5 s"));
    free(html);
    fixture_free(f);
}

/* ---- facts and formats ------------------------------------------------------------------ */

static void test_verdict_reasons(void **state)
{
    struct fixture *f = fixture_new();
    struct report_facts facts;
    struct snapshot *s = f->snap;

    (void)state;
    report_facts_compute(&f->in, &facts);
    assert_int_equal(facts.targets.pass, 1);
    assert_int_equal(facts.targets.at_risk, 1);
    assert_int_equal(facts.targets.fail, 2);
    assert_int_equal(facts.targets.pending, 1);
    assert_int_equal(facts.n_sorted, 5);                /* PATCH has no request */
    assert_string_equal(facts.sorted[0]->name, "/api/v1/auth/token/");
    assert_int_equal(facts.n_reasons, 3);               /* a rate target allows failures */
    assert_string_equal(facts.reasons[0], "Target failed: All requests, rps 80..120 (steady "
                        "window): 16.5/s < 80.0/s (-79%)");
    assert_string_equal(facts.reasons[2], "Target without data: POST "
                        "/api/v1/cab/approvals/[id]/approve/, p95 < 150 ms (last 60s window): "
                        "no request in its window");
    assert_int_equal(facts.n_unexpected, 3);
    assert_int_equal(facts.n_expected, 1);
    assert_true(facts.duration == 300.5);

    /* no targets: failures and exceptions are the reasons */
    s->n_targets = 0;
    report_facts_compute(&f->in, &facts);
    assert_string_equal(facts.summary, "No targets; 14 unexpected failures and exceptions");
    assert_int_equal(facts.n_reasons, 2);
    assert_string_equal(facts.reasons[0], "14 unexpected failures, and no success-rate or "
                        "failure-rate target allows any");
    assert_string_equal(facts.reasons[1], "1 kind of exception (errors outside requests)");

    /* a steady target of a run that never finished its ramp-up */
    s->n_targets = 1;
    s->targets[0].status = TARGET_PENDING;
    s->targets[0].has_data = false;
    s->steady_start = 0;
    report_facts_compute(&f->in, &facts);
    assert_non_null(strstr(facts.reasons[0], "(steady window): the ramp-up never completed"));

    f->in.passed = true;
    s->targets[0].status = TARGET_PASS;
    report_facts_compute(&f->in, &facts);
    assert_int_equal(facts.n_reasons, 0);
    assert_string_equal(facts.summary, "1 of 1 target met");
    fixture_free(f);
}

static void check_fmt(void (*fn)(double, char *, size_t), double v, const char *want)
{
    char out[64];
    fn(v, out, sizeof out);
    assert_string_equal(out, want);
}

static void test_formats(void **state)
{
    char out[64];

    (void)state;
    check_fmt(report_fmt_ms, 0.85, "0.85 ms");
    check_fmt(report_fmt_ms, 4.512, "4.51 ms");
    check_fmt(report_fmt_ms, 45.12, "45.1 ms");
    check_fmt(report_fmt_ms, 9.0, "9 ms");
    check_fmt(report_fmt_ms, 451.4, "451 ms");
    check_fmt(report_fmt_ms, 1250.0, "1.25 s");
    check_fmt(report_fmt_ms, NAN, "n/a");
    check_fmt(report_fmt_share, 0.1234, "12.3%");
    check_fmt(report_fmt_share, 0.0025, "0.25%");
    check_fmt(report_fmt_share, 0.00001, "< 0.01%");
    check_fmt(report_fmt_share, 0.99925, "99.92%");
    check_fmt(report_fmt_share, 1.0, "100%");
    check_fmt(report_fmt_share, 0.0, "0%");
    check_fmt(report_fmt_duration, 8.04, "8.0 s");
    check_fmt(report_fmt_duration, 300.4, "5 min 00 s");
    check_fmt(report_fmt_duration, 3723.0, "1 h 02 min 03 s");
    check_fmt(report_fmt_elapsed, 8.999, "0:08");
    check_fmt(report_fmt_elapsed, 754.0, "12:34");
    check_fmt(report_fmt_elapsed, 3723.0, "1:02:03");
    check_fmt(report_fmt_elapsed, -3.0, "0:00");
    check_fmt(report_fmt_rps, 52.34, "52.3/s");
    check_fmt(report_fmt_rps, 0.25, "0.25/s");
    check_fmt(report_fmt_rps, 12345.6, "12,346/s");
    report_fmt_count(1234567, out, sizeof out);
    assert_string_equal(out, "1,234,567");
    report_fmt_count(999, out, sizeof out);
    assert_string_equal(out, "999");
    report_fmt_clock(T0, out, sizeof out);
    assert_string_equal(out, "2026-11-30 22:46:37 +0000");
    report_fmt_clock(0, out, sizeof out);
    assert_string_equal(out, "not recorded");
    assert_string_equal(report_bucket_label(6), "500 ms–1 s");
    assert_string_equal(report_bucket_label(7), "≥ 1 s");
}

static void test_axis_steps(void **state)
{
    double top;

    (void)state;
    assert_true(report_svg_nice_step(95.0, 5, &top) == 20.0 && top == 100.0);
    assert_true(report_svg_nice_step(11.0, 5, &top) == 2.5 && top == 12.5);
    assert_true(report_svg_nice_step(0.0, 5, &top) == 0.2 && top == 1.0);   /* no data: 0..1 */
    assert_true(report_svg_nice_step(12000, 5, &top) == 2500 && top == 12500);
    assert_true(report_svg_time_step(15, 10) == 2);
    assert_true(report_svg_time_step(300, 10) == 30);
    assert_true(report_svg_time_step(3600, 10) == 600);
    assert_true(report_svg_time_step(20000, 10) == 3600);
    assert_true(report_svg_time_step(30 * 86400.0, 10) == 3 * 86400.0);
}

static void test_target_margins(void **state)
{
    struct snap_target t = {.has_data = true, .lo = -INFINITY, .hi = 500};
    char out[64];

    (void)state;
    t.metric = TARGET_PERCENTILE;
    t.value = 612;
    report_target_margin(&t, out, sizeof out);
    assert_string_equal(out, "+22% over the bound");
    t.value = 205;
    report_target_margin(&t, out, sizeof out);
    assert_string_equal(out, "41% of the bound");
    report_target_actual(&t, out, sizeof out);
    assert_string_equal(out, "205 ms");
    t.metric = TARGET_SUCCESS_RATE;
    t.lo = 0.99;
    t.hi = INFINITY;
    t.value = 0.982;
    report_target_margin(&t, out, sizeof out);
    assert_string_equal(out, "0.80 pp below");
    t.value = 0.997;
    report_target_margin(&t, out, sizeof out);
    assert_string_equal(out, "30% of the failure budget");
    report_target_actual(&t, out, sizeof out);
    assert_string_equal(out, "99.70%");
}

static void test_target_margins_throughput(void **state)
{
    struct snap_target t = {.has_data = true};
    char out[64];

    (void)state;
    t.metric = TARGET_FAILURE_RATE;
    t.lo = -INFINITY;
    t.hi = 0.01;
    t.value = 0.015;
    report_target_margin(&t, out, sizeof out);
    assert_string_equal(out, "0.50 pp above");
    t.metric = TARGET_RPS;
    t.lo = 50;
    t.hi = 100;
    t.value = 40;
    report_target_margin(&t, out, sizeof out);
    assert_string_equal(out, "20% below the minimum");
    t.value = 130;
    report_target_margin(&t, out, sizeof out);
    assert_string_equal(out, "30% above the maximum");
    t.value = 55;
    report_target_margin(&t, out, sizeof out);
    assert_string_equal(out, "10% above the minimum");
    t.value = 92;
    report_target_margin(&t, out, sizeof out);
    assert_string_equal(out, "8% below the maximum");
    report_target_actual(&t, out, sizeof out);
    assert_string_equal(out, "92.0/s");
    t.has_data = false;
    report_target_margin(&t, out, sizeof out);
    assert_string_equal(out, "no data");
}

/* ---- files ----------------------------------------------------------------------------- */

static void test_write_files(void **state)
{
    struct fixture *f = fixture_new();
    char dir[64] = "/tmp/hornet-report.XXXXXX", path[160], err[256], *text, *want;
    struct dirent *de;
    DIR *d;
    int entries = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a/b/report.md", dir);
    assert_int_equal(report_write_markdown(&f->in, path, err, sizeof err), 0);
    text = slurp(path);
    want = report_markdown(&f->in, NULL);
    assert_string_equal(text, want);
    free(text);
    free(want);
    snprintf(path, sizeof path, "%s/a/b/report.html", dir);
    assert_int_equal(report_write_html(&f->in, path, err, sizeof err), 0);
    assert_int_equal(report_write_html(&f->in, path, err, sizeof err), 0);   /* replaced */
    snprintf(path, sizeof path, "%s/a/b", dir);
    assert_non_null(d = opendir(path));
    while ((de = readdir(d)))
        entries += de->d_name[0] != '.';
    closedir(d);
    assert_int_equal(entries, 2);                       /* no temporary file left */
    /* a directory where the file should be, and a file where a directory should be */
    snprintf(path, sizeof path, "%s/a/b", dir);
    assert_int_equal(report_write_markdown(&f->in, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot write"));
    snprintf(path, sizeof path, "%s/a/b/report.md/x.md", dir);
    assert_int_equal(report_write_markdown(&f->in, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "Not a directory"));
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
    fixture_free(f);
}

/* An open run: the report shows the corrected view (in.snap) and, beside it, the service
 * times (in.service), the arrivals of each open class, and the HTML charts the arrivals. */
static void test_open_model_section(void **state)
{
    struct fixture *f = fixture_new();
    struct snapshot *service = calloc(1, sizeof *service);
    struct snap_arrival_point arrivals[3];
    struct snap_open *o = &f->snap->open;
    char *md, *html;

    (void)state;
    assert_non_null(service);
    memcpy(service, f->snap, sizeof *service);
    f->snap->n_classes = 1;
    snprintf(f->snap->classes[0].name, sizeof f->snap->classes[0].name, "CABApprovalUser");
    o->corrected = true;
    o->n_classes = 1;
    o->classes[0] = (struct snap_arrivals){.cls = 0, .due = 60100, .started = 60000,
                                           .dropped = 100, .peak_users = 180, .max_users = 200};
    o->all = o->classes[0];
    o->all.cls = UINT32_MAX;
    f->snap->total.pct_us[SNAP_P99] = 951000;           /* the corrected view's p99 */
    for (int i = 0; i < 3; i++)
        arrivals[i] = (struct snap_arrival_point){.second = (int64_t)T0 + i, .asked = 200,
                                                  .started = 190 + (uint32_t)i, .dropped = 1};
    f->in.service = service;
    f->in.arrivals = arrivals;
    f->in.n_arrivals = 3;
    md = report_markdown(&f->in, NULL);
    assert_non_null(md);
    assert_non_null(strstr(md, "## Open model and coordinated omission"));
    assert_non_null(strstr(md, "| Users | open model: pools of up to 200 users (180 at the "
                               "peak), see Open model and coordinated omission |"));
    assert_non_null(strstr(md, "60,100 asked, 60,000 started, **100 dropped**"));
    assert_non_null(strstr(md, "| CABApprovalUser | 60,100 | 60,000 | 100 | 0.17% |"));
    assert_non_null(strstr(md, "180 of 200 |"));
    assert_non_null(strstr(md, "| p99 service | p99 corrected |"));
    assert_non_null(strstr(md, "| 612 ms | **951 ms** |"));           /* Aggregated's p99 */
    assert_non_null(strstr(md, "## Endpoints (latencies corrected)"));
    assert_non_null(strstr(md, "## Response-time distribution (corrected)"));
    html = report_html(&f->in, NULL);
    assert_non_null(html);
    assert_balanced(html);
    assert_int_equal(count(html, "<section id=\"open\">"), 1);
    assert_int_equal(count(html, "<svg class=\"chart\""), 5);       /* and the arrivals */
    assert_non_null(strstr(html, "Response times, corrected"));
    f->in.service = NULL;                                               /* a closed run */
    f->in.n_arrivals = 0;
    o->n_classes = 0;
    o->corrected = false;
    free(md);
    md = report_markdown(&f->in, NULL);
    assert_null(strstr(md, "Open model"));
    assert_null(strstr(md, "corrected"));
    free(md);
    free(html);
    free(service);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markdown_golden),
        cmocka_unit_test(test_markdown_escapes_and_states),
        cmocka_unit_test(test_markdown_empty_run),
        cmocka_unit_test(test_control_characters_escaped),
        cmocka_unit_test(test_html_structure),
        cmocka_unit_test(test_html_charts_scale),
        cmocka_unit_test(test_html_without_points),
        cmocka_unit_test(test_verdict_reasons),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_axis_steps),
        cmocka_unit_test(test_target_margins),
        cmocka_unit_test(test_target_margins_throughput),
        cmocka_unit_test(test_write_files),
        cmocka_unit_test(test_open_model_section),
    };
    return cmocka_run_group_tests(tests, setup_tz, NULL);
}
