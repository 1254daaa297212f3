/* report_main: `hornet report PREFIX [--scenario FILE.json] [--report OUT.md] [--html OUT.html]`:
 * the reports of a run rebuilt from its CSV files (hornet's or Locust's), with the scenario's
 * targets judged on them when one is given. Main thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "console.h"
#include "console_health.h"
#include "escape.h"
#include "fixture.h"
#include "report_internal.h"
#include "verdict.h"
#include "scenario.h"

struct report_args {
    const char *prefix, *scenario, *md, *html, *campaign;
    bool help;
};

static const char usage_text[] =
    "Usage: hornet report PREFIX [--scenario FILE.json] [--report OUT.md] [--html OUT.html]\n"
    "       hornet report --campaign DIR\n"
    "\n"
    "Rebuild the Markdown and HTML reports of a run from its CSV files: PREFIX_stats.csv\n"
    "(required), PREFIX_stats_history.csv, PREFIX_failures.csv and PREFIX_exceptions.csv, as\n"
    "written by hornet --csv PREFIX or locust --csv PREFIX.\n"
    "\n"
    "  -f, --scenario FILE  judge this scenario's targets on the CSV numbers and print the\n"
    "                       verdict (run window: stats.csv; steady and last N s: the history)\n"
    "  --report FILE        the Markdown report (default PREFIX_report.md), as hornet's\n"
    "                       --report; --md FILE is the same\n"
    "  --html FILE          the HTML report (default PREFIX_report.html)\n"
    "  --campaign DIR       rebuild a campaign's DIR/RESULTS.md and DIR/RESULTS.html from\n"
    "                       the files hornet campaign wrote there\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit status: 0 pass, 1 fail (a target failed or, without targets, a request failed),\n"
    "2 usage error, unreadable input or unwritable output. With --campaign: 0 when the\n"
    "document was written (the campaign's own outcome is in it), 2 otherwise.\n";

/* One option with a file name. */
struct file_option {
    const char *name, *alias;               /* alias may be NULL */
};

static const struct file_option file_options[4] = {
    {"--scenario", "-f"}, {"--report", "--md"}, {"--html", NULL}, {"--campaign", NULL},
};

/* Does a ("--name" or "--name=VALUE") name option o? *value: what follows '=', else NULL. */
static bool names_option(const char *a, const struct file_option *o, const char **value)
{
    const char *names[2] = {o->name, o->alias};

    for (int k = 0; k < 2 && names[k]; k++) {
        size_t n = strlen(names[k]);

        if (strncmp(a, names[k], n) == 0 && (a[n] == '\0' || a[n] == '=')) {
            *value = a[n] == '=' ? a + n + 1 : NULL;
            return true;
        }
    }
    return false;
}

/* "--name VALUE" or "--name=VALUE" of option o; advances *i past what it used. 1: used; 0:
 * another option; -1: no value (said on stderr). */
static int option_value(int argc, char **argv, int *i, const struct file_option *o,
                        const char **out)
{
    const char *a = argv[*i], *attached;

    if (!names_option(a, o, &attached))
        return 0;
    if (attached) {
        *out = attached;
        return 1;
    }
    if (*i + 1 >= argc) {
        escape_fprintf(stderr, "hornet report: %s: expected a file name\n", a);
        return -1;
    }
    *out = argv[++*i];
    return 1;
}

static int parse_args(int argc, char **argv, struct report_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char **slot[4] = {&a->scenario, &a->md, &a->html, &a->campaign};
        int used = 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            a->help = true;
            return 0;
        }
        for (int k = 0; k < 4 && !used; k++)
            if ((used = option_value(argc, argv, &i, &file_options[k], slot[k])) < 0)
                return -1;
        if (used)
            continue;
        if (argv[i][0] == '-' && argv[i][1]) {
            escape_fprintf(stderr, "hornet report: unknown option %s (see hornet report "
                           "--help)\n", argv[i]);
            return -1;
        }
        if (a->prefix) {
            escape_fprintf(stderr, "hornet report: one PREFIX only, got '%s' and '%s'\n",
                           a->prefix, argv[i]);
            return -1;
        }
        a->prefix = argv[i];
    }
    if (a->campaign && a->prefix) {
        escape_fprintf(stderr, "hornet report: --campaign DIR takes no PREFIX (got '%s')\n",
                       a->prefix);
        return -1;
    }
    if (a->campaign)
        return 0;
    if (!a->prefix || !*a->prefix) {
        fprintf(stderr, "hornet report: missing PREFIX (the --csv prefix of the run, e.g. "
                "out/run for out/run_stats.csv)\n");
        return -1;
    }
    return 0;
}

