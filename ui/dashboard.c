/* dashboard: the dashboard's drawing and its own watchers. On the host's ev loop it watches
 * the keyboard (ev_io on stdin) and window-size changes (SIGWINCH); the host hands it each new
 * snapshot at 10 Hz (panels redraw only when what they show changed). Keys become commands
 * through the ui_host. It draws into one curses window per panel and sends only the
 * differences (wnoutrefresh + doupdate). Main thread only. */
#include <ev.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "layout.h"
#include "panel.h"
#include "tui.h"
#include "ui.h"

struct dashboard {
    struct app app;
    struct ev_loop *loop;
    struct snapshot *empty;
    const struct snapshot *raw;     /* the run's newest snapshot (the host's) */
    struct snapshot *view;          /* raw with its corrected latencies in place (the o key) */
    struct panel *panels[P_COUNT];
    struct slot slots[LAYOUT_MAX_SLOTS];
    WINDOW *wins[LAYOUT_MAX_SLOTS];
    int n_slots;
    bool dirty[P_COUNT];
    WINDOW *small;              /* the "terminal too small" message */
    WINDOW *help;
    ev_io input;
    ev_signal sig_winch;
};

/* ---- drawing --------------------------------------------------------------------------- */

static void all_dirty(struct dashboard *d)
{
    for (int i = 0; i < P_COUNT; i++)
        d->dirty[i] = true;
}

static void drop_windows(struct dashboard *d)
{
    for (int i = 0; i < d->n_slots; i++)
        if (d->wins[i])
            delwin(d->wins[i]);
    memset(d->wins, 0, sizeof d->wins);
    d->n_slots = 0;
}

static int table_rows(const struct dashboard *d)
{
    uint32_t order[SNAP_MAX_ENDPOINTS];
    return (int)app_rows(&d->app, order) + 1;
}

/* Lines the Overview's targets panel would like: one per target, one for an abort. */
static int target_rows(const struct dashboard *d)
{
    const struct snapshot *s = d->app.snap;
    return s->n_targets ? (int)s->n_targets + (s->aborted ? 1 : 0) : 0;
}

/* Lines the Health view's list would like: one per metric and per source. */
static int health_rows(const struct dashboard *d)
{
    const struct snapshot *s = d->app.snap;
    return s->health.n_sources ? (int)(s->health.n_metrics + s->health.n_sources) : 0;
}

static bool same_slot(const struct slot *a, const struct slot *b)
{
    return a->id == b->id && a->r.y == b->r.y && a->r.x == b->r.x && a->r.h == b->r.h &&
           a->r.w == b->r.w && a->box == b->box && a->flags == b->flags;
}

static bool same_layout(const struct dashboard *d, const struct slot *slots, int n)
{
    if (n != d->n_slots)
        return false;
    for (int i = 0; i < n; i++)
        if (!same_slot(&slots[i], &d->slots[i]))
            return false;
    return true;
}

/* Compute the layout; when it changed, make one window per slot and redraw everything. */
static void relayout(struct dashboard *d, int w, int h)
{
    struct slot slots[LAYOUT_MAX_SLOTS];
    int n = layout_compute(d->app.view, w, h, table_rows(d), target_rows(d), health_rows(d),
                           slots);

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

static bool show_small(struct dashboard *d, int w, int h)
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

static void draw_help(struct dashboard *d, int w, int h, bool again)
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

static void render(struct dashboard *d)
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

static void update_panels(struct dashboard *d, const struct snapshot *s, bool fresh)
{
    for (int i = 0; i < d->n_slots; i++) {
        struct panel *p = d->panels[d->slots[i].id];
        if (p && (fresh || d->slots[i].id == P_FOOTER) && p->ops->update(p, s))
            d->dirty[d->slots[i].id] = true;
    }
}

/* What the views show of the run's snapshot s: s itself, or its corrected view. */
static const struct snapshot *shown(struct dashboard *d, const struct snapshot *s)
{
    if (!app_corrected_view(&d->app, s))
        return s;
    memcpy(d->view, s, sizeof *d->view);
    snap_open_corrected_view(d->view);
    return d->view;
}

void ui_update(struct dashboard *d, const struct snapshot *s, bool fresh, double now)
{
    if (fresh) {
        d->raw = s;
        app_update(&d->app, shown(d, s), now);
    } else {
        d->app.now = now;
    }
    update_panels(d, d->app.snap, fresh);
    render(d);
}

static void after_keys(struct dashboard *d, struct ev_loop *loop)
{
    if (app_should_exit(&d->app)) {
        ev_break(loop, EVBREAK_ALL);
        return;
    }
    render(d);
}

static void input_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct dashboard *d = w->data;
    bool changed = false, resized = false;
    int ch;

    (void)revents;
    while ((ch = wgetch(stdscr)) != ERR) {
        /* resizeterm pushes a KEY_RESIZE of its own whenever it could not make every window
         * fit the new size (a shrink below a window's place): reading it back and resizing
         * again would spin forever. Once per batch is enough; the next draw lays out anew. */
        if (ch == KEY_RESIZE && resized)
            continue;
        if (ch == KEY_RESIZE) {
            resized = true;
            tui_resize();
        }
        changed |= app_key(&d->app, ch, ev_now(loop));
    }
    app_flush(&d->app);                 /* one ramp for the whole batch of w/W/s/S */
    if (d->app.view_flipped) {          /* o: the same snapshot, other latencies */
        d->app.view_flipped = false;
        app_update(&d->app, shown(d, d->raw), ev_now(loop));
        update_panels(d, d->app.snap, true);
    }
    if (changed)
        all_dirty(d);
    after_keys(d, loop);
}

