/* Tests of the CSV writer (csv.c): Python repr of floats, quoting, Locust's headers and empty
 * rows byte for byte, the row shapes of real Locust 2.12.1 files reproduced from snapshots,
 * golden files of hornet's own output, atomic writes, the history file and snapshot sets.
 *
 * The Locust samples are read from tests/fixtures/locust/ (copied from
 * ../shared/reference/locust-samples/, which is only a fallback). Run from the repository
 * root. HORNET_UPDATE_GOLDEN=1 rewrites tests/fixtures/golden/ instead of comparing. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "csv.h"
#include "csv_internal.h"
#include "fileio.h"
#include "log.h"
#include "fixtures/golden/snapshot_fixture.h"

#define GOLDEN_DIR "tests/fixtures/golden/"

/* ---- helpers ----------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return p;
}

static char *locust_sample(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "tests/fixtures/locust/%s", name);
    char *p = slurp(path, NULL);
    if (!p) {
        snprintf(path, sizeof path, "/work/shared/reference/locust-samples/%s", name);
        p = slurp(path, NULL);
    }
    if (!p)
        fail_msg("Locust sample %s not found (run from the repository root)", name);
    return p;
}

static char *first_line(const char *text)
{
    const char *end = strstr(text, "\r\n");
    assert_non_null(end);
    return strndup(text, (size_t)(end - text + 2));
}

static struct snapshot *snap_new(void)
{
    struct snapshot *s = calloc(1, sizeof *s);
    assert_non_null(s);
    snprintf(s->total.name, sizeof s->total.name, "Aggregated");
    return s;
}

static struct snap_stats *add_ep(struct snapshot *s, const char *method, const char *name)
{
    struct snap_stats *e = &s->endpoints[s->n_endpoints++];
    snprintf(e->method, sizeof e->method, "%s", method);
    snprintf(e->name, sizeof e->name, "%s", name);
    return e;
}

static void set_pcts(uint64_t *out, const int *ms)
{
    for (int i = 0; i < SNAP_PCT_COUNT; i++)
        out[i] = (uint64_t)ms[i] * 1000;
}

static char *make_tmpdir(void)
{
    char tmpl[] = "/tmp/hornet-test-csv.XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static void rm_rf(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

static int count_tmp_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    assert_non_null(d);
    while ((de = readdir(d)))
        if (strstr(de->d_name, ".tmp"))
            n++;
    closedir(d);
    return n;
}

/* ---- a strict CSV reader (RFC 4180 with CRLF records, bare LF allowed inside quotes) ------ */

#define MAX_ROWS 64
#define MAX_COLS 32

struct table {
    int rows;
    int cols[MAX_ROWS];
    char *cell[MAX_ROWS][MAX_COLS];
    bool quoted[MAX_ROWS][MAX_COLS];
};

