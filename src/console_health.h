/* console_health: the "Backend health" block of the headless console's final summary: every
 * health metric with its source, newest value, run minimum and maximum, limit and verdict, then
 * one line per source (up or down, polls, and why it is down). Printed before the
 * "Performance targets" table, whose verdict line counts the health limits too.
 *
 * Main thread only; no state. */
#ifndef HORNET_CONSOLE_HEALTH_H
#define HORNET_CONSOLE_HEALTH_H

#include <stdio.h>
#include "snapshot.h"

/* The block; nothing when s polled no health source. */
void console_health_table(FILE *out, const struct snapshot *s);

#endif
