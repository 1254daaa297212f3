/* Tests of the Locust message codec (locust_msg.c) against bytes written by Locust's own
 * Message.serialize (tests/fixtures/locust/make_stats_fixture.py): every message type decodes
 * to the expected fields and encodes back to the same bytes, including the real messages of a
 * 2.12.1 worker; and decoding survives garbage: truncations, byte flips, random frames, wrong
 * types, huge declared sizes, with an error text every time it refuses. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "locust_fixture.h"
#include "locust_mp.h"
#include "locust_msg.h"
#include "locust_msg_internal.h"
#include "locust_stats.h"
#include "locust_stats_internal.h"

#define NODE "hornet-fixture_0123456789abcdef0123456789abcdef"

/* Decode fixture `name` into *m (asserting success); returns the frame for the caller to free. */
static char *decode_fixture(const char *name, struct locust_msg *m, size_t *len)
{
    char err[256] = "";
    char *frame = locust_fixture_read(name, len);

    if (locust_msg_decode(frame, *len, m, err, sizeof err) != 0)
        fail_msg("%s: %s", name, err);
    return frame;
}

/* Encode m and compare with fixture `name`. */
static void assert_encodes_to(const struct locust_msg *m, const char *name)
{
    size_t want_len, len;
    char *want = locust_fixture_read(name, &want_len), err[256] = "";
    void *frame;

    if (locust_msg_encode(m, &frame, &len, err, sizeof err) != 0)
        fail_msg("%s: %s", name, err);
    locust_fixture_assert_same(frame, len, want, want_len);
    free(frame);
    free(want);
}

/* Decode fixture name, encode the result, compare: the round trip is exact. */
static void assert_round_trip(const char *name)
{
    struct locust_msg m;
    size_t len;
    char *frame = decode_fixture(name, &m, &len);

    assert_encodes_to(&m, name);
    locust_msg_release(&m);
    free(frame);
}

static void test_client_ready(void **state)
{
    struct locust_msg m;
    size_t len;
    char *f;

    (void)state;
    f = decode_fixture("msg_client_ready.bin", &m, &len);
    assert_int_equal(m.type, LOCUST_MSG_CLIENT_READY);
    assert_string_equal(m.type_name, "client_ready");
    assert_string_equal(m.node_id, NODE);
    assert_int_equal(m.version.kind, LOCUST_VALUE_STR);
    assert_string_equal(m.version.s, "2.43.4");
    locust_msg_release(&m);
    free(f);
    f = decode_fixture("msg_client_ready_empty.bin", &m, &len);     /* Debian's 2.12.1 */
    assert_int_equal(m.version.kind, LOCUST_VALUE_STR);
    assert_string_equal(m.version.s, "");
    locust_msg_release(&m);
    free(f);
    f = decode_fixture("msg_client_ready_minus1.bin", &m, &len);
    assert_int_equal(m.version.kind, LOCUST_VALUE_INT);
    assert_int_equal(m.version.i, -1);
    locust_msg_release(&m);
    free(f);
    assert_encodes_to(&(struct locust_msg){.type = LOCUST_MSG_CLIENT_READY, .node_id = NODE,
                                           .version = {.kind = LOCUST_VALUE_INT, .i = -1}},
                      "msg_client_ready_minus1.bin");
    assert_encodes_to(&(struct locust_msg){.type = LOCUST_MSG_CLIENT_READY, .node_id = NODE,
                                           .version = {.kind = LOCUST_VALUE_STR, .s = "2.43.4"}},
                      "msg_client_ready.bin");
}

