#!/usr/bin/env bash
# End-to-end tests of hornet as a master: (a) `hornet --master` and three `hornet --worker`
# (through tests/fixtures/fleet/tap.py, a relay that records the workers' frames): the merged
# counts equal what the target served, exactly, and every merged percentile equals that of the
# union of the histograms the workers sent; (b) a mixed fleet, one hornet worker and one Locust
# Python worker (Debian's 2.12.1, which sends an empty version: accepted with a warning), both
# loading the master's -H; (c) a scenario with setup, preflight and teardown: they run on the
# worker (its users read what its setup made), not on the master. All at once, on 127.0.0.1,
# bounded by the masters' -t.
source "$(dirname "$0")/lib.sh"
[ -n "${KEEP_TMP:-}" ] && trap '[ -n "${CLEANUP:-}" ] && eval "$CLEANUP"' EXIT   # keeps $TMP
FIX=tests/fixtures/fleet
PY=/usr/bin/python3             # Debian's, with the msgpack and zmq modules Locust uses

$TARGET --port 0 --quiet --seed 7 >"$TMP/ta.out" 2>&1 &
ta=$!
$TARGET --port 0 --quiet --seed 8 >"$TMP/tb.out" 2>&1 &
tb=$!
CLEANUP="kill $ta $tb 2>/dev/null"
wait_until 5 eval '[ -n "$(listen_port "$TMP/ta.out")" -a -n "$(listen_port "$TMP/tb.out")" ]'
url_a=http://127.0.0.1:$(listen_port "$TMP/ta.out")
url_b=http://127.0.0.1:$(listen_port "$TMP/tb.out")

# ---- (a) a hornet master, three hornet workers through the tap
mport=$(free_port) tport=$(free_port)
$HORNET --master --headless --only-summary --expect-workers 3 --master-bind-host 127.0.0.1 \
    --master-bind-port "$mport" -u 30 -r 30 -t 5s -s 5 --csv "$TMP/m" $FIX/fleet.json \
    >"$TMP/m.out" 2>"$TMP/m.err" &
m=$!
$PY $FIX/tap.py "$tport" "$mport" "$TMP/union.json" 2>"$TMP/tap.err" &
tap=$!
for i in 1 2 3; do
    $HORNET --worker --master-port "$tport" -H "$url_a" --threads 1 --csv "$TMP/w$i" \
        $FIX/fleet.json >"$TMP/w$i.out" 2>"$TMP/w$i.err" &
    eval "w$i=$!"
done

# ---- (b) a mixed fleet: a hornet worker and a Locust worker load the master's -H
xport=$(free_port)
$HORNET --master --headless --only-summary --expect-workers 2 --master-bind-host 127.0.0.1 \
    --master-bind-port "$xport" -H "$url_b" -u 8 -r 8 -t 5s -s 5 --csv "$TMP/x" \
    $FIX/fleet.json >"$TMP/x.out" 2>"$TMP/x.err" &
x=$!
$HORNET --worker --master-port "$xport" --threads 1 $FIX/fleet.json \
    >"$TMP/xh.out" 2>"$TMP/xh.err" &
xh=$!
locust -f $FIX/mixed.py --worker --master-host 127.0.0.1 --master-port "$xport" \
    >"$TMP/xl.log" 2>&1 &
xl=$!

# ---- (c) fixtures run where the users are: on the worker (its built-in target), not the master
sport=$(free_port)
$HORNET --master --headless --only-summary --expect-workers 1 --master-bind-host 127.0.0.1 \
    --master-bind-port "$sport" -u 3 -r 3 -t 2s --csv "$TMP/s" $FIX/setup.json \
    >"$TMP/s.out" 2>"$TMP/s.err" &
s=$!
$HORNET --worker --master-port "$sport" --threads 1 $FIX/setup.json >"$TMP/sw.out" 2>"$TMP/sw.err" &
sw=$!
CLEANUP="kill $ta $tb $m $tap $w1 $w2 $w3 $x $xh $xl $s $sw 2>/dev/null"

finish $m 40; mrc=$?
finish $x 10; xrc=$?
finish $s 10; src=$?
for p in w1 w2 w3 xh xl sw; do finish "${!p}" 10; eval "${p}rc=$?"; done
kill $tap; wait $tap
$PY $FIX/fleetcheck.py served "$url_a" "$TMP/served_a.json" >/dev/null
$PY $FIX/fleetcheck.py served "$url_b" "$TMP/served_b.json" >/dev/null

