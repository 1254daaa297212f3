#!/usr/bin/env bash
# End-to-end tests of how a run ends: SIGHUP acts as SIGTERM (and a storm of them while the
# final files are written kills nothing), a closed stdout (`| head -3`) stops the console
# table but not the run, the dashboard ignores SIGPIPE and leaves the terminal as it found
# it, and a target that never answers gives a run that does not pass, with the requests still
# in flight when the users stopped reported as aborted. Runs are bounded by -t or a signal
# and talk to 127.0.0.1 only.
set -u
source "$(dirname "$0")/lib.sh"
SCN=scenarios/deployments.json
SOCK=hornet-e2e-sig-$$
t() { tmux -L "$SOCK" "$@"; }
CLEANUP='tmux -L "$SOCK" kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"'
# counting FILE: history rows with requests counted: the users are running
counting() { awk -F, '$4 == "Aggregated" && $18 > 0' "$1" 2>/dev/null | grep -q .; }
total_of() { csv_cell "$1" Aggregated 3; }
last_history_total() { tail -1 "$1" | tr -d '\r' | cut -d, -f18; }

# ---- a server that accepts connections and never answers (bounded: 30 s)
cat >"$TMP/stall.py" <<'PY'
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
s.settimeout(0.2)
held, end = [], time.time() + 30
while time.time() < end:
    try:
        held.append(s.accept()[0])
    except socket.timeout:
        pass
PY
python3 "$TMP/stall.py" >"$TMP/stall.port" &
stall_pid=$!
CLEANUP="kill $stall_pid 2>/dev/null; $CLEANUP"
cat >"$TMP/plain.json" <<'JSON'
{"name": "plain", "users": 3, "spawn_rate": 10, "user_classes": [{"name": "U",
 "wait": {"constant": 0.1},
 "tasks": [{"name": "get", "steps": [{"method": "GET", "path": "/api/v1/health/"}]}]}]}
JSON

# ---- the runs that go at once
$HORNET --headless --only-summary -u 20 -r 100 -t 60s --csv "$TMP/hup" $SCN \
    >"$TMP/hup.out" 2>"$TMP/hup.err" &
hup_pid=$!
( $HORNET --headless -u 5 -r 10 -t 4s --csv "$TMP/pipe" --report "$TMP/pipe.md" $SCN \
      2>"$TMP/pipe.err"; echo $? >"$TMP/pipe.rc" ) | head -3 >"$TMP/pipe.head"
wait_until 5 eval '[ -s "$TMP/stall.port" ]'
port=$(cat "$TMP/stall.port")
$HORNET --headless -t 2s -H "http://127.0.0.1:$port" --csv "$TMP/stall" \
    --report "$TMP/stall.md" "$TMP/plain.json" >"$TMP/stall.out" 2>"$TMP/stall.err" &
stall_run=$!
CLEANUP="kill $hup_pid $stall_run 2>/dev/null; $CLEANUP"

# ---- SIGHUP
wait_until 20 counting "$TMP/hup_stats_history.csv"
kill -HUP "$hup_pid"
for i in $(seq 1 40); do kill -HUP "$hup_pid" 2>/dev/null; sleep 0.005; done
wait_until 10 eval "! kill -0 $hup_pid 2>/dev/null"
wait "$hup_pid"; rc=$?
check "SIGHUP stops the run like SIGTERM, exit 0 (got $rc), even when more arrive" [ "$rc" = 0 ]
check "... it says so" grep -q "SIGHUP received: stopping users" "$TMP/hup.err"
for f in stats stats_history failures exceptions; do
    check "... hup_$f.csv is written" crlf "$TMP/hup_$f.csv"
done
total=$(total_of "$TMP/hup_stats.csv")
check "... the final stats and history agree ($total)" \
    [ "${total:-0}" -gt 0 -a "$total" = "$(last_history_total "$TMP/hup_stats_history.csv")" ]

# ---- a closed stdout
check "| head -3: the run is not killed by SIGPIPE and exits 0 ($(cat "$TMP/pipe.rc"))" \
    [ "$(cat "$TMP/pipe.rc")" = 0 ]
check "... head got its three lines" [ "$(wc -l <"$TMP/pipe.head")" = 3 ]
total=$(total_of "$TMP/pipe_stats.csv")
check "... the final CSV files are written ($total requests)" \
    [ "${total:-0}" -gt 0 -a "$total" = "$(last_history_total "$TMP/pipe_stats_history.csv")" ]
check "... and the report" grep -q "Verdict" "$TMP/pipe.md"
check "... the console table stopped once, said on stderr" \
    [ "$(grep -c "cannot write the stats table: Broken pipe" "$TMP/pipe.err")" = 1 ]

# ---- a target that never answers
wait "$stall_run"; rc=$?
check "a run that completed no request does not pass: exit 1 (got $rc)" [ "$rc" = 1 ]
check "... its requests in flight when the users stopped are reported as aborted" \
    grep -qE "^3 requests were in flight when the users stopped: aborted" "$TMP/stall.out"
check "... per endpoint" grep -qE "^ +GET /api/v1/health/: 3$" "$TMP/stall.out"
check "... and why it failed" grep -q "^No request completed: a run that measured nothing does not pass" "$TMP/stall.out"
check "... the Locust CSV columns keep their meaning (0 requests)" \
    [ "$(total_of "$TMP/stall_stats.csv")" = 0 ]
check "... the report says it" grep -q "3 requests were in flight when the users stopped" \
    "$TMP/stall.md"
check "... and fails" grep -q "FAIL" "$TMP/stall.md"
check "... the event log too" grep -q "INFO/hornet: 3 requests in flight were aborted" \
    "$TMP/stall.err"

# ---- the dashboard and SIGPIPE
export LANG=C.UTF-8 LC_ALL=C.UTF-8
cat >"$TMP/dash.sh" <<EOF
#!/usr/bin/env bash
stty -a >"$TMP/dash.stty.before"
bash -c 'echo \$\$ >"$TMP/dash.pid"; exec $HORNET -u 2 -r 10 -t 30s $SCN 2>"$TMP/dash.err"'
rc=\$?
stty -a >"$TMP/dash.stty.after"
echo \$rc >"$TMP/dash.rc.tmp" && mv "$TMP/dash.rc.tmp" "$TMP/dash.rc"
sleep 600
EOF
chmod +x "$TMP/dash.sh"
t new-session -d -s dash -x 120 -y 40 "$TMP/dash.sh"
drawn() { t capture-pane -p -t dash 2>/dev/null | grep -q "Requests"; }
wait_until 15 drawn
dpid=$(cat "$TMP/dash.pid" 2>/dev/null)
kill -PIPE "$dpid" 2>/dev/null
sleep_until_gone() { ! kill -0 "$dpid" 2>/dev/null; }
wait_until 1 sleep_until_gone
check "the dashboard survives SIGPIPE" kill -0 "$dpid"
t send-keys -t dash C-c
wait_until 15 eval '[ -s "$TMP/dash.rc" ]'
check "... quits on Ctrl-C with exit 0 ($(cat "$TMP/dash.rc" 2>/dev/null))" \
    [ "$(cat "$TMP/dash.rc" 2>/dev/null)" = 0 ]
check "... and the terminal is as it was" cmp -s "$TMP/dash.stty.before" "$TMP/dash.stty.after"
echo "1..$n"