/* Reads one field at *pp; returns the char that ended it (',', '\r' of CRLF). */
static char read_field(const char **pp, char *out, bool *quoted)
{
    const char *p = *pp;
    size_t n = 0;
    *quoted = *p == '"';
    if (*quoted) {
        for (p++;; p++) {
            assert_true(*p != '\0');              /* unterminated quote */
            if (*p == '"' && p[1] == '"')
                out[n++] = *p++;
            else if (*p == '"')
                break;
            else
                out[n++] = *p;
        }
        p++;
    } else {
        for (; *p != ',' && *p != '\r' && *p != '\0'; p++) {
            assert_true(*p != '\n' && *p != '"');  /* bare LF or quote outside quotes */
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    assert_true(*p == ',' || (*p == '\r' && p[1] == '\n'));
    *pp = p + 1 + (*p == '\r');
    return *p;
}

static void parse_csv(const char *text, struct table *t)
{
    char field[4096];
    const char *p = text;
    memset(t, 0, sizeof *t);
    while (*p) {
        assert_true(t->rows < MAX_ROWS);
        int r = t->rows++;
        char end;
        do {
            assert_true(t->cols[r] < MAX_COLS);
            int c = t->cols[r]++;
            end = read_field(&p, field, &t->quoted[r][c]);
            t->cell[r][c] = strdup(field);
        } while (end == ',');
    }
}

static void free_table(struct table *t)
{
    for (int r = 0; r < t->rows; r++)
        for (int c = 0; c < t->cols[r]; c++)
            free(t->cell[r][c]);
}

enum kind { K_EMPTY, K_INT, K_FLOAT, K_NA, K_TEXT, K_QUOTED };

/* What Python's csv.writer made of a value: int, repr(float), N/A, text, quoted text. */
static enum kind kind_of(const struct table *t, int r, int c)
{
    const char *s = t->cell[r][c];
    char *end;
    if (t->quoted[r][c])
        return K_QUOTED;
    if (!*s)
        return K_EMPTY;
    if (!strcmp(s, "N/A"))
        return K_NA;
    if (strspn(s, "0123456789") == strlen(s))
        return K_INT;
    strtod(s, &end);
    if (*end == '\0' && strpbrk(s, ".e"))
        return K_FLOAT;
    return K_TEXT;
}

/* Same rows, columns and cell kinds; cells equal except in the columns listed in differ. */
static void assert_same_shape(const char *hornet, const char *locust, const int *differ,
                              int n_differ)
{
    struct table h, l;
    parse_csv(hornet, &h);
    parse_csv(locust, &l);
    assert_int_equal(h.rows, l.rows);
    for (int r = 0; r < l.rows; r++) {
        assert_int_equal(h.cols[r], l.cols[r]);
        for (int c = 0; c < l.cols[r]; c++) {
            bool may_differ = false;
            for (int i = 0; i < n_differ; i++)
                may_differ |= differ[i] == c;
            if (kind_of(&h, r, c) != kind_of(&l, r, c) || (!may_differ &&
                strcmp(h.cell[r][c], l.cell[r][c])))
                fail_msg("row %d col %d: hornet '%s' vs Locust '%s'", r, c, h.cell[r][c],
                         l.cell[r][c]);
        }
    }
    free_table(&h);
    free_table(&l);
}

/* Every record ends with CRLF, and no CR appears elsewhere. */
static void assert_crlf(const char *text)
{
    size_t n = strlen(text);
    assert_true(n >= 2);
    assert_memory_equal(text + n - 2, "\r\n", 2);
    for (const char *p = text; (p = strchr(p, '\r')); p++)
        assert_int_equal(p[1], '\n');
}

/* Compares with (or, with HORNET_UPDATE_GOLDEN=1, writes) tests/fixtures/golden/name. */
static void check_golden(const char *name, const char *text, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
    if (getenv("HORNET_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(text, 1, len, f), len);
        fclose(f);
        return;
    }
    size_t glen;
    char *golden = slurp(path, &glen);
    if (!golden)
        fail_msg("golden file %s missing (run from the repository root)", path);
    if (glen != len || memcmp(golden, text, len))
        fail_msg("%s differs from hornet's output:\n--- golden\n%s\n--- now\n%s", path, golden,
                 text);
    free(golden);
}

/* ---- number formatting ------------------------------------------------------------------- */

static void test_format_float_matches_python_repr(void **state)
{
    /* Expected strings generated with python3 -c 'print(repr(v))'. */
    static const struct { double v; const char *repr; } cases[] = {
        {5.580803915965437, "5.580803915965437"}, {646.0, "646.0"}, {0.0, "0.0"},
        {-0.0, "-0.0"}, {1e-05, "1e-05"}, {0.0001, "0.0001"}, {1.5e-07, "1.5e-07"},
        {0.00012345, "0.00012345"}, {0.00030000000000000003, "0.00030000000000000003"},
        {123456789012345678.0, "1.2345678901234568e+17"}, {1e16, "1e+16"},
        {9999999999999998.0, "9999999999999998.0"}, {1e15, "1000000000000000.0"},
        {9007199254740992.0, "9007199254740992.0"}, {1e22, "1e+22"}, {1e100, "1e+100"},
        {0.1, "0.1"}, {0.3, "0.3"}, {1.0 / 3.0, "0.3333333333333333"},
        {2.0 / 3.0, "0.6666666666666666"}, {1.607, "1.607"}, {2.5, "2.5"}, {0.5, "0.5"},
        {100.0, "100.0"}, {123456789.0, "123456789.0"}, {12345.678, "12345.678"},
        {0.001, "0.001"}, {25.413, "25.413"}, {4.35, "4.35"}, {-1.25, "-1.25"},
        {21.630903558236053, "21.630903558236053"}, {516.444976076555, "516.444976076555"},
        {29.43054400000733, "29.43054400000733"}, {1e-320, "1e-320"}, {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        /* powers of two where the correctly rounded shortest candidate does not read back
         * and its neighbour does (2^-1017, 2^89) */
        {7.120236347223045e-307, "7.120236347223045e-307"},
        {6.189700196426902e+26, "6.189700196426902e+26"},
    };
    char out[64];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        csv_format_float(cases[i].v, out, sizeof out);
        if (strcmp(out, cases[i].repr))
            fail_msg("repr(%.17g): got '%s', Python says '%s'", cases[i].v, out,
                     cases[i].repr);
    }
    csv_format_float(INFINITY, out, sizeof out);
    assert_string_equal(out, "inf");
    csv_format_float(-INFINITY, out, sizeof out);
    assert_string_equal(out, "-inf");
    csv_format_float(NAN, out, sizeof out);
    assert_string_equal(out, "nan");
    csv_format_float(5.580803915965437, out, 5);
    assert_string_equal(out, "5.58");
}

static void test_format_float_round_trips(void **state)
{
    char out[64];
    uint64_t x = 88172645463325252ULL;
    (void)state;
    for (int i = 0; i < 20000; i++) {          /* xorshift over all bit patterns */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v))
            continue;
        csv_format_float(v, out, sizeof out);
        assert_true(strtod(out, NULL) == v);
        assert_true(strchr(out, '.') || strchr(out, 'e'));
    }
}

static void test_csv_ms_rounds_half_up(void **state)
{
    (void)state;
    assert_int_equal(csv_ms(0), 0);
    assert_int_equal(csv_ms(499), 0);
    assert_int_equal(csv_ms(500), 1);
    assert_int_equal(csv_ms(1499), 1);
    assert_int_equal(csv_ms(1500), 2);
    assert_int_equal(csv_ms(147300), 147);
    assert_int_equal(csv_ms(30000499), 30000);
}

static void test_quote_minimal(void **state)
{
    /* Expected text generated with Python's csv.writer().writerow([field]). */
    static const struct { const char *in, *out; } cases[] = {
        {"plain", "plain"}, {"", ""}, {" lead", " lead"}, {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""}, {"line1\nline2", "\"line1\nline2\""},
        {"cr\rx", "\"cr\rx\""}, {"\"", "\"\"\"\""}, {"N/A", "N/A"},
        {"HTTPError('404 Client Error')", "HTTPError('404 Client Error')"},
    };
    char out[128];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        out[0] = '\0';
        assert_int_equal(csv_quote(cases[i].in, out, sizeof out), strlen(cases[i].out));
        assert_string_equal(out, cases[i].out);
    }
    strcpy(out, "GET,");                       /* appends */
    assert_int_equal(csv_quote("/a,b", out, sizeof out), 10);
    assert_string_equal(out, "GET,\"/a,b\"");
    char small[6] = "";                        /* truncates like snprintf */
    assert_int_equal(csv_quote("say \"hi\"", small, sizeof small), 12);
    assert_string_equal(small, "\"say ");
}

