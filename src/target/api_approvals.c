/* api_approvals: the CAB approval flow: GET /api/v1/cab/approvals/, POST .../{id}/approve/ and
 * .../{id}/reject/, POST .../bulk-approve/, and the event log of decisions (GET
 * /api/v1/events/). A decision also moves the deployment to "approved" or "rejected". Loop
 * thread only. */
#include <stdlib.h>
#include <string.h>
#include "api_internal.h"

enum { EVENTS_DEFAULT = 50, EVENTS_MAX = 500 };

static void put_user(struct tbuf *out, uint8_t user)
{
    if (user >= USER_COUNT) {
        tbuf_add(out, "null", 4);
        return;
    }
    tbuf_putc(out, '"');
    tbuf_puts(out, api_user_names[user]);
    tbuf_putc(out, '"');
}

static void approval_json(struct tbuf *out, const struct approval *ap)
{
    tbuf_puts(out, "{\"id\": ");
    jsonw_uuid(out, &ap->rec.id);
    tbuf_puts(out, ", \"deployment_id\": ");
    jsonw_uuid(out, &ap->deployment_id);
    tbuf_puts(out, ", \"status\": \"");
    tbuf_puts(out, api_decision_names[ap->rec.status]);
    tbuf_puts(out, "\", \"requested_by\": ");
    put_user(out, ap->requested_by);
    tbuf_puts(out, ", \"created_at\": ");
    jsonw_time(out, ap->created_at);
    tbuf_puts(out, ", \"decided_by\": ");
    put_user(out, ap->decided_by);
    tbuf_puts(out, ", \"decided_at\": ");
    jsonw_time(out, ap->decided_at);
    tbuf_putc(out, '}');
}

static void emit_approval(struct tbuf *out, const struct record *r)
{
    approval_json(out, (const struct approval *)(const void *)r);
}

void api_approval_list(struct api *a, const struct api_request *rq, const struct api_match *m,
                       struct tbuf *out, struct api_response *rs)
{
    (void)m;
    api_list(&a->approvals, rq, out, rs, emit_approval);
}

void api_event_add(struct api *a, const struct approval *ap, uint8_t decision)
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

/* Decide a pending approval: the approval, its deployment, an event. */
static void decide(struct api *a, struct approval *ap, uint8_t decision, double now)
{
    struct record *d = store_table_find(&a->deployments, &ap->deployment_id);

    store_table_set_status(&a->approvals, &ap->rec, decision);
    ap->decided_by = a->user;
    ap->decided_at = now;
    if (d) {
        store_table_set_status(&a->deployments, d, decision);
        ((struct deployment *)(void *)d)->updated_at = now;
    }
    api_event_add(a, ap, decision);
}

static void decide_one(struct api *a, const struct api_request *rq, const struct api_match *m,
                       struct tbuf *out, struct api_response *rs, uint8_t decision)
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
    decide(a, ap, decision, rq->now);
    approval_json(out, ap);
    rs->status = 200;
}

void api_approval_approve(struct api *a, const struct api_request *rq,
                          const struct api_match *m, struct tbuf *out, struct api_response *rs)
{
    decide_one(a, rq, m, out, rs, DECISION_APPROVED);
}

void api_approval_reject(struct api *a, const struct api_request *rq,
                         const struct api_match *m, struct tbuf *out, struct api_response *rs)
{
    decide_one(a, rq, m, out, rs, DECISION_REJECTED);
}

/* The "ids" member: an array of strings, or NULL after answering 400. */
static const cJSON *bulk_ids(const cJSON *body, struct tbuf *out, struct api_response *rs)
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
    tbuf_puts(out, "{\"ids\": [\"");
    tbuf_puts(out, msg);
    tbuf_puts(out, "\"]}");
    rs->status = 400;
    return NULL;
}

void api_approval_bulk(struct api *a, const struct api_request *rq, const struct api_match *m,
                       struct tbuf *out, struct api_response *rs)
{
    cJSON *body = api_body_object(rq, out, rs);
    const cJSON *ids, *item;
    struct tbuf skipped = {0};
    size_t approved = 0;

    (void)m;
    if (!body || !(ids = bulk_ids(body, out, rs))) {
        cJSON_Delete(body);
        return;
    }
    tbuf_puts(out, "{\"approved\": [");
    cJSON_ArrayForEach(item, ids) {
        const char *s = item->valuestring;
        struct uuid id;
        struct approval *ap = NULL;
        if (uuid_parse(s, strlen(s), &id) == 0)
            ap = (struct approval *)(void *)store_table_find(&a->approvals, &id);
        if (ap && ap->rec.status == DECISION_PENDING) {
            decide(a, ap, DECISION_APPROVED, rq->now);
            if (approved++)
                tbuf_add(out, ", ", 2);
            jsonw_str(out, s, strlen(s));
        } else {
            if (skipped.len)
                tbuf_add(&skipped, ", ", 2);
            jsonw_str(&skipped, s, strlen(s));
        }
    }
    tbuf_puts(out, "], \"skipped\": [");
    tbuf_add(out, skipped.data, skipped.len);
    tbuf_puts(out, "]}");
    rs->status = 200;
    tbuf_free(&skipped);
    cJSON_Delete(body);
}

static void event_json(struct tbuf *out, const struct event *e)
{
    tbuf_puts(out, "{\"id\": ");
    jsonw_uuid(out, &e->rec.id);
    tbuf_puts(out, ", \"type\": \"approval.");
    tbuf_puts(out, api_decision_names[e->decision]);
    tbuf_puts(out, "\", \"approval_id\": ");
    jsonw_uuid(out, &e->approval_id);
    tbuf_puts(out, ", \"deployment_id\": ");
    jsonw_uuid(out, &e->deployment_id);
    tbuf_puts(out, ", \"actor\": ");
    put_user(out, e->actor);
    tbuf_puts(out, ", \"created_at\": ");
    jsonw_time(out, e->created_at);
    tbuf_putc(out, '}');
}

void api_event_list(struct api *a, const struct api_request *rq, const struct api_match *m,
                    struct tbuf *out, struct api_response *rs)
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
    tbuf_puts(out, "{\"results\": [");
    for (long i = 0; i < limit && (r = store_table_newest(&a->events, (uint32_t)i)); i++) {
        if (i)
            tbuf_add(out, ", ", 2);
        event_json(out, (const struct event *)(const void *)r);
    }
    tbuf_add(out, "]}", 2);
    rs->status = 200;
}
