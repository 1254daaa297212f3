/* Tests of engine/promtext: selections over real /metrics bodies captured from
 * prometheus-node-exporter and prometheus-redis-exporter (tests/fixtures/prom/, captured by
 * capture.sh there; the expected values below can be read in those files), every feature of the
 * text format, the selector syntax and its errors, and hostile input: bodies cut at every byte,
 * a 1 MB label value, 100,000 generated series, invalid UTF-8 and random bytes. Run from the
 * repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "health_fixture.h"
#include "promtext.h"
#include "promtext_internal.h"

#define FIXTURES "tests/fixtures/prom/"

static struct promtext_selector *compile_ok(const char *text)
{
    char err[256] = "";
    struct promtext_selector *s = promtext_compile(text, err, sizeof err);

    if (!s)
        fail_msg("promtext_compile(%s): %s", text, err);
    return s;
}

/* Evaluate one selector over body; returns its value, stats into *st when given. */
static struct promtext_value eval1(const char *selector, const char *body, size_t len,
                                   struct promtext_stats *st)
{
    struct promtext_selector *s = compile_ok(selector);
    const struct promtext_selector *sels[1] = {s};
    struct promtext_value v;

    promtext_eval(sels, 1, body, len, &v, st);
    promtext_free(s);
    return v;
}

static void assert_sel(const char *selector, const char *body, size_t len, double sum,
                       uint32_t matched)
{
    struct promtext_value v = eval1(selector, body, len, NULL);

    if (v.matched != matched || fabs(v.sum - sum) > 1e-9 * fmax(1, fabs(sum)))
        fail_msg("%s: got sum %.17g over %u, want %.17g over %u", selector, v.sum, v.matched,
                 sum, matched);
}

static void test_node_exporter(void **state)
{
    size_t len;
    char *body = health_fixture_read(FIXTURES "node_exporter.prom", &len);
    struct promtext_stats st;
    struct promtext_value v;

    (void)state;
    v = eval1("node_load1", body, len, &st);
    assert_int_equal(st.lines, 1073);
    assert_int_equal(st.samples, 507);
    assert_int_equal(st.skipped, 0);
    assert_int_equal(st.truncated, 0);
    assert_true(v.sum == 1.06 && v.matched == 1 && v.type == PROMTEXT_GAUGE);
    assert_sel("node_cpu_seconds_total", body, len, 1102, 16);
    assert_sel("node_cpu_seconds_total{mode=\"idle\"}", body, len, 900.21, 2);
    assert_sel("node_cpu_seconds_total{mode!=\"idle\"}", body, len, 1102 - 900.21, 14);
    assert_sel("node_cpu_seconds_total{mode=~\"user|system\"}", body, len, 155.2, 4);
    assert_sel("node_cpu_seconds_total{mode!~\"user|system|idle\"}", body, len,
               1102 - 155.2 - 900.21, 10);
    assert_sel("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}", body, len, 474.09, 1);
    assert_sel("node_memory_MemTotal_bytes", body, len, 2.5276182528e+10, 1);
    assert_sel("node_filesystem_size_bytes{mountpoint=\"/\"}", body, len, 2.70553174016e+11, 1);
    assert_sel("node_network_receive_bytes_total{device=~\"eth.*\"}", body, len,
               1.59370494e+08, 1);
    assert_sel("{__name__=~\"node_load(1|5|15)\"}", body, len, 1.06 + 0.53 + 0.27, 3);
    assert_sel("node_cpu_seconds_total{mode=\"no-such-mode\"}", body, len, 0, 0);
    assert_sel("no_such_metric", body, len, 0, 0);
    v = eval1("node_cpu_seconds_total", body, len, NULL);
    assert_int_equal(v.type, PROMTEXT_COUNTER);
    v = eval1("node_netstat_Icmp6_InMsgs", body, len, NULL);
    assert_int_equal(v.type, PROMTEXT_UNTYPED);
    assert_int_equal(v.matched, 1);
    v = eval1("go_gc_duration_seconds_count", body, len, NULL);
    assert_int_equal(v.type, PROMTEXT_SUMMARY);
    free(body);
}

