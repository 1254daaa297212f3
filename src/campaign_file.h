/* campaign_file: a campaign file (JSON): scenarios run one after the other, each with its own
 * overrides (users, spawn rate, run time, host, name), a cool-down between them, and whether a
 * failed scenario stops the campaign. Read with the scenario loader's JSON reading (loader.h),
 * so an error is one line "file:line:col: path: message". The format is documented in
 * scenarios/README.md (Campaigns). Main thread. */
#ifndef HORNET_CAMPAIGN_FILE_H
#define HORNET_CAMPAIGN_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAMPAIGN_MAX_SCENARIOS 32

struct campaign_entry {
    char *scenario;             /* the scenario file, resolved against the campaign's directory */
    char *name;                 /* "name" in the campaign; NULL: the scenario's own */
    uint32_t users;      bool users_set;
    double spawn_rate;   bool spawn_rate_set;
    double run_time;     bool run_time_set;     /* seconds */
    char *host;                 /* NULL: the scenario's (or the built-in target) */
    bool stop_on_fail;          /* this one failing stops the campaign (default: the
                                   campaign's) */
};

struct campaign_file {
    char *path;
    char *name;                 /* default: the file name without .json */
    char *description;          /* may be NULL */
    double cool_down;           /* seconds between two scenarios (default 0) */
    bool stop_on_fail;          /* default for every entry (default false) */
    struct campaign_entry *entries;
    uint32_t n_entries;         /* 1 .. CAMPAIGN_MAX_SCENARIOS */
};

/* Read and check path. 0 with *out (campaign_file_free), or -1 with one line in err. The
 * scenario files are not read here. */
int campaign_file_load(const char *path, struct campaign_file **out, char *err, size_t errlen);

void campaign_file_free(struct campaign_file *c);

/* A cool-down written on the command line: "0", or a duration as in the file ("10s", "1m",
 * "1.5"). 0, or -1 when it is not one. */
int campaign_file_duration(const char *text, double *out);

#endif
