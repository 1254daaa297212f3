/* locust_worker: hornet as a worker node of a Locust master (see locust_worker.h): the
 * handshake with back-off, heartbeats with this process's CPU and memory, 3-second reports of
 * the intervals the collector merged, and the master's spawn, stop, quit and reconnect.
 *
 * Runs on the engine's control thread, on its loop; libzmq's I/O thread is the only other. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "locust_link.h"
#include "locust_report.h"
#include "locust_worker.h"
#include "procstat.h"

struct locust_worker {
    struct ev_loop *loop;
    struct locust_link *link;
    char node[LOCUST_LINK_NODE_ID_MAX];
    char addr[300];                 /* "tcp://host:port", for the log */
    const struct scenario *scn;
    struct locust_worker_ops ops;
    struct locust_report *report;
    const char **methods, **names;  /* the scenario's endpoints, for the report */
    ev_timer heartbeat, reporter, retry;
    double retry_wait;              /* s until the next client_ready while no ack came */
    int attempts;
    bool connected;                 /* the TCP connection to the master is up */
    bool acked;                     /* the master knows this worker */
    bool lost;                      /* the master went away during the conversation */
    bool spawned;                   /* a spawn came: Locust 2.12's total has a method then */
    bool answer_stop;               /* a stop to answer once the users are done */
    bool quitting;                  /* the master said quit: its going away is expected */
    bool quit_sent;
    int64_t index;
    double last_spawn;              /* the master's timestamp of the last spawn applied */
    double last_master_heartbeat;   /* 0: none (a master before 2.19 sends none) */
    enum run_state state;           /* the engine's, as of its last update */
    uint32_t *counts;               /* users per scenario class, as of the last update */
    double cpu_time;                /* the last CPU sample: when, and the CPU seconds then */
    double cpu_seconds;
};

static double wall_now(struct locust_worker *w)
{
    return ev_now(w->loop);
}

static void say(struct locust_worker *w, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(struct locust_worker *w, int level, const char *fmt, ...)
{
    char text[SNAP_TEXT_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    w->ops.log(w->ops.arg, level, text);
}

static void send_msg(struct locust_worker *w, struct locust_msg m)
{
    char err[256];

    m.node_id = w->node;
    if (locust_link_send_msg(w->link, NULL, &m, err, sizeof err) < 0)
        say(w, EVENT_WARN, "Could not send %s to the master: %s", locust_msg_type_name(m.type),
            err);
}

static void send_ready(struct locust_worker *w)
{
    send_msg(w, (struct locust_msg){.type = LOCUST_MSG_CLIENT_READY,
                                    .version = {.kind = LOCUST_VALUE_INT, .i = -1}});
}

/* ---- reports and heartbeats ---- */

static void send_report(struct locust_worker *w)
{
    struct locust_class_count *classes = calloc(w->scn->n_classes + 1, sizeof *classes);
    struct locust_report_meta meta = {
        .node_id = w->node, .classes = classes, .n_classes = w->scn->n_classes,
        .total_method_nil = !w->spawned, .keys = LOCUST_KEYS_FLOAT, .with_hdr = true};
    void *frame;
    size_t len;
    char err[256];

    if (!classes) {
        say(w, EVENT_ERROR, "Out of memory building a stats report: it waits for the next");
        return;
    }
    for (uint32_t k = 0; k < w->scn->n_classes; k++) {
        classes[k] = (struct locust_class_count){w->scn->classes[k].name, w->counts[k]};
        meta.user_count += w->counts[k];
    }
    if (locust_report_encode(w->report, &meta, wall_now(w), &frame, &len, err, sizeof err) < 0)
        say(w, EVENT_ERROR, "Stats report not sent: %s", err);
    else if (locust_link_send(w->link, NULL, frame, len, err, sizeof err) < 0)
        say(w, EVENT_WARN, "Stats report not sent: %s", err);
    if (frame && len)
        free(frame);
    free(classes);
}

/* This process's CPU use since the last sample, in % of one core (getrusage: microseconds,
 * where /proc's ticks are 10 ms, a whole percent of a heartbeat's second), and its resident
 * memory. */
static double cpu_sample(struct locust_worker *w, int64_t *rss)
{
    struct procstat_pid p;
    struct rusage ru;
    double now = ev_time(), pct = 0.0, cpu;

    if (getrusage(RUSAGE_SELF, &ru) < 0)
        return 0.0;
    cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
          (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    if (w->cpu_time > 0 && now > w->cpu_time)
        pct = (cpu - w->cpu_seconds) / (now - w->cpu_time) * 100.0;
    w->cpu_time = now;
    w->cpu_seconds = cpu;
    if (procstat_read_pid("/proc", "self", &p) == 0)
        *rss = (int64_t)(p.rss_pages * (uint64_t)sysconf(_SC_PAGESIZE));
    return pct;
}

static enum locust_state heartbeat_state(enum run_state s)
{
    return s == RUN_READY ? LOCUST_STATE_READY : s == RUN_STOPPED ? LOCUST_STATE_STOPPED
                                                                  : LOCUST_STATE_RUNNING;
}

static void master_lost(struct locust_worker *w, const char *why);

static void heartbeat_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct locust_worker *w = t->data;
    int64_t rss = 0;
    double cpu = cpu_sample(w, &rss);

    (void)loop;
    (void)revents;
    if (w->last_master_heartbeat > 0 &&
        wall_now(w) - w->last_master_heartbeat > LOCUST_WORKER_MASTER_TIMEOUT) {
        master_lost(w, "no heartbeat from it for 60 s");
        return;
    }
    send_msg(w, (struct locust_msg){
        .type = LOCUST_MSG_HEARTBEAT,
        .heartbeat = {.state = heartbeat_state(w->state), .cpu_usage = cpu, .has_memory = true,
                      .memory_usage = rss}});
}

static void reporter_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    (void)loop;
    (void)revents;
    send_report(t->data);
}

/* ---- the conversation ---- */

/* No ack yet: ask again (when the master's port answers), backing off. */
static void retry_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct locust_worker *w = t->data;

    (void)revents;
    if (w->acked)
        return;
    w->attempts++;
    if (w->connected) {
        say(w, EVENT_WARN, "The master at %s does not answer (attempt %d): asking again in "
            "%.0f s", w->addr, w->attempts, w->retry_wait);
        send_ready(w);
    } else {
        say(w, EVENT_WARN, "No master at %s yet (attempt %d): trying again in %.0f s", w->addr,
            w->attempts, w->retry_wait);
    }
    ev_timer_set(t, w->retry_wait, 0.0);
    ev_timer_start(loop, t);
    w->retry_wait = fmin(w->retry_wait * 2, LOCUST_WORKER_RETRY_MAX);
}

