#!/usr/bin/env bash
# End-to-end tests of hornet's outputs when the disk says no: output paths checked before any
# load (nothing left behind by a refused start), a report path equal to a CSV path refused,
# every requested output attempted on its own, exit code 4 when one could not be written, a
# history file that never ends mid-row, and log file errors reported once. Real filesystems:
# small tmpfs mounts, filled or made read-only while a run goes, in a private mount namespace
# (unshare -m, so nothing outlives the script; needs root, as `make test` runs). Runs are
# bounded by -t and use the embedded target on 127.0.0.1.
if [ -z "${HORNET_DISK_NS:-}" ]; then
    HORNET_DISK_NS=1 exec unshare -m --propagation private "$0" "$@"
    echo "not ok 1 - a private mount namespace (unshare -m needs root)"
    echo "1..1"
    exit 1
fi
source "$(dirname "$0")/lib.sh"
SCN=scenarios/deployments.json
FULL=$TMP/full RO=$TMP/ro RO2=$TMP/ro2 OK=$TMP/ok LOGS=$TMP/logs
mkdir -p "$FULL" "$RO" "$RO2" "$OK" "$LOGS"
mount -t tmpfs -o size=512k tmpfs "$FULL" && mount -t tmpfs -o size=64k tmpfs "$RO" &&
    mount -t tmpfs -o size=64k tmpfs "$RO2" && mount -o remount,ro "$RO" &&
    mount -t tmpfs -o size=16k tmpfs "$LOGS" ||
    { not_ok "mount the test filesystems"; echo "1..$n"; exit 1; }
CLEANUP='umount -l "$FULL" "$RO" "$RO2" "$LOGS" 2>/dev/null'
trap 'eval "$CLEANUP"; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
# complete_rows FILE COLUMNS: every line ends with CRLF and has COLUMNS cells
complete_rows() {
    [ -s "$1" ] && crlf "$1" && awk -F, -v c="$2" 'NF != c { bad = 1 } END { exit bad }' "$1"
}
# history_rows FILE: its data rows (0 when missing)
history_rows() { [ -f "$1" ] && echo $(( $(wc -l <"$1") - 1 )) || echo 0; }

# ---- refused before any load, nothing left behind
out=$($HORNET --headless -t 2s --csv "$OK/pre" --logfile "$OK/pre.log" --report "$RO/r.md" \
      --html "$OK/pre.html" $SCN 2>&1); rc=$?
check "a --report path in a read-only directory is refused with exit 2" [ "$rc" = 2 ]
check "... in one line that names it" \
    [ "$(wc -l <<<"$out")" = 1 -a "$(grep -c "$RO/r.md" <<<"$out")" = 1 ]
check "... before any load" [ "$(grep -c Ramping <<<"$out")" = 0 ]
check "... and nothing is left behind (no history, log or HTML file)" \
    [ -z "$(ls -A "$OK")" ]
out=$($HORNET --headless -t 2s --csv "$OK/same" --report "$OK/same_stats.csv" $SCN 2>&1); rc=$?
check "a --report path equal to a CSV file is refused with exit 2" \
    [ "$rc" = 2 -a "$(grep -c "same_stats.csv" <<<"$out")" = 1 ]
check "... and nothing is left behind" [ -z "$(ls -A "$OK")" ]
out=$($HORNET --headless -t 2s --csv "$OK/same" --junit "$OK/sub/../same_failures.csv" $SCN 2>&1)
rc=$?
check "a --junit path that is a CSV file by another spelling is refused with exit 2" [ "$rc" = 2 ]
out=$($HORNET --headless -t 2s --json-file "$RO/run" $SCN 2>&1); rc=$?
check "a --json-file in a read-only directory is refused with exit 2" \
    [ "$rc" = 2 -a "$(grep -c "$RO/run.json" <<<"$out")" = 1 ]
out=$($HORNET --headless -t 2s --report "$OK/x.md" --html "$OK/./x.md" $SCN 2>&1); rc=$?
check "the same file for --report and --html is refused with exit 2" [ "$rc" = 2 ]
mkdir "$OK/dir"
out=$($HORNET --headless -t 2s --csv "$OK/d" --html "$OK/dir" $SCN 2>&1); rc=$?
check "a directory as --html is refused with exit 2" [ "$rc" = 2 ]
rmdir "$OK/dir"
check "... and nothing is left behind" [ -z "$(ls -A "$OK")" ]
# the CSV files only some runs write (open model, corrected latencies) are checked as well
mkdir "$OK/open_arrivals.csv"
out=$($HORNET --headless -t 2s --arrival-rate 5 --csv "$OK/open" $SCN 2>&1); rc=$?
check "a directory where --csv's _arrivals.csv goes is refused with exit 2, before any load" \
    [ "$rc" = 2 -a "$(grep -c "open_arrivals.csv: Is a directory" <<<"$out")" = 1 \
      -a "$(grep -c Arrivals <<<"$out")" = 0 ]
