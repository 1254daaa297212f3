/* junit_internal: the part of the JUnit model that only junit.c and the tests call yet: the
 * document as text. Main thread. */
#ifndef HORNET_JUNIT_INTERNAL_H
#define HORNET_JUNIT_INTERNAL_H

#include "junit.h"

/* The document: <?xml ...?><testsuites ...> with every suite and the totals. Text is escaped
 * for XML (control characters and bytes that are not UTF-8 become '?'). -1 when out of
 * memory. */
int junit_render(const struct junit_suite *suites, size_t n, struct strbuf *out);

#endif
