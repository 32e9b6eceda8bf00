#!/bin/sh
# server_enroll.sh — a network CA for servers (the course exercise in which a
# server sends its identity, C ST L O OU CN emailAddress, and its public key to
# the CA service and gets its certificate back): server A holds the CA and its
# enrollment service; `glass ca enroll-code --profile server` makes a code
# carrying the whole subject and the SANs; server B enrolls over the network
# (`glass server enroll`), starts with its new certificate, and a glass client
# trusting only A's CA fetches a page from B.  `openssl verify` and
# `openssl x509 -text` confirm the subject fields, the SANs and serverAuth.
# The wrong cases: a used code, a client code for a server and a server code
# for a client, a subject other than the code's, a malformed subject, a
# directory that already has a certificate, a wrong password; each one line,
# exit 1, no certificate written.  The key is written before the CA is asked
# (a lost answer must not cost the code), and a later attempt uses it again.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"
command -v openssl >/dev/null 2>&1 || { echo "server_enroll.sh: openssl is needed as the oracle"; exit 1; }

SUBJ='/C=BR/ST=SP/L=Sao Paulo/O=Glass Class/OU=Lab 3/CN=www.example.test/emailAddress=web@example.test'
SAN='DNS:www.example.test,DNS:localhost,IP:127.0.0.1'

make_ca "$T/caA" "/CN=Network CA"
make_ca "$T/caB" "/CN=Web Server's Own CA"
start_server "$T/caA" "$T/a.log" --handshake-timeout 120
PORT_A=$PORT
PID_A=$SERVER_PID

# server_enroll DIR CODE SUBJECT [PASS]: glass server enroll against A.
server_enroll() {
    timeout 120 "$GLASS" server enroll --connect "127.0.0.1:$PORT_A" --code "$2" --subj "$3" \
        --ca "$T/caA/ca.pem" --dir "$1" -pass "${4:-$PW}" >"$T/se.out" 2>"$T/se.err"
}
# refused WHAT PATTERN DIR CODE SUBJECT [PASS]: exit 1, one line naming why, no
# certificate.
refused() {
    what=$1
    pat=$2
    shift 2
    server_enroll "$@"
    st=$?
    [ $st -eq 1 ] || { cat "$T/se.out" "$T/se.err"; fail "$what: exit $st, expected 1"; }
    [ "$(wc -l <"$T/se.err")" -eq 1 ] || { cat "$T/se.err"; fail "$what: expected one line"; }
    grep -q "^glass server enroll: .*$pat" "$T/se.err" || { cat "$T/se.err"; fail "$what: no '$pat'"; }
    [ ! -e "$1/server.pem" ] || fail "$what: a certificate was written"
}

# ---- 1. the code: a server profile with the whole subject and the SANs --------------
CODE=$("$GLASS" ca enroll-code --dir "$T/caA" --profile server --subj "$SUBJ" --san "$SAN") ||
    fail "enroll-code --profile server"
grep -q "	server	$SUBJ	$SAN\$" "$T/caA/enroll.txt" || { cat "$T/caA/enroll.txt"; fail "the code's record"; }

# ---- 2. the wrong cases first, each before any certificate is issued ---------------
CCODE=$("$GLASS" ca enroll-code --dir "$T/caA" www.example.test) || fail "a client code"
refused "a wrong password" "wrong password" "$T/caB" "$CCODE" "$SUBJ" pass:not-it
[ ! -e "$T/caB/server.key" ] || fail "a key was made before the password was checked"
refused "a malformed subject" "bad subject name" "$T/caB" "$CCODE" '/C=BRAZIL/CN=www.example.test'
refused "a subject without a CN" "needs a CN" "$T/caB" "$CCODE" '/C=BR/O=Glass Class'
[ ! -e "$T/caB/server.key" ] || fail "a key was made for a malformed subject"
refused "a client code for a server" "this is a client code" "$T/caB" "$CCODE" "$SUBJ"
grep -q '^generating an RSA-2048 key' "$T/se.out" || { cat "$T/se.out"; fail "no key made"; }
[ "$(stat -c %a "$T/caB/server.key")" = 600 ] || fail "the pending server.key is not 0600"
cp "$T/caB/server.key" "$T/pending.key"
refused "another subject than the code's" "not the one the code was made for" \
    "$T/caB" "$CODE" '/C=BR/O=Someone Else/CN=www.example.test'
