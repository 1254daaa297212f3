/* selfstat_internal: the timer arithmetic selfstat_tick applies, tested on its own with a fake
 * clock. Pure. */
#ifndef HORNET_SELFSTAT_INTERNAL_H
#define HORNET_SELFSTAT_INTERNAL_H

#include "selfstat.h"

/* How late a timer due at `due` fired at `fired` (seconds, the same clock): fired - due, or 0
 * when it fired on time or early. */
double selfstat_lateness(double due, double fired);

/* When a repeating timer of `interval` seconds that was due at `due` is due next, with the
 * loop's time now `loop_now`: due + interval, or loop_now when the loop fell that far behind
 * (libev's rule for repeating timers). */
double selfstat_next_due(double due, double interval, double loop_now);

#endif
