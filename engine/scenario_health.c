/* scenario_health: the "health" block of a scenario file: the backend's sources polled during
 * the run (Prometheus text, JSON, local processes, the host), the metrics read from each and
 * their limits, validated with file:line:column like every scenario error. URLs and headers
 * are templates that know ${host} (the run's host) and ${env:NAME}. Loading thread only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "promtext.h"
#include "scenario_internal.h"
#include "suggest.h"

#define DEFAULT_INTERVAL 2.0
#define INTERVAL_MIN 0.25           /* a faster poll measures the poller more than the backend */
#define INTERVAL_MAX 3600.0
#define TIMEOUT_MAX 60.0
#define PROCESS_NAME_MAX 255

static const char *const block_keys[] = {"builtin_only", "interval", "timeout", "sources", NULL};
static const char *const kind_names[] = {"prometheus", "json", "process", "host", NULL};
static const char *const http_source_keys[] = {"type", "url", "headers", "interval", "timeout",
                                               "metrics", NULL};
static const char *const process_keys[] = {"type", "process", "pid_file", "children",
                                           "interval", "metrics", NULL};
static const char *const host_keys[] = {"type", "interval", "metrics", NULL};
static const char *const prom_metric_keys[] = {"query", "missing", "rate", "scale", "unit",
                                               "limit", "for", "abort_on_fail", "abort_after",
                                               NULL};
static const char *const json_metric_keys[] = {"path", "equals", "missing", "rate", "scale",
                                               "unit", "limit", "for", "abort_on_fail",
                                               "abort_after", NULL};
static const char *const local_metric_keys[] = {"series", "scale", "limit", "for",
                                                "abort_on_fail", "abort_after", NULL};

/* The series of process and host sources: their names in the file and their units. */
struct series_name {
    const char *name;
    enum health_series series;
    const char *unit;
};
static const struct series_name process_series[] = {
    {"cpu", HEALTH_CPU, "%"}, {"rss", HEALTH_RSS, "bytes"}, {"threads", HEALTH_THREADS, ""},
    {"open_files", HEALTH_OPEN_FILES, ""}, {"processes", HEALTH_PROCESSES, ""}, {NULL, 0, NULL},
};
static const struct series_name host_series[] = {
    {"cpu", HEALTH_CPU, "%"}, {"memory_used", HEALTH_MEMORY_USED, "bytes"},
    {"memory_available", HEALTH_MEMORY_AVAILABLE, "bytes"},
    {"memory_percent", HEALTH_MEMORY_PERCENT, "%"}, {"load1", HEALTH_LOAD1, ""},
    {"load5", HEALTH_LOAD5, ""}, {"load15", HEALTH_LOAD15, ""}, {NULL, 0, NULL},
};

/* What the whole block is being read with. */
struct hctx {
    struct loader *ld;
    struct health_def *h;
    double interval, timeout;   /* the block's defaults (timeout 0: the interval) */
    char **refs;                /* per metric: the name a limit's share refers to, or NULL */
    const cJSON **ref_items;    /* where that limit is written */
    char *ref_paths[HEALTH_MAX_METRICS];
};

/* ---- member helpers ---------------------------------------------------------------------- */

/* obj[key] with the path pushed (*mark restores it); NULL when absent. */
static const cJSON *member(struct loader *ld, const cJSON *obj, const char *key, size_t *mark)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

    *mark = m ? loader_path_key(ld, key) : ld->path_len;
    return m;
}

static int read_interval(struct loader *ld, const cJSON *m, double *out)
{
    if (loader_duration(ld, m, out) < 0)
        return -1;
    if (*out < INTERVAL_MIN || *out > INTERVAL_MAX)
        return loader_bad_value(ld, m, "an interval from 250ms to 1h");
    return 0;
}

static int read_timeout(struct loader *ld, const cJSON *m, double *out)
{
    if (loader_duration(ld, m, out) < 0)
        return -1;
    if (*out > TIMEOUT_MAX)
        return loader_bad_value(ld, m, "a timeout up to 60s");
    return 0;
}

