/* tui: terminal set-up and teardown, and its restore on every exit path (normal, atexit,
 * fatal signals). Main thread; the signal handler uses async-signal-safe calls only. */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "tui.h"

static const int fatal_signals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
#define N_FATAL (sizeof fatal_signals / sizeof fatal_signals[0])

static volatile sig_atomic_t active;
static SCREEN *screen;
static struct termios saved_tio;
static int err_saved = -1, err_tmp = -1;
static char leave_seq[256];             /* what endwin would send: keypad off, attributes off,
                                           cursor on, leave the alternate screen */
static size_t leave_len;
static struct sigaction old_actions[N_FATAL];
static bool atexit_done;

const char *tui_unusable(void)
{
    const char *term = getenv("TERM");

    if (!isatty(STDOUT_FILENO))
        return "stdout is not a terminal";
    if (!isatty(STDIN_FILENO))
        return "stdin is not a terminal";
    if (!term || !*term || strcmp(term, "dumb") == 0)
        return "TERM is not set to a terminal that can draw a dashboard";
    return NULL;
}

/* ---- stderr capture ------------------------------------------------------------------- */

static int capture_stderr(void)
{
    char path[] = "/tmp/hornet-stderr.XXXXXX";
    int fd;

    fflush(stderr);
    if ((fd = mkstemp(path)) < 0)
        return -1;
    unlink(path);
    err_saved = dup(STDERR_FILENO);
    if (err_saved < 0 || dup2(fd, STDERR_FILENO) < 0) {
        close(fd);
        if (err_saved >= 0)
            close(err_saved);
        err_saved = -1;
        return -1;
    }
    err_tmp = fd;
    return 0;
}

/* Put stderr back and copy what it received meanwhile. Async-signal-safe. */
static void replay_stderr(void)
{
    char buf[4096];
    ssize_t n;

    if (err_saved < 0)
        return;
    dup2(err_saved, STDERR_FILENO);
    if (lseek(err_tmp, 0, SEEK_SET) == 0)
        while ((n = read(err_tmp, buf, sizeof buf)) > 0)
            if (write(STDERR_FILENO, buf, (size_t)n) < 0)
                break;
    close(err_tmp);
    close(err_saved);
    err_tmp = err_saved = -1;
}

/* ---- emergency restore ----------------------------------------------------------------- */

static void add_cap(const char *name)
{
    char *s = tigetstr(name);
    size_t len;

    if (!s || s == (char *)-1)
        return;
    len = strlen(s);
    if (leave_len + len < sizeof leave_seq) {
        memcpy(leave_seq + leave_len, s, len);
        leave_len += len;
    }
}

static void save_leave_sequence(void)
{
    static const char *const caps[] = {"rmkx", "sgr0", "cnorm", "rmcup"};

    leave_len = 0;
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        add_cap(caps[i]);
}

static void emergency_restore(void)
{
    ssize_t rc;

    if (!active)
        return;
    active = 0;
    rc = write(STDOUT_FILENO, leave_seq, leave_len);
    (void)rc;
    tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
    replay_stderr();
}

static void fatal_handler(int sig)
{
    int saved = errno;

    emergency_restore();
    signal(sig, SIG_DFL);
    errno = saved;
    raise(sig);                 /* delivered (default action) once the handler returns */
}

static void arm_handlers(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fatal_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < N_FATAL; i++)
        sigaction(fatal_signals[i], &sa, &old_actions[i]);
}

static void disarm_handlers(void)
{
    for (size_t i = 0; i < N_FATAL; i++)
        sigaction(fatal_signals[i], &old_actions[i], NULL);
}

static void at_exit(void)
{
    tui_stop();
}

/* ---- start and stop ------------------------------------------------------------------- */

static void input_modes(void)
{
    cbreak();                   /* Ctrl-C still raises SIGINT, Ctrl-Z still suspends */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    leaveok(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
}

int tui_start(char *err, size_t errlen)
{
    const char *why = tui_unusable();

    if (why) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    if (tcgetattr(STDIN_FILENO, &saved_tio) < 0) {
        snprintf(err, errlen, "cannot read the terminal's modes: %s", strerror(errno));
        return -1;
    }
    capture_stderr();           /* best effort: without it stray writes may show */
    screen = newterm(NULL, stdout, stdin);
    if (!screen) {
        replay_stderr();
        snprintf(err, errlen, "cannot start curses for TERM=%s", getenv("TERM"));
        return -1;
    }
    set_term(screen);
    input_modes();
    save_leave_sequence();
    if (!atexit_done)
        atexit_done = atexit(at_exit) == 0;
    arm_handlers();
    active = 1;
    return 0;
}

void tui_stop(void)
{
    if (!active)
        return;
    active = 0;
    curs_set(1);
    endwin();
    tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
    fflush(stdout);
    disarm_handlers();
    delscreen(screen);
    screen = NULL;
    replay_stderr();
}

void tui_resize(void)
{
    struct winsize ws;

    if (!active)
        return;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
}
