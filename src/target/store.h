/* store: the target's bounded object store. Each kind of object (deployments, CAB approvals,
 * publish jobs, events) lives in a store_table: a ring of fixed-size records in creation order
 * that evicts the oldest record when it holds `max` of them (so memory stays flat in long
 * runs), an optional hash index by UUID, and optional per-status lists (newest entry first)
 * for filtered listings in O(page) time.
 *
 * Records move when a table grows: never keep a record pointer across store_table_add on the
 * same table. Owned by the server's loop thread. */
#ifndef HORNET_TARGET_STORE_H
#define HORNET_TARGET_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "uuid.h"

enum { STORE_STATUS_MAX = 4, STORE_NIL = UINT32_MAX };

/* The head of every stored record. */
struct record {
    struct uuid id;
    uint32_t prev, next;        /* neighbours in its status list (slots; STORE_NIL: none) */
    uint8_t status;             /* < STORE_STATUS_MAX */
};

struct store_table {
    char *slots;                /* rec_size bytes per slot */
    size_t rec_size;
    uint32_t max;               /* capacity: the oldest record is evicted beyond it */
    uint32_t alloc;             /* slots allocated (grows by doubling up to max) */
    uint32_t count;             /* records stored */
    uint32_t head;              /* slot of the oldest record */
    uint32_t *index;            /* open addressing, slot + 1 (0: empty); NULL: not indexed */
    uint32_t index_mask;
    bool listed;                /* keeps per-status lists */
    uint32_t list_head[STORE_STATUS_MAX];   /* newest record in each status */
    uint32_t list_count[STORE_STATUS_MAX];
    uint64_t evicted;           /* records evicted so far */
    void (*evict)(struct record *r);        /* frees what a record owns (NULL: nothing) */
};

/* Set up an empty table of records of rec_size bytes (a struct starting with struct record),
 * holding at most max (>= 1). 0, or -1 when memory is exhausted. */
int store_table_init(struct store_table *t, size_t rec_size, uint32_t max, bool indexed,
                     bool listed, void (*evict)(struct record *r));

/* Free every record (calling evict on each) and the table's memory. */
void store_table_free(struct store_table *t);

/* Add a new record with this id and status, evicting the oldest when the table is full. The
 * record is zeroed apart from its head and, when listed, is the newest of its status list.
 * Aborts when memory is exhausted. */
struct record *store_table_add(struct store_table *t, const struct uuid *id, uint8_t status);

/* The record with this id, or NULL (also when the table is not indexed). */
struct record *store_table_find(struct store_table *t, const struct uuid *id);

/* The n-th newest record (0: the newest), or NULL when n >= count. */
struct record *store_table_newest(struct store_table *t, uint32_t n);

/* Change a listed record's status: it becomes the newest entry of the new status's list. */
void store_table_set_status(struct store_table *t, struct record *r, uint8_t status);

/* Walk a status list, newest entry first: the first record, then the one after r; NULL at
 * the end. */
struct record *store_table_first(struct store_table *t, uint8_t status);
struct record *store_table_next(struct store_table *t, const struct record *r);

/* The status list's length (the count of records with that status). */
static inline uint32_t store_table_count_status(const struct store_table *t, uint8_t status)
{
    return t->list_count[status];
}

#endif
