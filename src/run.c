/* run: wiring a run from options: scenario, settings precedence, embedded target, engine and
 * the outputs written from snapshots. Main thread only. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "console.h"
#include "console_health.h"
#include "csv_open.h"
#include "escape.h"
#include "fileio.h"
#include "health_csv.h"
#include "junit.h"
#include "locust_json.h"
#include "log.h"
#include "phases.h"
#include "metrics.h"
#include "metrics_http.h"
#include "report.h"
#include "run.h"
#include "run_internal.h"
#include "target/target.h"
#include "timeline.h"
#include "verdict.h"

uint32_t run_peak_users(const struct run *r)
{
    uint32_t peak = r->users, open = 0, closed = 0;
    struct class_arrivals arr;

    if (r->use_stages)
        for (uint32_t i = 0; i < r->scn->n_stages; i++)
            if (r->scn->stages[i].users > peak)
                peak = r->scn->stages[i].users;
    for (uint32_t k = 0; k < r->scn->n_classes; k++) {
        if (scenario_class_arrivals(r->scn, k, &arr))
            open += arr.max_users;
        else
            closed++;
    }
    return (closed ? peak : 0) + open;
}

/* --arrival-rate makes every class open (with --max-users, or -u / the scenario's users, as
 * the pool); --max-users alone resizes the scenario's own arrivals. 0, or exit code 2. */
static int arrival_options(struct run *r)
{
    const struct options *o = r->opt;
    char err[256];
    uint32_t max = o->max_users_set ? o->max_users : r->users, shared = 0;

    if (o->arrival_rate_set) {
        if (scenario_set_arrivals(r->scn, o->arrival_rate, max, err, sizeof err) < 0) {
            fprintf(stderr, "hornet: --arrival-rate: %s (%s); give --max-users N\n", err,
                    o->max_users_set ? "--max-users" : "the pool defaults to -u, or the "
                    "scenario's users");
            return 2;
        }
        r->use_stages = false;
        return 0;
    }
    if (!o->max_users_set)
        return 0;
    if (!r->scn->arrivals.on) {
        fprintf(stderr, "hornet: --max-users: sizes the pool of --arrival-rate, or of the "
                "scenario's top-level \"arrivals\" (%s has none)\n", r->scn->path);
        return 2;
    }
    for (uint32_t k = 0; k < r->scn->n_classes; k++)
        shared += !r->scn->classes[k].arrivals.on;
    if (max < shared) {
        fprintf(stderr, "hornet: --max-users %u: the %u user classes sharing the scenario's "
                "arrivals need at least one user each\n", max, shared);
        return 2;
    }
    r->scn->arrivals.max_users = max;
    if (r->scn->arrivals.pre_allocated > max)
        r->scn->arrivals.pre_allocated = max;
    return 0;
}

/* The arrival options, then: an open model runs on one machine (a Locust master dispatches
 * users, not rates). 0, or exit code 2 before anything runs. */
static int apply_arrivals(struct run *r)
{
    int rc = arrival_options(r);

    if (rc != 0 || !(r->opt->worker || r->opt->master))
        return rc;
    for (uint32_t k = 0; k < r->scn->n_classes; k++)
        if (scenario_class_arrivals(r->scn, k, NULL)) {
            fprintf(stderr, "hornet: the open model (%s) runs on one machine: %s dispatches "
                    "users, not arrival rates\n", r->opt->arrival_rate_set ? "--arrival-rate"
                    : "the scenario's arrivals", r->opt->master ? "a master" : "a Locust master");
            return 2;
        }
    return 0;
}

static uint32_t fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
        return 0;
    return (uint32_t)rl.rlim_cur;
}

/* Settings: command line > environment > config file (all three in opt, *_set) > scenario >
 * defaults. Explicit -u or -r replace the scenario's stages with a flat ramp. */
static void resolve_settings(struct run *r)
{
    const struct options *o = r->opt;
    const struct scenario *s = r->scn;

    r->use_stages = s->n_stages > 0 && !o->users_set && !o->spawn_rate_set;
    r->users = o->users_set ? o->users : s->users ? s->users : 1;
    r->spawn_rate = o->spawn_rate_set ? o->spawn_rate : s->spawn_rate > 0 ? s->spawn_rate : 1.0;
    r->run_time = o->run_time_set ? o->run_time : s->run_time;
    r->threads = o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (r->threads < 1)
        r->threads = 1;
    r->seed = o->seed_set ? o->seed : ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
    if (o->worker) {                /* the master's ramp, stages and run time */
        r->use_stages = false;
        r->run_time = 0;
    }
}

/* --target-option NAME=VALUE... as hornet-target's command line over tc. 0, or -1 with the
 * message printed. */
