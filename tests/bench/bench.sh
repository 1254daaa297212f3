#!/usr/bin/env bash
# hornet's performance benchmark. Never part of `make test`: it measures timing.
#
#   tests/bench/bench.sh [--quick | --full] [options]     (make bench / make bench-full)
#
# Side by side on loopback, one after the other in the same invocation, each for the same time
# and concurrency: hornet (headless, tests/bench/get.json: one GET, no think time), wrk, the
# libcurl floor (tests/bench/curl_floor.c: perform + poll, N reused easy handles) and Locust
# FastHttpUser (tests/bench/locustfile.py, when installed), against nginx returning a small
# JSON body. nginx runs pinned to CPU 1 (taskset), the generator to CPU 0.
#
# For each run: requests, requests/s, CPU user+sys of the generator process (wait4's rusage of
# the whole run; for Locust, /proc/PID/stat between two points of the steady part, with
# Locust's own request counts, so Python's start-up and the spawning are excluded), CPU-us per
# request, peak RSS (ru_maxrss = VmHWM) and the p50/p99 each tool reports. Each run is
# repeated (--reps) and the table shows medians. Then the ratios hornet/wrk,
# hornet/libcurl-floor and Locust/hornet at each user count, and the goals hornet is held to
# (CPU per request against the libcurl floor and Locust, memory per user, flat RSS, ...).
#
# Extra parts (all on in --full, each also alone with its option):
#   --memory     RSS per user at 10,000 users (burst.json against an external hornet-target)
#   --flatness   RSS after 1 minute and at the end of a steady run (3 min in --full; --soak:
#                10 min, the issue's goal)
#   --dashboard  the dashboard's extra CPU (the burst scenario, 30 s, headless vs. dashboard in
#                a detached tmux session); skipped while ./hornet has no dashboard (ui/)
#   --burst      scenarios/burst.json against the embedded target, both cores: steady rps
#   --instructions  user-space instructions per request of hornet and the libcurl floor at 100
#                connections under callgrind: deterministic (CPU time on a shared machine varies
#                by +-30% from one run to the next); the kernel's share is not counted
#   --health     backend-health polling (also in --quick): 5 Prometheus sources of 2,000 series
#                each (nginx), polled every second with 5 selectors each; hornet's extra CPU
#                (0 users: with the health block against without, in % of one core) and the
#                load's requests/s at 100 users with and without polling
#   --distributed  a master and 4 hornet workers (also in --quick): the master's CPU per worker
#                report and per reported endpoint, and the message sizes, for hornet's master
#                and Locust's (2.12.1), workers reporting 10 and 120 endpoints (10, 60 and 120
#                in --full; DIST_ENDPOINTS="..." and DIST_WINDOW=S in the environment change them)
#                every 3 s; tests/fixtures/fleet/tap.py relays and measures the frames
#
# Options: --duration S (seconds per run), --reps N, --users "100 1000", --tools LIST
# (comma list of hornet,hornet2,wrk,floor,locust), --no-install, --keep (keep the work dir),
# --out FILE (also write the report there), --help.
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH="$ROOT/tests/bench"
HORNET="$ROOT/hornet"
TARGET="$ROOT/hornet-target"
GEN_CPU=0
SRV_CPU=1

MODE=quick
DURATION=""
REPS=""
USERS="100 1000"
TOOLS="hornet,hornet2,wrk,floor,locust"
DO_MEMORY=0 DO_FLAT=0 DO_DASH=0 DO_BURST=0 DO_INSTR=0 DO_HEALTH=1 DO_DIST=0 SOAK=0 INSTALL=1
KEEP=0 OUT=""
DIST_ENDPOINTS=${DIST_ENDPOINTS:-"10 120"}     # a scenario names at most 128 endpoints
FLAT_MINUTES=3

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

while [ $# -gt 0 ]; do
    case "$1" in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    --duration) DURATION=$2; shift ;;
    --reps) REPS=$2; shift ;;
    --users) USERS=$2; shift ;;
    --tools) TOOLS=$2; shift ;;
    --memory) DO_MEMORY=1 ;;
    --flatness) DO_FLAT=1 ;;
    --soak) DO_FLAT=1; SOAK=1; FLAT_MINUTES=10 ;;
    --dashboard) DO_DASH=1 ;;
    --burst) DO_BURST=1 ;;
    --instructions) DO_INSTR=1 ;;
    --health) DO_HEALTH=1 ;;
    --no-health) DO_HEALTH=0 ;;
    --distributed) DO_DIST=1 ;;
    --no-install) INSTALL=0 ;;
    --keep) KEEP=1 ;;
    --out) OUT=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if [ "$MODE" = full ]; then
    DURATION=${DURATION:-20}; REPS=${REPS:-3}
    DO_MEMORY=1 DO_FLAT=1 DO_DASH=1 DO_BURST=1 DO_INSTR=1 DO_DIST=1
    DIST_ENDPOINTS=${DIST_ENDPOINTS:-"10 60 120"}
else
    DURATION=${DURATION:-5}; REPS=${REPS:-1}
    DO_DIST=1
fi

WORK=$(mktemp -d /tmp/hornet-bench.XXXXXX)
PIDS=()
NOTES=()
note() { NOTES+=("$*"); echo "note: $*"; }
say() { echo "== $*"; }

cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    [ "$KEEP" = 1 ] && echo "work dir kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- set-up ------------------------------------------------------------------------------

