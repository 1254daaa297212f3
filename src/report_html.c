/* report_html: the HTML report, one self-contained file: inline CSS (system fonts only),
 * inline SVG charts (report_svg.c), no script and no external reference, readable on screen
 * and on paper. Same content as the Markdown report. Main thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report_internal.h"
#include "version.h"

static const char css[] =
    ":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--pass:#1a7f37;"
    "--pass-bg:#dafbe1;--risk:#9a6700;--risk-bg:#fff8c5;--fail:#cf222e;--fail-bg:#ffebe9;"
    "--pend:#59636e;--pend-bg:#eaeef2}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:#f3f5f8;color:var(--fg);font:14px/1.5 system-ui,-apple-system,"
    "\"Segoe UI\",Roboto,\"Helvetica Neue\",\"Noto Sans\",\"Liberation Sans\",Arial,sans-serif;"
    "-webkit-font-smoothing:antialiased}\n"
    "main{max-width:1140px;margin:0 auto;padding:28px 24px 40px}\n"
    "header.top{display:flex;justify-content:space-between;align-items:center;gap:24px;"
    "margin:0 0 18px}\n"
    ".eyebrow{margin:0;color:var(--muted);font-size:12px;font-weight:600;letter-spacing:.08em;"
    "text-transform:uppercase}\n"
    "h1{font-size:28px;line-height:1.2;margin:2px 0 6px;font-weight:700;letter-spacing:-.01em}\n"
    ".sub{color:var(--muted);margin:0}\n.sub span+span:before{content:\"\\00b7\";margin:0 8px}\n"
    ".verdict{border-radius:12px;padding:12px 22px;text-align:center;min-width:210px;"
    "border:1px solid}\n"
    ".verdict b{display:block;font-size:30px;line-height:1.1;letter-spacing:.06em}\n"
    ".verdict small{display:block;font-size:12.5px;font-weight:600;margin-top:2px}\n"
    ".verdict.pass{background:var(--pass-bg);color:var(--pass);border-color:#aceebb}\n"
    ".verdict.fail{background:var(--fail-bg);color:var(--fail);border-color:#ffcecb}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(135px,1fr));gap:12px;"
    "margin:0 0 20px}\n"
    ".card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:11px 14px}\n"
    ".card .k{color:var(--muted);font-size:11.5px;font-weight:600;text-transform:uppercase;"
    "letter-spacing:.05em}\n"
    ".card .v{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n.card .s{color:var(--muted);font-size:12px}\n"
    ".card.bad .v{color:var(--fail)}\n"
    "section{background:#fff;border:1px solid var(--line);border-radius:12px;"
    "padding:18px 22px 20px;margin:0 0 18px}\n"
    "h2{font-size:17px;margin:0 0 12px;font-weight:650}\n"
    "h3{font-size:13px;margin:18px 0 6px;color:var(--muted);text-transform:uppercase;"
    "letter-spacing:.05em}\n"
    "table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}\n"
    "th,td{padding:6px 10px;border-bottom:1px solid #e7ebef;text-align:left;"
    "vertical-align:top}\n"
    "th{font-size:11.5px;color:var(--muted);font-weight:600;text-transform:uppercase;"
    "letter-spacing:.04em;border-bottom:1px solid var(--line);white-space:nowrap;"
    "background:var(--soft)}\n"
    ".n{text-align:right;white-space:nowrap}\n"
    "tbody tr:hover{background:#f8fafc}\n"
    "tr.total td{font-weight:650;border-top:2px solid var(--line);background:var(--soft)}\n"
    "code{font:12.5px/1.4 ui-monospace,SFMono-Regular,\"DejaVu Sans Mono\",Menlo,Consolas,"
    "monospace;overflow-wrap:break-word}\n"
    "code.pre{white-space:pre-wrap}\ntable.timeline td:nth-child(-n+3){white-space:nowrap;"
    "width:1%}\n.scroll{overflow-x:auto}\ntable.compact th,table.compact td{padding:6px 7px}\n"
    "table.compact td{font-size:13px}\n"
    ".pill{display:inline-block;padding:1px 10px;border-radius:999px;font-size:12px;"
    "font-weight:650;white-space:nowrap;letter-spacing:.03em}\n"
    ".pill.pass{background:var(--pass-bg);color:var(--pass)}\n"
    ".pill.risk{background:var(--risk-bg);color:var(--risk)}\n"
    ".pill.fail{background:var(--fail-bg);color:var(--fail)}\n"
    ".pill.pending{background:var(--pend-bg);color:var(--pend)}\n"
    ".pill.skipped{background:#f6f8fa;color:#6e7781;border:1px dashed #d0d7de}\n"
    "td.margin.skipped{color:var(--muted)}\n"
    "td.margin.fail{color:var(--fail);font-weight:600}\ntd.margin.risk{color:var(--risk)}\n"
    "dl.config{display:grid;grid-template-columns:repeat(3,max-content minmax(0,1fr));"
    "gap:8px 16px;margin:0}\n"
    "dl.config dt{color:var(--muted);font-size:12.5px;white-space:nowrap}\n"
    "dl.config dd{margin:0;font-weight:500;min-width:0;overflow-wrap:anywhere}\n"
    ".chart-block{margin:6px 0 18px}\n.chart-block:last-child{margin-bottom:0}\n"
    ".chart-head{display:flex;justify-content:space-between;align-items:baseline;gap:12px;"
    "flex-wrap:wrap}\n.chart-head h3{margin:0}\n"
    ".legend{display:flex;gap:14px;font-size:12px;color:var(--muted);flex-wrap:wrap}\n"
    ".sw{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:5px;"
    "border-radius:2px}\n.sw.dash{height:0;border-top:2px dashed #57606a;width:16px}\n"
    "svg.chart{display:block;height:auto;overflow:visible}\n"
    "svg text{font:11px system-ui,-apple-system,\"Segoe UI\",Roboto,\"Liberation Sans\",Arial,"
    "sans-serif;fill:#59636e}\nsvg text.val{fill:#1f2328;font-weight:600}\n"
    "svg text.tlabel{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}\n"
    "svg text.unit{font-weight:600}\nsvg text.tlabel{fill:#424a53;font-size:10.5px}\n"
    "svg .grid{stroke:#e7ebef}\nsvg .axis{stroke:#8c959f}\nsvg .tick{stroke:#8c959f}\n"
    "svg .target{stroke:#57606a;stroke-dasharray:6 4;stroke-width:1.2}\n"
    "svg .steady{stroke:#8c959f;stroke-dasharray:2 3}\n"
    "svg .ev line{stroke:#bf8700;stroke-dasharray:3 3;stroke-width:1}\n"
    "svg .ev path{fill:#bf8700}\nsvg .ev.info line{stroke:#8250df}\n"
    "svg .ev.info path{fill:#8250df}\n"
    ".dist{display:grid;grid-template-columns:minmax(0,1.15fr) minmax(0,1fr);gap:26px;"
    "align-items:center}\n"
    ".bar{display:inline-block;height:8px;border-radius:4px;background:#0969da;opacity:.75;"
    "vertical-align:middle}\n"
    ".note{color:var(--muted);font-size:12.5px;margin:8px 0 0}\n"
    "ul.reasons{margin:8px 0 0;padding-left:20px}\nul.reasons li{margin:3px 0}\n"
    ".lvl-warn{color:var(--risk);font-weight:600}\n.lvl-error{color:var(--fail);"
    "font-weight:600}\n"
    "footer{color:var(--muted);font-size:12px;padding:4px 2px}\nfooter ul{margin:4px 0 0;"
    "padding-left:18px}\n"
    "@media (max-width:820px){dl.config{grid-template-columns:auto 1fr}"
    ".dist{grid-template-columns:1fr}header.top{flex-direction:column;align-items:flex-start}}"
    "\n"
    "@media print{body{background:#fff;font-size:12px}main{max-width:none;padding:0}"
    "header.top{flex-direction:row;align-items:center}.verdict{min-width:150px}"
    ".cards{grid-template-columns:repeat(7,minmax(0,1fr));gap:6px}.card{padding:7px 9px}"
    ".card .v{font-size:16px}.card .k{font-size:9.5px;letter-spacing:.02em}"
    ".card .s{font-size:10.5px}.dist{grid-template-columns:1fr 1fr}"
    "dl.config{grid-template-columns:repeat(3,max-content minmax(0,1fr))}"
    "section{border:none;padding:6px 0;margin:0 0 10px;break-inside:avoid}"
    ".chart-block{break-inside:avoid}.card{border-color:#c8d1da}"
    "tbody tr:hover{background:none}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n"
    "@page{margin:14mm}\n";

void report_html_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

static void esc(FILE *out, const char *s)
{
    report_html_escape(out, s);
}

/* An endpoint name: escaped, with a line-break opportunity after each '/', '?' and '&' so
 * that long paths wrap between segments rather than widen the table. */
