/* campaign_junit: a campaign's JUnit document (hornet campaign --junit FILE.xml): one suite
 * per scenario, in campaign order: the run's cases (junit.h: each target and the run's own
 * checks) for a scenario that ran, one error case naming what failed for one that stopped
 * before its load (setup or a preflight check), one skipped case for one that did not run.
 * Rewritten after every scenario, so it is there however the campaign ends. Main thread. */
#ifndef HORNET_CAMPAIGN_JUNIT_H
#define HORNET_CAMPAIGN_JUNIT_H

#include <stddef.h>
#include "snapshot.h"

struct campaign_junit;

/* n scenarios, each told what it did below before the document is written. NULL on OOM. */
struct campaign_junit *campaign_junit_create(size_t n);

/* Scenario i did not run (or not to its end: why says so): one skipped case. -1 on OOM. */
int campaign_junit_skipped(struct campaign_junit *j, size_t i, const char *name,
                           const char *why);

/* Scenario i (named name) ran: its suite from the final snapshot. -1 on OOM. */
int campaign_junit_ran(struct campaign_junit *j, size_t i, const char *name,
                       const struct snapshot *snap);

/* Scenario i stopped before its load (why: "stopped before any load: preflight check ..."),
 * between start and end (unix seconds). -1 on OOM. */
int campaign_junit_stopped(struct campaign_junit *j, size_t i, const char *name,
                           const char *why, double start, double end);

/* The document to path, atomically. -1 with the error in err. */
int campaign_junit_write(const struct campaign_junit *j, const char *path, char *err,
                         size_t errlen);

void campaign_junit_free(struct campaign_junit *j);

#endif
