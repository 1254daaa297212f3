/* console: Locust-style console output of a headless run, from snapshots: the stats table printed
 * every 2 s, and at the end the final table, the percentile table and the error report. Formats
 * are Locust 2.43's stats_logger lines byte for byte (widths count characters, not bytes; each
 * block ends with Locust's empty line). Rows: endpoints with requests, sorted by name then
 * method, Aggregated last (as csv.h).
 *
 * Main thread only. */
#ifndef HORNET_CONSOLE_H
#define HORNET_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>
#include "snapshot.h"

/* Locust's STATS_NAME_WIDTH for out: terminal columns - 80, clamped to [0, 80], or 80 when out
 * is not a terminal. */
int console_default_name_width(FILE *out);

/* The stats table. current: Current RPS / failures per second (live); otherwise totals (the
 * final summary, as Locust's #1152). name_width: Locust's STATS_NAME_WIDTH (the Name column is
 * name_width - 4 wide); 0 for console_default_name_width(out). Avg/Min/Max are truncated
 * milliseconds (Locust's %d), Med the rounded median as in the CSV. The final table (not
 * current) adds, under Aggregated, "N requests were not recorded (out of memory): the numbers
 * above miss them" when s->requests_dropped is not 0. With open classes (arrivals), a line
 * under Aggregated: live "Arrivals: R/s asked, R/s achieved, B busy of U users (max M), W
 * waiting, D dropped", at the end "Arrivals: N due, N started, D dropped (P%), up to U users
 * (max M)". */
void console_stats_table(FILE *out, const struct snapshot *s, bool current, int name_width);

/* "Response time percentiles (approximated)": cumulative percentiles in integer milliseconds
 * of the entries that have latencies. name_width as above (here the Name column is
 * name_width wide, as in Locust). */
void console_percentiles_table(FILE *out, const struct snapshot *s, int name_width);

/* The same table with the latencies corrected for coordinated omission (snap_open.h): from
 * each request's intended start, titled "Response time percentiles corrected for coordinated
 * omission (from the intended start)". Nothing when s->open.corrected is false. */
void console_corrected_table(FILE *out, const struct snapshot *s, int name_width);

/* "Error report": occurrences and "METHOD name: error" of the unexpected failures, most
 * frequent first, then (hornet's addition) "Expected responses (counted as successes)" in the
 * same format. Each block only when it has rows; prints nothing when there is neither. The
 * separator is 80 + console_default_name_width(out) - 19 dashes after the `|`, as Locust's. */
void console_error_report(FILE *out, const struct snapshot *s);

/* hornet's addition after the error report: when requests were in flight as users stopped,
 * "N requests were in flight when the users stopped: aborted, in no count above" and one
 * "    METHOD name: count" line per endpoint (scenario order), then an empty line; when the
 * run completed no request at all, "No request completed: a run that measured nothing does
 * not pass." and an empty line; when hornet was saturated (s->saturated_seconds),
 * "SATURATED for N s of the run: " SATURATION_TEXT and an empty line. Nothing otherwise. */
void console_end_notes(FILE *out, const struct snapshot *s);

/* "Performance targets": each target with its window, value and verdict, then the run's
 * verdict line ("Verdict: PASS (4 of 4 targets met; 3 of 3 health limits kept)" / "Verdict:
 * FAIL ...", ending ", measured under saturation" when hornet was saturated). Without
 * targets, the verdict line alone when s has health limits; nothing when s has neither. */
void console_targets_table(FILE *out, const struct snapshot *s, bool passed);

#endif
