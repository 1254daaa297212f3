/* log: Locust-style log lines ("[2026-11-30 14:25:01,123] host/INFO/hornet: text") to stderr
 * and/or a log file. One process-wide logger behind one mutex: any thread may log, but it is
 * meant for the main thread and rare events from others, never for the request hot path. The
 * threshold is atomic so that log_enabled and dropped lines take no lock. A log file that does
 * not exist yet is created by the first line written to it (a run refused before it logs
 * anything leaves no empty file); a line it cannot take is reported once. */
#include "fileio.h"
#include "log.h"
#include "log_internal.h"
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOG_NAME "hornet"
#define LOG_LINE_STACK 2048
#define LOG_HOST_MAX 256

static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int log_threshold = LOG_LEVEL_INFO;
static bool log_to_stderr = true;           /* under log_mutex */
static int log_fd = -1;                     /* under log_mutex; -1: not open (yet) */
static char *log_path;                      /* under log_mutex; NULL: no log file */
static int log_errno;                       /* under log_mutex: the first write error, or 0 */
static bool log_error_said;                 /* under log_mutex: log_errno was said on stderr */
static char log_host[LOG_HOST_MAX];         /* under log_mutex; filled on first use */

static void say_file_error(void);

static const struct {
    const char *name;
    enum log_level level;
} LEVELS[] = {
    {"DEBUG", LOG_LEVEL_DEBUG}, {"INFO", LOG_LEVEL_INFO}, {"WARNING", LOG_LEVEL_WARNING},
    {"ERROR", LOG_LEVEL_ERROR}, {"CRITICAL", LOG_LEVEL_CRITICAL}, {"WARN", LOG_LEVEL_WARNING},
};

int log_level_parse(const char *name, enum log_level *out)
{
    for (size_t i = 0; name && i < sizeof LEVELS / sizeof LEVELS[0]; i++) {
        if (strcasecmp(name, LEVELS[i].name) == 0) {
            *out = LEVELS[i].level;
            return 0;
        }
    }
    return -1;
}

const char *log_level_name(enum log_level level)
{
    for (size_t i = 0; i < sizeof LEVELS / sizeof LEVELS[0]; i++) {
        if (LEVELS[i].level == level)
            return LEVELS[i].name;
    }
    return "UNKNOWN";
}

