/* layout: panel rectangles per view and terminal size. Pure; main thread. */
#include "layout.h"

struct builder {
    struct slot *out;
    int n;
    bool box;
};

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void put(struct builder *b, enum panel_id id, int y, int x, int h, int w, int flags)
{
    if (h <= 0 || w <= 0 || b->n >= LAYOUT_MAX_SLOTS)
        return;
    b->out[b->n++] = (struct slot){id, {y, x, h, w}, b->box, flags};
}

bool layout_too_small(int w, int h)
{
    return w < LAYOUT_MIN_W || h < LAYOUT_MIN_H;
}

/* Lines a panel needs around its content: a top line, and a bottom line when boxed. */
static int chrome(const struct builder *b)
{
    return b->box ? 2 : 1;
}

static void charts_row(struct builder *b, int y, int h, int w, bool detail)
{
    if (detail) {
        put(b, P_EP_RPS, y, 0, h, w / 2, LAYOUT_USERS_OVERLAY);
        put(b, P_EP_LATENCY, y, w / 2, h, w - w / 2, 0);
    } else if (w >= 150) {
        put(b, P_RPS, y, 0, h, w / 3, 0);
        put(b, P_LATENCY, y, w / 3, h, w / 3, 0);
        put(b, P_USERS, y, 2 * (w / 3), h, w - 2 * (w / 3), 0);
    } else {
        put(b, P_RPS, y, 0, h, w / 2, LAYOUT_USERS_OVERLAY);
        put(b, P_LATENCY, y, w / 2, h, w - w / 2, 0);
    }
}

/* The Overview's bottom row: failures and the event log side by side from 100 columns, the
 * compact targets panel (when the scenario has targets) over the log; below 100 columns the
 * targets take the row (the log stays a key away), else the log. */
static void bottom_row(struct builder *b, int y, int h, int w, int targets)
{
    int left = targets > 0 ? w / 2 : w * 11 / 20, th = 0;

    if (w < 100) {
        if (targets > 0)
            put(b, P_TARGETS, y, 0, h, w, LAYOUT_COMPACT);
        else
            put(b, P_EVENTS, y, 0, h, w, 0);
        return;
    }
    put(b, P_FAILURES, y, 0, h, left, 0);
    if (targets > 0) {
        th = targets + chrome(b);
        if (th > h - LAYOUT_EVENTS_MIN - chrome(b))
            th = h - LAYOUT_EVENTS_MIN - chrome(b);
        if (th <= chrome(b))
            th = 0;
        put(b, P_TARGETS, y, left, th, w - left, LAYOUT_COMPACT);
    }
    put(b, P_EVENTS, y + th, left, h - th, w - left, 0);
}

/* Lines of metrics the Overview's health strip shows on a w x h screen when the health list has
 * `entries` lines (metrics and sources): 2 when they are more than a line holds and the screen
 * has 32 lines, else 1; 0 without health. */
static int strip_lines(int w, int h, int entries)
{
    int per_line = w / LAYOUT_HEALTH_CELL;

    if (entries <= 0)
        return 0;
    return entries > per_line && h >= 32 ? 2 : 1;
}

/* The health strip: a title rule (never a box: it must stay small) and its lines of metrics,
 * taken from the top of the lines the Overview gives the table and charts. Returns its
 * height. */
static int strip(struct builder *b, int y, int w, int h, int metrics)
{
    int lines = strip_lines(w, h, metrics);

    if (lines == 0 || b->n >= LAYOUT_MAX_SLOTS)
        return 0;
    b->out[b->n++] = (struct slot){P_HEALTH_STRIP, {y, 0, lines + 1, w}, false, 0};
    return lines + 1;
}

static void overview(struct builder *b, int y, int h, int w, int table_rows, int targets,
                     int health)
{
    int sh = health > 0 ? strip_lines(w, h + 4, health) + 1 : 0;
    int bottom = b->box ? clamp(h / 4, 6, 12) : 4, min_charts = (b->box ? 10 : 8) + sh;
    int want = table_rows + 1 + chrome(b), table, charts;

    if (want < 4 + chrome(b))
        want = 4 + chrome(b);
    if (targets > 0 && w >= 100) {          /* room for the targets over a few log lines */
        int need = targets + LAYOUT_EVENTS_MIN + 2 * chrome(b);
        int room = h - want - min_charts;
        if (need > room)
            need = room;
        if (need > bottom)
            bottom = need;
    }
    table = want < h - bottom - min_charts ? want : h - bottom - min_charts;
    charts = h - bottom - table;            /* spare lines go to the charts, up to half */
    if (charts > h / 2) {
        bottom += charts - h / 2;
        charts = h / 2;
    }
    charts_row(b, y, charts - sh, w, false);    /* the strip's lines come from the charts */
    strip(b, y + charts - sh, w, h + 4, health);
    put(b, P_ENDPOINTS, y + charts, 0, table, w, 0);
    bottom_row(b, y + charts + table, bottom, w, targets);
}

