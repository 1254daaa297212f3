#!/usr/bin/env bash
# End-to-end tests of the faults of a distributed run, all at once, on 127.0.0.1, each bounded:
# (1) kill -9 a worker mid-run: the master marks it missing within Locust's timeout (about 4 s
#     of silence), re-dispatches its users, and keeps every request the worker had reported
#     (tests/fixtures/fleet/tap.py sees its reports);
# (2) kill -9 the master: the workers stop their users and wait; a new master on the same port
#     gets them back, with its own -H, and its counts are what that target served;
# (3) garbage msgpack frames to a master and to a worker: logged, ignored, the run goes on;
# (4) a worker without a master, and one whose master does not answer, say so and retry;
# (5) a campaign refuses --worker.
source "$(dirname "$0")/lib.sh"
[ -n "${KEEP_TMP:-}" ] && trap '[ -n "${CLEANUP:-}" ] && eval "$CLEANUP"' EXIT   # keeps $TMP
FIX=tests/fixtures/fleet
PY=/usr/bin/python3             # Debian's, with the msgpack and zmq modules Locust uses
pids=""
bg() { "$@" & pids="$pids $!"; CLEANUP="kill $pids 2>/dev/null"; }
worker() {  # worker NAME MASTER_PORT [OPTIONS...]
    local name=$1 port=$2; shift 2
    $HORNET --worker --master-port "$port" --threads 1 "$@" $FIX/fleet.json \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    eval "$name=$!"; pids="$pids $!"; CLEANUP="kill $pids 2>/dev/null"
}
master() {  # master NAME PORT [OPTIONS...]
    local name=$1 port=$2; shift 2
    $HORNET --master --headless --only-summary --master-bind-host 127.0.0.1 \
        --master-bind-port "$port" "$@" $FIX/fleet.json >"$TMP/$name.out" 2>"$TMP/$name.err" &
    eval "$name=$!"; pids="$pids $!"; CLEANUP="kill $pids 2>/dev/null"
}
for t in a b c d e; do bg $TARGET --port 0 --quiet --seed 9 >"$TMP/t$t.out" 2>&1; done
for t in a b c d e; do
    wait_until 5 eval '[ -n "$(listen_port "$TMP/t$t.out")" ]'
    eval "url_$t=http://127.0.0.1:$(listen_port "$TMP/t$t.out")"
done
# log_time FILE TEXT: the unix time of the first log line holding TEXT
log_time() { grep -m1 -- "$2" "$1" | cut -c2-24 | sed 's/,/./' | xargs -I{} date -d {} +%s.%N; }

# ---- (1) kill -9 a worker; (2) kill -9 the master; (3) garbage: all started at once
p1=$(free_port) tap1=$(free_port)
master m1 "$p1" --expect-workers 2 -u 10 -r 10 -t 12s -s 3 --csv "$TMP/m1"
bg $PY $FIX/tap.py "$tap1" "$p1" "$TMP/tap1.json"
worker w1a "$tap1" -H "$url_a"
worker w1b "$tap1" -H "$url_b"
p2=$(free_port)
master m2 "$p2" --expect-workers 2 -u 6 -r 6 -t 60s
worker w2a "$p2" -H "$url_c"
worker w2b "$p2" -H "$url_c"
p3=$(free_port) p3w=$(free_port)
master m3 "$p3" --expect-workers 1 -u 4 -r 4 -t 4s -s 3 --csv "$TMP/m3"
worker w3 "$p3" -H "$url_e"
bg $PY $FIX/garbage.py fake-master "$p3w" >"$TMP/fake.out" 2>&1
fake=$!
worker w3f "$p3w" -H "$url_e"

p4=$(free_port) p4s=$(free_port)
worker w4 "$p4" -H "$url_e"
bg $PY $FIX/garbage.py silent-master "$p4s"
worker w4s "$p4s" -H "$url_e"

asked() { grep -q 'Master asked for' "$TMP/$1.err"; }
wait_until 15 eval 'asked w1a && asked w1b && asked w2a && asked w2b && asked w3'
$PY $FIX/garbage.py to-master "$p3" >"$TMP/garbage.out" 2>&1
sleep 3                                     # the runs go on a while
kill -KILL $w1b $m2
killed_w1b=$(date +%s.%N)
wait $w1b $m2 2>/dev/null
wait_until 5 eval 'grep -q "Lost the master" "$TMP/w2a.err" && grep -q "Lost the master" "$TMP/w2b.err"'
master m2b "$p2" --expect-workers 2 -H "$url_d" -u 6 -r 6 -t 3s -s 3 --csv "$TMP/m2b"

