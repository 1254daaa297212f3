/* Fuzz target: the Locust protocol decoder (engine/locust_msg.c, locust_mp.c, locust_stats.c),
 * which reads frames from the network: any frame is decoded; a stats message then becomes a
 * master's intervals (locust_report_intervals), whose endpoints, pairs and error texts are all
 * read, as the collector would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "interval.h"
#include "locust_msg.h"
#include "locust_report.h"

#define FUZZ_ENDPOINTS 8

/* The master's resolver: the first FUZZ_ENDPOINTS distinct (method, name) get an index. */
struct names {
    char key[FUZZ_ENDPOINTS][128];
    int n;
};

static int resolve(void *arg, const char *method, const char *name)
{
    struct names *nm = arg;
    char key[128];

    snprintf(key, sizeof key, "%s %s", method ? method : "-", name ? name : "");
    for (int i = 0; i < nm->n; i++)
        if (strcmp(nm->key[i], key) == 0)
            return i;
    if (nm->n == FUZZ_ENDPOINTS)
        return -1;
    memcpy(nm->key[nm->n], key, sizeof key);
    return nm->n++;
}

/* Everything the collector reads of an interval; aborts on what it would trip over. */
static void read_interval(const struct interval *iv)
{
    char text[512];
    uint64_t sum = 0;

    for (uint32_t e = 0; e < iv->n_endpoints; e++) {
        const struct interval_endpoint *ep = &iv->endpoints[e];
        if (ep->endpoint >= FUZZ_ENDPOINTS || ep->pair_start + ep->pair_count > iv->n_pairs)
            abort();
        for (uint32_t p = 0; p < ep->pair_count; p++)
            sum += iv->pairs[ep->pair_start + p].count;
    }
    for (uint32_t e = 0; e < iv->n_errors; e++) {
        if (iv->errors[e].endpoint >= FUZZ_ENDPOINTS)
            abort();
        interval_outcome_format(&iv->errors[e], text, sizeof text);
    }
    (void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct locust_msg m;
    char err[256];

    if (locust_msg_decode(data, size, &m, err, sizeof err) != 0)
        return 0;
    if (m.type == LOCUST_MSG_STATS && m.stats) {
        struct names nm = { .n = 0 };
        struct interval **ivs = NULL;
        size_t n = 0;
        if (locust_report_intervals(m.stats, resolve, &nm, &ivs, &n) == 0) {
            for (size_t i = 0; i < n; i++) {
                read_interval(ivs[i]);
                interval_free(ivs[i]);
            }
            free(ivs);
        }
    }
    locust_msg_release(&m);
    return 0;
}
