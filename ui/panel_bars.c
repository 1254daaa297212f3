/* panel_bars: the tab bar (views with the failure count and the targets' verdict, the sort in
 * use, the help key) and the footer (key hints, prompts, confirmations, the stopping progress
 * and short messages). Main thread (curses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "panel.h"
#include "units.h"
#include "verdict.h"

/* ---- tabs ------------------------------------------------------------------------------ */

/* The Health tab's glyph: a limit failing, one at risk or a source down, or all well. */
static void health_extra(const struct app *a, char *out, size_t n, attr_t *attr)
{
    const struct theme *t = &a->theme;
    const struct snap_health *h = &a->snap->health;
    int worst = 0;              /* 0 well, 1 at risk or a source down, 2 failing */

    if (h->n_sources == 0)
        return;
    for (uint32_t k = 0; k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        const struct snap_health_metric *m = &h->metrics[k];
        if (m->has_limit && (m->status == TARGET_FAIL ||
                             (m->status == TARGET_PENDING && a->snap->finished)))
            worst = 2;
        else if (m->has_limit && m->status == TARGET_AT_RISK && worst < 1)
            worst = 1;
    }
    for (uint32_t i = 0; i < h->n_sources && i < SNAP_HEALTH_SOURCES; i++)
        if (h->sources[i].state == HEALTH_DOWN && worst < 1)
            worst = 1;
    snprintf(out, n, " %s", worst == 2 ? t->g.cross : worst == 1 ? t->g.up : t->g.check);
    *attr = t->attr[worst == 2 ? THEME_ERROR : worst == 1 ? THEME_WARN : THEME_OK];
}

/* What a tab shows after its name: the failure count, the targets' verdict as a glyph, or the
 * backend health's. */
static void tab_extra(const struct app *a, enum view v, char *out, size_t n, attr_t *attr)
{
    const struct theme *t = &a->theme;
    const struct snap_stats *tot = &a->snap->total;
    struct verdict vd;
    char num[16];

    *attr = t->attr[THEME_ERROR];
    out[0] = '\0';
    if (v == VIEW_FAILURES && tot->failures > 0) {
        snprintf(out, n, " %s", units_count(num, sizeof num, tot->failures, 6));
    } else if (v == VIEW_TARGETS) {
        verdict_of(a->snap, &vd);
        if (vd.kind == VERDICT_NONE)
            return;
        snprintf(out, n, " %s", vd.kind == VERDICT_PASS ? t->g.check
                 : vd.kind == VERDICT_AT_RISK ? t->g.up : t->g.cross);
        *attr = t->attr[vd.kind == VERDICT_PASS ? THEME_OK : vd.kind == VERDICT_AT_RISK
                        ? THEME_WARN : THEME_ERROR];
    } else if (v == VIEW_HEALTH) {
        health_extra(a, out, n, attr);
    } else if (v == VIEW_WORKERS) {
        snprintf(out, n, " %u/%u", a->snap->workers_ready, a->snap->n_workers);
        *attr = t->attr[a->snap->workers_ready < a->snap->n_workers ? THEME_WARN : THEME_OK];
    }
}

/* How tabs are written when they do not all fit: TABS_FULL " 1 Overview " with a gap after
 * each, TABS_TIGHT "1 Overview " without, TABS_SHORT with the inactive names cut to 4. */
enum tabs_form { TABS_FULL = 0, TABS_TIGHT, TABS_SHORT };

static void tab_label(const struct app *a, enum view v, enum tabs_form form, char *out,
                      size_t n)
{
    bool active = a->view == v || (a->view == VIEW_DETAIL && a->back_view == v);

    snprintf(out, n, "%s%d %.*s", form == TABS_FULL ? " " : "", (int)v + 1,
             form == TABS_SHORT && !active ? 4 : 32, app_view_names[v]);
}

