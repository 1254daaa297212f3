/* Tests of response_apply: captures (paths, indices, '*', headers, status, optional, escapes,
 * bodies that need more tokens), every check kind (bounds and "every" too) passing and failing with its exact message,
 * bodies that are not JSON or are truncated, and what an observer is told (tracing). Steps
 * come from the scenario loader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "response.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "template.h"

#define MAX_VARS 32

struct fixture {
    struct scenario *s;
    const struct step *st;
    struct response_ws *ws;
    struct user_var vars[MAX_VARS];
    uint64_t rng;
    struct tmpl_ctx ctx;
    struct header_span headers[4];
    struct response_view r;
    char err[256];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    f->ws = response_ws_new();
    f->rng = 7;
    f->ctx = (struct tmpl_ctx){f->vars, &f->rng, 0, 0, 1700000000.0, NULL};
    f->headers[0] = (struct header_span){"Content-Type", 12, "application/json", 16};
    f->headers[1] = (struct header_span){"LOCATION", 8, "/api/v1/x/1/", 12};
    f->headers[2] = (struct header_span){"location", 8, "/second/", 8};
    f->r.headers = f->headers;
    f->r.n_headers = 3;
    f->r.status = 201;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    for (int i = 0; i < MAX_VARS; i++)
        user_var_free(&f->vars[i]);
    response_ws_free(f->ws);
    scenario_free(f->s);
    free(f);
    return 0;
}

/* Load a scenario whose first task is the one step given; a second task captures "other" and
 * "dep_id" so the step may read them. */
static void load_step(struct fixture *f, const char *step_json)
{
    char text[4096], err[512];

    snprintf(text, sizeof text,
             "{\"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"steps\": [%s]}, "
             "{\"steps\": [{\"method\": \"GET\", \"path\": \"/o/\", "
             "\"capture\": {\"other\": \"x\", \"dep_id\": \"y\"}}]}]}]}", step_json);
    scenario_free(f->s);
    for (int i = 0; i < MAX_VARS; i++)
        user_var_free(&f->vars[i]);
    if (scenario_load_string(text, "test.json", &f->s, err, sizeof err) < 0)
        fail_msg("load: %s", err);
    assert_true(f->s->n_vars <= MAX_VARS);
    f->st = &f->s->classes[0].tasks[0].steps[0];
}

static int var_index(const struct fixture *f, const char *name)
{
    for (uint32_t i = 0; i < f->s->n_vars; i++)
        if (strcmp(f->s->vars[i], name) == 0)
            return (int)i;
    fail_msg("no variable %s", name);
    return -1;
}

static const char *var(struct fixture *f, const char *name)
{
    struct user_var *v = &f->vars[var_index(f, name)];

    return v->set ? v->value : "(unset)";
}

static int apply(struct fixture *f, const char *body)
{
    f->r.body = body;
    f->r.body_len = body ? strlen(body) : 0;
    f->err[0] = '\0';
    return response_apply(f->st, &f->r, f->ws, &f->ctx, f->vars, NULL, NULL, f->err, sizeof f->err);
}

static void assert_fails(struct fixture *f, const char *body, const char *message)
{
    assert_int_equal(apply(f, body), -1);
    assert_string_equal(f->err, message);
}

static const char doc[] =
    "{\"id\": \"abc\", \"count\": 3, \"ratio\": 0.5, \"results\": [{\"id\": 1, \"status\": "
    "\"pending\"}, {\"id\": \"x\\\"y\", \"status\": \"approved\"}, {\"id\": 3}], "
    "\"meta\": {\"next\": null, \"flag\": true, \"obj\": {\"a\": [1, 2]}, \"404\": \"nf\", "
    "\"k\\u0065y\": \"escaped key\"}, \"text\": \"caf\\u00e9 \\ud83d\\ude00\\n\\t\\\\\\/\", "
    "\"lone\": \"\\ud800x\", \"empty\": [], \"error\": \"boom\"}";

