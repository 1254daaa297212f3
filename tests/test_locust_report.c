/* Tests of locust_report.c, both ways:
 * - a worker node's reports: three workers' intervals (two threads each, several seconds)
 *   reported every 3 s, each report decoded as a master does: Locust's fields (counts,
 *   per-second dicts, errors without the expected statuses, start times) and hornet_hdr's
 *   seconds (one per second, the threads' intervals merged); then, through the master's
 *   conversion into its collector (stats.c), every percentile of every endpoint and of
 *   Aggregated equals that of the union of the latencies the workers recorded;
 * - a master's conversion of Locust 2.12.1 workers' own frames (tests/fixtures/locust/) agrees
 *   with Locust's own master (tests/fixtures/locust/master_merge.py, run with Debian's
 *   python3-locust): per endpoint its requests, failures, total, extremes, content length,
 *   requests per second and error occurrences. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "hist.h"
#include "hist_internal.h"
#include "locust_fixture.h"
#include "locust_msg.h"
#include "locust_msg_internal.h"
#include "locust_report.h"
#include "locust_report_internal.h"
#include "snapshot.h"
#include "stats.h"

#define FIXTURES "tests/fixtures/locust/"
#define T0 1796079000               /* a unix second of the synthetic runs */
#define N_EP 3
#define N_WORKERS 3
#define SECONDS 6

static const char *const methods[N_EP] = {"GET", "POST", "GET"};
static const char *const names[N_EP] = {"/a", "/b", "/c"};

/* ---- a master's collector over decoded reports ---- */

struct master {
    struct stats *stats;
    struct snapshot *snap;
    char known[64][2][SNAP_NAME_MAX];   /* the endpoints named so far: method, name */
    int n_known;
};

static int resolve(void *arg, const char *method, const char *name)
{
    struct master *m = arg;

    for (int i = 0; i < m->n_known; i++)
        if (strcmp(m->known[i][1], name) == 0 && strcmp(m->known[i][0], method ? method : "") == 0)
            return i;
    assert_int_equal(stats_name_endpoint(m->stats, method ? method : "", name), m->n_known);
    snprintf(m->known[m->n_known][0], SNAP_NAME_MAX, "%s", method ? method : "");
    snprintf(m->known[m->n_known][1], SNAP_NAME_MAX, "%s", name);
    return m->n_known++;
}

static void master_init(struct master *m, double start)
{
    const char *none[64] = {0};

    m->stats = stats_create(64, none, none, start);
    m->snap = calloc(1, sizeof *m->snap);
    m->n_known = 0;
    assert_non_null(m->stats);
    assert_non_null(m->snap);
}

/* Decode frame as a master and merge its intervals; returns the decoded message (release
 * it). */
static void master_take(struct master *m, const void *frame, size_t len, struct locust_msg *msg)
{
    struct interval **ivs;
    size_t n;
    char err[256];

    if (locust_msg_decode(frame, len, msg, err, sizeof err) < 0)
        fail_msg("decode: %s", err);
    assert_int_equal(msg->type, LOCUST_MSG_STATS);
    assert_int_equal(locust_report_intervals(msg->stats, resolve, m, &ivs, &n), 0);
    for (size_t i = 0; i < n; i++) {
        stats_merge(m->stats, ivs[i]);
        interval_free(ivs[i]);
    }
    free(ivs);
}

static void master_free(struct master *m)
{
    stats_destroy(m->stats);
    free(m->snap);
}

static const struct snap_stats *row(const struct snapshot *s, const char *method,
                                    const char *name)
{
    for (uint32_t i = 0; i < s->n_endpoints; i++)
        if (strcmp(s->endpoints[i].method, method) == 0 && strcmp(s->endpoints[i].name, name) == 0)
            return &s->endpoints[i];
    fail_msg("no row %s %s", method, name);
    return NULL;
}

/* ---- three workers' intervals ---- */

struct truth {                      /* what the workers recorded, all of them */
    struct hist *ep[N_EP], *all;
    uint64_t requests[N_EP], failures[N_EP], expected[N_EP], per_sec[SECONDS];
};

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* One thread's interval of second t: each endpoint's requests with latencies from seed,
 * every 7th a 503 (a failure), every 5th of /c an expected 404. */
