/* cli: hornet-target's command line ("--name value" or "--name=value"). Pure; main thread. */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "target.h"

enum opt_kind { OPT_FLAG, OPT_VALUE };

struct opt {
    const char *name;
    char short_name;
    enum opt_kind kind;
    const char *expect;         /* what a bad value should have been */
};

static const struct opt opts[] = {
    {"listen", 0, OPT_VALUE, "a numeric address such as 127.0.0.1 or ::1"},
    {"port", 'p', OPT_VALUE, "a port number 0..65535"},
    {"seed", 0, OPT_VALUE, "a whole number >= 0"},
    {"latency", 0, OPT_VALUE, NULL},
    {"no-latency", 0, OPT_FLAG, NULL},
    {"error-rate", 0, OPT_VALUE, NULL},
    {"max-objects", 0, OPT_VALUE, "a whole number 1..10000000"},
    {"max-header-bytes", 0, OPT_VALUE, "a size 256..81920 (suffix k allowed)"},
    {"max-body-bytes", 0, OPT_VALUE, "a size up to 1g (suffixes k, m, g allowed)"},
    {"idle-timeout", 0, OPT_VALUE, "seconds > 0"},
    {"request-timeout", 0, OPT_VALUE, "seconds > 0"},
    {"job-phase", 0, OPT_VALUE, "seconds >= 0"},
    {"job-failure-rate", 0, OPT_VALUE, "a rate between 0 and 1"},
    {"db-pool-size", 0, OPT_VALUE, "a whole number 1..10000"},
    {"celery-workers", 0, OPT_VALUE, "a whole number 0..256"},
    {"celery-rate", 0, OPT_VALUE, "tasks per second per worker, 0..1000000"},
    {"stall", 0, OPT_VALUE, NULL},
    {"cab-auto-approve", 0, OPT_FLAG, NULL},
    {"quiet", 'q', OPT_FLAG, NULL},
    {"help", 'h', OPT_FLAG, NULL},
    {"version", 'V', OPT_FLAG, NULL},
};
enum { N_OPTS = sizeof opts / sizeof opts[0] };

void target_usage(FILE *out)
{
    fputs("usage: hornet-target [options]\n"
          "A simulator of the endpoint-management platform's API (deployments, CAB approvals,\n"
          "connectors) for hornet to load. Serves HTTP/1.1 until SIGINT/SIGTERM, then prints\n"
          "what it served per route and status on stderr.\n\n"
          "  --listen ADDR              address to listen on (default 127.0.0.1; also ::1)\n"
          "  -p, --port N               port (default 8000; 0 picks a free one, printed)\n"
          "  --seed N                   random seed for ids, tokens, jitter, errors (default 1)\n"
          "  --latency ROUTE=BASE[,JIT] latency of a route in ms: BASE plus an exponential of\n"
          "                             mean JIT; ROUTE is all or one of: health, auth_token,\n"
          "                             deployment_create, deployment_list, deployment_get,\n"
          "                             deployment_patch, approval_list, approval_approve,\n"
          "                             approval_reject, approval_bulk, events, connector_list,\n"
          "                             connector_publish, connector_job, stats, other\n"
          "                             (repeatable)\n"
          "  --no-latency               answer every route at once (before any --latency)\n"
          "  --error-rate PLANE=RATE    share 0..1 of publishes to PLANE answered 503; PLANE\n"
          "                             is all, intune, jamf, sccm, landscape or ansible\n"
          "                             (repeatable)\n"
          "  --max-objects N            objects kept per kind, oldest evicted (default 100000)\n"
          "  --max-header-bytes N       larger request heads get 431 (default 16k, max 80k)\n"
          "  --max-body-bytes N         larger bodies get 413 (default 1m)\n"
          "  --idle-timeout S           close idle keep-alive connections (default 60)\n"
          "  --request-timeout S        408 for a request still incomplete after S (default 30)\n"
          "  --job-phase S              publish jobs stay queued, then running, S each (0.5)\n"
          "  --job-failure-rate RATE    share of publish jobs that fail (default 0.02)\n"
          "  --db-pool-size N           database connections; requests beyond wait for one\n"
          "                             (default 100)\n"
          "  --celery-workers N         Celery workers draining the task queues (default 4;\n"
          "                             0: queues only grow)\n"
          "  --celery-rate R            tasks per second each worker runs (default 50)\n"
          "  --stall S,P                freeze every answer S seconds every P seconds (the\n"
          "                             last S of each period; default none)\n"
          "  --cab-auto-approve         new deployments are approved at once: no approval is\n"
          "                             ever pending\n"
          "  -q, --quiet                no log lines (the final counts still print)\n"
          "  -h, --help                 this text\n"
          "  -V, --version              the version\n\n"
          "Paths keep Django's trailing slash and are never redirected: /api/v1/health is a\n"
          "404. GET /api/v1/_stats/ reports the counts as JSON; GET /metrics the simulated\n"
          "backend (database pool, Redis, Celery) in Prometheus's format; POST\n"
          "/api/v1/_control/ {\"celery_workers\": 0} changes the backend's settings live,\n"
          "{\"plane_error_rate\": {\"jamf\": 1}} takes a connector plane down, and\n"
          "{\"stall\": [1, 5]} freezes answers 1 s every 5 s.\n", out);
}

