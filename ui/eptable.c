/* eptable: columns, cells and sorting of the endpoint table. Pure; main thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eptable.h"
#include "eptable_internal.h"
#include "units.h"

const struct ep_column eptable_columns[EPC_COUNT] = {
    [EPC_TYPE] = {"Type", "Type", 6, 1, false},
    [EPC_NAME] = {"Name", "Name", 0, 0, false},
    [EPC_REQS] = {"# Requests", "# Reqs", 9, 2, true},
    [EPC_FAILS] = {"# Fails", "# Fails", 8, 3, true},
    [EPC_MEDIAN] = {"Median", "Median", 7, 4, true},
    [EPC_P90] = {"p90", "p90", 7, 13, true},
    [EPC_P95] = {"p95", "p95", 7, 5, true},
    [EPC_P99] = {"p99", "p99", 7, 6, true},
    [EPC_P999] = {"p99.9", "p99.9", 7, 14, true},
    [EPC_AVG] = {"Average", "Average", 8, 9, true},
    [EPC_MIN] = {"Min", "Min", 7, 11, true},
    [EPC_MAX] = {"Max", "Max", 7, 10, true},
    [EPC_SIZE] = {"Avg size", "Avg size", 9, 12, true},
    [EPC_RPS] = {"RPS", "RPS", 8, 7, true},
    [EPC_FPS] = {"Fails/s", "Fails/s", 8, 8, true},
};

static int by_priority(enum ep_col *cols)
{
    int n = 0;

    for (int p = 1; p < 64; p++)
        for (int c = 0; c < EPC_COUNT; c++)
            if (eptable_columns[c].priority == p)
                cols[n++] = (enum ep_col)c;
    return n;
}

int eptable_fit(int width, int longest_name, bool shown[EPC_COUNT], int *name_w)
{
    enum ep_col order[EPC_COUNT];
    int n = by_priority(order), need = longest_name + 1, name_min, used;

    if (need > EPTABLE_NAME_MAX)
        need = EPTABLE_NAME_MAX;
    name_min = need < EPTABLE_NAME_MIN ? need : EPTABLE_NAME_MIN;
    if (name_min < 6)
        name_min = 6;
    memset(shown, 0, EPC_COUNT * sizeof *shown);
    shown[EPC_NAME] = true;
    used = name_min;
    for (int i = 0; i < n; i++)
        if (used + eptable_columns[order[i]].width <= width) {
            shown[order[i]] = true;
            used += eptable_columns[order[i]].width;
        }
    *name_w = name_min;
    if (need > name_min) {
        int extra = width - used < need - name_min ? width - used : need - name_min;
        *name_w += extra;
        used += extra;
    }
    return used;
}

static uint64_t timed(const struct snap_stats *st)
{
    return st->requests > st->none_requests ? st->requests - st->none_requests : 0;
}

double eptable_value(const struct snap_stats *st, enum ep_col col)
{
    uint64_t t = timed(st);

    switch (col) {
    case EPC_REQS: return (double)st->requests;
    case EPC_FAILS: return (double)st->failures;
    case EPC_MEDIAN: return (double)st->median_us;
    case EPC_P90: return (double)st->pct_us[SNAP_P90];
    case EPC_P95: return (double)st->pct_us[SNAP_P95];
    case EPC_P99: return (double)st->pct_us[SNAP_P99];
    case EPC_P999: return (double)st->pct_us[SNAP_P999];
    case EPC_AVG: return t ? (double)st->total_us / (double)t : 0.0;
    case EPC_MIN: return (double)st->min_us;
    case EPC_MAX: return (double)st->max_us;
    case EPC_SIZE: return st->requests ? (double)st->total_bytes / (double)st->requests : 0.0;
    case EPC_RPS: return st->current_rps;
    case EPC_FPS: return st->current_fps;
    default: return 0.0;
    }
}

static bool is_latency(enum ep_col c)
{
    return c == EPC_MEDIAN || c == EPC_P90 || c == EPC_P95 || c == EPC_P99 || c == EPC_P999 ||
           c == EPC_AVG || c == EPC_MIN || c == EPC_MAX;
}

void eptable_cell(const struct snap_stats *st, enum ep_col col, int width, char *out, size_t n)
{
    double v = eptable_value(st, col);

    if (col == EPC_TYPE || col == EPC_NAME)
        snprintf(out, n, "%s", col == EPC_TYPE ? st->method : st->name);
    else if (is_latency(col) && timed(st) == 0)
        snprintf(out, n, "-");
    else if (is_latency(col))
        units_latency(out, n, (uint64_t)(v + 0.5));
    else if (col == EPC_RPS || col == EPC_FPS)
        units_rate(out, n, v, width);
    else
        units_count(out, n, (uint64_t)(v + 0.5), width);
}

struct sort_ctx {
    const struct snapshot *s;
    enum ep_col col;
    bool desc;
};

static int tie_break(const struct snap_stats *a, const struct snap_stats *b)
{
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->method, b->method);
}

static int compare(const struct sort_ctx *ctx, uint32_t ia, uint32_t ib)
{
    const struct snap_stats *a = &ctx->s->endpoints[ia], *b = &ctx->s->endpoints[ib];
    int c = 0;

    if (ctx->col == EPC_TYPE)
        c = strcmp(a->method, b->method);
    else if (ctx->col == EPC_NAME)
        c = strcmp(a->name, b->name);
    else {
        double va = eptable_value(a, ctx->col), vb = eptable_value(b, ctx->col);
        c = va < vb ? -1 : va > vb ? 1 : 0;
    }
    if (ctx->desc)
        c = -c;
    return c ? c : tie_break(a, b);
}

size_t eptable_rows(const struct snapshot *s, enum ep_col col, bool desc, uint32_t *order)
{
    struct sort_ctx ctx = {s, col, desc};
    size_t n = 0;
    uint32_t count = s->n_endpoints < SNAP_MAX_ENDPOINTS ? s->n_endpoints : SNAP_MAX_ENDPOINTS;

    for (uint32_t i = 0; i < count; i++) {
        size_t j;
        if (s->endpoints[i].requests == 0)
            continue;
        /* insertion sort: at most SNAP_MAX_ENDPOINTS rows, stable, no callback context */
        for (j = n; j > 0 && compare(&ctx, order[j - 1], i) > 0; j--)
            order[j] = order[j - 1];
        order[j] = i;
        n++;
    }
    return n;
}
