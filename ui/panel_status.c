/* panel_status: the two-line status bar. Line 1: hornet, scenario, host, the targets' verdict
 * (when the scenario has targets), elapsed and remaining time. Line 2: state, users now ->
 * target with the ramp's progress, rate and ETA, the open classes' arrivals (asked ->
 * achieved per second, busy users of the pools, dropped iterations) and which latencies the
 * views show (corrected or service times), current RPS, failures/s, failure share,
 * requests, threads, who controls the load (stages or the operator), and warnings when TLS
 * is not verified (--insecure), when hornet itself is saturated (saturation.h), or when
 * requests could not be recorded (memory ran out). Main thread (curses). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "panel.h"
#include "saturation.h"
#include "units.h"

#define STATUS_WIDE 150         /* columns from which whole sentences fit on line 2 */
#include "version.h"

static attr_t state_attr(const struct theme *t, enum run_state s)
{
    switch (s) {
    case RUN_RUNNING: return t->attr[THEME_OK];
    case RUN_SPAWNING: return t->attr[THEME_ACCENT];
    case RUN_PAUSED:
    case RUN_STOPPING: return t->attr[THEME_WARN];
    case RUN_STOPPED: return t->attr[THEME_ERROR];
    default: return t->attr[THEME_DIM];
    }
}

static void upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

static double ramp_progress(const struct app *a)
{
    const struct snapshot *s = a->snap;
    double span = fabs((double)a->ramp_to - (double)a->ramp_from);

    if (span <= 0.0 || a->ramp_to != s->target_users)
        return s->users == s->target_users ? 1.0 : 0.0;
    return fabs((double)s->users - (double)a->ramp_from) / span;
}

static void repeat(char *out, size_t n, const char *glyph, int count)
{
    size_t len = 0, gl = strlen(glyph);

    out[0] = '\0';
    for (int i = 0; i < count && len + gl < n; i++, len += gl)
        memcpy(out + len, glyph, gl + 1);
}

static void users_seg(struct segs *g, const struct app *a)
{
    const struct theme *t = &a->theme;
    const struct snapshot *s = a->snap;
    char bar[64], rest[64], eta[16];
    int cells = 10, full = (int)lround(ramp_progress(a) * cells);

    if (app_arrivals_mode(a))
        return;                         /* no user count to ramp: the pools are under Busy */
    segs_add(g, 0, t->attr[THEME_DIM], "Users ");
    segs_more(g, t->attr[THEME_TITLE], "%u", s->users);
    if (s->users == s->target_users && s->state != RUN_SPAWNING)
        return;
    segs_more(g, t->attr[THEME_NORMAL], " %s ", t->g.arrow);
    segs_more(g, t->attr[THEME_ACCENT], "%u", s->target_users);
    repeat(bar, sizeof bar, t->g.bar_full, full);
    repeat(rest, sizeof rest, t->g.bar_empty, cells - full);
    segs_add(g, 1, t->attr[THEME_ACCENT], "%s", bar);
    segs_more(g, t->attr[THEME_DIM], "%s", rest);
    segs_add(g, 1, t->attr[THEME_NORMAL], "%.4g/s", s->spawn_rate);
    if (s->ramp_eta > 0.0)
        segs_more(g, t->attr[THEME_DIM], " ETA %s", units_span(eta, sizeof eta, s->ramp_eta));
}

static void control_seg(struct segs *g, const struct app *a)
{
    const struct theme *t = &a->theme;
    const struct snapshot *s = a->snap;
    char left[16];

    if (s->manual_control && s->open.all.manual)
        segs_add(g, 1, t->attr[THEME_WARN], "MANUAL rate (g)");
    else if (s->manual_control && s->n_stages > 0)
        segs_add(g, 1, t->attr[THEME_WARN], "MANUAL: stages suspended (g: resume)");
    else if (s->n_stages > 0 && s->stage >= 0)
        segs_add(g, 2, t->attr[THEME_NORMAL], "Stage %d/%d, %s left", s->stage + 1,
                 s->n_stages, units_span(left, sizeof left, ceil(s->stage_remaining)));
}

