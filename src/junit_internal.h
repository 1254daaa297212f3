/* junit_internal: the parts of the JUnit model that only junit.c and the tests call yet:
 * adding a case of another kind to a suite, and the document as text. Main thread. */
#ifndef HORNET_JUNIT_INTERNAL_H
#define HORNET_JUNIT_INTERNAL_H

#include "junit.h"

/* Append a copy of c. -1 when out of memory. */
int junit_suite_add(struct junit_suite *s, const struct junit_case *c);

/* The document: <?xml ...?><testsuites ...> with every suite and the totals. Text is escaped
 * for XML (control characters and bytes that are not UTF-8 become '?'). -1 when out of
 * memory. */
int junit_render(const struct junit_suite *suites, size_t n, struct strbuf *out);

#endif
