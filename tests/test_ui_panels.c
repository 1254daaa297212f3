/* Tests of every panel (ui/panel_*.c) rendered from fixed snapshots into curses pads (newterm
 * on /dev/null, newpad, read back with mvwinnwstr), whole screens of every view at 80x24,
 * 120x40 and 160x50 compared with the golden text files in tests/fixtures/ui/
 * (HORNET_UPDATE_GOLDEN=1 rewrites them; check them by eye before committing), plus colours
 * where they carry meaning, the monochrome and ASCII fallbacks, and repeated draws at
 * changing sizes. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <cmocka.h>
#include <curses.h>
#include "app.h"
#include "app_internal.h"
#include "layout.h"
#include "panel.h"
#include "fixtures/ui/ui_fixture.h"

#define GOLDEN_DIR "tests/fixtures/ui/"

static SCREEN *screen;
static FILE *dev_out, *dev_in;

struct ui_case {
    struct snapshot snap, empty;
    struct app app;
    struct timeline *timeline;
    struct panel *panels[P_COUNT];
    WINDOW *pad;
    int w, h;
};

static void no_send(void *arg, const struct engine_cmd *cmd)
{
    (void)arg;
    (void)cmd;
}

static int no_snapshot(void *arg, char *msg, size_t n)
{
    (void)arg;
    snprintf(msg, n, "not in tests");
    return -1;
}

static int group_setup(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        return -1;
    dev_out = fopen("/dev/null", "w");
    dev_in = fopen("/dev/null", "r");
    if (!dev_out || !dev_in)
        return -1;
    screen = newterm("xterm-256color", dev_out, dev_in);
    if (!screen)
        return -1;
    set_term(screen);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    endwin();
    delscreen(screen);
    fclose(dev_out);
    fclose(dev_in);
    return 0;
}

/* A case on a fixture snapshot (NULL: the running one), with or without colours and UTF-8. */
static struct ui_case *case_of(void (*fixture)(struct snapshot *), bool unicode, bool color)
{
    struct ui_case *c = calloc(1, sizeof *c);
    struct app_host host = {no_send, no_snapshot, NULL, NULL};

    assert_non_null(c);
    assert_non_null(c->timeline = timeline_create());
    assert_int_equal(app_init(&c->app, &c->empty, c->timeline, &host), 0);
    theme_init(&c->app.theme, color, unicode);
    for (int id = 0; id < P_COUNT; id++)
        assert_non_null(c->panels[id] = panel_create((enum panel_id)id, &c->app));
    (fixture ? fixture : uifix_running)(&c->snap);
    timeline_update(c->timeline, &c->snap);
    app_update(&c->app, &c->snap, c->snap.now);
    return c;
}

static struct ui_case *case_new(bool unicode, bool color)
{
    return case_of(NULL, unicode, color);
}

static void case_free(struct ui_case *c)
{
    for (int id = 0; id < P_COUNT; id++)
        panel_destroy(c->panels[id]);
    if (c->pad)
        delwin(c->pad);
    app_free(&c->app);
    timeline_free(c->timeline);
    free(c);
}

/* Draw the current view (and the help overlay in MODE_HELP) into a w x h pad. */
static void render(struct ui_case *c, int w, int h)
{
    struct slot s[LAYOUT_MAX_SLOTS];
    uint32_t order[SNAP_MAX_ENDPOINTS];
    int targets = c->snap.n_targets ? (int)c->snap.n_targets + c->snap.aborted : 0;
    int health = c->snap.health.n_sources ? (int)(c->snap.health.n_metrics +
                                                  c->snap.health.n_sources) : 0;
    int n = layout_compute(c->app.view, w, h, (int)app_rows(&c->app, order) + 1, targets,
                           health, s);

    if (c->pad)
        delwin(c->pad);
    assert_non_null(c->pad = newpad(h, w));
    c->w = w;
    c->h = h;
    for (int i = 0; i < n; i++) {
        struct panel *p = c->panels[s[i].id];
        p->box = s[i].box;
        p->flags = s[i].flags;
        assert_true(p->ops->update(p, &c->snap) || true);
        p->ops->draw(p, c->pad, s[i].r);
    }
    if (c->app.mode == MODE_HELP) {
        int hh = panel_help_height(w), hw = w - 4 < 100 ? w - 4 : 100;
        panel_help_draw(&c->app, c->pad, (struct rect){(h - hh) / 2, (w - hw) / 2, hh, hw});
    }
}

