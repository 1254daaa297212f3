/* stats: the collector (see stats.h). Owned by the engine's control thread.
 *
 * Three kinds of state, all of fixed size once the run is warm:
 * - per entry (each endpoint, then Aggregated): cumulative counters and a dense histogram
 *   (Aggregated has its own, fed with every pair), and a dense "window" histogram holding the
 *   latencies of the seconds [floor(now) - 10, floor(now)];
 * - a ring (secring.c) of STATS_DETAIL_SECONDS seconds of per-second detail: per entry the
 *   counts, exact min/max and the latencies as sorted sparse pairs, split into the part
 *   recorded since the last reset (cur: Locust's windows) and before it (old: the charts keep
 *   it). The window histograms are maintained incrementally: a slot's cur pairs are added
 *   when its second enters the window (or when they arrive while it is in) and subtracted
 *   when it leaves;
 * - the published series: one snap_point per second (Aggregated) and one snap_ep_point per
 *   endpoint and second, computed once a second is complete, recomputed when a late interval
 *   changes a second still in the detail ring, frozen once that second leaves the ring.
 * Failure groups sit in a fixed hash table keyed by (endpoint, text, expected). */
#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "locust_stats.h"
#include "secring.h"
#include "stats.h"
#include "stats_internal.h"

#define RING_LEN STATS_DETAIL_SECONDS
#define WINDOW_SECONDS 10            /* current percentiles: [floor(now) - 10, floor(now)] */
#define USERS_AHEAD 64               /* pending stats_set_users calls, by second */
#define GROUP_SLOTS (2 * STATS_MAX_ERROR_GROUPS)
#define N_RANKS (SNAP_PCT_COUNT + 1) /* the median, then snapshot_pcts */

struct entry {
    char method[8];
    char name[SNAP_NAME_MAX];
    uint64_t requests, failures, expected, none_requests, aborted;
    uint64_t total_us, min_us, max_us, total_bytes;
    double first_time, last_time;
    struct hist *cum, *win;
    bool cum_dirty, win_dirty;
    uint64_t cum_values[N_RANKS];    /* cached: median, then the percentiles */
    uint64_t win_values[N_RANKS];
    uint64_t cum_dist[SNAP_DIST_BUCKETS];    /* cached: the distribution buckets */
    struct snap_rt rt;               /* cached: Locust's response_times */
};

struct error_group {
    uint32_t endpoint;
    bool expected;
    uint8_t kind;                    /* enum outcome_kind */
    uint32_t hash;
    uint64_t count;
    double first_seen, last_seen;
    char text[SNAP_TEXT_MAX];
};

struct users_call {
    int64_t second;                  /* INT64_MIN: none */
    uint32_t users;
};

struct stats {
    uint32_t n_ep;                   /* entries[n_ep] is Aggregated */
    uint32_t n_shown;                /* min(n_ep, SNAP_MAX_ENDPOINTS) */
    uint32_t n_named;                /* entries with a name: the others are spares */
    double start_time;
    int64_t run_start;               /* first second of the series */
    size_t mem;
    struct entry *entries;
    struct hist *hists;              /* cum and win of every entry, then scratch */
    struct hist *scratch;            /* one interval's Aggregated latencies */
    struct hist_pair *scratch_pairs; /* [HIST_COUNTS_LEN] */
    struct hist_pair *merge_buf;     /* cur + old pairs of one second */
    size_t merge_cap;
    struct secring *ring;            /* per entry e: part e since the last reset ("cur"), part
                                        n_ep + 1 + e before it ("old": the charts keep it) */
    bool in_win[RING_LEN];           /* a slot's cur parts are in the window histograms */
    bool dirty[RING_LEN];            /* a slot changed after its point was published */
    int64_t mat_next;                /* next second to publish */
    struct snap_point series[SNAP_SERIES_LEN];      /* by second % SNAP_SERIES_LEN */
    bool users_explicit[SNAP_SERIES_LEN];
    int64_t ep_second[SNAP_EP_SERIES_LEN];
    struct snap_ep_point *ep_points; /* [n_shown][SNAP_EP_SERIES_LEN] */
    struct users_call users_at[USERS_AHEAD];
    uint32_t users_carry;
    uint32_t n_groups;
    uint64_t groups_overflow;        /* occurrences of groups that found the table full */
    bool groups_dirty;
    int16_t group_slots[GROUP_SLOTS];
    struct error_group *groups;      /* [STATS_MAX_ERROR_GROUPS] */
    struct error_group **order;      /* groups sorted for snapshots */
    uint32_t n_exceptions;
    struct snap_exception exceptions[SNAP_MAX_EXCEPTIONS];
    uint64_t dropped;                /* requests the workers could not record (interval.dropped) */
};

