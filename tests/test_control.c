/* Control tests: every decision of the engine's control thread (ramp steps and the dispatcher,
 * stages, operator commands, the run-time limit, pause, resets, stop -> stopped, aborts,
 * warnings, the descriptor cap, fatal errors, the open classes' arrivals) driven with a fake
 * clock: no thread, no socket, milliseconds for the whole file. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "control.h"
#include "interval.h"
#include "openmodel.h"
#include "scenario.h"
#include "scenario_internal.h"

#define T0 1700000000.0         /* the fake clock's start: a unix time, as the engine's */

struct fixture {
    struct scenario *scn;
    struct engine_config cfg;
    struct control *c;
    struct snapshot *snap;
    struct control_action actions[32];
    size_t n_actions;
};

static const char *two_classes_json =
    "{\"name\": \"classes\", \"user_classes\": ["
    " {\"name\": \"Heavy\", \"weight\": 3, \"tasks\": [{\"name\": \"h\", \"steps\": "
    "[{\"method\": \"GET\", \"path\": \"/h\"}]}]},"
    " {\"name\": \"Light\", \"weight\": 1, \"tasks\": [{\"name\": \"l\", \"steps\": "
    "[{\"method\": \"GET\", \"path\": \"/l\"}]}]}]}";

static const char *stages_json =
    "{\"name\": \"stages\", \"spawn_rate\": 100, \"stages\": ["
    " {\"duration\": \"10s\", \"users\": 3}, {\"duration\": \"10s\", \"users\": 6}],"
    " \"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"name\": \"h\", \"steps\": "
    "[{\"method\": \"GET\", \"path\": \"/h\"}]}]}]}";

static const char *abort_json =
    "{\"name\": \"abort\", \"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"name\": \"h\","
    " \"steps\": [{\"method\": \"GET\", \"path\": \"/h\"}]}]}],"
    " \"targets\": {\"p99\": {\"value\": \"< 5ms\", \"abort_on_fail\": true,"
    " \"abort_after\": \"10s\"}}}";

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    f->snap = calloc(1, sizeof *f->snap);
    f->cfg = (struct engine_config){.host = "http://127.0.0.1:1", .threads = 2, .users = 8,
                                    .spawn_rate = 2, .use_targets = true};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    control_destroy(f->c);
    if (f->scn)
        scenario_free(f->scn);
    free(f->snap);
    free(f);
    return 0;
}

static void create(struct fixture *f, const char *json)
{
    char err[512];

    if (scenario_load_string(json, "test.json", &f->scn, err, sizeof err) < 0)
        fail_msg("scenario: %s", err);
    f->cfg.scenario = f->scn;
    f->c = control_create(&f->cfg, (uint32_t)f->cfg.threads);
    assert_non_null(f->c);
}

/* Start the run at T0 and forget its first actions. */
static void start(struct fixture *f, const char *json)
{
    struct control_action a;

    create(f, json);
    control_start(f->c, T0);
    while (control_next_action(f->c, &a))
        ;
}

/* Collect the pending actions into f->actions. */
static size_t take(struct fixture *f)
{
    f->n_actions = 0;
    while (f->n_actions < 32 && control_next_action(f->c, &f->actions[f->n_actions]))
        f->n_actions++;
    return f->n_actions;
}

static void command(struct fixture *f, enum engine_cmd_type type, uint32_t users, double rate,
                    double at)
{
    struct engine_cmd cmd = {.type = type, .users = users, .spawn_rate = rate,
                             .who = EVENT_OPERATOR};

    control_command(f->c, &cmd, T0 + at);
}

static void tick(struct fixture *f, double at, bool idle)
{
    control_tick(f->c, T0 + at, idle);
}

static const struct snapshot *fill(struct fixture *f, double at)
{
    control_fill(f->c, f->snap, T0 + at, 0);
    return f->snap;
}

static uint32_t users(struct fixture *f)
{
    return control_users(f->c, 0);
}

static uint32_t slot_total(struct fixture *f, uint32_t slot)
{
    return control_slot_users(f->c, slot, 0) + control_slot_users(f->c, slot, 1);
}

/* The newest event with text containing `text` (NULL when none). */
static const struct snap_event *find_event(struct fixture *f, const char *text)
{
    const struct snapshot *s = fill(f, 0);

    for (uint32_t i = s->n_events; i-- > 0;)
        if (strstr(s->events[i].text, text))
            return &s->events[i];
    return NULL;
}

/* ---- the ramp and the dispatcher ------------------------------------------------------------ */

/* 8 users at 2/s: 2 users at once, then 2 every second; classes 3:1 and slots even at every
 * step; the target reached at T0 + 3. */
static void test_ramp_steps_at_the_rate_and_splits_by_weight(void **state)
{
    struct fixture *f = *state;

    start(f, two_classes_json);
    assert_int_equal(users(f), 2);
    assert_int_equal(control_state(f->c), RUN_SPAWNING);
    assert_true(control_next_step(f->c) == T0 + 1.0);
    tick(f, 0.999, false);
    assert_int_equal(users(f), 2);
    tick(f, 1.0, false);
    assert_int_equal(users(f), 4);
    assert_int_equal(slot_total(f, 0), 2);
    assert_int_equal(slot_total(f, 1), 2);
    assert_int_equal(fill(f, 1.0)->classes[0].users, 3);    /* 3:1 of 4 */
    assert_int_equal(f->snap->classes[1].users, 1);
    assert_true(f->snap->ramp_eta == 2.0);
    tick(f, 2.5, false);
    assert_int_equal(users(f), 6);
    assert_null(find_event(f, "All users spawned"));
    tick(f, 3.0, false);
    assert_int_equal(users(f), 8);
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    assert_true(control_next_step(f->c) < 0);
    assert_int_equal(fill(f, 3.0)->classes[0].users, 6);
    assert_int_equal(f->snap->classes[1].users, 2);
    assert_int_equal(slot_total(f, 0), 4);
    assert_int_equal(slot_total(f, 1), 4);
    assert_true(f->snap->ramp_complete);
    assert_true(f->snap->steady_start == T0 + 3.0);
    assert_non_null(find_event(f, "All users spawned: {\"Heavy\": 6, \"Light\": 2} (8 total"));
    assert_int_equal(take(f), 1);
    assert_int_equal(f->actions[0].type, CONTROL_STEADY);
    assert_true(f->actions[0].time == T0 + 3.0);
}