static void test_redis_exporter(void **state)
{
    size_t len;
    char *body = health_fixture_read(FIXTURES "redis_exporter.prom", &len);
    struct promtext_stats st;

    (void)state;
    assert_sel("redis_connected_clients", body, len, 1, 1);
    assert_sel("redis_commands_processed_total", body, len, 117, 1);
    assert_sel("redis_memory_used_bytes", body, len, 1171864, 1);
    assert_sel("redis_db_keys", body, len, 105, 16);
    assert_sel("redis_db_keys{db=\"db0\"}", body, len, 100, 1);
    assert_sel("redis_db_keys{db=~\"db[01]\"}", body, len, 105, 2);
    assert_sel("redis_db_keys{db!~\"db[01]\"}", body, len, 0, 14);
    assert_sel("redis_up", body, len, 1, 1);
    eval1("redis_up", body, len, &st);
    assert_int_equal(st.skipped, 0);
    assert_int_equal(st.samples, 281);
    free(body);
}

/* The format's corner cases, after the exposition format documentation's own example. */
static const char features[] =
    "# HELP http_requests_total The total number of HTTP requests.\n"
    "# TYPE http_requests_total counter\n"
    "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
    "http_requests_total{method=\"post\",code=\"400\"}    3   1395066363000\n"
    "\n"
    "# Escaping in label values:\n"
    "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n"
    "\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
    "# Minimalistic line:\n"
    "metric_without_timestamp_and_labels 12.47\n"
    "# A weird metric from before the epoch:\n"
    "something_weird{problem=\"division by zero\"} +Inf -3982045\n"
    "# A histogram, which has a pretty complex representation in the text format:\n"
    "# HELP http_request_duration_seconds A histogram of the request duration.\n"
    "# TYPE http_request_duration_seconds histogram\n"
    "http_request_duration_seconds_bucket{le=\"0.05\"} 24054\n"
    "http_request_duration_seconds_bucket{le=\"0.1\"} 33444\n"
    "http_request_duration_seconds_bucket{le=\"0.2\"} 100392\n"
    "http_request_duration_seconds_bucket{le=\"0.5\"} 129389\n"
    "http_request_duration_seconds_bucket{le=\"1\"} 133988\n"
    "http_request_duration_seconds_bucket{le=\"+Inf\"} 144320\n"
    "http_request_duration_seconds_sum 53423\n"
    "http_request_duration_seconds_count 144320\n"
    "# Finally a summary, which has a complex representation, too:\n"
    "# HELP rpc_duration_seconds A summary of the RPC duration in seconds.\n"
    "# TYPE rpc_duration_seconds summary\n"
    "rpc_duration_seconds{quantile=\"0.01\"} 3102\n"
    "rpc_duration_seconds{quantile=\"0.05\"} 3272\n"
    "rpc_duration_seconds{quantile=\"0.5\"} 4773\n"
    "rpc_duration_seconds{quantile=\"0.9\"} 9001\n"
    "rpc_duration_seconds{quantile=\"0.99\"} 76656\n"
    "rpc_duration_seconds_sum 1.7560473e+07\n"
    "rpc_duration_seconds_count 2693\n"
    "# Windows line ends, tabs, a trailing comma, an empty label set, odd values:\n"
    "crlf_metric{a=\"1\"} 2\r\n"
    "\ttabbed_metric\t{ a = \"x\" , b=\"y\", }\t5e-3\t\n"
    "empty_labels{} 7\n"
    "neg_inf -Inf\n"
    "not_a_number NaN\n"
    "big 1.7976931348623157e308\n"
    "tiny 4.9e-324\n"
    "hexfloat 0x1p-2\n"
    "colon:metric:name 11\n"
    "other_escape{v=\"a\\tb\"} 1\n"
    "utf8_value{city=\"Z\xc3\xbcrich \xe2\x82\xac \xf0\x9f\x90\x9d\"} 4\n";

