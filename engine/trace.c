/* trace: request tracing for -L DEBUG (see trace.h): a shared ticket counter, and the texts
 * that describe one request, with secrets masked and what came from outside escaped.
 *
 * The tracer is configured on the engine's creating thread before any worker runs; tickets
 * and emits come from every worker thread (two atomics, no lock). The formatting functions
 * only append to the caller's buffer: a worker formats into its own. They run only for traced
 * requests, so they may format freely; an allocation failure only shortens the text. */
#include <stdarg.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "escape.h"
#include "trace.h"
#include "trace_internal.h"

#define MASK "***"

struct trace {
    trace_sink_fn sink;
    void *arg;
    uint32_t limit;
    _Atomic uint32_t taken;     /* tickets handed out (may pass limit: then they were 0) */
    _Atomic uint32_t done;      /* texts emitted */
};

struct trace *trace_create(void)
{
    return calloc(1, sizeof(struct trace));
}

void trace_free(struct trace *t)
{
    free(t);
}

void trace_configure(struct trace *t, trace_sink_fn sink, void *arg, uint32_t limit)
{
    t->sink = sink;
    t->arg = arg;
    t->limit = sink ? limit : 0;
    atomic_store(&t->taken, 0);
    atomic_store(&t->done, 0);
}

bool trace_active(const struct trace *t)
{
    return t && t->limit > 0 && atomic_load(&t->taken) < t->limit;
}

uint32_t trace_limit(const struct trace *t)
{
    return t ? t->limit : 0;
}

uint32_t trace_ticket(struct trace *t)
{
    uint32_t n;

    if (!trace_active(t))
        return 0;
    n = atomic_fetch_add(&t->taken, 1) + 1;
    return n <= t->limit ? n : 0;
}

void trace_emit(struct trace *t, const char *text)
{
    char last[128];

    t->sink(t->arg, text ? text : "(request trace lost: out of memory)");
    if (atomic_fetch_add(&t->done, 1) + 1 == t->limit) {
        snprintf(last, sizeof last, "Request tracing stopped after %u request%s "
                 "(--debug-requests %u)", t->limit, t->limit == 1 ? "" : "s", t->limit);
        t->sink(t->arg, last);
    }
}

/* ---- small writers ----------------------------------------------------------------------- */

static void put(struct strbuf *out, const char *s, size_t n)
{
    (void)strbuf_append(out, s, n);
}

static void put_str(struct strbuf *out, const char *s)
{
    put(out, s, strlen(s));
}

