#!/bin/sh
# ctgrind.sh BIN [CASE...] — `make ctgrind`: every case of
# tests/ctgrind/ctgrind.c under valgrind's memcheck, secrets marked undefined.
#
# A case is clean when memcheck reports nothing: no conditional jump and no
# memory address depends on a secret.  Cases named *-leaky (the table-driven
# and the reference AES) must be reported — their first report is printed,
# so the output shows what a cache-timing leak looks like to the machine.
# Exit status 0 when every constant-time case is clean and every leaky case
# is reported; a case the CPU cannot run (aes-hw without AES-NI) is shown as
# skipped.  CTGRIND_TIMEOUT bounds each case (seconds, default 300).
set -u
BIN=${1:?usage: ctgrind.sh BIN [CASE...]}
shift
# Reports inside GMP's mpn_sec_* functions only (see the file for why).
SUPP=$(cd "$(dirname "$0")/.." && pwd)/tests/ctgrind/gmp-sec.supp
command -v valgrind >/dev/null 2>&1 || { echo "ctgrind: valgrind is needed (apt-get install valgrind)"; exit 1; }
cases=${*:-$("$BIN")}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
clean=0; reported=0; skipped=0; bad=0
printf '%-18s %s\n' case verdict
for c in $cases; do
    timeout "${CTGRIND_TIMEOUT:-300}" valgrind -q --error-exitcode=99 --track-origins=yes \
        --num-callers=12 --suppressions="$SUPP" "$BIN" "$c" >"$log" 2>&1
    rc=$?
    case "$c:$rc" in
    *-leaky:99)
        reported=$((reported + 1))
        printf '%-18s %s\n' "$c" "reported, as it must be (secret-dependent address or branch):"
        grep -m1 -A6 -E 'uninitialised|Conditional jump' "$log" | sed 's/^==[0-9]*== /    | /' ;;
    *-leaky:*)
        bad=$((bad + 1))
        printf '%-18s %s\n' "$c" "NOT reported (exit $rc): the check cannot see this leak"
        sed 's/^/    | /' "$log" | tail -n 20 ;;
    *:0)
        clean=$((clean + 1))
        printf '%-18s %s\n' "$c" "clean" ;;
    *:77)
        skipped=$((skipped + 1))
        printf '%-18s %s\n' "$c" "skipped ($(tail -n 1 "$log"))" ;;
    *)
        bad=$((bad + 1))
        printf '%-18s %s\n' "$c" "FAILED (exit $rc):"
        sed 's/^==[0-9]*== /    | /' "$log" | head -n 60 ;;
    esac
done
held=$("$BIN" --all | grep -vxF "$("$BIN")" | tr '\n' ' ')
[ -z "$held" ] || echo "not in the default run (see tests/ctgrind/ctgrind.c): $held"
echo "ctgrind: $clean clean, $reported leaky reported, $skipped skipped, $bad failed"
[ "$bad" -eq 0 ]
