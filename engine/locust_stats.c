/* locust_stats: the stats payload of Locust's protocol (see locust_stats.h). Worker side:
 * Locust's response-time keys from hornet's histograms, the Aggregated total from the
 * endpoints, Locust's error keys (SHA-256 over a Python repr), the msgpack bytes in Locust's
 * order and types, and hornet's exact buckets under "hornet_hdr". Master side: the checked
 * decoding of a payload from any worker.
 *
 * No global state: runs on the thread that encodes or decodes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "locust_mp.h"
#include "locust_stats.h"
#include "locust_stats_internal.h"

#define HDR_VERSION 2

/* ---- SHA-256 (FIPS 180-4), for Locust's error keys ---- */

struct sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t fill;
};

static const uint32_t SHA_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
    return x >> n | x << (32 - n);
}

static void sha_block(struct sha256 *s, const unsigned char *p)
{
    uint32_t w[64], v[8];

    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++)
        w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
               w[i - 7] + (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
    memcpy(v, s->h, sizeof v);
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
                      ((v[4] & v[5]) ^ (~v[4] & v[6])) + SHA_K[i] + w[i];
        uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
                      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));

        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        s->h[i] += v[i];
}

static void sha_init(struct sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

    memcpy(s->h, h0, sizeof h0);
    s->bytes = 0;
    s->fill = 0;
}

static void sha_update(struct sha256 *s, const void *data, size_t n)
{
    const unsigned char *p = data;

    s->bytes += n;
    while (n > 0) {
        size_t take = 64 - s->fill < n ? 64 - s->fill : n;

        memcpy(s->block + s->fill, p, take);
        s->fill += take;
        p += take;
        n -= take;
        if (s->fill == 64) {
            sha_block(s, s->block);
            s->fill = 0;
        }
    }
}

static void sha_hex(struct sha256 *s, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    uint64_t bits = s->bytes * 8;
    unsigned char len[8];

    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_update(s, "\x80", 1);
    while (s->fill != 56)
        sha_update(s, "", 1);
    sha_update(s, len, 8);
    for (int i = 0; i < 32; i++) {
        unsigned char b = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));

        out[2 * i] = hex[b >> 4];
        out[2 * i + 1] = hex[b & 15];
    }
    out[64] = '\0';
}

int locust_stats_error_key(const char *method, const char *name, const char *error,
                           char out[65])
{
    char *repr = locust_mp_pyrepr(error ? error : "");
    struct sha256 s;

    if (!repr)
        return -1;
    sha_init(&s);
    sha_update(&s, method ? method : "None", strlen(method ? method : "None"));
    sha_update(&s, ".", 1);
    sha_update(&s, name ? name : "None", strlen(name ? name : "None"));
    sha_update(&s, ".", 1);
    sha_update(&s, repr, strlen(repr));
    sha_hex(&s, out);
    free(repr);
    return 0;
}

/* ---- response-time keys ---- */

/* Locust's key for a latency of h2 half-microseconds: the rounding unit by range, then
 * round half to even on exact integers. */
static int64_t bucket_half_us(uint64_t h2, bool *is_float)
{
    uint64_t unit = h2 < 200000 ? 2000 : h2 < 2000000 ? 20000 : h2 < 20000000 ? 200000 : 2000000;
    uint64_t q = h2 / unit, r = h2 % unit;

    if (2 * r > unit || (2 * r == unit && (q & 1)))
        q++;
    if (is_float)
        *is_float = unit > 2000;
    return (int64_t)(q * (unit / 2000));
}

int64_t locust_stats_bucket(uint64_t us, bool *is_float)
{
    return bucket_half_us(us > UINT64_MAX / 2 ? UINT64_MAX - 1 : 2 * us, is_float);
}

int64_t locust_stats_hist_key(int32_t index, bool *is_float)
{
    return bucket_half_us(hist_lowest_equivalent(index) + hist_highest_equivalent(index),
                          is_float);
}

struct key_count {
    int64_t ms;
    uint64_t count;
    bool is_float;
};

struct keys {
    struct key_count *v;
    size_t n;
};

/* Each non-zero bucket of h at the key of its midpoint, ascending; equal keys combined (the
 * key 100 of both sides of 100 ms keeps the lower side's int type). -1 when out of memory. */
static int keys_of_hist(const struct hist *h, struct keys *out)
{
    size_t cap = 0;

    out->v = NULL;
    out->n = 0;
    for (int32_t i = h ? hist_next_nonzero(h, 0) : -1; i >= 0; i = hist_next_nonzero(h, i + 1)) {
        bool is_float;
        int64_t ms = locust_stats_hist_key(i, &is_float);

        if (out->n > 0 && out->v[out->n - 1].ms == ms) {
            out->v[out->n - 1].count += h->counts[i];
            continue;
        }
        if (out->n == cap) {
            struct key_count *v = realloc(out->v, (cap = cap ? 2 * cap : 64) * sizeof *v);

            if (!v)
                return -1;
            out->v = v;
        }
        out->v[out->n++] = (struct key_count){ms, h->counts[i], is_float};
    }
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    const struct key_count *x = a, *y = b;

    if (x->ms != y->ms)
        return x->ms < y->ms ? -1 : 1;
    return (int)x->is_float - (int)y->is_float;
}

static int cmp_sec(const void *a, const void *b)
{
    const struct locust_per_sec *x = a, *y = b;

    return x->sec < y->sec ? -1 : x->sec > y->sec;
}

/* ---- the report being encoded ---- */