static void wait_for_ack(struct locust_worker *w)
{
    w->retry_wait = 2 * LOCUST_WORKER_CONNECT_TIMEOUT;
    w->attempts = 0;
    ev_timer_stop(w->loop, &w->retry);
    ev_timer_set(&w->retry, LOCUST_WORKER_CONNECT_TIMEOUT, 0.0);
    ev_timer_start(w->loop, &w->retry);
}

static void master_lost(struct locust_worker *w, const char *why)
{
    char err[256];

    if (!w->acked || w->quitting || w->quit_sent)   /* the master may go after a quit */
        return;
    say(w, EVENT_WARN, "Lost the master at %s (%s): stopping the users, keeping what was "
        "counted; waiting for it to come back", w->addr, why);
    w->acked = false;
    w->lost = true;
    w->connected = false;
    w->answer_stop = false;
    w->last_master_heartbeat = 0;
    ev_timer_stop(w->loop, &w->heartbeat);
    ev_timer_stop(w->loop, &w->reporter);
    w->ops.stop(w->ops.arg);
    if (locust_link_reconnect(w->link, err, sizeof err) < 0)     /* no stale frame left */
        say(w, EVENT_ERROR, "Reconnecting to the master: %s", err);
    wait_for_ack(w);
}

static void on_ack(struct locust_worker *w, const struct locust_msg *m)
{
    uint64_t dropped;

    w->index = m->ack.has_index ? m->ack.index : -1;
    if (w->acked)
        return;                         /* the ack of client_ready after a stop */
    w->acked = true;
    ev_timer_stop(w->loop, &w->retry);
    dropped = w->lost ? locust_report_clear(w->report, wall_now(w)) : 0;
    say(w, EVENT_INFO, "%s the master at %s: worker index %lld", w->lost ? "Reconnected to"
        : "Connected to", w->addr, (long long)w->index);
    if (dropped > 0)
        say(w, EVENT_WARN, "%llu requests counted after the last report to the lost master "
            "are in this worker's statistics only", (unsigned long long)dropped);
    w->lost = false;
    ev_timer_again(w->loop, &w->heartbeat);
    ev_timer_again(w->loop, &w->reporter);
    send_report(w);                     /* as a Locust worker, a first report at once */
}

