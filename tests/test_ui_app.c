/* Tests of the keymap table (ui/keymap.c) and of what keys do (ui/app.c), with a host that
 * records the engine commands instead of an engine: W ten times asks for +100 even before the
 * snapshots catch up, the user count and spawn rate prompts, pause, stop, reset, stages,
 * snapshots, views, selection, sorting, the quit sequence with Ctrl-C, the event history, and
 * for open runs the arrival rate keys and the corrected / service-time flip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>
#include <curses.h>
#include "app.h"
#include "keymap_internal.h"
#include "fixtures/ui/ui_fixture.h"

#define MAX_CMDS 64

struct recorder {
    struct engine_cmd cmds[MAX_CMDS];
    int n;
    int snapshots;
    int snapshot_rc;
};

struct fixture {
    struct snapshot snap;
    struct snapshot empty;
    struct recorder rec;
    struct app app;
    struct timeline *timeline;
};

static void record_send(void *arg, const struct engine_cmd *cmd)
{
    struct recorder *r = arg;

    assert_true(r->n < MAX_CMDS);
    r->cmds[r->n++] = *cmd;
}

static int record_snapshot(void *arg, char *msg, size_t n)
{
    struct recorder *r = arg;

    r->snapshots++;
    snprintf(msg, n, r->snapshot_rc ? "disk full" : "Snapshot written: hornet_x_*.csv");
    return r->snapshot_rc;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct app_host host;

    if (!f)
        return -1;
    host = (struct app_host){record_send, record_snapshot, &f->rec, NULL};
    if (!(f->timeline = timeline_create()) ||
        app_init(&f->app, &f->empty, f->timeline, &host) < 0)
        return -1;
    uifix_running(&f->snap);
    timeline_update(f->timeline, &f->snap);         /* as the host keeps it */
    app_update(&f->app, &f->snap, 1000.0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    app_free(&f->app);
    timeline_free(f->timeline);
    free(f);
    return 0;
}

/* One batch of keys, as the dashboard reads them from the terminal. */
static void keys(struct fixture *f, const char *text)
{
    for (; *text; text++)
        app_key(&f->app, (unsigned char)*text, f->app.now);
    app_flush(&f->app);
}

static const struct engine_cmd *last(const struct fixture *f)
{
    assert_true(f->rec.n > 0);
    return &f->rec.cmds[f->rec.n - 1];
}

/* ---- keymap ---------------------------------------------------------------------------- */

static void test_keymap_table(void **state)
{
    (void)state;
    assert_int_equal(keymap_lookup('w'), ACT_USERS_ADD1);
    assert_int_equal(keymap_lookup('W'), ACT_USERS_ADD10);
    assert_int_equal(keymap_lookup('s'), ACT_USERS_SUB1);
    assert_int_equal(keymap_lookup('S'), ACT_USERS_SUB10);
    assert_int_equal(keymap_lookup('u'), ACT_PROMPT_USERS);
    assert_int_equal(keymap_lookup('r'), ACT_PROMPT_RATE);
    assert_int_equal(keymap_lookup('c'), ACT_SNAPSHOT);
    assert_int_equal(keymap_lookup('q'), ACT_QUIT);
    assert_int_equal(keymap_lookup('?'), ACT_HELP);
    assert_int_equal(keymap_lookup('\t'), ACT_VIEW_NEXT);
    assert_int_equal(keymap_lookup(KEY_NPAGE), ACT_PAGE_DOWN);
    assert_int_equal(keymap_lookup('Z'), ACT_NONE);
    assert_string_equal(keymap_label(ACT_USERS_ADD1), "w / W");
    for (size_t i = 0; i < keymap_count; i++)       /* no key bound twice */
        for (size_t j = i + 1; j < keymap_count; j++)
            if (keymap[i].key == keymap[j].key)
                fail_msg("key %d bound twice", keymap[i].key);
}

static void test_keymap_documents_every_action(void **state)
{
    (void)state;
    assert_non_null(keymap[0].help);
    for (int act = ACT_NONE + 1; act < ACT_COUNT; act++) {
        bool bound = false;
        for (size_t i = 0; i < keymap_count; i++)
            bound |= (int)keymap[i].action == act;
        if (!bound)
            fail_msg("action %d has no key", act);
    }
    for (size_t i = 0, line = 0; i < keymap_count; i++) {
        if (keymap[i].help)
            line = i;                               /* the help line this binding shows on */
        else if (keymap[i].group != keymap[line].group && keymap[i].action != ACT_RESIZE)
            fail_msg("binding %zu is not on a help line of its group", i);
        /* a printable key with its own line is named in the line's label */
        if (keymap[i].help && keymap[i].key > ' ' && keymap[i].key < 127 &&
            !strchr(keymap[i].label, keymap[i].key))
            fail_msg("help line %zu (%s) does not name its key '%c'", i, keymap[i].label,
                     keymap[i].key);
    }
}

