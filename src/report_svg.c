/* report_svg: the HTML report's charts as inline SVG (no script, no external reference):
 * requests/s and failures/s, p50/p95/p99 over time (log axis when the spread is wide), users
 * over time, and the response-time distribution. Long runs are averaged into at most
 * MAX_COLUMNS columns. Main thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "health_unit.h"
#include "report_internal.h"
#include "timeline.h"

#define VIEW_W 1000.0
#define VIEW_H 250.0
#define MAX_COLUMNS 900
#define LOG_SPREAD 20.0         /* p99 max / p50 min beyond which the latency axis is log */

#define C_RPS "#0969da"
#define C_FAIL "#cf222e"
#define C_P50 "#1a7f37"
#define C_P95 "#bf8700"
#define C_P99 "#cf222e"
#define C_USERS "#8250df"
#define C_TARGET "#57606a"

struct frame {
    double left, right, top, bottom;    /* plot area in view units */
    double x0, x1;                      /* seconds since the start */
    double y0, y1;                      /* data units (log10 of them on a log axis) */
    bool log;
};

/* The run averaged into columns: x in seconds since the start (column middle). */
struct columns {
    size_t n;
    double width;                       /* seconds per column */
    double *x, *rps, *fps, *users, *p50, *p95, *p99;   /* p*: ms, NAN: no data */
};

static double fx(const struct frame *fr, double x)
{
    double span = fr->x1 > fr->x0 ? fr->x1 - fr->x0 : 1.0;
    return fr->left + (x - fr->x0) / span * (fr->right - fr->left);
}

static double fy(const struct frame *fr, double y)
{
    double span;

    if (fr->log)
        y = log10(y > 0 ? y : 1e-9);
    span = fr->y1 > fr->y0 ? fr->y1 - fr->y0 : 1.0;
    if (y < fr->y0)
        y = fr->y0;
    if (y > fr->y1)
        y = fr->y1;
    return fr->bottom - (y - fr->y0) / span * (fr->bottom - fr->top);
}

double report_svg_nice_step(double max, int max_ticks, double *top)
{
    static const double mult[] = {1, 2, 2.5, 5, 10};
    double raw, mag, step = 1;

    if (!(max > 0) || !isfinite(max))
        max = 1;
    raw = max / (max_ticks > 0 ? max_ticks : 1);
    mag = pow(10, floor(log10(raw)));
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
        step = mult[i] * mag;
        if (step >= raw * (1 - 1e-9))
            break;
    }
    if (top)
        *top = ceil(max / step - 1e-9) * step;
    return step;
}

double report_svg_time_step(double span, int max_ticks)
{
    static const double steps[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
                                   7200, 10800, 21600, 43200, 86400};
    size_t n = sizeof steps / sizeof steps[0];

    for (size_t i = 0; i < n; i++)
        if (span / steps[i] <= max_ticks)
            return steps[i];
    return ceil(span / max_ticks / 86400.0) * 86400.0;
}

/* ---- data ----------------------------------------------------------------------------- */

static void columns_free(struct columns *c)
{
    free(c->x);
    memset(c, 0, sizeof *c);
}

static double ms_or_nan(double sum, double weight)
{
    return weight > 0 ? sum / weight / 1000.0 : NAN;
}

/* Column k averages points [k*per, (k+1)*per): rates per second, users at the end, latency
 * weighted by requests (plain mean when no request, e.g. cumulative series). */
static void fill_column(struct columns *c, size_t k, const struct snap_point *p, size_t n,
                        double start)
{
    double req = 0, fail = 0, w = 0, s50 = 0, s95 = 0, s99 = 0;

    for (size_t i = 0; i < n; i++) {
        double wi = p[i].requests ? p[i].requests : 1e-6;
        req += p[i].requests;
        fail += p[i].failures;
        if (p[i].p50_us == 0)
            continue;
        w += wi;
        s50 += wi * p[i].p50_us;
        s95 += wi * p[i].p95_us;
        s99 += wi * p[i].p99_us;
    }
    c->x[k] = (double)p[0].second - start + n / 2.0;
    c->rps[k] = req / (double)n;
    c->fps[k] = fail / (double)n;
    c->users[k] = p[n - 1].users;
    c->p50[k] = ms_or_nan(s50, w);
    c->p95[k] = ms_or_nan(s95, w);
    c->p99[k] = ms_or_nan(s99, w);
}

