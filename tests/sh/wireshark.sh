#!/bin/sh
# run-tests: alone=build,load
# wireshark.sh — the glass dissector for Wireshark (tools/wireshark/glass.lua)
# on a capture of real glass sessions: a glass server on 127.0.0.1, tcpdump
# on the loopback interface (only the server's port), an enrollment and a
# mutually authenticated page fetch with `glass client get --trace`; then
# tshark with the dissector reads the capture back, and
#   1. every field of every handshake message sent in the clear, as the
#      client's own trace (the engine's dissector, protocol/dissect.c) names
#      and shows it, is shown by tshark under glass.NAME with the same value;
#   2. every protected record shows IV (16), ciphertext (a multiple of 16)
#      and MAC (32), and nothing of the plaintext;
#   3. every field the Lua dissector registers carries a name the engine's
#      dissector uses;
#   4. make install puts the dissector in PREFIX/share/glasstls/wireshark/.
# The text views of the capture (tshark's packet list and details, what
# docs/wireshark.md shows) are left in $BUILD/wireshark/.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"

LUA="$ROOT/tools/wireshark/glass.lua"
for tool in tshark tcpdump; do
    command -v $tool >/dev/null 2>&1 || fail "$tool is not installed (scripts/deps.sh installs it)"
done
ts() { tshark -X "lua_script:$LUA" -r "$T/cap.pcap" "$@" 2>"$T/tshark.err"; }

# ---- a real session, captured ------------------------------------------------
make_ca "$T/ca" "/CN=Wire CA"
mkdir -p "$T/ca/www"
printf '<html><body>seen through glass</body></html>\n' >"$T/ca/www/index.html"
start_server "$T/ca" "$T/server.log" --handshake-timeout 120
tcpdump -Z root --immediate-mode -U -i lo -s 0 -w "$T/cap.pcap" "tcp port $PORT" \
    >"$T/tcpdump.log" 2>&1 &
TCPDUMP_PID=$!
NET_PIDS="$NET_PIDS $TCPDUMP_PID"
wait_for "$T/tcpdump.log" "listening on lo" 30 || fail "tcpdump did not start"
enroll "$T/ca" alice "$PORT" "$T/alice"
timeout 60 "$GLASS" client get --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" --trace / \
    >"$T/trace.out" 2>&1 || { tail -n 20 "$T/trace.out"; fail "glass client get"; }
grep -q "seen through glass" "$T/trace.out" || fail "the page did not arrive"
stop_server
kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID" 2>/dev/null
packets=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$T/tcpdump.log")
[ "${packets:-0}" -gt 10 ] || { cat "$T/tcpdump.log"; fail "tcpdump captured ${packets:-no} packets"; }

# ---- 1. the clear handshake fields, as the engine's own dissector shows them ---
# The trace prints "  +OFFS  LEN  Name.field  meaning" and the bytes in hex
# on the lines below.  Collect (name, hex) for the client's second session
# (after "get"): its handshake has every clear message, CertificateVerify too.
awk '
    /^ *\+[0-9a-f][0-9a-f][0-9a-f][0-9a-f] +[0-9]+ +[A-Za-z]/ { flush(); name = $3; hex = ""; next }
    name != "" && /^ +[0-9a-f]+$/ { gsub(/ /, ""); hex = hex $0; next }
    { flush() }
    function flush() { if (name != "" && hex != "") print name, hex; name = ""; hex = "" }
    END { flush() }
' "$T/trace.out" >"$T/fields.txt"
clear='^(ClientHello|ServerHello|Certificate|ServerKeyExchange|CertificateRequest|ServerHelloDone|ClientKeyExchange|CertificateVerify)\.'
grep -E "$clear" "$T/fields.txt" >"$T/clear.txt"
[ "$(wc -l <"$T/clear.txt")" -ge 30 ] || { cat "$T/fields.txt" | head; fail "too few clear fields in the trace"; }
checked=0
while read -r name hex; do
    vals=$(ts -T fields -e "glass.$name" -E occurrence=a -E separator=/s | tr ',' '\n' | tr -d ':' |
           grep -v '^$')
    [ -n "$vals" ] || fail "tshark shows no glass.$name (the trace has $name = $hex)"
    want=$hex
    if echo "$vals" | grep -q '^0x\|^[0-9][0-9]*$'; then
        # A number: tshark prints 0x0100 or 44; compare values.
        want=$(printf '%d' "0x$hex")
        vals=$(echo "$vals" | while read -r v; do printf '%d\n' "$v"; done)
    fi
    echo "$vals" | grep -qx "$want" || fail "glass.$name: tshark shows $(echo $vals | head -c 80), the engine $hex"
    checked=$((checked + 1))
