#!/bin/sh
# Every NIST file in vectors/ is byte-for-byte the one its README names:
# recompute each SHA-256 and compare with the table in vectors/README.md.
set -eu
cd "$ROOT/vectors"
n=0
grep -E '^\| [a-z]+/[^ ]+ \|' README.md | while IFS='|' read -r _ file _ _ _ digest _; do
    file=$(echo "$file" | tr -d ' '); digest=$(echo "$digest" | tr -d ' ')
    [ -f "$file" ] || { echo "missing $file"; exit 1; }
    got=$(sha256sum "$file" | cut -c1-64)
    [ "$got" = "$digest" ] || { echo "$file: SHA-256 $got, README says $digest"; exit 1; }
done
# And the other way: every file here is in the table.
for f in */*; do
    grep -q "^| $f |" README.md || { echo "$f is not listed in vectors/README.md"; exit 1; }
    n=$((n + 1))
done
echo "$n vector files match their recorded SHA-256"
