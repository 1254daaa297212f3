/* fixture: a scenario's setup, preflight or teardown run once, request after request, with one
 * easy handle on the calling thread (the main thread: the engine's threads are not running
 * yet, or no longer). Main thread. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "fixture.h"
#include "fixture_health.h"
#include "health_unit.h"
#include "hist.h"
#include "plan.h"
#include "request.h"

#define MAX_SPANS 64

const char *const fixture_status_names[] = {"absent", "not run", "passed", "failed",
                                            "interrupted"};

struct runner {
    const struct fixture_env *env;
    const struct fixture_def *fx;
    enum fixture_phase phase;
    struct fixture_result *out;
    struct seq_plan plan;
    CURL *easy;
    struct request rq;
    struct strbuf resp, resp_hdr;
    bool resp_cut;                      /* the body passed max_body_kept: cut there */
    char curl_error[CURL_ERROR_SIZE];   /* libcurl's words for a transport failure */
    struct header_span spans[MAX_SPANS];
    struct response_ws *ws;
    struct hist **hists;                /* per fixture endpoint, NULL until used */
    uint64_t rng;
    const char *const **feeder_rows;
    uint32_t step, round, rounds;       /* for messages: the step, its loop's round of rounds */
};

static double now_unix(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool stopped(const struct runner *r)
{
    return r->env->stop && *r->env->stop;
}

static void say(const struct runner *r, enum event_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(const struct runner *r, enum event_level level, const char *fmt, ...)
{
    char text[FIXTURE_MESSAGE_MAX + 64];
    va_list ap;

    if (!r->env->event)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    r->env->event(r->env->event_arg, level, text);
}

/* ---- curl --------------------------------------------------------------------------------- */

static size_t body_cb(char *data, size_t size, size_t n, void *arg)
{
    struct runner *r = arg;
    size_t len = size * n;

    request_keep_body(&r->resp, &r->resp_cut, r->env->scn->max_body_kept, data, len);
    return len;
}

static size_t header_cb(char *data, size_t size, size_t n, void *arg)
{
    struct runner *r = arg;
    size_t len = size * n;

    request_keep_header(&r->resp_hdr, data, len);
    return len;
}

/* A stop signal aborts the transfer in progress. */
static int progress_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    return stopped(arg) ? 1 : 0;
}

static int open_easy(struct runner *r)
{
    CURL *e = curl_easy_init();

    if (!e)
        return -1;
    r->easy = e;
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_cb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)r);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, progress_cb);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, (void *)r);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");        /* the fixture's own cookie jar */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 30L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->curl_error);
    return 0;
}

/* ---- statistics ----------------------------------------------------------------------------- */

static struct fixture_stats *stats_of(struct runner *r, uint32_t endpoint)
{
    struct fixture_result *o = r->out;
    const struct endpoint_def *e = &r->env->scn->fixture_endpoints[endpoint];
    struct fixture_stats *s;

    for (uint32_t i = 0; i < o->n_stats; i++)
        if (o->stats[i].endpoint == endpoint)
            return &o->stats[i];
    s = &o->stats[o->n_stats++];            /* at most every fixture endpoint: it fits */
    s->endpoint = endpoint;
    snprintf(s->method, sizeof s->method, "%s", http_method_names[e->method]);
    snprintf(s->name, sizeof s->name, "%s", e->name);
    return s;
}

static void record(struct runner *r, const struct step *st, int64_t us, const struct outcome *o)
{
    struct fixture_stats *s = stats_of(r, st->endpoint);
    struct hist **h = &r->hists[st->endpoint];

    s->requests++;
    r->out->requests++;
    if (o && !o->expected) {
        s->failures++;
        r->out->failures++;
    } else if (o) {
        s->expected++;
    }
    if (us < 0)
        return;
    if (!*h && (*h = calloc(1, sizeof **h)))
        hist_init(*h);
    if (*h)
        hist_record(*h, (uint64_t)us);
    s->total_us += (uint64_t)us;
    s->min_us = s->min_us && s->min_us < (uint64_t)us ? s->min_us : (uint64_t)us;
    s->max_us = s->max_us > (uint64_t)us ? s->max_us : (uint64_t)us;
}

static void finish_stats(struct runner *r)
{
    for (uint32_t i = 0; i < r->out->n_stats; i++) {
        struct fixture_stats *s = &r->out->stats[i];
        const struct hist *h = r->hists[s->endpoint];

        s->median_us = h ? hist_median(h) : 0;
        s->p99_us = h ? hist_percentile(h, 0.99) : 0;
    }
}