/* The pad's text, UTF-8, trailing blanks removed, one line per row. */
static char *dump(const struct ui_case *c)
{
    size_t cap = (size_t)c->h * ((size_t)c->w * 4 + 2) + 1, len = 0;
    char *out = malloc(cap);
    wchar_t row[512];

    assert_non_null(out);
    for (int y = 0; y < c->h; y++) {
        char bytes[2048];
        int n = mvwinnwstr(c->pad, y, 0, row, c->w);
        size_t b;
        assert_true(n >= 0);
        row[n] = L'\0';
        b = wcstombs(bytes, row, sizeof bytes);
        assert_true(b != (size_t)-1);
        while (b > 0 && bytes[b - 1] == ' ')
            b--;
        memcpy(out + len, bytes, b);
        len += b;
        out[len++] = '\n';
    }
    out[len] = '\0';
    return out;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Report the first line that differs, with both versions. */
static void report_diff(const char *name, const char *got, const char *want)
{
    int line = 1;

    while (*got && *got == *want) {
        line += *got == '\n';
        got++;
        want++;
    }
    while (line > 1 && got[-1] != '\n') {
        got--;
        want--;
    }
    fail_msg("%s differs from " GOLDEN_DIR "%s.txt at line %d:\n got: %.*s\nwant: %.*s\n"
             "(HORNET_UPDATE_GOLDEN=1 rewrites the golden files)", name, name, line,
             (int)strcspn(got, "\n"), got, (int)strcspn(want, "\n"), want);
}

static void golden(const struct ui_case *c, const char *name)
{
    char path[256];
    char *got = dump(c), *want;
    const char *update = getenv("HORNET_UPDATE_GOLDEN");

    snprintf(path, sizeof path, GOLDEN_DIR "%s.txt", name);
    if (update && strcmp(update, "1") == 0) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
    }
    want = read_file(path);
    if (!want)
        fail_msg("missing golden file %s (HORNET_UPDATE_GOLDEN=1 creates it)", path);
    if (strcmp(got, want) != 0)
        report_diff(name, got, want);
    free(got);
    free(want);
}

static void fixture_screen(void (*fixture)(struct snapshot *), enum view v, int w, int h,
                           const char *name)
{
    struct ui_case *c = case_of(fixture, true, true);

    c->app.view = v;
    c->app.back_view = VIEW_ENDPOINTS;
    c->app.detail_ep = 4;
    render(c, w, h);
    golden(c, name);
    case_free(c);
}

static void screen_of(enum view v, int w, int h, const char *name)
{
    fixture_screen(NULL, v, w, h, name);
}

/* ---- whole screens ------------------------------------------------------------------------ */

static void test_overview(void **state)
{
    (void)state;
    screen_of(VIEW_OVERVIEW, 80, 24, "overview_80x24");
    screen_of(VIEW_OVERVIEW, 120, 40, "overview_120x40");
    screen_of(VIEW_OVERVIEW, 160, 50, "overview_160x50");
}

static void test_endpoints(void **state)
{
    struct ui_case *c = case_new(true, true);

    (void)state;
    screen_of(VIEW_ENDPOINTS, 80, 24, "endpoints_80x24");
    c->app.view = VIEW_ENDPOINTS;
    c->app.sort_col = EPC_P99;                      /* sorted by p99, a row selected */
    c->app.sort_desc = true;
    c->app.sel_ep = 5;
    render(c, 120, 40);
    golden(c, "endpoints_p99_120x40");
    case_free(c);
}

static void test_failures_charts_log(void **state)
{
    (void)state;
    screen_of(VIEW_FAILURES, 80, 24, "failures_80x24");
    screen_of(VIEW_FAILURES, 120, 40, "failures_120x40");
    screen_of(VIEW_CHARTS, 80, 24, "charts_80x24");
    screen_of(VIEW_CHARTS, 120, 40, "charts_120x40");
    screen_of(VIEW_LOG, 80, 24, "log_80x24");
    screen_of(VIEW_LOG, 120, 40, "log_120x40");
}

