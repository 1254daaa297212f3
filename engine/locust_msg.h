/* locust_msg: the messages of Locust's master/worker protocol as plain C structs, and their
 * msgpack encoding, for hornet as a Locust worker and as a master of Locust workers.
 *
 * Locust's rules (locust/rpc/protocol.py and runners.py, 2.12.1 and 2.43):
 * - A message is one msgpack array [type: str, data, node_id: str]; a worker's node_id is its
 *   DEALER identity, hostname + "_" + 32 hex digits. Encoding as msgpack.dumps: see
 *   locust_mp.h. The bytes hornet writes equal those of Locust's Message(...).serialize() for
 *   the same content (tests/fixtures/locust/make_stats_fixture.py).
 * - data per type, keys in Locust's order:
 *     client_ready       W->M  version str ("2.43.4"; Debian's 2.12.1 sends "") or -1 (foreign
 *                            workers skip the version check with -1)
 *     ack                M->W  {"index": int} (2.11+; 2.10 sends no index)
 *     spawn              M->W  {"timestamp", "user_classes_count": {class: int}, "host": str|nil,
 *                            "stop_timeout": int|float|nil, "parsed_options": {...}}
 *     spawning           W->M  nil
 *     spawning_complete  W->M  {"user_classes_count", "user_count"}; M->W (2.29+) {"user_count"}
 *     heartbeat          W->M  {"state", "current_cpu_usage": float, "current_memory_usage": int};
 *                        M->W  nil (2.19+: the master answers every heartbeat)
 *     stats              W->M  see locust_stats.h
 *     exception          W->M  {"msg", "traceback"}
 *     stop, quit, reconnect (M->W), client_stopped, quit (W->M): nil
 *     logs               W->M  {"worker_id", "logs": [str]} (2.29+)
 *   "stopped" is not a message: it is a state a heartbeat carries. Other types (locustfile,
 *   update_user_class, custom messages) are LOCUST_MSG_OTHER: their name is kept, their data
 *   is not decoded; Locust logs and ignores types it does not know, and so should hornet.
 *
 * hornet's: decoding is defensive (it faces the network): any frame, garbage, truncated, of
 * wrong types or with huge declared sizes, gives 0 or -1 with an error text naming the path,
 * never a crash; unknown keys inside data are ignored, as Locust ignores them. A decoded
 * message owns its memory (one arena): locust_msg_release frees it. To encode, fill the
 * struct (pointers may be string literals) and call locust_msg_encode.
 *
 * No global state; a message belongs to the thread that decoded or built it. */
#ifndef HORNET_LOCUST_MSG_H
#define HORNET_LOCUST_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum locust_msg_type {
    LOCUST_MSG_OTHER = 0,       /* a type hornet does not decode: see type_name */
    LOCUST_MSG_CLIENT_READY,
    LOCUST_MSG_ACK,
    LOCUST_MSG_SPAWN,
    LOCUST_MSG_SPAWNING,
    LOCUST_MSG_SPAWNING_COMPLETE,
    LOCUST_MSG_HEARTBEAT,
    LOCUST_MSG_STATS,
    LOCUST_MSG_EXCEPTION,
    LOCUST_MSG_STOP,
    LOCUST_MSG_CLIENT_STOPPED,
    LOCUST_MSG_QUIT,
    LOCUST_MSG_RECONNECT,
    LOCUST_MSG_LOGS,
    LOCUST_MSG_TYPE_COUNT
};

/* A worker's state as its heartbeat names it (runners.py STATE_*). */
enum locust_state {
    LOCUST_STATE_OTHER = 0,     /* a state string hornet does not know: see state_text */
    LOCUST_STATE_READY,
    LOCUST_STATE_SPAWNING,
    LOCUST_STATE_RUNNING,
    LOCUST_STATE_CLEANUP,
    LOCUST_STATE_STOPPING,
    LOCUST_STATE_STOPPED,
    LOCUST_STATE_MISSING
};

/* A loosely typed value: client_ready's version, a spawn's parsed options. */
enum locust_value_kind {
    LOCUST_VALUE_NIL = 0,
    LOCUST_VALUE_BOOL,
    LOCUST_VALUE_INT,
    LOCUST_VALUE_FLOAT,
    LOCUST_VALUE_STR,
    LOCUST_VALUE_STRS,          /* a list of str (tags, exclude_tags) */
    LOCUST_VALUE_OTHER          /* anything else: decoded as a marker only, never encoded */
};

