/* scenario: a validated load scenario as plain structs, read from a JSON file by scenario_load.
 * The loader is the only code that sees cJSON; the engine reads these structs, read-only, from
 * every thread. Everything is owned by the struct scenario and freed by scenario_free.
 * The file format is documented in scenarios/README.md. */
#ifndef HORNET_SCENARIO_H
#define HORNET_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "health_limit.h"
#include "snapshot.h"         /* enum target_metric */

struct tmpl;   /* template.h */
struct promtext_selector;   /* promtext.h */

enum http_method { HTTP_GET = 0, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_HEAD,
                   HTTP_OPTIONS, HTTP_METHOD_COUNT };
extern const char *const http_method_names[HTTP_METHOD_COUNT];

/* A JSON path into a response body: "id", "results.0.id", "results[0].id", "results.*.id"
 * (* = a random element of the array, chosen with the user's PRNG). An index segment applied
 * to an object selects the member named by its decimal text ("codes.404"); n == 0 (path "$")
 * is the whole body. */
struct json_seg {
    char *key;          /* object key, or NULL for an array index */
    int32_t index;      /* array index (>= 0), or JSON_SEG_ANY for '*' */
};
#define JSON_SEG_ANY (-1)
struct json_path {
    char *text;         /* as written */
    uint32_t n;
    struct json_seg *segs;
};

struct kv_tmpl {        /* a header or a query parameter */
    char *name;         /* header: as written (a valid token); query: already percent-encoded */
    struct tmpl *value; /* header: TMPL_HEADER escaping; query: TMPL_QUERY (percent-encoded) */
};

enum capture_source { CAPTURE_JSON = 0, CAPTURE_HEADER, CAPTURE_STATUS };
struct capture {
    uint32_t var;               /* index into scenario->vars */
    enum capture_source source;
    struct json_path path;      /* CAPTURE_JSON */
    char *header;               /* CAPTURE_HEADER: header name, case-insensitive */
    bool optional;              /* a missing value leaves the variable as it was, no failure */
    const char *name;           /* the variable's name (scenario->vars[var]; not owned) */
};

enum json_literal_kind { JSON_LIT_STRING = 0, JSON_LIT_NUMBER, JSON_LIT_BOOL, JSON_LIT_NULL };
struct json_literal {
    enum json_literal_kind kind;
    struct tmpl *string;        /* JSON_LIT_STRING: may use ${...} */
    double number;
    bool boolean;
};

enum check_kind { CHECK_JSON_EQUALS = 0, CHECK_JSON_NOT_EQUALS, CHECK_JSON_EXISTS,
                  CHECK_JSON_MISSING, CHECK_BODY_CONTAINS, CHECK_BODY_NOT_CONTAINS,
                  CHECK_JSON_AT_LEAST, CHECK_JSON_AT_MOST };
struct check {
    enum check_kind kind;
    struct json_path path;      /* CHECK_JSON_* */
    struct json_literal value;  /* CHECK_JSON_EQUALS / NOT_EQUALS; AT_LEAST / AT_MOST: a number
                                   (the value at path must be a number, or a numeric string) */
    bool every;                 /* CHECK_JSON_*: every element a "*" of path stands for must
                                   pass (an empty array passes), not one chosen at random */
    struct tmpl *text;          /* CHECK_BODY_*: the substring */
    char *describe;             /* for messages: json.status == "approved" */
};

enum body_kind { BODY_NONE = 0, BODY_JSON, BODY_RAW };

struct step {
    enum http_method method;
    struct tmpl *path;          /* "/api/v1/deployments/${dep_id}/", or a full http(s) URL */
    struct kv_tmpl *query;      /* appended as ?k=v&..., url-encoded */
    uint32_t n_query;
    struct kv_tmpl *headers;    /* on top of the class's headers (same name: step wins) */
    uint32_t n_headers;
    enum body_kind body_kind;
    struct tmpl *body;          /* BODY_JSON: renders JSON text (Content-Type set by engine);
                                   BODY_RAW: the text as written, TMPL_RAW escaping */
    char *content_type;         /* BODY_RAW: "text/plain" unless the file gives one; a
                                   Content-Type in headers wins over it */
    uint32_t endpoint;          /* index into scenario->endpoints */
    uint16_t *expect;           /* statuses that count as success, sorted, unique ("2xx" in the
                                   file is expanded); n_expect == 0: 200..399. See
                                   scenario_step_expects */
    uint32_t n_expect;
    struct capture *captures;
    uint32_t n_captures;
    struct check *checks;
    uint32_t n_checks;
    double timeout;             /* seconds; 0: scenario->timeout */
    bool needs_body;            /* a capture or check reads the body */
    char *where;                /* "user_classes[0].tasks[2].steps[0]", for messages */
    int line;                   /* line of the step in the file */
};

