#!/bin/sh
# The manual pages in docs/man/: each renders with groff's warnings on and
# none is given; every page has the sections its kind must have; and glass(1)
# lists every subcommand that `glass --help` lists, so that the page cannot
# fall behind the program unnoticed.  Needs groff (Debian: groff-base).
set -eu
command -v groff >/dev/null 2>&1 || { echo "groff is missing: apt-get install groff-base"; exit 1; }
MAN="$ROOT/docs/man"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# 1. The pages exist.
for p in glass.1 glasstls.7 glasstls-sha256.3 glasstls-hmac.3 glasstls-aes.3 \
         glasstls-rsa.3 glasstls-dh.3 glasstls-asn1.3 glasstls-ca.3; do
    [ -f "$MAN/$p" ] || fail "docs/man/$p is missing"
done

# 2. Each renders without a single warning (-ww: every warning category;
#    -t: tbl for the constant-time tables).  groff prints warnings on stderr
#    and still exits 0, so stderr must be empty.
n=0
for f in "$MAN"/*.[1-9]; do
    n=$((n + 1))
    [ $n -le 100 ] || fail "more than 100 pages?"
    : > "$T/err"
    groff -t -man -Tutf8 -ww -z "$f" 2> "$T/err" || fail "groff failed on $(basename "$f")"
    [ ! -s "$T/err" ] || { cat "$T/err"; fail "warnings rendering $(basename "$f")"; }
    # And as man(1) would show it, if man is here: no error, some text.
    if command -v man >/dev/null 2>&1; then
        MANWIDTH=80 man -l -Tutf8 "$f" > "$T/out" 2> "$T/err" || fail "man -l failed on $(basename "$f")"
        [ ! -s "$T/err" ] || { cat "$T/err"; fail "man -l complained about $(basename "$f")"; }
        [ -s "$T/out" ] || fail "man -l rendered nothing for $(basename "$f")"
    fi
done
[ $n -ge 9 ] || fail "only $n pages found"

# 3. The sections each kind of page must have.
has() { grep -q "^\.SH $2\$" "$1" || grep -q "^\.SH \"$2\"\$" "$1" || fail "$(basename "$1") has no $2 section"; }
for f in "$MAN"/*.3; do
    for s in NAME SYNOPSIS DESCRIPTION "RETURN VALUES" STANDARDS CAVEATS "SECURITY CONSIDERATIONS"; do
        has "$f" "$s"
    done
    grep -q '^\.TS' "$f" || fail "$(basename "$f") has no constant-time table"
    grep -q 'CT' "$f" || fail "$(basename "$f") does not state its CT status"
done
for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" ENVIRONMENT FILES "SEE ALSO"; do
    has "$MAN/glass.1" "$s"
done
grep -q 'GLASS_VECTORS' "$MAN/glass.1" || fail "glass.1 does not document GLASS_VECTORS"
grep -q 'openssl (1)' "$MAN/glass.1" || fail "glass.1 does not refer to openssl(1)"

# 4. Every subcommand of `glass --help` has its own subsection in glass.1.
"$GLASS" --help > "$T/help" || fail "glass --help failed"
awk '/^commands:/ { on = 1; next } on && /^  [a-z0-9]/ { print $1 }' "$T/help" > "$T/cmds"
count=$(wc -l < "$T/cmds")
[ "$count" -ge 10 ] || fail "only $count subcommands found in glass --help"
while read -r c; do
    grep -q "^\.SS $c\$" "$MAN/glass.1" || fail "glass.1 has no section for 'glass $c'"
done < "$T/cmds"
# ... and no section for a subcommand the program does not have.
grep '^\.SS ' "$MAN/glass.1" | cut -d' ' -f2 | while read -r c; do
    grep -qx "$c" "$T/cmds" || fail "glass.1 documents 'glass $c', which glass --help does not list"
done

# 5. Every subcommand `glass ca` accepts (it names them when given an
#    unknown one) has its entry in glass.1.
"$GLASS" ca bogus-subcommand --dir "$T/none" > "$T/out" 2>&1 && fail "glass ca bogus-subcommand succeeded"
subs=$(sed -n 's/.*(\(init[^)]*\)).*/\1/p' "$T/out" | tr -d ',')
[ -n "$subs" ] || fail "glass ca did not list its subcommands: $(cat "$T/out")"
for s in $subs; do
    pat=$(printf '%s' "$s" | sed 's/-/\\\\-/g')
    grep -q "^\.B $pat\( \|\$\)" "$MAN/glass.1" || fail "glass.1 does not document 'glass ca $s'"
done

echo "man: $n pages render cleanly; glass.1 covers all $count subcommands"
