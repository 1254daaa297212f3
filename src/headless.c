/* headless: the console view of the host loop. Main thread, the default ev loop. */
#include <ev.h>
#include <stdio.h>
#include <unistd.h>
#include "headless.h"
#include "host.h"

int headless_run(struct run *r)
{
    struct host_view view = {.table_fd = r->opt->only_summary || r->opt->worker ? -1
                                         : fileno(run_console(r))};
    int rc;

    host_run(r, ev_default_loop(0), &view);
    rc = run_end(r);
    host_linger(r, ev_default_loop(0), r->opt->metrics_linger);
    return rc;
}
