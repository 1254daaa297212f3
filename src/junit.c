/* junit: the JUnit XML model, its rendering, and the cases of a run (see junit.h). Main
 * thread. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fileio.h"
#include "health_unit.h"
#include "junit.h"
#include "junit_internal.h"
#include "target/jsonw.h"
#include "verdict.h"

/* ---- the model ------------------------------------------------------------------------ */

void junit_suite_init(struct junit_suite *s, const char *name, double start, double time)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->start = start;
    s->time = time > 0 ? time : 0;
}

void junit_suite_free(struct junit_suite *s)
{
    free(s->cases);
    s->cases = NULL;
    s->n_cases = s->cap_cases = 0;
}

int junit_suite_add(struct junit_suite *s, const struct junit_case *c)
{
    if (s->n_cases == s->cap_cases) {
        size_t cap = s->cap_cases ? 2 * s->cap_cases : 16;
        struct junit_case *v = realloc(s->cases, cap * sizeof *v);

        if (!v)
            return -1;
        s->cases = v;
        s->cap_cases = cap;
    }
    s->cases[s->n_cases++] = *c;
    return 0;
}

/* Add a name = value property (beyond JUNIT_MAX_PROPERTIES, ignored). */
static void suite_property(struct junit_suite *s, const char *name, const char *value)
{
    if (s->n_properties == JUNIT_MAX_PROPERTIES)
        return;
    snprintf(s->properties[s->n_properties].name, sizeof s->properties[0].name, "%s", name);
    snprintf(s->properties[s->n_properties].value, sizeof s->properties[0].value, "%s", value);
    s->n_properties++;
}

/* ---- the cases of a run --------------------------------------------------------------- */

/* A target's bound from its lo/hi (its text says whether a bound is strict): "upper 500 ms",
 * "lower 99.00%", "50.0/s to 100.0/s". */
static void bound_text(const struct snap_target *t, char *out, size_t n)
{
    char lo[48], hi[48];

    snapshot_format_target(t->metric, t->lo, lo, sizeof lo);
    snapshot_format_target(t->metric, t->hi, hi, sizeof hi);
    if (isinf(t->lo) && isinf(t->hi))
        snprintf(out, n, "none");
    else if (isinf(t->lo))
        snprintf(out, n, "upper %s", hi);
    else if (isinf(t->hi))
        snprintf(out, n, "lower %s", lo);
    else
        snprintf(out, n, "%s to %s", lo, hi);
}

static enum junit_outcome target_outcome(const struct snap_target *t)
{
    switch (t->status) {
    case TARGET_PASS:
    case TARGET_AT_RISK: return JUNIT_PASSED;
    case TARGET_SKIPPED: return JUNIT_SKIPPED;
    default: return JUNIT_FAILURE;      /* failed, or no data by the end: it fails */
    }
}

static void target_case(const struct snapshot *snap, const struct snap_target *t,
                        struct junit_case *c)
{
    char value[48] = "no data", current[48] = "no data", bound[112];
    const char *status = verdict_status_word(t->status, snap->finished);

    memset(c, 0, sizeof *c);
    if (t->has_data)
        snapshot_format_target(t->metric, t->value, value, sizeof value);
    if (t->has_current)
        snapshot_format_target(t->metric, t->current, current, sizeof current);
    bound_text(t, bound, sizeof bound);
    snprintf(c->name, sizeof c->name, "%s%s%s", t->endpoint, t->endpoint[0] ? ": " : "",
             t->text);
    snprintf(c->classname, sizeof c->classname, "%s.targets", snap->scenario);
    c->outcome = target_outcome(t);
    snprintf(c->type, sizeof c->type, "%s", c->outcome == JUNIT_SKIPPED ? "not judged"
                                                                         : "target");
    snprintf(c->message, sizeof c->message, "%s: measured %s over the %s window, bound %s "
             "(%s%s%s)", t->text, value, t->window, bound, status, t->detail[0] ? ": " : "",
             t->detail);
    snprintf(c->text, sizeof c->text, "target: %s\nendpoint: %s\nwindow: %s\nmeasured: %s\n"
             "bound: %s\nlast 10 s: %s\nstatus: %s\n%s%s%s", t->text,
             t->endpoint[0] ? t->endpoint : "whole run", t->window, value, bound, current,
             status, t->detail, t->detail[0] ? "\n" : "",
             t->abort_on_fail ? "aborts the run when it fails\n" : "");
}

