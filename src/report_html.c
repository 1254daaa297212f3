/* report_html: the HTML renderer of the report model (report_model.c), one self-contained
 * file: inline CSS (system fonts only), inline SVG charts (report_svg.c), no script and no
 * external reference, readable on screen and on paper. The headline becomes a header and cards
 * (the summary section's numbers), each other section a <section> with its id and the notes
 * the footer; the charts go where the model puts them. Main thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "escape.h"
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
    ".health{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:8px 26px}\n"
    ".health .chart-block{margin:6px 0 4px}\n.health h3{text-transform:none;"
    "letter-spacing:0;font-size:13.5px;color:var(--fg)}\n"
    "ul.reasons{margin:8px 0 0;padding-left:20px}\nul.reasons li{margin:3px 0}\n"
    ".lvl-warn{color:var(--risk);font-weight:600}\n.lvl-error{color:var(--fail);"
    "font-weight:600}\n"
    "footer{color:var(--muted);font-size:12px;padding:4px 2px}\nfooter ul{margin:4px 0 0;"
    "padding-left:18px}\n"
    "@media (max-width:820px){dl.config{grid-template-columns:auto 1fr}"
    ".health{grid-template-columns:1fr}"
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

/* s[0..n) HTML-escaped. */
static void html_escape_n(FILE *out, const char *s, size_t n)
{
    size_t i = 0, got;
    char one[ESCAPE_CHAR_MAX];

    while (i < n) {
        const char *c = s + i;

        i += escape_char(c, n - i, 0, one, &got);
        switch (*c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fwrite(one, 1, got, out);      /* control characters escaped (escape.h) */
        }
    }
}

void report_html_escape(FILE *out, const char *s)
{
    html_escape_n(out, s, strlen(s));
}

static void esc(FILE *out, const char *s)
{
    report_html_escape(out, s);
}

/* An endpoint name: escaped, with a line-break opportunity after each '/', '?' and '&' so
 * that long paths wrap between segments rather than widen the table. */
static void esc_name(FILE *out, const char *s)
{
    while (*s) {
        size_t n = strcspn(s, "/?&");

        n += s[n] != '\0';                  /* the separator ends its segment */
        html_escape_n(out, s, n);
        s += n;
        if (*s && strchr("/?&", s[-1]))
            fputs("<wbr>", out);
    }
}

/* A campaign's results: each scenario's parts inside its section. */
static const char part_css[] =
    "div.part{margin:18px 0 0;padding-top:14px;border-top:1px solid #e7ebef}\n"
    "div.part h3{font-size:15px;margin:0 0 10px;font-weight:650;color:var(--fg);"
    "text-transform:none;letter-spacing:0}\n"
    "div.part h4{font-size:12px;margin:14px 0 6px;color:var(--muted);text-transform:uppercase;"
    "letter-spacing:.05em}\n"
    "h2 .pill{vertical-align:middle;margin-left:8px}\n"
    "main{max-width:1360px}\n";

static void html_head(FILE *out, const struct report_model *m)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"hornet " HORNET_VERSION "\">\n<title>", out);
    esc(out, m->head.title);
    fprintf(out, ": %s - hornet load test report</title>\n<style>\n%s</style>\n</head>\n"
            "<body>\n<main>\n", m->head.passed ? "PASS" : "FAIL", css);
}

static void html_header(FILE *out, const struct report_model *m)
{
    const struct report_headline *h = &m->head;

    fputs("<header class=\"top\">\n<div>\n<p class=\"eyebrow\">Load test report</p>\n<h1>", out);
    esc(out, h->title);
    fputs("</h1>\n<p class=\"sub\">", out);
    if (m->in->scenario_path) {
        fputs("<span><code>", out);
        esc(out, m->in->scenario_path);
        fputs("</code></span>", out);
    }
    if (m->in->snap->host[0]) {
        fputs("<span>", out);
        esc(out, m->in->snap->host);
        fputs("</span>", out);
    }
    fprintf(out, "<span>%s</span><span>%s%s</span></p>\n</div>\n", h->start, h->duration,
            h->running ? " so far" : "");
    fprintf(out, "<div class=\"verdict %s\"><b>%s</b><small>", h->passed ? "pass" : "fail",
            h->passed ? "PASS" : "FAIL");
    esc(out, h->summary);
    fprintf(out, "%s</small></div>\n</header>\n", h->running ? " (run in progress)" : "");
}

static void card(FILE *out, const char *key, const char *value, const char *sub, bool bad)
{
    fprintf(out, "<div class=\"card%s\"><div class=\"k\">%s</div><div class=\"v\">%s</div>",
            bad ? " bad" : "", key, value);
    if (sub)
        fprintf(out, "<div class=\"s\">%s</div>", sub);
    fputs("</div>\n", out);
}