struct work {
    const struct locust_stats_report *r;
    struct keys *ep_keys;           /* per endpoint */
    struct keys total_keys;
    struct locust_per_sec *total_reqs, *total_fails;
    size_t n_total_reqs, n_total_fails;
    char (*error_keys)[65];
    uint32_t *hdr;                  /* per endpoint: its index in hornet_hdr's endpoints */
    uint32_t n_hdr;
};

static bool reported(const struct locust_stats_endpoint *e)
{
    return e->requests > 0 || e->failures > 0;
}

/* Concatenate the endpoints' per-second counts (reqs or fails), sort, add equal seconds. */
static int total_per_sec(const struct locust_stats_report *r, bool fails,
                         struct locust_per_sec **out, size_t *n_out)
{
    size_t n = 0, k = 0;
    struct locust_per_sec *v;

    for (size_t i = 0; i < r->n_endpoints; i++)
        n += fails ? r->endpoints[i].n_fails_per_sec : r->endpoints[i].n_reqs_per_sec;
    v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < r->n_endpoints; i++) {
        const struct locust_stats_endpoint *e = &r->endpoints[i];
        size_t m = fails ? e->n_fails_per_sec : e->n_reqs_per_sec;

        if (m)
            memcpy(v + k, fails ? e->fails_per_sec : e->reqs_per_sec, m * sizeof *v);
        k += m;
    }
    qsort(v, n, sizeof *v, cmp_sec);
    k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && v[k - 1].sec == v[i].sec)
            v[k - 1].count += v[i].count;
        else
            v[k++] = v[i];
    }
    *out = v;
    *n_out = k;
    return 0;
}

static int total_keys(struct work *w)
{
    size_t n = 0, k = 0;
    struct key_count *v;

    for (size_t i = 0; i < w->r->n_endpoints; i++)
        n += w->ep_keys[i].n;
    v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < w->r->n_endpoints; i++) {
        if (w->ep_keys[i].n)
            memcpy(v + k, w->ep_keys[i].v, w->ep_keys[i].n * sizeof *v);
        k += w->ep_keys[i].n;
    }
    qsort(v, n, sizeof *v, cmp_key);
    k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && v[k - 1].ms == v[i].ms)
            v[k - 1].count += v[i].count;
        else
            v[k++] = v[i];
    }
    w->total_keys = (struct keys){v, k};
    return 0;
}

/* hornet_hdr's endpoints: those the seconds hold, numbered in the report's order. */
static void number_hdr_endpoints(struct work *w)
{
    const struct locust_stats_report *r = w->r;

    for (size_t i = 0; i < r->n_endpoints; i++)
        w->hdr[i] = UINT32_MAX;
    for (size_t k = 0; r->with_hdr && k < r->n_seconds; k++)
        for (uint32_t e = 0; e < r->seconds[k]->n_endpoints; e++)
            if (r->seconds[k]->endpoints[e].endpoint < r->n_endpoints)
                w->hdr[r->seconds[k]->endpoints[e].endpoint] = 0;
    for (size_t i = 0; i < r->n_endpoints; i++)
        if (w->hdr[i] == 0)
            w->hdr[i] = w->n_hdr++;
}

static int prepare(struct work *w)
{
    const struct locust_stats_report *r = w->r;

    w->ep_keys = calloc(r->n_endpoints ? r->n_endpoints : 1, sizeof *w->ep_keys);
    w->error_keys = calloc(r->n_errors ? r->n_errors : 1, sizeof *w->error_keys);
    w->hdr = calloc(r->n_endpoints ? r->n_endpoints : 1, sizeof *w->hdr);
    if (!w->ep_keys || !w->error_keys || !w->hdr)
        return -1;
    number_hdr_endpoints(w);
    for (size_t i = 0; i < r->n_endpoints; i++)
        if (keys_of_hist(r->endpoints[i].hist, &w->ep_keys[i]) < 0)
            return -1;
    if (total_keys(w) < 0 || total_per_sec(r, false, &w->total_reqs, &w->n_total_reqs) < 0 ||
        total_per_sec(r, true, &w->total_fails, &w->n_total_fails) < 0)
        return -1;
    for (size_t i = 0; i < r->n_errors; i++) {
        const struct locust_stats_error *e = &r->errors[i];

        if (e->key)
            snprintf(w->error_keys[i], sizeof w->error_keys[i], "%s", e->key);
        else if (locust_stats_error_key(e->method, e->name, e->error, w->error_keys[i]) < 0)
            return -1;
    }
    return 0;
}

static void work_free(struct work *w)
{
    for (size_t i = 0; w->ep_keys && i < w->r->n_endpoints; i++)
        free(w->ep_keys[i].v);
    free(w->ep_keys);
    free(w->total_keys.v);
    free(w->total_reqs);
    free(w->total_fails);
    free(w->error_keys);
    free(w->hdr);
}

/* ---- packing ---- */

static void pack_per_sec(msgpack_packer *pk, const struct locust_per_sec *v, size_t n)
{
    msgpack_pack_map(pk, n);
    for (size_t i = 0; i < n; i++) {
        msgpack_pack_int64(pk, v[i].sec);
        msgpack_pack_uint64(pk, v[i].count);
    }
}

static void pack_rt(msgpack_packer *pk, const struct keys *k, enum locust_keys flavour)
{
    msgpack_pack_map(pk, k->n);
    for (size_t i = 0; i < k->n; i++) {
        if (k->v[i].is_float && flavour == LOCUST_KEYS_FLOAT)
            msgpack_pack_double(pk, (double)k->v[i].ms);
        else
            msgpack_pack_int64(pk, k->v[i].ms);
        msgpack_pack_uint64(pk, k->v[i].count);
    }
}

