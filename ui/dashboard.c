/* dashboard: the dashboard's event loop and its only link to the run and the engine. On the
 * main thread's default ev loop it watches the keyboard (ev_io on stdin), SIGINT / SIGTERM /
 * SIGHUP and SIGWINCH (ev_signal), reads the newest snapshot at 10 Hz (run_refresh; panels
 * redraw only when what they show changed), writes the history row and the event log lines
 * once per second, and turns keys into engine commands (engine_send). It draws into one
 * curses window per panel and sends only the differences (wnoutrefresh + doupdate).
 * Main thread only. */
#include <ev.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "csv.h"
#include "headless.h"
#include "layout.h"
#include "log.h"
#include "panel.h"
#include "tui.h"
#include "ui.h"

#define REFRESH_SECONDS 0.1

struct dash {
    struct run *r;
    struct app app;
    struct snapshot *empty;
    struct panel *panels[P_COUNT];
    struct slot slots[LAYOUT_MAX_SLOTS];
    WINDOW *wins[LAYOUT_MAX_SLOTS];
    int n_slots;
    bool dirty[P_COUNT];
    WINDOW *small;              /* the "terminal too small" message */
    WINDOW *help;
    ev_io input;
    ev_signal sig_int, sig_term, sig_hup, sig_winch;
    ev_timer refresh;
    ev_periodic history;
};

/* ---- snapshot exports (the `c` key) ------------------------------------------------------ */

/* One kind of file the snapshot key writes. Issue 5's Markdown and HTML reports join this
 * table: each writes next to the CSV files and says where. */
struct exporter {
    const char *what;
    int (*write)(struct dash *d, char *where, size_t n, char *err, size_t errlen);
};

static int export_csv(struct dash *d, char *where, size_t n, char *err, size_t errlen)
{
    const struct options *o = d->r->opt;
    char used[1024];

    if (csv_write_snapshot_set(o->csv_prefix, d->r->snap, d->r->history,
                               o->failures_seen_columns, used, sizeof used, err, errlen) < 0)
        return -1;
    snprintf(where, n, "%s_{stats,stats_history,failures,exceptions}.csv", used);
    return 0;
}

static const struct exporter exporters[] = {
    {"CSV", export_csv},
};

static int snapshot_cb(void *arg, char *msg, size_t n)
{
    struct dash *d = arg;
    struct engine_cmd note = {.type = ENGINE_NOTE, .who = EVENT_OPERATOR};
    char where[1200], err[512];

    run_refresh(d->r);
    for (size_t i = 0; i < sizeof exporters / sizeof exporters[0]; i++) {
        if (exporters[i].write(d, where, sizeof where, err, sizeof err) < 0) {
            snprintf(msg, n, "%s: %s", exporters[i].what, err);
            log_msg(LOG_LEVEL_ERROR, "Snapshot failed: %s", msg);
            return -1;
        }
        if (snprintf(note.text, sizeof note.text, "Snapshot written: %s", where) >=
            (int)sizeof note.text)
            memcpy(note.text + sizeof note.text - 4, "...", 4);     /* a very long path */
        engine_send(d->r->engine, &note);
        log_msg(LOG_LEVEL_INFO, "%s", note.text);
    }
    snprintf(msg, n, "%s", note.text);
    return 0;
}

static void send_cb(void *arg, const struct engine_cmd *cmd)
{
    struct dash *d = arg;

    engine_send(d->r->engine, cmd);
}

/* ---- drawing --------------------------------------------------------------------------- */

static void all_dirty(struct dash *d)
{
    for (int i = 0; i < P_COUNT; i++)
        d->dirty[i] = true;
}

static void drop_windows(struct dash *d)
{
    for (int i = 0; i < d->n_slots; i++)
        if (d->wins[i])
            delwin(d->wins[i]);
    memset(d->wins, 0, sizeof d->wins);
    d->n_slots = 0;
}

static int table_rows(const struct dash *d)
{
    uint32_t order[SNAP_MAX_ENDPOINTS];
    return (int)app_rows(&d->app, order) + 1;
}

static bool same_slot(const struct slot *a, const struct slot *b)
{
    return a->id == b->id && a->r.y == b->r.y && a->r.x == b->r.x && a->r.h == b->r.h &&
           a->r.w == b->r.w && a->box == b->box && a->flags == b->flags;
}

static bool same_layout(const struct dash *d, const struct slot *slots, int n)
{
    if (n != d->n_slots)
        return false;
    for (int i = 0; i < n; i++)
        if (!same_slot(&slots[i], &d->slots[i]))
            return false;
    return true;
}

