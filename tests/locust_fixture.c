/* Fixture helpers of the Locust protocol tests (see locust_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "locust_fixture.h"

#define GOT_PATH "/tmp/hornet-locust-got.bin"

char *locust_fixture_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;
    char *p;

    if (!f)
        fail_msg("cannot open %s (run from the repository root)", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return p;
}

char *locust_fixture_read(const char *name, size_t *len)
{
    char path[512];

    snprintf(path, sizeof path, "tests/fixtures/locust/%s", name);
    return locust_fixture_slurp(path, len);
}

void locust_fixture_assert_same(const void *got, size_t got_len, const void *want,
                                size_t want_len)
{
    const unsigned char *g = got, *w = want;
    size_t i = 0, n = got_len < want_len ? got_len : want_len;
    char gs[64] = "", ws[64] = "";
    FILE *f;

    while (i < n && g[i] == w[i])
        i++;
    if (i == n && got_len == want_len)
        return;
    for (size_t k = i; k < i + 12 && k < got_len; k++)
        snprintf(gs + strlen(gs), sizeof gs - strlen(gs), "%02x ", g[k]);
    for (size_t k = i; k < i + 12 && k < want_len; k++)
        snprintf(ws + strlen(ws), sizeof ws - strlen(ws), "%02x ", w[k]);
    f = fopen(GOT_PATH, "wb");
    if (f) {
        fwrite(got, 1, got_len, f);
        fclose(f);
    }
    fail_msg("frames differ at byte %zu (lengths %zu and %zu): got %s, want %s (got written "
             "to " GOT_PATH ")", i, got_len, want_len, gs, ws);
}
