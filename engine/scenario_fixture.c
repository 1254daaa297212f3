/* scenario_fixture: the scenario's "setup", "preflight" and "teardown" members: steps run once
 * around the load, with default headers and loops ({"repeat": N, "steps": [...]} or
 * {"for_each": "FEEDER", "steps": [...]}). Variables captured by setup are shared with every
 * user and the later fixtures, and read-only for them. Loading thread only. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenario_internal.h"
#include "suggest.h"

const char *const fixture_phase_names[FIXTURE_PHASES] = {"setup", "preflight", "teardown"};

static const char *const fixture_keys[] = {"headers", "steps", "description", NULL};
static const char *const loop_keys[] = {"repeat", "for_each", "steps", "description", NULL};
static const char *const health_keys[] = {"health", "limit", "description", NULL};

#define REPEAT_MAX 1000000u

enum { SET_NEVER = INT_MAX };

bool scenario_var_shared(const struct scenario *s, uint32_t var)
{
    return s->shared && var < s->n_shared && s->shared[var];
}

int scenario_fixture_share_all(struct scenario *s)
{
    bool *grown;

    if (!s->shared || s->n_shared >= s->n_vars)
        return 0;
    if (!(grown = realloc(s->shared, s->n_vars * sizeof *grown)))
        return -1;
    memset(grown + s->n_shared, 0, (s->n_vars - s->n_shared) * sizeof *grown);
    s->shared = grown;
    s->n_shared = s->n_vars;
    return 0;
}

/* One step appended to fx->cls.on_start, numbered for the variable checks. */
static int append_step(struct loader *ld, const cJSON *obj, struct fixture_def *fx)
{
    struct user_class *c = &fx->cls;
    struct step *grown = realloc(c->on_start, (c->n_on_start + 1) * sizeof *grown);

    if (!grown)
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    c->on_start = grown;
    memset(&c->on_start[c->n_on_start], 0, sizeof *c->on_start);
    ld->step_base = (int)c->n_on_start;
    c->n_on_start++;
    return scenario_step_parse_one(ld, obj, &c->on_start[c->n_on_start - 1]);
}

static int add_loop(struct loader *ld, const cJSON *at, struct fixture_def *fx, uint32_t repeat,
                    int32_t feeder)
{
    struct fixture_loop *grown = realloc(fx->loops, (fx->n_loops + 1) * sizeof *grown);

    if (!grown)
        return loader_fail(ld, at, LOADER_VALUE, "out of memory");
    fx->loops = grown;
    fx->loops[fx->n_loops++] = (struct fixture_loop){fx->cls.n_on_start, 0, repeat, feeder, false};
    return 0;
}

/* "repeat": N or "for_each": FEEDER of a loop: its rounds and feeder. */
static int loop_rounds(struct loader *ld, const cJSON *obj, uint32_t *repeat, int32_t *feeder)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(obj, "repeat");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, "for_each");
    const char *name;
    size_t mark;

    *repeat = 1;
    *feeder = -1;
    if ((r != NULL) == (f != NULL))
        return loader_fail(ld, obj, LOADER_VALUE, "a loop needs exactly one of \"repeat\" (a "
                           "count) or \"for_each\" (a feeder's name)");
    mark = loader_path_key(ld, r ? "repeat" : "for_each");
    if (r) {
        if (loader_uint(ld, r, REPEAT_MAX, repeat) < 0)
            return -1;
        if (*repeat == 0)
            return loader_bad_value(ld, r, "a count from 1 to %u", REPEAT_MAX);
    } else {
        if (loader_string(ld, f, &name) < 0)
            return -1;
        for (uint32_t i = 0; i < ld->s->n_feeders && *feeder < 0; i++)
            if (strcmp(ld->s->feeders[i].name, name) == 0)
                *feeder = (int32_t)i;
        if (*feeder < 0)
            return loader_bad_value(ld, f, "the name of a feeder of this scenario");
        *repeat = ld->s->feeders[*feeder].n_rows;
    }
    loader_path_pop(ld, mark);
    return 0;
}

