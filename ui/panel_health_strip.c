/* panel_health_strip: the Overview's compact backend-health strip, under the charts: a title
 * rule with the verdict of the health limits and the sources up, then one or two lines of
 * metrics, each a cell of its status glyph, name, newest value and a sparkline over the run in
 * its status colour. Metrics that fail or are at risk come first, then the scenario's order
 * (so the scenario puts what a burst operator watches, the DB pool and the CPU, first); what
 * does not fit is on key 7. Main thread (curses). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "health_unit.h"
#include "panel.h"
#include "verdict.h"

#define SPARK_MIN 3

/* The metrics in the order shown: failing, then at risk (or pending at the end), then the
 * rest, each group in the scenario's order. Returns how many. */
static uint32_t strip_order(const struct snapshot *s, uint32_t *order)
{
    uint32_t n = 0, total = s->health.n_metrics < SNAP_HEALTH_METRICS ? s->health.n_metrics
                                                                       : SNAP_HEALTH_METRICS;

    for (int pass = 0; pass < 3; pass++)
        for (uint32_t k = 0; k < total; k++) {
            const struct snap_health_metric *m = &s->health.metrics[k];
            int rank = !m->has_limit ? 2 : m->status == TARGET_FAIL ? 0
                     : m->status == TARGET_AT_RISK ||
                       (m->status == TARGET_PENDING && s->finished) ? 1 : 2;
            if (rank == pass)
                order[n++] = k;
        }
    return n;
}

/* One metric in w columns: glyph, name, value, then the sparkline in what is left (at least
 * SPARK_MIN columns: the name is cut for it). */
static void cell(const struct app *a, WINDOW *win, int y, int x, int w, uint32_t k)
{
    const struct theme *t = &a->theme;
    const struct snap_health_metric *m = &a->snap->health.metrics[k];
    attr_t sa = panel_health_attr(t, m, a->snap->finished);
    char value[32], name[64];
    int vw, nw, col;

    health_unit_format(m->unit, m->has_value ? m->value : NAN, value, sizeof value);
    vw = text_width(t, value);
    nw = text_width(t, m->name);
    if (nw > w - 2 - 1 - vw - 1 - SPARK_MIN)
        nw = w - 2 - 1 - vw - 1 - SPARK_MIN;
    if (nw < 3)
        return;
    draw_text(win, t, y, x, 1, sa, panel_health_glyph(t, m, a->snap->finished));
    text_fit(t, name, sizeof name, m->name, nw);
    col = 2 + draw_text(win, t, y, x + 2, nw, t->attr[THEME_TITLE], name) + 1;
    col += draw_text(win, t, y, x + col, vw, m->has_value ? sa : t->attr[THEME_DIM], value) + 1;
    panel_health_spark(a, win, y, x + col, w - col, k, sa);
}

static void strip_draw(struct panel *p, WINDOW *win, struct rect r)
{
    const struct app *a = p->app;
    const struct theme *t = &a->theme;
    uint32_t order[SNAP_HEALTH_METRICS], n = strip_order(a->snap, order), shown = 0;
    int per_line = r.w / LAYOUT_HEALTH_CELL, cw;
    char title[160], verdict[128];
    attr_t va;
    struct rect in;

    if (per_line < 1)
        per_line = 1;
    cw = r.w / per_line;
    panel_health_verdict(a, verdict, sizeof verdict, &va);
    in = panel_frame(p, win, r, "Health");
    snprintf(title, sizeof title, " %s ", verdict);
    draw_text(win, t, r.y, r.x + 10, r.w - 21, va, title);
    for (int line = 0; line < in.h; line++)
        for (int c = 0; c < per_line && shown < n; c++)
            cell(a, win, in.y + line, in.x + c * cw, cw - 1, order[shown++]);
    if (shown < n) {
        snprintf(title, sizeof title, " +%u: 7 ", n - shown);
        draw_rtext(win, t, r.y, r.x, r.w - 1, t->attr[THEME_DIM], title);
    }
}

static bool strip_update(struct panel *p, const struct snapshot *s)
{
    return panel_changed(p, panel_health_signature(p->app, s));
}

static const struct panel_ops strip_ops = {strip_update, strip_draw, NULL};

struct panel *panel_health_strip_create(void)
{
    struct panel *p = calloc(1, sizeof *p);

    if (p)
        p->ops = &strip_ops;
    return p;
}
