/* response: a step's captures and checks applied to one response. The body is tokenised with
 * jsmn (strict mode, parent links) into the worker's reusable workspace; JSON paths are walked
 * over the tokens; values are copied into the user's variables, unescaped when they are
 * strings. Nothing allocates once the workspace and the variables have reached their sizes.
 *
 * Thread: the calling worker thread; a workspace belongs to one worker. */
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "response.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errmsg.h"

#define WS_FIRST_TOKENS 256
#define GOT_MAX 60              /* bytes of an actual value quoted in a message */

struct response_ws {
    jsmntok_t *toks;
    unsigned cap;
    int n;                      /* tokens of the current body; 0: not parsed yet */
    int parse_rc;               /* 0 parsed, -1 not JSON, -2 truncated */
    struct strbuf expect;       /* a check's rendered expected text */
    struct strbuf text;         /* a decoded JSON string */
};

struct response_ws *response_ws_new(void)
{
    struct response_ws *ws = calloc(1, sizeof *ws);

    if (!ws)
        return NULL;
    strbuf_init(&ws->expect);
    strbuf_init(&ws->text);
    return ws;
}

void response_ws_free(struct response_ws *ws)
{
    if (!ws)
        return;
    free(ws->toks);
    strbuf_free(&ws->expect);
    strbuf_free(&ws->text);
    free(ws);
}

/* ---------------------------------------------------------------- parsing */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int grow_tokens(struct response_ws *ws)
{
    unsigned cap = ws->cap ? ws->cap * 2 : WS_FIRST_TOKENS;
    jsmntok_t *t;

    if (cap < ws->cap)
        return -1;
    t = realloc(ws->toks, cap * sizeof *t);
    if (!t)
        return -1;
    ws->toks = t;
    ws->cap = cap;
    return 0;
}

/* A body that is one number, true, false or null (strict jsmn wants a delimiter after a
 * primitive, so it reports these as incomplete). */
static int bare_primitive(struct response_ws *ws, const struct response_view *r)
{
    size_t s = 0, e = r->body_len;

    while (s < e && is_blank(r->body[s]))
        s++;
    while (e > s && is_blank(r->body[e - 1]))
        e--;
    if (s == e || !strchr("-0123456789tfn", r->body[s]))
        return -1;
    for (size_t i = s; i < e; i++)
        if (!strchr("+-.0123456789eEtruefalsn", r->body[i]) || !r->body[i])
            return -1;
    ws->toks[0] = (jsmntok_t){.type = JSMN_PRIMITIVE, .start = (int)s, .end = (int)e,
                              .size = 0, .parent = -1};
    ws->n = 1;
    return 0;
}

/* Tokenise the body once per response: 0, or -1 (not JSON) / -2 (truncated). jsmn resumes
 * where it stopped when it ran out of tokens, so growing costs no re-parse. */
static int parse_body(struct response_ws *ws, const struct response_view *r)
{
    jsmn_parser p;
    size_t end;
    int rc;

    if (ws->n > 0 || ws->parse_rc < 0)
        return ws->parse_rc;
    if (!r->body || r->body_len == 0 || r->body_len > (size_t)INT32_MAX)
        return ws->parse_rc = -1;
    jsmn_init(&p);
    do {
        if (p.toknext == ws->cap && grow_tokens(ws) < 0)
            return ws->parse_rc = -1;
        rc = jsmn_parse(&p, r->body, r->body_len, ws->toks, ws->cap);
    } while (rc == JSMN_ERROR_NOMEM);
    if (rc == JSMN_ERROR_PART && p.toknext == 0)
        return ws->parse_rc = bare_primitive(ws, r);
    if (rc == JSMN_ERROR_PART && ws->toks[0].end >= 0)
        return ws->parse_rc = -1;       /* a complete value, then something incomplete */
    if (rc <= 0)
        return ws->parse_rc = rc == JSMN_ERROR_PART ? -2 : -1;
    end = (size_t)ws->toks[0].end + (ws->toks[0].type == JSMN_STRING);
    while (end < r->body_len && is_blank(r->body[end]))
        end++;
    if (end != r->body_len)
        return ws->parse_rc = -1;
    ws->n = rc;
    return 0;
}

