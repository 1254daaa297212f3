/* trace: request tracing for -L DEBUG. The first `limit` requests of a run (in the order they
 * finish, over every worker) are each described in one text of a few lines: user class, task,
 * step, method and URL, the variables the step's templates read, the request headers and body,
 * the status, time and size of the response, what each capture extracted or why not, each
 * check's outcome and how the request counted. After the last one, one more text says that
 * tracing stopped. Texts go to the sink the engine's caller gave (hornet logs them).
 *
 * Secrets are masked wherever they appear: the values of headers such as Authorization, Cookie
 * and *-Token (an Authorization keeps its scheme: "Token ***"), of query parameters, JSON body
 * members and variables whose names say secret (token, password, api_key, session, ...), and of
 * variables that a secret header reads. Everything that may come from a response or a variable
 * is escaped, so that no control character reaches a terminal or splits a log line.
 *
 * Threads: trace_create, trace_configure and trace_free on the engine's creating thread before
 * the workers start; trace_ticket and trace_emit from any worker; the formatting functions are
 * pure and append to the caller's buffer. Nothing here runs unless tracing is on: a worker
 * checks one flag per request. */
#ifndef HORNET_TRACE_H
#define HORNET_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "interval.h"
#include "plan.h"
#include "template.h"

/* Bytes of a value, a URL or a body shown before "... (N bytes)". */
#define TRACE_VALUE_MAX 200
#define TRACE_URL_MAX 2048
#define TRACE_BODY_MAX 1024

/* Receives one request's text (several lines, no trailing newline), or the closing line. Called
 * on a worker thread; must be thread-safe. text is valid for the call only. */
typedef void (*trace_sink_fn)(void *arg, const char *text);

struct trace;

/* A tracer that is off (trace_configure turns it on). NULL on allocation failure. */
struct trace *trace_create(void);
void trace_free(struct trace *t);                   /* NULL is fine */

/* Trace the first `limit` requests into sink(arg, text). sink NULL or limit 0: off. */
void trace_configure(struct trace *t, trace_sink_fn sink, void *arg, uint32_t limit);

/* Whether trace_ticket can still hand out numbers (false once off or used up). */
bool trace_active(const struct trace *t);

/* How many requests are traced (0: off). */
uint32_t trace_limit(const struct trace *t);

/* A finished request asks to be traced: its number 1..limit, or 0 when tracing is off or over
 * (then it never will be again: the caller may stop asking). Any thread; one atomic add. */
uint32_t trace_ticket(struct trace *t);

/* Hand the text of a traced request to the sink (NULL, when memory ran out building it, says
 * so); after the limit-th one, also the line "Request tracing stopped after N requests
 * (--debug-requests N)". Any thread. */
void trace_emit(struct trace *t, const char *text);

/* The request as sent, all borrowed for the call. */
struct trace_request {
    uint32_t number, limit;             /* "request 3/50" */
    const char *user_class;
    const char *task;                   /* the task's name; NULL: on_start or on_stop */
    const char *sequence;               /* "on_start" or "on_stop" when task is NULL */
    uint32_t step, n_steps;             /* 1-based */
    const char *method;
    const char *url;                    /* as sent; NULL: not rendered (then path is shown) */
    const char *path;                   /* the step's path template as written */
    const char *headers;                /* NUL-separated "Name: value" lines as sent */
    size_t headers_len;
    const char *body;                   /* as sent (NULL or "" when none) */
    size_t body_len;
    bool body_json;                     /* the body is JSON: members are masked by name */
    const struct step_plan *plan;       /* the step: which variables it reads */
    const struct class_plan *user_class_plan;   /* its class: which variables are secret */
    const struct user_var *vars;        /* the user's variables (scenario->vars order) */
    const char *const *var_names;       /* scenario->vars */
};

/* Append the first line ("request 3/50: Cls, task \"name\", step 1/2: POST URL") and the lines
 * of the variables the step reads ("vars: a=\"1\" token=***", when it reads any), the
 * headers ("> Name: value") and the body ("> body: ...") to out. */
void trace_format_request(struct strbuf *out, const struct trace_request *rq);

/* "< 201 Created, 3.2 ms, 245 bytes", or "< no response, 30000.0 ms" when status is 0. */
void trace_format_response(struct strbuf *out, long status, int64_t total_us, uint64_t bytes);

/* A capture's line: "capture dep_id = \"...\"" (its value now in v; *** when secret), or
 * "capture dep_id: <why>" when it found nothing (why NULL: it stored a value). */
void trace_format_capture(struct strbuf *out, const struct capture *c, const struct user_var *v,
                          bool secret, const char *why);

/* A check's line: "check json.status == \"pending\": passed", or ": failed: <why>"; why NULL:
 * passed. not_run (then why is the reason) says it was not evaluated. */
void trace_format_check(struct strbuf *out, const struct check *k, const char *why, bool not_run);

/* "captures and checks not run: <why>" (no response, or a status the step does not expect). */
void trace_format_not_run(struct strbuf *out, const char *why);

/* The last line: how the request counted. o NULL: "result: success"; else the outcome's
 * stable text: "result: failure: HTTP 500 Internal Server Error", "result: success (expected
 * HTTP 404 Not Found)", "result: not sent: variable ${dep_id} is not set". */
void trace_format_outcome(struct strbuf *out, const struct outcome *o);

/* Whether variable `var` holds a secret for users of class cp: its name says so, or one of the
 * class's steps sends it where its value is masked (a secret header, query parameter, JSON
 * member or form field), whether or not that step has run yet. */
bool trace_secret_var(const struct class_plan *cp, const char *const *var_names, uint32_t var);

#endif
