#!/bin/sh
# The normal build refuses every lab-only command and insecure switch, and
# does not even contain their code: the attack demonstrations of docs/labs/
# exist only in the lab build (make labs; `make lab-check` runs the labs).
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }

refuses() {   # refuses CMD...: exit 1 with the one-line message, nothing on stdout
    if "$GLASS" "$@" > out.txt 2> err.txt; then fail "normal build accepted: glass $*"; fi
    grep -qx "glass $1: only in the lab build (make labs)" err.txt ||
        fail "glass $*: said '$(cat err.txt)'"
    [ ! -s out.txt ] || fail "glass $*: wrote to stdout"
}
refuses lab
refuses lab length-extend -digest 00 -len 1 -append x
refuses lab naive-mac -key k
refuses lab rsa-textbook -p 61 -q 53 -e 17 -m 65
refuses lab rsa-forge-e3 -pubin x -in y -out z
refuses lab rsa-verify --insecure-verify -pubin x -in y -signature z
refuses lab padding-oracle --mode mac-then-encrypt
refuses lab tamper --flip 4:100
refuses lab fs-record --kx rsa --out x --key-out y
refuses lab dh-mitm
refuses mitm --listen 127.0.0.1:0 --connect 127.0.0.1:1 --ca ca.pem
refuses mitm --help --ca-out x
refuses client enroll --insecure --server 127.0.0.1:1 --name a --code C --ca ca.pem -pass pass:x

# --help still explains where the commands are (exit 0).
"$GLASS" lab --help | grep -q 'only in the lab build' || fail "glass lab --help"
"$GLASS" mitm --help | grep -q 'only in the lab build' || fail "glass mitm --help"

# No lab code is linked into the normal build: none of its strings are there.
for s in 'INSECURE LAB MODE' 'insecure-verify' 'padding-oracle' 'ATTACK: byte' \
         'fs-decrypt' 'rsa-forge-e3'; do
    if LC_ALL=C grep -aq -- "$s" "$GLASS"; then fail "the normal binary contains '$s'"; fi
done
echo "labs: the normal build refuses 13 lab-only invocations and contains no lab code"
