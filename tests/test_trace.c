/* Tests of request tracing (trace.c): escaping of what comes from outside (control characters,
 * C1 controls, invalid UTF-8, cuts on character boundaries), masking of secrets in headers,
 * URLs, JSON and form bodies and variables (by name, and by where a step sends them), the lines
 * of a whole request built from a scenario loaded and planned for real, and the ticket counter
 * that stops after N requests, from several threads at once. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "plan.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "trace.h"
#include "trace_internal.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static char *escaped(const char *s, size_t n, size_t max)
{
    struct strbuf b = {0};

    trace_escape(&b, s, n, max);
    return b.data ? b.data : strdup("");
}

static void assert_escape(const char *s, size_t max, const char *want)
{
    char *got = escaped(s, strlen(s), max);

    assert_string_equal(got, want);
    free(got);
}

static void assert_header(const char *line, const char *want)
{
    struct strbuf b = {0};

    trace_format_header(&b, line, strlen(line));
    assert_string_equal(b.data, want);
    strbuf_free(&b);
}

static void assert_url(const char *url, const char *want)
{
    struct strbuf b = {0};

    trace_format_url(&b, url, strlen(url));
    assert_string_equal(b.data, want);
    strbuf_free(&b);
}

/* ---- escaping ---------------------------------------------------------------------------- */

static void test_escape_control_characters(void **state)
{
    (void)state;
    assert_escape("plain text", 100, "plain text");
    assert_escape("a\nb\rc\td\\e", 100, "a\\nb\\rc\\td\\\\e");
    assert_escape("\x1b[31mred\x1b[0m", 100, "\\x1b[31mred\\x1b[0m");      /* no colours */
    assert_escape("bell\a del\x7f", 100, "bell\\x07 del\\x7f");
    assert_escape("csi\xc2\x9b" "2J nbsp\xc2\xa0", 100, "csi\\u009b2J nbsp\xc2\xa0");
    assert_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 100,
                  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");         /* UTF-8 stays */
    assert_escape("bad \xff\xfe lone \xc3 end", 100, "bad \\xff\\xfe lone \\xc3 end");
    assert_escape("overlong \xc0\xaf \xe0\x80\xaf surrogate \xed\xa0\x80", 100,
                  "overlong \\xc0\\xaf \\xe0\\x80\\xaf surrogate \\xed\\xa0\\x80");
    {
        char *got = escaped("a\0b", 3, 100);                     /* NUL inside a value */
        assert_string_equal(got, "a\\x00b");
        free(got);
    }
}

static void test_escape_cuts_on_character_boundaries(void **state)
{
    (void)state;
    assert_escape("0123456789", 4, "0123... (10 bytes)");
    assert_escape("0123", 4, "0123");
    assert_escape("ab\xe2\x82\xac", 4, "ab... (5 bytes)");    /* never half of the euro sign */
    assert_escape("ab\xe2\x82\xac", 5, "ab\xe2\x82\xac");
}

/* ---- secrets ----------------------------------------------------------------------------- */

static void test_secret_names(void **state)
{
    const char *secret[] = {"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
                            "X-Auth-Token", "token", "access_token", "csrftoken", "password",
                            "PASSWD", "client_secret", "api_key", "X-Api-Key", "apikey",
                            "sessionid", "X-Session", "credentials", "jwt"};
    const char *plain[] = {"Accept", "Content-Type", "User-Agent", "page", "page_size", "id",
                           "dep_id", "name", "status", "Location"};

    (void)state;
    for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
        if (!trace_secret_name(secret[i], strlen(secret[i])))
            fail_msg("%s should be secret", secret[i]);
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (trace_secret_name(plain[i], strlen(plain[i])))
            fail_msg("%s should not be secret", plain[i]);
}

static void test_headers_masked(void **state)
{
    (void)state;
    assert_header("Authorization: Token 0123456789abcdef", "Authorization: Token ***");
    assert_header("authorization: Bearer eyJhbGciOi.x.y", "authorization: Bearer ***");
    assert_header("Authorization: 0123456789abcdef", "Authorization: ***");
    assert_header("Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: Basic ***");
    assert_header("Cookie: sessionid=abc; csrftoken=def", "Cookie: sessionid=***; csrftoken=***");
    assert_header("X-Api-Key: k-123", "X-Api-Key: ***");
    assert_header("X-Auth-Token:  t-1", "X-Auth-Token: ***");
    assert_header("Accept: application/json", "Accept: application/json");
    assert_header("X-Note: a\x1b]0;title\a", "X-Note: a\\x1b]0;title\\x07");
    assert_header("Authorization:", "Authorization: ");          /* nothing to hide */
}

