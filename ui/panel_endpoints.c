/* panel_endpoints: the endpoint table as Locust's web UI has it (Type, Name, # Requests,
 * # Fails, Median, p95, p99, Average, Min, Max, Average size, Current RPS, Current Failures/s,
 * plus p90 and p99.9 when wide), the columns that fit the width, sorted by the app's column,
 * a selected row, scrolling, and the Aggregated row pinned last. Main thread (curses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "panel.h"
#include "units.h"

struct table_layout {
    bool shown[EPC_COUNT];
    int name_w;
};

static int longest_name(const struct snapshot *s, const uint32_t *order, size_t n)
{
    int longest = 10;

    for (size_t i = 0; i < n; i++) {
        int len = (int)strlen(s->endpoints[order[i]].name);
        if (len > longest)
            longest = len;
    }
    return longest;
}

static int col_width(const struct table_layout *tl, int c)
{
    return c == EPC_NAME ? tl->name_w : eptable_columns[c].width;
}

static void header(const struct app *a, WINDOW *win, int y, int x, int w,
                   const struct table_layout *tl)
{
    const struct theme *t = &a->theme;
    attr_t h = t->attr[THEME_HEADER];
    char title[48];
    int col = 0;

    draw_fill(win, y, x, w, h);
    for (int c = 0; c < EPC_COUNT; c++) {
        int cw = col_width(tl, c);
        if (!tl->shown[c])
            continue;
        snprintf(title, sizeof title, "%s%s",
                 (int)strlen(eptable_columns[c].title) < cw ? eptable_columns[c].title
                                                            : eptable_columns[c].short_title,
                 c == (int)a->sort_col ? (a->sort_desc ? t->g.down : t->g.up) : "");
        if (eptable_columns[c].numeric)
            draw_rtext(win, t, y, x + col, cw, h, title);
        else
            draw_text(win, t, y, x + col + (c == EPC_NAME), cw - 1, h, title);
        col += cw;
    }
}

static attr_t cell_attr(const struct theme *t, const struct snap_stats *st, int c, attr_t base)
{
    if ((c == EPC_FAILS && st->failures) || (c == EPC_FPS && st->current_fps > 0.0))
        return base == A_NORMAL ? t->attr[THEME_ERROR] : base;
    return base;
}

static void row(const struct app *a, WINDOW *win, int y, int x, int w,
                const struct table_layout *tl, const struct snap_stats *st, attr_t base)
{
    const struct theme *t = &a->theme;
    char cell[SNAP_NAME_MAX + 8], fit[SNAP_NAME_MAX + 8];
    int col = 0;

    draw_fill(win, y, x, w, base);
    for (int c = 0; c < EPC_COUNT; c++) {
        int cw = col_width(tl, c);
        if (!tl->shown[c])
            continue;
        eptable_cell(st, (enum ep_col)c, cw - 1, cell, sizeof cell);
        if (eptable_columns[c].numeric) {
            draw_rtext(win, t, y, x + col, cw, cell_attr(t, st, c, base), cell);
        } else {
            if (c == EPC_NAME)
                text_fit_mid(t, fit, sizeof fit, cell, cw - 1);
            else
                text_fit(t, fit, sizeof fit, cell, cw - 1);
            draw_text(win, t, y, x + col + (c == EPC_NAME), cw - 1, base, fit);
        }
        col += cw;
    }
}

/* Keep the selected row visible in `rows` lines. */
static int scroll_to(struct scroll *sc, int sel, int rows, int n)
{
    if (sel >= 0 && sel < n) {
        if (sel < sc->top)
            sc->top = sel;
        if (sel >= sc->top + rows)
            sc->top = sel - rows + 1;
    }
    if (sc->top > n - rows)
        sc->top = n - rows;
    if (sc->top < 0)
        sc->top = 0;
    sc->page = rows;
    return sc->top;
}

static void body(struct panel *p, WINDOW *win, struct rect in, const uint32_t *order, size_t n)
{
    struct app *a = p->app;
    const struct theme *t = &a->theme;
    struct table_layout tl;
    int rows = in.h - 2, sel = -1, top, i;

    eptable_fit(in.w, longest_name(a->snap, order, n), tl.shown, &tl.name_w);
    header(a, win, in.y, in.x, in.w, &tl);
    for (size_t k = 0; k < n; k++)
        if (order[k] == a->sel_ep)
            sel = (int)k;
    top = scroll_to(&a->endpoints, sel, rows, (int)n);
    for (i = 0; i < rows && top + i < (int)n; i++) {
        uint32_t ep = order[top + i];
        row(a, win, in.y + 1 + i, in.x, in.w, &tl, &a->snap->endpoints[ep],
            ep == a->sel_ep ? t->attr[THEME_SELECTED] : A_NORMAL);
    }
    /* Aggregated right below the rows, pinned to the bottom once the rows scroll */
    row(a, win, in.y + 1 + i, in.x, in.w, &tl, &a->snap->total,
        a->sel_ep == APP_AGGREGATED ? t->attr[THEME_SELECTED] : A_BOLD);
}

static void table_draw(struct panel *p, WINDOW *win, struct rect r)
{
    struct app *a = p->app;
    uint32_t order[SNAP_MAX_ENDPOINTS];
    size_t n = app_rows(a, order);
    char title[64];
    struct rect in;

    snprintf(title, sizeof title, "Endpoints (%zu)%s", n,
             app_corrected_view(a, a->snap) ? ", latencies corrected" : "");
    in = panel_frame(p, win, r, title);
    if (in.h < 3 || in.w < 20)
        return;
    if (n == 0 && a->snap->total.requests == 0) {
        draw_text(win, &a->theme, in.y + in.h / 2, in.x + 2, in.w - 4,
                  a->theme.attr[THEME_DIM], "No request has finished yet.");
        return;
    }
    body(p, win, in, order, n);
}

static bool table_update(struct panel *p, const struct snapshot *s)
{
    uint64_t h = panel_mix(0, s->total.requests);

    h = panel_mix(h, s->total.failures);
    h = panel_mix(h, (uint64_t)(s->total.current_rps * 100.0));
    h = panel_mix(h, (uint64_t)(s->start_time * 1000.0));
    return panel_changed(p, h);
}

static const struct panel_ops table_ops = {table_update, table_draw, NULL};

struct panel *panel_endpoints_create(void)
{
    struct panel *p = calloc(1, sizeof *p);

    if (p)
        p->ops = &table_ops;
    return p;
}
