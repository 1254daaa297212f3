/* Tests of the layouts (ui/layout.c): for every view at 80x24, 100x32, 120x40, 160x50 and
 * 230x70, with and without targets, the panels tile the screen exactly (every cell covered
 * once), the fixed lines sit where they belong, boxes appear from 100x32, the Overview has its
 * charts, table, failures and log (and its compact targets panel when there are targets),
 * and three charts side by side from 150 columns. */
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

static void check_tiling(enum view v, int w, int h, int rows, int targets, int health)
{
    struct slot s[LAYOUT_MAX_SLOTS];
    int n = layout_compute(v, w, h, rows, targets, health, s);
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
            fail_msg("view %d %dx%d (%d targets): cell %d,%d covered %d times", v, w, h,
                     targets, i / w, i % w, cover[i]);
    free(cover);
}

static void test_tiles_every_view_and_size(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (int v = 0; v < VIEW_COUNT; v++)
            for (int rows = 1; rows <= 40; rows += 13)
                for (int targets = 0; targets <= 33; targets += 11)
                    for (int health = 0; health <= 64; health += 16)
                        check_tiling((enum view)v, sizes[k][0], sizes[k][1], rows, targets,
                                     health);
}

static void test_fixed_lines(void **state)
{
    struct slot s[LAYOUT_MAX_SLOTS];
    int n = layout_compute(VIEW_LOG, 120, 40, 5, 0, 0, s);
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
    n = layout_compute(VIEW_OVERVIEW, 80, 24, 7, 0, 0, s);
    assert_non_null(find(s, n, P_RPS));
    assert_non_null(find(s, n, P_LATENCY));
    assert_non_null(find(s, n, P_ENDPOINTS));
    assert_non_null(find(s, n, P_EVENTS));
    assert_null(find(s, n, P_USERS));
    assert_true(find(s, n, P_RPS)->flags & LAYOUT_USERS_OVERLAY);
    assert_false(find(s, n, P_RPS)->box);               /* rules at 80x24 */
    n = layout_compute(VIEW_OVERVIEW, 120, 40, 7, 0, 0, s);
    assert_non_null(find(s, n, P_FAILURES));
    assert_true(find(s, n, P_ENDPOINTS)->box);
    assert_int_equal(find(s, n, P_ENDPOINTS)->r.h, 7 + 1 + 2);  /* rows + header + box */
    n = layout_compute(VIEW_OVERVIEW, 160, 50, 7, 0, 0, s);
    assert_non_null(find(s, n, P_USERS));
    assert_false(find(s, n, P_RPS)->flags & LAYOUT_USERS_OVERLAY);
    n = layout_compute(VIEW_OVERVIEW, 120, 40, 60, 0, 0, s);  /* many endpoints: capped */
    assert_true(find(s, n, P_FAILURES)->r.h >= 6);
}

static void test_overview_targets(void **state)
{
    struct slot s[LAYOUT_MAX_SLOTS];
    const struct slot *tg, *ev, *fail, *ep, *rps;
    int n;

    (void)state;
    for (int v = 0; v < VIEW_COUNT; v++) {          /* no targets: no panel but in view 6 */
        n = layout_compute((enum view)v, 120, 40, 7, 0, 0, s);
        assert_true((find(s, n, P_TARGETS) != NULL) == (v == VIEW_TARGETS));
    }
    n = layout_compute(VIEW_OVERVIEW, 80, 24, 7, 4, 0, s);     /* 80x24: the targets take the row */
    tg = find(s, n, P_TARGETS);
    assert_non_null(tg);
    assert_true(tg->flags & LAYOUT_COMPACT);
    assert_int_equal(tg->r.w, 80);
    assert_null(find(s, n, P_EVENTS));
    for (int w = 120; w <= 160; w += 40) {          /* over the log, every target shown */
        n = layout_compute(VIEW_OVERVIEW, w, w == 120 ? 40 : 50, 7, 4, 0, s);
        tg = find(s, n, P_TARGETS);
        ev = find(s, n, P_EVENTS);
        fail = find(s, n, P_FAILURES);
        assert_non_null(tg);
        assert_non_null(ev);
        assert_non_null(fail);
        assert_int_equal(tg->r.h, 4 + 2);
        assert_int_equal(tg->r.x, ev->r.x);
        assert_int_equal(ev->r.y, tg->r.y + tg->r.h);
        assert_true(ev->r.h >= LAYOUT_EVENTS_MIN + 2);
        assert_int_equal(fail->r.h, tg->r.h + ev->r.h);
        assert_int_equal(find(s, n, P_ENDPOINTS)->r.h, 7 + 1 + 2);
    }
    n = layout_compute(VIEW_OVERVIEW, 120, 40, 7, 32, 0, s);   /* many: the charts keep 10 lines */
    tg = find(s, n, P_TARGETS);
    ev = find(s, n, P_EVENTS);
    ep = find(s, n, P_ENDPOINTS);
    rps = find(s, n, P_RPS);
    assert_true(tg->r.h > 2 && tg->r.h < 32);
    assert_true(ev->r.h >= LAYOUT_EVENTS_MIN + 2);
    assert_true(rps->r.h >= 10);
    assert_int_equal(ep->r.h, 7 + 1 + 2);
    n = layout_compute(VIEW_TARGETS, 120, 40, 7, 4, 0, s);     /* the view: list over trend */
    tg = find(s, n, P_TARGETS);
    ev = find(s, n, P_TARGET_TREND);
    assert_false(tg->flags & LAYOUT_COMPACT);
    assert_true(tg->flags & LAYOUT_SELECT);
    assert_true(tg->r.y == 3 && tg->r.h >= 4 + 1 + 2 && tg->r.w == 120 && tg->box);
    assert_non_null(ev);
    assert_true(ev->r.y == tg->r.y + tg->r.h && ev->r.h >= LAYOUT_TREND_MIN);
    n = layout_compute(VIEW_TARGETS, 80, 24, 7, 8, 0, s);      /* no room for a trend */
    assert_null(find(s, n, P_TARGET_TREND));
    assert_false(find(s, n, P_TARGETS)->flags & LAYOUT_SELECT);
    assert_int_equal(find(s, n, P_TARGETS)->r.h, 24 - 4);
    n = layout_compute(VIEW_TARGETS, 120, 40, 7, 0, 0, s);     /* no targets: the note alone */
    assert_null(find(s, n, P_TARGET_TREND));
}

