#!/bin/sh
# course_pki.sh — OpenSSL's PKI commands, flag for flag: each glass command
# runs beside the openssl command with the same arguments, and
#   - what one makes, the other reads and verifies (keys, requests,
#     certificates, serial files, in both directions);
#   - `openssl x509 -text` shows the same fields for the two certificates
#     (version, signature algorithm, issuer, subject, key size, and each
#     extension with its criticality and value; serials, dates, key
#     identifiers and signatures differ by nature and are left out).
set -u
: "${GLASS:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
cd "$T" || exit 1
G=$GLASS
n=0
ok() { n=$((n + 1)); }

# The fields of a certificate as openssl prints them, minus what differs
# by nature between two certificates made at different moments.
fields() {
    openssl x509 -in "$1" -noout -text | awk '
        /^ *([0-9a-fA-F][0-9a-fA-F]:)+[0-9a-fA-F]*$/ { next }   # serial, modulus, key ids, signature
        /Serial Number:/ { sub(/Serial Number:.*/, "Serial Number:") }
        /^ *(Not Before|Not After)/ { next }
        { print }'
}
same_fields() {   # same_fields A B WHAT
    fields "$1" >"$T/f1"; fields "$2" >"$T/f2"
    diff "$T/f1" "$T/f2" >"$T/fdiff" || { cat "$T/fdiff"; fail "$3: openssl x509 -text differs"; }
}

# ---- genpkey --------------------------------------------------------------------
$G genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out g.key || fail "glass genpkey"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out o.key 2>/dev/null || fail "openssl genpkey"
openssl pkey -in g.key -noout -check >/dev/null 2>&1 || fail "openssl pkey -check on glass genpkey"
$G pkey -in o.key -noout -check >/dev/null 2>&1 || fail "glass pkey -check on openssl genpkey"
head -n 1 g.key | grep -q 'BEGIN PRIVATE KEY' || fail "glass genpkey writes PKCS#8"
[ "$(stat -c %a g.key)" = 600 ] || fail "glass genpkey: mode $(stat -c %a g.key)"
$G genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc -pass pass:kpw -out ge.key ||
    fail "glass genpkey -aes-256-cbc"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc -pass pass:kpw -out oe.key 2>/dev/null ||
    fail "openssl genpkey -aes-256-cbc"
openssl pkey -in ge.key -passin pass:kpw -noout -check >/dev/null 2>&1 || fail "openssl reads glass's encrypted genpkey"
$G pkey -in oe.key -passin pass:kpw -noout -check >/dev/null 2>&1 || fail "glass reads openssl's encrypted genpkey"
$G genpkey -algorithm EC -out x.key 2>"$T/err" && fail "genpkey -algorithm EC accepted"
grep -q "only RSA" "$T/err" || fail "genpkey EC: $(cat "$T/err")"
ok

# ---- req -x509: a CA, same arguments ------------------------------------------------
SUBJ='/C=BR/ST=SP/L=Campinas/O=Course/OU=Lab/CN=Course CA/emailAddress=ca@example.org'
for tool in glass openssl; do
    t=$G; k=g.key; [ $tool = openssl ] && { t=openssl; k=o.key; }
    $t req -x509 -new -nodes -key $k -sha256 -days 365 -subj "$SUBJ" -out $tool-ca.pem 2>/dev/null ||
        fail "$tool req -x509"
    openssl verify -CAfile $tool-ca.pem $tool-ca.pem >/dev/null || fail "$tool's CA does not verify"
done
same_fields glass-ca.pem openssl-ca.pem "req -x509 (a CA)"
openssl x509 -in glass-ca.pem -noout -enddate | grep -q "$(date -u -d '+365 days' '+%b %e')" ||
    fail "req -x509 -days 365: $(openssl x509 -in glass-ca.pem -noout -enddate)"
$G verify -CAfile openssl-ca.pem openssl-ca.pem >/dev/null || fail "glass verify on openssl's CA"
ok

