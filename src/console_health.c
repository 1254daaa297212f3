/* console_health: the backend-health block of the headless summary, from a snapshot. Main
 * thread only; no state. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "console_health.h"
#include "escape.h"
#include "health_unit.h"

#define SEPARATOR "------------------------------|--------------|------------|------------|" \
                  "------------|--------------------|----------------"

/* The status word of a health limit: "pass", "pass (at risk)", "FAIL", "FAIL (no data)" (a
 * finished run's limit without data), "pending", "skipped"; "-" without a limit. */
static const char *status_word(const struct snap_health_metric *m, bool final)
{
    if (!m->has_limit)
        return "-";
    switch (m->status) {
    case TARGET_PASS: return "pass";
    case TARGET_AT_RISK: return "pass (at risk)";
    case TARGET_FAIL: return "FAIL";
    case TARGET_SKIPPED: return "skipped";
    default: return final ? "FAIL (no data)" : "pending";
    }
}

/* One line of the table, without trailing blanks. */
static void row(FILE *out, const char *name, const char *src, const char *last, const char *lo,
                const char *hi, const char *limit, const char *status, const char *detail)
{
    char line[512];
    size_t n;

    snprintf(line, sizeof line, "%-30s %-14s %-12s %-12s %-12s %-20s %-16s %s", name, src, last,
             lo, hi, limit, status, detail);
    n = strlen(line);
    while (n > 0 && line[n - 1] == ' ')
        line[--n] = '\0';
    escape_fprintf(out, "%s\n", line);        /* names and details from outside: escaped */
}

static void metric_row(FILE *out, const struct snapshot *s, const struct snap_health_metric *m)
{
    const struct snap_health *h = &s->health;
    char now[32], lo[32], hi[32];
    const char *src = m->source < h->n_sources ? h->sources[m->source].name : "";

    health_unit_format(m->unit, m->has_value ? m->value : NAN, now, sizeof now);
    health_unit_format(m->unit, m->samples ? m->min : NAN, lo, sizeof lo);
    health_unit_format(m->unit, m->samples ? m->max : NAN, hi, sizeof hi);
    row(out, m->name, src, now, lo, hi, m->has_limit ? m->limit : "",
        status_word(m, s->finished),
        m->has_limit ? m->detail : m->has_value ? "" : m->missing);
}

static void source_line(FILE *out, const struct snap_health_source *o)
{
    const char *state = o->state == HEALTH_UP ? "up" : o->state == HEALTH_DOWN ? "DOWN"
                                                                                : "no answer yet";

    escape_fprintf(out, "Source %s (%s%s%s, every %.3g s): %s, %llu polls, %llu failed",
                   o->name, o->kind, o->where[0] ? ", " : "", o->where, o->interval, state,
                   (unsigned long long)o->polls, (unsigned long long)o->failed);
    if (o->state == HEALTH_DOWN || (o->failed && o->error[0]))
        escape_fprintf(out, "; %s: %s", o->state == HEALTH_DOWN ? "error" : "last error",
                       o->error);
    fprintf(out, "\n");
}

void console_health_table(FILE *out, const struct snapshot *s)
{
    const struct snap_health *h = &s->health;

    if (h->n_sources == 0)
        return;
    fprintf(out, "Backend health\n");
    row(out, "Metric", "Source", "Last", "Min", "Max", "Limit", "Status", "Detail");
    fprintf(out, "%s\n", SEPARATOR);
    for (uint32_t k = 0; k < h->n_metrics && k < SNAP_HEALTH_METRICS; k++)
        metric_row(out, s, &h->metrics[k]);
    fprintf(out, "%s\n", SEPARATOR);
    for (uint32_t i = 0; i < h->n_sources && i < SNAP_HEALTH_SOURCES; i++)
        source_line(out, &h->sources[i]);
}
