/* graph: axes, the braille dot canvas and time-axis labels of the dashboard's charts.
 * Main thread (graph_draw uses curses; the rest is pure). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "graph.h"
#include "graph_internal.h"

/* The smallest "nice" number >= v: {1, 1.2, 1.5, 1.6, 2, 2.5, 3, 4, 5, 6, 8} x 10^k. */
static double nice_ceil(double v)
{
    static const double steps[] = {1, 1.2, 1.5, 1.6, 2, 2.5, 3, 4, 5, 6, 8, 10};
    double mag = pow(10.0, floor(log10(v)));

    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i] * mag >= v * (1.0 - 1e-12))
            return steps[i] * mag;
    return 10.0 * mag;
}

/* Whether v is a round tick value: {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8} x 10^k. */
static bool round_value(double v)
{
    static const double ok[] = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
    double m = v / pow(10.0, floor(log10(v)));

    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (fabs(m - ok[i]) < 1e-9)
            return true;
    return false;
}

/* How many intervals between ticks: the first of the preferred counts for this height whose
 * step is a round value (150 in 4 parts gives 37.5: 3 parts of 50 instead). */
static int tick_parts(double hi, int rows)
{
    static const int tall[] = {4, 5, 3, 2}, mid[] = {4, 3, 2}, low[] = {2, 3};
    const int *order = rows >= 10 ? tall : rows >= 8 ? mid : low;
    size_t n = rows >= 10 ? 4 : rows >= 8 ? 3 : 2;

    if (rows < 3)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (round_value(hi / order[i]))
            return order[i];
    return order[0];
}

static void fit_linear(struct graph_axis *a, double max, int rows)
{
    int parts;

    a->kind = GRAPH_LINEAR;
    a->lo = 0.0;
    a->hi = max > 0.0 ? nice_ceil(max) : 1.0;
    parts = tick_parts(a->hi, rows);
    a->n_ticks = parts + 1;
    for (int i = 0; i <= parts; i++)
        a->ticks[i] = a->hi * i / parts;
}

static void fit_log(struct graph_axis *a, double mn, double mx)
{
    int first = (int)floor(log10(mn)), last = (int)ceil(log10(mx));
    int every;

    if (last <= first)
        last = first + 1;
    every = (last - first + GRAPH_MAX_TICKS - 1) / (GRAPH_MAX_TICKS - 1);
    a->kind = GRAPH_LOG;
    a->lo = pow(10.0, first);
    a->hi = pow(10.0, last);
    a->n_ticks = 0;
    for (int d = first; d <= last && a->n_ticks < GRAPH_MAX_TICKS; d += every)
        a->ticks[a->n_ticks++] = pow(10.0, d);
}

void graph_axis_fit(struct graph_axis *a, const double *v, size_t n, int rows, bool log_ok)
{
    double mn = INFINITY, mx = 0.0;

    memset(a, 0, sizeof *a);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        if (v[i] > mx)
            mx = v[i];
        if (v[i] > 0.0 && v[i] < mn)
            mn = v[i];
    }
    if (log_ok && mx > 0.0 && isfinite(mn) && mx / mn >= GRAPH_LOG_SPREAD)
        fit_log(a, mn, mx);
    else
        fit_linear(a, mx, rows);
}

