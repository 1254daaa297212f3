#!/usr/bin/env bash
# make screenshots: runs ./hornet in tmux against its embedded target (scenario 1 with its
# targets, its backend health with the target's Celery workers stopped mid-run, a master with
# three workers, then the burst with an interactive ramp to 1000 users), captures the screens
# with
# their colours (tmux capture-pane -e), converts them to HTML with aha, and renders PNG images
# of a dark terminal window with headless Chromium into screenshots/; then runs the shipped
# campaign headless (-t 20s each) and renders the top of its RESULTS.html.
# `tests/screenshots.sh campaign` does only the campaign, `tests/screenshots.sh open` only the
# open model's screen (scenario 1 at 1000 arrivals a second against a stalling target). Installs aha, chromium
# and the DejaVu fonts with apt-get when they are missing and we are root. Loopback only; every run is
# bounded (-t) and quit by the script; tmux sessions and temporary files are removed.
set -eu
cd "$(dirname "$0")/.."
HORNET=${HORNET_BIN:-./hornet}
OUT=${SCREENSHOTS_DIR:-screenshots}
SOCK=hornet-shots-$$
TMP=$(mktemp -d /tmp/hornet-shots.XXXXXX)
FONT_PX=15
LINE_PX=18
export LANG=C.UTF-8 LC_ALL=C.UTF-8

cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

need_packages() {
    local missing=()
    command -v aha >/dev/null || missing+=(aha)
    command -v chromium >/dev/null || missing+=(chromium)
    command -v tmux >/dev/null || missing+=(tmux)
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || missing+=(fonts-dejavu-core)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "screenshots: missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "screenshots: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
        >/dev/null || { apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            "${missing[@]}" >/dev/null; }
}

t() { tmux -L "$SOCK" "$@"; }

start() {     # start NAME COLS ROWS HORNET-ARGS...
    local name=$1 w=$2 h=$3
    shift 3
    t new-session -d -s "$name" -x "$w" -y "$h" "$HORNET $*; sleep 600"
}

wait_for() {  # wait_for NAME SECONDS REGEX
    local end=$((SECONDS + $2))
    while [ $SECONDS -le $end ]; do
        t capture-pane -p -t "$1" | grep -qE "$3" && return 0
        sleep 0.2
    done
    echo "screenshots: timed out waiting for /$3/ in $1" >&2
    t capture-pane -p -t "$1" >&2
    return 1
}

# Braille is not in DejaVu Sans Mono: the browser takes it from a proportional font. Give each
# braille character a cell of exactly one column so the grid stays a terminal's grid.
braille_cells() {
    perl -CSD -pe 's/([\x{2800}-\x{28FF}])/<b class="br">$1<\/b>/g'
}

