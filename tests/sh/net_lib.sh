#!/bin/sh
# net_lib.sh — what the network tests (tests/sh/net_*.sh) share: a temporary
# directory, a CA, a glass server on 127.0.0.1 (port 0, read back from its
# "listening on" line), enrolled identities, bounded waits, and a trap that
# stops every process started.
#
# The other net_*.sh tests source this file with NET_LIB_ONLY=1.  Run on its
# own (as run-tests.sh does) it checks the command-line errors of `glass
# server`, `glass client` and `glass ca enroll-code`: one line, exit 1, no
# crash.
set -u
: "${GLASS:?GLASS must point to the glass binary}"

T=$(mktemp -d "${TMPDIR:-/tmp}/glass-net.XXXXXX") || exit 1
NET_PIDS=""
PW=pass:netpw
# Client keys in tests use a low PBKDF2 count: each of the hundreds of client
# processes decrypts its key, and the count is not what is being tested here.
ITER=1000

# Each PID gets SIGTERM and up to 5 s to go, then SIGKILL.  A PID started
# as `timeout N cmd &` is timeout(1), which runs cmd in a process group of
# its own (timeout's PID): SIGKILL goes to that whole group, so a cmd that
# did not go with its timeout (a sanitizer build wedged in its exit-time
# leak check, say) is not left behind.
net_cleanup() {
    for p in $NET_PIDS; do kill "$p" 2>/dev/null; done
    for p in $NET_PIDS; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null
        kill -9 -- "-$p" 2>/dev/null
    done
    rm -rf "$T"
}
trap net_cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "FAIL: $*"
    exit 1
}

# hold_input FIFO: makes FIFO and keeps it open for writing until
# release_input, so a client reading it (`glass client chat <FIFO`) stays
# connected for as long as the test needs it, not for a fixed sleep that a
# slow, loaded machine can outlast.  Sets HOLD_PID (also in NET_PIDS).
hold_input() {
    rm -f "$1"
    mkfifo "$1" || fail "mkfifo $1"
    sleep 300 >"$1" &
    HOLD_PID=$!
    NET_PIDS="$NET_PIDS $HOLD_PID"
}

# release_input PID: the writer PID (a HOLD_PID) goes, its reader sees the end
# of its input and leaves cleanly.
release_input() {
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

# wait_for FILE PATTERN [SECONDS]: until grep finds PATTERN in FILE.
wait_for() {
    i=0
    lim=$(( ${3:-30} * 10 ))
    while [ $i -lt $lim ]; do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    echo "timed out waiting for '$2' in $1:"
    sed 's/^/    | /' "$1" 2>/dev/null | tail -n 20
    return 1
}

# make_ca DIR SUBJECT: a new CA (password $PW).
make_ca() {
    "$GLASS" ca init --dir "$1" -subj "$2" -pass "$PW" >"$T/ca-init.log" 2>&1 ||
        { cat "$T/ca-init.log"; fail "glass ca init $1"; }
}

# start_server DIR LOG [options...]: starts `glass server` on a free port;
# sets SERVER_PID and PORT.
start_server() {
    sdir=$1
    slog=$2
    shift 2
    "$GLASS" server --dir "$sdir" -pass "$PW" --port 0 ${NET_VERBOSE---verbose} "$@" >"$slog" 2>&1 &
    SERVER_PID=$!
    NET_PIDS="$NET_PIDS $SERVER_PID"
    wait_for "$slog" "^listening on 127.0.0.1:" 60 || fail "server did not start"
    PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$slog" | head -n 1)
    [ -n "$PORT" ] || fail "no port in the server's output"
}

# enroll CA_DIR NAME PORT OUTDIR: a code, then `glass client enroll`.
enroll() {
    code=$("$GLASS" ca enroll-code --dir "$1" "$2") || fail "enroll-code $2"
    timeout 120 "$GLASS" client enroll --server "127.0.0.1:$3" --name "$2" --code "$code" \
        --ca "$1/ca.pem" --out "$4" -pass "$PW" -iter $ITER >"$T/enroll-$2.log" 2>&1 ||
        { cat "$T/enroll-$2.log"; fail "enrolling $2"; }
}

# stop_server: SIGTERM, then the exit status must be 0.
stop_server() {
    kill -TERM "$SERVER_PID"
    i=0
    while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    wait "$SERVER_PID"
    st=$?
    [ $st -eq 0 ] || fail "server exited with status $st after SIGTERM"
}

# expect_error DESCRIPTION COMMAND...: exit 1 and one line "glass ...: ..." on stderr.
expect_error() {
    what=$1
    shift
    "$@" >"$T/out" 2>"$T/err"
    st=$?
    [ $st -eq 1 ] || { cat "$T/err"; fail "$what: exit status $st, expected 1"; }
    [ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err"; fail "$what: expected one line on stderr"; }
    grep -q '^glass [a-z -]*: ' "$T/err" || { cat "$T/err"; fail "$what: message not 'glass CMD: ...'"; }
}

[ "${NET_LIB_ONLY:-0}" = 1 ] && return 0

# ---- run on its own: the command-line errors ------------------------------
expect_error "server without --dir" "$GLASS" server -pass pass:x
expect_error "server with a bad port" "$GLASS" server --dir "$T" --port 70000
expect_error "server with an unknown option" "$GLASS" server --dir "$T" --frobnicate
expect_error "server on a directory that is no CA" "$GLASS" server --dir "$T/none" -pass pass:x --port 0
expect_error "client without subcommand" "$GLASS" client
expect_error "client with unknown subcommand" "$GLASS" client fly
expect_error "chat without --server" "$GLASS" client chat --id "$T" -pass pass:x
expect_error "chat with a bad --server" "$GLASS" client chat --server nocolon --id "$T" -pass pass:x
expect_error "chat with port 0" "$GLASS" client chat --server 127.0.0.1:0 --id "$T" -pass pass:x
expect_error "chat with an empty identity" "$GLASS" client chat --server 127.0.0.1:1 --id "$T" -pass pass:x
expect_error "enroll without --code" "$GLASS" client enroll --server 127.0.0.1:1 --name a --ca x -pass pass:x
expect_error "enroll with a bad name" "$GLASS" client enroll --server 127.0.0.1:1 --name 'a/b' --code C --ca x -pass pass:x
expect_error "bench with a bad --time" "$GLASS" client bench --server 127.0.0.1:1 --id "$T" --time x
expect_error "get without a path" "$GLASS" client get --server 127.0.0.1:1 --id "$T" -pass pass:x
expect_error "get without --id" "$GLASS" client get --server 127.0.0.1:1 /index.html
expect_error "get with -o and no file" "$GLASS" client get --server 127.0.0.1:1 --id "$T" /a -o
expect_error "get with an empty identity" "$GLASS" client get --server 127.0.0.1:1 --id "$T" -pass pass:x /a
expect_error "server with --www and no value" "$GLASS" server --dir "$T" --www
expect_error "enroll-code without --dir" "$GLASS" ca enroll-code alice
expect_error "enroll-code in a non-CA directory" "$GLASS" ca enroll-code --dir "$T" alice
expect_error "enroll-code with a bad name" "$GLASS" ca enroll-code --dir "$T" 'al ice'
expect_error "enroll-code with --expires 0" "$GLASS" ca enroll-code --dir "$T" --expires 0 alice
for c in server client; do
    "$GLASS" $c --help >"$T/help" 2>&1 || fail "$c --help"
    grep -q example "$T/help" || fail "$c --help has no example"
done
"$GLASS" ca enroll-code --help | grep -q example || fail "ca enroll-code --help has no example"
echo "net command-line errors: ok"
exit 0
