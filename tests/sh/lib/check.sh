# tests/sh/lib/check.sh — what the command-line tests share, sourced (never
# run on its own: run-tests.sh runs only tests/sh/*.sh):
#
#   check_setup      a temporary directory $T (removed on exit), the counters
#                    fails and cases, and fail(); under the sanitizer build a
#                    report must not pass for an ordinary exit 1, so
#                    ASAN_OPTIONS makes it exit 86.
#   bad ARGS...      glass ARGS must exit 1 with exactly one line on stderr
#                    starting "glass " (or "glass:" for no such command), no
#                    sanitizer report, and leave the current directory as it
#                    was (no half-written file).
: "${GLASS:?GLASS must point to the glass binary}"

check_setup() {
    ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export ASAN_OPTIONS
    T=$(mktemp -d) || exit 1
    trap 'rm -rf "$T"' EXIT
    fails=0
    cases=0
}

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

bad() {
    cases=$((cases + 1))
    find . | sort >"$T/before"
    timeout 20 "$GLASS" "$@" </dev/null >"$T/out" 2>"$T/err"
    rc=$?
    find . | sort >"$T/after"
    what="glass $*"
    [ "$rc" -eq 1 ] || fail "$what: exit status $rc, want 1"
    if grep -q -e AddressSanitizer -e LeakSanitizer -e 'runtime error' "$T/err"; then
        fail "$what: sanitizer report:"; head -n 5 "$T/err"
    fi
    [ "$(wc -l <"$T/err")" -eq 1 ] || fail "$what: stderr is not one line: $(head -c 300 "$T/err")"
    head -n 1 "$T/err" | grep -q '^glass[ :]' ||
        fail "$what: stderr does not start 'glass ': $(head -c 200 "$T/err")"
    if ! cmp -s "$T/before" "$T/after"; then
        fail "$what: left files behind: $(comm -13 "$T/before" "$T/after" | tr '\n' ' ')"
        comm -13 "$T/before" "$T/after" | while read -r p; do rm -rf "$p"; done
    fi
}
