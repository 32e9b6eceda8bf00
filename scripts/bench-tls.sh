#!/bin/sh
# bench-tls.sh BUILD — the TLS 1.2 part of `make bench` (called by
# scripts/bench.sh), glass beside OpenSSL in the same run, same machine:
#
#   1. full, mutually authenticated handshakes: `openssl s_time -new -tls1_2
#      -cipher DHE-RSA-AES256-SHA256` with a client certificate, against
#      `glass s_server -Verify 1 -www` and against `openssl s_server
#      -Verify 1 -www` — the same suite, the same RSA-2048 certificates,
#      the same 2048-bit DH group (ffdhe2048 for glass; OpenSSL picks its
#      own 2048-bit group for a 2048-bit key).  Reported: handshakes per
#      wall second, and server CPU per handshake (the server process's
#      user + system time from /proc, divided by the handshakes), whose
#      inverse, handshakes per server CPU second, is the figure compared;
#   2. bulk transfer over loopback: BENCH_TLS_MB MiB (default 64) from
#      stdin of the client to stdout of the server, glass to glass and
#      OpenSSL to OpenSSL, timed until the last byte leaves the server —
#      twice: with the AES each picks on this CPU (AES-NI), and with the
#      portable AES on both sides (glass `-impl ct`, the constant-time
#      bitsliced cipher, beside OpenSSL with AES-NI masked off by
#      OPENSSL_ia32cap="~0x200000000000000", its vector-permute or
#      bitsliced code).  The targets: handshakes per server CPU second at
#      least 1.2x OpenSSL's, portable bulk at least 0.5x.
#
# Benchmarks only: nothing here passes or fails on a figure.  Every process
# started is stopped on the way out.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GLASS=${GLASS:-$ROOT/$BUILD/glass}
SECS=$(awk -v s="${SECONDS_PER:-1}" 'BEGIN { t = s * 5; if (!(t >= 5)) t = 5; printf "%d", t }')
MB=${BENCH_TLS_MB:-64}
BT=$(mktemp -d "${TMPDIR:-/tmp}/glass-bench-tls.XXXXXX") || exit 0
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$BT"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
SUITE=DHE-RSA-AES256-SHA256
TICKS=$(getconf CLK_TCK)

port() { echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 12000 )); }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
wait_line() { i=0; while [ $i -lt 100 ] && ! grep -q "$2" "$1" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done; }

cd "$BT" || exit 0
"$GLASS" ca init --dir ca --subj "/CN=bench CA" -pass pass:b >/dev/null 2>&1 &&
"$GLASS" ca issue --dir ca --subj /CN=localhost --profile server --san DNS:localhost,IP:127.0.0.1 \
    -out srv.pem -keyout srv.key -pass pass:b >/dev/null 2>&1 &&
"$GLASS" ca issue --dir ca --subj /CN=alice --profile client -out alice.pem -keyout alice.key \
    -pass pass:b >/dev/null 2>&1 || { echo "bench-tls: glass ca failed; skipped"; exit 0; }

echo "TLS 1.2 ($SUITE, RSA-2048 both sides, 2048-bit DH): glass s_server vs openssl s_server"

# ratio G O TARGET WHAT: "ratio (WHAT, glass / OpenSSL): R  (target >= T)".
ratio() {
    awk -v g="$1" -v o="$2" -v t="$3" -v w="$4" 'BEGIN {
        if (o + 0 > 0 && g + 0 > 0) printf "  ratio (%s, glass / OpenSSL): %.2f  (target >= %s)\n", w, g / o, t
        else printf "  ratio (%s): not measured (a transfer failed)\n", w }'
}

# handshakes NAME SERVER-COMMAND...: prints "rate cpu_ms" for one server.
handshakes() {
    p=$(port)
    "$@" -accept "$p" -cert srv.pem -key srv.key -CAfile ca/ca.pem -Verify 1 -www \
        </dev/null >srv.log 2>&1 &
    spid=$!; PIDS="$PIDS $spid"
    wait_line srv.log ACCEPT
    t0=$(cpu_ticks $spid)
    openssl s_time -connect 127.0.0.1:$p -new -tls1_2 -cipher $SUITE -time "$SECS" \
        -cert alice.pem -key alice.key -CAfile ca/ca.pem >stime.log 2>&1
    t1=$(cpu_ticks $spid)
    kill $spid 2>/dev/null; wait $spid 2>/dev/null
    n=$(sed -n 's/^\([0-9][0-9]*\) connections in [0-9.]*s.*/\1/p' stime.log | head -n 1)
    real=$(sed -n 's/.*connections in [0-9.]* real seconds.*//p; s/^[0-9]* connections in \([0-9][0-9]*\) real seconds.*/\1/p' stime.log | head -n 1)
    awk -v n="${n:-0}" -v s="$SECS" -v r="${real:-0}" -v d=$((t1 - t0)) -v hz="$TICKS" 'BEGIN {
        wall = (r > 0) ? r : s;
        if (n == 0) { print "0 0 0"; exit }
        printf "%.1f %.2f %.1f\n", n / wall, 1000 * d / hz / n, (d > 0) ? n / (d / hz) : 0 }'
}
g=$(handshakes "$GLASS" s_server -quiet)
o=$(handshakes openssl s_server -tls1_2 -cipher $SUITE)
set -- $g; g_rate=$1; g_cpu=$2; g_per=$3
set -- $o; o_rate=$1; o_cpu=$2; o_per=$3
printf "  %-44s %10s %12s %16s\n" "mutual handshakes (s_time -new, ${SECS}s)" "per second" "server CPU" "per server CPU s"
printf "  %-44s %10s %9s ms %16s\n" "glass s_server" "$g_rate" "$g_cpu" "$g_per"
printf "  %-44s %10s %9s ms %16s\n" "openssl s_server" "$o_rate" "$o_cpu" "$o_per"
ratio "$g_per" "$o_per" "1.2" "handshakes per server CPU second"

