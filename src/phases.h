/* phases: what a run does around its load: the scenario's setup and preflight before the
 * engine starts, its teardown after the users stopped (also after a Ctrl-C, and after a setup
 * or preflight that failed, so what setup made is cleaned up). They run on the main thread
 * while stop signals only set a flag (a Ctrl-C ends the phase in progress, between requests or
 * by aborting the transfer). What they do is logged as it happens; their results are kept in
 * the run for the console, PREFIX_fixtures.csv and the reports. Main thread only. */
#ifndef HORNET_PHASES_H
#define HORNET_PHASES_H

#include <stdio.h>
#include "fixture.h"
#include "run.h"

/* Exit code of a run stopped before any load: setup or a preflight check failed (or a stop
 * signal ended them). */
#define PHASES_EXIT_PREFLIGHT 5

/* Run setup, then preflight. 0 when both passed (or the scenario has none): the load may
 * start. Otherwise teardown runs at once, the fixtures' table is printed, PREFIX_fixtures.csv
 * is written (with --csv), one line on stderr names what failed and what it got, and the
 * return is PHASES_EXIT_PREFLIGHT. */
int phases_before(struct run *r);

/* Once the engine started: setup's and preflight's summaries ("Setup passed: 121 requests in
 * 1.67 s") into the run's event log, whence the log, the dashboard's Log view and the reports'
 * timeline have them. */
void phases_note(struct run *r);

/* Run teardown (when the scenario has one and setup was not skipped). */
void phases_after(struct run *r);

/* Wait `seconds` (a campaign's cool-down) while a stop signal only ends the wait. 0 after the
 * whole wait, -1 when a stop signal ended it. */
int phases_wait(double seconds);

/* The table of the fixtures' requests and how each phase ended (nothing when the scenario has
 * no fixture). */
void phases_print(FILE *out, const struct run *r);

/* PREFIX_fixtures.csv: one row per phase and endpoint (Phase, Type, Name, Request Count,
 * Failure Count, Expected Count, Median, Average, Min, Max, 99%, Status, Message), the times
 * in milliseconds as Locust's stats.csv; a phase without requests has one row with an empty
 * Type and Name. Nothing without fixtures. -1 with the error in err. */
int phases_write_csv(const struct run *r, const char *prefix, char *err, size_t errlen);

#endif
