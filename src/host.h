/* host: the one main-thread loop of a run, whatever shows it. On the default ev loop it reads
 * the newest snapshot from the run's source at 10 Hz and keeps it in the run's timeline, logs
 * new events once, writes the CSV history row once per second, prints the stats table every
 * 2 s where one is wanted (stdout when headless, the log file with the dashboard and
 * --print-stats), and handles SIGINT, SIGTERM and SIGHUP with Locust's two stages: the first
 * stops the users (bounded by --stop-timeout) and the run ends when they are done, the second
 * ends it at once; every final file is written either way (run_end): once the loop is over the
 * three are ignored. A closed stdout (SIGPIPE is ignored: main) stops the console table, not
 * the run. A view (the headless console, the dashboard) only draws and turns keys into
 * commands. Main thread only. */
#ifndef HORNET_HOST_H
#define HORNET_HOST_H

#include <stdbool.h>
#include "run.h"

struct ev_loop;

#define HOST_POLL_SECONDS 0.1       /* snapshot polling: the dashboard's refresh rate */
#define HOST_TABLE_SECONDS 2.0      /* Locust's console stats table */

/* What shows a run. Every callback may be NULL. */
struct host_view {
    void *arg;
    /* After every poll: s is the newest snapshot (r->snap), fresh when it changed since the
     * last call; now is the loop's clock. */
    void (*update)(void *arg, const struct snapshot *s, bool fresh, double now);
    /* A stop signal arrived; count is 1 for the first (the users are being stopped), 2 for
     * the second (the loop ends right after). */
    void (*interrupt)(void *arg, int count, double now);
    /* Whether the loop should end now; NULL: once the run is finished. */
    bool (*done)(void *arg, const struct snapshot *s);
    int table_fd;                   /* where the stats table goes every 2 s; -1: nowhere */
};

/* Run the loop until the view is done (or a second stop signal), with loop being the default
 * loop (signals). SIGINT, SIGTERM and SIGHUP are ignored when it returns. The caller then
 * calls run_end. */
void host_run(struct run *r, struct ev_loop *loop, const struct host_view *view);

/* After the run ended and its files were written (run_end): keep serving the metrics
 * endpoint's final numbers for `seconds` (--metrics-linger), or until a stop signal, on the
 * default loop. Nothing without a metrics endpoint or with seconds <= 0. */
void host_linger(struct run *r, struct ev_loop *loop, double seconds);

#endif
