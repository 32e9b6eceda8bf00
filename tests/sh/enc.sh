#!/bin/sh
# enc.sh — `glass enc` against `openssl enc`, byte for byte, on random inputs
# of many lengths (0 .. 100 kB) for AES-256 ECB, CBC and CTR, encrypting and
# decrypting, with and without -nopad where it applies; GCM round trips and
# tag checks; every mode through every implementation of the table (-impl
# ref, table, ct, ct-gf, hw: the same bytes as openssl, and the GCM
# specification's Test Case 16);
# every kind of bad input (one line, exit 1); and the FIPS 197 Appendix C.3
# trace.
set -u
: "${GLASS:?}"
command -v openssl >/dev/null 2>&1 || { echo "enc.sh: openssl is needed as the oracle"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

K=$(openssl rand -hex 32)
IV=$(openssl rand -hex 16)

# ---- 1. byte for byte with openssl enc ------------------------------------
checked=0
for len in 0 1 2 15 16 17 31 32 33 47 48 63 64 100 255 256 1000 1023 1024 4095 4096 \
           4097 10000 65535 65536 102399 102400; do
    head -c "$len" /dev/urandom > "$T/in"
    for mode in ecb cbc ctr; do
        for pad in "" -nopad; do
            # -nopad with ECB/CBC needs whole blocks (both programs refuse otherwise)
            if [ -n "$pad" ] && [ "$mode" != ctr ] && [ $((len % 16)) -ne 0 ]; then
                continue
            fi
            ivflag="-iv $IV"
            # encrypt
            openssl enc -aes-256-$mode -e -K "$K" $ivflag $pad -in "$T/in" -out "$T/o.enc" 2>/dev/null \
                || { fail "openssl enc refused $mode $pad len=$len"; continue; }
            "$GLASS" enc -aes-256-$mode -e -K "$K" $ivflag $pad -in "$T/in" -out "$T/g.enc" 2>"$T/err" \
                || { fail "glass enc -e $mode $pad len=$len: $(cat "$T/err")"; continue; }
            cmp -s "$T/o.enc" "$T/g.enc" || fail "encrypt differs: $mode $pad len=$len"
            # decrypt openssl's ciphertext with glass, and compare with openssl -d
            "$GLASS" enc -aes-256-$mode -d -K "$K" $ivflag $pad -in "$T/o.enc" -out "$T/g.dec" 2>"$T/err" \
                || { fail "glass enc -d $mode $pad len=$len: $(cat "$T/err")"; continue; }
            openssl enc -aes-256-$mode -d -K "$K" $ivflag $pad -in "$T/o.enc" -out "$T/o.dec" 2>/dev/null
            cmp -s "$T/in" "$T/g.dec" || fail "decrypt does not give the input back: $mode $pad len=$len"
            cmp -s "$T/o.dec" "$T/g.dec" || fail "decrypt differs from openssl: $mode $pad len=$len"
            checked=$((checked + 1))
        done
    done
done
# stdin and stdout work too
head -c 777 /dev/urandom > "$T/in"
openssl enc -aes-256-cbc -K "$K" -iv "$IV" < "$T/in" > "$T/o.enc"
"$GLASS" enc -aes-256-cbc -K "$K" -iv "$IV" < "$T/in" > "$T/g.enc" || fail "stdin/stdout"
cmp -s "$T/o.enc" "$T/g.enc" || fail "stdin/stdout output differs"
echo "openssl comparisons: $checked (each: encrypt, decrypt, round trip)"

# ---- 2. GCM: tag after the ciphertext; -d checks it -----------------------
GIV=$(openssl rand -hex 12)
for len in 0 1 16 17 1000 65536; do
    head -c "$len" /dev/urandom > "$T/in"
    "$GLASS" enc -aes-256-gcm -e -K "$K" -iv "$GIV" -in "$T/in" -out "$T/g.enc" || fail "gcm -e len=$len"
    size=$(wc -c < "$T/g.enc")
    [ "$size" -eq $((len + 16)) ] || fail "gcm output is $size bytes, want $((len + 16))"
    "$GLASS" enc -aes-256-gcm -d -K "$K" -iv "$GIV" -in "$T/g.enc" -out "$T/g.dec" || fail "gcm -d len=$len"
    cmp -s "$T/in" "$T/g.dec" || fail "gcm round trip len=$len"
done
# the ciphertext part equals CTR from inc32(J0) = IV || 00000002 (SP 800-38D §7.1)
head -c 1000 /dev/urandom > "$T/in"
"$GLASS" enc -aes-256-gcm -K "$K" -iv "$GIV" -in "$T/in" | head -c 1000 > "$T/g.ct"
openssl enc -aes-256-ctr -K "$K" -iv "${GIV}00000002" -in "$T/in" -out "$T/o.ct"
cmp -s "$T/g.ct" "$T/o.ct" || fail "gcm ciphertext is not CTR from J0+1"

# ---- 2b. GCM over the constant-time AES and GHASH (-impl ct) ---------------
# The same bytes as the table-driven default, each way round, for IVs of 12
# and of 7 bytes (the GHASH-derived J0) and with AAD.
for len in 0 1 16 33 1000 20000; do
    head -c "$len" /dev/urandom > "$T/in"
    for giv in "$GIV" 0a1b2c3d4e5f60; do
        "$GLASS" enc -aes-256-gcm -K "$K" -iv "$giv" -aad 00ff10 -in "$T/in" -out "$T/f.enc" \
            || fail "gcm fast len=$len"
        "$GLASS" enc -aes-256-gcm -impl ct -K "$K" -iv "$giv" -aad 00ff10 -in "$T/in" \
            -out "$T/c.enc" || fail "gcm -impl ct len=$len"
        cmp -s "$T/f.enc" "$T/c.enc" || fail "gcm -impl ct differs from the default: len=$len iv=$giv"
        "$GLASS" enc -aes-256-gcm -d -impl ct -K "$K" -iv "$giv" -aad 00ff10 -in "$T/f.enc" \
            -out "$T/c.dec" || fail "gcm -impl ct -d len=$len"
        cmp -s "$T/in" "$T/c.dec" || fail "gcm -impl ct round trip len=$len"
    done
done
# McGrew and Viega, "The Galois/Counter Mode of Operation", Test Case 16
# (AES-256, 60-byte plaintext, 20-byte AAD): ciphertext || tag.
TC16_P=d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
TC16_P=${TC16_P}1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39
printf '%s' "$TC16_P" | xxd -r -p > "$T/tc16" || fail "xxd is needed"
TC16=522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b
IMPLS="ref table ct ct-gf"
grep -qw aes /proc/cpuinfo 2>/dev/null && grep -qw pclmulqdq /proc/cpuinfo && IMPLS="$IMPLS hw"
for impl in fast $IMPLS; do
    got=$("$GLASS" enc -aes-256-gcm -impl $impl \
        -K feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308 \
        -iv cafebabefacedbaddecaf888 -aad feedfacedeadbeeffeedfacedeadbeefabaddad2 \
        -in "$T/tc16" | od -An -v -tx1 | tr -d ' \n')
    [ "$got" = "$TC16" ] || fail "GCM Test Case 16 with -impl $impl: got $got"
done

# ---- 2c. ECB, CBC and CTR through every implementation, against openssl ----
for len in 0 16 33 1000 4112; do
    head -c "$len" /dev/urandom > "$T/in"
    for mode in ecb cbc ctr; do
        ivarg=""
        [ "$mode" = ecb ] || ivarg="-iv $IV"
        openssl enc -aes-256-$mode -K "$K" $ivarg -in "$T/in" -out "$T/o.enc" 2>/dev/null
        for impl in $IMPLS; do
            "$GLASS" enc -aes-256-$mode -impl "$impl" -K "$K" $ivarg -in "$T/in" -out "$T/i.enc" \
                || fail "$mode -impl $impl len=$len"
            cmp -s "$T/o.enc" "$T/i.enc" || fail "$mode -impl $impl differs from openssl: len=$len"
            "$GLASS" enc -aes-256-$mode -d -impl "$impl" -K "$K" $ivarg -in "$T/o.enc" \
                -out "$T/i.dec" || fail "$mode -d -impl $impl len=$len"
            cmp -s "$T/in" "$T/i.dec" || fail "$mode -d -impl $impl round trip: len=$len"
        done
    done
done

# ---- 3. bad input: one line on stderr, exit 1, nothing written -------------
expect_fail() {   # expect_fail WHAT PATTERN ARGS...
    what=$1; pattern=$2; shift 2
    rm -f "$T/never"
    "$GLASS" enc "$@" >"$T/out" 2>"$T/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "$what: exit status $rc, want 1"
    [ "$(wc -l < "$T/err")" -eq 1 ] || fail "$what: want one line on stderr, got: $(cat "$T/err")"
    grep -q "^glass enc: .*$pattern" "$T/err" || fail "$what: message '$(cat "$T/err")' lacks '$pattern'"
    [ ! -e "$T/never" ] || fail "$what: an output file was written"
}
head -c 32 /dev/urandom > "$T/in32"
head -c 17 /dev/urandom > "$T/in17"
head -c 15 /dev/urandom > "$T/in15"
expect_fail "bad hex key" "not a hexadecimal" -aes-256-cbc -K "zz${K#??}" -iv "$IV" -in "$T/in32" -out "$T/never"
expect_fail "odd hex key" "odd number" -aes-256-cbc -K "${K}0" -iv "$IV" -in "$T/in32" -out "$T/never"
expect_fail "bad hex iv" "not a hexadecimal" -aes-256-cbc -K "$K" -iv "xx${IV#??}" -in "$T/in32" -out "$T/never"
expect_fail "short key" "32 bytes" -aes-256-cbc -K 00112233 -iv "$IV" -in "$T/in32" -out "$T/never"
expect_fail "long key" "32 bytes" -aes-256-ecb -K "${K}00" -in "$T/in32" -out "$T/never"
expect_fail "short iv" "16 bytes" -aes-256-cbc -K "$K" -iv 0011 -in "$T/in32" -out "$T/never"
expect_fail "long ctr iv" "16 bytes" -aes-256-ctr -K "$K" -iv "${IV}00" -in "$T/in32" -out "$T/never"
expect_fail "missing iv" "-iv is required" -aes-256-cbc -K "$K" -in "$T/in32" -out "$T/never"
expect_fail "missing file" "cannot open" -aes-256-cbc -K "$K" -iv "$IV" -in "$T/no-such-file" -out "$T/never"
expect_fail "not whole blocks (-d)" "not a whole number of 16-byte blocks" -aes-256-cbc -d -K "$K" -iv "$IV" -in "$T/in17" -out "$T/never"
expect_fail "not whole blocks (-nopad)" "not a whole number of 16-byte blocks" -aes-256-ecb -nopad -K "$K" -in "$T/in17" -out "$T/never"
# a last block ending in 00 is never valid PKCS#7 padding
printf 'fifteen bytes..\000' > "$T/pad0"
"$GLASS" enc -aes-256-cbc -nopad -K "$K" -iv "$IV" -in "$T/pad0" -out "$T/pad0.enc" || fail "nopad encrypt"
expect_fail "bad padding" "bad decrypt" -aes-256-cbc -d -K "$K" -iv "$IV" -in "$T/pad0.enc" -out "$T/never"
openssl enc -aes-256-cbc -d -K "$K" -iv "$IV" -in "$T/pad0.enc" >/dev/null 2>&1 && fail "openssl accepted the bad padding?"
# the same block under ECB: its plaintext is known, so the check cannot pass
# by chance (a random key would give valid padding about once in 200 runs)
"$GLASS" enc -aes-256-ecb -nopad -K "$K" -in "$T/pad0" -out "$T/pad0.ecb" || fail "nopad ecb encrypt"
expect_fail "bad padding (ecb)" "bad decrypt" -aes-256-ecb -d -K "$K" -in "$T/pad0.ecb" -out "$T/never"
# GCM: any change is refused
"$GLASS" enc -aes-256-gcm -K "$K" -iv "$GIV" -in "$T/in32" -out "$T/g.enc" || fail "gcm encrypt"
size=$(wc -c < "$T/g.enc")
head -c $((size - 1)) "$T/g.enc" > "$T/g.bad"
printf '\001' >> "$T/g.bad"
cmp -s "$T/g.enc" "$T/g.bad" && { head -c $((size - 1)) "$T/g.enc" > "$T/g.bad"; printf '\002' >> "$T/g.bad"; }
expect_fail "bad gcm tag" "GCM tag does not match" -aes-256-gcm -d -K "$K" -iv "$GIV" -in "$T/g.bad" -out "$T/never"
expect_fail "gcm wrong iv" "GCM tag does not match" -aes-256-gcm -d -K "$K" -iv "${GIV}00" -in "$T/g.enc" -out "$T/never"
expect_fail "gcm too short" "shorter than the 16-byte GCM tag" -aes-256-gcm -d -K "$K" -iv "$GIV" -in "$T/in15" -out "$T/never"
expect_fail "no cipher" "no cipher" -K "$K" -in "$T/in32"
expect_fail "-impl unknown" "is not ref, table, ct, ct-gf or hw" -aes-256-gcm -impl bitsliced -K "$K" -iv "$GIV" -in "$T/in32" -out "$T/never"
expect_fail "-impl without value" "needs a value" -aes-256-gcm -K "$K" -iv "$GIV" -impl
expect_fail "-impl ct tampered" "GCM tag does not match" -aes-256-gcm -d -impl ct -K "$K" -iv "$GIV" -in "$T/g.bad" -out "$T/never"
expect_fail "unknown option" "unknown option" -aes-256-cbc -K "$K" -iv "$IV" -frobnicate
"$GLASS" enc --help | grep -q example || fail "--help has no example"

# ---- 4. the FIPS 197 Appendix C.3 trace -----------------------------------
printf '\000\021\042\063\104\125\146\167\210\231\252\273\314\335\356\377' > "$T/c3"
"$GLASS" enc --trace -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f \
    -in "$T/c3" > "$T/trace" || fail "--trace"
# the values printed in FIPS 197 Appendix C.3 (AES-256)
while IFS= read -r line; do
    step=${line% *}
    want=${line##* }
    got=$(grep -F "$step " "$T/trace" | awk '{ print $NF }')
    [ "$got" = "$want" ] || fail "trace $step: got '$got', want $want"
done <<'EOF_C3'
round[ 0].input 00112233445566778899aabbccddeeff
round[ 0].k_sch 000102030405060708090a0b0c0d0e0f
round[ 1].start 00102030405060708090a0b0c0d0e0f0
round[ 1].s_box 63cab7040953d051cd60e0e7ba70e18c
round[ 1].s_row 6353e08c0960e104cd70b751bacad0e7
round[ 1].m_col 5f72641557f5bc92f7be3b291db9f91a
round[ 1].k_sch 101112131415161718191a1b1c1d1e1f
round[14].start 627bceb9999d5aaac945ecf423f56da5
round[14].s_box aa218b56ee5ebeacdd6ecebf26e63c06
round[14].s_row aa5ece06ee6e3c56dde68bac2621bebf
round[14].k_sch 24fc79ccbf0979e9371ac23c6d68de36
round[14].output 8ea2b7ca516745bfeafc49904b496089
EOF_C3
[ "$(grep -c '^round\[' "$T/trace")" -eq 72 ] || fail "trace: want 72 round lines"
printf '\216\242\267\312\121\147\105\277\352\374\111\220\113\111\140\211' > "$T/c3ct"
"$GLASS" enc --trace -d -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f \
    -in "$T/c3ct" > "$T/itrace" || fail "--trace -d"
grep -q '^round\[14\]\.ioutput *00112233445566778899aabbccddeeff$' "$T/itrace" || fail "inverse trace output"
grep -q '^round\[ 1\]\.istart *aa5ece06ee6e3c56dde68bac2621bebf$' "$T/itrace" || fail "inverse trace round 1"
expect_fail "trace needs one block" "exactly one 16-byte block" --trace -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f -in "$T/in17"

if [ "$fails" -ne 0 ]; then
    echo "enc.sh: $fails failure(s)"
    exit 1
fi
echo "enc.sh: all passed"
exit 0
