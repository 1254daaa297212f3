/* Tests of the scenario loader: the four shipped scenarios, a fixture that uses every key of
 * the format, a broken fixture for every error path (exact file:line:col: path: message), the
 * CSV reader, durations, filtering by class and tags, and scenario_step_expects.
 * Run from the repository root (tests/run_all.sh does). */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "scenario.h"
#include "scenario_internal.h"
#include "snapshot.h"
#include "template.h"
#include "template_internal.h"

#define BROKEN "tests/fixtures/scenarios/broken/"
#define FULL "tests/fixtures/scenarios/valid/full.json"

static struct scenario *load(const char *path)
{
    char err[512];
    struct scenario *s = NULL;

    if (scenario_load(path, &s, err, sizeof err) < 0)
        fail_msg("%s", err);
    return s;
}

static const char *load_error(const char *path)
{
    static char err[512];
    struct scenario *s = (struct scenario *)0x1;

    err[0] = '\0';
    if (scenario_load(path, &s, err, sizeof err) == 0)
        fail_msg("%s loaded but should not", path);
    assert_null(s);
    return err;
}

static int find_endpoint(const struct scenario *s, const char *method, const char *name)
{
    for (uint32_t i = 0; i < s->n_endpoints; i++)
        if (strcmp(http_method_names[s->endpoints[i].method], method) == 0 &&
            strcmp(s->endpoints[i].name, name) == 0)
            return (int)i;
    fail_msg("no endpoint %s %s", method, name);
    return -1;
}

static void assert_endpoints(const struct scenario *s, const char *const *want, size_t n)
{
    assert_int_equal(s->n_endpoints, n / 2);
    for (size_t i = 0; i < n; i += 2)
        assert_int_equal(find_endpoint(s, want[i], want[i + 1]), (int)(i / 2));
}

/* ---------------------------------------------------------------- the shipped scenarios */

static void test_shipped_deployments(void **state)
{
    static const char *const eps[] = {
        "POST", "/api/v1/auth/token/", "POST", "/api/v1/deployments/",
        "GET", "/api/v1/deployments/[id]/", "GET", "/api/v1/deployments/",
        "PATCH", "/api/v1/deployments/[id]/", "GET", "/api/v1/deployments/[unknown]/",
    };
    struct scenario *s = load("scenarios/deployments.json");
    const struct user_class *c = &s->classes[0];

    (void)state;
    assert_string_equal(s->name, "Concurrent deployments");
    assert_null(s->host);
    assert_int_equal(s->users, 100);
    assert_true(s->spawn_rate == 10);
    assert_true(s->run_time == 300);
    assert_int_equal(s->n_stages, 0);
    assert_int_equal(s->n_classes, 1);
    assert_string_equal(c->name, "DeploymentUser");
    assert_int_equal(c->wait.kind, WAIT_BETWEEN);
    assert_int_equal(c->n_on_start, 2);
    assert_int_equal(c->n_tasks, 5);
    assert_endpoints(s, eps, sizeof eps / sizeof eps[0]);
    assert_int_equal(c->tasks[4].steps[0].n_expect, 1);
    assert_int_equal(c->tasks[4].steps[0].expect[0], 404);
    scenario_free(s);
}

static void test_shipped_cab_approvals(void **state)
{
    static const char *const eps[] = {
        "POST", "/api/v1/auth/token/", "POST", "/api/v1/deployments/",
        "GET", "/api/v1/cab/approvals/",
        "POST", "/api/v1/cab/approvals/[id]/approve/ (from queue)",
        "POST", "/api/v1/cab/approvals/[id]/approve/",
        "POST", "/api/v1/cab/approvals/[id]/reject/",
        "POST", "/api/v1/cab/approvals/bulk-approve/", "GET", "/api/v1/events/",
    };
    struct scenario *s = load("scenarios/cab_approvals.json");
    const struct step *race = &s->classes[0].tasks[1].steps[1];

    (void)state;
    assert_int_equal(s->users, 50);
    assert_true(s->spawn_rate == 5);
    assert_true(s->run_time == 300);
    assert_int_equal(s->n_classes, 1);
    assert_endpoints(s, eps, sizeof eps / sizeof eps[0]);
    assert_int_equal(race->n_expect, 2);
    assert_true(scenario_step_expects(race, 409));
    assert_int_equal(s->classes[0].tasks[1].steps[0].captures[0].path.segs[1].index,
                     JSON_SEG_ANY);
    scenario_free(s);
}

static void test_shipped_connectors(void **state)
{
    static const char *const planes[] = {"intune", "jamf", "sccm", "landscape", "ansible"};
    struct scenario *s = load("scenarios/connectors.json");
    char name[64];

    (void)state;
    assert_int_equal(s->users, 200);
    assert_true(s->spawn_rate == 20);
    assert_true(s->run_time == 300);
    assert_int_equal(s->n_classes, 1);
    assert_int_equal(s->n_endpoints, 12);
    for (int p = 0; p < 5; p++) {
        snprintf(name, sizeof name, "/api/v1/connectors/%s/publish/", planes[p]);
        find_endpoint(s, "POST", name);
    }
    find_endpoint(s, "POST", "/api/v1/connectors/[plane]/publish/");
    find_endpoint(s, "GET", "/api/v1/connectors/jobs/[id]/");
    find_endpoint(s, "GET", "/api/v1/connectors/jobs/[unknown]/");
    find_endpoint(s, "POST", "/api/v1/connectors/[plane]/publish/ [unknown deployment]");
    assert_int_equal(s->classes[0].tasks[2].n_steps, 11);
    scenario_free(s);
}

static void test_shipped_burst(void **state)
{
    struct scenario *s = load("scenarios/burst.json");

    (void)state;
    assert_int_equal(s->users, 1000);
    assert_true(s->spawn_rate == 100);
    assert_true(s->run_time == 250);     /* a 10 s ramp, then 4 minutes at 1000 users */
    assert_int_equal(s->n_classes, 1);
    assert_int_equal(s->classes[0].wait.kind, WAIT_CONSTANT);
    assert_true(s->classes[0].wait.a <= 0.05);
    assert_int_equal(s->n_feeders, 1);
    assert_string_equal(s->feeders[0].name, "accounts");
    assert_int_equal(s->feeders[0].n_rows, 3);
    assert_string_equal(s->feeders[0].cells[0], "loadtest_user");
    assert_int_equal(s->n_endpoints, 7);
    find_endpoint(s, "GET", "/api/v1/health/");
    scenario_free(s);
}

/* The shipped scenarios run on user counts: no class is open, none is paced. */
static void test_shipped_scenarios_are_closed(void **state)
{
    static const char *const files[] = {"scenarios/deployments.json",
                                        "scenarios/cab_approvals.json",
                                        "scenarios/connectors.json", "scenarios/burst.json"};

    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct scenario *s = load(files[i]);

        assert_false(s->arrivals.on);
        for (uint32_t k = 0; k < s->n_classes; k++)
            assert_false(scenario_class_arrivals(s, k, NULL));
        assert_false(scenario_has_intended(s));
        scenario_free(s);
    }
}

/* ---------------------------------------------------------------- arrivals */

/* A class's own arrivals, and the open version of the burst in scenarios/README.md. */
static void test_arrivals_of_a_class(void **state)
{
    struct scenario *s = load("tests/fixtures/scenarios/valid/burst_open.json");
    struct class_arrivals a;
    const struct arrival_config *c;

    (void)state;
    assert_true(scenario_class_arrivals(s, 0, &a));
    c = a.cfg;
    assert_true(c->on && a.scale == 1);
    assert_int_equal(c->n_stages, 2);
    assert_true(c->start_rate == 0);
    assert_true(c->stages[0].duration == 10 && c->stages[0].rate == 10000);
    assert_true(c->stages[1].duration == 240 && c->stages[1].rate == 10000);
    assert_true(s->run_time == 0 && s->users == 1);     /* the stages end the run */
    assert_int_equal(a.pre_allocated, 100);
    assert_int_equal(a.max_users, 1000);
    assert_true(a.max_delay == 0);
    assert_true(scenario_class_intended(s, 0));
    assert_true(scenario_has_intended(s));
    scenario_free(s);
}

/* The scenario's arrivals are shared by weight by the classes without their own; a paced class
 * has intended starts; --arrival-rate makes every class open (fixed counts dropped). */
