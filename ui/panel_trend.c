/* panel_trend: the Targets view's chart of the selected target over time: its value over the
 * last 10 s and over its own window, second by second as the dashboard saw them, against its
 * bound(s) drawn as lines and labelled, on an axis in the target's unit (response times on a
 * logarithmic axis when the spread is wide; a success or failure rate as the share of
 * failures, so that its bound reads as a budget). Main thread (curses). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph.h"
#include "panel.h"
#include "units.h"

#define LABEL_W 7               /* left axis labels: "500ms", "1.5%", "12.5k" */
#define TIME_W 8

enum { S_BOUND = 1, S_VALUE, S_CURRENT, S_COUNT };

struct trend_panel {
    struct panel base;
    struct graph_canvas canvas;
    double v[S_COUNT][APP_TREND_LEN];
};

static bool is_time(uint8_t metric)
{
    return metric == TARGET_PERCENTILE || metric == TARGET_MEDIAN || metric == TARGET_AVERAGE;
}

static bool is_rate(uint8_t metric)
{
    return metric == TARGET_SUCCESS_RATE || metric == TARGET_FAILURE_RATE;
}

/* A value as the chart plots it: milliseconds, requests/s, or a rate as the percentage of
 * failures. */
static double shown(uint8_t metric, double v)
{
    if (metric == TARGET_SUCCESS_RATE)
        return (1.0 - v) * 100.0;
    if (metric == TARGET_FAILURE_RATE)
        return v * 100.0;
    return v;
}

/* The bounds as plotted (NaN when open): a success rate's minimum is a failure maximum. */
static void bounds(const struct snap_target *t, double *lo, double *hi)
{
    double a = isfinite(t->lo) ? shown(t->metric, t->lo) : NAN;
    double b = isfinite(t->hi) ? shown(t->metric, t->hi) : NAN;

    *lo = t->metric == TARGET_SUCCESS_RATE ? b : a;
    *hi = t->metric == TARGET_SUCCESS_RATE ? a : b;
}

static char *tick_text(char *out, size_t n, uint8_t metric, double v)
{
    if (is_time(metric))
        return units_latency_tick(out, n, v * 1000.0);
    if (is_rate(metric))
        snprintf(out, n, "%.3g%%", v);
    else if (v >= 1e4)
        snprintf(out, n, "%.3gk", v / 1e3);
    else
        snprintf(out, n, "%.4g", v);
    return out;
}

/* The newest n samples (n <= max) of target i into the series; the bound series are filled
 * with the bound for the whole width. */
static size_t samples(struct trend_panel *p, uint32_t i, size_t max, double *lo, double *hi)
{
    const struct app *a = p->base.app;
    const struct snap_target *t = &a->snap->targets[i];
    size_t n = a->n_trend < max ? a->n_trend : max, base = a->n_trend - n;

    bounds(t, lo, hi);
    for (size_t k = 0; k < n; k++) {
        const struct app_trend *s = app_trend_at(a, base + k);
        p->v[S_CURRENT][k] = shown(t->metric, s->current[i]);
        p->v[S_VALUE][k] = shown(t->metric, s->value[i]);
    }
    return n;
}

/* Axis labels on the left; the bound's own label over its line at the right end. */
static void labels(struct trend_panel *p, WINDOW *win, struct rect plot,
                   const struct graph_axis *ax, uint8_t metric, const double *bound, int nb)
{
    const struct theme *t = &p->base.app->theme;
    int h = plot.h * 4, last = -1;
    char text[32], value[16];

    for (int i = ax->n_ticks - 1; i >= 0; i--) {
        int row = (h - 1 - (int)lround(graph_axis_pos(ax, ax->ticks[i]) * (h - 1))) / 4;
        if (row == last)
            continue;
        last = row;
        draw_rtext(win, t, plot.y + row, plot.x - LABEL_W - 1, LABEL_W, t->attr[THEME_DIM],
                   tick_text(text, sizeof text, metric, ax->ticks[i]));
    }
    for (int i = 0; i < nb; i++) {
        int row = (h - 1 - (int)lround(graph_axis_pos(ax, bound[i]) * (h - 1))) / 4;
        snprintf(text, sizeof text, " bound %s ", tick_text(value, sizeof value, metric,
                                                           bound[i]));
        draw_rtext(win, t, plot.y + row, plot.x, plot.w, t->attr[THEME_ERROR], text);
    }
}

static void time_labels(struct trend_panel *p, WINDOW *win, struct rect plot, size_t n)
{
    const struct app *a = p->base.app;
    const struct theme *t = &a->theme;
    int64_t secs[32];
    int at[32], k = graph_time_ticks(plot.w, p->canvas.zoom, a->trend_second - (int64_t)n + 1,
                                     a->trend_second, TIME_W, secs, at, 32);
    char text[16];

    for (int i = 0; i < k; i++)
        draw_text(win, t, plot.y + plot.h, plot.x + at[i], TIME_W, t->attr[THEME_DIM],
                  units_clock(text, sizeof text, (double)secs[i]));
}

