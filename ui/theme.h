/* theme: the dashboard's colours and glyphs. Colours use the terminal's own background and
 * foreground (use_default_colors) plus the eight basic colours, so they read on dark and light
 * terminals; without colours (no support, NO_COLOR) every role falls back to bold, underline,
 * reverse or dim. Glyphs are UTF-8 (box drawing, braille, arrows) or plain ASCII when the locale
 * is not UTF-8 or HORNET_ASCII=1. Main thread (curses). */
#ifndef HORNET_THEME_H
#define HORNET_THEME_H

#include <stdbool.h>
#include <curses.h>

enum theme_role {
    THEME_NORMAL = 0,
    THEME_DIM,          /* secondary text, axes */
    THEME_BORDER,       /* panel frames */
    THEME_TITLE,        /* panel titles */
    THEME_HEADER,       /* table headers */
    THEME_SELECTED,     /* the selected table row */
    THEME_BAR,          /* the status bar's first line and the footer keys */
    THEME_KEY,          /* key names in hints */
    THEME_TAB,
    THEME_TAB_ACTIVE,
    THEME_OK,
    THEME_WARN,
    THEME_ERROR,
    THEME_ACCENT,       /* numbers worth a look: targets, ramps */
    THEME_RPS,          /* chart series */
    THEME_FAIL,
    THEME_USERS,
    THEME_P50,
    THEME_P95,
    THEME_P99,
    THEME_MAX,
    THEME_COUNT
};

/* Glyph strings (UTF-8 or ASCII); every one is a single terminal column wide. */
struct glyphs {
    const char *hline, *vline, *tl, *tr, *bl, *br;
    const char *arrow, *bullet, *ellipsis, *up, *down, *bar_full, *bar_empty, *legend, *sep;
};

struct theme {
    bool color;         /* colour pairs in use */
    bool unicode;       /* UTF-8 glyphs and braille charts */
    attr_t attr[THEME_COUNT];
    struct glyphs g;
};

/* Fill t for the current curses screen: colour pairs are allocated (start_color,
 * use_default_colors) only when color is true and the terminal has colours. Call after
 * newterm/initscr. */
void theme_init(struct theme *t, bool color, bool unicode);

/* Whether the environment asks for no colour (NO_COLOR set and non-empty). */
bool theme_env_no_color(void);

/* Whether glyphs may be UTF-8: the locale's codeset is UTF-8 and HORNET_ASCII is not 1. Call
 * after setlocale. */
bool theme_env_unicode(void);

#endif
