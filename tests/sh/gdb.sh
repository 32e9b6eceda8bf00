#!/bin/sh
# run-tests: alone=build
# tools/handshake.gdb in batch mode on the debug build: every breakpoint is
# hit, in the order the two engines run the handshake, each with the engine
# state it must be in, and the values gdb prints (through the pretty-printers
# of tools/glass_gdb.py) are the ones `glass walkthrough --seed 1` shows.
# Needs gdb and build/debug/glass (built here with `make debug` unless
# GLASS_DEBUG names a debug binary).
set -eu
command -v gdb >/dev/null 2>&1 || { echo "gdb is missing: run sh scripts/deps.sh as root (apt-get install gdb)"; exit 1; }
if [ -z "${GLASS_DEBUG:-}" ]; then
    make -C "$ROOT" -s debug >/dev/null || { echo "make debug failed"; exit 1; }
    GLASS_DEBUG="$ROOT/build/debug/glass"
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
GLASS_GDB_OUT="$T/walkthrough.txt"
export GLASS_DEBUG GLASS_GDB_OUT
cd "$ROOT"
timeout 300 gdb -q -batch -x tools/handshake.gdb > "$T/gdb.out" 2>&1 || true
fail() { echo "FAIL: $*"; echo "--- gdb said:"; grep -v '^\[' "$T/gdb.out" | head -n 60; exit 1; }
grep -q '^GLASS END' "$T/gdb.out" || fail "the program did not run to the end under gdb"

# 1. Every step, in order, in the state it must be in.
cat > "$T/want" <<'W'
STEP 1 send_ClientHello role=GLASS_ROLE_CLIENT state=GLASS_STATE_START
STEP 2 recv_ClientHello role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_CLIENT_HELLO
STEP 3 send_ServerHello role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_CLIENT_HELLO
STEP 4 send_Certificate role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_CLIENT_HELLO
STEP 5 send_ServerKeyExchange role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_CLIENT_HELLO
STEP 6 send_CertificateRequest role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_CLIENT_HELLO
STEP 7 send_ServerHelloDone role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_CLIENT_HELLO
STEP 8 recv_ServerHello role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_SERVER_HELLO
STEP 9 recv_Certificate role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_CERTIFICATE
STEP 10 recv_ServerKeyExchange role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_SERVER_KEY_EXCHANGE
STEP 11 recv_CertificateRequest role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_CERTIFICATE_REQUEST
STEP 12 recv_ServerHelloDone role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_SERVER_HELLO_DONE
STEP 13 send_Certificate role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_SERVER_HELLO_DONE
STEP 14 send_ClientKeyExchange role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_SERVER_HELLO_DONE
STEP 15 glass_eng_derive_keys role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_SERVER_HELLO_DONE
STEP 16 send_CertificateVerify role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_SERVER_HELLO_DONE
STEP 17 send_Finished role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_SERVER_HELLO_DONE
STEP 18 recv_Certificate role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_CERTIFICATE
STEP 19 recv_ClientKeyExchange role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_CLIENT_KEY_EXCHANGE
STEP 20 glass_eng_derive_keys role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_CLIENT_KEY_EXCHANGE
STEP 21 recv_CertificateVerify role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_CERTIFICATE_VERIFY
STEP 22 recv_Finished role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_FINISHED
STEP 23 send_Finished role=GLASS_ROLE_SERVER state=GLASS_STATE_S_WAIT_FINISHED
STEP 24 recv_Finished role=GLASS_ROLE_CLIENT state=GLASS_STATE_C_WAIT_FINISHED
W
grep '^STEP ' "$T/gdb.out" > "$T/got" || true
if ! cmp -s "$T/want" "$T/got"; then
    diff -u "$T/want" "$T/got" || true
    fail "breakpoints not hit as expected"
fi

# 2. The values printed are the walkthrough's (same binary, same seed).
"$GLASS_DEBUG" walkthrough --seed 1 --format json > "$T/w.json" 2>/dev/null
cmp -s "$GLASS_GDB_OUT" /dev/null && fail "the walkthrough under gdb wrote nothing"
n=0
for name in client_random server_random master_secret client_write_key server_write_MAC_key; do
    for v in $(sed -n "s/^GLASS $name=//p" "$T/gdb.out"); do
        grep -q "\"$v\"" "$T/w.json" || fail "gdb printed $name=$v, which the walkthrough does not show"
        n=$((n + 1))
    done
done
y=$(sed -n 's/^GLASS client_peer_y=0x\([0-9a-f]*\).*/\1/p' "$T/gdb.out")
[ -n "$y" ] && grep -q "$y\"" "$T/w.json" || fail "peer_y (mpz_t) $y is not the server's dh_y"
[ "$n" -eq 8 ] || fail "expected 8 printed byte values, found $n"
# The narration written under gdb is the golden one: the debugger changed nothing.
cmp -s "$GLASS_GDB_OUT" "$ROOT/tests/data/golden/walkthrough-seed1.txt" ||
    fail "the walkthrough run under gdb differs from the golden transcript"
# 3. glass-engine summarises an engine without calling into the program.
cat > "$T/ge.gdb" <<EOF
set pagination off
source tools/glass_gdb.py
file $GLASS_DEBUG
set args walkthrough --seed 1 > /dev/null
break recv_Finished
run
glass-engine e
EOF
timeout 120 gdb -q -batch -x "$T/ge.gdb" > "$T/ge.out" 2>&1 || true
grep -q 'GLASS_ROLE_SERVER, GLASS_PROFILE_GLASS, state GLASS_STATE_S_WAIT_FINISHED' "$T/ge.out" &&
    grep -q 'suite 0x006b, group ffdhe2048 (0x0100), peer "alice"' "$T/ge.out" &&
    grep -q 'client_random cc46103d' "$T/ge.out" ||
    { cat "$T/ge.out"; fail "glass-engine did not summarise the server engine"; }
echo "gdb: 24 stops at every message function in order, 9 values equal to the walkthrough's"
