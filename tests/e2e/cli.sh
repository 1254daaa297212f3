#!/usr/bin/env bash
# End-to-end tests of the hornet command line: options, errors and exit codes, headless runs
# against the embedded and an external target, the four CSV files, Ctrl-C and SIGTERM.
# Every run is bounded (-t or a signal) and talks to 127.0.0.1 only; the runs go at once.
source "$(dirname "$0")/lib.sh"
LOCUST_STATS_HEADER='Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%'
LOCUST_HISTORY_HEADER='Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size'

# ---- options and errors
out=$($HORNET --version 2>&1); rc=$?
check "--version prints the version" [ "$rc" = 0 -a "${out#hornet }" != "$out" ]
out=$($HORNET --help 2>&1); rc=$?
check "--help lists the options" grep -q -- "--spawn-rate" <<<"$out"
out=$($HORNET --userz 5 scenarios/deployments.json 2>&1); rc=$?
check "an unknown option exits 2 with a did-you-mean" [ "$rc" = 2 -a "$(grep -c 'did you mean --users' <<<"$out")" = 1 ]
out=$($HORNET --headless -u -5 scenarios/deployments.json 2>&1); rc=$?
check "negative users exit 2 with one line" [ "$rc" = 2 -a "$(wc -l <<<"$out")" = 1 ]
out=$($HORNET --headless -t 0 scenarios/deployments.json 2>&1); rc=$?
check "a zero run time exits 2" [ "$rc" = 2 ]
out=$($HORNET --headless -r 0 scenarios/deployments.json 2>&1); rc=$?
check "a zero spawn rate exits 2" [ "$rc" = 2 ]
out=$($HORNET --headless -t 2s "$TMP/none.json" 2>&1); rc=$?
check "a missing scenario file exits 2" [ "$rc" = 2 ]
sed 's/"method": "PATCH"/"method": "PATCHY"/' scenarios/deployments.json > "$TMP/broken.json"
out=$($HORNET --headless -t 2s "$TMP/broken.json" 2>&1); rc=$?
check "a broken scenario exits 2 with file:line:col and the JSON path" \
    grep -qE "broken.json:[0-9]+:[0-9]+: user_classes\[0\]\.tasks\[3\]\.steps\[0\]\.method: \"PATCHY\" is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS" <<<"$out"
check "... and before any load started" [ "$rc" = 2 -a "$(grep -c 'Ramping' <<<"$out")" = 0 ]
out=$($HORNET --headless -u 15000 -r 100 -t 1s scenarios/burst.json 2>&1); rc=$?
check "more users than descriptors allow is refused clearly" \
    [ "$rc" = 2 -a "$(grep -c 'file descriptors.*Lower -u, or raise' <<<"$out")" = 1 ]
out=$($HORNET --headless --arrival-rate 5 --max-users 50000 -t 1s scenarios/deployments.json 2>&1)
rc=$?
check "... a pool too: the advice names --max-users" \
    [ "$rc" = 2 -a "$(grep -c 'file descriptors.*Lower -u, --max-users' <<<"$out")" = 1 ]

# ---- the runs, all at once (each bounded by -t or a signal); their checks follow in order
$TARGET --port 0 --quiet --seed 3 >"$TMP/target.out" 2>"$TMP/target.err" &
tpid=$!
$HORNET --headless -u 30 -r 30 -t 5s --csv "$TMP/run" scenarios/deployments.json \
    >"$TMP/run.out" 2>"$TMP/run.err" &
run_pid=$!
cat > "$TMP/fail.json" <<'JSON'
{"name": "failing", "users": 2, "spawn_rate": 10, "user_classes": [{"name": "U", "wait": {"constant": 0.1},
 "tasks": [{"name": "nope", "steps": [{"method": "GET", "path": "/api/v1/nope/"}]}]}]}
JSON
$HORNET --headless --only-summary -t 2s --csv "$TMP/fail" "$TMP/fail.json" >"$TMP/fail.out" 2>&1 &
fail_pid=$!
$HORNET --headless --only-summary -t 1s --exit-code-on-error 7 "$TMP/fail.json" >/dev/null 2>&1 &
fail7_pid=$!
for sig in INT TERM; do
    $HORNET --headless --only-summary -u 20 -r 20 -t 60s --csv "$TMP/sig$sig" \
        scenarios/deployments.json >/dev/null 2>&1 &
    eval "sig${sig}_pid=$!"
done
HORNET_USERS=3 HORNET_SPAWN_RATE=10 $HORNET --headless --only-summary -t 2s --csv "$TMP/env" \
    scenarios/deployments.json >/dev/null 2>&1 &
