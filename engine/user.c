/* user: one virtual user's state machine: vars and on_start, then tasks picked by weight with
 * waits between them, then on_stop. Requests are rendered into the user's own buffers and sent
 * with the user's own easy handle (its cookies and connection reuse, as a Locust HttpUser).
 * With request tracing on (-L DEBUG), the first requests of the run are also described
 * (trace.h); otherwise that costs one test of a worker flag per request.
 * Worker thread only; nothing here locks, and steady state allocates nothing of ours. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pool.h"
#include "request.h"
#include "response.h"
#include "template.h"
#include "trace.h"
#include "user.h"
#include "version.h"
#include "worker.h"

#define IDLE_ITERATION_WAIT 0.01    /* a task that sent nothing still yields this long */

/* PH_IDLE: a pooled user (an open class's) waiting for an arrival. */
enum phase { PH_NEW = 0, PH_ON_START, PH_TASK, PH_WAIT, PH_PARKED, PH_IDLE, PH_ON_STOP,
             PH_DONE };

struct user {
    struct worker *w;
    struct curl_group *g;       /* the worker's CURLM this user's transfers run in */
    const struct class_plan *cp;
    uint32_t cls, index;
    uint64_t rng, iteration;
    CURL *easy;
    struct user_var *vars;
    const char *const **feeder_rows;
    enum phase phase;
    const struct seq_plan *seq;
    uint32_t step_i;
    double task_start;
    /* Intended starts (coordinated-omission correction): the current iteration began `delay`
     * seconds after it was meant to, so each of its requests counts that much more in the
     * corrected latencies. A paced class's next iteration is meant to start at
     * next_intended (its pacing after this one's start); a pooled user's, at its arrival. */
    double delay, next_intended;
    struct pool *pool;          /* an open class's pool, or NULL */
    struct pool_link pool_link;
    bool has_arrival;           /* a pooled user runs `arrival` as soon as its on_start ends */
    double arrival;
    bool sent_in_iteration, in_flight, stopping, on_stop_done, keep_body, keep_headers;
    bool resp_cut;              /* the body went past the keep limit (or memory): cut there */
    double deadline;
    ev_timer wait;
    struct request rq;          /* the request being sent, rendered */
    struct strbuf resp, resp_hdr, scratch;
    struct header_span *spans;
    uint32_t cap_spans;
    uint64_t resp_bytes;
    char errbuf[CURL_ERROR_SIZE];
    struct user *prev, *next;
};

static void advance(struct user *u);

/* ---- list links ---------------------------------------------------------------------- */

struct user *user_next(const struct user *u) { return u->next; }
uint32_t user_class_index(const struct user *u) { return u->cls; }
bool user_stopping(const struct user *u) { return u->stopping; }

void user_link(struct user **head, struct user *u)
{
    u->prev = NULL;
    u->next = *head;
    if (*head)
        (*head)->prev = u;
    *head = u;
}

void user_unlink(struct user **head, struct user *u)
{
    if (u->prev)
        u->prev->next = u->next;
    else
        *head = u->next;
    if (u->next)
        u->next->prev = u->prev;
    u->prev = u->next = NULL;
}

/* ---- curl callbacks -------------------------------------------------------------------- */

/* Keep the body for captures and checks up to the scenario's max_body_kept (cut there for
 * good: request_keep_body). */
static size_t write_cb(char *data, size_t size, size_t n, void *arg)
{
    struct user *u = arg;
    size_t len = size * n;

    u->resp_bytes += len;
    if (u->keep_body)
        request_keep_body(&u->resp, &u->resp_cut, u->w->plan->scn->max_body_kept, data, len);
    return len;
}

static size_t header_cb(char *data, size_t size, size_t n, void *arg)
{
    struct user *u = arg;
    size_t len = size * n;

    request_keep_header(&u->resp_hdr, data, len);
    return len;
}

/* ---- helpers ----------------------------------------------------------------------------- */

static double now_of(const struct user *u)
{
    return ev_now(u->w->loop);
}

static void fill_ctx(struct user *u, struct tmpl_ctx *ctx)
{
    ctx->vars = u->vars;
    ctx->rng = &u->rng;
    ctx->user_index = u->index;
    ctx->iteration = u->iteration;
    ctx->now = now_of(u);
    ctx->feeder_rows = u->feeder_rows;
}

static double rand_unit(struct user *u)
{
    return (double)(tmpl_rand_next(&u->rng) >> 11) * (1.0 / 9007199254740992.0);
}

