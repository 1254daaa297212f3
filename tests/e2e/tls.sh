#!/usr/bin/env bash
# End-to-end tests of hornet against https targets: a private CA made here with openssl,
# local TLS servers (python3's ssl) with a certificate for 127.0.0.1, one for another host
# name, and one that requires a client certificate. Verification is on by default; --cacert
# (and HORNET_CACERT, the config file, the scenario's tls block) trusts the private CA;
# --insecure turns verification off with a warning in the console and the reports; --cert and
# --key present a client certificate. Every run is bounded by -t and talks to 127.0.0.1 only;
# the servers stop by themselves after 60 s.
set -u
source "$(dirname "$0")/lib.sh"
PKI=$TMP/pki
mkdir -p "$PKI"

# ---- a private CA, a server certificate for 127.0.0.1, one for another name, a client's
pki() { openssl "$@" >/dev/null 2>&1; }
pki req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=hornet test CA" \
    -keyout "$PKI/ca.key" -out "$PKI/ca.pem"
# issue NAME SUBJECT_ALT_NAME [EXTENDED_KEY_USAGE]
issue() {
    pki req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$PKI/$1.key" -out "$PKI/$1.csr"
    printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$2" "${3:-serverAuth}" >"$PKI/$1.ext"
    pki x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
        -days 2 -extfile "$PKI/$1.ext" -out "$PKI/$1.pem"
}
issue local "IP:127.0.0.1,DNS:localhost"
issue wrong "DNS:wrong.example"
issue client "DNS:hornet-client" clientAuth
check "the test PKI is made (openssl)" [ -s "$PKI/local.pem" -a -s "$PKI/wrong.pem" -a -s "$PKI/client.pem" ]

cat >"$TMP/tls_server.py" <<'PY'
import http.server, socketserver, ssl, sys, threading
cert, key, ca, need_client = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "client"
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    def handle_error(self, request, client_address):
        pass                            # refused handshakes are the point of some tests
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if need_client:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(ca)
srv = Server(("127.0.0.1", 0), Handler)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
threading.Timer(60, srv.shutdown).start()
srv.serve_forever()
PY
for s in local wrong client; do
    cert=local
    [ "$s" = wrong ] && cert=wrong
    python3 "$TMP/tls_server.py" "$PKI/$cert.pem" "$PKI/$cert.key" "$PKI/ca.pem" "$s" \
        >"$TMP/$s.port" 2>"$TMP/$s.server.err" &
    CLEANUP="${CLEANUP:-} kill $! 2>/dev/null;"
done
for s in local wrong client; do
    wait_until 10 eval '[ -s "$TMP/$s.port" ]'
done
LOCAL=https://127.0.0.1:$(cat "$TMP/local.port")
WRONG=https://127.0.0.1:$(cat "$TMP/wrong.port")
CLIENT=https://127.0.0.1:$(cat "$TMP/client.port")

cat >"$TMP/health.json" <<'JSON'
{"name": "tls", "users": 2, "spawn_rate": 10, "user_classes": [{"name": "U",
 "wait": {"constant": 0.1},
 "tasks": [{"name": "get", "steps": [{"method": "GET", "path": "/api/v1/health/"}]}]}]}
JSON
sed 's/^{"name": "tls",/{"name": "tls", "tls": {"cacert": "pki\/ca.pem"},/' "$TMP/health.json" \
    >"$TMP/with_ca.json"
printf 'cacert = %s\n' "$PKI/ca.pem" >"$TMP/hornet.conf"

# run NAME [ENV=VALUE ...] -- ARGS...: a bounded headless run in the background
pids=()
run() {
    local name=$1 envs=()
    shift
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    env "${envs[@]}" $HORNET --headless --only-summary -t 2s --csv "$TMP/$name" "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    pids+=($!)
    eval "${name}_pid=$!"
}
run default -- -H "$LOCAL" "$TMP/health.json"
run cacert -- -H "$LOCAL" --cacert "$PKI/ca.pem" "$TMP/health.json"
run env HORNET_CACERT="$PKI/ca.pem" -- -H "$LOCAL" "$TMP/health.json"
run conf -- -H "$LOCAL" --config "$TMP/hornet.conf" "$TMP/health.json"
run scenario -- -H "$LOCAL" "$TMP/with_ca.json"
run wronghost -- -H "$WRONG" --cacert "$PKI/ca.pem" "$TMP/health.json"
run insecure -- -H "$WRONG" --insecure --report "$TMP/insecure.md" --html "$TMP/insecure.html" \
    "$TMP/health.json"