static void test_detail(void **state)
{
    struct ui_case *c = case_new(true, true);

    (void)state;
    screen_of(VIEW_DETAIL, 80, 24, "detail_80x24");
    screen_of(VIEW_DETAIL, 120, 40, "detail_120x40");
    c->app.view = VIEW_DETAIL;
    c->app.back_view = VIEW_OVERVIEW;
    c->app.detail_ep = APP_AGGREGATED;
    render(c, 120, 40);
    golden(c, "detail_aggregated_120x40");
    case_free(c);
}

static void test_help_prompt_confirm(void **state)
{
    struct ui_case *c = case_new(true, true);

    (void)state;
    c->app.mode = MODE_HELP;
    render(c, 80, 24);
    golden(c, "help_80x24");
    c->app.mode = MODE_NORMAL;
    app_key(&c->app, 'u', c->app.now);
    app_key(&c->app, '1', c->app.now);
    app_key(&c->app, '0', c->app.now);
    render(c, 80, 24);
    golden(c, "prompt_users_80x24");
    app_key(&c->app, 27, c->app.now);
    app_key(&c->app, 'q', c->app.now);
    render(c, 120, 40);
    golden(c, "confirm_quit_120x40");
    case_free(c);
}

static void test_first_moments(void **state)
{
    struct ui_case *c = case_of(uifix_fresh, true, true);

    (void)state;
    render(c, 80, 24);
    golden(c, "fresh_80x24");
    render(c, 120, 40);
    golden(c, "fresh_120x40");
    case_free(c);
}

static void test_finished_burst(void **state)
{
    struct ui_case *c = case_of(uifix_finished, true, true);

    (void)state;
    c->app.stay_open = true;
    render(c, 120, 40);
    golden(c, "finished_120x40");
    case_free(c);
}

static void test_ascii(void **state)
{
    struct ui_case *c = case_new(false, true);
    char *text;

    (void)state;
    render(c, 120, 40);
    golden(c, "overview_ascii_120x40");
    text = dump(c);
    for (const char *p = text; *p; p++)
        assert_true((unsigned char)*p < 0x80);
    free(text);
    case_free(c);
    c = case_of(uifix_targets_all, false, true);    /* targets: glyphs and flags too */
    for (int v = 0; v < VIEW_COUNT; v++) {
        c->app.view = (enum view)v;
        render(c, 120, 40);
        if (v == VIEW_TARGETS)
            golden(c, "targets_ascii_120x40");
        text = dump(c);
        for (const char *p = text; *p; p++)
            assert_true((unsigned char)*p < 0x80);
        free(text);
    }
    case_free(c);
}

/* The cell where text first appears on the pad (row, col), or -1. */
static int find_text(const struct ui_case *c, const char *text, int *col)
{
    wchar_t want[128], row[512];

    mbstowcs(want, text, 128);
    for (int y = 0; y < c->h; y++) {
        int n = mvwinnwstr(c->pad, y, 0, row, c->w);
        row[n < 0 ? 0 : n] = L'\0';
        wchar_t *at = wcsstr(row, want);
        if (at) {
            *col = (int)(at - row);
            return y;
        }
    }
    return -1;
}

static attr_t color_at(const struct ui_case *c, int y, int x)
{
    cchar_t cc;
    attr_t a;
    short pair;
    wchar_t wc[CCHARW_MAX + 1];

    mvwin_wch(c->pad, y, x, &cc);
    getcchar(&cc, wc, &a, &pair, NULL);
    return COLOR_PAIR(pair);
}

/* ---- targets ------------------------------------------------------------------------------ */

/* Play the run's seconds to the app, as the dashboard would have seen the targets, so that
 * the Targets view has a trend to chart. */
