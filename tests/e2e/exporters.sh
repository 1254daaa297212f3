#!/usr/bin/env bash
# End-to-end tests of backend health against real exporters that hornet did not write (the
# Debian packages make test installs): prometheus-node-exporter, and redis-server with
# prometheus-redis-exporter, each started here on 127.0.0.1 at a free port and stopped at the
# end. hornet runs a small scenario against its built-in target with a health block polling
# them every 0.5 s, and what it wrote to PREFIX_health.csv is checked against the truth:
#   - node_exporter's load average against /proc/loadavg, read every 0.1 s meanwhile (and
#     hornet's own host source against the same readings);
#   - redis_exporter's connected clients against the connections this test opens (7, for
#     2.5 s): base + 7 while they are open, base again once they are closed;
#   - a counter's rate (node_exporter's textfile collector serving a counter this test raises
#     by 25 every 0.25 s: 100/s) against the increments, poll by poll and over the run.
# Every process is bounded in time; prints TAP lines.
set -u
source "$(dirname "$0")/lib.sh"
NODE=${NODE_EXPORTER:-prometheus-node-exporter}
REDIS_EXPORTER=${REDIS_EXPORTER:-prometheus-redis-exporter}
REDIS=${REDIS_SERVER:-redis-server}
pids=()
CLEANUP='for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null'

for b in "$NODE" "$REDIS_EXPORTER" "$REDIS"; do
    if ! command -v "$b" >/dev/null; then
        not_ok "$b is installed (make test installs it)"
        echo "1..$n"
        exit 1
    fi
done
calc_add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
up() { curl -sf "http://127.0.0.1:$1/metrics" | grep -q "^$2"; }

# ---- the exporters -------------------------------------------------------------------------------
mkdir -p "$TMP/textfile"
echo 'hornet_test_total 0' >"$TMP/textfile/hornet.prom"
rport=$(free_port)
timeout 120 "$REDIS" --port "$rport" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no --logfile "$TMP/redis.log" &
pids+=($!)
xport=$(free_port)
timeout 120 "$REDIS_EXPORTER" -redis.addr "redis://127.0.0.1:$rport" \
    -web.listen-address "127.0.0.1:$xport" >"$TMP/rexp.log" 2>&1 &
pids+=($!)
nport=$(free_port)
timeout 120 "$NODE" --web.listen-address="127.0.0.1:$nport" --collector.disable-defaults \
    --collector.loadavg --collector.textfile --collector.textfile.directory="$TMP/textfile" \
    >"$TMP/node.log" 2>&1 &
pids+=($!)
wait_until 15 up "$nport" node_load1
check "node_exporter answers on 127.0.0.1:$nport" [ $? = 0 ]
wait_until 15 up "$xport" redis_up
check "redis_exporter answers on 127.0.0.1:$xport" [ $? = 0 ]
wait_until 15 eval 'curl -sf "http://127.0.0.1:$xport/metrics" | grep -q "^redis_up 1"'
check "... and reaches redis-server on 127.0.0.1:$rport" [ $? = 0 ]

cat >"$TMP/exporters.json" <<EOF
{
  "name": "exporters",
  "run_time": "10s",
  "users": 1,
  "user_classes": [{"name": "U", "wait": {"constant": 1},
    "tasks": [{"name": "health", "steps": [{"method": "GET", "path": "/api/v1/health/"}]}]}],
  "health": {
    "interval": "500ms",
    "sources": {
      "node": {"type": "prometheus", "url": "http://127.0.0.1:$nport/metrics", "metrics": {
        "load1": "node_load1",
        "counter": "hornet_test_total",
        "counter rate": {"query": "hornet_test_total", "rate": true, "unit": "/s"}}},
      "redis": {"type": "prometheus", "url": "http://127.0.0.1:$xport/metrics", "metrics": {
        "clients": {"query": "redis_connected_clients", "limit": "< 1000"}}},
      "box": {"type": "host", "metrics": {"host load1": "load1"}}
    }
  }
}
EOF

# ---- the truth, meanwhile --------------------------------------------------------------------
# /proc/loadavg every 0.1 s; the counter raised by 25 every 0.25 s; 7 clients for 3 s
(for _ in $(seq 130); do cut -d' ' -f1 /proc/loadavg; sleep 0.1; done) >"$TMP/loadavg" &
pids+=($!)
(v=0; for _ in $(seq 50); do sleep 0.25; v=$((v + 25))
    echo "hornet_test_total $v" >"$TMP/textfile/.hornet.tmp"
    mv "$TMP/textfile/.hornet.tmp" "$TMP/textfile/hornet.prom"
    echo "$(date +%s.%N) $v" >>"$TMP/writes"; done) &
pids+=($!)
python3 - "$rport" >"$TMP/clients.log" 2>&1 <<'EOF' &
import socket, sys, time
time.sleep(1.5)
conns = []
for _ in range(7):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"PING\r\n")
    assert s.recv(64).startswith(b"+PONG")
    conns.append(s)