/* Quoting reproduces Locust's exceptions.csv traceback field byte for byte. */
static void test_quote_reproduces_locust_traceback(void **state)
{
    char *sample = locust_sample("run1_exceptions.csv");
    struct table t;
    (void)state;
    parse_csv(sample, &t);
    assert_int_equal(t.rows, 2);
    const char *raw = strstr(sample, "\"  File");
    const char *raw_end = strstr(raw, "\",local\r\n");
    assert_non_null(raw_end);
    size_t raw_len = (size_t)(raw_end + 1 - raw);
    char *out = calloc(1, 4096);
    assert_int_equal(csv_quote(t.cell[1][2], out, 4096), raw_len);
    assert_memory_equal(out, raw, raw_len);
    free(out);
    free_table(&t);
    free(sample);
}

/* ---- headers and empty rows ------------------------------------------------------------- */

static void test_headers_byte_identical(void **state)
{
    struct snapshot *s = snap_new();
    static const struct { enum csv_file f; const char *sample; } files[] = {
        {CSV_STATS, "run1_stats.csv"}, {CSV_FAILURES, "run1_failures.csv"},
        {CSV_EXCEPTIONS, "run1_exceptions.csv"},
    };
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        char *text = csv_render(files[i].f, s, false, NULL);
        char *sample = locust_sample(files[i].sample);
        char *a = first_line(text), *b = first_line(sample);
        assert_string_equal(a, b);
        free(a), free(b), free(text), free(sample);
    }
    struct csv_history *h = csv_history_open(NULL, false, NULL, 0);
    char *tmp = make_tmpdir(), path[300];
    snprintf(path, sizeof path, "%s/h.csv", tmp);
    assert_int_equal(csv_history_export(h, path, NULL, 0), 0);
    char *text = slurp(path, NULL), *sample = locust_sample("run1_stats_history.csv");
    char *b = first_line(sample);
    assert_string_equal(text, b);
    free(b), free(text), free(sample);
    csv_history_close(h);
    char *seen = csv_render(CSV_FAILURES, s, true, NULL);
    assert_string_equal(seen, "Method,Name,Error,Occurrences,First Seen,Last Seen\r\n");
    free(seen);
    rm_rf(tmp);
    free(tmp);
    free(s);
}

static void test_idle_stats_byte_identical(void **state)
{
    struct snapshot *s = snap_new();
    char *sample = locust_sample("idle_stats.csv");
    char *dir = make_tmpdir(), prefix[300], path[320];
    (void)state;
    add_ep(s, "GET", "/never");                /* no requests: no row, as in Locust */
    char *text = csv_render(CSV_STATS, s, false, NULL);
    assert_string_equal(text, sample);
    snprintf(prefix, sizeof prefix, "%s/idle", dir);
    assert_int_equal(csv_write_final(prefix, s, false, NULL, 0), 0);
    snprintf(path, sizeof path, "%s_stats.csv", prefix);
    char *written = slurp(path, NULL);
    assert_string_equal(written, sample);
    free(written), free(text), free(sample);
    rm_rf(dir);
    free(dir);
    free(s);
}

/* Requests the engine could not record have no place in Locust's files: writing them logs a
 * warning instead, and the files are the same as without them. */
static void test_final_files_warn_of_unrecorded_requests(void **state)
{
    struct snapshot *s = snap_new();
    char *dir = make_tmpdir(), prefix[300], path[320], logpath[320], err[256];
    (void)state;
    add_ep(s, "GET", "/x")->requests = 3;
    s->total.requests = 3;
    snprintf(logpath, sizeof logpath, "%s/hornet.log", dir);
    assert_int_equal(log_init(LOG_LEVEL_INFO, logpath, false, err, sizeof err), 0);
    snprintf(prefix, sizeof prefix, "%s/healthy", dir);
    assert_int_equal(csv_write_final(prefix, s, false, err, sizeof err), 0);
    char *log = slurp(logpath, NULL);
    assert_null(log);                          /* nothing logged: the file is not even made */
    s->requests_dropped = 42;
    snprintf(prefix, sizeof prefix, "%s/lossy", dir);
    assert_int_equal(csv_write_final(prefix, s, false, err, sizeof err), 0);
    log_close();
    log = slurp(logpath, NULL);
    assert_non_null(strstr(log, "/WARNING/hornet: 42 requests were not recorded (out of memory): "
                                "the CSV numbers miss them\n"));
    assert_int_equal(strchr(log, '\n') - log + 1, (long)strlen(log));    /* one line */
    char *healthy = csv_render(CSV_STATS, s, false, NULL);
    snprintf(path, sizeof path, "%s_stats.csv", prefix);
    char *written = slurp(path, NULL);
    assert_string_equal(written, healthy);     /* Locust's format, no extra row */
    free(written), free(healthy), free(log);
    rm_rf(dir);
    free(dir);
    free(s);
}

/* ---- shapes of real Locust files --------------------------------------------------------- */

/* GET /, GET /nope, POST /post as in run1 (counts, percentiles, rates and sizes the same;
 * average, min and max in whole microseconds, so only those cells differ). */
