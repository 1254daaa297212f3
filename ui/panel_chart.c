/* panel_chart: the charts over time, one sample per second and the newest at the right:
 * requests/s with failures/s (and users on a right-hand axis when no users chart is shown),
 * response time percentile lines p50 / p95 / p99 / max on a millisecond axis (logarithmic
 * when the spread is wide), users, and hornet's own event-loop lag (its worst worker timer
 * lateness each second, snap_point.lag_us) on a millisecond axis. The detail view shows the
 * first two for one endpoint. Main thread (curses). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph.h"
#include "panel.h"
#include "units.h"

#define LABEL_W 6               /* left axis labels */
#define RIGHT_W 5               /* right axis labels (users on the RPS chart) */
#define TIME_W 8                /* "14:25:30" */

enum chart_kind { CHART_RPS = 0, CHART_LATENCY, CHART_USERS, CHART_LAG };

struct chart_panel {
    struct panel base;
    enum chart_kind kind;
    bool endpoint;              /* the detail view's endpoint instead of the whole run */
    struct graph_canvas canvas;
    double v[4][SNAP_SERIES_LEN];
};

struct legend {
    const char *name;
    enum theme_role role;
    const char *mark;           /* the series' ASCII mark (see the plot_* functions) */
};

static const struct legend rps_legend[] = {
    {"req/s", THEME_RPS, "#"}, {"fails/s", THEME_FAIL, "x"}, {"users", THEME_USERS, "o"}
};
static const struct legend lat_legend[] = {
    {"p50", THEME_P50, "o"}, {"p95", THEME_P95, "+"}, {"p99", THEME_P99, "*"},
    {"max", THEME_MAX, "^"}
};
static const struct legend users_legend[] = {{"users", THEME_USERS, "#"}};
static const struct legend lag_legend[] = {{"lag", THEME_MAX, "#"}};

static double nz(uint32_t v)
{
    return v ? (double)v : NAN;
}

/* The per-second samples of one source, oldest first, newest n <= max; *newest gets the unix
 * second of the last one. */
static size_t samples(struct chart_panel *c, size_t max, int64_t *newest)
{
    const struct snapshot *s = c->base.app->snap;
    uint32_t ep = c->base.app->detail_ep;
    bool per_ep = c->endpoint && ep < s->n_endpoints && ep < SNAP_MAX_ENDPOINTS;
    size_t avail = per_ep ? s->n_ep_points : s->n_points, n = avail < max ? avail : max;
    size_t base = s->n_points - n, ep_base = s->n_ep_points - (per_ep ? n : 0);

    if (avail > s->n_points || s->n_points == 0)
        return 0;
    *newest = s->series[s->n_points - 1].second;
    for (size_t i = 0; i < n; i++) {
        const struct snap_point *pt = &s->series[base + i];
        const struct snap_ep_point *e = per_ep ? &s->ep_series[ep][ep_base + i] : NULL;
        uint32_t req = e ? e->requests : pt->requests, fail = e ? e->failures : pt->failures;
        if (c->kind == CHART_LAG) {
            c->v[0][i] = (double)pt->lag_us;
        } else if (c->kind == CHART_LATENCY) {
            c->v[0][i] = nz(e ? e->max_us : pt->max_us);
            c->v[1][i] = nz(e ? e->p50_us : pt->p50_us);
            c->v[2][i] = nz(e ? e->p95_us : pt->p95_us);
            c->v[3][i] = nz(e ? e->p99_us : pt->p99_us);
        } else {
            c->v[0][i] = c->kind == CHART_RPS ? (double)req : (double)pt->users;
            c->v[1][i] = (double)pt->users;
            c->v[2][i] = nz(fail);
        }
    }
    return n;
}

static char *tick_text(char *out, size_t n, enum chart_kind kind, double v)
{
    if (kind == CHART_LATENCY || kind == CHART_LAG)
        return units_latency_tick(out, n, v);
    if (v >= 1e6)
        snprintf(out, n, "%.3gM", v / 1e6);
    else if (v >= 1e4)
        snprintf(out, n, "%.3gk", v / 1e3);
    else
        snprintf(out, n, "%.4g", v);
    return out;
}

/* Tick labels of axis a along the plot's rows, right-aligned in w columns at x. */
static void axis_labels(struct chart_panel *c, WINDOW *win, struct rect plot, int x, int w,
                        const struct graph_axis *a, attr_t attr, enum chart_kind kind)
{
    const struct theme *t = &c->base.app->theme;
    int h = plot.h * 4, last = -1;
    char text[16];

    for (int i = a->n_ticks - 1; i >= 0; i--) {
        int row = (h - 1 - (int)lround(graph_axis_pos(a, a->ticks[i]) * (h - 1))) / 4;
        if (row == last)
            continue;
        last = row;
        tick_text(text, sizeof text, kind, a->ticks[i]);
        draw_rtext(win, t, plot.y + row, x, w, attr, text);
    }
}

