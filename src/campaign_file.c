/* campaign_file: reading a campaign file with the loader's positions and messages. Main
 * thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "campaign_file.h"
#include "campaign_file_internal.h"
#include "loader.h"
#include "scenario_internal.h"
#include "textfile.h"

static const char *const top_keys[] = {
    "name", "description", "cool_down", "stop_on_fail", "scenarios", NULL
};
static const char *const entry_keys[] = {
    "scenario", "name", "users", "spawn_rate", "run_time", "host", "stop_on_fail",
    "description", NULL
};

#define USERS_MAX 1000000u

/* A member of obj with its key on the path; NULL when absent (the path is unchanged). */
static const cJSON *member(struct loader *ld, const cJSON *obj, const char *key, size_t *mark)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

    *mark = ld->path_len;
    if (m)
        *mark = loader_path_key(ld, key);
    return m;
}

/* 0 or more seconds: a number, or a duration string ("30s"). */
static int cool_down(struct loader *ld, const cJSON *m, double *out)
{
    if (cJSON_IsNumber(m))
        return loader_number(ld, m, 0, true, out);
    return loader_duration(ld, m, out);
}

static int host(struct loader *ld, const cJSON *m, char **out)
{
    const char *h;

    if (loader_string(ld, m, &h) < 0)
        return -1;
    if (strncmp(h, "http://", 7) != 0 && strncmp(h, "https://", 8) != 0)
        return loader_bad_value(ld, m, "a URL such as \"http://localhost:8000\"");
    if (!(*out = strdup(h)))
        return loader_fail(ld, m, LOADER_VALUE, "out of memory");
    return 0;
}

/* The scenario file, relative to the campaign's directory unless absolute. */
static int scenario_path(struct loader *ld, const cJSON *m, char **out)
{
    const char *p;
    size_t n;

    if (loader_string(ld, m, &p) < 0)
        return -1;
    if (!*p)
        return loader_fail(ld, m, LOADER_VALUE, "expected a scenario file name");
    n = strlen(ld->dir) + strlen(p) + 1;
    if (!(*out = malloc(n)))
        return loader_fail(ld, m, LOADER_VALUE, "out of memory");
    snprintf(*out, n, "%s%s", p[0] == '/' ? "" : ld->dir, p);
    return 0;
}

static int entry_values(struct loader *ld, const cJSON *obj, struct campaign_entry *e)
{
    const char *text;
    const cJSON *m;
    size_t mark;
    int rc = 0;

    if ((m = member(ld, obj, "name", &mark)))
        rc = loader_strdup(ld, m, &e->name);
    if (rc == 0 && m)
        loader_path_pop(ld, mark);
    if (rc == 0 && (m = member(ld, obj, "users", &mark)) &&
        (rc = loader_uint(ld, m, USERS_MAX, &e->users)) == 0) {
        e->users_set = true;
        loader_path_pop(ld, mark);
    }
    if (rc == 0 && (m = member(ld, obj, "spawn_rate", &mark)) &&
        (rc = loader_number(ld, m, 0, false, &e->spawn_rate)) == 0) {
        e->spawn_rate_set = true;
        loader_path_pop(ld, mark);
    }
    if (rc == 0 && (m = member(ld, obj, "run_time", &mark)) &&
        (rc = loader_duration(ld, m, &e->run_time)) == 0) {
        e->run_time_set = true;
        loader_path_pop(ld, mark);
    }
    if (rc == 0 && (m = member(ld, obj, "host", &mark)) && (rc = host(ld, m, &e->host)) == 0)
        loader_path_pop(ld, mark);
    if (rc == 0 && (m = member(ld, obj, "stop_on_fail", &mark)) &&
        (rc = loader_bool(ld, m, &e->stop_on_fail)) == 0)
        loader_path_pop(ld, mark);
    if (rc == 0 && (m = member(ld, obj, "description", &mark)) &&
        (rc = loader_string(ld, m, &text)) == 0)
        loader_path_pop(ld, mark);
    return rc;
}

