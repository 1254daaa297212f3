/* fixture: runs one of a scenario's fixtures (setup, preflight or teardown: steps once around
 * the load, in loops) on the calling thread, one request at a time with one libcurl easy handle
 * (its own cookies, as a user's), requests built and judged as the users' are (request.h).
 * Captures go into a variable store the caller owns: what setup captures there is what every
 * user and the later fixtures read. Its statistics are its own, never the load's.
 *
 * Setup and preflight stop at the first request that fails (the load must not start on a
 * half-made state); teardown goes on after a failure, to clean up what it can. A stop flag
 * (set from a signal handler) ends a fixture between requests and aborts a transfer in
 * progress. Main thread. */
#ifndef HORNET_FIXTURE_H
#define HORNET_FIXTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "scenario.h"
#include "snapshot.h"
#include "user_var.h"

enum fixture_status {
    FIXTURE_ABSENT = 0,         /* the scenario has none */
    FIXTURE_NOT_RUN,            /* not run: an earlier phase failed or was interrupted */
    FIXTURE_PASSED,
    FIXTURE_FAILED,             /* a request failed (setup, preflight: the first one stops it) */
    FIXTURE_INTERRUPTED         /* a stop signal ended it */
};
extern const char *const fixture_status_names[];    /* "absent", "not run", "passed", ... */

/* The statistics of one fixture endpoint (method + name) in one phase. Microseconds. */
struct fixture_stats {
    uint32_t endpoint;          /* index into scenario->fixture_endpoints */
    char method[8];
    char name[SNAP_NAME_MAX];
    uint64_t requests, failures, expected;
    uint64_t total_us, min_us, max_us, median_us, p99_us;   /* hist.h's percentile rule */
};

#define FIXTURE_MESSAGE_MAX 640

/* What a fixture did. */
struct fixture_result {
    enum fixture_phase phase;
    enum fixture_status status;
    double start, end;          /* unix times; 0 when not run */
    uint64_t requests, failures;
    char message[FIXTURE_MESSAGE_MAX];   /* FAILED: the first failure, naming the step or check
                                           and what it got; INTERRUPTED: where it stopped */
    char summary[SNAP_TEXT_MAX];        /* PASSED: "Setup passed: 121 requests in 1.67 s" (not
                                           told as an event: the caller puts it where it
                                           belongs, the run's event log) */
    uint32_t n_stats;           /* endpoints with requests, in the order first used */
    struct fixture_stats stats[SNAP_MAX_ENDPOINTS];
};

/* Told of what the fixture does, as it happens: its start, each preflight check that passed,
 * a teardown request that failed, and how a phase that did not pass ended (level is enum
 * event_level). */
typedef void (*fixture_event_fn)(void *arg, enum event_level level, const char *text);

struct fixture_env {
    const struct scenario *scn;
    const char *host;           /* base URL */
    uint64_t seed;
    struct user_var *vars;      /* scn->n_vars, owned by the caller, kept from one phase to the
                                   next */
    const volatile sig_atomic_t *stop;  /* non-zero: stop now (may be NULL) */
    fixture_event_fn event;     /* may be NULL */
    void *event_arg;
};

/* Run scn's fixture of phase into *out (zeroed first; FIXTURE_ABSENT when the scenario has
 * none). Returns 0 when it passed or is absent, -1 when it failed or was interrupted (see
 * out->status and out->message). Main thread. */
int fixture_run(const struct fixture_env *env, enum fixture_phase phase,
                struct fixture_result *out);

#endif
