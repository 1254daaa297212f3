/* Unit tests of the built-in target's pure parts: settings and the command line
 * (src/target/config.c, cli.c), the bounded store (store.c), JSON output (jsonw.c), the counts
 * report (served.c); and the hornet-target program itself (exit codes, the listening line, the
 * counts printed at SIGTERM). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include "target/delay.h"
#include "target/delay_internal.h"
#include "target/jsonw.h"
#include "target/served.h"
#include "target/server_internal.h"
#include "target/store.h"
#include "target/target.h"
#include "target/target_internal.h"

/* --- settings --- */

static void test_defaults(void **state)
{
    struct target_config c;
    char err[200];

    (void)state;
    target_config_defaults(&c);
    assert_string_equal(c.listen_addr, "127.0.0.1");
    assert_int_equal(c.port, 8000);
    assert_int_equal(c.max_objects, 100000);
    assert_int_equal(c.max_header_bytes, 16 * 1024);
    assert_int_equal(c.max_body_bytes, 1024 * 1024);
    assert_true(c.latency[ROUTE_HEALTH].base_ms == 0 && c.latency[ROUTE_HEALTH].jitter_ms == 0);
    assert_true(c.latency[ROUTE_AUTH_TOKEN].base_ms >= 15);
    assert_true(c.latency[ROUTE_DEPLOYMENT_CREATE].base_ms >= 5);
    for (int p = 0; p < TARGET_PLANE_COUNT; p++)
        assert_true(c.plane_error_rate[p] == 0);
    assert_int_equal(target_config_check(&c, err, sizeof err), 0);
    assert_string_equal(target_route_names[ROUTE_OTHER], "other");
    assert_string_equal(target_plane_names[4], "ansible");
}

static void test_latency_argument(void **state)
{
    struct target_config c;
    char err[300];

    (void)state;
    target_config_defaults(&c);
    assert_int_equal(target_config_latency(&c, "health=5,2.5", err, sizeof err), 0);
    assert_true(c.latency[ROUTE_HEALTH].base_ms == 5 && c.latency[ROUTE_HEALTH].jitter_ms == 2.5);
    assert_int_equal(target_config_latency(&c, "connector_job=7", err, sizeof err), 0);
    assert_true(c.latency[ROUTE_CONNECTOR_JOB].base_ms == 7);
    assert_true(c.latency[ROUTE_CONNECTOR_JOB].jitter_ms == 0);
    assert_int_equal(target_config_latency(&c, "all=1,1", err, sizeof err), 0);
    for (int r = 0; r < ROUTE_COUNT; r++)
        assert_true(c.latency[r].base_ms == 1 && c.latency[r].jitter_ms == 1);
    static const char *const bad[] = {
        "health", "=5", "nope=5", "health=", "health=-1", "health=x", "health=5,", "health=5,-1",
        "health=5,2,3", "health=nan", "health=inf", "Health=5", " health=5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        if (target_config_latency(&c, bad[i], err, sizeof err) != -1)
            fail_msg("accepted %s", bad[i]);
        assert_non_null(strstr(err, "--latency"));
        assert_null(strchr(err, '\n'));
    }
    target_config_no_latency(&c);
    for (int r = 0; r < ROUTE_COUNT; r++)
        assert_true(c.latency[r].base_ms == 0 && c.latency[r].jitter_ms == 0);
}

static void test_error_rate_argument(void **state)
{
    struct target_config c;
    char err[300];

    (void)state;
    target_config_defaults(&c);
    assert_int_equal(target_config_error_rate(&c, "jamf=0.25", err, sizeof err), 0);
    assert_true(c.plane_error_rate[1] == 0.25 && c.plane_error_rate[0] == 0);
    assert_int_equal(target_config_error_rate(&c, "all=1", err, sizeof err), 0);
    for (int p = 0; p < TARGET_PLANE_COUNT; p++)
        assert_true(c.plane_error_rate[p] == 1);
    static const char *const bad[] = {"jamf", "tanium=0.1", "jamf=1.5", "jamf=-0.1", "jamf=",
                                      "jamf=x", "=0.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (target_config_error_rate(&c, bad[i], err, sizeof err) != -1)
            fail_msg("accepted %s", bad[i]);
        assert_non_null(strstr(err, "--error-rate"));
    }
}

