/* app_internal: what the dashboard's panel tests set directly: a toast in the footer. Main
 * thread. */
#ifndef HORNET_APP_INTERNAL_H
#define HORNET_APP_INTERNAL_H

#include "app.h"

/* Show a message in the footer for APP_TOAST_SECONDS. */
void app_toast(struct app *a, enum toast_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