/* {"repeat" | "for_each", "steps": [...]}: a loop of its own. */
static int read_loop(struct loader *ld, const cJSON *obj, struct fixture_def *fx)
{
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(obj, "steps"), *c;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(obj, "description");
    const char *text;
    uint32_t repeat;
    int32_t feeder;
    size_t mark, i = 0;

    if (loader_check_keys(ld, obj, loop_keys) < 0 || loop_rounds(ld, obj, &repeat, &feeder) < 0)
        return -1;
    mark = loader_path_key(ld, "description");
    if (d && loader_string(ld, d, &text) < 0)
        return -1;
    loader_path_pop(ld, mark);
    mark = loader_path_key(ld, "steps");
    if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) == 0)
        return loader_fail(ld, steps, LOADER_VALUE, "expected a non-empty list of steps");
    if (add_loop(ld, steps, fx, repeat, feeder) < 0)
        return -1;
    for (c = steps->child; c; c = c->next, i++) {
        size_t at = loader_path_index(ld, i);

        if (append_step(ld, c, fx) < 0)
            return -1;
        fx->loops[fx->n_loops - 1].n++;
        loader_path_pop(ld, at);
    }
    loader_path_pop(ld, mark);
    return 0;
}

/* A plain step: a loop of one round, joined to the previous plain step's. */
static int read_plain(struct loader *ld, const cJSON *obj, struct fixture_def *fx)
{
    struct fixture_loop *last = fx->n_loops ? &fx->loops[fx->n_loops - 1] : NULL;

    if (!last || last->repeat != 1 || last->feeder >= 0 ||
        last->first + last->n != fx->cls.n_on_start || !last->plain) {
        if (add_loop(ld, obj, fx, 1, -1) < 0)
            return -1;
        fx->loops[fx->n_loops - 1].plain = true;
    }
    if (append_step(ld, obj, fx) < 0)
        return -1;
    fx->loops[fx->n_loops - 1].n++;
    return 0;
}

/* An optional string member of obj (NULL when absent), read with its key on the path. */
static int optional_text(struct loader *ld, const cJSON *obj, const char *key, const char **out)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark;

    *out = NULL;
    if (!m)
        return 0;
    mark = loader_path_key(ld, key);
    if (loader_string(ld, m, out) < 0)
        return -1;
    if (!**out)
        return loader_fail(ld, m, LOADER_VALUE, "expected a non-empty string");
    loader_path_pop(ld, mark);
    return 0;
}

/* {"health": METRIC, "limit": "> 0", "description": ...}: a preflight check of a backend-health
 * metric, resolved once the health block is read (scenario_fixture_resolve). */
static int read_health_check(struct loader *ld, const cJSON *obj, struct fixture_def *fx)
{
    const char *metric, *limit, *desc;
    struct preflight_health *grown, *h;

    if (ld->fixture != 1 + FIXTURE_PREFLIGHT)
        return loader_fail(ld, obj, LOADER_VALUE, "a backend-health check belongs to preflight");
    if (loader_check_keys(ld, obj, health_keys) < 0 || optional_text(ld, obj, "health", &metric) < 0 ||
        optional_text(ld, obj, "limit", &limit) < 0 ||
        optional_text(ld, obj, "description", &desc) < 0)
        return -1;
    if (!(grown = realloc(fx->health, (fx->n_health + 1) * sizeof *grown)))
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    fx->health = grown;
    h = memset(&fx->health[fx->n_health++], 0, sizeof *h);
    h->off = loader_value_offset(ld, cJSON_GetObjectItemCaseSensitive(obj, "health"));
    h->metric_name = strdup(metric);
    h->limit_text = limit ? strdup(limit) : NULL;
    h->where = strdup(ld->path);
    if (desc)
        h->name = strdup(desc);
    else if ((h->name = malloc(strlen(metric) + 8)))
        snprintf(h->name, strlen(metric) + 8, "health %s", metric);
    if (!h->metric_name || !h->where || !h->name || (limit && !h->limit_text))
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    return 0;
}