install_missing() {
    local want=() p
    command -v nginx >/dev/null || want+=(nginx-light)
    command -v wrk >/dev/null || want+=(wrk)
    command -v taskset >/dev/null || want+=(util-linux)
    if ! /usr/bin/python3 -c 'import locust' 2>/dev/null; then want+=(python3-locust); fi
    if ! /usr/bin/python3 -c 'import geventhttpclient' 2>/dev/null; then
        want+=(python3-geventhttpclient)
    fi
    [ ${#want[@]} -eq 0 ] && return 0
    if [ "$INSTALL" = 0 ]; then
        note "not installing ${want[*]} (--no-install)"
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        note "missing ${want[*]}; not root, so not installing (sudo apt-get install -y ${want[*]})"
        return 0
    fi
    say "installing ${want[*]}"
    for p in "${want[@]}"; do
        if ! apt-get install -y --no-install-recommends "$p" >"$WORK/apt.log" 2>&1; then
            apt-get update -qq >/dev/null 2>&1
            if ! apt-get install -y --no-install-recommends "$p" >"$WORK/apt.log" 2>&1; then
                [ "$p" = nginx-light ] &&
                    apt-get install -y --no-install-recommends nginx >"$WORK/apt.log" 2>&1 ||
                    note "apt-get install $p failed: $(tail -1 "$WORK/apt.log")"
            fi
        fi
    done
}

build_helpers() {
    local cc=${CC:-cc}
    mkdir -p "$WORK/bin"
    $cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -o "$WORK/bin/curl_floor" \
        "$BENCH/curl_floor.c" $(pkg-config --cflags --libs libcurl) || return 1
    $cc -O2 -std=c11 -Wall -Wextra -o "$WORK/bin/runstat" "$BENCH/runstat.c" || return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    local p
    for p in $(seq "$1" $(($1 + 200))); do
        port_free "$p" && { echo "$p"; return 0; }
    done
    return 1
}

wait_port() {
    local i
    for i in $(seq 100); do
        port_free "$1" || return 0
        sleep 0.05
    done
    return 1
}

start_nginx() {
    NGINX_PORT=$(free_port 28080) || return 1
    mkdir -p "$WORK/nginx"
    sed "s#@DIR@#$WORK/nginx#g; s#@PORT@#$NGINX_PORT#g" "$BENCH/nginx.conf.in" \
        >"$WORK/nginx/nginx.conf"
    taskset -c "$SRV_CPU" nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" \
        >"$WORK/nginx/stdout" 2>&1 &
    PIDS+=($!)
    wait_port "$NGINX_PORT" || { cat "$WORK/nginx/stdout" "$WORK/nginx/error.log"; return 1; }
    NGINX_URL="http://127.0.0.1:$NGINX_PORT"
}

# Start an external hornet-target pinned to the server CPU; sets TARGET_URL and TARGET_PID.
start_target() {
    local port
    port=$(free_port 28300) || return 1
    taskset -c "$SRV_CPU" "$TARGET" --port "$port" --quiet "$@" >"$WORK/target.out" 2>&1 &
    TARGET_PID=$!
    PIDS+=("$TARGET_PID")
    wait_port "$port" || { cat "$WORK/target.out"; return 1; }
    TARGET_URL="http://127.0.0.1:$port"
}

stop_target() {
    kill "$TARGET_PID" 2>/dev/null
    wait "$TARGET_PID" 2>/dev/null
}

# ---- parsing helpers ----------------------------------------------------------------------

calc() { awk "BEGIN { printf \"%.6f\", $* }"; }

# The runstat summary line of a file: "wall user sys maxrss".
rusage_of() {
    awk '/^runstat wall_s=/ {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        print v["wall_s"], v["user_s"], v["sys_s"], v["maxrss_kb"] }' "$1" | tail -1
}

# Milliseconds from wrk's "1.23ms" / "456.00us" / "1.20s".
wrk_ms() {
    awk -v x="$1" 'BEGIN {
        if (x ~ /us$/) { sub(/us$/, "", x); printf "%.3f", x / 1000 }
        else if (x ~ /ms$/) { sub(/ms$/, "", x); printf "%.3f", x }
        else if (x ~ /s$/) { sub(/s$/, "", x); printf "%.3f", x * 1000 }
        else print "-" }'
}

# The Aggregated row of a Locust-format stats CSV: "requests p50_ms p99_ms".
csv_aggregated() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
             $2 == "Aggregated" { print $col["Request Count"], $col["50%"], $col["99%"] }' "$1" |
        tr -d '\r'
}

# Requests at unix time t, interpolated in a "time count" series.
count_at() {
    awk -v t="$2" '{ if ($1 <= t) { t0 = $1; c0 = $2 } else if (!done) { t1 = $1; c1 = $2; done = 1 } }
        END { if (!done || t1 == t0) print c0; else printf "%.0f", c0 + (c1 - c0) * (t - t0) / (t1 - t0) }' "$1"
}

# ---- one run of each generator -------------------------------------------------------------
# Each prints one result line: "tool users requests seconds cpu_s maxrss_kb p50_ms p99_ms",
# seconds being the span the requests and CPU were counted over.

run_hornet() {
    local users=$1 threads=$2 tag=$3 f="$WORK/$3-$1-$RANDOM"
    "$WORK/bin/runstat" -- taskset -c "$GEN_CPU" "$HORNET" --headless --only-summary \
        --threads "$threads" -u "$users" -r 100000 -t "${DURATION}s" -H "$NGINX_URL" \
        --csv "$f" "$BENCH/get.json" >"$f.out" 2>"$f.err"
    local ru agg
    ru=$(rusage_of "$f.err"); agg=$(csv_aggregated "${f}_stats.csv")
    [ -n "$ru" ] && [ -n "$agg" ] || { echo "$tag $users - - - - - -"; return; }
    set -- $ru $agg
    echo "$tag $users $5 $DURATION $(calc "$2 + $3") $4 $6 $7"
}

run_wrk() {
    local users=$1 f="$WORK/wrk-$1-$RANDOM"
    "$WORK/bin/runstat" -- taskset -c "$GEN_CPU" wrk -t1 -c"$users" -d"${DURATION}s" \
        --latency "$NGINX_URL/" >"$f.out" 2>"$f.err"
    local req p50 p99 ru
    req=$(awk '/requests in/ { print $1 }' "$f.out")
    p50=$(wrk_ms "$(awk '$1 == "50%" { print $2 }' "$f.out")")
    p99=$(wrk_ms "$(awk '$1 == "99%" { print $2 }' "$f.out")")
    ru=$(rusage_of "$f.err")
    [ -n "$ru" ] && [ -n "$req" ] || { echo "wrk $users - - - - - -"; return; }
    set -- $ru
    echo "wrk $users $req $DURATION $(calc "$2 + $3") $4 $p50 $p99"
}