css() {
    cat <<EOF
html, body { margin: 0; background: #0b0d14; }
body { padding: 24px; display: inline-block; }
.window { display: inline-block; border-radius: 10px; overflow: hidden; background: #1a1b26;
          box-shadow: 0 12px 36px rgba(0, 0, 0, .55), 0 0 0 1px #2a2e42; }
.titlebar { height: 32px; background: #24283b; color: #9aa5ce; position: relative;
            font: 13px/32px 'DejaVu Sans', sans-serif; text-align: center; }
.dots { position: absolute; left: 14px; top: 10px; }
.dots i { display: inline-block; width: 12px; height: 12px; border-radius: 6px;
          margin-right: 8px; }
.dots i:nth-child(1) { background: #ff5f57; } .dots i:nth-child(2) { background: #febc2e; }
.dots i:nth-child(3) { background: #28c840; }
pre { margin: 0; padding: 14px 16px; color: #c0caf5; background: #1a1b26;
      font-family: 'DejaVu Sans Mono', monospace; font-size: ${FONT_PX}px;
      line-height: ${LINE_PX}px; font-variant-ligatures: none; }
pre span { white-space: pre; }
b.br { display: inline-block; width: 1ch; height: ${LINE_PX}px; overflow: hidden;
       vertical-align: top; font-weight: normal; text-align: center;
       font-family: 'DejaVu Sans Mono', 'DejaVu Sans', monospace;
       transform: scale(1.25, 1.3); }     /* bigger dots, as terminals draw them */
.bold { font-weight: bold; } .underline { text-decoration: underline; }
.dimgray { color: #15161e; } .red { color: #f7768e; } .green { color: #9ece6a; }
.yellow { color: #e0af68; } .blue { color: #5a6b9e; } .purple { color: #bb9af7; }
.cyan { color: #7dcfff; } .white { color: #6b7394; }
.bg-black { background: #15161e; } .bg-red { background: #f7768e; }
.bg-green { background: #9ece6a; } .bg-yellow { background: #e0af68; }
.bg-blue { background: #7aa2f7; } .bg-purple { background: #bb9af7; }
.bg-cyan { background: #7dcfff; } .bg-white { background: #a9b1d6; }
EOF
}

# shot SESSION NAME TITLE: capture the pane and render screenshots/NAME.png
shot() {
    local session=$1 name=$2 title=$3 cols rows width height
    cols=$(t display -p -t "$session" '#{pane_width}')
    rows=$(t display -p -t "$session" '#{pane_height}')
    # aha has no faint: show it in the palette's grey ("white" is never used by hornet)
    t capture-pane -e -p -t "$session" |
        sed -e 's/\x1b\[2m\x1b\[39m/\x1b[37m/g' -e 's/\x1b\[2m/\x1b[37m/g' -e 's/\x1b\[0;2m/\x1b[0;37m/g' >"$TMP/$name.ansi"
    {
        echo "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>"
        css
        echo "</style></head><body><div class=\"window\"><div class=\"titlebar\">"
        echo "<span class=\"dots\"><i></i><i></i><i></i></span>$title</div><pre>"
        aha --stylesheet --no-header <"$TMP/$name.ansi" | braille_cells
        echo "</pre></div></body></html>"
    } >"$TMP/$name.html"
    width=$(awk -v c="$cols" -v f="$FONT_PX" 'BEGIN { printf "%d", c * f * 0.60205 + 32 + 48 + 1 }')
    height=$((rows * LINE_PX + 28 + 32 + 48))
    chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$TMP/chromium" --hide-scrollbars --force-device-scale-factor=1.5 \
        --window-size="$width,$height" --screenshot="$OUT/$name.png" \
        "file://$TMP/$name.html" >/dev/null 2>&1
    echo "screenshots: $OUT/$name.png (${cols}x${rows})"
}

# page FILE NAME WIDTH HEIGHT: the top of an HTML file as screenshots/NAME.png
page() {
    chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$TMP/chromium" --hide-scrollbars --force-device-scale-factor=1 \
        --window-size="$3,$4" --screenshot="$OUT/$2.png" "file://$1" >/dev/null 2>&1
    echo "screenshots: $OUT/$2.png (the top of $1)"
}

# The four scenarios as the team runs them, each shortened to 20 s; RESULTS.html's top.
campaign() {
    "$HORNET" campaign scenarios/campaign.json --out "$TMP/results" --headless -t 20s \
        --cool-down 2s --only-summary >"$TMP/campaign.out" 2>&1 ||
        [ -s "$TMP/results/RESULTS.html" ] || { cat "$TMP/campaign.out" >&2; exit 1; }
    page "$TMP/results/RESULTS.html" campaign-results 1400 1500
}

# The open model: scenario 1 at 1000 iterations a second on a pool of up to 2000 users, the
# built-in target stalling 1 s in every 5: the status bar's rates, busy users and drops, the
# corrected latencies.
open_model() {
    start open 120 40 -t 3m --arrival-rate 1000 --max-users 2000 \
        --target-option stall=1,5 scenarios/deployments.json
    wait_for open 15 'Arrivals'
    sleep 40
    shot open open-model "hornet --arrival-rate 1000 scenarios/deployments.json (target stalling 1 s in 5)"
    t send-keys -t open q y
    sleep 2
}

need_packages
[ -x "$HORNET" ] || { echo "screenshots: build hornet first (make)" >&2; exit 1; }
mkdir -p "$OUT"
case "${1:-}" in
campaign) campaign; exit 0 ;;
open) open_model; exit 0 ;;
esac

# Scenario 1: concurrent deployments, as `make run` opens it.
start dep 120 40 -t 3m scenarios/deployments.json
wait_for dep 15 'RUNNING +Users 100 '
sleep 45
shot dep overview "hornet scenarios/deployments.json"
t send-keys -t dep 6 Down       # the p99 target's trend
sleep 1.2
shot dep targets "hornet scenarios/deployments.json: targets"
t send-keys -t dep 1 Down Down Enter
sleep 1.5
shot dep detail "hornet scenarios/deployments.json: endpoint details"
t send-keys -t dep Escape '?'
sleep 0.5
shot dep help "hornet scenarios/deployments.json: keys"
t send-keys -t dep Escape q y

# The same at 80x24.
start small 80 24 -t 2m scenarios/deployments.json
wait_for small 15 'RUNNING +Users 100 '
sleep 25
shot small overview-80x24 "hornet in 80x24"
t send-keys -t small q y

# Backend health: the deployments run whose Celery workers are stopped through the built-in
# target's _control route after 30 s; the Health view with the Celery queue charted.
hport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start health 120 40 -t 3m --target-option "port=$hport" scenarios/deployments.json
wait_for health 15 'RUNNING +Users 100 '
sleep 30
curl -s -X POST -d '{"celery_workers": 0}' "http://127.0.0.1:$hport/api/v1/_control/" >/dev/null
sleep 40
t send-keys -t health 7 Down Down Down Down
sleep 1.2
shot health health "hornet scenarios/deployments.json: backend health (the Celery workers stopped)"
t send-keys -t health q y

# A distributed run: a master with its dashboard and three workers against an external
# hornet-target; the Workers view.
wport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
./hornet-target --port "$wport" --quiet >"$TMP/wtarget.out" 2>&1 &
wtarget=$!
start fleet 120 40 --master --expect-workers 3 --master-bind-host 127.0.0.1 \
    --master-bind-port "$mport" -H "http://127.0.0.1:$wport" -u 150 -r 25 -t 3m \
    scenarios/deployments.json
wpids=()
for i in 1 2 3; do
    "$HORNET" --worker --master-port "$mport" --threads 1 scenarios/deployments.json \
        >"$TMP/worker$i.out" 2>&1 &
    wpids+=($!)
done
wait_for fleet 20 'RUNNING +Users 150 '
sleep 30
t send-keys -t fleet 8
sleep 1.2
shot fleet workers "hornet --master scenarios/deployments.json: three workers"
t send-keys -t fleet q y
wait "${wpids[@]}" 2>/dev/null || true
kill "$wtarget" 2>/dev/null || true

# Scenario 4, the burst: start small, then ramp by hand to 1000 users at 100/s.
start burst 120 40 -u 100 -r 100 -t 3m scenarios/burst.json
wait_for burst 15 'RUNNING +Users 100 '
sleep 20
t send-keys -t burst r 1 0 0 Enter
sleep 0.5
t send-keys -t burst u 1 0 0 0 Enter
wait_for burst 10 'Users [4-6][0-9][0-9] → 1000'
shot burst burst-ramp "hornet scenarios/burst.json: ramping by hand to 1000 users"
wait_for burst 20 'RUNNING +Users 1000 '
sleep 30
t send-keys -t burst 4
sleep 1.2
shot burst burst-charts "hornet scenarios/burst.json: 1000 users"
t send-keys -t burst 1
sleep 0.5
shot burst burst-1000 "hornet scenarios/burst.json: 1000 users"
t send-keys -t burst q y
sleep 2

open_model
campaign
