/* locust_report: hornet's intervals into Locust's stats message (a worker node's report) and a
 * decoded stats payload into intervals (a master's collector); see locust_report.h.
 *
 * A report belongs to the control thread of a worker node; the master-side conversion runs on
 * the master's control thread and keeps nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "locust_report.h"
#include "locust_report_internal.h"
#include "snapshot.h"

struct locust_report {
    uint32_t n_ep;
    const char *const *methods, *const *names;
    struct interval *head, *tail;   /* kept intervals, in arrival order */
    uint64_t pending;               /* their requests */
    double start;                   /* when the report began: the previous message */
    bool *seen;                     /* per endpoint: in an earlier message */
    struct hist *hists;             /* per endpoint, reused (calloc'd: untouched pages) */
};

/* ---- worker side: building one message ---- */

struct secs {                       /* a growing per-second dict, seconds ascending */
    struct locust_per_sec *v;
    size_t n, cap;
};

struct ep_acc {                     /* one endpoint over the kept intervals */
    struct locust_stats_endpoint e;
    double first_time;
    struct secs reqs, fails;
};

struct err_acc {                    /* one Locust error group */
    uint32_t endpoint;
    char text[SNAP_TEXT_MAX];
    uint64_t count;
};

struct build {
    struct locust_report *r;
    struct interval **ivs;          /* kept intervals, by second */
    size_t n_ivs;
    struct ep_acc *eps;
    struct err_acc *errs;
    size_t n_errs, cap_errs;
    struct interval **seconds;      /* one per second (merged, or a kept one as it is) */
    bool *merged;                   /* seconds[i] was allocated here */
    size_t n_seconds;
    struct locust_stats_endpoint *out_eps;
    struct locust_stats_error *out_errs;
};

/* Room in *v (n items of size bytes used, *cap allocated) for one more. -1 when out of
 * memory (*v unchanged). */
static int grow(void *v, size_t *cap, size_t n, size_t size)
{
    void **p = v, *bigger;
    size_t c = *cap ? 2 * *cap : 8;

    if (n < *cap)
        return 0;
    if (!(bigger = realloc(*p, c * size)))
        return -1;
    *p = bigger;
    *cap = c;
    return 0;
}

static int secs_add(struct secs *s, int64_t sec, uint64_t count)
{
    if (count == 0)
        return 0;
    if (s->n > 0 && s->v[s->n - 1].sec == sec) {
        s->v[s->n - 1].count += count;
        return 0;
    }
    if (grow(&s->v, &s->cap, s->n, sizeof *s->v) < 0)
        return -1;
    s->v[s->n++] = (struct locust_per_sec){sec, count};
    return 0;
}

static int cmp_second(const void *a, const void *b)
{
    const struct interval *x = *(struct interval *const *)a, *y = *(struct interval *const *)b;

    return x->second < y->second ? -1 : x->second > y->second;
}

static int add_error(struct build *b, uint32_t endpoint, const char *text, uint64_t count)
{
    for (size_t i = 0; i < b->n_errs; i++) {
        if (b->errs[i].endpoint == endpoint && strcmp(b->errs[i].text, text) == 0) {
            b->errs[i].count += count;
            return 0;
        }
    }
    if (grow(&b->errs, &b->cap_errs, b->n_errs, sizeof *b->errs) < 0)
        return -1;
    b->errs[b->n_errs].endpoint = endpoint;
    snprintf(b->errs[b->n_errs].text, sizeof b->errs[0].text, "%s", text);
    b->errs[b->n_errs++].count = count;
    return 0;
}

