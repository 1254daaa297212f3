/* target_main: the hornet-target program: parse the command line, then serve until SIGINT or
 * SIGTERM (target_run). Main thread. */
#include <stdio.h>
#include "target/target.h"
#if defined(__has_include)
#if __has_include("version.h")
#include "version.h"            /* engine/version.h: hornet's one version string */
#endif
#endif
#ifndef HORNET_VERSION
#define HORNET_VERSION "0.1.0"
#endif

int main(int argc, char **argv)
{
    struct target_config c;
    enum target_action action;
    char err[300];

    target_config_defaults(&c);
    if (target_config_parse_args(&c, argc, argv, &action, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (action == TARGET_ACTION_HELP) {
        target_usage(stdout);
        return 0;
    }
    if (action == TARGET_ACTION_VERSION) {
        printf("hornet-target %s\n", HORNET_VERSION);
        return 0;
    }
    return target_run(&c);
}
