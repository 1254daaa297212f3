/* secring: per-second detail kept for the last N seconds: a ring of slots, one per second, each
 * holding some parts (one per endpoint, or per endpoint and epoch, as the owner decides) of one
 * second's requests: counts, exact min/max and the latencies as a sparse histogram (sorted
 * (index, count) pairs, so a quiet second costs a few bytes and a busy one at most the
 * histogram's distinct buckets). The collector (stats.c) builds its per-second series and
 * windows from it, the target tracker (tracker.c) its "last N seconds" windows. A ring grows only
 * when a second holds more distinct latencies than any before: fixed memory once warm.
 * Control thread only; pure (seconds come in as arguments). */
#ifndef HORNET_SECRING_H
#define HORNET_SECRING_H

#include <stddef.h>
#include <stdint.h>
#include "hist.h"
#include "interval.h"

/* One part of one second. */
struct secring_part {
    uint64_t requests, failures;        /* all requests / unexpected outcomes */
    uint64_t none;                      /* requests without a latency (never sent) */
    uint64_t total_us;                  /* sum of the latencies */
    uint64_t latencies;                 /* how many: the sum of the pairs' counts */
    uint64_t min_us, max_us;            /* UINT64_MAX and 0 while there is none */
    struct hist_pair *pairs;            /* ascending index, each index once */
    uint32_t n_pairs, cap;
};

struct secring;

/* A ring of `seconds` slots of n_parts parts each, every slot unused. NULL on OOM. */
struct secring *secring_create(size_t seconds, size_t n_parts);
void secring_destroy(struct secring *r);

size_t secring_memory(const struct secring *r);     /* bytes held, the struct included */

/* The second slot i holds; INT64_MIN when unused (i below the ring's length). */
int64_t secring_second(const struct secring *r, size_t i);
/* The slot holding second t, or -1. */
long secring_find(const struct secring *r, int64_t t);
/* Part k of slot i (mutable even through a const ring, as strchr's result). */
struct secring_part *secring_part(const struct secring *r, size_t i, size_t k);

/* What the owner does with a slot before it is reused for another second (NULL: nothing). */
typedef void (*secring_evict_cb)(void *ctx, size_t slot);

/* The slot of second t, claimed for it if it holds another second (evict_cb is called first,
 * then its parts are emptied); -1 when t is older than the ring keeps (more than len - 1 seconds
 * before the newest second claimed). */
long secring_claim(struct secring *r, int64_t t, secring_evict_cb evict_cb, void *ctx);
/* Every slot unused and the newest second forgotten (parts keep their memory). */
void secring_clear(struct secring *r);

/* Add one interval entry's counts and its n pairs (ascending index) to part k of slot i. The
 * counts are always added; -1 when the pairs could not be kept (out of memory). */
int secring_add(struct secring *r, size_t i, size_t k, const struct interval_endpoint *ie,
                const struct hist_pair *pairs, size_t n);
/* Move part `from` of slot i into part `into` (added to what it holds); `from` is left empty.
 * -1 when the pairs could not be kept (the counts moved all the same). */
int secring_fold(struct secring *r, size_t i, size_t from, size_t into);

#endif
