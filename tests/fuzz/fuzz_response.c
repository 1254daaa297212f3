/* Fuzz target: the response parsers: the JSON tokeniser, JSON paths, captures and checks
 * (engine/response.c). The first line of an input is a JSON path, the rest the response body:
 * a step capturing and checking that path (and a few fixed ones) is applied to the body, whole
 * and then as if cut at the keep limit. A path the loader refuses falls back to "$". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "response.h"
#include "scenario.h"
#include "scenario_internal.h"

enum { MAX_VARS = 16 };

/* s as the inside of a JSON string. */
static void json_quote(struct strbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];

        if (c == '"' || c == '\\' || c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            (void)strbuf_puts(b, esc);
        } else {
            (void)strbuf_putc(b, (char)c);
        }
    }
}

static struct scenario *load_step(const char *path, size_t n)
{
    static const char *const head =
        "{\"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"steps\": [{\"method\": \"GET\", "
        "\"path\": \"/\", \"capture\": {\"a\": {\"json\": \"";
    struct strbuf b = {0};
    struct scenario *s = NULL;
    char err[256];

    (void)strbuf_puts(&b, head);
    json_quote(&b, path, n);
    (void)strbuf_puts(&b, "\", \"optional\": true}, \"b\": \"results.*.id\", \"h\": {\"header\": "
                      "\"Location\"}, \"c\": {\"status\": true}}, \"checks\": [{\"json\": \"");
    json_quote(&b, path, n);
    (void)strbuf_puts(&b, "\", \"equals\": \"${a}\"}, {\"json\": \"$\", \"not_equals\": 3}, "
                      "{\"body_contains\": \"${c}\"}, {\"json\": \"x.0\", \"exists\": false}]}]}]}]}");
    if (scenario_load_string(b.data, "fuzz.json", &s, err, sizeof err) < 0)
        s = NULL;
    strbuf_free(&b);
    return s;
}

static void apply(const struct scenario *s, const char *body, size_t len, size_t cut)
{
    static struct response_ws *ws;
    struct user_var vars[MAX_VARS] = {{0}};
    struct header_span hs[2] = {{"Content-Type", 12, "application/json", 16},
                                {"location", 8, body, len < 40 ? len : 40}};
    struct response_view r = {200, body, len, cut, hs, 2};
    uint64_t rng = 7;
    struct tmpl_ctx ctx = {vars, &rng, 0, 0, 1700000000.0, NULL};
    char err[256];

    if (!ws && !(ws = response_ws_new()))
        abort();
    if (s->n_vars > MAX_VARS)
        abort();
    (void)response_apply(&s->classes[0].tasks[0].steps[0], &r, ws, &ctx, vars, NULL, NULL, err,
                         sizeof err);
    for (int i = 0; i < MAX_VARS; i++)
        user_var_free(&vars[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - (const char *)data) : 0;
    const char *body = nl ? nl + 1 : (const char *)data;
    size_t blen = size - (size_t)(body - (const char *)data);
    struct scenario *s = load_step((const char *)data, plen);
    char *copy;

    if (!s && !(s = load_step("$", 1)))
        abort();
    copy = malloc(blen ? blen : 1);             /* exactly the body: reads past it are caught */
    if (!copy)
        abort();
    memcpy(copy, body, blen);
    apply(s, blen ? copy : NULL, blen, 0);
    apply(s, blen ? copy : NULL, blen, blen + 1);
    free(copy);
    scenario_free(s);
    return 0;
}
