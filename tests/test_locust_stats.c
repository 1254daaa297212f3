/* Tests of the stats payload (locust_stats.c). Byte compatibility: the requests that
 * tests/fixtures/locust/make_stats_fixture.py fed to Locust 2.12.1's own StatsEntry are
 * replayed here into hornet's counters and histograms, and the frame hornet encodes must equal
 * the bytes Locust's worker serialised. Also: Locust's key rounding against Python's own
 * results, the keys hornet's histogram buckets give against exact per-value keys, the 2.43.4
 * int keys, hornet's "hornet_hdr" buckets decoded back exactly, decoding of Locust's payloads,
 * and the message sizes for 10 and 100 endpoints. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "hist.h"
#include "locust_fixture.h"
#include "locust_mp.h"
#include "locust_msg.h"
#include "locust_msg_internal.h"
#include "locust_stats.h"
#include "locust_stats_internal.h"

#define NODE "hornet-fixture_0123456789abcdef0123456789abcdef"
#define MAX_EP 64
#define MAX_SEC 64
#define MAX_ERR 64

/* What hornet's recorder would hold for one report: per-endpoint counters and histograms,
 * failure groups; strings point into the JSON tree of the fixture. */
struct replay {
    cJSON *spec;
    struct locust_stats_endpoint ep[MAX_EP];
    struct locust_per_sec reqs[MAX_EP][MAX_SEC], fails[MAX_EP][MAX_SEC];
    struct hist *hist[MAX_EP];
    size_t n_ep;
    struct locust_stats_error err[MAX_ERR];
    size_t n_err;
    struct locust_class_count classes[8];
    struct locust_stats_report report;
};

static void add_sec(struct locust_per_sec *v, size_t *n, int64_t sec)
{
    if (*n > 0 && v[*n - 1].sec == sec) {
        v[*n - 1].count++;
        return;
    }
    assert_true(*n < MAX_SEC);
    v[(*n)++] = (struct locust_per_sec){sec, 1};
}

static size_t endpoint_of(struct replay *r, const char *method, const char *name, double t)
{
    for (size_t i = 0; i < r->n_ep; i++)
        if (strcmp(r->ep[i].method, method) == 0 && strcmp(r->ep[i].name, name) == 0)
            return i;
    assert_true(r->n_ep < MAX_EP);
    r->hist[r->n_ep] = calloc(1, sizeof(struct hist));
    assert_non_null(r->hist[r->n_ep]);
    hist_reset(r->hist[r->n_ep]);
    r->ep[r->n_ep] = (struct locust_stats_endpoint){
        .method = method, .name = name, .start_time = t, .min_us = UINT64_MAX,
        .reqs_per_sec = r->reqs[r->n_ep], .fails_per_sec = r->fails[r->n_ep],
        .hist = r->hist[r->n_ep]};
    return r->n_ep++;
}

static void add_error(struct replay *r, const char *method, const char *name, const char *text)
{
    for (size_t i = 0; i < r->n_err; i++)
        if (!strcmp(r->err[i].method, method) && !strcmp(r->err[i].name, name) &&
            !strcmp(r->err[i].error, text)) {
            r->err[i].occurrences++;
            return;
        }
    assert_true(r->n_err < MAX_ERR);
    r->err[r->n_err++] = (struct locust_stats_error){NULL, method, name, text, 1};
}

static void replay_request(struct replay *r, const cJSON *q)
{
    const char *method = cJSON_GetObjectItem(q, "method")->valuestring;
    const char *name = cJSON_GetObjectItem(q, "name")->valuestring;
    double t = cJSON_GetObjectItem(q, "t")->valuedouble;
    const cJSON *lat = cJSON_GetObjectItem(q, "latency_us");
    const cJSON *error = cJSON_GetObjectItem(q, "error");
    size_t i = endpoint_of(r, method, name, t);
    struct locust_stats_endpoint *e = &r->ep[i];

    e->requests++;
    e->last_request_time = t;
    e->content_length += (uint64_t)cJSON_GetObjectItem(q, "length")->valuedouble;
    add_sec(r->reqs[i], &e->n_reqs_per_sec, (int64_t)floor(t));
    if (cJSON_IsNull(lat)) {
        e->none_requests++;
    } else {
        uint64_t us = (uint64_t)lat->valuedouble;

        e->total_us += us;
        e->min_us = us < e->min_us ? us : e->min_us;
        e->max_us = us > e->max_us ? us : e->max_us;
        hist_record(r->hist[i], us);
    }
    if (!cJSON_IsNull(error)) {
        e->failures++;
        add_sec(r->fails[i], &e->n_fails_per_sec, (int64_t)floor(t));
        add_error(r, method, name, error->valuestring);
    }
}

