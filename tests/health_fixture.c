/* health_fixture: scenarios around a health block and exporter pages for the tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "health_fixture.h"
#include "scenario_internal.h"

struct scenario *health_fixture_load(const char *sources)
{
    struct scenario *s = NULL;
    char err[512];
    size_t n = strlen(sources) + 256;
    char *text = malloc(n);

    assert_non_null(text);
    snprintf(text, n, "{\"name\": \"h\", \"user_classes\": [{\"name\": \"U\", \"tasks\": "
             "[{\"name\": \"t\", \"steps\": [{\"method\": \"GET\", \"path\": \"/\"}]}]}], "
             "\"health\": {\"sources\": %s}}", sources);
    if (scenario_load_string(text, "h.json", &s, err, sizeof err) < 0)
        fail_msg("%s", err);
    free(text);
    return s;
}

char *health_fixture_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        fail_msg("cannot open %s (run from the repository root)", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}
