/* health_poll: the backend-health poller's thread: an ev loop, one CURLM driven through
 * libcurl's multi_socket interface (CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION, as curl's
 * evhiperfifo example, with fractional timers and no socket context read after
 * socket_action), a timer per source, and the readers that turn bodies and /proc into samples.
 * Everything here runs on the poller's thread, except health_poll_create, health_poll_start
 * and health_poll_destroy. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include <ev.h>
#include "health_poll.h"
#include "interval.h"
#include "strbuf.h"
#include "template.h"
#include "version.h"

struct health_poll;

/* One source: its timer, reader and, for HTTP sources, its transfer. */
struct poll_source {
    struct health_poll *p;
    const struct health_source_def *def;
    struct health_reader *reader;
    ev_timer timer;
    CURL *easy;                 /* HTTP sources: reused, so its connection is kept alive */
    struct curl_slist *headers;
    char *url;
    struct strbuf body;
    bool too_large;             /* the body passed HEALTH_POLL_BODY_MAX: the transfer stops */
    bool busy;                  /* a transfer is in the multi handle */
    double started;             /* when it began (ev_time) */
    char errbuf[CURL_ERROR_SIZE];
};

/* A socket libcurl asked to watch; its watcher is the first member. */
struct poll_sock {
    ev_io io;
    struct health_poll *p;
};

struct health_poll {
    const struct health_def *h;
    struct health_poll_sink sink;
    struct poll_source *sources;
    uint32_t n;
    struct ev_loop *loop;
    ev_async quit;
    ev_timer curl_timer;
    CURLM *multi;
    pthread_t thread;
    bool started;
};

/* ---- samples ----------------------------------------------------------------------------- */

static struct health_sample *new_sample(struct poll_source *s, double now)
{
    struct health_sample *out = malloc(sizeof *out);

    if (out) {
        out->next = NULL;
        out->time = now;
        out->duration_ms = (now - s->started) * 1000.0;
    }
    return out;
}

static void hand_over(struct poll_source *s, struct health_sample *out)
{
    if (out)
        s->p->sink.sample(s->p->sink.arg, out);
}

/* ---- HTTP polls -------------------------------------------------------------------------- */

/* The transfer's outcome as the engine words transfer errors ("Connection refused", "Timeout
 * after 2000 ms", "HTTP 503 Service Unavailable"). 0 when it answered 2xx. */
static int transfer_error(struct poll_source *s, CURLcode rc, char *out, size_t n)
{
    struct interval_error e = {.kind = OUTCOME_TRANSPORT, .code = (int32_t)rc};
    long status = 0, os_errno = 0;

    if (rc == CURLE_WRITE_ERROR && s->too_large) {
        snprintf(out, n, "body larger than %u MB", HEALTH_POLL_BODY_MAX >> 20);
        return -1;
    }
    if (rc != CURLE_OK) {
        curl_easy_getinfo(s->easy, CURLINFO_OS_ERRNO, &os_errno);
        e.aux = rc == CURLE_OPERATION_TIMEDOUT ? (int32_t)lround(s->def->timeout * 1000)
                                               : (int32_t)os_errno;
        interval_outcome_format(&e, out, n);
        return -1;
    }
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300)
        return 0;
    e.kind = OUTCOME_HTTP;
    e.code = (int32_t)status;
    interval_outcome_format(&e, out, n);
    return -1;
}

/* A transfer ended: its body read into a sample. A JSON source still reads the body of an
 * error status (a health check's 503 says what is wrong), but the poll counts as failed. */
static void transfer_done(struct poll_source *s, CURLcode rc)
{
    struct health_sample *out = new_sample(s, ev_time());
    char why[SNAP_TEXT_MAX];
    long status = 0;
    bool failed;

    curl_multi_remove_handle(s->p->multi, s->easy);
    s->busy = false;
    if (!out)
        return;
    failed = transfer_error(s, rc, why, sizeof why) < 0;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    if (!failed || (rc == CURLE_OK && s->def->kind == HEALTH_JSON && s->body.len > 0)) {
        health_read_body(s->reader, s->body.data ? s->body.data : "", s->body.len, out);
        if (failed && out->ok) {
            out->ok = false;
            snprintf(out->error, sizeof out->error, "%s", why);
        }
    } else {
        health_read_failed(s->reader, out, why);
    }
    strbuf_trim(&s->body, 1u << 20);
    hand_over(s, out);
}

static void drain_done(struct health_poll *p)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(p->multi, &left))) {
        struct poll_source *s = NULL;
        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        transfer_done(s, msg->data.result);
    }
}

