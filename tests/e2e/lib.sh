# Shared helpers of the end-to-end scripts: TAP output and the programs under test.
# Sourced, not run (no exec bit): tests/run_all.sh runs only executable *.sh files.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
HORNET=${HORNET_BIN:-./hornet}
TARGET=${HORNET_TARGET_BIN:-./hornet-target}
TMP=$(mktemp -d /tmp/hornet-e2e.XXXXXX)
trap 'rm -rf "$TMP"; [ -n "${CLEANUP:-}" ] && eval "$CLEANUP"' EXIT
n=0
ok()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && echo "#   $2"; }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }
# crlf FILE: every line ends with CRLF
crlf()   { [ -s "$1" ] && ! LC_ALL=C grep -qv $'\r$' "$1"; }
# csv_cell FILE ROW_MATCH COLUMN: a cell of the first row whose Name is ROW_MATCH
csv_cell() { awk -F, -v name="$2" -v col="$3" '$2 == name { gsub("\r", ""); print $col; exit }' "$1"; }
# free_port: a TCP port free on 127.0.0.1 now (for a program that cannot pick its own)
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# listen_port FILE: the port of the first 127.0.0.1:PORT a program printed in FILE
listen_port() { grep -oE '127\.0\.0\.1:[0-9]+' "$1" | head -1 | cut -d: -f2; }
# wait_until SECONDS CMD...: run CMD every 0.1 s until it succeeds (0) or SECONDS pass (1)
wait_until() {
    local end=$((SECONDS + $1)); shift
    until "$@"; do
        [ $SECONDS -ge $end ] && return 1
        sleep 0.1
    done
}
# finish PID SECONDS: wait for a process that ends by itself, at most SECONDS (then it is
# killed and the status is 137); its exit status
finish() {
    wait_until "$2" eval "! kill -0 $1 2>/dev/null" || kill -KILL "$1" 2>/dev/null
    wait "$1"
}
# stop_run PID SIGNAL: send the signal, give the run 10 s to end, then kill it; its status
stop_run() {
    kill -"$2" "$1" 2>/dev/null
    wait_until 10 eval "! kill -0 $1 2>/dev/null" || kill -KILL "$1" 2>/dev/null
    wait "$1"
}
