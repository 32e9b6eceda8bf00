#!/bin/sh
# course_pki.sh — OpenSSL's PKI commands, flag for flag: each glass command
# runs beside the openssl command with the same arguments (the same
# openssl.cnf for -config; -addext in requests; -copy_extensions), and
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

# ---- req -new -addext: the extensions asked for in the request --------------------
# The block of `req -text` from "Requested Extensions:" to the signature.
req_exts() {
    "$@" | awk '/Requested Extensions:/ { on = 1; next } /Signature Algorithm/ { on = 0 }
                on { sub(/ +$/, ""); print }'
}
for tool in glass openssl; do
    t=$G; k=g.key; [ $tool = openssl ] && { t=openssl; k=o.key; }
    $t req -new -key $k -subj /CN=server.example -sha256 \
        -addext "subjectAltName=DNS:server.example,DNS:localhost,IP:127.0.0.1" \
        -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
        -addext "extendedKeyUsage=serverAuth" -addext "basicConstraints=CA:TRUE" \
        -out $tool-ext.csr 2>"$T/err" || { cat "$T/err"; fail "$tool req -new -addext"; }
    openssl req -in $tool-ext.csr -noout -verify 2>&1 | grep -q "verify OK" ||
        fail "openssl req -verify on $tool's request with extensions"
    $G req -in $tool-ext.csr -noout -verify 2>&1 | grep -q "verify OK" ||
        fail "glass req -verify on $tool's request with extensions"
    req_exts openssl req -in $tool-ext.csr -noout -text >$tool-ext.o
    req_exts $G req -in $tool-ext.csr -noout -text >$tool-ext.g
    grep -q "DNS:server.example, DNS:localhost, IP Address:127.0.0.1" $tool-ext.o ||
        fail "openssl req -text does not show the SAN of $tool's request: $(cat $tool-ext.o)"
    # glass req -text shows what openssl req -text shows, line for line.
    diff $tool-ext.o $tool-ext.g >"$T/fdiff" || { cat "$T/fdiff"; fail "glass req -text on $tool's request"; }
done
diff glass-ext.o openssl-ext.o >"$T/fdiff" ||
    { cat "$T/fdiff"; fail "req -addext: the two requests ask for different extensions"; }
# The extensionRequest attribute, 1.2.840.113549.1.9.14 (RFC 2985), as OpenSSL writes it.
openssl asn1parse -in glass-ext.csr | grep -q "OBJECT *:Extension Request" ||
    fail "no extensionRequest attribute in glass's request"
# A request cannot ask for authorityKeyIdentifier: both refuse.
openssl req -new -key o.key -subj /CN=x -addext authorityKeyIdentifier=keyid -out aki.csr 2>/dev/null &&
    fail "openssl: authorityKeyIdentifier in a request accepted"
$G req -new -key g.key -subj /CN=x -addext authorityKeyIdentifier=keyid -out aki.csr 2>"$T/err" &&
    fail "glass: authorityKeyIdentifier in a request accepted"
grep -q "^glass req: authorityKeyIdentifier cannot be asked for in a request" "$T/err" ||
    fail "AKI in a request: $(cat "$T/err")"
[ ! -e aki.csr ] || fail "a request was written although its extensions were refused"
ok

# ---- x509 -req -copy_extensions none|copy: each tool, each request -----------------
printf 'basicConstraints = CA:FALSE\nkeyUsage = digitalSignature\n' >copy.ext
for mode in none copy; do
    for req in glass openssl; do
        for tool in glass openssl; do
            t=$G; [ $tool = openssl ] && t=openssl
            $t x509 -req -in $req-ext.csr -CA openssl-ca.pem -CAkey o.key -set_serial 7 -days 30 \
                -copy_extensions $mode -extfile copy.ext -out $tool-$mode-$req.crt 2>"$T/err" ||
                { cat "$T/err"; fail "$tool x509 -copy_extensions $mode ($req's request)"; }
            openssl verify -CAfile openssl-ca.pem $tool-$mode-$req.crt >/dev/null ||
                fail "openssl verify ($tool, -copy_extensions $mode)"
            $G verify -CAfile openssl-ca.pem $tool-$mode-$req.crt >/dev/null ||
                fail "glass verify ($tool, -copy_extensions $mode)"
        done
        same_fields glass-$mode-$req.crt openssl-$mode-$req.crt "x509 -copy_extensions $mode ($req's request)"
    done
