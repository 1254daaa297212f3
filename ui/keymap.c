/* keymap: the table of the dashboard's keys. Pure; main thread. */
#include <curses.h>
#include "keymap.h"
#include "keymap_internal.h"

#define CTRL(c) ((c) & 0x1f)

const char *const keymap_group_names[KEYS_GROUPS] = {
    "Load", "Run", "Views", "Navigation"
};

/* help == NULL: an alias shown on the line of the binding above it. */
const struct key_binding keymap[] = {
    {'w', ACT_USERS_ADD1, KEYS_LOAD, "w / W", "+1 / +10 users (or /s)"},
    {'W', ACT_USERS_ADD10, KEYS_LOAD, "W", NULL},
    {'s', ACT_USERS_SUB1, KEYS_LOAD, "s / S", "-1 / -10 users (or /s)"},
    {'S', ACT_USERS_SUB10, KEYS_LOAD, "S", NULL},
    {'u', ACT_PROMPT_USERS, KEYS_LOAD, "u", "typed users (or rate)"},
    {'a', ACT_PROMPT_ARRIVALS, KEYS_LOAD, "a", "type an arrival rate"},
    {'r', ACT_PROMPT_RATE, KEYS_LOAD, "r", "type a spawn rate"},
    {'g', ACT_RESUME_STAGES, KEYS_LOAD, "g", "give control to stages"},
    {'p', ACT_PAUSE, KEYS_RUN, "p", "pause / resume load"},
    {'x', ACT_STOP, KEYS_RUN, "x", "stop all users"},
    {'R', ACT_RESET, KEYS_RUN, "R", "reset statistics"},
    {'c', ACT_SNAPSHOT, KEYS_RUN, "c", "write CSVs and reports"},
    {'n', ACT_NEXT_SCENARIO, KEYS_RUN, "n", "campaign: next one"},
    {'A', ACT_ABORT_CAMPAIGN, KEYS_RUN, "A", "campaign: abort"},
    {'q', ACT_QUIT, KEYS_RUN, "q", "quit (stop, write)"},
    {KEY_F(10), ACT_QUIT, KEYS_RUN, "F10", NULL},
    {'\t', ACT_VIEW_NEXT, KEYS_VIEW, "Tab / S-Tab", "next / previous view"},
    {KEY_BTAB, ACT_VIEW_PREV, KEYS_VIEW, "S-Tab", NULL},
    {'1', ACT_VIEW_1, KEYS_VIEW, "1 .. 8", "go to a view"},
    {'2', ACT_VIEW_2, KEYS_VIEW, "2", NULL},
    {'3', ACT_VIEW_3, KEYS_VIEW, "3", NULL},
    {'4', ACT_VIEW_4, KEYS_VIEW, "4", NULL},
    {'5', ACT_VIEW_5, KEYS_VIEW, "5", NULL},
    {'6', ACT_VIEW_6, KEYS_VIEW, "6", NULL},
    {'7', ACT_VIEW_7, KEYS_VIEW, "7", NULL},
    {'8', ACT_VIEW_8, KEYS_VIEW, "8", NULL},
    {'\n', ACT_OPEN, KEYS_VIEW, "Enter", "endpoint details"},
    {'\r', ACT_OPEN, KEYS_VIEW, "Enter", NULL},
    {KEY_ENTER, ACT_OPEN, KEYS_VIEW, "Enter", NULL},
    {27, ACT_BACK, KEYS_VIEW, "Esc", "back / cancel"},
    {KEY_BACKSPACE, ACT_BACK, KEYS_VIEW, "Esc", NULL},
    {'?', ACT_HELP, KEYS_VIEW, "?", "this help"},
    {'h', ACT_HELP, KEYS_VIEW, "?", NULL},
    {KEY_F(1), ACT_HELP, KEYS_VIEW, "F1", NULL},
    {KEY_UP, ACT_UP, KEYS_MOVE, "Up / Down", "select (also k / j)"},
    {'k', ACT_UP, KEYS_MOVE, "k", NULL},
    {KEY_DOWN, ACT_DOWN, KEYS_MOVE, "Down", NULL},
    {'j', ACT_DOWN, KEYS_MOVE, "j", NULL},
    {KEY_PPAGE, ACT_PAGE_UP, KEYS_MOVE, "PgUp / PgDn", "scroll a page"},
    {KEY_NPAGE, ACT_PAGE_DOWN, KEYS_MOVE, "PgDn", NULL},
    {KEY_HOME, ACT_HOME, KEYS_MOVE, "Home / End", "first / last row"},
    {KEY_END, ACT_END, KEYS_MOVE, "End", NULL},
    {'<', ACT_SORT_PREV, KEYS_MOVE, "< / >", "sort column (or <-/->)"},
    {'>', ACT_SORT_NEXT, KEYS_MOVE, ">", NULL},
    {KEY_LEFT, ACT_SORT_PREV, KEYS_MOVE, "Left", NULL},
    {KEY_RIGHT, ACT_SORT_NEXT, KEYS_MOVE, "Right", NULL},
    {'I', ACT_SORT_INVERT, KEYS_MOVE, "I", "invert sort order"},
    {'o', ACT_LATENCY_FLIP, KEYS_VIEW, "o", "corrected/service time"},
    {CTRL('l'), ACT_REDRAW, KEYS_MOVE, "Ctrl-L", "redraw"},
    {KEY_RESIZE, ACT_RESIZE, KEYS_MOVE, "", NULL},
};

const size_t keymap_count = sizeof keymap / sizeof keymap[0];

enum action keymap_lookup(int key)
{
    for (size_t i = 0; i < keymap_count; i++)
        if (keymap[i].key == key)
            return keymap[i].action;
    return ACT_NONE;
}

const char *keymap_label(enum action action)
{
    for (size_t i = 0; i < keymap_count; i++)
        if (keymap[i].action == action)
            return keymap[i].label;
    return NULL;
}
