/* Tests of the command line, environment and config file parser (options.c): every option in
 * every form, precedence between the sources, config file syntax, every refusal message,
 * did-you-mean, durations, positional arguments and --help. Runs in a fresh temporary
 * directory (config files are written there; ./hornet.conf is removed before each test). */
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
#include "options.h"
#include "options_internal.h"

#define MAX_ARGS 32

static char tmpdir[] = "/tmp/hornet-test-options.XXXXXX";
static char olddir[4096];
static char errbuf[512];

/* Copies of the arguments, since options_parse takes char ** (as main's argv). */
struct vec {
    char *items[MAX_ARGS + 2];
    int n;
};

static void vec_fill(struct vec *v, const char *first, const char *const *rest)
{
    v->n = 0;
    if (first)
        v->items[v->n++] = strdup(first);
    for (; rest && *rest; rest++) {
        assert_true(v->n < MAX_ARGS);
        v->items[v->n++] = strdup(*rest);
    }
    v->items[v->n] = NULL;
}

static void vec_free(struct vec *v)
{
    for (int i = 0; i < v->n; i++)
        free(v->items[i]);
    v->n = 0;
}

/* Parse "hornet ARGS..." with environment ENV; returns options_parse's result. */
static int parse_with(struct options *o, const char *const *env, const char *const *args)
{
    struct vec argv, envv;
    int rc;

    vec_fill(&argv, "hornet", args);
    vec_fill(&envv, NULL, env);
    errbuf[0] = '\0';
    rc = options_parse(o, argv.n, argv.items, envv.items, errbuf, sizeof errbuf);
    vec_free(&argv);
    vec_free(&envv);
    return rc;
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOENV ((const char *const[]){NULL})

static void parse_ok(struct options *o, const char *const *env, const char *const *args)
{
    if (parse_with(o, env, args) != 0)
        fail_msg("unexpected error: %s", errbuf);
}

static void parse_fails(const char *const *env, const char *const *args, const char *expected)
{
    struct options o;

    if (parse_with(&o, env, args) != -1)
        fail_msg("parsed: %s", args[1]);
    assert_string_equal(errbuf, expected);
    assert_null(o.scenario);        /* nothing left allocated on error */
    assert_null(o.loglevel);
    options_free(&o);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void assert_near(double got, double want)
{
    if (fabs(got - want) > 1e-9)
        fail_msg("got %.17g, want %.17g", got, want);
}

static void assert_list(char **items, size_t n, const char *const *want)
{
    size_t i = 0;

    for (; want[i]; i++) {
        assert_true(i < n);
        assert_string_equal(items[i], want[i]);
    }
    assert_int_equal(n, i);
}

/* ---- defaults ----------------------------------------------------------------------------- */

static void test_defaults(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, NOENV, ARGS("x.json"));
    assert_string_equal(o.scenario, "x.json");
    assert_null(o.host);
    assert_false(o.host_set);
    assert_int_equal(o.users, 1);
    assert_false(o.users_set);
    assert_near(o.spawn_rate, 1);
    assert_false(o.spawn_rate_set);
    assert_near(o.run_time, 0);
    assert_false(o.run_time_set);
    assert_false(o.headless || o.ascii || o.csv_full_history || o.print_stats || o.only_summary
                 || o.reset_stats || o.no_targets || o.failures_seen_columns || o.version
                 || o.help || o.seed_set);
    assert_null(o.csv_prefix);
    assert_near(o.stop_timeout, 0);
    assert_int_equal(o.exit_code_on_error, 1);
    assert_int_equal(o.n_tags + o.n_exclude_tags + o.n_classes, 0);
    assert_string_equal(o.loglevel, "INFO");
    assert_null(o.logfile);
    assert_null(o.config);
    assert_int_equal(o.threads, 0);
    assert_int_equal(o.debug_requests, 50);
    assert_null(o.report_md);
    assert_null(o.report_html);
    options_free(&o);
    options_free(&o);   /* twice is safe */
}

/* ---- every value option in every form ----------------------------------------------------- */

struct value_case {
    const char *name;       /* long name */
    char short_name;
    const char *value;
    void (*check)(const struct options *o);
};

static void check_scenario(const struct options *o)
{
    assert_string_equal(o->scenario, "s.json");
}

static void check_host(const struct options *o)
{
    assert_true(o->host_set);
    assert_string_equal(o->host, "https://api.example.com:8443/base");
}

static void check_users(const struct options *o)
{
    assert_true(o->users_set);
    assert_int_equal(o->users, 4294967295u);
}

static void check_spawn_rate(const struct options *o)
{
    assert_true(o->spawn_rate_set);
    assert_near(o->spawn_rate, 2.5);
}

static void check_arrival_rate(const struct options *o)
{
    assert_true(o->arrival_rate_set);
    assert_near(o->arrival_rate, 1000.5);
}

static void check_max_users(const struct options *o)
{
    assert_true(o->max_users_set);
    assert_int_equal(o->max_users, 2000);
}

static void check_run_time(const struct options *o)
{
    assert_true(o->run_time_set);
    assert_near(o->run_time, 4830);
}

static void check_stop_timeout(const struct options *o)
{
    assert_near(o->stop_timeout, 90);
}

static void check_exit_code(const struct options *o)
{
    assert_int_equal(o->exit_code_on_error, 0);
}

static void check_tags(const struct options *o)
{
    assert_list(o->tags, o->n_tags, ARGS("create", "read"));
}

static void check_exclude(const struct options *o)
{
    assert_list(o->exclude_tags, o->n_exclude_tags, ARGS("slow"));
}

static void check_csv(const struct options *o)
{
    assert_string_equal(o->csv_prefix, "out/run");
}

static void check_report(const struct options *o)
{
    assert_string_equal(o->report_md, "out/r.md");
}

static void check_html(const struct options *o)
{
    assert_string_equal(o->report_html, "out/r.html");
}

static void check_loglevel(const struct options *o)
{
    assert_string_equal(o->loglevel, "WARNING");
}

static void check_logfile(const struct options *o)
{
    assert_string_equal(o->logfile, "hornet.log");
}

static void check_threads(const struct options *o)
{
    assert_int_equal(o->threads, 1024);
}

static void check_debug_requests(const struct options *o)
{
    assert_int_equal(o->debug_requests, 10000);
}

static void check_seed(const struct options *o)
{
    assert_true(o->seed_set);
    assert_true(o->seed == UINT64_MAX);
}

static const struct value_case VALUE_CASES[] = {
    {"scenario", 'f', "s.json", check_scenario},
    {"locustfile", 'f', "s.json", check_scenario},
    {"host", 'H', "https://api.example.com:8443/base", check_host},
    {"users", 'u', "4294967295", check_users},
    {"spawn-rate", 'r', "2.5", check_spawn_rate},
    {"arrival-rate", 0, "1000.5", check_arrival_rate},
    {"max-users", 0, "2000", check_max_users},
    {"run-time", 't', "1h20m30s", check_run_time},
    {"stop-timeout", 's', "1m30s", check_stop_timeout},
    {"exit-code-on-error", 0, "0", check_exit_code},
    {"tags", 'T', "create,read", check_tags},
    {"exclude-tags", 'E', "slow", check_exclude},
    {"csv", 0, "out/run", check_csv},
    {"report", 0, "out/r.md", check_report},
    {"html", 0, "out/r.html", check_html},
    {"loglevel", 'L', "warning", check_loglevel},
    {"logfile", 0, "hornet.log", check_logfile},
    {"threads", 0, "1024", check_threads},
    {"debug-requests", 0, "10000", check_debug_requests},
    {"seed", 0, "18446744073709551615", check_seed},
};

static bool is_scenario(const struct value_case *c)
{
    return c->short_name == 'f';
}

/* Parse the argument list `form` (plus a positional scenario unless the option is it). */
static void value_form(const struct value_case *c, const char *const *env,
                       const char *a0, const char *a1)
{
    const char *args[4] = {NULL, NULL, NULL, NULL};
    struct options o;
    int n = 0;

    if (a0)
        args[n++] = a0;
    if (a1)
        args[n++] = a1;
    if (!is_scenario(c))
        args[n++] = "x.json";
    parse_ok(&o, env, args);
    c->check(&o);
    options_free(&o);
}

static void env_name(char *buf, size_t n, const char *name, const char *value)
{
    size_t i = (size_t)snprintf(buf, n, "HORNET_");

    for (; *name && i + 1 < n; name++)
        buf[i++] = *name == '-' ? '_' : (char)(*name - 'a' + 'A');
    snprintf(buf + i, n - i, "=%s", value);
}

static void test_value_options_every_form(void **state)
{
    char a[256], b[256], env[256], conf[256];

    (void)state;
    for (size_t i = 0; i < sizeof VALUE_CASES / sizeof VALUE_CASES[0]; i++) {
        const struct value_case *c = &VALUE_CASES[i];

        snprintf(a, sizeof a, "--%s", c->name);
        value_form(c, NOENV, a, c->value);                      /* --name value */
        snprintf(a, sizeof a, "--%s=%s", c->name, c->value);
        value_form(c, NOENV, a, NULL);                          /* --name=value */
        if (c->short_name) {
            snprintf(a, sizeof a, "-%c", c->short_name);
            value_form(c, NOENV, a, c->value);                  /* -x value */
            snprintf(b, sizeof b, "-%c%s", c->short_name, c->value);
            value_form(c, NOENV, b, NULL);                      /* -xvalue */
            snprintf(b, sizeof b, "-%c=%s", c->short_name, c->value);
            value_form(c, NOENV, b, NULL);                      /* -x=value */
        }
        env_name(env, sizeof env, c->name, c->value);
        value_form(c, ARGS(env), NULL, NULL);                   /* HORNET_NAME=value */
        snprintf(conf, sizeof conf, "%s = %s\n", c->name, c->value);
        write_file("form.conf", conf);
        value_form(c, NOENV, "--config", "form.conf");          /* name = value */
    }
}

/* ---- every flag in every form ------------------------------------------------------------- */

struct flag_case {
    const char *name;
    size_t field;
};

static const struct flag_case FLAG_CASES[] = {
    {"headless", offsetof(struct options, headless)},
    {"ascii", offsetof(struct options, ascii)},
    {"csv-full-history", offsetof(struct options, csv_full_history)},
    {"csv-failures-seen", offsetof(struct options, failures_seen_columns)},
    {"print-stats", offsetof(struct options, print_stats)},
    {"only-summary", offsetof(struct options, only_summary)},
    {"reset-stats", offsetof(struct options, reset_stats)},
    {"no-targets", offsetof(struct options, no_targets)},
};

static bool flag_of(const struct options *o, const struct flag_case *c)
{
    return *(const bool *)(const void *)((const char *)o + c->field);
}

/* Parse [a0] with env and --csv p (the CSV flags need it) and return the flag's value. */
static bool flag_form(const struct flag_case *c, const char *const *env, const char *a0,
                      const char *a1)
{
    const char *args[6] = {"--csv", "p", "x.json", a0, a1, NULL};
    struct options o;
    bool v;

    parse_ok(&o, env, args);
    v = flag_of(&o, c);
    options_free(&o);
    return v;
}

static void test_flags_every_form(void **state)
{
    static const char *const yes[] = {"true", "yes", "1", "on", "TRUE", "Yes", "ON"};
    static const char *const no[] = {"false", "no", "0", "off", "False", "NO", "Off"};
    char a[128], env[128], conf[128];

    (void)state;
    for (size_t i = 0; i < sizeof FLAG_CASES / sizeof FLAG_CASES[0]; i++) {
        const struct flag_case *c = &FLAG_CASES[i];

        assert_false(flag_form(c, NOENV, NULL, NULL));
        snprintf(a, sizeof a, "--%s", c->name);
        assert_true(flag_form(c, NOENV, a, NULL));
        for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
            snprintf(a, sizeof a, "--%s=%s", c->name, yes[k]);
            assert_true(flag_form(c, NOENV, a, NULL));
            snprintf(a, sizeof a, "--%s=%s", c->name, no[k]);
            assert_false(flag_form(c, NOENV, a, NULL));
            env_name(env, sizeof env, c->name, yes[k]);
            assert_true(flag_form(c, ARGS(env), NULL, NULL));
            env_name(env, sizeof env, c->name, no[k]);
            assert_false(flag_form(c, ARGS(env), NULL, NULL));
        }
        snprintf(conf, sizeof conf, "%s\n", c->name);           /* bare key: true */
        write_file("flag.conf", conf);
        assert_true(flag_form(c, NOENV, "--config", "flag.conf"));
        snprintf(conf, sizeof conf, "%s = on\n", c->name);
        write_file("flag.conf", conf);
        assert_true(flag_form(c, NOENV, "--config", "flag.conf"));
        snprintf(a, sizeof a, "--%s=false", c->name);           /* command line turns it off */
        env_name(env, sizeof env, c->name, "yes");
        assert_false(flag_form(c, ARGS(env), "--config=flag.conf", a));
    }
}

