/* report_model: the report's content as data, built once from a report_input and its facts:
 * the headline (verdict, summary, the run's key numbers) and the sections in order, each a
 * heading and blocks (paragraphs of styled runs, subheadings, tables of cells, lists, and the
 * places the HTML report draws its charts). The Markdown and HTML renderers (report_md.c,
 * report_html.c) only walk it: every value, sentence and table is decided here. Strings live
 * in the model's arena until report_model_free. Main thread; pure. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixture.h"
#include "health_unit.h"
#include "report_internal.h"
#include "saturation.h"
#include "version.h"

/* ---- the arena ------------------------------------------------------------------------------ */

/* Zeroed memory owned by the model; a static zero block when out of memory (m->oom set), so a
 * builder never checks: the render is refused afterwards. */
static void *alloc(struct report_model *m, size_t n, size_t size)
{
    static max_align_t zero[64];
    void **grown, *p;

    if (m->n_owned == m->cap_owned) {
        size_t cap = m->cap_owned ? m->cap_owned * 2 : 64;

        if (!(grown = realloc(m->owned, cap * sizeof *grown)))
            goto oom;
        m->owned = grown;
        m->cap_owned = cap;
    }
    if (!(p = calloc(n ? n : 1, size)))
        goto oom;
    m->owned[m->n_owned++] = p;
    return p;
oom:
    m->oom = true;
    memset(zero, 0, sizeof zero);
    return n * size <= sizeof zero ? (void *)zero : NULL;
}

