/* report_internal: what the report modules share (report.c, report_model.c, report_md.c,
 * report_html.c, report_svg.c, report_csv.c, report_estimate.c, report_main.c) and what their
 * tests reach: the facts every format shows, the section model both renderers walk, text
 * formatting, chart drawing, reading CSV files back and estimating statistics from their
 * cells. Not part of hornet's public API. */
#ifndef HORNET_REPORT_INTERNAL_H
#define HORNET_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "report.h"
#include "scenario.h"
#include "snapshot.h"
#include "verdict.h"

/* ---- facts (report.c) ------------------------------------------------------------------- */

#define REPORT_MAX_REASONS (SNAP_MAX_TARGETS + SNAP_HEALTH_METRICS + 4)
#define REPORT_REASON_MAX 400

/* The numbers and verdict explanation every format shows, computed once from an input. */
struct report_facts {
    bool running;                       /* a snapshot taken before the end */
    double start, end, duration;        /* run start, end (or snapshot time), seconds */
    bool reset;                         /* statistics restarted after the run started */
    uint32_t peak_users;                /* from the points, else the snapshot */
    uint64_t timed;                     /* Aggregated requests with a latency */
    uint64_t dist_total;                /* sum of the distribution buckets */
    unsigned n_sorted;                  /* endpoints with requests, by name then method */
    const struct snap_stats *sorted[SNAP_MAX_ENDPOINTS];
    struct verdict targets;     /* the targets counted by status (verdict_of) */
    unsigned n_unexpected, n_expected;  /* error groups of each kind */
    char summary[200];                  /* "4 of 4 targets met", "12 unexpected failures" */
    unsigned n_reasons;                 /* why the run failed (empty when it passed) */
    char reasons[REPORT_MAX_REASONS][REPORT_REASON_MAX];
};

/* Fill f from in (in->snap required). */
void report_facts_compute(const struct report_input *in, struct report_facts *f);

/* ---- text formatting (report.c) ---------------------------------------------------------- */

/* Milliseconds: "0.85 ms", "4.51 ms", "45.1 ms", "451 ms", "1.25 s", "61.0 s"; whole
 * milliseconds without decimals ("9 ms": the cells of CSV files). */
void report_fmt_ms(double ms, char *out, size_t n);
/* Microseconds, as report_fmt_ms. */
void report_fmt_us(uint64_t us, char *out, size_t n);
/* Digits grouped by thousands: "1,234,567". */
void report_fmt_count(uint64_t v, char *out, size_t n);
/* A fraction as a percentage: "12.3%", "0.25%", "< 0.01%", "0%", "100%". */
void report_fmt_share(double frac, char *out, size_t n);
/* A length of time: "8.0 s", "59.5 s", "5 min 00 s", "1 h 02 min 03 s". */
void report_fmt_duration(double s, char *out, size_t n);
/* Local date and time: "2026-11-30 14:25:01 +0100"; "not recorded" for 0. */
void report_fmt_clock(double t, char *out, size_t n);
/* Offset into the run: "0:08", "12:34", "1:02:03" (negative as 0:00). */
void report_fmt_elapsed(double s, char *out, size_t n);
/* Requests per second: "52.3/s", "1,234/s", "0.25/s". */
void report_fmt_rps(double v, char *out, size_t n);

/* "< 10 ms", "10–20 ms", ..., "500 ms–1 s", "≥ 1 s" (UTF-8). */
const char *report_bucket_label(int bucket);
/* "PASS", "AT RISK", "FAIL", "NO DATA", "NOT JUDGED" (a skipped throughput target). */
const char *report_status_word(uint8_t status);
/* "pass", "risk", "fail", "pending", "skipped": CSS classes. */
const char *report_status_class(uint8_t status);
/* The target's value over its window in its unit ("612 ms", "99.20%", "52.3/s"), or "no data". */
void report_target_actual(const struct snap_target *t, char *out, size_t n);
/* How far the value is from its bound: "+22% over the bound", "41% of the bound",
 * "0.80 pp below", "30% of the failure budget", "12% below the minimum", "no data", and for a
 * skipped target "the load differs from the scenario's". */
void report_target_margin(const struct snap_target *t, char *out, size_t n);
/* "who" of an event: "engine", "scenario", "operator". */
const char *report_event_source(uint8_t who);
/* What the p50/p95/p99 series mean, for a caption. */
const char *report_pct_kind_text(enum report_pct_kind k);

