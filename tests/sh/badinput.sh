#!/bin/sh
# badinput.sh — hostile input for every glass subcommand.  The house rule:
# bad input (files, flags, passwords, a CA directory) gets one clear line
# "glass CMD: what was wrong" on stderr and exit status 1; never a crash, a
# hang, a sanitizer report or a leak, and never a half-written output file.
#
# Each case below runs one command under `timeout` against fixtures made here
# (one CA, one key, a request, a certificate, a CRL, and broken copies of
# each: truncated, wrong PEM label, garbage, a DER length field far past the
# end), with -out pointing at places that cannot be written.  After each case
# the working directory must hold exactly the files it held before.
# Under the sanitizer build (scripts/run-tests.sh runs both), a report would
# also show up in stderr, which is checked.
set -u
: "${GLASS:?}"
. "$(dirname "$0")/lib/check.sh"
check_setup
mkdir "$T/w" || exit 1
cd "$T/w" || exit 1

# ---- fixtures ---------------------------------------------------------------
setup() {
    "$GLASS" ca init --dir ca --subj /CN=BadInput-Root -pass pass:pw >/dev/null &&
    "$GLASS" pkey -in ca/ca.key -passin pass:pw -out k.pem &&
    cp ca/ca.key ek.pem &&
    "$GLASS" pkey -in k.pem -outform DER -out k.der &&
    "$GLASS" pkey -in k.pem -pubout -out pub.pem &&
    "$GLASS" req -new -key k.pem -subj /CN=alice -out r.csr &&
    "$GLASS" req -in r.csr -outform DER -out r.der &&
    "$GLASS" ca sign --dir ca -in r.csr -out cert.pem --profile client -pass pass:pw &&
    "$GLASS" x509 -in cert.pem -outform DER -out cert.der &&
    serial=$("$GLASS" x509 -in cert.pem -noout -serial | sed 's/.*=//') &&
    "$GLASS" ca revoke --dir ca "$serial" -pass pass:pw >/dev/null &&
    "$GLASS" ca crl --dir ca -out crl.pem -pass pass:pw &&
    "$GLASS" kdf -keylen 4000 -binary -kdfopt hexkey:00 -kdfopt hexinfo:bad1 hkdf > garbage.bin
}
setup || { echo "FAIL: could not make the fixtures"; exit 1; }
for f in cert.pem k.pem ek.pem r.csr crl.pem; do head -c 300 "$f" > "t_$f"; done
for f in cert.der k.der r.der; do head -c 200 "$f" > "t_$f"; done
sed 's/CERTIFICATE/PRIVATE KEY/' cert.pem > wl_cert.pem
sed 's/PRIVATE KEY/CERTIFICATE/' k.pem > wl_key.pem
sed 's/CERTIFICATE REQUEST/X509 CRL/' r.csr > wl_csr.pem
sed 's/X509 CRL/CERTIFICATE/' crl.pem > wl_crl.pem
printf '\060\204\177\377\377\360\002\001\000' > huge.der       # SEQUENCE of ~2 GiB
printf '\060\020\060\204\177\377\377\377\002\001\000' > inner.der
printf '\060\200\005\000\000\000' > indef.der
: > empty
mkdir adir notca
{ echo '-----BEGIN CERTIFICATE-----'; echo 'MIIB!!!!not*base64'; echo '-----END CERTIFICATE-----'; } > badb64.pem
{ echo '-----BEGIN CERTIFICATE-----'; sed -n 2,4p cert.pem; } > nofooter.pem
cp -r ca ca_badidx && printf 'garbage\tline\nX\t\t\t\n' > ca_badidx/index.txt
cp -r ca ca_binidx && head -c 700 garbage.bin > ca_binidx/index.txt
cp -r ca ca_trkey && head -c 500 ca/ca.key > ca_trkey/ca.key
printf '[L = 32]\nLen = zz\nMsg = 0g\nMD =\n' > SHA256ShortMsg.rsp
cp garbage.bin HMAC.rsp
K=0000000000000000000000000000000000000000000000000000000000000000
IV=00000000000000000000000000000000


# ---- no arguments, flags without values, unknown flags ----------------------
bad asn1parse
bad asn1parse -in
bad asn1parse -bogus
bad ca
bad ca bogus --dir ca
bad ca init
bad enc
bad enc -aes-256-cbc -K
bad enc -aes-256-xyz -K $K
bad genrsa -bits
bad genrsa -bogus
bad hmac
bad hmac -k
bad kdf
bad kdf -keylen
bad kdf -keylen 32 -kdfopt
bad pkey
bad pkey -in
bad req
bad req -new -key
bad rsa -bogus
bad sha256 --bogus
bad speed -seconds
bad speed bogus
bad vectors -bogus
bad verify
bad verify -CAfile
bad walkthrough --bogus
bad walkthrough --seed
bad x509
bad x509 -in
bad lab bogus
bad mitm --bogus