static void replay_load(struct replay *r, const char *name)
{
    char file[128];
    size_t len;
    char *text;
    const cJSON *q, *c;
    size_t n = 0;

    memset(r, 0, sizeof *r);
    snprintf(file, sizeof file, "stats_%s.json", name);
    text = locust_fixture_read(file, &len);
    r->spec = cJSON_Parse(text);
    free(text);
    assert_non_null(r->spec);
    cJSON_ArrayForEach(q, cJSON_GetObjectItem(r->spec, "requests"))
        replay_request(r, q);
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(r->spec, "user_classes_count")) {
        r->classes[n].name = cJSON_GetArrayItem(c, 0)->valuestring;
        r->classes[n].count = (int64_t)cJSON_GetArrayItem(c, 1)->valuedouble;
        r->report.user_count += r->classes[n++].count;
    }
    r->report = (struct locust_stats_report){
        .endpoints = r->ep, .n_endpoints = r->n_ep,
        .total_start_time = cJSON_GetObjectItem(r->spec, "total_start_time")->valuedouble,
        .total_method_nil = cJSON_IsTrue(cJSON_GetObjectItem(r->spec, "total_method_nil")),
        .errors = r->err, .n_errors = r->n_err, .classes = r->classes, .n_classes = n,
        .user_count = r->report.user_count, .keys = LOCUST_KEYS_FLOAT};
}

static void replay_free(struct replay *r)
{
    for (size_t i = 0; i < r->n_ep; i++)
        free(r->hist[i]);
    cJSON_Delete(r->spec);
}

static void encode(const struct locust_stats_report *rep, void **frame, size_t *len)
{
    char err[128] = "";

    if (locust_stats_encode(rep, NODE, frame, len, err, sizeof err) != 0)
        fail_msg("encode: %s", err);
}

static void assert_same_as_locust(const char *name)
{
    struct replay r;
    void *frame;
    size_t len, want_len;
    char file[128], *want;

    replay_load(&r, name);
    encode(&r.report, &frame, &len);
    snprintf(file, sizeof file, "stats_%s.bin", name);
    want = locust_fixture_read(file, &want_len);
    locust_fixture_assert_same(frame, len, want, want_len);
    free(want);
    free(frame);
    replay_free(&r);
}

static void test_first_report_bytes(void **state)
{
    (void)state;
    assert_same_as_locust("first");
}

static void test_two_endpoints_bytes(void **state)
{
    (void)state;
    assert_same_as_locust("two_endpoints");
}

static void test_many_endpoints_bytes(void **state)
{
    (void)state;
    assert_same_as_locust("many_endpoints");
}

static void test_error_keys_bytes(void **state)
{
    (void)state;
    assert_same_as_locust("error_texts");
}

/* Locust's rounding of single latencies, as Python printed the keys. */
static void test_bucket_rule(void **state)
{
    size_t len;
    char *text = locust_fixture_read("bucket_keys.txt", &len), *line, *save = NULL;
    size_t n = 0;

    (void)state;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long us;
        char key[32];
        bool is_float;

        assert_int_equal(sscanf(line, "%llu %31s", &us, key), 2);
        assert_int_equal(locust_stats_bucket(us, &is_float), (int64_t)strtod(key, NULL));
        if (is_float != (strchr(key, '.') != NULL))
            fail_msg("%s: float-ness", line);
        n++;
    }
    assert_true(n > 50);
    free(text);
}

static uint64_t rng = 7;

