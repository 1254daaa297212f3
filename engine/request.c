/* request: rendering a step's request into reusable buffers, setting it on an easy handle, and
 * how its answer counts. The calling thread owns the struct request (a user's worker thread,
 * or the main thread for a fixture). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "request.h"
#include "version.h"

static int render_url(struct request *rq, const char *host, size_t host_len,
                      const struct step *st, const struct tmpl_ctx *ctx, char *err,
                      size_t errlen)
{
    struct strbuf *url = &rq->url;
    const char *path;

    strbuf_clear(url);
    if (strbuf_append(url, host, host_len) < 0)
        goto oom;
    if (tmpl_render(st->path, ctx, url, err, errlen) < 0)
        return -1;
    path = url->data + host_len;     /* a full URL (written or captured) replaces the host */
    if (strncmp(path, "http://", 7) == 0 || strncmp(path, "https://", 8) == 0) {
        memmove(url->data, path, url->len - host_len + 1);
        url->len -= host_len;
    }
    for (uint32_t i = 0; i < st->n_query; i++) {
        if (strbuf_append(url, i == 0 && !strchr(url->data, '?') ? "?" : "&", 1) < 0 ||
            strbuf_append(url, st->query[i].name, strlen(st->query[i].name)) < 0 ||
            strbuf_append(url, "=", 1) < 0)
            goto oom;
        if (tmpl_render(st->query[i].value, ctx, url, err, errlen) < 0)
            return -1;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

static int add_header_line(struct strbuf *b, const char *name, const char *value)
{
    if (strbuf_append(b, name, strlen(name)) < 0 || strbuf_append(b, ": ", 2) < 0)
        return -1;
    if (value && strbuf_append(b, value, strlen(value)) < 0)
        return -1;
    return strbuf_append(b, "", 1);         /* keep the NUL that ends this line */
}

/* A class default header is sent only once every variable it reads is set: the login in
 * on_start goes without "Authorization: Token ${token}" (scenarios/README.md). */
static bool class_header_pending(const struct tmpl_ctx *ctx, const struct step_plan *sp,
                                 uint32_t i)
{
    return !plan_header_sent(sp, i, ctx->vars);
}

static int render_header_lines(struct request *rq, const struct step_plan *sp,
                               const struct tmpl_ctx *ctx, char *err, size_t errlen)
{
    const struct step *st = sp->step;

    strbuf_clear(&rq->hdr);
    /* hornet's User-Agent as a header line: CURLOPT_USERAGENT costs libcurl an aprintf and a
     * malloc per request. A User-Agent of the scenario replaces it, as with the option. */
    if ((sp->user_agent < 0 || class_header_pending(ctx, sp, (uint32_t)sp->user_agent)) &&
        add_header_line(&rq->hdr, "User-Agent", "hornet/" HORNET_VERSION) < 0)
        goto oom;
    for (uint32_t i = 0; i < sp->n_headers; i++) {
        const struct kv_tmpl *h = sp->headers[i];
        if (class_header_pending(ctx, sp, i))
            continue;
        if (add_header_line(&rq->hdr, h->name, NULL) < 0)
            goto oom;
        rq->hdr.len--;                       /* continue the line with the value */
        if (tmpl_render(h->value, ctx, &rq->hdr, err, errlen) < 0)
            return -1;
        if (strbuf_append(&rq->hdr, "", 1) < 0)
            goto oom;
    }
    if (st->body_kind == BODY_JSON && !sp->has_content_type &&
        add_header_line(&rq->hdr, "Content-Type", "application/json") < 0)
        goto oom;
    if (st->body_kind == BODY_RAW && st->content_type && !sp->has_content_type &&
        add_header_line(&rq->hdr, "Content-Type", st->content_type) < 0)
        goto oom;
    if (strbuf_append(&rq->hdr, "Expect:", 8) < 0)  /* no value: no 100-continue (NUL kept) */
        goto oom;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* Link the NUL-separated lines of rq->hdr into curl_slist nodes rq owns (no malloc by
 * curl_slist_append on the hot path). */
static struct curl_slist *link_header_nodes(struct request *rq)
{
    uint32_t n = 0;

    for (size_t i = 0; i < rq->hdr.len; i++)
        n += rq->hdr.data[i] == '\0';
    if (n > rq->cap_nodes) {
        struct curl_slist *p = realloc(rq->nodes, n * sizeof *p);
        if (!p)
            return NULL;
        rq->nodes = p;
        rq->cap_nodes = n;
    }
    for (uint32_t k = 0, off = 0; k < n; k++) {
        rq->nodes[k].data = rq->hdr.data + off;
        rq->nodes[k].next = k + 1 < n ? &rq->nodes[k + 1] : NULL;
        off += (uint32_t)strlen(rq->hdr.data + off) + 1;
    }
    return n ? rq->nodes : NULL;
}

int request_render(struct request *rq, const char *host, size_t host_len,
                   const struct step_plan *sp, const struct tmpl_ctx *ctx, char *err,
                   size_t errlen)
{
    const struct step *st = sp->step;

    if (render_url(rq, host, host_len, st, ctx, err, errlen) < 0 ||
        render_header_lines(rq, sp, ctx, err, errlen) < 0)
        return -1;
    strbuf_clear(&rq->body);
    if (st->body_kind != BODY_NONE && tmpl_render(st->body, ctx, &rq->body, err, errlen) < 0)
        return -1;
    return 0;
}

static void configure_method(CURL *e, const struct step *st, const struct strbuf *body)
{
    bool has_body = st->body_kind != BODY_NONE;

    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);       /* resets POST, NOBODY and upload */
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, (char *)NULL);
    switch (st->method) {
    case HTTP_GET:
        return;
    case HTTP_HEAD:
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        return;
    case HTTP_POST:
        has_body = true;
        break;
    default:
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, http_method_names[st->method]);
        break;
    }
    if (has_body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body->len ? body->data : "");
    }
}


