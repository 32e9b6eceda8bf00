#!/bin/sh
# `glass hmac -k HEX` against `openssl dgst -sha256 -mac HMAC -macopt hexkey:HEX`
# on several keys (empty, short, exactly 64 bytes, longer than a block) and
# messages; bad hex and missing files give one line and exit status 1.
set -eu
command -v openssl >/dev/null 2>&1 || { echo "openssl is needed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"

fail() { echo "FAIL: $*"; exit 1; }

: > empty
printf 'Hi There' > hi
head -c 100000 /dev/urandom > big
head -c 64 /dev/zero > z64

k64=$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n')
k131=$(head -c 131 /dev/urandom | od -An -tx1 | tr -d ' \n')
n=0
for key in 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b 4a656665 00 "$k64" "$k131"; do
    for f in empty hi big z64; do
        want=$(openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" "$f" | sed 's/.*= //')
        got=$("$GLASS" hmac -k "$key" "$f")
        [ "$got" = "HMAC-SHA2-256($f)= $want" ] || fail "key $key file $f: '$got' vs openssl '$want'"
        got=$("$GLASS" hmac -macopt "hexkey:$key" -r "$f")
        [ "$got" = "$want *$f" ] || fail "-r / -macopt form: '$got'"
        n=$((n + 1))
    done
done
echo "$n key/file pairs agree with openssl dgst -mac HMAC"

want=$(openssl dgst -sha256 -mac HMAC -macopt hexkey:0b0b < big | sed 's/.*= //')
got=$("$GLASS" hmac -k 0b0b < big)
[ "$got" = "HMAC-SHA2-256(stdin)= $want" ] || fail "stdin: $got"
want=$(openssl dgst -sha256 -mac HMAC -macopt key:Jefe hi | sed 's/.*= //')
got=$("$GLASS" hmac -macopt key:Jefe hi | sed 's/.*= //')
[ "$got" = "$want" ] || fail "text key: $got"
# RFC 4231 test case 1
got=$("$GLASS" hmac -k 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b hi | sed 's/.*= //')
[ "$got" = b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7 ] || fail "RFC 4231 case 1"
echo "standard input, text key, RFC 4231 case 1: ok"

one_line_exit1() {
    if "$GLASS" hmac "$@" > out 2> err; then fail "accepted: $*"; else rc=$?; fi
    [ $rc -eq 1 ] || fail "exit status $rc for: $*"
    [ "$(wc -l < err)" -eq 1 ] || fail "not one line for: $* ($(cat err))"
    grep -q '^glass hmac: ' err || fail "message does not start with 'glass hmac:' ($(cat err))"
    cat err
}
one_line_exit1 -k zz hi
one_line_exit1 -k abc hi
one_line_exit1 -k 0b0b no-such-file
one_line_exit1 hi
one_line_exit1 -k
one_line_exit1 -macopt digest:sha1 hi
"$GLASS" hmac -k 0b0b no-such-file 2>&1 | grep -q 'no-such-file: No such file or directory' ||
    fail "missing file message"
"$GLASS" hmac -k zz hi 2>&1 | grep -q 'not a hexadecimal string' || fail "bad hex message"
echo "errors: one line, exit 1"
