/* delay: the simulated latencies of waiting requests, to the microsecond. A min-heap of items
 * by due time and one timerfd watched by the loop: libev's own timers wait in epoll_wait,
 * which rounds up to whole milliseconds and would add ~0.8 ms to every simulated latency.
 * Loop thread only. */
#ifndef HORNET_TARGET_DELAY_H
#define HORNET_TARGET_DELAY_H

#include <ev.h>
#include <stdint.h>

/* Embedded in whatever waits (a connection). */
struct delay_item {
    double due;                 /* monotonic seconds */
    uint32_t slot;              /* heap index + 1; 0: not queued */
};

struct delay_queue {
    struct ev_loop *loop;
    int fd;                     /* timerfd (CLOCK_MONOTONIC) */
    ev_io io;
    struct delay_item **heap;
    uint32_t count, cap;
    double armed;               /* due time the timerfd is set for; 0: none */
    void (*fire)(struct delay_item *it);    /* called once per due item */
};

/* Create the timerfd and start watching it on loop. 0, or -1 (errno set). */
int delay_init(struct delay_queue *q, struct ev_loop *loop, void (*fire)(struct delay_item *));

/* Stop watching, close the timerfd, free the heap (queued items are forgotten). */
void delay_free(struct delay_queue *q);

/* Queue it to fire `seconds` from now. It must not be queued already. */
void delay_add(struct delay_queue *q, struct delay_item *it, double seconds);

/* Remove a queued item (no-op when it is not queued). */
void delay_cancel(struct delay_queue *q, struct delay_item *it);

#endif
