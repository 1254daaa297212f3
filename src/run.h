/* run: what a hornet run is made of, wired from the options: the scenario (loaded, filtered),
 * the settings after Locust's precedence (command line > environment > config > scenario >
 * defaults), the embedded target when no host is given, the source of its snapshots (the
 * local engine), the timeline kept from them, and the outputs written from snapshots (CSV
 * history and final files, console tables, reports, the dashboard's snapshot files). Shared
 * by the headless console and the dashboard through the host loop. Main thread only. */
#ifndef HORNET_RUN_H
#define HORNET_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include "csv.h"
#include "engine.h"
#include "options.h"
#include "scenario.h"
#include "snapshot.h"

struct ev_loop;
struct fixture_result;
struct health_csv;
struct metrics;
struct metrics_http;
struct target;
struct timeline;
struct user_var;

/* Where a run's snapshots come from and where its commands go: the local engine, or anything
 * else that publishes snapshots (a fleet of remote workers). */
struct source_ops {
    void (*send)(void *impl, const struct engine_cmd *cmd);
    /* Copy the newest snapshot into out (not copied again when out->seq is the newest);
     * returns its seq, 0 before the first. */
    uint64_t (*snapshot)(void *impl, struct snapshot *out);
};

struct source {
    const struct source_ops *ops;
    void *impl;
};

struct run {
    struct options *opt;
    struct scenario *scn;
    struct target *target;          /* the embedded simulator, or NULL */
    struct engine *engine;
    struct source source;           /* the engine's snapshots and commands */
    struct csv_history *history;    /* always present (memory), with a file when --csv */
    struct health_csv *health_csv;  /* PREFIX_health.csv: --csv and a health block */
    bool health_failing;            /* its last rows could not be written (logged once) */
    struct snapshot *snap;          /* the newest copy (large: heap) */
    struct timeline *timeline;      /* every second and event of the run */
    char host[256];
    uint32_t users;
    double spawn_rate, run_time;
    bool use_stages;
    struct scenario_tls tls;        /* resolved: options over the scenario (paths borrowed) */
    int threads;
    uint64_t seed;
    uint64_t logged_seq;            /* newest event already written to the log */
    int64_t last_row;               /* unix second of the last history row written */
    uint64_t last_row_seq;          /* snapshot seq of that row */
    bool history_failing;           /* the last history row could not be written (logged once
                                       until rows are written again) */
    char history_error[512];        /* why */
    struct metrics *metrics;        /* --metrics-port: counters observed from every snapshot */
    struct metrics_http *metrics_http;  /* ... and the endpoint serving them, or NULL */
    struct user_var *shared;        /* what setup captured (scn->n_vars): users and the later
                                       fixtures read it */
    struct fixture_result *fixtures;/* FIXTURE_PHASES results (phases.h) */
    int signals;                    /* stop signals the host loop received */
    bool operator_stopped;          /* the operator stopped the users (a signal, or the
                                       dashboard's stop, quit or skip): the run ended early */
    const char *campaign_line;      /* a campaign's line for the dashboard ("2 of 4 ...");
                                       NULL: not in a campaign */
    int campaign_key;               /* what the operator asked of the campaign with the
                                       dashboard's keys (ui.h enum ui_campaign); 0: nothing */
};

/* Exit code of a run whose requested outputs (CSV, history, reports, pipeline outputs, log
 * file) could not all be written; the errors were logged. */
#define RUN_EXIT_OUTPUT 4

/* Load the scenario, check every output path (writable, none twice: nothing is created when
 * one is refused), resolve settings, start the embedded target if needed, run the scenario's
 * setup and preflight (phases.h) and create and start the engine. Returns 0, or an exit code
 * (2 usage/scenario or an unwritable output, 3 internal, 5 setup or preflight failed: no user
 * started) after printing one clear line to stderr; a refused start leaves no history file. */
int run_prepare(struct run *r, struct options *opt);

/* The most users the run asks for: its flat target, or its stages' highest (0 when every class
 * is open), plus the open classes' pools at their max_users. */
uint32_t run_peak_users(const struct run *r);

/* Copy the newest snapshot into r->snap, keep its new seconds and events in r->timeline and
 * show it to the metrics' counters; returns true when it is newer than before. */
bool run_refresh(struct run *r);

/* Serve the metrics endpoint (--metrics-port) on loop, from r->snap, until
 * run_metrics_stop; nothing without --metrics-port. */
void run_metrics_start(struct run *r, struct ev_loop *loop);
void run_metrics_stop(struct run *r);

/* Send a command to the run's source (ramps, pause, stop, notes for the event log). */
void run_send(struct run *r, const struct engine_cmd *cmd);

/* Log the timeline's events that appeared since the last call (Locust-style log lines). */
void run_log_events(struct run *r);

/* Append the history row(s) for the current snapshot, once per wall-clock second (a second
 * already written is skipped), and the backend-health samples kept since the last call. */
void run_history_tick(struct run *r);

/* Where the console tables go: stdout, or stderr with --json (stdout carries the JSON). */
FILE *run_console(const struct run *r);

/* The dashboard's snapshot files of the run so far: the four CSV files under a timestamped
 * prefix (next to --csv's, or hornet_... in the working directory) with the backend-health
 * CSV when the run polls health sources, then the Markdown and HTML reports next to them
 * (tried even when a CSV file failed), each set written noted in the event log. 0 with
 * "Snapshot written: ..." in msg, -1 with the errors in msg (logged too). */
int run_export_snapshot(struct run *r, char *msg, size_t n);

/* The end of every run, headless or dashboard (after the terminal is restored): the final
 * snapshot, its events and the last history row (written even when a row of the same second
 * was, so nothing counted is lost), the scenario's teardown, the console summary (stats,
 * percentiles, errors, aborted requests, targets, the fixtures' table; on run_console), the
 * final CSV files (PREFIX_fixtures.csv too) and reports and the pipeline outputs (--json on
 * stdout, --json-file, --junit), each tried even when another failed. Returns the exit code: 3
 * when the engine hit a fatal error (snapshot.fatal), else RUN_EXIT_OUTPUT when a requested
 * output (a CSV file, history rows, a report, a pipeline output, a log line) could not be
 * written, else 0 when verdict_passed (always for a worker node: its master judges), else
 * --exit-code-on-error (default 1). */
int run_end(struct run *r);

/* Stop the engine and the target, free everything. */
void run_free(struct run *r);

#endif
