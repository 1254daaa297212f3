/* live: the dashboard as the host loop's view. Main thread, the default ev loop. */
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "escape.h"
#include "headless.h"
#include "host.h"
#include "live.h"
#include "log.h"
#include "ui.h"

static void send_cb(void *arg, const struct engine_cmd *cmd)
{
    run_send(arg, cmd);
}

static int snapshot_cb(void *arg, char *msg, size_t n)
{
    return run_export_snapshot(arg, msg, n);
}

static void update_cb(void *arg, const struct snapshot *s, bool fresh, double now)
{
    ui_update(arg, s, fresh, now);
}

static void interrupt_cb(void *arg, int count, double now)
{
    (void)count;
    ui_interrupt(arg, now);
}

static bool done_cb(void *arg, const struct snapshot *s)
{
    (void)s;
    return ui_done(arg);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void note(struct run *r, const char *fmt, ...)
{
    struct engine_cmd c = {.type = ENGINE_NOTE, .who = EVENT_ENGINE};
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c.text, sizeof c.text, fmt, ap);
    va_end(ap);
    run_send(r, &c);
}

/* With --print-stats the dashboard owns the terminal: the table goes to the --logfile every
 * 2 s (as Locust prints it in web UI runs), or the event log says where to look instead.
 * Returns the descriptor for the table, -1 for none. */
static int print_stats_fd(struct run *r)
{
    const struct options *o = r->opt;
    int fd;

    if (!o->print_stats)
        return -1;
    if (!o->logfile) {
        note(r, "--print-stats: no --logfile, the table is shown in the Endpoints view");
        return -1;
    }
    fd = open(o->logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        note(r, "--print-stats: cannot open %s: %s", o->logfile, strerror(errno));
        return -1;
    }
    note(r, "--print-stats: the stats table goes to %s every 2 s", o->logfile);
    return fd;
}

static int headless_instead(struct run *r, const char *why)
{
    escape_fprintf(stderr, "hornet: %s: running headless (--headless skips this note)\n", why);
    return headless_run(r);
}

int live_run(struct run *r)
{
    struct ev_loop *loop = ev_default_loop(0);
    struct ui_host uh = {send_cb, snapshot_cb, r, r->campaign_line};
    struct dashboard *d;
    struct host_view view = {.update = update_cb, .interrupt = interrupt_cb, .done = done_cb};
    char err[256];
    const char *why;

    if ((why = ui_unusable()) != NULL)
        return headless_instead(r, why);
    log_set_stderr(false);
    if (!(d = ui_open(loop, &uh, r->timeline, r->opt->ascii, err, sizeof err))) {
        log_set_stderr(true);
        return headless_instead(r, err);
    }
    view.arg = d;
    view.table_fd = print_stats_fd(r);
    host_run(r, loop, &view);
    if (view.table_fd >= 0)
        close(view.table_fd);
    r->campaign_key = (int)ui_campaign_choice(d);
    ui_close(d);
    log_set_stderr(true);
    return run_end(r);
}
