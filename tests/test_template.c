/* Tests of templates: every function and escape, errors with columns, determinism, ranges,
 * the builder, variables used, constants and unset variables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "suggest.h"
#include "template.h"
#include "template_internal.h"

/* A symbol table like the loader's: two variables known up front, one feeder. */
struct fixture {
    char **vars;
    uint32_t n_vars;
    struct tmpl_symbols sym;
    struct user_var values[16];
    const char *row[3];
    const char *const *rows[1];
    struct tmpl_ctx ctx;
    uint64_t rng;
    struct strbuf out;
    char err[256];
};

static const char *const feeder_names[] = {"accounts"};
static const char *const account_columns[] = {"username", "password", "role"};
static const char *const *const feeder_columns[] = {account_columns};
static const uint32_t feeder_n_columns[] = {3};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    f->vars = calloc(2, sizeof *f->vars);
    f->vars[0] = strdup("token");
    f->vars[1] = strdup("dep_id");
    f->n_vars = 2;
    f->sym = (struct tmpl_symbols){&f->vars, &f->n_vars, feeder_names, feeder_columns,
                                   feeder_n_columns, 1};
    f->row[0] = "alice";
    f->row[1] = "s3cr\"t";
    f->row[2] = "admin";
    f->rows[0] = f->row;
    f->rng = 42;
    f->ctx = (struct tmpl_ctx){f->values, &f->rng, 7, 3, 1700000000.123, f->rows};
    strbuf_init(&f->out);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    for (uint32_t i = 0; i < f->n_vars; i++)
        free(f->vars[i]);
    free(f->vars);
    for (size_t i = 0; i < 16; i++)
        user_var_free(&f->values[i]);
    strbuf_free(&f->out);
    free(f);
    return 0;
}

static struct tmpl *compile(struct fixture *f, const char *src, enum tmpl_escape esc)
{
    size_t col = 999;
    struct tmpl *t = tmpl_compile(src, esc, &f->sym, f->err, sizeof f->err, &col);

    if (!t)
        fail_msg("compile '%s': %s (col %zu)", src, f->err, col);
    return t;
}

/* Render src once; the result stays in f->out. */
static const char *render(struct fixture *f, const char *src, enum tmpl_escape esc)
{
    struct tmpl *t = compile(f, src, esc);

    strbuf_clear(&f->out);
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
    tmpl_free(t);
    return f->out.data;
}

/* Compile src expecting an error: returns the message, checks the column. */
static const char *compile_error(struct fixture *f, const char *src, size_t want_col)
{
    size_t col = 999;
    struct tmpl *t = tmpl_compile(src, TMPL_RAW, &f->sym, f->err, sizeof f->err, &col);

    if (t)
        fail_msg("'%s' compiled but should not", src);
    assert_int_equal(col, want_col);
    return f->err;
}

static void set_var(struct fixture *f, uint32_t i, const char *v)
{
    assert_int_equal(user_var_set(&f->values[i], v, strlen(v)), 0);
}

static void test_literals_and_dollars(void **state)
{
    struct fixture *f = *state;

    assert_string_equal(render(f, "plain text", TMPL_RAW), "plain text");
    assert_string_equal(render(f, "", TMPL_RAW), "");
    assert_string_equal(render(f, "cost: $5, $$x", TMPL_RAW), "cost: $5, $$x");
    assert_string_equal(render(f, "$${uuid} is literal", TMPL_RAW), "${uuid} is literal");
    assert_string_equal(render(f, "a$$${user_index}", TMPL_RAW), "a$${user_index}");
    assert_string_equal(render(f, "$$${", TMPL_RAW), "$${");
    assert_string_equal(render(f, "end$", TMPL_RAW), "end$");
}