static void esc_name(FILE *out, const char *s)
{
    char one[2] = {0, 0};

    for (; *s; s++) {
        one[0] = *s;
        report_html_escape(out, one);
        if ((*s == '/' || *s == '?' || *s == '&') && s[1])
            fputs("<wbr>", out);
    }
}

static void html_head(FILE *out, const struct report_input *in)
{
    const struct snapshot *s = in->snap;

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"hornet " HORNET_VERSION "\">\n<title>", out);
    esc(out, s->scenario[0] ? s->scenario : "hornet run");
    fprintf(out, ": %s - hornet load test report</title>\n<style>\n%s</style>\n</head>\n"
            "<body>\n<main>\n", in->passed ? "PASS" : "FAIL", css);
}

static void html_header(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    const struct snapshot *s = in->snap;
    char start[64], dur[64];

    report_fmt_clock(f->start, start, sizeof start);
    report_fmt_duration(f->duration, dur, sizeof dur);
    fputs("<header class=\"top\">\n<div>\n<p class=\"eyebrow\">Load test report</p>\n<h1>", out);
    esc(out, s->scenario[0] ? s->scenario : "hornet run");
    fputs("</h1>\n<p class=\"sub\">", out);
    if (in->scenario_path) {
        fputs("<span><code>", out);
        esc(out, in->scenario_path);
        fputs("</code></span>", out);
    }
    if (s->host[0]) {
        fputs("<span>", out);
        esc(out, s->host);
        fputs("</span>", out);
    }
    fprintf(out, "<span>%s</span><span>%s%s</span></p>\n</div>\n", start, dur,
            f->running ? " so far" : "");
    fprintf(out, "<div class=\"verdict %s\"><b>%s</b><small>", in->passed ? "pass" : "fail",
            in->passed ? "PASS" : "FAIL");
    esc(out, f->summary);
    fprintf(out, "%s</small></div>\n</header>\n", f->running ? " (run in progress)" : "");
}

