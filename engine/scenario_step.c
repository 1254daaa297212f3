/* scenario_step: reads one step of a scenario file (an HTTP request with its templates, body,
 * expected statuses, captures and checks) into a struct step; also headers and JSON paths.
 *
 * Thread: the loading thread. */
#include "scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "snapshot.h"

static const char *const step_keys[] = {
    "method", "path", "name", "query", "headers", "json", "body", "content_type", "expect",
    "capture", "checks", "timeout", "description", NULL
};
static const char *const capture_keys[] = {"json", "header", "status", "optional", NULL};
static const char *const check_keys[] = {
    "json", "equals", "not_equals", "exists", "at_least", "at_most", "every", "body_contains",
    "body_not_contains", NULL
};

/* A member of obj with its key pushed on the path (pop with loader_path_pop(ld, *mark)). */
static const cJSON *member(struct loader *ld, const cJSON *obj, const char *key, size_t *mark)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

    *mark = ld->path_len;
    if (m)
        loader_path_key(ld, key);
    return m;
}

/* ---------------------------------------------------------------- headers and query */

static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

void scenario_step_free_headers(struct kv_tmpl *kv, uint32_t n)
{
    for (uint32_t i = 0; kv && i < n; i++) {
        free(kv[i].name);
        tmpl_free(kv[i].value);
    }
    free(kv);
}

static int header_name(struct loader *ld, const cJSON *obj, const cJSON *h)
{
    const char *p = h->string;

    for (; *p; p++)
        if (!is_tchar(*p))
            break;
    if (*p || !*h->string)
        return loader_fail(ld, h, LOADER_KEY, "expected a header name (letters, digits and "
                           "!#$%%&'*+-.^_`|~)");
    for (const cJSON *o = obj->child; o != h; o = o->next)
        if (strcasecmp(o->string, h->string) == 0)
            return loader_fail(ld, h, LOADER_KEY, "duplicate header (names ignore case)");
    return 0;
}

int scenario_step_headers(struct loader *ld, const cJSON *obj, struct kv_tmpl **out, uint32_t *n)
{
    int count = cJSON_GetArraySize(obj);

    if (loader_object(ld, obj) < 0)
        return -1;
    *out = count ? calloc((size_t)count, sizeof **out) : NULL;
    if (count && !*out)
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    for (const cJSON *h = obj->child; h; h = h->next) {
        size_t mark = loader_path_key(ld, h->string);
        struct kv_tmpl *kv = &(*out)[*n];

        if (header_name(ld, obj, h) < 0 ||
            loader_template(ld, h, TMPL_HEADER, true, &kv->value) < 0)
            return -1;
        if (!(kv->name = strdup(h->string)))
            return loader_fail(ld, h, LOADER_KEY, "out of memory");
        (*n)++;
        loader_path_pop(ld, mark);
    }
    return 0;
}

/* Query names are stored percent-encoded, ready to be joined as name=value. */
static char *encode_query_name(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = malloc(strlen(s) * 3 + 1), *o = out;

    for (; out && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            (c && strchr("-._~", c))) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    if (out)
        *o = '\0';
    return out;
}

static int step_query(struct loader *ld, const cJSON *obj, struct step *st)
{
    int count = cJSON_GetArraySize(obj);

    if (loader_object(ld, obj) < 0)
        return -1;
    st->query = count ? calloc((size_t)count, sizeof *st->query) : NULL;
    if (count && !st->query)
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    for (const cJSON *q = obj->child; q; q = q->next) {
        size_t mark = loader_path_key(ld, q->string);
        struct kv_tmpl *kv = &st->query[st->n_query];

        if (!*q->string)
            return loader_fail(ld, q, LOADER_KEY, "expected a parameter name");
        if (loader_template(ld, q, TMPL_QUERY, true, &kv->value) < 0)
            return -1;
        if (!(kv->name = encode_query_name(q->string)))
            return loader_fail(ld, q, LOADER_KEY, "out of memory");
        st->n_query++;
        loader_path_pop(ld, mark);
    }
    return 0;
}

/* ---------------------------------------------------------------- method, path, name */

