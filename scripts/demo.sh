#!/bin/sh
# demo.sh BUILD — `make demo`: the whole story on 127.0.0.1, in a fresh
# temporary directory, in a few seconds, with no input:
#   a CA, the server (which hosts it), alice and bob enrolling with one-time
#   codes, both connecting with mutual authentication, a conversation
#   through the relay, a page fetched over the channel and a key-value store,
#   one handshake traced byte by byte, the server's log,
#   a clean stop — then the NIST vector summary.
# Everything started here is stopped on exit (trap), whatever happens.
#
# On a terminal the steps and commands are in colour (plain when piped, or
# with NO_COLOR set); each command is shown, as "$ glass ...", before its
# output.  DEMO_PAUSE=1 waits for Enter before each step (from the terminal).
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GLASS="$ROOT/$BUILD/glass"
PW=pass:demo
[ -x "$GLASS" ] || { echo "demo: $GLASS is missing (run make first)"; exit 1; }

D=$(mktemp -d "${TMPDIR:-/tmp}/glass-demo.XXXXXX") || exit 1
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null
    done
    rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

die() {
    echo "demo: $*"
    exit 1
}
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    C_STEP=$(printf '\033[1;36m') C_CMD=$(printf '\033[33m') C_OFF=$(printf '\033[0m')
else
    C_STEP="" C_CMD="" C_OFF=""
fi
step() {
    if [ "${DEMO_PAUSE:-0}" = 1 ] && [ -r /dev/tty ]; then
        printf '\n%s(press Enter for the next step)%s' "$C_CMD" "$C_OFF"
        read -r _ < /dev/tty || true
    fi
    printf '\n%s== %s%s\n' "$C_STEP" "$*" "$C_OFF"
}
# show CMD...: the command as a student would type it, before its output.
show() {
    line=""
    for a in "$@"; do
        [ "$a" = "$GLASS" ] && a=glass
        case "$a" in *' '*) a="\"$a\"" ;; esac
        line="$line${line:+ }$a"
    done
    printf '%s$ %s%s\n' "$C_CMD" "$line" "$C_OFF"
}
# wait_for FILE PATTERN: bounded (20 s).
wait_for() {
    i=0
    while ! grep -q -- "$2" "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 200 ] || { sed 's/^/  | /' "$1"; die "timed out waiting for '$2'"; }
        sleep 0.1
    done
}
# gate FILE: holds a client's input open until FILE appears (or the demo ends).
gate() {
    while [ ! -f "$1" ] && [ -d "$D" ]; do sleep 0.1; done
    shift
    for l in "$@"; do printf '%s\n' "$l"; done
}
indent() { sed 's/^/    /'; }
cd "$D" || exit 1

step "1. A certificate authority (glass ca init)"
show "$GLASS" ca init --dir ca -subj "/CN=Glass Demo CA" -pass "$PW"
"$GLASS" ca init --dir ca -subj "/CN=Glass Demo CA" -pass "$PW" >ca.log 2>&1 ||
    { cat ca.log; die "glass ca init failed"; }
echo "    ca/ca.pem   the root certificate (self-signed)"
echo "    ca/ca.key   its RSA-2048 key, encrypted with the password"

step "2. The server: hosts the CA, publishes ca/www, listens on 127.0.0.1 (port 0 = any free port)"
mkdir ca/www && printf '<h1>Hello from the glass server</h1>\n' >ca/www/index.html
show "$GLASS" server --dir ca -pass "$PW" --port 0 --verbose "&"
"$GLASS" server --dir ca -pass "$PW" --port 0 --verbose >server.log 2>&1 &
SERVER=$!
PIDS="$PIDS $SERVER"
wait_for server.log "^listening on 127.0.0.1:"
PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' server.log | head -n 1)
indent <server.log

