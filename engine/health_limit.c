/* health_limit: parsing a backend-health limit and judging a metric's samples against it over
 * time. Pure (the clock is each sample's time); the judge belongs to one thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "health_limit.h"
#include "health_unit.h"
#include "loader.h"

#define RISK_MARGIN 0.1         /* at risk when the nearest sample came within 10% of a bound */

static const char *const op_texts[] = {"<", "<=", ">", ">=", "==", "!="};

bool health_limit_keeps(enum health_limit_op op, double v, double b)
{
    if (isnan(v) || isnan(b))
        return false;
    switch (op) {
    case HEALTH_OP_LT: return v < b;
    case HEALTH_OP_LE: return v <= b;
    case HEALTH_OP_GT: return v > b;
    case HEALTH_OP_GE: return v >= b;
    case HEALTH_OP_EQ: return v == b;
    case HEALTH_OP_NE: return v != b;
    }
    return false;
}

/* ---- parsing ----------------------------------------------------------------------------- */

#define FORMS "a limit such as \"< 100\", \"<= 350 MB\", \"< 80% of METRIC\" or \"no growth " \
              "for 60s\""

static int bad(char *err, size_t errlen, size_t *col, size_t at, const char *what)
{
    snprintf(err, errlen, "expected %s", what);
    *col = at;
    return -1;
}

static size_t skip_blanks(const char *s, size_t i)
{
    while (s[i] == ' ')
        i++;
    return i;
}

/* The operator at text[*i]: advances *i past it; -1 when there is none. */
static int read_op(const char *text, size_t *i)
{
    static const char *const ops[] = {"<=", ">=", "==", "!=", "<", ">"};
    static const enum health_limit_op codes[] = {HEALTH_OP_LE, HEALTH_OP_GE, HEALTH_OP_EQ,
                                                 HEALTH_OP_NE, HEALTH_OP_LT, HEALTH_OP_GT};

    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t n = strlen(ops[k]);
        if (strncmp(text + *i, ops[k], n) == 0) {
            *i += n;
            return (int)codes[k];
        }
    }
    return -1;
}

/* The amount text[from, to) in unit into *v (a copy: the amount is not NUL-terminated). */
static int amount(const char *text, size_t from, size_t to, const char *unit, double *v)
{
    char buf[64];

    if (to <= from || to - from >= sizeof buf)
        return -1;
    memcpy(buf, text + from, to - from);
    buf[to - from] = '\0';
    return health_unit_parse(unit, buf, v);
}

/* "80% of NAME": the share into *frac, the name into ref_name. 0, 1 when text has no " of ",
 * or -1 (error set). */
static int read_share(const char *text, size_t i, struct health_limit *out, char *ref_name,
                      size_t ref_n, char *err, size_t errlen, size_t *col)
{
    const char *of = strstr(text + i, " of ");
    size_t name, end;

    if (!of)
        return 1;
    if (amount(text, i, (size_t)(of - text), "%", &out->amount) < 0 ||
        !memchr(text + i, '%', (size_t)(of - text) - i) || out->amount < 0)
        return bad(err, errlen, col, i, "a percentage such as \"80%\" before \"of\"");
    out->amount /= 100.0;
    name = skip_blanks(text, (size_t)(of - text) + 4);
    end = strlen(text);
    while (end > name && text[end - 1] == ' ')
        end--;
    if (end == name || end - name >= ref_n || end - name > HEALTH_LIMIT_REF_MAX)
        return bad(err, errlen, col, name, "the name of another metric after \"of\"");
    memcpy(ref_name, text + name, end - name);
    ref_name[end - name] = '\0';
    return 0;
}

static int parse_bound(const char *text, const char *unit, struct health_limit *out,
                       char *ref_name, size_t ref_n, char *err, size_t errlen, size_t *col)
{
    size_t i = skip_blanks(text, 0), start;
    int op = read_op(text, &i), rc;
    char what[160];

    if (op < 0)
        return bad(err, errlen, col, i, FORMS);
    out->kind = HEALTH_LIMIT_BOUND;
    out->op = (enum health_limit_op)op;
    start = i = skip_blanks(text, i);
    rc = read_share(text, i, out, ref_name, ref_n, err, errlen, col);
    if (rc <= 0)
        return rc;
    if (amount(text, start, strlen(text), unit, &out->amount) < 0) {
        snprintf(what, sizeof what, "%s after %s", health_unit_expected(unit), op_texts[op]);
        return bad(err, errlen, col, start, what);
    }
    return 0;
}

