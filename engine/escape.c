/* escape: control characters and invalid UTF-8 made visible (see escape.h). Pure, any
 * thread. */
#include "escape.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;

    if (s[0] < 0xC2 || s[0] > 0xF4 || n < len)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
        return 0;                   /* overlong, surrogate, beyond U+10FFFF */
    return len;
}

static size_t hex_escape(char *out, const char *prefix, unsigned v)
{
    static const char digits[] = "0123456789abcdef";
    size_t n = strlen(prefix);

    memcpy(out, prefix, n);
    out[n++] = digits[(v >> 4) & 15];
    out[n++] = digits[v & 15];
    return n;
}

size_t escape_char(const char *s, size_t n, unsigned flags, char *out, size_t *out_len)
{
    const unsigned char *p = (const unsigned char *)s;
    const char *named = NULL;
    size_t len;

    switch (p[0]) {
    case '\\': named = flags & ESCAPE_BACKSLASH ? "\\\\" : NULL; break;
    case '\n': named = flags & ESCAPE_KEEP_NEWLINE ? NULL : "\\n"; break;
    case '\r': named = "\\r"; break;
    case '\t': named = "\\t"; break;
    default: break;
    }
    if (named) {
        *out_len = strlen(named);
        memcpy(out, named, *out_len);
        return 1;
    }
    if ((p[0] < 0x20 && p[0] != '\n') || p[0] == 0x7F) {
        *out_len = hex_escape(out, "\\x", p[0]);
        return 1;
    }
    if (p[0] < 0x80) {
        out[0] = s[0];
        *out_len = 1;
        return 1;
    }
    if (!(len = utf8_len(p, n))) {
        *out_len = hex_escape(out, "\\x", p[0]);
        return 1;
    }
    if (p[0] == 0xC2 && p[1] < 0xA0) {
        *out_len = hex_escape(out, "\\u00", p[1]);  /* a C1 control (CSI is one): never raw */
        return 2;
    }
    memcpy(out, s, len);
    *out_len = len;
    return len;
}

bool escape_clean(const char *s)
{
    size_t n = strlen(s), i = 0, got;
    char one[ESCAPE_CHAR_MAX];

    while (i < n) {
        size_t used = escape_char(s + i, n - i, 0, one, &got);
        if (got != used || memcmp(one, s + i, used) != 0)
            return false;
        i += used;
    }
    return true;
}

char *escape_copy(char *dst, size_t cap, const char *src, unsigned flags)
{
    size_t n = strlen(src), i = 0, o = 0, got;
    char one[ESCAPE_CHAR_MAX];

    while (i < n) {
        size_t used = escape_char(src + i, n - i, flags, one, &got);
        if (o + got >= cap)
            break;
        memcpy(dst + o, one, got);
        o += got;
        i += used;
    }
    dst[o] = '\0';
    return dst;
}

void escape_fputs(const char *s, unsigned flags, FILE *out)
{
    size_t n = strlen(s), i = 0, got;
    char one[ESCAPE_CHAR_MAX];

    while (i < n) {
        i += escape_char(s + i, n - i, flags, one, &got);
        fwrite(one, 1, got, out);
    }
}

void escape_fprintf(FILE *out, const char *fmt, ...)
{
    char stack[1024], *text = stack;
    va_list ap, again;
    int n;
    bool newline;

    va_start(ap, fmt);
    va_copy(again, ap);
    n = vsnprintf(stack, sizeof stack, fmt, ap);
    if (n >= (int)sizeof stack && (text = malloc((size_t)n + 1)))
        vsnprintf(text, (size_t)n + 1, fmt, again);
    va_end(again);
    va_end(ap);
    if (n < 0)
        return;
    if (!text)
        text = stack;               /* out of memory: the cut text */
    newline = strlen(text) > 0 && text[strlen(text) - 1] == '\n';
    if (newline)
        text[strlen(text) - 1] = '\0';
    escape_fputs(text, 0, out);
    if (newline)
        fputc('\n', out);
    if (text != stack)
        free(text);
}
