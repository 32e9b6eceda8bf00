#!/bin/sh
# run-tests.sh BUILD — what `make test` runs:
#   1. the CUnit suites (build/glass-tests), with CUnit's run summary;
#   2. the command-line and integration tests, tests/sh/*.sh, each against
#      the real build/glass (and the openssl command as an oracle), two at
#      a time (TEST_JOBS);
#   3. the size rules (scripts/check-size.sh: files <= 800 lines, functions
#      <= 120, tests included);
#   4. every NIST vector file, through `glass vectors`; its last line
#      "vectors: N passed, M failed, K skipped" is the last line printed.
# Exit status is non-zero if anything failed.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
GLASS="$ROOT/$BUILD/glass"
export GLASS ROOT BUILD
# Shell tests run this many at a time (TEST_JOBS=1: one after another).
JOBS=${TEST_JOBS:-2}
status=0

echo "== unit tests (CUnit)"
"$BUILD/glass-tests" || status=1

echo "== command-line and integration tests (tests/sh, $JOBS at a time)"
# Most of these tests wait (for servers, clients, timeouts) more than they
# compute, so JOBS of them run at once (scripts/run-test.sh; a test that
# must not overlap others of its kind says "# run-tests: alone=KIND").
# Each prints its line when it ends; the output of those that failed
# follows, in name order.
RES=$(mktemp -d "${TMPDIR:-/tmp}/glass-tests.XXXXXX") || exit 2
ls tests/sh/*.sh | xargs -n 1 -P "$JOBS" sh scripts/run-test.sh "$RES"
pass=$(ls "$RES" | grep -c '\.pass$')
fail=$(ls "$RES" | grep -c '\.fail$')
for f in "$RES"/*.fail; do
    [ -f "$f" ] || continue
    echo "  FAIL $(basename "$f" .fail):"
    sed 's/^/    | /' "$f" | tail -n 40
done
total=$(ls tests/sh/*.sh | wc -l)
[ $((pass + fail)) -eq "$total" ] || { echo "  $((total - pass - fail)) tests left no result"; fail=$((total - pass)); }
rm -rf "$RES"
echo "shell tests: $pass passed, $fail failed"
[ $fail -eq 0 ] || status=1

echo "== sizes (make check-size)"
sh scripts/check-size.sh || status=1

echo "== NIST vectors"
"$GLASS" vectors vectors tests/data/vectors 2>&1 || status=1
exit $status
