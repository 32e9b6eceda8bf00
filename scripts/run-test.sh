#!/bin/sh
# run-test.sh RESDIR TEST — one shell test for scripts/run-tests.sh, which
# runs several at once (xargs -P).  Prints "  PASS name (Ns)" or
# "  FAIL name" as one short line when the test ends (one write, so lines of
# tests running side by side never mix), and leaves RESDIR/name.pass or
# RESDIR/name.fail (the test's output) for the summary.
#
# A test that must not overlap others of its kind says so in a line of its
# own:  "# run-tests: alone=KIND".  Tests of one KIND run one at a time
# (flock on RESDIR/KIND.lock), while tests of other kinds run beside them:
#   build  it runs make on the tree (two makes of one build directory at
#          once would write the same objects);
#   load   it loads the machine or counts on a quiet one (floods, hundreds
#          of clients, a server's limits under pressure).
# The wait for the lock is not counted in the test's 600 s.
set -u
RESDIR=$1
t=$2
name=$(basename "$t" .sh)
kind=$(sed -n 's/^# run-tests: alone=\([a-z]*\)$/\1/p' "$t" | head -n 1)
log="$RESDIR/$name.log"
if [ -n "$kind" ]; then
    exec 9>"$RESDIR/$kind.lock"
    flock 9
fi
start=$(date +%s)
if timeout 600 sh "$t" >"$log" 2>&1; then
    mv "$log" "$RESDIR/$name.pass"
    echo "  PASS $name ($(( $(date +%s) - start ))s)"
else
    mv "$log" "$RESDIR/$name.fail"
    echo "  FAIL $name"
fi
exit 0