/* ---- whole documents as strings (report.c; the tests compare them) ---------------------- */

/* The Markdown report as a malloc'd NUL-terminated string (length in *len, len may be NULL);
 * the caller frees it. NULL on OOM. */
char *report_markdown(const struct report_input *in, size_t *len);

/* The HTML report, same contract as report_markdown. */
char *report_html(const struct report_input *in, size_t *len);

/* ---- the section model (report_model.c) -------------------------------------------------- */

/* How a run of text is shown. */
enum report_style {
    REPORT_TEXT = 0,            /* plain text (from the run: escaped for every format) */
    REPORT_PROSE,               /* hornet's own words, shown as written (Markdown does not
                                   escape them: "~10 s" stays as is) */
    REPORT_EM,                  /* emphasis */
    REPORT_STRONG,              /* strong emphasis */
    REPORT_CODE,                /* code (a command, a key, a file name) */
    REPORT_NAME,                /* an endpoint's name: code that may wrap after / ? & */
    REPORT_PRE,                 /* text whose line breaks matter (a traceback) */
    REPORT_STATUS,              /* a target's status word; cell.status says which */
    REPORT_VERDICT,             /* "PASS" or "FAIL" as a badge */
    REPORT_APPROX,              /* the "approximately" sign (the run's text is unused) */
};

#define REPORT_MAX_RUNS 12
struct report_run {
    uint8_t style;              /* enum report_style */
    const char *text;
};

/* A paragraph, or a list item: runs of styled text. */
struct report_para {
    struct report_run runs[REPORT_MAX_RUNS];
    uint8_t n_runs;
};

struct report_cell {
    const char *text;           /* NULL: nothing in this cell (not even an empty value) */
    uint8_t style;              /* enum report_style */
    uint8_t status;             /* enum target_status: REPORT_STATUS cells and tinted cells */
    uint8_t level;              /* enum event_level: a warning or error is flagged as such */
    bool approx;                /* an estimate: the "approximately" sign comes first */
    bool tinted;                /* coloured by status (a target's margin) */
    double bar;                 /* the row's share drawn as a bar (tables with bars) */
    const char *code_suffix;    /* shown after the text as " (CODE)"; may be NULL */
};

struct report_table {
    const char *const *heads;   /* NULL-terminated column titles */
    const char *numeric;        /* per column: 'n' numeric (right-aligned), '-' text, 'w' a
                                   moment in the run (+m:ss: right-aligned in HTML, left in
                                   Markdown, where the signs line up) */
    uint8_t n_cols;
    size_t n_rows, n_cells;
    struct report_cell *cells;  /* row-major, n_rows * n_cols */
    bool total_last;            /* the last row is the total */
    bool bars;                  /* each row's last cell carries a bar (Markdown draws it) */
    bool settings;              /* key/value pairs (HTML: a definition list) */
    bool wide;                  /* many columns: compact and scrollable */
    bool scroll;                /* may need to scroll sideways */
    bool timeline;              /* the timeline: its first columns do not wrap */
};

enum report_block_kind {
    REPORT_PARA = 0,            /* para; note: a side remark */
    REPORT_SUBHEAD,             /* text */
    REPORT_TABLE,               /* table */
    REPORT_LIST,                /* items */
    REPORT_DIST_CHART,          /* where the HTML report draws the distribution (beside the
                                   table that follows) */
    REPORT_HEALTH_CHARTS,       /* each backend-health metric over the run: SVG charts in HTML,
                                   a table of text sparklines in Markdown */
};

struct report_block {
    uint8_t kind;               /* enum report_block_kind */
    bool note;
    const char *text;
    struct report_para para;
    struct report_table *table;
    struct report_para *items;
    size_t n_items;
};

/* What a section is for: a renderer may show the special ones in its own way. */
enum report_role {
    REPORT_ROLE_BODY = 0,       /* a heading and its blocks */
    REPORT_ROLE_TITLE,          /* the document's title and headline */
    REPORT_ROLE_SUMMARY,        /* the run's key numbers (HTML: cards) */
    REPORT_ROLE_CHARTS,         /* charts over time (HTML only; no blocks) */
    REPORT_ROLE_NOTES,          /* notes at the end (HTML: the footer) */
};

