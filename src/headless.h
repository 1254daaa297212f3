/* headless: a run without the dashboard, as Locust --headless: a stats table every 2 s (unless
 * --only-summary), history rows every second, log lines for ramps and warnings; at the end the
 * final tables and files. Ctrl-C or SIGTERM stops the users (bounded by --stop-timeout) and
 * still writes everything; a second one stops at once and still writes what was counted.
 * Main thread only. */
#ifndef HORNET_HEADLESS_H
#define HORNET_HEADLESS_H

#include "run.h"

/* Run until the engine finishes; returns the process exit code. */
int headless_run(struct run *r);

#endif