static void sock_cb(struct ev_loop *loop, ev_io *io, int revents)
{
    struct health_poll *p = ((struct poll_sock *)io)->p;
    int running, fd = io->fd;
    int action = (revents & EV_READ ? CURL_CSELECT_IN : 0) |
                 (revents & EV_WRITE ? CURL_CSELECT_OUT : 0);

    (void)loop;
    /* io may be freed inside socket_action: only p and fd are used afterwards */
    curl_multi_socket_action(p->multi, fd, action, &running);
    drain_done(p);
}

static int socket_fn(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
    struct health_poll *p = arg;
    struct poll_sock *s = sockp;
    int events = (what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0);

    (void)e;
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            ev_io_stop(p->loop, &s->io);
            curl_multi_assign(p->multi, fd, NULL);
            free(s);
        }
        return 0;
    }
    if (!s) {
        if (!(s = calloc(1, sizeof *s)))
            return -1;
        s->p = p;
        curl_multi_assign(p->multi, fd, s);
    } else {
        ev_io_stop(p->loop, &s->io);
    }
    ev_io_init(&s->io, sock_cb, fd, events);
    ev_io_start(p->loop, &s->io);
    return 0;
}

static void curl_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct health_poll *p = t->data;
    int running;

    (void)loop;
    (void)revents;
    curl_multi_socket_action(p->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    drain_done(p);
}

static int timer_fn(CURLM *multi, long timeout_ms, void *arg)
{
    struct health_poll *p = arg;

    (void)multi;
    ev_timer_stop(p->loop, &p->curl_timer);
    if (timeout_ms >= 0) {
        ev_timer_set(&p->curl_timer, (double)timeout_ms / 1000.0, 0.0);
        ev_timer_start(p->loop, &p->curl_timer);
    }
    return 0;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
    struct poll_source *s = arg;
    size_t n = size * nmemb;

    if (s->body.len + n > HEALTH_POLL_BODY_MAX) {
        s->too_large = true;
        return 0;
    }
    return strbuf_append(&s->body, data, n) < 0 ? 0 : n;
}

static void start_transfer(struct poll_source *s, double now)
{
    struct health_sample *out;
    CURLMcode rc;

    strbuf_clear(&s->body);
    s->too_large = false;
    s->started = now;
    rc = curl_multi_add_handle(s->p->multi, s->easy);
    if (rc == CURLM_OK) {
        s->busy = true;
        return;
    }
    if ((out = new_sample(s, now)))
        health_read_failed(s->reader, out, curl_multi_strerror(rc));
    hand_over(s, out);
}

/* ---- the sources' timers ----------------------------------------------------------------- */

static void source_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct poll_source *s = t->data;
    struct health_sample *out;
    double now = ev_time();

    (void)loop;
    (void)revents;
    if (s->def->kind <= HEALTH_JSON) {
        if (!s->busy)               /* a poll still running: this one is skipped */
            start_transfer(s, now);
        return;
    }
    s->started = now;
    if (!(out = new_sample(s, now)))
        return;
    health_read_local(s->reader, out);
    out->duration_ms = (ev_time() - now) * 1000.0;
    hand_over(s, out);
}

