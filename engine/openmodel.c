/* openmodel: the open classes' curves, the slots' plans and the per-second schedule, as pure
 * functions of (state, now); see openmodel.h. Owned by the engine's control thread. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "openmodel.h"

#define RING 16                 /* recent seconds kept per class (> OPENMODEL_FINAL_LAG + 2) */
#define RECENT 3                /* the recent rates: over the newest final seconds */
#define DROPPING_SECONDS (OPENMODEL_FINAL_LAG + 1.0)

struct sec_rec {
    int64_t second;             /* INT64_MIN: unused */
    bool has_start, has_gauge;
    double count_start;         /* the class's asked count when the second began */
    uint64_t started, dropped;
    uint32_t users, busy;
};

struct oclass {
    bool open, manual, paused;
    struct class_arrivals arr;
    struct arrival_curve curve;
    struct arrival_curve saved;     /* while paused: what resumes */
    uint64_t version;
    int64_t next_boundary;          /* the next whole second whose start count is not kept */
    struct sec_rec ring[RING];
    uint64_t due, started, dropped; /* the slots' totals */
    uint64_t base_due, base_started, base_dropped;
    uint32_t users, busy, waiting, peak_users;
    double last_drop;               /* when the dropped total last grew; 0: never */
    bool dropping;
    double recent_asked, recent_achieved;
};

struct openmodel {
    const struct scenario *scn;
    uint32_t n_slots, n_classes, n_open;
    struct oclass *cls;
    double start, end;
    bool started;
    int64_t final_next;             /* the next second to become final */
    struct snap_arrival_point points[SNAP_SERIES_LEN];  /* by second % SNAP_SERIES_LEN */
    uint32_t n_points;
};

/* ---- seconds -------------------------------------------------------------------------------- */

static int64_t floor_second(double t)
{
    return (int64_t)floor(t);
}

static size_t modulo(int64_t v, size_t n)
{
    int64_t r = v % (int64_t)n;

    return (size_t)(r < 0 ? r + (int64_t)n : r);
}

/* The record of second s (claimed afresh when it held another second). */
static struct sec_rec *rec_of(struct oclass *c, int64_t s)
{
    struct sec_rec *r = &c->ring[modulo(s, RING)];

    if (r->second != s)
        *r = (struct sec_rec){.second = s};
    return r;
}

static const struct sec_rec *rec_find(const struct oclass *c, int64_t s)
{
    const struct sec_rec *r = &c->ring[modulo(s, RING)];

    return r->second == s ? r : NULL;
}

static double count_now(const struct oclass *c, double now)
{
    return arrival_count_at(&c->curve, c->arr.cfg, now);
}

/* Record the asked count at every whole second up to now, on the curve that held then: called
 * before every curve change and at every tick. */
static void catch_up(struct openmodel *m, double now)
{
    for (uint32_t k = 0; k < m->n_classes; k++) {
        struct oclass *c = &m->cls[k];

        for (; c->open && (double)c->next_boundary <= now; c->next_boundary++) {
            struct sec_rec *r = rec_of(c, c->next_boundary);
            r->count_start = count_now(c, (double)c->next_boundary);
            r->has_start = true;
        }
    }
}

/* ---- curves ---------------------------------------------------------------------------------- */

static struct arrival_curve constant(const struct openmodel *m, double now, double count,
                                     double rate)
{
    return (struct arrival_curve){.t0 = now, .count0 = count, .mode = ARRIVAL_CONSTANT,
                                  .rate = rate, .end = m->end};
}

/* The configured curve from now on, continuing at count. */
static struct arrival_curve configured(const struct openmodel *m, const struct oclass *c,
                                       double now, double count)
{
    if (c->arr.cfg->n_stages == 0)
        return constant(m, now, count, c->arr.cfg->rate * c->arr.scale);
    return (struct arrival_curve){.t0 = now, .count0 = count, .mode = ARRIVAL_STAGES,
                                  .origin = m->start, .scale = c->arr.scale, .end = m->end};
}

static void set_curve(struct oclass *c, struct arrival_curve cv)
{
    c->curve = cv;
    c->version++;
}

