/* promtext_bench: throughput of engine/promtext over a captured /metrics body, as a health
 * poller would use it: a handful of selectors evaluated in one pass, over and over.
 *
 *   make bench-promtext        (builds this against libhornet.a and runs it on the fixtures)
 *   build/release/bench/promtext_bench FILE [COPIES] [SECONDS]
 *
 * COPIES concatenates the body that many times (a node_exporter body of a busy server holds
 * 2,000+ series; the captured one holds about 500). Prints MB/s, series/s and the time of one
 * evaluation. Timing on a shared machine varies from run to run: take the best of a few runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "promtext.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *load(const char *path, int copies, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *one, *all;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    one = malloc((size_t)n);
    all = malloc((size_t)n * (size_t)copies);
    if (!one || !all || fread(one, 1, (size_t)n, f) != (size_t)n)
        exit(1);
    fclose(f);
    for (int i = 0; i < copies; i++)
        memcpy(all + (size_t)i * (size_t)n, one, (size_t)n);
    free(one);
    *len = (size_t)n * (size_t)copies;
    return all;
}

int main(int argc, char **argv)
{
    static const char *const texts[] = {
        "node_cpu_seconds_total{mode!=\"idle\"}", "node_cpu_seconds_total",
        "node_memory_MemAvailable_bytes", "node_load1",
        "node_network_receive_bytes_total{device=~\"eth.*|en.*\"}",
        "redis_connected_clients", "pg_stat_activity_count{datname=\"eucora\",state!=\"idle\"}",
    };
    enum { N = sizeof texts / sizeof texts[0] };
    struct promtext_selector *own[N];
    const struct promtext_selector *sels[N];
    struct promtext_value out[N];
    struct promtext_stats st;
    char err[200];
    int copies = argc > 2 ? atoi(argv[2]) : 1;
    double seconds = argc > 3 ? atof(argv[3]) : 2, t0, t;
    size_t len;
    char *body;
    long evals = 0;

    if (argc < 2 || copies < 1 || !(body = load(argv[1], copies, &len))) {
        fprintf(stderr, "usage: promtext_bench FILE [COPIES] [SECONDS]\n");
        return 2;
    }
    for (int i = 0; i < N; i++) {
        if (!(sels[i] = own[i] = promtext_compile(texts[i], err, sizeof err))) {
            fprintf(stderr, "%s: %s\n", texts[i], err);
            return 1;
        }
    }
    t0 = now_s();
    do {
        for (int k = 0; k < 20; k++, evals++)
            promtext_eval(sels, N, body, len, out, &st);
        t = now_s() - t0;
    } while (t < seconds);
    printf("%s x%d: %zu bytes, %u series, %u lines skipped; %d selectors\n", argv[1], copies,
           len, st.samples, st.skipped, N);
    printf("  %.1f MB/s, %.2f M series/s, %.1f us per evaluation (%ld evaluations)\n",
           (double)len * (double)evals / t / 1e6, (double)st.samples * (double)evals / t / 1e6,
           t / (double)evals * 1e6, evals);
    for (int i = 0; i < N; i++)
        promtext_free(own[i]);
    free(body);
    return 0;
}