static void quit_cb(struct ev_loop *loop, ev_async *a, int revents)
{
    (void)a;
    (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

static void *poll_main(void *arg)
{
    struct health_poll *p = arg;

    ev_run(p->loop, 0);
    return NULL;
}

/* ---- setting up (caller's thread) -------------------------------------------------------- */

static bool has_header(const struct health_source_def *d, const char *name)
{
    for (uint32_t i = 0; i < d->n_headers; i++)
        if (strcasecmp(d->headers[i].name, name) == 0)
            return true;
    return false;
}

static int add_header(struct poll_source *s, const char *name, const char *value)
{
    char line[4096];
    struct curl_slist *l;

    snprintf(line, sizeof line, "%s: %s", name, value);
    if (!(l = curl_slist_append(s->headers, line)))
        return -1;
    s->headers = l;
    return 0;
}

/* The request's headers: the source's own (rendered), an Accept for its format unless given. */
static int make_headers(struct poll_source *s, const char *host, char *err, size_t errlen)
{
    const struct health_source_def *d = s->def;
    struct strbuf v = {0};
    int rc = 0;

    for (uint32_t i = 0; i < d->n_headers && rc == 0; i++) {
        rc = health_read_render(d->headers[i].value, host, &v, err, errlen);
        if (rc == 0 && add_header(s, d->headers[i].name, strbuf_cstr(&v)) < 0)
            rc = -1;
    }
    strbuf_free(&v);
    if (rc == 0 && !has_header(d, "Accept"))
        rc = add_header(s, "Accept", d->kind == HEALTH_PROMETHEUS
                        ? "text/plain;version=0.0.4;q=1,*/*;q=0.1" : "application/json");
    if (rc == 0)
        rc = add_header(s, "User-Agent", "hornet/" HORNET_VERSION " (backend health)");
    return rc;
}

static int setup_http(struct poll_source *s, const char *host, char *err, size_t errlen)
{
    struct strbuf url = {0};
    long ms = lround(s->def->timeout * 1000);

    if (health_read_render(s->def->url, host, &url, err, errlen) < 0 ||
        !(s->url = strdup(strbuf_cstr(&url))) || !(s->easy = curl_easy_init()) ||
        make_headers(s, host, err, errlen) < 0) {
        strbuf_free(&url);
        return -1;
    }
    strbuf_free(&url);
    curl_easy_setopt(s->easy, CURLOPT_URL, s->url);
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
    curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
    curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
    curl_easy_setopt(s->easy, CURLOPT_ERRORBUFFER, s->errbuf);
    curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    return 0;
}

static int setup_source(struct health_poll *p, uint32_t i, const char *host,
                        const char *proc_root, char *err, size_t errlen)
{
    struct poll_source *s = &p->sources[i];
    char why[256] = "out of memory";

    s->p = p;
    s->def = &p->h->sources[i];
    if (!(s->reader = health_read_create(p->h, i, proc_root)) ||
        (s->def->kind <= HEALTH_JSON && setup_http(s, host, why, sizeof why) < 0)) {
        snprintf(err, errlen, "health source %s: %s", s->def->name, why);
        return -1;
    }
    ev_timer_init(&s->timer, source_timer_cb, 0.0, s->def->interval);
    s->timer.data = s;
    return 0;
}

struct health_poll *health_poll_create(const struct health_def *h, const char *host,
                                       const char *proc_root,
                                       const struct health_poll_sink *sink, char *err,
                                       size_t errlen)
{
    struct health_poll *p = calloc(1, sizeof *p);

    if (!p || !(p->sources = calloc(h->n_sources + 1, sizeof *p->sources)) ||
        !(p->multi = curl_multi_init()) ||
        !(p->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK))) {
        snprintf(err, errlen, "cannot create the health poller: out of memory");
        health_poll_destroy(p);
        return NULL;
    }
    p->h = h;
    p->sink = *sink;
    for (; p->n < h->n_sources; p->n++)
        if (setup_source(p, p->n, host, proc_root, err, errlen) < 0) {
            p->n++;
            health_poll_destroy(p);
            return NULL;
        }
    curl_multi_setopt(p->multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
    curl_multi_setopt(p->multi, CURLMOPT_SOCKETDATA, p);
    curl_multi_setopt(p->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
    curl_multi_setopt(p->multi, CURLMOPT_TIMERDATA, p);
    ev_timer_init(&p->curl_timer, curl_timer_cb, 0.0, 0.0);
    p->curl_timer.data = p;
    ev_async_init(&p->quit, quit_cb);
    ev_async_start(p->loop, &p->quit);
    return p;
}

int health_poll_start(struct health_poll *p, char *err, size_t errlen)
{
    sigset_t all, old;
    int rc;

    for (uint32_t i = 0; i < p->n; i++)
        ev_timer_start(p->loop, &p->sources[i].timer);
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rc = pthread_create(&p->thread, NULL, poll_main, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the health poller: %s", strerror(rc));
        return -1;
    }
    p->started = true;
    return 0;
}

void health_poll_destroy(struct health_poll *p)
{
    if (!p)
        return;
    if (p->started) {
        ev_async_send(p->loop, &p->quit);
        pthread_join(p->thread, NULL);
    }
    for (uint32_t i = 0; i < p->n; i++) {
        struct poll_source *s = &p->sources[i];
        if (s->easy && s->busy)
            curl_multi_remove_handle(p->multi, s->easy);
        if (s->easy)
            curl_easy_cleanup(s->easy);
        curl_slist_free_all(s->headers);
        free(s->url);
        strbuf_free(&s->body);
        health_read_free(s->reader);
    }
    if (p->multi)
        curl_multi_cleanup(p->multi);
    if (p->loop)
        ev_loop_destroy(p->loop);
    free(p->sources);
    free(p);
}
