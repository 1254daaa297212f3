/* ui: hornet's live terminal dashboard (ncursesw): status bar, charts of requests/s, response
 * time percentiles and users, the endpoint table, failures, the event log, a detail view per
 * endpoint, and keys to ramp users by hand, pause, stop, reset and write snapshot files.
 * Main thread only. */
#ifndef HORNET_UI_H
#define HORNET_UI_H

#include "run.h"

/* Run r (prepared and started) with the dashboard until the run ends by itself or the
 * operator quits; then, with the terminal restored, print the final summary on stdout and
 * write the final files as a headless run does (run_finish). When this process has no
 * terminal (stdout or stdin not a TTY, no usable TERM), print a one-line note on stderr and
 * run headless instead. Returns the process exit code. */
int ui_run(struct run *r);

#endif
