/* console: Locust 2.43's console tables (stats_logger) printed from snapshots: the stats table
 * (get_stats_summary), the percentile table (get_percentile_stats_summary) and the error report
 * (get_error_report_summary), with hornet's block of expected statuses after it.
 *
 * Python's "%-Ns" pads by characters, so widths here count UTF-8 code points, and a negative
 * width left-justifies ("%--4s": what Locust prints when STATS_NAME_WIDTH < 4).
 *
 * Main thread only; no state. */
#include "console.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "csv.h"
#include "escape.h"
#include "saturation.h"

#define TYPE_WIDTH 8          /* Locust's STATS_TYPE_WIDTH */

int console_default_name_width(FILE *out)
{
    struct winsize ws;
    int fd = fileno(out);

    if (fd < 0 || !isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) != 0)
        return 80;
    int w = (int)ws.ws_col - 80;
    return w < 0 ? 0 : (w > 80 ? 80 : w);
}

static int name_width_or_default(FILE *out, int name_width)
{
    return name_width > 0 ? name_width : console_default_name_width(out);
}

/* Characters in UTF-8 text (bytes that do not continue a sequence). */
static int text_chars(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void pad(FILE *out, int n)
{
    for (; n > 0; n--)
        fputc(' ', out);
}

/* Python "%-{width}s" (left) or "%{width}s" (right); a negative width means left-justified.
 * s comes from the scenario or a response: its control characters are printed escaped. */
static void put_text(FILE *out, const char *raw, int width, bool left)
{
    char s[4 * (SNAP_NAME_MAX + SNAP_TEXT_MAX)];
    int fill;

    escape_copy(s, sizeof s, raw, 0);
    fill = abs(width) - text_chars(s);

    if (width < 0)
        left = true;
    if (!left)
        pad(out, fill);
    fputs(s, out);
    if (left)
        pad(out, fill);
}

static void dashes(FILE *out, int n)
{
    for (; n > 0; n--)
        fputc('-', out);
}

/* ---- stats table ------------------------------------------------------------------------- */

static void stats_separator(FILE *out, int w)
{
    static const int widths[] = {7, 13, 7, 7, 7, 7, 8, 11};

    dashes(out, TYPE_WIDTH);
    fputc('|', out);
    dashes(out, w);
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        fputc('|', out);
        dashes(out, widths[i]);
    }
    fputc('\n', out);
}

static void stats_line(FILE *out, const struct snap_stats *st, bool current, int w)
{
    char type[16], fails[64];
    uint64_t timed = st->requests > st->none_requests ? st->requests - st->none_requests : 0;
    double avg = timed ? (double)st->total_us / (double)timed / 1000.0 : 0.0;
    double ratio = st->requests ? (double)st->failures / (double)st->requests
                                : (st->failures ? 1.0 : 0.0);

    snprintf(type, sizeof type, "%s%s", st->method, st->method[0] ? " " : "");
    snprintf(fails, sizeof fails, "%llu(%.2f%%)", (unsigned long long)st->failures,
             ratio * 100);
    put_text(out, type, TYPE_WIDTH, true);
    fputc(' ', out);
    put_text(out, st->name, w, true);
    fprintf(out, " %7llu %12s |%7lld %7llu %7llu%7llu | %7.2f %11.2f\n",
            (unsigned long long)st->requests, fails, (long long)avg,
            (unsigned long long)(st->min_us / 1000), (unsigned long long)(st->max_us / 1000),
            st->requests ? csv_ms(st->median_us) : 0ULL,
            current ? st->current_rps : st->total_rps,
            current ? st->current_fps : st->total_fps);
}

/* The open classes under the table: live, the rates and the pool; at the end, the totals. */
static void arrivals_line(FILE *out, const struct snap_arrivals *a, bool current)
{
    if (current)
        fprintf(out, "Arrivals: %.2f/s asked, %.2f/s achieved, %u busy of %u users (max %u), "
                "%u waiting, %llu dropped\n", a->asked_rate, a->recent_achieved, a->busy,
                a->users, a->max_users, a->waiting, (unsigned long long)a->dropped);
    else
        fprintf(out, "Arrivals: %llu due, %llu started, %llu dropped (%.2f%%), up to %u users "
                "(max %u)\n", (unsigned long long)a->due,
                (unsigned long long)a->started, (unsigned long long)a->dropped,
                a->due ? 100.0 * (double)a->dropped / (double)a->due : 0.0, a->peak_users,
                a->max_users);
}

