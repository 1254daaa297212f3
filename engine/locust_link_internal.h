/* locust_link_internal: what only its tests read: the frames waiting in the send queue.
 * The loop's thread. */
#ifndef HORNET_LOCUST_LINK_INTERNAL_H
#define HORNET_LOCUST_LINK_INTERNAL_H

#include <stddef.h>
#include "locust_link.h"

/* Frames waiting in the link's queue (not yet taken by libzmq). */
size_t locust_link_queued(const struct locust_link *link);

#endif