static void test_arrivals_of_the_scenario(void **state)
{
    const char *text =
        "{\"arrivals\": {\"rate\": 90, \"pre_allocated\": 4, \"max_users\": 11,"
        " \"max_delay\": 0.5}, \"user_classes\": ["
        " {\"name\": \"A\", \"weight\": 2, \"tasks\": [{\"steps\": [{\"method\": \"GET\","
        " \"path\": \"/a\"}]}]},"
        " {\"name\": \"B\", \"tasks\": [{\"steps\": [{\"method\": \"GET\", \"path\": \"/b\"}]}]},"
        " {\"name\": \"C\", \"arrivals\": {\"rate\": 5, \"pre_allocated\": 2}, \"tasks\":"
        " [{\"steps\": [{\"method\": \"GET\", \"path\": \"/c\"}]}]}]}";
    const char *paced =
        "{\"user_classes\": [{\"name\": \"P\", \"wait\": {\"constant_throughput\": 4},"
        " \"tasks\": [{\"steps\": [{\"method\": \"GET\", \"path\": \"/p\"}]}]},"
        " {\"name\": \"Q\", \"fixed_count\": 2, \"wait\": {\"between\": [1, 2]},"
        " \"tasks\": [{\"steps\": [{\"method\": \"GET\", \"path\": \"/q\"}]}]}]}";
    struct scenario *s = NULL;
    struct class_arrivals a, b, c;
    char err[256];

    (void)state;
    if (scenario_load_string(text, "t.json", &s, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_true(scenario_class_arrivals(s, 0, &a) && scenario_class_arrivals(s, 1, &b) &&
                scenario_class_arrivals(s, 2, &c));
    assert_true(fabs(a.scale - 2.0 / 3) < 1e-12 && fabs(b.scale - 1.0 / 3) < 1e-12);
    assert_int_equal(a.max_users, 7);               /* one each, then 9 by weight: 1 + 6 */
    assert_int_equal(b.max_users, 4);
    assert_int_equal(a.pre_allocated + b.pre_allocated, 4);
    assert_true(a.max_delay == 0.5);
    assert_true(c.cfg == &s->classes[2].arrivals && c.scale == 1);
    assert_int_equal(c.max_users, 2);               /* max_users defaults to pre_allocated */
    assert_int_equal(scenario_set_arrivals(s, 400, 2, err, sizeof err), -1);
    assert_string_equal(err, "a pool of 2 users: the 3 user classes need at least one user each");
    assert_int_equal(scenario_set_arrivals(s, 400, 30, err, sizeof err), 0);
    assert_true(scenario_class_arrivals(s, 2, &c));
    assert_true(c.cfg == &s->arrivals && c.scale == 0.25 && c.cfg->rate == 400);
    scenario_free(s);
    if (scenario_load_string(paced, "p.json", &s, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_false(scenario_class_arrivals(s, 0, NULL));
    assert_true(scenario_class_intended(s, 0));
    assert_false(scenario_class_intended(s, 1));
    assert_int_equal(scenario_set_arrivals(s, 10, 5, err, sizeof err), 0);
    assert_int_equal(s->classes[1].fixed_count, 0);     /* a user count: the rate is shared */
    assert_true(scenario_class_arrivals(s, 1, &b) && b.scale == 0.5);
    scenario_free(s);
}

/* ---------------------------------------------------------------- every feature */

static struct tmpl_ctx full_ctx(struct user_var *vars, uint64_t *rng,
                                const char *const *const *rows)
{
    return (struct tmpl_ctx){vars, rng, 4, 9, 1700000000.0, rows};
}

static void set(const struct scenario *s, struct user_var *vars, const char *name,
                const char *value)
{
    for (uint32_t i = 0; i < s->n_vars; i++)
        if (strcmp(s->vars[i], name) == 0) {
            assert_int_equal(user_var_set(&vars[i], value, strlen(value)), 0);
            return;
        }
    fail_msg("no variable %s", name);
}

static const char *render(const struct tmpl *t, const struct tmpl_ctx *ctx, struct strbuf *out)
{
    char err[128];

    strbuf_clear(out);
    if (tmpl_render(t, ctx, out, err, sizeof err) < 0)
        fail_msg("render %s: %s", tmpl_source(t), err);
    return out->data;
}

static void test_full_top_level(void **state)
{
    struct scenario *s = load(FULL);
    const struct feeder *u;

    (void)state;
    assert_string_equal(s->name, "Every feature");
    assert_string_equal(s->description, "A scenario that uses every key of the format.");
    assert_string_equal(s->host, "http://127.0.0.1:8000");
    assert_string_equal(s->path, FULL);
    assert_int_equal(s->users, 12);
    assert_true(s->spawn_rate == 2.5);
    assert_true(s->run_time == 5400);
    assert_true(s->timeout == 2.5);
    assert_int_equal(s->max_body_kept, (size_t)16 << 20);
    assert_int_equal(s->n_stages, 3);
    assert_true(s->stages[0].duration == 30 && s->stages[0].users == 10 &&
                s->stages[0].spawn_rate == 5);
    assert_true(s->stages[1].duration == 60 && s->stages[1].users == 20 &&
                s->stages[1].spawn_rate == 2.5);
    assert_true(s->stages[2].duration == 60 && s->stages[2].users == 0 &&
                s->stages[2].spawn_rate == 10);
    assert_int_equal(s->n_feeders, 3);
    u = &s->feeders[0];
    assert_string_equal(u->name, "users");
    assert_int_equal(u->mode, FEEDER_PER_USER);
    assert_int_equal(u->n_columns, 3);
    assert_string_equal(u->columns[0], "username");     /* the BOM is not part of it */
    assert_string_equal(u->columns[2], "note");
    assert_int_equal(u->n_rows, 3);
    assert_string_equal(u->cells[1], "pa,ss");
    assert_string_equal(u->cells[4], "say \"hi\"");
    assert_string_equal(u->cells[5], "two\r\nlines");
    assert_string_equal(u->cells[6], "carol");
    assert_string_equal(u->cells[7], "");
    assert_int_equal(s->feeders[1].mode, FEEDER_CYCLE);
    assert_int_equal(s->feeders[1].n_rows, 3);
    assert_string_equal(s->feeders[1].cells[2], "1003");
    assert_int_equal(s->feeders[2].mode, FEEDER_RANDOM);
    scenario_free(s);
}

static void test_full_classes(void **state)
{
    struct scenario *s = load(FULL);
    const struct user_class *c = &s->classes[0];

    (void)state;
    assert_int_equal(s->n_classes, 4);
    assert_string_equal(c->name, "Shopper");
    assert_true(c->weight == 3);
    assert_int_equal(c->wait.kind, WAIT_BETWEEN);
    assert_true(c->wait.a == 0.5 && c->wait.b == 1.5);
    assert_int_equal(c->n_headers, 3);
    assert_string_equal(c->headers[0].name, "Authorization");
    assert_string_equal(tmpl_source(c->headers[0].value), "Token ${token}");
    assert_string_equal(tmpl_constant_text(c->headers[2].value), "42");
    assert_int_equal(c->n_vars, 2);
    assert_string_equal(s->vars[c->vars[0].var], "cart");
    assert_string_equal(tmpl_source(c->vars[1].value), "3");
    assert_int_equal(c->n_on_start, 1);
    assert_int_equal(c->n_on_stop, 1);
    assert_int_equal(c->on_stop[0].method, HTTP_DELETE);
    assert_int_equal(c->on_stop[0].n_expect, 2);
    assert_int_equal(c->n_tasks, 2);
    assert_string_equal(c->tasks[0].name, "browse");
    assert_true(c->tasks[0].weight == 2.5);
    assert_int_equal(c->tasks[0].n_tags, 2);
    assert_string_equal(c->tasks[0].tags[1], "smoke");
    assert_true(c->tasks[1].weight == 1);
    assert_string_equal(s->classes[1].name, "Uploader");
    assert_int_equal(s->classes[1].wait.kind, WAIT_CONSTANT);
    assert_true(s->classes[1].wait.a == 0);
    assert_string_equal(s->classes[1].tasks[0].name, "tasks[0]");
    assert_int_equal(s->classes[1].tasks[0].n_tags, 0);
    assert_int_equal(s->classes[2].wait.kind, WAIT_CONSTANT_PACING);
    assert_true(s->classes[2].wait.a == 2 && s->classes[2].weight == 0.5);
    assert_int_equal(s->classes[2].fixed_count, 3);
    assert_int_equal(s->classes[0].fixed_count, 0);
    assert_int_equal(s->classes[3].wait.kind, WAIT_CONSTANT_THROUGHPUT);
    assert_true(s->classes[3].wait.a == 4);
    scenario_free(s);
}

static void test_full_endpoints(void **state)
{
    static const char *const eps[] = {
        "POST", "/api/v1/auth/token/", "GET", "/api/v1/items/", "GET", "/api/v1/items/[id]/",
        "POST", "/api/v1/carts/${cart}/items/", "DELETE", "/api/v1/carts/${cart}/",
        "PUT", "/upload/${uuid}", "PATCH", "http://other.example:9000/x/",
        "HEAD", "/api/v1/items/", "OPTIONS", "/api/v1/items/",
    };
    struct scenario *s = load(FULL);
    const struct user_class *c = &s->classes[0];

    (void)state;
    assert_endpoints(s, eps, sizeof eps / sizeof eps[0]);
    assert_int_equal(c->tasks[0].steps[1].endpoint, c->tasks[1].steps[1].endpoint);
    assert_int_equal(c->tasks[0].steps[0].endpoint, s->classes[2].tasks[0].steps[0].endpoint);
    assert_int_equal(c->tasks[0].steps[0].endpoint, s->classes[3].tasks[0].steps[0].endpoint);
    scenario_free(s);
}

static void test_full_request_parts(void **state)
{
    struct scenario *s = load(FULL);
    const struct step *st = &s->classes[0].tasks[0].steps[0];
    const char *row[] = {"alice", "pa,ss", "plain"}, *sku[] = {"1001"}, *again[] = {"1002"};
    const char *const *rows[] = {row, sku, again};
    struct user_var vars[16] = {{0}};
    uint64_t rng = 5;
    struct tmpl_ctx ctx = full_ctx(vars, &rng, rows);
    struct strbuf out;

    (void)state;
    strbuf_init(&out);
    set(s, vars, "size", "3");
    assert_int_equal(st->method, HTTP_GET);
    assert_string_equal(st->where, "user_classes[0].tasks[0].steps[0]");
    assert_int_equal(st->line, 44);
    assert_true(st->timeout == 1.5);
    assert_true(st->needs_body);
    assert_int_equal(st->n_query, 4);
    assert_string_equal(st->query[0].name, "page%20size");
    assert_string_equal(render(st->query[0].value, &ctx, &out), "3");
    assert_string_equal(render(st->query[1].value, &ctx, &out), "1001");
    assert_string_equal(render(st->query[2].value, &ctx, &out), "true");
    assert_string_equal(render(st->query[3].value, &ctx, &out), "1.50");
    assert_int_equal(st->n_headers, 2);
    assert_string_equal(st->headers[1].name, "x-client");
    assert_int_equal(st->body_kind, BODY_NONE);
    assert_null(st->body);
    assert_int_equal(st->n_expect, 0);
    assert_true(scenario_step_expects(st, 200) && scenario_step_expects(st, 399));
    assert_false(scenario_step_expects(st, 404) || scenario_step_expects(st, 199));
    st = &s->classes[0].on_start[0];
    assert_string_equal(render(st->body, &ctx, &out),
                        "{\"username\":\"alice\",\"password\":\"pa,ss\"}");
    assert_int_equal(st->n_expect, 1);
    assert_int_equal(st->expect[0], 200);
    strbuf_free(&out);
    for (int i = 0; i < 16; i++)
        user_var_free(&vars[i]);
    scenario_free(s);
}

static void test_full_json_body(void **state)
{
    struct scenario *s = load(FULL);
    const struct step *st = &s->classes[0].tasks[1].steps[0];
    const char *row[] = {"alice", "pa,ss", "plain"}, *sku[] = {"1001"}, *again[] = {"1002"};
    const char *const *rows[] = {row, sku, again};
    struct user_var vars[16] = {{0}};
    uint64_t rng = 77, copy = 77;
    struct tmpl_ctx ctx = full_ctx(vars, &rng, rows);
    struct strbuf out;
    char want[512];

    (void)state;
    strbuf_init(&out);
    set(s, vars, "item_id", "i\"1");
    set(s, vars, "cart", "c9");
    snprintf(want, sizeof want,
             "{\"item\":\"i\\\"1\",\"qty\":%d,\"price\":1.50,\"gift\":false,\"note\":null,"
             "\"tags\":[\"a\\\"b\",\"1002\",7],\"meta\":{\"c9-key\":{\"deep\":[true,{\"x\":"
             "\"\xc3\xa9\\n\"}]}},\"empty\":{},\"none\":[]}",
             (int)(1 + tmpl_rand_next(&copy) % 3));
    assert_int_equal(st->body_kind, BODY_JSON);
    assert_null(st->content_type);
    assert_string_equal(render(st->body, &ctx, &out), want);
    assert_int_equal(st->n_expect, 2);
    assert_int_equal(st->expect[0], 200);
    assert_int_equal(st->expect[1], 201);
    st = &s->classes[1].tasks[0].steps[0];
    assert_int_equal(st->body_kind, BODY_RAW);
    assert_string_equal(st->content_type, "text/csv");
    assert_string_equal(tmpl_source(st->body), "line one\n${randstr(8)}");
    assert_int_equal(strlen(render(st->body, &ctx, &out)), 17);
    st = &s->classes[1].tasks[0].steps[1];
    assert_string_equal(st->content_type, "text/plain");
    assert_string_equal(tmpl_constant_text(st->path), "http://other.example:9000/x/");
    strbuf_free(&out);
    for (int i = 0; i < 16; i++)
        user_var_free(&vars[i]);
    scenario_free(s);
}

static void test_full_expect_captures_checks(void **state)
{
    static const char *const describe[] = {
        "json.status == \"created\"", "json.total == 4.5", "json.paid == false",
        "json.coupon == null", "json.item != \"${item_id}x\"", "body contains \"\\\"order\\\"\"",
        "body not contains \"error\"",
    };
    struct scenario *s = load(FULL);
    const struct user_class *c = &s->classes[0];
    const struct step *st = &c->tasks[0].steps[1];
    const struct capture *cap;

    (void)state;
    assert_int_equal(st->n_expect, 201);                /* 2xx, 3xx and 404 */
    assert_true(scenario_step_expects(st, 200) && scenario_step_expects(st, 399));
    assert_true(scenario_step_expects(st, 404));
    assert_false(scenario_step_expects(st, 400) || scenario_step_expects(st, 500));
    assert_false(st->needs_body);
    st = &c->tasks[0].steps[0];
    assert_int_equal(st->n_captures, 3);
    cap = &st->captures[0];
    assert_string_equal(cap->name, "item_id");
    assert_string_equal(s->vars[cap->var], "item_id");
    assert_int_equal(cap->source, CAPTURE_JSON);
    assert_string_equal(cap->path.text, "results.*.id");
    assert_int_equal(cap->path.n, 3);
    assert_string_equal(cap->path.segs[0].key, "results");
    assert_null(cap->path.segs[1].key);
    assert_int_equal(cap->path.segs[1].index, JSON_SEG_ANY);
    assert_string_equal(cap->path.segs[2].key, "id");
    cap = &st->captures[1];
    assert_int_equal(cap->path.n, 3);
    assert_null(cap->path.segs[1].key);
    assert_int_equal(cap->path.segs[1].index, 0);
    assert_int_equal(st->captures[2].source, CAPTURE_STATUS);
    assert_int_equal(st->n_checks, 3);
    assert_int_equal(st->checks[0].kind, CHECK_JSON_EXISTS);
    assert_string_equal(st->checks[0].describe, "json.count exists");
    assert_int_equal(st->checks[1].kind, CHECK_JSON_MISSING);
    assert_string_equal(st->checks[1].describe, "json.error missing");
    assert_int_equal(st->checks[2].kind, CHECK_JSON_NOT_EQUALS);
    assert_string_equal(st->checks[2].describe, "json.results.0.kind != \"hidden\"");
    cap = &c->on_start[0].captures[1];
    assert_int_equal(cap->source, CAPTURE_HEADER);
    assert_string_equal(cap->header, "Set-Cookie");
    assert_true(cap->optional);
    assert_false(c->on_start[0].captures[0].optional);
    st = &c->tasks[1].steps[0];
    assert_int_equal(st->n_checks, 7);
    for (int i = 0; i < 7; i++)
        assert_string_equal(st->checks[i].describe, describe[i]);
    assert_int_equal(st->checks[1].value.kind, JSON_LIT_NUMBER);
    assert_true(st->checks[1].value.number == 4.5);
    assert_int_equal(st->checks[2].value.kind, JSON_LIT_BOOL);
    assert_false(st->checks[2].value.boolean);
    assert_int_equal(st->checks[3].value.kind, JSON_LIT_NULL);
    assert_int_equal(st->checks[5].kind, CHECK_BODY_CONTAINS);
    assert_int_equal(st->checks[6].kind, CHECK_BODY_NOT_CONTAINS);
    assert_int_equal(st->captures[1].source, CAPTURE_HEADER);
    scenario_free(s);
}

/* ---------------------------------------------------------------- broken fixtures */

struct broken {
    const char *file;
    const char *message;        /* after "tests/fixtures/scenarios/broken/<file>" */
};

static const struct broken broken[] = {
    {"arrivals_fixed_count.json",
     ":4:37: user_classes[0].arrivals: a class with arrivals runs on a rate, not on a user count: "
     "drop its \"fixed_count\" (the pool is max_users)"},
    {"arrivals_max_delay.json",
     ":6:62: user_classes[0].arrivals.max_delay: \"soon\" is not 0 (no wait) or a duration such"
     " as 0.5, \"500ms\" or \"2s\""},
    {"arrivals_max_users_zero.json",
     ":6:46: user_classes[0].arrivals.max_users: 0 is not a whole number from 1 to 1000000"},
    {"arrivals_no_rate.json",
     ":6:19: user_classes[0].arrivals: missing required key \"rate\""},
    {"arrivals_no_users.json",
     ":6:19: user_classes[0].arrivals: missing required key \"max_users\""},
    {"arrivals_not_object.json",
     ":6:19: user_classes[0].arrivals: expected an object, got a list"},
    {"arrivals_pre_allocated.json",
     ":6:50: user_classes[0].arrivals.pre_allocated: 10 pre-allocated users are more than"
     " max_users (5)"},
    {"arrivals_rate_and_stages.json",
     ":6:33: user_classes[0].arrivals.stages: give either \"rate\" or \"stages\", not both"},
    {"arrivals_rate_high.json",
     ":6:28: user_classes[0].arrivals.rate: 2000000 is not a rate from 0 to 1000000 iterations"
     " per second"},
    {"arrivals_rate_negative.json",
     ":6:28: user_classes[0].arrivals.rate: -1 is not a number >= 0"},
    {"arrivals_stage_no_rate.json",
     ":6:31: user_classes[0].arrivals.stages[0]: missing required key \"rate\""},
    {"arrivals_stages_empty.json",
     ":6:30: user_classes[0].arrivals.stages: expected a non-empty list of stages ({\"duration\","
     " \"rate\"})"},
    {"arrivals_start_rate.json",
     ":6:33: user_classes[0].arrivals.start_rate: start_rate goes with \"stages\" (a constant"
     " \"rate\" has no start)"},
    {"arrivals_top_fixed_count.json",
     ":9:3: arrivals: user class \"Admin\" has a fixed_count (a user count), but these arrivals "
     "drive it by a rate: give it arrivals of its own or drop its \"fixed_count\""},
    {"arrivals_top_stages.json",
     ":7:3: arrivals: with arrivals every class is driven by a rate, not by users: give the"
     " rate's stages in arrivals.stages and drop the scenario's \"stages\""},
    {"arrivals_top_too_few_users.json",
     ":7:42: arrivals.max_users: 1 user cannot be shared by the 2 user classes without arrivals"
     " of their own (at least one each)"},
    {"arrivals_top_unused.json",
     ":7:3: arrivals: every user class has arrivals of its own: these would drive none"},
    {"arrivals_unknown_key.json",
     ":6:49: user_classes[0].arrivals.max_user: unknown key (did you mean max_users?)"},
    {"body_both.json",
     ":12:65: user_classes[0].tasks[0].steps[0].body: give either \"json\" or \"body\", not "
     "both"},
    {"body_type.json",
     ":12:55: user_classes[0].tasks[0].steps[0].body: expected a string, got an object"},
    {"capture_bad_index.json",
     ":12:73: user_classes[0].tasks[0].steps[0].capture.id: expected a JSON path such as "
     "\"id\", \"results.0.id\", \"results[0].id\" or \"results.*.id\""},
    {"capture_bad_name.json",
     ":12:58: user_classes[0].tasks[0].steps[0].capture.2id: expected a variable name "
     "(letters, digits and _, not starting with a digit)"},
    {"capture_bad_path.json",
     ":12:73: user_classes[0].tasks[0].steps[0].capture.id: expected a JSON path such as "
     "\"id\", \"results.0.id\", \"results[0].id\" or \"results.*.id\""},
    {"capture_builtin.json",
     ":12:58: user_classes[0].tasks[0].steps[0].capture.uuid: uuid is a built-in name; "
     "capture into another name"},
    {"capture_empty_path.json",
     ":12:65: user_classes[0].tasks[0].steps[0].capture.id: expected a JSON path such as "
     "\"id\", \"results.0.id\", \"results[0].id\" or \"results.*.id\""},
    {"capture_feeder_name.json",
     ":13:58: user_classes[0].tasks[0].steps[0].capture.accounts: accounts is a feeder's "
     "name; capture into another name"},
    {"capture_header_empty.json",
     ":12:76: user_classes[0].tasks[0].steps[0].capture.loc.header: expected a header name"},
    {"capture_no_source.json",
     ":12:64: user_classes[0].tasks[0].steps[0].capture.id: expected exactly one of "
     "\"json\", \"header\" or \"status\""},
    {"capture_not_object.json",
     ":12:57: user_classes[0].tasks[0].steps[0].capture: expected an object, got a list"},
    {"capture_optional_type.json",
     ":12:91: user_classes[0].tasks[0].steps[0].capture.id.optional: \"yes\" is not true or false"},
    {"capture_sources.json",
     ":12:64: user_classes[0].tasks[0].steps[0].capture.id: expected exactly one of "
     "\"json\", \"header\" or \"status\""},
    {"capture_status_false.json",
     ":12:77: user_classes[0].tasks[0].steps[0].capture.code.status: false is not true "
     "(\"status\" takes no other value)"},
    {"capture_type.json",
     ":12:64: user_classes[0].tasks[0].steps[0].capture.id: expected a JSON path string or "
     "an object with \"json\", \"header\" or \"status\""},
    {"capture_unknown_key.json",
     ":12:65: user_classes[0].tasks[0].steps[0].capture.id.jsonpath: unknown key (expected "
     "one of json, header, status, optional)"},
    {"check_bad_path.json",
     ":12:69: user_classes[0].tasks[0].steps[0].checks[0].json: expected a JSON path such "
     "as \"id\", \"results.0.id\", \"results[0].id\" or \"results.*.id\""},
    {"check_body_extra.json",
     ":12:57: user_classes[0].tasks[0].steps[0].checks[0]: a body check takes no other key"},
    {"check_body_type.json",
     ":12:75: user_classes[0].tasks[0].steps[0].checks[0].body_contains: expected a string, "
     "got a number"},
    {"check_equals_object.json",
     ":12:82: user_classes[0].tasks[0].steps[0].checks[0].equals: expected a string, "
     "number, boolean or null"},
    {"check_exists_type.json",
     ":12:82: user_classes[0].tasks[0].steps[0].checks[0].exists: \"yes\" is not true or false"},
    {"check_no_op.json",
     ":12:57: user_classes[0].tasks[0].steps[0].checks[0]: a \"json\" check needs exactly "
     "one of \"equals\", \"not_equals\", \"exists\", \"at_least\" or \"at_most\""},
    {"check_no_subject.json",
     ":12:57: user_classes[0].tasks[0].steps[0].checks[0]: expected exactly one of "
     "\"json\", \"body_contains\" or \"body_not_contains\""},
    {"check_not_object.json",
     ":12:57: user_classes[0].tasks[0].steps[0].checks[0]: expected an object, got a string"},
    {"check_two_ops.json",
     ":12:57: user_classes[0].tasks[0].steps[0].checks[0]: a \"json\" check needs exactly "
     "one of \"equals\", \"not_equals\", \"exists\", \"at_least\" or \"at_most\""},
    {"check_unknown_key.json",
     ":12:71: user_classes[0].tasks[0].steps[0].checks[0].equal: unknown key (did you mean "
     "equals?)"},
    {"checks_type.json",
     ":12:56: user_classes[0].tasks[0].steps[0].checks: expected a list of checks"},
    {"class_duplicate.json",
     ":4:14: user_classes[1].name: user class U is already defined (user_classes[0])"},
    {"class_name_long.json",
     ":7:15: user_classes[0].name: \"UUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUU... is not a "
     "name of 1 to 63 bytes"},
    {"class_name_type.json",
     ":7:15: user_classes[0].name: expected a string, got a number"},
    {"classes_empty.json",
     ":2:19: user_classes: expected a non-empty list of user classes"},
    {"classes_not_list.json",
     ":2:19: user_classes: expected a non-empty list of user classes"},
    {"content_type_json.json",
     ":12:65: user_classes[0].tasks[0].steps[0].content_type: \"content_type\" goes with a "
     "raw \"body\" (a \"json\" body is sent as application/json)"},
    {"description_type.json",
     ":5:18: description: expected a string, got a list"},
    {"duplicate_key.json",
     ":12:46: user_classes[0].tasks[0].steps[0].method: duplicate key"},
    {"expect_bad.json",
     ":12:62: user_classes[0].tasks[0].steps[0].expect[1]: 600 is not a status from 100 to 599 or "
     "a class such as \"2xx\""},
    {"expect_class_bad.json",
     ":12:56: user_classes[0].tasks[0].steps[0].expect: \"6xx\" is not a status from 100 to 599 "
     "or a class such as \"2xx\""},
    {"expect_empty.json",
     ":12:56: user_classes[0].tasks[0].steps[0].expect: expected a non-empty list of "
     "statuses"},
    {"feeder_bad_name.json",
     ":5:15: feeders.my-accounts: expected a feeder name (letters, digits and _, not a "
     "built-in name)"},
    {"feeder_column.json",
     ":15:54: user_classes[0].tasks[0].steps[0].path: feeder accounts has no column "
     "'usrname' (did you mean username?)"},
    {"feeder_csv_after_quote.json",
     ":6:26: feeders.accounts.file: tests/fixtures/scenarios/broken/csv_after_quote.csv: "
     "line 2: unexpected 'x' after a quoted field"},
    {"feeder_csv_bad_column.json",
     ":6:26: feeders.accounts.file: tests/fixtures/scenarios/broken/csv_bad_column.csv: "
     "line 1: column 1 'user name' is not a valid name (letters, digits and _, not starting "
     "with a digit)"},
    {"feeder_csv_dup_column.json",
     ":6:26: feeders.accounts.file: tests/fixtures/scenarios/broken/csv_dup_column.csv: "
     "line 1: column 'user' appears twice"},
    {"feeder_csv_empty.json",
     ":6:26: feeders.accounts.file: tests/fixtures/scenarios/broken/csv_empty.csv: line 1: "
     "the file is empty (the first line names the columns)"},
    {"feeder_csv_no_rows.json",
     ":6:26: feeders.accounts.file: tests/fixtures/scenarios/broken/csv_no_rows.csv: line "
     "3: no data rows after the column names"},
    {"feeder_csv_quote_inside.json",
     ":6:26: feeders.accounts.file: tests/fixtures/scenarios/broken/csv_quote_inside.csv: "
     "line 2: a field with a quote must be quoted whole (\"a \"\"b\"\" c\")"},
    {"feeder_csv_ragged.json",
     ":6:26: feeders.accounts.file: tests/fixtures/scenarios/broken/csv_ragged.csv: line 3: "
     "expected 2 fields, found 1"},
    {"feeder_csv_unterminated.json",
     ":6:26: feeders.accounts.file: tests/fixtures/scenarios/broken/csv_unterminated.csv: "
     "line 2: unterminated quoted field"},
    {"feeder_file_type.json",
     ":6:26: feeders.accounts.file: expected a file name"},
    {"feeder_missing_file.json",
     ":6:26: feeders.accounts.file: cannot read "
     "tests/fixtures/scenarios/broken/no_such.csv: No such file or directory"},
    {"feeder_mode.json",
     ":6:56: feeders.accounts.mode: \"sequential\" is not one of per_user, cycle, random"},
    {"feeder_no_column.json",
     ":15:45: user_classes[0].tasks[0].steps[0].path: feeder accounts needs a column: "
     "${accounts.column}"},
    {"feeder_no_file.json",
     ":6:17: feeders.accounts: missing required key \"file\""},
    {"feeder_not_object.json",
     ":6:17: feeders.accounts: expected an object, got a string"},
    {"feeder_unknown.json",
     ":15:45: user_classes[0].tasks[0].steps[0].path: unknown feeder 'acounts' (did you "
     "mean accounts?)"},
    {"feeders_not_object.json",
     ":5:14: feeders: expected an object, got a list"},
    {"header_bad_name.json",
     ":8:19: user_classes[0].headers[\"X Trace\"]: expected a header name (letters, digits "
     "and !#$%&'*+-.^_`|~)"},
    {"header_duplicate.json",
     ":12:73: user_classes[0].tasks[0].steps[0].headers.accept: duplicate header (names "
     "ignore case)"},
    {"header_value_type.json",
     ":12:68: user_classes[0].tasks[0].steps[0].headers.Accept: expected a string, number "
     "or boolean, got null"},
    {"host_bad.json",
     ":5:11: host: \"localhost:8000\" is not a URL such as \"http://localhost:8000\""},
    {"max_body_kept.json",
     ":3:20: max_body_kept: \"8 MB\" is not a size from 1kB to 1GB, such as \"16MB\", "
     "\"512kB\" or a whole number of bytes"},
    {"method.json",
     ":14:25: user_classes[0].tasks[0].steps[0].method: \"GIT\" is not one of GET, POST, PUT, "
     "PATCH, DELETE, HEAD, OPTIONS"},
    {"method_lowercase.json",
     ":12:24: user_classes[0].tasks[0].steps[0].method: \"get\" is not one of GET, POST, PUT, "
     "PATCH, DELETE, HEAD, OPTIONS"},
    {"missing_class_name.json",
     ":6:5: user_classes[0]: missing required key \"name\""},
    {"missing_classes.json",
     ":1:1: missing required key \"user_classes\""},
    {"missing_method.json",
     ":12:13: user_classes[0].tasks[0].steps[0]: missing required key \"method\""},
    {"missing_path.json",
     ":12:13: user_classes[0].tasks[0].steps[0]: missing required key \"path\""},
    {"missing_steps.json",
     ":9:9: user_classes[0].tasks[0]: missing required key \"steps\""},
    {"name_empty.json",
     ":2:11: name: expected a non-empty name"},
    {"name_step_empty.json",
     ":12:54: user_classes[0].tasks[0].steps[0].name: expected a non-empty name"},
    {"name_step_long.json",
     ":12:54: user_classes[0].tasks[0].steps[0].name: a statistics name is at most 159 bytes"},
    {"on_start_not_list.json",
     ":8:19: user_classes[0].on_start: expected a list of steps"},
    {"path_long_unnamed.json",
     ":12:39: user_classes[0].tasks[0].steps[0].path: a statistics name is at most 159 "
     "bytes (give the step a shorter \"name\")"},
    {"path_shape.json",
     ":12:39: user_classes[0].tasks[0].steps[0].path: \"api/v1/health/\" is not a path starting "
     "with / (or a full http:// or https:// URL)"},
    {"path_type.json",
     ":12:39: user_classes[0].tasks[0].steps[0].path: expected a string, got a number"},
    {"query_empty_name.json",
     ":12:56: user_classes[0].tasks[0].steps[0].query[\"\"]: expected a parameter name"},
    {"query_type.json",
     ":12:55: user_classes[0].tasks[0].steps[0].query: expected an object, got a string"},
    {"query_value_type.json",
     ":12:63: user_classes[0].tasks[0].steps[0].query.ids: expected a string, number or "
     "boolean, got a list"},
    {"run_time_bad.json",
     ":5:15: run_time: \"5 minutes\" is not a duration such as 20, \"20s\", \"3m\", \"1h30m\" or "
     "\"250ms\" (more than 0)"},
    {"run_time_zero.json",
     ":5:15: run_time: \"0s\" is not a duration such as 20, \"20s\", \"3m\", \"1h30m\" or "
     "\"250ms\" (more than 0)"},
    {"spawn_rate_zero.json",
     ":4:17: spawn_rate: 0 is not a number > 0"},
    {"stage_bad_duration.json",
     ":6:18: stages[0].duration: \"1h30\" is not a duration such as 20, \"20s\", \"3m\", "
     "\"1h30m\" or \"250ms\" (more than 0)"},
    {"stage_missing_users.json",
     ":7:5: stages[1]: missing required key \"users\""},
    {"stage_spawn_rate.json",
     ":6:52: stages[0].spawn_rate: -1 is not a number > 0"},
    {"stages_empty.json",
     ":5:13: stages: expected a non-empty list of stages ({\"duration\", \"users\", "
     "\"spawn_rate\"})"},
    {"step_description_type.json",
     ":12:61: user_classes[0].tasks[0].steps[0].description: expected a string, got a number"},
    {"step_not_object.json",
     ":12:13: user_classes[0].tasks[0].steps[0]: expected an object, got a string"},
    {"steps_empty.json",
     ":11:20: user_classes[0].tasks[0].steps: expected a non-empty list of steps"},
    {"syntax_array_comma.json",
     ":12:61: invalid JSON: expected ',' or ']' after an element, got '4'"},
    {"syntax_bad_escape.json",
     ":12:43: invalid JSON: invalid escape '\\d' in a string (use \\\\ for a backslash)"},
    {"syntax_bad_unicode.json",
     ":12:41: invalid JSON: \\u must be followed by 4 hex digits"},
    {"syntax_colon.json",
     ":12:23: invalid JSON: expected ':' after the key, got '\"'"},
    {"syntax_control_char.json",
     ":12:43: invalid JSON: control character in a string (escape it)"},
    {"syntax_deep.json",
     ":12:176: invalid JSON: nested more than 128 levels deep"},
    {"syntax_empty.json",
     ":3:1: invalid JSON: the file is empty"},
    {"syntax_eof.json",
     ":8:7: invalid JSON: unexpected end of file, expected a key in double quotes"},
    {"syntax_missing_comma.json",
     ":12:30: invalid JSON: expected ',' or '}' after a member, got '\"'"},
    {"syntax_newline_in_string.json",
     ":12:43: invalid JSON: unterminated string (a line break must be written \\n)"},
    {"syntax_nul.json",
     ":2:20: invalid JSON: NUL byte in the file"},
    {"syntax_number.json",
     ":12:57: invalid JSON: invalid number"},
    {"syntax_number_dot.json",
     ":12:57: invalid JSON: invalid number"},
    {"syntax_single_quotes.json",
     ":12:24: invalid JSON: expected a value, got a single quote (JSON strings need double "
     "quotes)"},
    {"syntax_trailing.json",
     ":19:1: invalid JSON: expected the end of the file after the top-level value, got '{'"},
    {"syntax_trailing_comma.json",
     ":12:45: invalid JSON: trailing comma before '}'"},
    {"syntax_unquoted_key.json",
     ":12:14: invalid JSON: expected a key in double quotes, got 'm'"},
    {"syntax_unterminated.json",
     ":2:11: invalid JSON: unterminated string"},
    {"syntax_value.json",
     ":12:57: invalid JSON: expected a value, got '}'"},
    {"syntax_word.json",
     ":12:89: invalid JSON: expected a value, got 'True' (strings need double quotes)"},
    {"tags_bad.json",
     ":11:28: user_classes[0].tasks[0].tags[1]: expected a non-empty tag name"},
    {"tags_not_list.json",
     ":11:19: user_classes[0].tasks[0].tags: expected a list of tag names"},
    {"task_weight_string.json",
     ":11:21: user_classes[0].tasks[0].weight: \"2\" is not a number > 0"},
    {"tasks_empty.json",
     ":3:28: user_classes[0].tasks: expected a non-empty list of tasks"},
    {"template_check.json",
     ":12:78: user_classes[0].tasks[0].steps[0].checks[0].body_contains: empty expression"},
    {"template_column_escapes.json",
     ":12:64: user_classes[0].tasks[0].steps[0].path: ${randint(min,max)}: min is greater "
     "than max"},
    {"template_env_unset.json",
     ":12:75: user_classes[0].tasks[0].steps[0].json.password: environment variable "
     "HORNET_FIXTURE_UNSET_VAR is not set (give a default: "
     "${env:HORNET_FIXTURE_UNSET_VAR:-value})"},
    {"template_header.json",
     ":12:75: user_classes[0].tasks[0].steps[0].headers.X-Id: choice takes one or more "
     "arguments: ${choice(a,b,...)}"},
    {"template_json_key.json",
     ":12:75: user_classes[0].tasks[0].steps[0].json[\"k-${nope(}\"]: expected ')' at the "
     "end of nope(...)"},
    {"template_query.json",
     ":12:72: user_classes[0].tasks[0].steps[0].query.n: ${randstr(n)}: expected a length "
     "from 1 to 65536, got '0'"},
    {"template_unknown_function.json",
     ":12:62: user_classes[0].tasks[0].steps[0].path: unknown function 'randnt' (did you "
     "mean randint?)"},
    {"template_unterminated.json",
     ":12:48: user_classes[0].tasks[0].steps[0].path: unterminated ${ (missing })"},
    {"timeout_bad.json",
     ":12:57: user_classes[0].tasks[0].steps[0].timeout: \"soon\" is not a duration such as 20, "
     "\"20s\", \"3m\", \"1h30m\" or \"250ms\" (more than 0)"},
    {"timeout_negative.json",
     ":5:14: timeout: -1 is not a duration such as 20, \"20s\", \"3m\", \"1h30m\" or \"250ms\" "
     "(more than 0)"},
    {"too_many_classes.json",
     ":35:5: user_classes[32]: more than 32 user classes"},
    {"too_many_endpoints.json",
     ":140:39: user_classes[0].tasks[0].steps[128].path: more than 128 endpoints (distinct "
     "method and name); group requests with \"name\""},
    {"top_not_object.json",
     ":1:1: expected a JSON object at the top level"},
    {"unknown_class_key.json",
     ":8:7: user_classes[0].wieght: unknown key (did you mean weight?)"},
    {"unknown_key.json",
     ":12:46: user_classes[0].tasks[0].steps[0].expcet: unknown key (did you mean expect?)"},
    {"unknown_key_list.json",
     ":12:46: user_classes[0].tasks[0].steps[0].retries: unknown key (expected one of "
     "method, path, name, query, headers, json, body, content_type, expect, capture, "
     "checks, timeout, description)"},
    {"unknown_top_key.json",
     ":5:3: spawnrate: unknown key (did you mean spawn_rate?)"},
    {"users_fraction.json",
     ":3:12: users: 2.5 is not a whole number from 0 to 1000000"},
    {"users_negative.json",
     ":3:12: users: -5 is not a whole number from 0 to 1000000"},
    {"users_string.json",
     ":3:12: users: \"10\" is not a whole number from 0 to 1000000"},
    {"var_never_captured.json",
     ":15:62: user_classes[0].tasks[0].steps[0].path: variable ${dep_idd} is never captured "
     "or set in class U (did you mean dep_id?)"},
    {"var_never_captured_header.json",
     ":8:45: user_classes[0].headers.Authorization: variable ${tokn} is never captured or "
     "set in class U (did you mean token?)"},
    {"var_on_start_from_task.json",
     ":9:45: user_classes[0].on_start[0].path: variable ${item} is not set yet: no earlier "
     "on_start step captures it"},
    {"var_on_start_order.json",
     ":9:42: user_classes[0].on_start[0].path: variable ${me_id} is not set yet: no earlier "
     "on_start step captures it"},
    {"vars_bad_name.json",
     ":8:16: user_classes[0].vars.2fast: expected a variable name (letters, digits and _, "
     "not a built-in name)"},
    {"vars_builtin.json",
     ":8:16: user_classes[0].vars.uuid: expected a variable name (letters, digits and _, "
     "not a built-in name)"},
    {"vars_reads_variable.json",
     ":8:34: user_classes[0].vars.b: an initial value cannot read variables (vars are set "
     "before any step runs)"},
    {"vars_type.json",
     ":8:21: user_classes[0].vars.a: expected a string, number or boolean, got a list"},
    {"wait_between_bad.json",
     ":8:27: user_classes[0].wait.between: [2, 1] is not [min, max] in seconds with 0 <= min <= "
     "max"},
    {"wait_negative.json",
     ":8:28: user_classes[0].wait.constant: -0.5 is not a number >= 0"},
    {"wait_throughput_zero.json",
     ":8:39: user_classes[0].wait.constant_throughput: 0 is not a number > 0"},
    {"wait_two.json",
     ":8:15: user_classes[0].wait: {\"constant\": 1, \"between\": [1, 2]} is not exactly one of "
     "constant, between, constant_pacing or constant_throughput"},
    {"wait_unknown.json",
     ":8:16: user_classes[0].wait.betwen: unknown key (did you mean between?)"},
    {"weight_zero.json",
     ":8:17: user_classes[0].weight: 0 is not a number > 0"},
    {"fixed_count_negative.json",
     ":8:22: user_classes[0].fixed_count: -2 is not a whole number from 0 to 10000000"},
    {"targets_abort_after_bad.json",
     ":18:53: targets.p99.abort_after: -1 is not a duration such as 20, \"20s\", \"3m\", "
     "\"1h30m\" or \"250ms\" (more than 0)"},
    {"targets_endpoint_ambiguous.json",
     ":18:29: targets.endpoints[\"/x/\"]: \"/x/\" is requested with several methods: "
     "write \"METHOD /x/\""},
    {"targets_endpoint_nested.json",
     ":18:41: targets.endpoints[\"GET /x/\"]: \"endpoints\" belongs at the top of the "
     "targets block"},
    {"targets_endpoint_unknown.json",
     ":18:29: targets.endpoints[\"/yy/\"]: no step is named \"/yy/\" (did you mean "
     "\"/yz/\"?)"},
    {"targets_no_value.json",
     ":18:22: targets.p99: missing required key \"value\""},
    {"targets_not_object.json",
     ":18:14: targets: expected an object, got a list"},
    {"targets_option_unknown.json",
     ":18:38: targets.p99.abort_on_fial: unknown key (did you mean abort_on_fail?)"},
    {"targets_rate_bad.json",
     ":18:31: targets.success_rate: \"120%\" is not a rate such as \">= 99%\", \"99.5%\" or 0.99"},
    {"targets_rps_range.json",
     ":18:22: targets.rps: [100, 50] is not a range [low, high] with 0 <= low <= high"},
    {"targets_time_bad.json",
     ":18:22: targets.p99: \"fast\" is not a time bound such as \"500ms\", \"< 1s\" or 200 (ms)"},
    {"targets_time_lower.json",
     ":18:22: targets.p99: \"> 10ms\" is not a time bound such as \"500ms\", \"< 1s\" or 200 (ms)"},
    {"targets_unknown_key.json",
     ":18:15: targets.succes_rate: unknown key (did you mean success_rate?)"},
    {"targets_window_bad.json",
     ":18:48: targets.p99.window: \"lately\" is not \"run\", \"steady\" or \"last DURATION\" (1 s "
     "to 600 s), e.g. \"last 60s\""},
    {"targets_window_long.json",
     ":18:48: targets.p99.window: \"last 20m\" is not \"run\", \"steady\" or \"last DURATION\" (1 "
     "s to 600 s), e.g. \"last 60s\""},
};

static void test_broken_fixtures(void **state)
{
    char path[256], want[1024];

    (void)state;
    unsetenv("HORNET_FIXTURE_UNSET_VAR");
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        snprintf(path, sizeof path, BROKEN "%s", broken[i].file);
        snprintf(want, sizeof want, "%s%s", path, broken[i].message);
        assert_string_equal(load_error(path), want);
    }
}

/* A fixture without an expected message would be silently ignored: every one must be listed. */
static void test_every_broken_fixture_is_listed(void **state)
{
    DIR *d = opendir(BROKEN);
    struct dirent *e;
    size_t n = 0;

    (void)state;
    assert_non_null(d);
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name), i;

        if (len < 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        for (i = 0; i < sizeof broken / sizeof broken[0]; i++)
            if (strcmp(broken[i].file, e->d_name) == 0)
                break;
        if (i == sizeof broken / sizeof broken[0])
            fail_msg("%s has no expected message", e->d_name);
        n++;
    }
    closedir(d);
    assert_int_equal(n, sizeof broken / sizeof broken[0]);
}

static void test_unreadable_files(void **state)
{
    (void)state;
    assert_string_equal(load_error("tests/fixtures/scenarios/no_such_file.json"),
                        "cannot read tests/fixtures/scenarios/no_such_file.json: No such file or "
                        "directory");
    assert_string_equal(load_error("tests/fixtures/scenarios/broken"),
                        "cannot read tests/fixtures/scenarios/broken: Is a directory");
}

/* Only regular files are read: a device would grow without bound and a FIFO without a writer
 * would block forever; both are refused at once, the scenario and its feeders alike. */
static void test_only_regular_files(void **state)
{
    char dir[] = "/tmp/hornet-test-fifo.XXXXXX", fifo[64], json[64], text[512];
    struct scenario *s = NULL;
    char err[512];
    FILE *f;

    (void)state;
    assert_string_equal(load_error("/dev/zero"), "cannot read /dev/zero: not a regular file "
                        "(a device)");
    assert_non_null(mkdtemp(dir));
    snprintf(fifo, sizeof fifo, "%s/users.csv", dir);
    snprintf(json, sizeof json, "%s/s.json", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_string_equal(strchr(load_error(fifo), ':'), ": not a regular file (a FIFO)");
    snprintf(text, sizeof text, "{\"feeders\": {\"u\": {\"file\": \"users.csv\"}}, "
             "\"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"steps\": "
             "[{\"method\": \"GET\", \"path\": \"/${u.name}/\"}]}]}]}");
    assert_non_null(f = fopen(json, "w"));
    fputs(text, f);
    fclose(f);
    assert_int_equal(scenario_load(json, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "s.json:1:28: feeders.u.file: cannot read "));
    assert_non_null(strstr(err, "/users.csv: not a regular file (a FIFO)"));
    unlink(fifo);
    unlink(json);
    rmdir(dir);
}

/* A JSON body is one template: more than TMPL_EXPR_MAX expressions in it are refused at the
 * string that passes the bound. */
static void test_body_expression_bound(void **state)
{
    struct strbuf text;
    struct scenario *s = NULL;
    char err[512];

    (void)state;
    strbuf_init(&text);
    assert_int_equal(strbuf_puts(&text, "{\"user_classes\": [{\"name\": \"U\", \"tasks\": "
                                 "[{\"steps\": [{\"method\": \"POST\", \"path\": \"/\",\n"
                                 "\"json\": {\"ids\": [\n"), 0);
    for (int i = 0; i < TMPL_EXPR_MAX / 2 + 1; i++)
        assert_int_equal(strbuf_puts(&text, i ? ",\n\"${uuid}${uuid}\"" : "\"${uuid}${uuid}\""),
                         0);
    assert_int_equal(strbuf_puts(&text, "]}}]}]}]}"), 0);
    assert_int_equal(scenario_load_string(text.data, "big.json", &s, err, sizeof err), -1);
    assert_string_equal(err, "big.json:5003:1: user_classes[0].tasks[0].steps[0].json.ids[5000]: "
                        "more than 10000 ${...} expressions in one template (the whole body)");
    strbuf_free(&text);
}

static void test_load_string(void **state)
{
    const char *text = "{\"feeders\": {\"u\": {\"file\": \"valid/users.csv\"}},\n"
                       " \"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"steps\": [\n"
                       "   {\"method\": \"GET\", \"path\": \"/${u.username}/\"}]}]}]}";
    struct scenario *s = NULL;
    char err[256];

    (void)state;
    assert_int_equal(scenario_load_string(text, "tests/fixtures/scenarios/inline.json", &s, err,
                                          sizeof err), 0);
    assert_string_equal(s->name, "inline");
    assert_int_equal(s->users, 1);
    assert_true(s->spawn_rate == 1 && s->run_time == 0 && s->timeout == 60);
    assert_int_equal(s->max_body_kept, SCENARIO_BODY_KEPT);
    assert_int_equal(s->feeders[0].n_rows, 3);
    scenario_free(s);
    assert_int_equal(scenario_load_string(text, "elsewhere/x.json", &s, err, sizeof err), -1);
    assert_null(s);
    assert_string_equal(err, "elsewhere/x.json:1:28: feeders.u.file: cannot read "
                        "elsewhere/valid/users.csv: No such file or directory");
    assert_int_equal(scenario_load_string("{\"user_classes\": [\n  {\"name\": \"A\", \"tasks\": "
                                          "[{\"steps\": [{\"method\": \"GET\", \"path\": "
                                          "\"/\u00e9\u00e9/${x}\"}]}]}]}", "u.json", &s, err,
                                          sizeof err), -1);
    assert_string_equal(err, "u.json:2:71: user_classes[0].tasks[0].steps[0].path: variable ${x} "
                        "is never captured or set in class A");       /* columns count chars */
    assert_int_equal(scenario_load_string("{\"user_classes\": [\n  {\"name\": \"A\", \"tasks\": "
                                          "[{\"steps\": [{\"method\": \"GET\", \"path\": "
                                          "\"/\\u00e9\\u00e9/${x}\"}]}]}]}", "u.json", &s, err,
                                          sizeof err), -1);
    assert_string_equal(err, "u.json:2:81: user_classes[0].tasks[0].steps[0].path: variable ${x} "
                        "is never captured or set in class A");       /* \u00e9 is 6 columns */
}

/* ---------------------------------------------------------------- setup, preflight, teardown */

static const char *load_inline(const char *text, struct scenario **s)
{
    static char err[512];

    err[0] = '\0';
    *s = NULL;
    if (scenario_load_string(text, "tests/fixtures/scenarios/fx.json", s, err, sizeof err) == 0)
        return NULL;
    assert_null(*s);
    return err;
}

#define FX_CLASS "\"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"steps\": [" \
                 "{\"method\": \"GET\", \"path\": \"/d/${dep}/\"}]}]}]"

static void test_fixtures_loaded(void **state)
{
    const char *text =
        "{\"feeders\": {\"u\": {\"file\": \"valid/users.csv\"}},\n"
        " \"setup\": {\"headers\": {\"Authorization\": \"Token ${tok}\"}, \"steps\": [\n"
        "   {\"method\": \"POST\", \"path\": \"/login/\", \"capture\": {\"tok\": \"token\"}},\n"
        "   {\"repeat\": 120, \"steps\": [{\"method\": \"POST\", \"path\": \"/d/\",\n"
        "      \"json\": {\"n\": \"x-${iteration}\"}, \"capture\": {\"dep\": \"id\"}}]},\n"
        "   {\"for_each\": \"u\", \"steps\": [{\"method\": \"GET\", \"path\": \"/u/${u.username}/\"},\n"
        "      {\"method\": \"GET\", \"path\": \"/d/${dep}/\"}]}]},\n"
        " \"preflight\": {\"steps\": [{\"description\": \"enough\", \"method\": \"GET\",\n"
        "   \"path\": \"/d/\", \"checks\": [{\"json\": \"count\", \"at_least\": 100},\n"
        "   {\"json\": \"results.*.status\", \"equals\": \"ok\", \"every\": true}]},\n"
        "   {\"method\": \"GET\", \"path\": \"/h/\"}]},\n"
        " \"teardown\": {\"steps\": [{\"method\": \"DELETE\", \"path\": \"/d/${dep}/\"}]},\n"
        FX_CLASS "}";
    struct scenario *s;
    const struct fixture_def *setup, *pre;

    (void)state;
    assert_null(load_inline(text, &s));
    setup = &s->fixtures[FIXTURE_SETUP];
    pre = &s->fixtures[FIXTURE_PREFLIGHT];
    assert_int_equal(setup->cls.n_on_start, 4);
    assert_int_equal(setup->cls.n_headers, 1);
    assert_int_equal(setup->n_loops, 3);
    assert_true(setup->loops[0].plain && setup->loops[0].repeat == 1 && setup->loops[0].n == 1);
    assert_true(setup->loops[1].repeat == 120 && setup->loops[1].first == 1);
    assert_true(setup->loops[2].feeder == 0 && setup->loops[2].repeat == 3 &&
                setup->loops[2].n == 2);
    assert_int_equal(s->n_endpoints, 1);                /* the class's only: fixtures apart */
    assert_int_equal(s->n_fixture_endpoints, 7);
    assert_string_equal(pre->check_names[0], "enough");
    assert_string_equal(pre->check_names[1], "GET /h/");
    assert_int_equal(pre->cls.on_start[0].checks[0].kind, CHECK_JSON_AT_LEAST);
    assert_string_equal(pre->cls.on_start[0].checks[0].describe, "json.count >= 100");
    assert_true(pre->cls.on_start[0].checks[1].every);
    assert_string_equal(pre->cls.on_start[0].checks[1].describe,
                        "json.results.*.status == \"ok\" for every element");
    assert_int_equal(s->fixtures[FIXTURE_TEARDOWN].cls.n_on_start, 1);
    for (uint32_t v = 0; v < s->n_vars; v++)    /* captured by setup: shared, and only those */
        assert_int_equal(s->shared[v], !strcmp(s->vars[v], "tok") || !strcmp(s->vars[v], "dep"));
    assert_int_equal(s->n_shared, s->n_vars);
    scenario_free(s);
}

static void test_fixture_errors(void **state)
{
    static const struct { const char *text, *want; } cases[] = {
        {"{\"setup\": {\"steps\": [{\"method\": \"GET\", \"path\": \"/x/${nope}/\"}]}, " FX_CLASS "}",
         "fx.json:1:54: setup.steps[0].path: variable ${nope} is not set: no step of setup "
         "captures it"},
        {"{\"setup\": {\"steps\": [{\"repeat\": 0, \"steps\": [{\"method\": \"GET\", \"path\": \"/\"}]}]}, "
         FX_CLASS "}",
         "fx.json:1:33: setup.steps[0].repeat: 0 is not a count from 1 to 1000000"},
        {"{\"setup\": {\"steps\": [{\"for_each\": \"nobody\", \"steps\": [{\"method\": \"GET\", "
         "\"path\": \"/\"}]}]}, " FX_CLASS "}",
         "fx.json:1:35: setup.steps[0].for_each: \"nobody\" is not the name of a feeder of this "
         "scenario"},
        {"{\"setup\": {\"steps\": [{\"method\": \"GET\", \"path\": \"/\", \"capture\": {\"dep\": "
         "\"id\"}}]}, \"user_classes\": [{\"name\": \"U\", \"tasks\": [{\"steps\": [{\"method\": "
         "\"GET\", \"path\": \"/\", \"capture\": {\"dep\": \"id\"}}]}]}]}",
         "fx.json:1:177: user_classes[0].tasks[0].steps[0].capture.dep: dep is captured by "
         "setup: a shared variable is read-only; capture into another name"},
        {"{\"preflight\": {\"steps\": [{\"method\": \"GET\", \"path\": \"/\", \"checks\": "
         "[{\"json\": \"status\", \"equals\": \"ok\", \"every\": true}]}]}, " FX_CLASS "}",
         "fx.json:1:112: preflight.steps[0].checks[0].every: \"every\" needs a path with \"*\" "
         "(such as \"results.*.status\")"},
        {"{\"teardown\": {\"steps\": []}, " FX_CLASS "}",
         "fx.json:1:24: teardown.steps: expected a non-empty list of steps and loops "
         "({\"repeat\": N, \"steps\": [...]})"},
    };
    struct scenario *s;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *err = load_inline(cases[i].text, &s);

        assert_non_null(err);
        assert_string_equal(err + strlen("tests/fixtures/scenarios/"), cases[i].want);
    }
}

static void test_preflight_health(void **state)
{
    static const char health[] =
        "\"health\": {\"sources\": {\"api\": {\"type\": \"prometheus\", \"url\": "
        "\"${host}/metrics\", \"metrics\": {\"Celery workers\": {\"query\": "
        "\"celery_worker_up\", \"limit\": \"> 0\"}, \"Queue\": {\"query\": \"q\"}}}}}";
    static const struct { const char *check, *want; } cases[] = {
        {"{\"health\": \"Celery worker\"}",
         ": preflight.steps[0].health: \"Celery worker\" is not a metric of the scenario's "
         "health block (did you mean Celery workers?)"},
        {"{\"health\": \"Queue\"}",
         ": preflight.steps[0].health: metric \"Queue\" has no limit: give the check one "
         "(\"limit\": \"> 0\")"},
        {"{\"health\": \"Queue\", \"limit\": \"no growth for 60s\"}",
         ": preflight.steps[0].health: limit \"no growth for 60s\": a preflight check takes a "
         "fixed bound such as \"> 0\" or \"< 80 %\" (one poll, before any load)"},
    };
    static const char cls[] = "\"user_classes\": [{\"name\": \"U\", \"tasks\": "
                              "[{\"steps\": [{\"method\": \"GET\", \"path\": \"/\"}]}]}]";
    char text[2048];
    struct scenario *s;
    const char *err;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "{%s, \"preflight\": {\"steps\": [%s]}, %s}", health,
                 cases[i].check, cls);
        err = load_inline(text, &s);
        assert_non_null(err);
        assert_non_null(strstr(err, cases[i].want));
    }
    snprintf(text, sizeof text, "{%s, \"preflight\": {\"steps\": [{\"description\": "
             "\"up\", \"health\": \"Celery workers\"}, {\"health\": \"Queue\", "
             "\"limit\": \"< 100\"}]}, %s}", health, cls);
    assert_null(load_inline(text, &s));
    assert_int_equal(s->fixtures[FIXTURE_PREFLIGHT].n_health, 2);
    assert_int_equal(s->fixtures[FIXTURE_PREFLIGHT].cls.n_on_start, 0);
    assert_true(scenario_has_fixture(s, FIXTURE_PREFLIGHT));
    assert_string_equal(s->fixtures[FIXTURE_PREFLIGHT].health[0].name, "up");
    assert_string_equal(s->fixtures[FIXTURE_PREFLIGHT].health[0].limit_text, "> 0");
    assert_string_equal(s->fixtures[FIXTURE_PREFLIGHT].health[1].name, "health Queue");
    assert_true(s->fixtures[FIXTURE_PREFLIGHT].health[1].limit.amount == 100);
    scenario_free(s);
    snprintf(text, sizeof text, "{\"setup\": {\"steps\": [{\"health\": \"x\"}]}, %s}",
             cls);
    assert_non_null(strstr(load_inline(text, &s), "a backend-health check belongs to "
                           "preflight"));
}

