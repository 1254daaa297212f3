/* scenario_class: reads the user classes of a scenario file (weight, wait policy, default
 * headers, initial variables, on_start / on_stop steps, weighted tasks) and checks, per class,
 * that every variable a template reads is set somewhere: by "vars" or by a capture, and for
 * on_start steps by an earlier step. A variable captured only in another task is left to run
 * time (the step fails with "variable ${x} is not set" until it is).
 *
 * Thread: the loading thread. */
#include "scenario_internal.h"
#include "suggest.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "snapshot.h"

static const char *const class_keys[] = {
    "name", "weight", "fixed_count", "wait", "headers", "vars", "on_start", "on_stop", "tasks",
    "description", "arrivals", NULL
};
static const char *const task_keys[] = {"name", "weight", "steps", "tags", "description", NULL};
static const char *const wait_keys[] = {
    "constant", "between", "constant_pacing", "constant_throughput", NULL
};

#define NAME_MAX_BYTES 63       /* struct snap_class.name */

/* ---------------------------------------------------------------- wait policies */

static int wait_between(struct loader *ld, const cJSON *v, struct wait_policy *w)
{
    const cJSON *a = cJSON_GetArrayItem(v, 0), *b = cJSON_GetArrayItem(v, 1);

    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 || !cJSON_IsNumber(a) ||
        !cJSON_IsNumber(b) || a->valuedouble < 0 || b->valuedouble < a->valuedouble ||
        b->valuedouble > 1e6)
        return loader_bad_value(ld, v, "[min, max] in seconds with 0 <= min <= max");
    w->kind = WAIT_BETWEEN;
    w->a = a->valuedouble;
    w->b = b->valuedouble;
    return 0;
}

static int parse_wait(struct loader *ld, const cJSON *obj, struct wait_policy *w)
{
    const cJSON *v = obj->child;
    size_t mark;
    int rc;

    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, wait_keys) < 0)
        return -1;
    if (!v || v->next)
        return loader_bad_value(ld, obj, "exactly one of constant, between, constant_pacing or "
                                "constant_throughput");
    mark = loader_path_key(ld, v->string);
    if (strcmp(v->string, "between") == 0) {
        rc = wait_between(ld, v, w);
    } else {
        bool zero_ok = strcmp(v->string, "constant") == 0;

        rc = loader_number(ld, v, 0, zero_ok, &w->a);
        w->kind = zero_ok ? WAIT_CONSTANT : strcmp(v->string, "constant_pacing") == 0
                  ? WAIT_CONSTANT_PACING : WAIT_CONSTANT_THROUGHPUT;
        w->b = w->a;
    }
    loader_path_pop(ld, mark);
    return rc;
}

/* ---------------------------------------------------------------- vars and tasks */

static int parse_vars(struct loader *ld, const cJSON *obj, struct user_class *c)
{
    int count = cJSON_GetArraySize(obj);

    if (loader_object(ld, obj) < 0)
        return -1;
    c->vars = count ? calloc((size_t)count, sizeof *c->vars) : NULL;
    if (count && !c->vars)
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    for (const cJSON *v = obj->child; v; v = v->next) {
        size_t mark = loader_path_key(ld, v->string), before = ld->n_uses;
        struct var_init *vi = &c->vars[c->n_vars];

        if (!scenario_is_ident(v->string) || tmpl_is_builtin(v->string, strlen(v->string)))
            return loader_fail(ld, v, LOADER_KEY, "expected a variable name (letters, digits "
                               "and _, not a built-in name)");
        if (scenario_add_var(ld, v->string, &vi->var) < 0)
            return loader_fail(ld, v, LOADER_KEY, "out of memory");
        c->n_vars++;
        if (loader_template(ld, v, TMPL_RAW, true, &vi->value) < 0)
            return -1;
        if (ld->n_uses > before)
            return loader_fail_at(ld, ld->uses[before].off, "an initial value cannot read "
                                  "variables (vars are set before any step runs)");
        loader_path_pop(ld, mark);
    }
    return 0;
}

