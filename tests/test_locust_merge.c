/* Tests of the master's merge of stats reports (locust_merge.c) against Locust itself: the
 * same frames (Locust 2.12.1 workers' and hornet's, with and without "hornet_hdr", float and
 * int keys) go through locust_merge and through Locust's own master listeners
 * (tests/fixtures/locust/master_merge.py, run with Debian's python3-locust), and every field
 * of every entry, of the total and of the errors must agree. Then hornet's part: the rows'
 * histograms hold the exact buckets of hornet workers, and Locust's keys (with exact extremes)
 * for Locust workers. */
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
#include "locust_merge.h"
#include "locust_msg.h"
#include "locust_stats.h"

#define FIXTURES "tests/fixtures/locust/"

static char tmpdir[64];

/* Write frame to tmpdir/name; return the path (static buffer rotated over 16 calls). */
static const char *save(const char *name, const void *frame, size_t len)
{
    static char paths[16][128];
    static int next;
    char *p = paths[next++ % 16];
    FILE *f;

    snprintf(p, sizeof paths[0], "%s/%s", tmpdir, name);
    f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(frame, 1, len, f), len);
    fclose(f);
    return p;
}

/* A hornet report: endpoints "GET /" (also in the Locust fixtures) and "GET /hornet-only",
 * latencies from seed, one error per endpoint. sent[2] receive the latencies too. */
static void *hornet_frame(uint64_t seed, enum locust_keys keys, bool with_hdr, size_t *len,
                          struct hist *sent[2])
{
    struct hist *hists[2] = {calloc(1, sizeof(struct hist)), calloc(1, sizeof(struct hist))};
    static const char *const names[2] = {"/", "/hornet-only"};
    struct locust_stats_endpoint ep[2];
    struct locust_per_sec secs[2][2];
    struct locust_stats_error errs[2];
    struct locust_class_count cls = {"WebUser", 3};
    struct locust_stats_report rep = {ep, 2, 1796078930.5, false, errs, 2, &cls, 1, 3, keys,
                                      with_hdr};
    void *frame;
    char err[128];

    for (int i = 0; i < 2; i++) {
        assert_non_null(hists[i]);
        hist_reset(hists[i]);
        ep[i] = (struct locust_stats_endpoint){
            .method = "GET", .name = names[i], .start_time = 1796078930.5 + seed,
            .last_request_time = 1796078945.25 + (double)seed, .requests = 50,
            .failures = 1 + (uint64_t)i, .min_us = UINT64_MAX, .content_length = 1234 * seed,
            .reqs_per_sec = secs[i], .n_reqs_per_sec = 2, .fails_per_sec = secs[i],
            .n_fails_per_sec = 1, .hist = hists[i]};
        secs[i][0] = (struct locust_per_sec){1796078940, 20};
        secs[i][1] = (struct locust_per_sec){1796078941 + (int64_t)seed, 30};
        for (uint64_t k = 0; k < 50; k++) {
            uint64_t us = 1000 + (k * 7919 + seed * 104729) % 1500000;  /* 1 ms .. 1.5 s */

            hist_record(hists[i], us);
            ep[i].total_us += us;
            ep[i].min_us = us < ep[i].min_us ? us : ep[i].min_us;
            ep[i].max_us = us > ep[i].max_us ? us : ep[i].max_us;
        }
        errs[i] = (struct locust_stats_error){NULL, "GET", names[i], "HTTP 503", 1 + i};
    }
    assert_int_equal(locust_stats_encode(&rep, "hornet_w", &frame, len, err, sizeof err), 0);
    for (int i = 0; i < 2; i++) {
        hist_add(sent[i], hists[i]);
        free(hists[i]);
    }
    return frame;
}

struct run {
    const char *paths[16];
    size_t n;
    struct locust_merge *t;
    struct hist *sent[2];       /* everything hornet frames carried, per endpoint */
    cJSON *locust;              /* what Locust's master made of the same frames */
};

