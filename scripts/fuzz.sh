#!/bin/sh
# fuzz.sh — runs the libFuzzer harnesses built by `make fuzz-build`, one
# after the other (never two at once), each for $FUZZ_SECONDS seconds.
#
#   sh scripts/fuzz.sh [BUILD_DIR [NAME...]]      default build/fuzz, every harness
#
# Each harness starts from a copy of its seed corpus (tests/fuzz/corpus/NAME)
# in BUILD_DIR/corpus/NAME, which it grows, plus its saved crashers
# (tests/fuzz/crashers/NAME, but not the slow-* ones), so an old finding is
# tried first.  A crash,
# leak, timeout (-timeout seconds, FUZZ_TIMEOUT, default 10) or out-of-memory
# input is written to BUILD_DIR/artifacts/NAME/; the script then reports
# which harnesses found something and exits 1.  Extra libFuzzer flags:
# FUZZ_FLAGS.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-build/fuzz}
[ $# -gt 0 ] && shift
SECONDS_EACH=${FUZZ_SECONDS:-60}
TIMEOUT=${FUZZ_TIMEOUT:-10}
FLAGS=${FUZZ_FLAGS:-}
cd "$ROOT" || exit 1

if [ $# -eq 0 ]; then
    set --
    for b in "$DIR"/fuzz_*; do
        [ -x "$b" ] || continue
        set -- "$@" "${b##*/fuzz_}"
    done
fi
[ $# -gt 0 ] || { echo "fuzz.sh: no harnesses in $DIR (run make fuzz-build)" >&2; exit 1; }

found=""
for name in "$@"; do
    bin=$DIR/fuzz_$name
    [ -x "$bin" ] || { echo "fuzz.sh: no $bin" >&2; exit 1; }
    work=$DIR/corpus/$name
    art=$DIR/artifacts/$name
    mkdir -p "$work" "$art"
    [ -d "tests/fuzz/corpus/$name" ] && cp tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null
    # saved crashers too, except the known slow ones (README.md), which
    # would only stop the run with the same timeout again
    for f in tests/fuzz/crashers/"$name"/*; do
        [ -f "$f" ] || continue
        case ${f##*/} in slow-*) ;; *) cp "$f" "$work"/ ;; esac
    done
    case $name in
        engine_*) maxlen=8192 ;;
        *) maxlen=4096 ;;
    esac
    log=$DIR/$name.log
    echo "== fuzz_$name: ${SECONDS_EACH}s (log $log)"
    # shellcheck disable=SC2086
    ROOT=$ROOT "$bin" -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb=2048 \
        -max_len=$maxlen -print_final_stats=1 -artifact_prefix="$art/" $FLAGS "$work" \
        >"$log" 2>&1
    rc=$?
    grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$log" | tail -1
    if [ $rc -ne 0 ] || [ -n "$(ls -A "$art" 2>/dev/null)" ]; then
        echo "   FOUND something (exit $rc): see $log and $art/"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -3 | sed 's/^/   /'
        found="$found $name"
    fi
done
if [ -n "$found" ]; then
    echo "fuzz.sh: findings in:$found"
    exit 1
fi
echo "fuzz.sh: nothing found"
