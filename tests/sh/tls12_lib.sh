#!/bin/sh
# tls12_lib.sh — what the TLS 1.2 tests (tests/sh/tls12_*.sh) share: a
# temporary directory, certificates from `glass ca` (a server, clients
# good, revoked, expired and from another CA), servers started on free
# ports of 127.0.0.1 and awaited, bounded waits, a trap that stops every
# process started, and a check that a peer program is installed.
#
# The peers (openssl, gnutls-cli, gnutls-serv, curl, python3, tshark) are
# test-only dependencies: scripts/deps.sh installs them.  A missing one
# fails the test with the apt-get line, it is never skipped silently.
#
# Every cell is a real handshake with real processes; each wait is bounded
# (timeout(1) around every client, wait_for around every server start).
#
# The other tls12_*.sh tests source this file with TLS12_LIB_ONLY=1.  Run
# on its own (as run-tests.sh does) it checks the command-line errors of
# `glass s_server`, `glass s_client` and `glass compare`: --help with an
# example, one line and exit 1 for a bad flag or file, never a crash.
set -u
: "${GLASS:?GLASS must point to the glass binary}"

T=$(mktemp -d "${TMPDIR:-/tmp}/glass-tls12.XXXXXX") || exit 1
TLS_PIDS=""
PW=pass:tlspw
SUITE=DHE-RSA-AES256-SHA256
# openssl s_server as a peer: TLS 1.2 and our one suite only.
OSSL_SERVER="openssl s_server -tls1_2 -cipher $SUITE"
OSSL_CLIENT="openssl s_client -tls1_2 -cipher $SUITE"

tls_cleanup() {
    for p in $TLS_PIDS; do kill "$p" 2>/dev/null; done
    for p in $TLS_PIDS; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null
    done
    rm -rf "$T"
}
trap tls_cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "FAIL: $*"
    exit 1
}

# need PROGRAM PACKAGE: the peer must be installed (scripts/deps.sh does it).
need() {
    command -v "$1" >/dev/null 2>&1 ||
        fail "$1 is not installed: apt-get install -y $2 (scripts/deps.sh)"
}

# wait_for FILE PATTERN [SECONDS]: until grep finds PATTERN in FILE.
wait_for() {
    i=0
    lim=$(( ${3:-20} * 10 ))
    while [ $i -lt $lim ]; do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    echo "timed out waiting for '$2' in $1:"
    sed 's/^/    | /' "$1" 2>/dev/null | tail -n 20
    return 1
}

# show FILE: a log, indented, for a failure message.
show() {
    sed 's/^/    | /' "$1" 2>/dev/null | tail -n 25
}

# A port nobody listens on: random in 20000..31999 (below the 32768.. Linux
# gives the local ends of outgoing connections, which a flood in another
# test can run through), checked with ss when present.
free_port() {
    while :; do
        p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 12000 ))
        if command -v ss >/dev/null 2>&1 && ss -ltn 2>/dev/null | grep -q ":$p "; then
            continue
        fi
        echo "$p"
        return
    done
}

# retry_start LOG PATTERN FN ARGS...: picks a free PORT and runs FN ARGS in
# the background (FN uses $PORT and ends in exec, so the process started is
# the server), stdin from /dev/null, until PATTERN shows in LOG; sets
# SERVER_PID (and BG_PID).  Several test suites share this machine, so a
# port found free can be taken a moment later: a start that fails is
# retried on another port, three times at most.
retry_start() {
    log=$1; pat=$2; shift 2
    for attempt in 1 2 3; do
        PORT=$(free_port)
        : >"$log"   # emptied first: the old log's lines must not satisfy the wait
        "$@" </dev/null >"$log" 2>&1 &
        BG_PID=$!
        TLS_PIDS="$TLS_PIDS $BG_PID"
        if wait_for "$log" "$pat" 20 >/dev/null; then
            SERVER_PID=$BG_PID
            return 0
        fi
        stop "$BG_PID"
    done
    show "$log"
    fail "the server did not start after 3 attempts: $*"
}