static void play_trend(struct ui_case *c)
{
    struct snap_target final[SNAP_MAX_TARGETS];
    uint32_t n_points = c->snap.n_points;

    memcpy(final, c->snap.targets, sizeof final);
    c->app.n_trend = c->app.first_trend = 0;        /* forget what case_of showed it */
    c->app.trend_second = 0;
    for (uint32_t i = 0; i < n_points; i++) {
        c->snap.n_points = i + 1;
        uifix_targets_at(&c->snap, final, (int)i);
        app_update(&c->app, &c->snap, UIFIX_T0 + i + 0.5);
    }
    c->snap.n_points = n_points;
    memcpy(c->snap.targets, final, sizeof final);
    app_update(&c->app, &c->snap, c->snap.now);
    assert_int_equal(c->app.n_trend, n_points);
}

static void trend_screen(uint32_t sel, int w, int h, const char *name)
{
    struct ui_case *c = case_of(uifix_targets_all, true, true);

    play_trend(c);
    c->app.view = VIEW_TARGETS;
    c->app.sel_target = sel;
    render(c, w, h);
    golden(c, name);
    case_free(c);
}

static void test_targets_screens(void **state)
{
    (void)state;
    fixture_screen(uifix_targets_all, VIEW_TARGETS, 80, 24, "targets_80x24");
    trend_screen(3, 120, 40, "targets_120x40");     /* at risk, the spike near its bound */
    trend_screen(0, 160, 50, "targets_160x50");     /* far below its bound: a log axis */
    trend_screen(2, 120, 40, "targets_trend_success_120x40");   /* as % failed */
    fixture_screen(uifix_targets_all, VIEW_TARGETS, 120, 40, "targets_no_trend_yet_120x40");
    fixture_screen(uifix_targets_all, VIEW_OVERVIEW, 80, 24, "overview_targets_80x24");
    fixture_screen(uifix_targets_all, VIEW_OVERVIEW, 120, 40, "overview_targets_120x40");
    fixture_screen(uifix_targets_all, VIEW_OVERVIEW, 160, 50, "overview_targets_160x50");
    fixture_screen(uifix_targets_pass, VIEW_OVERVIEW, 120, 40, "overview_targets_pass_120x40");
    fixture_screen(uifix_targets_aborted, VIEW_TARGETS, 120, 40, "targets_aborted_120x40");
    fixture_screen(uifix_targets_aborted, VIEW_OVERVIEW, 80, 24, "overview_aborted_80x24");
    fixture_screen(NULL, VIEW_TARGETS, 80, 24, "targets_none_80x24");
}

/* The Health view and the Overview's strip: a metric at risk, one failing, a growth at risk,
 * a source down; the selected metric charted under the list. */
static void health_screen(uint32_t sel, enum view v, int w, int h, const char *name)
{
    struct ui_case *c = case_of(uifix_health, true, true);

    c->app.view = v;
    c->app.sel_health = sel;
    render(c, w, h);
    golden(c, name);
    case_free(c);
}

static void test_health_screens(void **state)
{
    (void)state;
    health_screen(0, VIEW_HEALTH, 80, 24, "health_80x24");
    health_screen(0, VIEW_HEALTH, 120, 40, "health_120x40");
    health_screen(3, VIEW_HEALTH, 160, 50, "health_workers_160x50");
    health_screen(0, VIEW_OVERVIEW, 80, 24, "overview_health_80x24");
    health_screen(0, VIEW_OVERVIEW, 120, 40, "overview_health_120x40");
    fixture_screen(NULL, VIEW_HEALTH, 80, 24, "health_none_80x24");
}

/* The text of row y of the pad (UTF-8, trailing blanks kept). */
static void row_text(const struct ui_case *c, int y, char *out, size_t n)
{
    wchar_t row[512];
    int k = mvwinnwstr(c->pad, y, 0, row, c->w);

    row[k < 0 ? 0 : k] = L'\0';
    assert_true(wcstombs(out, row, n) != (size_t)-1);
}

static bool screen_has(const struct ui_case *c, const char *text)
{
    char *all = dump(c);
    bool has = strstr(all, text) != NULL;

    free(all);
    return has;
}

/* A master's run: the Workers tab (key 8), its table, the missing worker, the status bar's
 * worker count; a local run has no Workers tab. */
