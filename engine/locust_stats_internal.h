/* locust_stats_internal: Locust's rounding of one latency and its error key, which the tests
 * compare with Python's. Any thread. */
#ifndef HORNET_LOCUST_STATS_INTERNAL_H
#define HORNET_LOCUST_STATS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "locust_stats.h"

/* Locust's response_times key for a latency of us microseconds, in ms (what
 * round()/round(, -1)/... give, half to even); *is_float (may be NULL) says whether a
 * 2.12 worker types it as a float. */
int64_t locust_stats_bucket(uint64_t us, bool *is_float);

/* Locust's error key: sha256 hex of f"{method}.{name}.{error!r}" into out (65 bytes). method
 * NULL is Python's None. -1 when out of memory. */
int locust_stats_error_key(const char *method, const char *name, const char *error,
                           char out[65]);

#endif