env_pid=$!
$HORNET --headless --only-summary -u 10 -r 10 -t 3s -T negative --csv "$TMP/tag" \
    scenarios/deployments.json >/dev/null 2>&1 &
tag_pid=$!
CLEANUP="kill $tpid $run_pid $fail_pid $fail7_pid $sigINT_pid $sigTERM_pid $env_pid $tag_pid 2>/dev/null"
target_port() { grep -oE '127\.0\.0\.1:[0-9]+' "$TMP/target.out" "$TMP/target.err" | head -1 | cut -d: -f3; }
wait_until 5 eval '[ -n "$(target_port)" ]'
port=$(target_port)
$HORNET --headless --only-summary -u 20 -r 20 -t 4s -s 10 -H "http://127.0.0.1:$port" --csv "$TMP/ext" \
    scenarios/cab_approvals.json >/dev/null 2>&1 &
ext_pid=$!
# history rows with requests counted: the users are running
counting() { awk -F, '$4 == "Aggregated" && $18 > 0' "$1" 2>/dev/null | grep -q .; }

# ---- a headless run against the embedded target
wait "$run_pid"; rc=$?
check "a headless deployments run exits 0" [ "$rc" = 0 ]
check "it says it started the built-in target" grep -q "started the built-in target API at http://127.0.0.1:" "$TMP/run.err"
for f in stats stats_history failures exceptions; do
    check "run_$f.csv is written with CRLF" crlf "$TMP/run_$f.csv"
done
check "stats.csv has Locust's header" [ "$(head -1 "$TMP/run_stats.csv" | tr -d '\r')" = "$LOCUST_STATS_HEADER" ]
check "stats_history.csv has Locust's header" [ "$(head -1 "$TMP/run_stats_history.csv" | tr -d '\r')" = "$LOCUST_HISTORY_HEADER" ]
check "failures.csv has Locust's header" [ "$(head -1 "$TMP/run_failures.csv" | tr -d '\r')" = "Method,Name,Error,Occurrences" ]
check "exceptions.csv has Locust's header" [ "$(head -1 "$TMP/run_exceptions.csv" | tr -d '\r')" = "Count,Message,Traceback,Nodes" ]
check "Aggregated is the last row" grep -q "^,Aggregated," <<<"$(tail -1 "$TMP/run_stats.csv")"
total=$(csv_cell "$TMP/run_stats.csv" Aggregated 3)
sum=$(awk -F, 'NR > 1 && $2 != "Aggregated" { s += $3 } END { print s }' "$TMP/run_stats.csv")
check "Aggregated counts every request ($total)" [ -n "$total" -a "$total" = "$sum" -a "${total:-0}" -gt 100 ]
check "no request failed" [ "$(csv_cell "$TMP/run_stats.csv" Aggregated 4)" = 0 ]
unknown=$(csv_cell "$TMP/run_stats.csv" "/api/v1/deployments/[unknown]/" 3)
check "expected 404s count as successes ($unknown)" [ "${unknown:-0}" -gt 0 -a "$(csv_cell "$TMP/run_stats.csv" "/api/v1/deployments/[unknown]/" 4)" = 0 ]
check "captured ids are read back without failures" [ "$(csv_cell "$TMP/run_stats.csv" "/api/v1/deployments/[id]/" 4)" = 0 ]
check "the expected 404s are reported apart on the console" grep -q "GET /api/v1/deployments/\[unknown\]/: HTTP 404 Not Found" "$TMP/run.out"
last=$(tail -1 "$TMP/run_stats_history.csv" | tr -d '\r' | cut -d, -f18)
check "the last history row has the final count" [ "$last" = "$total" ]
check "the percentile table is printed" grep -q "Response time percentiles (approximated)" "$TMP/run.out"

# ---- exit codes on failures
wait "$fail_pid"; rc=$?
check "failures give exit code 1" [ "$rc" = 1 ]
check "failures.csv lists the failure" grep -q '^GET,/api/v1/nope/,HTTP 404 Not Found,[0-9]' "$TMP/fail_failures.csv"
check "--only-summary prints the table once" [ "$(grep -c '^ *Aggregated' "$TMP/fail.out")" = 2 ]
wait "$fail7_pid"; rc=$?
check "--exit-code-on-error changes it" [ "$rc" = 7 ]

