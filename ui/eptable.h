/* eptable: the endpoint table's model: its columns (titles, widths, which fit a width), the
 * text of a cell and the sorted list of rows (endpoints that have requests, as Locust lists
 * them; the Aggregated row is pinned last by the panel). Pure: no curses. Main thread. */
#ifndef HORNET_EPTABLE_H
#define HORNET_EPTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "snapshot.h"

enum ep_col {
    EPC_TYPE = 0, EPC_NAME, EPC_REQS, EPC_FAILS, EPC_MEDIAN, EPC_P90, EPC_P95, EPC_P99,
    EPC_P999, EPC_AVG, EPC_MIN, EPC_MAX, EPC_SIZE, EPC_RPS, EPC_FPS, EPC_COUNT
};

struct ep_column {
    const char *title;          /* full title ("# Requests") */
    const char *short_title;    /* when the column is at its narrowest ("# Reqs") */
    int width;                  /* columns, including the one-blank gap before it (not Type) */
    int priority;               /* 0: always; then 1, 2, ... in the order columns are added */
    bool numeric;               /* right-aligned; sorted descending first */
};

extern const struct ep_column eptable_columns[EPC_COUNT];

#define EPTABLE_NAME_MIN 22     /* Name's minimum width (with its gap) when other columns fit */
#define EPTABLE_NAME_MAX 56

/* Choose the columns for a table `width` columns wide: shown[c] for each column and the width
 * of Name (with its gap). longest_name: the longest endpoint name (Name never grows beyond
 * what it needs, up to EPTABLE_NAME_MAX). Returns the total width used. */
int eptable_fit(int width, int longest_name, bool shown[EPC_COUNT], int *name_w);

/* The text of one cell (without padding) for st: counts grouped or in k/M to fit `width`,
 * latencies with units, "-" where there is no value (no latency measured yet). */
void eptable_cell(const struct snap_stats *st, enum ep_col col, int width, char *out,
                  size_t n);

/* The indexes of the endpoints that have requests, sorted by col (desc: largest first for
 * numbers, Z..A for text), ties by name then method, into order (SNAP_MAX_ENDPOINTS room).
 * Returns how many. */
size_t eptable_rows(const struct snapshot *s, enum ep_col col, bool desc, uint32_t *order);

#endif