/* ---- the operator's ramp --------------------------------------------------------------- */

static void test_w_ten_times_before_snapshots(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(f->snap.target_users, 110);
    for (int i = 0; i < 10; i++)                    /* one batch: one ramp of +100 */
        assert_true(app_key(&f->app, 'W', 1000.05));
    assert_int_equal(f->rec.n, 0);
    app_flush(&f->app);
    assert_int_equal(f->rec.n, 1);
    assert_int_equal(f->rec.cmds[0].type, ENGINE_SET_USERS);
    assert_int_equal(f->rec.cmds[0].users, 210);
    assert_int_equal(f->rec.cmds[0].who, EVENT_OPERATOR);
    assert_true(f->rec.cmds[0].spawn_rate == 0.0);  /* the run's own rate */
    app_flush(&f->app);
    assert_int_equal(f->rec.n, 1);                  /* nothing more to send */
    for (int i = 0; i < 3; i++)                     /* separate presses before a snapshot */
        keys(f, "W");
    assert_int_equal(f->rec.n, 4);
    assert_int_equal(f->rec.cmds[1].users, 220);
    assert_int_equal(f->rec.cmds[3].users, 240);
    f->snap.target_users = 230;                     /* the engine caught up halfway */
    app_update(&f->app, &f->snap, 1000.2);
    keys(f, "w");
    assert_int_equal(last(f)->users, 241);          /* still ahead of the snapshot */
    f->snap.target_users = 241;
    app_update(&f->app, &f->snap, 1000.4);
    keys(f, "s");
    assert_int_equal(last(f)->users, 240);
    f->snap.target_users = 240;
    app_update(&f->app, &f->snap, 1000.6);
    keys(f, "SSw");
    assert_int_equal(last(f)->users, 221);
    keys(f, "W");                                   /* a typed target wins over the batch */
    app_key(&f->app, 'W', f->app.now);
    keys(f, "u50\n");
    assert_int_equal(last(f)->users, 50);
}

static void test_pending_target_expires(void **state)
{
    struct fixture *f = *state;

    keys(f, "W");
    assert_int_equal(last(f)->users, 120);
    /* the engine capped the target (descriptor limit): trust the snapshot after a while */
    f->snap.target_users = 115;
    app_update(&f->app, &f->snap, 1000.0 + APP_PENDING_SECONDS + 0.1);
    keys(f, "w");
    assert_int_equal(last(f)->users, 116);
}

static void test_remove_never_below_zero(void **state)
{
    struct fixture *f = *state;

    f->snap.target_users = 4;
    app_update(&f->app, &f->snap, 1001.0);
    keys(f, "S");
    assert_int_equal(last(f)->users, 0);
}

static void test_prompts(void **state)
{
    struct fixture *f = *state;

    keys(f, "u");
    assert_int_equal(f->app.mode, MODE_PROMPT_USERS);
    keys(f, "1x");                                  /* typed as is (Enter would refuse it) */
    assert_string_equal(f->app.input, "1x");
    app_key(&f->app, KEY_BACKSPACE, f->app.now);
    keys(f, "0\x01""0");                            /* control keys are not typed in */
    assert_string_equal(f->app.input, "100");
    app_key(&f->app, KEY_BACKSPACE, f->app.now);
    keys(f, "00\r");
    assert_int_equal(f->app.mode, MODE_NORMAL);
    assert_int_equal(last(f)->type, ENGINE_SET_USERS);
    assert_int_equal(last(f)->users, 1000);
    assert_true(last(f)->spawn_rate == 0.0);
    /* a ramp is in progress (57 -> 110): a new rate applies to it at once */
    keys(f, "r12.5\n");
    assert_int_equal(last(f)->type, ENGINE_SET_USERS);
    assert_true(last(f)->spawn_rate == 12.5);
    assert_int_equal(last(f)->users, 1000);         /* the target just asked for */
    assert_true(f->app.op_rate == 12.5);
    keys(f, "u40\n");
    assert_int_equal(last(f)->users, 40);
    assert_true(last(f)->spawn_rate == 12.5);       /* later ramps use the operator's rate */
}

