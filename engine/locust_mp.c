/* locust_mp: checked msgpack unpacking with path-naming typed reads, an arena for decoded
 * text, a size-bounded packer, and the Python string rules (UTF-8 on the wire, repr) that
 * Locust's protocol leans on (see locust_mp.h).
 *
 * No global state: used on whichever thread owns the message being coded. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "locust_mp.h"

/* ---- arena ---- */

#define ARENA_CHUNK 8192
#define ARENA_ALIGN 16

struct chunk {
    struct chunk *next;
    size_t used, cap;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

struct locust_mp_arena {
    struct chunk *head;
};

struct locust_mp_arena *locust_mp_arena_new(void)
{
    return calloc(1, sizeof(struct locust_mp_arena));
}

void locust_mp_arena_free(struct locust_mp_arena *a)
{
    if (!a)
        return;
    for (struct chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

void *locust_mp_alloc(struct locust_mp_arena *a, size_t n)
{
    struct chunk *c = a->head;
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

    if (n > (size_t)LOCUST_MP_MAX_BYTES * 64)
        return NULL;
    if (!c || c->cap - c->used < need) {
        size_t cap = need > ARENA_CHUNK / 2 ? need : ARENA_CHUNK;

        c = calloc(1, sizeof *c + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        if (need > ARENA_CHUNK / 2 && a->head) {    /* a big block: keep the head's room */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    c->used += need;
    return c->data + c->used - need;
}

/* ---- frame check ---- */

static uint64_t read_be(const unsigned char *p, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Sizes of what follows the first byte b: `field` bytes of length/count, then `fixed` bytes;
 * kind 1: `count` elements follow (the length field counts them; maps count twice), 2: the
 * length field counts body bytes. -1 for the byte msgpack never uses (0xc1). */
static int classify(unsigned b, int *field, uint64_t *fixed, int *kind, uint64_t *inline_n)
{
    static const struct { unsigned char field, fixed, kind; } ext[0x40] = {
        [0x00] = {0, 0, 0},                     /* 0xc0 nil */
        [0x02] = {0, 0, 0}, [0x03] = {0, 0, 0}, /* false, true */
        [0x04] = {1, 0, 2}, [0x05] = {2, 0, 2}, [0x06] = {4, 0, 2},   /* bin */
        [0x07] = {1, 1, 2}, [0x08] = {2, 1, 2}, [0x09] = {4, 1, 2},   /* ext */
        [0x0a] = {0, 4, 0}, [0x0b] = {0, 8, 0},                       /* float */
        [0x0c] = {0, 1, 0}, [0x0d] = {0, 2, 0}, [0x0e] = {0, 4, 0}, [0x0f] = {0, 8, 0},
        [0x10] = {0, 1, 0}, [0x11] = {0, 2, 0}, [0x12] = {0, 4, 0}, [0x13] = {0, 8, 0},
        [0x14] = {0, 2, 0}, [0x15] = {0, 3, 0}, [0x16] = {0, 5, 0}, [0x17] = {0, 9, 0},
        [0x18] = {0, 17, 0},                                          /* fixext */
        [0x19] = {1, 0, 2}, [0x1a] = {2, 0, 2}, [0x1b] = {4, 0, 2},   /* str */
        [0x1c] = {2, 0, 1}, [0x1d] = {4, 0, 1},                       /* array */
        [0x1e] = {2, 0, 3}, [0x1f] = {4, 0, 3},                       /* map */
    };

    *field = 0;
    *fixed = 0;
    *kind = 0;
    *inline_n = 0;
    if (b <= 0x7f || b >= 0xe0)
        return 0;
    if (b <= 0x9f) {                            /* fixmap, fixarray */
        *kind = b <= 0x8f ? 3 : 1;
        *inline_n = b & 0x0f;
        return 1;
    }
    if (b <= 0xbf) {                            /* fixstr */
        *kind = 2;
        *inline_n = b & 0x1f;
        return 1;
    }
    if (b == 0xc1)
        return -1;
    *field = ext[b - 0xc0].field;
    *fixed = ext[b - 0xc0].fixed;
    *kind = ext[b - 0xc0].kind;
    return 0;
}

struct scan {
    const unsigned char *p;
    size_t len, pos;
    uint64_t need[LOCUST_MP_MAX_DEPTH + 1];
    int depth;
};

/* Step over one object's header and body; push a container's elements. */
static int scan_one(struct scan *s, char *err, size_t errlen)
{
    size_t at = s->pos;
    unsigned b = s->p[s->pos++];
    int field, kind;
    uint64_t fixed, n;
    int inl = classify(b, &field, &fixed, &kind, &n);

    if (inl < 0) {
        snprintf(err, errlen, "invalid byte 0x%02x at byte %zu", b, at);
        return -1;
    }
    if ((size_t)field > s->len - s->pos) {
        snprintf(err, errlen, "truncated frame at byte %zu", s->len);
        return -1;
    }
    if (field) {
        n = read_be(s->p + s->pos, field);
        s->pos += (size_t)field;
    }
    if (kind == 3)
        n *= 2;
    if (kind == 1 || kind == 3) {
        if (n > s->len - s->pos) {
            snprintf(err, errlen, "a container at byte %zu declares %llu elements, %zu bytes "
                     "remain", at, (unsigned long long)n, s->len - s->pos);
            return -1;
        }
        if (n > 0) {
            if (s->depth >= LOCUST_MP_MAX_DEPTH) {
                snprintf(err, errlen, "nested deeper than %d at byte %zu", LOCUST_MP_MAX_DEPTH,
                         at);
                return -1;
            }
            s->need[++s->depth] = n;
        }
        return 0;
    }
    if (kind == 2)
        fixed += n;
    if (fixed > s->len - s->pos) {
        snprintf(err, errlen, "truncated frame at byte %zu", s->len);
        return -1;
    }
    s->pos += (size_t)fixed;
    return 0;
}

static int check_frame(const unsigned char *p, size_t len, char *err, size_t errlen)
{
    struct scan s = {.p = p, .len = len, .need = {1}, .depth = 0};

    if (len > LOCUST_MP_MAX_BYTES) {
        snprintf(err, errlen, "frame of %zu bytes (at most %u)", len, LOCUST_MP_MAX_BYTES);
        return -1;
    }
    while (s.depth >= 0) {
        if (s.need[s.depth] == 0) {
            s.depth--;
            continue;
        }
        s.need[s.depth]--;
        if (s.pos >= len) {
            if (len)
                snprintf(err, errlen, "truncated frame at byte %zu", len);
            else
                snprintf(err, errlen, "empty frame");
            return -1;
        }
        if (scan_one(&s, err, errlen) < 0)
            return -1;
    }
    if (s.pos != len) {
        snprintf(err, errlen, "%zu bytes after the message", len - s.pos);
        return -1;
    }
    return 0;
}

int locust_mp_unpack(const void *frame, size_t len, msgpack_unpacked *out, char *err,
                     size_t errlen)
{
    size_t off = 0;
    msgpack_unpack_return rc;

    if (check_frame(frame, len, err, errlen) < 0)
        return -1;
    rc = msgpack_unpack_next(out, frame, len, &off);
    if (rc == MSGPACK_UNPACK_SUCCESS && off == len)
        return 0;
    if (rc == MSGPACK_UNPACK_NOMEM_ERROR)
        snprintf(err, errlen, "out of memory unpacking");
    else
        snprintf(err, errlen, "msgpack-c refused the frame (%d)", (int)rc);
    return -1;
}

/* ---- typed reads ---- */

static size_t format_path(const struct locust_mp_path *at, char *out, size_t n)
{
    size_t used = 0;
    int w;

    if (!at)
        return 0;
    used = format_path(at->up, out, n);
    if (used >= n)
        return used;
    if (at->key)
        w = snprintf(out + used, n - used, "%s%s", used ? "." : "", at->key);
    else
        w = snprintf(out + used, n - used, "[%zu]", at->index);
    return w < 0 ? used : used + (size_t)w;
}

int locust_mp_fail(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                   const char *fmt, ...)
{
    char path[256] = "";
    char what[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    format_path(at, path, sizeof path);
    if (ctx->errlen)
        snprintf(ctx->err, ctx->errlen, "%s%s%s", path, path[0] ? ": " : "", what);
    return -1;
}

const char *locust_mp_type_name(const msgpack_object *o)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: return "nil";
    case MSGPACK_OBJECT_BOOLEAN: return "bool";
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return "int";
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return "float";
    case MSGPACK_OBJECT_STR: return "str";
    case MSGPACK_OBJECT_ARRAY: return "array";
    case MSGPACK_OBJECT_MAP: return "map";
    case MSGPACK_OBJECT_BIN: return "bin";
    case MSGPACK_OBJECT_EXT: return "ext";
    }
    return "unknown";
}

const msgpack_object *locust_mp_get(const msgpack_object_map *m, const char *key)
{
    size_t n = strlen(key);

    for (uint32_t i = 0; i < m->size; i++) {
        const msgpack_object *k = &m->ptr[i].key;

        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
            memcmp(k->via.str.ptr, key, n) == 0)
            return &m->ptr[i].val;
    }
    return NULL;
}

static int expected(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                    const char *what, const msgpack_object *o)
{
    return locust_mp_fail(ctx, at, "expected %s, got %s", what, locust_mp_type_name(o));
}

int locust_mp_int(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                  const msgpack_object *o, int64_t *out)
{
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *out = o->via.i64;
        return 0;
    }
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return expected(ctx, at, "an int", o);
    if (o->via.u64 > (uint64_t)INT64_MAX)
        return locust_mp_fail(ctx, at, "int %llu out of range",
                              (unsigned long long)o->via.u64);
    *out = (int64_t)o->via.u64;
    return 0;
}

int locust_mp_uint(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                   const msgpack_object *o, uint64_t *out)
{
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return locust_mp_fail(ctx, at, "expected a count, got %lld", (long long)o->via.i64);
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return expected(ctx, at, "an int", o);
    *out = o->via.u64;
    return 0;
}

int locust_mp_number(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                     const msgpack_object *o, double *out)
{
    switch (o->type) {
    case MSGPACK_OBJECT_POSITIVE_INTEGER: *out = (double)o->via.u64; return 0;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: *out = (double)o->via.i64; return 0;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: *out = o->via.f64; return 0;
    default: return expected(ctx, at, "a number", o);
    }
}

int locust_mp_str(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                  const msgpack_object *o, const char **out)
{
    char *s;

    if (o->type != MSGPACK_OBJECT_STR)
        return expected(ctx, at, "a str", o);
    if (o->via.str.size && memchr(o->via.str.ptr, 0, o->via.str.size))
        return locust_mp_fail(ctx, at, "a str holding a NUL byte");
    s = locust_mp_alloc(ctx->arena, (size_t)o->via.str.size + 1);
    if (!s)
        return locust_mp_fail(ctx, at, "out of memory");
    if (o->via.str.size)
        memcpy(s, o->via.str.ptr, o->via.str.size);
    *out = s;
    return 0;
}

int locust_mp_str_or_nil(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                         const msgpack_object *o, const char **out)
{
    if (o->type == MSGPACK_OBJECT_NIL) {
        *out = NULL;
        return 0;
    }
    return locust_mp_str(ctx, at, o, out);
}

int locust_mp_map(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                  const msgpack_object *o, const msgpack_object_map **out)
{
    if (o->type != MSGPACK_OBJECT_MAP)
        return expected(ctx, at, "a map", o);
    *out = &o->via.map;
    return 0;
}

int locust_mp_array(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                    const msgpack_object *o, const msgpack_object_array **out)
{
    if (o->type != MSGPACK_OBJECT_ARRAY)
        return expected(ctx, at, "an array", o);
    *out = &o->via.array;
    return 0;
}

void *locust_mp_items(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                      size_t n, size_t size)
{
    void *v = n <= SIZE_MAX / size / 2 ? locust_mp_alloc(ctx->arena, (n ? n : 1) * size) : NULL;

    if (!v)
        locust_mp_fail(ctx, at, "out of memory");
    return v;
}

int locust_mp_need(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                   const msgpack_object_map *m, const char *key, const msgpack_object **out)
{
    struct locust_mp_path here = {at, key, 0};

    *out = locust_mp_get(m, key);
    return *out ? 0 : locust_mp_fail(ctx, &here, "missing");
}

/* ---- writing ---- */

static int out_write(void *data, const char *buf, size_t len)
{
    struct locust_mp_out *o = data;

    if (o->failed)
        return -1;
    if (len > LOCUST_MP_MAX_BYTES - o->sb.size) {
        o->failed = o->too_big = true;
        return -1;
    }
    if (msgpack_sbuffer_write(&o->sb, buf, len) != 0) {
        o->failed = true;
        return -1;
    }
    return 0;
}

void locust_mp_out_init(struct locust_mp_out *o)
{
    msgpack_sbuffer_init(&o->sb);
    msgpack_packer_init(&o->pk, o, out_write);
    o->failed = o->too_big = false;
}

void locust_mp_out_discard(struct locust_mp_out *o)
{
    msgpack_sbuffer_destroy(&o->sb);
    locust_mp_out_init(o);
}

int locust_mp_out_take(struct locust_mp_out *o, void **frame, size_t *len, char *err,
                       size_t errlen)
{
    if (o->failed) {
        if (o->too_big)
            snprintf(err, errlen, "message larger than %u bytes", LOCUST_MP_MAX_BYTES);
        else
            snprintf(err, errlen, "out of memory");
        locust_mp_out_discard(o);
        return -1;
    }
    *len = o->sb.size;
    *frame = msgpack_sbuffer_release(&o->sb);
    return 0;
}

/* Length of the valid UTF-8 sequence at s (n bytes left) and its code point; 0 when the byte
 * at s starts no valid sequence (overlong forms, surrogates and values past U+10FFFF are
 * invalid, as for Python's decoder). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    uint32_t c = s[0], min;
    size_t len;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, c &= 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, c &= 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, c &= 0x07, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

static const char REPLACEMENT[] = "\xef\xbf\xbd";     /* U+FFFD */

void locust_mp_pack_key(msgpack_packer *pk, const char *key)
{
    msgpack_pack_str_with_body(pk, key, strlen(key));
}

void locust_mp_pack_str(msgpack_packer *pk, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n, out = 0, i, run;
    uint32_t cp;

    if (!s) {
        msgpack_pack_nil(pk);
        return;
    }
    n = strlen(s);
    for (i = 0; i < n;) {
        size_t l = utf8_next(u + i, n - i, &cp);

        out += l ? l : 3;
        i += l ? l : 1;
    }
    msgpack_pack_str(pk, out);
    for (i = 0, run = 0; i < n;) {
        size_t l = utf8_next(u + i, n - i, &cp);

        if (l) {
            i += l;
            continue;
        }
        msgpack_pack_str_body(pk, s + run, i - run);
        msgpack_pack_str_body(pk, REPLACEMENT, 3);
        run = ++i;
    }
    msgpack_pack_str_body(pk, s + run, n - run);
}

/* Python's str.isprintable for one code point: false for every assigned code point of
 * categories Cc, Cf, Cs, Co, Zl, Zp and Zs but the space, as in Python 3.11 (Unicode 14);
 * unassigned code points (Cn), which Python also escapes, count as printable. */
static bool py_printable(uint32_t c)
{
    static const uint32_t ranges[][2] = {
        {0x0000, 0x001f}, {0x007f, 0x00a0}, {0x00ad, 0x00ad}, {0x0600, 0x0605},
        {0x061c, 0x061c}, {0x06dd, 0x06dd}, {0x070f, 0x070f}, {0x0890, 0x0891},
        {0x08e2, 0x08e2}, {0x1680, 0x1680}, {0x180e, 0x180e}, {0x2000, 0x200f},
        {0x2028, 0x202f}, {0x205f, 0x206f}, {0x3000, 0x3000}, {0xd800, 0xf8ff},
        {0xfeff, 0xfeff}, {0xfff0, 0xfffb}, {0xfffe, 0xffff}, {0x110bd, 0x110bd},
        {0x110cd, 0x110cd}, {0x13430, 0x1343f}, {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a},
        {0xe0000, 0xe007f}, {0xf0000, 0x10ffff},
    };

    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (c >= ranges[i][0] && c <= ranges[i][1])
            return false;
    return true;
}

static char *repr_char(char *o, uint32_t c, const unsigned char *src, size_t len, char quote)
{
    static const char hex[] = "0123456789abcdef";

    if (c == (uint32_t)quote || c == '\\') {
        *o++ = '\\';
        *o++ = (char)c;
    } else if (c == '\t' || c == '\n' || c == '\r') {
        *o++ = '\\';
        *o++ = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
    } else if (py_printable(c)) {
        memcpy(o, src, len);
        o += len;
    } else {
        int digits = c < 0x100 ? 2 : c < 0x10000 ? 4 : 8;

        *o++ = '\\';
        *o++ = c < 0x100 ? 'x' : c < 0x10000 ? 'u' : 'U';
        for (int d = digits - 1; d >= 0; d--)
            *o++ = hex[(c >> (4 * d)) & 0xf];
    }
    return o;
}

char *locust_mp_pyrepr(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    char quote = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    char *out = malloc(4 * n + 3), *o = out;

    if (!out)
        return NULL;
    *o++ = quote;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = utf8_next(u + i, n - i, &cp);

        if (l)
            o = repr_char(o, cp, u + i, l, quote);
        else
            o = repr_char(o, 0xfffd, (const unsigned char *)REPLACEMENT, 3, quote);
        i += l ? l : 1;
    }
    *o++ = quote;
    *o = '\0';
    return out;
}
