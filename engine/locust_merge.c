/* locust_merge: the master's table of merged worker reports (see locust_merge.h): rows by
 * (name, method) and error groups by key behind small open-addressing indexes, each row's
 * Locust fields extended as StatsEntry.extend does and its latencies in an HDR histogram.
 *
 * Owned by one thread (the master's control loop); nothing locks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "locust_merge.h"

struct row {
    struct locust_merge_row pub;
    char *name, *method;        /* owned; method NULL for nil */
    uint64_t hash;
    bool started;               /* start_time was set by a first extend */
    struct locust_rt *rt;
    size_t rt_cap;
    struct locust_per_sec *reqs, *fails;
    size_t reqs_cap, fails_cap;
    struct hist *hist;
};

struct group {
    struct locust_stats_error pub;  /* its strings are `text` */
    char *text[4];                  /* owned: key, method, name, error */
    uint64_t hash;
};

/* Open addressing over an array of items: slot = item index + 1, 0 empty. */
struct index {
    uint32_t *slot;
    size_t cap;                 /* a power of two, or 0 */
};

struct locust_merge {
    struct row *rows;
    size_t n_rows, cap_rows;
    struct index row_index;
    struct row total;
    struct group *groups;
    size_t n_groups, cap_groups;
    struct index group_index;
};

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

static uint64_t row_hash(const char *name, const char *method)
{
    uint64_t h = fnv(0xcbf29ce484222325ull, name);

    h = (h ^ (method ? 1u : 2u)) * 0x100000001b3ull;
    return method ? fnv(h, method) : h;
}

static bool same_method(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static char *dup(const char *s)
{
    size_t n;
    char *d;

    if (!s)
        return NULL;
    n = strlen(s) + 1;
    d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

/* ---- indexes ---- */

/* Make room for one more item of n (hashes via hash_of): rebuild at twice the size when half
 * full. -1 when out of memory. */
static int index_reserve(struct index *ix, size_t n, uint64_t (*hash_of)(const void *, size_t),
                         const void *items)
{
    size_t cap = ix->cap ? ix->cap : 32;
    uint32_t *slot;

    if ((n + 1) * 2 <= ix->cap)
        return 0;
    while ((n + 1) * 2 > cap)
        cap *= 2;
    slot = calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t s = hash_of(items, i) & (cap - 1);

        while (slot[s])
            s = (s + 1) & (cap - 1);
        slot[s] = (uint32_t)(i + 1);
    }
    free(ix->slot);
    ix->slot = slot;
    ix->cap = cap;
    return 0;
}

static uint64_t row_hash_at(const void *rows, size_t i)
{
    return ((const struct row *)rows)[i].hash;
}

static uint64_t group_hash_at(const void *groups, size_t i)
{
    return ((const struct group *)groups)[i].hash;
}

static long find_row(const struct locust_merge *t, const char *name, const char *method,
                     uint64_t h, size_t *free_slot)
{
    size_t mask = t->row_index.cap - 1, s;

    if (!t->row_index.cap)
        return -1;
    for (s = h & mask; t->row_index.slot[s]; s = (s + 1) & mask) {
        const struct row *r = &t->rows[t->row_index.slot[s] - 1];

        if (r->hash == h && strcmp(r->name, name) == 0 && same_method(r->method, method))
            return (long)t->row_index.slot[s] - 1;
    }
    if (free_slot)
        *free_slot = s;
    return -1;
}

static long find_group(const struct locust_merge *t, const char *key, uint64_t h,
                       size_t *free_slot)
{
    size_t mask = t->group_index.cap - 1, s;

    if (!t->group_index.cap)
        return -1;
    for (s = h & mask; t->group_index.slot[s]; s = (s + 1) & mask) {
        const struct group *g = &t->groups[t->group_index.slot[s] - 1];

        if (g->hash == h && strcmp(g->pub.key, key) == 0)
            return (long)t->group_index.slot[s] - 1;
    }
    if (free_slot)
        *free_slot = s;
    return -1;
}

/* ---- rows ---- */

static void row_free(struct row *r)
{
    free(r->name);
    free(r->method);
    free(r->rt);
    free(r->reqs);
    free(r->fails);
    free(r->hist);
    memset(r, 0, sizeof *r);
}

static int row_init(struct row *r, const char *name, const char *method, uint64_t h)
{
    memset(r, 0, sizeof *r);
    r->name = dup(name);
    r->method = dup(method);
    r->hash = h;
    r->pub.entry.name = r->name;
    r->pub.entry.method = r->method;
    return r->name && (r->method || !method) ? 0 : -1;
}

static struct row *row_for(struct locust_merge *t, const char *name, const char *method)
{
    uint64_t h = row_hash(name, method);
    size_t s;
    long i = find_row(t, name, method, h, NULL);

    if (i >= 0)
        return &t->rows[i];
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
        struct row *rows = realloc(t->rows, cap * sizeof *rows);

        if (!rows)
            return NULL;
        t->rows = rows;
        t->cap_rows = cap;
    }
    if (index_reserve(&t->row_index, t->n_rows, row_hash_at, t->rows) < 0 ||
        row_init(&t->rows[t->n_rows], name, method, h) < 0) {
        row_free(&t->rows[t->n_rows]);
        return NULL;
    }
    find_row(t, name, method, h, &s);
    t->row_index.slot[s] = (uint32_t)++t->n_rows;
    return &t->rows[t->n_rows - 1];
}

