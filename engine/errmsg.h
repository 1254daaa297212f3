/* errmsg: filling a caller's message buffer, the `char *err, size_t errlen` convention of
 * every fallible function in hornet. Any thread. */
#ifndef HORNET_ERRMSG_H
#define HORNET_ERRMSG_H

#include <stddef.h>

/* Format the message into err (cut to errlen - 1 bytes). err may be NULL or errlen 0: the
 * message is then dropped (a caller that wants no text). */
void errmsg_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
