/* strbuf: growable NUL-terminated byte buffers (see strbuf.h). Whichever thread owns the
 * buffer. */
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void strbuf_free(struct strbuf *b)
{
    free(b->data);
    strbuf_init(b);
}

void strbuf_clear(struct strbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void strbuf_trim(struct strbuf *b, size_t keep)
{
    if (b->cap > keep)
        strbuf_free(b);
    strbuf_clear(b);
}

int strbuf_reserve(struct strbuf *b, size_t extra)
{
    size_t need = b->len + extra + 1, cap = b->cap ? b->cap : 64;
    char *p;

    if (need < b->len)
        return -1;
    if (need <= b->cap)
        return 0;
    while (cap < need)
        cap = cap * 2 > cap ? cap * 2 : need;
    p = realloc(b->data, cap);
    if (!p)
        return -1;
    if (!b->data)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return 0;
}

int strbuf_append(struct strbuf *b, const char *s, size_t n)
{
    if (strbuf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int strbuf_puts(struct strbuf *b, const char *s)
{
    return strbuf_append(b, s, strlen(s));
}

int strbuf_putc(struct strbuf *b, char ch)
{
    return strbuf_append(b, &ch, 1);
}

int strbuf_put_u64(struct strbuf *b, unsigned long long v)
{
    char tmp[24];
    size_t i = sizeof tmp;

    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return strbuf_append(b, tmp + i, sizeof tmp - i);
}

const char *strbuf_cstr(const struct strbuf *b)
{
    return b->data ? b->data : "";
}
