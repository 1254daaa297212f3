/* fixture_health: what preflight's backend-health checks read: one poll of each source they
 * name (two for a rate, which needs two samples), by the health poller itself (its own thread,
 * the same requests, headers and /proc readings as during a run), before any load. The main
 * thread waits for the samples, a stop flag ending the wait. Main thread. */
#ifndef HORNET_FIXTURE_HEALTH_H
#define HORNET_FIXTURE_HEALTH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "scenario.h"
#include "snapshot.h"

/* A metric's value as one poll gave it, or why there is none. */
struct fixture_health_value {
    bool ok;
    double value;                   /* in the metric's unit */
    char why[SNAP_TEXT_MAX];        /* !ok: "poll failed: Connection refused", "no series
                                       matched", "interrupted" */
};

/* Poll the sources of checks[0 .. n) once (a rate twice) on host, into out[i] for checks[i].
 * 0, or -1 with a message in err when the poller cannot start. */
int fixture_health_poll(const struct scenario *scn, const char *host,
                        const struct preflight_health *checks, uint32_t n,
                        const volatile sig_atomic_t *stop, struct fixture_health_value *out,
                        char *err, size_t errlen);

#endif
