/* panel: the factory of the dashboard's panels and helpers they share. Main thread. */
#include <stdlib.h>
#include "panel.h"

struct panel *panel_create(enum panel_id id, struct app *app)
{
    struct panel *p = NULL;

    switch (id) {
    case P_STATUS: p = panel_status_create(); break;
    case P_TABS: p = panel_tabs_create(); break;
    case P_FOOTER: p = panel_footer_create(); break;
    case P_RPS: case P_LATENCY: case P_USERS: case P_EP_RPS: case P_EP_LATENCY: case P_LAG:
        p = panel_chart_create(id);
        break;
    case P_ENDPOINTS: p = panel_endpoints_create(); break;
    case P_FAILURES: case P_EP_FAILURES: p = panel_failures_create(id); break;
    case P_EVENTS: p = panel_events_create(); break;
    case P_DETAIL: p = panel_detail_create(); break;
    case P_TARGETS: p = panel_targets_create(); break;
    case P_TARGET_TREND: p = panel_trend_create(); break;
    case P_HEALTH: p = panel_health_create(); break;
    case P_HEALTH_CHART: p = panel_health_chart_create(); break;
    case P_HEALTH_STRIP: p = panel_health_strip_create(); break;
    case P_WORKERS: p = panel_workers_create(); break;
    case P_COUNT: break;
    }
    if (p) {
        p->app = app;
        p->id = id;
        p->sig = ~0ull;
    }
    return p;
}

void panel_destroy(struct panel *p)
{
    if (!p)
        return;
    if (p->ops->destroy)
        p->ops->destroy(p);
    else
        free(p);
}

uint64_t panel_mix(uint64_t h, uint64_t x)
{
    for (int i = 0; i < 8; i++) {
        h ^= (x >> (8 * i)) & 0xff;
        h *= 1099511628211ull;
    }
    return h;
}

bool panel_changed(struct panel *p, uint64_t v)
{
    if (v == p->sig)
        return false;
    p->sig = v;
    return true;
}

const struct snap_stats *panel_detail_stats(const struct app *a)
{
    const struct snapshot *s = a->snap;

    if (a->detail_ep < s->n_endpoints && a->detail_ep < SNAP_MAX_ENDPOINTS)
        return &s->endpoints[a->detail_ep];
    return &s->total;
}

struct rect panel_frame(const struct panel *p, WINDOW *win, struct rect r, const char *title)
{
    draw_clear(win, r);
    return draw_frame(win, &p->app->theme, r, p->box, title);
}