static void test_shipped_fixtures(void **state)
{
    struct scenario *cab = load("scenarios/cab_approvals.json");
    struct scenario *con = load("scenarios/connectors.json");
    struct scenario *dep = load("scenarios/deployments.json");

    (void)state;
    assert_int_equal(cab->fixtures[FIXTURE_SETUP].loops[1].repeat, 120);
    assert_string_equal(cab->fixtures[FIXTURE_PREFLIGHT].check_names[0], "100+ pending approvals");
    assert_string_equal(con->fixtures[FIXTURE_PREFLIGHT].check_names[0],
                        "5 connector planes, all online");
    assert_int_equal(dep->fixtures[FIXTURE_PREFLIGHT].cls.n_on_start, 1);
    assert_string_equal(dep->fixtures[FIXTURE_PREFLIGHT].health[0].metric_name, "Celery workers");
    scenario_free(cab);
    scenario_free(con);
    scenario_free(dep);
}

/* The tls block: files joined to the scenario's directory and readable at load, insecure a
 * boolean, key only with cert, no other key. */
static void test_tls_block(void **state)
{
    static const char *const cls = "\"user_classes\": [{\"name\": \"U\", \"tasks\": "
                                   "[{\"steps\": [{\"method\": \"GET\", \"path\": \"/\"}]}]}]}";
    char text[512], err[512];
    struct scenario *s = NULL;

    (void)state;
    snprintf(text, sizeof text, "{\"tls\": {\"cacert\": \"valid/users.csv\", \"insecure\": "
             "true}, %s", cls);
    assert_int_equal(scenario_load_string(text, "tests/fixtures/scenarios/t.json", &s, err,
                                          sizeof err), 0);
    assert_string_equal(s->tls.cacert, "tests/fixtures/scenarios/valid/users.csv");
    assert_true(s->tls.insecure);
    assert_null(s->tls.cert);
    scenario_free(s);
    snprintf(text, sizeof text, "{\"tls\": {\"cacert\": \"none.pem\"}, %s", cls);
    assert_int_equal(scenario_load_string(text, "d/t.json", &s, err, sizeof err), -1);
    assert_string_equal(err, "d/t.json:1:20: tls.cacert: cannot read d/none.pem: No such file or "
                        "directory");
    snprintf(text, sizeof text, "{\"tls\": {\"insecure\": \"yes\"}, %s", cls);
    assert_int_equal(scenario_load_string(text, "t.json", &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "tls.insecure"));
    snprintf(text, sizeof text, "{\"tls\": {\"key\": \"/dev/null\"}, %s", cls);
    assert_int_equal(scenario_load_string(text, "t.json", &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"key\" needs \"cert\""));
    snprintf(text, sizeof text, "{\"tls\": {\"verify\": false}, %s", cls);
    assert_int_equal(scenario_load_string(text, "t.json", &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "tls"));
}