/* A backend-health limit as a case of the "<scenario>.health" class: judged as a target. */
static void health_case(const struct snapshot *snap, const struct snap_health_metric *m,
                        struct junit_case *c)
{
    const struct snap_health *h = &snap->health;
    const char *source = h->sources[m->source % SNAP_HEALTH_SOURCES].name;
    const char *status = verdict_status_word(m->status, snap->finished);
    char last[32], lo[32], hi[32];

    memset(c, 0, sizeof *c);
    health_unit_format(m->unit, m->has_value ? m->value : NAN, last, sizeof last);
    health_unit_format(m->unit, m->samples ? m->min : NAN, lo, sizeof lo);
    health_unit_format(m->unit, m->samples ? m->max : NAN, hi, sizeof hi);
    snprintf(c->name, sizeof c->name, "%s: %s %s", source, m->name, m->limit);
    snprintf(c->classname, sizeof c->classname, "%s.health", snap->scenario);
    c->outcome = m->status == TARGET_PASS || m->status == TARGET_AT_RISK ? JUNIT_PASSED
               : m->status == TARGET_SKIPPED ? JUNIT_SKIPPED : JUNIT_FAILURE;
    snprintf(c->type, sizeof c->type, "%s", c->outcome == JUNIT_SKIPPED ? "not judged"
                                                                         : "health limit");
    snprintf(c->message, sizeof c->message, "%s %s: %s (%s)", m->name, m->limit, m->detail,
             status);
    snprintf(c->text, sizeof c->text, "metric: %s\nsource: %s (%s)\nlimit: %s\nlast: %s\n"
             "min: %s\nmax: %s\nunit: %s\nstatus: %s\n%s\n%s", m->name, source,
             h->sources[m->source % SNAP_HEALTH_SOURCES].where, m->limit, last, lo, hi,
             m->unit, status, m->detail, m->abort_on_fail ? "aborts the run when it fails\n"
                                                          : "");
}

static void failures_case(const struct snapshot *s, struct junit_case *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "no unexpected failures");
    snprintf(c->classname, sizeof c->classname, "%s.run", s->scenario);
    snprintf(c->type, sizeof c->type, "failures");
    c->outcome = s->total.failures || s->n_exceptions ? JUNIT_FAILURE : JUNIT_PASSED;
    snprintf(c->message, sizeof c->message, "%llu of %llu requests failed unexpectedly, "
             "%u engine-side errors (no success or failure rate target allows any)",
             (unsigned long long)s->total.failures, (unsigned long long)s->total.requests,
             s->n_exceptions);
    snprintf(c->text, sizeof c->text, "requests: %llu\nunexpected failures: %llu\n"
             "expected statuses (successes): %llu\nengine-side errors: %u\n",
             (unsigned long long)s->total.requests, (unsigned long long)s->total.failures,
             (unsigned long long)s->total.expected, s->n_exceptions);
}

/* The run itself as a case: an error when it was aborted or the engine broke. */
static void run_case(const struct snapshot *s, struct junit_case *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "run completed");
    snprintf(c->classname, sizeof c->classname, "%s.run", s->scenario);
    c->time = s->end_time > s->run_start ? s->end_time - s->run_start : 0;
    if (s->fatal[0]) {
        c->outcome = JUNIT_ERROR;
        snprintf(c->type, sizeof c->type, "engine error");
        snprintf(c->message, sizeof c->message, "engine error: %s", s->fatal);
    } else if (s->aborted) {
        c->outcome = JUNIT_ERROR;
        snprintf(c->type, sizeof c->type, "aborted");
        snprintf(c->message, sizeof c->message, "aborted: %s", s->abort_reason);
    } else {
        snprintf(c->message, sizeof c->message, "%s", s->finished ? "finished" : "running");
    }
    snprintf(c->text, sizeof c->text, "state: %s\nrequests: %llu\n", run_state_name(s->state),
             (unsigned long long)s->total.requests);
}