static int parse_tags(struct loader *ld, const cJSON *list, struct task *t)
{
    size_t i = 0;

    if (!cJSON_IsArray(list))
        return loader_fail(ld, list, LOADER_VALUE, "expected a list of tag names");
    t->tags = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *t->tags);
    if (!t->tags)
        return loader_fail(ld, list, LOADER_VALUE, "out of memory");
    for (const cJSON *g = list->child; g; g = g->next, i++) {
        size_t mark = loader_path_index(ld, i);

        if (!cJSON_IsString(g) || !*g->valuestring)
            return loader_fail(ld, g, LOADER_VALUE, "expected a non-empty tag name");
        if (loader_strdup(ld, g, &t->tags[t->n_tags]) < 0)
            return -1;
        t->n_tags++;
        loader_path_pop(ld, mark);
    }
    return 0;
}

/* A task's optional member key: its reader, with the key on the path. */
static int task_member(struct loader *ld, const cJSON *obj, const char *key, struct task *t)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    const char *text = NULL;
    size_t mark;
    int rc;

    if (!m)
        return 0;
    mark = loader_path_key(ld, key);
    if (strcmp(key, "name") == 0)
        rc = loader_strdup(ld, m, &t->name);
    else if (strcmp(key, "weight") == 0)
        rc = loader_number(ld, m, 0, false, &t->weight);
    else if (strcmp(key, "tags") == 0)
        rc = parse_tags(ld, m, t);
    else
        rc = loader_string(ld, m, &text);
    if (rc == 0)
        loader_path_pop(ld, mark);
    return rc;
}