/* The service time into the recorder, and, when the scenario has intended starts, the time
 * from the intended start into the corrected one, with the same outcome (the targets are
 * judged on the corrected recorder's intervals then). */
static void record(struct user *u, const struct step *st, int64_t latency_us,
                   const struct outcome *o)
{
    double now = now_of(u);

    recorder_add(u->w->rec, st->endpoint, now, latency_us, u->resp_bytes, o);
    if (u->w->co_rec)
        recorder_add(u->w->co_rec, st->endpoint, now,
                     latency_us < 0 ? -1 : latency_us + (int64_t)(u->delay * 1e6 + 0.5),
                     u->resp_bytes, o);
}

static void trace_not_sent(struct user *u, const struct step_plan *sp, const struct outcome *o);

static void record_script_failure(struct user *u, const struct step_plan *sp, const char *text)
{
    struct outcome o = {.kind = OUTCOME_SCRIPT, .text = text};
    u->resp_bytes = 0;
    record(u, sp->step, -1, &o);
    if (u->w->tracing)
        trace_not_sent(u, sp, &o);
}

/* ---- sending and completing ------------------------------------------------------------ */

static int render_request(struct user *u, const struct step_plan *sp, char *err, size_t errlen)
{
    const struct plan *p = u->w->plan;
    struct tmpl_ctx ctx;

    fill_ctx(u, &ctx);
    return request_render(&u->rq, p->host, p->host_len, sp, &ctx, err, errlen);
}

static int user_send(struct user *u, const struct step_plan *sp)
{
    char err[INTERVAL_TEXT_MAX];
    const struct step *st = sp->step;
    CURL *e = u->easy;

    if (render_request(u, sp, err, sizeof err) < 0) {
        record_script_failure(u, sp, err);
        return -1;
    }
    if (request_apply(&u->rq, e, sp) < 0) {
        record_script_failure(u, sp, "out of memory");
        return -1;
    }
    u->keep_body = st->needs_body;
    u->keep_headers = request_reads_headers(st);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, u->keep_headers ? header_cb : NULL);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, u->keep_headers ? (void *)u : NULL);
    strbuf_clear(&u->resp);
    strbuf_clear(&u->resp_hdr);
    u->resp_cut = false;
    u->resp_bytes = 0;
    u->errbuf[0] = '\0';
    if (worker_add_transfer(u->g, e) < 0)
        return -1;                          /* reported as fatal: the run stops */
    u->in_flight = true;
    u->sent_in_iteration = true;
    return 0;
}

static int apply_response(struct user *u, const struct step *st, long status,
                          const struct response_observer *obs, char *err, size_t errlen)
{
    struct response_view r = {.status = (int)status, .body = u->resp.data,
                              .body_len = u->resp.len,
                              .truncated_at = u->resp_cut ? u->w->plan->scn->max_body_kept : 0};
    struct tmpl_ctx ctx;

    if (st->n_captures == 0 && st->n_checks == 0)
        return 0;
    if (u->keep_headers) {
        if (!u->spans && !(u->spans = calloc(64, sizeof *u->spans)))
            return snprintf(err, errlen, "out of memory"), -1;
        u->cap_spans = 64;
        r.headers = u->spans;
        r.n_headers = request_header_spans(&u->resp_hdr, u->spans, u->cap_spans);
    }
    fill_ctx(u, &ctx);
    return response_apply(st, &r, u->w->ws, &ctx, u->vars, &u->rng, obs, err, errlen);
}

/* apply_response for request_outcome. */
struct applying {
    struct user *u;
    const struct step *st;
    long status;
    const struct response_observer *obs;
};

static int apply_cb(void *arg, char *err, size_t errlen)
{
    struct applying *a = arg;

    return apply_response(a->u, a->st, a->status, a->obs, err, errlen);
}

/* How the request counts (o->kind 0: a plain success); captures and checks run here, told to
 * obs when the request is traced (NULL otherwise). */
static void classify(struct user *u, const struct step *st, CURLcode rc, long status,
                     long timeout_ms, const struct response_observer *obs, struct outcome *o,
                     char *err, size_t errlen)
{
    struct applying a = {u, st, status, obs};

    request_outcome(u->easy, st, rc, u->errbuf, status, timeout_ms, apply_cb, &a, o, err,
                    errlen);
}

/* ---- request tracing (-L DEBUG) ---------------------------------------------------------- */

/* A traced request while its captures and checks run. */
struct traced {
    struct user *u;
    const struct step_plan *sp;
    uint32_t captures, checks;          /* reported so far */
};