static void add_frame(struct run *r, const char *path)
{
    size_t len;
    char *frame = locust_fixture_slurp(path, &len), err[256];
    struct locust_msg m;

    if (locust_msg_decode(frame, len, &m, err, sizeof err) != 0)
        fail_msg("%s: %s", path, err);
    assert_int_equal(m.type, LOCUST_MSG_STATS);
    assert_int_equal(locust_merge_add(r->t, m.stats, err, sizeof err), 0);
    locust_msg_release(&m);
    free(frame);
    r->paths[r->n++] = path;
}

static cJSON *run_locust(const struct run *r)
{
    char cmd[4096] = "/usr/bin/python3 " FIXTURES "master_merge.py";
    size_t cap = 1 << 20, len = 0, got;
    char *out = malloc(cap);
    FILE *p;
    cJSON *json;

    for (size_t i = 0; i < r->n; i++)
        snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " %s", r->paths[i]);
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

static void setup_run(struct run *r)
{
    memset(r, 0, sizeof *r);
    r->t = locust_merge_create();
    assert_non_null(r->t);
    for (int i = 0; i < 2; i++) {
        r->sent[i] = calloc(1, sizeof(struct hist));
        assert_non_null(r->sent[i]);
        hist_reset(r->sent[i]);
    }
}

static void teardown_run(struct run *r)
{
    locust_merge_destroy(r->t);
    free(r->sent[0]);
    free(r->sent[1]);
    cJSON_Delete(r->locust);
}

static void hornet_frames(struct run *r)
{
    void *f;
    size_t len;

    f = hornet_frame(1, LOCUST_KEYS_INT, true, &len, r->sent);      /* 2.43.4-style keys */
    add_frame(r, save("hornet1.bin", f, len));
    free(f);
    f = hornet_frame(2, LOCUST_KEYS_FLOAT, true, &len, r->sent);
    add_frame(r, save("hornet2.bin", f, len));
    free(f);
}

/* ---- comparison with Locust's JSON ---- */

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);

    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static void assert_pairs(const cJSON *want, const char *what, size_t n,
                         double (*key_of)(const void *, size_t), uint64_t (*count_of)(const void *,
                                                                                       size_t),
                         const void *v)
{
    size_t i = 0;
    const cJSON *pair;

    assert_int_equal(cJSON_GetArraySize(want), n);
    cJSON_ArrayForEach(pair, want) {
        double k = cJSON_GetArrayItem(pair, 0)->valuedouble;
        double c = cJSON_GetArrayItem(pair, 1)->valuedouble;

        if (key_of(v, i) != k || (double)count_of(v, i) != c)
            fail_msg("%s[%zu]: got %g: %llu, Locust %g: %g", what, i, key_of(v, i),
                     (unsigned long long)count_of(v, i), k, c);
        i++;
    }
}

static double rt_key(const void *v, size_t i)
{
    return ((const struct locust_rt *)v)[i].ms;
}

static uint64_t rt_count(const void *v, size_t i)
{
    return ((const struct locust_rt *)v)[i].count;
}

static double sec_key(const void *v, size_t i)
{
    return (double)((const struct locust_per_sec *)v)[i].sec;
}

static uint64_t sec_count(const void *v, size_t i)
{
    return ((const struct locust_per_sec *)v)[i].count;
}

static void assert_same_entry(const struct locust_stats_entry *e, const cJSON *w)
{
    const cJSON *min = cJSON_GetObjectItem(w, "min_response_time");
    const cJSON *last = cJSON_GetObjectItem(w, "last_request_timestamp");
    const cJSON *method = cJSON_GetObjectItem(w, "method");

    assert_string_equal(e->name, cJSON_GetObjectItem(w, "name")->valuestring);
    if (cJSON_IsNull(method))
        assert_null(e->method);
    else
        assert_string_equal(e->method, method->valuestring);
    assert_true((double)e->num_requests == num(w, "num_requests"));
    assert_true((double)e->num_none_requests == num(w, "num_none_requests"));
    assert_true((double)e->num_failures == num(w, "num_failures"));
    assert_true(e->total_response_time == num(w, "total_response_time"));
    assert_true(e->max_response_time == num(w, "max_response_time"));
    assert_int_equal(e->has_min, !cJSON_IsNull(min));
    assert_true(!e->has_min || e->min_response_time == min->valuedouble);
    assert_int_equal(e->has_last_request, !cJSON_IsNull(last));
    assert_true(!e->has_last_request || e->last_request_timestamp == last->valuedouble);
    assert_true((double)e->total_content_length == num(w, "total_content_length"));
    assert_true(e->start_time == num(w, "start_time"));
    assert_pairs(cJSON_GetObjectItem(w, "response_times"), e->name, e->n_rt, rt_key, rt_count,
                 e->rt);
    assert_pairs(cJSON_GetObjectItem(w, "num_reqs_per_sec"), e->name, e->n_reqs_per_sec,
                 sec_key, sec_count, e->reqs_per_sec);
    assert_pairs(cJSON_GetObjectItem(w, "num_fail_per_sec"), e->name, e->n_fails_per_sec,
                 sec_key, sec_count, e->fails_per_sec);
}

