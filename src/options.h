/* options: hornet's command line, with Locust's option names and precedence:
 * command line > HORNET_<OPTION> environment variables > config file (--config FILE or
 * HORNET_CONFIG, else ./hornet.conf when it exists: "key = value" lines with the long option
 * names) > scenario > defaults. Values that the scenario may also give (users, spawn rate, run
 * time, host) carry a `*_set` flag so main can apply the scenario between the config file and
 * the defaults.
 *
 * Environment: HORNET_ + the long name in upper case with dashes as underscores (HORNET_USERS,
 * HORNET_SPAWN_RATE, HORNET_HEADLESS=true, HORNET_TAGS="a,b"). Empty variables count as unset,
 * and HORNET_* variables that name no option are ignored: scenarios read their own (for example
 * HORNET_PASSWORD through ${env:...}).
 *
 * Main thread only. */
#ifndef HORNET_OPTIONS_H
#define HORNET_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

/* The config file read when neither --config nor HORNET_CONFIG names one (if it exists), and
 * the largest config file read (a larger one is refused, as is anything but a regular file). */
#define OPTIONS_DEFAULT_CONFIG "hornet.conf"
#define OPTIONS_CONFIG_MAX ((size_t)1 << 20)

/* Locust's default port of the master/worker protocol. */
#define OPTIONS_DEFAULT_MASTER_PORT 5557

/* Requests described in detail with -L DEBUG when --debug-requests is not given, and the most
 * it accepts (each is a few lines of log written by a worker thread). */
#define OPTIONS_DEFAULT_DEBUG_REQUESTS 50
#define OPTIONS_MAX_DEBUG_REQUESTS 10000

/* Every string and array below is owned by the struct (options_free releases them). */
struct options {
    char *scenario;             /* positional SCENARIO.json or -f/--scenario/--locustfile */
    char *host;          bool host_set;          /* -H/--host: http:// or https:// URL */
    uint32_t users;      bool users_set;         /* -u/--users; default 1 */
    double spawn_rate;   bool spawn_rate_set;    /* -r/--spawn-rate (> 0); default 1 */
    double run_time;     bool run_time_set;      /* -t/--run-time, seconds (> 0); default 0:
                                                    until stopped */
    double arrival_rate; bool arrival_rate_set;  /* --arrival-rate: iterations per second,
                                                    every class open (0..1000000) */
    uint32_t max_users;  bool max_users_set;     /* --max-users: the open classes' pool
                                                    (1..1000000) */
    bool headless;                               /* --headless */
    bool ascii;                                  /* --ascii: plain ASCII dashboard */
    char *csv_prefix;                            /* --csv PREFIX */
    bool csv_full_history;                       /* --csv-full-history (requires --csv) */
    bool print_stats;                            /* --print-stats */
    bool only_summary;                           /* --only-summary */
    bool reset_stats;                            /* --reset-stats */
    double stop_timeout;                         /* -s/--stop-timeout seconds, default 0 */
    int exit_code_on_error;                      /* --exit-code-on-error 0..255, default 1 */
    char **tags;         size_t n_tags;          /* -T/--tags (repeatable, or comma list) */
    char **exclude_tags; size_t n_exclude_tags;  /* -E/--exclude-tags */
    char **classes;      size_t n_classes;       /* extra positional arguments: user classes */
    char *loglevel;                              /* -L/--loglevel, canonical upper case: DEBUG
                                                    INFO WARNING ERROR CRITICAL; default INFO */
    char *logfile;                               /* --logfile */
    uint32_t debug_requests;                     /* --debug-requests N: with -L DEBUG, the first
                                                    N requests are traced; 0: none. Default
                                                    OPTIONS_DEFAULT_DEBUG_REQUESTS */
    char *config;                                /* the config file that was read (--config,
                                                    HORNET_CONFIG or ./hornet.conf); NULL: none */
    int threads;                                 /* --threads N (>= 1); 0: one per CPU */
    uint64_t seed;       bool seed_set;          /* --seed */
    char *report_md;                             /* --report FILE.md */
    char *report_html;                           /* --html FILE.html */
    bool no_targets;                             /* --no-targets */
    bool no_health;                              /* --no-health: ignore the health block */
    char **target_options; size_t n_target_options; /* --target-option NAME=VALUE: options
                                                    of hornet-target for the built-in target */
    bool failures_seen_columns;                  /* --csv-failures-seen: Locust 2.44+ columns
                                                    (requires --csv) */
    char *cacert;                                /* --cacert FILE: CA certificates (PEM) */
    bool insecure;                               /* --insecure: no TLS verification */
    char *cert;                                  /* --cert FILE: client certificate (PEM) */
    char *key;                                   /* --key FILE: its private key (requires
                                                    --cert) */
    bool json;                                   /* --json: final stats as JSON on stdout */
    char *json_file;                             /* --json-file PREFIX: PREFIX.json */
    char *junit;                                 /* --junit FILE.xml: the targets' verdicts */
    int metrics_port;    bool metrics_port_set;  /* --metrics-port 0..65535 (0: a free one) */
    char *metrics_host;                          /* --metrics-host, default 127.0.0.1 */
    double metrics_linger;                       /* --metrics-linger seconds (headless: serve
                                                    the final numbers this long after the end;
                                                    requires --metrics-port) */
    bool worker;                                 /* --worker: run users for a Locust master */
    bool master;                                 /* --master: dispatch users to worker nodes */
    char *master_host;                           /* --master-host, default 127.0.0.1 */
    int master_port;                             /* --master-port, default 5557 */
    char *master_bind_host;                      /* --master-bind-host, default "*" */
    int master_bind_port;                        /* --master-bind-port, default 5557 (0: a
                                                    free port, logged) */
    uint32_t expect_workers;                     /* --expect-workers, default 1 */
    bool version;                                /* --version */
    bool help;                                   /* -h/--help */
};

/* Parse argv and the environment (envp, NULL-terminated "NAME=value" strings; NULL for none)
 * and the config file, with the precedence above, into o (zeroed and defaulted first).
 * When -h/--help or --version is on the command line, only that flag is set and nothing else
 * is read (returns 0). Without a scenario file (positional, -f, HORNET_SCENARIO or the config
 * file) it is a usage error. On a usage error returns -1 with one clear line in err
 * ("hornet: -u/--users: expected a whole number >= 0, got '-5'"; config file errors carry
 * "file:line:", environment errors the variable's name) and o holds nothing; the caller exits
 * with status 2. options_free(o) is safe after either outcome. */
int options_parse(struct options *o, int argc, char **argv, char **envp, char *err,
                  size_t errlen);

/* The --help text, grouped as Locust's, with every option, its default and examples. */
void options_usage(FILE *out);

/* Free what o owns and zero it. Safe on a zeroed struct and twice. */
void options_free(struct options *o);

#endif
