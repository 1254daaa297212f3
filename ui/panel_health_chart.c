/* panel_health_chart: the Health view's chart of the selected backend-health metric over the
 * whole run (from its start to now, each dot column the highest value polled in its slice of
 * time, polls without a value as gaps), against its limit's bound drawn as a line and
 * labelled, on an axis in the metric's unit, with elapsed-time labels. Main thread (curses). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph.h"
#include "health_unit.h"
#include "panel.h"
#include "units.h"

#define LABEL_W 8               /* left axis labels: "312 MB", "23.4%", "1,234" */
#define MAX_DOTS 600

enum { S_BOUND = 1, S_VALUE, S_COUNT };

struct chart_panel {
    struct panel base;
    struct graph_canvas canvas;
    double v[S_COUNT][MAX_DOTS];
};

static void axis_labels(const struct panel *p, WINDOW *win, struct rect plot,
                        const struct graph_axis *ax, const struct snap_health_metric *m)
{
    const struct theme *t = &p->app->theme;
    int h = plot.h * 4, last = -1;
    char text[32], value[32];

    for (int i = ax->n_ticks - 1; i >= 0; i--) {
        int row = (h - 1 - (int)lround(graph_axis_pos(ax, ax->ticks[i]) * (h - 1))) / 4;
        if (row == last)
            continue;
        last = row;
        health_unit_format(m->unit, ax->ticks[i], text, sizeof text);
        draw_rtext(win, t, plot.y + row, plot.x - LABEL_W - 1, LABEL_W, t->attr[THEME_DIM],
                   text);
    }
    if (m->has_limit && isfinite(m->bound)) {
        int row = (h - 1 - (int)lround(graph_axis_pos(ax, m->bound) * (h - 1))) / 4;
        health_unit_format(m->unit, m->bound, value, sizeof value);
        snprintf(text, sizeof text, " limit %s ", m->limit);
        draw_rtext(win, t, plot.y + row, plot.x, plot.w, t->attr[THEME_ERROR], text);
    }
}

/* Elapsed time under the plot: the start, a quarter, half, three quarters, now. */
static void time_labels(const struct panel *p, WINDOW *win, struct rect plot, double span)
{
    const struct theme *t = &p->app->theme;
    char text[16];

    for (int i = 0; i <= 4; i++) {
        int x = plot.x + (plot.w - 1) * i / 4;
        units_duration(text, sizeof text, span * i / 4);
        if (i == 4)
            draw_rtext(win, t, plot.y + plot.h, plot.x, plot.w, t->attr[THEME_DIM], text);
        else
            draw_text(win, t, plot.y + plot.h, x - (i ? 2 : 0), 8, t->attr[THEME_DIM], text);
    }
}

static void plot(struct chart_panel *p, WINDOW *win, struct rect r, uint32_t k)
{
    const struct app *a = p->base.app;
    const struct theme *t = &a->theme;
    const struct snap_health_metric *m = &a->snap->health.metrics[k];
    attr_t attrs[S_COUNT] = {0, t->attr[THEME_ERROR], panel_health_attr(t, m, a->snap->finished)};
    int dots = r.w * 2 > MAX_DOTS ? MAX_DOTS : r.w * 2;
    double all[MAX_DOTS + 1];
    struct graph_axis ax;
    bool bound = m->has_limit && isfinite(m->bound);

    if (graph_canvas_reset(&p->canvas, dots / 2, r.h) < 0 ||
        !panel_health_sample(a, k, a->snap->run_start, a->snap->now, dots, p->v[S_VALUE]))
        return;
    p->canvas.zoom = 1;
    memcpy(all, p->v[S_VALUE], (size_t)dots * sizeof *all);
    all[dots] = bound ? m->bound : NAN;
    graph_axis_fit(&ax, all, (size_t)dots + 1, r.h, false);
    if (bound) {
        for (int i = 0; i < dots; i++)
            p->v[S_BOUND][i] = m->bound;
        graph_plot(&p->canvas, p->v[S_BOUND], (size_t)dots, &ax, S_BOUND, false);
    }
    graph_plot(&p->canvas, p->v[S_VALUE], (size_t)dots, &ax, S_VALUE, false);
    graph_draw(win, t, r.y, r.x, &p->canvas, attrs, "-*");
    axis_labels(&p->base, win, r, &ax, m);
    time_labels(&p->base, win, r, a->snap->now - a->snap->run_start);
}

static void chart_draw(struct panel *p, WINDOW *win, struct rect r)
{
    struct chart_panel *cp = (struct chart_panel *)p;
    const struct app *a = p->app;
    const struct theme *t = &a->theme;
    const struct snap_health *h = &a->snap->health;
    const struct snap_health_metric *m;
    char title[SNAP_HEALTH_NAME + 160];
    struct rect in = panel_frame(p, win, r, "Over the run");
    struct rect area = {in.y, in.x + LABEL_W + 1, in.h - 1, in.w - LABEL_W - 2};

    if (a->sel_health >= h->n_metrics || a->sel_health >= SNAP_HEALTH_METRICS)
        return;
    m = &h->metrics[a->sel_health];
    snprintf(title, sizeof title, "%s%s%s%s over the run%s%s", m->name, m->unit[0] ? " (" : "",
             m->unit, m->unit[0] ? ")" : "", m->has_limit ? ", limit " : "",
             m->has_limit ? m->limit : "");
    draw_frame(win, t, r, p->box, title);
    if (area.h >= 2 && area.w >= 16 && m->samples > 0)
        plot(cp, win, area, a->sel_health);
    else if (in.h > 0)
        draw_text(win, t, in.y + in.h / 2, in.x + 2, in.w - 4, t->attr[THEME_DIM],
                  m->missing[0] ? m->missing : "waiting for data... (Up/Down choose the metric)");
}

static bool chart_update(struct panel *p, const struct snapshot *s)
{
    return panel_changed(p, panel_health_signature(p->app, s));
}

static void chart_destroy(struct panel *p)
{
    struct chart_panel *cp = (struct chart_panel *)p;

    graph_canvas_free(&cp->canvas);
    free(cp);
}

static const struct panel_ops chart_ops = {chart_update, chart_draw, chart_destroy};

struct panel *panel_health_chart_create(void)
{
    struct chart_panel *p = calloc(1, sizeof *p);

    if (p)
        p->base.ops = &chart_ops;
    return p ? &p->base : NULL;
}