static void test_ack_and_nil_types(void **state)
{
    static const struct { const char *file; enum locust_msg_type type; const char *node; } nil[] = {
        {"msg_spawning.bin", LOCUST_MSG_SPAWNING, NODE},
        {"msg_stop.bin", LOCUST_MSG_STOP, "master"},
        {"msg_client_stopped.bin", LOCUST_MSG_CLIENT_STOPPED, NODE},
        {"msg_quit.bin", LOCUST_MSG_QUIT, "master"},
        {"msg_reconnect.bin", LOCUST_MSG_RECONNECT, "master"},
    };
    struct locust_msg m;
    size_t len;
    char *f;

    (void)state;
    f = decode_fixture("msg_ack.bin", &m, &len);
    assert_int_equal(m.type, LOCUST_MSG_ACK);
    assert_true(m.ack.has_index);
    assert_int_equal(m.ack.index, 3);
    locust_msg_release(&m);
    free(f);
    assert_encodes_to(&(struct locust_msg){.type = LOCUST_MSG_ACK, .node_id = "master",
                                           .ack = {true, 3}}, "msg_ack.bin");
    for (size_t i = 0; i < sizeof nil / sizeof nil[0]; i++) {
        f = decode_fixture(nil[i].file, &m, &len);
        assert_int_equal(m.type, nil[i].type);
        assert_string_equal(m.node_id, nil[i].node);
        locust_msg_release(&m);
        free(f);
        assert_encodes_to(&(struct locust_msg){.type = nil[i].type, .node_id = nil[i].node},
                          nil[i].file);
    }
}

static void test_spawn(void **state)
{
    static const struct locust_class_count classes[] = {{"WebUser", 2}, {"AdminUser", 1}};
    static const char *const tags[] = {"a", "b"};
    const struct locust_option options[] = {
        {"locustfile", {.kind = LOCUST_VALUE_STR, .s = "lf.py"}},
        {"host", {.kind = LOCUST_VALUE_NIL}},
        {"num_users", {.kind = LOCUST_VALUE_INT, .i = 4}},
        {"spawn_rate", {.kind = LOCUST_VALUE_FLOAT, .f = 2.0}},
        {"run_time", {.kind = LOCUST_VALUE_INT, .i = 8}},
        {"headless", {.kind = LOCUST_VALUE_BOOL, .b = true}},
        {"tags", {.kind = LOCUST_VALUE_STRS, .strs = tags, .n_strs = 2}},
        {"exclude_tags", {.kind = LOCUST_VALUE_NIL}},
        {"stop_timeout", {.kind = LOCUST_VALUE_NIL}},
    };
    struct locust_msg m;
    size_t len;
    char *f = decode_fixture("msg_spawn.bin", &m, &len);
    const struct locust_value *v;

    (void)state;
    assert_int_equal(m.type, LOCUST_MSG_SPAWN);
    assert_true(m.spawn.timestamp == 1796078939.1776445);
    assert_int_equal(m.spawn.n_classes, 2);
    assert_string_equal(m.spawn.classes[1].name, "AdminUser");
    assert_int_equal(m.spawn.classes[1].count, 1);
    assert_string_equal(m.spawn.host, "http://127.0.0.1:8089");
    assert_false(m.spawn.has_stop_timeout);
    assert_int_equal(m.spawn.n_options, 9);
    v = locust_msg_option(&m.spawn, "tags");
    assert_non_null(v);
    assert_int_equal(v->kind, LOCUST_VALUE_STRS);
    assert_int_equal(v->n_strs, 2);
    assert_string_equal(v->strs[1], "b");
    assert_int_equal(locust_msg_option(&m.spawn, "spawn_rate")->kind, LOCUST_VALUE_FLOAT);
    assert_null(locust_msg_option(&m.spawn, "nope"));
    locust_msg_release(&m);
    free(f);
    assert_encodes_to(&(struct locust_msg){
        .type = LOCUST_MSG_SPAWN, .node_id = "master",
        .spawn = {.timestamp = 1796078939.1776445, .classes = classes, .n_classes = 2,
                  .host = "http://127.0.0.1:8089", .options = options, .n_options = 9}},
        "msg_spawn.bin");
}

