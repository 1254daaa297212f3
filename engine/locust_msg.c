/* locust_msg: decoding and encoding of Locust's master/worker messages (see locust_msg.h):
 * the [type, data, node_id] envelope and the data of every type but stats, whose payload is
 * locust_stats's.
 *
 * No global state: used on the thread that owns the link or the message. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "locust_mp.h"
#include "locust_msg.h"
#include "locust_msg_internal.h"
#include "locust_stats.h"

static const char *const TYPE_NAMES[LOCUST_MSG_TYPE_COUNT] = {
    [LOCUST_MSG_OTHER] = "",
    [LOCUST_MSG_CLIENT_READY] = "client_ready",
    [LOCUST_MSG_ACK] = "ack",
    [LOCUST_MSG_SPAWN] = "spawn",
    [LOCUST_MSG_SPAWNING] = "spawning",
    [LOCUST_MSG_SPAWNING_COMPLETE] = "spawning_complete",
    [LOCUST_MSG_HEARTBEAT] = "heartbeat",
    [LOCUST_MSG_STATS] = "stats",
    [LOCUST_MSG_EXCEPTION] = "exception",
    [LOCUST_MSG_STOP] = "stop",
    [LOCUST_MSG_CLIENT_STOPPED] = "client_stopped",
    [LOCUST_MSG_QUIT] = "quit",
    [LOCUST_MSG_RECONNECT] = "reconnect",
    [LOCUST_MSG_LOGS] = "logs",
};

static const char *const STATE_NAMES[] = {
    [LOCUST_STATE_OTHER] = "",
    [LOCUST_STATE_READY] = "ready",
    [LOCUST_STATE_SPAWNING] = "spawning",
    [LOCUST_STATE_RUNNING] = "running",
    [LOCUST_STATE_CLEANUP] = "cleanup",
    [LOCUST_STATE_STOPPING] = "stopping",
    [LOCUST_STATE_STOPPED] = "stopped",
    [LOCUST_STATE_MISSING] = "missing",
};

#define N_STATES (sizeof STATE_NAMES / sizeof STATE_NAMES[0])

const char *locust_msg_type_name(enum locust_msg_type type)
{
    return (unsigned)type < LOCUST_MSG_TYPE_COUNT ? TYPE_NAMES[type] : "";
}

const char *locust_msg_state_name(enum locust_state state)
{
    return (unsigned)state < N_STATES ? STATE_NAMES[state] : "";
}

const struct locust_value *locust_msg_option(const struct locust_spawn *s, const char *key)
{
    for (size_t i = 0; i < s->n_options; i++)
        if (strcmp(s->options[i].key, key) == 0)
            return &s->options[i].value;
    return NULL;
}

/* ---- decoding ---- */

static int decode_strs(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                       const msgpack_object_array *a, const char *const **out, size_t *n)
{
    const char **v = locust_mp_items(ctx, at, a->size, sizeof *v);

    if (!v)
        return -1;
    for (uint32_t i = 0; i < a->size; i++) {
        struct locust_mp_path p = {at, NULL, i};

        if (locust_mp_str(ctx, &p, &a->ptr[i], &v[i]) < 0)
            return -1;
    }
    *out = v;
    *n = a->size;
    return 0;
}

static bool all_str(const msgpack_object_array *a)
{
    for (uint32_t i = 0; i < a->size; i++)
        if (a->ptr[i].type != MSGPACK_OBJECT_STR)
            return false;
    return true;
}

/* Any value: scalars and lists of str as such, anything else as OTHER. */
static int decode_value(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                        const msgpack_object *o, struct locust_value *v)
{
    memset(v, 0, sizeof *v);
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: return 0;
    case MSGPACK_OBJECT_BOOLEAN: v->kind = LOCUST_VALUE_BOOL; v->b = o->via.boolean; return 0;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: v->kind = LOCUST_VALUE_FLOAT; v->f = o->via.f64; return 0;
    case MSGPACK_OBJECT_STR: v->kind = LOCUST_VALUE_STR; return locust_mp_str(ctx, at, o, &v->s);
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 > (uint64_t)INT64_MAX)
            break;
        v->kind = LOCUST_VALUE_INT;
        return locust_mp_int(ctx, at, o, &v->i);
    case MSGPACK_OBJECT_ARRAY:
        if (!all_str(&o->via.array))
            break;
        v->kind = LOCUST_VALUE_STRS;
        return decode_strs(ctx, at, &o->via.array, &v->strs, &v->n_strs);
    default:
        break;
    }
    v->kind = LOCUST_VALUE_OTHER;
    return 0;
}