struct task {
    char *name;
    double weight;              /* > 0 */
    struct step *steps;
    uint32_t n_steps;
    char **tags;
    uint32_t n_tags;
};

enum wait_kind { WAIT_NONE = 0, WAIT_CONSTANT, WAIT_BETWEEN, WAIT_CONSTANT_PACING,
                 WAIT_CONSTANT_THROUGHPUT };
/* Locust's meanings: constant(a) sleeps a s; between(a, b) sleeps uniform [a, b];
 * constant_pacing(a) makes each task iteration take at least a s (sleeps a - task time, >= 0);
 * constant_throughput(a) = constant_pacing(1 / a): at most a task iterations per second. */
struct wait_policy {
    enum wait_kind kind;
    double a, b;
};

/* Arrivals: an open-model load, as k6's constant- and ramping-arrival-rate executors. An
 * iteration (one task picked by weight, its steps, then the class's wait, which holds the user)
 * starts `rate` times a second on the intended timeline, whatever the answers take, or
 * following `stages`: from start_rate, each stage moves the rate linearly to its own `rate`
 * over its duration. The iterations run on a pool of users (each with its variables, cookies
 * and connection, kept from one iteration to the next): pre_allocated of them start with the
 * run, more are created as arrivals need them, up to max_users. An arrival that finds every
 * user busy with the pool at max_users waits up to max_delay for one to free up (0: dropped at
 * once, as k6's dropped_iterations); one waiting longer is dropped. Documented in
 * scenarios/README.md#arrivals. */
#define ARRIVAL_RATE_MAX 1e6          /* iterations per second a rate may ask, at most */

struct arrival_stage {
    double duration;            /* seconds, > 0 */
    double rate;                /* iterations per second reached at the stage's end, >= 0 */
};
struct arrival_config {
    bool on;                    /* the class is driven by arrivals (open model) */
    double rate;                /* iterations per second, when n_stages == 0 */
    double start_rate;          /* with stages: the rate at the start */
    struct arrival_stage *stages;
    uint32_t n_stages;
    uint32_t pre_allocated;     /* users created when the run starts */
    uint32_t max_users;         /* >= 1, >= pre_allocated */
    double max_delay;           /* seconds an arrival may wait for a user; 0: dropped at once */
};

struct var_init {               /* a class's initial value of a variable */
    uint32_t var;
    struct tmpl *value;
};

struct user_class {
    char *name;
    double weight;              /* > 0; share of the users */
    uint32_t fixed_count;       /* > 0: exactly this many users, started before the weighted
                                   classes share the rest (Locust's fixed_count); 0: by weight */
    struct wait_policy wait;
    struct kv_tmpl *headers;    /* default headers of every request of this class; one is sent
                                   only when every variable it reads is set (tmpl_vars_set), so
                                   "Authorization: Token ${token}" stays off the login request
                                   of on_start; a step header of the same name replaces it */
    uint32_t n_headers;
    struct var_init *vars;      /* evaluated when a user starts, before on_start */
    uint32_t n_vars;
    struct step *on_start;
    uint32_t n_on_start;
    struct step *on_stop;
    uint32_t n_on_stop;
    struct task *tasks;
    uint32_t n_tasks;
    struct arrival_config arrivals; /* on: an open class (see struct arrival_config) */
};

struct stage {                  /* k6 stages / Locust LoadTestShape: move to `users` at spawn_rate,
                                   then hold until `duration` seconds after the stage began */
    double duration;
    uint32_t users;
    double spawn_rate;
};

struct endpoint_def {           /* what statistics are grouped by */
    enum http_method method;
    char *name;                 /* step's name, or its path template as written */
};

