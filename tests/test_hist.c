/* Tests of the log-linear histogram (hist.c): percentiles against exact sorted values on
 * several distributions, merging, draining into pairs and back, and the index arithmetic. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hist.h"
#include "hist_internal.h"
#include "snapshot.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)   /* splitmix64: deterministic, good enough for test data */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rng_unit(void)    /* (0, 1) */
{
    return ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(void)
{
    return sqrt(-2.0 * log(rng_unit())) * cos(6.283185307179586 * rng_unit());
}

static struct hist *hist_new(void)
{
    struct hist *h = malloc(sizeof *h);

    assert_non_null(h);
    hist_init(h);
    return h;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* The bookkeeping beside the counts: bitmap bit set exactly for non-zero buckets, block sums,
 * total, and lo/hi the first and last non-zero buckets. */
static void assert_consistent(const struct hist *h)
{
    uint64_t total = 0;
    int32_t lo = HIST_COUNTS_LEN, hi = -1;

    for (int32_t b = 0; b < HIST_BLOCKS; b++) {
        uint64_t sum = 0;

        for (int32_t k = 0; k < 64; k++) {
            int32_t i = b * 64 + k;
            uint64_t c = h->counts[i];

            assert_int_equal((h->used[b] >> k) & 1, c != 0);
            sum += c;
            if (c && i < lo)
                lo = i;
            if (c)
                hi = i;
        }
        assert_int_equal(h->block[b], sum);
        total += sum;
    }
    assert_int_equal(h->total, total);
    assert_int_equal(h->lo, lo);
    assert_int_equal(h->hi, hi);
}

/* The rule written out independently of hist.c: rank min(N-1, floor(N*p)). */
static uint64_t exact_rank(size_t n, double p)
{
    uint64_t k = (uint64_t)floor((double)n * p);

    return k < n - 1 ? k : n - 1;
}

/* A reported value against the exact one: never below it (the bucket's highest equivalent),
 * above it by at most 1/1024 of it, never outside [min, max]. Exact values beyond the trackable
 * range share the top bucket: there only the bounds hold. */
static void check_value(uint64_t got, uint64_t exact, uint64_t min, uint64_t max)
{
    assert_true(got >= min);
    assert_true(got <= max);
    if (exact >= HIST_MAX_TRACKABLE) {
        assert_true(got >= HIST_MAX_TRACKABLE - 1);
        return;
    }
    assert_true(got >= exact);
    if (got - exact > exact / 1024) {
        fail_msg("value %llu reported as %llu (error above 1/1024)", (unsigned long long)exact,
                 (unsigned long long)got);
    }
}

/* Record values, then compare every snapshot percentile and the median with the exact sorted
 * values; also the one-pass and pairs versions against the single-value calls. */
static void check_against_exact(uint64_t *values, size_t n)
{
    struct hist *h = hist_new();
    uint64_t got[SNAP_PCT_COUNT];

    for (size_t i = 0; i < n; i++)
        hist_record(h, values[i]);
    assert_consistent(h);
    qsort(values, n, sizeof *values, cmp_u64);
    assert_int_equal(h->total, n);
    assert_int_equal(h->min, values[0]);
    assert_int_equal(h->max, values[n - 1]);
    hist_percentiles(h, snapshot_pcts, SNAP_PCT_COUNT, got);
    for (size_t i = 0; i < SNAP_PCT_COUNT; i++) {
        uint64_t exact = values[exact_rank(n, snapshot_pcts[i])];

        check_value(got[i], exact, values[0], values[n - 1]);
        assert_int_equal(got[i], hist_percentile(h, snapshot_pcts[i]));
    }
    assert_int_equal(got[SNAP_P100], values[n - 1]);
    check_value(hist_median(h), values[(n - 1) / 2], values[0], values[n - 1]);
    free(h);
}

/* ---- percentiles against exact values ---------------------------------------------------- */

static uint64_t *values_new(size_t n)
{
    uint64_t *v = malloc(n * sizeof *v);

    assert_non_null(v);
    return v;
}

static void test_uniform(void **state)
{
    size_t sizes[] = {1, 2, 3, 10, 1000, 1000000};

    (void)state;
    rng_state = 1;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t *v = values_new(sizes[s]);

        for (size_t i = 0; i < sizes[s]; i++)
            v[i] = 1 + rng_next() % 2000000;    /* 1 us .. 2 s */
        check_against_exact(v, sizes[s]);
        free(v);
    }
}

static void test_exponential(void **state)
{
    size_t sizes[] = {2, 3, 1000, 1000000};

    (void)state;
    rng_state = 2;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t *v = values_new(sizes[s]);

        for (size_t i = 0; i < sizes[s]; i++)
            v[i] = (uint64_t)(-log(rng_unit()) * 50000.0);   /* mean 50 ms, some 0 */
        check_against_exact(v, sizes[s]);
        free(v);
    }
}

