/* Tests of suggest.c: the one "did you mean" rule (optimal string alignment, case-insensitive,
 * a closeness limit by word length) that options, scenario keys and templates share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "suggest.h"

static size_t dist(const char *a, const char *b)
{
    return suggest_distance(a, strlen(a), b, strlen(b));
}

static void test_distance(void **state)
{
    char long_word[SUGGEST_MAX_LEN + 2];

    (void)state;
    assert_int_equal(dist("", ""), 0);
    assert_int_equal(dist("abc", ""), 3);
    assert_int_equal(dist("weight", "weight"), 0);
    assert_int_equal(dist("Weight", "wEIGHT"), 0);           /* case-insensitive */
    assert_int_equal(dist("wieght", "weight"), 1);           /* one swap of neighbours */
    assert_int_equal(dist("histroy", "history"), 1);
    assert_int_equal(dist("kitten", "sitting"), 3);          /* 2 substitutions, 1 insert */
    assert_int_equal(dist("ca", "abc"), 3);                  /* OSA: no edit after a swap */
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    assert_int_equal(dist(long_word, "a"), SIZE_MAX);
    long_word[SUGGEST_MAX_LEN] = '\0';
    assert_int_equal(dist(long_word, long_word), 0);
}

static void test_closest(void **state)
{
    const char *const opts[] = {"users", NULL, "run-time", "csv-full-history", "headless"};
    const char *const tie[] = {"abcd", "abce"};

    (void)state;
    assert_string_equal(suggest_closest("userz", 5, opts, 5), "users");
    assert_string_equal(suggest_closest("runtime", 7, opts, 5), "run-time");
    assert_string_equal(suggest_closest("csv-full-histroy", 16, opts, 5), "csv-full-history");
    assert_string_equal(suggest_closest("HEADLSS", 7, opts, 5), "headless");
    assert_null(suggest_closest("zzzzzzzz", 8, opts, 5));
    assert_null(suggest_closest("usr", 3, opts, 5));        /* 3 bytes: at most 1 edit */
    assert_string_equal(suggest_closest("abcx", 4, tie, 2), "abcd");   /* first on a tie */
    assert_null(suggest_closest("x", 1, opts, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_closest),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
