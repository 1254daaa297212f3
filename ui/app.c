/* app: dashboard state and the meaning of every key: views, prompts, confirmations, sorting,
 * selection, the operator's ramp and the quit sequence. Commands leave through the host's
 * callbacks. No curses calls. Main thread. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>
#include "app.h"
#include "app_internal.h"

#define MAX_PROMPT_USERS 1000000u
#define MAX_PROMPT_RATE 100000.0
#define MAX_PROMPT_ARRIVALS 1000000.0      /* the engine's ARRIVAL_RATE_MAX */

const char *const app_view_names[VIEW_COUNT] = {
    "Overview", "Endpoints", "Failures", "Charts", "Log", "Targets", "Health", "Workers",
    "Details"
};

bool app_view_shown(const struct app *a, enum view v)
{
    return v < VIEW_DETAIL && (v != VIEW_WORKERS || a->snap->role == SNAP_MASTER);
}

int app_init(struct app *a, const struct snapshot *empty, const struct timeline *timeline,
             const struct app_host *host)
{
    memset(a, 0, sizeof *a);
    a->snap = empty;
    a->timeline = timeline;
    a->host = *host;
    a->sort_col = EPC_NAME;
    a->sel_ep = APP_NONE;
    a->detail_ep = APP_NONE;
    a->log_follow = true;
    a->trend = calloc(APP_TREND_LEN, sizeof *a->trend);
    return a->trend ? 0 : -1;
}

void app_free(struct app *a)
{
    free(a->trend);
    a->trend = NULL;
}

const struct app_trend *app_trend_at(const struct app *a, size_t i)
{
    return &a->trend[(a->first_trend + i) % APP_TREND_LEN];
}

const struct snap_event *app_events(const struct app *a, size_t *n)
{
    return timeline_events(a->timeline, n);
}

void app_toast(struct app *a, enum toast_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(a->toast, sizeof a->toast, fmt, ap);
    va_end(ap);
    a->toast_level = level;
    a->toast_until = a->now + APP_TOAST_SECONDS;
}

bool app_toast_visible(const struct app *a)
{
    return a->toast[0] && a->now < a->toast_until;
}

static void send(struct app *a, enum engine_cmd_type type, uint32_t users, double rate,
                 const char *note)
{
    struct engine_cmd c = {.type = type, .users = users, .spawn_rate = rate,
                           .who = EVENT_OPERATOR};

    if (note)
        snprintf(c.text, sizeof c.text, "%s", note);
    a->host.send(a->host.arg, &c);
}

/* ---- snapshots ----------------------------------------------------------------------------- */

static struct app_trend *trend_push(struct app *a)
{
    struct app_trend *t;

    if (a->n_trend == APP_TREND_LEN)
        a->first_trend = (a->first_trend + 1) % APP_TREND_LEN;
    else
        a->n_trend++;
    t = &a->trend[(a->first_trend + a->n_trend - 1) % APP_TREND_LEN];
    for (int i = 0; i < SNAP_MAX_TARGETS; i++)
        t->current[i] = t->value[i] = NAN;
    return t;
}

/* One sample per complete second of the run (seconds the UI missed are gaps). */
static void keep_trend(struct app *a, const struct snapshot *s)
{
    int64_t second = s->n_points ? s->series[s->n_points - 1].second : 0;
    struct app_trend *t;

    if (s->n_targets == 0 || second <= a->trend_second)
        return;
    if (a->trend_second > 0)
        for (int64_t gap = second - a->trend_second - 1; gap > 0 && gap <= APP_TREND_LEN; gap--)
            trend_push(a);
    a->trend_second = second;
    t = trend_push(a);
    for (uint32_t i = 0; i < s->n_targets && i < SNAP_MAX_TARGETS; i++) {
        if (s->targets[i].has_current)
            t->current[i] = s->targets[i].current;
        if (s->targets[i].has_data)
            t->value[i] = s->targets[i].value;
    }
}

