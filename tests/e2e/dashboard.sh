#!/usr/bin/env bash
# End-to-end test of the dashboard: drives the real ./hornet in tmux (a private tmux server,
# 120x40 unless said otherwise) against its embedded target on loopback, with send-keys, and
# checks the screen (capture-pane), the files and the terminal modes (stty -a before and
# after). Every run is bounded with -t or quit by the test; sessions and files are removed on
# exit. Four groups of sessions run at once. Prints TAP lines.
set -u
source "$(dirname "$0")/lib.sh"
SOCK=hornet-e2e-$$
export LANG=C.UTF-8 LC_ALL=C.UTF-8
failed=0
# the server, and its socket file (kill-server leaves it behind)
CLEANUP='tmux -L "$SOCK" kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"'

# This script's own ok (lib.sh's check takes a command instead of a status).
ok() {     # ok CONDITION-STATUS DESCRIPTION [DIAGNOSTIC]
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
        failed=$((failed + 1))
    fi
}

t() { tmux -L "$SOCK" "$@"; }

# start NAME WIDTH HEIGHT ARGS...: run hornet in a new session through a wrapper that records
# the terminal modes before and after, and the exit status.
start() {
    local name=$1 w=$2 h=$3
    shift 3
    cat >"$TMP/$name.sh" <<EOF
#!/usr/bin/env bash
stty -a >"$TMP/$name.stty.before"
$HORNET $* 2>"$TMP/$name.stderr"
echo \$? >"$TMP/$name.rc.tmp" && mv "$TMP/$name.rc.tmp" "$TMP/$name.rc"
trap '' INT
stty -a >"$TMP/$name.stty.tmp" && mv "$TMP/$name.stty.tmp" "$TMP/$name.stty.after"
sleep 600   # keeps the pane and its screen for capture-pane; the server is killed on exit
EOF
    chmod +x "$TMP/$name.sh"
    t new-session -d -s "$name" -x "$w" -y "$h" "$TMP/$name.sh"
}

screen() { t capture-pane -p -t "$1" 2>/dev/null; }

status() { screen "$1" | sed -n 2p; }

# wait_for NAME SECONDS REGEX: poll the screen until it matches (0) or time runs out (1).
wait_for() {
    local end=$((SECONDS + $2))
    while [ $SECONDS -le $end ]; do
        screen "$1" | grep -qE "$3" && return 0
        sleep 0.2
    done
    return 1
}

wait_exit() {      # wait_exit NAME SECONDS: until the wrapper wrote the exit status
    local end=$((SECONDS + $2))
    while [ $SECONDS -le $end ]; do
        [ -f "$TMP/$1.rc" ] && [ -f "$TMP/$1.stty.after" ] && return 0
        sleep 0.2
    done
    return 1
}

requests() { status "$1" | sed -n 's/.*Requests \([0-9,]*\).*/\1/p' | tr -d ,; }
more_requests() { local r; r=$(requests "$1"); [ -n "$r" ] && [ "$r" -gt "$2" ]; }
users() { status "$1" | sed -n 's/.*Users \([0-9]*\).*/\1/p'; }
target() { status "$1" | sed -n 's/.*Users [0-9]* → \([0-9]*\).*/\1/p'; }

same_stty() { diff "$TMP/$1.stty.before" "$TMP/$1.stty.after" >/dev/null 2>&1; }
# the same modes, the window size aside (the first line has rows and columns)
same_modes() {
    diff <(sed 1d "$TMP/$1.stty.before") <(sed 1d "$TMP/$1.stty.after") >/dev/null 2>&1
}

PCTS='50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%'
STATS_HEADER="Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,$PCTS"
HISTORY_HEADER="Timestamp,User Count,Type,Name,Requests/s,Failures/s,$PCTS,Total Request Count,\
Total Failure Count,Total Median Response Time,Total Average Response Time,\
Total Min Response Time,Total Max Response Time,Total Average Content Size"
FAILURES_HEADER='Method,Name,Error,Occurrences'
EXCEPTIONS_HEADER='Count,Message,Traceback,Nodes'

header_is() { [ "$(head -1 "$1" 2>/dev/null | tr -d '\r')" = "$2" ]; }