static void time_labels(struct chart_panel *c, WINDOW *win, struct rect plot, int64_t newest,
                        size_t n_samples)
{
    const struct theme *t = &c->base.app->theme;
    int64_t secs[32];
    int at[32], n = graph_time_ticks(plot.w, c->canvas.zoom, newest - (int64_t)n_samples + 1,
                                     newest, TIME_W, secs, at, 32);
    char text[16];

    for (int i = 0; i < n; i++)
        draw_text(win, t, plot.y + plot.h, plot.x + at[i], TIME_W, t->attr[THEME_DIM],
                  units_clock(text, sizeof text, (double)secs[i]));
}

static void plot_rps(struct chart_panel *c, WINDOW *win, struct rect plot, size_t n,
                     bool overlay)
{
    const struct theme *t = &c->base.app->theme;
    struct graph_axis rate, users;
    double both[2 * SNAP_SERIES_LEN];
    attr_t attrs[4] = {0, t->attr[THEME_RPS], t->attr[THEME_USERS], t->attr[THEME_FAIL]};

    memcpy(both, c->v[0], n * sizeof *both);
    memcpy(both + n, c->v[2], n * sizeof *both);
    graph_axis_fit(&rate, both, 2 * n, plot.h, false);
    graph_plot(&c->canvas, c->v[0], n, &rate, 1, true);
    if (overlay) {
        graph_axis_fit(&users, c->v[1], n, plot.h, false);
        graph_plot(&c->canvas, c->v[1], n, &users, 2, false);
        axis_labels(c, win, plot, plot.x + plot.w + 1, RIGHT_W, &users, t->attr[THEME_USERS],
                    CHART_USERS);
    }
    graph_plot(&c->canvas, c->v[2], n, &rate, 3, false);
    graph_draw(win, t, plot.y, plot.x, &c->canvas, attrs, "#ox");
    axis_labels(c, win, plot, plot.x - LABEL_W - 1, LABEL_W, &rate, t->attr[THEME_DIM],
                CHART_RPS);
}

static bool plot_latency(struct chart_panel *c, WINDOW *win, struct rect plot, size_t n)
{
    const struct theme *t = &c->base.app->theme;
    struct graph_axis a;
    attr_t attrs[5] = {0, t->attr[THEME_MAX], t->attr[THEME_P50], t->attr[THEME_P95],
                       t->attr[THEME_P99]};
    double all[4 * SNAP_SERIES_LEN];

    for (int s = 0; s < 4; s++)
        memcpy(all + (size_t)s * n, c->v[s], n * sizeof *all);
    graph_axis_fit(&a, all, 4 * n, plot.h, true);
    for (int s = 0; s < 4; s++)
        graph_plot(&c->canvas, c->v[s], n, &a, s + 1, false);
    graph_draw(win, t, plot.y, plot.x, &c->canvas, attrs, "^o+*");
    axis_labels(c, win, plot, plot.x - LABEL_W - 1, LABEL_W, &a, t->attr[THEME_DIM],
                CHART_LATENCY);
    return a.kind == GRAPH_LOG;
}

/* One filled series: users, or the lag (microseconds, labelled in ms). */
static void plot_one(struct chart_panel *c, WINDOW *win, struct rect plot, size_t n)
{
    const struct theme *t = &c->base.app->theme;
    struct graph_axis a;
    attr_t attrs[2] = {0, t->attr[c->kind == CHART_LAG ? THEME_MAX : THEME_USERS]};

    graph_axis_fit(&a, c->v[0], n, plot.h, false);
    graph_plot(&c->canvas, c->v[0], n, &a, 1, true);
    graph_draw(win, t, plot.y, plot.x, &c->canvas, attrs, "#");
    axis_labels(c, win, plot, plot.x - LABEL_W - 1, LABEL_W, &a, t->attr[THEME_DIM], c->kind);
}

static int legend_width(const struct theme *t, const struct legend *l, int n, bool compact)
{
    int w = 0;

    for (int i = 0; i < n; i++)
        w += text_width(t, t->g.legend) + (int)strlen(l[i].name) + (compact ? 1 : 3);
    return w + (compact ? 1 : 0);
}

/* The series' names in their colours on the top line, right-aligned; compact or left out
 * when the title leaves too little room. */
