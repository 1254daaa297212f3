/* Tests of escape (engine/escape.c): every control character (C0, DEL, C1) and every byte
 * that is not UTF-8 is made visible, valid UTF-8 and printable ASCII are kept, copies are cut
 * on whole characters, and message lines keep only their final newline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "escape.h"

static const char *copy(const char *s, unsigned flags)
{
    static char buf[512];

    return escape_copy(buf, sizeof buf, s, flags);
}

static void test_controls_are_visible(void **state)
{
    (void)state;
    assert_string_equal(copy("\x1b]0;owned\x07name", 0), "\\x1b]0;owned\\x07name");
    assert_string_equal(copy("a\r\nb\tc\x7f", 0), "a\\r\\nb\\tc\\x7f");
    assert_string_equal(copy("csi \xc2\x9b" "2J", 0), "csi \\u009b2J");     /* C1 CSI */
    assert_string_equal(copy("bad \xff\xc3(", 0), "bad \\xff\\xc3(");
    assert_string_equal(copy("\xed\xa0\x80", 0), "\\xed\\xa0\\x80");        /* a surrogate */
    assert_string_equal(copy("caf\xc3\xa9 \xe2\x96\x88 \xf0\x9f\x98\x80 \xc2\xa0", 0),
                        "caf\xc3\xa9 \xe2\x96\x88 \xf0\x9f\x98\x80 \xc2\xa0");
    assert_string_equal(copy("C:\\path", 0), "C:\\path");
    assert_string_equal(copy("C:\\path", ESCAPE_BACKSLASH), "C:\\\\path");
    assert_string_equal(copy("one\ntwo\x1b", ESCAPE_KEEP_NEWLINE), "one\ntwo\\x1b");
    for (int c = 1; c < 0x20; c++) {
        char s[2] = {(char)c, 0};
        assert_true(strchr(copy(s, 0), '\\') != NULL);
        assert_false(escape_clean(s));
    }
    assert_true(escape_clean("GET /api/v1/deployments/{id}/ \xc3\xa9"));
    assert_false(escape_clean("\xc2\x85"));
}

static void test_copy_cuts_whole_characters(void **state)
{
    char buf[8];

    (void)state;
    assert_string_equal(escape_copy(buf, sizeof buf, "ab\x1b" "cd", 0), "ab\\x1bc");
    assert_string_equal(escape_copy(buf, 6, "ab\x1b" "cd", 0), "ab");     /* \x1b is 4 */
    assert_string_equal(escape_copy(buf, 5, "abc\xe2\x96\x88", 0), "abc");
    assert_string_equal(escape_copy(buf, 1, "abc", 0), "");
}

static void test_fprintf_keeps_the_last_newline(void **state)
{
    char *text = NULL, big[3000];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    (void)state;
    assert_non_null(f);
    escape_fprintf(f, "hornet: %s: cannot read\n", "x\x1b[2J.json\n");
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[1500] = '\x1b';
    escape_fprintf(f, "%s", big);
    fclose(f);
    assert_int_equal(len, strlen("hornet: x\\x1b[2J.json\\n: cannot read\n") + 3002);
    assert_memory_equal(text, "hornet: x\\x1b[2J.json\\n: cannot read\n", 37);
    assert_non_null(strstr(text, "xx\\x1bxx"));
    assert_null(strchr(text, '\x1b'));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls_are_visible),
        cmocka_unit_test(test_copy_cuts_whole_characters),
        cmocka_unit_test(test_fprintf_keeps_the_last_newline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
