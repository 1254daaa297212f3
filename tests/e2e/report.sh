#!/usr/bin/env bash
# End-to-end tests of the reports: real runs of scenarios/deployments.json against the embedded
# target with --report/--html (a passing 14 s run at the scenario's 100 users, spawned at 25/s,
# a 2 s run whose ramp-up at the scenario's 10/s never completes, Ctrl-C at -u 20), all three
# at once, `hornet report` rebuilding both from the CSV files of hornet and of Locust (verdicts
# and exit codes), and the HTML rendered in headless Chromium: the screenshot must have the
# window's size, real content (many colours, the verdict badge, the chart lines), and the page
# no external reference. Every run is bounded and talks to 127.0.0.1 only.
source "$(dirname "$0")/lib.sh"

# md_requests FILE: the Aggregated request count of a Markdown report's summary, digits only
md_requests() { awk -F'|' '/^\| Requests \| Unexpected/ { getline; getline; gsub(/[ ,]/, "", $2); print $2; exit }' "$1"; }
# no_external FILE: nothing the browser would fetch (the host may appear as text)
no_external() { ! grep -qiE '<script|<link|<iframe|<img|@import|url\(|(src|href)=' "$1"; }
sections_md() {
    local s
    for s in "## Run configuration" "## Results summary" "## Performance assessment" \
             "## Backend health" "## Response-time distribution" "## Endpoints" "## Failures" \
             "## Timeline" "## Verdict" "## Notes"; do
        grep -qxF "$s" "$1" || { echo "# missing: $s"; return 1; }
    done
}
# sections_html FILE: every section, four charts over time and the distribution, and one chart
# per backend-health metric of the shipped scenario (12) in its own section
sections_html() {
    local s
    for s in assessment charts health configuration distribution endpoints failures timeline \
             verdict; do
        grep -qF "<section id=\"$s\">" "$1" || { echo "# missing: $s"; return 1; }
    done
    [ "$(sed '/<section id="health">/,/<\/section>/d' "$1" | grep -o '<svg class="chart"' |
         wc -l)" = 4 ] &&
        [ "$(sed -n '/<section id="health">/,/<\/section>/p' "$1" | grep -o '<svg class="chart"' |
             wc -l)" = 12 ]
}

if ! $HORNET report --help 2>/dev/null | grep -q "Usage: hornet report PREFIX"; then
    not_ok "hornet report is wired into the hornet command" "src/main.c must call report_main"
    exit 1
fi

# ---- three runs at once: a passing run at the scenario's own load (100 users, spawned at
# 25/s: 4 s of ramp-up, 10 s steady, as many as at the scenario's 10/s in 20 s), a run whose ramp-up (the scenario's 10/s) never completes,
# and Ctrl-C at -u 20; --report and --html at the end of each
$HORNET --headless --only-summary -t 14s -r 25 --csv "$TMP/pass" --report "$TMP/out/pass.md" \
    --html "$TMP/out/pass.html" scenarios/deployments.json >"$TMP/pass.out" 2>&1 &
pass_pid=$!
$HORNET --headless --only-summary -t 2s --csv "$TMP/short" --report "$TMP/short.md" \
    --html "$TMP/short.html" scenarios/deployments.json >"$TMP/short.out" 2>&1 &
short_pid=$!
$HORNET --headless --only-summary -u 20 -r 20 -t 60s --report "$TMP/int.md" --html "$TMP/int.html" \
    scenarios/deployments.json >"$TMP/int.out" 2>&1 &
int_pid=$!
CLEANUP="kill $pass_pid $short_pid $int_pid 2>/dev/null"

# ---- Locust's files (meanwhile)
mkdir -p "$TMP/locust"
cp tests/fixtures/locust/run1_*.csv "$TMP/locust/"
$HORNET report "$TMP/locust/run1" >"$TMP/lo.out" 2>&1; lo_rc=$?

# ---- Ctrl-C once the users run: the reports are still written
wait_until 20 grep -q "All users spawned" "$TMP/int.out"
stop_run "$int_pid" INT

