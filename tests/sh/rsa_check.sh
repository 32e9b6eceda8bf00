#!/bin/sh
# Loading accepts every valid RSA key, as OpenSSL does, whatever the sizes of
# p, q and d; `glass rsa -check` says beside its verdict what is unusual.
# Keys are built from numbers (primes from openssl prime, arithmetic in
# python3) into PKCS#1 DER by openssl asn1parse -genconf, so the unusual
# ones exist at all; openssl rsa -check is the oracle for each verdict.
set -u
command -v python3 >/dev/null 2>&1 || { echo "python3 is missing: apt-get install python3"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# mkkey NAME PBITS QBITS E [phi|small-d|composite-p]
mkkey() {
    tries=0
    until mknumbers "$@"; do
        tries=$((tries + 1))
        [ $tries -lt 30 ] || fail "no primes suit e = $4"
    done
    openssl asn1parse -genconf "$T/$1.cnf" -out "$T/$1.der" >/dev/null || fail "asn1parse $1"
}

# Writes the key's numbers as an asn1parse -genconf file; fails (to be
# tried again) when e is not invertible for these primes.
mknumbers() {
    p=$(openssl prime -generate -bits "$2"); q=$(openssl prime -generate -bits "$3")
    python3 - "$T/$1.cnf" "$p" "$q" "$4" "${5:-}" <<'PY'
import sys, math
out, p, q, e, how = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
if how == "composite-p":
    p = p * 3 * 5 + 2 if (p * 15 + 2) % 2 else p * 15 + 4     # odd, not prime
lam = (p - 1) * (q - 1) // math.gcd(p - 1, q - 1)
phi = (p - 1) * (q - 1)
if how == "small-d":
    d = (1 << 200) + 1
    while math.gcd(d, lam) != 1:
        d += 2
    e = pow(d, -1, lam)
else:
    mod = phi if how in ("phi", "composite-p") else lam
    if math.gcd(e, mod) != 1:
        sys.exit(3)
    d = pow(e, -1, mod)
    if how == "phi" and d < lam:
        sys.exit(3)        # e^-1 mod phi happened to be below lambda: draw again
n = p * q
keys = [("version", 0), ("n", n), ("e", e), ("d", d), ("p", p), ("q", q),
        ("e1", d % (p - 1)), ("e2", d % (q - 1)), ("coeff", pow(q, -1, p))]
with open(out, "w") as f:
    f.write("asn1=SEQUENCE:k\n[k]\n")
    for name, v in keys:
        f.write("%s=INTEGER:0x%X\n" % (name, v))
PY
}

# name | pbits | qbits | e | how | openssl verdict | glass notes to find
while IFS='|' read -r name pb qb e how note; do
    mkkey "$name" "$pb" "$qb" "$e" "$how"
    o=$(openssl rsa -inform DER -in "$T/$name.der" -check -noout 2>&1 | head -n 1)
    g=$("$GLASS" rsa -inform DER -in "$T/$name.der" -check -noout 2>&1); rc=$?
    case "$o" in
        "RSA key ok")
            [ $rc -eq 0 ] || fail "$name: openssl says ok, glass rc=$rc: $g"
            echo "$g" | head -n 1 | grep -qx 'RSA key ok' || fail "$name: $g" ;;
        *)
            [ $rc -ne 0 ] || fail "$name: openssl says '$o', glass: $g"
            echo "$g" | grep -q 'not ok\|glass rsa:' || fail "$name: $g" ;;
    esac
    if [ -n "$note" ]; then
        echo "$g" | grep -q "^note: $note" || fail "$name: no note '$note' in: $g"
    elif [ "$o" = "RSA key ok" ]; then
        echo "$g" | grep -q '^note:' && fail "$name: a usual key got notes: $g"
    fi
    # A key glass loads, it can use: it signs a request with it (the CRT
    # private operation, whatever the sizes of p and q), which openssl
    # verifies.
    if [ $rc -eq 0 ]; then
        "$GLASS" rsa -inform DER -in "$T/$name.der" -out "$T/$name.pem" 2>/dev/null ||
            fail "$name: cannot convert"
        "$GLASS" req -new -key "$T/$name.pem" -subj "/CN=$name" -out "$T/$name.csr" 2>"$T/err" ||
            fail "$name: cannot sign a request: $(cat "$T/err")"
        openssl req -in "$T/$name.csr" -verify -noout 2>&1 | grep -q 'verify OK' ||
            fail "$name: openssl does not verify the request glass signed"
    fi
done <<'LIST'
usual|1024|1024|65537||
unbalanced|512|1536|65537||unbalanced primes: p has 512 bits and q 1536
unbalanced2|1800|248|65537||unbalanced primes
e3|1024|1024|3||small public exponent e = 3
dphi|1024|1024|65537|phi|d is larger than lambda
smalld|1024|1024|0|small-d|small private exponent d of 201 bits
composite|1024|1024|65537|composite-p|
LIST
echo "rsa -check: every key openssl calls valid loads and is checked alike, with notes in words"
