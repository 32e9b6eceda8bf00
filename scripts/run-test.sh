#!/bin/sh
# run-test.sh RESDIR TEST — one shell test for scripts/run-tests.sh, which
# runs several at once (xargs -P).  Prints "  PASS name (Ns)" or
# "  FAIL name" as one short line when the test ends (one write, so lines of
# tests running side by side never mix), and leaves RESDIR/name.pass or
# RESDIR/name.fail (the test's output) for the summary.
#
# A test that must not overlap others of some kind says so in a line of
# its own:  "# run-tests: alone=KIND[,KIND...]".  Tests sharing a KIND run
# one at a time (flock on RESDIR/KIND.lock, taken in the order below
# whatever the order listed, so two tests never wait on each other), while
# tests of other kinds run beside them:
#   build  it runs make on the tree (two makes of one build directory at
#          once would write the same objects);
#   load   it loads the machine or the loopback interface, or counts on
#          their being quiet: floods, hundreds of clients, a server's
#          limits under pressure, and packet captures (a capture beside a
#          flood of 80 000 ClientHellos can lose packets).
# The wait for the locks is not counted in the test's 600 s.
set -u
RESDIR=$1
t=$2
name=$(basename "$t" .sh)
kinds=$(sed -n 's/^# run-tests: alone=\([a-z,]*\)$/\1/p' "$t" | head -n 1 | tr ',' ' ')
log="$RESDIR/$name.log"
for kind in $kinds; do
    case $kind in build|load) ;; *)
        echo "unknown kind '$kind' in the line '# run-tests: alone=...'" >"$RESDIR/$name.fail"
        echo "  FAIL $name"
        exit 0 ;;
    esac
done
# The locks on descriptors 3 and 4, always build before load; the test
# itself runs with both closed, so a process it leaves behind cannot hold
# a lock.
case " $kinds " in *" build "*) exec 3>"$RESDIR/build.lock"; flock 3 ;; esac
case " $kinds " in *" load "*) exec 4>"$RESDIR/load.lock"; flock 4 ;; esac
start=$(date +%s)
if timeout 600 sh "$t" >"$log" 2>&1 3>&- 4>&-; then
    mv "$log" "$RESDIR/$name.pass"
    echo "  PASS $name ($(( $(date +%s) - start ))s)"
else
    mv "$log" "$RESDIR/$name.fail"
    echo "  FAIL $name"
fi
exit 0