/* ---------------------------------------------------------------- the position table */

static void test_position_table(void **state)
{
    const char *text = "\xef\xbb\xbf{\"a\": [1, {\"b\\\"c\": \"x\\u00e9\"}],\n"
                       "  \"d\": {\"e\": [], \"f\": null}, \"g\": -1.5e3}";
    struct loader ld = {0};
    cJSON *root, *a, *b, *d, *g;
    char err[256];

    (void)state;
    ld.text = text;
    ld.len = strlen(text);
    ld.file = "p.json";
    ld.err = err;
    ld.errlen = sizeof err;
    root = loader_parse(&ld);
    assert_non_null(root);
    a = cJSON_GetObjectItemCaseSensitive(root, "a");
    b = cJSON_GetArrayItem(a, 1)->child;
    d = cJSON_GetObjectItemCaseSensitive(root, "d");
    g = cJSON_GetObjectItemCaseSensitive(root, "g");
    assert_int_equal(ld.n_pos, 9);
    assert_int_equal(loader_value_offset(&ld, root), 3);
    assert_int_equal(loader_key_offset(&ld, a), 4);
    assert_int_equal(loader_value_offset(&ld, a), 9);
    assert_int_equal(loader_value_offset(&ld, cJSON_GetArrayItem(a, 0)), 10);
    assert_int_equal(loader_key_offset(&ld, cJSON_GetArrayItem(a, 0)), 10);   /* no key */
    assert_int_equal(loader_key_offset(&ld, b), 14);
    assert_int_equal(loader_value_offset(&ld, b), 22);
    assert_int_equal(loader_string_offset(&ld, 22, 1), 24);      /* after x: \u00e9 */
    assert_int_equal(loader_string_offset(&ld, 22, 3), 30);      /* the closing quote */
    assert_int_equal(loader_key_offset(&ld, d), 37);
    assert_int_equal(loader_value_offset(&ld, d->child), 48);
    assert_int_equal(loader_value_offset(&ld, d->child->next), 57);
    assert_int_equal(loader_value_offset(&ld, g), 69);
    assert_int_equal(loader_line(&ld, 48), 2);
    assert_int_equal(loader_fail(&ld, d->child->next, LOADER_KEY, "here"), -1);
    assert_string_equal(err, "p.json:2:18: here");
    assert_int_equal(loader_fail(&ld, b, LOADER_VALUE, "there"), -1);
    assert_string_equal(err, "p.json:1:21: there");         /* the BOM is one character */
    cJSON_Delete(root);
    free(ld.pos);
}