static struct interval *thread_interval(int64_t t, uint64_t *seed, struct truth *tr)
{
    struct interval *iv = interval_alloc(N_EP, 2 * N_EP, 400 * N_EP);
    struct hist *h = calloc(1, sizeof *h);

    assert_non_null(iv);
    assert_non_null(h);
    *iv = (struct interval){.second = t, .first_time = (double)t + 0.1,
                            .last_time = (double)t + 0.9, .endpoints = iv->endpoints,
                            .errors = iv->errors, .pairs = iv->pairs};
    for (uint32_t e = 0; e < N_EP; e++) {
        struct interval_endpoint *o = &iv->endpoints[iv->n_endpoints++];
        uint32_t n = 20 + (uint32_t)(rnd(seed) % 60), fails = 0, expected = 0;

        hist_init(h);
        *o = (struct interval_endpoint){.endpoint = e, .requests = n, .min_us = UINT64_MAX,
                                        .pair_start = iv->n_pairs};
        for (uint32_t k = 0; k < n; k++) {
            uint64_t us = 200 + rnd(seed) % (e == 1 ? 900000 : 40000);

            hist_record(h, us);
            hist_record(tr->ep[e], us);
            hist_record(tr->all, us);
            o->total_us += us;
            o->min_us = us < o->min_us ? us : o->min_us;
            o->max_us = us > o->max_us ? us : o->max_us;
            fails += k % 7 == 3;
            expected += e == 2 && k % 5 == 1;
        }
        o->failures = fails;
        o->expected = expected;
        o->total_bytes = 100u * n;
        o->pair_count = (uint32_t)hist_drain_pairs(h, iv->pairs + iv->n_pairs, 400);
        iv->n_pairs += o->pair_count;
        iv->errors[iv->n_errors++] = (struct interval_error){
            .endpoint = e, .kind = OUTCOME_HTTP, .code = 503, .count = fails};
        if (expected)
            iv->errors[iv->n_errors++] = (struct interval_error){
                .endpoint = e, .kind = OUTCOME_HTTP, .expected = 1, .code = 404,
                .count = expected};
        tr->requests[e] += n;
        tr->failures[e] += fails;
        tr->expected[e] += expected;
        tr->per_sec[t - T0] += n;
    }
    free(h);
    return iv;
}

static void truth_init(struct truth *tr)
{
    memset(tr, 0, sizeof *tr);
    for (int e = 0; e < N_EP; e++) {
        tr->ep[e] = calloc(1, sizeof(struct hist));
        hist_init(tr->ep[e]);
    }
    tr->all = calloc(1, sizeof(struct hist));
    hist_init(tr->all);
}

static void truth_free(struct truth *tr)
{
    for (int e = 0; e < N_EP; e++)
        free(tr->ep[e]);
    free(tr->all);
}

static void *report(struct locust_report *r, double now, size_t *len)
{
    static const struct locust_class_count cls[1] = {{"U", 4}};
    struct locust_report_meta meta = {.node_id = "w", .classes = cls, .n_classes = 1,
                                      .user_count = 4, .with_hdr = true};
    void *frame;
    char err[256];

    assert_int_equal(locust_report_encode(r, &meta, now, &frame, len, err, sizeof err), 0);
    return frame;
}

/* Locust's fields of a worker's first report: its endpoints, per second, errors without the
 * expected 404s; hornet_hdr: one merged interval per second. */
static void check_first_report(const struct locust_msg *m, const struct truth *one)
{
    const struct locust_stats_payload *p = m->stats;

    assert_int_equal(p->n_entries, N_EP);
    assert_true(p->has_hdr);
    assert_int_equal(p->n_seconds, 3);                  /* 2 threads x 3 s: 3 seconds */
    for (size_t i = 0; i < p->n_seconds; i++) {
        assert_int_equal(p->seconds[i].second, T0 + (int64_t)i);
        assert_int_equal(p->seconds[i].n_endpoints, N_EP);
    }
    for (int e = 0; e < N_EP; e++) {
        const struct locust_stats_entry *x = &p->entries[e];

        assert_string_equal(x->name, names[e]);
        assert_int_equal(x->num_requests, one->requests[e]);
        assert_int_equal(x->num_failures, one->failures[e]);
        assert_int_equal(x->n_reqs_per_sec, 3);
        assert_true(x->start_time == T0 + 0.1);          /* new since: its first request */
        assert_true(x->last_request_timestamp == T0 + 2.9);
    }
    assert_int_equal(p->n_errors, N_EP);                /* the 503s only */
    for (size_t i = 0; i < p->n_errors; i++)
        assert_string_equal(p->errors[i].error, "HTTP 503 Service Unavailable");
}

