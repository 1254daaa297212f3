/* ui: hornet's live terminal dashboard (ncursesw): status bar, charts of requests/s, response
 * time percentiles and users, the endpoint table, failures, the event log, the targets, a
 * detail view per endpoint, and keys to ramp users by hand, pause, stop, reset and write
 * snapshot files. It only draws snapshots and the run's timeline, and turns keys into
 * commands through its host: it knows nothing of how a run is made. Main thread only. */
#ifndef HORNET_UI_H
#define HORNET_UI_H

#include <stdbool.h>
#include <stddef.h>
#include "engine_cmd.h"
#include "snapshot.h"
#include "timeline.h"

struct ev_loop;
struct dashboard;

/* What the dashboard needs from whoever runs it. */
struct ui_host {
    void (*send)(void *arg, const struct engine_cmd *cmd);  /* keys become commands */
    /* The snapshot key: write the files; 0 with what was written in msg, -1 with the error. */
    int (*snapshot)(void *arg, char *msg, size_t n);
    void *arg;
    /* In a campaign: its line for the status bar ("Campaign 2 of 4: CAB approvals, next:
     * Connector publishing"), borrowed until ui_close; the keys n (next scenario) and A (abort
     * the campaign) then work. NULL: a single run. */
    const char *campaign;
};

/* What the operator asked of the campaign before the dashboard ended. */
enum ui_campaign { UI_CAMPAIGN_NONE = 0, UI_CAMPAIGN_NEXT, UI_CAMPAIGN_ABORT };

/* Why no dashboard can run on this process's terminal ("stdout is not a terminal", ...), or
 * NULL when it can. */
const char *ui_unusable(void);

/* Take the terminal (alternate screen, curses) and watch the keyboard and window size on
 * loop. timeline (borrowed: must outlive the dashboard) is the run's record that the Log view
 * shows. ascii: plain ASCII charts and frames. NULL with a reason in err when curses cannot
 * start or memory runs out (the terminal is then left as it was). */
struct dashboard *ui_open(struct ev_loop *loop, const struct ui_host *host,
                          const struct timeline *timeline, bool ascii, char *err,
                          size_t errlen);

/* The newest snapshot s (borrowed until the next call; fresh when it changed) at wall-clock
 * now: redraw what changed. */
void ui_update(struct dashboard *d, const struct snapshot *s, bool fresh, double now);

/* A stop signal: the first stops the users and quits when they are done, the second quits at
 * once. */
void ui_interrupt(struct dashboard *d, double now);

/* Whether the operator is done: quit asked and the run finished (or a quit at once), or the
 * run finished by itself and the operator did not stop it to keep looking. */
bool ui_done(const struct dashboard *d);

/* The campaign key the operator confirmed (before ui_close). */
enum ui_campaign ui_campaign_choice(const struct dashboard *d);

/* Give the terminal back exactly as it was and free d. */
void ui_close(struct dashboard *d);

#endif
