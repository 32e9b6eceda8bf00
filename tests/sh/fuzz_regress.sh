#!/bin/sh
# fuzz_regress.sh — every seed and every saved crasher of the fuzz harnesses
# (tests/fuzz/corpus/NAME, tests/fuzz/crashers/NAME) through the same parser
# by way of the ordinary glass commands, no libFuzzer needed:
#
#   der       glass asn1parse -inform DER        pem   glass asn1parse (PEM)
#   x509      glass x509 -text (DER, then PEM)   csr   glass req -verify -text
#   crl       glass verify -CRLfile -crl_check   key   glass rsa -check, -pubin
#   rsp       glass vectors
#
# Each call must end with exit status 0 or 1 within `timeout 10`, and print
# no sanitizer report (under `make asan`, $GLASS is the ASan/UBSan build).
# The protocol harnesses (messages, record, appmsg, dissect, engine_*) have
# no command that reads their inputs from a file; their inputs are replayed
# by the harnesses themselves (tests/fuzz/README.md).
set -u
: "${GLASS:?}"
: "${ROOT:?}"
# A sanitizer report must not pass for an ordinary exit 1.
ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="halt_on_error=1:exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
FX=$ROOT/tests/data/protocol
# An hour after the fixtures were made (as tests/test_protocol.c does).
NOW=$(( $(cat "$FX/now.txt") + 3600 ))
fails=0
runs=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# check FILE CMD...: CMD exits 0 or 1 in time, no sanitizer output.
check() {
    file=$1; shift
    runs=$((runs + 1))
    timeout 10 "$@" > "$T/out" 2> "$T/err" < /dev/null
    rc=$?
    case $rc in
        0|1) ;;
        124) fail "$file: timed out after 10 s: $*" ;;
        *) fail "$file: exit status $rc: $*"; head -5 "$T/err" ;;
    esac
    if grep -Eq 'Sanitizer|runtime error:' "$T/err"; then
        fail "$file: sanitizer report: $*"
        grep -E 'ERROR|runtime error|SUMMARY' "$T/err" | head -3
    fi
}

# The inputs of one harness: its seeds and its crashers.
inputs() {
    for d in "$ROOT/tests/fuzz/corpus/$1" "$ROOT/tests/fuzz/crashers/$1"; do
        [ -d "$d" ] || continue
        for f in "$d"/*; do
            [ -f "$f" ] && echo "$f"
        done
    done
}

n_inputs=$(find "$ROOT/tests/fuzz/corpus" -type f 2>/dev/null | wc -l)
[ "$n_inputs" -gt 0 ] || { echo "fuzz_regress.sh: no corpus (tests/fuzz/make-corpus.sh)"; exit 1; }

for f in $(inputs der); do
    check "$f" "$GLASS" asn1parse -inform DER -in "$f"
done
for f in $(inputs pem); do
    check "$f" "$GLASS" asn1parse -in "$f"
done
for f in $(inputs x509); do
    check "$f" "$GLASS" x509 -in "$f" -inform DER -text -noout
    check "$f" "$GLASS" x509 -in "$f" -inform PEM -text -noout
done
for f in $(inputs csr); do
    check "$f" "$GLASS" req -in "$f" -verify -text -noout
done
for f in $(inputs crl); do
    check "$f" "$GLASS" verify -CAfile "$FX/ca.der" -CRLfile "$f" -crl_check -attime "$NOW" \
        "$FX/alice.der"
done
for f in $(inputs key); do
    case ${f##*/} in
        # a cost finding (tests/fuzz/README.md): a key asking for more
        # PBKDF2 iterations than KEY_MAX_ITERATIONS (ca/ca.h) is refused
        # before any PBKDF2 runs, so loading it must fail, and fast
        slow-*) check "$f" "$GLASS" asn1parse -inform DER -in "$f"
                if timeout 5 "$GLASS" rsa -in "$f" -passin pass:fuzz -check -noout \
                        >"$T/slow.out" 2>&1; then
                    echo "FAIL: $f: a key over the iteration cap loaded"; fails=$((fails + 1))
                elif [ $? -ne 1 ]; then
                    echo "FAIL: $f: not refused quickly with exit 1: $(cat "$T/slow.out")"
                    fails=$((fails + 1))
                fi ;;
        *) check "$f" "$GLASS" rsa -in "$f" -passin pass:fuzz -check -noout ;;
    esac
    check "$f" "$GLASS" rsa -in "$f" -pubin -noout
done
for f in $(inputs rsp); do
    check "$f" "$GLASS" vectors "$f"
done

# The corpus must really have been read: a genuine certificate parses.
"$GLASS" x509 -in "$ROOT/tests/fuzz/corpus/x509/ca.der" -inform DER -noout -subject \
    > "$T/subj" 2>&1 || fail "corpus x509/ca.der does not parse"
grep -q 'Glass Test CA' "$T/subj" || fail "corpus x509/ca.der: unexpected subject $(cat "$T/subj")"

if [ "$fails" -gt 0 ]; then
    echo "fuzz_regress.sh: $fails of $runs runs failed"
    exit 1
fi
echo "fuzz_regress.sh: $runs runs, all exit 0/1 without sanitizer reports"