run_floor() {
    local users=$1 f="$WORK/floor-$1-$RANDOM"
    "$WORK/bin/runstat" -- taskset -c "$GEN_CPU" "$WORK/bin/curl_floor" "$NGINX_URL/" \
        "$users" "$DURATION" >"$f.out" 2>"$f.err"
    local kv req p50 p99 ru
    kv=$(tail -1 "$f.out")
    req=$(echo "$kv" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
    p50=$(echo "$kv" | sed -n 's/.*p50_us=\([0-9]*\).*/\1/p')
    p99=$(echo "$kv" | sed -n 's/.*p99_us=\([0-9]*\).*/\1/p')
    ru=$(rusage_of "$f.err")
    [ -n "$ru" ] && [ -n "$req" ] || { echo "floor $users - - - - - -"; return; }
    set -- $ru
    echo "floor $users $req $DURATION $(calc "$2 + $3") $4 $(calc "$p50 / 1000") \
$(calc "$p99 / 1000")"
}

# Locust: CPU and requests between two /proc samples of the steady part: the first taken
# 1 s + 20% of the run after Locust's first request count (its users spawn in the first
# second), the last one 0.5 s before its last count.
run_locust() {
    local users=$1 f="$WORK/locust-$1-$RANDOM" at=() k
    for k in $(seq 1 $((DURATION * 2 + 20))); do at+=(-s "$(calc "$k * 0.5")"); done
    BENCH_COUNTS="$f.counts" "$WORK/bin/runstat" "${at[@]}" -- taskset -c "$GEN_CPU" \
        /usr/bin/python3 "$(command -v locust)" -f "$BENCH/locustfile.py" --headless \
        -u "$users" -r "$users" -t "${DURATION}s" -H "$NGINX_URL" --only-summary \
        --csv "$f" >"$f.out" 2>"$f.err"
    local first last win
    first=$(awk 'NR == 1 { print $1 }' "$f.counts" 2>/dev/null)
    last=$(awk 'END { print $1 }' "$f.counts" 2>/dev/null)
    [ -n "$first" ] || { echo "locust $users - - - - - -"; return; }
    # "t cpu" of the two samples
    win=$(awk -v lo="$(calc "$first + 1 + 0.2 * $DURATION")" -v hi="$(calc "$last - 0.5")" '
        /^runstat sample/ { split($3, t, "="); split($4, c, "=");
            if (t[2] >= lo && t[2] <= hi) { if (!n++) { ta = t[2]; ca = c[2] } tb = t[2]; cb = c[2] } }
        END { if (n >= 2) print ta, ca, tb, cb }' "$f.err")
    [ -n "$win" ] || { echo "locust $users - - - - - -"; return; }
    set -- $win
    local ta=$1 ca=$2 tb=$3 cb=$4 c1 c2
    c1=$(count_at "$f.counts" "$ta"); c2=$(count_at "$f.counts" "$tb")
    set -- $(csv_aggregated "${f}_stats.csv")
    echo "locust $users $((c2 - c1)) $(calc "$tb - $ta") $(calc "$cb - $ca") \
$(rusage_of "$f.err" | cut -d' ' -f4) $2 $3"
}

# ---- the comparison table --------------------------------------------------------------------

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Medians per (tool, users) of the result lines in $WORK/results.
summarise() {
    local tool users
    : >"$WORK/medians"
    for users in $USERS; do
        for tool in hornet hornet2 wrk floor locust; do
            local rows
            rows=$(awk -v t="$tool" -v u="$users" '$1 == t && $2 == u && $3 != "-"' \
                "$WORK/results")
            [ -z "$rows" ] && continue
            local n req rps cpu us rss p50 p99
            n=$(echo "$rows" | wc -l)
            req=$(echo "$rows" | awk '{ print $3 }' | median)
            rps=$(echo "$rows" | awk '{ print $3 / $4 }' | median)
            cpu=$(echo "$rows" | awk '{ print $5 / $4 }' | median)
            us=$(echo "$rows" | awk '{ print $5 * 1e6 / $3 }' | median)
            rss=$(echo "$rows" | awk '{ print $6 / 1024 }' | median)
            p50=$(echo "$rows" | awk '{ print $7 }' | median)
            p99=$(echo "$rows" | awk '{ print $8 }' | median)
            echo "$tool $users $n $req $rps $cpu $us $rss $p50 $p99" >>"$WORK/medians"
        done
    done
}

label() {
    case "$1" in
    hornet) echo "hornet (1 thread)" ;;
    hornet2) echo "hornet (2 threads)" ;;
    wrk) echo "wrk (-t1)" ;;
    floor) echo "libcurl floor" ;;
    locust) echo "Locust FastHttpUser" ;;
    esac
}

print_table() {
    echo
    printf '| %-20s | %5s | %4s | %9s | %8s | %7s | %10s | %8s | %7s | %7s |\n' generator users \
        runs requests req/s "CPU/s" "CPU-us/req" "peak RSS" "p50 ms" "p99 ms"
    printf '|%s|\n' "----------------------|-------|------|-----------|----------|---------|------------|----------|---------|---------"
    while read -r tool users n req rps cpu us rss p50 p99; do
        printf '| %-20s | %5s | %4s | %9.0f | %8.0f | %7.2f | %10.1f | %5.1f MB | %7.2f | %7.2f |\n' \
            "$(label "$tool")" "$users" "$n" "$req" "$rps" "$cpu" "$us" "$rss" "$p50" "$p99"
    done <"$WORK/medians"
}

us_of() { awk -v t="$1" -v u="$2" '$1 == t && $2 == u { print $7 }' "$WORK/medians"; }

ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || echo "-"; }

# goal NAME VALUE OP LIMIT: prints whether VALUE OP LIMIT holds.
goal() {
    local verdict
    if [ "$2" = - ] || [ -z "$2" ]; then verdict="not measured"
    elif awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN {
        exit !(op == "<=" ? v <= l : op == "within" ? (v <= l && -v <= l) : v >= l) }'
    then verdict="met"; else verdict="NOT met"; fi
    printf '  %-58s %8s (goal %s %s): %s\n' "$1" "$2" "$3" "$4" "$verdict"
}