static void test_urls_masked(void **state)
{
    (void)state;
    assert_url("http://127.0.0.1:8000/api/v1/deployments/?status=pending&page=1",
               "http://127.0.0.1:8000/api/v1/deployments/?status=pending&page=1");
    assert_url("http://h/x/?api_key=k-1&page=2&token=t&flag",
               "http://h/x/?api_key=***&page=2&token=***&flag");
    assert_url("https://user:pa55@host:8443/p/?q=1", "https://user:***@host:8443/p/?q=1");
    assert_url("http://h/a%0A\nb/", "http://h/a%0A\\nb/");
    assert_url("http://h/p/?next=http://x/?token=1", "http://h/p/?next=http://x/?token=1");
}

static char *body_of(const char *body, bool json)
{
    struct trace_request rq = {.body = body, .body_len = strlen(body), .body_json = json};
    struct strbuf b = {0};
    const char *at;
    char *out;

    /* format_body is reached through trace_format_request; take its "> body" line */
    rq.user_class = "U", rq.sequence = "on_start", rq.method = "POST", rq.url = "http://h/";
    rq.step = rq.n_steps = rq.number = rq.limit = 1;
    {
        static struct step st;
        static struct step_plan sp = {.step = &st};
        static struct class_plan cp;
        rq.plan = &sp;
        rq.user_class_plan = &cp;
    }
    trace_format_request(&b, &rq);
    at = strstr(b.data, "> body (");
    assert_non_null(at);
    out = strdup(strstr(at, "): ") + 3);
    strbuf_free(&b);
    return out;
}

static void test_bodies_masked(void **state)
{
    char *got;

    (void)state;
    got = body_of("{\"username\":\"loadtest_user\",\"password\":\"pa\\\"ss\",\"n\":1,"
                  "\"nested\":{\"api_key\":123,\"ok\":true,\"token\":null},\"secret\":"
                  "{\"inner\":\"shown\"},\"list\":[\"x\",\"password\"],\"t\":\"\x1b\"}", true);
    assert_string_equal(got, "{\"username\":\"loadtest_user\",\"password\":\"***\",\"n\":1,"
                             "\"nested\":{\"api_key\":***,\"ok\":true,\"token\":***},"
                             "\"secret\":{\"inner\":\"shown\"},\"list\":[\"x\",\"password\"],"
                             "\"t\":\"\\x1b\"}");
    free(got);
    got = body_of("user=u&password=p&next=%2F", false);
    assert_string_equal(got, "user=u&password=***&next=%2F");
    free(got);
    got = body_of("free text: password is in here\n", false);
    assert_string_equal(got, "free text: password is in here\\n");
    free(got);
}

/* ---- a whole request, from a scenario loaded and planned for real ----------------------- */

static const char scenario_text[] =
    "{\"name\": \"trace\", \"user_classes\": [{\"name\": \"Ops\","
    " \"headers\": {\"Authorization\": \"Token ${token}\", \"X-Session\": \"${sid}\","
    "   \"Accept\": \"application/json\"},"
    " \"vars\": {\"sid\": \"s-1\", \"key\": \"k-9\", \"pw\": \"hunter2\", \"item\": \"42\","
    "   \"alias\": \"a-${user_index}\"},"
    " \"on_start\": [{\"method\": \"POST\", \"path\": \"/login/\","
    "   \"json\": {\"user\": \"${alias}\", \"password\": \"${pw}\"},"
    "   \"capture\": {\"token\": \"token\"}}],"
    " \"tasks\": [{\"name\": \"read item\", \"steps\": [{\"method\": \"GET\","
    "   \"path\": \"/items/${item}/\", \"query\": {\"api_key\": \"${key}\", \"page\": \"1\"},"
    "   \"capture\": {\"item\": \"id\", \"opt\": {\"json\": \"x\", \"optional\": true}},"
    "   \"checks\": [{\"json\": \"status\", \"equals\": \"ok\"},"
    "     {\"json\": \"id\", \"exists\": true}]}]}]}]}";