enum feeder_mode { FEEDER_PER_USER = 0, FEEDER_CYCLE, FEEDER_RANDOM };
/* A CSV data file: row per user (user_index mod rows), the next row at every task iteration of
 * any user (shared counter), or a random row per iteration. */
struct feeder {
    char *name;                 /* ${name.column} */
    enum feeder_mode mode;
    char **columns;
    uint32_t n_columns;
    char **cells;               /* row-major, n_rows * n_columns */
    uint32_t n_rows;
};

/* A performance target the run is judged on: a metric of the whole run (endpoint < 0:
 * Aggregated) or of one endpoint, over a window, within bounds. Times in milliseconds, rates
 * as fractions 0..1, throughput in requests per second. */
enum target_window {
    TARGET_WINDOW_RUN = 0,      /* the whole run (since the statistics started) */
    TARGET_WINDOW_STEADY,       /* after the ramp-up first completed */
    TARGET_WINDOW_LAST          /* the last `last` seconds */
};
struct target_def {
    char *text;                 /* as shown: "p99 < 500 ms", "success rate >= 99%" */
    char *endpoint_label;       /* "GET /api/v1/cab/approvals/", NULL for the whole run */
    int32_t endpoint;           /* index into scenario->endpoints, -1: Aggregated */
    enum target_metric metric;
    double pct;                 /* TARGET_PERCENTILE */
    double lo, hi;              /* the value must lie in [lo, hi] (-inf / inf when open) */
    bool lo_strict, hi_strict;  /* > and < rather than >= and <= */
    enum target_window window;
    double last;                /* seconds, TARGET_WINDOW_LAST (<= TARGET_LAST_MAX) */
    bool abort_on_fail;         /* stop the run when it fails (k6's abortOnFail) */
    double abort_after;         /* ... but not before this many seconds into the run */
    char *where;                /* "targets.endpoints[\"GET /x\"].p99", for messages */
    int line;
};
#define TARGET_LAST_MAX 600

/* The default and the bounds of max_body_kept ("max_body_kept" in the file). */
#define SCENARIO_BODY_KEPT ((size_t)8 << 20)
#define SCENARIO_BODY_KEPT_MIN ((size_t)1 << 10)
#define SCENARIO_BODY_KEPT_MAX ((size_t)1 << 30)

/* Backend health: sources polled during the run (a Prometheus /metrics URL, a JSON URL, local
 * processes, the host) and the metrics read from each, with their limits (scenario_health.c
 * loads them; health_*.c poll, read and judge them). */
enum health_kind { HEALTH_PROMETHEUS = 0, HEALTH_JSON, HEALTH_PROCESS, HEALTH_HOST };

/* What a process or host source measures (HEALTH_PROCESS: CPU .. PROCESSES; HEALTH_HOST: the
 * rest). */
enum health_series {
    HEALTH_CPU = 0,             /* % of one CPU (process) or of all CPUs (host) */
    HEALTH_RSS,                 /* bytes, summed over the processes */
    HEALTH_THREADS,
    HEALTH_OPEN_FILES,
    HEALTH_PROCESSES,           /* how many processes match */
    HEALTH_MEMORY_USED,         /* host: bytes (total - available) */
    HEALTH_MEMORY_AVAILABLE,
    HEALTH_MEMORY_PERCENT,      /* host: used / total, % */
    HEALTH_LOAD1, HEALTH_LOAD5, HEALTH_LOAD15,
    HEALTH_SERIES_COUNT
};

struct health_metric_def {
    char *name;                 /* as shown: "DB pool in use" (unique in the block) */
    uint32_t source;            /* index into health_def.sources */
    char *unit;                 /* health_unit.h: "bytes", "%", "s", "/s", or free text */
    struct promtext_selector *query;   /* HEALTH_PROMETHEUS: summed over the matches */
    struct json_path path;      /* HEALTH_JSON: a number (true 1, false 0), a numeric string,
                                   or an array's or object's size; "*" sums every element */
    char *equals;               /* HEALTH_JSON: the value is 1 when the field is this string,
                                   else 0 (NULL: not used) */
    enum health_series series;  /* HEALTH_PROCESS, HEALTH_HOST */
    bool has_missing;           /* PROMETHEUS, JSON: when nothing matches, the value is
                                   missing_value (Prometheus's `or vector(0)`), not a gap */
    double missing_value;
    bool rate;                  /* the per-second rate of a counter */
    double scale;               /* multiplies the value (after the rate); 1 unless given */
    struct health_limit limit;  /* kind HEALTH_LIMIT_NONE without one */
    char *limit_text;           /* as written; NULL without a limit */
    bool abort_on_fail;         /* stop the run when the limit fails */
    double abort_after;         /* ... but not before this many seconds into the run */
    char *where;                /* "health.sources.api.metrics[\"DB pool\"]", for messages */
    int line;
};