static int step_method(struct loader *ld, const cJSON *obj, struct step *st)
{
    const cJSON *m;
    size_t mark;
    int i;

    if (loader_require(ld, obj, "method", &m) < 0)
        return -1;
    mark = loader_path_key(ld, "method");
    for (i = 0; i < HTTP_METHOD_COUNT; i++)
        if (cJSON_IsString(m) && strcmp(m->valuestring, http_method_names[i]) == 0)
            break;
    if (i == HTTP_METHOD_COUNT)
        return loader_bad_value(ld, m, "one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS");
    st->method = (enum http_method)i;
    loader_path_pop(ld, mark);
    return 0;
}

static bool path_shape_ok(const char *p)
{
    return p[0] == '/' || strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0 ||
           strncmp(p, "${", 2) == 0;
}

/* The endpoint: the step's name, or its path template as written. */
static int step_endpoint(struct loader *ld, const cJSON *obj, const char *path, struct step *st)
{
    size_t mark;
    const cJSON *n = member(ld, obj, "name", &mark);
    const char *name = path;

    if (!n)
        loader_path_key(ld, "path");
    if (n && loader_string(ld, n, &name) < 0)
        return -1;
    if (n && !*name)
        return loader_fail(ld, n, LOADER_VALUE, "expected a non-empty name");
    if (strlen(name) >= SNAP_NAME_MAX)
        return loader_fail(ld, n ? n : cJSON_GetObjectItemCaseSensitive(obj, "path"), LOADER_VALUE,
                           "a statistics name is at most %d bytes%s", SNAP_NAME_MAX - 1,
                           n ? "" : " (give the step a shorter \"name\")");
    if (scenario_add_endpoint(ld, st->method, name, &st->endpoint) < 0)
        return loader_fail(ld, n ? n : cJSON_GetObjectItemCaseSensitive(obj, "path"), LOADER_VALUE,
                           "more than %d endpoints (distinct method and name); group requests "
                           "with \"name\"", SNAP_MAX_ENDPOINTS);
    loader_path_pop(ld, mark);
    return 0;
}

static int step_path(struct loader *ld, const cJSON *obj, struct step *st)
{
    const cJSON *p;
    size_t mark;

    if (loader_require(ld, obj, "path", &p) < 0)
        return -1;
    mark = loader_path_key(ld, "path");
    if (loader_template(ld, p, TMPL_PATH, false, &st->path) < 0)
        return -1;
    if (!path_shape_ok(p->valuestring))
        return loader_bad_value(ld, p, "a path starting with / (or a full http:// or https:// "
                                "URL)");
    loader_path_pop(ld, mark);
    return step_endpoint(ld, obj, p->valuestring, st);
}

/* ---------------------------------------------------------------- bodies */

static int json_value(struct loader *ld, struct tmpl_builder *b, const cJSON *item);

/* A JSON string (a key or a value) as a template escaped JSON-wise; a value that is exactly
 * "${raw:EXPR}" is written without quotes (a number or a boolean made by a template). */
static int json_string(struct loader *ld, struct tmpl_builder *b, const cJSON *item,
                       enum loader_at at, const char *src)
{
    size_t n = strlen(src);
    bool bare = at == LOADER_VALUE && n > 7 && strncmp(src, "${raw:", 6) == 0 &&
                src[n - 1] == '}' && !strstr(src + 2, "${") && !memchr(src, '}', n - 1);
    struct tmpl *t;

    char msg[256] = "out of memory";

    if (loader_compile(ld, item, at, src, TMPL_JSON, &t) < 0)
        return -1;
    tmpl_free(t);
    if ((!bare && tmpl_builder_literal(b, "\"", 1) < 0) ||
        tmpl_builder_template(b, src, TMPL_JSON, &ld->sym, msg, sizeof msg, NULL) < 0 ||
        (!bare && tmpl_builder_literal(b, "\"", 1) < 0))
        return loader_fail(ld, item, at, "%s%s", msg,
                           strcmp(msg, "out of memory") ? " (the whole body)" : "");
    return 0;
}