static double unit_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static uint64_t lognormal_us(double median_us, double sigma)
{
    double z = sqrt(-2 * log(unit_rand())) * cos(6.283185307179586 * unit_rand());

    return (uint64_t)(median_us * exp(sigma * z));
}

/* The keys taken from histogram buckets against the keys of the exact values: the same but
 * for values whose bucket straddles a rounding boundary, which land on the next key. */
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

static void test_hist_keys_match_exact_keys(void **state)
{
    enum { N = 200000 };
    struct hist *h = calloc(1, sizeof *h);
    struct locust_stats_endpoint ep = {.method = "GET", .name = "/", .requests = N,
                                       .min_us = 1, .max_us = 1};
    struct locust_stats_report rep = {.endpoints = &ep, .n_endpoints = 1};
    struct locust_msg m;
    const struct locust_rt *rt;
    void *frame;
    size_t len, n_rt, i = 0, total = 0, moved = 0;
    char err[128];
    int64_t *exact = malloc(N * sizeof *exact);

    (void)state;
    assert_true(h && exact);
    hist_reset(h);
    for (size_t k = 0; k < N; k++) {
        uint64_t us = lognormal_us(80000, 2.0);    /* 1 ms .. minutes: all four ranges */

        hist_record(h, us);
        exact[k] = locust_stats_bucket(us, NULL);
    }
    qsort(exact, N, sizeof *exact, cmp_i64);
    ep.hist = h;
    encode(&rep, &frame, &len);
    assert_int_equal(locust_msg_decode(frame, len, &m, err, sizeof err), 0);
    rt = m.stats->entries[0].rt;
    n_rt = m.stats->entries[0].n_rt;
    for (size_t k = 0; k < n_rt; k++) {
        uint64_t want = 0;

        assert_true(k == 0 || rt[k].ms > rt[k - 1].ms);         /* ascending, distinct */
        for (; i < N && exact[i] < (int64_t)rt[k].ms; i++)
            moved++;                                            /* a key the payload lacks */
        for (; i < N && exact[i] == (int64_t)rt[k].ms; i++)
            want++;
        moved += want > rt[k].count ? want - rt[k].count : rt[k].count - want;
        total += rt[k].count;
    }
    moved += N - i;
    assert_int_equal(total, N);
    print_message("%zu of %d values on another key than their own\n", moved / 2, N);
    assert_true(moved / 2 < N / 200);                           /* under 0.5% */
    locust_msg_release(&m);
    free(exact);
    free(frame);
    free(h);
}

/* The wire type of stats[i].response_times keys: ints only, or floats from 100 ms on. */
static void assert_key_types(const void *frame, size_t len, bool float_from_100)
{
    msgpack_unpacked up;
    char err[128];
    const msgpack_object_map *data;

    msgpack_unpacked_init(&up);
    assert_int_equal(locust_mp_unpack(frame, len, &up, err, sizeof err), 0);
    data = &up.data.via.array.ptr[1].via.map;
    for (uint32_t i = 0; i < locust_mp_get(data, "stats")->via.array.size; i++) {
        const msgpack_object *e = &locust_mp_get(data, "stats")->via.array.ptr[i];
        const msgpack_object_map *rt = &locust_mp_get(&e->via.map, "response_times")->via.map;

        for (uint32_t k = 0; k < rt->size; k++) {
            const msgpack_object *key = &rt->ptr[k].key;
            bool is_float = key->type == MSGPACK_OBJECT_FLOAT64;
            double ms = is_float ? key->via.f64 : (double)key->via.u64;

            assert_true(is_float || key->type == MSGPACK_OBJECT_POSITIVE_INTEGER);
            if (ms != 100)                  /* 100 is an int from below, a float from above */
                assert_int_equal(is_float, float_from_100 && ms > 100);
        }
    }
    msgpack_unpacked_destroy(&up);
}

static void test_int_keys_of_2_43_4(void **state)
{
    struct replay r;
    void *frame;
    size_t len;

    (void)state;
    replay_load(&r, "two_endpoints");
    encode(&r.report, &frame, &len);
    assert_key_types(frame, len, true);
    free(frame);
    r.report.keys = LOCUST_KEYS_INT;
    encode(&r.report, &frame, &len);
    assert_key_types(frame, len, false);
    free(frame);
    replay_free(&r);
}

