/* Tests of a worker's recorder (recorder.c): exact counters and latency pairs per interval,
 * outcome grouping, second changes, flushes, the early emit of a full outcome table, and
 * requests lost when memory runs out, followed through the real collector (stats.c) into the
 * snapshot: the seam is recorder_set_alloc (recorder_internal.h), an allocator that fails
 * every interval above a size. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "recorder.h"
#include "recorder_internal.h"
#include "stats.h"

#define MAX_CAUGHT 64

struct catcher {
    size_t n;
    struct interval *ivs[MAX_CAUGHT];
};

static void catch_cb(void *arg, struct interval *iv)
{
    struct catcher *c = arg;

    assert_true(c->n < MAX_CAUGHT);
    assert_null(iv->next);
    c->ivs[c->n++] = iv;
}

static void catcher_free(struct catcher *c)
{
    for (size_t i = 0; i < c->n; i++)
        interval_free(c->ivs[i]);
    c->n = 0;
}

static const struct interval_endpoint *find_ep(const struct interval *iv, uint32_t endpoint)
{
    for (uint32_t i = 0; i < iv->n_endpoints; i++) {
        if (iv->endpoints[i].endpoint == endpoint)
            return &iv->endpoints[i];
    }
    return NULL;
}

static const struct interval_error *find_error(const struct interval *iv, uint32_t endpoint,
                                               int kind, int code, int expected,
                                               const char *text)
{
    for (uint32_t i = 0; i < iv->n_errors; i++) {
        const struct interval_error *e = &iv->errors[i];

        if (e->endpoint == endpoint && e->kind == kind && e->code == code &&
            e->expected == expected && strcmp(e->text, text) == 0)
            return e;
    }
    return NULL;
}

/* The endpoint's pairs, added back into a histogram, must equal one recorded directly. */
static void assert_pairs_equal_hist(const struct interval *iv, const struct interval_endpoint *ep,
                                    const struct hist *expect)
{
    struct hist *h = malloc(sizeof *h);

    assert_non_null(h);
    hist_init(h);
    assert_true(ep->pair_start + ep->pair_count <= iv->n_pairs);
    for (uint32_t i = 1; i < ep->pair_count; i++)
        assert_true(iv->pairs[ep->pair_start + i - 1].index < iv->pairs[ep->pair_start + i].index);
    hist_add_pairs(h, iv->pairs + ep->pair_start, ep->pair_count, ep->min_us, ep->max_us);
    assert_int_equal(h->total, expect->total);
    assert_int_equal(h->min, expect->min);
    assert_int_equal(h->max, expect->max);
    assert_memory_equal(h->counts, expect->counts, sizeof h->counts);
    free(h);
}

/* Endpoint 2 of test_exact_counters_and_pairs, and the interval's outcomes. */
static void check_second_endpoint(const struct interval *iv, const struct interval_endpoint *e2,
                                  const struct hist *expect2)
{
    assert_int_equal(e2->requests, 2);
    assert_int_equal(e2->failures, 0);
    assert_int_equal(e2->expected, 1);
    assert_int_equal(e2->total_bytes, 3);
    assert_int_equal(e2->total_us, 3000007);
    assert_pairs_equal_hist(iv, e2, expect2);
    assert_non_null(find_error(iv, 0, OUTCOME_HTTP, 500, 0, ""));
    assert_int_equal(find_error(iv, 0, OUTCOME_HTTP, 500, 0, "")->count, 100);
    assert_int_equal(find_error(iv, 2, OUTCOME_HTTP, 404, 1, "")->count, 1);
    assert_int_equal(iv->n_errors, 2);
}

