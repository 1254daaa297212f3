/* saturation: is hornet the bottleneck? Thresholds with enter and leave delays over the
 * selfstat samples, and each second's worst timer lateness. Pure; the control thread owns the
 * state. */
#include <math.h>
#include <stdio.h>
#include "saturation_internal.h"

void saturation_init(struct saturation *st)
{
    *st = (struct saturation){.over_since = -1.0, .under_since = -1.0};
    for (size_t i = 0; i < SNAP_SERIES_LEN; i++)
        st->lag[i].second = INT64_MIN;
}

bool saturation_over(const struct snap_self *self, int workers, char *why, size_t n)
{
    double cpu = workers > 0 ? self->workers_cpu_percent / workers : 0.0;
    bool lag = self->lag_ms > SATURATION_LAG_MS, busy = cpu > SATURATION_CPU_PERCENT;
    int k = 0;

    if (why && n) {
        why[0] = '\0';
        if (lag)
            k = snprintf(why, n, "worker timers %.0f ms late", self->lag_ms);
        if (busy && k >= 0 && (size_t)k < n)
            snprintf(why + k, n - (size_t)k, "%sworker threads at %.0f%% CPU", lag ? ", " : "",
                     cpu);
    }
    return lag || busy;
}

static void keep_lag(struct saturation *st, const struct snap_self *self, double now)
{
    int64_t second = (int64_t)floor(now);
    size_t i = (size_t)(((second % SNAP_SERIES_LEN) + SNAP_SERIES_LEN) % SNAP_SERIES_LEN);
    double us = self->lag_ms * 1000.0;
    uint32_t lag = us >= (double)UINT32_MAX ? UINT32_MAX : us > 0 ? (uint32_t)lround(us) : 0;

    if (st->lag[i].second != second)
        st->lag[i].second = second, st->lag[i].lag_us = 0;
    if (lag > st->lag[i].lag_us)
        st->lag[i].lag_us = lag;
}

enum saturation_change saturation_update(struct saturation *st, const struct snap_self *self,
                                         int workers, double now, char *why, size_t n)
{
    bool over = saturation_over(self, workers, why, n);

    keep_lag(st, self, now);
    if (over) {
        st->under_since = -1.0;
        if (st->over_since < 0)
            st->over_since = now;
        if (!st->saturated && now - st->over_since >= SATURATION_ENTER_SECONDS) {
            st->saturated = true;
            st->began = st->over_since;
            return SATURATION_BEGAN;
        }
        return SATURATION_SAME;
    }
    st->over_since = -1.0;
    if (st->under_since < 0)
        st->under_since = now;
    if (st->saturated && now - st->under_since >= SATURATION_LEAVE_SECONDS) {
        st->saturated = false;
        st->total += st->under_since - st->began;
        return SATURATION_ENDED;
    }
    return SATURATION_SAME;
}

double saturation_seconds(const struct saturation *st, double now)
{
    return st->total + (st->saturated && now > st->began ? now - st->began : 0.0);
}

void saturation_fill_series(const struct saturation *st, struct snapshot *s)
{
    for (uint32_t i = 0; i < s->n_points && i < SNAP_SERIES_LEN; i++) {
        int64_t second = s->series[i].second;
        size_t k = (size_t)(((second % SNAP_SERIES_LEN) + SNAP_SERIES_LEN) % SNAP_SERIES_LEN);

        s->series[i].lag_us = st->lag[k].second == second ? st->lag[k].lag_us : 0;
    }
}