static int target_options(const struct options *o, struct target_config *tc)
{
    size_t n = o->n_target_options;
    char **argv = calloc(n + 2, sizeof *argv), err[300], name[] = "hornet-target";
    const char *why = err;
    enum target_action action = TARGET_ACTION_RUN;
    int rc = -1;

    if (!argv) {
        fprintf(stderr, "hornet: out of memory\n");
        return -1;
    }
    argv[0] = name;
    for (size_t i = 0; i < n; i++) {
        const char *v = o->target_options[i];
        size_t len = strlen(v) + 3;
        if (!(argv[i + 1] = malloc(len)))
            goto out;
        snprintf(argv[i + 1], len, "--%s", strncmp(v, "--", 2) == 0 ? v + 2 : v);
    }
    if (target_config_parse_args(tc, (int)n + 1, argv, &action, err, sizeof err) < 0) {
        if (strncmp(why, "hornet-target: ", 15) == 0)
            why += 15;
        escape_fprintf(stderr, "hornet: --target-option: %s\n", why);
    }
    else if (action != TARGET_ACTION_RUN)
        fprintf(stderr, "hornet: --target-option: help and version are not options of the "
                "built-in target\n");
    else
        rc = 0;
out:
    for (size_t i = 1; i <= n; i++)
        free(argv[i]);
    free(argv);
    return rc;
}

static int start_target(struct run *r)
{
    struct target_config tc;
    char err[256];

    target_config_defaults(&tc);
    tc.port = 0;
    if (target_options(r->opt, &tc) < 0)
        return 2;
    tc.quiet = true;
    tc.seed = r->seed;
    r->target = target_start(&tc, err, sizeof err);
    if (!r->target) {
        escape_fprintf(stderr, "hornet: cannot start the built-in target API: %s\n", err);
        return 3;
    }
    snprintf(r->host, sizeof r->host, "http://127.0.0.1:%d", target_port(r->target));
    log_msg(LOG_LEVEL_INFO, "No host given: started the built-in target API at %s", r->host);
    return 0;
}

/* The host: -H, else the scenario's, else the built-in target; a master runs no user, so
 * without one its workers load their own (each worker's -H, scenario host or target). */
static int choose_host(struct run *r)
{
    const char *host = r->opt->host_set ? r->opt->host : r->scn->host;

    if (host && *host) {
        if (r->opt->n_target_options) {
            escape_fprintf(stderr, "hornet: --target-option applies to the built-in target, "
                           "but this run's host is %s\n", host);
            return 2;
        }
        snprintf(r->host, sizeof r->host, "%s", host);
        return 0;
    }
    if (r->opt->master)
        return 0;
    return start_target(r);
}

/* Backend health is polled once, by the master, and needs a host to poll (the scenario's
 * sources are relative to it). */
static void distributed_health(const struct run *r)
{
    if (r->scn->health.n_sources == 0)
        return;
    if (r->opt->worker)
        log_msg(LOG_LEVEL_INFO, "Worker node: its master polls the backend's health");
    else if (r->opt->master && !r->host[0])
        log_msg(LOG_LEVEL_WARNING, "Backend health is not polled: a master without a host (-H "
                "or the scenario's) has no backend of its own");
}

/* A worker's load is its master's: say which options it does not use. */
static void worker_ignores(const struct options *o)
{
    if (o->users_set || o->spawn_rate_set || o->run_time_set)
        log_msg(LOG_LEVEL_WARNING, "-u, -r and -t are the master's in a distributed run: this "
                "worker ignores them");
    if (o->report_md || o->report_html || !o->no_targets)
        log_msg(LOG_LEVEL_INFO, "Worker node: the master judges the targets; this worker's "
                "own CSV files and reports (if asked for) hold its part of the load");
}

/* Request tracing (-L DEBUG): each traced request's text becomes one DEBUG log line (with
 * continuation lines). Called on worker threads; log_msg is thread-safe. */
static void trace_to_log(void *arg, const char *text)
{
    (void)arg;
    log_msg(LOG_LEVEL_DEBUG, "%s", text);
}

/* The scenario's health block is polled unless --no-health, or unless it describes the built-in
 * target (builtin_only) and the run has another host. */
static void choose_health(struct run *r)
{
    if (r->scn->health.n_sources == 0)
        return;
    if (r->opt->no_health) {
        log_msg(LOG_LEVEL_INFO, "--no-health: the scenario's backend health is not polled");
        scenario_drop_health(r->scn);
    } else if (r->scn->health.builtin_only && !r->target && r->host[0]) {
        log_msg(LOG_LEVEL_INFO, "The scenario's health block describes the built-in target "
                "(builtin_only): not polled on %s", r->host);
        scenario_drop_health(r->scn);
    }
}

static bool any_open(const struct scenario *s)
{
    for (uint32_t k = 0; k < s->n_classes; k++)
        if (scenario_class_arrivals(s, k, NULL))
            return true;
    return false;
}

