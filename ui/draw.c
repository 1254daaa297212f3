/* draw: clipped UTF-8 text, frames and bars for the panels. Main thread (curses). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include "draw.h"

/* Length in bytes and width in columns of the character at s (ASCII mode: one byte). A byte
 * that is not a printable character counts as one column, shown as '?'. */
static size_t char_at(const struct theme *t, const char *s, size_t left, int *cols, bool *ok)
{
    mbstate_t st;
    wchar_t wc;
    size_t len;
    int w;

    *ok = (unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f;
    *cols = 1;
    if (!t->unicode || (unsigned char)*s < 0x80)
        return 1;
    memset(&st, 0, sizeof st);
    len = mbrtowc(&wc, s, left, &st);
    if (len == (size_t)-1 || len == (size_t)-2 || len == 0)
        return 1;
    w = wcwidth(wc);
    if (w < 0)
        return len;
    *ok = true;
    *cols = w;
    return len;
}

int text_width(const struct theme *t, const char *s)
{
    size_t left = strlen(s);
    int total = 0, cols;
    bool ok;

    while (left > 0) {
        size_t len = char_at(t, s, left, &cols, &ok);
        total += cols;
        s += len;
        left -= len;
    }
    return total;
}

/* Bytes of s that fit in w columns; *used gets the columns. */
static size_t fit_bytes(const struct theme *t, const char *s, int w, int *used)
{
    size_t left = strlen(s), pos = 0;
    int total = 0, cols;
    bool ok;

    while (pos < left) {
        size_t len = char_at(t, s + pos, left - pos, &cols, &ok);
        if (total + cols > w)
            break;
        total += cols;
        pos += len;
    }
    *used = total;
    return pos;
}

int text_fit(const struct theme *t, char *out, size_t n, const char *s, int w)
{
    int used, ell = 1;
    size_t bytes;

    if (w <= 0 || n == 0) {
        if (n)
            out[0] = '\0';
        return 0;
    }
    if (text_width(t, s) <= w) {
        snprintf(out, n, "%s", s);
        return text_width(t, out);
    }
    bytes = fit_bytes(t, s, w - ell, &used);
    snprintf(out, n, "%.*s%s", (int)bytes, s, t->g.ellipsis);
    return used + ell;
}

int text_fit_mid(const struct theme *t, char *out, size_t n, const char *s, int w)
{
    int total = text_width(t, s), head_w, used, cols;
    size_t head, tail = 0, len = strlen(s);
    bool ok;

    if (total <= w || w < 8)
        return text_fit(t, out, n, s, w);
    head_w = (w - 1) * 2 / 5;
    head = fit_bytes(t, s, head_w, &used);
    for (int rest = total; tail < len && rest > w - 1 - used; rest -= cols)
        tail += char_at(t, s + tail, len - tail, &cols, &ok);   /* drop from the front */
    snprintf(out, n, "%.*s%s%s", (int)head, s, t->g.ellipsis, s + tail);
    return text_width(t, out);
}

int draw_text(WINDOW *win, const struct theme *t, int y, int x, int w, attr_t a, const char *s)
{
    size_t left = strlen(s), pos = 0;
    int total = 0, cols;
    bool ok;

    size_t span = 0;                    /* printable bytes not written yet start here */

    if (w <= 0 || wmove(win, y, x) == ERR)
        return 0;
    wattrset(win, a);
    while (pos < left) {
        size_t len = char_at(t, s + pos, left - pos, &cols, &ok);
        if (total + cols > w)
            break;
        if (!ok) {
            if (pos > span)
                waddnstr(win, s + span, (int)(pos - span));
            waddch(win, '?');
            span = pos + len;
        }
        total += cols;
        pos += len;
    }
    if (pos > span)
        waddnstr(win, s + span, (int)(pos - span));
    wattrset(win, A_NORMAL);
    return total;
}

void draw_rtext(WINDOW *win, const struct theme *t, int y, int x, int w, attr_t a,
                const char *s)
{
    int width = text_width(t, s);

    if (width <= w) {
        draw_text(win, t, y, x + w - width, width, a, s);
        return;
    }
    while (width > w && *s) {           /* cut on the left: keep the units visible */
        int cols;
        bool ok;
        size_t len = char_at(t, s, strlen(s), &cols, &ok);
        s += len;
        width -= cols;
    }
    draw_text(win, t, y, x + w - width, width, a, s);
}

void draw_fill(WINDOW *win, int y, int x, int w, attr_t a)
{
    if (w > 0)
        mvwhline(win, y, x, ' ' | (chtype)a, w);
}

void draw_clear(WINDOW *win, struct rect r)
{
    for (int i = 0; i < r.h; i++)
        draw_fill(win, r.y + i, r.x, r.w, A_NORMAL);
}

static void rule_line(WINDOW *win, const struct theme *t, int y, int x, int w, attr_t a)
{
    if (wmove(win, y, x) == ERR)
        return;
    wattrset(win, a);
    for (int i = 0; i < w; i++)
        waddstr(win, t->g.hline);
    wattrset(win, A_NORMAL);
}

static void title(WINDOW *win, const struct theme *t, struct rect r, bool box, const char *s)
{
    char buf[256];
    int room = r.w - (box ? 4 : 3);

    if (!s || !*s || room < 3)
        return;
    snprintf(buf, sizeof buf, " %s ", s);
    draw_text(win, t, r.y, r.x + (box ? 2 : 1), room, t->attr[THEME_TITLE], buf);
}

struct rect draw_frame(WINDOW *win, const struct theme *t, struct rect r, bool box,
                       const char *text)
{
    attr_t a = t->attr[THEME_BORDER];
    struct rect in = {r.y + 1, r.x, r.h - 1, r.w};

    if (r.h < 1 || r.w < 2)
        return (struct rect){r.y, r.x, 0, 0};
    if (!box || r.h < 3 || r.w < 4) {
        rule_line(win, t, r.y, r.x, r.w, a);
        title(win, t, r, false, text);
        return in;
    }
    draw_text(win, t, r.y, r.x, 1, a, t->g.tl);
    rule_line(win, t, r.y, r.x + 1, r.w - 2, a);
    draw_text(win, t, r.y, r.x + r.w - 1, 1, a, t->g.tr);
    for (int i = 1; i < r.h - 1; i++) {
        draw_text(win, t, r.y + i, r.x, 1, a, t->g.vline);
        draw_text(win, t, r.y + i, r.x + r.w - 1, 1, a, t->g.vline);
    }
    draw_text(win, t, r.y + r.h - 1, r.x, 1, a, t->g.bl);
    rule_line(win, t, r.y + r.h - 1, r.x + 1, r.w - 2, a);
    draw_text(win, t, r.y + r.h - 1, r.x + r.w - 1, 1, a, t->g.br);
    title(win, t, r, true, text);
    return (struct rect){r.y + 1, r.x + 1, r.h - 2, r.w - 2};
}

static void segs_put(struct segs *s, int group, int prio, attr_t a, const char *fmt, va_list ap)
{
    if (s->n >= SEGS_MAX_PARTS)
        return;
    vsnprintf(s->part[s->n].text, sizeof s->part[s->n].text, fmt, ap);
    s->part[s->n].attr = a;
    s->part[s->n].group = group;
    s->part[s->n].prio = prio;
    s->n++;
}

void segs_add(struct segs *s, int prio, attr_t a, const char *fmt, ...)
{
    va_list ap;
    int group = s->n ? s->part[s->n - 1].group + 1 : 0;

    va_start(ap, fmt);
    segs_put(s, group, prio, a, fmt, ap);
    va_end(ap);
}

void segs_more(struct segs *s, attr_t a, const char *fmt, ...)
{
    va_list ap;

    if (s->n == 0)
        return;
    va_start(ap, fmt);
    segs_put(s, s->part[s->n - 1].group, s->part[s->n - 1].prio, a, fmt, ap);
    va_end(ap);
}

int segs_width(const struct theme *t, const struct segs *s, int gap, int max_prio)
{
    int w = 0, last = -1;

    for (int i = 0; i < s->n; i++) {
        if (s->part[i].prio > max_prio)
            continue;
        if (last >= 0 && s->part[i].group != last)
            w += gap;
        last = s->part[i].group;
        w += text_width(t, s->part[i].text);
    }
    return w;
}

int segs_draw(WINDOW *win, const struct theme *t, int y, int x, int w, const struct segs *s,
              int gap)
{
    int max_prio = 0, col = 0, last = -1;

    for (int i = 0; i < s->n; i++)
        if (s->part[i].prio > max_prio)
            max_prio = s->part[i].prio;
    while (max_prio > 0 && segs_width(t, s, gap, max_prio) > w)
        max_prio--;
    for (int i = 0; i < s->n && col < w; i++) {
        if (s->part[i].prio > max_prio)
            continue;
        if (last >= 0 && s->part[i].group != last)
            col += gap;
        last = s->part[i].group;
        col += draw_text(win, t, y, x + col, w - col, s->part[i].attr, s->part[i].text);
    }
    return col < w ? col : w;
}