/* ---- small helpers ---------------------------------------------------------------------- */

static int64_t floor_second(double t)
{
    return (int64_t)floor(t);
}

static size_t modulo(int64_t second, size_t n)
{
    int64_t m = second % (int64_t)n;

    return (size_t)(m < 0 ? m + (int64_t)n : m);
}

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Copy at most n - 1 bytes of src, never cutting a UTF-8 sequence. */
static void copy_text(char *dst, size_t n, const char *src)
{
    size_t len = strnlen(src ? src : "", n - 1);

    if (src && len == n - 1) {
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(dst, src ? src : "", len);
    dst[len] = '\0';
}

static void *mem_calloc(struct stats *s, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (p)
        s->mem += (n ? n : 1) * size;
    return p;
}

/* Rank list for one entry of `total` latencies: the median's, then each percentile's. */
static void summary_ranks(uint64_t total, uint64_t *ranks)
{
    ranks[0] = total ? (total - 1) / 2 : 0;
    for (size_t i = 0; i < SNAP_PCT_COUNT; i++)
        ranks[i + 1] = hist_rank(total, snapshot_pcts[i]);
}

/* ---- per-second parts ------------------------------------------------------------------- */

static struct secring_part *cur_part(const struct stats *s, size_t slot, uint32_t e)
{
    return secring_part(s->ring, slot, e);
}

static struct secring_part *old_part(const struct stats *s, size_t slot, uint32_t e)
{
    return secring_part(s->ring, slot, s->n_ep + 1 + e);
}

/* The whole second of one entry (cur and old) as one sorted pair list. */
struct sec_view {
    uint64_t requests, failures;
    uint64_t latencies, min_us, max_us;
    const struct hist_pair *pairs;
    size_t n_pairs;
};

static const struct hist_pair *merged_pairs(struct stats *s, const struct secring_part *a,
                                            const struct secring_part *b, size_t *n)
{
    size_t i = 0, j = 0, k = 0;

    if (a->n_pairs + b->n_pairs > s->merge_cap) {
        size_t cap = a->n_pairs + b->n_pairs;
        struct hist_pair *np = realloc(s->merge_buf, cap * sizeof *np);

        if (!np) {
            *n = a->n_pairs;             /* out of memory: the current part alone */
            return a->pairs;
        }
        s->mem += (cap - s->merge_cap) * sizeof *np;
        s->merge_buf = np;
        s->merge_cap = cap;
    }
    while (i < a->n_pairs || j < b->n_pairs) {
        if (j == b->n_pairs || (i < a->n_pairs && a->pairs[i].index < b->pairs[j].index))
            s->merge_buf[k++] = a->pairs[i++];
        else if (i == a->n_pairs || b->pairs[j].index < a->pairs[i].index)
            s->merge_buf[k++] = b->pairs[j++];
        else {
            s->merge_buf[k++] = (struct hist_pair){a->pairs[i].index,
                                                   a->pairs[i].count + b->pairs[j].count};
            i++;
            j++;
        }
    }
    *n = k;
    return s->merge_buf;
}

static void view_of(struct stats *s, size_t slot, uint32_t e, struct sec_view *v)
{
    const struct secring_part *c = cur_part(s, slot, e), *o = old_part(s, slot, e);

    v->requests = c->requests + o->requests;
    v->failures = c->failures + o->failures;
    v->latencies = c->latencies + o->latencies;
    v->min_us = c->min_us < o->min_us ? c->min_us : o->min_us;
    v->max_us = c->max_us > o->max_us ? c->max_us : o->max_us;
    if (o->n_pairs == 0) {
        v->pairs = c->pairs;
        v->n_pairs = c->n_pairs;
    } else if (c->n_pairs == 0) {
        v->pairs = o->pairs;
        v->n_pairs = o->n_pairs;
    } else {
        v->pairs = merged_pairs(s, c, o, &v->n_pairs);
    }
}

/* p50, p95, p99 and max of one second. */
static void view_latencies(const struct sec_view *v, uint32_t *p50, uint32_t *p95,
                           uint32_t *p99, uint32_t *max)
{
    uint64_t ranks[3], values[3];

    ranks[0] = hist_rank(v->latencies, 0.50);
    ranks[1] = hist_rank(v->latencies, 0.95);
    ranks[2] = hist_rank(v->latencies, 0.99);
    hist_pairs_values_at_ranks(v->pairs, v->n_pairs, v->latencies, v->min_us, v->max_us, ranks,
                               3, values);
    *p50 = clamp32(values[0]);
    *p95 = clamp32(values[1]);
    *p99 = clamp32(values[2]);
    *max = v->latencies ? clamp32(v->max_us) : 0;
}

/* ---- the published series --------------------------------------------------------------- */

/* Write the counts and latencies of second t (from its slot sl, or zeros when sl < 0) into the
 * series. */
static void point_store(struct stats *s, int64_t t, long sl)
{
    struct snap_point *pt = &s->series[modulo(t, SNAP_SERIES_LEN)];
    size_t ep_col = modulo(t, SNAP_EP_SERIES_LEN);
    struct sec_view v;

    pt->second = t;
    pt->requests = pt->failures = 0;
    pt->p50_us = pt->p95_us = pt->p99_us = pt->max_us = 0;
    s->ep_second[ep_col] = t;
    for (uint32_t e = 0; e < s->n_shown; e++)
        memset(&s->ep_points[e * SNAP_EP_SERIES_LEN + ep_col], 0, sizeof *s->ep_points);
    if (sl < 0)
        return;
    view_of(s, (size_t)sl, s->n_ep, &v);
    pt->requests = clamp32(v.requests);
    pt->failures = clamp32(v.failures);
    view_latencies(&v, &pt->p50_us, &pt->p95_us, &pt->p99_us, &pt->max_us);
    for (uint32_t e = 0; e < s->n_shown; e++) {
        struct snap_ep_point *ep = &s->ep_points[e * SNAP_EP_SERIES_LEN + ep_col];

        if (cur_part(s, (size_t)sl, e)->requests == 0 && old_part(s, (size_t)sl, e)->requests == 0)
            continue;
        view_of(s, (size_t)sl, e, &v);
        ep->requests = clamp32(v.requests);
        ep->failures = clamp32(v.failures);
        view_latencies(&v, &ep->p50_us, &ep->p95_us, &ep->p99_us, &ep->max_us);
    }
}

/* The users of second t when it is published: its own call, or the value carried forward. */
static void point_users(struct stats *s, int64_t t)
{
    const struct users_call *c = &s->users_at[modulo(t, USERS_AHEAD)];
    size_t idx = modulo(t, SNAP_SERIES_LEN);

    s->users_explicit[idx] = c->second == t;
    if (c->second == t)
        s->users_carry = c->users;
    s->series[idx].users = s->users_carry;
}

/* Seconds before t will never be published one by one: carry their newest users call. */
static void users_skip_to(struct stats *s, int64_t t)
{
    int64_t best = INT64_MIN;

    for (size_t i = 0; i < USERS_AHEAD; i++) {
        const struct users_call *c = &s->users_at[i];

        if (c->second >= s->mat_next && c->second < t && c->second > best) {
            best = c->second;
            s->users_carry = c->users;
        }
    }
}

/* Publish every second before `upto` not published yet (at most the newest series length). */
static void series_advance(struct stats *s, int64_t upto)
{
    int64_t t = s->mat_next;

    if (upto <= t)
        return;
    if (upto - t > SNAP_SERIES_LEN) {
        t = upto - SNAP_SERIES_LEN;
        users_skip_to(s, t);
    }
    for (; t < upto; t++) {
        long sl = secring_find(s->ring, t);

        point_store(s, t, sl);
        point_users(s, t);
        if (sl >= 0)
            s->dirty[sl] = false;
    }
    s->mat_next = upto;
}

/* A late interval changed a published second: recompute it if the series still holds it. */
static void point_republish(struct stats *s, size_t sl)
{
    int64_t t = secring_second(s->ring, sl);

    s->dirty[sl] = false;
    if (t < s->run_start || t >= s->mat_next || t < s->mat_next - SNAP_SERIES_LEN)
        return;
    point_store(s, t, (long)sl);
}

void stats_set_users(struct stats *s, int64_t second, uint32_t users)
{
    int64_t t;

    if (second >= s->mat_next) {
        s->users_at[modulo(second, USERS_AHEAD)] = (struct users_call){second, users};
        return;
    }
    if (second < s->run_start || second < s->mat_next - SNAP_SERIES_LEN)
        return;
    s->series[modulo(second, SNAP_SERIES_LEN)].users = users;
    s->users_explicit[modulo(second, SNAP_SERIES_LEN)] = true;
    for (t = second + 1; t < s->mat_next && !s->users_explicit[modulo(t, SNAP_SERIES_LEN)]; t++)
        s->series[modulo(t, SNAP_SERIES_LEN)].users = users;
    if (t == s->mat_next)
        s->users_carry = users;
}

/* ---- the window and the detail ring ----------------------------------------------------- */

/* Add (sign > 0) or remove a slot's cur latencies from every window histogram. */
static void window_apply(struct stats *s, size_t sl, int sign)
{
    for (uint32_t e = 0; e <= s->n_ep; e++) {
        const struct secring_part *p = cur_part(s, sl, e);

        if (p->n_pairs == 0)
            continue;
        if (sign > 0)
            hist_add_pairs(s->entries[e].win, p->pairs, p->n_pairs, p->min_us, p->max_us);
        else
            hist_sub_pairs(s->entries[e].win, p->pairs, p->n_pairs);
        s->entries[e].win_dirty = true;
    }
    s->in_win[sl] = sign > 0;
}

static void window_advance(struct stats *s, int64_t now_second)
{
    for (size_t i = 0; i < RING_LEN; i++) {
        int64_t t = secring_second(s->ring, i);
        bool want = t != INT64_MIN && t >= now_second - WINDOW_SECONDS && t <= now_second;

        if (want != s->in_win[i])
            window_apply(s, i, want ? 1 : -1);
    }
}

/* A slot about to hold another second: publish or republish its point, leave the window. */
static void slot_evict_cb(void *ctx, size_t sl)
{
    struct stats *s = ctx;
    int64_t t = secring_second(s->ring, sl);

    if (t >= s->mat_next)
        series_advance(s, t + 1);
    else if (s->dirty[sl])
        point_republish(s, sl);
    if (s->in_win[sl])
        window_apply(s, sl, -1);
    s->dirty[sl] = false;
}

/* The slot of second t, claimed if needed; -1 when t is older than the detail kept. */
static long slot_for(struct stats *s, int64_t t)
{
    long sl = secring_claim(s->ring, t, slot_evict_cb, s);

    if (sl >= 0 && t < s->mat_next)
        s->dirty[sl] = true;
    return sl;
}

static void slot_add(struct stats *s, size_t sl, uint32_t e,
                     const struct interval_endpoint *ie, const struct hist_pair *pairs, size_t n)
{
    if (secring_add(s->ring, sl, e, ie, pairs, n) < 0 || !s->in_win[sl] || n == 0)
        return;
    hist_add_pairs(s->entries[e].win, pairs, n, ie->min_us, ie->max_us);
    s->entries[e].win_dirty = true;
}

/* ---- merging intervals ------------------------------------------------------------------ */

static void entry_add(struct entry *e, const struct interval_endpoint *ie,
                      const struct interval *iv, const struct hist_pair *pairs, size_t n)
{
    e->requests += ie->requests;
    e->failures += ie->failures;
    e->expected += ie->expected;
    e->none_requests += ie->none_requests;
    e->aborted += ie->aborted;
    e->total_us += ie->total_us;
    e->total_bytes += ie->total_bytes;
    if (ie->requests == 0)
        return;                     /* aborted requests only: no request time to keep */
    if (n > 0) {
        if (ie->min_us < e->min_us)
            e->min_us = ie->min_us;
        if (ie->max_us > e->max_us)
            e->max_us = ie->max_us;
        hist_add_pairs(e->cum, pairs, n, ie->min_us, ie->max_us);
    }
    if (e->first_time == 0 || iv->first_time < e->first_time)
        e->first_time = iv->first_time;
    if (iv->last_time > e->last_time)
        e->last_time = iv->last_time;
    e->cum_dirty = true;
}

/* Aggregated's share of one endpoint: counters summed, extremes widened. */
static void total_add(struct interval_endpoint *t, const struct interval_endpoint *ie)
{
    t->requests += ie->requests;
    t->failures += ie->failures;
    t->expected += ie->expected;
    t->none_requests += ie->none_requests;
    t->aborted += ie->aborted;
    t->total_us += ie->total_us;
    t->total_bytes += ie->total_bytes;
    if (ie->pair_count && ie->min_us < t->min_us)
        t->min_us = ie->min_us;
    if (ie->pair_count && ie->max_us > t->max_us)
        t->max_us = ie->max_us;
}

static bool endpoint_valid(const struct stats *s, const struct interval *iv,
                           const struct interval_endpoint *ie)
{
    bool ok = ie->endpoint < s->n_ep && ie->pair_start <= iv->n_pairs &&
              ie->pair_count <= iv->n_pairs - ie->pair_start;

    assert(ok);
    return ok;
}

/* A transport failure's text groups with those that differ from it only in their numbers. */
static uint32_t group_hash(uint32_t endpoint, bool expected, const char *text, bool transport)
{
    uint32_t h = (2166136261u ^ endpoint) * 16777619u;

    h = (h ^ (expected ? 1u : 0u)) * 16777619u;
    h = interval_text_hash(h, text, strlen(text), transport);
    h ^= h >> 16;
    return h * 0x45d9f3bu;
}

/* The group of (endpoint, text, expected), created if the table has room; NULL when full. */
static struct error_group *group_find(struct stats *s, uint32_t endpoint, bool expected,
                                      uint8_t kind, const char *text)
{
    bool transport = kind == OUTCOME_TRANSPORT;
    uint32_t hash = group_hash(endpoint, expected, text, transport);
    size_t slot = hash & (GROUP_SLOTS - 1);
    struct error_group *g;

    for (; s->group_slots[slot] >= 0; slot = (slot + 1) & (GROUP_SLOTS - 1)) {
        g = &s->groups[s->group_slots[slot]];
        if (g->hash == hash && g->endpoint == endpoint && g->expected == expected &&
            (g->kind == OUTCOME_TRANSPORT) == transport &&
            interval_text_equal(g->text, strlen(g->text), text, strlen(text), transport))
            return g;
    }
    if (s->n_groups == STATS_MAX_ERROR_GROUPS)
        return NULL;
    g = &s->groups[s->n_groups];
    *g = (struct error_group){.endpoint = endpoint, .expected = expected, .kind = kind,
                              .hash = hash};
    copy_text(g->text, sizeof g->text, text);
    s->group_slots[slot] = (int16_t)s->n_groups++;
    return g;
}

static void merge_error(struct stats *s, const struct interval *iv,
                        const struct interval_error *ie)
{
    char text[SNAP_TEXT_MAX];
    struct error_group *g;

    assert(ie->endpoint < s->n_ep);
    if (ie->endpoint >= s->n_ep || ie->count == 0)
        return;
    interval_outcome_format(ie, text, sizeof text);
    g = group_find(s, ie->endpoint, ie->expected != 0, ie->kind, text);
    s->groups_dirty = true;
    if (!g) {
        s->groups_overflow += ie->count;
        return;
    }
    if (g->count == 0 || iv->first_time < g->first_seen)
        g->first_seen = iv->first_time;
    if (iv->last_time > g->last_seen)
        g->last_seen = iv->last_time;
    g->count += ie->count;
}

void stats_merge(struct stats *s, const struct interval *iv)
{
    long sl;
    struct interval_endpoint total = {.min_us = UINT64_MAX};
    size_t n;

    s->dropped += iv->dropped;
    if (iv->n_endpoints == 0 && iv->n_errors == 0)
        return;                          /* only a count of lost requests: no second to touch */
    sl = slot_for(s, iv->second);

    for (uint32_t i = 0; i < iv->n_endpoints; i++) {
        const struct interval_endpoint *ie = &iv->endpoints[i];
        const struct hist_pair *pairs = iv->pairs + ie->pair_start;

        if (!endpoint_valid(s, iv, ie))
            continue;
        entry_add(&s->entries[ie->endpoint], ie, iv, pairs, ie->pair_count);
        hist_add_pairs(s->scratch, pairs, ie->pair_count, ie->min_us, ie->max_us);
        total_add(&total, ie);
        if (sl >= 0)
            slot_add(s, (size_t)sl, ie->endpoint, ie, pairs, ie->pair_count);
    }
    n = hist_drain_pairs(s->scratch, s->scratch_pairs, HIST_COUNTS_LEN);
    hist_reset(s->scratch);
    if (total.requests > 0 || total.aborted > 0) {
        entry_add(&s->entries[s->n_ep], &total, iv, s->scratch_pairs, n);
        if (sl >= 0)
            slot_add(s, (size_t)sl, s->n_ep, &total, s->scratch_pairs, n);
    }
    for (uint32_t i = 0; i < iv->n_errors; i++)
        merge_error(s, iv, &iv->errors[i]);
}

void stats_exception(struct stats *s, const char *message, const char *where)
{
    char m[SNAP_TEXT_MAX], w[SNAP_TEXT_MAX];
    struct snap_exception *x;

    copy_text(m, sizeof m, message);
    copy_text(w, sizeof w, where);
    for (uint32_t i = 0; i < s->n_exceptions; i++) {
        x = &s->exceptions[i];
        if (strcmp(x->message, m) == 0 && strcmp(x->where, w) == 0) {
            x->count++;
            return;
        }
    }
    if (s->n_exceptions == SNAP_MAX_EXCEPTIONS)
        return;
    x = &s->exceptions[s->n_exceptions++];
    x->count = 1;
    memcpy(x->message, m, sizeof m);
    memcpy(x->where, w, sizeof w);
}

/* ---- reset ------------------------------------------------------------------------------ */

static void entry_clear(struct entry *e)
{
    e->requests = e->failures = e->expected = e->none_requests = e->aborted = 0;
    e->total_us = e->total_bytes = 0;
    e->min_us = UINT64_MAX;
    e->max_us = 0;
    e->first_time = e->last_time = 0;
    hist_reset(e->cum);
    hist_reset(e->win);
    e->cum_dirty = e->win_dirty = true;
}

void stats_reset(struct stats *s, double now)
{
    for (uint32_t e = 0; e <= s->n_ep; e++)
        entry_clear(&s->entries[e]);
    for (size_t i = 0; i < RING_LEN; i++) {
        if (secring_second(s->ring, i) == INT64_MIN)
            continue;
        for (uint32_t e = 0; e <= s->n_ep; e++)      /* what was recorded joins "before" */
            secring_fold(s->ring, i, e, s->n_ep + 1 + e);
    }
    s->n_groups = 0;
    s->groups_overflow = 0;
    s->groups_dirty = true;
    memset(s->group_slots, 0xff, sizeof s->group_slots);
    s->n_exceptions = 0;
    s->dropped = 0;
    s->start_time = now;
}

/* ---- filling a snapshot ----------------------------------------------------------------- */

/* Locust's current_rps / current_fail_per_sec: the mean over whole seconds [start, L-3], L the
 * global last request second, start = max(L - 12, floor(start_time)); and the last second. */
static void entry_rates(struct stats *s, uint32_t idx, int64_t now_second, struct snap_stats *o)
{
    const struct entry *total = &s->entries[s->n_ep];
    long sl;
    int64_t last, start, n;
    uint64_t requests = 0, failures = 0;

    sl = secring_find(s->ring, now_second - 1);
    o->last_second_rps = sl >= 0 ? (double)cur_part(s, (size_t)sl, idx)->requests : 0;
    if (total->requests == 0 || total->last_time <= 0)
        return;
    last = floor_second(total->last_time);
    start = floor_second(s->start_time);
    if (last - 12 > start)
        start = last - 12;
    for (int64_t t = start; t <= last - 3; t++) {
        sl = secring_find(s->ring, t);
        if (sl >= 0) {
            requests += cur_part(s, (size_t)sl, idx)->requests;
            failures += cur_part(s, (size_t)sl, idx)->failures;
        }
    }
    n = last - 2 - start;
    o->current_rps = (double)requests / (double)(n > 1 ? n : 1);
    o->current_fps = (double)failures / (double)(n > 1 ? n : 1);
}

static void window_extremes(const struct stats *s, uint32_t idx, struct hist *win)
{
    win->min = UINT64_MAX;
    win->max = 0;
    for (size_t i = 0; i < RING_LEN; i++) {
        const struct secring_part *p = cur_part(s, i, idx);

        if (!s->in_win[i] || p->latencies == 0)
            continue;
        if (p->min_us < win->min)
            win->min = p->min_us;
        if (p->max_us > win->max)
            win->max = p->max_us;
    }
}

/* Counts per distribution bucket (snapshot_dist_bounds_ms) from a cumulative histogram. */
static void fill_dist(const struct hist *h, uint64_t *dist)
{
    uint64_t below_prev = 0;

    for (int b = 0; b < SNAP_DIST_BUCKETS - 1; b++) {
        uint64_t below = hist_count_below(h, (uint64_t)snapshot_dist_bounds_ms[b] * 1000);
        dist[b] = below - below_prev;
        below_prev = below;
    }
    dist[SNAP_DIST_BUCKETS - 1] = h->total - below_prev;
}

/* Locust's response_times of a cumulative histogram (snapshot.h: struct snap_rt). */
static void fill_rt(const struct hist *h, struct snap_rt *rt)
{
    rt->n = 0;
    for (int32_t i = hist_next_nonzero(h, 0); i >= 0; i = hist_next_nonzero(h, i + 1)) {
        uint32_t ms = (uint32_t)locust_stats_hist_key(i, NULL);

        if (rt->n == 0 || (rt->ms[rt->n - 1] != ms && rt->n < SNAP_RT_KEYS)) {
            rt->ms[rt->n] = ms;
            rt->count[rt->n++] = h->counts[i];
        } else {                         /* the same key, or the slowest ones past the cap */
            rt->ms[rt->n - 1] = ms;
            rt->count[rt->n - 1] += h->counts[i];
        }
    }
}

static void entry_percentiles(struct stats *s, uint32_t idx, struct snap_stats *o)
{
    struct entry *e = &s->entries[idx];
    uint64_t ranks[N_RANKS];

    if (e->cum_dirty) {
        summary_ranks(e->cum->total, ranks);
        hist_values_at_ranks(e->cum, ranks, N_RANKS, e->cum_values);
        fill_dist(e->cum, e->cum_dist);
        fill_rt(e->cum, &e->rt);
        e->cum_dirty = false;
    }
    if (e->win_dirty) {
        window_extremes(s, idx, e->win);
        summary_ranks(e->win->total, ranks);
        hist_values_at_ranks(e->win, ranks, N_RANKS, e->win_values);
        e->win_dirty = false;
    }
    memcpy(o->dist, e->cum_dist, sizeof o->dist);
    o->median_us = e->cum_values[0];
    memcpy(o->pct_us, e->cum_values + 1, sizeof o->pct_us);
    o->cur_count = e->win->total;
    o->cur_median_us = e->win_values[0];
    memcpy(o->cur_pct_us, e->win_values + 1, sizeof o->cur_pct_us);
}

static void entry_fill(struct stats *s, uint32_t idx, int64_t now_second, struct snap_stats *o)
{
    const struct entry *e = &s->entries[idx];
    double span = s->entries[s->n_ep].last_time - s->start_time;

    memset(o, 0, sizeof *o);
    memcpy(o->method, e->method, sizeof o->method);
    memcpy(o->name, e->name, sizeof o->name);
    o->requests = e->requests;
    o->failures = e->failures;
    o->expected = e->expected;
    o->none_requests = e->none_requests;
    o->aborted = e->aborted;
    o->total_us = e->total_us;
    o->min_us = e->min_us == UINT64_MAX ? 0 : e->min_us;
    o->max_us = e->max_us;
    o->total_bytes = e->total_bytes;
    if (s->entries[s->n_ep].last_time > 0 && span > 0) {
        o->total_rps = (double)e->requests / span;
        o->total_fps = (double)e->failures / span;
    }
    entry_rates(s, idx, now_second, o);
    entry_percentiles(s, idx, o);
    o->first_request_time = e->first_time;
    o->last_request_time = e->last_time;
}

static int group_cmp(const void *a, const void *b)
{
    const struct error_group *x = *(struct error_group *const *)a;
    const struct error_group *y = *(struct error_group *const *)b;
    int c;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->endpoint != y->endpoint)
        return x->endpoint < y->endpoint ? -1 : 1;
    c = strcmp(x->text, y->text);
    if (c != 0)
        return c;
    return (int)x->expected - (int)y->expected;
}