# ---- an external target: hornet's counts equal the server's
wait "$ext_pid"; rc=$?
check "a run against -H exits 0" [ "$rc" = 0 ]
served=$(curl -s "http://127.0.0.1:$port/api/v1/_stats/" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["total"] - d.get("routes", {}).get("stats", {}).get("total", 0))' 2>/dev/null)
counted=$(csv_cell "$TMP/ext_stats.csv" Aggregated 3)
# the scenario's setup and preflight: counted apart, in _fixtures.csv
fixtures=$(awk -F, 'NR > 1 { n += $4 } END { print n + 0 }' "$TMP/ext_fixtures.csv" 2>/dev/null)
check "hornet counted what the server served ($counted + $fixtures = $served)" \
    [ -n "$counted" -a "$((counted + fixtures))" = "$served" ]
kill $tpid 2>/dev/null; wait $tpid 2>/dev/null

# ---- Ctrl-C and SIGTERM still write complete final files
for sig in INT TERM; do
    eval "pid=\$sig${sig}_pid"
    wait_until 20 counting "$TMP/sig${sig}_stats_history.csv"
    stop_run "$pid" "$sig"; rc=$?
    check "SIG$sig stops the run with exit 0" [ "$rc" = 0 ]
    total=$(csv_cell "$TMP/sig${sig}_stats.csv" Aggregated 3)
    last=$(tail -1 "$TMP/sig${sig}_stats_history.csv" | tr -d '\r' | cut -d, -f18)
    check "SIG$sig: the final stats and history agree ($total)" [ "${total:-0}" -gt 0 -a "$total" = "$last" ]
done

# ---- precedence: environment over the scenario
wait "$env_pid"
peak=$(awk -F, 'NR > 1 && $2 > m { m = $2 } END { print m }' "$TMP/env_stats_history.csv")
check "HORNET_USERS sets the user count ($peak)" [ "$peak" = 3 ]

# ---- tags
wait "$tag_pid"
rows=$(awk -F, 'NR > 1 && $2 != "Aggregated" { print $2 }' "$TMP/tag_stats.csv" | sort -u | tr '\n' ' ')
check "-T runs only the tagged tasks (and on_start): $rows" \
    [ "$rows" = "/api/v1/auth/token/ /api/v1/deployments/ /api/v1/deployments/[unknown]/ " ]
# ---- -L DEBUG traces the first requests of the run (--debug-requests, default 50)
$HORNET --headless -L DEBUG -u 2 -r 2 -t 3s --seed 7 --csv "$TMP/dbg" scenarios/deployments.json \
    >"$TMP/dbg.out" 2>"$TMP/dbg.err"; rc=$?
traced=$(grep -cE '/DEBUG/hornet: request [0-9]+/50: DeploymentUser, ' "$TMP/dbg.err")
total=$(csv_cell "$TMP/dbg_stats.csv" Aggregated 3)
check "-L DEBUG: a short run exits 0" [ "$rc" = 0 ]
check "-L DEBUG: every request of a short run is traced ($traced of $total)" \
    [ "${total:-0}" -gt 2 -a "$traced" = "$total" ]
check "-L DEBUG: ... with its status" \
    [ "$(grep -cE '^    < [0-9]{3} [A-Z]' "$TMP/dbg.err")" = "$traced" ]
check "-L DEBUG: ... its captures" grep -qE '^    capture dep_id = "[0-9a-f-]{36}"$' "$TMP/dbg.err"
check "-L DEBUG: ... its checks" grep -qE '^    check json\.[a-z]+ .*: passed$' "$TMP/dbg.err"
check "-L DEBUG: ... and how it counted" \
    [ "$(grep -cE '^    result: success' "$TMP/dbg.err")" = "$traced" ]
