#!/bin/sh
# The runner's self-test on every vector file: each case is run again with
# its expected value changed (a flipped hex digit, Result P<->F, FAIL<->PT)
# and must be reported as failed.  One unnoticed mutation fails this test.
set -u
out=$("$GLASS" vectors -q --self-test "$ROOT/vectors" "$ROOT/tests/data/vectors" 2>&1); rc=$?
echo "$out" | tail -n 3
[ $rc -eq 0 ] || { echo "FAIL: self-test exit $rc"; echo "$out" | grep UNNOTICED | head; exit 1; }
echo "$out" | grep -q '^self-test: [0-9]* cases mutated, [0-9]* noticed, 0 unnoticed$' ||
    { echo "FAIL: self-test summary"; exit 1; }
echo "vectors self-test: every mutation noticed"