int locust_msg_decode_classes(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                              const struct msgpack_object *o,
                              const struct locust_class_count **out, size_t *n)
{
    const msgpack_object_map *m;
    struct locust_class_count *v;

    if (locust_mp_map(ctx, at, o, &m) < 0 || !(v = locust_mp_items(ctx, at, m->size, sizeof *v)))
        return -1;
    for (uint32_t i = 0; i < m->size; i++) {
        struct locust_mp_path p = {at, NULL, i};

        if (locust_mp_str(ctx, &p, &m->ptr[i].key, &v[i].name) < 0)
            return -1;
        p.key = v[i].name;
        if (locust_mp_int(ctx, &p, &m->ptr[i].val, &v[i].count) < 0)
            return -1;
        if (v[i].count < 0)
            return locust_mp_fail(ctx, &p, "negative user count %lld", (long long)v[i].count);
    }
    *out = v;
    *n = m->size;
    return 0;
}

/* A member that may be absent: *o NULL then. */
static const msgpack_object *member(const msgpack_object_map *m, const char *key,
                                    struct locust_mp_path *p, const struct locust_mp_path *up)
{
    *p = (struct locust_mp_path){up, key, 0};
    return locust_mp_get(m, key);
}

static int decode_ack(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                      const msgpack_object *data, struct locust_ack *ack)
{
    const msgpack_object_map *m;
    const msgpack_object *o;
    struct locust_mp_path p;

    if (data->type == MSGPACK_OBJECT_NIL)
        return 0;
    if (locust_mp_map(ctx, at, data, &m) < 0)
        return -1;
    o = member(m, "index", &p, at);
    if (!o)
        return 0;
    ack->has_index = true;
    return locust_mp_int(ctx, &p, o, &ack->index);
}

static int decode_options(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                          const msgpack_object *o, struct locust_spawn *s)
{
    const msgpack_object_map *m;
    struct locust_option *v;

    if (o->type == MSGPACK_OBJECT_NIL)
        return 0;
    if (locust_mp_map(ctx, at, o, &m) < 0 || !(v = locust_mp_items(ctx, at, m->size, sizeof *v)))
        return -1;
    for (uint32_t i = 0; i < m->size; i++) {
        struct locust_mp_path p = {at, NULL, i};

        if (locust_mp_str(ctx, &p, &m->ptr[i].key, &v[i].key) < 0)
            return -1;
        p.key = v[i].key;
        if (decode_value(ctx, &p, &m->ptr[i].val, &v[i].value) < 0)
            return -1;
    }
    s->options = v;
    s->n_options = m->size;
    return 0;
}

static int need_number(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                       const msgpack_object_map *m, const char *key, double *out)
{
    const msgpack_object *o;
    struct locust_mp_path p = {at, key, 0};

    if (locust_mp_need(ctx, at, m, key, &o) < 0)
        return -1;
    return locust_mp_number(ctx, &p, o, out);
}

static int need_str(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                    const msgpack_object_map *m, const char *key, const char **out)
{
    const msgpack_object *o;
    struct locust_mp_path p = {at, key, 0};

    if (locust_mp_need(ctx, at, m, key, &o) < 0)
        return -1;
    return locust_mp_str(ctx, &p, o, out);
}

static int decode_spawn(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                        const msgpack_object *data, struct locust_spawn *s)
{
    const msgpack_object_map *m;
    const msgpack_object *o;
    struct locust_mp_path p;

    if (locust_mp_map(ctx, at, data, &m) < 0 ||
        need_number(ctx, at, m, "timestamp", &s->timestamp) < 0 ||
        locust_mp_need(ctx, at, m, "user_classes_count", &o) < 0)
        return -1;
    member(m, "user_classes_count", &p, at);
    if (locust_msg_decode_classes(ctx, &p, o, &s->classes, &s->n_classes) < 0)
        return -1;
    if ((o = member(m, "host", &p, at)) && locust_mp_str_or_nil(ctx, &p, o, &s->host) < 0)
        return -1;
    o = member(m, "stop_timeout", &p, at);
    if (o && o->type != MSGPACK_OBJECT_NIL) {
        s->has_stop_timeout = true;
        if (locust_mp_number(ctx, &p, o, &s->stop_timeout) < 0)
            return -1;
    }
    o = member(m, "parsed_options", &p, at);
    return o ? decode_options(ctx, &p, o, s) : 0;
}

static int decode_spawning_complete(const struct locust_mp_ctx *ctx,
                                    const struct locust_mp_path *at, const msgpack_object *data,
                                    struct locust_spawning_complete *sc)
{
    const msgpack_object_map *m;
    const msgpack_object *o;
    struct locust_mp_path p;