/* The open classes: the rate asked and achieved, busy users of the pool, dropped iterations,
 * and which latencies the views show. */
static void arrivals_seg(struct segs *g, const struct app *a)
{
    const struct theme *t = &a->theme;
    const struct snap_arrivals *o = &a->snap->open.all;
    char v[32];

    if (a->snap->open.n_classes > 0) {
        segs_add(g, 0, t->attr[THEME_DIM], "Arrivals ");
        segs_more(g, t->attr[THEME_TITLE], "%s/s", units_rate(v, sizeof v, o->asked_rate, 9));
        segs_more(g, t->attr[THEME_NORMAL], " %s ", t->g.arrow);
        segs_more(g, fabs(o->recent_achieved - o->recent_asked) > 0.01 * o->recent_asked + 1
                     ? t->attr[THEME_WARN] : t->attr[THEME_TITLE], "%s",
                  units_rate(v, sizeof v, o->recent_achieved, 9));
        segs_more(g, t->attr[THEME_DIM], "/s");
        segs_add(g, app_arrivals_mode(a) ? 1 : 2, t->attr[THEME_DIM], "Busy ");
        segs_more(g, t->attr[THEME_TITLE], "%u/%u", o->busy, o->users);
        segs_add(g, 1, t->attr[THEME_DIM], "Dropped ");
        segs_more(g, o->dropped ? t->attr[THEME_ERROR] : t->attr[THEME_TITLE], "%s",
                  units_count(v, sizeof v, o->dropped, 9));
    }
    if (a->snap->open.corrected)
        segs_add(g, 1, t->attr[THEME_DIM], "%s (o)",
                 a->service_view ? "service" : "corrected");
}

static void numbers_seg(struct segs *g, const struct app *a)
{
    const struct theme *t = &a->theme;
    const struct snap_stats *tot = &a->snap->total;
    char v[32];
    double share = tot->requests ? (double)tot->failures / (double)tot->requests : 0.0;
    attr_t bad = tot->failures ? t->attr[THEME_ERROR] : t->attr[THEME_TITLE];

    segs_add(g, 0, t->attr[THEME_DIM], "RPS ");
    segs_more(g, t->attr[THEME_TITLE], "%s", units_rate(v, sizeof v, tot->current_rps, 9));
    segs_add(g, 3, t->attr[THEME_DIM], "Fails/s ");
    segs_more(g, tot->current_fps > 0 ? t->attr[THEME_ERROR] : t->attr[THEME_TITLE], "%s",
              units_rate(v, sizeof v, tot->current_fps, 8));
    segs_add(g, 1, t->attr[THEME_DIM], "Failures ");
    segs_more(g, bad, "%s", units_percent(v, sizeof v, share));
    segs_add(g, 2, t->attr[THEME_DIM], "Requests ");
    segs_more(g, t->attr[THEME_TITLE], "%s", units_count(v, sizeof v, tot->requests, 9));
    if (a->snap->role == SNAP_MASTER) {
        segs_add(g, 1, t->attr[THEME_DIM], "Workers ");
        segs_more(g, a->snap->workers_ready < a->snap->expect_workers ? t->attr[THEME_WARN]
                  : t->attr[THEME_TITLE], "%u/%u", a->snap->workers_ready,
                  a->snap->expect_workers);
        return;
    }
    segs_add(g, 5, t->attr[THEME_DIM], "Threads ");
    segs_more(g, t->attr[THEME_TITLE], "%d", a->snap->threads);
}

