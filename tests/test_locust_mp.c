/* Tests of the msgpack groundwork of the Locust codecs (locust_mp.c): the frame check before
 * msgpack-c unpacks (truncation, declared sizes, depth, trailing bytes), typed reads and their
 * error paths, the arena, strings written as valid UTF-8, and Python's repr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "locust_mp.h"

/* Unpack len bytes: 0 or -1, with the error text in err. */
static int unpack(const void *buf, size_t len, char *err, size_t errlen)
{
    msgpack_unpacked up;
    int rc;

    msgpack_unpacked_init(&up);
    err[0] = '\0';
    rc = locust_mp_unpack(buf, len, &up, err, errlen);
    msgpack_unpacked_destroy(&up);
    return rc;
}

static void assert_refused(const void *buf, size_t len, const char *needle)
{
    char err[256];

    assert_int_equal(unpack(buf, len, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("error \"%s\" does not say \"%s\"", err, needle);
}

static void test_accepts_every_type(void **state)
{
    /* [nil, false, true, 1, -1, 200, -200, 70000, 1.5f, 1.5, "ab", bin, ext, {1: 2}] */
    static const unsigned char frame[] = {
        0x9e, 0xc0, 0xc2, 0xc3, 0x01, 0xff, 0xcc, 0xc8, 0xd1, 0xff, 0x38, 0xce, 0x00, 0x01,
        0x11, 0x70, 0xca, 0x3f, 0xc0, 0x00, 0x00, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0,
        0xa2, 'a', 'b', 0xc4, 0x01, 0x00, 0xd4, 0x01, 0x02, 0x81, 0x01, 0x02,
    };
    unsigned char more[sizeof frame];
    char err[128];

    (void)state;
    assert_int_equal(unpack(frame, sizeof frame, err, sizeof err), 0);
    memcpy(more, frame, sizeof frame);
    more[0] = 0x9f;                         /* 15 items declared, 14 there */
    assert_int_equal(unpack(more, sizeof more, err, sizeof err), -1);
    assert_string_equal(err, "truncated frame at byte 42");
}

static void test_truncated_everywhere(void **state)
{
    static const unsigned char frame[] = {
        0x93, 0xa3, 'a', 'c', 'k', 0x81, 0xa5, 'i', 'n', 'd', 'e', 'x', 0xcd, 0x01, 0x00,
        0xa2, 'w', '1',
    };
    char err[128];

    (void)state;
    assert_int_equal(unpack(frame, sizeof frame, err, sizeof err), 0);
    for (size_t n = 0; n < sizeof frame; n++) {
        assert_int_equal(unpack(frame, n, err, sizeof err), -1);
        assert_true(strstr(err, "truncated") || strstr(err, "empty") || strstr(err, "remain"));
    }
}

static void test_huge_declared_sizes(void **state)
{
    static const unsigned char arr32[] = {0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0};
    static const unsigned char map32[] = {0xdf, 0x7f, 0xff, 0xff, 0xff, 0x01, 0x02};
    static const unsigned char str32[] = {0xdb, 0xff, 0xff, 0xff, 0xf0, 'a'};
    static const unsigned char bin32[] = {0xc6, 0x10, 0x00, 0x00, 0x00, 0x00};
    static const unsigned char ext32[] = {0xc9, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00};

    (void)state;
    assert_refused(arr32, sizeof arr32, "declares 4294967295 elements");
    assert_refused(map32, sizeof map32, "declares 4294967294 elements");
    assert_refused(str32, sizeof str32, "truncated");
    assert_refused(bin32, sizeof bin32, "truncated");
    assert_refused(ext32, sizeof ext32, "truncated");
}

static void test_depth_and_trailing(void **state)
{
    unsigned char deep[64];
    static const unsigned char trailing[] = {0xc0, 0xc0, 0xc0};
    static const unsigned char never_used[] = {0x91, 0xc1};
    char err[128];

    (void)state;
    memset(deep, 0x91, sizeof deep);        /* [[[[...]]]] */
    deep[sizeof deep - 1] = 0xc0;
    assert_refused(deep, sizeof deep, "nested deeper than 32");
    /* 31 nested arrays around nil unpack */
    assert_int_equal(unpack(deep + sizeof deep - 32, 32, err, sizeof err), 0);
    assert_refused(trailing, sizeof trailing, "2 bytes after the message");
    assert_refused(never_used, sizeof never_used, "invalid byte 0xc1");
    assert_refused(trailing, 0, "empty frame");
}

static void test_oversized_frame(void **state)
{
    size_t n = (size_t)LOCUST_MP_MAX_BYTES + 1;
    unsigned char *big = calloc(1, n);

    (void)state;
    assert_non_null(big);
    assert_refused(big, n, "frame of 16777217 bytes");
    free(big);
}

/* ---- typed reads ---- */

struct tree {
    msgpack_unpacked up;
    struct locust_mp_arena *arena;
    char err[256];
    struct locust_mp_ctx ctx;
};

static void tree_open(struct tree *t, const void *buf, size_t len)
{
    msgpack_unpacked_init(&t->up);
    assert_int_equal(locust_mp_unpack(buf, len, &t->up, t->err, sizeof t->err), 0);
    t->arena = locust_mp_arena_new();
    assert_non_null(t->arena);
    t->ctx = (struct locust_mp_ctx){t->arena, t->err, sizeof t->err};
}

static void tree_close(struct tree *t)
{
    msgpack_unpacked_destroy(&t->up);
    locust_mp_arena_free(t->arena);
}

static void test_typed_reads_name_the_path(void **state)
{
    /* {"stats": [{"n": "x"}], "neg": -3, "big": 2^64-1, "s": "a\0b", "f": 2.5} */
    static const unsigned char frame[] = {
        0x85, 0xa5, 's', 't', 'a', 't', 's', 0x91, 0x81, 0xa1, 'n', 0xa1, 'x',
        0xa3, 'n', 'e', 'g', 0xfd,
        0xa3, 'b', 'i', 'g', 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xa1, 's', 0xa3, 'a', 0x00, 'b',
        0xa1, 'f', 0xcb, 0x40, 0x04, 0, 0, 0, 0, 0, 0,
    };
    struct tree t;
    const msgpack_object_map *root, *entry;
    const msgpack_object_array *stats;
    const msgpack_object *o;
    struct locust_mp_path at = {NULL, "data", 0}, p_stats = {&at, "stats", 0};
    struct locust_mp_path p0 = {&p_stats, NULL, 0}, pn = {&p0, "n", 0};
    int64_t i;
    uint64_t u;
    double d;
    const char *s;

    (void)state;
    tree_open(&t, frame, sizeof frame);
    assert_int_equal(locust_mp_map(&t.ctx, &at, &t.up.data, &root), 0);
    assert_int_equal(locust_mp_need(&t.ctx, &at, root, "stats", &o), 0);
    assert_int_equal(locust_mp_array(&t.ctx, &p_stats, o, &stats), 0);
    assert_int_equal(locust_mp_map(&t.ctx, &p0, &stats->ptr[0], &entry), 0);
    assert_int_equal(locust_mp_int(&t.ctx, &pn, locust_mp_get(entry, "n"), &i), -1);
    assert_string_equal(t.err, "data.stats[0].n: expected an int, got str");
    assert_int_equal(locust_mp_need(&t.ctx, &p0, entry, "num_requests", &o), -1);
    assert_string_equal(t.err, "data.stats[0].num_requests: missing");
    assert_int_equal(locust_mp_int(&t.ctx, &at, locust_mp_get(root, "neg"), &i), 0);
    assert_int_equal(i, -3);
    assert_int_equal(locust_mp_uint(&t.ctx, &at, locust_mp_get(root, "neg"), &u), -1);
    assert_string_equal(t.err, "data: expected a count, got -3");
    assert_int_equal(locust_mp_int(&t.ctx, &at, locust_mp_get(root, "big"), &i), -1);
    assert_string_equal(t.err, "data: int 18446744073709551615 out of range");
    assert_int_equal(locust_mp_uint(&t.ctx, &at, locust_mp_get(root, "big"), &u), 0);
    assert_true(u == UINT64_MAX);
    assert_int_equal(locust_mp_str(&t.ctx, &at, locust_mp_get(root, "s"), &s), -1);
    assert_string_equal(t.err, "data: a str holding a NUL byte");
    assert_int_equal(locust_mp_number(&t.ctx, &at, locust_mp_get(root, "f"), &d), 0);
    assert_true(d == 2.5);
    assert_int_equal(locust_mp_number(&t.ctx, &at, locust_mp_get(root, "neg"), &d), 0);
    assert_true(d == -3.0);
    assert_int_equal(locust_mp_str_or_nil(&t.ctx, &pn, locust_mp_get(entry, "n"), &s), 0);
    assert_string_equal(s, "x");
    tree_close(&t);
}

static void test_arena(void **state)
{
    struct locust_mp_arena *a = locust_mp_arena_new();
    unsigned char *small[100];

    (void)state;
    assert_non_null(a);
    for (int i = 0; i < 100; i++) {
        small[i] = locust_mp_alloc(a, 100);
        assert_non_null(small[i]);
        assert_int_equal((uintptr_t)small[i] % 16, 0);
        for (int k = 0; k < 100; k++)
            assert_int_equal(small[i][k], 0);
        memset(small[i], i, 100);
    }
    assert_non_null(locust_mp_alloc(a, 1 << 20));       /* a block of its own */
    assert_non_null(locust_mp_alloc(a, 8));
    for (int i = 0; i < 100; i++)
        assert_int_equal(small[i][99], i);
    assert_null(locust_mp_alloc(a, SIZE_MAX / 2));
    locust_mp_arena_free(a);
    locust_mp_arena_free(NULL);
}

/* ---- writing ---- */

static void test_pack_str_makes_utf8(void **state)
{
    struct locust_mp_out o;
    void *frame;
    size_t len;
    char err[64];
    /* valid é, a lone continuation byte, a truncated 3-byte sequence, an overlong '/', a
     * surrogate, then valid text */
    const char *in = "\xc3\xa9|\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80|ok";
    const char want[] = "\xc3\xa9|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|ok";

    (void)state;
    locust_mp_out_init(&o);
    locust_mp_pack_str(&o.pk, in);
    locust_mp_pack_str(&o.pk, NULL);
    assert_int_equal(locust_mp_out_take(&o, &frame, &len, err, sizeof err), 0);
    assert_int_equal(len, 2 + sizeof want - 1 + 1);
    assert_int_equal(((unsigned char *)frame)[0], 0xd9);        /* str8 */
    assert_int_equal(((unsigned char *)frame)[1], sizeof want - 1);
    assert_memory_equal((char *)frame + 2, want, sizeof want - 1);
    assert_int_equal(((unsigned char *)frame)[len - 1], 0xc0);  /* nil */
    free(frame);
}

static void test_out_refuses_oversize(void **state)
{
    struct locust_mp_out o;
    void *frame = NULL;
    size_t len = 0, chunk = 1 << 20;
    char *body = malloc(chunk), err[64];

    (void)state;
    assert_non_null(body);
    memset(body, 'a', chunk);
    locust_mp_out_init(&o);
    for (int i = 0; i < 17; i++)
        msgpack_pack_bin_with_body(&o.pk, body, chunk);
    assert_true(o.failed && o.too_big);
    assert_int_equal(locust_mp_out_take(&o, &frame, &len, err, sizeof err), -1);
    assert_string_equal(err, "message larger than 16777216 bytes");
    assert_null(frame);
    free(body);
}

static void check_repr(const char *in, const char *want)
{
    char *got = locust_mp_pyrepr(in);

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_pyrepr(void **state)
{
    (void)state;
    /* expected strings from python3 -c 'print(repr(s))' */
    check_repr("", "''");
    check_repr("plain", "'plain'");
    check_repr("it's", "\"it's\"");
    check_repr("both ' and \"", "'both \\' and \"'");
    check_repr("say \"hi\"", "'say \"hi\"'");
    check_repr("back\\slash", "'back\\\\slash'");
    check_repr("t\tn\nr\r", "'t\\tn\\nr\\r'");
    check_repr("\x01\x1f\x7f", "'\\x01\\x1f\\x7f'");
    check_repr("caf\xc3\xa9 \xc2\xa0 \xc2\xad \xc2\x85", "'caf\xc3\xa9 \\xa0 \\xad \\x85'");
    check_repr("\xe6\x97\xa5 \xe2\x80\xa8 \xe3\x80\x80 \xef\xbb\xbf",
               "'\xe6\x97\xa5 \\u2028 \\u3000 \\ufeff'");
    check_repr("\xf3\xa0\x80\x81 \xf0\x9f\x98\x80", "'\\U000e0001 \xf0\x9f\x98\x80'");
    check_repr("\xf3\xa0\x84\x80", "'\xf3\xa0\x84\x80'");   /* U+E0100, a variation selector */
    check_repr("bad \xff", "'bad \xef\xbf\xbd'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_every_type),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_huge_declared_sizes),
        cmocka_unit_test(test_depth_and_trailing),
        cmocka_unit_test(test_oversized_frame),
        cmocka_unit_test(test_typed_reads_name_the_path),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_pack_str_makes_utf8),
        cmocka_unit_test(test_out_refuses_oversize),
        cmocka_unit_test(test_pyrepr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
