#!/bin/sh
# `glass sha256` prints exactly what sha256sum prints: files, standard input
# ("-"), several files, odd names, empty and multi-megabyte files; --trace
# shows the FIPS 180-4 worked example for "abc"; a missing file or an unknown
# option gives one line on stderr and exit status 1.
set -eu
command -v sha256sum >/dev/null 2>&1 || { echo "sha256sum is needed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"

fail() { echo "FAIL: $*"; exit 1; }

# Inputs: empty, "abc", around the padding boundaries, a 3 MiB file (several
# read chunks), a name with a space and one with a backslash.
: > empty
printf abc > abc
head -c 55 /dev/zero > z55
head -c 56 /dev/zero > z56
head -c 64 /dev/zero > z64
i=0
while [ $i -lt 48 ]; do printf '%s\n' "line $i of a text file with some words in it"; i=$((i + 1)); done > text
head -c 3145731 /dev/urandom > big
cp abc 'with space'
cp abc 'back\slash'

for f in empty abc z55 z56 z64 text big 'with space' 'back\slash'; do
    want=$(sha256sum "$f")
    got=$("$GLASS" sha256 "$f")
    [ "$got" = "$want" ] || fail "file '$f': glass says '$got', sha256sum says '$want'"
done
echo "single files: same output as sha256sum"

want=$(sha256sum empty abc big text)
got=$("$GLASS" sha256 empty abc big text)
[ "$got" = "$want" ] || fail "several files differ"
echo "several files: same"

want=$(sha256sum < big)
got=$("$GLASS" sha256 < big)
[ "$got" = "$want" ] || fail "stdin (no argument) differs: $got"
got=$(cat abc | "$GLASS" sha256 -)
want=$(sha256sum < abc)
[ "$got" = "$want" ] || fail "stdin as - differs: $got"
echo "standard input: same"

# --trace on "abc": the published example (NIST SHA256.pdf / FIPS 180-2 B.1).
printf abc | "$GLASS" sha256 --trace > trace.txt
grep -q '^  W0  = 61626380' trace.txt || fail "trace: W0 is not 61626380"
grep -q 'W15 = 00000018' trace.txt || fail "trace: W15 is not 00000018"
grep -q '^  t= 0: 5d6aebcd 6a09e667 bb67ae85 3c6ef372 fa2a4622 510e527f 9b05688c 1f83d9ab$' trace.txt ||
    fail "trace: row t=0 is not the example's"
grep -q '^  t= 1: 5a6ad9ad 5d6aebcd 6a09e667 bb67ae85 78ce7989 fa2a4622 510e527f 9b05688c$' trace.txt ||
    fail "trace: row t=1 is not the example's"
grep -q '^  t=63: 506e3058 d39a2165 04d24d6c b85e2ce9 5ef50f24 fb121210 948d25b6 961f4894$' trace.txt ||
    fail "trace: row t=63 is not the example's"
[ "$(grep -c '^  t=' trace.txt)" -eq 64 ] || fail "trace: not 64 rounds"
tail -n 1 trace.txt | grep -q '^ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -$' ||
    fail "trace: last line is not the digest of abc"
echo "--trace: the abc worked example, round by round"

# Errors: one line on stderr, exit 1, never a crash.
if "$GLASS" sha256 no-such-file > out 2> err; then fail "missing file accepted"; else rc=$?; fi
[ $rc -eq 1 ] || fail "missing file: exit status $rc"
[ "$(wc -l < err)" -eq 1 ] || fail "missing file: not one line: $(cat err)"
grep -q '^glass sha256: no-such-file: No such file or directory$' err || fail "message: $(cat err)"
# the other files are still hashed, as sha256sum does
if "$GLASS" sha256 abc no-such-file > out 2> err; then fail "missing file accepted"; fi
grep -q '  abc$' out || fail "the good file was not hashed"
if "$GLASS" sha256 --bogus abc > out 2> err; then fail "unknown option accepted"; fi
[ "$(wc -l < err)" -eq 1 ] || fail "unknown option: not one line"
"$GLASS" sha256 --help | grep -q example || fail "--help has no example"
echo "errors: one line, exit 1"
