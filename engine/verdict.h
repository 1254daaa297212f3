/* verdict: the verdict of a run, from a snapshot: how many performance targets and backend
 * health limits pass, are at risk, fail, wait for data or are not judged, the verdict so far
 * (the dashboard's), and the final rule of the exit code and the reports (verdict_passed): a
 * target or limit without data fails, and without a success or failure rate target any
 * unexpected failure (or engine error) fails the run. Pure; any thread. */
#ifndef HORNET_VERDICT_H
#define HORNET_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "snapshot.h"

enum verdict_kind {
    VERDICT_NONE = 0,           /* no targets: nothing to judge */
    VERDICT_PASS,               /* every judged target passes (so far) */
    VERDICT_AT_RISK,            /* none fails, some are close to failing */
    VERDICT_FAIL,
    VERDICT_ABORTED             /* a target with abort_on_fail stopped the run */
};

struct verdict {
    enum verdict_kind kind;
    bool final;                 /* the run is finished: the numbers will not change */
    bool failures_fail;         /* unexpected failures and no rate target allows any */
    bool saturated;             /* measured under saturation: hornet was the bottleneck for a
                                   while (s->saturated_seconds > 0); says how far to trust
                                   the latencies, not whether the run passes */
    uint32_t n, pass, at_risk, fail, pending, skipped;     /* the performance targets */
    struct verdict_tally {
        uint32_t n, pass, at_risk, fail, pending, skipped;
    } health;                   /* the backend-health limits, apart */
};

/* The verdict of s's targets and health limits (VERDICT_NONE when s has neither). */
void verdict_of(const struct snapshot *s, struct verdict *v);

/* Whether the run of s passes: it was not aborted nor stopped by a fatal engine error, it
 * completed at least one request (requests aborted in flight do not count), no target or
 * health limit failed or is without data, and no request failed (nor an exception happened)
 * unless a success or failure rate target says how many may. The rule of the exit code, the
 * console verdict and the reports. */
bool verdict_passed(const struct snapshot *s);

/* Whether unexpected failures (and engine-side exceptions) decide the run on their own: no
 * success or failure rate target says how many may fail. */
bool verdict_failures_judged(const struct snapshot *s);

/* "PASS", "AT RISK", "FAIL", "ABORTED"; "" for VERDICT_NONE. Static strings. */
const char *verdict_word(enum verdict_kind k);

/* The counts as one line: "1 failing, 2 at risk, 3 passing, 1 waiting for data, 1 not
 * judged" (only the non-zero ones, worst first; "without data" once the run is finished), then
 * the health limits' the same way after "; health limits: " when there are some. */
void verdict_counts(const struct verdict *v, char *out, size_t n);

/* How bad a target's status is, for ordering (higher is worse): a fail, a pending target of a
 * finished run (no data: it fails), at risk, pending, pass, skipped. */
int verdict_rank(uint8_t status, bool final);

/* The status of one target in words: "pass", "at risk", "FAIL", "pending", "skipped"; a
 * pending target of a finished run is "no data" (it counts as failed). Static strings. */
const char *verdict_status_word(uint8_t status, bool final);

#endif