/* Grow an array of `size`-byte items to hold n + 1. */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    size_t c;
    void *p;

    if (n < *cap)
        return 0;
    c = *cap ? 2 * *cap : 16;
    p = realloc(*v, c * size);
    if (!p)
        return -1;
    *v = p;
    *cap = c;
    return 0;
}

/* Add count at key ms (Python's dict: equal numbers are one key), keeping keys ascending. */
static int add_rt(struct row *r, double ms, uint64_t count)
{
    struct locust_stats_entry *e = &r->pub.entry;
    size_t lo = 0, hi = e->n_rt;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (r->rt[mid].ms < ms)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < e->n_rt && r->rt[lo].ms == ms) {
        r->rt[lo].count += count;
        return 0;
    }
    if (grow((void **)&r->rt, &r->rt_cap, e->n_rt, sizeof *r->rt) < 0)
        return -1;
    memmove(r->rt + lo + 1, r->rt + lo, (e->n_rt - lo) * sizeof *r->rt);
    r->rt[lo] = (struct locust_rt){ms, count};
    e->rt = r->rt;
    e->n_rt++;
    return 0;
}

/* The same for a per-second dict (*v with *n items, ascending). */
static int add_sec(struct locust_per_sec **v, size_t *cap, size_t *n, int64_t sec, uint64_t c)
{
    size_t lo = 0, hi = *n;

    if (*n && (*v)[*n - 1].sec < sec)           /* the usual case: a newer second */
        lo = *n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if ((*v)[mid].sec < sec)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < *n && (*v)[lo].sec == sec) {
        (*v)[lo].count += c;
        return 0;
    }
    if (grow((void **)v, cap, *n, sizeof **v) < 0)
        return -1;
    memmove(*v + lo + 1, *v + lo, (*n - lo) * sizeof **v);
    (*v)[lo] = (struct locust_per_sec){sec, c};
    (*n)++;
    return 0;
}

static uint64_t ms_to_us(double ms)
{
    double us = ms * 1000.0;

    if (!(us > 0))
        return 0;
    return us >= 1.8e19 ? UINT64_MAX : (uint64_t)(us + 0.5);
}

/* Latencies into the row's histogram: hornet's buckets, or Locust's keys with the exact
 * extremes put back. */
static int add_latencies(struct row *r, const struct locust_stats_entry *e)
{
    struct hist *h = r->hist;
    uint64_t old_min, old_max, n = 0;

    if (e->has_hdr ? e->n_hdr == 0 : e->n_rt == 0)
        return 0;
    if (!h) {
        h = r->hist = calloc(1, sizeof *h);
        if (!h)
            return -1;
        hist_reset(h);
        r->pub.hist = h;
    }
    if (e->has_hdr) {
        hist_add_pairs(h, e->hdr, e->n_hdr, e->hdr_min_us, e->hdr_max_us);
        return 0;
    }
    old_min = h->min;
    old_max = h->max;
    for (size_t i = 0; i < e->n_rt; i++) {
        hist_record_n(h, ms_to_us(e->rt[i].ms), e->rt[i].count);
        n += e->rt[i].count;
    }
    if (e->has_min && n > 0) {
        uint64_t lo = ms_to_us(e->min_response_time), hi = ms_to_us(e->max_response_time);

        h->min = lo < old_min ? lo : old_min;
        h->max = hi > old_max ? hi : old_max;
    }
    r->pub.approx_count += n;
    return 0;
}

static void extend_scalars(struct row *r, const struct locust_stats_entry *e)
{
    struct locust_stats_entry *d = &r->pub.entry;

    if (e->has_last_request &&
        (!d->has_last_request || e->last_request_timestamp > d->last_request_timestamp)) {
        d->has_last_request = true;
        d->last_request_timestamp = e->last_request_timestamp;
    }
    if (!r->started || e->start_time < d->start_time)
        d->start_time = e->start_time;
    r->started = true;
    d->num_requests += e->num_requests;
    d->num_none_requests += e->num_none_requests;
    d->num_failures += e->num_failures;
    d->total_response_time += e->total_response_time;
    d->total_content_length += e->total_content_length;
    if (e->max_response_time > d->max_response_time)
        d->max_response_time = e->max_response_time;
    if (e->has_min && (!d->has_min || e->min_response_time < d->min_response_time)) {
        d->has_min = true;
        d->min_response_time = e->min_response_time;
    }
}

