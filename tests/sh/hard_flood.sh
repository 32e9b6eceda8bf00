#!/bin/sh
# run-tests: alone=load
# hard_flood.sh — a flood of complete ClientHellos cannot make the server
# sign without bound (server/admit.c, limit 5: --hello-rate, --hello-burst,
# --signatures), with the server's defaults:
#   1. one address (127.0.0.2; Linux routes all of 127/8 to loopback, so a
#      test can have an attacker apart from the honest 127.0.0.1) sends
#      complete ClientHellos as fast as it can for FLOOD_SECONDS (5): the
#      signatures it gets stay within --hello-burst + T x --hello-rate, the
#      rest are refused with an alert, and an honest client from 127.0.0.1
#      started during the flood completes its handshake (within 3 tries;
#      it needs one);
#   2. eight addresses at once: together they stay within the server's
#      budget (3 x --signatures + T x --signatures), and the honest client
#      still gets through within a bounded number of tries (a third of the
#      budget is kept for quiet addresses);
#   3. the server's own count of signatures, printed when it stops, agrees;
#      its refusals are summarised, not logged one a line.
NET_LIB_ONLY=1
NET_VERBOSE=
. "$ROOT/tests/sh/net_lib.sh"
FLOOD="python3 $ROOT/tests/load/glass_flood.py"
SECS=${FLOOD_SECONDS:-5}
RATE=32; BURST=256; SIGS=128        # the defaults (server/server.h)

make_ca "$T/ca" "/CN=Flood Test CA"
start_server "$T/ca" "$T/server.log"
t0=$(date +%s)
enroll "$T/ca" alice "$PORT" "$T/alice"

# A real ClientHello, as glass client sends it (caught by a listener that
# then hangs up).
$FLOOD capture "$T/capport" "$T/hello.bin" &
CAP=$!
NET_PIDS="$NET_PIDS $CAP"
wait_for "$T/capport" "[0-9]" 30 || fail "the capture listener did not start"
timeout 30 "$GLASS" client chat --server "127.0.0.1:$(cat "$T/capport")" --id "$T/alice" \
    -pass "$PW" --batch --wait 1 </dev/null >/dev/null 2>&1
wait $CAP || fail "no ClientHello captured"
[ "$(head -c 1 "$T/hello.bin" | od -An -tu1 | tr -d ' ')" = 22 ] || fail "the capture is not a handshake record"

# honest TRIES: /who from 127.0.0.1 until it is answered, at most TRIES
# times; sets tries and ms (the successful attempt's time).
honest() {
    tries=0
    while [ $tries -lt "$1" ]; do
        tries=$((tries + 1))
        a=$(date +%s%N)
        if printf '/who\n' | timeout 30 "$GLASS" client chat --server "127.0.0.1:$PORT" \
            --id "$T/alice" -pass "$PW" --batch --wait 10 >"$T/who.out" 2>"$T/who.err" &&
            grep -q alice "$T/who.out"; then
            ms=$(( ($(date +%s%N) - a) / 1000000 ))
            return 0
        fi
        sleep 0.5
    done
    cat "$T/who.err"
    return 1
}

# flood SOURCES OUT: FLOOD_SECONDS of ClientHellos, 8 connections per source.
flood() {
    $FLOOD flood "127.0.0.1:$PORT" "$T/hello.bin" "$SECS" "$1" 8 >"$2" 2>"$2.err" &
    FPID=$!
    NET_PIDS="$NET_PIDS $FPID"
}

sum() { awk -v f="$1" '{ for (i = 1; i < NF; i++) if ($i == f) n += $(i + 1) } END { print n + 0 }' "$2"; }

# ---- 1. one flooding address ---------------------------------------------------------
flood 127.0.0.2 "$T/flood1.out"
sleep 2                                  # the address's burst is long spent by now
honest 3 || fail "the honest client was refused 3 times during a one-address flood"
tries1=$tries; ms1=$ms
wait $FPID || { cat "$T/flood1.out.err"; fail "flood 1"; }
signed1=$(sum signed "$T/flood1.out"); refused1=$(sum refused "$T/flood1.out"); sent1=$(sum sent "$T/flood1.out")
# (A machine too slow to sign faster than the limits would see no refusal:
# only the bound below is asserted, never a speed.)
max1=$((BURST + (SECS + 1) * RATE))
[ "$signed1" -le $max1 ] || fail "one address got $signed1 signatures in $SECS s (at most $max1)"

# ---- 2. eight flooding addresses ---------------------------------------------------------
flood 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9 "$T/flood2.out"
sleep 2
honest 5 || fail "the honest client did not get through an eight-address flood in 5 tries"
tries2=$tries; ms2=$ms
wait $FPID || { cat "$T/flood2.out.err"; fail "flood 2"; }
signed2=$(sum signed "$T/flood2.out"); sent2=$(sum sent "$T/flood2.out")
while read -r src _ _ _ s _; do
    [ "$s" -le $((BURST + (SECS + 1) * RATE)) ] || fail "$src got $s signatures"
done <"$T/flood2.out"

# ---- 3. the server's count -----------------------------------------------------------------
stop_server
elapsed=$(( $(date +%s) - t0 + 1 ))
made=$(sed -n 's/.*handshake rate: \([0-9]*\) ServerKeyExchange signatures made.*/\1/p' "$T/server.log")
[ -n "$made" ] || { tail -5 "$T/server.log"; fail "no signature count in the server's log"; }
budget=$((3 * SIGS + elapsed * SIGS))
[ "$made" -le $budget ] || fail "the server made $made signatures in $elapsed s (budget $budget)"
[ "$made" -ge $((signed1 + signed2)) ] || fail "the server counted $made signatures, the floods saw $((signed1 + signed2))"
lines=$(grep -c "over --hello-rate\|over --signatures" "$T/server.log")
[ "$lines" -lt 100 ] || fail "$lines log lines for refusals: not summarised"
echo "hard flood ($SECS s each, defaults --hello-rate $RATE --hello-burst $BURST --signatures $SIGS):" \
    "one address sent $sent1 ClientHellos, $signed1 signed (at most $max1), $refused1 refused," \
    "honest /who after $tries1 tries in $ms1 ms;" \
    "eight addresses sent $sent2, $signed2 signed, honest /who after $tries2 tries in $ms2 ms;" \
    "the server made $made signatures in $elapsed s (budget $budget); $lines refusal log lines"
