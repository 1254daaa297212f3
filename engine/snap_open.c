/* snap_open: the corrected view of a snapshot (see snap_open.h). Pure; any thread. */
#include <string.h>
#include "snapshot.h"

_Static_assert(SNAP_OPEN_PCTS == SNAP_PCT_COUNT, "percentiles");
_Static_assert(SNAP_OPEN_DIST == SNAP_DIST_BUCKETS, "distribution buckets");
_Static_assert(SNAP_OPEN_CLASSES == SNAP_MAX_CLASSES, "classes");
_Static_assert(SNAP_OPEN_ENDPOINTS == SNAP_MAX_ENDPOINTS, "endpoints");
_Static_assert(SNAP_OPEN_SERIES == SNAP_SERIES_LEN, "series");
_Static_assert(SNAP_OPEN_EP_SERIES == SNAP_EP_SERIES_LEN, "endpoint series");

static void use_latency(struct snap_stats *st, const struct snap_latency *co)
{
    st->total_us = co->total_us;
    st->min_us = co->min_us;
    st->max_us = co->max_us;
    st->median_us = co->median_us;
    memcpy(st->pct_us, co->pct_us, sizeof st->pct_us);
    st->cur_count = co->cur_count;
    st->cur_median_us = co->cur_median_us;
    memcpy(st->cur_pct_us, co->cur_pct_us, sizeof st->cur_pct_us);
    memcpy(st->dist, co->dist, sizeof st->dist);
}

void snap_open_latency_of(struct snap_latency *o, const struct snap_stats *st)
{
    *o = (struct snap_latency){.total_us = st->total_us, .min_us = st->min_us,
                               .max_us = st->max_us, .median_us = st->median_us,
                               .cur_count = st->cur_count, .cur_median_us = st->cur_median_us};
    memcpy(o->pct_us, st->pct_us, sizeof o->pct_us);
    memcpy(o->cur_pct_us, st->cur_pct_us, sizeof o->cur_pct_us);
    memcpy(o->dist, st->dist, sizeof o->dist);
}

void snap_open_corrected_view(struct snapshot *s)
{
    const struct snap_open *o = &s->open;

    if (!o->corrected)
        return;
    for (uint32_t i = 0; i < s->n_endpoints && i < SNAP_MAX_ENDPOINTS; i++)
        use_latency(&s->endpoints[i], &o->endpoints[i]);
    use_latency(&s->total, &o->total);
    for (uint32_t i = 0; i < s->n_points && i < SNAP_SERIES_LEN; i++) {
        s->series[i].p50_us = o->series[i].p50_us;
        s->series[i].p95_us = o->series[i].p95_us;
        s->series[i].p99_us = o->series[i].p99_us;
        s->series[i].max_us = o->series[i].max_us;
    }
    for (uint32_t e = 0; e < s->n_endpoints && e < SNAP_MAX_ENDPOINTS; e++)
        for (uint32_t i = 0; i < s->n_ep_points && i < SNAP_EP_SERIES_LEN; i++) {
            struct snap_ep_point *p = &s->ep_series[e][i];
            const struct snap_bands *b = &o->ep_series[e][i];

            p->p50_us = b->p50_us;
            p->p95_us = b->p95_us;
            p->p99_us = b->p99_us;
            p->max_us = b->max_us;
        }
}