static void fill_errors(struct stats *s, struct snapshot *out)
{
    uint32_t n = 0;

    if (s->groups_dirty) {
        for (uint32_t i = 0; i < s->n_groups; i++)
            s->order[i] = &s->groups[i];
        qsort(s->order, s->n_groups, sizeof *s->order, group_cmp);
        s->groups_dirty = false;
    }
    out->errors_dropped = s->groups_overflow;
    for (uint32_t i = 0; i < s->n_groups; i++) {
        const struct error_group *g = s->order[i];
        struct snap_error *o = &out->errors[n];

        if (n == SNAP_MAX_ERRORS || g->endpoint >= s->n_shown) {
            out->errors_dropped += g->count;
            continue;
        }
        o->endpoint = g->endpoint;
        o->expected = g->expected;
        o->kind = g->kind;
        memcpy(o->text, g->text, sizeof o->text);
        o->count = g->count;
        o->first_seen = g->first_seen;
        o->last_seen = g->last_seen;
        n++;
    }
    out->n_errors = n;
    out->n_exceptions = s->n_exceptions;
    memcpy(out->exceptions, s->exceptions, s->n_exceptions * sizeof *s->exceptions);
}

static void fill_series(struct stats *s, int64_t now_second, struct snapshot *out)
{
    int64_t last = now_second - 1, n = last - s->run_start + 1, n_ep;

    if (n < 0)
        n = 0;
    if (n > SNAP_SERIES_LEN)
        n = SNAP_SERIES_LEN;
    n_ep = n < SNAP_EP_SERIES_LEN ? n : SNAP_EP_SERIES_LEN;
    out->n_points = (uint32_t)n;
    out->n_ep_points = (uint32_t)n_ep;
    for (int64_t j = 0; j < n; j++) {
        int64_t t = last - n + 1 + j;
        const struct snap_point *pt = &s->series[modulo(t, SNAP_SERIES_LEN)];

        out->series[j] = pt->second == t ? *pt : (struct snap_point){.second = t};
    }
    for (int64_t j = 0; j < n_ep; j++) {
        int64_t t = last - n_ep + 1 + j;
        size_t col = modulo(t, SNAP_EP_SERIES_LEN);
        bool ok = s->ep_second[col] == t;

        for (uint32_t e = 0; e < s->n_shown; e++) {
            out->ep_series[e][j] = ok ? s->ep_points[e * SNAP_EP_SERIES_LEN + col]
                                      : (struct snap_ep_point){0};
        }
    }
}

