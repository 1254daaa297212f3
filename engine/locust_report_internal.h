/* locust_report_internal: what a worker node's report holds, for its tests. Control thread. */
#ifndef HORNET_LOCUST_REPORT_INTERNAL_H
#define HORNET_LOCUST_REPORT_INTERNAL_H

#include "locust_report.h"

/* Requests kept for the next message. */
uint64_t locust_report_pending(const struct locust_report *r);

#endif
