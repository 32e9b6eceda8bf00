#!/bin/sh
# net_get_count.sh — `glass client get --count N --interval S` fetches a page
# N times in turn, each on a new connection (the "one page a second"
# exercise), and every connection of `glass client` (enroll, get, chat,
# bench) prints one line naming the protocol and its version, the suite,
# the group and the key sizes of both ends, on standard error; the page
# on standard output stays exactly the page.  Bad counts and intervals are
# refused in one line.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"

make_ca "$T/ca" "/CN=Count Test CA"
mkdir -p "$T/ca/www"
printf 'page one\n' >"$T/ca/www/p.txt"
start_server "$T/ca" "$T/server.log"
enroll "$T/ca" alice "$PORT" "$T/alice"

# 1. Enrollment's connection: its line says there is no client key yet.
grep -q "^connected: glass 1 (0x4701), suite DHE_RSA_WITH_AES_256_CBC_SHA256 (0x006B), group ffdhe[0-9]* ([0-9]*-bit DH), server key RSA-[0-9]*, no client key (enrollment)$" \
    "$T/enroll-alice.log" || { cat "$T/enroll-alice.log"; fail "enroll: no session line"; }

S="--server 127.0.0.1:$PORT --id $T/alice -pass $PW"
# 2. Three fetches, 0.2 s apart: three bodies, three session lines, three
#    "fetch i of 3" lines, and three connections seen by the server.
before=$(grep -c "handshake" "$T/server.log")
start=$(date +%s)
timeout 60 "$GLASS" client get $S --count 3 --interval 0.2 /p.txt >"$T/out" 2>"$T/err" ||
    { cat "$T/err"; fail "get --count 3"; }
[ "$(cat "$T/out")" = "page one
page one
page one" ] || { cat "$T/out"; fail "get --count 3: three bodies expected on stdout"; }
n=$(grep -c "^connected: glass 1 (0x4701), suite DHE_RSA_WITH_AES_256_CBC_SHA256 (0x006B), group ffdhe[0-9]* ([0-9]*-bit DH), server key RSA-2048, client key RSA-2048$" "$T/err")
[ "$n" -eq 3 ] || { cat "$T/err"; fail "get --count 3: $n session lines, expected 3"; }
for i in 1 2 3; do
    grep -q "^fetch $i of 3: /p.txt$" "$T/err" || { cat "$T/err"; fail "no 'fetch $i of 3'"; }
done
after=$(grep -c "handshake" "$T/server.log")
[ $((after - before)) -ge 3 ] || fail "the server saw $((after - before)) handshakes, expected 3"

# 3. One fetch prints one session line and no "fetch" line.
timeout 60 "$GLASS" client get $S /p.txt >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "get"; }
[ "$(grep -c '^connected: ' "$T/err")" -eq 1 ] || { cat "$T/err"; fail "get: one session line"; }
grep -q '^fetch ' "$T/err" && fail "get without --count printed a fetch line"
cmp "$T/out" "$T/ca/www/p.txt" || fail "get: the body differs"

# 4. The interval is kept: 2 fetches, 1 s apart, take at least 1 s (a lower
#    bound only: no test fails on a slow machine).
s0=$(date +%s%N)
timeout 60 "$GLASS" client get $S --count 2 --interval 1 /p.txt >/dev/null 2>"$T/err" ||
    { cat "$T/err"; fail "get --count 2 --interval 1"; }
s1=$(date +%s%N)
[ $(( (s1 - s0) / 1000000 )) -ge 1000 ] || fail "--interval 1: two fetches in under a second"

# 5. A failure stops the run: a missing page, exit 1, one try only.
timeout 60 "$GLASS" client get $S --count 5 /missing >"$T/out" 2>"$T/err" && fail "404 gave exit 0"
[ "$(grep -c '^fetch ' "$T/err")" -eq 1 ] || { cat "$T/err"; fail "the run went on after a 404"; }
grep -q "^glass client: get: /missing: 404 " "$T/err" || { cat "$T/err"; fail "no 404 line"; }

# 6. SIGTERM during the interval ends the run at once, exit 1, one line.
#    (The signal goes to glass itself, not to a `timeout` around it, and
#    the wait is bounded: a process that does not stop is killed and fails.)
"$GLASS" client get $S --count 3 --interval 30 /p.txt >"$T/out" 2>"$T/err" &
GP=$!
NET_PIDS="$NET_PIDS $GP"
wait_for "$T/err" "^connected: " 30 || fail "get --interval 30 did not connect"
sleep 0.3
kill -TERM $GP
n=0
while kill -0 $GP 2>/dev/null && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
if kill -0 $GP 2>/dev/null; then
    kill -KILL $GP 2>/dev/null
    fail "SIGTERM in the interval: still running 30 s later"
fi
wait $GP
st=$?
[ $st -eq 1 ] || { cat "$T/err"; fail "SIGTERM in the interval: exit $st, expected 1"; }
grep -q "^glass client: get: stopped by a signal after 1 of 3 fetches$" "$T/err" ||
    { cat "$T/err"; fail "SIGTERM: no 'stopped' line"; }

# 7. chat and bench print the line too (bench once, not per handshake).
printf '/who\n' | timeout 60 "$GLASS" client chat $S --wait 0.5 >"$T/out" 2>"$T/err" ||
    { cat "$T/err"; fail "chat"; }
[ "$(grep -c '^connected: glass 1 ' "$T/err")" -eq 1 ] || { cat "$T/err"; fail "chat: no session line"; }
timeout 60 "$GLASS" client bench $S --time 0.5 >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "bench"; }
[ "$(grep -c '^connected: glass 1 ' "$T/err")" -eq 1 ] || { cat "$T/err"; fail "bench: expected one session line"; }

# 8. Bounds: each refused in one line, nothing fetched.
C="--server 127.0.0.1:$PORT --id $T/alice -pass $PW"
expect_error "--count 0" "$GLASS" client get $C --count 0 /p.txt
expect_error "--count too big" "$GLASS" client get $C --count 10001 /p.txt
expect_error "--count word" "$GLASS" client get $C --count many /p.txt
expect_error "--interval -1" "$GLASS" client get $C --interval -1 /p.txt
expect_error "--interval too long" "$GLASS" client get $C --interval 3601 /p.txt
expect_error "--interval nan" "$GLASS" client get $C --interval nan /p.txt
expect_error "--count with chat" "$GLASS" client chat $C --count 2
expect_error "--interval with bench" "$GLASS" client bench $C --interval 1
stop_server
echo "net_get_count: ok"
