/* panel_targets: the scenario's performance targets and their live verdicts.
 * The Targets view lists every target (endpoint and bound), its window, the value over that
 * window and over the last 10 s, its status in colour and in words (pass, at risk, FAIL,
 * pending, skipped), a flag on those that abort the run when they fail, what the engine says
 * about it, and the verdict of the run so far, with a short legend; with LAYOUT_SELECT the
 * target whose trend panel_trend charts is highlighted (Up/Down). The Overview's compact
 * form (LAYOUT_COMPACT) is one line per target under a title that carries the verdict (the
 * status as a glyph alone when narrow); when the lines do not all fit, the worst targets come
 * first. Main thread (curses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "panel.h"
#include "verdict.h"

#define STATUS_W 10             /* "▲ at risk " */
#define FLAG_W 2
#define WINDOW_W 10             /* "last 600s " */
#define VALUE_W 10

struct cols {
    int status, flag, label, window, value, current, detail;
};

/* ---- one target ------------------------------------------------------------------------- */

static attr_t status_attr(const struct theme *t, uint8_t status, bool final)
{
    switch (status) {
    case TARGET_PASS: return t->attr[THEME_OK];
    case TARGET_AT_RISK: return t->attr[THEME_WARN];
    case TARGET_FAIL: return t->attr[THEME_ERROR];
    case TARGET_SKIPPED: return t->attr[THEME_DIM];
    default: return final ? t->attr[THEME_ERROR] : t->attr[THEME_DIM];
    }
}

static const char *status_glyph(const struct theme *t, uint8_t status, bool final)
{
    switch (status) {
    case TARGET_PASS: return t->g.check;
    case TARGET_AT_RISK: return t->g.up;
    case TARGET_FAIL: return t->g.cross;
    case TARGET_SKIPPED: return t->g.dash;
    default: return final ? t->g.cross : t->g.circle;
    }
}

/* The value in the target's unit ("412 ms", "99.20%", "75.8/s"), "-" without data. */
static void value_text(const struct snap_target *x, bool has, double v, char *out, size_t n)
{
    if (!has)
        snprintf(out, n, "-");
    else
        snapshot_format_target(x->metric, v, out, n);
}

/* What the detail column says: the engine's words, but nothing for a pass (the value says it)
 * and "close to the bound" for a target at risk whose detail is only its value. */
static const char *detail_text(const struct snap_target *x, bool final)
{
    char value[48];

    switch (x->status) {
    case TARGET_PASS:
        return "";
    case TARGET_AT_RISK:
        value_text(x, x->has_data, x->value, value, sizeof value);
        return strcmp(value, x->detail) == 0 ? "close to the bound" : x->detail;
    case TARGET_FAIL:
    case TARGET_SKIPPED:
        return x->detail;
    default:
        return final ? "no data: counts as failed" : x->detail;
    }
}

/* "GET /api/v1/x/ p99 < 500 ms" in w columns: the endpoint (cut in the middle) and the bound
 * (kept whole when it can be), in their attributes. */
static void draw_label(const struct theme *t, WINDOW *win, int y, int x, int w,
                       const struct snap_target *tg, attr_t ep_attr, attr_t text_attr)
{
    char ep[SNAP_NAME_MAX + 8], text[sizeof tg->text + 8];
    int tw = text_width(t, tg->text), col = 0;

    if (tg->endpoint[0] && w - tw - 1 >= 8) {
        col = text_fit_mid(t, ep, sizeof ep, tg->endpoint, w - tw - 1);
        draw_text(win, t, y, x, col, ep_attr, ep);
        col++;
    }
    text_fit(t, text, sizeof text, tg->text, w - col);
    draw_text(win, t, y, x + col, w - col, text_attr, text);
}

/* The attributes of a target's line: its status colour where it carries meaning, the
 * selection's everywhere when selected. */
struct line_attrs {
    attr_t status, flag, endpoint, text, window, value, current, detail;
};