static int extend(struct row *r, const struct locust_stats_entry *e)
{
    struct locust_stats_entry *d = &r->pub.entry;

    extend_scalars(r, e);
    for (size_t i = 0; i < e->n_rt; i++)
        if (add_rt(r, e->rt[i].ms, e->rt[i].count) < 0)
            return -1;
    for (size_t i = 0; i < e->n_reqs_per_sec; i++)
        if (add_sec(&r->reqs, &r->reqs_cap, &d->n_reqs_per_sec, e->reqs_per_sec[i].sec,
                    e->reqs_per_sec[i].count) < 0)
            return -1;
    for (size_t i = 0; i < e->n_fails_per_sec; i++)
        if (add_sec(&r->fails, &r->fails_cap, &d->n_fails_per_sec, e->fails_per_sec[i].sec,
                    e->fails_per_sec[i].count) < 0)
            return -1;
    d->reqs_per_sec = r->reqs;
    d->fails_per_sec = r->fails;
    return add_latencies(r, e);
}

/* ---- errors ---- */

static void group_free(struct group *g)
{
    for (int i = 0; i < 4; i++)
        free(g->text[i]);
}

static int add_error(struct locust_merge *t, const struct locust_stats_error *e)
{
    uint64_t h = fnv(0xcbf29ce484222325ull, e->key);
    long i = find_group(t, e->key, h, NULL);
    struct group *g;
    size_t s;

    if (i >= 0) {
        t->groups[i].pub.occurrences += e->occurrences;
        return 0;
    }
    if (grow((void **)&t->groups, &t->cap_groups, t->n_groups, sizeof *t->groups) < 0 ||
        index_reserve(&t->group_index, t->n_groups, group_hash_at, t->groups) < 0)
        return -1;
    g = &t->groups[t->n_groups];
    *g = (struct group){.text = {dup(e->key), dup(e->method), dup(e->name), dup(e->error)},
                        .hash = h};
    g->pub = (struct locust_stats_error){g->text[0], g->text[1], g->text[2], g->text[3],
                                         e->occurrences};
    if (!g->text[0] || (e->method && !g->text[1]) || (e->name && !g->text[2]) ||
        (e->error && !g->text[3])) {
        group_free(g);
        return -1;
    }
    find_group(t, e->key, h, &s);
    t->group_index.slot[s] = (uint32_t)++t->n_groups;
    return 0;
}

/* ---- the table ---- */

static int total_init(struct row *total)
{
    return row_init(total, "Aggregated", "", row_hash("Aggregated", ""));
}

struct locust_merge *locust_merge_create(void)
{
    struct locust_merge *t = calloc(1, sizeof *t);

    if (t && total_init(&t->total) < 0) {
        locust_merge_destroy(t);
        return NULL;
    }
    return t;
}

void locust_merge_clear(struct locust_merge *t)
{
    for (size_t i = 0; i < t->n_rows; i++)
        row_free(&t->rows[i]);
    for (size_t i = 0; i < t->n_groups; i++)
        group_free(&t->groups[i]);
    t->n_rows = t->n_groups = 0;
    if (t->row_index.slot)
        memset(t->row_index.slot, 0, t->row_index.cap * sizeof *t->row_index.slot);
    if (t->group_index.slot)
        memset(t->group_index.slot, 0, t->group_index.cap * sizeof *t->group_index.slot);
    row_free(&t->total);
    total_init(&t->total);
}

void locust_merge_destroy(struct locust_merge *t)
{
    if (!t)
        return;
    locust_merge_clear(t);
    row_free(&t->total);
    free(t->rows);
    free(t->groups);
    free(t->row_index.slot);
    free(t->group_index.slot);
    free(t);
}

int locust_merge_add(struct locust_merge *t, const struct locust_stats_payload *p, char *err,
                     size_t errlen)
{
    for (size_t i = 0; i < p->n_entries; i++) {
        const struct locust_stats_entry *e = &p->entries[i];
        struct row *r = row_for(t, e->name, e->method);

        if (!r || extend(r, e) < 0)
            goto oom;
    }
    for (size_t i = 0; i < p->n_errors; i++)
        if (add_error(t, &p->errors[i]) < 0)
            goto oom;
    if (!t->total.name || extend(&t->total, &p->total) < 0)
        goto oom;
    return 0;
oom:
    snprintf(err, errlen, "out of memory merging a stats report");
    return -1;
}

size_t locust_merge_count(const struct locust_merge *t)
{
    return t->n_rows;
}

const struct locust_merge_row *locust_merge_row(const struct locust_merge *t, size_t i)
{
    return i < t->n_rows ? &t->rows[i].pub : NULL;
}

const struct locust_merge_row *locust_merge_total(const struct locust_merge *t)
{
    return &t->total.pub;
}

const struct locust_merge_row *locust_merge_find(const struct locust_merge *t, const char *name,
                                                 const char *method)
{
    long i = find_row(t, name, method, row_hash(name, method), NULL);

    return i >= 0 ? &t->rows[i].pub : NULL;
}

size_t locust_merge_error_count(const struct locust_merge *t)
{
    return t->n_groups;
}

const struct locust_stats_error *locust_merge_error(const struct locust_merge *t, size_t i)
{
    return i < t->n_groups ? &t->groups[i].pub : NULL;
}