grep -q '^using the pending key' "$T/se.out" || { cat "$T/se.out"; fail "the pending key not used"; }
refused "a code that is no code" "the CA refused" "$T/caB" "AAAA-BBBB-CCCC-DDDD-EEEE" "$SUBJ"
# The server code, offered by a client, is refused too, and is not used up.
timeout 120 "$GLASS" client enroll --server "127.0.0.1:$PORT_A" --name www.example.test \
    --code "$CODE" --ca "$T/caA/ca.pem" --out "$T/carol" -pass "$PW" -iter $ITER \
    >"$T/ce.out" 2>"$T/ce.err"
[ $? -eq 1 ] || { cat "$T/ce.err"; fail "a client got a certificate with a server code"; }
grep -q 'this is a server code' "$T/ce.err" || { cat "$T/ce.err"; fail "server code to client: why"; }
[ ! -e "$T/carol/cert.pem" ] || fail "a client certificate from a server code"
# And the code's usage errors.
expect_error "--profile server without --subj" "$GLASS" ca enroll-code --dir "$T/caA" --profile server
expect_error "--subj for a client code" "$GLASS" ca enroll-code --dir "$T/caA" --subj /CN=a a
expect_error "a bad --san" "$GLASS" ca enroll-code --dir "$T/caA" --profile server --subj /CN=a --san FTP:x
expect_error "an unknown profile" "$GLASS" ca enroll-code --dir "$T/caA" --profile router a
expect_error "NAME not the CN" "$GLASS" ca enroll-code --dir "$T/caA" --profile server --subj /CN=a b
expect_error "server enroll without --code" "$GLASS" server enroll --connect 127.0.0.1:1 \
    --subj /CN=a --ca "$T/caA/ca.pem" --dir "$T/caB" -pass "$PW"

# ---- 3. B enrolls over the network; the certificate is checked and written -----------
server_enroll "$T/caB" "$CODE" "$SUBJ" || { cat "$T/se.out" "$T/se.err"; fail "server enroll"; }
grep -q "^issued $SUBJ\$" "$T/se.out" || { cat "$T/se.out"; fail "the issued subject not printed"; }
grep -q 'SAN DNS:www.example.test DNS:localhost IP:127.0.0.1' "$T/se.out" ||
    { cat "$T/se.out"; fail "the SANs not printed"; }
[ -s "$T/caB/server.pem" ] && [ -s "$T/caB/server.key" ] || fail "key and certificate not written"
[ "$(stat -c %a "$T/caB/server.key")" = 600 ] || fail "server.key is not 0600"
cmp -s "$T/caB/server.key" "$T/pending.key" || fail "the pending key was not the one certified"
grep -q 'ENCRYPTED PRIVATE KEY' "$T/caB/server.key" || fail "server.key is not encrypted"
ls "$T/caB" | grep -q '\.tmp' && fail "a temporary file was left behind"

# openssl, the oracle: A's CA signed it, for serverAuth, with every field and SAN.
openssl verify -CAfile "$T/caA/ca.pem" -purpose sslserver "$T/caB/server.pem" >"$T/v.out" 2>&1 ||
    { cat "$T/v.out"; fail "openssl verify -purpose sslserver"; }
openssl x509 -in "$T/caB/server.pem" -noout -text >"$T/x.txt" 2>&1 || fail "openssl x509 -text"
for f in 'C *= *BR' 'ST *= *SP' 'L *= *Sao Paulo' 'O *= *Glass Class' 'OU *= *Lab 3' \
    'CN *= *www.example.test' 'emailAddress *= *web@example.test'; do
    grep 'Subject:' "$T/x.txt" | grep -q "$f" || { grep 'Subject:' "$T/x.txt"; fail "subject lacks $f"; }
