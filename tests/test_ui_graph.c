/* Tests of the chart machinery (ui/graph.c): axis fitting (nice linear ceilings and ticks, a
 * log axis exactly when the spread is wide), value positions, the braille dot canvas (lines,
 * areas, gaps, series priority), braille and ASCII cell text, and time-axis labels. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "graph.h"
#include "graph_internal.h"

static void test_linear_nice_ceiling(void **state)
{
    struct graph_axis a;
    double v[] = {0.0, 12.0, 153.0, 80.0};
    double zero[] = {0.0, 0.0};
    double gap[] = {NAN, 3.7, NAN};

    (void)state;
    graph_axis_fit(&a, v, 4, 6, true);      /* spread with a 0: not a log axis */
    assert_int_equal(a.kind, GRAPH_LINEAR);
    assert_true(a.lo == 0.0 && a.hi == 160.0);
    assert_int_equal(a.n_ticks, 3);
    assert_true(a.ticks[0] == 0.0 && a.ticks[1] == 80.0 && a.ticks[2] == 160.0);
    graph_axis_fit(&a, v, 4, 10, false);    /* taller: quarters */
    assert_int_equal(a.n_ticks, 5);
    assert_true(a.ticks[1] == 40.0 && a.ticks[4] == 160.0);
    graph_axis_fit(&a, zero, 2, 6, false);
    assert_true(a.hi == 1.0);
    graph_axis_fit(&a, NULL, 0, 6, true);
    assert_true(a.kind == GRAPH_LINEAR && a.hi == 1.0);
    graph_axis_fit(&a, gap, 3, 2, false);   /* NaN ignored; 3.7 -> 4 */
    assert_true(a.hi == 4.0 && a.n_ticks == 2);
    v[2] = 140.0;                           /* 150: not 37.5 steps but 50 or 30 */
    graph_axis_fit(&a, v, 4, 10, false);
    assert_true(a.hi == 150.0 && a.n_ticks == 6 && a.ticks[1] == 30.0);
    graph_axis_fit(&a, v, 4, 8, false);
    assert_true(a.n_ticks == 4 && a.ticks[1] == 50.0);
    graph_axis_fit(&a, v, 4, 6, false);
    assert_true(a.n_ticks == 4 && a.ticks[1] == 50.0);
}

static void check_ceiling(double max, double want)
{
    struct graph_axis a;

    graph_axis_fit(&a, &max, 1, 6, false);
    if (fabs(a.hi - want) > 1e-9 * want)
        fail_msg("ceiling of %g = %g, want %g", max, a.hi, want);
}

static void test_ceilings(void **state)
{
    (void)state;
    check_ceiling(200.0, 200.0);            /* exact nice values stay */
    check_ceiling(201.0, 250.0);
    check_ceiling(1234.0, 1500.0);
    check_ceiling(1501.0, 1600.0);
    check_ceiling(0.37, 0.4);
    check_ceiling(9.2, 10.0);
    check_ceiling(11.0, 12.0);
    check_ceiling(1e6, 1e6);
}

static void test_log_when_spread_is_wide(void **state)
{
    struct graph_axis a;
    double wide[] = {1000.0, NAN, 52000.0, 2412000.0};
    double narrow[] = {5000.0, 99999.0};
    double edge[] = {5000.0, 100000.0};     /* exactly GRAPH_LOG_SPREAD */

    (void)state;
    graph_axis_fit(&a, wide, 4, 8, true);
    assert_int_equal(a.kind, GRAPH_LOG);
    assert_true(a.lo == 1e3 && a.hi == 1e7);
    assert_int_equal(a.n_ticks, 5);
    assert_true(a.ticks[0] == 1e3 && a.ticks[2] == 1e5 && a.ticks[4] == 1e7);
    graph_axis_fit(&a, wide, 4, 8, false);  /* not allowed: linear */
    assert_int_equal(a.kind, GRAPH_LINEAR);
    graph_axis_fit(&a, narrow, 2, 8, true);
    assert_int_equal(a.kind, GRAPH_LINEAR);
    graph_axis_fit(&a, edge, 2, 8, true);
    assert_int_equal(a.kind, GRAPH_LOG);
    assert_true(a.lo == 1e3 && a.hi == 1e5);
}