static void follow_ramp(struct app *a, const struct snapshot *s)
{
    if (s->target_users != a->last_target) {
        a->ramp_from = a->last_users;
        a->ramp_to = s->target_users;
    }
    a->last_users = s->users;
    a->last_target = s->target_users;
    if (a->pending && (s->target_users == a->pending_target ||
                       a->now - a->pending_at >= APP_PENDING_SECONDS))
        a->pending = false;
}

void app_update(struct app *a, const struct snapshot *s, double now)
{
    uint32_t order[SNAP_MAX_ENDPOINTS];
    size_t n;

    a->now = now;
    a->snap = s;
    keep_trend(a, s);
    follow_ramp(a, s);
    if (a->sel_target >= s->n_targets)
        a->sel_target = s->n_targets ? s->n_targets - 1 : 0;
    if (a->sel_health >= s->health.n_metrics)
        a->sel_health = s->health.n_metrics ? s->health.n_metrics - 1 : 0;
    n = app_rows(a, order);
    if (a->sel_ep == APP_NONE && n > 0)
        a->sel_ep = order[0];
    if (a->sel_ep != APP_AGGREGATED && a->sel_ep != APP_NONE &&
        (a->sel_ep >= s->n_endpoints || s->endpoints[a->sel_ep].requests == 0))
        a->sel_ep = n > 0 ? order[0] : APP_NONE;
}

size_t app_rows(const struct app *a, uint32_t *order)
{
    return eptable_rows(a->snap, a->sort_col, a->sort_desc, order);
}

size_t app_failure_rows(const struct app *a, uint32_t endpoint, uint32_t *rows,
                        size_t *unexpected)
{
    const struct snapshot *s = a->snap;
    uint32_t count = s->n_errors < SNAP_MAX_ERRORS ? s->n_errors : SNAP_MAX_ERRORS;
    size_t n = 0;

    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < count; i++)
            if (s->errors[i].expected == (pass == 1) &&
                (endpoint == APP_NONE || s->errors[i].endpoint == endpoint))
                rows[n++] = i;
        if (pass == 0)
            *unexpected = n;
    }
    return n;
}

bool app_should_exit(const struct app *a)
{
    if (a->quit == QUIT_NOW)
        return true;
    if (!a->snap->finished)
        return false;
    return a->quit == QUIT_STOPPING || !a->stay_open;
}

/* ---- the operator's ramp ---------------------------------------------------------------- */

/* The closed classes' users, and their target: w/W/s/S and u move it. The open classes'
 * pools (in the snapshot's users and target_users too) follow their rates, not the
 * operator's ramp. */
uint32_t app_closed_users(const struct app *a)
{
    uint32_t pools = a->snap->open.all.users;

    return a->snap->users > pools ? a->snap->users - pools : 0;
}

uint32_t app_base_target(const struct app *a)
{
    uint32_t pools = a->snap->open.all.users;

    if (a->pending && a->now - a->pending_at < APP_PENDING_SECONDS)
        return a->pending_target;
    return a->snap->target_users > pools ? a->snap->target_users - pools : 0;
}

static bool load_running(const struct app *a)
{
    return a->snap->seq > 0 && a->snap->state < RUN_STOPPING;
}

static void ramp_to(struct app *a, uint32_t users, double rate)
{
    if (!load_running(a)) {
        app_toast(a, TOAST_WARN, "The run is %s: no more ramps",
                  run_state_name(a->snap->state));
        return;
    }
    send(a, ENGINE_SET_USERS, users, rate, NULL);
    a->queued = false;              /* a typed target replaces this batch's w/W/s/S */
    a->pending = true;
    a->pending_target = users;
    a->pending_at = a->now;
}

/* ---- the open model: the operator's arrival rate, the latencies shown --------------------- */

