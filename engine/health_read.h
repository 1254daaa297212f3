/* health_read: one backend-health source's poll turned into the values of its metrics: a
 * Prometheus text body (its selectors evaluated in one pass), a JSON body (JSON paths summed),
 * or a sample of local processes or of the host from /proc. A reader keeps what the next
 * poll needs: the previous counter values of rate metrics and the previous /proc samples for
 * CPU %. The poll's time is the caller's clock (each sample's `time`): rates are pure
 * functions of two samples.
 *
 * Owned by the thread that polls (the health poller); one reader per source. */
#ifndef HORNET_HEALTH_READ_H
#define HORNET_HEALTH_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "scenario.h"
#include "snapshot.h"

/* How a metric came out of one poll. */
enum health_value_state {
    HEALTH_VALUE_OK = 0,
    HEALTH_VALUE_MISSING,       /* nothing matched (no series, no such field, no process) */
    HEALTH_VALUE_FIRST          /* a rate or CPU % at its first sample: known from the next */
};

/* One poll of one source: what the poller hands to the engine's collector. */
struct health_sample {
    struct health_sample *next; /* the collector's inbox */
    uint32_t source;            /* index into health_def.sources */
    double time;                /* the caller's wall clock when the poll ended (unix s) */
    double duration_ms;         /* how long the poll took */
    bool ok;                    /* false: the poll failed; error says why */
    char error[SNAP_TEXT_MAX];
    uint32_t series;            /* Prometheus: samples in the body */
    uint32_t skipped;           /* Prometheus: lines that were not exposition text */
    uint32_t n;                 /* the source's metrics, in health_def order */
    double values[HEALTH_MAX_METRICS];      /* NaN unless state OK */
    uint8_t states[HEALTH_MAX_METRICS];     /* enum health_value_state */
    char missing[HEALTH_MAX_METRICS][64];   /* why a value is MISSING or FIRST */
};

struct health_reader;
struct strbuf;
struct tmpl;

/* Render a source's URL or header template t with ${host} = host (a trailing '/' of host is
 * dropped, so "${host}/metrics" has one) into out (cleared first). -1 with a message. */
int health_read_render(const struct tmpl *t, const char *host, struct strbuf *out, char *err,
                       size_t errlen);

/* A reader for source `source` of h (borrowed: must outlive the reader), reading /proc under
 * proc_root (NULL: "/proc"). NULL when out of memory. */
struct health_reader *health_read_create(const struct health_def *h, uint32_t source,
                                         const char *proc_root);
void health_read_free(struct health_reader *r);

/* The values of a Prometheus or JSON source from one body of len bytes (need not be
 * NUL-terminated for Prometheus; JSON is tokenised in place), out->time being set: out->ok,
 * values, states. A body that is not the source's format (no sample in a Prometheus body but
 * lines skipped, a JSON body that does not parse) fails the poll (ok false, error set); a
 * metric that matches nothing is MISSING and the poll still succeeds. */
void health_read_body(struct health_reader *r, const char *body, size_t len,
                      struct health_sample *out);

/* The values of a process or host source from /proc at out->time. */
void health_read_local(struct health_reader *r, struct health_sample *out);

/* A poll that failed before any body (connection refused, timeout, HTTP 503): out->ok false
 * with why; the rates restart from the next good poll only if a counter went down meanwhile
 * (as Prometheus's rate(), a gap does not reset them). */
void health_read_failed(struct health_reader *r, struct health_sample *out, const char *why);

#endif