/* One interval per endpoint of r, all in second `sec`: its histogram's buckets as pairs, the
 * endpoint's counts, an expected 404 on the first endpoint. */
static struct interval *replay_second(const struct replay *r, int64_t sec)
{
    uint32_t n_pairs = 0;
    struct interval *iv;

    for (size_t i = 0; i < r->n_ep; i++)
        for (int32_t b = hist_next_nonzero(r->hist[i], 0); b >= 0;
             b = hist_next_nonzero(r->hist[i], b + 1))
            n_pairs++;
    iv = interval_alloc((uint32_t)r->n_ep, 1, n_pairs);
    assert_non_null(iv);
    iv->second = sec;
    iv->first_time = (double)sec + 0.25;
    iv->last_time = (double)sec + 0.75;
    iv->dropped = 7;
    for (size_t i = 0; i < r->n_ep; i++) {
        const struct locust_stats_endpoint *e = &r->ep[i];
        struct interval_endpoint *o = &iv->endpoints[iv->n_endpoints++];

        *o = (struct interval_endpoint){
            .endpoint = (uint32_t)i, .requests = (uint32_t)e->requests,
            .failures = (uint32_t)e->failures, .expected = i == 0,
            .none_requests = (uint32_t)e->none_requests, .aborted = (uint32_t)i % 3,
            .total_us = e->total_us, .min_us = e->min_us, .max_us = e->max_us,
            .total_bytes = e->content_length, .pair_start = iv->n_pairs};
        for (int32_t b = hist_next_nonzero(r->hist[i], 0); b >= 0;
             b = hist_next_nonzero(r->hist[i], b + 1), o->pair_count++)
            iv->pairs[iv->n_pairs++] = (struct hist_pair){(uint32_t)b,
                                                          (uint32_t)r->hist[i]->counts[b]};
    }
    iv->errors[iv->n_errors++] = (struct interval_error){
        .endpoint = 0, .kind = OUTCOME_HTTP, .expected = 1, .code = 404, .count = 1,
        .text = "caf\xc3\xa9"};
    return iv;
}

static void assert_endpoint_equal(const struct interval_endpoint *a,
                                  const struct interval_endpoint *b)
{
    assert_int_equal(a->endpoint, b->endpoint);
    assert_int_equal(a->requests, b->requests);
    assert_int_equal(a->failures, b->failures);
    assert_int_equal(a->expected, b->expected);
    assert_int_equal(a->none_requests, b->none_requests);
    assert_int_equal(a->aborted, b->aborted);
    assert_int_equal(a->total_us, b->total_us);
    assert_int_equal(a->min_us, b->min_us);
    assert_int_equal(a->max_us, b->max_us);
    assert_int_equal(a->total_bytes, b->total_bytes);
    assert_int_equal(a->pair_start, b->pair_start);
    assert_int_equal(a->pair_count, b->pair_count);
}

/* "hornet_hdr" brings the intervals back as they were sent, their endpoints numbered as the
 * entries of "stats"; Locust's part of the message is the same bytes with or without it. */
