/* open_fixture: see open_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "open_fixture.h"
#include "scenario_internal.h"
#include "waits.h"
#include "target/target_internal.h"


void open_fixture_target(struct run *r, double stall, double period)
{
    struct target_config tc;
    char err[256];

    target_config_defaults(&tc);
    target_config_no_latency(&tc);
    tc.port = 0;
    tc.quiet = true;
    tc.stall_s = stall;
    tc.stall_period_s = period;
    if (!(r->target = target_start(&tc, err, sizeof err)))
        fail_msg("target_start: %s", err);
    snprintf(r->host, sizeof r->host, "http://127.0.0.1:%d", target_port(r->target));
}

void open_fixture_engine(struct run *r, const char *json, uint32_t users, double run_time)
{
    struct engine_config cfg = {
        .threads = 2, .seed = 7, .users = users, .spawn_rate = 1000, .run_time = run_time,
        .publish_interval = 0.1, .use_targets = true,
    };
    char err[512];

    if (scenario_load_string(json, "open.json", &r->scn, err, sizeof err) < 0)
        fail_msg("scenario: %s", err);
    cfg.scenario = r->scn;
    cfg.host = r->host;
    if (!(r->snap = calloc(1, sizeof *r->snap)) ||
        !(r->engine = engine_create(&cfg, err, sizeof err)) ||
        engine_start(r->engine, err, sizeof err) < 0)
        fail_msg("engine: %s", err);
}

void open_fixture_wait(struct run *runs, size_t n, double limit)
{
    double deadline = waits_now() + limit;
    size_t done;

    do {
        done = 0;
        for (size_t i = 0; i < n; i++) {
            engine_snapshot(runs[i].engine, runs[i].snap);
            done += runs[i].snap->finished;
        }
        if (done == n)
            return;
        waits_pause();
    } while (waits_now() < deadline);
    fail_msg("a run did not finish within %.0f s", limit);
}

void open_fixture_free(struct run *r)
{
    engine_destroy(r->engine);
    if (r->target)
        target_stop(r->target);
    if (r->scn)
        scenario_free(r->scn);
    free(r->snap);
}

static uint64_t served(struct run *r, enum target_route route)
{
    uint64_t n = 0;

    for (int status = 100; status < 600; status++)
        n += target_count(r->target, route, status);
    return n;
}

void open_fixture_assert_served(const struct snapshot *s, struct run *r)
{
    uint64_t n = served(r, ROUTE_HEALTH);

    if (n < s->total.requests || n > s->total.requests + s->total.aborted)
        fail_msg("the target served %llu requests, hornet counted %llu (%llu aborted)",
                 (unsigned long long)n, (unsigned long long)s->total.requests,
                 (unsigned long long)s->total.aborted);
}
