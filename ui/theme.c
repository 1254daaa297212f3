/* theme: colour pairs, monochrome fallbacks and glyph sets of the dashboard. Main thread. */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include "theme.h"

enum { PAIR_GREEN = 1, PAIR_RED, PAIR_YELLOW, PAIR_CYAN, PAIR_MAGENTA, PAIR_BLUE, PAIR_BAR };

static const struct glyphs utf8_glyphs = {
    .hline = "\u2500", .vline = "\u2502", .tl = "\u256d", .tr = "\u256e", .bl = "\u2570",
    .br = "\u256f", .arrow = "\u2192", .bullet = "\u25cf", .ellipsis = "\u2026",
    .up = "\u25b2", .down = "\u25bc", .bar_full = "\u2588", .bar_empty = "\u2591",
    .legend = "\u2501", .sep = "\u2502",
};

static const struct glyphs ascii_glyphs = {
    .hline = "-", .vline = "|", .tl = "+", .tr = "+", .bl = "+", .br = "+", .arrow = ">",
    .bullet = "*", .ellipsis = "~", .up = "^", .down = "v", .bar_full = "#", .bar_empty = ".",
    .legend = "-", .sep = "|",
};

bool theme_env_no_color(void)
{
    const char *v = getenv("NO_COLOR");
    return v && *v;
}

bool theme_env_unicode(void)
{
    const char *ascii = getenv("HORNET_ASCII");
    const char *cs = nl_langinfo(CODESET);

    if (ascii && *ascii && strcmp(ascii, "0") != 0)
        return false;
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static void mono_attrs(attr_t *a)
{
    for (int i = 0; i < THEME_COUNT; i++)
        a[i] = A_NORMAL;
    a[THEME_DIM] = A_DIM;
    a[THEME_TITLE] = A_BOLD;
    a[THEME_HEADER] = A_BOLD | A_UNDERLINE;
    a[THEME_SELECTED] = A_REVERSE;
    a[THEME_BAR] = A_REVERSE;
    a[THEME_KEY] = A_BOLD;
    a[THEME_TAB_ACTIVE] = A_REVERSE | A_BOLD;
    a[THEME_WARN] = A_BOLD;
    a[THEME_ERROR] = A_BOLD | A_UNDERLINE;
    a[THEME_ACCENT] = A_BOLD;
    a[THEME_FAIL] = A_BOLD;
    a[THEME_P99] = A_BOLD;
    a[THEME_MAX] = A_DIM;
}

static void color_pairs(void)
{
    short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;

    init_pair(PAIR_GREEN, COLOR_GREEN, bg);
    init_pair(PAIR_RED, COLOR_RED, bg);
    init_pair(PAIR_YELLOW, COLOR_YELLOW, bg);
    init_pair(PAIR_CYAN, COLOR_CYAN, bg);
    init_pair(PAIR_MAGENTA, COLOR_MAGENTA, bg);
    init_pair(PAIR_BLUE, COLOR_BLUE, bg);
    init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
}

static void color_attrs(attr_t *a)
{
    mono_attrs(a);
    a[THEME_BORDER] = COLOR_PAIR(PAIR_BLUE);
    a[THEME_TITLE] = A_BOLD;
    a[THEME_HEADER] = A_BOLD | COLOR_PAIR(PAIR_CYAN);
    a[THEME_SELECTED] = COLOR_PAIR(PAIR_BAR);
    a[THEME_BAR] = COLOR_PAIR(PAIR_BAR);
    a[THEME_TAB_ACTIVE] = COLOR_PAIR(PAIR_BAR) | A_BOLD;
    a[THEME_OK] = COLOR_PAIR(PAIR_GREEN) | A_BOLD;
    a[THEME_WARN] = COLOR_PAIR(PAIR_YELLOW) | A_BOLD;
    a[THEME_ERROR] = COLOR_PAIR(PAIR_RED) | A_BOLD;
    a[THEME_ACCENT] = COLOR_PAIR(PAIR_CYAN) | A_BOLD;
    a[THEME_RPS] = COLOR_PAIR(PAIR_GREEN);
    a[THEME_FAIL] = COLOR_PAIR(PAIR_RED) | A_BOLD;
    a[THEME_USERS] = COLOR_PAIR(PAIR_CYAN);
    a[THEME_P50] = COLOR_PAIR(PAIR_GREEN);
    a[THEME_P95] = COLOR_PAIR(PAIR_YELLOW);
    a[THEME_P99] = COLOR_PAIR(PAIR_RED);
    a[THEME_MAX] = COLOR_PAIR(PAIR_MAGENTA);
}

void theme_init(struct theme *t, bool color, bool unicode)
{
    memset(t, 0, sizeof *t);
    t->unicode = unicode;
    t->g = unicode ? utf8_glyphs : ascii_glyphs;
    t->color = color && has_colors() && start_color() == OK && COLOR_PAIRS > PAIR_BAR;
    if (t->color) {
        color_pairs();
        color_attrs(t->attr);
    } else {
        mono_attrs(t->attr);
    }
}
