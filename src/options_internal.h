/* options_internal: the duration syntax of -t/--run-time, checked by the options tests with
 * every form it accepts and refuses. Pure. */
#ifndef HORNET_OPTIONS_INTERNAL_H
#define HORNET_OPTIONS_INTERNAL_H

#include "options.h"

/* "20", "20s", "3m", "1h30m", "1h20m30s" (also decimals: "1.5", "0.5m") -> seconds.
 * Units h, m, s in that order, each at most once. -1 when unparsable, not > 0, or over 1e9 s. */
double options_parse_duration(const char *text);

#endif
