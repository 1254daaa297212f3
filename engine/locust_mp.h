/* locust_mp: the msgpack groundwork under hornet's Locust codecs (locust_msg, locust_stats).
 *
 * Locust's rules (locust/rpc/protocol.py, msgpack-python 1.0): frames are msgpack written by
 * msgpack.dumps with its defaults (str as UTF-8 str, float as float64, each int in its smallest
 * encoding, unsigned types for non-negative values), read by msgpack.loads(raw=False,
 * strict_map_key=False): maps may have int keys, a str that is not UTF-8 breaks the peer's
 * decoding (a Locust master then asks the worker to reconnect), bytes after the object are an
 * error (ExtraData).
 *
 * hornet's: a frame from the network is checked by locust_mp_unpack before msgpack-c builds
 * its object tree: it must be one whole object of at most LOCUST_MP_MAX_BYTES, at most
 * LOCUST_MP_MAX_DEPTH deep, each container declaring no more elements than bytes remain (so
 * msgpack-c, which allocates a container from its declared count, allocates at most 48 bytes
 * per byte of frame). Typed reads name the path of what failed ("data.stats[3].num_requests:
 * expected an int, got str"). Decoded text is copied into an arena freed in one call.
 * Strings written go out as valid UTF-8 (invalid bytes become U+FFFD).
 *
 * Nothing here keeps global state; each arena, packer and tree belongs to one thread. */
#ifndef HORNET_LOCUST_MP_H
#define HORNET_LOCUST_MP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <msgpack.h>

#define LOCUST_MP_MAX_BYTES (16u << 20)   /* a stats report of 10,000 endpoints is ~3 MB */
#define LOCUST_MP_MAX_DEPTH 32            /* msgpack-c's own unpacking stack */

/* ---- arena: every allocation of one decoded message, freed at once ---- */
struct locust_mp_arena;

/* A new empty arena; NULL when out of memory. */
struct locust_mp_arena *locust_mp_arena_new(void);

/* Free the arena and everything allocated in it. NULL is fine. */
void locust_mp_arena_free(struct locust_mp_arena *a);

/* n zeroed bytes aligned for any type, living as long as the arena; NULL when out of memory
 * or n > LOCUST_MP_MAX_BYTES * 64. */
void *locust_mp_alloc(struct locust_mp_arena *a, size_t n);

/* ---- reading ---- */

/* Where a typed read is, for error texts: a chain up to the root, built on the stack. key
 * names a map member ("stats"), or index an array element when key is NULL. */
struct locust_mp_path {
    const struct locust_mp_path *up;
    const char *key;
    size_t index;
};

/* A decoding in progress: where copies go and where the first error is written. */
struct locust_mp_ctx {
    struct locust_mp_arena *arena;
    char *err;
    size_t errlen;
};

/* Check frame (len bytes) as described above and unpack it into *out (msgpack_unpacked_init'ed
 * by the caller, msgpack_unpacked_destroy'ed by the caller in every case). Strings in the tree
 * point into frame, which must outlive it. 0, or -1 with err ("truncated frame at byte 7",
 * "2 bytes after the message", "nested deeper than 32").*/
int locust_mp_unpack(const void *frame, size_t len, msgpack_unpacked *out, char *err,
                     size_t errlen);

/* Write "<path>: <message>" into ctx->err; returns -1 so that callers `return
 * locust_mp_fail(...)`. */
int locust_mp_fail(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Human name of an object's type ("int", "float", "str", "nil", "map", ...). */
const char *locust_mp_type_name(const msgpack_object *o);

/* The value of key in map m (a str key compared byte for byte); NULL when absent. */
const msgpack_object *locust_mp_get(const msgpack_object_map *m, const char *key);

/* Typed reads of o at `at`. Each returns 0, or -1 with an error naming the path and what was
 * found instead:
 * - int: an integer in int64 range. uint: a non-negative integer.
 * - number: an int or a float (Locust sends 0 for an empty total, floats otherwise);
 *   integers are converted to double.
 * - str: a copy into the arena, NUL-terminated; a str holding a NUL byte is refused.
 * - str_or_nil: as str; nil gives NULL.
 * - map / array: the container (its elements still to be read). */
int locust_mp_int(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                  const msgpack_object *o, int64_t *out);
int locust_mp_uint(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                   const msgpack_object *o, uint64_t *out);
int locust_mp_number(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                     const msgpack_object *o, double *out);
int locust_mp_str(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                  const msgpack_object *o, const char **out);
int locust_mp_str_or_nil(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                         const msgpack_object *o, const char **out);
int locust_mp_map(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                  const msgpack_object *o, const msgpack_object_map **out);
int locust_mp_array(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                    const msgpack_object *o, const msgpack_object_array **out);

/* An arena array of n items of size bytes (at least one item, so that an empty container
 * still gets a pointer); NULL with "<path>: out of memory" in ctx->err. */
void *locust_mp_items(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                      size_t n, size_t size);

/* The member key of map m, required: -1 with "<path>: missing key" when absent. */
int locust_mp_need(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                   const msgpack_object_map *m, const char *key, const msgpack_object **out);

/* ---- writing ---- */

/* A growing frame and its packer. Writes past LOCUST_MP_MAX_BYTES or a failed allocation set
 * `failed` (later writes are dropped), checked once at the end by locust_mp_out_take. */
struct locust_mp_out {
    msgpack_sbuffer sb;
    msgpack_packer pk;
    bool failed;
    bool too_big;
};

/* Start an empty frame. */
void locust_mp_out_init(struct locust_mp_out *o);

/* Hand the frame to the caller (*frame malloc'ed, free() it) and reset o; or, when a write
 * failed, free it and return -1 with "message larger than 16777216 bytes" or "out of
 * memory". The packer points at o: o must not be copied while in use. */
int locust_mp_out_take(struct locust_mp_out *o, void **frame, size_t *len, char *err,
                       size_t errlen);

/* Free the frame without taking it. */
void locust_mp_out_discard(struct locust_mp_out *o);

/* A map key of the protocol (an ASCII literal such as "num_requests") as a str. */
void locust_mp_pack_key(msgpack_packer *pk, const char *key);

/* A str as msgpack-python writes it: s made valid UTF-8 (each invalid byte becomes U+FFFD);
 * NULL writes nil. */
void locust_mp_pack_str(msgpack_packer *pk, const char *s);

/* Python's `repr` of the UTF-8 text s (invalid bytes read as U+FFFD) into a malloc'ed
 * NUL-terminated string; NULL when out of memory. Quotes as Python chooses them (' unless the
 * text holds ' and no "), escapes \\ \n \r \t and the quote, \xNN / \uNNNN / \UNNNNNNNN for
 * what Python does not print: exact for every assigned code point of Python 3.11 (Unicode
 * 14); unassigned ones, which Python escapes too, are written as they are. */
char *locust_mp_pyrepr(const char *s);

#endif