static void assert_same_as_locust(struct run *r)
{
    const cJSON *entries, *errors, *w, *g;
    size_t i = 0;

    r->locust = run_locust(r);
    entries = cJSON_GetObjectItem(r->locust, "entries");
    assert_int_equal(cJSON_GetArraySize(entries), locust_merge_count(r->t));
    cJSON_ArrayForEach(w, entries)
        assert_same_entry(&locust_merge_row(r->t, i++)->entry, w);
    assert_same_entry(&locust_merge_total(r->t)->entry, cJSON_GetObjectItem(r->locust, "total"));
    errors = cJSON_GetObjectItem(r->locust, "errors");
    assert_int_equal(cJSON_GetArraySize(errors), locust_merge_error_count(r->t));
    i = 0;
    cJSON_ArrayForEach(g, errors) {
        const struct locust_stats_error *e = locust_merge_error(r->t, i++);

        assert_string_equal(e->key, cJSON_GetArrayItem(g, 0)->valuestring);
        assert_true((double)e->occurrences == cJSON_GetArrayItem(g, 1)->valuedouble);
        assert_string_equal(e->method, cJSON_GetArrayItem(g, 2)->valuestring);
        assert_string_equal(e->name, cJSON_GetArrayItem(g, 3)->valuestring);
        assert_string_equal(e->error, cJSON_GetArrayItem(g, 4)->valuestring);
    }
}

static void test_locust_workers_merge_as_locust(void **state)
{
    struct run r;

    (void)state;
    setup_run(&r);
    add_frame(&r, FIXTURES "stats_first.bin");          /* a total with a nil method */
    add_frame(&r, FIXTURES "worker212_08_send_stats.bin");
    add_frame(&r, FIXTURES "worker212_09_send_stats.bin");
    add_frame(&r, FIXTURES "stats_two_endpoints.bin");
    add_frame(&r, FIXTURES "stats_two_endpoints.bin");
    add_frame(&r, FIXTURES "stats_many_endpoints.bin");
    add_frame(&r, FIXTURES "stats_error_texts.bin");
    add_frame(&r, FIXTURES "worker212_11_send_stats.bin");
    assert_same_as_locust(&r);
    teardown_run(&r);
}

static void test_hornet_and_locust_workers_merge_as_locust(void **state)
{
    struct run r;

    (void)state;
    setup_run(&r);
    add_frame(&r, FIXTURES "worker212_09_send_stats.bin");
    hornet_frames(&r);              /* with hornet_hdr: Locust's master must ignore it */
    add_frame(&r, FIXTURES "stats_two_endpoints.bin");  /* 150.0 meets hornet's int 150 */
    assert_same_as_locust(&r);
    teardown_run(&r);
}

