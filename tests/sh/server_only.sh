#!/bin/sh
# server_only.sh — server-only access (docs/PROTOCOL.md §10): a client with
# no certificate, only the CA's (`--ca ca.pem`, no `--id`), runs a handshake
# in which only the server is authenticated and fetches the published pages,
# as from an HTTPS server; its chat and key-value requests are refused with a
# message naming why, and the server goes on serving; `--require-client-cert`
# turns anonymous access off (handshake_failure, and the client says what to
# do); enrolled clients work as before, beside anonymous ones.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"

make_ca "$T/ca" "/CN=Server-only Test CA"
W="$T/ca/www"
mkdir -p "$W"
printf '<html><body>open to anyone</body></html>\n' >"$W/index.html"
head -c 100000 /dev/urandom >"$W/rand.bin"
CA="$T/ca/ca.pem"

start_server "$T/ca" "$T/server.log" --handshake-timeout 120
enroll "$T/ca" alice "$PORT" "$T/alice"

anon_get() {   # anon_get PATH [args...]: get with only the CA, out in $T/get.out/.err
    p=$1
    shift
    timeout 60 "$GLASS" client get --server "127.0.0.1:$PORT" --ca "$CA" "$p" "$@" \
        >"$T/get.out" 2>"$T/get.err"
}

# ---- 1. anonymous fetch: the page, byte for byte, and it says it is anonymous --
anon_get /index.html || { cat "$T/get.err"; fail "anonymous get /index.html"; }
cmp "$W/index.html" "$T/get.out" || fail "the anonymous page differs"
grep -q '^anonymous: no client certificate' "$T/get.err" ||
    { cat "$T/get.err"; fail "get without --id did not say it is anonymous"; }
grep -q 'no client key (anonymous)' "$T/get.err" ||
    { cat "$T/get.err"; fail "the session line does not say anonymous"; }
anon_get /rand.bin -o "$T/rand.bin" || { cat "$T/get.err"; fail "anonymous get /rand.bin"; }
cmp "$W/rand.bin" "$T/rand.bin" || fail "/rand.bin (many pieces) differs when anonymous"
anon_get /none.html -o "$T/never"
[ $? -eq 1 ] || fail "anonymous 404 did not exit 1"
grep -q '404' "$T/get.err" || { cat "$T/get.err"; fail "anonymous 404 not named"; }
[ ! -e "$T/never" ] || fail "-o wrote a file for a 404"
wait_for "$T/server.log" "anonymous client: server-only session" 10 ||
    fail "the server did not log the server-only session"

# ---- 2. a wrong CA: the server is still checked ----------------------------------
make_ca "$T/other" "/CN=Some Other CA"
timeout 60 "$GLASS" client get --server "127.0.0.1:$PORT" --ca "$T/other/ca.pem" /index.html \
    >"$T/get.out" 2>"$T/get.err"
[ $? -eq 1 ] || fail "an anonymous client trusted a server its CA did not sign"
grep -q 'handshake failed' "$T/get.err" || { cat "$T/get.err"; fail "wrong CA: no clear message"; }

# ---- 3. anonymous chat and kv: refused with the reason, no crash ------------------
printf '/who\n/to alice hello\n/put colour blue\n/getkey colour\n/keys\n/get /index.html\n' |
    timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --ca "$CA" --batch --wait 5 \
    >"$T/chat.out" 2>"$T/chat.err"
st=$?
[ $st -eq 1 ] || { cat "$T/chat.out" "$T/chat.err"; fail "anonymous chat: exit $st, expected 1"; }
grep -q 'as nobody (anonymous' "$T/chat.out" || { cat "$T/chat.out"; fail "chat did not say anonymous"; }
n=$(grep -c '^! chat needs a client certificate: run glass client enroll$' "$T/chat.out")
[ "$n" -eq 2 ] || { cat "$T/chat.out"; fail "expected 2 chat refusals, saw $n"; }
n=$(grep -c '^! the key-value store needs a client certificate: run glass client enroll$' "$T/chat.out")
[ "$n" -eq 3 ] || { cat "$T/chat.out"; fail "expected 3 key-value refusals, saw $n"; }
grep -q 'open to anyone' "$T/chat.out" || { cat "$T/chat.out"; fail "/get in an anonymous chat"; }
grep -q 'no client certificate (run glass client enroll)' "$T/chat.err" ||
    { cat "$T/chat.err"; fail "anonymous chat: no closing message"; }
grep -q 'refused SendTo from an anonymous client' "$T/server.log" ||
    fail "the server did not log the refused SendTo"
kill -0 "$SERVER_PID" || fail "the server died after anonymous chat"

# ---- 4. the mutually authenticated client still has everything -------------------
printf '/put colour blue\n/getkey colour\n/who\n' |
    timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
    --batch --wait 5 >"$T/alice.out" 2>"$T/alice.err" || { cat "$T/alice.err"; fail "alice chat"; }
grep -q 'connected to .* as alice' "$T/alice.out" || { cat "$T/alice.out"; fail "alice not named"; }
grep -q 'blue' "$T/alice.out" || { cat "$T/alice.out"; fail "alice's kv"; }
grep -q '^\* connected:.*alice' "$T/alice.out" || { cat "$T/alice.out"; fail "alice's /who"; }
grep -q 'anonymous' "$T/alice.out" && fail "an anonymous session shows in /who"
timeout 60 "$GLASS" client get --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
    /index.html >"$T/get.out" 2>"$T/get.err" || { cat "$T/get.err"; fail "alice get"; }
cmp "$W/index.html" "$T/get.out" || fail "alice's page differs"
grep -q 'client key RSA-2048' "$T/get.err" || { cat "$T/get.err"; fail "alice's session line"; }
stop_server

# ---- 5. --require-client-cert: anonymous access off; enrollment and alice go on ----
start_server "$T/ca" "$T/server2.log" --handshake-timeout 120 --require-client-cert
grep -q -- '--require-client-cert' "$T/server2.log" || true
anon_get /index.html -o "$T/never"
st=$?
[ $st -eq 1 ] || { cat "$T/get.err"; fail "--require-client-cert: anonymous get exit $st"; }
grep -q 'handshake_failure: it requires a client certificate' "$T/get.err" ||
    { cat "$T/get.err"; fail "--require-client-cert: the refusal is not explained"; }
grep -q 'run glass client enroll' "$T/get.err" || { cat "$T/get.err"; fail "no hint to enroll"; }
[ ! -e "$T/never" ] || fail "a refused anonymous get wrote a file"
timeout 60 "$GLASS" client get --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
    /index.html >"$T/get.out" 2>"$T/get.err" || { cat "$T/get.err"; fail "alice get (required)"; }
cmp "$W/index.html" "$T/get.out" || fail "alice's page differs (required)"
enroll "$T/ca" bob "$PORT" "$T/bob"
[ -s "$T/bob/cert.pem" ] || fail "enrollment under --require-client-cert"
kill -0 "$SERVER_PID" || fail "the server died"
stop_server

# ---- 6. the help and the man page name the switch ---------------------------------
"$GLASS" server --help | grep -q -- '--require-client-cert' || fail "server --help lacks the switch"
"$GLASS" client --help | grep -q 'anonymous' || fail "client --help lacks anonymous get"
if [ -f "$ROOT/docs/man/glass-server.1" ]; then
    grep -q 'require-client-cert' "$ROOT/docs/man/glass-server.1" || fail "man page lacks the switch"
fi
echo "server-only access: ok"
exit 0