static struct line_attrs line_attrs(const struct theme *t, const struct snap_target *tg,
                                    bool final, bool selected)
{
    attr_t sa = status_attr(t, tg->status, final), dim = t->attr[THEME_DIM];
    struct line_attrs la = {sa, t->attr[THEME_WARN], A_NORMAL, t->attr[THEME_TITLE], dim,
                            tg->has_data ? sa : dim, tg->has_current ? A_NORMAL : dim,
                            tg->status == TARGET_FAIL ? sa : dim};

    if (selected) {
        attr_t sel = t->attr[THEME_SELECTED];
        la = (struct line_attrs){sel, sel, sel, sel | A_BOLD, sel, sel | A_BOLD, sel, sel};
    }
    return la;
}

static void target_line(const struct app *a, WINDOW *win, int y, int x, const struct cols *c,
                        const struct snap_target *tg, bool selected)
{
    const struct theme *t = &a->theme;
    bool final = a->snap->finished;
    struct line_attrs la = line_attrs(t, tg, final, selected);
    char text[sizeof tg->detail + 64];
    int col = 0;

    if (selected)
        draw_fill(win, y, x, c->status + c->flag + c->label + c->window + c->value + c->current
                  + c->detail, la.status);
    snprintf(text, sizeof text, "%s%s%s", status_glyph(t, tg->status, final),
             c->status > 2 ? " " : "", c->status > 2 ? verdict_status_word(tg->status, final)
                                                     : "");
    draw_text(win, t, y, x, c->status - 1, la.status, text);
    col += c->status;
    if (tg->abort_on_fail)
        draw_text(win, t, y, x + col, 1, la.flag, t->g.flag);
    col += c->flag;
    draw_label(t, win, y, x + col, c->label - 1, tg, la.endpoint, la.text);
    col += c->label;
    draw_text(win, t, y, x + col, c->window - 1, la.window, tg->window);
    col += c->window;
    value_text(tg, tg->has_data, tg->value, text, sizeof text);
    draw_rtext(win, t, y, x + col, c->value - 1, la.value, text);
    col += c->value;
    value_text(tg, tg->has_current, tg->current, text, sizeof text);
    draw_rtext(win, t, y, x + col, c->current - 1, la.current, text);
    col += c->current;
    if (c->detail > 0) {
        text_fit(t, text, sizeof text, detail_text(tg, final), c->detail - 1);
        draw_text(win, t, y, x + col + 1, c->detail - 1, la.detail, text);
    }
}

/* ---- columns and order ------------------------------------------------------------------ */

static struct cols columns(int w, bool compact)
{
    struct cols c = {STATUS_W, FLAG_W, 0, WINDOW_W, VALUE_W, VALUE_W, 0};

    if (compact) {                  /* narrow: the glyph and colour say the status */
        c.status = w >= 70 ? STATUS_W : 2;
        c.value = c.current = 9;
        c.window = w >= 76 ? WINDOW_W : 0;
    } else if (w >= 110) {
        c.detail = w * 3 / 10 > 60 ? 60 : w * 3 / 10;
    }
    c.label = w - c.status - c.flag - c.window - c.value - c.current - c.detail;
    if (c.detail > 0 && c.label > 72) {         /* wide: the rest to the engine's words */
        c.detail += c.label - 72;
        c.label = 72;
    }
    return c;
}

/* The targets in the order shown: the scenario's when all fit in rows, else worst first
 * (stable). Returns how many. */