/* "8 MB", "512 kB", "1500 bytes": a keep limit in messages. */
static void size_text(size_t n, char *out, size_t len)
{
    if (n % ((size_t)1 << 20) == 0)
        snprintf(out, len, "%zu MB", n >> 20);
    else if (n % 1024 == 0)
        snprintf(out, len, "%zu kB", n >> 10);
    else
        snprintf(out, len, "%zu bytes", n);
}

static const char *not_json(int rc)
{
    return rc == -2 ? "response is not JSON (truncated)" : "response is not JSON";
}

/* ---------------------------------------------------------------- JSON paths */

/* The token after the whole subtree of token i (at most n). */
static int tok_skip(const jsmntok_t *t, int n, int i)
{
    int pending = 1;

    while (pending > 0 && i < n) {
        pending += t[i].size;
        pending--;
        i++;
    }
    return i;
}

static unsigned hex4(const char *s)
{
    unsigned v = 0;

    for (int i = 0; i < 4; i++) {
        char c = s[i];

        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* \uXXXX at s[i] (i on the 'u'), with a following low surrogate when there is one. */
static size_t decode_u(const char *s, size_t n, size_t *i, char *o)
{
    unsigned cp = hex4(s + *i + 1);

    *i += 4;
    if (cp >= 0xd800 && cp < 0xdc00 && *i + 6 < n && s[*i + 1] == '\\' && s[*i + 2] == 'u') {
        unsigned lo = hex4(s + *i + 3);

        if (lo >= 0xdc00 && lo < 0xe000) {
            *i += 6;
            return put_utf8(o, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
        }
    }
    if (cp >= 0xd800 && cp < 0xe000)
        cp = 0xfffd;                    /* a lone surrogate */
    return put_utf8(o, cp);
}

/* Decode a JSON string's raw text (validated by jsmn) into out. */
static int unescape(const char *s, size_t n, struct strbuf *out)
{
    char *o;

    strbuf_clear(out);
    if (strbuf_reserve(out, n) < 0)
        return -1;
    o = out->data;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            *o++ = s[i];
            continue;
        }
        switch (s[++i]) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': o += i + 4 < n ? decode_u(s, n, &i, o) : 0; break;
        default: *o++ = s[i]; break;
        }
    }
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    return 0;
}

/* Whether a key token names key (decoding escapes only when the raw key has some). */
static bool key_is(const char *js, const jsmntok_t *k, const char *key, size_t klen,
                   struct strbuf *scratch)
{
    size_t n = (size_t)(k->end - k->start);
    const char *s = js + k->start;

    if (!memchr(s, '\\', n))
        return n == klen && memcmp(s, key, n) == 0;
    return unescape(s, n, scratch) == 0 && scratch->len == klen &&
           memcmp(scratch->data, key, klen) == 0;
}

/* The child of container token i selected by seg (-1 when there is none). For objects the
 * child is the member's value; "*" picks a random child. */
static int child(const struct response_ws *ws, const char *js, int i, const struct json_seg *seg,
                 uint64_t *rng, struct strbuf *scratch)
{
    const jsmntok_t *t = ws->toks;
    char num[16];
    const char *key = seg->key;
    int want = -1, j = i + 1;
    bool obj = t[i].type == JSMN_OBJECT;
    size_t klen = 0;

    if (t[i].size == 0 || (t[i].type != JSMN_ARRAY && !obj) || (key && !obj))
        return -1;
    if (!key && seg->index == JSON_SEG_ANY) {
        want = (int)(tmpl_rand_next(rng) % (uint64_t)t[i].size);
    } else if (!key && !obj) {
        want = seg->index;
    } else if (!key) {                  /* an index applied to an object: the key "<index>" */
        snprintf(num, sizeof num, "%d", (int)seg->index);
        key = num;
    }
    if (key)
        klen = strlen(key);
    for (int k = 0; k < t[i].size && j < ws->n; k++) {
        if (want == k || (want < 0 && key_is(js, &t[j], key, klen, scratch)))
            return obj ? (j + 1 < ws->n ? j + 1 : -1) : j;
        j = tok_skip(t, ws->n, obj ? j + 1 : j);
    }
    return -1;
}

