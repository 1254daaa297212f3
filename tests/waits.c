/* waits: the monotonic clock and poll pause of the tests' condition waits. Any thread. */
#include <time.h>
#include "waits.h"

double waits_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void waits_pause(void)
{
    struct timespec ts = {0, 10 * 1000 * 1000};

    nanosleep(&ts, NULL);
}