static const char *const *var_names(const struct user *u)
{
    return (const char *const *)u->w->plan->scn->vars;
}

static void traced_capture_cb(void *arg, const struct capture *c, const char *why)
{
    struct traced *t = arg;

    t->captures++;
    trace_format_capture(&t->u->w->trace_text, c, &t->u->vars[c->var],
                         trace_secret_var(t->u->cp, var_names(t->u), c->var), why);
}

static void traced_check_cb(void *arg, const struct check *k, const char *why)
{
    struct traced *t = arg;

    t->checks++;
    trace_format_check(&t->u->w->trace_text, k, why, false);
}

/* The request lines of traced request `number`: who sent what (sent: the rendered URL,
 * headers and body are in the user's buffers; otherwise the path template is shown). */
static void trace_head(struct user *u, const struct step_plan *sp, uint32_t number, bool sent)
{
    const struct class_plan *cp = u->cp;
    const struct step *st = sp->step;
    struct trace_request rq = {
        .number = number, .limit = trace_limit(u->w->plan->trace),
        .user_class = cp->cls->name,
        .task = u->phase == PH_TASK ? cp->cls->tasks[u->seq - cp->tasks].name : NULL,
        .sequence = u->phase == PH_ON_STOP ? "on_stop" : "on_start",
        .step = u->step_i + 1, .n_steps = u->seq->n, .method = http_method_names[st->method],
        .url = sent ? u->rq.url.data : NULL, .path = tmpl_source(st->path),
        .headers = sent ? u->rq.hdr.data : NULL, .headers_len = sent ? u->rq.hdr.len : 0,
        .body = sent ? u->rq.body.data : NULL, .body_len = sent ? u->rq.body.len : 0,
        .body_json = st->body_kind == BODY_JSON, .plan = sp, .user_class_plan = cp,
        .vars = u->vars, .var_names = var_names(u),
    };

    strbuf_clear(&u->w->trace_text);
    trace_format_request(&u->w->trace_text, &rq);
}

/* What did not run, then how the request counted; then the text leaves. */
static void trace_tail(const struct traced *t, CURLcode rc, long status, const struct outcome *o)
{
    const struct step *st = t->sp->step;
    struct strbuf *out = &t->u->w->trace_text;
    char why[64];

    if ((st->n_captures || st->n_checks) && !t->captures && !t->checks) {
        if (rc != CURLE_OK)
            snprintf(why, sizeof why, "no response");
        else
            snprintf(why, sizeof why, "status %ld is not expected", status);
        trace_format_not_run(out, why);
    } else {
        for (uint32_t i = t->checks; i < st->n_checks; i++)
            trace_format_check(out, &st->checks[i], "an earlier capture or check failed", true);
    }
    trace_format_outcome(out, o);
    trace_emit(t->u->w->plan->trace, out->data);
}

static void trace_not_sent(struct user *u, const struct step_plan *sp, const struct outcome *o)
{
    uint32_t number = trace_ticket(u->w->plan->trace);

    if (number == 0) {
        u->w->tracing = false;              /* used up: never asked again on this worker */
        return;
    }
    trace_head(u, sp, number, false);
    trace_format_outcome(&u->w->trace_text, o);
    trace_emit(u->w->plan->trace, u->w->trace_text.data);
}

/* user_transfer_done's work for a request that may be traced. Cold: kept out of line, so the
 * plain path stays as it was but for the test of the worker's flag. */
static void traced_done(struct user *u, const struct step_plan *sp, CURLcode rc, long status,
                        int64_t total_us) __attribute__((cold, noinline));

static void traced_done(struct user *u, const struct step_plan *sp, CURLcode rc, long status,
                        int64_t total_us)
{
    uint32_t number = trace_ticket(u->w->plan->trace);
    struct traced t = {u, sp, 0, 0};
    struct response_observer obs = {traced_capture_cb, traced_check_cb, &t};
    char err[INTERVAL_TEXT_MAX];
    struct outcome o;

    if (number == 0)
        u->w->tracing = false;              /* used up: never asked again on this worker */
    else {
        trace_head(u, sp, number, true);
        trace_format_response(&u->w->trace_text, rc == CURLE_OK ? status : 0, total_us,
                              u->resp_bytes);
    }
    classify(u, sp->step, rc, status, sp->timeout_ms, number ? &obs : NULL, &o, err,
             sizeof err);
    record(u, sp->step, total_us, o.kind ? &o : NULL);
    if (number)
        trace_tail(&t, rc, status, o.kind ? &o : NULL);
}

