/* report_md: the Markdown report, pasteable into a wiki (GitHub/GitLab-flavoured tables, no
 * HTML): configuration, summary, performance assessment, distribution, endpoints, failures,
 * timeline, verdict, notes. Every text from the run is escaped. Main thread. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "report_internal.h"
#include "version.h"

#define BAR_WIDTH 20

/* Text in a table cell or a paragraph: what Markdown would read as emphasis, code, a link, a
 * table cell, strike-through or an HTML tag is escaped; line breaks become spaces. `#` and `>`
 * are safe: every text starts after a table pipe or a word. */
static void md_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\n' || *s == '\r' || *s == '\t')
            fputc(' ', out);
        else if (strchr("\\`*_[]|~", *s) || (*s == '<' && (isalpha((unsigned char)s[1]) ||
                                                            strchr("/!?", s[1]))))
            fprintf(out, "\\%c", *s);
        else
            fputc(*s, out);
    }
}

/* A name as a code span (`|` escaped for tables); plain escaped text when it has a backtick. */
static void md_code(FILE *out, const char *s)
{
    if (strchr(s, '`') || !*s) {
        md_text(out, s);
        return;
    }
    fputc('`', out);
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else
            fputc(*s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s, out);
    }
    fputc('`', out);
}

/* A horizontal bar of eighth blocks, BAR_WIDTH cells for share 1. */
static void md_bar(FILE *out, double share)
{
    static const char *const eighths[8] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    long units = lround(share * BAR_WIDTH * 8);

    for (long i = 0; i < units / 8; i++)
        fputs("█", out);
    fputs(eighths[units % 8], out);
}

static void md_title(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    const struct snapshot *s = in->snap;
    char req[32], fails[32];

    fputs("# Load test report: ", out);
    md_text(out, s->scenario[0] ? s->scenario : "hornet run");
    fputs("\n\n", out);
    report_fmt_count(s->total.requests, req, sizeof req);
    report_fmt_count(s->total.failures, fails, sizeof fails);
    fprintf(out, "**Verdict: %s%s**: ", in->passed ? "PASS" : "FAIL",
            f->running ? " so far (run in progress)" : "");
    md_text(out, f->summary);
    fprintf(out, ". %s requests, %s unexpected failure%s.\n\n", req, fails,
            s->total.failures == 1 ? "" : "s");
}

static void md_users(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    char rate[32];

    if (in->csv_prefix) {
        fprintf(out, "| Users | peak %u (from the history's User Count) |\n", f->peak_users);
        return;
    }
    report_fmt_rps(in->spawn_rate, rate, sizeof rate);
    if (in->use_stages)
        fprintf(out, "| Users | the scenario's %d stages, peak %u |\n", in->snap->n_stages,
                f->peak_users);
    else
        fprintf(out, "| Users | %u, spawn rate %s (peak %u) |\n", in->users, rate,
                f->peak_users);
}

static void md_config(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    const struct snapshot *s = in->snap;
    char a[64], b[64];

    fputs("## Run configuration\n\n| Setting | Value |\n|---|---|\n| Scenario | ", out);
    md_text(out, s->scenario[0] ? s->scenario : "not recorded");
    if (in->scenario_path) {
        fputs(" (", out);
        md_code(out, in->scenario_path);
        fputs(")", out);
    }
    fputs(" |\n| Host | ", out);
    md_text(out, s->host[0] ? s->host : "not recorded");
    fputs(" |\n", out);
    md_users(out, in, f);
    report_fmt_duration(f->duration, a, sizeof a);
    report_fmt_duration(in->run_time, b, sizeof b);
    fprintf(out, "| Duration | %s%s%s%s%s |\n", a, in->run_time > 0 ? " (limit " : "",
            in->run_time > 0 ? b : "", in->run_time > 0 ? ")" : "",
            f->running ? ", still running" : "");
    if (s->threads > 0)
        fprintf(out, "| Threads | %d |\n", s->threads);
    else
        fputs("| Threads | not recorded |\n", out);
    report_fmt_clock(f->start, a, sizeof a);
    report_fmt_clock(f->running ? 0 : f->end, b, sizeof b);
    fprintf(out, "| Start | %s |\n| End | %s |\n", a, f->running ? "still running" : b);
    if (f->reset) {
        report_fmt_clock(s->start_time, a, sizeof a);
        fprintf(out, "| Statistics from | %s (reset after the ramp-up) |\n", a);
    }
    fprintf(out, "| hornet | %s |\n\n", HORNET_VERSION);
}