static void test_capture_paths(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {"
              "\"a\": \"id\", \"b\": \"results.0.id\", \"c\": \"results[1].id\", "
              "\"d\": \"meta.next\", \"e\": \"meta.flag\", \"g\": \"meta.obj\", "
              "\"h\": \"meta.obj.a[1]\", \"i\": \"meta.404\", \"j\": \"meta[\\\"key\\\"]\", "
              "\"k\": \"ratio\", \"l\": \"$.results.2\", \"m\": \"results.1.status\"}}");
    assert_int_equal(apply(f, doc), 0);
    assert_string_equal(var(f, "a"), "abc");
    assert_string_equal(var(f, "b"), "1");
    assert_string_equal(var(f, "c"), "x\"y");
    assert_string_equal(var(f, "d"), "null");
    assert_string_equal(var(f, "e"), "true");
    assert_string_equal(var(f, "g"), "{\"a\": [1, 2]}");
    assert_string_equal(var(f, "h"), "2");
    assert_string_equal(var(f, "i"), "nf");
    assert_string_equal(var(f, "j"), "escaped key");
    assert_string_equal(var(f, "k"), "0.5");
    assert_string_equal(var(f, "l"), "{\"id\": 3}");
    assert_string_equal(var(f, "m"), "approved");
}

static void test_capture_root_and_escapes(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"all\": \"$\", "
              "\"t\": \"text\", \"lone\": \"lone\"}}");
    assert_int_equal(apply(f, doc), 0);
    assert_string_equal(var(f, "all"), doc);
    assert_string_equal(var(f, "t"), "caf\xc3\xa9 \xf0\x9f\x98\x80\n\t\\/");
    assert_string_equal(var(f, "lone"), "\xef\xbf\xbdx");
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"all\": \"$\"}}");
    assert_int_equal(apply(f, "  \"just a string\"\n"), 0);
    assert_string_equal(var(f, "all"), "just a string");
    assert_int_equal(apply(f, "[1, 2]"), 0);
    assert_string_equal(var(f, "all"), "[1, 2]");
    assert_int_equal(apply(f, " 42\r\n"), 0);
    assert_string_equal(var(f, "all"), "42");
    assert_int_equal(apply(f, "null"), 0);
    assert_string_equal(var(f, "all"), "null");
    assert_fails(f, "4 2", "response is not JSON");
    assert_fails(f, "nope", "response is not JSON");
}

static void test_capture_random_element(void **state)
{
    struct fixture *f = *state;
    int seen[4] = {0};
    char first[16];

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"pick\": "
              "\"results.*.id\"}}");
    for (int i = 0; i < 300; i++) {
        const char *v;

        assert_int_equal(apply(f, doc), 0);
        v = var(f, "pick");
        if (strcmp(v, "1") == 0)
            seen[1]++;
        else if (strcmp(v, "x\"y") == 0)
            seen[2]++;
        else if (strcmp(v, "3") == 0)
            seen[3]++;
        else
            fail_msg("unexpected pick %s", v);
    }
    assert_true(seen[1] > 50 && seen[2] > 50 && seen[3] > 50);
    f->rng = 99;
    assert_int_equal(apply(f, doc), 0);
    snprintf(first, sizeof first, "%s", var(f, "pick"));
    f->rng = 99;
    assert_int_equal(apply(f, doc), 0);
    assert_string_equal(var(f, "pick"), first);
    assert_fails(f, "{\"results\": []}", "capture pick: json path results.*.id not found");
}

static void test_capture_header_and_status(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {"
              "\"loc\": {\"header\": \"Location\"}, \"code\": {\"status\": true}}}");
    assert_int_equal(apply(f, "not json at all"), 0);      /* no JSON capture: body unread */
    assert_string_equal(var(f, "loc"), "/api/v1/x/1/");
    assert_string_equal(var(f, "code"), "201");
    f->r.n_headers = 1;
    assert_fails(f, "", "capture loc: header Location not found");
    assert_string_equal(var(f, "code"), "201");
}

