/* locust_master: hornet as the master of Locust and hornet worker nodes (see locust_master.h):
 * the worker registry with Locust's liveness rule, the messages of each worker, spawns with
 * absolute counts, the stop handshake, and the reports turned into the collector's intervals.
 *
 * Runs on the engine's control thread, on its loop; libzmq's I/O thread is the only other. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "locust_link.h"
#include "locust_master.h"
#include "locust_master_internal.h"
#include "locust_report.h"

#define RING 16                     /* seconds of requests kept per worker, for its RPS */
#define NODE_INDEX_CAP 4096         /* hash slots for node ids (a power of two) */
#define EP_INDEX_MIN 64

struct node {
    char id[LOCUST_LINK_NODE_ID_MAX];
    bool used;
    bool active;                    /* a slot of the dispatcher */
    bool quit;
    bool hornet;                    /* its reports carry hornet_hdr */
    bool answers;                   /* it expects heartbeats back (hornet, -1, Locust 2.19+) */
    bool cpu_warned;
    bool stopping, done;            /* told to stop / answered with its last numbers */
    bool awaiting_report;           /* a stopped Locust worker: its next report is its last */
    double stopped_at;              /* when client_stopped came; 0: not yet */
    uint32_t index;
    enum locust_state state;
    int liveness;
    char kind[24];
    double cpu, last_heartbeat;
    int64_t memory;
    uint32_t users;
    uint64_t requests;
    int64_t ring_sec[RING];
    uint64_t ring_n[RING];
};

struct ep_key {
    char *method, *name;
    int index;                      /* the collector's, -1: no room */
};

struct locust_master {
    struct ev_loop *loop;
    struct locust_link *link;
    struct locust_master_config cfg;
    struct node *nodes;
    uint32_t n_nodes;               /* slots used so far (free ones are reused) */
    uint32_t next_index;
    int32_t *by_id;                 /* open addressing over node ids: slot, -1 empty */
    ev_timer liveness;
    double last_spawn;
    struct ep_key *eps;
    size_t n_eps, cap_eps;
    int32_t *ep_slots;              /* open addressing over (method, name): eps index */
    size_t ep_cap;
};

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

