/* locust_json: Locust's --json / --json-file output from a snapshot and the timeline (see
 * locust_json.h). Formatting follows Python's json.dumps(indent=4): four spaces per level,
 * "key": value, empty objects as {}. Main thread. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fileio.h"
#include "locust_json.h"
#include "target/jsonw.h"
#include "timeline.h"
#include "verdict.h"

/* One second's count, for num_reqs_per_sec and num_fail_per_sec. */
struct sec_count {
    int64_t second;
    uint64_t count;
};

struct writer {
    struct strbuf *b;
    int depth;
    bool first;                 /* nothing written yet at this level */
    bool oom;                   /* an append failed: the text is incomplete */
};

static void put(struct writer *w, const char *s, size_t n)
{
    if (strbuf_append(w->b, s, n) < 0)
        w->oom = true;
}

static void puts_(struct writer *w, const char *s)
{
    put(w, s, strlen(s));
}

static void put_u64(struct writer *w, uint64_t v)
{
    if (strbuf_put_u64(w->b, v) < 0)
        w->oom = true;
}

/* jsonw's writers report nothing: a complete write adds at least `least` bytes. */
static void check_grew(struct writer *w, size_t before, size_t least)
{
    if (w->b->len < before + least)
        w->oom = true;
}

static void newline(struct writer *w)
{
    put(w, "\n", 1);
    for (int i = 0; i < w->depth; i++)
        put(w, "    ", 4);
}

/* Before a member or element: the comma after the previous one and the indentation. */
static void item(struct writer *w)
{
    if (!w->first)
        put(w, ",", 1);
    w->first = false;
    newline(w);
}

static void open_(struct writer *w, char ch)
{
    put(w, &ch, 1);
    w->depth++;
    w->first = true;
}

static void close_(struct writer *w, char ch)
{
    w->depth--;
    if (!w->first)
        newline(w);
    put(w, &ch, 1);
    w->first = false;
}

/* A string: valid UTF-8 escaped; a byte that is not valid UTF-8 becomes '?'. */
static void put_str(struct writer *w, const char *s)
{
    size_t n = strlen(s), before = w->b->len;
    char *copy;

    if (jsonw_utf8_valid(s, n)) {
        jsonw_str(w->b, s, n);
    } else if ((copy = strdup(s)) != NULL) {
        for (size_t i = 0; i < n; i++)      /* every byte >= 0x80: '?' (a lossy fallback) */
            if ((unsigned char)copy[i] >= 0x80)
                copy[i] = '?';
        jsonw_str(w->b, copy, n);
        free(copy);
    } else {
        w->oom = true;
    }
    check_grew(w, before, n + 2);
}

static void key(struct writer *w, const char *k)
{
    size_t before;

    item(w);
    before = w->b->len;
    jsonw_key(w->b, k);
    check_grew(w, before, strlen(k) + 4);
}

/* A float as Python writes one: at least one decimal ("17.0", "17.65"); null when not finite. */
static void put_float(struct writer *w, double v, int decimals)
{
    char text[64];
    size_t n;

    if (!isfinite(v)) {
        puts_(w, "null");
        return;
    }
    n = (size_t)snprintf(text, sizeof text, "%.*f", decimals, v);
    while (n > 2 && text[n - 1] == '0' && text[n - 2] != '.')
        n--;
    put(w, text, n);
}

static void member_u64(struct writer *w, const char *k, uint64_t v)
{
    key(w, k);
    put_u64(w, v);
}

static void member_ms(struct writer *w, const char *k, uint64_t us)
{
    key(w, k);
    put_float(w, (double)us / 1000.0, 3);
}

static void member_time(struct writer *w, const char *k, double t)
{
    key(w, k);
    if (t > 0)
        put_float(w, t, 6);
    else
        puts_(w, "null");
}

static void member_str(struct writer *w, const char *k, const char *v)
{
    key(w, k);
    put_str(w, v);
}