static const char *fixed_json =
    "{\"name\": \"fixed\", \"user_classes\": ["
    " {\"name\": \"Admin\", \"fixed_count\": 2, \"tasks\": [{\"name\": \"a\", \"steps\": "
    "[{\"method\": \"GET\", \"path\": \"/a\"}]}]},"
    " {\"name\": \"Heavy\", \"weight\": 3, \"tasks\": [{\"name\": \"h\", \"steps\": "
    "[{\"method\": \"GET\", \"path\": \"/h\"}]}]},"
    " {\"name\": \"Light\", \"weight\": 1, \"tasks\": [{\"name\": \"l\", \"steps\": "
    "[{\"method\": \"GET\", \"path\": \"/l\"}]}]}]}";

/* Locust's fixed_count: a class with one gets exactly that many users, first; the weighted
 * classes share the rest by weight; ramping down stops weighted users first. */
static void test_fixed_counts_first_then_weights(void **state)
{
    struct fixture *f = *state;

    f->cfg.users = 1;
    f->cfg.spawn_rate = 100;
    start(f, fixed_json);
    assert_int_equal(fill(f, 0)->classes[0].users, 1);      /* the first user is an Admin */
    command(f, ENGINE_SET_USERS, 10, 100, 1);
    tick(f, 2, false);
    fill(f, 2);
    assert_int_equal(f->snap->classes[0].users, 2);
    assert_int_equal(f->snap->classes[1].users, 6);
    assert_int_equal(f->snap->classes[2].users, 2);
    command(f, ENGINE_SET_USERS, 3, 100, 3);
    tick(f, 4, false);
    fill(f, 4);
    assert_int_equal(f->snap->classes[0].users, 2);         /* kept while weighted ones go */
    assert_int_equal(f->snap->classes[1].users + f->snap->classes[2].users, 1);
    command(f, ENGINE_SET_USERS, 1, 100, 5);
    tick(f, 6, false);
    assert_int_equal(fill(f, 6)->classes[0].users, 1);
}

/* A late tick catches up every step that was due; a step of floor(rate) users. */
static void test_late_tick_catches_up(void **state)
{
    struct fixture *f = *state;

    f->cfg.users = 100;
    f->cfg.spawn_rate = 10;
    start(f, two_classes_json);
    assert_int_equal(users(f), 10);
    tick(f, 4.5, false);                    /* steps at 1, 2, 3, 4 */
    assert_int_equal(users(f), 50);
    assert_true(control_next_step(f->c) == T0 + 5.0);
    tick(f, 60, false);
    assert_int_equal(users(f), 100);
}

/* The operator ramps down: users of the class above its weight stop first, from the slot that
 * has most of them; the pace holds from the last step. */
static void test_operator_ramps_down_by_weight(void **state)
{
    struct fixture *f = *state;

    f->cfg.spawn_rate = 100;
    start(f, two_classes_json);
    assert_int_equal(users(f), 8);
    command(f, ENGINE_SET_USERS, 4, 0, 1.0);    /* 0: keep the current rate */
    assert_int_equal(users(f), 4);
    assert_int_equal(control_slot_users(f->c, 0, 0) + control_slot_users(f->c, 1, 0), 3);
    assert_int_equal(control_slot_users(f->c, 0, 1) + control_slot_users(f->c, 1, 1), 1);
    assert_int_equal(slot_total(f, 0), 2);
    assert_int_equal(slot_total(f, 1), 2);
    assert_non_null(find_event(f, "Ramping to 4 users at a rate of 100.00 per second"));
    assert_int_equal(find_event(f, "Ramping to 4")->who, EVENT_OPERATOR);
    assert_true(control_manual(f->c));      /* the operator's load: throughput not judged */
    command(f, ENGINE_SET_USERS, 6, 1, 1.0);    /* at 1/s; the last step was at 1.0 */
    assert_int_equal(users(f), 4);
    tick(f, 1.99, false);
    assert_int_equal(users(f), 4);
    tick(f, 2.0, false);
    assert_int_equal(users(f), 5);
    tick(f, 3.0, false);
    assert_int_equal(users(f), 6);
}

/* Two retargets before a step is due, the second back to the current count: running again,
 * not spawning forever. */
static void test_retarget_back_to_the_current_count_is_running(void **state)
{
    struct fixture *f = *state;

    f->cfg.spawn_rate = 100;
    start(f, two_classes_json);
    command(f, ENGINE_SET_USERS, 4, 100, 0.2);
    assert_int_equal(control_state(f->c), RUN_SPAWNING);
    command(f, ENGINE_SET_USERS, 8, 100, 0.3);
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    assert_true(control_next_step(f->c) < 0);
    tick(f, 2.0, false);
    assert_int_equal(users(f), 8);
}

/* ---- stages -------------------------------------------------------------------------------- */