done
grep -q 'DNS:www.example.test, DNS:localhost, IP Address:127.0.0.1' "$T/x.txt" ||
    { cat "$T/x.txt"; fail "the SANs in the certificate"; }
grep -q 'TLS Web Server Authentication' "$T/x.txt" || fail "no serverAuth in the certificate"
grep -q 'TLS Web Client Authentication' "$T/x.txt" && fail "a server certificate with clientAuth"
grep -q 'Issuer: CN *= *Network CA' "$T/x.txt" || fail "the issuer is not A's CA"
openssl pkey -in "$T/caB/server.key" -passin "$PW" -pubout >"$T/k.pub" 2>/dev/null ||
    fail "openssl cannot read server.key with the password"
openssl x509 -in "$T/caB/server.pem" -noout -pubkey >"$T/c.pub" || fail "openssl x509 -pubkey"
cmp -s "$T/k.pub" "$T/c.pub" || fail "server.key does not match server.pem"

# A lost answer: the same code with the same (pending) key gets the same
# certificate again, within the code's life.
mv "$T/caB/server.pem" "$T/first.pem"
server_enroll "$T/caB" "$CODE" "$SUBJ" || { cat "$T/se.out" "$T/se.err"; fail "asking again"; }
grep -q '^using the pending key' "$T/se.out" || { cat "$T/se.out"; fail "asked again with a new key"; }
cmp -s "$T/first.pem" "$T/caB/server.pem" || fail "asked again: not the same certificate"

# ---- 4. the code is used: again, and a directory with a certificate, are refused ------
make_ca "$T/caC" "/CN=Third CA"
refused "a used code" "the CA refused" "$T/caC" "$CODE" "$SUBJ"
cp "$T/caB/server.pem" "$T/caC/server.pem"
server_enroll "$T/caC" "$CODE" "$SUBJ"
[ $? -eq 1 ] && grep -q 'already exists' "$T/se.err" || { cat "$T/se.err"; fail "replaced a certificate"; }
cmp -s "$T/caB/server.pem" "$T/caC/server.pem" || fail "an existing server.pem was changed"

# ---- 5. B serves with its new certificate; a client trusting only A fetches from B ----
mkdir -p "$T/caB/www"
printf '<html><body>served by B, certified by A</body></html>\n' >"$T/caB/www/index.html"
start_server "$T/caB" "$T/b.log" --handshake-timeout 120
grep -q 'issuing one' "$T/b.log" && fail "B issued itself a certificate instead of using A's"
timeout 60 "$GLASS" client get --server "127.0.0.1:$PORT" --ca "$T/caA/ca.pem" --verbose \
    /index.html >"$T/get.out" 2>"$T/get.err" || { cat "$T/get.err"; fail "get from B"; }
grep -q 'served by B, certified by A' "$T/get.out" || { cat "$T/get.out"; fail "B's page"; }
grep -q "server subject $SUBJ, issuer /CN=Network CA" "$T/get.out" ||
    { cat "$T/get.out"; fail "the client did not see B's subject"; }
# A client that trusts only B's own CA does not accept B's certificate.
timeout 60 "$GLASS" client get --server "127.0.0.1:$PORT" --ca "$T/caB/ca.pem" /index.html \
    >"$T/get.out" 2>"$T/get.err"
[ $? -eq 1 ] || fail "a client trusting another CA accepted B"
stop_server
kill -0 "$PID_A" || fail "server A died"
grep -q 'enroll www.example.test: certificate issued' "$T/a.log" || fail "A did not log the issue"
"$GLASS" server enroll --help | grep -q -- '--subj' || fail "server enroll --help"
"$GLASS" ca enroll-code --help | grep -q -- '--profile' || fail "enroll-code --help lacks --profile"
echo "server enrollment over the network: ok"
exit 0
