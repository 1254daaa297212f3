/* api_deployments: POST/GET/PATCH /api/v1/deployments/ and the deployment records (their
 * writable fields validated as a Django REST serializer would, rendered once as JSON). Creating
 * a deployment opens its pending CAB approval and sends a Celery task to notify the CAB. Loop
 * thread only. */
#include <stdlib.h>
#include <string.h>
#include "api_internal.h"

enum { PLATFORMS_MAX = 16 };

struct field_spec {
    const char *key;
    uint32_t max_chars;         /* per item for a list */
    bool list;                  /* a list of strings */
    bool allow_blank;
    const char *fallback;       /* JSON value when a create leaves it out */
};

static const struct field_spec specs[DEP_FIELDS] = {
    [DEP_NAME] = {"name", 200, false, false, NULL},
    [DEP_VERSION] = {"version", 64, false, true, "\"\""},
    [DEP_RING] = {"ring", 32, false, true, "\"\""},
    [DEP_PLATFORMS] = {"target_platforms", 32, true, true, "[]"},
    [DEP_DESCRIPTION] = {"description", 2000, false, true, "\"\""},
};

static uint32_t utf8_chars(const char *s)
{
    uint32_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void field_error(struct strbuf *errs, const char *key, const char *msg, uint32_t limit)
{
    strbuf_puts(errs, errs->len ? ", " : "{");
    jsonw_key(errs, key);
    strbuf_puts(errs, "[\"");
    strbuf_puts(errs, msg);
    if (limit) {
        strbuf_put_u64(errs, limit);
        strbuf_puts(errs, " characters.");
    }
    strbuf_puts(errs, "\"]");
}

/* Check one string against a spec; the error text, or NULL. */
static const char *check_string(const cJSON *v, const struct field_spec *f)
{
    if (cJSON_IsNull(v))
        return "This field may not be null.";
    if (!cJSON_IsString(v))
        return "Not a valid string.";
    if (!f->allow_blank && !*v->valuestring)
        return "This field may not be blank.";
    if (utf8_chars(v->valuestring) > f->max_chars)
        return "Ensure this field has no more than ";
    return NULL;
}

/* Validate a given value and render it into text; false after recording the error. */
static bool render_field(const cJSON *v, const struct field_spec *f, struct strbuf *text,
                         struct strbuf *errs)
{
    const char *msg = NULL;
    const cJSON *item;
    int n = 0;

    if (!f->list) {
        msg = check_string(v, f);
        if (!msg)
            jsonw_str(text, v->valuestring, strlen(v->valuestring));
    } else if (!cJSON_IsArray(v)) {
        msg = "Expected a list of items.";
    } else {
        strbuf_putc(text, '[');
        cJSON_ArrayForEach(item, v) {
            if ((msg = check_string(item, f)) || ++n > PLATFORMS_MAX)
                break;
            if (n > 1)
                strbuf_append(text, ", ", 2);
            jsonw_str(text, item->valuestring, strlen(item->valuestring));
        }
        if (!msg && n > PLATFORMS_MAX)
            msg = "Ensure this field has no more than 16 elements.";
        strbuf_putc(text, ']');
    }
    if (msg)
        field_error(errs, f->key, msg, msg[strlen(msg) - 1] == ' ' ? f->max_chars : 0);
    return !msg;
}

/* Build the fields of a deployment from a body over old ones (NULL for a create: defaults, and
 * the name is required). NULL after recording errors. */
static struct dep_text *build_text(const cJSON *body, const struct dep_text *old,
                                   struct strbuf *errs)
{
    struct strbuf text = {0};
    uint32_t off[DEP_FIELDS], len[DEP_FIELDS];
    struct dep_text *t = NULL;

    for (int i = 0; i < DEP_FIELDS; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, specs[i].key);
        off[i] = (uint32_t)text.len;
        if (v)
            render_field(v, &specs[i], &text, errs);
        else if (old)
            strbuf_append(&text, old->json + old->off[i], old->len[i]);
        else if (specs[i].fallback)
            strbuf_puts(&text, specs[i].fallback);
        else
            field_error(errs, specs[i].key, "This field is required.", 0);
        len[i] = (uint32_t)(text.len - off[i]);
    }
    if (!errs->len) {
        t = malloc(sizeof *t + text.len);
        if (!t)
            abort();
        memcpy(t->off, off, sizeof off);
        memcpy(t->len, len, sizeof len);
        memcpy(t->json, text.data, text.len);
    }
    strbuf_free(&text);
    return t;
}

void api_deployment_free(struct record *r)
{
    struct deployment *d = (struct deployment *)r;

    free(d->text);
    d->text = NULL;
}