struct locust_value {
    enum locust_value_kind kind;
    bool b;
    int64_t i;
    double f;
    const char *s;
    const char *const *strs;
    size_t n_strs;
};

/* One entry of a user_classes_count map: users of one class. */
struct locust_class_count {
    const char *name;
    int64_t count;
};

struct locust_option {
    const char *key;
    struct locust_value value;
};

struct locust_ack {
    bool has_index;             /* false: a 2.10 master's ack without data */
    int64_t index;
};

struct locust_spawn {
    double timestamp;           /* the master's clock; a worker drops a spawn not newer */
    const struct locust_class_count *classes;   /* this worker's absolute target per class */
    size_t n_classes;
    const char *host;           /* NULL: None */
    bool has_stop_timeout;      /* encoded as an int when integral (2.12's argparse type) */
    double stop_timeout;
    const struct locust_option *options;        /* parsed_options: only tags, exclude_tags,
                                                   expect_workers and non-default (custom)
                                                   options reach a Locust worker */
    size_t n_options;
};

struct locust_spawning_complete {
    bool has_classes;           /* false: the master's 2.29+ "ramp done" notice */
    const struct locust_class_count *classes;
    size_t n_classes;
    int64_t user_count;         /* decoding: the sum of classes when the sender gave none */
};

struct locust_heartbeat {
    bool from_master;           /* data nil: the master's answer (2.19+) */
    enum locust_state state;
    const char *state_text;     /* decoded: as received; encoding: used for LOCUST_STATE_OTHER */
    double cpu_usage;           /* percent of one core */
    bool has_memory;            /* 2.12+ workers send it; older ones may not */
    int64_t memory_usage;       /* bytes */
};

struct locust_exception {
    const char *msg;
    const char *traceback;
};

struct locust_logs {
    const char *worker_id;
    const char *const *lines;
    size_t n_lines;
};

struct locust_stats_payload;
struct locust_mp_arena;

struct locust_msg {
    enum locust_msg_type type;
    const char *type_name;      /* decoded: the type as received; encoding: for OTHER only */
    const char *node_id;
    union {
        struct locust_value version;                /* CLIENT_READY */
        struct locust_ack ack;
        struct locust_spawn spawn;
        struct locust_spawning_complete spawning_complete;
        struct locust_heartbeat heartbeat;
        const struct locust_stats_payload *stats;   /* decoded STATS; encode with
                                                       locust_stats_encode */
        struct locust_exception exception;
        struct locust_logs logs;
    };
    struct locust_mp_arena *arena;  /* what decoding allocated; NULL in a caller-built message */
};

/* The wire name of a type ("client_ready"); "" for OTHER. */
const char *locust_msg_type_name(enum locust_msg_type type);

/* The wire name of a state ("running"); "" for OTHER. */
const char *locust_msg_state_name(enum locust_state state);

/* Decode one frame into *out. 0: *out holds the message (release it with
 * locust_msg_release). -1: err says why ("data.user_classes_count.WebUser: expected an int,
 * got str"; "frame: truncated frame at byte 12") and *out is empty (releasing it is fine). */
int locust_msg_decode(const void *frame, size_t len, struct locust_msg *out, char *err,
                      size_t errlen);

/* Free what locust_msg_decode allocated and zero *m. Safe on a zeroed or caller-built
 * message (nothing to free). */
void locust_msg_release(struct locust_msg *m);

/* Encode m into a malloc'ed frame (*frame, *len; free() it). STATS messages go through
 * locust_stats_encode. 0, or -1 with err (an OTHER type without type_name, a NULL node_id, an
 * option of kind OTHER, a frame over LOCUST_MP_MAX_BYTES, out of memory). */
int locust_msg_encode(const struct locust_msg *m, void **frame, size_t *len, char *err,
                      size_t errlen);

/* Decoding glue for locust_stats: a user_classes_count map ({class: int >= 0}) at `at` into
 * arena arrays. 0, or -1 with the error in ctx (locust_mp.h). */
struct msgpack_object;
struct locust_mp_ctx;
struct locust_mp_path;
int locust_msg_decode_classes(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                              const struct msgpack_object *o,
                              const struct locust_class_count **out, size_t *n);

/* Encoding glue for locust_stats: a user_classes_count map, in the order given. */
struct msgpack_packer;
void locust_msg_pack_classes(struct msgpack_packer *pk, const struct locust_class_count *c,
                             size_t n);


#endif