/* One interval endpoint into its endpoint's totals, per-second dicts and histogram. */
static int account_endpoint(struct build *b, const struct interval *iv,
                            const struct interval_endpoint *ie)
{
    struct ep_acc *a = &b->eps[ie->endpoint];
    struct locust_stats_endpoint *e = &a->e;
    bool timed = ie->requests > ie->none_requests;

    if (e->requests == 0 || iv->first_time < a->first_time)
        a->first_time = iv->first_time;
    if (iv->last_time > e->last_request_time)
        e->last_request_time = iv->last_time;
    if (timed && (e->requests == e->none_requests || ie->min_us < e->min_us))
        e->min_us = ie->min_us;
    if (timed && ie->max_us > e->max_us)
        e->max_us = ie->max_us;
    e->requests += ie->requests;
    e->failures += ie->failures;
    e->none_requests += ie->none_requests;
    e->total_us += ie->total_us;
    e->content_length += ie->total_bytes;
    hist_add_pairs(&b->r->hists[ie->endpoint], iv->pairs + ie->pair_start, ie->pair_count,
                   ie->min_us, ie->max_us);
    return secs_add(&a->reqs, iv->second, ie->requests) < 0 ||
           secs_add(&a->fails, iv->second, ie->failures) < 0 ? -1 : 0;
}