/* "no growth [> AMOUNT] for DURATION", text[i] being past "no growth". */
static int parse_growth(const char *text, size_t i, const char *unit, struct health_limit *out,
                        char *err, size_t errlen, size_t *col)
{
    const char *f = strstr(text + i, "for ");
    size_t k;
    char what[160];

    out->kind = HEALTH_LIMIT_GROWTH;
    i = skip_blanks(text, i);
    if (!f || (f != text + i && f[-1] != ' '))
        return bad(err, errlen, col, i, "\"for DURATION\" after \"no growth\", e.g. \"no "
                   "growth for 60s\"");
    if (text[i] == '>') {
        k = skip_blanks(text, i + 1);
        if (amount(text, k, (size_t)(f - text), unit, &out->tolerance) < 0 ||
            out->tolerance < 0) {
            snprintf(what, sizeof what, "%s after \"no growth >\"", health_unit_expected(unit));
            return bad(err, errlen, col, k, what);
        }
    } else if (f != text + i) {
        return bad(err, errlen, col, i, "\"for\" or \"> AMOUNT for\" after \"no growth\"");
    }
    k = skip_blanks(text, (size_t)(f - text) + 4);
    if (loader_parse_duration(text + k, &out->window) < 0 || out->window < 1 ||
        out->window > HEALTH_LIMIT_WINDOW_MAX)
        return bad(err, errlen, col, k, "a duration of 1 s to 1 h after \"for\", such as "
                   "\"60s\" or \"5m\"");
    return 0;
}

int health_limit_parse(const char *text, const char *unit, struct health_limit *out,
                       char *ref_name, size_t ref_n, char *err, size_t errlen, size_t *col)
{
    size_t i = skip_blanks(text, 0);

    memset(out, 0, sizeof *out);
    out->ref = -1;
    if (ref_n)
        ref_name[0] = '\0';
    if (strncmp(text + i, "no growth", 9) == 0)
        return parse_growth(text, i + 9, unit, out, err, errlen, col);
    return parse_bound(text, unit, out, ref_name, ref_n, err, errlen, col);
}

/* ---- judging ----------------------------------------------------------------------------- */

int health_judge_init(struct health_judge *j, const struct health_limit *l, double interval)
{
    memset(j, 0, sizeof *j);
    j->limit = *l;
    j->breach_start = NAN;
    j->growing_since = NAN;
    if (l->kind != HEALTH_LIMIT_GROWTH)
        return 0;
    if (interval < 0.05)
        interval = 0.05;
    /* twice the samples the window holds at this interval: polls that come early still fit */
    j->cap = 2 * (size_t)ceil(l->window / interval) + 8;
    j->ring = calloc(j->cap, sizeof *j->ring);
    return j->ring ? 0 : -1;
}

void health_judge_free(struct health_judge *j)
{
    free(j->ring);
    j->ring = NULL;
}

static const struct health_judge_point *ring_at(const struct health_judge *j, size_t k)
{
    return &j->ring[(j->head + j->cap - j->n + k) % j->cap];     /* k: 0 oldest */
}

/* Did the metric stay above the value it had `span` seconds before now for all that time, and
 * rise by more than the tolerance? The start point is the newest sample at or before
 * now - span; *from gets its value. */
static bool grew_over(const struct health_judge *j, double span, double *from, double *since)
{
    double now = ring_at(j, j->n - 1)->t;
    size_t start = SIZE_MAX;

    for (size_t k = j->n; k-- > 0;)
        if (ring_at(j, k)->t <= now - span) {
            start = k;
            break;
        }
    if (start == SIZE_MAX || start + 1 >= j->n)
        return false;
    for (size_t k = start + 1; k < j->n; k++)
        if (ring_at(j, k)->v <= ring_at(j, start)->v)
            return false;
    if (ring_at(j, j->n - 1)->v - ring_at(j, start)->v <= j->limit.tolerance)
        return false;
    *from = ring_at(j, start)->v;
    *since = ring_at(j, start)->t;
    return true;
}

static void growth_sample(struct health_judge *j, double t, double v)
{
    double from, since;

    if (j->n == j->cap)
        j->n--;                                         /* the oldest leaves */
    j->ring[j->head] = (struct health_judge_point){t, v};
    j->head = (j->head + 1) % j->cap;
    j->n++;
    if (!j->failed && grew_over(j, j->limit.window, &from, &since)) {
        j->failed = true;
        j->failed_at = t;
        j->fail_v = v;
        j->fail_from = from;
    }
    j->growing_since = NAN;
    if (grew_over(j, j->limit.window / 2, &from, &since)) {
        j->growing_since = since;
        j->growing_from = from;
    }
}

/* How far v is from bound b on the side it must keep, relative to |b| (negative: past it). */
static double margin(enum health_limit_op op, double v, double b)
{
    double d = op == HEALTH_OP_LT || op == HEALTH_OP_LE ? b - v : v - b;

    return b != 0 ? d / fabs(b) : d;
}

static void bound_sample(struct health_judge *j, double t, double v, double b)
{
    const struct health_limit *l = &j->limit;
    bool inside = health_limit_keeps(l->op, v, b);

    if (l->op != HEALTH_OP_EQ && l->op != HEALTH_OP_NE &&
        (!j->has_data || margin(l->op, v, b) < margin(l->op, j->worst_v, j->worst_bound))) {
        j->worst_v = v;
        j->worst_bound = b;
    }
    if (inside) {
        j->breach_start = NAN;
        return;
    }
    if (isnan(j->breach_start)) {
        j->breach_start = t;
        j->breach_peak = v;
    } else if (margin(l->op, v, b) < margin(l->op, j->breach_peak, b)) {
        j->breach_peak = v;
    }
    if (!j->failed && t - j->breach_start >= l->hold) {
        j->failed = true;
        j->failed_at = j->breach_start;
        j->fail_v = l->hold > 0 ? j->breach_peak : v;
        j->fail_bound = b;
    }
}