static void test_detail_and_charts(void **state)
{
    struct slot s[LAYOUT_MAX_SLOTS];
    int n;

    (void)state;
    n = layout_compute(VIEW_DETAIL, 80, 24, 7, 0, 0, s);
    assert_non_null(find(s, n, P_DETAIL));
    assert_non_null(find(s, n, P_EP_RPS));
    assert_non_null(find(s, n, P_EP_LATENCY));
    assert_non_null(find(s, n, P_EP_FAILURES));
    n = layout_compute(VIEW_CHARTS, 120, 40, 7, 0, 0, s);
    assert_non_null(find(s, n, P_USERS));
    assert_int_equal(find(s, n, P_RPS)->r.w, 120);
}

/* The Overview's health strip: a rule and one line at 80x24, two lines from 32 lines when
 * there is more than a line holds, taken from the charts (which keep their room); the Health
 * view lists over the chart of the selected metric when there is room. */
static void test_health(void **state)
{
    struct slot s[LAYOUT_MAX_SLOTS];
    const struct slot *st, *rps, *ep, *list, *chart;
    int n;

    (void)state;
    for (int v = 0; v < VIEW_COUNT; v++) {          /* no health: no strip, the view's note */
        n = layout_compute((enum view)v, 120, 40, 7, 0, 0, s);
        assert_null(find(s, n, P_HEALTH_STRIP));
        assert_true((find(s, n, P_HEALTH) != NULL) == (v == VIEW_HEALTH));
    }
    n = layout_compute(VIEW_OVERVIEW, 80, 24, 7, 4, 14, s);
    st = find(s, n, P_HEALTH_STRIP);
    rps = find(s, n, P_RPS);
    ep = find(s, n, P_ENDPOINTS);
    assert_non_null(st);
    assert_false(st->box);
    assert_true(st->r.h == 2 && st->r.w == 80 && st->r.x == 0);
    assert_int_equal(st->r.y, rps->r.y + rps->r.h);
    assert_int_equal(ep->r.y, st->r.y + st->r.h);
    assert_true(rps->r.h >= 6);
    assert_non_null(find(s, n, P_TARGETS));
    n = layout_compute(VIEW_OVERVIEW, 120, 40, 7, 4, 14, s);
    st = find(s, n, P_HEALTH_STRIP);
    assert_true(st->r.h == 3 && !st->box);
    assert_true(find(s, n, P_RPS)->r.h >= 10);
    n = layout_compute(VIEW_OVERVIEW, 160, 50, 7, 0, 3, s);    /* three fit on one line */
    assert_int_equal(find(s, n, P_HEALTH_STRIP)->r.h, 2);
    n = layout_compute(VIEW_HEALTH, 120, 40, 7, 0, 14, s);
    list = find(s, n, P_HEALTH);
    chart = find(s, n, P_HEALTH_CHART);
    assert_non_null(list);
    assert_non_null(chart);
    assert_true(list->flags & LAYOUT_SELECT);
    assert_true(list->r.y == 3 && list->r.h == 14 + 4 + 2 && list->box);
    assert_true(chart->r.y == list->r.y + list->r.h && chart->r.h >= LAYOUT_TREND_MIN);
    n = layout_compute(VIEW_HEALTH, 80, 24, 7, 0, 14, s);     /* no room for the chart */
    assert_null(find(s, n, P_HEALTH_CHART));
    assert_int_equal(find(s, n, P_HEALTH)->r.h, 24 - 4);
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
        cmocka_unit_test(test_overview_targets),
        cmocka_unit_test(test_detail_and_charts),
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