static void run1_endpoints(struct snapshot *s)
{
    static const int p_root[] = {4, 5, 6, 7, 10, 14, 17, 22, 25, 25, 25};
    static const int p_nope[] = {4, 5, 6, 6, 10, 15, 22, 29, 29, 29, 29};
    static const int p_post[] = {4, 5, 7, 8, 12, 13, 24, 27, 27, 27, 27};
    static const int p_all[] = {4, 5, 6, 7, 10, 14, 17, 23, 29, 29, 29};
    struct snap_stats *e[3] = {add_ep(s, "POST", "/post"), add_ep(s, "GET", "/nope"),
                               add_ep(s, "GET", "/")};
    e[2]->requests = 238, e[2]->failures = 0, e[2]->total_us = 238 * 5581;
    e[2]->min_us = 1608, e[2]->max_us = 25413, e[2]->total_bytes = 238 * 646;
    e[2]->total_rps = 21.630903558236053, e[2]->median_us = 4000;
    set_pcts(e[2]->pct_us, p_root);
    e[1]->requests = 97, e[1]->failures = 97, e[1]->total_us = 97 * 5258;
    e[1]->min_us = 1759, e[1]->max_us = 29431, e[1]->total_bytes = 97 * 335;
    e[1]->total_rps = e[1]->total_fps = 8.815956492222258, e[1]->median_us = 4000;
    set_pcts(e[1]->pct_us, p_nope);
    e[0]->requests = 83, e[0]->failures = 83, e[0]->total_us = 83 * 5764;
    e[0]->min_us = 1513, e[0]->max_us = 27232, e[0]->total_bytes = 83 * 357;
    e[0]->total_rps = e[0]->total_fps = 7.543550400561313, e[0]->median_us = 4000;
    set_pcts(e[0]->pct_us, p_post);
    s->total.requests = 418, s->total.failures = 180, s->total.total_us = 418 * 5542;
    s->total.min_us = 1513, s->total.max_us = 29431;
    s->total.total_bytes = 238 * 646 + 97 * 335 + 83 * 357;
    s->total.total_rps = 37.99041045101962, s->total.total_fps = 16.359506892783568;
    s->total.median_us = 4000;
    set_pcts(s->total.pct_us, p_all);
}

static void test_run1_stats_shape(void **state)
{
    static const int differ[] = {5, 6, 7};     /* Average, Min, Max */
    struct snapshot *s = snap_new();
    char *sample = locust_sample("run1_stats.csv");
    (void)state;
    run1_endpoints(s);
    char *text = csv_render(CSV_STATS, s, false, NULL);
    assert_crlf(text);
    assert_same_shape(text, sample, differ, 3);
    /* The cells that can be exact are: "646.0", "516.444976076555", rates. */
    assert_non_null(strstr(text, ",646.0,21.630903558236053,0.0,4,5,6,7,10,14,17,22,25,25,25"
                                 "\r\n"));
    assert_non_null(strstr(text, ",516.444976076555,37.99041045101962,16.359506892783568,"));
    free(text), free(sample), free(s);
}

static void run1_history_tick(struct snapshot *s, int tick)
{
    static const int cur803_root[] = {6, 8, 9, 10, 15, 16, 17, 20, 20, 20, 20};
    static const int cur803_nope[] = {6, 10, 12, 14, 16, 16, 22, 22, 22, 22, 22};
    static const int cur803_post[] = {5, 8, 12, 13, 13, 16, 27, 27, 27, 27, 27};
    static const int cur803_all[] = {6, 8, 10, 12, 15, 16, 20, 22, 27, 27, 27};
    memset(s, 0, sizeof *s);
    snprintf(s->total.name, sizeof s->total.name, "Aggregated");
    s->now = 1796078799.4 + tick;
    s->users = tick ? 5 : 0;
    if (tick == 0)
        return;
    run1_endpoints(s);
    s->endpoints[2].requests = tick == 1 ? 25 : 87;
    s->endpoints[1].requests = s->endpoints[1].failures = tick == 1 ? 10 : 34;
    s->endpoints[0].requests = s->endpoints[0].failures = tick == 1 ? 5 : 37;
    s->total.requests = tick == 1 ? 40 : 158, s->total.failures = tick == 1 ? 15 : 71;
    s->endpoints[2].median_us = 5000, s->endpoints[1].median_us = tick == 1 ? 4000 : 6000;
    s->endpoints[0].median_us = s->total.median_us = 5000;
    s->endpoints[2].total_bytes = s->endpoints[2].requests * 646;
    s->endpoints[1].total_bytes = s->endpoints[1].requests * 335;
    s->endpoints[0].total_bytes = s->endpoints[0].requests * 357;
    s->total.total_bytes = tick == 1 ? 21285 : 80801;
    if (tick == 1)
        return;                                /* cur_count == 0: percentiles 0 */
    s->endpoints[2].current_rps = 21.5;
    s->endpoints[1].current_rps = s->endpoints[1].current_fps = 7.5;
    s->endpoints[0].current_rps = s->endpoints[0].current_fps = 8.0;
    s->total.current_rps = 37.0, s->total.current_fps = 15.5;
    struct snap_stats *all[] = {&s->endpoints[2], &s->endpoints[1], &s->endpoints[0],
                                &s->total};
    const int *cur[] = {cur803_root, cur803_nope, cur803_post, cur803_all};
    for (int i = 0; i < 4; i++) {
        all[i]->cur_count = 10;
        set_pcts(all[i]->cur_pct_us, cur[i]);
    }
}

/* Rows of run1_stats_history.csv (full history) at 1796078799, ...800 and ...803. */
static void test_run1_full_history_shape(void **state)
{
    static const int differ[] = {20, 21, 22};  /* Total Average, Min, Max */
    struct snapshot *s = snap_new();
    char *sample = locust_sample("run1_stats_history.csv");
    char *dir = make_tmpdir(), prefix[300], path[330];
    (void)state;
    snprintf(prefix, sizeof prefix, "%s/run1", dir);
    struct csv_history *h = csv_history_open(prefix, true, NULL, 0);
    assert_non_null(h);
    for (int tick = 0; tick < 3; tick++) {
        run1_history_tick(s, tick == 2 ? 4 : tick);
        assert_int_equal(csv_history_tick(h, s, NULL, 0), 0);
    }
    /* Locust's lines: header, 1796078799 (1 row), ...800 (4 rows), ...803 (4 rows). */
    char *expected = calloc(1, 8192), *p = sample;
    for (int line = 0; line < 18; line++) {
        char *end = strstr(p, "\r\n") + 2;
        if (line < 6 || line >= 14)
            strncat(expected, p, (size_t)(end - p));
        p = end;
    }
    snprintf(path, sizeof path, "%s_stats_history.csv", prefix);
    char *text = slurp(path, NULL);
    assert_crlf(text);
    assert_same_shape(text, expected, differ, 3);
    csv_history_close(h);
    free(text), free(expected), free(sample), free(s);
    rm_rf(dir);
    free(dir);
}

