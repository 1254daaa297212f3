/* timeline: the whole run as its readers need it after the snapshots are gone: every second
 * (struct snap_point, with the open model's corrected bands and arrival schedule, and each
 * endpoint's requests and failures), every event, and every backend-health sample and failed
 * poll, kept from successive snapshots (which carry only the newest SNAP_SERIES_LEN seconds,
 * SNAP_MAX_EVENTS events, SNAP_HEALTH_POINTS samples per metric and SNAP_HEALTH_FAILS failures
 * per source). It is the one record of the run that the event log view, the log file, the
 * reports and the history read; each reader keeps its own cursor (an event's seq, a point's
 * index). Pure data; the thread that owns it (the main thread's host loop) updates it, readers
 * on that thread read it. */
#ifndef HORNET_TIMELINE_H
#define HORNET_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include "snapshot.h"

#define TIMELINE_MAX_EVENTS 100000      /* ~22 MB; then the oldest tenth is dropped, counted */
#define TIMELINE_MAX_POINTS (7 * 86400) /* a week of seconds (~200 MB); then the newest win */
#define TIMELINE_MAX_HEALTH 65536       /* samples per health metric (1 MB: 18 h at 1 s); then
                                           the older half is thinned to every other sample */
#define TIMELINE_MAX_FAILS 10000        /* failed polls per source; then the oldest tenth goes */

struct timeline;

/* An empty timeline; NULL when out of memory. */
struct timeline *timeline_create(void);
void timeline_free(struct timeline *t);

/* Keep s's seconds and events: seconds already kept are overwritten (the collector revises
 * the newest ones when late intervals arrive), newer ones appended (a gap of missed seconds
 * is kept as empty seconds); events newer than the newest kept are appended. -1 when memory
 * ran out (what fitted is kept), else 0. */
int timeline_update(struct timeline *t, const struct snapshot *s);

/* Every kept second, oldest first (NULL when none); valid until the next update. */
const struct snap_point *timeline_points(const struct timeline *t, size_t *n);

/* The open model's seconds (snap_open.h): the corrected p50/p95/p99/max of every kept second,
 * index for index with timeline_points (zeros where the run had none); and the arrival
 * schedule's final seconds, oldest first (NULL when none). Valid until the next update. */
const struct snap_bands *timeline_bands(const struct timeline *t, size_t *n);
const struct snap_arrival_point *timeline_arrivals(const struct timeline *t, size_t *n);

/* Every kept event, oldest first (NULL when none); valid until the next update. */
const struct snap_event *timeline_events(const struct timeline *t, size_t *n);

/* Every kept sample of health metric k (the snapshots' index), oldest first (NULL when none);
 * valid until the next update. */
const struct snap_health_point *timeline_health_points(const struct timeline *t, uint32_t k,
                                                       size_t *n);

/* Every kept failed poll of health source i, oldest first (NULL when none); valid until the
 * next update. */
const struct snap_health_fail *timeline_health_fails(const struct timeline *t, uint32_t i,
                                                     size_t *n);
/* Requests and failures of one endpoint in one second. */
struct timeline_count {
    uint32_t requests, failures;
};

/* Per-endpoint seconds are kept (from the snapshots' ep_series) next to the points while they
 * fit in this many cells (seconds x endpoints, 8 bytes each: 64 MB, 18 hours of 128 endpoints,
 * 9 days of 10); after that the newer seconds have no per-endpoint counts. */
#define TIMELINE_MAX_EP_CELLS ((size_t)8 * 1024 * 1024)

/* Endpoint ep's counts (ep < the snapshots' n_endpoints) in kept second i (the index of
 * timeline_points), into *out: 0, or -1 when that second's per-endpoint counts were not kept
 * (*out zeroed). */
int timeline_endpoint_count(const struct timeline *t, size_t i, uint32_t ep,
                            struct timeline_count *out);

/* Events dropped because TIMELINE_MAX_EVENTS were kept already (the oldest went first). */
uint64_t timeline_events_dropped(const struct timeline *t);

#endif