static int parse(struct target_config *c, enum target_action *action, char *err, size_t errlen,
                 int argc, ...)
{
    char *argv[32] = {strdup("hornet-target")};
    va_list ap;
    int rc;

    va_start(ap, argc);
    for (int i = 1; i < argc; i++)
        argv[i] = strdup(va_arg(ap, const char *));
    va_end(ap);
    target_config_defaults(c);
    rc = target_config_parse_args(c, argc, argv, action, err, errlen);
    static char listen[64];
    snprintf(listen, sizeof listen, "%s", c->listen_addr);
    c->listen_addr = listen;                /* it pointed into argv, freed below */
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    return rc;
}

static void test_command_line(void **state)
{
    struct target_config c;
    enum target_action action;
    char err[300];

    (void)state;
    assert_int_equal(parse(&c, &action, err, sizeof err, 1), 0);
    assert_int_equal(action, TARGET_ACTION_RUN);
    assert_int_equal(parse(&c, &action, err, sizeof err, 18, "--listen", "::1", "--port=0",
                           "--seed", "42", "--latency", "auth_token=3,1", "--error-rate",
                           "intune=0.5", "--max-objects", "10", "--max-header-bytes", "4k",
                           "--max-body-bytes=2m", "-q", "--idle-timeout", "2.5"), 0);
    assert_string_equal(c.listen_addr, "::1");
    assert_int_equal(c.port, 0);
    assert_int_equal(c.seed, 42);
    assert_true(c.latency[ROUTE_AUTH_TOKEN].base_ms == 3);
    assert_true(c.plane_error_rate[0] == 0.5);
    assert_int_equal(c.max_objects, 10);
    assert_int_equal(c.max_header_bytes, 4096);
    assert_int_equal(c.max_body_bytes, 2 * 1024 * 1024);
    assert_true(c.quiet);
    assert_true(c.idle_timeout_s == 2.5);
    /* --no-latency clears the defaults wherever it stands; --latency still applies */
    assert_int_equal(parse(&c, &action, err, sizeof err, 4, "--latency", "health=9",
                           "--no-latency"), 0);
    assert_true(c.latency[ROUTE_HEALTH].base_ms == 9);
    assert_true(c.latency[ROUTE_AUTH_TOKEN].base_ms == 0);
    assert_int_equal(parse(&c, &action, err, sizeof err, 2, "--help"), 0);
    assert_int_equal(action, TARGET_ACTION_HELP);
    assert_int_equal(parse(&c, &action, err, sizeof err, 2, "-V"), 0);
    assert_int_equal(action, TARGET_ACTION_VERSION);
}

static void test_command_line_errors(void **state)
{
    static const char *const cases[][3] = {
        {"--bogus", NULL, "unknown option '--bogus'"},
        {"--port", "65536", "--port: expected a port number"},
        {"--port", "-1", "--port: expected"},
        {"--port", NULL, "--port: missing value"},
        {"--seed", "x", "--seed: expected"},
        {"--max-objects", "0", "--max-objects: expected"},
        {"--max-objects", "10000001", "--max-objects: expected"},
        {"--max-header-bytes", "100k", "--max-header-bytes: expected"},
        {"--max-body-bytes", "2g", "--max-body-bytes: expected"},
        {"--idle-timeout", "0", "--idle-timeout: expected"},
        {"--job-failure-rate", "2", "--job-failure-rate: expected"},
        {"--latency", "x=1", "--latency: expected"},
        {"--error-rate", "jamf=7", "--error-rate: expected"},
        {"--quiet=1", NULL, "--quiet takes no value"},
        {"extra", NULL, "unexpected argument 'extra'"},
        {"--listen", "", "--listen: expected"},
    };
    struct target_config c;
    enum target_action action;
    char err[300];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int argc = cases[i][1] ? 3 : 2;
        err[0] = '\0';
        if (parse(&c, &action, err, sizeof err, argc, cases[i][0], cases[i][1]) != -1)
            fail_msg("accepted %s %s", cases[i][0], cases[i][1] ? cases[i][1] : "");
        if (strncmp(err, "hornet-target: ", 15) || !strstr(err, cases[i][2]))
            fail_msg("%s: message '%s'", cases[i][0], err);
        assert_null(strchr(err, '\n'));
    }
}

static void test_config_check(void **state)
{
    struct target_config c;
    char err[200];

    (void)state;
    target_config_defaults(&c);
    c.max_header_bytes = TARGET_MAX_HEADER_LIMIT + 1;
    assert_int_equal(target_config_check(&c, err, sizeof err), -1);
    target_config_defaults(&c);
    c.latency[ROUTE_EVENTS].jitter_ms = -1;
    assert_int_equal(target_config_check(&c, err, sizeof err), -1);
    target_config_defaults(&c);
    c.request_timeout_s = 0;
    assert_int_equal(target_config_check(&c, err, sizeof err), -1);
    target_config_defaults(&c);
    c.port = 70000;
    assert_null(target_start(&c, err, sizeof err));
    assert_non_null(strstr(err, "port"));
}

