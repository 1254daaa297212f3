/* api_approvals: the CAB approval flow: GET /api/v1/cab/approvals/, POST .../{id}/approve/ and
 * .../{id}/reject/, POST .../bulk-approve/, and the event log of decisions (GET
 * /api/v1/events/). A decision also moves the deployment to "approved" or "rejected". Loop
 * thread only. */
#include <stdlib.h>
#include <string.h>
#include "api_internal.h"

enum { EVENTS_DEFAULT = 50, EVENTS_MAX = 500 };

static void put_user(struct strbuf *out, uint8_t user)
{
    if (user >= USER_COUNT) {
        strbuf_append(out, "null", 4);
        return;
    }
    strbuf_putc(out, '"');
    strbuf_puts(out, api_user_names[user]);
    strbuf_putc(out, '"');
}

static void approval_json(struct strbuf *out, const struct approval *ap)
{
    strbuf_puts(out, "{\"id\": ");
    jsonw_uuid(out, &ap->rec.id);
    strbuf_puts(out, ", \"deployment_id\": ");
    jsonw_uuid(out, &ap->deployment_id);
    strbuf_puts(out, ", \"status\": \"");
    strbuf_puts(out, api_decision_names[ap->rec.status]);
    strbuf_puts(out, "\", \"requested_by\": ");
    put_user(out, ap->requested_by);
    strbuf_puts(out, ", \"created_at\": ");
    jsonw_time(out, ap->created_at);
    strbuf_puts(out, ", \"decided_by\": ");
    put_user(out, ap->decided_by);
    strbuf_puts(out, ", \"decided_at\": ");
    jsonw_time(out, ap->decided_at);
    strbuf_putc(out, '}');
}

static void emit_approval(struct strbuf *out, const struct record *r)
{
    approval_json(out, (const struct approval *)(const void *)r);
}

void api_approval_list(struct api *a, const struct api_request *rq, const struct api_match *m,
                       struct strbuf *out, struct api_response *rs)
{
    (void)m;
    api_list(&a->approvals, rq, out, rs, emit_approval);
}

/* Record a decision on ap in the event log. */
static void event_add(struct api *a, const struct approval *ap, uint8_t decision)
{
    struct uuid id;
    struct event *e;

    prng_uuid(&a->prng, id.b);
    e = (struct event *)(void *)store_table_add(&a->events, &id, 0);
    e->approval_id = ap->rec.id;
    e->deployment_id = ap->deployment_id;
    e->created_at = ap->decided_at;
    e->decision = decision;
    e->actor = ap->decided_by;
}

void api_approval_decide(struct api *a, struct approval *ap, uint8_t decision, double now)
{
    struct record *d = store_table_find(&a->deployments, &ap->deployment_id);

    store_table_set_status(&a->approvals, &ap->rec, decision);
    ap->decided_by = a->user;
    ap->decided_at = now;
    if (d) {
        store_table_set_status(&a->deployments, d, decision);
        ((struct deployment *)(void *)d)->updated_at = now;
    }
    event_add(a, ap, decision);
}

static void decide_one(struct api *a, const struct api_request *rq, const struct api_match *m,
                       struct strbuf *out, struct api_response *rs, uint8_t decision)
{
    struct uuid id;
    struct approval *ap;

    if (api_arg_uuid(m, &id, out, rs))
        return;
    ap = (struct approval *)(void *)store_table_find(&a->approvals, &id);
    if (!ap) {
        api_error(out, rs, 404, "Not found.");
        return;
    }
    if (ap->rec.status != DECISION_PENDING) {
        api_error(out, rs, 409, "Approval already decided.");
        return;
    }
    api_approval_decide(a, ap, decision, rq->now);
    approval_json(out, ap);
    rs->status = 200;
}

void api_approval_approve(struct api *a, const struct api_request *rq,
                          const struct api_match *m, struct strbuf *out, struct api_response *rs)
{
    decide_one(a, rq, m, out, rs, DECISION_APPROVED);
}