static void test_worker_messages(void **state)
{
    static const struct locust_class_count web2[] = {{"WebUser", 2}, {"AdminUser", 1}};
    struct locust_msg m;
    size_t len;
    char *f;

    (void)state;
    f = decode_fixture("msg_spawning_complete.bin", &m, &len);
    assert_true(m.spawning_complete.has_classes);
    assert_int_equal(m.spawning_complete.user_count, 3);
    locust_msg_release(&m);
    free(f);
    assert_encodes_to(&(struct locust_msg){
        .type = LOCUST_MSG_SPAWNING_COMPLETE, .node_id = NODE,
        .spawning_complete = {true, web2, 2, 3}}, "msg_spawning_complete.bin");
    f = decode_fixture("msg_heartbeat.bin", &m, &len);
    assert_int_equal(m.heartbeat.state, LOCUST_STATE_RUNNING);
    assert_true(m.heartbeat.cpu_usage == 12.5);
    assert_int_equal(m.heartbeat.memory_usage, 56545280);
    locust_msg_release(&m);
    free(f);
    assert_encodes_to(&(struct locust_msg){
        .type = LOCUST_MSG_HEARTBEAT, .node_id = NODE,
        .heartbeat = {.state = LOCUST_STATE_RUNNING, .cpu_usage = 12.5, .has_memory = true,
                      .memory_usage = 56545280}}, "msg_heartbeat.bin");
    f = decode_fixture("msg_heartbeat_master.bin", &m, &len);
    assert_true(m.heartbeat.from_master);
    locust_msg_release(&m);
    free(f);
    assert_round_trip("msg_heartbeat_master.bin");
    f = decode_fixture("msg_exception.bin", &m, &len);
    assert_string_equal(m.exception.msg, "deliberate exception");
    assert_string_equal(m.exception.traceback, "  File \"x.py\", line 1, in boom\n");
    locust_msg_release(&m);
    free(f);
    assert_round_trip("msg_exception.bin");
    f = decode_fixture("msg_logs.bin", &m, &len);
    assert_int_equal(m.logs.n_lines, 2);
    assert_string_equal(m.logs.lines[1], "line two");
    assert_string_equal(m.logs.worker_id, NODE);
    locust_msg_release(&m);
    free(f);
    assert_round_trip("msg_logs.bin");
}

/* The messages a real 2.12.1 worker sent and received: each decodes, and all but stats encode
 * back to the very same bytes (the spawn with every parsed option of a 2.12 master too). */
static void test_real_2_12_worker(void **state)
{
    static const char *const files[] = {
        "worker212_00_send_client_ready.bin", "worker212_01_recv_ack.bin",
        "worker212_02_send_heartbeat.bin", "worker212_04_recv_spawn.bin",
        "worker212_05_send_spawning.bin", "worker212_06_send_spawning_complete.bin",
        "worker212_10_recv_quit.bin", "worker212_12_send_quit.bin",
    };
    struct locust_msg m;
    size_t len;
    char *f;

    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_round_trip(files[i]);
    f = decode_fixture("worker212_04_recv_spawn.bin", &m, &len);
    assert_int_equal(m.spawn.n_classes, 1);
    assert_string_equal(m.spawn.classes[0].name, "WebUser");
    assert_int_equal(m.spawn.classes[0].count, 2);
    assert_null(m.spawn.host);
    assert_int_equal(locust_msg_option(&m.spawn, "num_users")->i, 4);
    assert_int_equal(locust_msg_option(&m.spawn, "user_classes")->kind, LOCUST_VALUE_STRS);
    locust_msg_release(&m);
    free(f);
    f = decode_fixture("worker212_03_send_stats.bin", &m, &len);    /* before any spawn */
    assert_int_equal(m.type, LOCUST_MSG_STATS);
    assert_int_equal(m.stats->n_entries, 0);
    assert_null(m.stats->total.method);
    assert_false(m.stats->total.has_min);
    assert_int_equal(m.stats->n_classes, 1);
    assert_int_equal(m.stats->user_count, 0);
    locust_msg_release(&m);
    free(f);
    f = decode_fixture("worker212_09_send_stats.bin", &m, &len);
    assert_int_equal(m.stats->n_entries, 2);
    assert_string_equal(m.stats->entries[0].name, "/");
    assert_int_equal(m.stats->entries[0].num_requests, 41);
    assert_int_equal(m.stats->entries[0].n_rt, 6);
    assert_true(m.stats->entries[0].rt[0].ms == 3 && m.stats->entries[0].rt[0].count == 7);
    assert_string_equal(m.stats->entries[1].name, "/nope");
    assert_int_equal(m.stats->total.num_requests, 49);
    assert_int_equal(m.stats->n_errors, 1);
    assert_int_equal(m.stats->errors[0].occurrences, 8);
    assert_false(m.stats->has_hdr);
    locust_msg_release(&m);
    free(f);
}

