#!/bin/sh
# `glass walkthrough --format html`, for the glass protocol and for
# `--protocol tls12`, opened in headless Chromium: the page renders, the ladder diagram is drawn (the page's own script measures every
# arrow after layout and records the count on <body>), every message name is
# in the rendered DOM, and a screenshot is produced.  At 1024 and 1920 px the
# page must not scroll sideways, closed or with every message opened (the
# page's script writes document.scrollWidth and innerWidth onto <body> in
# both states); the expand/collapse and copy buttons and the coloured hex
# view of every message exist; every record header is annotated; printing
# opens every message; the file is self-contained (no URL, no external
# script or style); and the certificates are dissected: a tree per
# certificate (the CA's too for tls12) naming every field of RFC 5280 §4.1,
# with the test certificates' subject CNs, each element's row paired with
# its coloured bytes.  The same trees in text (100 columns) and JSON (a
# nested array whose every header lies at its offset in the message).
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

# check_certs DOM NAME: the certificates of the rendered page, dissected.
check_certs() {
    certs=$(grep -o '<details class="cert"' "$1" | wc -l)
    [ "$certs" -ge 2 ] || { echo "$2: $certs certificate trees"; exit 1; }
    for cn in localhost alice; do
        grep -q "<summary>certificate 1 of 1 (the sender's own): [0-9]* bytes, subject CN=$cn " "$1" ||
            { echo "$2: no certificate tree with subject CN=$cn"; exit 1; }
    done
    for f in 'tbsCertificate' 'version' 'serialNumber' 'signature' 'issuer' 'validity' \
             'notBefore' 'notAfter' 'subject' 'RelativeDistinguishedName' 'subjectPublicKeyInfo' \
             'modulus n' 'publicExponent e' 'extensions' 'extnID' 'signatureAlgorithm' \
             'signatureValue'; do
        grep -q "<b>$f[ <]" "$1" || { echo "$2: the certificate tree has no $f"; exit 1; }
    done
    for x in basicConstraints keyUsage subjectAltName; do
        grep -q "extnID</b> <i>OBJECT IDENTIFIER</i> len 3 <span class=\"val\"> = $x " "$1" ||
            { echo "$2: extension $x not named"; exit 1; }
    done
    ders=$(grep -o '<div class="der f[0-5]"' "$1" | wc -l)
    bytes=$(grep -o '<span class="der f[0-5]"' "$1" | wc -l)
    views=$(grep -o '<div class="hexdump certhex">' "$1" | wc -l)
    [ "$ders" -gt $((certs * 40)) ] && [ "$bytes" -eq "$ders" ] && [ "$views" -eq "$certs" ] ||
        { echo "$2: $ders tree rows, $bytes coloured byte runs, $views hex views, $certs trees"; exit 1; }
    grep -q 'bytes: dissected below)</td>' "$1" ||
        { echo "$2: the raw certificate hex is still shown whole"; exit 1; }
}
TOP=$(mktemp -d)
trap 'rm -rf "$TOP"' EXIT INT TERM