/* The master's classes as counts per scenario class (names it has no class for: warned). */
static void spawn_counts(struct locust_worker *w, const struct locust_spawn *sp,
                         uint32_t *counts)
{
    for (size_t i = 0; i < sp->n_classes; i++) {
        uint32_t k = 0;

        while (k < w->scn->n_classes && strcmp(w->scn->classes[k].name, sp->classes[i].name))
            k++;
        if (k < w->scn->n_classes)
            counts[k] = sp->classes[i].count > UINT32_MAX ? UINT32_MAX
                                                           : (uint32_t)sp->classes[i].count;
        else if (sp->classes[i].count > 0)
            say(w, EVENT_WARN, "The master asked for %lld users of class %s, which the "
                "scenario does not have: ignored", (long long)sp->classes[i].count,
                sp->classes[i].name);
    }
}

static void on_spawn(struct locust_worker *w, const struct locust_spawn *sp)
{
    uint32_t *counts = calloc(w->scn->n_classes + 1, sizeof *counts);
    struct locust_class_count *echo = calloc(w->scn->n_classes + 1, sizeof *echo);
    int64_t total = 0;

    send_msg(w, (struct locust_msg){.type = LOCUST_MSG_SPAWNING});
    if (!counts || !echo || sp->timestamp <= w->last_spawn) {
        if (counts && echo)
            say(w, EVENT_INFO, "Discarded a spawn message not newer than the previous one");
        else
            say(w, EVENT_ERROR, "Out of memory applying a spawn message: ignored");
        free(counts);
        free(echo);
        return;
    }
    w->last_spawn = sp->timestamp;
    spawn_counts(w, sp, counts);
    w->spawned = true;
    w->ops.spawn(w->ops.arg, counts, sp->host,
                 sp->has_stop_timeout ? sp->stop_timeout : -1.0);
    for (uint32_t k = 0; k < w->scn->n_classes; k++) {
        echo[k] = (struct locust_class_count){w->scn->classes[k].name, counts[k]};
        total += counts[k];
    }
    send_msg(w, (struct locust_msg){
        .type = LOCUST_MSG_SPAWNING_COMPLETE,
        .spawning_complete = {true, echo, w->scn->n_classes, total}});
    free(counts);
    free(echo);
}

static void on_msg(struct locust_link *link, const char *peer, const struct locust_msg *m,
                   void *arg)
{
    struct locust_worker *w = arg;
    char err[256];

    (void)link;
    (void)peer;
    switch (m->type) {
    case LOCUST_MSG_ACK: on_ack(w, m); break;
    case LOCUST_MSG_SPAWN: on_spawn(w, &m->spawn); break;
    case LOCUST_MSG_HEARTBEAT: w->last_master_heartbeat = wall_now(w); break;
    case LOCUST_MSG_SPAWNING_COMPLETE: break;   /* 2.29+: the whole ramp is done */
    case LOCUST_MSG_STOP:
        w->answer_stop = true;
        w->ops.stop(w->ops.arg);
        break;
    case LOCUST_MSG_QUIT:
        say(w, EVENT_INFO, "Got quit message from master, shutting down...");
        w->quitting = true;
        w->ops.quit(w->ops.arg, "the master quit");
        break;
    case LOCUST_MSG_RECONNECT:
        say(w, EVENT_WARN, "Received reconnect message from master. Resetting the connection.");
        if (locust_link_reconnect(w->link, err, sizeof err) < 0)
            say(w, EVENT_ERROR, "Reconnecting to the master: %s", err);
        break;
    default:
        say(w, EVENT_WARN, "Unknown message type received from the master: %s", m->type_name);
        break;
    }
}

static void on_error(struct locust_link *link, const char *peer, const char *err, void *arg)
{
    (void)link;
    (void)peer;
    say(arg, EVENT_WARN, "A message from the master was not understood (%s): ignored", err);
}

static void on_peer(struct locust_link *link, bool connected, void *arg)
{
    struct locust_worker *w = arg;

    (void)link;
    if (!connected) {
        master_lost(w, "its connection closed");
        w->connected = false;
        return;
    }
    w->connected = true;
    if (!w->acked) {
        send_ready(w);
        wait_for_ack(w);
    }
}