    if (locust_mp_map(ctx, at, data, &m) < 0)
        return -1;
    if ((o = member(m, "user_classes_count", &p, at))) {
        sc->has_classes = true;
        if (locust_msg_decode_classes(ctx, &p, o, &sc->classes, &sc->n_classes) < 0)
            return -1;
    }
    o = member(m, "user_count", &p, at);
    if (!o)
        o = member(m, "count", &p, at);        /* boomer's name */
    if (o)
        return locust_mp_int(ctx, &p, o, &sc->user_count);
    if (!sc->has_classes)
        return locust_mp_fail(ctx, at, "neither user_classes_count nor user_count");
    for (size_t i = 0; i < sc->n_classes; i++)
        sc->user_count += sc->classes[i].count;
    return 0;
}

static enum locust_state state_of(const char *text)
{
    for (size_t i = 1; i < N_STATES; i++)
        if (strcmp(STATE_NAMES[i], text) == 0)
            return (enum locust_state)i;
    return LOCUST_STATE_OTHER;
}

static int decode_heartbeat(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                            const msgpack_object *data, struct locust_heartbeat *hb)
{
    const msgpack_object_map *m;
    const msgpack_object *o;
    struct locust_mp_path p;

    if (data->type == MSGPACK_OBJECT_NIL) {
        hb->from_master = true;
        return 0;
    }
    if (locust_mp_map(ctx, at, data, &m) < 0 ||
        need_str(ctx, at, m, "state", &hb->state_text) < 0 ||
        need_number(ctx, at, m, "current_cpu_usage", &hb->cpu_usage) < 0)
        return -1;
    hb->state = state_of(hb->state_text);
    if ((o = member(m, "current_memory_usage", &p, at))) {
        hb->has_memory = true;
        return locust_mp_int(ctx, &p, o, &hb->memory_usage);
    }
    return 0;
}

static int decode_exception(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                            const msgpack_object *data, struct locust_exception *e)
{
    const msgpack_object_map *m;

    if (locust_mp_map(ctx, at, data, &m) < 0 || need_str(ctx, at, m, "msg", &e->msg) < 0 ||
        need_str(ctx, at, m, "traceback", &e->traceback) < 0)
        return -1;
    return 0;
}

static int decode_logs(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                       const msgpack_object *data, struct locust_logs *l)
{
    const msgpack_object_map *m;
    const msgpack_object_array *a;
    const msgpack_object *o;
    struct locust_mp_path p;

    if (locust_mp_map(ctx, at, data, &m) < 0)
        return -1;
    o = member(m, "worker_id", &p, at);
    if (o && locust_mp_str_or_nil(ctx, &p, o, &l->worker_id) < 0)
        return -1;
    if (locust_mp_need(ctx, at, m, "logs", &o) < 0)
        return -1;
    member(m, "logs", &p, at);
    if (locust_mp_array(ctx, &p, o, &a) < 0)
        return -1;
    return decode_strs(ctx, &p, a, &l->lines, &l->n_lines);
}

static int decode_data(const struct locust_mp_ctx *ctx, const msgpack_object *data,
                       struct locust_msg *m)
{
    struct locust_mp_path at = {NULL, "data", 0};

    switch (m->type) {
    case LOCUST_MSG_CLIENT_READY: return decode_value(ctx, &at, data, &m->version);
    case LOCUST_MSG_ACK: return decode_ack(ctx, &at, data, &m->ack);
    case LOCUST_MSG_SPAWN: return decode_spawn(ctx, &at, data, &m->spawn);
    case LOCUST_MSG_SPAWNING_COMPLETE:
        return decode_spawning_complete(ctx, &at, data, &m->spawning_complete);
    case LOCUST_MSG_HEARTBEAT: return decode_heartbeat(ctx, &at, data, &m->heartbeat);
    case LOCUST_MSG_STATS:
        return locust_stats_decode(data, ctx->arena, &m->stats, ctx->err, ctx->errlen);
    case LOCUST_MSG_EXCEPTION: return decode_exception(ctx, &at, data, &m->exception);
    case LOCUST_MSG_LOGS: return decode_logs(ctx, &at, data, &m->logs);
    default: return 0;          /* nil data, or a type whose data hornet does not read */
    }
}

static enum locust_msg_type type_of(const char *name)
{
    for (int t = 1; t < LOCUST_MSG_TYPE_COUNT; t++)
        if (strcmp(TYPE_NAMES[t], name) == 0)
            return (enum locust_msg_type)t;
    return LOCUST_MSG_OTHER;
}

