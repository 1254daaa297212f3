#!/usr/bin/env bash
# End-to-end tests of backend health with the shipped scenarios and the built-in target: a
# headless burst with --csv and --html (PREFIX_health.csv, the reports' health section and
# charts, `hornet report` rebuilding it), the target's Celery workers at 0 from the start
# (--target-option: the limit fails, exit 1) and with abort_on_fail (the run stops), the
# dashboard in tmux (view 7 and the Overview's strip, at 120x40 and 80x24) while POST
# /api/v1/_control/ stops the workers mid-run (the limit fails live, exit 1), and a run on
# another host (builtin_only: nothing polled) and --no-health. Every run is bounded and talks
# to 127.0.0.1 only; the groups run at once. Prints TAP lines.
set -u
source "$(dirname "$0")/lib.sh"
SOCK=hornet-health-$$
export LANG=C.UTF-8 LC_ALL=C.UTF-8
CLEANUP='tmux -L "$SOCK" kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"; [ -n "${tpid:-}" ] && kill $tpid 2>/dev/null'
HEADER='Timestamp,Source,Metric,Value,Unit,Limit,Error'
METRICS='DB pool|API CPU|API memory|Celery workers|Celery queue|DB waiting|DB max conn|Redis clients|Redis ops|Redis memory|Components ok|Planes online'

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# row NAME FILE: the first Markdown table row of a health metric (the section's table)
row() { grep -m1 "^| $1 | " "$2"; }
mkdir -p "$TMP/out"

# ---- group 1: a headless burst with the CSV files and both reports ----------------------------
burst() {
    $HORNET --headless --only-summary -t 12s -u 100 -r 50 --csv "$TMP/out/b" \
        --html "$TMP/out/b.html" --report "$TMP/out/b.md" scenarios/burst.json \
        >"$TMP/b.out" 2>"$TMP/b.err"
    rc=$?
    check "a headless burst with health passes (exit $rc)" [ "$rc" = 0 ]
    check "it writes out/b_health.csv with the documented header" \
        [ "$(head -1 "$TMP/out/b_health.csv" | tr -d '\r')" = "$HEADER" ]
    check "the health CSV has CRLF line ends" crlf "$TMP/out/b_health.csv"
    missing=$(echo "$METRICS" | tr '|' '\n' | while read -r m; do
        grep -q ",$m," "$TMP/out/b_health.csv" || echo "$m"; done)
    check "every metric of the health block has rows (missing: ${missing:-none})" [ -z "$missing" ]
    polls=$(awk -F, '$2 == "api" && $3 == "DB pool"' "$TMP/out/b_health.csv" | wc -l)
    check "the api source was polled every 2 s over 12 s ($polls polls)" [ "$polls" -ge 5 ]
    check "timestamps never go back" awk -F, 'NR > 1 { if ($1 + 0 < last) exit 1; last = $1 + 0 }' \
        "$TMP/out/b_health.csv"
    check "the memory limit's rows carry it" grep -q ',API memory,[0-9]*,bytes,< 350 MB,' \
        "$TMP/out/b_health.csv"
    check "the console prints the Backend health table" grep -q '^Backend health' "$TMP/b.out"
    check "the verdict line counts the health limits" \
        grep -q '^Verdict: PASS (.*3 of 3 health limits kept' "$TMP/b.out"
    check "the HTML report has the health section" grep -q '<section id="health">' "$TMP/out/b.html"
    charts=$(sed -n '/<section id="health">/,/<\/section>/p' "$TMP/out/b.html" |
             grep -c '<svg class="chart"')
    check "with one chart per metric ($charts)" [ "$charts" = 12 ]
    check "each on the run's time axis" grep -q 'aria-label="DB pool over time"' "$TMP/out/b.html"
    check "the Markdown report has the section and the sparklines over the run" \
        eval 'grep -qx "## Backend health" "$TMP/out/b.md" && grep -q "^| Requests/s | \`" "$TMP/out/b.md"'
    $HORNET report "$TMP/out/b" --report "$TMP/out/rb.md" --html "$TMP/out/rb.html" \
        >"$TMP/rb.out" 2>&1
    rc=$?
    check "hornet report rebuilds it from the CSV files (exit $rc)" [ "$rc" = 0 ]
    same=0
    for m in "DB pool" "API memory" "Celery workers" "Redis clients"; do
        [ "$(row "$m" "$TMP/out/b.md")" = "$(row "$m" "$TMP/out/rb.md")" ] || same=1
    done
    check "with the same values and verdicts as the live report" [ "$same" = 0 ]
    check "and the health charts" grep -q 'aria-label="API memory over time"' "$TMP/out/rb.html"
}

