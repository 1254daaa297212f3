/* Tests of secring.c: slots claimed per second with eviction, seconds older than the ring
 * refused, parts that merge sorted sparse pairs and counts, folding one part into another,
 * clearing, and memory that stops growing once warm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "secring.h"

static size_t evicted[16];
static int64_t evicted_second[16];
static size_t n_evicted;

static void evict_cb(void *ctx, size_t slot)
{
    struct secring *r = ctx;

    evicted[n_evicted] = slot;
    evicted_second[n_evicted++] = secring_second(r, slot);
}

static void test_claim_and_find(void **state)
{
    struct secring *r = secring_create(4, 2);

    (void)state;
    n_evicted = 0;
    assert_int_equal(secring_find(r, 10), -1);
    assert_int_equal(secring_claim(r, 10, evict_cb, r), 2);
    assert_int_equal(secring_find(r, 10), 2);
    assert_int_equal(secring_second(r, 2), 10);
    assert_int_equal(secring_claim(r, 10, evict_cb, r), 2);       /* already its own */
    assert_int_equal(secring_claim(r, 13, evict_cb, r), 1);
    assert_int_equal(n_evicted, 0);
    assert_int_equal(secring_claim(r, 9, evict_cb, r), -1);       /* 13 - 3 = 10 is the oldest */
    assert_int_equal(secring_claim(r, 14, evict_cb, r), 2);       /* takes 10's slot */
    assert_int_equal(n_evicted, 1);
    assert_int_equal(evicted[0], 2);
    assert_int_equal(evicted_second[0], 10);
    assert_int_equal(secring_find(r, 10), -1);
    assert_int_equal(secring_claim(r, -3, evict_cb, r), -1);      /* far older */
    secring_clear(r);
    assert_int_equal(secring_find(r, 14), -1);
    assert_int_equal(secring_claim(r, -3, evict_cb, r), 1);       /* negative seconds wrap */
    assert_int_equal(secring_find(r, -3), 1);
    assert_int_equal(secring_find(r, INT64_MIN), -1);
    secring_destroy(r);
}

static void test_parts(void **state)
{
    struct secring *r = secring_create(2, 2);
    const struct hist_pair a[] = {{3, 1}, {7, 2}}, b[] = {{1, 5}, {7, 1}, {9, 1}};
    struct interval_endpoint ia = {.requests = 4, .failures = 1, .none_requests = 1,
                                   .total_us = 300, .min_us = 30, .max_us = 70};
    struct interval_endpoint ib = {.requests = 7, .total_us = 900, .min_us = 10, .max_us = 90};
    struct secring_part *p;
    long sl;

    (void)state;
    sl = secring_claim(r, 100, NULL, NULL);
    assert_true(sl >= 0);
    assert_int_equal(secring_add(r, (size_t)sl, 0, &ia, a, 2), 0);
    assert_int_equal(secring_add(r, (size_t)sl, 0, &ib, b, 3), 0);
    p = secring_part(r, (size_t)sl, 0);
    assert_int_equal(p->requests, 11);
    assert_int_equal(p->failures, 1);
    assert_int_equal(p->none, 1);
    assert_int_equal(p->total_us, 1200);
    assert_int_equal(p->latencies, 10);
    assert_int_equal(p->min_us, 10);
    assert_int_equal(p->max_us, 90);
    assert_int_equal(p->n_pairs, 4);
    assert_int_equal(p->pairs[0].index, 1);
    assert_int_equal(p->pairs[1].index, 3);
    assert_int_equal(p->pairs[2].index, 7);
    assert_int_equal(p->pairs[2].count, 3);
    assert_int_equal(p->pairs[3].index, 9);
    /* fold into an empty part moves it whole; into a full one merges */
    assert_int_equal(secring_fold(r, (size_t)sl, 0, 1), 0);
    assert_int_equal(p->requests, 0);
    assert_int_equal(p->n_pairs, 0);
    assert_int_equal(p->min_us, UINT64_MAX);
    assert_int_equal(secring_part(r, (size_t)sl, 1)->requests, 11);
    assert_int_equal(secring_add(r, (size_t)sl, 0, &ia, a, 2), 0);
    assert_int_equal(secring_fold(r, (size_t)sl, 0, 1), 0);
    p = secring_part(r, (size_t)sl, 1);
    assert_int_equal(p->requests, 15);
    assert_int_equal(p->latencies, 13);
    assert_int_equal(p->n_pairs, 4);
    assert_int_equal(p->pairs[1].count, 2);
    /* a new second empties the slot's parts */
    sl = secring_claim(r, 102, NULL, NULL);
    assert_int_equal(secring_part(r, (size_t)sl, 1)->requests, 0);
    secring_destroy(r);
}

static void test_memory_stops_growing(void **state)
{
    struct secring *r = secring_create(3, 1);
    struct hist_pair pairs[100];
    struct interval_endpoint ie = {.requests = 100, .min_us = 1, .max_us = 100};
    size_t warm = 0;

    (void)state;
    for (uint32_t i = 0; i < 100; i++)
        pairs[i] = (struct hist_pair){i, 1};
    for (int64_t t = 0; t < 50; t++) {
        long sl = secring_claim(r, t, NULL, NULL);

        assert_int_equal(secring_add(r, (size_t)sl, 0, &ie, pairs, 100), 0);
        if (t == 10)
            warm = secring_memory(r);
    }
    assert_int_equal(secring_memory(r), warm);
    secring_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claim_and_find),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_memory_stops_growing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