print_ratios() {
    local users h h2 w f l
    echo
    echo "Ratios of CPU-us per request (medians):"
    for users in $USERS; do
        h=$(us_of hornet "$users"); h2=$(us_of hornet2 "$users")
        w=$(us_of wrk "$users"); f=$(us_of floor "$users"); l=$(us_of locust "$users")
        printf '  %5s users: hornet/wrk %s, hornet/libcurl-floor %s, Locust/hornet %s' "$users" \
            "$(ratio "$h" "$w")" "$(ratio "$h" "$f")" "$(ratio "$l" "$h")"
        [ -n "$h2" ] && printf ', hornet 2 threads/libcurl-floor %s' "$(ratio "$h2" "$f")"
        echo
    done
    echo
    echo "Goals:"
    h=$(us_of hornet 100); f=$(us_of floor 100)
    goal "100 users: hornet / libcurl floor" "$(ratio "$h" "$f")" "<=" 1.10
    h=$(us_of hornet 1000); f=$(us_of floor 1000); h2=$(us_of hornet2 1000)
    goal "1000 users: hornet (1 thread) / libcurl floor" "$(ratio "$h" "$f")" "<=" 1.00
    [ -n "$h2" ] && goal "1000 users: hornet (2 threads) / libcurl floor" "$(ratio "$h2" "$f")" "<=" 1.00
    l=$(us_of locust 100); h=$(us_of hornet 100)
    goal "100 users: Locust FastHttpUser / hornet" "$(ratio "$l" "$h")" ">=" 7
    l=$(us_of locust 1000); h=$(us_of hornet 1000)
    [ -n "$l" ] && printf '  %-58s %8s (for information: Locust saturates its core)\n' \
        "1000 users: Locust FastHttpUser / hornet" "$(ratio "$l" "$h")"
}

# The summary table: CPU-us per request of each generator at 100 and 1000 connections.
print_summary_table() {
    local tool
    echo
    echo "| generator | CPU-µs per request | at 1000 connections |"
    echo "|---|---|---|"
    for tool in wrk floor locust hornet hornet2; do
        local a b
        a=$(us_of "$tool" 100); b=$(us_of "$tool" 1000)
        [ -z "$a$b" ] && continue
        printf '| %s | %s | %s |\n' "$(label "$tool")" "$(fmt1 "$a")" "$(fmt1 "$b")"
    done
}

fmt1() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { printf "%.1f", v }' || echo "-"; }

run_matrix() {
    local rep users tool
    : >"$WORK/results"
    for rep in $(seq "$REPS"); do
        for users in $USERS; do
            for tool in ${TOOLS//,/ }; do
                case "$tool" in
                hornet) run_hornet "$users" 1 hornet ;;
                hornet2) [ "$users" -ge 1000 ] && run_hornet "$users" 2 hornet2 ;;
                wrk) command -v wrk >/dev/null && run_wrk "$users" ;;
                floor) run_floor "$users" ;;
                locust) [ "$HAVE_LOCUST" = 1 ] && run_locust "$users" ;;
                esac
            done | tee -a "$WORK/results" | sed 's/^/   run: /'
        done
    done
}

# ---- extra parts ------------------------------------------------------------------------------

# RSS per user at 10,000 users: burst.json against an external hornet-target (two descriptors
# per user with the embedded one would pass the 20,000 open-file limit).
part_memory() {
    local users=10000 f="$WORK/mem" base peak
    say "memory: $users users (scenarios/burst.json, external hornet-target on CPU $SRV_CPU)"
    start_target || { note "memory: hornet-target did not start"; return; }
    "$WORK/bin/runstat" -- "$HORNET" --headless --only-summary -u 0 -t 3s -H "$TARGET_URL" \
        "$ROOT/scenarios/burst.json" >/dev/null 2>"$f.0"
    base=$(rusage_of "$f.0" | cut -d' ' -f4)
    "$WORK/bin/runstat" -r 1 -- "$HORNET" --headless --only-summary -u "$users" -r 1000 \
        -t 30s -H "$TARGET_URL" --csv "$f" "$ROOT/scenarios/burst.json" >"$f.out" 2>"$f.err"
    stop_target
    # RSS over the last 10 s (all users running), as the peak of those samples
    peak=$(grep '^runstat rss' "$f.err" | tail -12 | head -10 |
        sed 's/.*rss_kb=//' | sort -n | tail -1)
    local running
    running=$(awk -F, '$4 == "Aggregated" && $2 + 0 > u { u = $2 + 0 } END { print u }' \
        "${f}_stats_history.csv")
    MEM_PER_USER=$(awk -v p="$peak" -v b="$base" -v u="$users" 'BEGIN { printf "%.1f", (p - b) / u }')
    echo "  RSS with 0 users (peak of a 3 s run): $base kB; with $users users (last 10 s): $peak kB"
    echo "  most users running (stats history): ${running:-?}; $(grep -E '^ +Aggregated' "$f.out" |
        head -1 | awk '{ print $2 " requests, " $3 " failures" }')"
    echo "  => $MEM_PER_USER kB per user"
}

