/* csv: Locust's four CSV files, byte-compatible in format with Locust 2.43 (headers, column
 * order, CRLF, minimal quoting, N/A cells, rows sorted by name then method, Aggregated last),
 * written from snapshots only. Numbers are hornet's: percentile cells are integer milliseconds
 * from a 3-significant-digit histogram; averages, min and max are exact.
 *
 * Rows: like Locust, whose entries exist only once a request was logged, an endpoint appears in
 * stats.csv, in the full history and on the console only when it has requests; the Aggregated
 * row is always written. failures.csv holds the unexpected failures only.
 *
 * Main thread only. */
#ifndef HORNET_CSV_H
#define HORNET_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include "snapshot.h"

struct strbuf;

/* Append field to b with Locust's minimal quoting (quoted when it holds `,` `"` CR or LF,
 * inner quotes doubled), then end ("," or "\r\n"): how hornet's own CSV files (campaign.csv,
 * PREFIX_fixtures.csv, PREFIX_expected.csv) write a cell. -1 on OOM. */
int csv_append_field(struct strbuf *b, const char *field, const char *end);

/* The history of a run. With a prefix, rows are appended to PREFIX_stats_history.csv and made
 * durable (write + fdatasync) each tick, and a snapshot export reads them back from that file;
 * rows that could not be written stay in memory and are retried at the next tick. Without a
 * prefix the whole history is kept in memory. */
struct csv_history;

/* prefix may be NULL (memory only). Creates missing directories of the prefix, truncates
 * PREFIX_stats_history.csv and writes its header line. full_history: one row per endpoint
 * with requests before the Aggregated row, with current-window percentiles (Locust's
 * --csv-full-history). NULL with a message when the file cannot be created or on OOM. */
struct csv_history *csv_history_open(const char *prefix, bool full_history, char *err,
                                     size_t errlen);
/* Append the rows for snapshot s (one per endpoint with requests when full_history, then
 * Aggregated), stamped with floor(s->now) and s->users. -1 with a message on a write or sync
 * failure (the unwritten rows are kept and retried at the next tick) or on OOM. */
int csv_history_tick(struct csv_history *h, const struct snapshot *s, char *err, size_t errlen);
/* Bytes of rows that could not be written to the file yet (0 without a file, or when every
 * row is on disk). Rows are written whole: the file never ends mid-row. */
size_t csv_history_unwritten(const struct csv_history *h);
/* Closes the file and frees h; NULL is ignored. */
void csv_history_close(struct csv_history *h);

/* Write PREFIX_stats.csv, PREFIX_failures.csv and PREFIX_exceptions.csv from s, each
 * atomically, creating missing directories of the prefix; each is tried even when another
 * failed. seen_columns adds Locust 2.44+'s `First Seen,Last Seen` columns (UTC,
 * %Y-%m-%dT%H:%M:%SZ) to failures.csv. -1 when any failed, with every failure's message in err
 * ("; " between them; files written stay). A warning is logged
 * (log_msg) when s->requests_dropped is not 0: "N requests were not recorded (out of memory):
 * the CSV numbers miss them" (the files have no place for it). */
int csv_write_final(const char *prefix, const struct snapshot *s, bool seen_columns, char *err,
                    size_t errlen);

/* The dashboard's "snapshot": the four files PREFIX_YYYYMMDD-HHMMSS_stats.csv,
 * _stats_history.csv, _failures.csv and _exceptions.csv (local time of s->now), each written
 * atomically. prefix NULL: "hornet" in the working directory. The history file holds the whole
 * history of h so far; with h NULL, the header and the Aggregated row of s. The timestamped
 * prefix used ("out/run_20261130-142501") is written to used (may be NULL), whether or not a file
 * failed. A set taken twice in the same second replaces the first. Every file is tried; -1
 * when any failed, with every failure's message in err. */
int csv_write_snapshot_set(const char *prefix, const struct snapshot *s,
                           const struct csv_history *h, bool seen_columns, char *used,
                           size_t usedlen, char *err, size_t errlen);

/* Formatting shared with the console, tests and reports. */
/* The endpoints that get a row (those with requests), sorted by name then method (bytewise,
 * which is Python's code point order), scenario order on ties. out holds SNAP_MAX_ENDPOINTS
 * pointers into s; returns how many were stored. */
unsigned csv_sorted_endpoints(const struct snapshot *s, const struct snap_stats **out);
/* Microseconds as integer milliseconds for a percentile or median cell (rounded half up). */
unsigned long long csv_ms(unsigned long long us);

#endif