bool app_arrivals_mode(const struct app *a)
{
    return a->snap->open.n_classes > 0 && a->snap->open.n_classes == a->snap->n_classes;
}

double app_base_rate(const struct app *a)
{
    if (a->rate_pending && a->now - a->rate_pending_at < APP_PENDING_SECONDS)
        return a->pending_rate;
    return a->snap->open.all.resume_rate;     /* paused: w/W/s/S change what resumes */
}

bool app_corrected_view(const struct app *a, const struct snapshot *s)
{
    return s->open.corrected && !a->service_view;
}

static void rate_to(struct app *a, double rate)
{
    struct engine_cmd c = {.type = ENGINE_SET_RATE, .arrival_rate = rate,
                           .who = EVENT_OPERATOR};

    if (!load_running(a)) {
        app_toast(a, TOAST_WARN, "The run is %s: the rate stays",
                  run_state_name(a->snap->state));
        return;
    }
    if (a->snap->open.n_classes == 0) {
        app_toast(a, TOAST_WARN, "No user class of this run runs on arrivals");
        return;
    }
    a->host.send(a->host.arg, &c);
    a->rate_queued = false;
    a->rate_pending = true;
    a->pending_rate = rate;
    a->rate_pending_at = a->now;
}

/* w/W/s/S of an open run: one rate change per batch of keys. */
static void add_rate(struct app *a, int delta)
{
    double r = app_base_rate(a) + delta;

    r = r < 0 ? 0 : r > MAX_PROMPT_ARRIVALS ? MAX_PROMPT_ARRIVALS : r;
    if (!load_running(a)) {
        rate_to(a, r);                              /* says why not */
        return;
    }
    a->rate_queued = true;
    a->rate_pending = true;
    a->pending_rate = r;
    a->rate_pending_at = a->now;
}

static void prompt(struct app *a, enum mode m);

static void prompt_arrivals(struct app *a)
{
    if (a->snap->open.n_classes == 0)
        app_toast(a, TOAST_WARN, "No user class of this run runs on arrivals");
    else
        prompt(a, MODE_PROMPT_ARRIVALS);
}

static void flip_latencies(struct app *a)
{
    if (!a->snap->open.corrected && !a->service_view) {
        app_toast(a, TOAST_INFO, "No request of this run has an intended start (arrivals or a "
                  "paced wait): the latencies are service times");
        return;
    }
    a->service_view = !a->service_view;
    a->view_flipped = true;
    app_toast(a, TOAST_INFO, a->service_view
              ? "Latencies: service times, from each request's send (o: corrected)"
              : "Latencies: corrected for coordinated omission, from each request's intended "
                "start (o: service times)");
}

void app_flush(struct app *a)
{
    if (a->rate_queued)
        rate_to(a, a->pending_rate);
    if (!a->queued)
        return;
    ramp_to(a, a->pending_target, a->op_rate);
}

static void add_users(struct app *a, int delta)
{
    int64_t t = (int64_t)app_base_target(a) + delta;

    if (app_arrivals_mode(a)) {
        add_rate(a, delta);
        return;
    }
    if (t < 0)
        t = 0;
    if (t > (int64_t)MAX_PROMPT_USERS)
        t = MAX_PROMPT_USERS;
    if (!load_running(a)) {
        ramp_to(a, (uint32_t)t, a->op_rate);       /* says why not */
        return;
    }
    a->queued = true;
    a->pending = true;
    a->pending_target = (uint32_t)t;
    a->pending_at = a->now;
}

static void set_rate(struct app *a, double rate)
{
    char note[SNAP_TEXT_MAX];

    a->op_rate = rate;
    if (load_running(a) && (app_closed_users(a) != app_base_target(a) ||
                            a->snap->manual_control)) {
        ramp_to(a, app_base_target(a), rate);
        return;
    }
    snprintf(note, sizeof note, "Spawn rate for the operator's ramps set to %.2f per second",
             rate);
    send(a, ENGINE_NOTE, 0, 0.0, note);
    app_toast(a, TOAST_INFO, "Spawn rate %.2f/s: used by w/W/s/S and u from now on", rate);
}

