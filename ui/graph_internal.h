/* graph_internal: the cells a graph draws, read back by its tests without a terminal. UI
 * thread. */
#ifndef HORNET_GRAPH_INTERNAL_H
#define HORNET_GRAPH_INTERNAL_H

#include "graph.h"

/* The braille dot mask (bit order of U+2800) of cell (cx, cy) and the series that owns it
 * (the highest present; 0 when the cell is empty). */
unsigned graph_cell(const struct graph_canvas *c, int cx, int cy, int *series);

/* The text of a cell: a braille character (unicode) or the ASCII mark of the series. */
void graph_cell_text(unsigned mask, int series, bool unicode, const char *ascii_marks,
                     char out[8]);

#endif