/* Sentences about what the files did not have, for the reports' notes. */
static size_t missing_notes(const struct report_csv_run *run, const char *prefix, char notes[][600])
{
    size_t n = 0;

    if (!run->has_history)
        snprintf(notes[n++], 600, "%s_stats_history.csv was not found: no charts over time, "
                 "and targets over a steady or last-N window cannot be judged.", prefix);
    else if (run->n_history == 0)
        snprintf(notes[n++], 600, "%s_stats_history.csv has no rows (Locust before 2.46 loses "
                 "the rows it did not flush).", prefix);
    if (!run->has_failures)
        snprintf(notes[n++], 600, "%s_failures.csv was not found: no failure breakdown.",
                 prefix);
    if (!run->has_exceptions)
        snprintf(notes[n++], 600, "%s_exceptions.csv was not found.", prefix);
    return n;
}

static int write_reports(const struct report_input *in, const struct report_args *a)
{
    char md[4096], html[4096], err[4400];

    snprintf(md, sizeof md, "%s%s", a->md ? a->md : a->prefix, a->md ? "" : "_report.md");
    snprintf(html, sizeof html, "%s%s", a->html ? a->html : a->prefix,
             a->html ? "" : "_report.html");
    if (report_write_markdown(in, md, err, sizeof err) < 0 ||
        report_write_html(in, html, err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet report: %s\n", err);
        return -1;
    }
    escape_fprintf(stderr, "hornet report: wrote %s and %s\n", md, html);
    return 0;
}

static void print_verdict(const struct report_estimate *r)
{
    const struct snapshot *s = r->snap;

    if (s->health.n_sources) {
        console_health_table(stdout, s);
        printf("\n");
    }
    if (s->n_targets || s->health.n_metrics) {
        console_targets_table(stdout, s, r->in.passed);
        return;
    }
    printf("Verdict: %s (no targets; %llu unexpected failure%s in %llu requests)\n",
           r->in.passed ? "PASS" : "FAIL", (unsigned long long)s->total.failures,
           s->total.failures == 1 ? "" : "s", (unsigned long long)s->total.requests);
}

/* What a run of the open model left besides Locust's files (csv_open.h). */
struct open_files {
    struct snapshot *view;              /* the estimate's snapshot, its corrected latencies in
                                           place; NULL without PREFIX_corrected.csv */
    struct snap_arrival_point *arrivals;
};

/* The corrected latencies of PREFIX_corrected.csv into r's snapshot (snap_open.h), matched by
 * method and name; the report then shows them, the service times beside them. */
static int read_corrected(const char *path, struct report_estimate *r, struct open_files *o,
                          char *err, size_t errlen)
{
    struct snapshot *raw = r->snap;
    struct report_csv_run co;
    struct report_estimate ce;

    if (report_csv_read_stats(path, &co, err, errlen) < 0)
        return -1;
    if (report_estimate_build(&co, NULL, path, &ce, err, errlen) < 0) {
        report_csv_free(&co);
        return -1;
    }
    for (uint32_t i = 0; i < raw->n_endpoints; i++)
        for (uint32_t j = 0; j < ce.snap->n_endpoints; j++)
            if (!strcmp(raw->endpoints[i].name, ce.snap->endpoints[j].name) &&
                !strcmp(raw->endpoints[i].method, ce.snap->endpoints[j].method))
                snap_open_latency_of(&raw->open.endpoints[i], &ce.snap->endpoints[j]);
    snap_open_latency_of(&raw->open.total, &ce.snap->total);
    raw->open.corrected = true;
    report_estimate_free(&ce);
    report_csv_free(&co);
    if (!(o->view = malloc(sizeof *o->view)))
        return snprintf(err, errlen, "out of memory"), -1;
    memcpy(o->view, raw, sizeof *o->view);
    snap_open_corrected_view(o->view);
    r->in.service = raw;
    r->in.snap = o->view;
    return 0;
}

/* The schedule of PREFIX_arrivals.csv: per second for the chart, summed for the totals. */
static int read_arrivals(const char *path, struct report_estimate *r, struct open_files *o,
                         char *err, size_t errlen)
{
    struct snap_arrivals *all = &(o->view ? o->view : r->snap)->open.all;
    double asked = 0;
    size_t n;
    int rc = report_csv_read_arrivals(path, &o->arrivals, &n, err, errlen);

    if (rc <= 0)
        return rc;                          /* no such file (0), or not one hornet wrote */
    *all = (struct snap_arrivals){.cls = UINT32_MAX, .stage = -1};
    for (size_t i = 0; i < n; i++) {
        asked += o->arrivals[i].asked;
        all->started += o->arrivals[i].started;
        all->dropped += o->arrivals[i].dropped;
        if (o->arrivals[i].users > all->peak_users)
            all->peak_users = o->arrivals[i].users;
    }
    all->due = (uint64_t)llround(asked);
    r->in.arrivals = o->arrivals;
    r->in.n_arrivals = n;
    return 0;
}

/* PREFIX_corrected.csv and PREFIX_arrivals.csv, when the run wrote them. -1 with a message
 * when one is there but cannot be read. */
static int read_open_files(const char *prefix, struct report_estimate *r, struct open_files *o,
                           char *err, size_t errlen)
{
    char path[4200];

    snprintf(path, sizeof path, "%s_corrected.csv", prefix);
    if (access(path, F_OK) == 0 && read_corrected(path, r, o, err, errlen) < 0)
        return -1;
    snprintf(path, sizeof path, "%s_arrivals.csv", prefix);
    return read_arrivals(path, r, o, err, errlen);
}

/* PREFIX_health.csv, when the run wrote one: the report's backend-health section. */
static int read_health(const struct report_args *a, const struct scenario *scn,
                       struct report_estimate *r, struct report_health *h)
{
    char err[1024];

    if (report_health_read(a->prefix, scn, r->snap, h, err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet report: %s\n", err);
        return -1;
    }
    for (uint32_t k = 0; k < SNAP_HEALTH_METRICS; k++) {
        r->in.health_points[k] = h->points[k];
        r->in.health_n[k] = h->n[k];
    }
    r->in.passed = verdict_passed(r->snap);
    return 0;
}

static int rebuild(const struct report_args *a, struct report_csv_run *run, struct scenario *scn)
{
    static struct fixture_result fixtures[FIXTURE_PHASES];
    struct report_estimate r;
    struct report_health h;
    struct open_files open = {0};
    char err[1024], notes[4][600];
    const char *note_ptrs[4];
    int rc = 2;

    if (report_estimate_build(run, scn, a->prefix, &r, err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet report: %s\n", err);
        return 2;
    }
    if (report_extras_apply(a->prefix, &r, fixtures, err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet report: %s\n", err);
        report_estimate_free(&r);
        return 2;
    }
    if (read_health(a, scn, &r, &h) < 0) {
        report_estimate_free(&r);
        return 2;
    }
    if (read_open_files(a->prefix, &r, &open, err, sizeof err) < 0) {
        fprintf(stderr, "hornet report: %s\n", err);
        goto out;
    }
    r.in.n_notes = missing_notes(run, a->prefix, notes);
    if (open.view)
        snprintf(notes[r.in.n_notes++], 600, "The latencies are corrected for coordinated "
                 "omission (%s_corrected.csv); the charts over time show service times "
                 "(that file has no history), and the targets are judged on %s_stats.csv.",
                 a->prefix, a->prefix);
    for (size_t i = 0; i < r.in.n_notes; i++)
        note_ptrs[i] = notes[i];
    r.in.notes = note_ptrs;
    r.in.scenario_path = a->scenario;
    if (write_reports(&r.in, a) == 0) {
        print_verdict(&r);
        rc = r.in.passed ? 0 : 1;
    }
out:
    free(open.view);
    free(open.arrivals);
    report_health_free(&h);
    report_estimate_free(&r);
    return rc;
}

/* A target on one endpoint over a steady or last-N window reads its history rows. */
static bool needs_endpoint_history(const struct scenario *scn)
{
    for (uint32_t i = 0; scn && i < scn->n_targets; i++)
        if (scn->targets[i].endpoint >= 0 && scn->targets[i].window != TARGET_WINDOW_RUN)
            return true;
    return false;
}

int report_main(int argc, char **argv)
{
    struct report_args a;
    struct report_csv_run run;
    struct scenario *scn = NULL;
    char err[1024];
    int rc;

    if (parse_args(argc, argv, &a) < 0)
        return 2;
    if (a.help) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (a.campaign) {
        if (report_campaign_write(a.campaign, err, sizeof err) < 0) {
            escape_fprintf(stderr, "hornet report: %s\n", err);
            return 2;
        }
        escape_fprintf(stderr, "hornet report: wrote %s/RESULTS.md and %s/RESULTS.html\n",
                       a.campaign, a.campaign);
        return 0;
    }
    if (a.scenario && scenario_load(a.scenario, &scn, err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet report: %s\n", err);
        return 2;
    }
    if (report_csv_read_run(a.prefix,
                            needs_endpoint_history(scn) ? REPORT_CSV_ENDPOINT_HISTORY : 0, &run,
                            err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet report: %s\n", err);
        scenario_free(scn);
        return 2;
    }
    rc = rebuild(&a, &run, scn);
    report_csv_free(&run);
    scenario_free(scn);
    return rc;
}
