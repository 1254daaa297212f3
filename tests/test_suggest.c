/* Tests of suggest.c: the one "did you mean" rule (optimal string alignment, case-insensitive,
 * a closeness limit by word length) that options, scenario keys and templates share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "suggest.h"

/* Whether b is offered for a (the only candidate). */
static bool offered(const char *a, const char *b)
{
    const char *const one[] = {b};

    return suggest_closest(a, strlen(a), one, 1) == one[0];
}

static void test_distance_rule(void **state)
{
    char long_word[SUGGEST_MAX_LEN + 2];

    (void)state;
    assert_true(offered("weight", "weight"));
    assert_true(offered("Weight", "wEIGHT"));                /* case-insensitive */
    assert_true(offered("wieght", "weight"));                /* one swap of neighbours */
    assert_true(offered("abc", "acb"));                       /* a swap is 1 even for 3 bytes */
    assert_false(offered("abc", "cba"));                      /* 2 edits: over 1 for 3 bytes */
    assert_true(offered("kitten", "sittn"));                  /* 2 edits for 6 bytes */
    assert_false(offered("kitten", "sitting"));               /* 3: over 2 */
    assert_true(offered("histroy-csv", "history-cs"));       /* swap + delete: 2 */
    assert_false(offered("ca", "abc"));                       /* OSA: no edit after a swap */
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    assert_false(offered(long_word, long_word));              /* longer than the maximum */
    long_word[SUGGEST_MAX_LEN] = '\0';
    assert_true(offered(long_word, long_word));
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
        cmocka_unit_test(test_distance_rule),
        cmocka_unit_test(test_closest),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
