#!/usr/bin/env bash
# Runs the libFuzzer targets built by `make FLAVOR=fuzz fuzz-bin` (build/fuzz/fuzz/fuzz_*).
#   tests/fuzz/run.sh            each target for FUZZ_SECONDS (default 60) from the kept corpus
#                                (tests/fuzz/corpus/NAME, read only); new inputs go to
#                                build/fuzz/corpus/NAME, crashes to build/fuzz/crashes/NAME-*,
#                                the log to build/fuzz/NAME.log; FUZZ_JOBS (default 2) at once,
#                                at nice 19. Prints each target's executions, coverage and crashes.
#   tests/fuzz/run.sh --merge    replace each kept corpus by the smallest set of its inputs and
#                                the runs' that covers as much (libFuzzer's -merge=1), each cut
#                                to FUZZ_KEEP_LEN bytes (default 4096): the kept corpus stays
#                                small
#   tests/fuzz/run.sh --smoke    a short fixed-seed run of each target (make test), TAP output
# FUZZ_TARGETS="scenario csv" limits any mode to those targets.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=build/fuzz/fuzz
OUT=build/fuzz
SECONDS_EACH=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-2}
SMOKE_RUNS=${FUZZ_SMOKE_RUNS:-3000}
mode=${1:-run}

targets=()
for b in "$BIN"/fuzz_*; do
    [ -x "$b" ] || continue
    name=${b##*/fuzz_}
    if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then
        continue
    fi
    targets+=("$name")
done
if [ ${#targets[@]} -eq 0 ]; then
    echo "no fuzz targets in $BIN: make FLAVOR=fuzz fuzz-bin (needs clang and libclang-rt-dev)"
    [ "$mode" = --smoke ] && echo "not ok 1 - fuzz targets built"
    exit 1
fi

# run_one NAME: fuzz it for SECONDS_EACH; its summary line goes to $OUT/NAME.summary
run_one() {
    local name=$1 log=$OUT/$1.log
    mkdir -p "$OUT/corpus/$name" "$OUT/crashes"
    nice -n 19 "$BIN/fuzz_$name" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
        -artifact_prefix="$OUT/crashes/$name-" -timeout=10 -rss_limit_mb=2048 \
        "$OUT/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
    local rc=$? execs cov crashes
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    crashes=$(ls "$OUT/crashes/$name-"* 2>/dev/null | wc -l)
    printf '%-12s exit %d, %s executions in %s s, %s, %s crash files (%s)\n' "$name" "$rc" \
        "${execs:-?}" "$SECONDS_EACH" "${cov:-cov: ?}" "$crashes" "$log" >"$OUT/$name.summary"
}

merge_one() {
    local name=$1 tmp
    tmp=$(mktemp -d)
    mkdir -p "$OUT/corpus/$name" "tests/fuzz/corpus/$name"
    if "$BIN/fuzz_$name" -merge=1 -max_len="${FUZZ_KEEP_LEN:-4096}" "$tmp" \
        "tests/fuzz/corpus/$name" "$OUT/corpus/$name" >"$OUT/$name.merge.log" 2>&1; then
        rm -f "tests/fuzz/corpus/$name"/*
        cp "$tmp"/* "tests/fuzz/corpus/$name"/ 2>/dev/null
        echo "$name: $(ls "tests/fuzz/corpus/$name" | wc -l) inputs, $(du -sh "tests/fuzz/corpus/$name" | cut -f1)"
    else
        echo "$name: merge failed (see $OUT/$name.merge.log)"
    fi
    rm -rf "$tmp"
}

smoke() {
    local n=0 failed=0 name tmp log
    for name in "${targets[@]}"; do
        n=$((n + 1))
        tmp=$(mktemp -d)
        log=$(mktemp)
        if "$BIN/fuzz_$name" -seed=1 -runs="$SMOKE_RUNS" -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$tmp/" "$tmp" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
            echo "ok $n - fuzz_$name: the kept corpus and $SMOKE_RUNS runs from seed 1"
        else
            echo "not ok $n - fuzz_$name: crashed (seed 1)"
            grep -E 'ERROR|runtime error|SUMMARY' "$log" | head -5 | sed 's/^/#   /'
            failed=1
        fi
        rm -rf "$tmp" "$log"
    done
    return $failed
}

case "$mode" in
--smoke) smoke; exit $? ;;
--merge) for name in "${targets[@]}"; do merge_one "$name"; done; exit 0 ;;
esac
mkdir -p "$OUT"
running=0
for name in "${targets[@]}"; do
    if [ "$running" -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
    run_one "$name" &
    running=$((running + 1))
done
wait
cat "$OUT"/*.summary
! ls "$OUT"/crashes/* >/dev/null 2>&1