static void run_worker(int w, struct master *m, struct truth *tr)
{
    struct locust_report *r = locust_report_create(N_EP, methods, names, T0);
    struct truth one;
    uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(w + 1);
    struct locust_msg msg;
    size_t len;
    void *frame;

    assert_non_null(r);
    truth_init(&one);
    for (int64_t t = T0; t < T0 + SECONDS; t++) {
        for (int th = 0; th < 2; th++) {
            struct interval *iv = thread_interval(t, &seed, &one);

            locust_report_add(r, iv);
        }
        if ((t - T0) % 3 != 2)
            continue;
        frame = report(r, (double)t + 1, &len);
        master_take(m, frame, len, &msg);
        if (t == T0 + 2)
            check_first_report(&msg, &one);
        else                                        /* reported before: the last report */
            assert_true(msg.stats->entries[0].start_time == T0 + 3);
        assert_int_equal(locust_report_pending(r), 0);
        locust_msg_release(&msg);
        free(frame);
    }
    for (int e = 0; e < N_EP; e++) {
        hist_add(tr->ep[e], one.ep[e]);
        tr->requests[e] += one.requests[e];
        tr->failures[e] += one.failures[e];
        tr->expected[e] += one.expected[e];
    }
    hist_add(tr->all, one.all);
    for (int s = 0; s < SECONDS; s++)
        tr->per_sec[s] += one.per_sec[s];
    truth_free(&one);
    locust_report_destroy(r);
}

static void assert_same_percentiles(const struct snap_stats *got, const struct hist *h)
{
    assert_int_equal(got->median_us, hist_median(h));
    for (int k = 0; k < SNAP_PCT_COUNT; k++)
        if (got->pct_us[k] != hist_percentile(h, snapshot_pcts[k]))
            fail_msg("%s p%g: %llu us, the union's %llu us", got->name, snapshot_pcts[k] * 100,
                     (unsigned long long)got->pct_us[k],
                     (unsigned long long)hist_percentile(h, snapshot_pcts[k]));
}

static void test_workers_reports_merge_exactly(void **state)
{
    static struct master m;
    struct truth tr;

    (void)state;
    master_init(&m, T0);
    truth_init(&tr);
    for (int w = 0; w < N_WORKERS; w++)
        run_worker(w, &m, &tr);
    stats_fill(m.stats, T0 + SECONDS + 1, m.snap);
    assert_int_equal(m.snap->n_endpoints, N_EP);
    for (int e = 0; e < N_EP; e++) {
        const struct snap_stats *s = row(m.snap, methods[e], names[e]);

        assert_int_equal(s->requests, tr.requests[e]);
        assert_int_equal(s->failures, tr.failures[e]);
        assert_int_equal(s->expected, tr.expected[e]);
        assert_int_equal(s->min_us, tr.ep[e]->min);
        assert_int_equal(s->max_us, tr.ep[e]->max);
        assert_same_percentiles(s, tr.ep[e]);
    }
    assert_same_percentiles(&m.snap->total, tr.all);
    for (int sec = 0; sec < SECONDS; sec++)
        assert_int_equal(m.snap->series[m.snap->n_points - SECONDS - 1 + (uint32_t)sec].requests,
                         tr.per_sec[sec]);
    truth_free(&tr);
    master_free(&m);
}

