/* console: Locust-style console output of a headless run, from snapshots: the stats table printed
 * every 2 s, and at the end the final table, the percentile table and the error report.
 * Main thread only. */
#ifndef HORNET_CONSOLE_H
#define HORNET_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>
#include "snapshot.h"

/* The stats table. current: Current RPS / failures per second (live); otherwise totals (the
 * final summary, as Locust's #1152). name_width: 0 for Locust's default (terminal width - 80,
 * between 0 and 80, or 80 when out is not a terminal). */
void console_stats_table(FILE *out, const struct snapshot *s, bool current, int name_width);

/* "Response time percentiles (approximated)" table. */
void console_percentiles_table(FILE *out, const struct snapshot *s, int name_width);

/* "Error report": occurrences and "METHOD name: error", unexpected failures only, then the
 * expected statuses apart. */
void console_error_report(FILE *out, const struct snapshot *s);

#endif