static void test_prompt_cancel_and_errors(void **state)
{
    struct fixture *f = *state;

    keys(f, "u12");
    app_key(&f->app, 27, f->app.now);               /* Esc */
    assert_int_equal(f->app.mode, MODE_NORMAL);
    assert_int_equal(f->rec.n, 0);
    keys(f, "u\n");                                 /* empty: nothing */
    assert_int_equal(f->rec.n, 0);
    keys(f, "r0\n");                                /* a rate of 0 is refused */
    assert_int_equal(f->rec.n, 0);
    assert_int_equal(f->app.toast_level, TOAST_ERROR);
    keys(f, "u9999999\n");                          /* beyond the limit */
    assert_int_equal(f->rec.n, 0);
    f->app.toast_level = TOAST_INFO;
    keys(f, "u-5\n");                               /* not 5: refused as typed */
    assert_int_equal(f->rec.n, 0);
    assert_int_equal(f->app.toast_level, TOAST_ERROR);
    assert_non_null(strstr(f->app.toast, "-5"));
    keys(f, "r1e308\n");                            /* not 1308 */
    assert_int_equal(f->rec.n, 0);
    keys(f, "u1x\n");
    assert_int_equal(f->rec.n, 0);
}

static void test_rate_when_steady_is_a_note(void **state)
{
    struct fixture *f = *state;

    f->snap.users = f->snap.target_users = 110;
    f->snap.manual_control = false;
    f->snap.state = RUN_RUNNING;
    app_update(&f->app, &f->snap, 1001.0);
    keys(f, "r100\n");
    assert_int_equal(f->rec.n, 1);
    assert_int_equal(last(f)->type, ENGINE_NOTE);   /* recorded in the event log */
    assert_non_null(strstr(last(f)->text, "100.00"));
    assert_true(f->app.op_rate == 100.0);
    keys(f, "w");
    assert_int_equal(last(f)->type, ENGINE_SET_USERS);
    assert_true(last(f)->spawn_rate == 100.0);
}

static void test_no_ramps_once_stopping(void **state)
{
    struct fixture *f = *state;

    f->snap.state = RUN_STOPPING;
    app_update(&f->app, &f->snap, 1001.0);
    keys(f, "Wwu");
    assert_int_equal(f->rec.n, 0);
    assert_int_equal(f->app.mode, MODE_NORMAL);
    assert_int_equal(f->app.toast_level, TOAST_WARN);
}

/* ---- run control ------------------------------------------------------------------------- */

static void test_pause_stop_reset_stages(void **state)
{
    struct fixture *f = *state;

    keys(f, "p");
    assert_int_equal(last(f)->type, ENGINE_PAUSE);
    f->snap.state = RUN_PAUSED;
    app_update(&f->app, &f->snap, 1001.0);
    keys(f, "p");
    assert_int_equal(last(f)->type, ENGINE_RESUME);
    keys(f, "g");                                   /* no stages in this run */
    assert_int_equal(f->rec.n, 2);
    f->snap.n_stages = 3;
    app_update(&f->app, &f->snap, 1001.1);
    keys(f, "g");
    assert_int_equal(last(f)->type, ENGINE_RESUME_STAGES);
    keys(f, "R");
    assert_int_equal(f->app.mode, MODE_CONFIRM_RESET);
    keys(f, "n");
    assert_int_equal(f->rec.n, 3);
    keys(f, "Ry");
    assert_int_equal(last(f)->type, ENGINE_RESET_STATS);
    keys(f, "xy");
    assert_int_equal(last(f)->type, ENGINE_STOP);
    assert_true(f->app.stay_open);
    f->snap.state = RUN_STOPPED;
    f->snap.finished = true;
    app_update(&f->app, &f->snap, 1002.0);
    assert_false(app_should_exit(&f->app));         /* the operator keeps looking */
    keys(f, "q");
    assert_true(app_should_exit(&f->app));
}

