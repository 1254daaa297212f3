/* locust_merge: what a Locust master keeps of its workers' stats reports, for hornet as a
 * master of hornet and Locust workers.
 *
 * Locust's rule (stats.py setup_distributed_stats_event_listeners, StatsEntry.extend, 2.12.1
 * and 2.43): each entry of a report extends the master's entry (name, method), created on
 * first sight: num_requests, num_none_requests, num_failures, total_response_time and
 * total_content_length add up; max_response_time is the larger, min_response_time the
 * smaller (a nil one gives way); last_request_timestamp the later (nil gives way); start_time
 * the earlier; response_times, num_reqs_per_sec and num_fail_per_sec add up key by key (Python
 * dict keys: 150 and 150.0 are one key). A Locust master also counts its own clock at the
 * creation of an entry in that start_time; here a new row starts at its first report's. Errors add occurrences by key, the first report of a
 * key giving its name, method and text. stats_total extends the master's total.
 *
 * hornet's: beside Locust's fields, every row keeps an HDR histogram (hist.h) of its
 * latencies: the exact buckets a hornet worker sent ("hornet_hdr"), or, for a report without
 * them (a Locust worker), each response_times key recorded as that many values of key
 * milliseconds (approx_count counts those); min and max stay the exact ones reported. The
 * histogram is allocated when a row gets its first timed request (calloc: only the pages
 * touched become resident).
 *
 * A table is plain memory owned by one thread (the master's control loop); nothing locks. */
#ifndef HORNET_LOCUST_MERGE_H
#define HORNET_LOCUST_MERGE_H

#include <stddef.h>
#include <stdint.h>
#include "hist.h"
#include "locust_stats.h"

/* A merged entry. entry.rt is ascending by key, the per-second counts ascending by second;
 * entry.has_hdr and hdr are unused here (the buckets are in hist). */
struct locust_merge_row {
    struct locust_stats_entry entry;
    const struct hist *hist;    /* NULL until a timed request arrived */
    uint64_t approx_count;      /* values of hist recorded from Locust's 2-digit keys */
};

struct locust_merge;

/* An empty table; NULL when out of memory. */
struct locust_merge *locust_merge_create(void);

/* Free the table. NULL is fine. */
void locust_merge_destroy(struct locust_merge *t);

/* Add a decoded payload (its entries, errors and total) as Locust's master does. 0, or -1
 * with err when out of memory (the table then holds part of this payload). The payload stays
 * the caller's. */
int locust_merge_add(struct locust_merge *t, const struct locust_stats_payload *p, char *err,
                     size_t errlen);

/* Forget every row, error and the total (Locust's clear_all when a new test starts). */
void locust_merge_clear(struct locust_merge *t);

/* Rows in order of first appearance: row i < count, else NULL. Pointers stay valid until the
 * next add or clear. */
size_t locust_merge_count(const struct locust_merge *t);
const struct locust_merge_row *locust_merge_row(const struct locust_merge *t, size_t i);

/* The total (name "Aggregated"): what the workers' stats_total added up to. */
const struct locust_merge_row *locust_merge_total(const struct locust_merge *t);

/* The row (name, method) (method NULL for nil); NULL when absent. */
const struct locust_merge_row *locust_merge_find(const struct locust_merge *t, const char *name,
                                                 const char *method);

/* Error groups in order of first appearance: i < count, else NULL. */
size_t locust_merge_error_count(const struct locust_merge *t);
const struct locust_stats_error *locust_merge_error(const struct locust_merge *t, size_t i);

#endif