static void test_exact_counters_and_pairs(void **state)
{
    struct catcher c = {0};
    struct recorder *r = recorder_create(4, 3, catch_cb, &c);
    struct hist *expect0 = malloc(sizeof *expect0), *expect2 = malloc(sizeof *expect2);
    struct outcome nf = {.kind = OUTCOME_HTTP, .code = 404, .expected = 1};
    struct outcome boom = {.kind = OUTCOME_HTTP, .code = 500};
    const struct interval_endpoint *e0, *e2;
    uint64_t total0 = 0;

    (void)state;
    assert_non_null(r);
    hist_init(expect0);
    hist_init(expect2);
    for (int i = 0; i < 1000; i++) {
        int64_t lat = 1000 + (int64_t)i * 997 % 250000;

        recorder_add(r, 0, 1700000000.0 + i * 0.0009, lat, 100, i % 10 == 0 ? &boom : NULL);
        hist_record(expect0, (uint64_t)lat);
        total0 += (uint64_t)lat;
    }
    recorder_add(r, 2, 1700000000.95, 7, 1, &nf);
    recorder_add(r, 2, 1700000000.05, 3000000, 2, NULL);   /* out of order in time */
    hist_record(expect2, 7);
    hist_record(expect2, 3000000);
    assert_int_equal(c.n, 0);
    recorder_flush(r);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.ivs[0]->second, 1700000000);
    assert_int_equal(c.ivs[0]->worker, 3);
    assert_true(c.ivs[0]->first_time == 1700000000.0);
    assert_true(c.ivs[0]->last_time == 1700000000.95);
    assert_int_equal(c.ivs[0]->n_endpoints, 2);             /* endpoints with requests only */
    assert_int_equal(c.ivs[0]->endpoints[0].endpoint, 0);
    e0 = find_ep(c.ivs[0], 0);
    e2 = find_ep(c.ivs[0], 2);
    assert_non_null(e0);
    assert_non_null(e2);
    assert_int_equal(e0->requests, 1000);
    assert_int_equal(e0->failures, 100);
    assert_int_equal(e0->expected, 0);
    assert_int_equal(e0->none_requests, 0);
    assert_int_equal(e0->total_us, total0);
    assert_int_equal(e0->total_bytes, 100000);
    assert_int_equal(e0->min_us, expect0->min);
    assert_int_equal(e0->max_us, expect0->max);
    assert_pairs_equal_hist(c.ivs[0], e0, expect0);
    check_second_endpoint(c.ivs[0], e2, expect2);
    assert_int_equal(c.ivs[0]->n_pairs, e0->pair_count + e2->pair_count);
    assert_int_equal(recorder_dropped(r), 0);
    catcher_free(&c);
    recorder_destroy(r);
    free(expect0);
    free(expect2);
}

