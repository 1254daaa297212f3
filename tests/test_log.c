/* Tests of the logger (log.c): level names, the threshold, Locust's line format, the log file
 * (appended to), the stderr copy and its switch, long lines, and many threads at once (every
 * line whole, none lost, each thread's lines in order). */
#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "log.h"
#include "log_internal.h"

#define THREADS 8
#define LINES_PER_THREAD 400

static char tmpdir[] = "/tmp/hornet-test-log.XXXXXX";
static char path[512];
static char host[256];

/* The whole file as a string (caller frees); "" when missing. */
static char *slurp(const char *file)
{
    FILE *f = fopen(file, "r");
    char *text = calloc(1, 1);
    size_t len = 0;
    char buf[4096];
    size_t n;

    assert_non_null(text);
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        text = realloc(text, len + n + 1);
        assert_non_null(text);
        memcpy(text + len, buf, n);
        len += n;
        text[len] = '\0';
    }
    if (f)
        fclose(f);
    return text;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;

    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* Does every line of text match the pattern (an extended regex for one whole line)? */
static void assert_lines_match(const char *text, const char *pattern)
{
    regex_t re;
    char line[8192];

    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    while (*text) {
        size_t len = strcspn(text, "\n");

        assert_true(len < sizeof line);
        memcpy(line, text, len);
        line[len] = '\0';
        if (regexec(&re, line, 0, NULL, 0) != 0)
            fail_msg("line does not match %s:\n%s", pattern, line);
        text += len + (text[len] == '\n');
    }
    regfree(&re);
}

static void fresh_file(const char *name)
{
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
}

static void test_level_names(void **state)
{
    static const struct {
        const char *name;
        enum log_level level;
    } cases[] = {
        {"DEBUG", LOG_LEVEL_DEBUG}, {"info", LOG_LEVEL_INFO}, {"Warning", LOG_LEVEL_WARNING},
        {"warn", LOG_LEVEL_WARNING}, {"ERROR", LOG_LEVEL_ERROR}, {"critical", LOG_LEVEL_CRITICAL},
    };
    enum log_level got = LOG_LEVEL_INFO;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(log_level_parse(cases[i].name, &got), 0);
        assert_int_equal(got, cases[i].level);
    }
    assert_int_equal(log_level_parse("verbose", &got), -1);
    assert_int_equal(log_level_parse("", &got), -1);
    assert_int_equal(log_level_parse(NULL, &got), -1);
    assert_string_equal(log_level_name(LOG_LEVEL_DEBUG), "DEBUG");
    assert_string_equal(log_level_name(LOG_LEVEL_INFO), "INFO");
    assert_string_equal(log_level_name(LOG_LEVEL_WARNING), "WARNING");
    assert_string_equal(log_level_name(LOG_LEVEL_ERROR), "ERROR");
    assert_string_equal(log_level_name(LOG_LEVEL_CRITICAL), "CRITICAL");
    assert_string_equal(log_level_name((enum log_level)25), "UNKNOWN");
}

static void test_threshold_drops_lower_levels(void **state)
{
    char err[256], *text;

    (void)state;
    fresh_file("levels.log");
    assert_int_equal(log_init(LOG_LEVEL_WARNING, path, false, err, sizeof err), 0);
    assert_false(log_enabled(LOG_LEVEL_DEBUG));
    assert_false(log_enabled(LOG_LEVEL_INFO));
    assert_true(log_enabled(LOG_LEVEL_WARNING));
    assert_true(log_enabled(LOG_LEVEL_CRITICAL));
    log_msg(LOG_LEVEL_DEBUG, "debug line");
    log_msg(LOG_LEVEL_INFO, "info line");
    log_msg(LOG_LEVEL_WARNING, "warning line");
    log_msg(LOG_LEVEL_ERROR, "error line");
    log_msg(LOG_LEVEL_CRITICAL, "critical line");
    text = slurp(path);
    assert_int_equal(count_lines(text), 3);
    assert_null(strstr(text, "debug line"));
    assert_null(strstr(text, "info line"));
    assert_non_null(strstr(text, "/WARNING/hornet: warning line\n"));
    assert_non_null(strstr(text, "/ERROR/hornet: error line\n"));
    assert_non_null(strstr(text, "/CRITICAL/hornet: critical line\n"));
    free(text);
    log_close();
}

