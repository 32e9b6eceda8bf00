#!/bin/sh
# run-tests: alone=build
# The gdb pretty-printers of tools/glass_gdb.py, on the debug build:
#   - aes256_ctx prints as the round keys of FIPS 197 Appendix C.3, and the
#     AES state uint8_t[4][4] as its rows and the appendix's column string;
#   - sha256_ctx prints H(0) of FIPS 180-4 §5.3.3 as eight words;
#   - mpz_t prints in hex, equal to the modulus in the NIST vector file;
#   - the glass-hex / glass-mpz commands work.
# Needs gdb (scripts/deps.sh installs it) and build/debug/glass, which it
# builds with `make debug` unless GLASS_DEBUG names a debug binary already.
set -eu
command -v gdb >/dev/null 2>&1 || { echo "gdb is missing: run sh scripts/deps.sh as root (apt-get install gdb)"; exit 1; }
DBG=${GLASS_DEBUG:-}
if [ -z "$DBG" ]; then
    make -C "$ROOT" -s debug >/dev/null || { echo "make debug failed"; exit 1; }
    DBG="$ROOT/build/debug/glass"
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"
run_gdb() {
    timeout 120 gdb -q -batch -nx -x "$ROOT/tools/glass_gdb.py" "$@" 2>&1
}
expect() {   # expect FILE TEXT: a fixed string must appear
    grep -qF -- "$2" "$1" || { echo "missing: $2"; echo "--- gdb said:"; cat "$1"; exit 1; }
}

# 1. AES: the key schedule and the state at the first SubBytes (FIPS 197 C.3).
printf '00112233445566778899aabbccddeeff' | xxd -r -p > block.bin
run_gdb -ex 'break aes256_ref_encrypt_block' -ex 'break SubBytes' -ex run -ex 'print *ctx' \
    -ex continue -ex up -ex 'print state' -ex 'glass-hex-flat in 16' -ex kill \
    --args "$DBG" enc --trace -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f \
    -in block.bin > aes.out
expect aes.out 'round[ 0].k_sch 000102030405060708090a0b0c0d0e0f'
expect aes.out 'round[ 1].k_sch 101112131415161718191a1b1c1d1e1f'
expect aes.out 'round[14].k_sch 24fc79ccbf0979e9371ac23c6d68de36'
expect aes.out 's[0,0..3] = 00 40 80 c0'
expect aes.out 'as in FIPS 197 Appendix C (column by column): 00102030405060708090a0b0c0d0e0f0'
expect aes.out '00112233445566778899aabbccddeeff'

# 2. SHA-256: the first ShortMsg vector is the empty message, H = H(0).
run_gdb -ex 'break sha256_final' -ex run -ex 'print *ctx' -ex kill \
    --args "$DBG" vectors "$ROOT/vectors/sha/SHA256ShortMsg.rsp" > sha.out
expect sha.out 'H(i) = 6a09e667 bb67ae85 3c6ef372 a54ff53a 510e527f 9b05688c 1f83d9ab 5be0cd19'
expect sha.out 'message so far: 0 bytes (0 bits)'

# 3. mpz_t in hex: the first modulus of SigVer15 as the file gives it.
n=$(sed -n 's/^n = //p' "$ROOT/vectors/rsa/SigVer15_186-3.rsp" | head -n 1 | tr -d '\r')
run_gdb -ex 'break rsa_public_op' -ex run -ex 'print n' -ex 'glass-mpz e' -ex kill \
    --args "$DBG" vectors "$ROOT/vectors/rsa/SigVer15_186-3.rsp" > rsa.out
expect rsa.out "= 0x$n (1024 bits)"
grep -qx '0x3' rsa.out || { echo "glass-mpz e did not print 0x3"; cat rsa.out; exit 1; }
echo "gdb pretty-printers: AES, SHA-256 and mpz_t values as the standards print them"
