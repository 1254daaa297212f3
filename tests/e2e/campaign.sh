#!/usr/bin/env bash
# End-to-end tests of setup, preflight and teardown, and of campaigns: the shipped campaign of
# four scenarios (run times shortened to 3 s) with its results document checked against each
# scenario's own files, the rebuild by hornet report --campaign, preflights that fail on
# hornet-target put into the failing states (no pending approvals, a connector plane down) and
# stop the run before any load with exit code 5, what setup captures reaching every user, a
# teardown after Ctrl-C, a Ctrl-C in the middle of a campaign and a target that dies in it. Every run is bounded and
# talks to 127.0.0.1 only; they go at once.
source "$(dirname "$0")/lib.sh"

# ---- the runs, all at once; their checks follow in order
# Each of the four runs 3 s (the burst reaches 300 users); 2 s under the sanitizers, whose
# programs need 5-15 times the CPU, so the suites that run beside this one keep their timing.
RUN_TIME=3s
[ "${FLAVOR:-release}" = release ] || RUN_TIME=2s
$HORNET campaign scenarios/campaign.json --out "$TMP/results" --headless -t $RUN_TIME --cool-down 0 \
    --only-summary --junit "$TMP/results/junit.xml" >"$TMP/camp.out" 2>"$TMP/camp.err" &
camp_pid=$!
$TARGET --port 0 --quiet --cab-auto-approve >"$TMP/t_cab.out" 2>&1 &
tcab_pid=$!
$TARGET --port 0 --quiet --error-rate jamf=1 >"$TMP/t_jamf.out" 2>&1 &
tjamf_pid=$!
$TARGET --port 0 --quiet >"$TMP/t_live.out" 2>&1 &
tlive_pid=$!
cat > "$TMP/shared.json" <<'JSON'
{"name": "shared", "users": 3, "spawn_rate": 30,
 "setup": {"headers": {"Authorization": "Token ${setup_token}"}, "steps": [
   {"method": "POST", "path": "/api/v1/auth/token/",
    "json": {"username": "loadtest_user", "password": "loadtest"}, "capture": {"setup_token": "token"}},
   {"repeat": 3, "steps": [
     {"method": "POST", "path": "/api/v1/deployments/", "json": {"name": "s-${iteration}", "ring": "pilot"},
      "expect": [201], "capture": {"dep": "id"}}]}]},
 "teardown": {"headers": {"Authorization": "Token ${setup_token}"}, "steps": [
   {"method": "GET", "path": "/api/v1/deployments/${dep}/", "name": "/api/v1/deployments/[setup]/"}]},
 "user_classes": [{"name": "Reader", "wait": {"constant": 0.1},
   "headers": {"Authorization": "Token ${setup_token}"},
   "tasks": [{"name": "read what setup made", "steps": [
     {"method": "GET", "path": "/api/v1/deployments/${dep}/", "name": "/api/v1/deployments/[id]/",
      "checks": [{"json": "id", "equals": "${dep}"}]}]}]}]}
JSON
$HORNET --headless --only-summary -t 2s --csv "$TMP/shared" "$TMP/shared.json" \
    >"$TMP/shared.out" 2>"$TMP/shared.err" &
shared_pid=$!
$HORNET --headless --only-summary -t 60s --csv "$TMP/intr" "$TMP/shared.json" \
    >"$TMP/intr.out" 2>"$TMP/intr.err" &
intr_pid=$!
# the dashboard in a campaign: its line, and n to go to the next scenario (tmux, its own server)
SOCK=hornet-e2e-campaign-$$
t() { tmux -L "$SOCK" "$@"; }
cat > "$TMP/dash.json" <<JSON
{"name": "dashboard", "cool_down": 0, "scenarios": [
  {"scenario": "$PWD/scenarios/deployments.json", "users": 5, "run_time": "60s"},
  {"scenario": "$PWD/scenarios/connectors.json", "users": 5, "run_time": "2s"}]}
JSON
t new-session -d -s dash -x 120 -y 40 \
    "$HORNET campaign $TMP/dash.json --out $TMP/dash_results; sleep 60"
cat > "$TMP/short.json" <<'JSON'
{"name": "interrupted campaign", "cool_down": 0, "scenarios": [
  {"scenario": "SCN/deployments.json", "users": 5, "run_time": "2s"},
  {"scenario": "SCN/cab_approvals.json", "users": 5, "run_time": "60s"},
  {"scenario": "SCN/connectors.json", "users": 5, "run_time": "2s"}]}
JSON
sed -i "s|SCN|$PWD/scenarios|" "$TMP/short.json"
$HORNET campaign "$TMP/short.json" --out "$TMP/intr_results" --headless --only-summary \
    >"$TMP/ci.out" 2>"$TMP/ci.err" &