static void test_literal_escaping(void **state)
{
    struct fixture *f = *state;

    assert_string_equal(render(f, "say \"hi\"\\\n\t\x01", TMPL_JSON),
                        "say \\\"hi\\\"\\\\\\n\\t\\u0001");
    assert_string_equal(render(f, "/api/v1/a b/?x=1", TMPL_PATH), "/api/v1/a%20b/?x=1");
    assert_string_equal(render(f, "http://h:8/p{x}", TMPL_PATH), "http://h:8/p%7Bx%7D");
    assert_string_equal(render(f, "/a-b_c.d~e!$&'()*+,;=:@%/?#[]", TMPL_PATH),
                        "/a-b_c.d~e!$&'()*+,;=:@%/?#[]");
    assert_string_equal(render(f, "/\"<>\\^`|\x7f\x1f/", TMPL_PATH),
                        "/%22%3C%3E%5C%5E%60%7C%7F%1F/");
    assert_string_equal(render(f, "a b&c=d/é", TMPL_QUERY), "a%20b%26c%3Dd%2F%C3%A9");
    assert_string_equal(render(f, "Token x\r\nInjected: 1", TMPL_HEADER), "Token xInjected: 1");
    assert_string_equal(render(f, "caf\xc3\xa9 \"q\"", TMPL_RAW), "caf\xc3\xa9 \"q\"");
}

static void test_variables_and_escaping(void **state)
{
    struct fixture *f = *state;

    set_var(f, 1, "a/b c\"d\\e\n");
    assert_string_equal(render(f, "${dep_id}", TMPL_RAW), "a/b c\"d\\e\n");
    assert_string_equal(render(f, "\"${dep_id}\"", TMPL_JSON), "\\\"a/b c\\\"d\\\\e\\n\\\"");
    assert_string_equal(render(f, "/d/${dep_id}/", TMPL_PATH), "/d/a%2Fb%20c%22d%5Ce%0A/");
    assert_string_equal(render(f, "${dep_id}", TMPL_QUERY), "a%2Fb%20c%22d%5Ce%0A");
    assert_string_equal(render(f, "x ${dep_id}", TMPL_HEADER), "x a/b c\"d\\e");
    assert_string_equal(render(f, "${raw:dep_id}", TMPL_JSON), "a/b c\"d\\e\n");
    assert_string_equal(render(f, "${ dep_id }", TMPL_QUERY), "a%2Fb%20c%22d%5Ce%0A");
    set_var(f, 1, "id:1@x;y=2,z+$&'()*!~._-");
    assert_string_equal(render(f, "${dep_id}", TMPL_PATH), "id:1@x;y=2,z+$&'()*!~._-");
}

static void test_unset_variable_fails_and_restores(void **state)
{
    struct fixture *f = *state;
    struct tmpl *t = compile(f, "/api/v1/deployments/${dep_id}/", TMPL_PATH);

    strbuf_clear(&f->out);
    assert_int_equal(strbuf_append(&f->out, "keep", 4), 0);
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), -1);
    assert_string_equal(f->err, "variable ${dep_id} is not set");
    assert_string_equal(f->out.data, "keep");
    assert_int_equal(f->out.len, 4);
    assert_false(tmpl_vars_set(t, f->values));
    set_var(f, 1, "42");
    assert_true(tmpl_vars_set(t, f->values));
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
    assert_string_equal(f->out.data, "keep/api/v1/deployments/42/");
    tmpl_free(t);
}

/* A template with as many expressions as anyone writes by hand, times a thousand, is refused
 * where the one too many stands; so is one that renders more than 16 MB whatever the values
 * (literal text, uuids, randstr lengths), and a rendering that would pass 16 MB with the
 * values of the moment fails and leaves the buffer as it was. */