static void test_snapshot_key(void **state)
{
    struct fixture *f = *state;

    keys(f, "c");
    assert_int_equal(f->rec.snapshots, 1);
    assert_int_equal(f->app.toast_level, TOAST_OK);
    assert_true(app_toast_visible(&f->app));
    assert_non_null(strstr(f->app.toast, "hornet_x_"));
    f->rec.snapshot_rc = -1;
    keys(f, "c");
    assert_int_equal(f->app.toast_level, TOAST_ERROR);
    assert_non_null(strstr(f->app.toast, "disk full"));
    f->app.now += APP_TOAST_SECONDS + 1;
    assert_false(app_toast_visible(&f->app));
}

/* ---- quitting ----------------------------------------------------------------------------- */

static void test_quit_asks_then_waits_for_the_stop(void **state)
{
    struct fixture *f = *state;

    keys(f, "q");
    assert_int_equal(f->app.mode, MODE_CONFIRM_QUIT);
    keys(f, "n");
    assert_int_equal(f->rec.n, 0);
    assert_int_equal(f->app.quit, QUIT_NO);
    keys(f, "qy");
    assert_int_equal(last(f)->type, ENGINE_STOP);
    assert_int_equal(f->app.quit, QUIT_STOPPING);
    assert_false(app_should_exit(&f->app));
    f->snap.state = RUN_STOPPING;
    app_update(&f->app, &f->snap, 1001.0);
    assert_false(app_should_exit(&f->app));
    f->snap.state = RUN_STOPPED;
    f->snap.finished = true;
    app_update(&f->app, &f->snap, 1002.0);
    assert_true(app_should_exit(&f->app));
}

static void test_q_twice_while_stopping_quits_at_once(void **state)
{
    struct fixture *f = *state;

    keys(f, "qq");                                  /* q confirms a quit too */
    assert_int_equal(f->app.quit, QUIT_STOPPING);
    keys(f, "q");
    assert_int_equal(f->app.quit, QUIT_NOW);
    assert_true(app_should_exit(&f->app));
}

static void test_campaign_keys(void **state)
{
    struct fixture *f = *state;

    keys(f, "n");                                   /* not a campaign: said, nothing sent */
    assert_int_equal(f->app.mode, MODE_NORMAL);
    assert_int_equal(f->rec.n, 0);
    assert_non_null(strstr(f->app.toast, "Not a campaign"));
    f->app.host.campaign = "Campaign 2 of 4: CAB approvals, next: Connector publishing";
    keys(f, "n");
    assert_int_equal(f->app.mode, MODE_CONFIRM_NEXT);
    keys(f, "n");                                   /* n at the question: no */
    assert_int_equal(f->rec.n, 0);
    assert_int_equal(f->app.campaign, APP_CAMPAIGN_NONE);
    keys(f, "ny");
    assert_int_equal(last(f)->type, ENGINE_STOP);
    assert_int_equal(f->app.campaign, APP_CAMPAIGN_NEXT);
    assert_int_equal(f->app.quit, QUIT_STOPPING);
    f->snap.state = RUN_STOPPED;
    f->snap.finished = true;
    app_update(&f->app, &f->snap, 1002.0);
    assert_true(app_should_exit(&f->app));
}

static void test_campaign_abort(void **state)
{
    struct fixture *f = *state;

    f->app.host.campaign = "Campaign 4 of 4: Burst (the last)";
    keys(f, "Ay");
    assert_int_equal(last(f)->type, ENGINE_STOP);
    assert_int_equal(f->app.campaign, APP_CAMPAIGN_ABORT);
    assert_int_equal(f->app.quit, QUIT_STOPPING);
}

static void test_ctrl_c(void **state)
{
    struct fixture *f = *state;

    keys(f, "q");                                   /* a question open: Ctrl-C still stops */
    app_interrupt(&f->app, 1001.0);
    assert_int_equal(f->app.mode, MODE_NORMAL);
    assert_int_equal(last(f)->type, ENGINE_STOP);
    assert_int_equal(f->app.quit, QUIT_STOPPING);
    assert_false(app_should_exit(&f->app));
    app_interrupt(&f->app, 1001.5);
    assert_int_equal(f->app.quit, QUIT_NOW);
    assert_int_equal(f->rec.n, 1);                  /* one STOP only */
    assert_true(app_should_exit(&f->app));
}

static void test_run_that_ends_by_itself_exits(void **state)
{
    struct fixture *f = *state;

    assert_false(app_should_exit(&f->app));
    f->snap.state = RUN_STOPPED;
    f->snap.finished = true;
    app_update(&f->app, &f->snap, 1001.0);
    assert_true(app_should_exit(&f->app));
    keys(f, "q");                                   /* already over: no question */
    assert_int_equal(f->app.mode, MODE_NORMAL);
    assert_int_equal(f->rec.n, 0);
}