static void test_lognormal(void **state)
{
    size_t sizes[] = {3, 1000, 1000000};

    (void)state;
    rng_state = 3;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t *v = values_new(sizes[s]);

        for (size_t i = 0; i < sizes[s]; i++)
            v[i] = (uint64_t)exp(log(20000.0) + 1.5 * rng_normal());   /* median 20 ms */
        check_against_exact(v, sizes[s]);
        free(v);
    }
}

static void test_bimodal(void **state)
{
    size_t n = 100000;
    uint64_t *v = values_new(n);

    (void)state;
    rng_state = 4;
    for (size_t i = 0; i < n; i++) {
        double ms = rng_unit() < 0.9 ? 2.0 + 0.3 * rng_normal() : 800.0 + 100.0 * rng_normal();

        v[i] = (uint64_t)(ms > 0 ? ms * 1000.0 : 1.0);
    }
    check_against_exact(v, n);
    free(v);
}

static void test_all_equal(void **state)
{
    uint64_t equal[] = {0, 1, 2047, 2048, 123457, 999999999};

    (void)state;
    for (size_t k = 0; k < sizeof equal / sizeof equal[0]; k++) {
        uint64_t v[1000];
        struct hist *h = hist_new();
        uint64_t got[SNAP_PCT_COUNT];

        for (size_t i = 0; i < 1000; i++)
            v[i] = equal[k];
        check_against_exact(v, 1000);
        /* every percentile of equal values is that value exactly (clamped into [min, max]) */
        hist_record_n(h, equal[k], 1000);
        hist_percentiles(h, snapshot_pcts, SNAP_PCT_COUNT, got);
        for (size_t i = 0; i < SNAP_PCT_COUNT; i++)
            assert_int_equal(got[i], equal[k]);
        assert_int_equal(hist_median(h), equal[k]);
        free(h);
    }
}

static void test_small_n_exact(void **state)
{
    struct hist *h = hist_new();
    uint64_t v[3] = {1000, 300000, 5000};   /* 5000 is in a bucket 4 us wide: 5000..5003 */

    (void)state;
    /* N = 1: every percentile and the median is the value */
    hist_record(h, 777777);
    for (size_t i = 0; i < SNAP_PCT_COUNT; i++)
        assert_int_equal(hist_percentile(h, snapshot_pcts[i]), 777777);
    assert_int_equal(hist_median(h), 777777);
    hist_reset(h);
    /* N = 2: median rank 0, p50 rank 1 (Locust's upper nearest rank) */
    hist_record(h, 10);
    hist_record(h, 20);
    assert_int_equal(hist_median(h), 10);
    assert_int_equal(hist_percentile(h, 0.50), 20);
    assert_int_equal(hist_percentile(h, 0.0), 10);
    hist_reset(h);
    /* N = 3 in three buckets: 50% rank 1, 66% rank 1, 75% rank 2 */
    for (size_t i = 0; i < 3; i++)
        hist_record(h, v[i]);
    assert_int_equal(hist_percentile(h, 0.50), hist_highest_equivalent(hist_index_of(5000)));
    assert_int_equal(hist_percentile(h, 0.66), hist_highest_equivalent(hist_index_of(5000)));
    assert_int_equal(hist_percentile(h, 0.75), 300000);
    assert_int_equal(hist_median(h), hist_highest_equivalent(hist_index_of(5000)));
    free(h);
}

