#!/bin/sh
# run-tests: alone=build
# glass lab check refuses wrong answers, one or more per lab, each with a
# hint and exit status 1; an answer that was right for one target is wrong
# for the next (every target is freshly keyed); a program that runs too long
# is stopped; the normal build has no grader.  (make lab-check proves the
# graders accept the reference solutions of docs/labs/solutions/.)
set -eu
LABS=${LABS_GLASS:-"$ROOT/build/labs/glass"}
if [ ! -x "$LABS" ]; then
    make -C "$ROOT" -s labs >/dev/null 2>&1 || { echo "FAIL: make labs"; exit 1; }
fi
T=$(mktemp -d)
SRV=""
trap '[ -z "$SRV" ] || kill "$SRV" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }
refused=0

# refuses N PROGRAM WHY: the grader says NOT ACCEPTED, gives a hint, exits 1.
refuses() {
    if "$LABS" lab check --timeout 60 "$1" "$2" > out.txt 2>&1; then
        cat out.txt; fail "lab $1 accepted a wrong answer ($3)"
    fi
    grep -q "^lab $1: NOT ACCEPTED" out.txt || { cat out.txt; fail "lab $1 ($3): no verdict"; }
    grep -q '^hint: ..' out.txt || { cat out.txt; fail "lab $1 ($3): no hint"; }
    refused=$((refused + 1))
}

# A helper the wrong answers share: the banner as a dict, and ask().
cat > wrong.py <<'PY'
import socket, sys
def connect():
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
    f = s.makefile("rw", newline="\n")
    b = {}
    for line in f:
        line = line.strip()
        if line == "ready":
            break
        if line and not line.startswith("#"):
            k, _, v = line.partition(" ")
            b.setdefault(k, v)
    def ask(q):
        f.write(q + "\n"); f.flush()
        return f.readline().strip()
    return b, ask
PY
w() { printf 'import sys; sys.path.insert(0, "%s")\nfrom wrong import connect\n%s\n' "$T" "$2" > "$1"; }

printf 'this is not an answer\n' > notanswer
refuses 1 notanswer "not a program"
w w1.py 'b, ask = connect(); print("secret " + "A" * 30)'
refuses 1 w1.py "a made-up secret"
w w2.py 'b, ask = connect(); print("message " + b["message"] + b["suffix"]); print("tag " + b["tag"])'
refuses 2 w2.py "the old tag on message || suffix"
w w3.py 'b, ask = connect(); print("signature " + "01" * (len(b["n"]) // 2))'
refuses 3 w3.py "a signature of 01 bytes"
# Lab 4: reading Alice is not enough; Bob must get her message too.
w w4.py 'import hashlib, secrets
b, ask = connect()
p = int(b["p"], 16); m = secrets.randbelow(p - 3) + 2; M = pow(2, m, p).to_bytes(256, "big").hex()
said = bytes.fromhex(ask("to_alice " + M).split()[1])
ks = hashlib.sha256(pow(int(b["alice"], 16), m, p).to_bytes(256, "big") + b"lab 4").digest()
print("message " + bytes(x ^ y for x, y in zip(said, ks)).decode())'
refuses 4 w4.py "Alice read, Bob never served"
grep -q 'Bob never got it' out.txt || fail "lab 4: the hint does not say Bob never got it"
w w5.py 'b, ask = connect(); print("genuine " + " ".join(str(i) for i in range(1, 13)))'
refuses 5 w5.py "every certificate called genuine"
w w6.py 'b, ask = connect(); print("plaintext " + b["record"][10:42])'
refuses 6 w6.py "the ciphertext as the answer"
w w7.py 'b, ask = connect(); print("plaintext the password is " + "x" * 24)'
refuses 7 w7.py "a guess"

# Lab 6 grades both modes: an attack that only works on the receiver written
# the TLS 1.0 way (records of two blocks, which glass's own TLS 1.2 record
# layer refuses as too short for a MAC) passes classic and fails tls12.
sed 's/frag = bytes(32) + x + c/frag = x + c/' "$ROOT/docs/labs/solutions/06-padding-oracle.py" > w6short.py
cmp -s w6short.py "$ROOT/docs/labs/solutions/06-padding-oracle.py" && fail "w6short.py: the sed did not apply"
refuses 6 w6short.py "an attack on the classic receiver only"
grep -q '^lab 6, mode classic: right' out.txt || { cat out.txt; fail "lab 6: classic mode not graded first"; }
grep -q 'against the target in mode tls12' out.txt || { cat out.txt; fail "lab 6: tls12 mode not graded"; }

