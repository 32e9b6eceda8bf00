#!/bin/sh
# pki_negative.sh — each way a certificate check must fail, with glass
# verify and openssl verify judging the same OpenSSL-made certificates:
# expired, not yet valid (both with -attime), issuer not a CA, path length
# exceeded, issuer without keyCertSign, wrong extendedKeyUsage, an unknown
# critical extension, an unknown CA, a CA file whose certificate is not
# self-signed (no -partial_chain); plus malformed DER given to asn1parse
# and x509 (truncated, trailing bytes, indefinite and non-minimal lengths,
# non-minimal INTEGER), legacy PEM headers and bad password sources.  Each
# failure must be one line naming the check, exit status 1.
set -u
: "${GLASS:?}"
command -v openssl >/dev/null 2>&1 || { echo "pki_negative.sh: openssl is needed as the oracle"; exit 1; }
. "$(dirname "$0")/lib/check.sh"
check_setup
cd "$T" || exit 1

# expect_fail NAME PATTERN CMD...: CMD exits 1 with one line on stderr that
# matches PATTERN
expect_fail() {
    name=$1; pat=$2; shift 2
    "$@" > out.txt 2> err.txt
    rc=$?
    [ "$rc" -eq 1 ] || fail "$name: exit status $rc, want 1"
    [ "$(wc -l < err.txt)" -eq 1 ] || fail "$name: stderr is not one line: $(cat err.txt)"
    grep -q -- "$pat" err.txt || fail "$name: stderr '$(cat err.txt)' lacks '$pat'"
}
both_fail() {   # both_fail NAME PATTERN OPENSSL-ARGS -- GLASS-ARGS
    name=$1; pat=$2; shift 2
    oargs=""; while [ "$1" != "--" ]; do oargs="$oargs $1"; shift; done; shift
    # shellcheck disable=SC2086
    if openssl verify $oargs > /dev/null 2>&1; then fail "$name: openssl accepted it (test is wrong)"; fi
    expect_fail "$name" "$pat" "$GLASS" verify "$@"
}

# A root (pathlen:0), a CA-capable intermediate, and helpers to sign leaves.
openssl genrsa -out r.key 2048 2>/dev/null
openssl genrsa -out k.key 2048 2>/dev/null
openssl req -x509 -new -key r.key -sha256 -days 30 -subj "/CN=Neg Root" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem 2>/dev/null
openssl req -new -key k.key -subj "/CN=thing" -out k.csr
sign() {    # sign OUT ISSUER_PEM ISSUER_KEY DAYS EXTLINES
    printf "$5" > ext.cnf
    openssl x509 -req -in k.csr -CA "$2" -CAkey "$3" -CAcreateserial -days "$4" -sha256 \
        -extfile ext.cnf -out "$1" 2>/dev/null || fail "could not make $1"
}
sign good.pem root.pem r.key 3 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n'
[ "$("$GLASS" verify -CAfile root.pem -purpose sslserver good.pem)" = "good.pem: OK" ] \
    || fail "the good certificate does not verify"

now=$(date +%s)
# ---- validity ------------------------------------------------------------------
later=$((now + 10 * 86400))
earlier=$((now - 10 * 86400))
both_fail expired "validity period.*expired" -CAfile root.pem -attime "$later" good.pem -- \
    -CAfile root.pem -attime "$later" good.pem
both_fail not-yet-valid "not yet valid" -CAfile root.pem -attime "$earlier" good.pem -- \
    -CAfile root.pem -attime "$earlier" good.pem

# ---- wrong extendedKeyUsage ------------------------------------------------------
both_fail wrong-eku "extendedKeyUsage" -CAfile root.pem -purpose sslclient good.pem -- \
    -CAfile root.pem -purpose sslclient good.pem

# ---- issuer not a CA: a CA:FALSE certificate signs another ----------------------
sign ee.pem root.pem r.key 3 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyCertSign\n'
openssl genrsa -out v.key 2048 2>/dev/null
openssl req -new -key v.key -subj "/CN=victim" -out v.csr
printf 'basicConstraints=CA:FALSE\n' > v.cnf
openssl x509 -req -in v.csr -CA ee.pem -CAkey k.key -CAcreateserial -days 3 -sha256 \
    -extfile v.cnf -out v.pem 2>/dev/null
both_fail not-a-ca "certificate 1 .*basicConstraints (CA)" -CAfile root.pem -untrusted ee.pem v.pem -- \
    -CAfile root.pem -untrusted ee.pem v.pem

# ---- path length: root pathlen:0 -> intermediate CA -> leaf ----------------------
sign int.pem root.pem r.key 3 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
openssl x509 -req -in v.csr -CA int.pem -CAkey k.key -CAcreateserial -days 3 -sha256 \
    -extfile v.cnf -out v2.pem 2>/dev/null