static void run_properties(struct junit_suite *js, const struct snapshot *s)
{
    char v[64];

    suite_property(js, "scenario", s->scenario);
    suite_property(js, "host", s->host);
    suite_property(js, "passed", verdict_passed(s) ? "true" : "false");
    snprintf(v, sizeof v, "%llu", (unsigned long long)s->total.requests);
    suite_property(js, "requests", v);
    snprintf(v, sizeof v, "%llu", (unsigned long long)s->total.failures);
    suite_property(js, "failures", v);
}

int junit_add_run(struct junit_suite *js, const struct snapshot *s)
{
    struct junit_case c;

    run_properties(js, s);
    for (uint32_t i = 0; i < s->n_targets && i < SNAP_MAX_TARGETS; i++) {
        target_case(s, &s->targets[i], &c);
        if (junit_suite_add(js, &c) < 0)
            return -1;
    }
    for (uint32_t k = 0; k < s->health.n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        if (!s->health.metrics[k].has_limit)
            continue;
        health_case(s, &s->health.metrics[k], &c);
        if (junit_suite_add(js, &c) < 0)
            return -1;
    }
    if (verdict_failures_judged(s)) {       /* a check of its own */
        failures_case(s, &c);
        if (junit_suite_add(js, &c) < 0)
            return -1;
    }
    run_case(s, &c);
    return junit_suite_add(js, &c);
}

/* ---- XML ------------------------------------------------------------------------------ */

struct xml {
    struct strbuf *b;
    bool oom;
};

static void put(struct xml *x, const char *s, size_t n)
{
    if (strbuf_append(x->b, s, n) < 0)
        x->oom = true;
}

static void puts_(struct xml *x, const char *s)
{
    put(x, s, strlen(s));
}

/* Escaped text: & < > " ' as entities; tab, newline, carriage return kept in text (as
 * character references in attributes); other control characters and bytes that do not form
 * valid UTF-8 as '?' (XML 1.0 cannot carry them). */
static void put_text(struct xml *x, const char *s, bool attr)
{
    size_t n = strlen(s);

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        size_t len = jsonw_utf8_seq(s + i, n - i);

        if (ch == '&') puts_(x, "&amp;");
        else if (ch == '<') puts_(x, "&lt;");
        else if (ch == '>') puts_(x, "&gt;");
        else if (ch == '"' && attr) puts_(x, "&quot;");
        else if (ch == '\'' && attr) puts_(x, "&apos;");
        else if ((ch == '\n' || ch == '\r' || ch == '\t') && attr)
            puts_(x, ch == '\n' ? "&#10;" : ch == '\r' ? "&#13;" : "&#9;");
        else if (ch == '\n' || ch == '\r' || ch == '\t' || (ch >= 0x20 && ch < 0x7F))
            put(x, s + i, 1);
        else if (len > 1) {
            put(x, s + i, len);
            i += len - 1;
        } else
            put(x, "?", 1);
    }
}

static void attr(struct xml *x, const char *name, const char *value)
{
    put(x, " ", 1);
    puts_(x, name);
    put(x, "=\"", 2);
    put_text(x, value, true);
    put(x, "\"", 1);
}

static void attr_num(struct xml *x, const char *name, double v, bool seconds)
{
    char text[48];

    snprintf(text, sizeof text, seconds ? "%.3f" : "%.0f", v);
    attr(x, name, text);
}

struct counts {
    size_t tests, failures, errors, skipped;
    double time;
};

static void count_suite(const struct junit_suite *s, struct counts *c)
{
    c->tests += s->n_cases;
    c->time += s->time;
    for (size_t i = 0; i < s->n_cases; i++) {
        c->failures += s->cases[i].outcome == JUNIT_FAILURE;
        c->errors += s->cases[i].outcome == JUNIT_ERROR;
        c->skipped += s->cases[i].outcome == JUNIT_SKIPPED;
    }
}

