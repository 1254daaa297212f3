/* health_csv: PREFIX_health.csv, one row per backend-health sample of the run, next to
 * Locust's four files:
 *
 *   Timestamp,Source,Metric,Value,Unit,Limit,Error
 *   1764508301.123,api,DB pool in use,12,connections,< 100,
 *   1764508303.120,api,DB pool in use,,connections,< 100,Connection refused
 *
 * Timestamp: unix seconds with milliseconds, when the poll ended. Source and Metric: the names
 * of the scenario's health block. Value: in the metric's Unit (bytes, %, s, /s or the
 * scenario's own word), the shortest decimal that reads back to the same number; empty when
 * the poll had no value. Limit: the metric's limit as written ("" without). Error: why Value is
 * empty: the failed poll's error, or "no value" when the source answered without this metric
 * (no series matched, a rate's first poll). CRLF line ends and minimal quoting, as Locust's
 * files; rows in time order, a poll's metrics in the scenario's order.
 *
 * Written live (appended and made durable once a second, as the stats history) and at once
 * (the dashboard's snapshot key). Main thread only. */
#ifndef HORNET_HEALTH_CSV_H
#define HORNET_HEALTH_CSV_H

#include <stddef.h>
#include "snapshot.h"
#include "timeline.h"

#define HEALTH_CSV_HEADER "Timestamp,Source,Metric,Value,Unit,Limit,Error"

struct health_csv;

/* Create PREFIX_health.csv (and missing directories), truncating it, with its header line.
 * NULL with a message when it cannot be created. */
struct health_csv *health_csv_open(const char *prefix, char *err, size_t errlen);

/* Append the rows of the samples t kept since the last tick (names, units and limits from s),
 * and make them durable. -1 with a message when the file cannot be written (what was not
 * written is written at the next tick). */
int health_csv_tick(struct health_csv *c, const struct snapshot *s, const struct timeline *t,
                    char *err, size_t errlen);

/* Bytes of rows not yet written (a write failed; the next tick retries them). */
size_t health_csv_unwritten(const struct health_csv *c);

void health_csv_close(struct health_csv *c);

/* Write the whole file to path atomically. -1 with "cannot write PATH: reason". */
int health_csv_write(const char *path, const struct snapshot *s, const struct timeline *t,
                     char *err, size_t errlen);

#endif
