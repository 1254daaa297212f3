/* open_fixture: what the open model's engine tests share (test_engine_open.c,
 * test_engine_rate.c): the built-in target started on 127.0.0.1 (port 0), an engine on a
 * scenario text against it, waiting for runs to finish, and checking that hornet counted
 * what the target served. Test thread; every failure fails the test. */
#ifndef HORNET_TESTS_OPEN_FIXTURE_H
#define HORNET_TESTS_OPEN_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include "engine.h"
#include "scenario.h"
#include "snapshot.h"
#include "target/target.h"

struct run {
    struct target *target;
    char host[64];
    struct scenario *scn;
    struct engine *engine;
    struct snapshot *snap;
};

/* The built-in target without latency; stall > 0 freezes its answers stall s every period. */
void open_fixture_target(struct run *r, double stall, double period);

/* An engine of 2 worker threads on scenario text json (users for its closed classes) for
 * run_time seconds (0: the scenario's stages end it), against r's target. */
void open_fixture_engine(struct run *r, const char *json, uint32_t users, double run_time);

/* Wait until every run has finished (the final snapshot in each r->snap), at most limit s. */
void open_fixture_wait(struct run *runs, size_t n, double limit);

/* What hornet counted is what the target served on the health route: a request in flight when
 * its user stopped (aborted, in no count) may have been served or not. */
void open_fixture_assert_served(const struct snapshot *s, struct run *r);

void open_fixture_free(struct run *r);

#endif
