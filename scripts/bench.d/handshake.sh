# handshake.sh — sourced by scripts/bench.sh: full, mutually authenticated
# handshakes per second over 127.0.0.1, the real `glass server` driven by
# `glass client bench` beside `openssl s_server -tls1_2 -cipher
# DHE-RSA-AES256-SHA256 -Verify 1` driven by `openssl s_time -new`, the same
# way (the same number of client processes, BENCH_CLIENTS (default 4), the
# same time, both timed by the wall clock around the whole batch), in one run.
# Both sides: ffdhe2048 and RSA-2048 keys for server and client.  s_server
# runs with -www, so that it serves connection after connection without
# reading commands from standard input.
#
# Note: s_server handles one connection at a time (blocking), and s_time
# paces its connections; with few clients its figure is bounded by that
# latency more than by the cryptography.
#
# Runs in a subshell so its trap and variables stay its own; every process
# it starts is stopped on the way out.
(
set -u
HS_CLIENTS=${BENCH_CLIENTS:-4}
HS_TIME=$(awk -v s="${SECONDS_PER:-1}" 'BEGIN { t = s * 3; if (!(t >= 3)) t = 3; printf "%d", t }')
HS_PW=pass:bench
HT=$(mktemp -d "${TMPDIR:-/tmp}/glass-bench.XXXXXX") || exit 0
HS_PIDS=""
hs_cleanup() {
    for p in $HS_PIDS; do kill "$p" 2>/dev/null; done
    for p in $HS_PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$HT"
}
trap hs_cleanup EXIT
trap 'exit 1' INT TERM

# hs_cpu PID: CPU time (user + system) used so far by a process, in clock
# ticks (Linux /proc; 0 where there is none).
hs_cpu() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
HS_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)

# hs_wait FILE PATTERN: bounded (30 s).
hs_wait() {
    i=0
    while ! grep -q -- "$2" "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 300 ] || { echo "  (timed out waiting for '$2' in $1)"; return 1; }
        sleep 0.1
    done
}

echo "== handshake: full mutually-authenticated handshakes/s over 127.0.0.1"
echo "   ffdhe2048, RSA-2048 server and client keys, $HS_CLIENTS client processes, ${HS_TIME}s each"

# The glass side: a CA, the server, one enrolled client.
"$GLASS" ca init --dir "$HT/ca" -subj "/CN=Bench CA" -pass "$HS_PW" >/dev/null 2>&1 ||
    { echo "  glass ca init failed: skipped"; exit 0; }
"$GLASS" server --dir "$HT/ca" -pass "$HS_PW" --port 0 --handshake-timeout 60 \
    --max-clients 4000 >"$HT/server.log" 2>&1 &
GS_PID=$!
HS_PIDS="$HS_PIDS $GS_PID"
hs_wait "$HT/server.log" "^listening on" || exit 0
HS_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$HT/server.log")
HS_CODE=$("$GLASS" ca enroll-code --dir "$HT/ca" bench)
"$GLASS" client enroll --server "127.0.0.1:$HS_PORT" --name bench --code "$HS_CODE" \
    --ca "$HT/ca/ca.pem" --out "$HT/id" -pass "$HS_PW" >/dev/null 2>&1 ||
    { echo "  glass client enroll failed: skipped"; exit 0; }

# Both sides are timed the same way: the wall-clock time of the whole batch of
# client processes, from start to the last exit.
hs_ms() { date +%s%N | cut -c1-13; }
HS_RUN=""
c0=$(hs_cpu "$GS_PID")
t0=$(hs_ms)
n=0
while [ $n -lt "$HS_CLIENTS" ]; do
    "$GLASS" client bench --server "127.0.0.1:$HS_PORT" --id "$HT/id" -pass "$HS_PW" \
        --time "$HS_TIME" --new >"$HT/glass.$n" 2>&1 &
    HS_RUN="$HS_RUN $!"
    n=$((n + 1))
