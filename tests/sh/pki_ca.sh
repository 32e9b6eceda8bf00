#!/bin/sh
# pki_ca.sh — the CA directory: two (and more) issuers at once never lose an
# entry; the index reads like OpenSSL's index.txt; every issuance.log line
# carries the certificate's SHA-256 and a CA signature that openssl checks;
# a wrong password changes nothing; init refuses an existing CA; revoke
# refuses an unknown serial; req -> ca sign -> verify with glass alone.
set -u
: "${GLASS:?}"
command -v openssl >/dev/null 2>&1 || { echo "pki_ca.sh: openssl is needed as the oracle"; exit 1; }
. "$(dirname "$0")/lib/check.sh"
check_setup
cd "$T" || exit 1

"$GLASS" ca init --dir ca --subj "/C=BR/O=Parallel/CN=Parallel Root" -pass pass:pw > /dev/null \
    || fail "ca init"
for f in ca.pem ca.key index.txt issuance.log; do [ -e "ca/$f" ] || fail "ca/$f missing"; done
out=$("$GLASS" ca init --dir ca --subj "/CN=Again" -pass pass:pw 2>&1) && fail "init over a CA"
echo "$out" | grep -q "already holds a CA" || fail "init twice: $out"

# ---- 1. parallel issuers: every entry lands ------------------------------------
N=6
i=0
while [ $i -lt $N ]; do
    "$GLASS" ca issue --dir ca --subj "/CN=user$i" --profile client -out "u$i.pem" \
        -keyout "u$i.key" -pass pass:pw > "log$i" 2>&1 &
    i=$((i + 1))
done
wait
i=0
while [ $i -lt $N ]; do
    [ -s "u$i.pem" ] || fail "user$i: no certificate ($(cat "log$i"))"
    grep -q "/CN=user$i\$" ca/index.txt || fail "user$i missing from index.txt"
    openssl verify -CAfile ca/ca.pem -purpose sslclient "u$i.pem" > /dev/null 2>&1 \
        || fail "u$i.pem does not verify"
    i=$((i + 1))
done
[ "$(wc -l < ca/index.txt)" -eq $N ] || fail "index.txt has $(wc -l < ca/index.txt) lines, want $N"
[ "$(wc -l < ca/issuance.log)" -eq $N ] || fail "issuance.log has $(wc -l < ca/issuance.log) lines"
[ "$(cut -f4 ca/index.txt | sort -u | wc -l)" -eq $N ] || fail "serials are not distinct"
# the index is OpenSSL's layout: V, expiry, empty, serial, unknown, subject
awk -F'\t' 'NF != 6 || $1 != "V" || length($2) != 13 || $2 !~ /^[0-9]+Z$/ || $3 != "" || $5 != "unknown" \
    { bad = 1 } END { exit bad }' ca/index.txt || fail "index.txt layout"
ls ca/certs | grep -c '\.pem$' | grep -qx "$N" || fail "certs/ does not hold $N copies"

