/* app: the dashboard's state and what keys do to it: the current view and mode (help, prompts,
 * confirmations), sorting, selection and scrolling, the operator's ramp (the target being
 * asked for, the spawn rate), the event history, the targets' values second by second (their
 * trend) and the quit sequence. Keys become engine
 * commands through the host's send callback, so this module runs without an engine in tests.
 * No curses calls here (key codes only). Main thread. */
#ifndef HORNET_APP_H
#define HORNET_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine_cmd.h"
#include "eptable.h"
#include "keymap.h"
#include "snapshot.h"
#include "theme.h"
#include "timeline.h"

enum view {
    VIEW_OVERVIEW = 0, VIEW_ENDPOINTS, VIEW_FAILURES, VIEW_CHARTS, VIEW_LOG, VIEW_TARGETS,
    VIEW_HEALTH,
    VIEW_WORKERS,               /* a tab only in a --master run */
    VIEW_DETAIL,                /* not a tab: opened from a table row (Enter) */
    VIEW_COUNT
};

enum mode {
    MODE_NORMAL = 0, MODE_HELP, MODE_PROMPT_USERS, MODE_PROMPT_RATE, MODE_PROMPT_ARRIVALS,
    MODE_CONFIRM_QUIT, MODE_CONFIRM_STOP, MODE_CONFIRM_RESET, MODE_CONFIRM_NEXT, MODE_CONFIRM_ABORT
};

/* What the operator asked of a campaign (the keys n and A). */
enum app_campaign { APP_CAMPAIGN_NONE = 0, APP_CAMPAIGN_NEXT, APP_CAMPAIGN_ABORT };

enum quit_state {
    QUIT_NO = 0,
    QUIT_STOPPING,              /* users are being stopped; leave once the run is finished */
    QUIT_NOW                    /* leave at once (second Ctrl-C, q while stopping) */
};

enum toast_level { TOAST_INFO = 0, TOAST_OK, TOAST_WARN, TOAST_ERROR };

#define APP_TOAST_SECONDS 8.0
#define APP_PENDING_SECONDS 1.5 /* how long a sent target is trusted over the snapshot's */
#define APP_TREND_LEN SNAP_SERIES_LEN /* seconds of each target's values kept for its trend */
#define APP_AGGREGATED UINT32_MAX   /* selection / detail of the Aggregated row */
#define APP_NONE (UINT32_MAX - 1)

/* What the app needs from its host. */
struct app_host {
    void (*send)(void *host, const struct engine_cmd *cmd);
    /* Write the snapshot files; 0 with "where" in msg, -1 with the error in msg. */
    int (*snapshot)(void *host, char *msg, size_t n);
    void *arg;
    const char *campaign;       /* the campaign's line ("Campaign 2 of 4: ..."), borrowed; NULL:
                                   not in a campaign (n and A then only say so) */
};

/* One second of every target: its value over the last 10 s and over its window (NaN when it
 * had none), as the snapshots of that second said. */
struct app_trend {
    double current[SNAP_MAX_TARGETS];
    double value[SNAP_MAX_TARGETS];
};

struct scroll {
    int top;                    /* first row shown */
    int page;                   /* rows the panel showed last time (for PgUp/PgDn) */
};

struct app {
    const struct snapshot *snap;/* the newest; never NULL after app_init */
    struct theme theme;
    struct app_host host;
    double now;                 /* wall clock of the last update or key */

    enum view view, back_view;
    enum mode mode;
    enum quit_state quit;
    bool stay_open;             /* the operator stopped the run: keep the screen until q */
    bool redraw_all;            /* the host must repaint everything (Ctrl-L, resize) */
    char input[16];
    size_t input_len;

    enum ep_col sort_col;
    bool sort_desc;
    uint32_t sel_ep;            /* selected endpoint index, APP_AGGREGATED or APP_NONE */
    uint32_t detail_ep;
    uint32_t sel_target;        /* the target whose trend the Targets view charts */
    uint32_t sel_health;        /* the health metric the Health view charts */
    struct scroll endpoints, failures, log, targets, health, workers;
    bool log_follow;            /* the log stays scrolled to its newest line */

