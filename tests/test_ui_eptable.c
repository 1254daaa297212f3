/* Tests of the endpoint table model (ui/eptable.c): which columns fit 80, 120 and 160
 * columns, the cell texts, and the sort by every column in both orders (ties by name then
 * method; endpoints without requests left out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "eptable.h"
#include "eptable_internal.h"
#include "fixtures/ui/ui_fixture.h"

static struct snapshot *snap;

static int setup(void **state)
{
    (void)state;
    snap = calloc(1, sizeof *snap);
    if (!snap)
        return -1;
    uifix_running(snap);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(snap);
    return 0;
}

static void check_shown(const bool *shown, const enum ep_col *want, size_t n)
{
    bool expect[EPC_COUNT] = {false};

    for (size_t i = 0; i < n; i++)
        expect[want[i]] = true;
    for (int c = 0; c < EPC_COUNT; c++)
        if (shown[c] != expect[c])
            fail_msg("column %s: shown %d, want %d", eptable_columns[c].title, shown[c],
                     expect[c]);
}

static void test_fit(void **state)
{
    static const enum ep_col at80[] = {EPC_TYPE, EPC_NAME, EPC_REQS, EPC_FAILS, EPC_MEDIAN,
                                       EPC_P95, EPC_P99, EPC_RPS};
    static const enum ep_col at118[] = {EPC_TYPE, EPC_NAME, EPC_REQS, EPC_FAILS, EPC_MEDIAN,
                                        EPC_P95, EPC_P99, EPC_RPS, EPC_FPS, EPC_AVG, EPC_MAX,
                                        EPC_MIN, EPC_SIZE};
    bool shown[EPC_COUNT];
    int name_w, used;

    (void)state;
    used = eptable_fit(78, 42, shown, &name_w);
    check_shown(shown, at80, sizeof at80 / sizeof at80[0]);
    assert_int_equal(name_w, 26);
    assert_int_equal(used, 78);
    used = eptable_fit(118, 42, shown, &name_w);
    check_shown(shown, at118, sizeof at118 / sizeof at118[0]);
    assert_int_equal(name_w, 27);
    assert_int_equal(used, 118);
    used = eptable_fit(158, 42, shown, &name_w);
    for (int c = 0; c < EPC_COUNT; c++)
        assert_true(shown[c]);
    assert_int_equal(name_w, 43);               /* as long as the longest name needs */
    assert_int_equal(used, 148);
    used = eptable_fit(300, 200, shown, &name_w);
    assert_int_equal(name_w, EPTABLE_NAME_MAX); /* capped */
    used = eptable_fit(78, 8, shown, &name_w);  /* short names leave room for more */
    assert_int_equal(name_w, 9);
    assert_true(shown[EPC_FPS] && shown[EPC_AVG]);
    assert_true(used <= 78);
}

static void check_cell(const struct snap_stats *st, enum ep_col col, int width, const char *want)
{
    char out[64];

    eptable_cell(st, col, width, out, sizeof out);
    if (strcmp(out, want) != 0)
        fail_msg("cell %s = \"%s\", want \"%s\"", eptable_columns[col].title, out, want);
}

static void test_cells(void **state)
{
    struct snap_stats unsent;

    (void)state;
    check_cell(&snap->endpoints[1], EPC_TYPE, 5, "POST");
    check_cell(&snap->endpoints[1], EPC_REQS, 8, "1,840");
    check_cell(&snap->endpoints[1], EPC_FAILS, 7, "12");
    check_cell(&snap->endpoints[1], EPC_MEDIAN, 6, "15.0ms");
    check_cell(&snap->endpoints[1], EPC_P95, 6, "33.0ms");
    check_cell(&snap->endpoints[5], EPC_P99, 6, "31.0ms");
    check_cell(&snap->endpoints[1], EPC_AVG, 7, "18.7ms");
    check_cell(&snap->endpoints[1], EPC_MIN, 6, "6.02ms");
    check_cell(&snap->endpoints[1], EPC_MAX, 6, "201ms");
    check_cell(&snap->endpoints[1], EPC_SIZE, 8, "412");
    check_cell(&snap->endpoints[1], EPC_RPS, 7, "13.1");
    check_cell(&snap->endpoints[1], EPC_FPS, 7, "0.2");
    check_cell(&snap->endpoints[4], EPC_MAX, 6, "2.41s");
    check_cell(&snap->endpoints[4], EPC_SIZE, 8, "14,820");
    check_cell(&snap->total, EPC_REQS, 8, "10,667");
    check_cell(&snap->total, EPC_REQS, 4, "11k");
    unsent = snap->endpoints[1];
    unsent.none_requests = unsent.requests;       /* never sent: no latency */
    check_cell(&unsent, EPC_MEDIAN, 6, "-");
    check_cell(&unsent, EPC_AVG, 6, "-");
    check_cell(&unsent, EPC_REQS, 8, "1,840");
}

static void check_order(enum ep_col col, bool desc, const uint32_t *want, size_t n)
{
    uint32_t order[SNAP_MAX_ENDPOINTS];
    size_t got = eptable_rows(snap, col, desc, order);

    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++)
        if (order[i] != want[i])
            fail_msg("sort by %s %s: row %zu is endpoint %u, want %u",
                     eptable_columns[col].title, desc ? "desc" : "asc", i, order[i], want[i]);
}

static void test_sort(void **state)
{
    static const uint32_t by_name[] = {0, 1, 4, 2, 5, 3};
    static const uint32_t by_name_desc[] = {3, 2, 5, 4, 1, 0};   /* ties stay GET, PATCH */
    static const uint32_t by_reqs_desc[] = {2, 1, 3, 4, 5, 0};
    static const uint32_t by_reqs_asc[] = {0, 5, 4, 3, 1, 2};
    static const uint32_t by_p99_desc[] = {4, 1, 0, 5, 2, 3};
    static const uint32_t by_type[] = {4, 2, 3, 5, 0, 1};
    static const uint32_t by_fails_desc[] = {4, 1, 5, 0, 2, 3};  /* 0 fails: by name */
    static const uint32_t by_rps_desc[] = {2, 1, 3, 4, 5, 0};
    static const uint32_t by_size_desc[] = {4, 5, 2, 1, 0, 3};

    (void)state;
    check_order(EPC_NAME, false, by_name, 6);
    check_order(EPC_NAME, true, by_name_desc, 6);
    check_order(EPC_REQS, true, by_reqs_desc, 6);
    check_order(EPC_REQS, false, by_reqs_asc, 6);
    check_order(EPC_P99, true, by_p99_desc, 6);
    check_order(EPC_TYPE, false, by_type, 6);
    check_order(EPC_FAILS, true, by_fails_desc, 6);
    check_order(EPC_RPS, true, by_rps_desc, 6);
    check_order(EPC_SIZE, true, by_size_desc, 6);
}

static void test_every_column_sorts(void **state)
{
    uint32_t order[SNAP_MAX_ENDPOINTS];

    (void)state;
    for (int c = 0; c < EPC_COUNT; c++)
        for (int desc = 0; desc < 2; desc++) {
            size_t n = eptable_rows(snap, (enum ep_col)c, desc, order);
            assert_int_equal(n, 6);
            for (size_t i = 1; i < n && eptable_columns[c].numeric; i++) {
                double a = eptable_value(&snap->endpoints[order[i - 1]], (enum ep_col)c);
                double b = eptable_value(&snap->endpoints[order[i]], (enum ep_col)c);
                assert_true(desc ? a >= b : a <= b);
            }
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_cells),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_every_column_sorts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
