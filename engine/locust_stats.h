/* locust_stats: the `stats` message of Locust's master/worker protocol. On the worker side it
 * builds, from what hornet counted since the last report, the payload a Locust worker sends;
 * on the master side it decodes such payloads (locust_merge adds them up as a master does).
 *
 * Locust's rules (stats.py and runners.py, 2.12.1; unchanged in 2.43 but for the key type):
 * - data = {"stats": [entry...], "stats_total": entry, "errors": {key: error},
 *   "user_classes_count": {class: int}, "user_count": int}, in that order. "stats" lists only
 *   the entries with a request or a failure since the last report (every report is a delta:
 *   the worker resets after sending), in order of their first request.
 * - entry = {name, method, last_request_timestamp: float|nil, start_time: float,
 *   num_requests, num_none_requests, num_failures, total_response_time, max_response_time,
 *   min_response_time, total_content_length, response_times, num_reqs_per_sec,
 *   num_fail_per_sec}, in that order. Times are unix seconds (floats), response times
 *   milliseconds: floats once a timed request was logged, else total and max are the int 0
 *   and min is nil. start_time is when the entry was last reset: the previous report, or its
 *   first request if it appeared since. The first report of a 2.12 worker, before any spawn,
 *   carries a total whose method is nil.
 * - response_times = {key ms: count}, keys rounded as StatsEntry._log_response_time (2.12;
 *   bucket_response_time in 2.43.4) does: below 100 ms round(rt) (an int); below 1 s
 *   round(rt, -1); below 10 s round(rt, -2); above round(rt, -3); Python rounds half to
 *   even. From 100 ms on, 2.12 up to 2.43.3 write these keys as floats (150.0), 2.43.4+ as
 *   ints (LOCUST_KEYS_*).
 *   num_reqs_per_sec / num_fail_per_sec = {unix second: count}. All these keys are msgpack
 *   ints (or floats): never strings.
 * - errors: key = sha256_hex(f"{method}.{name}.{error!r}") where error is the text sent (a
 *   Locust worker sends repr(exception)); value {name, method, error, occurrences}.
 * - The master extends its entry (name, method) with each received one (StatsEntry.extend):
 *   counts, total, content length and per-key dicts add up, max/min take the larger/smaller
 *   (a nil min or last_request_timestamp gives way), start_time the earlier; errors add
 *   occurrences by key; stats_total extends the master's total.
 * - Top-level keys other than these are ignored by Locust's master (2.12 and 2.43 read only
 *   the five keys by name), and keys of an entry other than the fourteen are skipped by
 *   StatsEntry.unserialize.
 *
 * hornet's:
 * - The worker side reads latencies from hornet's HDR histogram (hist.h): each non-zero bucket
 *   goes whole to the key Locust's rule gives for the bucket's midpoint (buckets are at most
 *   1/1024 of their value wide, Locust's keys at least 1/100 apart, so only a bucket
 *   straddling a rounding boundary can land one key off). Keys are written ascending; the
 *   key 100 from both sides of 100 ms is one int key.
 * - It adds "hornet_hdr" after user_count: {"version": 2, "sub_bucket_bits": 11, "endpoints":
 *   [[method, name]...], "seconds": [second...]}, hornet's own numbers of the same requests,
 *   second by second, so that a hornet master keeps exact percentiles, per-second series and
 *   windows (struct interval, interval.h): second = [unix_second, first_time, last_time,
 *   dropped, [endpoint...], [error...]], endpoint = [index, requests, failures, expected,
 *   none_requests, aborted, total_us, min_us, max_us, bytes, [bucket, count, bucket delta,
 *   count, ...]] (index: into hornet_hdr's "endpoints", which name every endpoint the seconds
 *   hold, also one with only aborted requests that Locust's "stats" cannot list; latency buckets
 *   ascending, each after the first as the delta from the previous one), error = [index, kind,
 *   expected, code, aux, count, text] (interval_error: expected statuses too, which are
 *   successes and not in "errors"). The decoder reads it when its version and sub_bucket_bits
 *   are hornet's own, and ignores it otherwise.
 * - Error keys are Locust's, over Python's repr as locust_mp_pyrepr writes it.
 *
 * Encoding and decoding run on the caller's thread; nothing is shared. */
#ifndef HORNET_LOCUST_STATS_H
#define HORNET_LOCUST_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hist.h"
#include "interval.h"
#include "locust_msg.h"

/* How response_times keys of 100 ms and more are typed on the wire. */
enum locust_keys {
    LOCUST_KEYS_FLOAT = 0,      /* 150.0: Locust 2.12 .. 2.43.3, byte for byte as 2.12.1 */
    LOCUST_KEYS_INT             /* 150: Locust 2.43.4+ */
};

