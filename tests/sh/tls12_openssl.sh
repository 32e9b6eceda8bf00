#!/bin/sh
# tls12_openssl.sh — the engine's TLS 1.2 profile against real OpenSSL, over
# 127.0.0.1, through tests/peer/tls12_peer.c (a small driver built here
# against the library): our client against `openssl s_server` and `openssl
# s_client` against our server, with encrypt-then-MAC on and off, EMS on and
# off, client certificates requested and required, session resumption, and
# the master secret in our key log equal to the one in OpenSSL's.
# Every process started is stopped; every wait is bounded.
set -u
: "${ROOT:?}" "${BUILD:=build}"
command -v openssl >/dev/null 2>&1 || { echo "openssl is missing: run sh scripts/deps.sh"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/glass-tls12.XXXXXX") || exit 1
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() { echo "FAIL: $*"; for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }; done; exit 1; }

CC=${CC:-cc}
LIB="$ROOT/$BUILD/libglass.a"
[ -f "$LIB" ] || { echo "build $LIB first (make)"; exit 1; }
# A sanitizer build of the library (make asan) needs the same at link time.
SAN=""
nm "$LIB" 2>/dev/null | grep -q __asan_ && SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"
# shellcheck disable=SC2046,SC2086
$CC -std=c11 -O1 -g $SAN -I"$ROOT" -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags gmp libsodium) \
    "$ROOT/tests/peer/tls12_peer.c" "$LIB" $(pkg-config --libs gmp libsodium) -lm \
    -o "$T/peer" || fail "cannot build tests/peer/tls12_peer.c"
P="$T/peer"

F="$ROOT/tests/data/protocol"
openssl x509 -inform der -in "$F/server.der" -out "$T/server.pem" || fail "fixture"
openssl x509 -inform der -in "$F/ca.der" -out "$T/ca.pem" || fail "fixture"
openssl x509 -inform der -in "$F/alice.der" -out "$T/alice.pem" || fail "fixture"
openssl pkey -in "$F/server.key" -out "$T/server.key.pem" 2>/dev/null || fail "fixture"
openssl pkey -in "$F/alice.key" -out "$T/alice.key.pem" 2>/dev/null || fail "fixture"

# A port nobody listens on: random in 20000..31999 (below the local ports of
# outgoing connections, 32768..), checked with ss when present.  Every log a
# wait reads is emptied before its process starts, so an old line cannot
# satisfy the wait.
next_port() {
    while :; do
        PORT=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 12000 ))
        command -v ss >/dev/null 2>&1 && ss -ltn 2>/dev/null | grep -q ":$PORT " && continue
        break
    done
    : > "$T/ossl.log"
    : > "$T/server.log"
}

# wait_for FILE PATTERN: up to 10 s.
wait_for() {
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
    done
}

# master secret of CLIENT_RANDOM lines: "random secret"
keys_of() { grep '^CLIENT_RANDOM' "$1" | awk '{print $2, $3}' | sort; }

n=0
# 1. Our client against openssl s_server -www: EtM and EMS on and off.
for opt in "" "--no-etm" "--no-ems" "--no-etm --no-ems"; do
    next_port
    rm -f "$T/ossl.keys" "$T/our.keys"
    openssl s_server -accept "$PORT" -tls1_2 -cipher DHE-RSA-AES256-SHA256 -cert "$T/server.pem" \
        -key "$T/server.key.pem" -www -keylogfile "$T/ossl.keys" -naccept 1 > "$T/ossl.log" 2>&1 &
    PIDS="$PIDS $!"
    wait_for "$T/ossl.log" ACCEPT || fail "openssl s_server did not start"
    # shellcheck disable=SC2086
    timeout 20 "$P" client "$PORT" --ca "$F/ca.der" --name localhost --keylog "$T/our.keys" $opt \
        > "$T/client.out" 2> "$T/client.log" || fail "our client against openssl s_server ($opt)"
    grep -q "Protocol  : TLSv1.2" "$T/client.out" || fail "no status page from openssl ($opt)"
    grep -q "Cipher    : DHE-RSA-AES256-SHA256" "$T/client.out" || fail "suite ($opt)"
    case "$opt" in *etm*) want_etm=0 ;; *) want_etm=1 ;; esac
    case "$opt" in *ems*) want_ems=0 ;; *) want_ems=1 ;; esac
    grep -q "ems=$want_ems etm=$want_etm" "$T/client.log" || fail "EtM/EMS not as asked ($opt)"
    [ "$(keys_of "$T/our.keys")" = "$(keys_of "$T/ossl.keys")" ] ||
        fail "master secret differs from openssl's key log ($opt)"
    n=$((n + 1))
