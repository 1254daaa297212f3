/* junit: verdicts as JUnit XML, the test-report format CI systems read (Ant's format, as
 * Jenkins, GitLab, GitHub Actions' reporters and Python's junitparser take it; the schema in
 * tests/fixtures/junit/junit.xsd). Two layers:
 * - a model: suites of test cases, each passed, failed (<failure>: the check did not hold),
 *   in error (<error>: it could not be judged, the run was aborted or broke) or skipped,
 *   rendered as one <testsuites> document (a campaign of several scenarios is several suites;
 *   more kinds of checks, such as backend-health limits, are more cases added to a suite);
 * - the cases of one run from its snapshot (junit_add_run): one per performance target, with
 *   the measured value, the bound and the window in the message, one per backend-health limit
 *   (class "<scenario>.health": its last value, minimum, maximum and verdict), and the run's
 *   own checks (unexpected failures when no rate target allows them, an abort, an engine
 *   error), so a suite has no failure and no error exactly when verdict_passed says the run
 *   passed. More kinds of cases (a campaign's scenario that stopped before its load or did
 *   not run) join a suite through junit_suite_add. Main thread. */
#ifndef HORNET_JUNIT_H
#define HORNET_JUNIT_H

#include <stddef.h>
#include "snapshot.h"
#include "strbuf.h"

enum junit_outcome { JUNIT_PASSED = 0, JUNIT_FAILURE, JUNIT_ERROR, JUNIT_SKIPPED };

#define JUNIT_TEXT_MAX 512

struct junit_case {
    char name[JUNIT_TEXT_MAX];      /* "GET /api/v1/x/: p99 < 500 ms" */
    char classname[JUNIT_TEXT_MAX]; /* "<scenario>.targets", "<scenario>.run" */
    enum junit_outcome outcome;
    char type[64];                  /* failure/error/skipped type: "target", "aborted" */
    char message[JUNIT_TEXT_MAX];   /* the one line CI shows */
    char text[2 * JUNIT_TEXT_MAX];  /* details: the element's body (or system-out when it
                                       passed) */
    double time;                    /* seconds */
};

struct junit_property {
    char name[64];
    char value[JUNIT_TEXT_MAX];
};

#define JUNIT_MAX_PROPERTIES 16

struct junit_suite {
    char name[JUNIT_TEXT_MAX];
    double start;                   /* unix seconds (timestamp attribute, UTC); 0: none */
    double time;                    /* seconds */
    struct junit_property properties[JUNIT_MAX_PROPERTIES];
    size_t n_properties;
    struct junit_case *cases;       /* owned; junit_suite_free releases them */
    size_t n_cases, cap_cases;
};

/* An empty suite named name. */
void junit_suite_init(struct junit_suite *s, const char *name, double start, double time);
void junit_suite_free(struct junit_suite *s);

/* Append a copy of c. -1 when out of memory. */
int junit_suite_add(struct junit_suite *s, const struct junit_case *c);

/* The run's cases from its (final) snapshot: each target, each health limit, then the run's
 * own checks (see above); the suite's properties (host, verdict, requests, failures). -1 when
 * out of memory. */
int junit_add_run(struct junit_suite *s, const struct snapshot *snap);

/* Write the document (<testsuites> with every suite and the totals, text escaped for XML) to
 * path atomically (directories created). -1 with "cannot write PATH: reason" in err. */
int junit_write_file(const char *path, const struct junit_suite *suites, size_t n, char *err,
                     size_t errlen);

#endif
