/* cmdq: a mutex-protected FIFO of fixed-size commands. Any thread. */
#include <stdlib.h>
#include <string.h>
#include "cmdq.h"

void cmdq_init(struct cmdq *q, size_t item_size)
{
    memset(q, 0, sizeof *q);
    pthread_mutex_init(&q->mu, NULL);
    q->size = item_size;
}

void cmdq_destroy(struct cmdq *q)
{
    pthread_mutex_destroy(&q->mu);
    free(q->items);
    q->items = NULL;
    q->n = q->cap = 0;
}

int cmdq_push(struct cmdq *q, const void *item)
{
    int rc = 0;

    pthread_mutex_lock(&q->mu);
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 32;
        unsigned char *p = realloc(q->items, cap * q->size);
        if (p) {
            q->items = p;
            q->cap = cap;
        }
    }
    if (q->n < q->cap)
        memcpy(q->items + q->n++ * q->size, item, q->size);
    else
        rc = -1;
    pthread_mutex_unlock(&q->mu);
    return rc;
}

size_t cmdq_take(struct cmdq *q, void *out, size_t max)
{
    size_t n;

    pthread_mutex_lock(&q->mu);
    n = q->n < max ? q->n : max;
    memcpy(out, q->items, n * q->size);
    memmove(q->items, q->items + n * q->size, (q->n - n) * q->size);
    q->n -= n;
    pthread_mutex_unlock(&q->mu);
    return n;
}
