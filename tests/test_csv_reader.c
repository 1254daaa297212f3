/* Tests of csv_reader.c: RFC 4180 records from text and from files (quotes, doubled quotes,
 * CRLF, LF and CR, line breaks inside quotes, a BOM, blank lines), the line each record starts
 * on, and every error with its line: what the feeders and `hornet report` rely on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "csv_reader.h"

/* Every record of text joined as "f1|f2;" with "@line" after each. */
static int read_all(const char *text, char *out, size_t n, struct csv_reader **keep)
{
    struct csv_reader *r = csv_reader_text(text, strlen(text));
    struct csv_record rec;
    size_t at = 0;
    int rc;

    assert_non_null(r);
    out[0] = '\0';
    while ((rc = csv_reader_next(r, &rec)) > 0) {
        for (size_t k = 0; k < rec.n; k++)
            at += (size_t)snprintf(out + at, n - at, "%s%s", k ? "|" : "", rec.fields[k]);
        at += (size_t)snprintf(out + at, n - at, "@%zu;", rec.line);
    }
    if (keep)
        *keep = r;
    else
        csv_reader_free(r);
    return rc;
}

static void test_python_dialect(void **state)
{
    const char *text = "\xEF\xBB\xBFh1,h2,h3\r\n"
                       "a,\"b,c\",\"d \"\"q\"\"\"\r\n"
                       "\"multi\nline\",,x\n"
                       "last,\"\",\r\n";
    struct csv_reader *r = csv_reader_text(text, strlen(text));
    struct csv_record rec;

    (void)state;
    assert_int_equal(csv_reader_next(r, &rec), 1);
    assert_int_equal(rec.n, 3);
    assert_string_equal(rec.fields[0], "h1");             /* the BOM is skipped */
    assert_int_equal(csv_reader_next(r, &rec), 1);
    assert_string_equal(rec.fields[1], "b,c");
    assert_string_equal(rec.fields[2], "d \"q\"");
    assert_int_equal(csv_reader_next(r, &rec), 1);
    assert_string_equal(rec.fields[0], "multi\nline");
    assert_string_equal(rec.fields[1], "");
    assert_string_equal(rec.fields[2], "x");               /* LF alone ends a record too */
    assert_int_equal(rec.line, 3);
    assert_int_equal(csv_reader_next(r, &rec), 1);
    assert_int_equal(rec.line, 5);                         /* after the quoted newline */
    assert_int_equal(rec.n, 3);
    assert_string_equal(rec.fields[1], "");
    assert_string_equal(rec.fields[2], "");
    assert_int_equal(csv_reader_next(r, &rec), 0);
    assert_int_equal(csv_reader_next(r, &rec), 0);
    csv_reader_free(r);

    r = csv_reader_text("a,b\r\nc,\"open\r\nnever closed\r\n", 27);
    assert_int_equal(csv_reader_next(r, &rec), 1);
    assert_int_equal(csv_reader_next(r, &rec), -1);
    assert_int_equal(csv_reader_error_line(r), 2);
    assert_string_equal(csv_reader_error(r), "unterminated quoted field");
    assert_int_equal(csv_reader_next(r, &rec), -1);       /* errors stick */
    csv_reader_free(r);
    r = csv_reader_text("", 0);
    assert_int_equal(csv_reader_next(r, &rec), 0);
    assert_string_equal(csv_reader_error(r), "");
    csv_reader_free(r);
}

static void test_line_ends_and_blank_lines(void **state)
{
    char out[256];

    (void)state;
    assert_int_equal(read_all("a\rb\r\n\r\nc\n\nd", out, sizeof out, NULL), 0);
    assert_string_equal(out, "a@1;b@2;c@4;d@6;");
    assert_int_equal(read_all("x,\"\"\n\"\"\n,\n", out, sizeof out, NULL), 0);
    assert_string_equal(out, "x|@1;@2;|@3;");           /* "" is a field, not a blank line */
    assert_int_equal(read_all("\"a\"\"\",\"\r\n\"\n", out, sizeof out, NULL), 0);
    assert_string_equal(out, "a\"|\r\n@1;");
}

static void expect_error(const char *text, size_t line, const char *msg)
{
    char out[256];
    struct csv_reader *r;

    assert_int_equal(read_all(text, out, sizeof out, &r), -1);
    assert_string_equal(csv_reader_error(r), msg);
    assert_int_equal(csv_reader_error_line(r), line);
    csv_reader_free(r);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("a,b\n\"x\"y,2\n", 2, "unexpected 'y' after a quoted field");
    expect_error("a,b\nx\"y,2\n", 2, "a field with a quote must be quoted whole "
                 "(\"a \"\"b\"\" c\")");
    expect_error("a\n\"b\nc\nd", 2, "unterminated quoted field");
    expect_error("a\n\"b\nc\"\"\n", 2, "unterminated quoted field");
}

static void test_file(void **state)
{
    char path[] = "/tmp/hornet-csv-reader.XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w+b");
    struct csv_reader *r;
    struct csv_record rec;
    size_t rows = 0;

    (void)state;
    assert_non_null(f);
    fputs("\xEF\xBB\xBFn,text\r\n", f);
    for (int i = 0; i < 20000; i++)                        /* several read chunks */
        fprintf(f, "%d,\"row %d, with \"\"quotes\"\"\nand a line break\"\r\n", i, i);
    fwrite("x\0y\n", 1, 4, f);
    rewind(f);
    r = csv_reader_file(f);
    assert_non_null(r);
    assert_int_equal(csv_reader_next(r, &rec), 1);
    assert_string_equal(rec.fields[0], "n");
    while (csv_reader_next(r, &rec) > 0) {
        char want[80];

        snprintf(want, sizeof want, "row %zu, with \"quotes\"\nand a line break", rows);
        assert_string_equal(rec.fields[1], want);
        assert_int_equal(rec.line, 2 + 2 * rows);
        rows++;
    }
    assert_int_equal(rows, 20000);
    assert_string_equal(csv_reader_error(r), "not a text file (a NUL byte)");
    assert_int_equal(csv_reader_error_line(r), 40002);
    csv_reader_free(r);
    fclose(f);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_python_dialect),
        cmocka_unit_test(test_line_ends_and_blank_lines),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