static void test_bounds(void **state)
{
    struct fixture *f = *state;
    struct strbuf src;
    struct tmpl *t;
    char *big;

    strbuf_init(&src);
    for (int i = 0; i < TMPL_EXPR_MAX; i++)
        assert_int_equal(strbuf_puts(&src, "${uuid},"), 0);
    t = compile(f, src.data, TMPL_RAW);                     /* 10000: fine */
    tmpl_free(t);
    assert_int_equal(strbuf_puts(&src, "${uuid}"), 0);
    assert_string_equal(compile_error(f, src.data, (size_t)TMPL_EXPR_MAX * 8),
                        "more than 10000 ${...} expressions in one template");
    strbuf_clear(&src);
    for (int i = 0; i < 257; i++)                           /* 257 x 64 kB > 16 MB */
        assert_int_equal(strbuf_puts(&src, "${randstr(65536)}"), 0);
    assert_string_equal(compile_error(f, src.data, 256 * 17),
                        "renders more than 16 MB, the most a template may");
    strbuf_free(&src);
    big = malloc(TMPL_RENDER_MAX / 2 + 1);
    assert_non_null(big);
    memset(big, 'x', TMPL_RENDER_MAX / 2);
    big[TMPL_RENDER_MAX / 2] = '\0';
    set_var(f, 1, big);
    t = compile(f, "${dep_id}${dep_id}+", TMPL_RAW);        /* 16 MB and one byte */
    strbuf_clear(&f->out);
    assert_int_equal(strbuf_puts(&f->out, "keep"), 0);
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), -1);
    assert_string_equal(f->err, "rendered more than 16 MB, the most a template may");
    assert_string_equal(f->out.data, "keep");
    tmpl_free(t);
    t = compile(f, "${dep_id}${dep_id}", TMPL_RAW);         /* exactly 16 MB */
    strbuf_clear(&f->out);
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
    assert_int_equal(f->out.len, TMPL_RENDER_MAX);
    tmpl_free(t);
    free(big);
}

static void test_new_variables_are_appended(void **state)
{
    struct fixture *f = *state;
    struct tmpl *t = compile(f, "${job_id}-${token}-${job_id}-${approval}", TMPL_RAW);
    uint32_t used[8], small[1];

    assert_int_equal(f->n_vars, 4);
    assert_string_equal(f->vars[2], "job_id");
    assert_string_equal(f->vars[3], "approval");
    assert_int_equal(tmpl_vars_used(t, used, 8), 3);
    assert_int_equal(used[0], 2);
    assert_int_equal(used[1], 0);
    assert_int_equal(used[2], 3);
    assert_int_equal(tmpl_vars_used(t, small, 1), 3);
    assert_int_equal(small[0], 2);
    assert_false(tmpl_is_constant(t));
    assert_null(tmpl_constant_text(t));
    assert_string_equal(tmpl_source(t), "${job_id}-${token}-${job_id}-${approval}");
    tmpl_free(t);
}

static void test_feeder_cells(void **state)
{
    struct fixture *f = *state;

    assert_string_equal(render(f, "${accounts.username}:${accounts.password}", TMPL_RAW),
                        "alice:s3cr\"t");
    assert_string_equal(render(f, "{\"p\":\"${accounts.password}\"}", TMPL_RAW),
                        "{\"p\":\"s3cr\"t\"}");
    assert_string_equal(render(f, "${accounts.password}", TMPL_JSON), "s3cr\\\"t");
    f->ctx.feeder_rows = NULL;
    {
        struct tmpl *t = compile(f, "${accounts.role}", TMPL_RAW);

        assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), -1);
        assert_string_equal(f->err, "feeder value ${accounts.role} is not available");
        tmpl_free(t);
    }
}