static void test_stages_retarget_then_end_the_run(void **state)
{
    struct fixture *f = *state;

    f->cfg.use_stages = true;
    f->cfg.stop_timeout = 4;
    start(f, stages_json);
    assert_int_equal(users(f), 3);
    assert_non_null(find_event(f, "Stage 1/2: 3 users at 100.00 per second"));
    tick(f, 9.9, false);
    assert_int_equal(users(f), 3);
    assert_int_equal(fill(f, 9.9)->stage, 0);
    tick(f, 10.0, false);
    assert_int_equal(users(f), 6);
    assert_non_null(find_event(f, "Stage 2/2"));
    assert_int_equal(fill(f, 10.0)->stage, 1);
    assert_int_equal(take(f), 0);
    tick(f, 20.0, false);
    assert_int_equal(control_state(f->c), RUN_STOPPING);
    assert_non_null(find_event(f, "All stages complete, stopping"));
    assert_int_equal(take(f), 1);
    assert_int_equal(f->actions[0].type, CONTROL_STOP_ALL);
    assert_true(f->actions[0].time == T0 + 24.0);       /* on_stop gets stop_timeout */
}

/* The operator's ramp suspends the stages; giving control back re-applies the current stage
 * at the next tick. */
static void test_operator_takes_control_from_stages_and_gives_it_back(void **state)
{
    struct fixture *f = *state;

    f->cfg.use_stages = true;
    start(f, stages_json);
    command(f, ENGINE_SET_USERS, 1, 100, 2.0);
    assert_int_equal(users(f), 1);
    assert_true(control_manual(f->c));
    assert_non_null(find_event(f, "Operator took control: stages suspended"));
    tick(f, 12.0, false);                   /* stage 2 began: not followed */
    assert_int_equal(users(f), 1);
    assert_null(find_event(f, "Stage 2/2"));
    command(f, ENGINE_RESUME_STAGES, 0, 0, 13.0);
    assert_false(control_manual(f->c));
    assert_non_null(find_event(f, "Control given back to the scenario's stages"));
    tick(f, 13.1, false);
    assert_int_equal(users(f), 6);
    assert_non_null(find_event(f, "Stage 2/2"));
}

/* Scenario-driven retargets (who = scenario) do not take control. */
static void test_scenario_retarget_keeps_the_stages(void **state)
{
    struct fixture *f = *state;
    struct engine_cmd cmd = {.type = ENGINE_SET_USERS, .users = 2, .who = EVENT_SCENARIO};

    f->cfg.use_stages = true;
    start(f, stages_json);
    control_command(f->c, &cmd, T0 + 1);
    assert_false(control_manual(f->c));
    assert_int_equal(users(f), 2);
}

/* ---- limits, stop, pause, reset ------------------------------------------------------------ */

static void test_run_time_limit_stops_the_run(void **state)
{
    struct fixture *f = *state;

    f->cfg.run_time = 5;
    f->cfg.stop_timeout = 2;
    start(f, two_classes_json);
    tick(f, 4.99, false);
    assert_true(control_state(f->c) < RUN_STOPPING);
    assert_true(fill(f, 4.0)->remaining == 1.0);
    take(f);
    tick(f, 5.0, true);                     /* idle before the stop began: not stopped yet */
    assert_int_equal(control_state(f->c), RUN_STOPPING);
    assert_false(control_finished(f->c));
    assert_non_null(find_event(f, "Run time limit reached, stopping"));
    assert_int_equal(take(f), 1);
    assert_int_equal(f->actions[0].type, CONTROL_STOP_ALL);
    assert_true(f->actions[0].time == T0 + 7.0);
}

/* Stopping lasts until every slot is idle; then stopped, finished, and the clock freezes. */
static void test_stopped_only_once_workers_are_idle(void **state)
{
    struct fixture *f = *state;

    start(f, two_classes_json);
    command(f, ENGINE_STOP, 0, 0, 1.0);
    assert_int_equal(control_state(f->c), RUN_STOPPING);
    assert_non_null(find_event(f, "Stopping (operator)"));
    assert_int_equal(control_users(f->c, 5), 5);    /* the workers' count while stopping */
    tick(f, 1.2, false);
    tick(f, 1.4, false);
    assert_int_equal(control_state(f->c), RUN_STOPPING);
    assert_true(control_next_step(f->c) < 0);       /* the ramp is over */
    tick(f, 1.6, true);
    assert_int_equal(control_state(f->c), RUN_STOPPED);
    assert_true(control_finished(f->c));
    assert_non_null(find_event(f, "Test stopped: every user finished"));
    assert_true(fabs(fill(f, 30.0)->elapsed - 1.6) < 1e-6);
    assert_true(f->snap->end_time == T0 + 1.6);
    assert_true(f->snap->finished);
    command(f, ENGINE_SET_USERS, 10, 1, 31.0);      /* ignored once stopping */
    command(f, ENGINE_PAUSE, 0, 0, 31.0);
    assert_int_equal(control_state(f->c), RUN_STOPPED);
}

/* Requests aborted in flight are noted once the run is finished, once, and not before. */
static void test_aborted_requests_noted_when_finished(void **state)
{
    struct fixture *f = *state;
    struct snapshot *s = calloc(1, sizeof *s);

    start(f, two_classes_json);
    s->total.aborted = 3;
    command(f, ENGINE_STOP, 0, 0, 1.0);
    control_judge(f->c, s, T0 + 1.1, 0);
    assert_null(find_event(f, "aborted"));
    tick(f, 1.6, true);
    control_judge(f->c, s, T0 + 1.7, 0);
    control_judge(f->c, s, T0 + 1.9, 0);
    const struct snap_event *ev = find_event(f, "3 requests in flight were aborted when the "
                                                "users stopped (no answer: in no count)");
    assert_non_null(ev);
    assert_int_equal(ev->level, EVENT_INFO);
    uint32_t n = fill(f, 2.0)->n_events;
    control_judge(f->c, s, T0 + 2.1, 0);
    assert_int_equal(fill(f, 2.1)->n_events, n);
    free(s);
}