static void test_format_features(void **state)
{
    size_t len = sizeof features - 1;
    struct promtext_stats st;
    struct promtext_value v;

    (void)state;
    v = eval1("http_requests_total", features, len, &st);
    assert_int_equal(st.skipped, 0);
    assert_int_equal(st.samples, 31);
    assert_true(v.sum == 1030 && v.matched == 2 && v.type == PROMTEXT_COUNTER);
    assert_sel("http_requests_total{code=\"400\"}", features, len, 3, 1);
    assert_sel("msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\"}", features, len,
               1.458255915e9, 1);
    assert_sel("msdos_file_access_time_seconds{error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"}",
               features, len, 1.458255915e9, 1);
    assert_sel("msdos_file_access_time_seconds{error=~\"Cannot find file:\\n\\\"[A-Z.]+\\\"\"}",
               features, len, 1.458255915e9, 1);
    assert_sel("msdos_file_access_time_seconds{path=`C:\\DIR\\FILE.TXT`}", features, len,
               1.458255915e9, 1);
    assert_sel("metric_without_timestamp_and_labels", features, len, 12.47, 1);
    v = eval1("something_weird", features, len, NULL);
    assert_true(isinf(v.sum) && v.sum > 0);
    assert_sel("http_request_duration_seconds_bucket{le=\"0.1\"}", features, len, 33444, 1);
    assert_sel("http_request_duration_seconds_bucket{le=\"+Inf\"}", features, len, 144320, 1);
    v = eval1("http_request_duration_seconds_bucket", features, len, NULL);
    assert_true(v.matched == 6 && v.type == PROMTEXT_HISTOGRAM);
    v = eval1("http_request_duration_seconds_count", features, len, NULL);
    assert_true(v.sum == 144320 && v.type == PROMTEXT_HISTOGRAM);
    v = eval1("rpc_duration_seconds_sum", features, len, NULL);
    assert_true(v.sum == 1.7560473e+07 && v.type == PROMTEXT_SUMMARY);
    assert_sel("rpc_duration_seconds{quantile=\"0.99\"}", features, len, 76656, 1);
    assert_sel("crlf_metric{a=\"1\"}", features, len, 2, 1);
    assert_sel("tabbed_metric{a=\"x\",b=\"y\"}", features, len, 0.005, 1);
    assert_sel("empty_labels", features, len, 7, 1);
    v = eval1("neg_inf", features, len, NULL);
    assert_true(isinf(v.sum) && v.sum < 0);
    v = eval1("not_a_number", features, len, NULL);
    assert_true(isnan(v.sum) && v.matched == 1);
    assert_sel("big", features, len, 1.7976931348623157e308, 1);
    assert_sel("tiny", features, len, 4.9e-324, 1);
    assert_sel("hexfloat", features, len, 0.25, 1);
    assert_sel("colon:metric:name", features, len, 11, 1);
    assert_sel("other_escape{v=\"a\\\\tb\"}", features, len, 1, 1);     /* \t stays \t */
    assert_sel("utf8_value{city=\"Z\xc3\xbcrich \\u20ac \\U0001F41D\"}", features, len, 4, 1);
    assert_sel("utf8_value{city=~\"Z.+rich .+ .+\"}", features, len, 4, 1);
}

/* Exact decimal conversion of the fast path against strtod (-0 sums to 0, as it should). */
static void test_number_values(void **state)
{
    static const char *const values[] = {
        "0", "-0", "1", "12.5", "0.1", "0.3", "1e-7", "123456789012345678", "9007199254740993",
        "1.171864e+06", "2.70553174016e+11", "3.0e22", "3.0e23", "1e-22", "1e-23",
        "12345678901234567890123", "0.000000000000000000000000001", "-42.42e-3", "+7", ".5",
        "5.", "1E3", "inf", "+Inf", "Infinity", "nan",
    };
    char body[128];

    (void)state;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        double want = strtod(values[i], NULL);
        struct promtext_value v;
        int n = snprintf(body, sizeof body, "m %s\n", values[i]);
        v = eval1("m", body, (size_t)n, NULL);
        assert_int_equal(v.matched, 1);
        if (isnan(want))
            assert_true(isnan(v.sum));
        else if (v.sum != want)
            fail_msg("%s: got %.17g, want %.17g", values[i], v.sum, want);
    }
}

/* Lines that are not exposition text are skipped and counted; the rest still count. */
static void test_malformed_lines(void **state)
{
    static const char body[] =
        "good 1\n"
        "bad{ 2\n"                        /* unterminated label set */
        "bad{a=\"x} 3\n"                  /* unterminated value */
        "bad{a=x} 4\n"                    /* unquoted value */
        "bad{1a=\"x\"} 5\n"               /* label name starting with a digit */
        "bad 1.2.3\n"                     /* not a number */
        "bad\n"                           /* no value */
        "bad 1 2 3\n"                     /* extra token */
        "bad 1 12.5\n"                    /* fractional timestamp */
        "1bad 6\n"                        /* metric name starting with a digit */
        "bad-name 7\n"
        "bad{a=\"\xff\"} 8\n"             /* invalid UTF-8 */
        "bad{a=\"\xc0\xaf\"} 8\n"         /* overlong */
        "bad{a=\"\xed\xa0\x80\"} 8\n"     /* surrogate */
        "bad{a=\"x\"\"} 9\n"
        "bad{a=\"x\",,b=\"y\"} 9\n"
        "bad 1\0 2\n"                     /* NUL inside */
        "# TYPE bad_type histogrom\n"
        "# TYPE\n"
        "good{a=\"\\\\\"} 2\n"
        "\r\n"
        "   \t  \n"
        "good 4";                         /* no final line feed */
    struct promtext_stats st;
    struct promtext_value v = eval1("good", body, sizeof body - 1, &st);

    (void)state;
    assert_true(v.sum == 3 && v.matched == 2);
    assert_int_equal(st.samples, 2);
    assert_int_equal(st.skipped, 19);
    assert_int_equal(st.first_skipped, 2);
    assert_int_equal(st.lines, 21);
    assert_int_equal(st.truncated, 1);
    v = eval1("bad", body, sizeof body - 1, &st);
    assert_int_equal(v.matched, 0);
}

