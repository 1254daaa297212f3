/* csv_open_internal: the texts of the open model's two CSV files, as csv_open_write writes
 * them, for the tests. Main thread. */
#ifndef HORNET_CSV_OPEN_INTERNAL_H
#define HORNET_CSV_OPEN_INTERNAL_H

#include <stddef.h>
#include "csv_open.h"

/* PREFIX_corrected.csv's and PREFIX_arrivals.csv's text: malloc'd, NUL-terminated, its length
 * in *len (may be NULL); NULL when memory ran out. */
char *csv_open_corrected(const struct snapshot *s, size_t *len);
char *csv_open_arrivals(const struct timeline *t, size_t *len);

#endif