/* Without full history: the Aggregated row only, cumulative percentiles (dist run). */
static void test_dist_history_shape(void **state)
{
    static const int pct[] = {4, 4, 5, 5, 6, 17, 18, 18, 18, 18, 18};
    static const int differ[] = {20, 21, 22};
    struct snapshot *s = snap_new();
    char *sample = locust_sample("dist_stats_history.csv");
    struct csv_history *h = csv_history_open(NULL, false, NULL, 0);
    char *dir = make_tmpdir(), path[300];
    (void)state;
    s->now = 1796078936.9;
    assert_int_equal(csv_history_tick(h, s, NULL, 0), 0);
    s->now = 1796078942.0, s->users = 4;
    struct snap_stats *e = add_ep(s, "GET", "/");
    e->requests = 22, e->failures = 4, e->total_us = 22 * 5360, e->min_us = 2892;
    e->max_us = 17650, e->total_bytes = 29960, e->median_us = 4000;
    set_pcts(e->pct_us, pct);
    s->total = *e;
    snprintf(s->total.method, sizeof s->total.method, "%s", "");
    snprintf(s->total.name, sizeof s->total.name, "Aggregated");
    e->cur_count = 22;                         /* current percentiles unused here */
    assert_int_equal(csv_history_tick(h, s, NULL, 0), 0);
    snprintf(path, sizeof path, "%s/dist_stats_history.csv", dir);
    assert_int_equal(csv_history_export(h, path, NULL, 0), 0);
    char *text = slurp(path, NULL), *expected = calloc(1, 4096), *p = sample;
    for (int line = 0; line < 8; line++) {
        char *end = strstr(p, "\r\n") + 2;
        if (line < 2 || line == 7)
            strncat(expected, p, (size_t)(end - p));
        p = end;
    }
    assert_same_shape(text, expected, differ, 3);
    free(text), free(expected), free(sample), free(s);
    csv_history_close(h);
    rm_rf(dir);
    free(dir);
}

static void test_run1_failures_byte_identical(void **state)
{
    struct snapshot *s = snap_new();
    char *sample = locust_sample("run1_failures.csv");
    (void)state;
    run1_endpoints(s);                   /* 0: POST /post, 1: GET /nope, 2: GET / */
    s->n_errors = 3;
    s->errors[0] = (struct snap_error){.endpoint = 0, .count = 83};
    snprintf(s->errors[0].text, SNAP_TEXT_MAX, "CatchResponseError('custom fail 501')");
    s->errors[1] = (struct snap_error){.endpoint = 1, .count = 97};
    snprintf(s->errors[1].text, SNAP_TEXT_MAX,
             "HTTPError('404 Client Error: File not found for url: /nope')");
    s->errors[2] = (struct snap_error){.endpoint = 2, .count = 12, .expected = true};
    snprintf(s->errors[2].text, SNAP_TEXT_MAX, "HTTP 302 Found");
    char *text = csv_render(CSV_FAILURES, s, false, NULL);
    assert_string_equal(text, sample);
    free(text), free(sample), free(s);
}

static void test_run1_exceptions_shape(void **state)
{
    struct snapshot *s = snap_new();
    char *sample = locust_sample("run1_exceptions.csv");
    (void)state;
    s->n_exceptions = 1;
    s->exceptions[0].count = 107;
    snprintf(s->exceptions[0].message, SNAP_TEXT_MAX, "deliberate exception");
    snprintf(s->exceptions[0].where, SNAP_TEXT_MAX,
             "  File \"deployments.json\", user_classes[0].tasks[2]\n"
             "    raise ValueError(\"deliberate exception\")\n");
    char *text = csv_render(CSV_EXCEPTIONS, s, false, NULL);
    assert_crlf(text);
    assert_same_shape(text, sample, (const int[]){2}, 1);
    assert_string_equal(text, "Count,Message,Traceback,Nodes\r\n"
                        "107,deliberate exception,\"  File \"\"deployments.json\"\", "
                        "user_classes[0].tasks[2]\n    raise ValueError(\"\"deliberate "
                        "exception\"\")\n\",local\r\n");
    free(text), free(sample), free(s);
}

/* ---- row rules --------------------------------------------------------------------------- */

static void test_rows_sorted_and_quoted(void **state)
{
    struct snapshot *s = snap_new();
    const char *names[] = {"/b", "/a,1", "/a", "/b", "/say \"hi\"", "/multi\nline", "/zero"};
    const char *methods[] = {"POST", "GET", "GET", "GET", "GET", "PUT", "GET"};
    (void)state;
    for (int i = 0; i < 7; i++) {
        struct snap_stats *e = add_ep(s, methods[i], names[i]);
        e->requests = i == 6 ? 0 : 1;
        e->total_us = e->min_us = e->max_us = e->median_us = 1000;
    }
    s->total.requests = 6;
    char *text = csv_render(CSV_STATS, s, false, NULL);
    struct table t;
    parse_csv(text, &t);
    assert_int_equal(t.rows, 8);               /* header, 6 endpoints, Aggregated */
    /* by name then method: "/b" GET before "/b" POST; "\n" (0x0a) < "s" */
    const char *order[][2] = {{"GET", "/a"}, {"GET", "/a,1"}, {"GET", "/b"}, {"POST", "/b"},
                              {"PUT", "/multi\nline"}, {"GET", "/say \"hi\""},
                              {"", "Aggregated"}};
    for (int r = 1; r < 8; r++) {
        assert_string_equal(t.cell[r][0], order[r - 1][0]);
        assert_string_equal(t.cell[r][1], order[r - 1][1]);
        assert_int_equal(t.cols[r], 22);
    }
    assert_true(t.quoted[2][1] && t.quoted[5][1] && t.quoted[6][1] && !t.quoted[1][1]);
    assert_non_null(strstr(text, "\r\nGET,\"/say \"\"hi\"\"\",1,0,1,1.0,1.0,1.0,0.0,"));
    assert_non_null(strstr(text, "\r\nPUT,\"/multi\nline\",1,"));
    free_table(&t);
    free(text), free(s);
}

