#!/bin/sh
# run-tests: alone=load
# hard_load.sh — the server under load: 500 clients (26 names, 19 or 20
# sessions each) chatting through one `glass server` for LOAD_SECONDS (20; `make
# stress` runs 60), every client sending a message a second to the next
# name, each message relayed to every session of that name.  build/glass-load
# (tests/load/glass_load.c) counts every delivery: 0 lost, 0 out of order,
# every client still connected, and the server's log stays small (no line
# per message without --verbose).
NET_LIB_ONLY=1
NET_VERBOSE=
. "$ROOT/tests/sh/net_lib.sh"
LOAD=${GLASS_LOAD:-$ROOT/$BUILD/glass-load}
[ -x "$LOAD" ] || fail "no $LOAD (make test builds it)"
SECS=${LOAD_SECONDS:-20}
CLIENTS=${LOAD_CLIENTS:-500}
NAMES=26

make_ca "$T/ca" "/CN=Load Test CA"
# 500 clients from one address within seconds is a flood by the default
# handshake rates (32 a second after a burst of 256, server/admit.c): this
# test raises them, and hard_flood.sh tests the defaults.
start_server "$T/ca" "$T/server.log" --handshake-timeout 120 --max-per-address 600 \
    --hello-rate 1000 --hello-burst 1000 --signatures 1000
ids=""
i=0
while [ $i -lt $NAMES ]; do
    enroll "$T/ca" "u$i" "$PORT" "$T/u$i" &
    p1=$!
    enroll "$T/ca" "u$((i + 1))" "$PORT" "$T/u$((i + 1))"
    wait $p1
    ids="$ids $T/u$i $T/u$((i + 1))"
    i=$((i + 2))
done
for d in $ids; do [ -f "$d/cert.pem" ] || fail "enrollment of $d failed"; done
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$SERVER_PID/status" 2>/dev/null; }
# shellcheck disable=SC2086
timeout $((SECS + 120)) "$LOAD" --server "127.0.0.1:$PORT" -pass "$PW" --clients "$CLIENTS" \
    --seconds "$SECS" --every 1000 --open 32 $ids >"$T/load.out" 2>"$T/load.err" &
LPID=$!
# the server's memory a quarter into the chatting, and at its end (for the record)
sleep $((SECS / 4 + 5))
rss1=$(rss)
wait $LPID
st=$?
rss2=$(rss)
cat "$T/load.out"
[ $st -eq 0 ] || { head -20 "$T/load.err"; fail "the load run lost messages or clients (exit $st)"; }
grep -q " 0 lost, 0 out of order, 0 clients failed" "$T/load.out" || fail "load: not 0 lost"
lines=$(wc -l <"$T/server.log")
sent=$(sed -n 's/.* \([0-9]*\) messages sent.*/\1/p' "$T/load.out")
[ "$lines" -lt $((CLIENTS * 3 + 200)) ] ||
    fail "the server wrote $lines log lines for $sent messages without --verbose"
echo "hard load: $CLIENTS clients, $SECS s, $sent messages, 0 lost; server log $lines lines;" \
    "server RSS ${rss1:-?} kB then ${rss2:-?} kB"
