/* tui: the terminal's set-up and teardown in one place (as kilo does). tui_start saves the
 * terminal's modes, sends stderr to a temporary file (so no stray write garbles the screen),
 * starts curses in cbreak/noecho/keypad/non-blocking mode on the alternate screen, and arms
 * the restore for every way out: tui_stop on the normal path, an atexit handler, and handlers
 * for SIGABRT (failed assert, out of memory), SIGSEGV, SIGBUS, SIGFPE and SIGILL that only
 * write the saved "leave curses" sequence, restore the saved termios and the captured stderr
 * (async-signal-safe calls only) and re-raise. Main thread. */
#ifndef HORNET_TUI_H
#define HORNET_TUI_H

#include <stdbool.h>
#include <stddef.h>

/* Why the dashboard cannot run on this process's stdin/stdout ("stdout is not a terminal",
 * "stdin is not a terminal", "TERM is not set"), or NULL when it can. */
const char *tui_unusable(void);

/* Start curses as described above. -1 with a reason (nothing is left changed). */
int tui_start(char *err, size_t errlen);

/* Leave curses and give the terminal back exactly as it was, then replay what was written to
 * stderr meanwhile. Idempotent. */
void tui_stop(void);

/* Follow a window-size change (SIGWINCH): read the size from the terminal and resize curses. */
void tui_resize(void);

#endif