# RSS flatness: the burst scenario (1000 users) against an external hornet-target.
part_flatness() {
    local secs=$((FLAT_MINUTES * 60)) f="$WORK/flat" r1 r2
    say "flatness: RSS after 1 minute and after $FLAT_MINUTES minutes (1000 users, burst.json)"
    [ "$SOAK" = 0 ] && note "flatness ran $FLAT_MINUTES minutes, not the goal's 10 (use --soak)"
    start_target || { note "flatness: hornet-target did not start"; return; }
    "$WORK/bin/runstat" -r 5 -- taskset -c "$GEN_CPU" "$HORNET" --headless --only-summary \
        -u 1000 -r 1000 -t "${secs}s" -H "$TARGET_URL" "$ROOT/scenarios/burst.json" \
        >"$f.out" 2>"$f.err"
    stop_target
    # the highest RSS sampled within 15 s around minute 1, and in the last 30 s of the run
    # (RSS moves within a band as the heap churns; the envelope is what must stay flat)
    r1=$(awk '/^runstat rss/ { split($3, a, "="); split($4, b, "="); if (!t0) t0 = a[2];
        if (a[2] - t0 >= 45 && a[2] - t0 <= 75 && b[2] > m) m = b[2] } END { print m }' "$f.err")
    r2=$(awk '/^runstat rss/ { split($3, a, "="); split($4, b, "="); t[NR] = a[2]; v[NR] = b[2]; n = NR }
        END { for (i = 1; i <= n; i++) if (t[i] >= t[n] - 30 && v[i] > m) m = v[i]; print m }' \
        "$f.err")
    FLAT_PCT=$(awk -v a="$r1" -v b="$r2" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')
    echo "  RSS around 1 min (peak of 45-75 s): $r1 kB; in the last 30 s: $r2 kB => ${FLAT_PCT}%"
    echo "  RSS every 30 s (kB): $(awk '/^runstat rss/ && ++k % 6 == 0 { sub(/rss_kb=/, "", $4); printf "%s ", $4 }' "$f.err")"
}

has_dashboard() { compgen -G "$ROOT/ui/*.c" >/dev/null; }

# The burst scenario for 30 s headless, then with the dashboard in a detached tmux session.
part_dashboard() {
    local f="$WORK/dash" h d
    if ! has_dashboard; then
        note "dashboard: skipped, ./hornet has no dashboard yet (no ui/ sources)"
        return
    fi
    if ! command -v tmux >/dev/null; then note "dashboard: skipped, no tmux"; return; fi
    say "dashboard: burst.json 30 s headless, then with the dashboard (tmux, detached)"
    "$WORK/bin/runstat" -- "$HORNET" --headless --only-summary -t 30s --csv "$f-h" \
        "$ROOT/scenarios/burst.json" >/dev/null 2>"$f-h.err"
    tmux -L hornet-bench new-session -d -x 200 -y 50 \
        "'$WORK/bin/runstat' -- '$HORNET' -t 30s --csv '$f-d' '$ROOT/scenarios/burst.json' 2>'$f-d.err'"
    local i
    for i in $(seq 90); do
        grep -q '^runstat wall' "$f-d.err" 2>/dev/null && break
        [ "$i" = 45 ] && tmux -L hornet-bench send-keys q y 2>/dev/null
        sleep 1
    done
    tmux -L hornet-bench kill-server 2>/dev/null
    h=$(rusage_of "$f-h.err"); d=$(rusage_of "$f-d.err")
    if [ -z "$d" ]; then note "dashboard: the dashboard run did not finish"; return; fi
    local hr dr
    hr=$(csv_aggregated "$f-h_stats.csv" | cut -d' ' -f1); dr=$(csv_aggregated "$f-d_stats.csv" | cut -d' ' -f1)
    DASH_PCT=$(echo "$h $d $hr $dr" | awk '{ a = ($2 + $3) / $9; b = ($6 + $7) / $10;
        printf "%.2f", (b - a) * 100 / a }')
    echo "$h $hr" | awk '{ printf "  headless:  %.2f s CPU, %d requests\n", $2 + $3, $5 }'
    echo "$d $dr" | awk '{ printf "  dashboard: %.2f s CPU, %d requests\n", $2 + $3, $5 }'
    echo "  => the dashboard adds ${DASH_PCT}% CPU per request"
}

# The burst scenario against the embedded target, both cores shared: rps while 1000 users run.
part_burst() {
    local f="$WORK/burst"
    say "burst: scenarios/burst.json, embedded target, 60 s (ramp 10 s), both cores"
    "$WORK/bin/runstat" -- "$HORNET" --headless --only-summary -t 60s --csv "$f" \
        "$ROOT/scenarios/burst.json" >"$f.out" 2>"$f.err"
    # Aggregated history rows: time, users, cumulative requests; from 3 s after the 1000th user
    BURST_RPS=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $(c["Name"]) == "Aggregated" && $(c["User Count"]) + 0 >= 1000 {
            t = $(c["Timestamp"]); n = $(c["Total Request Count"]);
            if (!s) s = t + 3; if (t >= s) { if (!t0) { t0 = t; n0 = n } t1 = t; n1 = n } }
        END { if (t1 > t0) printf "%.0f", (n1 - n0) / (t1 - t0); else print "-" }' \
        "${f}_stats_history.csv")
    echo "  steady requests/s with 1000 users: $BURST_RPS"
    grep -E '^ +Aggregated' "$f.out" | head -1
}

# ---- backend health --------------------------------------------------------------------------

# The page each source serves: 2,000 series in 5 families (HELP and TYPE lines, labels, a
# histogram's buckets), about 140 kB, as a busy exporter's.
write_metrics_page() {
    awk 'BEGIN {
        print "# HELP bench_requests_total Requests by route and status."
        print "# TYPE bench_requests_total counter"
        for (i = 0; i < 600; i++)
            printf "bench_requests_total{route=\"/api/v1/r%03d/\",status=\"%d\"} %d\n", i / 3, 200 + (i % 3) * 100, i * 37
        print "# HELP bench_pool_connections Connections by database and state."
        print "# TYPE bench_pool_connections gauge"
        for (i = 0; i < 400; i++)
            printf "bench_pool_connections{datname=\"db%02d\",state=\"%s\"} %d\n", i / 8, (i % 2 ? "idle" : "active"), i % 17
        print "# HELP bench_latency_seconds Latency by view."
        print "# TYPE bench_latency_seconds histogram"
        for (i = 0; i < 600; i++)
            printf "bench_latency_seconds_bucket{view=\"v%03d\",le=\"%s\"} %d\n", i / 12, (i % 12 == 11 ? "+Inf" : sprintf("%g", 0.005 * 2 ^ (i % 12))), i
        print "# HELP bench_queue_length Tasks waiting by queue."
        print "# TYPE bench_queue_length gauge"
        for (i = 0; i < 200; i++)
            printf "bench_queue_length{queue_name=\"q%03d\"} %d\n", i, i % 5
        print "# HELP bench_process_cpu_seconds_total CPU by worker."
        print "# TYPE bench_process_cpu_seconds_total counter"
        for (i = 0; i < 200; i++)
            printf "bench_process_cpu_seconds_total{worker=\"w%03d\"} %.2f\n", i, i * 1.5
    }' >"$WORK/nginx/metrics.prom"
}

# A health block of 5 sources at /metrics1 .. /metrics5, 5 selectors each, every second.
write_health_scenario() {
    local k q='\"'
    {
        echo '{"name": "Bench GET with health", "users": 100, "spawn_rate": 100000,'
        echo ' "user_classes": [{"name": "GetUser", "wait": {"constant": 0},'
        echo '   "tasks": [{"name": "get", "steps": [{"method": "GET", "path": "/"}]}]}],'
        echo ' "health": {"interval": "1s", "sources": {'
        for k in 1 2 3 4 5; do
            [ "$k" -gt 1 ] && echo ','
            echo "  \"s$k\": {\"type\": \"prometheus\", \"url\": \"$NGINX_URL/metrics$k\", \"metrics\": {"
            echo "    \"active $k\": {\"query\": \"bench_pool_connections{state=${q}active${q}}\", \"limit\": \"< 100000\"},"
            echo "    \"db07 $k\": \"bench_pool_connections{datname=${q}db07${q}}\","
            echo "    \"5xx $k\": {\"query\": \"bench_requests_total{status=~${q}5..${q}}\", \"rate\": true},"
            echo "    \"queues $k\": \"bench_queue_length{queue_name=~${q}q0[0-4].${q}}\","
            echo "    \"cpu $k\": {\"query\": \"bench_process_cpu_seconds_total\", \"rate\": true}}}"
        done
        echo '}}}'
    } >"$WORK/health.json"
}

# One hornet run for the health part: "cpu_s requests health_rows".
health_run() {
    local f="$WORK/health-$1-$RANDOM" users=$2 scenario=$3
    "$WORK/bin/runstat" -- taskset -c "$GEN_CPU" "$HORNET" --headless --only-summary \
        --threads 1 -u "$users" -r 100000 -t "${DURATION}s" -H "$NGINX_URL" --csv "$f" \
        "$scenario" >"$f.out" 2>"$f.err"
    local ru req rows=0
    ru=$(rusage_of "$f.err")
    req=$(csv_aggregated "${f}_stats.csv" | cut -d' ' -f1)
    [ -f "${f}_health.csv" ] && rows=$(($(wc -l <"${f}_health.csv") - 1))
    set -- $ru
    echo "$(calc "$2 + $3") ${req:-0} $rows"
}

part_health() {
    local rep idle0 idle1 load0 load1 a b polls
    say "health: 5 sources x 2,000 series, polled every second; ${DURATION} s runs, $REPS each"
    write_metrics_page
    write_health_scenario
    echo "  page: $(grep -vc '^#' "$WORK/nginx/metrics.prom") series, $(wc -c <"$WORK/nginx/metrics.prom") bytes"
    : >"$WORK/health-results"
    for rep in $(seq "$REPS"); do
        echo "idle0 $(health_run idle0 0 "$BENCH/get.json")" >>"$WORK/health-results"
        echo "idle1 $(health_run idle1 0 "$WORK/health.json")" >>"$WORK/health-results"
        echo "load0 $(health_run load0 100 "$BENCH/get.json")" >>"$WORK/health-results"
        echo "load1 $(health_run load1 100 "$WORK/health.json")" >>"$WORK/health-results"
    done
    med() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$WORK/health-results" | median; }
    idle0=$(med idle0 2); idle1=$(med idle1 2)
    load0=$(med load0 3); load1=$(med load1 3)
    polls=$(med idle1 4)
    HEALTH_CPU_PCT=$(calc "($idle1 - $idle0) * 100 / $DURATION")
    a=$(calc "$load0 / $DURATION"); b=$(calc "$load1 / $DURATION")
    HEALTH_RPS_PCT=$(calc "($b - $a) * 100 / $a")
    printf '  0 users, %s s: %.3f s CPU without health, %.3f s with (%s samples in the health CSV)\n' \
        "$DURATION" "$idle0" "$idle1" "$polls"
    printf '  => polling costs %.2f%% of one core\n' "$HEALTH_CPU_PCT"
    printf '  100 users: %.0f requests/s without polling, %.0f with (%+.1f%%)\n' "$a" "$b" \
        "$HEALTH_RPS_PCT"
}

# Instructions (callgrind's Ir) of one command; its output goes to $2.out.
callgrind_ir() {
    local out=$1; shift
    (cd "$WORK" && valgrind --tool=callgrind --callgrind-out-file="$out.cg" "$@" \
        >"$out.out" 2>"$out.err")
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out.err" | tail -1
}

part_instructions() {
    local f="$WORK/instr" floor_ir floor_req h_ir h0_ir h_req
    say "instructions per request under callgrind, 100 connections, 10 s each"
    command -v valgrind >/dev/null || { note "valgrind not installed: --instructions skipped"; return; }
    floor_ir=$(callgrind_ir "$f-floor" "$WORK/bin/curl_floor" "$NGINX_URL/" 100 10)
    floor_req=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' "$f-floor.out")
    h_ir=$(callgrind_ir "$f-hornet" "$HORNET" --headless --only-summary --threads 1 -u 100 \
        -r 100000 -t 10s -H "$NGINX_URL" --csv "$f-hornet" "$BENCH/get.json")
    h_req=$(csv_aggregated "$f-hornet_stats.csv" | cut -d' ' -f1)
    # hornet idle for the same 10 s (control and worker timers, start-up): not per request
    h0_ir=$(callgrind_ir "$f-idle" "$HORNET" --headless --only-summary --threads 1 -u 0 \
        -r 100000 -t 10s -H "$NGINX_URL" "$BENCH/get.json")
    FLOOR_IPR=$(calc "$floor_ir / $floor_req")
    HORNET_IPR=$(calc "($h_ir - $h0_ir) / $h_req")
    printf '  libcurl floor: %d instructions/request (%s requests)\n' "${FLOOR_IPR%.*}" "$floor_req"
    printf "  hornet:        %d instructions/request (%s requests; %s instructions/s idle)\n" \
        "${HORNET_IPR%.*}" "$h_req" "$(calc "$h0_ir / 10" | cut -d. -f1)"
    INSTR_RATIO=$(ratio "$HORNET_IPR" "$FLOOR_IPR")
}

# ---- distributed: a master's cost ----------------------------------------------------------

# A scenario of one user class whose task GETs the health route under E names (/e/1 .. /e/E),
# then waits: each user reports every endpoint in every second.
dist_scenario() {
    local e=$1 i
    {
        printf '{"name": "fleet bench %s endpoints", "user_classes": [{"name": "EUser",\n' "$e"
        printf '  "wait": {"constant": 0.9}, "tasks": [{"name": "all", "steps": [\n'
        for i in $(seq "$e"); do
            printf '    {"method": "GET", "path": "/api/v1/health/", "name": "/e/%d"}%s\n' \
                "$i" "$([ "$i" -lt "$e" ] && echo ,)"
        done
        printf '  ]}]}]}\n'
    } >"$WORK/dist-$e.json"
}

# CPU time of a process in ns, its threads summed (/proc/PID/task/*/schedstat: the scheduler's
# own accounting, ns-precise where /proc/PID/stat counts 10 ms ticks).
proc_cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }

