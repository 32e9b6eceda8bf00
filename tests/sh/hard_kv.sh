#!/bin/sh
# hard_kv.sh — the key-value store's log (server/kv.c, server/worker.c):
#   1. every put the server acknowledged survives kill -9 of the server;
#   2. a store rewritten over and over is compacted: its log stays within
#      four times what it holds (past the 64 KiB floor);
#   3. a last line cut short (a crash mid-append) is dropped, the rest kept.
NET_LIB_ONLY=1
NET_VERBOSE=
. "$ROOT/tests/sh/net_lib.sh"

make_ca "$T/ca" "/CN=KV Log Test CA"
start_server "$T/ca" "$T/server.log"
enroll "$T/ca" alice "$PORT" "$T/alice"
chat() {   # chat OUT: the lines on stdin, answers in OUT
    timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
        --wait 10 >"$1" 2>"$1.err" || { cat "$1.err"; fail "alice's chat"; }
}

# ---- 1. acknowledged, then kill -9 -----------------------------------------------
v=$(head -c 4000 /dev/zero | tr '\0' w)
{
    i=0
    while [ $i -lt 60 ]; do printf '/put k%02d value-%d\n' $i $i; i=$((i + 1)); done
    i=0
    while [ $i -lt 100 ]; do printf '/put big %s%d\n' "$v" $i; i=$((i + 1)); done
} | chat "$T/put.out"
acks=$(grep -c '^\* ok ' "$T/put.out")
[ "$acks" -eq 160 ] || { tail -3 "$T/put.out"; fail "$acks of 160 puts acknowledged"; }
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
start_server "$T/ca" "$T/server2.log"
{
    i=0
    while [ $i -lt 60 ]; do printf '/getkey k%02d\n' $i; i=$((i + 1)); done
    printf '/getkey big\n'
} | chat "$T/get.out"
i=0
while [ $i -lt 60 ]; do
    grep -qx "\* k$(printf %02d $i) = value-$i" "$T/get.out" || fail "k$i lost after kill -9"
    i=$((i + 1))
done
grep -qx "\* big = ${v}99" "$T/get.out" || fail "the last value of 'big' lost after kill -9"

# ---- 2. compaction -------------------------------------------------------------
L=$(ls "$T"/ca/kv/alice.*.log)
size=$(wc -c <"$L")
# 100 puts of 8 KiB lines: 800 KiB appended; it holds about 9 KiB
[ "$size" -lt 80000 ] || fail "the log was never compacted ($size bytes)"

# ---- 3. a torn last line ---------------------------------------------------------
stop_server
printf 'P torn 6162' >>"$L"
start_server "$T/ca" "$T/server3.log"
printf '/getkey torn\n/getkey k00\n/put after 1\n' | chat "$T/torn.out"
grep -qx '! no such key' "$T/torn.out" || fail "a torn line was taken as a put"
grep -qx '\* k00 = value-0' "$T/torn.out" || fail "the store before the torn line was lost"
tail -n 1 "$L" | grep -qx 'P after 31' || { tail -n 2 "$L"; fail "the torn line was not cut off"; }
stop_server
echo "hard kv: 160 acknowledged puts survive kill -9; log $size bytes after compaction"