static int read_steps(struct loader *ld, const cJSON *list, struct fixture_def *fx)
{
    size_t i = 0;

    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        return loader_fail(ld, list, LOADER_VALUE, "expected a non-empty list of steps and "
                           "loops ({\"repeat\": N, \"steps\": [...]})");
    ld->reading_on_start = true;
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        size_t mark = loader_path_index(ld, i);
        int rc;

        if (loader_object(ld, c) < 0)
            return -1;
        if (cJSON_GetObjectItemCaseSensitive(c, "health"))
            rc = read_health_check(ld, c, fx);
        else if (cJSON_GetObjectItemCaseSensitive(c, "steps"))
            rc = read_loop(ld, c, fx);
        else
            rc = read_plain(ld, c, fx);
        if (rc < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    ld->reading_on_start = false;
    ld->on_start = -1;
    ld->step_base = 0;
    return 0;
}

/* ---- variables ----------------------------------------------------------------------------- */

static void clear_uses(struct loader *ld)
{
    for (size_t i = 0; i < ld->n_uses; i++)
        free(ld->uses[i].path);
    ld->n_uses = 0;
}

/* Every variable a step reads is shared (setup captured it) or captured by an earlier step of
 * this fixture; default headers wait for theirs, as a class's do. */
static int check_uses(struct loader *ld, const struct fixture_def *fx, enum fixture_phase phase)
{
    const struct user_class *c = &fx->cls;
    int *first = malloc((ld->s->n_vars + 1) * sizeof *first);
    int rc = 0;

    if (!first)
        return loader_fail_at(ld, 0, "out of memory");
    for (uint32_t v = 0; v < ld->s->n_vars; v++)
        first[v] = phase != FIXTURE_SETUP && scenario_var_shared(ld->s, v) ? -1 : SET_NEVER;
    for (uint32_t i = 0; i < c->n_on_start; i++)
        for (uint32_t k = 0; k < c->on_start[i].n_captures; k++)
            if ((int)i < first[c->on_start[i].captures[k].var])
                first[c->on_start[i].captures[k].var] = (int)i;
    for (size_t i = 0; i < ld->n_uses && rc == 0; i++) {
        const struct loader_use *u = &ld->uses[i];

        if (first[u->var] != SET_NEVER && (u->on_start < 0 || first[u->var] < u->on_start))
            continue;
        snprintf(ld->path, sizeof ld->path, "%s", u->path);
        ld->path_len = strlen(ld->path);
        rc = loader_fail_at(ld, u->off, "variable ${%s} is not set: %s", ld->s->vars[u->var],
                            first[u->var] == SET_NEVER
                            ? (phase == FIXTURE_SETUP ? "no step of setup captures it"
                                                      : "neither setup nor an earlier step "
                                                        "captures it")
                            : "no earlier step captures it");
    }
    free(first);
    return rc;
}

/* Variables setup captures become shared. */
static int share_captures(struct loader *ld, const struct fixture_def *fx)
{
    struct scenario *s = ld->s;

    free(s->shared);
    s->n_shared = s->n_vars;
    if (!(s->shared = calloc(s->n_vars ? s->n_vars : 1, sizeof *s->shared)))
        return loader_fail_at(ld, 0, "out of memory");
    for (uint32_t i = 0; i < fx->cls.n_on_start; i++)
        for (uint32_t k = 0; k < fx->cls.on_start[i].n_captures; k++)
            s->shared[fx->cls.on_start[i].captures[k].var] = true;
    return 0;
}

/* ---- preflight check names ----------------------------------------------------------------- */

/* The name a preflight step's check goes by: its "description", else METHOD name. */
static int name_checks(struct loader *ld, const cJSON *list, struct fixture_def *fx)
{
    const struct scenario *s = ld->s;
    uint32_t k = 0;

    fx->check_names = calloc(fx->cls.n_on_start ? fx->cls.n_on_start : 1, sizeof *fx->check_names);
    if (!fx->check_names)
        return loader_fail(ld, list, LOADER_VALUE, "out of memory");
    for (const cJSON *item = list->child; item; item = item->next) {
        const cJSON *steps = cJSON_GetObjectItemCaseSensitive(item, "steps");
        const cJSON *one = steps ? steps->child : item;

        if (cJSON_GetObjectItemCaseSensitive(item, "health"))
            continue;                       /* a health check, not a step */

        for (; one && k < fx->cls.n_on_start; one = steps ? one->next : NULL, k++) {
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(one, "description");
            const struct step *st = &fx->cls.on_start[k];
            const struct endpoint_def *e = &s->fixture_endpoints[st->endpoint];
            size_t n = (cJSON_IsString(d) ? strlen(d->valuestring) : strlen(e->name) + 8) + 1;

            if (!(fx->check_names[k] = malloc(n)))
                return loader_fail(ld, item, LOADER_VALUE, "out of memory");
            if (cJSON_IsString(d))
                snprintf(fx->check_names[k], n, "%s", d->valuestring);
            else
                snprintf(fx->check_names[k], n, "%s %s", http_method_names[e->method], e->name);
        }
    }
    return 0;
}

/* ---- the members ---------------------------------------------------------------------------- */

static int read_headers(struct loader *ld, const cJSON *obj, struct fixture_def *fx)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(obj, "headers");
    size_t mark;
    int rc;

    if (!h)
        return 0;
    mark = loader_path_key(ld, "headers");
    ld->in_class_headers = true;
    rc = scenario_step_headers(ld, h, &fx->cls.headers, &fx->cls.n_headers);
    ld->in_class_headers = false;
    if (rc == 0)
        loader_path_pop(ld, mark);
    return rc;
}

