/* Tests of the layouts (ui/layout.c): for every view at 80x24, 100x32, 120x40, 160x50 and
 * 230x70, the panels tile the screen exactly (every cell covered once), the fixed lines sit
 * where they belong, boxes appear from 100x32, the Overview has its charts, table, failures
 * and log, and three charts side by side from 150 columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "layout.h"

static const int sizes[][2] = {{80, 24}, {100, 32}, {120, 40}, {160, 50}, {230, 70}};

static const struct slot *find(const struct slot *s, int n, enum panel_id id)
{
    for (int i = 0; i < n; i++)
        if (s[i].id == id)
            return &s[i];
    return NULL;
}

static void check_tiling(enum view v, int w, int h, int rows)
{
    struct slot s[LAYOUT_MAX_SLOTS];
    int n = layout_compute(v, w, h, rows, s);
    unsigned char *cover = calloc((size_t)w * (size_t)h, 1);

    assert_non_null(cover);
    for (int i = 0; i < n; i++) {
        const struct rect *r = &s[i].r;
        if (r->y < 0 || r->x < 0 || r->y + r->h > h || r->x + r->w > w || r->h < 1 || r->w < 1)
            fail_msg("view %d %dx%d: panel %d outside the screen", v, w, h, s[i].id);
        for (int y = r->y; y < r->y + r->h; y++)
            for (int x = r->x; x < r->x + r->w; x++)
                cover[y * w + x]++;
    }
    for (int i = 0; i < w * h; i++)
        if (cover[i] != 1)
            fail_msg("view %d %dx%d: cell %d,%d covered %d times", v, w, h, i / w, i % w,
                     cover[i]);
    free(cover);
}

static void test_tiles_every_view_and_size(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (int v = 0; v < VIEW_COUNT; v++)
            for (int rows = 1; rows <= 40; rows += 13)
                check_tiling((enum view)v, sizes[k][0], sizes[k][1], rows);
}

static void test_fixed_lines(void **state)
{
    struct slot s[LAYOUT_MAX_SLOTS];
    int n = layout_compute(VIEW_LOG, 120, 40, 5, s);
    const struct slot *st = find(s, n, P_STATUS), *tabs = find(s, n, P_TABS);
    const struct slot *foot = find(s, n, P_FOOTER), *log = find(s, n, P_EVENTS);

    (void)state;
    assert_non_null(st);
    assert_non_null(tabs);
    assert_non_null(foot);
    assert_non_null(log);
    assert_true(st->r.y == 0 && st->r.h == 2 && st->r.w == 120);
    assert_true(tabs->r.y == 2 && tabs->r.h == 1);
    assert_true(foot->r.y == 39 && foot->r.h == 1);
    assert_true(log->r.y == 3 && log->r.h == 36 && log->box);
}

static void test_overview_panels(void **state)
{
    struct slot s[LAYOUT_MAX_SLOTS];
    int n;

    (void)state;
    n = layout_compute(VIEW_OVERVIEW, 80, 24, 7, s);
    assert_non_null(find(s, n, P_RPS));
    assert_non_null(find(s, n, P_LATENCY));
    assert_non_null(find(s, n, P_ENDPOINTS));
    assert_non_null(find(s, n, P_EVENTS));
    assert_null(find(s, n, P_USERS));
    assert_true(find(s, n, P_RPS)->flags & LAYOUT_USERS_OVERLAY);
    assert_false(find(s, n, P_RPS)->box);               /* rules at 80x24 */
    n = layout_compute(VIEW_OVERVIEW, 120, 40, 7, s);
    assert_non_null(find(s, n, P_FAILURES));
    assert_true(find(s, n, P_ENDPOINTS)->box);
    assert_int_equal(find(s, n, P_ENDPOINTS)->r.h, 7 + 1 + 2);  /* rows + header + box */
    n = layout_compute(VIEW_OVERVIEW, 160, 50, 7, s);
    assert_non_null(find(s, n, P_USERS));
    assert_false(find(s, n, P_RPS)->flags & LAYOUT_USERS_OVERLAY);
    n = layout_compute(VIEW_OVERVIEW, 120, 40, 60, s);  /* many endpoints: capped */
    assert_true(find(s, n, P_FAILURES)->r.h >= 6);
}

static void test_detail_and_charts(void **state)
{
    struct slot s[LAYOUT_MAX_SLOTS];
    int n;

    (void)state;
    n = layout_compute(VIEW_DETAIL, 80, 24, 7, s);
    assert_non_null(find(s, n, P_DETAIL));
    assert_non_null(find(s, n, P_EP_RPS));
    assert_non_null(find(s, n, P_EP_LATENCY));
    assert_non_null(find(s, n, P_EP_FAILURES));
    n = layout_compute(VIEW_CHARTS, 120, 40, 7, s);
    assert_non_null(find(s, n, P_USERS));
    assert_int_equal(find(s, n, P_RPS)->r.w, 120);
}

static void test_too_small(void **state)
{
    (void)state;
    assert_true(layout_too_small(79, 24));
    assert_true(layout_too_small(80, 23));
    assert_false(layout_too_small(80, 24));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiles_every_view_and_size),
        cmocka_unit_test(test_fixed_lines),
        cmocka_unit_test(test_overview_panels),
        cmocka_unit_test(test_detail_and_charts),
        cmocka_unit_test(test_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