/* ---- views, selection, sorting ---------------------------------------------------------- */

static void test_views(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(f->app.view, VIEW_OVERVIEW);
    keys(f, "\t\t");
    assert_int_equal(f->app.view, VIEW_FAILURES);
    app_key(&f->app, KEY_BTAB, f->app.now);
    assert_int_equal(f->app.view, VIEW_ENDPOINTS);
    keys(f, "5");
    assert_int_equal(f->app.view, VIEW_LOG);
    keys(f, "\t");
    assert_int_equal(f->app.view, VIEW_TARGETS);
    keys(f, "\t");
    assert_int_equal(f->app.view, VIEW_HEALTH);
    keys(f, "\t");
    assert_int_equal(f->app.view, VIEW_OVERVIEW);   /* wraps, never to the detail view */
    app_key(&f->app, KEY_BTAB, f->app.now);
    assert_int_equal(f->app.view, VIEW_HEALTH);
    app_key(&f->app, KEY_DOWN, f->app.now);         /* no health: nothing to select */
    assert_int_equal(f->app.sel_health, 0);
    keys(f, "1");
    assert_int_equal(f->app.view, VIEW_OVERVIEW);
    keys(f, "6");
    assert_int_equal(f->app.view, VIEW_TARGETS);
    app_key(&f->app, KEY_DOWN, f->app.now);         /* no targets: nothing to select */
    assert_int_equal(f->app.sel_target, 0);
    keys(f, "\n");
    assert_int_equal(f->app.view, VIEW_TARGETS);    /* Enter opens endpoints only */
    keys(f, "?");
    assert_int_equal(f->app.mode, MODE_HELP);
    keys(f, "w");                                   /* any key closes the help only */
    assert_int_equal(f->app.mode, MODE_NORMAL);
    assert_int_equal(f->rec.n, 0);
}


/* The Workers view is key 8 and a tab in a master's run only: elsewhere Tab skips it and 8
 * says why nothing happens. */
static void test_workers_view_only_for_a_master(void **state)
{
    struct fixture *f = *state;

    keys(f, "8");
    assert_int_equal(f->app.view, VIEW_OVERVIEW);
    assert_non_null(strstr(f->app.toast, "Workers view is a --master run's"));
    keys(f, "7\t");                                 /* from Health, Tab skips Workers */
    assert_int_equal(f->app.view, VIEW_OVERVIEW);
    uifix_master(&f->snap);
    app_update(&f->app, &f->snap, 1001.0);
    keys(f, "8");
    assert_int_equal(f->app.view, VIEW_WORKERS);
    keys(f, "\t");
    assert_int_equal(f->app.view, VIEW_OVERVIEW);
    app_key(&f->app, KEY_BTAB, f->app.now);
    assert_int_equal(f->app.view, VIEW_WORKERS);
    app_key(&f->app, KEY_DOWN, f->app.now);         /* scrolls its table */
    assert_int_equal(f->app.workers.top, 1);
    assert_int_equal(f->rec.n, 0);
}

/* The Targets view selects the target its trend charts; the app keeps one sample of every
 * target per complete second of the run, with gaps for seconds it did not see. */
/* In the Health view Up/Down choose the metric charted; the choice stays within the metrics
 * when fewer come. */
static void test_health_selection(void **state)
{
    struct fixture *f = *state;

    uifix_health(&f->snap);
    app_update(&f->app, &f->snap, 1000.0);
    keys(f, "7");
    assert_int_equal(f->app.view, VIEW_HEALTH);
    app_key(&f->app, KEY_DOWN, f->app.now);
    app_key(&f->app, KEY_DOWN, f->app.now);
    assert_int_equal(f->app.sel_health, 2);
    app_key(&f->app, KEY_END, f->app.now);
    assert_int_equal(f->app.sel_health, UIFIX_N_METRICS - 1);
    app_key(&f->app, KEY_HOME, f->app.now);
    assert_int_equal(f->app.sel_health, 0);
    app_key(&f->app, KEY_UP, f->app.now);
    assert_int_equal(f->app.sel_health, 0);
    app_key(&f->app, KEY_END, f->app.now);
    f->snap.health.n_metrics = 3;
    app_update(&f->app, &f->snap, 1001.0);
    assert_int_equal(f->app.sel_health, 2);
    assert_int_equal(f->rec.n, 0);
}

