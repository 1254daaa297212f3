/* report_campaign: a campaign's results document, RESULTS.md and RESULTS.html, built from the
 * files in the results directory alone (campaign.csv, each scenario's CSV files and scenario
 * file), so `hornet report --campaign DIR` rebuilds the same document: every number in it is
 * read from one of those files, and the findings say which. Each scenario's own report model
 * (report_model.c) gives its sections; the campaign's summary, findings and next steps are
 * sections of a model of their own; the renderers draw both. Main thread. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "campaign_csv.h"
#include "fileio.h"
#include "fixture.h"
#include "report_internal.h"
#include "scenario.h"
#include "textfile.h"
#include "version.h"

#define MAX_ITEMS 16                /* findings, next steps */
#define ITEM_MAX 700

/* One scenario of the campaign and what its files say. */
struct part {
    const struct campaign_row *row;
    enum campaign_status status;        /* RUNNING read back: INTERRUPTED */
    char prefix[4200];                  /* DIR/01_name */
    char file[200];                     /* 01_name (for evidence) */
    bool has_stats;                     /* PREFIX_stats.csv was read */
    struct report_csv_run run;
    struct scenario *scn;               /* NULL when its file cannot be read */
    struct report_estimate est;
    struct fixture_result *fixtures;    /* FIXTURE_PHASES */
    struct report_health health;        /* PREFIX_health.csv's samples, when there is one */
    struct report_facts facts;
    struct report_model model;
    bool has_model;
    char note[700];                     /* what is missing */
};

struct item {
    char head[200], text[ITEM_MAX], evidence[ITEM_MAX];
};

struct doc {
    const char *out;
    struct campaign_row *rows;
    size_t n;
    struct part *parts;
    char name[200];                     /* the campaign's name: its directory's */
    struct item findings[MAX_ITEMS], steps[MAX_ITEMS];
    size_t n_findings, n_steps;
    struct report_model m;              /* title, summary, findings, next steps */
    struct report_model notes;
    unsigned passed;
};

/* ---- reading the files ------------------------------------------------------------------- */

static void part_status(struct part *p)
{
    p->status = p->row->status == CAMPAIGN_RUNNING ? CAMPAIGN_INTERRUPTED : p->row->status;
}

/* The scenario, for its targets (a missing file only costs the judging). */
static void load_scenario(struct part *p)
{
    char err[1024];

    if (!p->row->scenario[0] || scenario_load(p->row->scenario, &p->scn, err, sizeof err) < 0) {
        p->scn = NULL;
        snprintf(p->note, sizeof p->note, "The scenario file could not be read (%.600s): its "
                 "targets are not judged.", err);
    }
}

static int load_stats(struct part *p, char *err, size_t errlen)
{
    char path[4300], why[128];
    FILE *f;

    snprintf(path, sizeof path, "%s_stats.csv", p->prefix);
    if (!(f = textfile_open(path, why, sizeof why))) {
        if (errno == ENOENT)
            return 0;                       /* never got to its load */
        snprintf(err, errlen, "cannot read %s: %s", path, why);
        return -1;
    }
    fclose(f);
    if (report_csv_read_run(p->prefix, REPORT_CSV_ENDPOINT_HISTORY, &p->run, err, errlen) < 0)
        return -1;
    p->has_stats = true;
    return 0;
}

