#!/usr/bin/env bash
# End-to-end test of hornet in a pipeline: a shipped scenario runs headless with --csv,
# --json-file, --junit and --metrics-port, as a CI job would run it; the endpoint is scraped
# during the run (every scrape accepted by promtool, counters never going down) and after it
# (--metrics-linger), and all three outputs are checked against the CSV files: the JSON with
# Locust's own code (Debian's python3-locust) reading it, the JUnit file against the schema
# (xmllint) and with junitparser and xml.etree, the final metrics' counters. Then --json on
# stdout, exit code 4 for outputs that cannot be written, and a metrics port in use.
# Every run is bounded (-t) and talks to 127.0.0.1 only.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3                 # Debian's python3, with locust and junitparser

# ---- the CI job
$HORNET --headless --only-summary -u 20 -r 20 -t 8s --csv "$TMP/ci" --json-file "$TMP/ci" \
    --junit "$TMP/ci/junit.xml" --metrics-port 0 --metrics-linger 30 \
    scenarios/deployments.json >"$TMP/ci.out" 2>"$TMP/ci.err" &
pid=$!
CLEANUP="kill $pid 2>/dev/null"
metrics_port() { grep -oE 'Metrics at http://127\.0\.0\.1:[0-9]+/metrics' "$TMP/ci.err" | grep -oE ':[0-9]+/' | tr -d ':/'; }
wait_until 10 eval '[ -n "$(metrics_port)" ]'
port=$(metrics_port)
check "the metrics endpoint is announced" [ -n "$port" ]
URL="http://127.0.0.1:$port/metrics"

# scrape every 0.3 s until the run has ended (the linger began), keeping each body
k=0
until grep -q "Serving the final metrics" "$TMP/ci.err" || ! kill -0 $pid 2>/dev/null; do
    curl -sf -o "$TMP/scrape.$k" "$URL" && k=$((k + 1))
    sleep 0.3
done
curl -sf -D "$TMP/final.headers" -o "$TMP/final.prom" "$URL"; rc=$?
check "scraped during the run (at least 10 times)" [ "$k" -ge 10 ]
check "the final numbers are served after the run (--metrics-linger)" [ "$rc" = 0 ]
check "with Prometheus's content type" grep -qi '^Content-Type: text/plain; version=0.0.4' "$TMP/final.headers"
bad=0
for f in "$TMP"/scrape.* "$TMP/final.prom"; do promtool check metrics <"$f" >/dev/null 2>&1 || bad=$((bad + 1)); done
check "promtool accepts every scrape" [ "$bad" = 0 ]
check "another path is 404" [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 404 ]
out=$($HORNET --headless -t 1s --metrics-port "$port" scenarios/deployments.json 2>&1); rc=$?
check "a metrics port in use is refused before any load (exit 2)" \
    [ "$rc" = 2 -a "$(grep -c "cannot listen on 127.0.0.1:$port: Address already in use" <<<"$out")" = 1 -a "$(grep -c Ramping <<<"$out")" = 0 ]
kill -INT $pid
wait $pid; rc=$?
check "the CI job exits 0 (its targets pass) once Ctrl-C ends the linger" [ "$rc" = 0 ]

# counters only grow from one scrape to the next, up to the final one
check "counters never go down across the scrapes" $PY - "$TMP" "$k" <<'PY'
import re, sys
tmp, k = sys.argv[1], int(sys.argv[2])
files = ["%s/scrape.%d" % (tmp, i) for i in range(k)] + [tmp + "/final.prom"]
counter = re.compile(r'^(\w+(_total|_count|_bucket|_sum)(\{[^}]*\})?) (\S+)$')
prev = {}
for f in files:
    for line in open(f):
        m = counter.match(line.strip())
        if not m:
            continue
        v = float(m.group(4))
        if v < prev.get(m.group(1), 0):
            sys.exit("%s went down in %s: %s < %s" % (m.group(1), f, v, prev[m.group(1)]))
        prev[m.group(1)] = v
PY

# ---- the final metrics against the CSV
check "the final metrics' counters equal the CSV's" $PY - "$TMP" <<'PY'
import csv, re, sys
tmp = sys.argv[1]
rows = {(r["Type"], r["Name"]): r for r in csv.DictReader(open(tmp + "/ci_stats.csv", newline=""))}
series = {}
for line in open(tmp + "/final.prom"):
    m = re.match(r'^(\w+)\{method="([^"]*)",name="([^"]*)"\} (\S+)$', line.strip())
    if m:
        series[(m.group(1), m.group(2), m.group(3))] = float(m.group(4))
total = 0
for (method, name), r in rows.items():
    if name == "Aggregated":
        continue
    req = series[("hornet_requests_total", method, name)]
    assert req == int(r["Request Count"]), (name, req, r["Request Count"])
    assert series[("hornet_request_failures_total", method, name)] == int(r["Failure Count"])
    assert series[("hornet_response_time_seconds_count", method, name)] == req
    total += req
assert total == int(rows[("", "Aggregated")]["Request Count"]) > 0, total
PY