static void test_positions(void **state)
{
    struct graph_axis lin = {GRAPH_LINEAR, 0.0, 200.0, 0, {0}};
    struct graph_axis lg = {GRAPH_LOG, 1e3, 1e7, 0, {0}};

    (void)state;
    assert_true(graph_axis_pos(&lin, 100.0) == 0.5);
    assert_true(graph_axis_pos(&lin, 400.0) == 1.0);
    assert_true(graph_axis_pos(&lin, -5.0) == 0.0);
    assert_true(fabs(graph_axis_pos(&lg, 1e5) - 0.5) < 1e-12);
    assert_true(graph_axis_pos(&lg, 0.0) == 0.0);
    assert_true(graph_axis_pos(&lg, 10.0) == 0.0);
    assert_true(graph_axis_pos(&lg, 1e9) == 1.0);
}

/* The dots of column x of c as a string, top row first: '.' empty, else the series digit. */
static void column_of(const struct graph_canvas *c, int x, char *out)
{
    int h = c->rows * 4;

    for (int y = 0; y < h; y++) {
        uint8_t d = c->dots[(size_t)y * (size_t)c->cols * 2 + (size_t)x];
        out[y] = d ? (char)('0' + d) : '.';
    }
    out[h] = '\0';
}

static void test_canvas_line_area_gap(void **state)
{
    struct graph_canvas c = {0};
    struct graph_axis a = {GRAPH_LINEAR, 0.0, 7.0, 0, {0}};
    double line[] = {0.0, 7.0, 3.0, NAN, 3.0};
    double area[] = {2.0, 2.0};
    char col[16];

    (void)state;
    assert_int_equal(graph_canvas_reset(&c, 3, 2), 0);  /* 6 x 8 dots */
    graph_plot(&c, line, 5, &a, 1, false);              /* columns 1..5 */
    column_of(&c, 0, col);
    assert_string_equal(col, "........");
    column_of(&c, 1, col);
    assert_string_equal(col, ".......1");              /* 0: the bottom dot */
    column_of(&c, 2, col);
    assert_string_equal(col, "11111111");              /* joined from 0 up to 7 */
    column_of(&c, 3, col);
    assert_string_equal(col, "11111...");              /* down to 3 (row 4 of 0..7) */
    column_of(&c, 4, col);
    assert_string_equal(col, "........");              /* NaN: a gap */
    column_of(&c, 5, col);
    assert_string_equal(col, "....1...");              /* after a gap: not joined */
    graph_plot(&c, area, 2, &a, 2, true);               /* columns 4, 5 */
    column_of(&c, 5, col);
    assert_string_equal(col, "....1222");              /* series 2 wins where it plots */
    column_of(&c, 4, col);
    assert_string_equal(col, ".....222");
    graph_canvas_free(&c);
}

static void test_cells_and_text(void **state)
{
    struct graph_canvas c = {0};
    struct graph_axis a = {GRAPH_LINEAR, 0.0, 3.0, 0, {0}};
    double full[] = {3.0, 3.0};
    double low[] = {0.0};
    char text[8];
    unsigned mask;
    int series;

    (void)state;
    assert_int_equal(graph_canvas_reset(&c, 2, 1), 0);  /* 4 x 4 dots */
    graph_plot(&c, full, 2, &a, 1, true);               /* cell 1 full */
    graph_plot(&c, low, 1, &a, 3, false);               /* the bottom-right dot of cell 1 */
    mask = graph_cell(&c, 1, 0, &series);
    assert_int_equal(mask, 0xff);
    assert_int_equal(series, 3);
    mask = graph_cell(&c, 0, 0, &series);
    assert_int_equal(mask, 0);
    assert_int_equal(series, 0);
    graph_cell_text(0xff, 1, true, "#", text);
    assert_string_equal(text, "\xe2\xa3\xbf");         /* U+28FF */
    graph_cell_text(0x01, 1, true, "#", text);
    assert_string_equal(text, "\xe2\xa0\x81");         /* U+2801: the top-left dot */
    graph_cell_text(0x80, 1, true, "#", text);
    assert_string_equal(text, "\xe2\xa2\x80");         /* U+2880: the bottom-right dot */
    graph_cell_text(0x41, 2, false, "#ox", text);
    assert_string_equal(text, "o");
    graph_cell_text(0x41, 7, false, "#ox", text);
    assert_string_equal(text, "*");                    /* no mark for that series */
    graph_cell_text(0, 1, false, "#", text);
    assert_string_equal(text, " ");
    graph_canvas_free(&c);
}