static int check_descriptors(const struct run *r, uint32_t limit)
{
    uint32_t per_user = r->target ? 2 : 1, peak = run_peak_users(r);
    uint32_t max = engine_max_users(limit, per_user);

    if (peak <= max || r->opt->worker || r->opt->master)
        return 0;                   /* a worker's users are its master's: capped when asked */
    fprintf(stderr, "hornet: %u users need about %llu file descriptors (%u per user%s) but the "
            "open-file limit is %u: at most %u users. Lower %s, or raise the limit "
            "(ulimit -n, /etc/security/limits.conf).\n", peak,
            (unsigned long long)engine_fds_needed(peak, per_user), per_user,
            r->target ? ", the built-in target shares this process" : "", limit, max,
            any_open(r->scn) ? "-u, --max-users or the arrivals' max_users" : "-u");
    return 2;
}

static int load_scenario(struct run *r)
{
    const struct options *o = r->opt;
    char err[1024];

    if (scenario_load(o->scenario, &r->scn, err, sizeof err) < 0 ||
        scenario_filter(r->scn, o->classes, o->n_classes, o->tags, o->n_tags, o->exclude_tags,
                        o->n_exclude_tags, err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet: %s\n", err);
        return 2;
    }
    return 0;
}

/* ---- output paths, checked before anything is created ------------------------------------- */

#define MAX_OUTPUTS 16

struct output_path {
    const char *option;         /* "--csv", "--report", ... */
    char path[4200];
    bool check;                 /* checked here (the log file was checked by log_init) */
};

static void add_output(struct output_path *out, size_t *n, const char *option, bool check,
                       const char *base, const char *suffix)
{
    if (!base)
        return;
    out[*n] = (struct output_path){.option = option, .check = check};
    snprintf(out[*n].path, sizeof out->path, "%s%s", base, suffix);
    (*n)++;
}

/* Every file a run may write at its end or every second (the dashboard's snapshot files are
 * timestamped: they cannot collide). */
static size_t list_outputs(const struct options *o, struct output_path *out)
{
    /* Locust's four, then those written when the run has them: a health block, corrected
     * latencies, open classes, setup/preflight/teardown */
    static const char *const csv_files[] = {"_stats.csv", "_stats_history.csv",
                                            "_failures.csv", "_exceptions.csv", "_health.csv",
                                            "_corrected.csv", "_arrivals.csv", "_fixtures.csv"};
    size_t n = 0;

    for (size_t i = 0; i < sizeof csv_files / sizeof csv_files[0]; i++)
        add_output(out, &n, "--csv", true, o->csv_prefix, csv_files[i]);
    add_output(out, &n, "--report", true, o->report_md, "");
    add_output(out, &n, "--html", true, o->report_html, "");
    add_output(out, &n, "--json-file", true, o->json_file, ".json");
    add_output(out, &n, "--junit", true, o->junit, "");
    add_output(out, &n, "--logfile", false, o->logfile, "");
    return n;
}

/* Every output path writable and each file named once (two outputs in one file would
 * overwrite each other): before anything is created, so a refused start leaves nothing. */
static int check_outputs(const struct options *o)
{
    struct output_path out[MAX_OUTPUTS];
    char canon[MAX_OUTPUTS][4200], err[4400];
    size_t n = list_outputs(o, out);

    for (size_t i = 0; i < n; i++) {
        if (out[i].check && fileio_check_output(out[i].path, err, sizeof err) < 0) {
            escape_fprintf(stderr, "hornet: %s: %s\n", out[i].option, err);
            return 2;
        }
        fileio_canonical(out[i].path, canon[i], sizeof canon[i]);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(canon[i], canon[j]) != 0)
                continue;
            escape_fprintf(stderr, "hornet: %s %s is also the file of %s (%s): give each output "
                           "its own file\n", out[i].option, out[i].path, out[j].option,
                           out[j].path);
            return 2;
        }
    }
    return 0;
}

/* TLS: each of the command line's (environment's, config file's) settings over the scenario's
 * tls block; the key goes with the certificate it came with. Files must be readable now. */
static int resolve_tls(struct run *r)
{
    const struct options *o = r->opt;
    const struct scenario_tls *s = &r->scn->tls;
    struct scenario_tls *t = &r->tls;
    static const char *const option[] = {"--cacert", "--cert", "--key"};

    t->cacert = o->cacert ? o->cacert : s->cacert;
    t->cert = o->cert ? o->cert : s->cert;
    t->key = o->cert ? o->key : s->key;
    t->insecure = o->insecure || s->insecure;
    const char *const path[] = {t->cacert, t->cert, t->key};
    for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
        if (path[i] && access(path[i], R_OK) != 0) {
            escape_fprintf(stderr, "hornet: %s: cannot read %s: %s\n", option[i], path[i],
                           strerror(errno));
            return 2;
        }
    }
    if (t->insecure)
        log_msg(LOG_LEVEL_WARNING, "INSECURE: TLS certificates and host names are not verified "
                "(--insecure): anyone between hornet and the target can pose as it");
    return 0;
}

static void engine_source_send(void *impl, const struct engine_cmd *cmd)
{
    engine_send(impl, cmd);
}

