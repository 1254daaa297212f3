/* uuid: 128-bit identifiers of stored objects, parsed from and formatted to the canonical
 * 8-4-4-4-12 hexadecimal form. Header-only, pure. */
#ifndef HORNET_TARGET_UUID_H
#define HORNET_TARGET_UUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { UUID_TEXT_LEN = 36 };

struct uuid {
    uint8_t b[16];
};

static inline int uuid_hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Parse exactly n bytes of canonical text (hex digits in either case). 0, or -1 when the text
 * is not a UUID. */
static inline int uuid_parse(const char *s, size_t n, struct uuid *out)
{
    size_t j = 0;

    if (n != UUID_TEXT_LEN)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return -1;
            continue;
        }
        int hi = uuid_hexval(s[i]), lo = uuid_hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out->b[j++] = (uint8_t)(hi << 4 | lo);
        i++;
    }
    return 0;
}

/* Write the 36 characters of canonical lower-case text (no NUL). */
static inline void uuid_format(const struct uuid *u, char out[UUID_TEXT_LEN])
{
    static const char hex[] = "0123456789abcdef";
    static const uint8_t at[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};

    for (size_t i = 0; i < 16; i++) {
        out[at[i]] = hex[u->b[i] >> 4];
        out[at[i] + 1] = hex[u->b[i] & 15];
    }
    out[8] = out[13] = out[18] = out[23] = '-';
}

static inline bool uuid_equal(const struct uuid *a, const struct uuid *b)
{
    return memcmp(a->b, b->b, 16) == 0;
}

/* A well-mixed 64-bit hash (the bytes are random already, but the text may come from users). */
static inline uint64_t uuid_hash(const struct uuid *u)
{
    uint64_t a, b;

    memcpy(&a, u->b, 8);
    memcpy(&b, u->b + 8, 8);
    a ^= b * 0x9e3779b97f4a7c15ULL;
    a ^= a >> 32;
    a *= 0xd6e8feb86659fd93ULL;
    return a ^ (a >> 32);
}

#endif
