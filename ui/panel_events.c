/* panel_events: the event log: ramps and who asked for them (the engine, the scenario's
 * stages, the operator), stage changes, pauses, resets, snapshot files, warnings. Newest at the
 * bottom; it follows new events unless scrolled back. Main thread (curses). */
#include <stdio.h>
#include <stdlib.h>
#include "panel.h"
#include "units.h"

static const char *who_name(int who)
{
    return who == EVENT_OPERATOR ? "operator" : who == EVENT_SCENARIO ? "scenario" : "engine";
}

static attr_t who_attr(const struct theme *t, int who)
{
    return who == EVENT_OPERATOR ? t->attr[THEME_ACCENT]
         : who == EVENT_SCENARIO ? t->attr[THEME_NORMAL] : t->attr[THEME_DIM];
}

static attr_t level_attr(const struct theme *t, int level)
{
    return level == EVENT_ERROR ? t->attr[THEME_ERROR]
         : level == EVENT_WARN ? t->attr[THEME_WARN] : A_NORMAL;
}

static void event_line(const struct app *a, WINDOW *win, int y, int x, int w,
                       const struct snap_event *ev)
{
    const struct theme *t = &a->theme;
    char clock[16];
    int col;

    col = draw_text(win, t, y, x, w, t->attr[THEME_DIM],
                    units_clock(clock, sizeof clock, ev->time));
    col += 1;
    draw_text(win, t, y, x + col, w - col, who_attr(t, ev->who), who_name(ev->who));
    col += 9;
    draw_text(win, t, y, x + col, w - col, level_attr(t, ev->level), ev->text);
}

static void events_draw(struct panel *p, WINDOW *win, struct rect r)
{
    struct app *a = p->app;
    struct rect in = panel_frame(p, win, r, "Event log");
    size_t n;
    const struct snap_event *events = app_events(a, &n);
    int rows = in.h, top;
    int max_top = (int)n > rows ? (int)n - rows : 0;

    if (in.h < 1 || in.w < 20)
        return;
    top = a->view != VIEW_LOG || a->log_follow || a->log.top > max_top ? max_top : a->log.top;
    if (a->view == VIEW_LOG) {      /* the Overview's small log always shows the newest */
        a->log.page = rows;
        a->log.top = top;
    }
    for (int i = 0; i < rows && (size_t)(top + i) < n; i++)
        event_line(a, win, in.y + i, in.x, in.w, &events[top + i]);
    if (n == 0)
        draw_text(win, &a->theme, in.y, in.x, in.w, a->theme.attr[THEME_DIM], "No event yet.");
}

static bool events_update(struct panel *p, const struct snapshot *s)
{
    return panel_changed(p, s->n_events ? s->events[s->n_events - 1].seq : 0);
}

static const struct panel_ops events_ops = {events_update, events_draw, NULL};

struct panel *panel_events_create(void)
{
    struct panel *p = calloc(1, sizeof *p);

    if (p)
        p->ops = &events_ops;
    return p;
}
