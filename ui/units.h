/* units: numbers as the dashboard shows them, right-alignable and with units: latencies in
 * ms or s, counts with thousands separators or k/M/G when the cell is narrow, rates, shares,
 * durations and clock times. Pure (no curses, no state): any thread. */
#ifndef HORNET_UNITS_H
#define HORNET_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* A latency in microseconds, at most 6 characters: "0.45ms" "4.51ms" "45.1ms" "451ms" "4.51s"
 * "45.1s" "7m32s" "2h05m". Writes into out (n >= 8) and returns out. */
char *units_latency(char *out, size_t n, uint64_t us);

/* A latency axis label, short: "500us" "1ms" "2.5ms" "10ms" "1s" "1.5s" "2m". Returns out. */
char *units_latency_tick(char *out, size_t n, double us);

/* A count that fits width characters: "12,345" when it fits, else "1.23M", "123k", "12.3k".
 * width <= 0: no limit. Returns out. */
char *units_count(char *out, size_t n, uint64_t v, int width);

/* A rate (requests per second) that fits width: "0.0" "153.2" "1,234.5", else "12.3k". */
char *units_rate(char *out, size_t n, double v, int width);

/* A share 0..1 as a percentage: "0.00%" ".." "9.99%" "12.3%" "100%". */
char *units_percent(char *out, size_t n, double share);

/* An elapsed or remaining duration in seconds: "0:05", "12:34", "1:02:03". Negative as 0. */
char *units_duration(char *out, size_t n, double seconds);

/* A short span: "0s" "7s" "1m05s" "2h03m" (ETA, "last seen ... ago"). */
char *units_span(char *out, size_t n, double seconds);

/* Local wall-clock time of a unix time: "14:25:01". */
char *units_clock(char *out, size_t n, double unix_time);

#endif
