/* panel: the dashboard's components behind one small vtable (as htop's Panel): update() looks
 * at a new snapshot and says whether what the panel shows changed, draw() paints the panel
 * into a rectangle of a window (its frame too). Panels read the shared state (theme, sort,
 * selection, scroll) from the app and write back only scroll positions they clamp.
 * Main thread (curses). */
#ifndef HORNET_PANEL_H
#define HORNET_PANEL_H

#include <stdbool.h>
#include <stdint.h>
#include <curses.h>
#include "app.h"
#include "draw.h"
#include "layout.h"

struct panel;

struct panel_ops {
    /* A new snapshot: true when the panel's content changed and it must be drawn again. */
    bool (*update)(struct panel *p, const struct snapshot *s);
    /* Paint the whole rectangle r of win (frame and content). */
    void (*draw)(struct panel *p, WINDOW *win, struct rect r);
    void (*destroy)(struct panel *p);
};

struct panel {
    const struct panel_ops *ops;
    struct app *app;
    enum panel_id id;
    bool box;                   /* full frame (from the layout slot) */
    int flags;                  /* LAYOUT_* flags of the slot */
    uint64_t sig;               /* what update() saw last time */
};

/* A panel of kind id over app (borrowed). NULL when out of memory. */
struct panel *panel_create(enum panel_id id, struct app *app);
void panel_destroy(struct panel *p);

/* The help overlay: every binding of the keymap, grouped. Drawn in r (boxed). */
void panel_help_draw(const struct app *a, WINDOW *win, struct rect r);

/* The lines the help overlay needs at width w (to size its window). */
int panel_help_height(int w);

/* Constructors of each kind (panel_create dispatches to them). */
struct panel *panel_status_create(void);
struct panel *panel_tabs_create(void);
struct panel *panel_footer_create(void);
struct panel *panel_chart_create(enum panel_id id);
struct panel *panel_endpoints_create(void);
struct panel *panel_failures_create(enum panel_id id);
struct panel *panel_events_create(void);
struct panel *panel_detail_create(void);
struct panel *panel_targets_create(void);
struct panel *panel_trend_create(void);
struct panel *panel_health_create(void);
struct panel *panel_health_chart_create(void);
struct panel *panel_health_strip_create(void);
struct panel *panel_workers_create(void);

/* The badge's text into out and its attribute into *attr; false (nothing written) when the
 * scenario has no targets. */
bool panel_targets_badge_text(const struct app *a, bool so_far, char *out, size_t n,
                              attr_t *attr);

/* Helpers shared by panels. */
/* true (and sig updated) when v differs from the last signature. */
bool panel_changed(struct panel *p, uint64_t v);
/* Mix x into the running signature h (FNV-1a over 8 bytes). */
uint64_t panel_mix(uint64_t h, uint64_t x);
/* The stats the detail view shows: an endpoint, or Aggregated. */
const struct snap_stats *panel_detail_stats(const struct app *a);
/* Frame r with title; returns the inner rectangle. */
struct rect panel_frame(const struct panel *p, WINDOW *win, struct rect r, const char *title);

/* Backend health (panel_health.c), shared by the Health view, its chart and the Overview's
 * strip. */
/* Metric k over [from, to] (unix s) in `cells` slices: each the highest value polled in it,
 * the last one polled before it when polls are sparser than slices, NaN for a gap. Returns
 * how many slices have a value. */
int panel_health_sample(const struct app *a, uint32_t k, double from, double to, int cells,
                        double *out);
/* Metric k's sparkline over the run in w columns at (y, x) (eighth blocks, or ASCII marks),
 * from 0 (or its lowest value below 0) to its highest. Returns the columns drawn (0: no value
 * yet). */
int panel_health_spark(const struct app *a, WINDOW *win, int y, int x, int w, uint32_t k,
                       attr_t attr);
/* A metric's status colour and glyph (no limit: the accent colour and a blank). */
attr_t panel_health_attr(const struct theme *t, const struct snap_health_metric *m, bool final);
const char *panel_health_glyph(const struct theme *t, const struct snap_health_metric *m,
                               bool final);
/* "✔ 3 of 3 limits kept, 2 of 2 sources up" and its attribute (failing red, a source down
 * yellow, else green). */
void panel_health_verdict(const struct app *a, char *out, size_t n, attr_t *attr);
/* What the health panels show changed: values, statuses, sources, the second, the selection. */
uint64_t panel_health_signature(const struct app *a, const struct snapshot *s);

#endif