check "(a) the master started once its 3 workers were there and ran its 5 s" \
    [ "$(grep -c 'Starting hornet: fleet against each worker.s host, 3 worker nodes' "$TMP/m.err")" = 1 \
      -a "$(grep -c 'Run time limit reached' "$TMP/m.err")" = 1 ]
check "... it exits 1 (no targets, and the scenario has failures) and the workers 0" \
    [ "$mrc" = 1 -a "$w1rc" = 0 -a "$w2rc" = 0 -a "$w3rc" = 0 ]
check "... the workers are known as hornet nodes" [ "$(grep -c ', hornet) reported as ready' "$TMP/m.err")" -ge 3 ]
check "... 30 users split 10 per worker, 3:1 by class" \
    [ "$(cat "$TMP"/w[123].err | grep -c 'Master asked for {"Reader": [0-9]*, "Writer": [0-9]*} (10 total users)')" -ge 3 ]
check "... the merged counts equal what the target served, exactly" \
    $PY $FIX/fleetcheck.py counts "$TMP/m_stats.csv" "$TMP/served_a.json" 0
check "... and the workers' own counts and failures summed" \
    $PY $FIX/fleetcheck.py sum "$TMP/m_stats.csv" "$TMP"/w[123]_stats.csv
check "... failures by (method, name, error) too" \
    $PY $FIX/fleetcheck.py failures "$TMP/m_failures.csv" "$TMP"/w[123]_failures.csv
check "... every percentile (p99 included) is that of the union of the workers' histograms" \
    $PY $FIX/fleetcheck.py union "$TMP/m_stats.csv" "$TMP/union.json"
check "... the history has a row per second with the fleet's 30 users" \
    [ "$(grep -c '^[0-9]*,30,,Aggregated,' "$TMP/m_stats_history.csv")" -ge 2 ]

check "(b) the Locust worker's empty version is accepted with a warning" \
    grep -q 'WARNING/hornet: Worker .* sent an empty version, as Debian.s Locust 2.12.1 does: accepted' "$TMP/x.err"
check "... the mixed fleet ran (a hornet and a Locust worker), both exit 0" \
    [ "$(grep -c 'Starting hornet: fleet against http://127.0.0.1:[0-9]*, 2 worker nodes' "$TMP/x.err")" = 1 \
      -a "$xhrc" = 0 -a "$xlrc" = 0 ]
check "... the hornet worker loaded the master's host" grep -q "Users load the master's host $url_b" "$TMP/xh.err"
check "... the merged counts equal what the target served (Locust's in-flight requests at most)" \
    $PY $FIX/fleetcheck.py counts "$TMP/x_stats.csv" "$TMP/served_b.json" 4
check "... both kinds of failure texts are merged: hornet's and Locust's" \
    [ "$(grep -c '^GET,/api/v1/nope/,HTTP 404 Not Found,' "$TMP/x_failures.csv")" = 1 \
      -a "$(grep -c '^GET,/api/v1/nope/,.*404 Client Error' "$TMP/x_failures.csv")" = 1 ]

check "(c) the master runs no setup, preflight or teardown, and says where they run" \
    [ "$(grep -c 'Master: the scenario.s setup, preflight and teardown run on each worker' "$TMP/s.err")" = 1 \
      -a "$(grep -c 'Setup\|Preflight\|Teardown' "$TMP/s.err")" = 0 \
      -a "$(grep -c 'Setup, preflight and teardown' "$TMP/s.out")" = 0 -a ! -e "$TMP/s_fixtures.csv" ]
check "... the worker runs them: setup and preflight before it joins, teardown after the quit" \
    [ "$(grep -c 'Setup passed\|Preflight passed\|Teardown passed' "$TMP/sw.err")" = 3 \
      -a "$(awk '/Preflight check .* passed/ && !p {p = NR} /Connected to the master/ && !c {c = NR}
                 /Got quit message/ && !q {q = NR} /Teardown passed/ {t = NR}
                 END {print (p && p < c && c < q && q < t) ? "ordered" : "not"}' "$TMP/sw.err")" = ordered ]
check "... its users read what its setup made: the master counts reads and no failure" \
    [ "$src" = 0 -a "$swrc" = 0 \
      -a "$(grep -c '^GET,/api/v1/deployments/\[id\]/,[1-9][0-9]*,0,' "$TMP/s_stats.csv")" = 1 ]
check "... the masters logged no error" \
    [ "$(cat "$TMP/m.err" "$TMP/x.err" "$TMP/s.err" | grep -c '/ERROR/')" = 0 ]
echo "1..$n"