static const struct opt *find_opt(const char *arg, size_t len)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        if (len == 1 && opts[i].short_name == arg[0])
            return &opts[i];
        if (strlen(opts[i].name) == len && !strncmp(opts[i].name, arg, len))
            return &opts[i];
    }
    return NULL;
}

static int parse_u64(const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!*text || *text < '0' || *text > '9')
        return -1;
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_size(const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char digits[32];
    size_t n = strlen(text);
    uint64_t mult = 1, v;

    if (n == 0 || n >= sizeof digits)
        return -1;
    memcpy(digits, text, n + 1);
    switch (digits[n - 1]) {
    case 'k': case 'K': mult = 1024; break;
    case 'm': case 'M': mult = 1024 * 1024; break;
    case 'g': case 'G': mult = 1024 * 1024 * 1024; break;
    default: break;
    }
    if (mult > 1)
        digits[n - 1] = '\0';
    if (parse_u64(digits, 0, UINT64_MAX / mult, &v) || v * mult < lo || v * mult > hi)
        return -1;
    *out = v * mult;
    return 0;
}

/* A number in [0, hi] (or (0, hi] unless allow_zero). */
static int parse_real(const char *text, bool allow_zero, double hi, double *out)
{
    char *end;
    double v;

    if (!*text || *text == ' ')
        return -1;
    errno = 0;
    v = strtod(text, &end);
    if (errno || *end || !isfinite(v) || v < 0 || v > hi || (!allow_zero && v == 0))
        return -1;
    *out = v;
    return 0;
}

/* Apply one option with its value (NULL for flags). 0, or -1 with a message. */
static int apply_opt(struct target_config *c, const struct opt *o, const char *v,
                     enum target_action *action, char *err, size_t errlen)
{
    const char *n = o->name;
    uint64_t u = 0;
    int bad = 0;

