/* hist: an HDR-style log-linear histogram of latencies in microseconds.
 *
 * 2048 linear sub-buckets per power of two give 3 significant digits (relative error <= 1/1024)
 * from 1 us to 2^32 us (about 71 minutes) in fixed memory, whatever the run length. Values above
 * the range are recorded in the top bucket; min and max are always exact.
 *
 * Percentile rule (Locust's "upper nearest rank"): the value at percentile p of N recorded values
 * is the one of 0-based rank min(N-1, floor(N*p)) in ascending order. The histogram returns the
 * highest value equivalent to that rank's bucket, clamped to [min, max], so a percentile never
 * exceeds Max. The last rank (p100) reports Max exactly, also for values beyond the range.
 * The median uses rank floor((N-1)/2), as Locust's median_from_dict does.
 *
 * A struct hist is plain memory owned by one thread; nothing here locks. */
#ifndef HORNET_HIST_H
#define HORNET_HIST_H

#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BUCKET_BITS 11
#define HIST_SUB_BUCKET_COUNT (1 << HIST_SUB_BUCKET_BITS)         /* 2048 */
#define HIST_SUB_BUCKET_HALF (1 << (HIST_SUB_BUCKET_BITS - 1))    /* 1024 */
#define HIST_BUCKET_COUNT 22                                      /* 1 us .. 2^32 us */
#define HIST_COUNTS_LEN ((HIST_BUCKET_COUNT + 1) * HIST_SUB_BUCKET_HALF)
#define HIST_MAX_TRACKABLE ((uint64_t)1 << 32)                    /* us; larger values clamp */
#define HIST_BLOCK_BITS 6
#define HIST_BLOCKS (HIST_COUNTS_LEN >> HIST_BLOCK_BITS)          /* 368 blocks of 64 buckets */

/* Besides the counts, an occupancy bitmap and per-block sums (64 buckets a block) make every
 * walk proportional to the non-zero buckets (drain, add, reset) or to the blocks of the
 * touched range plus 64 buckets per rank asked (percentiles), not to the touched range. */
struct hist {
    uint64_t total;             /* values recorded */
    uint64_t min, max;          /* exact; min = UINT64_MAX and max = 0 when empty */
    int32_t lo, hi;             /* lowest and highest non-zero index; lo > hi when empty */
    uint64_t used[HIST_BLOCKS]; /* bit (i & 63) of used[i >> 6]: counts[i] != 0 */
    uint64_t block[HIST_BLOCKS];/* sum of the counts of each block */
    uint64_t counts[HIST_COUNTS_LEN];
};

/* A non-zero bucket, for moving a histogram between threads without copying 190 KB. */
struct hist_pair {
    uint32_t index;
    uint32_t count;
};

/* Empty the histogram. hist_init is the same as hist_reset on uninitialised memory.
 * hist_reset clears only the non-zero buckets; on zeroed memory (calloc) it is a valid
 * initialiser that writes no page of the counts. */
void hist_init(struct hist *h);
void hist_reset(struct hist *h);

/* Record one value in microseconds. O(1), no allocation. */
void hist_record(struct hist *h, uint64_t value_us);

/* Value (us) at percentile p in [0, 1] per the rule above; 0 when empty. */
uint64_t hist_percentile(const struct hist *h, double p);

/* How many recorded values lie in buckets wholly below value_us (bucket precision: a value in
 * the same bucket as value_us counts as not below). */
uint64_t hist_count_below(const struct hist *h, uint64_t value_us);

/* Median: rank floor((N-1)/2); 0 when empty. */
uint64_t hist_median(const struct hist *h);

/* The 0-based rank of percentile p among n values: min(n-1, floor(n*p)); 0 when n == 0. */
uint64_t hist_rank(uint64_t n, double p);

/* Values (us) at several 0-based ranks in one pass over the touched range; ranks must be
 * ascending. out[i] as hist_value_at_rank(h, ranks[i]). */
void hist_values_at_ranks(const struct hist *h, const uint64_t *ranks, size_t n, uint64_t *out);

/* The same over a sparse histogram: pairs in ascending index order (as hist_drain_pairs writes
 * them), holding the values whose exact extremes are min_us and max_us. total is the sum of
 * the pairs' counts. */
void hist_pairs_values_at_ranks(const struct hist_pair *pairs, size_t n_pairs, uint64_t total,
                                uint64_t min_us, uint64_t max_us, const uint64_t *ranks,
                                size_t n, uint64_t *out);

/* The lowest non-zero bucket index >= from, or -1 when there is none: a read-only walk over
 * the buckets in ascending order (for (i = hist_next_nonzero(h, 0); i >= 0;
 * i = hist_next_nonzero(h, i + 1)) reads h->counts[i]). Skips the occupancy bitmap a word (64
 * buckets) at a time, so a whole walk costs the non-zero buckets plus the touched blocks. */
int32_t hist_next_nonzero(const struct hist *h, int32_t from);

/* The bucket of a value in microseconds (values beyond the range: the top bucket). */
int32_t hist_index_of(uint64_t value_us);

/* Bucket arithmetic: the lowest and highest value a bucket holds (the Locust stats payload
 * maps buckets to Locust's rounded milliseconds with them). */
uint64_t hist_lowest_equivalent(int32_t index);
uint64_t hist_highest_equivalent(int32_t index);

/* Move the histogram's non-zero buckets into out (at most cap pairs, ascending index) and
 * return how many were written; the histogram keeps any buckets that did not fit, so call again
 * until it returns 0. min/max/total are left for the caller to carry: hist_reset the histogram
 * once drained. A bucket holding more than UINT32_MAX values leaves as several pairs. */
size_t hist_drain_pairs(struct hist *h, struct hist_pair *out, size_t cap);

/* Add pairs (as produced by hist_drain_pairs) with their exact min and max. Pairs with an
 * index outside [0, HIST_COUNTS_LEN) are ignored (a programmer error: asserted). min/max are
 * taken only when some pair has a count. */
void hist_add_pairs(struct hist *h, const struct hist_pair *pairs, size_t n,
                    uint64_t min_us, uint64_t max_us);

/* Remove pairs that were added before (a sliding window): counts and total go down and the
 * touched range shrinks to the remaining non-zero buckets. min and max cannot be known after a
 * subtraction: they are left alone and the caller sets them (an empty result is reset). */
void hist_sub_pairs(struct hist *h, const struct hist_pair *pairs, size_t n);

#endif
