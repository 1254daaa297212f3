/* campaign_junit: the suites of a campaign's JUnit document. Main thread. */
#include <stdio.h>
#include <stdlib.h>
#include "campaign_junit.h"
#include "junit.h"

struct campaign_junit {
    struct junit_suite *suites;
    size_t n;
};

/* A suite of one case: outcome with its type and message. */
static int one_case(struct junit_suite *s, const char *name, enum junit_outcome outcome,
                    const char *type, const char *message)
{
    struct junit_case c = {.outcome = outcome};

    snprintf(c.name, sizeof c.name, "%s: %s", name, type);
    snprintf(c.classname, sizeof c.classname, "%s.campaign", name);
    snprintf(c.type, sizeof c.type, "%s", type);
    snprintf(c.message, sizeof c.message, "%s", message);
    return junit_suite_add(s, &c);
}

struct campaign_junit *campaign_junit_create(size_t n)
{
    struct campaign_junit *j = calloc(1, sizeof *j);

    if (!j || !(j->suites = calloc(n ? n : 1, sizeof *j->suites))) {
        free(j);
        return NULL;
    }
    j->n = n;
    return j;
}

int campaign_junit_skipped(struct campaign_junit *j, size_t i, const char *name,
                           const char *why)
{
    struct junit_suite *s = &j->suites[i];

    junit_suite_free(s);
    junit_suite_init(s, name, 0, 0);
    return one_case(s, name, JUNIT_SKIPPED, "not run", why);
}

int campaign_junit_ran(struct campaign_junit *j, size_t i, const char *name,
                       const struct snapshot *snap)
{
    struct junit_suite *s = &j->suites[i];

    junit_suite_free(s);
    junit_suite_init(s, name, snap->run_start,
                     (snap->end_time > 0 ? snap->end_time : snap->now) - snap->run_start);
    return junit_add_run(s, snap);
}

int campaign_junit_stopped(struct campaign_junit *j, size_t i, const char *name,
                           const char *why, double start, double end)
{
    struct junit_suite *s = &j->suites[i];

    junit_suite_free(s);
    junit_suite_init(s, name, start, end > start ? end - start : 0);
    return one_case(s, name, JUNIT_ERROR, "preconditions", why);
}

int campaign_junit_write(const struct campaign_junit *j, const char *path, char *err,
                         size_t errlen)
{
    return junit_write_file(path, j->suites, j->n, err, errlen);
}

void campaign_junit_free(struct campaign_junit *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++)
        junit_suite_free(&j->suites[i]);
    free(j->suites);
    free(j);
}