static void resume_stages(struct app *a)
{
    if (a->snap->open.all.manual || (a->rate_pending && a->snap->open.n_classes))
        send(a, ENGINE_RESUME_STAGES, 0, 0.0, NULL);
    else if (a->snap->n_stages == 0)
        app_toast(a, TOAST_WARN, "This run has no stages to give control back to");
    else if (!a->snap->manual_control && !a->pending)
        app_toast(a, TOAST_INFO, "The scenario's stages are already in control");
    else
        send(a, ENGINE_RESUME_STAGES, 0, 0.0, NULL);
}

static void toggle_pause(struct app *a)
{
    if (a->snap->state == RUN_PAUSED)
        send(a, ENGINE_RESUME, 0, 0.0, NULL);
    else if (load_running(a))
        send(a, ENGINE_PAUSE, 0, 0.0, NULL);
}

static void snapshot_files(struct app *a)
{
    char msg[SNAP_TEXT_MAX + 64];

    if (a->snap->seq == 0) {
        app_toast(a, TOAST_WARN, "Nothing to write yet");
        return;
    }
    if (a->host.snapshot(a->host.arg, msg, sizeof msg) == 0)
        app_toast(a, TOAST_OK, "%s", msg);
    else
        app_toast(a, TOAST_ERROR, "Snapshot failed: %s", msg);
}

/* ---- quitting ---------------------------------------------------------------------------- */

static void begin_quit(struct app *a)
{
    if (load_running(a)) {
        send(a, ENGINE_STOP, 0, 0.0, NULL);
        app_toast(a, TOAST_INFO, "Stopping users%s", a->snap->users ? "..." : "");
    }
    a->quit = a->snap->finished ? QUIT_NOW : QUIT_STOPPING;
}

static void ask_quit(struct app *a)
{
    if (a->quit == QUIT_STOPPING)
        a->quit = QUIT_NOW;
    else if (load_running(a))
        a->mode = MODE_CONFIRM_QUIT;
    else
        begin_quit(a);
}

void app_interrupt(struct app *a, double now)
{
    a->now = now;
    a->mode = MODE_NORMAL;
    if (++a->interrupts > 1 || a->quit != QUIT_NO) {
        a->quit = QUIT_NOW;
        return;
    }
    begin_quit(a);
    app_toast(a, TOAST_WARN, "Stopping users: press Ctrl-C again to quit at once");
}

/* ---- selection and scrolling ------------------------------------------------------------ */

/* Row of the endpoint selection in the table (the Aggregated row is n). */
static int selected_row(const struct app *a, const uint32_t *order, size_t n)
{
    if (a->sel_ep == APP_AGGREGATED)
        return (int)n;
    for (size_t i = 0; i < n; i++)
        if (order[i] == a->sel_ep)
            return (int)i;
    return 0;
}

#define FAR (1 << 24)          /* a step that reaches the first or last row */

static void move_selection(struct app *a, int delta)
{
    uint32_t order[SNAP_MAX_ENDPOINTS];
    size_t n = app_rows(a, order);
    long row = (long)selected_row(a, order, n) + delta;

    if (n == 0 && a->snap->total.requests == 0)
        return;
    if (row < 0)
        row = 0;
    if (row > (long)n)
        row = (long)n;
    a->sel_ep = row == (long)n ? APP_AGGREGATED : order[row];
}

static void scroll_list(struct scroll *sc, int delta)
{
    long top = (long)sc->top + delta;

    sc->top = top < 0 ? 0 : top > FAR ? FAR : (int)top;     /* the panel clamps the end */
}

