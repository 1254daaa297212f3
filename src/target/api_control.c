/* api_control: GET and POST /api/v1/_control/, the simulation's knobs changed live while a
 * load runs (a test, or an engineer rehearsing an incident): POST {"celery_workers": 0} stops
 * the Celery workers, {"db_pool_size": 5} shrinks the database pool. Every key of the body is
 * checked before any is applied (400 with Django REST framework's per-field errors otherwise);
 * the answer, and GET's, is every knob's current value.
 *
 * A knob is one line of the table below: a check of the JSON value, what applying it does,
 * and how its current value shows (NULL for an action, such as emptying a list, which has no
 * value to show). Loop thread only. */
#include <http_parser.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "api_internal.h"

struct knob {
    const char *name;
    /* 0, or -1 with Django REST framework's message for the value. */
    int (*check)(const struct knob *k, const cJSON *v, char *msg, size_t msglen);
    void (*apply)(struct api *a, const cJSON *v, double now);
    void (*show)(const struct api *a, struct strbuf *out);
    double min, max;            /* bounds of a numeric knob */
};

static int check_number(const struct knob *k, const cJSON *v, char *msg, size_t msglen)
{
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        snprintf(msg, msglen, "A valid number is required.");
    else if (v->valuedouble > k->max)
        snprintf(msg, msglen, "Ensure this value is less than or equal to %g.", k->max);
    else if (v->valuedouble < k->min)
        snprintf(msg, msglen, "Ensure this value is greater than or equal to %g.", k->min);
    else
        return 0;
    return -1;
}

static int check_whole(const struct knob *k, const cJSON *v, char *msg, size_t msglen)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)) {
        snprintf(msg, msglen, "A valid integer is required.");
        return -1;
    }
    return check_number(k, v, msg, msglen);
}

static void apply_pool(struct api *a, const cJSON *v, double now)
{
    (void)now;
    a->cfg.db_pool_size = (uint32_t)v->valuedouble;
    backend_db_resize(&a->backend, a->cfg.db_pool_size);   /* the server hands out the rest */
}

static void show_pool(const struct api *a, struct strbuf *out)
{
    strbuf_put_u64(out, a->backend.pool_size);
}

static void apply_workers(struct api *a, const cJSON *v, double now)
{
    a->cfg.celery_workers = (uint32_t)v->valuedouble;
    backend_set_workers(&a->backend, a->cfg.celery_workers, now);
}

static void show_workers(const struct api *a, struct strbuf *out)
{
    strbuf_put_u64(out, a->backend.workers);
}

static void apply_rate(struct api *a, const cJSON *v, double now)
{
    a->cfg.celery_rate = v->valuedouble;
    backend_set_rate(&a->backend, a->cfg.celery_rate, now);
}

static void show_rate(const struct api *a, struct strbuf *out)
{
    char text[32];

    snprintf(text, sizeof text, "%.17g", a->backend.rate);
    strbuf_puts(out, text);
}

/* [STALL_S, PERIOD_S]: 0 < stall < period, or [0, 0] (or 0) for none. */
static int check_stall(const struct knob *k, const cJSON *v, char *msg, size_t msglen)
{
    const cJSON *s = cJSON_GetArrayItem(v, 0), *p = cJSON_GetArrayItem(v, 1);

    if (cJSON_IsNumber(v) && v->valuedouble == 0)
        return 0;
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 || !cJSON_IsNumber(s) ||
        !cJSON_IsNumber(p) || !isfinite(s->valuedouble) || !isfinite(p->valuedouble) ||
        s->valuedouble < 0 || (s->valuedouble > 0 && !(p->valuedouble > s->valuedouble &&
                                                       p->valuedouble <= k->max))) {
        snprintf(msg, msglen, "Expected [stall_seconds, period_seconds] with 0 < stall < "
                 "period <= %g, or 0 for none.", k->max);
        return -1;
    }
    return 0;
}

/* The stall's periods count from now: the first stall ends one period from now. */
static void apply_stall(struct api *a, const cJSON *v, double now)
{
    double stall = cJSON_IsArray(v) ? cJSON_GetArrayItem(v, 0)->valuedouble : 0;

    a->cfg.stall_s = stall;
    a->cfg.stall_period_s = stall > 0 ? cJSON_GetArrayItem(v, 1)->valuedouble : 0;
    a->stall_anchor = now;
}

static void show_stall(const struct api *a, struct strbuf *out)
{
    char text[80];

    snprintf(text, sizeof text, "[%.17g, %.17g]", a->cfg.stall_s, a->cfg.stall_period_s);
    strbuf_puts(out, text);
}

static int check_bool(const struct knob *k, const cJSON *v, char *msg, size_t msglen)
{
    (void)k;
    if (cJSON_IsBool(v))
        return 0;
    snprintf(msg, msglen, "Must be a valid boolean.");
    return -1;
}

static void apply_auto_approve(struct api *a, const cJSON *v, double now)
{
    (void)now;
    a->cfg.cab_auto_approve = cJSON_IsTrue(v);
}

static void show_auto_approve(const struct api *a, struct strbuf *out)
{
    strbuf_puts(out, a->cfg.cab_auto_approve ? "true" : "false");
}