static void winch_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    struct dashboard *d = w->data;

    (void)revents;
    tui_resize();
    all_dirty(d);
    after_keys(d, loop);
}

void ui_interrupt(struct dashboard *d, double now)
{
    app_interrupt(&d->app, now);
    all_dirty(d);
    render(d);
}

bool ui_done(const struct dashboard *d)
{
    return app_should_exit(&d->app);
}

/* ---- set-up and the end --------------------------------------------------------------------- */

static void dash_free(struct dashboard *d)
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
    free(d->view);
    free(d);
}

static struct dashboard *dash_new(const struct ui_host *host, const struct timeline *timeline)
{
    struct dashboard *d = calloc(1, sizeof *d);
    struct app_host ah = {host->send, host->snapshot, host->arg, host->campaign};

    if (!d)
        return NULL;
    if (!(d->empty = calloc(1, sizeof *d->empty)) || !(d->view = calloc(1, sizeof *d->view)) ||
        app_init(&d->app, d->empty, timeline, &ah) < 0) {
        dash_free(d);
        return NULL;
    }
    d->raw = d->empty;
    for (int id = 0; id < P_COUNT; id++)
        if (!(d->panels[id] = panel_create((enum panel_id)id, &d->app))) {
            dash_free(d);
            return NULL;
        }
    return d;
}

const char *ui_unusable(void)
{
    return tui_unusable();
}

struct dashboard *ui_open(struct ev_loop *loop, const struct ui_host *host,
                          const struct timeline *timeline, bool ascii, char *err,
                          size_t errlen)
{
    struct dashboard *d;

    setlocale(LC_CTYPE, "");            /* UTF-8 glyphs; numbers stay in the C locale */
    if (!(d = dash_new(host, timeline))) {
        snprintf(err, errlen, "out of memory starting the dashboard");
        return NULL;
    }
    if (tui_start(err, errlen) < 0) {
        dash_free(d);
        return NULL;
    }
    theme_init(&d->app.theme, !theme_env_no_color(), theme_env_unicode() && !ascii);
    wrefresh(stdscr);                   /* stdscr stays untouched from here: wgetch never
                                           repaints it over the panels */
    d->loop = loop;
    ev_io_init(&d->input, input_cb, 0, EV_READ);
    ev_signal_init(&d->sig_winch, winch_cb, SIGWINCH);
    d->input.data = d->sig_winch.data = d;
    ev_io_start(loop, &d->input);
    ev_signal_start(loop, &d->sig_winch);
    return d;
}

enum ui_campaign ui_campaign_choice(const struct dashboard *d)
{
    return d->app.campaign == APP_CAMPAIGN_NEXT ? UI_CAMPAIGN_NEXT
           : d->app.campaign == APP_CAMPAIGN_ABORT ? UI_CAMPAIGN_ABORT : UI_CAMPAIGN_NONE;
}

void ui_close(struct dashboard *d)
{
    ev_io_stop(d->loop, &d->input);
    ev_signal_stop(d->loop, &d->sig_winch);
    dash_free(d);
    tui_stop();
}