/* What was kept and never reported is counted when forgotten; the next report is empty. */
static void test_clear_forgets_what_was_kept(void **state)
{
    struct locust_report *r = locust_report_create(N_EP, methods, names, T0);
    struct truth tr;
    uint64_t seed = 42, kept;
    struct locust_msg msg;
    size_t len;
    void *frame;
    char err[128];

    (void)state;
    truth_init(&tr);
    locust_report_add(r, thread_interval(T0, &seed, &tr));
    kept = tr.requests[0] + tr.requests[1] + tr.requests[2];
    assert_int_equal(locust_report_pending(r), kept);
    assert_int_equal(locust_report_clear(r, T0 + 5), kept);
    frame = report(r, T0 + 6, &len);
    assert_int_equal(locust_msg_decode(frame, len, &msg, err, sizeof err), 0);
    assert_int_equal(msg.stats->n_entries, 0);
    assert_int_equal(msg.stats->n_seconds, 0);
    assert_true(msg.stats->total.start_time == T0 + 5);
    locust_msg_release(&msg);
    free(frame);
    truth_free(&tr);
    locust_report_destroy(r);
}


/* Requests aborted at a stop are not Locust's (no answer, no time): an endpoint with only
 * those is not in "stats", but hornet_hdr carries them to a hornet master. */
static void test_aborted_requests_reach_a_hornet_master(void **state)
{
    struct locust_report *r = locust_report_create(N_EP, methods, names, T0);
    struct interval *iv = interval_alloc(2, 0, 1);
    static struct master m;
    struct locust_msg msg;
    size_t len;
    void *frame;

    (void)state;
    *iv = (struct interval){.second = T0, .first_time = T0, .last_time = T0 + 0.5,
                            .endpoints = iv->endpoints, .errors = iv->errors, .pairs = iv->pairs};
    iv->endpoints[iv->n_endpoints++] = (struct interval_endpoint){
        .endpoint = 0, .requests = 1, .aborted = 1, .total_us = 900, .min_us = 900,
        .max_us = 900, .pair_count = 1};
    iv->pairs[iv->n_pairs++] = (struct hist_pair){(uint32_t)hist_index_of(900), 1};
    iv->endpoints[iv->n_endpoints++] = (struct interval_endpoint){
        .endpoint = 2, .aborted = 2, .pair_start = 1};
    locust_report_add(r, iv);
    master_init(&m, T0);
    frame = report(r, T0 + 1, &len);
    master_take(&m, frame, len, &msg);
    assert_int_equal(msg.stats->n_entries, 1);              /* /c is not Locust's */
    assert_int_equal(msg.stats->n_hdr_endpoints, 2);
    locust_msg_release(&msg);
    stats_fill(m.stats, T0 + 2, m.snap);
    assert_int_equal(row(m.snap, "GET", "/a")->aborted, 1);
    assert_int_equal(row(m.snap, "GET", "/c")->aborted, 2);
    assert_int_equal(row(m.snap, "GET", "/c")->requests, 0);
    free(frame);
    master_free(&m);
    locust_report_destroy(r);
}

/* ---- Locust workers' frames, against Locust's own master ---- */

static cJSON *locust_master_merge(const char *const *paths, size_t n)
{
    char cmd[4096] = "/usr/bin/python3 " FIXTURES "master_merge.py";
    size_t cap = 1 << 20, len = 0, got;
    char *out = malloc(cap);
    FILE *p;
    cJSON *json;

    for (size_t i = 0; i < n; i++)
        snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " %s", paths[i]);
    p = popen(cmd, "r");
    assert_non_null(p);
    while ((got = fread(out + len, 1, cap - 1 - len, p)) > 0)
        len += got;
    assert_int_equal(pclose(p), 0);
    out[len] = '\0';
    json = cJSON_Parse(out);
    if (!json)
        fail_msg("Locust's merge printed no JSON: %.200s", out);
    free(out);
    return json;
}

static double num(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItem(o, key)->valuedouble;
}

static uint64_t ms_us(double ms)
{
    return (uint64_t)llround(ms * 1000.0);
}

static void assert_entry_as_locust(const struct snap_stats *s, const cJSON *w, size_t reports)
{
    const cJSON *min = cJSON_GetObjectItem(w, "min_response_time");
    double total_us = num(w, "total_response_time") * 1000.0;

    assert_true((double)s->requests == num(w, "num_requests"));
    assert_true((double)s->failures == num(w, "num_failures"));
    assert_true((double)s->none_requests == num(w, "num_none_requests"));
    assert_true((double)s->total_bytes == num(w, "total_content_length"));
    assert_true(fabs((double)s->total_us - total_us) <= (double)reports);   /* us per report */
    if (!cJSON_IsNull(min) && s->requests > s->none_requests) {
        assert_int_equal(s->min_us, ms_us(min->valuedouble));
        assert_int_equal(s->max_us, ms_us(num(w, "max_response_time")));
    }
}