static void card(FILE *out, const char *key, const char *value, const char *sub, bool bad)
{
    fprintf(out, "<div class=\"card%s\"><div class=\"k\">%s</div><div class=\"v\">%s</div>",
            bad ? " bad" : "", key, value);
    if (sub)
        fprintf(out, "<div class=\"s\">%s</div>", sub);
    fputs("</div>\n", out);
}

static void html_cards(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    const struct snap_stats *t = &in->snap->total;
    double req = t->requests ? (double)t->requests : 1.0;
    char v[8][32], share[48], exp[64];

    report_fmt_count(t->requests, v[0], sizeof v[0]);
    report_fmt_rps(t->total_rps, v[1], sizeof v[1]);
    report_fmt_count(t->failures, v[2], sizeof v[2]);
    report_fmt_share((double)t->failures / req, share, sizeof share);
    report_fmt_us(t->median_us, v[3], sizeof v[3]);
    report_fmt_us(t->pct_us[SNAP_P95], v[4], sizeof v[4]);
    report_fmt_us(t->pct_us[SNAP_P99], v[5], sizeof v[5]);
    report_fmt_us(t->max_us, v[6], sizeof v[6]);
    report_fmt_count(t->expected, v[7], sizeof v[7]);
    snprintf(exp, sizeof exp, "%s%s", in->expected_unknown ? "expected: not recorded" : v[7],
             in->expected_unknown ? "" : " expected");
    if (!f->timed)
        for (int i = 3; i < 7; i++)
            snprintf(v[i], sizeof v[i], "n/a");
    fputs("<div class=\"cards\">\n", out);
    card(out, "Requests", v[0], exp, false);
    card(out, "Throughput", v[1], "whole run", false);
    strncat(share, " unexpected", sizeof share - strlen(share) - 1);
    card(out, "Failures", v[2], share, t->failures > 0);
    card(out, "Median", v[3], NULL, false);
    card(out, "p95", v[4], NULL, false);
    card(out, "p99", v[5], NULL, false);
    card(out, "Max", v[6], NULL, false);
    fputs("</div>\n", out);
}

