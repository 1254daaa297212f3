/* trace_internal: the request tracer's building blocks (secret names, escaping, masked
 * headers and URLs), which its tests check one by one. Any thread. */
#ifndef HORNET_TRACE_INTERNAL_H
#define HORNET_TRACE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "strbuf.h"

/* A header, variable, query or JSON member name that holds secrets (case-insensitive:
 * authorization, cookie, token, secret, password, api key, session, credential, ...). */
bool trace_secret_name(const char *name, size_t n);
/* Append s[0..n) with \\, \n, \r, \t, other control characters (C0, DEL, C1) and bytes that
 * are not UTF-8 escaped (\xNN, \u00NN); at most max bytes of s, never cutting a character,
 * then "... (N bytes)" when cut. */
void trace_escape(struct strbuf *out, const char *s, size_t n, size_t max);
/* "Name: value" with the value masked when the name is secret, escaped otherwise. */
void trace_format_header(struct strbuf *out, const char *line, size_t n);
/* A URL with a password in it (user:pass@) and the values of secret query parameters masked. */
void trace_format_url(struct strbuf *out, const char *url, size_t n);

#endif