static void legend(struct chart_panel *c, WINDOW *win, struct rect r, int used, bool overlay)
{
    const struct theme *t = &c->base.app->theme;
    const struct legend *l = c->kind == CHART_RPS ? rps_legend
                           : c->kind == CHART_LATENCY ? lat_legend
                           : c->kind == CHART_LAG ? lag_legend : users_legend;
    int n = c->kind == CHART_RPS ? (overlay ? 3 : 2) : c->kind == CHART_LATENCY ? 4 : 1;
    int room = r.w - used - (c->base.box ? 2 : 1), x;
    bool compact = legend_width(t, l, n, false) > room;
    char item[32];

    if (n == 1 || legend_width(t, l, n, compact) > room)
        return;
    x = r.x + r.w - legend_width(t, l, n, compact) - (c->base.box ? 1 : 0);
    for (int i = 0; i < n; i++) {
        snprintf(item, sizeof item, " %s", t->unicode ? t->g.legend : l[i].mark);
        x += draw_text(win, t, r.y, x, 4, t->attr[l[i].role], item);
        snprintf(item, sizeof item, compact ? "%s" : " %s ", l[i].name);
        x += draw_text(win, t, r.y, x, 16, t->attr[THEME_NORMAL], item);
    }
    if (compact)
        draw_text(win, t, r.y, x, 1, t->attr[THEME_NORMAL], " ");
}

static const char *title_of(const struct chart_panel *c, bool log_axis)
{
    if (c->kind == CHART_RPS)
        return "Requests/s";
    if (c->kind == CHART_USERS)
        return "Users";
    if (c->kind == CHART_LAG)
        return "hornet's event-loop lag (worst worker timer)";
    if (app_corrected_view(c->base.app, c->base.app->snap))
        return log_axis ? "Response time, corrected (log)" : "Response time, corrected";
    return log_axis ? "Response time (log)" : "Response time";
}

static void chart_draw(struct panel *p, WINDOW *win, struct rect r)
{
    struct chart_panel *c = (struct chart_panel *)p;
    const struct theme *t = &p->app->theme;
    bool overlay = c->kind == CHART_RPS && (p->flags & LAYOUT_USERS_OVERLAY);
    struct rect in = panel_frame(p, win, r, NULL);
    struct rect plot = {in.y, in.x + LABEL_W + 1, in.h - 1,
                        in.w - LABEL_W - 1 - (overlay ? RIGHT_W + 1 : 0)};
    int64_t newest = 0;
    size_t n = 0;
    bool log_axis = false;

    if (plot.h >= 2 && plot.w >= 8)
        n = samples(c, (size_t)plot.w * 2, &newest);
    if (n > 0 && graph_canvas_reset(&c->canvas, plot.w, plot.h) == 0) {
        c->canvas.zoom = graph_zoom_for(plot.w, n);
        if (c->kind == CHART_RPS)
            plot_rps(c, win, plot, n, overlay);
        else if (c->kind == CHART_LATENCY)
            log_axis = plot_latency(c, win, plot, n);
        else
            plot_one(c, win, plot, n);
        time_labels(c, win, plot, newest, n);
    } else if (plot.h >= 1 && in.w > 2) {
        draw_text(win, t, in.y + in.h / 2, in.x + 2, in.w - 4, t->attr[THEME_DIM],
                  "waiting for data...");
    }
    draw_frame(win, t, r, p->box, title_of(c, log_axis));
    legend(c, win, r, text_width(t, title_of(c, log_axis)) + (p->box ? 4 : 3), overlay);
}

static bool chart_update(struct panel *p, const struct snapshot *s)
{
    uint64_t h = panel_mix(0, s->n_points ? (uint64_t)s->series[s->n_points - 1].second : 0);

    h = panel_mix(h, s->n_points);
    h = panel_mix(h, p->app->detail_ep);
    return panel_changed(p, h);
}

static void chart_destroy(struct panel *p)
{
    struct chart_panel *c = (struct chart_panel *)p;

    graph_canvas_free(&c->canvas);
    free(c);
}

static const struct panel_ops chart_ops = {chart_update, chart_draw, chart_destroy};

struct panel *panel_chart_create(enum panel_id id)
{
    struct chart_panel *c = calloc(1, sizeof *c);

    if (!c)
        return NULL;
    c->base.ops = &chart_ops;
    c->endpoint = id == P_EP_RPS || id == P_EP_LATENCY;
    c->kind = id == P_LATENCY || id == P_EP_LATENCY ? CHART_LATENCY
            : id == P_USERS ? CHART_USERS : id == P_LAG ? CHART_LAG : CHART_RPS;
    return &c->base;
}
