/* promtext_internal: the names of the metric types, which the tests print. Any thread. */
#ifndef HORNET_PROMTEXT_INTERNAL_H
#define HORNET_PROMTEXT_INTERNAL_H

#include "promtext.h"

/* "untyped", "counter", "gauge", "histogram", "summary". */
const char *promtext_type_name(enum promtext_type t);

#endif
