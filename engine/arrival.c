/* arrival: the open model's curves (rate, stages, counts and their inverse) and one slot's
 * share of a class's arrivals with its pool decisions, as pure functions of (state, now); see
 * arrival.h. Owned by one thread; nothing here locks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "arrival.h"
#include "arrival_internal.h"

#define WAIT_RING_FIRST 64
#define WAIT_RING_MAX (1u << 24)    /* arrivals waiting per slot (128 MB): past it, dropped */

/* ---- the stages ----------------------------------------------------------------------------- */

/* The stage rate (unscaled) tau seconds after the stages began: linear within each stage from
 * the previous stage's rate (start_rate for the first); 0 after the last. */
static double stage_rate(const struct arrival_config *cfg, double tau)
{
    double prev = cfg->start_rate, start = 0;

    if (tau < 0)
        return cfg->start_rate;
    for (uint32_t i = 0; i < cfg->n_stages; i++) {
        const struct arrival_stage *st = &cfg->stages[i];
        if (tau < start + st->duration)
            return prev + (st->rate - prev) * (tau - start) / st->duration;
        prev = st->rate;
        start += st->duration;
    }
    return 0;
}

/* The stage arrivals (unscaled) asked over [0, tau]. */
static double stage_integral(const struct arrival_config *cfg, double tau)
{
    double prev = cfg->start_rate, start = 0, sum = 0;

    if (tau <= 0)
        return 0;
    for (uint32_t i = 0; i < cfg->n_stages; i++) {
        const struct arrival_stage *st = &cfg->stages[i];
        double d = st->duration;

        if (tau < start + d) {
            double x = tau - start;
            return sum + prev * x + (st->rate - prev) * x * x / (2 * d);
        }
        sum += (prev + st->rate) / 2 * d;
        prev = st->rate;
        start += d;
    }
    return sum;
}

/* x in [0, d] with r0 * x + slope / 2 * x^2 = need (need between 0 and the stage's area),
 * in the form that stays exact when slope is small or negative. */
static double solve_in_stage(double r0, double slope, double need, double d)
{
    double disc = r0 * r0 + 2 * slope * need, x;

    if (need <= 0)
        return 0;
    if (disc < 0)
        disc = 0;
    x = r0 + sqrt(disc) > 0 ? 2 * need / (r0 + sqrt(disc)) : d;
    return x > d ? d : x;
}

/* The smallest tau with stage_integral(tau) >= target; INFINITY beyond the stages. */
static double stage_inverse(const struct arrival_config *cfg, double target)
{
    double prev = cfg->start_rate, start = 0, sum = 0;

    if (target <= 0)
        return 0;
    for (uint32_t i = 0; i < cfg->n_stages; i++) {
        const struct arrival_stage *st = &cfg->stages[i];
        double d = st->duration, area = (prev + st->rate) / 2 * d;

        if (area > 0 && sum + area >= target)
            return start + solve_in_stage(prev, (st->rate - prev) / d, target - sum, d);
        sum += area;
        prev = st->rate;
        start += d;
    }
    return INFINITY;
}

/* ---- curves --------------------------------------------------------------------------------- */

double arrival_rate_at(const struct arrival_curve *cv, const struct arrival_config *cfg,
                       double t)
{
    if (cv->end > 0 && t >= cv->end)
        return 0;
    if (cv->mode == ARRIVAL_CONSTANT)
        return cv->rate;
    return cv->scale * stage_rate(cfg, t - cv->origin);
}

double arrival_count_at(const struct arrival_curve *cv, const struct arrival_config *cfg,
                        double t)
{
    if (cv->end > 0 && t > cv->end)
        t = cv->end;
    if (t <= cv->t0)
        return cv->count0;
    if (cv->mode == ARRIVAL_CONSTANT)
        return cv->count0 + cv->rate * (t - cv->t0);
    return cv->count0 + cv->scale * (stage_integral(cfg, t - cv->origin) -
                                     stage_integral(cfg, cv->t0 - cv->origin));
}

static double unbounded_time_of(const struct arrival_curve *cv,
                                const struct arrival_config *cfg, double n)
{
    double tau;

    if (n < cv->count0)
        return cv->t0;                  /* asked before the curve: due now */
    if (n == cv->count0)                /* due at t0 if the curve asks for anything at all */
        return unbounded_time_of(cv, cfg, n + 0.5) == INFINITY ? INFINITY : cv->t0;
    if (cv->mode == ARRIVAL_CONSTANT)
        return cv->rate > 0 ? cv->t0 + (n - cv->count0) / cv->rate : INFINITY;
    if (cv->scale <= 0)
        return INFINITY;
    tau = stage_inverse(cfg, (n - cv->count0) / cv->scale +
                             stage_integral(cfg, cv->t0 - cv->origin));
    return tau == INFINITY ? INFINITY : fmax(cv->t0, cv->origin + tau);
}

double arrival_time_of(const struct arrival_curve *cv, const struct arrival_config *cfg,
                       double n)
{
    double t = unbounded_time_of(cv, cfg, n);

    return cv->end > 0 && t >= cv->end ? INFINITY : t;
}

/* ---- a slot: its timeline ------------------------------------------------------------------- */