/* An entry with requests that were never sent: no latency, percentiles 0 not N/A. */
static void test_entry_without_latency(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    struct snap_stats *e = add_ep(s, "GET", "/unsent");
    e->requests = e->failures = e->none_requests = 4;
    e->total_rps = 0.5;
    char *text = csv_render(CSV_STATS, s, false, NULL);
    assert_non_null(strstr(text, "\r\nGET,/unsent,4,4,0,0.0,0,0,0.0,0.5,0.0,"
                                 "0,0,0,0,0,0,0,0,0,0,0\r\n"));
    assert_non_null(strstr(text, "\r\n,Aggregated,0,0,0,0.0,0,0,0,0.0,0.0,N/A,"));
    free(text), free(s);
}

static void test_history_percentile_modes(void **state)
{
    struct snapshot *s = snap_new();
    static const int cum[] = {4, 5, 6, 7, 10, 14, 17, 22, 25, 25, 26};
    static const int cur[] = {3, 4, 5, 6, 9, 12, 15, 20, 24, 24, 24};
    (void)state;
    s->now = 1796078805.999, s->users = 7;
    struct snap_stats *a = add_ep(s, "GET", "/a"), *b = add_ep(s, "GET", "/b");
    add_ep(s, "GET", "/none");
    a->requests = 10, a->total_us = 10 * 4500, a->min_us = 2000, a->max_us = 25600;
    a->total_bytes = 1000, a->median_us = 4000, a->current_rps = 37.75, a->current_fps = 1.0 / 3;
    set_pcts(a->pct_us, cum);
    set_pcts(a->cur_pct_us, cur);
    a->cur_count = 10;
    b->requests = 2, b->total_us = 3000, b->min_us = 1000, b->max_us = 2000;
    b->total_bytes = 3, b->median_us = 1000;
    set_pcts(b->pct_us, cum);
    s->total = *a;
    snprintf(s->total.method, sizeof s->total.method, "%s", "");
    snprintf(s->total.name, sizeof s->total.name, "Aggregated");
    char *full = csv_render_history_rows(s, true, NULL);
    assert_string_equal(full,
        "1796078805,7,GET,/a,37.750000,0.333333,3,4,5,6,9,12,15,20,24,24,24,10,0,4,4.5,2.0,"
        "25.6,100.0\r\n"
        "1796078805,7,GET,/b,0.000000,0.000000,0,0,0,0,0,0,0,0,0,0,0,2,0,1,1.5,1.0,2.0,1.5\r\n"
        "1796078805,7,,Aggregated,37.750000,0.333333,3,4,5,6,9,12,15,20,24,24,24,10,0,4,4.5,"
        "2.0,25.6,100.0\r\n");
    char *agg = csv_render_history_rows(s, false, NULL);
    assert_string_equal(agg,
        "1796078805,7,,Aggregated,37.750000,0.333333,4,5,6,7,10,14,17,22,25,25,26,10,0,4,4.5,"
        "2.0,25.6,100.0\r\n");
    free(full), free(agg), free(s);
}

static void test_failures_filter_order_and_seen(void **state)
{
    struct snapshot *s = snap_new();
    (void)state;
    add_ep(s, "POST", "/b");
    add_ep(s, "GET", "/b");
    add_ep(s, "GET", "/a");
    const struct { uint32_t ep; bool expected; const char *text; uint64_t n; double t0; } e[] = {
        {0, false, "HTTP 500 Internal Server Error", 5, 1796078800.9},
        {1, false, "Timeout after 30000 ms", 2, 1796078801.0},
        {1, false, "Connection refused", 9, 0.0},
        {2, true, "HTTP 404 Not Found", 40, 1796078802.0},
        {2, false, "check failed: a, \"b\"\nc", 1, 1796078803.5},
    };
    for (uint32_t i = 0; i < 5; i++) {
        struct snap_error *x = &s->errors[s->n_errors++];
        x->endpoint = e[i].ep, x->expected = e[i].expected, x->count = e[i].n;
        x->first_seen = e[i].t0, x->last_seen = e[i].t0 ? e[i].t0 + 59.5 : 0.0;
        snprintf(x->text, SNAP_TEXT_MAX, "%s", e[i].text);
    }
    char *plain = csv_render(CSV_FAILURES, s, false, NULL);
    assert_string_equal(plain, "Method,Name,Error,Occurrences\r\n"
                               "GET,/a,\"check failed: a, \"\"b\"\"\nc\",1\r\n"
                               "GET,/b,Connection refused,9\r\n"
                               "GET,/b,Timeout after 30000 ms,2\r\n"
                               "POST,/b,HTTP 500 Internal Server Error,5\r\n");
    char *seen = csv_render(CSV_FAILURES, s, true, NULL);
    assert_string_equal(seen, "Method,Name,Error,Occurrences,First Seen,Last Seen\r\n"
                              "GET,/a,\"check failed: a, \"\"b\"\"\nc\",1,"
                              "2026-11-30T22:46:43Z,2026-11-30T22:47:43Z\r\n"
                              "GET,/b,Connection refused,9,,\r\n"
                              "GET,/b,Timeout after 30000 ms,2,"
                              "2026-11-30T22:46:41Z,2026-11-30T22:47:40Z\r\n"
                              "POST,/b,HTTP 500 Internal Server Error,5,"
                              "2026-11-30T22:46:40Z,2026-11-30T22:47:40Z\r\n");
    free(plain), free(seen), free(s);
}

