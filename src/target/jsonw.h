/* jsonw: writing JSON text into a strbuf (escaped strings, UUIDs, timestamps in Django REST
 * framework's format). Pure functions; the caller's thread. */
#ifndef HORNET_TARGET_JSONW_H
#define HORNET_TARGET_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include "strbuf.h"
#include "uuid.h"

/* A JSON string: '"', s (n bytes of valid UTF-8) with '"', '\\' and control characters
 * escaped, '"'. */
void jsonw_str(struct strbuf *b, const char *s, size_t n);

/* "key": (the key is a trusted literal that needs no escaping). */
void jsonw_key(struct strbuf *b, const char *key);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */
void jsonw_uuid(struct strbuf *b, const struct uuid *u);

/* "2025-01-31T12:34:56.123456Z" for a Unix time in seconds; null when t <= 0. */
void jsonw_time(struct strbuf *b, double t);

/* Check that n bytes are valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
bool jsonw_utf8_valid(const char *s, size_t n);

#endif
