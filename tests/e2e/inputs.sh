#!/usr/bin/env bash
# Hostile inputs, end to end: files that never end or block (a device, a FIFO), a binary
# config file, templates past their bounds, and control characters (ESC, BEL, C1 CSI) in
# option names, paths, scenario names and response values. Each is refused quickly with a
# located message, or printed escaped on the console, in the log and in both reports.
source "$(dirname "$0")/lib.sh"
ESC=$'\033'

# no_controls FILE...: no ESC, BEL or C1 CSI (UTF-8 c2 9b) byte in the files
no_controls() { ! LC_ALL=C grep -q $'[\033\007]\|\xc2\x9b' "$@"; }

# ---- files that never end or block: refused at once, exit 2
start=$SECONDS
out=$(HORNET_CONFIG=/dev/zero $HORNET --headless -t 1s scenarios/deployments.json 2>&1); rc=$?
check "HORNET_CONFIG=/dev/zero is refused (exit 2)" [ "$rc" = 2 ]
check "... saying it is not a regular file" \
    grep -q "HORNET_CONFIG: cannot read '/dev/zero': not a regular file (a device)" <<<"$out"
mkfifo "$TMP/rows.csv"
cat >"$TMP/fifo.json" <<'JSON'
{"feeders": {"rows": {"file": "rows.csv"}}, "user_classes": [{"name": "U", "tasks": [{"steps": [
 {"method": "GET", "path": "/api/v1/health/?u=${rows.name}"}]}]}]}
JSON
out=$(timeout 20 $HORNET --headless -t 1s "$TMP/fifo.json" 2>&1); rc=$?
check "a FIFO as a feeder is refused (exit 2), not waited on" [ "$rc" = 2 ]
check "... with the feeder's place in the file" \
    grep -q "fifo.json:1:31: feeders.rows.file: cannot read .*rows.csv: not a regular file (a FIFO)" <<<"$out"
out=$(timeout 20 $HORNET --headless -t 1s "$TMP/rows.csv" 2>&1); rc=$?
check "a FIFO as the scenario is refused (exit 2)" [ "$rc" = 2 ]
check "the three took under 5 s" [ $((SECONDS - start)) -lt 5 ]

# ---- a binary config file: refused, nothing of it echoed raw
printf 'users = 2\n\177ELF\002\001\001\000\000\033]0;owned\007\n' >"$TMP/bin.conf"
out=$($HORNET --headless --config "$TMP/bin.conf" scenarios/deployments.json 2>&1); rc=$?
check "a binary config file is refused (exit 2)" [ "$rc" = 2 ]
check "... as not a text file, with its line" grep -q "bin.conf:2: not a text file" <<<"$out"
printf 'users = 2\n\033]0;owned\007 = 1\n' >"$TMP/esc.conf"
$HORNET --headless --config "$TMP/esc.conf" scenarios/deployments.json >"$TMP/esc.out" 2>&1
check "a config key with escapes is echoed escaped" \
    grep -q "unknown option '\\\\x1b\]0;owned\\\\x07'" "$TMP/esc.out"
check "... and no control character reaches the terminal" no_controls "$TMP/esc.out"

# ---- control characters on the command line
$HORNET --headless "--users${ESC}[2J" 5 scenarios/deployments.json >"$TMP/opt.out" 2>&1
check "an option name with an escape: refused, printed escaped" \
    grep -q 'x1b\[2J' "$TMP/opt.out"
$HORNET --headless "$TMP/a${ESC}]0;owned$'\007'.json" >>"$TMP/opt.out" 2>&1
check "a scenario path with escapes: printed escaped" no_controls "$TMP/opt.out"

# ---- templates past their bounds: refused when the file loads, located
python3 - "$TMP/big.json" <<'PY'
import sys
ids = ",\n".join('"${uuid}${uuid}"' for _ in range(5001))
open(sys.argv[1], "w").write('{"user_classes": [{"name": "U", "tasks": [{"steps": [\n'
    '{"method": "POST", "path": "/", "json": {"ids": [\n' + ids + ']}}]}]}]}\n')
PY
out=$($HORNET --headless -t 1s "$TMP/big.json" 2>&1); rc=$?
check "10,002 expressions in one body are refused (exit 2)" [ "$rc" = 2 ]
check "... where the bound is passed" \
    grep -q 'big.json:5003:1: user_classes\[0\]\.tasks\[0\]\.steps\[0\]\.json\.ids\[5000\]: more than 10000' <<<"$out"
cat >"$TMP/randstr.json" <<'JSON'
{"user_classes": [{"name": "U", "tasks": [{"steps": [{"method": "GET",
 "path": "/${randstr(65536)}${randstr(65536)}", "headers": {"X-Big": "${randstr(65536)}"}}]}]}]}
JSON
sed -i 's|"X-Big": "\${randstr(65536)}"|"X-Big": "'"$(printf '${randstr(65536)}%.0s' $(seq 257))"'"|' "$TMP/randstr.json"
out=$($HORNET --headless -t 1s "$TMP/randstr.json" 2>&1); rc=$?
check "a header that renders more than 16 MB is refused (exit 2)" \
    [ "$rc" = 2 -a "$(grep -c 'renders more than 16 MB' <<<"$out")" = 1 ]

# ---- control characters from the scenario and the responses: escaped in every output
cat >"$TMP/esc.json" <<'JSON'
{"name": "esc\u001b]0;owned\u0007", "users": 2, "spawn_rate": 10,
 "user_classes": [{"name": "U", "wait": {"constant": 0.1}, "tasks": [{"name": "t", "steps": [
  {"method": "GET", "path": "/api/v1/health/", "name": "health\u001b[2J\u00c2\u009b",
   "checks": [{"json": "status", "equals": "\u001b[31mred"}]}]}]}]}
JSON
$HORNET --headless -t 2s --csv "$TMP/esc" --report "$TMP/esc.md" --html "$TMP/esc.html" \
    "$TMP/esc.json" >"$TMP/esc_run.out" 2>"$TMP/esc_run.err"; rc=$?
check "the run with escapes in its names fails its checks (exit 1)" [ "$rc" = 1 ]
check "the console shows the name escaped" grep -q 'health\\x1b\[2J' "$TMP/esc_run.out"
check "... and the failure text quotes the expected value JSON-escaped" \
    grep -q 'check failed: json.status == "\\u001b\[31mred" (got "ok")' "$TMP/esc_run.out"
check "no control character on the console or in the log" \
    no_controls "$TMP/esc_run.out" "$TMP/esc_run.err"
check "none in the Markdown and HTML reports" no_controls "$TMP/esc.md" "$TMP/esc.html"
check "the reports show the name escaped" \
    [ "$(grep -c 'health\\x1b\[2J' "$TMP/esc.md")" -gt 0 -a \
      "$(grep -c 'health\\x1b\[2J' "$TMP/esc.html")" -gt 0 ]
check "the CSV files keep the names as they came (Locust's format)" \
    grep -q "health${ESC}\[2J" "$TMP/esc_stats.csv"
echo "1..$n"
