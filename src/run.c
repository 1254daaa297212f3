/* run: wiring a run from options: scenario, settings precedence, embedded target, engine and
 * the outputs written from snapshots. Main thread only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "console.h"
#include "log.h"
#include "report.h"
#include "run.h"
#include "target/target.h"

static uint32_t peak_users(const struct run *r)
{
    uint32_t peak = r->users;

    if (r->use_stages)
        for (uint32_t i = 0; i < r->scn->n_stages; i++)
            if (r->scn->stages[i].users > peak)
                peak = r->scn->stages[i].users;
    return peak;
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
}

static int start_target(struct run *r)
{
    struct target_config tc;
    char err[256];

    target_config_defaults(&tc);
    tc.port = 0;
    tc.quiet = true;
    tc.seed = r->seed;
    r->target = target_start(&tc, err, sizeof err);
    if (!r->target) {
        fprintf(stderr, "hornet: cannot start the built-in target API: %s\n", err);
        return 3;
    }
    snprintf(r->host, sizeof r->host, "http://127.0.0.1:%d", target_port(r->target));
    log_msg(LOG_LEVEL_INFO, "No host given: started the built-in target API at %s", r->host);
    return 0;
}

static int choose_host(struct run *r)
{
    const char *host = r->opt->host_set ? r->opt->host : r->scn->host;

    if (host && *host) {
        snprintf(r->host, sizeof r->host, "%s", host);
        return 0;
    }
    return start_target(r);
}

/* Request tracing (-L DEBUG): each traced request's text becomes one DEBUG log line (with
 * continuation lines). Called on worker threads; log_msg is thread-safe. */
static void trace_to_log(void *arg, const char *text)
{
    (void)arg;
    log_msg(LOG_LEVEL_DEBUG, "%s", text);
}

static int check_descriptors(const struct run *r, uint32_t limit)
{
    uint32_t per_user = r->target ? 2 : 1, peak = peak_users(r);
    uint32_t max = engine_max_users(limit, per_user);

    if (peak <= max)
        return 0;
    fprintf(stderr, "hornet: %u users need about %llu file descriptors (%u per user%s) but the "
            "open-file limit is %u: at most %u users. Lower -u, or raise the limit "
            "(ulimit -n, /etc/security/limits.conf).\n", peak,
            (unsigned long long)engine_fds_needed(peak, per_user), per_user,
            r->target ? ", the built-in target shares this process" : "", limit, max);
    return 2;
}

static int load_scenario(struct run *r)
{
    const struct options *o = r->opt;
    char err[1024];

    if (scenario_load(o->scenario, &r->scn, err, sizeof err) < 0 ||
        scenario_filter(r->scn, o->classes, o->n_classes, o->tags, o->n_tags, o->exclude_tags,
                        o->n_exclude_tags, err, sizeof err) < 0) {
        fprintf(stderr, "hornet: %s\n", err);
        return 2;
    }
    return 0;
}

static int start_engine(struct run *r, uint32_t limit)
{
    struct engine_config cfg = {
        .scenario = r->scn, .host = r->host, .threads = r->threads, .seed = r->seed,
        .users = r->users, .spawn_rate = r->spawn_rate, .use_stages = r->use_stages,
        .run_time = r->run_time, .stop_timeout = r->opt->stop_timeout,
        .reset_stats_after_ramp = r->opt->reset_stats, .fd_limit = limit,
        .fds_per_user = r->target ? 2 : 1, .use_targets = !r->opt->no_targets,
        .load_changed = r->scn->n_stages ? !r->use_stages : r->users != r->scn->users,
        .trace = log_enabled(LOG_LEVEL_DEBUG) ? trace_to_log : NULL,
        .trace_requests = r->opt->debug_requests,
    };
    char err[512];

    r->engine = engine_create(&cfg, err, sizeof err);
    if (!r->engine || engine_start(r->engine, err, sizeof err) < 0) {
        fprintf(stderr, "hornet: %s\n", err);
        return r->engine ? 3 : 2;
    }
    return 0;
}

int run_prepare(struct run *r, struct options *opt)
{
    char err[512];
    uint32_t limit = fd_limit();
    int rc;

    memset(r, 0, sizeof *r);
    r->opt = opt;
    r->last_row = -1;
    if ((rc = load_scenario(r)) != 0)
        return rc;
    resolve_settings(r);
    log_msg(LOG_LEVEL_INFO, "Random seed %llu (--seed %llu repeats this run's choices)",
            (unsigned long long)r->seed, (unsigned long long)r->seed);
    if ((rc = choose_host(r)) != 0 || (rc = check_descriptors(r, limit)) != 0)
        return rc;
    r->snap = calloc(1, sizeof *r->snap);
    r->history = csv_history_open(opt->csv_prefix, opt->csv_full_history, err, sizeof err);
    if (!r->snap || !r->history) {
        fprintf(stderr, "hornet: %s\n", r->snap ? err : "out of memory");
        return r->snap ? 2 : 3;
    }
    return start_engine(r, limit);
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    size_t cap2 = *cap ? *cap : 256;
    void *q;

    if (need <= *cap)
        return p;
    while (cap2 < need)
        cap2 *= 2;
    if (!(q = realloc(p, cap2 * size)))
        return NULL;
    *cap = cap2;
    return q;
}

/* Seconds already kept are overwritten (the collector revises the newest ones when late
 * intervals arrive); new ones are appended. */
