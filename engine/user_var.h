/* user_var: one virtual user's variable (a captured value or one its class sets), as templates
 * read it. Its buffer is reused from one value to the next, so a user that captures a value
 * every iteration allocates only when a value is longer than any before. Owned by the worker
 * thread of its user. */
#ifndef HORNET_USER_VAR_H
#define HORNET_USER_VAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct user_var {
    char *value;                /* NUL-terminated; NULL until first set */
    uint32_t len, cap;
    bool set;
};

/* Set v to the n bytes at s (NUL-terminated copy), reusing v's buffer: allocates only when n is
 * larger than any value v held before. s may point into v's own value. -1 on OOM (v
 * unchanged). */
int user_var_set(struct user_var *v, const char *s, size_t n);
void user_var_free(struct user_var *v);             /* frees the buffer, v becomes unset */

#endif
