/* headless: a run without the dashboard, as Locust --headless: the host loop with the console
 * as its view (the stats table every 2 s on stdout unless --only-summary; log lines for ramps
 * and warnings on stderr), then the end of the run (final tables and files). Main thread. */
#ifndef HORNET_HEADLESS_H
#define HORNET_HEADLESS_H

#include "run.h"

/* Run until the engine finishes (or a second stop signal); returns the process exit code. */
int headless_run(struct run *r);

#endif