/* ---- defensive decoding ---- */

static uint64_t rng = 42;

static uint64_t next_rand(void)     /* xorshift64 */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Decoding buf must give 0, or -1 with a non-empty error; no crash either way. */
static int decode_any(const void *buf, size_t len)
{
    struct locust_msg m;
    char err[256] = "";
    int rc = locust_msg_decode(buf, len, &m, err, sizeof err);

    if (rc != 0) {
        assert_int_equal(rc, -1);
        assert_true(err[0] != '\0');
        assert_null(m.arena);
    }
    locust_msg_release(&m);
    return rc;
}

static const char *const ALL[] = {
    "msg_ack.bin", "msg_client_ready.bin", "msg_spawn.bin", "msg_spawning_complete.bin",
    "msg_heartbeat.bin", "msg_exception.bin", "msg_logs.bin", "stats_two_endpoints.bin",
    "stats_error_texts.bin", "worker212_04_recv_spawn.bin", "worker212_09_send_stats.bin",
};

static void test_truncations_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ALL / sizeof ALL[0]; i++) {
        size_t len;
        char *f = locust_fixture_read(ALL[i], &len);

        assert_int_equal(decode_any(f, len), 0);
        for (size_t n = 0; n < len; n++)
            assert_int_equal(decode_any(f, n), -1);
        free(f);
    }
}

static void test_mutations_survive(void **state)
{
    size_t refused = 0, total = 0;

    (void)state;
    for (size_t i = 0; i < sizeof ALL / sizeof ALL[0]; i++) {
        size_t len;
        char *f = locust_fixture_read(ALL[i], &len);
        char *g = malloc(len);

        assert_non_null(g);
        for (int round = 0; round < 1500; round++) {
            memcpy(g, f, len);
            for (int k = 0; k < 1 + round % 4; k++) {
                size_t at = next_rand() % len;

                g[at] = round % 3 ? (char)next_rand() : (char)(g[at] ^ (1 << (next_rand() % 8)));
            }
            refused += decode_any(g, len) != 0;
            total++;
        }
        free(g);
        free(f);
    }
    print_message("%zu of %zu mutated frames refused, the rest decoded\n", refused, total);
    assert_true(refused > total / 10);
}

static void test_random_frames_survive(void **state)
{
    unsigned char buf[256];

    (void)state;
    for (int round = 0; round < 20000; round++) {
        size_t len = 1 + next_rand() % sizeof buf;

        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char)next_rand();
        if (round % 2)
            buf[0] = 0x93;                      /* a 3-array, as a message starts */
        decode_any(buf, len);
    }
}

/* Pack [type, <data as built by fill>, node] and decode it, expecting err to contain want. */
static void expect_refused(const char *type, void (*fill)(msgpack_packer *), const char *want)
{
    struct locust_mp_out o;
    void *frame;
    size_t len;
    struct locust_msg m;
    char err[256] = "";

    locust_mp_out_init(&o);
    msgpack_pack_array(&o.pk, 3);
    locust_mp_pack_str(&o.pk, type);
    fill(&o.pk);
    locust_mp_pack_str(&o.pk, "w1");
    assert_int_equal(locust_mp_out_take(&o, &frame, &len, err, sizeof err), 0);
    assert_int_equal(locust_msg_decode(frame, len, &m, err, sizeof err), -1);
    if (strcmp(err, want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", type, err, want);
    free(frame);
}

static void key(msgpack_packer *pk, const char *k)
{
    locust_mp_pack_str(pk, k);
}

static void spawn_str_count(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 2);
    key(pk, "timestamp");
    msgpack_pack_double(pk, 1.0);
    key(pk, "user_classes_count");
    msgpack_pack_map(pk, 1);
    key(pk, "WebUser");
    key(pk, "2");
}

static void spawn_no_timestamp(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 0);
}

