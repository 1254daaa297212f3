/* panel_failures: the failure breakdown: count, share of all failures, method, name, error
 * text and when last seen; unexpected failures first, then the expected statuses (listed in a
 * step's `expect`, counted as successes) apart, then the engine's own errors (exceptions.csv).
 * The detail view shows the rows of one endpoint. Scrollable. Main thread (curses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "panel.h"
#include "units.h"

enum line_kind { LINE_ERROR, LINE_NONE_UNEXPECTED, LINE_EXPECTED_HEAD, LINE_EXCEPTION_HEAD,
                 LINE_EXCEPTION, LINE_DROPPED };

struct fail_panel {
    struct panel base;
    uint32_t rows[SNAP_MAX_ERRORS];
    size_t n, unexpected;
    bool exceptions;            /* list the engine's errors too (the whole-run view) */
};

struct cols {
    int count, share, type, name, error, last;
    bool merged;                /* narrow: "METHOD name" in one column */
};

static uint32_t ep_filter(const struct fail_panel *f)
{
    uint32_t ep = f->base.app->detail_ep;
    return f->base.id == P_EP_FAILURES && ep != APP_AGGREGATED ? ep : APP_NONE;
}

static size_t line_count(const struct fail_panel *f)
{
    const struct snapshot *s = f->base.app->snap;
    size_t n = f->n + (f->n > f->unexpected) + (f->n > 0 && f->unexpected == 0);

    if (f->exceptions && s->n_exceptions)
        n += 1 + s->n_exceptions;
    return n + (s->errors_dropped > 0 && ep_filter(f) == APP_NONE);
}

/* What line i shows; *index gets the row's index into its array. */
static enum line_kind line_at(const struct fail_panel *f, size_t i, size_t *index)
{
    const struct snapshot *s = f->base.app->snap;
    size_t expected = f->n - f->unexpected;

    if (i < f->unexpected) {
        *index = f->rows[i];
        return LINE_ERROR;
    }
    i -= f->unexpected;
    if (f->unexpected == 0 && expected) {
        if (i == 0)
            return LINE_NONE_UNEXPECTED;
        i--;
    }
    if (expected && i == 0)
        return LINE_EXPECTED_HEAD;
    if (expected && i <= expected) {
        *index = f->rows[f->unexpected + i - 1];
        return LINE_ERROR;
    }
    i -= expected ? expected + 1 : 0;
    if (f->exceptions && s->n_exceptions && i == 0)
        return LINE_EXCEPTION_HEAD;
    if (f->exceptions && s->n_exceptions && i <= s->n_exceptions) {
        *index = i - 1;
        return LINE_EXCEPTION;
    }
    return LINE_DROPPED;
}

static struct cols columns(int w, int longest)
{
    struct cols c = {8, 7, 7, longest + 2, 0, 10, false};

    if (w < 100) {              /* one text column: "METHOD name  error" */
        c.merged = true;
        c.type = c.last = c.error = 0;
        c.name = w - c.count - c.share;
        return c;
    }
    if (c.name > 40)
        c.name = 40;
    if (c.name < 12)
        c.name = 12;
    c.error = w - c.count - c.share - c.type - c.name - c.last;
    if (c.error < 24) {
        c.name -= 24 - c.error;
        c.error = 24;
    }
    return c;
}

static void header(const struct fail_panel *f, WINDOW *win, int y, int x, int w,
                   const struct cols *c)
{
    const struct theme *t = &f->base.app->theme;
    attr_t h = t->attr[THEME_HEADER];
    int col = 0;

    draw_fill(win, y, x, w, h);
    draw_rtext(win, t, y, x, c->count - 1, h, "# Fails");
    col += c->count;
    draw_rtext(win, t, y, x + col, c->share - 1, h, "Share");
    col += c->share;
    if (!c->merged)
        draw_text(win, t, y, x + col, c->type, h, "Type");
    col += c->type;
    draw_text(win, t, y, x + col, c->name, h, c->merged ? "Request  Error" : "Name");
    col += c->name;
    if (!c->merged)
        draw_text(win, t, y, x + col, c->error, h, "Error");
    if (c->last)
        draw_rtext(win, t, y, x + w - c->last, c->last, h, "Last seen");
}