print("open", time.time(), flush=True)
time.sleep(2.5)
for s in conns:
    s.close()
print("closed", time.time(), flush=True)
EOF
pids+=($!)

timeout 60 $HORNET --headless --only-summary --csv "$TMP/x" "$TMP/exporters.json" \
    >"$TMP/x.out" 2>"$TMP/x.err"
rc=$?
check "hornet runs with the exporters' health block (exit $rc)" [ "$rc" = 0 ]
CSV=$TMP/x_health.csv
# values SOURCE METRIC: every value of a metric, one a line (empty values left out)
values() { awk -F, -v s="$1" -v m="$2" '$2 == s && $3 == m && $4 != "" { print $4 }' "$CSV"; }
n_load=$(values node load1 | wc -l)
check "node_exporter's load average was polled every 0.5 s ($n_load polls)" [ "$n_load" -ge 12 ]
# in_truth: every value on stdin is one /proc/loadavg showed meanwhile (compared as numbers)
in_truth() {
    awk 'NR == FNR { seen[$1 + 0] = 1; next } !(($1 + 0) in seen) { print; bad = 1 }
         END { exit bad }' "$TMP/loadavg" -
}
bad=$(values node load1 | in_truth)
check "every node_load1 value is what /proc/loadavg said (not: ${bad:-none})" [ -z "$bad" ]
bad=$(values box "host load1" | in_truth)
check "and so is every load1 hornet read from /proc itself (not: ${bad:-none})" [ -z "$bad" ]

# clients SINCE UNTIL: the clients polled between two unix times, one a line
clients() { awk -F, -v a="$1" -v b="$2" '$2 == "redis" && $3 == "clients" && $4 != "" &&
                                         $1 > a && $1 < b { print $4 }' "$CSV"; }
opened=$(awk '$1 == "open" { print $2 }' "$TMP/clients.log")
closed=$(awk '$1 == "closed" { print $2 }' "$TMP/clients.log")
base=$(values redis clients | head -1)
during=$(clients "$(calc_add "$opened" 0.6)" "$closed" | sort -u | paste -sd' ')
after=$(clients "$(calc_add "$closed" 0.6)" 9e9 | sort -u | paste -sd' ')
check "redis_exporter's clients rise by exactly the 7 connections opened ($base -> $during)" \
    [ -n "$base" -a "$during" = "$((base + 7))" ]
check "and fall back when they close ($after)" [ "$after" = "$base" ]
check "the clients' limit passes" grep -qE '^clients +redis .* < 1000 +pass' "$TMP/x.out"

# the rate of each poll is the counter's increase over the time between the two polls
bad=$(awk -F, '$2 == "node" && $3 == "counter" && $4 != "" { t[$1] = $4; order[++n] = $1 }
    $2 == "node" && $3 == "counter rate" && $4 != "" { r[$1] = $4 }
    END { for (i = 2; i <= n; i++) { a = order[i - 1]; b = order[i]
            if (!(b in r)) continue
            want = (t[b] - t[a]) / (b - a); got = r[b]
            if (got - want > 0.01 * want + 0.5 || want - got > 0.01 * want + 0.5)
                print b ": " got " != " want } }' "$CSV")
check "each poll's rate is the increase over the time between polls (wrong: ${bad:-none})" [ -z "$bad" ]
odd=$(values node counter | awk '$1 % 25 != 0' | head -1)
check "the counter only moves by the test's steps of 25 (${odd:-ok})" [ -z "$odd" ]
# the writer's own pace (25 every 0.25 s, slower when the machine is busy) is the truth
truth=$(awk 'NR == 1 { t0 = $1; v0 = $2 } { t1 = $1; v1 = $2 }
    END { if (t1 > t0) printf "%.1f", (v1 - v0) / (t1 - t0) }' "$TMP/writes")
mean=$(awk -F, '$2 == "node" && $3 == "counter" && $4 != "" { if (!n++) { t0 = $1; v0 = $4 }
    t1 = $1; v1 = $4 } END { if (t1 > t0) printf "%.1f", (v1 - v0) / (t1 - t0) }' "$CSV")
check "over the run the counter's rate is the writer's ($mean/s, written at $truth/s)" \
    awk -v m="${mean:-0}" -v w="${truth:-1}" 'BEGIN { exit !(m > 0.9 * w && m < 1.1 * w) }'
rates=$(values node "counter rate" | awk '{ s += $1; n++ } END { if (n) printf "%.1f", s / n }')
check "and so is the mean of the rates hornet computed ($rates/s)" \
    awk -v m="${rates:-0}" -v w="${truth:-1}" 'BEGIN { exit !(m > 0.85 * w && m < 1.15 * w) }'
echo "1..$n"
