/* scenario_targets: the "targets" block of a scenario file, what the run is judged on:
 * response-time, success and throughput targets for the whole run and per endpoint, each over a
 * window, validated with file:line:column like every scenario error. Loading thread only. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenario_internal.h"
#include "suggest.h"

struct metric_key {
    const char *key;
    enum target_metric metric;
    double pct;
    const char *label;
};

static const struct metric_key metric_keys[] = {
    {"median", TARGET_MEDIAN, 0.5, "median"}, {"avg", TARGET_AVERAGE, 0, "average"},
    {"average", TARGET_AVERAGE, 0, "average"}, {"p50", TARGET_PERCENTILE, 0.50, "p50"},
    {"p66", TARGET_PERCENTILE, 0.66, "p66"}, {"p75", TARGET_PERCENTILE, 0.75, "p75"},
    {"p80", TARGET_PERCENTILE, 0.80, "p80"}, {"p90", TARGET_PERCENTILE, 0.90, "p90"},
    {"p95", TARGET_PERCENTILE, 0.95, "p95"}, {"p98", TARGET_PERCENTILE, 0.98, "p98"},
    {"p99", TARGET_PERCENTILE, 0.99, "p99"}, {"p99.9", TARGET_PERCENTILE, 0.999, "p99.9"},
    {"p99.99", TARGET_PERCENTILE, 0.9999, "p99.99"}, {"max", TARGET_PERCENTILE, 1.0, "max"},
    {"success_rate", TARGET_SUCCESS_RATE, 0, "success rate"},
    {"failure_rate", TARGET_FAILURE_RATE, 0, "failure rate"}, {"rps", TARGET_RPS, 0, "rps"},
};
#define N_METRICS (sizeof metric_keys / sizeof metric_keys[0])

static const char *const block_keys[] = {
    "median", "avg", "average", "p50", "p66", "p75", "p80", "p90", "p95", "p98", "p99",
    "p99.9", "p99.99", "max", "success_rate", "failure_rate", "rps", "endpoints", NULL
};
static const char *const option_keys[] = {"value", "window", "abort_on_fail", "abort_after",
                                          NULL};

static bool is_time(enum target_metric m)
{
    return m == TARGET_PERCENTILE || m == TARGET_MEDIAN || m == TARGET_AVERAGE;
}

static bool is_rate(enum target_metric m)
{
    return m == TARGET_SUCCESS_RATE || m == TARGET_FAILURE_RATE;
}

/* "<", "<=", ">", ">=" (or none) in front of a bound. */
static const char *read_op(const char *s, int *op, bool *strict)
{
    while (*s == ' ')
        s++;
    *op = 0;
    *strict = false;
    if (*s == '<' || *s == '>') {
        *op = *s == '<' ? -1 : 1;
        *strict = s[1] != '=';
        s += *strict ? 1 : 2;
    }
    while (*s == ' ')
        s++;
    return s;
}

/* A number in the metric's unit: ms (durations accepted: "500ms", "1.5s"), a fraction (a
 * percentage "99%" or 0..1), or requests per second. */
static int read_amount(enum target_metric m, const char *s, double *out)
{
    char *end;
    double v;

    if (is_time(m) && loader_parse_duration(s, &v) == 0 && strpbrk(s, "hms")) {
        *out = v * 1000.0;
        return 0;
    }
    v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0)
        return -1;
    while (*end == ' ')
        end++;
    if (is_rate(m) && *end == '%') {
        v /= 100.0;
        end++;
    }
    if (*end != '\0' || (is_rate(m) && v > 1.0))
        return -1;
    *out = v;
    return 0;
}

static const char *expected_form(enum target_metric m)
{
    if (is_time(m))
        return "a time bound such as \"500ms\", \"< 1s\" or 200 (ms)";
    if (is_rate(m))
        return "a rate such as \">= 99%\", \"99.5%\" or 0.99";
    return "a throughput such as [50, 100], \">= 10000\" or 150";
}

/* Default operator: times and failure rates are upper bounds, success rates and rps lower. */
static int set_bound(struct target_def *t, int op, bool strict, double v)
{
    if (op == 0)
        op = is_time(t->metric) || t->metric == TARGET_FAILURE_RATE ? -1 : 1;
    if (is_time(t->metric) && op > 0)
        return -1;                  /* a lower bound on a response time means nothing */
    if (op < 0) {
        t->hi = v;
        t->hi_strict = strict;
    } else {
        t->lo = v;
        t->lo_strict = strict;
    }
    return 0;
}