static void test_zero_and_one(void **state)
{
    uint64_t v[1000];

    (void)state;
    for (size_t i = 0; i < 1000; i++)
        v[i] = i % 3 == 0 ? 0 : 1;
    check_against_exact(v, 1000);
    for (size_t i = 0; i < 1000; i++)
        v[i] = i < 990 ? 0 : 1 + i;
    check_against_exact(v, 1000);
}

static void test_beyond_range(void **state)
{
    size_t n = 10000;
    uint64_t *v = values_new(n);
    struct hist *h = hist_new();

    (void)state;
    rng_state = 5;
    /* 0.5% of the values beyond 2^32 us: they clamp into the top bucket, max stays exact */
    for (size_t i = 0; i < n; i++)
        v[i] = i % 200 == 0 ? HIST_MAX_TRACKABLE + rng_next() % HIST_MAX_TRACKABLE
                            : 100 + rng_next() % 1000000;
    check_against_exact(v, n);
    hist_record(h, UINT64_MAX);
    hist_record(h, HIST_MAX_TRACKABLE);
    assert_int_equal(hist_index_of(UINT64_MAX), HIST_COUNTS_LEN - 1);
    assert_int_equal(hist_percentile(h, 1.0), UINT64_MAX);
    assert_int_equal(hist_median(h), HIST_MAX_TRACKABLE);
    assert_int_equal(h->min, HIST_MAX_TRACKABLE);
    free(h);
    free(v);
}

static void test_empty(void **state)
{
    struct hist *h = hist_new();
    uint64_t got[SNAP_PCT_COUNT];

    (void)state;
    assert_int_equal(hist_percentile(h, 0.5), 0);
    assert_int_equal(hist_median(h), 0);
    assert_int_equal(hist_value_at_rank(h, 0), 0);
    hist_percentiles(h, snapshot_pcts, SNAP_PCT_COUNT, got);
    for (size_t i = 0; i < SNAP_PCT_COUNT; i++)
        assert_int_equal(got[i], 0);
    assert_true(h->lo > h->hi);
    assert_int_equal(h->min, UINT64_MAX);
    assert_int_equal(h->max, 0);
    free(h);
}

static void test_rank_rule(void **state)
{
    (void)state;
    assert_int_equal(hist_rank(0, 0.5), 0);
    assert_int_equal(hist_rank(1, 1.0), 0);
    assert_int_equal(hist_rank(100, 0.95), 95);    /* 100 * 0.95 is 95.0 in doubles, as in Python */
    assert_int_equal(hist_rank(100, 1.0), 99);
    assert_int_equal(hist_rank(1000, 0.999), 999);
    assert_int_equal(hist_rank(10, 0.66), 6);
    assert_int_equal(hist_rank(7, 0.5), 3);
    assert_int_equal(hist_rank(10, -1.0), 0);
    assert_int_equal(hist_rank(10, 2.0), 9);
    assert_int_equal(hist_rank(10, NAN), 0);
}

static void test_rank_beyond_total_is_max(void **state)
{
    struct hist *h = hist_new();

    (void)state;
    hist_record(h, 5000);
    hist_record(h, 7);
    assert_int_equal(hist_value_at_rank(h, 0), 7);
    assert_int_equal(hist_value_at_rank(h, 1), 5000);
    assert_int_equal(hist_value_at_rank(h, 2), 5000);
    assert_int_equal(hist_value_at_rank(h, UINT64_MAX), 5000);
    free(h);
}

/* ---- merging, draining ------------------------------------------------------------------ */

static void assert_hist_equal(const struct hist *a, const struct hist *b)
{
    assert_int_equal(a->total, b->total);
    assert_int_equal(a->min, b->min);
    assert_int_equal(a->max, b->max);
    assert_int_equal(a->lo, b->lo);
    assert_int_equal(a->hi, b->hi);
    assert_memory_equal(a->counts, b->counts, sizeof a->counts);
    assert_memory_equal(a->used, b->used, sizeof a->used);
    assert_memory_equal(a->block, b->block, sizeof a->block);
    assert_consistent(a);
}

