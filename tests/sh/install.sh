#!/bin/sh
# run-tests: alone=build
# make install PREFIX=...: the program, the library, the headers, the man
# pages and the vectors land under PREFIX, and the installed glass finds its
# vectors there with no argument (from a directory with no vectors/ in it).
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
make -s -C "$ROOT" BUILD="$BUILD" install PREFIX="$T/inst" >"$T/log" 2>&1 || { cat "$T/log"; fail "make install"; }
for f in bin/glass lib/libglass.a include/glasstls/common/common.h include/glasstls/common/errors.def \
         include/glasstls/sha/sha256.h include/glasstls/protocol/protocol.h \
         share/man/man1/glass.1 share/man/man7/glasstls.7 share/man/man3/glasstls-rsa.3 \
         share/glasstls/vectors/README.md share/glasstls/vectors/sha/SHA256ShortMsg.rsp; do
    [ -f "$T/inst/$f" ] || fail "missing $f"
done
mkdir "$T/elsewhere"
out=$(cd "$T/elsewhere" && env -u GLASS_VECTORS "$T/inst/bin/glass" vectors) || fail "installed glass vectors fails"
echo "$out" | tail -n 1 | grep -Eq '^vectors: [1-9][0-9]* passed, 0 failed, [0-9]+ skipped$' || fail "summary: $(echo "$out" | tail -n 1)"
echo "installed tree complete; $(echo "$out" | tail -n 1)"
