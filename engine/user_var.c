/* user_var: a virtual user's variable with a reusable buffer (see user_var.h). The worker
 * thread of its user. */
#include "user_var.h"

#include <stdlib.h>
#include <string.h>

int user_var_set(struct user_var *v, const char *s, size_t n)
{
    if (n >= UINT32_MAX)
        return -1;
    if (!v->value || n + 1 > v->cap) {
        uint32_t cap = v->cap ? v->cap : 32;
        char *p;

        while (cap < n + 1)
            cap = cap * 2 > cap ? cap * 2 : (uint32_t)(n + 1);
        p = realloc(v->value, cap);
        if (!p)
            return -1;
        v->value = p;
        v->cap = cap;
    }
    if (n)
        memmove(v->value, s, n);
    v->value[n] = '\0';
    v->len = (uint32_t)n;
    v->set = true;
    return 0;
}

void user_var_free(struct user_var *v)
{
    free(v->value);
    v->value = NULL;
    v->len = v->cap = 0;
    v->set = false;
}