static int json_container(struct loader *ld, struct tmpl_builder *b, const cJSON *item)
{
    bool obj = cJSON_IsObject(item);
    size_t i = 0;

    if (tmpl_builder_literal(b, obj ? "{" : "[", 1) < 0)
        return loader_fail(ld, item, LOADER_VALUE, "out of memory");
    for (const cJSON *c = item->child; c; c = c->next, i++) {
        size_t mark = obj ? loader_path_key(ld, c->string) : loader_path_index(ld, i);

        if ((i && tmpl_builder_literal(b, ",", 1) < 0))
            return loader_fail(ld, item, LOADER_VALUE, "out of memory");
        if (obj && (json_string(ld, b, c, LOADER_KEY, c->string) < 0 ||
                    tmpl_builder_literal(b, ":", 1) < 0))
            return -1;
        if (json_value(ld, b, c) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    if (tmpl_builder_literal(b, obj ? "}" : "]", 1) < 0)
        return loader_fail(ld, item, LOADER_VALUE, "out of memory");
    return 0;
}

static int json_value(struct loader *ld, struct tmpl_builder *b, const cJSON *item)
{
    const char *lit = NULL;
    char num[128];

    if (cJSON_IsObject(item) || cJSON_IsArray(item))
        return json_container(ld, b, item);
    if (cJSON_IsString(item))
        return json_string(ld, b, item, LOADER_VALUE, item->valuestring);
    if (cJSON_IsNumber(item)) {
        if (loader_number_text(ld, item, num, sizeof num) < 0)
            return loader_fail(ld, item, LOADER_VALUE, "number too long");
        lit = num;
    } else {
        lit = cJSON_IsTrue(item) ? "true" : cJSON_IsFalse(item) ? "false" : "null";
    }
    if (tmpl_builder_literal(b, lit, strlen(lit)) < 0)
        return loader_fail(ld, item, LOADER_VALUE, "out of memory");
    return 0;
}

/* The source of a JSON body as written, for tmpl_source. */
static char *json_source(const cJSON *item)
{
    return cJSON_PrintUnformatted(item);
}

static int step_json(struct loader *ld, const cJSON *j, struct step *st)
{
    struct tmpl_builder *b = tmpl_builder_new();
    char *src;

    if (!b)
        return loader_fail(ld, j, LOADER_VALUE, "out of memory");
    if (json_value(ld, b, j) < 0) {
        tmpl_builder_free(b);
        return -1;
    }
    src = json_source(j);
    st->body = tmpl_builder_finish(b, src ? src : "");
    cJSON_free(src);
    if (!st->body)
        return loader_fail(ld, j, LOADER_VALUE, "out of memory");
    st->body_kind = BODY_JSON;
    return 0;
}

static int step_body(struct loader *ld, const cJSON *obj, struct step *st)
{
    size_t mj, mb, mc;
    const cJSON *j = member(ld, obj, "json", &mj);
    const cJSON *raw, *ct;

    if (j && step_json(ld, j, st) < 0)
        return -1;
    loader_path_pop(ld, mj);
    raw = member(ld, obj, "body", &mb);
    if (raw && j)
        return loader_fail(ld, raw, LOADER_KEY, "give either \"json\" or \"body\", not both");
    if (raw && loader_template(ld, raw, TMPL_RAW, false, &st->body) < 0)
        return -1;
    if (raw)
        st->body_kind = BODY_RAW;
    loader_path_pop(ld, mb);
    ct = member(ld, obj, "content_type", &mc);
    if (ct && !raw)
        return loader_fail(ld, ct, LOADER_KEY, "\"content_type\" goes with a raw \"body\" (a "
                           "\"json\" body is sent as application/json)");
    if (ct ? loader_strdup(ld, ct, &st->content_type) < 0
        : raw && !(st->content_type = strdup("text/plain")))
        return -1;
    loader_path_pop(ld, mc);
    return 0;
}

/* ---------------------------------------------------------------- expect */

static int expect_item(struct loader *ld, const cJSON *e, bool ok[600])
{
    double v = e->valuedouble;
    const char *s = e->valuestring;

    if (cJSON_IsNumber(e) && v >= 100 && v <= 599 && v == (int)v) {
        ok[(int)v] = true;
        return 0;
    }
    if (cJSON_IsString(e) && s[0] >= '1' && s[0] <= '5' && (s[1] | 0x20) == 'x' &&
        (s[2] | 0x20) == 'x' && !s[3]) {
        for (int k = 0; k < 100; k++)
            ok[(s[0] - '0') * 100 + k] = true;
        return 0;
    }
    return loader_bad_value(ld, e, "a status from 100 to 599 or a class such as \"2xx\"");
}

static int step_expect(struct loader *ld, const cJSON *e, struct step *st)
{
    bool ok[600] = {false};
    uint32_t n = 0;
    size_t i = 0;

    if (cJSON_IsArray(e) && !e->child)
        return loader_fail(ld, e, LOADER_VALUE, "expected a non-empty list of statuses");
    if (!cJSON_IsArray(e) && expect_item(ld, e, ok) < 0)
        return -1;
    for (const cJSON *c = cJSON_IsArray(e) ? e->child : NULL; c; c = c->next, i++) {
        size_t mark = loader_path_index(ld, i);

        if (expect_item(ld, c, ok) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    for (int k = 100; k < 600; k++)
        n += ok[k];
    if (!(st->expect = malloc(n * sizeof *st->expect)))
        return loader_fail(ld, e, LOADER_VALUE, "out of memory");
    for (int k = 100; k < 600; k++)
        if (ok[k])
            st->expect[st->n_expect++] = (uint16_t)k;
    return 0;
}

/* ---------------------------------------------------------------- JSON paths */

void scenario_step_free_json_path(struct json_path *p)
{
    for (uint32_t i = 0; p->segs && i < p->n; i++)
        free(p->segs[i].key);
    free(p->segs);
    free(p->text);
    memset(p, 0, sizeof *p);
}

static int add_seg(struct json_path *p, const char *s, size_t n, bool bracket)
{
    struct json_seg *segs = realloc(p->segs, (p->n + 1) * sizeof *segs);
    struct json_seg *g;
    size_t d = 0;

    if (!segs)
        return -1;
    p->segs = segs;
    g = &segs[p->n++];
    *g = (struct json_seg){NULL, 0};
    while (d < n && s[d] >= '0' && s[d] <= '9')
        d++;
    if (n == 1 && s[0] == '*' && !bracket) {
        g->index = JSON_SEG_ANY;
    } else if (d == n && n > 0 && n <= 9 && !bracket) {
        g->index = (int32_t)strtol(s, NULL, 10);
    } else if (!(g->key = strndup(s, n))) {
        return -1;
    }
    return 0;
}

static int bad_at(size_t *err_col, size_t col)
{
    *err_col = col;
    return -1;
}

/* A [...] segment at text[*i] ('['): [3], [*], ["key"] or ['key']. */
static int bracket_seg(const char *text, size_t *i, struct json_path *p, size_t *err_col)
{
    size_t s = *i + 1, e;
    bool quoted = text[s] == '"' || text[s] == '\'';

    if (quoted) {
        const char *q = strchr(text + s + 1, text[s]);

        if (!q || q[1] != ']')
            return bad_at(err_col, s);
        e = (size_t)(q - text);
        *i = e + 2;
        return add_seg(p, text + s + 1, e - s - 1, true) < 0 ? -2 : 0;
    }
    for (e = s; text[e] && text[e] != ']'; e++)
        ;
    if (!text[e] || e == s)
        return bad_at(err_col, e);
    *i = e + 1;
    for (size_t k = s; k < e; k++)
        if (!(text[k] >= '0' && text[k] <= '9') && !(e - s == 1 && text[k] == '*'))
            return bad_at(err_col, k);
    if (e - s > 9)
        return bad_at(err_col, s);
    return add_seg(p, text + s, e - s, false) < 0 ? -2 : 0;
}

/* Parse text into p: 0, -1 (bad at *err_col) or -2 (out of memory). */
static int parse_path(const char *text, struct json_path *p, size_t *err_col)
{
    size_t i = 0;

    if (text[0] == '$')
        i = text[1] == '.' && text[2] ? 2 : 1;
    while (text[i]) {
        size_t s = i;
        int rc;

        if (text[i] == '[') {
            if ((rc = bracket_seg(text, &i, p, err_col)) < 0)
                return rc;
        } else {
            while (text[i] && text[i] != '.' && text[i] != '[')
                i++;
            if (i == s)
                return bad_at(err_col, s);
            if (add_seg(p, text + s, i - s, false) < 0)
                return -2;
        }
        if (text[i] == '.' && (!text[i + 1] || text[i + 1] == '.' || text[i + 1] == '['))
            return bad_at(err_col, i + 1);
        if (text[i] == '.')
            i++;
    }
    return text[0] ? 0 : bad_at(err_col, 0);
}

int scenario_step_json_path(struct loader *ld, const cJSON *item, const char *text,
                            struct json_path *out)
{
    size_t col = 0;
    int rc;

    memset(out, 0, sizeof *out);
    if (!(out->text = strdup(text)))
        return loader_fail(ld, item, LOADER_VALUE, "out of memory");
    rc = parse_path(text, out, &col);
    if (rc == -2)
        return loader_fail(ld, item, LOADER_VALUE, "out of memory");
    if (rc < 0)
        return loader_fail_at(ld, loader_string_offset(ld, loader_value_offset(ld, item), col),
                              "expected a JSON path such as \"id\", \"results.0.id\", "
                              "\"results[0].id\" or \"results.*.id\"");
    return 0;
}

/* ---------------------------------------------------------------- captures */

static int capture_var(struct loader *ld, const cJSON *c, struct capture *cap)
{
    if (!scenario_is_ident(c->string))
        return loader_fail(ld, c, LOADER_KEY, "expected a variable name (letters, digits and _, "
                           "not starting with a digit)");
    if (tmpl_is_builtin(c->string, strlen(c->string)))
        return loader_fail(ld, c, LOADER_KEY, "%s is a built-in name; capture into another name",
                           c->string);
    for (uint32_t f = 0; f < ld->s->n_feeders; f++)
        if (strcmp(ld->s->feeders[f].name, c->string) == 0)
            return loader_fail(ld, c, LOADER_KEY, "%s is a feeder's name; capture into another "
                               "name", c->string);
    if (scenario_add_var(ld, c->string, &cap->var) < 0)
        return loader_fail(ld, c, LOADER_KEY, "out of memory");
    if (ld->fixture != 1 + FIXTURE_SETUP && scenario_var_shared(ld->s, cap->var))
        return loader_fail(ld, c, LOADER_KEY, "%s is captured by setup: a shared variable is "
                           "read-only; capture into another name", c->string);
    cap->name = ld->s->vars[cap->var];
    return 0;
}

/* {"json": PATH} | {"header": NAME} | {"status": true}, with "optional". */
static int capture_object(struct loader *ld, const cJSON *c, struct capture *cap)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(c, "json");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(c, "header");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(c, "status");
    const cJSON *opt = cJSON_GetObjectItemCaseSensitive(c, "optional");
    const cJSON *src = j ? j : h ? h : st;
    const char *text = NULL;
    size_t mark;
    bool yes = false;

    if (loader_check_keys(ld, c, capture_keys) < 0)
        return -1;
    if (!src || (j && h) || (j && st) || (h && st))
        return loader_fail(ld, c, LOADER_VALUE, "expected exactly one of \"json\", \"header\" or "
                           "\"status\"");
    mark = loader_path_key(ld, src->string);
    if (loader_string(ld, src, &text) < 0 && !st)
        return -1;
    if (j && scenario_step_json_path(ld, j, text, &cap->path) < 0)
        return -1;
    if (h && (!*text || !(cap->header = strdup(text))))
        return loader_fail(ld, h, LOADER_VALUE, *text ? "out of memory" : "expected a header name");
    if (st && (loader_bool(ld, st, &yes) < 0 || !yes))
        return yes ? -1 : loader_bad_value(ld, st, "true (\"status\" takes no other value)");
    cap->source = j ? CAPTURE_JSON : h ? CAPTURE_HEADER : CAPTURE_STATUS;
    loader_path_pop(ld, mark);
    mark = loader_path_key(ld, "optional");
    if (opt && loader_bool(ld, opt, &cap->optional) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

static int step_captures(struct loader *ld, const cJSON *obj, struct step *st)
{
    int count = cJSON_GetArraySize(obj);

    if (loader_object(ld, obj) < 0)
        return -1;
    st->captures = count ? calloc((size_t)count, sizeof *st->captures) : NULL;
    if (count && !st->captures)
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    for (const cJSON *c = obj->child; c; c = c->next) {
        size_t mark = loader_path_key(ld, c->string);
        struct capture *cap = &st->captures[st->n_captures++];

        if (capture_var(ld, c, cap) < 0)
            return -1;
        if (cJSON_IsString(c)) {
            if (scenario_step_json_path(ld, c, c->valuestring, &cap->path) < 0)
                return -1;
        } else if (!cJSON_IsObject(c)) {
            return loader_fail(ld, c, LOADER_VALUE, "expected a JSON path string or an object "
                               "with \"json\", \"header\" or \"status\"");
        } else if (capture_object(ld, c, cap) < 0) {
            return -1;
        }
        loader_path_pop(ld, mark);
    }
    return 0;
}

/* ---------------------------------------------------------------- checks */

/* s in double quotes, JSON-escaped, as messages show strings (cut to fit n). */
static void quote(char *out, size_t n, const char *s)
{
    size_t o = 0;

    out[o++] = '"';
    for (; *s && o + 8 < n; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, n - o, c == '\n' ? "\\n" : c == '\t' ? "\\t"
                                  : "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

static int literal(struct loader *ld, const cJSON *v, struct json_literal *lit, char *shown,
                   size_t n)
{
    if (cJSON_IsString(v)) {
        lit->kind = JSON_LIT_STRING;
        quote(shown, n, v->valuestring);
        return loader_template(ld, v, TMPL_RAW, false, &lit->string);
    }
    if (cJSON_IsNumber(v)) {
        lit->kind = JSON_LIT_NUMBER;
        lit->number = v->valuedouble;
        return loader_number_text(ld, v, shown, n) < 0
               ? loader_fail(ld, v, LOADER_VALUE, "too long") : 0;
    }
    if (cJSON_IsBool(v) || cJSON_IsNull(v)) {
        lit->kind = cJSON_IsNull(v) ? JSON_LIT_NULL : JSON_LIT_BOOL;
        lit->boolean = cJSON_IsTrue(v);
        snprintf(shown, n, "%s", cJSON_IsNull(v) ? "null" : lit->boolean ? "true" : "false");
        return 0;
    }
    return loader_fail(ld, v, LOADER_VALUE, "expected a string, number, boolean or null");
}

/* The check as messages show it: a, op and b joined ("json.status", " == ", "\"ok\""). */
static int set_describe(struct loader *ld, const cJSON *c, struct check *k, const char *a,
                        const char *op, const char *b)
{
    size_t n = strlen(a) + strlen(op) + strlen(b) + 1;

    if (!(k->describe = malloc(n)))
        return loader_fail(ld, c, LOADER_VALUE, "out of memory");
    snprintf(k->describe, n, "%s%s%s", a, op, b);
    return 0;
}

/* The comparison of a "json" check: exactly one of its operator keys. */
static const char *const json_ops[] = {"equals", "not_equals", "exists", "at_least", "at_most"};
enum { N_JSON_OPS = sizeof json_ops / sizeof json_ops[0] };

static const cJSON *json_op(struct loader *ld, const cJSON *c, int *which)
{
    const cJSON *op = NULL;

    for (int i = 0; i < N_JSON_OPS; i++) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(c, json_ops[i]);

        if (m && op) {
            loader_fail(ld, c, LOADER_VALUE, "a \"json\" check needs exactly one of \"equals\", "
                        "\"not_equals\", \"exists\", \"at_least\" or \"at_most\"");
            return NULL;
        }
        if (m) {
            op = m;
            *which = i;
        }
    }
    if (!op)
        loader_fail(ld, c, LOADER_VALUE, "a \"json\" check needs exactly one of \"equals\", "
                    "\"not_equals\", \"exists\", \"at_least\" or \"at_most\"");
    return op;
}

/* The operand of the check's operator into k (kind, value) and its text into shown. */
static int json_operand(struct loader *ld, const cJSON *op, int which, struct check *k,
                        char *shown, size_t n)
{
    static const enum check_kind kinds[] = {CHECK_JSON_EQUALS, CHECK_JSON_NOT_EQUALS,
                                            CHECK_JSON_EXISTS, CHECK_JSON_AT_LEAST,
                                            CHECK_JSON_AT_MOST};
    bool yes = false;

    k->kind = kinds[which];
    if (k->kind == CHECK_JSON_EXISTS) {
        if (loader_bool(ld, op, &yes) < 0)
            return -1;
        k->kind = yes ? CHECK_JSON_EXISTS : CHECK_JSON_MISSING;
        return 0;
    }
    if (k->kind == CHECK_JSON_AT_LEAST || k->kind == CHECK_JSON_AT_MOST) {
        if (!cJSON_IsNumber(op))
            return loader_fail(ld, op, LOADER_VALUE, "expected a number");
        k->value.kind = JSON_LIT_NUMBER;
        k->value.number = op->valuedouble;
        return loader_number_text(ld, op, shown, n) < 0
               ? loader_fail(ld, op, LOADER_VALUE, "too long") : 0;
    }
    return literal(ld, op, &k->value, shown, n);
}

/* {"json": PATH, "equals" | "not_equals" | "exists" | "at_least" | "at_most": ...,
 *  "every": true} */
static int check_json(struct loader *ld, const cJSON *c, const cJSON *j, struct check *k)
{
    static const char *const op_texts[] = {" == ", " != ", "", " >= ", " <= "};
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(c, "every"), *op;
    char shown[512] = "", where[300], tail[32] = "";
    size_t mark = loader_path_key(ld, "json"), skip;
    const char *text = NULL;
    int which = 0;

    if (loader_string(ld, j, &text) < 0 || scenario_step_json_path(ld, j, text, &k->path) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if (!(op = json_op(ld, c, &which)))
        return -1;
    skip = text[0] == '$' ? (text[1] == '.' ? 2 : 1) : 0;
    snprintf(where, sizeof where, "json%s%s", text[skip] && text[skip] != '[' ? "." : "",
             text + skip);
    mark = loader_path_key(ld, op->string);
    if (json_operand(ld, op, which, k, shown, sizeof shown) < 0)
        return -1;
    loader_path_pop(ld, mark);
    mark = loader_path_key(ld, "every");
    if (ev && loader_bool(ld, ev, &k->every) < 0)
        return -1;
    if (k->every && !strchr(text, '*'))
        return loader_fail(ld, ev, LOADER_VALUE, "\"every\" needs a path with \"*\" (such as "
                           "\"results.*.status\")");
    loader_path_pop(ld, mark);
    if (k->every)
        snprintf(tail, sizeof tail, " for every element");
    if (k->kind == CHECK_JSON_EXISTS || k->kind == CHECK_JSON_MISSING)
        snprintf(shown, sizeof shown, "%s", k->kind == CHECK_JSON_EXISTS ? " exists"
                                                                        : " missing");
    return set_describe(ld, c, k, where, which == 2 ? "" : op_texts[which],
                        strcat(shown, tail));
}

static int check_one(struct loader *ld, const cJSON *c, struct check *k)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(c, "json");
    const cJSON *bc = cJSON_GetObjectItemCaseSensitive(c, "body_contains");
    const cJSON *bn = cJSON_GetObjectItemCaseSensitive(c, "body_not_contains");
    const cJSON *body = bc ? bc : bn;
    char shown[512];
    size_t mark;

    if (loader_object(ld, c) < 0 || loader_check_keys(ld, c, check_keys) < 0)
        return -1;
    if ((j != NULL) + (bc != NULL) + (bn != NULL) != 1)
        return loader_fail(ld, c, LOADER_VALUE, "expected exactly one of \"json\", "
                           "\"body_contains\" or \"body_not_contains\"");
    if (j)
        return check_json(ld, c, j, k);
    if (cJSON_GetArraySize(c) != 1)
        return loader_fail(ld, c, LOADER_VALUE, "a body check takes no other key");
    mark = loader_path_key(ld, body->string);
    if (loader_template(ld, body, TMPL_RAW, false, &k->text) < 0)
        return -1;
    loader_path_pop(ld, mark);
    k->kind = bc ? CHECK_BODY_CONTAINS : CHECK_BODY_NOT_CONTAINS;
    quote(shown, sizeof shown, body->valuestring);
    return set_describe(ld, c, k, "body ", bc ? "contains " : "not contains ", shown);
}

static int step_checks(struct loader *ld, const cJSON *list, struct step *st)
{
    int count = cJSON_GetArraySize(list);
    size_t i = 0;

    if (!cJSON_IsArray(list))
        return loader_fail(ld, list, LOADER_VALUE, "expected a list of checks");
    st->checks = count ? calloc((size_t)count, sizeof *st->checks) : NULL;
    if (count && !st->checks)
        return loader_fail(ld, list, LOADER_VALUE, "out of memory");
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        size_t mark = loader_path_index(ld, i);

        st->n_checks++;
        if (check_one(ld, c, &st->checks[i]) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

/* ---------------------------------------------------------------- steps */

/* The optional members, each read with its key on the path. */
static int step_options(struct loader *ld, const cJSON *obj, struct step *st)
{
    const char *text = NULL;
    size_t mark;
    const cJSON *m;

    if ((m = member(ld, obj, "query", &mark)) && step_query(ld, m, st) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, obj, "headers", &mark)) && scenario_step_headers(ld, m, &st->headers,
                                                                         &st->n_headers) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, obj, "expect", &mark)) && step_expect(ld, m, st) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, obj, "capture", &mark)) && step_captures(ld, m, st) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, obj, "checks", &mark)) && step_checks(ld, m, st) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, obj, "timeout", &mark)) && loader_duration(ld, m, &st->timeout) < 0)
        return -1;
    loader_path_pop(ld, mark);
    if ((m = member(ld, obj, "description", &mark)) && loader_string(ld, m, &text) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

static int parse_step(struct loader *ld, const cJSON *obj, struct step *st)
{
    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, step_keys) < 0)
        return -1;
    st->line = loader_line(ld, loader_value_offset(ld, obj));
    if (!(st->where = strdup(ld->path)))
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    if (step_method(ld, obj, st) < 0 || step_path(ld, obj, st) < 0 ||
        step_body(ld, obj, st) < 0 || step_options(ld, obj, st) < 0)
        return -1;
    for (uint32_t i = 0; i < st->n_captures; i++)
        st->needs_body |= st->captures[i].source == CAPTURE_JSON;
    st->needs_body |= st->n_checks > 0;
    return 0;
}

