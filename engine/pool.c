/* pool: one worker's share of an open class: the arrival timer, the users' lists and the
 * counters the control thread reads (see pool.h). Worker thread; the counters are atomics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "pool.h"
#include "user.h"
#include "worker.h"

/* ---- the lists ------------------------------------------------------------------------------ */

static void list_push(struct user **head, struct user *u, enum pool_state state)
{
    struct pool_link *l = user_pool_link(u);

    l->prev = NULL;
    l->next = *head;
    if (*head)
        user_pool_link(*head)->prev = u;
    *head = u;
    l->state = (uint8_t)state;
    l->listed = true;
}

static void list_remove(struct user **head, struct user *u)
{
    struct pool_link *l = user_pool_link(u);

    if (!l->listed)
        return;
    if (l->prev)
        user_pool_link(l->prev)->next = l->next;
    else
        *head = l->next;
    if (l->next)
        user_pool_link(l->next)->prev = l->prev;
    l->prev = l->next = NULL;
    l->listed = false;
}

static struct user *list_pop(struct user **head)
{
    struct user *u = *head;

    if (u) {
        list_remove(head, u);
        user_pool_link(u)->state = POOL_BUSY;
    }
    return u;
}

/* ---- the counters the control thread reads -------------------------------------------------- */

static void add_second(struct pool *p, int64_t second, uint32_t started, uint32_t dropped)
{
    struct pool_second *s = &p->seconds[(uint64_t)second % POOL_SECONDS];

    if (atomic_load_explicit(&s->second, memory_order_relaxed) != second) {
        atomic_store_explicit(&s->started, 0, memory_order_relaxed);
        atomic_store_explicit(&s->dropped, 0, memory_order_relaxed);
        atomic_store_explicit(&s->second, second, memory_order_release);
    }
    atomic_fetch_add_explicit(&s->started, started, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->dropped, dropped, memory_order_relaxed);
}

/* What the slot decided since the last call, into the second it happened in, and the pool. */
static void publish(struct pool *p)
{
    const struct arrival_slot *s = &p->slot;

    if (s->started != p->pub_started || s->dropped != p->pub_dropped) {
        add_second(p, (int64_t)floor(ev_now(p->w->loop)),
                   (uint32_t)(s->started - p->pub_started),
                   (uint32_t)(s->dropped - p->pub_dropped));
        p->pub_started = s->started;
        p->pub_dropped = s->dropped;
    }
    atomic_store_explicit(&p->due, s->due, memory_order_relaxed);
    atomic_store_explicit(&p->started, s->started, memory_order_relaxed);
    atomic_store_explicit(&p->dropped, s->dropped, memory_order_relaxed);
    atomic_store_explicit(&p->users, s->users, memory_order_relaxed);
    atomic_store_explicit(&p->busy, arrival_slot_busy(s), memory_order_relaxed);
    atomic_store_explicit(&p->waiting, s->wait_n, memory_order_relaxed);
}

void pool_read_totals(const struct pool *p, uint64_t *due, uint64_t *started,
                      uint64_t *dropped, uint32_t *users, uint32_t *busy, uint32_t *waiting)
{
    *due = atomic_load_explicit(&p->due, memory_order_relaxed);
    *started = atomic_load_explicit(&p->started, memory_order_relaxed);
    *dropped = atomic_load_explicit(&p->dropped, memory_order_relaxed);
    *users = atomic_load_explicit(&p->users, memory_order_relaxed);
    *busy = atomic_load_explicit(&p->busy, memory_order_relaxed);
    *waiting = atomic_load_explicit(&p->waiting, memory_order_relaxed);
}

bool pool_read_second(const struct pool *p, int64_t second, uint32_t *started,
                      uint32_t *dropped)
{
    const struct pool_second *s = &p->seconds[(uint64_t)second % POOL_SECONDS];

    if (atomic_load_explicit(&s->second, memory_order_acquire) != second)
        return false;
    *started = atomic_load_explicit(&s->started, memory_order_relaxed);
    *dropped = atomic_load_explicit(&s->dropped, memory_order_relaxed);
    return atomic_load_explicit(&s->second, memory_order_acquire) == second;
}

/* ---- carrying out the slot's decisions ------------------------------------------------------ */

/* A new user of the pool, to run the arrival intended at `intended` after its on_start (or,
 * intended < 0, free after it). NULL when it could not be created (reported). */
static struct user *spawn(struct pool *p, bool with_arrival, double intended)
{
    uint32_t index = p->first_index + p->created++ % p->slot.max_users;
    struct user *u = worker_new_user(p->w, p->cls, index);

    if (!u)
        return NULL;
    user_join_pool(u, p, with_arrival, intended);
    if (!with_arrival)
        list_push(&p->starting, u, POOL_STARTING);
    user_start(u);
    return u;
}

static void carry_out(struct pool *p, enum arrival_action action, double intended)
{
    struct user *u;

    switch (action) {
    case ARRIVAL_START:
        if ((u = list_pop(&p->idle)))
            user_run_arrival(u, intended);
        break;
    case ARRIVAL_ASSIGN:
        if ((u = list_pop(&p->starting)))
            user_assign_arrival(u, intended);
        break;
    case ARRIVAL_SPAWN:
        if (!spawn(p, true, intended))
            arrival_slot_spawn_failed(&p->slot);
        break;
    case ARRIVAL_WAIT:
    case ARRIVAL_DROP:
        break;
    }
}

