#!/bin/sh
# net_chat.sh — the relay over real sockets: two clients, then fifty at once,
# all mutually authenticated; /to, /who, an unknown name; SIGTERM ends every
# session with close_notify and the server exits 0.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"

make_ca "$T/ca" "/CN=Chat Test CA"
start_server "$T/ca" "$T/server.log" --handshake-timeout 120 --verbose
for n in alice bob c0 c1 c2 c3 c4; do enroll "$T/ca" $n "$PORT" "$T/$n"; done

# gate FILE LINES...: waits (bounded) until FILE exists, then prints the lines;
# used as a client's standard input so that it speaks only once all are up.
gate() {
    g=$1
    shift
    i=0
    # (It also gives up when the test's directory is gone: no process outlives the test.)
    while [ ! -f "$g" ] && [ -d "$T" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
    for l in "$@"; do printf '%s\n' "$l"; done
}

# ---- 1. two clients ------------------------------------------------------------
gate "$T/go-bob" "/who" | timeout 120 "$GLASS" client chat --server "127.0.0.1:$PORT" \
    --id "$T/bob" -pass "$PW" --wait 3 >"$T/bob.out" 2>"$T/bob.err" &
BOB=$!
NET_PIDS="$NET_PIDS $BOB"
wait_for "$T/bob.out" "^connected to 127.0.0.1:$PORT as bob" 60 || fail "bob did not connect"
printf '/to bob hello bob, this is alice\n/who\n/to nobody are you there?\n' |
    timeout 120 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
        --wait 2 --verbose >"$T/alice.out" 2>"$T/alice.err" || { cat "$T/alice.err"; fail "alice's chat"; }
touch "$T/go-bob"
wait "$BOB" || { cat "$T/bob.err"; fail "bob's chat exited non-zero"; }
grep -qx "\[alice\] hello bob, this is alice" "$T/bob.out" || { cat "$T/bob.out"; fail "bob did not get alice's message"; }
grep -q "^\* connected:.* bob" "$T/alice.out" || grep -q "^\* connected: bob" "$T/alice.out" ||
    { cat "$T/alice.out"; fail "/who did not list bob"; }
grep -q "^! no client named 'nobody' is connected" "$T/alice.out" || { cat "$T/alice.out"; fail "no error for an unknown name"; }
grep -q "^\* connected:.*bob" "$T/bob.out" || fail "bob's /who did not list bob"
grep -q "group ffdhe2048" "$T/alice.out" || { cat "$T/alice.out"; fail "--verbose did not show the group"; }
grep -q "server subject /CN=localhost" "$T/alice.out" || fail "--verbose did not show the server's subject"
grep -q "relay alice -> bob" "$T/server.log" || fail "the server did not log the relay"
grep -q "handshake ok: alice" "$T/server.log" || fail "the server did not log alice's handshake"
grep -q "peer subject /CN=alice" "$T/server.log" || fail "server --verbose did not show alice's subject"
grep -q "suite DHE_RSA_WITH_AES_256_CBC_SHA256 (0x006B), group ffdhe2048 (2048-bit DH)" \
    "$T/server.log" || fail "server --verbose did not show the suite and group"
# Nothing meant for bob reached alice.
grep -q "^\[" "$T/alice.out" && { cat "$T/alice.out"; fail "alice received a message"; }

# ---- 2. fifty clients at once ------------------------------------------------
# Session j uses identity c(j mod 5) and sends one message to c((j+1) mod 5).
# So each of the 10 sessions of c(k) receives the 10 messages sent by the
# sessions of c(k-1): 10 lines each, 500 in all.
S_PIDS=""
j=0
while [ $j -lt 50 ]; do
    me=c$((j % 5))
    to=c$(((j + 1) % 5))
    gate "$T/go" "/to $to m$j from $me" | timeout 180 "$GLASS" client chat \
        --server "127.0.0.1:$PORT" --id "$T/$me" -pass "$PW" --wait 5 \
        >"$T/s$j.out" 2>"$T/s$j.err" &
    S_PIDS="$S_PIDS $!"
    NET_PIDS="$NET_PIDS $!"
    j=$((j + 1))
done
j=0
while [ $j -lt 50 ]; do
    wait_for "$T/s$j.out" "^connected to" 120 || { cat "$T/s$j.err"; fail "session $j did not connect"; }
    j=$((j + 1))
done
touch "$T/go"
# Each session leaves 5 s after its input ends; by then all mail is in.
for p in $S_PIDS; do wait "$p" || fail "a chat session exited non-zero"; done
j=0
while [ $j -lt 50 ]; do
    me=$((j % 5))
    from=c$(((me + 4) % 5))
    n=$(grep -c "^\[$from\] m[0-9]* from $from\$" "$T/s$j.out")
    [ "$n" -eq 10 ] || { cat "$T/s$j.out" "$T/s$j.err"; fail "session $j (c$me) got $n messages from $from, expected 10"; }
    # Exactly the ten senders j' = me-1 (mod 5).
    k=$(((me + 4) % 5))
    while [ $k -lt 50 ]; do
        grep -qx "\[$from\] m$k from $from" "$T/s$j.out" || fail "session $j lacks m$k"
        k=$((k + 5))
    done
    j=$((j + 1))
done
total=$(cat "$T"/s*.out | grep -c '^\[c')
[ "$total" -eq 500 ] || fail "$total messages delivered in all, expected 500"

# ---- 3. SIGTERM: close_notify to everyone, exit 0 --------------------------------
gate "$T/never" | timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" \
    -pass "$PW" --wait 1 >"$T/last.out" 2>"$T/last.err" &
LAST=$!
NET_PIDS="$NET_PIDS $LAST"
wait_for "$T/last.out" "^connected to" 60 || fail "the last client did not connect"
stop_server
wait_for "$T/last.out" "the server closed the connection" 10 || { cat "$T/last.err"; fail "the client did not see close_notify"; }
touch "$T/never"
wait "$LAST" || { cat "$T/last.err"; fail "the client exited non-zero after the server's close_notify"; }
grep -q "signal 15: closing" "$T/server.log" || fail "the server did not log the signal"
echo "net chat: ok"