/* Columns every tab takes in this form. */
static int tabs_width(const struct app *a, enum tabs_form form)
{
    char label[48], extra[24];
    attr_t ea;
    int w = 0;

    for (int v = 0; v < VIEW_DETAIL; v++) {
        if (!app_view_shown(a, (enum view)v))
            continue;
        tab_label(a, (enum view)v, form, label, sizeof label);
        tab_extra(a, (enum view)v, extra, sizeof extra, &ea);
        w += text_width(&a->theme, label) + text_width(&a->theme, extra) + 1 +
             (form == TABS_FULL);
    }
    return w;
}

static int draw_tab(const struct app *a, WINDOW *win, int y, int x, int w, enum view v,
                    enum tabs_form form)
{
    const struct theme *t = &a->theme;
    bool active = a->view == v || (a->view == VIEW_DETAIL && a->back_view == v);
    char label[48], extra[24];
    attr_t ea;
    int col;

    tab_label(a, v, form, label, sizeof label);
    col = draw_text(win, t, y, x, w, active ? t->attr[THEME_TAB_ACTIVE] : t->attr[THEME_TAB],
                    label);
    tab_extra(a, v, extra, sizeof extra, &ea);
    col += draw_text(win, t, y, x + col, w - col, active ? t->attr[THEME_TAB_ACTIVE] : ea, extra);
    col += draw_text(win, t, y, x + col, w - col,
                     active ? t->attr[THEME_TAB_ACTIVE] : t->attr[THEME_TAB], " ");
    return col;
}

static void tabs_right(const struct app *a, WINDOW *win, struct rect r, int used)
{
    const struct theme *t = &a->theme;
    char text[96];
    int w;

    if (a->view == VIEW_OVERVIEW || a->view == VIEW_ENDPOINTS)
        snprintf(text, sizeof text, "sort: %s %s  ? help ", eptable_columns[a->sort_col].title,
                 a->sort_desc ? t->g.down : t->g.up);
    else
        snprintf(text, sizeof text, "? help ");
    w = text_width(t, text);
    if (used + w + 1 <= r.w)
        draw_text(win, t, r.y, r.x + r.w - w, w, t->attr[THEME_DIM], text);
}

static void tabs_draw(struct panel *p, WINDOW *win, struct rect r)
{
    const struct app *a = p->app;
    const struct theme *t = &a->theme;
    enum tabs_form form = TABS_FULL;
    int col = 0;

    while (form < TABS_SHORT && tabs_width(a, form) > r.w)
        form++;
    draw_fill(win, r.y, r.x, r.w, A_NORMAL);
    for (int v = 0; v < VIEW_DETAIL && col < r.w; v++)
        if (app_view_shown(a, (enum view)v))
            col += draw_tab(a, win, r.y, r.x + col, r.w - col, (enum view)v, form) +
                   (form == TABS_FULL);
    if (a->view == VIEW_DETAIL) {
        const struct snap_stats *st = panel_detail_stats(a);
        char text[SNAP_NAME_MAX + 32];
        snprintf(text, sizeof text, "%s %s%s%s ", t->g.arrow, st->method, st->method[0] ? " " : "",
                 st->name);
        col += draw_text(win, t, r.y, r.x + col, r.w - col, t->attr[THEME_TAB_ACTIVE], text);
    }
    tabs_right(a, win, r, col);
}

static bool tabs_update(struct panel *p, const struct snapshot *s)
{
    struct verdict v;

    verdict_of(s, &v);
    return panel_changed(p, panel_mix(panel_mix(s->total.failures, v.kind),
                                      panel_health_signature(p->app, s) ^
                                      ((uint64_t)s->workers_ready << 32 | s->n_workers)));
}

static const struct panel_ops tabs_ops = {tabs_update, tabs_draw, NULL};

struct panel *panel_tabs_create(void)
{
    struct panel *p = calloc(1, sizeof *p);

    if (p)
        p->ops = &tabs_ops;
    return p;
}

/* ---- footer ---------------------------------------------------------------------------- */

struct hint {
    const char *key, *label;
};