static int columns_build(struct columns *c, const struct report_input *in, double start)
{
    size_t per = (in->n_points + MAX_COLUMNS - 1) / MAX_COLUMNS, n;

    memset(c, 0, sizeof *c);
    if (in->n_points == 0)
        return -1;
    per = per ? per : 1;
    n = (in->n_points + per - 1) / per;
    if (!(c->x = calloc(n * 7, sizeof *c->x)))
        return -1;
    c->rps = c->x + n;
    c->fps = c->rps + n;
    c->users = c->fps + n;
    c->p50 = c->users + n;
    c->p95 = c->p50 + n;
    c->p99 = c->p95 + n;
    c->n = n;
    c->width = (double)per;
    for (size_t k = 0; k < n; k++) {
        size_t from = k * per, m = in->n_points - from < per ? in->n_points - from : per;
        fill_column(c, k, in->points + from, m, start);
    }
    return 0;
}

/* ---- drawing ---------------------------------------------------------------------------- */

static void svg_open(FILE *out, const char *label, double height)
{
    fprintf(out, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" "
            "aria-label=\"", VIEW_W, height);
    report_html_escape(out, label);
    fputs("\" preserveAspectRatio=\"xMidYMid meet\">\n", out);
}

static void frame_init(struct frame *fr, double height, double x1)
{
    fr->left = 64;
    fr->right = VIEW_W - 18;
    fr->top = 26;
    fr->bottom = height - 42;
    fr->x0 = 0;
    fr->x1 = x1 > 0 ? x1 : 1;
}

/* The time axis with at most `ticks` intervals. */
static void time_axis_ticks(FILE *out, const struct frame *fr, int ticks)
{
    double step = report_svg_time_step(fr->x1 - fr->x0, ticks);
    char label[32];

    fprintf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
            fr->left, fr->bottom, fr->right, fr->bottom);
    for (double t = 0; t <= fr->x1 + 1e-9; t += step) {
        double x = fx(fr, t);
        report_fmt_elapsed(t, label, sizeof label);
        fprintf(out, "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x,
                fr->bottom, x, fr->bottom + 5, x, fr->bottom + 18, label);
    }
    fprintf(out, "<text class=\"unit\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
            "elapsed time (m:ss)</text>\n", (fr->left + fr->right) / 2, fr->bottom + 34);
}

static void time_axis(FILE *out, const struct frame *fr)
{
    time_axis_ticks(out, fr, 10);
}

typedef void (*label_fn)(double v, char *out, size_t n);

static void grid_line(FILE *out, const struct frame *fr, double v, label_fn fmt)
{
    char label[32];
    double y = fy(fr, v);

    fmt(v, label, sizeof label);
    fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", fr->left, y,
            fr->right, y, fr->left - 8, y + 4, label);
}

/* Linear: nice steps from 0 to the top. Log: 1, 2, 5 per decade (only 1 when many). The
 * axis title goes above the labels. */
static void value_axis(FILE *out, const struct frame *fr, double step, label_fn fmt,
                       const char *title)
{
    fprintf(out, "<text class=\"unit\" x=\"4\" y=\"%.1f\">%s</text>\n", fr->top - 12,
            title);
    if (!fr->log) {
        for (double v = fr->y0; v <= fr->y1 + step * 1e-6; v += step)
            grid_line(out, fr, v, fmt);
        return;
    }
    int decades = (int)ceil(fr->y1 - fr->y0);
    for (int e = (int)floor(fr->y0); e <= (int)ceil(fr->y1); e++) {
        static const double m[] = {1, 2, 5};
        for (int i = 0; i < (decades > 3 ? 1 : 3); i++) {
            double v = m[i] * pow(10, e), lv = log10(v);
            if (lv >= fr->y0 - 1e-9 && lv <= fr->y1 + 1e-9)
                grid_line(out, fr, v, fmt);
        }
    }
}