finish $m1 30; m1rc=$?
finish $m2b 30; m2brc=$?
finish $m3 20; m3rc=$?
finish $fake 20; fakerc=$?
for w in w1a w2a w2b w3 w3f; do finish "${!w}" 10; eval "${w}rc=$?"; done
for t in a b d e; do $PY $FIX/fleetcheck.py served "$(eval echo \$url_$t)" "$TMP/served_$t.json" >/dev/null; done
node_w1b=$(grep -o 'Worker [^:]*: connecting' "$TMP/w1b.err" | cut -d' ' -f2 | tr -d :)
missing_at=$(log_time "$TMP/m1.err" 'failed to send heartbeat, setting state to missing')

check "(1) the master marks the killed worker missing, 3.5 to 6.5 s after the kill (Locust's rule: 4 to 5 s, and a tick)" \
    $PY -c "import sys; d = float(sys.argv[1]) - float(sys.argv[2]); print(f'# {d:.2f} s'); sys.exit(not 3.5 <= d <= 6.5)" \
    "${missing_at:-0}" "$killed_w1b"
check "... and re-dispatches its 5 users to the other worker" \
    [ "$(grep -c 'Re-dispatched the 5 users of the worker that left to the 1 other' "$TMP/m1.err")" = 1 \
      -a "$(grep -o 'Master asked for {[^}]*} ([0-9]* total users)' "$TMP/w1a.err" | tail -1 | grep -c '(10 total users)')" = 1 ]
check "... the run ends normally and the worker left exits 0" [ "$m1rc" = 1 -a "$w1arc" = 0 ]
check "... nothing the killed worker reported is lost: the master counts the other worker's target plus all of it" \
    $PY $FIX/fleetcheck.py reported "$TMP/m1_stats.csv" "$TMP/tap1.json" "$node_w1b" "$TMP/served_a.json"

check "(2) the workers of a killed master stop their users and wait for it" \
    [ "$(cat "$TMP/w2a.err" "$TMP/w2b.err" | grep -c 'Users stopped: ready for the master')" -ge 2 ]
check "... they join the master that comes back on the same port, and load its host" \
    [ "$(cat "$TMP/w2a.err" "$TMP/w2b.err" | grep -c 'Reconnected to the master')" = 2 \
      -a "$(cat "$TMP/w2a.err" "$TMP/w2b.err" | grep -c "Users load the master's host $url_d")" = 2 ]
check "... its run counts what its target served, exactly, and everyone exits" \
    [ "$m2brc" = 1 -a "$w2arc" = 0 -a "$w2brc" = 0 ]
check "... (the counts)" $PY $FIX/fleetcheck.py counts "$TMP/m2b_stats.csv" "$TMP/served_d.json" 0

check "(3) the master logs each garbage frame and ignores it" \
    [ "$(grep -c 'A message from worker garbage-node was not understood .*: ignored' "$TMP/m3.err")" = 4 ]
check "... its run goes on: what its target served, exactly" \
    $PY $FIX/fleetcheck.py counts "$TMP/m3_stats.csv" "$TMP/served_e.json" 0
check "... the worker fed garbage by its master logs each frame, ignores it, and quits when told" \
    [ "$(grep -c 'A message from the master was not understood' "$TMP/w3f.err")" = 4 \
      -a "$fakerc" = 0 -a "$w3frc" = 0 -a "$w3rc" = 0 -a "$m3rc" = 1 ]

wait_until 10 eval 'grep -q "yet (attempt 1)" "$TMP/w4.err" && grep -q "does not answer (attempt 1)" "$TMP/w4s.err"'
check "(4) a worker without a master says so and tries again later" \
    grep -q "No master at tcp://127.0.0.1:$p4 yet (attempt 1): trying again in 10 s" "$TMP/w4.err"
check "... one whose master does not answer says that and asks again later" \
    grep -q "The master at tcp://127.0.0.1:$p4s does not answer (attempt 1): asking again in 10 s" "$TMP/w4s.err"
$HORNET campaign scenarios/campaign.json --worker >"$TMP/camp.out" 2>"$TMP/camp.err"
camprc=$?
check "(5) a campaign refuses --worker (each run would dial anew): exit 2, saying why" \
    [ "$camprc" = 2 -a "$(grep -c 'run one scenario, not a campaign' "$TMP/camp.err")" = 1 ]
echo "1..$n"