struct planned {
    struct scenario *scn;
    struct plan *plan;
    struct user_var vars[16];
};

static int planned_setup(void **state)
{
    struct planned *p = calloc(1, sizeof *p);
    char err[512];

    if (!p || scenario_load_string(scenario_text, "trace.json", &p->scn, err, sizeof err) < 0)
        fail_msg("load: %s", err);
    if (!(p->plan = plan_create(p->scn, "http://127.0.0.1:9", 0, 1, err, sizeof err)))
        fail_msg("plan: %s", err);
    assert_true(p->scn->n_vars <= 16);
    *state = p;
    return 0;
}

static int planned_teardown(void **state)
{
    struct planned *p = *state;

    for (size_t i = 0; i < 16; i++)
        user_var_free(&p->vars[i]);
    plan_free(p->plan);
    scenario_free(p->scn);
    free(p);
    return 0;
}

static uint32_t var_of(const struct planned *p, const char *name)
{
    for (uint32_t i = 0; i < p->scn->n_vars; i++)
        if (strcmp(p->scn->vars[i], name) == 0)
            return i;
    fail_msg("no variable %s", name);
    return 0;
}

static void set_var(struct planned *p, const char *name, const char *value)
{
    assert_int_equal(user_var_set(&p->vars[var_of(p, name)], value, strlen(value)), 0);
}

static void test_secret_variables(void **state)
{
    struct planned *p = *state;
    const struct class_plan *cp = &p->plan->classes[0];
    const char *const *names = (const char *const *)p->scn->vars;

    assert_true(trace_secret_var(cp, names, var_of(p, "token")));  /* its name */
    assert_true(trace_secret_var(cp, names, var_of(p, "sid")));    /* in X-Session */
    assert_true(trace_secret_var(cp, names, var_of(p, "key")));    /* in ?api_key= */
    assert_true(trace_secret_var(cp, names, var_of(p, "pw")));     /* in "password": */
    assert_false(trace_secret_var(cp, names, var_of(p, "item")));
    assert_false(trace_secret_var(cp, names, var_of(p, "alias")));  /* the "user" member */
}

static const char task_headers[] =
    "User-Agent: hornet/1\0Authorization: Token 0123456789abcdef\0X-Session: s-1\0"
    "Accept: application/json\0Expect:";

static void test_request_lines(void **state)
{
    struct planned *p = *state;
    const struct class_plan *cp = &p->plan->classes[0];
    const struct step_plan *sp = &cp->tasks[0].steps[0];
    struct trace_request rq = {
        .number = 7, .limit = 50, .user_class = "Ops", .task = "read item", .step = 1,
        .n_steps = 1, .method = "GET", .url = "http://127.0.0.1:9/items/42/?api_key=k-9&page=1",
        .path = "/items/${item}/", .headers = task_headers, .headers_len = sizeof task_headers,
        .plan = sp, .user_class_plan = cp, .vars = p->vars,
        .var_names = (const char *const *)p->scn->vars,
    };
    struct strbuf b = {0};

    set_var(p, "item", "42\n");
    set_var(p, "key", "k-9");
    set_var(p, "sid", "s-1");
    set_var(p, "token", "0123456789abcdef");
    trace_format_request(&b, &rq);
    trace_format_response(&b, 200, 3250, 57);
    trace_format_capture(&b, &sp->step->captures[0], &p->vars[var_of(p, "item")], false, NULL);
    trace_format_capture(&b, &sp->step->captures[1], NULL, false,
                         "capture opt: json path x not found");
    trace_format_check(&b, &sp->step->checks[0], "check failed: json.status == \"ok\" "
                       "(got \"\x1b[2J\")", false);
    trace_format_check(&b, &sp->step->checks[1], "an earlier capture or check failed", true);
    trace_format_outcome(&b, &(struct outcome){.kind = OUTCOME_CHECK, .code = 200,
                                               .text = "check failed: json.status"});
    assert_string_equal(b.data,
        "request 7/50: Ops, task \"read item\", step 1/1: GET "
        "http://127.0.0.1:9/items/42/?api_key=***&page=1\n"
        "    vars: item=\"42\\n\" key=*** token=*** sid=***\n"
        "    > User-Agent: hornet/1\n"
        "    > Authorization: Token ***\n"
        "    > X-Session: ***\n"
        "    > Accept: application/json\n"
        "    < 200 OK, 3.2 ms, 57 bytes\n"
        "    capture item = \"42\\n\"\n"
        "    capture opt: json path x not found (optional: left as it was)\n"
        "    check json.status == \"ok\": failed (got \"\\x1b[2J\")\n"
        "    check json.id exists: not run (an earlier capture or check failed)\n"
        "    result: failure: check failed: json.status");
    assert_null(strstr(b.data, "0123456789abcdef"));
    assert_null(strstr(b.data, "k-9"));
    assert_null(strstr(b.data, "s-1"));
    strbuf_free(&b);
}

