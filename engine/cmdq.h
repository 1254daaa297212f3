/* cmdq: the command queue between threads: any thread pushes under a mutex (then wakes the
 * owner with ev_async), the owning loop takes what is queued in batches. Items are plain
 * structs of a fixed size, copied in and out. Not on the request path. */
#ifndef HORNET_CMDQ_H
#define HORNET_CMDQ_H

#include <pthread.h>
#include <stddef.h>

struct cmdq {
    pthread_mutex_t mu;
    unsigned char *items;
    size_t n, cap, size;        /* size: bytes of one item */
};

void cmdq_init(struct cmdq *q, size_t item_size);
void cmdq_destroy(struct cmdq *q);

/* Append a copy of item; any thread. -1 when out of memory (the item is dropped). */
int cmdq_push(struct cmdq *q, const void *item);

/* Move up to max of the oldest items into out, in order; returns how many. Any thread. */
size_t cmdq_take(struct cmdq *q, void *out, size_t max);

#endif
