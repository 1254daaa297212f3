/* log: a small logger for the main thread and occasional use from other threads (never the
 * request hot path). Lines look like Locust's:
 *   [2026-11-30 14:25:01,123] host/INFO/hornet: Ramping to 100 users at a rate of 10.00 per second
 * (local time with milliseconds, the host name, the level, the logger name "hornet"). They go to
 * stderr (unless switched off while the dashboard owns the terminal) and to a log file when one
 * is given. Every call is thread-safe (one mutex). Before log_init: level INFO, stderr only. */
#ifndef HORNET_LOG_H
#define HORNET_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* Python's logging levels (same numbers). */
enum log_level {
    LOG_LEVEL_DEBUG = 10,
    LOG_LEVEL_INFO = 20,
    LOG_LEVEL_WARNING = 30,
    LOG_LEVEL_ERROR = 40,
    LOG_LEVEL_CRITICAL = 50
};

/* "DEBUG", "info", "Warning", ... (any case; also "WARN") -> 0 and *out; -1 otherwise. */
int log_level_parse(const char *name, enum log_level *out);

/* Set the threshold, open logfile (appended to; NULL: none) and choose whether lines also go
 * to stderr. A file that does not exist is checked now (fileio_check_output) and created 0644
 * by the first line written, so a run refused before it logs leaves no empty file. A second
 * call replaces the first (its file is closed). -1 with "cannot open log file 'x': reason"
 * in err; the previous settings then stay. */
int log_init(enum log_level level, const char *logfile, bool to_stderr, char *err,
             size_t errlen);

/* Log one line at level (dropped when below the threshold). A trailing newline in the
 * formatted text is not doubled. Thread-safe; formats and writes under one mutex, flushes. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void log_msg(enum log_level level, const char *fmt, ...);

/* Would a line at this level be written? Lets callers skip costly arguments. Thread-safe. */
bool log_enabled(enum log_level level);

/* Switch the stderr copy on or off (off while the dashboard owns the terminal: then only the
 * log file gets lines). Thread-safe. */
void log_set_stderr(bool on);

/* A line the log file could not take (a full disk): 0 when every line was written; -1 with
 * "cannot write log file PATH: reason" (the first error) in msg (may be NULL). That error is
 * also said once on stderr: at once when lines go there, else when log_set_stderr turns them
 * back on. Later lines are still tried. Thread-safe. */
int log_file_error(char *msg, size_t n);

/* Close the log file and go back to the defaults (INFO, stderr only). Thread-safe. */
void log_close(void);

#endif