static uint32_t order_of(const struct snapshot *s, uint32_t *order, int rows)
{
    uint32_t n = s->n_targets < SNAP_MAX_TARGETS ? s->n_targets : SNAP_MAX_TARGETS;

    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    if ((int)n <= rows)
        return n;
    for (uint32_t i = 1; i < n; i++) {          /* insertion sort: stable, n <= 32 */
        uint32_t v = order[i], j = i;
        int rank = verdict_rank(s->targets[v].status, s->finished);
        while (j > 0 && verdict_rank(s->targets[order[j - 1]].status, s->finished) < rank) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    return n;
}

/* ---- the verdict ------------------------------------------------------------------------ */

static attr_t badge_attr(const struct theme *t, enum verdict_kind k)
{
    return k == VERDICT_PASS ? t->attr[THEME_BADGE_OK]
         : k == VERDICT_AT_RISK ? t->attr[THEME_BADGE_WARN] : t->attr[THEME_BADGE_FAIL];
}

static const char *badge_glyph(const struct theme *t, enum verdict_kind k)
{
    return k == VERDICT_PASS ? t->g.check : k == VERDICT_AT_RISK ? t->g.up : t->g.cross;
}

bool panel_targets_badge_text(const struct app *a, bool so_far, char *out, size_t n,
                              attr_t *attr)
{
    const struct theme *t = &a->theme;
    struct verdict v;

    verdict_of(a->snap, &v);
    if (v.kind == VERDICT_NONE)
        return false;
    snprintf(out, n, " %s %s%s%s ", badge_glyph(t, v.kind), verdict_word(v.kind),
             so_far && !v.final && v.kind != VERDICT_ABORTED ? " so far" : "",
             v.saturated ? " (saturated)" : "");
    *attr = badge_attr(t, v.kind);
    return true;
}

/* The targets' verdict as a badge (" ✔ PASS so far ", " ✖ FAIL ", ...; " so far" only with
 * so_far while the run goes on) at (y, x) in at most w columns; nothing when the scenario has
 * no targets. Returns the columns drawn. */
static int verdict_badge(const struct app *a, WINDOW *win, int y, int x, int w, bool so_far)
{
    char text[48];
    attr_t attr;

    if (!panel_targets_badge_text(a, so_far, text, sizeof text, &attr))
        return 0;
    return draw_text(win, &a->theme, y, x, w, attr, text);
}

/* Why the run fails beyond its targets (aborted, unexpected failures), or NULL. */
/* Health limits failing (they count in the verdict; the Health view lists them). */
static uint32_t health_failing(const struct snapshot *s)
{
    uint32_t n = 0;

    for (uint32_t k = 0; k < s->health.n_metrics && k < SNAP_HEALTH_METRICS; k++)
        n += s->health.metrics[k].has_limit && (s->health.metrics[k].status == TARGET_FAIL ||
             (s->health.metrics[k].status == TARGET_PENDING && s->finished));
    return n;
}

static const char *fail_reason(const struct app *a, const struct verdict *v, char *out,
                               size_t n)
{
    const struct snapshot *s = a->snap;
    uint32_t health = health_failing(s);

    if (s->aborted)
        snprintf(out, n, "Aborted: %s", s->abort_reason);
    else if (v->failures_fail)
        snprintf(out, n, "%llu unexpected failure%s, and no success or failure rate target "
                 "allows any: the run fails", (unsigned long long)(s->total.failures +
                 s->n_exceptions), s->total.failures + s->n_exceptions == 1 ? "" : "s");
    else if (health)
        snprintf(out, n, "%u backend health limit%s failing: see 7 Health", health,
                 health == 1 ? "" : "s");
    else
        return NULL;
    return out;
}

/* ---- the two forms ---------------------------------------------------------------------- */

static void compact_body(const struct app *a, WINDOW *win, struct rect in)
{
    const struct theme *t = &a->theme;
    const struct snapshot *s = a->snap;
    struct cols c = columns(in.w, true);
    uint32_t order[SNAP_MAX_TARGETS], n;
    char text[SNAP_TEXT_MAX + 32];
    int rows = in.h, y = in.y;

    if (s->aborted && rows > 0) {
        snprintf(text, sizeof text, "Aborted: %s", s->abort_reason);
        draw_text(win, t, y++, in.x, in.w, t->attr[THEME_ERROR], text);
        rows--;
    }
    n = order_of(s, order, rows);
    for (uint32_t i = 0; i < n && rows > 0; i++, rows--) {
        if ((uint32_t)rows == 1 && i + 1 < n) {
            snprintf(text, sizeof text, "+%u more: 6 shows every target", n - i);
            draw_text(win, t, y, in.x + c.status + c.flag, in.w - c.status - c.flag,
                      t->attr[THEME_DIM], text);
            break;
        }
        target_line(a, win, y++, in.x, &c, &s->targets[order[i]], false);
    }
}

/* The compact form's frame: the title, the verdict badge after it and the column names over
 * the values. */
static void compact_draw(struct panel *p, WINDOW *win, struct rect r)
{
    const struct app *a = p->app;
    const struct theme *t = &a->theme;
    struct rect in = panel_frame(p, win, r, "Targets");
    struct cols c = columns(in.w, true);
    int x = r.x + (p->box ? 2 : 1) + text_width(t, " Targets ") + 1;

    if (r.w < 30)
        return;
    verdict_badge(a, win, r.y, x, r.w - (x - r.x) - c.value - c.current - 2, true);
    draw_rtext(win, t, r.y, in.x + in.w - c.current - c.value, c.value, t->attr[THEME_DIM],
               " value ");
    draw_rtext(win, t, r.y, in.x + in.w - c.current - 1, c.current + 1, t->attr[THEME_DIM],
               " last 10s ");
    if (in.h >= 1 && in.w >= 40)
        compact_body(a, win, in);
}

static void header(const struct theme *t, WINDOW *win, int y, int x, int w, const struct cols *c)
{
    attr_t h = t->attr[THEME_HEADER];
    int col = 0;

    draw_fill(win, y, x, w, h);
    draw_text(win, t, y, x, c->status, h, "Status");
    col += c->status + c->flag;
    draw_text(win, t, y, x + col, c->label, h, "Target");
    col += c->label;
    draw_text(win, t, y, x + col, c->window, h, "Window");
    col += c->window;
    draw_rtext(win, t, y, x + col, c->value - 1, h, "Value");
    col += c->value;
    draw_rtext(win, t, y, x + col, c->current - 1, h, "Last 10 s");
    col += c->current;
    if (c->detail)
        draw_text(win, t, y, x + col + 1, c->detail - 1, h, "Detail");
}

/* The verdict badge and counts (the counts on the next line when they do not fit) and, when
 * the run fails beyond its targets, why. Returns the lines used. */
static int verdict_lines(const struct app *a, WINDOW *win, struct rect in)
{
    const struct theme *t = &a->theme;
    struct verdict v;
    char text[SNAP_TEXT_MAX + 96];
    int col, y = in.y;

    verdict_of(a->snap, &v);
    col = verdict_badge(a, win, y, in.x, in.w, true) + 2;
    verdict_counts(&v, text, sizeof text);
    if (col + text_width(t, text) > in.w) {
        col = 1;
        y++;
    }
    draw_text(win, t, y++, in.x + col, in.w - col, A_NORMAL, text);
    if (fail_reason(a, &v, text, sizeof text))
        draw_text(win, t, y++, in.x, in.w, t->attr[THEME_ERROR], text);
    return y - in.y;
}

/* The legend, its items flowed into lines of w columns; draws nothing when draw is false.
 * Returns the lines it takes. */
static int legend(const struct theme *t, WINDOW *win, int y, int x, int w, bool draw)
{
    char flag[64];
    const char *items[] = {
        "Value: over the target's window (run; steady: after the ramp-up; last Ns).",
        "Last 10 s: the newest seconds.",
        "At risk: close to its bound, or failing over the last 10 s.",
        "Pending: no data yet (a failure at the end).",
        flag,
        "Skipped: throughput is not judged when the command line changes the load.",
    };
    int lines = 1, col = 0;

    snprintf(flag, sizeof flag, "%s: the run stops when this target fails.", t->g.flag);
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        int iw = text_width(t, items[i]);
        if (col > 0 && col + 2 + iw > w) {
            lines++;
            col = 0;
        } else if (col > 0) {
            col += 2;
        }
        if (draw)
            draw_text(win, t, y + lines - 1, x + col, w - col, t->attr[THEME_DIM], items[i]);
        col += iw;
    }
    return lines;
}

