/* verdict: the run's verdict from a snapshot, so far and final. Pure; any thread. */
#include <stdio.h>
#include <string.h>
#include "verdict.h"

bool verdict_failures_judged(const struct snapshot *s)
{
    for (uint32_t i = 0; i < s->n_targets && i < SNAP_MAX_TARGETS; i++)
        if (s->targets[i].metric == TARGET_SUCCESS_RATE ||
            s->targets[i].metric == TARGET_FAILURE_RATE)
            return false;
    return true;
}

static void count_one(uint8_t status, struct verdict_tally *v)
{
    v->n++;
    switch (status) {
    case TARGET_PASS: v->pass++; break;
    case TARGET_AT_RISK: v->at_risk++; break;
    case TARGET_FAIL: v->fail++; break;
    case TARGET_SKIPPED: v->skipped++; break;
    default: v->pending++; break;
    }
}

static uint32_t n_targets(const struct snapshot *s)
{
    return s->n_targets < SNAP_MAX_TARGETS ? s->n_targets : SNAP_MAX_TARGETS;
}

static uint32_t n_health(const struct snapshot *s)
{
    return s->health.n_metrics < SNAP_HEALTH_METRICS ? s->health.n_metrics : SNAP_HEALTH_METRICS;
}

static void count(const struct snapshot *s, struct verdict *v)
{
    struct verdict_tally t = {0};

    for (uint32_t i = 0; i < n_targets(s); i++)
        count_one(s->targets[i].status, &t);
    v->n = t.n;
    v->pass = t.pass;
    v->at_risk = t.at_risk;
    v->fail = t.fail;
    v->pending = t.pending;
    v->skipped = t.skipped;
    for (uint32_t i = 0; i < n_health(s); i++)
        if (s->health.metrics[i].has_limit)
            count_one(s->health.metrics[i].status, &v->health);
}

void verdict_of(const struct snapshot *s, struct verdict *v)
{
    memset(v, 0, sizeof *v);
    v->saturated = s->saturated_seconds > 0;
    count(s, v);
    if (v->n == 0 && v->health.n == 0)
        return;
    v->final = s->finished;
    v->failures_fail = (s->total.failures > 0 || s->n_exceptions > 0) &&
                       verdict_failures_judged(s);
    if (s->aborted)
        v->kind = VERDICT_ABORTED;
    else if (v->fail || v->health.fail || v->failures_fail ||
             (v->final && (v->pending || v->health.pending)) || s->fatal[0])
        v->kind = VERDICT_FAIL;
    else if (v->at_risk || v->health.at_risk)
        v->kind = VERDICT_AT_RISK;
    else
        v->kind = VERDICT_PASS;
}

bool verdict_passed(const struct snapshot *s)
{
    bool failures_ok = s->total.failures == 0 && s->n_exceptions == 0;

    if (s->aborted || s->fatal[0] || s->total.requests == 0)
        return false;                   /* a run that measured nothing does not pass */
    for (uint32_t i = 0; i < n_targets(s); i++)
        if (s->targets[i].status == TARGET_FAIL || s->targets[i].status == TARGET_PENDING)
            return false;
    for (uint32_t i = 0; i < n_health(s); i++) {
        const struct snap_health_metric *m = &s->health.metrics[i];
        if (m->has_limit && (m->status == TARGET_FAIL || m->status == TARGET_PENDING))
            return false;
    }
    return failures_ok || !verdict_failures_judged(s);
}

const char *verdict_word(enum verdict_kind k)
{
    switch (k) {
    case VERDICT_PASS: return "PASS";
    case VERDICT_AT_RISK: return "AT RISK";
    case VERDICT_FAIL: return "FAIL";
    case VERDICT_ABORTED: return "ABORTED";
    default: return "";
    }
}

static void add(char *out, size_t n, size_t *len, uint32_t count, const char *what)
{
    int k;

    if (count == 0 || *len >= n)
        return;
    k = snprintf(out + *len, n - *len, "%s%u %s", *len ? ", " : "", count, what);
    if (k > 0)
        *len += (size_t)k < n - *len ? (size_t)k : n - *len - 1;
}

/* One tally's counts after `len` bytes of out, worst first. */
static void tally_text(const struct verdict_tally *t, bool final, char *out, size_t n,
                       size_t *len)
{
    add(out, n, len, t->fail, "failing");
    if (final)
        add(out, n, len, t->pending, "without data");
    add(out, n, len, t->at_risk, "at risk");
    add(out, n, len, t->pass, "passing");
    if (!final)
        add(out, n, len, t->pending, "waiting for data");
    add(out, n, len, t->skipped, "not judged");
}

void verdict_counts(const struct verdict *v, char *out, size_t n)
{
    struct verdict_tally targets = {v->n, v->pass, v->at_risk, v->fail, v->pending, v->skipped};
    size_t len = 0, start, sub = 0;
    int k;

    if (n == 0)
        return;
    out[0] = '\0';
    tally_text(&targets, v->final, out, n, &len);
    if (v->health.n == 0 || len >= n)
        return;
    k = snprintf(out + len, n - len, "%shealth limits: ", len ? "; " : "");
    start = len;
    len += k > 0 && (size_t)k < n - len ? (size_t)k : 0;
    if (len == start)
        return;
    tally_text(&v->health, v->final, out + len, n - len, &sub);
}

int verdict_rank(uint8_t status, bool final)
{
    switch (status) {
    case TARGET_FAIL: return 5;
    case TARGET_AT_RISK: return 3;
    case TARGET_PASS: return 1;
    case TARGET_SKIPPED: return 0;
    default: return final ? 4 : 2;
    }
}

const char *verdict_status_word(uint8_t status, bool final)
{
    switch (status) {
    case TARGET_PASS: return "pass";
    case TARGET_AT_RISK: return "at risk";
    case TARGET_FAIL: return "FAIL";
    case TARGET_SKIPPED: return "skipped";
    default: return final ? "no data" : "pending";
    }
}
