/* options: hornet's command line, environment (HORNET_<OPTION>) and config file, merged with
 * Locust's precedence into struct options. One table (OPTIONS below) describes every option:
 * its names, where it may be given, its setter (which validates the value) and its --help text.
 * The three sources are applied from the weakest to the strongest (config file, environment,
 * command line), so a stronger source overwrites; lists (tags, user classes) are replaced, not
 * merged, by a stronger source and appended to within one source.
 *
 * Main thread only; the parse keeps no state between calls. */
#include "options.h"
#include "options_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "scenario.h"
#include "suggest.h"
#include "textfile.h"

enum source { SRC_CONFIG = 1, SRC_ENV = 2, SRC_CMDLINE = 4 };
#define SRC_ALL (SRC_CONFIG | SRC_ENV | SRC_CMDLINE)

enum opt_kind { KIND_FLAG, KIND_VALUE };
enum opt_group {
    GROUP_COMMON, GROUP_TAGS, GROUP_TLS, GROUP_STATS, GROUP_REPORT, GROUP_METRICS, GROUP_LOG,
    GROUP_DIST, GROUP_OTHER,
    GROUP_COUNT
};
enum list_id { LIST_TAGS, LIST_EXCLUDE, LIST_CLASSES, LIST_TARGET, LIST_COUNT };

#define MSG_MAX 256
#define DURATION_MAX 1e9

struct parse_ctx {
    struct options *o;
    enum source src;
    enum source list_src[LIST_COUNT];   /* the source that filled each list (0: defaults) */
    bool scenario_from_cmdline;
};

struct opt_spec {
    const char *name;           /* long name: --name, config key, HORNET_NAME */
    const char *alias;          /* a second long name, or NULL */
    char short_name;            /* 0: none */
    enum opt_kind kind;
    unsigned where;             /* enum source mask: where it may be given */
    int (*set)(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg);
    size_t field;               /* offsetof in struct options, for the generic setters */
    const char *metavar;        /* --help: "<int>" */
    enum opt_group group;
    const char *help;           /* --help text, with default and example */
};

/* ---- small helpers --------------------------------------------------------------------- */

static char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (!p) {
        fputs("hornet: out of memory\n", stderr);
        abort();
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

static void replace_string(char **dst, const char *value)
{
    free(*dst);
    *dst = xstrdup(value);
}

/* Parse "digits[.digits]" or ".digits" at s; *end past it. -1 when there is no number. */
static int scan_decimal(const char *s, double *out, const char **end)
{
    double v = 0, scale = 1;
    int digits = 0;

    for (; isdigit((unsigned char)*s); s++, digits++)
        v = v * 10 + (*s - '0');
    if (*s == '.') {
        for (s++; isdigit((unsigned char)*s); s++, digits++) {
            scale /= 10;
            v += (*s - '0') * scale;
        }
    }
    if (digits == 0 || digits > 18)
        return -1;
    *out = v;
    *end = s;
    return 0;
}

/* A duration >= 0 in seconds ("20", "2.5", "1h30m", "1h20m30s"), or -1. */
static double parse_span(const char *text)
{
    static const char units[] = "hms";
    static const double mult[] = {3600, 60, 1};
    const char *p = text, *end;
    double v, total = 0;
    int next = 0;

    if (!text || scan_decimal(p, &v, &end) < 0)
        return -1;
    if (*end == '\0')
        total = v;
    while (*end != '\0') {
        const char *u = strchr(units + next, *end);

        if (!u)
            return -1;
        total += v * mult[u - units];
        next = (int)(u - units) + 1;
        p = end + 1;
        if (*p == '\0')
            break;
        if (scan_decimal(p, &v, &end) < 0 || *end == '\0')
            return -1;
    }
    return total <= DURATION_MAX ? total : -1;
}

double options_parse_duration(const char *text)
{
    double s = parse_span(text);

    return s > 0 ? s : -1;
}

/* Whole number in [lo, hi]: 0; not digits: -1; above hi: -2; below lo: -3. */
static int parse_whole(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;

    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
            return -2;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (*p != '\0')
        return -1;
    if (v > hi)
        return -2;
    if (v < lo)
        return -3;
    *out = v;
    return 0;
}

/* true/false/yes/no/1/0/on/off, any case: 0 or -1. */
static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "1", "on"};
    static const char *const no[] = {"false", "no", "0", "off"};

    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
            *out = strcasecmp(s, yes[i]) == 0;
            return 0;
        }
    }
    return -1;
}

static void list_clear(char ***v, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*v)[i]);
    free(*v);
    *v = NULL;
    *n = 0;
}

static void list_add(char ***v, size_t *n, const char *s, size_t len)
{
    char **grown = realloc(*v, (*n + 1) * sizeof **v);

    if (!grown) {
        fputs("hornet: out of memory\n", stderr);
        abort();
    }
    *v = grown;
    (*v)[(*n)++] = xstrndup(s, len);
}

/* Append the items of "a,b", "[a, b]" or "['a', \"b\"]" (separators: seps) to a list.
 * Returns how many were added. */
static size_t split_into(const char *value, const char *seps, char ***v, size_t *n)
{
    size_t len = strlen(value), added = 0;
    const char *p = value, *stop;

    if (len >= 2 && value[0] == '[' && value[len - 1] == ']') {
        p = value + 1;
        len -= 2;
    }
    stop = p + len;
    while (p < stop) {
        size_t k = strcspn(p, seps);
        const char *a = p, *b = p + (a + k > stop ? (size_t)(stop - p) : k);

        p = b + 1;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b - a >= 2 && (*a == '\'' || *a == '"') && b[-1] == *a) {
            a++;
            b--;
        }
        if (b > a) {
            list_add(v, n, a, (size_t)(b - a));
            added++;
        }
    }
    return added;
}

/* ---- setters: validate one value; on error fill msg ("expected ..., got '...'") -------- */

#define FIELD(c, s, type) ((type *)(void *)((char *)(c)->o + (s)->field))

static int set_flag(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    if (parse_bool(v, FIELD(c, s, bool)) == 0)
        return 0;
    snprintf(msg, MSG_MAX, "expected true or false (or yes/no, on/off, 1/0), got '%s'", v);
    return -1;
}

static int set_file(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    if (*v == '\0') {
        snprintf(msg, MSG_MAX, "expected a file name, got ''");
        return -1;
    }
    replace_string(FIELD(c, s, char *), v);
    return 0;
}

static int set_scenario(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    if (set_file(c, s, v, msg) < 0)
        return -1;
    c->scenario_from_cmdline = c->src == SRC_CMDLINE;
    return 0;
}

