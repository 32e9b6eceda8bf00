# rsa.sh — sourced by scripts/bench.sh: RSA signing, verifying and key
# generation, `glass speed` beside `openssl speed` / `openssl genpkey`, in the
# same run.
#
# Sign/verify: RSASSA-PKCS1-v1_5 over a precomputed digest in both programs.
# OpenSSL is measured as it is and with OPENSSL_ia32cap=':~0xD0230000', which
# masks AVX-512 (F, DQ, IFMA, CD, BW, VL) so that OpenSSL cannot use its
# AVX-512 IFMA Montgomery multiplication; that masked figure is the fair
# comparison for signing (GMP's mpz_powm_sec has no IFMA code).  The programs
# take turns, two rounds, and the best figure of each is kept.
#
# Both `openssl speed` and `glass speed` divide by CPU time (OpenSSL's
# default, user time), so a busy machine moves neither much.
#
# Key generation: the wall-clock median of N runs of `glass speed
# rsa-keygenBITS` (in-process) beside the wall-clock median of the same number
# of `openssl genpkey` runs.  Each genpkey run includes starting the openssl
# process; the median start-up time (`openssl rand`) is printed too, and the
# second ratio subtracts it.  Run it on a quiet machine.
echo "== RSA sign/verify (ops/s, best of 2 alternating runs; ratio = glass / openssl)"
echo "   'masked' = OpenSSL with OPENSSL_ia32cap=':~0xD0230000' (AVX-512 incl. IFMA off)"
rsa_g=""
rsa_o=""
rsa_m=""
for rsa_round in 1 2; do
    rsa_g="$rsa_g
$("$GLASS" speed -seconds "$SECONDS_PER" rsa2048 rsa3072 rsa4096 2>&1)"
    rsa_o="$rsa_o
$(openssl speed -seconds "$SECONDS_PER" rsa2048 rsa3072 rsa4096 2>/dev/null)"
    rsa_m="$rsa_m
$(OPENSSL_ia32cap=':~0xD0230000' openssl speed -seconds "$SECONDS_PER" rsa2048 rsa3072 rsa4096 2>/dev/null)"
done
# GMP's floor (two bare mpn_sec_powm on the CRT halves), from the last round
echo "$rsa_g" | grep 'floor' | tail -n 3 | sed 's/^ */  /'
# best sign/s (field 6) and verify/s (field 7) of lines "rsa BITS bits ..."
rsa_best() {
    echo "$1" | awk -v b="$2" -v f="$3" '$1 == "rsa" && $2 == b && $3 == "bits" && $f + 0 > m { m = $f + 0 } END { if (m) print m }'
}
printf '  %-8s %-6s %10s %10s %7s %10s %7s\n' size op glass openssl ratio masked ratio
for rsa_bits in 2048 3072 4096; do
    for rsa_op in sign verify; do
        rsa_f=6
        [ "$rsa_op" = verify ] && rsa_f=7
        rsa_gv=$(rsa_best "$rsa_g" "$rsa_bits" "$rsa_f")
        rsa_ov=$(rsa_best "$rsa_o" "$rsa_bits" "$rsa_f")
        rsa_mv=$(rsa_best "$rsa_m" "$rsa_bits" "$rsa_f")
        awk -v s="rsa$rsa_bits" -v op="$rsa_op" -v g="${rsa_gv:-0}" -v o="${rsa_ov:-0}" \
            -v m="${rsa_mv:-0}" 'BEGIN {
                ro = (o > 0) ? sprintf("%.2f", g / o) : "?";
                rm = (m > 0) ? sprintf("%.2f", g / m) : "?";
                printf "  %-8s %-6s %10.1f %10.1f %7s %10.1f %7s\n", s, op, g, o, ro, m, rm }'
    done
done
echo "  targets: rsa2048 sign >= 1.00 vs masked OpenSSL and >= 0.95 of the floor above;"
echo "           verify >= 0.80 vs OpenSSL as it is"

echo "== RSA key generation (median wall-clock seconds; ratio = openssl / glass, higher is faster)"
rsa_now() { date +%s%N; }
rsa_median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rsa_startup=$(for rsa_i in 1 2 3 4 5 6 7 8 9; do
    rsa_t0=$(rsa_now); openssl rand -hex 1 >/dev/null 2>&1; rsa_t1=$(rsa_now)
    echo "$rsa_t0 $rsa_t1" | awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }'
done | rsa_median)
for rsa_bits in 2048 3072; do
    rsa_line=$("$GLASS" speed -seconds "$((SECONDS_PER * 4))" "rsa-keygen$rsa_bits" 2>&1)
    rsa_gmed=$(echo "$rsa_line" | awk '{ for (i = 1; i < NF; i++) if ($i == "wall" && $(i + 1) == "median") { sub(/s$/, "", $(i + 2)); print $(i + 2) } }')
    rsa_n=$(echo "$rsa_line" | awk '{ for (i = 1; i <= NF; i++) if ($i == "over") print $(i + 1) }')
    [ -n "$rsa_n" ] || { echo "  rsa-keygen$rsa_bits: glass failed: $rsa_line"; continue; }
    [ "$rsa_n" -gt 41 ] && rsa_n=41
    rsa_omed=$(rsa_i=0; while [ "$rsa_i" -lt "$rsa_n" ]; do
        rsa_t0=$(rsa_now)
        openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$rsa_bits" -out /dev/null >/dev/null 2>&1
        rsa_t1=$(rsa_now)
        echo "$rsa_t0 $rsa_t1" | awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }'
        rsa_i=$((rsa_i + 1))
    done | rsa_median)
    awk -v b="$rsa_bits" -v n="$rsa_n" -v g="$rsa_gmed" -v o="$rsa_omed" -v s="$rsa_startup" 'BEGIN {
        printf "  rsa-keygen%s  %s runs each: glass %.4fs  openssl genpkey %.4fs  ratio %.2f", b, n, g, o, (g > 0) ? o / g : 0;
        oc = o - s; if (oc < 0) oc = 0;
        printf "  (openssl minus its %.4fs start-up: %.4fs, ratio %.2f)\n", s, oc, (g > 0) ? oc / g : 0 }'
done
echo "  target: glass 2048-bit median <= 2x openssl's (ratio >= 0.50)"
unset rsa_g rsa_o rsa_m rsa_round rsa_bits rsa_op rsa_f rsa_gv rsa_ov rsa_mv rsa_line rsa_gmed \
    rsa_n rsa_omed rsa_startup rsa_i rsa_t0 rsa_t1