static void test_short_attached_and_mixed(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, NOENV, ARGS("-u50", "-r", "0.5", "-t20", "-Hhttp://127.0.0.1:8000",
                             "-Ta,b", "-T", "c", "-Lerror", "-s0", "x.json"));
    assert_int_equal(o.users, 50);
    assert_near(o.spawn_rate, 0.5);
    assert_near(o.run_time, 20);
    assert_string_equal(o.host, "http://127.0.0.1:8000");
    assert_list(o.tags, o.n_tags, ARGS("a", "b", "c"));
    assert_string_equal(o.loglevel, "ERROR");
    assert_near(o.stop_timeout, 0);
    options_free(&o);
}

static void test_last_value_wins_on_the_command_line(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, NOENV, ARGS("-u", "5", "--users=7", "-t", "1m", "--run-time", "2m", "x.json"));
    assert_int_equal(o.users, 7);
    assert_near(o.run_time, 120);
    options_free(&o);
}

static void test_unique_prefix(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, NOENV, ARGS("--user", "9", "--head", "--spawn", "3", "--exclude-tag", "x",
                             "x.json"));
    assert_int_equal(o.users, 9);
    assert_true(o.headless);
    assert_near(o.spawn_rate, 3);
    assert_list(o.exclude_tags, o.n_exclude_tags, ARGS("x"));
    options_free(&o);
    parse_fails(NOENV, ARGS("--csv-f", "x.json"),
                "hornet: ambiguous option '--csv-f' (could be --csv-full-history, "
                "--csv-failures-seen)");
    parse_fails(NOENV, ARGS("--he", "x.json"),
                "hornet: ambiguous option '--he' (could be --help, --headless)");
}

