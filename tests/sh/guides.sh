#!/bin/sh
# run-tests: alone=build,load
# Every guide is a test: the command blocks of README.md and docs/gdb.md run
# as written (tests/sh/guides_run.py: sh blocks in sh, gdb blocks in gdb
# batch mode, each `<!-- expect: -->` compared), from a directory that is
# the top of the tree (every top-level entry linked, so what the commands
# write stays out of the source tree).  The README's classroom block runs
# `make lab-check`, so every lab's checked steps and reference solutions run
# too, and its expectations say they passed.
# Needs gdb, the debug build and the lab build (made here when missing).
set -eu
command -v gdb >/dev/null 2>&1 || { echo "gdb is missing: run sh scripts/deps.sh as root (apt-get install gdb)"; exit 1; }
# The guides name build/glass, so that is what is built, even when this runs
# under `make asan` (whose BUILD=build/asan would reach this make through
# MAKEFLAGS and the environment).
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u OPT make -C "$ROOT" -s all debug labs >/dev/null 2>&1 ||
    { echo "FAIL: make all debug labs"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
mkdir "$T/top"
for e in "$ROOT"/* "$ROOT"/.git; do
    [ -e "$e" ] && ln -s "$e" "$T/top/$(basename "$e")"
done
# What the guides write must stay out of the source tree: a block that
# writes into a linked folder (a CA made with --dir ca lands in the source
# folder ca/) is caught by the tree's status before and after.
tree_status() { git -C "$ROOT" status --porcelain --untracked-files=all 2>/dev/null; }
before=$(tree_status)
fail=0
for g in docs/gdb.md README.md; do
    timeout 1200 python3 "$ROOT/tests/sh/guides_run.py" "$ROOT/$g" "$T/top" > "$T/out" 2>&1 || fail=1
    if [ $fail = 1 ]; then cat "$T/out"; echo "FAIL: $g"; exit 1; fi
    tail -n 1 "$T/out"
done
[ "$(tree_status)" = "$before" ] ||
    { tree_status; echo "FAIL: the guides' commands wrote into the source tree"; exit 1; }
grep -q 'make labs && make lab-check' "$ROOT/README.md" || { echo "FAIL: README no longer runs make lab-check"; exit 1; }
echo "guides: README.md, docs/gdb.md and the seven labs run as written"