# ---- numbers out of range, empty strings, bad hex --------------------------
bad genrsa -bits -1
bad genrsa -bits 99999999999999999999999
bad genrsa -bits 1
bad genrsa -bits ''
bad genrsa -aes256 -pass pass:x -iter 0 -out o.out
bad genrsa -aes256 -pass pass:x -iter 99999999999 -out o.out
bad ca init --dir ca2 --subj /CN=x -pass pass:pw --bits -5
bad ca init --dir ca2 --subj /CN=x -pass pass:pw --days 0
bad ca init --dir ca2 --subj /CN=x -pass pass:pw --days 99999999999999
bad ca init --dir ca2 --subj '' -pass pass:pw
bad ca init --dir ca2 --subj garbage -pass pass:pw
bad kdf -keylen 0 -kdfopt hexkey:00 hkdf
bad kdf -keylen -1 -kdfopt hexkey:00 hkdf
bad kdf -keylen 9000 -kdfopt hexkey:00 hkdf
bad kdf -keylen 32 -kdfopt hexkey:zz hkdf
bad kdf -keylen 32 -kdfopt pass:x -kdfopt salt:y -kdfopt iter:4000000000 pbkdf2
bad kdf -keylen 32 -kdfopt hexkey:00 -kdfopt mode:BOGUS hkdf
bad enc -aes-256-cbc -K zz -iv $IV
bad enc -aes-256-cbc -K 00 -iv $IV
bad enc -aes-256-cbc -K $K -iv 0g
bad hmac -k 0 cert.pem
bad speed -seconds -1 sha256
bad speed -seconds 99999999999999999999 sha256
bad verify -CAfile ca/ca.pem -attime -1 cert.pem
bad verify -CAfile ca/ca.pem -attime 99999999999999999999999 cert.pem
bad walkthrough --seed abc
bad walkthrough --format bogus
bad ca revoke --dir ca zz -pass pass:pw
bad ca revoke --dir ca '' -pass pass:pw
bad ca revoke --dir ca ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff -pass pass:pw

# ---- files: missing, empty, a directory, /dev/null, garbage -----------------
for f in missing empty adir /dev/null garbage.bin; do
    bad x509 -in "$f"
    bad pkey -in "$f"
    bad req -in "$f" -verify
done
bad asn1parse -in empty
bad asn1parse -in garbage.bin -inform DER
bad sha256 cert.pem missing
bad hmac -k 00 adir
bad verify -CAfile garbage.bin cert.pem
bad verify -CAfile ca/ca.pem empty
bad vectors missing
bad vectors adir
bad vectors SHA256ShortMsg.rsp
bad vectors HMAC.rsp

# ---- truncated, mislabelled and overlong PEM and DER ------------------------
bad x509 -in t_cert.pem
bad x509 -in t_cert.der -inform DER
bad x509 -in wl_cert.pem
bad x509 -in huge.der -inform DER
bad x509 -in inner.der -inform DER
bad x509 -in badb64.pem
bad x509 -in nofooter.pem
bad pkey -in t_k.pem
bad pkey -in t_k.der -inform DER
bad pkey -in t_ek.pem -passin pass:pw
bad pkey -in wl_key.pem
bad pkey -in huge.der -inform DER
bad rsa -in cert.pem
bad req -in t_r.csr -verify
bad req -in t_r.der -inform DER -verify
bad req -in wl_csr.pem -verify
bad asn1parse -in huge.der -inform DER
bad asn1parse -in indef.der -inform DER
bad asn1parse -in t_crl.pem
bad verify -CAfile ca/ca.pem t_cert.pem
bad verify -CAfile ca/ca.pem -CRLfile t_crl.pem cert.pem
bad verify -CAfile ca/ca.pem -CRLfile wl_crl.pem cert.pem
bad verify -CAfile ca/ca.pem -crl_check cert.pem
bad ca sign --dir ca -in t_r.csr -out o.out --profile client -pass pass:pw
bad ca sign --dir ca -in cert.pem -out o.out --profile client -pass pass:pw

# ---- passwords ----------------------------------------------------------------
bad pkey -in ek.pem -passin pass:wrong
bad pkey -in ek.pem -passin bogus:x
bad pkey -in ek.pem -passin env:GLASS_BADINPUT_UNSET
bad pkey -in ek.pem -passin file:missing
bad pkey -in ek.pem -passin file:/dev/null
bad pkey -in ek.pem
bad genrsa -aes256 -pass pass: -out o.out
bad genrsa -traditional -pass pass:x -out o.out
bad ca crl --dir ca -out o.out -pass pass:wrong