# stats messages the tap relayed so far (from its JSON).
tap_stats() {
    /usr/bin/python3 -c 'import json, sys
try: print(json.load(open(sys.argv[1]))["sizes"].get("stats", [0])[0])
except Exception: print(0)' "$1"
}

# One run: kind (hornet | locust) with endpoints E (0: the workers run no user, their reports
# are empty: the idle master); appends "kind E reports cpu_s" to $WORK/dist.rows and keeps the
# tap's JSON as $WORK/dist-KIND-E.json.
dist_run() {
    local kind=$1 e=$2 mport tport tap mpid t0 t1 r0 r1 i run_s=$((DIST_WARM + DIST_WINDOW + 6))
    local users=$(($2 > 0 ? 4 : 0)) scn=$WORK/dist-$(($2 > 0 ? $2 : 1)).json
    local workers
    local f="$WORK/dist-$kind-$e"
    mport=$(free_port 29100) tport=$(free_port 29400)
    if [ "$kind" = hornet ]; then
        taskset -c "$GEN_CPU" "$HORNET" --master --headless --only-summary --expect-workers 4 \
            --master-bind-host 127.0.0.1 --master-bind-port "$mport" -u "$users" -r 4 \
            -t "${run_s}s" "$scn" >"$f.master.out" 2>&1 &
    else
        "$HORNET" locustfile "$scn" >"$f.py"
        taskset -c "$GEN_CPU" locust -f "$f.py" --master --headless \
            --expect-workers 4 -u "$users" -r 4 -t "${run_s}s" --master-bind-host 127.0.0.1 \
            --master-bind-port "$mport" --only-summary >"$f.master.out" 2>&1 &
    fi
    mpid=$!
    PIDS+=("$mpid")
    /usr/bin/python3 "$ROOT/tests/fixtures/fleet/tap.py" "$tport" "$mport" "$f.json" \
        2>"$f.tap.err" &
    PIDS+=($!)
    tap=$!
    workers=()
    for i in 1 2 3 4; do
        taskset -c "$SRV_CPU" "$HORNET" --worker --master-port "$tport" -H "$TARGET_URL" \
            --threads 1 "$scn" >"$f.w$i.out" 2>&1 &
        PIDS+=($!)
        workers+=($!)
    done
    for i in $(seq 300); do             # the four workers' first reports came through
        [ "$(tap_stats "$f.json")" -ge 4 ] && break
        sleep 0.1
    done
    sleep "$DIST_WARM"
    t0=$(proc_cpu_ns "$mpid"); r0=$(tap_stats "$f.json")
    sleep "$DIST_WINDOW"
    t1=$(proc_cpu_ns "$mpid"); r1=$(tap_stats "$f.json")
    wait "$mpid" 2>/dev/null
    for i in $(seq 100); do             # the workers quit with their master
        kill -0 "${workers[@]}" 2>/dev/null || break
        sleep 0.1
    done
    kill "$tap" "${workers[@]}" 2>/dev/null
    wait "$tap" "${workers[@]}" 2>/dev/null
    echo "$kind $e $((r1 - r0)) $(calc "($t1 - $t0) / 1e9")" >>"$WORK/dist.rows"
}

