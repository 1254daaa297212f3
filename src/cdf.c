/* cdf: response-time distributions estimated from percentile cells (a Locust CSV row's
 * 50%, 66%, ..., 100% columns): linear between the cells, made non-decreasing; the share at or
 * below a time, quantiles of a weighted mix of several (a window made of history rows), and
 * counts per distribution bucket. Any thread; pure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cdf.h"
#include "cdf_internal.h"

static void push(struct cdf *c, double p, double v)
{
    if (c->n > 0 && v < c->v[c->n - 1])
        v = c->v[c->n - 1];                 /* cells rounded or bucketed: keep it monotone */
    c->p[c->n] = p;
    c->v[c->n++] = v;
}

bool cdf_from_cells(struct cdf *c, const double *pct, uint16_t na, double min, double max)
{
    int last = SNAP_PCT_COUNT - 1;
    bool any = false;

    memset(c, 0, sizeof *c);
    for (int k = 0; k < SNAP_PCT_COUNT; k++)
        any |= !(na >> k & 1u);
    if (!any)
        return false;
    if (isnan(min))
        for (int k = 0; k < SNAP_PCT_COUNT && isnan(min); k++)
            if (!(na >> k & 1u))
                min = pct[k];
    push(c, 0.0, min);
    for (int k = 0; k < last; k++)
        if (!(na >> k & 1u))
            push(c, snapshot_pcts[k], isnan(max) || pct[k] <= max ? pct[k] : max);
    if (isnan(max))
        max = na >> last & 1u ? c->v[c->n - 1] : pct[last];
    push(c, 1.0, max);
    return true;
}

double cdf_at(const struct cdf *c, double ms)
{
    int i;

    if (c->n == 0 || ms < c->v[0])
        return 0.0;
    if (ms >= c->v[c->n - 1])
        return 1.0;
    for (i = c->n - 2; i > 0 && c->v[i] > ms; i--)
        ;
    while (i + 1 < c->n - 1 && c->v[i + 1] <= ms)
        i++;
    if (c->v[i + 1] <= c->v[i])
        return c->p[i + 1];
    return c->p[i] + (c->p[i + 1] - c->p[i]) * (ms - c->v[i]) / (c->v[i + 1] - c->v[i]);
}

/* The share strictly below ms: where cells repeat a value the distribution jumps there. */
static double cdf_left(const struct cdf *c, double ms)
{
    int i;

    if (c->n == 0 || ms <= c->v[0])
        return 0.0;
    for (i = 0; i + 1 < c->n && c->v[i + 1] < ms; i++)
        ;
    if (i + 1 >= c->n)
        return 1.0;
    return c->p[i] + (c->p[i + 1] - c->p[i]) * (ms - c->v[i]) / (c->v[i + 1] - c->v[i]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double mix_at(const struct cdf *c, const double *w, int n, double wsum, double x,
                     bool left)
{
    double g = 0;

    for (int i = 0; i < n; i++)
        g += w[i] * (left ? cdf_left(&c[i], x) : cdf_at(&c[i], x));
    return g / wsum;
}

/* The mix is linear between the union of the points, and may jump at a point: each point is
 * looked at from the left, then from the right. Made monotone (negative weights) and <= 1. */
bool cdf_mix_quantile(const struct cdf *c, const double *w, int n, double p, double *ms)
{
    double xs[CDF_MAX_MIX * CDF_MAX_POINTS], g_prev = 0, wsum = 0, x_prev = 0;
    int nx = 0;

    if (n > CDF_MAX_MIX)
        n = CDF_MAX_MIX;
    for (int i = 0; i < n; i++) {
        wsum += w[i];
        for (int k = 0; k < c[i].n; k++)
            xs[nx++] = c[i].v[k];
    }
    if (!(wsum > 0) || nx == 0)
        return false;
    qsort(xs, (size_t)nx, sizeof xs[0], cmp_double);
    x_prev = xs[0];
    for (int j = 0; j < nx; j++) {
        double gl = fmin(1.0, fmax(mix_at(c, w, n, wsum, xs[j], true), g_prev));
        double gr = fmin(1.0, fmax(mix_at(c, w, n, wsum, xs[j], false), gl));
        if (gl >= p - 1e-12) {
            *ms = gl <= g_prev ? xs[j]
                  : x_prev + (p - g_prev) / (gl - g_prev) * (xs[j] - x_prev);
            return true;
        }
        if (gr >= p - 1e-12) {
            *ms = xs[j];
            return true;
        }
        g_prev = gr;
        x_prev = xs[j];
    }
    *ms = xs[nx - 1];
    return true;
}

void cdf_dist(const struct cdf *c, uint64_t n, uint64_t dist[SNAP_DIST_BUCKETS])
{
    uint64_t prev = 0;

    for (int k = 0; k < SNAP_DIST_BUCKETS; k++) {
        uint64_t cum = n;
        if (k < SNAP_DIST_BUCKETS - 1) {
            double f = cdf_at(c, (double)snapshot_dist_bounds_ms[k] - 1e-9);
            cum = (uint64_t)llround(f * (double)n);
        }
        if (cum < prev)
            cum = prev;
        dist[k] = cum - prev;
        prev = cum;
    }
}