/* A line through (x[i], y[i]), broken where y is NAN. */
static void path_line(FILE *out, const struct frame *fr, const double *x, const double *y,
                      size_t n, const char *color, double width, const char *extra)
{
    bool pen = false;

    fputs("<path d=\"", out);
    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i])) {
            pen = false;
            continue;
        }
        fprintf(out, "%c%.1f %.1f", pen ? 'L' : 'M', fx(fr, x[i]), fy(fr, y[i]));
        pen = true;
    }
    fprintf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
            "stroke-linejoin=\"round\"%s/>\n", color, width, extra ? extra : "");
}

/* The area between lo (NULL: the axis) and hi, where both are defined. */
static void path_area(FILE *out, const struct frame *fr, const double *x, const double *lo,
                      const double *hi, size_t n, const char *color, double opacity)
{
    size_t i = 0;

    while (i < n) {
        size_t a = i, b;
        while (a < n && (isnan(hi[a]) || (lo && isnan(lo[a]))))
            a++;
        for (b = a; b < n && !isnan(hi[b]) && !(lo && isnan(lo[b])); b++)
            ;
        if (a >= n)
            break;
        fputs("<path d=\"", out);
        for (size_t k = a; k < b; k++)
            fprintf(out, "%c%.1f %.1f", k == a ? 'M' : 'L', fx(fr, x[k]), fy(fr, hi[k]));
        for (size_t k = b; k-- > a;)
            fprintf(out, "L%.1f %.1f", fx(fr, x[k]), lo ? fy(fr, lo[k]) : fr->bottom);
        fprintf(out, "Z\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"none\"/>\n", color,
                opacity);
        i = b;
    }
}

static void hline(FILE *out, const struct frame *fr, double v, const char *label)
{
    double y = fy(fr, v);

    fprintf(out, "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
            "<text class=\"tlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", fr->left, y,
            fr->right, y, fr->right - 4, y - 4);
    report_html_escape(out, label);
    fputs("</text>\n", out);
}

/* Dashed vertical line at the start of the steady window, and markers of operator and
 * scenario events, each with its text as a tooltip. */
static void time_marks(FILE *out, const struct frame *fr, const struct report_input *in,
                       const struct report_facts *f)
{
    const struct snapshot *s = in->snap;
    int shown = 0;

    if (s->steady_start > 0 && s->steady_start - f->start <= fr->x1) {
        double x = fx(fr, s->steady_start - f->start);
        fprintf(out, "<line class=\"steady\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<text class=\"tlabel\" x=\"%.1f\" y=\"%.1f\">steady</text>\n", x, fr->top, x,
                fr->bottom, x + 4, fr->top + 10);
    }
    for (size_t i = 0; i < in->n_events && shown < 40; i++) {
        const struct snap_event *ev = &in->events[i];
        double t = ev->time - f->start;
        if ((ev->who == EVENT_ENGINE && ev->level == EVENT_INFO) || t < 0 || t > fr->x1)
            continue;
        shown++;
        fprintf(out, "<g class=\"ev %s\"><title>+", ev->level == EVENT_INFO ? "info" : "warn");
        char at[32];
        report_fmt_elapsed(t, at, sizeof at);
        fprintf(out, "%s %s: ", at, report_event_source(ev->who));
        report_html_escape(out, ev->text);
        fprintf(out, "</title><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<path d=\"M%.1f %.1fl-4 -6h8z\"/></g>\n", fx(fr, t), fr->top, fx(fr, t),
                fr->bottom, fx(fr, t), fr->top);
    }
}

static void fmt_count_axis(double v, char *out, size_t n)
{
    if (v >= 1e6)
        snprintf(out, n, "%gM", v / 1e6);
    else if (v >= 1e4)
        snprintf(out, n, "%gk", v / 1e3);
    else
        snprintf(out, n, "%g", v);
}

static void fmt_ms_axis(double v, char *out, size_t n)
{
    if (v >= 1000)
        snprintf(out, n, "%g s", v / 1000);
    else
        snprintf(out, n, "%g ms", v);
}

static double max_of(const double *v, size_t n)
{
    double m = 0;

    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]) && v[i] > m)
            m = v[i];
    return m;
}

static void no_data(FILE *out, const char *what)
{
    fprintf(out, "<p class=\"note\">No %s to draw: the run has no per-second data.</p>\n",
            what);
}

/* Throughput bounds on all requests widen the axis when close (2x the data), or when the
 * target failed (up to 10x: how far below its minimum the run stayed is the point). */