# Three groups of sessions run at once, each printing its TAP lines to a file; they are
# numbered in this script's order at the end.
deployments() {
    # ---- scenario 1: deployments ---------------------------------------------------------------
    mkdir -p "$TMP/out"
    # --no-targets: the run is quit early, so the scenario's steady-state targets would have no
    # data and decide the exit status; this test is about the dashboard
    start dep 120 40 -t 60s --no-targets --csv "$TMP/out/run" scenarios/deployments.json
    wait_for dep 10 'hornet +Concurrent deployments'
    ok $? "the dashboard opens on deployments.json" "$(screen dep)"

    wait_for dep 5 'Requests [1-9]'
    r1=$(requests dep)
    wait_until 2 more_requests dep "$r1"
    r2=$(requests dep)
    [ -n "$r1" ] && [ -n "$r2" ] && [ "$r2" -gt "$r1" ]
    ok $? "numbers move within 2 s (requests $r1 -> $r2)" "$(status dep)"
    screen dep | grep -q 'Requests/s' && screen dep | grep -q 'Response time' &&
        screen dep | grep -q 'Endpoints (' && screen dep | grep -q 'Event log' &&
        screen dep | grep -q 'Failures:'
    ok $? "Overview shows the charts, endpoints, failures and event log at 120x40" "$(screen dep)"

    before=$(target dep)
    [ -z "$before" ] && before=$(users dep)
    t send-keys -t dep W W W W W W W W W W
    want=$((before + 100))
    wait_for dep 3 "→ $want"
    ok $? "W ten times raises the target from $before to $want and the status bar shows the ramp" \
        "$(status dep)"
    t send-keys -t dep 5
    wait_for dep 3 "operator +Ramping to $want users"
    ok $? "the operator's ramp is in the event log" "$(screen dep)"
    t send-keys -t dep 1

    t send-keys -t dep c
    wait_for dep 5 'Snapshot written: .*\{stats,stats_history,failures,exceptions,health\}\.csv'
    ok $? "the snapshot key says where it wrote" "$(screen dep | tail -3)"
    set -- "$TMP"/out/run_2*_stats.csv
    stats=$1
    base=${stats%_stats.csv}
    header_is "$base"_stats.csv "$STATS_HEADER" &&
        header_is "$base"_stats_history.csv "$HISTORY_HEADER" &&
        header_is "$base"_failures.csv "$FAILURES_HEADER" &&
        header_is "$base"_exceptions.csv "$EXCEPTIONS_HEADER" &&
        [ "$(grep -c ',Aggregated,' "$base"_stats.csv)" -eq 1 ]
    ok $? "the snapshot wrote four CSV files with Locust's headers" "$(ls -l "$TMP/out")"
    wait_for dep 3 'Report written: ' && screen dep | grep -q '_report\.{md,html}'
    ok $? "the snapshot key says where the reports went" "$(screen dep | tail -6)"
    grep -q '^# Load test report: Concurrent deployments' "$base"_report.md &&
        grep -q '^## Performance assessment' "$base"_report.md &&
        grep -q 'PASS so far\|FAIL so far\|AT RISK so far\|run in progress' "$base"_report.md
    ok $? "the snapshot wrote the Markdown report of the run so far" "$(head -5 "$base"_report.md)"
    grep -qi '<svg' "$base"_report.html && grep -qi '</html>' "$base"_report.html &&
        ! grep -qiE '<script|<link|<iframe|<img|@import|url\(|(src|href)=' "$base"_report.html
    ok $? "the snapshot wrote the HTML report, with no external reference" \
        "$(grep -oiE '<script|<link|<iframe|<img|@import|url\(|(src|href)=' "$base"_report.html)"

    t send-keys -t dep q
    wait_for dep 3 'Quit\? [0-9]+ users will be stopped'
    ok $? "q asks for confirmation while load runs" "$(screen dep | tail -2)"
    t send-keys -t dep y
    wait_exit dep 20
    ok $? "y stops the users and quits" "$(screen dep | tail -5)"
    [ "$(cat "$TMP/dep.rc" 2>/dev/null)" = 0 ]
    ok $? "exit status 0" "rc=$(cat "$TMP/dep.rc" 2>/dev/null)"
    same_stty dep
    ok $? "stty -a is unchanged after quitting" "$(diff "$TMP/dep.stty.before" "$TMP/dep.stty.after")"
    # the summary is longer than the pane: its scrollback has the start
    t capture-pane -p -S -200 -t dep | grep -q 'Response time percentiles' &&
        t capture-pane -p -S -200 -t dep | grep -qE '^ +Aggregated'
    ok $? "the final summary is printed after the dashboard closes" "$(screen dep)"
    header_is "$TMP/out/run_stats.csv" "$STATS_HEADER" &&
        header_is "$TMP/out/run_failures.csv" "$FAILURES_HEADER"
    ok $? "the final CSV files are written" "$(ls -l "$TMP/out")"

}

