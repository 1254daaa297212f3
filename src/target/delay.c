/* delay: a timerfd-driven min-heap of waiting requests. Loop thread only. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "delay.h"
#include "delay_internal.h"

double delay_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void place(struct delay_queue *q, uint32_t i, struct delay_item *it)
{
    q->heap[i] = it;
    it->slot = i + 1;
}

static void sift_up(struct delay_queue *q, uint32_t i)
{
    struct delay_item *it = q->heap[i];

    while (i > 0 && q->heap[(i - 1) / 2]->due > it->due) {
        place(q, i, q->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    place(q, i, it);
}

static void sift_down(struct delay_queue *q, uint32_t i)
{
    struct delay_item *it = q->heap[i];

    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= q->count)
            break;
        if (child + 1 < q->count && q->heap[child + 1]->due < q->heap[child]->due)
            child++;
        if (q->heap[child]->due >= it->due)
            break;
        place(q, i, q->heap[child]);
        i = child;
    }
    place(q, i, it);
}

/* Set the timerfd for the earliest item (when it changed). */
static void arm(struct delay_queue *q)
{
    struct itimerspec when = {{0, 0}, {0, 0}};
    double due;

    if (q->count == 0 || q->heap[0]->due == q->armed)
        return;
    due = q->heap[0]->due;
    when.it_value.tv_sec = (time_t)due;
    when.it_value.tv_nsec = (long)((due - floor(due)) * 1e9);
    if (when.it_value.tv_sec == 0 && when.it_value.tv_nsec == 0)
        when.it_value.tv_nsec = 1;              /* zero would disarm */
    timerfd_settime(q->fd, TFD_TIMER_ABSTIME, &when, NULL);
    q->armed = due;
}

static void expired_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct delay_queue *q = w->data;
    uint64_t ticks;
    double now = delay_now();

    (void)loop, (void)revents;
    if (read(q->fd, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
        return;
    q->armed = 0;
    while (q->count && q->heap[0]->due <= now) {
        struct delay_item *it = q->heap[0];
        delay_cancel(q, it);
        q->fire(it);                            /* may queue new items */
    }
    arm(q);
}

int delay_init(struct delay_queue *q, struct ev_loop *loop, void (*fire)(struct delay_item *))
{
    *q = (struct delay_queue){.loop = loop, .fire = fire};
    q->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (q->fd < 0)
        return -1;
    ev_io_init(&q->io, expired_cb, q->fd, EV_READ);
    q->io.data = q;
    ev_io_start(loop, &q->io);
    return 0;
}

void delay_free(struct delay_queue *q)
{
    if (q->fd >= 0) {
        ev_io_stop(q->loop, &q->io);
        close(q->fd);
    }
    for (uint32_t i = 0; i < q->count; i++)
        q->heap[i]->slot = 0;
    free(q->heap);
    q->heap = NULL;
    q->count = q->cap = 0;
    q->fd = -1;
}

void delay_add(struct delay_queue *q, struct delay_item *it, double seconds)
{
    if (q->count == q->cap) {
        uint32_t cap = q->cap ? q->cap * 2 : 256;
        struct delay_item **heap = realloc(q->heap, cap * sizeof *heap);
        if (!heap) {
            fprintf(stderr, "hornet-target: out of memory (delay queue)\n");
            abort();
        }
        q->heap = heap;
        q->cap = cap;
    }
    it->due = delay_now() + seconds;
    place(q, q->count++, it);
    sift_up(q, q->count - 1);
    if (q->armed == 0 || it->due < q->armed)
        arm(q);
}

void delay_cancel(struct delay_queue *q, struct delay_item *it)
{
    uint32_t i;

    if (!it->slot)
        return;
    struct delay_item *moved;
    i = it->slot - 1;
    it->slot = 0;
    if (i == --q->count)
        return;
    moved = q->heap[q->count];
    place(q, i, moved);
    sift_up(q, i);
    sift_down(q, moved->slot - 1);
}