static void test_targets_selection_and_trend(void **state)
{
    struct fixture *f = *state;
    int64_t newest;

    uifix_targets_all(&f->snap);
    app_update(&f->app, &f->snap, 1000.0);
    assert_int_equal(f->app.n_trend, 1);
    newest = f->app.trend_second;
    assert_int_equal(newest, f->snap.series[f->snap.n_points - 1].second);
    assert_true(f->app.trend[0].current[0] == f->snap.targets[0].current);
    assert_true(isnan(f->app.trend[0].value[6]));       /* the pending target: no data */
    app_update(&f->app, &f->snap, 1000.1);              /* the same second: no new sample */
    assert_int_equal(f->app.n_trend, 1);
    f->snap.series[f->snap.n_points - 1].second = newest + 3;
    f->snap.targets[0].current = 7.5;
    app_update(&f->app, &f->snap, 1003.0);
    assert_int_equal(f->app.n_trend, 4);                /* two seconds missed: gaps */
    assert_true(isnan(app_trend_at(&f->app, 1)->current[0]));
    assert_true(isnan(app_trend_at(&f->app, 2)->current[0]));
    assert_true(app_trend_at(&f->app, 3)->current[0] == 7.5);
    for (int i = 0; i < APP_TREND_LEN + 5; i++) {       /* a ring: the newest are kept */
        f->snap.series[f->snap.n_points - 1].second = newest + 4 + i;
        f->snap.targets[0].current = i;
        app_update(&f->app, &f->snap, 1004.0 + i);
    }
    assert_int_equal(f->app.n_trend, APP_TREND_LEN);
    assert_true(app_trend_at(&f->app, APP_TREND_LEN - 1)->current[0] == APP_TREND_LEN + 4);
    assert_true(app_trend_at(&f->app, 0)->current[0] == 5);
    keys(f, "6");
    assert_int_equal(f->app.sel_target, 0);
    app_key(&f->app, KEY_DOWN, f->app.now);
    app_key(&f->app, KEY_DOWN, f->app.now);
    assert_int_equal(f->app.sel_target, 2);
    app_key(&f->app, KEY_END, f->app.now);
    assert_int_equal(f->app.sel_target, f->snap.n_targets - 1);
    app_key(&f->app, KEY_DOWN, f->app.now);
    assert_int_equal(f->app.sel_target, f->snap.n_targets - 1);
    app_key(&f->app, KEY_HOME, f->app.now);
    assert_int_equal(f->app.sel_target, 0);
    assert_int_equal(f->app.sel_ep, 0);                 /* the endpoint selection stays */
    app_key(&f->app, KEY_END, f->app.now);
    f->snap.n_targets = 3;                              /* fewer targets: clamped */
    app_update(&f->app, &f->snap, 2000.0);
    assert_int_equal(f->app.sel_target, 2);
    assert_int_equal(f->rec.n, 0);
}

static void test_selection_and_detail(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(f->app.sel_ep, 0);             /* by name: /api/v1/auth/token/ first */
    app_key(&f->app, KEY_DOWN, f->app.now);
    assert_int_equal(f->app.sel_ep, 1);
    app_key(&f->app, KEY_DOWN, f->app.now);
    assert_int_equal(f->app.sel_ep, 4);
    app_key(&f->app, KEY_END, f->app.now);
    assert_int_equal(f->app.sel_ep, APP_AGGREGATED);
    app_key(&f->app, KEY_DOWN, f->app.now);
    assert_int_equal(f->app.sel_ep, APP_AGGREGATED);
    app_key(&f->app, KEY_HOME, f->app.now);
    assert_int_equal(f->app.sel_ep, 0);
    app_key(&f->app, KEY_UP, f->app.now);
    assert_int_equal(f->app.sel_ep, 0);
    keys(f, "j\n");
    assert_int_equal(f->app.view, VIEW_DETAIL);
    assert_int_equal(f->app.detail_ep, 1);
    app_key(&f->app, KEY_DOWN, f->app.now);         /* next endpoint in the detail view */
    assert_int_equal(f->app.detail_ep, 4);
    app_key(&f->app, 27, f->app.now);
    assert_int_equal(f->app.view, VIEW_OVERVIEW);
    assert_int_equal(f->app.sel_ep, 4);
}