static void test_login_lines(void **state)
{
    struct planned *p = *state;
    const struct class_plan *cp = &p->plan->classes[0];
    const struct step_plan *sp = &cp->on_start.steps[0];
    static const char hdr[] = "User-Agent: hornet/1\0Accept: application/json\0"
                              "Content-Type: application/json\0Expect:";
    static const char body[] = "{\"user\":\"a-0\",\"password\":\"hunter2\"}";
    struct trace_request rq = {
        .number = 1, .limit = 2, .user_class = "Ops", .sequence = "on_start", .step = 1,
        .n_steps = 1, .method = "POST", .url = "http://127.0.0.1:9/login/",
        .path = "/login/", .headers = hdr, .headers_len = sizeof hdr, .body = body,
        .body_len = strlen(body), .body_json = true, .plan = sp, .user_class_plan = cp,
        .vars = p->vars, .var_names = (const char *const *)p->scn->vars,
    };
    struct strbuf b = {0};

    set_var(p, "alias", "a-0");
    set_var(p, "pw", "hunter2");
    trace_format_request(&b, &rq);
    trace_format_response(&b, 0, 30000000, 0);
    trace_format_capture(&b, &sp->step->captures[0], NULL, false, "response is not JSON");
    trace_format_check(&b, &cp->tasks[0].steps[0].step->checks[1], "response is not JSON",
                       false);
    trace_format_not_run(&b, "no response");
    trace_format_outcome(&b, &(struct outcome){.kind = OUTCOME_TRANSPORT, .code = 28,
                                               .aux = 30000});
    assert_string_equal(b.data,
        "request 1/2: Ops, on_start, step 1/1: POST http://127.0.0.1:9/login/\n"
        "    vars: alias=\"a-0\" pw=***\n"
        "    > User-Agent: hornet/1\n"
        "    > Accept: application/json\n"
        "    > Content-Type: application/json\n"
        "    > body (35 bytes): {\"user\":\"a-0\",\"password\":\"***\"}\n"
        "    < no response, 30000.0 ms\n"
        "    capture token: response is not JSON\n"
        "    check json.id exists: failed: response is not JSON\n"
        "    captures and checks not run: no response\n"
        "    result: failure: Timeout after 30000 ms");
    assert_null(strstr(b.data, "hunter2"));
    strbuf_free(&b);
}

static void test_outcome_lines(void **state)
{
    struct strbuf b = {0};

    (void)state;
    trace_format_outcome(&b, NULL);
    trace_format_outcome(&b, &(struct outcome){.kind = OUTCOME_HTTP, .code = 404,
                                               .expected = 1});
    trace_format_outcome(&b, &(struct outcome){.kind = OUTCOME_HTTP, .code = 503});
    trace_format_outcome(&b, &(struct outcome){.kind = OUTCOME_SCRIPT,
                                               .text = "variable ${dep_id} is not set"});
    assert_string_equal(b.data, "\n    result: success"
                                "\n    result: success (expected HTTP 404 Not Found)"
                                "\n    result: failure: HTTP 503 Service Unavailable"
                                "\n    result: not sent: variable ${dep_id} is not set");
    strbuf_free(&b);
}

/* A request that could not be rendered shows its path template. */
static void test_not_rendered(void **state)
{
    struct planned *p = *state;
    const struct class_plan *cp = &p->plan->classes[0];
    struct trace_request rq = {
        .number = 3, .limit = 3, .user_class = "Ops", .task = "read item", .step = 1,
        .n_steps = 1, .method = "GET", .path = "/items/${item}/", .plan = &cp->tasks[0].steps[0],
        .user_class_plan = cp, .vars = p->vars, .var_names = (const char *const *)p->scn->vars,
    };
    struct strbuf b = {0};

    trace_format_request(&b, &rq);
    assert_string_equal(b.data, "request 3/3: Ops, task \"read item\", step 1/1: GET "
                                "/items/${item}/ (not rendered)\n"
                                "    vars: item=(not set) key=(not set)");
    strbuf_free(&b);
}