/* ---------------------------------------------------------------- durations and CSV */

static void test_durations(void **state)
{
    static const struct { const char *text; double secs; } ok[] = {
        {"20", 20}, {"20s", 20}, {"3m", 180}, {"1h30m", 5400}, {"1h20m30s", 4830},
        {"1.5s", 1.5}, {"250ms", 0.25}, {"2m30s", 150}, {"0.5", 0.5}, {"1h", 3600},
    };
    static const char *const bad[] = {
        "", "0", "0s", "-1", "-3s", "5 minutes", "1x", "s", "1h30", "abc", "1m-2s", " 20",
        "20 ", "1e400",
    };
    double v;

    (void)state;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        v = -1;
        assert_int_equal(loader_parse_duration(ok[i].text, &v), 0);
        assert_true(v == ok[i].secs);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (loader_parse_duration(bad[i], &v) == 0)
            fail_msg("'%s' parsed as %g", bad[i], v);
}

/* max_body_kept: sizes in bytes or with kB, MB, GB (units of 1024), from 1 kB to 1 GB. */
static void test_max_body_kept_sizes(void **state)
{
    static const struct { const char *json; size_t bytes; } ok[] = {
        {"4096", 4096}, {"\"512kB\"", 512 << 10}, {"\"1KB\"", 1024}, {"\"16MB\"", 16 << 20},
        {"\"1.5MB\"", 1536 << 10}, {"\"1GB\"", (size_t)1 << 30}, {"\"2048B\"", 2048},
    };
    static const char *const bad[] = {
        "1023", "\"1023\"", "\"2GB\"", "0", "-1", "1e300", "\"8 MB\"", "\"MB\"", "\"8mb\"",
        "\"0.3kB\"", "\" 8MB\"", "true", "null", "[1]", "1024.5",
    };
    char text[256], err[256];
    struct scenario *s;

    (void)state;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0] + sizeof bad / sizeof bad[0]; i++) {
        bool good = i < sizeof ok / sizeof ok[0];
        snprintf(text, sizeof text, "{\"max_body_kept\": %s, \"user_classes\": [{\"name\": "
                 "\"A\", \"tasks\": [{\"steps\": [{\"method\": \"GET\", \"path\": "
                 "\"/\"}]}]}]}", good ? ok[i].json : bad[i - sizeof ok / sizeof ok[0]]);
        s = NULL;
        if ((scenario_load_string(text, "m.json", &s, err, sizeof err) == 0) != good)
            fail_msg("%s: %s", text, good ? err : "accepted");
        if (good)
            assert_int_equal(s->max_body_kept, ok[i].bytes);
        scenario_free(s);
    }
}

