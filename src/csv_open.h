/* csv_open: the open model's CSV files, next to Locust's four under the --csv prefix.
 *
 * PREFIX_corrected.csv: PREFIX_stats.csv's header, rows and columns (so the tools that read
 * one read the other), with the latency cells (Median, Average, Min, Max and every percentile)
 * corrected for coordinated omission: from each request's intended start (snap_open.h). Locust's
 * PREFIX_stats.csv keeps the service times, so it stays comparable with Locust's. Written when
 * the run has intended starts (an open class, or a paced wait).
 *
 * PREFIX_arrivals.csv: the open classes' schedule, one row per second of the run (CRLF, as
 * Locust's files): "Timestamp,Asked,Achieved,Dropped,Busy Users,User Count" with the Unix
 * second, the iterations the schedule asked for in that second (two decimals: a rate of 2.5/s
 * asks 2.50 a second), those given to a user, those dropped, and the users busy and in the
 * pools near the end of that second. Written when the run has open classes.
 *
 * Main thread only. */
#ifndef HORNET_CSV_OPEN_H
#define HORNET_CSV_OPEN_H

#include <stddef.h>
#include "snapshot.h"
#include "timeline.h"

/* Write PREFIX_corrected.csv and PREFIX_arrivals.csv (each atomically, each only when s has
 * what it holds) from s and the run's timeline t. -1 with a message when a file cannot be
 * written or memory ran out. */
int csv_open_write(const char *prefix, const struct snapshot *s, const struct timeline *t,
                   char *err, size_t errlen);

#endif
