/* Tests of the target's backend model (src/target/backend.c) with an injected clock: the
 * database pool's holding, waiting in arrival order and resizing; Celery queues growing with
 * sent tasks and draining at workers x rate (never with 0 workers, idle capacity not banked,
 * the longer queue first); Redis commands, clients and memory; the latency histogram. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "target/backend.h"

static void test_pool(void **state)
{
    struct backend b;

    (void)state;
    backend_init(&b, 2, 0, 0, 0);
    assert_true(backend_db_acquire(&b));
    assert_true(backend_db_acquire(&b));
    assert_false(backend_db_acquire(&b));           /* exhausted: the third waits */
    assert_false(backend_db_acquire(&b));
    assert_int_equal(b.in_use, 2);
    assert_int_equal(b.waiting, 2);
    assert_false(backend_db_grant(&b));             /* nothing free yet */
    backend_db_release(&b);
    assert_true(backend_db_grant(&b));              /* the oldest waiter gets it */
    assert_false(backend_db_grant(&b));
    assert_int_equal(b.in_use, 2);
    assert_int_equal(b.waiting, 1);
    assert_false(backend_db_acquire(&b));           /* a newcomer does not overtake */
    assert_int_equal(b.waiting, 2);
    backend_db_abandon(&b);                         /* one waiter's client left */
    assert_int_equal(b.waiting, 1);

    backend_db_resize(&b, 4);                       /* grown: the waiter is served */
    assert_true(backend_db_grant(&b));
    assert_false(backend_db_grant(&b));
    assert_int_equal(b.in_use, 3);
    assert_true(backend_db_acquire(&b));
    assert_false(backend_db_acquire(&b));
    backend_db_resize(&b, 1);                       /* shrunk below what is in use */
    for (int i = 0; i < 3; i++) {
        backend_db_release(&b);
        assert_false(backend_db_grant(&b));         /* 3, 2, 1 in use: none free */
    }
    backend_db_release(&b);
    assert_true(backend_db_grant(&b));
    assert_int_equal(b.in_use, 1);
    assert_int_equal(b.waiting, 0);
    assert_int_equal(b.acquired, 6);
    assert_int_equal(b.waited, 3);
    backend_db_resize(&b, 0);
    assert_int_equal(b.pool_size, 1);               /* never zero */
}

static void test_uses_db(void **state)
{
    (void)state;
    assert_true(backend_uses_db(ROUTE_DEPLOYMENT_GET));
    assert_true(backend_uses_db(ROUTE_AUTH_TOKEN));
    assert_true(backend_uses_db(ROUTE_CONNECTOR_PUBLISH));
    assert_false(backend_uses_db(ROUTE_HEALTH));
    assert_false(backend_uses_db(ROUTE_STATS));
    assert_false(backend_uses_db(ROUTE_METRICS));
    assert_false(backend_uses_db(ROUTE_CONTROL));
    assert_false(backend_uses_db(ROUTE_OTHER));
}

static void test_celery_drains(void **state)
{
    struct backend b;

    (void)state;
    backend_init(&b, 10, 2, 5, 100.0);              /* 2 workers x 5 tasks/s = 10/s */
    for (int i = 0; i < 30; i++)
        backend_task_sent(&b, BACKEND_TASK_CAB, 100.0);
    for (int i = 0; i < 10; i++)
        backend_task_sent(&b, BACKEND_TASK_PUBLISH, 100.0);
    assert_int_equal(backend_queue_total(&b), 40);
    assert_int_equal(backend_active_tasks(&b), 2);
    backend_advance(&b, 101.0);                     /* 10 done, from the longer queue */
    assert_int_equal(b.queued[BACKEND_TASK_CAB], 20);
    assert_int_equal(b.queued[BACKEND_TASK_PUBLISH], 10);
    backend_advance(&b, 101.0625);                  /* 0.625 of a task: none done yet */
    assert_int_equal(backend_queue_total(&b), 30);
    backend_advance(&b, 101.125);                   /* 1.25: one, a quarter carried */
    assert_int_equal(backend_queue_total(&b), 29);
    backend_advance(&b, 102.25);                    /* 11.5: levelled, then alternating */
    assert_int_equal(b.queued[BACKEND_TASK_CAB], 9);
    assert_int_equal(b.queued[BACKEND_TASK_PUBLISH], 9);
    assert_int_equal(b.succeeded[BACKEND_TASK_CAB], 21);
    assert_int_equal(b.succeeded[BACKEND_TASK_PUBLISH], 1);
    backend_advance(&b, 200.0);                     /* everything, and no more */
    assert_int_equal(backend_queue_total(&b), 0);
    assert_int_equal(b.succeeded[BACKEND_TASK_CAB] + b.succeeded[BACKEND_TASK_PUBLISH], 40);
    assert_int_equal(backend_active_tasks(&b), 0);
    /* Idle time is not banked: a task sent after a long idle spell waits its turn. */
    backend_advance(&b, 1000.0);
    for (int i = 0; i < 20; i++)
        backend_task_sent(&b, BACKEND_TASK_PUBLISH, 1000.0);
    backend_advance(&b, 1001.0);
    assert_int_equal(backend_queue_total(&b), 10);
    assert_int_equal(b.sent[BACKEND_TASK_PUBLISH], 30);
}