done
# copy: the SAN and extendedKeyUsage come from the request, keyUsage and
# basicConstraints stay the CA's (the request's CA:TRUE is not taken).
openssl x509 -in glass-copy-glass.crt -noout -ext subjectAltName,basicConstraints,keyUsage >"$T/e"
grep -q "DNS:server.example, DNS:localhost, IP Address:127.0.0.1" "$T/e" || fail "copy: no SAN: $(cat "$T/e")"
grep -q "CA:FALSE" "$T/e" || fail "copy: the request's CA:TRUE was taken: $(cat "$T/e")"
openssl x509 -in glass-none-glass.crt -noout -text | grep -q "Alternative Name" && fail "none: a SAN was copied"
# copy without -extfile: what the request asks, plus the key identifiers;
# the request's CA:TRUE is copied, and glass warns.
for tool in glass openssl; do
    t=$G; [ $tool = openssl ] && t=openssl
    $t x509 -req -in openssl-ext.csr -CA glass-ca.pem -CAkey g.key -set_serial 8 \
        -copy_extensions copy -out $tool-copyonly.crt 2>"$T/err-$tool" ||
        { cat "$T/err-$tool"; fail "$tool copy without -extfile"; }
done
same_fields glass-copyonly.crt openssl-copyonly.crt "x509 -copy_extensions copy without -extfile"
grep -q "^glass x509: warning: the request's basicConstraints CA:TRUE was copied" "$T/err-glass" ||
    fail "no warning when a request's CA:TRUE is copied: $(cat "$T/err-glass")"
# copyall, where the file and the request do not overlap: the same as openssl.
printf 'extendedKeyUsage = clientAuth\n' >eku.ext
openssl req -new -key o.key -subj /CN=c -addext "subjectAltName=DNS:c.example" -out c.csr 2>/dev/null ||
    fail "openssl req for copyall"
for tool in glass openssl; do
    t=$G; [ $tool = openssl ] && t=openssl
    $t x509 -req -in c.csr -CA glass-ca.pem -CAkey g.key -set_serial 10 -copy_extensions copyall \
        -extfile eku.ext -out $tool-copyall.crt 2>/dev/null || fail "$tool copyall"
done
same_fields glass-copyall.crt openssl-copyall.crt "x509 -copy_extensions copyall"
# copyall where they overlap: the request wins, as with openssl ca's
# copy_extensions = copyall (OpenSSL 3.0's x509 lets -extfile win for both).
$G x509 -req -in glass-ext.csr -CA glass-ca.pem -CAkey g.key -set_serial 11 -copy_extensions copyall \
    -extfile copy.ext -out over.crt 2>"$T/err" || fail "glass copyall over -extfile"
openssl x509 -in over.crt -noout -ext basicConstraints,keyUsage >"$T/e"
grep -q "CA:TRUE" "$T/e" && grep -q "critical" "$T/e" && grep -q "Key Encipherment" "$T/e" ||
    fail "copyall: the request's extensions do not override: $(cat "$T/e")"
grep -q "basicConstraints CA:TRUE was copied" "$T/err" || fail "copyall: no warning: $(cat "$T/err")"
# An extension glass does not know is shown as such, and not copied (with a note).
openssl req -new -key o.key -subj /CN=u -addext "nsComment=hello" -addext "subjectAltName=DNS:u.example" \
    -out u.csr 2>/dev/null || fail "openssl req with nsComment"
$G req -in u.csr -noout -text | grep -q "(1 more that glass does not know)" ||
    fail "glass req -text: the unknown extension is not mentioned"
$G x509 -req -in u.csr -CA glass-ca.pem -CAkey g.key -set_serial 13 -copy_extensions copy -out u.crt 2>"$T/err" ||
    fail "glass x509 -copy_extensions copy with an unknown extension"
