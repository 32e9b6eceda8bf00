#!/bin/sh
# layout.sh — the map matches the house.  Every top-level folder that holds
# C sources has a row in the README's layout table and a paragraph in
# docs/ARCHITECTURE.md, and every folder the table names exists; each room
# and layer has the header the table says to read first.  And the rule of
# the house is kept: no room includes a header of apps/ (apps.h, opt.h,
# password.h), and client/ and server/ do not include each other.
set -u
: "${ROOT:?}"
cd "$ROOT" || exit 1
fail=0
bad() { echo "FAIL: $*"; fail=1; }

dirs=$(find . -mindepth 2 -maxdepth 2 -name '*.[ch]' -not -path './build/*' | cut -d/ -f2 | sort -u)
[ -n "$dirs" ] || { echo "FAIL: no source folders found"; exit 1; }
for d in $dirs; do
    grep -q "^| \`$d/\` |" README.md || bad "README.md's layout table has no row for $d/"
    grep -q "^\*\*\`$d/\`\*\*" docs/ARCHITECTURE.md || bad "docs/ARCHITECTURE.md has no paragraph on $d/"
done
rows=$(grep -o '^| `[a-z]*/` |' README.md | tr -d '|` ' | tr -d '/')
for d in $rows; do
    [ -d "$d" ] || bad "README.md's layout table names $d/, which does not exist"
done
# The headers the table says to read first exist.
grep '^| `[a-z]*/` |' README.md | awk -F'|' '{print $4}' | grep -o '`[a-z_/]*\.[hm]d*`' | tr -d '`' |
while read -r h; do
    [ -f "$h" ] || { echo "FAIL: README.md says to read $h first; it does not exist"; exit 1; }
done || fail=1
# Rooms call down, never up into apps/, never sideways between client and server.
for room in io net server client classroom; do
    [ -d "$room" ] || continue
    hits=$(grep -ln '#include "\(apps\.h\|opt\.h\|password\.h\|apps/[a-z_]*\.h\)"' "$room"/*.[ch] 2>/dev/null)
    [ -z "$hits" ] || bad "$room/ includes a header of apps/: $hits"
done
grep -ln '#include "server/' client/*.[ch] 2>/dev/null | grep -q . && bad "client/ includes server/"
grep -ln '#include "client/' server/*.[ch] 2>/dev/null | grep -q . && bad "server/ includes client/"
for low in common bn sha hmac aes rsa dh asn1 ca protocol; do
    hits=$(grep -ln '#include "\(io\|net\|server\|client\|classroom\|apps\)/' "$low"/*.[ch] 2>/dev/null)
    [ -z "$hits" ] || bad "$low/ includes a room above it: $hits"
done
[ $fail = 0 ] || exit 1
echo "layout: $(echo $dirs | wc -w) source folders, each in the README table and docs/ARCHITECTURE.md; rooms call only down"
