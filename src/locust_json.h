/* locust_json: the final statistics in the format of Locust 2.43's --json and --json-file
 * (stats.py print_stats_json / save_stats_json: json.dumps(stats.serialize_stats(),
 * indent=4)), so scripts written for Locust read hornet's output unchanged:
 * - a JSON array with one object per endpoint that had a request or a failure, in the order
 *   of their first request (Locust's entries dict); the Aggregated total is not in it;
 * - each object has Locust's fourteen keys in Locust's order: name, method,
 *   last_request_timestamp (unix s, null without a request), start_time (unix s: the entry's
 *   first request, or the statistics reset), num_requests, num_none_requests, num_failures,
 *   total_response_time, max_response_time, min_response_time (ms floats; 0, 0 and null
 *   without a timed request), total_content_length, response_times ({"rounded ms": count},
 *   Locust's rounding, int keys as Locust 2.43.4+ writes them), num_reqs_per_sec and
 *   num_fail_per_sec ({"unix second": count}; requests of the run's last, incomplete second
 *   are counted in the second of the last request);
 * - hornet's extras follow under keys Locust does not use: "hornet" (this endpoint: expected
 *   statuses, exact median and percentiles in ms, its error groups, the targets judged on it)
 *   and "hornet_run" (the same in every entry: scenario, verdict, the Aggregated row, the
 *   whole-run targets, the backend's health metrics with their limits). Locust's readers
 *   skip unknown keys.
 * Reads a snapshot and the run's timeline only. Main thread. */
#ifndef HORNET_LOCUST_JSON_H
#define HORNET_LOCUST_JSON_H

#include <stddef.h>
#include "snapshot.h"
#include "strbuf.h"

struct timeline;

/* Append the JSON text of s (with t's per-second counts; t may be NULL: empty per-second
 * objects) to out, ending with a newline as print() does. -1 when memory ran out. */
int locust_json_render(const struct snapshot *s, const struct timeline *t, struct strbuf *out);

/* --json-file PREFIX: write PREFIX.json (Locust appends ".json") atomically, creating its
 * directories. -1 with "cannot write PATH: reason" in err. */
int locust_json_write_file(const struct snapshot *s, const struct timeline *t,
                           const char *prefix, char *err, size_t errlen);

#endif