# ---- req -x509 with -addext: a self-signed server certificate -------------------
for tool in glass openssl; do
    t=$G; k=g.key; [ $tool = openssl ] && { t=openssl; k=o.key; }
    $t req -x509 -new -key $k -days 30 -subj /CN=localhost -set_serial 0x1234ABCD \
        -addext "basicConstraints=critical,CA:FALSE" \
        -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
        -addext "extendedKeyUsage=serverAuth,clientAuth" \
        -addext "subjectAltName=DNS:localhost,DNS:www.example.org,IP:127.0.0.1" \
        -out $tool-leaf.pem 2>"$T/err" || { cat "$T/err"; fail "$tool req -x509 -addext"; }
    # "Trust a peer's self-signed certificate": it is its own anchor.
    openssl verify -CAfile $tool-leaf.pem -purpose sslserver $tool-leaf.pem >/dev/null ||
        fail "openssl verify: $tool's self-signed server certificate"
    $G verify -CAfile $tool-leaf.pem -purpose sslserver $tool-leaf.pem >/dev/null ||
        fail "glass verify: $tool's self-signed server certificate"
done
same_fields glass-leaf.pem openssl-leaf.pem "req -x509 -addext"
[ "$(openssl x509 -in glass-leaf.pem -noout -serial)" = "serial=1234ABCD" ] || fail "-set_serial"
ok

# ---- req -newkey rsa:2048 -nodes -keyout -x509 --------------------------------------
for tool in glass openssl; do
    t=$G; [ $tool = openssl ] && t=openssl
    $t req -newkey rsa:2048 -nodes -keyout $tool-nk.key -x509 -days 10 -subj /O=Course/CN=nk \
        -out $tool-nk.pem 2>/dev/null || fail "$tool req -newkey -x509"
    [ "$(openssl x509 -in $tool-nk.pem -noout -modulus)" = "$(openssl rsa -in $tool-nk.key -noout -modulus)" ] ||
        fail "$tool -newkey: key and certificate differ"
done
same_fields glass-nk.pem openssl-nk.pem "req -newkey -x509"
ok

# ---- req -new with -sha256 -days (ignored, with OpenSSL's note) -------------------
$G req -new -key g.key -sha256 -days 365 -subj /CN=localhost -out g.csr 2>"$T/note" || fail "glass req -new -days"
grep -q "Ignoring -days without -x509" "$T/note" || fail "no note about -days: $(cat "$T/note")"
openssl req -new -key o.key -sha256 -days 365 -subj /CN=localhost -out o.csr 2>/dev/null || fail "openssl req -new"
openssl req -in g.csr -noout -verify 2>&1 | grep -q "verify OK\|self-signature ok" || fail "openssl req -verify on glass's request"
$G req -in o.csr -noout -verify 2>&1 | grep -q "verify OK" || fail "glass req -verify on openssl's request"
ok

# ---- x509 -req -CA -CAkey -CAcreateserial: each CA signs each request -------------
for ca in glass openssl; do
    ck=g.key; [ $ca = openssl ] && ck=o.key
    for req in g o; do
        for tool in glass openssl; do
            t=$G; [ $tool = openssl ] && t=openssl
            rm -f $ca-ca.srl
            $t x509 -req -in $req.csr -CA $ca-ca.pem -CAkey $ck -CAcreateserial -out $tool-$ca-$req.crt \
                -days 365 -sha256 2>/dev/null || fail "$tool x509 -req (CA $ca, request $req)"
            [ -s $ca-ca.srl ] || fail "$tool x509 -req: no $ca-ca.srl"
            grep -Eqx '[0-9A-F]{2,40}' $ca-ca.srl || fail "$tool's serial file: $(cat $ca-ca.srl)"
            [ "serial=$(cat $ca-ca.srl)" = "$(openssl x509 -in $tool-$ca-$req.crt -noout -serial)" ] ||
                fail "$tool: the serial file does not hold the serial used"
            openssl verify -CAfile $ca-ca.pem $tool-$ca-$req.crt >/dev/null || fail "openssl verify ($tool, CA $ca)"
            $G verify -CAfile $ca-ca.pem $tool-$ca-$req.crt >/dev/null || fail "glass verify ($tool, CA $ca)"
        done
        same_fields glass-$ca-$req.crt openssl-$ca-$req.crt "x509 -req (CA $ca, request $req)"
    done
done
ok

