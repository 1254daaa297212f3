/* draw: the drawing primitives every panel uses: text clipped to a number of terminal columns
 * (UTF-8 aware, ASCII-safe in ASCII mode), right alignment, frames with titles, progress bars.
 * Main thread (curses). */
#ifndef HORNET_DRAW_H
#define HORNET_DRAW_H

#include <stddef.h>
#include <curses.h>
#include "theme.h"

/* A rectangle of a window: top row, left column, height, width. */
struct rect {
    int y, x, h, w;
};

/* Terminal columns of the UTF-8 text s (ASCII mode: one per byte). */
int text_width(const struct theme *t, const char *s);

/* Copy s into out, cut to at most w columns; an ellipsis marks a cut. Returns the columns. */
int text_fit(const struct theme *t, char *out, size_t n, const char *s, int w);

/* As text_fit, but the cut is in the middle ("/api/v1/dep…/[id]/"), keeping both ends. */
int text_fit_mid(const struct theme *t, char *out, size_t n, const char *s, int w);

/* Print s at (y, x), at most w columns (non-printable bytes, and any non-ASCII byte in ASCII
 * mode, show as '?'). Returns the columns written. */
int draw_text(WINDOW *win, const struct theme *t, int y, int x, int w, attr_t a, const char *s);

/* Print s right-aligned in the w columns starting at x (cut on the left when too wide). */
void draw_rtext(WINDOW *win, const struct theme *t, int y, int x, int w, attr_t a,
                const char *s);

/* Fill w columns at (y, x) with blanks in attribute a. */
void draw_fill(WINDOW *win, int y, int x, int w, attr_t a);

/* Blank the rectangle r. */
void draw_clear(WINDOW *win, struct rect r);

/* Frame r: box == true draws a full (rounded) box, otherwise a rule along the top line only.
 * The title (may be NULL) sits on the top line. Returns the inner rectangle. */
struct rect draw_frame(WINDOW *win, const struct theme *t, struct rect r, bool box,
                       const char *title);

/* A line of segments that drops its least important ones when the width is short. A segment
 * is a group of parts (text + attribute); prio 0 is never dropped, higher numbers go first. */
#define SEGS_MAX_PARTS 32

struct segs {
    int n;
    struct {
        char text[128];
        attr_t attr;
        int group, prio;
    } part[SEGS_MAX_PARTS];
};

/* Start a new segment of priority prio with its first part. */
void segs_add(struct segs *s, int prio, attr_t a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Append a part to the current segment. */
void segs_more(struct segs *s, attr_t a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Columns the segments take with gap blanks between them (all, or those with prio <= max). */
int segs_width(const struct theme *t, const struct segs *s, int gap, int max_prio);
/* Draw the segments that fit in w columns at (y, x), gap blanks apart; returns the columns. */
int segs_draw(WINDOW *win, const struct theme *t, int y, int x, int w, const struct segs *s,
              int gap);

#endif
