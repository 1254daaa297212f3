/* report: what every report format shares: the facts computed once from the input (times,
 * sorted endpoints, target tallies, why the run failed), text formatting in the units a load
 * tester reads, and atomic file output. The content is modelled once (report_model.c) and
 * rendered by report_md.c and report_html.c. Pure apart from file output; main thread. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "fileio.h"
#include "csv.h"
#include "report_internal.h"
#include "verdict.h"
#include "targets.h"

/* ---- text formatting ---------------------------------------------------------------------- */

void report_fmt_ms(double ms, char *out, size_t n)
{
    if (!isfinite(ms) || ms < 0)
        snprintf(out, n, "n/a");
    else if (ms >= 1000.0)
        snprintf(out, n, "%.2f s", ms / 1000.0);
    else if (ms >= 99.95 || ms == floor(ms))    /* whole ms: cells read from CSV files */
        snprintf(out, n, "%.0f ms", ms);
    else if (ms >= 9.995)
        snprintf(out, n, "%.1f ms", ms);
    else
        snprintf(out, n, "%.2f ms", ms);
}

void report_fmt_us(uint64_t us, char *out, size_t n)
{
    report_fmt_ms((double)us / 1000.0, out, n);
}

void report_fmt_count(uint64_t v, char *out, size_t n)
{
    char digits[32], grouped[48];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v), j = 0;

    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            grouped[j++] = ',';
        grouped[j++] = digits[i];
    }
    grouped[j] = '\0';
    snprintf(out, n, "%s", grouped);
}

void report_fmt_share(double frac, char *out, size_t n)
{
    double pct = frac * 100.0;

    if (!isfinite(pct))
        snprintf(out, n, "n/a");
    else if (pct <= 0.0)
        snprintf(out, n, "0%%");
    else if (pct >= 100.0)
        snprintf(out, n, "100%%");
    else if (pct < 0.01)
        snprintf(out, n, "< 0.01%%");
    else if (pct < 10.0 || pct > 99.9)
        snprintf(out, n, "%.2f%%", pct);
    else
        snprintf(out, n, "%.1f%%", pct);
}