/* Arm the timerfd at unix time `at` (INFINITY: disarm). A time already past fires at once. */
static void arm(struct pool *p, double at)
{
    struct itimerspec its = {0};

    if (!isinf(at)) {
        double sec = floor(at);
        its.it_value.tv_sec = (time_t)sec;
        its.it_value.tv_nsec = (long)((at - sec) * 1e9);
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
            its.it_value.tv_nsec = 1;           /* 0 would disarm */
    }
    if (timerfd_settime(p->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
        uint64_t expirations;       /* not re-armed: clear its count, or the loop would spin */
        if (read(p->tfd, &expirations, sizeof expirations) < 0)
            return;
    }
}

/* Everything due by now (the loop's clock brought up to date: arrivals start on time), then
 * the timer at the next arrival. */
static void run_due(struct pool *p)
{
    struct ev_loop *loop = p->w->loop;
    double now, intended;
    enum arrival_action action;

    ev_now_update(loop);
    now = ev_now(loop);
    while (!p->stopped && arrival_slot_take(&p->slot, now, &intended, &action))
        carry_out(p, action, intended);
    publish(p);
    arm(p, p->stopped ? INFINITY : arrival_slot_next(&p->slot));
}

/* The timerfd expired. No read(2): run_due re-arms (or disarms) it, which resets its count,
 * so it is not readable any more: one system call less per wake-up. */
static void timer_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    run_due(w->data);
}

void pool_user_free(struct pool *p, struct user *u)
{
    struct pool_link *l = user_pool_link(u);
    bool was_starting = l->state == POOL_STARTING;
    double intended;

    if (was_starting)
        list_remove(&p->starting, u);
    l->state = POOL_BUSY;
    if (arrival_slot_user_free(&p->slot, ev_now(p->w->loop), was_starting, &intended)) {
        publish(p);
        user_run_arrival(u, intended);
        return;
    }
    list_push(&p->idle, u, POOL_IDLE);
    publish(p);
}

void pool_user_gone(struct pool *p, struct user *u)
{
    struct pool_link *l = user_pool_link(u);
    enum arrival_user state = l->state == POOL_IDLE ? ARRIVAL_USER_IDLE
                              : l->state == POOL_STARTING ? ARRIVAL_USER_STARTING
                              : ARRIVAL_USER_BUSY;

    list_remove(l->state == POOL_IDLE ? &p->idle : &p->starting, u);
    arrival_slot_user_gone(&p->slot, state);
    l->state = POOL_BUSY;
    publish(p);
}

/* ---- life cycle ---------------------------------------------------------------------------- */

void pool_set_curve(struct pool *p, const struct arrival_curve *cv)
{
    arrival_slot_set_curve(&p->slot, cv);
    run_due(p);
}

void pool_stop(struct pool *p)
{
    p->stopped = true;
    arm(p, INFINITY);
    arrival_slot_expire(&p->slot, INFINITY);
    publish(p);
}

void pool_tick(struct pool *p)
{
    if (!p->stopped)
        run_due(p);             /* expires, and serves a line a freed place can take */
    else
        publish(p);
}

struct pool *pool_create(struct worker *w, uint32_t cls, const struct openmodel_slot *plan,
                         uint32_t first_index)
{
    struct pool *p = calloc(1, sizeof *p);
    const struct scenario *scn = w->plan->scn;
    struct class_arrivals arr;
    uint32_t n;

    if (!p || !scenario_class_arrivals(scn, cls, &arr) ||
        (p->tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC)) < 0) {
        free(p);
        return NULL;
    }
    p->w = w;
    p->cls = cls;
    p->first_index = first_index;
    for (size_t i = 0; i < POOL_SECONDS; i++)
        atomic_init(&p->seconds[i].second, INT64_MIN);
    arrival_slot_init(&p->slot, arr.cfg, plan->share, plan->phase, plan->max_users,
                      plan->max_delay);
    ev_io_init(&p->timer, timer_cb, p->tfd, EV_READ);
    /* After the transfers of the same loop iteration: when the worker was held up (the
     * machine busy), the answers that came meanwhile free their users before the arrivals
     * that came due look for one, rather than make the pool grow for nothing. */
    ev_set_priority(&p->timer, EV_MINPRI);
    p->timer.data = p;
    ev_io_start(w->loop, &p->timer);
    n = arrival_slot_preallocate(&p->slot, plan->pre_allocated);
    for (uint32_t i = 0; i < n; i++)
        if (!spawn(p, false, -1.0))
            arrival_slot_user_gone(&p->slot, ARRIVAL_USER_STARTING);
    pool_set_curve(p, &plan->curve);
    return p;
}

void pool_destroy(struct pool *p)
{
    if (!p)
        return;
    ev_io_stop(p->w->loop, &p->timer);
    close(p->tfd);
    arrival_slot_free(&p->slot);
    free(p);
}