done <"$T/clear.txt"

# Every plaintext message type of both sessions appears.
for m in ClientHello ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone \
         ClientKeyExchange CertificateVerify; do
    n=$(ts -Y "glass.$m.msg_type" | wc -l)
    [ "$n" -ge 1 ] || fail "no $m in the capture"
done
ts -Y glass -T fields -e glass.record.version | tr ',' '\n' | sort -u >"$T/versions"
[ "$(cat "$T/versions")" = "0x4701" ] || fail "record versions: $(cat "$T/versions")"

# ---- 2. protected records: IV, ciphertext, MAC and no more ---------------------
# (RFC 7366 §3: IV || ciphertext, a whole number of AES blocks || MAC.)
ts -Y glass.record.MAC -T fields -e glass.record.IV -e glass.record.ciphertext -e glass.record.MAC \
    -E occurrence=a -E separator=/t >"$T/protected"
[ "$(wc -l <"$T/protected")" -ge 4 ] || fail "too few protected records"
protected=0
while IFS="$(printf '\t')" read -r ivs cts macs; do
    for iv in $(echo "$ivs" | tr ',' ' '); do [ ${#iv} -eq 32 ] || fail "IV $iv"; done
    for mac in $(echo "$macs" | tr ',' ' '); do
        [ ${#mac} -eq 64 ] || fail "MAC $mac"
        protected=$((protected + 1))
    done
    for ct in $(echo "$cts" | tr ',' ' '); do
        [ ${#ct} -ge 32 ] && [ $(( ${#ct} % 32 )) -eq 0 ] || fail "ciphertext $ct"
    done
done <"$T/protected"
if ts -Y glass -x | grep -q "seen through glass"; then
    fail "the page's text is visible in the capture"
fi
ts -Y 'glass.Finished.verify_data' | grep -q . && fail "a Finished was shown as plaintext"

# ---- 3. the dissector's field names are the engine's ---------------------------
tshark -G fields -X "lua_script:$LUA" 2>/dev/null | awk -F'\t' '$1 == "F" && $3 ~ /^glass\./ && $4 != "FT_NONE" { print $3 }' \
    >"$T/registered"
[ "$(wc -l <"$T/registered")" -ge 40 ] || fail "the dissector registers too few fields"
while read -r f; do
    short=${f#glass.}
    tail=${short#*.}
    grep -q "\"$tail\"" "$ROOT/protocol/dissect.c" ||
        grep -q "\"$short\"" "$ROOT/protocol/dissect.c" ||
        fail "$f: no field of protocol/dissect.c is named $tail"
done <"$T/registered"

# ---- 4. make install ------------------------------------------------------------
make -s -C "$ROOT" BUILD="$BUILD" install PREFIX=/usr DESTDIR="$T/inst" >"$T/install.log" 2>&1 ||
    { cat "$T/install.log"; fail "make install"; }
cmp -s "$T/inst/usr/share/glasstls/wireshark/glass.lua" "$LUA" || fail "make install: no glass.lua"

# ---- the text views, for docs/wireshark.md -----------------------------------
mkdir -p "$ROOT/$BUILD/wireshark"
ts -Y glass >"$ROOT/$BUILD/wireshark/packets.txt"
ts -Y 'glass.ClientHello.msg_type || glass.record.MAC' -O glass >"$ROOT/$BUILD/wireshark/details.txt"
echo "wireshark: $packets packets captured; $checked clear handshake fields match the engine's" \
     "trace; $protected protected records show IV, ciphertext and MAC only;" \
     "$(wc -l <"$T/registered") dissector fields named as protocol/dissect.c names them"
