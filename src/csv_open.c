/* csv_open: PREFIX_corrected.csv (stats.csv's rows with the corrected latencies) and
 * PREFIX_arrivals.csv (the schedule per second); see csv_open.h. Main thread. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csv_internal.h"
#include "csv_open.h"
#include "csv_open_internal.h"
#include "fileio.h"

char *csv_open_corrected(const struct snapshot *s, size_t *len)
{
    struct snapshot *view = malloc(sizeof *view);
    char *text;

    if (!view)
        return NULL;
    memcpy(view, s, sizeof *view);
    snap_open_corrected_view(view);
    text = csv_render(CSV_STATS, view, false, len);
    free(view);
    return text;
}

char *csv_open_arrivals(const struct timeline *t, size_t *len)
{
    size_t n, cap, used;
    const struct snap_arrival_point *p = timeline_arrivals(t, &n);
    static const char head[] = "Timestamp,Asked,Achieved,Dropped,Busy Users,User Count\r\n";
    char *out;

    cap = sizeof head + n * 96;
    if (!(out = malloc(cap)))
        return NULL;
    used = (size_t)snprintf(out, cap, "%s", head);
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, cap - used, "%" PRId64 ",%.2f,%u,%u,%u,%u\r\n",
                                 p[i].second, p[i].asked, p[i].started, p[i].dropped,
                                 p[i].busy, p[i].users);
    if (len)
        *len = used;
    return out;
}

static int write_text(const char *prefix, const char *suffix, char *text, size_t len,
                      char *err, size_t errlen)
{
    char path[4096];
    int rc;

    if (!text) {
        snprintf(err, errlen, "out of memory while formatting %s%s", prefix, suffix);
        return -1;
    }
    if ((size_t)snprintf(path, sizeof path, "%s%s", prefix, suffix) >= sizeof path) {
        snprintf(err, errlen, "cannot write %s%s: file name too long", prefix, suffix);
        free(text);
        return -1;
    }
    rc = fileio_write_atomic(path, text, len, err, errlen);
    free(text);
    return rc;
}

int csv_open_write(const char *prefix, const struct snapshot *s, const struct timeline *t,
                   char *err, size_t errlen)
{
    size_t len = 0;
    char *text;

    if (s->open.corrected) {
        text = csv_open_corrected(s, &len);
        if (write_text(prefix, "_corrected.csv", text, len, err, errlen) < 0)
            return -1;
    }
    if (s->open.n_classes > 0) {
        text = csv_open_arrivals(t, &len);
        if (write_text(prefix, "_arrivals.csv", text, len, err, errlen) < 0)
            return -1;
    }
    return 0;
}