struct health_source_def {
    char *name;                 /* "api" */
    enum health_kind kind;
    struct tmpl *url;           /* PROMETHEUS, JSON: ${host} is the run's host, ${env:...} */
    struct kv_tmpl *headers;    /* PROMETHEUS, JSON: sent with every poll (auth) */
    uint32_t n_headers;
    char *process;              /* PROCESS: by name ... */
    char *pid_file;             /* ... or by the pid in a file */
    bool children;              /* PROCESS with pid_file: its direct children too */
    double interval;            /* seconds between polls */
    double timeout;             /* seconds a poll may take */
    uint32_t first_metric, n_metrics;   /* its metrics: health_def.metrics[first ..] */
};

#define HEALTH_MAX_SOURCES 16
#define HEALTH_MAX_METRICS 48

struct health_def {
    bool builtin_only;          /* the block describes the built-in target's simulated backend:
                                   not polled when the run has another host */
    struct health_source_def *sources;
    uint32_t n_sources;
    struct health_metric_def *metrics;  /* grouped by source, in the file's order */
    uint32_t n_metrics;
};

/* The "tls" block: how https targets are trusted. Paths are relative to the scenario file's
 * directory (already joined); NULL: not given. The command line, environment and config file
 * override each (--cacert, --cert, --key; --insecure turns verification off). */
struct scenario_tls {
    char *cacert;               /* CA certificates (PEM) to verify the target with */
    char *cert, *key;           /* client certificate and its key (PEM) */
    bool insecure;              /* no certificate nor host name verification */
};

/* Steps run once around the load (setup before it, teardown after, preflight checks between
 * setup and load), on the main thread, one after the other: a fixture. Its steps are those of
 * `cls.on_start` (cls is a class only in name: its default headers are the fixture's, it has
 * no task), grouped into loops run in order: each loop runs its steps `repeat` times, or once
 * per row of a feeder (${iteration} is the loop's round, 0-based; a feeder loop's
 * ${feeder.column} reads the round's row). Statistics of fixture steps go to the fixture's
 * own endpoints, never to the load's. */
struct fixture_loop {
    uint32_t first, n;          /* its steps: cls.on_start[first .. first + n) */
    uint32_t repeat;            /* rounds (a feeder loop: the feeder's rows) */
    int32_t feeder;             /* index into scenario->feeders, -1: a counted loop */
    bool plain;                 /* steps written outside any loop (one round) */
};

enum fixture_phase { FIXTURE_SETUP = 0, FIXTURE_PREFLIGHT, FIXTURE_TEARDOWN, FIXTURE_PHASES };
extern const char *const fixture_phase_names[FIXTURE_PHASES];   /* "setup", ... */

/* A preflight check of a backend-health metric: one poll of its source before any load must
 * keep a bound ({"health": "Celery workers", "limit": "> 0"}; without "limit", the metric's
 * own, which must then be a plain bound). Run after the preflight's requests. */
struct preflight_health {
    char *name;                 /* its description, else "health METRIC" */
    char *metric_name;          /* as written; resolved once the health block is read */
    uint32_t metric;            /* index into scenario->health.metrics */
    struct health_limit limit;  /* HEALTH_LIMIT_BOUND, a fixed amount */
    char *limit_text;           /* as written, or the metric's */
    char *where;                /* "preflight.steps[1]", for messages */
    uint32_t off;               /* where it is in the file, for messages */
};

struct fixture_def {
    struct user_class cls;      /* name: the phase; headers; on_start: every step */
    struct fixture_loop *loops;
    uint32_t n_loops;
    char **check_names;         /* preflight: the name of each step's check (its description,
                                   else METHOD name), per step of cls.on_start; NULL otherwise */
    struct preflight_health *health;    /* preflight: its backend-health checks */
    uint32_t n_health;
};