static void test_add_equals_recording_into_one(void **state)
{
    struct hist *a = hist_new(), *b = hist_new(), *all = hist_new(), *sum = hist_new();

    (void)state;
    rng_state = 6;
    for (int i = 0; i < 50000; i++) {
        uint64_t x = (uint64_t)(-log(rng_unit()) * 3000.0), y = 200000 + rng_next() % 90000;

        hist_record(a, x);
        hist_record(b, y);
        hist_record(all, x);
        hist_record(all, y);
    }
    hist_add(sum, a);
    hist_add(sum, b);
    assert_hist_equal(sum, all);
    hist_add(b, a);                     /* order does not matter */
    assert_hist_equal(b, all);
    hist_reset(a);
    hist_add(sum, a);                   /* adding an empty histogram changes nothing */
    assert_hist_equal(sum, all);
    free(a);
    free(b);
    free(all);
    free(sum);
}

static size_t drain_all(struct hist *h, struct hist_pair *out, size_t cap_per_call)
{
    size_t n = 0, got;

    while ((got = hist_drain_pairs(h, out + n, cap_per_call)) > 0) {
        uint64_t carried = h->total, left = 0;

        assert_true(got <= cap_per_call);
        n += got;
        for (int32_t b = 0; b < HIST_BLOCKS; b++)
            left += h->block[b];
        h->total = left;                 /* what remains, for the consistency check */
        assert_consistent(h);
        h->total = carried;
    }
    return n;
}

/* hist_next_nonzero visits exactly the non-zero buckets, ascending, from any start. */
static void test_next_nonzero_walk(void **state)
{
    struct hist *h = hist_new();
    int32_t expect = -1;

    (void)state;
    assert_int_equal(hist_next_nonzero(h, 0), -1);          /* empty */
    rng_state = 11;
    for (int i = 0; i < 5000; i++)
        hist_record(h, (uint64_t)exp(log(2000.0) + 2.5 * rng_normal()));
    hist_record(h, 0);
    hist_record(h, HIST_MAX_TRACKABLE * 4);                 /* the top bucket */
    for (int32_t i = HIST_COUNTS_LEN - 1; i >= -1; i--) {   /* the answer for every start */
        if (i >= 0 && h->counts[i])
            expect = i;
        if (i >= 0)
            assert_int_equal(hist_next_nonzero(h, i), expect);
    }
    assert_int_equal(hist_next_nonzero(h, HIST_COUNTS_LEN), -1);
    assert_int_equal(hist_next_nonzero(h, -5), 0);
    free(h);
}

static void test_drain_round_trip(void **state)
{
    size_t caps[] = {HIST_COUNTS_LEN, 1, 7, 100};
    struct hist_pair *pairs = malloc(HIST_COUNTS_LEN * sizeof *pairs);

    (void)state;
    assert_non_null(pairs);
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        struct hist *h = hist_new(), *copy = hist_new(), *back = hist_new();
        size_t n;
        uint64_t nonzero = 0;

        rng_state = 7 + c;
        for (int i = 0; i < 20000; i++)
            hist_record(h, (uint64_t)exp(log(5000.0) + 2.0 * rng_normal()));
        hist_add(copy, h);
        for (int32_t i = 0; i < HIST_COUNTS_LEN; i++)
            nonzero += copy->counts[i] != 0;
        n = drain_all(h, pairs, caps[c]);
        assert_int_equal(n, nonzero);
        for (size_t i = 1; i < n; i++)
            assert_true(pairs[i - 1].index < pairs[i].index);
        for (int32_t i = 0; i < HIST_COUNTS_LEN; i++)
            assert_int_equal(h->counts[i], 0);
        assert_true(h->lo > h->hi);
        assert_int_equal(h->total, copy->total);    /* left for the caller to carry */
        hist_reset(h);
        hist_add_pairs(back, pairs, n, copy->min, copy->max);
        assert_hist_equal(back, copy);
        free(h);
        free(copy);
        free(back);
    }
    free(pairs);
}

