/* campaign_csv: writing and reading OUT/campaign.csv. Main thread. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "campaign_csv.h"
#include "csv.h"
#include "csv_reader.h"
#include "fileio.h"
#include "strbuf.h"

const char *const campaign_status_names[CAMPAIGN_STATUS_COUNT] = {
    "NOT RUN", "RUNNING", "PASS", "FAIL", "INTERRUPTED"
};

static const char *const columns[] = {
    "Index", "Name", "Scenario", "Prefix", "Status", "Exit Code", "Users", "Spawn Rate",
    "Run Time", "Host", "Start", "End", "Expected Count", "Generator CPU %", "Saturated Seconds",
    "Built-in Target",
    "Message", "Campaign"
};
enum { N_COLUMNS = sizeof columns / sizeof columns[0] };

static void field(struct strbuf *b, const char *s, bool last)
{
    csv_append_field(b, s, last ? "\r\n" : ",");
}

/* Unix seconds as "2026-11-30T14:25:01.250Z"; "" for 0. */
static void utc(double t, char *out, size_t n)
{
    time_t secs = (time_t)floor(t);
    struct tm tm;

    out[0] = '\0';
    if (t <= 0 || !gmtime_r(&secs, &tm))
        return;
    strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + strlen(out), n - strlen(out), ".%03dZ", (int)((t - floor(t)) * 1000));
}

static void row(struct strbuf *b, const struct campaign_row *r)
{
    char v[16][96], sat[32] = "";

    snprintf(v[0], sizeof v[0], "%u", r->index);
    snprintf(v[1], sizeof v[1], "%d", r->exit_code);
    snprintf(v[2], sizeof v[2], "%u", r->users);
    snprintf(v[3], sizeof v[3], "%g", r->spawn_rate);
    snprintf(v[4], sizeof v[4], "%g", r->run_time);
    utc(r->start, v[5], sizeof v[5]);
    utc(r->end, v[6], sizeof v[6]);
    snprintf(v[7], sizeof v[7], "%llu", (unsigned long long)r->expected);
    if (r->cpu_percent >= 0)
        snprintf(v[8], sizeof v[8], "%.1f", r->cpu_percent);
    else
        v[8][0] = '\0';
    field(b, v[0], false);
    field(b, r->name, false);
    field(b, r->scenario, false);
    field(b, r->prefix, false);
    field(b, campaign_status_names[r->status], false);
    field(b, v[1], false);
    field(b, v[2], false);
    field(b, v[3], false);
    field(b, v[4], false);
    field(b, r->host, false);
    field(b, v[5], false);
    field(b, v[6], false);
    field(b, v[7], false);
    field(b, v[8], false);
    if (r->saturated_seconds >= 0)
        snprintf(sat, sizeof sat, "%.1f", r->saturated_seconds);
    field(b, sat, false);
    field(b, r->embedded_target ? "yes" : "no", false);
    field(b, r->message, false);
    field(b, r->campaign, true);
}