static void scroll_log(struct app *a, int delta)
{
    int page = a->log.page > 0 ? a->log.page : 1;
    size_t n;
    long max_top;

    (void)app_events(a, &n);
    max_top = (long)n > page ? (long)n - page : 0;
    long top = (a->log_follow ? max_top : a->log.top) + (long)delta;

    if (top < 0)
        top = 0;
    if (top > max_top)
        top = max_top;
    a->log.top = (int)top;
    a->log_follow = top >= max_top;
}

static void select_target(struct app *a, int delta)
{
    long sel = (long)a->sel_target + delta;
    long last = a->snap->n_targets ? (long)a->snap->n_targets - 1 : 0;

    a->sel_target = (uint32_t)(sel < 0 ? 0 : sel > last ? last : sel);
}

static void select_health(struct app *a, int delta)
{
    long sel = (long)a->sel_health + delta;
    long last = a->snap->health.n_metrics ? (long)a->snap->health.n_metrics - 1 : 0;

    a->sel_health = (uint32_t)(sel < 0 ? 0 : sel > last ? last : sel);
}

static void navigate(struct app *a, enum action act)
{
    bool table = a->view == VIEW_OVERVIEW || a->view == VIEW_ENDPOINTS;
    struct scroll *sc = table ? &a->endpoints : a->view == VIEW_LOG ? &a->log
                      : a->view == VIEW_TARGETS ? &a->targets
                      : a->view == VIEW_WORKERS ? &a->workers : &a->failures;
    int page = sc->page > 1 ? sc->page - 1 : 1, delta;

    switch (act) {
    case ACT_UP: delta = -1; break;
    case ACT_DOWN: delta = 1; break;
    case ACT_PAGE_UP: delta = -page; break;
    case ACT_PAGE_DOWN: delta = page; break;
    case ACT_HOME: delta = -FAR; break;
    default: delta = FAR; break;
    }
    if (a->view == VIEW_TARGETS) {
        select_target(a, delta);
    } else if (a->view == VIEW_HEALTH) {
        select_health(a, delta);
    } else if (a->view == VIEW_DETAIL && (act == ACT_UP || act == ACT_DOWN)) {
        move_selection(a, delta);
        a->detail_ep = a->sel_ep;
        a->failures.top = 0;
    } else if (table) {
        move_selection(a, delta);
    } else if (a->view == VIEW_LOG) {
        scroll_log(a, delta);
    } else if (a->view != VIEW_CHARTS) {
        scroll_list(sc, delta);
    }
}

static void change_sort(struct app *a, int step)
{
    a->sort_col = (enum ep_col)(((int)a->sort_col + step + EPC_COUNT) % EPC_COUNT);
    a->sort_desc = eptable_columns[a->sort_col].numeric;
    app_toast(a, TOAST_INFO, "Sorted by %s, %s", eptable_columns[a->sort_col].title,
              a->sort_desc ? "descending" : "ascending");
}

static void open_detail(struct app *a)
{
    if ((a->view != VIEW_OVERVIEW && a->view != VIEW_ENDPOINTS) || a->sel_ep == APP_NONE)
        return;
    a->detail_ep = a->sel_ep;
    a->back_view = a->view;
    a->view = VIEW_DETAIL;
    a->failures.top = 0;
}

/* ---- keys ------------------------------------------------------------------------------ */

static void prompt(struct app *a, enum mode m)
{
    if (!load_running(a)) {
        app_toast(a, TOAST_WARN, "The run is %s: no more ramps",
                  run_state_name(a->snap->state));
        return;
    }
    a->mode = m;
    a->input_len = 0;
    a->input[0] = '\0';
}

static void confirm(struct app *a, enum mode m)
{
    if (load_running(a))
        a->mode = m;
}

/* n and A: stop this scenario (and, for A, the campaign), asking first while load runs. */
static void campaign_key(struct app *a, enum mode m)
{
    if (!a->host.campaign) {
        app_toast(a, TOAST_WARN, "Not a campaign: n and A work in hornet campaign");
        return;
    }
    if (load_running(a)) {
        a->mode = m;
        return;
    }
    a->campaign = m == MODE_CONFIRM_NEXT ? APP_CAMPAIGN_NEXT : APP_CAMPAIGN_ABORT;
    begin_quit(a);
}