/* ---- one request ------------------------------------------------------------------------- */

static void fill_ctx(struct runner *r, struct tmpl_ctx *ctx)
{
    ctx->vars = r->env->vars;
    ctx->rng = &r->rng;
    ctx->user_index = 0;
    ctx->iteration = r->round;
    ctx->now = now_unix();
    ctx->feeder_rows = r->feeder_rows;
}

struct applying {
    struct runner *r;
    const struct step *st;
    long status;
};

static int apply_cb(void *arg, char *err, size_t errlen)
{
    struct applying *a = arg;
    struct runner *r = a->r;
    struct response_view v = {.status = (int)a->status, .body = r->resp.data,
                              .body_len = r->resp.len, .headers = r->spans,
                              .truncated_at = r->resp_cut ? r->env->scn->max_body_kept : 0};
    struct tmpl_ctx ctx;

    if (a->st->n_captures == 0 && a->st->n_checks == 0)
        return 0;
    v.n_headers = request_header_spans(&r->resp_hdr, r->spans, MAX_SPANS);
    fill_ctx(r, &ctx);
    return response_apply(a->st, &v, r->ws, &ctx, r->env->vars, &r->rng, NULL, err, errlen);
}

/* Send step sp and judge its answer: o->kind 0 for a plain success; the failure's text in
 * text. */
static void send_step(struct runner *r, const struct step_plan *sp, struct outcome *o,
                      char *text, size_t n)
{
    char err[INTERVAL_TEXT_MAX];
    struct interval_error ie = {0};
    struct tmpl_ctx ctx;
    curl_off_t us = 0;
    long status = 0;
    CURLcode rc;

    fill_ctx(r, &ctx);
    text[0] = '\0';
    if (request_render(&r->rq, r->env->host, strlen(r->env->host), sp, &ctx, err,
                       sizeof err) < 0 || request_apply(&r->rq, r->easy, sp) < 0) {
        *o = (struct outcome){.kind = OUTCOME_SCRIPT, .text = err};
        record(r, sp->step, -1, o);
        snprintf(text, n, "%s", err);
        return;
    }
    strbuf_clear(&r->resp);
    strbuf_clear(&r->resp_hdr);
    r->resp_cut = false;
    r->curl_error[0] = '\0';
    rc = curl_easy_perform(r->easy);
    curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &us);
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    request_outcome(r->easy, sp->step, rc, r->curl_error, status, sp->timeout_ms, apply_cb,
                    &(struct applying){r, sp->step, status}, o, err, sizeof err);
    record(r, sp->step, rc == CURLE_ABORTED_BY_CALLBACK ? -1 : (int64_t)us, o->kind ? o : NULL);
    if (!o->kind || o->expected)
        return;
    ie.kind = o->kind;
    ie.code = o->code;
    ie.aux = o->aux;
    snprintf(ie.text, sizeof ie.text, "%s", o->text ? o->text : "");
    interval_outcome_format(&ie, text, n);
}

/* ---- the phase ---------------------------------------------------------------------------- */

static const char *phase_title(enum fixture_phase p)
{
    static const char *const titles[FIXTURE_PHASES] = {"Setup", "Preflight", "Teardown"};

    return titles[p];
}

/* The failure's text without the "check failed: " every check message starts with (the
 * preflight message already says which check failed). */
static const char *what_failed(const char *text)
{
    return strncmp(text, "check failed: ", 14) == 0 ? text + 14 : text;
}

static void failed(struct runner *r, const struct step_plan *sp, const char *text)
{
    const struct endpoint_def *e = &r->env->scn->fixture_endpoints[sp->step->endpoint];
    const char *method = http_method_names[e->method];
    struct fixture_result *o = r->out;

    if (r->phase == FIXTURE_PREFLIGHT) {
        snprintf(o->message, sizeof o->message, "preflight check \"%s\" failed (%s %s): %s",
                 r->fx->check_names[r->step], method, e->name, what_failed(text));
    } else if (r->rounds > 1) {
        snprintf(o->message, sizeof o->message, "%s step %u of %u (%s %s), round %u of %u: %s",
                 fixture_phase_names[r->phase], r->step + 1, r->fx->cls.n_on_start, method,
                 e->name, r->round + 1, r->rounds, text);
    } else {
        snprintf(o->message, sizeof o->message, "%s step %u of %u (%s %s): %s",
                 fixture_phase_names[r->phase], r->step + 1, r->fx->cls.n_on_start, method,
                 e->name, text);
    }
}

