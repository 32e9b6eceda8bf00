#!/bin/sh
# `glass walkthrough --format html` opened in headless Chromium: the page
# renders, the ladder diagram is drawn (the page's own script measures every
# arrow after layout and records the count on <body>), every message name is
# in the rendered DOM, and a screenshot is produced.
# Chromium is Debian's `chromium` package: installed here with
# scripts/deps-class.sh when running as root, otherwise this test fails and
# says what to run.
set -eu
CHROME=""
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then CHROME=$c; break; fi
done
if [ -z "$CHROME" ]; then
    if [ "$(id -u)" = 0 ]; then
        sh "$ROOT/scripts/deps-class.sh" >/dev/null 2>&1 || true
        command -v chromium >/dev/null 2>&1 && CHROME=chromium
    fi
    if [ -z "$CHROME" ]; then
        echo "headless Chromium is needed for this test and is not installed."
        echo "run as root:   sh scripts/deps-class.sh"
        echo "(which runs:   apt-get install -y --no-install-recommends chromium)"
        exit 1
    fi
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
"$GLASS" walkthrough --seed 1 --format html > "$T/w.html" 2>/dev/null
chrome() {
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$T/profile" \
        "$@" "file://$T/w.html" 2>"$T/chrome.err"
}
chrome --dump-dom > "$T/dom.html" || { tail -n 5 "$T/chrome.err"; echo "chromium failed"; exit 1; }
body=$(grep -o '<body[^>]*>' "$T/dom.html" | head -n 1)
arrows=$(echo "$body" | sed -n 's/.*data-drawn-arrows="\([0-9]*\)".*/\1/p')
height=$(echo "$body" | sed -n 's/.*data-ladder-height="\([0-9]*\)".*/\1/p')
want=$(grep -c '<details class="msg' "$T/w.html")
[ -n "$arrows" ] || { echo "the page's layout script did not run: $body"; exit 1; }
[ "$arrows" -eq "$want" ] || { echo "$arrows of $want arrows drawn"; exit 1; }
[ "$want" -ge 19 ] || { echo "only $want messages in the ladder"; exit 1; }
[ "${height:-0}" -gt 1000 ] || { echo "ladder only ${height:-0}px high"; exit 1; }
for m in ClientHello ServerHello Certificate ServerKeyExchange CertificateRequest \
         ServerHelloDone ClientKeyExchange CertificateVerify Finished; do
    grep -q "<summary><span class=\"arrow\">$m " "$T/dom.html" || { echo "no arrow for $m in the DOM"; exit 1; }
done
chrome --window-size=1100,1400 --screenshot="$T/shot.png" >/dev/null || { echo "no screenshot"; exit 1; }
[ "$(wc -c < "$T/shot.png")" -gt 20000 ] || { echo "screenshot suspiciously small"; exit 1; }
echo "walkthrough HTML: $arrows arrows drawn, ladder ${height}px, every message name rendered"