static double rps_top(const struct snapshot *s, double data_max, double top)
{
    for (uint32_t i = 0; i < s->n_targets; i++) {
        const struct snap_target *t = &s->targets[i];
        double limit = data_max * (t->status == TARGET_FAIL ? 10.0 : 2.0);
        if (t->metric != TARGET_RPS || t->endpoint[0] || t->status == TARGET_SKIPPED)
            continue;
        if (isfinite(t->lo) && t->lo > top && t->lo <= limit)
            top = t->lo;
        if (isfinite(t->hi) && t->hi > top && t->hi <= limit)
            top = t->hi;
    }
    return top;
}

void report_svg_throughput(FILE *out, const struct report_input *in,
                           const struct report_facts *f)
{
    struct columns c;
    struct frame fr = {0};
    double top, step, ymax;
    const struct snapshot *s = in->snap;

    if (columns_build(&c, in, f->start) < 0) {
        no_data(out, "throughput");
        return;
    }
    frame_init(&fr, VIEW_H, f->duration > 0 ? f->duration : c.x[c.n - 1] + c.width / 2);
    ymax = max_of(c.rps, c.n);
    ymax = rps_top(s, ymax, ymax);
    step = report_svg_nice_step(ymax * 1.05, 5, &top);
    fr.y1 = top;
    svg_open(out, "Requests and failures per second over time", VIEW_H);
    value_axis(out, &fr, step, fmt_count_axis, "requests/s");
    time_axis(out, &fr);
    path_area(out, &fr, c.x, NULL, c.rps, c.n, C_RPS, 0.12);
    path_line(out, &fr, c.x, c.rps, c.n, C_RPS, 1.8, NULL);
    path_line(out, &fr, c.x, c.fps, c.n, C_FAIL, 1.6, NULL);
    for (uint32_t i = 0; i < s->n_targets; i++) {
        const struct snap_target *t = &s->targets[i];
        char label[64];
        if (t->metric != TARGET_RPS || t->endpoint[0] || t->status == TARGET_SKIPPED)
            continue;
        for (int side = 0; side < 2; side++) {
            double b = side ? t->hi : t->lo;
            snprintf(label, sizeof label, "target %s %g/s", side ? "max" : "min", b);
            if (isfinite(b) && b > 0 && b <= top)
                hline(out, &fr, b, label);
        }
    }
    time_marks(out, &fr, in, f);
    fputs("</svg>\n", out);
    columns_free(&c);
}

/* Time targets on all requests drawn as horizontal lines when they fit the axis (or widen it
 * a little). */
static double latency_top(const struct snapshot *s, double ymax, bool log)
{
    for (uint32_t i = 0; i < s->n_targets; i++) {
        const struct snap_target *t = &s->targets[i];
        if (t->endpoint[0] || t->metric > TARGET_AVERAGE || !isfinite(t->hi))
            continue;
        if (t->hi > ymax && t->hi <= ymax * (log ? 20.0 : 2.0))
            ymax = t->hi;
    }
    return ymax;
}

static void latency_targets(FILE *out, const struct frame *fr, const struct snapshot *s,
                            double top)
{
    for (uint32_t i = 0; i < s->n_targets; i++) {
        const struct snap_target *t = &s->targets[i];
        char label[128];
        if (t->endpoint[0] || t->metric > TARGET_AVERAGE || !isfinite(t->hi) || t->hi > top)
            continue;
        snprintf(label, sizeof label, "target %s", t->text);
        hline(out, fr, t->hi, label);
    }
}

static double min_positive(const double *v, size_t n)
{
    double m = INFINITY;

    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]) && v[i] > 0 && v[i] < m)
            m = v[i];
    return m;
}

