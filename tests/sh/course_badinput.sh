#!/bin/sh
# course_badinput.sh — hostile input for the OpenSSL-style PKI commands
# (genpkey, req -x509, x509 -req, pkcs12) and for ca init --key, ca log,
# ca check: each case gets one line "glass CMD: ..." on stderr and exit
# status 1, no sanitizer report, and leaves the directory exactly as it was
# (no certificate, no serial file, no .p12 written), as tests/sh/badinput.sh
# asks of every other command.
set -u
: "${GLASS:?}"
. "$(dirname "$0")/lib/check.sh"
check_setup
mkdir "$T/w" && cd "$T/w" || exit 1
G=$GLASS

# ---- fixtures ----------------------------------------------------------------------
{
    $G genpkey -algorithm RSA -out ca.key &&
    $G req -x509 -key ca.key -subj /CN=Bad-CA -out ca.pem &&
    $G genpkey -algorithm RSA -out k.key &&
    $G req -new -key k.key -subj /CN=alice -out r.csr &&
    $G x509 -req -in r.csr -CA ca.pem -CAkey ca.key -set_serial 5 -out c.pem &&
    $G pkcs12 -export -in c.pem -inkey k.key -out good.p12 -passout pass:pw &&
    $G ca init --dir ca --subj /CN=Dir-CA -pass pass:pw >/dev/null
} 2>/dev/null || { echo "FAIL: fixtures"; exit 1; }
head -c 300 good.p12 >short.p12
head -c 2000 /dev/urandom >noise.bin
printf '\060\204\177\377\377\360\002\001\003' >huge.p12
printf '\060\003\002\001\000' >v0.p12
head -c 200 r.csr >short.csr
sed 's/CERTIFICATE REQUEST/CERTIFICATE/' r.csr >label.csr
printf '[ s ]\nbasicConstraints = CA:MAYBE\n' >badval.ext
printf '[ s ]\nsubjectAltName = @nowhere\n' >nosect.ext
printf '[ s\nkeyUsage = digitalSignature\n' >badhdr.ext
awk 'BEGIN { printf "keyUsage = "; for (i = 0; i < 3000; i++) printf "digitalSignature,"; print "" }' >long.ext
printf 'zz\n' >bad.srl
printf '7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\n' >top.srl
: >empty
mkdir adir

# ---- genpkey -------------------------------------------------------------------------
bad genpkey
bad genpkey -algorithm EC -out x.key
bad genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:100 -out x.key
bad genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2049 -out x.key
bad genpkey -algorithm RSA -pkeyopt rsa_keygen_pubexp:3 -out x.key
bad genpkey -algorithm RSA -pkeyopt frobnicate:1 -out x.key
bad genpkey -algorithm RSA -pass pass:x -out x.key
bad genpkey -algorithm RSA -out adir
bad genpkey -algorithm RSA -out nodir/x.key

# ---- req -x509 -------------------------------------------------------------------------
bad req -x509 -key ca.key -out x.pem
bad req -x509 -key ca.key -subj /XX=y -out x.pem
bad req -x509 -key ca.key -subj /CN=x -days 0 -out x.pem
bad req -x509 -key ca.key -subj /CN=x -set_serial 0 -out x.pem
bad req -x509 -key ca.key -subj /CN=x -set_serial 0x -out x.pem
bad req -x509 -key ca.key -subj /CN=x -set_serial 123456789012345678901234567890123456789012345678901234567890 -out x.pem
bad req -x509 -key ca.key -subj /CN=x -addext "keyUsage=" -out x.pem
bad req -x509 -key ca.key -subj /CN=x -addext "subjectAltName=DNS:bad name" -out x.pem
bad req -x509 -key ca.key -subj /CN=x -addext "subjectAltName=IP:300.1.1.1" -out x.pem
bad req -x509 -key ca.key -subj /CN=x -addext "basicConstraints=CA:TRUE,pathlen:-1" -out x.pem
bad req -x509 -key ca.key -subj /CN=x -addext "=" -out x.pem
bad req -x509 -key noise.bin -subj /CN=x -out x.pem
bad req -x509 -newkey rsa:2048 -nodes -keyout nodir/k.pem -subj /CN=x -out x.pem
bad req -new -key k.key -subj /CN=x -addext authorityKeyIdentifier=keyid -out x.csr
bad req -x509 -key ca.key -subj /CN=x -out adir

# ---- x509 -req ---------------------------------------------------------------------------
bad x509 -req -in r.csr -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey k.key -set_serial 1 -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -CAserial bad.srl -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -CAserial top.srl -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -CAserial empty -out x.pem
bad x509 -req -in short.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out x.pem
bad x509 -req -in label.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out x.pem
bad x509 -req -in noise.bin -CA ca.pem -CAkey ca.key -CAcreateserial -out x.pem
bad x509 -req -in r.csr -CA noise.bin -CAkey ca.key -CAcreateserial -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out adir
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -set_serial 1 -extfile badval.ext -extensions s -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -set_serial 1 -extfile nosect.ext -extensions s -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -set_serial 1 -extfile badhdr.ext -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -set_serial 1 -extfile long.ext -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -set_serial 1 -extfile empty -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -set_serial 1 -extfile missing.ext -out x.pem
bad x509 -req -in r.csr -CA ca.pem -CAkey ca.key -set_serial 1 -extensions s -out x.pem
bad x509 -req -in r.csr -signkey ca.key -out x.pem
bad x509 -in c.pem -CA ca.pem

# ---- pkcs12 --------------------------------------------------------------------------------
bad pkcs12
bad pkcs12 -export -in c.pem -inkey ca.key -out x.p12 -passout pass:pw
bad pkcs12 -export -in c.pem -inkey k.key -out x.p12 -passout pass:
bad pkcs12 -export -in noise.bin -inkey k.key -out x.p12 -passout pass:pw
bad pkcs12 -export -in c.pem -inkey k.key -out adir -passout pass:pw
bad pkcs12 -export -in c.pem -inkey k.key -certfile noise.bin -out x.p12 -passout pass:pw
bad pkcs12 -export -in c.pem -inkey k.key -name "$(awk 'BEGIN { for (i = 0; i < 200; i++) printf "n" }')" -out x.p12 -passout pass:pw
bad pkcs12 -in good.p12 -passin pass:wrong -nokeys
bad pkcs12 -in good.p12 -passin pass:pw -nocerts -out x.pem
bad pkcs12 -in short.p12 -passin pass:pw -nokeys
bad pkcs12 -in noise.bin -passin pass:pw -nokeys
bad pkcs12 -in huge.p12 -passin pass:pw -nokeys
bad pkcs12 -in v0.p12 -passin pass:pw -nokeys
bad pkcs12 -in empty -passin pass:pw -nokeys
bad pkcs12 -in c.pem -passin pass:pw -nokeys
bad pkcs12 -in missing.p12 -passin pass:pw

# ---- ca init --key, ca log, ca check -------------------------------------------------------
bad ca init --dir new --subj /CN=x -pass pass:pw --key noise.bin
bad ca init --dir new --subj /CN=x -pass pass:pw --key missing.key
bad ca init --dir ca --subj /CN=x -pass pass:pw --key k.key
bad ca log --dir adir
bad ca log --verify --dir adir
bad ca check --dir adir

[ $fails -eq 0 ] || { echo "$fails of $cases cases failed"; exit 1; }
echo "course bad input: $cases hostile invocations, each one line and exit 1, nothing written"