static void test_outcome_grouping(void **state)
{
    struct catcher c = {0};
    struct recorder *r = recorder_create(2, 0, catch_cb, &c);
    struct outcome nf = {.kind = OUTCOME_HTTP, .code = 404};
    struct outcome nf_expected = {.kind = OUTCOME_HTTP, .code = 404, .expected = 1};
    struct outcome refused = {.kind = OUTCOME_TRANSPORT, .code = CURLE_COULDNT_CONNECT,
                              .aux = ECONNREFUSED};
    struct outcome big = {.kind = OUTCOME_TRANSPORT, .code = CURLE_RECV_ERROR,
                          .text = "Too large response headers: 312358 > 307200"};
    struct outcome big2 = big;
    struct outcome check_a = {.kind = OUTCOME_CHECK, .text = "check failed: status (got 1)"};
    struct outcome check_b = {.kind = OUTCOME_CHECK, .text = "check failed: status (got 2)"};
    char buf_a[64];
    struct outcome check_a2 = {.kind = OUTCOME_CHECK, .text = buf_a};
    struct outcome script = {.kind = OUTCOME_SCRIPT, .text = "variable id is not set"};
    const struct interval *iv;

    (void)state;
    big2.text = "Too large response headers: 98 > 307200";     /* the same but for numbers */
    snprintf(buf_a, sizeof buf_a, "%s", check_a.text);  /* same text, another pointer */
    for (int i = 0; i < 3; i++) {
        recorder_add(r, 0, 100.1, 1000, 0, &nf);
        recorder_add(r, 1, 100.1, 1000, 0, &nf);
        recorder_add(r, 0, 100.1, 1000, 0, &nf_expected);
    }
    recorder_add(r, 0, 100.2, 30000, 0, &refused);
    recorder_add(r, 0, 100.2, 30000, 0, &refused);
    recorder_add(r, 0, 100.2, 30000, 0, &big);
    recorder_add(r, 0, 100.2, 30000, 0, &big2);
    recorder_add(r, 1, 100.3, 500, 0, &check_a);
    recorder_add(r, 1, 100.3, 500, 0, &check_b);
    recorder_add(r, 1, 100.3, 500, 0, &check_a2);
    recorder_add(r, 1, 100.4, -1, 0, &script);
    recorder_flush(r);
    assert_int_equal(c.n, 1);
    iv = c.ivs[0];
    assert_int_equal(iv->n_errors, 8);
    assert_int_equal(find_error(iv, 0, OUTCOME_HTTP, 404, 0, "")->count, 3);
    assert_int_equal(find_error(iv, 1, OUTCOME_HTTP, 404, 0, "")->count, 3);
    assert_int_equal(find_error(iv, 0, OUTCOME_HTTP, 404, 1, "")->count, 3);
    assert_int_equal(find_error(iv, 0, OUTCOME_TRANSPORT, CURLE_COULDNT_CONNECT, 0, "")->count,
                     2);
    assert_int_equal(find_error(iv, 0, OUTCOME_TRANSPORT, CURLE_COULDNT_CONNECT, 0, "")->aux,
                     ECONNREFUSED);
    assert_int_equal(find_error(iv, 0, OUTCOME_TRANSPORT, CURLE_RECV_ERROR, 0, big.text)->count,
                     2);                                 /* kept with the first text */
    assert_int_equal(find_error(iv, 1, OUTCOME_CHECK, 0, 0, check_a.text)->count, 2);
    assert_int_equal(find_error(iv, 1, OUTCOME_CHECK, 0, 0, check_b.text)->count, 1);
    assert_int_equal(find_error(iv, 1, OUTCOME_SCRIPT, 0, 0, script.text)->count, 1);
    assert_int_equal(find_ep(iv, 0)->failures, 7);
    assert_int_equal(find_ep(iv, 0)->expected, 3);
    assert_int_equal(find_ep(iv, 1)->failures, 7);
    catcher_free(&c);
    recorder_destroy(r);
}

static void test_long_text_truncated_on_utf8_boundary(void **state)
{
    struct catcher c = {0};
    struct recorder *r = recorder_create(1, 0, catch_cb, &c);
    char text[400], other[400];
    struct outcome o = {.kind = OUTCOME_CHECK, .text = text};
    struct outcome o2 = {.kind = OUTCOME_CHECK, .text = other};
    size_t len;

    (void)state;
    memset(text, 'x', INTERVAL_TEXT_MAX - 2);                 /* 190 ASCII bytes */
    snprintf(text + INTERVAL_TEXT_MAX - 2, 100, "\xc3\xa9tail");   /* 'é' across the cut */
    memcpy(other, text, sizeof text);
    other[INTERVAL_TEXT_MAX + 1] = 'y';                     /* differs only after the cut */
    recorder_add(r, 0, 5.0, 1, 0, &o);
    recorder_add(r, 0, 5.0, 1, 0, &o2);
    recorder_flush(r);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.ivs[0]->n_errors, 1);                  /* grouped by the kept text */
    assert_int_equal(c.ivs[0]->errors[0].count, 2);
    len = strlen(c.ivs[0]->errors[0].text);
    assert_int_equal(len, INTERVAL_TEXT_MAX - 2);             /* the cut 'é' is left out */
    assert_memory_equal(c.ivs[0]->errors[0].text, text, len);
    catcher_free(&c);
    recorder_destroy(r);
}

