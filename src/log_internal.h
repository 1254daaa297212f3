/* log_internal: the logger's level names and filter, which its tests check directly. Any
 * thread. */
#ifndef HORNET_LOG_INTERNAL_H
#define HORNET_LOG_INTERNAL_H

#include <stdbool.h>
#include "log.h"

/* "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"; "UNKNOWN" for other numbers. Static. */
const char *log_level_name(enum log_level level);

/* Would a line at this level be written? Lets callers skip costly arguments. Thread-safe. */
bool log_enabled(enum log_level level);

#endif
