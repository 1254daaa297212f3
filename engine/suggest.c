/* suggest: the closest known name to a mistyped one (see suggest.h for the rule). Any thread;
 * pure. */
#include "suggest.h"

#include <stdint.h>
#include <string.h>

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The edit distance of a (na bytes) and b (nb bytes) under the rule of suggest.h; SIZE_MAX
 * when either is longer than SUGGEST_MAX_LEN. Three rolling rows of the distance matrix: the
 * current one, the previous, and the one before it (for swaps). */
static size_t distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t d[3][SUGGEST_MAX_LEN + 1];

    if (na > SUGGEST_MAX_LEN || nb > SUGGEST_MAX_LEN)
        return SIZE_MAX;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t *cur = d[i % 3], *prev = d[(i + 2) % 3], *prev2 = d[(i + 1) % 3];

        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            int ai = lower(a[i - 1]), bj = lower(b[j - 1]);
            size_t best = prev[j - 1] + (ai != bj);

            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ai == lower(b[j - 2]) && lower(a[i - 2]) == bj &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
    }
    return d[na % 3][nb];
}

const char *suggest_closest(const char *word, size_t n, const char *const *candidates,
                            size_t n_candidates)
{
    size_t best = SIZE_MAX, limit = n <= 3 ? 1 : n <= 6 ? 2 : 3;
    const char *pick = NULL;

    for (size_t i = 0; i < n_candidates; i++) {
        size_t d;

        if (!candidates[i])
            continue;
        d = distance(word, n, candidates[i], strlen(candidates[i]));
        if (d < best) {
            best = d;
            pick = candidates[i];
        }
    }
    return best <= limit ? pick : NULL;
}