/* "METHOD name  error" in w columns: the request takes what it needs up to 45%. */
static void merged_text(const struct theme *t, WINDOW *win, int y, int x, int w, attr_t a,
                        const struct snap_stats *ep, const char *error)
{
    char request[SNAP_NAME_MAX + 16], fit[SNAP_NAME_MAX + 16], err[SNAP_TEXT_MAX + 8];
    int used;

    snprintf(request, sizeof request, "%s %s", ep->method, ep->name);
    used = text_fit_mid(t, fit, sizeof fit, request, w * 45 / 100);
    draw_text(win, t, y, x, used, a, fit);
    text_fit(t, err, sizeof err, error, w - used - 2);
    draw_text(win, t, y, x + used + 2, w - used - 2, a, err);
}

static void error_line(const struct fail_panel *f, WINDOW *win, int y, int x, int w,
                       const struct cols *c, const struct snap_error *e)
{
    const struct app *a = f->base.app;
    const struct theme *t = &a->theme;
    const struct snap_stats *tot = &a->snap->total;
    const struct snap_stats *ep = e->endpoint < a->snap->n_endpoints
                                ? &a->snap->endpoints[e->endpoint] : tot;
    uint64_t all = e->expected ? tot->expected : tot->failures;
    attr_t base = e->expected ? t->attr[THEME_DIM] : A_NORMAL;
    char v[SNAP_TEXT_MAX + 8];
    int col = 0;

    units_count(v, sizeof v, e->count, c->count - 1);
    draw_rtext(win, t, y, x, c->count - 1, e->expected ? base : t->attr[THEME_ERROR], v);
    col += c->count;
    units_percent(v, sizeof v, all ? (double)e->count / (double)all : 0.0);
    draw_rtext(win, t, y, x + col, c->share - 1, base, v);
    col += c->share;
    if (c->merged) {
        merged_text(t, win, y, x + col, c->name - 1, base, ep, e->text);
        return;
    }
    draw_text(win, t, y, x + col, c->type - 1, base, ep->method);
    col += c->type;
    text_fit_mid(t, v, sizeof v, ep->name, c->name - 1);
    draw_text(win, t, y, x + col, c->name - 1, base, v);
    col += c->name;
    text_fit(t, v, sizeof v, e->text, c->error - 1);
    draw_text(win, t, y, x + col, c->error - 1, base, v);
    if (c->last)
        draw_rtext(win, t, y, x + w - c->last, c->last, t->attr[THEME_DIM],
                   units_clock(v, sizeof v, e->last_seen));
}

static void exception_line(const struct fail_panel *f, WINDOW *win, int y, int x, int w,
                           const struct cols *c, const struct snap_exception *e)
{
    const struct theme *t = &f->base.app->theme;
    char v[2 * SNAP_TEXT_MAX + 8], fit[2 * SNAP_TEXT_MAX + 8];

    units_count(v, sizeof v, e->count, c->count - 1);
    draw_rtext(win, t, y, x, c->count - 1, t->attr[THEME_WARN], v);
    snprintf(v, sizeof v, "%s  (%s)", e->message, e->where);
    text_fit(t, fit, sizeof fit, v, w - c->count - c->share);
    draw_text(win, t, y, x + c->count + c->share, w - c->count - c->share, A_NORMAL, fit);
}