static void test_canvas_resize(void **state)
{
    struct graph_canvas c = {0};
    double v[] = {1.0};
    struct graph_axis a = {GRAPH_LINEAR, 0.0, 1.0, 0, {0}};

    (void)state;
    assert_int_equal(graph_canvas_reset(&c, 1, 1), 0);
    graph_plot(&c, v, 1, &a, 1, true);
    assert_int_equal(graph_canvas_reset(&c, 100, 30), 0); /* grows and clears */
    for (size_t i = 0; i < (size_t)100 * 2 * 30 * 4; i++)
        assert_int_equal(c.dots[i], 0);
    assert_int_equal(graph_canvas_reset(&c, 0, 0), 0);
    graph_plot(&c, v, 1, &a, 1, true);                   /* nothing to plot into: no crash */
    graph_canvas_free(&c);
}

static void test_time_ticks(void **state)
{
    int64_t secs[32];
    int at[32];
    int n;

    (void)state;
    /* 40 cells = 80 s (921..1000); 8-column labels need 20 s steps */
    n = graph_time_ticks(40, 1, 0, 1000, 8, secs, at, 32);
    assert_int_equal(n, 3);
    assert_int_equal(secs[0], 940);
    assert_int_equal(at[0], 9);
    assert_int_equal(secs[1], 960);
    assert_int_equal(at[1], 19);
    assert_int_equal(secs[2], 980);                /* 1000 would not fit at the right edge */
    assert_int_equal(at[2], 29);
    n = graph_time_ticks(40, 1, 0, 1000, 8, secs, at, 2);
    assert_int_equal(n, 2);                        /* bounded by max */
    n = graph_time_ticks(200, 1, 0, 6000, 8, secs, at, 32);  /* 400 s: 20 s steps, 19 labels */
    assert_int_equal(n, 19);
    for (int i = 1; i < n; i++)
        assert_true(at[i] - at[i - 1] >= 9);       /* never touching */
    n = graph_time_ticks(40, 1, 965, 1000, 8, secs, at, 32);  /* data from 965 only */
    assert_int_equal(n, 1);
    assert_int_equal(secs[0], 980);
}

static void test_zoom(void **state)
{
    struct graph_canvas c = {0};
    struct graph_axis a = {GRAPH_LINEAR, 0.0, 7.0, 0, {0}};
    double v[] = {7.0, 0.0};
    char col[16];
    int64_t secs[32];
    int at[32], n;

    (void)state;
    assert_int_equal(graph_zoom_for(100, 600), 1);     /* plenty of data: a dot per second */
    assert_int_equal(graph_zoom_for(100, 50), 4);      /* 200 dots for 50 samples */
    assert_int_equal(graph_zoom_for(100, 60), 3);
    assert_int_equal(graph_zoom_for(100, 1), GRAPH_MAX_ZOOM);
    assert_int_equal(graph_zoom_for(100, 0), GRAPH_MAX_ZOOM);
    assert_int_equal(graph_canvas_reset(&c, 3, 2), 0);  /* 6 x 8 dots */
    c.zoom = 3;
    graph_plot(&c, v, 2, &a, 1, false);                 /* dots 0-2: 7, dots 3-5: 0 */
    column_of(&c, 0, col);
    assert_string_equal(col, "1.......");
    column_of(&c, 2, col);
    assert_string_equal(col, "1.......");              /* held flat across its dots */
    column_of(&c, 3, col);
    assert_string_equal(col, "11111111");              /* the joint */
    column_of(&c, 5, col);
    assert_string_equal(col, ".......1");
    graph_canvas_free(&c);
    /* 40 cells at 4 dots per second: 20 s shown, 5 s steps for 8-column labels */
    n = graph_time_ticks(40, 4, 0, 1000, 8, secs, at, 32);
    assert_int_equal(n, 3);
    assert_int_equal(secs[0], 985);
    assert_int_equal(at[0], 8);                        /* (80 - 16 * 4) / 2 */
    assert_int_equal(secs[2], 995);
    assert_int_equal(at[2], 28);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_nice_ceiling),
        cmocka_unit_test(test_ceilings),
        cmocka_unit_test(test_log_when_spread_is_wide),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_canvas_line_area_gap),
        cmocka_unit_test(test_cells_and_text),
        cmocka_unit_test(test_canvas_resize),
        cmocka_unit_test(test_time_ticks),
        cmocka_unit_test(test_zoom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