/* ---- tickets ----------------------------------------------------------------------------- */

struct collected {
    pthread_mutex_t mu;
    char texts[64][128];
    int n;
};

static void collect(void *arg, const char *text)
{
    struct collected *c = arg;

    pthread_mutex_lock(&c->mu);
    if (c->n < 64)
        snprintf(c->texts[c->n++], sizeof c->texts[0], "%s", text);
    pthread_mutex_unlock(&c->mu);
}

static void test_tickets_stop_after_the_limit(void **state)
{
    struct trace *t = trace_create();
    struct collected c = {.mu = PTHREAD_MUTEX_INITIALIZER};

    (void)state;
    assert_false(trace_active(t));                      /* created off */
    assert_int_equal(trace_ticket(t), 0);
    trace_configure(t, NULL, &c, 5);                    /* no sink: still off */
    assert_int_equal(trace_ticket(t), 0);
    trace_configure(t, collect, &c, 0);                 /* none wanted: off */
    assert_false(trace_active(t));
    trace_configure(t, collect, &c, 3);
    assert_int_equal(trace_limit(t), 3);
    for (uint32_t i = 1; i <= 3; i++) {
        assert_true(trace_active(t));
        assert_int_equal(trace_ticket(t), i);
        trace_emit(t, i == 1 ? "one" : i == 2 ? "two" : "three");
    }
    assert_false(trace_active(t));
    assert_int_equal(trace_ticket(t), 0);
    assert_int_equal(c.n, 4);
    assert_string_equal(c.texts[2], "three");
    assert_string_equal(c.texts[3], "Request tracing stopped after 3 requests "
                                    "(--debug-requests 3)");
    trace_free(t);
}

struct racer {
    struct trace *t;
    uint32_t got[1000];
    int n;
};

static void *race(void *arg)
{
    struct racer *r = arg;

    for (int i = 0; i < 1000; i++) {
        uint32_t k = trace_ticket(r->t);
        if (k) {
            r->got[r->n++] = k;
            trace_emit(r->t, "x");
        }
    }
    return NULL;
}

/* Workers race for tickets: exactly the first N numbers, each once, and one closing line,
 * which comes after every traced text. */
static void test_tickets_from_many_threads(void **state)
{
    struct trace *t = trace_create();
    struct collected c = {.mu = PTHREAD_MUTEX_INITIALIZER};
    struct racer r[4];
    pthread_t th[4];
    bool seen[51] = {false};
    int total = 0;

    (void)state;
    trace_configure(t, collect, &c, 50);
    for (int i = 0; i < 4; i++) {
        r[i] = (struct racer){.t = t};
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        for (int k = 0; k < r[i].n; k++) {
            assert_true(r[i].got[k] >= 1 && r[i].got[k] <= 50);
            assert_false(seen[r[i].got[k]]);
            seen[r[i].got[k]] = true;
        }
        total += r[i].n;
    }
    assert_int_equal(total, 50);
    assert_int_equal(c.n, 51);
    assert_string_equal(c.texts[50], "Request tracing stopped after 50 requests "
                                     "(--debug-requests 50)");
    trace_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_control_characters),
        cmocka_unit_test(test_escape_cuts_on_character_boundaries),
        cmocka_unit_test(test_secret_names),
        cmocka_unit_test(test_headers_masked),
        cmocka_unit_test(test_urls_masked),
        cmocka_unit_test(test_bodies_masked),
        cmocka_unit_test_setup_teardown(test_secret_variables, planned_setup,
                                        planned_teardown),
        cmocka_unit_test_setup_teardown(test_request_lines, planned_setup, planned_teardown),
        cmocka_unit_test_setup_teardown(test_login_lines, planned_setup, planned_teardown),
        cmocka_unit_test(test_outcome_lines),
        cmocka_unit_test_setup_teardown(test_not_rendered, planned_setup, planned_teardown),
        cmocka_unit_test(test_tickets_stop_after_the_limit),
        cmocka_unit_test(test_tickets_from_many_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
