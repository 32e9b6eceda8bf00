#!/bin/sh
# run-tests: alone=load
# hard_loop.sh — nothing slow in the server's loop, and a log that cannot
# fill a disk or block it:
#   1. another process holds the CA's lock for 6 s: meanwhile an enrollment
#      waits (in the worker) while fetches are answered at once; the
#      enrollment completes when the lock is released;
#   2. the log's reader stops reading (a stopped `cat` on a pipe): with
#      --verbose (a line per message) 3000 messages are still all
#      delivered, and lines that did not fit are counted, not waited for;
#   3. without --verbose, relayed messages write no log line;
#   4. revocation fails closed: when the CA's index cannot be read, a
#      handshake is refused with an alert and a line saying why.
NET_LIB_ONLY=1
NET_VERBOSE=
. "$ROOT/tests/sh/net_lib.sh"
command -v python3 >/dev/null || { echo "hard loop: skipped (no python3)"; exit 0; }

make_ca "$T/ca" "/CN=Loop Test CA"
mkdir -p "$T/ca/www" && echo ok >"$T/ca/www/index.html"
start_server "$T/ca" "$T/server.log"
enroll "$T/ca" alice "$PORT" "$T/alice"
enroll "$T/ca" bob "$PORT" "$T/bob"
get() {
    timeout 20 "$GLASS" client get --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
        /index.html >/dev/null 2>&1
}

# ---- 1. the CA's lock held elsewhere ---------------------------------------------
python3 - "$T/ca/lock" 6 >"$T/lock.out" 2>&1 <<'PY' &
import fcntl, sys, time
f = open(sys.argv[1], "a+")
fcntl.lockf(f, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
PY
LOCK=$!
NET_PIDS="$NET_PIDS $LOCK"
wait_for "$T/lock.out" "^locked" 10 || fail "could not take the CA's lock"
code=$("$GLASS" ca enroll-code --dir "$T/ca" carol) || fail "enroll-code carol"
timeout 60 "$GLASS" client enroll --server "127.0.0.1:$PORT" --name carol --code "$code" \
    --ca "$T/ca/ca.pem" --out "$T/carol" -pass "$PW" -iter $ITER >"$T/carol.log" 2>&1 &
CAROL=$!
sleep 1
k=0
t0=$(date +%s)
while [ $k -lt 5 ]; do get || fail "a fetch failed while the CA's lock was held"; k=$((k + 1)); done
t1=$(date +%s)
kill -0 $LOCK 2>/dev/null || fail "the lock was released before the fetches were done"
wait $CAROL || { cat "$T/carol.log"; fail "the enrollment did not complete after the lock"; }
wait $LOCK
echo "  CA lock held 6 s: 5 fetches in $((t1 - t0)) s meanwhile, the enrollment done after"

# ---- 2. and 3. the log -----------------------------------------------------------
stop_server
mkfifo "$T/logpipe"
"$GLASS" server --dir "$T/ca" -pass "$PW" --port 0 --verbose >"$T/logpipe" 2>&1 &
SERVER_PID=$!
NET_PIDS="$NET_PIDS $SERVER_PID"
exec 3<"$T/logpipe"
PORT=""
while [ -z "$PORT" ] && IFS= read -r line <&3; do
    PORT=$(printf '%s\n' "$line" | sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p')
done
[ -n "$PORT" ] || fail "no port"
cat <&3 >/dev/null &
READER=$!
exec 3<&-
NET_PIDS="$NET_PIDS $READER"
kill -STOP $READER                            # the reader stops reading
hold_input "$T/bob.in"          # bob stays until every message is in
BOB_IN=$HOLD_PID
timeout 90 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/bob" \
    -pass "$PW" <"$T/bob.in" >"$T/bob.out" 2>&1 &
BOB=$!
NET_PIDS="$NET_PIDS $BOB"
wait_for "$T/bob.out" "^connected to" 30 || fail "bob did not connect"
i=0
while [ $i -lt 3000 ]; do echo "/to bob message number $i padded to make the log lines longer"; i=$((i + 1)); done |
    timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
        --batch --wait 5 >"$T/alice.out" 2>&1 || fail "alice's chat with the log stopped"
n=$(grep -c "message number" "$T/bob.out")
[ "$n" -eq 3000 ] || fail "with the log's reader stopped, $n of 3000 messages delivered"
kill -CONT $READER
# bob leaves on the end of his input; no signal.  (A SIGTERM sent through
# timeout(1) comes with a SIGCONT, which can wedge a sanitizer build that is
# already exiting: LeakSanitizer's exit-time check stops the process with
# ptrace, and the SIGCONT cancels that stop.)
release_input "$BOB_IN"
wait "$BOB" 2>/dev/null
kill -TERM $SERVER_PID
wait $SERVER_PID || fail "the server did not stop cleanly after its log was blocked"
echo "  log reader stopped: 3000 of 3000 messages delivered"
start_server "$T/ca" "$T/server3.log"
printf '/to bob hello\n/to bob again\n' | timeout 30 "$GLASS" client chat --server "127.0.0.1:$PORT" \
    --id "$T/alice" -pass "$PW" --batch --wait 1 >/dev/null 2>&1
grep -q "relay" "$T/server3.log" && fail "a relayed message was logged without --verbose"

# ---- 4. revocation fails closed ---------------------------------------------------
cp "$T/ca/index.txt" "$T/index.good"
printf 'not an index line\n' >>"$T/ca/index.txt"
get && fail "a handshake was let in while the index could not be read"
wait_for "$T/server3.log" "revocation cannot be checked" 10 || fail "no log line for the unreadable index"
cp "$T/index.good" "$T/ca/index.txt"
get || fail "a handshake was refused after the index was repaired"
stop_server
echo "hard loop: ok"