static int set_host(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    (void)s;
    if ((strncasecmp(v, "http://", 7) != 0 || v[7] == '\0' || v[7] == '/')
        && (strncasecmp(v, "https://", 8) != 0 || v[8] == '\0' || v[8] == '/')) {
        snprintf(msg, MSG_MAX, "expected a URL like http://localhost:8000, got '%s'", v);
        return -1;
    }
    replace_string(&c->o->host, v);
    c->o->host_set = true;
    return 0;
}

/* A whole number in [lo, hi]; the message says ">= lo" unless the number is too large or
 * show_range asks for "from lo to hi" always. */
static int whole_in(const char *v, uint64_t lo, uint64_t hi, bool show_range, uint64_t *out,
                    char *msg)
{
    int rc = parse_whole(v, lo, hi, out);

    if (rc == 0)
        return 0;
    if (rc == -2 || show_range)
        snprintf(msg, MSG_MAX, "expected a whole number from %llu to %llu, got '%s'",
                 (unsigned long long)lo, (unsigned long long)hi, v);
    else
        snprintf(msg, MSG_MAX, "expected a whole number >= %llu, got '%s'",
                 (unsigned long long)lo, v);
    return -1;
}

static int set_users(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    uint64_t n;

    (void)s;
    if (whole_in(v, 0, UINT32_MAX, false, &n, msg) < 0)
        return -1;
    c->o->users = (uint32_t)n;
    c->o->users_set = true;
    return 0;
}

static int set_spawn_rate(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                          char *msg)
{
    const char *p = (*v == '-' || *v == '+') ? v + 1 : v, *end;
    double rate;

    (void)s;
    if (scan_decimal(p, &rate, &end) < 0 || *end != '\0') {
        snprintf(msg, MSG_MAX, "expected users per second like 10 or 0.5, got '%s'", v);
        return -1;
    }
    if (*v == '-' || rate <= 0) {
        snprintf(msg, MSG_MAX, "must be greater than 0, got '%s'", v);
        return -1;
    }
    c->o->spawn_rate = rate;
    c->o->spawn_rate_set = true;
    return 0;
}

static int set_arrival_rate(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                            char *msg)
{
    const char *end;
    double rate;

    (void)s;
    if (*v == '-' || scan_decimal(*v == '+' ? v + 1 : v, &rate, &end) < 0 || *end != '\0' ||
        rate > ARRIVAL_RATE_MAX) {
        snprintf(msg, MSG_MAX, "expected iterations per second from 0 to 1000000 like 200 or "
                 "0.5, got '%s'", v);
        return -1;
    }
    c->o->arrival_rate = rate;
    c->o->arrival_rate_set = true;
    return 0;
}

static int set_max_users(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                         char *msg)
{
    uint64_t n;

    (void)s;
    if (whole_in(v, 1, 1000000, true, &n, msg) < 0)
        return -1;
    c->o->max_users = (uint32_t)n;
    c->o->max_users_set = true;
    return 0;
}

static int set_run_time(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                        char *msg)
{
    double t = options_parse_duration(v);

    (void)s;
    if (t < 0) {
        snprintf(msg, MSG_MAX, "expected a duration like 20s, 3m or 1h30m, got '%s'", v);
        return -1;
    }
    c->o->run_time = t;
    c->o->run_time_set = true;
    return 0;
}

static int set_stop_timeout(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                            char *msg)
{
    double t = parse_span(v);

    (void)s;
    if (t < 0) {
        snprintf(msg, MSG_MAX, "expected seconds or a duration like 30s or 1m30s, got '%s'", v);
        return -1;
    }
    c->o->stop_timeout = t;
    return 0;
}

static int set_exit_code(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                         char *msg)
{
    uint64_t n;

    (void)s;
    if (whole_in(v, 0, 255, true, &n, msg) < 0)
        return -1;
    c->o->exit_code_on_error = (int)n;
    return 0;
}

static int set_threads(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    uint64_t n;

    (void)s;
    if (whole_in(v, 1, 1024, false, &n, msg) < 0)
        return -1;
    c->o->threads = (int)n;
    return 0;
}

static int set_debug_requests(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                              char *msg)
{
    uint64_t n;

    (void)s;
    if (whole_in(v, 0, OPTIONS_MAX_DEBUG_REQUESTS, true, &n, msg) < 0)
        return -1;
    c->o->debug_requests = (uint32_t)n;
    return 0;
}

static int set_metrics_port(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                            char *msg)
{
    uint64_t n;

    (void)s;
    if (whole_in(v, 0, 65535, true, &n, msg) < 0)
        return -1;
    c->o->metrics_port = (int)n;
    c->o->metrics_port_set = true;
    return 0;
}

static int set_metrics_linger(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                              char *msg)
{
    double t = parse_span(v);

    (void)s;
    if (t < 0) {
        snprintf(msg, MSG_MAX, "expected seconds or a duration like 15s or 1m, got '%s'", v);
        return -1;
    }
    c->o->metrics_linger = t;
    return 0;
}

static int set_seed(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    (void)s;
    if (whole_in(v, 0, UINT64_MAX, false, &c->o->seed, msg) < 0)
        return -1;
    c->o->seed_set = true;
    return 0;
}

static int set_loglevel(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    static const char *const levels[] = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};

    (void)s;
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        if (strcasecmp(v, levels[i]) == 0) {
            replace_string(&c->o->loglevel, levels[i]);
            return 0;
        }
    }
    snprintf(msg, MSG_MAX, "expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got '%s'", v);
    return -1;
}

static int set_port(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    uint64_t n;

    if (whole_in(v, 0, 65535, true, &n, msg) < 0)
        return -1;
    *FIELD(c, s, int) = (int)n;
    return 0;
}

static int set_expect_workers(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                              char *msg)
{
    uint64_t n;

    (void)s;
    if (whole_in(v, 1, 100000, false, &n, msg) < 0)
        return -1;
    c->o->expect_workers = (uint32_t)n;
    return 0;
}

/* Fill list `id` from v: a stronger source replaces what a weaker one gave. */
static int set_list(struct parse_ctx *c, enum list_id id, const char *v, const char *seps,
                    const char *what, char *msg)
{
    struct options *o = c->o;
    char ***lists[LIST_COUNT] = {&o->tags, &o->exclude_tags, &o->classes,
                                 &o->target_options};
    size_t *counts[LIST_COUNT] = {&o->n_tags, &o->n_exclude_tags, &o->n_classes,
                                  &o->n_target_options};

    if (c->list_src[id] != c->src) {
        list_clear(lists[id], counts[id]);
        c->list_src[id] = c->src;
    }
    if (split_into(v, seps, lists[id], counts[id]) == 0) {
        snprintf(msg, MSG_MAX, "expected one or more %s, got '%s'", what, v);
        return -1;
    }
    return 0;
}