/* ---- tags and positional arguments -------------------------------------------------------- */

static void test_tags_repeated_and_comma_lists(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, NOENV, ARGS("-T", "a", "--tags", "b, c", "-T", "d,", "-E", "x", "-E", "y,z",
                             "x.json"));
    assert_list(o.tags, o.n_tags, ARGS("a", "b", "c", "d"));
    assert_list(o.exclude_tags, o.n_exclude_tags, ARGS("x", "y", "z"));
    options_free(&o);
    /* Locust's nargs form "-T a b" would swallow positionals: b is a user class here. */
    parse_ok(&o, NOENV, ARGS("x.json", "-T", "a", "b"));
    assert_list(o.tags, o.n_tags, ARGS("a"));
    assert_list(o.classes, o.n_classes, ARGS("b"));
    options_free(&o);
}

static void test_positional_classes(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, NOENV, ARGS("x.json", "DeploymentUser", "ApproverUser"));
    assert_string_equal(o.scenario, "x.json");
    assert_list(o.classes, o.n_classes, ARGS("DeploymentUser", "ApproverUser"));
    options_free(&o);

    parse_ok(&o, NOENV, ARGS("A", "-f", "x.json", "B"));       /* -f: all are classes */
    assert_string_equal(o.scenario, "x.json");
    assert_list(o.classes, o.n_classes, ARGS("A", "B"));
    options_free(&o);

    parse_ok(&o, ARGS("HORNET_SCENARIO=env.json"), ARGS("A"));  /* scenario from env */
    assert_string_equal(o.scenario, "env.json");
    assert_list(o.classes, o.n_classes, ARGS("A"));
    options_free(&o);

    parse_ok(&o, ARGS("HORNET_SCENARIO=env.json"), ARGS("dir/y", "A"));  /* a path wins */
    assert_string_equal(o.scenario, "dir/y");
    assert_list(o.classes, o.n_classes, ARGS("A"));
    options_free(&o);

    parse_ok(&o, NOENV, ARGS("-u", "2", "--", "-odd.json", "-C"));  /* "--" ends options */
    assert_string_equal(o.scenario, "-odd.json");
    assert_list(o.classes, o.n_classes, ARGS("-C"));
    options_free(&o);
}

