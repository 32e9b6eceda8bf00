#!/bin/sh
# course_pkcs12.sh — PKCS#12 both ways with openssl: `openssl pkcs12 -info`
# reads what glass writes (and finds PBES2 with PBKDF2-HMAC-SHA256 and
# AES-256-CBC, and an HMAC-SHA256 MAC), glass reads OpenSSL 3's default
# output, the certificates, chain and key survive the round trip byte for
# byte, a wrong password is one clear error, a damaged file is refused, and
# `glass asn1parse` names every layer.
set -u
: "${GLASS:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
cd "$T" || exit 1
G=$GLASS

# A CA and a client certificate, with openssl (the files a course has).
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -subj "/CN=P12 CA" -days 30 -out ca.pem 2>/dev/null ||
    fail "openssl CA"
openssl req -newkey rsa:2048 -nodes -keyout alice.key -subj "/CN=alice" -out alice.csr 2>/dev/null || fail "csr"
openssl x509 -req -in alice.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -out alice.pem 2>/dev/null ||
    fail "sign"
modulus() { openssl rsa -in "$1" -noout -modulus 2>/dev/null; }
der() { openssl x509 -in "$1" -outform DER | od -An -tx1 | tr -d ' \n'; }

# ---- glass writes, openssl reads ---------------------------------------------------
$G pkcs12 -export -in alice.pem -inkey alice.key -certfile ca.pem -name alice -out g.p12 \
    -passout pass:p12pw || fail "glass pkcs12 -export"
[ "$(stat -c %a g.p12)" = 600 ] || fail "the .p12 is mode $(stat -c %a g.p12)"
openssl pkcs12 -in g.p12 -passin pass:p12pw -info -nokeys -out o-certs.pem 2>info.txt || {
    cat info.txt; fail "openssl pkcs12 -info cannot read glass's file"; }
grep -q "MAC: sha256, Iteration 2048" info.txt || fail "MAC: $(cat info.txt)"
grep -q "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256" info.txt ||
    fail "certificate bags: $(cat info.txt)"
grep -q "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256" info.txt ||
    fail "key bag: $(cat info.txt)"
[ "$(grep -c 'BEGIN CERTIFICATE' o-certs.pem)" = 2 ] || fail "openssl finds $(grep -c 'BEGIN CERTIFICATE' o-certs.pem) certificates"
grep -q "friendlyName: alice" o-certs.pem || fail "no friendlyName"
openssl pkcs12 -in g.p12 -passin pass:p12pw -nocerts -nodes -out o-key.pem 2>/dev/null || fail "openssl: the key"
[ "$(modulus o-key.pem)" = "$(modulus alice.key)" ] || fail "openssl finds another key"
openssl pkcs12 -in g.p12 -passin pass:p12pw -clcerts -nokeys -out o-leaf.pem 2>/dev/null || fail "openssl -clcerts"
[ "$(der o-leaf.pem)" = "$(der alice.pem)" ] || fail "the certificate changed on the way"
openssl pkcs12 -in g.p12 -passin pass:wrong -nokeys >/dev/null 2>&1 && fail "openssl accepts a wrong password"

# ---- openssl writes (OpenSSL 3's defaults), glass reads --------------------------------
openssl pkcs12 -export -in alice.pem -inkey alice.key -certfile ca.pem -name bob -out o.p12 -passout pass:p12pw ||
    fail "openssl pkcs12 -export"
openssl pkcs12 -in o.p12 -passin pass:p12pw -info -noout 2>&1 | grep -q "PBES2, PBKDF2, AES-256-CBC" ||
    fail "this openssl does not write PBES2 by default"
$G pkcs12 -in o.p12 -passin pass:p12pw -info -nokeys -out g-certs.pem 2>ginfo.txt || {
    cat ginfo.txt; fail "glass cannot read openssl's file"; }
