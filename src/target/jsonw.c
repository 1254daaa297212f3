/* jsonw: JSON output helpers for the target's responses. Pure; any thread. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "jsonw.h"

static void put_escape(struct strbuf *b, unsigned char ch)
{
    static const char hex[] = "0123456789abcdef";
    char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};

    switch (ch) {
    case '"': strbuf_append(b, "\\\"", 2); return;
    case '\\': strbuf_append(b, "\\\\", 2); return;
    case '\n': strbuf_append(b, "\\n", 2); return;
    case '\r': strbuf_append(b, "\\r", 2); return;
    case '\t': strbuf_append(b, "\\t", 2); return;
    case '\b': strbuf_append(b, "\\b", 2); return;
    case '\f': strbuf_append(b, "\\f", 2); return;
    default: strbuf_append(b, esc, sizeof esc); return;
    }
}

void jsonw_str(struct strbuf *b, const char *s, size_t n)
{
    size_t run = 0;

    strbuf_reserve(b, n + 2);
    strbuf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        strbuf_append(b, s + run, i - run);
        put_escape(b, ch);
        run = i + 1;
    }
    strbuf_append(b, s + run, n - run);
    strbuf_putc(b, '"');
}

void jsonw_key(struct strbuf *b, const char *key)
{
    strbuf_putc(b, '"');
    strbuf_puts(b, key);
    strbuf_append(b, "\": ", 3);
}

void jsonw_uuid(struct strbuf *b, const struct uuid *u)
{
    char text[UUID_TEXT_LEN + 2];

    text[0] = '"';
    uuid_format(u, text + 1);
    text[UUID_TEXT_LEN + 1] = '"';
    strbuf_append(b, text, sizeof text);
}

static void put_digits(char *p, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void jsonw_time(struct strbuf *b, double t)
{
    /* the date and time of day change once a second: format them once per second and
     * thread (each target's loop has its own thread) */
    static _Thread_local struct {
        time_t secs;
        char text[21];          /* "\"2025-01-31T12:34:56" */
    } cache = {-1, ""};
    char frac[9] = ".000000Z";
    double whole = floor(t);
    time_t secs = (time_t)whole;
    unsigned micros = (unsigned)((t - whole) * 1e6);
    struct tm tm;

    if (!(t > 0) || t > 253402300799.0) {       /* null, and nothing past year 9999 */
        strbuf_append(b, "null", 4);
        return;
    }
    if (secs != cache.secs) {
        if (!gmtime_r(&secs, &tm)) {
            strbuf_append(b, "null", 4);
            return;
        }
        memcpy(cache.text, "\"0000-00-00T00:00:00", 21);
        put_digits(cache.text + 1, (unsigned)tm.tm_year + 1900, 4);
        put_digits(cache.text + 6, (unsigned)tm.tm_mon + 1, 2);
        put_digits(cache.text + 9, (unsigned)tm.tm_mday, 2);
        put_digits(cache.text + 12, (unsigned)tm.tm_hour, 2);
        put_digits(cache.text + 15, (unsigned)tm.tm_min, 2);
        put_digits(cache.text + 18, (unsigned)tm.tm_sec, 2);
        cache.secs = secs;
    }
    put_digits(frac + 1, micros > 999999 ? 999999 : micros, 6);
    strbuf_append(b, cache.text, 20);
    strbuf_append(b, frac, 8);
    strbuf_putc(b, '"');
}

size_t jsonw_utf8_seq(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    uint32_t cp;
    size_t len;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

bool jsonw_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t k = p[i] < 0x80 ? 1 : jsonw_utf8_seq(s + i, n - i);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}
