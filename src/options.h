/* options: hornet's command line, with Locust's option names and precedence:
 * command line > HORNET_<OPTION> environment variables > config file (--config FILE, else
 * ./hornet.conf: "key = value" lines with the long option names) > scenario > defaults.
 * Values that the scenario may also give (users, spawn rate, run time, host) carry a `*_set`
 * flag so main can apply the scenario between the config file and the defaults.
 *
 * Main thread only. */
#ifndef HORNET_OPTIONS_H
#define HORNET_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

struct options {
    char *scenario;             /* positional SCENARIO.json or -f/--locustfile/--scenario */
    char *host;          bool host_set;          /* -H/--host */
    uint32_t users;      bool users_set;         /* -u/--users */
    double spawn_rate;   bool spawn_rate_set;    /* -r/--spawn-rate (> 0) */
    double run_time;     bool run_time_set;      /* -t/--run-time, seconds (> 0) */
    bool headless;                               /* --headless */
    char *csv_prefix;                            /* --csv PREFIX */
    bool csv_full_history;                       /* --csv-full-history (requires --csv) */
    bool print_stats;                            /* --print-stats */
    bool only_summary;                           /* --only-summary */
    bool reset_stats;                            /* --reset-stats */
    double stop_timeout;                         /* -s/--stop-timeout seconds, default 0 */
    int exit_code_on_error;                      /* --exit-code-on-error, default 1 */
    char **tags;         size_t n_tags;          /* -T/--tags (repeatable, or comma list) */
    char **exclude_tags; size_t n_exclude_tags;  /* -E/--exclude-tags */
    char **classes;      size_t n_classes;       /* extra positional arguments: user classes */
    char *loglevel;                              /* -L/--loglevel: DEBUG INFO WARNING ERROR */
    char *logfile;                               /* --logfile */
    char *config;                                /* --config FILE */
    int threads;                                 /* --threads N; 0: one per CPU */
    uint64_t seed;       bool seed_set;          /* --seed */
    char *report_md;                             /* --report FILE.md */
    char *report_html;                           /* --html FILE.html */
    bool no_targets;                             /* --no-targets */
    bool failures_seen_columns;                  /* --csv-failures-seen: Locust 2.44+ columns */
    bool version;                                /* --version */
    bool help;                                   /* -h/--help */
};

/* Parse argv and the environment (envp, NULL-terminated "NAME=value" strings) and the config
 * file, with the precedence above, into o (zeroed and defaulted first). On a usage error
 * returns -1 with one clear line in err ("hornet: -u/--users: expected a whole number >= 0,
 * got '-5'"); the caller exits with status 2. */
int options_parse(struct options *o, int argc, char **argv, char **envp, char *err,
                  size_t errlen);

/* "20", "20s", "3m", "1h30m", "1h20m30s" -> seconds. -1 when unparsable or not > 0. */
double options_parse_duration(const char *text);

/* The --help text. */
void options_usage(FILE *out);

void options_free(struct options *o);

#endif