static void test_capture_optional(void **state)
{
    struct fixture *f = *state;
    int v;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {"
              "\"maybe\": {\"json\": \"results.9.id\", \"optional\": true}, "
              "\"hdr\": {\"header\": \"X-Nope\", \"optional\": true}}}");
    v = var_index(f, "maybe");
    assert_int_equal(user_var_set(&f->vars[v], "old", 3), 0);
    assert_int_equal(apply(f, doc), 0);
    assert_string_equal(var(f, "maybe"), "old");
    assert_string_equal(var(f, "hdr"), "(unset)");
    assert_int_equal(apply(f, "<html>"), 0);
    assert_string_equal(var(f, "maybe"), "old");
    assert_int_equal(apply(f, "{\"results\": [0,1,2,3,4,5,6,7,8,{\"id\": \"new\"}]}"), 0);
    assert_string_equal(var(f, "maybe"), "new");
}

static void test_capture_failures(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"a\": \"missing.id\", "
              "\"b\": \"id\", \"c\": \"count.x\"}, \"checks\": [{\"body_contains\": \"zzz\"}]}");
    assert_fails(f, doc, "capture a: json path missing.id not found");
    assert_string_equal(var(f, "b"), "abc");                /* the others still apply */
    assert_fails(f, "{\"id\": [1]}", "capture a: json path missing.id not found");
    assert_string_equal(var(f, "b"), "[1]");
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"a\": \"id.x\"}}");
    assert_fails(f, doc, "capture a: json path id.x not found");
    assert_fails(f, "<html><body>502 Bad Gateway</body></html>", "response is not JSON");
    assert_fails(f, "", "response is not JSON");
    assert_fails(f, NULL, "response is not JSON");
    assert_fails(f, "   ", "response is not JSON");
    assert_fails(f, "{\"id\": 1} trailing", "response is not JSON");
    assert_fails(f, "{\"id\": 1}{\"id\": 2}", "response is not JSON");
    assert_fails(f, "{\"id\": {\"x\": 1}, \"more\": [1, 2", "response is not JSON (truncated)");
    assert_fails(f, "{\"id\": \"unterminated", "response is not JSON (truncated)");
    assert_fails(f, "{\"id\" 1}", "response is not JSON");
    assert_fails(f, "{id: 1}", "response is not JSON");
}

/* What an observer (request tracing) is told: every capture with its message or NULL, the
 * checks up to the first failure, and the same result and message as response_apply. */
struct told {
    char lines[8][300];
    int n;
};

static void told_capture(void *arg, const struct capture *c, const char *why)
{
    struct told *t = arg;

    snprintf(t->lines[t->n++], sizeof t->lines[0], "capture %s: %s", c->name, why ? why : "ok");
}

static void told_check(void *arg, const struct check *k, const char *why)
{
    struct told *t = arg;

    snprintf(t->lines[t->n++], sizeof t->lines[0], "check %s: %s", k->describe,
             why ? why : "ok");
}

static int apply_observed(struct fixture *f, const char *body, struct told *t)
{
    struct response_observer obs = {told_capture, told_check, t};

    memset(t, 0, sizeof *t);
    f->r.body = body;
    f->r.body_len = strlen(body);
    f->err[0] = '\0';
    return response_apply(f->st, &f->r, f->ws, &f->ctx, f->vars, NULL, &obs, f->err,
                                   sizeof f->err);
}

