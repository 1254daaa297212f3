/* scenario_arrivals: reads the `arrivals` of a user class or of the whole scenario (an
 * open-model load: rate or stages of rates, the pool of users, the longest wait for one), and
 * answers which classes are open, what share of the scenario's arrivals each gets, and which
 * classes' requests have an intended start time. --arrival-rate replaces every class's
 * arrivals with a share of one rate (scenario_set_arrivals).
 *
 * Thread: reading on the loading thread; the queries on any thread (the scenario is read-only
 * once loaded). */
#include "scenario_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USERS_MAX 1000000u

static const char *const arrival_keys[] = {
    "rate", "start_rate", "stages", "pre_allocated", "max_users", "max_delay", NULL
};
static const char *const stage_keys[] = {"duration", "rate", NULL};

/* ---------------------------------------------------------------- reading */

static int read_rate(struct loader *ld, const cJSON *m, double *out)
{
    if (loader_number(ld, m, 0, true, out) < 0)
        return -1;
    if (*out > ARRIVAL_RATE_MAX)
        return loader_bad_value(ld, m, "a rate from 0 to %.0f iterations per second",
                                ARRIVAL_RATE_MAX);
    return 0;
}

/* Reads the member `key` of obj (when present) with its key on the path. */
static int member(struct loader *ld, const cJSON *obj, const char *key,
                  int (*read)(struct loader *ld, const cJSON *m, void *out), void *out)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark;

    if (!m)
        return 0;
    mark = loader_path_key(ld, key);
    if (read(ld, m, out) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

static int read_rate_cb(struct loader *ld, const cJSON *m, void *out)
{
    return read_rate(ld, m, out);
}

static int read_duration_cb(struct loader *ld, const cJSON *m, void *out)
{
    return loader_duration(ld, m, out);
}

static int read_stage(struct loader *ld, const cJSON *obj, struct arrival_stage *st)
{
    const cJSON *m;

    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, stage_keys) < 0 ||
        loader_require(ld, obj, "duration", &m) < 0 || loader_require(ld, obj, "rate", &m) < 0)
        return -1;
    return member(ld, obj, "duration", read_duration_cb, &st->duration) < 0 ||
           member(ld, obj, "rate", read_rate_cb, &st->rate) < 0 ? -1 : 0;
}

static int read_stages(struct loader *ld, const cJSON *m, void *out)
{
    struct arrival_config *a = out;
    int count = cJSON_GetArraySize(m);
    size_t i = 0;

    if (!cJSON_IsArray(m) || count == 0)
        return loader_fail(ld, m, LOADER_VALUE, "expected a non-empty list of stages "
                           "({\"duration\", \"rate\"})");
    if (!(a->stages = calloc((size_t)count, sizeof *a->stages)))
        return loader_fail(ld, m, LOADER_VALUE, "out of memory");
    for (const cJSON *c = m->child; c; c = c->next, i++) {
        size_t mark = loader_path_index(ld, i);

        if (read_stage(ld, c, &a->stages[i]) < 0)
            return -1;
        a->n_stages++;
        loader_path_pop(ld, mark);
    }
    return 0;
}

static int read_users_cb(struct loader *ld, const cJSON *m, void *out)
{
    return loader_uint(ld, m, USERS_MAX, out);
}

static int read_max_users(struct loader *ld, const cJSON *m, void *out)
{
    double v = m->valuedouble;

    if (!cJSON_IsNumber(m) || v < 1 || v > USERS_MAX || v != floor(v))
        return loader_bad_value(ld, m, "a whole number from 1 to %u", USERS_MAX);
    *(uint32_t *)out = (uint32_t)v;
    return 0;
}

/* 0 (no wait), a number of seconds or a duration. */
static int read_max_delay(struct loader *ld, const cJSON *m, void *out)
{
    if (cJSON_IsNumber(m) && m->valuedouble == 0) {
        *(double *)out = 0;
        return 0;
    }
    if ((cJSON_IsNumber(m) && m->valuedouble > 0 && m->valuedouble <= 1e9) ||
        (cJSON_IsString(m) && loader_parse_duration(m->valuestring, out) == 0)) {
        if (cJSON_IsNumber(m))
            *(double *)out = m->valuedouble;
        return 0;
    }
    return loader_bad_value(ld, m, "0 (no wait) or a duration such as 0.5, \"500ms\" or "
                            "\"2s\"");
}

