#!/bin/sh
# `glass kdf` against `openssl kdf` (3.0), same flags, several inputs each:
# HKDF (all three modes), PBKDF2, TLS1-PRF; hex and -binary output; the RFC
# test cases; the limits and bad input (one line, exit status 1).
set -eu
command -v openssl >/dev/null 2>&1 || { echo "openssl is needed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"

fail() { echo "FAIL: $*"; exit 1; }
n=0
same() {   # same ALG ARGS...: glass and openssl print the same thing
    alg=$1; shift
    want=$(openssl kdf "$@" "$alg")
    got=$("$GLASS" kdf "$@" "$alg")
    [ "$got" = "$want" ] || fail "$alg $*:\n  glass   $got\n  openssl $want"
    openssl kdf -binary "$@" "$alg" > want.bin
    "$GLASS" kdf -binary "$@" "$alg" > got.bin
    cmp -s want.bin got.bin || fail "$alg -binary $*"
    n=$((n + 1))
}

D="-kdfopt digest:SHA256"
for L in 1 16 32 33 42 100 8160; do
    same HKDF -keylen $L $D -kdfopt hexkey:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b \
        -kdfopt hexsalt:000102030405060708090a0b0c -kdfopt hexinfo:f0f1f2f3f4f5f6f7f8f9
done
same HKDF -keylen 42 $D -kdfopt key:secret
same HKDF -keylen 42 $D -kdfopt key:secret -kdfopt salt:pepper -kdfopt info:a -kdfopt info:b
same HKDF -keylen 32 $D -kdfopt key:secret -kdfopt salt:pepper -kdfopt mode:EXTRACT_ONLY
same HKDF -keylen 77 $D -kdfopt hexkey:077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5 \
    -kdfopt hexinfo:f0f1 -kdfopt mode:EXPAND_ONLY
for it in 1 2 1000 4096; do
    same PBKDF2 -keylen 32 $D -kdfopt pass:password -kdfopt salt:salt -kdfopt iter:$it
done
same PBKDF2 -keylen 75 $D -kdfopt hexpass:00ff00 -kdfopt hexsalt:0102030405060708 -kdfopt iter:3
same PBKDF2 -keylen 20 $D -kdfopt pass:x -kdfopt salt:y     # default iteration count
for L in 1 12 48 104 1000; do
    same TLS1-PRF -keylen $L $D -kdfopt hexsecret:9bbe436ba940f017b17652849a71db35 \
        -kdfopt seed:"test label" -kdfopt hexseed:a0ba9f936cda311827a6f796ffd5198c
done
same TLS1-PRF -keylen 48 $D -kdfopt secret:pms -kdfopt seed:"master secret"
echo "$n cases: same output as openssl kdf (hex and -binary)"

# RFC 7914 §11 (c = 80000) and lower-case algorithm names.
got=$("$GLASS" kdf -keylen 64 -kdfopt pass:Password -kdfopt salt:NaCl -kdfopt iter:80000 pbkdf2)
[ "$got" = "4D:DC:D8:F6:0B:98:BE:21:83:0C:EE:5E:F2:27:01:F9:64:1A:44:18:D0:4C:04:14:AE:FF:08:87:6B:34:AB:56:A1:D4:25:A1:22:58:33:54:9A:DB:84:1B:51:C9:B3:17:6A:27:2B:DE:BB:A1:D0:78:47:8F:62:B3:97:F3:3C:8D" ] ||
    fail "RFC 7914 c=80000: $got"
"$GLASS" kdf -keylen 16 -kdfopt pass:p -kdfopt salt:s -out key.bin -binary pbkdf2
[ "$(wc -c < key.bin)" -eq 16 ] || fail "-out -binary"
echo "RFC 7914, -out: ok"

one_line_exit1() {
    if "$GLASS" kdf "$@" > out 2> err; then fail "accepted: $*"; else rc=$?; fi
    [ $rc -eq 1 ] || fail "exit status $rc for: $*"
    [ "$(wc -l < err)" -eq 1 ] || fail "not one line for: $* ($(cat err))"
    grep -q '^glass kdf: ' err || fail "message ($(cat err))"
    [ ! -s out ] || fail "printed output anyway: $*"
    cat err
}
one_line_exit1 -keylen 8161 -kdfopt hexkey:00 hkdf          # RFC 5869: L <= 255*32
one_line_exit1 -keylen 0 -kdfopt hexkey:00 hkdf
one_line_exit1 -kdfopt hexkey:00 hkdf                       # no -keylen
one_line_exit1 -keylen 16 -kdfopt hexkey:0g hkdf            # bad hex
one_line_exit1 -keylen 16 -kdfopt digest:SHA1 -kdfopt hexkey:00 hkdf
one_line_exit1 -keylen 16 -kdfopt pass:p -kdfopt salt:s -kdfopt iter:0 pbkdf2
one_line_exit1 -keylen 16 -kdfopt pass:p pbkdf2             # no salt
one_line_exit1 -keylen 16 -kdfopt hexsecret:00 tls1-prf     # no seed
one_line_exit1 -keylen 31 -kdfopt hexkey:00 -kdfopt mode:EXTRACT_ONLY hkdf
one_line_exit1 -keylen 16 -kdfopt hexkey:00 scrypt
one_line_exit1 -keylen 16 -kdfopt nonsense hkdf
"$GLASS" kdf --help | grep -q example || fail "--help has no example"
echo "errors: one line, exit 1"
