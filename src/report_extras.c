/* report_extras: the CSV files hornet writes beside Locust's four, read back for the reports:
 * PREFIX_fixtures.csv (setup, preflight and teardown) and PREFIX_expected.csv (the responses a
 * step expected, successes Locust's files cannot hold). Main thread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csv_reader.h"
#include "fixture.h"
#include "report_internal.h"
#include "textfile.h"

static const char *const fixture_columns[] = {
    "Phase", "Type", "Name", "Request Count", "Failure Count", "Expected Count",
    "Median Response Time", "Average Response Time", "Min Response Time", "Max Response Time",
    "99%", "Status", "Message"
};
enum { FIXTURE_COLUMNS = sizeof fixture_columns / sizeof fixture_columns[0] };

static const char *const expected_columns[] = {"Method", "Name", "Response", "Occurrences"};
enum { EXPECTED_COLUMNS = sizeof expected_columns / sizeof expected_columns[0] };

typedef int (*row_fn)(void *arg, char **fields);

/* Every record after the header of PREFIX+suffix through fn. 0 (also when the file does not
 * exist: *found false), -1 with "FILE:LINE: reason". */
static int read_rows(const char *prefix, const char *suffix, const char *const *columns,
                     size_t n_columns, row_fn fn, void *arg, bool *found, char *err,
                     size_t errlen)
{
    char path[4200], why[128];
    struct csv_record rec;
    struct csv_reader *rd;
    FILE *f;
    int got, rc = 0;

    snprintf(path, sizeof path, "%s%s", prefix, suffix);
    *found = false;
    if (!(f = textfile_open(path, why, sizeof why)))
        return errno == ENOENT ? 0 : (snprintf(err, errlen, "cannot read %s: %s", path, why),
                                      -1);
    *found = true;
    if (!(rd = csv_reader_file(f))) {
        fclose(f);
        snprintf(err, errlen, "out of memory reading %s", path);
        return -1;
    }
    got = csv_reader_next(rd, &rec);
    if (got != 1 || rec.n != n_columns || strcmp(rec.fields[0], columns[0]) != 0) {
        snprintf(err, errlen, "%s:1: expected the columns %s, %s, ...", path, columns[0],
                 columns[1]);
        rc = -1;
    }
    while (rc == 0 && (got = csv_reader_next(rd, &rec)) == 1)
        if (rec.n != n_columns || fn(arg, rec.fields) < 0) {
            snprintf(err, errlen, "%s:%zu: expected %zu fields as hornet writes them", path,
                     rec.line, n_columns);
            rc = -1;
        }
    if (rc == 0 && got < 0) {
        snprintf(err, errlen, "%s:%zu: %s", path, csv_reader_error_line(rd),
                 csv_reader_error(rd));
        rc = -1;
    }
    csv_reader_free(rd);
    fclose(f);
    return rc;
}

/* ---- fixtures ------------------------------------------------------------------------------ */

static int phase_of(const char *s)
{
    for (int p = 0; p < FIXTURE_PHASES; p++)
        if (!strcmp(s, fixture_phase_names[p]))
            return p;
    return -1;
}

static int status_of(const char *s)
{
    for (int k = FIXTURE_NOT_RUN; k <= FIXTURE_INTERRUPTED; k++)
        if (!strcmp(s, fixture_status_names[k]))
            return k;
    return -1;
}

static uint64_t us_of(const char *ms)
{
    return (uint64_t)(strtod(ms, NULL) * 1000.0 + 0.5);
}

static int fixture_row(void *arg, char **f)
{
    struct fixture_result *out = arg, *r;
    struct fixture_stats *s;
    int p = phase_of(f[0]), status = status_of(f[11]);

    if (p < 0 || status < 0)
        return -1;
    r = &out[p];
    r->phase = (enum fixture_phase)p;
    r->status = (enum fixture_status)status;
    snprintf(r->message, sizeof r->message, "%s", f[12]);
    if (!f[1][0] || r->n_stats == SNAP_MAX_ENDPOINTS)
        return 0;                           /* a phase without requests */
    s = &r->stats[r->n_stats++];
    snprintf(s->method, sizeof s->method, "%s", f[1]);
    snprintf(s->name, sizeof s->name, "%s", f[2]);
    s->requests = strtoull(f[3], NULL, 10);
    s->failures = strtoull(f[4], NULL, 10);
    s->expected = strtoull(f[5], NULL, 10);
    s->median_us = us_of(f[6]);
    s->total_us = (uint64_t)(strtod(f[7], NULL) * 1000.0 * (double)s->requests + 0.5);
    s->min_us = us_of(f[8]);
    s->max_us = us_of(f[9]);
    s->p99_us = us_of(f[10]);
    r->requests += s->requests;
    r->failures += s->failures;
    return 0;
}

static int read_fixtures(const char *prefix, struct fixture_result *out, bool *found,
                         char *err, size_t errlen)
{
    memset(out, 0, FIXTURE_PHASES * sizeof *out);
    for (int p = 0; p < FIXTURE_PHASES; p++)
        out[p].phase = (enum fixture_phase)p;
    return read_rows(prefix, "_fixtures.csv", fixture_columns, FIXTURE_COLUMNS, fixture_row,
                     out, found, err, errlen);
}

/* ---- expected responses -------------------------------------------------------------------- */

static int32_t endpoint_of(const struct snapshot *s, const char *method, const char *name)
{
    for (uint32_t i = 0; i < s->n_endpoints; i++)
        if (!strcmp(s->endpoints[i].method, method) && !strcmp(s->endpoints[i].name, name))
            return (int32_t)i;
    return -1;
}

static int expected_row(void *arg, char **f)
{
    struct snapshot *s = arg;
    int32_t ep = endpoint_of(s, f[0], f[1]);
    uint64_t n = strtoull(f[3], NULL, 10);
    struct snap_error *e;

    if (ep < 0 || s->n_errors == SNAP_MAX_ERRORS)
        return 0;                           /* an endpoint beyond the table: not shown */
    e = &s->errors[s->n_errors++];
    memset(e, 0, sizeof *e);
    e->endpoint = (uint32_t)ep;
    e->expected = true;
    e->count = n;
    snprintf(e->text, sizeof e->text, "%s", f[2]);
    s->endpoints[ep].expected += n;
    s->total.expected += n;
    return 0;
}

static int read_expected(const char *prefix, struct snapshot *s, bool *found, char *err,
                         size_t errlen)
{
    return read_rows(prefix, "_expected.csv", expected_columns, EXPECTED_COLUMNS, expected_row,
                     s, found, err, errlen);
}

int report_extras_apply(const char *prefix, struct report_estimate *r,
                        struct fixture_result *fixtures, char *err, size_t errlen)
{
    bool found;

    if (read_expected(prefix, r->snap, &found, err, errlen) < 0)
        return -1;
    if (found)
        r->in.expected_unknown = false;
    if (read_fixtures(prefix, fixtures, &found, err, errlen) < 0)
        return -1;
    if (found)
        r->in.fixtures = fixtures;
    return 0;
}