void api_approval_reject(struct api *a, const struct api_request *rq,
                         const struct api_match *m, struct strbuf *out, struct api_response *rs)
{
    decide_one(a, rq, m, out, rs, DECISION_REJECTED);
}

/* The "ids" member: an array of strings, or NULL after answering 400. */
static const cJSON *bulk_ids(const cJSON *body, struct strbuf *out, struct api_response *rs)
{
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(body, "ids"), *item;
    const char *msg = NULL;

    if (!ids)
        msg = "This field is required.";
    else if (!cJSON_IsArray(ids))
        msg = "Expected a list of items.";
    for (item = msg ? NULL : ids->child; item; item = item->next) {
        if (!cJSON_IsString(item)) {
            msg = "Expected a list of UUID strings.";
            break;
        }
    }
    if (!msg)
        return ids;
    strbuf_puts(out, "{\"ids\": [\"");
    strbuf_puts(out, msg);
    strbuf_puts(out, "\"]}");
    rs->status = 400;
    return NULL;
}

void api_approval_bulk(struct api *a, const struct api_request *rq, const struct api_match *m,
                       struct strbuf *out, struct api_response *rs)
{
    cJSON *body = api_body_object(rq, out, rs);
    const cJSON *ids, *item;
    struct strbuf skipped = {0};
    size_t approved = 0;

    (void)m;
    if (!body || !(ids = bulk_ids(body, out, rs))) {
        cJSON_Delete(body);
        return;
    }
    strbuf_puts(out, "{\"approved\": [");
    cJSON_ArrayForEach(item, ids) {
        const char *s = item->valuestring;
        struct uuid id;
        struct approval *ap = NULL;
        if (uuid_parse(s, strlen(s), &id) == 0)
            ap = (struct approval *)(void *)store_table_find(&a->approvals, &id);
        if (ap && ap->rec.status == DECISION_PENDING) {
            api_approval_decide(a, ap, DECISION_APPROVED, rq->now);
            if (approved++)
                strbuf_append(out, ", ", 2);
            jsonw_str(out, s, strlen(s));
        } else {
            if (skipped.len)
                strbuf_append(&skipped, ", ", 2);
            jsonw_str(&skipped, s, strlen(s));
        }
    }
    strbuf_puts(out, "], \"skipped\": [");
    strbuf_append(out, skipped.data, skipped.len);
    strbuf_puts(out, "]}");
    rs->status = 200;
    strbuf_free(&skipped);
    cJSON_Delete(body);
}

static void event_json(struct strbuf *out, const struct event *e)
{
    strbuf_puts(out, "{\"id\": ");
    jsonw_uuid(out, &e->rec.id);
    strbuf_puts(out, ", \"type\": \"approval.");
    strbuf_puts(out, api_decision_names[e->decision]);
    strbuf_puts(out, "\", \"approval_id\": ");
    jsonw_uuid(out, &e->approval_id);
    strbuf_puts(out, ", \"deployment_id\": ");
    jsonw_uuid(out, &e->deployment_id);
    strbuf_puts(out, ", \"actor\": ");
    put_user(out, e->actor);
    strbuf_puts(out, ", \"created_at\": ");
    jsonw_time(out, e->created_at);
    strbuf_putc(out, '}');
}

void api_event_list(struct api *a, const struct api_request *rq, const struct api_match *m,
                    struct strbuf *out, struct api_response *rs)
{
    char text[24];
    long limit = EVENTS_DEFAULT;
    struct record *r;

    (void)m;
    if (api_query(rq, "limit", text, sizeof text)) {
        char *end;
        long v = strtol(text, &end, 10);
        if (*text >= '0' && *text <= '9' && !*end && v > 0)
            limit = v > EVENTS_MAX ? EVENTS_MAX : v;
    }
    strbuf_puts(out, "{\"results\": [");
    for (long i = 0; i < limit && (r = store_table_newest(&a->events, (uint32_t)i)); i++) {
        if (i)
            strbuf_append(out, ", ", 2);
        event_json(out, (const struct event *)(const void *)r);
    }
    strbuf_append(out, "]}", 2);
    rs->status = 200;
}
