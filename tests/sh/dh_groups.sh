#!/bin/sh
# The named Diffie-Hellman groups compiled into glass (dh/groups.c, copied
# from RFC 7919 Appendix A and RFC 3526 §3-§4) are the ones OpenSSL ships:
# take p and g from `openssl genpkey -genparam ... | openssl asn1parse`,
# write them as a DH_NamedGroups .rsp file, and have `glass vectors` compare
# them with its own.  Then corrupt one digit and check glass notices.
set -eu
command -v openssl >/dev/null 2>&1 || { echo "openssl is needed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

rsp="$tmp/DH_NamedGroups_openssl.rsp"
echo "# DH named groups as printed by $(openssl version)" > "$rsp"
for pair in ffdhe2048:ffdhe2048 ffdhe3072:ffdhe3072 ffdhe4096:ffdhe4096 \
            modp14:modp_2048 modp15:modp_3072; do
    ours=${pair%%:*}
    theirs=${pair#*:}
    openssl genpkey -genparam -algorithm DH -pkeyopt "group:$theirs" -out "$tmp/$ours.pem"
    openssl asn1parse -in "$tmp/$ours.pem" > "$tmp/$ours.txt"
    # the first INTEGER is p, the second g (PKCS #3 DHParameter)
    p=$(grep 'prim: INTEGER' "$tmp/$ours.txt" | sed -n 1p | sed 's/.*://')
    g=$(grep 'prim: INTEGER' "$tmp/$ours.txt" | sed -n 2p | sed 's/.*://')
    [ -n "$p" ] && [ -n "$g" ] || { echo "could not read p, g of $theirs from openssl"; exit 1; }
    bits=$(printf '%s' "$p" | wc -c)
    printf '\nGroup = %s\nP = %s\nG = %s\n' "$ours" "$p" "$g" >> "$rsp"
    echo "$ours: openssl's $theirs has a $((bits * 4))-bit p"
done

out=$("$GLASS" vectors "$rsp")
echo "$out"
echo "$out" | grep -q 'DH_NamedGroups_openssl.rsp .* 5 passed, 0 failed, 0 skipped' ||
    { echo "glass's groups differ from openssl's"; exit 1; }

# A negative control: one changed digit in ffdhe3072's p must be caught.
bad="$tmp/DH_NamedGroups_corrupt.rsp"
awk '/^Group = ffdhe3072/ { hit = 1 }
     hit && /^P = / { sub(/FFFFFFFF$/, "FFFFFFFE"); hit = 0 }
     { print }' "$rsp" > "$bad"
cmp -s "$rsp" "$bad" && { echo "the corruption did not change the file"; exit 1; }
if out=$("$GLASS" vectors "$bad"); then
    echo "glass accepted a corrupted prime"; exit 1
fi
echo "$out" | grep -q '4 passed, 1 failed' || { echo "unexpected: $out"; exit 1; }
echo "corrupted ffdhe3072 prime rejected, as it should be"
