/* live: a run with the dashboard: the host loop with the dashboard (ui/) as its view, its keys
 * wired to the run's source and its snapshot key to the run's exports. With --print-stats the
 * console table goes to the --logfile every 2 s (the terminal is the dashboard's). Without a
 * usable terminal (stdout or stdin not a TTY, no usable TERM) it says so in one line and runs
 * headless. Main thread. */
#ifndef HORNET_LIVE_H
#define HORNET_LIVE_H

#include "run.h"

/* Run r (prepared and started) with the dashboard until the run ends by itself or the
 * operator quits; then, with the terminal restored, the end of the run as headless (final
 * summary on stdout, final files). Returns the process exit code. */
int live_run(struct run *r);

#endif