# ---- the serial file, passed from one tool to the other ---------------------------
rm -f glass-ca.srl
$G x509 -req -in g.csr -CA glass-ca.pem -CAkey g.key -CAcreateserial -out s1.crt 2>/dev/null || fail "serial 1"
first=$(cat glass-ca.srl)
openssl x509 -req -in g.csr -CA glass-ca.pem -CAkey g.key -out s2.crt 2>/dev/null || fail "openssl continues glass's .srl"
second=$(cat glass-ca.srl)
$G x509 -req -in g.csr -CA glass-ca.pem -CAkey g.key -out s3.crt 2>/dev/null || fail "glass continues openssl's .srl"
third=$(cat glass-ca.srl)
[ "$(echo "ibase=16; $second - $first" | bc)" = 1 ] || fail "openssl: $first -> $second"
[ "$(echo "ibase=16; $third - $second" | bc)" = 1 ] || fail "glass: $second -> $third"
[ "$(openssl x509 -in s3.crt -noout -serial)" = "serial=$third" ] || fail "glass used another serial than it saved"
$G x509 -req -in g.csr -CA glass-ca.pem -CAkey g.key -CAserial my.srl -out s4.crt 2>"$T/err" &&
    fail "a missing -CAserial file accepted without -CAcreateserial"
grep -q "my.srl" "$T/err" || fail "missing serial file: $(cat "$T/err")"
[ ! -e s4.crt ] || fail "a certificate was written although the serial file was missing"
echo 00FF >my.srl
$G x509 -req -in g.csr -CA glass-ca.pem -CAkey g.key -CAserial my.srl -out s4.crt 2>/dev/null || fail "-CAserial"
[ "$(cat my.srl)" = 0100 ] || fail "-CAserial: 00FF + 1 = $(cat my.srl)"
ok

# ---- -extfile -extensions, with an @alt_names section; -passin for the CA key ----
cat >v3.ext <<'EOF'
# the extensions of a course's server certificate
[ v3_req ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = @alt_names
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer

[ alt_names ]
DNS.1 = localhost
DNS.2 = course.example.org
IP.1 = 127.0.0.1
EOF
openssl pkey -in o.key -aes-256-cbc -passout pass:kpw -out o-enc.key || fail "encrypting o.key"
for tool in glass openssl; do
    t=$G; [ $tool = openssl ] && t=openssl
    $t x509 -req -in g.csr -CA openssl-ca.pem -CAkey o-enc.key -passin pass:kpw -set_serial 42 -days 90 \
        -sha256 -extfile v3.ext -extensions v3_req -out $tool-ext.crt 2>/dev/null || fail "$tool x509 -extfile"
    openssl verify -CAfile openssl-ca.pem -purpose sslserver $tool-ext.crt >/dev/null ||
        fail "openssl verify -purpose sslserver ($tool -extfile)"
done
same_fields glass-ext.crt openssl-ext.crt "x509 -req -extfile -extensions"
printf 'nsComment = "hello"\n' >bad.ext
$G x509 -req -in g.csr -CA glass-ca.pem -CAkey g.key -set_serial 1 -extfile bad.ext -out bad.crt 2>"$T/err" &&
    fail "an unknown extension accepted"
grep -q "^glass x509: bad.ext:1: unknown extension 'nsComment'" "$T/err" || fail "bad extfile: $(cat "$T/err")"
$G x509 -req -in g.csr -CA glass-ca.pem -CAkey o.key -set_serial 1 -out bad.crt 2>"$T/err" &&
    fail "a CA key that is not the CA's accepted"
grep -q "CAkey is not the key of the -CA certificate" "$T/err" || fail "wrong CA key: $(cat "$T/err")"
$G req -x509 -key g.key -subj /CN=x -addext "keyUsage=frobnicate" -out bad.pem 2>"$T/err" &&
    fail "-addext with a bad keyUsage accepted"
grep -q "frobnicate" "$T/err" || fail "bad -addext: $(cat "$T/err")"
ok

# ---- x509 -req -signkey: a self-signed certificate from a request -----------------
for tool in glass openssl; do
    t=$G; [ $tool = openssl ] && t=openssl
    $t x509 -req -in g.csr -signkey g.key -days 30 -out $tool-sk.crt 2>/dev/null || fail "$tool x509 -signkey"
    openssl verify -CAfile $tool-sk.crt $tool-sk.crt >/dev/null 2>&1 ||
        openssl x509 -in $tool-sk.crt -noout -subject >/dev/null || fail "$tool -signkey output"
done
same_fields glass-sk.crt openssl-sk.crt "x509 -req -signkey"
ok

echo "course PKI: $n groups of glass and openssl commands with the same arguments agree"