static void test_observer_told_each_capture_and_check(void **state)
{
    struct fixture *f = *state;
    struct told t;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"a\": \"id\", "
              "\"opt\": {\"json\": \"nope\", \"optional\": true}}, \"checks\": ["
              "{\"json\": \"count\", \"equals\": 3}, {\"json\": \"error\", \"equals\": \"ok\"}, "
              "{\"body_contains\": \"abc\"}]}");
    assert_int_equal(apply_observed(f, doc, &t), -1);
    assert_string_equal(f->err, "check failed: json.error == \"ok\" (got \"boom\")");
    assert_int_equal(t.n, 4);                      /* the third check is not evaluated */
    assert_string_equal(t.lines[0], "capture a: ok");
    assert_string_equal(t.lines[1], "capture opt: capture opt: json path nope not found");
    assert_string_equal(t.lines[2], "check json.count == 3: ok");
    assert_string_equal(t.lines[3], "check json.error == \"ok\": check failed: json.error == "
                                    "\"ok\" (got \"boom\")");
    assert_string_equal(var(f, "a"), "abc");
    assert_int_equal(apply(f, doc), -1);          /* the same without an observer */
    assert_string_equal(f->err, "check failed: json.error == \"ok\" (got \"boom\")");
    /* a failed capture: every capture told, the first message kept, no check evaluated */
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"x\": \"missing\", "
              "\"y\": \"also.missing\"}, \"checks\": [{\"body_contains\": \"abc\"}]}");
    assert_int_equal(apply_observed(f, doc, &t), -1);
    assert_string_equal(f->err, "capture x: json path missing not found");
    assert_int_equal(t.n, 2);
    assert_string_equal(t.lines[1], "capture y: capture y: json path also.missing not found");
}

static void test_large_body_grows_tokens(void **state)
{
    struct fixture *f = *state;
    size_t cap = 64 * 20000, n = 0;
    char *big = malloc(cap);

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"last\": "
              "\"results.19999.id\", \"count\": \"count\"}}");
    n += (size_t)snprintf(big + n, cap - n, "{\"results\": [");
    for (int i = 0; i < 20000; i++)
        n += (size_t)snprintf(big + n, cap - n, "%s{\"id\": \"d-%d\", \"n\": [%d]}",
                              i ? "," : "", i, i);
    snprintf(big + n, cap - n, "], \"count\": 20000}");
    assert_int_equal(apply(f, big), 0);
    assert_string_equal(var(f, "last"), "d-19999");
    assert_string_equal(var(f, "count"), "20000");
    assert_int_equal(apply(f, "{\"results\": [{\"id\": 0}], \"count\": 1}"), -1);
    assert_int_equal(apply(f, big), 0);                     /* the grown workspace again */
    assert_string_equal(var(f, "last"), "d-19999");
    free(big);
}

static void test_check_equals(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": ["
              "{\"json\": \"results.0.status\", \"equals\": \"pending\"}, "
              "{\"json\": \"count\", \"equals\": 3}, {\"json\": \"meta.flag\", \"equals\": true},"
              " {\"json\": \"meta.next\", \"equals\": null}, {\"json\": \"count\", \"equals\": "
              "\"3\"}, {\"json\": \"ratio\", \"equals\": 0.50}, {\"json\": \"text\", \"equals\": "
              "\"caf\\u00e9 \\ud83d\\ude00\\n\\t\\\\/\"}]}");
    assert_int_equal(apply(f, doc), 0);
    assert_fails(f, "{\"results\": [{\"status\": \"approved\"}]}",
                 "check failed: json.results.0.status == \"pending\" (got \"approved\")");
    assert_fails(f, "{\"results\": [{\"status\": 5}]}",
                 "check failed: json.results.0.status == \"pending\" (got 5)");
    assert_fails(f, "{\"results\": [{}]}",
                 "check failed: json.results.0.status == \"pending\" (missing)");
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": [{\"json\": \"count\", "
              "\"equals\": 4}]}");
    assert_fails(f, doc, "check failed: json.count == 4 (got 3)");
    assert_fails(f, "{\"count\": \"4\"}", "check failed: json.count == 4 (got \"4\")");
    assert_int_equal(apply(f, "{\"count\": 4.0}"), 0);
    assert_int_equal(apply(f, "{\"count\": 4e0}"), 0);
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": [{\"json\": \"f\", "
              "\"equals\": false}, {\"json\": \"n\", \"equals\": null}]}");
    assert_int_equal(apply(f, "{\"f\": false, \"n\": null}"), 0);
    assert_fails(f, "{\"f\": true, \"n\": null}", "check failed: json.f == false (got true)");
    assert_fails(f, "{\"f\": false, \"n\": \"null\"}",
                 "check failed: json.n == null (got \"null\")");
    assert_fails(f, "{\"f\": false, \"n\": {\"a\": 1}}",
                 "check failed: json.n == null (got {\"a\": 1})");
}