void report_svg_latency(FILE *out, const struct report_input *in, const struct report_facts *f,
                        bool *log_axis)
{
    struct columns c;
    struct frame fr = {0};
    double lo, hi, top, step = 1;

    *log_axis = false;
    if (columns_build(&c, in, f->start) < 0 || max_of(c.p99, c.n) <= 0) {
        no_data(out, "response time");
        columns_free(&c);
        return;
    }
    frame_init(&fr, VIEW_H, f->duration > 0 ? f->duration : c.x[c.n - 1] + c.width / 2);
    lo = min_positive(c.p50, c.n);
    hi = max_of(c.p99, c.n);
    fr.log = isfinite(lo) && hi / lo > LOG_SPREAD;
    hi = latency_top(in->snap, hi, fr.log);
    if (fr.log) {
        fr.y0 = floor(log10(lo));
        fr.y1 = ceil(log10(hi) - 1e-9);
    } else {
        step = report_svg_nice_step(hi * 1.05, 5, &top);
        fr.y1 = top;
    }
    *log_axis = fr.log;
    svg_open(out, "Response-time percentiles over time", VIEW_H);
    value_axis(out, &fr, step, fmt_ms_axis, fr.log ? "ms (log scale)" : "ms");
    time_axis(out, &fr);
    path_area(out, &fr, c.x, c.p50, c.p99, c.n, C_P99, 0.08);
    path_line(out, &fr, c.x, c.p99, c.n, C_P99, 1.6, NULL);
    path_line(out, &fr, c.x, c.p95, c.n, C_P95, 1.6, NULL);
    path_line(out, &fr, c.x, c.p50, c.n, C_P50, 1.8, NULL);
    latency_targets(out, &fr, in->snap, fr.log ? pow(10, fr.y1) : fr.y1);
    time_marks(out, &fr, in, f);
    fputs("</svg>\n", out);
    columns_free(&c);
}

/* Users as steps: the count at the end of each column holds over the column. */
void report_svg_users(FILE *out, const struct report_input *in, const struct report_facts *f)
{
    struct columns c;
    struct frame fr = {0};
    double top, step, h = 190;

    if (columns_build(&c, in, f->start) < 0) {
        no_data(out, "user count");
        return;
    }
    frame_init(&fr, h, f->duration > 0 ? f->duration : c.x[c.n - 1] + c.width / 2);
    step = report_svg_nice_step(max_of(c.users, c.n) * 1.05 + 0.5, 4, &top);
    if (step < 1 || step != floor(step)) {      /* whole users only */
        step = ceil(step);
        top = ceil(top / step) * step;
    }
    fr.y1 = top;
    svg_open(out, "Users over time", h);
    value_axis(out, &fr, step, fmt_count_axis, "users");
    time_axis(out, &fr);
    fprintf(out, "<path d=\"M%.1f %.1f", fx(&fr, 0), fr.bottom);
    for (size_t k = 0; k < c.n; k++) {
        double x0 = c.x[k] - c.width / 2, x1 = c.x[k] + c.width / 2;
        fprintf(out, "L%.1f %.1fL%.1f %.1f", fx(&fr, x0 < 0 ? 0 : x0), fy(&fr, c.users[k]),
                fx(&fr, x1), fy(&fr, c.users[k]));
    }
    fprintf(out, "L%.1f %.1fZ\" fill=\"%s\" fill-opacity=\"0.14\" stroke=\"%s\" "
            "stroke-width=\"1.8\" stroke-linejoin=\"round\"/>\n",
            fx(&fr, c.x[c.n - 1] + c.width / 2), fr.bottom, C_USERS, C_USERS);
    time_marks(out, &fr, in, f);
    fputs("</svg>\n", out);
    columns_free(&c);
}

