/* keymap: the dashboard's keys as one table (key -> action, with the label and help text the
 * help overlay and the footer show), so what is documented is what is bound. Pure; main
 * thread. */
#ifndef HORNET_KEYMAP_H
#define HORNET_KEYMAP_H

#include <stddef.h>

enum action {
    ACT_NONE = 0,
    ACT_USERS_ADD1, ACT_USERS_ADD10, ACT_USERS_SUB1, ACT_USERS_SUB10,
    ACT_PROMPT_USERS, ACT_PROMPT_RATE, ACT_RESUME_STAGES, ACT_PAUSE, ACT_STOP, ACT_RESET,
    ACT_SNAPSHOT, ACT_NEXT_SCENARIO, ACT_ABORT_CAMPAIGN,
    ACT_VIEW_NEXT, ACT_VIEW_PREV, ACT_VIEW_1, ACT_VIEW_2, ACT_VIEW_3, ACT_VIEW_4, ACT_VIEW_5,
    ACT_VIEW_6, ACT_VIEW_7, ACT_VIEW_8,
    ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HOME, ACT_END,
    ACT_SORT_PREV, ACT_SORT_NEXT, ACT_SORT_INVERT, ACT_OPEN, ACT_BACK,
    ACT_HELP, ACT_QUIT, ACT_REDRAW, ACT_RESIZE,
    ACT_PROMPT_ARRIVALS, ACT_LATENCY_FLIP,
    ACT_COUNT
};

enum key_group { KEYS_LOAD = 0, KEYS_RUN, KEYS_VIEW, KEYS_MOVE, KEYS_GROUPS };

struct key_binding {
    int key;                    /* a character or a curses KEY_* code */
    enum action action;
    enum key_group group;
    const char *label;          /* how the help shows the key(s) of a line: "w / W" */
    const char *help;           /* what it does; NULL: same line as the previous binding */
};

extern const struct key_binding keymap[];
extern const size_t keymap_count;
extern const char *const keymap_group_names[KEYS_GROUPS];

/* The action bound to key, ACT_NONE when none. */
enum action keymap_lookup(int key);

#endif