grep -q "^glass x509: note: 1 extension(s) or names in the request are not known to glass and were not copied" \
    "$T/err" || fail "no note for the extension not copied: $(cat "$T/err")"
openssl x509 -in u.crt -noout -ext subjectAltName | grep -q "DNS:u.example" || fail "the SAN beside it was not copied"
for tool in glass openssl; do
    t=$G; [ $tool = openssl ] && t=openssl
    $t x509 -req -in g.csr -CA glass-ca.pem -CAkey g.key -set_serial 1 -copy_extensions sometimes \
        -out bad.crt 2>"$T/err-$tool" && fail "$tool: -copy_extensions sometimes accepted"
done
grep -q "^glass x509: -copy_extensions 'sometimes': give none, copy or copyall" "$T/err-glass" ||
    fail "bad -copy_extensions: $(cat "$T/err-glass")"
[ ! -e bad.crt ] || fail "a certificate was written with a bad -copy_extensions"
ok

# ---- req -config: a course's openssl.cnf, read by both --------------------------
cat >course.cnf <<'CNF'
# a course's openssl.cnf
HOME            = .
SERVER          = server.example
[ req ]
default_bits       = 2048
default_md         = sha256
prompt             = no
encrypt_key        = no
string_mask        = utf8only          # read, not used by glass: a note
distinguished_name = req_dn
req_extensions     = v3_req
x509_extensions    = v3_ca

[ req_dn ]
C            = BR
ST           = Sao Paulo
L            = Campinas
O            = Course
0.OU         = Lab
1.OU         = Networks
CN           = $SERVER
emailAddress = admin@${SERVER}

[ v3_req ]
basicConstraints = CA:FALSE
keyUsage         = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName   = @alt_names

[ alt_names ]
DNS.1 = $SERVER
DNS.2 = localhost
IP.1  = 127.0.0.1