/* From now on: cv (or, while paused, after the pause). */
static void change(struct oclass *c, struct arrival_curve cv)
{
    if (c->paused) {
        c->saved = cv;
        return;
    }
    set_curve(c, cv);
}

void openmodel_start(struct openmodel *m, double now, double end)
{
    m->start = now;
    m->end = end;
    m->started = true;
    m->final_next = floor_second(now);
    for (uint32_t k = 0; k < m->n_classes; k++) {
        struct oclass *c = &m->cls[k];
        struct sec_rec *r;

        if (!c->open)
            continue;
        set_curve(c, configured(m, c, now, 0));
        c->next_boundary = (int64_t)ceil(now);
        r = rec_of(c, floor_second(now));       /* the first, partial second begins at 0 */
        r->count_start = 0;
        r->has_start = true;
    }
}

void openmodel_set_rate(struct openmodel *m, double rate, double now)
{
    double total = 0, weights = 0;

    if (m->n_open == 0)
        return;
    catch_up(m, now);
    for (uint32_t k = 0; k < m->n_classes; k++)
        if (m->cls[k].open) {
            const struct oclass *c = &m->cls[k];
            total += arrival_rate_at(c->paused ? &c->saved : &c->curve, c->arr.cfg, now);
            weights += m->scn->classes[k].weight;
        }
    for (uint32_t k = 0; k < m->n_classes; k++) {
        struct oclass *c = &m->cls[k];
        double mine;

        if (!c->open)
            continue;
        mine = total > 0 ? arrival_rate_at(c->paused ? &c->saved : &c->curve, c->arr.cfg, now) /
                           total : m->scn->classes[k].weight / weights;
        change(c, constant(m, now, count_now(c, now), rate * mine));
        c->manual = true;
    }
}

void openmodel_resume_stages(struct openmodel *m, double now)
{
    catch_up(m, now);
    for (uint32_t k = 0; k < m->n_classes; k++) {
        struct oclass *c = &m->cls[k];

        if (!c->open || !c->manual)
            continue;
        c->manual = false;
        change(c, configured(m, c, now, count_now(c, now)));
    }
}

void openmodel_pause(struct openmodel *m, bool paused, double now)
{
    catch_up(m, now);
    for (uint32_t k = 0; k < m->n_classes; k++) {
        struct oclass *c = &m->cls[k];
        double count;

        if (!c->open || c->paused == paused)
            continue;
        count = count_now(c, now);
        if (paused) {
            c->saved = c->curve;
            set_curve(c, constant(m, now, count, 0));
        } else if (c->saved.mode == ARRIVAL_STAGES) {
            set_curve(c, configured(m, c, now, count));
        } else {
            set_curve(c, constant(m, now, count, c->saved.rate));
        }
        c->paused = paused;
    }
}

/* ---- the schedule, second by second -------------------------------------------------------- */

/* The recent rates of class c, from the final seconds [from, to). */
static void recent_rates(struct oclass *c, int64_t from, int64_t to)
{
    double asked = 0, achieved = 0;
    int n = 0;

    for (int64_t s = to - 1; s >= from && s >= to - RECENT; s--) {
        const struct sec_rec *r = rec_find(c, s), *next = rec_find(c, s + 1);

        if (!r || !next || !r->has_start || !next->has_start)
            continue;
        asked += next->count_start - r->count_start;
        achieved += (double)r->started;
        n++;
    }
    c->recent_asked = n ? asked / n : 0;
    c->recent_achieved = n ? achieved / n : 0;
}

/* Second s of every open class, summed, as one point of the series. */
static void finalize(struct openmodel *m, int64_t s)
{
    struct snap_arrival_point *p = &m->points[modulo(s, SNAP_SERIES_LEN)];

    *p = (struct snap_arrival_point){.second = s};
    for (uint32_t k = 0; k < m->n_classes; k++) {
        struct oclass *c = &m->cls[k];
        const struct sec_rec *r, *next;

        if (!c->open)
            continue;
        r = rec_find(c, s);
        next = rec_find(c, s + 1);
        if (r && next && r->has_start && next->has_start)
            p->asked += next->count_start - r->count_start;
        p->started += r ? (uint32_t)r->started : 0;
        p->dropped += r ? (uint32_t)r->dropped : 0;
        p->users += r && r->has_gauge ? r->users : c->users;
        p->busy += r && r->has_gauge ? r->busy : c->busy;
    }
    if (m->n_points < SNAP_SERIES_LEN)
        m->n_points++;
}