static void test_pause_and_resume(void **state)
{
    struct fixture *f = *state;

    start(f, two_classes_json);
    command(f, ENGINE_PAUSE, 0, 0, 0.5);
    assert_int_equal(control_state(f->c), RUN_PAUSED);
    assert_int_equal(take(f), 1);
    assert_int_equal(f->actions[0].type, CONTROL_PAUSE);
    command(f, ENGINE_PAUSE, 0, 0, 0.6);            /* already paused: nothing */
    assert_int_equal(take(f), 0);
    assert_non_null(find_event(f, "Paused: users finish their task and wait"));
    tick(f, 1.0, false);                            /* the ramp goes on, the state stays */
    assert_int_equal(users(f), 4);
    assert_int_equal(control_state(f->c), RUN_PAUSED);
    command(f, ENGINE_RESUME, 0, 0, 1.5);
    assert_int_equal(control_state(f->c), RUN_SPAWNING);
    assert_int_equal(take(f), 1);
    assert_int_equal(f->actions[0].type, CONTROL_RESUME);
    assert_non_null(find_event(f, "Resumed"));
    tick(f, 3.0, false);
    assert_int_equal(control_state(f->c), RUN_RUNNING);
}

static void test_reset_stats_after_the_ramp_up_once(void **state)
{
    struct fixture *f = *state;

    f->cfg.reset_stats_after_ramp = true;
    f->cfg.users = 4;
    start(f, two_classes_json);
    tick(f, 1.0, false);
    assert_int_equal(take(f), 2);                   /* steady first, then the reset */
    assert_int_equal(f->actions[0].type, CONTROL_STEADY);
    assert_int_equal(f->actions[1].type, CONTROL_RESET_STATS);
    assert_true(f->actions[1].time == T0 + 1.0);
    assert_non_null(find_event(f, "Resetting stats (ramp-up complete)"));
    command(f, ENGINE_SET_USERS, 6, 2, 5.0);
    tick(f, 5.0, false);
    assert_int_equal(users(f), 6);
    assert_int_equal(take(f), 0);                   /* neither again */
}

static void test_operator_reset_and_note(void **state)
{
    struct fixture *f = *state;
    struct engine_cmd note = {.type = ENGINE_NOTE, .who = EVENT_OPERATOR};

    start(f, two_classes_json);
    command(f, ENGINE_RESET_STATS, 0, 0, 2.0);
    assert_int_equal(take(f), 1);
    assert_int_equal(f->actions[0].type, CONTROL_RESET_STATS);
    assert_true(f->actions[0].time == T0 + 2.0);
    assert_non_null(find_event(f, "Statistics reset"));
    snprintf(note.text, sizeof note.text, "snapshot written to x");
    control_command(f->c, &note, T0 + 3.0);
    assert_true(find_event(f, "snapshot written to x")->time == T0 + 3.0);
}

/* ---- judging snapshots: aborts and warnings ------------------------------------------------- */

static void fail_p99(struct snapshot *s)
{
    s->n_targets = 1;
    snprintf(s->targets[0].text, sizeof s->targets[0].text, "p99 < 5 ms");
    snprintf(s->targets[0].window, sizeof s->targets[0].window, "run");
    snprintf(s->targets[0].detail, sizeof s->targets[0].detail, "20 ms > 5 ms");
    s->targets[0].status = TARGET_FAIL;
    s->targets[0].abort_on_fail = true;
}

static void test_failing_abort_on_fail_target_stops_the_run(void **state)
{
    struct fixture *f = *state;
    struct snapshot *s = calloc(1, sizeof *s);

    f->cfg.spawn_rate = 100;
    start(f, abort_json);
    fail_p99(s);
    control_judge(f->c, s, T0 + 9.0, 0);            /* before abort_after */
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    control_judge(f->c, s, T0 + 10.0, 0);
    assert_int_equal(control_state(f->c), RUN_STOPPING);
    assert_true(fill(f, 10.0)->aborted);
    assert_non_null(strstr(f->snap->abort_reason, "Target failed: p99 < 5 ms (run)"));
    assert_non_null(find_event(f, "Stopping: a target with abort_on_fail failed"));
    assert_int_equal(take(f), 1);
    assert_int_equal(f->actions[0].type, CONTROL_STOP_ALL);
    free(s);
}

static void test_targets_off_never_abort(void **state)
{
    struct fixture *f = *state;
    struct snapshot *s = calloc(1, sizeof *s);

    f->cfg.use_targets = false;
    f->cfg.spawn_rate = 100;
    start(f, abort_json);
    fail_p99(s);
    control_judge(f->c, s, T0 + 20.0, 0);
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    assert_false(fill(f, 20.0)->aborted);
    free(s);
}

/* Seconds with users, requests and failures per second as given. */
static void series(struct snapshot *s, uint32_t n, uint32_t requests, uint32_t failures)
{
    s->n_points = n;
    for (uint32_t i = 0; i < n; i++)
        s->series[i] = (struct snap_point){.second = 1700000000 + i, .users = 3,
                                           .requests = requests, .failures = failures};
}

static void test_silence_warns_only_when_requests_wait(void **state)
{
    struct fixture *f = *state;
    struct snapshot *s = calloc(1, sizeof *s);

    f->cfg.spawn_rate = 100;
    start(f, two_classes_json);
    series(s, 2, 0, 0);
    control_judge(f->c, s, T0 + 2.0, 3);            /* 2 s: not yet */
    assert_null(find_event(f, "No request finished"));
    series(s, 5, 0, 0);
    control_judge(f->c, s, T0 + 5.0, 0);            /* users thinking: no request waits */
    assert_null(find_event(f, "No request finished"));
    control_judge(f->c, s, T0 + 5.2, 3);
    assert_non_null(find_event(f, "No request finished for 3 s while 3 are waiting for an "
                                  "answer: the target stopped answering?"));
    assert_int_equal(find_event(f, "No request finished")->level, EVENT_WARN);
    control_judge(f->c, s, T0 + 5.4, 3);            /* said once */
    assert_int_equal(fill(f, 5.4)->n_events, 4);
    command(f, ENGINE_PAUSE, 0, 0, 6.0);            /* paused users are not silence */
    series(s, 5, 1, 0);
    control_judge(f->c, s, T0 + 6.1, 0);
    series(s, 5, 0, 0);
    control_judge(f->c, s, T0 + 7.0, 3);
    assert_int_equal(fill(f, 7.0)->n_events, 5);    /* only "Paused" was added */
    free(s);
}