ci_pid=$!
$TARGET --port 0 --quiet >"$TMP/t_crash.out" 2>&1 &
tcrash_pid=$!
disown "$tcrash_pid"                # killed on purpose below: no "Killed" notice
CLEANUP="kill $camp_pid $tcab_pid $tjamf_pid $tlive_pid $shared_pid $intr_pid $ci_pid \
    $tcrash_pid 2>/dev/null; tmux -L $SOCK kill-server 2>/dev/null"
port_of() { grep -oE '127\.0\.0\.1:[0-9]+' "$1" | head -1 | cut -d: -f2; }
listening() { for t in cab jamf live crash; do [ -n "$(port_of "$TMP/t_$t.out")" ] || return 1; done; }
wait_until 5 listening
cab=http://127.0.0.1:$(port_of "$TMP/t_cab.out")
jamf=http://127.0.0.1:$(port_of "$TMP/t_jamf.out")
live=http://127.0.0.1:$(port_of "$TMP/t_live.out")
crash=http://127.0.0.1:$(port_of "$TMP/t_crash.out")
sed -e 's/"run_time": "60s"/"run_time": "2s"/' -e 's/"users": 5,/"users": 5, "host": "HOST",/' \
    -e "s|HOST|$crash|" "$TMP/short.json" >"$TMP/crash.json"
$HORNET campaign "$TMP/crash.json" --out "$TMP/crash_results" --headless --only-summary -t 3s \
    --junit "$TMP/crash.xml" >"$TMP/crash.out" 2>"$TMP/crash.err" &
crash_pid=$!
cstate() { awk -F, -v i="$1" '$1 == i { print $5 }' "$TMP/crash_results/campaign.csv" 2>/dev/null; }
crash_loading() {
    [ "$(cstate 1)" = RUNNING ] &&
        [ "$(wc -l <"$TMP/crash_results/01_deployments_stats_history.csv" 2>/dev/null)" -ge 2 ]
}
(wait_until 20 crash_loading; kill -KILL "$tcrash_pid" 2>/dev/null) &   # the target dies
CLEANUP="$CLEANUP; kill $crash_pid 2>/dev/null"

# ---- preflights that fail before any load
out=$($HORNET -H "$cab" --headless -t 5s --csv "$TMP/cab" scenarios/cab_approvals.json 2>&1); rc=$?
check "no pending approvals: the CAB preflight stops the run with exit code 5" [ "$rc" = 5 ]
want='preflight check "100+ pending approvals" failed (GET /api/v1/cab/approvals/): '
want+='json.count >= 100 (got 0)'
check "... naming the check and what it got" grep -qF "$want" <<<"$out"
check "... before any load: no user started, no stats file" \
    [ "$(grep -c 'Ramping' <<<"$out")" = 0 -a ! -e "$TMP/cab_stats.csv" ]
check "... setup ran (120 deployments) and its table is in _fixtures.csv" \
    grep -q '^setup,POST,/api/v1/deployments/ (pending change),120,0,' "$TMP/cab_fixtures.csv"
stats=$(curl -s "$cab/api/v1/_stats/")
check "... the target saw only setup's and preflight's requests" \
    python3 -c 'import json, sys
r = {k: v["total"] for k, v in json.loads(sys.argv[1])["routes"].items()}
sys.exit(not (r["deployment_create"] == 120 and r["approval_list"] == 1 and
              r["approval_approve"] == 0 and r["auth_token"] == 1))' "$stats"
out=$($HORNET -H "$jamf" --headless -t 5s scenarios/connectors.json 2>&1); rc=$?
check "a connector plane down: the connectors preflight stops the run with exit code 5" [ "$rc" = 5 ]
want='preflight check "5 connector planes, all online" failed (GET /api/v1/connectors/): '
want+='json.results.*.status == "online" for every element (got "offline" at results.1.status)'
check "... naming the plane's status" grep -qF "$want" <<<"$out"
curl -s -X POST -d '{"plane_error_rate": {"sccm": 1}, "cab_auto_approve": true}' \
    "$live/api/v1/_control/" >"$TMP/knobs.json"
check "the control route takes a plane down and switches the CAB to auto-approve" \
    grep -q '"cab_auto_approve": true, "plane_error_rate": {"intune": 0, "jamf": 0, "sccm": 1' "$TMP/knobs.json"
out=$($HORNET -H "$live" --headless -t 5s scenarios/connectors.json 2>&1); rc=$?
check "... and the preflight finds that plane" \
    [ "$rc" = 5 -a "$(grep -c 'got "offline" at results.2.status' <<<"$out")" -ge 1 ]
out=$($HORNET -H "$live" --headless -t 5s scenarios/cab_approvals.json 2>&1); rc=$?
check "... and no approval stays pending" [ "$rc" = 5 -a "$(grep -c 'json.count >= 100 (got 0)' <<<"$out")" -ge 1 ]

