/* health: the backend-health collector on the engine's control thread: samples in, the
 * snapshot's health section and log events out. No clock is read here. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "health.h"
#include "health_unit.h"
#include "strbuf.h"
#include "template.h"

#define EVENTS_MAX 32           /* pending events; more between two drains are dropped */

static const char *const kind_names[] = {"prometheus", "json", "process", "host"};

struct metric {
    const struct health_metric_def *def;
    struct snap_health_point ring[SNAP_HEALTH_POINTS];
    uint32_t n, head;
    bool has_value;
    double value, value_time;
    char missing[64];
    double min, max;
    uint64_t samples;
    bool judged;                /* has a limit and the run judges it */
    struct health_judge judge;
    uint8_t last_status;
};

struct event {
    double time;
    int level;
    char text[SNAP_TEXT_MAX];
};

struct health {
    const struct health_def *h;
    bool judge;
    double run_start;
    struct snap_health_source sources[SNAP_HEALTH_SOURCES];
    struct metric *metrics;
    struct event events[EVENTS_MAX];
    uint32_t n_events, first_event;
};

static void source_where(const struct health_source_def *d, const char *host, char *out,
                         size_t n)
{
    struct strbuf url = {0};
    char err[SNAP_TEXT_MAX];

    if (d->kind == HEALTH_HOST)
        snprintf(out, n, "this host");
    else if (d->kind == HEALTH_PROCESS && d->process)
        snprintf(out, n, "process %s", d->process);
    else if (d->kind == HEALTH_PROCESS)
        snprintf(out, n, "pid file %s%s", d->pid_file, d->children ? " and children" : "");
    else if (health_read_render(d->url, host, &url, err, sizeof err) == 0)
        snprintf(out, n, "%s", strbuf_cstr(&url));
    else
        snprintf(out, n, "%s", tmpl_source(d->url));
    strbuf_free(&url);
}

struct health *health_create(const struct health_def *h, const char *host, bool judge)
{
    struct health *c = calloc(1, sizeof *c);

    if (!c || !(c->metrics = calloc(h->n_metrics + 1, sizeof *c->metrics))) {
        free(c);
        return NULL;
    }
    c->h = h;
    c->judge = judge;
    for (uint32_t i = 0; i < h->n_sources && i < SNAP_HEALTH_SOURCES; i++) {
        struct snap_health_source *o = &c->sources[i];
        snprintf(o->name, sizeof o->name, "%s", h->sources[i].name);
        snprintf(o->kind, sizeof o->kind, "%s", kind_names[h->sources[i].kind]);
        source_where(&h->sources[i], host, o->where, sizeof o->where);
        o->interval = h->sources[i].interval;
    }
    for (uint32_t k = 0; k < h->n_metrics; k++) {
        struct metric *m = &c->metrics[k];
        m->def = &h->metrics[k];
        m->judged = judge && m->def->limit.kind != HEALTH_LIMIT_NONE;
        if (m->judged && health_judge_init(&m->judge, &m->def->limit,
                                           h->sources[m->def->source].interval) < 0) {
            health_destroy(c);
            return NULL;
        }
    }
    return c;
}

void health_destroy(struct health *c)
{
    if (!c)
        return;
    for (uint32_t k = 0; c->metrics && k < c->h->n_metrics; k++)
        health_judge_free(&c->metrics[k].judge);
    free(c->metrics);
    free(c);
}

void health_start(struct health *c, double run_start)
{
    c->run_start = run_start;
}