static void dl_item(FILE *out, const char *key, const char *value)
{
    fprintf(out, "<dt>%s</dt><dd>", key);
    esc(out, value);
    fputs("</dd>\n", out);
}

static void users_text(const struct report_input *in, const struct report_facts *f, char *out,
                       size_t n)
{
    char rate[32];

    report_fmt_rps(in->spawn_rate, rate, sizeof rate);
    if (in->csv_prefix)
        snprintf(out, n, "peak %u (history)", f->peak_users);
    else if (in->use_stages)
        snprintf(out, n, "%d stages, peak %u", in->snap->n_stages, f->peak_users);
    else
        snprintf(out, n, "%u at %s (peak %u)", in->users, rate, f->peak_users);
}

static void html_config(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    const struct snapshot *s = in->snap;
    char a[160], b[64], c[64];

    fputs("<section id=\"configuration\">\n<h2>Run configuration</h2>\n<dl class=\"config\">\n",
          out);
    dl_item(out, "Scenario", s->scenario[0] ? s->scenario : "not recorded");
    dl_item(out, "Host", s->host[0] ? s->host : "not recorded");
    users_text(in, f, a, sizeof a);
    dl_item(out, "Users", a);
    report_fmt_duration(f->duration, b, sizeof b);
    report_fmt_duration(in->run_time, c, sizeof c);
    snprintf(a, sizeof a, "%s%s%s%s", b, in->run_time > 0 ? " (limit " : "",
             in->run_time > 0 ? c : "", in->run_time > 0 ? ")" : "");
    dl_item(out, "Duration", a);
    report_fmt_clock(f->start, a, sizeof a);
    dl_item(out, "Start", a);
    report_fmt_clock(f->end, b, sizeof b);
    dl_item(out, "End", f->running ? "still running" : b);
    snprintf(a, sizeof a, "%d", s->threads);
    dl_item(out, "Threads", s->threads > 0 ? a : "not recorded");
    dl_item(out, "hornet", HORNET_VERSION);
    if (in->scenario_path)
        dl_item(out, "File", in->scenario_path);
    if (f->reset) {
        report_fmt_clock(s->start_time, a, sizeof a);
        dl_item(out, "Stats from", a);
    }
    fputs("</dl>\n</section>\n", out);
}