int request_apply(struct request *rq, CURL *e, const struct step_plan *sp)
{
    struct curl_slist *nodes = link_header_nodes(rq);

    if (!nodes)
        return -1;
    configure_method(e, sp->step, &rq->body);
    curl_easy_setopt(e, CURLOPT_URL, rq->url.data);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, nodes);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, sp->timeout_ms);
    return 0;
}

void request_keep_header(struct strbuf *b, const char *line, size_t len)
{
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0)
        strbuf_clear(b);
    (void)strbuf_append(b, line, len);
}

bool request_reads_headers(const struct step *st)
{
    for (uint32_t i = 0; i < st->n_captures; i++)
        if (st->captures[i].source == CAPTURE_HEADER)
            return true;
    return false;
}

/* Success as st defines it (scenario_step_expects); *expected: a success only because st lists
 * it (a status outside 200..399). */
static bool status_success(const struct step *st, long status, bool *expected)
{
    bool ok = status >= 0 && status <= INT_MAX && scenario_step_expects(st, (int)status);

    *expected = ok && (status < 200 || status >= 400);
    return ok;
}

size_t request_header_spans(const struct strbuf *hdrs, struct header_span *spans, size_t cap)
{
    size_t n = 0;
    char *p = hdrs->data, *end = p ? p + hdrs->len : NULL;

    while (p && p < end) {
        char *eol = memchr(p, '\n', (size_t)(end - p)), *colon;
        char *line_end = eol ? eol : end;
        colon = memchr(p, ':', (size_t)(line_end - p));
        if (colon && n < cap) {
            char *v = colon + 1, *ve = line_end;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
                ve--;
            spans[n++] = (struct header_span){p, (size_t)(colon - p), v, (size_t)(ve - v)};
        }
        p = line_end + 1;
    }
    return n;
}

void request_keep_body(struct strbuf *b, bool *cut, size_t limit, const char *data, size_t len)
{
    size_t room = limit > b->len ? limit - b->len : 0;

    if (*cut)
        return;
    if (len > room || strbuf_append(b, data, len) < 0) {
        (void)strbuf_append(b, data, len > room ? room : 0);
        *cut = true;
    }
}

void request_outcome(CURL *e, const struct step *st, CURLcode rc, const char *curl_error,
                     long status, long timeout_ms,
                     int (*apply)(void *arg, char *err, size_t errlen), void *arg,
                     struct outcome *o, char *err, size_t errlen)
{
    bool expected;

    o->kind = 0;
    if (rc != CURLE_OK) {
        long os_errno = 0;
        int32_t aux;

        curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
        aux = rc == CURLE_OPERATION_TIMEDOUT ? (int32_t)timeout_ms : (int32_t)os_errno;
        *o = (struct outcome){.kind = OUTCOME_TRANSPORT, .code = (int32_t)rc, .aux = aux,
                              .text = interval_transport_text_kept(rc, aux) && curl_error &&
                                      curl_error[0] ? curl_error : NULL};
        return;
    }
    if (!status_success(st, status, &expected)) {
        *o = (struct outcome){.kind = OUTCOME_HTTP, .code = (int32_t)status};
        return;
    }
    if (apply(arg, err, errlen) < 0) {
        *o = (struct outcome){.kind = OUTCOME_CHECK, .code = (int32_t)status, .text = err};
        return;
    }
    if (expected)
        *o = (struct outcome){.kind = OUTCOME_HTTP, .expected = 1, .code = (int32_t)status};
}

void request_free(struct request *rq)
{
    strbuf_free(&rq->url);
    strbuf_free(&rq->body);
    strbuf_free(&rq->hdr);
    free(rq->nodes);
    memset(rq, 0, sizeof *rq);
}