cat > "$TMP/stop.json" <<JSON
{"name": "stop on fail", "stop_on_fail": true, "scenarios": [
  {"scenario": "$PWD/scenarios/cab_approvals.json", "host": "$cab", "run_time": "2s"},
  {"scenario": "$PWD/scenarios/deployments.json", "host": "$cab", "run_time": "2s"}]}
JSON
$HORNET campaign "$TMP/stop.json" --out "$TMP/stop_results" --headless >/dev/null 2>&1; rc=$?
check "stop_on_fail: a failed preflight stops the campaign, the rest is NOT RUN" \
    [ "$rc" = 1 -a "$(grep -c ',FAIL,5,.*stopped before any load: preflight check' \
      "$TMP/stop_results/campaign.csv")" = 1 -a \
      "$(grep -c ',NOT RUN,.*not run: stop_on_fail' "$TMP/stop_results/campaign.csv")" = 1 ]

# ---- what setup captures, every user reads; teardown after the users and after Ctrl-C
wait "$shared_pid"; rc=$?
check "a scenario whose users read setup's variables passes" [ "$rc" = 0 ]
reads=$(csv_cell "$TMP/shared_stats.csv" "/api/v1/deployments/[id]/" 3)
fails=$(csv_cell "$TMP/shared_stats.csv" "/api/v1/deployments/[id]/" 4)
check "... its users read what setup made (no login of their own, no failure)" \
    [ "${reads:-0}" -gt 0 -a "$fails" = 0 -a "$(grep -c auth/token "$TMP/shared_stats.csv")" = 0 ]
check "... setup's requests are apart, in _fixtures.csv" \
    grep -q '^setup,POST,/api/v1/deployments/,3,0,' "$TMP/shared_fixtures.csv"
teardown_row='^teardown,GET,/api/v1/deployments/\[setup\]/,1,0,.*,passed,'
check "... teardown ran after the users" grep -q "$teardown_row" "$TMP/shared_fixtures.csv"
wait_until 10 grep -q 'Ramping' "$TMP/intr.err"
stop_run "$intr_pid" INT; rc=$?
check "Ctrl-C during the load: teardown still runs" \
    grep -q "$teardown_row" "$TMP/intr_fixtures.csv"
check "... and the load's files are written" [ -s "$TMP/intr_stats.csv" ]

# ---- Ctrl-C in the middle of a campaign
state() { awk -F, -v i="$1" '$1 == i { print $5 }' "$TMP/intr_results/campaign.csv" 2>/dev/null; }
loading_2() {     # the second scenario's load runs: its history has rows
    [ "$(state 2)" = RUNNING ] &&
        [ "$(wc -l <"$TMP/intr_results/02_cab_approvals_stats_history.csv" 2>/dev/null)" -ge 2 ]
}
wait_until 30 loading_2
sleep_ok=$(state 1)
stop_run "$ci_pid" INT; rc=$?
check "a campaign stopped by Ctrl-C exits 1" [ "$rc" = 1 ]
check "... the finished scenario keeps its status and files" \
    [ "$sleep_ok" != RUNNING -a "$(state 1)" = "$sleep_ok" -a -s "$TMP/intr_results/01_deployments_stats.csv" ]
check "... the one in progress is INTERRUPTED, with its files" \
    [ "$(state 2)" = INTERRUPTED -a -s "$TMP/intr_results/02_cab_approvals_stats.csv" ]
check "... the rest did not run" [ "$(state 3)" = "NOT RUN" -a ! -e "$TMP/intr_results/03_connectors_stats.csv" ]
check "... and RESULTS.md says so" \
    grep -qE '\| 2\. CAB approvals \| INTERRUPTED .*\| 3\. Connector publishing \| NOT RUN' \
    <(tr '\n' ' ' <"$TMP/intr_results/RESULTS.md")

# ---- the dashboard in a campaign
screen() { t capture-pane -p -t dash 2>/dev/null; }
dstate() { awk -F, -v i="$1" '$1 == i { print $5 }' "$TMP/dash_results/campaign.csv" 2>/dev/null; }
wait_until 20 eval 'screen | grep -q "Campaign 1 of 2: Concurrent deployments, next: Connector"'
check "the dashboard says where the campaign is and what comes next" \
    grep -q "Campaign 1 of 2: Concurrent deployments, next: Connector" <<<"$(screen)"
t send-keys -t dash n
wait_until 5 eval 'screen | grep -q "go to the next?"'
t send-keys -t dash y
wait_until 20 eval '[ "$(dstate 2)" = PASS ] || [ "$(dstate 2)" = FAIL ]'
check "... n ends the scenario, kept as INTERRUPTED, and the next one runs" \
    [ "$(dstate 1)" = INTERRUPTED -a -s "$TMP/dash_results/01_deployments_stats.csv" \
      -a -s "$TMP/dash_results/02_connectors_stats.csv" ]