static void test_classes_from_env_and_config(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, ARGS("HORNET_USER_CLASSES=A B,C"), ARGS("x.json"));
    assert_list(o.classes, o.n_classes, ARGS("A", "B", "C"));
    options_free(&o);
    write_file("cls.conf", "user-classes = [A, B]\n");
    parse_ok(&o, NOENV, ARGS("--config", "cls.conf", "x.json"));
    assert_list(o.classes, o.n_classes, ARGS("A", "B"));
    options_free(&o);
    parse_ok(&o, ARGS("HORNET_USER_CLASSES=A B"), ARGS("--config", "cls.conf", "x.json", "Z"));
    assert_list(o.classes, o.n_classes, ARGS("Z"));              /* command line replaces */
    options_free(&o);
}

/* ---- precedence --------------------------------------------------------------------------- */

static void test_precedence_users_and_run_time(void **state)
{
    const char *const env[] = {"HORNET_USERS=20", "HORNET_RUN_TIME=2m", NULL};
    struct options o;

    (void)state;
    write_file("p.conf", "users = 10\nrun-time = 1m\nspawn-rate = 4\n");
    parse_ok(&o, env, ARGS("--config", "p.conf", "-u", "30", "-t", "3m", "x.json"));
    assert_int_equal(o.users, 30);                              /* command line */
    assert_near(o.run_time, 180);
    assert_near(o.spawn_rate, 4);                               /* config only */
    assert_true(o.users_set && o.run_time_set && o.spawn_rate_set);
    options_free(&o);
    parse_ok(&o, env, ARGS("--config", "p.conf", "x.json"));
    assert_int_equal(o.users, 20);                              /* environment */
    assert_near(o.run_time, 120);
    options_free(&o);
    parse_ok(&o, NOENV, ARGS("--config", "p.conf", "x.json"));
    assert_int_equal(o.users, 10);                              /* config file */
    assert_near(o.run_time, 60);
    assert_true(o.users_set && o.run_time_set);
    options_free(&o);
}

static void test_precedence_host_tags_headless(void **state)
{
    const char *const env[] = {"HORNET_HOST=http://env:2", "HORNET_TAGS=c", NULL};
    struct options o;

    (void)state;
    write_file("q.conf", "host = http://conf:1\ntags = [a, b]\nheadless = true\n");
    parse_ok(&o, NOENV, ARGS("--config", "q.conf", "x.json"));
    assert_string_equal(o.host, "http://conf:1");
    assert_list(o.tags, o.n_tags, ARGS("a", "b"));
    assert_true(o.headless && o.host_set);
    options_free(&o);
    parse_ok(&o, env, ARGS("--config", "q.conf", "x.json"));
    assert_string_equal(o.host, "http://env:2");
    assert_list(o.tags, o.n_tags, ARGS("c"));                  /* replaced, not merged */
    options_free(&o);
    parse_ok(&o, env, ARGS("--config", "q.conf", "-H", "http://cli:3", "-T", "d", "-T", "e",
                           "--headless=no", "x.json"));
    assert_string_equal(o.host, "http://cli:3");
    assert_list(o.tags, o.n_tags, ARGS("d", "e"));
    assert_false(o.headless);
    options_free(&o);
}

static void test_config_file_selection(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, NOENV, ARGS("x.json"));
    assert_null(o.config);                                      /* none present */
    options_free(&o);
    write_file(OPTIONS_DEFAULT_CONFIG, "users = 11\n");
    write_file("other.conf", "users = 12\n");
    parse_ok(&o, NOENV, ARGS("x.json"));
    assert_int_equal(o.users, 11);
    assert_string_equal(o.config, OPTIONS_DEFAULT_CONFIG);
    options_free(&o);
    parse_ok(&o, ARGS("HORNET_CONFIG=other.conf"), ARGS("x.json"));
    assert_int_equal(o.users, 12);
    assert_string_equal(o.config, "other.conf");
    options_free(&o);
    write_file("third.conf", "users = 13\n");
    parse_ok(&o, ARGS("HORNET_CONFIG=other.conf"), ARGS("--config=third.conf", "x.json"));
    assert_int_equal(o.users, 13);
    assert_string_equal(o.config, "third.conf");
    options_free(&o);
}

static void test_environment_ignored_variables(void **state)
{
    const char *const env[] = {"HORNET_PASSWORD=secret", "HORNET_USERZ=5", "HORNET_VERSION=1.2",
                               "HORNET_HELP=x", "HORNET_USERS=", "HORNET_RUN_TIME=  ",
                               "HORNET=1", "HORNETX_USERS=9", "LOCUST_USERS=8", "PATH=/bin",
                               NULL};
    struct options o;

    (void)state;
    write_file("e.conf", "users = 10\n");
    parse_ok(&o, env, ARGS("--config", "e.conf", "x.json"));
    assert_int_equal(o.users, 10);              /* the empty HORNET_USERS did not override */
    assert_false(o.run_time_set || o.version || o.help);
    options_free(&o);
    parse_ok(&o, ARGS("HORNET_USERS= 14 "), ARGS("x.json"));   /* values are trimmed */
    assert_int_equal(o.users, 14);
    options_free(&o);
}