static void target_row(FILE *out, const struct report_input *in, uint32_t i)
{
    const struct snap_target *t = &in->snap->targets[i];
    const char *cls = report_status_class(t->status);
    char actual[48], margin[64];

    report_target_actual(t, actual, sizeof actual);
    report_target_margin(t, margin, sizeof margin);
    fputs("<tr><td>", out);
    if (t->endpoint[0]) {
        fputs("<code>", out);
        esc_name(out, t->endpoint);
        fputs("</code>", out);
    } else {
        fputs("All requests", out);
    }
    fputs("</td><td>", out);
    esc(out, t->text);
    fprintf(out, "</td><td>%s</td><td class=\"n\">%s%s</td><td class=\"margin %s\">",
            t->window, (in->targets_estimated >> i & 1u) && t->has_data ? "&asymp; " : "",
            actual, cls);
    esc(out, margin);
    fprintf(out, "</td><td><span class=\"pill %s\">%s</span></td></tr>\n", cls,
            report_status_word(t->status));
}

static void html_assessment(FILE *out, const struct report_input *in)
{
    const struct snapshot *s = in->snap;

    fputs("<section id=\"assessment\">\n<h2>Performance assessment</h2>\n", out);
    if (s->n_targets == 0) {
        fputs("<p>The scenario has no targets: the run passes when no request fails "
              "unexpectedly.</p>\n</section>\n", out);
        return;
    }
    fputs("<table>\n<thead><tr><th>Scope</th><th>Target</th><th>Window</th>"
          "<th class=\"n\">Actual</th><th>Margin</th><th>Status</th></tr></thead>\n<tbody>\n",
          out);
    for (uint32_t i = 0; i < s->n_targets; i++)
        target_row(out, in, i);
    fputs("</tbody>\n</table>\n<p class=\"note\">Windows: <i>run</i> is the whole run; "
          "<i>steady</i> starts when the ramp-up first completed; <i>last N s</i> is the end "
          "of the run. At risk: within 10% of a time or throughput bound, or more than 80% of "
          "a failure budget used.", out);
    if (in->targets_estimated)
        fputs(" &asymp;: estimated from the history's percentile cells.", out);
    for (uint32_t i = 0; i < s->n_targets; i++)
        if (s->targets[i].status == TARGET_SKIPPED) {
            fputs(" Not judged: a throughput target describes the scenario's own load, and this "
                  "run had another (users or stages from the command line or the operator).",
                  out);
            break;
        }
    fputs("</p>\n</section>\n", out);
}

static void legend_item(FILE *out, const char *color, const char *label)
{
    fprintf(out, "<span><i class=\"sw\" style=\"background:%s\"></i>%s</span>", color, label);
}

static bool has_latency_target(const struct snapshot *s, bool rps)
{
    for (uint32_t i = 0; i < s->n_targets; i++)
        if (!s->targets[i].endpoint[0] && s->targets[i].status != TARGET_SKIPPED &&
            (rps ? s->targets[i].metric == TARGET_RPS : s->targets[i].metric <= TARGET_AVERAGE))
            return true;
    return false;
}

static void chart_head(FILE *out, const char *title)
{
    fprintf(out, "<div class=\"chart-block\">\n<div class=\"chart-head\"><h3>%s</h3>"
            "<div class=\"legend\">", title);
}

static void html_charts(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    bool log_axis;
    char *lat = NULL;
    size_t lat_len = 0;
    FILE *tmp;

    fputs("<section id=\"charts\">\n<h2>Over time</h2>\n", out);
    chart_head(out, "Throughput");
    legend_item(out, "#0969da", "requests/s");
    legend_item(out, "#cf222e", "unexpected failures/s");
    if (has_latency_target(in->snap, true))
        fputs("<span><i class=\"sw dash\"></i>target</span>", out);
    fputs("</div></div>\n", out);
    report_svg_throughput(out, in, f);
    fputs("</div>\n", out);
    /* the latency chart decides its axis while drawing; its caption comes first */
    if (!(tmp = open_memstream(&lat, &lat_len)))
        return;
    report_svg_latency(tmp, in, f, &log_axis);
    fclose(tmp);
    chart_head(out, log_axis ? "Response times (log scale)" : "Response times");
    legend_item(out, "#1a7f37", "p50");
    legend_item(out, "#bf8700", "p95");
    legend_item(out, "#cf222e", "p99");
    if (has_latency_target(in->snap, false))
        fputs("<span><i class=\"sw dash\"></i>target</span>", out);
    fputs("</div></div>\n", out);
    fwrite(lat ? lat : "", 1, lat_len, out);
    free(lat);
    fprintf(out, "<p class=\"note\">%s.</p>\n</div>\n", report_pct_kind_text(in->pct_kind));
    chart_head(out, "Users");
    legend_item(out, "#8250df", "users running");
    fputs("</div></div>\n", out);
    report_svg_users(out, in, f);
    fputs("</div>\n</section>\n", out);
}