static void say(struct locust_master *m, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(struct locust_master *m, int level, const char *fmt, ...)
{
    char text[SNAP_TEXT_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    m->cfg.ops.log(m->cfg.ops.arg, level, text);
}

static void send_to(struct locust_master *m, const char *peer, struct locust_msg msg)
{
    char err[256];

    msg.node_id = peer;
    if (locust_link_send_msg(m->link, peer, &msg, err, sizeof err) < 0)
        say(m, EVENT_WARN, "Could not send %s to worker %s: %s",
            locust_msg_type_name(msg.type), peer, err);
}

/* ---- the registry ---- */

static size_t id_home(const char *id)
{
    return fnv(0xcbf29ce484222325ull, id) & (NODE_INDEX_CAP - 1);
}

static struct node *find_node(const struct locust_master *m, const char *id)
{
    for (size_t s = id_home(id); m->by_id[s] >= 0; s = (s + 1) & (NODE_INDEX_CAP - 1))
        if (strcmp(m->nodes[m->by_id[s]].id, id) == 0)
            return &m->nodes[m->by_id[s]];
    return NULL;
}

static void index_ids(struct locust_master *m)
{
    for (size_t s = 0; s < NODE_INDEX_CAP; s++)
        m->by_id[s] = -1;
    for (uint32_t i = 0; i < m->n_nodes; i++) {
        size_t s = id_home(m->nodes[i].id);

        if (!m->nodes[i].used)
            continue;
        while (m->by_id[s] >= 0)
            s = (s + 1) & (NODE_INDEX_CAP - 1);
        m->by_id[s] = (int32_t)i;
    }
}

static uint32_t slot_of(const struct locust_master *m, const struct node *n)
{
    return (uint32_t)(n - m->nodes);
}

/* A slot for a new worker: a fresh one, else one of a worker that quit. */
static struct node *new_node(struct locust_master *m, const char *id)
{
    struct node *n = NULL;

    if (m->n_nodes < m->cfg.max_workers)
        n = &m->nodes[m->n_nodes++];
    for (uint32_t i = 0; !n && i < m->n_nodes; i++)
        if (m->nodes[i].quit && !m->nodes[i].active)
            n = &m->nodes[i];
    if (!n)
        return NULL;
    *n = (struct node){.used = true, .index = m->next_index++, .state = LOCUST_STATE_READY};
    snprintf(n->id, sizeof n->id, "%s", id);
    for (int k = 0; k < RING; k++)
        n->ring_sec[k] = INT64_MIN;
    index_ids(m);
    return n;
}

static void join(struct locust_master *m, struct node *n)
{
    if (n->active)
        return;
    n->active = true;
    m->cfg.ops.join(m->cfg.ops.arg, slot_of(m, n));
}

static void leave(struct locust_master *m, struct node *n)
{
    if (!n->active)
        return;
    n->active = false;
    m->cfg.ops.leave(m->cfg.ops.arg, slot_of(m, n));
}

static uint32_t count_ready(const struct locust_master *m)
{
    uint32_t k = 0;

    for (uint32_t i = 0; i < m->n_nodes; i++)
        k += m->nodes[i].used && m->nodes[i].active;
    return k;
}

/* ---- client_ready: who the worker is ---- */

/* Does a Locust version string ("2.43.4") come from 2.19 or later (heartbeats answered)? */
static bool answers_heartbeats(const char *v)
{
    int major = 0, minor = 0;

    return sscanf(v, "%d.%d", &major, &minor) == 2 && (major > 2 || (major == 2 && minor >= 19));
}

static void identify(struct locust_master *m, struct node *n, const struct locust_value *v)
{
    if (v->kind == LOCUST_VALUE_STR && v->s[0]) {
        snprintf(n->kind, sizeof n->kind, "Locust %.16s", v->s);
        n->answers = answers_heartbeats(v->s);
    } else if (v->kind == LOCUST_VALUE_STR) {
        snprintf(n->kind, sizeof n->kind, "Locust, no version");
        say(m, EVENT_WARN, "Worker %s sent an empty version, as Debian's Locust 2.12.1 does: "
            "accepted as a Locust worker", n->id);
    } else {
        snprintf(n->kind, sizeof n->kind, "%s", n->hornet ? "hornet" : "not Python");
        n->answers = true;              /* hornet, boomer, locust4j track the master */
    }
}

static void on_ready(struct locust_master *m, const char *peer, const struct locust_msg *msg)
{
    struct node *n = find_node(m, peer);

    if (!n && !(n = new_node(m, peer))) {
        say(m, EVENT_WARN, "Worker %s refused: this master takes at most %u workers", peer,
            m->cfg.max_workers);
        return;
    }
    identify(m, n, &msg->version);
    send_to(m, peer, (struct locust_msg){.type = LOCUST_MSG_ACK, .ack = {true, n->index}});
    n->quit = false;                    /* a stop under way still waits for its answer */
    n->state = LOCUST_STATE_READY;
    n->liveness = LOCUST_MASTER_LIVENESS;
    say(m, EVENT_INFO, "Worker %s (index %u, %s) reported as ready. %u workers connected.",
        n->id, n->index, n->kind, count_ready(m) + !n->active);
    join(m, n);
}

/* ---- the other messages of a known worker ---- */

static void on_heartbeat(struct locust_master *m, struct node *n, const struct locust_heartbeat *h,
                         double now)
{
    n->liveness = LOCUST_MASTER_LIVENESS;
    if (n->state == LOCUST_STATE_MISSING) {
        say(m, EVENT_INFO, "Worker %s self-healed with heartbeat, setting state to %s.", n->id,
            h->state_text ? h->state_text : locust_msg_state_name(h->state));
        if (!n->stopping)
            join(m, n);
    }
    n->state = h->state;
    n->cpu = h->cpu_usage;
    n->memory = h->has_memory ? h->memory_usage : 0;
    n->last_heartbeat = now;
    if (!n->cpu_warned && n->cpu > LOCUST_MASTER_CPU_WARNING) {
        n->cpu_warned = true;
        say(m, EVENT_WARN, "Worker %s (index %u) exceeded cpu threshold (%.0f%%): its numbers "
            "may lag (will only log this once per worker)", n->id, n->index, n->cpu);
    }
    if (n->answers)
        send_to(m, n->id, (struct locust_msg){.type = LOCUST_MSG_HEARTBEAT,
                                              .heartbeat = {.from_master = true}});
}

static void count_requests(struct node *n, struct interval **ivs, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        size_t r = (size_t)(((ivs[i]->second % RING) + RING) % RING);
        uint64_t reqs = 0;

        for (uint32_t e = 0; e < ivs[i]->n_endpoints; e++)
            reqs += ivs[i]->endpoints[e].requests;
        if (n->ring_sec[r] != ivs[i]->second) {
            n->ring_sec[r] = ivs[i]->second;
            n->ring_n[r] = 0;
        }
        n->ring_n[r] += reqs;
        n->requests += reqs;
    }
}

static int resolve(void *arg, const char *method, const char *name);

static void on_stats(struct locust_master *m, struct node *n,
                     const struct locust_stats_payload *p)
{
    struct interval **ivs;
    size_t k;

    if (p->has_hdr && !n->hornet) {
        n->hornet = true;
        snprintf(n->kind, sizeof n->kind, "hornet");
    }
    n->users = p->user_count > 0 ? (uint32_t)(p->user_count > UINT32_MAX ? UINT32_MAX
                                                                           : p->user_count) : 0;
    if (locust_report_intervals(p, resolve, m, &ivs, &k) < 0) {
        say(m, EVENT_ERROR, "Out of memory merging a report of worker %s: its requests are "
            "lost", n->id);
        return;
    }
    count_requests(n, ivs, k);
    m->cfg.ops.intervals(m->cfg.ops.arg, ivs, k);
    if (n->awaiting_report) {
        n->awaiting_report = false;
        n->done = true;                 /* a Locust worker's report after its stop */
    }
}

static void on_stopped(struct locust_master *m, struct node *n, double now)
{
    n->state = LOCUST_STATE_STOPPED;
    n->users = 0;
    n->stopped_at = now;
    n->done = n->done || n->hornet;     /* a hornet worker's last report came first */
    n->awaiting_report = !n->done;
    if (!n->stopping)
        say(m, EVENT_INFO, "Worker %s (index %u) reported that it has stopped, removing from "
            "running workers", n->id, n->index);
    leave(m, n);
}

static void on_quit(struct locust_master *m, struct node *n)
{
    say(m, EVENT_INFO, "Worker %s (index %u) quit. %u workers ready.", n->id, n->index,
        count_ready(m) - n->active);
    n->quit = n->done = true;
    n->state = LOCUST_STATE_OTHER;
    n->users = 0;
    leave(m, n);
}

static void on_known(struct locust_master *m, struct node *n, const struct locust_msg *msg,
                     double now)
{
    switch (msg->type) {
    case LOCUST_MSG_HEARTBEAT: on_heartbeat(m, n, &msg->heartbeat, now); break;
    case LOCUST_MSG_STATS: on_stats(m, n, msg->stats); break;
    case LOCUST_MSG_SPAWNING: n->state = LOCUST_STATE_SPAWNING; break;
    case LOCUST_MSG_SPAWNING_COMPLETE:
        n->state = LOCUST_STATE_RUNNING;
        n->users = (uint32_t)(msg->spawning_complete.user_count > 0
                              ? msg->spawning_complete.user_count : 0);
        break;
    case LOCUST_MSG_EXCEPTION:
        m->cfg.ops.exception(m->cfg.ops.arg, msg->exception.msg ? msg->exception.msg : "",
                             msg->exception.traceback ? msg->exception.traceback : "");
        break;
    case LOCUST_MSG_CLIENT_STOPPED: on_stopped(m, n, now); break;
    case LOCUST_MSG_QUIT: on_quit(m, n); break;
    case LOCUST_MSG_LOGS: break;
    default:
        say(m, EVENT_WARN, "Unknown message type received from worker %s (index %u): %s",
            n->id, n->index, msg->type_name);
        break;
    }
}

void locust_master_receive(struct locust_master *m, const char *peer,
                           const struct locust_msg *msg, double now)
{
    struct node *n;

    if (msg->type == LOCUST_MSG_CLIENT_READY) {
        on_ready(m, peer, msg);
        return;
    }
    n = find_node(m, peer);
    if (!n || n->quit) {
        if (msg->type == LOCUST_MSG_STATS)
            say(m, EVENT_INFO, "Discarded report from unrecognized worker %s", peer);
        return;
    }
    on_known(m, n, msg, now);
}

static void on_msg(struct locust_link *link, const char *peer, const struct locust_msg *msg,
                   void *arg)
{
    struct locust_master *m = arg;

    (void)link;
    locust_master_receive(m, peer, msg, ev_now(m->loop));
}

/* A frame that did not decode: Locust's master asks the worker to reconnect. */
static void on_error(struct locust_link *link, const char *peer, const char *err, void *arg)
{
    struct locust_master *m = arg;

    (void)link;
    if (!peer) {
        say(m, EVENT_WARN, "A message without a worker's identity was ignored: %s", err);
        return;
    }
    say(m, EVENT_WARN, "A message from worker %s was not understood (%s): ignored, the worker "
        "is asked to reconnect", peer, err);
    send_to(m, peer, (struct locust_msg){.type = LOCUST_MSG_RECONNECT});
}

/* ---- endpoints ---- */

static size_t ep_home(const struct locust_master *m, const char *method, const char *name)
{
    return fnv(fnv(0xcbf29ce484222325ull, method ? method : "\x01"), name) & (m->ep_cap - 1);
}

static long find_ep(const struct locust_master *m, const char *method, const char *name,
                    size_t *slot)
{
    size_t s = ep_home(m, method, name);

    for (; m->ep_slots[s] >= 0; s = (s + 1) & (m->ep_cap - 1)) {
        const struct ep_key *k = &m->eps[m->ep_slots[s]];

        if (strcmp(k->name, name) == 0 && strcmp(k->method, method ? method : "") == 0)
            return m->ep_slots[s];
    }
    *slot = s;
    return -1;
}

static int grow_eps(struct locust_master *m)
{
    size_t cap = m->ep_cap ? 2 * m->ep_cap : EP_INDEX_MIN;
    int32_t *slots;
    struct ep_key *eps = realloc(m->eps, cap / 2 * sizeof *eps);

    if (!eps)
        return -1;
    m->eps = eps;
    m->cap_eps = cap / 2;
    if (!(slots = malloc(cap * sizeof *slots)))
        return -1;
    free(m->ep_slots);
    m->ep_slots = slots;
    m->ep_cap = cap;
    for (size_t s = 0; s < cap; s++)
        slots[s] = -1;
    for (size_t i = 0; i < m->n_eps; i++) {
        size_t s = ep_home(m, m->eps[i].method, m->eps[i].name);

        while (slots[s] >= 0)
            s = (s + 1) & (cap - 1);
        slots[s] = (int32_t)i;
    }
    return 0;
}

static int add_ep(struct locust_master *m, const char *method, const char *name, int index)
{
    size_t s;
    struct ep_key *k;

    if (m->n_eps + 1 > m->cap_eps && grow_eps(m) < 0)
        return -1;
    find_ep(m, method, name, &s);
    k = &m->eps[m->n_eps];
    k->method = strdup(method ? method : "");
    k->name = strdup(name);
    k->index = index;
    if (!k->method || !k->name) {
        free(k->method);
        free(k->name);
        return -1;
    }
    m->ep_slots[s] = (int32_t)m->n_eps++;
    return 0;
}

/* The collector's endpoint of (method, name): known, or named now. */
static int resolve(void *arg, const char *method, const char *name)
{
    struct locust_master *m = arg;
    size_t s;
    long i = find_ep(m, method, name, &s);
    int index;

    if (i >= 0)
        return m->eps[i].index;
    index = m->cfg.ops.add_endpoint(m->cfg.ops.arg, method ? method : "", name);
    if (index < 0)
        say(m, EVENT_WARN, "No room for endpoint %s %s: its requests count as not recorded",
            method ? method : "", name);
    return add_ep(m, method, name, index) < 0 ? -1 : index;
}

/* ---- the engine's side ---- */

void locust_master_spawn(struct locust_master *m, uint32_t slot, const uint32_t *counts)
{
    const struct scenario *scn = m->cfg.scenario;
    struct locust_class_count *classes = calloc(scn->n_classes + 1, sizeof *classes);
    double now = ev_time();

    if (slot >= m->n_nodes || !m->nodes[slot].active || !classes) {   /* gone: nothing to say */
        free(classes);
        return;
    }
    for (uint32_t k = 0; k < scn->n_classes; k++)
        classes[k] = (struct locust_class_count){scn->classes[k].name, counts[k]};
    m->last_spawn = now > m->last_spawn ? now : nextafter(m->last_spawn, INFINITY);
    send_to(m, m->nodes[slot].id, (struct locust_msg){
        .type = LOCUST_MSG_SPAWN,
        .spawn = {.timestamp = m->last_spawn, .classes = classes, .n_classes = scn->n_classes,
                  .host = m->cfg.host, .has_stop_timeout = true,
                  .stop_timeout = m->cfg.stop_timeout}});
    free(classes);
}

void locust_master_stop_all(struct locust_master *m)
{
    for (uint32_t i = 0; i < m->n_nodes; i++) {
        struct node *n = &m->nodes[i];

        if (!n->used || n->quit || n->stopping)
            continue;
        n->stopping = true;
        n->done = n->state == LOCUST_STATE_MISSING || n->state == LOCUST_STATE_STOPPED;
        if (!n->done)
            send_to(m, n->id, (struct locust_msg){.type = LOCUST_MSG_STOP});
    }
}

bool locust_master_idle(const struct locust_master *m)
{
    for (uint32_t i = 0; i < m->n_nodes; i++)
        if (m->nodes[i].used && m->nodes[i].stopping && !m->nodes[i].done)
            return false;
    return true;
}

uint32_t locust_master_users(const struct locust_master *m)
{
    uint32_t users = 0;

    for (uint32_t i = 0; i < m->n_nodes; i++)
        if (m->nodes[i].used && m->nodes[i].state != LOCUST_STATE_MISSING && !m->nodes[i].quit)
            users += m->nodes[i].users;
    return users;
}

uint32_t locust_master_ready(const struct locust_master *m)
{
    return count_ready(m);
}

void locust_master_tick(struct locust_master *m, double now)
{
    for (uint32_t i = 0; i < m->n_nodes; i++) {
        struct node *n = &m->nodes[i];

        if (!n->used || n->quit)
            continue;
        if (n->stopping && !n->done && n->stopped_at > 0 &&
            now - n->stopped_at > LOCUST_MASTER_LAST_REPORT)
            n->done = true;             /* its last report did not come: given up */
        if (n->state == LOCUST_STATE_MISSING)
            continue;
        if (n->liveness >= 0) {
            n->liveness--;
            continue;
        }
        say(m, EVENT_WARN, "Worker %s (index %u) failed to send heartbeat, setting state to "
            "missing.", n->id, n->index);
        n->state = LOCUST_STATE_MISSING;
        n->users = 0;
        n->done = true;
        leave(m, n);
    }
}

static double node_rps(const struct node *n, double now)
{
    int64_t last = (int64_t)floor(now) - 3, first = (int64_t)floor(now) - 12;
    uint64_t sum = 0;

    for (int k = 0; k < RING; k++)
        if (n->ring_sec[k] >= first && n->ring_sec[k] <= last)
            sum += n->ring_n[k];
    return (double)sum / 10.0;
}

static void fill_node(const struct node *n, struct snap_worker *o, double now)
{
    snprintf(o->id, sizeof o->id, "%.*s", (int)sizeof o->id - 1, n->id);
    o->index = n->index;
    snprintf(o->state, sizeof o->state, "%s", n->quit ? "quit" : locust_msg_state_name(n->state));
    snprintf(o->kind, sizeof o->kind, "%s", n->kind);
    o->users = n->users;
    o->rps = node_rps(n, now);
    o->requests = n->requests;
    o->cpu = n->cpu;
    o->memory = n->memory > 0 ? (uint64_t)n->memory : 0;
    o->last_heartbeat = n->last_heartbeat;
}

void locust_master_fill(const struct locust_master *m, struct snapshot *s, double now)
{
    uint32_t k = 0;

    s->n_workers = 0;
    s->workers_ready = count_ready(m);
    for (uint32_t i = 0; i < m->n_nodes; i++) {
        if (!m->nodes[i].used)
            continue;
        s->n_workers++;
        if (k < SNAP_MAX_WORKERS)
            fill_node(&m->nodes[i], &s->workers[k++], now);
    }
}

int locust_master_port(const struct locust_master *m)
{
    return locust_link_port(m->link);
}

static void liveness_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    (void)revents;
    locust_master_tick(t->data, ev_now(loop));
}

