/* report_md: the Markdown renderer of the report model (report_model.c), pasteable into a wiki
 * (GitHub/GitLab-flavoured tables, no HTML): a heading per section, blank lines between
 * blocks, every text from the run escaped. The charts are the HTML report's: skipped here,
 * except the backend-health metrics over the run, drawn as text sparklines.
 * Main thread. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"
#include "health_unit.h"
#include "report_internal.h"

#define BAR_WIDTH 20

/* Text in a table cell or a paragraph: what Markdown would read as emphasis, code, a link, a
 * table cell, strike-through or an HTML tag is escaped; line breaks become spaces; other
 * control characters are written escaped (escape.h: a report is also read with cat). `#` and
 * `>` are safe: every text starts after a table pipe or a word. */
static void md_text(FILE *out, const char *s)
{
    size_t n = strlen(s), i = 0, got;
    char one[ESCAPE_CHAR_MAX];

    while (i < n) {
        const char *c = s + i;
        size_t used = escape_char(c, n - i, 0, one, &got);

        i += used;
        if (*c == '\n' || *c == '\r' || *c == '\t')
            fputc(' ', out);
        else if (got != used || memcmp(one, c, used) != 0)
            fprintf(out, "\\%.*s", (int)got, one);        /* \x1b, its backslash escaped */
        else if (strchr("\\`*_[]|~", *c) || (*c == '<' && (isalpha((unsigned char)c[1]) ||
                                                            strchr("/!?", c[1]))))
            fprintf(out, "\\%c", *c);
        else
            fwrite(c, 1, used, out);
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
    for (size_t n = strlen(s), i = 0, got; i < n;) {
        char one[ESCAPE_CHAR_MAX];
        const char *c = s + i;

        i += escape_char(c, n - i, 0, one, &got);
        if (*c == '|')
            fputs("\\|", out);
        else if (*c == '\n' || *c == '\r' || *c == '\t')
            fputc(' ', out);
        else
            fwrite(one, 1, got, out);
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

/* One run; status is the target status of a REPORT_STATUS run. */
static void md_run(FILE *out, enum report_style style, const char *text, uint8_t status)
{
    switch (style) {
    case REPORT_EM:
        fputc('*', out);
        md_text(out, text);
        fputc('*', out);
        return;
    case REPORT_STATUS:                 /* a failing or pending target stands out */
    case REPORT_STRONG:
    case REPORT_VERDICT:
        if (style == REPORT_STATUS && status != TARGET_FAIL && status != TARGET_PENDING) {
            md_text(out, text);
            return;
        }
        fputs("**", out);
        md_text(out, text);
        fputs("**", out);
        return;
    case REPORT_CODE:
    case REPORT_NAME:
        md_code(out, text);
        return;
    case REPORT_APPROX:
        fputs("≈", out);
        return;
    case REPORT_PROSE:
        fputs(text, out);
        return;
    default:
        md_text(out, text);
    }
}

static void md_para(FILE *out, const struct report_para *p)
{
    for (uint8_t i = 0; i < p->n_runs; i++)
        md_run(out, (enum report_style)p->runs[i].style, p->runs[i].text, 0);
    fputc('\n', out);
}

static void md_cell(FILE *out, const struct report_cell *c)
{
    if (!c->text) {
        fputs(" |", out);
        return;
    }
    fputc(' ', out);
    if (c->approx)
        fputs("≈ ", out);
    if (c->level == EVENT_ERROR || c->level == EVENT_WARN)
        fputs(c->level == EVENT_ERROR ? "**Error:** " : "**Warning:** ", out);
    md_run(out, (enum report_style)c->style, c->text, c->status);
    if (c->code_suffix) {
        fputs(" (", out);
        md_code(out, c->code_suffix);
        fputc(')', out);
    }
    fputs(" |", out);
}

static void md_table(FILE *out, const struct report_table *t)
{
    fputc('|', out);
    for (uint8_t k = 0; k < t->n_cols; k++)
        fprintf(out, " %s |", t->heads[k]);
    fputs(t->bars ? " |\n|" : "\n|", out);
    for (uint8_t k = 0; k < t->n_cols; k++)
        fputs(t->numeric[k] == 'n' ? "---:|" : "---|", out);
    fputs(t->bars ? "---|\n" : "\n", out);
    for (size_t r = 0; r < t->n_rows; r++) {
        const struct report_cell *row = &t->cells[r * t->n_cols];

        fputc('|', out);
        for (uint8_t k = 0; k < t->n_cols; k++)
            md_cell(out, &row[k]);
        if (t->bars) {
            fputc(' ', out);
            md_bar(out, row[t->n_cols - 1].bar);
            fputs(" |", out);
        }
        fputc('\n', out);
    }
}

/* One block, its lines ending in a line break; a subhead at heading level `level`. */
static void md_block(FILE *out, const struct report_block *b, int level)
{
    switch (b->kind) {
    case REPORT_PARA:
        md_para(out, &b->para);
        break;
    case REPORT_SUBHEAD:
        fprintf(out, "%.*s %s\n", level, "######", b->text);
        break;
    case REPORT_TABLE:
        md_table(out, b->table);
        break;
    case REPORT_LIST:
        for (size_t i = 0; i < b->n_items; i++) {
            fputs("- ", out);
            md_para(out, &b->items[i]);
        }
        break;
    default:
        break;
    }
}

/* ---- backend health over the run: text sparklines on the throughput's time axis ----------- */

#define SPARK_WIDTH 48

/* One sparkline of SPARK_WIDTH cells over [0, span] seconds from start: each cell the highest
 * value of its slot, from the lowest (0 or below) to the highest of all; a blank where a slot
 * has no value. */
static void md_spark(FILE *out, const double *slot, const bool *has)
{
    static const char *const blocks[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    double lo = 0, hi = 0;

    for (int k = 0; k < SPARK_WIDTH; k++)
        if (has[k]) {
            lo = fmin(lo, slot[k]);
            hi = fmax(hi, slot[k]);
        }
    fputc('`', out);
    for (int k = 0; k < SPARK_WIDTH; k++) {
        int level = hi > lo ? (int)floor((slot[k] - lo) / (hi - lo) * 7.999) : 0;
        fputs(has[k] ? blocks[level < 0 ? 0 : level > 7 ? 7 : level] : " ", out);
    }
    fputc('`', out);
}

/* Slot k of the sparkline holds the highest value sampled in it; a slot no sample fell in
 * (polls sparser than slots) holds the value sampled last before it, unless that poll had none
 * or was more than `hold` seconds earlier: a gap. */
static void spark_fill(double *slot, bool *has, const double *t, const double *v, size_t n,
                       double span, double hold)
{
    size_t i = 0;

    for (int k = 0; k < SPARK_WIDTH; k++) {
        double end = span * (k + 1) / SPARK_WIDTH, begin = span * k / SPARK_WIDTH;
        bool any = false;
        has[k] = false;
        for (; i < n && t[i] < end; i++) {
            if (isnan(v[i]) || t[i] < begin - 1e-9) {
                any = any || t[i] >= begin - 1e-9;
                continue;
            }
            slot[k] = any && has[k] ? fmax(slot[k], v[i]) : v[i];
            has[k] = any = true;
        }
        if (!any && i > 0 && !isnan(v[i - 1]) && begin - t[i - 1] <= hold && i < n) {
            slot[k] = v[i - 1];
            has[k] = true;
        }
    }
}

static void md_spark_row(FILE *out, const char *name, const double *slot, const bool *has,
                         const char *lo, const char *hi)
{
    fputs("| ", out);
    md_text(out, name);
    fputs(" | ", out);
    md_spark(out, slot, has);
    fprintf(out, " | %s | %s |\n", lo, hi);
}

/* The throughput first (requests per second, the highest second of each slot), then every
 * health metric, on one time axis: the run's. */
static void md_health_sparklines(FILE *out, const struct report_model *m)
{
    const struct report_input *in = m->in;
    const struct snap_health *h = &in->snap->health;
    double span = m->facts->duration, slot[SPARK_WIDTH], top = 0;
    size_t cap = in->n_points;
    bool has[SPARK_WIDTH];
    char from[16], to[16], lo[32], hi[32];
    double *t, *v;

    for (uint32_t k = 0; k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        size_t n;
        report_health_points(in, k, &n);
        cap = n > cap ? n : cap;
    }
    if (!(t = calloc(2 * cap + 2, sizeof *t)))
        return;
    v = t + cap + 1;
    report_fmt_elapsed(0, from, sizeof from);
    report_fmt_elapsed(span, to, sizeof to);
    fprintf(out, "| Metric | %s to %s | Min | Max |\n|---|---|---:|---:|\n", from, to);
    for (size_t i = 0; i < in->n_points; i++) {
        t[i] = (double)in->points[i].second - m->facts->start;
        v[i] = in->points[i].requests;
        top = fmax(top, v[i]);
    }
    spark_fill(slot, has, t, v, in->n_points, span, 1.5);
    report_fmt_rps(top, hi, sizeof hi);
    md_spark_row(out, "Requests/s", slot, has, "0", hi);
    for (uint32_t k = 0; k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        const struct snap_health_metric *x = &h->metrics[k];
        size_t n;
        const struct snap_health_point *p = report_health_points(in, k, &n);
        for (size_t i = 0; i < n; i++) {
            t[i] = p[i].time - m->facts->start;
            v[i] = p[i].value;
        }
        spark_fill(slot, has, t, v, n, span,
                   1.5 * h->sources[x->source % SNAP_HEALTH_SOURCES].interval);
        health_unit_format(x->unit, x->samples ? x->min : NAN, lo, sizeof lo);
        health_unit_format(x->unit, x->samples ? x->max : NAN, hi, sizeof hi);
        md_spark_row(out, x->name, slot, has, lo, hi);
    }
    free(t);
}

/* A section's heading (level: 1 for "# ") and its blocks, a blank line before each. */
static void md_section(FILE *out, const struct report_model *m, const struct report_section *s,
                       int level)
{
    fprintf(out, "%.*s ", level, "######");
    md_text(out, s->title);
    fputc('\n', out);
    for (size_t k = 0; k < s->n_blocks; k++) {
        if (s->blocks[k].kind == REPORT_DIST_CHART)
            continue;                           /* the HTML report's chart */
        fputc('\n', out);
        if (s->blocks[k].kind == REPORT_HEALTH_CHARTS)
            md_health_sparklines(out, m);
        else
            md_block(out, &s->blocks[k], level + 1);
    }
}

/* Headings and blocks, a blank line between two; none after the last. */
void report_md_render(FILE *out, const struct report_model *m)
{
    bool first = true;

    for (size_t i = 0; i < m->n_sections; i++) {
        const struct report_section *s = &m->sections[i];

        if (s->role == REPORT_ROLE_CHARTS)
            continue;
        if (!first)
            fputc('\n', out);
        first = false;
        md_section(out, m, s, s->role == REPORT_ROLE_TITLE ? 1 : 2);
    }
}

void report_md_render_part(FILE *out, const struct report_model *m, const char *const *ids)
{
    for (size_t i = 0; i < m->n_sections; i++) {
        const struct report_section *s = &m->sections[i];

        if (s->role != REPORT_ROLE_BODY || !report_model_wants(ids, s->id))
            continue;
        fputc('\n', out);
        md_section(out, m, s, 3);
    }
}

void report_md_heading(FILE *out, int level, const char *title)
{
    fprintf(out, "%.*s ", level, "######");
    md_text(out, title);
    fputc('\n', out);
}