#define REPORT_MAX_BLOCKS 12
struct report_section {
    const char *id;             /* stable: "configuration", "assessment", ... */
    const char *title;
    uint8_t role;               /* enum report_role */
    struct report_block blocks[REPORT_MAX_BLOCKS];
    size_t n_blocks;
};

/* The run's key numbers as shown (the HTML header and cards). */
struct report_headline {
    const char *title;          /* the scenario's name, or "hornet run" */
    bool passed, running, any_failure;
    const char *summary;        /* why: "4 of 4 targets met" */
    const char *requests, *failures, *failure_share, *throughput, *start, *duration;
    const char *expected;       /* NULL: not recorded */
    const char *expected_share;
    const char *latency[5];     /* median, average, p95, p99, max ("n/a" without timings) */
};

#define REPORT_MAX_SECTIONS 16
struct report_model {
    const struct report_input *in;
    const struct report_facts *facts;
    struct report_headline head;
    struct report_section sections[REPORT_MAX_SECTIONS];
    size_t n_sections;
    void **owned;               /* the arena: what report_model_free frees */
    size_t n_owned, cap_owned;
    bool oom;
};

/* Build the report's model from in and its facts (both must outlive the model). -1 on OOM
 * (nothing to free). */
int report_model_build(struct report_model *m, const struct report_input *in,
                       const struct report_facts *f);
void report_model_free(struct report_model *m);

/* Building a model section by section (report_campaign.c builds its own this way; m zeroed,
 * m->in and m->facts may be NULL). Strings given are borrowed; report_model_text copies one
 * into the model. A table gets room for `rows` rows (the caller sets t->n_rows); cells fill
 * it row by row. report_model_list makes a list of n items to fill with report_model_run.
 * Out of memory sets m->oom (check it once at the end). */
const char *report_model_text(struct report_model *m, const char *text);
struct report_section *report_model_section(struct report_model *m, const char *id,
                                            const char *title, enum report_role role);
struct report_para *report_model_para(struct report_model *m, struct report_section *s,
                                      bool note);
void report_model_run(struct report_para *p, enum report_style style, const char *text);
struct report_table *report_model_table(struct report_model *m, struct report_section *s,
                                        const char *const *heads, const char *numeric,
                                        size_t rows);
struct report_cell *report_model_cell(struct report_model *m, struct report_table *t,
                                      enum report_style style, const char *text);
struct report_para *report_model_list(struct report_model *m, struct report_section *s,
                                      size_t n);

/* Whether a section id is among ids (NULL-terminated); every id is when ids is NULL. */
bool report_model_wants(const char *const *ids, const char *id);

/* ---- Markdown and HTML renderers --------------------------------------------------------- */

/* The whole Markdown / HTML document of model m written to out. */
void report_md_render(FILE *out, const struct report_model *m);
void report_html_render(FILE *out, const struct report_model *m);

/* A document made of several models (a campaign's results). A part: m's body sections whose id
 * is in ids (NULL: all; in HTML also its charts, id "charts"), one heading level down
 * (Markdown "###", HTML <h3> in a div whose id is id_prefix + the section's). */
void report_md_render_part(FILE *out, const struct report_model *m, const char *const *ids);
void report_html_render_part(FILE *out, const struct report_model *m, const char *const *ids,
                             const char *id_prefix);
/* The HTML page around the parts: head (title, the reports' style), then the end. */
void report_html_page_open(FILE *out, const char *title);
void report_html_page_close(FILE *out);
/* m's body sections each as a <section> (h2), and its notes as the footer. */
void report_html_render_sections(FILE *out, const struct report_model *m);
/* The top of a page: eyebrow, title, a line under it, and the verdict box (pass or fail
 * colours, verdict as its big word, summary under it). */
void report_html_banner(FILE *out, const char *eyebrow, const char *title, const char *sub,
                        bool passed, const char *verdict, const char *summary);
/* A <section> holding parts: its title (h2), with a status pill when status is not NULL
 * (coloured as target_status: enum target_status); then report_html_part_close. */
void report_html_part_open(FILE *out, const char *id, const char *title, const char *status,
                           uint8_t target_status);
void report_html_part_close(FILE *out);
/* A Markdown heading of level 1..6 with the title escaped. */
void report_md_heading(FILE *out, int level, const char *title);

/* ---- charts (report_svg.c) --------------------------------------------------------------- */