int scenario_step_parse_list(struct loader *ld, const cJSON *list, bool allow_empty,
                             struct step **out, uint32_t *n)
{
    int count = cJSON_GetArraySize(list);
    size_t i = 0;

    if (!cJSON_IsArray(list) || (!allow_empty && count == 0))
        return loader_fail(ld, list, LOADER_VALUE, "expected a %slist of steps",
                           allow_empty ? "" : "non-empty ");
    *out = count ? calloc((size_t)count, sizeof **out) : NULL;
    if (count && !*out)
        return loader_fail(ld, list, LOADER_VALUE, "out of memory");
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        size_t mark = loader_path_index(ld, i);

        ld->on_start = ld->reading_on_start ? ld->step_base + (int)i : -1;
        (*n)++;
        if (parse_step(ld, c, &(*out)[i]) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    ld->on_start = -1;
    return 0;
}

int scenario_step_parse_one(struct loader *ld, const cJSON *obj, struct step *st)
{
    int rc;

    ld->on_start = ld->reading_on_start ? ld->step_base : -1;
    rc = parse_step(ld, obj, st);
    ld->on_start = -1;
    return rc;
}

static void free_step(struct step *st)
{
    tmpl_free(st->path);
    scenario_step_free_headers(st->query, st->n_query);
    scenario_step_free_headers(st->headers, st->n_headers);
    tmpl_free(st->body);
    free(st->content_type);
    free(st->expect);
    for (uint32_t i = 0; st->captures && i < st->n_captures; i++) {
        scenario_step_free_json_path(&st->captures[i].path);
        free(st->captures[i].header);
    }
    free(st->captures);
    for (uint32_t i = 0; st->checks && i < st->n_checks; i++) {
        scenario_step_free_json_path(&st->checks[i].path);
        tmpl_free(st->checks[i].value.string);
        tmpl_free(st->checks[i].text);
        free(st->checks[i].describe);
    }
    free(st->checks);
    free(st->where);
}

void scenario_step_free_list(struct step *steps, uint32_t n)
{
    for (uint32_t i = 0; steps && i < n; i++)
        free_step(&steps[i]);
    free(steps);
}
