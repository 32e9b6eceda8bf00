# dh.sh — sourced by scripts/bench.sh: finite-field Diffie–Hellman key
# agreement, `glass speed` beside `openssl speed`, in the same run.
# One op = derive the shared secret from a pre-generated key pair (peer check
# included), in both programs; both use 225/275-bit private exponents for
# ffdhe2048/ffdhe3072 (see dh/groups.c).  The two programs take turns, three
# rounds, and the best figure of each is kept, so that a burst of load on a
# shared machine does not land on one side only.
echo "== ffdh key agreement (op/s, best of 3 alternating runs; ratio = glass / openssl)"
echo "   'masked' = OpenSSL with OPENSSL_ia32cap=':~0xD0230000' (AVX-512 incl. IFMA off:"
echo "   GMP has no IFMA code, so that is the like-for-like figure)"
dh_glass=""
dh_ossl=""
dh_mask=""
for dh_round in 1 2 3; do
    dh_glass="$dh_glass
$("$GLASS" speed -seconds "$SECONDS_PER" ffdh2048 ffdh3072 2>&1)"
    dh_ossl="$dh_ossl
$(openssl speed -seconds "$SECONDS_PER" ffdh2048 ffdh3072 2>/dev/null)"
    dh_mask="$dh_mask
$(OPENSSL_ia32cap=':~0xD0230000' openssl speed -seconds "$SECONDS_PER" ffdh2048 ffdh3072 2>/dev/null)"
done
echo "$dh_glass" | grep 'private exponent' | sort -u | sed 's/^ */  glass: /'
# GMP's floor (one bare mpn_sec_powm, same modulus and exponent size), from
# the last round: how much of the time is our own.
echo "$dh_glass" | grep 'floor' | tail -n 2 | sed 's/^ */  /'
for dh_bits in 2048 3072; do
    dh_g=$(echo "$dh_glass" | awk -v b="$dh_bits" '$1 == b && $3 == "ffdh" && $5 > m { m = $5 } END { if (m) print m }')
    dh_o=$(echo "$dh_ossl" | awk -v b="$dh_bits" '$1 == b && $3 == "ffdh" && $5 > m { m = $5 } END { if (m) print m }')
    dh_m=$(echo "$dh_mask" | awk -v b="$dh_bits" '$1 == b && $3 == "ffdh" && $5 > m { m = $5 } END { if (m) print m }')
    if [ -n "$dh_g" ] && [ -n "$dh_o" ]; then
        printf '  ffdh%s   glass %10s   openssl %10s   ratio %s   masked %10s   ratio %s\n' \
            "$dh_bits" "$dh_g" "$dh_o" "$(awk -v g="$dh_g" -v o="$dh_o" 'BEGIN { printf "%.2f", g / o }')" \
            "${dh_m:-?}" "$(awk -v g="$dh_g" -v o="${dh_m:-0}" 'BEGIN { if (o > 0) printf "%.2f", g / o; else print "?" }')"
    else
        echo "  ffdh$dh_bits   (no figure: glass '${dh_g:-?}', openssl '${dh_o:-?}')"
    fi
done
echo "  targets: ffdh2048 >= 1.00 vs masked OpenSSL and >= 0.95 of the floor above"
unset dh_glass dh_ossl dh_mask dh_m dh_round dh_bits dh_g dh_o