cat v2.pem int.pem > chain.pem
both_fail path-len "path length" -CAfile root.pem -untrusted int.pem v2.pem -- \
    -CAfile root.pem chain.pem

# ---- issuer without keyCertSign ---------------------------------------------------
openssl req -x509 -new -key r.key -sha256 -days 30 -subj "/CN=KU Root" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,cRLSign" \
    -out kuroot.pem 2>/dev/null
sign ku.pem kuroot.pem r.key 3 'basicConstraints=CA:FALSE\n'
both_fail issuer-keyusage "keyUsage" -CAfile kuroot.pem ku.pem -- -CAfile kuroot.pem ku.pem

# ---- an unknown critical extension ----------------------------------------------
sign crit.pem root.pem r.key 3 'basicConstraints=CA:FALSE\n1.2.3.4.5=critical,ASN1:NULL\n'
both_fail critical-ext "critical extension" -CAfile root.pem crit.pem -- -CAfile root.pem crit.pem

# ---- unknown CA --------------------------------------------------------------------
both_fail unknown-ca "unknown CA" -CAfile kuroot.pem good.pem -- -CAfile kuroot.pem good.pem

# ---- which certificates of -CAfile end a path: self-signed ones only ---------------
# (OpenSSL's default, without -partial_chain: error 20 for a leaf that is its
# own "anchor", error 2 for an intermediate alone in the CA file)
both_fail self-anchored-leaf "certificate 0 (/CN=thing) failed the trust anchor check: unable to get local issuer" \
    -CAfile good.pem good.pem -- -CAfile good.pem good.pem
both_fail intermediate-alone "certificate 1 (the trust anchor) failed the trust anchor check" \
    -CAfile int.pem v2.pem -- -CAfile int.pem v2.pem
openssl verify -CAfile root.pem root.pem > /dev/null 2>&1 || fail "openssl does not take a root as itself"
[ "$("$GLASS" verify -CAfile root.pem root.pem)" = "root.pem: OK" ] || fail "a self-signed root in -CAfile does not verify as itself"
cat good.pem root.pem > leaf-and-root.pem
[ "$("$GLASS" verify -CAfile leaf-and-root.pem good.pem)" = "good.pem: OK" ] ||
    fail "a leaf whose root is also in -CAfile does not verify"

# ---- malformed DER ----------------------------------------------------------------
openssl x509 -in good.pem -outform DER -out good.der
python3 - <<'PY'
d = open("good.der", "rb").read()
open("trunc.der", "wb").write(d[:-10])
open("trail.der", "wb").write(d + b"\x00")
# the outer SEQUENCE's length (30 82 hi lo) redone in indefinite form, and
# in a non-minimal 3-byte form
body = d[4:]
open("indef.der", "wb").write(b"\x30\x80" + body + b"\x00\x00")
open("nonmin.der", "wb").write(b"\x30\x83\x00" + d[2:4] + body)
# version INTEGER 2 written as 02 02 00 02 (non-minimal), lengths fixed up
i = d.index(b"\xa0\x03\x02\x01\x02")
tbs_len = int.from_bytes(d[6:8], "big") + 1
cert_len = int.from_bytes(d[2:4], "big") + 1
bad = (b"\x30\x82" + cert_len.to_bytes(2, "big") + b"\x30\x82" + tbs_len.to_bytes(2, "big")
       + d[8:i] + b"\xa0\x04\x02\x02\x00\x02" + d[i + 5:])
open("badint.der", "wb").write(bad)
PY
expect_fail asn1-truncated "trunc.der: offset 0: DER: element runs past the end" "$GLASS" asn1parse -in trunc.der
expect_fail x509-truncated "runs past the end" "$GLASS" x509 -in trunc.der -noout
expect_fail x509-trailing "trailing bytes" "$GLASS" x509 -in trail.der -noout
expect_fail asn1-indefinite "indefinite length" "$GLASS" asn1parse -in indef.der
expect_fail x509-indefinite "indefinite length" "$GLASS" x509 -in indef.der -noout
expect_fail asn1-nonminimal "minimal definite form" "$GLASS" asn1parse -in nonmin.der
expect_fail x509-nonminimal "minimal definite form" "$GLASS" x509 -in nonmin.der -noout
expect_fail x509-bad-integer "INTEGER not minimally encoded" "$GLASS" x509 -in badint.der -noout
printf '0\202\377\377' > huge.der
expect_fail asn1-huge-length "runs past the end" "$GLASS" asn1parse -in huge.der

# ---- asn1parse and x509 on 300 random mutations: exit 0 or 1, never a crash --
python3 - <<'PY'
import random
d = bytearray(open("good.der", "rb").read())
rng = random.Random(20261122)
for i in range(300):
    m = bytearray(d)
    for _ in range(rng.randint(1, 4)):
        m[rng.randrange(len(m))] = rng.randrange(256)
    if rng.random() < 0.3:
        m = m[:rng.randrange(len(m))]
    open("m%03d.der" % i, "wb").write(m)