static void test_check_equals_template(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"dep_id\": \"id\"}, "
              "\"checks\": [{\"json\": \"copy\", \"equals\": \"${dep_id}\"}]}");
    assert_int_equal(apply(f, "{\"id\": \"d1\", \"copy\": \"d1\"}"), 0);
    assert_fails(f, "{\"id\": \"d1\", \"copy\": \"d2\"}",
                 "check failed: json.copy == \"${dep_id}\" (got \"d2\")");
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": [{\"json\": \"id\", "
              "\"equals\": \"${other}\"}]}");
    assert_fails(f, "{\"id\": 1}", "variable ${other} is not set");
    assert_int_equal(user_var_set(&f->vars[var_index(f, "other")], "1", 1), 0);
    assert_int_equal(apply(f, "{\"id\": 1}"), 0);
}

static void test_check_not_equals_exists_missing(void **state)
{
    struct fixture *f = *state;
    char longv[200], body[300], want[300];

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": ["
              "{\"json\": \"status\", \"not_equals\": \"failed\"}]}");
    assert_int_equal(apply(f, "{\"status\": \"ok\"}"), 0);
    assert_int_equal(apply(f, "{}"), 0);
    assert_fails(f, "{\"status\": \"failed\"}",
                 "check failed: json.status != \"failed\" (got \"failed\")");
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": ["
              "{\"json\": \"results[0].id\", \"exists\": true}]}");
    assert_int_equal(apply(f, doc), 0);
    assert_int_equal(apply(f, "{\"results\": [{\"id\": null}]}"), 0);
    assert_fails(f, "{\"results\": []}", "check failed: json.results[0].id exists (missing)");
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": ["
              "{\"json\": \"error\", \"exists\": false}]}");
    assert_int_equal(apply(f, "{\"ok\": 1}"), 0);
    assert_fails(f, doc, "check failed: json.error missing (got \"boom\")");
    memset(longv, 'v', 100);
    longv[100] = '\0';
    snprintf(body, sizeof body, "{\"error\": \"%s\"}", longv);
    snprintf(want, sizeof want, "check failed: json.error missing (got \"%.60s...\")", longv);
    assert_fails(f, body, want);
}

static void test_check_body(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": ["
              "{\"body_contains\": \"ok\"}, {\"body_not_contains\": \"error\"}]}");
    assert_int_equal(apply(f, "all ok here"), 0);
    assert_fails(f, "all good", "check failed: body contains \"ok\"");
    assert_fails(f, "ok but error", "check failed: body not contains \"error\"");
    assert_fails(f, "", "check failed: body contains \"ok\"");
    assert_fails(f, NULL, "check failed: body contains \"ok\"");
    assert_int_equal(apply(f, "o ok"), 0);
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"dep_id\": {\"header\": "
              "\"location\"}}, \"checks\": [{\"body_contains\": \"${dep_id}\"}]}");
    assert_int_equal(apply(f, "moved to /api/v1/x/1/ ok"), 0);
    assert_fails(f, "moved elsewhere", "check failed: body contains \"${dep_id}\"");
}

/* A body cut at the keep limit: captures from it (optional ones too) and every check fail,
 * naming the limit; header and status captures still work. */
