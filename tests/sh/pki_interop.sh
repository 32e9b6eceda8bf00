#!/bin/sh
# pki_interop.sh — the certificate authority's acceptance flow, with the
# openssl command as the oracle in both directions: a glass CA issues server
# and client certificates that `openssl verify` accepts for the right
# purpose only; glass signs an OpenSSL request; glass verifies an
# OpenSSL-made chain and refuses it under the wrong root; a tampered
# signature fails; glass keys satisfy `openssl pkey -check` and glass loads
# OpenSSL's encrypted keys; revocation through a glass CRL that openssl reads.
set -u
: "${GLASS:?}"
command -v openssl >/dev/null 2>&1 || { echo "pki_interop.sh: openssl is needed as the oracle"; exit 1; }
. "$(dirname "$0")/lib/check.sh"
check_setup
cd "$T" || exit 1
ok() { "$@" >/dev/null 2>&1 || fail "expected success: $*"; }
ko() {  # a glass failure is exit status 1, exactly; openssl's may vary
    "$@" >/dev/null 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then fail "expected failure: $*"
    elif [ "$1" = "$GLASS" ] && [ $rc -ne 1 ]; then fail "exit status $rc: $*"; fi
}

# ---- 1. a CA and two certificates --------------------------------------------
ok "$GLASS" ca init --dir ca --subj "/C=BR/O=Acceptance/CN=Acceptance Root" -pass pass:pw
ok "$GLASS" ca issue --dir ca --subj "/CN=localhost" --profile server \
    --san DNS:localhost,IP:127.0.0.1 -out srv.pem -keyout srv.key -pass pass:pw
ok "$GLASS" ca issue --dir ca --subj "/CN=alice" --profile client -out cli.pem -keyout cli.key \
    -pass pass:pw
for f in ca/ca.pem ca/ca.key srv.pem srv.key cli.pem cli.key; do
    [ -s "$f" ] || fail "$f missing"
done
[ "$(stat -c %a srv.key)" = 600 ] || fail "srv.key mode is $(stat -c %a srv.key), want 600"
[ "$(stat -c %a ca/ca.key)" = 600 ] || fail "ca.key mode is not 600"
grep -q "ENCRYPTED PRIVATE KEY" ca/ca.key || fail "ca.key is not encrypted"
openssl x509 -in ca/ca.pem -noout -text > ca.txt 2>&1 || fail "openssl cannot read ca.pem"
grep -q "CA:TRUE" ca.txt || fail "root lacks CA:TRUE"
grep -A1 "Key Usage: critical" ca.txt | grep -q "Certificate Sign, CRL Sign" || fail "root keyUsage"
openssl x509 -in srv.pem -noout -text > srv.txt 2>&1 || fail "openssl cannot read srv.pem"
grep -q "DNS:localhost, IP Address:127.0.0.1" srv.txt || fail "server SAN"
grep -q "TLS Web Server Authentication" srv.txt || fail "server EKU"
grep -q "Digital Signature, Key Encipherment" srv.txt || fail "server keyUsage"
grep -q "Subject Key Identifier" srv.txt || fail "server SKI"
grep -q "Authority Key Identifier" srv.txt || fail "server AKI"
# a random positive 16-byte serial: 32 hex digits, first below 8
serial=$(openssl x509 -in srv.pem -noout -serial | cut -d= -f2)
echo "$serial" | grep -Eq '^[0-7][0-9A-F]{31}$' || fail "serial $serial is not 16 positive bytes"
[ "$("$GLASS" x509 -in srv.pem -noout -serial)" = "serial=$serial" ] || fail "glass x509 -serial"
ofp=$(openssl x509 -in srv.pem -noout -fingerprint -sha256 | cut -d= -f2)
gfp=$("$GLASS" x509 -in srv.pem -noout -fingerprint | cut -d= -f2)
[ "$ofp" = "$gfp" ] || fail "fingerprints differ: $ofp / $gfp"
openssl x509 -in cli.pem -noout -text | grep -q "TLS Web Client Authentication" || fail "client EKU"

# ---- 2. openssl verifies glass certificates, for the right purpose only ----
ok openssl verify -CAfile ca/ca.pem -purpose sslserver srv.pem
ok openssl verify -CAfile ca/ca.pem -purpose sslclient cli.pem
ko openssl verify -CAfile ca/ca.pem -purpose sslserver cli.pem
ko openssl verify -CAfile ca/ca.pem -purpose sslclient srv.pem
[ "$("$GLASS" verify -CAfile ca/ca.pem -purpose sslserver srv.pem)" = "srv.pem: OK" ] \
    || fail "glass verify srv.pem"
ok "$GLASS" verify -CAfile ca/ca.pem -purpose sslclient cli.pem
ko "$GLASS" verify -CAfile ca/ca.pem -purpose sslserver cli.pem
# the key written with the certificate matches it
[ "$(openssl x509 -in srv.pem -noout -modulus)" = "$(openssl rsa -in srv.key -noout -modulus 2>/dev/null)" ] \
    || fail "srv.key does not match srv.pem"

# ---- 3. glass signs an OpenSSL request -------------------------------------
openssl genrsa -out o.key 2048 2>/dev/null
openssl req -new -key o.key -subj "/CN=bob" -out o.csr
ok "$GLASS" ca sign --dir ca -in o.csr -out o.pem --profile client -pass pass:pw
ok openssl verify -CAfile ca/ca.pem o.pem
openssl x509 -in o.pem -noout -subject | grep -q "CN = bob" || fail "o.pem subject"
# ... and refuses one whose self-signature is broken
openssl req -in o.csr -outform DER -out o.der
python3 - <<'PY' 2>/dev/null || head -c 40 o.der > bad.der
d = bytearray(open("o.der", "rb").read()); d[-1] ^= 1; open("bad.der", "wb").write(d)
PY
out=$("$GLASS" ca sign --dir ca -in bad.der -out bad.pem --profile client -pass pass:pw 2>&1) \
    && fail "signed a request with a bad self-signature"