static void member_bool(struct writer *w, const char *k, bool v)
{
    key(w, k);
    puts_(w, v ? "true" : "false");
}

/* "key": {"<number>": count, ...} */
static void member_counts(struct writer *w, const char *k, const struct sec_count *v, size_t n)
{
    char num[32];

    key(w, k);
    open_(w, '{');
    for (size_t i = 0; i < n; i++) {
        snprintf(num, sizeof num, "%lld", (long long)v[i].second);
        key(w, num);
        put_u64(w, v[i].count);
    }
    close_(w, '}');
}

/* ---- per-second counts ---------------------------------------------------------------- */

/* Endpoint ep's requests (or failures) per second since the statistics started, from the
 * timeline; what no complete second holds (the run's last second) goes to the second of the
 * last request. Returns a malloc'ed array (NULL when empty or out of memory) and its length. */
static struct sec_count *per_second(const struct snapshot *s, const struct timeline *t,
                                    uint32_t ep, bool failures, size_t *n)
{
    const struct snap_stats *st = &s->endpoints[ep];
    size_t np = 0, k = 0;
    const struct snap_point *pts = t ? timeline_points(t, &np) : NULL;
    struct sec_count *v = calloc(np + 1, sizeof *v);
    int64_t from = (int64_t)floor(s->start_time), last = (int64_t)floor(st->last_request_time);
    uint64_t total = failures ? st->failures : st->requests, sum = 0;

    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < np; i++) {
        struct timeline_count c;
        uint64_t cnt;

        if (pts[i].second < from || timeline_endpoint_count(t, i, ep, &c) < 0)
            continue;
        cnt = failures ? c.failures : c.requests;
        if (cnt > 0 && sum + cnt <= total) {
            v[k++] = (struct sec_count){pts[i].second, cnt};
            sum += cnt;
        }
    }
    if (sum < total && st->last_request_time > 0) {
        if (k > 0 && v[k - 1].second == last)
            v[k - 1].count += total - sum;
        else if (k == 0 || v[k - 1].second < last)
            v[k++] = (struct sec_count){last, total - sum};
    }
    *n = k;
    return v;
}

/* ---- one entry ------------------------------------------------------------------------ */

static void member_rt(struct writer *w, const struct snap_rt *rt)
{
    struct sec_count v[SNAP_RT_KEYS];
    uint32_t n = rt->n < SNAP_RT_KEYS ? rt->n : SNAP_RT_KEYS;

    for (uint32_t i = 0; i < n; i++)
        v[i] = (struct sec_count){rt->ms[i], rt->count[i]};
    member_counts(w, "response_times", v, n);
}

static void member_per_sec(struct writer *w, const struct snapshot *s, const struct timeline *t,
                           uint32_t ep, bool failures)
{
    size_t n;
    struct sec_count *v = per_second(s, t, ep, failures, &n);

    member_counts(w, failures ? "num_fail_per_sec" : "num_reqs_per_sec", v, n);
    free(v);
}

/* Locust's fourteen keys of endpoint ep. */
static void locust_members(struct writer *w, const struct snapshot *s, const struct timeline *t,
                           uint32_t ep)
{
    const struct snap_stats *st = &s->endpoints[ep];
    bool timed = st->requests > st->none_requests;
    bool reset = s->start_time > s->run_start;

    member_str(w, "name", st->name);
    member_str(w, "method", st->method);
    member_time(w, "last_request_timestamp", st->last_request_time);
    member_time(w, "start_time", !reset && st->first_request_time > 0 ? st->first_request_time
                                                                       : s->start_time);
    member_u64(w, "num_requests", st->requests);
    member_u64(w, "num_none_requests", st->none_requests);
    member_u64(w, "num_failures", st->failures);
    if (timed) {
        member_ms(w, "total_response_time", st->total_us);
        member_ms(w, "max_response_time", st->max_us);
        member_ms(w, "min_response_time", st->min_us);
    } else {
        member_u64(w, "total_response_time", 0);
        member_u64(w, "max_response_time", 0);
        key(w, "min_response_time");
        puts_(w, "null");
    }
    member_u64(w, "total_content_length", st->total_bytes);
    member_rt(w, &s->rt[ep]);
    member_per_sec(w, s, t, ep, false);
    member_per_sec(w, s, t, ep, true);
}