# stop PID: stops a process this test started, and waits for it.
stop() {
    kill "$1" 2>/dev/null
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

# glass_server LOG ARGS...: `glass s_server` on a free port (PORT), with
# the server certificate; waits for its ACCEPT line.
run_glass_server() { exec "$GLASS" s_server -accept "$PORT" -cert "$T/srv.pem" -key "$T/srv.key" "$@"; }
glass_server() {
    log=$1; shift
    retry_start "$log" ACCEPT run_glass_server "$@"
}

# ossl_server LOG ARGS...: `openssl s_server` (TLS 1.2, our suite).
run_ossl_server() { exec $OSSL_SERVER -accept "$PORT" -cert "$T/srv.pem" -key "$T/srv.key" "$@"; }
ossl_server() {
    log=$1; shift
    retry_start "$log" ACCEPT run_ossl_server "$@"
}

# glass_server_in DIR LOG ARGS...: glass s_server started in DIR (for -WWW).
run_glass_server_in() {
    cd "$1" || exit 1
    shift
    exec "$GLASS" s_server -accept "$PORT" -cert "$T/srv.pem" -key "$T/srv.key" "$@"
}
glass_server_in() {
    dir=$1; log=$2; shift 2
    retry_start "$log" ACCEPT run_glass_server_in "$dir" "$@"
}

# make_pki: $T/ca (the CA), srv.pem/key (localhost), alice (client),
# bob (client, revoked; crl.pem lists him), old (client, expired),
# mallory (client of another CA, $T/other).  Keys are unencrypted PEM.
make_pki() {
    (
        cd "$T" || exit 1
        "$GLASS" ca init --dir ca --subj "/CN=tls12 test CA" -pass $PW >pki.log 2>&1 &&
        "$GLASS" ca issue --dir ca --subj /CN=localhost --profile server \
            --san DNS:localhost,IP:127.0.0.1 -out srv.pem -keyout srv.key -pass $PW >>pki.log 2>&1 &&
        "$GLASS" ca issue --dir ca --subj /CN=alice --profile client -out alice.pem \
            -keyout alice.key -pass $PW >>pki.log 2>&1 &&
        "$GLASS" ca issue --dir ca --subj /CN=bob --profile client -out bob.pem \
            -keyout bob.key -pass $PW >>pki.log 2>&1 &&
        "$GLASS" ca revoke --dir ca "$(openssl x509 -in bob.pem -noout -serial | cut -d= -f2)" \
            -pass $PW >>pki.log 2>&1 &&
        "$GLASS" ca crl --dir ca -out crl.pem -pass $PW >>pki.log 2>&1 &&
        "$GLASS" ca init --dir other --subj "/CN=another CA" -pass $PW >>pki.log 2>&1 &&
        "$GLASS" ca issue --dir other --subj /CN=mallory --profile client -out mallory.pem \
            -keyout mallory.key -pass $PW >>pki.log 2>&1 &&
        openssl pkey -in ca/ca.key -passin $PW -out ca.plain.key 2>>pki.log &&
        openssl req -new -key alice.key -subj /CN=old -out old.csr 2>>pki.log &&
        # notAfter a day before notBefore: expired from the start.
        openssl x509 -req -in old.csr -CA ca/ca.pem -CAkey ca.plain.key -days -1 \
            -out old.pem >>pki.log 2>&1 &&
        cp alice.key old.key
    ) || { show "$T/pki.log"; fail "could not make the test certificates with glass ca"; }
}

[ "${TLS12_LIB_ONLY:-0}" = 1 ] && return 0

# ---- run on its own: the commands' help and their errors -------------------
# Usage errors: one line on stderr, exit 1, nothing on stdout.
one_line_error() {
    "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    [ $rc -eq 1 ] || fail "'$*' exited $rc, expected 1"
    [ "$(wc -l <"$T/err")" -eq 1 ] || { show "$T/err"; fail "'$*' did not print exactly one line"; }
    grep -q "^glass " "$T/err" || fail "'$*' error does not name the command: $(cat "$T/err")"
    [ ! -s "$T/out" ] || fail "'$*' printed on stdout"
}
for cmd in s_server s_client compare; do
    "$GLASS" $cmd --help >"$T/help" 2>&1 || fail "glass $cmd --help fails"
    grep -q "example" "$T/help" || fail "glass $cmd --help has no example"
done
make_pki
one_line_error "$GLASS" s_server -bogus
one_line_error "$GLASS" s_server -accept
one_line_error "$GLASS" s_server -accept 70000 -cert "$T/srv.pem" -key "$T/srv.key"
one_line_error "$GLASS" s_server -accept 0
one_line_error "$GLASS" s_server -accept 0 -cert "$T/nope.pem" -key "$T/srv.key"
one_line_error "$GLASS" s_server -accept 0 -cert "$T/srv.pem" -key "$T/alice.key"
one_line_error "$GLASS" s_server -accept 0 -cert "$T/srv.pem" -key "$T/srv.key" -Verify 1
one_line_error "$GLASS" s_server -accept 0 -cert "$T/srv.pem" -key "$T/srv.key" -www -rev
one_line_error "$GLASS" s_server -accept 0 -cert "$T/srv.pem" -key "$T/srv.key" -CAfile "$T/srv.key"
one_line_error "$GLASS" s_server -accept 0 -cert "$T/srv.pem" -key "$T/srv.key" -CRL "$T/srv.pem"
one_line_error "$GLASS" s_client -bogus
one_line_error "$GLASS" s_client -connect nohostport
one_line_error "$GLASS" s_client -connect 127.0.0.1:0
one_line_error "$GLASS" s_client
one_line_error "$GLASS" s_client -connect 127.0.0.1:1 -CAfile "$T/nope.pem"
one_line_error "$GLASS" s_client -connect 127.0.0.1:1 -cert "$T/alice.pem"
one_line_error "$GLASS" s_client -connect 127.0.0.1:1 -sess_in "$T/alice.pem"
one_line_error "$GLASS" s_client -connect 127.0.0.1:1 -impl nope
one_line_error "$GLASS" s_server -accept 0 -cert "$T/srv.pem" -key "$T/srv.key" -impl nope
one_line_error "$GLASS" compare --seed x
one_line_error "$GLASS" compare --format pdf
# A port nobody listens on: one line, exit 1.
p=$(free_port)
one_line_error "$GLASS" s_client -connect 127.0.0.1:$p -CAfile "$T/ca/ca.pem"
echo "tls12_lib: help and 22 command-line errors as specified"
