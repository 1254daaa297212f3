/* promtext: the Prometheus text exposition format (version 0.0.4, as node_exporter,
 * postgres_exporter, redis_exporter, cAdvisor, django-prometheus and the Celery exporters serve
 * it) and PromQL-style series selectors evaluated over a scraped body.
 *
 * A selector (`pg_stat_activity_count{datname="eucora",state!="idle"}`) is compiled once, then
 * evaluated over each scraped body: the result is the sum of the values of the matching series
 * and how many matched (what PromQL's sum() and count() would give for one instant). Turning a
 * counter into a per-second rate is the caller's job, with promtext_rate.
 *
 * Parsing is one pass over the body, without allocation and without copying (label values are
 * compared where they lie, unescaped on the fly), linear in the body's size whatever it holds:
 * a line that is not valid exposition text (bad name, unterminated label value, invalid UTF-8,
 * unparsable value, a last line cut before its line feed) is skipped and counted, never read
 * half-way. Pure; compiled selectors are immutable, so any number of threads may evaluate them
 * at once. */
#ifndef HORNET_PROMTEXT_H
#define HORNET_PROMTEXT_H

#include <stddef.h>
#include <stdint.h>

/* A metric family's type, from its "# TYPE" line (untyped without one). */
enum promtext_type {
    PROMTEXT_UNTYPED, PROMTEXT_COUNTER, PROMTEXT_GAUGE, PROMTEXT_HISTOGRAM, PROMTEXT_SUMMARY
};

/* Bounds of a selector's text (a larger selector is refused by promtext_compile). */
#define PROMTEXT_SELECTOR_MAX 4096
#define PROMTEXT_MATCHERS_MAX 16
/* ... and of a regular expression's size once its repetitions are expanded (glibc's regcomp
 * builds a copy per repetition: "(a{100}){100}" is 10,000 atoms), a bound on what compiling
 * it costs. */
#define PROMTEXT_REGEX_COST_MAX 10000

struct promtext_selector;

/* What one selector found in one body. */
struct promtext_value {
    double sum;                 /* sum of the matching samples (NaN if one of them is NaN, as
                                   PromQL's sum(); 0 when none matched) */
    uint32_t matched;           /* matching samples (series) */
    enum promtext_type type;    /* the family type of the first match (its "# TYPE" line
                                   covers NAME, and NAME_bucket/_sum/_count of a histogram or
                                   NAME_sum/_count of a summary); UNTYPED when none matched */
};

/* What the pass over a body saw. */
struct promtext_stats {
    uint32_t lines;             /* non-blank lines, comments included */
    uint32_t samples;           /* well-formed sample lines */
    uint32_t skipped;           /* lines that were not valid exposition text */
    uint32_t first_skipped;     /* 1-based line number of the first skipped line (0: none) */
    int truncated;              /* 1 when the body did not end with a line feed (its last line,
                                   possibly cut short, was skipped and counted) */
};

/* Compile a selector in PromQL syntax: an optional metric name, then optional matchers in
 * braces, `label OP "value"` separated by commas (a trailing comma is allowed), OP one of
 * `=`, `!=`, `=~`, `!~`. Values are quoted with "", '' (Go escapes: \\ \" \' \n \t \r \a \b
 * \f \v \xHH \uHHHH) or `` (raw). Regular expressions are POSIX extended ones, anchored at
 * both ends as PromQL anchors them. `__name__` matches the metric name. As in PromQL, a label
 * a series lacks has the empty value, and a selector must have a name or a matcher that does
 * not match the empty string. Regular expressions see bytes (the C locale's '.' is one byte,
 * not one UTF-8 character, unless the program set a UTF-8 LC_CTYPE). NULL with a one-line
 * message in err ("column 4: expected one of =, !=, =~, !~"). The caller frees it with
 * promtext_free. Any thread. */
struct promtext_selector *promtext_compile(const char *text, char *err, size_t errlen);

/* Free a compiled selector. NULL is fine. */
void promtext_free(struct promtext_selector *s);

/* The selector's text as given to promtext_compile. */
const char *promtext_text(const struct promtext_selector *s);

/* Evaluate n selectors over one body of len bytes (need not be NUL-terminated) in a single
 * pass: out[i] receives selector sels[i]'s value. stats (may be NULL) receives what the pass
 * saw. Allocates nothing, except one copy of a label value longer than 1 KiB that a regular
 * expression is matched against. A label value holding a NUL byte never matches a regular
 * expression. Thread-safe: it only reads. */
void promtext_eval(const struct promtext_selector *const *sels, size_t n, const char *body,
                   size_t len, struct promtext_value *out, struct promtext_stats *stats);

/* The per-second rate of a counter sampled as v0 at time t0 and v1 at t1 (seconds, t1 > t0).
 * A value that went down means the counter was reset (its process restarted): the increase is
 * then v1, counted from zero, as Prometheus's rate() counts it. NaN when t1 <= t0 or a value is
 * NaN or negative. */
double promtext_rate(double v0, double t0, double v1, double t1);


#endif
