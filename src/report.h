/* report: the end-of-run reports (verdict, targets, statistics), from plain data (a snapshot,
 * the run's seconds and events): a Markdown report to paste into a wiki and one
 * self-contained HTML file (inline CSS and SVG charts, no network fetch). `hornet report
 * PREFIX` rebuilds both from a run's CSV files, hornet's or Locust's, and can judge a
 * scenario's targets on them.
 *
 * Sections, in both formats: run configuration, results summary, performance assessment
 * (every target: bound, window, actual value, margin, status), backend health (every metric:
 * last, min, max, limit and verdict; the sources; each metric over the run on the time axis
 * of the throughput chart: SVG charts in HTML, text sparklines in Markdown), response-time
 * distribution, endpoints, failures (unexpected, expected apart, engine errors), timeline,
 * verdict. The HTML adds charts: requests/s and failures/s, p50/p95/p99 over time, users, the
 * distribution.
 *
 * Pure functions of their input plus file output; main thread (any thread: no shared state). */
#ifndef HORNET_REPORT_H
#define HORNET_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "snapshot.h"

struct fixture_result;   /* fixture.h */

/* What the p50/p95/p99 of each point mean. */
enum report_pct_kind {
    REPORT_PCT_SECOND = 0,      /* a live run: percentiles of that second's requests */
    REPORT_PCT_CUMULATIVE,      /* a history without --csv-full-history: since the start */
    REPORT_PCT_WINDOW           /* --csv-full-history: Locust's ~10 s current window */
};

/* Everything a report shows. Only snap is required; the pointers are borrowed for the call.
 * A live run zero-initialises the struct and fills the first block; report_main fills the
 * second block too. */
struct report_input {
    const struct snapshot *snap;        /* the final snapshot, or the current one while running
                                           (snap->finished false: the report says so) */
    const struct snap_point *points;    /* every second of the run, oldest first; NULL/0:
                                           the snapshot's own series (last 10 minutes) */
    size_t n_points;
    const struct snap_event *events;    /* the whole timeline, oldest first; NULL/0: the
                                           snapshot's own (newest SNAP_MAX_EVENTS) */
    size_t n_events;
    const char *scenario_path;          /* the scenario file; may be NULL */
    uint32_t users;                     /* configured users (-u or the scenario's) */
    double spawn_rate;                  /* configured users per second; 0: not known */
    double run_time;                    /* configured limit in seconds; 0: none */
    bool use_stages;                    /* the scenario's stages drive the load */
    bool passed;                        /* the run's verdict: verdict_passed(snap) */
    double generated_at;                /* unix time shown as "generated"; 0: now */
    const struct fixture_result *fixtures;  /* setup, preflight, teardown (FIXTURE_PHASES
                                               results, fixture.h); NULL: not known */
    /* Backend health over the whole run: every sample of snap->health's metric k, oldest
     * first; health_n[k] 0: the snapshot's own newest samples. */
    const struct snap_health_point *health_points[SNAP_HEALTH_METRICS];
    size_t health_n[SNAP_HEALTH_METRICS];

    /* The open model (snap_open.h). With corrected latencies, snap is the corrected view
     * (snap_open_corrected_view) and points carry the corrected bands, so every section shows
     * them; service is then the run's own snapshot, for the service times the reports show
     * beside them. NULL: no corrected latencies. arrivals: the open classes' schedule per
     * second (timeline_arrivals), NULL/0 without open classes. */
    const struct snapshot *service;
    const struct snap_arrival_point *arrivals;
    size_t n_arrivals;

    /* Reports rebuilt from CSV files only (zero for a live run). */
    const char *csv_prefix;             /* the files' prefix; NULL: a live run */
    enum report_pct_kind pct_kind;
    bool dist_estimated;                /* distribution interpolated from percentile cells */
    bool expected_unknown;              /* expected responses are not in the files */
    uint32_t targets_estimated;         /* bit i: targets[i] estimated from history cells */
    uint32_t endpoints_dropped;         /* stats.csv rows beyond SNAP_MAX_ENDPOINTS */
    const char *const *notes;           /* more sentences for the notes (missing files...) */
    size_t n_notes;
};

/* Write the Markdown / HTML report to path atomically (a temporary file in the same directory,
 * fsync, rename), creating missing directories. -1 with "cannot write PATH: reason" in err. */
int report_write_markdown(const struct report_input *in, const char *path, char *err,
                          size_t errlen);
int report_write_html(const struct report_input *in, const char *path, char *err,
                      size_t errlen);

/* The results document of a campaign: OUT/RESULTS.md and OUT/RESULTS.html (self-contained,
 * charts inline), built only from the files in OUT (campaign.csv, and each scenario's CSV
 * files and scenario file): the executive summary (each scenario's status, users, duration,
 * requests, unexpected failures with the expected responses apart, throughput and p50/p99
 * against their targets), the findings with their evidence, next steps, and a section per
 * scenario (configuration, targets, endpoints, charts, failures, setup and teardown). -1 with
 * the reason in err (an unreadable campaign.csv, an unwritable file). */
int report_campaign_write(const char *out_dir, char *err, size_t errlen);

/* `hornet report PREFIX [--scenario FILE.json] [--report OUT.md] [--html OUT.html]`, argv[0] being
 * "report": reads PREFIX_stats.csv (required), PREFIX_stats_history.csv, PREFIX_failures.csv
 * and PREFIX_exceptions.csv (hornet's or Locust's; a missing optional file is noted), writes
 * PREFIX_report.md and PREFIX_report.html (or the given paths), judges the scenario's targets
 * on the CSV numbers when --scenario is given, prints the verdict to stdout and returns the
 * exit code: 0 pass, 1 fail (a target failed, or without targets a request failed), 2 usage
 * error, unreadable input or unwritable output. Messages go to stderr. */
int report_main(int argc, char **argv);

#endif