static void keep_points(struct run *r)
{
    const struct snapshot *s = r->snap;
    struct snap_point *p;

    for (uint32_t i = 0; i < s->n_points; i++) {
        const struct snap_point *pt = &s->series[i];
        int64_t first = r->n_points ? r->points[0].second : pt->second;
        size_t at = (size_t)(pt->second - first);
        if (pt->second < first)
            continue;
        if (at < r->n_points) {
            r->points[at] = *pt;
            continue;
        }
        if (at != r->n_points || !(p = grow(r->points, &r->cap_points, at + 1, sizeof *p)))
            continue;
        r->points = p;
        r->points[r->n_points++] = *pt;
    }
}

static void keep_events(struct run *r)
{
    const struct snapshot *s = r->snap;
    uint64_t newest = r->n_events ? r->events[r->n_events - 1].seq : 0;
    struct snap_event *p;

    for (uint32_t i = 0; i < s->n_events; i++) {
        if (s->events[i].seq <= newest)
            continue;
        if (!(p = grow(r->events, &r->cap_events, r->n_events + 1, sizeof *p)))
            return;
        r->events = p;
        r->events[r->n_events++] = s->events[i];
    }
}

bool run_refresh(struct run *r)
{
    uint64_t before = r->snap->seq;

    if (engine_snapshot(r->engine, r->snap) == before)
        return false;
    keep_points(r);
    keep_events(r);
    return true;
}

void run_log_events(struct run *r)
{
    const struct snapshot *s = r->snap;

    for (uint32_t i = 0; i < s->n_events; i++) {
        const struct snap_event *ev = &s->events[i];
        if (ev->seq <= r->events_seen)
            continue;
        r->events_seen = ev->seq;
        log_msg(ev->level == EVENT_ERROR ? LOG_LEVEL_ERROR
                : ev->level == EVENT_WARN ? LOG_LEVEL_WARNING : LOG_LEVEL_INFO, "%s", ev->text);
    }
}

static void history_row(struct run *r)
{
    char err[512];

    r->last_row = (int64_t)floor(r->snap->now);
    r->last_row_seq = r->snap->seq;
    if (csv_history_tick(r->history, r->snap, err, sizeof err) < 0)
        log_msg(LOG_LEVEL_ERROR, "%s", err);
}

void run_history_tick(struct run *r)
{
    if (r->snap->seq != 0 && (int64_t)floor(r->snap->now) != r->last_row)
        history_row(r);
}

void run_history_final(struct run *r)
{
    if (r->snap->seq != 0 && r->snap->seq != r->last_row_seq)
        history_row(r);
}

int run_write_reports(const struct run *r, const char *md, const char *html, char *err,
                      size_t errlen)
{
    const struct options *o = r->opt;
    struct report_input in = {
        .snap = r->snap, .points = r->points, .n_points = r->n_points,
        .events = r->events, .n_events = r->n_events, .scenario_path = o->scenario,
        .users = r->users, .spawn_rate = r->spawn_rate, .run_time = r->run_time,
        .use_stages = r->use_stages, .passed = run_verdict(r->snap),
    };

    if (md && report_write_markdown(&in, md, err, errlen) < 0)
        return -1;
    if (html && report_write_html(&in, html, err, errlen) < 0)
        return -1;
    return 0;
}

int run_finish(struct run *r)
{
    const struct options *o = r->opt;
    char err[4400];

    if (o->csv_prefix &&
        csv_write_final(o->csv_prefix, r->snap, o->failures_seen_columns, err, sizeof err) < 0)
        log_msg(LOG_LEVEL_ERROR, "%s", err);
    if (run_write_reports(r, o->report_md, o->report_html, err, sizeof err) < 0)
        log_msg(LOG_LEVEL_ERROR, "%s", err);
    return run_verdict(r->snap) ? 0 : o->exit_code_on_error;
}

static void print_summary(const struct snapshot *s)
{
    console_stats_table(stdout, s, false, 0);
    printf("\n");
    console_percentiles_table(stdout, s, 0);
    printf("\n");
    console_error_report(stdout, s);
    if (s->n_targets) {
        printf("\n");
        console_targets_table(stdout, s, run_verdict(s));
    }
    fflush(stdout);
}

int run_end(struct run *r)
{
    run_refresh(r);
    run_log_events(r);
    run_history_final(r);
    print_summary(r->snap);
    return run_finish(r);
}

/* Any rate target (success or failure rate) says how many failures are allowed. */
static bool has_rate_target(const struct snapshot *s)
{
    for (uint32_t i = 0; i < s->n_targets; i++)
        if (s->targets[i].metric == TARGET_SUCCESS_RATE ||
            s->targets[i].metric == TARGET_FAILURE_RATE)
            return true;
    return false;
}

bool run_verdict(const struct snapshot *s)
{
    bool failures_ok = s->total.failures == 0 && s->n_exceptions == 0;

    if (s->aborted)
        return false;
    for (uint32_t i = 0; i < s->n_targets; i++)
        if (s->targets[i].status == TARGET_FAIL || s->targets[i].status == TARGET_PENDING)
            return false;
    return failures_ok || has_rate_target(s);
}

void run_free(struct run *r)
{
    engine_destroy(r->engine);
    if (r->target)
        target_stop(r->target);
    if (r->history)
        csv_history_close(r->history);
    if (r->scn)
        scenario_free(r->scn);
    free(r->snap);
    free(r->points);
    free(r->events);
    memset(r, 0, sizeof *r);
}
