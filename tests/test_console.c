/* Tests of the console tables (console.c): lines of a real Locust run reproduced byte for byte,
 * Locust's width rules (terminal width, the negative-width quirk, characters not bytes), the
 * row rules, the error report with hornet's expected-status block, and golden files of the
 * whole output for the fixed snapshot of tests/fixtures/golden/snapshot_fixture.h.
 * HORNET_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 600       /* posix_openpt & co. for the terminal width test */
#endif
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <cmocka.h>

#include "console.h"
#include "fixtures/golden/snapshot_fixture.h"

#define GOLDEN_DIR "tests/fixtures/golden/"

/* Output goes to a temporary file (not a terminal: Locust's width 80), read back after. */
static FILE *capture(void)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    return f;
}

static char *read_back(FILE *f)
{
    long n = ftell(f);
    char *p = calloc(1, (size_t)n + 1);
    assert_non_null(p);
    rewind(f);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return p;
}

static struct snapshot *snap_new(void)
{
    struct snapshot *s = calloc(1, sizeof *s);
    assert_non_null(s);
    snprintf(s->total.name, sizeof s->total.name, "Aggregated");
    return s;
}

static struct snap_stats *add_ep(struct snapshot *s, const char *method, const char *name,
                                 uint64_t requests)
{
    struct snap_stats *e = &s->endpoints[s->n_endpoints++];
    snprintf(e->method, sizeof e->method, "%s", method);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->requests = requests;
    return e;
}

/* Line number `n` (0-based) of text, without its newline. */
static char *line_of(const char *text, int n)
{
    for (; n > 0; n--) {
        text = strchr(text, '\n');
        assert_non_null(text);
        text++;
    }
    const char *end = strchr(text, '\n');
    assert_non_null(end);
    return strndup(text, (size_t)(end - text));
}