    double op_rate;             /* spawn rate typed with r; 0: the run's own */
    uint32_t pending_target;    /* last target asked for, trusted until the snapshot shows it */
    double pending_at;
    bool pending;
    bool queued;                /* w/W/s/S of this key batch: sent once by app_flush */
    uint32_t ramp_from, ramp_to;/* users when the current target was set, and that target */
    uint32_t last_users, last_target;

    /* The open model: the operator's arrival rate (w/W/s/S batch and typed, as the users'),
     * and which latencies the views show: corrected for coordinated omission unless the
     * operator flipped to service times (o). */
    double pending_rate;
    double rate_pending_at;
    bool rate_pending, rate_queued;
    bool service_view;          /* o: show service times where corrected ones exist */
    bool view_flipped;          /* the host must rebuild the shown snapshot */

    const struct timeline *timeline;   /* the run's events, for the log view (borrowed) */

    struct app_trend *trend;    /* ring of the targets' values, one sample per second */
    size_t n_trend, first_trend;
    int64_t trend_second;       /* unix second of the newest sample; 0: none yet */

    enum app_campaign campaign; /* what n or A asked (confirmed) */
    char toast[SNAP_TEXT_MAX + 64];
    enum toast_level toast_level;
    double toast_until;
    int interrupts;
};

/* Set up a with an empty snapshot (borrowed: must outlive a; updated by app_update), the run's
 * timeline (borrowed: its events are the log view's) and the host callbacks. -1 when out of
 * memory. */
int app_init(struct app *a, const struct snapshot *empty, const struct timeline *timeline,
             const struct app_host *host);
void app_free(struct app *a);

/* A newer snapshot s (borrowed until the next call) at wall-clock now: keep new events,
 * follow the ramp, clamp selections. */
void app_update(struct app *a, const struct snapshot *s, double now);

/* Handle one key (a character or a curses KEY_* code) at wall-clock now. Returns true when
 * the screen must be redrawn. */
bool app_key(struct app *a, int key, double now);

/* Send what the keys of one batch asked for with w/W/s/S as one ramp (ten W typed at once are
 * one "+100", not ten ramps). Call after each batch of keys. */
void app_flush(struct app *a);

/* Ctrl-C / SIGTERM: the first stops the users and quits when they are done (no question
 * asked), the second quits at once. */
void app_interrupt(struct app *a, double now);

/* Whether the host's loop should end now: QUIT_NOW, or the run finished (after an operator
 * quit, or by itself unless the operator stopped it to keep looking). */
bool app_should_exit(const struct app *a);

/* The run's events, oldest first (the timeline's); *n gets their count. */
const struct snap_event *app_events(const struct app *a, size_t *n);

/* The i-th oldest second of the targets' trend (i < a->n_trend); its unix second is
 * a->trend_second - (a->n_trend - 1 - i). */
const struct app_trend *app_trend_at(const struct app *a, size_t i);

/* The closed classes' user target a key like W adds to (the last one sent when the snapshot
 * has not caught up), and their users now: the open classes' pools are left out. */
uint32_t app_base_target(const struct app *a);
uint32_t app_closed_users(const struct app *a);


/* The open model. Whether every class of the run is open (w/W/s/S and u change the arrival
 * rate rather than users); the rate a key like W adds to (the last one sent while the
 * snapshot has not caught up); whether the views show a's snapshot's latencies corrected for
 * coordinated omission (it has them and the operator did not flip to service times: the host
 * shows snap_open_corrected_view of the run's snapshot then). */
bool app_arrivals_mode(const struct app *a);
double app_base_rate(const struct app *a);
bool app_corrected_view(const struct app *a, const struct snapshot *s);

/* Whether the toast is still shown at a->now. */
bool app_toast_visible(const struct app *a);

/* The rows of the endpoint table for the current sort (see eptable_rows). */
size_t app_rows(const struct app *a, uint32_t *order);

/* The rows of the failure list for the view's endpoint filter (APP_NONE: all): indexes into
 * snap->errors, unexpected ones first, then the expected. Returns the count; *unexpected gets
 * how many come first. */
size_t app_failure_rows(const struct app *a, uint32_t endpoint, uint32_t *rows,
                        size_t *unexpected);

/* Names of the views for the tab bar ("Overview", ...). */
extern const char *const app_view_names[VIEW_COUNT];

/* Whether view v is a tab of this run (Workers: only a master's). */
bool app_view_shown(const struct app *a, enum view v);

#endif