static void test_second_change_emits_previous_second(void **state)
{
    struct catcher c = {0};
    struct recorder *r = recorder_create(1, 0, catch_cb, &c);

    (void)state;
    recorder_add(r, 0, 100.2, 10, 0, NULL);
    recorder_add(r, 0, 100.9, 20, 0, NULL);
    assert_int_equal(c.n, 0);
    recorder_add(r, 0, 101.1, 30, 0, NULL);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.ivs[0]->second, 100);
    assert_int_equal(c.ivs[0]->endpoints[0].requests, 2);
    assert_true(c.ivs[0]->first_time == 100.2 && c.ivs[0]->last_time == 100.9);
    recorder_flush(r);                    /* a partial second: the publish timer */
    recorder_add(r, 0, 101.7, 40, 0, NULL);
    recorder_flush(r);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.ivs[1]->second, 101);
    assert_int_equal(c.ivs[1]->endpoints[0].requests, 1);
    assert_int_equal(c.ivs[1]->endpoints[0].min_us, 30);
    assert_int_equal(c.ivs[2]->second, 101);
    assert_int_equal(c.ivs[2]->endpoints[0].min_us, 40);
    assert_true(c.ivs[2]->first_time == 101.7);
    recorder_add(r, 0, 99.5, 5, 0, NULL);  /* a clock stepping back is another second too */
    recorder_add(r, 0, -0.5, 5, 0, NULL);  /* floor, not truncation */
    recorder_flush(r);
    assert_int_equal(c.n, 5);
    assert_int_equal(c.ivs[3]->second, 99);
    assert_int_equal(c.ivs[4]->second, -1);
    catcher_free(&c);
    recorder_destroy(r);
}

static void test_flush_on_empty_emits_nothing(void **state)
{
    struct catcher c = {0};
    struct recorder *r = recorder_create(3, 0, catch_cb, &c);

    (void)state;
    recorder_flush(r);
    assert_int_equal(c.n, 0);
    recorder_add(r, 1, 7.5, 10, 0, NULL);
    recorder_flush(r);
    recorder_flush(r);
    assert_int_equal(c.n, 1);
    catcher_free(&c);
    recorder_destroy(r);
}

static void test_none_requests(void **state)
{
    struct catcher c = {0};
    struct recorder *r = recorder_create(1, 0, catch_cb, &c);
    struct outcome unset = {.kind = OUTCOME_SCRIPT, .text = "variable token is not set"};
    const struct interval_endpoint *ep;

    (void)state;
    recorder_add(r, 0, 50.0, -1, 0, &unset);
    recorder_add(r, 0, 50.1, -1, 0, &unset);
    recorder_flush(r);
    assert_int_equal(c.n, 1);
    ep = &c.ivs[0]->endpoints[0];
    assert_int_equal(ep->requests, 2);
    assert_int_equal(ep->none_requests, 2);
    assert_int_equal(ep->failures, 2);
    assert_int_equal(ep->pair_count, 0);
    assert_int_equal(ep->total_us, 0);
    assert_int_equal(ep->min_us, 0);
    assert_int_equal(ep->max_us, 0);
    assert_int_equal(c.ivs[0]->n_pairs, 0);
    recorder_add(r, 0, 51.0, -1, 0, NULL);
    recorder_add(r, 0, 51.0, 250, 0, NULL);
    recorder_flush(r);
    ep = &c.ivs[1]->endpoints[0];
    assert_int_equal(ep->requests, 2);
    assert_int_equal(ep->none_requests, 1);
    assert_int_equal(ep->failures, 0);
    assert_int_equal(ep->pair_count, 1);
    assert_int_equal(c.ivs[1]->pairs[ep->pair_start].count, 1);
    assert_int_equal(ep->min_us, 250);
    catcher_free(&c);
    recorder_destroy(r);
}

