/* health_unit: the units of backend-health metrics, how their values are written and how a
 * limit's amount is read in them. A unit is free text from the scenario ("connections",
 * "workers", "") except these, which change how values look and which amounts a limit takes:
 *   "bytes"  values as "812 B", "12.3 kB", "312 MB", "1.25 GB" (SI: 1 MB = 1,000,000 bytes);
 *            amounts "350 MB", "350MB", "1.5 GiB" (IEC: 1 MiB = 1,048,576 bytes), "4096"
 *   "%"      values as "23.4%"; amounts "80%" or 80
 *   "s"      values as "412 ms", "1.25 s"; amounts "500ms", "1.5s", or seconds
 *   "/s" and any unit ending in "/s" ("ops/s"): values as "1,234/s"; amounts as numbers
 * Other units: values as plain numbers ("12", "0.52", "1,234", "1.23M"), amounts as numbers.
 * Pure; any thread. */
#ifndef HORNET_HEALTH_UNIT_H
#define HORNET_HEALTH_UNIT_H

#include <stdbool.h>
#include <stddef.h>

enum health_unit_kind { HEALTH_UNIT_PLAIN = 0, HEALTH_UNIT_BYTES, HEALTH_UNIT_PERCENT,
                        HEALTH_UNIT_SECONDS, HEALTH_UNIT_RATE };

/* The kind of a unit's text (NULL or "" is PLAIN). */
enum health_unit_kind health_unit_kind(const char *unit);

/* v written in its unit, at most 4 significant digits: "312 MB", "23.4%", "1.25 s", "52.3/s",
 * "12", "0.52", "1,234", "1.23M"; "-" for NaN. out always NUL-terminated. */
void health_unit_format(const char *unit, double v, char *out, size_t n);

/* Read an amount in the unit from text (surrounding blanks allowed): 0 with *v, or -1 when it
 * is not a finite number in a form the unit takes. */
int health_unit_parse(const char *unit, const char *text, double *v);

/* What health_unit_parse takes, for messages: "a size such as \"350 MB\" or \"1.5 GiB\"". */
const char *health_unit_expected(const char *unit);

#endif