/* An error about member `key` of the object being read, with the key on the path. */
static int member_fail(struct loader *ld, const cJSON *m, const char *key, enum loader_at at,
                       const char *msg)
{
    loader_path_key(ld, key);
    return loader_fail(ld, m, at, "%s", msg);
}

/* The rules between the members: rate or stages, start_rate with stages, a pool size. */
static int check_members(struct loader *ld, const cJSON *obj, struct arrival_config *a)
{
    char msg[160];

    const cJSON *rate = cJSON_GetObjectItemCaseSensitive(obj, "rate");
    const cJSON *stages = cJSON_GetObjectItemCaseSensitive(obj, "stages");
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(obj, "start_rate");
    const cJSON *pre = cJSON_GetObjectItemCaseSensitive(obj, "pre_allocated");
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(obj, "max_users");
    const cJSON *m;

    if (rate && stages)
        return member_fail(ld, stages, "stages", LOADER_KEY, "give either \"rate\" or "
                           "\"stages\", not both");
    if (!rate && !stages)
        return loader_require(ld, obj, "rate", &m);
    if (start && !stages)
        return member_fail(ld, start, "start_rate", LOADER_KEY, "start_rate goes with "
                           "\"stages\" (a constant \"rate\" has no start)");
    if (!pre && !max)
        return loader_require(ld, obj, "max_users", &m);
    if (!max)
        a->max_users = a->pre_allocated > 0 ? a->pre_allocated : 1;
    snprintf(msg, sizeof msg, "%u pre-allocated users are more than max_users (%u)",
             a->pre_allocated, a->max_users);
    if (max && a->pre_allocated > a->max_users)
        return member_fail(ld, pre, "pre_allocated", LOADER_VALUE, msg);
    if (!max && a->pre_allocated == 0)
        return member_fail(ld, pre, "pre_allocated", LOADER_VALUE, "no user to run the "
                           "arrivals: give max_users (pre_allocated users are created at the "
                           "start, more up to max_users as arrivals need them)");
    return 0;
}

/* One `arrivals` object into a (on success a->on is set; a owns its stages either way). */
static int parse_arrivals(struct loader *ld, const cJSON *obj, struct arrival_config *a)
{
    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, arrival_keys) < 0)
        return -1;
    if (member(ld, obj, "rate", read_rate_cb, &a->rate) < 0 ||
        member(ld, obj, "start_rate", read_rate_cb, &a->start_rate) < 0 ||
        member(ld, obj, "stages", read_stages, a) < 0 ||
        member(ld, obj, "pre_allocated", read_users_cb, &a->pre_allocated) < 0 ||
        member(ld, obj, "max_users", read_max_users, &a->max_users) < 0 ||
        member(ld, obj, "max_delay", read_max_delay, &a->max_delay) < 0 ||
        check_members(ld, obj, a) < 0)
        return -1;
    a->on = true;
    return 0;
}

int scenario_arrivals_parse_class(struct loader *ld, const cJSON *obj, struct user_class *c)
{
    if (parse_arrivals(ld, obj, &c->arrivals) < 0)
        return -1;
    if (c->fixed_count > 0)
        return loader_fail(ld, obj, LOADER_KEY, "a class with arrivals runs on a rate, not on a "
                           "user count: drop its \"fixed_count\" (the pool is max_users)");
    return 0;
}

int scenario_arrivals_parse_top(struct loader *ld, const cJSON *obj)
{
    struct scenario *s = ld->s;
    uint32_t shared = 0;

    if (s->n_stages > 0)
        return loader_fail(ld, obj, LOADER_KEY, "with arrivals every class is driven by a rate, "
                           "not by users: give the rate's stages in arrivals.stages and drop "
                           "the scenario's \"stages\"");
    if (parse_arrivals(ld, obj, &s->arrivals) < 0)
        return -1;
    for (uint32_t k = 0; k < s->n_classes; k++) {
        const struct user_class *c = &s->classes[k];

        if (!c->arrivals.on && c->fixed_count > 0)
            return loader_fail(ld, obj, LOADER_KEY, "user class \"%s\" has a fixed_count (a user "
                               "count), but these arrivals drive it by a rate: give it arrivals "
                               "of its own or drop its \"fixed_count\"", c->name);
        shared += !c->arrivals.on;
    }
    if (shared == 0)
        return loader_fail(ld, obj, LOADER_KEY, "every user class has arrivals of its own: "
                           "these would drive none");
    if (s->arrivals.max_users < shared) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "max_users");

        loader_path_key(ld, m ? "max_users" : "pre_allocated");
        return loader_fail(ld, m ? m : cJSON_GetObjectItemCaseSensitive(obj, "pre_allocated"),
                           LOADER_VALUE, "%u user%s cannot be shared by the %u user classes "
                           "without arrivals of their own (at least one each)",
                           s->arrivals.max_users, s->arrivals.max_users == 1 ? "" : "s",
                           shared);
    }
    return 0;
}