static int read_optional_interval(struct loader *ld, const cJSON *obj, double *out)
{
    size_t mark;
    const cJSON *m = member(ld, obj, "interval", &mark);

    if (m && read_interval(ld, m, out) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

/* ---- templates: ${host} and ${env:...} only ------------------------------------------------ */

/* Compile what fn compiles with a symbol table that knows only "host" (variable 0): any other
 * variable, and any feeder, is an error at its place in the file. */
struct tmpl_job {
    const cJSON *item;
    struct kv_tmpl **headers;
    uint32_t *n_headers;
    struct tmpl **url;
};

static int compile_job(struct loader *ld, struct tmpl_job *job)
{
    if (job->url)
        return loader_template(ld, job->item, TMPL_RAW, false, job->url);
    return scenario_step_headers(ld, job->item, job->headers, job->n_headers);
}

static int host_only(struct loader *ld, struct tmpl_job *job)
{
    struct scenario *s = ld->s;
    char **vars = s->vars, **names = calloc(1, sizeof *names);
    uint32_t n_vars = s->n_vars, n_feeders = ld->sym.n_feeders;
    size_t before = ld->n_uses;
    int rc;

    if (!names || !(names[0] = strdup("host"))) {
        free(names);
        return loader_fail(ld, job->item, LOADER_VALUE, "out of memory");
    }
    s->vars = names;                /* the compiler and its checks see only "host" */
    s->n_vars = 1;
    ld->sym.n_feeders = 0;
    rc = compile_job(ld, job);
    names = s->vars;
    for (size_t i = before; rc == 0 && i < ld->n_uses; i++)
        if (ld->uses[i].var != 0)
            rc = loader_fail_at(ld, ld->uses[i].off, "health URLs and headers know ${host} "
                                "(the run's host) and ${env:NAME} only, not ${%s}",
                                names[ld->uses[i].var]);
    for (uint32_t i = 0; i < s->n_vars; i++)
        free(names[i]);
    free(names);
    s->vars = vars;
    s->n_vars = n_vars;
    ld->sym.n_feeders = n_feeders;
    for (size_t i = before; i < ld->n_uses; i++)
        free(ld->uses[i].path);
    ld->n_uses = before;
    return rc;
}

static int read_url(struct loader *ld, const cJSON *m, struct health_source_def *src)
{
    struct tmpl_job job = {.item = m, .url = &src->url};
    const char *s = cJSON_IsString(m) ? m->valuestring : "";

    if (strncmp(s, "${host}", 7) != 0 && strncmp(s, "http://", 7) != 0 &&
        strncmp(s, "https://", 8) != 0)
        return loader_bad_value(ld, m, "a URL such as \"${host}/metrics\" or "
                                "\"http://127.0.0.1:9100/metrics\"");
    return host_only(ld, &job);
}

static int read_headers(struct loader *ld, const cJSON *m, struct health_source_def *src)
{
    struct tmpl_job job = {.item = m, .headers = &src->headers, .n_headers = &src->n_headers};

    return host_only(ld, &job);
}

/* ---- metrics ----------------------------------------------------------------------------- */

static const struct series_name *series_table(enum health_kind k)
{
    return k == HEALTH_HOST ? host_series : process_series;
}

static int read_series(struct loader *ld, const cJSON *item, enum health_kind kind,
                       struct health_metric_def *m)
{
    const struct series_name *t = series_table(kind);
    const char *names[16], *hint;
    char list[200] = "";
    size_t n = 0;

    for (; t[n].name; n++) {
        names[n] = t[n].name;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", n ? ", " : "",
                 t[n].name);
        if (cJSON_IsString(item) && strcmp(item->valuestring, t[n].name) == 0) {
            m->series = t[n].series;
            return (m->unit = strdup(t[n].unit)) ? 0 : loader_fail(ld, item, LOADER_VALUE,
                                                                  "out of memory");
        }
    }
    hint = cJSON_IsString(item) ? suggest_closest(item->valuestring, strlen(item->valuestring),
                                                  names, n) : NULL;
    if (hint)
        return loader_bad_value(ld, item, "a %s series (did you mean %s?)",
                                kind == HEALTH_HOST ? "host" : "process", hint);
    return loader_bad_value(ld, item, "one of %s", list);
}

/* A selector's error "column N: what" pointing inside the string. */
static int read_query(struct loader *ld, const cJSON *item, struct health_metric_def *m)
{
    char msg[256];
    const char *what = msg;
    unsigned long column = 0;
    char *end;

    if (!cJSON_IsString(item))
        return loader_fail(ld, item, LOADER_VALUE, "expected a Prometheus selector such as "
                           "\"pg_stat_activity_count{datname=\\\"eucora\\\"}\"");
    m->query = promtext_compile(item->valuestring, msg, sizeof msg);
    if (m->query)
        return 0;
    if (strncmp(msg, "column ", 7) == 0 && (column = strtoul(msg + 7, &end, 10)) > 0 &&
        strncmp(end, ": ", 2) == 0)
        what = end + 2;
    return loader_fail_at(ld, loader_string_offset(ld, loader_value_offset(ld, item),
                                                   column ? column - 1 : 0),
                          "\"%s\" is not a Prometheus selector: %s", item->valuestring, what);
}

/* The metric name a selector starts with ("" when it starts with a brace). */
static void selector_name(const char *q, char *out, size_t n)
{
    size_t i = 0;

    while (q[i] && q[i] != '{' && q[i] != ' ' && i + 1 < n) {
        out[i] = q[i];
        i++;
    }
    out[i] = '\0';
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);

    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Prometheus metrics without "unit": by the naming conventions, a *_bytes gauge is in bytes,
 * the rate of a *_seconds_total counter is CPU (or busy) time: shown as % (scale 100 unless
 * given), the rate of another counter is per second. */
static int default_unit(struct loader *ld, const cJSON *obj, struct health_metric_def *m,
                        bool scale_given)
{
    char name[128];
    const char *unit = "";

    selector_name(promtext_text(m->query), name, sizeof name);
    if (m->rate && ends_with(name, "_seconds_total")) {
        unit = "%";
        if (!scale_given)
            m->scale = 100;
    } else if (m->rate) {
        unit = "/s";
    } else if (ends_with(name, "_bytes")) {
        unit = "bytes";
    }
    m->unit = strdup(unit);
    return m->unit ? 0 : loader_fail(ld, obj, LOADER_VALUE, "out of memory");
}

/* The source-specific key of a metric: query, path (and equals) or series. */
static int read_what(struct loader *ld, const cJSON *obj, const struct health_source_def *src,
                     struct health_metric_def *m)
{
    static const char *const keys[] = {"query", "path", "series", "series"};
    const cJSON *v = cJSON_IsObject(obj) ? NULL : obj, *e;
    size_t mark = ld->path_len;
    const char *text = NULL;

    if (!v) {
        if (loader_require(ld, obj, keys[src->kind], &v) < 0)
            return -1;
        mark = loader_path_key(ld, keys[src->kind]);
    }
    if (src->kind == HEALTH_PROMETHEUS && read_query(ld, v, m) < 0)
        return -1;
    if (src->kind == HEALTH_JSON && (loader_string(ld, v, &text) < 0 ||
                                     scenario_step_json_path(ld, v, text, &m->path) < 0))
        return -1;
    if (src->kind >= HEALTH_PROCESS && read_series(ld, v, src->kind, m) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if (v == obj || src->kind != HEALTH_JSON)
        return 0;
    if ((e = member(ld, obj, "equals", &mark)) && loader_strdup(ld, e, &m->equals) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

static int read_unit(struct loader *ld, const cJSON *obj, struct health_metric_def *m,
                     bool scale_given)
{
    size_t mark;
    const cJSON *u = cJSON_IsObject(obj) ? member(ld, obj, "unit", &mark) : NULL;

    if (m->unit)                                /* a process or host series' own */
        return 0;
    if (!u)
        return m->query ? default_unit(ld, obj, m, scale_given)
                        : (m->unit = strdup("")) ? 0 : loader_fail(ld, obj, LOADER_VALUE,
                                                                   "out of memory");
    if (loader_strdup(ld, u, &m->unit) < 0)
        return -1;
    if (strlen(m->unit) >= sizeof ((struct snap_health_metric *)0)->unit)
        return loader_bad_value(ld, u, "a unit of at most 15 bytes");
    loader_path_pop(ld, mark);
    return 0;
}

static int read_limit(struct hctx *c, const cJSON *item, struct health_metric_def *m)
{
    struct loader *ld = c->ld;
    char err[256], ref[HEALTH_LIMIT_REF_MAX + 1];
    size_t col = 0;
    uint32_t k = (uint32_t)(m - c->h->metrics);

    if (loader_strdup(ld, item, &m->limit_text) < 0)
        return -1;
    if (strlen(m->limit_text) >= sizeof ((struct snap_health_metric *)0)->limit)
        return loader_bad_value(ld, item, "a limit of at most 63 bytes");
    if (health_limit_parse(m->limit_text, m->unit, &m->limit, ref, sizeof ref, err, sizeof err,
                           &col) < 0)
        return loader_fail_at(ld, loader_string_offset(ld, loader_value_offset(ld, item), col),
                              "\"%s\" is not a valid limit: %s", m->limit_text, err);
    if (ref[0] && (!(c->refs[k] = strdup(ref)) || !(c->ref_paths[k] = strdup(ld->path))))
        return loader_fail(ld, item, LOADER_VALUE, "out of memory");
    c->ref_items[k] = item;
    return 0;
}

/* rate, scale, unit, limit, for, abort_on_fail, abort_after of a metric object. */
static int read_options(struct hctx *c, const cJSON *obj, struct health_metric_def *m)
{
    struct loader *ld = c->ld;
    const cJSON *v;
    size_t mark;
    bool scale_given = false;

    if ((v = member(ld, obj, "missing", &mark))) {
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
            return loader_bad_value(ld, v, "a number (the value when nothing matches)");
        m->has_missing = true;
        m->missing_value = v->valuedouble;
    }
    loader_path_pop(ld, mark);
    if ((v = member(ld, obj, "rate", &mark)) && loader_bool(ld, v, &m->rate) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((v = member(ld, obj, "scale", &mark))) {
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble == 0)
            return loader_bad_value(ld, v, "a number other than 0");
        m->scale = v->valuedouble;
        scale_given = true;
    }
    loader_path_pop(ld, mark);
    if (read_unit(ld, obj, m, scale_given) < 0)
        return -1;
    if ((v = member(ld, obj, "limit", &mark)) && read_limit(c, v, m) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((v = member(ld, obj, "for", &mark))) {
        if (m->limit.kind != HEALTH_LIMIT_BOUND)
            return loader_fail(ld, v, LOADER_KEY, "\"for\" needs a limit such as \"< 100\" (a "
                               "growth limit has its own duration)");
        if (loader_duration(ld, v, &m->limit.hold) < 0)
            return -1;
    }
    loader_path_pop(ld, mark);
    if ((v = member(ld, obj, "abort_on_fail", &mark)) && loader_bool(ld, v, &m->abort_on_fail) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((v = member(ld, obj, "abort_after", &mark)) && loader_duration(ld, v, &m->abort_after) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m->abort_on_fail || m->abort_after > 0) && !m->limit_text)
        return loader_fail(ld, obj, LOADER_VALUE, "abort_on_fail needs a \"limit\"");
    return 0;
}

static const char *const *metric_keys(enum health_kind k)
{
    return k == HEALTH_PROMETHEUS ? prom_metric_keys : k == HEALTH_JSON ? json_metric_keys
                                                                        : local_metric_keys;
}

static int check_name(struct loader *ld, const cJSON *item, const struct health_def *h)
{
    const char *name = item->string;

    if (!*name || strlen(name) >= SNAP_HEALTH_NAME)
        return loader_fail(ld, item, LOADER_KEY, "expected a name of 1 to %d bytes",
                           SNAP_HEALTH_NAME - 1);
    for (uint32_t i = 0; i < h->n_metrics; i++)
        if (strcmp(h->metrics[i].name, name) == 0)
            return loader_fail(ld, item, LOADER_KEY, "another metric of the health block is "
                               "named \"%s\" (names must be unique: limits and the health CSV "
                               "use them)", name);
    if (h->n_metrics >= HEALTH_MAX_METRICS)
        return loader_fail(ld, item, LOADER_KEY, "too many metrics: at most %d in the health "
                           "block", HEALTH_MAX_METRICS);
    return 0;
}

static int read_metric(struct hctx *c, const cJSON *item, uint32_t source)
{
    struct loader *ld = c->ld;
    struct health_def *h = c->h;
    const struct health_source_def *src = &h->sources[source];
    struct health_metric_def *m;

    if (check_name(ld, item, h) < 0)
        return -1;
    m = &h->metrics[h->n_metrics++];
    m->source = source;
    m->scale = 1;
    m->line = loader_line(ld, loader_key_offset(ld, item));
    if (!(m->name = strdup(item->string)) || !(m->where = strdup(ld->path)))
        return loader_fail(ld, item, LOADER_KEY, "out of memory");
    if (!cJSON_IsObject(item) && !cJSON_IsString(item))
        return loader_fail(ld, item, LOADER_VALUE, "expected a %s or an object",
                           src->kind == HEALTH_PROMETHEUS ? "selector" : src->kind == HEALTH_JSON
                           ? "JSON path" : "series name");
    if (cJSON_IsObject(item) && loader_check_keys(ld, item, metric_keys(src->kind)) < 0)
        return -1;
    if (read_what(ld, item, src, m) < 0)
        return -1;
    if (cJSON_IsObject(item))
        return read_options(c, item, m);
    return read_unit(ld, item, m, false);
}

static int read_metrics(struct hctx *c, const cJSON *obj, uint32_t source)
{
    struct loader *ld = c->ld;
    struct health_source_def *src = &c->h->sources[source];
    const cJSON *m;

    if (loader_object(ld, obj) < 0)
        return -1;
    if (!obj->child)
        return loader_fail(ld, obj, LOADER_VALUE, "expected at least one metric");
    src->first_metric = c->h->n_metrics;
    cJSON_ArrayForEach(m, obj) {
        size_t mark = loader_path_key(ld, m->string);
        if (read_metric(c, m, source) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    src->n_metrics = c->h->n_metrics - src->first_metric;
    return 0;
}

/* ---- sources ----------------------------------------------------------------------------- */

static int read_kind(struct loader *ld, const cJSON *obj, enum health_kind *out)
{
    const cJSON *t;
    const char *hint;
    size_t mark;

    if (loader_require(ld, obj, "type", &t) < 0)
        return -1;
    mark = loader_path_key(ld, "type");
    for (int k = 0; kind_names[k]; k++)
        if (cJSON_IsString(t) && strcmp(t->valuestring, kind_names[k]) == 0) {
            *out = (enum health_kind)k;
            loader_path_pop(ld, mark);
            return 0;
        }
    hint = cJSON_IsString(t) ? suggest_closest(t->valuestring, strlen(t->valuestring),
                                               kind_names, 4) : NULL;
    if (hint)
        return loader_bad_value(ld, t, "a source type (did you mean %s?)", hint);
    return loader_bad_value(ld, t, "one of prometheus, json, process, host");
}

static int read_http(struct loader *ld, const cJSON *obj, struct health_source_def *src)
{
    const cJSON *m;
    size_t mark;

    if (loader_require(ld, obj, "url", &m) < 0)
        return -1;
    mark = loader_path_key(ld, "url");
    if (read_url(ld, m, src) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, obj, "headers", &mark)) && read_headers(ld, m, src) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, obj, "timeout", &mark)) && read_timeout(ld, m, &src->timeout) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

static int read_process(struct loader *ld, const cJSON *obj, struct health_source_def *src)
{
    const cJSON *name, *file, *ch;
    size_t mark;

    name = member(ld, obj, "process", &mark);
    if (name && (loader_strdup(ld, name, &src->process) < 0 || !*src->process ||
                 strlen(src->process) > PROCESS_NAME_MAX || strchr(src->process, '/')))
        return loader_bad_value(ld, name, "a process name such as \"gunicorn\" (no path)");
    loader_path_pop(ld, mark);
    file = member(ld, obj, "pid_file", &mark);
    if (file && (loader_strdup(ld, file, &src->pid_file) < 0 || !*src->pid_file))
        return loader_bad_value(ld, file, "a file path such as \"/run/gunicorn.pid\"");
    loader_path_pop(ld, mark);
    if (!name == !file)
        return loader_fail(ld, name ? name : obj, name ? LOADER_KEY : LOADER_VALUE,
                           "expected either \"process\" (a name) or \"pid_file\", not %s",
                           name ? "both" : "neither");
    if ((ch = member(ld, obj, "children", &mark))) {
        if (!file)
            return loader_fail(ld, ch, LOADER_KEY, "\"children\" goes with \"pid_file\" (a "
                               "process name already matches every worker)");
        if (loader_bool(ld, ch, &src->children) < 0)
            return -1;
    }
    loader_path_pop(ld, mark);
    return 0;
}

static int read_source_kind(struct loader *ld, const cJSON *obj, struct health_source_def *src)
{
    static const char *const *const keys[] = {http_source_keys, http_source_keys, process_keys,
                                              host_keys};

    if (loader_check_keys(ld, obj, keys[src->kind]) < 0)
        return -1;
    if (src->kind <= HEALTH_JSON)
        return read_http(ld, obj, src);
    return src->kind == HEALTH_PROCESS ? read_process(ld, obj, src) : 0;
}

static int read_source(struct hctx *c, const cJSON *obj)
{
    struct loader *ld = c->ld;
    struct health_source_def *src = &c->h->sources[c->h->n_sources++];
    const cJSON *m;
    size_t mark;

    src->interval = c->interval;
    src->timeout = c->timeout;
    if (!*obj->string || strlen(obj->string) >= SNAP_HEALTH_NAME)
        return loader_fail(ld, obj, LOADER_KEY, "expected a source name of 1 to %d bytes",
                           SNAP_HEALTH_NAME - 1);
    if (!(src->name = strdup(obj->string)))
        return loader_fail(ld, obj, LOADER_KEY, "out of memory");
    if (loader_object(ld, obj) < 0 || read_kind(ld, obj, &src->kind) < 0 ||
        read_source_kind(ld, obj, src) < 0 || read_optional_interval(ld, obj, &src->interval) < 0)
        return -1;
    if (src->timeout <= 0 || src->timeout > TIMEOUT_MAX)
        src->timeout = src->interval < TIMEOUT_MAX ? src->interval : TIMEOUT_MAX;
    if (loader_require(ld, obj, "metrics", &m) < 0)
        return -1;
    mark = loader_path_key(ld, "metrics");
    if (read_metrics(c, m, c->h->n_sources - 1) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

static int read_sources(struct hctx *c, const cJSON *obj)
{
    struct loader *ld = c->ld;
    const cJSON *s;

    if (loader_object(ld, obj) < 0)
        return -1;
    if (!obj->child)
        return loader_fail(ld, obj, LOADER_VALUE, "expected at least one source");
    if (cJSON_GetArraySize(obj) > HEALTH_MAX_SOURCES)
        return loader_fail(ld, obj, LOADER_VALUE, "too many sources: at most %d",
                           HEALTH_MAX_SOURCES);
    cJSON_ArrayForEach(s, obj) {
        size_t mark = loader_path_key(ld, s->string);
        if (read_source(c, s) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

/* ---- references between metrics ---------------------------------------------------------- */

static int resolve_ref(struct hctx *c, uint32_t k)
{
    struct health_def *h = c->h;
    const char *names[HEALTH_MAX_METRICS], *hint;
    struct loader *ld = c->ld;

    for (uint32_t i = 0; i < h->n_metrics; i++) {
        names[i] = h->metrics[i].name;
        if (i != k && strcmp(names[i], c->refs[k]) == 0) {
            h->metrics[k].limit.ref = (int32_t)i;
            return 0;
        }
    }
    snprintf(ld->path, sizeof ld->path, "%s", c->ref_paths[k]);     /* the limit's own path */
    ld->path_len = strlen(ld->path);
    if (strcmp(c->refs[k], h->metrics[k].name) == 0)
        return loader_fail(ld, c->ref_items[k], LOADER_VALUE, "a limit cannot be a share of "
                           "its own metric");
    hint = suggest_closest(c->refs[k], strlen(c->refs[k]), names, h->n_metrics);
    return loader_fail(ld, c->ref_items[k], LOADER_VALUE, "\"%s\" is not a metric of the health "
                       "block%s%s%s", c->refs[k], hint ? " (did you mean \"" : "",
                       hint ? hint : "", hint ? "\"?)" : "");
}

static int resolve_refs(struct hctx *c)
{
    for (uint32_t k = 0; k < c->h->n_metrics; k++)
        if (c->refs[k] && resolve_ref(c, k) < 0)
            return -1;
    return 0;
}

static void hctx_free(struct hctx *c)
{
    for (uint32_t k = 0; k < HEALTH_MAX_METRICS; k++) {
        if (c->refs)
            free(c->refs[k]);
        free(c->ref_paths[k]);
    }
    free(c->refs);
    free(c->ref_items);
}

static int read_defaults(struct hctx *c, const cJSON *obj)
{
    struct loader *ld = c->ld;
    const cJSON *m;
    size_t mark;

    if ((m = member(ld, obj, "interval", &mark)) && read_interval(ld, m, &c->interval) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, obj, "timeout", &mark)) && read_timeout(ld, m, &c->timeout) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, obj, "builtin_only", &mark)) &&
        loader_bool(ld, m, &c->h->builtin_only) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

int scenario_health_parse(struct loader *ld, const cJSON *obj)
{
    struct health_def *h = &ld->s->health;
    struct hctx c = {.ld = ld, .h = h, .interval = DEFAULT_INTERVAL};
    const cJSON *m;
    size_t mark;
    int rc = -1;

    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, block_keys) < 0 ||
        read_defaults(&c, obj) < 0 || loader_require(ld, obj, "sources", &m) < 0)
        return -1;
    h->sources = calloc(HEALTH_MAX_SOURCES, sizeof *h->sources);
    h->metrics = calloc(HEALTH_MAX_METRICS, sizeof *h->metrics);
    c.refs = calloc(HEALTH_MAX_METRICS, sizeof *c.refs);
    c.ref_items = calloc(HEALTH_MAX_METRICS, sizeof *c.ref_items);
    if (!h->sources || !h->metrics || !c.refs || !c.ref_items) {
        hctx_free(&c);
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    }
    mark = loader_path_key(ld, "sources");
    if (read_sources(&c, m) == 0) {
        loader_path_pop(ld, mark);
        rc = resolve_refs(&c);
    }
    hctx_free(&c);
    return rc;
}

void scenario_drop_health(struct scenario *s)
{
    scenario_health_free(&s->health);
}

void scenario_health_free(struct health_def *h)
{
    for (uint32_t i = 0; h->sources && i < h->n_sources; i++) {
        struct health_source_def *s = &h->sources[i];
        free(s->name);
        tmpl_free(s->url);
        scenario_step_free_headers(s->headers, s->n_headers);
        free(s->process);
        free(s->pid_file);
    }
    for (uint32_t i = 0; h->metrics && i < h->n_metrics; i++) {
        struct health_metric_def *m = &h->metrics[i];
        free(m->name);
        free(m->unit);
        promtext_free(m->query);
        scenario_step_free_json_path(&m->path);
        free(m->equals);
        free(m->limit_text);
        free(m->where);
    }
    free(h->sources);
    free(h->metrics);
    memset(h, 0, sizeof *h);
}
