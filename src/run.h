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
};

/* Load the scenario, resolve settings, start the embedded target if needed and create and
 * start the engine. Returns 0, or an exit code (2 usage/scenario, 3 internal) after printing
 * one clear line to stderr. */
int run_prepare(struct run *r, struct options *opt);

/* Copy the newest snapshot into r->snap; returns true when it is newer than before. */
bool run_refresh(struct run *r);

/* Log the events that appeared since the last call (Locust-style log lines). */
void run_log_events(struct run *r);

/* Append the history row(s) for the current snapshot, once per wall-clock second (a second
 * already written is skipped). */
void run_history_tick(struct run *r);

/* The last history row(s), from the final snapshot: written even when a row of the same second
 * was written already (that row did not have the final numbers), so nothing counted is lost. */
void run_history_final(struct run *r);

/* The end: final CSV files (when --csv), and the exit code of the run (0, or
 * --exit-code-on-error when any request failed). */
int run_finish(struct run *r);

/* Stop the engine and the target, free everything. */
void run_free(struct run *r);

#endif