static void test_celery_without_workers(void **state)
{
    struct backend b;

    (void)state;
    backend_init(&b, 10, 0, 4, 0);
    for (int i = 0; i < 7; i++)
        backend_task_sent(&b, i % 2 ? BACKEND_TASK_CAB : BACKEND_TASK_PUBLISH, i);
    backend_advance(&b, 1e6);
    assert_int_equal(backend_queue_total(&b), 7);   /* never drains */
    assert_int_equal(backend_active_tasks(&b), 0);
    backend_set_workers(&b, 1, 1e6);                /* from now on: 4 tasks/s */
    backend_advance(&b, 1e6 + 1);
    assert_int_equal(backend_queue_total(&b), 3);
    backend_set_rate(&b, 0, 1e6 + 1.25);            /* the 5th at the old pace, then none */
    backend_advance(&b, 2e6);
    assert_int_equal(backend_queue_total(&b), 2);
    backend_set_rate(&b, -5, 2e6);
    assert_true(b.rate == 0);
    /* A clock that goes backwards is a new base, not negative work. */
    backend_set_rate(&b, 1, 2e6);
    backend_advance(&b, 10);
    assert_int_equal(backend_queue_total(&b), 2);
    backend_advance(&b, 11);
    assert_int_equal(backend_queue_total(&b), 1);
}

static void test_redis(void **state)
{
    struct backend b;

    (void)state;
    backend_init(&b, 5, 3, 1, 0);
    assert_int_equal(backend_redis_clients(&b), BACKEND_REDIS_BASE_CLIENTS + 3);
    backend_request(&b, ROUTE_HEALTH, 200);                 /* PING */
    backend_request(&b, ROUTE_DEPLOYMENT_GET, 200);         /* session + throttle */
    backend_request(&b, ROUTE_DEPLOYMENT_CREATE, 201);      /* + cache invalidation */
    backend_request(&b, ROUTE_DEPLOYMENT_CREATE, 400);      /* nothing written */
    backend_request(&b, ROUTE_METRICS, 200);
    backend_request(&b, ROUTE_OTHER, 404);
    assert_int_equal(b.redis_commands, 1 + 2 + 3 + 2);
    backend_task_sent(&b, BACKEND_TASK_CAB, 0);             /* LPUSH */
    assert_int_equal(b.redis_commands, 9);
    assert_int_equal(backend_redis_memory(&b, 10), BACKEND_REDIS_BASE_BYTES +
                     10 * BACKEND_REDIS_OBJECT_BYTES + BACKEND_REDIS_TASK_BYTES);
    backend_advance(&b, 5);                                 /* BRPOP + SETEX */
    assert_int_equal(b.redis_commands, 11);
    assert_int_equal(backend_redis_memory(&b, 10), BACKEND_REDIS_BASE_BYTES +
                     10 * BACKEND_REDIS_OBJECT_BYTES);
    assert_true(backend_db_acquire(&b));
    assert_int_equal(backend_redis_clients(&b), BACKEND_REDIS_BASE_CLIENTS + 3 + 1);
}

static void test_latency_histogram(void **state)
{
    static struct backend b;
    static const double samples[] = {0, 0.01, 0.0100001, 0.3, 75, 76, -1};
    static const int bucket[] = {0, 0, 1, 6, 15, 16, 0};

    (void)state;
    backend_init(&b, 1, 0, 0, 0);
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        uint64_t before = b.lat_count[ROUTE_EVENTS][bucket[i]];
        backend_observe(&b, ROUTE_EVENTS, samples[i]);
        assert_int_equal(b.lat_count[ROUTE_EVENTS][bucket[i]], before + 1);
    }
    assert_true(b.lat_sum[ROUTE_EVENTS] > 151.31 && b.lat_sum[ROUTE_EVENTS] < 151.33);
    backend_observe(&b, ROUTE_COUNT, 1);                    /* ignored */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool),
        cmocka_unit_test(test_uses_db),
        cmocka_unit_test(test_celery_drains),
        cmocka_unit_test(test_celery_without_workers),
        cmocka_unit_test(test_redis),
        cmocka_unit_test(test_latency_histogram),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