static void event(struct health *c, double time, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void event(struct health *c, double time, int level, const char *fmt, ...)
{
    struct event *e;
    va_list ap;

    if (c->n_events == EVENTS_MAX)
        return;
    e = &c->events[(c->first_event + c->n_events++) % EVENTS_MAX];
    e->time = time;
    e->level = level;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
}

bool health_next_event(struct health *c, double *time, int *level, char *text, size_t n)
{
    struct event *e;

    if (c->n_events == 0)
        return false;
    e = &c->events[c->first_event];
    c->first_event = (c->first_event + 1) % EVENTS_MAX;
    c->n_events--;
    *time = e->time;
    *level = e->level;
    snprintf(text, n, "%s", e->text);
    return true;
}

/* ---- taking samples ---------------------------------------------------------------------- */

static void source_poll(struct health *c, const struct health_sample *s)
{
    struct snap_health_source *o = &c->sources[s->source];
    uint8_t was = o->state;

    o->polls++;
    o->last_poll = s->time;
    o->last_ms = s->duration_ms;
    if (s->ok) {
        o->series = s->series;
        o->skipped = s->skipped;
        o->state = HEALTH_UP;
        if (was == HEALTH_DOWN)
            event(c, s->time, EVENT_INFO, "Health source %s is back up (down for %.0f s)",
                  o->name, s->time - o->since);
        if (was != HEALTH_UP)
            o->since = s->time;
        return;
    }
    o->failed++;
    snprintf(o->error, sizeof o->error, "%s", s->error);
    if (o->n_fails == SNAP_HEALTH_FAILS)
        memmove(o->fails, o->fails + 1, sizeof o->fails[0] * (SNAP_HEALTH_FAILS - 1));
    else
        o->n_fails++;
    o->fails[o->n_fails - 1].time = s->time;
    snprintf(o->fails[o->n_fails - 1].error, sizeof o->fails[0].error, "%s", s->error);
    o->state = HEALTH_DOWN;
    if (was != HEALTH_DOWN) {
        o->since = s->time;
        event(c, s->time, EVENT_WARN, "Health source %s %s: %s", o->name,
              was == HEALTH_UP ? "is down" : "does not answer", s->error);
    }
}

static void metric_value(struct metric *m, double t, double v, const char *missing)
{
    m->ring[m->head] = (struct snap_health_point){t, v};
    m->head = (m->head + 1) % SNAP_HEALTH_POINTS;
    if (m->n < SNAP_HEALTH_POINTS)
        m->n++;
    m->has_value = !isnan(v);
    m->value = v;
    m->value_time = t;
    snprintf(m->missing, sizeof m->missing, "%s", missing);
    if (isnan(v))
        return;
    if (m->samples == 0 || v < m->min)
        m->min = v;
    if (m->samples == 0 || v > m->max)
        m->max = v;
    m->samples++;
}

/* The verdict moved: a limit that fails for the first time is an event. */
static void judge_metric(struct health *c, struct metric *m, double t)
{
    const struct health_metric_def *d = m->def;
    char detail[96];
    double ref = NAN;
    enum target_status st;

    if (d->limit.ref >= 0 && c->metrics[d->limit.ref].has_value)
        ref = c->metrics[d->limit.ref].value;
    health_judge_sample(&m->judge, t, m->value, ref);
    st = health_judge_status(&m->judge, d->unit, c->run_start, detail, sizeof detail);
    if (st == TARGET_FAIL && m->last_status != TARGET_FAIL)
        event(c, t, EVENT_WARN, "Health limit failed: %s %s: %s", d->name, d->limit_text,
              detail);
    m->last_status = (uint8_t)st;
}

void health_add(struct health *c, const struct health_sample *s)
{
    const struct health_source_def *src;

    if (s->source >= c->h->n_sources)
        return;
    src = &c->h->sources[s->source];
    source_poll(c, s);
    for (uint32_t k = 0; k < src->n_metrics && k < s->n; k++) {
        struct metric *m = &c->metrics[src->first_metric + k];
        bool ok = s->ok && s->states[k] == HEALTH_VALUE_OK;
        metric_value(m, s->time, ok ? s->values[k] : NAN,
                     s->ok ? s->missing[k] : "source down");
    }
    for (uint32_t k = 0; k < src->n_metrics && k < s->n; k++) {   /* references are fresh */
        struct metric *m = &c->metrics[src->first_metric + k];
        if (m->judged && m->has_value)
            judge_metric(c, m, s->time);
    }
}

/* ---- the snapshot ------------------------------------------------------------------------ */

static void fill_limit(const struct health *c, const struct metric *m,
                       struct snap_health_metric *o)
{
    const struct health_metric_def *d = m->def;

    o->has_limit = d->limit.kind != HEALTH_LIMIT_NONE;
    o->bound = NAN;
    if (!o->has_limit)
        return;
    snprintf(o->limit, sizeof o->limit, "%s", d->limit_text);
    o->abort_on_fail = d->abort_on_fail;
    if (!m->judged) {
        o->status = TARGET_SKIPPED;
        snprintf(o->detail, sizeof o->detail, "not judged: the run ignores its targets");
        return;
    }
    o->status = (uint8_t)health_judge_status(&m->judge, d->unit, c->run_start, o->detail,
                                             sizeof o->detail);
    if (d->limit.kind == HEALTH_LIMIT_BOUND && m->judge.has_data)
        o->bound = m->judge.last_bound;
}

static void fill_metric(const struct health *c, const struct metric *m,
                        struct snap_health_metric *o)
{
    const struct health_metric_def *d = m->def;

    memset(o, 0, offsetof(struct snap_health_metric, points));
    snprintf(o->name, sizeof o->name, "%s", d->name);
    snprintf(o->unit, sizeof o->unit, "%s", d->unit);
    o->source = (uint8_t)d->source;
    o->has_value = m->has_value;
    o->value = m->value;
    o->value_time = m->value_time;
    snprintf(o->missing, sizeof o->missing, "%s", m->missing);
    o->min = m->min;
    o->max = m->max;
    o->samples = m->samples;
    fill_limit(c, m, o);
    o->n_points = m->n;
    for (uint32_t i = 0; i < m->n; i++)
        o->points[i] = m->ring[(m->head + SNAP_HEALTH_POINTS - m->n + i) % SNAP_HEALTH_POINTS];
}

void health_fill(const struct health *c, struct snapshot *s)
{
    struct snap_health *o = &s->health;

    o->n_sources = c->h->n_sources < SNAP_HEALTH_SOURCES ? c->h->n_sources : SNAP_HEALTH_SOURCES;
    o->n_metrics = c->h->n_metrics < SNAP_HEALTH_METRICS ? c->h->n_metrics : SNAP_HEALTH_METRICS;
    memcpy(o->sources, c->sources, o->n_sources * sizeof o->sources[0]);
    for (uint32_t k = 0; k < o->n_metrics; k++)
        fill_metric(c, &c->metrics[k], &o->metrics[k]);
}

int health_abort_check(const struct health_def *h, const struct snapshot *s, double elapsed,
                       char *reason, size_t n)
{
    const struct snap_health *o = &s->health;

    for (uint32_t k = 0; k < o->n_metrics && k < h->n_metrics; k++) {
        const struct snap_health_metric *m = &o->metrics[k];
        if (m->status != TARGET_FAIL || !m->has_limit || !m->abort_on_fail ||
            elapsed < h->metrics[k].abort_after)
            continue;
        snprintf(reason, n, "Health limit failed: %s %s (%s): %s, aborting the run", m->name,
                 m->limit, o->sources[m->source].name, m->detail);
        return (int)k;
    }
    return -1;
}