# ---- the target crashes in the middle of a campaign
wait "$crash_pid"; rc=$?
check "a campaign whose target died exits 1, every scenario judged" \
    [ "$rc" = 1 -a "$(cstate 1)" = FAIL -a "$(cstate 2)" = FAIL -a "$(cstate 3)" = FAIL ]
check "... the scenario in progress kept its files, its failures counted" \
    [ "$(csv_cell "$TMP/crash_results/01_deployments_stats.csv" Aggregated 4)" -gt 0 ]
check "... the next ones stopped before any load" \
    [ "$(grep -c 'stopped before any load' "$TMP/crash_results/campaign.csv")" = 2 ]
check "... and the findings name the error cluster" \
    grep -q 'Error clusters.*Connection refused' "$TMP/crash_results/RESULTS.md"
check "... its JUnit document: the ones that could not start are errors" python3 - \
    "$TMP/crash.xml" <<'PY'
import sys, xml.etree.ElementTree as E
suites = list(E.parse(sys.argv[1]).getroot())
assert [s.get("errors") for s in suites][1:] == ["1", "1"], [s.attrib for s in suites]
assert "stopped before any load" in suites[1][0][0].get("message"), suites[1][0][0].attrib
PY

# ---- the shipped campaign: four scenarios, 3 s each (2 s under the sanitizers)
wait "$camp_pid"; rc=$?
R=$TMP/results
check "the campaign ran its four scenarios" \
    [ "$(grep -cE '^[1-4],' "$R/campaign.csv")" = 4 -a "$(grep -cE ',(NOT RUN|RUNNING),' "$R/campaign.csv")" = 0 ]
check "... every preflight passed" \
    [ "$(grep -c 'Preflight passed' "$TMP/camp.err")" = 3 -a \
      "$(grep -c 'stopped before any load' "$R/campaign.csv")" = 0 ]
check "... each scenario wrote its CSV files and reports" \
    [ -s "$R/01_deployments_stats.csv" -a -s "$R/02_cab_approvals_stats_history.csv" -a \
      -s "$R/03_connectors_failures.csv" -a -s "$R/04_burst_report.html" -a -s "$R/02_cab_approvals_fixtures.csv" ]
check "... and the results document" [ -s "$R/RESULTS.md" -a -s "$R/RESULTS.html" ]
check "RESULTS.md's summary rows equal each scenario's stats files" python3 - "$R" <<'PY'
import csv, sys
d = sys.argv[1]
rows = [l for l in open(f"{d}/RESULTS.md") if l.startswith("| ") and l[2].isdigit()]
files = ["01_deployments", "02_cab_approvals", "03_connectors", "04_burst"]
assert len(rows) >= 4, rows
for row, f in zip(rows, files):
    c = [x.strip() for x in row.strip().strip("|").split("|")]
    agg = [r for r in csv.DictReader(open(f"{d}/{f}_stats.csv")) if r["Name"] == "Aggregated"][0]
    hist = list(csv.DictReader(open(f"{d}/{f}_stats_history.csv")))
    assert c[2] == str(max(int(h["User Count"]) for h in hist)), (f, "users", c[2])
    assert c[4].replace(",", "") == agg["Request Count"], (f, "requests", c[4])
    assert c[5].split(" ")[0].replace(",", "") == agg["Failure Count"], (f, "failures", c[5])
    assert c[8].split(" ")[0] == agg["50%"] and c[9].split(" ")[0] == agg["99%"], (f, c[8], c[9])
    rps = float(c[7].split("/s")[0].replace(",", ""))
    assert abs(rps - float(agg["Requests/s"])) <= 0.0051 * max(1, float(agg["Requests/s"])), (f, rps)
PY
check "--junit: one document, a testsuite per scenario" python3 - "$R/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as E
names = [s.get("name") for s in E.parse(sys.argv[1]).getroot()]
assert names == ["Concurrent deployments", "CAB approvals", "Connector publishing",
                 "Burst to 1000 users"], names
PY
check "RESULTS.md's findings cite their files" \
    [ "$(grep -c 'Evidence:' "$R/RESULTS.md")" -ge 3 -a "$(grep -c '_stats.csv' "$R/RESULTS.md")" -ge 1 ]
check "RESULTS.html is self-contained, with charts" \
    [ "$(grep -c '<svg' "$R/RESULTS.html")" -ge 4 -a "$(grep -cE '(src|href)=\"?https?:' "$R/RESULTS.html")" = 0 ]
cp "$R/RESULTS.md" "$TMP/first.md"
$HORNET report --campaign "$R" >/dev/null 2>&1; rc=$?
check "hornet report --campaign rebuilds the same document from the files" \
    [ "$rc" = 0 ] && cmp -s "$TMP/first.md" "$R/RESULTS.md"
echo "1..$n"