/* The summary section as cards: the headline's numbers. */
static void html_cards(FILE *out, const struct report_model *m)
{
    const struct report_headline *h = &m->head;
    char expected[64], share[64];

    snprintf(expected, sizeof expected, "%s%s", h->expected ? h->expected
             : "expected: not recorded", h->expected ? " expected" : "");
    snprintf(share, sizeof share, "%s unexpected", h->failure_share);
    fputs("<div class=\"cards\">\n", out);
    card(out, "Requests", h->requests, expected, false);
    card(out, "Throughput", h->throughput, "whole run", false);
    card(out, "Failures", h->failures, share, h->any_failure);
    card(out, "Median", h->latency[0], NULL, false);
    card(out, "p95", h->latency[2], NULL, false);
    card(out, "p99", h->latency[3], NULL, false);
    card(out, "Max", h->latency[4], NULL, false);
    fputs("</div>\n", out);
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

/* A chart's title (at heading level `level`) and the start of its legend. */
static void chart_head(FILE *out, const char *title, int level)
{
    fprintf(out, "<div class=\"chart-block\">\n<div class=\"chart-head\"><h%d>%s</h%d>"
            "<div class=\"legend\">", level, title, level);
}

/* The charts over time; level 2: a section of its own, 3: a part of a campaign's scenario. */
static void html_charts(FILE *out, const struct report_input *in, const struct report_facts *f,
                        const char *id_prefix, int level)
{
    bool log_axis;
    char *lat = NULL;
    size_t lat_len = 0;
    FILE *tmp;

    fprintf(out, "<%s id=\"%scharts\">\n<h%d>Over time</h%d>\n", level > 2 ? "div" : "section",
            id_prefix, level, level);
    chart_head(out, "Throughput", level + 1);
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
    chart_head(out, in->service ? (log_axis ? "Response times, corrected (log scale)"
                                            : "Response times, corrected")
                                : log_axis ? "Response times (log scale)" : "Response times",
               level + 1);
    legend_item(out, "#1a7f37", "p50");
    legend_item(out, "#bf8700", "p95");
    legend_item(out, "#cf222e", "p99");
    if (has_latency_target(in->snap, false))
        fputs("<span><i class=\"sw dash\"></i>target</span>", out);
    fputs("</div></div>\n", out);
    fwrite(lat ? lat : "", 1, lat_len, out);
    free(lat);
    fprintf(out, "<p class=\"note\">%s.</p>\n</div>\n", report_pct_kind_text(in->pct_kind));
    chart_head(out, "Users", level + 1);
    legend_item(out, "#8250df", "users running");
    fputs("</div></div>\n", out);
    report_svg_users(out, in, f);
    fputs("</div>\n", out);
    if (in->n_arrivals > 0) {
        chart_head(out, "Arrivals", level + 1);
        legend_item(out, "#8250df", "asked/s");
        legend_item(out, "#0969da", "started/s");
        legend_item(out, "#cf222e", "dropped/s");
        fputs("</div></div>\n", out);
        report_svg_arrivals(out, in, f);
        fputs("</div>\n", out);
    }
    fputs(level > 2 ? "</div>\n" : "</section>\n", out);
}

/* ---- the model's blocks --------------------------------------------------------------------- */

static void html_run(FILE *out, enum report_style style, const char *text, uint8_t status)
{
    static const char *const open[] = {
        [REPORT_EM] = "<i>", [REPORT_STRONG] = "<strong>", [REPORT_CODE] = "<code>",
        [REPORT_NAME] = "<code>", [REPORT_PRE] = "<code class=\"pre\">",
    };
    static const char *const close[] = {
        [REPORT_EM] = "</i>", [REPORT_STRONG] = "</strong>", [REPORT_CODE] = "</code>",
        [REPORT_NAME] = "</code>", [REPORT_PRE] = "</code>",
    };

    switch (style) {
    case REPORT_STATUS:
        fprintf(out, "<span class=\"pill %s\">%s</span>", report_status_class(status), text);
        return;
    case REPORT_VERDICT:
        fprintf(out, "<span class=\"pill %s\">%s</span>",
                strcmp(text, "PASS") == 0 ? "pass" : "fail", text);
        return;
    case REPORT_APPROX:
        fputs("&asymp;", out);
        return;
    case REPORT_EM:
    case REPORT_STRONG:
    case REPORT_CODE:
    case REPORT_NAME:
    case REPORT_PRE:
        fputs(open[style], out);
        if (style == REPORT_NAME)
            esc_name(out, text);
        else
            esc(out, text);
        fputs(close[style], out);
        return;
    default:                            /* text and prose */
        esc(out, text);
    }
}

static void html_runs(FILE *out, const struct report_para *p)
{
    for (uint8_t i = 0; i < p->n_runs; i++)
        html_run(out, (enum report_style)p->runs[i].style, p->runs[i].text, 0);
}

static void html_cell(FILE *out, const struct report_cell *c, bool numeric)
{
    if (!c->text) {
        fputs("<td></td>", out);
        return;
    }
    if (c->tinted)
        fprintf(out, "<td class=\"margin %s\">", report_status_class(c->status));
    else
        fputs(numeric ? "<td class=\"n\">" : "<td>", out);
    if (c->approx)
        fputs("&asymp; ", out);
    if (c->level == EVENT_ERROR || c->level == EVENT_WARN)
        fprintf(out, "<span class=\"lvl-%s\">%s:</span> ",
                c->level == EVENT_ERROR ? "error" : "warn",
                c->level == EVENT_ERROR ? "Error" : "Warning");
    html_run(out, (enum report_style)c->style, c->text, c->status);
    if (c->code_suffix) {
        fputs(" (<code>", out);
        esc(out, c->code_suffix);
        fputs("</code>)", out);
    }
    fputs("</td>", out);
}

/* Key/value pairs as a definition list. */
static void html_settings(FILE *out, const struct report_table *t)
{
    fputs("<dl class=\"config\">\n", out);
    for (size_t r = 0; r < t->n_rows; r++) {
        const struct report_cell *row = &t->cells[r * t->n_cols];

        fprintf(out, "<dt>%s</dt><dd>", row[0].text);
        esc(out, row[1].text);
        if (row[1].code_suffix) {
            fputs(" (<code>", out);
            esc(out, row[1].code_suffix);
            fputs("</code>)", out);
        }
        fputs("</dd>\n", out);
    }
    fputs("</dl>\n", out);
}

static void html_table(FILE *out, const struct report_table *t)
{
    if (t->settings) {
        html_settings(out, t);
        return;
    }
    if (t->wide || t->scroll)
        fputs("<div class=\"scroll\">", out);
    fprintf(out, "<table%s>\n<thead><tr>", t->wide ? " class=\"compact\""
            : t->timeline ? " class=\"timeline\"" : "");
    for (uint8_t k = 0; k < t->n_cols; k++)
        fprintf(out, "<th%s>%s</th>", t->numeric[k] != '-' ? " class=\"n\"" : "", t->heads[k]);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t r = 0; r < t->n_rows; r++) {
        const struct report_cell *row = &t->cells[r * t->n_cols];

        fputs(t->total_last && r + 1 == t->n_rows ? "<tr class=\"total\">" : "<tr>", out);
        for (uint8_t k = 0; k < t->n_cols; k++)
            html_cell(out, &row[k], t->numeric[k] != '-');
        fputs("</tr>\n", out);
    }
    fputs(t->wide || t->scroll ? "</tbody>\n</table></div>\n" : "</tbody>\n</table>\n", out);
}