# ---- the JSON file: Locust's shape, read by Locust's own code, against the CSV
check "ci.json is written (PREFIX.json)" [ -s "$TMP/ci.json" ]
check "Locust's StatsEntry reads ci.json and its numbers match the CSV" $PY - "$TMP" <<'PY'
import csv, json, sys
from locust.stats import StatsEntry
tmp = sys.argv[1]
rows = {(r["Type"], r["Name"]): r for r in csv.DictReader(open(tmp + "/ci_stats.csv", newline=""))}
data = json.load(open(tmp + "/ci.json"))
assert isinstance(data, list) and data
total = 0
for d in data:
    r = rows[(d["method"], d["name"])]
    for key in ("response_times", "num_reqs_per_sec", "num_fail_per_sec"):
        d[key] = {int(k): v for k, v in d[key].items()}
    e = StatsEntry.unserialize(d)               # what a Locust master or script does with it
    n = int(r["Request Count"])
    assert e.num_requests == n and e.num_failures == int(r["Failure Count"]), d["name"]
    assert sum(e.response_times.values()) == n - e.num_none_requests
    assert sum(e.num_reqs_per_sec.values()) == n
    assert abs(e.avg_response_time - float(r["Average Response Time"])) < 0.01
    assert abs(e.max_response_time - float(r["Max Response Time"])) < 1
    assert abs(e.min_response_time - float(r["Min Response Time"])) < 1
    assert abs(e.total_content_length / n - float(r["Average Content Size"])) < 0.01
    # Locust's own percentile from the rounded buckets: the CSV's exact value within the
    # rounding (2 significant digits) and the CSV's whole milliseconds
    for pct, col in ((0.5, "50%"), (0.95, "95%"), (0.99, "99%")):
        ours = float(r[col])
        theirs = e.get_response_time_percentile(pct)
        assert abs(theirs - ours) <= max(1.5, 0.06 * ours), (d["name"], col, theirs, ours)
    assert d["hornet"]["expected"] >= 0 and "percentiles" in d["hornet"]
    total += n
agg = rows[("", "Aggregated")]
assert total == int(agg["Request Count"])
assert data[0]["hornet_run"]["aggregated"]["num_requests"] == total
PY

# ---- the JUnit file: the schema, a real consumer, the CSV and the scenario's targets
valid_junit() { xmllint --noout --schema tests/fixtures/junit/junit.xsd "$1" 2>"$TMP/xmllint.err"; }
check "junit.xml validates against the JUnit schema" valid_junit "$TMP/ci/junit.xml"
check "junitparser and xml.etree read junit.xml: a case per target, passing, as the CSV" \
    $PY - "$TMP" <<'PY'
import csv, json, sys
import xml.etree.ElementTree as ET
from junitparser import JUnitXml, Failure, Error, Skipped
tmp = sys.argv[1]
rows = {(r["Type"], r["Name"]): r for r in csv.DictReader(open(tmp + "/ci_stats.csv", newline=""))}
scenario = json.load(open("scenarios/deployments.json"))
root = ET.parse(tmp + "/ci/junit.xml").getroot()
suites = root.findall("testsuite")
assert root.tag == "testsuites" and len(suites) == 1
suite = suites[0]
props = {p.get("name"): p.get("value") for p in suite.iter("property")}
assert props["requests"] == rows[("", "Aggregated")]["Request Count"]
assert props["failures"] == rows[("", "Aggregated")]["Failure Count"]
cases = [c for c in JUnitXml.fromfile(tmp + "/ci/junit.xml")][0]
names = [c.name for c in cases]
targets = sum(1 for k in scenario["targets"] if k != "endpoints") + \
    sum(len(v) for v in scenario["targets"].get("endpoints", {}).values())
assert len([c for c in cases if c.classname.endswith(".targets")]) == targets, names
assert "run completed" in names
failed = [c.name for c in cases if any(isinstance(r, (Failure, Error)) for r in c.result)]
skipped = [c.name for c in cases if any(isinstance(r, Skipped) for r in c.result)]
assert not failed, failed
assert skipped == ["rps 50..100"], skipped      # -u 20 changes the scenario's load
assert int(suite.get("tests")) == len(names)
PY

# ---- --json on stdout, and outputs that cannot be written
$HORNET --headless -u 3 -r 10 -t 2s --json scenarios/deployments.json >"$TMP/stdout.json" 2>"$TMP/stdout.err"; rc=$?
check "--json: stdout is the JSON alone (the tables go to stderr)" \
    $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d and "num_requests" in d[0]' "$TMP/stdout.json"
check "... and the stats tables went to stderr" grep -q "Aggregated" "$TMP/stdout.err"
$HORNET --headless --only-summary -u 2 -r 10 -t 1s --junit /proc/hornet/junit.xml \
    scenarios/deployments.json >/dev/null 2>"$TMP/junit4.err"; rc=$?
check "a --junit file that cannot be written exits 4" [ "$rc" = 4 ]
check "... saying why" grep -q -- "--junit: cannot" "$TMP/junit4.err"
$HORNET --headless --only-summary -u 2 -r 10 -t 1s --json-file /proc/hornet/run \
    scenarios/deployments.json >/dev/null 2>&1; rc=$?
check "a --json-file that cannot be written exits 4" [ "$rc" = 4 ]
echo "1..$n"