void console_stats_table(FILE *out, const struct snapshot *s, bool current, int name_width)
{
    const struct snap_stats *rows[SNAP_MAX_ENDPOINTS];
    unsigned n = csv_sorted_endpoints(s, rows);
    int w = name_width_or_default(out, name_width) - TYPE_WIDTH + 4;

    put_text(out, "Type", TYPE_WIDTH, true);
    fputc(' ', out);
    put_text(out, "Name", w, true);
    fprintf(out, " %7s %12s |%7s %7s %7s%7s | %7s %11s\n",
            "# reqs", "# fails", "Avg", "Min", "Max", "Med", "req/s", "failures/s");
    stats_separator(out, w);
    for (unsigned i = 0; i < n; i++)
        stats_line(out, rows[i], current, w);
    stats_separator(out, w);
    stats_line(out, &s->total, current, w);
    if (s->open.n_classes)
        arrivals_line(out, &s->open.all, current);
    if (!current && s->requests_dropped)
        fprintf(out, "%llu request%s not recorded (out of memory): the numbers above miss "
                "%s\n", (unsigned long long)s->requests_dropped,
                s->requests_dropped == 1 ? " was" : "s were",
                s->requests_dropped == 1 ? "it" : "them");
    fputc('\n', out);
}

/* ---- percentile table -------------------------------------------------------------------- */

static void percentile_line(FILE *out, const struct snap_stats *st, int nw)
{
    put_text(out, st->method, TYPE_WIDTH, true);
    fputc(' ', out);
    put_text(out, st->name, nw, true);
    fprintf(out, " %8llu", csv_ms(st->pct_us[0]));
    for (int i = 1; i < SNAP_PCT_COUNT; i++)
        fprintf(out, " %6llu", csv_ms(st->pct_us[i]));
    fprintf(out, " %6llu\n", (unsigned long long)st->requests);
}

static void percentile_separator(FILE *out, int nw)
{
    dashes(out, TYPE_WIDTH);
    fputc('|', out);
    dashes(out, nw);
    fputc('|', out);
    dashes(out, 8);
    for (int i = 0; i < SNAP_PCT_COUNT; i++) {
        fputc('|', out);
        dashes(out, 6);
    }
    fputc('\n', out);
}

static bool has_latencies(const struct snap_stats *st)
{
    return st->requests > st->none_requests;
}

static void percentiles_table(FILE *out, const struct snapshot *s, int name_width,
                              const char *title)
{
    const struct snap_stats *rows[SNAP_MAX_ENDPOINTS];
    unsigned n = csv_sorted_endpoints(s, rows);
    int nw = name_width_or_default(out, name_width);

    fprintf(out, "%s\n", title);
    put_text(out, "Type", TYPE_WIDTH, true);
    fputc(' ', out);
    put_text(out, "Name", nw, true);
    fprintf(out, " %8s", snapshot_pct_labels[0]);
    for (int i = 1; i < SNAP_PCT_COUNT; i++)
        fprintf(out, " %6s", snapshot_pct_labels[i]);
    fprintf(out, " %6s\n", "# reqs");
    percentile_separator(out, nw);
    for (unsigned i = 0; i < n; i++)
        if (has_latencies(rows[i]))
            percentile_line(out, rows[i], nw);
    percentile_separator(out, nw);
    if (has_latencies(&s->total))
        percentile_line(out, &s->total, nw);
    fputc('\n', out);
}

void console_percentiles_table(FILE *out, const struct snapshot *s, int name_width)
{
    percentiles_table(out, s, name_width, "Response time percentiles (approximated)");
}

void console_corrected_table(FILE *out, const struct snapshot *s, int name_width)
{
    struct snapshot *view;

    if (!s->open.corrected || !(view = malloc(sizeof *view)))
        return;
    memcpy(view, s, sizeof *view);
    snap_open_corrected_view(view);
    percentiles_table(out, view, name_width, "Response time percentiles corrected for "
                      "coordinated omission (from the intended start)");
    free(view);
}

/* ---- error report ------------------------------------------------------------------------ */

static void error_row(FILE *out, unsigned long long count, const char *text)
{
    char num[32];
    snprintf(num, sizeof num, "%llu", count);
    put_text(out, num, 18, true);
    fputc(' ', out);
    put_text(out, text, 100, true);
    fputc('\n', out);
}

static void error_separator(FILE *out, int nw)
{
    dashes(out, 18);
    fputc('|', out);
    dashes(out, 80 + nw - 19);
    fputc('\n', out);
}

/* One block: title, header, separator, "METHOD name: text" rows, separator, empty line. */
static void error_block(FILE *out, const struct snapshot *s, bool expected, const char *title,
                        const char *column, int nw)
{
    char text[SNAP_NAME_MAX + SNAP_TEXT_MAX + 16];
    uint32_t max = s->n_errors < SNAP_MAX_ERRORS ? s->n_errors : SNAP_MAX_ERRORS;

    fprintf(out, "%s\n", title);
    put_text(out, "# occurrences", 18, true);
    fputc(' ', out);
    put_text(out, column, 100, true);
    fputc('\n', out);
    error_separator(out, nw);
    for (uint32_t i = 0; i < max; i++) {
        const struct snap_error *e = &s->errors[i];
        if (e->expected != expected || e->endpoint >= s->n_endpoints)
            continue;
        const struct snap_stats *ep = &s->endpoints[e->endpoint];
        snprintf(text, sizeof text, "%s %s: %s", ep->method, ep->name, e->text);
        error_row(out, (unsigned long long)e->count, text);
    }
    if (!expected && s->errors_dropped)
        error_row(out, (unsigned long long)s->errors_dropped,
                  "(not itemised: occurrences of groups beyond the ones hornet keeps)");
    error_separator(out, nw);
    fputc('\n', out);
}