/* ---- the engine's side ---- */

void locust_worker_update(struct locust_worker *w, enum run_state state, const uint32_t *counts)
{
    w->state = state;
    memcpy(w->counts, counts, w->scn->n_classes * sizeof *counts);
    if (!w->acked)
        return;
    if (w->answer_stop && state == RUN_READY) {
        w->answer_stop = false;
        send_report(w);                 /* every request of the test, then the answer */
        send_msg(w, (struct locust_msg){.type = LOCUST_MSG_CLIENT_STOPPED});
        send_ready(w);
    }
    if (state == RUN_STOPPED && !w->quit_sent) {
        w->quit_sent = true;
        send_report(w);
        send_msg(w, (struct locust_msg){.type = LOCUST_MSG_QUIT});
    }
}

void locust_worker_add_interval(struct locust_worker *w, struct interval *iv)
{
    locust_report_add(w->report, iv);
}

void locust_worker_exception(struct locust_worker *w, const char *message, const char *where)
{
    if (w->acked)
        send_msg(w, (struct locust_msg){.type = LOCUST_MSG_EXCEPTION,
                                        .exception = {message, where}});
}

const char *locust_worker_node_id(const struct locust_worker *w)
{
    return w->node;
}

static int make_report(struct locust_worker *w, double now)
{
    const struct scenario *s = w->scn;

    w->methods = calloc(s->n_endpoints + 1, sizeof *w->methods);
    w->names = calloc(s->n_endpoints + 1, sizeof *w->names);
    w->counts = calloc(s->n_classes + 1, sizeof *w->counts);
    if (!w->methods || !w->names || !w->counts)
        return -1;
    for (uint32_t i = 0; i < s->n_endpoints; i++) {
        w->methods[i] = http_method_names[s->endpoints[i].method];
        w->names[i] = s->endpoints[i].name;
    }
    w->report = locust_report_create(s->n_endpoints, w->methods, w->names, now);
    return w->report ? 0 : -1;
}

struct locust_worker *locust_worker_create(struct ev_loop *loop,
                                           const struct locust_worker_config *cfg, char *err,
                                           size_t errlen)
{
    struct locust_worker *w = calloc(1, sizeof *w);
    struct locust_link_handlers h = {on_msg, on_error, on_peer, w};

    if (w) {
        w->loop = loop;
        w->scn = cfg->scenario;
    }
    if (!w || make_report(w, cfg->now) < 0) {
        snprintf(err, errlen, "out of memory");
        locust_worker_destroy(w);
        return NULL;
    }
    w->ops = cfg->ops;
    snprintf(w->addr, sizeof w->addr, strchr(cfg->host, ':') ? "tcp://[%s]:%d" : "tcp://%s:%d",
             cfg->host, cfg->port);
    ev_timer_init(&w->heartbeat, heartbeat_cb, 0.0, LOCUST_WORKER_HEARTBEAT);
    ev_timer_init(&w->reporter, reporter_cb, 0.0, LOCUST_WORKER_REPORT);
    ev_timer_init(&w->retry, retry_cb, 0.0, 0.0);
    w->heartbeat.data = w->reporter.data = w->retry.data = w;
    if (locust_link_make_node_id(w->node, sizeof w->node) < 0) {
        snprintf(err, errlen, "no randomness for a node id");
        locust_worker_destroy(w);
        return NULL;
    }
    w->link = locust_link_connect(loop, cfg->host, cfg->port, w->node, &h, err, errlen);
    if (!w->link) {
        locust_worker_destroy(w);
        return NULL;
    }
    wait_for_ack(w);                    /* the first client_ready goes once connected */
    return w;
}

void locust_worker_destroy(struct locust_worker *w)
{
    if (!w)
        return;
    if (w->link && w->acked && !w->quit_sent)     /* ended at once: the master still hears */
        send_msg(w, (struct locust_msg){.type = LOCUST_MSG_QUIT});
    if (w->loop) {
        ev_timer_stop(w->loop, &w->heartbeat);
        ev_timer_stop(w->loop, &w->reporter);
        ev_timer_stop(w->loop, &w->retry);
    }
    locust_link_destroy(w->link);
    locust_report_destroy(w->report);
    free(w->methods);
    free(w->names);
    free(w->counts);
    free(w);
}