void openmodel_tick(struct openmodel *m, double now)
{
    int64_t upto = floor_second(now) - OPENMODEL_FINAL_LAG;   /* final: seconds <= upto */

    if (!m->started || m->n_open == 0)
        return;
    catch_up(m, now);
    if (upto < m->final_next)
        return;
    if (upto - m->final_next >= RING - 2)             /* a long gap: the ring kept no more */
        m->final_next = upto - (RING - 3);
    for (; m->final_next <= upto; m->final_next++)
        finalize(m, m->final_next);
    for (uint32_t k = 0; k < m->n_classes; k++)
        if (m->cls[k].open)
            recent_rates(&m->cls[k], floor_second(m->start), m->final_next);
}

void openmodel_stop(struct openmodel *m, double now)
{
    if (!m->started || (m->end > 0 && m->end <= now))
        return;
    catch_up(m, now);
    m->end = now;
    for (uint32_t k = 0; k < m->n_classes; k++) {
        m->cls[k].curve.end = now;              /* the slots stop with their users */
        m->cls[k].saved.end = now;
    }
}

void openmodel_finish(struct openmodel *m, double now)
{
    int64_t last = floor_second(now);

    if (!m->started || m->n_open == 0 || m->final_next > last)
        return;
    catch_up(m, now);
    for (uint32_t k = 0; k < m->n_classes; k++) {
        struct oclass *c = &m->cls[k];
        struct sec_rec *r;

        if (!c->open)
            continue;
        r = rec_of(c, last + 1);                /* nothing is asked after the end */
        r->count_start = count_now(c, now);
        r->has_start = true;
    }
    if (last - m->final_next >= RING - 2)
        m->final_next = last - (RING - 3);
    for (; m->final_next <= last; m->final_next++)
        finalize(m, m->final_next);
    for (uint32_t k = 0; k < m->n_classes; k++)
        if (m->cls[k].open)
            recent_rates(&m->cls[k], floor_second(m->start), m->final_next);
}

void openmodel_observe_second(struct openmodel *m, uint32_t k, int64_t second,
                              uint64_t started, uint64_t dropped)
{
    struct oclass *c = &m->cls[k];
    struct sec_rec *r;

    if (k >= m->n_classes || !c->open || second < m->final_next ||
        second >= m->final_next + RING - 2)
        return;
    r = rec_of(c, second);
    r->started += started;
    r->dropped += dropped;
}

void openmodel_observe_pool(struct openmodel *m, uint32_t k, double now, uint64_t due,
                            uint64_t started, uint64_t dropped, uint32_t users, uint32_t busy,
                            uint32_t waiting)
{
    struct oclass *c = &m->cls[k];
    struct sec_rec *r;

    if (k >= m->n_classes || !c->open)
        return;
    if (dropped > c->dropped)
        c->last_drop = now;
    c->due = due;
    c->started = started;
    c->dropped = dropped;
    c->users = users;
    c->busy = busy;
    c->waiting = waiting;
    if (users > c->peak_users)
        c->peak_users = users;
    if (floor_second(now) >= m->final_next) {
        r = rec_of(c, floor_second(now));
        r->users = users;
        r->busy = busy;
        r->has_gauge = true;
    }
}

void openmodel_reset(struct openmodel *m, double now)
{
    (void)now;
    for (uint32_t k = 0; k < m->n_classes; k++) {
        struct oclass *c = &m->cls[k];

        c->base_due = c->due;
        c->base_started = c->started;
        c->base_dropped = c->dropped;
    }
}