void stats_fill(struct stats *s, double now, struct snapshot *out)
{
    int64_t now_second = floor_second(now);

    window_advance(s, now_second);
    series_advance(s, now_second);
    for (size_t i = 0; i < RING_LEN; i++) {
        if (s->dirty[i] && secring_second(s->ring, i) < s->mat_next)
            point_republish(s, i);
    }
    out->start_time = s->start_time;
    out->n_endpoints = s->n_named < s->n_shown ? s->n_named : s->n_shown;
    for (uint32_t i = 0; i < out->n_endpoints; i++) {
        const struct snap_rt *rt = &s->entries[i].rt;

        entry_fill(s, i, now_second, &out->endpoints[i]);
        out->rt[i].n = rt->n;
        memcpy(out->rt[i].ms, rt->ms, rt->n * sizeof rt->ms[0]);
        memcpy(out->rt[i].count, rt->count, rt->n * sizeof rt->count[0]);
    }
    entry_fill(s, s->n_ep, now_second, &out->total);
    fill_errors(s, out);
    fill_series(s, now_second, out);
    out->requests_dropped = s->dropped;
}

size_t stats_memory(const struct stats *s)
{
    return s->mem + secring_memory(s->ring);
}

/* ---- creation --------------------------------------------------------------------------- */

static void entry_init(struct entry *e, struct hist *cum, struct hist *win, const char *method,
                       const char *name)
{
    copy_text(e->method, sizeof e->method, method);
    copy_text(e->name, sizeof e->name, name);
    e->cum = cum;
    e->win = win;
    hist_reset(cum);                     /* calloc'd: touches no count page */
    hist_reset(win);
    entry_clear(e);
}