/* The envelope: [type: str, data, node_id: str]. */
static int decode_root(const struct locust_mp_ctx *ctx, const msgpack_object *root,
                       struct locust_msg *out)
{
    struct locust_mp_path type_at = {NULL, "type", 0}, node_at = {NULL, "node_id", 0};
    char inner[256] = "";
    struct locust_mp_ctx data_ctx = {ctx->arena, inner, sizeof inner};

    if (root->type != MSGPACK_OBJECT_ARRAY || root->via.array.size != 3)
        return locust_mp_fail(ctx, NULL, "expected an array [type, data, node_id], got %s%s",
                              root->type == MSGPACK_OBJECT_ARRAY ? "an array of " : "",
                              root->type == MSGPACK_OBJECT_ARRAY ?
                              (root->via.array.size < 3 ? "fewer items" : "more items") :
                              locust_mp_type_name(root));
    if (locust_mp_str(ctx, &type_at, &root->via.array.ptr[0], &out->type_name) < 0 ||
        locust_mp_str(ctx, &node_at, &root->via.array.ptr[2], &out->node_id) < 0)
        return -1;
    out->type = type_of(out->type_name);
    if (decode_data(&data_ctx, &root->via.array.ptr[1], out) < 0)
        return locust_mp_fail(ctx, NULL, "%s: %s", out->type_name, inner);
    return 0;
}

int locust_msg_decode(const void *frame, size_t len, struct locust_msg *out, char *err,
                      size_t errlen)
{
    msgpack_unpacked up;
    struct locust_mp_ctx ctx = {NULL, err, errlen};
    int rc = -1;

    memset(out, 0, sizeof *out);
    out->arena = ctx.arena = locust_mp_arena_new();
    if (!ctx.arena) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    msgpack_unpacked_init(&up);
    if (locust_mp_unpack(frame, len, &up, err, errlen) == 0)
        rc = decode_root(&ctx, &up.data, out);
    msgpack_unpacked_destroy(&up);
    if (rc < 0)
        locust_msg_release(out);
    return rc;
}

void locust_msg_release(struct locust_msg *m)
{
    locust_mp_arena_free(m->arena);
    memset(m, 0, sizeof *m);
}

/* ---- encoding ---- */

/* 0, or -1 when v cannot be written (kind OTHER). */
static int pack_value(msgpack_packer *pk, const struct locust_value *v)
{
    switch (v->kind) {
    case LOCUST_VALUE_NIL: msgpack_pack_nil(pk); return 0;
    case LOCUST_VALUE_BOOL: v->b ? msgpack_pack_true(pk) : msgpack_pack_false(pk); return 0;
    case LOCUST_VALUE_INT: msgpack_pack_int64(pk, v->i); return 0;
    case LOCUST_VALUE_FLOAT: msgpack_pack_double(pk, v->f); return 0;
    case LOCUST_VALUE_STR: locust_mp_pack_str(pk, v->s ? v->s : ""); return 0;
    case LOCUST_VALUE_STRS:
        msgpack_pack_array(pk, v->n_strs);
        for (size_t i = 0; i < v->n_strs; i++)
            locust_mp_pack_str(pk, v->strs[i]);
        return 0;
    default:
        return -1;
    }
}

void locust_msg_pack_classes(struct msgpack_packer *pk, const struct locust_class_count *c,
                             size_t n)
{
    msgpack_pack_map(pk, n);
    for (size_t i = 0; i < n; i++) {
        locust_mp_pack_str(pk, c[i].name);
        msgpack_pack_int64(pk, c[i].count);
    }
}

/* An int when integral, as 2.12 types --stop-timeout; a float otherwise. */
static void pack_seconds(msgpack_packer *pk, double s)
{
    if (s == floor(s) && fabs(s) < 9e15)
        msgpack_pack_int64(pk, (int64_t)s);
    else
        msgpack_pack_double(pk, s);
}

static int pack_spawn(msgpack_packer *pk, const struct locust_spawn *s)
{
    msgpack_pack_map(pk, 5);
    locust_mp_pack_key(pk, "timestamp");
    msgpack_pack_double(pk, s->timestamp);
    locust_mp_pack_key(pk, "user_classes_count");
    locust_msg_pack_classes(pk, s->classes, s->n_classes);
    locust_mp_pack_key(pk, "host");
    locust_mp_pack_str(pk, s->host);
    locust_mp_pack_key(pk, "stop_timeout");
    if (s->has_stop_timeout)
        pack_seconds(pk, s->stop_timeout);
    else
        msgpack_pack_nil(pk);
    locust_mp_pack_key(pk, "parsed_options");
    msgpack_pack_map(pk, s->n_options);
    for (size_t i = 0; i < s->n_options; i++) {
        locust_mp_pack_str(pk, s->options[i].key);
        if (pack_value(pk, &s->options[i].value) < 0)
            return -1;
    }
    return 0;
}

