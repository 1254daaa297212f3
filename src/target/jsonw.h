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

/* Length of the valid UTF-8 sequence at s (at most n bytes, n > 0): 1 for ASCII, 2 to 4, or 0
 * when the bytes there are not valid UTF-8 (overlong, surrogate, above U+10FFFF, cut). */
size_t jsonw_utf8_seq(const char *s, size_t n);

/* Check that n bytes are valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
bool jsonw_utf8_valid(const char *s, size_t n);

#endif