int campaign_csv_write(const char *out_dir, const struct campaign_row *rows, size_t n,
                       char *err, size_t errlen)
{
    struct strbuf b;
    char path[4096];
    int rc;

    strbuf_init(&b);
    for (int k = 0; k < N_COLUMNS; k++)
        field(&b, columns[k], k + 1 == N_COLUMNS);
    for (size_t i = 0; i < n; i++)
        row(&b, &rows[i]);
    snprintf(path, sizeof path, "%s/campaign.csv", out_dir);
    rc = b.data ? fileio_write_atomic(path, b.data, b.len, err, errlen) : -1;
    if (!b.data)
        snprintf(err, errlen, "out of memory writing %s", path);
    strbuf_free(&b);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------------- */

/* "2026-11-30T14:25:01.250Z" -> unix seconds; 0 for "" or malformed. */
static double parse_utc(const char *s)
{
    struct tm tm;
    const char *rest;
    double frac = 0;

    memset(&tm, 0, sizeof tm);
    if (!*s || !(rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
        return 0;
    if (*rest == '.')
        frac = strtod(rest, NULL);
    return (double)timegm(&tm) + frac;
}

static int parse_status(const char *s, enum campaign_status *out)
{
    for (int i = 0; i < CAMPAIGN_STATUS_COUNT; i++)
        if (strcmp(s, campaign_status_names[i]) == 0) {
            *out = (enum campaign_status)i;
            return 0;
        }
    return -1;
}

static int parse_row(const struct csv_record *rec, struct campaign_row *r)
{
    char **f = rec->fields;

    memset(r, 0, sizeof *r);
    if (rec->n != N_COLUMNS || parse_status(f[4], &r->status) < 0)
        return -1;
    r->index = (uint32_t)strtoul(f[0], NULL, 10);
    snprintf(r->name, sizeof r->name, "%s", f[1]);
    snprintf(r->scenario, sizeof r->scenario, "%s", f[2]);
    snprintf(r->prefix, sizeof r->prefix, "%s", f[3]);
    r->exit_code = (int)strtol(f[5], NULL, 10);
    r->users = (uint32_t)strtoul(f[6], NULL, 10);
    r->spawn_rate = strtod(f[7], NULL);
    r->run_time = strtod(f[8], NULL);
    snprintf(r->host, sizeof r->host, "%s", f[9]);
    r->start = parse_utc(f[10]);
    r->end = parse_utc(f[11]);
    r->expected = strtoull(f[12], NULL, 10);
    r->cpu_percent = f[13][0] ? strtod(f[13], NULL) : -1;
    r->saturated_seconds = f[14][0] ? strtod(f[14], NULL) : -1;
    r->embedded_target = strcmp(f[15], "yes") == 0;
    snprintf(r->message, sizeof r->message, "%s", f[16]);
    snprintf(r->campaign, sizeof r->campaign, "%s", f[17]);
    return 0;
}

static int read_rows(struct csv_reader *rd, const char *path, struct campaign_row **rows,
                     size_t *n, char *err, size_t errlen)
{
    struct csv_record rec;
    int got;

    if ((got = csv_reader_next(rd, &rec)) <= 0 || rec.n != N_COLUMNS ||
        strcmp(rec.fields[0], columns[0]) != 0) {
        snprintf(err, errlen, "%s:1: not a hornet campaign.csv (expected the columns %s, %s, "
                 "...)", path, columns[0], columns[1]);
        return -1;
    }
    while ((got = csv_reader_next(rd, &rec)) == 1) {
        struct campaign_row *grown = realloc(*rows, (*n + 1) * sizeof *grown);

        if (!grown) {
            snprintf(err, errlen, "%s: out of memory", path);
            return -1;
        }
        *rows = grown;
        if (parse_row(&rec, &(*rows)[*n]) < 0) {
            snprintf(err, errlen, "%s:%zu: expected %d fields with a status such as PASS", path,
                     rec.line, N_COLUMNS);
            return -1;
        }
        (*n)++;
    }
    if (got < 0) {
        snprintf(err, errlen, "%s:%zu: %s", path, csv_reader_error_line(rd),
                 csv_reader_error(rd));
        return -1;
    }
    return 0;
}

int campaign_csv_read(const char *out_dir, struct campaign_row **rows, size_t *n, char *err,
                      size_t errlen)
{
    char path[4096];
    FILE *f;
    struct csv_reader *rd;
    int rc = -1;

    *rows = NULL;
    *n = 0;
    snprintf(path, sizeof path, "%s/campaign.csv", out_dir);
    if (!(f = fopen(path, "r"))) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if ((rd = csv_reader_file(f)))
        rc = read_rows(rd, path, rows, n, err, errlen);
    else
        snprintf(err, errlen, "%s: out of memory", path);
    csv_reader_free(rd);
    fclose(f);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}