static void html_distribution(FILE *out, const struct report_input *in,
                              const struct report_facts *f)
{
    const struct snap_stats *t = &in->snap->total;
    uint64_t cum = 0;
    char count[32], share[32], cshare[32];

    fputs("<section id=\"distribution\">\n<h2>Response-time distribution</h2>\n", out);
    if (f->dist_total == 0) {
        fputs("<p>No request with a response time.</p>\n</section>\n", out);
        return;
    }
    fputs("<div class=\"dist\">\n<div>\n", out);
    report_svg_distribution(out, in->snap, f);
    fputs("</div>\n<table>\n<thead><tr><th>Response time</th><th class=\"n\">Requests</th>"
          "<th class=\"n\">Share</th><th class=\"n\">Cumulative</th></tr></thead>\n<tbody>\n",
          out);
    for (int k = 0; k < SNAP_DIST_BUCKETS; k++) {
        cum += t->dist[k];
        report_fmt_count(t->dist[k], count, sizeof count);
        report_fmt_share((double)t->dist[k] / (double)f->dist_total, share, sizeof share);
        report_fmt_share((double)cum / (double)f->dist_total, cshare, sizeof cshare);
        fprintf(out, "<tr><td>%s</td><td class=\"n\">%s%s</td><td class=\"n\">%s</td>"
                "<td class=\"n\">%s</td></tr>\n", report_bucket_label(k),
                in->dist_estimated ? "&asymp; " : "", count, share, cshare);
    }
    fputs("</tbody>\n</table>\n</div>\n", out);
    if (in->dist_estimated)
        fputs("<p class=\"note\">Estimated from the percentile cells of stats.csv: the files "
              "hold percentiles, not counts per bucket.</p>\n", out);
    fputs("</section>\n", out);
}

static void endpoint_row(FILE *out, const struct snap_stats *e, bool total, bool no_expected)
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
    fprintf(out, "<tr%s><td>%s</td><td>", total ? " class=\"total\"" : "", e->method);
    if (total) {
        fputs("Aggregated", out);
    } else {
        fputs("<code>", out);
        esc_name(out, e->name);
        fputs("</code>", out);
    }
    fprintf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>",
            c[0], c[1], no_expected ? "n/a" : c[2]);
    for (int i = 0; i < 5; i++)
        fprintf(out, "<td class=\"n\">%s</td>", v[i]);
    fprintf(out, "<td class=\"n\">%s</td></tr>\n", c[3]);
}

static void html_endpoints(FILE *out, const struct report_input *in,
                           const struct report_facts *f)
{
    fputs("<section id=\"endpoints\">\n<h2>Endpoints</h2>\n<div class=\"scroll\">"
          "<table class=\"compact\">\n<thead><tr><th>Method</th><th>Name</th>"
          "<th class=\"n\">Requests</th><th class=\"n\">Failures</th>"
          "<th class=\"n\">Expected</th><th class=\"n\">Median</th><th class=\"n\">Average</th>"
          "<th class=\"n\">p95</th><th class=\"n\">p99</th><th class=\"n\">Max</th>"
          "<th class=\"n\">Req/s</th></tr></thead>\n<tbody>\n", out);
    for (unsigned i = 0; i < f->n_sorted; i++)
        endpoint_row(out, f->sorted[i], false, in->expected_unknown);
    endpoint_row(out, &in->snap->total, true, in->expected_unknown);
    fputs("</tbody>\n</table></div>\n", out);
    if (in->endpoints_dropped)
        fprintf(out, "<p class=\"note\">%u more endpoints are in the files but not in this "
                "table (at most %d).</p>\n", in->endpoints_dropped, SNAP_MAX_ENDPOINTS);
    fputs("</section>\n", out);
}