[ -e bad.pem ] && fail "bad.pem written"
echo "$out" | grep -q "self-signature" || fail "bad request message: $out"

# ---- 4. an OpenSSL chain: verified under its root, refused under ours ----
openssl req -x509 -new -key o.key -sha256 -days 3 -subj "/CN=OSSL Root" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out oca.pem 2>/dev/null
openssl genrsa -out l.key 2048 2>/dev/null
openssl req -new -key l.key -subj "/CN=leaf" -out l.csr
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' > l.ext
openssl x509 -req -in l.csr -CA oca.pem -CAkey o.key -CAcreateserial -days 3 -sha256 \
    -extfile l.ext -out l.pem 2>/dev/null
[ "$("$GLASS" verify -CAfile oca.pem l.pem)" = "l.pem: OK" ] || fail "glass verify of an OpenSSL chain"
ko "$GLASS" verify -CAfile ca/ca.pem l.pem

# ---- 5. a tampered signature ----------------------------------------------
openssl x509 -in srv.pem -outform DER -out srv.der
python3 - <<'PY'
d = bytearray(open("srv.der", "rb").read()); d[-1] ^= 1; open("tampered.der", "wb").write(d)
PY
out=$("$GLASS" verify -CAfile ca/ca.pem tampered.der 2>&1) && fail "tampered certificate verified"
echo "$out" | grep -q "signature" || fail "tampered: message does not name the signature: $out"
ko openssl verify -CAfile ca/ca.pem tampered.der

# ---- 6. keys both ways ------------------------------------------------------
ok "$GLASS" genrsa -bits 2048 -aes256 -pass pass:kpw -out g.key
[ "$(stat -c %a g.key)" = 600 ] || fail "g.key mode"
ok openssl pkey -in g.key -passin pass:kpw -noout -check
openssl asn1parse -in g.key | grep -q "hmacWithSHA256" || fail "g.key PRF is not HMAC-SHA256"
iters=$(openssl asn1parse -in g.key | awk '/INTEGER/ {print $NF; exit}' | tr -d ':')
[ "$((0x$iters))" -ge 100000 ] || fail "PBKDF2 iterations $iters below 100000"
ko openssl pkey -in g.key -passin pass:wrong -noout -check
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc -pass pass:kpw \
    -out og.key 2>/dev/null
ok "$GLASS" rsa -in og.key -passin pass:kpw -check -noout
out=$("$GLASS" rsa -in og.key -passin pass:nope -check 2>&1) && fail "wrong password accepted"
[ "$out" = "glass rsa: og.key: wrong password or corrupted file" ] || fail "wrong password message: $out"
# plain PKCS#8, PKCS#1 and DER from openssl
ok "$GLASS" rsa -in o.key -check -noout
openssl rsa -in o.key -traditional -out o1.key 2>/dev/null
ok "$GLASS" pkey -in o1.key -check -noout
openssl pkey -in o.key -outform DER -out o8.der
ok "$GLASS" rsa -in o8.der -check -noout
# conversions read back by openssl
"$GLASS" pkey -in o.key -traditional -out t.key 2>/dev/null
head -1 t.key | grep -q "BEGIN RSA PRIVATE KEY" || fail "-traditional label"
ok openssl rsa -in t.key -check -noout
"$GLASS" pkey -in o.key -passout pass:x -out e.key 2>/dev/null
ok openssl pkey -in e.key -passin pass:x -noout -check
"$GLASS" pkey -in o.key -pubout -out o.pub 2>/dev/null
[ "$(openssl pkey -pubin -in o.pub -outform DER | sha256sum)" = \
  "$(openssl pkey -in o.key -pubout -outform DER | sha256sum)" ] || fail "-pubout differs from openssl"
"$GLASS" rsa -in o.key -outform DER -out o.der8 2>/dev/null
ok openssl pkey -inform DER -in o.der8 -noout -check

# ---- 7. revocation -----------------------------------------------------------
serial=$(openssl x509 -in cli.pem -noout -serial | cut -d= -f2)
ok "$GLASS" ca revoke --dir ca "$serial" -pass pass:pw
ok "$GLASS" ca crl --dir ca -out crl.pem -pass pass:pw
openssl crl -in crl.pem -noout -text > crl.txt 2>&1 || fail "openssl cannot read the CRL"
grep -q "Version 2" crl.txt || fail "CRL is not v2"
grep -q "Serial Number: $serial" crl.txt || fail "CRL does not list $serial"
grep -q "CRL Number" crl.txt || fail "CRL lacks cRLNumber"
ok openssl crl -in crl.pem -noout -CAfile ca/ca.pem
out=$("$GLASS" verify -CAfile ca/ca.pem -CRLfile crl.pem cli.pem 2>&1) && fail "revoked cli.pem verified"
echo "$out" | grep -q "revoked" || fail "revoked: message: $out"
ko openssl verify -crl_check -CAfile ca/ca.pem -CRLfile crl.pem cli.pem
ok openssl verify -crl_check -CAfile ca/ca.pem -CRLfile crl.pem srv.pem
ok "$GLASS" verify -CAfile ca/ca.pem -CRLfile crl.pem srv.pem
"$GLASS" ca list --dir ca | grep "^R" | grep -q "$serial" || fail "ca list does not show R $serial"
grep -q "^R	" ca/index.txt || fail "index.txt has no R line"

[ "$fails" -eq 0 ] || { echo "pki_interop.sh: $fails failure(s)"; exit 1; }
echo "pki_interop.sh: all checks passed"