static void test_drain_huge_bucket(void **state)
{
    struct hist *h = hist_new(), *back = hist_new();
    struct hist_pair pairs[8];
    size_t n;

    (void)state;
    hist_record_n(h, 42, (uint64_t)UINT32_MAX * 2 + 5);
    hist_record_n(h, 90000, 3);
    n = drain_all(h, pairs, 2);
    assert_int_equal(n, 4);
    assert_int_equal(pairs[0].count, UINT32_MAX);
    assert_int_equal(pairs[1].count, UINT32_MAX);
    assert_int_equal(pairs[2].count, 5);
    assert_int_equal(pairs[3].count, 3);
    hist_add_pairs(back, pairs, n, 42, 90000);
    assert_int_equal(back->total, (uint64_t)UINT32_MAX * 2 + 8);
    assert_int_equal(hist_percentile(back, 1.0), 90000);
    free(h);
    free(back);
}

static void test_sub_pairs_window(void **state)
{
    struct hist *older = hist_new(), *newer = hist_new(), *win = hist_new();
    struct hist_pair *p_old = malloc(HIST_COUNTS_LEN * sizeof *p_old);
    size_t n_old;

    (void)state;
    assert_non_null(p_old);
    for (uint64_t v = 10; v < 100000; v += 37)
        hist_record(older, v);
    for (uint64_t v = 5000; v < 9000; v += 3)
        hist_record(newer, v);
    hist_add(win, older);
    hist_add(win, newer);
    n_old = drain_all(older, p_old, HIST_COUNTS_LEN);
    hist_sub_pairs(win, p_old, n_old / 2);      /* half-way: still consistent */
    assert_consistent(win);
    hist_sub_pairs(win, p_old + n_old / 2, n_old - n_old / 2);
    win->min = newer->min;              /* the caller's job after a subtraction */
    win->max = newer->max;
    assert_hist_equal(win, newer);      /* the touched range shrank back to newer's */
    hist_sub_pairs(win, p_old, 0);
    n_old = drain_all(newer, p_old, HIST_COUNTS_LEN);
    hist_sub_pairs(win, p_old, n_old);
    assert_int_equal(win->total, 0);    /* empty: reset */
    assert_true(win->lo > win->hi);
    assert_int_equal(win->min, UINT64_MAX);
    free(p_old);
    free(older);
    free(newer);
    free(win);
}

static void test_pairs_percentiles_match(void **state)
{
    struct hist *h = hist_new(), *copy = hist_new();
    struct hist_pair *pairs = malloc(HIST_COUNTS_LEN * sizeof *pairs);
    uint64_t ranks[SNAP_PCT_COUNT + 1], a[SNAP_PCT_COUNT + 1], b[SNAP_PCT_COUNT + 1];
    size_t n;

    (void)state;
    assert_non_null(pairs);
    rng_state = 11;
    for (int i = 0; i < 30001; i++)
        hist_record(h, 300 + rng_next() % 700000);
    hist_add(copy, h);
    ranks[0] = (h->total - 1) / 2;
    for (size_t i = 0; i < SNAP_PCT_COUNT; i++)
        ranks[i + 1] = hist_rank(h->total, snapshot_pcts[i]);
    hist_values_at_ranks(copy, ranks, SNAP_PCT_COUNT + 1, a);
    n = drain_all(h, pairs, HIST_COUNTS_LEN);
    hist_pairs_values_at_ranks(pairs, n, copy->total, copy->min, copy->max, ranks,
                               SNAP_PCT_COUNT + 1, b);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(a[0], hist_median(copy));
    hist_pairs_values_at_ranks(pairs, 0, 0, 0, 0, ranks, 2, b);
    assert_int_equal(b[0], 0);
    assert_int_equal(b[1], 0);
    free(pairs);
    free(h);
    free(copy);
}

static void test_reset_clears_touched_range(void **state)
{
    struct hist *h = calloc(1, sizeof *h);
    struct hist *fresh = hist_new();

    (void)state;
    assert_non_null(h);
    hist_reset(h);                       /* a valid initialiser on zeroed memory */
    assert_true(h->lo > h->hi);
    assert_consistent(h);
    hist_record(h, 3);
    hist_record(h, 3000000);
    hist_reset(h);
    assert_hist_equal(h, fresh);
    hist_record(h, 12345);
    hist_record(fresh, 12345);
    assert_hist_equal(h, fresh);
    free(h);
    free(fresh);
}

/* ---- index arithmetic -------------------------------------------------------------------- */

