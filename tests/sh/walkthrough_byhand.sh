#!/bin/sh
# Every "by hand:" line of `glass walkthrough --seed 1 --save msgs` is a
# command a student can paste into a shell, in the directory where --save
# wrote its files, with glass on PATH: each runs, exits 0, and prints the
# value the walkthrough derived (hex; colons, spaces and a trailing " -" of
# sha256sum style ignored).
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"
mkdir bin
ln -s "$GLASS" bin/glass
"$GLASS" walkthrough --seed 1 --save msgs > w.txt 2>/dev/null
tr -d ' \n' < w.txt > flat.txt
grep 'by hand:' w.txt | sed 's/^ *by hand: //' > cmds.txt
total=$(wc -l < cmds.txt)
[ "$total" -ge 20 ] || { echo "FAIL: only $total by-hand commands"; exit 1; }
n=0
while IFS= read -r c; do
    n=$((n + 1))
    if ! PATH="$T/bin:$PATH" timeout 60 sh -c "$c" > out.txt 2>err.txt; then
        echo "FAIL: by-hand command $n does not run: $c"; cat err.txt; exit 1
    fi
    v=$(sed 's/^.*= *//; s/ *-$//' out.txt | tr -d ' :\n' | tr 'A-F' 'a-f')
    [ -n "$v" ] || { echo "FAIL: by-hand command $n printed nothing: $c"; exit 1; }
    grep -q -- "$v" flat.txt || { echo "FAIL: by-hand command $n printed $v, not in the walkthrough: $c"; exit 1; }
done < cmds.txt
echo "walkthrough_byhand: $n by-hand commands run as pasted and print the walkthrough's values"
