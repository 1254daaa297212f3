/* panel_workers: the Workers view of a master's run: where it listens and how many workers the
 * run waits for, then one line per worker node: index, node id, kind (hornet, Locust and its
 * version, not Python), state (missing ones stand out), users, requests per second over Locust's
 * current window, requests reported, CPU %, memory, and how long ago its last heartbeat came.
 * Scrollable. Main thread (curses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "panel.h"
#include "units.h"

/* Columns after the id: title, width (right-aligned numbers, left-aligned words). */
static const struct {
    const char *title;
    int w;
    bool right;
} WCOL[] = {
    {"Kind", 18, false}, {"State", 9, false}, {"Users", 7, true}, {"RPS", 9, true},
    {"Requests", 10, true}, {"CPU %", 7, true}, {"Memory", 9, true}, {"Heartbeat", 11, true},
};

#define N_WCOL (sizeof WCOL / sizeof WCOL[0])

static char *memory_text(char *out, size_t n, uint64_t bytes)
{
    if (bytes == 0)
        snprintf(out, n, "-");
    else if (bytes < 10u << 20)
        snprintf(out, n, "%.1f MB", (double)bytes / (1 << 20));
    else if (bytes < 10ull << 30)
        snprintf(out, n, "%.0f MB", (double)bytes / (1 << 20));
    else
        snprintf(out, n, "%.1f GB", (double)bytes / (1 << 30));
    return out;
}

static void cells(const struct snap_worker *w, double now, char out[N_WCOL][32])
{
    char v[24];

    snprintf(out[0], 32, "%s", w->kind);
    snprintf(out[1], 32, "%s", w->state);
    snprintf(out[2], 32, "%u", w->users);
    snprintf(out[3], 32, "%s", units_rate(v, sizeof v, w->rps, 8));
    snprintf(out[4], 32, "%s", units_count(v, sizeof v, w->requests, 9));
    snprintf(out[5], 32, "%.1f", w->cpu);
    memory_text(out[6], 32, w->memory);
    if (w->last_heartbeat <= 0)
        snprintf(out[7], 32, "none yet");
    else
        snprintf(out[7], 32, "%s ago", units_span(v, sizeof v, now - w->last_heartbeat));
}

static attr_t state_attr(const struct theme *t, const struct snap_worker *w)
{
    if (strcmp(w->state, "missing") == 0)
        return t->attr[THEME_ERROR];
    if (strcmp(w->state, "running") == 0 || strcmp(w->state, "spawning") == 0)
        return t->attr[THEME_OK];
    return t->attr[THEME_DIM];
}

/* Columns that fit after an id column of at least 24: the rest are dropped from the right. */
static size_t cols_shown(int w, int *id_w)
{
    size_t n = N_WCOL;
    int used = 6;

    for (size_t i = 0; i < N_WCOL; i++)
        used += WCOL[i].w + 1;
    while (n > 3 && w - used < 24)
        used -= WCOL[--n].w + 1;
    *id_w = w - used > 24 ? w - used : 24;
    return n;
}

static void row(const struct app *a, WINDOW *win, int y, struct rect in, size_t n_cols, int id_w,
                const char *idx, const char *id, char texts[N_WCOL][32], attr_t base,
                attr_t state)
{
    const struct theme *t = &a->theme;
    char fitted[SNAP_WORKER_ID_MAX + 8];
    int x = in.x;

    draw_rtext(win, t, y, x, 4, base, idx);
    x += 6;
    text_fit_mid(t, fitted, sizeof fitted, id, id_w - 1);
    draw_text(win, t, y, x, id_w - 1, base, fitted);
    x += id_w;
    for (size_t c = 0; c < n_cols && x < in.x + in.w; c++) {
        attr_t at = c == 1 ? state : base;
        int w = WCOL[c].w < in.x + in.w - x ? WCOL[c].w : in.x + in.w - x;

        if (WCOL[c].right)
            draw_rtext(win, t, y, x, w, at, texts[c]);
        else
            draw_text(win, t, y, x, w, at, texts[c]);
        x += WCOL[c].w + 1;
    }
}