/* The token at path p in the parsed body, or -1. */
static int resolve(struct response_ws *ws, const char *js, const struct json_path *p,
                   uint64_t *rng)
{
    int i = 0;

    for (uint32_t s = 0; s < p->n && i >= 0; s++)
        i = child(ws, js, i, &p->segs[s], rng, &ws->text);
    return i;
}

/* ---------------------------------------------------------------- captures */

static int store_token(struct response_ws *ws, const char *js, int i, struct user_var *v)
{
    const jsmntok_t *t = &ws->toks[i];

    if (t->type != JSMN_STRING)
        return user_var_set(v, js + t->start, (size_t)(t->end - t->start));
    if (unescape(js + t->start, (size_t)(t->end - t->start), &ws->text) < 0)
        return -1;
    return user_var_set(v, ws->text.data, ws->text.len);
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* a (n bytes) equals the NUL-terminated b, ignoring ASCII case. */
static bool name_is(const char *a, size_t n, const char *b)
{
    size_t i;

    for (i = 0; i < n && b[i]; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return i == n && !b[i];
}

static const struct header_span *find_header(const struct response_view *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (name_is(r->headers[i].name, r->headers[i].name_len, name))
            return &r->headers[i];
    return NULL;
}

/* The value a capture reads: *val and *len, or the body token *tok. 0 found, 1 nothing
 * there (message in err), -1 the body is not JSON (message in err). */
static int capture_find(const struct capture *c, const struct response_view *r,
                        struct response_ws *ws, uint64_t *rng, const char **val, size_t *len,
                        int *tok, char *err, size_t errlen)
{
    const struct header_span *h;
    int rc;

    *tok = -1;
    if (c->source == CAPTURE_STATUS)
        return 0;               /* formatted by the caller */
    if (c->source == CAPTURE_HEADER) {
        if (!(h = find_header(r, c->header))) {
            errmsg_set(err, errlen, "capture %s: header %s not found", c->name, c->header);
            return 1;
        }
        *val = h->value;
        *len = h->value_len;
        return 0;
    }
    if ((rc = parse_body(ws, r)) < 0) {
        errmsg_set(err, errlen, "%s", not_json(rc));
        return -1;
    }
    if ((*tok = resolve(ws, r->body, &c->path, rng)) < 0) {
        errmsg_set(err, errlen, "capture %s: json path %s not found", c->name, c->path.text);
        return 1;
    }
    return 0;
}

/* One capture: 0 stored, 1 an optional capture found nothing (its variable stays as it was),
 * -1 with a message (a truncated body fails optional captures too). An optional capture's
 * message is written only when explain is set. */
static int capture_one(const struct capture *c, const struct response_view *r,
                       struct response_ws *ws, struct user_var *v, uint64_t *rng, bool explain,
                       char *err, size_t errlen)
{
    const char *val = NULL;
    size_t len = 0;
    char num[16];
    char limit[32];
    int tok, rc;

    if (c->source == CAPTURE_JSON && r->truncated_at) {
        size_text(r->truncated_at, limit, sizeof limit);
        errmsg_set(err, errlen, "capture %s: response body over %s (max_body_kept)", c->name,
                   limit);
        return -1;
    }
    rc = capture_find(c, r, ws, rng, &val, &len, &tok, c->optional && !explain ? NULL : err,
                      errlen);
    if (rc != 0)
        return c->optional ? 1 : -1;
    if (c->source == CAPTURE_STATUS) {
        len = (size_t)snprintf(num, sizeof num, "%d", r->status);
        val = num;
    }
    rc = tok >= 0 ? store_token(ws, r->body, tok, v) : user_var_set(v, val, len);
    if (rc < 0)
        errmsg_set(err, errlen, "out of memory");
    return rc;
}

/* ---------------------------------------------------------------- checks */

/* "got" text for messages: a string quoted and decoded, anything else as its JSON text. */
static void describe_got(struct response_ws *ws, const char *js, int i, char *out, size_t n)
{
    const jsmntok_t *t = &ws->toks[i];
    const char *s = js + t->start;
    size_t len = (size_t)(t->end - t->start);
    bool str = t->type == JSMN_STRING;

    if (str && unescape(s, len, &ws->text) == 0) {
        s = ws->text.data;
        len = ws->text.len;
    }
    snprintf(out, n, "%s%.*s%s%s", str ? "\"" : "", (int)(len > GOT_MAX ? GOT_MAX : len), s,
             len > GOT_MAX ? "..." : "", str ? "\"" : "");
}

static bool prim_is(const char *js, const jsmntok_t *t, const char *text, size_t n)
{
    return t->type == JSMN_PRIMITIVE && (size_t)(t->end - t->start) == n &&
           memcmp(js + t->start, text, n) == 0;
}

static bool number_is(const char *js, const jsmntok_t *t, double want)
{
    char buf[64], *end;
    size_t n = (size_t)(t->end - t->start);
    double v;

    if (t->type != JSMN_PRIMITIVE || n == 0 || n >= sizeof buf ||
        !strchr("-0123456789", js[t->start]))
        return false;
    memcpy(buf, js + t->start, n);
    buf[n] = '\0';
    v = strtod(buf, &end);
    return *end == '\0' && v == want;
}

/* Whether token i equals lit. -1 when the expected text cannot be rendered (message set). */
static int json_equals(struct response_ws *ws, const char *js, int i,
                       const struct json_literal *lit, const struct tmpl_ctx *ctx,
                       char *err, size_t errlen)
{
    const jsmntok_t *t = &ws->toks[i];

    switch (lit->kind) {
    case JSON_LIT_NUMBER:
        return number_is(js, t, lit->number);
    case JSON_LIT_BOOL:
        return lit->boolean ? prim_is(js, t, "true", 4) : prim_is(js, t, "false", 5);
    case JSON_LIT_NULL:
        return prim_is(js, t, "null", 4);
    default:
        break;
    }
    strbuf_clear(&ws->expect);
    if (tmpl_render(lit->string, ctx, &ws->expect, err, errlen) < 0)
        return -1;
    if (t->type == JSMN_PRIMITIVE)
        return prim_is(js, t, ws->expect.data, ws->expect.len);
    if (t->type != JSMN_STRING)
        return 0;
    if (unescape(js + t->start, (size_t)(t->end - t->start), &ws->text) < 0) {
        errmsg_set(err, errlen, "out of memory");
        return -1;
    }
    return ws->text.len == ws->expect.len && memcmp(ws->text.data, ws->expect.data,
                                                    ws->expect.len) == 0;
}

static bool contains(const char *hay, size_t n, const char *needle, size_t m)
{
    const char *p = hay, *end = hay + n;

    if (m == 0)
        return true;
    while (hay && (size_t)(end - p) >= m) {
        p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
        if (!p)
            return false;
        if (memcmp(p, needle, m) == 0)
            return true;
        p++;
    }
    return false;
}

static int check_body(const struct check *k, const struct response_view *r,
                      struct response_ws *ws, const struct tmpl_ctx *ctx, char *err,
                      size_t errlen)
{
    bool has;

    strbuf_clear(&ws->expect);
    if (tmpl_render(k->text, ctx, &ws->expect, err, errlen) < 0)
        return -1;
    has = contains(r->body, r->body_len, ws->expect.data, ws->expect.len);
    if (has == (k->kind == CHECK_BODY_CONTAINS))
        return 0;
    errmsg_set(err, errlen, "check failed: %s", k->describe);
    return -1;
}

/* Token i as a number: a JSON number, or a string holding one ("12"). */
static bool token_number(struct response_ws *ws, const char *js, int i, double *v)
{
    const jsmntok_t *t = &ws->toks[i];
    char buf[64], *end;
    size_t n = (size_t)(t->end - t->start);

    if ((t->type != JSMN_PRIMITIVE && t->type != JSMN_STRING) || n == 0 || n >= sizeof buf ||
        !strchr("-0123456789", js[t->start]))
        return false;
    memcpy(buf, js + t->start, n);
    buf[n] = '\0';
    *v = strtod(buf, &end);
    return *end == '\0';
}

/* Whether the value at token i passes k: 1 yes, 0 no, -1 when the expected text cannot be
 * rendered (message set). */
static int judge(const struct check *k, struct response_ws *ws, const char *js, int i,
                 const struct tmpl_ctx *ctx, char *err, size_t errlen)
{
    double v;
    int eq;

    switch (k->kind) {
    case CHECK_JSON_EXISTS:
        return 1;
    case CHECK_JSON_MISSING:
        return 0;
    case CHECK_JSON_AT_LEAST:
        return token_number(ws, js, i, &v) && v >= k->value.number;
    case CHECK_JSON_AT_MOST:
        return token_number(ws, js, i, &v) && v <= k->value.number;
    default:
        if ((eq = json_equals(ws, js, i, &k->value, ctx, err, errlen)) < 0)
            return -1;
        return k->kind == CHECK_JSON_NOT_EQUALS ? !eq : eq;
    }
}

/* A value that is not there passes only "missing" and "not equals". */
static bool absent_passes(const struct check *k)
{
    return k->kind == CHECK_JSON_MISSING || k->kind == CHECK_JSON_NOT_EQUALS;
}

struct walk {
    const struct check *k;
    struct response_ws *ws;
    const char *js;
    const struct tmpl_ctx *ctx;
    uint64_t *rng;
    char at[128];               /* the path of the value being judged: "results.1.status" */
    size_t at_len;
    int bad;                    /* the failing token, -1 when it was missing */
};

static void walk_push(struct walk *w, const char *text, size_t *mark)
{
    int n;

    *mark = w->at_len;
    n = snprintf(w->at + w->at_len, sizeof w->at - w->at_len, "%s%s", w->at_len ? "." : "", text);
    if (n > 0)
        w->at_len = w->at_len + (size_t)n < sizeof w->at ? w->at_len + (size_t)n
                                                         : sizeof w->at - 1;
}

/* Judge every value path segs[s..] reaches from token i ("*" standing for each element in
 * turn): 1 all passed, 0 one failed (w->bad, w->at), -1 error. */
static int walk_every(struct walk *w, int i, uint32_t s, char *err, size_t errlen)
{
    const struct json_path *p = &w->k->path;
    const jsmntok_t *t = w->ws->toks;
    char num[48];
    size_t mark;
    int rc;

    if (i < 0) {
        w->bad = -1;
        return absent_passes(w->k);
    }
    if (s == p->n) {
        if ((rc = judge(w->k, w->ws, w->js, i, w->ctx, err, errlen)) == 0)
            w->bad = i;
        return rc;
    }
    if (p->segs[s].key || p->segs[s].index != JSON_SEG_ANY) {
        snprintf(num, sizeof num, "%d", (int)p->segs[s].index);
        walk_push(w, p->segs[s].key ? p->segs[s].key : num, &mark);
        return walk_every(w, child(w->ws, w->js, i, &p->segs[s], w->rng, &w->ws->text), s + 1,
                          err, errlen);
    }
    if (t[i].type != JSMN_ARRAY && t[i].type != JSMN_OBJECT)
        return walk_every(w, -1, s + 1, err, errlen);
    for (int k = 0, j = i + 1; k < t[i].size && j < w->ws->n; k++) {
        bool obj = t[i].type == JSMN_OBJECT;   /* j: an element, or a member's key */

        if (obj)                                /* the member's name as written */
            snprintf(num, sizeof num, "%.*s", t[j].end - t[j].start, w->js + t[j].start);
        else
            snprintf(num, sizeof num, "%d", k);
        walk_push(w, num, &mark);
        rc = walk_every(w, obj ? (j + 1 < w->ws->n ? j + 1 : -1) : j, s + 1, err, errlen);
        if (rc <= 0)
            return rc;
        w->at_len = mark;
        w->at[mark] = '\0';
        j = tok_skip(t, w->ws->n, obj ? j + 1 : j);
    }
    return 1;
}

static int check_json(const struct check *k, const struct response_view *r,
                      struct response_ws *ws, const struct tmpl_ctx *ctx, uint64_t *rng,
                      char *err, size_t errlen)
{
    struct walk w = {.k = k, .ws = ws, .js = r->body, .ctx = ctx, .rng = rng};
    char value[GOT_MAX + 8], got[GOT_MAX + 16] = "missing";
    int rc = parse_body(ws, r);

    if (rc < 0) {
        errmsg_set(err, errlen, "%s", not_json(rc));
        return -1;
    }
    if (k->every)
        rc = walk_every(&w, 0, 0, err, errlen);
    else if ((w.bad = resolve(ws, r->body, &k->path, rng)) < 0)
        rc = absent_passes(k);
    else
        rc = judge(k, ws, r->body, w.bad, ctx, err, errlen);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (w.bad >= 0) {
        describe_got(ws, r->body, w.bad, value, sizeof value);
        snprintf(got, sizeof got, "got %s", value);
    }
    if (k->every)
        errmsg_set(err, errlen, "check failed: %s (%s at %s)", k->describe, got, w.at);
    else
        errmsg_set(err, errlen, "check failed: %s (%s)", k->describe, got);
    return -1;
}

/* ---------------------------------------------------------------- entry point */

/* Every capture in order; -1 when one failed (the first one's message in err). */
static int apply_captures(const struct step *st, const struct response_view *r,
                          struct response_ws *ws, struct user_var *vars, uint64_t *rng,
                          const struct response_observer *obs, char *err, size_t errlen)
{
    char why[256];
    int failed = 0;

    for (uint32_t i = 0; i < st->n_captures; i++) {
        const struct capture *c = &st->captures[i];
        int rc;

        if (!obs) {
            if (capture_one(c, r, ws, &vars[c->var], rng, false, failed ? NULL : err,
                            errlen) < 0)
                failed = -1;
            continue;
        }
        rc = capture_one(c, r, ws, &vars[c->var], rng, true, why, sizeof why);
        obs->capture(obs->arg, c, rc == 0 ? NULL : why);
        if (rc < 0 && !failed)
            errmsg_set(err, errlen, "%s", why);
        if (rc < 0)
            failed = -1;
    }
    return failed;
}

/* A check that reads a body cut at the keep limit: it fails, saying so. */
static int check_truncated(const struct check *k, const struct response_view *r, char *err,
                           size_t errlen)
{
    char limit[32];

    size_text(r->truncated_at, limit, sizeof limit);
    errmsg_set(err, errlen, "check failed: %s (response body over %s, max_body_kept)",
               k->describe, limit);
    return -1;
}

int response_apply(const struct step *st, const struct response_view *r, struct response_ws *ws,
                   const struct tmpl_ctx *ctx, struct user_var *vars, uint64_t *rng,
                   const struct response_observer *obs, char *err, size_t errlen)
{
    ws->n = 0;
    ws->parse_rc = 0;
    if (!rng)
        rng = ctx->rng;
    if (apply_captures(st, r, ws, vars, rng, obs, err, errlen) < 0)
        return -1;
    for (uint32_t i = 0; i < st->n_checks; i++) {
        const struct check *k = &st->checks[i];
        int rc = r->truncated_at ? check_truncated(k, r, err, errlen)
                 : k->kind == CHECK_BODY_CONTAINS || k->kind == CHECK_BODY_NOT_CONTAINS
                     ? check_body(k, r, ws, ctx, err, errlen)
                     : check_json(k, r, ws, ctx, rng, err, errlen);

        if (obs)
            obs->check(obs->arg, k, rc < 0 ? err : NULL);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- numbers (backend health) */

int response_json_load(struct response_ws *ws, const char *body, size_t len, char *err,
                       size_t errlen)
{
    struct response_view r = {.body = body, .body_len = len};
    int rc;

    ws->n = 0;
    ws->parse_rc = 0;
    if ((rc = parse_body(ws, &r)) < 0) {
        errmsg_set(err, errlen, "%s", not_json(rc));
        return -1;
    }
    return 0;
}

/* The number token i stands for: a number, true 1, false 0, a string holding a number, an
 * array's or object's size; with equals, 1 when a string (or a primitive's text) is equals,
 * else 0. false when it stands for none (null, other strings, containers with equals). */
static bool leaf_value(struct response_ws *ws, const char *js, int i, const char *equals,
                       double *v)
{
    const jsmntok_t *t = &ws->toks[i];
    size_t n = (size_t)(t->end - t->start);
    char *end;

    if (t->type == JSMN_OBJECT || t->type == JSMN_ARRAY) {
        *v = t->size;
        return !equals;
    }
    if (t->type == JSMN_PRIMITIVE && !equals) {
        if (prim_is(js, t, "null", 4))
            return false;
        *v = prim_is(js, t, "true", 4) ? 1 : 0;
        if (strchr("-0123456789", js[t->start]))
            return unescape(js + t->start, n, &ws->text) == 0 &&
                   (*v = strtod(ws->text.data, &end), *end == '\0');
        return true;
    }
    if (unescape(js + t->start, n, &ws->text) < 0)
        return false;
    if (equals) {
        *v = strcmp(ws->text.data, equals) == 0 && strlen(equals) == ws->text.len;
        return true;
    }
    *v = strtod(ws->text.data, &end);
    return ws->text.len > 0 && *end == '\0' && isfinite(*v);
}

static void sum_path(struct response_ws *ws, const char *js, int i, const struct json_path *p,
                     uint32_t s, const char *equals, double *sum, uint32_t *matched)
{
    const jsmntok_t *t = ws->toks;
    const struct json_seg *seg;
    double v;
    int c, j;

    if (s == p->n) {
        if (leaf_value(ws, js, i, equals, &v)) {
            *sum += v;
            (*matched)++;
        }
        return;
    }
    seg = &p->segs[s];
    if (!seg->key && seg->index == JSON_SEG_ANY) {        /* every element */
        bool obj = t[i].type == JSMN_OBJECT;
        if (!obj && t[i].type != JSMN_ARRAY)
            return;
        j = i + 1;
        for (int k = 0; k < t[i].size && j < ws->n; k++) {
            if (!obj || j + 1 < ws->n)
                sum_path(ws, js, obj ? j + 1 : j, p, s + 1, equals, sum, matched);
            j = tok_skip(t, ws->n, obj ? j + 1 : j);
        }
        return;
    }
    if ((c = child(ws, js, i, seg, NULL, &ws->text)) >= 0)
        sum_path(ws, js, c, p, s + 1, equals, sum, matched);
}

void response_json_sum(struct response_ws *ws, const char *body, const struct json_path *p,
                       const char *equals, double *sum, uint32_t *matched)
{
    *sum = 0;
    *matched = 0;
    if (ws->n > 0)
        sum_path(ws, body, 0, p, 0, equals, sum, matched);
}