static void test_full_table_emits_early(void **state)
{
    struct catcher c = {0};
    struct recorder *r = recorder_create(2, 0, catch_cb, &c);
    uint64_t requests = 0, failures = 0, errors = 0;

    (void)state;
    for (int i = 0; i < RECORDER_MAX_ERRORS + 10; i++) {
        struct outcome o = {.kind = OUTCOME_HTTP, .code = 400 + i};

        recorder_add(r, (uint32_t)i % 2, 200.5, 100, 0, &o);
        recorder_add(r, (uint32_t)i % 2, 200.5, 100, 0, &o);
    }
    assert_int_equal(c.n, 1);             /* no data lost: the full interval left early */
    assert_int_equal(c.ivs[0]->n_errors, RECORDER_MAX_ERRORS);
    recorder_flush(r);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.ivs[1]->n_errors, 10);
    for (size_t k = 0; k < c.n; k++) {
        assert_int_equal(c.ivs[k]->second, 200);
        for (uint32_t i = 0; i < c.ivs[k]->n_endpoints; i++) {
            requests += c.ivs[k]->endpoints[i].requests;
            failures += c.ivs[k]->endpoints[i].failures;
        }
        for (uint32_t i = 0; i < c.ivs[k]->n_errors; i++) {
            assert_int_equal(c.ivs[k]->errors[i].count, 2);
            errors += c.ivs[k]->errors[i].count;
        }
    }
    assert_int_equal(requests, 2 * (RECORDER_MAX_ERRORS + 10));
    assert_int_equal(failures, requests);
    assert_int_equal(errors, requests);
    catcher_free(&c);
    recorder_destroy(r);
}

static void test_many_intervals_reuse_state(void **state)
{
    struct catcher c = {0};
    struct recorder *r = recorder_create(2, 0, catch_cb, &c);

    (void)state;
    /* state is fully reset between intervals: each second carries only its own data */
    for (int s = 0; s < 40; s++) {
        struct outcome o = {.kind = OUTCOME_HTTP, .code = 500 + s % 3};

        recorder_add(r, 1, 1000.0 + s, 1000 * (s + 1), 10, &o);
        recorder_add(r, 1, 1000.5 + s, 1000 * (s + 1) + 1, 10, NULL);
        if (s % 8 == 7) {
            recorder_flush(r);
            for (size_t i = 0; i < c.n; i++) {
                const struct interval *iv = c.ivs[i];

                assert_int_equal(iv->n_endpoints, 1);
                assert_int_equal(iv->endpoints[0].requests, 2);
                assert_int_equal(iv->endpoints[0].min_us, 1000 * (iv->second - 999));
                assert_int_equal(iv->n_errors, 1);
                assert_int_equal(iv->errors[0].code, 500 + (iv->second - 1000) % 3);
            }
            catcher_free(&c);
        }
    }
    recorder_destroy(r);
}

/* ---- memory running out ------------------------------------------------------------------ */

/* Fails every allocation larger than *limit bytes (0: all of them, SIZE_MAX: none). */
static void *limited_alloc(size_t size, void *arg)
{
    const size_t *limit = arg;

    return size > *limit ? NULL : malloc(size);
}

/* The engine's path in small: every interval straight into the collector. */
struct collector {
    struct stats *stats;
    size_t intervals;
};

static void collect_cb(void *arg, struct interval *iv)
{
    struct collector *c = arg;

    stats_merge(c->stats, iv);
    c->intervals++;
    interval_free(iv);
}