wait "$pass_pid"; rc=$?
check "a run at the scenario's load meets the embedded targets (exit 0)" [ "$rc" = 0 ]
check "the Markdown report is written (directories created)" [ -s "$TMP/out/pass.md" ]
check "the HTML report is written" [ -s "$TMP/out/pass.html" ]
check "the Markdown report has every section" sections_md "$TMP/out/pass.md"
check "the HTML report has every section, four charts and twelve of backend health" sections_html "$TMP/out/pass.html"
check "the HTML report fetches nothing" no_external "$TMP/out/pass.html"
check "the report says PASS with every target met" grep -qF "**Verdict: PASS**: 4 of 4 targets met" "$TMP/out/pass.md"
check "the assessment lists the four targets" [ "$(grep -cE '^\| All requests \| (p50|p99|success rate|rps)' "$TMP/out/pass.md")" = 4 ]
total=$(csv_cell "$TMP/pass_stats.csv" Aggregated 3)
check "the report's request count is stats.csv's ($total)" [ -n "$total" -a "$(md_requests "$TMP/out/pass.md")" = "$total" ]
check "expected 404s are reported apart" grep -qF '| `GET /api/v1/deployments/[unknown]/` | HTTP 404 Not Found |' "$TMP/out/pass.md"
check "the timeline has the ramp" grep -qF "Ramping to 100 users at a rate of 25.00 per second" "$TMP/out/pass.md"

# ---- 100 users at 10/s never finish the ramp-up in 2 s
wait "$short_pid"; rc=$?
check "a run whose steady window never starts exits 1" [ "$rc" = 1 ]
check "... and its report says FAIL and why" grep -qF "rps 50..100 (steady window): the ramp-up never completed" "$TMP/short.md"
check "... with the target marked NO DATA" grep -qE '^\| All requests \| rps 50\.\.100 \| steady \| no data \| no data \| \*\*NO DATA\*\* \|$' "$TMP/short.md"

# ---- hornet report: the same run rebuilt from its CSV files
$HORNET report "$TMP/pass" --scenario scenarios/deployments.json >"$TMP/rb.out" 2>"$TMP/rb.err"; rc=$?
check "hornet report on the passing run exits 0" [ "$rc" = 0 ]
check "it prints the verdict table" grep -qF "Verdict: PASS (4 of 4 targets met; 3 of 3 health limits kept)" "$TMP/rb.out"
check "it writes PREFIX_report.md and PREFIX_report.html" [ -s "$TMP/pass_report.md" -a -s "$TMP/pass_report.html" ]
check "the rebuilt report has the same request count" [ "$(md_requests "$TMP/pass_report.md")" = "$total" ]
check "the rebuilt report says where its numbers come from" grep -qF "Rebuilt by \`hornet report\` from the CSV files" "$TMP/pass_report.md"
check "the rebuilt HTML has every section, four charts and twelve of backend health" sections_html "$TMP/pass_report.html"
check "... and fetches nothing" no_external "$TMP/pass_report.html"
$HORNET report "$TMP/short" --scenario scenarios/deployments.json --md "$TMP/rb/s.md" \
    --html "$TMP/rb/s.html" >"$TMP/rb2.out" 2>&1; rc=$?
check "hornet report on the short run exits 1" [ "$rc" = 1 -a -s "$TMP/rb/s.md" -a -s "$TMP/rb/s.html" ]
$HORNET report "$TMP/short" >"$TMP/rb3.out" 2>&1; rc=$?
check "without --scenario: no targets and no failure, exit 0" [ "$rc" = 0 ]
check "... and the verdict says so, with the health limits of its health CSV" \
    grep -q "Verdict: PASS (no targets; 3 of 3 health limits kept)" "$TMP/rb3.out"

# ---- Locust's files
check "a Locust run with failures rebuilds with exit 1" [ "$lo_rc" = 1 -a -s "$TMP/locust/run1_report.html" ]
check "... and its 180 failures and 418 requests" grep -qF "Verdict: FAIL (no targets; 180 unexpected failures in 418 requests)" "$TMP/lo.out"
check "... with the percentile kind of its history" grep -qF "Percentiles of the ~10 s window" "$TMP/locust/run1_report.md"

