/* hist: an HDR-style log-linear histogram of latencies in microseconds (see hist.h).
 *
 * Index layout: values below 2048 us have one bucket each (index = value). Above, the value's
 * power of two b (2048 << (b-1) <= v < 2048 << b) selects a half-bucket of 1024 linear
 * sub-buckets 2^b wide: index = b * 1024 + (v >> b). The index is found with one
 * count-leading-zeros. An occupancy bitmap and per-64-bucket sums, kept with the counts, let
 * drains, merges and resets visit only non-zero buckets and percentile searches skip whole
 * blocks, so no operation costs the width of the touched range.
 *
 * Plain memory owned by one thread (a worker's recorder, or the collector); nothing locks. */
#include <assert.h>
#include <string.h>
#include "hist.h"
#include "hist_internal.h"

#define EMPTY_LO ((int32_t)HIST_COUNTS_LEN)
#define EMPTY_HI ((int32_t)-1)
#define BLOCK_MASK ((1 << HIST_BLOCK_BITS) - 1)
#define BLOCK_OF(index) ((uint32_t)(index) >> HIST_BLOCK_BITS)

_Static_assert(HIST_COUNTS_LEN % (1 << HIST_BLOCK_BITS) == 0, "whole blocks");
_Static_assert(1 << HIST_BLOCK_BITS == 64, "a block is one bitmap word");

static int32_t first_index(uint32_t block, uint64_t bits)
{
    return (int32_t)((block << HIST_BLOCK_BITS) + (uint32_t)__builtin_ctzll(bits));
}

static int32_t last_index(uint32_t block, uint64_t bits)
{
    return (int32_t)((block << HIST_BLOCK_BITS) + 63u - (uint32_t)__builtin_clzll(bits));
}

static int bucket_of_index(int32_t index)
{
    return index < HIST_SUB_BUCKET_COUNT ? 0 : (index >> (HIST_SUB_BUCKET_BITS - 1)) - 1;
}

int32_t hist_index_of(uint64_t value_us)
{
    uint64_t v = value_us < HIST_MAX_TRACKABLE ? value_us : HIST_MAX_TRACKABLE - 1;
    int top_bit = 63 - __builtin_clzll(v | (HIST_SUB_BUCKET_COUNT - 1));
    int bucket = top_bit - (HIST_SUB_BUCKET_BITS - 1);

    return (int32_t)((bucket << (HIST_SUB_BUCKET_BITS - 1)) + (int32_t)(v >> bucket));
}

uint64_t hist_lowest_equivalent(int32_t index)
{
    int bucket;

    assert(index >= 0 && index < HIST_COUNTS_LEN);
    if (index < 0)
        return 0;
    if (index >= HIST_COUNTS_LEN)
        index = HIST_COUNTS_LEN - 1;
    bucket = bucket_of_index(index);
    return (uint64_t)(index - (bucket << (HIST_SUB_BUCKET_BITS - 1))) << bucket;
}

uint64_t hist_highest_equivalent(int32_t index)
{
    if (index < 0)
        index = 0;
    if (index >= HIST_COUNTS_LEN)
        index = HIST_COUNTS_LEN - 1;
    return hist_lowest_equivalent(index) + ((uint64_t)1 << bucket_of_index(index)) - 1;
}

static void set_empty(struct hist *h)
{
    h->total = 0;
    h->min = UINT64_MAX;
    h->max = 0;
    h->lo = EMPTY_LO;
    h->hi = EMPTY_HI;
}

void hist_init(struct hist *h)
{
    memset(h->used, 0, sizeof h->used);
    memset(h->block, 0, sizeof h->block);
    memset(h->counts, 0, sizeof h->counts);
    set_empty(h);
}

void hist_reset(struct hist *h)
{
    int32_t lo = h->lo < 0 ? 0 : h->lo;
    int32_t hi = h->hi >= HIST_COUNTS_LEN ? HIST_COUNTS_LEN - 1 : h->hi;

    for (uint32_t b = BLOCK_OF(lo); lo <= hi && b <= BLOCK_OF(hi); b++) {
        for (uint64_t bits = h->used[b]; bits; bits &= bits - 1)
            h->counts[first_index(b, bits)] = 0;
        h->used[b] = 0;
        h->block[b] = 0;
    }
    set_empty(h);
}

static void touch(struct hist *h, int32_t index)
{
    if (index < h->lo)
        h->lo = index;
    if (index > h->hi)
        h->hi = index;
}

