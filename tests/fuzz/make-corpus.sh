#!/bin/sh
# make-corpus.sh — writes the seed corpora tests/fuzz/corpus/NAME/ from the
# project's own outputs: the protocol fixtures, a certificate authority made
# with `glass ca`, keys converted with `glass pkey`, a request from
# `glass req`, the handshake messages of `glass walkthrough --seed 1 --save`,
# the engine streams, records and application messages of gen_seeds.c, and
# the heads of a few .rsp files.  Everything is small; rerun it after a
# format changes (the outputs are deterministic where the tools allow:
# `glass ca` makes fresh keys, so those seeds differ from run to run).
#
#   sh tests/fuzz/make-corpus.sh [GLASS]     (default build/glass; its
#                                             libglass.a sits beside it)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GLASS=${1:-${GLASS:-$ROOT/build/glass}}
case $GLASS in /*) ;; *) GLASS=$(pwd)/$GLASS ;; esac
LIB=$(dirname "$GLASS")/libglass.a
C=$ROOT/tests/fuzz/corpus
FX=$ROOT/tests/data/protocol
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
[ -x "$GLASS" ] || { echo "make-corpus.sh: no glass binary at $GLASS (run make)" >&2; exit 1; }
[ -f "$LIB" ] || { echo "make-corpus.sh: no $LIB" >&2; exit 1; }

for d in der pem x509 csr crl key messages record appmsg dissect engine_server \
         engine_client engine_tls_server engine_tls_client rsp; do
    rm -rf "${C:?}/$d"
    mkdir -p "$C/$d"
done

# 1. Certificates, CRL and keys: the fixtures, and a small CA of our own.
for f in ca server alice alice-eku other-ca; do cp "$FX/$f.der" "$C/x509/$f.der"; done
cp "$FX/crl.der" "$C/crl/fixture.der"
cp "$FX/server.key" "$C/key/pkcs1.der"
"$GLASS" ca init --dir "$T/ca" --subj "/C=BR/O=Fuzz/CN=Fuzz Root" -pass pass:fuzz \
    --days 30 >/dev/null
"$GLASS" ca issue --dir "$T/ca" --subj /CN=localhost --profile server \
    --san DNS:localhost,IP:127.0.0.1,IP:::1 -out "$T/srv.pem" -keyout "$T/srv.key" \
    -pass pass:fuzz >/dev/null
serial=$("$GLASS" x509 -in "$T/srv.pem" -noout -serial | sed 's/.*=//')
"$GLASS" ca revoke "$serial" --dir "$T/ca" -pass pass:fuzz >/dev/null
"$GLASS" ca crl --dir "$T/ca" -out "$T/crl.pem" -pass pass:fuzz >/dev/null
cp "$T/ca/ca.pem" "$C/x509/ca.pem"
cp "$T/srv.pem" "$C/x509/server.pem"
"$GLASS" x509 -in "$T/srv.pem" -outform DER -out "$C/x509/server-san.der"
cat "$T/srv.pem" "$T/ca/ca.pem" > "$C/x509/chain.pem"
cp "$T/crl.pem" "$C/crl/revoked.pem"

# 2. Key forms, with the password fuzz_key.c tries ("fuzz") and few iterations.
K=$T/srv.key
"$GLASS" pkey -in "$K" -out "$C/key/pkcs8.pem"
"$GLASS" pkey -in "$K" -outform DER -out "$C/key/pkcs8.der"
"$GLASS" pkey -in "$K" -traditional -out "$C/key/pkcs1.pem"
"$GLASS" pkey -in "$K" -passout pass:fuzz -iter 1 -out "$C/key/encrypted.pem"
"$GLASS" pkey -in "$K" -passout pass:fuzz -iter 1 -outform DER -out "$C/key/encrypted.der"
"$GLASS" pkey -in "$K" -pubout -out "$C/key/spki.pem"
"$GLASS" rsa -in "$K" -RSAPublicKey_out -out "$C/key/rsapub.pem"

# 3. A request.
"$GLASS" req -new -key "$K" -subj "/C=BR/O=Fuzz/CN=alice" -out "$C/csr/alice.pem"
"$GLASS" req -new -key "$K" -subj "/CN=bob" -outform DER -out "$C/csr/bob.der"

# 4. DER and PEM: a bit of everything above.
cp "$C/x509/ca.der" "$C/x509/server-san.der" "$C/crl/fixture.der" "$C/key/pkcs8.der" \
   "$C/key/encrypted.der" "$C/csr/bob.der" "$C/der/"
cp "$C/x509/chain.pem" "$C/crl/revoked.pem" "$C/key/encrypted.pem" "$C/key/rsapub.pem" \
   "$C/csr/alice.pem" "$C/pem/"

# 5. Handshake messages, as the walkthrough saves them.
"$GLASS" walkthrough --seed 1 --save "$T/walk" >/dev/null 2>&1
"$GLASS" walkthrough --enroll --seed 1 --save "$T/walk-enroll" >/dev/null 2>&1
cp "$T"/walk/*.bin "$C/messages/"
for f in "$T"/walk-enroll/*.bin; do cp "$f" "$C/messages/enroll-$(basename "$f")"; done
cp "$C"/messages/*.bin "$C/dissect/"

# 6. What only a running engine makes (gen_seeds.c, built against $LIB).
cc -std=c11 -O1 -I"$ROOT" -I"$ROOT/apps" -D_POSIX_C_SOURCE=200809L \
    $(pkg-config --cflags gmp libsodium) "$ROOT/tests/fuzz/gen_seeds.c" "$LIB" \
    $(pkg-config --libs gmp libsodium) -lm -o "$T/gen_seeds"
(cd "$ROOT" && "$T/gen_seeds" "$C")
for f in "$C"/record/*.bin; do
    # the dissector takes the record itself, without fuzz_record's mode byte
    tail -c +2 "$f" > "$C/dissect/record-$(basename "$f")"
done
for f in "$C"/appmsg/*.bin; do cp "$f" "$C/dissect/app-$(basename "$f")"; done

# 7. .rsp files: a few of ours whole, the heads of NIST ones.
for f in rfc7914_pbkdf2_sha256 rfc5869_hkdf_sha256; do
    cp "$ROOT/tests/data/vectors/$f.rsp" "$C/rsp/$f.rsp"
done
for f in sha/SHA256ShortMsg aes/CBCGFSbox256 hmac/HMAC rsa/SigVer15_186-3; do
    [ -f "$ROOT/vectors/$f.rsp" ] || continue
    head -c 2000 "$ROOT/vectors/$f.rsp" > "$C/rsp/$(basename "$f").rsp"
done
echo "corpus written under tests/fuzz/corpus/ ($(find "$C" -type f | wc -l) files)"
