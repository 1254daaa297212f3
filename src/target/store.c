/* store: bounded tables of records (ring in creation order, UUID hash index, per-status lists).
 * Owned by the server's loop thread. */
#include <stdio.h>
#include <stdlib.h>
#include "store.h"

enum { INITIAL_SLOTS = 256, INITIAL_INDEX = 1024 };

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);

    if (!q) {
        fprintf(stderr, "hornet-target: out of memory (%zu bytes)\n", n);
        abort();
    }
    return q;
}

static struct record *slot_at(const struct store_table *t, uint32_t slot)
{
    return (struct record *)(void *)(t->slots + (size_t)slot * t->rec_size);
}

static uint32_t slot_of(const struct store_table *t, const struct record *r)
{
    return (uint32_t)(((const char *)r - t->slots) / (ptrdiff_t)t->rec_size);
}

int store_table_init(struct store_table *t, size_t rec_size, uint32_t max, bool indexed,
                     bool listed, void (*evict)(struct record *r))
{
    *t = (struct store_table){.rec_size = rec_size, .max = max ? max : 1, .listed = listed,
                              .evict = evict};
    for (int s = 0; s < STORE_STATUS_MAX; s++)
        t->list_head[s] = STORE_NIL;
    t->alloc = t->max < INITIAL_SLOTS ? t->max : INITIAL_SLOTS;
    t->slots = calloc(t->alloc, rec_size);
    if (!t->slots)
        return -1;
    if (indexed) {
        t->index = calloc(INITIAL_INDEX, sizeof *t->index);
        if (!t->index) {
            free(t->slots);
            return -1;
        }
        t->index_mask = INITIAL_INDEX - 1;
    }
    return 0;
}

void store_table_free(struct store_table *t)
{
    if (t->evict) {
        for (uint32_t n = 0; n < t->count; n++)
            t->evict(slot_at(t, (t->head + n) % t->max));
    }
    free(t->slots);
    free(t->index);
    *t = (struct store_table){0};
}

/* --- the UUID index: linear probing, backward-shift deletion, load factor <= 1/2 --- */

static uint32_t index_home(const struct store_table *t, const struct uuid *id)
{
    return (uint32_t)uuid_hash(id) & t->index_mask;
}

static void index_put(struct store_table *t, uint32_t slot)
{
    uint32_t i = index_home(t, &slot_at(t, slot)->id);

    while (t->index[i])
        i = (i + 1) & t->index_mask;
    t->index[i] = slot + 1;
}

static void index_grow(struct store_table *t)
{
    uint32_t *old = t->index, old_size = t->index_mask + 1;

    t->index = calloc((size_t)old_size * 2, sizeof *t->index);
    if (!t->index) {
        fprintf(stderr, "hornet-target: out of memory (index)\n");
        abort();
    }
    t->index_mask = old_size * 2 - 1;
    for (uint32_t i = 0; i < old_size; i++) {
        if (old[i])
            index_put(t, old[i] - 1);
    }
    free(old);
}

static uint32_t index_find(const struct store_table *t, const struct uuid *id)
{
    uint32_t i = index_home(t, id);

    while (t->index[i]) {
        if (uuid_equal(&slot_at(t, t->index[i] - 1)->id, id))
            return i;
        i = (i + 1) & t->index_mask;
    }
    return STORE_NIL;
}

static void index_remove(struct store_table *t, uint32_t slot)
{
    uint32_t i = index_home(t, &slot_at(t, slot)->id), mask = t->index_mask;

    while (t->index[i] && t->index[i] != slot + 1)
        i = (i + 1) & mask;
    if (!t->index[i])
        return;
    for (uint32_t j = (i + 1) & mask; t->index[j]; j = (j + 1) & mask) {
        uint32_t home = index_home(t, &slot_at(t, t->index[j] - 1)->id);
        /* move j back into the hole at i unless its home lies cyclically in (i, j] */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            t->index[i] = t->index[j];
            i = j;
        }
    }
    t->index[i] = 0;
}

/* --- status lists: doubly linked through the records, newest first --- */

static void list_unlink(struct store_table *t, struct record *r)
{
    if (r->prev != STORE_NIL)
        slot_at(t, r->prev)->next = r->next;
    else
        t->list_head[r->status] = r->next;
    if (r->next != STORE_NIL)
        slot_at(t, r->next)->prev = r->prev;
    t->list_count[r->status]--;
    r->prev = r->next = STORE_NIL;
}

static void list_push(struct store_table *t, struct record *r)
{
    uint32_t slot = slot_of(t, r), first = t->list_head[r->status];

    r->prev = STORE_NIL;
    r->next = first;
    if (first != STORE_NIL)
        slot_at(t, first)->prev = slot;
    t->list_head[r->status] = slot;
    t->list_count[r->status]++;
}

/* --- the ring --- */

static uint32_t take_slot(struct store_table *t)
{
    uint32_t slot;

    if (t->count < t->max) {
        if (t->count == t->alloc) {
            uint32_t grown = t->alloc > t->max / 2 ? t->max : t->alloc * 2;
            t->slots = xrealloc(t->slots, (size_t)grown * t->rec_size);
            t->alloc = grown;
        }
        return t->count++;    /* head stays 0 until the ring is full */
    }
    slot = t->head;
    struct record *old = slot_at(t, slot);
    if (t->index)
        index_remove(t, slot);
    if (t->listed)
        list_unlink(t, old);
    if (t->evict)
        t->evict(old);
    t->head = (t->head + 1) % t->max;
    t->evicted++;
    return slot;
}

struct record *store_table_add(struct store_table *t, const struct uuid *id, uint8_t status)
{
    uint32_t slot = take_slot(t);
    struct record *r = slot_at(t, slot);

    memset(r, 0, t->rec_size);
    r->id = *id;
    r->status = status < STORE_STATUS_MAX ? status : 0;
    r->prev = r->next = STORE_NIL;
    if (t->listed)
        list_push(t, r);
    if (t->index) {
        if ((size_t)t->count * 2 > (size_t)t->index_mask + 1)
            index_grow(t);
        index_put(t, slot);
    }
    return r;
}

struct record *store_table_find(struct store_table *t, const struct uuid *id)
{
    uint32_t i;

    if (!t->index)
        return NULL;
    i = index_find(t, id);
    return i == STORE_NIL ? NULL : slot_at(t, t->index[i] - 1);
}

struct record *store_table_newest(struct store_table *t, uint32_t n)
{
    if (n >= t->count)
        return NULL;
    return slot_at(t, (uint32_t)(((uint64_t)t->head + t->count - 1 - n) % t->max));
}

void store_table_set_status(struct store_table *t, struct record *r, uint8_t status)
{
    if (!t->listed || status >= STORE_STATUS_MAX) {
        r->status = status < STORE_STATUS_MAX ? status : r->status;
        return;
    }
    list_unlink(t, r);
    r->status = status;
    list_push(t, r);
}

struct record *store_table_first(struct store_table *t, uint8_t status)
{
    if (!t->listed || status >= STORE_STATUS_MAX || t->list_head[status] == STORE_NIL)
        return NULL;
    return slot_at(t, t->list_head[status]);
}

struct record *store_table_next(struct store_table *t, const struct record *r)
{
    return r->next == STORE_NIL ? NULL : slot_at(t, r->next);
}
