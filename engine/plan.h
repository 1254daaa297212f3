/* plan: what the workers execute, prepared once from a scenario: per class, every step with
 * its merged header list (class defaults overridden by the step's own), its timeout, and the
 * cumulative task weights for picking a task. Built by the engine before the threads start;
 * read-only afterwards, shared by every worker. */
#ifndef HORNET_PLAN_H
#define HORNET_PLAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "scenario.h"

struct trace;       /* trace.h */
struct user_var;    /* template.h */

struct feeder_cursor {
    _Atomic uint64_t next;
};

struct step_plan {
    const struct step *step;
    const struct kv_tmpl **headers;     /* class headers not overridden, then the step's */
    uint32_t n_headers;
    uint32_t n_class_headers;           /* headers[0 .. n_class_headers) come from the class */
    bool has_content_type;              /* the scenario sets Content-Type itself */
    int32_t user_agent;                 /* index in headers of a User-Agent header, or -1 */
    long timeout_ms;
};

struct seq_plan {
    struct step_plan *steps;
    uint32_t n;
};

struct class_plan {
    const struct user_class *cls;
    struct seq_plan on_start, on_stop;
    struct seq_plan *tasks;
    double *task_cum;                   /* cumulative weights, task_cum[n_tasks-1] = total */
    uint32_t n_tasks;
};

struct plan {
    const struct scenario *scn;
    struct class_plan *classes;
    uint32_t n_classes;
    char *host;                         /* base URL without a trailing slash */
    size_t host_len;
    double stop_timeout;
    uint64_t seed;
    struct feeder_cursor *feeder_cursor;    /* FEEDER_CYCLE: next row, shared by every user */
    bool proxy_env;                     /* a proxy variable (http_proxy, ...) is set: libcurl
                                           must read the environment at each transfer */
    struct trace *trace;                /* request tracing (off unless plan_set_trace) */
    const struct user_var *shared;      /* what setup captured (engine_config.shared), or NULL */
    struct scenario_tls tls;            /* how https targets are trusted (engine_config.tls;
                                           paths borrowed) */
};

/* NULL with a message on allocation failure or a bad host ("expected http://host[:port]").
 * Reads the proxy environment variables once (plan->proxy_env). */
struct plan *plan_create(const struct scenario *scn, const char *host, double stop_timeout,
                         uint64_t seed, char *err, size_t errlen);
void plan_free(struct plan *p);

/* Point the users at another host (a Locust master's host in its spawn). Only while no user
 * exists: users read plan->host when they build a URL, and the next user's start reaches its
 * worker through the command queue, which orders the change before it. 0, or -1 with a
 * message (a bad host or out of memory: the host stays). Control thread. */
int plan_set_host(struct plan *p, const char *host, char *err, size_t errlen);

/* Trace the first `requests` requests of the run into sink(arg, text) (trace.h); sink NULL or
 * requests 0: no tracing. Before the workers start. */
void plan_set_trace(struct plan *p, void (*sink)(void *arg, const char *text), void *arg,
                    uint32_t requests);

/* Whether header i of sp goes out with a request: a class default header only once every
 * variable it reads is set (so the login goes without "Authorization: Token ${token}"). */
bool plan_header_sent(const struct step_plan *sp, uint32_t i, const struct user_var *vars);

/* The plan of steps[0 .. n) of class cls (its default headers merged, timeouts resolved) into
 * out; a fixture is planned this way too (its cls carries its default headers). -1 on OOM
 * (plan_sequence_free(out) frees what was made). */
int plan_sequence(const struct scenario *scn, const struct user_class *cls,
                  const struct step *steps, uint32_t n, struct seq_plan *out);
void plan_sequence_free(struct seq_plan *s);

/* Pick a task index of class c with r uniform in [0, 1). */
uint32_t plan_pick_task(const struct class_plan *c, double r);

#endif