done

# 1b. A server that signs its DH parameters with RSASSA-PSS
#     (rsa_pss_rsae_sha256, RFC 8446 §4.2.3): our client verifies it too.
next_port
openssl s_server -accept "$PORT" -tls1_2 -cipher DHE-RSA-AES256-SHA256 -cert "$T/server.pem" \
    -key "$T/server.key.pem" -www -sigalgs RSA-PSS+SHA256 -naccept 1 > "$T/ossl.log" 2>&1 &
PIDS="$PIDS $!"
wait_for "$T/ossl.log" ACCEPT || fail "openssl s_server did not start"
timeout 20 "$P" client "$PORT" --ca "$F/ca.der" --name localhost > "$T/client.out" \
    2> "$T/client.log" || fail "our client against a server signing with RSA-PSS"
grep -q "Peer signature type: RSA-PSS\|RSA-PSS" "$T/ossl.log" "$T/client.out" ||
    fail "openssl did not sign with RSA-PSS"
n=$((n + 1))

# 2. openssl s_client against our server: EtM on and off, client
#    certificate none / required, application data both ways.
for mode in plain no_etm verify; do
    next_port
    rm -f "$T/ossl.keys" "$T/our.keys"
    sopt=""; copt=""
    [ "$mode" = no_etm ] && copt="-no_etm"
    [ "$mode" = verify ] && { sopt="--Verify --ca $F/ca.der"; copt="-cert $T/alice.pem -key $T/alice.key.pem"; }
    # shellcheck disable=SC2086
    "$P" server "$PORT" --cert "$F/server.der" --key "$F/server.key" --keylog "$T/our.keys" $sopt \
        > "$T/server.out" 2> "$T/server.log" &
    PIDS="$PIDS $!"
    wait_for "$T/server.log" LISTENING || fail "our server did not start"
    # shellcheck disable=SC2086
    printf 'hello from openssl\n' | timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 \
        -CAfile "$T/ca.pem" -servername localhost -verify_return_error -keylogfile "$T/ossl.keys" \
        -ign_eof $copt > "$T/sclient.out" 2>&1 || true
    grep -q "echo: hello from openssl" "$T/sclient.out" || fail "no echo from our server ($mode)"
    grep -q "Verify return code: 0 (ok)" "$T/sclient.out" || fail "openssl did not verify us ($mode)"
    wait_for "$T/server.log" INFO || fail "server said nothing ($mode)"
    [ "$mode" = no_etm ] && { grep -q "etm=0" "$T/server.log" || fail "EtM not off"; }
    [ "$mode" = verify ] && { grep -q 'peer="alice"' "$T/server.log" || fail "client cert not seen"; }
    [ "$(keys_of "$T/our.keys")" = "$(keys_of "$T/ossl.keys")" ] ||
        fail "master secret differs from openssl's key log ($mode)"
    n=$((n + 1))
done

# 3. Required certificate, none sent: our server sends handshake_failure.
next_port
"$P" server "$PORT" --cert "$F/server.der" --key "$F/server.key" --Verify --ca "$F/ca.der" \
    > "$T/server.out" 2> "$T/server.log" &