static void test_every_request_failing_warns_then_recovers(void **state)
{
    struct fixture *f = *state;
    struct snapshot *s = calloc(1, sizeof *s);

    start(f, two_classes_json);
    series(s, 3, 10, 10);
    s->n_errors = 2;
    s->errors[0] = (struct snap_error){.kind = OUTCOME_HTTP, .count = 50,
                                       .last_seen = 1700000000 - 30.0};    /* long ago */
    snprintf(s->errors[0].text, sizeof s->errors[0].text, "HTTP 500 Internal Server Error");
    s->errors[1] = (struct snap_error){.kind = OUTCOME_TRANSPORT, .count = 30,
                                       .last_seen = 1700000002.5};
    snprintf(s->errors[1].text, sizeof s->errors[1].text, "Connection refused");
    control_judge(f->c, s, T0 + 3.0, 0);
    assert_non_null(find_event(f, "Every request failed for 3 s: the target stopped "
                                  "answering? (Connection refused)"));
    series(s, 3, 10, 0);
    control_judge(f->c, s, T0 + 6.0, 0);
    assert_non_null(find_event(f, "The target answers again"));
    free(s);
}

/* Every request failing with a status, or never sent, is no silent target: the warning says
 * what the failures are instead. */
static void test_every_request_failing_says_what_failed(void **state)
{
    static const struct {
        uint8_t kind;
        const char *text, *event, *recovered;
    } cases[] = {
        {OUTCOME_HTTP, "HTTP 401 Unauthorized",
         "Every request failed for 3 s: the target answers HTTP 401 Unauthorized",
         "Requests succeed again"},
        {OUTCOME_SCRIPT, "variable ${token} is not set",
         "Every request failed for 3 s without being sent: variable ${token} is not set",
         "Requests succeed again"},
        {OUTCOME_CHECK, "check failed: json.status == \"ok\" (got \"down\")",
         "Every request failed for 3 s: the answers fail the scenario's checks (check failed: "
         "json.status == \"ok\" (got \"down\"))", "Requests succeed again"},
    };
    struct fixture *f = *state;
    struct snapshot *s = calloc(1, sizeof *s);

    start(f, two_classes_json);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        series(s, 3, 10, 10);
        s->n_errors = 1;
        s->errors[0] = (struct snap_error){.kind = cases[i].kind, .count = 30,
                                           .last_seen = 1700000002.9};
        snprintf(s->errors[0].text, sizeof s->errors[0].text, "%s", cases[i].text);
        control_judge(f->c, s, T0 + 3.0 + 10 * (double)i, 0);
        assert_non_null(find_event(f, cases[i].event));
        assert_null(find_event(f, "stopped answering"));
        series(s, 3, 10, 0);
        control_judge(f->c, s, T0 + 6.0 + 10 * (double)i, 0);
        assert_non_null(find_event(f, cases[i].recovered));
        assert_null(find_event(f, "The target answers again"));
    }
    free(s);
}

/* hornet's own load over the thresholds for 3 s: a warning event with the reason, the
 * snapshot marked saturated; back under for 5 s: an event again; paused runs are not
 * judged. */
static void test_saturation_events(void **state)
{
    struct fixture *f = *state;
    struct snapshot *s = calloc(1, sizeof *s);
    const struct snap_event *ev;

    start(f, two_classes_json);
    s->self = (struct snap_self){.lag_ms = 2.0, .workers_cpu_percent = 99.0};
    for (double t = 0; t < 3.0; t += 0.2) {
        control_saturation(f->c, s, 1, T0 + t);
        assert_false(s->saturated);
    }
    control_saturation(f->c, s, 1, T0 + 3.0);
    assert_true(s->saturated);
    assert_true(fabs(s->saturated_seconds - 3.0) < 1e-3);
    ev = find_event(f, "load generator saturated: latencies include hornet's own queueing "
                       "(worker threads at 99% CPU)");
    assert_non_null(ev);
    assert_int_equal(ev->level, EVENT_WARN);
    s->self.workers_cpu_percent = 20.0;
    for (double t = 3.2; t < 8.2; t += 0.5)
        control_saturation(f->c, s, 1, T0 + t);
    assert_true(s->saturated);
    control_saturation(f->c, s, 1, T0 + 8.3);
    assert_false(s->saturated);
    assert_non_null(find_event(f, "The load generator is no longer saturated"));
    assert_true(fabs(s->saturated_seconds - 3.2) < 1e-3);  /* from 0 until under at 3.2 */
    command(f, ENGINE_PAUSE, 0, 0, 9.0);            /* idle workers of a pause: not judged */
    s->self.lag_ms = 500.0;
    for (double t = 9.0; t < 20.0; t += 0.5)
        control_saturation(f->c, s, 1, T0 + t);
    assert_false(s->saturated);
    free(s);
}

/* ---- descriptors and fatal errors ------------------------------------------------------------ */

static void test_descriptor_budget(void **state)
{
    (void)state;
    assert_int_equal(engine_fds_needed(32, 1), 32 + 2 + 64);    /* one curl group of 32 */
    assert_int_equal(engine_fds_needed(33, 2), 66 + 4 + 64);    /* two groups */
    assert_int_equal(engine_max_users(98, 1), 32);
    assert_int_equal(engine_max_users(100, 1), 32);             /* a 33rd opens a group */
    assert_int_equal(engine_max_users(64, 1), 0);
    assert_int_equal(engine_max_users(0, 1), UINT32_MAX);       /* unknown limit */
    for (uint32_t limit = 65; limit < 40000; limit += 997) {
        for (uint32_t per = 1; per <= 2; per++) {
            uint32_t max = engine_max_users(limit, per);
            assert_true(engine_fds_needed(max, per) <= limit);
            assert_true(engine_fds_needed(max + 1, per) > limit);
        }
    }
}

