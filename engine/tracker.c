/* tracker: steady-state and last-N-seconds statistics of the entries that targets name.
 * Control thread only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "secring.h"
#include "targets.h"
#include "tracker.h"

struct accumulator {
    uint64_t requests, failures, none, total_us;
    struct hist h;
};

struct tracked {
    int32_t endpoint;                   /* -1: Aggregated */
    struct accumulator steady;
};

struct tracker {
    struct tracked *entries;
    uint32_t n_entries;
    struct secring *ring;               /* the last seconds, part i: entries[i] */
    uint32_t ring_len;
    double steady_start;
    double reset_time;
    struct hist scratch;                /* percentiles of a last-N window */
};

static int find(const struct tracker *t, int32_t endpoint)
{
    for (uint32_t i = 0; i < t->n_entries; i++)
        if (t->entries[i].endpoint == endpoint)
            return (int)i;
    return -1;
}

static void add_entry(struct tracker *t, int32_t endpoint)
{
    struct tracked *te;

    if (find(t, endpoint) >= 0)
        return;
    te = &t->entries[t->n_entries];
    te->endpoint = endpoint;
    hist_init(&te->steady.h);
    t->n_entries++;
}

struct tracker *tracker_create(const struct scenario *scn)
{
    struct tracker *t = calloc(1, sizeof *t);
    double longest = 10;

    if (!t || !(t->entries = calloc(scn->n_targets + 1, sizeof *t->entries))) {
        free(t);
        return NULL;
    }
    for (uint32_t i = 0; i < scn->n_targets; i++)
        if (scn->targets[i].window == TARGET_WINDOW_LAST && scn->targets[i].last > longest)
            longest = scn->targets[i].last;
    t->ring_len = (uint32_t)ceil(longest) + 2;
    hist_init(&t->scratch);
    for (uint32_t i = 0; i < scn->n_targets; i++)
        add_entry(t, scn->targets[i].endpoint);
    if (!(t->ring = secring_create(t->ring_len, t->n_entries))) {
        tracker_destroy(t);
        return NULL;
    }
    return t;
}

void tracker_destroy(struct tracker *t)
{
    if (!t)
        return;
    secring_destroy(t->ring);
    free(t->entries);
    free(t);
}

static void steady_add(struct accumulator *a, const struct interval *iv,
                       const struct interval_endpoint *ie)
{
    a->requests += ie->requests;
    a->failures += ie->failures;
    a->none += ie->none_requests;
    a->total_us += ie->total_us;
    if (ie->pair_count)
        hist_add_pairs(&a->h, iv->pairs + ie->pair_start, ie->pair_count, ie->min_us,
                       ie->max_us);
}

/* One interval entry into tracked entry i: its second (unless that second left the ring
 * already, slot < 0) and the steady accumulator. */
static void merge_entry(struct tracker *t, uint32_t i, long slot, const struct interval *iv,
                        const struct interval_endpoint *ie)
{
    if (slot >= 0)
        (void)secring_add(t->ring, (size_t)slot, i, ie, iv->pairs + ie->pair_start,
                          ie->pair_count);
    if (t->steady_start > 0 && iv->last_time >= t->steady_start)
        steady_add(&t->entries[i].steady, iv, ie);
}

void tracker_merge(struct tracker *t, const struct interval *iv)
{
    long slot;

    if (!t)
        return;
    slot = secring_claim(t->ring, iv->second, NULL, NULL);
    for (uint32_t i = 0; i < t->n_entries; i++) {
        const struct tracked *te = &t->entries[i];

        for (uint32_t k = 0; k < iv->n_endpoints; k++)
            if (te->endpoint < 0 || (uint32_t)te->endpoint == iv->endpoints[k].endpoint)
                merge_entry(t, i, slot, iv, &iv->endpoints[k]);
    }
}

void tracker_mark_steady(struct tracker *t, double now)
{
    if (t && t->steady_start == 0)
        t->steady_start = now;
}

void tracker_reset(struct tracker *t, double now)
{
    if (!t)
        return;
    t->reset_time = now;
    if (t->steady_start > 0)
        t->steady_start = now;
    for (uint32_t i = 0; i < t->n_entries; i++) {
        struct accumulator *a = &t->entries[i].steady;
        a->requests = a->failures = a->none = a->total_us = 0;
        hist_reset(&a->h);
    }
    secring_clear(t->ring);
}

/* The latencies of a window as a histogram. */
static bool hist_latency_ms(const void *ctx, bool median, double p, double *ms)
{
    const struct hist *h = ctx;

    *ms = (double)(median ? hist_median(h) : hist_percentile(h, p)) / 1000.0;
    return h->total > 0;
}

/* The last n complete seconds before now, summed into t->scratch. */
static bool sum_last(struct tracker *t, uint32_t entry, double now, double n,
                     struct targets_window *w)
{
    int64_t end = (int64_t)floor(now), start = end - (int64_t)ceil(n);
    int64_t floor_reset = (int64_t)ceil(t->reset_time);

    if (n > t->ring_len - 1)
        start = end - (t->ring_len - 1);
    if (start < floor_reset)
        start = floor_reset;
    hist_reset(&t->scratch);
    *w = (struct targets_window){.latency_ms = hist_latency_ms, .ctx = &t->scratch};
    for (int64_t sec = start; sec < end; sec++) {
        long slot = secring_find(t->ring, sec);
        const struct secring_part *s;

        if (slot < 0)
            continue;
        s = secring_part(t->ring, (size_t)slot, entry);
        w->requests += s->requests;
        w->failures += s->failures;
        w->timed += s->requests - s->none;
        w->total_us += s->total_us;
        if (s->n_pairs)
            hist_add_pairs(&t->scratch, s->pairs, s->n_pairs, s->min_us, s->max_us);
    }
    w->seconds = (double)(end - start);
    return w->seconds >= 1.0;
}

static bool sum_steady(const struct tracker *t, const struct tracked *te, double now,
                       struct targets_window *w)
{
    const struct accumulator *a = &te->steady;

    if (t->steady_start <= 0)
        return false;
    *w = (struct targets_window){
        .requests = a->requests, .failures = a->failures, .timed = a->requests - a->none,
        .total_us = a->total_us, .seconds = now - t->steady_start,
        .latency_ms = hist_latency_ms, .ctx = &a->h,
    };
    return w->seconds >= 1.0;
}

bool tracker_value(struct tracker *t, const struct target_def *def, double now,
                   double last_override, double *value)
{
    struct targets_window w = {0};
    int i = t ? find(t, def->endpoint) : -1;
    bool ok;

    if (i < 0)
        return false;
    if (last_override > 0)
        ok = sum_last(t, (uint32_t)i, now, last_override, &w);
    else if (def->window == TARGET_WINDOW_STEADY)
        ok = sum_steady(t, &t->entries[i], now, &w);
    else
        ok = sum_last(t, (uint32_t)i, now, def->last, &w);
    return ok && targets_metric_value(def, &w, value);
}
