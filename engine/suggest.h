/* suggest: "did you mean ...?" for every message that names something unknown (command-line
 * and config options, scenario keys, user classes, endpoints, template functions, feeders and
 * their columns). One rule for all of them:
 *   distance  optimal string alignment: insertions, deletions, substitutions and swaps of two
 *             adjacent characters each cost 1; letters compare case-insensitively;
 *   closeness a candidate is offered when its distance is at most 1 for a word of up to 3
 *             bytes, 2 up to 6 bytes, 3 beyond; the closest wins, the first listed on a tie.
 * Words and candidates longer than SUGGEST_MAX_LEN bytes are never close. Any thread; pure. */
#ifndef HORNET_SUGGEST_H
#define HORNET_SUGGEST_H

#include <stddef.h>

#define SUGGEST_MAX_LEN 64

/* The candidate closest to word (n bytes), or NULL when none is close enough to be a likely
 * typo. NULL candidates are skipped. The result points into candidates. */
const char *suggest_closest(const char *word, size_t n, const char *const *candidates,
                            size_t n_candidates);

#endif
