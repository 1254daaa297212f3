/* interval: what a worker thread hands the collector. The requests one worker finished within
 * one wall-clock second (or a part of it): per-endpoint counters, the latency buckets as sparse
 * pairs, and the outcomes that were not plain successes. One allocation holding plain data; the
 * pointers below point into that same allocation, never into worker state.
 *
 * Produced by recorder_emit (worker thread), consumed and freed by the collector (stats_merge,
 * control thread); a distributed run also carries them between nodes (locust_report.h). */
#ifndef HORNET_INTERVAL_H
#define HORNET_INTERVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hist.h"

#define INTERVAL_TEXT_MAX 192

/* How a request that is not a plain 2xx/3xx success ended. */
enum outcome_kind {
    OUTCOME_HTTP = 1,    /* an HTTP status: code = status (failure, or expected when listed) */
    OUTCOME_TRANSPORT,   /* no HTTP answer: code = CURLcode, aux = OS errno or timeout ms;
                            text: libcurl's error buffer when hornet's own text for the code
                            would say less (interval_transport_text_kept), else empty */
    OUTCOME_CHECK,       /* a check or capture failed: text says which and what was got */
    OUTCOME_SCRIPT       /* the step could not be sent (unset variable, ...): text says why */
};

/* A non-success outcome as the recorder receives it (text may be NULL for HTTP/TRANSPORT). */
struct outcome {
    uint8_t kind;        /* enum outcome_kind */
    uint8_t expected;    /* 1: the status was listed in the step's expect: a success */
    int32_t code;
    int32_t aux;
    const char *text;    /* for CHECK/SCRIPT; for TRANSPORT curl's error buffer (optional) */
};

/* Whether a transport failure's text is libcurl's error buffer ("Received HTTP/0.9 when not
 * allowed", "Too large response headers: 312358 > 307200", "SSL certificate problem:
 * self-signed certificate") rather than hornet's own stable text for the CURLcode and errno
 * ("Connection refused", "Timeout after 30000 ms", "Connection reset by peer", "Empty reply
 * from server", "Response ended before the whole body arrived"), which names the cause as
 * well and carries no varying number. */
bool interval_transport_text_kept(int code, int aux);

/* Outcome texts are grouped as they read; a transport text (libcurl's, which may carry sizes
 * or counts) groups with those that differ from it only in their numbers: runs of digits
 * compare equal. The hash of such a text and the comparison (texts of n bytes). */
uint32_t interval_text_hash(uint32_t h, const char *text, size_t n, bool numbers_equal);
bool interval_text_equal(const char *a, size_t na, const char *b, size_t nb,
                         bool numbers_equal);

struct interval_endpoint {
    uint32_t endpoint;        /* index into scenario->endpoints */
    uint32_t requests;        /* all requests, failures included */
    uint32_t failures;        /* unexpected outcomes */
    uint32_t expected;        /* statuses outside 2xx/3xx that the step expected (successes) */
    uint32_t none_requests;   /* requests without a latency (never sent: OUTCOME_SCRIPT) */
    uint32_t aborted;         /* requests in flight when their user was stopped: not in
                                 requests (no answer, no latency), counted apart */
    uint64_t total_us, min_us, max_us;   /* over requests with a latency */
    uint64_t total_bytes;     /* response body bytes */
    uint32_t pair_start, pair_count;     /* this endpoint's slice of interval.pairs */
};

struct interval_error {
    uint32_t endpoint;
    uint8_t kind;             /* enum outcome_kind */
    uint8_t expected;
    int32_t code;
    int32_t aux;
    uint32_t count;
    char text[INTERVAL_TEXT_MAX];   /* "" when the text derives from kind/code/aux */
};

struct interval {
    int64_t second;           /* unix second in which these requests finished */
    double first_time, last_time;   /* exact unix times of the first and last request in it */
    int worker;
    uint32_t n_endpoints, n_errors, n_pairs;
    struct interval_endpoint *endpoints;
    struct interval_error *errors;
    struct hist_pair *pairs;
    uint64_t dropped;         /* requests this worker finished but could not record (an
                                 interval could not be allocated); an interval that carries
                                 only this has no endpoints and the times of the lost ones */
    struct interval *next;    /* for the collector's inbox list; NULL when produced */
};

/* The reason phrase of a common HTTP status ("Not Found"), NULL for others. Static text. */
const char *interval_http_reason(int status);

/* One block holds an interval and its arrays: interval_size is its bytes, interval_place
 * points the arrays into the block after the struct (endpoints, errors, then pairs). */
size_t interval_size(uint32_t n_endpoints, uint32_t n_errors, uint32_t n_pairs);
void interval_place(struct interval *iv, uint32_t n_endpoints, uint32_t n_errors);

/* A zeroed interval with room for these many endpoints, errors and pairs (its n_* counts 0,
 * to be filled); NULL when out of memory. Free it with interval_free. */
struct interval *interval_alloc(uint32_t n_endpoints, uint32_t n_errors, uint32_t n_pairs);

/* Free an interval produced by the recorder or interval_alloc. NULL is fine. */
void interval_free(struct interval *iv);

/* The stable, human text of an outcome: "HTTP 404 Not Found", "Connection refused",
 * "Timeout after 30000 ms", libcurl's error text for other transport failures, or e->text for
 * checks. Writes at most n bytes (NUL included). */
void interval_outcome_format(const struct interval_error *e, char *out, size_t n);

#endif
