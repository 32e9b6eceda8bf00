# aes.sh — sourced by scripts/bench.sh: AES-256 throughput, `glass speed`
# beside `openssl speed -evp`, in the same run.
#
# OpenSSL is measured twice: as it is (on x86-64 that means AES-NI, and
# PCLMULQDQ for GCM: hardware AES, which no table-driven C code can match),
# and with OPENSSL_ia32cap='~0x12401A0250000000:0x0', which clears the CPU
# capability bits for AES-NI, PCLMULQDQ, SSSE3, AVX/AVX2 and the SHA
# extensions, so OpenSSL falls back to its portable (table-driven) code.
# The second ratio is the fair comparison for glasstls's T-table AES.
# Figures are thousands of bytes per second; ratio = glass / openssl.
# `openssl speed` divides by CPU user time unless given -elapsed; glass speed
# divides by wall-clock time, so openssl runs with -elapsed here, and each
# glass figure is taken right beside OpenSSL's on a loaded machine.
echo "== AES-256 encryption throughput (1000s of bytes/s; ratio = glass / openssl)"
echo "   'portable' = OpenSSL with OPENSSL_ia32cap='~0x12401A0250000000:0x0'"
echo "   (AES-NI, PCLMULQDQ, SSSE3, AVX and SHA-NI code paths switched off)"
printf '  %-12s %8s %12s %12s %7s %12s %7s\n' algorithm bytes glass openssl ratio portable ratio
for aes_alg in aes-256-ecb aes-256-cbc aes-256-ctr aes-256-gcm; do
    aes_label=$(echo "$aes_alg" | tr 'a-z' 'A-Z')
    aes_o=$(openssl speed -elapsed -seconds "$SECONDS_PER" -evp "$aes_alg" 2>/dev/null | grep "^$aes_label ")
    aes_p=$(OPENSSL_ia32cap='~0x12401A0250000000:0x0' \
        openssl speed -elapsed -seconds "$SECONDS_PER" -evp "$aes_alg" 2>/dev/null | grep "^$aes_label ")
    # glass and both openssl runs back to back, so they share the machine's load
    aes_g=$("$GLASS" speed -seconds "$SECONDS_PER" "$aes_alg" 2>&1 | grep "^$aes_label ")
    aes_col=2
    for aes_size in 16 64 256 1024 8192 16384; do
        aes_gv=$(echo "$aes_g" | awk -v c=$aes_col '{ sub(/k$/, "", $c); print $c }')
        aes_ov=$(echo "$aes_o" | awk -v c=$aes_col '{ sub(/k$/, "", $c); print $c }')
        aes_pv=$(echo "$aes_p" | awk -v c=$aes_col '{ sub(/k$/, "", $c); print $c }')
        awk -v a="$aes_alg" -v s="$aes_size" -v g="${aes_gv:-0}" -v o="${aes_ov:-0}" \
            -v p="${aes_pv:-0}" 'BEGIN {
                ro = (o > 0) ? sprintf("%.2f", g / o) : "?";
                rp = (p > 0) ? sprintf("%.2f", g / p) : "?";
                printf "  %-12s %8s %12.0f %12.0f %7s %12.0f %7s\n", a, s, g, o, ro, p, rp }'
        aes_col=$((aes_col + 1))
    done
done
echo "  target: >= 0.50 vs portable OpenSSL for aes-256-cbc and aes-256-ctr at 16384 bytes"
# The price of constant time: aes_ct.c (S-box computed as affine(a^254), no
# tables) and, for GCM, gcm_mult_ct, beside the table-driven defaults, both
# measured by glass in the same run.  ratio = ct / table.
echo "== AES-256 constant-time variants vs the table-driven defaults (glass only)"
printf '  %-12s %8s %12s %12s %7s\n' algorithm bytes table ct ratio
for aes_alg in aes-256-ctr aes-256-gcm; do
    aes_label=$(echo "$aes_alg" | tr 'a-z' 'A-Z')
    aes_g=$("$GLASS" speed -seconds "$SECONDS_PER" "$aes_alg" 2>&1 | grep "^$aes_label ")
    aes_c=$("$GLASS" speed -seconds "$SECONDS_PER" "$aes_alg-ct" 2>&1 | grep "^$aes_label-CT ")
    aes_col=2
    for aes_size in 16 64 256 1024 8192 16384; do
        aes_gv=$(echo "$aes_g" | awk -v c=$aes_col '{ sub(/k$/, "", $c); print $c }')
        aes_cv=$(echo "$aes_c" | awk -v c=$aes_col '{ sub(/k$/, "", $c); print $c }')
        awk -v a="$aes_alg" -v s="$aes_size" -v g="${aes_gv:-0}" -v c="${aes_cv:-0}" 'BEGIN {
                r = (g > 0) ? sprintf("%.3f", c / g) : "?";
                printf "  %-12s %8s %12.0f %12.0f %7s\n", a, s, g, c, r }'
        aes_col=$((aes_col + 1))
    done
done
unset aes_alg aes_label aes_o aes_p aes_g aes_c aes_col aes_size aes_gv aes_ov aes_pv aes_cv