static int set_tags(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    (void)s;
    return set_list(c, LIST_TAGS, v, ",", "tag names", msg);
}

static int set_exclude(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    (void)s;
    return set_list(c, LIST_EXCLUDE, v, ",", "tag names", msg);
}

static int set_classes(struct parse_ctx *c, const struct opt_spec *s, const char *v, char *msg)
{
    (void)s;
    return set_list(c, LIST_CLASSES, v, ", \t", "user class names", msg);
}

/* hornet-target options for the built-in target: NAME=VALUE, blank-separated (a value such as
 * a --latency "all=50,10" holds commas). Checked when the target starts. */
static int set_target_option(struct parse_ctx *c, const struct opt_spec *s, const char *v,
                             char *msg)
{
    (void)s;
    return set_list(c, LIST_TARGET, v, " \t", "NAME=VALUE options of hornet-target", msg);
}

/* ---- the table ------------------------------------------------------------------------- */

#define OFF(f) offsetof(struct options, f)
#define CL SRC_CMDLINE

static const struct opt_spec OPTIONS[] = {
    {"help", NULL, 'h', KIND_FLAG, CL, set_flag, OFF(help), NULL, GROUP_COMMON,
     "Show this help message and exit."},
    {"scenario", "locustfile", 'f', KIND_VALUE, SRC_ALL, set_scenario, OFF(scenario),
     "<file>", GROUP_COMMON,
     "The scenario file (JSON) to run; the same as the first positional argument. "
     "Example: -f scenarios/burst.json"},
    {"config", NULL, 0, KIND_VALUE, CL | SRC_ENV, set_file, OFF(config), "<file>",
     GROUP_COMMON, "File to read additional configuration from (key = value lines). "
     "Default: ./" OPTIONS_DEFAULT_CONFIG " when it exists."},
    {"host", NULL, 'H', KIND_VALUE, SRC_ALL, set_host, 0, "<base url>", GROUP_COMMON,
     "Host to load test, in the following format: https://www.example.com. Default: the "
     "scenario's host, else a built-in target started on 127.0.0.1 at a free port."},
    {"users", NULL, 'u', KIND_VALUE, SRC_ALL, set_users, 0, "<int>", GROUP_COMMON,
     "Peak number of concurrent users. Default: the scenario's users, else 1. Example: -u 100"},
    {"spawn-rate", NULL, 'r', KIND_VALUE, SRC_ALL, set_spawn_rate, 0, "<float>", GROUP_COMMON,
     "Rate to spawn (and stop) users at, in users per second; greater than 0. Default: the "
     "scenario's spawn_rate, else 1. Example: -r 10"},
    {"arrival-rate", NULL, 0, KIND_VALUE, SRC_ALL, set_arrival_rate, 0, "<float>", GROUP_COMMON,
     "Open model: start this many iterations (a task picked by weight, its steps, then the "
     "class's wait) per second on the intended timeline, whatever the answers take, shared "
     "by the user classes by weight, on a pool of users that grows up to --max-users; "
     "replaces user counts, stages and the scenario's arrivals. Example: --arrival-rate 1000"},
    {"max-users", NULL, 0, KIND_VALUE, SRC_ALL, set_max_users, 0, "<int>", GROUP_COMMON,
     "With --arrival-rate (or the scenario's arrivals), the most users busy at once; an "
     "arrival that finds them all busy is dropped and counted. Default: -u, else the "
     "scenario's users. Example: --max-users 2000"},
    {"run-time", NULL, 't', KIND_VALUE, SRC_ALL, set_run_time, 0, "<time string>",
     GROUP_COMMON, "Stop after the specified amount of time, e.g. (300s, 20m, 3h, 1h30m, "
     "etc.); a bare number is seconds. Default: the scenario's run_time, else run until "
     "stopped."},
    {"headless", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(headless), NULL, GROUP_COMMON,
     "Disable the dashboard and start the test immediately; print the stats table every 2 s "
     "instead."},
    {"ascii", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(ascii), NULL, GROUP_COMMON,
     "Draw the dashboard in plain ASCII (no box drawing, braille or arrows) for terminals or "
     "fonts without them; the same as HORNET_ASCII=1."},
    {"stop-timeout", NULL, 's', KIND_VALUE, SRC_ALL, set_stop_timeout, 0, "<number>",
     GROUP_COMMON, "Seconds (or a duration like 1m) users get to finish their on_stop steps "
     "when the test stops. Default: 0 (stop immediately)."},
    {"exit-code-on-error", NULL, 0, KIND_VALUE, SRC_ALL, set_exit_code, 0, "<int>",
     GROUP_COMMON, "Exit code (0-255) when a target fails or, without targets, when any "
     "request failed. Default: 1"},
    {"tags", NULL, 'T', KIND_VALUE, SRC_ALL, set_tags, 0, "<tag>", GROUP_TAGS,
     "Only run tasks with at least one of these tags. Repeat the option or give a comma "
     "list: -T create -T read, or -T create,read"},
    {"exclude-tags", NULL, 'E', KIND_VALUE, SRC_ALL, set_exclude, 0, "<tag>", GROUP_TAGS,
     "Do not run tasks with any of these tags. Repeatable or a comma list, like --tags."},
    {"cacert", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(cacert), "<file>", GROUP_TLS,
     "Verify https targets against the CA certificates in this PEM file instead of the "
     "system's (a private CA). Default: the scenario's tls.cacert, else the system's."},
    {"insecure", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(insecure), NULL, GROUP_TLS,
     "Do not verify the target's TLS certificate nor its host name (a loud warning in the "
     "console, the dashboard and the reports). Default: verify."},
    {"cert", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(cert), "<file>", GROUP_TLS,
     "Client certificate (PEM) for targets that require one; with --key unless the file "
     "holds the key too."},
    {"key", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(key), "<file>", GROUP_TLS,
     "Private key (PEM) of --cert. Requires --cert."},
    {"csv", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(csv_prefix), "<prefix>", GROUP_STATS,
     "Store stats in Locust's CSV format: PREFIX_stats.csv, PREFIX_stats_history.csv, "
     "PREFIX_failures.csv and PREFIX_exceptions.csv. Example: --csv out/run"},
    {"csv-full-history", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(csv_full_history), NULL,
     GROUP_STATS, "Store each endpoint's stats entries in PREFIX_stats_history.csv too, not "
     "only Aggregated. Requires --csv."},
    {"csv-failures-seen", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(failures_seen_columns),
     NULL, GROUP_STATS, "Add the First Seen and Last Seen columns of Locust 2.44+ to "
     "PREFIX_failures.csv. Requires --csv."},
    {"print-stats", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(print_stats), NULL, GROUP_STATS,
     "With the dashboard, append the stats table to --logfile every 2 s, as Locust prints it "
     "in web UI runs (the terminal is the dashboard's); without --logfile, the Endpoints view "
     "shows the same numbers."},
    {"only-summary", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(only_summary), NULL,
     GROUP_STATS, "Only print the summary stats at the end, not the table every 2 s."},
    {"reset-stats", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(reset_stats), NULL, GROUP_STATS,
     "Reset statistics once spawning has been completed."},
    {"report", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(report_md), "<file.md>",
     GROUP_REPORT, "Write a Markdown report (configuration, results, targets, distribution, "
     "endpoints, failures, timeline, verdict) at the end. Example: --report out/run.md"},
    {"html", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(report_html), "<file.html>",
     GROUP_REPORT, "Write the same report as one self-contained HTML file with charts. "
     "Example: --html out/run.html"},
    {"json", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(json), NULL, GROUP_STATS,
     "Print the final stats as JSON to stdout, in Locust's --json format (the stats tables "
     "then go to stderr)."},
    {"json-file", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(json_file), "<prefix>",
     GROUP_STATS, "Write the final stats in Locust's --json format to PREFIX.json. "
     "Example: --json-file out/run"},
    {"junit", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(junit), "<file.xml>", GROUP_REPORT,
     "Write the targets' verdicts as JUnit XML for CI: one test suite per scenario, one test "
     "case per target. Example: --junit out/targets.xml"},
    {"no-targets", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(no_targets), NULL, GROUP_REPORT,
     "Ignore the scenario's targets: no verdict, and the exit code depends on failures only."},
    {"no-health", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(no_health), NULL, GROUP_REPORT,
     "Ignore the scenario's health block: no backend polled, no health limit judged."},
    {"metrics-port", NULL, 0, KIND_VALUE, SRC_ALL, set_metrics_port, 0, "<port>",
     GROUP_METRICS, "Serve the live statistics in Prometheus's text format at "
     "http://HOST:PORT/metrics while the run lasts; 0 picks a free port (logged). "
     "Example: --metrics-port 9646"},
    {"metrics-host", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(metrics_host), "<address>",
     GROUP_METRICS, "Address the metrics endpoint listens on. Default: 127.0.0.1 (0.0.0.0 or "
     ":: for every interface)."},
    {"metrics-linger", NULL, 0, KIND_VALUE, SRC_ALL, set_metrics_linger, 0, "<time>",
     GROUP_METRICS, "Headless: keep serving the final numbers this long after the run ended "
     "(the files are written by then), so a scraper gets them; Ctrl-C ends it. Default: 0"},
    {"loglevel", NULL, 'L', KIND_VALUE, SRC_ALL, set_loglevel, 0, "<level>", GROUP_LOG,
     "Choose between DEBUG/INFO/WARNING/ERROR/CRITICAL (any case). Default: INFO"},
    {"logfile", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(logfile), "<file>", GROUP_LOG,
     "Path to a log file (appended to). Default: log to the console only."},
    {"debug-requests", NULL, 0, KIND_VALUE, SRC_ALL, set_debug_requests, 0, "<int>", GROUP_LOG,
     "With -L DEBUG, log the first N requests of the run in detail (class, task, step, method, "
     "URL, variables, headers and body with secrets masked, status, time, size, captures, "
     "checks), then say tracing stopped; 0-10000, 0: none. Default: 50"},
    {"target-option", NULL, 0, KIND_VALUE, SRC_ALL, set_target_option, 0, "<name=value>",
     GROUP_OTHER, "An option of hornet-target for the built-in target (used when no host is "
     "given), repeatable: --target-option celery-workers=0 --target-option db-pool-size=20 "
     "(see hornet-target --help); port=8000 fixes its port for POST /api/v1/_control/."},
    {"worker", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(worker), NULL, GROUP_DIST,
     "Run as a worker node of a Locust master (Locust 2.x, or hornet --master): it sets the "
     "users per class; this process runs them and reports its numbers. No dashboard."},
    {"master", NULL, 0, KIND_FLAG, SRC_ALL, set_flag, OFF(master), NULL, GROUP_DIST,
     "Run as the master of worker nodes (hornet --worker, or Locust's Python workers): the "
     "users are dispatched to them; the dashboard, CSVs, reports and targets show the merged "
     "numbers."},
    {"master-host", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(master_host), "<host>",
     GROUP_DIST, "With --worker: the master's host or IP address. Default: 127.0.0.1"},
    {"master-port", NULL, 0, KIND_VALUE, SRC_ALL, set_port, OFF(master_port), "<int>",
     GROUP_DIST, "With --worker: the master's port. Default: 5557"},
    {"master-bind-host", NULL, 0, KIND_VALUE, SRC_ALL, set_file, OFF(master_bind_host),
     "<ip>", GROUP_DIST, "With --master: the interface to listen on for workers. Default: * "
     "(every interface)"},
    {"master-bind-port", NULL, 0, KIND_VALUE, SRC_ALL, set_port, OFF(master_bind_port),
     "<int>", GROUP_DIST, "With --master: the port to listen on for workers (0: a free one, "
     "logged). Default: 5557"},
    {"expect-workers", NULL, 0, KIND_VALUE, SRC_ALL, set_expect_workers, 0, "<int>",
     GROUP_DIST, "With --master: start the run once this many workers are connected. "
     "Default: 1"},
    {"threads", NULL, 0, KIND_VALUE, SRC_ALL, set_threads, 0, "<int>", GROUP_OTHER,
     "Worker threads running the users (1-1024). Default: one per CPU."},
    {"seed", NULL, 0, KIND_VALUE, SRC_ALL, set_seed, 0, "<int>", GROUP_OTHER,
     "Seed of the random choices (tasks, think times, ${randint}) to repeat a run. Default: "
     "a new seed each run, shown at start."},
    {"version", NULL, 0, KIND_FLAG, CL, set_flag, OFF(version), NULL, GROUP_OTHER,
     "Show the program's version number and exit."},
    {"user-classes", NULL, 0, KIND_VALUE, SRC_CONFIG | SRC_ENV, set_classes, 0, NULL,
     GROUP_OTHER, NULL},
};