/* Every backend-health metric's chart, two side by side: its name, unit, limit and verdict. */
static void html_health_charts(FILE *out, const struct report_model *m)
{
    const struct snap_health *h = &m->in->snap->health;

    fputs("<div class=\"health\">\n", out);
    for (uint32_t k = 0; k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        const struct snap_health_metric *x = &h->metrics[k];
        fputs("<div class=\"chart-block\">\n<div class=\"chart-head\"><h3>", out);
        esc(out, x->name);
        if (x->unit[0]) {
            fputs(" <span class=\"note\">(", out);
            esc(out, x->unit);
            fputs(")</span>", out);
        }
        fputs("</h3><div class=\"legend\">", out);
        if (x->has_limit) {
            fputs("<span><i class=\"sw dash\"></i>", out);
            esc(out, x->limit);
            fprintf(out, "</span><span class=\"pill %s\">%s</span>",
                    report_status_class(x->status), report_status_word(x->status));
        }
        fputs("</div></div>\n", out);
        report_svg_health(out, m->in, m->facts, k);
        fputs("</div>\n", out);
    }
    fputs("</div>\n", out);
}

static void html_block(FILE *out, const struct report_model *m, const struct report_block *b,
                       bool reasons, int level)
{
    switch (b->kind) {
    case REPORT_PARA:
        fputs(b->note ? "<p class=\"note\">" : "<p>", out);
        html_runs(out, &b->para);
        fputs("</p>\n", out);
        break;
    case REPORT_SUBHEAD:
        fprintf(out, "<h%d>%s</h%d>\n", level, b->text, level);
        break;
    case REPORT_TABLE:
        html_table(out, b->table);
        break;
    case REPORT_LIST:
        fputs(reasons ? "<ul class=\"reasons\">\n" : "<ul>\n", out);
        for (size_t i = 0; i < b->n_items; i++) {
            fputs("<li>", out);
            html_runs(out, &b->items[i]);
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
        break;
    case REPORT_HEALTH_CHARTS:
        html_health_charts(out, m);
        break;
    case REPORT_DIST_CHART:
        fputs("<div class=\"dist\">\n<div>\n", out);
        report_svg_distribution(out, m->in->snap, m->facts);
        fputs("</div>\n", out);
        break;
    default:
        break;
    }
}

/* A section: level 2 a <section> of its own, 3 a part of a campaign's scenario. */
static void html_section(FILE *out, const struct report_model *m,
                         const struct report_section *s, const char *id_prefix, int level)
{
    fprintf(out, "<%s id=\"%s%s\">\n<h%d>%s</h%d>\n", level > 2 ? "div class=\"part\""
            : "section", id_prefix, s->id, level, s->title, level);
    for (size_t k = 0; k < s->n_blocks; k++) {
        const struct report_block *b = &s->blocks[k];

        html_block(out, m, b, true, level + 1);
        if (k > 0 && s->blocks[k - 1].kind == REPORT_DIST_CHART)
            fputs("</div>\n", out);            /* the chart and its table side by side */
    }
    fputs(level > 2 ? "</div>\n" : "</section>\n", out);
}

static void html_footer(FILE *out, const struct report_model *m,
                        const struct report_section *s)
{
    fputs("<footer>\n", out);
    for (size_t k = 0; k < s->n_blocks; k++)
        html_block(out, m, &s->blocks[k], false, 3);
    fputs("</footer>\n", out);
}

void report_html_render(FILE *out, const struct report_model *m)
{
    html_head(out, m);
    for (size_t i = 0; i < m->n_sections; i++) {
        const struct report_section *s = &m->sections[i];

        switch (s->role) {
        case REPORT_ROLE_TITLE:         /* the headline: the verdict, then the numbers */
            html_header(out, m);
            html_cards(out, m);
            break;
        case REPORT_ROLE_SUMMARY:       /* shown as the cards, under the header */
            break;
        case REPORT_ROLE_CHARTS:
            html_charts(out, m->in, m->facts, "", 2);
            break;
        case REPORT_ROLE_NOTES:
            html_footer(out, m, s);
            break;
        default:
            html_section(out, m, s, "", 2);
        }
    }
    fputs("</main>\n</body>\n</html>\n", out);
}

void report_html_render_part(FILE *out, const struct report_model *m, const char *const *ids,
                             const char *id_prefix)
{
    for (size_t i = 0; i < m->n_sections; i++) {
        const struct report_section *s = &m->sections[i];

        if (!report_model_wants(ids, s->id))
            continue;
        if (s->role == REPORT_ROLE_CHARTS)
            html_charts(out, m->in, m->facts, id_prefix, 3);
        else if (s->role == REPORT_ROLE_BODY)
            html_section(out, m, s, id_prefix, 3);
    }
}

void report_html_page_open(FILE *out, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"hornet " HORNET_VERSION "\">\n<title>", out);
    esc(out, title);
    fprintf(out, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n<main>\n", css, part_css);
}

void report_html_page_close(FILE *out)
{
    fputs("</main>\n</body>\n</html>\n", out);
}

void report_html_render_sections(FILE *out, const struct report_model *m)
{
    for (size_t i = 0; i < m->n_sections; i++)
        if (m->sections[i].role == REPORT_ROLE_BODY)
            html_section(out, m, &m->sections[i], "", 2);
        else if (m->sections[i].role == REPORT_ROLE_NOTES)
            html_footer(out, m, &m->sections[i]);
}

void report_html_part_open(FILE *out, const char *id, const char *title, const char *status,
                           uint8_t target_status)
{
    fprintf(out, "<section id=\"%s\">\n<h2>", id);
    esc(out, title);
    if (status)
        fprintf(out, "<span class=\"pill %s\">%s</span>", report_status_class(target_status),
                status);
    fputs("</h2>\n", out);
}

void report_html_part_close(FILE *out)
{
    fputs("</section>\n", out);
}

void report_html_banner(FILE *out, const char *eyebrow, const char *title, const char *sub,
                        bool passed, const char *verdict, const char *summary)
{
    fputs("<header class=\"top\">\n<div>\n<p class=\"eyebrow\">", out);
    esc(out, eyebrow);
    fputs("</p>\n<h1>", out);
    esc(out, title);
    fputs("</h1>\n<p class=\"sub\"><span>", out);
    esc(out, sub);
    fprintf(out, "</span></p>\n</div>\n<div class=\"verdict %s\"><b>", passed ? "pass" : "fail");
    esc(out, verdict);
    fputs("</b><small>", out);
    esc(out, summary);
    fputs("</small></div>\n</header>\n", out);
}