/* Inline <svg> charts (no xmlns, no external reference), 100% wide; the caller writes titles
 * and legends. Time charts use in->points (averaged into at most 900 columns) and say so in a
 * paragraph when there are none; *log_axis tells whether the latency axis is logarithmic. */
void report_svg_throughput(FILE *out, const struct report_input *in,
                           const struct report_facts *f);
void report_svg_latency(FILE *out, const struct report_input *in, const struct report_facts *f,
                        bool *log_axis);
void report_svg_users(FILE *out, const struct report_input *in, const struct report_facts *f);
void report_svg_distribution(FILE *out, const struct snapshot *s,
                             const struct report_facts *f);
/* The open model's arrivals per second (in->arrivals): asked (dashed), started, dropped. */
void report_svg_arrivals(FILE *out, const struct report_input *in,
                         const struct report_facts *f);

/* Backend-health metric k over the run, on the throughput chart's time axis (0 at f->start,
 * f->duration long), with its limit's bound dashed and the polls without a value as gaps;
 * narrower than the other charts (two side by side). */
void report_svg_health(FILE *out, const struct report_input *in, const struct report_facts *f,
                       uint32_t k);

/* Metric k's samples over the whole run (in->health_points, else the snapshot's own). */
const struct snap_health_point *report_health_points(const struct report_input *in, uint32_t k,
                                                     size_t *n);

/* Axis ticks: "nice" steps (1, 2, 5 x 10^k) covering [0, max] with at most max_ticks
 * intervals; returns the step and the rounded-up top in *top. */
double report_svg_nice_step(double max, int max_ticks, double *top);
/* A time-axis step in seconds (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6,
 * 12 h, 1 d) giving at most max_ticks intervals over span. */
double report_svg_time_step(double span, int max_ticks);

/* Append text HTML-escaped (& < > " ') to out, its control characters escaped (escape.h). */
void report_html_escape(FILE *out, const char *text);

/* ---- CSV files read back (report_csv.c) -------------------------------------------------- */

/* One row of stats.csv (Aggregated: method ""). Times in ms as written; a percentile cell
 * "N/A" (or empty, or a missing column) sets its bit in pct_na. */
struct report_csv_stats_row {
    char method[8];
    char name[SNAP_NAME_MAX];
    uint64_t requests, failures;
    double median, avg, min, max, avg_size, rps, fps;
    double pct[SNAP_PCT_COUNT];
    uint16_t pct_na;
};

/* One row of stats_history.csv. entry: index into report_csv_run.stats (-1: Aggregated, -2: a name
 * stats.csv does not have). */
struct report_csv_history_row {
    int64_t timestamp;
    uint32_t users;
    int32_t entry;
    double rps, fps;
    double pct[SNAP_PCT_COUNT];
    uint16_t pct_na;
    uint64_t requests, failures;        /* Total Request Count, Total Failure Count */
    double median, avg, min, max, avg_size;
};

struct report_csv_failure_row {
    char method[8];
    char name[SNAP_NAME_MAX];
    char error[SNAP_TEXT_MAX];
    uint64_t count;
    double first_seen, last_seen;       /* 0: no such column or empty */
};

struct report_csv_exception_row {
    uint64_t count;
    char message[SNAP_TEXT_MAX];
    char traceback[SNAP_TEXT_MAX];
};

/* A run read back from its CSV files. */
struct report_csv_run {
    struct report_csv_stats_row *stats;       /* endpoints in file order, Aggregated apart */
    size_t n_stats;
    struct report_csv_stats_row total;
    bool has_total;
    struct report_csv_history_row *history;   /* every row, in file order */
    size_t n_history;
    bool has_history, full_history;     /* the file exists; it has per-endpoint rows */
    struct report_csv_failure_row *failures;
    size_t n_failures;
    bool has_failures, failures_seen;   /* the file exists; it has First/Last Seen */
    struct report_csv_exception_row *exceptions;
    size_t n_exceptions;
    bool has_exceptions;
};

/* Read PREFIX_stats.csv (required) and the other three files when they exist, one record at
 * a time. The history's Aggregated rows are kept; its per-endpoint rows (full history) only
 * with REPORT_CSV_ENDPOINT_HISTORY (targets on an endpoint over a steady or last-N window need
 * them; a day of them is large). -1 with "FILE:LINE: reason" in err when a file cannot be
 * read or is not in Locust's format. */
