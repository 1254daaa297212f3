/* api_connectors: the connectors to the five management planes: GET /api/v1/connectors/,
 * POST /api/v1/connectors/{plane}/publish/ (503 at the plane's error rate; an accepted job
 * sends a Celery task) and GET
 * /api/v1/connectors/jobs/{job_id}/, whose status moves queued -> running -> succeeded or
 * failed as time passes (computed from timestamps when read: no timer per job). Loop thread
 * only. */
#include <stdio.h>
#include <string.h>
#include "api_internal.h"

static const char *const plane_titles[TARGET_PLANE_COUNT] = {
    "Microsoft Intune", "Jamf Pro", "Microsoft SCCM", "Canonical Landscape",
    "Red Hat Ansible Automation Platform"
};
static const char *const plane_short[TARGET_PLANE_COUNT] = {
    "Intune", "Jamf", "SCCM", "Landscape", "Ansible"
};

const char *api_plane_status(const struct api *a, int plane)
{
    double rate = a->cfg.plane_error_rate[plane];

    return rate >= 1 ? "offline" : rate > 0 ? "degraded" : "online";
}

void api_connector_list(struct api *a, const struct api_request *rq, const struct api_match *m,
                        struct strbuf *out, struct api_response *rs)
{
    (void)rq, (void)m;
    strbuf_puts(out, "{\"results\": [");
    for (int p = 0; p < TARGET_PLANE_COUNT; p++) {
        strbuf_puts(out, p ? ", {\"plane\": \"" : "{\"plane\": \"");
        strbuf_puts(out, target_plane_names[p]);
        strbuf_puts(out, "\", \"name\": \"");
        strbuf_puts(out, plane_titles[p]);
        strbuf_puts(out, "\", \"status\": \"");
        strbuf_puts(out, api_plane_status(a, p));
        strbuf_puts(out, "\"}");
    }
    strbuf_append(out, "]}", 2);
    rs->status = 200;
}

static int find_plane(const char *s, size_t n)
{
    for (int p = 0; p < TARGET_PLANE_COUNT; p++) {
        if (strlen(target_plane_names[p]) == n && !memcmp(target_plane_names[p], s, n))
            return p;
    }
    return -1;
}

/* The job's status at time now, and when it last changed. */
static const char *job_status(const struct api *a, const struct job *j, double now,
                              double *since)
{
    double phase = a->cfg.job_phase_s, age = now - j->created_at;

    if (age < phase || age <= 0) {
        *since = j->created_at;
        return "queued";
    }
    if (age < 2 * phase) {
        *since = j->created_at + phase;
        return "running";
    }
    *since = j->created_at + 2 * phase;
    return j->fails ? "failed" : "succeeded";
}

static void job_json(struct strbuf *out, const struct api *a, const struct job *j, double now)
{
    double since;
    const char *status = job_status(a, j, now, &since);

    strbuf_puts(out, "{\"job_id\": ");
    jsonw_uuid(out, &j->rec.id);
    strbuf_puts(out, ", \"plane\": \"");
    strbuf_puts(out, target_plane_names[j->plane]);
    strbuf_puts(out, "\", \"deployment_id\": ");
    jsonw_uuid(out, &j->deployment_id);
    strbuf_puts(out, ", \"status\": \"");
    strbuf_puts(out, status);
    strbuf_puts(out, "\", \"created_at\": ");
    jsonw_time(out, j->created_at);
    strbuf_puts(out, ", \"updated_at\": ");
    jsonw_time(out, since);
    strbuf_puts(out, ", \"error\": ");
    if (!strcmp(status, "failed")) {
        strbuf_puts(out, "\"");
        strbuf_puts(out, plane_short[j->plane]);
        strbuf_puts(out, " rejected the package: HTTP 500 from the plane's API.\"");
    } else {
        strbuf_puts(out, "null");
    }
    strbuf_putc(out, '}');
}

/* The deployment a publish names; NULL after answering 400 or 404. */
static struct record *publish_target(struct api *a, const cJSON *body, struct strbuf *out,
                                     struct api_response *rs)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "deployment_id");
    struct uuid id;
    struct record *d;

    if (!v || !cJSON_IsString(v)) {
        strbuf_puts(out, v ? "{\"deployment_id\": [\"Must be a valid UUID.\"]}"
                         : "{\"deployment_id\": [\"This field is required.\"]}");
        rs->status = 400;
        return NULL;
    }
    if (uuid_parse(v->valuestring, strlen(v->valuestring), &id)) {
        strbuf_puts(out, "{\"deployment_id\": [\"Must be a valid UUID.\"]}");
        rs->status = 400;
        return NULL;
    }
    d = store_table_find(&a->deployments, &id);
    if (!d)
        api_error(out, rs, 404, "Not found.");
    return d;
}

void api_connector_publish(struct api *a, const struct api_request *rq,
                           const struct api_match *m, struct strbuf *out, struct api_response *rs)
{
    int plane = find_plane(m->arg, m->arg_len);
    cJSON *body;
    struct record *d;
    struct uuid job_id;
    struct job *j;

    if (plane < 0) {
        api_error(out, rs, 404, "Not found.");
        return;
    }
    if (!(body = api_body_object(rq, out, rs)))
        return;
    d = publish_target(a, body, out, rs);
    cJSON_Delete(body);
    if (!d)
        return;
    if (a->cfg.plane_error_rate[plane] > 0 &&
        prng_unit(&a->prng) < a->cfg.plane_error_rate[plane]) {
        char detail[64];
        snprintf(detail, sizeof detail, "%s connector unavailable.", plane_short[plane]);
        api_error(out, rs, 503, detail);
        return;
    }
    prng_uuid(&a->prng, job_id.b);
    struct uuid dep_id = d->id;
    j = (struct job *)(void *)store_table_add(&a->jobs, &job_id, 0);
    j->deployment_id = dep_id;
    j->created_at = rq->now;
    j->plane = (uint8_t)plane;
    j->fails = prng_unit(&a->prng) < a->cfg.job_failure_rate;
    job_json(out, a, j, rq->now);
    rs->status = 202;
    backend_task_sent(&a->backend, BACKEND_TASK_PUBLISH, rq->now);
}

void api_connector_job(struct api *a, const struct api_request *rq, const struct api_match *m,
                       struct strbuf *out, struct api_response *rs)
{
    struct uuid id;
    struct job *j;

    if (api_arg_uuid(m, &id, out, rs))
        return;
    j = (struct job *)(void *)store_table_find(&a->jobs, &id);
    if (!j) {
        api_error(out, rs, 404, "Not found.");
        return;
    }
    job_json(out, a, j, rq->now);
    rs->status = 200;
}