/* Cut a valid body at every byte: the result is always the lines complete before the cut. */
static void test_truncated_everywhere(void **state)
{
    size_t len = sizeof features - 1;

    (void)state;
    for (size_t cut = 0; cut <= len; cut++) {
        char *copy = malloc(cut ? cut : 1);
        size_t whole = cut;
        int content = 0;
        struct promtext_value a, b;
        struct promtext_stats sa, sb;
        memcpy(copy, features, cut);            /* exactly cut bytes: ASan sees overreads */
        while (whole > 0 && copy[whole - 1] != '\n')
            content |= copy[--whole] != ' ' && copy[whole] != '\t';
        a = eval1("{__name__=~\".+\"}", copy, cut, &sa);
        b = eval1("{__name__=~\".+\"}", copy, whole, &sb);
        assert_int_equal(a.matched, b.matched);
        assert_true(memcmp(&a.sum, &b.sum, sizeof a.sum) == 0 || (isnan(a.sum) && isnan(b.sum)));
        assert_int_equal(sa.samples, sb.samples);
        assert_int_equal(sa.truncated, content);
        assert_int_equal(sa.skipped, sb.skipped + (uint32_t)content);
        free(copy);
    }
}

static void test_huge_label_value(void **state)
{
    size_t big = 1024 * 1024, len, start;
    char *body = malloc(big + 256);
    struct promtext_stats st;

    (void)state;
    assert_non_null(body);
    len = start = (size_t)sprintf(body, "before 1\nhuge{v=\"");
    memset(body + len, 'a', big);
    len += big;
    len += (size_t)sprintf(body + len, "\",w=\"k\"} 5\nafter 2\n");
    assert_sel("huge", body, len, 5, 1);
    assert_sel("huge{v=~\"a+\"}", body, len, 5, 1);
    assert_sel("huge{v!~\"a*b\"}", body, len, 5, 1);
    assert_sel("huge{v=\"aaa\"}", body, len, 0, 0);
    assert_sel("huge{w=\"k\"}", body, len, 5, 1);
    eval1("after", body, len, &st);
    assert_int_equal(st.samples, 3);
    assert_int_equal(st.skipped, 0);
    /* A long value with escapes goes through the unescaping copy for a regex. */
    body[start + 10] = '\\';
    body[start + 11] = '"';
    assert_sel("huge{v=~\"a+\\\"a+\"}", body, len, 5, 1);
    /* The same value, never closed: the line is skipped, the next one still counts. */
    len = (size_t)sprintf(body, "huge{v=\"");
    memset(body + len, 'a', big);
    len += big;
    len += (size_t)sprintf(body + len, "} 5\nafter 2\n");
    assert_sel("after", body, len, 2, 1);
    eval1("after", body, len, &st);
    assert_int_equal(st.samples, 1);
    assert_int_equal(st.skipped, 1);
    assert_int_equal(st.truncated, 0);
    free(body);
}

