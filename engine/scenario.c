/* scenario: loads a scenario file into validated plain structs (the top level: name, host,
 * users, spawn rate, run time, timeout, stages, feeders, user classes, tls), keeps the scenario-wide
 * tables (endpoints by method and name, per-user variable names), filters classes and tasks by
 * name and tags, and frees. The loader reports the first problem as one line
 * "file:line:column: json.path: what was expected" before any load starts.
 *
 * Thread: loading and filtering on the main thread before the engine starts; afterwards the
 * structs are read-only and shared by every thread. */
#include "scenario_internal.h"
#include "suggest.h"
#include "textfile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "snapshot.h"

const char *const http_method_names[HTTP_METHOD_COUNT] = {
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"
};

static const char *const top_keys[] = {
    "name", "description", "host", "users", "spawn_rate", "run_time", "timeout",
    "max_body_kept", "stages", "feeders", "setup", "preflight", "teardown", "user_classes",
    "targets", "health", "tls", "arrivals", NULL
};
static const char *const tls_keys[] = {"cacert", "cert", "key", "insecure", NULL};
static const char *const stage_keys[] = {"duration", "users", "spawn_rate", NULL};

#define USERS_MAX 1000000u
#define DEFAULT_TIMEOUT 60.0

/* ---------------------------------------------------------------- shared tables */