#undef CL
#define N_OPTIONS (sizeof OPTIONS / sizeof OPTIONS[0])

/* ---- lookups ----------------------------------------------------------------------------- */

/* Long name or alias equal to name[0..len), with '_' read as '-' when loose. */
static bool name_is(const char *full, const char *name, size_t len, bool loose)
{
    if (!full || strlen(full) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = (char)tolower((unsigned char)name[i]);

        if (loose && ch == '_')
            ch = '-';
        if (ch != full[i] || (!loose && name[i] != full[i]))
            return false;
    }
    return true;
}

/* The option named exactly name[0..len) (config keys and env names: loose). */
static const struct opt_spec *find_exact(const char *name, size_t len, bool loose)
{
    for (size_t i = 0; i < N_OPTIONS; i++) {
        if (name_is(OPTIONS[i].name, name, len, loose)
            || name_is(OPTIONS[i].alias, name, len, loose))
            return &OPTIONS[i];
    }
    return NULL;
}

static bool is_named(const struct opt_spec *s, const char *name)
{
    return strcmp(s->name, name) == 0;
}

static bool has_prefix(const char *full, const char *name, size_t len)
{
    return full && strlen(full) > len && strncmp(full, name, len) == 0;
}

/* A command-line long option: exact, else an unambiguous prefix (as argparse). *n_match gets
 * how many options the prefix matched (> 1: ambiguous; the result is the first). */