static void set_view(struct app *a, enum view v)
{
    a->view = v;
}

static bool control_action(struct app *a, enum action act)
{
    switch (act) {
    case ACT_USERS_ADD1: add_users(a, 1); break;
    case ACT_USERS_ADD10: add_users(a, 10); break;
    case ACT_USERS_SUB1: add_users(a, -1); break;
    case ACT_USERS_SUB10: add_users(a, -10); break;
    case ACT_PROMPT_USERS:
        if (app_arrivals_mode(a))
            prompt_arrivals(a);
        else
            prompt(a, MODE_PROMPT_USERS);
        break;
    case ACT_PROMPT_ARRIVALS: prompt_arrivals(a); break;
    case ACT_LATENCY_FLIP: flip_latencies(a); break;
    case ACT_PROMPT_RATE: prompt(a, MODE_PROMPT_RATE); break;
    case ACT_RESUME_STAGES: resume_stages(a); break;
    case ACT_PAUSE: toggle_pause(a); break;
    case ACT_STOP: confirm(a, MODE_CONFIRM_STOP); break;
    case ACT_RESET: confirm(a, MODE_CONFIRM_RESET); break;
    case ACT_SNAPSHOT: snapshot_files(a); break;
    case ACT_QUIT: ask_quit(a); break;
    case ACT_NEXT_SCENARIO: campaign_key(a, MODE_CONFIRM_NEXT); break;
    case ACT_ABORT_CAMPAIGN: campaign_key(a, MODE_CONFIRM_ABORT); break;
    default: return false;
    }
    return true;
}

/* The next tab of this run step (+1 or -1) away from view base. */
static enum view next_tab(const struct app *a, int base, int step)
{
    int v = base;

    do
        v = (v + step + VIEW_DETAIL) % VIEW_DETAIL;
    while (!app_view_shown(a, (enum view)v));
    return (enum view)v;
}

/* The tab of its number key (view v's key is v + 1). */
static void go_to_tab(struct app *a, enum view v)
{
    if (app_view_shown(a, v))
        set_view(a, v);
    else
        app_toast(a, TOAST_INFO, "No worker nodes: the Workers view is a --master run's");
}

static void view_action(struct app *a, enum action act)
{
    int base = a->view == VIEW_DETAIL ? (int)a->back_view : (int)a->view;

    switch (act) {
    case ACT_VIEW_NEXT: set_view(a, next_tab(a, base, 1)); break;
    case ACT_VIEW_PREV: set_view(a, next_tab(a, base, -1)); break;
    case ACT_VIEW_1: case ACT_VIEW_2: case ACT_VIEW_3: case ACT_VIEW_4: case ACT_VIEW_5:
    case ACT_VIEW_6: case ACT_VIEW_7: case ACT_VIEW_8:
        go_to_tab(a, (enum view)(act - ACT_VIEW_1));
        break;
    case ACT_UP: case ACT_DOWN: case ACT_PAGE_UP: case ACT_PAGE_DOWN: case ACT_HOME:
    case ACT_END:
        navigate(a, act);
        break;
    case ACT_SORT_PREV: change_sort(a, -1); break;
    case ACT_SORT_NEXT: change_sort(a, 1); break;
    case ACT_SORT_INVERT: a->sort_desc = !a->sort_desc; break;
    case ACT_OPEN: open_detail(a); break;
    case ACT_BACK:
        if (a->view == VIEW_DETAIL)
            a->view = a->back_view;
        break;
    case ACT_HELP: a->mode = MODE_HELP; break;
    case ACT_REDRAW: case ACT_RESIZE: a->redraw_all = true; break;
    default: break;
    }
}

