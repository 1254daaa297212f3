#!/usr/bin/env bash
# End-to-end test of hornet worker nodes under a real Locust master (Debian's 2.12.1): the stub
# locustfile `hornet locustfile` writes, then `locust --master --headless --expect-workers 2
# -u 40 -r 20 -t 10s --csv` with two `hornet --worker` against one built-in target. Locust's
# CSV must hold what the target served (minus requests in flight when the users stopped), the
# workers' own numbers summed, their failures by (method, name, error), and percentiles within
# Locust's own rounding of hornet's. On 127.0.0.1; bounded by the master's -t.
source "$(dirname "$0")/lib.sh"
[ -n "${KEEP_TMP:-}" ] && trap '[ -n "${CLEANUP:-}" ] && eval "$CLEANUP"' EXIT   # keeps $TMP
FIX=tests/fixtures/fleet
PY=/usr/bin/python3             # Debian's, with the msgpack and zmq modules Locust uses

# ---- the stub locustfile
$HORNET locustfile $FIX/fleet.json >"$TMP/master.py" 2>"$TMP/stub.err"; rc=$?
check "hornet locustfile writes the stub" [ "$rc" = 0 ]
check "... a User class per scenario class, with its weight" \
    grep -qzE 'class Reader\(User\):\s+weight = 3\s+class Writer\(User\):\s+weight = 1' "$TMP/master.py"
check "... and no task" [ "$(grep -c '@task' "$TMP/master.py")" = 0 ]
check "... which Python compiles" $PY -m py_compile "$TMP/master.py"
$HORNET locustfile tests/fixtures/scenarios/valid/full.json >"$TMP/full.py" 2>&1
check "... with a class's fixed count" grep -qzE 'class Pacer\(User\):\s+weight = 0.5\s+fixed_count = 3' "$TMP/full.py"
out=$($HORNET locustfile 2>&1); rc=$?
check "hornet locustfile without a scenario is a usage error" [ "$rc" = 2 ]

# ---- Locust's master, two hornet workers
$TARGET --port 0 --quiet --seed 5 >"$TMP/target.out" 2>&1 &
tpid=$!
CLEANUP="kill $tpid 2>/dev/null"
wait_until 5 eval '[ -n "$(listen_port "$TMP/target.out")" ]'
url=http://127.0.0.1:$(listen_port "$TMP/target.out")
port=$(free_port)
(cd "$TMP" && exec locust -f master.py --master --headless --expect-workers 2 -u 40 -r 20 \
    -t 10s --csv lm --master-bind-host 127.0.0.1 --master-bind-port "$port") \
    >"$TMP/master.log" 2>&1 &
mpid=$!
for i in 1 2; do
    $HORNET --worker --master-host 127.0.0.1 --master-port "$port" -H "$url" --threads 1 \
        --csv "$TMP/w$i" $FIX/fleet.json >"$TMP/w$i.out" 2>"$TMP/w$i.err" &
    eval "w${i}_pid=$!"
done
CLEANUP="kill $tpid $mpid $w1_pid $w2_pid 2>/dev/null"
finish $mpid 45; mrc=$?
finish $w1_pid 10; w1rc=$?
finish $w2_pid 10; w2rc=$?
$PY $FIX/fleetcheck.py served "$url" "$TMP/served.json" >/dev/null

check "Locust's master ran its 10 s with the two workers (exit 1: its CSV has failures)" \
    [ "$mrc" = 1 -a "$(grep -c 'All users spawned: {"Reader": 30, "Writer": 10} (40 total users)' "$TMP/master.log")" = 1 ]
# last_ask LOG: the worker's last counts from the master, as JSON
last_ask() { grep -o 'Master asked for {[^}]*}' "$1" | tail -1 | cut -d' ' -f4-; }
check "the workers' last counts by class name add up to the master's 30 Reader + 10 Writer" \
    $PY -c 'import json, sys; a, b = (json.loads(x) for x in sys.argv[1:]);
sys.exit({k: a.get(k, 0) + b.get(k, 0) for k in a | b} != {"Reader": 30, "Writer": 10})' \
    "$(last_ask "$TMP/w1.err")" "$(last_ask "$TMP/w2.err")"
check "the workers quit with the master (exit 0)" [ "$w1rc" = 0 -a "$w2rc" = 0 ]
check "the workers logged no error" [ "$(cat "$TMP/w1.err" "$TMP/w2.err" | grep -c '/ERROR/')" = 0 ]
check "Locust's CSV counts what the target served, per endpoint (minus at most the 40 users' in-flight requests)" \
    $PY $FIX/fleetcheck.py counts "$TMP/lm_stats.csv" "$TMP/served.json" 40
check "... and equals the workers' own numbers summed" \
    $PY $FIX/fleetcheck.py sum "$TMP/lm_stats.csv" "$TMP/w1_stats.csv" "$TMP/w2_stats.csv"
check "Locust's failures by (method, name, error) are the workers' (expected 404s are not failures)" \
    $PY $FIX/fleetcheck.py failures "$TMP/lm_failures.csv" "$TMP/w1_failures.csv" "$TMP/w2_failures.csv"
check "Locust's percentiles are within its own rounding of hornet's" \
    $PY $FIX/fleetcheck.py rounding "$TMP/lm_stats.csv" "$TMP/w1_stats.csv" "$TMP/w2_stats.csv"
echo "1..$n"
