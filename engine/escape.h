/* escape: text that came from outside (a scenario, a response, a CSV or config file, the
 * environment, a remote Locust) made safe to print on a terminal or into a report. A control
 * character in it could retitle or clear the terminal (ESC, the C1 CSI), rewrite a line (CR)
 * or forge one (LF), so every printing place escapes them:
 *   C0 controls and DEL    \x1b, \x7f (\n, \r, \t for those three)
 *   C1 controls (U+0080..U+009F, as UTF-8)     \u009b
 *   a byte that is not part of valid UTF-8     \xff
 * Everything else, UTF-8 included, is kept as it is; a backslash too, unless the caller asks
 * (ESCAPE_BACKSLASH: request tracing, where the text must read back unambiguously). Pure, any
 * thread. */
#ifndef HORNET_ESCAPE_H
#define HORNET_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum escape_flags {
    ESCAPE_BACKSLASH = 1,       /* also write '\' as "\\" */
    ESCAPE_KEEP_NEWLINE = 2,    /* keep '\n' (multi-line text whose lines are escaped) */
};

/* The most bytes escape_char writes. */
#define ESCAPE_CHAR_MAX 8

/* The character at s (n > 0 bytes left) as it must be printed: writes its escaped form, or
 * the character itself, into out (ESCAPE_CHAR_MAX bytes, not NUL-terminated) and sets
 * *out_len; returns how many bytes of s it stands for (at least 1). */
size_t escape_char(const char *s, size_t n, unsigned flags, char *out, size_t *out_len);

/* Whether s (NUL-terminated) prints as it is (nothing to escape without flags). */
bool escape_clean(const char *s);

/* Copy src (NUL-terminated) into dst (cap > 0 bytes, always NUL-terminated) escaped, cut
 * before the first character that does not fit whole. Returns dst. */
char *escape_copy(char *dst, size_t cap, const char *src, unsigned flags);

/* Write s escaped to out. */
void escape_fputs(const char *s, unsigned flags, FILE *out);

/* printf to out with the whole formatted text escaped but for a final newline: a message
 * line that may quote paths, names or values from outside (stderr errors). */
void escape_fprintf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
