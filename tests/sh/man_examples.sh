#!/bin/sh
# man_examples.sh — the EXAMPLES of every section-3 manual page are real
# programs: each is cut out of the page's source (the block after the
# comment line `.\" example: program [ARGS]`), unescaped from roff, compiled
# against the library with the flags the library was built with (from the
# Makefile; -Werror besides), run, and its output compared with the block
# after `.\" example: output`, which the page prints under "It prints".
# A program given an argument "alice.pem" gets a self-signed certificate
# with subject /CN=alice made by openssl, as the glasstls-ca(3) page says.
set -eu
MAN="$ROOT/docs/man"
case "$BUILD" in /*) LIB="$BUILD/libglass.a" ;; *) LIB="$ROOT/$BUILD/libglass.a" ;; esac
CC=${GLASS_EXAMPLE_CC:-cc}
CFLAGS=${GLASS_EXAMPLE_CFLAGS:-"-std=c11 -Wall -Wextra -Wpedantic -O2"}
LDFLAGS=${GLASS_EXAMPLE_LDFLAGS:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
[ -f "$LIB" ] || fail "$LIB is missing (make first)"

# extract PAGE KIND: the lines of the first .nf/.fi block after the marker
# `.\" example: KIND` inside the EXAMPLES section, roff escapes undone.
extract() {
    awk -v kind="$2" '
        /^\.SH / { in_ex = ($0 == ".SH EXAMPLES") }
        !in_ex { next }
        index($0, ".\\\" example: " kind) == 1 { want = 1; next }
        want && /^\.nf$/ { on = 1; next }
        on && /^\.fi$/ { exit }
        on { print }
    ' "$1" | sed -e 's/^\\&//' -e 's/\\-/-/g' -e 's/\\(dq/"/g' -e "s/\\\\(aq/'/g" \
                 -e 's/\\(rs/\\/g' -e 's/\\e/\\/g'
}
args_of() {
    sed -n 's/^\.\\" example: program *//p' "$1" | head -n 1
}

# The certificate the ca page's example reads.
command -v openssl >/dev/null 2>&1 || fail "openssl is missing: apt-get install openssl"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/alice.key" -out "$T/alice.pem" \
    -subj /CN=alice -days 30 > "$T/openssl.log" 2>&1 || { cat "$T/openssl.log"; fail "openssl req"; }

n=0
for page in "$MAN"/glasstls-*.3; do
    name=$(basename "$page" .3)
    n=$((n + 1))
    [ $n -le 50 ] || fail "more than 50 pages?"
    grep -q '^\.SH EXAMPLES$' "$page" || fail "$name(3) has no EXAMPLES section"
    extract "$page" program > "$T/$name.c"
    [ -s "$T/$name.c" ] || fail "$name(3): no program after '.\\\" example: program' in EXAMPLES"
    grep -q 'int main' "$T/$name.c" || fail "$name(3): the example is not a whole program"
    # shellcheck disable=SC2086  # the flags are words
    if ! $CC $CFLAGS -Werror -I"$ROOT" -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags gmp libsodium) \
            -o "$T/$name" "$T/$name.c" $LDFLAGS "$LIB" $(pkg-config --libs gmp libsodium) -lm \
            > "$T/$name.cc.log" 2>&1; then
        cat -n "$T/$name.c"; cat "$T/$name.cc.log"
        fail "$name(3): the example does not compile"
    fi
    args=$(args_of "$page")
    # shellcheck disable=SC2086  # no argument or a file name
    st=0
    (cd "$T" && timeout 120 "./$name" $args) > "$T/$name.out" 2> "$T/$name.err" || st=$?
    [ $st -eq 0 ] || { cat "$T/$name.out" "$T/$name.err"; fail "$name(3): the example exited with status $st"; }
    extract "$page" output > "$T/$name.want"
    if [ -s "$T/$name.want" ]; then
        cmp -s "$T/$name.want" "$T/$name.out" || {
            echo "expected:"; cat "$T/$name.want"; echo "printed:"; cat "$T/$name.out"
            fail "$name(3): the example does not print what the page says"; }
        echo "  $name(3): compiles, runs, prints $(wc -l < "$T/$name.want") line(s) as promised"
    else
        echo "  $name(3): compiles and runs (no output promised)"
    fi
done
[ $n -ge 7 ] || fail "only $n section-3 pages found"
echo "man_examples: the examples of all $n section-3 pages compile, run and print what they promise"