static void pack_spawning_complete(msgpack_packer *pk, const struct locust_spawning_complete *c)
{
    msgpack_pack_map(pk, c->has_classes ? 2 : 1);
    if (c->has_classes) {
        locust_mp_pack_key(pk, "user_classes_count");
        locust_msg_pack_classes(pk, c->classes, c->n_classes);
    }
    locust_mp_pack_key(pk, "user_count");
    msgpack_pack_int64(pk, c->user_count);
}

static void pack_heartbeat(msgpack_packer *pk, const struct locust_heartbeat *hb)
{
    const char *state = hb->state == LOCUST_STATE_OTHER && hb->state_text ? hb->state_text :
                        locust_msg_state_name(hb->state);

    if (hb->from_master) {
        msgpack_pack_nil(pk);
        return;
    }
    msgpack_pack_map(pk, hb->has_memory ? 3 : 2);
    locust_mp_pack_key(pk, "state");
    locust_mp_pack_str(pk, state);
    locust_mp_pack_key(pk, "current_cpu_usage");
    msgpack_pack_double(pk, hb->cpu_usage);
    if (hb->has_memory) {
        locust_mp_pack_key(pk, "current_memory_usage");
        msgpack_pack_int64(pk, hb->memory_usage);
    }
}

static void pack_logs(msgpack_packer *pk, const struct locust_logs *l)
{
    msgpack_pack_map(pk, 2);
    locust_mp_pack_key(pk, "worker_id");
    locust_mp_pack_str(pk, l->worker_id);
    locust_mp_pack_key(pk, "logs");
    msgpack_pack_array(pk, l->n_lines);
    for (size_t i = 0; i < l->n_lines; i++)
        locust_mp_pack_str(pk, l->lines[i]);
}

static int pack_data(msgpack_packer *pk, const struct locust_msg *m)
{
    switch (m->type) {
    case LOCUST_MSG_CLIENT_READY: return pack_value(pk, &m->version);
    case LOCUST_MSG_ACK:
        if (!m->ack.has_index) {
            msgpack_pack_nil(pk);
            return 0;
        }
        msgpack_pack_map(pk, 1);
        locust_mp_pack_key(pk, "index");
        msgpack_pack_int64(pk, m->ack.index);
        return 0;
    case LOCUST_MSG_SPAWN: return pack_spawn(pk, &m->spawn);
    case LOCUST_MSG_SPAWNING_COMPLETE: pack_spawning_complete(pk, &m->spawning_complete); return 0;
    case LOCUST_MSG_HEARTBEAT: pack_heartbeat(pk, &m->heartbeat); return 0;
    case LOCUST_MSG_EXCEPTION:
        msgpack_pack_map(pk, 2);
        locust_mp_pack_key(pk, "msg");
        locust_mp_pack_str(pk, m->exception.msg ? m->exception.msg : "");
        locust_mp_pack_key(pk, "traceback");
        locust_mp_pack_str(pk, m->exception.traceback ? m->exception.traceback : "");
        return 0;
    case LOCUST_MSG_LOGS: pack_logs(pk, &m->logs); return 0;
    default: msgpack_pack_nil(pk); return 0;
    }
}

int locust_msg_encode(const struct locust_msg *m, void **frame, size_t *len, char *err,
                      size_t errlen)
{
    struct locust_mp_out o;
    const char *type = m->type == LOCUST_MSG_OTHER ? m->type_name : locust_msg_type_name(m->type);

    if ((unsigned)m->type >= LOCUST_MSG_TYPE_COUNT || !type || !type[0] || !m->node_id) {
        snprintf(err, errlen, "a message needs a type and a node_id");
        return -1;
    }
    if (m->type == LOCUST_MSG_STATS) {
        snprintf(err, errlen, "stats messages are encoded by locust_stats_encode");
        return -1;
    }
    locust_mp_out_init(&o);
    msgpack_pack_array(&o.pk, 3);
    locust_mp_pack_str(&o.pk, type);
    if (pack_data(&o.pk, m) < 0) {
        snprintf(err, errlen, "%s: a value of a kind that cannot be sent", type);
        locust_mp_out_discard(&o);
        return -1;
    }
    locust_mp_pack_str(&o.pk, m->node_id);
    return locust_mp_out_take(&o, frame, len, err, errlen);
}