/* Compute the layout; when it changed, make one window per slot and redraw everything. */
static void relayout(struct dash *d, int w, int h)
{
    struct slot slots[LAYOUT_MAX_SLOTS];
    int n = layout_compute(d->app.view, w, h, table_rows(d), slots);

    if (same_layout(d, slots, n))
        return;
    drop_windows(d);
    for (int i = 0; i < n; i++) {
        d->slots[i] = slots[i];
        d->wins[i] = newwin(slots[i].r.h, slots[i].r.w, slots[i].r.y, slots[i].r.x);
        if (d->wins[i])
            leaveok(d->wins[i], TRUE);
    }
    d->n_slots = n;
    all_dirty(d);
}

static bool show_small(struct dash *d, int w, int h)
{
    char text[128];
    const struct theme *t = &d->app.theme;

    if (!layout_too_small(w, h)) {
        if (d->small) {
            delwin(d->small);
            d->small = NULL;
            drop_windows(d);
        }
        return false;
    }
    drop_windows(d);
    if (!d->small && !(d->small = newwin(h, w, 0, 0)))
        return true;
    werase(d->small);
    snprintf(text, sizeof text, "The dashboard needs %dx%d; this terminal is %dx%d.",
             LAYOUT_MIN_W, LAYOUT_MIN_H, w, h);
    draw_text(d->small, t, h / 2 - 1, 1, w - 2, t->attr[THEME_WARN], text);
    draw_text(d->small, t, h / 2, 1, w - 2, A_NORMAL, "Enlarge it: the load goes on.");
    draw_text(d->small, t, h / 2 + 1, 1, w - 2, A_NORMAL, "q quits, Ctrl-C stops.");
    wnoutrefresh(d->small);
    return true;
}

static void draw_help(struct dash *d, int w, int h, bool again)
{
    int hh = panel_help_height(w), hw = w - 4 < 100 ? w - 4 : 100;

    if (d->app.mode != MODE_HELP) {
        if (d->help) {
            delwin(d->help);
            d->help = NULL;
            all_dirty(d);
        }
        return;
    }
    if (hh > h - 2)
        hh = h - 2;
    if (!d->help && !(d->help = newwin(hh, hw, (h - hh) / 2, (w - hw) / 2)))
        return;
    if (again)
        panel_help_draw(&d->app, d->help, (struct rect){0, 0, hh, hw});
    touchwin(d->help);
    wnoutrefresh(d->help);
}

static void render(struct dash *d)
{
    int h, w;
    bool drew = false;

    getmaxyx(stdscr, h, w);
    if (show_small(d, w, h)) {
        doupdate();
        return;
    }
    draw_help(d, w, h, false);          /* closing help marks everything dirty */
    relayout(d, w, h);
    for (int i = 0; i < d->n_slots; i++) {
        struct panel *p = d->panels[d->slots[i].id];
        if (!d->dirty[d->slots[i].id] || !p || !d->wins[i])
            continue;
        p->box = d->slots[i].box;
        p->flags = d->slots[i].flags;
        p->ops->draw(p, d->wins[i], (struct rect){0, 0, d->slots[i].r.h, d->slots[i].r.w});
        touchwin(d->wins[i]);
        wnoutrefresh(d->wins[i]);
        drew = true;
    }
    memset(d->dirty, 0, sizeof d->dirty);
    if (drew || d->app.mode == MODE_HELP)
        draw_help(d, w, h, true);
    if (d->app.redraw_all) {
        clearok(curscr, TRUE);
        d->app.redraw_all = false;
    }
    doupdate();
}

/* ---- the loop ------------------------------------------------------------------------------- */

static void update_panels(struct dash *d, bool fresh)
{
    for (int i = 0; i < d->n_slots; i++) {
        struct panel *p = d->panels[d->slots[i].id];
        if (p && (fresh || d->slots[i].id == P_FOOTER) && p->ops->update(p, d->r->snap))
            d->dirty[d->slots[i].id] = true;
    }
}

static void poll_snapshot(struct dash *d, struct ev_loop *loop)
{
    bool fresh = run_refresh(d->r);

    if (fresh) {
        app_update(&d->app, d->r->snap, ev_now(loop));
        run_log_events(d->r);
    } else {
        d->app.now = ev_now(loop);
    }
    update_panels(d, fresh);
}

static void after_change(struct dash *d, struct ev_loop *loop)
{
    if (app_should_exit(&d->app)) {
        ev_break(loop, EVBREAK_ALL);
        return;
    }
    render(d);
}

static void refresh_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct dash *d = w->data;

    (void)revents;
    poll_snapshot(d, loop);
    after_change(d, loop);
}

static void history_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
    struct dash *d = w->data;

    (void)revents;
    poll_snapshot(d, loop);
    run_history_tick(d->r);
}