/* ---- config file syntax ------------------------------------------------------------------- */

static void test_config_file_syntax(void **state)
{
    struct options o;

    (void)state;
    write_file("s.conf",
               "# a comment\n"
               "; another comment\n"
               "\n"
               "[hornet]\n"
               "   users = 100   # inline comment\n"
               "spawn_rate: 10\n"
               "run-time=10m ; inline\n"
               "headless = yes\n"
               "tags = [Critical, 'Normal', \"x y\"]\n"
               "exclude-tags = slow, flaky\n"
               "host = \"http://h:1/#anchor\"\n"
               "csv = 'out/run'\n"
               "reset-stats\n"
               "loglevel = debug\n"
               "scenario = conf.json\n");
    parse_ok(&o, NOENV, ARGS("--config", "s.conf"));
    assert_int_equal(o.users, 100);
    assert_near(o.spawn_rate, 10);
    assert_near(o.run_time, 600);
    assert_true(o.headless && o.reset_stats);
    assert_list(o.tags, o.n_tags, ARGS("Critical", "Normal", "x y"));
    assert_list(o.exclude_tags, o.n_exclude_tags, ARGS("slow", "flaky"));
    assert_string_equal(o.host, "http://h:1/#anchor");
    assert_string_equal(o.csv_prefix, "out/run");
    assert_string_equal(o.loglevel, "DEBUG");
    assert_string_equal(o.scenario, "conf.json");
    options_free(&o);
}

static void test_config_file_errors(void **state)
{
    (void)state;
    write_file("b1.conf", "# c\n\nusers = 1\nuserz = 3\n");
    parse_fails(NOENV, ARGS("--config", "b1.conf", "x.json"),
                "hornet: b1.conf:4: unknown option 'userz' (did you mean users?)");
    write_file("b2.conf", "users = -5\n");
    parse_fails(NOENV, ARGS("--config", "b2.conf", "x.json"),
                "hornet: b2.conf:1: users: expected a whole number >= 0, got '-5'");
    write_file("b3.conf", "; c\nconfig = other.conf\n");
    parse_fails(NOENV, ARGS("--config", "b3.conf", "x.json"),
                "hornet: b3.conf:2: config: cannot be set in a config file");
    write_file("b4.conf", "users\n");
    parse_fails(NOENV, ARGS("--config", "b4.conf", "x.json"),
                "hornet: b4.conf:1: users: expected a value");
    write_file("b5.conf", "\n\n= 5\n");
    parse_fails(NOENV, ARGS("--config", "b5.conf", "x.json"),
                "hornet: b5.conf:3: expected 'key = value', got '= 5'");
    write_file("b6.conf", "headless = maybe\n");
    parse_fails(NOENV, ARGS("--config", "b6.conf", "x.json"),
                "hornet: b6.conf:1: headless: expected true or false (or yes/no, on/off, 1/0), "
                "got 'maybe'");
    write_file("b7.conf", "frobnicate = 1\n");
    parse_fails(NOENV, ARGS("--config", "b7.conf", "x.json"),
                "hornet: b7.conf:1: unknown option 'frobnicate' (see hornet --help)");
    write_file("b8.conf", "help = true\n");
    parse_fails(NOENV, ARGS("--config", "b8.conf", "x.json"),
                "hornet: b8.conf:1: help: cannot be set in a config file");
    write_file(OPTIONS_DEFAULT_CONFIG, "run-time = 0\n");
    parse_fails(NOENV, ARGS("x.json"),
                "hornet: hornet.conf:1: run-time: expected a duration like 20s, 3m or 1h30m, "
                "got '0'");
    parse_fails(NOENV, ARGS("--config", "missing.conf", "x.json"),
                "hornet: --config: cannot read 'missing.conf': No such file or directory");
    parse_fails(ARGS("HORNET_CONFIG=gone.conf"), ARGS("x.json"),
                "hornet: HORNET_CONFIG: cannot read 'gone.conf': No such file or directory");
    parse_fails(NOENV, ARGS("--config", ".", "x.json"),
                "hornet: --config: cannot read '.': Is a directory");
}

/* A config file is a regular text file of at most 1 MB: a device (/dev/zero grows without
 * bound), a FIFO (blocks forever), a binary file and a huge one are refused at once. */
static void test_config_file_bounds(void **state)
{
    FILE *f;

    (void)state;
    parse_fails(NOENV, ARGS("--config", "/dev/zero", "x.json"),
                "hornet: --config: cannot read '/dev/zero': not a regular file (a device)");
    parse_fails(ARGS("HORNET_CONFIG=/dev/zero"), ARGS("x.json"),
                "hornet: HORNET_CONFIG: cannot read '/dev/zero': not a regular file (a device)");
    unlink("fifo.conf");
    assert_int_equal(mkfifo("fifo.conf", 0600), 0);
    parse_fails(NOENV, ARGS("--config", "fifo.conf", "x.json"),
                "hornet: --config: cannot read 'fifo.conf': not a regular file (a FIFO)");
    unlink("fifo.conf");
    assert_non_null(f = fopen("bin.conf", "wb"));
    fwrite("users = 1\n\x7f" "ELF\x02\x01\0\0\x1b[2J", 1, 20, f);
    fclose(f);
    parse_fails(NOENV, ARGS("--config", "bin.conf", "x.json"),
                "hornet: bin.conf:2: not a text file (a NUL byte)");
    assert_non_null(f = fopen("huge.conf", "w"));
    for (size_t i = 0; i <= OPTIONS_CONFIG_MAX / 16; i++)
        fputs("# padding lines\n", f);     /* 16 bytes */
    fclose(f);
    parse_fails(NOENV, ARGS("--config", "huge.conf", "x.json"),
                "hornet: --config: cannot read 'huge.conf': larger than 1 MB");
}

