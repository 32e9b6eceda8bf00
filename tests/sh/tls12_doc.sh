#!/bin/sh
# tls12_doc.sh — docs/TLS12.md's "glass vs TLS 1.2" table is what the
# engine's profile table (protocol/profile.c) says: tests/peer/profile_table.c
# prints it from the library, and the lines between the document's markers
# must be exactly that.
set -u
: "${ROOT:?}" "${BUILD:=build}"
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
LIB="$ROOT/$BUILD/libglass.a"
SAN=""
nm "$LIB" 2>/dev/null | grep -q __asan_ && SAN="-fsanitize=address,undefined"
# shellcheck disable=SC2046,SC2086
${CC:-cc} -std=c11 $SAN -I"$ROOT" -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags gmp libsodium) \
    "$ROOT/tests/peer/profile_table.c" "$LIB" $(pkg-config --libs gmp libsodium) -lm -o "$T/table" ||
    { echo "FAIL: cannot build tests/peer/profile_table.c"; exit 1; }
"$T/table" > "$T/want" || { echo "FAIL: profile_table failed"; exit 1; }
sed -n '/^<!-- profile-table begin -->$/,/^<!-- profile-table end -->$/p' "$ROOT/docs/TLS12.md" |
    sed '1d;$d' > "$T/got"
if ! cmp -s "$T/want" "$T/got"; then
    diff -u "$T/got" "$T/want"
    echo "FAIL: docs/TLS12.md's table differs from protocol/profile.c (see tests/peer/profile_table.c)"
    exit 1
fi
echo "docs/TLS12.md: the glass vs TLS 1.2 table matches the engine's ($(wc -l < "$T/want") lines)"