static void counts_attrs(struct xml *x, const struct counts *c)
{
    attr_num(x, "tests", (double)c->tests, false);
    attr_num(x, "failures", (double)c->failures, false);
    attr_num(x, "errors", (double)c->errors, false);
    attr_num(x, "skipped", (double)c->skipped, false);
    attr_num(x, "time", c->time, true);
}

static void render_case(struct xml *x, const struct junit_case *c)
{
    static const char *const element[] = {NULL, "failure", "error", "skipped"};

    puts_(x, "    <testcase");
    attr(x, "name", c->name);
    attr(x, "classname", c->classname);
    attr_num(x, "time", c->time, true);
    puts_(x, ">\n");
    if (c->outcome != JUNIT_PASSED) {
        put(x, "      <", 7);
        puts_(x, element[c->outcome]);
        attr(x, "message", c->message);
        attr(x, "type", c->type);
        put(x, ">", 1);
        put_text(x, c->text, false);
        put(x, "</", 2);
        puts_(x, element[c->outcome]);
        put(x, ">\n", 2);
    } else {
        puts_(x, "      <system-out>");
        put_text(x, c->message, false);
        put(x, "\n", 1);
        put_text(x, c->text, false);
        puts_(x, "</system-out>\n");
    }
    puts_(x, "    </testcase>\n");
}

/* "2026-11-30T14:25:01" (UTC; the schema's timestamp has no zone). */
static void timestamp_attr(struct xml *x, double t)
{
    time_t secs = (time_t)t;
    struct tm tm;
    char text[32];

    if (t <= 0 || !gmtime_r(&secs, &tm))
        return;
    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    attr(x, "timestamp", text);
}

static void render_suite(struct xml *x, const struct junit_suite *s, size_t id,
                         const char *hostname)
{
    struct counts c = {0};

    count_suite(s, &c);
    puts_(x, "  <testsuite");
    attr(x, "name", s->name);
    counts_attrs(x, &c);
    timestamp_attr(x, s->start);
    attr(x, "hostname", hostname);
    attr_num(x, "id", (double)id, false);
    puts_(x, ">\n");
    if (s->n_properties) {
        puts_(x, "    <properties>\n");
        for (size_t i = 0; i < s->n_properties; i++) {
            puts_(x, "      <property");
            attr(x, "name", s->properties[i].name);
            attr(x, "value", s->properties[i].value);
            puts_(x, "/>\n");
        }
        puts_(x, "    </properties>\n");
    }
    for (size_t i = 0; i < s->n_cases; i++)
        render_case(x, &s->cases[i]);
    puts_(x, "  </testsuite>\n");
}

int junit_render(const struct junit_suite *suites, size_t n, struct strbuf *out)
{
    struct xml x = {.b = out};
    struct counts all = {0};
    char hostname[256] = "localhost";

    if (gethostname(hostname, sizeof hostname) < 0 || !hostname[0])
        snprintf(hostname, sizeof hostname, "localhost");
    hostname[sizeof hostname - 1] = '\0';
    for (size_t i = 0; i < n; i++)
        count_suite(&suites[i], &all);
    puts_(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
    attr(&x, "name", "hornet");
    counts_attrs(&x, &all);
    puts_(&x, ">\n");
    for (size_t i = 0; i < n; i++)
        render_suite(&x, &suites[i], i, hostname);
    puts_(&x, "</testsuites>\n");
    return x.oom ? -1 : 0;
}

int junit_write_file(const char *path, const struct junit_suite *suites, size_t n, char *err,
                     size_t errlen)
{
    struct strbuf b = {0};
    int rc;

    if (junit_render(suites, n, &b) < 0) {
        snprintf(err, errlen, "cannot write %s: out of memory", path);
        rc = -1;
    } else {
        rc = fileio_write_atomic(path, b.data, b.len, err, errlen);
    }
    strbuf_free(&b);
    return rc;
}