static void bucket_add(struct hist *h, int32_t index, uint64_t n)
{
    h->counts[index] += n;
    h->block[BLOCK_OF(index)] += n;
    h->used[BLOCK_OF(index)] |= (uint64_t)1 << (index & BLOCK_MASK);
    touch(h, index);
}

void hist_record_n(struct hist *h, uint64_t value_us, uint64_t n)
{
    int32_t index;

    if (n == 0)
        return;
    index = hist_index_of(value_us);
    bucket_add(h, index, n);
    h->total += n;
    if (value_us < h->min)
        h->min = value_us;
    if (value_us > h->max)
        h->max = value_us;
}

void hist_record(struct hist *h, uint64_t value_us)
{
    hist_record_n(h, value_us, 1);
}

static void add_extremes(struct hist *h, uint64_t min_us, uint64_t max_us)
{
    if (min_us < h->min)
        h->min = min_us;
    if (max_us > h->max)
        h->max = max_us;
}

void hist_add(struct hist *dst, const struct hist *src)
{
    if (src->total == 0 || src->lo > src->hi)
        return;
    for (uint32_t b = BLOCK_OF(src->lo); b <= BLOCK_OF(src->hi); b++) {
        for (uint64_t bits = src->used[b]; bits; bits &= bits - 1) {
            int32_t i = first_index(b, bits);

            dst->counts[i] += src->counts[i];
        }
        dst->used[b] |= src->used[b];
        dst->block[b] += src->block[b];
    }
    touch(dst, src->lo);
    touch(dst, src->hi);
    dst->total += src->total;
    add_extremes(dst, src->min, src->max);
}

/* What rank `rank` of `total` values, falling in bucket `index`, reports: the bucket's highest
 * equivalent value clamped to [min, max]; the last rank reports max itself, which keeps p100
 * exact even for values beyond the trackable range (they all share the top bucket). */
static uint64_t reported_value(int32_t index, uint64_t rank, uint64_t total, uint64_t min_us,
                               uint64_t max_us)
{
    uint64_t v;

    if (rank + 1 >= total)
        return max_us;
    v = hist_highest_equivalent(index);
    if (v > max_us)
        v = max_us;
    return v < min_us ? min_us : v;
}

void hist_values_at_ranks(const struct hist *h, const uint64_t *ranks, size_t n, uint64_t *out)
{
    size_t j = 0;
    uint64_t seen = 0;

    if (h->total == 0 || h->lo > h->hi) {
        memset(out, 0, n * sizeof *out);
        return;
    }
    for (uint32_t b = BLOCK_OF(h->lo); b <= BLOCK_OF(h->hi) && j < n; b++) {
        if (seen + h->block[b] <= ranks[j]) {       /* no rank asked falls in this block */
            seen += h->block[b];
            continue;
        }
        for (uint64_t bits = h->used[b]; bits && j < n; bits &= bits - 1) {
            int32_t i = first_index(b, bits);

            seen += h->counts[i];
            for (; j < n && ranks[j] < seen; j++)
                out[j] = reported_value(i, ranks[j], h->total, h->min, h->max);
        }
    }
    for (; j < n; j++)
        out[j] = h->max;
}

void hist_pairs_values_at_ranks(const struct hist_pair *pairs, size_t n_pairs, uint64_t total,
                                uint64_t min_us, uint64_t max_us, const uint64_t *ranks,
                                size_t n, uint64_t *out)
{
    size_t j = 0;
    uint64_t seen = 0;

    if (total == 0 || n_pairs == 0) {
        memset(out, 0, n * sizeof *out);
        return;
    }
    for (size_t i = 0; i < n_pairs && j < n; i++) {
        seen += pairs[i].count;
        for (; j < n && ranks[j] < seen; j++)
            out[j] = reported_value((int32_t)pairs[i].index, ranks[j], total, min_us, max_us);
    }
    for (; j < n; j++)
        out[j] = max_us;
}

uint64_t hist_value_at_rank(const struct hist *h, uint64_t rank)
{
    uint64_t v;

    hist_values_at_ranks(h, &rank, 1, &v);
    return v;
}

uint64_t hist_count_below(const struct hist *h, uint64_t value_us)
{
    int32_t limit = hist_index_of(value_us), i = h->lo;
    uint64_t n = 0;

    if (h->total == 0 || limit <= h->lo)
        return 0;
    if (limit > h->hi)
        return h->total;
    while (i < limit && (i & 63) != 0)          /* to a block boundary */
        n += h->counts[i++];
    for (; i + 64 <= limit; i += 64)            /* whole blocks */
        n += h->block[i >> 6];
    for (; i < limit; i++)
        n += h->counts[i];
    return n;
}

