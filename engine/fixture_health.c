/* fixture_health: preflight's health values, from the health poller's first samples. Main
 * thread; the sink runs on the poller's. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixture_health.h"
#include "health_poll.h"

/* The samples the checks wait for: the first two of each source. */
struct waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct health_sample *got[HEALTH_MAX_SOURCES][2];
    uint32_t n[HEALTH_MAX_SOURCES];
};

static void sample_cb(void *arg, struct health_sample *s)
{
    struct waiter *w = arg;

    bool kept = false;

    pthread_mutex_lock(&w->mu);
    if (s->source < HEALTH_MAX_SOURCES && w->n[s->source] < 2) {
        w->got[s->source][w->n[s->source]++] = s;
        kept = true;
    }
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (!kept)
        free(s);
}

/* How many samples of source src the checks need: two when one of its metrics is a rate. */
static uint32_t needed(const struct scenario *scn, const struct preflight_health *c, uint32_t n,
                       uint32_t src)
{
    uint32_t want = 0;

    for (uint32_t i = 0; i < n; i++) {
        const struct health_metric_def *m = &scn->health.metrics[c[i].metric];

        if (m->source == src && want < (m->rate ? 2u : 1u))
            want = m->rate ? 2 : 1;
    }
    return want;
}

static bool have_all(const struct waiter *w, const struct scenario *scn,
                     const struct preflight_health *c, uint32_t n)
{
    for (uint32_t s = 0; s < scn->health.n_sources && s < HEALTH_MAX_SOURCES; s++)
        if (w->n[s] < needed(scn, c, n, s))
            return false;
    return true;
}

/* The longest any source may take: its first poll, the next for a rate, and a second spare. */
static double patience(const struct scenario *scn)
{
    double most = 1;

    for (uint32_t s = 0; s < scn->health.n_sources; s++) {
        const struct health_source_def *d = &scn->health.sources[s];
        most = fmax(most, d->timeout + d->interval + 1);
    }
    return most;
}

static void wait_samples(struct waiter *w, const struct scenario *scn,
                         const struct preflight_health *c, uint32_t n,
                         const volatile sig_atomic_t *stop)
{
    struct timespec now, until;
    double end;

    clock_gettime(CLOCK_REALTIME, &now);
    end = (double)now.tv_sec + (double)now.tv_nsec / 1e9 + patience(scn);
    pthread_mutex_lock(&w->mu);
    while (!have_all(w, scn, c, n) && !(stop && *stop)) {
        clock_gettime(CLOCK_REALTIME, &now);
        if ((double)now.tv_sec + (double)now.tv_nsec / 1e9 >= end)
            break;
        until = now;                        /* wake every 100 ms to see the stop flag */
        until.tv_nsec += 100000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        (void)pthread_cond_timedwait(&w->cv, &w->mu, &until);
    }
    pthread_mutex_unlock(&w->mu);
}

/* checks[i]'s value from its source's newest sample (the second, for a rate). */
static void value_of(const struct waiter *w, const struct scenario *scn,
                     const struct preflight_health *c, const volatile sig_atomic_t *stop,
                     struct fixture_health_value *out)
{
    const struct health_metric_def *m = &scn->health.metrics[c->metric];
    uint32_t got = w->n[m->source], k = c->metric - scn->health.sources[m->source].first_metric;
    const struct health_sample *s = got ? w->got[m->source][got - 1] : NULL;

    memset(out, 0, sizeof *out);
    if (!s)
        snprintf(out->why, sizeof out->why, "%s", stop && *stop ? "interrupted"
                 : "no poll of its source ended in time");
    else if (!s->ok)
        snprintf(out->why, sizeof out->why, "its source's poll failed: %.160s", s->error);
    else if (s->states[k] != HEALTH_VALUE_OK)
        snprintf(out->why, sizeof out->why, "%s", s->missing[k][0] ? s->missing[k]
                 : "no value");
    else {
        out->ok = true;
        out->value = s->values[k];
    }
}

int fixture_health_poll(const struct scenario *scn, const char *host,
                        const struct preflight_health *checks, uint32_t n,
                        const volatile sig_atomic_t *stop, struct fixture_health_value *out,
                        char *err, size_t errlen)
{
    struct waiter *w = calloc(1, sizeof *w);
    struct health_poll_sink sink = {sample_cb, w};
    struct health_poll *p = NULL;
    int rc = -1;

    if (!w) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if ((p = health_poll_create(&scn->health, host, NULL, &sink, err, errlen)) &&
        health_poll_start(p, err, errlen) == 0) {
        wait_samples(w, scn, checks, n, stop);
        health_poll_destroy(p);             /* joined: no more samples */
        p = NULL;
        for (uint32_t i = 0; i < n; i++)
            value_of(w, scn, &checks[i], stop, &out[i]);
        rc = 0;
    }
    health_poll_destroy(p);
    for (uint32_t s = 0; s < HEALTH_MAX_SOURCES; s++)
        for (uint32_t k = 0; k < w->n[s]; k++)
            free(w->got[s][k]);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
    return rc;
}
