/* run_internal: the last part of run_end, which the engine's tests call on a run they built
 * by hand (no source, no history). Main thread. */
#ifndef HORNET_RUN_INTERNAL_H
#define HORNET_RUN_INTERNAL_H

#include "run.h"

/* The final CSV files (when --csv), reports and pipeline outputs, and the exit code as
 * run_end's. */
int run_finish(struct run *r);

#endif