PIDS="$PIDS $!"
wait_for "$T/server.log" LISTENING || fail "our server did not start"
printf 'x\n' | timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -CAfile "$T/ca.pem" \
    > "$T/sclient.out" 2>&1 || true
wait_for "$T/server.log" "ALERT sent handshake_failure" || fail "no handshake_failure without a client certificate"
grep -q "alert handshake failure" "$T/sclient.out" || fail "openssl did not get handshake_failure"
n=$((n + 1))

# 3b. A revoked client certificate (the CA's CRL given to our server):
#     certificate_revoked.
next_port
"$P" server "$PORT" --cert "$F/server.der" --key "$F/server.key" --Verify --ca "$F/ca.der" \
    --crl "$F/crl.der" > "$T/server.out" 2> "$T/server.log" &
PIDS="$PIDS $!"
wait_for "$T/server.log" LISTENING || fail "our server did not start"
openssl x509 -inform der -in "$F/alice-revoked.der" -out "$T/revoked.pem" || fail "fixture"
printf 'x\n' | timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -CAfile "$T/ca.pem" \
    -cert "$T/revoked.pem" -key "$T/alice.key.pem" > "$T/sclient.out" 2>&1 || true
wait_for "$T/server.log" "ALERT sent certificate_revoked" || fail "no certificate_revoked for a revoked client"
grep -q "alert certificate revoked" "$T/sclient.out" || fail "openssl did not get certificate_revoked"
n=$((n + 1))

# 3c. A chain longer than one: root -> intermediate -> leaf, made here with
#     openssl; openssl s_server sends leaf and intermediate, our client
#     trusts only the root.  And our server sends the same chain to openssl.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/root.key" -out "$T/root.pem" -days 2 \
    -subj "/CN=Chain Root" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null || fail "root"
openssl req -newkey rsa:2048 -nodes -keyout "$T/int.key" -out "$T/int.csr" -subj "/CN=Chain Int" \
    2>/dev/null || fail "intermediate request"
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$T/int.ext"
openssl x509 -req -in "$T/int.csr" -CA "$T/root.pem" -CAkey "$T/root.key" -CAcreateserial \
    -days 2 -extfile "$T/int.ext" -out "$T/int.pem" 2>/dev/null || fail "intermediate"
openssl req -newkey rsa:2048 -nodes -keyout "$T/leaf.key" -out "$T/leaf.csr" -subj "/CN=localhost" \
    2>/dev/null || fail "leaf request"
printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' > "$T/leaf.ext"
openssl x509 -req -in "$T/leaf.csr" -CA "$T/int.pem" -CAkey "$T/int.key" -CAcreateserial \
    -days 2 -extfile "$T/leaf.ext" -out "$T/leaf.pem" 2>/dev/null || fail "leaf"
for c in root int leaf; do openssl x509 -in "$T/$c.pem" -outform der -out "$T/$c.der"; done
next_port
openssl s_server -accept "$PORT" -tls1_2 -cipher DHE-RSA-AES256-SHA256 -cert "$T/leaf.pem" \
    -key "$T/leaf.key" -cert_chain "$T/int.pem" -www -naccept 1 > "$T/ossl.log" 2>&1 &
PIDS="$PIDS $!"
wait_for "$T/ossl.log" ACCEPT || fail "openssl s_server did not start"
timeout 20 "$P" client "$PORT" --ca "$T/root.der" --name localhost > "$T/client.out" \
    2> "$T/client.log" || fail "our client and a chain of two under the root"
grep -q "verify=GLASS_OK" "$T/client.log" || fail "the chain did not verify"
next_port
"$P" server "$PORT" --cert "$T/leaf.der" --key "$T/leaf.key" --chain "$T/int.der" \
    > "$T/server.out" 2> "$T/server.log" &
PIDS="$PIDS $!"
wait_for "$T/server.log" LISTENING || fail "our server did not start"
printf 'chain\n' | timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -CAfile "$T/root.pem" \
    -verify_return_error -ign_eof > "$T/sclient.out" 2>&1 || true
