/* plan: steps with merged headers and task weights, prepared before the workers start.
 * Built on the main thread; read-only afterwards (the tracer it holds counts atomically). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "plan.h"
#include "template.h"
#include "trace.h"

#define DEFAULT_TIMEOUT_S 30.0

static bool overridden(const struct step *st, const char *name)
{
    for (uint32_t i = 0; i < st->n_headers; i++)
        if (strcasecmp(st->headers[i].name, name) == 0)
            return true;
    return false;
}

static int plan_step(const struct scenario *scn, const struct user_class *cls,
                     const struct step *st, struct step_plan *sp)
{
    uint32_t n = 0;
    double timeout = st->timeout > 0 ? st->timeout
                     : scn->timeout > 0 ? scn->timeout : DEFAULT_TIMEOUT_S;

    sp->step = st;
    sp->timeout_ms = (long)(timeout * 1000.0 + 0.5);
    sp->headers = calloc((size_t)cls->n_headers + st->n_headers + 1, sizeof *sp->headers);
    if (!sp->headers)
        return -1;
    for (uint32_t i = 0; i < cls->n_headers; i++)
        if (!overridden(st, cls->headers[i].name))
            sp->headers[n++] = &cls->headers[i];
    sp->n_class_headers = n;
    for (uint32_t i = 0; i < st->n_headers; i++)
        sp->headers[n++] = &st->headers[i];
    sp->n_headers = n;
    sp->user_agent = -1;
    for (uint32_t i = 0; i < n; i++) {
        if (strcasecmp(sp->headers[i]->name, "Content-Type") == 0)
            sp->has_content_type = true;
        if (strcasecmp(sp->headers[i]->name, "User-Agent") == 0)
            sp->user_agent = (int32_t)i;
    }
    return 0;
}

int plan_sequence(const struct scenario *scn, const struct user_class *cls,
                    const struct step *steps, uint32_t n, struct seq_plan *out)
{
    out->n = n;
    out->steps = calloc(n ? n : 1, sizeof *out->steps);
    if (!out->steps)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        if (plan_step(scn, cls, &steps[i], &out->steps[i]) < 0)
            return -1;
    return 0;
}

static int plan_class(const struct scenario *scn, const struct user_class *cls,
                      struct class_plan *cp)
{
    double cum = 0.0;

    cp->cls = cls;
    cp->n_tasks = cls->n_tasks;
    cp->tasks = calloc(cls->n_tasks ? cls->n_tasks : 1, sizeof *cp->tasks);
    cp->task_cum = calloc(cls->n_tasks ? cls->n_tasks : 1, sizeof *cp->task_cum);
    if (!cp->tasks || !cp->task_cum)
        return -1;
    if (plan_sequence(scn, cls, cls->on_start, cls->n_on_start, &cp->on_start) < 0 ||
        plan_sequence(scn, cls, cls->on_stop, cls->n_on_stop, &cp->on_stop) < 0)
        return -1;
    for (uint32_t t = 0; t < cls->n_tasks; t++) {
        if (plan_sequence(scn, cls, cls->tasks[t].steps, cls->tasks[t].n_steps,
                          &cp->tasks[t]) < 0)
            return -1;
        cum += cls->tasks[t].weight;
        cp->task_cum[t] = cum;
    }
    return 0;
}

/* The variables libcurl 7.x/8.x reads for a proxy of http and https URLs (detect_proxy): when
 * none is set, the engine tells libcurl so once per handle instead of at every transfer. */
static bool proxy_env_set(void)
{
    static const char *const names[] = {"http_proxy", "https_proxy", "HTTPS_PROXY",
                                        "all_proxy", "ALL_PROXY"};

    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        if (v && *v)
            return true;
    }
    return false;
}

static int check_host(const char *host, char *err, size_t errlen)
{
    if (strncmp(host, "http://", 7) == 0 && host[7])
        return 0;
    if (strncmp(host, "https://", 8) == 0 && host[8])
        return 0;
    snprintf(err, errlen, "host '%s': expected http://HOST[:PORT] or https://HOST[:PORT]", host);
    return -1;
}

/* host without its trailing slashes into p. -1 when out of memory. */
static int take_host(struct plan *p, const char *host)
{
    char *copy = strdup(host);

    if (!copy)
        return -1;
    free(p->host);
    p->host = copy;
    p->host_len = strlen(p->host);
    while (p->host_len > 0 && p->host[p->host_len - 1] == '/')
        p->host[--p->host_len] = '\0';
    return 0;
}

int plan_set_host(struct plan *p, const char *host, char *err, size_t errlen)
{
    if (check_host(host, err, errlen) < 0)
        return -1;
    if (take_host(p, host) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

struct plan *plan_create(const struct scenario *scn, const char *host, double stop_timeout,
                         uint64_t seed, char *err, size_t errlen)
{
    struct plan *p;

    if (check_host(host, err, errlen) < 0)
        return NULL;
    p = calloc(1, sizeof *p);
    if (!p)
        goto oom;
    p->scn = scn;
    p->stop_timeout = stop_timeout;
    p->seed = seed;
    p->proxy_env = proxy_env_set();
    p->classes = calloc(scn->n_classes ? scn->n_classes : 1, sizeof *p->classes);
    p->feeder_cursor = calloc(scn->n_feeders ? scn->n_feeders : 1, sizeof *p->feeder_cursor);
    p->trace = trace_create();
    if (take_host(p, host) < 0 || !p->classes || !p->feeder_cursor || !p->trace)
        goto oom;
    p->n_classes = scn->n_classes;
    for (uint32_t c = 0; c < scn->n_classes; c++)
        if (plan_class(scn, &scn->classes[c], &p->classes[c]) < 0)
            goto oom;
    return p;
oom:
    plan_free(p);
    snprintf(err, errlen, "out of memory preparing the scenario");
    return NULL;
}

void plan_sequence_free(struct seq_plan *s)
{
    for (uint32_t i = 0; s->steps && i < s->n; i++)
        free(s->steps[i].headers);
    free(s->steps);
    s->steps = NULL;
    s->n = 0;
}

void plan_free(struct plan *p)
{
    if (!p)
        return;
    for (uint32_t c = 0; p->classes && c < p->n_classes; c++) {
        struct class_plan *cp = &p->classes[c];
        plan_sequence_free(&cp->on_start);
        plan_sequence_free(&cp->on_stop);
        for (uint32_t t = 0; cp->tasks && t < cp->n_tasks; t++)
            plan_sequence_free(&cp->tasks[t]);
        free(cp->tasks);
        free(cp->task_cum);
    }
    free(p->classes);
    free(p->feeder_cursor);
    free(p->host);
    trace_free(p->trace);
    free(p);
}

void plan_set_trace(struct plan *p, void (*sink)(void *arg, const char *text), void *arg,
                    uint32_t requests)
{
    trace_configure(p->trace, sink, arg, requests);
}

bool plan_header_sent(const struct step_plan *sp, uint32_t i, const struct user_var *vars)
{
    return i >= sp->n_class_headers || tmpl_vars_set(sp->headers[i]->value, vars);
}

uint32_t plan_pick_task(const struct class_plan *c, double r)
{
    double x = r * c->task_cum[c->n_tasks - 1];
    uint32_t lo = 0, hi = c->n_tasks - 1;

    while (lo < hi) {               /* first index with task_cum > x */
        uint32_t mid = (lo + hi) / 2;
        if (c->task_cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}