static void putf(struct strbuf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct strbuf *out, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(out, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* A new line of the text, indented under the log line's prefix. */
static void newline(struct strbuf *out)
{
    put_str(out, "\n    ");
}

/* ---- escaping ---------------------------------------------------------------------------- */

void trace_escape(struct strbuf *out, const char *s, size_t n, size_t max)
{
    char one[ESCAPE_CHAR_MAX];
    size_t i = 0, got;

    while (i < n && i < max) {
        size_t len = escape_char(s + i, n - i, ESCAPE_BACKSLASH, one, &got);

        if (len > 1 && i + len > max)
            break;                          /* never half a character */
        put(out, one, got);
        i += len;
    }
    if (i < n)
        putf(out, "... (%zu bytes)", n);
}

static void quoted(struct strbuf *out, const char *s, size_t n, size_t max)
{
    put_str(out, "\"");
    trace_escape(out, s, n, max);
    put_str(out, "\"");
}

/* ---- what is secret ---------------------------------------------------------------------- */

static bool contains_nocase(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);

    for (size_t i = 0; i + w <= n; i++)
        if (strncasecmp(s + i, word, w) == 0)
            return true;
    return false;
}

bool trace_secret_name(const char *name, size_t n)
{
    static const char *const words[] = {
        "auth", "cookie", "token", "secret", "passw", "pwd", "apikey", "api-key", "api_key",
        "session", "credential", "signature", "private", "jwt", "bearer",
    };

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (contains_nocase(name, n, words[i]))
            return true;
    return false;
}

static bool name_equals(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* ---- headers, URLs, bodies ------------------------------------------------------------- */

/* "a=1; b=2" -> "a=***; b=***": the cookie names help, their values are the secret. */
static void masked_cookies(struct strbuf *out, const char *v, size_t n)
{
    size_t i = 0;

    while (i < n) {
        const char *end = memchr(v + i, ';', n - i), *eq;
        size_t len = end ? (size_t)(end - (v + i)) : n - i;

        eq = memchr(v + i, '=', len);
        trace_escape(out, v + i, eq ? (size_t)(eq - (v + i)) : len, TRACE_VALUE_MAX);
        put_str(out, "=" MASK);
        i += len;
        for (; i < n && (v[i] == ';' || v[i] == ' '); i++)
            put(out, v + i, 1);
    }
}

static void masked_header_value(struct strbuf *out, const char *name, size_t name_len,
                                const char *v, size_t n)
{
    const char *space = memchr(v, ' ', n);

    if ((name_equals(name, name_len, "Authorization") ||
         name_equals(name, name_len, "Proxy-Authorization")) && space && space > v) {
        trace_escape(out, v, (size_t)(space - v), 32);     /* the scheme: Token, Bearer */
        put_str(out, " " MASK);
    } else if (name_equals(name, name_len, "Cookie")) {
        masked_cookies(out, v, n);
    } else {
        put_str(out, MASK);
    }
}

void trace_format_header(struct strbuf *out, const char *line, size_t n)
{
    const char *colon = memchr(line, ':', n), *v;
    size_t name_len, vn;

    if (!colon) {
        trace_escape(out, line, n, TRACE_VALUE_MAX);
        return;
    }
    name_len = (size_t)(colon - line);
    for (v = colon + 1; v < line + n && *v == ' '; v++)
        ;
    vn = (size_t)(line + n - v);
    trace_escape(out, line, name_len, TRACE_VALUE_MAX);
    put_str(out, ": ");
    if (trace_secret_name(line, name_len) && vn)
        masked_header_value(out, line, name_len, v, vn);
    else
        trace_escape(out, v, vn, TRACE_VALUE_MAX);
}

/* A body that looks like a form (name=value&..., no blanks) gets the query's masking. */
static bool looks_like_form(const char *s, size_t n)
{
    return memchr(s, '=', n) && !memchr(s, ' ', n) && !memchr(s, '\n', n) && s[0] != '{' &&
           s[0] != '[';
}

/* Whether s[0..n) (a template's source) reads variable var: "${var}" or "${raw:var}". */
static bool refs(const char *s, size_t n, const char *var)
{
    size_t v = var ? strlen(var) : 0;

    for (size_t i = 0; var && i + 3 + v <= n; i++) {
        const char *p = s + i + 2;

        if (s[i] != '$' || s[i + 1] != '{')
            continue;
        if ((size_t)(s + n - p) >= 4 && memcmp(p, "raw:", 4) == 0)
            p += 4;
        if ((size_t)(s + n - p) > v && memcmp(p, var, v) == 0 && p[v] == '}')
            return true;
    }
    return false;
}

/* "a=1&token=x&b" with the values of secret names masked (a query string or a form body): at
 * most max bytes of s, appended to out unless it is NULL. Returns whether a masked value reads
 * ${var} (in a template's source; var NULL: false). */
static bool masked_pairs(struct strbuf *out, const char *s, size_t n, size_t max,
                         const char *var)
{
    size_t end = n < max ? n : max, i = 0;
    bool reads = false;

    while (i < end) {
        const char *amp = memchr(s + i, '&', end - i);
        size_t len = amp ? (size_t)(amp - (s + i)) : end - i;
        const char *eq = memchr(s + i, '=', len);
        size_t name = eq ? (size_t)(eq - (s + i)) : len;
        bool secret = eq && trace_secret_name(s + i, name);

        reads = reads || (secret && refs(eq + 1, len - name - 1, var));
        if (out) {
            trace_escape(out, s + i, secret ? name + 1 : len, SIZE_MAX);
            if (secret)
                put_str(out, MASK);
            if (amp)
                put_str(out, "&");
        }
        i += len + (amp != NULL);
    }
    if (out && end < n)
        putf(out, "... (%zu bytes)", n);
    return reads;
}

void trace_format_url(struct strbuf *out, const char *url, size_t n)
{
    const char *scheme = strstr(url, "://"), *q = memchr(url, '?', n);
    size_t head = q ? (size_t)(q - url) : n;
    const char *host = scheme && scheme < url + head ? scheme + 3 : url;
    const char *slash = memchr(host, '/', head - (size_t)(host - url));
    const char *at = memchr(host, '@', (size_t)((slash ? slash : url + head) - host));
    const char *pw = at ? memchr(host, ':', (size_t)(at - host)) : NULL;

    if (pw) {                               /* http://user:password@host */
        trace_escape(out, url, (size_t)(pw + 1 - url), TRACE_URL_MAX);
        put_str(out, MASK);
        trace_escape(out, at, head - (size_t)(at - url), TRACE_URL_MAX);
    } else {
        trace_escape(out, url, head, TRACE_URL_MAX);
    }
    if (q) {
        put_str(out, "?");
        masked_pairs(out, q + 1, n - head - 1, TRACE_URL_MAX, NULL);
    }
}

/* End of the JSON string that starts at s[i] == '"' (the index after its closing quote). */
static size_t json_string_end(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

static bool json_scalar_start(char c)
{
    return c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n';
}

/* The end of the JSON scalar at s[i] (a string, number, true, false or null). */
static size_t json_scalar_end(const char *s, size_t n, size_t i)
{
    if (s[i] == '"')
        return json_string_end(s, n, i);
    while (i < n && !strchr(",}] \t\r\n", s[i]))
        i++;
    return i;
}

/* A JSON text with the scalar values of members whose names are secret masked: at most max
 * bytes of s, appended to out unless it is NULL. Returns whether a masked value reads ${var}
 * (in a template's source). A lexer, not a parser: it only tells keys (a string followed by
 * ':') from values. */
static bool masked_json(struct strbuf *out, const char *s, size_t n, size_t max,
                        const char *var)
{
    size_t i = 0, end = n < max ? n : max;
    bool secret = false, reads = false;     /* secret: the coming value is a secret key's */

    while (i < end) {
        if (json_scalar_start(s[i])) {
            size_t j = json_scalar_end(s, end, i), k = skip_blanks(s, end, j);
            bool key = s[i] == '"' && k < end && s[k] == ':';

            if (!key && secret) {
                reads = reads || refs(s + i, j - i, var);
                if (out)
                    put_str(out, s[i] == '"' ? "\"" MASK "\"" : MASK);
            } else if (out) {
                trace_escape(out, s + i, j - i, SIZE_MAX);
            }
            secret = key && trace_secret_name(s + i + 1, j - i >= 2 ? j - i - 2 : 0);
            i = j;
            continue;
        }
        if (s[i] == '{' || s[i] == '[' || s[i] == ',')
            secret = false;
        if (out) {
            char one[ESCAPE_CHAR_MAX];
            size_t got;

            i += escape_char(s + i, end - i, ESCAPE_BACKSLASH, one, &got);
            put(out, one, got);
        } else {
            i++;
        }
    }
    if (out && end < n)
        putf(out, "... (%zu bytes)", n);
    return reads;
}

static void format_body(struct strbuf *out, const struct trace_request *rq)
{
    if (!rq->body || rq->body_len == 0)
        return;
    newline(out);
    putf(out, "> body (%zu bytes): ", rq->body_len);
    if (rq->body_json)
        masked_json(out, rq->body, rq->body_len, TRACE_BODY_MAX, NULL);
    else if (looks_like_form(rq->body, rq->body_len))
        masked_pairs(out, rq->body, rq->body_len, TRACE_BODY_MAX, NULL);
    else
        trace_escape(out, rq->body, rq->body_len, TRACE_BODY_MAX);
}

/* ---- variables --------------------------------------------------------------------------- */

static bool tmpl_reads(const struct tmpl *t, uint32_t var)
{
    uint32_t used[64];
    size_t n = t ? tmpl_vars_used(t, used, 64) : 0;

    for (size_t i = 0; i < n && i < 64; i++)
        if (used[i] == var)
            return true;
    return false;
}

/* Whether step sp sends variable var where its value is masked. */
static bool step_hides(const struct step_plan *sp, const char *name, uint32_t var)
{
    const struct step *st = sp->step;
    const char *src = st->body ? tmpl_source(st->body) : "";

    for (uint32_t i = 0; i < sp->n_headers; i++) {
        const struct kv_tmpl *h = sp->headers[i];
        if (trace_secret_name(h->name, strlen(h->name)) && tmpl_reads(h->value, var))
            return true;
    }
    for (uint32_t i = 0; i < st->n_query; i++) {
        const struct kv_tmpl *q = &st->query[i];
        if (trace_secret_name(q->name, strlen(q->name)) && tmpl_reads(q->value, var))
            return true;
    }
    if (st->body_kind == BODY_JSON)
        return masked_json(NULL, src, strlen(src), SIZE_MAX, name);
    return st->body_kind == BODY_RAW && looks_like_form(src, strlen(src)) &&
           masked_pairs(NULL, src, strlen(src), SIZE_MAX, name);
}

static bool seq_hides(const struct seq_plan *seq, const char *name, uint32_t var)
{
    for (uint32_t i = 0; i < seq->n; i++)
        if (step_hides(&seq->steps[i], name, var))
            return true;
    return false;
}

bool trace_secret_var(const struct class_plan *cp, const char *const *var_names, uint32_t var)
{
    const char *name = var_names[var];

    if (trace_secret_name(name, strlen(name)) || seq_hides(&cp->on_start, name, var) ||
        seq_hides(&cp->on_stop, name, var))
        return true;
    for (uint32_t t = 0; t < cp->n_tasks; t++)
        if (seq_hides(&cp->tasks[t], name, var))
            return true;
    return false;
}

/* Add the variables t reads to set (distinct, at most cap); returns the new count. */
static size_t add_vars(const struct tmpl *t, uint32_t *set, size_t n, size_t cap)
{
    uint32_t used[32];
    size_t m = t ? tmpl_vars_used(t, used, 32) : 0;

    for (size_t i = 0; i < m && i < 32; i++) {
        size_t k = 0;

        while (k < n && set[k] != used[i])
            k++;
        if (k == n && n < cap)
            set[n++] = used[i];
    }
    return n;
}

static void format_vars(struct strbuf *out, const struct trace_request *rq)
{
    const struct step_plan *sp = rq->plan;
    const struct step *st = sp->step;
    uint32_t set[32];
    size_t n = add_vars(st->path, set, 0, 32);

    for (uint32_t i = 0; i < st->n_query; i++)
        n = add_vars(st->query[i].value, set, n, 32);
    for (uint32_t i = 0; i < sp->n_headers; i++)
        if (plan_header_sent(sp, i, rq->vars))
            n = add_vars(sp->headers[i]->value, set, n, 32);
    if (st->body_kind != BODY_NONE)
        n = add_vars(st->body, set, n, 32);
    if (n == 0)
        return;
    newline(out);
    put_str(out, "vars:");
    for (size_t i = 0; i < n; i++) {
        const struct user_var *v = &rq->vars[set[i]];

        putf(out, " %s=", rq->var_names[set[i]]);
        if (!v->set)
            put_str(out, "(not set)");
        else if (trace_secret_var(rq->user_class_plan, rq->var_names, set[i]))
            put_str(out, MASK);
        else
            quoted(out, v->value, v->len, TRACE_VALUE_MAX);
    }
}

/* ---- a request ------------------------------------------------------------------------- */

static void format_headers(struct strbuf *out, const char *block, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t n = strnlen(block + i, len - i);

        if (n && block[i + n - 1] != ':') { /* "Name:" alone removes a libcurl header */
            newline(out);
            put_str(out, "> ");
            trace_format_header(out, block + i, n);
        }
        i += n + 1;
    }
}

void trace_format_request(struct strbuf *out, const struct trace_request *rq)
{
    putf(out, "request %u/%u: ", rq->number, rq->limit);
    trace_escape(out, rq->user_class, strlen(rq->user_class), TRACE_VALUE_MAX);
    if (rq->task) {
        put_str(out, ", task ");
        quoted(out, rq->task, strlen(rq->task), TRACE_VALUE_MAX);
    } else {
        putf(out, ", %s", rq->sequence);
    }
    putf(out, ", step %u/%u: %s ", rq->step, rq->n_steps, rq->method);
    if (rq->url) {
        trace_format_url(out, rq->url, strlen(rq->url));
    } else {
        trace_escape(out, rq->path, strlen(rq->path), TRACE_URL_MAX);
        put_str(out, " (not rendered)");
    }
    format_vars(out, rq);
    if (rq->headers)
        format_headers(out, rq->headers, rq->headers_len);
    format_body(out, rq);
}

void trace_format_response(struct strbuf *out, long status, int64_t total_us, uint64_t bytes)
{
    const char *reason = interval_http_reason((int)status);

    newline(out);
    if (status == 0)
        putf(out, "< no response, %.1f ms", (double)total_us / 1000.0);
    else
        putf(out, "< %ld%s%s, %.1f ms, %llu byte%s", status, reason ? " " : "",
             reason ? reason : "", (double)total_us / 1000.0, (unsigned long long)bytes,
             bytes == 1 ? "" : "s");
}

/* why without its leading "<head>" when it has one (the line already says it). */
static const char *after(const char *why, const char *head1, const char *head2)
{
    size_t n1 = strlen(head1), n2 = head2 ? strlen(head2) : 0;

    if (strncmp(why, head1, n1) == 0 && (!head2 || strncmp(why + n1, head2, n2) == 0))
        return why + n1 + n2;
    return NULL;
}

void trace_format_capture(struct strbuf *out, const struct capture *c, const struct user_var *v,
                          bool secret, const char *why)
{
    char head[128];
    const char *rest;

    newline(out);
    put_str(out, "capture ");
    trace_escape(out, c->name, strlen(c->name), TRACE_VALUE_MAX);
    if (why) {
        snprintf(head, sizeof head, "capture %s: ", c->name);
        rest = after(why, head, NULL);
        put_str(out, ": ");
        trace_escape(out, rest ? rest : why, strlen(rest ? rest : why), TRACE_VALUE_MAX);
        if (c->optional)
            put_str(out, " (optional: left as it was)");
    } else if (secret) {
        putf(out, " = " MASK " (%u bytes)", v->len);
    } else {
        put_str(out, " = ");
        quoted(out, v->value ? v->value : "", v->len, TRACE_VALUE_MAX);
    }
}

void trace_format_check(struct strbuf *out, const struct check *k, const char *why, bool not_run)
{
    const char *rest = why && !not_run ? after(why, "check failed: ", k->describe) : NULL;

    newline(out);
    put_str(out, "check ");
    trace_escape(out, k->describe, strlen(k->describe), TRACE_VALUE_MAX);
    if (!why) {
        put_str(out, ": passed");
    } else if (not_run) {
        put_str(out, ": not run (");
        trace_escape(out, why, strlen(why), TRACE_VALUE_MAX);
        put_str(out, ")");
    } else {
        put_str(out, rest ? ": failed" : ": failed: ");
        trace_escape(out, rest ? rest : why, strlen(rest ? rest : why), TRACE_VALUE_MAX);
    }
}

void trace_format_not_run(struct strbuf *out, const char *why)
{
    newline(out);
    put_str(out, "captures and checks not run: ");
    trace_escape(out, why, strlen(why), TRACE_VALUE_MAX);
}

void trace_format_outcome(struct strbuf *out, const struct outcome *o)
{
    struct interval_error e = {0};
    char text[INTERVAL_TEXT_MAX];

    newline(out);
    if (!o) {
        put_str(out, "result: success");
        return;
    }
    e.kind = o->kind;
    e.code = o->code;
    e.aux = o->aux;
    if (o->text)
        snprintf(e.text, sizeof e.text, "%s", o->text);
    interval_outcome_format(&e, text, sizeof text);
    if (o->kind == OUTCOME_SCRIPT)
        put_str(out, "result: not sent: ");
    else
        put_str(out, o->expected ? "result: success (expected " : "result: failure: ");
    trace_escape(out, text, strlen(text), INTERVAL_TEXT_MAX);
    if (o->expected)
        put_str(out, ")");
}
