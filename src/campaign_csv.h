/* campaign_csv: the campaign's own record, OUT/campaign.csv: one row per scenario in campaign
 * order with how it ended and what no other file holds (when it ran, the users and run time it
 * was given, the expected responses it counted as successes, hornet's CPU during its load, why
 * it failed or stopped). Rewritten atomically before and after every scenario, so a campaign
 * that is interrupted or crashes leaves it saying which scenarios ran, which was running and
 * which did not run. `hornet report --campaign OUT` reads it back. Main thread. */
#ifndef HORNET_CAMPAIGN_CSV_H
#define HORNET_CAMPAIGN_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum campaign_status {
    CAMPAIGN_NOT_RUN = 0,
    CAMPAIGN_RUNNING,           /* started and not ended: the campaign stopped in it */
    CAMPAIGN_PASS,
    CAMPAIGN_FAIL,              /* a target failed (or a request, without targets), setup or a
                                   preflight check failed, or hornet could not run it */
    CAMPAIGN_INTERRUPTED,       /* stopped early by the operator (Ctrl-C, n, A, q) */
    CAMPAIGN_STATUS_COUNT
};
/* "NOT RUN", "RUNNING", "PASS", "FAIL", "INTERRUPTED" */
extern const char *const campaign_status_names[CAMPAIGN_STATUS_COUNT];

#define CAMPAIGN_TEXT_MAX 640

struct campaign_row {
    char campaign[160];                 /* the campaign's name (the same in every row) */
    uint32_t index;                     /* 1-based */
    char name[160];
    char scenario[512];                 /* the scenario file as the campaign names it */
    char prefix[160];                   /* the files' prefix inside OUT: "01_deployments" */
    enum campaign_status status;
    int exit_code;                      /* hornet's exit code for it; -1: did not end */
    uint32_t users;                     /* peak users it was given */
    double spawn_rate, run_time;        /* users per second; seconds (0: until stopped) */
    char host[256];
    double start, end;                  /* unix seconds; 0: not started / not ended */
    uint64_t expected;                  /* responses with an expected non-2xx status */
    double cpu_percent;                 /* hornet's worker threads' CPU over its run, % of all
                                           the machine's CPUs; < 0: not measured */
    double saturated_seconds;           /* how long hornet itself was the bottleneck (its worker
                                           timers late: saturation.h); < 0: not measured */
    bool embedded_target;               /* the built-in target ran in hornet's process (sharing
                                           the machine; its CPU is not in cpu_percent) */
    char message[CAMPAIGN_TEXT_MAX];    /* why it failed or stopped; "" */
};

/* Write rows to OUT/campaign.csv atomically. -1 with the error in err. */
int campaign_csv_write(const char *out_dir, const struct campaign_row *rows, size_t n,
                       char *err, size_t errlen);

/* Read OUT/campaign.csv into *rows (malloc'd, *n of them). -1 with "FILE:LINE: reason". */
int campaign_csv_read(const char *out_dir, struct campaign_row **rows, size_t *n, char *err,
                      size_t errlen);

#endif