static void full_body(struct panel *p, WINDOW *win, struct rect in)
{
    struct app *a = p->app;
    const struct theme *t = &a->theme;
    struct scroll *sc = &a->targets;
    struct cols c = columns(in.w, false);
    int top = verdict_lines(a, win, in) + 1, rows, n = (int)a->snap->n_targets;
    int notes = legend(t, win, 0, 0, in.w, false);

    if (n > SNAP_MAX_TARGETS)
        n = SNAP_MAX_TARGETS;
    rows = in.h - top - 1;
    if (rows >= n + 1 + notes)              /* the legend follows the table when it fits */
        rows = n;
    else
        notes = 0;
    if (rows < 1)
        return;
    if ((int)a->sel_target < sc->top)               /* keep the selected target in sight */
        sc->top = (int)a->sel_target;
    if ((int)a->sel_target >= sc->top + rows)
        sc->top = (int)a->sel_target - rows + 1;
    if (sc->top > n - rows)
        sc->top = n - rows;
    if (sc->top < 0)
        sc->top = 0;
    sc->page = rows;
    header(t, win, in.y + top, in.x, in.w, &c);
    for (int i = 0; i < rows && sc->top + i < n; i++)
        target_line(a, win, in.y + top + 1 + i, in.x, &c, &a->snap->targets[sc->top + i],
                    p->flags & LAYOUT_SELECT && sc->top + i == (int)a->sel_target);
    if (notes)
        legend(t, win, in.y + top + 2 + rows, in.x, in.w, true);
}

