/* selfstat: hornet's own CPU and timer lag (see selfstat.h). selfstat_tick runs on a worker
 * thread; the sample, drain and update functions on the engine's control thread. */
#include <math.h>
#include <sys/resource.h>
#include <time.h>
#include "selfstat.h"
#include "selfstat_internal.h"

double selfstat_lateness(double due, double fired)
{
    return fired > due ? fired - due : 0.0;
}

double selfstat_next_due(double due, double interval, double loop_now)
{
    double next = due + interval;

    return next < loop_now ? loop_now : next;
}

static uint64_t thread_cpu_us(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void atomic_max(_Atomic uint64_t *a, uint64_t v)
{
    uint64_t cur = atomic_load_explicit(a, memory_order_relaxed);

    while (v > cur && !atomic_compare_exchange_weak_explicit(a, &cur, v, memory_order_relaxed,
                                                             memory_order_relaxed))
        ;
}

void selfstat_tick(struct selfstat_probe *p, double fired, double loop_now, double interval)
{
    if (p->due > 0) {
        uint64_t us = (uint64_t)llround(selfstat_lateness(p->due, fired) * 1e6);

        atomic_max(&p->lag_max_us, us);
        atomic_fetch_add_explicit(&p->lag_sum_us, us, memory_order_relaxed);
        atomic_fetch_add_explicit(&p->lag_count, 1, memory_order_relaxed);
        p->due = selfstat_next_due(p->due, interval, loop_now);
    } else {
        p->due = loop_now + interval;
    }
    atomic_store_explicit(&p->cpu_us, thread_cpu_us(), memory_order_relaxed);
}

void selfstat_sample_begin(struct selfstat_sample *s, double t)
{
    struct rusage ru;

    *s = (struct selfstat_sample){.t = t};
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        s->cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

void selfstat_probe_drain(struct selfstat_probe *p, struct selfstat_sample *s)
{
    double max_ms = (double)atomic_exchange(&p->lag_max_us, 0) / 1000.0;

    s->lag_sum_ms += (double)atomic_exchange(&p->lag_sum_us, 0) / 1000.0;
    s->lag_count += atomic_exchange(&p->lag_count, 0);
    if (max_ms > s->lag_max_ms)
        s->lag_max_ms = max_ms;
    s->workers_cpu_seconds += (double)atomic_load(&p->cpu_us) / 1e6;
}

/* Percent of one core used between two readings of a CPU clock. */
static double percent(double cpu_before, double cpu_now, double dt)
{
    double used = cpu_now - cpu_before;

    return dt > 0 && used > 0 ? 100.0 * used / dt : 0.0;
}

void selfstat_update(struct selfstat *st, const struct selfstat_sample *s, uint32_t ncpu,
                     struct snap_self *out)
{
    double dt = st->prev.t > 0 ? s->t - st->prev.t : 0.0, max_ms = 0, sum_ms = 0;
    uint64_t count = 0;

    *out = (struct snap_self){.cpu_seconds = s->cpu_seconds, .ncpu = ncpu,
                              .workers_cpu_seconds = s->workers_cpu_seconds};
    out->cpu_percent = percent(st->prev.cpu_seconds, s->cpu_seconds, dt);
    out->workers_cpu_percent = percent(st->prev.workers_cpu_seconds, s->workers_cpu_seconds, dt);
    st->lag[st->lag_next].t = s->t;
    st->lag[st->lag_next].max_ms = s->lag_max_ms;
    st->lag[st->lag_next].sum_ms = s->lag_sum_ms;
    st->lag[st->lag_next].count = s->lag_count;
    st->lag_next = (st->lag_next + 1) % SELFSTAT_LAG_WINDOW;
    for (size_t i = 0; i < SELFSTAT_LAG_WINDOW; i++) {
        if (st->lag[i].count == 0 || st->lag[i].t <= s->t - SELFSTAT_LAG_SECONDS ||
            st->lag[i].t > s->t)
            continue;
        max_ms = st->lag[i].max_ms > max_ms ? st->lag[i].max_ms : max_ms;
        sum_ms += st->lag[i].sum_ms;
        count += st->lag[i].count;
    }
    out->lag_ms = max_ms;
    out->lag_mean_ms = count ? sum_ms / (double)count : 0.0;
    st->prev = *s;
}