static void test_start_errors(void **state)
{
    struct target_config c;
    struct target *t, *again;
    char err[200];

    (void)state;
    target_config_defaults(&c);
    c.port = 0;
    c.listen_addr = "localhost";            /* numeric addresses only */
    assert_null(target_start(&c, err, sizeof err));
    assert_non_null(strstr(err, "localhost"));
    c.listen_addr = "127.0.0.1";
    t = target_start(&c, err, sizeof err);
    assert_non_null(t);
    c.port = target_port(t);
    again = target_start(&c, err, sizeof err);
    assert_null(again);
    assert_non_null(strstr(err, "Address already in use"));
    target_stop(t);
    target_stop(NULL);
}

/* --- the store --- */

struct item {
    struct record rec;
    uint32_t n;
};

static int freed;

static void count_free(struct record *r)
{
    (void)r;
    freed++;
}

static struct uuid id_of(uint32_t n)
{
    struct uuid u;

    memset(&u, 0, sizeof u);
    memcpy(u.b, &n, sizeof n);
    u.b[15] = (uint8_t)(n * 37);            /* ids that collide in the low bits too */
    return u;
}

static void test_store_ring_and_index(void **state)
{
    struct store_table t;
    enum { MAX = 1000, ADDED = 5000 };

    (void)state;
    freed = 0;
    assert_int_equal(store_table_init(&t, sizeof(struct item), MAX, true, true, count_free), 0);
    for (uint32_t n = 0; n < ADDED; n++) {
        struct uuid u = id_of(n);
        struct item *it = (struct item *)(void *)store_table_add(&t, &u, (uint8_t)(n % 3));
        assert_int_equal(it->n, 0);             /* zeroed */
        it->n = n;
        assert_int_equal(t.count, n < MAX ? n + 1 : MAX);
    }
    assert_int_equal(freed, ADDED - MAX);
    assert_int_equal(t.evicted, ADDED - MAX);
    for (uint32_t n = 0; n < ADDED; n++) {
        struct uuid u = id_of(n);
        struct item *it = (struct item *)(void *)store_table_find(&t, &u);
        if (n < ADDED - MAX) {
            assert_null(it);
        } else {
            assert_non_null(it);
            assert_int_equal(it->n, n);
        }
    }
    for (uint32_t k = 0; k < MAX; k++) {
        struct item *it = (struct item *)(void *)store_table_newest(&t, k);
        assert_int_equal(it->n, ADDED - 1 - k);
    }
    assert_null(store_table_newest(&t, MAX));
    uint32_t total = 0;
    for (int s = 0; s < 3; s++) {
        uint32_t listed = 0, last = UINT32_MAX;
        for (struct record *r = store_table_first(&t, (uint8_t)s); r; r = store_table_next(&t, r)) {
            struct item *it = (struct item *)(void *)r;
            assert_int_equal(it->n % 3, (uint32_t)s);
            assert_true(it->n < last);          /* newest first */
            last = it->n;
            listed++;
        }
        assert_int_equal(listed, store_table_count_status(&t, (uint8_t)s));
        total += listed;
    }
    assert_int_equal(total, MAX);
    store_table_free(&t);
    assert_int_equal(freed, ADDED);
}

static void test_store_status_lists(void **state)
{
    struct store_table t;

    (void)state;
    assert_int_equal(store_table_init(&t, sizeof(struct item), 4, true, true, NULL), 0);
    for (uint32_t n = 0; n < 4; n++) {
        struct uuid u = id_of(n);
        ((struct item *)(void *)store_table_add(&t, &u, 0))->n = n;
    }
    struct uuid u1 = id_of(1), u2 = id_of(2);
    store_table_set_status(&t, store_table_find(&t, &u2), 1);
    store_table_set_status(&t, store_table_find(&t, &u1), 1);
    assert_int_equal(store_table_count_status(&t, 0), 2);
    assert_int_equal(store_table_count_status(&t, 1), 2);
    /* the latest to enter a status comes first */
    assert_int_equal(((struct item *)(void *)store_table_first(&t, 1))->n, 1);
    /* eviction of the oldest (n = 0, status 0), then of n = 1 (status 1) */
    struct uuid u4 = id_of(4), u5 = id_of(5);
    store_table_add(&t, &u4, 0);
    store_table_add(&t, &u5, 0);
    assert_int_equal(store_table_count_status(&t, 0), 3);
    assert_int_equal(store_table_count_status(&t, 1), 1);
    assert_int_equal(((struct item *)(void *)store_table_first(&t, 1))->n, 2);
    assert_null(store_table_find(&t, &u1));
    store_table_free(&t);
}