done
for p in $HS_RUN; do wait "$p"; done
t1=$(hs_ms)
c1=$(hs_cpu "$GS_PID")
glass_cpu=$((c1 - c0))
glass_n=$(cat "$HT"/glass.* | sed -n 's/^\([0-9]*\) handshakes in.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
glass_rate=$(awk -v n="$glass_n" -v ms=$((t1 - t0)) 'BEGIN { printf "%.1f", (ms > 0 ? n * 1000 / ms : 0) }')

# The OpenSSL side: the same CA's server certificate and client identity,
# TLS 1.2 with DHE-RSA-AES256-SHA256, client certificate required.
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$HT/dh.pem" 2>/dev/null
openssl pkey -in "$HT/id/key.pem" -passin "$HS_PW" -out "$HT/client.key" 2>/dev/null
openssl s_server -accept 127.0.0.1:0 -tls1_2 -cipher DHE-RSA-AES256-SHA256 -Verify 1 \
    -CAfile "$HT/ca/ca.pem" -cert "$HT/ca/server.pem" -key "$HT/ca/server.key" -pass "$HS_PW" \
    -dhparam "$HT/dh.pem" -www -naccept 1000000 >"$HT/s_server.log" 2>&1 </dev/null &
OS_PID=$!
HS_PIDS="$HS_PIDS $OS_PID"
hs_wait "$HT/s_server.log" "^ACCEPT" || exit 0
OS_PORT=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$HT/s_server.log")
HS_RUN=""
c0=$(hs_cpu "$OS_PID")
t0=$(hs_ms)
n=0
while [ $n -lt "$HS_CLIENTS" ]; do
    openssl s_time -connect "127.0.0.1:$OS_PORT" -new -time "$HS_TIME" \
        -cipher DHE-RSA-AES256-SHA256 -cert "$HT/id/cert.pem" -key "$HT/client.key" \
        -CAfile "$HT/ca/ca.pem" >"$HT/ossl.$n" 2>&1 &
    HS_RUN="$HS_RUN $!"
    n=$((n + 1))
done
for p in $HS_RUN; do wait "$p"; done
t1=$(hs_ms)
c1=$(hs_cpu "$OS_PID")
ossl_cpu=$((c1 - c0))
# s_time: "N connections in T real seconds, ..." (T in whole seconds: too coarse)
ossl_n=$(cat "$HT"/ossl.* | sed -n 's/^\([0-9]*\) connections in [0-9.]* real seconds.*/\1/p' |
    awk '{ s += $1 } END { print s + 0 }')
ossl_rate=$(awk -v n="$ossl_n" -v ms=$((t1 - t0)) 'BEGIN { printf "%.1f", (ms > 0 ? n * 1000 / ms : 0) }')

printf '   %-44s %10s handshakes/s  (%s handshakes)\n' "glass server + glass client bench" "$glass_rate" "$glass_n"
printf '   %-44s %10s handshakes/s  (%s handshakes)\n' "openssl s_server + openssl s_time -new" "$ossl_rate" "$ossl_n"
awk -v g="$glass_rate" -v o="$ossl_rate" 'BEGIN {
    if (o > 0) printf "   ratio handshake (glass/openssl)               %10.2f\n", g / o
    else print "   ratio handshake: no OpenSSL figure" }'
# The server's own CPU per handshake: the cost of the cryptography and the
# message handling, whatever the pacing of the clients.
awk -v gc="$glass_cpu" -v gn="$glass_n" -v oc="$ossl_cpu" -v on="$ossl_n" -v tck="$HS_TCK" 'BEGIN {
    g = gn > 0 ? gc * 1000 / tck / gn : 0
    o = on > 0 ? oc * 1000 / tck / on : 0
    printf "   server CPU per handshake: glass %.2f ms, openssl %.2f ms", g, o
    if (g > 0 && o > 0) printf "; ratio (openssl/glass, higher = glass faster) %.2f", o / g
    printf "\n" }'
)
