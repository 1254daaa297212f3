/* served: what the target served, counted per route and HTTP status, plus connection counts.
 * One writer (the server's loop thread) bumps the counters with relaxed atomic stores; any
 * thread may read them at any time (target_count, target_counts_json). Each counter is exact;
 * a report taken while requests are being served is a consistent sum of the values it read. */
#ifndef HORNET_TARGET_SERVED_H
#define HORNET_TARGET_SERVED_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include "target.h"
#include "strbuf.h"

enum { SERVED_STATUS_SLOTS = 20 };

struct served {
    _Atomic uint64_t n[ROUTE_COUNT][SERVED_STATUS_SLOTS];
    _Atomic uint64_t conns_accepted;
    _Atomic uint64_t conns_open;
};

/* The counter slot of an HTTP status (the last slot gathers statuses outside the table). */
int served_slot(int status);

/* The HTTP status a slot counts (0 for the last slot: any other status). */
int served_slot_status(int slot);

/* The method of a route ("GET", "POST", "PATCH"; "*" for ROUTE_OTHER). */
const char *served_route_method(enum target_route route);

/* Count one response (loop thread only). */
static inline void served_add(struct served *s, enum target_route route, int status)
{
    _Atomic uint64_t *c = &s->n[route][served_slot(status)];

    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

/* Add d (+1 or -1) to a connection counter (loop thread only). */
static inline void served_bump(_Atomic uint64_t *c, int64_t d)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + (uint64_t)d,
                          memory_order_relaxed);
}

/* Responses served with this route and status. Any thread. */
uint64_t served_get(const struct served *s, enum target_route route, int status);

/* Append the counts as JSON:
 * {"total": N, "statuses": {"200": N, ...},
 *  "routes": {"health": {"method": "GET", "path": "/api/v1/health/", "total": N,
 *                        "statuses": {"200": N}}, ...},
 *  "connections": {"accepted": N, "open": N}}
 * Every route is listed (zero counts included); only non-zero statuses appear. Any thread. */
void served_json(const struct served *s, struct strbuf *out);

/* Print the counts as a table (route, method, path, status, count; then the total). */
void served_print(const struct served *s, FILE *f);

#endif