rmdir "$OK/open_arrivals.csv"
out=$($HORNET --headless -t 2s --csv "$OK/open" --report "$OK/open_corrected.csv" $SCN 2>&1)
rc=$?
check "a --report path equal to --csv's _corrected.csv is refused with exit 2" \
    [ "$rc" = 2 -a "$(grep -c "is also the file of --csv" <<<"$out")" = 1 ]
check "... and nothing is left behind" [ -z "$(ls -A "$OK")" ]

# ---- a disk that fills during the run; another that turns read-only; a full one for the log
# (the fill comes after 10 history rows, about 2 s in: 8 s leave rows enough to need a new
# block of the full disk even when a busy machine makes the test see them late)
printf '%4095s\n' '' >"$LOGS/run.log"           # one whole page: every line needs a new one
dd if=/dev/zero of="$LOGS/filler" bs=4k 2>/dev/null
$HORNET --headless -u 5 -r 10 -t 8s --csv "$FULL/run" --csv-full-history \
    --logfile "$LOGS/run.log" --report "$OK/full.md" --html "$OK/full.html" $SCN \
    >"$TMP/full.out" 2>"$TMP/full.err" &
full_pid=$!
$HORNET --headless --only-summary -u 2 -r 10 -t 4s --csv "$OK/ro" --report "$RO2/r.md" \
    --html "$OK/ro.html" --json-file "$RO2/ro" --junit "$OK/ro.xml" $SCN \
    >"$TMP/ro.out" 2>"$TMP/ro.err" &
ro_pid=$!
CLEANUP="kill $full_pid $ro_pid 2>/dev/null; $CLEANUP"
wait_until 10 eval '[ "$(history_rows "$FULL/run_stats_history.csv")" -ge 10 ]'
dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null         # until No space left on device
mount -o remount,ro "$RO2"
rows_when_full=$(history_rows "$FULL/run_stats_history.csv")
wait "$full_pid"; rc=$?
check "a disk that fills during the run gives exit code 4 (got $rc)" [ "$rc" = 4 ]
for f in stats failures exceptions; do
    check "... writing run_$f.csv was tried and its error logged" \
        grep -q "cannot write $FULL/run_$f.csv: No space left on device" "$TMP/full.err"
done
check "... the reports on another disk are written" [ -s "$OK/full.md" -a -s "$OK/full.html" ]
check "... the history ends on a whole row ($rows_when_full rows when full)" \
    complete_rows "$FULL/run_stats_history.csv" 24
check "... its missing rows are reported" \
    grep -q "ERROR/hornet: cannot write $FULL/run_stats_history.csv: No space left on device" \
    "$TMP/full.err"
check "... once while the disk stays full" \
    [ "$(grep -c "cannot write $FULL/run_stats_history.csv" "$TMP/full.err")" -le 2 ]
check "... the log file's write error is reported once" \
    [ "$(grep -c "cannot write log file $LOGS/run.log: No space left on device" "$TMP/full.err")" = 1 ]
check "... and the summary says which outputs are missing" \
    grep -q "could not be written" "$TMP/full.err"
check "... no temporary file is left" [ -z "$(ls "$FULL" | grep '\.tmp$')" ]
wait "$ro_pid"; rc=$?
check "a report directory turned read-only gives exit code 4 (got $rc)" [ "$rc" = 4 ]
check "... and is reported" grep -q "cannot .* $RO2/r.md.*Read-only file system" "$TMP/ro.err"
check "... the HTML report, the JUnit file and the CSV files are still written" \
    [ -s "$OK/ro.html" -a -s "$OK/ro.xml" -a -s "$OK/ro_stats.csv" -a -s "$OK/ro_failures.csv" ]
check "... the --json-file in that directory is reported too" \
    grep -q "json-file: cannot .* $RO2/ro.json.*Read-only file system" "$TMP/ro.err"
echo "1..$n"