PY
crashes=0
for f in m[0-9][0-9][0-9].der; do
    "$GLASS" asn1parse -in "$f" > /dev/null 2>&1
    rc=$?
    [ $rc -le 1 ] || { crashes=$((crashes + 1)); echo "asn1parse $f: exit $rc"; }
    "$GLASS" x509 -in "$f" -noout -text > /dev/null 2>&1
    rc=$?
    [ $rc -le 1 ] || { crashes=$((crashes + 1)); echo "x509 $f: exit $rc"; }
done
[ $crashes -eq 0 ] || fail "$crashes crashes on mutated certificates"

# ---- PEM and password sources ---------------------------------------------------
openssl rsa -in k.key -aes256 -passout pass:z -traditional -out legacy.key 2>/dev/null
expect_fail pem-headers "PEM headers" "$GLASS" rsa -in legacy.key -passin pass:z -noout
expect_fail bad-pass-source "bad password source" "$GLASS" genrsa -aes256 -pass nonsense:x -out x.key
[ -e x.key ] && fail "x.key written despite a bad password source"
expect_fail empty-password "password is empty" "$GLASS" genrsa -aes256 -pass pass: -out x.key
expect_fail unset-env "bad password source" "$GLASS" genrsa -aes256 -pass env:GLASS_NO_SUCH_VAR -out x.key
"$GLASS" genrsa -aes256 -pass pass:from-pass -out p.key 2>/dev/null
GLASS_TEST_PW=from-pass "$GLASS" rsa -in p.key -passin env:GLASS_TEST_PW -check -noout > /dev/null \
    || fail "env: password source"
printf 'from-pass\nsecond line\n' > pw.txt
"$GLASS" rsa -in p.key -passin file:pw.txt -check -noout > /dev/null || fail "file: password source"
printf 'from-pass\n' | "$GLASS" rsa -in p.key -passin stdin -check -noout > /dev/null \
    || fail "stdin password source"
"$GLASS" rsa -in p.key -passin fd:3 -check -noout 3< pw.txt > /dev/null || fail "fd: password source"
# no source, no terminal: a clear error, never a hang
expect_fail no-tty "bad password source" sh -c "\"$GLASS\" rsa -in p.key -check -noout < /dev/null" 
# ... and the message lists every form a source takes.
grep -q "pass:TEXT, env:VAR, file:PATH, fd:N or stdin" err.txt ||
    fail "no-tty: not every password source form is listed: $(cat err.txt)"
# A command that needs a password and was given none says which option is
# missing (setsid: no controlling terminal even when make test runs in one).
if command -v setsid > /dev/null 2>&1; then
    expect_fail ca-no-pass "-pass is required" \
        setsid -w sh -c "\"$GLASS\" ca init --dir nopass-ca --subj /CN=x < /dev/null"
    [ -e nopass-ca ] && fail "a CA directory was made without a password"
    expect_fail genrsa-no-pass "-pass is required" \
        setsid -w sh -c "\"$GLASS\" genrsa -aes256 -out np.key < /dev/null"
    [ -e np.key ] && fail "np.key written without a password"
fi
# a terminal prompt, echo off (script(1) gives the command a pseudo-terminal)
if command -v script > /dev/null 2>&1 && command -v timeout > /dev/null 2>&1; then
    (sleep 1; printf 'from-pass\n') | timeout 20 script -qec "\"$GLASS\" rsa -in p.key -check -noout" \
        /dev/null > tty.txt 2>&1
    grep -q "Enter pass phrase for p.key" tty.txt || fail "no prompt on the terminal"
    grep -q "RSA key ok" tty.txt || fail "password typed at the prompt was not used"
    grep -q "from-pass" tty.txt && fail "the password was echoed"
    # a new password must be typed the same twice
    (sleep 1; printf 'one\n'; sleep 1; printf 'two\n') | timeout 20 script -qec \
        "\"$GLASS\" genrsa -aes256 -out tty.key" /dev/null > tty2.txt 2>&1
    [ -e tty.key ] && fail "key written although the two passwords differed"
    grep -q "passwords typed do not match" tty2.txt || fail "mismatch message: $(cat tty2.txt)"
fi
expect_fail missing-in "-in FILE is required" "$GLASS" x509 -noout
expect_fail bad-subject "bad subject name" "$GLASS" req -new -key k.key -subj "CN=no-slash"
expect_fail ca-not-a-dir "not a CA directory" "$GLASS" ca list --dir "$T/nothing"

[ "$fails" -eq 0 ] || { echo "pki_negative.sh: $fails failure(s)"; exit 1; }
echo "pki_negative.sh: all checks passed"