static int stats_alloc(struct stats *s)
{
    uint32_t n = s->n_ep + 1;

    s->entries = mem_calloc(s, n, sizeof *s->entries);
    s->hists = mem_calloc(s, 2 * (size_t)n + 1, sizeof *s->hists);
    s->scratch_pairs = mem_calloc(s, HIST_COUNTS_LEN, sizeof *s->scratch_pairs);
    s->ep_points = mem_calloc(s, (size_t)s->n_shown * SNAP_EP_SERIES_LEN, sizeof *s->ep_points);
    s->groups = mem_calloc(s, STATS_MAX_ERROR_GROUPS, sizeof *s->groups);
    s->order = mem_calloc(s, STATS_MAX_ERROR_GROUPS, sizeof *s->order);
    if (!s->entries || !s->hists || !s->scratch_pairs || !s->ep_points || !s->groups ||
        !s->order)
        return -1;
    s->ring = secring_create(RING_LEN, 2 * (size_t)n);
    return s->ring ? 0 : -1;
}

struct stats *stats_create(uint32_t n_endpoints, const char *const *methods,
                           const char *const *names, double now)
{
    struct stats *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    s->mem = sizeof *s;
    s->n_ep = n_endpoints;
    s->n_shown = n_endpoints < SNAP_MAX_ENDPOINTS ? n_endpoints : SNAP_MAX_ENDPOINTS;
    if (stats_alloc(s) < 0) {
        stats_destroy(s);
        return NULL;
    }
    for (uint32_t e = 0; e < n_endpoints; e++) {
        entry_init(&s->entries[e], &s->hists[2 * e], &s->hists[2 * e + 1],
                   names[e] ? methods[e] : "", names[e] ? names[e] : "");
        if (names[e] && s->n_named == e)
            s->n_named++;
    }
    entry_init(&s->entries[n_endpoints], &s->hists[2 * n_endpoints],
               &s->hists[2 * n_endpoints + 1], "", "Aggregated");
    s->scratch = &s->hists[2 * (size_t)n_endpoints + 2];
    hist_reset(s->scratch);
    for (size_t i = 0; i < SNAP_SERIES_LEN; i++)
        s->series[i].second = INT64_MIN;
    for (size_t i = 0; i < SNAP_EP_SERIES_LEN; i++)
        s->ep_second[i] = INT64_MIN;
    for (size_t i = 0; i < USERS_AHEAD; i++)
        s->users_at[i].second = INT64_MIN;
    memset(s->group_slots, 0xff, sizeof s->group_slots);
    s->start_time = now;
    s->run_start = floor_second(now);
    s->mat_next = s->run_start;
    return s;
}

int stats_name_endpoint(struct stats *s, const char *method, const char *name)
{
    if (s->n_named == s->n_ep)
        return -1;
    copy_text(s->entries[s->n_named].method, sizeof s->entries[0].method, method);
    copy_text(s->entries[s->n_named].name, sizeof s->entries[0].name, name);
    return (int)s->n_named++;
}

void stats_destroy(struct stats *s)
{
    if (!s)
        return;
    secring_destroy(s->ring);
    free(s->entries);
    free(s->hists);
    free(s->scratch_pairs);
    free(s->merge_buf);
    free(s->ep_points);
    free(s->groups);
    free(s->order);
    free(s);
}
