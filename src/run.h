/* run: what a hornet run is made of, wired from the options: the scenario (loaded, filtered),
 * the settings after Locust's precedence (command line > environment > config > scenario >
 * defaults), the embedded target when no host is given, the engine, and the outputs written
 * from snapshots (CSV history and final files, console tables). Shared by the headless
 * reporter and the dashboard. Main thread only. */
#ifndef HORNET_RUN_H
#define HORNET_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include "csv.h"
#include "engine.h"
#include "options.h"
#include "scenario.h"
#include "snapshot.h"

struct target;

struct run {
    struct options *opt;
    struct scenario *scn;
    struct target *target;          /* the embedded simulator, or NULL */
    struct engine *engine;
    struct csv_history *history;    /* always present (memory), with a file when --csv */
    struct snapshot *snap;          /* the newest copy (large: heap) */
    char host[256];
    uint32_t users;
    double spawn_rate, run_time;
    bool use_stages;
    int threads;
    uint64_t seed;
    uint64_t events_seen;           /* newest event seq already logged */
    int64_t last_row;               /* unix second of the last history row written */
    uint64_t last_row_seq;          /* snapshot seq of that row */
    struct snap_point *points;      /* every second of the run (snapshots keep 10 minutes) */
    size_t n_points, cap_points;
    struct snap_event *events;      /* the whole event timeline */
    size_t n_events, cap_events;
};

/* Load the scenario, resolve settings, start the embedded target if needed and create and
 * start the engine. Returns 0, or an exit code (2 usage/scenario, 3 internal) after printing
 * one clear line to stderr. */
int run_prepare(struct run *r, struct options *opt);

/* Copy the newest snapshot into r->snap, and keep its new seconds and events in r->points and
 * r->events (the whole run, for reports); returns true when it is newer than before. */
bool run_refresh(struct run *r);

/* Log the events that appeared since the last call (Locust-style log lines). */
void run_log_events(struct run *r);

/* Append the history row(s) for the current snapshot, once per wall-clock second (a second
 * already written is skipped). */
void run_history_tick(struct run *r);

/* The last history row(s), from the final snapshot: written even when a row of the same second
 * was written already (that row did not have the final numbers), so nothing counted is lost. */
void run_history_final(struct run *r);

/* The end: final CSV files (when --csv), and the exit code of the run: 3 when the engine hit a
 * fatal error (snapshot.fatal), 0 when run_verdict passes, else --exit-code-on-error (default
 * 1). */
int run_finish(struct run *r);

/* Write the Markdown and/or HTML report (either may be NULL) of the run so far: r->snap (the
 * final snapshot at the end), every second and event kept. -1 with a message. */
int run_write_reports(const struct run *r, const char *md, const char *html, char *err,
                      size_t errlen);

/* The run's verdict from its final snapshot: every target passed (a target without data
 * fails), the run was not aborted nor stopped by a fatal engine error, and no request failed
 * unless a success or failure rate target says how many may. */
bool run_verdict(const struct snapshot *s);

/* The end of every run, headless or dashboard (after the terminal is restored): the final
 * snapshot, its events and history row, the console summary (stats, percentiles, errors,
 * targets), then run_finish. Returns the exit code. */
int run_end(struct run *r);

/* Stop the engine and the target, free everything. */
void run_free(struct run *r);

#endif
