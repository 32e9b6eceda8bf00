#!/bin/sh
# Errors a newcomer meets first say what to do: a client that was never
# enrolled is told to run `glass client enroll`, before any connection.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
for sub in "get /" chat; do
    if "$GLASS" client $sub --server 127.0.0.1:9 --id nobody -pass pass:x </dev/null >out 2>err; then
        fail "client $sub without an identity succeeded"
    fi
    grep -q "nobody is not enrolled here" err || { cat err; fail "client $sub: no 'not enrolled here'"; }
    grep -q "glass client enroll" err || { cat err; fail "client $sub: does not say what to run"; }
    [ "$(wc -l <err)" -eq 1 ] || { cat err; fail "client $sub: more than one line"; }
done
echo "client errors: an identity that is not there is named, with the command to run"
