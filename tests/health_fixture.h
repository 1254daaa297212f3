/* health_fixture: what the backend-health tests share: a scenario around a health block's
 * sources, and a captured exporter page read whole. Test thread. */
#ifndef HORNET_TESTS_HEALTH_FIXTURE_H
#define HORNET_TESTS_HEALTH_FIXTURE_H

#include <stddef.h>
#include "scenario.h"

/* A scenario of one user class whose health block has these sources (a JSON object text);
 * the test fails when it does not load. The caller frees it (scenario_free). */
struct scenario *health_fixture_load(const char *sources);

/* The whole file at path (from the repository root), NUL-terminated, its size in *len;
 * malloc'd. The test fails when it cannot be read. */
char *health_fixture_read(const char *path, size_t *len);

#endif