# check_page NAME ARGS...: the whole page check for `glass walkthrough ARGS`.
check_page() {
name=$1; shift
T="$TOP/$name"
mkdir -p "$T"
"$GLASS" walkthrough "$@" --format html > "$T/w.html" 2>/dev/null ||
    { echo "$name: glass walkthrough $* --format html failed"; exit 1; }
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
[ "$want" -ge 19 ] || { echo "$name: only $want messages in the ladder"; exit 1; }
[ "${height:-0}" -gt 1000 ] || { echo "ladder only ${height:-0}px high"; exit 1; }
for m in ClientHello ServerHello Certificate ServerKeyExchange CertificateRequest \
         ServerHelloDone ClientKeyExchange CertificateVerify Finished; do
    grep -q "<summary><span class=\"arrow\">$m " "$T/dom.html" || { echo "no arrow for $m in the DOM"; exit 1; }
done
attr() { echo "$2" | sed -n "s/.* data-$1=\"\([0-9]*\)\".*/\1/p"; }
for w in 1024 1920; do
    chrome --window-size=$w,900 --dump-dom > "$T/dom$w.html" || { echo "chromium failed at $w px"; exit 1; }
    b=$(grep -o '<body[^>]*>' "$T/dom$w.html" | head -n 1)
    inner=$(attr inner-width "$b"); closed=$(attr scroll-width-closed "$b"); open=$(attr scroll-width-open "$b")
    [ "${inner:-0}" -eq "$w" ] || { echo "window is ${inner:-?}px, wanted $w: $b"; exit 1; }
    [ -n "$closed" ] && [ "$closed" -le "$inner" ] || { echo "at $w px the closed page is ${closed:-?}px wide"; exit 1; }
    [ -n "$open" ] && [ "$open" -le "$inner" ] || { echo "at $w px the opened page is ${open:-?}px wide"; exit 1; }
    chrome --window-size=$w,1400 --screenshot="$T/shot$w.png" >/dev/null || { echo "no screenshot at $w px"; exit 1; }
    [ "$(wc -c < "$T/shot$w.png")" -gt 20000 ] || { echo "screenshot at $w px suspiciously small"; exit 1; }
done
openh=$(attr open-height "$(grep -o '<body[^>]*>' "$T/dom1024.html" | head -n 1)")
D="$T/dom1024.html"
grep -q '<button type="button" id="expand-all">' "$D" || { echo "no expand-all button"; exit 1; }
grep -q '<button type="button" id="collapse-all">' "$D" || { echo "no collapse-all button"; exit 1; }
cmds=$(grep -o '<code class="cmd">' "$D" | wc -l)
copies=$(grep -o '<button type="button" class="copy">' "$D" | wc -l)
[ "$copies" -eq "$cmds" ] || { echo "$copies copy buttons for $cmds commands"; exit 1; }
views=$(grep -o '<div class="hexdump">' "$D" | wc -l)
[ "$views" -eq "$want" ] || { echo "$views hex views for $want messages"; exit 1; }
rows=$(grep -o '<tr class="fld f[0-5]' "$D" | wc -l)
spans=$(grep -o '<span class="f[0-5]' "$D" | wc -l)
[ "$rows" -gt "$want" ] && [ "$spans" -eq "$rows" ] || { echo "$spans coloured byte runs for $rows field rows"; exit 1; }
# Every record's header is annotated: plaintext records under their note,
# protected records as the first rows of their message.
plain=$(grep -c 'goes out in a plaintext record' "$D")
prot=$(grep -c '<summary><span class="arrow">protected record ' "$D")
for f in type version length; do
    n=$(grep -c "<div class=\"note hdr [a-z]*\"><code class=\"f[0-5]\">[0-9a-f]*</code> record\.$f: " "$D")
    [ "$plain" -ge 1 ] && [ "$n" -eq "$plain" ] || { echo "record.$f annotated $n times for $plain plaintext records"; exit 1; }
    n=$(grep -o "<td>record\.$f</td>" "$D" | wc -l)
    [ "$prot" -ge 1 ] && [ "$n" -ge "$prot" ] || { echo "record.$f in $n of $prot protected records"; exit 1; }
done
grep -q '@media print' "$T/w.html" || { echo "no print style sheet"; exit 1; }
if grep -Eiq 'https?://|<script[^>]* src=|<link |@import' "$T/w.html"; then
    echo "the page is not self-contained:"; grep -Eio 'https?://[^" ]*|<script[^>]* src=|<link |@import' "$T/w.html" | head -n 3
    exit 1
fi
# Printed, every message is open: the page count follows the opened height
# (about 1000 px a page), not the closed ladder's few pages.
chrome --print-to-pdf="$T/w.pdf" >/dev/null || { echo "printing to PDF failed"; exit 1; }
pages=$(grep -a -o '/Type */Page\([^s]\|$\)' "$T/w.pdf" | wc -l)
[ "${pages:-0}" -ge $((openh / 2000)) ] && [ $((openh / 2000)) -gt 3 ] ||
    { echo "printed ${pages:-0} pages for an opened height of ${openh:-?}px"; exit 1; }
check_certs "$D" "$name"
echo "walkthrough HTML ($name): $arrows arrows drawn, ladder ${height}px, every message name" \
     "rendered; no sideways scroll at 1024/1920 px; $rows coloured fields, $copies copy buttons," \
     "$plain+$prot record headers annotated, $pages printed pages; $certs certificates" \
     "dissected in $ders elements"
}

check_page glass --seed 1
check_page tls12 --protocol tls12 --seed 1
[ "$(grep -o '<details class="cert"' "$TOP/tls12/dom1024.html" | wc -l)" -eq 3 ] ||
    { echo "tls12: the CA certificate is not dissected"; exit 1; }

# Text: the same trees, within 100 columns; JSON: nested arrays whose every
# element's header bytes lie at its offset in the message.
for p in glass tls12; do
    "$GLASS" walkthrough --protocol $p --seed 1 > "$TOP/$p.txt" 2>/dev/null || { echo "$p text failed"; exit 1; }
    grep -q "certificate 1 of 1 (the sender's own): [0-9]* bytes, subject CN=localhost, field by field:" \
        "$TOP/$p.txt" || { echo "$p: no certificate tree in text"; exit 1; }
    n=$(grep -c '^    [0-9a-f]\{6\}  [0-9a-f][0-9a-f] [0-9a-f]' "$TOP/$p.txt")
    wide=$(grep '^    [0-9a-f]\{6\}  [0-9a-f][0-9a-f] [0-9a-f]' "$TOP/$p.txt" | LC_ALL=C.UTF-8 awk 'length($0) > 100' | wc -l)
    [ "$n" -gt 80 ] && [ "$wide" -eq 0 ] || { echo "$p: $n tree lines in text, $wide wider than 100"; exit 1; }
    "$GLASS" walkthrough --protocol $p --seed 1 --format json > "$TOP/$p.json" 2>/dev/null || { echo "$p json failed"; exit 1; }
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$TOP/$p.json" <<'PY' || { echo "$p: JSON certificate trees"; exit 1; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is True, d["summary"]
trees = 0
def walk(nodes, b, depth):
    n = 0
    for e in nodes:
        assert e["depth"] == depth, e
        h = bytes.fromhex(e["header"])
        assert b[e["offset"]:e["offset"] + len(h)] == h, e
        n += 1 + walk(e["children"], b, depth + 1)
    return n
for i in d["items"]:
    if i["type"] == "message":
        b = bytes.fromhex(i["bytes"])
        for f in i["fields"]:
            assert b[f["offset"]:f["offset"] + f["length"]].hex() == f["bytes"], f["field"]
            if "der" in f:
                trees += 1
                assert walk(f["der"], b, 0) > 40 and f["der"][0]["field"].startswith("Certificate")
    elif i["type"] == "der":
        trees += 1
        assert walk(i["der"], bytes.fromhex(i["bytes"]), 0) > 40
assert trees >= 2, trees
PY
    fi
done
echo "walkthrough certificates: trees in text (100 columns) and JSON for both protocols"