/* The Health view: the list (verdict, metrics, sources) and, when the lines left are enough,
 * the selected metric's chart under it. */
static void health_view(struct builder *b, int y, int h, int w, int rows)
{
    int list = rows + 4 + chrome(b);        /* verdict line, two headers, a blank line */

    if (rows > 0 && h - list >= LAYOUT_TREND_MIN) {
        put(b, P_HEALTH, y, 0, list, w, LAYOUT_SELECT);
        put(b, P_HEALTH_CHART, y + list, 0, h - list, w, 0);
        return;
    }
    put(b, P_HEALTH, y, 0, h, w, LAYOUT_SELECT);
}

/* The Charts view: requests/s, response times, users (on the requests chart when lines are
 * short), and hornet's own event-loop lag (how late its worker timers fire). */
static void charts_view(struct builder *b, int y, int h, int w)
{
    if (h < 28) {
        put(b, P_RPS, y, 0, h / 3, w, LAYOUT_USERS_OVERLAY);
        put(b, P_LATENCY, y + h / 3, 0, h / 3, w, 0);
        put(b, P_LAG, y + 2 * (h / 3), 0, h - 2 * (h / 3), w, 0);
        return;
    }
    put(b, P_RPS, y, 0, h / 4, w, 0);
    put(b, P_LATENCY, y + h / 4, 0, h / 4, w, 0);
    put(b, P_USERS, y + 2 * (h / 4), 0, h / 4, w, 0);
    put(b, P_LAG, y + 3 * (h / 4), 0, h - 3 * (h / 4), w, 0);
}

/* The Targets view: the list (verdict, table, legend) and, when the lines left are enough,
 * the selected target's trend under it. */
static void targets_view(struct builder *b, int y, int h, int w, int targets)
{
    int list = targets + (w >= 100 ? 8 : 12) + chrome(b);   /* verdict, table, legend */

    if (targets > 0 && h - list >= LAYOUT_TREND_MIN) {
        put(b, P_TARGETS, y, 0, list, w, LAYOUT_SELECT);
        put(b, P_TARGET_TREND, y + list, 0, h - list, w, 0);
        return;
    }
    put(b, P_TARGETS, y, 0, h, w, 0);
}

static void detail_view(struct builder *b, int y, int h, int w)
{
    int info = 6 + chrome(b);
    int charts = b->box ? clamp((h - info) / 2, 8, 16) : 7;

    put(b, P_DETAIL, y, 0, info, w, 0);
    charts_row(b, y + info, charts, w, true);
    put(b, P_EP_FAILURES, y + info + charts, 0, h - info - charts, w, 0);
}

int layout_compute(enum view v, int w, int h, int table_rows, int target_rows, int health_rows,
                   struct slot *out)
{
    struct builder b = {out, 0, w >= 100 && h >= 32};
    int y = 3, ch = h - 4;

    put(&b, P_STATUS, 0, 0, 2, w, 0);
    put(&b, P_TABS, 2, 0, 1, w, 0);
    switch (v) {
    case VIEW_OVERVIEW: overview(&b, y, ch, w, table_rows, target_rows, health_rows); break;
    case VIEW_ENDPOINTS: put(&b, P_ENDPOINTS, y, 0, ch, w, 0); break;
    case VIEW_FAILURES: put(&b, P_FAILURES, y, 0, ch, w, 0); break;
    case VIEW_CHARTS: charts_view(&b, y, ch, w); break;
    case VIEW_LOG: put(&b, P_EVENTS, y, 0, ch, w, 0); break;
    case VIEW_TARGETS: targets_view(&b, y, ch, w, target_rows); break;
    case VIEW_HEALTH: health_view(&b, y, ch, w, health_rows); break;
    case VIEW_WORKERS: put(&b, P_WORKERS, y, 0, ch, w, 0); break;
    case VIEW_DETAIL: detail_view(&b, y, ch, w); break;
    case VIEW_COUNT: break;
    }
    put(&b, P_FOOTER, h - 1, 0, 1, w, 0);
    return b.n;
}