static void test_workers_view(void **state)
{
    struct ui_case *c;

    (void)state;
    fixture_screen(uifix_master, VIEW_WORKERS, 120, 30, "workers_120x30");
    fixture_screen(uifix_master, VIEW_WORKERS, 80, 24, "workers_80x24");
    fixture_screen(uifix_master, VIEW_OVERVIEW, 120, 40, "overview_master_120x40");
    c = case_new(true, true);
    render(c, 120, 40);
    assert_false(screen_has(c, "8 Workers"));
    case_free(c);
}

static void test_targets_only_when_the_scenario_has_some(void **state)
{
    struct ui_case *c = case_new(true, true);
    char line[2048];

    (void)state;
    for (int v = 0; v < VIEW_COUNT; v++) {          /* nothing of it but the tab and view 6 */
        c->app.view = (enum view)v;
        render(c, 120, 40);
        row_text(c, 0, line, sizeof line);
        assert_null(strstr(line, "Targets"));
        assert_true(screen_has(c, "No targets in this scenario") == (v == VIEW_TARGETS));
        assert_false(screen_has(c, "PASS") || screen_has(c, "FAIL"));
    }
    case_free(c);
}

static void test_targets_compact_worst_first(void **state)
{
    struct ui_case *c = case_of(uifix_targets_all, true, true);
    char line[2048];
    int y, col;

    (void)state;
    render(c, 80, 24);                              /* 3 lines for 8 targets */
    y = find_text(c, "\u2500 Targets", &col);
    assert_true(y > 3);
    row_text(c, y, line, sizeof line);
    assert_non_null(strstr(line, "FAIL so far"));
    row_text(c, y + 1, line, sizeof line);
    assert_non_null(strstr(line, "FAIL"));
    assert_non_null(strstr(line, "p95 < 25 ms"));
    row_text(c, y + 2, line, sizeof line);
    assert_non_null(strstr(line, "at risk"));
    assert_non_null(strstr(line, "p99 < 1 s"));     /* the first at risk, in scenario order */
    row_text(c, y + 3, line, sizeof line);
    assert_non_null(strstr(line, "+6 more"));
    render(c, 120, 40);                             /* room for all: the scenario's order */
    y = find_text(c, "p50 < 200 ms", &col);
    assert_int_equal(find_text(c, "p99 < 500 ms", &col), y + 1);
    assert_int_equal(find_text(c, "rps 50..100", &col), y + 7);
    row_text(c, 0, line, sizeof line);              /* the status bar's badge */
    assert_non_null(strstr(line, "Targets  \u2716 FAIL "));
    case_free(c);
}

/* ---- attributes ------------------------------------------------------------------------- */

static void test_colours_carry_meaning(void **state)
{
    struct ui_case *c = case_new(true, true);
    const struct theme *t = &c->app.theme;
    int col, y;

    (void)state;
    assert_true(t->color);
    c->app.sel_ep = 2;
    render(c, 120, 40);
    /* the failure count of the endpoint with failures is red */
    y = find_text(c, "page_size=20", &col);
    assert_true(y > 0);
    {
        wchar_t row[512];
        int n = mvwinnwstr(c->pad, y, 0, row, c->w);
        row[n] = L'\0';
        wchar_t *fails = wcsstr(row + col, L" 37 ");
        assert_non_null(fails);
        assert_int_equal(color_at(c, y, (int)(fails - row) + 1), t->attr[THEME_ERROR] & A_COLOR);
    }
    /* the selected row is highlighted across the table */
    y = find_text(c, "/api/v1/deployments/[id]/", &col);
    assert_int_equal(color_at(c, y, col), t->attr[THEME_SELECTED] & A_COLOR);
    /* the state badge */
    y = find_text(c, "SPAWNING", &col);
    assert_int_equal(y, 1);
    assert_int_equal(color_at(c, y, col), t->attr[THEME_ACCENT] & A_COLOR);
    /* the status bar's first line */
    assert_int_equal(color_at(c, 0, 0), t->attr[THEME_BAR] & A_COLOR);
    /* the p99 line of the latency chart: some braille cell in its colour */
    {
        bool seen = false;
        for (int yy = 3; yy < 20 && !seen; yy++)
            for (int xx = 60; xx < 120 && !seen; xx++)
                seen = color_at(c, yy, xx) == (t->attr[THEME_P99] & A_COLOR);
        assert_true(seen);
    }
    case_free(c);
}