static int read_scalar_bound(struct loader *ld, const cJSON *item, struct target_def *t)
{
    int op = 0;
    bool strict = false;
    double v;
    const char *rest;

    if (cJSON_IsNumber(item) && isfinite(item->valuedouble) && item->valuedouble >= 0 &&
        !(is_rate(t->metric) && item->valuedouble > 1)) {
        if (set_bound(t, 0, false, item->valuedouble) == 0)
            return 0;
    } else if (cJSON_IsString(item)) {
        rest = read_op(item->valuestring, &op, &strict);
        if (read_amount(t->metric, rest, &v) == 0 && set_bound(t, op, strict, v) == 0)
            return 0;
    }
    return loader_bad_value(ld, item, "%s", expected_form(t->metric));
}

static int read_bound(struct loader *ld, const cJSON *item, struct target_def *t)
{
    const cJSON *a, *b;

    t->lo = -INFINITY;
    t->hi = INFINITY;
    if (!cJSON_IsArray(item))
        return read_scalar_bound(ld, item, t);
    a = cJSON_GetArrayItem(item, 0);
    b = cJSON_GetArrayItem(item, 1);
    if (t->metric != TARGET_RPS || cJSON_GetArraySize(item) != 2 || !cJSON_IsNumber(a) ||
        !cJSON_IsNumber(b) || a->valuedouble < 0 || b->valuedouble < a->valuedouble)
        return loader_bad_value(ld, item, "%s", t->metric == TARGET_RPS
                                ? "a range [low, high] with 0 <= low <= high"
                                : expected_form(t->metric));
    t->lo = a->valuedouble;
    t->hi = b->valuedouble;
    return 0;
}

static int read_window(struct loader *ld, const cJSON *item, struct target_def *t)
{
    const char *s = cJSON_IsString(item) ? item->valuestring : "";

    if (strcmp(s, "run") == 0) {
        t->window = TARGET_WINDOW_RUN;
        return 0;
    }
    if (strcmp(s, "steady") == 0) {
        t->window = TARGET_WINDOW_STEADY;
        return 0;
    }
    if (strncmp(s, "last ", 5) == 0 && loader_parse_duration(s + 5, &t->last) == 0 &&
        t->last >= 1 && t->last <= TARGET_LAST_MAX) {
        t->window = TARGET_WINDOW_LAST;
        return 0;
    }
    return loader_bad_value(ld, item, "\"run\", \"steady\" or \"last DURATION\" (1 s to %d s), "
                            "e.g. \"last 60s\"", TARGET_LAST_MAX);
}