static void check_golden(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
    if (getenv("HORNET_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        return;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("golden file %s missing (run from the repository root)", path);
    char *golden = calloc(1, 1 << 16);
    size_t n = fread(golden, 1, (1 << 16) - 1, f);
    fclose(f);
    if (n != strlen(text) || memcmp(golden, text, n))
        fail_msg("%s differs:\n--- golden\n%s--- now\n%s", path, golden, text);
    free(golden);
}

/* The lines of Locust's own console output quoted in the reference (section 2.5): a run with
 * GET / (257 requests, 5.x ms average, 1.x min, 25.x max, median 4, 21.89 req/s) and an
 * Aggregated of 450 requests with 193 failures. */
static void test_reproduces_locust_lines(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    struct snap_stats *e = add_ep(s, "GET", "/", 257);
    e->total_us = 257 * 5580, e->min_us = 1607, e->max_us = 25413, e->median_us = 4000;
    e->current_rps = 21.891;
    s->total.requests = 450, s->total.failures = 193, s->total.total_us = 450 * 5542;
    s->total.min_us = 1513, s->total.max_us = 29430, s->total.median_us = 4000;
    s->total.current_rps = 38.3449, s->total.current_fps = 16.44;
    FILE *out_text = capture();
    console_stats_table(out_text, s, true, 0);
    char *text = read_back(out_text);
    char *l0 = line_of(text, 0), *l1 = line_of(text, 1), *l2 = line_of(text, 2);
    char *l4 = line_of(text, 4);
    assert_string_equal(l0, "Type     Name                                                       "
                        "                   # reqs      # fails |    Avg     Min     Max    Med "
                        "|   req/s  failures/s");
    assert_string_equal(l1, "--------|----------------------------------------------------------"
                        "------------------|-------|-------------|-------|-------|-------|-------"
                        "|--------|-----------");
    assert_string_equal(l2, "GET      /                                                          "
                        "                      257     0(0.00%) |      5       1      25      4 "
                        "|   21.89        0.00");
    assert_string_equal(l4, "         Aggregated                                                 "
                        "                      450  193(42.89%) |      5       1      29      4 "
                        "|   38.34       16.44");
    char *l3 = line_of(text, 3);
    assert_string_equal(l3, l1);
    free(l3);
    assert_string_equal(text + strlen(text) - 7, "16.44\n\n");  /* Locust's empty line */
    free(l0), free(l1), free(l2), free(l4), free(text), free(s);
}

static void test_current_vs_total_rates(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    struct snap_stats *e = add_ep(s, "POST", "/p", 10);
    e->failures = 1, e->total_us = 10 * 999, e->min_us = 999, e->max_us = 999;
    e->median_us = 999;
    e->current_rps = 1.234, e->current_fps = 0.5, e->total_rps = 7.125, e->total_fps = 0.005;
    FILE *out_cur = capture();
    console_stats_table(out_cur, s, true, 0);
    char *cur = read_back(out_cur);
    FILE *out_tot = capture();
    console_stats_table(out_tot, s, false, 0);
    char *tot = read_back(out_tot);
    char *row_cur = line_of(cur, 2), *row_tot = line_of(tot, 2);
    /* avg/min/max 0.999 ms truncate to 0 (Python's %d); the median is the rounded one (1) */
    /* expected text from Locust's format run in python3 */
    assert_string_equal(row_cur + 86, "     10    1(10.00%) |      0       0       0      1 |"
                                      "    1.23        0.50");
    assert_string_equal(row_tot + 86, "     10    1(10.00%) |      0       0       0      1 |"
                                      "    7.12        0.01");
    assert_memory_equal(row_cur, "POST     /p ", 12);
    free(cur), free(tot), free(row_cur), free(row_tot), free(s);
}

/* Requests the engine could not record: one line under Aggregated in the final table only,
 * and nothing at all in a healthy run (Locust's format stays byte for byte). */
static void test_unrecorded_requests_line(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    add_ep(s, "GET", "/x", 4);
    s->total.requests = 4;
    FILE *f = capture();
    console_stats_table(f, s, false, 0);
    char *healthy = read_back(f);
    s->requests_dropped = 12;
    f = capture();
    console_stats_table(f, s, false, 0);
    char *final = read_back(f);
    f = capture();
    console_stats_table(f, s, true, 0);
    char *live = read_back(f);
    assert_null(strstr(healthy, "not recorded"));
    assert_null(strstr(live, "not recorded"));
    char *row = line_of(final, 5);             /* header, rule, /x, rule, Aggregated, this */
    assert_string_equal(row, "12 requests were not recorded (out of memory): the numbers "
                             "above miss them");
    free(row);
    row = line_of(final, 4);                   /* right under the Aggregated row */
    assert_non_null(strstr(row, "Aggregated"));
    assert_string_equal(final + strlen(final) - 6, "them\n\n");   /* then the empty line */
    s->requests_dropped = 1;
    f = capture();
    console_stats_table(f, s, false, 0);
    char *one = read_back(f);
    free(row);
    row = line_of(one, 5);
    assert_string_equal(row, "1 request was not recorded (out of memory): the numbers above "
                             "miss it");
    free(row), free(healthy), free(final), free(live), free(one), free(s);
}

/* After the error report: the requests aborted in flight, per endpoint, and the note of a
 * run that completed nothing; nothing at all for a healthy run. */
static void test_end_notes(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    add_ep(s, "GET", "/x", 4);
    add_ep(s, "POST", "/y", 0)->aborted = 2;
    s->total.requests = 4;
    FILE *f = capture();
    console_end_notes(f, s);
    char *healthy = read_back(f);
    assert_string_equal(healthy, "");
    s->total.aborted = 2;
    f = capture();
    console_end_notes(f, s);
    char *aborted = read_back(f);
    assert_string_equal(aborted, "2 requests were in flight when the users stopped: aborted, "
                                 "in no count above\n    POST /y: 2\n\n");
    s->total.requests = 0;
    s->endpoints[0].requests = 0;
    s->endpoints[1].aborted = 1;
    s->total.aborted = 1;
    f = capture();
    console_end_notes(f, s);
    char *nothing = read_back(f);
    assert_string_equal(nothing, "1 request was in flight when the users stopped: aborted, in "
                                 "no count above\n    POST /y: 1\n\nNo request completed: a "
                                 "run that measured nothing does not pass.\n\n");
    s->saturated_seconds = 11.2;
    f = capture();
    console_end_notes(f, s);
    char *saturated = read_back(f);
    assert_non_null(strstr(saturated, "\nSATURATED for 12 s of the run: load generator "
                                      "saturated: latencies include hornet's own queueing\n\n"));
    free(healthy), free(aborted), free(nothing), free(saturated), free(s);
}

/* Python's "%-{w}s" with w = STATS_NAME_WIDTH - 4 < 0 left-justifies to |w|; '-' * w is "". */
static void test_narrow_name_width_quirk(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    add_ep(s, "GET", "/x", 1)->median_us = 2000;
    FILE *out_text = capture();
    console_stats_table(out_text, s, true, 2);
    char *text = read_back(out_text);
    char *l0 = line_of(text, 0), *l1 = line_of(text, 1), *l2 = line_of(text, 2);
    /* expected text from Locust's format run in python3 */
    assert_string_equal(l0, "Type     Name  # reqs      # fails |    Avg     Min     Max    Med |"
                            "   req/s  failures/s");
    assert_string_equal(l1, "--------||-------|-------------|-------|-------|-------|-------|-----"
                            "---|-----------");
    assert_string_equal(l2, "GET      /x       1     0(0.00%) |      0       0       0      2 |"
                            "    0.00        0.00");
    free(l0), free(l1), free(l2), free(text), free(s);
}

/* Widths count characters: a UTF-8 name takes as many columns as an ASCII one. */
static void test_widths_count_characters(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    add_ep(s, "GET", "/caf\xc3\xa9/\xe6\x97\xa5", 1);
    add_ep(s, "GET", "/cafe/x", 1);
    FILE *out_text = capture();
    console_stats_table(out_text, s, true, 0);
    char *text = read_back(out_text);
    char *ascii = line_of(text, 2), *utf8 = line_of(text, 3);
    assert_int_equal(strlen(utf8), strlen(ascii) + 3);     /* 2 + 3 bytes for 2 characters */
    assert_string_equal(strchr(utf8, '|'), strchr(ascii, '|'));
    free(ascii), free(utf8), free(text), free(s);
}

static void test_default_width_from_terminal(void **state)
{
    static const struct { unsigned short cols; int width; } cases[] = {
        {100, 20}, {200, 80}, {160, 80}, {80, 0}, {60, 0}, {123, 43},
    };
    (void)state;
    FILE *file = tmpfile();
    assert_int_equal(console_default_name_width(file), 80);   /* not a terminal */
    fclose(file);
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    FILE *tty = fopen(ptsname(master), "w");
    assert_non_null(tty);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct winsize ws = {.ws_row = 40, .ws_col = cases[i].cols};
        assert_int_equal(ioctl(fileno(tty), TIOCSWINSZ, &ws), 0);
        assert_int_equal(console_default_name_width(tty), cases[i].width);
    }
    fclose(tty);
    close(master);
}

static void test_percentile_table(void **state)
{
    struct snapshot *s = snap_new();
    static const uint64_t pct[SNAP_PCT_COUNT] = {4499, 4500, 6000, 7000, 10000, 14000, 17000,
                                                 22000, 25413, 25413, 25413};
    (void)state;
    struct snap_stats *e = add_ep(s, "GET", "/", 238);
    memcpy(e->pct_us, pct, sizeof pct);
    add_ep(s, "GET", "/unsent", 3)->none_requests = 3;     /* no latency: no row */
    add_ep(s, "GET", "/never", 0);
    s->total = *e;
    snprintf(s->total.method, sizeof s->total.method, "%s", "");
    snprintf(s->total.name, sizeof s->total.name, "Aggregated");
    s->total.requests = 241;
    FILE *out_text = capture();
    console_percentiles_table(out_text, s, 0);
    char *text = read_back(out_text);
    char *expected = calloc(1, 4096);
    char name80[96];
    snprintf(name80, sizeof name80, "%-80s", "Name");
    sprintf(expected, "Response time percentiles (approximated)\n"
            "Type     %s      50%%    66%%    75%%    80%%    90%%    95%%    98%%    99%%  99.9%%"
            " 99.99%%   100%% # reqs\n", name80);
    char sep[256] = "--------|";
    memset(sep + 9, '-', 80);
    strcpy(sep + 89, "|--------|------|------|------|------|------|------|------|------|------|"
                     "------|------\n");
    strcat(expected, sep);
    snprintf(name80, sizeof name80, "%-80s", "/");
    sprintf(expected + strlen(expected), "GET      %s        4      5      6      7     10     14"
            "     17     22     25     25     25    238\n", name80);
    strcat(expected, sep);
    snprintf(name80, sizeof name80, "%-80s", "Aggregated");
    sprintf(expected + strlen(expected), "         %s        4      5      6      7     10     14"
            "     17     22     25     25     25    241\n\n", name80);
    assert_string_equal(text, expected);
    free(expected), free(text), free(s);
}

static void test_percentile_table_empty(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    FILE *out_text = capture();
    console_percentiles_table(out_text, s, 0);
    char *text = read_back(out_text);
    /* title, header, separator, separator, empty line: no rows at all */
    char *l2 = line_of(text, 2), *l3 = line_of(text, 3), *l4 = line_of(text, 4);
    int lines = 0;
    for (const char *p = text; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(lines, 5);
    assert_memory_equal(l2, "--------|", 9);
    assert_string_equal(l2, l3);
    assert_string_equal(l4, "");
    free(l2), free(l3), free(l4), free(text), free(s);
}

static void test_error_report_blocks(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    add_ep(s, "GET", "/a", 10);
    FILE *out_none = capture();
    console_error_report(out_none, s);
    char *none = read_back(out_none);
    assert_string_equal(none, "");                         /* Locust prints nothing */
    s->n_errors = 1;
    s->errors[0] = (struct snap_error){.endpoint = 0, .expected = true, .count = 4};
    snprintf(s->errors[0].text, SNAP_TEXT_MAX, "HTTP 404 Not Found");
    FILE *out_only_expected = capture();
    console_error_report(out_only_expected, s);
    char *only_expected = read_back(out_only_expected);
    char *title = line_of(only_expected, 0), *row = line_of(only_expected, 3);
    assert_string_equal(title, "Expected responses (counted as successes)");
    char want[160];
    snprintf(want, sizeof want, "%-18s %-100s", "4", "GET /a: HTTP 404 Not Found");
    assert_string_equal(row, want);
    assert_null(strstr(only_expected, "Error report"));
    s->errors_dropped = 7;
    FILE *out_both = capture();
    console_error_report(out_both, s);
    char *both = read_back(out_both);
    assert_memory_equal(both, "Error report\n", 13);
    assert_non_null(strstr(both, "\n7                  (not itemised"));
    assert_non_null(strstr(both, "Expected responses (counted as successes)\n"));
    free(none), free(only_expected), free(title), free(row), free(both), free(s);
}

/* Names and texts from a scenario or a response are printed with their control characters
 * escaped, in every table, and the columns still line up. */
static void test_control_characters_escaped(void **state)
{
    struct snapshot *s = snap_new();
    FILE *f = capture();
    char *text, *row, *head;

    (void)state;
    add_ep(s, "GET", "/a\x1b]0;owned\x07", 10);
    s->n_errors = 1;
    s->errors[0] = (struct snap_error){.endpoint = 0, .count = 3};
    snprintf(s->errors[0].text, SNAP_TEXT_MAX, "check failed: json.x == 1 (got \"\x1b[2J\")");
    s->n_targets = 1;
    snprintf(s->targets[0].endpoint, sizeof s->targets[0].endpoint, "GET /\x1b[H");
    snprintf(s->targets[0].text, sizeof s->targets[0].text, "p99 < 1 s");
    snprintf(s->targets[0].detail, sizeof s->targets[0].detail, "\xc2\x9b" "5m");
    s->aborted = true;
    snprintf(s->abort_reason, sizeof s->abort_reason, "Target failed: GET /\x1b[H");
    console_stats_table(f, s, false, 80);
    console_percentiles_table(f, s, 80);
    console_error_report(f, s);
    console_targets_table(f, s, false);
    text = read_back(f);
    assert_null(strchr(text, '\x1b'));
    assert_null(strstr(text, "\xc2\x9b"));
    row = line_of(text, 2);
    head = line_of(text, 0);
    assert_memory_equal(row, "GET      /a\\x1b]0;owned\\x07 ", 28);
    assert_int_equal(strlen(row), strlen(head));        /* padded by what is printed */
    assert_non_null(strstr(text, "GET /a\\x1b]0;owned\\x07: check failed: json.x == 1 (got "
                                 "\"\\x1b[2J\")"));
    assert_non_null(strstr(text, "GET /\\x1b[H p99 < 1 s"));
    assert_non_null(strstr(text, "\\u009b5m\n"));
    assert_non_null(strstr(text, "Aborted: Target failed: GET /\\x1b[H\n"));
    free(head), free(row), free(text), free(s);
}

static void test_golden_console(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    fixture_snapshot(s, 2);
    FILE *out = capture();
    console_stats_table(out, s, true, 0);
    console_stats_table(out, s, false, 0);
    console_percentiles_table(out, s, 0);
    console_error_report(out, s);
    char *text = read_back(out);
    check_golden("console.txt", text);
    out = capture();
    console_stats_table(out, s, false, 30);
    console_percentiles_table(out, s, 30);
    char *narrow = read_back(out);
    check_golden("console_width30.txt", narrow);
    free(text), free(narrow), free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reproduces_locust_lines),
        cmocka_unit_test(test_current_vs_total_rates),
        cmocka_unit_test(test_unrecorded_requests_line),
        cmocka_unit_test(test_end_notes),
        cmocka_unit_test(test_narrow_name_width_quirk),
        cmocka_unit_test(test_widths_count_characters),
        cmocka_unit_test(test_default_width_from_terminal),
        cmocka_unit_test(test_percentile_table),
        cmocka_unit_test(test_percentile_table_empty),
        cmocka_unit_test(test_error_report_blocks),
        cmocka_unit_test(test_control_characters_escaped),
        cmocka_unit_test(test_golden_console),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