step "3. alice and bob enroll: a one-time code each, a new key, a certificate"
for who in alice bob; do
    code=$("$GLASS" ca enroll-code --dir ca "$who") || die "enroll-code $who"
    echo "    glass ca enroll-code --dir ca $who   ->  $code"
    show "$GLASS" client enroll --server "127.0.0.1:$PORT" --name "$who" --code "$code" \
        --ca ca/ca.pem -pass "$PW"
    "$GLASS" client enroll --server "127.0.0.1:$PORT" --name "$who" --code "$code" \
        --ca ca/ca.pem -pass "$PW" >"enroll-$who.log" 2>&1 || { cat "enroll-$who.log"; die "enroll $who"; }
    indent <"enroll-$who.log"
    [ "$who" = alice ] && alice_code=$code
done
echo "    alice's code is used up; trying it a second time:"
"$GLASS" client enroll --server "127.0.0.1:$PORT" --name alice --code "$alice_code" \
    --ca ca/ca.pem --out alice2 -pass "$PW" 2>&1 | indent

step "4. Both connect with mutual authentication and talk through the relay"
show "$GLASS" client chat --server "127.0.0.1:$PORT" --id alice -pass "$PW"
gate go-bob "/to alice Hi Alice, got it. Bob here." |
    "$GLASS" client chat --server "127.0.0.1:$PORT" --id bob -pass "$PW" --wait 2 >bob.out 2>&1 &
BOB=$!
PIDS="$PIDS $BOB"
gate go-alice "/who" "/to bob Hello Bob, this is Alice." "/to carol Are you there?" |
    "$GLASS" client chat --server "127.0.0.1:$PORT" --id alice -pass "$PW" --wait 3 >alice.out 2>&1 &
ALICE=$!
PIDS="$PIDS $ALICE"
wait_for bob.out "^connected to"
wait_for alice.out "^connected to"
touch go-alice
wait_for bob.out "^\[alice\]"
touch go-bob
wait "$BOB"
wait "$ALICE"
echo "  alice's terminal:"
indent <alice.out
echo "  bob's terminal:"
indent <bob.out

step "5. A page over the channel (HTTP/1.1 GET) and alice's own key-value store"
show "$GLASS" client get --server "127.0.0.1:$PORT" --id alice -pass "$PW" /index.html -o page.html
"$GLASS" client get --server "127.0.0.1:$PORT" --id alice -pass "$PW" /index.html -o page.html ||
    die "glass client get failed"
echo "    glass client get ... /index.html -o page.html  ->  $(cat page.html)"
printf '%s\n' "/put color blue" "/getkey color" "/keys" "/get /missing.html" |
    "$GLASS" client chat --server "127.0.0.1:$PORT" --id alice -pass "$PW" --wait 3 >kv.out 2>&1
indent <kv.out
grep -q "^\* color = blue" kv.out || die "the key-value store did not answer"

step "6. One handshake, step by step (glass client chat --trace --verbose)"
show "$GLASS" client chat --server "127.0.0.1:$PORT" --id alice -pass "$PW" --trace --verbose \
    --batch --wait 0
"$GLASS" client chat --server "127.0.0.1:$PORT" --id alice -pass "$PW" --trace --verbose \
    --batch --wait 0 </dev/null >trace.out 2>&1 || { cat trace.out; die "traced handshake failed"; }
cat trace.out

step "7. The server's log: one line per event"
indent <server.log

step "8. Stop: SIGTERM closes every session with close_notify, exit status 0"
show kill -TERM "$SERVER"
kill -TERM "$SERVER"
wait "$SERVER"
st=$?
tail -n 2 server.log | indent
echo "    server exit status: $st"
[ $st -eq 0 ] || die "the server did not exit cleanly"
for w in ServerKeyExchange CertificateVerify Finished; do
    grep -q "$w" trace.out || die "the trace does not show $w"
done
grep -q "^\[alice\] Hello Bob" bob.out || die "bob did not receive alice's message"
grep -q "^\[bob\] Hi Alice" alice.out || die "alice did not receive bob's reply"

step "9. The primitives underneath: every NIST test vector"
cd "$ROOT" || exit 1
show "$GLASS" vectors
"$GLASS" vectors 2>&1 | tail -n 1
exit 0