/* --- the delay queue --- */

struct waiter {
    struct delay_item item;
    int fired;
    double fired_at;
};

static struct waiter waiters[1000];
static double last_due;
static int fired_total;
static struct delay_queue *queue;

static void on_fire(struct delay_item *it)
{
    struct waiter *w = (struct waiter *)(void *)it;

    w->fired++;
    w->fired_at = delay_now();
    assert_true(it->due >= last_due);              /* in order of due time */
    assert_true(w->fired_at >= it->due);           /* never early */
    last_due = it->due;
    if (++fired_total == 900)
        ev_break(queue->loop, EVBREAK_ALL);
    if (w == &waiters[0])                           /* a callback may queue more */
        delay_add(queue, &waiters[999].item, 0.001);
}

static void test_delay_queue(void **state)
{
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    struct delay_queue q;
    uint64_t x = 12345;

    (void)state;
    queue = &q;
    last_due = 0;
    fired_total = 0;
    memset(waiters, 0, sizeof waiters);
    assert_int_equal(delay_init(&q, loop, on_fire), 0);
    for (int i = 0; i < 999; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        delay_add(&q, &waiters[i].item, (double)(x >> 40) / (double)(1ULL << 24) * 0.02);
    }
    for (int i = 1; i < 999; i += 10)               /* 100 cancelled */
        delay_cancel(&q, &waiters[i].item);
    delay_cancel(&q, &waiters[1].item);             /* twice is harmless */
    ev_run(loop, 0);
    for (int i = 0; i < 1000; i++) {
        bool cancelled = i % 10 == 1 && i < 999;
        assert_int_equal(waiters[i].fired, cancelled ? 0 : 1);
    }
    assert_int_equal(q.count, 0);
    delay_free(&q);
    ev_loop_destroy(loop);
}

/* --- JSON output and counts --- */