void report_svg_distribution(FILE *out, const struct snapshot *s,
                             const struct report_facts *f)
{
    static const char *const colors[SNAP_DIST_BUCKETS] = {
        "#2da44e", "#4ac26b", "#7fbf4d", "#c9a227", "#e08a1e", "#e16f24", "#d1242f", "#a40e26"
    };
    static const char *const short_labels[SNAP_DIST_BUCKETS] = {
        "< 10", "10–20", "20–50", "50–100", "100–200", "200–500", "0.5–1 s", "≥ 1 s"
    };
    struct frame fr = {.left = 8, .right = 472, .top = 22, .bottom = 210};
    double maxc = 0, slot = (fr.right - fr.left) / SNAP_DIST_BUCKETS;
    char share[32];

    for (int k = 0; k < SNAP_DIST_BUCKETS; k++)
        if ((double)s->total.dist[k] > maxc)
            maxc = (double)s->total.dist[k];
    fputs("<svg class=\"chart\" viewBox=\"0 0 480 258\" width=\"100%\" role=\"img\" "
          "aria-label=\"Response-time distribution\">\n", out);
    fprintf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
            fr.left, fr.bottom, fr.right, fr.bottom);
    for (int k = 0; k < SNAP_DIST_BUCKETS; k++) {
        double share_v = f->dist_total ? (double)s->total.dist[k] / (double)f->dist_total : 0;
        double h = maxc > 0 ? (double)s->total.dist[k] / maxc * (fr.bottom - fr.top) : 0;
        double x = fr.left + k * slot + slot * 0.13, w = slot * 0.74;
        report_fmt_share(share_v, share, sizeof share);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"3\" "
                "fill=\"%s\"><title>%s: %llu requests (%s)</title></rect>\n", x,
                fr.bottom - h, w, h, colors[k], report_bucket_label(k),
                (unsigned long long)s->total.dist[k], share);
        fprintf(out, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
                "</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                x + w / 2, fr.bottom - h - 6, share, x + w / 2, fr.bottom + 17,
                short_labels[k]);
    }
    fprintf(out, "<text class=\"unit\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
            "response time (ms)</text>\n</svg>\n", (fr.left + fr.right) / 2, fr.bottom + 38);
}

/* ---- the open model's arrivals ---------------------------------------------------------- */

/* Arrivals per second: what the schedule asked for and what started, and the dropped ones
 * (averaged into at most MAX_COLUMNS columns, as the other charts). */
void report_svg_arrivals(FILE *out, const struct report_input *in,
                         const struct report_facts *f)
{
    size_t n = in->n_arrivals, per, cols;
    double *x = NULL, *asked, *started, *dropped, top, step;
    struct frame fr = {0};

    per = n / MAX_COLUMNS + 1;
    cols = n / per + 1;
    if (n == 0 || n > TIMELINE_MAX_POINTS || !(x = calloc(cols * 4, sizeof *x))) {
        no_data(out, "arrival");
        return;
    }
    cols = (n + per - 1) / per;
    asked = x + cols;
    started = asked + cols;
    dropped = started + cols;
    for (size_t k = 0; k < cols; k++) {
        const struct snap_arrival_point *p = in->arrivals + k * per;
        size_t m = n - k * per < per ? n - k * per : per;
        for (size_t i = 0; i < m; i++) {
            asked[k] += p[i].asked / (double)m;
            started[k] += p[i].started / (double)m;
            dropped[k] += p[i].dropped / (double)m;
        }
        x[k] = (double)p[0].second - f->start + (double)m / 2.0;
    }
    frame_init(&fr, VIEW_H, f->duration > 0 ? f->duration : x[cols - 1] + (double)per / 2);
    step = report_svg_nice_step(fmax(max_of(asked, cols), max_of(started, cols)) * 1.05, 5,
                                &top);
    fr.y1 = top;
    svg_open(out, "Arrivals per second: asked, started and dropped", VIEW_H);
    value_axis(out, &fr, step, fmt_count_axis, "iterations/s");
    time_axis(out, &fr);
    path_area(out, &fr, x, NULL, started, cols, C_RPS, 0.12);
    path_line(out, &fr, x, started, cols, C_RPS, 1.8, NULL);
    path_line(out, &fr, x, asked, cols, C_USERS, 1.4, " stroke-dasharray=\"5 3\"");
    path_line(out, &fr, x, dropped, cols, C_FAIL, 1.6, NULL);
    time_marks(out, &fr, in, f);
    fputs("</svg>\n", out);
    free(x);
}

/* ---- backend health ------------------------------------------------------------------------ */

#define HEALTH_W 560.0          /* two charts side by side, at about their natural size */
#define HEALTH_H 200.0
#define HEALTH_COLUMNS 280
#define C_HEALTH "#0969da"

/* A health metric's samples averaged into at most HEALTH_COLUMNS time slots (mean, min, max;
 * NAN where a slot has no value). */
struct health_columns {
    size_t n;
    double x[HEALTH_COLUMNS], mean[HEALTH_COLUMNS], lo[HEALTH_COLUMNS], hi[HEALTH_COLUMNS];
};

