/* response: applies a step's captures and checks to one HTTP response. The engine's worker
 * threads call it for every response of a step that has captures or checks. The body is
 * tokenised with jsmn into a reusable workspace (one per worker thread), so steady state
 * allocates nothing: the token array grows only when a body needs more tokens than any body
 * before, a variable's buffer only when a value is longer than any it held.
 *
 * Messages are stable texts, fit to group failures by (method, name, text):
 *   check failed: json.status == "approved" (got "pending")
 *   check failed: json.id exists (missing)
 *   check failed: json.error missing (got "boom")
 *   check failed: body contains "ok"
 *   capture dep_id: json path results.0.id not found
 *   capture loc: header Location not found
 *   response is not JSON            (also "response is not JSON (truncated)")
 *   capture dep_id: response body over 8 MB (max_body_kept)
 *   check failed: body contains "ok" (response body over 8 MB, max_body_kept) */
#ifndef HORNET_RESPONSE_H
#define HORNET_RESPONSE_H

#include <stddef.h>
#include <stdint.h>
#include "scenario.h"
#include "template.h"

/* One response header as received (name without the colon, value without surrounding blanks
 * or CRLF; neither needs to be NUL-terminated). */
struct header_span {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* What response_apply reads of a response; everything is borrowed for the call. */
struct response_view {
    int status;
    const char *body;           /* need not be NUL-terminated; may be NULL when body_len is 0 */
    size_t body_len;
    size_t truncated_at;        /* 0, or the keep limit the body was cut at (body_len bytes
                                   kept of a longer one): what reads the body fails */
    const struct header_span *headers;
    size_t n_headers;
};

/* Reusable scratch: jsmn tokens and two text buffers. One per worker thread, never shared. */
struct response_ws;

/* NULL on allocation failure. */
struct response_ws *response_ws_new(void);
void response_ws_free(struct response_ws *ws);   /* NULL is fine */

/* Apply st's captures, then its checks, to r (st->expect is not looked at: the caller decides
 * whether a response with an unexpected status is worth it).
 * - Captures store into vars[c->var], reusing the variable's buffer: JSON strings unescaped
 *   (\uXXXX to UTF-8), numbers, booleans and null as their text, objects and arrays as their
 *   JSON text; a header's value (name compared case-insensitively, first one wins); the status
 *   as decimal text. An optional capture that finds nothing leaves its variable as it was.
 *   Every capture is attempted; the first that fails is reported.
 * - Checks run only when every capture succeeded; the first failing check is reported. Their
 *   expected strings are templates rendered with ctx (so they see what was just captured).
 *   A string expected value equals a JSON string with that content, or a number, boolean or
 *   null written exactly so; a number equals a JSON number of the same value.
 * - rng (the user's PRNG) picks the element of a "*" segment; NULL: ctx->rng.
 * - A body cut at the keep limit (r->truncated_at) fails every capture and check that reads
 *   it, optional captures too: what the server sent past the cut is unknown.
 * Returns 0 when everything passed, -1 with one of the messages above in err. The body is
 * parsed at most once per call, and only when a capture or check reads it. Worker thread. */
/* Told about each capture and check response_apply evaluates, in order (request tracing).
 * why is NULL for a capture that stored its value (now in vars[c->var]) and for a check that
 * passed; otherwise it is the message (an optional capture's too, though it is no failure).
 * Checks after the first failure, or after a failed capture, are not evaluated. */
struct response_observer {
    void (*capture)(void *arg, const struct capture *c, const char *why);
    void (*check)(void *arg, const struct check *k, const char *why);
    void *arg;
};

/* obs (NULL: none) is told what each capture and check did. */
int response_apply(const struct step *st, const struct response_view *r, struct response_ws *ws,
                   const struct tmpl_ctx *ctx, struct user_var *vars, uint64_t *rng,
                   const struct response_observer *obs, char *err, size_t errlen);

/* Tokenise body (len bytes) into ws for response_json_sum: 0, or -1 with "response is not
 * JSON" (or "... (truncated)") in err. The body must stay in place until the sums are done. */
int response_json_load(struct response_ws *ws, const char *body, size_t len, char *err,
                       size_t errlen);

/* What a backend-health metric reads at path p of the body loaded last: the sum over what the
 * path selects ("*" selects every element of an array or object, not a random one), each
 * selected value counting as a number, true 1, false 0, a string holding a number, or an
 * array's or object's size; with equals (may be NULL), each counts 1 when it is that string
 * (or a number, true, false written so) and 0 otherwise. null and other strings count nothing.
 * *matched gets how many values counted (0: the path found nothing to count). */
void response_json_sum(struct response_ws *ws, const char *body, const struct json_path *p,
                       const char *equals, double *sum, uint32_t *matched);

#endif
