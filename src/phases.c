/* phases: setup and preflight before the load, teardown after it, on the main thread with the
 * stop signals turned into a flag while they run; their table, CSV file and log lines. Main
 * thread only. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "csv.h"
#include "escape.h"
#include "fileio.h"
#include "log.h"
#include "phases.h"
#include "strbuf.h"

static volatile sig_atomic_t stop_flag;

static void stop_handler(int signum)
{
    (void)signum;
    stop_flag = 1;
}

/* Stop signals set stop_flag while a phase runs (the host loop is not running: nothing else
 * would hear them); their earlier handlers come back afterwards. */
struct guard {
    struct sigaction old[3];
};

static const int stop_signals[3] = {SIGINT, SIGTERM, SIGHUP};

static void guard_on(struct guard *g)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stop_handler;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; i++)
        sigaction(stop_signals[i], &sa, &g->old[i]);
}

static void guard_off(struct guard *g)
{
    for (int i = 0; i < 3; i++)
        sigaction(stop_signals[i], &g->old[i], NULL);
}

static void log_event(void *arg, enum event_level level, const char *text)
{
    (void)arg;
    log_msg(level == EVENT_ERROR ? LOG_LEVEL_ERROR : level == EVENT_WARN ? LOG_LEVEL_WARNING
                                                                        : LOG_LEVEL_INFO,
            "%s", text);
}

static int run_phase(struct run *r, enum fixture_phase phase)
{
    struct fixture_env env = {
        .scn = r->scn, .host = r->host, .seed = r->seed, .vars = r->shared,
        .stop = &stop_flag, .event = log_event,
    };
    struct guard g;
    int rc;

    guard_on(&g);
    rc = fixture_run(&env, phase, &r->fixtures[phase]);
    guard_off(&g);
    return rc;
}

/* A master runs no fixture: they run where the users are, on each worker, whose users need
 * setup's captures (run_prepare marks a master's phases absent). */
static bool has_fixture(const struct run *r, enum fixture_phase phase)
{
    return !r->opt->master && scenario_has_fixture(r->scn, phase);
}

int phases_before(struct run *r)
{
    const struct options *o = r->opt;
    struct fixture_result *failed = NULL;
    char err[512];

    if (r->opt->master) {
        if (scenario_has_fixture(r->scn, FIXTURE_SETUP) ||
            scenario_has_fixture(r->scn, FIXTURE_PREFLIGHT) ||
            scenario_has_fixture(r->scn, FIXTURE_TEARDOWN))
            log_msg(LOG_LEVEL_INFO, "Master: the scenario's setup, preflight and teardown run "
                    "on each worker, where the users are");
        return 0;
    }
    stop_flag = 0;
    if (run_phase(r, FIXTURE_SETUP) < 0)
        failed = &r->fixtures[FIXTURE_SETUP];
    if (!failed && run_phase(r, FIXTURE_PREFLIGHT) < 0)
        failed = &r->fixtures[FIXTURE_PREFLIGHT];
    if (!failed)
        return 0;                           /* their summaries go to the run's event log */
    if (failed->phase == FIXTURE_PREFLIGHT)
        log_msg(LOG_LEVEL_INFO, "%s", r->fixtures[FIXTURE_SETUP].summary);
    if (failed->phase == FIXTURE_SETUP && has_fixture(r, FIXTURE_PREFLIGHT))
        r->fixtures[FIXTURE_PREFLIGHT].status = FIXTURE_NOT_RUN;
    stop_flag = 0;                          /* a Ctrl-C that ended setup still cleans up */
    phases_after(r);
    phases_print(run_console(r), r);
    if (o->csv_prefix && phases_write_csv(r, o->csv_prefix, err, sizeof err) < 0)
        log_msg(LOG_LEVEL_ERROR, "%s", err);
    escape_fprintf(stderr, "hornet: stopped before any load: %s\n", failed->message);
    return PHASES_EXIT_PREFLIGHT;
}

int phases_wait(double seconds)
{
    struct timespec left = {(time_t)seconds, (long)((seconds - floor(seconds)) * 1e9)};
    struct guard g;

    stop_flag = 0;
    guard_on(&g);
    while (!stop_flag && nanosleep(&left, &left) < 0 && errno == EINTR)
        ;
    guard_off(&g);
    return stop_flag ? -1 : 0;
}

void phases_after(struct run *r)
{
    if (!has_fixture(r, FIXTURE_TEARDOWN))
        return;
    if (r->fixtures[FIXTURE_SETUP].status == FIXTURE_NOT_RUN) {
        r->fixtures[FIXTURE_TEARDOWN].status = FIXTURE_NOT_RUN;
        return;
    }
    stop_flag = 0;
    if (run_phase(r, FIXTURE_TEARDOWN) == 0)
        log_msg(LOG_LEVEL_INFO, "%s", r->fixtures[FIXTURE_TEARDOWN].summary);
}

