/* locust_report: between hornet's intervals (interval.h) and the `stats` message of Locust's
 * master/worker protocol (locust_stats.h), both ways.
 *
 * Worker side: a report keeps the intervals the collector merged since the last stats message
 * (the same ones, so nothing is counted twice or lost) and turns them into the message Locust
 * 2.12..2.43 masters read: per endpoint its counts, response times (Locust's rounded keys from
 * hornet's buckets), requests and failures per unix second, the failures grouped by (method,
 * name, error) with hornet's error texts, and under "hornet_hdr" the same requests second by
 * second with hornet's exact buckets (the intervals of one second from every worker thread
 * merged into one). Expected statuses are successes, as hornet counts them: they are not in
 * Locust's errors, only in hornet_hdr. An endpoint's start_time is the previous report, or the
 * first request of an endpoint that appeared since (Locust's reset at every report).
 *
 * Master side: a decoded payload becomes intervals for the master's collector: a hornet
 * worker's hornet_hdr seconds as they came; a Locust worker's entries, one interval per second
 * of its num_reqs_per_sec / num_fail_per_sec with the request and failure counts, and the
 * entry's latencies (its rounded response_times keys, its exact total, min and max), content
 * length, requests without a time and errors in the second of its last request. Entries are
 * matched to the master's endpoints by (method, name) through the caller's resolver.
 *
 * A report is owned by one thread (a worker node's control thread); the conversion keeps no
 * state. */
#ifndef HORNET_LOCUST_REPORT_H
#define HORNET_LOCUST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "interval.h"
#include "locust_msg.h"
#include "locust_stats.h"

/* ---- worker side ---- */

struct locust_report;

/* What a stats message says besides the requests. */
struct locust_report_meta {
    const char *node_id;
    const struct locust_class_count *classes;   /* users running per class */
    size_t n_classes;
    int64_t user_count;
    bool total_method_nil;      /* Locust 2.12's report before the first spawn */
    enum locust_keys keys;
    bool with_hdr;              /* add "hornet_hdr" */
};

/* A report over n_endpoints endpoints (methods[i], names[i]: borrowed, they must outlive the
 * report), the first one starting at now. NULL when out of memory. */
struct locust_report *locust_report_create(uint32_t n_endpoints, const char *const *methods,
                                           const char *const *names, double now);
void locust_report_destroy(struct locust_report *r);

/* Keep iv (the report owns it from now on) for the next message. */
void locust_report_add(struct locust_report *r, struct interval *iv);

/* The stats message (*frame malloc'ed, free() it) of what was kept since the last message,
 * at now; what it holds is forgotten and the next report starts at now. 0, or -1 with err
 * (out of memory: what was kept stays for the next attempt). */
int locust_report_encode(struct locust_report *r, const struct locust_report_meta *m,
                         double now, void **frame, size_t *len, char *err, size_t errlen);

/* Forget what was kept (it will never be reported) and start the next report at now. Returns
 * how many requests that was. */
uint64_t locust_report_clear(struct locust_report *r, double now);

/* ---- master side ---- */

/* The master's endpoint for (method, name) (method NULL: Locust's None), -1 when it has no
 * room for another. */
typedef int (*locust_report_endpoint_fn)(void *arg, const char *method, const char *name);

/* The intervals of payload p for the master's collector (see above) into *out (a malloc'ed
 * array of *n intervals, each freed with interval_free, the array with free). Requests of
 * entries the resolver has no endpoint for count as iv->dropped. 0, or -1 when out of memory
 * (nothing is returned). */
int locust_report_intervals(const struct locust_stats_payload *p, locust_report_endpoint_fn fn,
                            void *arg, struct interval ***out, size_t *n);

#endif
