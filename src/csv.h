/* csv: Locust's four CSV files, byte-compatible in format with Locust 2.43 (headers, column
 * order, CRLF, minimal quoting, N/A cells, rows sorted by name then method, Aggregated last),
 * written from snapshots only. Numbers are hornet's: percentile cells are integer milliseconds
 * from a 3-significant-digit histogram; averages, min and max are exact.
 *
 * Main thread only. */
#ifndef HORNET_CSV_H
#define HORNET_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include "snapshot.h"

/* The history of a run: rows are kept in memory (so a snapshot export has the whole history)
 * and, when a prefix was given, appended to PREFIX_stats_history.csv and flushed each tick. */
struct csv_history;

/* prefix may be NULL (memory only). Creates missing directories of the prefix and writes the
 * header line. NULL with a message when the file cannot be created. */
struct csv_history *csv_history_open(const char *prefix, bool full_history, char *err,
                                     size_t errlen);
/* Append the rows for snapshot s (one per endpoint with --csv-full-history, then Aggregated),
 * stamped with floor(s->now) and s->users. -1 with a message on write failure (rows are kept
 * in memory). */
int csv_history_tick(struct csv_history *h, const struct snapshot *s, char *err, size_t errlen);
/* Write the whole history so far to path (atomically: a temporary file, then rename). */
int csv_history_export(const struct csv_history *h, const char *path, char *err, size_t errlen);
void csv_history_close(struct csv_history *h);

/* Write PREFIX_stats.csv, PREFIX_failures.csv and PREFIX_exceptions.csv from s, each
 * atomically. -1 with a message on failure. */
int csv_write_final(const char *prefix, const struct snapshot *s, char *err, size_t errlen);

/* The same three files plus the history into explicit paths with a timestamped prefix, e.g.
 * dir/PREFIX_20261130-142501_stats.csv; the prefix used is written to used (may be NULL). */
int csv_write_snapshot_set(const char *prefix, const struct snapshot *s,
                           const struct csv_history *h, char *used, size_t usedlen,
                           char *err, size_t errlen);

/* Formatting shared with tests and reports. */
/* Python's repr(float): the shortest text that reads back to the same double, ".0" kept on
 * integral values, exponent form below 1e-4 and from 1e16 ("1e-05", "1e+16"). */
void csv_format_float(double v, char *out, size_t n);
/* Append field to out with csv.writer's QUOTE_MINIMAL rules. Returns the new length. */
size_t csv_quote(const char *field, char *out, size_t n);
/* Microseconds as integer milliseconds for a percentile cell (rounded half up). */
unsigned long long csv_ms(unsigned long long us);

#endif
