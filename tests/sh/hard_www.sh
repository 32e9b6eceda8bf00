#!/bin/sh
# hard_www.sh — page fetch cannot be led out of --www or made to hang
# (net/http.c opens each path once, component by component, O_NOFOLLOW):
#   1. while another process swaps a published directory for a symbolic
#      link to a directory outside, thousands of fetches never return the
#      file outside (and some do meet the link: the race is run);
#   2. a named pipe, and a socket, in the published directory are 403 at
#      once, and the server goes on answering.
NET_LIB_ONLY=1
NET_VERBOSE=
. "$ROOT/tests/sh/net_lib.sh"
command -v python3 >/dev/null || { echo "hard www: skipped (no python3)"; exit 0; }

make_ca "$T/ca" "/CN=WWW Test CA"
W="$T/ca/www"
mkdir -p "$W/d" "$T/outside"
echo public >"$W/d/page.txt"
echo SECRET >"$T/outside/page.txt"
echo index >"$W/index.html"
mkfifo "$W/fifo"
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$W/sock"
start_server "$T/ca" "$T/server.log"
enroll "$T/ca" alice "$PORT" "$T/alice"

# ---- 1. the swap race ------------------------------------------------------------
python3 - "$W" "$T/outside" 6 <<'PY' &
import os, sys, time
w, out, dur = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.time() + dur
os.rename(os.path.join(w, "d"), os.path.join(w, "d.real"))
while time.time() < end:
    os.symlink(out, os.path.join(w, "d.tmp")); os.rename(os.path.join(w, "d.tmp"), os.path.join(w, "d"))
    os.unlink(os.path.join(w, "d")); os.symlink("d.real", os.path.join(w, "d.tmp"))
    os.unlink(os.path.join(w, "d.tmp")); os.rename(os.path.join(w, "d.real"), os.path.join(w, "d"))
    os.rename(os.path.join(w, "d"), os.path.join(w, "d.real"))
os.rename(os.path.join(w, "d.real"), os.path.join(w, "d"))
PY
SWAP=$!
NET_PIDS="$NET_PIDS $SWAP"
sleep 0.5
: >"$T/race.out"
rounds=0
while kill -0 $SWAP 2>/dev/null && [ $rounds -lt 20 ]; do
    i=0
    while [ $i -lt 500 ]; do echo "/get /d/page.txt"; i=$((i + 1)); done |
        timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
            --wait 10 >>"$T/race.out" 2>&1
    rounds=$((rounds + 1))
done
wait $SWAP
leaks=$(grep -c '^SECRET' "$T/race.out")
served=$(grep -c '^public' "$T/race.out")
answers=$(grep -c '^HTTP/1.1 ' "$T/race.out")
refused=$(grep -c '^HTTP/1.1 40[34]' "$T/race.out")
[ "$leaks" -eq 0 ] || fail "the file outside --www leaked in $leaks of $answers fetches"
[ "$answers" -eq $((rounds * 500)) ] || fail "only $answers of $((rounds * 500)) fetches answered"
[ "$refused" -gt 0 ] || fail "no fetch met the link: the race was not run"
echo "  swap race: $answers fetches, $served served from inside, $refused refused, 0 from outside"

# ---- 2. a FIFO and a socket ---------------------------------------------------------
for p in /fifo /sock; do
    timeout 10 "$GLASS" client get --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
        "$p" >"$T/p.out" 2>"$T/p.err" && fail "$p was served"
    grep -q ": 403 " "$T/p.err" || { cat "$T/p.err"; fail "$p: not a 403"; }
done
timeout 10 "$GLASS" client get --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
    /index.html >"$T/i.out" 2>&1 || fail "the server stopped answering after the FIFO"
grep -qx index "$T/i.out" || fail "index.html after the FIFO"
stop_server
echo "hard www: ok"
