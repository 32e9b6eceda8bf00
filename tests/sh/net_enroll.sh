#!/bin/sh
# net_enroll.sh — enrollment over TCP on 127.0.0.1: a one-time code turns a
# fresh key into a CA-signed certificate, once; wrong, reused, expired and
# other-name codes are refused with access_denied and issue nothing.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"

make_ca "$T/ca" "/CN=Net Test CA"
start_server "$T/ca" "$T/server.log" --handshake-timeout 60

# 1. The server issued its own certificate on first start: localhost and
#    127.0.0.1, signed by the CA (openssl as the oracle).
[ -f "$T/ca/server.pem" ] && [ -f "$T/ca/server.key" ] || fail "no server.pem/server.key"
openssl verify -CAfile "$T/ca/ca.pem" "$T/ca/server.pem" >/dev/null || fail "server.pem does not verify"
openssl x509 -in "$T/ca/server.pem" -noout -text | grep -q 'DNS:localhost, IP Address:127.0.0.1' ||
    fail "server.pem lacks the SAN DNS:localhost,IP:127.0.0.1"

# 2. A good code: alice's identity, checked by openssl.
enroll "$T/ca" alice "$PORT" "$T/alice"
grep -q "^enrolled alice" "$T/enroll-alice.log" || fail "no 'enrolled alice' line"
for f in key.pem cert.pem ca.pem; do [ -f "$T/alice/$f" ] || fail "alice/$f missing"; done
[ "$(stat -c %a "$T/alice/key.pem")" = 600 ] || fail "alice/key.pem is not mode 600"
grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$T/alice/key.pem" || fail "alice/key.pem is not encrypted"
openssl verify -CAfile "$T/ca/ca.pem" -purpose sslclient "$T/alice/cert.pem" >/dev/null ||
    fail "alice's certificate does not verify as a client certificate"
openssl x509 -in "$T/alice/cert.pem" -noout -subject | grep -q 'CN *= *alice' || fail "subject is not CN=alice"
cmp -s "$T/ca/ca.pem" "$T/alice/ca.pem" || fail "alice/ca.pem is not the CA certificate"
# The key on disk is the key in the certificate (openssl decrypts our PKCS#8).
k=$(openssl pkey -in "$T/alice/key.pem" -passin "$PW" -pubout | sha256sum)
c=$(openssl x509 -in "$T/alice/cert.pem" -noout -pubkey | sha256sum)
[ "$k" = "$c" ] || fail "alice/key.pem does not match alice/cert.pem"
grep -q "enroll alice: certificate issued" "$T/server.log" || fail "server did not log the enrollment"
grep -q "alice" "$T/ca/index.txt" || fail "the CA index does not list alice"
# The store keeps only hashes: the code itself is nowhere in the CA directory.
code=$("$GLASS" ca enroll-code --dir "$T/ca" bob) || fail "enroll-code bob"
echo "$code" | grep -Eq '^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$' || fail "code '$code' is not XXXX-XXXX-XXXX-XXXX-XXXX"
grep -rqF "$code" "$T/ca" && fail "the code is stored in clear in the CA directory"

# try NAME CODE OUTDIR: an enrollment that must be refused.
try_refused() {
    n_before=$(grep -c . "$T/ca/index.txt")
    timeout 120 "$GLASS" client enroll --server "127.0.0.1:$PORT" --name "$1" --code "$2" \
        --ca "$T/ca/ca.pem" --out "$3" -pass "$PW" -iter $ITER >"$T/try.out" 2>"$T/try.err"
    st=$?
    [ $st -eq 1 ] || { cat "$T/try.err"; fail "enrollment of $1 with $4: exit $st, expected 1"; }
    grep -q "refused by the server: enrollment code is wrong, used or expired" "$T/try.err" ||
        { cat "$T/try.err"; fail "enrollment of $1 with $4: no refusal message"; }
    [ -e "$3/cert.pem" ] && fail "enrollment of $1 with $4 left a certificate"
    [ "$(grep -c . "$T/ca/index.txt")" -eq "$n_before" ] || fail "a certificate was issued for $4"
    return 0
}

# 3. The same code twice: the second time is refused.
alice_code=$("$GLASS" ca enroll-code --dir "$T/ca" carol) || fail "enroll-code carol"
enroll_with_code() {
    timeout 120 "$GLASS" client enroll --server "127.0.0.1:$PORT" --name "$1" --code "$2" \
        --ca "$T/ca/ca.pem" --out "$3" -pass "$PW" -iter $ITER >"$T/ok.out" 2>&1 ||
        { cat "$T/ok.out"; fail "enrollment of $1"; }
}
enroll_with_code carol "$alice_code" "$T/carol"
try_refused carol "$alice_code" "$T/carol2" "a reused code"
grep -q "code already used" "$T/server.log" || fail "server log does not say 'code already used'"

# 4. A wrong code (well-formed, never issued) and a malformed one.
try_refused bob "0000-0000-0000-0000-0000" "$T/bob-wrong" "a wrong code"
try_refused bob "hello" "$T/bob-bad" "a malformed code"

# 5. A code issued for bob, used by dave: refused, and bob's code still works.
try_refused dave "$code" "$T/dave" "another name's code"
enroll_with_code bob "$(echo "$code" | tr 'A-Z' 'a-z')" "$T/bob"

# 6. An expired code (1 second of life).
short=$("$GLASS" ca enroll-code --dir "$T/ca" --expires 1 erin) || fail "enroll-code erin"
sleep 2
try_refused erin "$short" "$T/erin" "an expired code"
grep -q "code expired" "$T/server.log" || fail "server log does not say 'code expired'"

# 7. The client refuses to overwrite an identity.
"$GLASS" client enroll --server "127.0.0.1:$PORT" --name alice --code "$code" \
    --ca "$T/ca/ca.pem" --out "$T/alice" -pass "$PW" >/dev/null 2>"$T/err" && fail "overwrote alice"
grep -q "already exists" "$T/err" || fail "no 'already exists' message"

# 8. Every refusal was an access_denied alert, and the server is still up.
grep -q "alert sent: access_denied" "$T/server.log" || fail "no access_denied alert in the server log"
stop_server
grep -q "stopped" "$T/server.log" || fail "server did not log its stop"
echo "net enrollment: ok"
