/* campaign: a campaign file's scenarios run one after the other through the run wiring and
 * the one host loop, their results recorded as they end, and the results document written at
 * the end. Main thread. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "campaign.h"
#include "campaign_csv.h"
#include "campaign_file.h"
#include "campaign_junit.h"
#include "csv.h"
#include "escape.h"
#include "fileio.h"
#include "fixture.h"
#include "headless.h"
#include "live.h"
#include "log.h"
#include "options.h"
#include "phases.h"
#include "report.h"
#include "run.h"
#include "scenario.h"
#include "strbuf.h"
#include "ui.h"

extern char **environ;

static char program_name[] = "hornet", scenario_option[] = "--scenario";

struct campaign {
    struct campaign_file *file;
    const char *file_path;
    const char *out;                /* the results directory */
    const char *cool_down_arg;      /* --cool-down: replaces the file's; NULL: none */
    char *out_trimmed;              /* --out without its trailing slashes (owned) */
    char *junit;                    /* --junit FILE.xml: one document for the campaign */
    struct campaign_junit *suites;  /* ... its suites, one per scenario */
    char **argv;                    /* "hornet", the options for every scenario, then room for
                                       "--scenario FILE" */
    int argc;
    struct campaign_row *rows;
    bool aborted;
    char abort_reason[200];
};

static const char usage_text[] =
    "Usage: hornet campaign FILE.json [--out DIR] [hornet options]\n"
    "\n"
    "Run the campaign file's scenarios one after the other (each with its setup, preflight\n"
    "and teardown), each writing its CSV files and reports under DIR (default results/) as\n"
    "NN_name_*, with DIR/campaign.csv recording how each ended, then write the results\n"
    "document DIR/RESULTS.md and DIR/RESULTS.html. The options after the file are hornet's\n"
    "(see hornet --help) and apply to every scenario: --headless, -t 20s (each scenario's run\n"
    "time), -H URL, -u N, ... They win over the campaign file's own settings.\n"
    "\n"
    "  --out DIR         where the results go (default results)\n"
    "  --cool-down T     the wait between two scenarios, replacing the file's (0, 10s, 1m)\n"
    "  --junit FILE.xml  one JUnit document for the campaign: a testsuite per scenario\n"
    "  -h, --help        this text\n"
    "\n"
    "In the dashboard, n ends the scenario in progress and goes to the next; A (or q) ends it\n"
    "and aborts the campaign; Ctrl-C too. `hornet report --campaign DIR` rebuilds the results\n"
    "document from the files.\n"
    "\n"
    "Exit status: 0 every scenario passed, 1 one failed, was interrupted or did not run,\n"
    "2 usage, campaign or scenario error (nothing ran), 3 internal error, 4 the results\n"
    "document could not be written.\n";

/* ---- arguments -------------------------------------------------------------------------- */

/* FILE, --out DIR, and everything else kept for hornet's own options. -1 after a message; 1
 * after --help. */
static int parse_args(struct campaign *c, int argc, char **argv)
{
    c->out = CAMPAIGN_DEFAULT_OUT;
    c->argv = calloc((size_t)argc + 4, sizeof *c->argv);
    if (!c->argv)
        return -1;
    c->argv[c->argc++] = program_name;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_text, stdout);
            return 1;
        }
        if (!strcmp(a, "--out") && i + 1 < argc)
            c->out = argv[++i];
        else if (!strncmp(a, "--out=", 6))
            c->out = a + 6;
        else if (!strcmp(a, "--cool-down") && i + 1 < argc)
            c->cool_down_arg = argv[++i];
        else if (!strncmp(a, "--cool-down=", 12))
            c->cool_down_arg = a + 12;
        else if (!c->file_path && a[0] != '-')
            c->file_path = a;
        else
            c->argv[c->argc++] = argv[i];
    }
    if (!c->file_path) {
        fprintf(stderr, "hornet campaign: missing the campaign file (hornet campaign "
                "FILE.json --out DIR; see hornet campaign --help)\n");
        return -1;
    }
    if (!*c->out) {
        fprintf(stderr, "hornet campaign: --out: expected a directory\n");
        return -1;
    }
    size_t len = strlen(c->out);

    while (len > 1 && c->out[len - 1] == '/')
        len--;
    if (len < strlen(c->out) && (c->out_trimmed = strndup(c->out, len)))
        c->out = c->out_trimmed;
    return 0;
}