static void check_index(uint64_t v)
{
    int32_t i = hist_index_of(v);
    uint64_t lo = hist_lowest_equivalent(i), hi = hist_highest_equivalent(i);

    assert_true(i >= 0 && i < HIST_COUNTS_LEN);
    assert_true(lo <= v && v <= hi);
    assert_true(hi - lo + 1 <= (lo < 2048 ? 1 : lo / 1024));
}

static void test_index_arithmetic(void **state)
{
    int32_t prev = -1;

    (void)state;
    for (uint64_t v = 0; v < 300000; v++) {
        int32_t i = hist_index_of(v);

        check_index(v);
        assert_true(i == prev || i == prev + 1);   /* monotonic, no index skipped */
        prev = i;
    }
    for (uint64_t p = 1; p < HIST_MAX_TRACKABLE; p <<= 1) {
        for (int64_t d = -3; d <= 3; d++) {
            if ((int64_t)p + d >= 0 && (uint64_t)((int64_t)p + d) < HIST_MAX_TRACKABLE)
                check_index((uint64_t)((int64_t)p + d));
        }
        check_index(p + p / 3);
    }
    check_index(HIST_MAX_TRACKABLE - 1);
    assert_int_equal(hist_index_of(HIST_MAX_TRACKABLE - 1), HIST_COUNTS_LEN - 1);
    assert_int_equal(hist_index_of(HIST_MAX_TRACKABLE), HIST_COUNTS_LEN - 1);
    assert_int_equal(hist_index_of(0), 0);
    assert_int_equal(hist_index_of(1), 1);
    assert_int_equal(hist_index_of(2047), 2047);
    assert_int_equal(hist_index_of(2048), 2048);
    assert_int_equal(hist_index_of(2049), 2048);
    for (int32_t i = 0; i + 1 < HIST_COUNTS_LEN; i++) {
        assert_int_equal(hist_lowest_equivalent(i + 1), hist_highest_equivalent(i) + 1);
        assert_int_equal(hist_index_of(hist_lowest_equivalent(i)), i);
        assert_int_equal(hist_index_of(hist_highest_equivalent(i)), i);
    }
    assert_int_equal(hist_highest_equivalent(HIST_COUNTS_LEN - 1), HIST_MAX_TRACKABLE - 1);
}

/* hist_count_below: exact at bucket precision, whole blocks and partial ones alike. */
static void test_count_below(void **state)
{
    struct hist *h = calloc(1, sizeof *h);
    uint64_t limits[] = {1, 100, 2048, 10000, 20000, 50000, 99999, 100000, 5000000};

    (void)state;
    hist_init(h);
    assert_int_equal(hist_count_below(h, 1000), 0);
    for (uint64_t v = 1; v <= 100000; v++)
        hist_record(h, v);
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        uint64_t lim = limits[i], got = hist_count_below(h, lim);
        /* values below the limit's bucket, i.e. below its lowest equivalent value */
        uint64_t low = hist_lowest_equivalent(hist_index_of(lim));
        uint64_t want = low > 100001 ? 100000 : low - 1;
        assert_int_equal(got, want);
        if (lim <= 100001)
            assert_true(got <= lim - 1 && lim - 1 - got <= lim / 1024 + 1);
    }
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform),
        cmocka_unit_test(test_count_below),
        cmocka_unit_test(test_exponential),
        cmocka_unit_test(test_lognormal),
        cmocka_unit_test(test_bimodal),
        cmocka_unit_test(test_all_equal),
        cmocka_unit_test(test_small_n_exact),
        cmocka_unit_test(test_zero_and_one),
        cmocka_unit_test(test_beyond_range),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_rank_rule),
        cmocka_unit_test(test_rank_beyond_total_is_max),
        cmocka_unit_test(test_add_equals_recording_into_one),
        cmocka_unit_test(test_next_nonzero_walk),
        cmocka_unit_test(test_drain_round_trip),
        cmocka_unit_test(test_drain_huge_bucket),
        cmocka_unit_test(test_sub_pairs_window),
        cmocka_unit_test(test_pairs_percentiles_match),
        cmocka_unit_test(test_reset_clears_touched_range),
        cmocka_unit_test(test_index_arithmetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
