/* Fuzz target: the Prometheus text parser and selector compiler (engine/promtext.c), which
 * read what a scraped exporter sends. The first line of an input is a selector, the rest the
 * body; it is evaluated with that selector and a few fixed ones (names, labels, regular
 * expressions, histogram suffixes). */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "promtext.h"

static const char *const fixed[] = {
    "up", "node_cpu_seconds_total{mode!=\"idle\"}", "{__name__=~\"redis_.*\",db=\"db0\"}",
    "http_request_duration_seconds_bucket{le=\"+Inf\"}", "x{a=~'(a|b)+',b!~`c.*`}",
};
#define N_FIXED (sizeof fixed / sizeof fixed[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct promtext_selector *sels[N_FIXED + 1];
    const char *nl = memchr(data, '\n', size);
    size_t head = nl ? (size_t)(nl - (const char *)data) : 0, n = N_FIXED, blen;
    char *selector = fuzz_text(data, head), err[256], *body;
    struct promtext_value out[N_FIXED + 1];
    struct promtext_stats st;

    for (size_t i = 0; i < N_FIXED; i++)
        if (!sels[i] && !(sels[i] = promtext_compile(fixed[i], err, sizeof err)))
            abort();
    if ((sels[N_FIXED] = promtext_compile(selector, err, sizeof err)))
        n++;
    blen = size - (nl ? head + 1 : 0);
    body = malloc(blen ? blen : 1);             /* exactly the body: reads past it are caught */
    if (!body)
        abort();
    memcpy(body, nl ? nl + 1 : (const char *)data, blen);
    promtext_eval((const struct promtext_selector *const *)sels, n, body, blen, out, &st);
    promtext_free(sels[N_FIXED]);
    sels[N_FIXED] = NULL;
    free(body);
    free(selector);
    return 0;
}
