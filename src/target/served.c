/* served: counts of what the target served, per route and status. Written by the loop thread,
 * read from any thread. */
#include <inttypes.h>
#include "served.h"

/* The statuses the target can answer; the last slot is "any other". */
static const int slot_status[SERVED_STATUS_SLOTS] = {
    200, 201, 202, 204, 301, 304, 400, 401, 403, 404, 405, 408, 409, 413, 415, 431, 500, 501,
    503, 0
};

/* Method and path pattern of each route, for reports. */
static const char *const route_method[ROUTE_COUNT] = {
    "GET", "POST", "POST", "GET", "GET", "PATCH", "GET", "POST", "POST", "POST", "GET", "GET",
    "POST", "GET", "GET", "GET", "POST", "*"
};
static const char *const route_path[ROUTE_COUNT] = {
    "/api/v1/health/", "/api/v1/auth/token/", "/api/v1/deployments/", "/api/v1/deployments/",
    "/api/v1/deployments/{id}/", "/api/v1/deployments/{id}/", "/api/v1/cab/approvals/",
    "/api/v1/cab/approvals/{id}/approve/", "/api/v1/cab/approvals/{id}/reject/",
    "/api/v1/cab/approvals/bulk-approve/", "/api/v1/events/", "/api/v1/connectors/",
    "/api/v1/connectors/{plane}/publish/", "/api/v1/connectors/jobs/{job_id}/",
    "/api/v1/_stats/", "/metrics", "/api/v1/_control/", "(unmatched, bad HTTP)"
};

int served_slot(int status)
{
    switch (status) {
    case 200: return 0;
    case 201: return 1;
    case 202: return 2;
    case 204: return 3;
    case 301: return 4;
    case 304: return 5;
    case 400: return 6;
    case 401: return 7;
    case 403: return 8;
    case 404: return 9;
    case 405: return 10;
    case 408: return 11;
    case 409: return 12;
    case 413: return 13;
    case 415: return 14;
    case 431: return 15;
    case 500: return 16;
    case 501: return 17;
    case 503: return 18;
    default: return SERVED_STATUS_SLOTS - 1;
    }
}

int served_slot_status(int slot)
{
    return slot >= 0 && slot < SERVED_STATUS_SLOTS ? slot_status[slot] : 0;
}

const char *served_route_method(enum target_route route)
{
    return (unsigned)route < ROUTE_COUNT ? route_method[route] : "*";
}

uint64_t served_get(const struct served *s, enum target_route route, int status)
{
    int slot = served_slot(status);

    if ((unsigned)route >= ROUTE_COUNT || (slot == SERVED_STATUS_SLOTS - 1 && status != 0))
        return 0;
    return atomic_load_explicit(&s->n[route][slot], memory_order_relaxed);
}

/* Read every counter once, so that the totals are the sums of what is reported. */
static void read_all(const struct served *s, uint64_t n[ROUTE_COUNT][SERVED_STATUS_SLOTS])
{
    for (int r = 0; r < ROUTE_COUNT; r++) {
        for (int k = 0; k < SERVED_STATUS_SLOTS; k++)
            n[r][k] = atomic_load_explicit(&s->n[r][k], memory_order_relaxed);
    }
}

static void put_statuses(struct strbuf *out, const uint64_t *by_slot)
{
    bool first = true;

    strbuf_putc(out, '{');
    for (int k = 0; k < SERVED_STATUS_SLOTS; k++) {
        if (!by_slot[k])
            continue;
        strbuf_puts(out, first ? "\"" : ", \"");
        if (slot_status[k])
            strbuf_put_u64(out, (unsigned)slot_status[k]);
        else
            strbuf_puts(out, "other");
        strbuf_puts(out, "\": ");
        strbuf_put_u64(out, by_slot[k]);
        first = false;
    }
    strbuf_putc(out, '}');
}

static void put_route(struct strbuf *out, int r, const uint64_t *by_slot)
{
    uint64_t total = 0;

    for (int k = 0; k < SERVED_STATUS_SLOTS; k++)
        total += by_slot[k];
    strbuf_puts(out, r ? ", \"" : "\"");
    strbuf_puts(out, target_route_names[r]);
    strbuf_puts(out, "\": {\"method\": \"");
    strbuf_puts(out, route_method[r]);
    strbuf_puts(out, "\", \"path\": \"");
    strbuf_puts(out, route_path[r]);
    strbuf_puts(out, "\", \"total\": ");
    strbuf_put_u64(out, total);
    strbuf_puts(out, ", \"statuses\": ");
    put_statuses(out, by_slot);
    strbuf_putc(out, '}');
}

void served_json(const struct served *s, struct strbuf *out)
{
    uint64_t n[ROUTE_COUNT][SERVED_STATUS_SLOTS], by_status[SERVED_STATUS_SLOTS] = {0};
    uint64_t total = 0;

    read_all(s, n);
    for (int r = 0; r < ROUTE_COUNT; r++) {
        for (int k = 0; k < SERVED_STATUS_SLOTS; k++) {
            by_status[k] += n[r][k];
            total += n[r][k];
        }
    }
    strbuf_puts(out, "{\"total\": ");
    strbuf_put_u64(out, total);
    strbuf_puts(out, ", \"statuses\": ");
    put_statuses(out, by_status);
    strbuf_puts(out, ", \"routes\": {");
    for (int r = 0; r < ROUTE_COUNT; r++)
        put_route(out, r, n[r]);
    strbuf_puts(out, "}, \"connections\": {\"accepted\": ");
    strbuf_put_u64(out, atomic_load_explicit(&s->conns_accepted, memory_order_relaxed));
    strbuf_puts(out, ", \"open\": ");
    strbuf_put_u64(out, atomic_load_explicit(&s->conns_open, memory_order_relaxed));
    strbuf_puts(out, "}}");
}

void served_print(const struct served *s, FILE *f)
{
    uint64_t n[ROUTE_COUNT][SERVED_STATUS_SLOTS], total = 0;

    read_all(s, n);
    fprintf(f, "%-18s %-6s %-38s %6s %12s\n", "route", "method", "path", "status", "count");
    for (int r = 0; r < ROUTE_COUNT; r++) {
        for (int k = 0; k < SERVED_STATUS_SLOTS; k++) {
            if (!n[r][k])
                continue;
            char status[8];
            snprintf(status, sizeof status, "%d", slot_status[k]);
            fprintf(f, "%-18s %-6s %-38s %6s %12" PRIu64 "\n", target_route_names[r],
                    route_method[r], route_path[r], slot_status[k] ? status : "other",
                    n[r][k]);
            total += n[r][k];
        }
    }
    fprintf(f, "%-18s %-6s %-38s %6s %12" PRIu64 "\n", "total", "", "", "", total);
}
