/* locust_msg_internal: what only its tests read of a decoded spawn: its parsed options.
 * Any thread. */
#ifndef HORNET_LOCUST_MSG_INTERNAL_H
#define HORNET_LOCUST_MSG_INTERNAL_H

#include "locust_msg.h"

/* The value of parsed option key in a spawn; NULL when absent. */
const struct locust_value *locust_msg_option(const struct locust_spawn *s, const char *key);

#endif