static int hints(const struct app *a, struct hint *h)
{
    const struct snapshot *s = a->snap;
    int n = 0;
    bool running = s->state < RUN_STOPPING;

    h[n++] = (struct hint){"q", "Quit"};
    h[n++] = (struct hint){"?", "Help"};
    if (running && app_arrivals_mode(a)) {              /* the load is a rate: w/W/s/S, u */
        h[n++] = (struct hint){"w/W", "+1/+10/s"};
        h[n++] = (struct hint){"s/S", "-1/-10/s"};
        h[n++] = (struct hint){"u", "Arrivals/s"};
        if (s->manual_control)
            h[n++] = (struct hint){"g", "Scenario"};
    } else if (running) {
        h[n++] = (struct hint){"w/W", "+1/+10"};
        h[n++] = (struct hint){"s/S", "-1/-10"};
        h[n++] = (struct hint){"u", "Users"};
        h[n++] = (struct hint){"r", "Rate"};
        if (s->n_stages > 0 && s->manual_control)
            h[n++] = (struct hint){"g", "Stages"};
    }
    if (running)
        h[n++] = (struct hint){"p", s->state == RUN_PAUSED ? "Resume" : "Pause"};
    h[n++] = (struct hint){"c", "Snapshot"};
    if (s->open.corrected)
        h[n++] = (struct hint){"o", a->service_view ? "Corrected" : "Service"};
    h[n++] = (struct hint){"Tab", "View"};
    if (a->view == VIEW_TARGETS && s->n_targets > 1)
        h[n++] = (struct hint){"Up/Dn", "Trend"};
    if (a->view == VIEW_DETAIL)
        h[n++] = (struct hint){"Esc", "Back"};
    else if (a->view <= VIEW_ENDPOINTS)
        h[n++] = (struct hint){"Enter", "Details"};
    if (a->view <= VIEW_ENDPOINTS)
        h[n++] = (struct hint){"</>", "Sort"};
    if (running)
        h[n++] = (struct hint){"x", "Stop"};
    return n;
}

static void draw_hints(const struct app *a, WINDOW *win, struct rect r)
{
    const struct theme *t = &a->theme;
    struct hint h[16];
    int n = hints(a, h), col = 0;

    for (int i = 0; i < n; i++) {
        char key[16], label[32];
        int need;
        snprintf(key, sizeof key, " %s", h[i].key);
        snprintf(label, sizeof label, " %s ", h[i].label);
        need = text_width(t, key) + text_width(t, label);
        if (col + need > r.w)
            break;
        col += draw_text(win, t, r.y, r.x + col, r.w - col, t->attr[THEME_KEY], key);
        col += draw_text(win, t, r.y, r.x + col, r.w - col, t->attr[THEME_BAR], label);
    }
}

static attr_t toast_attr(const struct app *a)
{
    static const enum theme_role roles[] = {THEME_NORMAL, THEME_OK, THEME_WARN, THEME_ERROR};
    return a->theme.attr[roles[a->toast_level]];
}

static void prompt_text(const struct app *a, char *out, size_t n)
{
    const struct snapshot *s = a->snap;
    double rate = a->op_rate > 0.0 ? a->op_rate : s->spawn_rate;

    if (a->mode == MODE_PROMPT_USERS)
        snprintf(out, n, " Ramp to how many users? (now %u %s %u, %.4g/s): ",
                 app_closed_users(a), a->theme.g.arrow, app_base_target(a), rate);
    else if (a->mode == MODE_PROMPT_ARRIVALS)
        snprintf(out, n, " Arrivals/s? (now %.6g asked, %.6g achieved): ", app_base_rate(a),
                 s->open.all.recent_achieved);
    else
        snprintf(out, n, " Spawn rate, users per second? (now %.4g/s): ", rate);
}

