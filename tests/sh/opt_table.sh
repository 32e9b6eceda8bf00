#!/bin/sh
# opt_table.sh — the commands that declare their options in one table
# (apps/opt.h): --help prints the usage line, every option and an example;
# the parser takes every option the help lists and nothing else.  For each
# option line of the help: a flag is accepted (the error that follows names
# the bogus flag put after it, not the option), an option with a value says
# it needs one when it is given none, naming itself; an unknown option, a
# missing value and a stray argument each give exactly one line
# "glass CMD: ..." and exit 1.
set -u
: "${GLASS:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T" || exit 1
fail=0
checked=0
commands=0
bad() { echo "FAIL: $*"; fail=1; }

# one_line CMD...: runs it (it must fail), one line on stderr starting "glass ".
one_line() {
    if timeout 20 "$GLASS" "$@" </dev/null >out 2>err; then bad "accepted: $*"; return 1; fi
    [ "$(wc -l < err)" -eq 1 ] || { bad "$*: $(wc -l < err) lines on stderr: $(head -c 300 err)"; return 1; }
    grep -q '^glass ' err || { bad "$*: stderr does not start 'glass ': $(cat err)"; return 1; }
    return 0
}

for c in sha256 hmac genrsa kdf verify asn1parse rsa pkey server client walkthrough \
         "ca init" "ca sign" "ca issue" "ca list" "ca revoke" "ca crl" "ca enroll-code" \
         "ca log" "ca check" s_server s_client compare demo; do
    commands=$((commands + 1))
    # shellcheck disable=SC2086
    "$GLASS" $c --help >help 2>herr || { bad "$c --help exits non-zero"; continue; }
    head -n 1 help | grep -q "^usage: glass $c" || bad "$c --help: first line is not 'usage: glass $c'"
    grep -q '^example:' help || bad "$c --help has no example"
    grep -q '^options:' help || bad "$c --help lists no options"
    # The option lines: "  -name[, -alias] [META]   help".
    sed -n 's/^  \(-[^ ,]*\)\(, -[^ ]*\)\{0,1\}\( [A-Za-z:|.]*\)\{0,1\}  .*$/\1 \3/p; s/^  \(-[^ ,]*\)\(, -[^ ]*\)\{0,1\}\( [A-Za-z:|.]*\)\{0,1\}$/\1 \3/p' help > opts
    [ -s opts ] || { bad "$c --help: no option lines found"; continue; }
    while read -r name meta; do
        checked=$((checked + 1))
        if [ -z "$meta" ]; then
            # shellcheck disable=SC2086
            one_line $c "$name" --no-such-flag-xyz || continue
            grep -q -- "--no-such-flag-xyz" err ||
                bad "$c $name: the flag was not taken: $(cat err)"
        else
            # shellcheck disable=SC2086
            one_line $c "$name" || continue
            grep -q -- "$name needs a value" err ||
                bad "$c $name: no 'needs a value' naming it: $(cat err)"
        fi
    done < opts
    # shellcheck disable=SC2086
    one_line $c --no-such-flag-xyz && grep -q "unknown option '--no-such-flag-xyz'" err ||
        bad "$c: unknown option not named: $(cat err)"
done
# Values are checked by kind, naming the flag.
one_line genrsa -bits 12x && grep -q -- "-bits" err || bad "genrsa -bits 12x: $(cat err)"
one_line genrsa -bits 1 && grep -q "2048 to 8192" err || bad "genrsa -bits 1: $(cat err)"
one_line hmac -k 0g && grep -q -- "-k" err || bad "hmac -k 0g: $(cat err)"
one_line sha256 --trace=1 && grep -q "takes no value" err || bad "sha256 --trace=1: $(cat err)"
one_line walkthrough stray && grep -q "unexpected argument 'stray'" err || bad "walkthrough stray: $(cat err)"
one_line kdf -keylen 4 && grep -q "missing algorithm" err || bad "kdf without algorithm: $(cat err)"
# Long options also take --name=value.
one_line walkthrough --format=xml && grep -q "'xml' is not text, json or html" err ||
    bad "walkthrough --format=xml: $(cat err)"
printf abc > abc
[ "$("$GLASS" hmac -k 00 abc)" = "$("$GLASS" hmac -macopt hexkey:00 abc)" ] || bad "hmac -k and -macopt hexkey: differ"
[ $fail = 0 ] || exit 1
# glass ca --help lists every subcommand glass ca knows (the error for an
# unknown one names them all), each with its one-line summary.
one_line ca no-such-subcommand
subs=$(sed -n 's/.*(\(init[^)]*\)).*/\1/p' err | tr -d ',')
[ -n "$subs" ] || bad "glass ca names no subcommands: $(cat err)"
"$GLASS" ca --help > help || bad "glass ca --help exits non-zero"
for s in $subs; do
    grep -q "^  $s  *[a-z]" help || bad "glass ca --help does not list '$s' with a summary"
done
# Every ca option may be spelled with one dash or two, and --name=value.
one_line ca list -dir x --no-such-flag-xyz && grep -q -- "--no-such-flag-xyz" err ||
    bad "ca list -dir x: $(cat err)"
one_line ca log --dir=x --verify stray && grep -q "unexpected argument 'stray'" err ||
    bad "ca log stray: $(cat err)"
echo "opt_table: $commands commands, $checked options: help and parser agree"
