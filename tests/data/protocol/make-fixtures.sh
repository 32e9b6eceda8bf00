#!/bin/sh
# make-fixtures.sh — the certificates and keys behind tests/test_protocol.c.
#
# Run once from this directory (`sh make-fixtures.sh`); the outputs are
# committed, so the test suite never generates RSA keys and the golden
# transcript stays the same from run to run.  OpenSSL is used here only as a
# tool to make test data (glasstls itself never links it).
#
#   ca.der          "Glass Test CA": CA:TRUE, keyCertSign|cRLSign   key ca.key
#   server.der      CN=localhost, SAN DNS:localhost IP:127.0.0.1,
#                   serverAuth                                      key server.key
#   alice.der       CN=alice, clientAuth                            key alice.key
#   alice-expired.der  as alice.der, valid for 1 day only
#   alice-eku.der   as alice.der but serverAuth only (wrong purpose)
#   other-ca.der    "Other CA", an unrelated CA                     key other-ca.key
#   other-server.der   CN=localhost, serverAuth, issued by Other CA (server key)
#   other-client.der   CN=mallory, clientAuth, issued by Other CA (alice key)
#   alice-revoked.der  as alice.der, serial 20, listed in crl.der
#   crl.der         a CRL of Glass Test CA revoking serial 20 (valid 10 years)
#   now.txt         the time the certificates were made (seconds since 1970)
#
# Keys are PKCS#1 DER ("RSA PRIVATE KEY"), 2048 bits.
set -eu
cd "$(dirname "$0")"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

key() {
    openssl genrsa -out "$T/$1.pem" 2048 2>/dev/null
    openssl rsa -in "$T/$1.pem" -outform DER -out "$1.key" -traditional 2>/dev/null
}

ca() { # name subject
    openssl req -new -x509 -sha256 -key "$T/$1.pem" -subj "$2" -days 3650 \
        -set_serial 1 -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -outform DER -out "$1.der"
    openssl x509 -inform DER -in "$1.der" -out "$T/$1.crt"
}

leaf() { # name key issuer subject days serial extensions...
    name=$1 k=$2 issuer=$3 subj=$4 days=$5 serial=$6
    shift 6
    printf '%s\n' "$@" > "$T/$name.ext"
    openssl req -new -key "$T/$k.pem" -subj "$subj" -out "$T/$name.csr"
    openssl x509 -req -sha256 -in "$T/$name.csr" -CA "$T/$issuer.crt" -CAkey "$T/$issuer.pem" \
        -set_serial "$serial" -days "$days" -extfile "$T/$name.ext" -outform DER \
        -out "$name.der" 2>/dev/null
}

key ca; key other-ca; key server; key alice
date +%s > now.txt
ca ca "/CN=Glass Test CA"
ca other-ca "/CN=Other CA"
SRV='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1'
CLI='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'
BAD='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth'
leaf server server ca "/CN=localhost" 3650 16 "$SRV"
leaf alice alice ca "/CN=alice" 3650 17 "$CLI"
leaf alice-expired alice ca "/CN=alice" 1 18 "$CLI"
leaf alice-eku alice ca "/CN=alice" 3650 19 "$BAD"
leaf other-server server other-ca "/CN=localhost" 3650 32 "$SRV"
leaf other-client alice other-ca "/CN=mallory" 3650 33 "$CLI"
leaf alice-revoked alice ca "/CN=alice" 3650 20 "$CLI"

# The CRL, through `openssl ca` and a throw-away database.
: > "$T/index.txt"
echo 01 > "$T/crlnumber"
cat > "$T/ca.cnf" <<CNF
[ ca ]
default_ca = d
[ d ]
database = $T/index.txt
crlnumber = $T/crlnumber
default_md = sha256
default_crl_days = 3650
CNF
openssl x509 -inform DER -in alice-revoked.der -out "$T/revoked.pem"
openssl ca -config "$T/ca.cnf" -keyfile "$T/ca.pem" -cert "$T/ca.crt" \
    -revoke "$T/revoked.pem" 2>/dev/null
openssl ca -config "$T/ca.cnf" -keyfile "$T/ca.pem" -cert "$T/ca.crt" -gencrl \
    -out "$T/crl.pem" 2>/dev/null
openssl crl -in "$T/crl.pem" -outform DER -out crl.der
echo "fixtures written; now.txt = $(cat now.txt)"