# ---- output that cannot be written: nothing may be left behind --------------
bad genrsa -out /proc/nonexistent/x
bad pkey -in k.pem -out k.pem/x
bad pkey -in k.pem -out adir
bad x509 -in cert.pem -out /proc/nonexistent/x
bad req -new -key k.pem -subj /CN=a -out k.pem/x
bad req -new -newkey rsa:2048 -keyout o.key -nodes -subj /CN=a -out /proc/nonexistent/x
bad req -new -newkey rsa:2048 -keyout o.key -nodes -subj garbage -out o.out
bad enc -aes-256-ecb -K $K -in cert.pem -out /proc/nonexistent/x
bad kdf -keylen 32 -kdfopt hexkey:00 -out k.pem/x hkdf
bad walkthrough --seed 1 --save cert.pem
bad ca sign --dir ca -in r.csr -out /proc/nonexistent/x --profile client -pass pass:pw
bad ca issue --dir ca --subj /CN=b --profile client -out o.out -keyout /proc/nonexistent/x -pass pass:pw
bad ca issue --dir ca --subj /CN=b --profile client -out adir -keyout o.key -pass pass:pw
bad ca crl --dir ca -out /proc/nonexistent/x -pass pass:pw
bad ca init --dir /proc/nonexistent/x --subj /CN=x -pass pass:pw

# ---- glass ca on what is not (or no longer) a CA ------------------------------
bad ca list --dir notca
bad ca list --dir missing
bad ca list --dir ca_badidx
bad ca list --dir ca_binidx
bad ca init --dir ca --subj /CN=again -pass pass:pw
bad ca sign --dir notca -in r.csr -out o.out --profile client -pass pass:pw
bad ca sign --dir ca_badidx -in r.csr -out o.out --profile client -pass pass:pw
bad ca sign --dir ca_trkey -in r.csr -out o.out --profile client -pass pass:pw
bad ca sign --dir ca -in r.csr -out o.out --profile bogus -pass pass:pw
bad ca sign --dir ca -in r.csr -out o.out --profile client --san IP:999.1.1.1 -pass pass:pw
bad ca revoke --dir ca_binidx "$serial" -pass pass:pw
bad ca revoke --dir ca 01 -pass pass:pw
bad ca crl --dir ca_badidx -out o.out -pass pass:pw

# ---- the exact line for cases found by an earlier sweep --------------------------
# says TEXT: the last case's one stderr line contains TEXT.
says() {
    grep -qF -- "$1" "$T/err" || fail "last case: stderr '$(head -c 300 "$T/err")' lacks '$1'"
}
bad bogus
says "glass: unknown command 'bogus' (glass --help lists them)"
bad ''
says "glass: unknown command '' (glass --help lists them)"
# a DER certificate is not an encrypted key: no password is asked for
bad pkey -in cert.der -inform DER
says "glass pkey: cert.der: unrecognised key format"
# revoking twice is refused, with the date of the first revocation
bad ca revoke --dir ca "$serial" -pass pass:pw
says "glass ca: $serial: already revoked on $(date -u +%Y-)"
# RFC 5280 §5.2.3: the CRL number never restarts at 1 and never wraps
cp -r ca ca_crlnum
for n in zzzz 18446744073709551615 0 '' 99999999999999999999999; do
    printf '%s\n' "$n" > ca_crlnum/crlnumber
    bad ca crl --dir ca_crlnum -out o.out -pass pass:pw
    says "glass ca: ca_crlnum/crlnumber: CA database is corrupted"
    [ "$(cat ca_crlnum/crlnumber)" = "$n" ] || fail "crlnumber '$n' was rewritten"
done
rm ca_crlnum/crlnumber
bad ca crl --dir ca_crlnum -out o.out -pass pass:pw
says "glass ca: ca_crlnum/crlnumber: missing or unreadable"
# a CA whose files cannot all be written leaves nothing of itself behind (here
# index.txt is a directory, which a file cannot replace)
mkdir -p pre/index.txt
bad ca init --dir pre --subj /CN=x -pass pass:pw
# the server checks its options before it issues itself a key and certificate
bad server --dir ca -pass pass:pw --bind bogus --port 0
says "glass server: --bind 'bogus': not an address to listen on"
bad server --dir ca -pass pass:pw --www missing --port 0
says "glass server: --www: missing is not a directory"

echo "badinput.sh: $cases cases, $fails failed"
[ "$fails" -eq 0 ]
