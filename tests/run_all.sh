#!/usr/bin/env bash
# Runs the tests: the cmocka unit/integration binaries (TAP output), the end-to-end scripts
# in tests/e2e/ and the fuzz targets' short run (which print TAP too), several at once, the
# longest first, so the wall time is about the longest suite's. Prints one line per suite in
# a fixed order (binaries, then scripts, each alphabetically, with its wall time) once all are
# done, the failures above them, and as its last line "N passed, N failed". Exit status 0
# only when nothing failed.
#
#   tests/run_all.sh            every suite
#   tests/run_all.sh --unit     the unit binaries only (make check): no engine, worker or HTTP
#                               target binary, no e2e script
# The suites of ALONE_TESTS (the Makefile's; the same default) measure what the machine can do
# and run after all the others, one at a time.
# HORNET_TEST_JOBS sets how many suites run at once (default 10: most of them wait on clocks
# and sockets, not on the CPU; 2 under the sanitizers, whose programs need 5-15 times the CPU:
# under ThreadSanitizer six at once overloaded the two cores until latency targets failed).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
export HORNET_BIN=${HORNET_BIN:-./hornet} HORNET_TARGET_BIN=${HORNET_TARGET_BIN:-./hornet-target}
if [ "${FLAVOR:-release}" != release ]; then
    HORNET_BIN=$BUILD/hornet HORNET_TARGET_BIN=$BUILD/hornet-target
fi
UNIT_ONLY=0
[ "${1:-}" = --unit ] && UNIT_ONLY=1
# Suites that drive real threads, sockets, processes and clocks: not part of --unit (the
# Makefile's SLOW_TESTS; run by hand, the same default).
SLOW_BINARIES=" ${SLOW_TESTS:-test_engine test_engine_open test_engine_rate test_worker test_target_http test_target_health test_locust_link test_fixture test_health_poll} "
ALONE_BINARIES=" ${ALONE_TESTS:-test_engine_rate} "
# ThreadSanitizer does not see libzmq's own synchronisation (tests/tsan.supp says why).
[ "${FLAVOR:-release}" = tsan ] &&
    export TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp ${TSAN_OPTIONS:-}"
JOBS=10
[ "${FLAVOR:-release}" = release ] || JOBS=2
JOBS=${HORNET_TEST_JOBS:-$JOBS}
log=$(mktemp -d /tmp/hornet-tests.XXXXXX)

names=() cmds=()
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] && [ -f "$t" ] || continue
    name=$(basename "$t")
    [ -f "tests/$name.c" ] || continue      # a binary left from a suite since removed
    [ "$UNIT_ONLY" = 1 ] && [[ "$SLOW_BINARIES" == *" $name "* ]] && continue
    names+=("$name"); cmds+=("$t")
done
if [ "$UNIT_ONLY" = 0 ]; then
    for t in tests/e2e/*.sh; do
        [ -x "$t" ] || continue
        names+=("$(basename "$t" .sh)"); cmds+=("$t")
    done
    names+=("fuzz_smoke"); cmds+=("tests/fuzz/smoke.sh")     # the fuzz targets, seed 1
fi

# run_suite NAME CMD: its output, exit status and wall time go to $log/NAME.{out,rc,time}
run_suite() {
    local name=$1 cmd=$2 limit=300 start rc
    [[ "$cmd" == *.sh ]] && limit=600
    start=$(date +%s%N)
    CMOCKA_MESSAGE_OUTPUT=TAP timeout "$limit" "$cmd" >"$log/$name.out" 2>&1
    rc=$?
    echo $(( ($(date +%s%N) - start) / 1000000 )) >"$log/$name.time"
    echo "$rc" >"$log/$name.rc"
}

# Start order: the e2e scripts and the slow binaries first (they set the wall time); the ones
# that need the machine to themselves last, alone.
order=() alone=()
for i in "${!names[@]}"; do
    if [[ "$ALONE_BINARIES" == *" ${names[$i]} "* ]]; then
        alone+=("$i")
    elif [[ "${cmds[$i]}" == *.sh || "$SLOW_BINARIES" == *" ${names[$i]} "* ]]; then
        order+=("$i")
    fi
done
for i in "${!names[@]}"; do
    [[ "${cmds[$i]}" == *.sh || "$SLOW_BINARIES" == *" ${names[$i]} "* ||
       "$ALONE_BINARIES" == *" ${names[$i]} "* ]] || order+=("$i")
done
running=0
for i in "${order[@]}"; do
    if [ "$running" -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
    run_suite "${names[$i]}" "${cmds[$i]}" &
    running=$((running + 1))
done
wait
for i in "${alone[@]}"; do
    run_suite "${names[$i]}" "${cmds[$i]}"
done

passed=0 failed=0
for name in "${names[@]}"; do      # count the TAP lines; a crash or no result is a failure
    out=$log/$name.out rc=$(cat "$log/$name.rc" 2>/dev/null || echo 1)
    ok=$(grep -cE '^ok [0-9]+' "$out")
    nok=$(grep -cE '^not ok [0-9]+' "$out")
    grep -E '^not ok' "$out" | sed "s/^/  $name: /"
    if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
        echo "  $name: exited with status $rc (see $out)"; nok=$((nok + 1))
    fi
    if [ "$ok" -eq 0 ] && [ "$nok" -eq 0 ]; then
        echo "  $name: produced no results"; nok=1
    fi
    ms=$(cat "$log/$name.time" 2>/dev/null || echo 0)
    printf '%-28s %4d passed %4d failed %6d.%01d s\n' "$name" "$ok" "$nok" \
        $((ms / 1000)) $((ms % 1000 / 100))
    passed=$((passed + ok)); failed=$((failed + nok))
done
echo "logs: $log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
