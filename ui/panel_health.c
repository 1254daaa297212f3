/* panel_health: the Health view's list of backend-health metrics and sources, and what the
 * health panels share. The list: a verdict line (limits kept or failing, sources up or down),
 * then one line per metric (status glyph, name, source, newest value, run minimum and maximum,
 * unit, a sparkline over the whole run, limit, status word, and what the engine says about
 * the limit), then one line per source (up or down and since when, polls, the time of the last
 * poll, the URL or process, and the error of a source that is down). With LAYOUT_SELECT the
 * metric the chart below draws is highlighted (Up/Down). Main thread (curses). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "health_unit.h"
#include "panel.h"
#include "units.h"
#include "verdict.h"

/* ---- shared with the strip and the chart ---------------------------------------------------- */

/* Every sample of health metric k kept so far (the run's timeline, else the snapshot's). */
static const struct snap_health_point *points_of(const struct app *a, uint32_t k, size_t *n)
{
    const struct snap_health_point *p = a->timeline ? timeline_health_points(a->timeline, k, n)
                                                    : NULL;

    if (p && *n)
        return p;
    *n = k < a->snap->health.n_metrics ? a->snap->health.metrics[k].n_points : 0;
    return *n ? a->snap->health.metrics[k].points : NULL;
}

int panel_health_sample(const struct app *a, uint32_t k, double from, double to, int cells,
                        double *out)
{
    size_t n, i = 0;
    const struct snap_health_point *p = points_of(a, k, &n);
    double hold = 1.5 * a->snap->health.sources[a->snap->health.metrics[k].source %
                                               SNAP_HEALTH_SOURCES].interval, last = NAN;
    double last_t = -INFINITY;
    int any = 0;

    for (int c = 0; c < cells; c++) {
        double begin = from + (to - from) * c / cells, end = from + (to - from) * (c + 1) / cells;
        out[c] = NAN;
        for (; i < n && p[i].time < end; i++) {
            last = p[i].value;
            last_t = p[i].time;
            if (p[i].time >= begin && !isnan(p[i].value))
                out[c] = isnan(out[c]) ? p[i].value : fmax(out[c], p[i].value);
        }
        if (isnan(out[c]) && !isnan(last) && begin - last_t <= hold && i < n)
            out[c] = last;                          /* between two polls: the last value */
        any += !isnan(out[c]);
    }
    return any;
}

attr_t panel_health_attr(const struct theme *t, const struct snap_health_metric *m, bool final)
{
    if (!m->has_limit)
        return t->attr[THEME_ACCENT];
    switch (m->status) {
    case TARGET_PASS: return t->attr[THEME_OK];
    case TARGET_AT_RISK: return t->attr[THEME_WARN];
    case TARGET_FAIL: return t->attr[THEME_ERROR];
    case TARGET_SKIPPED: return t->attr[THEME_DIM];
    default: return final ? t->attr[THEME_ERROR] : t->attr[THEME_DIM];
    }
}

const char *panel_health_glyph(const struct theme *t, const struct snap_health_metric *m,
                               bool final)
{
    if (!m->has_limit)
        return " ";
    switch (m->status) {
    case TARGET_PASS: return t->g.check;
    case TARGET_AT_RISK: return t->g.up;
    case TARGET_FAIL: return t->g.cross;
    case TARGET_SKIPPED: return t->g.dash;
    default: return final ? t->g.cross : t->g.circle;
    }
}