/* Requests the engine could not record: a warning on the status bar's second line, kept at
 * any width (the reason when there is room), and nothing of it in a healthy run. */
static void test_status_warns_of_unrecorded_requests(void **state)
{
    struct ui_case *c = case_new(true, true);
    const struct theme *t = &c->app.theme;
    int col, widths[] = {80, 120, 200};

    (void)state;
    render(c, 120, 40);
    assert_false(screen_has(c, "not recorded"));
    c->snap.requests_dropped = 1234;
    c->snap.seq++;
    app_update(&c->app, &c->snap, c->snap.now);
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        render(c, widths[i], 40);
        assert_int_equal(find_text(c, "! 1234 requests not recorded", &col), 1);
        assert_int_equal(color_at(c, 1, col), t->attr[THEME_WARN] & A_COLOR);
    }
    assert_int_equal(find_text(c, "not recorded  (out of memory)", &col), 1);   /* when wide */
    case_free(c);
}

/* Names and texts from the scenario and the responses never put a control character on the
 * terminal: the dashboard draws each one as '?' (ESC could retitle or clear the screen). */
static void test_control_characters_drawn_as_marks(void **state)
{
    static const enum view views[] = {VIEW_OVERVIEW, VIEW_ENDPOINTS, VIEW_FAILURES, VIEW_LOG};
    struct ui_case *c = case_new(true, true);
    char *all;

    (void)state;
    snprintf(c->snap.endpoints[0].name, SNAP_NAME_MAX, "/a\x1b]0;owned\x07/\xc2\x9b" "2J");
    snprintf(c->snap.errors[0].text, SNAP_TEXT_MAX, "check failed (got \"\x1b[31m\")");
    c->snap.seq++;
    app_update(&c->app, &c->snap, c->snap.now);
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        c->app.view = views[i];
        render(c, 160, 50);
        all = dump(c);
        assert_null(strchr(all, '\x1b'));
        assert_null(strchr(all, '\x07'));
        assert_null(strstr(all, "\xc2\x9b"));
        if (views[i] == VIEW_ENDPOINTS)
            assert_non_null(strstr(all, "/a?]0;owned?/?2J"));
        if (views[i] == VIEW_FAILURES)
            assert_non_null(strstr(all, "check failed (got \"?[31m\")"));
        free(all);
    }
    case_free(c);
}

/* --insecure: the status bar says TLS is not verified, in the error colour, at any width. */
static void test_status_warns_of_insecure_tls(void **state)
{
    struct ui_case *c = case_new(true, true);
    const struct theme *t = &c->app.theme;
    int col, widths[] = {80, 120, 200};

    (void)state;
    render(c, 120, 40);
    assert_false(screen_has(c, "INSECURE"));
    c->snap.tls_insecure = true;
    c->snap.seq++;
    app_update(&c->app, &c->snap, c->snap.now);
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        render(c, widths[i], 40);
        assert_int_equal(find_text(c, "INSECURE TLS: not verified", &col), 1);
        assert_int_equal(color_at(c, 1, col), t->attr[THEME_ERROR] & A_COLOR);
    }
    case_free(c);
}

/* hornet saturated: the status bar says so at any width (the whole sentence when wide), in
 * the warning colour; the targets' verdict badge says it was measured under saturation. */
static void test_status_warns_of_saturation(void **state)
{
    struct ui_case *c = case_of(uifix_targets_all, true, true);
    const struct theme *t = &c->app.theme;
    int col;

    (void)state;
    render(c, 200, 40);
    assert_false(screen_has(c, "saturated"));
    c->snap.saturated = true;
    c->snap.saturated_seconds = 12;
    c->snap.seq++;
    app_update(&c->app, &c->snap, c->snap.now);
    render(c, 200, 40);
    assert_int_equal(find_text(c, "load generator saturated: latencies include hornet's own "
                                  "queueing", &col), 1);
    assert_int_equal(color_at(c, 1, col), t->attr[THEME_WARN] & A_COLOR);
    assert_int_equal(find_text(c, "(saturated)", &col), 0);       /* the verdict badge */
    render(c, 80, 40);
    assert_int_equal(find_text(c, "SATURATED: hornet is the bottleneck", &col), 1);
    case_free(c);
}

