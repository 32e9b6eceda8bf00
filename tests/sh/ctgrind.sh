#!/bin/sh
# ctgrind.sh — the bounded run of `make ctgrind` inside `make test`: every
# case of tests/ctgrind/ctgrind.c under valgrind's memcheck with the secrets
# marked undefined (scripts/ctgrind.sh), each case at most 120 seconds.  The
# constant-time implementations must be clean, the table and reference AES
# must be reported.  Skipped (and said so) when valgrind is missing or the
# build is instrumented by AddressSanitizer, which valgrind cannot run.
set -u
: "${ROOT:?}"
BIN="$ROOT/build/ctgrind/glass-ctgrind"
if ! command -v valgrind >/dev/null 2>&1; then
    echo "ctgrind.sh: skipped: valgrind is not installed (scripts/deps.sh installs it)"
    exit 0
fi
[ -x "$BIN" ] || { echo "ctgrind.sh: $BIN is missing (make ctgrind-build)"; exit 1; }
CTGRIND_TIMEOUT=120 sh "$ROOT/scripts/ctgrind.sh" "$BIN"