void console_error_report(FILE *out, const struct snapshot *s)
{
    bool failures = s->errors_dropped > 0, expected = false;
    uint32_t max = s->n_errors < SNAP_MAX_ERRORS ? s->n_errors : SNAP_MAX_ERRORS;
    int nw = console_default_name_width(out);

    for (uint32_t i = 0; i < max; i++) {
        if (s->errors[i].endpoint >= s->n_endpoints)
            continue;
        if (s->errors[i].expected)
            expected = true;
        else
            failures = true;
    }
    if (failures)
        error_block(out, s, false, "Error report", "Error", nw);
    if (expected)
        error_block(out, s, true, "Expected responses (counted as successes)", "Response",
                    nw);
}

void console_end_notes(FILE *out, const struct snapshot *s)
{
    uint64_t n = s->total.aborted;
    uint32_t max = s->n_endpoints < SNAP_MAX_ENDPOINTS ? s->n_endpoints : SNAP_MAX_ENDPOINTS;

    if (n) {
        fprintf(out, "%llu request%s in flight when the users stopped: aborted, in no count "
                "above\n", (unsigned long long)n, n == 1 ? " was" : "s were");
        for (uint32_t i = 0; i < max; i++)
            if (s->endpoints[i].aborted)
                fprintf(out, "    %s %s: %llu\n", s->endpoints[i].method, s->endpoints[i].name,
                        (unsigned long long)s->endpoints[i].aborted);
        fputc('\n', out);
    }
    if (s->total.requests == 0)
        fprintf(out, "No request completed: a run that measured nothing does not pass.\n\n");
    if (s->saturated_seconds > 0)
        fprintf(out, "SATURATED for %.0f s of the run: %s\n\n", ceil(s->saturated_seconds),
                SATURATION_TEXT);
}

static const char *verdict_word(uint8_t status)
{
    switch (status) {
    case TARGET_PASS: return "pass";
    case TARGET_AT_RISK: return "pass (at risk)";
    case TARGET_FAIL: return "FAIL";
    case TARGET_SKIPPED: return "skipped";
    default: return "FAIL (no data)";
    }
}

/* "N of M health limits kept" for the verdict line; "" without health limits. */
static void health_counts(const struct snapshot *s, char *out, size_t n)
{
    uint32_t kept = 0, judged = 0;

    out[0] = '\0';
    for (uint32_t k = 0; k < s->health.n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        const struct snap_health_metric *m = &s->health.metrics[k];
        if (!m->has_limit || m->status == TARGET_SKIPPED)
            continue;
        judged++;
        kept += m->status == TARGET_PASS || m->status == TARGET_AT_RISK;
    }
    if (judged)
        snprintf(out, n, "%u of %u health limits kept", kept, judged);
}

void console_targets_table(FILE *out, const struct snapshot *s, bool passed)
{
    uint32_t met = 0, judged = 0;
    char health[64];

    health_counts(s, health, sizeof health);
    if (s->n_targets == 0 && !health[0])
        return;
    if (s->n_targets) {
        fprintf(out, "Performance targets\n");
        fprintf(out, "%-56s %-10s %-16s %s\n", "Target", "Window", "Status", "Value");
        fprintf(out, "%s\n", "--------------------------------------------------------|"
                             "----------|----------------|------------------------------");
    }
    for (uint32_t i = 0; i < s->n_targets; i++) {
        const struct snap_target *t = &s->targets[i];
        char name[SNAP_NAME_MAX + 96];
        snprintf(name, sizeof name, "%s%s%s", t->endpoint, t->endpoint[0] ? " " : "", t->text);
        put_text(out, name, -56, true);
        fprintf(out, " %-10s %-16s ", t->window, verdict_word(t->status));
        escape_fputs(t->detail, 0, out);
        fputc('\n', out);
        met += t->status == TARGET_PASS || t->status == TARGET_AT_RISK;
        judged += t->status != TARGET_SKIPPED;
    }
    if (s->aborted)
        escape_fprintf(out, "Aborted: %s\n", s->abort_reason);
    fprintf(out, "Verdict: %s (", passed ? "PASS" : "FAIL");
    if (s->n_targets)
        fprintf(out, "%u of %u targets met%s", met, judged, judged < s->n_targets
                ? ", throughput not judged: the load differs from the scenario's" : "");
    else
        fprintf(out, "no targets");
    fprintf(out, "%s%s%s)%s\n", health[0] ? "; " : "", health,
            s->total.failures ? "; unexpected failures counted" : "",
            s->saturated_seconds > 0 ? ", measured under saturation" : "");
}