# ---- group 2: no Celery workers from the start, then with abort_on_fail ----------------------
# The scenario without its preflight (which checks the workers before any load): the limit is
# judged during the run.
python3 - scenarios/deployments.json "$TMP/nopre.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
del s["preflight"]
json.dump(s, open(sys.argv[2], "w"))
EOF
workers() {
    $HORNET --headless --only-summary -t 6s -u 10 -r 10 --csv "$TMP/c" \
        --target-option celery-workers=0 "$TMP/nopre.json" >"$TMP/c.out" 2>"$TMP/c.err"
    rc=$?
    check "--target-option celery-workers=0: the Celery limit fails, exit 1 (rc $rc)" [ "$rc" = 1 ]
    check "the log says which limit failed" \
        grep -q 'Health limit failed: Celery workers > 0: was 0 at +0:0' "$TMP/c.err"
    check "the console's health table shows it" \
        grep -qE '^Celery workers +api +0 +0 +0 +> 0 +FAIL' "$TMP/c.out"
    check "the CSV has the zeros" grep -q ',api,Celery workers,0,workers,> 0,' "$TMP/c_health.csv"
    $HORNET report "$TMP/c" >"$TMP/rc.out" 2>&1
    rc=$?
    check "hornet report judges it again: exit 1 (rc $rc)" [ "$rc" = 1 ]
    check "its report gives the reason" grep -q 'Health limit failed: Celery workers > 0 (api)' \
        "$TMP/c_report.md"
    python3 - scenarios/deployments.json "$TMP/abort.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
s["health"]["sources"]["api"]["metrics"]["Celery workers"]["abort_on_fail"] = True
del s["preflight"]
json.dump(s, open(sys.argv[2], "w"))
EOF
    start=$SECONDS
    $HORNET --headless --only-summary -t 60s -u 10 -r 10 --target-option celery-workers=0 \
        "$TMP/abort.json" >"$TMP/a.out" 2>"$TMP/a.err"
    rc=$?
    took=$((SECONDS - start))
    check "abort_on_fail on a health limit stops the run at once (rc $rc, ${took} s)" \
        [ "$rc" = 1 -a "$took" -lt 20 ]
    check "the console says why" grep -q '^Aborted: Health limit failed: Celery workers > 0' \
        "$TMP/a.out"
}

