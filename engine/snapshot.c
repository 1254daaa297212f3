/* snapshot: constants shared by every reader of snapshots. No state. */
#include <stdio.h>
#include "snapshot.h"

const double snapshot_pcts[SNAP_PCT_COUNT] = {
    0.50, 0.66, 0.75, 0.80, 0.90, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0
};

const char *const snapshot_pct_labels[SNAP_PCT_COUNT] = {
    "50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"
};

const uint32_t snapshot_dist_bounds_ms[SNAP_DIST_BUCKETS - 1] = {
    10, 20, 50, 100, 200, 500, 1000
};

const char *run_state_name(enum run_state s)
{
    switch (s) {
    case RUN_READY: return "ready";
    case RUN_SPAWNING: return "spawning";
    case RUN_RUNNING: return "running";
    case RUN_PAUSED: return "paused";
    case RUN_STOPPING: return "stopping";
    case RUN_STOPPED: return "stopped";
    }
    return "unknown";
}

void snapshot_format_target(uint8_t metric, double v, char *out, size_t n)
{
    if (metric == TARGET_SUCCESS_RATE || metric == TARGET_FAILURE_RATE)
        snprintf(out, n, "%.2f%%", v * 100.0);
    else if (metric == TARGET_RPS)
        snprintf(out, n, "%.1f/s", v);
    else if (v >= 1000.0)
        snprintf(out, n, "%.2f s", v / 1000.0);
    else
        snprintf(out, n, "%.0f ms", v);
}