/* ---- one scenario's options ------------------------------------------------------------ */

/* "01_deployments" from the entry's index and scenario file name. */
static void prefix_of(uint32_t i, const char *scenario, char *out, size_t n)
{
    const char *base = strrchr(scenario, '/');
    size_t k, len;

    base = base ? base + 1 : scenario;
    len = strlen(base);
    if (len > 5 && !strcmp(base + len - 5, ".json"))
        len -= 5;
    snprintf(out, n, "%02u_", i + 1);
    for (k = strlen(out); len > 0 && k + 1 < n; base++, len--)
        out[k++] = isalnum((unsigned char)*base) || *base == '-' ? *base : '_';
    out[k] = '\0';
}

static char *path_in(const char *dir, const char *prefix, const char *suffix)
{
    size_t n = strlen(dir) + strlen(prefix) + strlen(suffix) + 2;
    char *p = malloc(n);

    if (!p) {
        fputs("hornet: out of memory\n", stderr);
        abort();
    }
    snprintf(p, n, "%s/%s%s", dir, prefix, suffix);
    return p;
}

/* hornet's options for entry i: the command line, environment and config file over the
 * campaign's overrides, and the campaign's outputs. -1 with the message in err. */
static int entry_options(struct campaign *c, uint32_t i, struct options *o, char *err,
                         size_t errlen)
{
    const struct campaign_entry *e = &c->file->entries[i];
    char prefix[160];

    c->argv[c->argc] = scenario_option;
    c->argv[c->argc + 1] = e->scenario;
    if (options_parse(o, c->argc + 2, c->argv, environ, err, errlen) < 0)
        return -1;
    if (!o->users_set && e->users_set)
        o->users = e->users, o->users_set = true;
    if (!o->spawn_rate_set && e->spawn_rate_set)
        o->spawn_rate = e->spawn_rate, o->spawn_rate_set = true;
    if (!o->run_time_set && e->run_time_set)
        o->run_time = e->run_time, o->run_time_set = true;
    if (!o->host_set && e->host) {
        free(o->host);
        o->host = strdup(e->host);
        o->host_set = o->host != NULL;
    }
    if (o->junit && !c->junit)
        c->junit = strdup(o->junit);        /* one document for the campaign, not one a run */
    free(o->junit);
    o->junit = NULL;
    prefix_of(i, e->scenario, prefix, sizeof prefix);
    free(o->csv_prefix);
    free(o->report_md);
    free(o->report_html);
    o->csv_prefix = path_in(c->out, prefix, "");
    o->report_md = path_in(c->out, prefix, "_report.md");
    o->report_html = path_in(c->out, prefix, "_report.html");
    o->csv_full_history = true;             /* per-endpoint percentiles as users grow */
    return 0;
}