/* ---- completing a request ---------------------------------------------------------------- */

void user_transfer_done(struct user *u, CURLcode rc)
{
    const struct step_plan *sp = &u->seq->steps[u->step_i];
    char err[INTERVAL_TEXT_MAX];
    struct outcome o;
    curl_off_t total_us = 0;
    long status = 0;

    u->in_flight = false;
    curl_easy_getinfo(u->easy, CURLINFO_TOTAL_TIME_T, &total_us);
    curl_easy_getinfo(u->easy, CURLINFO_RESPONSE_CODE, &status);
    if (u->w->tracing) {
        traced_done(u, sp, rc, status, (int64_t)total_us);
    } else {
        classify(u, sp->step, rc, status, sp->timeout_ms, NULL, &o, err, sizeof err);
        record(u, sp->step, (int64_t)total_us, o.kind ? &o : NULL);
    }
    u->step_i++;
    advance(u);
}

/* ---- the state machine ------------------------------------------------------------------ */

static void finish(struct user *u)
{
    u->phase = PH_DONE;
    ev_timer_stop(u->w->loop, &u->wait);
    if (u->pool)
        pool_user_gone(u->pool, u);
    worker_user_gone(u->w, u);              /* frees u */
}

static void begin_seq(struct user *u, enum phase phase, const struct seq_plan *seq)
{
    u->phase = phase;
    u->seq = seq;
    u->step_i = 0;
    if (phase != PH_TASK)
        u->delay = 0;                       /* on_start and on_stop have no intended start */
}

/* Returns false when the user is gone (freed): the caller must not touch it again. */
static bool begin_on_stop(struct user *u)
{
    if (u->on_stop_done) {
        finish(u);
        return false;
    }
    u->on_stop_done = true;
    begin_seq(u, PH_ON_STOP, &u->cp->on_stop);
    return true;
}

static void pick_feeder_rows(struct user *u)
{
    const struct scenario *scn = u->w->plan->scn;

    for (uint32_t f = 0; f < scn->n_feeders; f++) {
        const struct feeder *fd = &scn->feeders[f];
        uint64_t row;
        if (fd->mode == FEEDER_PER_USER)
            continue;
        row = fd->mode == FEEDER_CYCLE
              ? atomic_fetch_add(&u->w->plan->feeder_cursor[f].next, 1)
              : tmpl_rand_next(&u->rng);
        u->feeder_rows[f] = (const char *const *)&fd->cells[(row % fd->n_rows) * fd->n_columns];
    }
}

/* One iteration, meant to start at `intended`: a task picked by weight with its steps. */
static void begin_iteration(struct user *u, double intended)
{
    uint32_t t = plan_pick_task(u->cp, rand_unit(u));

    pick_feeder_rows(u);
    begin_seq(u, PH_TASK, &u->cp->tasks[t]);
    u->task_start = now_of(u);
    u->delay = u->task_start > intended ? u->task_start - intended : 0;
    u->sent_in_iteration = false;
}

/* A paced class's iteration is meant to start one pacing after the previous one started
 * (Locust's rule); other closed classes' start when they do. */
static double closed_intended(struct user *u)
{
    const struct wait_policy *wp = &u->cp->cls->wait;
    double now = now_of(u), intended = u->next_intended > 0 ? u->next_intended : now;

    if (wp->kind == WAIT_CONSTANT_PACING)
        u->next_intended = now + wp->a;
    else if (wp->kind == WAIT_CONSTANT_THROUGHPUT && wp->a > 0)
        u->next_intended = now + 1.0 / wp->a;
    return intended;
}

/* Start the next task, or park (paused), idle (a pooled user without an arrival) or go to
 * on_stop (stopping). False: u is gone, or it waits. */
static bool next_task(struct user *u)
{
    if (u->stopping)
        return begin_on_stop(u);
    if (u->pool) {
        if (!u->has_arrival) {
            u->phase = PH_IDLE;
            pool_user_free(u->pool, u);     /* may run an arrival (advancing u) at once */
            return false;
        }
        u->has_arrival = false;
        begin_iteration(u, u->arrival);
        return true;
    }
    if (u->w->paused || u->cp->n_tasks == 0) {
        u->phase = PH_PARKED;
        return true;
    }
    begin_iteration(u, closed_intended(u));
    return true;
}