void arrival_slot_init(struct arrival_slot *s, const struct arrival_config *cfg, double share,
                       double phase, uint32_t max_users, double max_delay)
{
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    s->share = share > 0 ? share : 1;
    s->phase = phase;
    s->max_users = max_users ? max_users : 1;
    s->max_delay = max_delay > 0 ? max_delay : 0;
    s->next_time = INFINITY;
}

void arrival_slot_free(struct arrival_slot *s)
{
    free(s->waiting);
    s->waiting = NULL;
    s->wait_cap = s->wait_n = s->wait_head = 0;
}

/* The class count at which this slot's arrival j is due. */
static double count_of(const struct arrival_slot *s, uint64_t j)
{
    return ((double)j + s->phase) / s->share;
}

void arrival_slot_set_curve(struct arrival_slot *s, const struct arrival_curve *cv)
{
    if (!s->has_curve) {                /* joining a curve that has run: start where it is */
        double first = ceil(cv->count0 * s->share - s->phase - 1e-9);
        s->next = first > 0 ? (uint64_t)first : 0;
    }
    s->curve = *cv;
    s->has_curve = true;
    s->next_time = arrival_time_of(cv, s->cfg, count_of(s, s->next));
}

double arrival_slot_next(const struct arrival_slot *s)
{
    return s->next_time;
}

/* ---- a slot: its pool ----------------------------------------------------------------------- */

static bool wait_push(struct arrival_slot *s, double intended)
{
    if (s->wait_n == s->wait_cap) {
        uint32_t cap = s->wait_cap ? s->wait_cap * 2 : WAIT_RING_FIRST;
        double *p;

        if (s->wait_cap >= WAIT_RING_MAX || !(p = malloc(cap * sizeof *p)))
            return false;
        for (uint32_t i = 0; i < s->wait_n; i++)    /* unrolled, oldest first */
            p[i] = s->waiting[(s->wait_head + i) % s->wait_cap];
        free(s->waiting);
        s->waiting = p;
        s->wait_cap = cap;
        s->wait_head = 0;
    }
    s->waiting[(s->wait_head + s->wait_n++) % s->wait_cap] = intended;
    return true;
}

static double wait_pop(struct arrival_slot *s)
{
    double t = s->waiting[s->wait_head];

    s->wait_head = (s->wait_head + 1) % s->wait_cap;
    s->wait_n--;
    return t;
}

uint32_t arrival_slot_expire(struct arrival_slot *s, double now)
{
    uint32_t n = 0;

    while (s->wait_n > 0 && now - s->waiting[s->wait_head] > s->max_delay) {
        wait_pop(s);
        s->dropped++;
        n++;
    }
    return n;
}

/* What a due arrival gets: a free user, a new one, a place in the line, or nothing. */
static enum arrival_action decide(struct arrival_slot *s, double intended, double now)
{
    if (s->wait_n == 0 && s->idle > 0) {
        s->idle--;
        s->started++;
        return ARRIVAL_START;
    }
    if (s->wait_n == 0 && s->starting > 0) {
        s->starting--;
        s->started++;
        return ARRIVAL_ASSIGN;
    }
    if (s->users < s->max_users) {
        s->users++;
        s->started++;
        return ARRIVAL_SPAWN;
    }
    if (s->max_delay > 0 && now - intended <= s->max_delay && wait_push(s, intended))
        return ARRIVAL_WAIT;
    s->dropped++;
    return ARRIVAL_DROP;
}

bool arrival_slot_take(struct arrival_slot *s, double now, double *intended,
                       enum arrival_action *action)
{
    arrival_slot_expire(s, now);
    if (s->wait_n > 0 && s->users < s->max_users) {     /* a user left the pool meanwhile */
        *intended = wait_pop(s);
        s->users++;
        s->started++;
        *action = ARRIVAL_SPAWN;
        return true;
    }
    if (!(s->next_time <= now))
        return false;
    *intended = s->next_time;
    s->next++;
    s->next_time = arrival_time_of(&s->curve, s->cfg, count_of(s, s->next));
    s->due++;
    *action = decide(s, *intended, now);
    return true;
}

uint32_t arrival_slot_preallocate(struct arrival_slot *s, uint32_t n)
{
    uint32_t room = s->max_users - s->users;

    if (n > room)
        n = room;
    s->users += n;
    s->starting += n;
    return n;
}

bool arrival_slot_user_free(struct arrival_slot *s, double now, bool was_starting,
                            double *intended)
{
    if (was_starting && s->starting > 0)
        s->starting--;
    arrival_slot_expire(s, now);
    if (s->wait_n > 0) {
        *intended = wait_pop(s);
        s->started++;
        return true;
    }
    s->idle++;
    return false;
}

void arrival_slot_user_gone(struct arrival_slot *s, enum arrival_user state)
{
    if (s->users > 0)
        s->users--;
    if (state == ARRIVAL_USER_IDLE && s->idle > 0)
        s->idle--;
    else if (state == ARRIVAL_USER_STARTING && s->starting > 0)
        s->starting--;
}

void arrival_slot_spawn_failed(struct arrival_slot *s)
{
    if (s->users > 0)
        s->users--;
    if (s->started > 0)
        s->started--;
    s->dropped++;
}

uint32_t arrival_slot_busy(const struct arrival_slot *s)
{
    return s->users - s->idle - s->starting;
}