static void test_sorting_keys(void **state)
{
    struct fixture *f = *state;
    uint32_t order[SNAP_MAX_ENDPOINTS];

    assert_int_equal(f->app.sort_col, EPC_NAME);
    keys(f, ">");
    assert_int_equal(f->app.sort_col, EPC_REQS);
    assert_true(f->app.sort_desc);                  /* numbers: largest first */
    app_rows(&f->app, order);
    assert_int_equal(order[0], 2);
    keys(f, "I");
    assert_false(f->app.sort_desc);
    app_rows(&f->app, order);
    assert_int_equal(order[0], 0);
    keys(f, "<<");
    assert_int_equal(f->app.sort_col, EPC_TYPE);
    assert_false(f->app.sort_desc);                 /* text: A..Z */
    keys(f, "<");
    assert_int_equal(f->app.sort_col, EPC_FPS);     /* wraps */
}

static void test_scrolling_the_log(void **state)
{
    struct fixture *f = *state;

    keys(f, "5");
    f->app.log.page = 3;
    assert_true(f->app.log_follow);
    app_key(&f->app, KEY_UP, f->app.now);
    assert_false(f->app.log_follow);
    assert_int_equal(f->app.log.top, 3);            /* 7 events, 3 shown: newest top is 4 */
    app_key(&f->app, KEY_HOME, f->app.now);
    assert_int_equal(f->app.log.top, 0);
    app_key(&f->app, KEY_END, f->app.now);
    assert_true(f->app.log_follow);
}

/* ---- history ---------------------------------------------------------------------------- */

/* The log view shows the run's timeline: the events the host kept, not a copy of its own. */
static void test_event_history(void **state)
{
    struct fixture *f = *state;
    size_t n;
    const struct snap_event *ev = app_events(&f->app, &n);

    assert_int_equal(n, 7);
    assert_string_equal(ev[6].text, "Ramping to 110 users at a rate of 10.00 per second");
    f->snap.events[f->snap.n_events] = (struct snap_event){.seq = 8, .text = "later"};
    f->snap.n_events++;
    app_update(&f->app, &f->snap, 1001.0);          /* the app keeps nothing itself */
    ev = app_events(&f->app, &n);
    assert_int_equal(n, 7);
    timeline_update(f->timeline, &f->snap);
    ev = app_events(&f->app, &n);
    assert_int_equal(n, 8);
    assert_string_equal(ev[7].text, "later");
}

static void test_ramp_progress_tracking(void **state)
{
    struct fixture *f = *state;

    /* the first snapshot after a new target starts the ramp from the users at that moment */
    f->snap.target_users = 200;
    app_update(&f->app, &f->snap, 1001.0);
    assert_int_equal(f->app.ramp_from, 57);
    assert_int_equal(f->app.ramp_to, 200);
    f->snap.users = 120;
    app_update(&f->app, &f->snap, 1002.0);
    assert_int_equal(f->app.ramp_from, 57);         /* unchanged while the target stays */
}

/* ---- the open model ------------------------------------------------------------------------ */

static void open_run(struct fixture *f)
{
    uifix_open(&f->snap);
    app_update(&f->app, &f->snap, 1000.0);
}

/* Every class runs on arrivals: w/W/s/S change the rate (one command per batch, on top of the
 * last rate sent), u types a rate, g gives the rate back to the scenario. */
static void test_open_run_keys_change_the_rate(void **state)
{
    struct fixture *f = *state;

    open_run(f);
    assert_true(app_arrivals_mode(&f->app));
    keys(f, "WWw");
    assert_int_equal(f->rec.n, 1);
    assert_int_equal(last(f)->type, ENGINE_SET_RATE);
    assert_true(last(f)->arrival_rate == 1021);
    keys(f, "SSSs");                                /* before the snapshot shows 1021 */
    assert_true(last(f)->arrival_rate == 990);
    keys(f, "u");
    assert_int_equal(f->app.mode, MODE_PROMPT_ARRIVALS);
    keys(f, "250.5\r");
    assert_int_equal(last(f)->type, ENGINE_SET_RATE);
    assert_true(last(f)->arrival_rate == 250.5);
    keys(f, "a2000000\n");                          /* beyond the limit: refused */
    assert_int_equal(f->app.toast_level, TOAST_ERROR);
    assert_true(last(f)->arrival_rate == 250.5);
    f->snap.open.all.manual = f->snap.manual_control = true;
    f->snap.seq++;
    app_update(&f->app, &f->snap, 1003.0);
    keys(f, "g");
    assert_int_equal(last(f)->type, ENGINE_RESUME_STAGES);
    f->snap.state = RUN_STOPPING;
    app_update(&f->app, &f->snap, 1004.0);
    keys(f, "W");                                   /* the run stops: no more rates */
    assert_int_equal(last(f)->type, ENGINE_RESUME_STAGES);
    assert_int_equal(f->app.toast_level, TOAST_WARN);
}