/* Seconds since the epoch of "[YYYY-mm-dd HH:MM:SS,mmm]" at the start of line (local time). */
static time_t line_time(const char *line)
{
    struct tm tm = {0};

    assert_int_equal(sscanf(line, "[%d-%d-%d %d:%d:%d,", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                            &tm.tm_hour, &tm.tm_min, &tm.tm_sec), 6);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

static void test_line_format_is_locusts(void **state)
{
    char err[256], pattern[1024], *text;
    time_t before, after, at;

    (void)state;
    fresh_file("format.log");
    assert_int_equal(log_init(LOG_LEVEL_DEBUG, path, false, err, sizeof err), 0);
    before = time(NULL);
    log_msg(LOG_LEVEL_INFO, "Ramping to %d users at a rate of %.2f per second", 100, 10.0);
    after = time(NULL);
    log_msg(LOG_LEVEL_DEBUG, "with newline\n");     /* not doubled */
    log_close();
    text = slurp(path);
    assert_int_equal(count_lines(text), 2);
    snprintf(pattern, sizeof pattern,
             "^\\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}\\] "
             "%s/(INFO/hornet: Ramping to 100 users at a rate of 10\\.00 per second|"
             "DEBUG/hornet: with newline)$", host);
    assert_lines_match(text, pattern);
    at = line_time(text);
    assert_true(at >= before - 1 && at <= after + 1);   /* local time, not UTC */
    free(text);
}

/* Run fn with fd 2 sent to file; returns what was written to stderr. */
static char *capture_stderr(void (*fn)(void), const char *file)
{
    int saved = dup(2);
    FILE *f = fopen(file, "w");

    assert_true(saved >= 0);
    assert_non_null(f);
    fflush(stderr);
    assert_true(dup2(fileno(f), 2) >= 0);
    fn();
    fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    fclose(f);
    return slurp(file);
}

static void log_two_lines_switching_stderr_off(void)
{
    log_msg(LOG_LEVEL_WARNING, "seen on stderr");
    log_set_stderr(false);
    log_msg(LOG_LEVEL_WARNING, "file only");
    log_set_stderr(true);
}

static void test_stderr_copy_and_switch(void **state)
{
    char err[256], cap[600], *seen, *file;

    (void)state;
    fresh_file("switch.log");
    snprintf(cap, sizeof cap, "%s/stderr.txt", tmpdir);
    assert_int_equal(log_init(LOG_LEVEL_INFO, path, true, err, sizeof err), 0);
    seen = capture_stderr(log_two_lines_switching_stderr_off, cap);
    log_close();
    file = slurp(path);
    assert_int_equal(count_lines(seen), 1);
    assert_non_null(strstr(seen, "/WARNING/hornet: seen on stderr\n"));
    assert_int_equal(count_lines(file), 2);
    assert_non_null(strstr(file, "seen on stderr"));
    assert_non_null(strstr(file, "file only"));
    free(seen);
    free(file);
}

static void test_file_is_appended_and_reinit_replaces(void **state)
{
    char err[256], second[600], *a, *b;

    (void)state;
    fresh_file("append.log");
    snprintf(second, sizeof second, "%s/second.log", tmpdir);
    unlink(second);
    assert_int_equal(log_init(LOG_LEVEL_INFO, path, false, err, sizeof err), 0);
    log_msg(LOG_LEVEL_INFO, "first run");
    log_close();
    assert_int_equal(log_init(LOG_LEVEL_INFO, path, false, err, sizeof err), 0);
    log_msg(LOG_LEVEL_INFO, "second run");
    assert_int_equal(log_init(LOG_LEVEL_INFO, second, false, err, sizeof err), 0);
    log_msg(LOG_LEVEL_INFO, "other file");
    log_close();
    a = slurp(path);
    b = slurp(second);
    assert_int_equal(count_lines(a), 2);
    assert_true(strstr(a, "first run") < strstr(a, "second run"));
    assert_null(strstr(a, "other file"));
    assert_int_equal(count_lines(b), 1);
    assert_non_null(strstr(b, "other file"));
    free(a);
    free(b);
}

static void test_open_error_keeps_previous_settings(void **state)
{
    char err[256], *text;

    (void)state;
    fresh_file("kept.log");
    assert_int_equal(log_init(LOG_LEVEL_ERROR, path, false, err, sizeof err), 0);
    assert_int_equal(log_init(LOG_LEVEL_DEBUG, "/nonexistent-dir/x.log", false, err,
                              sizeof err), -1);
    assert_string_equal(err, "cannot open log file '/nonexistent-dir/x.log': "
                        "No such file or directory");
    assert_false(log_enabled(LOG_LEVEL_DEBUG));     /* still ERROR */
    log_msg(LOG_LEVEL_ERROR, "still here");
    log_close();
    assert_true(log_enabled(LOG_LEVEL_INFO));       /* defaults after close */
    assert_false(log_enabled(LOG_LEVEL_DEBUG));
    text = slurp(path);
    assert_int_equal(count_lines(text), 1);
    assert_non_null(strstr(text, "still here"));
    free(text);
}

/* A log file that does not exist yet is made by the first line, not by log_init: a run refused
 * before it logs leaves no empty file. */
static void test_new_file_made_by_first_line(void **state)
{
    char err[256], *text;
    struct stat st;

    (void)state;
    fresh_file("lazy.log");
    unlink(path);
    assert_int_equal(log_init(LOG_LEVEL_WARNING, path, false, err, sizeof err), 0);
    log_msg(LOG_LEVEL_INFO, "below the threshold");
    assert_int_equal(stat(path, &st), -1);
    log_msg(LOG_LEVEL_WARNING, "first line");
    log_close();
    text = slurp(path);
    assert_int_equal(count_lines(text), 1);
    assert_non_null(strstr(text, "first line"));
    free(text);
    assert_int_equal(log_init(LOG_LEVEL_INFO, "/proc/no-such-dir/x.log", false, err,
                              sizeof err), -1);
}

static void log_three_lines(void)
{
    for (int i = 0; i < 3; i++)
        log_msg(LOG_LEVEL_WARNING, "line %d", i);
}

static void log_with_stderr_off_then_on(void)
{
    log_set_stderr(false);
    log_msg(LOG_LEVEL_WARNING, "lost");
    log_msg(LOG_LEVEL_WARNING, "lost too");
    log_set_stderr(true);
    log_msg(LOG_LEVEL_WARNING, "after");
}

/* A log file that cannot take lines (/dev/full: every write fails with ENOSPC) is reported
 * once on stderr, not once per line; with stderr switched off (the dashboard) it is reported
 * when stderr comes back. */
static void test_write_error_reported_once(void **state)
{
    char err[256], cap[600], msg[300], *seen;

    (void)state;
    snprintf(cap, sizeof cap, "%s/stderr-full.txt", tmpdir);
    assert_int_equal(log_init(LOG_LEVEL_INFO, "/dev/full", true, err, sizeof err), 0);
    assert_int_equal(log_file_error(msg, sizeof msg), 0);
    seen = capture_stderr(log_three_lines, cap);
    assert_int_equal(count_lines(seen), 4);
    assert_non_null(strstr(seen, "/ERROR/hornet: cannot write log file /dev/full: No space left "
                                 "on device"));
    assert_int_equal(log_file_error(msg, sizeof msg), -1);
    assert_string_equal(msg, "cannot write log file /dev/full: No space left on device");
    free(seen);
    assert_int_equal(log_init(LOG_LEVEL_INFO, "/dev/full", true, err, sizeof err), 0);
    seen = capture_stderr(log_with_stderr_off_then_on, cap);
    log_close();
    assert_int_equal(count_lines(seen), 2);
    assert_true(strstr(seen, "cannot write log file /dev/full") < strstr(seen, "after"));
    assert_int_equal(log_file_error(msg, sizeof msg), 0);         /* closed: forgotten */
    free(seen);
}

static void test_long_line_is_whole(void **state)
{
    char err[256], *big = malloc(10001), *text, *at;

    (void)state;
    assert_non_null(big);
    for (int i = 0; i < 10000; i++)
        big[i] = (char)('a' + i % 26);
    big[10000] = '\0';
    fresh_file("long.log");
    assert_int_equal(log_init(LOG_LEVEL_INFO, path, false, err, sizeof err), 0);
    log_msg(LOG_LEVEL_INFO, "<%s>", big);
    log_close();
    text = slurp(path);
    assert_int_equal(count_lines(text), 1);
    at = strstr(text, "/INFO/hornet: <");
    assert_non_null(at);
    assert_int_equal(strncmp(at + strlen("/INFO/hornet: <"), big, 10000), 0);
    assert_string_equal(at + strlen("/INFO/hornet: <") + 10000, ">\n");
    free(big);
    free(text);
}

/* Names, paths and values from outside reach the log: their control characters are escaped
 * (an ESC could retitle or clear the terminal), a long line's too; the line breaks of a
 * multi-line entry (a request trace) are kept. */
static void test_control_characters_escaped(void **state)
{
    char err[256], *text, *big = malloc(5001);

    (void)state;
    assert_non_null(big);
    memset(big, 'y', 5000);
    big[5000] = '\0';
    big[4000] = '\x1b';
    fresh_file("escape.log");
    assert_int_equal(log_init(LOG_LEVEL_INFO, path, false, err, sizeof err), 0);
    log_msg(LOG_LEVEL_WARNING, "Stage %s\x1b]0;pwned\x07 \xc2\x9b" "2J\r%s", "one",
            "caf\xc3\xa9\tend");
    log_msg(LOG_LEVEL_INFO, "request 1/50\n    < 200 OK\x1b[31m");
    log_msg(LOG_LEVEL_INFO, "%s", big);
    log_close();
    text = slurp(path);
    assert_null(strchr(text, '\x1b'));
    assert_null(strchr(text, '\r'));
    assert_non_null(strstr(text, "WARNING/hornet: Stage one\\x1b]0;pwned\\x07 \\u009b2J\\r"
                               "caf\xc3\xa9\\tend\n"));
    assert_non_null(strstr(text, "INFO/hornet: request 1/50\n    < 200 OK\\x1b[31m\n"));
    assert_non_null(strstr(text, "yyy\\x1byyy"));
    assert_int_equal(count_lines(text), 4);
    free(text);
    free(big);
}

static void *writer(void *arg)
{
    int id = (int)(intptr_t)arg;

    for (int i = 0; i < LINES_PER_THREAD; i++)
        log_msg(LOG_LEVEL_INFO, "thread %d line %04d %s", id, i, "payload-payload-payload");
    return NULL;
}

/* Each thread's lines are all there, whole, and in its own order. */
static void check_thread_lines(const char *text)
{
    int next[THREADS] = {0};
    const char *p = text;

    while ((p = strstr(p, "hornet: thread ")) != NULL) {
        int id, line;

        assert_int_equal(sscanf(p, "hornet: thread %d line %d", &id, &line), 2);
        assert_true(id >= 0 && id < THREADS);
        assert_int_equal(line, next[id]);
        next[id]++;
        p++;
    }
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(next[t], LINES_PER_THREAD);
}

static void test_threads_lines_whole(void **state)
{
    pthread_t threads[THREADS];
    char err[256], pattern[512], *text;

    (void)state;
    fresh_file("threads.log");
    assert_int_equal(log_init(LOG_LEVEL_INFO, path, false, err, sizeof err), 0);
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, writer, (void *)(intptr_t)t), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    log_close();
    text = slurp(path);
    assert_int_equal(count_lines(text), THREADS * LINES_PER_THREAD);
    snprintf(pattern, sizeof pattern, "^\\[[-0-9]{10} [:0-9]{8},[0-9]{3}\\] %s/INFO/hornet: "
             "thread [0-9] line [0-9]{4} payload-payload-payload$", host);
    assert_lines_match(text, pattern);
    check_thread_lines(text);
    free(text);
}

static int group_setup(void **state)
{
    (void)state;
    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
        snprintf(host, sizeof host, "localhost");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    char cmd[600];

    (void)state;
    log_close();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_names),
        cmocka_unit_test(test_threshold_drops_lower_levels),
        cmocka_unit_test(test_line_format_is_locusts),
        cmocka_unit_test(test_stderr_copy_and_switch),
        cmocka_unit_test(test_file_is_appended_and_reinit_replaces),
        cmocka_unit_test(test_open_error_keeps_previous_settings),
        cmocka_unit_test(test_new_file_made_by_first_line),
        cmocka_unit_test(test_write_error_reported_once),
        cmocka_unit_test(test_long_line_is_whole),
        cmocka_unit_test(test_control_characters_escaped),
        cmocka_unit_test(test_threads_lines_whole),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