static void test_many_series(void **state)
{
    enum { SERIES = 100000 };
    size_t cap = (size_t)SERIES * 80, len = 0;
    char *body = malloc(cap);
    struct promtext_selector *a = compile_ok("req_total{route=~\"r1.*\"}");
    struct promtext_selector *b = compile_ok("req_total{status=\"500\"}");
    struct promtext_selector *c = compile_ok("req_total");
    const struct promtext_selector *sels[3] = {a, b, c};
    struct promtext_value v[3];
    struct promtext_stats st;
    double want_a = 0, want_b = 0, want_c = 0;
    uint32_t n_a = 0, n_b = 0;

    (void)state;
    assert_non_null(body);
    len += (size_t)sprintf(body, "# TYPE req_total counter\n");
    for (int i = 0; i < SERIES; i++) {
        char route[16];
        int status = i % 7 == 0 ? 500 : 200;
        snprintf(route, sizeof route, "r%d", i);
        len += (size_t)sprintf(body + len, "req_total{route=\"%s\",status=\"%d\"} %d\n", route,
                               status, i);
        want_c += i;
        if (route[1] == '1')
            want_a += i, n_a++;
        if (status == 500)
            want_b += i, n_b++;
    }
    promtext_eval(sels, 3, body, len, v, &st);
    assert_int_equal(st.samples, SERIES);
    assert_true(v[0].sum == want_a && v[0].matched == n_a);
    assert_true(v[1].sum == want_b && v[1].matched == n_b);
    assert_true(v[2].sum == want_c && v[2].matched == SERIES && v[2].type == PROMTEXT_COUNTER);
    promtext_free(a);
    promtext_free(b);
    promtext_free(c);
    free(body);
}

/* Random bytes, and random mutations of a real body: no crash, every line accounted for. */
static void test_garbage(void **state)
{
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    size_t len;
    char *real = health_fixture_read(FIXTURES "redis_exporter.prom", &len);
    char *buf = malloc(len);

    (void)state;
    assert_non_null(buf);
    for (int round = 0; round < 200; round++) {
        struct promtext_stats st;
        size_t n = round < 100 ? 1 + (size_t)(x % 4096) : len;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (round < 100)
                buf[i] = (char)(x >> 24);
            else
                buf[i] = (x & 0xff) < 3 ? (char)(x >> 32) : real[i];
        }
        eval1("{__name__=~\"redis_.*\"}", buf, n, &st);
        assert_true(st.samples + st.skipped <= st.lines);
    }
    free(buf);
    free(real);
}

static void test_missing_labels(void **state)
{
    static const char body[] =
        "pg_stat_activity_count{datname=\"eucora\",state=\"active\"} 3\n"
        "pg_stat_activity_count{datname=\"eucora\",state=\"idle\"} 17\n"
        "pg_stat_activity_count{datname=\"eucora\"} 2\n"
        "pg_stat_activity_count{datname=\"postgres\",state=\"active\"} 1\n";
    size_t len = sizeof body - 1;

    (void)state;
    assert_sel("pg_stat_activity_count{datname=\"eucora\",state!=\"idle\"}", body, len, 5, 2);
    assert_sel("pg_stat_activity_count{state=\"\"}", body, len, 2, 1);
    assert_sel("pg_stat_activity_count{state=~\"\"}", body, len, 2, 1);
    assert_sel("pg_stat_activity_count{state!=\"\"}", body, len, 21, 3);
    assert_sel("pg_stat_activity_count{nothere=\"\"}", body, len, 23, 4);
    assert_sel("pg_stat_activity_count{state=~\"act.*|\"}", body, len, 6, 3);
    assert_sel("pg_stat_activity_count{state=~\"act\"}", body, len, 0, 0);   /* anchored */
    assert_sel("{__name__=\"pg_stat_activity_count\", datname='postgres'}", body, len, 1, 1);
    assert_sel("  pg_stat_activity_count  {  datname = \"eucora\" , }  ", body, len, 22, 3);
}

static void assert_compile_error(const char *text, const char *want)
{
    char err[256] = "";
    struct promtext_selector *s = promtext_compile(text, err, sizeof err);

    if (s)
        fail_msg("%s: compiled, want error '%s'", text, want);
    if (!strstr(err, want))
        fail_msg("%s: error '%s', want '%s'", text, err, want);
}

static void assert_compiles(const char *text)
{
    char err[256] = "";
    struct promtext_selector *s = promtext_compile(text, err, sizeof err);

    if (!s)
        fail_msg("%s: %s", text, err);
    promtext_free(s);
}

/* Regular expressions whose compiled form would be huge are refused before regcomp builds it:
 * a quantifier repeated ("a++++", found by the fuzzer: 65 of them took glibc past 2 GB) and
 * counted repetitions that multiply past 10,000; sensible ones still compile. */