static void test_hdr_round_trip(void **state)
{
    struct replay r;
    void *plain, *with;
    size_t plain_len, with_len, node = 2 + strlen(NODE);     /* str8 header + the id */
    struct locust_msg m;
    char err[128];
    struct interval *secs[2];
    const struct interval *sent[2];

    (void)state;
    replay_load(&r, "many_endpoints");
    sent[0] = secs[0] = replay_second(&r, 1796079000);
    sent[1] = secs[1] = replay_second(&r, 1796079001);
    encode(&r.report, &plain, &plain_len);
    r.report.with_hdr = true;
    r.report.seconds = sent;
    r.report.n_seconds = 2;
    encode(&r.report, &with, &with_len);
    /* Locust's part is unchanged: the same bytes but the data map's size, then hornet's key */
    assert_int_equal(((unsigned char *)plain)[7], 0x85);
    assert_int_equal(((unsigned char *)with)[7], 0x86);
    assert_memory_equal((char *)plain + 8, (char *)with + 8, plain_len - 8 - node);
    assert_memory_equal((char *)plain + plain_len - node, (char *)with + with_len - node, node);
    assert_int_equal(locust_msg_decode(with, with_len, &m, err, sizeof err), 0);
    assert_true(m.stats->has_hdr);
    assert_int_equal(m.stats->n_entries, r.n_ep);
    assert_int_equal(m.stats->n_seconds, 2);
    assert_int_equal(m.stats->n_hdr_endpoints, r.n_ep);    /* every endpoint, in order */
    for (size_t i = 0; i < r.n_ep; i++)
        assert_string_equal(m.stats->hdr_endpoints[i].name, r.ep[i].name);
    for (size_t k = 0; k < 2; k++) {
        const struct interval *got = &m.stats->seconds[k];

        assert_int_equal(got->second, secs[k]->second);
        assert_true(got->first_time == secs[k]->first_time);
        assert_true(got->last_time == secs[k]->last_time);
        assert_int_equal(got->dropped, 7);
        assert_int_equal(got->n_endpoints, r.n_ep);
        assert_int_equal(got->n_pairs, secs[k]->n_pairs);
        for (size_t i = 0; i < r.n_ep; i++)
            assert_endpoint_equal(&got->endpoints[i], &secs[k]->endpoints[i]);
        assert_memory_equal(got->pairs, secs[k]->pairs, got->n_pairs * sizeof *got->pairs);
        assert_int_equal(got->n_errors, 1);
        assert_int_equal(got->errors[0].endpoint, 0);
        assert_int_equal(got->errors[0].kind, OUTCOME_HTTP);
        assert_int_equal(got->errors[0].expected, 1);
        assert_int_equal(got->errors[0].code, 404);
        assert_int_equal(got->errors[0].count, 1);
        assert_string_equal(got->errors[0].text, "caf\xc3\xa9");
    }
    locust_msg_release(&m);
    assert_int_equal(locust_msg_decode(plain, plain_len, &m, err, sizeof err), 0);
    assert_false(m.stats->has_hdr);
    locust_msg_release(&m);
    interval_free(secs[0]);
    interval_free(secs[1]);
    free(plain);
    free(with);
    replay_free(&r);
}

/* Decoding Locust's own payload gives Locust's numbers. */
static void test_decode_locust_payload(void **state)
{
    size_t len;
    char *frame = locust_fixture_read("stats_two_endpoints.bin", &len), err[128];
    struct locust_msg m;
    const struct locust_stats_entry *e;

    (void)state;
    assert_int_equal(locust_msg_decode(frame, len, &m, err, sizeof err), 0);
    assert_int_equal(m.stats->n_entries, 3);
    e = &m.stats->entries[0];
    assert_string_equal(e->name, "/nope");
    assert_int_equal(e->num_requests, 2);
    assert_int_equal(e->num_none_requests, 1);
    assert_int_equal(e->num_failures, 2);
    assert_true(e->has_min && e->min_response_time == 2.625);
    e = &m.stats->entries[2];
    assert_string_equal(e->method, "POST");
    assert_int_equal(e->n_rt, 4);
    assert_true(e->rt[0].ms == 100 && e->rt[1].ms == 150 && e->rt[3].ms == 12000);
    assert_true(e->total_response_time == 13827.125);
    assert_int_equal(e->n_fails_per_sec, 2);
    assert_int_equal(m.stats->total.num_requests, 11);
    assert_string_equal(m.stats->total.method, "");
    assert_int_equal(m.stats->n_errors, 2);
    assert_int_equal(m.stats->errors[0].occurrences, 2);
    assert_int_equal(m.stats->user_count, 5);
    assert_int_equal(m.stats->n_classes, 2);
    locust_msg_release(&m);
    free(frame);
}

