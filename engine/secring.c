/* secring: the ring of per-second parts (see secring.h). Control thread only. */
#include "secring.h"

#include <stdlib.h>
#include <string.h>

struct secring {
    size_t len, n_parts;
    size_t mem;
    int64_t newest;                     /* newest second claimed; INT64_MIN: none */
    int64_t *seconds;                   /* [len] */
    struct secring_part *parts;         /* [len * n_parts] */
};

/* ---- parts ---------------------------------------------------------------------------------- */

static void part_clear(struct secring_part *p)
{
    p->requests = p->failures = p->none = p->total_us = 0;
    p->latencies = 0;
    p->min_us = UINT64_MAX;
    p->max_us = 0;
    p->n_pairs = 0;
}

static int reserve(struct secring_part *p, size_t need, size_t *grown)
{
    size_t cap = p->cap ? p->cap : 16;
    struct hist_pair *np;

    if (need <= p->cap)
        return 0;
    while (cap < need)
        cap *= 2;
    if (cap > UINT32_MAX || !(np = realloc(p->pairs, cap * sizeof *np)))
        return -1;
    if (grown)
        *grown += (cap - p->cap) * sizeof *np;
    p->pairs = np;
    p->cap = (uint32_t)cap;
    return 0;
}

/* Merge ascending pairs b into p's (equal indexes add up), in place from the back. */
static int merge_pairs(struct secring_part *p, const struct hist_pair *b, size_t nb,
                       size_t *grown)
{
    size_t na = p->n_pairs, i = na, j = nb, k = na + nb;
    struct hist_pair *a;

    if (nb == 0)
        return 0;
    if (reserve(p, na + nb, grown) < 0)
        return -1;
    a = p->pairs;
    while (j > 0) {
        if (i > 0 && a[i - 1].index > b[j - 1].index) {
            a[--k] = a[--i];
        } else if (i > 0 && a[i - 1].index == b[j - 1].index) {
            a[--k] = (struct hist_pair){b[j - 1].index, a[i - 1].count + b[j - 1].count};
            i--;
            j--;
        } else {
            a[--k] = b[--j];
        }
    }
    if (k > i)
        memmove(a + i, a + k, (na + nb - k) * sizeof *a);
    p->n_pairs = (uint32_t)(i + na + nb - k);
    return 0;
}

static void add_counts(struct secring_part *p, uint64_t requests, uint64_t failures,
                       uint64_t none, uint64_t total_us)
{
    p->requests += requests;
    p->failures += failures;
    p->none += none;
    p->total_us += total_us;
}

static void add_extremes(struct secring_part *p, uint64_t latencies, uint64_t min_us,
                         uint64_t max_us)
{
    p->latencies += latencies;
    if (min_us < p->min_us)
        p->min_us = min_us;
    if (max_us > p->max_us)
        p->max_us = max_us;
}

static int part_add(struct secring_part *p, const struct interval_endpoint *ie,
                    const struct hist_pair *pairs, size_t n, size_t *grown)
{
    uint64_t latencies = 0;

    add_counts(p, ie->requests, ie->failures, ie->none_requests, ie->total_us);
    if (n == 0)
        return 0;
    if (merge_pairs(p, pairs, n, grown) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        latencies += pairs[i].count;
    add_extremes(p, latencies, ie->min_us, ie->max_us);
    return 0;
}

static int part_merge(struct secring_part *dst, const struct secring_part *src, size_t *grown)
{
    add_counts(dst, src->requests, src->failures, src->none, src->total_us);
    if (src->n_pairs == 0)
        return 0;
    if (merge_pairs(dst, src->pairs, src->n_pairs, grown) < 0)
        return -1;
    add_extremes(dst, src->latencies, src->min_us, src->max_us);
    return 0;
}

/* ---- the ring ------------------------------------------------------------------------------- */

struct secring *secring_create(size_t seconds, size_t n_parts)
{
    struct secring *r = calloc(1, sizeof *r);

    if (!r)
        return NULL;
    r->len = seconds ? seconds : 1;
    r->n_parts = n_parts ? n_parts : 1;
    r->seconds = calloc(r->len, sizeof *r->seconds);
    r->parts = calloc(r->len * r->n_parts, sizeof *r->parts);
    if (!r->seconds || !r->parts) {
        secring_destroy(r);
        return NULL;
    }
    r->mem = sizeof *r + r->len * sizeof *r->seconds + r->len * r->n_parts * sizeof *r->parts;
    secring_clear(r);
    return r;
}

void secring_destroy(struct secring *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->parts && i < r->len * r->n_parts; i++)
        free(r->parts[i].pairs);
    free(r->parts);
    free(r->seconds);
    free(r);
}

size_t secring_memory(const struct secring *r)
{
    return r->mem;
}

int64_t secring_second(const struct secring *r, size_t i)
{
    return r->seconds[i];
}

static size_t index_of(const struct secring *r, int64_t t)
{
    int64_t m = t % (int64_t)r->len;

    return (size_t)(m < 0 ? m + (int64_t)r->len : m);
}

long secring_find(const struct secring *r, int64_t t)
{
    size_t i = index_of(r, t);

    return t != INT64_MIN && r->seconds[i] == t ? (long)i : -1;
}

struct secring_part *secring_part(const struct secring *r, size_t i, size_t k)
{
    return &r->parts[i * r->n_parts + k];
}

static void slot_empty(struct secring *r, size_t i)
{
    for (size_t k = 0; k < r->n_parts; k++)
        part_clear(secring_part(r, i, k));
}

long secring_claim(struct secring *r, int64_t t, secring_evict_cb evict_cb, void *ctx)
{
    size_t i;

    if (t == INT64_MIN)
        return -1;
    if (r->newest != INT64_MIN && t < r->newest - (int64_t)(r->len - 1))
        return -1;
    if (r->newest == INT64_MIN || t > r->newest)
        r->newest = t;
    i = index_of(r, t);
    if (r->seconds[i] != t) {
        if (r->seconds[i] != INT64_MIN && evict_cb)
            evict_cb(ctx, i);
        slot_empty(r, i);
        r->seconds[i] = t;
    }
    return (long)i;
}

void secring_clear(struct secring *r)
{
    for (size_t i = 0; i < r->len; i++) {
        r->seconds[i] = INT64_MIN;
        slot_empty(r, i);
    }
    r->newest = INT64_MIN;
}

int secring_add(struct secring *r, size_t i, size_t k, const struct interval_endpoint *ie,
                const struct hist_pair *pairs, size_t n)
{
    return part_add(secring_part(r, i, k), ie, pairs, n, &r->mem);
}

int secring_fold(struct secring *r, size_t i, size_t from, size_t into)
{
    struct secring_part *src = secring_part(r, i, from), *dst = secring_part(r, i, into);
    int rc = 0;

    if (dst->requests == 0 && dst->n_pairs == 0) {
        struct secring_part t = *dst;       /* swap: no copy, and src keeps dst's memory */

        *dst = *src;
        *src = t;
    } else {
        rc = part_merge(dst, src, &r->mem);
    }
    part_clear(src);
    return rc;
}
