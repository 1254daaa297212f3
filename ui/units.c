/* units: number formatting for the dashboard (latencies, counts, rates, shares, durations).
 * Pure functions; any thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "units.h"

char *units_latency(char *out, size_t n, uint64_t us)
{
    double ms = (double)us / 1000.0, s = (double)us / 1e6;
    unsigned long t;

    if (ms < 9.995)
        snprintf(out, n, "%.2fms", ms);
    else if (ms < 99.95)
        snprintf(out, n, "%.1fms", ms);
    else if (ms < 999.5)
        snprintf(out, n, "%.0fms", ms);
    else if (s < 9.995)
        snprintf(out, n, "%.2fs", s);
    else if (s < 59.95)
        snprintf(out, n, "%.1fs", s);
    else if ((t = (unsigned long)(s + 0.5)) < 3600)
        snprintf(out, n, "%lum%02lus", t / 60, t % 60);
    else
        snprintf(out, n, "%luh%02lum", (t + 30) / 3600, (t + 30) / 60 % 60);
    return out;
}

char *units_latency_tick(char *out, size_t n, double us)
{
    if (us <= 0.0)
        snprintf(out, n, "0");
    else if (us < 1000.0)
        snprintf(out, n, "%.3gus", us);
    else if (us < 1e6)
        snprintf(out, n, "%.3gms", us / 1000.0);
    else if (us < 60e6)
        snprintf(out, n, "%.3gs", us / 1e6);
    else
        snprintf(out, n, "%.3gm", us / 60e6);
    return out;
}

/* "1,234,567" */
static void grouped(char *out, size_t n, uint64_t v)
{
    char digits[32], buf[48];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v), j = 0;

    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
    snprintf(out, n, "%s", buf);
}

/* v scaled by 1000s with a suffix and three significant digits; fewer decimals when the
 * result is wider than width (> 0). */
static void scaled(char *out, size_t n, double v, int width)
{
    static const char suffix[] = "kMGTPE";
    size_t i = 0;
    int dec;

    v /= 1000.0;
    while (v >= 999.5 && i + 2 < sizeof suffix) {
        v /= 1000.0;
        i++;
    }
    dec = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
    snprintf(out, n, "%.*f%c", dec, v, suffix[i]);
    while (width > 0 && (int)strlen(out) > width && dec > 0) {
        dec--;
        snprintf(out, n, "%.*f%c", dec, v, suffix[i]);
    }
}

char *units_count(char *out, size_t n, uint64_t v, int width)
{
    grouped(out, n, v);
    if (width <= 0 || (int)strlen(out) <= width)
        return out;
    scaled(out, n, (double)v, width);
    return out;
}

char *units_rate(char *out, size_t n, double v, int width)
{
    char whole[40];
    long long tenths = v > 0.0 ? llround(v * 10.0) : 0;

    grouped(whole, sizeof whole, (uint64_t)(tenths / 10));
    snprintf(out, n, "%s.%d", whole, (int)(tenths % 10));
    if (width <= 0 || (int)strlen(out) <= width)
        return out;
    scaled(out, n, v, width);
    return out;
}

char *units_percent(char *out, size_t n, double share)
{
    double p = share > 0.0 ? share * 100.0 : 0.0;

    if (p < 9.995)
        snprintf(out, n, "%.2f%%", p);
    else if (p < 99.95)
        snprintf(out, n, "%.1f%%", p);
    else
        snprintf(out, n, "%.0f%%", p);
    return out;
}

char *units_duration(char *out, size_t n, double seconds)
{
    long t = seconds > 0.0 ? (long)floor(seconds) : 0;

    if (t >= 3600)
        snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
    return out;
}

char *units_span(char *out, size_t n, double seconds)
{
    long t = seconds > 0.0 ? lround(seconds) : 0;

    if (t < 60)
        snprintf(out, n, "%lds", t);
    else if (t < 3600)
        snprintf(out, n, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(out, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
    return out;
}

char *units_clock(char *out, size_t n, double unix_time)
{
    time_t t = (time_t)floor(unix_time);
    struct tm tm;

    if (!localtime_r(&t, &tm) || strftime(out, n, "%H:%M:%S", &tm) == 0)
        snprintf(out, n, "--:--:--");
    return out;
}
