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

static void count(const struct snapshot *s, struct verdict *v)
{
    for (uint32_t i = 0; i < v->n; i++) {
        switch (s->targets[i].status) {
        case TARGET_PASS: v->pass++; break;
        case TARGET_AT_RISK: v->at_risk++; break;
        case TARGET_FAIL: v->fail++; break;
        case TARGET_SKIPPED: v->skipped++; break;
        default: v->pending++; break;
        }
    }
}

void verdict_of(const struct snapshot *s, struct verdict *v)
{
    memset(v, 0, sizeof *v);
    v->saturated = s->saturated_seconds > 0;
    v->n = s->n_targets < SNAP_MAX_TARGETS ? s->n_targets : SNAP_MAX_TARGETS;
    if (v->n == 0)
        return;
    v->final = s->finished;
    v->failures_fail = (s->total.failures > 0 || s->n_exceptions > 0) && verdict_failures_judged(s);
    count(s, v);
    if (s->aborted)
        v->kind = VERDICT_ABORTED;
    else if (v->fail || v->failures_fail || (v->final && v->pending) || s->fatal[0])
        v->kind = VERDICT_FAIL;
    else if (v->at_risk)
        v->kind = VERDICT_AT_RISK;
    else
        v->kind = VERDICT_PASS;
}

bool verdict_passed(const struct snapshot *s)
{
    bool failures_ok = s->total.failures == 0 && s->n_exceptions == 0;

    if (s->aborted || s->fatal[0] || s->total.requests == 0)
        return false;                   /* a run that measured nothing does not pass */
    for (uint32_t i = 0; i < s->n_targets && i < SNAP_MAX_TARGETS; i++)
        if (s->targets[i].status == TARGET_FAIL || s->targets[i].status == TARGET_PENDING)
            return false;
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

void verdict_counts(const struct verdict *v, char *out, size_t n)
{
    size_t len = 0;

    if (n == 0)
        return;
    out[0] = '\0';
    add(out, n, &len, v->fail, "failing");
    if (v->final)
        add(out, n, &len, v->pending, "without data");
    add(out, n, &len, v->at_risk, "at risk");
    add(out, n, &len, v->pass, "passing");
    if (!v->final)
        add(out, n, &len, v->pending, "waiting for data");
    add(out, n, &len, v->skipped, "not judged");
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