static void md_summary(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    const struct snap_stats *t = &in->snap->total;
    double req = t->requests ? (double)t->requests : 1.0;
    char c[6][32], v[6][32];

    report_fmt_count(t->requests, c[0], sizeof c[0]);
    report_fmt_count(t->failures, c[1], sizeof c[1]);
    report_fmt_share((double)t->failures / req, c[2], sizeof c[2]);
    report_fmt_count(t->expected, c[3], sizeof c[3]);
    report_fmt_share((double)t->expected / req, c[4], sizeof c[4]);
    report_fmt_rps(t->total_rps, c[5], sizeof c[5]);
    report_fmt_us(t->median_us, v[0], sizeof v[0]);
    report_fmt_ms(f->timed ? (double)t->total_us / (double)f->timed / 1000.0 : 0, v[1],
                  sizeof v[1]);
    report_fmt_us(t->pct_us[SNAP_P95], v[2], sizeof v[2]);
    report_fmt_us(t->pct_us[SNAP_P99], v[3], sizeof v[3]);
    report_fmt_us(t->max_us, v[4], sizeof v[4]);
    fputs("## Results summary\n\n| Requests | Unexpected failures | Expected responses | "
          "Throughput | Median | Average | p95 | p99 | Max |\n"
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", out);
    if (!f->timed)
        for (int i = 0; i < 5; i++)
            snprintf(v[i], sizeof v[i], "n/a");
    fprintf(out, "| %s | %s (%s) | %s | %s | %s | %s | %s | %s | %s |\n\n", c[0], c[1], c[2],
            in->expected_unknown ? "not recorded" : c[3], c[5], v[0], v[1], v[2], v[3], v[4]);
    if (!in->expected_unknown)
        fprintf(out, "Unexpected failures are what the verdict counts. Expected responses "
                "(%s of the requests) are statuses a step lists in `expect`: successes.\n\n",
                c[4]);
}

static void md_target_row(FILE *out, const struct report_input *in, uint32_t i)
{
    const struct snap_target *t = &in->snap->targets[i];
    char actual[48], margin[64];

    report_target_actual(t, actual, sizeof actual);
    report_target_margin(t, margin, sizeof margin);
    fputs("| ", out);
    if (t->endpoint[0])
        md_code(out, t->endpoint);
    else
        fputs("All requests", out);
    fputs(" | ", out);
    md_text(out, t->text);
    fprintf(out, " | %s | %s%s | %s | ", t->window,
            (in->targets_estimated >> i & 1u) && t->has_data ? "≈ " : "", actual, margin);
    if (t->status == TARGET_FAIL || t->status == TARGET_PENDING)
        fprintf(out, "**%s**", report_status_word(t->status));
    else
        fputs(report_status_word(t->status), out);
    fputs(" |\n", out);
}

static void md_assessment(FILE *out, const struct report_input *in)
{
    const struct snapshot *s = in->snap;

    fputs("## Performance assessment\n\n", out);
    if (s->n_targets == 0) {
        fputs("The scenario has no targets: the run passes when no request fails unexpectedly."
              "\n\n", out);
        return;
    }
    fputs("| Scope | Target | Window | Actual | Margin | Status |\n"
          "|---|---|---|---:|---|---|\n", out);
    for (uint32_t i = 0; i < s->n_targets; i++)
        md_target_row(out, in, i);
    fputs("\nWindows: *run* is the whole run; *steady* starts when the ramp-up first "
          "completed; *last N s* is the end of the run. At risk: within 10% of a time or "
          "throughput bound, or more than 80% of a failure budget used.", out);
    if (in->targets_estimated)
        fputs(" ≈: estimated from the history's percentile cells.", out);
    for (uint32_t i = 0; i < s->n_targets; i++)
        if (s->targets[i].status == TARGET_SKIPPED) {
            fputs(" Not judged: a throughput target describes the scenario's own load, and this "
                  "run had another (users or stages from the command line or the operator).",
                  out);
            break;
        }
    fputs("\n\n", out);
}

static void md_distribution(FILE *out, const struct report_input *in,
                            const struct report_facts *f)
{
    const struct snap_stats *t = &in->snap->total;
    uint64_t cum = 0;
    char count[32], share[32], cshare[32];

    fputs("## Response-time distribution\n\n", out);
    if (f->dist_total == 0) {
        fputs("No request with a response time.\n\n", out);
        return;
    }
    fputs("| Response time | Requests | Share | Cumulative | |\n|---|---:|---:|---:|---|\n", out);
    for (int k = 0; k < SNAP_DIST_BUCKETS; k++) {
        double sh = (double)t->dist[k] / (double)f->dist_total;
        cum += t->dist[k];
        report_fmt_count(t->dist[k], count, sizeof count);
        report_fmt_share(sh, share, sizeof share);
        report_fmt_share((double)cum / (double)f->dist_total, cshare, sizeof cshare);
        fprintf(out, "| %s | %s%s | %s | %s | ", report_bucket_label(k),
                in->dist_estimated ? "≈ " : "", count, share, cshare);
        md_bar(out, sh);
        fputs(" |\n", out);
    }
    fputs(in->dist_estimated ? "\nEstimated from the percentile cells of stats.csv (see "
          "Notes).\n\n" : "\n", out);
}

static void md_endpoint_row(FILE *out, const struct snap_stats *e, bool total,
                            bool no_expected)
{
    uint64_t timed = e->requests - e->none_requests;
    char c[4][32], v[5][32];

    report_fmt_count(e->requests, c[0], sizeof c[0]);
    report_fmt_count(e->failures, c[1], sizeof c[1]);
    report_fmt_count(e->expected, c[2], sizeof c[2]);
    report_fmt_rps(e->total_rps, c[3], sizeof c[3]);
    report_fmt_us(e->median_us, v[0], sizeof v[0]);
    report_fmt_ms(timed ? (double)e->total_us / (double)timed / 1000.0 : 0, v[1], sizeof v[1]);
    report_fmt_us(e->pct_us[SNAP_P95], v[2], sizeof v[2]);
    report_fmt_us(e->pct_us[SNAP_P99], v[3], sizeof v[3]);
    report_fmt_us(e->max_us, v[4], sizeof v[4]);
    if (!timed)
        for (int i = 0; i < 5; i++)
            snprintf(v[i], sizeof v[i], "n/a");
    fprintf(out, "| %s | ", e->method);
    if (total)
        fputs("**Aggregated**", out);
    else
        md_code(out, e->name);
    fprintf(out, " | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c[0], c[1],
            no_expected ? "n/a" : c[2], v[0], v[1], v[2], v[3], v[4], c[3]);
}

static void md_endpoints(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    fputs("## Endpoints\n\n| Method | Name | Requests | Failures | Expected | Median | Average "
          "| p95 | p99 | Max | Throughput |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", out);
    for (unsigned i = 0; i < f->n_sorted; i++)
        md_endpoint_row(out, f->sorted[i], false, in->expected_unknown);
    md_endpoint_row(out, &in->snap->total, true, in->expected_unknown);
    if (in->endpoints_dropped)
        fprintf(out, "\n%u more endpoints are in the files but not in this table (at most %d)."
                "\n", in->endpoints_dropped, SNAP_MAX_ENDPOINTS);
    fputc('\n', out);
}

static void md_error_table(FILE *out, const struct report_input *in,
                           const struct report_facts *f, bool expected)
{
    const struct snapshot *s = in->snap;
    char count[32], first[32], last[32];

    fputs("| Endpoint | Error | Occurrences | First seen | Last seen |\n"
          "|---|---|---:|---|---|\n", out);
    for (uint32_t i = 0; i < s->n_errors && i < SNAP_MAX_ERRORS; i++) {
        const struct snap_error *e = &s->errors[i];
        if (e->expected != expected || e->endpoint >= s->n_endpoints)
            continue;
        char label[SNAP_NAME_MAX + 16];
        snprintf(label, sizeof label, "%s %s", s->endpoints[e->endpoint].method,
                 s->endpoints[e->endpoint].name);
        report_fmt_count(e->count, count, sizeof count);
        report_fmt_elapsed(e->first_seen - f->start, first, sizeof first);
        report_fmt_elapsed(e->last_seen - f->start, last, sizeof last);
        fputs("| ", out);
        md_code(out, label);
        fputs(" | ", out);
        md_text(out, e->text);
        fprintf(out, " | %s | %s%s | %s%s |\n", count, e->first_seen > 0 ? "+" : "",
                e->first_seen > 0 ? first : "", e->last_seen > 0 ? "+" : "",
                e->last_seen > 0 ? last : "");
    }
    if (!expected && s->errors_dropped) {
        report_fmt_count(s->errors_dropped, count, sizeof count);
        fprintf(out, "| (other) | not itemised: groups beyond the %d kept | %s | | |\n",
                SNAP_MAX_ERRORS, count);
    }
    fputc('\n', out);
}

static void md_exceptions(FILE *out, const struct snapshot *s)
{
    char count[32];

    fputs("### Exceptions (errors outside requests)\n\n| Count | Message | Where |\n"
          "|---:|---|---|\n", out);
    for (uint32_t i = 0; i < s->n_exceptions && i < SNAP_MAX_EXCEPTIONS; i++) {
        report_fmt_count(s->exceptions[i].count, count, sizeof count);
        fprintf(out, "| %s | ", count);
        md_text(out, s->exceptions[i].message);
        fputs(" | ", out);
        md_text(out, s->exceptions[i].where);
        fputs(" |\n", out);
    }
    fputc('\n', out);
}

static void md_failures(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    const struct snapshot *s = in->snap;

    fputs("## Failures\n\n### Unexpected failures\n\n", out);
    if (f->n_unexpected || s->errors_dropped)
        md_error_table(out, in, f, false);
    else
        fputs("None.\n\n", out);
    fputs("### Expected responses (counted as successes)\n\n", out);
    if (in->expected_unknown)
        fputs("Not recorded in the CSV files.\n\n", out);
    else if (f->n_expected)
        md_error_table(out, in, f, true);
    else
        fputs("None.\n\n", out);
    if (s->n_exceptions)
        md_exceptions(out, s);
}

static void md_timeline(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    char at[32], clock[32];

    fputs("## Timeline\n\n", out);
    if (in->n_events == 0) {
        fputs("No event recorded.\n\n", out);
        return;
    }
    fputs("| Time | Clock | Source | Event |\n|---:|---|---|---|\n", out);
    for (size_t i = 0; i < in->n_events; i++) {
        const struct snap_event *ev = &in->events[i];
        time_t secs = (time_t)floor(ev->time);
        struct tm tm;
        report_fmt_elapsed(ev->time - f->start, at, sizeof at);
        if (!localtime_r(&secs, &tm) || !strftime(clock, sizeof clock, "%H:%M:%S", &tm))
            snprintf(clock, sizeof clock, "?");
        fprintf(out, "| +%s | %s | %s | %s", at, clock, report_event_source(ev->who),
                ev->level == EVENT_ERROR ? "**Error:** " : ev->level == EVENT_WARN
                ? "**Warning:** " : "");
        md_text(out, ev->text);
        fputs(" |\n", out);
    }
    fputc('\n', out);
}

static void md_verdict(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    fprintf(out, "## Verdict\n\n**%s**%s: ", in->passed ? "PASS" : "FAIL",
            f->running ? " so far (the run was still going when this report was made)" : "");
    md_text(out, f->summary);
    fputs(".\n\n", out);
    for (unsigned i = 0; i < f->n_reasons; i++) {
        fputs("- ", out);
        md_text(out, f->reasons[i]);
        fputc('\n', out);
    }
    if (f->n_reasons)
        fputc('\n', out);
}

static void md_notes(FILE *out, const struct report_input *in)
{
    char when[64];

    fputs("## Notes\n\n", out);
    if (in->csv_prefix) {
        char files[4200];
        snprintf(files, sizeof files, "%s_*.csv", in->csv_prefix);
        fputs("- Rebuilt by `hornet report` from the CSV files ", out);
        md_code(out, files);
        fputs(" (hornet's or Locust's format).\n", out);
        fprintf(out, "- Response times over time (the HTML report's chart): %s.\n",
                report_pct_kind_text(in->pct_kind));
    }
    if (in->dist_estimated)
        fputs("- The distribution is estimated: the files hold percentiles, not counts per "
              "bucket, so counts are interpolated linearly between the cells (minimum, 50%, "
              "66%, ..., 99.99%, maximum).\n", out);
    if (in->expected_unknown)
        fputs("- Expected responses are not in the CSV files: hornet counts them as successes, "
              "Locust as failures.\n", out);
    for (size_t i = 0; i < in->n_notes; i++) {
        fputs("- ", out);
        md_text(out, in->notes[i]);
        fputc('\n', out);
    }
    report_fmt_clock(in->generated_at > 0 ? in->generated_at : (double)time(NULL), when,
                     sizeof when);
    fprintf(out, "- Generated by hornet %s on %s.\n", HORNET_VERSION, when);
}

void report_md_render(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    md_title(out, in, f);
    md_config(out, in, f);
    md_summary(out, in, f);
    md_assessment(out, in);
    md_distribution(out, in, f);
    md_endpoints(out, in, f);
    md_failures(out, in, f);
    md_timeline(out, in, f);
    md_verdict(out, in, f);
    md_notes(out, in);
}
