#!/bin/sh
# check-size.sh — the house's two size rules, over every tracked C file
# (tests included): no source file over 800 lines, no function over 120.
# Function extents come from universal-ctags (its "end:" field), so a
# function is measured from the line of its name to its closing brace.
# Prints one line per file or function over the limit, and exits 1 if any;
# otherwise prints one line saying how many were measured.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
MAX_FILE=800
MAX_FUNC=120
command -v ctags >/dev/null 2>&1 || { echo "check-size: ctags is needed (apt-get install universal-ctags)" >&2; exit 2; }
ctags --version 2>/dev/null | grep -q Universal || { echo "check-size: universal-ctags is needed (not $(ctags --version 2>&1 | head -n 1))" >&2; exit 2; }
files=$( { git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*'; } | sort)
[ -n "$files" ] || { echo "check-size: no source files found" >&2; exit 2; }
over=0
big=$(printf '%s\n' $files | xargs wc -l | awk -v max=$MAX_FILE '$2 != "total" && $1 > max { print "  file " $2 ": " $1 " lines (most " max ")" }')
[ -z "$big" ] || { printf '%s\n' "$big"; over=1; }
long=$(printf '%s\n' $files | grep '\.c$' | xargs ctags --c-kinds=f --fields=+ne -o - 2>/dev/null |
       awk -F'\t' -v max=$MAX_FUNC '{ l = e = 0
            for (i = 4; i <= NF; i++) { if ($i ~ /^line:/) l = substr($i, 6); if ($i ~ /^end:/) e = substr($i, 5) }
            if (e - l + 1 > max) printf "  function %s:%d %s: %d lines (most %d)\n", $2, l, $1, e - l + 1, max }')
[ -z "$long" ] || { printf '%s\n' "$long"; over=1; }
nfiles=$(printf '%s\n' $files | wc -l)
if [ $over = 1 ]; then
    echo "check-size: over the limits above (files <= $MAX_FILE lines, functions <= $MAX_FUNC)"
    exit 1
fi
echo "check-size: $nfiles files, none over $MAX_FILE lines, no function over $MAX_FUNC"