# The master alone (no worker connects: its timers and snapshots) over the window; appends
# "kind -1 0 cpu_s" to $WORK/dist.rows.
dist_base() {
    local kind=$1 mport mpid t0 t1 i f="$WORK/dist-$1-base"
    mport=$(free_port 29100)
    if [ "$kind" = hornet ]; then
        taskset -c "$GEN_CPU" "$HORNET" --master --headless --only-summary --expect-workers 4 \
            --master-bind-host 127.0.0.1 --master-bind-port "$mport" -u 0 "$WORK/dist-1.json" \
            >"$f.out" 2>&1 &
    else
        "$HORNET" locustfile "$WORK/dist-1.json" >"$f.py"
        taskset -c "$GEN_CPU" locust -f "$f.py" --master --headless --expect-workers 4 -u 0 \
            --master-bind-host 127.0.0.1 --master-bind-port "$mport" >"$f.out" 2>&1 &
    fi
    mpid=$!
    PIDS+=("$mpid")
    sleep "$((DIST_WARM + 2))"                  # Python's start-up is over
    t0=$(proc_cpu_ns "$mpid")
    sleep "$DIST_WINDOW"
    t1=$(proc_cpu_ns "$mpid")
    kill "$mpid" 2>/dev/null
    wait "$mpid" 2>/dev/null
    echo "$kind -1 0 $(calc "($t1 - $t0) / 1e9")" >>"$WORK/dist.rows"
}

# size KIND E TYPE [2]: mean bytes of the messages of TYPE in that run (2: the largest)
dist_size() {
    /usr/bin/python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["sizes"].get(sys.argv[2])
print((s[2] if sys.argv[3] == "2" else round(s[1] / s[0])) if s else "-")' \
        "$WORK/dist-$1-$2.json" "$3" "${4:-1}" 2>/dev/null || echo -
}

part_distributed() {
    local e kind
    DIST_WARM=3 DIST_WINDOW=${DIST_WINDOW:-$([ "$MODE" = full ] && echo 30 || echo 12)}
    say "distributed: a master and 4 hornet workers (1 user each, every endpoint once a second),"
    echo "   reports every 3 s; the master's CPU over ${DIST_WINDOW} s of steady state; endpoints: $DIST_ENDPOINTS"
    if [ "$HAVE_LOCUST" = 0 ] && ! command -v locust >/dev/null; then
        note "Locust not installed: the distributed part measures hornet's master only"
    fi
    start_target --no-latency || { note "hornet-target did not start: no distributed part"; return; }
    : >"$WORK/dist.rows"
    dist_scenario 1
    dist_base hornet
    command -v locust >/dev/null && dist_base locust
    for e in 0 $DIST_ENDPOINTS; do
        [ "$e" -gt 0 ] && dist_scenario "$e"
        dist_run hornet "$e"
        command -v locust >/dev/null && dist_run locust "$e"
    done
    stop_target
    echo "  (endpoints -1: no worker connected; 0: 4 workers that run no user; ms/report: the CPU"
    echo "   above that idle master's, over the reports)"
    printf '  %-7s %9s %7s %8s %7s %10s %12s %10s %12s\n' master endpoints reports "CPU ms" \
        "CPU %" "ms/report" "stats bytes" "largest" "heartbeat B"
    while read -r kind e reports cpu; do
        idle=$(awk -v k="$kind" '$1 == k && $2 == 0 { print $4 }' "$WORK/dist.rows")
        printf '  %-7s %9s %7s %8.1f %7.2f %10s %12s %10s %12s\n' "$kind" "$e" "$reports" \
            "$(calc "$cpu * 1000")" "$(calc "$cpu * 100 / $DIST_WINDOW")" \
            "$([ "$e" -gt 0 ] && calc "($cpu - $idle) * 1000 / $reports" | cut -c1-6 || echo -)" \
            "$(dist_size "$kind" "$e" stats)" "$(dist_size "$kind" "$e" stats 2)" \
            "$(dist_size "$kind" "$e" heartbeat)"
    done <"$WORK/dist.rows"
    dist_capacity
}