/* One step of the phase. 0 to go on, -1 to stop (a failure of setup or preflight). */
static int run_step(struct runner *r, const struct step_plan *sp)
{
    struct outcome o = {0};
    char text[SNAP_TEXT_MAX];
    bool first = r->out->failures == 0;

    send_step(r, sp, &o, text, sizeof text);
    if (o.kind && !o.expected) {
        if (first || r->phase != FIXTURE_TEARDOWN)
            failed(r, sp, text);
        if (r->phase != FIXTURE_TEARDOWN)
            return -1;
        say(r, EVENT_WARN, "Teardown: %s", r->out->message);
        return 0;
    }
    if (r->phase == FIXTURE_PREFLIGHT)
        say(r, EVENT_INFO, "Preflight check \"%s\" passed", r->fx->check_names[r->step]);
    return 0;
}

/* Every round of loop l. 0, or -1 when the phase must stop (failure or stop signal). */
static int run_loop(struct runner *r, const struct fixture_loop *l)
{
    const struct scenario *scn = r->env->scn;

    r->rounds = l->repeat;
    for (r->round = 0; r->round < l->repeat; r->round++) {
        if (l->feeder >= 0) {
            const struct feeder *f = &scn->feeders[l->feeder];
            r->feeder_rows[l->feeder] =
                (const char *const *)&f->cells[(size_t)r->round * f->n_columns];
        }
        for (uint32_t k = 0; k < l->n; k++) {
            if (stopped(r))
                return -1;
            r->step = l->first + k;
            if (run_step(r, &r->plan.steps[r->step]) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- backend-health checks (preflight) ---------------------------------------------------- */

/* Whether the health block the check reads is still the scenario's (a run on another host
 * than the built-in target's, or --no-health, drops a builtin_only block). */
static bool health_polled(const struct scenario *scn, const struct preflight_health *c)
{
    return c->metric < scn->health.n_metrics &&
           strcmp(scn->health.metrics[c->metric].name, c->metric_name) == 0;
}

/* One check against its value: 0 passed (or not checked), -1 failed (message set). */
static int judge_health(struct runner *r, const struct preflight_health *c,
                        const struct fixture_health_value *v)
{
    const struct health_metric_def *m = &r->env->scn->health.metrics[c->metric];
    char got[64];

    if (v->ok && health_limit_keeps(c->limit.op, v->value, c->limit.amount)) {
        health_unit_format(m->unit, v->value, got, sizeof got);
        say(r, EVENT_INFO, "Preflight check \"%s\" passed (%s: %s)", c->name, m->name, got);
        return 0;
    }
    if (v->ok) {
        health_unit_format(m->unit, v->value, got, sizeof got);
        snprintf(r->out->message, sizeof r->out->message, "preflight check \"%s\" failed "
                 "(health %s): %s (got %s)", c->name, m->name, c->limit_text, got);
    } else {
        snprintf(r->out->message, sizeof r->out->message, "preflight check \"%s\" failed "
                 "(health %s): %s (no value: %s)", c->name, m->name, c->limit_text, v->why);
    }
    return -1;
}

/* Preflight's health checks, after its requests: one poll of each source they read. */
static int run_health(struct runner *r)
{
    const struct fixture_def *fx = r->fx;
    const struct scenario *scn = r->env->scn;
    struct fixture_health_value *v;
    char err[256];
    int rc = 0;

    if (fx->n_health == 0)
        return 0;
    if (!health_polled(scn, &fx->health[0])) {
        say(r, EVENT_WARN, "Preflight: %u backend-health check%s not checked: the scenario's "
            "health block is not polled on this host", fx->n_health, fx->n_health == 1 ? "" : "s");
        return 0;
    }
    if (!(v = calloc(fx->n_health, sizeof *v)) ||
        fixture_health_poll(scn, r->env->host, fx->health, fx->n_health, r->env->stop, v, err,
                            sizeof err) < 0) {
        snprintf(r->out->message, sizeof r->out->message, "preflight: backend health: %s",
                 v ? err : "out of memory");
        free(v);
        return -1;
    }
    for (uint32_t i = 0; i < fx->n_health && rc == 0 && !stopped(r); i++)
        rc = judge_health(r, &fx->health[i], &v[i]);
    free(v);
    return stopped(r) ? -1 : rc;
}

static uint64_t planned_requests(const struct fixture_def *fx)
{
    uint64_t n = 0;

    for (uint32_t i = 0; i < fx->n_loops; i++)
        n += (uint64_t)fx->loops[i].n * fx->loops[i].repeat;
    return n;
}

static int prepare(struct runner *r)
{
    const struct scenario *scn = r->env->scn;

    r->feeder_rows = calloc(scn->n_feeders ? scn->n_feeders : 1, sizeof *r->feeder_rows);
    r->hists = calloc(scn->n_fixture_endpoints ? scn->n_fixture_endpoints : 1,
                      sizeof *r->hists);
    r->ws = response_ws_new();
    if (!r->feeder_rows || !r->hists || !r->ws || open_easy(r) < 0 ||
        plan_sequence(scn, &r->fx->cls, r->fx->cls.on_start, r->fx->cls.n_on_start,
                      &r->plan) < 0)
        return -1;
    for (uint32_t f = 0; f < scn->n_feeders; f++)    /* outside a feeder loop: the first row */
        r->feeder_rows[f] = (const char *const *)scn->feeders[f].cells;
    r->rng = r->env->seed ^ (0xD1B54A32D192ED03ull * (1 + (uint64_t)r->phase));
    return 0;
}

static void release(struct runner *r)
{
    const struct scenario *scn = r->env->scn;

    for (uint32_t i = 0; r->hists && i < scn->n_fixture_endpoints; i++)
        free(r->hists[i]);
    free(r->hists);
    free((void *)r->feeder_rows);
    response_ws_free(r->ws);
    if (r->easy)
        curl_easy_cleanup(r->easy);
    request_free(&r->rq);
    strbuf_free(&r->resp);
    strbuf_free(&r->resp_hdr);
    plan_sequence_free(&r->plan);
}

/* The closing event and status. */
static void conclude(struct runner *r, int rc)
{
    struct fixture_result *o = r->out;
    const char *title = phase_title(r->phase);
    double took = o->end - o->start;

    if (rc == 0 && o->failures == 0) {
        o->status = FIXTURE_PASSED;
        snprintf(o->summary, sizeof o->summary, "%s passed: %llu request%s in %.2f s", title,
                 (unsigned long long)o->requests, o->requests == 1 ? "" : "s", took);
    } else if (stopped(r)) {
        o->status = FIXTURE_INTERRUPTED;
        snprintf(o->message, sizeof o->message, "%s interrupted after %llu of %llu requests",
                 fixture_phase_names[r->phase], (unsigned long long)o->requests,
                 (unsigned long long)planned_requests(r->fx));
        say(r, EVENT_WARN, "%s interrupted after %llu of %llu requests", title,
            (unsigned long long)o->requests, (unsigned long long)planned_requests(r->fx));
    } else {
        o->status = FIXTURE_FAILED;
        say(r, EVENT_ERROR, "%s failed: %s", title, o->message);
    }
}

int fixture_run(const struct fixture_env *env, enum fixture_phase phase,
                struct fixture_result *out)
{
    const struct fixture_def *fx = &env->scn->fixtures[phase];
    struct runner r = {.env = env, .fx = fx, .phase = phase, .out = out};
    int rc = 0;

    memset(out, 0, sizeof *out);
    out->phase = phase;
    if (!scenario_has_fixture(env->scn, phase))
        return 0;
    out->start = now_unix();
    say(&r, EVENT_INFO, "%s: %u step%s, %llu request%s%s", phase_title(phase),
        fx->cls.n_on_start, fx->cls.n_on_start == 1 ? "" : "s",
        (unsigned long long)planned_requests(fx), planned_requests(fx) == 1 ? "" : "s",
        fx->n_health ? ", backend-health checks after them" : "");
    if (prepare(&r) < 0) {
        snprintf(out->message, sizeof out->message, "%s: out of memory",
                 fixture_phase_names[phase]);
        rc = -1;
    }
    for (uint32_t i = 0; rc == 0 && i < fx->n_loops; i++)
        rc = run_loop(&r, &fx->loops[i]);
    if (rc == 0)
        rc = run_health(&r);
    out->end = now_unix();
    finish_stats(&r);
    conclude(&r, rc);
    release(&r);
    return out->status == FIXTURE_PASSED ? 0 : -1;
}