# ---- usage errors
$HORNET report >"$TMP/e.out" 2>&1; rc=$?
check "hornet report without PREFIX exits 2" [ "$rc" = 2 ]
$HORNET report "$TMP/nothing" >"$TMP/e.out" 2>&1; rc=$?
check "hornet report on missing files exits 2" [ "$rc" = 2 ]
check "... and names the file" grep -qF "nothing_stats.csv" "$TMP/e.out"
$HORNET report "$TMP/pass" --scenario "$TMP/none.json" >"$TMP/e.out" 2>&1; rc=$?
check "hornet report with a missing scenario exits 2" [ "$rc" = 2 ]

# ---- Ctrl-C: the reports are still written
check "after Ctrl-C both reports are written" [ -s "$TMP/int.md" -a -s "$TMP/int.html" ]
check "... with the operator's stop in the timeline" grep -qE '\| operator \| Stopping' "$TMP/int.md"
check "... and throughput not judged at -u 20" grep -qE '^\| All requests \| rps 50\.\.100 \| steady \| .* \| NOT JUDGED \|$' "$TMP/int.md"

# ---- the HTML in headless Chromium
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
     (apt-get update -qq && apt-get install -y --no-install-recommends chromium >/dev/null 2>&1))
fi
if ! command -v chromium >/dev/null 2>&1; then
    not_ok "chromium is installed (apt-get install chromium)"
    exit 1
fi
if ! /usr/bin/python3 -c 'import PIL' 2>/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y --no-install-recommends python3-pil >/dev/null 2>&1
fi
if ! /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
    not_ok "python3-pil is installed (apt-get install python3-pil)"
    exit 1
fi
shoot() {   # shoot HTML PNG
    local profile
    profile=$(mktemp -d "$TMP/chromium.XXXXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --screenshot="$2" --window-size=1280,2400 \
        "file://$1" >"$TMP/chromium.log" 2>&1
}
# png_check PNG BADGE_RGB: size 1280x2400, many colours, mostly not background, the verdict
# badge's colour over a badge-sized area, the throughput line's blue drawn. Debian's python3
# with python3-pil (make deps-test), which decodes in C: the same checks in pure Python took
# 7 s per screenshot.
png_check() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
from PIL import Image
path, badge = sys.argv[1], tuple(int(sys.argv[2][i:i + 2], 16) for i in (0, 2, 4))
im = Image.open(path)
assert im.format == 'PNG', 'not a PNG'
w, h = im.size
assert (w, h) == (1280, 2400), 'size %dx%d' % (w, h)
assert im.mode in ('RGB', 'RGBA') and not im.info.get('interlace'), 'PNG format %s' % im.mode
counts = {c: n for n, c in im.convert('RGB').getcolors(w * h)}
top = max(counts.values())
print('# %d colours, background %.0f%%, badge %d px, blue %d px' % (len(counts),
      100.0 * top / (w * h), counts.get(badge, 0), counts.get((9, 105, 218), 0)))
assert len(counts) >= 200, 'too few colours: %d' % len(counts)
assert top < 0.85 * w * h, 'mostly one colour'
assert counts.get(badge, 0) >= 4000, 'no verdict badge'
assert counts.get((9, 105, 218), 0) >= 150, 'no throughput line'
PY
}
shoot "$TMP/out/pass.html" "$TMP/pass.png" &
shot_pid=$!
shoot "$TMP/locust/run1_report.html" "$TMP/locust.png"
wait "$shot_pid"
check "chromium renders the passing report" [ -s "$TMP/pass.png" ]
check "the screenshot is 1280x2400 with real content, the green PASS badge and the charts" png_check "$TMP/pass.png" dafbe1
check "the screenshot of Locust's rebuilt report has the red FAIL badge and the charts" png_check "$TMP/locust.png" ffebe9
echo "1..$n"