static void assert_uuid_v4(const char *u)
{
    assert_int_equal(strlen(u), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(u[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", u[i]));
    }
    assert_int_equal(u[14], '4');
    assert_non_null(strchr("89ab", u[19]));
}

static void test_uuid(void **state)
{
    struct fixture *f = *state;
    char first[64];

    snprintf(first, sizeof first, "%s", render(f, "${uuid}", TMPL_RAW));
    assert_uuid_v4(first);
    assert_uuid_v4(render(f, "${uuid()}", TMPL_PATH));
    assert_string_not_equal(first, f->out.data);
}

static void test_randint_bounds_inclusive(void **state)
{
    struct fixture *f = *state;
    struct tmpl *t = compile(f, "${randint(1,3)}", TMPL_RAW);
    int seen[4] = {0};

    for (int i = 0; i < 3000; i++) {
        long v;

        strbuf_clear(&f->out);
        assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
        v = strtol(f->out.data, NULL, 10);
        assert_in_range(v, 1, 3);
        seen[v]++;
    }
    for (int v = 1; v <= 3; v++)
        assert_in_range(seen[v], 800, 1200);
    tmpl_free(t);
    assert_string_equal(render(f, "${randint(-5,-5)}", TMPL_RAW), "-5");
    assert_string_equal(render(f, "${randint( 0 , 0 )}", TMPL_RAW), "0");
    render(f, "${randint(-9223372036854775808,9223372036854775807)}", TMPL_RAW);
    assert_true(f->out.len >= 1);
}

static void test_randfloat_range(void **state)
{
    struct fixture *f = *state;
    struct tmpl *t = compile(f, "${randfloat(0.5,1.5)}", TMPL_RAW);
    double lo = 9, hi = -9;

    for (int i = 0; i < 2000; i++) {
        double v;

        strbuf_clear(&f->out);
        assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
        assert_non_null(strchr(f->out.data, '.'));
        assert_int_equal(strlen(strchr(f->out.data, '.')), 7);      /* six decimals */
        v = strtod(f->out.data, NULL);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    assert_true(lo >= 0.5 && lo < 0.6);
    assert_true(hi < 1.5 && hi > 1.4);
    tmpl_free(t);
    assert_string_equal(render(f, "${randfloat(2,2)}", TMPL_RAW), "2.000000");
}

static void test_choice(void **state)
{
    struct fixture *f = *state;
    struct tmpl *t = compile(f, "${choice(canary, pilot ,'a,b}', \"q\")}", TMPL_JSON);
    int canary = 0, pilot = 0, ab = 0, q = 0;

    for (int i = 0; i < 800; i++) {
        strbuf_clear(&f->out);
        assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
        canary += !strcmp(f->out.data, "canary");
        pilot += !strcmp(f->out.data, "pilot");
        ab += !strcmp(f->out.data, "a,b}");
        q += !strcmp(f->out.data, "q");
    }
    assert_int_equal(canary + pilot + ab + q, 800);
    assert_true(canary > 100 && pilot > 100 && ab > 100 && q > 100);
    tmpl_free(t);
    assert_string_equal(render(f, "${choice('say \"x\"')}", TMPL_JSON), "say \\\"x\\\"");
    assert_string_equal(render(f, "${choice(a b)}", TMPL_QUERY), "a%20b");
}

static void test_randstr(void **state)
{
    struct fixture *f = *state;
    const char *s = render(f, "${randstr(40)}", TMPL_RAW);

    assert_int_equal(strlen(s), 40);
    for (int i = 0; i < 40; i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                               s[i]));
    assert_int_equal(strlen(render(f, "${randstr(1)}", TMPL_RAW)), 1);
    assert_int_equal(strlen(render(f, "${randstr(5000)}", TMPL_RAW)), 5000);
}

static void test_user_iteration_and_time(void **state)
{
    struct fixture *f = *state;

    assert_string_equal(render(f, "u${user_index}-i${iteration}", TMPL_RAW), "u7-i3");
    assert_string_equal(render(f, "${timestamp}", TMPL_RAW), "1700000000");
    assert_string_equal(render(f, "${timestamp_ms}", TMPL_RAW), "1700000000123");
    assert_string_equal(render(f, "${now_iso}", TMPL_RAW), "2023-11-14T22:13:20.123Z");
    assert_string_equal(render(f, "${now_iso}", TMPL_QUERY), "2023-11-14T22%3A13%3A20.123Z");
    f->ctx.iteration = 18446744073709551615ULL;
    f->ctx.user_index = 0;
    assert_string_equal(render(f, "${user_index}/${iteration}", TMPL_RAW),
                        "0/18446744073709551615");
}

static void test_env(void **state)
{
    struct fixture *f = *state;
    struct tmpl *t;

    setenv("HORNET_TEST_SECRET", "p\"w d", 1);
    unsetenv("HORNET_TEST_UNSET");
    t = compile(f, "pw=${env:HORNET_TEST_SECRET}", TMPL_JSON);
    assert_true(tmpl_is_constant(t));
    assert_string_equal(tmpl_constant_text(t), "pw=p\\\"w d");
    tmpl_free(t);
    assert_string_equal(render(f, "${env:HORNET_TEST_SECRET:-x}", TMPL_QUERY), "p%22w%20d");
    assert_string_equal(render(f, "${env:HORNET_TEST_UNSET:-loadtest}", TMPL_RAW), "loadtest");
    assert_string_equal(render(f, "[${env:HORNET_TEST_UNSET:-}]", TMPL_RAW), "[]");
    assert_string_equal(render(f, "${raw:env:HORNET_TEST_SECRET}", TMPL_JSON), "p\"w d");
    assert_string_equal(compile_error(f, "x ${env:HORNET_TEST_UNSET}", 8),
                        "environment variable HORNET_TEST_UNSET is not set (give a default: "
                        "${env:HORNET_TEST_UNSET:-value})");
    assert_string_equal(compile_error(f, "${env:}", 6),
                        "expected an environment variable name after env:");
    assert_string_equal(compile_error(f, "${env:A-B}", 7),
                        "expected ':-default' or '}' after ${env:A");
}

static void test_errors_with_columns(void **state)
{
    struct fixture *f = *state;

    assert_string_equal(compile_error(f, "app-${randnt(1,9)}", 6),
                        "unknown function 'randnt' (did you mean randint?)");
    assert_string_equal(compile_error(f, "${frobnicate()}", 2), "unknown function 'frobnicate'");
    assert_string_equal(compile_error(f, "/x/${dep_id", 3), "unterminated ${ (missing })");
    assert_string_equal(compile_error(f, "a${}", 3), "empty expression");
    assert_string_equal(compile_error(f, "${ raw: }", 7), "empty expression");
    assert_string_equal(compile_error(f, "${randint(5,1)}", 10),
                        "${randint(min,max)}: min is greater than max");
    assert_string_equal(compile_error(f, "${randint(x,2)}", 10),
                        "${randint(min,max)}: expected an integer, got 'x'");
    assert_string_equal(compile_error(f, "${randint(1, 2.5)}", 13),
                        "${randint(min,max)}: expected an integer, got '2.5'");
    assert_string_equal(compile_error(f, "${randfloat(1,nan)}", 14),
                        "${randfloat(min,max)}: expected a number, got 'nan'");
    assert_string_equal(compile_error(f, "${randint(1)}", 9),
                        "randint takes two arguments: ${randint(min,max)}");
    assert_string_equal(compile_error(f, "${uuid(4)}", 6), "uuid takes no arguments: ${uuid}");
    assert_string_equal(compile_error(f, "${choice()}", 8),
                        "choice takes one or more arguments: ${choice(a,b,...)}");
    assert_string_equal(compile_error(f, "${choice('a,b)}", 9), "unterminated quote in arguments");
    assert_string_equal(compile_error(f, "${randstr(0)}", 10),
                        "${randstr(n)}: expected a length from 1 to 65536, got '0'");
    assert_string_equal(compile_error(f, "${randint}", 2),
                        "randint needs arguments: ${randint(min,max)}");
    assert_string_equal(compile_error(f, "${dep id}", 5), "unexpected ' ' in expression");
    assert_string_equal(compile_error(f, "${9lives}", 2), "expected a name, got '9'");
    assert_string_equal(compile_error(f, "${randint(1,2}", 13),
                        "expected ')' at the end of randint(...)");
    assert_string_equal(compile_error(f, "${acounts.username}", 2),
                        "unknown feeder 'acounts' (did you mean accounts?)");
    assert_string_equal(compile_error(f, "${accounts.pasword}", 11),
                        "feeder accounts has no column 'pasword' (did you mean password?)");
    assert_string_equal(compile_error(f, "${accounts.zzzzzzzz}", 11),
                        "feeder accounts has no column 'zzzzzzzz'");
    assert_string_equal(compile_error(f, "${accounts}", 2),
                        "feeder accounts needs a column: ${accounts.column}");
}

static void test_no_symbols(void **state)
{
    struct fixture *f = *state;
    size_t col = 0;
    struct tmpl *t = tmpl_compile("${x}", TMPL_RAW, NULL, f->err, sizeof f->err, &col);

    assert_null(t);
    assert_string_equal(f->err, "variables are not available here: ${x}");
    assert_int_equal(col, 2);
    t = tmpl_compile("${uuid}", TMPL_RAW, NULL, f->err, sizeof f->err, NULL);
    assert_non_null(t);
    tmpl_free(t);
}

static void test_determinism_with_seed(void **state)
{
    struct fixture *f = *state;
    struct tmpl *t = compile(f, "${uuid} ${randint(1,1000000)} ${randstr(8)} ${choice(a,b,c)}"
                             " ${randfloat(0,1)}", TMPL_RAW);
    char a[256], b[256];

    f->rng = 12345;
    strbuf_clear(&f->out);
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
    snprintf(a, sizeof a, "%s", f->out.data);
    f->rng = 12345;
    strbuf_clear(&f->out);
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
    snprintf(b, sizeof b, "%s", f->out.data);
    assert_string_equal(a, b);
    f->rng = 12346;
    strbuf_clear(&f->out);
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
    assert_string_not_equal(a, f->out.data);
    tmpl_free(t);
}

static void test_rand_next_is_splitmix64(void **state)
{
    uint64_t s = 0;

    (void)state;
    /* reference values of splitmix64 seeded with 0 */
    assert_true(tmpl_rand_next(&s) == 0xe220a8397b1dcdafULL);
    assert_true(tmpl_rand_next(&s) == 0x6e789e6aa1b965f4ULL);
    assert_true(tmpl_rand_next(&s) == 0x06c45d188009454fULL);
}

static void test_builder(void **state)
{
    struct fixture *f = *state;
    struct tmpl_builder *b = tmpl_builder_new();
    struct tmpl *t;
    size_t col = 0;
    uint32_t used[4];

    set_var(f, 0, "tok\"en");
    assert_int_equal(tmpl_builder_literal(b, "{\"name\":\"", 9), 0);
    assert_int_equal(tmpl_builder_template(b, "a\"${token}", TMPL_JSON, &f->sym, f->err,
                                           sizeof f->err, &col), 0);
    assert_int_equal(tmpl_builder_literal(b, "\",\"n\":", 6), 0);
    assert_int_equal(tmpl_builder_template(b, "${raw:user_index}", TMPL_JSON, &f->sym, f->err,
                                           sizeof f->err, &col), 0);
    assert_int_equal(tmpl_builder_literal(b, "}", 1), 0);
    assert_int_equal(tmpl_builder_template(b, "x${nope(1)}", TMPL_JSON, &f->sym, f->err,
                                           sizeof f->err, &col), -1);
    assert_string_equal(f->err, "unknown function 'nope'");
    assert_int_equal(col, 3);
    t = tmpl_builder_finish(b, "{\"name\": \"a\\\"${token}\", \"n\": \"${raw:user_index}\"}");
    assert_non_null(t);
    assert_string_equal(tmpl_source(t),
                        "{\"name\": \"a\\\"${token}\", \"n\": \"${raw:user_index}\"}");
    strbuf_clear(&f->out);
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
    assert_string_equal(f->out.data, "{\"name\":\"a\\\"tok\\\"en\",\"n\":7}x");
    assert_int_equal(tmpl_vars_used(t, used, 4), 1);
    assert_int_equal(used[0], 0);
    tmpl_free(t);
    tmpl_builder_free(tmpl_builder_new());
}

static void test_constants(void **state)
{
    struct fixture *f = *state;
    struct tmpl *t = compile(f, "/api/v1/health/", TMPL_PATH);

    assert_true(tmpl_is_constant(t));
    assert_string_equal(tmpl_constant_text(t), "/api/v1/health/");
    assert_int_equal(tmpl_vars_used(t, NULL, 0), 0);
    tmpl_free(t);
    t = compile(f, "", TMPL_RAW);
    assert_true(tmpl_is_constant(t));
    assert_string_equal(tmpl_constant_text(t), "");
    strbuf_free(&f->out);
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
    assert_non_null(f->out.data);
    assert_string_equal(f->out.data, "");
    tmpl_free(t);
    t = compile(f, "a $${b} ${env:HORNET_TEST_UNSET2:-c}", TMPL_RAW);
    assert_true(tmpl_is_constant(t));
    assert_string_equal(tmpl_constant_text(t), "a ${b} c");
    tmpl_free(t);
    t = compile(f, "${user_index}", TMPL_RAW);
    assert_false(tmpl_is_constant(t));
    tmpl_free(t);
}

static void test_buffers_are_reused(void **state)
{
    struct fixture *f = *state;
    struct tmpl *t = compile(f, "/api/v1/deployments/${dep_id}/?x=${randint(1,9)}", TMPL_PATH);
    struct user_var v = {0};
    char *data;
    size_t cap;

    set_var(f, 1, "0123456789abcdef");
    strbuf_clear(&f->out);
    assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
    data = f->out.data;
    cap = f->out.cap;
    for (int i = 0; i < 100; i++) {
        strbuf_clear(&f->out);
        assert_int_equal(tmpl_render(t, &f->ctx, &f->out, f->err, sizeof f->err), 0);
    }
    assert_ptr_equal(f->out.data, data);
    assert_int_equal(f->out.cap, cap);
    tmpl_free(t);

    assert_int_equal(user_var_set(&v, "a longer value here", 19), 0);
    data = v.value;
    assert_int_equal(user_var_set(&v, "short", 5), 0);
    assert_ptr_equal(v.value, data);
    assert_string_equal(v.value, "short");
    assert_int_equal(v.len, 5);
    assert_true(v.set);
    user_var_free(&v);
    assert_false(v.set);
    assert_null(v.value);
}

static void test_suggest_and_builtins(void **state)
{
    static const char *const keys[] = {"weight", "wait", "tasks", "name", "headers"};

    (void)state;
    assert_string_equal(suggest_closest("wieght", 6, keys, 5), "weight");
    assert_string_equal(suggest_closest("Tasks", 5, keys, 5), "tasks");
    assert_string_equal(suggest_closest("header", 6, keys, 5), "headers");
    assert_null(suggest_closest("zzzzzz", 6, keys, 5));
    assert_null(suggest_closest("xy", 2, keys, 5));
    assert_true(tmpl_is_builtin("uuid", 4));
    assert_true(tmpl_is_builtin("now_iso", 7));
    assert_false(tmpl_is_builtin("uuidx", 5));
    assert_false(tmpl_is_builtin("token", 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_literals_and_dollars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_literal_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_variables_and_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unset_variable_fails_and_restores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_variables_are_appended, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feeder_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uuid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_randint_bounds_inclusive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_randfloat_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_choice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_randstr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_iteration_and_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_with_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_symbols, setup, teardown),
        cmocka_unit_test_setup_teardown(test_determinism_with_seed, setup, teardown),
        cmocka_unit_test(test_rand_next_is_splitmix64),
        cmocka_unit_test_setup_teardown(test_builder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffers_are_reused, setup, teardown),
        cmocka_unit_test(test_suggest_and_builtins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
