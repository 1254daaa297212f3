#!/usr/bin/env bash
# Runs every test: the cmocka unit/integration binaries (TAP output) and the end-to-end scripts
# in tests/e2e/ (which print TAP too). Prints each result and, as its last line,
# "N passed, N failed". Exit status 0 only when nothing failed.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
export HORNET_BIN=${HORNET_BIN:-./hornet} HORNET_TARGET_BIN=${HORNET_TARGET_BIN:-./hornet-target}
if [ "${FLAVOR:-release}" != release ]; then
    HORNET_BIN=$BUILD/hornet HORNET_TARGET_BIN=$BUILD/hornet-target
fi
passed=0 failed=0
log=$(mktemp -d /tmp/hornet-tests.XXXXXX)

count() {   # count TAP lines of one suite; a suite that crashed or printed nothing is a failure
    local name=$1 out=$2 rc=$3 ok nok
    ok=$(grep -cE '^ok [0-9]+' "$out")
    nok=$(grep -cE '^not ok [0-9]+' "$out")
    grep -E '^not ok' "$out" | sed "s/^/  $name: /"
    if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
        echo "  $name: exited with status $rc (see $out)"; nok=$((nok + 1))
    fi
    if [ "$ok" -eq 0 ] && [ "$nok" -eq 0 ]; then
        echo "  $name: produced no results"; nok=1
    fi
    printf '%-28s %4d passed %4d failed\n' "$name" "$ok" "$nok"
    passed=$((passed + ok)); failed=$((failed + nok))
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    CMOCKA_MESSAGE_OUTPUT=TAP timeout 300 "$t" >"$log/$name.out" 2>&1
    count "$name" "$log/$name.out" $?
done
for t in tests/e2e/*.sh; do
    [ -x "$t" ] || continue
    name=$(basename "$t" .sh)
    timeout 600 "$t" >"$log/$name.out" 2>&1
    count "$name" "$log/$name.out" $?
done
echo "logs: $log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