[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage         = critical, keyCertSign, cRLSign

[ v3_client ]
keyUsage         = digitalSignature
extendedKeyUsage = clientAuth
CNF
for tool in glass openssl; do
    t=$G; k=g.key; [ $tool = openssl ] && { t=openssl; k=o.key; }
    $t req -new -key $k -config course.cnf -out $tool-cnf.csr 2>"$T/err-$tool" ||
        { cat "$T/err-$tool"; fail "$tool req -config"; }
    $t req -new -key $k -config course.cnf -reqexts v3_client -out $tool-cnf2.csr 2>/dev/null ||
        fail "$tool req -config -reqexts"
    $t req -x509 -key $k -config course.cnf -days 30 -out $tool-cnf.pem 2>/dev/null || fail "$tool req -x509 -config"
    $t req -x509 -key $k -config course.cnf -extensions v3_client -days 30 -out $tool-cnf2.pem 2>/dev/null ||
        fail "$tool req -x509 -config -extensions"
    openssl verify -CAfile $tool-cnf.pem $tool-cnf.pem >/dev/null || fail "$tool's -config CA does not verify"
    openssl req -in $tool-cnf.csr -noout -subject >$tool-cnf.subj
    req_exts openssl req -in $tool-cnf.csr -noout -text >$tool-cnf.o
    req_exts openssl req -in $tool-cnf2.csr -noout -text >$tool-cnf2.o
done
grep -q "^glass req: note: course.cnf:9: \[req\] string_mask is not used by glass" "$T/err-glass" ||
    fail "no note for the [req] key glass does not use: $(cat "$T/err-glass")"
diff glass-cnf.subj openssl-cnf.subj || fail "req -config: the subjects differ"
grep -q "OU = Lab, OU = Networks, CN = server.example, emailAddress = admin@server.example" glass-cnf.subj ||
    fail "req -config subject: $(cat glass-cnf.subj)"
diff glass-cnf.o openssl-cnf.o || fail "req -config: req_extensions differ"
grep -q "DNS:server.example, DNS:localhost, IP Address:127.0.0.1" glass-cnf.o || fail "req -config: no @alt_names"
diff glass-cnf2.o openssl-cnf2.o || fail "req -config -reqexts: the extensions differ"
grep -q "TLS Web Client Authentication" glass-cnf2.o || fail "-reqexts v3_client not used"
same_fields glass-cnf.pem openssl-cnf.pem "req -x509 -config (x509_extensions)"
same_fields glass-cnf2.pem openssl-cnf2.pem "req -x509 -config -extensions"
# The same file serves x509 -extfile (one reader): the CA signs with v3_req.
for tool in glass openssl; do
    t=$G; [ $tool = openssl ] && t=openssl
    $t x509 -req -in glass-cnf.csr -CA openssl-cnf.pem -CAkey o.key -set_serial 12 -extfile course.cnf \
        -extensions v3_req -out $tool-cnfx.crt 2>/dev/null || fail "$tool x509 -extfile course.cnf"
    openssl verify -CAfile openssl-cnf.pem -purpose sslserver $tool-cnfx.crt >/dev/null ||
        fail "openssl verify ($tool, -extfile course.cnf)"
done
same_fields glass-cnfx.crt openssl-cnfx.crt "x509 -extfile with an openssl.cnf"
ok

# ---- req -config: what both refuse, and what glass says -------------------------
# cnf_bad WHAT 'GREP' ARGS...: glass and openssl both fail; glass says GREP
# in one line "glass req: ..." (notes aside); no request is written.
cnf_bad() {
    what=$1; want=$2; shift 2
    openssl req "$@" -out bad.csr >/dev/null 2>&1 && fail "$what: openssl accepted it"
    rm -f bad.csr
    $G req "$@" -out bad.csr 2>"$T/err" && fail "$what: glass accepted it"
    [ "$(grep -vc '^glass req: note:' "$T/err")" = 1 ] || fail "$what: not one line: $(cat "$T/err")"
    grep -q "^glass req: .*$want" "$T/err" || fail "$what: $(cat "$T/err")"
    [ ! -e bad.csr ] || fail "$what: a request was written"
}
sed 's/^keyUsage         = critical, keyCertSign, cRLSign$/keyUsage critical/' course.cnf >malformed.cnf
line=$(grep -n '^keyUsage critical$' malformed.cnf | cut -d: -f1)
[ -n "$line" ] || fail "making malformed.cnf"
cnf_bad "a malformed line" "malformed.cnf:$line: 'keyUsage critical' is not 'name = value'" \
    -new -key g.key -config malformed.cnf
sed 's/^req_extensions     = v3_req/req_extensions     = v3_nowhere/' course.cnf >nosect.cnf
cnf_bad "req_extensions naming no section" \
    "nosect.cnf:$(grep -n v3_nowhere nosect.cnf | cut -d: -f1): req_extensions = v3_nowhere, but there is no section \[v3_nowhere\]" \
    -new -key g.key -config nosect.cnf
cnf_bad "-reqexts naming no section" "course.cnf: there is no section \[v3_nowhere\]" \
    -new -key g.key -config course.cnf -reqexts v3_nowhere
sed 's/^CN           = \$SERVER$/CN           = $NOBODY/' course.cnf >novar.cnf
cnf_bad "an undefined variable" "novar.cnf:$(grep -n NOBODY novar.cnf | cut -d: -f1): variable NOBODY has no value" \
    -new -key g.key -config novar.cnf
sed 's/^extendedKeyUsage = serverAuth$/extendedKeyUsage = serverAuth, frobnicate/' course.cnf >badext.cnf
cnf_bad "a bad extension value" "badext.cnf:$(grep -n frobnicate badext.cnf | cut -d: -f1): 'frobnicate' is not understood" \
    -new -key g.key -config badext.cnf
# prompt = yes would ask at the terminal: glass says so, and -subj gets past it.
sed 's/^prompt             = no$/prompt             = yes/' course.cnf >prompt.cnf
$G req -new -key g.key -config prompt.cnf -out p.csr </dev/null 2>"$T/err" && fail "prompt = yes accepted"
grep -q "^glass req: prompt.cnf: without -subj the subject would be asked for at the terminal" "$T/err" ||
    fail "prompt = yes: $(cat "$T/err")"
$G req -new -key g.key -config prompt.cnf -subj /CN=given -out p.csr 2>/dev/null || fail "prompt = yes with -subj"
$G req -new -key g.key -config /nonexistent.cnf -out p2.csr 2>"$T/err" && fail "a missing -config accepted"
grep -q "^glass req: .*nonexistent.cnf" "$T/err" || fail "missing -config: $(cat "$T/err")"
# Files that are no configuration at all: one line each, nothing written.
head -c 3000 /dev/urandom >noise.cnf
printf '\000' >>noise.cnf
mkdir -p adir.cnf
for c in noise.cnf adir.cnf /dev/null; do
    $G req -new -key g.key -config $c -out p3.csr 2>"$T/err" && fail "-config $c accepted"
    [ "$(wc -l <"$T/err")" = 1 ] && grep -q "^glass req: " "$T/err" || fail "-config $c: $(cat "$T/err")"
done
grep -q "no \[ req \] section" "$T/err" || fail "-config /dev/null: $(cat "$T/err")"
[ ! -e p3.csr ] || fail "a request was written from a file that is no configuration"
ok

# ---- -copy_extensions beside openssl ca's copy_extensions, one ca.cnf ----------
# openssl ca reads copy_extensions from its configuration and adds the
# file's extensions first; glass x509 reads the same file with -extfile.
# The extensions must agree as a set (each one's name, criticality and
# value; the order differs, and key identifiers differ by nature).
ext_set() {
    openssl x509 -in "$1" -noout -text | awk '
        /X509v3 extensions:/ { on = 1; next } /Signature Algorithm/ { on = 0 }
        on && /X509v3 .*:/ { sub(/ +$/, ""); name = $0; next }
        on && name != "" { v = $0; if (v ~ /^ *([0-9A-F][0-9A-F]:)+[0-9A-F]*$/) v = "(key id)";
                           print name " = " v; name = "" }' | sort
}
mkdir -p oca/newcerts
cat >ca.cnf <<'CNF'
[ ca ]
default_ca      = CA_default
[ CA_default ]
dir             = ./oca
database        = $dir/index.txt
new_certs_dir   = $dir/newcerts
serial          = $dir/serial
certificate     = glass-ca.pem
private_key     = g.key
default_md      = sha256
default_days    = 30
policy          = policy_any
unique_subject  = no
copy_extensions = copy
x509_extensions = ca_says
[ policy_any ]
commonName      = supplied
[ ca_says ]
basicConstraints = CA:FALSE
keyUsage         = digitalSignature
extendedKeyUsage = clientAuth
CNF
for mode in copy copyall; do
    echo 1000 >oca/serial && : >oca/index.txt
    sed "s/^copy_extensions = copy$/copy_extensions = $mode/" ca.cnf >ca-$mode.cnf
    openssl ca -batch -config ca-$mode.cnf -in glass-ext.csr -out openssl-ca-$mode.crt -notext \
        >/dev/null 2>&1 || fail "openssl ca copy_extensions = $mode"
    $G x509 -req -in glass-ext.csr -CA glass-ca.pem -CAkey g.key -set_serial 4096 -days 30 \
        -copy_extensions $mode -extfile ca-$mode.cnf -extensions ca_says -out glass-ca-$mode.crt \
        2>/dev/null || fail "glass x509 -copy_extensions $mode -extfile ca.cnf"
    ext_set openssl-ca-$mode.crt >"$T/o"
    ext_set glass-ca-$mode.crt >"$T/g"
    [ -s "$T/o" ] || fail "no extensions in openssl ca's certificate ($mode)"
    diff "$T/o" "$T/g" >"$T/fdiff" || { cat "$T/fdiff"; fail "-copy_extensions $mode: not what openssl ca makes"; }
done
# What each mode means, seen in the certificates: copy keeps the CA's
# basicConstraints and keyUsage, copyall takes the request's.
grep -q "CA:FALSE" <<EOF || fail "copy took the request's CA:TRUE"
$(ext_set glass-ca-copy.crt)
EOF
grep -q "Basic Constraints: = *CA:TRUE" <<EOF || fail "copyall did not take the request's CA:TRUE"
$(ext_set glass-ca-copyall.crt)
EOF
ok

echo "course PKI: $n groups of glass and openssl commands with the same arguments agree"