grep -q "Verify return code: 0 (ok)" "$T/sclient.out" && grep -q "echo: chain" "$T/sclient.out" ||
    fail "openssl did not verify our chain of two"
n=$((n + 1))

# 4. Resumption: openssl s_client -reconnect against our server with a
#    cache; our client -sess_out / -sess_in against openssl s_server.
next_port
"$P" server "$PORT" --cert "$F/server.der" --key "$F/server.key" --cache --naccept 6 \
    > "$T/server.out" 2> "$T/server.log" &
PIDS="$PIDS $!"
wait_for "$T/server.log" LISTENING || fail "our server did not start"
printf 'again\n' | timeout 30 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -CAfile "$T/ca.pem" \
    -reconnect -ign_eof > "$T/sclient.out" 2>&1 || true
grep -q "^Reused, TLSv1.2" "$T/sclient.out" || fail "openssl -reconnect did not resume with our server"
grep -q "resumed=1" "$T/server.log" || fail "our server did not report a resumption"
n=$((n + 1))

next_port
openssl s_server -accept "$PORT" -tls1_2 -cipher DHE-RSA-AES256-SHA256 -cert "$T/server.pem" \
    -key "$T/server.key.pem" -www -naccept 2 > "$T/ossl.log" 2>&1 &
PIDS="$PIDS $!"
wait_for "$T/ossl.log" ACCEPT || fail "openssl s_server did not start"
timeout 20 "$P" client "$PORT" --ca "$F/ca.der" --name localhost --sess-out "$T/sess" \
    > "$T/client.out" 2> "$T/client.log" || fail "first connection for the session"
timeout 20 "$P" client "$PORT" --ca "$F/ca.der" --name localhost --sess-in "$T/sess" \
    > "$T/client.out" 2> "$T/client2.log" || fail "resumed connection"
grep -q "resumed=1" "$T/client2.log" || fail "openssl s_server did not resume our session"
grep -q "^Reused, TLSv1.2" "$T/client.out" || fail "openssl's page does not say Reused"
n=$((n + 1))

# 5. The other protocol, named in one line.  openssl s_client against a
#    glass-profile server: "the peer speaks TLS, not glass" (openssl itself
#    reads the glass alert as a wrong version number).  A glass client gets
#    nothing from openssl s_server, which resets the connection without an
#    alert; against our TLS 1.2 server it gets a TLS alert and says so, and
#    the server says the client speaks glass.
next_port
"$P" server "$PORT" --cert "$F/server.der" --key "$F/server.key" --glass --ca "$F/ca.der" \
    > "$T/server.out" 2> "$T/server.log" &
PIDS="$PIDS $!"
wait_for "$T/server.log" LISTENING || fail "our server did not start"
printf 'x\n' | timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 > "$T/sclient.out" 2>&1 || true
wait_for "$T/server.log" "the peer speaks TLS, not glass" || fail "glass server: no 'peer speaks TLS' line"
grep -q "wrong version number" "$T/sclient.out" || fail "openssl did not see a foreign record"
next_port
"$P" server "$PORT" --cert "$F/server.der" --key "$F/server.key" > "$T/server.out" 2> "$T/server.log" &
PIDS="$PIDS $!"
wait_for "$T/server.log" LISTENING || fail "our server did not start"
timeout 20 "$P" client "$PORT" --ca "$F/ca.der" --name localhost --glass > "$T/client.out" \
    2> "$T/client.log" && fail "a glass client finished a handshake with a TLS server"
grep -q "the peer speaks TLS, not glass" "$T/client.log" || fail "glass client: no 'peer speaks TLS' line"
wait_for "$T/server.log" "the peer speaks glass, not TLS" || fail "TLS server: no 'peer speaks glass' line"
n=$((n + 1))

echo "tls12 against openssl: $n scenarios, key logs equal"