static int csv(const char *text, struct feeder *f, char *err)
{
    memset(f, 0, sizeof *f);
    return scenario_feeder_parse_csv(text, strlen(text), f, err, 128);
}

static void test_csv(void **state)
{
    struct feeder f;
    char err[128];

    (void)state;
    assert_int_equal(csv("a,b\n1,2\n\"x,y\",\"he said \"\"hi\"\"\"\n\"multi\nline\",\n", &f,
                         err), 0);
    assert_int_equal(f.n_columns, 2);
    assert_int_equal(f.n_rows, 3);
    assert_string_equal(f.cells[2], "x,y");
    assert_string_equal(f.cells[3], "he said \"hi\"");
    assert_string_equal(f.cells[4], "multi\nline");
    assert_string_equal(f.cells[5], "");
    scenario_feeder_free(&f);
    assert_int_equal(csv("only\r\nv1\r\n\r\nv2", &f, err), 0);
    assert_int_equal(f.n_rows, 2);
    assert_string_equal(f.cells[1], "v2");
    scenario_feeder_free(&f);
    assert_int_equal(csv("a,b\n1,2\n\"3\nx\",4\n5\n", &f, err), -1);
    assert_string_equal(err, "line 5: expected 2 fields, found 1");
    scenario_feeder_free(&f);
    assert_int_equal(csv("a,b\n\"open,2\n", &f, err), -1);
    assert_string_equal(err, "line 2: unterminated quoted field");
    scenario_feeder_free(&f);
}

