/* csv_internal: what the CSV writer's tests reach beyond writing files: each file's text as
 * it would be written, the history exported at once, and the float and quoting rules checked
 * against Python's own output. Any thread; no state. */
#ifndef HORNET_CSV_INTERNAL_H
#define HORNET_CSV_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "csv.h"

/* The text of one file for s, exactly as the writers of csv.h write it (header line first,
 * CRLF). Returns a malloc'd NUL-terminated string that the caller frees, its length in *len
 * (len may be NULL); NULL on OOM. seen_columns only matters for CSV_FAILURES. */
enum csv_file { CSV_STATS = 0, CSV_FAILURES, CSV_EXCEPTIONS };
char *csv_render(enum csv_file which, const struct snapshot *s, bool seen_columns,
                 size_t *len);
/* The rows (no header) one history tick appends for s. Same ownership as csv_render. */
char *csv_render_history_rows(const struct snapshot *s, bool full_history, size_t *len);

/* Write the whole history so far (header and every row) to path, atomically (a temporary
 * file in the same directory, fsync, rename). Creates missing directories. -1 with a message
 * on failure. */
int csv_history_export(const struct csv_history *h, const char *path, char *err, size_t errlen);

/* Python's repr(float): the shortest text that reads back to the same double, ".0" kept on
 * integral values, exponent form below 1e-4 and from 1e16 ("1e-05", "1e+16"), "nan", "inf",
 * "-0.0". Truncated to n-1 bytes (n >= 32 is always enough). */
void csv_format_float(double v, char *out, size_t n);

/* Append field at the end of the NUL-terminated string in out (capacity n) with csv.writer's
 * QUOTE_MINIMAL rules: quoted when it holds `,` `"` CR or LF, inner quotes doubled. Returns
 * the length the string has (or would have: like snprintf, >= n means truncated). */
size_t csv_quote(const char *field, char *out, size_t n);

#endif