grep -q "MAC: sha256, Iteration 2048" ginfo.txt || fail "glass -info: $(cat ginfo.txt)"
[ "$(grep -c 'BEGIN CERTIFICATE' g-certs.pem)" = 2 ] || fail "glass finds $(grep -c 'BEGIN CERTIFICATE' g-certs.pem) certificates"
grep -q "friendlyName: bob" g-certs.pem || fail "glass: no friendlyName"
$G pkcs12 -in o.p12 -passin pass:p12pw -nocerts -nodes -out g-key.pem || fail "glass: the key"
[ "$(modulus g-key.pem)" = "$(modulus alice.key)" ] || fail "glass finds another key"
$G pkcs12 -in o.p12 -passin pass:p12pw -clcerts -nokeys -out g-leaf.pem || fail "glass -clcerts"
[ "$(der g-leaf.pem)" = "$(der alice.pem)" ] || fail "glass: the certificate changed"
$G pkcs12 -in o.p12 -passin pass:p12pw -nocerts -passout pass:kpw -out g-enc.pem || fail "glass: encrypted key out"
openssl pkey -in g-enc.pem -passin pass:kpw -noout -check >/dev/null 2>&1 || fail "the re-encrypted key"
$G pkcs12 -in g.p12 -passin pass:p12pw -nokeys | grep -q "BEGIN CERTIFICATE" || fail "glass reads its own file"

# ---- a wrong password: one line that names the password ------------------------------
$G pkcs12 -in o.p12 -passin pass:wrong -nokeys >out 2>err && fail "a wrong password accepted"
[ "$(wc -l <err)" = 1 ] || { cat err; fail "wrong password: more than one line"; }
grep -qi "password" err || fail "wrong password: $(cat err)"
[ ! -s out ] || fail "something was printed with a wrong password"
$G pkcs12 -in o.p12 -passin pass:wrong -nokeys -out never.pem 2>/dev/null
[ ! -e never.pem ] || fail "an output file was written with a wrong password"

# ---- damaged and foreign files -----------------------------------------------------------
size=$(stat -c %s o.p12)
cp o.p12 flip.p12
printf '\377' | dd of=flip.p12 bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
$G pkcs12 -in flip.p12 -passin pass:p12pw -nokeys >/dev/null 2>err && fail "a damaged file accepted"
[ "$(wc -l <err)" = 1 ] || { cat err; fail "damaged file: more than one line"; }
head -c $((size - 10)) o.p12 >short.p12
$G pkcs12 -in short.p12 -passin pass:p12pw -nokeys >/dev/null 2>err && fail "a truncated file accepted"
[ "$(wc -l <err)" = 1 ] || { cat err; fail "truncated: more than one line"; }
$G pkcs12 -in alice.pem -passin pass:p12pw -nokeys >/dev/null 2>err && fail "a PEM file taken for PKCS#12"
if openssl pkcs12 -export -legacy -in alice.pem -inkey alice.key -out legacy.p12 -passout pass:p12pw 2>/dev/null; then
    $G pkcs12 -in legacy.p12 -passin pass:p12pw -nokeys -info >/dev/null 2>err && fail "a legacy (SHA-1, RC2) file accepted"
    grep -q "not a PKCS#12 file glass can read" err || fail "legacy: $(cat err)"
fi
$G pkcs12 -export -in alice.pem -inkey ca.key -out mismatch.p12 -passout pass:x 2>err && fail "a key of another certificate accepted"
grep -q "is not the key of the certificate" err || fail "mismatch: $(cat err)"
[ ! -e mismatch.p12 ] || fail "a file was written for a mismatched key"

# ---- asn1parse explains every layer ---------------------------------------------------------
$G asn1parse -inform DER -in g.p12 >layers.txt || fail "glass asn1parse on a .p12"
for layer in "PFX, a PKCS#12 file" "authSafe (ContentInfo)" "the bytes the MAC covers" \
             "AuthenticatedSafe: SEQUENCE OF ContentInfo" "EncryptedData (RFC 5652" "PBES2-params" \
             "hmacWithSHA256" "aes256-CBC" "encryptedContent" "SafeContents: SEQUENCE OF SafeBag" \
             "bagId = pkcs8ShroudedKeyBag" "encryptionAlgorithm (EncryptedPrivateKeyInfo" \
             "attrId = friendlyName" "attrId = localKeyID" "macData (MacData)" "macSalt" "iterations = 2048"; do
    grep -q "$layer" layers.txt || fail "asn1parse does not show '$layer'"
done
$G asn1parse -inform DER -in o.p12 | grep -q "PFX, a PKCS#12 file" || fail "asn1parse on openssl's .p12"
echo "pkcs12: glass's files read by openssl pkcs12 -info, OpenSSL 3's read by glass; wrong password, damage and foreign schemes refused; every layer named"