/* ---------------------------------------------------------------- filtering */

static void test_filter_classes(void **state)
{
    struct scenario *s = load(FULL);
    char pacer[] = "Pacer", uploader[] = "Uploader", shoper[] = "Shoper", nobody[] = "Nobody";
    char *const pick[] = {pacer, uploader}, *typo[] = {shoper}, *none[] = {nobody};
    char err[512];

    (void)state;
    assert_int_equal(scenario_filter(s, typo, 1, NULL, 0, NULL, 0, err, sizeof err), -1);
    assert_string_equal(err, "unknown user class 'Shoper' (did you mean Shopper?)");
    assert_int_equal(scenario_filter(s, none, 1, NULL, 0, NULL, 0, err, sizeof err), -1);
    assert_string_equal(err, "unknown user class 'Nobody' (" FULL " has: Shopper, Uploader, "
                        "Pacer, Throttled)");
    assert_int_equal(s->n_classes, 4);
    assert_int_equal(scenario_filter(s, pick, 2, NULL, 0, NULL, 0, err, sizeof err), 0);
    assert_int_equal(s->n_classes, 2);
    assert_string_equal(s->classes[0].name, "Uploader");
    assert_string_equal(s->classes[1].name, "Pacer");
    assert_int_equal(s->n_endpoints, 9);                /* indices stay valid */
    scenario_free(s);
}