check "-L DEBUG: the token is masked" \
    [ "$(grep -c '^    capture token = \*\*\* (40 bytes)$' "$TMP/dbg.err")" = 2 -a \
      "$(grep -c '> Authorization: Token \*\*\*$' "$TMP/dbg.err")" -gt 0 -a \
      "$(grep -cE 'Token [0-9a-f]{8}|"password":"[^*]' "$TMP/dbg.err")" = 0 ]
check "-L DEBUG: tracing has not stopped (fewer than 50 requests)" \
    [ "$(grep -c 'Request tracing stopped' "$TMP/dbg.err")" = 0 ]
HORNET_DEBUG_REQUESTS=5 $HORNET --headless -L DEBUG -u 2 -r 2 -t 3s scenarios/deployments.json \
    >"$TMP/dbg5.out" 2>"$TMP/dbg5.err"; rc=$?
check "-L DEBUG with HORNET_DEBUG_REQUESTS=5 traces 5 requests" \
    [ "$rc" = 0 -a "$(grep -cE '/DEBUG/hornet: request [1-5]/5: ' "$TMP/dbg5.err")" = 5 ]
check "... then says tracing stopped, last" \
    [ "$(grep '/DEBUG/' "$TMP/dbg5.err" | tail -1 | sed 's/.*DEBUG\/hornet: //')" = \
      "Request tracing stopped after 5 requests (--debug-requests 5)" ]
$HORNET --headless --only-summary -u 2 -r 2 -t 1s --debug-requests 5 scenarios/deployments.json \
    >/dev/null 2>"$TMP/info.err"
check "without -L DEBUG nothing is traced" [ "$(grep -c 'DEBUG' "$TMP/info.err")" = 0 ]
out=$($HORNET --headless --debug-requests 10001 scenarios/deployments.json 2>&1); rc=$?
check "--debug-requests beyond 10000 is refused" \
    [ "$rc" = 2 -a "$(grep -c 'debug-requests' <<<"$out")" = 1 ]

# ---- the open model: --arrival-rate turns a shipped scenario open
$HORNET --headless --only-summary --arrival-rate 50 --max-users 200 -t 4s --csv "$TMP/open" \
    scenarios/deployments.json >"$TMP/open.out" 2>"$TMP/open.err"; rc=$?
check "--arrival-rate on a shipped scenario exits 0" [ "$rc" = 0 ]
check "... 50 iterations a second for 4 s: 200 started, none dropped" \
    grep -q "^Arrivals: 200 due, 200 started, 0 dropped (0.00%)" "$TMP/open.out"
check "... the console adds the corrected percentiles" \
    grep -q "^Response time percentiles corrected for coordinated omission" "$TMP/open.out"
check "... PREFIX_corrected.csv has stats.csv's header" \
    [ "$(head -1 "$TMP/open_corrected.csv" | tr -d '\r')" = "$LOCUST_STATS_HEADER" ]
check "... and its request counts" \
    [ "$(csv_cell "$TMP/open_corrected.csv" Aggregated 3)" = "$(csv_cell "$TMP/open_stats.csv" Aggregated 3)" ]
achieved=$(awk -F, 'NR > 1 { n += $3 } END { print n }' "$TMP/open_arrivals.csv")
check "... PREFIX_arrivals.csv: a row a second, 200 achieved in all ($achieved)" \
    [ "$(head -1 "$TMP/open_arrivals.csv" | tr -d '\r')" = \
      "Timestamp,Asked,Achieved,Dropped,Busy Users,User Count" -a "$achieved" = 200 ]
check "... the throughput target is not judged (the load is not the scenario's)" \
    grep -qE "^rps 50\.\.100 +steady +skipped" "$TMP/open.out"
$HORNET report "$TMP/open" >/dev/null 2>&1; rc=$?
check "hornet report rebuilds an open run's report ($rc)" [ "$rc" = 0 ]
check "... with the corrected latencies beside the service times" \
    grep -q "| Median service | Median corrected |" "$TMP/open_report.md"
check "... and the arrivals from PREFIX_arrivals.csv" \
    grep -q "200 asked, 200 started, 0 dropped" "$TMP/open_report.md"
echo "garbage" >>"$TMP/open_arrivals.csv"
out=$($HORNET report "$TMP/open" 2>&1); rc=$?
check "hornet report refuses a broken PREFIX_arrivals.csv with exit 2, naming its line ($rc)" \
    [ "$rc" = 2 -a "$(grep -c 'open_arrivals.csv:[0-9]*: expected Timestamp' <<<"$out")" = 1 ]
out=$($HORNET --headless --max-users 5 -t 1s scenarios/deployments.json 2>&1); rc=$?
check "--max-users without arrivals is refused" \
    [ "$rc" = 2 -a "$(grep -c 'max-users: sizes the pool' <<<"$out")" = 1 ]
out=$($HORNET --headless --arrival-rate -3 scenarios/deployments.json 2>&1); rc=$?
check "a negative --arrival-rate is refused" [ "$rc" = 2 ]
out=$($HORNET --headless --worker --master-host 127.0.0.1 --arrival-rate 10 \
    scenarios/deployments.json 2>&1); rc=$?
check "--arrival-rate with --worker is refused before anything runs" \
    [ "$rc" = 2 -a "$(grep -c 'runs on one machine: a Locust master dispatches users' <<<"$out")" = 1 \
      -a "$(grep -c 'Preflight' <<<"$out")" = 0 ]
out=$($HORNET --headless --master --expect-workers 1 \
    tests/fixtures/scenarios/valid/burst_open.json 2>&1); rc=$?
check "a scenario's arrivals with --master are refused" \
    [ "$rc" = 2 -a "$(grep -c "the scenario's arrivals) runs on one machine" <<<"$out")" = 1 ]
echo "1..$n"