static int parse(struct loader *ld, const cJSON *obj, enum fixture_phase phase)
{
    struct fixture_def *fx = &ld->s->fixtures[phase];
    const cJSON *steps;
    const char *text;
    size_t mark;
    int rc = -1;

    clear_uses(ld);
    ld->fixture = 1 + (int)phase;
    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, fixture_keys) < 0 ||
        loader_require(ld, obj, "steps", &steps) < 0)
        goto out;
    if (!(fx->cls.name = strdup(fixture_phase_names[phase]))) {
        loader_fail(ld, obj, LOADER_VALUE, "out of memory");
        goto out;
    }
    fx->cls.weight = 1;
    if (read_headers(ld, obj, fx) < 0)
        goto out;
    mark = loader_path_key(ld, "description");
    if (cJSON_GetObjectItemCaseSensitive(obj, "description") &&
        loader_string(ld, cJSON_GetObjectItemCaseSensitive(obj, "description"), &text) < 0)
        goto out;
    loader_path_pop(ld, mark);
    mark = loader_path_key(ld, "steps");
    if (read_steps(ld, steps, fx) < 0)
        goto out;
    if (phase == FIXTURE_PREFLIGHT && name_checks(ld, steps, fx) < 0)
        goto out;
    loader_path_pop(ld, mark);
    rc = check_uses(ld, fx, phase);
    if (rc == 0 && phase == FIXTURE_SETUP)
        rc = share_captures(ld, fx);
out:
    ld->fixture = 0;
    ld->reading_on_start = false;
    ld->step_base = 0;
    clear_uses(ld);
    return rc;
}

int scenario_fixture_parse_setup(struct loader *ld, const cJSON *obj)
{
    return parse(ld, obj, FIXTURE_SETUP);
}

int scenario_fixture_parse_preflight(struct loader *ld, const cJSON *obj)
{
    return parse(ld, obj, FIXTURE_PREFLIGHT);
}

int scenario_fixture_parse_teardown(struct loader *ld, const cJSON *obj)
{
    return parse(ld, obj, FIXTURE_TEARDOWN);
}