/* A part without statistics still shows its fixtures: an empty snapshot carries them. */
static int load_empty(struct part *p, char *err, size_t errlen)
{
    memset(&p->est, 0, sizeof p->est);
    if (!(p->est.snap = calloc(1, sizeof *p->est.snap))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(p->est.snap->scenario, sizeof p->est.snap->scenario, "%s", p->row->name);
    p->est.in.snap = p->est.snap;
    p->est.in.csv_prefix = p->prefix;
    return 0;
}

static int load_part(struct doc *d, struct part *p, char *err, size_t errlen)
{
    part_status(p);
    snprintf(p->prefix, sizeof p->prefix, "%s/%s", d->out, p->row->prefix);
    snprintf(p->file, sizeof p->file, "%s", p->row->prefix);
    if (!(p->fixtures = calloc(FIXTURE_PHASES, sizeof *p->fixtures)))
        return snprintf(err, errlen, "out of memory"), -1;
    if (p->status != CAMPAIGN_NOT_RUN) {
        load_scenario(p);
        if (load_stats(p, err, errlen) < 0)
            return -1;
    }
    if (p->has_stats ? report_estimate_build(&p->run, p->scn, p->prefix, &p->est, err,
                                             errlen) < 0
                     : load_empty(p, err, errlen) < 0)
        return -1;
    if (p->status != CAMPAIGN_NOT_RUN &&
        (report_extras_apply(p->prefix, &p->est, p->fixtures, err, errlen) < 0 ||
         report_health_read(p->prefix, p->scn, p->est.snap, &p->health, err, errlen) < 0))
        return -1;
    for (uint32_t k = 0; k < SNAP_HEALTH_METRICS; k++) {
        p->est.in.health_points[k] = p->health.points[k];
        p->est.in.health_n[k] = p->health.n[k];
    }
    p->est.in.scenario_path = p->row->scenario;
    snprintf(p->est.snap->host, sizeof p->est.snap->host, "%.*s",
             (int)sizeof p->est.snap->host - 1, p->row->host);
    p->est.in.generated_at = (double)time(NULL);
    report_facts_compute(&p->est.in, &p->facts);
    if (report_model_build(&p->model, &p->est.in, &p->facts) < 0)
        return snprintf(err, errlen, "out of memory"), -1;
    p->has_model = true;
    return 0;
}

static void free_part(struct part *p)
{
    if (p->has_model)
        report_model_free(&p->model);
    report_estimate_free(&p->est);
    report_health_free(&p->health);
    report_csv_free(&p->run);
    scenario_free(p->scn);
    free(p->fixtures);
}

/* ---- what the files say -------------------------------------------------------------------- */

/* The scenario's target on the whole run of metric (pct for percentiles), or NULL. */
static const struct snap_target *run_target(const struct part *p, uint8_t metric, double pct,
                                            const struct target_def **def)
{
    const struct snapshot *s = p->est.snap;

    for (uint32_t i = 0; p->scn && s && i < p->scn->n_targets && i < s->n_targets; i++) {
        const struct target_def *t = &p->scn->targets[i];
        bool median = metric == TARGET_MEDIAN &&
                      (t->metric == TARGET_MEDIAN ||
                       (t->metric == TARGET_PERCENTILE && t->pct == 0.5));

        if (t->endpoint >= 0)
            continue;
        if (median || (t->metric == metric && (metric != TARGET_PERCENTILE || t->pct == pct))) {
            if (def)
                *def = t;
            return &s->targets[i];
        }
    }
    return NULL;
}

/* A throughput bound: "80", "10,000", "0.5". */
static void rps_bound(double v, char *out, size_t n)
{
    if (v == floor(v) && v < 1e15)
        report_fmt_count((uint64_t)v, out, n);
    else
        snprintf(out, n, "%g", v);
}

/* "< 500 ms", "80–120/s", "≥ 10,000/s": a target's bounds in its unit. */
static void bounds_text(const struct target_def *t, char *out, size_t n)
{
    char lo[40], hi[40];

    if (t->metric == TARGET_RPS) {
        rps_bound(t->lo, lo, sizeof lo);
        rps_bound(t->hi, hi, sizeof hi);
    } else {
        snapshot_format_target((uint8_t)t->metric, t->lo, lo, sizeof lo);
        snapshot_format_target((uint8_t)t->metric, t->hi, hi, sizeof hi);
    }
    if (isfinite(t->lo) && isfinite(t->hi))
        snprintf(out, n, "%s–%s%s", lo, hi, t->metric == TARGET_RPS ? "/s" : "");
    else if (isfinite(t->hi))
        snprintf(out, n, "%s %s%s", t->hi_strict ? "<" : "≤", hi,
                 t->metric == TARGET_RPS ? "/s" : "");
    else
        snprintf(out, n, "%s %s%s", t->lo_strict ? ">" : "≥", lo,
                 t->metric == TARGET_RPS ? "/s" : "");
}

static const char *status_word(enum campaign_status s)
{
    return campaign_status_names[s];
}

static uint8_t status_tint(enum campaign_status s)
{
    return s == CAMPAIGN_PASS ? TARGET_PASS : s == CAMPAIGN_FAIL ? TARGET_FAIL
           : s == CAMPAIGN_INTERRUPTED ? TARGET_AT_RISK : TARGET_SKIPPED;
}

/* ---- the executive summary ------------------------------------------------------------------ */

static const char *str(struct report_model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *str(struct report_model *m, const char *fmt, ...)
{
    char text[1200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return report_model_text(m, text);
}

/* "412 ms" as stats.csv writes it (whole milliseconds), or "n/a". */
static const char *ms_cell(struct report_model *m, const struct report_csv_stats_row *t, int k)
{
    if (!t->requests || (t->pct_na >> k & 1u))
        return "n/a";
    return str(m, "%.0f ms", t->pct[k]);
}

/* A value against its target: "412 ms vs < 500 ms", or the value alone. */
static const char *versus(struct report_model *m, const char *value,
                          const struct target_def *def)
{
    char b[96];

    if (!def)
        return value;
    bounds_text(def, b, sizeof b);
    return str(m, "%s vs %s", value, b);
}

/* The most users any row of the history shows (its User Count). */
static uint32_t peak_users(const struct part *p)
{
    uint32_t peak = 0;

    for (size_t i = 0; i < p->run.n_history; i++)
        if (p->run.history[i].entry == -1 && p->run.history[i].users > peak)
            peak = p->run.history[i].users;
    return peak;
}

static void summary_numbers(struct doc *d, struct report_table *t, const struct part *p)
{
    struct report_model *m = &d->m;
    const struct report_csv_stats_row *tot = &p->run.total;
    const struct target_def *rps = NULL, *p50 = NULL, *p99 = NULL;
    char b[64], share[32];

    run_target(p, TARGET_RPS, 0, &rps);
    run_target(p, TARGET_MEDIAN, 0.5, &p50);
    run_target(p, TARGET_PERCENTILE, 0.99, &p99);
    report_fmt_duration(p->facts.duration, b, sizeof b);
    report_model_cell(m, t, REPORT_TEXT, str(m, "%u", peak_users(p)));
    report_model_cell(m, t, REPORT_TEXT, str(m, "%s", b));
    report_fmt_count(tot->requests, b, sizeof b);
    report_model_cell(m, t, REPORT_TEXT, str(m, "%s", b));
    report_fmt_share(tot->requests ? (double)tot->failures / (double)tot->requests : 0, share,
                     sizeof share);
    report_fmt_count(tot->failures, b, sizeof b);
    report_model_cell(m, t, REPORT_TEXT, str(m, "%s (%s)", b, share));
    report_fmt_count(p->est.snap->total.expected, b, sizeof b);
    report_model_cell(m, t, REPORT_TEXT, p->est.in.expected_unknown ? "n/a" : str(m, "%s", b));
    report_fmt_rps(tot->rps, b, sizeof b);
    report_model_cell(m, t, REPORT_TEXT, versus(m, str(m, "%s", b), rps));
    report_model_cell(m, t, REPORT_TEXT, versus(m, ms_cell(m, tot, SNAP_P50), p50));
    report_model_cell(m, t, REPORT_TEXT, versus(m, ms_cell(m, tot, SNAP_P99), p99));
}

static void summary_row(struct doc *d, struct report_table *t, const struct part *p)
{
    struct report_model *m = &d->m;
    struct report_cell *c;

    report_model_cell(m, t, REPORT_TEXT, str(m, "%u. %s", p->row->index, p->row->name));
    c = report_model_cell(m, t, REPORT_STATUS, status_word(p->status));
    c->status = status_tint(p->status);
    if (p->has_stats) {
        summary_numbers(d, t, p);
    } else {
        for (int k = 0; k < 8; k++)
            report_model_cell(m, t, REPORT_TEXT, k == 0 && p->row->users
                              ? str(m, "%u", p->row->users) : "–");
    }
    t->n_rows++;
}

static void build_summary(struct doc *d)
{
    static const char *const heads[] = {"Scenario", "Status", "Users", "Duration", "Requests",
                                        "Unexpected failures", "Expected", "Throughput",
                                        "p50", "p99", NULL};
    struct report_model *m = &d->m;
    struct report_section *s = report_model_section(m, "summary", "Executive summary",
                                                    REPORT_ROLE_BODY);
    struct report_table *t = report_model_table(m, s, heads, "--nnnnnnnn", d->n);
    struct report_para *p, *items;
    size_t n_items = 0;

    t->wide = true;
    for (size_t i = 0; i < d->n; i++)
        summary_row(d, t, &d->parts[i]);
    p = report_model_para(m, s, true);
    report_model_run(p, REPORT_TEXT, "Users: the most that ran (the history's User Count). "
                     "Requests, unexpected failures, throughput (requests per second over the "
                     "whole run), p50 and p99: the Aggregated row of each scenario's ");
    report_model_run(p, REPORT_CODE, "NN_name_stats.csv");
    report_model_run(p, REPORT_TEXT, "; expected: responses a step lists in ");
    report_model_run(p, REPORT_CODE, "expect");
    report_model_run(p, REPORT_TEXT, " (successes, not failures), from ");
    report_model_run(p, REPORT_CODE, "NN_name_expected.csv");
    report_model_run(p, REPORT_TEXT, ". A target, when the scenario has one, follows \"vs\"; "
                     "the Performance assessment of each scenario judges it over its window.");
    for (size_t i = 0; i < d->n; i++)
        n_items += d->parts[i].status != CAMPAIGN_PASS;
    if (n_items == 0)
        return;
    items = report_model_list(m, s, n_items);
    for (size_t i = 0, k = 0; i < d->n && items && !m->oom; i++) {
        const struct part *q = &d->parts[i];

        if (q->status == CAMPAIGN_PASS)
            continue;
        p = &items[k++];
        report_model_run(p, REPORT_STRONG, str(m, "%u. %s: %s", q->row->index, q->row->name,
                                               status_word(q->status)));
        report_model_run(p, REPORT_TEXT, str(m, ": %s", q->row->message[0] ? q->row->message
                         : q->status == CAMPAIGN_INTERRUPTED ? "the campaign stopped during it"
                         : q->note));
    }
}

/* ---- findings ------------------------------------------------------------------------------- */

static struct item *add_item(struct item *list, size_t *n, const char *head)
{
    struct item *it;

    if (*n == MAX_ITEMS)
        return NULL;
    it = &list[(*n)++];
    memset(it, 0, sizeof *it);
    snprintf(it->head, sizeof it->head, "%s", head);
    return it;
}

/* Append printf text to buf (of size n), cut at its end. */
static void append(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t n, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;

    if (len + 1 >= n)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + len, n - len, fmt, ap);
    va_end(ap);
}

static bool has_p99(const struct report_csv_stats_row *r)
{
    return r->requests > 0 && !(r->pct_na >> SNAP_P99 & 1u);
}

struct ranked {
    const struct part *p;
    const struct report_csv_stats_row *row;
    double value;
};

static int by_value_desc(const void *a, const void *b)
{
    double x = ((const struct ranked *)a)->value, y = ((const struct ranked *)b)->value;

    return x < y ? 1 : x > y ? -1 : 0;
}

/* Every endpoint row of every scenario with a p99, ranked by it. */
static size_t rank_endpoints(const struct doc *d, struct ranked **out)
{
    size_t n = 0, cap = 0;

    *out = NULL;
    for (size_t i = 0; i < d->n; i++)
        cap += d->parts[i].has_stats ? d->parts[i].run.n_stats : 0;
    if (cap == 0 || !(*out = calloc(cap, sizeof **out)))
        return 0;
    for (size_t i = 0; i < d->n; i++)
        for (size_t k = 0; d->parts[i].has_stats && k < d->parts[i].run.n_stats; k++)
            if (has_p99(&d->parts[i].run.stats[k]))
                (*out)[n++] = (struct ranked){&d->parts[i], &d->parts[i].run.stats[k],
                                              d->parts[i].run.stats[k].pct[SNAP_P99]};
    qsort(*out, n, sizeof **out, by_value_desc);
    return n;
}

static void find_slowest(struct doc *d)
{
    struct ranked *r;
    size_t n = rank_endpoints(d, &r);
    struct item *it;

    if (n == 0 || !(it = add_item(d->findings, &d->n_findings, "Slowest endpoints")))
        goto out;
    for (size_t i = 0; i < n && i < 3; i++) {
        append(it->text, sizeof it->text, "%s%s %s in %u. %s: p99 %.0f ms, median %.0f ms over "
               "%llu requests", i ? "; " : "", r[i].row->method, r[i].row->name,
               r[i].p->row->index, r[i].p->row->name, r[i].row->pct[SNAP_P99],
               r[i].row->median, (unsigned long long)r[i].row->requests);
        append(it->evidence, sizeof it->evidence, "%s%s_stats.csv (%s %s)", i ? ", " : "",
               r[i].p->file, r[i].row->method, r[i].row->name);
    }
    append(it->text, sizeof it->text, ".");
out:
    free(r);
}

/* The p99 of the same endpoint in two scenarios with different peak users. */
struct growth {
    const struct ranked *lo, *hi;
    double by;
};

static int by_growth_desc(const void *a, const void *b)
{
    double x = ((const struct growth *)a)->by, y = ((const struct growth *)b)->by;

    return x < y ? 1 : x > y ? -1 : 0;
}

static bool same_endpoint(const struct ranked *a, const struct ranked *b)
{
    return !strcmp(a->row->method, b->row->method) && !strcmp(a->row->name, b->row->name);
}

/* For each endpoint seen with two user counts or more: from the fewest users to the most. */
static size_t growths(const struct ranked *r, size_t n, struct growth *g, size_t cap)
{
    size_t k = 0;

    for (size_t i = 0; i < n && k < cap; i++) {
        const struct ranked *lo = &r[i], *hi = &r[i];
        bool first = true;

        for (size_t j = 0; j < i && first; j++)
            first = !same_endpoint(&r[j], &r[i]);
        if (!first)
            continue;                           /* counted with its first row */
        for (size_t j = i; j < n; j++) {
            if (!same_endpoint(&r[j], &r[i]))
                continue;
            if (peak_users(r[j].p) < peak_users(lo->p))
                lo = &r[j];
            if (peak_users(r[j].p) > peak_users(hi->p))
                hi = &r[j];
        }
        if (peak_users(hi->p) > peak_users(lo->p) && hi->value > lo->value)
            g[k++] = (struct growth){lo, hi, hi->value - lo->value};
    }
    qsort(g, k, sizeof *g, by_growth_desc);
    return k;
}

static void find_growth_across(struct doc *d)
{
    struct ranked *r;
    size_t n = rank_endpoints(d, &r), k;
    struct growth g[64];
    struct item *it;

    k = n ? growths(r, n, g, 64) : 0;
    if (k == 0 || !(it = add_item(d->findings, &d->n_findings,
                                  "p99 growing with users, across scenarios")))
        goto out;
    for (size_t i = 0; i < k && i < 3; i++) {
        append(it->text, sizeof it->text, "%s%s %s: p99 %.0f ms with %u users (%u. %s), "
               "%.0f ms with %u users (%u. %s)", i ? "; " : "", g[i].lo->row->method,
               g[i].lo->row->name, g[i].lo->value, peak_users(g[i].lo->p),
               g[i].lo->p->row->index, g[i].lo->p->row->name, g[i].hi->value,
               peak_users(g[i].hi->p), g[i].hi->p->row->index, g[i].hi->p->row->name);
        append(it->evidence, sizeof it->evidence, "%s%s_stats.csv and %s_stats.csv (99%%), "
               "their _stats_history.csv (User Count)", i ? "; " : "", g[i].lo->p->file,
               g[i].hi->p->file);
    }
    append(it->text, sizeof it->text, ".");
out:
    free(r);
}

/* ---- p99 along a ramp ------------------------------------------------------------------------ */

struct ramp {
    const struct report_csv_history_row *from, *to;
    double by;
};

/* Along entry's history rows (full history: each second's ~10 s window): from the first row
 * with at least a tenth of the peak users to the last row at the peak. */
static bool ramp_of(const struct report_csv_run *run, int32_t entry, uint32_t peak,
                    struct ramp *out)
{
    const struct report_csv_history_row *from = NULL, *to = NULL;

    for (size_t i = 0; i < run->n_history; i++) {
        const struct report_csv_history_row *h = &run->history[i];

        if (h->entry != entry || (h->pct_na >> SNAP_P99 & 1u) || h->users == 0)
            continue;
        if (!from && h->users * 10 >= peak)
            from = h;
        if (h->users == peak)
            to = h;
    }
    if (!from || !to || to->users < 2 * from->users || to->pct[SNAP_P99] <= from->pct[SNAP_P99])
        return false;
    *out = (struct ramp){from, to, to->pct[SNAP_P99] - from->pct[SNAP_P99]};
    return true;
}

static void ramp_text(struct item *it, const struct part *p, const char *what,
                      const struct ramp *r)
{
    char at[2][32];

    report_fmt_elapsed((double)r->from->timestamp - p->facts.start, at[0], sizeof at[0]);
    report_fmt_elapsed((double)r->to->timestamp - p->facts.start, at[1], sizeof at[1]);
    append(it->text, sizeof it->text, "%s%u. %s, %s: p99 %.0f ms with %u users (+%s), %.0f ms "
           "with %u users (+%s)", it->text[0] ? "; " : "", p->row->index, p->row->name, what,
           r->from->pct[SNAP_P99], r->from->users, at[0], r->to->pct[SNAP_P99], r->to->users,
           at[1]);
    append(it->evidence, sizeof it->evidence, "%s%s_stats_history.csv (%s; User Count, 99%%)",
           it->evidence[0] ? "; " : "", p->file, what);
}

/* In each scenario whose users at least doubled along its history: the endpoint whose p99 grew
 * most along the ramp, and the whole run's. */
static void find_growth_in_ramps(struct doc *d)
{
    struct item *it = NULL;

    for (size_t i = 0; i < d->n; i++) {
        const struct part *p = &d->parts[i];
        struct ramp best = {0}, r, all;
        int32_t best_entry = -2;

        if (!p->has_stats || !p->run.full_history)
            continue;
        for (size_t k = 0; k < p->run.n_stats; k++)
            if (ramp_of(&p->run, (int32_t)k, peak_users(p), &r) && r.by > best.by) {
                best = r;
                best_entry = (int32_t)k;
            }
        if (best_entry < 0 && !ramp_of(&p->run, -1, peak_users(p), &all))
            continue;
        if (!it && !(it = add_item(d->findings, &d->n_findings,
                                   "p99 growing with users, within a ramp")))
            return;
        if (best_entry >= 0)
            ramp_text(it, p, str(&d->m, "%s %s", p->run.stats[best_entry].method,
                                 p->run.stats[best_entry].name), &best);
        else
            ramp_text(it, p, "all requests", &all);
    }
    if (it)
        append(it->text, sizeof it->text, " (percentiles of the ~10 s window each history row "
               "holds).");
}

/* ---- failures, throughput, the generator ------------------------------------------------ */

static void find_errors(struct doc *d)
{
    const struct report_csv_failure_row *top[3] = {0};
    const struct part *where[3] = {0};
    uint64_t total = 0;
    struct item *it;

    for (size_t i = 0; i < d->n; i++)
        for (size_t k = 0; d->parts[i].has_stats && k < d->parts[i].run.n_failures; k++) {
            const struct report_csv_failure_row *f = &d->parts[i].run.failures[k];
            int at = 3;

            total += f->count;
            while (at > 0 && (!top[at - 1] || top[at - 1]->count < f->count))
                at--;
            if (at == 3)
                continue;
            memmove(&top[at + 1], &top[at], (size_t)(2 - at) * sizeof *top);
            memmove(&where[at + 1], &where[at], (size_t)(2 - at) * sizeof *where);
            top[at] = f;
            where[at] = &d->parts[i];
        }
    if (!(it = add_item(d->findings, &d->n_findings, total ? "Error clusters"
                                                           : "No unexpected failure")))
        return;
    if (!total) {
        snprintf(it->text, sizeof it->text, "No request failed unexpectedly in any scenario "
                 "that ran (expected statuses count as successes).");
        snprintf(it->evidence, sizeof it->evidence, "every NN_name_failures.csv has no row");
        return;
    }
    append(it->text, sizeof it->text, "%llu unexpected failures in all; the largest groups: ",
           (unsigned long long)total);
    for (int k = 0; k < 3 && top[k]; k++) {
        append(it->text, sizeof it->text, "%s%s on %s %s in %u. %s (%llu)", k ? "; " : "",
               top[k]->error, top[k]->method, top[k]->name, where[k]->row->index,
               where[k]->row->name, (unsigned long long)top[k]->count);
        append(it->evidence, sizeof it->evidence, "%s%s_failures.csv", k ? ", " : "",
               where[k]->file);
    }
    append(it->text, sizeof it->text, ".");
}

static void find_throughput(struct doc *d)
{
    struct item *it = NULL;

    for (size_t i = 0; i < d->n; i++) {
        const struct part *p = &d->parts[i];
        const struct target_def *def;
        const struct snap_target *t = run_target(p, TARGET_RPS, 0, &def);
        char b[96], v[48];

        if (!t || !p->has_stats)
            continue;
        if (!it && !(it = add_item(d->findings, &d->n_findings, "Throughput against target")))
            return;
        bounds_text(def, b, sizeof b);
        if (!t->has_data) {
            append(it->text, sizeof it->text, "%s%u. %s: no throughput over its %s window, "
                   "against %s (the window never began: the ramp-up did not complete in %.0f s)",
                   it->text[0] ? "; " : "", p->row->index, p->row->name, t->window, b,
                   p->facts.duration);
            append(it->evidence, sizeof it->evidence, "%s%s_stats_history.csv (User Count)",
                   it->evidence[0] ? ", " : "", p->file);
            continue;
        }
        snapshot_format_target(TARGET_RPS, t->value, v, sizeof v);
        append(it->text, sizeof it->text, "%s%u. %s: %s over its %s window (as the history "
               "rows give it) against %s: %s (%s)", it->text[0] ? "; " : "", p->row->index,
               p->row->name, v, t->window, b, report_status_word(t->status), t->detail);
        if (p->status == CAMPAIGN_FAIL && strstr(p->row->message, t->text))
            append(it->text, sizeof it->text, "; the verdict during the run: %s",
                   p->row->message);       /* the live window and the rows' may differ */
        append(it->evidence, sizeof it->evidence, "%s%s_stats_history.csv (Requests/s)",
               it->evidence[0] ? ", " : "", p->file);
    }
    if (it)
        append(it->text, sizeof it->text, ".");
}

static void step(struct doc *d, const char *head, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Backend-health limits a scenario failed (reached) or came close to (approached), from its
 * PREFIX_health.csv judged again. */
static void find_health(struct doc *d)
{
    struct item *it = NULL;

    for (size_t i = 0; i < d->n; i++) {
        const struct part *p = &d->parts[i];
        const struct snap_health *h = &p->est.snap->health;

        for (uint32_t k = 0; p->est.snap && k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++) {
            const struct snap_health_metric *x = &h->metrics[k];

            if (!x->has_limit || (x->status != TARGET_FAIL && x->status != TARGET_AT_RISK))
                continue;
            if (!it && !(it = add_item(d->findings, &d->n_findings,
                                       "Backend health limits reached or approached")))
                return;
            append(it->text, sizeof it->text, "%s%s %s in %u. %s: %s (%s)", it->text[0] ? "; "
                   : "", x->name, x->limit, p->row->index, p->row->name, x->detail,
                   x->status == TARGET_FAIL ? "failed" : "at risk");
            append(it->evidence, sizeof it->evidence, "%s%s_health.csv (%s)",
                   it->evidence[0] ? ", " : "", p->file, x->name);
        }
    }
    if (it)
        append(it->text, sizeof it->text, ".");
}

/* A backend-health limit failed is a lead; one approached, one to watch. Returns how many
 * failed. */
static unsigned health_steps(struct doc *d, const struct part *p)
{
    const struct snap_health *h = &p->est.snap->health;
    unsigned failed = 0;

    for (uint32_t k = 0; p->est.snap && k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        const struct snap_health_metric *x = &h->metrics[k];

        failed += x->has_limit && x->status == TARGET_FAIL;
        if (x->has_limit && x->status == TARGET_FAIL)
            step(d, "Investigate the backend", "%s %s in %u. %s: %s.", x->name, x->limit,
                 p->row->index, p->row->name, x->detail);
        else if (x->has_limit && x->status == TARGET_AT_RISK)
            step(d, "Watch the backend", "%s %s in %u. %s came close: %s.", x->name, x->limit,
                 p->row->index, p->row->name, x->detail);
    }
    return failed;
}

#define GENERATOR_BUSY 80.0         /* % of the machine's CPUs: past it, hornet's own CPU
                                       bounds the load it can drive */

/* hornet was the bottleneck of a scenario: its workers near every CPU, or saturated (their
 * timers late) for a while. */
static bool generator_bound(const struct campaign_row *row)
{
    return row->cpu_percent >= GENERATOR_BUSY || row->saturated_seconds > 0;
}

static void find_generator(struct doc *d)
{
    const struct part *busiest = NULL;
    struct item *it;

    for (size_t i = 0; i < d->n; i++)
        if (d->parts[i].row->cpu_percent >= 0 &&
            (!busiest || generator_bound(d->parts[i].row) > generator_bound(busiest->row) ||
             (generator_bound(d->parts[i].row) == generator_bound(busiest->row) &&
              d->parts[i].row->cpu_percent > busiest->row->cpu_percent)))
            busiest = &d->parts[i];
    if (!busiest)
        return;
    if (!(it = add_item(d->findings, &d->n_findings, generator_bound(busiest->row)
                        ? "The load generator was the bottleneck" : "The load generator")))
        return;
    snprintf(it->text, sizeof it->text, "hornet's worker threads used %.1f%% of the machine's "
             "CPUs in %u. %s%s", busiest->row->cpu_percent, busiest->row->index,
             busiest->row->name, busiest->row->embedded_target ? " (the built-in target ran on "
             "the same machine, its CPU apart)" : "");
    if (busiest->row->saturated_seconds > 0)
        append(it->text, sizeof it->text, " and were saturated (their timers late) for %.1f s",
               busiest->row->saturated_seconds);
    append(it->text, sizeof it->text, "%s", generator_bound(busiest->row)
           ? ": the throughput measured there is a floor of what the API can serve, not its "
             "limit."
           : ", the most of any scenario: it was not the bottleneck.");
    snprintf(it->evidence, sizeof it->evidence, "campaign.csv (Generator CPU %%, Saturated "
             "Seconds)");
}

/* ---- next steps ------------------------------------------------------------------------------ */

static void step(struct doc *d, const char *head, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void step(struct doc *d, const char *head, const char *fmt, ...)
{
    struct item *it = add_item(d->steps, &d->n_steps, head);
    va_list ap;

    if (!it)
        return;
    va_start(ap, fmt);
    vsnprintf(it->text, sizeof it->text, fmt, ap);
    va_end(ap);
}

/* A failing target is a lead to follow; one close to its bound, one to watch; one without
 * data, a run too short for its window. Only the targets to watch of a scenario whose own
 * verdict passed (its targets judged again on the files' rows may differ a little over a
 * window). Returns how many failed. */
static unsigned target_steps(struct doc *d, const struct part *p)
{
    const struct snapshot *s = p->est.snap;
    unsigned failed = 0;

    for (uint32_t i = 0; s && i < s->n_targets; i++) {
        const struct snap_target *t = &s->targets[i];
        const char *scope = t->endpoint[0] ? t->endpoint : "all requests";

        failed += t->status == TARGET_FAIL || t->status == TARGET_PENDING;
        if (p->status != CAMPAIGN_FAIL && t->status != TARGET_AT_RISK)
            continue;
        if (t->status == TARGET_FAIL)
            step(d, "Investigate", "%s, %s in %u. %s: %s.", scope, t->text, p->row->index,
                 p->row->name, t->detail);
        else if (t->status == TARGET_PENDING)
            step(d, "Run longer", "%s, %s in %u. %s had no data over its %s window: give the "
                 "run the time to reach it (past the ramp-up).", scope, t->text, p->row->index,
                 p->row->name, t->window);
        else if (t->status == TARGET_AT_RISK)
            step(d, "Watch", "%s, %s in %u. %s came close: %s.", scope, t->text, p->row->index,
                 p->row->name, t->detail);
    }
    return failed;
}

static void part_steps(struct doc *d, const struct part *p)
{
    const char *msg = p->row->message;

    switch (p->status) {
    case CAMPAIGN_FAIL:
        if (!strncmp(msg, "stopped before any load", 23))
            step(d, "Fix the precondition", "%u. %s did not start its load: %s.", p->row->index,
                 p->row->name, msg);
        else if (target_steps(d, p) + health_steps(d, p) == 0)
            step(d, "Investigate", "%u. %s failed: %s.", p->row->index, p->row->name, msg);
        return;
    case CAMPAIGN_INTERRUPTED:
        step(d, "Re-run", "%u. %s to its end: it was interrupted (%s).", p->row->index,
             p->row->name, msg[0] ? msg : "the campaign stopped during it");
        break;
    case CAMPAIGN_NOT_RUN:
        step(d, "Run", "%u. %s: it did not run (%s).", p->row->index, p->row->name,
             msg[0] ? msg : "the campaign ended before it");
        break;
    default:
        target_steps(d, p);                 /* the targets to watch */
        break;
    }
}

static void build_steps(struct doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        part_steps(d, &d->parts[i]);
        if (d->parts[i].status != CAMPAIGN_FAIL)
            health_steps(d, &d->parts[i]);  /* a failed one's are in part_steps */
    }
    for (size_t i = 0; i < d->n; i++)
        if (generator_bound(d->parts[i].row)) {
            step(d, "More load generators", "hornet itself was the bottleneck in %u. %s (see "
                 "the findings): drive the load from more machines (distributed workers) or a "
                 "larger one before reading its throughput as the API's.",
                 d->parts[i].row->index, d->parts[i].row->name);
            break;
        }
    if (d->n_steps == 0)
        step(d, "Keep the baseline", "Every scenario passed with its targets clear of their "
             "bounds: keep this campaign's results as the baseline and run it again after each "
             "release.");
}

/* ---- the campaign's model ------------------------------------------------------------------ */

static void items_section(struct doc *d, const char *id, const char *title,
                          const struct item *items, size_t n)
{
    struct report_model *m = &d->m;
    struct report_section *s = report_model_section(m, id, title, REPORT_ROLE_BODY);
    struct report_para *list = report_model_list(m, s, n);

    for (size_t i = 0; list && i < n && !m->oom; i++) {
        report_model_run(&list[i], REPORT_STRONG, str(m, "%s.", items[i].head));
        report_model_run(&list[i], REPORT_TEXT, str(m, " %s", items[i].text));
        if (!items[i].evidence[0])
            continue;
        report_model_run(&list[i], REPORT_TEXT, " ");
        report_model_run(&list[i], REPORT_EM, "Evidence:");
        report_model_run(&list[i], REPORT_TEXT, " ");
        report_model_run(&list[i], REPORT_CODE, str(m, "%s", items[i].evidence));
    }
}

static void build_title(struct doc *d)
{
    struct report_model *m = &d->m;
    struct report_section *s = report_model_section(m, "title",
                                                    str(m, "Campaign results: %s", d->name),
                                                    REPORT_ROLE_TITLE);
    struct report_para *p = report_model_para(m, s, false);
    unsigned count[CAMPAIGN_STATUS_COUNT] = {0};

    for (size_t i = 0; i < d->n; i++)
        count[d->parts[i].status]++;
    report_model_run(p, REPORT_STRONG, str(m, "%u of %zu scenarios passed", d->passed, d->n));
    report_model_run(p, REPORT_TEXT, str(m, " (%u failed, %u interrupted, %u not run). "
                     "Built from the files in ", count[CAMPAIGN_FAIL],
                     count[CAMPAIGN_INTERRUPTED], count[CAMPAIGN_NOT_RUN]));
    report_model_run(p, REPORT_CODE, d->out);
    report_model_run(p, REPORT_TEXT, " by ");
    report_model_run(p, REPORT_CODE, "hornet report --campaign");
    report_model_run(p, REPORT_TEXT, ": each scenario's own section follows the findings.");
}

static void build_notes(struct doc *d)
{
    struct report_model *m = &d->notes;
    struct report_section *s = report_model_section(m, "notes", "Notes", REPORT_ROLE_NOTES);
    size_t n = 2;
    struct report_para *list;

    for (size_t i = 0; i < d->n; i++)
        n += d->parts[i].note[0] != '\0';
    list = report_model_list(m, s, n);
    for (size_t i = 0, k = 2; list && i < d->n && !m->oom; i++)
        if (d->parts[i].note[0])
            report_model_run(&list[k++], REPORT_TEXT, str(m, "%u. %s: %s", d->parts[i].row->index,
                                                          d->parts[i].row->name,
                                                          d->parts[i].note));
    if (!list || m->oom)
        return;
    report_model_run(&list[0], REPORT_TEXT, "Files: campaign.csv (how each scenario ended); "
                     "per scenario NN_name_stats.csv, _stats_history.csv (with each endpoint's "
                     "rows), _failures.csv, _exceptions.csv (Locust's format), _expected.csv "
                     "and _fixtures.csv (hornet's), and its own _report.md and _report.html.");
    report_model_run(&list[1], REPORT_TEXT, str(m, "Generated by hornet %s.", HORNET_VERSION));
}

/* ---- each scenario's part -------------------------------------------------------------------- */

/* The part's first section: how it ended, and why. */
static void outcome_section(struct part *p)
{
    struct report_model *m = &p->model;
    struct report_section *s = report_model_section(m, "outcome", "Outcome", REPORT_ROLE_BODY);
    struct report_para *para = report_model_para(m, s, false);
    const char *why = p->row->message[0] ? p->row->message
                      : p->status == CAMPAIGN_INTERRUPTED ? "the campaign stopped during it"
                      : NULL;

    report_model_run(para, REPORT_STRONG, status_word(p->status));
    if (why)
        report_model_run(para, REPORT_TEXT, str(m, ": %s", why));
    report_model_run(para, REPORT_TEXT, ". Scenario file ");
    report_model_run(para, REPORT_CODE, p->row->scenario);
    report_model_run(para, REPORT_TEXT, str(m, "; files %s_*.csv", p->file));
    report_model_run(para, REPORT_TEXT, p->has_stats ? ", with its own report " : ".");
    if (p->has_stats)
        report_model_run(para, REPORT_CODE, str(m, "%s_report.html", p->file));
    if (p->has_stats)
        report_model_run(para, REPORT_TEXT, ".");
    if (p->note[0])
        report_model_run(report_model_para(m, s, true), REPORT_TEXT, p->note);
}

static const char *const part_ids[] = {
    "outcome", "configuration", "assessment", "health", "charts", "endpoints", "failures",
    "fixtures", NULL
};
static const char *const bare_ids[] = {"outcome", "fixtures", NULL};

static const char *const *ids_of(const struct part *p)
{
    return p->has_stats ? part_ids : bare_ids;
}

static void render_md(FILE *out, struct doc *d)
{
    char title[300];

    report_md_render(out, &d->m);
    for (size_t i = 0; i < d->n; i++) {
        const struct part *p = &d->parts[i];

        snprintf(title, sizeof title, "%u. %s: %s", p->row->index, p->row->name,
                 status_word(p->status));
        fputc('\n', out);
        report_md_heading(out, 2, title);
        report_md_render_part(out, &p->model, ids_of(p));
    }
    fputc('\n', out);
    report_md_render(out, &d->notes);
}

static void render_html(FILE *out, struct doc *d)
{
    char title[300], id[16], sub[300];

    snprintf(title, sizeof title, "Campaign results: %s", d->name);
    snprintf(sub, sizeof sub, "%zu scenarios, from the files in %s", d->n, d->out);
    report_html_page_open(out, title);
    report_html_banner(out, "Load test campaign", d->name, sub, d->passed == d->n,
                       d->passed == d->n ? "PASS" : "FAIL",
                       str(&d->m, "%u of %zu scenarios passed", d->passed, d->n));
    report_html_render_sections(out, &d->m);
    for (size_t i = 0; i < d->n; i++) {
        const struct part *p = &d->parts[i];

        snprintf(title, sizeof title, "%u. %s", p->row->index, p->row->name);
        snprintf(id, sizeof id, "s%u", p->row->index);
        report_html_part_open(out, id, title, status_word(p->status), status_tint(p->status));
        snprintf(id, sizeof id, "s%u-", p->row->index);
        report_html_render_part(out, &p->model, ids_of(p), id);
        report_html_part_close(out);
    }
    report_html_render_sections(out, &d->notes);
    report_html_page_close(out);
}

static int write_doc(struct doc *d, const char *name, void (*render)(FILE *, struct doc *),
                     char *err, size_t errlen)
{
    char path[4200], *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int rc;

    snprintf(path, sizeof path, "%s/%s", d->out, name);
    if (!f) {
        snprintf(err, errlen, "cannot write %s: out of memory", path);
        return -1;
    }
    render(f, d);
    fclose(f);
    rc = fileio_write_atomic(path, text ? text : "", len, err, errlen);
    free(text);
    return rc;
}

/* ---- the document -------------------------------------------------------------------------- */

static void build_campaign_model(struct doc *d)
{
    build_title(d);
    build_summary(d);
    find_slowest(d);
    find_growth_across(d);
    find_growth_in_ramps(d);
    find_errors(d);
    find_throughput(d);
    find_health(d);
    find_generator(d);
    build_steps(d);
    items_section(d, "findings", "Findings", d->findings, d->n_findings);
    items_section(d, "next-steps", "Next steps", d->steps, d->n_steps);
    build_notes(d);
}

static int load_all(struct doc *d, char *err, size_t errlen)
{
    const char *base = strrchr(d->out, '/');

    if (campaign_csv_read(d->out, &d->rows, &d->n, err, errlen) < 0)
        return -1;
    snprintf(d->name, sizeof d->name, "%s", d->n && d->rows[0].campaign[0] ? d->rows[0].campaign
             : base && base[1] ? base + 1 : d->out);
    if (!(d->parts = calloc(d->n ? d->n : 1, sizeof *d->parts))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < d->n; i++) {
        d->parts[i].row = &d->rows[i];
        if (load_part(d, &d->parts[i], err, errlen) < 0)
            return -1;
        outcome_section(&d->parts[i]);
        d->passed += d->parts[i].status == CAMPAIGN_PASS;
    }
    return 0;
}

int report_campaign_write(const char *out_dir, char *err, size_t errlen)
{
    struct doc *d = calloc(1, sizeof *d);
    int rc = -1;

    if (!d) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    d->out = out_dir;
    if (load_all(d, err, errlen) == 0) {
        build_campaign_model(d);
        if (d->m.oom || d->notes.oom)
            snprintf(err, errlen, "out of memory building %s/RESULTS.md", out_dir);
        else if (write_doc(d, "RESULTS.md", render_md, err, errlen) == 0 &&
                 write_doc(d, "RESULTS.html", render_html, err, errlen) == 0)
            rc = 0;
    }
    for (size_t i = 0; d->parts && i < d->n; i++)
        free_part(&d->parts[i]);
    report_model_free(&d->m);
    report_model_free(&d->notes);
    free(d->parts);
    free(d->rows);
    free(d);
    return rc;
}