/* A ramp past what the descriptor limit allows is capped, with a warning. */
static void test_descriptor_cap(void **state)
{
    struct fixture *f = *state;
    const struct snap_event *ev;

    f->cfg.fd_limit = 100;
    f->cfg.fds_per_user = 1;
    f->cfg.spawn_rate = 1000;
    start(f, two_classes_json);
    assert_int_equal(users(f), 8);
    command(f, ENGINE_SET_USERS, 50, 1000, 1.0);
    assert_int_equal(users(f), 32);
    assert_int_equal(fill(f, 1.0)->target_users, 32);
    ev = find_event(f, "50 users need about 118 file descriptors but the limit is 100: capped "
                       "at 32 users (raise ulimit -n)");
    assert_non_null(ev);
    assert_int_equal(ev->level, EVENT_WARN);
    assert_non_null(find_event(f, "Ramping to 32 users"));
}

static void test_fatal_error_stops_at_once_and_is_kept(void **state)
{
    struct fixture *f = *state;

    f->cfg.stop_timeout = 30;
    start(f, two_classes_json);
    control_fatal(f->c, "worker 1: curl_multi_add_handle failed: Out of memory", T0 + 1.0);
    control_fatal(f->c, "a later error", T0 + 1.1);         /* the first one wins */
    assert_int_equal(control_state(f->c), RUN_STOPPING);
    assert_int_equal(take(f), 1);
    assert_int_equal(f->actions[0].type, CONTROL_STOP_ALL);
    assert_true(f->actions[0].time == T0 + 1.0);            /* no on_stop: at once */
    assert_string_equal(fill(f, 1.2)->fatal,
                        "worker 1: curl_multi_add_handle failed: Out of memory");
    assert_int_equal(find_event(f, "curl_multi_add_handle")->level, EVENT_ERROR);
    assert_null(find_event(f, "a later error"));
    tick(f, 1.2, true);
    assert_true(control_finished(f->c));
    assert_true(fill(f, 1.3)->finished);
    assert_string_not_equal(f->snap->fatal, "");
}

/* The log keeps the newest SNAP_MAX_EVENTS events, oldest first, numbered over the run. */
static void test_event_log_keeps_the_newest(void **state)
{
    struct fixture *f = *state;
    struct engine_cmd note = {.type = ENGINE_NOTE, .who = EVENT_OPERATOR};
    const struct snapshot *s;

    start(f, two_classes_json);                     /* 2 events: starting, ramping */
    for (int i = 0; i < 100; i++) {
        snprintf(note.text, sizeof note.text, "note %d", i);
        control_command(f->c, &note, T0 + i);
    }
    s = fill(f, 100);
    assert_int_equal(s->n_events, SNAP_MAX_EVENTS);
    assert_string_equal(s->events[SNAP_MAX_EVENTS - 1].text, "note 99");
    assert_int_equal(s->events[SNAP_MAX_EVENTS - 1].seq, 102);
    assert_int_equal(s->events[0].seq, 102 - SNAP_MAX_EVENTS + 1);
}

/* ---- the open model ------------------------------------------------------------------------- */

static const char *open_json =
    "{\"name\": \"open\", \"user_classes\": [{\"name\": \"R\", \"arrivals\": "
    "{\"start_rate\": 100, \"stages\": [{\"duration\": \"10s\", \"rate\": 300}],"
    " \"max_users\": 50}, \"tasks\": [{\"name\": \"r\", \"steps\": "
    "[{\"method\": \"GET\", \"path\": \"/r\"}]}]}]}";

static const char *mixed_json =
    "{\"name\": \"mixed\", \"user_classes\": ["
    " {\"name\": \"Open\", \"weight\": 5, \"arrivals\": {\"rate\": 50, \"max_users\": 5},"
    " \"tasks\": [{\"name\": \"o\", \"steps\": [{\"method\": \"GET\", \"path\": \"/o\"}]}]},"
    " {\"name\": \"Closed\", \"tasks\": [{\"name\": \"c\", \"steps\": "
    "[{\"method\": \"GET\", \"path\": \"/c\"}]}]}]}";

static void rate_command(struct fixture *f, double rate, double at)
{
    struct engine_cmd cmd = {.type = ENGINE_SET_RATE, .arrival_rate = rate,
                             .who = EVENT_OPERATOR};

    control_command(f->c, &cmd, T0 + at);
}

/* Only arrivals: no user to ramp, spawning while the arrival stages climb to their peak (or
 * until the operator sets a rate, which replaces the stages; a user count is refused); the run
 * ends after the arrival stages. */
static void test_open_classes_run_on_arrivals(void **state)
{
    struct fixture *f = *state;

    start(f, open_json);
    assert_int_equal(control_state(f->c), RUN_SPAWNING);
    assert_int_equal(users(f), 0);
    assert_int_equal(control_slot_users(f->c, 0, 0), 0);
    assert_true(fill(f, 0)->steady_start == 0);
    assert_non_null(find_event(f, "Arrivals: 100.00 iterations per second of 1 user class"));
    assert_non_null(find_event(f, "R: arrival stage 1/1, to 300.00 iterations per second"));
    assert_true(fabs(openmodel_rate(control_openmodel(f->c), T0 + 5) - 200) < 1e-9);
    command(f, ENGINE_SET_USERS, 10, 0, 1);
    assert_non_null(find_event(f, "Every user class runs on arrivals"));
    assert_int_equal(users(f), 0);
    rate_command(f, 20, 2);
    assert_non_null(find_event(f, "Arrival rate set to 20.00 per second"));
    tick(f, 2.5, false);
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    assert_true(fill(f, 2.5)->steady_start == T0 + 2.5);
    assert_non_null(find_event(f, "Arrivals at their peak: 20.00 iterations per second"));
    assert_true(fill(f, 3)->manual_control);
    assert_true(fabs(openmodel_rate(control_openmodel(f->c), T0 + 3) - 20) < 1e-9);
    tick(f, 11, false);                         /* the operator's rate holds past the stages */
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    command(f, ENGINE_RESUME_STAGES, 0, 0, 12);
    assert_false(fill(f, 12)->manual_control);
    tick(f, 12, false);
    assert_int_equal(control_state(f->c), RUN_STOPPING);
    assert_non_null(find_event(f, "All stages complete, stopping"));
}