/* A count in one unix second. */
struct locust_per_sec {
    int64_t sec;
    uint64_t count;
};

/* One endpoint as hornet counted it since the previous report (worker side). */
struct locust_stats_endpoint {
    const char *method;
    const char *name;
    double start_time;          /* unix s: the previous report, or this endpoint's first
                                   request if it appeared since */
    double last_request_time;   /* unix s of its latest request (ignored without requests) */
    uint64_t requests;          /* all requests, failures and none requests included */
    uint64_t failures;
    uint64_t none_requests;     /* requests without a latency */
    uint64_t total_us, min_us, max_us;  /* over the requests - none_requests timed ones */
    uint64_t content_length;    /* response bytes */
    const struct locust_per_sec *reqs_per_sec;   /* ascending seconds, counts > 0 */
    size_t n_reqs_per_sec;
    const struct locust_per_sec *fails_per_sec;
    size_t n_fails_per_sec;
    const struct hist *hist;    /* the timed requests' latencies; NULL when none */
};

/* One failure group: occurrences of an error text for (method, name). */
struct locust_stats_error {
    const char *key;            /* decoded: as received; encoding: NULL computes Locust's */
    const char *method;
    const char *name;
    const char *error;
    uint64_t occurrences;
};

/* A report as hornet sends it (worker side). The total is computed from the endpoints. */
struct locust_stats_report {
    const struct locust_stats_endpoint *endpoints;
    size_t n_endpoints;
    double total_start_time;    /* unix s: the previous report (or the start) */
    bool total_method_nil;      /* a 2.12 worker's first report, before any spawn */
    const struct locust_stats_error *errors;    /* distinct (method, name, error) */
    size_t n_errors;
    const struct locust_class_count *classes;   /* users running per class */
    size_t n_classes;
    int64_t user_count;
    enum locust_keys keys;
    /* "hornet_hdr" (Locust masters ignore it): the same requests as intervals, at most one
     * per second, ascending, whose endpoint fields index `endpoints`; with_hdr false: none */
    bool with_hdr;
    const struct interval *const *seconds;
    size_t n_seconds;
};

/* A response_times key as received, with its count. */
struct locust_rt {
    double ms;
    uint64_t count;
};

/* One entry as a master receives it (or, in locust_merge, has merged it): Locust's fields. */
struct locust_stats_entry {
    const char *name;
    const char *method;         /* NULL: nil */
    bool has_last_request;
    double last_request_timestamp;
    double start_time;
    uint64_t num_requests, num_none_requests, num_failures;
    double total_response_time; /* ms */
    double max_response_time;
    bool has_min;
    double min_response_time;
    uint64_t total_content_length;
    const struct locust_rt *rt; /* response_times in the order received (merged: ascending) */
    size_t n_rt;
    const struct locust_per_sec *reqs_per_sec;
    size_t n_reqs_per_sec;
    const struct locust_per_sec *fails_per_sec;
    size_t n_fails_per_sec;
};

/* An endpoint of hornet_hdr. */
struct locust_hdr_endpoint {
    const char *method;         /* NULL: nil */
    const char *name;
};

/* A decoded stats payload (master side); lives in its message's arena. */
struct locust_stats_payload {
    const struct locust_stats_entry *entries;
    size_t n_entries;
    struct locust_stats_entry total;
    const struct locust_stats_error *errors;
    size_t n_errors;
    const struct locust_class_count *classes;
    size_t n_classes;
    int64_t user_count;
    bool has_hdr;               /* "hornet_hdr" was present and understood: */
    const struct locust_hdr_endpoint *hdr_endpoints;
    size_t n_hdr_endpoints;
    const struct interval *seconds;     /* its seconds, endpoint fields indexing hdr_endpoints */
    size_t n_seconds;
};


/* The response_times key of hist bucket `index`: Locust's key for the bucket's midpoint (the
 * rule above; the worker side, and the collector's snap_rt, count whole buckets under it). */
int64_t locust_stats_hist_key(int32_t index, bool *is_float);


/* Encode the whole message ["stats", data, node_id] for r into a malloc'ed frame (free() it).
 * 0, or -1 with err (out of memory, over LOCUST_MP_MAX_BYTES). */
int locust_stats_encode(const struct locust_stats_report *r, const char *node_id, void **frame,
                        size_t *len, char *err, size_t errlen);

/* Decoding glue for locust_msg_decode: data (a msgpack object) into a payload allocated in
 * arena. 0, or -1 with err naming the path. */
struct msgpack_object;
int locust_stats_decode(const struct msgpack_object *data, struct locust_mp_arena *arena,
                        const struct locust_stats_payload **out, char *err, size_t errlen);

#endif