static void error_rows(FILE *out, const struct snapshot *s, const struct report_facts *f,
                       bool expected)
{
    char count[32], first[32], last[32];

    fputs("<div class=\"scroll\"><table>\n<thead><tr><th>Endpoint</th><th>Error</th>"
          "<th class=\"n\">Occurrences</th><th class=\"n\">First seen</th>"
          "<th class=\"n\">Last seen</th></tr></thead>\n<tbody>\n", out);
    for (uint32_t i = 0; i < s->n_errors && i < SNAP_MAX_ERRORS; i++) {
        const struct snap_error *e = &s->errors[i];
        if (e->expected != expected || e->endpoint >= s->n_endpoints)
            continue;
        report_fmt_count(e->count, count, sizeof count);
        report_fmt_elapsed(e->first_seen - f->start, first, sizeof first);
        report_fmt_elapsed(e->last_seen - f->start, last, sizeof last);
        fprintf(out, "<tr><td><code>%s ", s->endpoints[e->endpoint].method);
        esc_name(out, s->endpoints[e->endpoint].name);
        fputs("</code></td><td>", out);
        esc(out, e->text);
        fprintf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%s%s</td>"
                "<td class=\"n\">%s%s</td></tr>\n", count, e->first_seen > 0 ? "+" : "",
                e->first_seen > 0 ? first : "", e->last_seen > 0 ? "+" : "",
                e->last_seen > 0 ? last : "");
    }
    if (!expected && s->errors_dropped) {
        report_fmt_count(s->errors_dropped, count, sizeof count);
        fprintf(out, "<tr><td>(other)</td><td>not itemised: groups beyond the %d kept</td>"
                "<td class=\"n\">%s</td><td></td><td></td></tr>\n", SNAP_MAX_ERRORS, count);
    }
    fputs("</tbody>\n</table></div>\n", out);
}