# ---- 2. the issuance log: hash and signature, checked by openssl -------------
openssl x509 -in ca/ca.pem -pubkey -noout > ca.pub
i=0
while [ $i -lt $N ]; do
    serial=$(openssl x509 -in "u$i.pem" -noout -serial | cut -d= -f2)
    line=$(grep "^$serial " ca/issuance.log) || { fail "no log line for $serial"; i=$((i + 1)); continue; }
    hash=$(echo "$line" | cut -d' ' -f2)
    sig=$(echo "$line" | cut -d' ' -f3)
    real=$(openssl x509 -in "u$i.pem" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
    [ "$hash" = "$real" ] || fail "log hash for $serial differs"
    openssl x509 -in "u$i.pem" -outform DER > c.der
    printf '%s' "$sig" | xxd -r -p > sig.bin 2>/dev/null \
        || python3 -c "import sys; open('sig.bin','wb').write(bytes.fromhex('$sig'))"
    openssl dgst -sha256 -verify ca.pub -signature sig.bin c.der > /dev/null 2>&1 \
        || fail "log signature for $serial does not verify"
    i=$((i + 1))
done

# ---- 3. a wrong password changes nothing --------------------------------------
before=$(cat ca/index.txt ca/issuance.log | sha256sum)
out=$("$GLASS" ca issue --dir ca --subj /CN=eve --profile client -out eve.pem -keyout eve.key \
    -pass pass:wrong 2>&1) && fail "issued with a wrong password"
echo "$out" | grep -q "wrong password" || fail "wrong CA password message: $out"
[ -e eve.pem ] || [ -e eve.key ] && fail "files written despite a wrong password"
[ "$(cat ca/index.txt ca/issuance.log | sha256sum)" = "$before" ] || fail "database changed"

# ---- 4. revoke: unknown serial refused, known one marked ------------------------
out=$("$GLASS" ca revoke --dir ca 0123456789ABCDEF -pass pass:pw 2>&1) && fail "revoked an unknown serial"
echo "$out" | grep -q "no certificate with that serial" || fail "unknown serial message: $out"
s0=$(openssl x509 -in u0.pem -noout -serial | cut -d= -f2)
"$GLASS" ca revoke --dir ca "$s0" -pass pass:pw > /dev/null || fail "revoke $s0"
grep "	$s0	" ca/index.txt | grep -Eq '^R	[0-9]{12}Z	[0-9]{12}Z	' || fail "index line for $s0 not R"
"$GLASS" ca crl --dir ca -out crl1.pem -pass pass:pw || fail "crl"
"$GLASS" ca crl --dir ca -out crl2.pem -pass pass:pw || fail "crl 2"
n1=$(openssl crl -in crl1.pem -noout -crlnumber | cut -d= -f2 | sed 's/^0x//')
n2=$(openssl crl -in crl2.pem -noout -crlnumber | cut -d= -f2 | sed 's/^0x//')
[ "$((0x$n2))" -eq "$((0x$n1 + 1))" ] || fail "cRLNumber did not increase: $n1 -> $n2"
"$GLASS" verify -CAfile ca/ca.pem -CRLfile crl2.pem u1.pem > /dev/null || fail "u1 should verify"
"$GLASS" verify -CAfile ca/ca.pem -CRLfile crl2.pem u0.pem > /dev/null 2>&1 && fail "u0 revoked"

# ---- 5. glass alone: genrsa -> req -> ca sign -> verify, and -passout -----
"$GLASS" genrsa -out k.key 2> /dev/null || fail "genrsa"
"$GLASS" req -new -key k.key -subj "/C=BR/O=School/CN=carol" -out k.csr || fail "req"
"$GLASS" req -in k.csr -verify -noout 2> /dev/null || fail "req -verify"
openssl req -in k.csr -noout -verify > /dev/null 2>&1 || fail "openssl req -verify of glass CSR"
"$GLASS" ca sign --dir ca -in k.csr -out k.pem --profile server --san DNS:carol.example \
    --days 2 -pass pass:pw || fail "ca sign"
[ "$("$GLASS" verify -CAfile ca/ca.pem -purpose sslserver k.pem)" = "k.pem: OK" ] || fail "verify k.pem"
"$GLASS" x509 -in k.pem -noout -text | grep -q "DNS:carol.example" || fail "x509 -text SAN"
"$GLASS" x509 -in k.pem -noout -subject | grep -qx "subject=/C=BR/O=School/CN=carol" || fail "x509 -subject"
"$GLASS" ca issue --dir ca --subj /CN=dave --profile client -out d.pem -keyout d.key \
    -passout pass:dk -pass pass:pw || fail "issue -passout"
grep -q "ENCRYPTED PRIVATE KEY" d.key || fail "d.key not encrypted"
openssl pkey -in d.key -passin pass:dk -noout -check > /dev/null 2>&1 || fail "openssl cannot open d.key"
"$GLASS" ca list --dir ca | grep -q "/CN=dave" || fail "ca list"

"$GLASS" req -new -newkey rsa:2048 -keyout nk.key -passout pass:nk -subj /CN=erin -out nk.csr \
    || fail "req -newkey"
[ "$(stat -c %a nk.key)" = 600 ] || fail "nk.key mode"
openssl pkey -in nk.key -passin pass:nk -noout -check > /dev/null 2>&1 || fail "nk.key unreadable"
[ "$(openssl req -in nk.csr -noout -pubkey | sha256sum)" = \
  "$(openssl pkey -in nk.key -passin pass:nk -pubout | sha256sum)" ] || fail "nk.csr key is not nk.key"

# ---- 6. asn1parse names what it shows -------------------------------------------
"$GLASS" asn1parse -in k.pem > a.txt || fail "asn1parse"
for word in tbsCertificate subjectPublicKeyInfo rsaEncryption sha256WithRSAEncryption \
    subjectAltName "modulus n" serialNumber; do
    grep -q "$word" a.txt || fail "asn1parse output lacks '$word'"
done
"$GLASS" asn1parse -in d.key | grep -q "iterationCount = 100000" || fail "asn1parse of d.key"

# ---- 7. the lock: a second process waits, and gives up after a bounded wait --
hold_lock() {   # hold_lock SECONDS: holds an fcntl lock on ca/lock in the background
    rm -f locked
    python3 -c "
import fcntl, time
f = open('ca/lock', 'r+')
fcntl.lockf(f, fcntl.LOCK_EX)
open('locked', 'w').close()
time.sleep($1)
" &
    holder=$!
    n=0
    while [ ! -e locked ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
}
if command -v python3 > /dev/null 2>&1; then
    hold_lock 1
    "$GLASS" ca revoke --dir ca "$(openssl x509 -in u1.pem -noout -serial | cut -d= -f2)" \
        -pass pass:pw > /dev/null 2>&1 || fail "revoke did not wait for a short-held lock"
    wait "$holder"
    hold_lock 13
    start=$(date +%s)
    out=$("$GLASS" ca revoke --dir ca "$(openssl x509 -in u2.pem -noout -serial | cut -d= -f2)" \
        -pass pass:pw 2>&1) && fail "revoke ran while another process held the lock"
    took=$(( $(date +%s) - start ))
    echo "$out" | grep -q "locked by another process" || fail "lock message: $out"
    [ "$took" -ge 9 ] && [ "$took" -le 12 ] || fail "lock wait took ${took}s, want about 10"
    kill "$holder" 2> /dev/null
    wait "$holder" 2> /dev/null
    grep "	$(openssl x509 -in u2.pem -noout -serial | cut -d= -f2)	" ca/index.txt | grep -q "^V" \
        || fail "u2 changed although the lock was never taken"
fi

[ "$fails" -eq 0 ] || { echo "pki_ca.sh: $fails failure(s)"; exit 1; }
echo "pki_ca.sh: all checks passed"
