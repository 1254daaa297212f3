/* timeline: every second and every event of a run, kept from its snapshots. Owned by one
 * thread (the host loop's). */
#include <stdlib.h>
#include <string.h>
#include "timeline.h"

/* One health metric's samples, or one source's failed polls, oldest first. */
struct health_series {
    struct snap_health_point *points;
    size_t n, cap;
};
struct health_fails {
    struct snap_health_fail *fails;
    size_t n, cap;
};

struct timeline {
    struct health_series health[SNAP_HEALTH_METRICS];
    struct health_fails fails[SNAP_HEALTH_SOURCES];
    struct snap_point *points;
    size_t n_points, cap_points;
    struct snap_bands *bands;           /* the open model's corrected bands, as points */
    size_t cap_bands;
    struct snap_arrival_point *arrivals;    /* the open model's schedule, by second */
    size_t n_arrivals, cap_arrivals;
    struct snap_event *events;          /* oldest first */
    size_t n_events, cap_events;
    uint64_t newest_seq, dropped;
    struct timeline_count *ep;          /* row i (ep_width cells): point i's endpoints */
    size_t ep_rows, cap_ep_cells;       /* rows kept: points [0, ep_rows) */
    uint32_t ep_width;                  /* endpoints per row (the first snapshot's) */
};

struct timeline *timeline_create(void)
{
    return calloc(1, sizeof(struct timeline));
}

void timeline_free(struct timeline *t)
{
    if (!t)
        return;
    for (size_t k = 0; k < SNAP_HEALTH_METRICS; k++)
        free(t->health[k].points);
    for (size_t i = 0; i < SNAP_HEALTH_SOURCES; i++)
        free(t->fails[i].fails);
    free(t->points);
    free(t->bands);
    free(t->arrivals);
    free(t->events);
    free(t->ep);
    free(t);
}

/* Room for `need` elements of `size` in *p (capacity *cap, doubling, at most `max`). */
static int reserve(void **p, size_t *cap, size_t need, size_t size, size_t max)
{
    size_t cap2 = *cap ? *cap : 256;
    void *q;

    if (need <= *cap)
        return 0;
    if (need > max)
        return -1;
    while (cap2 < need)
        cap2 *= 2;
    if (cap2 > max)
        cap2 = max;
    if (!(q = realloc(*p, cap2 * size)))
        return -1;
    *p = q;
    *cap = cap2;
    return 0;
}

/* The point of unix second `second`: an existing one, or appended after empty seconds up to
 * it. NULL for a second older than the first kept, or when memory ran out. */
static struct snap_point *point_at(struct timeline *t, int64_t second)
{
    int64_t first = t->n_points ? t->points[0].second : second;
    size_t at;

    if (second < first)
        return NULL;
    at = (size_t)(second - first);
    if (at < t->n_points)
        return &t->points[at];
    if (at >= TIMELINE_MAX_POINTS ||
        reserve((void **)&t->points, &t->cap_points, at + 1, sizeof *t->points,
                TIMELINE_MAX_POINTS) < 0 ||
        reserve((void **)&t->bands, &t->cap_bands, at + 1, sizeof *t->bands,
                TIMELINE_MAX_POINTS) < 0)
        return NULL;
    for (; t->n_points <= at; t->n_points++) {      /* seconds no snapshot showed: empty */
        memset(&t->points[t->n_points], 0, sizeof t->points[0]);
        memset(&t->bands[t->n_points], 0, sizeof t->bands[0]);
        t->points[t->n_points].second = first + (int64_t)t->n_points;
        if (t->n_points)
            t->points[t->n_points].users = t->points[t->n_points - 1].users;
    }
    return &t->points[at];
}

/* When full, the oldest tenth goes at once (one memmove per 10,000 events, and the events
 * stay one array for the reports). */
static int keep_event(struct timeline *t, const struct snap_event *ev)
{
    if (t->n_events == TIMELINE_MAX_EVENTS) {
        size_t drop = TIMELINE_MAX_EVENTS / 10;
        memmove(t->events, t->events + drop, (t->n_events - drop) * sizeof *t->events);
        t->n_events -= drop;
        t->dropped += drop;
    }
    if (reserve((void **)&t->events, &t->cap_events, t->n_events + 1, sizeof *t->events,
                TIMELINE_MAX_EVENTS) < 0)
        return -1;
    t->events[t->n_events++] = *ev;
    return 0;
}

