/* api_internal: what the api's handler files share: the api's state, the stored records, and
 * helpers for bodies, query strings, pagination and errors. Loop thread only. */
#ifndef HORNET_TARGET_API_INTERNAL_H
#define HORNET_TARGET_API_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "api.h"
#include "backend.h"
#include "jsonw.h"
#include "prng.h"
#include "store.h"

enum { USER_COUNT = 3, USER_NONE = 0xff, TOKEN_LEN = 40 };
extern const char *const api_user_names[USER_COUNT];

/* Statuses of deployments and approvals (their store status lists). */
enum decision { DECISION_PENDING, DECISION_APPROVED, DECISION_REJECTED, DECISION_COUNT };
extern const char *const api_decision_names[DECISION_COUNT];

/* The writable fields of a deployment, rendered as JSON values, in one allocation. */
enum dep_field { DEP_NAME, DEP_VERSION, DEP_RING, DEP_PLATFORMS, DEP_DESCRIPTION, DEP_FIELDS };
struct dep_text {
    uint32_t off[DEP_FIELDS], len[DEP_FIELDS];
    char json[];
};

struct deployment {
    struct record rec;          /* id, status (enum decision) */
    struct uuid approval_id;
    double created_at, updated_at;
    struct dep_text *text;      /* owned */
    uint8_t created_by;
};

struct approval {
    struct record rec;          /* id, status (enum decision) */
    struct uuid deployment_id;
    double created_at, decided_at;
    uint8_t requested_by, decided_by;
};

struct job {
    struct record rec;          /* id (the job_id) */
    struct uuid deployment_id;
    double created_at;
    uint8_t plane;
    bool fails;
};

struct event {
    struct record rec;          /* id */
    struct uuid approval_id, deployment_id;
    double created_at;
    uint8_t decision, actor;
};

struct api {
    struct target_config cfg;
    struct served *served;
    struct prng prng;
    char tokens[USER_COUNT][TOKEN_LEN + 1];
    struct store_table deployments, approvals, jobs, events;
    struct backend backend;     /* database pool, Redis, Celery (its knobs live here) */
    double started;             /* Unix time the api was created (process_start_time) */
    double stall_anchor;        /* Unix time the stall's periods count from */
    uint8_t user;               /* the authenticated user of the request being handled */
};

/* --- helpers (api.c) --- */

/* {"detail": "..."} with this status. */
void api_error(struct strbuf *out, struct api_response *rs, int status, const char *detail);

/* Parse the body as a JSON object (an empty body is {}). NULL after answering 400 (invalid
 * JSON, invalid UTF-8, or not an object). The caller deletes the tree. */
cJSON *api_body_object(const struct api_request *rq, struct strbuf *out, struct api_response *rs);

/* Find a query parameter and percent-decode its value into val (NUL-terminated). false when
 * absent or longer than valsz - 1. */
bool api_query(const struct api_request *rq, const char *key, char *val, size_t valsz);

struct page {
    uint32_t number;            /* 1-based */
    uint32_t size;
    uint32_t offset;            /* (number - 1) * size */
};

/* A whole paginated listing of t filtered by ?status= (answers 400/404 itself): count, links
 * and the page's records written by emit; status 200. */
void api_list(struct store_table *t, const struct api_request *rq, struct strbuf *out,
              struct api_response *rs, void (*emit)(struct strbuf *out, const struct record *r));

/* Parse the path argument as a UUID; -1 after answering 404. */
int api_arg_uuid(const struct api_match *m, struct uuid *id, struct strbuf *out,
                 struct api_response *rs);

/* --- handlers (api_deployments.c, api_approvals.c, api_connectors.c, api_health.c,
 * api_control.c) --- */
typedef void api_handler(struct api *a, const struct api_request *rq, const struct api_match *m,
                         struct strbuf *out, struct api_response *rs);
api_handler api_deployment_create, api_deployment_list, api_deployment_get,
    api_deployment_patch, api_approval_list, api_approval_approve, api_approval_reject,
    api_approval_bulk, api_event_list, api_connector_list, api_connector_publish,
    api_connector_job, api_health, api_metrics, api_control;

/* A plane's status as GET /api/v1/connectors/ shows it: "online", "degraded" (some publishes
 * fail) or "offline" (all do). */
const char *api_plane_status(const struct api *a, int plane);

void api_deployment_free(struct record *r);

/* Decide a pending approval: the approval, its deployment (when still stored) and an event;
 * decided by the request's user (the CAB itself when a deployment is auto-approved). */
void api_approval_decide(struct api *a, struct approval *ap, uint8_t decision, double now);

#endif