/* ---- refusals ----------------------------------------------------------------------------- */

static void test_refusals_command_line(void **state)
{
    (void)state;
    parse_fails(NOENV, ARGS("-u", "-5", "x.json"),
                "hornet: -u/--users: expected a whole number >= 0, got '-5'");
    parse_fails(NOENV, ARGS("--users=abc", "x.json"),
                "hornet: -u/--users: expected a whole number >= 0, got 'abc'");
    parse_fails(NOENV, ARGS("--users=", "x.json"),
                "hornet: -u/--users: expected a whole number >= 0, got ''");
    parse_fails(NOENV, ARGS("-u", "4294967296", "x.json"),
                "hornet: -u/--users: expected a whole number from 0 to 4294967295, "
                "got '4294967296'");
    parse_fails(NOENV, ARGS("-t", "0", "x.json"),
                "hornet: -t/--run-time: expected a duration like 20s, 3m or 1h30m, got '0'");
    parse_fails(NOENV, ARGS("-t", "5x", "x.json"),
                "hornet: -t/--run-time: expected a duration like 20s, 3m or 1h30m, got '5x'");
    parse_fails(NOENV, ARGS("-r", "0", "x.json"),
                "hornet: -r/--spawn-rate: must be greater than 0, got '0'");
    parse_fails(NOENV, ARGS("-r", "-2", "x.json"),
                "hornet: -r/--spawn-rate: must be greater than 0, got '-2'");
    parse_fails(NOENV, ARGS("-r", "fast", "x.json"),
                "hornet: -r/--spawn-rate: expected users per second like 10 or 0.5, "
                "got 'fast'");
    parse_fails(NOENV, ARGS("--arrival-rate", "-5", "x.json"),
                "hornet: --arrival-rate: expected iterations per second from 0 to 1000000 like "
                "200 or 0.5, got '-5'");
    parse_fails(NOENV, ARGS("--arrival-rate", "2e6", "x.json"),
                "hornet: --arrival-rate: expected iterations per second from 0 to 1000000 like "
                "200 or 0.5, got '2e6'");
    parse_fails(NOENV, ARGS("--max-users", "0", "x.json"),
                "hornet: --max-users: expected a whole number from 1 to 1000000, got '0'");
    parse_fails(NOENV, ARGS("-H", "localhost:8000", "x.json"),
                "hornet: -H/--host: expected a URL like http://localhost:8000, "
                "got 'localhost:8000'");
    parse_fails(NOENV, ARGS("-H", "http://", "x.json"),
                "hornet: -H/--host: expected a URL like http://localhost:8000, got 'http://'");
    parse_fails(NOENV, ARGS("-s", "-1", "x.json"),
                "hornet: -s/--stop-timeout: expected seconds or a duration like 30s or 1m30s, "
                "got '-1'");
    parse_fails(NOENV, ARGS("--exit-code-on-error", "256", "x.json"),
                "hornet: --exit-code-on-error: expected a whole number from 0 to 255, "
                "got '256'");
    parse_fails(NOENV, ARGS("--exit-code-on-error", "x", "x.json"),
                "hornet: --exit-code-on-error: expected a whole number from 0 to 255, got 'x'");
    parse_fails(NOENV, ARGS("-L", "verbose", "x.json"),
                "hornet: -L/--loglevel: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, "
                "got 'verbose'");
}

static void test_refusals_command_line_more(void **state)
{
    (void)state;
    parse_fails(NOENV, ARGS("--threads", "0", "x.json"),
                "hornet: --threads: expected a whole number >= 1, got '0'");
    parse_fails(NOENV, ARGS("--threads", "1025", "x.json"),
                "hornet: --threads: expected a whole number from 1 to 1024, got '1025'");
    parse_fails(NOENV, ARGS("--debug-requests", "10001", "x.json"),
                "hornet: --debug-requests: expected a whole number from 0 to 10000, got '10001'");
    parse_fails(NOENV, ARGS("--debug-requests", "-1", "x.json"),
                "hornet: --debug-requests: expected a whole number from 0 to 10000, got '-1'");
    parse_fails(NOENV, ARGS("--seed", "-1", "x.json"),
                "hornet: --seed: expected a whole number >= 0, got '-1'");
    parse_fails(NOENV, ARGS("--seed", "18446744073709551616", "x.json"),
                "hornet: --seed: expected a whole number from 0 to 18446744073709551615, "
                "got '18446744073709551616'");
    parse_fails(NOENV, ARGS("--headless=maybe", "x.json"),
                "hornet: --headless: expected true or false (or yes/no, on/off, 1/0), "
                "got 'maybe'");
    parse_fails(NOENV, ARGS("-T", ",", "x.json"),
                "hornet: -T/--tags: expected one or more tag names, got ','");
    parse_fails(NOENV, ARGS("-E", "", "x.json"),
                "hornet: -E/--exclude-tags: expected one or more tag names, got ''");
    parse_fails(NOENV, ARGS("--csv", "", "x.json"), "hornet: --csv: expected a file name, got ''");
    parse_fails(NOENV, ARGS("-f", ""), "hornet: -f/--scenario: expected a file name, got ''");
    parse_fails(NOENV, ARGS("x.json", "-u"), "hornet: -u/--users: expected a value");
    parse_fails(NOENV, ARGS("-H", "--headless", "x.json"), "hornet: -H/--host: expected a value");
    parse_fails(NOENV, ARGS("--csv-full-history", "x.json"),
                "hornet: '--csv-full-history' requires '--csv'.");
    parse_fails(NOENV, ARGS("--csv-failures-seen", "x.json"),
                "hornet: '--csv-failures-seen' requires '--csv'.");
    parse_fails(NOENV, ARGS("-u", "3"),
                "hornet: no scenario file given (usage: hornet [options] SCENARIO.json "
                "[UserClass ...]; see hornet --help)");
}