/* Paused, the schedule asks for nothing: w/W/s/S start from the rate the resume brings back,
 * not from 0. */
static void test_paused_open_run_keys_change_what_resumes(void **state)
{
    struct fixture *f = *state;

    open_run(f);
    f->snap.state = RUN_PAUSED;
    f->snap.open.all.asked_rate = 0;
    f->snap.seq++;
    app_update(&f->app, &f->snap, 1001.0);
    keys(f, "w");
    assert_int_equal(last(f)->type, ENGINE_SET_RATE);
    assert_true(last(f)->arrival_rate == 1001);
}

/* With closed classes too, w/W/s/S stay on users and a types the rate; a run without open
 * classes has no rate to type. */
static void test_mixed_and_closed_runs_keep_users(void **state)
{
    struct fixture *f = *state;

    keys(f, "a");
    assert_int_equal(f->app.mode, MODE_NORMAL);
    assert_int_equal(f->app.toast_level, TOAST_WARN);
    open_run(f);
    f->snap.n_classes = 2;                          /* one open class, one closed */
    app_update(&f->app, &f->snap, 1000.0);
    assert_false(app_arrivals_mode(&f->app));
    f->snap.target_users = 180 + 3;                 /* the pool's 180, and 3 closed users */
    f->snap.seq++;
    app_update(&f->app, &f->snap, 1001.0);
    keys(f, "w");
    assert_int_equal(last(f)->type, ENGINE_SET_USERS);
    assert_int_equal(last(f)->users, 4);            /* the closed users' 3, plus one */
    keys(f, "a40\n");
    assert_int_equal(last(f)->type, ENGINE_SET_RATE);
    assert_true(last(f)->arrival_rate == 40);
}

/* o flips the views between corrected and service-time latencies when the run has both. */
static void test_o_flips_latencies(void **state)
{
    struct fixture *f = *state;

    assert_false(app_corrected_view(&f->app, &f->snap));   /* a closed run: service times */
    keys(f, "o");
    assert_false(f->app.view_flipped);
    assert_int_equal(f->app.toast_level, TOAST_INFO);
    open_run(f);
    assert_true(app_corrected_view(&f->app, &f->snap));
    keys(f, "o");
    assert_true(f->app.view_flipped && f->app.service_view);
    assert_false(app_corrected_view(&f->app, &f->snap));
    assert_non_null(strstr(f->app.toast, "service times"));
    f->app.view_flipped = false;
    keys(f, "o");
    assert_true(f->app.view_flipped);
    assert_true(app_corrected_view(&f->app, &f->snap));
    assert_int_equal(f->rec.n, 0);                  /* a view: nothing sent */
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keymap_table),
        cmocka_unit_test(test_keymap_documents_every_action),
        T(test_w_ten_times_before_snapshots),
        T(test_pending_target_expires),
        T(test_remove_never_below_zero),
        T(test_prompts),
        T(test_prompt_cancel_and_errors),
        T(test_rate_when_steady_is_a_note),
        T(test_no_ramps_once_stopping),
        T(test_pause_stop_reset_stages),
        T(test_snapshot_key),
        T(test_quit_asks_then_waits_for_the_stop),
        T(test_q_twice_while_stopping_quits_at_once),
        T(test_ctrl_c),
        T(test_campaign_keys),
        T(test_campaign_abort),
        T(test_run_that_ends_by_itself_exits),
        T(test_views),
        T(test_workers_view_only_for_a_master),
        T(test_targets_selection_and_trend),
        T(test_health_selection),
        T(test_selection_and_detail),
        T(test_sorting_keys),
        T(test_scrolling_the_log),
        T(test_event_history),
        T(test_ramp_progress_tracking),
        T(test_open_run_keys_change_the_rate),
        T(test_paused_open_run_keys_change_what_resumes),
        T(test_mixed_and_closed_runs_keep_users),
        T(test_o_flips_latencies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