/* The open model's schedule for second `second` (as point_at; seconds no snapshot showed are
 * empty). */
static struct snap_arrival_point *arrival_at(struct timeline *t, int64_t second)
{
    int64_t first = t->n_arrivals ? t->arrivals[0].second : second;
    size_t at;

    if (second < first)
        return NULL;
    at = (size_t)(second - first);
    if (at >= t->n_arrivals &&
        (at >= TIMELINE_MAX_POINTS ||
         reserve((void **)&t->arrivals, &t->cap_arrivals, at + 1, sizeof *t->arrivals,
                 TIMELINE_MAX_POINTS) < 0))
        return NULL;
    for (; t->n_arrivals <= at; t->n_arrivals++)
        t->arrivals[t->n_arrivals] = (struct snap_arrival_point){
            .second = first + (int64_t)t->n_arrivals};
    return &t->arrivals[at];
}

static int keep_open(struct timeline *t, const struct snapshot *s)
{
    int rc = 0;

    for (uint32_t i = 0; i < s->open.n_points && i < SNAP_SERIES_LEN; i++) {
        struct snap_arrival_point *p = arrival_at(t, s->open.points[i].second);
        if (p)
            *p = s->open.points[i];
        else if (!t->n_arrivals || s->open.points[i].second >= t->arrivals[0].second)
            rc = -1;
    }
    return rc;
}

/* Full: the older half keeps every other sample (its resolution halves, the run stays whole). */
static void thin(struct health_series *h)
{
    size_t half = h->n / 2, kept = 0;

    for (size_t i = 0; i < half; i += 2)
        h->points[kept++] = h->points[i];
    memmove(h->points + kept, h->points + half, (h->n - half) * sizeof *h->points);
    h->n = kept + (h->n - half);
}

static int keep_health(struct timeline *t, const struct snap_health *sh)
{
    for (uint32_t k = 0; k < sh->n_metrics && k < SNAP_HEALTH_METRICS; k++) {
        const struct snap_health_metric *m = &sh->metrics[k];
        struct health_series *h = &t->health[k];
        double newest = h->n ? h->points[h->n - 1].time : -1;
        for (uint32_t i = 0; i < m->n_points && i < SNAP_HEALTH_POINTS; i++) {
            if (m->points[i].time <= newest)
                continue;
            if (h->n == TIMELINE_MAX_HEALTH)
                thin(h);
            if (reserve((void **)&h->points, &h->cap, h->n + 1, sizeof *h->points,
                        TIMELINE_MAX_HEALTH) < 0)
                return -1;
            h->points[h->n++] = m->points[i];
        }
    }
    return 0;
}

static int keep_fails(struct timeline *t, const struct snap_health *sh)
{
    for (uint32_t i = 0; i < sh->n_sources && i < SNAP_HEALTH_SOURCES; i++) {
        const struct snap_health_source *o = &sh->sources[i];
        struct health_fails *f = &t->fails[i];
        double newest = f->n ? f->fails[f->n - 1].time : -1;
        for (uint32_t k = 0; k < o->n_fails && k < SNAP_HEALTH_FAILS; k++) {
            if (o->fails[k].time <= newest)
                continue;
            if (f->n == TIMELINE_MAX_FAILS) {
                memmove(f->fails, f->fails + TIMELINE_MAX_FAILS / 10,
                        (f->n - TIMELINE_MAX_FAILS / 10) * sizeof *f->fails);
                f->n -= TIMELINE_MAX_FAILS / 10;
            }
            if (reserve((void **)&f->fails, &f->cap, f->n + 1, sizeof *f->fails,
                        TIMELINE_MAX_FAILS) < 0)
                return -1;
            f->fails[f->n++] = o->fails[k];
        }
    }
    return 0;
}

/* The per-endpoint row of kept point `at`, with zeroed rows up to it; NULL once
 * TIMELINE_MAX_EP_CELLS are used or memory ran out. */
static struct timeline_count *ep_row(struct timeline *t, size_t at)
{
    size_t need = (at + 1) * t->ep_width;