run nocert -- -H "$CLIENT" --cacert "$PKI/ca.pem" "$TMP/health.json"
run withcert -- -H "$CLIENT" --cacert "$PKI/ca.pem" --cert "$PKI/client.pem" \
    --key "$PKI/client.key" "$TMP/health.json"
CLEANUP="${CLEANUP:-} kill ${pids[*]} 2>/dev/null;"

requests() { csv_cell "$TMP/$1_stats.csv" Aggregated 3; }
failures() { csv_cell "$TMP/$1_stats.csv" Aggregated 4; }
# passes NAME: exit 0, requests answered, none failed
passes() { [ "$2" = 0 ] && [ "$(requests "$1")" -gt 0 ] && [ "$(failures "$1")" = 0 ]; }
# refused NAME: exit 1, every request failed
refused() { [ "$2" = 1 ] && [ "$(requests "$1")" -gt 0 ] && [ "$(failures "$1")" = "$(requests "$1")" ]; }
outcome() { wait "$1"; rc=$?; }

outcome "$default_pid"
check "verification is on by default: a private CA's certificate is refused (exit $rc)" \
    refused default "$rc"
check "... with libcurl's reason, not the bare error code" \
    grep -q '^GET,/api/v1/health/,SSL certificate problem: [a-z]' "$TMP/default_failures.csv"
outcome "$cacert_pid"
check "--cacert trusts the private CA (exit $rc, $(requests cacert) requests)" passes cacert "$rc"
outcome "$env_pid"
check "HORNET_CACERT does the same (exit $rc)" passes env "$rc"
outcome "$conf_pid"
check "so does cacert = FILE in a config file (exit $rc)" passes conf "$rc"
outcome "$scenario_pid"
check "and the scenario's tls.cacert, relative to the scenario (exit $rc)" passes scenario "$rc"
outcome "$wronghost_pid"
check "a certificate for another host name is refused (exit $rc)" refused wronghost "$rc"
check "... saying the name does not match" \
    grep -qi 'SSL: no alternative certificate subject name matches' "$TMP/wronghost_failures.csv"
outcome "$insecure_pid"
check "--insecure accepts it (exit $rc)" passes insecure "$rc"
check "... with a warning in the log" grep -q "WARNING/hornet: INSECURE: TLS certificates" \
    "$TMP/insecure.err"
check "... in the console summary" grep -q "^INSECURE: TLS certificates and host names were not verified" \
    "$TMP/insecure.out"
check "... and in the Markdown report" grep -q "NOT VERIFIED (--insecure)" "$TMP/insecure.md"
check "... and the HTML report" grep -q "INSECURE: TLS certificates" "$TMP/insecure.html"
check "... and nowhere in a verified run" [ "$(grep -c INSECURE "$TMP/cacert.out" "$TMP/cacert.err" | grep -vc ':0$')" = 0 ]
outcome "$nocert_pid"
check "a server that requires a client certificate refuses a run without one (exit $rc)" \
    refused nocert "$rc"
outcome "$withcert_pid"
check "--cert and --key present one (exit $rc)" passes withcert "$rc"

# ---- refused before any load
out=$($HORNET --headless -t 1s -H "$LOCAL" --key "$PKI/client.key" "$TMP/health.json" 2>&1); rc=$?
check "--key without --cert is refused with exit 2" [ "$rc" = 2 -a "$(grep -c -- "--key" <<<"$out")" = 1 ]
out=$($HORNET --headless -t 1s -H "$LOCAL" --cacert "$TMP/none.pem" "$TMP/health.json" 2>&1); rc=$?
check "an unreadable --cacert is refused with exit 2, naming it" \
    [ "$rc" = 2 -a "$(grep -c "none.pem" <<<"$out")" = 1 ]
sed 's/"pki\/ca.pem"/"pki\/none.pem"/' "$TMP/with_ca.json" >"$TMP/bad_ca.json"
out=$($HORNET --headless -t 1s -H "$LOCAL" "$TMP/bad_ca.json" 2>&1); rc=$?
check "a scenario whose tls.cacert is missing is refused with its location" \
    [ "$rc" = 2 -a "$(grep -cE 'bad_ca.json:[0-9]+:[0-9]+: tls.cacert: cannot read' <<<"$out")" = 1 ]
echo "1..$n"