static double wait_time(struct user *u)
{
    const struct wait_policy *wp = &u->cp->cls->wait;
    double took = now_of(u) - u->task_start;

    switch (wp->kind) {
    case WAIT_CONSTANT:
        return wp->a;
    case WAIT_BETWEEN:
        return wp->a + (wp->b - wp->a) * rand_unit(u);
    case WAIT_CONSTANT_PACING:
        return wp->a - took;
    case WAIT_CONSTANT_THROUGHPUT:
        return wp->a > 0 ? 1.0 / wp->a - took : 0.0;
    default:
        return 0.0;
    }
}

static void wait_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct user *u = (struct user *)((char *)t - offsetof(struct user, wait));

    (void)loop;
    (void)revents;
    if (next_task(u))
        advance(u);
}

/* The task ended: wait, or go straight on. True when the user must keep going now; false when
 * it waits or is gone. */
static bool task_done(struct user *u)
{
    double w;

    u->iteration++;
    if (u->stopping)
        return begin_on_stop(u);
    w = wait_time(u);
    if (!u->sent_in_iteration && w < IDLE_ITERATION_WAIT)
        w = IDLE_ITERATION_WAIT;
    if (w <= 0.0)
        return next_task(u);
    u->phase = PH_WAIT;
    ev_timer_set(&u->wait, w, 0.0);
    ev_timer_start(u->w->loop, &u->wait);
    return false;
}

/* Run steps until one is in flight, the user waits or parks, or it is done. */
static void advance(struct user *u)
{
    for (;;) {
        if (u->phase == PH_DONE || u->phase == PH_WAIT || u->phase == PH_PARKED ||
            u->phase == PH_IDLE || u->in_flight)
            return;
        if (u->step_i < u->seq->n) {
            if (user_send(u, &u->seq->steps[u->step_i]) == 0)
                return;
            u->step_i++;
            continue;
        }
        switch (u->phase) {
        case PH_ON_START:
            if (!next_task(u))
                return;
            break;
        case PH_TASK:
            if (!task_done(u))
                return;
            break;
        case PH_ON_STOP:
            finish(u);
            return;
        default:
            return;
        }
    }
}

/* ---- life cycle ------------------------------------------------------------------------ */

/* https: the CA file instead of the system's, a client certificate, or (insecure) no
 * verification at all; libcurl verifies peer and host name by default. */
static void setup_tls(CURL *e, const struct scenario_tls *tls)
{
    if (tls->cacert)
        curl_easy_setopt(e, CURLOPT_CAINFO, tls->cacert);
    if (tls->cert)
        curl_easy_setopt(e, CURLOPT_SSLCERT, tls->cert);
    if (tls->key)
        curl_easy_setopt(e, CURLOPT_SSLKEY, tls->key);
    if (tls->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

static int setup_easy(struct user *u)
{
    CURL *e = curl_easy_init();

    if (!e)
        return -1;
    u->easy = e;
    curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)u);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)u);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, u->errbuf);
    curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");        /* this user's own cookie jar */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);    /* as Locust's HttpUser (requests) */
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 30L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, worker_open_socket_cb);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, (void *)u->w);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, worker_close_socket_cb);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, (void *)u->w);
    if (!u->w->plan->proxy_env) {           /* else libcurl reads the variables per transfer */
        curl_easy_setopt(e, CURLOPT_PROXY, "");
        curl_easy_setopt(e, CURLOPT_NOPROXY, "");
    }
    setup_tls(e, &u->w->plan->tls);
    return 0;
}

static int init_feeders(struct user *u)
{
    const struct scenario *scn = u->w->plan->scn;

    u->feeder_rows = calloc(scn->n_feeders ? scn->n_feeders : 1, sizeof *u->feeder_rows);
    if (!u->feeder_rows)
        return -1;
    for (uint32_t f = 0; f < scn->n_feeders; f++) {
        const struct feeder *fd = &scn->feeders[f];
        u->feeder_rows[f] =
            (const char *const *)&fd->cells[(u->index % fd->n_rows) * fd->n_columns];
    }
    return 0;
}