void scenario_arrivals_free(struct arrival_config *a)
{
    free(a->stages);
    memset(a, 0, sizeof *a);
}

/* ---------------------------------------------------------------- queries */

/* Class k's share of n users among the classes without arrivals of their own: one each,
 * then the rest by weight, the largest remainders rounding up (ties: the first class). */
static uint32_t share_of(const struct scenario *s, uint32_t k, uint32_t n)
{
    uint32_t shares[SNAP_MAX_CLASSES] = {0}, given = 0, shared = 0;
    double total = 0, frac[SNAP_MAX_CLASSES];

    for (uint32_t i = 0; i < s->n_classes; i++)
        if (!s->classes[i].arrivals.on) {
            total += s->classes[i].weight;
            shared++;
        }
    if (n <= shared)
        return 1;                               /* the loader refuses n < shared */
    n -= shared;
    for (uint32_t i = 0; i < s->n_classes; i++) {
        double exact = n * s->classes[i].weight / total;

        frac[i] = -1;
        if (s->classes[i].arrivals.on)
            continue;
        shares[i] = 1 + (uint32_t)floor(exact);
        given += (uint32_t)floor(exact);
        frac[i] = exact - floor(exact);
    }
    for (; given < n; given++) {
        uint32_t best = 0;

        for (uint32_t i = 1; i < s->n_classes; i++)
            if (frac[i] > frac[best] + 1e-12)
                best = i;
        shares[best]++;
        frac[best] = -1;
    }
    return shares[k];
}

bool scenario_class_arrivals(const struct scenario *s, uint32_t k, struct class_arrivals *out)
{
    const struct user_class *c = &s->classes[k];
    double total = 0;

    if (c->arrivals.on) {
        if (out)
            *out = (struct class_arrivals){&c->arrivals, 1.0, c->arrivals.pre_allocated,
                                           c->arrivals.max_users, c->arrivals.max_delay};
        return true;
    }
    if (!s->arrivals.on)
        return false;
    if (!out)
        return true;
    for (uint32_t i = 0; i < s->n_classes; i++)
        if (!s->classes[i].arrivals.on)
            total += s->classes[i].weight;
    out->cfg = &s->arrivals;
    out->scale = c->weight / total;
    out->max_users = share_of(s, k, s->arrivals.max_users);
    out->pre_allocated = s->arrivals.pre_allocated == 0 ? 0
                         : share_of(s, k, s->arrivals.pre_allocated);
    if (out->pre_allocated > out->max_users)
        out->pre_allocated = out->max_users;
    out->max_delay = s->arrivals.max_delay;
    return true;
}

bool scenario_class_intended(const struct scenario *s, uint32_t k)
{
    enum wait_kind w = s->classes[k].wait.kind;

    return scenario_class_arrivals(s, k, NULL) || w == WAIT_CONSTANT_PACING ||
           w == WAIT_CONSTANT_THROUGHPUT;
}

bool scenario_has_intended(const struct scenario *s)
{
    for (uint32_t k = 0; k < s->n_classes; k++)
        if (scenario_class_intended(s, k))
            return true;
    return false;
}

int scenario_set_arrivals(struct scenario *s, double rate, uint32_t max_users, char *err,
                          size_t errlen)
{
    if (max_users < s->n_classes) {
        snprintf(err, errlen, "a pool of %u users: the %u user class%s need%s at least one "
                 "user each", max_users, s->n_classes, s->n_classes == 1 ? "" : "es",
                 s->n_classes == 1 ? "s" : "");
        return -1;
    }
    for (uint32_t k = 0; k < s->n_classes; k++) {
        scenario_arrivals_free(&s->classes[k].arrivals);
        s->classes[k].fixed_count = 0;      /* a user count: every class shares the rate */
    }
    scenario_arrivals_free(&s->arrivals);
    s->arrivals = (struct arrival_config){.on = true, .rate = rate, .max_users = max_users};
    return 0;
}
