/* health_limit: the limit a backend-health metric must keep during a run, and its verdict from
 * the metric's samples over time.
 *
 * A limit is written as text (scenarios/README.md, "Backend health"):
 *   OP AMOUNT               "< 100", "<= 350 MB", "> 0", ">= 2", "== 1", "!= 0"; AMOUNT in the
 *                           metric's unit (health_unit.h)
 *   OP PERCENT of METRIC    "< 80% of DB pool size": the bound at each sample is that share of
 *                           the other metric's newest value
 *   no growth for DURATION  "no growth for 60s": fails when, for DURATION, every sample stayed
 *                           above the value of the last sample taken DURATION earlier (the
 *                           metric never came back down to where it was)
 *   no growth > AMOUNT for DURATION   the same, when it also rose by more than AMOUNT over
 *                           DURATION (noise of a steady gauge stays under AMOUNT)
 * A bound fails at the first sample outside it, or, with a hold time ("for" in the scenario),
 * once samples have stayed outside it that long. A failure stays: the run failed its limit.
 *
 * The judge is a pure function of the samples and their times (the caller's clock): tests
 * drive it in milliseconds. One judge per metric, owned by one thread (the engine's control
 * thread, or a report rebuilt from a CSV file). */
#ifndef HORNET_HEALTH_LIMIT_H
#define HORNET_HEALTH_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "snapshot.h"             /* enum target_status */

enum health_limit_kind { HEALTH_LIMIT_NONE = 0, HEALTH_LIMIT_BOUND, HEALTH_LIMIT_GROWTH };
enum health_limit_op { HEALTH_OP_LT = 0, HEALTH_OP_LE, HEALTH_OP_GT, HEALTH_OP_GE, HEALTH_OP_EQ,
                       HEALTH_OP_NE };

#define HEALTH_LIMIT_WINDOW_MAX 3600.0  /* longest growth window, seconds */
#define HEALTH_LIMIT_REF_MAX 64         /* longest name of a referenced metric */

struct health_limit {
    enum health_limit_kind kind;
    enum health_limit_op op;    /* BOUND */
    double amount;              /* BOUND: in the metric's unit; with a reference, a fraction of
                                   its value (0.8 for 80%) */
    int32_t ref;                /* BOUND: -1, or the index of the referenced metric */
    double window;              /* GROWTH: seconds */
    double tolerance;           /* GROWTH: rise allowed, in the metric's unit */
    double hold;                /* BOUND: seconds a breach must last before it fails (0: at
                                   once) */
};

/* Parse a limit's text for a metric of this unit into out (ref = -1). A limit of a share of
 * another metric writes that metric's name into ref_name (the caller resolves it and sets
 * out->ref); ref_name is "" otherwise. 0, or -1 with what was expected in err and the
 * 0-based offset of the problem in text in *col. */
int health_limit_parse(const char *text, const char *unit, struct health_limit *out,
                       char *ref_name, size_t ref_n, char *err, size_t errlen, size_t *col);

/* Does v keep the bound b under op? (NaN keeps nothing.) The judge's rule, and a preflight's
 * check of one poll (fixture_health.h). */
bool health_limit_keeps(enum health_limit_op op, double v, double b);

/* A sample the judge keeps for a growth window. */
struct health_judge_point {
    double t, v;
};

/* The verdict's state for one metric. Zero it, then health_judge_init. */
struct health_judge {
    struct health_limit limit;
    bool has_data;              /* a sample was judged */
    double last_t, last_v, last_bound;
    /* BOUND */
    double worst_v, worst_bound;/* the sample nearest to (or past) its bound */
    double breach_start;        /* first sample of the breach going on; NaN: none */
    double breach_peak;
    /* GROWTH: the newest samples, a ring covering the window */
    struct health_judge_point *ring;
    size_t cap, n, head;
    double growing_since;       /* NaN: not growing for half the window */
    double growing_from;
    /* the failure (it stays) */
    bool failed;
    double failed_at, fail_v, fail_bound, fail_from;
};

/* Prepare j for limit l on a metric polled every interval seconds (the growth window's ring is
 * sized from it). -1 when out of memory. */
int health_judge_init(struct health_judge *j, const struct health_limit *l, double interval);
void health_judge_free(struct health_judge *j);

/* A sample v taken at time t (seconds, increasing); ref is the referenced metric's newest
 * value (NaN when there is none: the sample cannot be judged). NaN values are skipped. */
void health_judge_sample(struct health_judge *j, double t, double v, double ref);

/* The verdict so far: PENDING before the first sample, FAIL once the limit failed, AT_RISK
 * while a breach waits out its hold time, while a growth has lasted half its window, or when
 * the nearest sample came within 10% of a bound; PASS otherwise. detail (may be NULL) gets
 * what it was, values in unit, times as offsets from run_start: "reached 100 at +1:23 (limit
 * < 100)", "peak 42 (42% of the limit)", "grew from 12 to 480 over 60 s, until +2:10". */
enum target_status health_judge_status(const struct health_judge *j, const char *unit,
                                       double run_start, char *detail, size_t n);

#endif