static int account(struct build *b)
{
    char text[SNAP_TEXT_MAX];

    for (size_t i = 0; i < b->n_ivs; i++) {
        const struct interval *iv = b->ivs[i];

        for (uint32_t k = 0; k < iv->n_endpoints; k++)
            if (iv->endpoints[k].endpoint < b->r->n_ep &&
                account_endpoint(b, iv, &iv->endpoints[k]) < 0)
                return -1;
        for (uint32_t k = 0; k < iv->n_errors; k++) {
            const struct interval_error *e = &iv->errors[k];

            if (e->expected || e->endpoint >= b->r->n_ep)
                continue;                   /* an expected status is a success */
            interval_outcome_format(e, text, sizeof text);
            if (add_error(b, e->endpoint, text, e->count) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- one second from several intervals ---- */

static int cmp_pair(const void *a, const void *b)
{
    const struct hist_pair *x = a, *y = b;

    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sort pairs and add up those of one index (unless the count would not fit). Returns the
 * new count. */
static uint32_t combine_pairs(struct hist_pair *p, uint32_t n)
{
    uint32_t k = 0;

    qsort(p, n, sizeof *p, cmp_pair);
    for (uint32_t i = 0; i < n; i++) {
        if (k > 0 && p[k - 1].index == p[i].index &&
            (uint64_t)p[k - 1].count + p[i].count <= UINT32_MAX)
            p[k - 1].count += p[i].count;
        else
            p[k++] = p[i];
    }
    return k;
}

/* The endpoint's part of ivs[0..n) into e (its pairs appended at out->pairs + *used). */
static void merge_endpoint(struct interval *const *ivs, size_t n, uint32_t ep,
                           struct interval *out, struct interval_endpoint *e)
{
    *e = (struct interval_endpoint){.endpoint = ep, .pair_start = out->n_pairs};
    for (size_t i = 0; i < n; i++) {
        for (uint32_t k = 0; k < ivs[i]->n_endpoints; k++) {
            const struct interval_endpoint *x = &ivs[i]->endpoints[k];

            if (x->endpoint != ep)
                continue;
            if (x->requests > x->none_requests &&
                (e->requests == e->none_requests || x->min_us < e->min_us))
                e->min_us = x->min_us;
            e->max_us = x->max_us > e->max_us ? x->max_us : e->max_us;
            e->requests += x->requests;
            e->failures += x->failures;
            e->expected += x->expected;
            e->none_requests += x->none_requests;
            e->aborted += x->aborted;
            e->total_us += x->total_us;
            e->total_bytes += x->total_bytes;
            memcpy(out->pairs + out->n_pairs, ivs[i]->pairs + x->pair_start,
                   x->pair_count * sizeof *out->pairs);
            out->n_pairs += x->pair_count;
        }
    }
    e->pair_count = combine_pairs(out->pairs + e->pair_start, out->n_pairs - e->pair_start);
    out->n_pairs = e->pair_start + e->pair_count;
}

/* ivs[0..n), all of one second, as one interval; NULL when out of memory. */
static struct interval *merge_second(struct interval *const *ivs, size_t n, uint32_t n_ep)
{
    uint32_t n_eps = 0, n_errs = 0, n_pairs = 0;
    struct interval *out;
    bool *has = calloc(n_ep + 1, sizeof *has);

    if (!has)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        for (uint32_t k = 0; k < ivs[i]->n_endpoints; k++) {
            uint32_t ep = ivs[i]->endpoints[k].endpoint;

            n_eps += ep < n_ep && !has[ep];
            has[ep < n_ep ? ep : n_ep] = true;
        }
        n_errs += ivs[i]->n_errors;
        n_pairs += ivs[i]->n_pairs;
    }
    out = interval_alloc(n_eps, n_errs, n_pairs);
    if (out) {
        *out = (struct interval){.second = ivs[0]->second, .first_time = ivs[0]->first_time,
                                 .last_time = ivs[0]->last_time, .worker = -1,
                                 .endpoints = out->endpoints, .errors = out->errors,
                                 .pairs = out->pairs};
        for (uint32_t ep = 0; ep < n_ep; ep++)
            if (has[ep])
                merge_endpoint(ivs, n, ep, out, &out->endpoints[out->n_endpoints++]);
        for (size_t i = 0; i < n; i++) {
            out->first_time = fmin(out->first_time, ivs[i]->first_time);
            out->last_time = fmax(out->last_time, ivs[i]->last_time);
            out->dropped += ivs[i]->dropped;
            memcpy(out->errors + out->n_errors, ivs[i]->errors,
                   ivs[i]->n_errors * sizeof *out->errors);
            out->n_errors += ivs[i]->n_errors;
        }
    }
    free(has);
    return out;
}

static int make_seconds(struct build *b)
{
    size_t i = 0;

    b->seconds = calloc(b->n_ivs + 1, sizeof *b->seconds);
    b->merged = calloc(b->n_ivs + 1, sizeof *b->merged);
    if (!b->seconds || !b->merged)
        return -1;
    while (i < b->n_ivs) {
        size_t j = i + 1;

        while (j < b->n_ivs && b->ivs[j]->second == b->ivs[i]->second)
            j++;
        if (j - i == 1) {
            b->seconds[b->n_seconds++] = b->ivs[i];
        } else {
            b->merged[b->n_seconds] = true;
            if (!(b->seconds[b->n_seconds++] = merge_second(b->ivs + i, j - i, b->r->n_ep)))
                return -1;
        }
        i = j;
    }
    return 0;
}

/* ---- the message ---- */

static int gather(struct build *b)
{
    struct locust_report *r = b->r;
    size_t n = 0;

    for (struct interval *iv = r->head; iv; iv = iv->next)
        n++;
    b->ivs = calloc(n + 1, sizeof *b->ivs);
    b->eps = calloc(r->n_ep + 1, sizeof *b->eps);
    b->out_eps = calloc(r->n_ep + 1, sizeof *b->out_eps);
    if (!b->ivs || !b->eps || !b->out_eps)
        return -1;
    for (struct interval *iv = r->head; iv; iv = iv->next)
        b->ivs[b->n_ivs++] = iv;
    qsort(b->ivs, b->n_ivs, sizeof *b->ivs, cmp_second);  /* arrival order within a second */
    return account(b) < 0 || make_seconds(b) < 0 ? -1 : 0;
}

static int finish_lists(struct build *b)
{
    struct locust_report *r = b->r;

    for (uint32_t i = 0; i < r->n_ep; i++) {
        struct locust_stats_endpoint *o = &b->out_eps[i];

        *o = b->eps[i].e;
        o->method = r->methods[i];
        o->name = r->names[i];
        o->start_time = r->seen[i] ? r->start : b->eps[i].first_time;
        o->reqs_per_sec = b->eps[i].reqs.v;
        o->n_reqs_per_sec = b->eps[i].reqs.n;
        o->fails_per_sec = b->eps[i].fails.v;
        o->n_fails_per_sec = b->eps[i].fails.n;
        o->hist = o->requests > o->none_requests ? &r->hists[i] : NULL;
    }
    b->out_errs = calloc(b->n_errs + 1, sizeof *b->out_errs);
    if (!b->out_errs)
        return -1;
    for (size_t i = 0; i < b->n_errs; i++)
        b->out_errs[i] = (struct locust_stats_error){
            NULL, r->methods[b->errs[i].endpoint], r->names[b->errs[i].endpoint],
            b->errs[i].text, b->errs[i].count};
    return 0;
}

static void build_free(struct build *b)
{
    for (size_t i = 0; i < b->n_seconds; i++)
        if (b->merged[i])
            interval_free(b->seconds[i]);
    for (uint32_t i = 0; b->eps && i < b->r->n_ep; i++) {
        free(b->eps[i].reqs.v);
        free(b->eps[i].fails.v);
        hist_reset(&b->r->hists[i]);
    }
    free(b->ivs);
    free(b->eps);
    free(b->errs);
    free(b->seconds);
    free(b->merged);
    free(b->out_eps);
    free(b->out_errs);
}

/* Forget the kept intervals; the next report starts at now. */
static void forget(struct locust_report *r, double now)
{
    for (struct interval *iv = r->head, *next; iv; iv = next) {
        next = iv->next;
        interval_free(iv);
    }
    r->head = r->tail = NULL;
    r->pending = 0;
    r->start = now;
}

int locust_report_encode(struct locust_report *r, const struct locust_report_meta *m,
                         double now, void **frame, size_t *len, char *err, size_t errlen)
{
    struct build b = {.r = r};
    struct locust_stats_report rep;
    int rc = -1;

    if (gather(&b) < 0 || finish_lists(&b) < 0) {
        snprintf(err, errlen, "out of memory building a stats report");
        goto out;
    }
    rep = (struct locust_stats_report){
        .endpoints = b.out_eps, .n_endpoints = r->n_ep, .total_start_time = r->start,
        .total_method_nil = m->total_method_nil, .errors = b.out_errs, .n_errors = b.n_errs,
        .classes = m->classes, .n_classes = m->n_classes, .user_count = m->user_count,
        .keys = m->keys, .with_hdr = m->with_hdr,
        .seconds = (const struct interval *const *)b.seconds, .n_seconds = b.n_seconds};
    if ((rc = locust_stats_encode(&rep, m->node_id, frame, len, err, errlen)) < 0)
        goto out;
    for (uint32_t i = 0; i < r->n_ep; i++)
        r->seen[i] = r->seen[i] || b.out_eps[i].requests > 0 || b.out_eps[i].failures > 0;
out:
    build_free(&b);
    if (rc == 0)
        forget(r, now);
    return rc;
}

/* ---- worker side: the report's life ---- */

struct locust_report *locust_report_create(uint32_t n_endpoints, const char *const *methods,
                                           const char *const *names, double now)
{
    struct locust_report *r = calloc(1, sizeof *r);

    if (!r)
        return NULL;
    r->n_ep = n_endpoints;
    r->methods = methods;
    r->names = names;
    r->start = now;
    r->seen = calloc(n_endpoints + 1, sizeof *r->seen);
    r->hists = calloc(n_endpoints + 1, sizeof *r->hists);
    if (!r->seen || !r->hists) {
        locust_report_destroy(r);
        return NULL;
    }
    for (uint32_t i = 0; i < n_endpoints; i++)
        hist_reset(&r->hists[i]);           /* calloc'd: touches no count page */
    return r;
}

void locust_report_destroy(struct locust_report *r)
{
    if (!r)
        return;
    forget(r, 0);
    free(r->seen);
    free(r->hists);
    free(r);
}

void locust_report_add(struct locust_report *r, struct interval *iv)
{
    iv->next = NULL;
    if (r->tail)
        r->tail->next = iv;
    else
        r->head = iv;
    r->tail = iv;
    for (uint32_t i = 0; i < iv->n_endpoints; i++)
        r->pending += iv->endpoints[i].requests;
}

uint64_t locust_report_pending(const struct locust_report *r)
{
    return r->pending;
}

uint64_t locust_report_clear(struct locust_report *r, double now)
{
    uint64_t n = r->pending;

    forget(r, now);
    return n;
}

/* ---- master side ---- */

struct convert {
    const struct locust_stats_payload *p;
    int *map;                       /* per entry: the master's endpoint, -1: none */
    struct interval **out;
    size_t n, cap;
};

static int push(struct convert *c, struct interval *iv)
{
    if (!iv)
        return -1;
    if (grow(&c->out, &c->cap, c->n, sizeof *c->out) < 0) {
        interval_free(iv);
        return -1;
    }
    c->out[c->n++] = iv;
    return 0;
}

/* A hornet worker's second with its endpoints mapped to the master's. */
static struct interval *remap_second(const struct convert *c, const struct interval *in)
{
    struct interval *iv = interval_alloc(in->n_endpoints, in->n_errors, in->n_pairs);

    if (!iv)
        return NULL;
    *iv = (struct interval){.second = in->second, .first_time = in->first_time,
                            .last_time = in->last_time, .worker = -1, .dropped = in->dropped,
                            .endpoints = iv->endpoints, .errors = iv->errors,
                            .pairs = iv->pairs};
    for (uint32_t i = 0; i < in->n_endpoints; i++) {
        const struct interval_endpoint *e = &in->endpoints[i];
        int ep = c->map[e->endpoint];

        if (ep < 0) {
            iv->dropped += e->requests + e->aborted;
            continue;
        }
        iv->endpoints[iv->n_endpoints] = *e;
        iv->endpoints[iv->n_endpoints].endpoint = (uint32_t)ep;
        iv->endpoints[iv->n_endpoints++].pair_start = iv->n_pairs;
        memcpy(iv->pairs + iv->n_pairs, in->pairs + e->pair_start,
               e->pair_count * sizeof *iv->pairs);
        iv->n_pairs += e->pair_count;
    }
    for (uint32_t i = 0; i < in->n_errors; i++) {
        if (c->map[in->errors[i].endpoint] < 0)
            continue;
        iv->errors[iv->n_errors] = in->errors[i];
        iv->errors[iv->n_errors++].endpoint = (uint32_t)c->map[in->errors[i].endpoint];
    }
    return iv;
}

/* The second an entry's latencies, sizes and errors go to: that of its last request. */
static int64_t last_second(const struct locust_stats_entry *e)
{
    if (e->has_last_request)
        return (int64_t)floor(e->last_request_timestamp);
    if (e->n_reqs_per_sec)
        return e->reqs_per_sec[e->n_reqs_per_sec - 1].sec;
    return (int64_t)floor(e->start_time);
}

static uint64_t per_sec_at(const struct locust_per_sec *v, size_t n, int64_t sec)
{
    uint64_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += v[i].sec == sec ? v[i].count : 0;
    return c;
}

static uint64_t per_sec_sum(const struct locust_per_sec *v, size_t n)
{
    uint64_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += v[i].count;
    return c;
}

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static uint64_t ms_to_us(double ms)
{
    double us = ms * 1000.0;

    return us > 0 ? (us >= 1.8e19 ? UINT64_MAX : (uint64_t)(us + 0.5)) : 0;
}

/* Entry e's part of second sec (its last second also gets the latencies, sizes, requests
 * without a time, and what the per-second dicts do not account for). */
static void locust_part(const struct locust_stats_entry *e, int64_t sec, int ep,
                        struct interval *iv)
{
    struct interval_endpoint *o = &iv->endpoints[iv->n_endpoints++];
    bool last = sec == last_second(e);
    uint64_t reqs = per_sec_at(e->reqs_per_sec, e->n_reqs_per_sec, sec);
    uint64_t fails = per_sec_at(e->fails_per_sec, e->n_fails_per_sec, sec);

    *o = (struct interval_endpoint){.endpoint = (uint32_t)ep, .pair_start = iv->n_pairs};
    if (last) {
        uint64_t r_all = per_sec_sum(e->reqs_per_sec, e->n_reqs_per_sec);
        uint64_t f_all = per_sec_sum(e->fails_per_sec, e->n_fails_per_sec);

        reqs += e->num_requests > r_all ? e->num_requests - r_all : 0;
        fails += e->num_failures > f_all ? e->num_failures - f_all : 0;
        o->none_requests = clamp32(e->num_none_requests);
        o->total_us = ms_to_us(e->total_response_time);
        o->min_us = e->has_min ? ms_to_us(e->min_response_time) : 0;
        o->max_us = ms_to_us(e->max_response_time);
        o->total_bytes = e->total_content_length;
        for (size_t k = 0; k < e->n_rt; k++)
            iv->pairs[iv->n_pairs++] = (struct hist_pair){
                (uint32_t)hist_index_of(ms_to_us(e->rt[k].ms)), clamp32(e->rt[k].count)};
        o->pair_count = combine_pairs(iv->pairs + o->pair_start, iv->n_pairs - o->pair_start);
        iv->n_pairs = o->pair_start + o->pair_count;
    }
    o->requests = clamp32(reqs);
    o->failures = clamp32(fails);
}

/* The Locust errors of entries in second sec (errors go with their entry's last second). */
static void locust_errors(const struct convert *c, int64_t sec, struct interval *iv)
{
    const struct locust_stats_payload *p = c->p;

    for (size_t i = 0; i < p->n_errors; i++) {
        const struct locust_stats_error *x = &p->errors[i];

        for (size_t k = 0; k < p->n_entries; k++) {
            const struct locust_stats_entry *e = &p->entries[k];

            if (c->map[k] < 0 || last_second(e) != sec || strcmp(e->name, x->name) != 0 ||
                !(e->method == x->method || (e->method && x->method &&
                                             strcmp(e->method, x->method) == 0)))
                continue;
            iv->errors[iv->n_errors++] = (struct interval_error){
                .endpoint = (uint32_t)c->map[k], .kind = OUTCOME_SCRIPT,
                .count = clamp32(x->occurrences)};
            snprintf(iv->errors[iv->n_errors - 1].text, INTERVAL_TEXT_MAX, "%s",
                     x->error ? x->error : "");
            break;
        }
    }
}

/* Does entry e have a part in second sec? */
static bool has_second(const struct locust_stats_entry *e, int64_t sec)
{
    return sec == last_second(e) || per_sec_at(e->reqs_per_sec, e->n_reqs_per_sec, sec) ||
           per_sec_at(e->fails_per_sec, e->n_fails_per_sec, sec);
}

/* One interval: second sec of a Locust worker's entries. */
static struct interval *locust_second(const struct convert *c, int64_t sec)
{
    const struct locust_stats_payload *p = c->p;
    uint32_t n_eps = 0, n_pairs = 0;
    struct interval *iv;

    for (size_t k = 0; k < p->n_entries; k++) {
        if (c->map[k] >= 0 && has_second(&p->entries[k], sec)) {
            n_eps++;
            n_pairs += sec == last_second(&p->entries[k]) ? (uint32_t)p->entries[k].n_rt : 0;
        }
    }
    iv = interval_alloc(n_eps, (uint32_t)p->n_errors, n_pairs);
    if (!iv)
        return NULL;
    *iv = (struct interval){.second = sec, .first_time = (double)sec, .last_time = (double)sec,
                            .worker = -1, .endpoints = iv->endpoints, .errors = iv->errors,
                            .pairs = iv->pairs};
    for (size_t k = 0; k < p->n_entries; k++) {
        const struct locust_stats_entry *e = &p->entries[k];

        if (c->map[k] < 0 || !has_second(e, sec))
            continue;
        locust_part(e, sec, c->map[k], iv);
        if (e->has_last_request && sec == last_second(e))
            iv->last_time = fmax(iv->last_time, e->last_request_timestamp);
    }
    locust_errors(c, sec, iv);
    return iv;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Every second a Locust worker's entries name, ascending and distinct, into *out. */
static int locust_seconds(const struct convert *c, int64_t **out, size_t *n)
{
    const struct locust_stats_payload *p = c->p;
    size_t cap = 0, k = 0;
    int64_t *v;

    for (size_t i = 0; i < p->n_entries; i++)
        cap += p->entries[i].n_reqs_per_sec + p->entries[i].n_fails_per_sec + 1;
    if (!(v = malloc((cap + 1) * sizeof *v)))
        return -1;
    for (size_t i = 0; i < p->n_entries; i++) {
        const struct locust_stats_entry *e = &p->entries[i];

        if (c->map[i] < 0)
            continue;
        v[k++] = last_second(e);
        for (size_t j = 0; j < e->n_reqs_per_sec; j++)
            v[k++] = e->reqs_per_sec[j].sec;
        for (size_t j = 0; j < e->n_fails_per_sec; j++)
            v[k++] = e->fails_per_sec[j].sec;
    }
    qsort(v, k, sizeof *v, cmp_i64);
    *n = 0;
    for (size_t i = 0; i < k; i++)
        if (*n == 0 || v[*n - 1] != v[i])
            v[(*n)++] = v[i];
    *out = v;
    return 0;
}

/* Requests of entries without an endpoint, as one interval of dropped requests. */
static int unmapped(struct convert *c)
{
    uint64_t lost = 0;
    struct interval *iv;

    for (size_t k = 0; k < c->p->n_entries; k++)
        lost += c->map[k] < 0 ? c->p->entries[k].num_requests : 0;
    if (lost == 0)
        return 0;
    if (!(iv = interval_alloc(0, 0, 0)))
        return -1;
    iv->second = last_second(&c->p->total);
    iv->first_time = iv->last_time = (double)iv->second;
    iv->worker = -1;
    iv->dropped = lost;
    return push(c, iv);
}

static int convert_locust(struct convert *c)
{
    int64_t *secs;
    size_t n;

    if (locust_seconds(c, &secs, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (push(c, locust_second(c, secs[i])) < 0) {
            free(secs);
            return -1;
        }
    free(secs);
    return unmapped(c);
}

int locust_report_intervals(const struct locust_stats_payload *p, locust_report_endpoint_fn fn,
                            void *arg, struct interval ***out, size_t *n)
{
    struct convert c = {.p = p};
    int rc = 0;

    c.map = malloc((p->n_entries + p->n_hdr_endpoints + 1) * sizeof *c.map);
    if (!c.map)
        return -1;
    for (size_t k = 0; k < p->n_entries && !p->has_hdr; k++)
        c.map[k] = fn(arg, p->entries[k].method, p->entries[k].name);
    for (size_t k = 0; k < p->n_hdr_endpoints && p->has_hdr; k++)
        c.map[k] = fn(arg, p->hdr_endpoints[k].method, p->hdr_endpoints[k].name);
    if (p->has_hdr) {
        for (size_t i = 0; i < p->n_seconds && rc == 0; i++)
            rc = push(&c, remap_second(&c, &p->seconds[i]));
    } else {
        rc = convert_locust(&c);
    }
    free(c.map);
    if (rc < 0) {
        for (size_t i = 0; i < c.n; i++)
            interval_free(c.out[i]);
        free(c.out);
        return -1;
    }
    *out = c.out;
    *n = c.n;
    return 0;
}
