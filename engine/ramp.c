/* ramp: user-count arithmetic (dispatch steps, class split, stages). Pure; control thread. */
#include <math.h>
#include "ramp.h"
#include "ramp_internal.h"

static uint32_t step_size(double rate)
{
    double s = floor(rate);
    return s < 1.0 ? 1u : (uint32_t)s;
}

void ramp_retarget(struct ramp *r, uint32_t target, double rate, double now)
{
    /* The pace holds across retargets: the next step is never earlier than one interval after
     * the last one, or presses of W spaced apart would spawn faster than the rate. */
    if (r->next_step < now)
        r->next_step = now;
    r->target = target;
    r->rate = rate > 0.0 ? rate : 1.0;
}

int32_t ramp_due(struct ramp *r, double now)
{
    uint32_t step, gap;

    if (r->current == r->target || now < r->next_step)
        return 0;
    step = step_size(r->rate);
    gap = r->current < r->target ? r->target - r->current : r->current - r->target;
    if (step > gap)
        step = gap;
    r->next_step += (double)step_size(r->rate) / r->rate;
    if (r->current < r->target) {
        r->current += step;
        return (int32_t)step;
    }
    r->current -= step;
    return -(int32_t)step;
}

double ramp_eta(const struct ramp *r, double now)
{
    uint32_t gap, step, steps;
    double eta;

    if (r->current == r->target)
        return 0.0;
    gap = r->current < r->target ? r->target - r->current : r->current - r->target;
    step = step_size(r->rate);
    steps = (gap + step - 1) / step;
    eta = (r->next_step - now) + (double)(steps - 1) * (double)step / r->rate;
    return eta > 0.0 ? eta : 0.0;
}

double ramp_next(const struct ramp *r)
{
    return r->current == r->target ? -1.0 : r->next_step;
}

static double weight_sum(const double *weights, uint32_t n)
{
    double w = 0.0;
    for (uint32_t i = 0; i < n; i++)
        w += weights[i];
    return w;
}

static uint32_t count_sum(const uint32_t *counts, uint32_t n)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; i++)
        c += counts[i];
    return c;
}

int ramp_class_to_add(const double *weights, const uint32_t *counts, uint32_t n)
{
    double total_w = weight_sum(weights, n), best = -INFINITY;
    double after = (double)count_sum(counts, n) + 1.0;
    int pick = -1;

    for (uint32_t i = 0; i < n; i++) {
        double deficit = weights[i] / total_w * after - (double)counts[i];
        if (deficit > best + 1e-9) {
            best = deficit;
            pick = (int)i;
        }
    }
    return pick;
}

int ramp_class_to_remove(const double *weights, const uint32_t *counts, uint32_t n)
{
    double total_w = weight_sum(weights, n), best = -INFINITY;
    uint32_t total = count_sum(counts, n);
    double after = total > 0 ? (double)total - 1.0 : 0.0;
    int pick = -1;

    for (uint32_t i = 0; i < n; i++) {
        double excess;
        if (counts[i] == 0)
            continue;
        excess = (double)counts[i] - weights[i] / total_w * after;
        if (excess > best + 1e-9) {
            best = excess;
            pick = (int)i;
        }
    }
    return pick;
}

int ramp_stage_at(const struct stage *stages, uint32_t n, double elapsed, double *stage_left)
{
    double end = 0.0;

    for (uint32_t i = 0; i < n; i++) {
        end += stages[i].duration;
        if (elapsed < end) {
            if (stage_left)
                *stage_left = end - elapsed;
            return (int)i;
        }
    }
    if (stage_left)
        *stage_left = 0.0;
    return -1;
}

double ramp_stages_duration(const struct stage *stages, uint32_t n)
{
    double total = 0.0;
    for (uint32_t i = 0; i < n; i++)
        total += stages[i].duration;
    return total;
}
