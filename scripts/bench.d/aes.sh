# aes.sh — sourced by scripts/bench.sh: AES-256 and GHASH throughput at
# 16 KiB, `glass speed -impl NAME` beside `openssl speed -evp` and beside
# BearSSL's portable constant-time code, in the same run.
#
# Three comparisons, each the fair one for its implementation:
#   hw     (AES-NI, PCLMULQDQ)  vs OpenSSL as it is (AES-NI, PCLMULQDQ...)
#   table  (T-tables)           vs OpenSSL portable: OPENSSL_ia32cap=
#                               '~0x12401A0250000000:0x0' clears the CPU
#                               capability bits for AES-NI, PCLMULQDQ, SSSE3,
#                               AVX/AVX2 and SHA, so OpenSSL runs its tables
#   ct     (bitsliced, GHASH by integer multiplication with holes)
#                               vs BearSSL's ct64 AES and ctmul64 GHASH
#                               (scripts/bench.d/bearssl_anchor.c, built here
#                               against Debian's libbearssl-dev)
# Each pair is measured BENCH_ROUNDS times (default 3), taking turns, and
# the best figure of each side is kept, so both see the same machine.
# Figures are MB/s (10^6 bytes/s); ratio = glass / other.
aes_rounds=${BENCH_ROUNDS:-3}
aes_secs=$SECONDS_PER
aes_osecs=$(awk -v s="$SECONDS_PER" 'BEGIN { s = int(s + 0.5); print (s < 1) ? 1 : s }')
# glass_16k IMPL ALG: the 16384-byte column of glass speed, in MB/s
aes_glass() {
    "$GLASS" speed -seconds "$aes_secs" -impl "$1" "$2" 2>/dev/null |
        awk -v a="$2" '$1 == a { v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }'
}
aes_openssl() {   # aes_openssl ALG [ia32cap]  (openssl takes whole seconds)
    env ${2:+OPENSSL_ia32cap=$2} openssl speed -elapsed -seconds "$aes_osecs" -evp "$1" 2>/dev/null |
        awk -v a="$1" 'tolower($1) == a { v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }'
}
aes_max() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { print (b + 0 > a + 0) ? b : a }'; }
aes_row() {   # aes_row LABEL GLASS OTHER TARGET
    awk -v l="$1" -v g="${2:-0}" -v o="${3:-0}" -v t="$4" 'BEGIN {
        r = (o > 0) ? g / o : 0;
        printf "  %-34s %9.1f %9.1f %6.2f   %s\n", l, g, o, r, t }'
}
echo "== AES-256 and GHASH at 16384 bytes (MB/s; ratio = glass / other; best of $aes_rounds)"
printf '  %-34s %9s %9s %6s   %s\n' "glass -impl NAME vs other" glass other ratio target

# 1. hardware against OpenSSL as it is
if "$GLASS" speed -seconds 0.01 -impl hw aes-256-ctr >/dev/null 2>&1; then
    for aes_alg in aes-256-ctr aes-256-gcm aes-256-cbc; do
        aes_g=0; aes_o=0
        for aes_r in $(seq "$aes_rounds"); do
            aes_g=$(aes_max "$aes_g" "$(aes_glass hw "$aes_alg")")
            aes_o=$(aes_max "$aes_o" "$(aes_openssl "$aes_alg")")
        done
        aes_row "hw $aes_alg vs OpenSSL" "$aes_g" "$aes_o" ">= 0.90"
    done
else
    echo "  hw: skipped (this CPU has no AES-NI / PCLMULQDQ)"
fi

# 2. tables against OpenSSL's portable code
for aes_alg in aes-256-ctr aes-256-cbc; do
    aes_g=0; aes_o=0
    for aes_r in $(seq "$aes_rounds"); do
        aes_g=$(aes_max "$aes_g" "$(aes_glass table "$aes_alg")")
        aes_o=$(aes_max "$aes_o" "$(aes_openssl "$aes_alg" '~0x12401A0250000000:0x0')")
    done
    aes_row "table $aes_alg vs OpenSSL portable" "$aes_g" "$aes_o" ">= 0.50"
done

# 3. constant time against BearSSL's portable constant-time code
aes_anchor=$(mktemp)
if cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -o "$aes_anchor" \
        "$ROOT/scripts/bench.d/bearssl_anchor.c" -lbearssl 2>/dev/null; then
    aes_gc=0; aes_gb=0; aes_gg=0; aes_gd=0; aes_bc=0; aes_bb=0; aes_bg=0; aes_bd=0
    for aes_r in $(seq "$aes_rounds"); do
        aes_gc=$(aes_max "$aes_gc" "$(aes_glass ct aes-256-ctr)")
        aes_gb=$(aes_max "$aes_gb" "$(aes_glass ct aes-256-cbc)")
        aes_gg=$(aes_max "$aes_gg" "$(aes_glass ct ghash)")
        aes_b=$("$aes_anchor" "$aes_secs")
        aes_bc=$(aes_max "$aes_bc" "$(echo "$aes_b" | awk '$1 == "ct64-ctr" { print $2 }')")
        aes_bb=$(aes_max "$aes_bb" "$(echo "$aes_b" | awk '$1 == "ct64-cbcenc" { print $2 }')")
        aes_bg=$(aes_max "$aes_bg" "$(echo "$aes_b" | awk '$1 == "ctmul64" { print $2 }')")
    done
    aes_row "ct aes-256-ctr vs BearSSL ct64" "$aes_gc" "$aes_bc" ">= 1.00"
    aes_row "ct aes-256-cbc (encrypt) vs ct64" "$aes_gb" "$aes_bb" ">= 1.00"
    aes_row "ct ghash vs BearSSL ctmul64" "$aes_gg" "$aes_bg" ">= 1.00"
else
    echo "  ct vs BearSSL: skipped (libbearssl-dev is not installed; scripts/deps.sh)"
fi
rm -f "$aes_anchor"

# 4. the price of constant time, glass alone: ct and hw against table
aes_t=$(aes_glass table aes-256-ctr); aes_c=$(aes_glass ct aes-256-ctr)
aes_row "ct aes-256-ctr vs glass table" "$aes_c" "$aes_t" "(the price of CT)"
unset aes_rounds aes_secs aes_osecs aes_alg aes_g aes_o aes_r aes_anchor aes_gc aes_gb aes_gg aes_gd \
      aes_bc aes_bb aes_bg aes_bd aes_b aes_t aes_c
