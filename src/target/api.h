/* api: the platform API the target simulates: routing a request to its route, the simulated
 * latency of that route, and the handlers that answer it (JSON in the Django REST style) from
 * the bounded store. Everything runs on the server's loop thread; the api owns the store and
 * the seeded PRNG. */
#ifndef HORNET_TARGET_API_H
#define HORNET_TARGET_API_H

#include <stdbool.h>
#include <stddef.h>
#include "served.h"
#include "target.h"
#include "strbuf.h"

struct api;

/* A complete request, as the server parsed it. The strings stay valid during api_handle. */
struct api_request {
    int method;                 /* enum http_method (HEAD is answered as GET) */
    const char *path;           /* origin-form path, without the query */
    size_t path_len;
    const char *query;          /* after '?', or NULL */
    size_t query_len;
    const char *auth;           /* the Authorization header's value, or NULL */
    size_t auth_len;
    const char *body;           /* NUL-terminated at body[body_len] */
    size_t body_len;
    double now;                 /* Unix time in seconds (the loop's clock) */
};

/* Where api_route sent a request. */
struct api_match {
    enum target_route route;    /* what the response is counted under */
    int status;                 /* 0: for the handler; 404 or 405: answer that at once */
    const char *allow;          /* the Allow header line of a known path (for 405) */
    bool open;                  /* answered without authentication */
    const char *arg;            /* the {id}, {plane} or {job_id} path segment */
    size_t arg_len;
};

/* What a handler answered; the body went into the caller's buffer. */
struct api_response {
    int status;
    const char *headers;        /* extra header lines ("Allow: GET\r\n"), or NULL */
    const char *content_type;   /* NULL: application/json */
};

/* Create the api over a config (copied) and the counters it reports at /api/v1/_stats/.
 * NULL when memory is exhausted. */
struct api *api_create(const struct target_config *c, struct served *served);
void api_destroy(struct api *a);

/* The simulated backend the api answers for (its database pool is driven by the server, which
 * holds the requests waiting for a connection). */
struct backend *api_backend(struct api *a);

/* Resolve the request's method and path to a route (cheap: no body, no store). */
void api_route(const struct api_request *rq, struct api_match *m);

/* The simulated latency of one request on this route, in seconds (base + exponential jitter
 * from the seeded PRNG). */
double api_delay(struct api *a, enum target_route route);

/* How much longer than `answer_at` (Unix time, the loop's clock) an answer on this route must
 * wait: the rest of a stall it falls in (target_config.stall_s), else 0. */
double api_stall_wait(const struct api *a, enum target_route route, double answer_at);

/* Answer the request: append the body (JSON, or the Prometheus text of /metrics) to body,
 * fill rs, and count the request's Redis commands in the backend. */
void api_handle(struct api *a, const struct api_request *rq, const struct api_match *m,
                struct strbuf *body, struct api_response *rs);

#endif
