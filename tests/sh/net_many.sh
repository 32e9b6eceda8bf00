#!/bin/sh
# run-tests: alone=load
# net_many.sh — 200 clients handshake at once with one single-threaded
# server: every one of them completes a mutually authenticated handshake,
# the server logs 200 "handshake ok", and it still answers afterwards.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"
N=200

make_ca "$T/ca" "/CN=Load Test CA"
# 200 handshakes at once from one address is a flood by the server's default
# limits on handshakes in progress (64 per address, 128 in all): this test
# raises them, and hard_admission.sh tests the defaults.  The rate limits
# (--hello-rate, --hello-burst, --signatures) keep their defaults: they are
# meant to let a class of 200 behind one NAT connect at once (server/admit.c,
# limit 5), and this is that class.
start_server "$T/ca" "$T/server.log" --handshake-timeout 240 --max-clients 400 \
    --max-handshakes-per-address 400 --max-unauthenticated 400
enroll "$T/ca" alice "$PORT" "$T/alice"
enroll "$T/ca" bob "$PORT" "$T/bob"

# All 200 in the background at once; each sends /who and leaves as soon as
# it has the answer (--wait bounds that wait; timeout bounds everything).
PIDS=""
j=0
while [ $j -lt $N ]; do
    id=alice
    [ $((j % 2)) -eq 1 ] && id=bob
    printf '/who\n' | timeout 240 "$GLASS" client chat --batch --wait 120 \
        --server "127.0.0.1:$PORT" --id "$T/$id" -pass "$PW" >"$T/c$j.out" 2>"$T/c$j.err" &
    PIDS="$PIDS $!"
    j=$((j + 1))
done
NET_PIDS="$NET_PIDS $PIDS"
bad=0
for p in $PIDS; do wait "$p" || bad=$((bad + 1)); done
if [ $bad -ne 0 ]; then
    cat "$T"/c*.err | sort | uniq -c | head
    echo "the server's refusals and alerts:"
    grep "refused\|alert sent\|timeout" "$T/server.log" | head -20
    fail "$bad of $N clients failed"
fi
ok=$(cat "$T"/c*.out | grep -c "^connected to 127.0.0.1:$PORT as ")
[ "$ok" -eq $N ] || fail "$ok of $N clients connected"
who=$(cat "$T"/c*.out | grep -c "^\* connected:")
[ "$who" -eq $N ] || fail "$who of $N clients got their /who answer"
hs=$(grep -c "handshake ok: \(alice\|bob\)$" "$T/server.log")
# 200 here plus the two enrollments' server-authenticated handshakes, which log differently.
[ "$hs" -eq $N ] || fail "server logged $hs mutual handshakes, expected $N"

# The server is still serving.
printf '/who\n' | timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" \
    -pass "$PW" --wait 1 >"$T/after.out" 2>&1 || { cat "$T/after.out"; fail "a client after the load failed"; }
grep -q "^\* connected: alice" "$T/after.out" || fail "no /who answer after the load"
stop_server
echo "net many: $N concurrent handshakes ok"