void report_fmt_duration(double s, char *out, size_t n)
{
    long t;

    if (!isfinite(s) || s < 0)
        s = 0;
    if (s < 60.0) {
        snprintf(out, n, "%.1f s", s);
        return;
    }
    t = lround(s);
    if (t < 3600)
        snprintf(out, n, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(out, n, "%ld h %02ld min %02ld s", t / 3600, t / 60 % 60, t % 60);
}

void report_fmt_clock(double t, char *out, size_t n)
{
    time_t secs = (time_t)floor(t);
    struct tm tm;

    if (t <= 0 || !localtime_r(&secs, &tm) || strftime(out, n, "%Y-%m-%d %H:%M:%S %z", &tm) == 0)
        snprintf(out, n, "not recorded");
}

void report_fmt_elapsed(double s, char *out, size_t n)
{
    long t = isfinite(s) && s > 0 ? (long)floor(s + 1e-6) : 0;

    if (t < 3600)
        snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
    else
        snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

void report_fmt_rps(double v, char *out, size_t n)
{
    char count[32];

    if (!isfinite(v) || v < 0)
        snprintf(out, n, "n/a");
    else if (v >= 1000.0) {
        report_fmt_count((uint64_t)llround(v), count, sizeof count);
        snprintf(out, n, "%s/s", count);
    } else if (v >= 10.0)
        snprintf(out, n, "%.1f/s", v);
    else
        snprintf(out, n, "%.2f/s", v);
}

const char *report_bucket_label(int bucket)
{
    static const char *const labels[SNAP_DIST_BUCKETS] = {
        "< 10 ms", "10–20 ms", "20–50 ms", "50–100 ms", "100–200 ms", "200–500 ms",
        "500 ms–1 s", "≥ 1 s"
    };
    return bucket >= 0 && bucket < SNAP_DIST_BUCKETS ? labels[bucket] : "?";
}

const char *report_status_word(uint8_t status)
{
    switch (status) {
    case TARGET_PASS: return "PASS";
    case TARGET_AT_RISK: return "AT RISK";
    case TARGET_FAIL: return "FAIL";
    case TARGET_SKIPPED: return "NOT JUDGED";
    default: return "NO DATA";
    }
}

const char *report_status_class(uint8_t status)
{
    switch (status) {
    case TARGET_PASS: return "pass";
    case TARGET_AT_RISK: return "risk";
    case TARGET_FAIL: return "fail";
    case TARGET_SKIPPED: return "skipped";
    default: return "pending";
    }
}

/* "All requests" or the endpoint label. */
static const char *target_scope(const struct snap_target *t)
{
    return t->endpoint[0] ? t->endpoint : "All requests";
}

static void def_of(const struct snap_target *t, struct target_def *d)
{
    memset(d, 0, sizeof *d);
    d->metric = (enum target_metric)t->metric;
    d->lo = t->lo;
    d->hi = t->hi;
}

void report_target_actual(const struct snap_target *t, char *out, size_t n)
{
    struct target_def d;

    if (!t->has_data) {
        snprintf(out, n, "no data");
        return;
    }
    def_of(t, &d);
    if (t->metric <= TARGET_AVERAGE)
        report_fmt_ms(t->value, out, n);
    else
        targets_format_value(&d, t->value, out, n);
}

static bool metric_is_rate(uint8_t m)
{
    return m == TARGET_SUCCESS_RATE || m == TARGET_FAILURE_RATE;
}

static void rate_margin(const struct snap_target *t, char *out, size_t n)
{
    double v = t->value, budget, used;

    if (isfinite(t->lo) && v < t->lo) {
        snprintf(out, n, "%.2f pp below", (t->lo - v) * 100.0);
        return;
    }
    if (isfinite(t->hi) && v > t->hi) {
        snprintf(out, n, "%.2f pp above", (v - t->hi) * 100.0);
        return;
    }
    budget = isfinite(t->lo) ? 1.0 - t->lo : t->hi;
    used = isfinite(t->lo) ? 1.0 - v : v;
    if (budget <= 0)
        snprintf(out, n, "no failure allowed");
    else
        snprintf(out, n, "%.0f%% of the failure budget", used / budget * 100.0);
}

/* rps: below the minimum, above the maximum, or the nearer of the two margins. */
static void rps_margin(const struct snap_target *t, char *out, size_t n)
{
    double v = t->value, up, down;

    if (isfinite(t->lo) && v < t->lo) {
        snprintf(out, n, "%.0f%% below the minimum", (t->lo - v) / t->lo * 100.0);
        return;
    }
    if (isfinite(t->hi) && v > t->hi) {
        snprintf(out, n, "%.0f%% above the maximum", (v - t->hi) / t->hi * 100.0);
        return;
    }
    up = isfinite(t->lo) && t->lo > 0 ? (v - t->lo) / t->lo : INFINITY;
    down = isfinite(t->hi) && t->hi > 0 ? (t->hi - v) / t->hi : INFINITY;
    if (isinf(up) && isinf(down))
        snprintf(out, n, "within bounds");
    else if (up <= down)
        snprintf(out, n, "%.0f%% above the minimum", up * 100.0);
    else
        snprintf(out, n, "%.0f%% below the maximum", down * 100.0);
}

void report_target_margin(const struct snap_target *t, char *out, size_t n)
{
    if (t->status == TARGET_SKIPPED)
        snprintf(out, n, "the load differs from the scenario's");
    else if (!t->has_data || !isfinite(t->value))
        snprintf(out, n, "no data");
    else if (metric_is_rate(t->metric))
        rate_margin(t, out, n);
    else if (t->metric == TARGET_RPS)
        rps_margin(t, out, n);
    else if (!isfinite(t->hi) || t->hi <= 0)
        snprintf(out, n, "within bounds");
    else if (t->value > t->hi)
        snprintf(out, n, "+%.0f%% over the bound", (t->value - t->hi) / t->hi * 100.0);
    else
        snprintf(out, n, "%.0f%% of the bound", t->value / t->hi * 100.0);
}

const char *report_event_source(uint8_t who)
{
    switch (who) {
    case EVENT_SCENARIO: return "scenario";
    case EVENT_OPERATOR: return "operator";
    default: return "engine";
    }
}

const char *report_pct_kind_text(enum report_pct_kind k)
{
    switch (k) {
    case REPORT_PCT_CUMULATIVE:
        return "Cumulative percentiles since the start (the history was written without "
               "--csv-full-history)";
    case REPORT_PCT_WINDOW:
        return "Percentiles of the ~10 s window before each row (history written with "
               "--csv-full-history)";
    default:
        return "Percentiles of each second's requests";
    }
}

/* ---- facts ------------------------------------------------------------------------------ */

static bool has_rate_target(const struct snapshot *s)
{
    for (uint32_t i = 0; i < s->n_targets; i++)
        if (metric_is_rate(s->targets[i].metric))
            return true;
    return false;
}

__attribute__((format(printf, 2, 3)))
static void add_reason(struct report_facts *f, const char *fmt, ...)
{
    va_list ap;

    if (f->n_reasons >= REPORT_MAX_REASONS)
        return;
    va_start(ap, fmt);
    vsnprintf(f->reasons[f->n_reasons++], REPORT_REASON_MAX, fmt, ap);
    va_end(ap);
}

/* Why a target has no value: the engine says "no data yet"; a report rebuilt from CSV files
 * says what the files lack. */
static const char *no_data_why(const struct snapshot *s, const struct snap_target *t)
{
    if (strcmp(t->window, "steady") == 0 && s->steady_start <= 0)
        return "the ramp-up never completed, so the steady window never started";
    if (strncmp(t->detail, "no data", 7) == 0 || !t->detail[0])
        return "no request in its window";
    return t->detail;
}

static void target_reasons(const struct snapshot *s, struct report_facts *f)
{
    for (uint32_t i = 0; i < s->n_targets; i++) {
        const struct snap_target *t = &s->targets[i];
        if (t->status == TARGET_FAIL)
            add_reason(f, "Target failed: %s, %s (%s window): %s", target_scope(t),
                       t->text, t->window, t->detail);
        else if (t->status == TARGET_PENDING)
            add_reason(f, "Target without data: %s, %s (%s window): %s",
                       target_scope(t), t->text, t->window, no_data_why(s, t));
    }
}

/* Health limits that failed, or had no data by the end (a source that never answered). */
static void health_reasons(const struct snapshot *s, struct report_facts *f)
{
    const struct snap_health *h = &s->health;

    for (uint32_t k = 0; k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        const struct snap_health_metric *m = &h->metrics[k];
        const struct snap_health_source *src = &h->sources[m->source % SNAP_HEALTH_SOURCES];
        if (!m->has_limit)
            continue;
        if (m->status == TARGET_FAIL)
            add_reason(f, "Health limit failed: %s %s (%s): %s", m->name, m->limit, src->name,
                       m->detail);
        else if (m->status == TARGET_PENDING)
            add_reason(f, "Health limit without data: %s %s (%s): %s", m->name, m->limit,
                       src->name, src->state == HEALTH_DOWN ? src->error
                       : src->state == HEALTH_WAITING ? "the source never answered"
                       : m->missing[0] ? m->missing : "no value");
    }
}

const struct snap_health_point *report_health_points(const struct report_input *in, uint32_t k,
                                                     size_t *n)
{
    if (k < SNAP_HEALTH_METRICS && in->health_n[k] && in->health_points[k]) {
        *n = in->health_n[k];
        return in->health_points[k];
    }
    *n = k < in->snap->health.n_metrics && k < SNAP_HEALTH_METRICS
         ? in->snap->health.metrics[k].n_points : 0;
    return *n ? in->snap->health.metrics[k].points : NULL;
}

static void failure_reasons(const struct snapshot *s, struct report_facts *f)
{
    char n1[32], n2[32];

    if (has_rate_target(s))
        return;
    report_fmt_count(s->total.failures, n1, sizeof n1);
    report_fmt_count(s->n_exceptions, n2, sizeof n2);
    if (s->total.failures)
        add_reason(f, "%s unexpected failure%s, and no success-rate or failure-rate target "
                   "allows any", n1, s->total.failures == 1 ? "" : "s");
    if (s->n_exceptions)
        add_reason(f, "%s kind%s of exception (errors outside requests)", n2,
                   s->n_exceptions == 1 ? "" : "s");
}

/* "; 3 of 3 health limits kept" after the summary, when the run judged health limits. */
static void health_summary(const struct verdict_tally *h, char *out, size_t n)
{
    unsigned judged = h->n - h->skipped;
    size_t len = strlen(out);

    if (judged == 0 || len >= n)
        return;
    snprintf(out + len, n - len, "; %u of %u health limit%s kept", h->pass + h->at_risk,
             judged, judged == 1 ? "" : "s");
}

static void summarise(const struct report_input *in, struct report_facts *f)
{
    const struct snapshot *s = in->snap;
    unsigned judged = s->n_targets - f->targets.skipped;
    char n1[32], risk[32] = "", skipped[80] = "";

    if (f->targets.at_risk)
        snprintf(risk, sizeof risk, ", %u at risk", f->targets.at_risk);
    if (f->targets.skipped)
        snprintf(skipped, sizeof skipped, ", %u not judged (the load differs from the "
                 "scenario's)", f->targets.skipped);
    report_fmt_count(s->total.failures, n1, sizeof n1);
    if (s->n_targets)
        snprintf(f->summary, sizeof f->summary, "%u of %u target%s met%s%s%s%s",
                 f->targets.pass + f->targets.at_risk, judged, judged == 1 ? "" : "s", risk, skipped,
                 s->aborted ? ", run aborted" : "",
                 s->saturated_seconds > 0 ? ", measured under saturation" : "");
    else if (in->passed)
        snprintf(f->summary, sizeof f->summary, "No targets; no request failed");
    else if (s->total.requests == 0)
        snprintf(f->summary, sizeof f->summary, "No targets; no request completed");
    else
        snprintf(f->summary, sizeof f->summary, "No targets; %s unexpected failure%s%s", n1,
                 s->total.failures == 1 ? "" : "s", s->n_exceptions ? " and exceptions" : "");
    health_summary(&f->targets.health, f->summary, sizeof f->summary);
}

static void times_of(const struct report_input *in, struct report_facts *f)
{
    const struct snapshot *s = in->snap;

    f->running = !s->finished;
    f->start = s->run_start > 0 ? s->run_start : s->start_time;
    f->end = s->end_time > 0 ? s->end_time : s->now;
    if (in->n_points && f->start <= 0)
        f->start = (double)in->points[0].second;
    if (in->n_points && f->end <= 0)
        f->end = (double)in->points[in->n_points - 1].second + 1.0;
    f->duration = f->end > f->start && f->start > 0 ? f->end - f->start : 0.0;
    f->reset = s->start_time > 0 && s->run_start > 0 && s->start_time > s->run_start + 0.5;
}

void report_facts_compute(const struct report_input *in, struct report_facts *f)
{
    const struct snapshot *s = in->snap;

    memset(f, 0, sizeof *f);
    times_of(in, f);
    f->peak_users = s->users;
    for (size_t i = 0; i < in->n_points; i++)
        if (in->points[i].users > f->peak_users)
            f->peak_users = in->points[i].users;
    f->timed = s->total.requests - s->total.none_requests;
    for (int k = 0; k < SNAP_DIST_BUCKETS; k++)
        f->dist_total += s->total.dist[k];
    f->n_sorted = csv_sorted_endpoints(s, f->sorted);
    for (uint32_t i = 0; i < s->n_errors && i < SNAP_MAX_ERRORS; i++) {
        if (s->errors[i].expected)
            f->n_expected++;
        else
            f->n_unexpected++;
    }
    verdict_of(s, &f->targets);
    summarise(in, f);
    if (in->passed)
        return;
    if (s->aborted)
        add_reason(f, "The run was aborted: %s", s->abort_reason);
    if (s->total.requests == 0)
        add_reason(f, "No request completed: a run that measured nothing does not pass");
    target_reasons(s, f);
    health_reasons(s, f);
    failure_reasons(s, f);
    if (f->n_reasons == 0)
        add_reason(f, "The run's verdict is FAIL");
}

/* ---- output ------------------------------------------------------------------------------ */

typedef void (*render_fn)(FILE *, const struct report_model *);

static char *render(const struct report_input *given, size_t *len, render_fn fn)
{
    struct report_facts *f = malloc(sizeof *f);
    struct report_input local = *given, *in = &local;
    struct report_model model;
    char *text = NULL;
    size_t n = 0;
    FILE *out;

    if (!f)
        return NULL;
    if (in->n_points == 0 && in->snap->n_points > 0) {     /* the snapshot's last 10 min */
        in->points = in->snap->series;
        in->n_points = in->snap->n_points;
    }
    if (in->n_events == 0 && in->snap->n_events > 0) {
        in->events = in->snap->events;
        in->n_events = in->snap->n_events;
    }
    report_facts_compute(in, f);
    if (report_model_build(&model, in, f) < 0) {
        free(f);
        return NULL;
    }
    out = open_memstream(&text, &n);
    if (out) {
        fn(out, &model);
        if (fclose(out) != 0) {
            free(text);
            text = NULL;
        }
    }
    report_model_free(&model);
    free(f);
    if (text && len)
        *len = n;
    return text;
}

char *report_markdown(const struct report_input *in, size_t *len)
{
    return render(in, len, report_md_render);
}

char *report_html(const struct report_input *in, size_t *len)
{
    return render(in, len, report_html_render);
}

static int write_report(const struct report_input *in, const char *path, render_fn fn,
                        char *err, size_t errlen)
{
    size_t len = 0;
    char *text = render(in, &len, fn);
    int rc;

    if (!text) {
        if (err && errlen)
            snprintf(err, errlen, "cannot write %s: out of memory", path);
        return -1;
    }
    rc = fileio_write_atomic(path, text, len, err, errlen);
    free(text);
    return rc;
}

int report_write_markdown(const struct report_input *in, const char *path, char *err,
                          size_t errlen)
{
    return write_report(in, path, report_md_render, err, errlen);
}

int report_write_html(const struct report_input *in, const char *path, char *err,
                      size_t errlen)
{
    return write_report(in, path, report_html_render, err, errlen);
}