static const char *str(struct report_model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *str(struct report_model *m, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !(p = alloc(m, (size_t)n + 1, 1)) || m->oom)
        return "";
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* ---- building blocks ------------------------------------------------------------------------ */

static struct report_section *special(struct report_model *m, const char *id, const char *title,
                                      enum report_role role)
{
    struct report_section *s = &m->sections[m->n_sections++];

    s->id = id;
    s->title = title;
    s->role = (uint8_t)role;
    return s;
}

static struct report_section *section(struct report_model *m, const char *id, const char *title)
{
    return special(m, id, title, REPORT_ROLE_BODY);
}

static struct report_block *block(struct report_model *m, struct report_section *s,
                                  enum report_block_kind kind)
{
    struct report_block *b;

    if (s->n_blocks == REPORT_MAX_BLOCKS) {
        m->oom = true;                      /* a builder bug: refuse rather than cut */
        return &s->blocks[REPORT_MAX_BLOCKS - 1];
    }
    b = &s->blocks[s->n_blocks++];
    b->kind = kind;
    return b;
}

/* Append a run to paragraph p (at most REPORT_MAX_RUNS). */
static void run(struct report_para *p, enum report_style style, const char *text)
{
    if (p->n_runs < REPORT_MAX_RUNS)
        p->runs[p->n_runs++] = (struct report_run){.style = (uint8_t)style, .text = text};
}

static struct report_para *para(struct report_model *m, struct report_section *s, bool note)
{
    struct report_block *b = block(m, s, REPORT_PARA);

    b->note = note;
    return &b->para;
}

/* A one-run paragraph. */
static void say(struct report_model *m, struct report_section *s, const char *text)
{
    run(para(m, s, false), REPORT_TEXT, text);
}

static void subhead(struct report_model *m, struct report_section *s, const char *text)
{
    block(m, s, REPORT_SUBHEAD)->text = text;
}

static struct report_table *table(struct report_model *m, struct report_section *s,
                                  const char *const *heads, const char *numeric, size_t rows)
{
    struct report_table *t = alloc(m, 1, sizeof *t);

    block(m, s, REPORT_TABLE)->table = t;
    if (m->oom)
        return t;
    while (heads[t->n_cols])
        t->n_cols++;
    t->heads = heads;
    t->numeric = numeric;
    t->cells = alloc(m, rows * t->n_cols + 1, sizeof *t->cells);
    return t;
}

/* The next cell of t's current row (rows are filled left to right, top to bottom). */
static struct report_cell *cell(struct report_model *m, struct report_table *t,
                                enum report_style style, const char *text)
{
    struct report_cell *c;

    if (m->oom || !t->cells)
        return alloc(m, 1, sizeof *c);
    c = &t->cells[t->n_cells++];
    c->style = (uint8_t)style;
    c->text = text;
    c->bar = -1;
    return c;
}

static const char *count_text(struct report_model *m, uint64_t v)
{
    char b[32];

    report_fmt_count(v, b, sizeof b);
    return str(m, "%s", b);
}

static const char *us_text(struct report_model *m, uint64_t us)
{
    char b[32];

    report_fmt_us(us, b, sizeof b);
    return str(m, "%s", b);
}

static const char *share_text(struct report_model *m, double frac)
{
    char b[32];

    report_fmt_share(frac, b, sizeof b);
    return str(m, "%s", b);
}

/* ---- the headline: title, verdict and the numbers of the summary ---------------------------- */

/* Median, average, p95, p99 and max of one entry ("n/a" without a timed request). */
static void latency_texts(struct report_model *m, const struct snap_stats *e, uint64_t timed,
                          const char **v)
{
    char avg[32];

    report_fmt_ms(timed ? (double)e->total_us / (double)timed / 1000.0 : 0, avg, sizeof avg);
    v[0] = timed ? us_text(m, e->median_us) : "n/a";
    v[1] = timed ? str(m, "%s", avg) : "n/a";
    v[2] = timed ? us_text(m, e->pct_us[SNAP_P95]) : "n/a";
    v[3] = timed ? us_text(m, e->pct_us[SNAP_P99]) : "n/a";
    v[4] = timed ? us_text(m, e->max_us) : "n/a";
}

static void headline(struct report_model *m)
{
    const struct report_input *in = m->in;
    const struct report_facts *f = m->facts;
    const struct snap_stats *t = &in->snap->total;
    struct report_headline *h = &m->head;
    double req = t->requests ? (double)t->requests : 1.0;
    char b[64];

    h->title = in->snap->scenario[0] ? in->snap->scenario : "hornet run";
    h->passed = in->passed;
    h->running = f->running;
    h->summary = f->summary;
    h->requests = count_text(m, t->requests);
    h->failures = count_text(m, t->failures);
    h->any_failure = t->failures > 0;
    h->failure_share = share_text(m, (double)t->failures / req);
    h->expected = in->expected_unknown ? NULL : count_text(m, t->expected);
    h->expected_share = share_text(m, (double)t->expected / req);
    report_fmt_rps(t->total_rps, b, sizeof b);
    h->throughput = str(m, "%s", b);
    latency_texts(m, t, f->timed, h->latency);
    report_fmt_clock(f->start, b, sizeof b);
    h->start = str(m, "%s", b);
    report_fmt_duration(f->duration, b, sizeof b);
    h->duration = str(m, "%s", b);
}

static void build_title(struct report_model *m)
{
    const struct report_headline *h = &m->head;
    struct report_section *s = special(m, "title", str(m, "Load test report: %s", h->title),
                                               REPORT_ROLE_TITLE);
    struct report_para *p = para(m, s, false);

    run(p, REPORT_STRONG, str(m, "Verdict: %s%s", h->passed ? "PASS" : "FAIL",
                              h->running ? " so far (run in progress)" : ""));
    run(p, REPORT_TEXT, ": ");
    run(p, REPORT_TEXT, h->summary);
    run(p, REPORT_TEXT, str(m, ". %s requests, %s unexpected failure%s.", h->requests,
                            h->failures, m->in->snap->total.failures == 1 ? "" : "s"));
}

/* ---- run configuration ---------------------------------------------------------------------- */

static void setting(struct report_model *m, struct report_table *t, const char *key,
                    const char *value)
{
    cell(m, t, REPORT_TEXT, key);
    cell(m, t, REPORT_TEXT, value);
}

static const char *users_text(struct report_model *m)
{
    const struct report_input *in = m->in;
    char rate[32];

    const struct snap_arrivals *open = &in->snap->open.all;

    if (in->csv_prefix)
        return str(m, "peak %u (from the history's User Count)", m->facts->peak_users);
    if (in->snap->open.n_classes > 0 && in->snap->open.n_classes == in->snap->n_classes)
        return str(m, "open model: pools of up to %u users (%u at the peak), see Open model "
                   "and coordinated omission", open->max_users, open->peak_users);
    report_fmt_rps(in->spawn_rate, rate, sizeof rate);
    if (in->use_stages)
        return str(m, "the scenario's %d stages, peak %u", in->snap->n_stages,
                   m->facts->peak_users);
    return str(m, "%u, spawn rate %s (peak %u)", in->users, rate, m->facts->peak_users);
}

static void build_config(struct report_model *m)
{
    static const char *const heads[] = {"Setting", "Value", NULL};
    const struct report_input *in = m->in;
    const struct report_facts *f = m->facts;
    const struct snapshot *snap = in->snap;
    struct report_section *s = section(m, "configuration", "Run configuration");
    struct report_table *t = table(m, s, heads, "--", 12);
    struct report_cell *c;
    char a[64], b[64];

    t->settings = true;
    cell(m, t, REPORT_TEXT, "Scenario");
    c = cell(m, t, REPORT_TEXT, snap->scenario[0] ? snap->scenario : "not recorded");
    c->code_suffix = in->scenario_path;
    setting(m, t, "Host", snap->host[0] ? snap->host : "not recorded");
    if (snap->tls_insecure)
        setting(m, t, "TLS", "NOT VERIFIED (--insecure): certificates and host names unchecked");
    setting(m, t, "Users", users_text(m));
    report_fmt_duration(in->run_time, b, sizeof b);
    setting(m, t, "Duration", str(m, "%s%s%s%s%s", m->head.duration,
                                  in->run_time > 0 ? " (limit " : "", in->run_time > 0 ? b : "",
                                  in->run_time > 0 ? ")" : "",
                                  f->running ? ", still running" : ""));
    setting(m, t, "Threads", snap->threads > 0 ? str(m, "%d", snap->threads) : "not recorded");
    setting(m, t, "Start", m->head.start);
    report_fmt_clock(f->end, a, sizeof a);
    setting(m, t, "End", f->running ? "still running" : str(m, "%s", a));
    if (f->reset) {
        report_fmt_clock(snap->start_time, a, sizeof a);
        setting(m, t, "Statistics from", str(m, "%s (reset after the ramp-up)", a));
    }
    setting(m, t, "hornet", HORNET_VERSION);
    t->n_rows = t->n_cells / 2;
}

/* ---- results summary ------------------------------------------------------------------------ */

/* Requests in flight when their users stopped: no answer, so in none of the numbers; said
 * apart, with the endpoints they were for. */
static void aborted_note(struct report_model *m, struct report_section *s)
{
    const struct snapshot *snap = m->in->snap;
    uint64_t n = snap->total.aborted;
    struct report_para *p;
    bool first = true;

    if (n == 0)
        return;
    p = para(m, s, false);
    run(p, REPORT_TEXT, str(m, "%s request%s in flight when the users stopped: aborted, "
                            "in none of the numbers (", count_text(m, n),
                            n == 1 ? " was" : "s were"));
    for (uint32_t i = 0; i < snap->n_endpoints && i < SNAP_MAX_ENDPOINTS; i++) {
        const struct snap_stats *e = &snap->endpoints[i];
        if (!e->aborted)
            continue;
        run(p, REPORT_TEXT, first ? "" : ", ");
        run(p, REPORT_NAME, str(m, "%s %s", e->method, e->name));
        run(p, REPORT_TEXT, str(m, ": %s", count_text(m, e->aborted)));
        first = false;
    }
    run(p, REPORT_TEXT, ").");
}

static void build_summary(struct report_model *m)
{
    static const char *const heads[] = {"Requests", "Unexpected failures", "Expected responses",
                                        "Throughput", "Median", "Average", "p95", "p99", "Max",
                                        NULL};
    const struct report_headline *h = &m->head;
    struct report_section *s = special(m, "summary", "Results summary",
                                               REPORT_ROLE_SUMMARY);
    struct report_table *t = table(m, s, heads, "nnnnnnnnn", 1);
    struct report_para *p;

    cell(m, t, REPORT_TEXT, h->requests);
    cell(m, t, REPORT_TEXT, str(m, "%s (%s)", h->failures, h->failure_share));
    cell(m, t, REPORT_TEXT, h->expected ? h->expected : "not recorded");
    cell(m, t, REPORT_TEXT, h->throughput);
    for (int i = 0; i < 5; i++)
        cell(m, t, REPORT_TEXT, h->latency[i]);
    t->n_rows = 1;
    if (!h->expected)
        return;
    p = para(m, s, false);
    run(p, REPORT_TEXT, str(m, "Unexpected failures are what the verdict counts. Expected "
                            "responses (%s of the requests) are statuses a step lists in ",
                            h->expected_share));
    run(p, REPORT_CODE, "expect");
    run(p, REPORT_TEXT, ": successes.");
}

/* ---- performance assessment ----------------------------------------------------------------- */

static void target_row(struct report_model *m, struct report_table *t, uint32_t i)
{
    const struct snap_target *g = &m->in->snap->targets[i];
    struct report_cell *c;
    char actual[48], margin[64];

    report_target_actual(g, actual, sizeof actual);
    report_target_margin(g, margin, sizeof margin);
    if (g->endpoint[0])
        cell(m, t, REPORT_NAME, g->endpoint);
    else
        cell(m, t, REPORT_TEXT, "All requests");
    cell(m, t, REPORT_TEXT, g->text);
    cell(m, t, REPORT_TEXT, g->window);
    c = cell(m, t, REPORT_TEXT, str(m, "%s", actual));
    c->approx = (m->in->targets_estimated >> i & 1u) && g->has_data;
    c = cell(m, t, REPORT_TEXT, str(m, "%s", margin));
    c->tinted = true;
    c->status = g->status;
    c = cell(m, t, REPORT_STATUS, report_status_word(g->status));
    c->status = g->status;
}

static void build_assessment(struct report_model *m)
{
    static const char *const heads[] = {"Scope", "Target", "Window", "Actual", "Margin",
                                        "Status", NULL};
    const struct snapshot *snap = m->in->snap;
    struct report_section *s = section(m, "assessment", "Performance assessment");
    struct report_table *t;
    struct report_para *p;

    if (snap->n_targets == 0) {
        say(m, s, "The scenario has no targets: the run passes when no request fails "
            "unexpectedly.");
        return;
    }
    t = table(m, s, heads, "---n--", snap->n_targets);
    for (uint32_t i = 0; i < snap->n_targets; i++)
        target_row(m, t, i);
    t->n_rows = snap->n_targets;
    p = para(m, s, true);
    run(p, REPORT_TEXT, "Windows: ");
    run(p, REPORT_EM, "run");
    run(p, REPORT_TEXT, " is the whole run; ");
    run(p, REPORT_EM, "steady");
    run(p, REPORT_TEXT, " starts when the ramp-up first completed; ");
    run(p, REPORT_EM, "last N s");
    run(p, REPORT_TEXT, " is the end of the run. At risk: within 10% of a time or throughput "
        "bound, or more than 80% of a failure budget used.");
    if (m->in->targets_estimated) {
        run(p, REPORT_TEXT, " ");
        run(p, REPORT_APPROX, "");
        run(p, REPORT_TEXT, ": estimated from the history's percentile cells.");
    }
    for (uint32_t i = 0; i < snap->n_targets; i++)
        if (snap->targets[i].status == TARGET_SKIPPED) {
            run(p, REPORT_TEXT, " Not judged: a throughput target describes the scenario's own "
                "load, and this run had another (users or stages from the command line or the "
                "operator).");
            break;
        }
}

/* ---- backend health ------------------------------------------------------------------------- */

static const char *unit_text(struct report_model *m, const char *unit, bool has, double v)
{
    char b[32];

    health_unit_format(unit, has ? v : NAN, b, sizeof b);
    return str(m, "%s", b);
}

static void health_row(struct report_model *m, struct report_table *t,
                       const struct snap_health_metric *x)
{
    const struct snap_health *h = &m->in->snap->health;
    struct report_cell *c;

    cell(m, t, REPORT_TEXT, x->name);
    cell(m, t, REPORT_TEXT, h->sources[x->source % SNAP_HEALTH_SOURCES].name);
    cell(m, t, REPORT_TEXT, x->has_value ? unit_text(m, x->unit, true, x->value)
                                         : str(m, "- (%s)", x->missing));
    cell(m, t, REPORT_TEXT, unit_text(m, x->unit, x->samples > 0, x->min));
    cell(m, t, REPORT_TEXT, unit_text(m, x->unit, x->samples > 0, x->max));
    if (!x->has_limit) {
        cell(m, t, REPORT_TEXT, x->unit);
        cell(m, t, REPORT_TEXT, NULL);
        cell(m, t, REPORT_TEXT, NULL);
        cell(m, t, REPORT_TEXT, NULL);
        return;
    }
    cell(m, t, REPORT_TEXT, x->unit);
    cell(m, t, REPORT_CODE, x->limit);
    c = cell(m, t, REPORT_TEXT, x->detail);
    c->tinted = true;
    c->status = x->status;
    c = cell(m, t, REPORT_STATUS, report_status_word(x->status));
    c->status = x->status;
}

static const char *source_state(struct report_model *m, const struct snap_health_source *o)
{
    if (o->state == HEALTH_UP && o->failed)
        return str(m, "up (last error: %s)", o->error);
    if (o->state == HEALTH_UP)
        return "up";
    if (o->state == HEALTH_DOWN)
        return str(m, "down: %s", o->error);
    return "no answer";
}

static void health_sources(struct report_model *m, struct report_section *s)
{
    static const char *const heads[] = {"Source", "Kind", "Polled", "Every", "Polls", "Failed",
                                        "State", NULL};
    const struct snap_health *h = &m->in->snap->health;
    struct report_table *t = table(m, s, heads, "----nn-", h->n_sources);

    for (uint32_t i = 0; i < h->n_sources && i < SNAP_HEALTH_SOURCES; i++) {
        const struct snap_health_source *o = &h->sources[i];
        cell(m, t, REPORT_TEXT, o->name);
        cell(m, t, REPORT_TEXT, o->kind);
        cell(m, t, REPORT_NAME, o->where);
        cell(m, t, REPORT_TEXT, str(m, "%.3g s", o->interval));
        cell(m, t, REPORT_TEXT, count_text(m, o->polls));
        cell(m, t, REPORT_TEXT, count_text(m, o->failed));
        cell(m, t, REPORT_TEXT, source_state(m, o))->level = o->state == HEALTH_DOWN
                                                               ? EVENT_WARN : EVENT_INFO;
        t->n_rows++;
    }
}

static void build_health(struct report_model *m)
{
    static const char *const heads[] = {"Metric", "Source", "Last", "Min", "Max", "Unit",
                                        "Limit", "Verdict", "Status", NULL};
    const struct snap_health *h = &m->in->snap->health;
    struct report_section *s;
    struct report_table *t;
    struct report_para *p;

    if (h->n_sources == 0)
        return;
    s = section(m, "health", "Backend health");
    say(m, s, "What the backend's own exporters and health checks said during the run, polled "
        "by hornet next to the load. A failed health limit fails the run like a target.");
    t = table(m, s, heads, "--nnn----", h->n_metrics);
    for (uint32_t k = 0; k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        health_row(m, t, &h->metrics[k]);
        t->n_rows++;
    }
    t->scroll = true;
    subhead(m, s, "Over the run");
    block(m, s, REPORT_HEALTH_CHARTS);
    subhead(m, s, "Sources");
    health_sources(m, s);
    p = para(m, s, true);
    run(p, REPORT_TEXT, "Min and max cover every poll of the run; a poll that failed, or that "
        "did not have the metric, is a gap. A bound fails at the first sample outside it (or "
        "once outside it for its hold time); ");
    run(p, REPORT_EM, "no growth for D");
    run(p, REPORT_TEXT, " fails when the metric stayed above its level of D earlier for all "
        "of D. At risk: within 10% of a bound, or growing for half of D.");
}

/* ---- distribution, endpoints ---------------------------------------------------------------- */

static void build_distribution(struct report_model *m)
{
    static const char *const heads[] = {"Response time", "Requests", "Share", "Cumulative",
                                        NULL};
    const struct snap_stats *tot = &m->in->snap->total;
    uint64_t all = m->facts->dist_total, cum = 0;
    struct report_section *s = section(m, "distribution", m->in->service
                                       ? "Response-time distribution (corrected)"
                                       : "Response-time distribution");
    struct report_table *t;

    if (all == 0) {
        say(m, s, "No request with a response time.");
        return;
    }
    block(m, s, REPORT_DIST_CHART);
    t = table(m, s, heads, "-nnn", SNAP_DIST_BUCKETS);
    for (int k = 0; k < SNAP_DIST_BUCKETS; k++) {
        struct report_cell *c;
        double share = (double)tot->dist[k] / (double)all;

        cum += tot->dist[k];
        cell(m, t, REPORT_TEXT, report_bucket_label(k));
        c = cell(m, t, REPORT_TEXT, count_text(m, tot->dist[k]));
        c->approx = m->in->dist_estimated;
        cell(m, t, REPORT_TEXT, share_text(m, share));
        c = cell(m, t, REPORT_TEXT, share_text(m, (double)cum / (double)all));
        c->bar = share;
    }
    t->n_rows = SNAP_DIST_BUCKETS;
    t->bars = true;
    if (m->in->dist_estimated)
        run(para(m, s, true), REPORT_TEXT, "Estimated from the percentile cells of stats.csv "
            "(see Notes).");
}

static void endpoint_row(struct report_model *m, struct report_table *t,
                         const struct snap_stats *e, bool total)
{
    const char *v[5];
    char rps[32];

    latency_texts(m, e, e->requests - e->none_requests, v);
    report_fmt_rps(e->total_rps, rps, sizeof rps);
    cell(m, t, REPORT_TEXT, e->method);
    cell(m, t, total ? REPORT_STRONG : REPORT_NAME, total ? "Aggregated" : e->name);
    cell(m, t, REPORT_TEXT, count_text(m, e->requests));
    cell(m, t, REPORT_TEXT, count_text(m, e->failures));
    cell(m, t, REPORT_TEXT, m->in->expected_unknown ? "n/a" : count_text(m, e->expected));
    for (int i = 0; i < 5; i++)
        cell(m, t, REPORT_TEXT, v[i]);
    cell(m, t, REPORT_TEXT, str(m, "%s", rps));
}

static void build_endpoints(struct report_model *m)
{
    static const char *const heads[] = {"Method", "Name", "Requests", "Failures", "Expected",
                                        "Median", "Average", "p95", "p99", "Max", "Throughput",
                                        NULL};
    const struct report_facts *f = m->facts;
    struct report_section *s = section(m, "endpoints", m->in->service
                                       ? "Endpoints (latencies corrected)" : "Endpoints");
    struct report_table *t = table(m, s, heads, "--nnnnnnnnn", f->n_sorted + 1);

    t->wide = true;
    for (unsigned i = 0; i < f->n_sorted; i++)
        endpoint_row(m, t, f->sorted[i], false);
    endpoint_row(m, t, &m->in->snap->total, true);
    t->n_rows = f->n_sorted + 1;
    t->total_last = true;
    if (m->in->endpoints_dropped)
        run(para(m, s, true), REPORT_TEXT,
            str(m, "%u more endpoints are in the files but not in this table (at most %d).",
                m->in->endpoints_dropped, SNAP_MAX_ENDPOINTS));
}

/* ---- the open model -------------------------------------------------------------------------- */

static void arrivals_row(struct report_model *m, struct report_table *t,
                         const struct snap_arrivals *a, const char *name, double duration)
{
    char asked[32], achieved[32];

    report_fmt_rps(duration > 0 ? (double)a->due / duration : 0, asked, sizeof asked);
    report_fmt_rps(duration > 0 ? (double)a->started / duration : 0, achieved, sizeof achieved);
    cell(m, t, a->cls == UINT32_MAX ? REPORT_STRONG : REPORT_TEXT, name);
    cell(m, t, REPORT_TEXT, count_text(m, a->due));
    cell(m, t, REPORT_TEXT, count_text(m, a->started));
    cell(m, t, REPORT_TEXT, count_text(m, a->dropped));
    cell(m, t, REPORT_TEXT, share_text(m, a->due ? (double)a->dropped / (double)a->due : 0));
    cell(m, t, REPORT_TEXT, str(m, "%s", asked));
    cell(m, t, REPORT_TEXT, str(m, "%s", achieved));
    cell(m, t, REPORT_TEXT, str(m, "%u of %u", a->peak_users, a->max_users));
}

/* Each open class's arrivals: asked, started, dropped, the rates over the run, the pool. */
static void arrivals_table(struct report_model *m, struct report_section *s)
{
    static const char *const heads[] = {"User class", "Asked", "Started", "Dropped",
                                        "Dropped share", "Asked rate", "Achieved rate",
                                        "Users (peak of max)", NULL};
    const struct snapshot *snap = m->in->snap;
    const struct snap_open *o = &snap->open;
    struct report_table *t = table(m, s, heads, "-nnnnnnn", o->n_classes + 1);

    for (uint32_t i = 0; i < o->n_classes; i++)
        arrivals_row(m, t, &o->classes[i], o->classes[i].cls < snap->n_classes
                     ? snap->classes[o->classes[i].cls].name : "?", m->facts->duration);
    arrivals_row(m, t, &o->all, "All", m->facts->duration);
    t->n_rows = o->n_classes + 1;
    t->total_last = true;
}

static void compare_row(struct report_model *m, struct report_table *t,
                        const struct snap_stats *service, const struct snap_stats *corrected,
                        bool total)
{
    const uint64_t sv[4] = {service->median_us, service->pct_us[SNAP_P95],
                            service->pct_us[SNAP_P99], service->max_us};
    const uint64_t cv[4] = {corrected->median_us, corrected->pct_us[SNAP_P95],
                            corrected->pct_us[SNAP_P99], corrected->max_us};
    bool timed = service->requests > service->none_requests;

    cell(m, t, REPORT_TEXT, service->method);
    cell(m, t, total ? REPORT_STRONG : REPORT_NAME, total ? "Aggregated" : service->name);
    cell(m, t, REPORT_TEXT, count_text(m, service->requests));
    for (int k = 0; k < 4; k++) {
        cell(m, t, REPORT_TEXT, timed ? us_text(m, sv[k]) : "n/a");
        cell(m, t, REPORT_STRONG, timed ? us_text(m, cv[k]) : "n/a");
    }
}

/* Service times beside the corrected latencies, per endpoint. */
static void compare_table(struct report_model *m, struct report_section *s)
{
    static const char *const heads[] = {"Method", "Name", "Requests", "Median service",
                                        "Median corrected", "p95 service", "p95 corrected",
                                        "p99 service", "p99 corrected", "Max service",
                                        "Max corrected", NULL};
    const struct report_facts *f = m->facts;
    const struct snapshot *view = m->in->snap, *raw = m->in->service;
    struct report_table *t = table(m, s, heads, "--nnnnnnnnn", f->n_sorted + 1);

    t->wide = true;
    for (unsigned i = 0; i < f->n_sorted; i++) {
        size_t ep = (size_t)(f->sorted[i] - view->endpoints);
        compare_row(m, t, &raw->endpoints[ep], f->sorted[i], false);
    }
    compare_row(m, t, &raw->total, &view->total, true);
    t->n_rows = f->n_sorted + 1;
    t->total_last = true;
}

static void build_open_model(struct report_model *m)
{
    const struct report_input *in = m->in;
    const struct snap_arrivals *a = &in->snap->open.all;
    struct report_section *s;
    struct report_para *p;

    if (!in->service && in->snap->open.n_classes == 0 && in->n_arrivals == 0)
        return;
    s = section(m, "open", "Open model and coordinated omission");
    if (in->snap->open.n_classes > 0 || in->n_arrivals > 0) {
        p = para(m, s, false);
        run(p, REPORT_PROSE, str(m, "Iterations started on the schedule's intended timeline, "
                                 "whatever the answers took: %s asked, %s started, ",
                                 count_text(m, a->due), count_text(m, a->started)));
        run(p, a->dropped ? REPORT_STRONG : REPORT_PROSE,
            str(m, "%s dropped", count_text(m, a->dropped)));
        run(p, REPORT_PROSE, a->dropped ? " (every user of a pool was busy, the pool at "
                                          "max_users)." : ".");
        if (in->snap->open.n_classes > 0)
            arrivals_table(m, s);
    }
    if (!in->service)
        return;
    p = para(m, s, false);
    run(p, REPORT_PROSE, "Latencies corrected for coordinated omission count from each "
        "request's intended start (its iteration's arrival, or its pacing), as wrk2's; service "
        "times count from the send, as Locust's and ");
    run(p, REPORT_CODE, "PREFIX_stats.csv");
    run(p, REPORT_PROSE, ". A target that stalls delays the sends of a closed or saturated "
        "load, which hides the stall from service times but not from corrected ones. The "
        "other sections of this report show the corrected latencies.");
    compare_table(m, s);
}

/* ---- failures ------------------------------------------------------------------------------- */

static const char *since_start(struct report_model *m, double t)
{
    char b[32];

    if (t <= 0)
        return "";
    report_fmt_elapsed(t - m->facts->start, b, sizeof b);
    return str(m, "+%s", b);
}

static void error_table(struct report_model *m, struct report_section *s, bool expected)
{
    static const char *const heads[] = {"Endpoint", "Error", "Occurrences", "First seen",
                                        "Last seen", NULL};
    const struct snapshot *snap = m->in->snap;
    struct report_table *t = table(m, s, heads, "--nww", snap->n_errors + 1);

    t->scroll = true;
    for (uint32_t i = 0; i < snap->n_errors && i < SNAP_MAX_ERRORS; i++) {
        const struct snap_error *e = &snap->errors[i];
        const struct snap_stats *ep;

        if (e->expected != expected || e->endpoint >= snap->n_endpoints)
            continue;
        ep = &snap->endpoints[e->endpoint];
        cell(m, t, REPORT_NAME, str(m, "%s %s", ep->method, ep->name));
        cell(m, t, REPORT_TEXT, e->text);
        cell(m, t, REPORT_TEXT, count_text(m, e->count));
        cell(m, t, REPORT_TEXT, since_start(m, e->first_seen));
        cell(m, t, REPORT_TEXT, since_start(m, e->last_seen));
        t->n_rows++;
    }
    if (!expected && snap->errors_dropped) {
        cell(m, t, REPORT_TEXT, "(other)");
        cell(m, t, REPORT_TEXT, str(m, "not itemised: groups beyond the %d kept",
                                    SNAP_MAX_ERRORS));
        cell(m, t, REPORT_TEXT, count_text(m, snap->errors_dropped));
        cell(m, t, REPORT_TEXT, NULL);
        cell(m, t, REPORT_TEXT, NULL);
        t->n_rows++;
    }
}

static void exception_table(struct report_model *m, struct report_section *s)
{
    static const char *const heads[] = {"Count", "Message", "Where", NULL};
    const struct snapshot *snap = m->in->snap;
    struct report_table *t;

    subhead(m, s, "Exceptions (errors outside requests)");
    t = table(m, s, heads, "n--", snap->n_exceptions);
    for (uint32_t i = 0; i < snap->n_exceptions && i < SNAP_MAX_EXCEPTIONS; i++) {
        cell(m, t, REPORT_TEXT, count_text(m, snap->exceptions[i].count));
        cell(m, t, REPORT_TEXT, snap->exceptions[i].message);
        cell(m, t, REPORT_PRE, snap->exceptions[i].where);
        t->n_rows++;
    }
}

static void build_failures(struct report_model *m)
{
    const struct snapshot *snap = m->in->snap;
    struct report_section *s = section(m, "failures", "Failures");

    subhead(m, s, "Unexpected failures");
    if (m->facts->n_unexpected || snap->errors_dropped)
        error_table(m, s, false);
    else
        say(m, s, "None.");
    subhead(m, s, "Expected responses (counted as successes)");
    if (m->in->expected_unknown)
        say(m, s, "Not recorded in the CSV files.");
    else if (m->facts->n_expected)
        error_table(m, s, true);
    else
        say(m, s, "None.");
    if (snap->n_exceptions)
        exception_table(m, s);
}

/* ---- setup, preflight, teardown ------------------------------------------------------------- */

static bool any_fixture(const struct fixture_result *f)
{
    for (int p = 0; f && p < FIXTURE_PHASES; p++)
        if (f[p].status != FIXTURE_ABSENT)
            return true;
    return false;
}

static void fixture_rows(struct report_model *m, struct report_table *t,
                         const struct fixture_result *f)
{
    for (uint32_t i = 0; i < f->n_stats; i++) {
        const struct fixture_stats *st = &f->stats[i];

        cell(m, t, REPORT_TEXT, fixture_phase_names[f->phase]);
        cell(m, t, REPORT_TEXT, st->method);
        cell(m, t, REPORT_NAME, st->name);
        cell(m, t, REPORT_TEXT, count_text(m, st->requests));
        cell(m, t, REPORT_TEXT, count_text(m, st->failures));
        cell(m, t, REPORT_TEXT, us_text(m, st->median_us));
        cell(m, t, REPORT_TEXT, us_text(m, st->p99_us));
        cell(m, t, REPORT_TEXT, us_text(m, st->max_us));
        t->n_rows++;
    }
}

static void build_fixtures(struct report_model *m)
{
    static const char *const heads[] = {"Phase", "Method", "Name", "Requests", "Failures",
                                        "Median", "p99", "Max", NULL};
    const struct fixture_result *f = m->in->fixtures;
    struct report_section *s;
    struct report_table *t;
    struct report_block *list;
    size_t rows = 0;

    if (!any_fixture(f))
        return;
    s = section(m, "fixtures", "Setup, preflight and teardown");
    say(m, s, "Requests sent once around the load, one after the other: not in the load's "
        "statistics.");
    for (int p = 0; p < FIXTURE_PHASES; p++)
        rows += f[p].n_stats;
    t = table(m, s, heads, "---nnnnn", rows);
    t->scroll = true;
    for (int p = 0; p < FIXTURE_PHASES; p++)
        fixture_rows(m, t, &f[p]);
    list = block(m, s, REPORT_LIST);
    list->items = alloc(m, FIXTURE_PHASES, sizeof *list->items);
    for (int p = 0; p < FIXTURE_PHASES && !m->oom; p++) {
        struct report_para *it;

        if (f[p].status == FIXTURE_ABSENT)
            continue;
        it = &list->items[list->n_items++];
        run(it, REPORT_STRONG, str(m, "%s: %s", fixture_phase_names[p],
                                   fixture_status_names[f[p].status]));
        if (f[p].message[0])
            run(it, REPORT_TEXT, str(m, ": %s", f[p].message));
    }
}

/* ---- timeline, verdict, notes --------------------------------------------------------------- */

static void build_timeline(struct report_model *m)
{
    static const char *const heads[] = {"Time", "Clock", "Source", "Event", NULL};
    const struct report_input *in = m->in;
    struct report_section *s = section(m, "timeline", "Timeline");
    struct report_table *t;
    char at[32], clock[32];

    if (in->n_events == 0) {
        say(m, s, "No event recorded.");
        return;
    }
    t = table(m, s, heads, "n---", in->n_events);
    t->timeline = true;
    for (size_t i = 0; i < in->n_events; i++) {
        const struct snap_event *ev = &in->events[i];
        time_t secs = (time_t)floor(ev->time);
        struct tm tm;

        report_fmt_elapsed(ev->time - m->facts->start, at, sizeof at);
        if (!localtime_r(&secs, &tm) || !strftime(clock, sizeof clock, "%H:%M:%S", &tm))
            snprintf(clock, sizeof clock, "?");
        cell(m, t, REPORT_TEXT, str(m, "+%s", at));
        cell(m, t, REPORT_TEXT, str(m, "%s", clock));
        cell(m, t, REPORT_TEXT, report_event_source(ev->who));
        cell(m, t, REPORT_TEXT, ev->text)->level = ev->level;
    }
    t->n_rows = in->n_events;
}

/* What the numbers behind the verdict do not say, under it (every format shows the verdict
 * section): TLS that was not verified, hornet itself saturated, requests aborted in flight. */
static void build_caveats(struct report_model *m, struct report_section *s)
{
    const struct snapshot *snap = m->in->snap;
    struct report_para *p;

    if (snap->saturated_seconds > 0) {
        p = para(m, s, false);
        run(p, REPORT_STRONG, str(m, "Load generator saturated for %.0f s",
                                  ceil(snap->saturated_seconds)));
        run(p, REPORT_TEXT, str(m, ": %s; %s measured under saturation (worker timers later "
                                "than %.0f ms or worker threads above %.0f%% CPU for %.0f s).",
                                strchr(SATURATION_TEXT, ':') + 2, snap->n_targets ?
                                "the targets' verdict was" : "the numbers were",
                                SATURATION_LAG_MS, SATURATION_CPU_PERCENT,
                                SATURATION_ENTER_SECONDS));
    }
    if (m->in->snap->tls_insecure) {
        p = para(m, s, false);
        run(p, REPORT_STRONG, "INSECURE: TLS certificates and host names were not verified "
            "(--insecure)");
        run(p, REPORT_TEXT, ": the answers measured may not come from the target named.");
    }
    aborted_note(m, s);
}

static void build_verdict(struct report_model *m)
{
    const struct report_facts *f = m->facts;
    struct report_section *s = section(m, "verdict", "Verdict");
    struct report_para *p = para(m, s, false);
    struct report_block *list;

    run(p, REPORT_VERDICT, m->head.passed ? "PASS" : "FAIL");
    if (f->running)
        run(p, REPORT_TEXT, " so far (the run was still going when this report was made)");
    run(p, REPORT_TEXT, ": ");
    run(p, REPORT_TEXT, f->summary);
    run(p, REPORT_TEXT, ".");
    if (f->n_reasons == 0) {
        build_caveats(m, s);
        return;
    }
    list = block(m, s, REPORT_LIST);
    list->items = alloc(m, f->n_reasons, sizeof *list->items);
    for (unsigned i = 0; i < f->n_reasons && !m->oom; i++)
        run(&list->items[list->n_items++], REPORT_TEXT, f->reasons[i]);
    build_caveats(m, s);
}


static void build_notes(struct report_model *m)
{
    const struct report_input *in = m->in;
    struct report_section *s = special(m, "notes", "Notes", REPORT_ROLE_NOTES);
    struct report_block *list = block(m, s, REPORT_LIST);
    char when[64];

    list->items = alloc(m, in->n_notes + 5, sizeof *list->items);
    if (m->oom)
        return;
    if (in->csv_prefix) {
        struct report_para *p = &list->items[list->n_items++];

        run(p, REPORT_TEXT, "Rebuilt by ");
        run(p, REPORT_CODE, "hornet report");
        run(p, REPORT_TEXT, " from the CSV files ");
        run(p, REPORT_CODE, str(m, "%s_*.csv", in->csv_prefix));
        run(p, REPORT_TEXT, " (hornet's or Locust's format).");
        run(&list->items[list->n_items++], REPORT_PROSE,
            str(m, "Response times over time (the HTML report's chart): %s.",
                report_pct_kind_text(in->pct_kind)));
    }
    if (in->dist_estimated)
        run(&list->items[list->n_items++], REPORT_TEXT, "The distribution is estimated: the "
            "files hold percentiles, not counts per bucket, so counts are interpolated "
            "linearly between the cells (minimum, 50%, 66%, ..., 99.99%, maximum).");
    if (in->expected_unknown)
        run(&list->items[list->n_items++], REPORT_TEXT, "Expected responses are not in the "
            "CSV files: hornet counts them as successes, Locust as failures.");
    for (size_t i = 0; i < in->n_notes; i++)
        run(&list->items[list->n_items++], REPORT_TEXT, in->notes[i]);
    report_fmt_clock(in->generated_at > 0 ? in->generated_at : (double)time(NULL), when,
                     sizeof when);
    run(&list->items[list->n_items++], REPORT_TEXT,
        str(m, "Generated by hornet %s on %s.", HORNET_VERSION, when));
}

/* ---- the model ------------------------------------------------------------------------------ */

int report_model_build(struct report_model *m, const struct report_input *in,
                       const struct report_facts *f)
{
    memset(m, 0, sizeof *m);
    m->in = in;
    m->facts = f;
    headline(m);
    build_title(m);
    build_config(m);
    build_summary(m);
    build_assessment(m);
    build_open_model(m);
    special(m, "charts", "Over time", REPORT_ROLE_CHARTS);
    build_health(m);
    build_distribution(m);
    build_endpoints(m);
    build_failures(m);
    build_fixtures(m);
    build_timeline(m);
    build_verdict(m);
    build_notes(m);
    if (m->oom) {
        report_model_free(m);
        return -1;
    }
    return 0;
}

bool report_model_wants(const char *const *ids, const char *id)
{
    for (size_t i = 0; ids && ids[i]; i++)
        if (strcmp(ids[i], id) == 0)
            return true;
    return !ids;
}

/* ---- the builders, for the documents made of several models ---------------------------------- */

const char *report_model_text(struct report_model *m, const char *text)
{
    return str(m, "%s", text);
}

struct report_section *report_model_section(struct report_model *m, const char *id,
                                            const char *title, enum report_role role)
{
    if (m->n_sections == REPORT_MAX_SECTIONS) {
        m->oom = true;                      /* a builder bug: refuse rather than cut */
        return &m->sections[REPORT_MAX_SECTIONS - 1];
    }
    return special(m, id, title, role);
}

struct report_para *report_model_para(struct report_model *m, struct report_section *s,
                                      bool note)
{
    return para(m, s, note);
}

void report_model_run(struct report_para *p, enum report_style style, const char *text)
{
    run(p, style, text);
}

struct report_table *report_model_table(struct report_model *m, struct report_section *s,
                                        const char *const *heads, const char *numeric,
                                        size_t rows)
{
    return table(m, s, heads, numeric, rows);
}

struct report_cell *report_model_cell(struct report_model *m, struct report_table *t,
                                      enum report_style style, const char *text)
{
    return cell(m, t, style, text);
}

struct report_para *report_model_list(struct report_model *m, struct report_section *s,
                                      size_t n)
{
    struct report_block *b = block(m, s, REPORT_LIST);

    b->items = alloc(m, n, sizeof *b->items);
    b->n_items = m->oom ? 0 : n;
    return b->items;
}

void report_model_free(struct report_model *m)
{
    for (size_t i = 0; i < m->n_owned; i++)
        free(m->owned[i]);
    free(m->owned);
    m->owned = NULL;
    m->n_owned = m->cap_owned = 0;
}
