/* curl_floor: the libcurl floor of the benchmark. The least a libcurl-based generator can do:
 * N reused easy handles GET one URL in a loop on one CURLM, driven by curl_multi_perform +
 * curl_multi_poll (no event library, no templates, no statistics beyond a latency histogram).
 * A finished handle is removed and added again at once, so each keeps its connection alive.
 *
 *   curl_floor URL CONNECTIONS SECONDS
 *
 * Prints "requests=N errors=N seconds=S p50_us=N p99_us=N" on stdout when done. Single thread.
 * Built by tests/bench/bench.sh; not part of hornet. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <curl/curl.h>

#define SUB_BITS 7                  /* 128 linear sub-buckets per power of two: < 1% error */
#define N_BUCKETS (66 << SUB_BITS)

static uint64_t buckets[N_BUCKETS];

static size_t discard_cb(char *data, size_t size, size_t n, void *arg)
{
    (void)data;
    (void)arg;
    return size * n;
}

static double mono_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Log-linear bucket of a latency in microseconds (exact below 256 us), and the smallest value
 * a bucket holds. */
static unsigned bucket_of(uint64_t us)
{
    unsigned e = 0;

    while ((us >> e) >= (2u << SUB_BITS))
        e++;
    return (e << SUB_BITS) + (unsigned)(us >> e);
}

static uint64_t bucket_value(unsigned b)
{
    unsigned e;

    if (b < (2u << SUB_BITS))
        return b;
    e = (b >> SUB_BITS) - 1;
    return (uint64_t)(b - (e << SUB_BITS)) << e;
}

static uint64_t percentile(uint64_t total, double q)
{
    uint64_t want = (uint64_t)((double)total * q + 0.5), seen = 0;

    if (want == 0)
        want = 1;
    for (unsigned b = 0; b < N_BUCKETS; b++) {
        seen += buckets[b];
        if (seen >= want)
            return bucket_value(b);
    }
    return 0;
}

static CURL *new_handle(const char *url)
{
    CURL *e = curl_easy_init();

    if (!e)
        return NULL;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_cb);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    return e;
}

/* Collect finished transfers and start each handle again (unless the run is over). Returns
 * the transfers that ended for good. */
static long drain(CURLM *m, int again, uint64_t *requests, uint64_t *errors)
{
    CURLMsg *msg;
    int left;
    long ended = 0;

    while ((msg = curl_multi_info_read(m, &left))) {
        CURL *e = msg->easy_handle;
        curl_off_t us = 0;

        if (msg->msg != CURLMSG_DONE)
            continue;
        (*requests)++;
        if (msg->data.result != CURLE_OK) {
            (*errors)++;
        } else {
            curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &us);
            buckets[bucket_of((uint64_t)us)]++;
        }
        curl_multi_remove_handle(m, e);
        if (again)
            curl_multi_add_handle(m, e);
        else
            ended++;
    }
    return ended;
}

int main(int argc, char **argv)
{
    uint64_t requests = 0, errors = 0;
    double start, end;
    CURLM *m;
    CURL **h;
    long n, in_flight;
    int running;

    if (argc != 4 || (n = strtol(argv[2], NULL, 10)) <= 0 || atof(argv[3]) <= 0) {
        fprintf(stderr, "usage: curl_floor URL CONNECTIONS SECONDS\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    m = curl_multi_init();
    h = calloc((size_t)n, sizeof *h);
    if (!m || !h)
        return 1;
    for (long i = 0; i < n; i++) {
        if (!(h[i] = new_handle(argv[1])))
            return 1;
        curl_multi_add_handle(m, h[i]);
    }
    start = mono_now();
    end = start + atof(argv[3]);
    in_flight = n;
    while (in_flight > 0) {
        int again = mono_now() < end;
        curl_multi_perform(m, &running);
        in_flight -= drain(m, again, &requests, &errors);
        if (in_flight > 0)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    printf("requests=%llu errors=%llu seconds=%.3f p50_us=%llu p99_us=%llu\n",
           (unsigned long long)requests, (unsigned long long)errors, mono_now() - start,
           (unsigned long long)percentile(requests - errors, 0.50),
           (unsigned long long)percentile(requests - errors, 0.99));
    for (long i = 0; i < n; i++)
        curl_easy_cleanup(h[i]);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    free(h);
    return 0;
}