/* "percentiles": {"50%": ms, ...} and the median, exact to the histogram's 3 digits. */
static void member_percentiles(struct writer *w, const struct snap_stats *st)
{
    member_ms(w, "median_response_time", st->median_us);
    key(w, "percentiles");
    open_(w, '{');
    for (int i = 0; i < SNAP_PCT_COUNT; i++)
        member_ms(w, snapshot_pct_labels[i], st->pct_us[i]);
    close_(w, '}');
}

static void member_errors(struct writer *w, const struct snapshot *s, uint32_t ep)
{
    key(w, "errors");
    open_(w, '[');
    for (uint32_t i = 0; i < s->n_errors && i < SNAP_MAX_ERRORS; i++) {
        if (s->errors[i].endpoint != ep)
            continue;
        item(w);
        open_(w, '{');
        member_str(w, "error", s->errors[i].text);
        member_u64(w, "occurrences", s->errors[i].count);
        member_bool(w, "expected", s->errors[i].expected);
        close_(w, '}');
    }
    close_(w, ']');
}

static void put_bound(struct writer *w, const char *k, double v)
{
    key(w, k);
    put_float(w, v, 6);
}

static void target_object(struct writer *w, const struct snap_target *t, bool final)
{
    item(w);
    open_(w, '{');
    member_str(w, "target", t->text);
    member_str(w, "endpoint", t->endpoint);
    member_str(w, "window", t->window);
    key(w, "value");
    put_float(w, t->has_data ? t->value : NAN, 6);
    put_bound(w, "lo", t->lo);
    put_bound(w, "hi", t->hi);
    member_str(w, "status", verdict_status_word(t->status, final));
    member_str(w, "detail", t->detail);
    member_bool(w, "abort_on_fail", t->abort_on_fail);
    close_(w, '}');
}

/* The targets judged on `endpoint` ("" for the whole run). */
static void member_targets(struct writer *w, const struct snapshot *s, const char *endpoint)
{
    key(w, "targets");
    open_(w, '[');
    for (uint32_t i = 0; i < s->n_targets && i < SNAP_MAX_TARGETS; i++)
        if (strcmp(s->targets[i].endpoint, endpoint) == 0)
            target_object(w, &s->targets[i], s->finished);
    close_(w, ']');
}

static void hornet_member(struct writer *w, const struct snapshot *s, uint32_t ep)
{
    const struct snap_stats *st = &s->endpoints[ep];
    char label[SNAP_NAME_MAX + 16];

    snprintf(label, sizeof label, "%s %s", st->method, st->name);
    key(w, "hornet");
    open_(w, '{');
    member_u64(w, "expected", st->expected);
    member_percentiles(w, st);
    member_errors(w, s, ep);
    member_targets(w, s, label);
    close_(w, '}');
}

static void put_number(struct writer *w, const char *k, double v)
{
    key(w, k);
    put_float(w, v, 6);
}

/* The backend's health: each source's state, each metric's newest value (in its unit), range
 * and limit. */