# OpenSSL's capability mask with the AES-NI bit (bit 57 of the first
# word: CPUID.1:ECX bit 25) cleared, so it runs its portable AES.
NO_AESNI="~0x200000000000000"

# bulk NAME [portable]: MB MiB from client stdin to server stdout; prints
# "MB/s MB-per-CPU-second": the wall rate, and the MiB moved per second of
# CPU the client and the server used together (user + system, from /proc,
# read once the last byte is out) — the second does not depend on what
# else the machine runs.
bulk() {
    which=$1
    if [ "${2:-}" = portable ]; then gimpl="-impl ct"; cap=$NO_AESNI; else gimpl=""; cap=""; fi
    p=$(port)
    rm -f fifo hold done.t count; mkfifo fifo hold
    # openssl s_server ends a connection when its stdin ends: give both
    # servers a stdin that stays open (a FIFO this script holds).
    exec 3<>hold
    ( head -c $((MB * 1048576)) <fifo | wc -c >count; date +%s.%N >done.t ) &
    PIDS="$PIDS $!"
    if [ "$which" = glass ]; then
        # shellcheck disable=SC2086
        "$GLASS" s_server -accept "$p" -cert srv.pem -key srv.key -quiet -naccept 1 $gimpl \
            <&3 >fifo 2>srv.log &
    else
        env ${cap:+OPENSSL_ia32cap=$cap} openssl s_server -tls1_2 -cipher $SUITE -accept "$p" \
            -cert srv.pem -key srv.key -quiet -naccept 1 <&3 >fifo 2>srv.log &
    fi
    spid=$!; PIDS="$PIDS $spid"
    sleep 1
    start=$(date +%s.%N)
    if [ "$which" = glass ]; then
        # shellcheck disable=SC2086
        head -c $((MB * 1048576)) /dev/zero | "$GLASS" s_client -connect 127.0.0.1:$p -CAfile ca/ca.pem \
            -servername localhost -quiet $gimpl >/dev/null 2>&1 &
    else
        head -c $((MB * 1048576)) /dev/zero | env ${cap:+OPENSSL_ia32cap=$cap} openssl s_client \
            -tls1_2 -cipher $SUITE -quiet -connect 127.0.0.1:$p >/dev/null 2>&1 &
    fi
    cpid=$!; PIDS="$PIDS $cpid"
    i=0; while [ ! -s done.t ] && [ $i -lt 3000 ]; do sleep 0.1; i=$((i + 1)); done
    cpu=$(( $(cpu_ticks $cpid) + $(cpu_ticks $spid) ))
    kill $cpid $spid 2>/dev/null; wait $cpid $spid 2>/dev/null
    exec 3>&-
    # Only a transfer that arrived whole counts (the server's ACCEPT line
    # shares the FIFO, so the last few bytes may not be needed).
    [ -s done.t ] && [ "$(tr -d ' ' <count)" = $((MB * 1048576)) ] || { echo "failed failed"; return; }
    awk -v a="$start" -v b="$(cat done.t)" -v mb="$MB" -v d="$cpu" -v hz="$TICKS" 'BEGIN {
        printf "%.1f %.1f\n", mb / (b - a), (d > 0) ? mb / (d / hz) : 0 }'
}

# bulk_rows TITLE GLASS-NAME OPENSSL-NAME TARGET [portable]
bulk_rows() {
    set -- "$1" "$2" "$3" "$4" "$(bulk glass ${5:-})" "$(bulk openssl ${5:-})"
    echo "  bulk transfer, ${MB} MiB, $1:"
    printf "  %-44s %10s %14s\n" "" "MB/s" "MB per CPU s"
    # shellcheck disable=SC2086
    printf "  %-44s %10s %14s\n" "  $2" $5
    # shellcheck disable=SC2086
    printf "  %-44s %10s %14s\n" "  $3" $6
    ratio "${5% *}" "${6% *}" "$4" "bulk MB/s"
    ratio "${5#* }" "${6#* }" "$4" "bulk MB per CPU second"
}
bulk_rows "AES-NI on both sides" "glass s_client -> glass s_server" \
    "openssl s_client -> openssl s_server" "-" | sed 's/  (target >= -)//'
bulk_rows "the portable AES on both sides" "glass, -impl ct (bitsliced, constant time)" \
    "openssl, OPENSSL_ia32cap=$NO_AESNI" "0.5" portable
