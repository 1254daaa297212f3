/* tbuf: growable byte buffers for the target. Whichever thread owns the buffer. */
#include <stdio.h>
#include <stdlib.h>
#include "tbuf.h"

void tbuf_reserve(struct tbuf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    size_t cap = b->cap ? b->cap : 256;
    char *p;

    if (need <= b->cap)
        return;
    while (cap < need)
        cap *= 2;
    p = realloc(b->data, cap);
    if (!p) {
        fprintf(stderr, "hornet-target: out of memory (%zu bytes)\n", cap);
        abort();
    }
    b->data = p;
    b->cap = cap;
}

void tbuf_free(struct tbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void tbuf_trim(struct tbuf *b, size_t keep)
{
    if (b->cap > keep)
        tbuf_free(b);
    b->len = 0;
}

void tbuf_put_u64(struct tbuf *b, unsigned long long v)
{
    char tmp[24];
    size_t i = sizeof tmp;

    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    tbuf_add(b, tmp + i, sizeof tmp - i);
}

char *tbuf_cstr(struct tbuf *b)
{
    if (b->cap - b->len < 1 || !b->data)
        tbuf_reserve(b, 1);
    b->data[b->len] = '\0';
    return b->data;
}