double graph_axis_pos(const struct graph_axis *a, double v)
{
    double p;

    if (a->kind == GRAPH_LOG) {
        if (!(v > 0.0))
            return 0.0;
        p = (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    } else {
        p = (v - a->lo) / (a->hi - a->lo);
    }
    if (!(p > 0.0))
        return 0.0;
    return p > 1.0 ? 1.0 : p;
}

int graph_canvas_reset(struct graph_canvas *c, int cols, int rows)
{
    size_t need;

    if (cols < 0 || rows < 0)
        cols = rows = 0;
    need = (size_t)cols * 2 * (size_t)rows * 4;
    if (need > c->cap) {
        uint8_t *p = realloc(c->dots, need);
        if (!p) {
            c->cols = c->rows = 0;
            return -1;
        }
        c->dots = p;
        c->cap = need;
    }
    c->cols = cols;
    c->rows = rows;
    c->zoom = 1;
    if (need)
        memset(c->dots, 0, need);
    return 0;
}

void graph_canvas_free(struct graph_canvas *c)
{
    free(c->dots);
    memset(c, 0, sizeof *c);
}

static void set_dot(struct graph_canvas *c, int x, int y, int series)
{
    uint8_t *d = &c->dots[(size_t)y * (size_t)c->cols * 2 + (size_t)x];

    if (series > *d)
        *d = (uint8_t)series;
}

static void column(struct graph_canvas *c, int x, int y0, int y1, int series)
{
    if (y0 > y1) {
        int t = y0;
        y0 = y1;
        y1 = t;
    }
    for (int y = y0; y <= y1; y++)
        set_dot(c, x, y, series);
}

int graph_zoom_for(int cols, size_t n)
{
    size_t z = n ? (size_t)cols * 2 / n : GRAPH_MAX_ZOOM;

    return z < 1 ? 1 : z > GRAPH_MAX_ZOOM ? GRAPH_MAX_ZOOM : (int)z;
}

void graph_plot(struct graph_canvas *c, const double *v, size_t n, const struct graph_axis *a,
                int series, bool area)
{
    int w = c->cols * 2, h = c->rows * 4, prev = -1, z = c->zoom > 0 ? c->zoom : 1;

    if (w == 0 || h == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        long x0 = (long)w - (long)(n - i) * z;
        int y;

        if (!isfinite(v[i])) {
            prev = -1;
            continue;
        }
        y = h - 1 - (int)lround(graph_axis_pos(a, v[i]) * (h - 1));
        for (long x = x0 < 0 ? 0 : x0; x < x0 + z; x++)   /* the joint, then flat */
            column(c, (int)x, area ? h - 1 : x == x0 && prev >= 0 ? prev : y, y, series);
        prev = y;
    }
}

unsigned graph_cell(const struct graph_canvas *c, int cx, int cy, int *series)
{
    static const unsigned bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
    unsigned mask = 0;
    int best = 0;

    for (int dy = 0; dy < 4; dy++)
        for (int dx = 0; dx < 2; dx++) {
            uint8_t d = c->dots[(size_t)(cy * 4 + dy) * (size_t)c->cols * 2 +
                                (size_t)(cx * 2 + dx)];
            if (!d)
                continue;
            mask |= bit[dy][dx];
            if (d > best)
                best = d;
        }
    *series = best;
    return mask;
}

void graph_cell_text(unsigned mask, int series, bool unicode, const char *ascii_marks,
                     char out[8])
{
    unsigned cp = 0x2800 + (mask & 0xff);

    if (!mask) {
        out[0] = ' ';
        out[1] = '\0';
    } else if (unicode) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        out[3] = '\0';
    } else {
        size_t marks = ascii_marks ? strlen(ascii_marks) : 0;
        out[0] = series >= 1 && (size_t)series <= marks ? ascii_marks[series - 1] : '*';
        out[1] = '\0';
    }
}

void graph_draw(WINDOW *win, const struct theme *t, int y, int x, const struct graph_canvas *c,
                const attr_t *attrs, const char *ascii_marks)
{
    char text[8];
    wchar_t wc[2] = {0, 0};
    cchar_t cell;
    int series;

    for (int cy = 0; cy < c->rows; cy++)
        for (int cx = 0; cx < c->cols; cx++) {
            unsigned mask = graph_cell(c, cx, cy, &series);
            if (!mask)
                continue;
            if (t->unicode) {               /* straight to a wide cell: no UTF-8 decoding */
                wc[0] = (wchar_t)(0x2800 + mask);
                setcchar(&cell, wc, attrs[series] & ~A_COLOR,
                         (short)PAIR_NUMBER(attrs[series]), NULL);
                mvwadd_wch(win, y + cy, x + cx, &cell);
                continue;
            }
            graph_cell_text(mask, series, false, ascii_marks, text);
            wattrset(win, attrs[series]);
            mvwaddstr(win, y + cy, x + cx, text);
        }
    wattrset(win, A_NORMAL);
}

int graph_time_ticks(int cols, int zoom, int64_t oldest, int64_t newest, int label_w,
                     int64_t *secs, int *at, int max)
{
    static const int steps[] = {1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600};
    int64_t w = (int64_t)cols * 2, z = zoom > 0 ? zoom : 1, step = 3600, first;
    int count = 0;

    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i] * z >= 2 * (label_w + 2)) {
            step = steps[i];
            break;
        }
    first = newest - w / z + 1 > oldest ? newest - w / z + 1 : oldest;
    for (int64_t s = first; s <= newest && count < max; s++) {
        int64_t cell = (w - (newest - s + 1) * z) / 2;
        if (((s % step) + step) % step != 0 || cell < 0 || cell + label_w > cols)
            continue;
        secs[count] = s;
        at[count++] = (int)cell;
    }
    return count;
}
