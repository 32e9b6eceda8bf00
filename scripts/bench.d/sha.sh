# sha.sh — sourced by scripts/bench.sh: SHA-256 and HMAC-SHA256 throughput,
# `glass speed` beside `openssl speed` (3.0), in the same run; then PBKDF2.
#
# What is compared:
#   sha256        `openssl speed -evp sha256`  vs  `glass speed sha256`
#   hmac(sha256)  `openssl speed -hmac sha256` vs  `glass speed hmac-sha256`
#                 (one MAC under a fixed key whose pads are prepared once, in
#                 both programs: OpenSSL 3.0 re-initialises with a NULL key)
# glass runs twice too: with its default compression function (SHA-NI where
# the CPU has it) beside OpenSSL as it is, and with -impl fast (portable C)
# beside OpenSSL's portable code.
# OpenSSL is measured twice: as it is (on x86-64 with SHA-NI or AVX2 that is
# hardware or vector SHA-256, which portable C cannot match), and with
# OPENSSL_ia32cap='~0x12401A0250000000:0x0', which clears the capability bits
# for AES-NI, PCLMULQDQ, SSSE3, AVX/AVX2 and the SHA extensions, so OpenSSL
# runs its portable integer x86-64 code: the fair comparison for glasstls.
# Figures are thousands of bytes per second; ratio = glass / openssl.
# `openssl speed` divides by CPU time unless given -elapsed, and `glass speed`
# by wall-clock time, so OpenSSL runs with -elapsed here: on a busy machine
# the two are then measured alike.  Each program runs twice, taking turns,
# and the better figure of each is kept.
echo "== SHA-256 and HMAC-SHA256 throughput (1000s of bytes/s; ratio = glass / openssl)"
echo "   'portable' = OpenSSL with OPENSSL_ia32cap='~0x12401A0250000000:0x0'"
echo "   (AES-NI, SHA-NI, SSSE3 and the AVX code paths switched off)"
sha_ia32='~0x12401A0250000000:0x0'
sha_glass=""; sha_fast=""; sha_o=""; sha_p=""
for sha_round in 1 2; do
    sha_glass="$sha_glass
$("$GLASS" speed -seconds "$SECONDS_PER" sha256 hmac-sha256 2>&1)"
    sha_fast="$sha_fast
$("$GLASS" speed -seconds "$SECONDS_PER" -impl fast sha256 hmac-sha256 2>&1)"
    sha_o="$sha_o
$(openssl speed -elapsed -seconds "$SECONDS_PER" -evp sha256 2>/dev/null)
$(openssl speed -elapsed -seconds "$SECONDS_PER" -hmac sha256 2>/dev/null)"
    sha_p="$sha_p
$(OPENSSL_ia32cap=$sha_ia32 openssl speed -elapsed -seconds "$SECONDS_PER" -evp sha256 2>/dev/null)
$(OPENSSL_ia32cap=$sha_ia32 openssl speed -elapsed -seconds "$SECONDS_PER" -hmac sha256 2>/dev/null)"
done
# best figure per column over the runs: one line "label v1 .. v6"
sha_best() {
    grep -F "$1 " | grep -v '^type' | awk -v n="$1" '{
        for (i = NF - 5; i <= NF; i++) { v = $i; sub(/k$/, "", v); c = i - NF + 6;
            if (v + 0 > m[c]) m[c] = v + 0 } }
        END { printf "%s", n; for (c = 1; c <= 6; c++) printf " %.2fk", m[c]; printf "\n" }'
}
printf '  %-12s %8s %12s %12s %7s %12s %12s %7s\n' algorithm bytes glass openssl ratio \
    glass-fast portable ratio
for sha_label in 'sha256' 'hmac(sha256)'; do
    sha_g=$(echo "$sha_glass" | sha_best "$sha_label" | sed 's/^[^ ]* //')
    sha_f=$(echo "$sha_fast" | sha_best "$sha_label" | sed 's/^[^ ]* //')
    sha_ol=$(echo "$sha_o" | sha_best "$sha_label" | sed 's/^[^ ]* //')
    sha_pl=$(echo "$sha_p" | sha_best "$sha_label" | sed 's/^[^ ]* //')
    sha_col=1
    for sha_size in 16 64 256 1024 8192 16384; do
        sha_gv=$(echo "$sha_g" | awk -v c=$sha_col '{ sub(/k$/, "", $c); print $c }')
        sha_fv=$(echo "$sha_f" | awk -v c=$sha_col '{ sub(/k$/, "", $c); print $c }')
        sha_ov=$(echo "$sha_ol" | awk -v c=$sha_col '{ sub(/k$/, "", $c); print $c }')
        sha_pv=$(echo "$sha_pl" | awk -v c=$sha_col '{ sub(/k$/, "", $c); print $c }')
        awk -v a="$sha_label" -v s="$sha_size" -v g="${sha_gv:-0}" -v o="${sha_ov:-0}" \
            -v f="${sha_fv:-0}" -v p="${sha_pv:-0}" 'BEGIN {
                ro = (o > 0) ? sprintf("%.2f", g / o) : "?";
                rp = (p > 0) ? sprintf("%.2f", f / p) : "?";
                printf "  %-12s %8s %12.0f %12.0f %7s %12.0f %12.0f %7s\n", a, s, g, o, ro, f, p, rp }'
        sha_col=$((sha_col + 1))
    done
done
echo "  targets: glass (SHA-NI) >= 0.90 vs OpenSSL as it is for sha256 at 16384 bytes;"
echo "           glass-fast >= 1.00 vs portable OpenSSL for sha256 at 16384 and hmac(sha256) at 64"

# PBKDF2-HMAC-SHA256 (what a 100 000-iteration key file costs): glass speed
# beside the wall-clock time of one `openssl kdf` run of 200 000 iterations,
# as it is and portable.
sha_pb=$("$GLASS" speed -seconds "$SECONDS_PER" pbkdf2 2>&1 | awk '/iterations\/s/ { print $2 }')
sha_kdf() {
    sha_t0=$(date +%s.%N)
    env ${1:+OPENSSL_ia32cap=$1} openssl kdf -keylen 32 -kdfopt digest:SHA256 \
        -kdfopt pass:password -kdfopt salt:saltsalt -kdfopt iter:200000 PBKDF2 > /dev/null 2>&1
    sha_t1=$(date +%s.%N)
    awk -v t0="$sha_t0" -v t1="$sha_t1" 'BEGIN { if (t1 > t0) printf "%.0f", 200000 / (t1 - t0); else print 0 }'
}
sha_ko=$(sha_kdf "")
sha_kp=$(sha_kdf "$sha_ia32")
awk -v g="${sha_pb:-0}" -v o="$sha_ko" -v p="$sha_kp" 'BEGIN {
    printf "  %-12s %8s %12.0f %12.0f %7s %12.0f %7s   (iterations/s)\n", "pbkdf2", "32", g, o,
        (o > 0) ? sprintf("%.2f", g / o) : "?", p, (p > 0) ? sprintf("%.2f", g / p) : "?" }'
unset sha_glass sha_fast sha_f sha_fv sha_o sha_p sha_label sha_g sha_ol sha_pl sha_col sha_size sha_gv sha_ov sha_pv
unset sha_pb sha_t0 sha_t1 sha_ko sha_kp sha_ia32 sha_round
unset -f sha_best sha_kdf