static void html_exceptions(FILE *out, const struct snapshot *s)
{
    char count[32];

    fputs("<h3>Exceptions (errors outside requests)</h3>\n<table>\n<thead><tr>"
          "<th class=\"n\">Count</th><th>Message</th><th>Where</th></tr></thead>\n<tbody>\n", out);
    for (uint32_t i = 0; i < s->n_exceptions && i < SNAP_MAX_EXCEPTIONS; i++) {
        report_fmt_count(s->exceptions[i].count, count, sizeof count);
        fprintf(out, "<tr><td class=\"n\">%s</td><td>", count);
        esc(out, s->exceptions[i].message);
        fputs("</td><td><code class=\"pre\">", out);
        esc(out, s->exceptions[i].where);
        fputs("</code></td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
}

static void html_failures(FILE *out, const struct report_input *in,
                          const struct report_facts *f)
{
    const struct snapshot *s = in->snap;

    fputs("<section id=\"failures\">\n<h2>Failures</h2>\n<h3>Unexpected failures</h3>\n", out);
    if (f->n_unexpected || s->errors_dropped)
        error_rows(out, s, f, false);
    else
        fputs("<p>None.</p>\n", out);
    fputs("<h3>Expected responses (counted as successes)</h3>\n", out);
    if (in->expected_unknown)
        fputs("<p>Not recorded in the CSV files.</p>\n", out);
    else if (f->n_expected)
        error_rows(out, s, f, true);
    else
        fputs("<p>None.</p>\n", out);
    if (s->n_exceptions)
        html_exceptions(out, s);
    fputs("</section>\n", out);
}

static void html_timeline(FILE *out, const struct report_input *in,
                          const struct report_facts *f)
{
    char at[32], clock[32];

    fputs("<section id=\"timeline\">\n<h2>Timeline</h2>\n", out);
    if (in->n_events == 0) {
        fputs("<p>No event recorded.</p>\n</section>\n", out);
        return;
    }
    fputs("<table class=\"timeline\">\n<thead><tr><th class=\"n\">Time</th><th>Clock</th>"
          "<th>Source</th>"
          "<th>Event</th></tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < in->n_events; i++) {
        const struct snap_event *ev = &in->events[i];
        time_t secs = (time_t)floor(ev->time);
        struct tm tm;
        report_fmt_elapsed(ev->time - f->start, at, sizeof at);
        if (!localtime_r(&secs, &tm) || !strftime(clock, sizeof clock, "%H:%M:%S", &tm))
            snprintf(clock, sizeof clock, "?");
        fprintf(out, "<tr><td class=\"n\">+%s</td><td>%s</td><td>%s</td><td>", at, clock,
                report_event_source(ev->who));
        if (ev->level != EVENT_INFO)
            fprintf(out, "<span class=\"lvl-%s\">%s:</span> ",
                    ev->level == EVENT_ERROR ? "error" : "warn",
                    ev->level == EVENT_ERROR ? "Error" : "Warning");
        esc(out, ev->text);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
}

static void html_verdict(FILE *out, const struct report_input *in,
                         const struct report_facts *f)
{
    fprintf(out, "<section id=\"verdict\">\n<h2>Verdict</h2>\n<p><span class=\"pill %s\">%s"
            "</span> ", in->passed ? "pass" : "fail", in->passed ? "PASS" : "FAIL");
    esc(out, f->summary);
    fprintf(out, "%s.</p>\n", f->running ? " so far: the run was still going when this report "
            "was made" : "");
    if (f->n_reasons) {
        fputs("<ul class=\"reasons\">\n", out);
        for (unsigned i = 0; i < f->n_reasons; i++) {
            fputs("<li>", out);
            esc(out, f->reasons[i]);
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    fputs("</section>\n", out);
}

static void html_notes(FILE *out, const struct report_input *in)
{
    char when[64];

    report_fmt_clock(in->generated_at > 0 ? in->generated_at : (double)time(NULL), when,
                     sizeof when);
    fprintf(out, "<footer>\nGenerated by hornet %s on %s.\n<ul>\n", HORNET_VERSION, when);
    if (in->csv_prefix) {
        fputs("<li>Rebuilt by <code>hornet report</code> from the CSV files <code>", out);
        esc(out, in->csv_prefix);
        fputs("_*.csv</code> (hornet's or Locust's format).</li>\n", out);
    }
    fprintf(out, "<li>Response-time chart: %s.</li>\n", report_pct_kind_text(in->pct_kind));
    if (in->dist_estimated)
        fputs("<li>The distribution is estimated: counts are interpolated linearly between the "
              "percentile cells (minimum, 50%, 66%, ..., 99.99%, maximum).</li>\n", out);
    if (in->expected_unknown)
        fputs("<li>Expected responses are not in the CSV files: hornet counts them as "
              "successes, Locust as failures.</li>\n", out);
    for (size_t i = 0; i < in->n_notes; i++) {
        fputs("<li>", out);
        esc(out, in->notes[i]);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n</footer>\n", out);
}

void report_html_render(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    html_head(out, in);
    html_header(out, in, f);
    html_cards(out, in, f);
    html_assessment(out, in);
    html_charts(out, in, f);
    html_config(out, in, f);
    html_distribution(out, in, f);
    html_endpoints(out, in, f);
    html_failures(out, in, f);
    html_timeline(out, in, f);
    html_verdict(out, in, f);
    html_notes(out, in);
    fputs("</main>\n</body>\n</html>\n", out);
}