/* ---- golden files of hornet's own output ------------------------------------------------- */

static void test_golden_files(void **state)
{
    struct snapshot *s = snap_new();
    size_t len;
    (void)state;
    fixture_snapshot(s, 2);
    static const struct { enum csv_file f; bool seen; const char *name; } files[] = {
        {CSV_STATS, false, "stats.csv"}, {CSV_FAILURES, false, "failures.csv"},
        {CSV_FAILURES, true, "failures_seen.csv"}, {CSV_EXCEPTIONS, false, "exceptions.csv"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *text = csv_render(files[i].f, s, files[i].seen, &len);
        assert_crlf(text);
        check_golden(files[i].name, text, len);
        free(text);
    }
    for (int full = 0; full < 2; full++) {
        struct csv_history *h = csv_history_open(NULL, full, NULL, 0);
        char *dir = make_tmpdir(), path[300];
        for (int tick = 0; tick < 3; tick++) {
            fixture_snapshot(s, tick);
            assert_int_equal(csv_history_tick(h, s, NULL, 0), 0);
        }
        snprintf(path, sizeof path, "%s/h.csv", dir);
        assert_int_equal(csv_history_export(h, path, NULL, 0), 0);
        char *text = slurp(path, &len);
        assert_crlf(text);
        check_golden(full ? "stats_history_full.csv" : "stats_history.csv", text, len);
        free(text);
        csv_history_close(h);
        rm_rf(dir);
        free(dir);
    }
    free(s);
}

/* ---- files ------------------------------------------------------------------------------- */

static void test_write_final_atomic_and_creates_dirs(void **state)
{
    struct snapshot *s = snap_new();
    char *dir = make_tmpdir(), prefix[300], path[330], err[256] = "";
    static const char *suffix[] = {"_stats.csv", "_failures.csv", "_exceptions.csv"};
    (void)state;
    fixture_snapshot(s, 2);
    snprintf(prefix, sizeof prefix, "%s/a/b/run", dir);
    assert_int_equal(csv_write_final(prefix, s, false, err, sizeof err), 0);
    fixture_snapshot(s, 1);                    /* rewrite over existing files */
    assert_int_equal(csv_write_final(prefix, s, false, err, sizeof err), 0);
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", prefix, suffix[i]);
        char *on_disk = slurp(path, NULL);
        char *expected = csv_render((enum csv_file)i, s, false, NULL);
        assert_non_null(on_disk);
        assert_string_equal(on_disk, expected);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_true((st.st_mode & 0444) == 0444);   /* 0666 & umask, not mkstemp's 0600 */
        free(on_disk), free(expected);
    }
    snprintf(path, sizeof path, "%s/a/b", dir);
    assert_int_equal(count_tmp_files(path), 0);
    /* one file that cannot be written costs only itself: the others are still written */
    snprintf(prefix, sizeof prefix, "%s/c/run", dir);
    snprintf(path, sizeof path, "%s_stats.csv", prefix);
    assert_int_equal(fileio_make_parent_dirs(path, NULL, 0), 0);
    assert_int_equal(mkdir(path, 0777), 0);                 /* a directory in its place */
    assert_int_equal(csv_write_final(prefix, s, false, err, sizeof err), -1);
    assert_non_null(strstr(err, "run_stats.csv"));
    for (int i = 1; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", prefix, suffix[i]);
        char *on_disk = slurp(path, NULL), *expected = csv_render((enum csv_file)i, s, false,
                                                                   NULL);
        assert_non_null(on_disk);
        assert_string_equal(on_disk, expected);
        free(on_disk), free(expected);
    }
    /* a prefix under a regular file cannot be created: -1 and a message naming the path */
    snprintf(prefix, sizeof prefix, "%s/a/b/run_stats.csv/x", dir);
    assert_int_equal(csv_write_final(prefix, s, false, err, sizeof err), -1);
    assert_non_null(strstr(err, "run_stats.csv"));
    assert_non_null(strstr(err, "Not a directory"));
    rm_rf(dir);
    free(dir), free(s);
}

static void expect_file(const char *path, const char *expected)
{
    char *text = slurp(path, NULL);
    assert_non_null(text);
    assert_string_equal(text, expected);
    free(text);
}

static void test_history_appended_each_tick(void **state)
{
    struct snapshot *s = snap_new();
    char *dir = make_tmpdir(), prefix[300], path[330], exported[330], err[256];
    struct buf_s { char *p; } all = {calloc(1, 65536)};
    (void)state;
    snprintf(prefix, sizeof prefix, "%s/out/run", dir);
    struct csv_history *h = csv_history_open(prefix, true, err, sizeof err);
    struct csv_history *mem = csv_history_open(NULL, true, err, sizeof err);
    assert_non_null(h);
    snprintf(path, sizeof path, "%s_stats_history.csv", prefix);
    snprintf(exported, sizeof exported, "%s/export/x.csv", dir);
    char *text = slurp(path, NULL);            /* the header is on disk at once */
    strcpy(all.p, text);
    free(text);
    assert_non_null(strstr(all.p, "Timestamp,User Count,"));
    for (int tick = 0; tick < 3; tick++) {
        fixture_snapshot(s, tick);
        assert_int_equal(csv_history_tick(h, s, err, sizeof err), 0);
        assert_int_equal(csv_history_tick(mem, s, err, sizeof err), 0);
        char *rows = csv_render_history_rows(s, true, NULL);
        strcat(all.p, rows);
        free(rows);
        expect_file(path, all.p);              /* readable while the writer is open */
        assert_int_equal(csv_history_export(h, exported, err, sizeof err), 0);
        expect_file(exported, all.p);
        assert_int_equal(csv_history_export(mem, exported, err, sizeof err), 0);
        expect_file(exported, all.p);
    }
    csv_history_close(h);
    csv_history_close(mem);
    snprintf(prefix, sizeof prefix, "%s/out/run_stats_history.csv/x", dir);
    assert_null(csv_history_open(prefix, false, err, sizeof err));
    assert_non_null(strstr(err, "Not a directory"));
    free(all.p), free(s);
    rm_rf(dir);
    free(dir);
}

