/* delay_internal: the delay queue's clock, which its tests compare with the deadlines they
 * set. The thread of the queue's loop. */
#ifndef HORNET_TARGET_DELAY_INTERNAL_H
#define HORNET_TARGET_DELAY_INTERNAL_H

#include "delay.h"

/* Monotonic seconds. */
double delay_now(void);

#endif