static void test_truncated_body(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {"
              "\"loc\": {\"header\": \"Location\"}, \"code\": {\"status\": true}}}");
    f->r.truncated_at = 1024;
    assert_int_equal(apply(f, "{\"id\": 1"), 0);
    assert_string_equal(var(f, "loc"), "/api/v1/x/1/");
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {"
              "\"maybe\": {\"json\": \"id\", \"optional\": true}}}");
    assert_fails(f, "{\"id\": 1, \"pad\": \"", "capture maybe: response body over 1 kB "
                 "(max_body_kept)");
    assert_string_equal(var(f, "maybe"), "(unset)");
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": ["
              "{\"body_contains\": \"ok\"}]}");
    f->r.truncated_at = (size_t)8 << 20;
    assert_fails(f, "ok, and more", "check failed: body contains \"ok\" (response body over "
                 "8 MB, max_body_kept)");
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": ["
              "{\"json\": \"id\", \"exists\": false}]}");
    f->r.truncated_at = 1500;
    assert_fails(f, "{", "check failed: json.id missing (response body over 1500 bytes, "
                 "max_body_kept)");
    f->r.truncated_at = 0;
    assert_int_equal(apply(f, "{}"), 0);
}

static void test_check_bounds(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/a/\", \"checks\": ["
                 "{\"json\": \"count\", \"at_least\": 100}, {\"json\": \"count\", \"at_most\": 150}]}");
    assert_int_equal(apply(f, "{\"count\": 120}"), 0);
    assert_int_equal(apply(f, "{\"count\": \"100\"}"), 0);         /* a numeric string */
    assert_fails(f, "{\"count\": 12}", "check failed: json.count >= 100 (got 12)");
    assert_fails(f, "{\"count\": 151}", "check failed: json.count <= 150 (got 151)");
    assert_fails(f, "{\"count\": \"many\"}", "check failed: json.count >= 100 (got \"many\")");
    assert_fails(f, "{\"total\": 120}", "check failed: json.count >= 100 (missing)");
}

static void test_check_every(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/a/\", \"checks\": ["
                 "{\"json\": \"results.*.status\", \"equals\": \"online\", \"every\": true}]}");
    assert_int_equal(apply(f, "{\"results\": [{\"status\": \"online\"}, {\"status\": "
                              "\"online\"}]}"), 0);
    assert_int_equal(apply(f, "{\"results\": []}"), 0);            /* no element: none fails */
    assert_fails(f, "{\"results\": [{\"status\": \"online\"}, {\"status\": \"offline\"}, "
                    "{\"status\": \"online\"}]}",
                 "check failed: json.results.*.status == \"online\" for every element "
                 "(got \"offline\" at results.1.status)");
    assert_fails(f, "{\"results\": [{\"status\": \"online\"}, {\"plane\": \"jamf\"}]}",
                 "check failed: json.results.*.status == \"online\" for every element "
                 "(missing at results.1.status)");
    load_step(f, "{\"method\": \"GET\", \"path\": \"/a/\", \"checks\": ["
                 "{\"json\": \"planes.*\", \"not_equals\": \"offline\", \"every\": true}]}");
    assert_int_equal(apply(f, "{\"planes\": {\"intune\": \"online\", \"jamf\": \"online\"}}"), 0);
    assert_fails(f, "{\"planes\": {\"intune\": \"online\", \"jamf\": \"offline\"}}",
                 "check failed: json.planes.* != \"offline\" for every element "
                 "(got \"offline\" at planes.jamf)");
}

static void test_no_captures_no_checks(void **state)
{
    struct fixture *f = *state;

    load_step(f, "{\"method\": \"GET\", \"path\": \"/\"}");
    assert_int_equal(apply(f, "<html>whatever</html>"), 0);
    assert_false(f->st->needs_body);
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"h\": {\"header\": "
              "\"Location\"}}}");
    assert_false(f->st->needs_body);
    load_step(f, "{\"method\": \"GET\", \"path\": \"/\", \"checks\": [{\"body_contains\": "
              "\"x\"}]}");
    assert_true(f->st->needs_body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_capture_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capture_root_and_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capture_random_element, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capture_header_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capture_optional, setup, teardown),
        cmocka_unit_test_setup_teardown(test_observer_told_each_capture_and_check, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_capture_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_body_grows_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_equals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_equals_template, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_not_equals_exists_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_captures_no_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_every, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