# A master's costs: alone (base), per connected worker (its heartbeats and empty reports:
# (idle - base) / 4 workers, per second), per report of E endpoints above that (a + b * E ms,
# least squares over the runs with users); and what one core handles at one report per worker
# every 3 s: W = (1 - base) / (worker share + (a + b * E) / 3000 ms).
dist_capacity() {
    local kind
    for kind in hornet locust; do
        awk -v k="$kind" -v win="$DIST_WINDOW" '$1 == k && $2 == -1 { base = $4 }
            $1 == k && $2 == 0 { idle = $4 }
            $1 == k && $2 > 0 && $3 > 0 { n++; x[n] = $2; c[n] = $4; r[n] = $3 }
            END {
                if (n < 2) exit;
                for (i = 1; i <= n; i++) { y = (c[i] - idle) * 1000 / r[i];
                    sx += x[i]; sy += y; sxx += x[i] * x[i]; sxy += x[i] * y }
                b = (n * sxy - sx * sy) / (n * sxx - sx * sx); a = (sy - b * sx) / n;
                if (b < 0) b = 0; if (a < 0) a = 0;
                w = (idle - base) / 4 / win; if (w < 0) w = 0; free = 1 - base / win;
                printf "  => %s master: alone %.3f%% of a core; %.4f%% per connected worker;", k, 100 * base / win, 100 * w
                printf " %.3f ms per report + %.4f ms per reported endpoint\n", a, b
                printf "     one core at 3 s reports: %d workers of 10 endpoints, %d of 100, %d of 1000\n",
                    free / (w + (a + 10 * b) / 3000), free / (w + (a + 100 * b) / 3000),
                    free / (w + (a + 1000 * b) / 3000) }' "$WORK/dist.rows"
    done
}

# ---- main ---------------------------------------------------------------------------------------

main() {
    say "hornet benchmark ($MODE: ${DURATION}s per run, $REPS run(s) each, users: $USERS)"
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
    echo "hornet: $("$HORNET" --version 2>/dev/null | head -1)"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (modified)')"
    [ -x "$HORNET" ] && [ -x "$TARGET" ] || { echo "build hornet first (make)"; exit 1; }
    [ "$(nproc)" -ge 2 ] || { GEN_CPU=0; SRV_CPU=0; note "one CPU: generator and server share it"; }
    install_missing
    command -v nginx >/dev/null || { echo "bench.sh: nginx is required"; exit 1; }
    command -v wrk >/dev/null || note "wrk not installed: its rows are skipped"
    HAVE_LOCUST=0
    if command -v locust >/dev/null && /usr/bin/python3 -c 'import locust, geventhttpclient' 2>/dev/null
    then HAVE_LOCUST=1; else note "Locust (python3-locust, python3-geventhttpclient) not installed: its rows are skipped"; fi
    build_helpers || { echo "bench.sh: cannot build the helpers"; exit 1; }
    start_nginx || { echo "bench.sh: nginx did not start"; exit 1; }
    echo "nginx on $NGINX_URL (CPU $SRV_CPU), generators on CPU $GEN_CPU"
    echo "$(ulimit -n) open files allowed"
    run_matrix
    summarise
    print_table
    print_summary_table
    print_ratios
    echo "  (CPU = user+sys of the generator process over its whole run from wait4, which includes"
    echo "   its start-up; for Locust, between two /proc samples of the steady part: excluded)"
    MEM_PER_USER=- FLAT_PCT=- DASH_PCT=- BURST_RPS=- INSTR_RATIO=- HEALTH_CPU_PCT=-
    HEALTH_RPS_PCT=-
    [ "$DO_MEMORY" = 1 ] && part_memory
    [ "$DO_FLAT" = 1 ] && part_flatness
    [ "$DO_DASH" = 1 ] && part_dashboard
    [ "$DO_BURST" = 1 ] && part_burst
    [ "$DO_INSTR" = 1 ] && part_instructions
    [ "$DO_HEALTH" = 1 ] && part_health
    [ "$DO_DIST" = 1 ] && part_distributed
    if [ "$DO_MEMORY$DO_FLAT$DO_DASH$DO_BURST$DO_INSTR$DO_HEALTH" != 000000 ]; then
        echo
        echo "Goals, continued:"
        [ "$DO_MEMORY" = 1 ] && goal "RSS per user at 10,000 users (kB)" "$MEM_PER_USER" "<=" 40
        [ "$DO_FLAT" = 1 ] && goal "RSS change from 1 to $FLAT_MINUTES minutes (%)" "$FLAT_PCT" within 2
        [ "$DO_DASH" = 1 ] && goal "dashboard extra CPU per request (%)" "$DASH_PCT" "<=" 3
        [ "$DO_BURST" = 1 ] && goal "burst.json rps with 1000 users, embedded target" "$BURST_RPS" ">=" 15000
        [ "$DO_INSTR" = 1 ] && goal "100 users: hornet / floor, user-space instructions" "$INSTR_RATIO" "<=" 1.10
        [ "$DO_HEALTH" = 1 ] && goal "health polling, 5 x 2,000 series each second (% of a core)" "$HEALTH_CPU_PCT" "<=" 1
        [ "$DO_HEALTH" = 1 ] && printf '  %-58s %8s (for information: the machine varies by +-30%%)\n' \
            "requests/s with polling against without (%)" "$HEALTH_RPS_PCT"
    fi
    if [ ${#NOTES[@]} -gt 0 ]; then
        echo
        echo "Notes:"
        printf '  - %s\n' "${NOTES[@]}"
    fi
}

[ -n "$OUT" ] && exec > >(tee "$OUT") 2>&1
main