/* Open and closed classes together: users go to the closed class only; a pause stops the
 * arrivals too. */
static void test_mixed_classes_dispatch_users_to_closed_ones(void **state)
{
    struct fixture *f = *state;
    struct openmodel *om;

    f->cfg.users = 4;
    f->cfg.spawn_rate = 100;
    start(f, mixed_json);
    om = control_openmodel(f->c);
    assert_int_equal(users(f), 4);
    assert_int_equal(control_slot_users(f->c, 0, 0) + control_slot_users(f->c, 1, 0), 0);
    assert_int_equal(control_slot_users(f->c, 0, 1) + control_slot_users(f->c, 1, 1), 4);
    assert_true(fabs(openmodel_rate(om, T0 + 1) - 50) < 1e-9);
    command(f, ENGINE_PAUSE, 0, 0, 2);
    assert_true(openmodel_rate(om, T0 + 3) == 0);
    command(f, ENGINE_RESUME, 0, 0, 4);
    assert_true(fabs(openmodel_rate(om, T0 + 5) - 50) < 1e-9);
}

/* An open class whose pool is exhausted: a warning when it starts dropping, a note when it
 * stops. */
static void test_dropping_iterations_warns(void **state)
{
    struct fixture *f = *state;
    struct openmodel *om;

    start(f, mixed_json);
    om = control_openmodel(f->c);
    openmodel_observe_pool(om, 0, T0 + 1, 60, 50, 10, 5, 5, 0);
    control_judge(f->c, fill(f, 1), T0 + 1, 0);
    assert_non_null(find_event(f, "Open: dropping iterations: no user free (5 busy, "
                                  "max_users 5), 10 dropped so far"));
    openmodel_observe_pool(om, 0, T0 + 6, 300, 290, 10, 5, 2, 0);
    control_judge(f->c, fill(f, 6), T0 + 6, 0);
    assert_non_null(find_event(f, "Open: no more iterations dropped (10 in all)"));
    /* stopped: the arrivals still waiting are cancelled, not dropped for want of users */
    command(f, ENGINE_STOP, 0, 0, 7);
    openmodel_observe_pool(om, 0, T0 + 7.5, 340, 300, 40, 5, 5, 0);
    control_judge(f->c, fill(f, 7.5), T0 + 7.5, 0);
    assert_null(find_event(f, "Open: dropping iterations: no user free (5 busy, max_users 5), "
                              "40 dropped so far"));
}

/* ---- distributed roles ------------------------------------------------------------------ */

static uint32_t class_sum(struct fixture *f, uint32_t cls, uint32_t n_slots)
{
    uint32_t n = 0;

    for (uint32_t w = 0; w < n_slots; w++)
        n += control_slot_users(f->c, w, cls);
    return n;
}

/* A MASTER's slots are worker nodes: none is active before one joins, the run waits for
 * control_start, and the ramp is spread over the nodes that joined (Locust's round robin). */
static void test_master_spreads_the_ramp_over_joined_nodes(void **state)
{
    struct fixture *f = *state;

    f->cfg.role = ENGINE_MASTER;
    f->cfg.threads = 8;                     /* slots: up to 8 nodes */
    create(f, two_classes_json);
    control_tick(f->c, T0 + 5, true);       /* not started: no stop, no ramp */
    assert_int_equal(control_state(f->c), RUN_READY);
    assert_false(control_started(f->c));
    assert_true(fill(f, 5)->elapsed == 0.0);
    control_set_slot(f->c, 0, true, T0 + 6);
    control_set_slot(f->c, 3, true, T0 + 6);
    control_start(f->c, T0 + 7);
    tick(f, 10, false);
    assert_int_equal(users(f), 8);
    assert_int_equal(slot_total(f, 0), 4);
    assert_int_equal(slot_total(f, 3), 4);
    assert_int_equal(slot_total(f, 1), 0);
    assert_int_equal(class_sum(f, 0, 8), 6);
    assert_int_equal(class_sum(f, 1, 8), 2);
    assert_non_null(find_event(f, "2 worker nodes"));
}

/* A node that joins mid-run takes users from the fullest until no node has more than one user
 * above another; one that leaves has its users placed on the others; class totals hold. */
static void test_master_rebalances_on_join_and_leave(void **state)
{
    struct fixture *f = *state;

    f->cfg.role = ENGINE_MASTER;
    f->cfg.threads = 4;
    f->cfg.users = 12;
    f->cfg.spawn_rate = 100;
    create(f, two_classes_json);
    control_set_slot(f->c, 0, true, T0);
    control_set_slot(f->c, 1, true, T0);
    control_start(f->c, T0);
    assert_int_equal(slot_total(f, 0), 6);
    control_set_slot(f->c, 2, true, T0 + 1);
    assert_int_equal(slot_total(f, 0), 4);
    assert_int_equal(slot_total(f, 1), 4);
    assert_int_equal(slot_total(f, 2), 4);
    assert_int_equal(class_sum(f, 0, 4), 9);
    assert_int_equal(class_sum(f, 1, 4), 3);
    assert_non_null(find_event(f, "4 users moved to the new worker"));
    control_set_slot(f->c, 1, false, T0 + 2);
    assert_int_equal(slot_total(f, 1), 0);
    assert_int_equal(slot_total(f, 0), 6);
    assert_int_equal(slot_total(f, 2), 6);
    assert_int_equal(class_sum(f, 0, 4), 9);
    assert_int_equal(class_sum(f, 1, 4), 3);
    assert_int_equal(users(f), 12);
    assert_non_null(find_event(f, "Re-dispatched the 4 users of the worker that left to the 2"));
    control_set_slot(f->c, 0, false, T0 + 3);
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    control_set_slot(f->c, 2, false, T0 + 4);
    assert_int_equal(control_state(f->c), RUN_STOPPING);
    assert_non_null(find_event(f, "The last worker left, stopping test"));
    tick(f, 5, true);
    assert_true(control_finished(f->c));
}