static int read_options(struct loader *ld, const cJSON *obj, struct target_def *t)
{
    const cJSON *value, *m;
    size_t mark;

    if (loader_check_keys(ld, obj, option_keys) < 0 || loader_require(ld, obj, "value", &value) < 0)
        return -1;
    mark = loader_path_key(ld, "value");
    if (read_bound(ld, value, t) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = cJSON_GetObjectItemCaseSensitive(obj, "window"))) {
        mark = loader_path_key(ld, "window");
        if (read_window(ld, m, t) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    if ((m = cJSON_GetObjectItemCaseSensitive(obj, "abort_on_fail"))) {
        mark = loader_path_key(ld, "abort_on_fail");
        if (loader_bool(ld, m, &t->abort_on_fail) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    if ((m = cJSON_GetObjectItemCaseSensitive(obj, "abort_after"))) {
        mark = loader_path_key(ld, "abort_after");
        if (loader_duration(ld, m, &t->abort_after) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

static void format_amount(enum target_metric m, double v, char *out, size_t n)
{
    if (is_time(m))
        snprintf(out, n, v >= 1000 ? "%g s" : "%g ms", v >= 1000 ? v / 1000 : v);
    else if (is_rate(m))
        snprintf(out, n, "%g%%", v * 100);
    else
        snprintf(out, n, "%g", v);
}

/* "p99 < 500 ms", "success rate >= 99%", "rps 50..100", "rps >= 10000". */
static char *describe(const struct target_def *t, const char *label)
{
    char lo[32], hi[32], buf[128];

    format_amount(t->metric, t->lo, lo, sizeof lo);
    format_amount(t->metric, t->hi, hi, sizeof hi);
    if (isfinite(t->lo) && isfinite(t->hi))
        snprintf(buf, sizeof buf, "%s %s..%s", label, lo, hi);
    else if (isfinite(t->hi))
        snprintf(buf, sizeof buf, "%s %s %s", label, t->hi_strict ? "<" : "<=", hi);
    else
        snprintf(buf, sizeof buf, "%s %s %s", label, t->lo_strict ? ">" : ">=", lo);
    return strdup(buf);
}

static int add_target(struct loader *ld, const struct target_def *t)
{
    struct scenario *s = ld->s;
    struct target_def *p = realloc(s->targets, (s->n_targets + 1) * sizeof *p);

    if (!p)
        return loader_fail_at(ld, 0, "out of memory");
    s->targets = p;
    s->targets[s->n_targets++] = *t;
    return 0;
}

static int read_target(struct loader *ld, const cJSON *item, const struct metric_key *mk,
                       int32_t endpoint, const char *label)
{
    struct target_def t = {.metric = mk->metric, .pct = mk->pct, .endpoint = endpoint,
                           .lo = -INFINITY, .hi = INFINITY, .line = 0};

    t.window = mk->metric == TARGET_RPS ? TARGET_WINDOW_STEADY : TARGET_WINDOW_RUN;
    t.line = loader_line(ld, loader_key_offset(ld, item));
    if (cJSON_IsObject(item) ? read_options(ld, item, &t) < 0 : read_bound(ld, item, &t) < 0)
        return -1;
    t.text = describe(&t, mk->label);
    t.endpoint_label = label ? strdup(label) : NULL;
    t.where = strdup(ld->path);
    if (!t.text || !t.where || (label && !t.endpoint_label) || add_target(ld, &t) < 0) {
        free(t.text);
        free(t.endpoint_label);
        free(t.where);
        return loader_fail_at(ld, 0, "out of memory");
    }
    return 0;
}

/* The metric members of obj (a targets block or one endpoint's block). */
static int read_metrics(struct loader *ld, const cJSON *obj, int32_t endpoint,
                        const char *label)
{
    for (size_t i = 0; i < N_METRICS; i++) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, metric_keys[i].key);
        size_t mark;

        if (!m)
            continue;
        mark = loader_path_key(ld, metric_keys[i].key);
        if (read_target(ld, m, &metric_keys[i], endpoint, label) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

/* "GET /api/v1/x/" or "/api/v1/x/" -> an endpoint index; ambiguity and typos are errors. */
static int find_endpoint(struct loader *ld, const cJSON *item, const char *label, int32_t *out)
{
    const struct scenario *s = ld->s;
    const char *name = label, **names;
    int method = -1, found = -1, matches = 0;
    const char *hint;

    for (int m = 0; m < HTTP_METHOD_COUNT; m++) {
        size_t n = strlen(http_method_names[m]);
        if (strncmp(label, http_method_names[m], n) == 0 && label[n] == ' ') {
            method = m;
            name = label + n + 1;
        }
    }
    for (uint32_t i = 0; i < s->n_endpoints; i++)
        if (strcmp(s->endpoints[i].name, name) == 0 &&
            (method < 0 || (int)s->endpoints[i].method == method)) {
            found = (int)i;
            matches++;
        }
    if (matches == 1) {
        *out = found;
        return 0;
    }
    if (matches > 1)
        return loader_fail(ld, item, LOADER_KEY, "\"%s\" is requested with several methods: write "
                           "\"METHOD %s\"", name, name);
    names = calloc(s->n_endpoints + 1, sizeof *names);
    for (uint32_t i = 0; names && i < s->n_endpoints; i++)
        names[i] = s->endpoints[i].name;
    hint = names ? suggest_closest(name, strlen(name), names, s->n_endpoints) : NULL;
    loader_fail(ld, item, LOADER_KEY, "no step is named \"%s\"%s%s%s", name,
                hint ? " (did you mean \"" : "", hint ? hint : "", hint ? "\"?)" : "");
    free(names);
    return -1;
}

static int read_endpoints(struct loader *ld, const cJSON *obj)
{
    const cJSON *m;

    if (loader_object(ld, obj) < 0)
        return -1;
    cJSON_ArrayForEach(m, obj) {
        size_t mark = loader_path_key(ld, m->string);
        int32_t ep = -1;

        if (find_endpoint(ld, m, m->string, &ep) < 0 || loader_object(ld, m) < 0 ||
            loader_check_keys(ld, m, block_keys + 0) < 0)
            return -1;
        if (cJSON_GetObjectItemCaseSensitive(m, "endpoints"))
            return loader_fail(ld, cJSON_GetObjectItemCaseSensitive(m, "endpoints"), LOADER_KEY,
                               "\"endpoints\" belongs at the top of the targets block");
        if (read_metrics(ld, m, ep, m->string) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

int scenario_targets_parse(struct loader *ld, const cJSON *obj)
{
    const cJSON *eps;
    size_t mark;

    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, block_keys) < 0)
        return -1;
    if (read_metrics(ld, obj, -1, NULL) < 0)
        return -1;
    if ((eps = cJSON_GetObjectItemCaseSensitive(obj, "endpoints"))) {
        mark = loader_path_key(ld, "endpoints");
        if (read_endpoints(ld, eps) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

void scenario_targets_free(struct target_def *t, uint32_t n)
{
    for (uint32_t i = 0; t && i < n; i++) {
        free(t[i].text);
        free(t[i].endpoint_label);
        free(t[i].where);
    }
    free(t);
}