# ---- group 3: the dashboard, live -----------------------------------------------------------
t() { tmux -L "$SOCK" "$@"; }
screen() { t capture-pane -p -t "$1" 2>/dev/null; }
shows() { screen "$1" | grep -qE "$2"; }
wait_for() { wait_until "$2" shows "$1" "$3"; }    # wait_for NAME SECONDS REGEX
dashboard() {
    local port
    port=$(free_port)
    cat >"$TMP/dash.sh" <<EOF
#!/usr/bin/env bash
$HORNET -t 90s --target-option port=$port --logfile "$TMP/dash.log" scenarios/deployments.json \
    2>"$TMP/dash.err"
echo \$? >"$TMP/dash.rc.tmp" && mv "$TMP/dash.rc.tmp" "$TMP/dash.rc"
sleep 600
EOF
    chmod +x "$TMP/dash.sh"
    t new-session -d -s dash -x 120 -y 40 "$TMP/dash.sh"
    wait_for dash 15 '─ Health ─ ✔ 3 of 3 limits kept, 2 of 2 sources up'
    check "the Overview shows the health strip" [ $? = 0 ]
    wait_for dash 10 ' API CPU [0-9.]+% ' && screen dash | grep -qE '✔ DB pool [0-9]+ '
    check "with the DB pool and the API's CPU (from its second poll) next to the charts" [ $? = 0 ]
    t send-keys -t dash 7
    wait_for dash 5 'Backend health \(12 metrics, 2 sources\)'
    check "7 opens the Health view" [ $? = 0 ]
    screen dash | grep -qE '✔ Celery workers +4 +[0-9]+ +4 +workers' &&
        screen dash | grep -qE '● api +up ' && screen dash | grep -q 'Over the run'
    check "every metric with value, min, max, unit and sparkline; the sources up" [ $? = 0 ]
    wait_for dash 10 'Redis ops +[0-9.]+/s'
    check "the rates come with the second poll" [ $? = 0 ]
    curl -s -X POST -d '{"celery_workers": 0}' "http://127.0.0.1:$port/api/v1/_control/" \
        >"$TMP/control.out"
    check "POST /api/v1/_control/ stops the target's Celery workers" \
        grep -q '"celery_workers": 0' "$TMP/control.out"
    wait_for dash 8 '✖ 2 of 3 limits kept'
    check "the Celery limit fails live" [ $? = 0 ]
    screen dash | grep -qE '✖ Celery workers +0 +0 +4 .*FAIL'
    check "its row says FAIL" [ $? = 0 ]
    t resize-window -t dash -x 80 -y 24
    t send-keys -t dash 1
    wait_for dash 5 '^─ Health ─ ✖ 2 of 3 limits kept'
    check "at 80x24 the Overview keeps the strip, the failing limit first" [ $? = 0 ]
    screen dash | grep -q '^✖ Celery workers 0 ' &&
        screen dash | grep -q 'Response time' && screen dash | grep -q 'Endpoints ('
    check "next to the charts and the endpoint table" [ $? = 0 ]
    t send-keys -t dash q
    wait_for dash 3 'Quit\?'
    t send-keys -t dash y
    wait_until 20 test -f "$TMP/dash.rc"
    check "the run that lost its workers exits 1 (rc $(cat "$TMP/dash.rc" 2>/dev/null))" \
        [ "$(cat "$TMP/dash.rc" 2>/dev/null)" = 1 ]
    grep -q 'WARNING/hornet: Health limit failed: Celery workers > 0: was 0 at' "$TMP/dash.log"
    check "the log file has the limit's failure" [ $? = 0 ]
}

# ---- group 4: another host, --no-health ----------------------------------------------------------
elsewhere() {
    $TARGET --port 0 --quiet >"$TMP/target.out" 2>&1 &
    tpid=$!
    wait_until 5 grep -qE '127\.0\.0\.1:[0-9]+' "$TMP/target.out"
    port=$(grep -oE '127\.0\.0\.1:[0-9]+' "$TMP/target.out" | head -1 | cut -d: -f2)
    $HORNET --headless --only-summary -t 2s -u 2 -r 2 -H "http://127.0.0.1:$port" \
        --csv "$TMP/h" scenarios/deployments.json >"$TMP/h.out" 2>"$TMP/h.err"
    check "builtin_only: on another host the block is not polled" \
        grep -q "describes the built-in target (builtin_only): not polled" "$TMP/h.err"
    check "and no health CSV is written" [ ! -e "$TMP/h_health.csv" ]
    kill $tpid 2>/dev/null
    wait $tpid 2>/dev/null
    $HORNET --headless --only-summary -t 2s -u 2 -r 2 --no-health --csv "$TMP/n" \
        scenarios/deployments.json >"$TMP/n.out" 2>"$TMP/n.err"
    check "--no-health: nothing polled" eval '[ ! -e "$TMP/n_health.csv" ] && ! grep -q "^Backend health" "$TMP/n.out"'
    out=$($HORNET --headless -t 1s -H "http://127.0.0.1:$port" --target-option celery-workers=0 \
        scenarios/deployments.json 2>&1); rc=$?
    check "--target-option with another host is a usage error (rc $rc)" \
        eval '[ "$rc" = 2 ] && echo "$out" | grep -q "applies to the built-in target"'
}

burst >"$TMP/1.tap" &
g1=$!
workers >"$TMP/2.tap" &
g2=$!
elsewhere >"$TMP/4.tap" &
g4=$!
dashboard >"$TMP/3.tap"
wait $g1 $g2 $g4
cat "$TMP/1.tap" "$TMP/2.tap" "$TMP/3.tap" "$TMP/4.tap" |
    awk '/^(not )?ok [0-9]+ / { sub(/ok [0-9]+ /, "ok " ++n " ") } { print } END { print "1.." n }'
! grep -q '^not ok' "$TMP"/[1234].tap