static void test_jsonw(void **state)
{
    struct strbuf b = {0};
    struct uuid u;

    (void)state;
    jsonw_str(&b, "a\"b\\c\n\x01\xc3\xa9", 9);
    assert_string_equal(strbuf_cstr(&b), "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
    b.len = 0;
    jsonw_time(&b, 1700000000.25);
    assert_string_equal(strbuf_cstr(&b), "\"2023-11-14T22:13:20.250000Z\"");
    b.len = 0;
    jsonw_time(&b, 0);
    assert_string_equal(strbuf_cstr(&b), "null");
    assert_int_equal(uuid_parse("7D3C8C1E-2f4b-4c4a-9a51-0d6f0e1f2a3b", 36, &u), 0);
    b.len = 0;
    jsonw_uuid(&b, &u);
    assert_string_equal(strbuf_cstr(&b), "\"7d3c8c1e-2f4b-4c4a-9a51-0d6f0e1f2a3b\"");
    assert_int_equal(uuid_parse("7d3c8c1e-2f4b-4c4a-9a51-0d6f0e1f2a3", 35, &u), -1);
    assert_int_equal(uuid_parse("7d3c8c1e+2f4b-4c4a-9a51-0d6f0e1f2a3b", 36, &u), -1);
    assert_int_equal(uuid_parse("7d3c8c1e-2f4b-4c4a-9a51-0d6f0e1f2a3g", 36, &u), -1);
    assert_true(jsonw_utf8_valid("ascii \xc3\xa9 \xf0\x9f\x98\x80", 13));
    assert_false(jsonw_utf8_valid("\xff", 1));
    assert_false(jsonw_utf8_valid("\xc3", 1));                      /* truncated */
    assert_false(jsonw_utf8_valid("\xc0\xaf", 2));                  /* overlong */
    assert_false(jsonw_utf8_valid("\xed\xa0\x80", 3));              /* surrogate */
    assert_false(jsonw_utf8_valid("\xf4\x90\x80\x80", 4));          /* > U+10FFFF */
    strbuf_free(&b);
}

static void test_served_report(void **state)
{
    struct served *s = calloc(1, sizeof *s);
    struct strbuf b = {0};
    cJSON *root;

    (void)state;
    served_add(s, ROUTE_HEALTH, 200);
    served_add(s, ROUTE_HEALTH, 200);
    served_add(s, ROUTE_DEPLOYMENT_GET, 404);
    served_add(s, ROUTE_OTHER, 431);
    served_add(s, ROUTE_OTHER, 418);                /* outside the table: "other" */
    assert_int_equal(served_get(s, ROUTE_HEALTH, 200), 2);
    assert_int_equal(served_get(s, ROUTE_DEPLOYMENT_GET, 404), 1);
    assert_int_equal(served_get(s, ROUTE_OTHER, 418), 0);
    served_json(s, &b);
    root = cJSON_Parse(strbuf_cstr(&b));
    assert_non_null(root);
    assert_int_equal(cJSON_GetObjectItem(root, "total")->valueint, 5);
    cJSON *statuses = cJSON_GetObjectItem(root, "statuses");
    assert_int_equal(cJSON_GetObjectItem(statuses, "200")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(statuses, "other")->valueint, 1);
    cJSON *routes = cJSON_GetObjectItem(root, "routes");
    assert_int_equal(cJSON_GetArraySize(routes), ROUTE_COUNT);
    cJSON *get = cJSON_GetObjectItem(routes, "deployment_get");
    assert_string_equal(cJSON_GetObjectItem(get, "path")->valuestring,
                        "/api/v1/deployments/{id}/");
    assert_int_equal(cJSON_GetObjectItem(get, "total")->valueint, 1);
    cJSON_Delete(root);
    strbuf_free(&b);
    free(s);
}

/* --- the hornet-target program --- */

struct proc {
    pid_t pid;
    int out, err;               /* read ends of its stdout and stderr */
};

static const char *program(void)
{
    const char *bin = getenv("HORNET_TARGET_BIN");

    return bin && *bin ? bin : "./hornet-target";
}

static void spawn(struct proc *p, const char *const *args)
{
    int out[2], err[2];
    char *argv[16] = {strdup(program())};

    for (int i = 0; args[i]; i++)
        argv[i + 1] = strdup(args[i]);
    assert_int_equal(access(argv[0], X_OK), 0);         /* built by make before the tests */
    assert_int_equal(pipe(out), 0);
    assert_int_equal(pipe(err), 0);
    p->pid = fork();
    assert_true(p->pid >= 0);
    if (p->pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        execv(argv[0], argv);
        _exit(127);
    }
    for (int i = 0; argv[i]; i++)
        free(argv[i]);
    close(out[1]);
    close(err[1]);
    p->out = out[0];
    p->err = err[0];
}

/* Read a pipe to its end (or one line when line is set). */
static char *slurp(int fd, bool line)
{
    size_t n = 0, cap = 4096;
    char *s = malloc(cap);

    for (;;) {
        ssize_t k = read(fd, s + n, line ? 1 : cap - n - 1);
        if (k <= 0)
            break;
        n += (size_t)k;
        if ((line && s[n - 1] == '\n') || n + 1 >= cap) {
            if (line)
                break;
            s = realloc(s, cap *= 2);
        }
    }
    s[n] = '\0';
    return s;
}

static int finish(struct proc *p, char **out, char **err)
{
    int status;

    *out = slurp(p->out, false);
    *err = slurp(p->err, false);
    close(p->out);
    close(p->err);
    assert_int_equal(waitpid(p->pid, &status, 0), p->pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_program_usage(void **state)
{
    static const char *const bogus[] = {"--bogus", NULL}, *const help[] = {"--help", NULL};
    static const char *const version[] = {"--version", NULL};
    static const char *const port[] = {"--port", "x", NULL};
    struct proc p;
    char *out, *err;

    (void)state;
    spawn(&p, bogus);
    assert_int_equal(finish(&p, &out, &err), 2);
    assert_string_equal(err, "hornet-target: unknown option '--bogus' (try --help)\n");
    free(out), free(err);
    spawn(&p, port);
    assert_int_equal(finish(&p, &out, &err), 2);
    assert_non_null(strstr(err, "--port: expected a port number 0..65535, got 'x'"));
    free(out), free(err);
    spawn(&p, help);
    assert_int_equal(finish(&p, &out, &err), 0);
    assert_non_null(strstr(out, "usage: hornet-target [options]"));
    assert_non_null(strstr(out, "--error-rate PLANE=RATE"));
    free(out), free(err);
    spawn(&p, version);
    assert_int_equal(finish(&p, &out, &err), 0);
    assert_int_equal(strncmp(out, "hornet-target ", 14), 0);
    free(out), free(err);
}

static size_t ignore_body(char *p, size_t size, size_t n, void *arg)
{
    (void)p, (void)arg;
    return size * n;
}

static long get(CURL *c, int port, const char *path)
{
    char url[128];
    long status = 0;

    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ignore_body);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

static void test_ipv6_loopback(void **state)
{
    struct target_config c;
    struct target *t;
    char err[200], url[128];
    CURL *curl = curl_easy_init();
    long status = 0;

    (void)state;
    target_config_defaults(&c);
    c.port = 0;
    c.listen_addr = "::1";
    t = target_start(&c, err, sizeof err);
    if (!t)
        fail_msg("%s", err);
    snprintf(url, sizeof url, "http://[::1]:%d/api/v1/health/", target_port(t));
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, ignore_body);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    assert_int_equal(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    assert_int_equal(status, 200);
    assert_int_equal(target_count(t, ROUTE_HEALTH, 200), 1);
    curl_easy_cleanup(curl);
    target_stop(t);
}

static void test_program_serves_and_reports(void **state)
{
    static const char *const args[] = {"--port", "0", "--quiet", "--no-latency", NULL};
    struct proc p, busy;
    char *line, *out, *err, port_text[16];
    const char *busy_args[4] = {"--port", NULL, "--quiet", NULL};
    int port = 0;
    CURL *c = curl_easy_init();

    (void)state;
    spawn(&p, args);
    line = slurp(p.out, true);
    assert_int_equal(sscanf(line, "hornet-target listening on http://127.0.0.1:%d/", &port), 1);
    free(line);
    for (int i = 0; i < 3; i++)
        assert_int_equal(get(c, port, "/api/v1/health/"), 200);
    assert_int_equal(get(c, port, "/nope/"), 404);
    assert_int_equal(get(c, port, "/api/v1/connectors/"), 401);
    curl_easy_cleanup(c);
    /* a second server on the same port fails with exit status 1 */
    snprintf(port_text, sizeof port_text, "%d", port);
    busy_args[1] = port_text;
    spawn(&busy, busy_args);
    assert_int_equal(finish(&busy, &out, &err), 1);
    assert_non_null(strstr(err, "Address already in use"));
    free(out), free(err);
    kill(p.pid, SIGTERM);
    assert_int_equal(finish(&p, &out, &err), 0);
    assert_non_null(strstr(err, "stopped (SIGTERM)"));
    assert_non_null(strstr(err, "health             GET    /api/v1/health/"));
    assert_non_null(strstr(err, "200            3\n"));
    assert_non_null(strstr(err, "connector_list"));
    assert_non_null(strstr(err, "\ntotal "));
    assert_non_null(strstr(err, " 5\n"));
    free(out), free(err);
}

/* --- accept pauses --- */

/* One line per episode of failed accepts, at most one per 10 s; the lines count the episodes
 * they left out. */
static void test_accept_pause_log_rule(void **state)
{
    struct accept_pause p = {0};

    (void)state;
    assert_true(server_pause_begin(&p, 100.0));         /* an episode begins: logged */
    assert_false(server_pause_begin(&p, 100.1));        /* its retries are not */
    assert_false(server_pause_begin(&p, 100.2));
    server_pause_end(&p);                               /* a connection was accepted */
    assert_false(server_pause_begin(&p, 100.3));        /* a new episode within 10 s */
    assert_int_equal(p.unlogged, 1);
    server_pause_end(&p);
    assert_false(server_pause_begin(&p, 109.9));
    assert_int_equal(p.unlogged, 2);
    server_pause_end(&p);
    assert_true(server_pause_begin(&p, 110.0));         /* 10 s after the last line */
    assert_int_equal(p.pauses, 6);
    assert_true(p.paused);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_latency_argument),
        cmocka_unit_test(test_error_rate_argument),
        cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_command_line_errors),
        cmocka_unit_test(test_config_check),
        cmocka_unit_test(test_start_errors),
        cmocka_unit_test(test_store_ring_and_index),
        cmocka_unit_test(test_store_status_lists),
        cmocka_unit_test(test_delay_queue),
        cmocka_unit_test(test_accept_pause_log_rule),
        cmocka_unit_test(test_jsonw),
        cmocka_unit_test(test_served_report),
        cmocka_unit_test(test_ipv6_loopback),
        cmocka_unit_test(test_program_usage),
        cmocka_unit_test(test_program_serves_and_reports),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
