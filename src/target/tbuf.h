/* tbuf: the target's growable byte buffers (request URLs and bodies, input, output, response
 * bodies). Buffers keep their memory between uses, so a connection that is reused from the pool
 * allocates nothing in steady state. Out of memory aborts. Owned by one loop thread. */
#ifndef HORNET_TARGET_TBUF_H
#define HORNET_TARGET_TBUF_H

#include <stddef.h>
#include <string.h>

struct tbuf {
    char *data;
    size_t len;                 /* bytes in use */
    size_t cap;                 /* bytes allocated */
};

/* Make room for at least `extra` more bytes after len (plus a spare byte for a terminating
 * NUL). Aborts when memory is exhausted. */
void tbuf_reserve(struct tbuf *b, size_t extra);

/* Release the memory (the buffer is empty and reusable afterwards). */
void tbuf_free(struct tbuf *b);

/* Release the memory when more than `keep` bytes are allocated (pooled buffers stay small). */
void tbuf_trim(struct tbuf *b, size_t keep);

/* Append n bytes. */
static inline void tbuf_add(struct tbuf *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (b->cap - b->len <= n)
        tbuf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* Append a NUL-terminated string (without its NUL). */
static inline void tbuf_puts(struct tbuf *b, const char *s)
{
    tbuf_add(b, s, strlen(s));
}

static inline void tbuf_putc(struct tbuf *b, char ch)
{
    if (b->cap - b->len <= 1)
        tbuf_reserve(b, 1);
    b->data[b->len++] = ch;
}

/* Append an unsigned decimal number. */
void tbuf_put_u64(struct tbuf *b, unsigned long long v);

/* Terminate the contents with a NUL (not counted in len) and return them. */
char *tbuf_cstr(struct tbuf *b);

#endif