static void test_error_key(void **state)
{
    char key[65];

    (void)state;
    /* hashlib.sha256(f"GET./nope.{'HTTP 404'!r}".encode()).hexdigest() */
    assert_int_equal(locust_stats_error_key("GET", "/nope", "HTTP 404", key), 0);
    assert_string_equal(key, "ec4a3b5c871a3e2d1a8b3995b791ec4d450f14f203b44c58ecf77acee7673a7d");
}

/* Sizes of a 3-second report: each endpoint with 300 requests (100/s), latencies lognormal
 * around 50 ms, 1% failures over 2 error texts. */
static size_t report_size(size_t n_ep, bool with_hdr)
{
    struct locust_stats_endpoint *ep = calloc(n_ep, sizeof *ep);
    struct hist *h = calloc(n_ep, sizeof *h);
    struct locust_per_sec sec[3] = {{1796079000, 100}, {1796079001, 100}, {1796079002, 100}};
    struct locust_per_sec fsec[1] = {{1796079001, 3}};
    struct locust_stats_error *errs = calloc(2 * n_ep, sizeof *errs);
    char (*names)[64] = calloc(n_ep, sizeof *names);
    struct locust_class_count cls = {"DeploymentUser", 100};
    struct locust_stats_report rep = {.n_endpoints = n_ep, .total_start_time = 1796078999.5,
                                      .errors = errs, .n_errors = 2 * n_ep, .classes = &cls,
                                      .n_classes = 1, .user_count = 100, .with_hdr = with_hdr};
    void *frame;
    size_t len;

    assert_true(ep && h && errs && names);
    for (size_t i = 0; i < n_ep; i++) {
        snprintf(names[i], sizeof names[i], "/api/v1/deployments/{id}/step-%zu/", i);
        hist_reset(&h[i]);
        ep[i] = (struct locust_stats_endpoint){
            .method = i % 2 ? "GET" : "POST", .name = names[i], .start_time = 1796078999.5,
            .last_request_time = 1796079002.9, .requests = 300, .failures = 3,
            .min_us = UINT64_MAX, .reqs_per_sec = sec, .n_reqs_per_sec = 3,
            .fails_per_sec = fsec, .n_fails_per_sec = 1, .content_length = 300 * 512,
            .hist = &h[i]};
        for (int k = 0; k < 300; k++) {
            uint64_t us = lognormal_us(50000, 0.6);

            hist_record(&h[i], us);
            ep[i].total_us += us;
            ep[i].min_us = us < ep[i].min_us ? us : ep[i].min_us;
            ep[i].max_us = us > ep[i].max_us ? us : ep[i].max_us;
        }
        errs[2 * i] = (struct locust_stats_error){NULL, ep[i].method, names[i],
                                                  "HTTP 503 Service Unavailable", 2};
        errs[2 * i + 1] = (struct locust_stats_error){NULL, ep[i].method, names[i],
                                                      "Timeout after 30000 ms", 1};
    }
    rep.endpoints = ep;
    encode(&rep, &frame, &len);
    free(frame);
    free(ep);
    free(h);
    free(errs);
    free(names);
    return len;
}

static void test_message_sizes(void **state)
{
    size_t s10 = report_size(10, false), s10h = report_size(10, true);
    size_t s100 = report_size(100, false), s100h = report_size(100, true);

    (void)state;
    print_message("stats message, 300 requests per endpoint: 10 endpoints %zu bytes (%zu with "
                  "hornet_hdr), 100 endpoints %zu bytes (%zu with hornet_hdr)\n",
                  s10, s10h, s100, s100h);
    assert_true(s10 < s100 && s10h > s10 && s100h > s100);
    assert_true(s100h < 256 * 1024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_report_bytes),
        cmocka_unit_test(test_two_endpoints_bytes),
        cmocka_unit_test(test_many_endpoints_bytes),
        cmocka_unit_test(test_error_keys_bytes),
        cmocka_unit_test(test_bucket_rule),
        cmocka_unit_test(test_hist_keys_match_exact_keys),
        cmocka_unit_test(test_int_keys_of_2_43_4),
        cmocka_unit_test(test_hdr_round_trip),
        cmocka_unit_test(test_decode_locust_payload),
        cmocka_unit_test(test_error_key),
        cmocka_unit_test(test_message_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