struct scenario {
    char *path;                 /* the file it was loaded from */
    char *name;
    char *description;
    char *host;                 /* NULL: none given */
    uint32_t users;             /* defaults, overridden by the command line */
    double spawn_rate;
    double run_time;            /* seconds; 0: none */
    double timeout;             /* default request timeout in seconds */
    size_t max_body_kept;       /* bytes of a response body kept for captures and checks
                                   (default SCENARIO_BODY_KEPT); a longer body is cut there and
                                   whatever reads it fails */
    struct stage *stages;
    uint32_t n_stages;
    struct user_class *classes;
    uint32_t n_classes;
    struct endpoint_def *endpoints;
    uint32_t n_endpoints;
    char **vars;                /* names of per-user variables; templates use their indices */
    uint32_t n_vars;
    struct feeder *feeders;
    uint32_t n_feeders;
    struct target_def *targets;
    uint32_t n_targets;
    struct fixture_def fixtures[FIXTURE_PHASES];   /* cls.on_start == NULL: none */
    struct endpoint_def *fixture_endpoints;    /* what fixture steps' `endpoint` indexes */
    uint32_t n_fixture_endpoints;
    uint32_t n_shared;          /* entries of shared (n_vars once loaded) */
    bool *shared;               /* per variable (n_vars entries): captured by setup, so every
                                   user and the later fixtures read it and nothing else may set
                                   it */
    struct health_def health;   /* no sources: no health polling */
    struct scenario_tls tls;
    struct arrival_config arrivals; /* on: every class without its own is open and gets a
                                       share of these (scenario_class_arrivals) */
};

/* Load and validate a scenario file. On error returns -1 and writes one line to err:
 * "deployments.json:14:9: user_classes[0].tasks[2].steps[0].method: "FETCH" is not one of GET,
 * POST, PUT, PATCH, DELETE, HEAD, OPTIONS". *out is owned by the caller (scenario_free). */
int scenario_load(const char *path, struct scenario **out, char *err, size_t errlen);

/* Keep only the named user classes (none: all), and the tasks that carry one of `tags` (none:
 * all) and none of `exclude`. -1 with a message when a class name is unknown or nothing is
 * left to run. */
int scenario_filter(struct scenario *s, char *const *classes, size_t n_classes,
                    char *const *tags, size_t n_tags, char *const *exclude, size_t n_exclude,
                    char *err, size_t errlen);

void scenario_free(struct scenario *s);

/* The arrivals class k runs on: its own `arrivals`, or its share of the scenario's (split by
 * weight among the classes without their own: rates times `scale`, pool sizes by largest
 * remainder, at least one user each). */
struct class_arrivals {
    const struct arrival_config *cfg;
    double scale;               /* multiplies cfg's rate, start_rate and stage rates */
    uint32_t pre_allocated, max_users;
    double max_delay;
};

/* Whether class k is open (driven by arrivals); when it is and out is not NULL, its arrivals.
 * Any thread. */
bool scenario_class_arrivals(const struct scenario *s, uint32_t k, struct class_arrivals *out);

/* Whether the requests of any class have an intended start time (an open class, or a
 * constant_pacing / constant_throughput wait), so that their latency from that time (corrected
 * for coordinated omission) means something. Any thread. */
bool scenario_has_intended(const struct scenario *s);

/* --arrival-rate: every class becomes open, sharing `rate` iterations per second and a pool of
 * `max_users` users by weight (the classes' own arrivals are replaced, their fixed counts
 * dropped). -1 with a message when max_users is smaller than the number of classes. */
int scenario_set_arrivals(struct scenario *s, double rate, uint32_t max_users, char *err,
                          size_t errlen);

/* Whether the scenario has that fixture (steps, or preflight's health checks). */
bool scenario_has_fixture(const struct scenario *s, enum fixture_phase phase);

/* Forget the scenario's health block (--no-health, or a builtin_only block on another host):
 * nothing is polled or judged. */
void scenario_drop_health(struct scenario *s);

/* Whether status counts as a success for st: listed in its expect, or 200..399 when it lists
 * none. Any thread; no allocation. */
bool scenario_step_expects(const struct step *st, int status);

#endif
