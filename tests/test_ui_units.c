/* Tests of the dashboard's number formatting (ui/units.c): latencies with ms / s / m / h
 * units at every rounding boundary, counts and rates that fit a cell (k, M), shares,
 * durations, spans and clock times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "units.h"

static void check_latency(uint64_t us, const char *want)
{
    char out[16];

    units_latency(out, sizeof out, us);
    if (strcmp(out, want) != 0)
        fail_msg("units_latency(%llu) = \"%s\", want \"%s\"", (unsigned long long)us, out, want);
    assert_true(strlen(out) <= 6);
}

static void test_latency(void **state)
{
    (void)state;
    check_latency(0, "0.00ms");
    check_latency(450, "0.45ms");
    check_latency(4512, "4.51ms");
    check_latency(9994, "9.99ms");
    check_latency(9996, "10.0ms");          /* would round to 10.00ms: one decimal fewer */
    check_latency(45100, "45.1ms");
    check_latency(99949, "99.9ms");
    check_latency(99950, "100ms");
    check_latency(451000, "451ms");
    check_latency(999499, "999ms");
    check_latency(999500, "1.00s");
    check_latency(4510000, "4.51s");
    check_latency(45100000, "45.1s");
    check_latency(59949999, "59.9s");
    check_latency(59950000, "1m00s");
    check_latency(452000000, "7m32s");
    check_latency(3599400000ull, "59m59s");
    check_latency(3600000000ull, "1h00m");
    check_latency(7170000000ull, "2h00m");  /* 1h59m30s rounds up, never "1h60m" */
    check_latency(7530000000ull, "2h06m");
}

static void check_tick(double us, const char *want)
{
    char out[16];

    units_latency_tick(out, sizeof out, us);
    if (strcmp(out, want) != 0)
        fail_msg("units_latency_tick(%g) = \"%s\", want \"%s\"", us, out, want);
}

static void test_latency_ticks(void **state)
{
    (void)state;
    check_tick(0, "0");
    check_tick(100, "100us");
    check_tick(1000, "1ms");
    check_tick(2500, "2.5ms");
    check_tick(100000, "100ms");
    check_tick(1e6, "1s");
    check_tick(1.5e6, "1.5s");
    check_tick(1.2e8, "2m");
}

static void check_count(uint64_t v, int width, const char *want)
{
    char out[32];

    units_count(out, sizeof out, v, width);
    if (strcmp(out, want) != 0)
        fail_msg("units_count(%llu, %d) = \"%s\", want \"%s\"", (unsigned long long)v, width,
                 out, want);
    if (width > 0)
        assert_true((int)strlen(out) <= width);
}

static void test_count(void **state)
{
    (void)state;
    check_count(0, 0, "0");
    check_count(999, 0, "999");
    check_count(1000, 0, "1,000");
    check_count(12345, 0, "12,345");
    check_count(1234567, 0, "1,234,567");
    check_count(1234567, 9, "1,234,567");
    check_count(1234567, 8, "1.23M");
    check_count(12345, 5, "12.3k");
    check_count(123456, 5, "123k");
    check_count(999999, 5, "1.00M");        /* 999.999k rounds to the next unit */
    check_count(12345, 4, "12k");           /* narrower: fewer decimals */
    check_count(5000000000ull, 6, "5.00G");
}

static void check_rate(double v, int width, const char *want)
{
    char out[32];

    units_rate(out, sizeof out, v, width);
    if (strcmp(out, want) != 0)
        fail_msg("units_rate(%g, %d) = \"%s\", want \"%s\"", v, width, out, want);
}

static void test_rate(void **state)
{
    (void)state;
    check_rate(0.0, 0, "0.0");
    check_rate(-3.0, 0, "0.0");
    check_rate(0.04, 0, "0.0");
    check_rate(0.06, 0, "0.1");
    check_rate(153.24, 0, "153.2");
    check_rate(153.25, 0, "153.3");
    check_rate(999.96, 0, "1,000.0");
    check_rate(1234.56, 7, "1,234.6");
    check_rate(12345.6, 7, "12.3k");
    check_rate(12345.6, 0, "12,345.6");
    check_rate(2.5e6, 6, "2.50M");
}

static void test_percent_and_durations(void **state)
{
    char out[32];

    (void)state;
    assert_string_equal(units_percent(out, sizeof out, 0.0), "0.00%");
    assert_string_equal(units_percent(out, sizeof out, 0.0123), "1.23%");
    assert_string_equal(units_percent(out, sizeof out, 0.123), "12.3%");
    assert_string_equal(units_percent(out, sizeof out, 1.0), "100%");
    assert_string_equal(units_duration(out, sizeof out, 5.9), "0:05");
    assert_string_equal(units_duration(out, sizeof out, 754.0), "12:34");
    assert_string_equal(units_duration(out, sizeof out, 3723.0), "1:02:03");
    assert_string_equal(units_duration(out, sizeof out, -3.0), "0:00");
    assert_string_equal(units_span(out, sizeof out, 0.4), "0s");
    assert_string_equal(units_span(out, sizeof out, 7.0), "7s");
    assert_string_equal(units_span(out, sizeof out, 65.0), "1m05s");
    assert_string_equal(units_span(out, sizeof out, 7380.0), "2h03m");
}

static void test_clock(void **state)
{
    char out[16];

    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    assert_string_equal(units_clock(out, sizeof out, 1796078700.0), "22:45:00");
    assert_string_equal(units_clock(out, sizeof out, 1796078759.99), "22:45:59");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency),
        cmocka_unit_test(test_latency_ticks),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_rate),
        cmocka_unit_test(test_percent_and_durations),
        cmocka_unit_test(test_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
