#!/bin/sh
# glass vectors: the runner itself.  A wrong expected value is a FAIL naming
# the file, the COUNT, expected and actual, and exit 1; a truncated file, an
# unknown file and a missing file each get one clear message and exit 1;
# skipped cases are counted as skipped, never as passed.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 1. A good file: every case passes, exit 0, the summary line is last.
out=$("$GLASS" vectors "$ROOT/vectors/sha/SHA256ShortMsg.rsp") || fail "good file exits non-zero"
echo "$out" | tail -n 1 | grep -qx 'vectors: 65 passed, 0 failed, 0 skipped' || fail "summary: $(echo "$out" | tail -n 1)"

# 2. The first expected digest changed (e3b0.. -> 03b0..): exactly one failure,
#    reported with the case that failed.
sed '0,/^MD = /s/^MD = ./MD = 0/' "$ROOT/vectors/sha/SHA256ShortMsg.rsp" > "$T/SHA256ShortMsg.rsp"
out=$("$GLASS" vectors "$T/SHA256ShortMsg.rsp"); rc=$?
[ $rc -eq 1 ] || fail "a failing case gives exit $rc"
echo "$out" | grep -q '^FAIL .*SHA256ShortMsg.rsp Len=0 (line 8): MD' || fail "no FAIL line naming the case: $out"
echo "$out" | grep -q 'expected' && echo "$out" | grep -q 'got' || fail "FAIL line lacks expected/got"
echo "$out" | tail -n 1 | grep -qx 'vectors: 64 passed, 1 failed, 0 skipped' || fail "summary after one failure: $(echo "$out" | tail -n 1)"

# 3. Truncated in the middle of a value: malformed, with file and line.
mkdir -p "$T/trunc"
head -c 3000 "$ROOT/vectors/sha/SHA256ShortMsg.rsp" > "$T/trunc/SHA256ShortMsg.rsp"
err=$("$GLASS" vectors "$T/trunc/SHA256ShortMsg.rsp" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] || fail "truncated file gives exit $rc"
echo "$err" | grep -q 'SHA256ShortMsg.rsp:[0-9]*: malformed' || fail "truncated file: '$err'"

# 4. A file no handler knows, and a missing file.
echo "hello" > "$T/unknown.rsp"
err=$("$GLASS" vectors "$T/unknown.rsp" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && echo "$err" | grep -q 'unknown.rsp: unknown kind of vector file' || fail "unknown file: rc=$rc '$err'"
err=$("$GLASS" vectors "$T/nope.rsp" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && echo "$err" | grep -q 'nope.rsp: no such file' || fail "missing file: rc=$rc '$err'"

# 5. Skips are counted as skipped, with a reason, and not as passes.
out=$("$GLASS" vectors "$ROOT/vectors/hmac/HMAC.rsp") || fail "HMAC.rsp fails"
echo "$out" | grep -q 'skipped [0-9]*: HMAC with another hash' || fail "no skip reason shown"
echo "$out" | tail -n 1 | grep -qx 'vectors: 225 passed, 0 failed, 1350 skipped' || fail "HMAC summary: $(echo "$out" | tail -n 1)"
echo "vectors runner: pass, fail, malformed, unknown, missing and skip all reported as they should"
