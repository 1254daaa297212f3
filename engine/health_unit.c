/* health_unit: how backend-health values are written and limit amounts read, per unit. Pure;
 * any thread. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "health_unit.h"

enum health_unit_kind health_unit_kind(const char *unit)
{
    size_t n = unit ? strlen(unit) : 0;

    if (n == 0)
        return HEALTH_UNIT_PLAIN;
    if (strcmp(unit, "bytes") == 0 || strcmp(unit, "B") == 0)
        return HEALTH_UNIT_BYTES;
    if (strcmp(unit, "%") == 0)
        return HEALTH_UNIT_PERCENT;
    if (strcmp(unit, "s") == 0 || strcmp(unit, "seconds") == 0)
        return HEALTH_UNIT_SECONDS;
    if (n >= 2 && strcmp(unit + n - 2, "/s") == 0)
        return HEALTH_UNIT_RATE;
    return HEALTH_UNIT_PLAIN;
}

/* Digits of a whole number grouped by thousands: "1,234,567". */
static void grouped(double v, char *out, size_t n)
{
    char digits[32];
    size_t len, o = 0;
    int k;

    k = snprintf(digits, sizeof digits, "%.0f", fabs(v));
    len = k > 0 ? (size_t)k : 0;
    if (v < 0 && o + 1 < n)
        out[o++] = '-';
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < n)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* A plain number with at most 4 significant digits: whole numbers below 100,000 exactly
 * ("1,234"), fractions with 2 or 1 decimals ("0.52", "12.3"), large values with k, M, G, T. */
static void plain(double v, char *out, size_t n)
{
    static const char *const suffix[] = {"k", "M", "G", "T", "P"};
    double a = fabs(v);
    int s = -1;

    if (a >= 100000) {
        while (a >= 999.95 && s < 4) {
            a /= 1000;
            v /= 1000;
            s++;
        }
        snprintf(out, n, a >= 100 ? "%.0f%s" : a >= 10 ? "%.1f%s" : "%.2f%s", v, suffix[s]);
    } else if (v == floor(v) || a >= 100) {
        grouped(round(v), out, n);
    } else {
        snprintf(out, n, a >= 10 ? "%.1f" : "%.2f", v);
    }
}

static void bytes(double v, char *out, size_t n)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double a = fabs(v);
    int u = 0;

    while (a >= 999.95 && u < 5) {
        a /= 1000;
        v /= 1000;
        u++;
    }
    if (u == 0)
        snprintf(out, n, "%.0f B", v);
    else
        snprintf(out, n, a >= 100 ? "%.0f %s" : a >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
}

static void seconds(double v, char *out, size_t n)
{
    double ms = v * 1000;

    if (fabs(ms) < 1000)
        snprintf(out, n, fabs(ms) >= 100 || ms == floor(ms) ? "%.0f ms"
                         : fabs(ms) >= 10 ? "%.1f ms" : "%.2f ms", ms);
    else
        snprintf(out, n, fabs(v) >= 100 ? "%.0f s" : fabs(v) >= 10 ? "%.1f s" : "%.2f s", v);
}

void health_unit_format(const char *unit, double v, char *out, size_t n)
{
    char num[32];

    if (n == 0)
        return;
    if (isnan(v)) {
        snprintf(out, n, "-");
        return;
    }
    switch (health_unit_kind(unit)) {
    case HEALTH_UNIT_BYTES: bytes(v, out, n); return;
    case HEALTH_UNIT_SECONDS: seconds(v, out, n); return;
    case HEALTH_UNIT_PERCENT:
        snprintf(out, n, fabs(v) >= 100 || v == floor(v) ? "%.0f%%"
                         : fabs(v) >= 10 ? "%.1f%%" : "%.2f%%", v);
        return;
    case HEALTH_UNIT_RATE:
        plain(v, num, sizeof num);
        snprintf(out, n, "%s/s", num);
        return;
    case HEALTH_UNIT_PLAIN: break;
    }
    plain(v, out, n);
}

struct suffix {
    const char *text;
    double factor;
};

static const struct suffix byte_suffixes[] = {
    {"B", 1}, {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
    {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
};

/* The factor of a byte suffix, 0 when it is none. */
static double byte_factor(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof byte_suffixes / sizeof byte_suffixes[0]; i++)
        if (strlen(byte_suffixes[i].text) == n && strncmp(byte_suffixes[i].text, s, n) == 0)
            return byte_suffixes[i].factor;
    return 0;
}

/* The unit written after the number (blanks around it skipped) -> its factor; 0 when the unit
 * does not take it. An empty suffix is factor 1. */
static double suffix_factor(enum health_unit_kind k, const char *s)
{
    size_t n;

    while (*s == ' ')
        s++;
    n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n == 0)
        return 1;
    switch (k) {
    case HEALTH_UNIT_BYTES: return byte_factor(s, n);
    case HEALTH_UNIT_PERCENT: return n == 1 && *s == '%' ? 1 : 0;
    case HEALTH_UNIT_SECONDS:
        if (n == 1 && *s == 's')
            return 1;
        return n == 2 && strncmp(s, "ms", 2) == 0 ? 0.001 : 0;
    case HEALTH_UNIT_RATE: return n == 2 && strncmp(s, "/s", 2) == 0 ? 1 : 0;
    case HEALTH_UNIT_PLAIN: break;
    }
    return 0;
}

int health_unit_parse(const char *unit, const char *text, double *v)
{
    char *end;
    double x, f;

    while (*text == ' ')
        text++;
    if (!*text || !(isdigit((unsigned char)*text) || *text == '-' || *text == '+' ||
                    *text == '.'))
        return -1;
    x = strtod(text, &end);
    if (end == text || !isfinite(x))
        return -1;
    f = suffix_factor(health_unit_kind(unit), end);
    if (f == 0)
        return -1;
    *v = x * f;
    return 0;
}

const char *health_unit_expected(const char *unit)
{
    switch (health_unit_kind(unit)) {
    case HEALTH_UNIT_BYTES:
        return "a size such as \"350 MB\", \"1.5 GiB\" or 4096 (bytes)";
    case HEALTH_UNIT_PERCENT: return "a percentage such as \"80%\" or 80";
    case HEALTH_UNIT_SECONDS: return "a time such as \"500ms\", \"1.5s\" or 2 (seconds)";
    case HEALTH_UNIT_RATE: return "a number per second such as 100 or \"100/s\"";
    case HEALTH_UNIT_PLAIN: break;
    }
    return "a number";
}