/* The numbers of one entry, whichever of an endpoint or the total it is. */
struct entry_view {
    const char *name, *method;
    bool method_nil;
    double start_time, last_request_time;
    uint64_t requests, failures, none_requests, total_us, min_us, max_us, content_length;
    const struct keys *keys;
    const struct locust_per_sec *reqs, *fails;
    size_t n_reqs, n_fails;
};

/* A response time in ms: a float once a timed request was logged; before, Locust's reset
 * values: the int 0, or nil for the minimum. */
static void pack_ms(msgpack_packer *pk, const char *key, bool timed, uint64_t us, bool nil)
{
    locust_mp_pack_key(pk, key);
    if (timed)
        msgpack_pack_double(pk, (double)us / 1000.0);
    else if (nil)
        msgpack_pack_nil(pk);
    else
        msgpack_pack_int(pk, 0);
}

static void pack_entry(msgpack_packer *pk, const struct entry_view *e, enum locust_keys keys)
{
    bool timed = e->requests > e->none_requests;

    msgpack_pack_map(pk, 14);
    locust_mp_pack_key(pk, "name");
    locust_mp_pack_str(pk, e->name);
    locust_mp_pack_key(pk, "method");
    locust_mp_pack_str(pk, e->method_nil ? NULL : e->method ? e->method : "");
    locust_mp_pack_key(pk, "last_request_timestamp");
    if (e->requests)
        msgpack_pack_double(pk, e->last_request_time);
    else
        msgpack_pack_nil(pk);
    locust_mp_pack_key(pk, "start_time");
    msgpack_pack_double(pk, e->start_time);
    locust_mp_pack_key(pk, "num_requests");
    msgpack_pack_uint64(pk, e->requests);
    locust_mp_pack_key(pk, "num_none_requests");
    msgpack_pack_uint64(pk, e->none_requests);
    locust_mp_pack_key(pk, "num_failures");
    msgpack_pack_uint64(pk, e->failures);
    pack_ms(pk, "total_response_time", timed, e->total_us, false);
    pack_ms(pk, "max_response_time", timed, e->max_us, false);
    pack_ms(pk, "min_response_time", timed, e->min_us, true);
    locust_mp_pack_key(pk, "total_content_length");
    msgpack_pack_uint64(pk, e->content_length);
    locust_mp_pack_key(pk, "response_times");
    pack_rt(pk, e->keys, keys);
    locust_mp_pack_key(pk, "num_reqs_per_sec");
    pack_per_sec(pk, e->reqs, e->n_reqs);
    locust_mp_pack_key(pk, "num_fail_per_sec");
    pack_per_sec(pk, e->fails, e->n_fails);
}

static struct entry_view endpoint_view(const struct locust_stats_endpoint *e,
                                       const struct keys *k)
{
    return (struct entry_view){
        .name = e->name, .method = e->method, .start_time = e->start_time,
        .last_request_time = e->last_request_time, .requests = e->requests,
        .failures = e->failures, .none_requests = e->none_requests, .total_us = e->total_us,
        .min_us = e->min_us, .max_us = e->max_us, .content_length = e->content_length,
        .keys = k, .reqs = e->reqs_per_sec, .n_reqs = e->n_reqs_per_sec,
        .fails = e->fails_per_sec, .n_fails = e->n_fails_per_sec,
    };
}

/* Aggregated: the sum of the endpoints, as Locust's total logs every request. */
static struct entry_view total_view(const struct work *w)
{
    const struct locust_stats_report *r = w->r;
    struct entry_view t = {
        .name = "Aggregated", .method = "", .method_nil = r->total_method_nil,
        .start_time = r->total_start_time, .min_us = UINT64_MAX, .keys = &w->total_keys,
        .reqs = w->total_reqs, .n_reqs = w->n_total_reqs, .fails = w->total_fails,
        .n_fails = w->n_total_fails,
    };
    bool any_timed = false;

    for (size_t i = 0; i < r->n_endpoints; i++) {
        const struct locust_stats_endpoint *e = &r->endpoints[i];

        if (e->requests > 0 && (t.requests == 0 || e->last_request_time > t.last_request_time))
            t.last_request_time = e->last_request_time;
        t.requests += e->requests;
        t.failures += e->failures;
        t.none_requests += e->none_requests;
        t.total_us += e->total_us;
        t.content_length += e->content_length;
        if (e->requests > e->none_requests) {
            any_timed = true;
            t.min_us = e->min_us < t.min_us ? e->min_us : t.min_us;
            t.max_us = e->max_us > t.max_us ? e->max_us : t.max_us;
        }
    }
    if (!any_timed)
        t.min_us = 0;
    return t;
}

static void pack_errors(msgpack_packer *pk, const struct work *w)
{
    msgpack_pack_map(pk, w->r->n_errors);
    for (size_t i = 0; i < w->r->n_errors; i++) {
        const struct locust_stats_error *e = &w->r->errors[i];

        locust_mp_pack_key(pk, w->error_keys[i]);
        msgpack_pack_map(pk, 4);
        locust_mp_pack_key(pk, "name");
        locust_mp_pack_str(pk, e->name);
        locust_mp_pack_key(pk, "method");
        locust_mp_pack_str(pk, e->method);
        locust_mp_pack_key(pk, "error");
        locust_mp_pack_str(pk, e->error ? e->error : "");
        locust_mp_pack_key(pk, "occurrences");
        msgpack_pack_uint64(pk, e->occurrences);
    }
}