bool openmodel_dropping_changed(struct openmodel *m, uint32_t k, double now, bool *dropping)
{
    struct oclass *c = &m->cls[k];
    bool now_dropping = c->open && c->last_drop > 0 && now - c->last_drop <= DROPPING_SECONDS;

    if (now_dropping == c->dropping)
        return false;
    c->dropping = now_dropping;
    *dropping = now_dropping;
    return true;
}

/* ---- reading ------------------------------------------------------------------------------- */

bool openmodel_is_open(const struct openmodel *m, uint32_t k)
{
    return k < m->n_classes && m->cls[k].open;
}

uint32_t openmodel_count(const struct openmodel *m)
{
    return m->n_open;
}

int openmodel_stage(const struct openmodel *m, uint32_t k, double now)
{
    const struct arrival_config *cfg = m->cls[k].arr.cfg;
    double end = 0;

    if (!m->cls[k].open || cfg->n_stages == 0)
        return -1;
    for (uint32_t i = 0; i < cfg->n_stages; i++) {
        end += cfg->stages[i].duration;
        if (now - m->start < end)
            return (int)i;
    }
    return (int)cfg->n_stages;
}

/* When class c's arrivals reach the stages' peak rate, seconds after the start. */
static double peak_reached(const struct oclass *c)
{
    const struct arrival_config *cfg = c->arr.cfg;
    double peak = cfg->start_rate, end = 0;

    for (uint32_t i = 0; i < cfg->n_stages; i++)
        if (cfg->stages[i].rate > peak)
            peak = cfg->stages[i].rate;
    if (cfg->start_rate >= peak)
        return 0;
    for (uint32_t i = 0; i < cfg->n_stages; i++) {
        end += cfg->stages[i].duration;
        if (cfg->stages[i].rate >= peak)
            break;
    }
    return end;
}

bool openmodel_ramped(const struct openmodel *m, double now)
{
    for (uint32_t k = 0; k < m->n_classes; k++) {
        const struct oclass *c = &m->cls[k];

        if (c->open && !c->manual && now - m->start < peak_reached(c))
            return false;
    }
    return true;
}

double openmodel_rate_target(const struct openmodel *m, uint32_t k, uint32_t stage)
{
    const struct oclass *c = &m->cls[k];

    return c->open && stage < c->arr.cfg->n_stages
           ? c->arr.cfg->stages[stage].rate * c->arr.scale : 0;
}

uint32_t openmodel_max_users(const struct openmodel *m)
{
    uint32_t n = 0;

    for (uint32_t k = 0; k < m->n_classes; k++)
        if (m->cls[k].open)
            n += m->cls[k].arr.max_users;
    return n;
}

bool openmodel_stages_over(const struct openmodel *m, double now)
{
    if (m->n_open == 0)
        return false;
    for (uint32_t k = 0; k < m->n_classes; k++) {
        const struct oclass *c = &m->cls[k];

        if (c->open && (c->manual || openmodel_stage(m, k, now) != (int)c->arr.cfg->n_stages ||
                        c->arr.cfg->n_stages == 0))
            return false;
    }
    return true;
}

bool openmodel_manual(const struct openmodel *m)
{
    for (uint32_t k = 0; k < m->n_classes; k++)
        if (m->cls[k].open && m->cls[k].manual)
            return true;
    return false;
}

double openmodel_rate(const struct openmodel *m, double now)
{
    double r = 0;

    for (uint32_t k = 0; k < m->n_classes; k++)
        if (m->cls[k].open)
            r += arrival_rate_at(&m->cls[k].curve, m->cls[k].arr.cfg, now);
    return r;
}

uint64_t openmodel_version(const struct openmodel *m, uint32_t k)
{
    return k < m->n_classes ? m->cls[k].version : 0;
}

/* Slot `slot`'s part of total over n slots: the first total % n slots get one more. */
static uint32_t split(uint32_t total, uint32_t n, uint32_t slot)
{
    return total / n + (slot < total % n ? 1 : 0);
}

void openmodel_slot_plan(const struct openmodel *m, uint32_t slot, uint32_t k,
                         struct openmodel_slot *out)
{
    const struct oclass *c = &m->cls[k];
    uint32_t max = c->arr.max_users, before = 0;