static const struct opt_spec *find_long(const char *name, size_t len, size_t *n_match)
{
    const struct opt_spec *exact = find_exact(name, len, false), *first = NULL;

    *n_match = exact && (exact->where & SRC_CMDLINE);
    if (*n_match)
        return exact;
    for (size_t i = 0; len > 0 && i < N_OPTIONS; i++) {
        if (!(OPTIONS[i].where & SRC_CMDLINE))
            continue;
        if (has_prefix(OPTIONS[i].name, name, len) || has_prefix(OPTIONS[i].alias, name, len)) {
            first = first ? first : &OPTIONS[i];
            (*n_match)++;
        }
    }
    return first;
}

static const struct opt_spec *find_short(char ch)
{
    for (size_t i = 0; ch && i < N_OPTIONS; i++) {
        if (OPTIONS[i].short_name == ch)
            return &OPTIONS[i];
    }
    return NULL;
}

/* The closest option name to `typed` among those allowed in `where`, or NULL: the names as
 * candidates for suggest_closest, `typed` with '_' read as '-' (config files use either). */
static const char *did_you_mean(const char *typed, unsigned where)
{
    const char *names[2 * N_OPTIONS];
    char word[SUGGEST_MAX_LEN + 1];
    size_t n = 0, i;

    for (i = 0; typed[i] && i < SUGGEST_MAX_LEN; i++)
        word[i] = typed[i] == '_' ? '-' : typed[i];
    word[i] = '\0';
    if (typed[i])
        return NULL;                    /* too long to be a typo of any option */
    for (size_t k = 0; k < N_OPTIONS; k++) {
        if (OPTIONS[k].where & where) {
            names[n++] = OPTIONS[k].name;
            names[n++] = OPTIONS[k].alias;
        }
    }
    return suggest_closest(word, i, names, n);
}

/* "-u/--users", "--csv", "-f/--scenario". */
static const char *cmdline_label(const struct opt_spec *s, char *buf, size_t n)
{
    if (s->short_name)
        snprintf(buf, n, "-%c/--%s", s->short_name, s->name);
    else
        snprintf(buf, n, "--%s", s->name);
    return buf;
}

/* Run the setter; on error: "hornet: LABEL: message". */
static int apply(struct parse_ctx *c, const struct opt_spec *s, const char *value,
                 const char *label, char *err, size_t errlen)
{
    char msg[MSG_MAX];

    if (s->set(c, s, value, msg) == 0)
        return 0;
    snprintf(err, errlen, "hornet: %s: %s", label, msg);
    return -1;
}

/* ---- config file ------------------------------------------------------------------------- */