/* The index in hornet_hdr's endpoints of endpoint i (UINT32_MAX, which no decoder accepts,
 * for one out of the report's range: a caller's error). */
static uint32_t hdr_of(const struct work *w, uint32_t i)
{
    return i < w->r->n_endpoints ? w->hdr[i] : UINT32_MAX;
}

/* Latency buckets as [index, count, index delta, count, ...]. */
static void pack_pairs(msgpack_packer *pk, const struct hist_pair *p, size_t n)
{
    uint32_t prev = 0;

    msgpack_pack_array(pk, 2 * n);
    for (size_t i = 0; i < n; i++) {
        msgpack_pack_uint32(pk, p[i].index - prev);
        msgpack_pack_uint32(pk, p[i].count);
        prev = p[i].index;
    }
}

static void pack_second(msgpack_packer *pk, const struct work *w, const struct interval *iv)
{
    msgpack_pack_array(pk, 6);
    msgpack_pack_int64(pk, iv->second);
    msgpack_pack_double(pk, iv->first_time);
    msgpack_pack_double(pk, iv->last_time);
    msgpack_pack_uint64(pk, iv->dropped);
    msgpack_pack_array(pk, iv->n_endpoints);
    for (uint32_t i = 0; i < iv->n_endpoints; i++) {
        const struct interval_endpoint *e = &iv->endpoints[i];
        uint64_t v[10] = {hdr_of(w, e->endpoint), e->requests, e->failures, e->expected,
                          e->none_requests, e->aborted, e->total_us, e->min_us, e->max_us,
                          e->total_bytes};

        msgpack_pack_array(pk, 11);
        for (int k = 0; k < 10; k++)
            msgpack_pack_uint64(pk, v[k]);
        pack_pairs(pk, iv->pairs + e->pair_start, e->pair_count);
    }
    msgpack_pack_array(pk, iv->n_errors);
    for (uint32_t i = 0; i < iv->n_errors; i++) {
        const struct interval_error *e = &iv->errors[i];

        msgpack_pack_array(pk, 7);
        msgpack_pack_uint32(pk, hdr_of(w, e->endpoint));
        msgpack_pack_uint8(pk, e->kind);
        msgpack_pack_uint8(pk, e->expected);
        msgpack_pack_int32(pk, e->code);
        msgpack_pack_int32(pk, e->aux);
        msgpack_pack_uint32(pk, e->count);
        locust_mp_pack_str(pk, e->text);
    }
}

static void pack_hornet_hdr(msgpack_packer *pk, const struct work *w)
{
    const struct locust_stats_report *r = w->r;

    locust_mp_pack_key(pk, "hornet_hdr");
    msgpack_pack_map(pk, 4);
    locust_mp_pack_key(pk, "version");
    msgpack_pack_int(pk, HDR_VERSION);
    locust_mp_pack_key(pk, "sub_bucket_bits");
    msgpack_pack_int(pk, HIST_SUB_BUCKET_BITS);
    locust_mp_pack_key(pk, "endpoints");
    msgpack_pack_array(pk, w->n_hdr);
    for (size_t i = 0; i < r->n_endpoints; i++) {
        if (w->hdr[i] == UINT32_MAX)
            continue;
        msgpack_pack_array(pk, 2);
        locust_mp_pack_str(pk, r->endpoints[i].method);
        locust_mp_pack_str(pk, r->endpoints[i].name);
    }
    locust_mp_pack_key(pk, "seconds");
    msgpack_pack_array(pk, r->n_seconds);
    for (size_t i = 0; i < r->n_seconds; i++)
        pack_second(pk, w, r->seconds[i]);
}

static void pack_report(msgpack_packer *pk, const struct work *w, const char *node_id)
{
    const struct locust_stats_report *r = w->r;
    struct entry_view total = total_view(w);
    size_t n_reported = 0;

    for (size_t i = 0; i < r->n_endpoints; i++)
        n_reported += reported(&r->endpoints[i]);
    msgpack_pack_array(pk, 3);
    locust_mp_pack_key(pk, "stats");
    msgpack_pack_map(pk, r->with_hdr ? 6 : 5);
    locust_mp_pack_key(pk, "stats");
    msgpack_pack_array(pk, n_reported);
    for (size_t i = 0; i < r->n_endpoints; i++) {
        struct entry_view e = endpoint_view(&r->endpoints[i], &w->ep_keys[i]);

        if (reported(&r->endpoints[i]))
            pack_entry(pk, &e, r->keys);
    }
    locust_mp_pack_key(pk, "stats_total");
    pack_entry(pk, &total, r->keys);
    locust_mp_pack_key(pk, "errors");
    pack_errors(pk, w);
    locust_mp_pack_key(pk, "user_classes_count");
    locust_msg_pack_classes(pk, r->classes, r->n_classes);
    locust_mp_pack_key(pk, "user_count");
    msgpack_pack_int64(pk, r->user_count);
    if (r->with_hdr)
        pack_hornet_hdr(pk, w);
    locust_mp_pack_str(pk, node_id);
}