void health_judge_sample(struct health_judge *j, double t, double v, double ref)
{
    double b;

    if (isnan(v) || j->limit.kind == HEALTH_LIMIT_NONE)
        return;
    if (j->limit.kind == HEALTH_LIMIT_GROWTH) {
        growth_sample(j, t, v);
    } else {
        b = j->limit.ref >= 0 ? j->limit.amount * ref : j->limit.amount;
        if (isnan(b))
            return;
        bound_sample(j, t, v, b);
        j->last_bound = b;
    }
    j->has_data = true;
    j->last_t = t;
    j->last_v = v;
}

/* "+1:23", "+1:02:03" from run_start. */
static void offset(double t, double run_start, char *out, size_t n)
{
    long s = t > run_start ? (long)floor(t - run_start) : 0;

    if (s >= 3600)
        snprintf(out, n, "+%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, n, "+%ld:%02ld", s / 60, s % 60);
}

static void limit_text(const struct health_judge *j, const char *unit, double b, char *out,
                       size_t n)
{
    char amt[32];

    health_unit_format(unit, b, amt, sizeof amt);
    snprintf(out, n, "%s %s", op_texts[j->limit.op], amt);
}

static enum target_status growth_status(const struct health_judge *j, const char *unit,
                                        double run_start, char *detail, size_t n)
{
    char a[32], b[32], at[48];

    if (j->failed) {
        health_unit_format(unit, j->fail_from, a, sizeof a);
        health_unit_format(unit, j->fail_v, b, sizeof b);
        offset(j->failed_at, run_start, at, sizeof at);
        snprintf(detail, n, "grew from %s to %s over %g s, until %s", a, b, j->limit.window, at);
        return TARGET_FAIL;
    }
    if (!isnan(j->growing_since)) {
        health_unit_format(unit, j->growing_from, a, sizeof a);
        health_unit_format(unit, j->last_v, b, sizeof b);
        snprintf(detail, n, "growing for %.0f s (%s to %s)", j->last_t - j->growing_since, a,
                 b);
        return TARGET_AT_RISK;
    }
    health_unit_format(unit, j->last_v, a, sizeof a);
    snprintf(detail, n, "not growing (now %s)", a);
    return TARGET_PASS;
}

static enum target_status bound_status(const struct health_judge *j, const char *unit,
                                       double run_start, char *detail, size_t n)
{
    const struct health_limit *l = &j->limit;
    bool upper = l->op == HEALTH_OP_LT || l->op == HEALTH_OP_LE;
    char v[32], lim[48], at[48];

    if (j->failed) {
        health_unit_format(unit, j->fail_v, v, sizeof v);
        limit_text(j, unit, j->fail_bound, lim, sizeof lim);
        offset(j->failed_at, run_start, at, sizeof at);
        snprintf(detail, n, "%s %s at %s (limit %s)", upper ? "reached" : "was", v, at, lim);
        return TARGET_FAIL;
    }
    if (!isnan(j->breach_start)) {
        health_unit_format(unit, j->last_v, v, sizeof v);
        snprintf(detail, n, "%s for %.0f s (fails after %g s)", v, j->last_t - j->breach_start,
                 l->hold);
        return TARGET_AT_RISK;
    }
    if (l->op == HEALTH_OP_EQ || l->op == HEALTH_OP_NE) {
        health_unit_format(unit, j->last_v, v, sizeof v);
        snprintf(detail, n, "%s", v);
        return TARGET_PASS;
    }
    health_unit_format(unit, j->worst_v, v, sizeof v);
    if (upper && j->worst_bound > 0)
        snprintf(detail, n, "peak %s (%.0f%% of the limit)", v,
                 j->worst_v / j->worst_bound * 100.0);
    else
        snprintf(detail, n, "%s %s", upper ? "peak" : "lowest", v);
    return j->worst_bound != 0 && margin(l->op, j->worst_v, j->worst_bound) < RISK_MARGIN
           ? TARGET_AT_RISK : TARGET_PASS;
}

enum target_status health_judge_status(const struct health_judge *j, const char *unit,
                                       double run_start, char *detail, size_t n)
{
    char buf[128];

    if (!detail || n == 0) {
        detail = buf;
        n = sizeof buf;
    }
    if (!j->has_data) {
        snprintf(detail, n, "no data yet");
        return TARGET_PENDING;
    }
    if (j->limit.kind == HEALTH_LIMIT_GROWTH)
        return growth_status(j, unit, run_start, detail, n);
    return bound_status(j, unit, run_start, detail, n);
}