bool scenario_is_ident(const char *s)
{
    if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
              (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

int scenario_add_var(struct loader *ld, const char *name, uint32_t *out)
{
    struct scenario *s = ld->s;
    char **nv, *copy;

    for (uint32_t i = 0; i < s->n_vars; i++)
        if (strcmp(s->vars[i], name) == 0) {
            *out = i;
            return 0;
        }
    copy = strdup(name);
    nv = copy ? realloc(s->vars, (s->n_vars + 1) * sizeof *nv) : NULL;
    if (!nv) {
        free(copy);
        return -1;
    }
    nv[s->n_vars] = copy;
    s->vars = nv;
    *out = s->n_vars++;
    return 0;
}

int scenario_add_endpoint(struct loader *ld, enum http_method m, const char *name, uint32_t *out)
{
    struct scenario *s = ld->s;
    struct endpoint_def **list = ld->fixture ? &s->fixture_endpoints : &s->endpoints, *e;
    uint32_t *n = ld->fixture ? &s->n_fixture_endpoints : &s->n_endpoints;

    for (uint32_t i = 0; i < *n; i++)
        if ((*list)[i].method == m && strcmp((*list)[i].name, name) == 0) {
            *out = i;
            return 0;
        }
    if (*n >= SNAP_MAX_ENDPOINTS)
        return -1;
    if (!*list && !(*list = calloc(SNAP_MAX_ENDPOINTS, sizeof **list)))
        return -1;
    e = &(*list)[*n];
    if (!(e->name = strdup(name)))
        return -1;
    e->method = m;
    *out = (*n)++;
    return 0;
}

bool scenario_step_expects(const struct step *st, int status)
{
    uint32_t lo = 0, hi = st->n_expect;

    if (st->n_expect == 0)
        return status >= 200 && status <= 399;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (st->expect[mid] == status)
            return true;
        if (st->expect[mid] < status)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* ---------------------------------------------------------------- top-level members */

static int read_name(struct loader *ld, const cJSON *m)
{
    if (loader_strdup(ld, m, &ld->s->name) < 0)
        return -1;
    return *ld->s->name ? 0 : loader_fail(ld, m, LOADER_VALUE, "expected a non-empty name");
}

static int read_description(struct loader *ld, const cJSON *m)
{
    return loader_strdup(ld, m, &ld->s->description);
}

static int read_host(struct loader *ld, const cJSON *m)
{
    char *h;
    size_t n;

    if (cJSON_IsNull(m))
        return 0;
    if (loader_strdup(ld, m, &ld->s->host) < 0)
        return -1;
    h = ld->s->host;
    if ((strncmp(h, "http://", 7) != 0 && strncmp(h, "https://", 8) != 0) ||
        !h[strncmp(h, "https", 5) == 0 ? 8 : 7] || strpbrk(h, " \t\r\n"))
        return loader_bad_value(ld, m, "a URL such as \"http://localhost:8000\"");
    for (n = strlen(h); n > 0 && h[n - 1] == '/'; n--)
        h[n - 1] = '\0';
    return 0;
}

/* A file named by the tls block: joined to the scenario's directory, and readable now. */
static int read_tls_file(struct loader *ld, const cJSON *obj, const char *key, char **out)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    const char *name;
    size_t mark, n;
    int rc = 0;

    if (!m)
        return 0;
    mark = loader_path_key(ld, key);
    if (loader_string(ld, m, &name) < 0)
        return -1;
    n = strlen(ld->dir) + strlen(name) + 1;
    if (!(*out = malloc(n)))
        return loader_fail(ld, m, LOADER_VALUE, "out of memory");
    snprintf(*out, n, "%s%s", name[0] == '/' ? "" : ld->dir, name);
    if (access(*out, R_OK) != 0)
        rc = loader_fail(ld, m, LOADER_VALUE, "cannot read %s: %s", *out, strerror(errno));
    loader_path_pop(ld, mark);
    return rc;
}

static int read_tls(struct loader *ld, const cJSON *m)
{
    struct scenario_tls *t = &ld->s->tls;
    const cJSON *insecure = cJSON_GetObjectItemCaseSensitive(m, "insecure");
    size_t mark;

    if (loader_object(ld, m) < 0 || loader_check_keys(ld, m, tls_keys) < 0 ||
        read_tls_file(ld, m, "cacert", &t->cacert) < 0 ||
        read_tls_file(ld, m, "cert", &t->cert) < 0 || read_tls_file(ld, m, "key", &t->key) < 0)
        return -1;
    if (t->key && !t->cert)
        return loader_fail(ld, m, LOADER_VALUE, "\"key\" needs \"cert\"");
    mark = loader_path_key(ld, "insecure");
    if (insecure && loader_bool(ld, insecure, &t->insecure) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

static int read_users(struct loader *ld, const cJSON *m)
{
    return loader_uint(ld, m, USERS_MAX, &ld->s->users);
}

static int read_spawn_rate(struct loader *ld, const cJSON *m)
{
    return loader_number(ld, m, 0, false, &ld->s->spawn_rate);
}

static int read_run_time(struct loader *ld, const cJSON *m)
{
    return loader_duration(ld, m, &ld->s->run_time);
}

static int read_timeout(struct loader *ld, const cJSON *m)
{
    return loader_duration(ld, m, &ld->s->timeout);
}

/* A size: "512kB", "8MB", "1GB" (units of 1024), or a whole number of bytes ("4096"). */
static int parse_size(const char *s, double *out)
{
    static const struct { const char *unit; unsigned shift; } units[] = {
        {"", 0}, {"B", 0}, {"kB", 10}, {"KB", 10}, {"MB", 20}, {"GB", 30},
    };
    char *end;
    double v;

    if (!(*s >= '0' && *s <= '9'))
        return -1;
    v = strtod(s, &end);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(end, units[i].unit) == 0) {
            *out = v * (double)((size_t)1 << units[i].shift);
            return 0;
        }
    return -1;
}

static int read_max_body_kept(struct loader *ld, const cJSON *m)
{
    double v = -1;

    if (cJSON_IsNumber(m))
        v = m->valuedouble;
    else if (cJSON_IsString(m) && parse_size(m->valuestring, &v) < 0)
        v = -1;
    if (!(v >= (double)SCENARIO_BODY_KEPT_MIN && v <= (double)SCENARIO_BODY_KEPT_MAX) ||
        v != floor(v))
        return loader_bad_value(ld, m, "a size from 1kB to 1GB, such as \"16MB\", \"512kB\" "
                                "or a whole number of bytes");
    ld->s->max_body_kept = (size_t)v;
    return 0;
}

static int read_stage(struct loader *ld, const cJSON *obj, struct stage *st)
{
    const cJSON *d, *u, *r;
    size_t mark;

    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, stage_keys) < 0 ||
        loader_require(ld, obj, "duration", &d) < 0 || loader_require(ld, obj, "users", &u) < 0)
        return -1;
    r = cJSON_GetObjectItemCaseSensitive(obj, "spawn_rate");
    st->spawn_rate = ld->s->spawn_rate;
    mark = loader_path_key(ld, "duration");
    if (loader_duration(ld, d, &st->duration) < 0)
        return -1;
    loader_path_pop(ld, mark);
    mark = loader_path_key(ld, "users");
    if (loader_uint(ld, u, USERS_MAX, &st->users) < 0)
        return -1;
    loader_path_pop(ld, mark);
    mark = loader_path_key(ld, "spawn_rate");
    if (r && loader_number(ld, r, 0, false, &st->spawn_rate) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

static int read_stages(struct loader *ld, const cJSON *m)
{
    int count = cJSON_GetArraySize(m);
    size_t i = 0;

    if (!cJSON_IsArray(m) || count == 0)
        return loader_fail(ld, m, LOADER_VALUE, "expected a non-empty list of stages "
                           "({\"duration\", \"users\", \"spawn_rate\"})");
    if (!(ld->s->stages = calloc((size_t)count, sizeof *ld->s->stages)))
        return loader_fail(ld, m, LOADER_VALUE, "out of memory");
    for (const cJSON *c = m->child; c; c = c->next, i++) {
        size_t mark = loader_path_index(ld, i);

        if (read_stage(ld, c, &ld->s->stages[i]) < 0)
            return -1;
        ld->s->n_stages++;
        loader_path_pop(ld, mark);
    }
    return 0;
}

struct top_member {
    const char *key;
    bool required;
    int (*read)(struct loader *ld, const cJSON *m);
};

/* In this order: spawn_rate before stages (their default), feeders before the fixtures and the
 * classes, setup (what it captures is shared) before preflight, teardown and the classes. A
 * "targets" block names endpoints and "arrivals" are shared by classes, so both go after
 * user_classes. */
static const struct top_member top_members[] = {
    {"name", false, read_name},
    {"description", false, read_description},
    {"host", false, read_host},
    {"users", false, read_users},
    {"spawn_rate", false, read_spawn_rate},
    {"run_time", false, read_run_time},
    {"timeout", false, read_timeout},
    {"max_body_kept", false, read_max_body_kept},
    {"stages", false, read_stages},
    {"feeders", false, scenario_feeder_parse_all},
    {"setup", false, scenario_fixture_parse_setup},
    {"preflight", false, scenario_fixture_parse_preflight},
    {"teardown", false, scenario_fixture_parse_teardown},
    {"user_classes", true, scenario_class_parse_all},
    {"arrivals", false, scenario_arrivals_parse_top},
    {"targets", false, scenario_targets_parse},
    {"health", false, scenario_health_parse},
    {"tls", false, read_tls},
};

static int read_top(struct loader *ld, const cJSON *root)
{
    if (!cJSON_IsObject(root))
        return loader_fail(ld, root, LOADER_VALUE, "expected a JSON object at the top level");
    if (loader_check_keys(ld, root, top_keys) < 0)
        return -1;
    for (size_t i = 0; i < sizeof top_members / sizeof top_members[0]; i++) {
        const struct top_member *tm = &top_members[i];
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, tm->key);
        size_t mark;

        if (!m && tm->required)
            return loader_require(ld, root, tm->key, &m);
        if (!m)
            continue;
        mark = loader_path_key(ld, tm->key);
        if (tm->read(ld, m) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

/* ---------------------------------------------------------------- loading */

static char *dir_of(const char *filename)
{
    const char *slash = strrchr(filename, '/');

    return strndup(filename, slash ? (size_t)(slash - filename) + 1 : 0);
}

static struct scenario *scenario_new(const char *filename)
{
    struct scenario *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    s->users = 1;
    s->spawn_rate = 1;
    s->timeout = DEFAULT_TIMEOUT;
    s->max_body_kept = SCENARIO_BODY_KEPT;
    if (!(s->path = strdup(filename))) {
        free(s);
        return NULL;
    }
    return s;
}

static void loader_done(struct loader *ld)
{
    for (size_t i = 0; i < ld->n_uses; i++)
        free(ld->uses[i].path);
    free(ld->uses);
    free(ld->pos);
    free(ld->dir);
    free((void *)(uintptr_t)ld->sym.feeder_names);
    free((void *)(uintptr_t)ld->sym.feeder_columns);
    free((void *)(uintptr_t)ld->sym.feeder_n_columns);
}

static int load_text(const char *text, size_t len, const char *filename, struct scenario **out,
                     char *err, size_t errlen)
{
    struct loader ld = {0};
    cJSON *root = NULL;
    int rc = -1;

    *out = NULL;
    ld.text = text;
    ld.len = len;
    ld.file = filename;
    ld.err = err;
    ld.errlen = errlen;
    ld.on_start = -1;
    ld.s = scenario_new(filename);
    ld.dir = dir_of(filename);
    if (ld.s && ld.dir) {
        ld.sym.vars = &ld.s->vars;
        ld.sym.n_vars = &ld.s->n_vars;
        root = loader_parse(&ld);
        rc = root ? read_top(&ld, root) : -1;
    } else {
        snprintf(err, errlen, "%s: out of memory", filename);
    }
    if (rc == 0 && !ld.s->name && !(ld.s->name = textfile_stem(filename)))
        rc = loader_fail_at(&ld, 0, "out of memory");
    if (rc == 0)
        rc = scenario_fixture_resolve(&ld);
    if (rc == 0 && scenario_fixture_share_all(ld.s) < 0)
        rc = loader_fail_at(&ld, 0, "out of memory");
    cJSON_Delete(root);
    loader_done(&ld);
    if (rc < 0) {
        scenario_free(ld.s);
        return -1;
    }
    *out = ld.s;
    return 0;
}

int scenario_load_string(const char *text, const char *filename, struct scenario **out,
                         char *err, size_t errlen)
{
    return load_text(text, strlen(text), filename, out, err, errlen);
}

int scenario_load(const char *path, struct scenario **out, char *err, size_t errlen)
{
    size_t len = 0;
    char why[128], *text = textfile_read(path, SCENARIO_FILE_MAX, &len, why, sizeof why);
    int rc;

    *out = NULL;
    if (!text) {
        snprintf(err, errlen, "cannot read %s: %s", path, why);
        return -1;
    }
    rc = load_text(text, len, path, out, err, errlen);
    free(text);
    return rc;
}

/* ---------------------------------------------------------------- filtering */

static bool in_list(const char *s, char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static bool task_selected(const struct task *t, char *const *tags, size_t n_tags,
                          char *const *exclude, size_t n_exclude)
{
    bool tagged = n_tags == 0;

    for (uint32_t i = 0; i < t->n_tags; i++) {
        if (in_list(t->tags[i], exclude, n_exclude))
            return false;
        tagged |= in_list(t->tags[i], tags, n_tags);
    }
    return tagged;
}

static int unknown_class(const struct scenario *s, const char *name, char *err, size_t errlen)
{
    const char **names = calloc(s->n_classes + 1, sizeof *names);
    char list[512] = "";
    const char *hint;

    for (uint32_t i = 0; names && i < s->n_classes; i++) {
        names[i] = s->classes[i].name;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 s->classes[i].name);
    }
    hint = names ? suggest_closest(name, strlen(name), names, s->n_classes) : NULL;
    if (hint)
        snprintf(err, errlen, "unknown user class '%s' (did you mean %s?)", name, hint);
    else
        snprintf(err, errlen, "unknown user class '%s' (%s has: %s)", name, s->path, list);
    free(names);
    return -1;
}

/* Drop the tasks of c that are not selected; true when some are left. */
static bool filter_tasks(struct user_class *c, char *const *tags, size_t n_tags,
                         char *const *exclude, size_t n_exclude)
{
    uint32_t kept = 0;

    for (uint32_t i = 0; i < c->n_tasks; i++) {
        if (task_selected(&c->tasks[i], tags, n_tags, exclude, n_exclude))
            c->tasks[kept++] = c->tasks[i];
        else
            scenario_class_free_task(&c->tasks[i]);
    }
    c->n_tasks = kept;
    return kept > 0;
}

int scenario_filter(struct scenario *s, char *const *classes, size_t n_classes,
                    char *const *tags, size_t n_tags, char *const *exclude, size_t n_exclude,
                    char *err, size_t errlen)
{
    uint32_t kept = 0, left = 0;

    for (size_t i = 0; i < n_classes; i++) {
        uint32_t k = 0;

        while (k < s->n_classes && strcmp(s->classes[k].name, classes[i]) != 0)
            k++;
        if (k == s->n_classes)
            return unknown_class(s, classes[i], err, errlen);
    }
    for (uint32_t i = 0; i < s->n_classes; i++) {     /* checked first: s stays unchanged */
        bool named = n_classes == 0 || in_list(s->classes[i].name, classes, n_classes);

        for (uint32_t t = 0; named && t < s->classes[i].n_tasks; t++)
            left += task_selected(&s->classes[i].tasks[t], tags, n_tags, exclude, n_exclude);
    }
    if (left == 0) {
        snprintf(err, errlen, "no task left to run: none of the selected user classes has a "
                 "task with the requested tags that is not excluded");
        return -1;
    }
    for (uint32_t i = 0; i < s->n_classes; i++) {
        bool named = n_classes == 0 || in_list(s->classes[i].name, classes, n_classes);

        if (named && filter_tasks(&s->classes[i], tags, n_tags, exclude, n_exclude))
            s->classes[kept++] = s->classes[i];
        else
            scenario_class_free(&s->classes[i]);
    }
    s->n_classes = kept;
    return 0;
}

/* ---------------------------------------------------------------- freeing */

void scenario_free(struct scenario *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; s->classes && i < s->n_classes; i++)
        scenario_class_free(&s->classes[i]);
    free(s->classes);
    for (uint32_t i = 0; s->endpoints && i < s->n_endpoints; i++)
        free(s->endpoints[i].name);
    free(s->endpoints);
    for (uint32_t i = 0; s->vars && i < s->n_vars; i++)
        free(s->vars[i]);
    free(s->vars);
    for (uint32_t i = 0; s->feeders && i < s->n_feeders; i++)
        scenario_feeder_free(&s->feeders[i]);
    free(s->feeders);
    scenario_targets_free(s->targets, s->n_targets);
    scenario_fixture_free(s);
    scenario_health_free(&s->health);
    free(s->stages);
    scenario_arrivals_free(&s->arrivals);
    free(s->path);
    free(s->name);
    free(s->description);
    free(s->host);
    free(s->tls.cacert);
    free(s->tls.cert);
    free(s->tls.key);
    free(s);
}
