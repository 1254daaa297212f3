/* health_poll: the backend-health poller, a thread of its own with its own ev loop and one
 * CURLM (multi_socket glue, as a worker's), so that polling never runs on a worker thread,
 * never delays load generation and never blocks the control thread. Each source has a timer
 * at its interval: an HTTP source's poll is one transfer (keep-alive reused, bounded by the
 * source's timeout; a poll still running when the next is due is not stacked: the due one is
 * skipped), a process or host source reads /proc on the spot. Every poll, good or failed,
 * becomes a struct health_sample handed to the sink; a failed source is simply polled again at
 * its next interval.
 *
 * health_poll_create/start/destroy run on the caller's thread; everything else on the
 * poller's. */
#ifndef HORNET_HEALTH_POLL_H
#define HORNET_HEALTH_POLL_H

#include <stddef.h>
#include "health_read.h"
#include "scenario.h"

/* Where samples go; called on the poller's thread, which gives up the sample (malloc'd: the
 * receiver frees it). */
struct health_poll_sink {
    void (*sample)(void *arg, struct health_sample *s);
    void *arg;
};

/* The largest body a poll reads (a node_exporter page is ~100 KB; larger fails the poll). */
#define HEALTH_POLL_BODY_MAX (16u << 20)

struct health_poll;

/* A poller of h's sources (borrowed: must outlive the poller) on the run's host (${host} in
 * URLs and headers, rendered now), reading /proc under proc_root (NULL: "/proc"). No thread
 * yet. NULL with a message ("health source api: ...") on error. */
struct health_poll *health_poll_create(const struct health_def *h, const char *host,
                                       const char *proc_root,
                                       const struct health_poll_sink *sink, char *err,
                                       size_t errlen);

/* Start the thread (every signal blocked) and the first poll of every source at once. -1 with
 * a message. */
int health_poll_start(struct health_poll *p, char *err, size_t errlen);

/* Stop the thread (a poll in progress is abandoned, not handed over) and free. NULL is fine. */
void health_poll_destroy(struct health_poll *p);

#endif