static int plane_index(const char *name)
{
    for (int p = 0; p < TARGET_PLANE_COUNT; p++)
        if (!strcmp(target_plane_names[p], name))
            return p;
    return -1;
}

/* {"jamf": 1, "sccm": 0.2}: the share of each named plane's publishes answered 503 (1: the
 * plane is down, listed "offline"; 0: back "online"); planes not named keep theirs. */
static int check_rates(const struct knob *k, const cJSON *v, char *msg, size_t msglen)
{
    const cJSON *m;

    if (!cJSON_IsObject(v)) {
        snprintf(msg, msglen, "Expected a dictionary of plane names to rates.");
        return -1;
    }
    cJSON_ArrayForEach(m, v) {
        if (plane_index(m->string) < 0) {
            snprintf(msg, msglen, "\"%s\" is not a plane: expected intune, jamf, sccm, "
                     "landscape or ansible.", m->string);
            return -1;
        }
        if (check_number(k, m, msg, msglen) < 0)
            return -1;
    }
    return 0;
}

static void apply_rates(struct api *a, const cJSON *v, double now)
{
    const cJSON *m;

    (void)now;
    cJSON_ArrayForEach(m, v)
        a->cfg.plane_error_rate[plane_index(m->string)] = m->valuedouble;
}

static void show_rates(const struct api *a, struct strbuf *out)
{
    char text[48];

    strbuf_putc(out, '{');
    for (int p = 0; p < TARGET_PLANE_COUNT; p++) {
        snprintf(text, sizeof text, "%s\"%s\": %.17g", p ? ", " : "", target_plane_names[p],
                 a->cfg.plane_error_rate[p]);
        strbuf_puts(out, text);
    }
    strbuf_putc(out, '}');
}

static const struct knob knobs[] = {
    {"db_pool_size", check_whole, apply_pool, show_pool, 1, TARGET_DB_POOL_LIMIT},
    {"celery_workers", check_whole, apply_workers, show_workers, 0, TARGET_CELERY_WORKERS_LIMIT},
    {"celery_rate", check_number, apply_rate, show_rate, 0, TARGET_CELERY_RATE_LIMIT},
    {"stall", check_stall, apply_stall, show_stall, 0, TARGET_STALL_PERIOD_LIMIT},
    {"cab_auto_approve", check_bool, apply_auto_approve, show_auto_approve, 0, 0},
    {"plane_error_rate", check_rates, apply_rates, show_rates, 0, 1},
};
enum { KNOBS = sizeof knobs / sizeof knobs[0] };

static const struct knob *find_knob(const char *name)
{
    for (int i = 0; i < KNOBS; i++) {
        if (!strcmp(knobs[i].name, name))
            return &knobs[i];
    }
    return NULL;
}

/* Check every member of body; the errors as {"key": ["msg"], ...} in errs (empty: none). */
static void check_all(const cJSON *body, struct strbuf *errs)
{
    const cJSON *v;
    char msg[400];

    cJSON_ArrayForEach(v, body) {
        const struct knob *k = find_knob(v->string);
        if (!k) {
            size_t n = (size_t)snprintf(msg, sizeof msg, "Unknown setting: expected one of");
            for (int i = 0; i < KNOBS && n < sizeof msg; i++)
                n += (size_t)snprintf(msg + n, sizeof msg - n, "%s %s", i ? "," : "",
                                      knobs[i].name);
            if (n < sizeof msg)
                snprintf(msg + n, sizeof msg - n, ".");
        } else if (k->check(k, v, msg, sizeof msg) == 0) {
            continue;
        }
        strbuf_puts(errs, errs->len ? ", " : "{");
        jsonw_str(errs, v->string, strlen(v->string));
        strbuf_puts(errs, ": [");
        jsonw_str(errs, msg, strlen(msg));
        strbuf_putc(errs, ']');
    }
}

static void show_all(const struct api *a, struct strbuf *out)
{
    bool first = true;

    strbuf_putc(out, '{');
    for (int i = 0; i < KNOBS; i++) {
        if (!knobs[i].show)
            continue;
        strbuf_puts(out, first ? "\"" : ", \"");
        strbuf_puts(out, knobs[i].name);
        strbuf_puts(out, "\": ");
        knobs[i].show(a, out);
        first = false;
    }
    strbuf_putc(out, '}');
}

void api_control(struct api *a, const struct api_request *rq, const struct api_match *m,
                 struct strbuf *out, struct api_response *rs)
{
    struct strbuf errs = {0};
    const cJSON *v;
    cJSON *body;

    (void)m;
    if (rq->method == HTTP_POST) {
        if (!(body = api_body_object(rq, out, rs)))
            return;
        check_all(body, &errs);
        if (errs.len) {
            strbuf_putc(&errs, '}');
            strbuf_append(out, errs.data, errs.len);
            strbuf_free(&errs);
            cJSON_Delete(body);
            rs->status = 400;
            return;
        }
        cJSON_ArrayForEach(v, body)
            find_knob(v->string)->apply(a, v, rq->now);
        cJSON_Delete(body);
    }
    show_all(a, out);
    rs->status = 200;
}
