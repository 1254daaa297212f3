/* recorder: a worker thread's statistics of the current second (see recorder.h).
 *
 * recorder_add is the request hot path: per-endpoint counters and a dense histogram, and for
 * outcomes that are not plain successes a small open-addressing table keyed by (endpoint, kind,
 * code, aux, expected, text), so that no string is ever formatted here. When the second moves
 * on, the table fills, or the worker's publish timer calls recorder_flush, everything leaves as
 * one malloc'd struct interval (pairs drained from the histograms) and the recorder starts over.
 * When that allocation fails, the requests are lost: they are counted, and their count leaves
 * in a small interval of its own (no endpoints) as soon as one can be allocated, so that the
 * collector can say how many requests its numbers miss.
 *
 * Owned by one worker thread; never shared, nothing locks. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "recorder.h"
#include "recorder_internal.h"

#define ERROR_SLOTS 128   /* hash slots: twice RECORDER_MAX_ERRORS, so probing always ends */

struct ep_counts {
    uint32_t requests, failures, expected, none_requests, aborted;
    uint64_t total_us, total_bytes;
};

struct recorder {
    uint32_t n_endpoints;
    int worker;
    recorder_emit_fn emit;
    void *arg;
    uint64_t pending;              /* requests recorded since the last emit */
    uint64_t pending_aborts;       /* aborted requests counted since the last emit */
    int64_t second;                /* their unix second (valid while pending > 0) */
    double first_time, last_time;
    uint64_t dropped;              /* requests lost in all (recorder_dropped) */
    uint64_t unreported;           /* of those, not yet carried by an interval */
    int64_t lost_second;           /* the second and times of the unreported ones */
    double lost_first, lost_last;
    recorder_alloc_fn alloc;       /* malloc, unless a test injects failures */
    void *alloc_arg;
    struct ep_counts *counts;      /* [n_endpoints] */
    struct hist *hists;            /* [n_endpoints], latencies of the pending requests */
    uint32_t n_errors;
    int16_t slots[ERROR_SLOTS];    /* -1 or an index into errors */
    uint32_t hashes[RECORDER_MAX_ERRORS];
    uint16_t text_len[RECORDER_MAX_ERRORS];
    struct interval_error errors[RECORDER_MAX_ERRORS];
};

static void *default_alloc(size_t size, void *arg)
{
    (void)arg;
    return malloc(size);
}

