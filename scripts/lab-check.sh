#!/bin/sh
# lab-check.sh [LAB...] — checks that every lab in docs/labs/ works as written.
#
# `make lab-check` runs it after building build/labs/glass (the lab build) and
# build/glass (the normal build).  The labs themselves say what to check:
#
#   ```sh checked                  a step: run it, it must exit 0
#   ```sh checked fails            a step that must fail (exit 1..127, not a
#                                  crash or a timeout): e.g. the normal build
#                                  refusing an insecure switch
#   ```sh checked requires=server,client
#                                  needs those `glass` subcommands; when one is
#                                  missing from the build the step is reported
#                                  SKIPPED, with the reason, never as passed
#                                  (a lab keeps the files such a step makes to
#                                  the steps that need the same commands)
#   <!-- expect: REGEX -->         right after the closing fence: the step's
#   <!-- expect-not: REGEX -->     output (stdout and stderr) must (not) match
#                                  the extended regular expression
#
# Plain ```sh blocks (not "checked") are shown to the student and not run.
# A step that starts a background process (a server) writes its PID to a
# file NAME.pid in the scratch directory; when the lab ends, lab-check stops
# every process listed in those files, whether the lab passed or not.
# Each lab runs its checked steps in order, each in a fresh `sh -e`, in one
# scratch directory of its own (so files carry from step to step, shell
# variables do not), with
#     PATH        starting with a directory where `glass` is build/labs/glass
#     GLASS_NORMAL  build/glass, the normal build
#     GLASSTLS    the top of the source tree
# exactly as each lab's "Setting up" section asks the student to do.
#
# Then every reference solution in docs/labs/solutions/ (NN-*.py, NN-*.c
# compiled here against the lab build's libglass.a, or an executable NN-*;
# NNx-* for exercise Nx, e.g. 06b-replay.py for 6b) goes through
# `glass lab check N`, each against a freshly keyed target (in each of
# its modes); every exercise must have one accepted: the grader must accept it (a grader that accepts a wrong
# answer is caught by tests/sh/labs_check.sh, which feeds it wrong ones).
#
# Exit status: 0 when no step failed (skips are listed), 1 otherwise.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# The two builds (overridable, e.g. to check a build in another directory).
LABS_BIN=${LABS_BIN:-"$ROOT/build/labs/glass"}
NORMAL_BIN=${NORMAL_BIN:-"$ROOT/build/glass"}
for b in "$LABS_BIN" "$NORMAL_BIN"; do
    [ -x "$b" ] || { echo "lab-check: $b is missing: run make labs all (or make lab-check)"; exit 1; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/glass-labcheck.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
mkdir "$TMP/bin"
ln -s "$LABS_BIN" "$TMP/bin/glass"
PATH="$TMP/bin:$PATH"
GLASS_NORMAL="$NORMAL_BIN"
GLASSTLS="$ROOT"
export PATH GLASS_NORMAL GLASSTLS

if [ $# -gt 0 ]; then
    labs=""
    for a in "$@"; do
        for f in "$ROOT"/docs/labs/$a*.md; do [ -f "$f" ] && labs="$labs $f"; done
    done
else
    labs=$(ls "$ROOT"/docs/labs/[0-9][0-9]-*.md 2>/dev/null)
fi
[ -n "$labs" ] || { echo "lab-check: no labs found in docs/labs/"; exit 1; }

# Splits one lab page into DIR/NNN.sh (the commands) and DIR/NNN.meta
# (lines "mode ok|fails", "requires NAME...", "expect RE", "expect-not RE").
split_lab() {
    awk -v dir="$2" '
    function meta(line) { print line >> (dir "/" sprintf("%03d", n) ".meta") }
    BEGIN { n = 0; inblock = 0; after = 0 }
    inblock && /^```[ \t]*$/ { inblock = 0; after = 1; close(dir "/" sprintf("%03d", n) ".sh"); next }
    inblock { print >> (dir "/" sprintf("%03d", n) ".sh"); next }
    /^```sh[ \t]+checked/ {
        n++; inblock = 1; after = 0
        printf "" > (dir "/" sprintf("%03d", n) ".sh")
        meta("mode " ($0 ~ /[ \t]fails([ \t]|$)/ ? "fails" : "ok"))
        meta("line " NR)
        if (match($0, /requires=[A-Za-z0-9_,-]+/)) {
            r = substr($0, RSTART + 9, RLENGTH - 9); gsub(",", " ", r); meta("requires " r)
        }
        next
    }
    after && /^<!-- expect(-not)?: .* -->[ \t]*$/ {
        line = $0
        kind = (line ~ /^<!-- expect-not: /) ? "expect-not" : "expect"
        sub(/^<!-- expect(-not)?: /, "", line); sub(/ -->[ \t]*$/, "", line)
        meta(kind " " line); next
    }
    after && /^[ \t]*$/ { next }
    { after = 0 }
    END { if (inblock) { print "unterminated checked block" > "/dev/stderr"; exit 1 } }
    ' "$1"
}

total_pass=0; total_fail=0; total_skip=0; skipped_list=""
for lab in $labs; do
    name=$(basename "$lab" .md)
    blocks="$TMP/blocks-$name"; work="$TMP/work-$name"
    mkdir "$blocks" "$work"
    if ! split_lab "$lab" "$blocks"; then
        echo "FAIL $name: could not split the page into steps"; total_fail=$((total_fail + 1)); continue
    fi
    pass=0; fail=0; skip=0; skip_reason=""
    for sh in "$blocks"/*.sh; do
        [ -f "$sh" ] || continue
        id=$(basename "$sh" .sh); metaf="$blocks/$id.meta"
        line=$(sed -n 's/^line //p' "$metaf")
        req=$(sed -n 's/^requires //p' "$metaf")
        missing=""
        for r in $req; do
            "$LABS_BIN" "$r" --help >/dev/null 2>&1 || missing="$missing $r"
        done
        if [ -n "$missing" ]; then
            skip=$((skip + 1))
            skip_reason="$skip_reason${skip_reason:+; }line $line needs glass$missing"
            continue
        fi
        mode=$(sed -n 's/^mode //p' "$metaf")
        out="$blocks/$id.out"
        (cd "$work" && timeout 300 sh -e "$sh") >"$out" 2>&1
        rc=$?
        why=""
        if [ "$mode" = ok ] && [ $rc -ne 0 ]; then
            why="exit status $rc, expected 0"
        elif [ "$mode" = fails ] && { [ $rc -eq 0 ] || [ $rc -ge 124 ]; }; then
            why="exit status $rc, expected a clean failure (1..123)"
        fi
        if [ -z "$why" ]; then
            # Each expectation is one line of the .meta file.
            while IFS= read -r m; do
                case "$m" in
                    "expect-not "*) re=${m#expect-not }
                        if grep -Eq -e "$re" "$out"; then why="output matches /$re/, it must not"; break; fi ;;
                    "expect "*) re=${m#expect }
                        if ! grep -Eq -e "$re" "$out"; then why="output does not match /$re/"; break; fi ;;
                esac
            done < "$metaf"
        fi
        if [ -z "$why" ]; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL $name, step at line $line: $why"
            sed 's/^/    > /' "$sh"
            tail -n 30 "$out" | sed 's/^/    | /'
        fi
    done
    for pidf in "$work"/*.pid; do
        [ -f "$pidf" ] || continue
        pid=$(head -n 1 "$pidf")
        case "$pid" in ''|*[!0-9]*) continue ;; esac
        kill "$pid" 2>/dev/null || true
    done
    msg="$pass passed, $fail failed"
    if [ $skip -gt 0 ]; then
        msg="$msg, $skip SKIPPED ($skip_reason)"
        skipped_list="$skipped_list $name"
    fi
    if [ $fail -eq 0 ]; then echo "ok   $name: $msg"; else echo "FAIL $name: $msg"; fi
    total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail)); total_skip=$((total_skip + skip))
done
echo "lab-check: $total_pass steps passed, $total_fail failed, $total_skip skipped${skipped_list:+ (in:$skipped_list)}"

# The reference solutions, graded.  Only when all labs run (no LAB... given).
sol_pass=0; sol_fail=0; accepted_ids=""
EXERCISES="1 2 3 4 5 6 6b 7"   # classroom/lab_exercise.h, LAB_EXERCISE_IDS
if [ $# -eq 0 ]; then
    for sol in "$ROOT"/docs/labs/solutions/[0-9][0-9]*-*; do
        [ -f "$sol" ] || continue
        n=$(basename "$sol" | sed 's/^0*\([0-9][0-9a-z]*\)-.*/\1/')   # 06b-x.py: 6b
        out="$TMP/solution-$(basename "$sol").out"
        prog=$sol
        case "$sol" in
            *.py) ;;
            *.c)  # a C solution, built against the lab build's libglass.a
                prog="$TMP/$(basename "$sol" .c)"
                if ! ${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -I"$ROOT" "$sol" \
                        "$(dirname "$LABS_BIN")/libglass.a" -lgmp -lsodium -lm -o "$prog" >"$out" 2>&1; then
                    sol_fail=$((sol_fail + 1)); echo "FAIL solution $(basename "$sol"): does not compile"
                    sed 's/^/    | /' "$out"; continue
                fi ;;
            *) [ -x "$sol" ] || continue ;;
        esac
        if (cd "$TMP" && timeout 300 "$LABS_BIN" lab check "$n" "$prog") >"$out" 2>&1 &&
           grep -q "^lab $n: ACCEPTED" "$out"; then
            sol_pass=$((sol_pass + 1)); echo "ok   solution $(basename "$sol"): accepted by glass lab check $n"
            accepted_ids="$accepted_ids $n"
        else
            sol_fail=$((sol_fail + 1)); echo "FAIL solution $(basename "$sol"): not accepted by glass lab check $n"
            tail -n 20 "$out" | sed 's/^/    | /'
        fi
    done
    # One accepted solution at least for every exercise of every lab.
    for id in $EXERCISES; do
        case " $accepted_ids " in
            *" $id "*) ;;
            *) echo "FAIL no reference solution accepted for exercise $id"; sol_fail=$((sol_fail + 1)) ;;
        esac
    done
    echo "lab-check: $sol_pass reference solutions accepted, $sol_fail failed"
fi
[ $total_fail -eq 0 ] && [ $sol_fail -eq 0 ]