void phases_note(struct run *r)
{
    for (int p = FIXTURE_SETUP; p <= FIXTURE_PREFLIGHT; p++) {
        struct engine_cmd note = {.type = ENGINE_NOTE, .who = EVENT_SCENARIO};

        if (r->fixtures[p].status != FIXTURE_PASSED)
            continue;
        snprintf(note.text, sizeof note.text, "%s", r->fixtures[p].summary);
        run_send(r, &note);
    }
}

/* ---- the table ---------------------------------------------------------------------------- */

static bool any_fixture(const struct run *r)
{
    for (int p = 0; p < FIXTURE_PHASES; p++)
        if (has_fixture(r, (enum fixture_phase)p))
            return true;
    return false;
}

static double ms(uint64_t us)
{
    return (double)us / 1000.0;
}

static void print_row(FILE *out, const char *phase, const struct fixture_stats *s)
{
    double avg = s->requests ? ms(s->total_us) / (double)s->requests : 0;

    fprintf(out, "%-10s %-7s %-40.40s %7llu %7llu %9.1f %9.1f %9.1f %9.1f %9.1f\n", phase,
            s->method, s->name, (unsigned long long)s->requests,
            (unsigned long long)s->failures, ms(s->median_us), avg, ms(s->min_us),
            ms(s->max_us), ms(s->p99_us));
}

void phases_print(FILE *out, const struct run *r)
{
    if (!r->scn || !r->fixtures || !any_fixture(r))
        return;
    fprintf(out, "\nSetup, preflight and teardown (not in the statistics above)\n");
    fprintf(out, "%-10s %-7s %-40s %7s %7s %9s %9s %9s %9s %9s\n", "Phase", "Type", "Name",
            "# reqs", "# fails", "Med (ms)", "Avg (ms)", "Min (ms)", "Max (ms)", "p99 (ms)");
    for (int p = 0; p < FIXTURE_PHASES; p++)
        for (uint32_t i = 0; i < r->fixtures[p].n_stats; i++)
            print_row(out, fixture_phase_names[p], &r->fixtures[p].stats[i]);
    for (int p = 0; p < FIXTURE_PHASES; p++) {
        const struct fixture_result *f = &r->fixtures[p];

        if (!has_fixture(r, (enum fixture_phase)p))
            continue;
        fprintf(out, "%s: %s%s%s\n", fixture_phase_names[p], fixture_status_names[f->status],
                f->message[0] ? ": " : "", f->message);
    }
    fflush(out);
}

/* ---- the CSV file ------------------------------------------------------------------------- */

static void csv_row(struct strbuf *b, const struct fixture_result *f, const struct fixture_stats *s)
{
    char nums[256];
    double avg = s && s->requests ? ms(s->total_us) / (double)s->requests : 0;

    csv_append_field(b, fixture_phase_names[f->phase], ",");
    csv_append_field(b, s ? s->method : "", ",");
    csv_append_field(b, s ? s->name : "", "");
    snprintf(nums, sizeof nums, ",%llu,%llu,%llu,%.0f,%.2f,%.0f,%.0f,%.0f,",
             s ? (unsigned long long)s->requests : 0ull,
             s ? (unsigned long long)s->failures : 0ull,
             s ? (unsigned long long)s->expected : 0ull, s ? ms(s->median_us) : 0, avg,
             s ? ms(s->min_us) : 0, s ? ms(s->max_us) : 0, s ? ms(s->p99_us) : 0);
    strbuf_puts(b, nums);
    csv_append_field(b, fixture_status_names[f->status], ",");
    csv_append_field(b, f->message, "\r\n");
}

int phases_write_csv(const struct run *r, const char *prefix, char *err, size_t errlen)
{
    struct strbuf b;
    char path[4096];
    int rc;

    if (!r->fixtures || !any_fixture(r))
        return 0;
    strbuf_init(&b);
    strbuf_puts(&b, "Phase,Type,Name,Request Count,Failure Count,Expected Count,"
                "Median Response Time,Average Response Time,Min Response Time,"
                "Max Response Time,99%,Status,Message\r\n");
    for (int p = 0; p < FIXTURE_PHASES; p++) {
        const struct fixture_result *f = &r->fixtures[p];

        if (!has_fixture(r, (enum fixture_phase)p))
            continue;
        for (uint32_t i = 0; i < f->n_stats; i++)
            csv_row(&b, f, &f->stats[i]);
        if (f->n_stats == 0)
            csv_row(&b, f, NULL);
    }
    snprintf(path, sizeof path, "%s_fixtures.csv", prefix);
    rc = fileio_write_atomic(path, b.data ? b.data : "", b.len, err, errlen);
    strbuf_free(&b);
    return rc;
}