/* A tick that cannot be written (file size limit) keeps its rows; the next tick writes them. */
static void test_history_keeps_rows_on_write_failure(void **state)
{
    struct snapshot *s = snap_new();
    char *dir = make_tmpdir(), prefix[300], path[330], err[256] = "";
    struct rlimit old, lim;
    (void)state;
    snprintf(prefix, sizeof prefix, "%s/run", dir);
    struct csv_history *h = csv_history_open(prefix, true, err, sizeof err);
    assert_non_null(h);
    snprintf(path, sizeof path, "%s_stats_history.csv", prefix);
    fixture_snapshot(s, 0);
    assert_int_equal(csv_history_tick(h, s, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = (rlim_t)st.st_size + 100;   /* room for part of the next tick only */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    fixture_snapshot(s, 1);
    char *before = slurp(path, NULL);
    int rc = csv_history_tick(h, s, err, sizeof err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "File too large"));
    char *tick1 = csv_render_history_rows(s, true, NULL);
    char *cut = slurp(path, NULL);             /* the part that fit is taken back: whole rows */
    assert_string_equal(cut, before);
    assert_int_equal(csv_history_unwritten(h), strlen(tick1));
    free(cut), free(before);
    fixture_snapshot(s, 2);
    assert_int_equal(csv_history_tick(h, s, err, sizeof err), 0);
    char *tick2 = csv_render_history_rows(s, true, NULL);
    char *text = slurp(path, NULL);
    assert_non_null(strstr(text, tick1));
    assert_non_null(strstr(text, tick2));
    assert_true(strstr(text, tick1) < strstr(text, tick2));
    assert_int_equal(csv_history_unwritten(h), 0);
    struct table t;
    parse_csv(text, &t);                       /* still a well-formed file */
    free_table(&t);
    csv_history_close(h);
    free(text), free(tick1), free(tick2), free(s);
    rm_rf(dir);
    free(dir);
}

static void test_snapshot_set(void **state)
{
    struct snapshot *s = snap_new();
    char *dir = make_tmpdir(), prefix[300], used[400], path[450], cwd[1024], err[256];
    static const char *suffix[] = {"_stats.csv", "_stats_history.csv", "_failures.csv",
                                   "_exceptions.csv"};
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    fixture_snapshot(s, 2);                    /* now = 1796078809.75: 2026-11-30 22:46:49 UTC */
    struct csv_history *h = csv_history_open(NULL, false, err, sizeof err);
    for (int tick = 0; tick < 3; tick++) {
        fixture_snapshot(s, tick);
        assert_int_equal(csv_history_tick(h, s, err, sizeof err), 0);
    }
    snprintf(prefix, sizeof prefix, "%s/snaps/run", dir);
    assert_int_equal(csv_write_snapshot_set(prefix, s, h, true, used, sizeof used, err,
                                            sizeof err), 0);
    snprintf(path, sizeof path, "%s/snaps/run_20261130-224649", dir);
    assert_string_equal(used, path);
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s%s", used, suffix[i]);
        char *text = slurp(path, NULL);
        assert_non_null(text);
        assert_crlf(text);
        if (i == 2)
            assert_non_null(strstr(text, "First Seen,Last Seen\r\n"));
        free(text);
    }
    snprintf(path, sizeof path, "%s/h.csv", dir);
    assert_int_equal(csv_history_export(h, path, err, sizeof err), 0);
    char *whole = slurp(path, NULL);
    snprintf(path, sizeof path, "%s_stats_history.csv", used);
    expect_file(path, whole);
    free(whole);
    /* no prefix and no history: "hornet_..." in the working directory, Aggregated row only */
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    int rc = csv_write_snapshot_set(NULL, s, NULL, false, used, sizeof used, err, sizeof err);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, 0);
    assert_string_equal(used, "hornet_20261130-224649");
    snprintf(path, sizeof path, "%s/hornet_20261130-224649_stats_history.csv", dir);
    char *text = slurp(path, NULL), *row = csv_render_history_rows(s, false, NULL);
    assert_non_null(text);
    assert_string_equal(strstr(text, "\r\n") + 2, row);
    assert_int_equal(count_tmp_files(dir), 0);
    free(text), free(row), free(s);
    csv_history_close(h);
    rm_rf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_float_matches_python_repr),
        cmocka_unit_test(test_format_float_round_trips),
        cmocka_unit_test(test_csv_ms_rounds_half_up),
        cmocka_unit_test(test_quote_minimal),
        cmocka_unit_test(test_quote_reproduces_locust_traceback),
        cmocka_unit_test(test_headers_byte_identical),
        cmocka_unit_test(test_idle_stats_byte_identical),
        cmocka_unit_test(test_run1_stats_shape),
        cmocka_unit_test(test_run1_full_history_shape),
        cmocka_unit_test(test_dist_history_shape),
        cmocka_unit_test(test_run1_failures_byte_identical),
        cmocka_unit_test(test_run1_exceptions_shape),
        cmocka_unit_test(test_rows_sorted_and_quoted),
        cmocka_unit_test(test_entry_without_latency),
        cmocka_unit_test(test_history_percentile_modes),
        cmocka_unit_test(test_failures_filter_order_and_seen),
        cmocka_unit_test(test_golden_files),
        cmocka_unit_test(test_write_final_atomic_and_creates_dirs),
        cmocka_unit_test(test_history_appended_each_tick),
        cmocka_unit_test(test_history_keeps_rows_on_write_failure),
        cmocka_unit_test(test_snapshot_set),
        cmocka_unit_test(test_final_files_warn_of_unrecorded_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