static uint64_t engine_source_snapshot(void *impl, struct snapshot *out)
{
    return engine_snapshot(impl, out);
}

static const struct source_ops engine_source = {engine_source_send, engine_source_snapshot};

/* The distributed part of the engine's configuration. */
static void distributed(const struct run *r, struct engine_config *cfg)
{
    const struct options *o = r->opt;

    if (o->worker) {
        cfg->role = ENGINE_WORKER;
        cfg->master_host = o->master_host;
        cfg->master_port = o->master_port;
        cfg->use_stages = false;
        cfg->run_time = 0;
        cfg->use_targets = false;
        cfg->reset_stats_after_ramp = false;
    } else if (o->master) {
        cfg->role = ENGINE_MASTER;
        cfg->master_host = o->master_bind_host;
        cfg->master_port = o->master_bind_port;
        cfg->expect_workers = o->expect_workers;
        cfg->fd_limit = 0;          /* the workers' descriptors are theirs */
    }
}

static int start_engine(struct run *r, uint32_t limit)
{
    struct engine_config cfg = {
        .scenario = r->scn, .host = r->host, .threads = r->threads, .seed = r->seed,
        .users = r->users, .spawn_rate = r->spawn_rate, .use_stages = r->use_stages,
        .run_time = r->run_time, .stop_timeout = r->opt->stop_timeout,
        .reset_stats_after_ramp = r->opt->reset_stats, .fd_limit = limit,
        .fds_per_user = r->target ? 2 : 1, .use_targets = !r->opt->no_targets,
        .load_changed = r->opt->arrival_rate_set || r->opt->max_users_set ||
                        (r->scn->n_stages ? !r->use_stages : r->users != r->scn->users),
        .trace = log_enabled(LOG_LEVEL_DEBUG) ? trace_to_log : NULL,
        .trace_requests = r->opt->debug_requests, .tls = r->tls, .shared = r->shared,
    };
    char err[512];

    distributed(r, &cfg);
    r->engine = engine_create(&cfg, err, sizeof err);
    if (!r->engine || engine_start(r->engine, err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet: %s\n", err);
        return r->engine ? 3 : 2;
    }
    r->source = (struct source){&engine_source, r->engine};
    return 0;
}

/* The setup's variable store and the fixtures' results (each phase not run yet). */
static int alloc_fixtures(struct run *r)
{
    r->shared = calloc(r->scn->n_vars ? r->scn->n_vars : 1, sizeof *r->shared);
    r->fixtures = calloc(FIXTURE_PHASES, sizeof *r->fixtures);
    if (!r->shared || !r->fixtures)
        return -1;
    for (int p = 0; p < FIXTURE_PHASES; p++) {
        r->fixtures[p].phase = (enum fixture_phase)p;
        r->fixtures[p].status = scenario_has_fixture(r->scn, (enum fixture_phase)p) &&
                                !r->opt->master ? FIXTURE_NOT_RUN : FIXTURE_ABSENT;
    }
    return 0;
}

/* --metrics-port: listen before any load, so a port in use stops the run from starting. */
static int listen_metrics(struct run *r)
{
    const struct options *o = r->opt;
    const char *host = o->metrics_host ? o->metrics_host : "127.0.0.1";
    char err[300];
    bool v6 = strchr(host, ':') != NULL;

    if (!o->metrics_port_set)
        return 0;
    r->metrics = metrics_create();
    r->metrics_http = metrics_http_listen(host, o->metrics_port, "/metrics",
                                          METRICS_CONTENT_TYPE, err, sizeof err);
    if (!r->metrics || !r->metrics_http) {
        fprintf(stderr, "hornet: --metrics-port: %s\n", r->metrics ? err : "out of memory");
        return 2;
    }
    log_msg(LOG_LEVEL_INFO, "Metrics at http://%s%s%s:%d/metrics", v6 ? "[" : "", host,
            v6 ? "]" : "", metrics_http_port(r->metrics_http));
    return 0;
}

static const struct strbuf *metrics_body(void *arg)
{
    struct run *r = arg;

    return metrics_text(r->metrics, r->snap);
}

void run_metrics_start(struct run *r, struct ev_loop *loop)
{
    if (r->metrics_http)
        metrics_http_start(r->metrics_http, loop, metrics_body, r);
}

void run_metrics_stop(struct run *r)
{
    metrics_http_stop(r->metrics_http);
}

int run_prepare(struct run *r, struct options *opt)
{
    char err[512];
    uint32_t limit = fd_limit();
    int rc;

    memset(r, 0, sizeof *r);
    r->opt = opt;
    r->last_row = -1;
    if ((rc = load_scenario(r)) != 0 || (rc = check_outputs(opt)) != 0)
        return rc;
    resolve_settings(r);
    if ((rc = apply_arrivals(r)) != 0)
        return rc;
    log_msg(LOG_LEVEL_INFO, "Random seed %llu (--seed %llu repeats this run's choices)",
            (unsigned long long)r->seed, (unsigned long long)r->seed);
    if (opt->worker)
        worker_ignores(opt);
    if ((rc = resolve_tls(r)) != 0 || (rc = choose_host(r)) != 0 ||
        (rc = check_descriptors(r, limit)) != 0 || (rc = listen_metrics(r)) != 0)
        return rc;
    distributed_health(r);
    choose_health(r);
    r->snap = calloc(1, sizeof *r->snap);
    r->timeline = timeline_create();
    if (!r->snap || !r->timeline || alloc_fixtures(r) < 0) {
        fprintf(stderr, "hornet: out of memory\n");
        return 3;
    }
    r->history = csv_history_open(opt->csv_prefix, opt->csv_full_history, err, sizeof err);
    if (r->history && opt->csv_prefix && r->scn->health.n_sources)
        r->health_csv = health_csv_open(opt->csv_prefix, err, sizeof err);
    if (!r->history || (opt->csv_prefix && r->scn->health.n_sources && !r->health_csv)) {
        escape_fprintf(stderr, "hornet: %s\n", err);
        return 2;
    }
    if ((rc = phases_before(r)) == 0 && (rc = start_engine(r, limit)) == 0) {
        phases_note(r);
        return 0;
    }
    if (opt->csv_prefix) {
        char path[4200];                    /* a run that never started leaves no history */
        snprintf(path, sizeof path, "%s_stats_history.csv", opt->csv_prefix);
        unlink(path);
        snprintf(path, sizeof path, "%s_health.csv", opt->csv_prefix);
        if (r->health_csv)
            unlink(path);
    }
    return rc;
}

bool run_refresh(struct run *r)
{
    uint64_t before = r->snap->seq;

    if (r->source.ops->snapshot(r->source.impl, r->snap) == before)
        return false;
    if (timeline_update(r->timeline, r->snap) < 0)
        log_msg(LOG_LEVEL_WARNING, "out of memory keeping the run's timeline: the reports "
                "miss some seconds or events");
    if (r->metrics)
        metrics_observe(r->metrics, r->snap);
    return true;
}

void run_send(struct run *r, const struct engine_cmd *cmd)
{
    if (cmd->type == ENGINE_STOP && cmd->who == EVENT_OPERATOR)
        r->operator_stopped = true;
    r->source.ops->send(r->source.impl, cmd);
}

void run_log_events(struct run *r)
{
    size_t n, first;
    const struct snap_event *events = timeline_events(r->timeline, &n);

    for (first = n; first > 0 && events[first - 1].seq > r->logged_seq; first--)
        ;
    for (size_t i = first; i < n; i++) {
        const struct snap_event *ev = &events[i];
        log_msg(ev->level == EVENT_ERROR ? LOG_LEVEL_ERROR
                : ev->level == EVENT_WARN ? LOG_LEVEL_WARNING : LOG_LEVEL_INFO, "%s", ev->text);
        r->logged_seq = ev->seq;
    }
}

/* A history row that cannot be written is kept and retried every second; its error is logged
 * once, and again only after rows were written in between. */
static void history_row(struct run *r)
{
    char err[512];

    r->last_row = (int64_t)floor(r->snap->now);
    r->last_row_seq = r->snap->seq;
    if (csv_history_tick(r->history, r->snap, err, sizeof err) == 0) {
        if (r->history_failing)
            log_msg(LOG_LEVEL_INFO, "History rows are written again");
        r->history_failing = false;
        return;
    }
    if (!r->history_failing)
        log_msg(LOG_LEVEL_ERROR, "%s (rows are kept and retried every second)", err);
    r->history_failing = true;
    snprintf(r->history_error, sizeof r->history_error, "%s", err);
}

/* The health samples kept since the last call, as the history's rows: what cannot be written
 * is kept and retried every second, its error logged once until rows are written again. */
static void health_rows(struct run *r)
{
    char err[512];

    if (!r->health_csv)
        return;
    if (health_csv_tick(r->health_csv, r->snap, r->timeline, err, sizeof err) == 0) {
        r->health_failing = false;
        return;
    }
    if (!r->health_failing)
        log_msg(LOG_LEVEL_ERROR, "%s (rows are kept and retried every second)", err);
    r->health_failing = true;
}

void run_history_tick(struct run *r)
{
    if (r->snap->seq != 0 && (int64_t)floor(r->snap->now) != r->last_row)
        history_row(r);
    health_rows(r);
}

static void run_history_final(struct run *r)
{
    if (r->snap->seq != 0 && r->snap->seq != r->last_row_seq)
        history_row(r);
    health_rows(r);
}

/* With corrected latencies, the reports show them: in's snapshot becomes the corrected view
 * and its points carry the corrected bands (both allocated into *view and *points, freed by
 * the caller); the service times stay in in->service. -1 when memory ran out. */
static int open_model_input(const struct run *r, struct report_input *in,
                            struct snapshot **view, struct snap_point **points)
{
    size_t n_bands;
    const struct snap_bands *bands = timeline_bands(r->timeline, &n_bands);

    in->arrivals = timeline_arrivals(r->timeline, &in->n_arrivals);
    if (!r->snap->open.corrected)
        return 0;
    if (!(*view = malloc(sizeof **view)) ||
        (in->n_points && !(*points = malloc(in->n_points * sizeof **points))))
        return -1;
    memcpy(*view, r->snap, sizeof **view);
    snap_open_corrected_view(*view);
    for (size_t i = 0; i < in->n_points; i++) {
        (*points)[i] = in->points[i];
        if (i < n_bands) {
            (*points)[i].p50_us = bands[i].p50_us;
            (*points)[i].p95_us = bands[i].p95_us;
            (*points)[i].p99_us = bands[i].p99_us;
            (*points)[i].max_us = bands[i].max_us;
        }
    }
    in->service = r->snap;
    in->snap = *view;
    in->points = *points;
    return 0;
}

/* Each report of in that is asked for, tried even when the other failed. -1 when one failed,
 * every message in err ("; " between them). */
static int write_each_report(const struct report_input *in, const char *md, const char *html,
                             char *err, size_t errlen)
{
    char one[4400];
    int rc = 0;

    if (err && errlen)
        err[0] = '\0';
    for (int i = 0; i < 2; i++) {
        const char *path = i ? html : md;
        size_t len = err ? strnlen(err, errlen) : 0;
        if (!path || (i ? report_write_html : report_write_markdown)(in, path, one,
                                                                   sizeof one) == 0)
            continue;
        rc = -1;
        if (err && len + 1 < errlen)
            snprintf(err + len, errlen - len, "%s%s", len ? "; " : "", one);
    }
    return rc;
}

/* The Markdown and/or HTML report (either may be NULL) of the run so far: r->snap (the final
 * snapshot at the end), every second and event kept. Both are tried; -1 when either failed,
 * with every failure's message in err. */
static int run_write_reports(const struct run *r, const char *md, const char *html, char *err,
                             size_t errlen)
{
    const struct options *o = r->opt;
    struct report_input in = {
        .snap = r->snap, .scenario_path = o->scenario,
        .users = r->users, .spawn_rate = r->spawn_rate, .run_time = r->run_time,
        .use_stages = r->use_stages, .passed = verdict_passed(r->snap),
        .fixtures = r->fixtures,
    };
    struct snapshot *view = NULL;
    struct snap_point *points = NULL;
    char note[200];
    const char *notes[1] = {note};
    uint64_t dropped;
    int rc = -1;

    if (!md && !html)
        return 0;
    in.points = timeline_points(r->timeline, &in.n_points);
    in.events = timeline_events(r->timeline, &in.n_events);
    for (uint32_t k = 0; k < r->snap->health.n_metrics && k < SNAP_HEALTH_METRICS; k++)
        in.health_points[k] = timeline_health_points(r->timeline, k, &in.health_n[k]);
    if ((dropped = timeline_events_dropped(r->timeline)) > 0) {
        snprintf(note, sizeof note, "The timeline keeps the newest %d events: the %llu oldest "
                 "were dropped.", TIMELINE_MAX_EVENTS, (unsigned long long)dropped);
        in.notes = notes;
        in.n_notes = 1;
    }
    if (open_model_input(r, &in, &view, &points) < 0)
        snprintf(err, errlen, "out of memory writing the reports");
    else
        rc = write_each_report(&in, md, html, err, errlen);
    free(view);
    free(points);
    return rc;
}

/* ---- the dashboard's snapshot files ---------------------------------------------------------- */

/* One kind of file the snapshot key writes, in order: the CSV set first (it chooses the
 * timestamped prefix), then the reports next to it. */
struct exporter {
    const char *note;           /* the event log's line: "<note> <prefix><files>" */
    const char *files;          /* what it wrote after the prefix */
    const char *files_health;   /* ... when the run polls backend health (NULL: the same) */
    int (*write)(struct run *r, char *prefix, size_t n, char *err, size_t errlen);
    bool (*applies)(const struct run *r);   /* NULL: always; false: skipped, not noted */
};

static const char *exporter_files(const struct exporter *e, const struct run *r)
{
    return e->files_health && r->snap->health.n_sources ? e->files_health : e->files;
}

/* The four CSV files, and PREFIX_health.csv (the backend-health samples so far) when the run
 * polls health sources. */
static int export_csv(struct run *r, char *prefix, size_t n, char *err, size_t errlen)
{
    const struct options *o = r->opt;
    char path[1100];

    if (csv_write_snapshot_set(o->csv_prefix, r->snap, r->history, o->failures_seen_columns,
                               prefix, n, err, errlen) < 0)
        return -1;
    if (r->snap->health.n_sources == 0)
        return 0;
    snprintf(path, sizeof path, "%s_health.csv", prefix);
    return health_csv_write(path, r->snap, r->timeline, err, errlen);
}

/* The Markdown and HTML reports of the run so far: PREFIX_report.md and PREFIX_report.html. */
static int export_reports(struct run *r, char *prefix, size_t n, char *err, size_t errlen)
{
    char md[1100], html[1100];

    (void)n;
    snprintf(md, sizeof md, "%s_report.md", prefix);
    snprintf(html, sizeof html, "%s_report.html", prefix);
    return run_write_reports(r, md, html, err, errlen);
}

/* The open model's CSV files next to the set: PREFIX_corrected.csv, PREFIX_arrivals.csv. */
static int export_open(struct run *r, char *prefix, size_t n, char *err, size_t errlen)
{
    (void)n;
    return csv_open_write(prefix, r->snap, r->timeline, err, errlen);
}

static bool open_model_run(const struct run *r)
{
    return r->snap->open.corrected || r->snap->open.n_classes > 0;
}

static const struct exporter exporters[] = {
    {"Snapshot written:", "_{stats,stats_history,failures,exceptions}.csv",
     "_{stats,stats_history,failures,exceptions,health}.csv", export_csv, NULL},
    {"Snapshot written:", "_{corrected,arrivals}.csv", NULL, export_open, open_model_run},
    {"Report written:", "_report.{md,html}", NULL, export_reports, NULL},
};

#define N_EXPORTERS (sizeof exporters / sizeof exporters[0])

/* Record one written set in the event log (operator); the log file gets it from there
 * (run_log_events), once. */
static void export_note(struct run *r, const struct exporter *e, const char *prefix)
{
    struct engine_cmd note = {.type = ENGINE_NOTE, .who = EVENT_OPERATOR};

    if (snprintf(note.text, sizeof note.text, "%s %s%s", e->note, prefix,
                 exporter_files(e, r)) >= (int)sizeof note.text)
        memcpy(note.text + sizeof note.text - 4, "...", 4);     /* a very long path */
    run_send(r, &note);
}

int run_export_snapshot(struct run *r, char *msg, size_t n)
{
    char prefix[1024] = "", err[4400], errors[9000] = "";
    size_t len;
    int rc = 0;

    run_refresh(r);
    for (size_t i = 0; i < N_EXPORTERS; i++) {  /* each is tried: one failure costs only it */
        if (exporters[i].applies && !exporters[i].applies(r))
            continue;
        if (exporters[i].write(r, prefix, sizeof prefix, err, sizeof err) < 0) {
            len = strlen(errors);
            snprintf(errors + len, sizeof errors - len, "%s%s", len ? "; " : "", err);
            rc = -1;
        } else {
            export_note(r, &exporters[i], prefix);
        }
    }
    if (rc < 0) {
        snprintf(msg, n, "%s", errors);
        log_msg(LOG_LEVEL_ERROR, "Snapshot failed: %s", errors);
        return -1;
    }
    snprintf(msg, n, "Snapshot written: %s", prefix);
    for (size_t i = 0, k = 0; i < N_EXPORTERS && (len = strlen(msg)) < n; i++)
        if (!exporters[i].applies || exporters[i].applies(r))
            snprintf(msg + len, n - len, "%s%s", k++ ? " + " : "",
                     exporter_files(&exporters[i], r));
    return 0;
}

/* --json: the final stats on stdout, alone there (the tables went to stderr). */
static int print_json(const struct run *r, char *err, size_t errlen)
{
    struct strbuf b = {0};
    int rc = 0;

    fflush(stdout);
    if (locust_json_render(r->snap, r->timeline, &b) < 0 ||
        fileio_write_all(STDOUT_FILENO, b.data, b.len, NULL) < 0) {
        snprintf(err, errlen, "cannot write the --json output to stdout: %s",
                 b.len ? strerror(errno) : "out of memory");
        rc = -1;
    }
    strbuf_free(&b);
    return rc;
}

/* --junit: one suite, this run's scenario. */
static int write_junit(const struct run *r, char *err, size_t errlen)
{
    const struct snapshot *s = r->snap;
    struct junit_suite suite;
    int rc;

    junit_suite_init(&suite, s->scenario[0] ? s->scenario : r->opt->scenario, s->run_start,
                     (s->end_time > 0 ? s->end_time : s->now) - s->run_start);
    rc = junit_add_run(&suite, s);
    if (rc < 0)
        snprintf(err, errlen, "cannot write %s: out of memory", r->opt->junit);
    else
        rc = junit_write_file(r->opt->junit, &suite, 1, err, errlen);
    junit_suite_free(&suite);
    return rc;
}

/* The outputs a pipeline reads: --json, --json-file, --junit. Each is tried; returns how many
 * could not be written (each logged). */
static unsigned write_pipeline_outputs(const struct run *r)
{
    const struct options *o = r->opt;
    char err[1200];
    unsigned failed = 0;

    if (o->json && print_json(r, err, sizeof err) < 0) {
        log_msg(LOG_LEVEL_ERROR, "%s", err);
        failed++;
    }
    if (o->json_file && locust_json_write_file(r->snap, r->timeline, o->json_file, err,
                                               sizeof err) < 0) {
        log_msg(LOG_LEVEL_ERROR, "--json-file: %s", err);
        failed++;
    }
    if (o->junit && write_junit(r, err, sizeof err) < 0) {
        log_msg(LOG_LEVEL_ERROR, "--junit: %s", err);
        failed++;
    }
    return failed;
}

/* The requested outputs that could not be written at the end, each tried and logged: the
 * final CSV files, history rows still unwritten, the reports, the pipeline outputs, lines the
 * log file lost. */
static unsigned final_outputs(struct run *r)
{
    const struct options *o = r->opt;
    char err[9000];
    unsigned failed = 0;
    size_t unwritten = csv_history_unwritten(r->history);

    if (o->csv_prefix &&
        csv_write_final(o->csv_prefix, r->snap, o->failures_seen_columns, err, sizeof err) < 0) {
        log_msg(LOG_LEVEL_ERROR, "%s", err);
        failed++;
    }
    if (o->csv_prefix && csv_open_write(o->csv_prefix, r->snap, r->timeline, err,
                                        sizeof err) < 0) {
        log_msg(LOG_LEVEL_ERROR, "%s", err);
        failed++;
    }
    if (o->csv_prefix && r->fixtures && phases_write_csv(r, o->csv_prefix, err, sizeof err) < 0) {
        log_msg(LOG_LEVEL_ERROR, "%s", err);
        failed++;
    }
    if (unwritten) {
        log_msg(LOG_LEVEL_ERROR, "%s: %zu bytes of its last rows are missing", r->history_error,
                unwritten);
        failed++;
    }
    if (r->health_csv && (unwritten = health_csv_unwritten(r->health_csv)) > 0) {
        log_msg(LOG_LEVEL_ERROR, "the health CSV misses %zu bytes of its last rows", unwritten);
        failed++;
    }
    if (run_write_reports(r, o->report_md, o->report_html, err, sizeof err) < 0) {
        log_msg(LOG_LEVEL_ERROR, "%s", err);
        failed++;
    }
    failed += write_pipeline_outputs(r);
    if (log_file_error(NULL, 0) < 0)
        failed++;                           /* said on stderr when it happened */
    if (failed)
        log_msg(LOG_LEVEL_ERROR, "Requested outputs could not be written (the errors above): "
                "exit code %d", RUN_EXIT_OUTPUT);
    return failed;
}

int run_finish(struct run *r)
{
    unsigned failed = final_outputs(r);

    if (r->snap->fatal[0])
        return 3;                           /* internal error: the numbers are not the run's */
    if (failed)
        return RUN_EXIT_OUTPUT;             /* a pipeline would judge the run without them */
    if (r->opt->worker)
        return 0;                           /* its master judges the run */
    return verdict_passed(r->snap) ? 0 : r->opt->exit_code_on_error;
}

static void print_summary(FILE *out, const struct snapshot *s)
{
    console_stats_table(out, s, false, 0);
    fprintf(out, "\n");
    console_percentiles_table(out, s, 0);
    fprintf(out, "\n");
    if (s->open.corrected) {
        console_corrected_table(out, s, 0);
        fprintf(out, "\n");
    }
    console_error_report(out, s);
    console_end_notes(out, s);
    if (s->health.n_sources) {
        fprintf(out, "\n");
        console_health_table(out, s);
    }
    if (s->n_targets || s->health.n_metrics) {
        fprintf(out, "\n");
        console_targets_table(out, s, verdict_passed(s));
    }
    if (s->tls_insecure)
        fprintf(out, "\nINSECURE: TLS certificates and host names were not verified "
                "(--insecure)\n");
    fflush(out);
}

FILE *run_console(const struct run *r)
{
    return r->opt->json ? stderr : stdout;
}

int run_end(struct run *r)
{
    run_refresh(r);
    run_log_events(r);
    run_history_final(r);
    phases_after(r);
    print_summary(run_console(r), r->snap);
    phases_print(run_console(r), r);
    return run_finish(r);
}

void run_free(struct run *r)
{
    engine_destroy(r->engine);
    if (r->target)
        target_stop(r->target);
    if (r->history)
        csv_history_close(r->history);
    health_csv_close(r->health_csv);
    metrics_http_free(r->metrics_http);
    metrics_free(r->metrics);
    free(r->snap);
    timeline_free(r->timeline);
    for (uint32_t v = 0; r->shared && r->scn && v < r->scn->n_vars; v++)
        user_var_free(&r->shared[v]);
    free(r->shared);
    free(r->fixtures);
    if (r->scn)
        scenario_free(r->scn);
    memset(r, 0, sizeof *r);
}