/* Before its workers are there a MASTER keeps the operator's count for the start; pause is
 * refused (Locust's protocol has none); a stop before the start ends the run. */
static void test_master_before_start_and_pause(void **state)
{
    struct fixture *f = *state;

    f->cfg.role = ENGINE_MASTER;
    create(f, two_classes_json);
    command(f, ENGINE_SET_USERS, 4, 50, 1);
    assert_non_null(find_event(f, "Will ramp to 4 users at a rate of 50.00 per second once"));
    control_set_slot(f->c, 1, true, T0 + 2);
    control_start(f->c, T0 + 2);
    assert_int_equal(users(f), 4);
    assert_int_equal(slot_total(f, 1), 4);
    take(f);
    command(f, ENGINE_PAUSE, 0, 0, 3);
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    assert_int_equal(find_event(f, "Pause is not available")->level, EVENT_WARN);
    assert_int_equal(take(f), 0);
    teardown(state);
    setup(state);
    f = *state;
    f->cfg.role = ENGINE_MASTER;
    create(f, two_classes_json);
    command(f, ENGINE_STOP, 0, 0, 1);
    tick(f, 1.5, true);
    assert_true(control_finished(f->c));
    control_start(f->c, T0 + 2);            /* too late: nothing starts */
    assert_false(control_started(f->c));
}

/* A WORKER applies its master's absolute counts at once, has no run time of its own, returns
 * to ready after the master's stop (counts that arrive meanwhile wait for it), and finishes
 * only on ENGINE_STOP. */
static void test_worker_follows_its_master(void **state)
{
    struct fixture *f = *state;
    uint32_t counts[2] = {3, 2}, later[2] = {1, 0};

    f->cfg.role = ENGINE_WORKER;
    f->cfg.run_time = 1;
    f->cfg.stop_timeout = 4;
    start(f, two_classes_json);
    assert_int_equal(users(f), 0);
    assert_int_equal(control_state(f->c), RUN_READY);
    control_set_classes(f->c, counts, -1, T0 + 1);
    assert_int_equal(users(f), 5);
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    assert_int_equal(class_sum(f, 0, 2), 3);
    assert_int_equal(class_sum(f, 1, 2), 2);
    assert_true(slot_total(f, 0) + slot_total(f, 1) == 5 && slot_total(f, 0) >= 2 &&
                slot_total(f, 1) >= 2);
    assert_non_null(find_event(f, "Master asked for {\"Heavy\": 3, \"Light\": 2} (5 total"));
    tick(f, 30, false);                     /* no run time, no ramp of its own */
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    control_stop_users(f->c, T0 + 31);
    assert_int_equal(control_state(f->c), RUN_STOPPING);
    assert_int_equal(take(f), 1);
    assert_int_equal(f->actions[0].type, CONTROL_STOP_ALL);
    assert_true(f->actions[0].time == T0 + 35);
    control_set_classes(f->c, later, -1, T0 + 32);          /* waits for the stop */
    assert_int_equal(class_sum(f, 0, 2), 3);
    tick(f, 33, true);
    assert_int_equal(control_state(f->c), RUN_RUNNING);
    assert_false(control_finished(f->c));
    assert_int_equal(users(f), 1);
    assert_int_equal(class_sum(f, 0, 2), 1);
    assert_int_equal(class_sum(f, 1, 2), 0);
    control_stop_users(f->c, T0 + 34);
    command(f, ENGINE_STOP, 0, 0, 35);      /* the master's quit during the stop */
    tick(f, 36, true);
    assert_true(control_finished(f->c));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_ramp_steps_at_the_rate_and_splits_by_weight),
        T(test_late_tick_catches_up),
        T(test_fixed_counts_first_then_weights),
        T(test_operator_ramps_down_by_weight),
        T(test_retarget_back_to_the_current_count_is_running),
        T(test_stages_retarget_then_end_the_run),
        T(test_operator_takes_control_from_stages_and_gives_it_back),
        T(test_scenario_retarget_keeps_the_stages),
        T(test_run_time_limit_stops_the_run),
        T(test_stopped_only_once_workers_are_idle),
        T(test_pause_and_resume),
        T(test_reset_stats_after_the_ramp_up_once),
        T(test_operator_reset_and_note),
        T(test_failing_abort_on_fail_target_stops_the_run),
        T(test_targets_off_never_abort),
        T(test_silence_warns_only_when_requests_wait),
        T(test_every_request_failing_warns_then_recovers),
        T(test_every_request_failing_says_what_failed),
        T(test_saturation_events),
        T(test_aborted_requests_noted_when_finished),
        cmocka_unit_test(test_descriptor_budget),
        T(test_descriptor_cap),
        T(test_fatal_error_stops_at_once_and_is_kept),
        T(test_event_log_keeps_the_newest),
        T(test_open_classes_run_on_arrivals),
        T(test_mixed_classes_dispatch_users_to_closed_ones),
        T(test_dropping_iterations_warns),
        T(test_master_spreads_the_ramp_over_joined_nodes),
        T(test_master_rebalances_on_join_and_leave),
        T(test_master_before_start_and_pause),
        T(test_worker_follows_its_master),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
