#!/bin/sh
# demo.sh — `make demo` (scripts/demo.sh) runs on its own, without input, in
# bounded time, exits 0, shows what it promises (the enrollment, the relay,
# the handshake trace), and leaves no server listening behind.
set -u
: "${GLASS:?}" "${ROOT:?}"
BUILD=${BUILD:-build}
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
timeout 300 sh "$ROOT/scripts/demo.sh" "$BUILD" </dev/null >"$out" 2>&1
st=$?
[ $st -eq 0 ] || { tail -n 40 "$out"; echo "FAIL: demo exited with $st"; exit 1; }
for w in "enrolled alice" "enrolled bob" "\[alice\] Hello Bob" "\[bob\] Hi Alice" \
    ServerKeyExchange CertificateVerify Finished "access_denied\|wrong, used or expired" \
    "handshake ok: alice" "server exit status: 0" "vectors:"; do
    grep -q "$w" "$out" || { tail -n 40 "$out"; echo "FAIL: the demo output lacks '$w'"; exit 1; }
done
port=$(sed -n 's/^ *listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out" | head -n 1)
[ -n "$port" ] || { echo "FAIL: no port in the demo output"; exit 1; }
if bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
    echo "FAIL: something still listens on the demo's port $port"
    exit 1
fi
echo "demo: ok"
