/* hist_internal: the histogram's operations that only its tests call: percentiles in one
 * pass and rank lookups. They are checked exhaustively against exact sorted values
 * (tests/test_hist.c). Any thread that owns the histogram. */
#ifndef HORNET_HIST_INTERNAL_H
#define HORNET_HIST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "hist.h"

/* Value (us) at 0-based ascending rank; 0 when empty. rank >= total gives max. */
uint64_t hist_value_at_rank(const struct hist *h, uint64_t rank);

/* Several percentiles in one pass; ps must be ascending. out[i] as hist_percentile(h, ps[i]). */
void hist_percentiles(const struct hist *h, const double *ps, size_t n, uint64_t *out);

/* Record n equal values in microseconds. O(1), no allocation. */
void hist_record_n(struct hist *h, uint64_t value_us, uint64_t n);

/* dst += src (counts, total, min, max). Visits only src's non-zero buckets. */
void hist_add(struct hist *dst, const struct hist *src);

#endif
