/* Helpers of the Locust protocol tests: the fixtures that tests/fixtures/locust/
 * make_stats_fixture.py wrote with Locust's own code. Run from the repository root. */
#ifndef HORNET_TESTS_LOCUST_FIXTURE_H
#define HORNET_TESTS_LOCUST_FIXTURE_H

#include <stddef.h>

/* The bytes of the file at path (malloc'ed, NUL-terminated beyond *len; free() them). Fails
 * the running cmocka test when the file cannot be read. */
char *locust_fixture_slurp(const char *path, size_t *len);

/* The same for tests/fixtures/locust/<name>. */
char *locust_fixture_read(const char *name, size_t *len);

/* Fail the running test, showing where two frames first differ, unless they are equal. */
void locust_fixture_assert_same(const void *got, size_t got_len, const void *want,
                                size_t want_len);

#endif