static void test_lost_requests_reach_the_snapshot(void **state)
{
    const char *methods[] = {"GET", "POST"}, *names[] = {"/a", "/b"};
    double t0 = 1700000000.0;
    struct collector c = {stats_create(2, methods, names, t0), 0};
    struct recorder *r = recorder_create(2, 0, collect_cb, &c);
    struct snapshot *snap = calloc(1, sizeof *snap);
    size_t limit = SIZE_MAX;

    (void)state;
    assert_non_null(c.stats);
    assert_non_null(snap);
    recorder_set_alloc(r, limited_alloc, &limit);
    recorder_add(r, 0, t0 + 0.1, 1000, 10, NULL);
    recorder_flush(r);
    assert_int_equal(c.intervals, 1);
    limit = 0;                                  /* nothing can be allocated */
    for (int i = 0; i < 5; i++)
        recorder_add(r, 1, t0 + 0.2, 2000, 10, NULL);
    recorder_add(r, 0, t0 + 1.3, 1000, 10, NULL);   /* the second moves on: 5 lost */
    assert_int_equal(recorder_dropped(r), 5);
    recorder_flush(r);                          /* 1 more lost; even its count stays */
    assert_int_equal(recorder_dropped(r), 6);
    assert_int_equal(c.intervals, 1);
    limit = SIZE_MAX;
    recorder_flush(r);                          /* nothing pending: the count leaves alone */
    assert_int_equal(c.intervals, 2);
    recorder_flush(r);                          /* ... once */
    assert_int_equal(c.intervals, 2);
    recorder_add(r, 1, t0 + 2.5, 3000, 10, NULL);
    limit = sizeof(struct interval);            /* the count fits where an interval does not */
    recorder_flush(r);
    assert_int_equal(recorder_dropped(r), 7);
    assert_int_equal(c.intervals, 3);
    stats_fill(c.stats, t0 + 3.0, snap);
    assert_int_equal(snap->requests_dropped, 7);
    assert_int_equal(snap->total.requests, 1); /* only the one recorded */
    stats_reset(c.stats, t0 + 3.0);             /* a reset forgets them with the rest */
    stats_fill(c.stats, t0 + 3.5, snap);
    assert_int_equal(snap->requests_dropped, 0);
    recorder_destroy(r);
    stats_destroy(c.stats);
    free(snap);
}

/* A count of lost requests is an interval without endpoints, timed like the requests it
 * stands for. */
static void test_lost_count_interval_shape(void **state)
{
    struct catcher c = {0};
    struct recorder *r = recorder_create(2, 3, catch_cb, &c);
    size_t limit = sizeof(struct interval);

    (void)state;
    recorder_set_alloc(r, limited_alloc, &limit);
    recorder_add(r, 0, 1000.25, 1000, 10, NULL);
    recorder_add(r, 1, 1000.75, 1000, 10, NULL);
    recorder_flush(r);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.ivs[0]->dropped, 2);
    assert_int_equal(c.ivs[0]->n_endpoints, 0);
    assert_int_equal(c.ivs[0]->n_errors, 0);
    assert_int_equal(c.ivs[0]->n_pairs, 0);
    assert_int_equal(c.ivs[0]->second, 1000);
    assert_int_equal(c.ivs[0]->worker, 3);
    assert_true(c.ivs[0]->first_time == 1000.25 && c.ivs[0]->last_time == 1000.75);
    recorder_set_alloc(r, NULL, NULL);          /* malloc again: intervals carry no count */
    recorder_add(r, 0, 1001.5, 1000, 10, NULL);
    recorder_flush(r);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.ivs[1]->dropped, 0);
    assert_int_equal(c.ivs[1]->endpoints[0].requests, 1);
    catcher_free(&c);
    recorder_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_counters_and_pairs),
        cmocka_unit_test(test_outcome_grouping),
        cmocka_unit_test(test_long_text_truncated_on_utf8_boundary),
        cmocka_unit_test(test_second_change_emits_previous_second),
        cmocka_unit_test(test_flush_on_empty_emits_nothing),
        cmocka_unit_test(test_none_requests),
        cmocka_unit_test(test_full_table_emits_early),
        cmocka_unit_test(test_many_intervals_reuse_state),
        cmocka_unit_test(test_lost_requests_reach_the_snapshot),
        cmocka_unit_test(test_lost_count_interval_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
