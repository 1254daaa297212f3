/* headless: the console view of the host loop. Main thread, the default ev loop. */
#include <ev.h>
#include <unistd.h>
#include "headless.h"
#include "host.h"

int headless_run(struct run *r)
{
    struct host_view view = {.table_fd = r->opt->only_summary || r->opt->worker ? -1
                                                                       : STDOUT_FILENO};

    host_run(r, ev_default_loop(0), &view);
    return run_end(r);
}