void scenario_fixture_free(struct scenario *s)
{
    for (int p = 0; p < FIXTURE_PHASES; p++) {
        struct fixture_def *fx = &s->fixtures[p];

        for (uint32_t i = 0; fx->check_names && i < fx->cls.n_on_start; i++)
            free(fx->check_names[i]);
        for (uint32_t i = 0; i < fx->n_health; i++) {
            free(fx->health[i].name);
            free(fx->health[i].metric_name);
            free(fx->health[i].limit_text);
            free(fx->health[i].where);
        }
        free(fx->health);
        free(fx->check_names);
        free(fx->loops);
        scenario_class_free(&fx->cls);
    }
    for (uint32_t i = 0; s->fixture_endpoints && i < s->n_fixture_endpoints; i++)
        free(s->fixture_endpoints[i].name);
    free(s->fixture_endpoints);
    free(s->shared);
}

bool scenario_has_fixture(const struct scenario *s, enum fixture_phase phase)
{
    return s->fixtures[phase].cls.n_on_start > 0 || s->fixtures[phase].n_health > 0;
}

/* ---- preflight health checks, once the health block is read -------------------------------- */

static int32_t find_metric(const struct health_def *h, const char *name)
{
    for (uint32_t i = 0; i < h->n_metrics; i++)
        if (strcmp(h->metrics[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

static int unknown_metric(struct loader *ld, const struct preflight_health *p)
{
    const struct health_def *h = &ld->s->health;
    const char **names = calloc(h->n_metrics + 1, sizeof *names);
    const char *hint;

    for (uint32_t i = 0; names && i < h->n_metrics; i++)
        names[i] = h->metrics[i].name;
    hint = names ? suggest_closest(p->metric_name, strlen(p->metric_name), names,
                                   h->n_metrics) : NULL;
    loader_fail_at(ld, p->off, "\"%s\" is not a metric of the scenario's health block%s%s%s",
                   p->metric_name, hint ? " (did you mean " : h->n_metrics ? "" :
                   " (it has none)", hint ? hint : "", hint ? "?)" : "");
    free(names);
    return -1;
}

static int resolve_one(struct loader *ld, struct preflight_health *p)
{
    int32_t k = find_metric(&ld->s->health, p->metric_name);
    const struct health_metric_def *m;
    char ref[HEALTH_LIMIT_REF_MAX], err[256];
    size_t col = 0;

    snprintf(ld->path, sizeof ld->path, "%s.health", p->where);
    ld->path_len = strlen(ld->path);
    if (k < 0)
        return unknown_metric(ld, p);
    m = &ld->s->health.metrics[k];
    p->metric = (uint32_t)k;
    if (!p->limit_text && !m->limit_text)
        return loader_fail_at(ld, p->off, "metric \"%s\" has no limit: give the check one "
                              "(\"limit\": \"> 0\")", m->name);
    if (!p->limit_text && !(p->limit_text = strdup(m->limit_text)))
        return loader_fail_at(ld, p->off, "out of memory");
    if (health_limit_parse(p->limit_text, m->unit, &p->limit, ref, sizeof ref, err, sizeof err,
                           &col) < 0)
        return loader_fail_at(ld, p->off, "limit \"%s\": %s", p->limit_text, err);
    if (p->limit.kind != HEALTH_LIMIT_BOUND || ref[0] || p->limit.hold > 0)
        return loader_fail_at(ld, p->off, "limit \"%s\": a preflight check takes a fixed bound "
                              "such as \"> 0\" or \"< 80 %%\" (one poll, before any load)",
                              p->limit_text);
    return 0;
}

int scenario_fixture_resolve(struct loader *ld)
{
    struct fixture_def *fx = &ld->s->fixtures[FIXTURE_PREFLIGHT];

    for (uint32_t i = 0; i < fx->n_health; i++)
        if (resolve_one(ld, &fx->health[i]) < 0)
            return -1;
    return 0;
}