static int seed_endpoints(struct locust_master *m)
{
    const struct scenario *scn = m->cfg.scenario;

    for (uint32_t i = 0; i < scn->n_endpoints; i++)
        if (add_ep(m, http_method_names[scn->endpoints[i].method], scn->endpoints[i].name,
                   (int)i) < 0)
            return -1;
    return 0;
}

struct locust_master *locust_master_create(struct ev_loop *loop,
                                           const struct locust_master_config *cfg, char *err,
                                           size_t errlen)
{
    struct locust_master *m = calloc(1, sizeof *m);
    struct locust_link_handlers h = {on_msg, on_error, NULL, m};

    if (!m || !(m->nodes = calloc(cfg->max_workers + 1, sizeof *m->nodes)) ||
        !(m->by_id = malloc(NODE_INDEX_CAP * sizeof *m->by_id))) {
        snprintf(err, errlen, "out of memory");
        locust_master_destroy(m);
        return NULL;
    }
    m->loop = loop;
    m->cfg = *cfg;
    if (m->cfg.max_workers > NODE_INDEX_CAP / 2)
        m->cfg.max_workers = NODE_INDEX_CAP / 2;
    index_ids(m);
    if (grow_eps(m) < 0 || seed_endpoints(m) < 0) {
        snprintf(err, errlen, "out of memory");
        locust_master_destroy(m);
        return NULL;
    }
    m->link = locust_link_listen(loop, cfg->bind_host, cfg->bind_port, &h, err, errlen);
    if (!m->link) {
        locust_master_destroy(m);
        return NULL;
    }
    ev_timer_init(&m->liveness, liveness_cb, LOCUST_MASTER_HEARTBEAT, LOCUST_MASTER_HEARTBEAT);
    m->liveness.data = m;
    ev_timer_start(loop, &m->liveness);
    return m;
}

void locust_master_destroy(struct locust_master *m)
{
    if (!m)
        return;
    for (uint32_t i = 0; m->link && i < m->n_nodes; i++)
        if (m->nodes[i].used && !m->nodes[i].quit && m->nodes[i].state != LOCUST_STATE_MISSING)
            send_to(m, m->nodes[i].id, (struct locust_msg){.type = LOCUST_MSG_QUIT});
    if (m->loop)
        ev_timer_stop(m->loop, &m->liveness);
    locust_link_destroy(m->link);
    for (size_t i = 0; i < m->n_eps; i++) {
        free(m->eps[i].method);
        free(m->eps[i].name);
    }
    free(m->eps);
    free(m->ep_slots);
    free(m->nodes);
    free(m->by_id);
    free(m);
}