burst() {
    # ---- scenario 4: burst, an interactive ramp to 1000 users at 100/s -------------------------
    start burst 120 40 -u 10 -r 10 -t 60s scenarios/burst.json
    wait_for burst 10 'RUNNING +Users 10 '
    ok $? "burst.json starts with 10 users" "$(status burst)"
    t send-keys -t burst r 1 0 0 Enter
    wait_for burst 3 'Spawn rate 100\.00/s'
    t send-keys -t burst u 1 0 0 0 Enter
    ramp_start=$SECONDS
    wait_for burst 3 '→ 1000 .*100/s'
    ok $? "typing u 1000 at r 100 starts a ramp shown in the status bar" "$(status burst)"
    wait_until 6 eval '[ $((SECONDS - ramp_start)) -ge 4 ]'     # the check is at ~4 s
    mid=$(users burst)
    [ -n "$mid" ] && [ "$mid" -gt 150 ] && [ "$mid" -lt 900 ]
    ok $? "halfway: $mid users after ~4 s at 100/s" "$(status burst)"
    wait_for burst 20 'Users 1000 '
    rc=$?
    took=$((SECONDS - ramp_start))
    [ $rc -eq 0 ] && [ $took -ge 7 ] && [ $took -le 18 ]
    ok $? "the ramp to 1000 users takes about 10 s (${took} s)" "$(status burst)"
    t send-keys -t burst C-c
    wait_exit burst 20
    ok $? "Ctrl-C stops the users and quits without a question" "$(screen burst | tail -5)"
    same_stty burst
    ok $? "stty -a is unchanged after Ctrl-C" "$(diff "$TMP/burst.stty.before" "$TMP/burst.stty.after")"

}

the_rest() {
    # ---- targets: the Overview's panel, the status badge, view 6; --print-stats to the log file -
    start tg 120 40 -t 30s --print-stats --logfile "$TMP/tg.log" scenarios/deployments.json
    wait_for tg 10 'Targets ─ . (PASS|AT RISK|FAIL) so far'
    ok $? "the Overview shows the targets panel with the verdict so far" "$(screen tg | tail -14)"
    screen tg | sed -n 1p | grep -qE 'Targets +. (PASS|AT RISK|FAIL) ' &&
        screen tg | sed -n 3p | grep -qE '6 Targets .'
    ok $? "the status bar and the tab bar carry the verdict" "$(screen tg | head -3)"
    screen tg | grep -q 'p99 < 500 ms' && screen tg | grep -q 'success rate >= 99%'
    ok $? "the scenario's targets are listed on the Overview" "$(screen tg | tail -14)"
    t send-keys -t tg 6
    wait_for tg 3 'Targets \(4\)'
    screen tg | grep -qE '^│Status +Target +Window +Value +Last 10 s' &&
        screen tg | grep -qE '(pass|at risk|FAIL|pending) +rps 50\.\.100 +steady'
    ok $? "key 6 opens the Targets view: each target, its window, value and status" "$(screen tg)"
    wait_until 5 grep -qE '^ +Aggregated ' "$TMP/tg.log"
    grep -qE '^Type +Name +# reqs +# fails' "$TMP/tg.log" && grep -qE '^ +Aggregated ' "$TMP/tg.log"
    ok $? "--print-stats appends the stats table to --logfile" "$(tail -5 "$TMP/tg.log")"
    ! screen tg | grep -qE '# reqs +# fails \|'
    ok $? "... and nothing of it reaches the screen" "$(screen tg | grep -E '# reqs')"
    t send-keys -t tg C-c
    wait_exit tg 20
    ok $? "Ctrl-C ends the run with targets" "$(screen tg | tail -5)"
    screen tg | grep -qE '^Verdict: (PASS|FAIL) \([0-9] of 4 targets met'
    ok $? "the verdict table is printed after the dashboard closes" "$(screen tg | tail -8)"

    # --print-stats without --logfile: said once in the event log
    start nolog 120 40 -t 20s --no-targets --print-stats scenarios/deployments.json
    wait_for nolog 10 'Requests [1-9]'
    t send-keys -t nolog 5
    wait_for nolog 3 'print-stats: no --logfile, the table is shown in the Endpoints view'
    ok $? "--print-stats without --logfile says where the table is instead" "$(screen nolog)"
    t send-keys -t nolog C-c
    wait_exit nolog 20

    # ---- a terminal too small, then resized (and --ascii) ------------------------------------
    start small 70 20 -t 30s --ascii scenarios/deployments.json
    wait_for small 10 'needs 80x24; this terminal is 70x20'
    ok $? "a 70x20 terminal gets a clear message" "$(screen small)"
    t resize-window -t small -x 100 -y 30
    wait_for small 5 '1 Overview +2 Endpoints'
    ok $? "after a resize to 100x30 the dashboard draws" "$(screen small)"
    wait_for small 5 'Requests [1-9]'
    ! screen small | LC_ALL=C grep -q '[^ -~]'
    ok $? "--ascii: every character on the screen is plain ASCII" \
        "$(screen small | LC_ALL=C grep -n '[^ -~]' | head -3)"
    t send-keys -t small C-c
    wait_for small 3 'press Ctrl-C again'
    t send-keys -t small C-c
    wait_exit small 10
    ok $? "a second Ctrl-C quits at once" "$(screen small | tail -3)"
    same_modes small
    ok $? "stty -a is unchanged but for the new size" \
        "$(diff "$TMP/small.stty.before" "$TMP/small.stty.after")"

    # ---- no terminal: headless with a note ----------------------------------------------------
    timeout 30 "$HORNET" -t 2s scenarios/deployments.json >"$TMP/pipe.out" 2>"$TMP/pipe.err" </dev/null
    rc=$?
    grep -q 'not a terminal: running headless' "$TMP/pipe.err" && grep -q 'Aggregated' "$TMP/pipe.out"
    ok $? "without a terminal hornet runs headless with a one-line note (rc $rc)" \
        "$(cat "$TMP/pipe.err" | head -5)"

}

