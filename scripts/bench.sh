#!/bin/sh
# bench.sh BUILD — `make bench`: glasstls beside OpenSSL, in the same run,
# on the same machine, as ratios (glasstls / OpenSSL; above 1.0 = faster).
#
# Each part lives in scripts/bench.d/NAME.sh and is sourced with GLASS set.
# Benchmarks only: nothing here passes or fails on a figure.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GLASS="$ROOT/$BUILD/glass"
SECONDS_PER=${BENCH_SECONDS:-1}
export GLASS SECONDS_PER
command -v openssl >/dev/null 2>&1 || { echo "bench: the openssl command is needed (apt-get install openssl)"; exit 1; }
echo "glasstls vs $(openssl version) on $(nproc) core(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "ratio = glasstls / OpenSSL (1.00 = same speed; higher is faster)"
for part in "$ROOT"/scripts/bench.d/*.sh; do
    [ -f "$part" ] || continue
    echo
    . "$part"
done
echo; sh "$ROOT/scripts/bench-tls.sh" "$BUILD"   # TLS 1.2: s_server, s_client beside OpenSSL