static void draw_prompt(const struct app *a, WINDOW *win, struct rect r)
{
    const struct theme *t = &a->theme;
    char text[160];
    int col;

    prompt_text(a, text, sizeof text);
    col = draw_text(win, t, r.y, r.x, r.w, t->attr[THEME_ACCENT], text);
    col += draw_text(win, t, r.y, r.x + col, r.w - col, t->attr[THEME_TITLE], a->input);
    col += draw_text(win, t, r.y, r.x + col, r.w - col, t->attr[THEME_SELECTED], " ");
    draw_text(win, t, r.y, r.x + col, r.w - col, t->attr[THEME_DIM],
              "  Enter: apply  Esc: cancel");
}

static void confirm_text(const struct app *a, char *out, size_t n)
{
    uint32_t users = a->snap->users;

    if (a->mode == MODE_CONFIRM_QUIT)
        snprintf(out, n, " Quit? %u users will be stopped and the results written.  "
                 "y: quit   n: keep running", users);
    else if (a->mode == MODE_CONFIRM_STOP)
        snprintf(out, n, " Stop all %u users? The dashboard stays open.  y: stop   n: cancel",
                 users);
    else if (a->mode == MODE_CONFIRM_NEXT)
        snprintf(out, n, " End this scenario now (its results are kept, marked interrupted) "
                 "and go to the next?  y: next   n: cancel");
    else if (a->mode == MODE_CONFIRM_ABORT)
        snprintf(out, n, " Abort the campaign? This scenario stops (results kept), the rest "
                 "do not run.  y: abort   n: cancel");
    else
        snprintf(out, n, " Reset all statistics (counts, percentiles, failures)?  "
                 "y: reset   n: cancel");
}

static bool status_text(const struct app *a, char *out, size_t n)
{
    const struct snapshot *s = a->snap;

    if (a->quit == QUIT_STOPPING && !s->finished)
        snprintf(out, n, " Stopping users... %u left  (q or Ctrl-C: quit at once)", s->users);
    else if (s->finished && a->stay_open)
        snprintf(out, n, " The run is over.  q: quit   c: snapshot files   Tab: views");
    else
        return false;
    return true;
}

static void footer_draw(struct panel *p, WINDOW *win, struct rect r)
{
    const struct app *a = p->app;
    const struct theme *t = &a->theme;
    char text[SNAP_TEXT_MAX + 96];

    draw_fill(win, r.y, r.x, r.w, A_NORMAL);
    if (a->mode == MODE_PROMPT_USERS || a->mode == MODE_PROMPT_RATE ||
        a->mode == MODE_PROMPT_ARRIVALS) {
        draw_prompt(a, win, r);
    } else if (a->mode >= MODE_CONFIRM_QUIT) {
        confirm_text(a, text, sizeof text);
        draw_text(win, t, r.y, r.x, r.w, t->attr[THEME_WARN], text);
    } else if (app_toast_visible(a)) {          /* a long one loses its middle: the files */
        char fit[sizeof text + 8];                  /* written stay readable at the end */
        snprintf(text, sizeof text, " %s", a->toast);
        text_fit_mid(t, fit, sizeof fit, text, r.w);
        draw_text(win, t, r.y, r.x, r.w, toast_attr(a), fit);
    } else if (status_text(a, text, sizeof text)) {
        draw_text(win, t, r.y, r.x, r.w, t->attr[THEME_WARN], text);
    } else {
        draw_hints(a, win, r);
    }
}

static bool footer_update(struct panel *p, const struct snapshot *s)
{
    const struct app *a = p->app;
    uint64_t h = panel_mix(app_toast_visible(a), s->state);

    h = panel_mix(h, s->finished);
    h = panel_mix(h, s->manual_control);
    if (a->quit == QUIT_STOPPING)
        h = panel_mix(h, s->users);
    return panel_changed(p, h);
}

static const struct panel_ops footer_ops = {footer_update, footer_draw, NULL};

struct panel *panel_footer_create(void)
{
    struct panel *p = calloc(1, sizeof *p);

    if (p)
        p->ops = &footer_ops;
    return p;
}
