#!/bin/sh
# glass prime against openssl prime: the same verdict, in the same words,
# for small numbers, Carmichael numbers, strong pseudoprimes to the first
# prime bases, Lucas pseudoprimes, Mersenne numbers, products of two primes
# and random numbers; primes glass generates (-safe too) are primes for
# openssl; bad input is refused with one line.
set -u
command -v openssl >/dev/null 2>&1 || { echo "openssl is missing: apt-get install openssl"; exit 1; }
command -v bc >/dev/null 2>&1 || { echo "bc is missing: apt-get install bc"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 1. Numbers, decimal: the lines must be identical.
seq 0 3000 > "$T/nums"
cat >> "$T/nums" <<'NUMS'
561
1105
1729
2465
2821
6601
8911
41041
825265
321197185
5394826801
232250619601
9746347772161
2047
3277
4033
4681
8321
1373653
25326001
3215031751
2152302898747
3474749660383
341550071728321
3825123056546413051
318665857834031151167461
3317044064679887385961981
323
5777
19043
2147483647
2305843009213693951
618970019642690137449562111
170141183460469231731687303715884105727
NUMS
# products of two primes and random odd numbers, from openssl
i=0
while [ $i -lt 10 ]; do
    a=$(openssl prime -generate -bits 96); b=$(openssl prime -generate -bits 128)
    echo "$a * $b" | BC_LINE_LENGTH=0 bc >> "$T/nums"
    echo "$a" >> "$T/nums"
    openssl rand -hex 24 | tr a-f A-F | sed 's/^/ibase=16; /' | BC_LINE_LENGTH=0 bc >> "$T/nums"
    i=$((i + 1))
done
n=$(wc -l < "$T/nums")
xargs "$GLASS" prime < "$T/nums" > "$T/glass" || fail "glass prime exits non-zero"
xargs openssl prime < "$T/nums" > "$T/openssl"
cmp -s "$T/glass" "$T/openssl" || { diff "$T/openssl" "$T/glass" | head; fail "verdicts differ"; }
primes=$(grep -c ' is prime$' "$T/glass")

# 2. Hexadecimal in and out.
"$GLASS" prime -hex 11 FF 7fffffff > "$T/g"; openssl prime -hex 11 FF 7fffffff > "$T/o"
cmp -s "$T/g" "$T/o" || fail "-hex: $(cat "$T/g")"

# 3. Generated primes are primes for openssl, of the size asked; safe ones too.
for bits in 2 3 17 64 256 512; do
    p=$("$GLASS" prime -generate -bits $bits) || fail "-generate -bits $bits"
    openssl prime "$p" | grep -q ' is prime$' || fail "openssl: $p is not prime"
    [ "$(echo "obase=2; $p" | BC_LINE_LENGTH=0 bc | tr -d '\n' | wc -c)" -eq $bits ] || fail "$p is not $bits bits"
done
for bits in 3 64 256; do
    p=$("$GLASS" prime -generate -bits $bits -safe) || fail "-safe -bits $bits"
    q=$(echo "($p - 1) / 2" | BC_LINE_LENGTH=0 bc)
    openssl prime "$p" "$q" | grep -c ' is prime$' | grep -qx 2 || fail "safe prime $p"
done
h=$("$GLASS" prime -generate -bits 80 -hex)
openssl prime -hex "$h" | grep -q ' is prime$' || fail "-hex -generate: $h"

# 4. Bad input: one line, exit 1.
for args in "0x11" "-5" "12a" "-generate" "-generate -bits 1" "-bits 64 7" "" "-checks 0 7"; do
    # shellcheck disable=SC2086
    err=$("$GLASS" prime $args 2>&1 >/dev/null); rc=$?
    [ $rc -eq 1 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] && echo "$err" | grep -q '^glass prime: ' ||
        fail "glass prime $args: rc=$rc '$err'"
done
echo "glass prime: $n numbers, same verdicts as openssl prime ($primes prime); generated primes check out"