static void test_regex_bounds(void **state)
{
    char stacked[128] = "m{a=~\"a";

    (void)state;
    for (int i = 0; i < 65; i++)
        strcat(stacked, "+");
    strcat(stacked, "\"}");
    assert_compile_error(stacked, "label a: invalid regular expression: a repetition of a "
                         "repetition");
    assert_compile_error("m{a=~\"a*?\"}", "a repetition of a repetition");
    assert_compile_error("m{a=~\"a{2}{3}\"}", "a repetition of a repetition");
    assert_compile_error("m{a=~\"(a{100}){101}\"}", "label a: regular expression too large "
                         "once its repetitions are expanded");
    assert_compile_error("m{a=~\"((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)\"}",
                         "too large once its repetitions are expanded");
    assert_compile_error("m{a=~\"x{20000}\"}", "too large");
    assert_compile_error("m{a=~\"x{1,20000}\"}", "too large");
    assert_compile_error("m{a=~\"x{9000,}y{9000}\"}", "too large");
    assert_compiles("m{a=~\"(a{100}){99}\"}");
    assert_compiles("m{a=~\"[+*]+(x|y)*[[:alpha:]]{3}\\\\+\"}");
    assert_compiles("m{a=~\"[]+*]+a\"}");
    assert_compiles("m{le=~\"0\\\\.(1|25|5)|\\\\+Inf\"}");
    assert_compiles("m{a=~\"(a+)+b*c?\"}");
}

static void test_selector_errors(void **state)
{
    char long_text[PROMTEXT_SELECTOR_MAX + 2];

    (void)state;
    assert_compile_error("", "column 1: expected a metric name or '{'");
    assert_compile_error("{}", "needs a metric name or a matcher");
    assert_compile_error("{a=\"\"}", "needs a metric name or a matcher");
    assert_compile_error("{a=~\".*\"}", "needs a metric name or a matcher");
    assert_compile_error("{a!=\"x\"}", "needs a metric name or a matcher");
    assert_compile_error("m{a}", "column 4: expected one of =, !=, =~, !~");
    assert_compile_error("m{a=x}", "column 5: expected a quoted label value");
    assert_compile_error("m{a=\"x}", "unterminated label value");
    assert_compile_error("m{a=\"x\" b=\"y\"}", "column 9: expected ',' or '}'");
    assert_compile_error("m{1a=\"x\"}", "column 3: expected a label name");
    assert_compile_error("m{a=\"\\q\"}", "invalid escape");
    assert_compile_error("m{a=~\"(\"}", "label a: invalid regular expression");
    assert_compile_error("m{__name__=\"m\"}", "metric name is given twice");
    assert_compile_error("m x", "column 3: unexpected text after the selector");
    assert_compile_error("m{a=\"1\",a=\"2\",a=\"3\",a=\"4\",a=\"5\",a=\"6\",a=\"7\",a=\"8\","
                         "a=\"9\",a=\"10\",a=\"11\",a=\"12\",a=\"13\",a=\"14\",a=\"15\","
                         "a=\"16\",a=\"17\"}", "too many label matchers");
    memset(long_text, 'm', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    assert_compile_error(long_text, "longer than");
    {
        struct promtext_selector *s = compile_ok("{a=\"x\"}");
        assert_string_equal(promtext_text(s), "{a=\"x\"}");
        promtext_free(s);
    }
    promtext_free(NULL);
}

static void test_rate(void **state)
{
    (void)state;
    assert_true(promtext_rate(100, 10, 160, 12) == 30);
    assert_true(promtext_rate(100, 10, 100, 12) == 0);
    assert_true(promtext_rate(100, 10, 40, 12) == 20);         /* reset: counted from zero */
    assert_true(promtext_rate(5, 0, 5.5, 0.5) == 1);
    assert_true(isnan(promtext_rate(1, 10, 2, 10)));
    assert_true(isnan(promtext_rate(1, 10, 2, 9)));
    assert_true(isnan(promtext_rate(NAN, 0, 2, 1)));
    assert_true(isnan(promtext_rate(1, 0, NAN, 1)));
    assert_true(isnan(promtext_rate(-1, 0, 2, 1)));
    assert_string_equal(promtext_type_name(PROMTEXT_HISTOGRAM), "histogram");
    assert_string_equal(promtext_type_name((enum promtext_type)99), "untyped");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_node_exporter),
        cmocka_unit_test(test_redis_exporter),
        cmocka_unit_test(test_format_features),
        cmocka_unit_test(test_number_values),
        cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_huge_label_value),
        cmocka_unit_test(test_many_series),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_missing_labels),
        cmocka_unit_test(test_selector_errors),
        cmocka_unit_test(test_regex_bounds),
        cmocka_unit_test(test_rate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