struct recorder *recorder_create(uint32_t n_endpoints, int worker, recorder_emit_fn emit,
                                 void *arg)
{
    struct recorder *r = calloc(1, sizeof *r);
    size_t n = n_endpoints ? n_endpoints : 1;

    if (!r)
        return NULL;
    r->counts = calloc(n, sizeof *r->counts);
    r->hists = calloc(n, sizeof *r->hists);
    if (!r->counts || !r->hists) {
        recorder_destroy(r);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        hist_reset(&r->hists[i]);      /* on calloc'd memory: touches no count page */
    r->n_endpoints = n_endpoints;
    r->worker = worker;
    r->emit = emit;
    r->arg = arg;
    r->alloc = default_alloc;
    memset(r->slots, 0xff, sizeof r->slots);
    return r;
}

void recorder_destroy(struct recorder *r)
{
    if (!r)
        return;
    free(r->counts);
    free(r->hists);
    free(r);
}

uint64_t recorder_dropped(const struct recorder *r)
{
    return r->dropped;
}

void recorder_set_alloc(struct recorder *r, recorder_alloc_fn alloc, void *arg)
{
    r->alloc = alloc ? alloc : default_alloc;
    r->alloc_arg = arg;
}

/* ---- the outcome table ------------------------------------------------------------------ */

static int outcome_has_text(uint8_t kind)
{
    return kind != OUTCOME_HTTP;
}

/* Length kept of a text: at most INTERVAL_TEXT_MAX - 1 bytes, never cutting a UTF-8 sequence. */
static size_t text_length(const char *text)
{
    size_t n = strnlen(text, INTERVAL_TEXT_MAX - 1);

    if (n == INTERVAL_TEXT_MAX - 1) {
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    return n;
}

static uint32_t outcome_hash(uint32_t endpoint, const struct outcome *o, const char *text,
                             size_t len)
{
    uint32_t words[5] = {endpoint, o->kind, o->expected != 0, (uint32_t)o->code,
                         (uint32_t)o->aux};
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < 5; i++)
        h = (h ^ words[i]) * 16777619u;
    h = interval_text_hash(h, text, len, o->kind == OUTCOME_TRANSPORT);
    h ^= h >> 16;
    h *= 0x45d9f3bu;
    return h ^ (h >> 16);
}

static int same_outcome(const struct recorder *r, int idx, uint32_t endpoint,
                        const struct outcome *o, const char *text, size_t len)
{
    const struct interval_error *e = &r->errors[idx];

    return e->endpoint == endpoint && e->kind == o->kind && e->expected == (o->expected != 0) &&
           e->code == o->code && e->aux == o->aux &&
           interval_text_equal(e->text, r->text_len[idx], text, len,
                               o->kind == OUTCOME_TRANSPORT);
}

/* The error index of the outcome, or -1 with *slot set to the free slot where it belongs. */
static int outcome_find(const struct recorder *r, uint32_t endpoint, const struct outcome *o,
                        const char *text, size_t len, uint32_t hash, uint32_t *slot)
{
    uint32_t s = hash & (ERROR_SLOTS - 1);

    for (;;) {
        int idx = r->slots[s];

        if (idx < 0) {
            *slot = s;
            return -1;
        }
        if (r->hashes[idx] == hash && same_outcome(r, idx, endpoint, o, text, len))
            return idx;
        s = (s + 1) & (ERROR_SLOTS - 1);
    }
}

static int outcome_insert(struct recorder *r, uint32_t slot, uint32_t endpoint,
                          const struct outcome *o, const char *text, size_t len, uint32_t hash)
{
    int idx = (int)r->n_errors++;
    struct interval_error *e = &r->errors[idx];

    e->endpoint = endpoint;
    e->kind = o->kind;
    e->expected = o->expected != 0;
    e->code = o->code;
    e->aux = o->aux;
    e->count = 0;
    memcpy(e->text, text, len);
    e->text[len] = '\0';
    r->text_len[idx] = (uint16_t)len;
    r->hashes[idx] = hash;
    r->slots[slot] = (int16_t)idx;
    return idx;
}

/* Count one non-success outcome; a full table first sends the interval on its way. */
static void count_outcome(struct recorder *r, uint32_t endpoint, const struct outcome *o)
{
    const char *text = outcome_has_text(o->kind) && o->text ? o->text : "";
    size_t len = text_length(text);
    uint32_t hash = outcome_hash(endpoint, o, text, len), slot;
    int idx = outcome_find(r, endpoint, o, text, len, hash, &slot);

    if (idx < 0 && r->n_errors == RECORDER_MAX_ERRORS) {
        recorder_flush(r);
        idx = outcome_find(r, endpoint, o, text, len, hash, &slot);
    }
    if (idx < 0)
        idx = outcome_insert(r, slot, endpoint, o, text, len, hash);
    r->errors[idx].count++;
}

/* ---- the hot path ----------------------------------------------------------------------- */

static int64_t second_of(double now)
{
    int64_t s = (int64_t)now;

    return (double)s > now ? s - 1 : s;
}

static void note_time(struct recorder *r, int64_t second, double now)
{
    if (r->pending++ == 0) {
        r->second = second;
        r->first_time = r->last_time = now;
        return;
    }
    if (now < r->first_time)
        r->first_time = now;
    if (now > r->last_time)
        r->last_time = now;
}

void recorder_add(struct recorder *r, uint32_t endpoint, double now, int64_t latency_us,
                  uint64_t bytes, const struct outcome *o)
{
    int64_t second = second_of(now);
    struct ep_counts *c;

    assert(endpoint < r->n_endpoints);
    if (endpoint >= r->n_endpoints)
        return;
    if ((r->pending || r->pending_aborts) && second != r->second)
        recorder_flush(r);
    if (o)
        count_outcome(r, endpoint, o);
    note_time(r, second, now);
    c = &r->counts[endpoint];
    c->requests++;
    c->total_bytes += bytes;
    if (o) {
        if (o->expected)
            c->expected++;
        else
            c->failures++;
    }
    if (latency_us < 0) {
        c->none_requests++;
        return;
    }
    c->total_us += (uint64_t)latency_us;
    hist_record(&r->hists[endpoint], (uint64_t)latency_us);
}

void recorder_abort(struct recorder *r, uint32_t endpoint, double now)
{
    int64_t second = second_of(now);

    assert(endpoint < r->n_endpoints);
    if (endpoint >= r->n_endpoints)
        return;
    if ((r->pending || r->pending_aborts) && second != r->second)
        recorder_flush(r);
    if (r->pending == 0 && r->pending_aborts == 0) {
        r->second = second;             /* times are those of requests: an interval of aborts */
        r->first_time = r->last_time = now;     /* alone carries no request time (stats.h) */
    }
    r->pending_aborts++;
    r->counts[endpoint].aborted++;
}

/* ---- emitting --------------------------------------------------------------------------- */

/* Upper bound of the pairs a histogram drains into. */
static size_t pairs_bound(const struct hist *h)
{
    uint64_t span;

    if (h->total == 0 || h->lo > h->hi)
        return 0;
    span = (uint64_t)(h->hi - h->lo + 1);
    return (size_t)((h->total < span ? h->total : span) + h->total / UINT32_MAX);
}

static void fill_endpoints(struct recorder *r, struct interval *iv, size_t pair_cap)
{
    uint32_t k = 0, used = 0;

    for (uint32_t e = 0; e < r->n_endpoints; e++) {
        const struct ep_counts *c = &r->counts[e];
        struct hist *h = &r->hists[e];
        struct interval_endpoint *ie;

        if (c->requests == 0 && c->aborted == 0)
            continue;
        ie = &iv->endpoints[k++];
        *ie = (struct interval_endpoint){
            .endpoint = e, .requests = c->requests, .failures = c->failures,
            .expected = c->expected, .none_requests = c->none_requests, .aborted = c->aborted,
            .total_us = c->total_us, .min_us = h->total ? h->min : 0,
            .max_us = h->total ? h->max : 0, .total_bytes = c->total_bytes,
            .pair_start = used,
        };
        ie->pair_count = (uint32_t)hist_drain_pairs(h, iv->pairs + used, pair_cap - used);
        used += ie->pair_count;
    }
    iv->n_pairs = used;
}

static struct interval *interval_build(struct recorder *r)
{
    uint32_t n_eps = 0;
    size_t n_pairs = 0;
    struct interval *iv;

    for (uint32_t e = 0; e < r->n_endpoints; e++) {
        if (r->counts[e].requests || r->counts[e].aborted) {
            n_eps++;
            n_pairs += pairs_bound(&r->hists[e]);
        }
    }
    iv = r->alloc(interval_size(n_eps, r->n_errors, n_pairs), r->alloc_arg);
    if (!iv)
        return NULL;
    *iv = (struct interval){
        .second = r->second, .first_time = r->first_time, .last_time = r->last_time,
        .worker = r->worker, .n_endpoints = n_eps, .n_errors = r->n_errors,
    };
    interval_place(iv, n_eps, r->n_errors);
    memcpy(iv->errors, r->errors, r->n_errors * sizeof *iv->errors);
    fill_endpoints(r, iv, n_pairs);
    return iv;
}

/* Forget the pending data (already drained into an interval, or lost). */
static void start_over(struct recorder *r)
{
    for (uint32_t e = 0; e < r->n_endpoints; e++) {
        if (r->counts[e].requests || r->counts[e].aborted) {
            hist_reset(&r->hists[e]);
            memset(&r->counts[e], 0, sizeof r->counts[e]);
        }
    }
    r->pending = 0;
    r->pending_aborts = 0;
    r->n_errors = 0;
    memset(r->slots, 0xff, sizeof r->slots);
}

/* The pending requests could not be recorded: count them as lost, with their times. */
static void note_lost(struct recorder *r)
{
    if (r->unreported == 0) {
        r->lost_second = r->second;
        r->lost_first = r->first_time;
        r->lost_last = r->last_time;
    } else {
        r->lost_second = r->second > r->lost_second ? r->second : r->lost_second;
        r->lost_first = r->first_time < r->lost_first ? r->first_time : r->lost_first;
        r->lost_last = r->last_time > r->lost_last ? r->last_time : r->lost_last;
    }
    r->dropped += r->pending;
    r->unreported += r->pending;
}

/* Send the count of lost requests in an interval of its own (a few dozen bytes, which may be
 * found when a whole interval was not); kept for the next flush when even that fails. */
static void report_lost(struct recorder *r)
{
    struct interval *iv = r->alloc(sizeof *iv, r->alloc_arg);

    if (!iv)
        return;
    *iv = (struct interval){
        .second = r->lost_second, .first_time = r->lost_first, .last_time = r->lost_last,
        .worker = r->worker, .dropped = r->unreported,
    };
    r->unreported = 0;
    r->emit(r->arg, iv);
}

void recorder_flush(struct recorder *r)
{
    if (r->pending || r->pending_aborts) {
        struct interval *iv = interval_build(r);

        if (!iv)
            note_lost(r);
        start_over(r);
        if (iv)
            r->emit(r->arg, iv);
    }
    if (r->unreported)
        report_lost(r);
}