    memset(out, 0, sizeof *out);
    if (!c->open || slot >= m->n_slots)
        return;
    for (uint32_t v = 0; v < slot; v++)
        before += split(max, m->n_slots, v);
    out->curve = c->curve;
    out->max_users = split(max, m->n_slots, slot);
    out->share = (double)out->max_users / max;
    out->phase = (double)before / max;
    out->pre_allocated = split(c->arr.pre_allocated, m->n_slots, slot);
    if (out->pre_allocated > out->max_users)
        out->pre_allocated = out->max_users;
    out->max_delay = c->arr.max_delay;
}

uint32_t openmodel_users(const struct openmodel *m)
{
    uint32_t n = 0;

    for (uint32_t k = 0; k < m->n_classes; k++)
        if (m->cls[k].open)
            n += m->cls[k].users;
    return n;
}

void openmodel_class(const struct openmodel *m, uint32_t k, double now,
                     struct snap_arrivals *o)
{
    const struct oclass *c = &m->cls[k];

    *o = (struct snap_arrivals){
        .cls = k, .manual = c->manual, .stage = openmodel_stage(m, k, now),
        .n_stages = (int)c->arr.cfg->n_stages,
        .asked_rate = arrival_rate_at(&c->curve, c->arr.cfg, now),
        .resume_rate = arrival_rate_at(c->paused ? &c->saved : &c->curve, c->arr.cfg, now),
        .recent_asked = c->recent_asked, .recent_achieved = c->recent_achieved,
        .due = c->due - c->base_due, .started = c->started - c->base_started,
        .dropped = c->dropped - c->base_dropped, .users = c->users, .busy = c->busy,
        .waiting = c->waiting, .peak_users = c->peak_users, .max_users = c->arr.max_users,
    };
}

static void add_class(struct snap_arrivals *all, const struct snap_arrivals *o)
{
    all->manual |= o->manual;
    all->asked_rate += o->asked_rate;
    all->resume_rate += o->resume_rate;
    all->recent_asked += o->recent_asked;
    all->recent_achieved += o->recent_achieved;
    all->due += o->due;
    all->started += o->started;
    all->dropped += o->dropped;
    all->users += o->users;
    all->busy += o->busy;
    all->waiting += o->waiting;
    all->peak_users += o->peak_users;
    all->max_users += o->max_users;
}

void openmodel_fill(const struct openmodel *m, double now, struct snap_open *out)
{
    uint32_t n = 0;

    out->all = (struct snap_arrivals){.cls = UINT32_MAX, .stage = -1};
    for (uint32_t k = 0; k < m->n_classes && n < SNAP_MAX_CLASSES; k++) {
        if (!m->cls[k].open)
            continue;
        openmodel_class(m, k, now, &out->classes[n]);
        add_class(&out->all, &out->classes[n]);
        n++;
    }
    out->n_classes = n;
    out->n_points = m->n_points;
    for (uint32_t i = 0; i < m->n_points; i++) {    /* oldest first */
        int64_t s = m->final_next - (int64_t)m->n_points + (int64_t)i;
        out->points[i] = m->points[modulo(s, SNAP_SERIES_LEN)];
    }
}

/* ---- life cycle ---------------------------------------------------------------------------- */

struct openmodel *openmodel_create(const struct scenario *scn, uint32_t n_slots)
{
    struct openmodel *m = calloc(1, sizeof *m);

    if (!m || !(m->cls = calloc(scn->n_classes ? scn->n_classes : 1, sizeof *m->cls))) {
        free(m);
        return NULL;
    }
    m->scn = scn;
    m->n_slots = n_slots ? n_slots : 1;
    m->n_classes = scn->n_classes;
    for (uint32_t k = 0; k < scn->n_classes; k++) {
        struct oclass *c = &m->cls[k];

        c->open = scenario_class_arrivals(scn, k, &c->arr);
        m->n_open += c->open;
        for (size_t i = 0; i < RING; i++)
            c->ring[i].second = INT64_MIN;
    }
    return m;
}

void openmodel_destroy(struct openmodel *m)
{
    if (!m)
        return;
    free(m->cls);
    free(m);
}