/* The log file, appended to and created 0644 when create. -1 with errno. */
static int open_log(const char *path, bool create)
{
    return open(path, O_WRONLY | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
}

/* Could a log file that does not exist be created at path? Its directory must exist (no
 * mkdir -p, as Locust) and take new files. -1 with errno. */
static int check_new_log(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    struct stat st;

    if (slash) {
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
        if (stat(dir, &st) != 0)
            return -1;
    }
    return fileio_check_output(path, NULL, 0);
}

int log_init(enum log_level level, const char *logfile, bool to_stderr, char *err,
             size_t errlen)
{
    int fd = -1, old;
    char *path = NULL, *old_path;

    if (logfile) {                          /* an existing file is opened now, a new one later */
        fd = open_log(logfile, false);
        if ((fd < 0 && errno != ENOENT) ||
            (fd < 0 && check_new_log(logfile) < 0) ||
            !(path = strdup(logfile))) {
            snprintf(err, errlen, "cannot open log file '%s': %s", logfile, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
    }
    pthread_mutex_lock(&log_mutex);
    old = log_fd;
    old_path = log_path;
    log_fd = fd;
    log_path = path;
    log_errno = 0;
    log_error_said = false;
    log_to_stderr = to_stderr;
    atomic_store(&log_threshold, (int)level);
    pthread_mutex_unlock(&log_mutex);
    if (old >= 0)
        close(old);
    free(old_path);
    return 0;
}

bool log_enabled(enum log_level level)
{
    return (int)level >= atomic_load(&log_threshold);
}

void log_set_stderr(bool on)
{
    pthread_mutex_lock(&log_mutex);
    log_to_stderr = on;
    say_file_error();
    pthread_mutex_unlock(&log_mutex);
}

int log_file_error(char *msg, size_t n)
{
    int e;

    pthread_mutex_lock(&log_mutex);
    e = log_errno;
    if (e && msg && n)
        snprintf(msg, n, "cannot write log file %s: %s", log_path, strerror(e));
    pthread_mutex_unlock(&log_mutex);
    return e ? -1 : 0;
}

void log_close(void)
{
    int old;
    char *old_path;

    pthread_mutex_lock(&log_mutex);
    old = log_fd;
    old_path = log_path;
    log_fd = -1;
    log_path = NULL;
    log_errno = 0;
    log_error_said = false;
    log_to_stderr = true;
    atomic_store(&log_threshold, LOG_LEVEL_INFO);
    pthread_mutex_unlock(&log_mutex);
    if (old >= 0)
        close(old);
    free(old_path);
}

/* "[2026-11-30 14:25:01,123] host/INFO/hornet: " into buf (size >= 64 + host). Under the
 * mutex (log_host). */
static int line_prefix(char *buf, size_t n, enum log_level level)
{
    struct timespec ts;
    struct tm tm;
    char when[32];

    if (log_host[0] == '\0' && (gethostname(log_host, sizeof log_host - 1) != 0
                                || log_host[0] == '\0'))
        snprintf(log_host, sizeof log_host, "localhost");
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    return snprintf(buf, n, "[%s,%03ld] %s/%s/" LOG_NAME ": ", when, ts.tv_nsec / 1000000,
                    log_host, log_level_name(level));
}

/* Say on stderr, once, that the log file lost a line. Under the mutex. */
static void say_file_error(void)
{
    char msg[4400];
    int head, k;

    if (!log_errno || log_error_said || !log_to_stderr)
        return;
    head = line_prefix(msg, sizeof msg, LOG_LEVEL_ERROR);
    k = snprintf(msg + head, sizeof msg - (size_t)head, "cannot write log file %s: %s (its "
                 "lines from here on may be missing)\n", log_path, strerror(log_errno));
    if (k > 0)
        fwrite(msg, 1, strnlen(msg, sizeof msg), stderr);
    log_error_said = true;
}

/* A line the log file could not take: the first error is kept and said once on stderr (when
 * lines go there; else when they go there again). Later lines are still tried. Under the
 * mutex. */
static void file_failed(void)
{
    if (!log_errno)
        log_errno = errno ? errno : EIO;
    say_file_error();
}

/* Write the finished line to the enabled outputs. Under the mutex. */
static void line_write(const char *line, size_t len)
{
    if (log_to_stderr)
        fwrite(line, 1, len, stderr);
    if (!log_path)
        return;
    if (log_fd < 0)
        log_fd = open_log(log_path, true);
    if (log_fd < 0 || fileio_write_all(log_fd, line, len, NULL) != 0)
        file_failed();
}

/* Write line[0..len) (NUL-terminated there) and a line feed, the text after the prefix
 * (head bytes) with its control characters escaped: names, paths and values from scenarios
 * and responses reach the terminal through here. Its own line breaks (a request trace's) are
 * kept. Under the mutex. */
static void line_write_escaped(char *line, size_t head, size_t len)
{
    char *esc;
    size_t cap;

    if (escape_clean(line + head)) {
        line[len] = '\n';
        line_write(line, len + 1);
        return;
    }
    cap = head + (len - head) * 6 + 2;      /* at most 6 bytes per byte (\u009b for 2) */
    if (!(esc = malloc(cap))) {
        line[len] = '\n';                   /* out of memory: escape the terminal's way */
        for (size_t i = head; i < len; i++)
            if ((unsigned char)line[i] < 0x20 && line[i] != '\n')
                line[i] = '?';
        line_write(line, len + 1);
        return;
    }
    memcpy(esc, line, head);
    escape_copy(esc + head, cap - head - 1, line + head, ESCAPE_KEEP_NEWLINE);
    len = strlen(esc);
    esc[len++] = '\n';
    line_write(esc, len);
    free(esc);
}

/* Format prefix + text + "\n" (into stack or, for a long text, heap memory) and write it. */
static void log_vline(enum log_level level, const char *fmt, va_list ap)
{
    char stack[LOG_LINE_STACK + LOG_HOST_MAX], *line = stack;
    size_t cap = sizeof stack, len;
    va_list again;
    int head = line_prefix(line, cap, level), body;

    va_copy(again, ap);
    body = vsnprintf(line + head, cap - (size_t)head, fmt, ap);
    if (body >= 0 && (size_t)(head + body) + 2 > cap) {
        cap = (size_t)(head + body) + 2;
        line = malloc(cap);
        if (line) {
            memcpy(line, stack, (size_t)head);
            body = vsnprintf(line + head, cap - (size_t)head, fmt, again);
        }
    }
    va_end(again);
    if (!line || body < 0) {
        line = stack;
        cap = sizeof stack;
        body = snprintf(line + head, cap - (size_t)head, "(unformattable log message)");
    }
    len = (size_t)(head + body);
    if (len > (size_t)head && line[len - 1] == '\n')
        len--;
    line[len] = '\0';
    line_write_escaped(line, (size_t)head, len);
    if (line != stack)
        free(line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    va_list ap;

    if (!log_enabled(level))
        return;
    va_start(ap, fmt);
    pthread_mutex_lock(&log_mutex);
    log_vline(level, fmt, ap);
    pthread_mutex_unlock(&log_mutex);
    va_end(ap);
}