static void member_health(struct writer *w, const struct snapshot *s)
{
    const struct snap_health *h = &s->health;
    static const char *const states[] = {"waiting", "up", "down"};

    key(w, "health");
    open_(w, '[');
    for (uint32_t i = 0; i < h->n_metrics && i < SNAP_HEALTH_METRICS; i++) {
        const struct snap_health_metric *m = &h->metrics[i];
        const struct snap_health_source *o = &h->sources[m->source % SNAP_HEALTH_SOURCES];

        item(w);
        open_(w, '{');
        member_str(w, "source", o->name);
        member_str(w, "source_state", states[o->state % 3]);
        member_str(w, "source_error", o->state == HEALTH_DOWN ? o->error : "");
        member_str(w, "metric", m->name);
        member_str(w, "unit", m->unit);
        put_number(w, "value", m->has_value ? m->value : NAN);
        put_number(w, "min", m->samples ? m->min : NAN);
        put_number(w, "max", m->samples ? m->max : NAN);
        member_u64(w, "samples", m->samples);
        member_str(w, "limit", m->has_limit ? m->limit : "");
        member_str(w, "status", m->has_limit ? verdict_status_word(m->status, s->finished) : "");
        member_str(w, "detail", m->has_limit ? m->detail : "");
        member_bool(w, "abort_on_fail", m->abort_on_fail);
        close_(w, '}');
    }
    close_(w, ']');
}

static void hornet_run_member(struct writer *w, const struct snapshot *s)
{
    struct verdict v;

    verdict_of(s, &v);
    key(w, "hornet_run");
    open_(w, '{');
    member_str(w, "scenario", s->scenario);
    member_str(w, "host", s->host);
    member_time(w, "run_start", s->run_start);
    member_time(w, "end_time", s->end_time);
    member_bool(w, "passed", verdict_passed(s));
    member_str(w, "verdict", v.kind == VERDICT_NONE ? "" : verdict_word(v.kind));
    member_bool(w, "aborted", s->aborted);
    member_str(w, "abort_reason", s->aborted ? s->abort_reason : "");
    member_str(w, "fatal", s->fatal);
    member_u64(w, "requests_not_recorded", s->requests_dropped);
    key(w, "aggregated");
    open_(w, '{');
    member_u64(w, "num_requests", s->total.requests);
    member_u64(w, "num_failures", s->total.failures);
    member_u64(w, "expected", s->total.expected);
    member_percentiles(w, &s->total);
    close_(w, '}');
    member_targets(w, s, "");
    member_health(w, s);
    close_(w, '}');
}

/* ---- the array ------------------------------------------------------------------------ */

static const struct snapshot *sort_snap;

/* Locust's order: the entries dict keeps them as they first saw a request. */
static int first_request_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    double tx = sort_snap->endpoints[x].first_request_time;
    double ty = sort_snap->endpoints[y].first_request_time;

    if (tx != ty)
        return tx < ty ? -1 : 1;
    return x < y ? -1 : x > y;
}

int locust_json_render(const struct snapshot *s, const struct timeline *t, struct strbuf *out)
{
    struct writer w = {.b = out, .first = true};
    uint32_t order[SNAP_MAX_ENDPOINTS], n = 0;

    for (uint32_t i = 0; i < s->n_endpoints && i < SNAP_MAX_ENDPOINTS; i++)
        if (s->endpoints[i].requests > 0 || s->endpoints[i].failures > 0)
            order[n++] = i;
    sort_snap = s;
    qsort(order, n, sizeof order[0], first_request_cmp);
    open_(&w, '[');
    for (uint32_t i = 0; i < n; i++) {
        item(&w);
        open_(&w, '{');
        locust_members(&w, s, t, order[i]);
        hornet_member(&w, s, order[i]);
        hornet_run_member(&w, s);
        close_(&w, '}');
    }
    close_(&w, ']');
    put(&w, "\n", 1);
    return w.oom ? -1 : 0;
}

int locust_json_write_file(const struct snapshot *s, const struct timeline *t,
                           const char *prefix, char *err, size_t errlen)
{
    struct strbuf b = {0};
    size_t len = strlen(prefix) + sizeof ".json";
    char *path = malloc(len);
    int rc = -1;

    if (!path || locust_json_render(s, t, &b) < 0) {
        snprintf(err, errlen, "cannot write %s.json: out of memory", prefix);
    } else {
        snprintf(path, len, "%s.json", prefix);
        rc = fileio_write_atomic(path, b.data, b.len, err, errlen);
    }
    free(path);
    strbuf_free(&b);
    return rc;
}
