#!/bin/sh
# citations.sh — the standards the sources cite (scripts/citations.py):
# every "RFC 5246 §7.4.3", "FIPS 197 §5.1.3", "X.690 §8.1.2" (and a bare
# "§5.2" after the file has named its standard) must name a section that the
# standard's edition has, and docs/CITATIONS.md, the list of them all, must
# be the one the script generates from the sources as they are now.
set -eu
command -v python3 >/dev/null 2>&1 || { echo "python3 is missing: apt-get install python3"; exit 1; }
cd "$ROOT"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# 1. No citation of a section that does not exist; CITATIONS.md up to date.
python3 scripts/citations.py --check > "$T/out" 2>&1 || { cat "$T/out"; fail "citations"; }
cat "$T/out"

# 2. The checker catches a bad citation (of a standard, or of a heading of
#    our own docs/PROTOCOL.md), names file:line and the citation, and lists a
#    standard it has no table for without failing.
mkdir -p "$T/tree/scripts" "$T/tree/docs" "$T/tree/x"
cp scripts/citations.py "$T/tree/scripts/"
printf '/* FIPS 197 (2001).\n * SubBytes (§5.1.1)\n * RFC 5246 §7.4.99 is no section. */\n' > "$T/tree/x/a.c"
printf '/* RFC 99999 §1.2 is not checked; docs/PROTOCOL.md §4 is, §9 fails. */\n' > "$T/tree/x/b.c"
printf '# The protocol\n\n## 4. Handshake messages\n' > "$T/tree/docs/PROTOCOL.md"
python3 "$T/tree/scripts/citations.py" > /dev/null || fail "could not write CITATIONS.md in a scratch tree"
if python3 "$T/tree/scripts/citations.py" --check > "$T/bad" 2>&1; then
    cat "$T/bad"; fail "a citation of RFC 5246 §7.4.99 passed the check"
fi
grep -q '^x/a\.c:3: RFC 5246 §7\.4\.99' "$T/bad" || { cat "$T/bad"; fail "the bad citation was not named with file:line"; }
grep -q '^x/b\.c:1: docs/PROTOCOL\.md §9' "$T/bad" || { cat "$T/bad"; fail "a missing heading of docs/PROTOCOL.md passed"; }
[ "$(grep -c 'has no section' "$T/bad")" -eq 2 ] || { cat "$T/bad"; fail "expected exactly two bad citations"; }
grep -q '^| 5\.1\.1 | x/a\.c:2\* |$' "$T/tree/docs/CITATIONS.md" || fail "the bare §5.1.1 was not read as FIPS 197"
grep -q '^## RFC 99999 (not checked)' "$T/tree/docs/CITATIONS.md" || fail "an unknown standard was not listed as not checked"
# ... and notices a stale CITATIONS.md.
printf '/* FIPS 197 §5.2 */\n' > "$T/tree/x/a.c"
python3 "$T/tree/scripts/citations.py" --check > "$T/stale" 2>&1 && fail "a stale CITATIONS.md passed the check"
grep -q 'out of date' "$T/stale" || { cat "$T/stale"; fail "a stale CITATIONS.md was not reported"; }
echo "citations: the checker refuses RFC 5246 §7.4.99 and a stale list"