static void health_columns_build(struct health_columns *c, const struct snap_health_point *p,
                                 size_t n, double start, double span)
{
    size_t slots = n < HEALTH_COLUMNS ? n : HEALTH_COLUMNS, cnt[HEALTH_COLUMNS] = {0};

    c->n = slots;
    for (size_t k = 0; k < slots; k++) {
        c->x[k] = (k + 0.5) * span / (double)slots;
        c->mean[k] = 0;
        c->lo[k] = INFINITY;
        c->hi[k] = -INFINITY;
    }
    for (size_t i = 0; i < n && slots; i++) {
        size_t k = slots == n ? i : (size_t)((p[i].time - start) / span * (double)slots);
        if (k >= slots || isnan(p[i].value))
            continue;
        if (slots == n)
            c->x[k] = p[i].time - start;
        c->mean[k] += p[i].value;
        c->lo[k] = fmin(c->lo[k], p[i].value);
        c->hi[k] = fmax(c->hi[k], p[i].value);
        cnt[k]++;
    }
    for (size_t k = 0; k < slots; k++) {
        c->mean[k] = cnt[k] ? c->mean[k] / (double)cnt[k] : NAN;
        if (!cnt[k])
            c->lo[k] = c->hi[k] = NAN;
    }
}

static void health_grid(FILE *out, const struct frame *fr, double step, const char *unit)
{
    char label[32];

    for (double v = fr->y0; v <= fr->y1 + step * 1e-6; v += step) {
        double y = fy(fr, v);
        health_unit_format(unit, v, label, sizeof label);
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", fr->left, y,
                fr->right, y, fr->left - 6, y + 4, label);
    }
}

/* The value axis: from 0 (or the lowest value when negative) to the highest, or the bound when
 * it is close (within twice the data). */
static double health_axis(struct frame *fr, const struct health_columns *c, double bound)
{
    double lo = 0, hi = 0, top, step;

    for (size_t k = 0; k < c->n; k++) {
        if (isnan(c->hi[k]))
            continue;
        lo = fmin(lo, c->lo[k]);
        hi = fmax(hi, c->hi[k]);
    }
    if (isfinite(bound) && bound > hi && bound <= 2 * (hi > 0 ? hi : 1))
        hi = bound;
    step = report_svg_nice_step((hi - lo) * 1.05 > 0 ? (hi - lo) * 1.05 : 1, 4, &top);
    fr->y0 = lo < 0 ? -ceil(-lo / step) * step : 0;
    fr->y1 = fr->y0 + (top > 0 ? top : step);
    return step;
}

void report_svg_health(FILE *out, const struct report_input *in, const struct report_facts *f,
                       uint32_t k)
{
    const struct snap_health_metric *m = &in->snap->health.metrics[k];
    struct health_columns *c = calloc(1, sizeof *c);
    struct frame fr = {.left = 62, .right = HEALTH_W - 14, .top = 22, .bottom = HEALTH_H - 40};
    const struct snap_health_point *p;
    double step;
    size_t n;
    char label[96];

    p = report_health_points(in, k, &n);
    if (!c || n == 0) {
        fputs("<p class=\"note\">No sample to draw.</p>\n", out);
        free(c);
        return;
    }
    fr.x1 = f->duration > 0 ? f->duration : p[n - 1].time - f->start + 1;
    health_columns_build(c, p, n, f->start, fr.x1);
    step = health_axis(&fr, c, m->has_limit ? m->bound : NAN);
    fprintf(out, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" "
            "aria-label=\"", HEALTH_W, HEALTH_H);
    report_html_escape(out, m->name);
    fputs(" over time\" preserveAspectRatio=\"xMidYMid meet\">\n", out);
    health_grid(out, &fr, step, m->unit);
    time_axis_ticks(out, &fr, 5);
    if (n > HEALTH_COLUMNS)
        path_area(out, &fr, c->x, c->lo, c->hi, c->n, C_HEALTH, 0.15);
    path_line(out, &fr, c->x, c->mean, c->n, C_HEALTH, 1.8, NULL);
    if (m->has_limit && isfinite(m->bound) && m->bound >= fr.y0 && m->bound <= fr.y1) {
        snprintf(label, sizeof label, "limit %s", m->limit);
        hline(out, &fr, m->bound, label);
    }
    fputs("</svg>\n", out);
    free(c);
}