/* A row fed only by hornet workers holds exactly the buckets they sent. */
static void test_hornet_rows_are_exact(void **state)
{
    struct run r;
    const struct locust_merge_row *row;
    static const double ps[] = {0.5, 0.9, 0.99, 0.999, 1.0};
    uint64_t got[5], want[5];

    (void)state;
    setup_run(&r);
    hornet_frames(&r);
    row = locust_merge_find(r.t, "/hornet-only", "GET");
    assert_non_null(row);
    assert_non_null(row->hist);
    assert_int_equal(row->approx_count, 0);
    assert_int_equal(row->hist->total, r.sent[1]->total);
    assert_int_equal(row->hist->min, r.sent[1]->min);
    assert_int_equal(row->hist->max, r.sent[1]->max);
    hist_percentiles(row->hist, ps, 5, got);
    hist_percentiles(r.sent[1], ps, 5, want);
    assert_memory_equal(got, want, sizeof got);
    assert_int_equal(row->entry.num_requests, 100);
    assert_int_equal(locust_merge_total(r.t)->hist->total, 200);
    assert_null(locust_merge_find(r.t, "/hornet-only", NULL));
    assert_null(locust_merge_find(r.t, "/hornet-only", "POST"));
    teardown_run(&r);
}

/* Rows from Locust workers: their keys, as that many values, with the exact extremes. */
static void test_locust_rows_from_keys(void **state)
{
    struct run r;
    const struct locust_merge_row *row;

    (void)state;
    setup_run(&r);
    add_frame(&r, FIXTURES "stats_two_endpoints.bin");
    row = locust_merge_find(r.t, "/api/v1/deployments/", "POST");
    assert_non_null(row);
    assert_int_equal(row->approx_count, 4);
    assert_int_equal(row->hist->total, 4);
    assert_int_equal(row->hist->min, 99750);                /* exact, not the key 100 */
    assert_int_equal(row->hist->max, 12345625);             /* exact, not the key 12000 */
    assert_int_equal(hist_median(row->hist), hist_highest_equivalent(hist_index_of(150000)));
    row = locust_merge_find(r.t, "/nope", "GET");
    assert_int_equal(row->hist->total, 1);                  /* the none request has none */
    locust_merge_clear(r.t);
    assert_int_equal(locust_merge_count(r.t), 0);
    assert_int_equal(locust_merge_error_count(r.t), 0);
    assert_null(locust_merge_total(r.t)->hist);
    add_frame(&r, FIXTURES "stats_two_endpoints.bin");      /* usable after a clear */
    assert_int_equal(locust_merge_count(r.t), 3);
    assert_int_equal(locust_merge_total(r.t)->entry.num_requests, 11);
    teardown_run(&r);
}

/* Many distinct rows and errors: the indexes grow and still find every one. */
static void test_many_rows(void **state)
{
    enum { N = 3000 };
    struct locust_merge *t = locust_merge_create();
    struct locust_stats_entry *e = calloc(N, sizeof *e);
    struct locust_stats_error *g = calloc(N, sizeof *g);
    char (*names)[32] = calloc(N, sizeof *names);
    struct locust_stats_payload p = {.entries = e, .n_entries = N, .errors = g, .n_errors = N};
    char err[64];

    (void)state;
    assert_true(t && e && g && names);
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "/e/%zu", i);
        e[i] = (struct locust_stats_entry){.name = names[i], .method = i % 3 ? "GET" : NULL,
                                           .num_requests = i, .start_time = 1.0};
        g[i] = (struct locust_stats_error){names[i], "GET", names[i], "x", 1};
    }
    assert_int_equal(locust_merge_add(t, &p, err, sizeof err), 0);
    assert_int_equal(locust_merge_add(t, &p, err, sizeof err), 0);
    assert_int_equal(locust_merge_count(t), N);
    assert_int_equal(locust_merge_error_count(t), N);
    for (size_t i = 0; i < N; i++) {
        const struct locust_merge_row *row = locust_merge_find(t, names[i], e[i].method);

        assert_non_null(row);
        assert_int_equal(row->entry.num_requests, 2 * i);
        assert_int_equal(locust_merge_error(t, i)->occurrences, 2);
    }
    locust_merge_destroy(t);
    free(e);
    free(g);
    free(names);
}

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hornet-merge.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    char path[128];

    (void)state;
    snprintf(path, sizeof path, "%s/hornet1.bin", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/hornet2.bin", tmpdir);
    unlink(path);
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locust_workers_merge_as_locust),
        cmocka_unit_test(test_hornet_and_locust_workers_merge_as_locust),
        cmocka_unit_test(test_hornet_rows_are_exact),
        cmocka_unit_test(test_locust_rows_from_keys),
        cmocka_unit_test(test_many_rows),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