/* Every scenario loads and has an end, before anything runs. -1 after a message. */
static int check_entries(struct campaign *c)
{
    char err[1024];

    for (uint32_t i = 0; i < c->file->n_entries; i++) {
        const struct campaign_entry *e = &c->file->entries[i];
        struct campaign_row *row = &c->rows[i];
        struct scenario *scn = NULL;
        struct options o;
        int rc = entry_options(c, i, &o, err, sizeof err);

        if (rc == 0 && scenario_load(e->scenario, &scn, err, sizeof err) < 0)
            rc = -1;
        if (rc == 0 && !o.run_time_set && scn->run_time <= 0 && scn->n_stages == 0) {
            snprintf(err, sizeof err, "%s: scenarios[%u] (%s) has no run time: give it "
                     "\"run_time\" in the campaign or the scenario, or -t", c->file_path, i,
                     e->scenario);
            rc = -1;
        }
        if (rc == 0 && (o.worker || o.master)) {    /* each run binds or dials anew */
            snprintf(err, sizeof err, "--worker and --master run one scenario, not a campaign: "
                     "run each scenario of %s on its own", c->file_path);
            rc = -1;
        }
        if (rc == 0) {
            row->index = i + 1;
            snprintf(row->campaign, sizeof row->campaign, "%s", c->file->name);
            snprintf(row->name, sizeof row->name, "%s", e->name ? e->name : scn->name);
            snprintf(row->scenario, sizeof row->scenario, "%s", e->scenario);
            prefix_of(i, e->scenario, row->prefix, sizeof row->prefix);
            row->exit_code = -1;
            row->cpu_percent = -1;
            row->saturated_seconds = -1;
        }
        scenario_free(scn);
        options_free(&o);
        if (rc < 0) {
            escape_fprintf(stderr, "hornet campaign: %s\n", err);
            return -1;
        }
    }
    return 0;
}

/* ---- recording ---------------------------------------------------------------------------- */

