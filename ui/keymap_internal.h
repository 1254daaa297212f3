/* keymap_internal: a key's label as the help view shows it, checked by the keymap tests. Any
 * thread; pure. */
#ifndef HORNET_KEYMAP_INTERNAL_H
#define HORNET_KEYMAP_INTERNAL_H

#include "keymap.h"

/* The label of the first binding of action ("W"), or NULL. */
const char *keymap_label(enum action action);

#endif
