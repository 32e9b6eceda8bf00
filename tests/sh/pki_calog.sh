#!/bin/sh
# pki_calog.sh — `glass ca init --key FILE` (a CA around an existing key,
# glass's or openssl's) and `glass ca log --verify`: a clean log passes, and
# each kind of tampering is found and named — a forged log line, a
# replaced stored certificate, an index entry with no log line, an index
# that disagrees with the certificate, a torn last line.
set -u
: "${GLASS:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
cd "$T" || exit 1
G=$GLASS
PW=pass:capw

# ---- ca init --key ---------------------------------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc -pass pass:okey -out o.key 2>/dev/null ||
    fail "openssl genpkey"
$G ca init --dir c --subj "/O=Course/CN=Key CA" -pass $PW --key o.key --keypass pass:okey >/dev/null ||
    fail "ca init --key (openssl's encrypted key)"
[ "$(openssl x509 -in c/ca.pem -noout -modulus)" = "$(openssl rsa -in o.key -passin pass:okey -noout -modulus 2>/dev/null)" ] ||
    fail "the CA certificate is not for the given key"
openssl pkey -in c/ca.key -passin $PW -noout -check >/dev/null 2>&1 || fail "ca.key is not under -pass"
[ "$(stat -c %a c/ca.key)" = 600 ] || fail "ca.key mode $(stat -c %a c/ca.key)"
$G genpkey -algorithm RSA -out g.key || fail "glass genpkey"
$G ca init --dir c2 --subj "/CN=Key CA 2" -pass $PW --key g.key >/dev/null || fail "ca init --key (glass's key)"
$G ca init --dir c3 --subj "/CN=x" -pass $PW --key o.key --keypass pass:wrong >/dev/null 2>err &&
    fail "a wrong --keypass accepted"
[ ! -e c3 ] || fail "a failed ca init --key left c3 behind"
$G ca init --dir c3 --subj "/CN=x" -pass $PW --key missing.key >/dev/null 2>err && fail "a missing --key accepted"
grep -q "missing.key" err || fail "missing key: $(cat err)"

# ---- a clean log --------------------------------------------------------------------------
for who in alice bob carol; do
    $G ca issue --dir c --subj /CN=$who --profile client -out $who.pem -keyout $who.key -pass $PW >/dev/null ||
        fail "issue $who"
done
$G ca log --verify --dir c >out 2>err || { cat out err; fail "a clean log fails"; }
grep -q "issuance log OK: 3 certificates" out || fail "clean log: $(cat out)"
$G ca log --dir c | wc -l | grep -qx 3 || fail "ca log prints $($G ca log --dir c | wc -l) lines"
cp -R c clean

expect_problem() {   # expect_problem WHAT PATTERN
    $G ca log --verify --dir c >out 2>err && fail "$1: not found"
    grep -q "$2" out || { cat out; fail "$1: no line saying '$2'"; }
    grep -q "^glass ca: c: issuance log: [0-9]* problem" err || fail "$1: $(cat err)"
    rm -rf c
    cp -R clean c
}

# 1. A log line altered: its hash no longer carries the CA's signature.
line1=$(head -n 1 c/issuance.log)
serial1=${line1%% *}
rest=${line1#* }
hash=${rest%% *}
sig=${rest#* }
fake=$(printf '%s' "$hash" | tr '0123456789abcdef' '123456789abcdef0')
{ printf '%s %s %s\n' "$serial1" "$fake" "$sig"; tail -n +2 clean/issuance.log; } >c/issuance.log
expect_problem "a forged log hash" "the CA's signature over the hash does not verify"

# 2. A stored certificate replaced by another one.
cp bob.pem "c/certs/$serial1.pem"
expect_problem "a replaced certificate" "SHA-256 is not the one logged"

# 3. A certificate slipped into the index (and certs/) without a log line:
#    signed by another CA, so the log could not have vouched for it.
$G ca issue --dir c2 --subj /CN=mallory --profile client -out m.pem -keyout m.key -pass $PW >/dev/null ||
    fail "issue mallory"
tail -n 1 c2/index.txt >>c/index.txt
expect_problem "an index entry with no log line" "has no line in issuance.log"

# 4. The index changed to claim another subject.
sed '1s|/CN=alice|/CN=admin|' clean/index.txt >c/index.txt
expect_problem "an index with another subject" "index.txt gives another subject"

# 5. A log line dropped.
tail -n +2 clean/issuance.log >c/issuance.log
expect_problem "a dropped log line" "has no line in issuance.log"

# 6. A torn last line.
head -c -10 clean/issuance.log >c/issuance.log
expect_problem "a torn log" "no newline"

# 7. Missing log: a CA directory error naming the file.
rm c/issuance.log
$G ca log --verify --dir c >out 2>err && fail "a missing log accepted"
grep -q "issuance.log" err || fail "missing log: $(cat err)"
echo "ca init --key with glass's and openssl's keys; ca log --verify passes a clean log and names 6 kinds of tampering"