uint64_t hist_rank(uint64_t n, double p)
{
    double x;
    uint64_t k;

    if (n == 0 || !(p > 0.0))
        return 0;
    x = (double)n * p;
    k = x >= (double)n ? n : (uint64_t)x;
    return k < n - 1 ? k : n - 1;
}

uint64_t hist_percentile(const struct hist *h, double p)
{
    return hist_value_at_rank(h, hist_rank(h->total, p));
}

void hist_percentiles(const struct hist *h, const double *ps, size_t n, uint64_t *out)
{
    uint64_t ranks[32];

    while (n > 0) {
        size_t chunk = n < 32 ? n : 32;

        for (size_t i = 0; i < chunk; i++)
            ranks[i] = hist_rank(h->total, ps[i]);
        hist_values_at_ranks(h, ranks, chunk, out);
        ps += chunk;
        out += chunk;
        n -= chunk;
    }
}

uint64_t hist_median(const struct hist *h)
{
    return h->total ? hist_value_at_rank(h, (h->total - 1) / 2) : 0;
}

int32_t hist_next_nonzero(const struct hist *h, int32_t from)
{
    uint32_t b;
    uint64_t bits;

    if (from < h->lo)
        from = h->lo;
    if (from > h->hi || from < 0)
        return -1;
    b = BLOCK_OF(from);
    bits = h->used[b] & (~(uint64_t)0 << (from & BLOCK_MASK));
    while (!bits) {
        if (++b > BLOCK_OF(h->hi))
            return -1;
        bits = h->used[b];
    }
    return first_index(b, bits);
}

/* lo and hi after buckets were removed: the first and last non-zero buckets still there. */
static void trim(struct hist *h)
{
    if (h->lo <= h->hi) {
        uint32_t b = BLOCK_OF(h->lo), e = BLOCK_OF(h->hi);

        while (b <= e && h->used[b] == 0)
            b++;
        while (e > b && h->used[e] == 0)
            e--;
        if (b <= e) {
            h->lo = first_index(b, h->used[b]);
            h->hi = last_index(e, h->used[e]);
            return;
        }
    }
    h->lo = EMPTY_LO;
    h->hi = EMPTY_HI;
}

size_t hist_drain_pairs(struct hist *h, struct hist_pair *out, size_t cap)
{
    size_t written = 0;

    if (h->lo > h->hi)
        return 0;
    for (uint32_t b = BLOCK_OF(h->lo); b <= BLOCK_OF(h->hi) && written < cap; b++) {
        while (h->used[b] && written < cap) {
            int32_t i = first_index(b, h->used[b]);
            uint64_t c = h->counts[i] > UINT32_MAX ? UINT32_MAX : h->counts[i];

            out[written++] = (struct hist_pair){(uint32_t)i, (uint32_t)c};
            h->counts[i] -= c;
            h->block[b] -= c;
            if (h->counts[i] == 0)
                h->used[b] &= h->used[b] - 1;
        }
    }
    trim(h);
    return written;
}

void hist_add_pairs(struct hist *h, const struct hist_pair *pairs, size_t n,
                    uint64_t min_us, uint64_t max_us)
{
    uint64_t added = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t index = pairs[i].index;

        assert(index < HIST_COUNTS_LEN);
        if (index >= HIST_COUNTS_LEN || pairs[i].count == 0)
            continue;
        bucket_add(h, (int32_t)index, pairs[i].count);
        added += pairs[i].count;
    }
    if (added == 0)
        return;
    h->total += added;
    add_extremes(h, min_us, max_us);
}

void hist_sub_pairs(struct hist *h, const struct hist_pair *pairs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t index = pairs[i].index, b = BLOCK_OF(index);
        uint64_t c = pairs[i].count;

        assert(index < HIST_COUNTS_LEN && h->counts[index] >= c);
        if (index >= HIST_COUNTS_LEN)
            continue;
        if (c > h->counts[index])
            c = h->counts[index];
        h->counts[index] -= c;
        h->block[b] -= c;
        h->total -= c;
        if (h->counts[index] == 0)
            h->used[b] &= ~((uint64_t)1 << (index & BLOCK_MASK));
    }
    trim(h);
    if (h->lo > h->hi || h->total == 0)
        hist_reset(h);
}
