/* request: one HTTP request of a step, rendered from its templates into reusable buffers and
 * set on a libcurl easy handle, and the rule for how its answer counts. Shared by the virtual
 * users (user.c, on worker threads) and the fixtures around the load (fixture.c, on the main
 * thread): one way to build a request, one rule for its outcome. A struct request belongs to
 * the thread that renders into it; nothing here locks, and steady state allocates nothing. */
#ifndef HORNET_REQUEST_H
#define HORNET_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>
#include "interval.h"
#include "plan.h"
#include "response.h"
#include "strbuf.h"
#include "template.h"

struct request {
    struct strbuf url;          /* the full URL, NUL-terminated */
    struct strbuf body;         /* the rendered body (may be empty) */
    struct strbuf hdr;          /* header lines, each NUL-terminated */
    struct curl_slist *nodes;   /* linked over hdr's lines (no curl_slist_append) */
    uint32_t cap_nodes;
};

/* Render sp's URL (host + path + query; a full URL in the path replaces the host), its header
 * lines (hornet's User-Agent unless the scenario sets one, the class's default headers once
 * every variable they read is set in ctx->vars, the step's own, Content-Type for a body) and
 * its body into rq. -1 with the reason in err ("variable ${x} is not set", "out of
 * memory"). */
int request_render(struct request *rq, const char *host, size_t host_len,
                   const struct step_plan *sp, const struct tmpl_ctx *ctx, char *err,
                   size_t errlen);

/* Put the rendered request on e: method and body, URL, headers, sp's timeout. -1 when memory
 * for the header nodes ran out. */
int request_apply(struct request *rq, CURL *e, const struct step_plan *sp);

/* A header callback's work: keep a response header line in b; a status line starts a new
 * block (after a redirect only the last response's headers stay). */
void request_keep_header(struct strbuf *b, const char *line, size_t len);

/* Whether a capture of st reads a response header (the headers must then be kept). */
bool request_reads_headers(const struct step *st);

/* Split a block of response header lines ("Name: value\r\n"...) into at most cap spans;
 * returns how many. The spans point into hdrs. */
size_t request_header_spans(const struct strbuf *hdrs, struct header_span *spans, size_t cap);

/* A write callback's work: keep a response body's data in b up to limit bytes (the scenario's
 * max_body_kept); the first piece that passes it is kept up to the limit, *cut is set, and
 * nothing more is kept for that response (never a later, smaller piece spliced on). Memory
 * running out cuts the body too. */
void request_keep_body(struct strbuf *b, bool *cut, size_t limit, const char *data, size_t len);

/* How a finished transfer counts, into o (o->kind 0: a plain success): a transport error
 * (CURLcode, with the OS errno or the timeout, and the easy handle's error buffer curl_error
 * (may be NULL) as its text when hornet's own would say less: interval_transport_text_kept),
 * an unexpected status, a capture or check that failed (apply(arg, err, errlen) runs them,
 * only for an expected status; its message goes in err and o->text), or an expected non-2xx
 * status. */
void request_outcome(CURL *e, const struct step *st, CURLcode rc, const char *curl_error,
                     long status, long timeout_ms,
                     int (*apply)(void *arg, char *err, size_t errlen), void *arg,
                     struct outcome *o, char *err, size_t errlen);

void request_free(struct request *rq);

#endif
