#!/bin/sh
# The first ten minutes: `make demo` shows each command ("$ glass ...")
# before its output; piped it prints no colour codes; on a terminal (a
# pseudo-terminal from script(1)) its steps are in colour, and DEMO_PAUSE=1
# waits for Enter before each of the nine steps.  (tests/sh/demo.sh checks
# what the demo proves.)
set -u
: "${GLASS:?}" "${ROOT:?}"
BUILD=${BUILD:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
timeout 300 sh "$ROOT/scripts/demo.sh" "$BUILD" </dev/null >"$T/piped" 2>&1 || fail "the demo failed"
esc=$(printf '\033')
if grep -q "$esc" "$T/piped"; then fail "colour codes in piped output"; fi
shown=$(grep -c '^\$ glass ' "$T/piped")
[ "$shown" -ge 8 ] || fail "only $shown commands shown before their output"
grep -q '^\$ glass ca init --dir ca -subj "/CN=Glass Demo CA" -pass pass:demo$' "$T/piped" ||
    fail "the first command is not shown as a student would type it"
for n in 1 2 3 4 5 6 7 8 9; do
    grep -q "^== $n\. " "$T/piped" || fail "step $n missing"
done
command -v script >/dev/null 2>&1 || { echo "guides_demo: piped output checked; SKIPPED the terminal half (no script(1))"; exit 0; }
printf '\n\n\n\n\n\n\n\n\n\n\n\n' | DEMO_PAUSE=1 timeout 300 \
    script -qec "sh '$ROOT/scripts/demo.sh' '$BUILD'" /dev/null >"$T/tty" 2>&1 || fail "the demo on a terminal failed"
p=$(grep -c 'press Enter' "$T/tty")
[ "$p" -eq 9 ] || fail "DEMO_PAUSE=1 paused $p times, not 9"
c=$(grep -c "${esc}\[1;36m== " "$T/tty")
[ "$c" -eq 9 ] || fail "$c coloured step headings on a terminal, not 9"
echo "guides_demo: $shown commands shown; plain when piped; 9 coloured steps and 9 pauses on a terminal"