static void line(const struct fail_panel *f, WINDOW *win, int y, int x, int w,
                 const struct cols *c, size_t i)
{
    const struct snapshot *s = f->base.app->snap;
    const struct theme *t = &f->base.app->theme;
    char text[96];
    size_t k = 0;

    switch (line_at(f, i, &k)) {
    case LINE_ERROR:
        error_line(f, win, y, x, w, c, &s->errors[k]);
        break;
    case LINE_NONE_UNEXPECTED:
        draw_text(win, t, y, x, w, t->attr[THEME_OK], "No unexpected failures.");
        break;
    case LINE_EXPECTED_HEAD:
        draw_text(win, t, y, x, w, t->attr[THEME_TITLE],
                  "Expected statuses (listed in expect: not failures)");
        break;
    case LINE_EXCEPTION_HEAD:
        draw_text(win, t, y, x, w, t->attr[THEME_TITLE], "Engine errors (exceptions.csv)");
        break;
    case LINE_EXCEPTION:
        exception_line(f, win, y, x, w, c, &s->exceptions[k]);
        break;
    case LINE_DROPPED:
        snprintf(text, sizeof text, "... and %llu more in groups not listed",
                 (unsigned long long)s->errors_dropped);
        draw_text(win, t, y, x, w, t->attr[THEME_DIM], text);
        break;
    }
}

static int longest(const struct fail_panel *f)
{
    const struct snapshot *s = f->base.app->snap;
    int best = 4;

    for (size_t i = 0; i < f->n; i++) {
        uint32_t ep = s->errors[f->rows[i]].endpoint;
        int len = ep < s->n_endpoints ? (int)strlen(s->endpoints[ep].name) : 0;
        if (len > best)
            best = len;
    }
    return best;
}

static void body(struct fail_panel *f, WINDOW *win, struct rect in)
{
    struct scroll *sc = &f->base.app->failures;
    size_t n = line_count(f);
    int rows = in.h - 1;
    struct cols c = columns(in.w, longest(f));

    if (sc->top > (int)n - rows)
        sc->top = (int)n - rows;
    if (sc->top < 0)
        sc->top = 0;
    sc->page = rows;
    header(f, win, in.y, in.x, in.w, &c);
    for (int i = 0; i < rows && (size_t)(sc->top + i) < n; i++)
        line(f, win, in.y + 1 + i, in.x, in.w, &c, (size_t)(sc->top + i));
}

static void fail_draw(struct panel *p, WINDOW *win, struct rect r)
{
    struct fail_panel *f = (struct fail_panel *)p;
    const struct app *a = p->app;
    const struct theme *t = &a->theme;
    const struct snap_stats *st = ep_filter(f) == APP_NONE ? &a->snap->total
                                                           : panel_detail_stats(a);
    char title[96], v1[16], v2[16];
    struct rect in;

    f->n = app_failure_rows(a, ep_filter(f), f->rows, &f->unexpected);
    f->exceptions = p->id == P_FAILURES;
    snprintf(title, sizeof title, "Failures: %s unexpected, %s expected",
             units_count(v1, sizeof v1, st->failures, 9),
             units_count(v2, sizeof v2, st->expected, 9));
    in = panel_frame(p, win, r, title);
    if (in.h < 2 || in.w < 40)
        return;
    if (line_count(f) == 0) {
        draw_text(win, t, in.y + (in.h - 1) / 2, in.x + 2, in.w - 4, t->attr[THEME_OK],
                  a->snap->total.requests ? "No failures." : "No failures (no requests yet).");
        return;
    }
    body(f, win, in);
}

static bool fail_update(struct panel *p, const struct snapshot *s)
{
    uint64_t h = panel_mix(0, s->total.failures);

    h = panel_mix(h, s->total.expected);
    h = panel_mix(h, s->n_errors);
    h = panel_mix(h, s->n_exceptions);
    h = panel_mix(h, p->app->detail_ep);
    for (uint32_t i = 0; i < s->n_exceptions && i < SNAP_MAX_EXCEPTIONS; i++)
        h = panel_mix(h, s->exceptions[i].count);
    return panel_changed(p, h);
}

static const struct panel_ops fail_ops = {fail_update, fail_draw, NULL};

struct panel *panel_failures_create(enum panel_id id)
{
    struct fail_panel *f = calloc(1, sizeof *f);

    if (!f)
        return NULL;
    f->base.ops = &fail_ops;
    (void)id;
    return &f->base;
}
