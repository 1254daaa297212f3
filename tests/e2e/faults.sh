#!/usr/bin/env bash
# Fault injection, end to end: hornet headless against a hostile server
# (tests/e2e/hostile_server.py, 127.0.0.1) that resets, closes after the headers, answers
# garbage, an endless chunked body, 64 MB bodies, 400 kB of headers, stalls, drips, redirects
# in a loop or answers 503 to everything. For each: the exit code, the failures counted with
# their texts, and complete final CSV files. The runs go at once, each bounded by -t.
source "$(dirname "$0")/lib.sh"

# Two servers: the 64 MB bodies keep one busy (Python's threads share one lock).
for s in main big; do
    : >"$TMP/server_$s.out"
    python3 tests/e2e/hostile_server.py --lifetime 90 >"$TMP/server_$s.out" 2>/dev/null &
    eval "server_$s=$!"
done
CLEANUP="kill $server_main $server_big 2>/dev/null"
wait_until 10 grep -q '^port ' "$TMP/server_main.out"
wait_until 10 grep -q '^port ' "$TMP/server_big.out"
port=$(sed -n 's/^port //p' "$TMP/server_main.out")
port_big=$(sed -n 's/^port //p' "$TMP/server_big.out")
check "the hostile servers are up" [ -n "$port" -a -n "$port_big" ]

# scenario MODE TIMEOUT [STEP_EXTRA]: one user class, one GET of /MODE
scenario() {
    cat >"$TMP/$1.json" <<JSON
{"name": "$1", "timeout": "$2", "user_classes": [{"name": "U", "wait": {"constant": 0.05},
 "tasks": [{"name": "t", "steps": [{"method": "GET", "path": "/$1"${3:+, $3}}]}]}]}
JSON
}

# run MODE SECONDS [PORT]: hornet headless against a server, its outputs under $TMP/MODE*
run() {
    $HORNET --headless --only-summary -u 3 -r 100 -t "$2" -H "http://127.0.0.1:${3:-$port}" \
        --csv "$TMP/$1" "$TMP/$1.json" >"$TMP/$1.out" 2>"$TMP/$1.err" &
    eval "pid_$1=$!"
}

# The ones that must time out get 1 s, the others 10 s: a loaded machine is no failure.
modes="reset close_headers garbage endless_chunked huge_body huge_headers stall drip
       redirect_loop storm"
for m in $modes; do
    case $m in
    endless_chunked|stall|drip) scenario "$m" 1s ;;
    huge_body) scenario "$m" 30s '"checks": [{"body_contains": "END"}]' ;;
    *) scenario "$m" 10s ;;
    esac
done
for m in $modes; do
    case $m in
    storm) run "$m" 5s ;;           # long enough for the every-request-failed warning
    huge_body) run "$m" 3s "$port_big" ;;
    *) run "$m" 3s ;;
    esac
done
CLEANUP="kill $server_main $server_big $(for m in $modes; do eval "printf '%s ' \"\$pid_$m\""; done) 2>/dev/null"

# complete MODE: the four final CSV files, CRLF, Aggregated last, and the failures file
# accounting for every failure of the stats file
complete() {
    local f p=$TMP/$1
    for f in stats stats_history failures exceptions; do
        crlf "${p}_$f.csv" || return 1
    done
    grep -q '^,Aggregated,' <<<"$(tail -1 "${p}_stats.csv")" || return 1
    [ "$(awk -F, 'NR > 1 { gsub("\r", ""); s += $NF } END { print s + 0 }' "${p}_failures.csv")" \
        = "$(csv_cell "${p}_stats.csv" Aggregated 4)" ]
}

# failed_with MODE REGEX: every request failed, and failures.csv has one row, matching REGEX
failed_with() {
    local requests failures rows
    requests=$(csv_cell "$TMP/${1}_stats.csv" Aggregated 3)
    failures=$(csv_cell "$TMP/${1}_stats.csv" Aggregated 4)
    rows=$(tail -n +2 "$TMP/${1}_failures.csv" | tr -d '\r')
    [ "${requests:-0}" -gt 0 ] && [ "$requests" = "$failures" ] &&
        [ "$(wc -l <<<"$rows")" = 1 ] && grep -qE "^GET,/$1,$2,[0-9]+$" <<<"$rows"
}

expect() {
    local m=$1 text=$2 rc
    eval "wait \$pid_$m"; rc=$?
    check "$m: exit code 1 (requests failed)" [ "$rc" = 1 ]
    check "$m: every request failed with: $text" failed_with "$m" "$text"
    check "$m: the final CSV files are complete" complete "$m"
}

expect reset 'Connection reset by peer'
expect close_headers 'Response ended before the whole body arrived'
expect garbage 'Received HTTP/0.9 when not allowed'
expect endless_chunked 'Timeout after 1000 ms'
expect huge_body '"check failed: body contains ""END"" \(response body over 8 MB, max_body_kept\)"'
size=$(csv_cell "$TMP/huge_body_stats.csv" Aggregated 9)
check "huge_body: the whole 64 MB body is counted ($size bytes)" \
    awk -v s="${size:-0}" 'BEGIN { exit !(s == 67108864) }'
expect huge_headers 'Too large response headers: [0-9]+ > 307200'
expect stall 'Timeout after 1000 ms'
expect drip 'Timeout after 1000 ms'
expect redirect_loop 'Maximum \(30\) redirects followed'
expect storm 'HTTP 503 Service Unavailable'
check "storm: the warning names the status, not a silent target" \
    grep -q 'Every request failed for 3 s: the target answers HTTP 503 Service Unavailable' \
    "$TMP/storm.err"
check "storm: ... and does not say the target stopped answering" \
    [ "$(grep -c 'stopped answering' "$TMP/storm.err")" = 0 ]
for m in $modes; do
    check "$m: the console error report shows the failure" grep -q '^Error report' "$TMP/$m.out"
done
kill "$server_main" "$server_big" 2>/dev/null
echo "1..$n"