static void assert_per_second_as_locust(const struct snapshot *s, const cJSON *total)
{
    const cJSON *pair;

    cJSON_ArrayForEach(pair, cJSON_GetObjectItem(total, "num_reqs_per_sec")) {
        int64_t sec = (int64_t)cJSON_GetArrayItem(pair, 0)->valuedouble;
        bool found = false;

        for (uint32_t i = 0; i < s->n_points; i++) {
            if (s->series[i].second != sec)
                continue;
            found = true;
            if ((double)s->series[i].requests != cJSON_GetArrayItem(pair, 1)->valuedouble)
                fail_msg("second %lld: %u requests, Locust %g", (long long)sec,
                         s->series[i].requests, cJSON_GetArrayItem(pair, 1)->valuedouble);
        }
        assert_true(found);
    }
}

static uint64_t error_count(const struct snapshot *s, const char *method, const char *name,
                            const char *text)
{
    for (uint32_t i = 0; i < s->n_errors; i++) {
        const struct snap_stats *ep = &s->endpoints[s->errors[i].endpoint];

        if (strcmp(ep->method, method) == 0 && strcmp(ep->name, name) == 0 &&
            strcmp(s->errors[i].text, text) == 0)
            return s->errors[i].count;
    }
    return 0;
}

static void test_locust_workers_convert_as_locust_merges(void **state)
{
    static const char *const paths[] = {     /* in time order, as reports arrive */
        FIXTURES "worker212_08_send_stats.bin", FIXTURES "worker212_09_send_stats.bin",
        FIXTURES "stats_two_endpoints.bin", FIXTURES "stats_two_endpoints.bin",
        FIXTURES "worker212_11_send_stats.bin", FIXTURES "stats_error_texts.bin"};
    size_t n = sizeof paths / sizeof paths[0];
    cJSON *want = locust_master_merge(paths, n), *w, *g;
    static struct master m;

    (void)state;
    master_init(&m, 1796078000);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *frame = locust_fixture_slurp(paths[i], &len);
        struct locust_msg msg;

        master_take(&m, frame, len, &msg);
        assert_false(msg.stats->has_hdr);
        locust_msg_release(&msg);
        free(frame);
    }
    stats_fill(m.stats, 1796079300, m.snap);
    assert_int_equal(m.snap->n_endpoints, cJSON_GetArraySize(cJSON_GetObjectItem(want, "entries")));
    cJSON_ArrayForEach(w, cJSON_GetObjectItem(want, "entries"))
        assert_entry_as_locust(row(m.snap, cJSON_GetObjectItem(w, "method")->valuestring,
                                   cJSON_GetObjectItem(w, "name")->valuestring), w, n);
    assert_entry_as_locust(&m.snap->total, cJSON_GetObjectItem(want, "total"), n);
    assert_per_second_as_locust(m.snap, cJSON_GetObjectItem(want, "total"));
    cJSON_ArrayForEach(g, cJSON_GetObjectItem(want, "errors")) {
        const char *method = cJSON_GetArrayItem(g, 2)->valuestring;
        const char *name = cJSON_GetArrayItem(g, 3)->valuestring;
        const char *text = cJSON_GetArrayItem(g, 4)->valuestring;
        uint64_t got = error_count(m.snap, method, name, text[0] ? text : "unknown error");

        if ((double)got != cJSON_GetArrayItem(g, 1)->valuedouble)
            fail_msg("%s %s %s: %llu, Locust %g", method, name, text, (unsigned long long)got,
                     cJSON_GetArrayItem(g, 1)->valuedouble);
    }
    cJSON_Delete(want);
    master_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers_reports_merge_exactly),
        cmocka_unit_test(test_clear_forgets_what_was_kept),
        cmocka_unit_test(test_aborted_requests_reach_a_hornet_master),
        cmocka_unit_test(test_locust_workers_convert_as_locust_merges),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