static void test_refusals_environment(void **state)
{
    (void)state;
    parse_fails(ARGS("HORNET_USERS=-1"), ARGS("x.json"),
                "hornet: HORNET_USERS: expected a whole number >= 0, got '-1'");
    parse_fails(ARGS("HORNET_RUN_TIME=0"), ARGS("x.json"),
                "hornet: HORNET_RUN_TIME: expected a duration like 20s, 3m or 1h30m, got '0'");
    parse_fails(ARGS("HORNET_SPAWN_RATE=0"), ARGS("x.json"),
                "hornet: HORNET_SPAWN_RATE: must be greater than 0, got '0'");
    parse_fails(ARGS("HORNET_HEADLESS=perhaps"), ARGS("x.json"),
                "hornet: HORNET_HEADLESS: expected true or false (or yes/no, on/off, 1/0), "
                "got 'perhaps'");
    parse_fails(ARGS("HORNET_CSV_FULL_HISTORY=true"), ARGS("x.json"),
                "hornet: '--csv-full-history' requires '--csv'.");
}

static void test_did_you_mean(void **state)
{
    (void)state;
    parse_fails(NOENV, ARGS("--userz", "5", "x.json"),
                "hornet: unknown option '--userz' (did you mean --users?)");
    parse_fails(NOENV, ARGS("--spwan-rate=5", "x.json"),
                "hornet: unknown option '--spwan-rate' (did you mean --spawn-rate?)");
    parse_fails(NOENV, ARGS("--runtime", "5", "x.json"),
                "hornet: unknown option '--runtime' (did you mean --run-time?)");
    parse_fails(NOENV, ARGS("--headlss", "x.json"),
                "hornet: unknown option '--headlss' (did you mean --headless?)");
    parse_fails(NOENV, ARGS("--csv-full-histroy", "x.json"),
                "hornet: unknown option '--csv-full-histroy' (did you mean --csv-full-history?)");
    parse_fails(NOENV, ARGS("-headless", "x.json"),
                "hornet: unknown option '-headless' (did you mean --headless?)");
    parse_fails(NOENV, ARGS("--frobnicate", "x.json"),
                "hornet: unknown option '--frobnicate' (see hornet --help)");
    parse_fails(NOENV, ARGS("-x", "x.json"), "hornet: unknown option '-x' (see hornet --help)");
    parse_fails(NOENV, ARGS("--user-classes", "A", "x.json"),
                "hornet: unknown option '--user-classes' (see hornet --help)");
    write_file("d.conf", "exclude_tag = a\n");
    parse_fails(NOENV, ARGS("--config", "d.conf", "x.json"),
                "hornet: d.conf:1: unknown option 'exclude_tag' (did you mean exclude-tags?)");
}

/* ---- help and version --------------------------------------------------------------------- */

static void test_help_and_version_win(void **state)
{
    struct options o;

    (void)state;
    write_file(OPTIONS_DEFAULT_CONFIG, "userz = broken\n");    /* not even read */
    parse_ok(&o, ARGS("HORNET_USERS=-1"), ARGS("--userz", "-u", "-5", "--help"));
    assert_true(o.help);
    assert_false(o.version);
    assert_null(o.scenario);
    options_free(&o);
    parse_ok(&o, NOENV, ARGS("-h"));
    assert_true(o.help);
    options_free(&o);
    parse_ok(&o, NOENV, ARGS("--vers"));
    assert_true(o.version);
    options_free(&o);
    parse_fails(NOENV, ARGS("--", "--help"),         /* after "--" it is a file name */
                "hornet: hornet.conf:1: unknown option 'userz' (did you mean users?)");
}

static void test_usage_lists_every_option(void **state)
{
    static const char *const expected[] = {
        "Usage: hornet [options] SCENARIO.json [UserClass ...]", "Common options:",
        "Tag options:", "Request statistics options:", "Logging options:", "Examples:",
        "-h, --help", "-f <file>, --scenario <file>, --locustfile <file>", "--config <file>",
        "-H <base url>, --host <base url>", "-u <int>, --users <int>",
        "-r <float>, --spawn-rate <float>", "-t <time string>, --run-time <time string>",
        "--arrival-rate <float>", "--max-users <int>",
        "--headless", "--ascii", "HORNET_ASCII=1", "-s <number>, --stop-timeout <number>",
        "--exit-code-on-error <int>",
        "-T <tag>, --tags <tag>", "-E <tag>, --exclude-tags <tag>", "--csv <prefix>",
        "--csv-full-history", "--csv-failures-seen", "--print-stats", "--only-summary",
        "--reset-stats", "--report <file.md>", "--html <file.html>", "--no-targets",
        "-L <level>, --loglevel <level>", "--logfile <file>", "--debug-requests <int>",
        "--threads <int>",
        "--seed <int>", "--version", "HORNET_USERS", "hornet.conf", "Default: INFO",
        "Default: 1", "(1-1024)", "UserClass", "Exit codes:",
    };
    char *text = NULL, *line;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    (void)state;
    assert_non_null(f);
    options_usage(f);
    fclose(f);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        if (!strstr(text, expected[i]))
            fail_msg("--help lacks \"%s\"", expected[i]);
    }
    for (line = text; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0))
        assert_true(strcspn(line, "\n") <= 79);
    free(text);
}

