/* template_internal: what template tests check beyond rendering: whether env: resolution
 * left a template constant, and its text then. Read-only; any thread. */
#ifndef HORNET_TEMPLATE_INTERNAL_H
#define HORNET_TEMPLATE_INTERNAL_H

#include <stdbool.h>
#include "template.h"

/* True when no expression is left after env: was resolved. */
bool tmpl_is_constant(const struct tmpl *t);
/* The rendering of a constant template (tmpl_is_constant), without a context. */
const char *tmpl_constant_text(const struct tmpl *t);

#endif