/* A deployment as its JSON object. */
static void deployment_json(struct strbuf *out, const struct deployment *d)
{
    strbuf_puts(out, "{\"id\": ");
    jsonw_uuid(out, &d->rec.id);
    for (int i = 0; i < DEP_FIELDS; i++) {
        strbuf_append(out, ", ", 2);
        jsonw_key(out, specs[i].key);
        strbuf_append(out, d->text->json + d->text->off[i], d->text->len[i]);
    }
    strbuf_puts(out, ", \"status\": \"");
    strbuf_puts(out, api_decision_names[d->rec.status]);
    strbuf_puts(out, "\", \"created_by\": \"");
    strbuf_puts(out, api_user_names[d->created_by]);
    strbuf_puts(out, "\", \"created_at\": ");
    jsonw_time(out, d->created_at);
    strbuf_puts(out, ", \"updated_at\": ");
    jsonw_time(out, d->updated_at);
    strbuf_puts(out, ", \"approval_id\": ");
    jsonw_uuid(out, &d->approval_id);
    strbuf_putc(out, '}');
}

static void answer_errors(struct strbuf *out, struct api_response *rs, struct strbuf *errs)
{
    strbuf_append(out, errs->data, errs->len);
    strbuf_putc(out, '}');
    rs->status = 400;
}

void api_deployment_create(struct api *a, const struct api_request *rq,
                           const struct api_match *m, struct strbuf *out, struct api_response *rs)
{
    struct strbuf errs = {0};
    cJSON *body = api_body_object(rq, out, rs);
    struct dep_text *text;
    struct uuid id, approval_id;

    (void)m;
    if (!body)
        return;
    text = build_text(body, NULL, &errs);
    cJSON_Delete(body);
    if (!text) {
        answer_errors(out, rs, &errs);
        strbuf_free(&errs);
        return;
    }
    prng_uuid(&a->prng, id.b);
    prng_uuid(&a->prng, approval_id.b);
    struct deployment *d = (struct deployment *)(void *)store_table_add(&a->deployments, &id,
                                                                         DECISION_PENDING);
    d->approval_id = approval_id;
    d->created_at = d->updated_at = rq->now;
    d->text = text;
    d->created_by = a->user;
    struct approval *ap = (struct approval *)(void *)store_table_add(&a->approvals,
                                                                     &approval_id,
                                                                     DECISION_PENDING);
    ap->deployment_id = id;
    ap->created_at = rq->now;
    ap->requested_by = a->user;
    ap->decided_by = USER_NONE;
    if (a->cfg.cab_auto_approve)            /* the CAB approves at once: nothing is pending */
        api_approval_decide(a, ap, DECISION_APPROVED, rq->now);
    deployment_json(out, d);
    rs->status = 201;
    backend_task_sent(&a->backend, BACKEND_TASK_CAB, rq->now);    /* notify the CAB */
}

static void emit_deployment(struct strbuf *out, const struct record *r)
{
    deployment_json(out, (const struct deployment *)(const void *)r);
}

void api_deployment_list(struct api *a, const struct api_request *rq,
                         const struct api_match *m, struct strbuf *out, struct api_response *rs)
{
    (void)m;
    api_list(&a->deployments, rq, out, rs, emit_deployment);
}

static struct deployment *find(struct api *a, const struct api_match *m, struct strbuf *out,
                               struct api_response *rs)
{
    struct uuid id;
    struct record *r;

    if (api_arg_uuid(m, &id, out, rs))
        return NULL;
    r = store_table_find(&a->deployments, &id);
    if (!r)
        api_error(out, rs, 404, "Not found.");
    return (struct deployment *)(void *)r;
}

void api_deployment_get(struct api *a, const struct api_request *rq,
                        const struct api_match *m, struct strbuf *out, struct api_response *rs)
{
    struct deployment *d = find(a, m, out, rs);

    (void)rq;
    if (!d)
        return;
    deployment_json(out, d);
    rs->status = 200;
}

void api_deployment_patch(struct api *a, const struct api_request *rq,
                          const struct api_match *m, struct strbuf *out, struct api_response *rs)
{
    struct deployment *d = find(a, m, out, rs);
    struct strbuf errs = {0};
    struct dep_text *text;
    cJSON *body;

    if (!d || !(body = api_body_object(rq, out, rs)))
        return;
    text = build_text(body, d->text, &errs);
    cJSON_Delete(body);
    if (!text) {
        answer_errors(out, rs, &errs);
        strbuf_free(&errs);
        return;
    }
    free(d->text);
    d->text = text;
    d->updated_at = rq->now;
    deployment_json(out, d);
    rs->status = 200;
}