static int parse_task(struct loader *ld, const cJSON *obj, size_t index, struct task *t)
{
    const cJSON *m;
    size_t mark;
    char def[32];

    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, task_keys) < 0)
        return -1;
    t->weight = 1;
    if (task_member(ld, obj, "name", t) < 0 || task_member(ld, obj, "weight", t) < 0 ||
        task_member(ld, obj, "tags", t) < 0 || task_member(ld, obj, "description", t) < 0)
        return -1;
    snprintf(def, sizeof def, "tasks[%zu]", index);
    if (!t->name && !(t->name = strdup(def)))
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    if (loader_require(ld, obj, "steps", &m) < 0)
        return -1;
    mark = loader_path_key(ld, "steps");
    if (scenario_step_parse_list(ld, m, false, &t->steps, &t->n_steps) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

static int parse_tasks(struct loader *ld, const cJSON *list, struct user_class *c)
{
    int count = cJSON_GetArraySize(list);
    size_t i = 0;

    if (!cJSON_IsArray(list) || count == 0)
        return loader_fail(ld, list, LOADER_VALUE, "expected a non-empty list of tasks");
    if (!(c->tasks = calloc((size_t)count, sizeof *c->tasks)))
        return loader_fail(ld, list, LOADER_VALUE, "out of memory");
    for (const cJSON *t = list->child; t; t = t->next, i++) {
        size_t mark = loader_path_index(ld, i);

        c->n_tasks++;
        if (parse_task(ld, t, i, &c->tasks[i]) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

/* ---------------------------------------------------------------- variable checks */

enum { SET_NEVER = INT_MAX, SET_ELSEWHERE = INT_MAX - 1, SET_BY_VARS = -1 };

static void mark_captures(int *first, const struct step *steps, uint32_t n, bool on_start)
{
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < steps[i].n_captures; k++) {
            int *f = &first[steps[i].captures[k].var];
            int when = on_start ? (int)i : SET_ELSEWHERE;

            if (when < *f)
                *f = when;
        }
}

static int use_error(struct loader *ld, const struct loader_use *u, const struct user_class *c,
                     const int *first)
{
    const char *name = ld->s->vars[u->var], *hint;
    const char **cands = calloc(ld->s->n_vars + 16, sizeof *cands);
    size_t n = 0;

    snprintf(ld->path, sizeof ld->path, "%s", u->path);
    ld->path_len = strlen(ld->path);
    if (first[u->var] != SET_NEVER) {
        free(cands);
        return loader_fail_at(ld, u->off, "variable ${%s} is not set yet: no earlier on_start "
                              "step captures it", name);
    }
    for (uint32_t v = 0; cands && v < ld->s->n_vars; v++)
        if (first[v] != SET_NEVER)
            cands[n++] = ld->s->vars[v];
    for (size_t b = 0; cands && tmpl_builtin_names[b]; b++)
        cands[n++] = tmpl_builtin_names[b];
    hint = cands ? suggest_closest(name, strlen(name), cands, n) : NULL;
    loader_fail_at(ld, u->off, "variable ${%s} is never captured or set in class %s%s%s%s", name,
                   c->name, hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
    free(cands);
    return -1;
}

static int check_uses(struct loader *ld, const struct user_class *c)
{
    int *first = malloc((ld->s->n_vars + 1) * sizeof *first);
    int rc = 0;

    if (!first)
        return loader_fail_at(ld, 0, "out of memory");
    for (uint32_t v = 0; v < ld->s->n_vars; v++)
        first[v] = SET_NEVER;
    for (uint32_t i = 0; i < c->n_vars; i++)
        first[c->vars[i].var] = SET_BY_VARS;
    for (uint32_t v = 0; v < ld->s->n_vars; v++)
        if (scenario_var_shared(ld->s, v))
            first[v] = SET_BY_VARS;             /* setup captured it before any user starts */
    mark_captures(first, c->on_start, c->n_on_start, true);
    mark_captures(first, c->on_stop, c->n_on_stop, false);
    for (uint32_t t = 0; t < c->n_tasks; t++)
        mark_captures(first, c->tasks[t].steps, c->tasks[t].n_steps, false);
    for (size_t i = 0; i < ld->n_uses && rc == 0; i++) {
        const struct loader_use *u = &ld->uses[i];

        if (first[u->var] == SET_NEVER || (u->on_start >= 0 && first[u->var] >= u->on_start))
            rc = use_error(ld, u, c, first);
    }
    free(first);
    return rc;
}

static void clear_uses(struct loader *ld)
{
    for (size_t i = 0; i < ld->n_uses; i++)
        free(ld->uses[i].path);
    ld->n_uses = 0;
}

/* ---------------------------------------------------------------- classes */

static int class_name(struct loader *ld, const cJSON *obj, struct user_class *c, size_t index)
{
    const cJSON *m;
    size_t mark;

    if (loader_require(ld, obj, "name", &m) < 0)
        return -1;
    mark = loader_path_key(ld, "name");
    if (loader_strdup(ld, m, &c->name) < 0)
        return -1;
    if (!*c->name || strlen(c->name) > NAME_MAX_BYTES)
        return loader_bad_value(ld, m, "a name of 1 to %d bytes", NAME_MAX_BYTES);
    for (size_t i = 0; i < index; i++)
        if (strcmp(ld->s->classes[i].name, c->name) == 0)
            return loader_fail(ld, m, LOADER_VALUE, "user class %s is already defined (user_classes"
                               "[%zu])", c->name, i);
    loader_path_pop(ld, mark);
    return 0;
}

static int read_weight(struct loader *ld, const cJSON *m, struct user_class *c)
{
    return loader_number(ld, m, 0, false, &c->weight);
}

static int read_fixed_count(struct loader *ld, const cJSON *m, struct user_class *c)
{
    return loader_uint(ld, m, 10000000, &c->fixed_count);
}

static int read_wait(struct loader *ld, const cJSON *m, struct user_class *c)
{
    return parse_wait(ld, m, &c->wait);
}

static int read_headers(struct loader *ld, const cJSON *m, struct user_class *c)
{
    int rc;

    ld->in_class_headers = true;
    rc = scenario_step_headers(ld, m, &c->headers, &c->n_headers);
    ld->in_class_headers = false;
    return rc;
}

static int read_on_start(struct loader *ld, const cJSON *m, struct user_class *c)
{
    int rc;

    ld->reading_on_start = true;
    rc = scenario_step_parse_list(ld, m, true, &c->on_start, &c->n_on_start);
    ld->reading_on_start = false;
    return rc;
}

static int read_on_stop(struct loader *ld, const cJSON *m, struct user_class *c)
{
    return scenario_step_parse_list(ld, m, true, &c->on_stop, &c->n_on_stop);
}

static int read_description(struct loader *ld, const cJSON *m, struct user_class *c)
{
    const char *text = NULL;

    (void)c;
    return loader_string(ld, m, &text);
}

struct class_member {
    const char *key;
    bool required;
    int (*read)(struct loader *ld, const cJSON *m, struct user_class *c);
};

/* In this order: vars first, so every later template can read them; on_start before tasks. */
static const struct class_member class_members[] = {
    {"weight", false, read_weight},
    {"fixed_count", false, read_fixed_count},
    {"wait", false, read_wait},
    {"vars", false, parse_vars},
    {"headers", false, read_headers},
    {"on_start", false, read_on_start},
    {"tasks", true, parse_tasks},
    {"on_stop", false, read_on_stop},
    {"description", false, read_description},
    {"arrivals", false, scenario_arrivals_parse_class},
};

static int read_members(struct loader *ld, const cJSON *obj, struct user_class *c)
{
    for (size_t i = 0; i < sizeof class_members / sizeof class_members[0]; i++) {
        const struct class_member *cm = &class_members[i];
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, cm->key);
        size_t mark;

        if (!m && cm->required)
            return loader_require(ld, obj, cm->key, &m);
        if (!m)
            continue;
        mark = loader_path_key(ld, cm->key);
        if (cm->read(ld, m, c) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

static int parse_class(struct loader *ld, const cJSON *obj, size_t index)
{
    struct user_class *c = &ld->s->classes[index];
    int rc;

    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, class_keys) < 0)
        return -1;
    c->weight = 1;
    clear_uses(ld);
    if (class_name(ld, obj, c, index) < 0)
        return -1;
    rc = read_members(ld, obj, c);
    if (rc == 0)
        rc = check_uses(ld, c);
    clear_uses(ld);
    return rc;
}

int scenario_class_parse_all(struct loader *ld, const cJSON *list)
{
    int count = cJSON_GetArraySize(list);
    size_t i = 0;

    if (!cJSON_IsArray(list) || count == 0)
        return loader_fail(ld, list, LOADER_VALUE, "expected a non-empty list of user classes");
    if (count > SNAP_MAX_CLASSES) {
        loader_path_index(ld, SNAP_MAX_CLASSES);
        return loader_fail(ld, cJSON_GetArrayItem(list, SNAP_MAX_CLASSES), LOADER_VALUE,
                           "more than %d user classes", SNAP_MAX_CLASSES);
    }
    if (!(ld->s->classes = calloc((size_t)count, sizeof *ld->s->classes)))
        return loader_fail(ld, list, LOADER_VALUE, "out of memory");
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        size_t mark = loader_path_index(ld, i);

        ld->s->n_classes++;
        if (parse_class(ld, c, i) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

void scenario_class_free_task(struct task *t)
{
    free(t->name);
    scenario_step_free_list(t->steps, t->n_steps);
    for (uint32_t i = 0; t->tags && i < t->n_tags; i++)
        free(t->tags[i]);
    free(t->tags);
    memset(t, 0, sizeof *t);
}

void scenario_class_free(struct user_class *c)
{
    free(c->name);
    scenario_step_free_headers(c->headers, c->n_headers);
    for (uint32_t i = 0; c->vars && i < c->n_vars; i++)
        tmpl_free(c->vars[i].value);
    free(c->vars);
    scenario_step_free_list(c->on_start, c->n_on_start);
    scenario_step_free_list(c->on_stop, c->n_on_stop);
    for (uint32_t i = 0; c->tasks && i < c->n_tasks; i++)
        scenario_class_free_task(&c->tasks[i]);
    free(c->tasks);
    scenario_arrivals_free(&c->arrivals);
    memset(c, 0, sizeof *c);
}