struct user *user_create(struct worker *w, uint32_t cls, uint32_t index, char *err,
                         size_t errlen)
{
    const struct plan *p = w->plan;
    struct user *u = calloc(1, sizeof *u);

    if (!u)
        goto oom;
    u->w = w;
    u->cls = cls;
    u->cp = &p->classes[cls];
    u->index = index;
    u->rng = p->seed ^ (0x9E3779B97F4A7C15ull * ((uint64_t)index + 1));
    (void)tmpl_rand_next(&u->rng);
    ev_timer_init(&u->wait, wait_cb, 0.0, 0.0);
    u->vars = calloc(p->scn->n_vars ? p->scn->n_vars : 1, sizeof *u->vars);
    if (!u->vars || init_feeders(u) < 0 || !(u->g = worker_join_group(w)))
        goto oom;
    if (setup_easy(u) < 0) {
        snprintf(err, errlen, "curl_easy_init failed");
        user_destroy(u);
        return NULL;
    }
    return u;
oom:
    snprintf(err, errlen, "out of memory creating user %u", index);
    user_destroy(u);
    return NULL;
}

/* What setup captured, read-only for the users: each starts with its own copy. */
static void copy_shared(struct user *u)
{
    const struct plan *p = u->w->plan;

    for (uint32_t v = 0; p->shared && v < p->scn->n_shared; v++)
        if (p->scn->shared[v] && p->shared[v].set &&
            user_var_set(&u->vars[v], p->shared[v].value, p->shared[v].len) < 0 &&
            u->w->sink.exception)
            u->w->sink.exception(u->w->sink.arg, "out of memory copying a setup variable",
                                 "user start");
}

static void init_vars(struct user *u)
{
    const struct user_class *cls = u->cp->cls;
    char err[INTERVAL_TEXT_MAX];
    struct tmpl_ctx ctx;

    copy_shared(u);
    for (uint32_t i = 0; i < cls->n_vars; i++) {
        fill_ctx(u, &ctx);
        strbuf_clear(&u->scratch);
        if (tmpl_render(cls->vars[i].value, &ctx, &u->scratch, err, sizeof err) == 0)
            (void)user_var_set(&u->vars[cls->vars[i].var], u->scratch.data ? u->scratch.data : "",
                          u->scratch.len);
        else if (u->w->sink.exception)
            u->w->sink.exception(u->w->sink.arg, err, "user class vars");
    }
}

void user_start(struct user *u)
{
    init_vars(u);
    begin_seq(u, PH_ON_START, &u->cp->on_start);
    u->task_start = now_of(u);
    advance(u);
}

void user_stop(struct user *u, double deadline)
{
    u->stopping = true;
    u->deadline = deadline;
    if (deadline <= now_of(u)) {
        if (u->in_flight) {                 /* aborted: no outcome, counted apart */
            worker_remove_transfer(u->g, u->easy);
            recorder_abort(u->w->rec, u->seq->steps[u->step_i].step->endpoint, now_of(u));
            u->in_flight = false;
        }
        finish(u);
        return;
    }
    if (u->phase == PH_WAIT || u->phase == PH_PARKED || u->phase == PH_IDLE) {
        ev_timer_stop(u->w->loop, &u->wait);
        if (u->pool && u->phase == PH_IDLE) {
            pool_user_gone(u->pool, u);     /* out of the idle list before its on_stop */
            u->pool = NULL;
        }
        if (begin_on_stop(u))
            advance(u);
    }
}

void user_check_deadline(struct user *u, double now)
{
    if (u->stopping && now >= u->deadline)
        user_stop(u, now);
}

void user_join_pool(struct user *u, struct pool *p, bool with_arrival, double intended)
{
    u->pool = p;
    u->has_arrival = with_arrival;
    u->arrival = intended;
}

struct pool_link *user_pool_link(struct user *u)
{
    return &u->pool_link;
}

void user_run_arrival(struct user *u, double intended)
{
    if (u->stopping || u->phase == PH_DONE)
        return;
    begin_iteration(u, intended);
    advance(u);
}

void user_assign_arrival(struct user *u, double intended)
{
    u->has_arrival = true;
    u->arrival = intended;
}

void user_resume(struct user *u)
{
    if (u->phase != PH_PARKED)
        return;
    u->next_intended = 0;       /* the pause was the operator's: the pacing restarts now, or
                                   the first iteration would count the pause as lateness */
    if (next_task(u))
        advance(u);
}

void user_destroy(struct user *u)
{
    if (!u)
        return;
    if (u->easy)
        curl_easy_cleanup(u->easy);
    if (u->g)
        worker_leave_group(u->g);
    for (uint32_t i = 0; u->vars && i < u->w->plan->scn->n_vars; i++)
        user_var_free(&u->vars[i]);
    free(u->vars);
    free((void *)u->feeder_rows);
    request_free(&u->rq);
    strbuf_free(&u->resp);
    strbuf_free(&u->resp_hdr);
    strbuf_free(&u->scratch);
    free(u->spans);
    free(u);
}