# ---- the open model: an arrival rate, its keys and the corrected latencies ------------------
open_model() {
    start open 120 40 --arrival-rate 20 --max-users 100 -t 60s scenarios/deployments.json
    wait_for open 15 'Arrivals 20\.0/s → 20\.0/s'
    ok $? "an open run: the status bar shows the arrivals asked and achieved" "$(status open)"
    screen open | grep -q 'Endpoints ([0-9]*), latencies corrected' &&
        status open | grep -q 'corrected (o)' && screen open | grep -q 'Response time, corrected'
    ok $? "... the table and the bands show corrected latencies, and say so" "$(screen open)"
    t send-keys -t open W W
    wait_for open 10 'Arrivals 40\.0/s'
    ok $? "W W: the rate goes up by 20 arrivals/s (not users)" "$(status open)"
    t send-keys -t open u
    wait_for open 5 'Arrivals/s\? \(now 40 asked'
    ok $? "u: the arrivals/s prompt" "$(screen open | tail -1)"
    t send-keys -t open 5 5 Enter
    wait_for open 10 'Arrivals 55\.0/s'
    ok $? "... a typed rate applies" "$(status open)"
    t send-keys -t open o
    wait_for open 5 'service \(o\)'
    ok $? "o: the views show service times" "$(status open)"
    ! screen open | grep -q 'latencies corrected'
    ok $? "... and the table no longer says corrected" "$(screen open | grep Endpoints)"
    t send-keys -t open q
    wait_for open 5 'y: quit'
    t send-keys -t open y
    wait_exit open 20
    ok $? "q y: the open run quits" "$(screen open | tail -3)"
}

deployments >"$TMP/1.tap" &
g1=$!
burst >"$TMP/2.tap" &
g2=$!
open_model >"$TMP/4.tap" &
g4=$!
the_rest >"$TMP/3.tap"
wait $g1 $g2 $g4
cat "$TMP/1.tap" "$TMP/2.tap" "$TMP/3.tap" "$TMP/4.tap" |
    awk '/^(not )?ok [0-9]+ / { sub(/ok [0-9]+ /, "ok " ++n " ") } { print } END { print "1.." n }'
! grep -q '^not ok' "$TMP"/[1234].tap
