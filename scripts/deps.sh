#!/bin/sh
# deps.sh — make sure the Debian packages glasstls needs are installed.
#
# Build: build-essential, pkg-config, libgmp-dev, libsodium-dev, libcunit1-dev.
# Tests: openssl (the oracle and the real peer), gdb (the gdb-script test),
# python3 (a man-in-the-middle proxy in the network tests, gdb pretty-printers),
# xxd (hex to bytes in the labs), bc (big numbers in the prime test), groff-base
# (the man-page test), tshark and tcpdump (the Wireshark dissector's test
# captures a real session on the loopback interface and reads it back; the TLS
# 1.2 tests decrypt a capture with the key log), gnutls-bin (gnutls-cli,
# gnutls-serv) and curl (TLS 1.2 peers), valgrind (make ctgrind: memcheck's
# client requests mark secrets), libbearssl-dev (the constant-time anchor of
# make bench), universal-ctags (function lengths for make check-size), tmux
# (the interactive demo's test types into a real terminal and reads the screen).
# Chromium, for the HTML walkthrough test, is
# installed by scripts/deps-class.sh when that test first runs.
# Run as root, it installs what is missing with apt-get.  Otherwise it prints
# the one apt-get line a person must run, and fails.
set -u
need=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in build-essential pkg-config libgmp-dev libsodium-dev libcunit1-dev openssl gdb python3 xxd groff-base \
         tshark tcpdump valgrind libbearssl-dev universal-ctags bc gnutls-bin curl tmux; do
    have_pkg "$p" || need="$need $p"
done
# pkg-config is the build's own test: all three libraries must be found.
if [ -z "$need" ] && pkg-config --exists gmp libsodium cunit 2>/dev/null; then
    exit 0
fi
[ -n "$need" ] || need=" libgmp-dev libsodium-dev libcunit1-dev pkg-config"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps.sh: installing:$need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || true
    if apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 ||
       { apt-get update && apt-get install -y --no-install-recommends $need; }; then
        pkg-config --exists gmp libsodium cunit && exit 0
    fi
    echo "deps.sh: apt-get could not install:$need" >&2
    exit 1
fi
echo "deps.sh: missing packages:$need" >&2
echo "deps.sh: run this as root, then make again:" >&2
echo "    apt-get install -y$need" >&2
exit 1