static double now_unix(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The load generator's CPU over the run: its worker threads' (selfstat), as a share of every
 * CPU of the machine; -1 when not measured. The built-in target's thread is not in it. */
static double generator_cpu(const struct snapshot *s)
{
    double took = (s->end_time > 0 ? s->end_time : s->now) - s->run_start;

    if (took <= 0 || s->self.ncpu == 0 || s->self.workers_cpu_seconds <= 0)
        return -1;
    return 100.0 * s->self.workers_cpu_seconds / took / (double)s->self.ncpu;
}

/* --junit: the scenarios that have not ended are skipped cases, for now. */
static void save_junit(const struct campaign *c)
{
    char err[512];

    if (!c->junit || !c->suites)
        return;
    for (uint32_t i = 0; i < c->file->n_entries; i++) {
        const struct campaign_row *row = &c->rows[i];

        if (row->status == CAMPAIGN_NOT_RUN || row->status == CAMPAIGN_RUNNING)
            campaign_junit_skipped(c->suites, i, row->name, row->status == CAMPAIGN_RUNNING
                                   ? "running: the campaign stopped during it" : row->message[0]
                                   ? row->message : "not run yet");
    }
    if (campaign_junit_write(c->suites, c->junit, err, sizeof err) < 0)
        log_msg(LOG_LEVEL_ERROR, "%s", err);
}

static void save(const struct campaign *c)
{
    char err[512];

    if (campaign_csv_write(c->out, c->rows, c->file->n_entries, err, sizeof err) < 0)
        log_msg(LOG_LEVEL_ERROR, "%s", err);
    save_junit(c);
}

/* PREFIX_expected.csv: the responses the scenario's steps expected (non-2xx statuses counted
 * as successes), which Locust's four files have no place for. */
static void write_expected(const struct run *r)
{
    const struct snapshot *s = r->snap;
    struct strbuf b;
    char path[4096], count[32], err[512];

    strbuf_init(&b);
    strbuf_puts(&b, "Method,Name,Response,Occurrences\r\n");
    for (uint32_t i = 0; i < s->n_errors && i < SNAP_MAX_ERRORS; i++) {
        const struct snap_error *e = &s->errors[i];

        if (!e->expected || e->endpoint >= s->n_endpoints)
            continue;
        csv_append_field(&b, s->endpoints[e->endpoint].method, ",");
        csv_append_field(&b, s->endpoints[e->endpoint].name, ",");
        csv_append_field(&b, e->text, ",");
        snprintf(count, sizeof count, "%llu", (unsigned long long)e->count);
        csv_append_field(&b, count, "\r\n");
    }
    snprintf(path, sizeof path, "%s_expected.csv", r->opt->csv_prefix);
    if (!b.data || fileio_write_atomic(path, b.data, b.len, err, sizeof err) < 0)
        log_msg(LOG_LEVEL_ERROR, "%s", b.data ? err : "out of memory");
    strbuf_free(&b);
}

/* Why a run that ended by itself failed: its failed targets and backend-health limits, its
 * abort, or its failures. */
static void fail_reason(const struct snapshot *s, char *out, size_t n)
{
    size_t len = 0;

    out[0] = '\0';
    if (s->fatal[0]) {
        snprintf(out, n, "engine error: %s", s->fatal);
        return;
    }
    if (s->aborted) {
        snprintf(out, n, "aborted: %s", s->abort_reason);
        return;
    }
    for (uint32_t i = 0; i < s->n_targets && len + 1 < n; i++) {
        const struct snap_target *t = &s->targets[i];

        if (t->status != TARGET_FAIL && t->status != TARGET_PENDING)
            continue;
        len += (size_t)snprintf(out + len, n - len, "%s%s%s%s: %s", len ? "; " : "",
                                t->endpoint, t->endpoint[0] ? " " : "", t->text,
                                t->detail[0] ? t->detail : "no data");
    }
    for (uint32_t i = 0; i < s->health.n_metrics && i < SNAP_HEALTH_METRICS && len + 1 < n; i++) {
        const struct snap_health_metric *x = &s->health.metrics[i];

        if (x->has_limit && x->status == TARGET_FAIL)
            len += (size_t)snprintf(out + len, n - len, "%shealth %s %s: %s", len ? "; " : "",
                                    x->name, x->limit, x->detail);
    }
    if (!out[0] && s->total.requests == 0)
        snprintf(out, n, "no request completed");
    else if (!out[0])
        snprintf(out, n, "%llu unexpected failure%s", (unsigned long long)s->total.failures,
                 s->total.failures == 1 ? "" : "s");
}

/* ---- running one scenario ---------------------------------------------------------------- */

static void abort_rest(struct campaign *c, const char *why)
{
    if (c->aborted)
        return;
    c->aborted = true;
    snprintf(c->abort_reason, sizeof c->abort_reason, "%s", why);
}

/* The dashboard's status line for entry i: where the campaign is and what comes next. */
static void campaign_line(const struct campaign *c, uint32_t i, char *out, size_t n)
{
    uint32_t total = c->file->n_entries;

    if (i + 1 < total)
        snprintf(out, n, "Campaign %u of %u: %s, next: %s", i + 1, total, c->rows[i].name,
                 c->rows[i + 1].name);
    else
        snprintf(out, n, "Campaign %u of %u: %s (the last)", i + 1, total, c->rows[i].name);
}

/* How a run that got to its load ended, into row (and whether the campaign goes on). */
static void judge_run(struct campaign *c, const struct run *r, int rc, struct campaign_row *row)
{
    if (r->signals > 0) {
        row->status = CAMPAIGN_INTERRUPTED;
        snprintf(row->message, sizeof row->message, "stopped by a signal (Ctrl-C)");
        abort_rest(c, "a stop signal (Ctrl-C) during the scenario before");
    } else if (r->campaign_key == UI_CAMPAIGN_NEXT) {
        row->status = CAMPAIGN_INTERRUPTED;
        snprintf(row->message, sizeof row->message, "ended early by the operator (n: next "
                 "scenario)");
    } else if (r->operator_stopped) {
        row->status = CAMPAIGN_INTERRUPTED;
        snprintf(row->message, sizeof row->message, "stopped by the operator (%s)",
                 r->campaign_key == UI_CAMPAIGN_ABORT ? "A: abort the campaign" : "quit");
        abort_rest(c, "the operator aborted the campaign");
    } else if (rc == 0) {
        row->status = CAMPAIGN_PASS;
    } else if (rc == RUN_EXIT_OUTPUT) {
        row->status = CAMPAIGN_FAIL;
        snprintf(row->message, sizeof row->message, "a requested output could not be written "
                 "(exit code %d; the log says which)", rc);
    } else {
        row->status = CAMPAIGN_FAIL;
        fail_reason(r->snap, row->message, sizeof row->message);
    }
}

/* A run stopped before its load (rc from run_prepare). */
static void judge_unstarted(struct campaign *c, const struct run *r, int rc,
                            struct campaign_row *row)
{
    row->status = CAMPAIGN_FAIL;
    if (rc == PHASES_EXIT_PREFLIGHT && r->fixtures) {
        for (int p = 0; p < FIXTURE_PHASES && !row->message[0]; p++)
            if (r->fixtures[p].status == FIXTURE_FAILED ||
                r->fixtures[p].status == FIXTURE_INTERRUPTED)
                snprintf(row->message, sizeof row->message, "stopped before any load: %.580s",
                         r->fixtures[p].message);
        if (r->fixtures[FIXTURE_SETUP].status == FIXTURE_INTERRUPTED ||
            r->fixtures[FIXTURE_PREFLIGHT].status == FIXTURE_INTERRUPTED) {
            row->status = CAMPAIGN_INTERRUPTED;
            abort_rest(c, "a stop signal (Ctrl-C) during the scenario before");
        }
    } else {
        snprintf(row->message, sizeof row->message, "hornet could not run it (exit code %d; "
                 "the log says why)", rc);
    }
}

static void record_settings(const struct run *r, struct campaign_row *row)
{
    if (!r->scn)
        return;
    row->users = run_peak_users(r);
    row->spawn_rate = r->spawn_rate;
    row->run_time = r->run_time;
    row->embedded_target = r->target != NULL;
    snprintf(row->host, sizeof row->host, "%s", r->host);
}

static void run_entry(struct campaign *c, uint32_t i)
{
    struct campaign_row *row = &c->rows[i];
    struct options o;
    struct run r;
    char err[1024], line[400];
    int rc;

    row->status = CAMPAIGN_RUNNING;
    row->start = now_unix();
    save(c);
    log_msg(LOG_LEVEL_INFO, "Campaign: scenario %u of %u: %s (%s)", i + 1, c->file->n_entries,
            row->name, row->scenario);
    if (entry_options(c, i, &o, err, sizeof err) < 0) {
        row->status = CAMPAIGN_FAIL;
        snprintf(row->message, sizeof row->message, "%.600s", err);
        row->end = now_unix();
        save(c);
        return;
    }
    rc = run_prepare(&r, &o);
    record_settings(&r, row);
    if (rc != 0) {
        judge_unstarted(c, &r, rc, row);
    } else {
        campaign_line(c, i, line, sizeof line);
        r.campaign_line = line;
        rc = o.headless ? headless_run(&r) : live_run(&r);
        row->cpu_percent = generator_cpu(r.snap);
        row->saturated_seconds = r.snap->saturated_seconds;
        row->expected = r.snap->total.expected;
        write_expected(&r);
        judge_run(c, &r, rc, row);
        if (c->suites)
            campaign_junit_ran(c->suites, i, row->name, r.snap);
    }
    if (row->status != CAMPAIGN_PASS && !r.engine && c->suites)
        campaign_junit_stopped(c->suites, i, row->name, row->message, row->start, now_unix());
    row->exit_code = rc;
    row->end = now_unix();
    run_free(&r);
    options_free(&o);
    if (row->status == CAMPAIGN_FAIL && c->file->entries[i].stop_on_fail)
        abort_rest(c, "stop_on_fail: the scenario before failed");
    save(c);
}

/* ---- the campaign ------------------------------------------------------------------------- */

static void cool_down(struct campaign *c, uint32_t next)
{
    double secs = c->file->cool_down;

    if (secs <= 0 || c->aborted)
        return;
    log_msg(LOG_LEVEL_INFO, "Campaign: cool-down of %g s before scenario %u of %u (%s); "
            "Ctrl-C aborts the campaign", secs, next + 1, c->file->n_entries,
            c->rows[next].name);
    if (phases_wait(secs) < 0)
        abort_rest(c, "a stop signal (Ctrl-C) during the cool-down");
}

static int run_all(struct campaign *c)
{
    bool all_passed = true;

    for (uint32_t i = 0; i < c->file->n_entries; i++) {
        if (i > 0)
            cool_down(c, i);
        if (c->aborted) {
            snprintf(c->rows[i].message, sizeof c->rows[i].message, "not run: %s",
                     c->abort_reason);
            continue;
        }
        run_entry(c, i);
    }
    save(c);
    for (uint32_t i = 0; i < c->file->n_entries; i++)
        all_passed &= c->rows[i].status == CAMPAIGN_PASS;
    return all_passed ? 0 : 1;
}

static void print_outcome(const struct campaign *c)
{
    printf("\nCampaign %s: results in %s/RESULTS.md and %s/RESULTS.html\n", c->file->name,
           c->out, c->out);
    for (uint32_t i = 0; i < c->file->n_entries; i++) {
        const struct campaign_row *row = &c->rows[i];

        printf("  %2u. %-40.40s %-12s %s\n", row->index, row->name,
               campaign_status_names[row->status], row->message);
    }
    fflush(stdout);
}

/* Logging from the first scenario's options (the command line's, shared by all). */
static int start_log(struct campaign *c)
{
    struct options o;
    enum log_level level = LOG_LEVEL_INFO;
    char err[1024];
    int rc = -1;

    if (entry_options(c, 0, &o, err, sizeof err) < 0)
        escape_fprintf(stderr, "%s\n", err);
    else if (log_level_parse(o.loglevel, &level) < 0 ||
             log_init(level, o.logfile, true, err, sizeof err) < 0)
        escape_fprintf(stderr, "hornet campaign: %s\n", err);
    else
        rc = 0;
    options_free(&o);
    return rc;
}

static int campaign_prepare(struct campaign *c)
{
    char err[1024];

    if (campaign_file_load(c->file_path, &c->file, err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet campaign: %s\n", err);
        return 2;
    }
    if (c->cool_down_arg) {
        double v = 0;

        if (campaign_file_duration(c->cool_down_arg, &v) < 0) {
            fprintf(stderr, "hornet campaign: --cool-down: expected a duration such as 0, 10s "
                    "or 1m, got '%s'\n", c->cool_down_arg);
            return 2;
        }
        c->file->cool_down = v;
    }
    c->rows = calloc(c->file->n_entries, sizeof *c->rows);
    if (!c->rows) {
        fprintf(stderr, "hornet campaign: out of memory\n");
        return 3;
    }
    if (start_log(c) < 0 || check_entries(c) < 0)
        return 2;
    if (c->junit && !(c->suites = campaign_junit_create(c->file->n_entries))) {
        fprintf(stderr, "hornet campaign: out of memory\n");
        return 3;
    }
    if (campaign_csv_write(c->out, c->rows, c->file->n_entries, err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet campaign: %s\n", err);
        return 4;
    }
    return 0;
}

int campaign_main(int argc, char **argv)
{
    struct campaign c = {0};
    char err[1024];
    int rc = parse_args(&c, argc, argv);

    if (rc != 0) {
        free(c.argv);
        free(c.out_trimmed);
        return rc > 0 ? 0 : 2;
    }
    if ((rc = campaign_prepare(&c)) == 0) {
        rc = run_all(&c);
        if (report_campaign_write(c.out, err, sizeof err) < 0) {
            log_msg(LOG_LEVEL_ERROR, "%s", err);
            rc = 4;
        }
        print_outcome(&c);
    }
    log_close();
    campaign_file_free(c.file);
    campaign_junit_free(c.suites);
    free(c.junit);
    free(c.rows);
    free(c.argv);
    free(c.out_trimmed);
    return rc;
}