static void spawn_negative(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 2);
    key(pk, "timestamp");
    msgpack_pack_int(pk, 1);
    key(pk, "user_classes_count");
    msgpack_pack_map(pk, 1);
    key(pk, "WebUser");
    msgpack_pack_int(pk, -5);
}

static void heartbeat_no_state(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    key(pk, "current_cpu_usage");
    msgpack_pack_double(pk, 1.0);
}

static void ack_str_index(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    key(pk, "index");
    key(pk, "zero");
}

static void stats_list(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 0);
}

static void stats_bad_key(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 4);
    key(pk, "stats");
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 4);
    key(pk, "name");
    key(pk, "/");
    key(pk, "method");
    key(pk, "GET");
    key(pk, "start_time");
    msgpack_pack_double(pk, 1.0);
    key(pk, "response_times");
    msgpack_pack_map(pk, 1);
    key(pk, "18");                              /* a string key: Locust's master would choke */
    msgpack_pack_int(pk, 1);
    key(pk, "stats_total");
    msgpack_pack_nil(pk);
    key(pk, "errors");
    msgpack_pack_map(pk, 0);
    key(pk, "user_classes_count");
    msgpack_pack_map(pk, 0);
}

/* One entry whose given time (start_time, or last_request_timestamp) is t. */
static void stats_time(msgpack_packer *pk, const char *which, double t)
{
    bool last = strcmp(which, "start_time") != 0;

    msgpack_pack_map(pk, 4);
    key(pk, "stats");
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, last ? 4 : 3);
    key(pk, "name");
    key(pk, "/");
    key(pk, "method");
    key(pk, "GET");
    key(pk, "start_time");
    msgpack_pack_double(pk, last ? 1.0 : t);
    if (last) {
        key(pk, "last_request_timestamp");
        msgpack_pack_double(pk, t);
    }
    key(pk, "stats_total");
    msgpack_pack_nil(pk);
    key(pk, "errors");
    msgpack_pack_map(pk, 0);
    key(pk, "user_classes_count");
    msgpack_pack_map(pk, 0);
}

static void stats_huge_last_request(msgpack_packer *pk)
{
    stats_time(pk, "last_request_timestamp", 5.50123e+173);
}

static void stats_nan_start(msgpack_packer *pk)
{
    stats_time(pk, "start_time", NAN);
}

static void stats_negative_start(msgpack_packer *pk)
{
    stats_time(pk, "start_time", -1);
}

static void spawning_complete_empty(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 0);
}

static void exception_nil_msg(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 2);
    key(pk, "msg");
    msgpack_pack_nil(pk);
    key(pk, "traceback");
    key(pk, "");
}

static void test_wrong_types_refused(void **state)
{
    (void)state;
    expect_refused("spawn", spawn_str_count,
                   "spawn: data.user_classes_count.WebUser: expected an int, got str");
    expect_refused("spawn", spawn_no_timestamp, "spawn: data.timestamp: missing");
    expect_refused("spawn", spawn_negative,
                   "spawn: data.user_classes_count.WebUser: negative user count -5");
    expect_refused("heartbeat", heartbeat_no_state, "heartbeat: data.state: missing");
    expect_refused("ack", ack_str_index, "ack: data.index: expected an int, got str");
    expect_refused("stats", stats_list, "stats: data: expected a map, got array");
    expect_refused("stats", stats_bad_key,
                   "stats: data.stats[0].response_times[0]: expected a number, got str");
    /* a worker's times become whole seconds on the master: 1e173 has none (found by
     * fuzz_locust_msg: a cast out of range, undefined behaviour) */
    expect_refused("stats", stats_huge_last_request, "stats: data.stats[0]."
                   "last_request_timestamp: expected a unix time, got 5.50123e+173");
    expect_refused("stats", stats_nan_start,
                   "stats: data.stats[0].start_time: expected a unix time, got nan");
    expect_refused("stats", stats_negative_start,
                   "stats: data.stats[0].start_time: expected a unix time, got -1");
    expect_refused("spawning_complete", spawning_complete_empty,
                   "spawning_complete: data: neither user_classes_count nor user_count");
    expect_refused("exception", exception_nil_msg,
                   "exception: data.msg: expected a str, got nil");
}

