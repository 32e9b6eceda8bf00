#!/bin/sh
# run-tests: alone=load
# hard_admission.sh — nobody without credentials locks the others out
# (server/admit.c), with the server's default limits:
#   1. 1000 idle connections from 127.0.0.1: a legitimate client from the
#      same address keeps >= 9 of 10 handshakes, and the log stays short
#      (refusals summarised, not a line each);
#   2. slowloris: 200 sockets trickling a byte every 0.5 s and reconnecting
#      when closed, for 15 s: again >= 9 of 10 handshakes;
#   3. over --max-clients and over --max-per-address the newcomer gets a
#      fatal alert, not a bare EOF.
NET_LIB_ONLY=1
NET_VERBOSE=
. "$ROOT/tests/sh/net_lib.sh"
command -v python3 >/dev/null || { echo "hard admission: skipped (no python3)"; exit 0; }

make_ca "$T/ca" "/CN=Admission Test CA"
mkdir -p "$T/ca/www" && echo ok >"$T/ca/www/index.html"
start_server "$T/ca" "$T/server.log"
enroll "$T/ca" alice "$PORT" "$T/alice"

# legit N: N fetches, each a full handshake; prints how many succeeded.
legit() {
    good=0
    k=0
    while [ $k -lt "$1" ]; do
        timeout 8 "$GLASS" client get --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
            /index.html >/dev/null 2>>"$T/legit.err" && good=$((good + 1))
        k=$((k + 1))
    done
    echo $good
}

# ---- 1. 1000 idle connections ----------------------------------------------
python3 - "$PORT" 20 >"$T/idle.out" 2>&1 <<'PY' &
import socket, sys, time
port, hold = int(sys.argv[1]), float(sys.argv[2])
s = []
for i in range(1000):
    try: s.append(socket.create_connection(('127.0.0.1', port), timeout=2))
    except OSError: break
print(len(s), "opened")
time.sleep(hold)
PY
IDLE=$!
NET_PIDS="$NET_PIDS $IDLE"
sleep 3
before=$(wc -l <"$T/server.log")
good=$(legit 10)
kill $IDLE 2>/dev/null
wait $IDLE 2>/dev/null
[ "$good" -ge 9 ] || { tail -5 "$T/legit.err"; fail "1000 idle connections: $good of 10 handshakes"; }
echo "  1000 idle connections: $good of 10 handshakes kept"
sleep 11      # a summary window ends
lines=$(($(wc -l <"$T/server.log") - before))
[ "$lines" -lt 100 ] || { tail -5 "$T/server.log"; fail "1000 idle connections wrote $lines log lines"; }
grep -q "refusals\? from 127.0.0.1 in the last" "$T/server.log" ||
    { tail -5 "$T/server.log"; fail "no summary of the refusals"; }

# ---- 2. slowloris ----------------------------------------------------------
python3 - "$PORT" 15 >"$T/slow.out" 2>&1 <<'PY' &
import socket, sys, time, select
port, dur = int(sys.argv[1]), float(sys.argv[2])
end = time.time() + dur
socks, opened = [], 0
def one():
    global opened
    try:
        c = socket.create_connection(('127.0.0.1', port), timeout=2)
        c.setblocking(False); opened += 1; return c
    except OSError: return None
while len(socks) < 200:
    c = one()
    if c: socks.append(c)
    else: break
while time.time() < end:
    for i, c in enumerate(socks):
        try:
            c.send(b'\x16')
            r, _, _ = select.select([c], [], [], 0)
            if r and not c.recv(4096): raise OSError
        except OSError:
            c.close(); socks[i] = one() or c
    time.sleep(0.5)
print(opened, "connections opened")
PY
SLOW=$!
NET_PIDS="$NET_PIDS $SLOW"
sleep 3
good=$(legit 10)
wait $SLOW 2>/dev/null
[ "$good" -ge 9 ] || { tail -5 "$T/legit.err"; fail "slowloris: $good of 10 handshakes"; }
echo "  slowloris ($(cat "$T/slow.out")): $good of 10 handshakes kept"
stop_server

# ---- 3. an alert over the limits, never a bare EOF ---------------------------
over() {   # over WHAT LOG: a third session while two are connected must see an alert
    holders=""
    for j in 1 2; do
        # Each holder stays connected until its input is released below.
        hold_input "$T/hold$j.in"
        timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" \
            -pass "$PW" <"$T/hold$j.in" >"$T/hold$j.out" 2>&1 &
        NET_PIDS="$NET_PIDS $!"
        holders="$holders $HOLD_PID:$!"
    done
    wait_for "$T/hold1.out" "^connected to" 20 && wait_for "$T/hold2.out" "^connected to" 20 ||
        fail "$1: the first two sessions did not connect"
    timeout 20 "$GLASS" client get --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
        /index.html >"$T/over.out" 2>"$T/over.err" && fail "$1: a third session was let in"
    grep -q "internal_error\|alert" "$T/over.err" ||
        { cat "$T/over.err"; fail "$1: no alert (a bare EOF?)"; }
    grep -q "refused: .*$2" "$3" || { tail -3 "$3"; fail "$1: no log line"; }
    for h in $holders; do
        release_input "${h%%:*}"
        wait "${h#*:}" 2>/dev/null
    done
}
start_server "$T/ca" "$T/server2.log" --max-clients 2
over "--max-clients 2" "max-clients" "$T/server2.log"
stop_server
start_server "$T/ca" "$T/server3.log" --max-per-address 2
over "--max-per-address 2" "max-per-address" "$T/server3.log"
stop_server
echo "hard admission: ok"
