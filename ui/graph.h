/* graph: time-series charts for the terminal. An axis fitted to the data (linear from 0 with
 * "nice" ticks, or logarithmic by decades when the spread is wide), a dot canvas of
 * 2 x 4 dots per cell where each series plots a line or an area (one sample per dot column, the
 * newest at the right edge), rendered as Unicode braille cells or ASCII marks, and the labels of
 * a wall-clock time axis. Axis and canvas are pure; graph_draw* write into a curses window.
 * Main thread. */
#ifndef HORNET_GRAPH_H
#define HORNET_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <curses.h>
#include "theme.h"

#define GRAPH_MAX_TICKS 8
#define GRAPH_LOG_SPREAD 20.0   /* max/min at or above which an axis may turn logarithmic */
#define GRAPH_MAX_SERIES 8
#define GRAPH_MAX_ZOOM 8        /* dot columns per sample when the data is short */

enum graph_kind { GRAPH_LINEAR = 0, GRAPH_LOG };

struct graph_axis {
    enum graph_kind kind;
    double lo, hi;              /* values at the bottom and the top dot row */
    int n_ticks;
    double ticks[GRAPH_MAX_TICKS];
};

/* Fit a to the finite values of v (NaN: missing) for a chart `rows` cells high. Linear: from 0
 * to a nice ceiling ({1, 1.2, 1.5, 1.6, 2, 2.5, 3, 4, 5, 6, 8} x 10^k) with 2 to 5 intervals
 * whose ticks are round values. Logarithmic when log_ok
 * and max/min of the positive values >= GRAPH_LOG_SPREAD: whole decades around the data, a
 * tick per decade. No data: linear 0..1. */
void graph_axis_fit(struct graph_axis *a, const double *v, size_t n, int rows, bool log_ok);

/* Where v falls on a: 0 (bottom) .. 1 (top), clamped; values <= 0 on a log axis are 0. */
double graph_axis_pos(const struct graph_axis *a, double v);

/* The dot grid: cols x rows cells, each 2 dots wide and 4 high. A dot holds the number of the
 * series that set it (1..GRAPH_MAX_SERIES, 0: empty); a higher number wins a dot. */
struct graph_canvas {
    int cols, rows;
    int zoom;                   /* dot columns per sample (1: one second per dot column) */
    size_t cap;
    uint8_t *dots;              /* (rows * 4) x (cols * 2), row 0 at the top */
};

/* Size the canvas and clear it; zoom back to 1. -1 when out of memory (the canvas is then
 * 0 x 0). */
int graph_canvas_reset(struct graph_canvas *c, int cols, int rows);
void graph_canvas_free(struct graph_canvas *c);

/* The zoom that lets n samples fill at least half of a chart `cols` cells wide: the dot
 * columns per sample, 1..GRAPH_MAX_ZOOM (a young run does not sit in a corner). */
int graph_zoom_for(int cols, size_t n);

/* Plot the n samples of v (NaN: a gap), c->zoom dot columns each, the newest ending at the
 * right edge, as a connected line or as an area filled from the bottom. */
void graph_plot(struct graph_canvas *c, const double *v, size_t n, const struct graph_axis *a,
                int series, bool area);

/* Draw the canvas with its top-left cell at (y, x); attrs[series] colours a series' cells,
 * ascii_marks[series - 1] is its ASCII mark. Empty cells are left untouched. */
void graph_draw(WINDOW *win, const struct theme *t, int y, int x, const struct graph_canvas *c,
                const attr_t *attrs, const char *ascii_marks);

/* Time-axis labels for a chart of `cols` cells at `zoom` dot columns per second whose last
 * sample is unix second `newest` and whose data starts at `oldest`: the seconds to label
 * (multiples of a step chosen so that labels of label_w columns do not touch, none before
 * oldest) and the cell column where each starts (at its sample's first dot). Returns the
 * count (<= max). */
int graph_time_ticks(int cols, int zoom, int64_t oldest, int64_t newest, int label_w,
                     int64_t *secs, int *at, int max);

#endif
