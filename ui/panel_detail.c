/* panel_detail: the head of the detail view of one endpoint (or Aggregated): its counts,
 * rates, average / min / max / size, and every percentile over the whole run and over the
 * current ~10 s window. The view adds the endpoint's own charts and failures below.
 * Main thread (curses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "panel.h"
#include "units.h"

#define PCT_W 8
#define LABEL_W 13

/* Percentile columns in the order they are kept when the width is short. */
static const int pct_priority[SNAP_PCT_COUNT] = {
    SNAP_P50, SNAP_P100, SNAP_P95, SNAP_P99, SNAP_P90, SNAP_P999, SNAP_P75, SNAP_P66,
    SNAP_P98, SNAP_P80, SNAP_P9999
};

static void counts_line(const struct app *a, WINDOW *win, int y, int x, int w,
                        const struct snap_stats *st)
{
    const struct theme *t = &a->theme;
    struct segs g = {0};
    char v[32];
    uint64_t timed = st->requests > st->none_requests ? st->requests - st->none_requests : 0;

    segs_add(&g, 0, t->attr[THEME_DIM], "Requests ");
    segs_more(&g, t->attr[THEME_TITLE], "%s", units_count(v, sizeof v, st->requests, 0));
    segs_add(&g, 0, t->attr[THEME_DIM], "Failures ");
    segs_more(&g, st->failures ? t->attr[THEME_ERROR] : t->attr[THEME_TITLE], "%s",
              units_count(v, sizeof v, st->failures, 0));
    segs_more(&g, t->attr[THEME_DIM], " (%s)", units_percent(v, sizeof v, st->requests
              ? (double)st->failures / (double)st->requests : 0.0));
    segs_add(&g, 2, t->attr[THEME_DIM], "Expected ");
    segs_more(&g, A_NORMAL, "%s", units_count(v, sizeof v, st->expected, 0));
    segs_add(&g, 0, t->attr[THEME_DIM], "RPS ");
    segs_more(&g, t->attr[THEME_TITLE], "%s", units_rate(v, sizeof v, st->current_rps, 0));
    segs_more(&g, t->attr[THEME_DIM], " (run %s)", units_rate(v, sizeof v, st->total_rps, 0));
    segs_add(&g, 1, t->attr[THEME_DIM], "Fails/s ");
    segs_more(&g, A_NORMAL, "%s", units_rate(v, sizeof v, st->current_fps, 0));
    segs_add(&g, 1, t->attr[THEME_DIM], "Avg ");
    segs_more(&g, A_NORMAL, "%s", timed ? units_latency(v, sizeof v, st->total_us / timed) : "-");
    segs_add(&g, 3, t->attr[THEME_DIM], "Min ");
    segs_more(&g, A_NORMAL, "%s", timed ? units_latency(v, sizeof v, st->min_us) : "-");
    segs_add(&g, 3, t->attr[THEME_DIM], "Max ");
    segs_more(&g, A_NORMAL, "%s", timed ? units_latency(v, sizeof v, st->max_us) : "-");
    segs_add(&g, 2, t->attr[THEME_DIM], "Avg size ");
    segs_more(&g, A_NORMAL, "%s B", units_count(v, sizeof v, st->requests
              ? st->total_bytes / st->requests : 0, 0));
    segs_draw(win, t, y, x, w, &g, 2);
}

/* Which percentiles fit in w columns, in the snapshot's order. */
static int shown_pcts(int w, bool *shown)
{
    int n = (w - LABEL_W) / PCT_W;

    memset(shown, 0, SNAP_PCT_COUNT * sizeof *shown);
    for (int i = 0; i < n && i < SNAP_PCT_COUNT; i++)
        shown[pct_priority[i]] = true;
    return n < SNAP_PCT_COUNT ? n : SNAP_PCT_COUNT;
}

static void pct_row(const struct app *a, WINDOW *win, int y, int x, const bool *shown,
                    const char *label, const uint64_t *pct, bool have)
{
    const struct theme *t = &a->theme;
    char v[16];
    int col = LABEL_W;

    draw_text(win, t, y, x, LABEL_W, t->attr[THEME_DIM], label);
    for (int i = 0; i < SNAP_PCT_COUNT; i++) {
        if (!shown[i])
            continue;
        draw_rtext(win, t, y, x + col, PCT_W, A_NORMAL,
                   have ? units_latency(v, sizeof v, pct[i]) : "-");
        col += PCT_W;
    }
}

static void pct_table(const struct app *a, WINDOW *win, int y, int x, int w,
                      const struct snap_stats *st)
{
    const struct theme *t = &a->theme;
    bool shown[SNAP_PCT_COUNT];
    int col = LABEL_W;
    uint64_t timed = st->requests > st->none_requests ? st->requests - st->none_requests : 0;

    shown_pcts(w, shown);
    draw_fill(win, y, x, w, t->attr[THEME_HEADER]);
    draw_text(win, t, y, x, LABEL_W, t->attr[THEME_HEADER], "Percentiles");
    for (int i = 0; i < SNAP_PCT_COUNT; i++)
        if (shown[i]) {
            draw_rtext(win, t, y, x + col, PCT_W, t->attr[THEME_HEADER],
                       snapshot_pct_labels[i]);
            col += PCT_W;
        }
    pct_row(a, win, y + 1, x, shown, "whole run", st->pct_us, timed > 0);
    pct_row(a, win, y + 2, x, shown, "last ~10 s", st->cur_pct_us, st->cur_count > 0);
}

static void detail_draw(struct panel *p, WINDOW *win, struct rect r)
{
    const struct app *a = p->app;
    const struct snap_stats *st = panel_detail_stats(a);
    char title[SNAP_NAME_MAX + 16];
    struct rect in;

    snprintf(title, sizeof title, "%s%s%s", st->method, st->method[0] ? " " : "", st->name);
    in = panel_frame(p, win, r, title);
    if (in.h < 4 || in.w < 40)
        return;
    counts_line(a, win, in.y, in.x + 1, in.w - 2, st);
    pct_table(a, win, in.y + 2, in.x + 1, in.w - 2, st);
    if (in.h >= 6)
        draw_text(win, &a->theme, in.y + in.h - 1, in.x + 1, in.w - 2,
                  a->theme.attr[THEME_DIM], "Esc: back   Up/Down: previous / next endpoint   "
                  "PgUp/PgDn: scroll the failures");
}

static bool detail_update(struct panel *p, const struct snapshot *s)
{
    return panel_changed(p, s->seq);
}

static const struct panel_ops detail_ops = {detail_update, detail_draw, NULL};

struct panel *panel_detail_create(void)
{
    struct panel *p = calloc(1, sizeof *p);

    if (p)
        p->ops = &detail_ops;
    return p;
}