/* An open run: the status bar shows the arrivals (asked -> achieved, busy of the pool,
 * dropped) and that the latencies are corrected; the tables and charts show the corrected
 * view, and say so. */
static void test_open_run(void **state)
{
    struct ui_case *c = case_of(uifix_open_corrected, true, true);
    const struct theme *t = &c->app.theme;
    int col;

    (void)state;
    render(c, 160, 50);
    golden(c, "open_160x50");
    assert_true(screen_has(c, "Arrivals 1,000.0/s → 998.5/s"));
    assert_true(screen_has(c, "Busy 150/180"));
    assert_int_equal(find_text(c, "Dropped 12", &col), 1);
    assert_int_equal(color_at(c, 1, col + 8), t->attr[THEME_ERROR] & A_COLOR);
    assert_true(screen_has(c, "corrected (o)"));
    assert_true(screen_has(c, "Endpoints (6), latencies corrected"));
    assert_true(screen_has(c, "Response time, corrected"));
    c->app.service_view = true;
    render(c, 160, 50);
    assert_true(screen_has(c, "service (o)"));
    assert_false(screen_has(c, "latencies corrected"));
    case_free(c);
    fixture_screen(uifix_open_corrected, VIEW_OVERVIEW, 80, 24, "open_80x24");
}

static void test_monochrome_has_no_colour(void **state)
{
    struct ui_case *c = case_new(true, false);
    int col;

    (void)state;
    assert_false(c->app.theme.color);
    for (int v = 0; v < VIEW_COUNT; v++) {
        c->app.view = (enum view)v;
        c->app.detail_ep = 1;
        render(c, 120, 40);
        for (int y = 0; y < c->h; y++)
            for (int x = 0; x < c->w; x++)
                assert_int_equal(color_at(c, y, x), 0);
    }
    c->app.view = VIEW_OVERVIEW;
    c->app.sel_ep = 2;
    render(c, 120, 40);
    int y = find_text(c, "/api/v1/deployments/[id]/", &col);
    assert_true(mvwinch(c->pad, y, col) & A_REVERSE);   /* selection still visible */
    case_free(c);
}

/* The attribute of the cell where text first appears after column from on row y. */
static attr_t attr_after(const struct ui_case *c, int y, int from, const char *text)
{
    wchar_t want[64], row[512];
    int n = mvwinnwstr(c->pad, y, 0, row, c->w);
    wchar_t *at;

    mbstowcs(want, text, 64);
    row[n < 0 ? 0 : n] = L'\0';
    at = wcsstr(row + from, want);
    assert_non_null(at);
    return mvwinch(c->pad, y, (int)(at - row)) & (A_ATTRIBUTES & ~A_COLOR);
}

/* A long snapshot message loses its middle, not the names of the files written. */
static void test_long_toast_keeps_its_end(void **state)
{
    struct ui_case *c = case_new(true, true);
    char line[2048];

    (void)state;
    app_toast(&c->app, TOAST_OK, "Snapshot written: /var/tmp/a-rather-long/directory/of/the/"
              "team/runs/run_20261130-224700_{stats,stats_history,failures,exceptions}.csv + "
              "_report.{md,html}");
    render(c, 80, 24);
    row_text(c, 23, line, sizeof line);
    assert_non_null(strstr(line, " Snapshot written: /var/"));
    assert_non_null(strstr(line, "\u2026"));
    assert_non_null(strstr(line, "exceptions}.csv + _report.{md,html}"));
    case_free(c);
}