/* ---- durations ---------------------------------------------------------------------------- */

static void test_durations(void **state)
{
    static const struct {
        const char *text;
        double seconds;
    } good[] = {
        {"20", 20}, {"20s", 20}, {"3m", 180}, {"2h", 7200}, {"1h30m", 5400},
        {"1h20m30s", 4830}, {"3h30m10s", 12610}, {"90m", 5400}, {"1m30s", 90}, {"1h0m", 3600},
        {"1h5s", 3605}, {"1.5", 1.5}, {"0.5m", 30}, {"0.25s", 0.25}, {"1000000000", 1e9},
    };
    static const char *const bad[] = {
        "", "0", "0s", "0h0m0s", "-5", "+5", "abc", "1h30", "30s1m", "1m1m", "1d", "s", "h1",
        " 20", "20 ", "1e3", "1000000001", "1..5", "1.5.2", "1 m", "1M", "1hh", "m30s",
    };

    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double got = options_parse_duration(good[i].text);

        if (fabs(got - good[i].seconds) > 1e-9)
            fail_msg("'%s': got %g, want %g", good[i].text, got, good[i].seconds);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (options_parse_duration(bad[i]) != -1)
            fail_msg("'%s' accepted", bad[i]);
    }
    assert_true(options_parse_duration(NULL) == -1);
}

/* ---- fixture: a fresh directory, no ./hornet.conf ----------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    if (!getcwd(olddir, sizeof olddir) || !mkdtemp(tmpdir) || chdir(tmpdir) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    char cmd[512];

    (void)state;
    if (chdir(olddir) != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}


/* ---- distributed runs -------------------------------------------------------------------- */

/* Locust's names and defaults; every source; the two roles exclude each other. */
static void test_distributed_options(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, NOENV, ARGS("x.json"));
    assert_false(o.worker || o.master);
    assert_string_equal(o.master_host, "127.0.0.1");
    assert_int_equal(o.master_port, 5557);
    assert_string_equal(o.master_bind_host, "*");
    assert_int_equal(o.master_bind_port, 5557);
    assert_int_equal(o.expect_workers, 1);
    options_free(&o);
    parse_ok(&o, NOENV, ARGS("--worker", "--master-host", "10.0.0.5", "--master-port", "6000",
                             "x.json"));
    assert_true(o.worker);
    assert_string_equal(o.master_host, "10.0.0.5");
    assert_int_equal(o.master_port, 6000);
    options_free(&o);
    write_file("dist.conf", "master = true\nexpect-workers = 4\nmaster-bind-port = 0\n");
    parse_ok(&o, ARGS("HORNET_MASTER_BIND_HOST=127.0.0.1", "HORNET_EXPECT_WORKERS=3"),
             ARGS("--config", "dist.conf", "x.json"));
    assert_true(o.master);
    assert_int_equal(o.expect_workers, 3);          /* the environment over the file */
    assert_string_equal(o.master_bind_host, "127.0.0.1");
    assert_int_equal(o.master_bind_port, 0);
    options_free(&o);
    parse_fails(NOENV, ARGS("--worker", "--master", "x.json"),
                "hornet: --worker and --master exclude each other: a node is one or the other");
    parse_fails(NOENV, ARGS("--master", "--expect-workers", "0", "x.json"),
                "hornet: --expect-workers: expected a whole number >= 1, got '0'");
    parse_fails(NOENV, ARGS("--master-port", "70000", "x.json"),
                "hornet: --master-port: expected a whole number from 0 to 65535, got '70000'");
    parse_fails(NOENV, ARGS("--worker", "--master-port", "0", "x.json"),
                "hornet: --master-port: a worker needs the master's port, got 0");
}

static int each_setup(void **state)
{
    (void)state;
    unlink(OPTIONS_DEFAULT_CONFIG);
    return 0;
}

#define TEST(f) cmocka_unit_test_setup(f, each_setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_defaults),
        TEST(test_value_options_every_form),
        TEST(test_flags_every_form),
        TEST(test_short_attached_and_mixed),
        TEST(test_last_value_wins_on_the_command_line),
        TEST(test_unique_prefix),
        TEST(test_tags_repeated_and_comma_lists),
        TEST(test_positional_classes),
        TEST(test_classes_from_env_and_config),
        TEST(test_precedence_users_and_run_time),
        TEST(test_precedence_host_tags_headless),
        TEST(test_config_file_selection),
        TEST(test_environment_ignored_variables),
        TEST(test_config_file_syntax),
        TEST(test_config_file_errors),
        TEST(test_config_file_bounds),
        TEST(test_refusals_command_line),
        TEST(test_refusals_command_line_more),
        TEST(test_refusals_environment),
        TEST(test_did_you_mean),
        TEST(test_help_and_version_win),
        TEST(test_usage_lists_every_option),
        TEST(test_durations),
        TEST(test_distributed_options),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