    if (!strcmp(n, "listen"))
        c->listen_addr = v, bad = !*v;
    else if (!strcmp(n, "port"))
        bad = parse_u64(v, 0, 65535, &u), c->port = (int)u;
    else if (!strcmp(n, "seed"))
        bad = parse_u64(v, 0, UINT64_MAX, &c->seed);
    else if (!strcmp(n, "latency"))
        return target_config_latency(c, v, err, errlen);
    else if (!strcmp(n, "error-rate"))
        return target_config_error_rate(c, v, err, errlen);
    else if (!strcmp(n, "max-objects"))
        bad = parse_u64(v, 1, TARGET_MAX_OBJECTS_LIMIT, &u), c->max_objects = (uint32_t)u;
    else if (!strcmp(n, "max-header-bytes"))
        bad = parse_size(v, 256, TARGET_MAX_HEADER_LIMIT, &u), c->max_header_bytes = u;
    else if (!strcmp(n, "max-body-bytes"))
        bad = parse_size(v, 0, TARGET_MAX_BODY_LIMIT, &u), c->max_body_bytes = u;
    else if (!strcmp(n, "idle-timeout"))
        bad = parse_real(v, false, 1e6, &c->idle_timeout_s);
    else if (!strcmp(n, "request-timeout"))
        bad = parse_real(v, false, 1e6, &c->request_timeout_s);
    else if (!strcmp(n, "job-phase"))
        bad = parse_real(v, true, 1e6, &c->job_phase_s);
    else if (!strcmp(n, "job-failure-rate"))
        bad = parse_real(v, true, 1, &c->job_failure_rate);
    else if (!strcmp(n, "db-pool-size"))
        bad = parse_u64(v, 1, TARGET_DB_POOL_LIMIT, &u), c->db_pool_size = (uint32_t)u;
    else if (!strcmp(n, "celery-workers"))
        bad = parse_u64(v, 0, TARGET_CELERY_WORKERS_LIMIT, &u), c->celery_workers = (uint32_t)u;
    else if (!strcmp(n, "celery-rate"))
        bad = parse_real(v, true, TARGET_CELERY_RATE_LIMIT, &c->celery_rate);
    else if (!strcmp(n, "stall"))
        return target_config_stall(c, v, err, errlen);
    else if (!strcmp(n, "cab-auto-approve"))
        c->cab_auto_approve = true;
    else if (!strcmp(n, "quiet"))
        c->quiet = true;
    else if (!strcmp(n, "help"))
        *action = TARGET_ACTION_HELP;
    else if (!strcmp(n, "version"))
        *action = TARGET_ACTION_VERSION;
    if (bad)
        snprintf(err, errlen, "--%s: expected %s, got '%s'", n, o->expect, v);
    return bad ? -1 : 0;
}

/* Split argv[*i] into its option and value (consuming the next argument when needed). */
static int next_opt(int argc, char **argv, int *i, const struct opt **o, const char **value,
                    char *err, size_t errlen)
{
    const char *arg = argv[*i], *name, *eq;
    size_t len;

    if (arg[0] != '-' || arg[1] == '\0' || (arg[1] != '-' && arg[2] != '\0')) {
        snprintf(err, errlen, "unexpected argument '%s' (try --help)", arg);
        return -1;
    }
    name = arg[1] == '-' ? arg + 2 : arg + 1;
    eq = strchr(name, '=');
    len = eq ? (size_t)(eq - name) : strlen(name);
    *o = find_opt(name, len);
    if (!*o || (arg[1] == '-' && len == 1)) {
        snprintf(err, errlen, "unknown option '%s' (try --help)", arg);
        return -1;
    }
    *value = NULL;
    if ((*o)->kind == OPT_FLAG) {
        if (eq)
            snprintf(err, errlen, "--%s takes no value", (*o)->name);
        return eq ? -1 : 0;
    }
    if (eq)
        *value = eq + 1;
    else if (*i + 1 < argc)
        *value = argv[++*i];
    else {
        snprintf(err, errlen, "--%s: missing value", (*o)->name);
        return -1;
    }
    return 0;
}

int target_config_parse_args(struct target_config *c, int argc, char **argv,
                             enum target_action *action, char *err, size_t errlen)
{
    char msg[240];

    *action = TARGET_ACTION_RUN;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--no-latency"))
            target_config_no_latency(c);
    }
    for (int i = 1; i < argc; i++) {
        const struct opt *o;
        const char *value;
        if (next_opt(argc, argv, &i, &o, &value, msg, sizeof msg) ||
            apply_opt(c, o, value, action, msg, sizeof msg)) {
            snprintf(err, errlen, "hornet-target: %s", msg);
            return -1;
        }
    }
    return 0;
}