static void test_targets_colours_and_monochrome(void **state)
{
    struct ui_case *c = case_of(uifix_targets_all, true, true);
    const struct theme *t = &c->app.theme;
    int col, y;

    (void)state;
    c->app.view = VIEW_TARGETS;
    c->app.sel_target = 7;
    render(c, 120, 40);
    y = find_text(c, "rps 50..100", &col);          /* the trend's target is highlighted */
    assert_int_equal(color_at(c, y, 1), t->attr[THEME_SELECTED] & A_COLOR);
    assert_int_equal(color_at(c, y, col), t->attr[THEME_SELECTED] & A_COLOR);
    y = find_text(c, "p50 < 200 ms", &col);         /* status words in their colours */
    assert_int_equal(color_at(c, y, 1), t->attr[THEME_OK] & A_COLOR);
    y = find_text(c, "p99 < 1 s", &col);
    assert_int_equal(color_at(c, y, 1), t->attr[THEME_WARN] & A_COLOR);
    y = find_text(c, "p95 < 25 ms", &col);
    assert_int_equal(color_at(c, y, 1), t->attr[THEME_ERROR] & A_COLOR);
    assert_int_equal(color_at(c, y, 11), t->attr[THEME_WARN] & A_COLOR);   /* the abort flag */
    y = find_text(c, "p95 < 100 ms", &col);
    assert_int_equal(color_at(c, y, 1), 0);         /* pending: dim */
    assert_true(mvwinch(c->pad, y, 1) & A_DIM);
    y = find_text(c, "FAIL so far", &col);          /* the verdict badge */
    assert_int_equal(color_at(c, y, col), t->attr[THEME_BADGE_FAIL] & A_COLOR);
    y = find_text(c, "6 Targets", &col);            /* the tab's verdict glyph, active */
    assert_int_equal(y, 2);
    case_free(c);

    c = case_of(uifix_targets_all, true, false);    /* monochrome: words and attributes */
    c->app.view = VIEW_TARGETS;
    c->app.sel_target = 7;
    render(c, 120, 40);
    for (int yy = 0; yy < c->h; yy++)
        for (int x = 0; x < c->w; x++)
            assert_int_equal(color_at(c, yy, x), 0);
    y = find_text(c, "p95 < 25 ms", &col);
    assert_true(attr_after(c, y, 0, "FAIL") & A_BOLD);
    assert_true(attr_after(c, y, 0, "FAIL") & A_UNDERLINE);
    y = find_text(c, "p99 < 1 s", &col);
    assert_true(attr_after(c, y, 0, "at risk") & A_BOLD);
    y = find_text(c, "p95 < 100 ms", &col);
    assert_true(attr_after(c, y, 0, "pending") & A_DIM);
    case_free(c);
}

static void test_redraw_at_changing_sizes(void **state)
{
    struct ui_case *c = case_new(true, true);
    char *first, *again;

    (void)state;
    render(c, 120, 40);
    first = dump(c);
    for (int w = 80; w <= 240; w += 23)
        for (int v = 0; v < VIEW_COUNT; v++) {
            c->app.view = (enum view)v;
            render(c, w, 24 + w / 6);
        }
    c->app.view = VIEW_OVERVIEW;
    render(c, 120, 40);
    again = dump(c);
    assert_string_equal(first, again);                  /* no state leaks between sizes */
    free(first);
    free(again);
    case_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overview),
        cmocka_unit_test(test_endpoints),
        cmocka_unit_test(test_failures_charts_log),
        cmocka_unit_test(test_detail),
        cmocka_unit_test(test_help_prompt_confirm),
        cmocka_unit_test(test_first_moments),
        cmocka_unit_test(test_finished_burst),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_targets_screens),
        cmocka_unit_test(test_workers_view),
        cmocka_unit_test(test_targets_only_when_the_scenario_has_some),
        cmocka_unit_test(test_targets_compact_worst_first),
        cmocka_unit_test(test_targets_colours_and_monochrome),
        cmocka_unit_test(test_long_toast_keeps_its_end),
        cmocka_unit_test(test_colours_carry_meaning),
        cmocka_unit_test(test_control_characters_drawn_as_marks),
        cmocka_unit_test(test_monochrome_has_no_colour),
        cmocka_unit_test(test_status_warns_of_unrecorded_requests),
        cmocka_unit_test(test_open_run),
        cmocka_unit_test(test_status_warns_of_insecure_tls),
        cmocka_unit_test(test_status_warns_of_saturation),
        cmocka_unit_test(test_redraw_at_changing_sizes),
        cmocka_unit_test(test_health_screens),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