static void line2(const struct app *a, WINDOW *win, int y, int x, int w)
{
    const struct theme *t = &a->theme;
    struct segs g = {0};
    char state[32];

    snprintf(state, sizeof state, "%s", run_state_name(a->snap->state));
    upper(state);
    segs_add(&g, 0, state_attr(t, a->snap->state), "%s %s", t->g.bullet, state);
    if (a->snap->tls_insecure)          /* never left out: the target may not be who it says */
        segs_add(&g, 0, t->attr[THEME_ERROR] | A_BOLD, "INSECURE TLS: not verified");
    if (a->snap->saturated)             /* nor this: the latencies are partly hornet's own */
        segs_add(&g, 0, t->attr[THEME_WARN] | A_BOLD, "%s",
                 w >= STATUS_WIDE ? SATURATION_TEXT : "SATURATED: hornet is the bottleneck");
    users_seg(&g, a);
    arrivals_seg(&g, a);
    numbers_seg(&g, a);
    control_seg(&g, a);
    if (a->snap->requests_dropped) {    /* never left out: the numbers miss requests */
        segs_add(&g, 0, t->attr[THEME_WARN], "! %llu request%s not recorded",
                 (unsigned long long)a->snap->requests_dropped,
                 a->snap->requests_dropped == 1 ? "" : "s");
        segs_add(&g, 4, t->attr[THEME_WARN], "(out of memory)");
    }
    if (a->snap->fatal[0])
        segs_add(&g, 0, t->attr[THEME_ERROR], "%s", a->snap->fatal);
    draw_fill(win, y, x, w, A_NORMAL);
    segs_draw(win, t, y, x + 1, w - 2, &g, 2);
}

/* The targets' verdict badge before the times on line 1 ("Targets  ✔ PASS "); returns the
 * columns it takes from the right end (0 without targets or room). */
static int targets_badge(const struct app *a, WINDOW *win, int y, int right, int room)
{
    const struct theme *t = &a->theme;
    char badge[48];
    attr_t attr;
    int bw, lw = text_width(t, "Targets ");

    if (!panel_targets_badge_text(a, false, badge, sizeof badge, &attr))
        return 0;
    bw = text_width(t, badge);
    if (lw + bw + 3 > room)
        return 0;
    draw_text(win, t, y, right - bw, bw, attr, badge);
    draw_text(win, t, y, right - bw - lw, lw, t->attr[THEME_BAR], "Targets ");
    return lw + bw + 3;
}

static void line1(const struct app *a, WINDOW *win, int y, int x, int w)
{
    const struct theme *t = &a->theme;
    const struct snapshot *s = a->snap;
    attr_t bar = t->attr[THEME_BAR];
    struct segs left = {0}, right = {0};
    char el[16], rem[16];
    int used;

    segs_add(&left, 0, bar | A_BOLD, "hornet");
    if (a->host.campaign)                   /* "Campaign 2 of 4: CAB approvals, next: ..." */
        segs_add(&left, 0, bar, "%s", a->host.campaign);
    else
        segs_add(&left, 1, bar, "%s", s->scenario[0] ? s->scenario : "-");
    segs_add(&left, 2, bar, "%s", s->host);
    units_duration(el, sizeof el, s->elapsed);
    if (s->run_time > 0.0)
        segs_add(&right, 0, bar, "%s elapsed, %s left", el,
                 units_duration(rem, sizeof rem, ceil(s->remaining)));
    else
        segs_add(&right, 0, bar, "%s elapsed", el);
    draw_fill(win, y, x, w, bar);
    used = segs_width(t, &right, 2, 0);
    draw_text(win, t, y, x + w - used - 1, used, bar, right.part[0].text);
    used += targets_badge(a, win, y, x + w - used - 4, w - used - 30);
    segs_draw(win, t, y, x + 1, w - used - 4, &left, 3);
}

static bool status_update(struct panel *p, const struct snapshot *s)
{
    return panel_changed(p, s->seq);
}

static void status_draw(struct panel *p, WINDOW *win, struct rect r)
{
    line1(p->app, win, r.y, r.x, r.w);
    if (r.h > 1)
        line2(p->app, win, r.y + 1, r.x, r.w);
}

static const struct panel_ops status_ops = {status_update, status_draw, NULL};

struct panel *panel_status_create(void)
{
    struct panel *p = calloc(1, sizeof *p);

    if (p)
        p->ops = &status_ops;
    return p;
}