#define REPORT_CSV_ENDPOINT_HISTORY 1u
int report_csv_read_run(const char *prefix, unsigned flags, struct report_csv_run *run, char *err,
                        size_t errlen);
/* The same from texts (NULL: that file is missing); prefix names the files in messages. */
int report_csv_parse_run(const char *stats, const char *history, const char *failures,
                         const char *exceptions, const char *prefix, unsigned flags,
                         struct report_csv_run *run, char *err, size_t errlen);
/* Free what run holds and zero it. */
void report_csv_free(struct report_csv_run *run);

/* The open model's files (csv_open.h). PREFIX_corrected.csv has stats.csv's format: read the
 * file at path into run's stats rows (-1 with "PATH: reason" when it cannot be read or is not
 * in that format). PREFIX_arrivals.csv: its rows into *out (malloc'd, *n of them): 1, or 0
 * when there is no such file, or -1 with "PATH:LINE: reason". */
int report_csv_read_stats(const char *path, struct report_csv_run *run, char *err,
                          size_t errlen);
int report_csv_read_arrivals(const char *path, struct snap_arrival_point **out, size_t *n,
                             char *err, size_t errlen);

/* "2026-11-30T14:25:01Z" -> unix time; -1 when malformed. */
double report_csv_parse_utc(const char *text);

/* ---- hornet's own CSV files beside Locust's (report_extras.c) -------------------------------- */

struct fixture_result;

struct report_estimate;

/* Both of hornet's own files of prefix into a report rebuilt from CSV (r->snap, r->in):
 * PREFIX_expected.csv, each row an expected error group of its endpoint (matched by method and
 * name; rows of endpoints r->snap does not have are skipped) added to the endpoint's and the
 * total's expected counts (then no longer "unknown"); PREFIX_fixtures.csv into
 * fixtures[FIXTURE_PHASES] (phases not in the file stay "absent"; then r->in.fixtures). Files
 * that do not exist change nothing. -1 with "FILE:LINE: reason". */
int report_extras_apply(const char *prefix, struct report_estimate *r,
                        struct fixture_result *fixtures, char *err, size_t errlen);

/* ---- from CSV rows to a report (report_estimate.c) --------------------------------------- */

/* What report_main builds from a run's files. */
struct report_estimate {
    struct snapshot *snap;              /* heap */
    struct snap_point *points;
    size_t n_points;
    struct snap_event *events;          /* user-count changes from the history */
    size_t n_events;
    struct report_input in;             /* points at the above */
};

/* Build a snapshot, per-second points and a timeline from run; with scn (may be NULL), its
 * name and targets judged on the CSV numbers (run window: stats.csv; steady: from the first
 * history row at the peak user count; last N s: the history's last N seconds). The verdict
 * in out->in.passed follows verdict_passed. -1 on OOM. */
int report_estimate_build(const struct report_csv_run *run, const struct scenario *scn,
                          const char *prefix, struct report_estimate *out, char *err,
                          size_t errlen);
/* Free what r holds and zero it. */
void report_estimate_free(struct report_estimate *r);

/* ---- backend health read back (report_health.c) ------------------------------------------ */

/* Every sample of each health metric read from PREFIX_health.csv (report_input points at it). */
struct report_health {
    struct snap_health_point *points[SNAP_HEALTH_METRICS];
    size_t n[SNAP_HEALTH_METRICS], cap[SNAP_HEALTH_METRICS];
};

/* Read PREFIX_health.csv into s->health (sources, metrics, min, max, last values) and h (every
 * sample), judging each limit again on the samples; a metric that scn (may be NULL) also names
 * gets the scenario's limit instead of the file's. 1 when read, 0 when there is no such file
 * (s->health is left alone), -1 with "PREFIX_health.csv:LINE: reason" in err. */
int report_health_read(const char *prefix, const struct scenario *scn, struct snapshot *s,
                       struct report_health *h, char *err, size_t errlen);
void report_health_free(struct report_health *h);

/* The value of target d from the CSV rows (false: no data), with *estimated set when it
 * came from interpolating percentile cells; why (may be NULL) says what was missing. */
bool report_estimate_target_value(const struct report_csv_run *run, const struct scenario *scn,
                                  const struct target_def *d, double *value, bool *estimated,
                                  char *why, size_t whylen);

#endif