int panel_health_spark(const struct app *a, WINDOW *win, int y, int x, int w, uint32_t k,
                       attr_t attr)
{
    static const char *const blocks[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    static const char ascii[8] = {'_', '.', '-', '~', '=', '+', '*', '#'};
    const struct theme *t = &a->theme;
    const struct snapshot *s = a->snap;
    double v[256], lo = 0, hi = 0;
    char one[2] = {0, 0};

    if (w <= 0)
        return 0;
    if (w > 256)
        w = 256;
    if (!panel_health_sample(a, k, s->run_start, s->now, w, v))
        return 0;
    for (int c = 0; c < w; c++)
        if (!isnan(v[c])) {
            lo = fmin(lo, v[c]);
            hi = fmax(hi, v[c]);
        }
    for (int c = 0; c < w; c++) {
        int level = isnan(v[c]) || hi <= lo ? 0 : (int)floor((v[c] - lo) / (hi - lo) * 7.999);
        if (isnan(v[c]))
            continue;
        one[0] = ascii[level];
        draw_text(win, t, y, x + c, 1, attr, t->unicode ? blocks[level] : one);
    }
    return w;
}

void panel_health_verdict(const struct app *a, char *out, size_t n, attr_t *attr)
{
    const struct theme *t = &a->theme;
    const struct snap_health *h = &a->snap->health;
    uint32_t limits = 0, kept = 0, failing = 0, up = 0, down = 0;
    size_t len;

    for (uint32_t k = 0; k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        const struct snap_health_metric *m = &h->metrics[k];
        if (!m->has_limit || m->status == TARGET_SKIPPED)
            continue;
        limits++;
        kept += m->status == TARGET_PASS || m->status == TARGET_AT_RISK;
        failing += m->status == TARGET_FAIL || (m->status == TARGET_PENDING && a->snap->finished);
    }
    for (uint32_t i = 0; i < h->n_sources && i < SNAP_HEALTH_SOURCES; i++) {
        up += h->sources[i].state == HEALTH_UP;
        down += h->sources[i].state == HEALTH_DOWN;
    }
    *attr = failing ? t->attr[THEME_ERROR] : down ? t->attr[THEME_WARN] : t->attr[THEME_OK];
    out[0] = '\0';
    if (limits)
        snprintf(out, n, "%s %u of %u limits kept", failing ? t->g.cross : t->g.check, kept,
                 limits);
    len = strlen(out);
    snprintf(out + len, n - len, "%s%u of %u sources up", len ? ", " : "", up, h->n_sources);
    len = strlen(out);
    if (down)
        snprintf(out + len, n - len, " (%u down)", down);
}

/* ---- the list --------------------------------------------------------------------------- */

struct cols {
    int glyph, name, source, now, min, max, unit, spark, limit, status, detail;
};

static struct cols columns(const struct theme *t, const struct snap_health *h, int w)
{
    struct cols c = {2, 15, 0, 10, 8, 8, 0, 0, 0, 0, 0};
    int limit = 0;

    for (uint32_t k = 0; k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++)
        if (h->metrics[k].has_limit && text_width(t, h->metrics[k].limit) + 2 > limit)
            limit = text_width(t, h->metrics[k].limit) + 2;
    if (w >= 100)
        c = (struct cols){2, 18, 0, 11, 10, 10, 12, 0, 0, 9, 0};
    if (w >= 120)
        c.source = 13;
    c.limit = limit > 20 ? 20 : limit;
    if (!limit)
        c.status = 0;
    c.spark = w - c.glyph - c.name - c.source - c.now - c.min - c.max - c.unit - c.limit -
              c.status;
    if (c.spark > 40 && limit) {            /* wide: the rest to the engine's words */
        c.detail = c.spark - 40;
        c.spark = 40;
    }
    return c;
}

static void header(const struct theme *t, WINDOW *win, int y, int x, const struct cols *c)
{
    attr_t a = t->attr[THEME_HEADER];
    int col = c->glyph;

    draw_text(win, t, y, x + col, c->name, a, "Metric");
    col += c->name;
    if (c->source)
        draw_text(win, t, y, x + col, c->source - 1, a, "Source");
    col += c->source;
    draw_rtext(win, t, y, x + col, c->now - 1, a, "Now");
    col += c->now;
    draw_rtext(win, t, y, x + col, c->min - 1, a, "Min");
    col += c->min;
    draw_rtext(win, t, y, x + col, c->max - 1, a, "Max");
    col += c->max;
    if (c->unit)
        draw_text(win, t, y, x + col + 1, c->unit - 1, a, "Unit");
    col += c->unit;
    draw_text(win, t, y, x + col + 1, c->spark - 1, a, "Over the run");
    col += c->spark;
    if (c->limit)
        draw_text(win, t, y, x + col + 1, c->limit - 1, a, "Limit");
    col += c->limit;
    if (c->status)
        draw_text(win, t, y, x + col, c->status, a, "Status");
}

static void value_cell(const struct theme *t, WINDOW *win, int y, int x, int w, attr_t a,
                       const char *unit, bool has, double v)
{
    char text[32];

    health_unit_format(unit, has ? v : NAN, text, sizeof text);
    draw_rtext(win, t, y, x, w - 1, a, text);
}

static const char *status_word(const struct snap_health_metric *m, bool final)
{
    if (!m->has_limit)
        return "";
    return verdict_status_word(m->status, final);
}

static void metric_line(const struct app *a, WINDOW *win, int y, int x, const struct cols *c,
                        uint32_t k, bool selected)
{
    const struct theme *t = &a->theme;
    const struct snap_health *h = &a->snap->health;
    const struct snap_health_metric *m = &h->metrics[k];
    bool final = a->snap->finished;
    attr_t sa = panel_health_attr(t, m, final), name = t->attr[THEME_TITLE];
    attr_t dim = t->attr[THEME_DIM];
    char text[128];
    int col = 0, w = c->glyph + c->name + c->source + c->now + c->min + c->max + c->unit +
                     c->spark + c->limit + c->status + c->detail;

    if (selected) {
        sa = name = dim = t->attr[THEME_SELECTED];
        draw_fill(win, y, x, w, sa);
    }
    draw_text(win, t, y, x, 1, sa, panel_health_glyph(t, m, final));
    col += c->glyph;
    text_fit(t, text, sizeof text, m->name, c->name - 1);
    draw_text(win, t, y, x + col, c->name - 1, name, text);
    col += c->name;
    if (c->source)
        draw_text(win, t, y, x + col, c->source - 1, dim,
                  h->sources[m->source % SNAP_HEALTH_SOURCES].name);
    col += c->source;
    value_cell(t, win, y, x + col, c->now, m->has_value ? sa : dim, m->unit, m->has_value,
               m->value);
    col += c->now;
    value_cell(t, win, y, x + col, c->min, dim, m->unit, m->samples > 0, m->min);
    col += c->min;
    value_cell(t, win, y, x + col, c->max, dim, m->unit, m->samples > 0, m->max);
    col += c->max;
    if (c->unit && health_unit_kind(m->unit) == HEALTH_UNIT_PLAIN)
        draw_text(win, t, y, x + col + 1, c->unit - 1, dim, m->unit);
    col += c->unit;
    if (!panel_health_spark(a, win, y, x + col + 1, c->spark - 2, k, selected ? sa :
                            m->has_limit ? sa : t->attr[THEME_ACCENT]) && !m->has_value)
        draw_text(win, t, y, x + col + 1, c->spark - 2, dim, m->missing);
    col += c->spark;
    if (c->limit && m->has_limit)
        draw_text(win, t, y, x + col + 1, c->limit - 1, selected ? sa : A_NORMAL, m->limit);
    col += c->limit;
    if (c->status)
        draw_text(win, t, y, x + col, c->status - 1, sa, status_word(m, final));
    col += c->status;
    if (c->detail && m->has_limit && m->status != TARGET_PASS) {
        text_fit(t, text, sizeof text, m->detail, c->detail - 1);
        draw_text(win, t, y, x + col + 1, c->detail - 1, selected ? sa : dim, text);
    }
}

static void source_line(const struct app *a, WINDOW *win, int y, int x, int w,
                        const struct snap_health_source *o)
{
    const struct theme *t = &a->theme;
    bool up = o->state == HEALTH_UP, down = o->state == HEALTH_DOWN;
    attr_t sa = up ? t->attr[THEME_OK] : down ? t->attr[THEME_ERROR] : t->attr[THEME_DIM];
    char text[SNAP_TEXT_MAX + SNAP_NAME_MAX + 64], since[16], ms[16];
    int col = 2;

    draw_text(win, t, y, x, 1, sa, up ? t->g.bullet : down ? t->g.cross : t->g.circle);
    col += draw_text(win, t, y, x + col, 16, t->attr[THEME_TITLE], o->name) + 1;
    if (col < 18)
        col = 18;
    units_duration(since, sizeof since, o->polls ? a->snap->now - o->since : 0);
    snprintf(text, sizeof text, "%s %s", up ? "up" : down ? "DOWN" : "waiting", since);
    col += draw_text(win, t, y, x + col, 14, sa, text) + 1;
    if (col < 32)
        col = 32;
    snprintf(ms, sizeof ms, o->last_ms < 10 ? "%.1f ms" : "%.0f ms", o->last_ms);
    snprintf(text, sizeof text, "%llu polls, %llu failed, %s, every %.3g s",
             (unsigned long long)o->polls, (unsigned long long)o->failed,
             o->polls ? ms : "-", o->interval);
    if (w >= 100)
        col += draw_text(win, t, y, x + col, w - col, t->attr[THEME_DIM], text) + 2;
    if (down)
        snprintf(text, sizeof text, "%s (%s)", o->error, o->where);
    else
        snprintf(text, sizeof text, "%s %s", o->kind, o->where);
    if (col < w)
        draw_text(win, t, y, x + col, w - col, down ? t->attr[THEME_ERROR] : A_NORMAL, text);
}

/* How many metric lines fit, keeping the selection in sight; the sources get their lines
 * first (at most all of them). */
static int metric_rows(struct app *a, int room, int *top)
{
    const struct snap_health *h = &a->snap->health;
    int n = (int)h->n_metrics, rows = room < n ? room : n;
    struct scroll *sc = &a->health;

    if (rows < 1)
        return 0;
    if ((int)a->sel_health < sc->top)
        sc->top = (int)a->sel_health;
    if ((int)a->sel_health >= sc->top + rows)
        sc->top = (int)a->sel_health - rows + 1;
    if (sc->top > n - rows)
        sc->top = n - rows;
    if (sc->top < 0)
        sc->top = 0;
    sc->page = rows;
    *top = sc->top;
    return rows;
}

static void list_body(struct panel *p, WINDOW *win, struct rect in)
{
    struct app *a = p->app;
    const struct theme *t = &a->theme;
    const struct snap_health *h = &a->snap->health;
    struct cols c = columns(t, h, in.w);
    int srcs = (int)h->n_sources, y = in.y, top = 0, rows;
    char text[160];
    attr_t va;

    panel_health_verdict(a, text, sizeof text, &va);
    draw_text(win, t, y, in.x, in.w, va, text);
    y += 2;
    if (srcs > in.h - 4)
        srcs = in.h - 4 > 0 ? in.h - 4 : 0;
    rows = metric_rows(a, in.h - 3 - (srcs ? srcs + 1 : 0), &top);
    header(t, win, y++, in.x, &c);
    for (int i = 0; i < rows; i++)
        metric_line(a, win, y++, in.x, &c, (uint32_t)(top + i),
                    (p->flags & LAYOUT_SELECT) && top + i == (int)a->sel_health);
    y++;
    for (int i = 0; i < srcs && y < in.y + in.h; i++)
        source_line(a, win, y++, in.x, in.w, &h->sources[i]);
}

static void list_draw(struct panel *p, WINDOW *win, struct rect r)
{
    const struct app *a = p->app;
    const struct theme *t = &a->theme;
    const struct snap_health *h = &a->snap->health;
    struct rect in;
    char title[64];

    snprintf(title, sizeof title, "Backend health (%u metrics, %u sources)", h->n_metrics,
             h->n_sources);
    in = panel_frame(p, win, r, h->n_sources ? title : "Backend health");
    if (in.h < 2 || in.w < 40)
        return;
    if (h->n_sources == 0) {
        draw_text(win, t, in.y + (in.h - 1) / 2, in.x + 2, in.w - 4, t->attr[THEME_DIM],
                  "No backend health in this scenario.");
        draw_text(win, t, in.y + (in.h - 1) / 2 + 1, in.x + 2, in.w - 4, t->attr[THEME_DIM],
                  "A \"health\" block polls /metrics, JSON, processes: see scenarios/README.md.");
        return;
    }
    list_body(p, win, in);
}

uint64_t panel_health_signature(const struct app *a, const struct snapshot *s)
{
    uint64_t h = panel_mix(s->health.n_metrics, s->health.n_sources);

    h = panel_mix(panel_mix(h, s->finished), (uint64_t)floor(s->now));
    for (uint32_t k = 0; k < s->health.n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        const struct snap_health_metric *m = &s->health.metrics[k];
        uint64_t t;
        memcpy(&t, &m->value_time, sizeof t);
        h = panel_mix(panel_mix(h, t), m->status);
    }
    for (uint32_t i = 0; i < s->health.n_sources && i < SNAP_HEALTH_SOURCES; i++)
        h = panel_mix(panel_mix(h, s->health.sources[i].state), s->health.sources[i].polls);
    return panel_mix(h, a->sel_health);
}

static bool list_update(struct panel *p, const struct snapshot *s)
{
    return panel_changed(p, panel_health_signature(p->app, s));
}

static const struct panel_ops list_ops = {list_update, list_draw, NULL};

struct panel *panel_health_create(void)
{
    struct panel *p = calloc(1, sizeof *p);

    if (p)
        p->ops = &list_ops;
    return p;
}
