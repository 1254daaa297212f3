/* layout: where each panel goes for a view and a terminal size. Three fixed lines (the
 * two-line status bar, the tab bar, the footer) and the view's panels in between; boxed frames
 * from 100x32, title rules below that; three charts side by side from 150 columns; on the
 * Overview, a compact targets panel when the scenario has targets and a health strip (a title
 * rule and one or two lines of metrics over the endpoint table) when it polls backend health;
 * the Targets view lists them over the trend chart of the selected one when there is room, the
 * Health view its metrics and sources over the chart of the selected metric. Pure; main
 * thread. */
#ifndef HORNET_LAYOUT_H
#define HORNET_LAYOUT_H

#include <stdbool.h>
#include "app.h"
#include "draw.h"

#define LAYOUT_MIN_W 80
#define LAYOUT_MIN_H 24
#define LAYOUT_MAX_SLOTS 12

enum panel_id {
    P_STATUS = 0, P_TABS, P_FOOTER,
    P_RPS, P_LATENCY, P_USERS, P_ENDPOINTS, P_FAILURES, P_EVENTS,
    P_DETAIL, P_EP_RPS, P_EP_LATENCY, P_EP_FAILURES, P_TARGETS, P_TARGET_TREND,
    P_HEALTH, P_HEALTH_CHART, P_HEALTH_STRIP,
    P_LAG, P_WORKERS,
    P_COUNT
};

#define LAYOUT_USERS_OVERLAY 1  /* the RPS chart also draws users (no users chart shown) */
#define LAYOUT_COMPACT 2        /* the targets panel's Overview form: one line per target */
#define LAYOUT_SELECT 4         /* the targets list shows its selection (a trend is charted) */
#define LAYOUT_EVENTS_MIN 3     /* event lines kept under the Overview's targets panel */
#define LAYOUT_TREND_MIN 10     /* lines the Targets view's trend chart needs to be shown */
#define LAYOUT_HEALTH_CELL 26   /* columns of one metric in the Overview's health strip */

struct slot {
    enum panel_id id;
    struct rect r;
    bool box;                   /* full frame, else a title rule */
    int flags;
};

/* Whether w x h is below the 80x24 the dashboard needs. */
bool layout_too_small(int w, int h);

/* The slots of view v on a w x h screen (>= 80x24); table_rows is how many rows the endpoint
 * table would like (endpoints with requests + Aggregated) so spare lines go to other panels;
 * target_rows how many the Overview's compact targets panel would like (0: the scenario has
 * no targets, no panel); health_rows how many lines the Health view's list would like (its
 * metrics and sources; 0: no health polled, no strip on the Overview). Returns the number of
 * slots written to out (LAYOUT_MAX_SLOTS room). */
int layout_compute(enum view v, int w, int h, int table_rows, int target_rows, int health_rows,
                   struct slot *out);


#endif