static void plot(struct trend_panel *p, WINDOW *win, struct rect r, uint32_t i)
{
    const struct theme *t = &p->base.app->theme;
    uint8_t metric = p->base.app->snap->targets[i].metric;
    attr_t attrs[S_COUNT] = {0, t->attr[THEME_ERROR], t->attr[THEME_DIM],
                             t->attr[THEME_ACCENT]};
    double all[2 * APP_TREND_LEN + 2], lo, hi, bound[2];
    size_t n = samples(p, i, (size_t)r.w * 2, &lo, &hi);
    int nb = 0;
    struct graph_axis ax;

    if (n == 0 || graph_canvas_reset(&p->canvas, r.w, r.h) < 0)
        return;
    p->canvas.zoom = graph_zoom_for(r.w, n);
    memcpy(all, p->v[S_CURRENT], n * sizeof *all);
    memcpy(all + n, p->v[S_VALUE], n * sizeof *all);
    if (isfinite(lo))
        bound[nb++] = lo;
    if (isfinite(hi))
        bound[nb++] = hi;
    memcpy(all + 2 * n, bound, (size_t)nb * sizeof *all);
    graph_axis_fit(&ax, all, 2 * n + (size_t)nb, r.h, is_time(metric));
    for (int b = 0; b < nb; b++) {
        for (size_t k = 0; k < n; k++)
            p->v[S_BOUND][k] = bound[b];
        graph_plot(&p->canvas, p->v[S_BOUND], n, &ax, S_BOUND, false);
    }
    graph_plot(&p->canvas, p->v[S_VALUE], n, &ax, S_VALUE, false);
    graph_plot(&p->canvas, p->v[S_CURRENT], n, &ax, S_CURRENT, false);
    graph_draw(win, t, r.y, r.x, &p->canvas, attrs, "-o*");
    labels(p, win, r, &ax, metric, bound, nb);
    time_labels(p, win, r, n);
}

/* "━ last 10 s  ━ run  ━ bound" on the top line, right-aligned, when there is room. */
static void legend(const struct panel *p, WINDOW *win, struct rect r, int used,
                   const struct snap_target *tg)
{
    const struct theme *t = &p->app->theme;
    const char *names[3] = {"last 10 s", tg->window, "bound"};
    const enum theme_role roles[3] = {THEME_ACCENT, THEME_DIM, THEME_ERROR};
    const char *marks[3] = {"*", "o", "-"};
    char item[48];
    int w = 1, x;

    for (int i = 0; i < 3; i++)
        w += 3 + (int)strlen(names[i]) + 1;
    if (used + w > r.w - 2)
        return;
    x = r.x + r.w - w - (p->box ? 1 : 0);
    for (int i = 0; i < 3; i++) {
        snprintf(item, sizeof item, " %s", t->unicode ? t->g.legend : marks[i]);
        x += draw_text(win, t, r.y, x, 4, t->attr[roles[i]], item);
        snprintf(item, sizeof item, " %s ", names[i]);
        x += draw_text(win, t, r.y, x, (int)sizeof item, A_NORMAL, item);
    }
}

static void trend_draw(struct panel *p, WINDOW *win, struct rect r)
{
    struct trend_panel *tp = (struct trend_panel *)p;
    const struct app *a = p->app;
    const struct theme *t = &a->theme;
    const struct snap_target *tg;
    char title[SNAP_NAME_MAX + 128];
    struct rect in = panel_frame(p, win, r, "Trend");
    struct rect area = {in.y, in.x + LABEL_W + 1, in.h - 1, in.w - LABEL_W - 2};

    if (a->sel_target >= a->snap->n_targets || a->sel_target >= SNAP_MAX_TARGETS)
        return;
    tg = &a->snap->targets[a->sel_target];
    snprintf(title, sizeof title, "Trend: %s%s%s%s", tg->endpoint, tg->endpoint[0] ? " " : "",
             tg->text, tg->metric == TARGET_SUCCESS_RATE ? " (as % failed)" : "");
    draw_frame(win, t, r, p->box, title);
    legend(p, win, r, text_width(t, title) + (p->box ? 4 : 3), tg);
    if (area.h >= 2 && area.w >= 16 && a->n_trend > 0)
        plot(tp, win, area, a->sel_target);
    else if (in.h > 0)
        draw_text(win, t, in.y + in.h / 2, in.x + 2, in.w - 4, t->attr[THEME_DIM],
                  "waiting for data... (Up/Down choose the target)");
}

static bool trend_update(struct panel *p, const struct snapshot *s)
{
    const struct app *a = p->app;
    uint64_t h = panel_mix((uint64_t)a->trend_second, a->n_trend);

    h = panel_mix(h, a->sel_target);
    return panel_changed(p, panel_mix(h, s->n_targets));
}

static void trend_destroy(struct panel *p)
{
    struct trend_panel *tp = (struct trend_panel *)p;

    graph_canvas_free(&tp->canvas);
    free(tp);
}

static const struct panel_ops trend_ops = {trend_update, trend_draw, trend_destroy};

struct panel *panel_trend_create(void)
{
    struct trend_panel *p = calloc(1, sizeof *p);

    if (p)
        p->base.ops = &trend_ops;
    return p ? &p->base : NULL;
}