static void input_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct dash *d = w->data;
    bool changed = false;
    int ch;

    (void)revents;
    while ((ch = wgetch(stdscr)) != ERR) {
        if (ch == KEY_RESIZE)
            tui_resize();
        changed |= app_key(&d->app, ch, ev_now(loop));
    }
    app_flush(&d->app);                 /* one ramp for the whole batch of w/W/s/S */
    if (changed)
        all_dirty(d);
    after_change(d, loop);
}

static void signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    struct dash *d = w->data;

    (void)revents;
    log_msg(LOG_LEVEL_INFO, "%s received: stopping users",
            w->signum == SIGINT ? "Ctrl-C" : w->signum == SIGHUP ? "SIGHUP" : "SIGTERM");
    app_interrupt(&d->app, ev_now(loop));
    all_dirty(d);
    after_change(d, loop);
}

static void winch_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    struct dash *d = w->data;

    (void)revents;
    tui_resize();
    all_dirty(d);
    after_change(d, loop);
}

static void watch(struct dash *d, struct ev_loop *loop)
{
    ev_io_init(&d->input, input_cb, 0, EV_READ);
    ev_signal_init(&d->sig_int, signal_cb, SIGINT);
    ev_signal_init(&d->sig_term, signal_cb, SIGTERM);
    ev_signal_init(&d->sig_hup, signal_cb, SIGHUP);
    ev_signal_init(&d->sig_winch, winch_cb, SIGWINCH);
    ev_timer_init(&d->refresh, refresh_cb, 0.0, REFRESH_SECONDS);
    ev_periodic_init(&d->history, history_cb, 0.25, 1.0, NULL);
    d->input.data = d->sig_int.data = d->sig_term.data = d->sig_hup.data = d;
    d->sig_winch.data = d->refresh.data = d->history.data = d;
    ev_io_start(loop, &d->input);
    ev_signal_start(loop, &d->sig_int);
    ev_signal_start(loop, &d->sig_term);
    ev_signal_start(loop, &d->sig_hup);
    ev_signal_start(loop, &d->sig_winch);
    ev_timer_start(loop, &d->refresh);
    ev_periodic_start(loop, &d->history);
}

static void unwatch(struct dash *d, struct ev_loop *loop)
{
    ev_io_stop(loop, &d->input);
    ev_signal_stop(loop, &d->sig_int);
    ev_signal_stop(loop, &d->sig_term);
    ev_signal_stop(loop, &d->sig_hup);
    ev_signal_stop(loop, &d->sig_winch);
    ev_timer_stop(loop, &d->refresh);
    ev_periodic_stop(loop, &d->history);
}

/* ---- set-up and the end --------------------------------------------------------------------- */

static int dash_init(struct dash *d, struct run *r)
{
    struct app_host host = {send_cb, snapshot_cb, d};

    memset(d, 0, sizeof *d);
    d->r = r;
    if (!(d->empty = calloc(1, sizeof *d->empty)) || app_init(&d->app, d->empty, &host) < 0)
        return -1;
    for (int id = 0; id < P_COUNT; id++)
        if (!(d->panels[id] = panel_create((enum panel_id)id, &d->app)))
            return -1;
    return 0;
}

static void dash_free(struct dash *d)
{
    drop_windows(d);
    if (d->small)
        delwin(d->small);
    if (d->help)
        delwin(d->help);
    for (int id = 0; id < P_COUNT; id++)
        panel_destroy(d->panels[id]);
    app_free(&d->app);
    free(d->empty);
    memset(d, 0, sizeof *d);
}


static int headless_instead(struct run *r, const char *why)
{
    fprintf(stderr, "hornet: %s: running headless (--headless skips this note)\n", why);
    return headless_run(r);
}

int ui_run(struct run *r)
{
    struct ev_loop *loop = ev_default_loop(0);
    struct dash d;
    char err[256];
    const char *why;

    setlocale(LC_CTYPE, "");            /* UTF-8 glyphs; numbers stay in the C locale */
    if ((why = tui_unusable()) != NULL)
        return headless_instead(r, why);
    if (dash_init(&d, r) < 0) {
        dash_free(&d);
        fprintf(stderr, "hornet: out of memory starting the dashboard\n");
        return 3;
    }
    log_set_stderr(false);
    if (tui_start(err, sizeof err) < 0) {
        log_set_stderr(true);
        dash_free(&d);
        return headless_instead(r, err);
    }
    theme_init(&d.app.theme, !theme_env_no_color(), theme_env_unicode());
    wrefresh(stdscr);                   /* stdscr stays untouched from here: wgetch never
                                           repaints it over the panels */
    watch(&d, loop);
    ev_run(loop, 0);
    unwatch(&d, loop);
    dash_free(&d);
    tui_stop();
    log_set_stderr(true);
    return run_end(r);
}