static void test_envelope(void **state)
{
    static const unsigned char map[] = {0x80};
    static const unsigned char two[] = {0x92, 0xa1, 'x', 0xc0};
    static const unsigned char int_type[] = {0x93, 0x01, 0xc0, 0xa1, 'w'};
    static const unsigned char nul_node[] = {0x93, 0xa4, 's', 't', 'o', 'p', 0xc0, 0xa2, 'w',
                                             0x00};
    static const unsigned char custom[] = {0x93, 0xa6, 'c', 'u', 's', 't', 'o', 'm', 0x81, 0x01,
                                           0x02, 0xa1, 'w'};
    struct locust_msg m;
    char err[256];

    (void)state;
    assert_int_equal(locust_msg_decode(map, sizeof map, &m, err, sizeof err), -1);
    assert_string_equal(err, "expected an array [type, data, node_id], got map");
    assert_int_equal(locust_msg_decode(two, sizeof two, &m, err, sizeof err), -1);
    assert_string_equal(err, "expected an array [type, data, node_id], got an array of "
                        "fewer items");
    assert_int_equal(locust_msg_decode(int_type, sizeof int_type, &m, err, sizeof err), -1);
    assert_string_equal(err, "type: expected a str, got int");
    assert_int_equal(locust_msg_decode(nul_node, sizeof nul_node, &m, err, sizeof err), -1);
    assert_string_equal(err, "node_id: a str holding a NUL byte");
    assert_int_equal(locust_msg_decode(custom, sizeof custom, &m, err, sizeof err), 0);
    assert_int_equal(m.type, LOCUST_MSG_OTHER);
    assert_string_equal(m.type_name, "custom");
    locust_msg_release(&m);
}

static void test_encode_refusals(void **state)
{
    const struct locust_option bad[] = {{"x", {.kind = LOCUST_VALUE_OTHER}}};
    void *frame;
    size_t len;
    char err[128];

    (void)state;
    assert_int_equal(locust_msg_encode(&(struct locust_msg){.type = LOCUST_MSG_OTHER,
                                                            .node_id = "w"},
                                       &frame, &len, err, sizeof err), -1);
    assert_int_equal(locust_msg_encode(&(struct locust_msg){.type = LOCUST_MSG_QUIT},
                                       &frame, &len, err, sizeof err), -1);
    assert_int_equal(locust_msg_encode(&(struct locust_msg){.type = LOCUST_MSG_STATS,
                                                            .node_id = "w"},
                                       &frame, &len, err, sizeof err), -1);
    assert_int_equal(locust_msg_encode(&(struct locust_msg){
        .type = LOCUST_MSG_SPAWN, .node_id = "m", .spawn = {.options = bad, .n_options = 1}},
        &frame, &len, err, sizeof err), -1);
    assert_string_equal(err, "spawn: a value of a kind that cannot be sent");
    /* a custom type goes out under its own name */
    assert_int_equal(locust_msg_encode(&(struct locust_msg){.type = LOCUST_MSG_OTHER,
                                                            .type_name = "custom",
                                                            .node_id = "w"},
                                       &frame, &len, err, sizeof err), 0);
    assert_memory_equal(frame, "\x93\xa6" "custom\xc0\xa1w", len);
    free(frame);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_ready),
        cmocka_unit_test(test_ack_and_nil_types),
        cmocka_unit_test(test_spawn),
        cmocka_unit_test(test_worker_messages),
        cmocka_unit_test(test_real_2_12_worker),
        cmocka_unit_test(test_truncations_refused),
        cmocka_unit_test(test_mutations_survive),
        cmocka_unit_test(test_random_frames_survive),
        cmocka_unit_test(test_wrong_types_refused),
        cmocka_unit_test(test_envelope),
        cmocka_unit_test(test_encode_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