int locust_stats_encode(const struct locust_stats_report *r, const char *node_id, void **frame,
                        size_t *len, char *err, size_t errlen)
{
    struct work w = {.r = r};
    struct locust_mp_out o;
    int rc;

    if (prepare(&w) < 0) {
        work_free(&w);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    locust_mp_out_init(&o);
    pack_report(&o.pk, &w, node_id ? node_id : "");
    work_free(&w);
    rc = locust_mp_out_take(&o, frame, len, err, errlen);
    return rc;
}

/* ---- decoding ---- */

static int decode_per_sec(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                          const msgpack_object *o, const struct locust_per_sec **out, size_t *n)
{
    const msgpack_object_map *m;
    struct locust_per_sec *v;

    if (locust_mp_map(ctx, at, o, &m) < 0 || !(v = locust_mp_items(ctx, at, m->size, sizeof *v)))
        return -1;
    for (uint32_t i = 0; i < m->size; i++) {
        struct locust_mp_path p = {at, NULL, i};

        if (locust_mp_int(ctx, &p, &m->ptr[i].key, &v[i].sec) < 0 ||
            locust_mp_uint(ctx, &p, &m->ptr[i].val, &v[i].count) < 0)
            return -1;
    }
    *out = v;
    *n = m->size;
    return 0;
}

static int decode_rt(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                     const msgpack_object *o, struct locust_stats_entry *e)
{
    const msgpack_object_map *m;
    struct locust_rt *v;

    if (locust_mp_map(ctx, at, o, &m) < 0 || !(v = locust_mp_items(ctx, at, m->size, sizeof *v)))
        return -1;
    for (uint32_t i = 0; i < m->size; i++) {
        struct locust_mp_path p = {at, NULL, i};

        if (locust_mp_number(ctx, &p, &m->ptr[i].key, &v[i].ms) < 0 ||
            locust_mp_uint(ctx, &p, &m->ptr[i].val, &v[i].count) < 0)
            return -1;
        if (!isfinite(v[i].ms))
            return locust_mp_fail(ctx, &p, "a response time that is not a finite number");
    }
    e->rt = v;
    e->n_rt = m->size;
    return 0;
}

/* A number or nil member: *has false for nil or absent. */
static int number_or_nil(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                         const msgpack_object_map *m, const char *key, bool *has, double *out)
{
    struct locust_mp_path p = {at, key, 0};
    const msgpack_object *o = locust_mp_get(m, key);

    *has = o && o->type != MSGPACK_OBJECT_NIL;
    return *has ? locust_mp_number(ctx, &p, o, out) : 0;
}

/* A unix time: finite, not before 1970 nor after LOCUST_STATS_LAST_TIME. A worker's times
 * become seconds (integers) on the master: any other double, a NaN or 1e173, has none. */
#define LOCUST_STATS_LAST_TIME 1e11         /* the year 5138 */

static int time_or_nil(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                       const msgpack_object_map *m, const char *key, bool *has, double *out)
{
    struct locust_mp_path p = {at, key, 0};

    if (number_or_nil(ctx, at, m, key, has, out) < 0)
        return -1;
    if (*has && !(*out >= 0 && *out <= LOCUST_STATS_LAST_TIME))
        return locust_mp_fail(ctx, &p, "expected a unix time, got %g", *out);
    return 0;
}

static int count_member(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                        const msgpack_object_map *m, const char *key, uint64_t *out)
{
    struct locust_mp_path p = {at, key, 0};
    const msgpack_object *o = locust_mp_get(m, key);

    return o ? locust_mp_uint(ctx, &p, o, out) : 0;
}

static int decode_dicts(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                        const msgpack_object_map *m, struct locust_stats_entry *e)
{
    struct locust_mp_path p = {at, "response_times", 0};
    const msgpack_object *o = locust_mp_get(m, p.key);

    if (o && decode_rt(ctx, &p, o, e) < 0)
        return -1;
    p.key = "num_reqs_per_sec";
    if ((o = locust_mp_get(m, p.key)) &&
        decode_per_sec(ctx, &p, o, &e->reqs_per_sec, &e->n_reqs_per_sec) < 0)
        return -1;
    p.key = "num_fail_per_sec";
    if ((o = locust_mp_get(m, p.key)) &&
        decode_per_sec(ctx, &p, o, &e->fails_per_sec, &e->n_fails_per_sec) < 0)
        return -1;
    return 0;
}

/* An entry, as StatsEntry.unserialize reads it: name and method required (method may be
 * nil), start_time too (a master takes the earliest), the rest defaulting to an empty
 * entry's values. */
static int decode_entry(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                        const msgpack_object *o, struct locust_stats_entry *e)
{
    const msgpack_object_map *m;
    const msgpack_object *v;
    struct locust_mp_path p = {at, "method", 0};
    bool has;

    memset(e, 0, sizeof *e);
    if (locust_mp_map(ctx, at, o, &m) < 0 ||
        locust_mp_need(ctx, at, m, "name", &v) < 0 ||
        locust_mp_str(ctx, &(struct locust_mp_path){at, "name", 0}, v, &e->name) < 0 ||
        locust_mp_need(ctx, at, m, "method", &v) < 0 ||
        locust_mp_str_or_nil(ctx, &p, v, &e->method) < 0 ||
        time_or_nil(ctx, at, m, "start_time", &has, &e->start_time) < 0)
        return -1;
    if (!has)
        return locust_mp_fail(ctx, at, "no start_time");
    if (time_or_nil(ctx, at, m, "last_request_timestamp", &e->has_last_request,
                    &e->last_request_timestamp) < 0 ||
        count_member(ctx, at, m, "num_requests", &e->num_requests) < 0 ||
        count_member(ctx, at, m, "num_none_requests", &e->num_none_requests) < 0 ||
        count_member(ctx, at, m, "num_failures", &e->num_failures) < 0 ||
        number_or_nil(ctx, at, m, "total_response_time", &has, &e->total_response_time) < 0 ||
        number_or_nil(ctx, at, m, "max_response_time", &has, &e->max_response_time) < 0 ||
        number_or_nil(ctx, at, m, "min_response_time", &e->has_min, &e->min_response_time) < 0 ||
        count_member(ctx, at, m, "total_content_length", &e->total_content_length) < 0)
        return -1;
    return decode_dicts(ctx, at, m, e);
}

static int decode_errors(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                         const msgpack_object *o, struct locust_stats_payload *pl)
{
    const msgpack_object_map *m;
    struct locust_stats_error *v;

    if (locust_mp_map(ctx, at, o, &m) < 0 || !(v = locust_mp_items(ctx, at, m->size, sizeof *v)))
        return -1;
    for (uint32_t i = 0; i < m->size; i++) {
        struct locust_mp_path p = {at, NULL, i};
        const msgpack_object_map *em;
        const msgpack_object *f;

        if (locust_mp_str(ctx, &p, &m->ptr[i].key, &v[i].key) < 0)
            return -1;
        p.key = v[i].key;
        if (locust_mp_map(ctx, &p, &m->ptr[i].val, &em) < 0)
            return -1;
        if (locust_mp_need(ctx, &p, em, "name", &f) < 0 ||
            locust_mp_str(ctx, &(struct locust_mp_path){&p, "name", 0}, f, &v[i].name) < 0 ||
            locust_mp_need(ctx, &p, em, "method", &f) < 0 ||
            locust_mp_str_or_nil(ctx, &(struct locust_mp_path){&p, "method", 0}, f,
                                 &v[i].method) < 0 ||
            locust_mp_need(ctx, &p, em, "error", &f) < 0 ||
            locust_mp_str_or_nil(ctx, &(struct locust_mp_path){&p, "error", 0}, f,
                                 &v[i].error) < 0 ||
            locust_mp_need(ctx, &p, em, "occurrences", &f) < 0 ||
            locust_mp_uint(ctx, &(struct locust_mp_path){&p, "occurrences", 0}, f,
                           &v[i].occurrences) < 0)
            return -1;
    }
    pl->errors = v;
    pl->n_errors = m->size;
    return 0;
}

/* A member of a fixed-layout array, as an unsigned int of at most max. */
static int small_uint(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                      const msgpack_object *o, uint64_t max, uint64_t *out)
{
    if (locust_mp_uint(ctx, at, o, out) < 0)
        return -1;
    return *out <= max ? 0 : locust_mp_fail(ctx, at, "%llu is out of range",
                                            (unsigned long long)*out);
}

/* An array of exactly n items. */
static int fixed_array(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                       const msgpack_object *o, uint32_t n, const msgpack_object_array **out)
{
    if (locust_mp_array(ctx, at, o, out) < 0)
        return -1;
    return (*out)->size == n ? 0 : locust_mp_fail(ctx, at, "expected %u items, got %u", n,
                                                  (*out)->size);
}

/* [index, count, delta, count, ...] into pairs[*n_pairs...]: ascending, in range, counts
 * that fit a pair (a worker's second of one endpoint never holds 2^32 requests). */
static int decode_pairs(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                        const msgpack_object *o, struct hist_pair *pairs, uint32_t *n_pairs,
                        uint64_t *latencies)
{
    const msgpack_object_array *a;
    uint64_t index = 0, delta, count;

    if (locust_mp_array(ctx, at, o, &a) < 0)
        return -1;
    if (a->size % 2)
        return locust_mp_fail(ctx, at, "an odd number of items");
    for (uint32_t i = 0; i < a->size; i += 2) {
        struct locust_mp_path p = {at, NULL, i};

        if (small_uint(ctx, &p, &a->ptr[i], HIST_COUNTS_LEN, &delta) < 0 ||
            small_uint(ctx, &p, &a->ptr[i + 1], UINT32_MAX, &count) < 0)
            return -1;
        if ((i > 0 && delta == 0) || (index += delta) >= HIST_COUNTS_LEN || count == 0)
            return locust_mp_fail(ctx, &p, "bucket index out of order or range, or no count");
        pairs[(*n_pairs)++] = (struct hist_pair){(uint32_t)index, (uint32_t)count};
        *latencies += count;
    }
    return 0;
}

/* The items a second's arrays declare, for one allocation of each. */
static int second_sizes(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                        const msgpack_object_array *sec, size_t *n_pairs)
{
    const msgpack_object_array *eps = &sec->ptr[4].via.array;

    *n_pairs = 0;
    if (sec->ptr[4].type != MSGPACK_OBJECT_ARRAY || sec->ptr[5].type != MSGPACK_OBJECT_ARRAY)
        return locust_mp_fail(ctx, at, "expected the endpoints and errors arrays");
    for (uint32_t i = 0; i < eps->size; i++) {
        const msgpack_object *ep = &eps->ptr[i];

        if (ep->type == MSGPACK_OBJECT_ARRAY && ep->via.array.size == 11 &&
            ep->via.array.ptr[10].type == MSGPACK_OBJECT_ARRAY)
            *n_pairs += ep->via.array.ptr[10].via.array.size / 2;
    }
    return 0;
}

static int decode_hdr_endpoint(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                               const msgpack_object *o, size_t n_entries, struct interval *iv,
                               struct interval_endpoint *e)
{
    const msgpack_object_array *a;
    uint64_t v[10], latencies = 0;
    static const uint64_t max[10] = {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX,
                                     UINT32_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};

    if (fixed_array(ctx, at, o, 11, &a) < 0)
        return -1;
    for (int k = 0; k < 10; k++)
        if (small_uint(ctx, &(struct locust_mp_path){at, NULL, (size_t)k}, &a->ptr[k], max[k],
                       &v[k]) < 0)
            return -1;
    if (v[0] >= n_entries)
        return locust_mp_fail(ctx, at, "entry %llu of %zu", (unsigned long long)v[0], n_entries);
    *e = (struct interval_endpoint){
        .endpoint = (uint32_t)v[0], .requests = (uint32_t)v[1], .failures = (uint32_t)v[2],
        .expected = (uint32_t)v[3], .none_requests = (uint32_t)v[4],
        .aborted = (uint32_t)v[5], .total_us = v[6], .min_us = v[7], .max_us = v[8],
        .total_bytes = v[9], .pair_start = iv->n_pairs};
    if (decode_pairs(ctx, &(struct locust_mp_path){at, "buckets", 0}, &a->ptr[10], iv->pairs,
                     &iv->n_pairs, &latencies) < 0)
        return -1;
    e->pair_count = iv->n_pairs - e->pair_start;
    if (latencies > 0 && e->min_us > e->max_us)
        return locust_mp_fail(ctx, at, "min above max");
    return 0;
}

static int decode_hdr_error(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                            const msgpack_object *o, size_t n_entries, struct interval_error *e)
{
    const msgpack_object_array *a;
    uint64_t entry, kind, expected, count;
    int64_t code, aux;
    const char *text;

    if (fixed_array(ctx, at, o, 7, &a) < 0 ||
        small_uint(ctx, at, &a->ptr[0], UINT32_MAX, &entry) < 0 ||
        small_uint(ctx, at, &a->ptr[1], OUTCOME_SCRIPT, &kind) < 0 ||
        small_uint(ctx, at, &a->ptr[2], 1, &expected) < 0 ||
        locust_mp_int(ctx, at, &a->ptr[3], &code) < 0 ||
        locust_mp_int(ctx, at, &a->ptr[4], &aux) < 0 ||
        small_uint(ctx, at, &a->ptr[5], UINT32_MAX, &count) < 0 ||
        locust_mp_str(ctx, at, &a->ptr[6], &text) < 0)
        return -1;
    if (entry >= n_entries || kind == 0 || code < INT32_MIN || code > INT32_MAX ||
        aux < INT32_MIN || aux > INT32_MAX)
        return locust_mp_fail(ctx, at, "entry, kind, code or aux out of range");
    *e = (struct interval_error){.endpoint = (uint32_t)entry, .kind = (uint8_t)kind,
                                 .expected = (uint8_t)expected, .code = (int32_t)code,
                                 .aux = (int32_t)aux, .count = (uint32_t)count};
    snprintf(e->text, sizeof e->text, "%s", text);
    return 0;
}

/* One second: [second, first_time, last_time, dropped, [endpoint...], [error...]]. */
static int decode_second(const struct locust_mp_ctx *ctx, const struct locust_mp_path *at,
                         const msgpack_object *o, size_t n_entries, struct interval *iv)
{
    const msgpack_object_array *a, *eps, *errs;
    size_t n_pairs;

    if (fixed_array(ctx, at, o, 6, &a) < 0 || second_sizes(ctx, at, a, &n_pairs) < 0 ||
        locust_mp_int(ctx, at, &a->ptr[0], &iv->second) < 0 ||
        locust_mp_number(ctx, at, &a->ptr[1], &iv->first_time) < 0 ||
        locust_mp_number(ctx, at, &a->ptr[2], &iv->last_time) < 0 ||
        locust_mp_uint(ctx, at, &a->ptr[3], &iv->dropped) < 0)
        return -1;
    eps = &a->ptr[4].via.array;
    errs = &a->ptr[5].via.array;
    iv->endpoints = locust_mp_items(ctx, at, eps->size, sizeof *iv->endpoints);
    iv->errors = locust_mp_items(ctx, at, errs->size, sizeof *iv->errors);
    iv->pairs = locust_mp_items(ctx, at, n_pairs, sizeof *iv->pairs);
    if (!iv->endpoints || !iv->errors || !iv->pairs)
        return -1;
    iv->worker = -1;
    for (uint32_t i = 0; i < eps->size; i++, iv->n_endpoints++)
        if (decode_hdr_endpoint(ctx, &(struct locust_mp_path){at, "endpoints", i},
                                &eps->ptr[i], n_entries, iv, &iv->endpoints[i]) < 0)
            return -1;
    for (uint32_t i = 0; i < errs->size; i++, iv->n_errors++)
        if (decode_hdr_error(ctx, &(struct locust_mp_path){at, "errors", i}, &errs->ptr[i],
                             n_entries, &iv->errors[i]) < 0)
            return -1;
    return 0;
}

/* hornet_hdr's "endpoints": [[method or nil, name], ...]. */
static int decode_hdr_endpoints(const struct locust_mp_ctx *ctx, const struct locust_mp_path *up,
                                const msgpack_object_map *m, struct locust_stats_payload *pl)
{
    struct locust_mp_path at = {up, "endpoints", 0};
    const msgpack_object *o;
    const msgpack_object_array *a, *pair;
    struct locust_hdr_endpoint *v;

    if (locust_mp_need(ctx, up, m, "endpoints", &o) < 0 || locust_mp_array(ctx, &at, o, &a) < 0 ||
        !(v = locust_mp_items(ctx, &at, a->size, sizeof *v)))
        return -1;
    for (uint32_t i = 0; i < a->size; i++) {
        struct locust_mp_path p = {&at, NULL, i};

        if (fixed_array(ctx, &p, &a->ptr[i], 2, &pair) < 0 ||
            locust_mp_str_or_nil(ctx, &p, &pair->ptr[0], &v[i].method) < 0 ||
            locust_mp_str(ctx, &p, &pair->ptr[1], &v[i].name) < 0)
            return -1;
    }
    pl->hdr_endpoints = v;
    pl->n_hdr_endpoints = a->size;
    return 0;
}

/* "hornet_hdr": read when its version and layout are this build's, else left alone. */
static int decode_hornet_hdr(const struct locust_mp_ctx *ctx, const struct locust_mp_path *up,
                             const msgpack_object *o, struct locust_stats_payload *pl)
{
    struct locust_mp_path at = {up, "hornet_hdr", 0}, p = {&at, "seconds", 0};
    const msgpack_object_map *m;
    const msgpack_object *v, *b;
    const msgpack_object_array *a;
    struct interval *seconds;
    int64_t version, bits;

    if (locust_mp_map(ctx, &at, o, &m) < 0 || locust_mp_need(ctx, &at, m, "version", &v) < 0 ||
        locust_mp_int(ctx, &at, v, &version) < 0 ||
        locust_mp_need(ctx, &at, m, "sub_bucket_bits", &b) < 0 ||
        locust_mp_int(ctx, &at, b, &bits) < 0)
        return -1;
    if (version != HDR_VERSION || bits != HIST_SUB_BUCKET_BITS)
        return 0;
    if (decode_hdr_endpoints(ctx, &at, m, pl) < 0 ||
        locust_mp_need(ctx, &at, m, "seconds", &v) < 0 || locust_mp_array(ctx, &p, v, &a) < 0 ||
        !(seconds = locust_mp_items(ctx, &p, a->size, sizeof *seconds)))
        return -1;
    for (uint32_t i = 0; i < a->size; i++)
        if (decode_second(ctx, &(struct locust_mp_path){&p, NULL, i}, &a->ptr[i],
                          pl->n_hdr_endpoints, &seconds[i]) < 0)
            return -1;
    pl->seconds = seconds;
    pl->n_seconds = a->size;
    pl->has_hdr = true;
    return 0;
}

static int decode_entries(const struct locust_mp_ctx *ctx, const struct locust_mp_path *up,
                          const msgpack_object_map *m, struct locust_stats_payload *pl,
                          struct locust_stats_entry **out)
{
    struct locust_mp_path at = {up, "stats", 0};
    const msgpack_object *o;
    const msgpack_object_array *a;
    struct locust_stats_entry *v;

    if (locust_mp_need(ctx, up, m, "stats", &o) < 0 || locust_mp_array(ctx, &at, o, &a) < 0)
        return -1;
    v = locust_mp_items(ctx, &at, a->size, sizeof *v);
    if (!v)
        return -1;
    for (uint32_t i = 0; i < a->size; i++) {
        struct locust_mp_path p = {&at, NULL, i};

        if (decode_entry(ctx, &p, &a->ptr[i], &v[i]) < 0)
            return -1;
    }
    pl->entries = v;
    pl->n_entries = a->size;
    *out = v;
    return 0;
}

int locust_stats_decode(const struct msgpack_object *data, struct locust_mp_arena *arena,
                        const struct locust_stats_payload **out, char *err, size_t errlen)
{
    struct locust_mp_ctx ctx = {arena, err, errlen};
    struct locust_mp_path data_at = {NULL, "data", 0};
    struct locust_mp_path total_at = {&data_at, "stats_total", 0};
    struct locust_mp_path errors_at = {&data_at, "errors", 0};
    struct locust_mp_path classes_at = {&data_at, "user_classes_count", 0};
    struct locust_mp_path count_at = {&data_at, "user_count", 0};
    struct locust_stats_payload *pl = locust_mp_alloc(arena, sizeof *pl);
    struct locust_stats_entry *entries = NULL;
    const msgpack_object_map *m;
    const msgpack_object *o;

    if (!pl)
        return locust_mp_fail(&ctx, &data_at, "out of memory");
    if (locust_mp_map(&ctx, &data_at, data, &m) < 0 ||
        decode_entries(&ctx, &data_at, m, pl, &entries) < 0 ||
        locust_mp_need(&ctx, &data_at, m, "stats_total", &o) < 0 ||
        decode_entry(&ctx, &total_at, o, &pl->total) < 0 ||
        locust_mp_need(&ctx, &data_at, m, "errors", &o) < 0 ||
        decode_errors(&ctx, &errors_at, o, pl) < 0 ||
        locust_mp_need(&ctx, &data_at, m, "user_classes_count", &o) < 0 ||
        locust_msg_decode_classes(&ctx, &classes_at, o, &pl->classes, &pl->n_classes) < 0)
        return -1;
    for (size_t i = 0; i < pl->n_classes; i++)
        pl->user_count += pl->classes[i].count;
    if ((o = locust_mp_get(m, "user_count")) && locust_mp_int(&ctx, &count_at, o,
                                                              &pl->user_count) < 0)
        return -1;
    if ((o = locust_mp_get(m, "hornet_hdr")) && decode_hornet_hdr(&ctx, &data_at, o, pl) < 0)
        return -1;
    *out = pl;
    return 0;
}