static char *trim(char *s)
{
    char *e;

    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* The value part after the key: separator (= or :), inline comment (" #", " ;"), quotes. */
static char *config_value(char *rest)
{
    char *v = rest, *p;

    while (isspace((unsigned char)*v))
        v++;
    if (*v == '=' || *v == ':')
        v++;
    for (p = v; *p; p++) {
        if ((*p == '#' || *p == ';') && p > v && isspace((unsigned char)p[-1])) {
            *p = '\0';
            break;
        }
    }
    v = trim(v);
    p = v + strlen(v);
    if (p - v >= 2 && (*v == '"' || *v == '\'') && p[-1] == *v) {
        p[-1] = '\0';
        v++;
    }
    return v;
}

static int config_unknown(const char *where, const char *key, char *err, size_t errlen)
{
    const char *hint = did_you_mean(key, SRC_CONFIG);

    if (hint)
        snprintf(err, errlen, "hornet: %s: unknown option '%s' (did you mean %s?)", where, key,
                 hint);
    else
        snprintf(err, errlen, "hornet: %s: unknown option '%s' (see hornet --help)", where, key);
    return -1;
}

/* One line of a config file (ConfigArgParse's ini-ish format). */
static int config_line(struct parse_ctx *c, char *line, const char *where, char *err,
                       size_t errlen)
{
    char *s = trim(line), label[640];
    const char *value;
    size_t klen = strcspn(s, ":= \t");
    const struct opt_spec *spec;

    if (*s == '\0' || *s == '#' || *s == ';' || *s == '[' || strncmp(s, "---", 3) == 0)
        return 0;
    if (klen == 0) {
        snprintf(err, errlen, "hornet: %s: expected 'key = value', got '%s'", where, s);
        return -1;
    }
    value = config_value(s + klen);
    s[klen] = '\0';
    spec = find_exact(s, klen, true);
    if (!spec)
        return config_unknown(where, s, err, errlen);
    snprintf(label, sizeof label, "%s: %.64s", where, s);
    if (!(spec->where & SRC_CONFIG)) {
        snprintf(err, errlen, "hornet: %s: cannot be set in a config file", label);
        return -1;
    }
    if (*value == '\0' && spec->kind == KIND_FLAG)
        value = "true";
    if (*value == '\0') {
        snprintf(err, errlen, "hornet: %s: expected a value", label);
        return -1;
    }
    return apply(c, spec, value, label, err, errlen);
}

/* Read a config file (a regular text file of at most OPTIONS_CONFIG_MAX bytes): -1 with
 * "hornet: FILE:LINE: ..." or the reason it cannot be read. */
static int config_read(struct parse_ctx *c, const char *path, const char *from, char *err,
                       size_t errlen)
{
    char why[128], where[512], *text, *line, *next, *nul;
    size_t len = 0;
    unsigned lineno = 0;
    int rc = 0;

    if (!(text = textfile_read(path, OPTIONS_CONFIG_MAX, &len, why, sizeof why))) {
        snprintf(err, errlen, "hornet: %s: cannot read '%s': %s", from, path, why);
        return -1;
    }
    if ((nul = memchr(text, '\0', len))) {
        for (line = text, lineno = 1; line < nul; line++)
            lineno += *line == '\n';
        snprintf(err, errlen, "hornet: %s:%u: not a text file (a NUL byte)", path, lineno);
        free(text);
        return -1;
    }
    c->src = SRC_CONFIG;
    for (line = text; rc == 0 && line < text + len; line = next) {
        next = strchr(line, '\n');
        next = next ? (*next = '\0', next + 1) : text + len;
        snprintf(where, sizeof where, "%s:%u", path, ++lineno);
        rc = config_line(c, line, where, err, errlen);
    }
    free(text);
    return rc;
}

/* ---- environment ------------------------------------------------------------------------- */

#define ENV_PREFIX "HORNET_"

/* The value of HORNET_<name> in envp, or NULL (empty counts as unset). */
static const char *env_get(char **envp, const char *var)
{
    size_t len = strlen(var);

    for (; envp && *envp; envp++) {
        if (strncmp(*envp, var, len) == 0 && (*envp)[len] == '=')
            return (*envp)[len + 1] ? *envp + len + 1 : NULL;
    }
    return NULL;
}

/* Apply every HORNET_<OPTION> variable that names an option; others are ignored. */
static int env_apply(struct parse_ctx *c, char **envp, char *err, size_t errlen)
{
    c->src = SRC_ENV;
    for (; envp && *envp; envp++) {
        const char *name = *envp + strlen(ENV_PREFIX), *eq = strchr(*envp, '=');
        const struct opt_spec *spec;
        char var[128], *value;
        int rc;

        if (strncmp(*envp, ENV_PREFIX, strlen(ENV_PREFIX)) != 0 || !eq || eq < name)
            continue;
        spec = find_exact(name, (size_t)(eq - name), true);
        if (!spec || !(spec->where & SRC_ENV) || is_named(spec, "config"))
            continue;   /* HORNET_CONFIG was read by config_choose */
        value = xstrdup(eq + 1);
        snprintf(var, sizeof var, "%.*s", (int)(eq - *envp), *envp);
        rc = *trim(value) ? apply(c, spec, trim(value), var, err, errlen) : 0;
        free(value);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- command line ------------------------------------------------------------------------ */

struct cl_opt {
    const struct opt_spec *spec;
    const char *value;
};

struct cmdline {
    struct cl_opt *opts;
    size_t n_opts;
    const char **pos;
    size_t n_pos;
};

/* Could `next` be the value of an option ("-5" yes, "--csv" no)? */
static bool takes_as_value(const char *next)
{
    const char *end;
    double ignored;

    if (!next)
        return false;
    if (next[0] != '-' || next[1] == '\0')
        return true;
    return scan_decimal(next + 1, &ignored, &end) == 0 && *end == '\0';
}

static int unknown_long(const char *arg, size_t len, char *err, size_t errlen)
{
    char typed[65];
    const char *hint;

    snprintf(typed, sizeof typed, "%.*s", (int)(len < 64 ? len : 64), arg + 2);
    hint = did_you_mean(typed, SRC_CMDLINE);
    if (hint)
        snprintf(err, errlen, "hornet: unknown option '%.*s' (did you mean --%s?)",
                 (int)len + 2, arg, hint);
    else
        snprintf(err, errlen, "hornet: unknown option '%.*s' (see hornet --help)",
                 (int)len + 2, arg);
    return -1;
}

static int ambiguous_long(const char *arg, size_t len, char *err, size_t errlen)
{
    int n = snprintf(err, errlen, "hornet: ambiguous option '%.*s' (could be", (int)len + 2, arg);
    const char *sep = " ";

    for (size_t i = 0; i < N_OPTIONS && n > 0 && (size_t)n < errlen; i++) {
        if (!(OPTIONS[i].where & SRC_CMDLINE))
            continue;
        if (has_prefix(OPTIONS[i].name, arg + 2, len) || has_prefix(OPTIONS[i].alias, arg + 2,
                                                                     len)) {
            n += snprintf(err + n, errlen - (size_t)n, "%s--%s", sep, OPTIONS[i].name);
            sep = ", ";
        }
    }
    if (n > 0 && (size_t)n < errlen)
        snprintf(err + n, errlen - (size_t)n, ")");
    return -1;
}

/* Find the option of argv[i] ("--name[=v]", "-x[v]"); *attached: the value written in it. */
static const struct opt_spec *cl_lookup(const char *arg, const char **attached, char *err,
                                        size_t errlen)
{
    const struct opt_spec *spec;

    if (arg[1] == '-') {
        size_t len = strcspn(arg + 2, "="), n_match;

        spec = find_long(arg + 2, len, &n_match);
        *attached = arg[2 + len] == '=' ? arg + 3 + len : NULL;
        if (n_match > 1 && ambiguous_long(arg, len, err, errlen) < 0)
            return NULL;
        if (!spec && unknown_long(arg, len, err, errlen) < 0)
            return NULL;
        return spec;
    }
    spec = find_short(arg[1]);
    *attached = arg[2] ? arg + 2 + (arg[2] == '=') : NULL;
    if (!spec || (spec->kind == KIND_FLAG && *attached)) {
        const char *hint = did_you_mean(arg + 1, SRC_CMDLINE);

        if (hint && strlen(arg) > 2)
            snprintf(err, errlen, "hornet: unknown option '%s' (did you mean --%s?)", arg, hint);
        else
            snprintf(err, errlen, "hornet: unknown option '%s' (see hornet --help)", arg);
        return NULL;
    }
    return spec;
}

/* One option at argv[*i]: record it with its value; advances *i past a separate value. */
static int cl_option(struct cmdline *cl, int argc, char **argv, int *i, char *err,
                     size_t errlen)
{
    const char *attached, *value;
    const struct opt_spec *spec = cl_lookup(argv[*i], &attached, err, errlen);
    char label[64];

    if (!spec)
        return -1;
    if (spec->kind == KIND_FLAG) {
        value = attached ? attached : "true";
    } else if (attached) {
        value = attached;
    } else if (*i + 1 < argc && takes_as_value(argv[*i + 1])) {
        value = argv[++*i];
    } else {
        snprintf(err, errlen, "hornet: %s: expected a value",
                 cmdline_label(spec, label, sizeof label));
        return -1;
    }
    cl->opts[cl->n_opts].spec = spec;
    cl->opts[cl->n_opts++].value = value;
    return 0;
}

/* Split argv into options (with values) and positional arguments; syntax errors only. */
static int cl_scan(struct cmdline *cl, int argc, char **argv, char *err, size_t errlen)
{
    bool options_end = false;

    cl->opts = calloc((size_t)argc + 1, sizeof *cl->opts);
    cl->pos = calloc((size_t)argc + 1, sizeof *cl->pos);
    if (!cl->opts || !cl->pos) {
        fputs("hornet: out of memory\n", stderr);
        abort();
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (options_end || a[0] != '-' || a[1] == '\0')
            cl->pos[cl->n_pos++] = a;
        else if (strcmp(a, "--") == 0)
            options_end = true;
        else if (cl_option(cl, argc, argv, &i, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* Is -h/--help or --version on the command line (before "--")? Wins over every error. */
static bool cl_wants_info(struct options *o, int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const struct opt_spec *spec = NULL;
        size_t n_match = 0;

        if (strcmp(argv[i], "-h") == 0)
            spec = find_short('h');
        else if (strncmp(argv[i], "--", 2) == 0 && !strchr(argv[i], '='))
            spec = find_long(argv[i] + 2, strlen(argv[i] + 2), &n_match);
        if (spec && n_match <= 1 && is_named(spec, "help"))
            o->help = true;
        if (spec && n_match <= 1 && is_named(spec, "version"))
            o->version = true;
    }
    return o->help || o->version;
}

/* A positional argument that names a file rather than a user class. */
static bool looks_like_path(const char *arg)
{
    return strchr(arg, '/') || strchr(arg, '.') || access(arg, F_OK) == 0;
}

/* Positional arguments: the scenario (unless -f was given, or a scenario came from the
 * environment or config file and the first one is not a file name), then user classes. */
static int cl_positionals(struct parse_ctx *c, const struct cmdline *cl, char *err,
                          size_t errlen)
{
    size_t first = 0;
    char msg[MSG_MAX];

    if (cl->n_pos > 0 && !c->scenario_from_cmdline
        && (!c->o->scenario || looks_like_path(cl->pos[0]))) {
        if (*cl->pos[0] == '\0') {
            snprintf(err, errlen, "hornet: expected a scenario file, got ''");
            return -1;
        }
        replace_string(&c->o->scenario, cl->pos[0]);
        first = 1;
    }
    for (size_t i = first; i < cl->n_pos; i++) {
        if (set_list(c, LIST_CLASSES, cl->pos[i], "", "user class names", msg) < 0) {
            snprintf(err, errlen, "hornet: user classes: %s", msg);
            return -1;
        }
    }
    return 0;
}

static int cl_apply(struct parse_ctx *c, const struct cmdline *cl, char *err, size_t errlen)
{
    char label[64];

    c->src = SRC_CMDLINE;
    for (size_t i = 0; i < cl->n_opts; i++) {
        const struct opt_spec *s = cl->opts[i].spec;

        if (apply(c, s, cl->opts[i].value, cmdline_label(s, label, sizeof label), err,
                  errlen) < 0)
            return -1;
    }
    return cl_positionals(c, cl, err, errlen);
}

/* ---- putting it together ------------------------------------------------------------------ */

static void defaults(struct options *o)
{
    memset(o, 0, sizeof *o);
    o->users = 1;
    o->spawn_rate = 1;
    o->exit_code_on_error = 1;
    o->loglevel = xstrdup("INFO");
    o->debug_requests = OPTIONS_DEFAULT_DEBUG_REQUESTS;
    o->master_host = xstrdup("127.0.0.1");
    o->master_port = OPTIONS_DEFAULT_MASTER_PORT;
    o->master_bind_host = xstrdup("*");
    o->master_bind_port = OPTIONS_DEFAULT_MASTER_PORT;
    o->expect_workers = 1;
}

/* The config file: --config (last one), else HORNET_CONFIG, else ./hornet.conf if present. */
static int config_choose(struct parse_ctx *c, const struct cmdline *cl, char **envp,
                         char *err, size_t errlen)
{
    const char *path = NULL, *from = "--config";

    for (size_t i = 0; i < cl->n_opts; i++) {
        if (is_named(cl->opts[i].spec, "config"))
            path = cl->opts[i].value;
    }
    if (!path && (path = env_get(envp, ENV_PREFIX "CONFIG")) != NULL)
        from = ENV_PREFIX "CONFIG";
    if (path && *path == '\0') {
        snprintf(err, errlen, "hornet: %s: expected a file name, got ''", from);
        return -1;
    }
    if (!path && access(OPTIONS_DEFAULT_CONFIG, F_OK) == 0)
        path = OPTIONS_DEFAULT_CONFIG;
    if (!path)
        return 0;
    replace_string(&c->o->config, path);
    return config_read(c, path, from, err, errlen);
}

/* Checks on the merged result. */
static int final_checks(const struct options *o, char *err, size_t errlen)
{
    if (o->csv_full_history && !o->csv_prefix) {
        snprintf(err, errlen, "hornet: '--csv-full-history' requires '--csv'.");
        return -1;
    }
    if (o->failures_seen_columns && !o->csv_prefix) {
        snprintf(err, errlen, "hornet: '--csv-failures-seen' requires '--csv'.");
        return -1;
    }
    if (o->key && !o->cert) {
        snprintf(err, errlen, "hornet: '--key' requires '--cert'.");
        return -1;
    }
    if ((o->metrics_host || o->metrics_linger > 0) && !o->metrics_port_set) {
        snprintf(err, errlen, "hornet: '--%s' requires '--metrics-port'.",
                 o->metrics_host ? "metrics-host" : "metrics-linger");
        return -1;
    }
    if (o->worker && o->master) {
        snprintf(err, errlen, "hornet: --worker and --master exclude each other: a node is "
                 "one or the other");
        return -1;
    }
    if (o->worker && o->master_port == 0) {
        snprintf(err, errlen, "hornet: --master-port: a worker needs the master's port, got 0");
        return -1;
    }
    if (!o->scenario) {
        snprintf(err, errlen, "hornet: no scenario file given "
                 "(usage: hornet [options] SCENARIO.json [UserClass ...]; see hornet --help)");
        return -1;
    }
    return 0;
}

int options_parse(struct options *o, int argc, char **argv, char **envp, char *err,
                  size_t errlen)
{
    struct parse_ctx c = {.o = o};
    struct cmdline cl = {0};
    int rc = -1;

    memset(o, 0, sizeof *o);
    if (cl_wants_info(o, argc, argv))
        return 0;
    defaults(o);
    if (cl_scan(&cl, argc, argv, err, errlen) == 0
        && config_choose(&c, &cl, envp, err, errlen) == 0
        && env_apply(&c, envp, err, errlen) == 0
        && cl_apply(&c, &cl, err, errlen) == 0
        && final_checks(o, err, errlen) == 0)
        rc = 0;
    free(cl.opts);
    free(cl.pos);
    if (rc < 0)
        options_free(o);
    return rc;
}

void options_free(struct options *o)
{
    char **strings[] = {&o->scenario, &o->host, &o->csv_prefix, &o->loglevel, &o->logfile,
                        &o->config, &o->report_md, &o->report_html, &o->cacert, &o->cert,
                        &o->key, &o->json_file, &o->junit, &o->metrics_host, &o->master_host,
                        &o->master_bind_host};

    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(*strings[i]);
    list_clear(&o->tags, &o->n_tags);
    list_clear(&o->exclude_tags, &o->n_exclude_tags);
    list_clear(&o->target_options, &o->n_target_options);
    list_clear(&o->classes, &o->n_classes);
    memset(o, 0, sizeof *o);
}

/* ---- --help ------------------------------------------------------------------------------ */

#define HELP_WIDTH 79
#define HELP_COL 24

/* Print text word-wrapped from column `col` (the cursor is already there). */
static void wrap(FILE *out, const char *text, int col)
{
    int x = col;

    while (*text) {
        size_t w = strcspn(text, " ");

        if (x > col && x + 1 + (int)w > HELP_WIDTH) {
            fprintf(out, "\n%*s", col, "");
            x = col;
        } else if (x > col) {
            fputc(' ', out);
            x++;
        }
        fprintf(out, "%.*s", (int)w, text);
        x += (int)w;
        text += w;
        text += strspn(text, " ");
    }
    fputc('\n', out);
}

static void usage_option(FILE *out, const struct opt_spec *s)
{
    char names[160];
    int n = 0;
    const char *mv = s->metavar ? s->metavar : "";
    const char *sp = s->metavar ? " " : "";

    if (s->short_name)
        n += snprintf(names + n, sizeof names - (size_t)n, "-%c%s%s, ", s->short_name, sp, mv);
    n += snprintf(names + n, sizeof names - (size_t)n, "--%s%s%s", s->name, sp, mv);
    if (s->alias)
        snprintf(names + n, sizeof names - (size_t)n, ", --%s%s%s", s->alias, sp, mv);
    if ((int)strlen(names) + 2 <= HELP_COL - 2)
        fprintf(out, "  %-*s", HELP_COL - 2, names);
    else
        fprintf(out, "  %s\n%*s", names, HELP_COL, "");
    wrap(out, s->help, HELP_COL);
}

static const char *const GROUP_TITLES[GROUP_COUNT] = {
    "Common options", "Tag options", "TLS options", "Request statistics options",
    "Targets and reports", "Metrics endpoint (Prometheus)", "Logging options",
    "Distributed runs (Locust's master/worker protocol)", "Other options",
};

static const char USAGE_TAIL[] =
    "User classes:\n"
    "  UserClass ...         Only run these user classes of the scenario (default:\n"
    "                        all of them, by their weights).\n"
    "\n"
    "Configuration:\n"
    "  Every option can also be set in the environment as HORNET_<OPTION>, upper\n"
    "  case with dashes as underscores (HORNET_USERS=100, HORNET_SPAWN_RATE=10,\n"
    "  HORNET_RUN_TIME=5m, HORNET_HEADLESS=true, HORNET_TAGS=a,b,\n"
    "  HORNET_USER_CLASSES=\"A B\"), and in a config file: --config FILE (or\n"
    "  HORNET_CONFIG), else ./" OPTIONS_DEFAULT_CONFIG " when it exists. A config file has one\n"
    "  'key = value' per line with the long option names as keys (users = 100,\n"
    "  spawn-rate = 10, run-time = 10m, headless = true, tags = [a, b]); lines\n"
    "  starting with '#' or ';' are comments. Booleans: true/false, yes/no, on/off,\n"
    "  1/0 (on the command line too: --headless=false).\n"
    "  Precedence: command line > environment > config file > scenario > defaults.\n"
    "  Empty HORNET_ variables, and those that name no option (HORNET_PASSWORD read\n"
    "  by a scenario through ${env:...}), are ignored. A unique prefix of a long\n"
    "  option works (--user for --users). Tags take one value per option:\n"
    "  -T a -T b or -T a,b.\n"
    "\n"
    "Exit codes:\n"
    "  0 success; 1 a target failed or, without targets, a request failed (see\n"
    "  --exit-code-on-error); 2 usage or scenario error; 3 internal error; 4 a\n"
    "  requested output file (--json-file, --junit) could not be written.\n"
    "\n"
    "Examples:\n"
    "\n"
    "    hornet scenarios/deployments.json\n"
    "\n"
    "    hornet --headless -u 50 -r 25 -t 20s --csv out/run \\\n"
    "        scenarios/deployments.json\n"
    "\n"
    "    hornet --headless -t 30s --report out/r.md --html out/r.html \\\n"
    "        -H http://localhost:8000 scenarios/cab_approvals.json CABApprovalUser\n"
    "\n"
    "A distributed run: a master (hornet's, or Locust's with the stub locustfile\n"
    "that hornet locustfile writes) and worker nodes:\n"
    "\n"
    "    hornet --master --expect-workers 2 scenarios/deployments.json\n"
    "    hornet --worker --master-host 10.0.0.5 scenarios/deployments.json\n"
    "\n"
    "    hornet locustfile scenarios/deployments.json > master.py\n"
    "    locust -f master.py --master\n"
    "\n"
    "Reports of an earlier run (hornet's or Locust's CSV files):\n"
    "\n"
    "    hornet report out/run --scenario scenarios/deployments.json \\\n"
    "        --report out/r.md --html out/r.html\n"
    "        (hornet report --help for its options)\n"
    "\n"
    "A campaign: several scenarios one after the other, then the results document:\n"
    "\n"
    "    hornet campaign scenarios/campaign.json --out results/ --headless -t 20s\n"
    "    hornet report --campaign results/\n"
    "        (hornet campaign --help for its options)\n";

void options_usage(FILE *out)
{
    fputs("Usage: hornet [options] SCENARIO.json [UserClass ...]\n\n"
          "hornet runs the virtual users of a scenario file against an HTTP API and shows\n"
          "live what the target does (a dashboard, or a console table with --headless).\n"
          "It writes Locust-compatible CSV files and a Markdown or HTML report with the\n"
          "verdict of the scenario's targets.\n", out);
    for (int g = 0; g < GROUP_COUNT; g++) {
        fprintf(out, "\n%s:\n", GROUP_TITLES[g]);
        for (size_t i = 0; i < N_OPTIONS; i++) {
            if (OPTIONS[i].group == (enum opt_group)g && OPTIONS[i].help)
                usage_option(out, &OPTIONS[i]);
        }
    }
    fputc('\n', out);
    fputs(USAGE_TAIL, out);
}