static void targets_draw(struct panel *p, WINDOW *win, struct rect r)
{
    const struct app *a = p->app;
    const struct theme *t = &a->theme;
    struct rect in;
    char title[64];

    if (p->flags & LAYOUT_COMPACT) {
        compact_draw(p, win, r);
        return;
    }
    snprintf(title, sizeof title, "Targets (%u)", a->snap->n_targets);
    in = panel_frame(p, win, r, a->snap->n_targets ? title : "Targets");
    if (in.h < 2 || in.w < 40)
        return;
    if (a->snap->n_targets == 0) {
        draw_text(win, t, in.y + (in.h - 1) / 2, in.x + 2, in.w - 4, t->attr[THEME_DIM],
                  "No targets in this scenario.");
        draw_text(win, t, in.y + (in.h - 1) / 2 + 1, in.x + 2, in.w - 4, t->attr[THEME_DIM],
                  "A \"targets\" block sets bounds: see scenarios/README.md.");
        return;
    }
    full_body(p, win, in);
}

static bool targets_update(struct panel *p, const struct snapshot *s)
{
    uint64_t h = panel_mix(s->n_targets, s->aborted);

    h = panel_mix(h, s->finished);
    h = panel_mix(h, s->total.failures + s->n_exceptions > 0);
    for (uint32_t i = 0; i < s->n_targets && i < SNAP_MAX_TARGETS; i++) {
        const struct snap_target *t = &s->targets[i];
        uint64_t v, c;
        memcpy(&v, &t->value, sizeof v);
        memcpy(&c, &t->current, sizeof c);
        h = panel_mix(h, (uint64_t)t->status | (uint64_t)t->has_data << 8 |
                         (uint64_t)t->has_current << 9);
        h = panel_mix(panel_mix(h, v), c);
        h = panel_mix(h, strlen(t->detail));
    }
    return panel_changed(p, h);
}

static const struct panel_ops targets_ops = {targets_update, targets_draw, NULL};

struct panel *panel_targets_create(void)
{
    struct panel *p = calloc(1, sizeof *p);

    if (p)
        p->ops = &targets_ops;
    return p;
}