    if (t->ep_width == 0 || need > TIMELINE_MAX_EP_CELLS ||
        reserve((void **)&t->ep, &t->cap_ep_cells, need, sizeof *t->ep,
                TIMELINE_MAX_EP_CELLS) < 0)
        return NULL;
    for (; t->ep_rows <= at; t->ep_rows++)
        memset(&t->ep[t->ep_rows * t->ep_width], 0, t->ep_width * sizeof *t->ep);
    return &t->ep[at * t->ep_width];
}

/* The snapshot's per-endpoint seconds (the newest n_ep_points of its series). */
static void keep_endpoints(struct timeline *t, const struct snapshot *s)
{
    uint32_t n = s->n_ep_points < SNAP_EP_SERIES_LEN ? s->n_ep_points : SNAP_EP_SERIES_LEN;
    uint32_t width = s->n_endpoints < SNAP_MAX_ENDPOINTS ? s->n_endpoints : SNAP_MAX_ENDPOINTS;

    if (t->ep_width == 0)
        t->ep_width = width;
    if (n > s->n_points || !t->n_points)
        return;
    for (uint32_t j = 0; j < n; j++) {
        int64_t second = s->series[s->n_points - n + j].second;
        struct timeline_count *row;

        if (second < t->points[0].second ||
            !(row = ep_row(t, (size_t)(second - t->points[0].second))))
            continue;
        for (uint32_t e = 0; e < width && e < t->ep_width; e++) {
            row[e].requests = s->ep_series[e][j].requests;
            row[e].failures = s->ep_series[e][j].failures;
        }
    }
}

int timeline_endpoint_count(const struct timeline *t, size_t i, uint32_t ep,
                            struct timeline_count *out)
{
    *out = (struct timeline_count){0};
    if (i >= t->ep_rows || ep >= t->ep_width)
        return -1;
    *out = t->ep[i * t->ep_width + ep];
    return 0;
}

int timeline_update(struct timeline *t, const struct snapshot *s)
{
    int rc = keep_health(t, &s->health) < 0 || keep_fails(t, &s->health) < 0 ? -1 : 0;

    for (uint32_t i = 0; i < s->n_points && i < SNAP_SERIES_LEN; i++) {
        struct snap_point *p = point_at(t, s->series[i].second);
        if (p) {
            *p = s->series[i];
            t->bands[p - t->points] = s->open.corrected ? s->open.series[i]
                                                        : (struct snap_bands){0};
        } else if (!t->n_points || s->series[i].second >= t->points[0].second) {
            rc = -1;
        }
    }
    if (keep_open(t, s) < 0)
        rc = -1;
    keep_endpoints(t, s);
    for (uint32_t i = 0; i < s->n_events && i < SNAP_MAX_EVENTS; i++) {
        if (s->events[i].seq <= t->newest_seq)
            continue;
        if (keep_event(t, &s->events[i]) < 0) {
            rc = -1;
            break;
        }
        t->newest_seq = s->events[i].seq;
    }
    return rc;
}

const struct snap_point *timeline_points(const struct timeline *t, size_t *n)
{
    *n = t->n_points;
    return t->n_points ? t->points : NULL;
}

const struct snap_bands *timeline_bands(const struct timeline *t, size_t *n)
{
    *n = t->n_points;
    return t->n_points ? t->bands : NULL;
}

const struct snap_arrival_point *timeline_arrivals(const struct timeline *t, size_t *n)
{
    *n = t->n_arrivals;
    return t->n_arrivals ? t->arrivals : NULL;
}

const struct snap_event *timeline_events(const struct timeline *t, size_t *n)
{
    *n = t->n_events;
    return t->n_events ? t->events : NULL;
}

const struct snap_health_point *timeline_health_points(const struct timeline *t, uint32_t k,
                                                       size_t *n)
{
    *n = k < SNAP_HEALTH_METRICS ? t->health[k].n : 0;
    return *n ? t->health[k].points : NULL;
}

const struct snap_health_fail *timeline_health_fails(const struct timeline *t, uint32_t i,
                                                     size_t *n)
{
    *n = i < SNAP_HEALTH_SOURCES ? t->fails[i].n : 0;
    return *n ? t->fails[i].fails : NULL;
}

uint64_t timeline_events_dropped(const struct timeline *t)
{
    return t->dropped;
}
