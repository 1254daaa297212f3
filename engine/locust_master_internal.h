/* locust_master_internal: a master's handling of its workers' messages without the network,
 * for its tests (tests/test_locust_master.c drive it with a fake clock). Control thread. */
#ifndef HORNET_LOCUST_MASTER_INTERNAL_H
#define HORNET_LOCUST_MASTER_INTERNAL_H

#include "locust_master.h"
#include "locust_msg.h"

/* One decoded message from worker peer (its node id) at now, as the link delivers it. */
void locust_master_receive(struct locust_master *m, const char *peer,
                           const struct locust_msg *msg, double now);

/* One liveness step at now (the master's own timer calls it every second): heartbeats counted
 * down, missing workers marked and taken out of the dispatcher, a stopped Locust worker whose
 * last report did not come in time given up on. */
void locust_master_tick(struct locust_master *m, double now);

#endif
