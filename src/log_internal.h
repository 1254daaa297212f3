/* log_internal: the logger's level names, which its tests check directly. Any
 * thread. */
#ifndef HORNET_LOG_INTERNAL_H
#define HORNET_LOG_INTERNAL_H

#include <stdbool.h>
#include "log.h"

/* "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"; "UNKNOWN" for other numbers. Static. */
const char *log_level_name(enum log_level level);

#endif