static void test_filter_tags(void **state)
{
    struct scenario *s = load(FULL);
    char w[] = "write", sm[] = "smoke", r[] = "read";
    char *const write[] = {w}, *smoke[] = {sm}, *read[] = {r};
    char err[512];

    (void)state;
    assert_int_equal(scenario_filter(s, NULL, 0, read, 1, smoke, 1, err, sizeof err), -1);
    assert_string_equal(err, "no task left to run: none of the selected user classes has a "
                        "task with the requested tags that is not excluded");
    assert_int_equal(s->n_classes, 4);                  /* unchanged after an error */
    assert_int_equal(s->classes[0].n_tasks, 2);
    assert_int_equal(scenario_filter(s, NULL, 0, NULL, 0, smoke, 1, err, sizeof err), 0);
    assert_int_equal(s->n_classes, 4);
    assert_int_equal(s->classes[0].n_tasks, 1);
    assert_string_equal(s->classes[0].tasks[0].name, "buy");
    assert_int_equal(scenario_filter(s, NULL, 0, write, 1, NULL, 0, err, sizeof err), 0);
    assert_int_equal(s->n_classes, 1);
    assert_string_equal(s->classes[0].name, "Shopper");
    scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_deployments),
        cmocka_unit_test(test_shipped_cab_approvals),
        cmocka_unit_test(test_shipped_connectors),
        cmocka_unit_test(test_shipped_burst),
        cmocka_unit_test(test_shipped_scenarios_are_closed),
        cmocka_unit_test(test_arrivals_of_a_class),
        cmocka_unit_test(test_arrivals_of_the_scenario),
        cmocka_unit_test(test_full_top_level),
        cmocka_unit_test(test_full_classes),
        cmocka_unit_test(test_full_endpoints),
        cmocka_unit_test(test_full_request_parts),
        cmocka_unit_test(test_full_json_body),
        cmocka_unit_test(test_full_expect_captures_checks),
        cmocka_unit_test(test_broken_fixtures),
        cmocka_unit_test(test_every_broken_fixture_is_listed),
        cmocka_unit_test(test_unreadable_files),
        cmocka_unit_test(test_only_regular_files),
        cmocka_unit_test(test_body_expression_bound),
        cmocka_unit_test(test_load_string),
        cmocka_unit_test(test_fixtures_loaded),
        cmocka_unit_test(test_fixture_errors),
        cmocka_unit_test(test_preflight_health),
        cmocka_unit_test(test_shipped_fixtures),
        cmocka_unit_test(test_tls_block),
        cmocka_unit_test(test_position_table),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_max_body_kept_sizes),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_filter_classes),
        cmocka_unit_test(test_filter_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
