/* strbuf: a growable byte buffer, kept NUL-terminated. It keeps its memory between uses (clear
 * empties it), so a buffer reused for every request or connection stops allocating once it has
 * grown to its steady size. Used by the engine's templates and responses and by the target's
 * connections and JSON writer.
 *
 * Out of memory: every growing call returns -1 and leaves the buffer as it was (still valid and
 * NUL-terminated), so a caller may check once, or not at all when a short buffer is harmless.
 * A zeroed struct is an empty buffer. Owned by one thread at a time. */
#ifndef HORNET_STRBUF_H
#define HORNET_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *data;                 /* NULL until something is stored */
    size_t len;                 /* bytes in use, not counting the NUL */
    size_t cap;                 /* bytes allocated */
};

void strbuf_init(struct strbuf *b);                 /* empty, no memory */
void strbuf_free(struct strbuf *b);                 /* release the memory; empty and reusable */
void strbuf_clear(struct strbuf *b);                /* len = 0, keeps the memory */
/* Empty the buffer, releasing its memory when more than keep bytes are allocated (pooled
 * buffers stay small after one large use). */
void strbuf_trim(struct strbuf *b, size_t keep);

/* Room for extra more bytes plus the NUL (capacity doubles from 64). -1 on OOM. */
int strbuf_reserve(struct strbuf *b, size_t extra);
/* Append n bytes (may hold NULs). -1 on OOM. */
int strbuf_append(struct strbuf *b, const char *s, size_t n);
/* Append a NUL-terminated string without its NUL. -1 on OOM. */
int strbuf_puts(struct strbuf *b, const char *s);
int strbuf_putc(struct strbuf *b, char ch);        /* -1 on OOM */
/* Append v in decimal. -1 on OOM. */
int strbuf_put_u64(struct strbuf *b, unsigned long long v);

/* The contents as a C string: "" (static) while nothing was ever stored. */
const char *strbuf_cstr(const struct strbuf *b);

#endif
