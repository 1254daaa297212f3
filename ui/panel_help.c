/* panel_help: the help overlay, generated from the keymap table (so it lists exactly what is
 * bound), in two columns of groups. Main thread (curses). */
#include <stdio.h>
#include "panel.h"

#define KEY_COL 13

/* Lines of a group: its heading and one per binding with a help text. */
static int group_lines(enum key_group g)
{
    int n = 1;

    for (size_t i = 0; i < keymap_count; i++)
        n += keymap[i].group == g && keymap[i].help != NULL;
    return n;
}

static int column_lines(enum key_group first, enum key_group last)
{
    int n = 0;

    for (int g = first; g <= (int)last; g++)
        n += group_lines((enum key_group)g) + (g < (int)last);
    return n;
}

int panel_help_height(int w)
{
    int left = column_lines(KEYS_LOAD, KEYS_RUN), right = column_lines(KEYS_VIEW, KEYS_MOVE);

    (void)w;
    return (left > right ? left : right) + 5;
}

static int draw_group(const struct app *a, WINDOW *win, int y, int x, int w, enum key_group g)
{
    const struct theme *t = &a->theme;
    int row = 0;

    draw_text(win, t, y + row++, x, w, t->attr[THEME_HEADER], keymap_group_names[g]);
    for (size_t i = 0; i < keymap_count; i++) {
        if (keymap[i].group != g || !keymap[i].help)
            continue;
        draw_text(win, t, y + row, x, KEY_COL, t->attr[THEME_ACCENT], keymap[i].label);
        draw_text(win, t, y + row++, x + KEY_COL, w - KEY_COL, A_NORMAL, keymap[i].help);
    }
    return row + 1;
}

void panel_help_draw(const struct app *a, WINDOW *win, struct rect r)
{
    const struct theme *t = &a->theme;
    struct rect in;
    int half, y;
    char note[160];

    draw_clear(win, r);
    in = draw_frame(win, t, r, true, "hornet keys");
    half = in.w / 2;
    y = in.y;
    for (int g = KEYS_LOAD; g <= KEYS_RUN; g++)
        y += draw_group(a, win, y, in.x + 1, half - 2, (enum key_group)g);
    y = in.y;
    for (int g = KEYS_VIEW; g <= KEYS_MOVE; g++)
        y += draw_group(a, win, y, in.x + half, in.w - half - 1, (enum key_group)g);
    snprintf(note, sizeof note, "Ramps from w/W/s/S/u go at %.4g users/s (r changes it).",
             a->op_rate > 0.0 ? a->op_rate : a->snap->spawn_rate);
    draw_text(win, t, in.y + in.h - 2, in.x + 1, in.w - 2, t->attr[THEME_DIM], note);
    draw_text(win, t, in.y + in.h - 1, in.x + 1, in.w - 2, t->attr[THEME_DIM],
              "Plain output: NO_COLOR=1 or HORNET_ASCII=1.  Any key closes this help.");
}
