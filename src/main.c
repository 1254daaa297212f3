/* main: hornet's entry point. Raises the open-file limit, parses the options, and runs the
 * scenario headless or in the dashboard. Only main exits. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <curl/curl.h>
#include <ev.h>
#include "campaign.h"
#include "escape.h"
#include "headless.h"
#include "live.h"
#include "locustfile.h"
#include "log.h"
#include "options.h"
#include "report.h"
#include "run.h"
#include "version.h"

extern char **environ;

/* Raise the soft open-file limit to the hard limit: every user needs a connection. */
static void raise_fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int parse(struct options *o, int argc, char **argv)
{
    char err[512];

    if (options_parse(o, argc, argv, environ, err, sizeof err) < 0) {
        escape_fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (o->help) {
        options_usage(stdout);
        return 0;
    }
    if (o->version) {
        printf("hornet %s (libcurl %s, libev %d.%d)\n", HORNET_VERSION,
               curl_version_info(CURLVERSION_NOW)->version, ev_version_major(),
               ev_version_minor());
        return 0;
    }
    return -1;
}

int main(int argc, char **argv)
{
    struct options opt;
    struct run run;
    char err[512];
    int rc;

    if (argc > 1 && strcmp(argv[1], "report") == 0)    /* hornet report PREFIX ... */
        return report_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "locustfile") == 0)  /* hornet locustfile SCENARIO */
        return locustfile_main(argc - 1, argv + 1);
    raise_fd_limit();
    /* A reader that goes away (| head, a closed terminal) must not kill the run: a write then
     * fails with EPIPE, the console stops printing, the run and its files go on. */
    signal(SIGPIPE, SIG_IGN);
    if (argc > 1 && strcmp(argv[1], "campaign") == 0) { /* hornet campaign FILE ... */
        curl_global_init(CURL_GLOBAL_DEFAULT);
        rc = campaign_main(argc - 1, argv + 1);
        curl_global_cleanup();
        return rc;
    }
    if ((rc = parse(&opt, argc, argv)) >= 0) {
        options_free(&opt);
        return rc;
    }
    enum log_level level = LOG_LEVEL_INFO;
    if (log_level_parse(opt.loglevel, &level) < 0 ||
        log_init(level, opt.logfile, true, err, sizeof err) < 0) {
        escape_fprintf(stderr, "hornet: %s\n", err);
        options_free(&opt);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (opt.worker && !opt.headless) {
        log_msg(LOG_LEVEL_INFO, "Worker node: no dashboard (the master shows the run); logging "
                "here");
        opt.headless = true;
    }
    rc = run_prepare(&run, &opt);
    if (rc == 0)    /* the dashboard falls back to headless, with a note, without a terminal */
        rc = opt.headless ? headless_run(&run) : live_run(&run);
    run_free(&run);
    curl_global_cleanup();
    log_close();
    options_free(&opt);
    return rc;
}