static void summary(const struct app *a, WINDOW *win, struct rect in)
{
    const struct snapshot *s = a->snap;
    const struct theme *t = &a->theme;
    char text[SNAP_NAME_MAX + 160];

    if (s->state == RUN_READY && s->workers_ready < s->expect_workers)
        snprintf(text, sizeof text, "Listening at %s: %u of %u workers connected, the run "
                 "starts when all are", s->master, s->workers_ready, s->expect_workers);
    else
        snprintf(text, sizeof text, "Listening at %s: %u worker%s ready of %u known", s->master,
                 s->workers_ready, s->workers_ready == 1 ? "" : "s", s->n_workers);
    draw_text(win, t, in.y, in.x, in.w, t->attr[THEME_NORMAL], text);
}

static void workers_draw(struct panel *p, WINDOW *win, struct rect r)
{
    struct app *a = p->app;
    const struct snapshot *s = a->snap;
    const struct theme *t = &a->theme;
    struct rect in = panel_frame(p, win, r, "Workers");
    char head[N_WCOL][32], texts[N_WCOL][32], idx[16];
    uint32_t shown = s->n_workers < SNAP_MAX_WORKERS ? s->n_workers : SNAP_MAX_WORKERS;
    int id_w, rows = in.h - 3, max_top;
    size_t n_cols = cols_shown(in.w, &id_w);

    if (in.h < 4 || in.w < 40)
        return;
    summary(a, win, in);
    for (size_t c = 0; c < N_WCOL; c++)
        snprintf(head[c], sizeof head[c], "%s", WCOL[c].title);
    row(a, win, in.y + 2, in, n_cols, id_w, "#", "Worker", head, t->attr[THEME_TITLE],
        t->attr[THEME_TITLE]);
    max_top = (int)shown > rows ? (int)shown - rows : 0;
    a->workers.page = rows;
    if (a->workers.top > max_top)
        a->workers.top = max_top;
    for (int i = 0; i < rows && (uint32_t)(a->workers.top + i) < shown; i++) {
        const struct snap_worker *w = &s->workers[a->workers.top + i];

        cells(w, s->now, texts);
        snprintf(idx, sizeof idx, "%u", w->index);
        row(a, win, in.y + 3 + i, in, n_cols, id_w, idx, w->id, texts, A_NORMAL,
            state_attr(t, w));
    }
    if (s->n_workers == 0)
        draw_text(win, t, in.y + 3, in.x, in.w, t->attr[THEME_DIM], "No worker yet: start "
                  "them with hornet --worker --master-host THIS_HOST (or Locust's --worker).");
    else if (s->n_workers > shown && in.h > 3 + (int)shown)
        draw_text(win, t, in.y + 3 + (int)shown, in.x, in.w, t->attr[THEME_DIM],
                  "(more workers than this view lists)");
}

static bool workers_update(struct panel *p, const struct snapshot *s)
{
    uint64_t h = panel_mix(s->n_workers, s->workers_ready);

    h = panel_mix(h, (uint64_t)s->now);     /* heartbeat ages move every second */
    for (uint32_t i = 0; i < s->n_workers && i < SNAP_MAX_WORKERS; i++) {
        h = panel_mix(h, s->workers[i].users);
        h = panel_mix(h, s->workers[i].requests);
        h = panel_mix(h, (uint64_t)s->workers[i].state[0] << 8 | (uint64_t)s->workers[i].state[1]);
    }
    return panel_changed(p, h);
}

static const struct panel_ops workers_ops = {workers_update, workers_draw, NULL};

struct panel *panel_workers_create(void)
{
    struct panel *p = calloc(1, sizeof *p);

    if (p)
        p->ops = &workers_ops;
    return p;
}
