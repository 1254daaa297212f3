/* Tests of health_unit: how backend-health values are written and limit amounts read. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "health_unit.h"

static const char *fmt(const char *unit, double v)
{
    static char buf[64];

    health_unit_format(unit, v, buf, sizeof buf);
    return buf;
}

static void test_kinds(void **state)
{
    (void)state;
    assert_int_equal(health_unit_kind(NULL), HEALTH_UNIT_PLAIN);
    assert_int_equal(health_unit_kind(""), HEALTH_UNIT_PLAIN);
    assert_int_equal(health_unit_kind("bytes"), HEALTH_UNIT_BYTES);
    assert_int_equal(health_unit_kind("B"), HEALTH_UNIT_BYTES);
    assert_int_equal(health_unit_kind("%"), HEALTH_UNIT_PERCENT);
    assert_int_equal(health_unit_kind("s"), HEALTH_UNIT_SECONDS);
    assert_int_equal(health_unit_kind("/s"), HEALTH_UNIT_RATE);
    assert_int_equal(health_unit_kind("ops/s"), HEALTH_UNIT_RATE);
    assert_int_equal(health_unit_kind("connections"), HEALTH_UNIT_PLAIN);
}

static void test_format(void **state)
{
    (void)state;
    assert_string_equal(fmt("", 12), "12");
    assert_string_equal(fmt("", 1234), "1,234");
    assert_string_equal(fmt("", 99999), "99,999");
    assert_string_equal(fmt("", 123456), "123k");
    assert_string_equal(fmt("", 1234567), "1.23M");
    assert_string_equal(fmt("", 0.523), "0.52");
    assert_string_equal(fmt("", 12.34), "12.3");
    assert_string_equal(fmt("", -3), "-3");
    assert_string_equal(fmt("", NAN), "-");
    assert_string_equal(fmt("workers", 4), "4");
    assert_string_equal(fmt("bytes", 812), "812 B");
    assert_string_equal(fmt("bytes", 12345), "12.3 kB");
    assert_string_equal(fmt("bytes", 312e6), "312 MB");
    assert_string_equal(fmt("bytes", 1.25e9), "1.25 GB");
    assert_string_equal(fmt("%", 23.44), "23.4%");
    assert_string_equal(fmt("%", 100), "100%");
    assert_string_equal(fmt("%", 0.5), "0.50%");
    assert_string_equal(fmt("s", 0.412), "412 ms");
    assert_string_equal(fmt("s", 1.25), "1.25 s");
    assert_string_equal(fmt("/s", 52.3), "52.3/s");
    assert_string_equal(fmt("ops/s", 1234), "1,234/s");
}

static double parse(const char *unit, const char *text)
{
    double v = -1;

    if (health_unit_parse(unit, text, &v) < 0)
        return -999;
    return v;
}

static void test_parse(void **state)
{
    (void)state;
    assert_true(parse("bytes", "350 MB") == 350e6);
    assert_true(parse("bytes", "350MB") == 350e6);
    assert_true(parse("bytes", " 1.5 GiB ") == 1.5 * 1073741824.0);
    assert_true(parse("bytes", "4096") == 4096);
    assert_true(parse("bytes", "1 KiB") == 1024);
    assert_true(parse("bytes", "2 kB") == 2000);
    assert_true(parse("bytes", "10 MiB") == 10 * 1048576.0);
    assert_true(parse("bytes", "3 XB") == -999);
    assert_true(parse("%", "80%") == 80);
    assert_true(parse("%", "80") == 80);
    assert_true(parse("%", "80 MB") == -999);
    assert_true(parse("s", "500ms") == 0.5);
    assert_true(parse("s", "1.5s") == 1.5);
    assert_true(parse("s", "2") == 2);
    assert_true(parse("/s", "100/s") == 100);
    assert_true(parse("connections", "100") == 100);
    assert_true(parse("connections", "1e2") == 100);
    assert_true(parse("", "-5") == -5);
    assert_true(parse("", "abc") == -999);
    assert_true(parse("", "") == -999);
    assert_true(parse("", "inf") == -999);
    assert_true(parse("", "nan") == -999);
    assert_true(parse("", "12 apples") == -999);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