static void prompt_enter(struct app *a)
{
    char *end;
    enum mode m = a->mode;

    a->mode = MODE_NORMAL;
    if (a->input_len == 0)
        return;
    if (m == MODE_PROMPT_USERS) {
        unsigned long v = strtoul(a->input, &end, 10);
        if (*end || v > MAX_PROMPT_USERS)
            app_toast(a, TOAST_ERROR, "Not a user count: %s", a->input);
        else
            ramp_to(a, (uint32_t)v, a->op_rate);
        return;
    }
    double r = strtod(a->input, &end);
    if (m == MODE_PROMPT_ARRIVALS) {
        if (*end || !(r >= 0.0) || r > MAX_PROMPT_ARRIVALS)
            app_toast(a, TOAST_ERROR, "Not an arrival rate (iterations per second, 0 to "
                      "1000000): %s", a->input);
        else
            rate_to(a, r);
        return;
    }
    if (*end || !(r > 0.0) || r > MAX_PROMPT_RATE)
        app_toast(a, TOAST_ERROR, "Not a spawn rate (users per second > 0): %s", a->input);
    else
        set_rate(a, r);
}

/* Any printable character is typed in as it is, so that Enter refuses "-5" or "1e308" with
 * the toast instead of taking 5 or 1308 from what was left of it. */
static void prompt_key(struct app *a, int key)
{
    if (key == '\n' || key == '\r' || key == KEY_ENTER)
        prompt_enter(a);
    else if (key == 27)
        a->mode = MODE_NORMAL;
    else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && a->input_len)
        a->input[--a->input_len] = '\0';
    else if (key >= 0x20 && key < 0x7f && a->input_len + 1 < sizeof a->input) {
        a->input[a->input_len++] = (char)key;
        a->input[a->input_len] = '\0';
    }
}

static void confirm_key(struct app *a, int key)
{
    enum mode m = a->mode;
    bool yes = key == 'y' || key == 'Y' || (m == MODE_CONFIRM_QUIT && key == 'q');

    a->mode = MODE_NORMAL;
    if (!yes)
        return;
    if (m == MODE_CONFIRM_QUIT) {
        begin_quit(a);
    } else if (m == MODE_CONFIRM_NEXT || m == MODE_CONFIRM_ABORT) {
        a->campaign = m == MODE_CONFIRM_NEXT ? APP_CAMPAIGN_NEXT : APP_CAMPAIGN_ABORT;
        begin_quit(a);
    } else if (m == MODE_CONFIRM_STOP) {
        a->stay_open = true;
        send(a, ENGINE_STOP, 0, 0.0, NULL);
        app_toast(a, TOAST_INFO, "Stopping users; the screen stays: q quits, c writes files");
    } else {
        send(a, ENGINE_RESET_STATS, 0, 0.0, NULL);
        app_toast(a, TOAST_INFO, "Statistics reset");
    }
}

bool app_key(struct app *a, int key, double now)
{
    enum action act = keymap_lookup(key);

    a->now = now;
    if (act == ACT_RESIZE || act == ACT_REDRAW) {
        a->redraw_all = true;
        return true;
    }
    switch (a->mode) {
    case MODE_PROMPT_USERS:
    case MODE_PROMPT_RATE:
    case MODE_PROMPT_ARRIVALS:
        prompt_key(a, key);
        return true;
    case MODE_CONFIRM_QUIT:
    case MODE_CONFIRM_STOP:
    case MODE_CONFIRM_RESET:
    case MODE_CONFIRM_NEXT:
    case MODE_CONFIRM_ABORT:
        confirm_key(a, key);
        return true;
    case MODE_HELP:
        a->mode = MODE_NORMAL;
        return true;
    case MODE_NORMAL:
        break;
    }
    if (act == ACT_NONE)
        return false;
    if (!control_action(a, act))
        view_action(a, act);
    return true;
}