# Lab 6b: the ledger line must be an execution out of place, from this
# bank's ledger; against the secure bank the replay must really be tried.
w w6b1.py 'b, ask = connect(); print(ask("deliver " + b["record1"]))'
refuses 6b w6b1.py "an order executed in its place"
grep -q 'executed in its place' out.txt || { cat out.txt; fail "lab 6b: no in-order hint"; }
w w6b2.py 'b, ask = connect(); print("ledger 2 ref 0badcafe: transfer 100 EUR to mallory")'
refuses 6b w6b2.py "a made-up ledger line"
w w6b3.py 'b, ask = connect()
if b["mode"] == "secure":
    print("caught bad_record_mac")
else:
    ask("deliver " + b["record2"]); print(ask("deliver " + b["record1"]))'
refuses 6b w6b3.py "the secure bank never tried"
grep -q '^lab 6b, mode no-seq: right' out.txt || { cat out.txt; fail "lab 6b: the reordering was not accepted"; }
grep -q 'never saw a replayed or reordered record' out.txt || { cat out.txt; fail "lab 6b: secure hint"; }

# Fresh targets: the right secret of one target (found by the reference
# solution against `glass lab serve 1`) is refused by the next.
"$LABS" lab serve 1 --timeout 60 > serve.log 2>&1 &
SRV=$!
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q 'listening on' serve.log && break; sleep 1; done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' serve.log)
[ -n "$port" ] || fail "glass lab serve 1: no port ($(cat serve.log))"
python3 "$ROOT/docs/labs/solutions/01-ecb-oracle.py" 127.0.0.1 "$port" > old.txt ||
    fail "the reference solution against glass lab serve 1"
kill "$SRV"; wait "$SRV" 2>/dev/null || true; SRV=""
grep -q '^secret [A-Za-z0-9]\{20,40\}$' old.txt || fail "lab 1 solution printed '$(cat old.txt)'"
printf 'print(%s)\n' "\"$(cat old.txt)\"" > replay.py
refuses 1 replay.py "the answer of an earlier target"

# A program that never ends is stopped at the limit, and so is its target.
printf 'import time\ntime.sleep(30)\n' > slow.py
start=$(date +%s)
if "$LABS" lab check --timeout 2 6 slow.py > out.txt 2>&1; then fail "a sleeping program accepted"; fi
grep -q 'still running at the time limit' out.txt || { cat out.txt; fail "no time-limit message"; }
[ $(( $(date +%s) - start )) -lt 25 ] || fail "the time limit did not stop the program"

# Bad operands: clear messages, exit 1.
if "$LABS" lab check 9 w1.py > out.txt 2>&1; then fail "lab 9 accepted"; fi
grep -q "not a lab exercise (1, 2, 3, 4, 5, 6, 6b, 7)" out.txt || fail "lab 9: said '$(cat out.txt)'"
if "$LABS" lab serve --mode tls13 6 > out.txt 2>&1; then fail "lab serve --mode tls13 accepted"; fi
grep -q "lab 6 has no mode 'tls13'" out.txt || fail "--mode tls13: said '$(cat out.txt)'"
if "$LABS" lab check 1 no-such-file.py > out.txt 2>&1; then fail "a missing file accepted"; fi
grep -q "no-such-file.py" out.txt || fail "missing file: said '$(cat out.txt)'"
if "$GLASS" lab check 1 w1.py > out.txt 2>&1; then fail "the normal build graded"; fi
grep -qx "glass lab: only in the lab build (make labs)" out.txt || fail "normal build: '$(cat out.txt)'"

# The record layer's insecure switches (the padding oracle's leak, the MAC
# without its sequence number) are not even fields of glass_direction in
# the normal build: code that sets them compiles only with -DGLASS_LAB_BUILD.
cat > switch.c <<'C'
#include "protocol/protocol_internal.h"
int main(void)
{
    glass_direction d;
    d.lab_padding_oracle = 1;
    d.lab_no_seq_mac = 1;
    return d.lab_padding_oracle + d.lab_no_seq_mac;
}
C
SWCC="${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -I$ROOT $(pkg-config --cflags gmp libsodium 2>/dev/null) -fsyntax-only"
$SWCC -DGLASS_LAB_BUILD switch.c > cc.txt 2>&1 || { cat cc.txt; fail "the lab build's switches do not compile"; }
if $SWCC switch.c > cc.txt 2>&1; then fail "the normal build's glass_direction takes the lab switches"; fi
grep -q "lab_padding_oracle" cc.txt || { cat cc.txt; fail "the normal build refused switch.c for another reason"; }
if "$GLASS" lab serve 6 --mode tls12 > out.txt 2>&1; then fail "the normal build served a padding oracle"; fi
echo "labs_check: $refused wrong answers refused with a hint (all 8 graders, every mode), a stale answer refused, a slow program stopped, the record switches absent from the normal build"