static int read_entry(struct loader *ld, const cJSON *obj, struct campaign_file *c,
                      struct campaign_entry *e)
{
    const cJSON *s;
    size_t mark;

    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, entry_keys) < 0 ||
        loader_require(ld, obj, "scenario", &s) < 0)
        return -1;
    e->stop_on_fail = c->stop_on_fail;
    mark = loader_path_key(ld, "scenario");
    if (scenario_path(ld, s, &e->scenario) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return entry_values(ld, obj, e);
}

static int read_entries(struct loader *ld, const cJSON *list, struct campaign_file *c)
{
    int n = cJSON_GetArraySize(list);
    size_t i = 0;

    if (!cJSON_IsArray(list) || n == 0 || n > CAMPAIGN_MAX_SCENARIOS)
        return loader_fail(ld, list, LOADER_VALUE, "expected a list of 1 to %d scenarios "
                           "({\"scenario\": \"FILE.json\", ...})", CAMPAIGN_MAX_SCENARIOS);
    if (!(c->entries = calloc((size_t)n, sizeof *c->entries)))
        return loader_fail(ld, list, LOADER_VALUE, "out of memory");
    for (const cJSON *e = list->child; e; e = e->next, i++) {
        size_t mark = loader_path_index(ld, i);

        c->n_entries++;
        if (read_entry(ld, e, c, &c->entries[i]) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

static int read_top(struct loader *ld, const cJSON *root, struct campaign_file *c)
{
    const cJSON *m, *list;
    size_t mark;

    if (!cJSON_IsObject(root))
        return loader_fail(ld, root, LOADER_VALUE, "expected a JSON object at the top level");
    if (loader_check_keys(ld, root, top_keys) < 0 ||
        loader_require(ld, root, "scenarios", &list) < 0)
        return -1;
    if ((m = member(ld, root, "name", &mark)) && loader_strdup(ld, m, &c->name) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, root, "description", &mark)) && loader_strdup(ld, m, &c->description) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, root, "cool_down", &mark)) && cool_down(ld, m, &c->cool_down) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, root, "stop_on_fail", &mark)) && loader_bool(ld, m, &c->stop_on_fail) < 0)
        return -1;
    loader_path_pop(ld, mark);
    mark = loader_path_key(ld, "scenarios");
    if (read_entries(ld, list, c) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

int campaign_file_load_string(const char *text, const char *path, struct campaign_file **out,
                              char *err, size_t errlen)
{
    struct loader ld = {.text = text, .len = strlen(text), .file = path, .err = err,
                        .errlen = errlen, .on_start = -1};
    struct campaign_file *c = calloc(1, sizeof *c);
    const char *slash = strrchr(path, '/');
    cJSON *root = NULL;
    int rc = -1;

    *out = NULL;
    ld.dir = strndup(path, slash ? (size_t)(slash - path) + 1 : 0);
    if (!c || !ld.dir || !(c->path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    if ((root = loader_parse(&ld)) && read_top(&ld, root, c) == 0)
        rc = 0;
    if (rc == 0 && !c->name && !(c->name = textfile_stem(path)))
        rc = loader_fail_at(&ld, 0, "out of memory");
out:
    cJSON_Delete(root);
    free(ld.pos);
    free(ld.dir);
    if (rc < 0) {
        campaign_file_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int campaign_file_load(const char *path, struct campaign_file **out, char *err, size_t errlen)
{
    size_t len = 0;
    char why[128], *text = textfile_read(path, SCENARIO_FILE_MAX, &len, why, sizeof why);
    int rc;

    *out = NULL;
    if (!text) {
        snprintf(err, errlen, "cannot read %s: %s", path, why);
        return -1;
    }
    rc = campaign_file_load_string(text, path, out, err, errlen);
    free(text);
    return rc;
}

void campaign_file_free(struct campaign_file *c)
{
    if (!c)
        return;
    for (uint32_t i = 0; c->entries && i < c->n_entries; i++) {
        free(c->entries[i].scenario);
        free(c->entries[i].name);
        free(c->entries[i].host);
    }
    free(c->entries);
    free(c->path);
    free(c->name);
    free(c->description);
    free(c);
}

int campaign_file_duration(const char *text, double *out)
{
    if (strcmp(text, "0") == 0) {
        *out = 0;
        return 0;
    }
    return loader_parse_duration(text, out);
}
