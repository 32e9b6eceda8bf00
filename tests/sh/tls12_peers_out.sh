#!/bin/sh
# tls12_peers_out.sh — `glass s_client` against real TLS 1.2 servers:
# openssl s_server and gnutls-serv, each cell a real handshake on
# 127.0.0.1 plus application data both ways (a request out, a page back):
# without and with a client certificate (requested, required),
# encrypt-then-MAC on and off, extended master secret on and off, and
# session-ID resumption (-sess_out/-sess_in and -reconnect).
#
# TLS12_SELFTEST=1 puts openssl s_client where glass s_client stands, to
# check the harness itself; glass-only summary lines are then not asserted.
set -u
TLS12_LIB_ONLY=1
. "$(dirname "$0")/tls12_lib.sh"
need openssl openssl
need gnutls-serv gnutls-bin
make_pki
cd "$T" || exit 1

SELF=${TLS12_SELFTEST:-0}
GET='GET / HTTP/1.0\r\n\r\n'
# cli ARGS...: the client under test sends GET; its output in c.out.
cli() {
    if [ "$SELF" = 1 ]; then
        printf "$GET" | timeout 20 $OSSL_CLIENT -ign_eof -connect 127.0.0.1:$PORT \
            -servername localhost "$@" >c.out 2>&1
    else
        printf "$GET" | timeout 20 "$GLASS" s_client -connect 127.0.0.1:$PORT \
            -servername localhost "$@" >c.out 2>&1
    fi
    rc=$?
    cat c.out
    return $rc
}
glass_says() { [ "$SELF" = 1 ] || grep -q -- "$2" "$1"; }

n=0; ok=0; failed=""
cell() {
    cname=$1; shift
    n=$((n + 1))
    if "$@" >cell.log 2>&1; then
        ok=$((ok + 1)); echo "  ok   $cname"
    else
        failed="$failed
  $cname"; echo "  FAIL $cname"; show cell.log; show srv.log
    fi
}
CA="-CAfile ca/ca.pem"
ME="-cert alice.pem -key alice.key"

# -- openssl s_server ------------------------------------------------------------
ossl_server srv.log -www
o_plain() {
    cli $CA && grep -q "Cipher is $SUITE" c.out && grep -q "HTTP/1.0 200 ok" c.out &&
        grep -q "Verify return code: 0 (ok)" c.out &&
        glass_says c.out "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" &&
        glass_says c.out "Extended master secret: yes" && glass_says c.out "Encrypt-then-MAC: yes" &&
        glass_says c.out "Server Temp Key: DH, 2048 bits, modp14 (RFC 3526)"
}
cell "glass s_client -> openssl s_server (EMS and EtM on)" o_plain
o_files() {
    cli $CA -sess_out sess.pem && grep -q "^New, TLSv1.2" c.out && [ -s sess.pem ] &&
        cli $CA -sess_in sess.pem && grep -q "^Reused, TLSv1.2" c.out &&
        grep -q "HTTP/1.0 200 ok" c.out
}
cell "glass s_client -> openssl s_server, resumption (-sess_out, -sess_in)" o_files
o_reconnect() { cli $CA -reconnect && [ "$(grep -c '^Reused, TLSv1.2' c.out)" -ge 5 ]; }
cell "glass s_client -> openssl s_server, resumption (-reconnect)" o_reconnect
o_noverify() { cli && grep -q "HTTP/1.0 200 ok" c.out; }
cell "glass s_client (no -CAfile: verification reported) -> openssl s_server" o_noverify
stop "$SERVER_PID"

ossl_server srv.log -www -no_etm
o_noetm() { cli $CA && grep -q "HTTP/1.0 200 ok" c.out && glass_says c.out "Encrypt-then-MAC: no"; }
cell "glass s_client -> openssl s_server -no_etm (MAC-then-encrypt)" o_noetm
stop "$SERVER_PID"

# A group with no name in RFC 7919 or RFC 3526 (RFC 5114's 2048-bit group
# with a 256-bit subgroup): accepted after its checks, told by its size.
openssl genpkey -genparam -algorithm DH -pkeyopt dh_rfc5114:3 -out dh5114.pem 2>/dev/null ||
    fail "openssl cannot write RFC 5114 DH parameters"
ossl_server srv.log -www -dhparam dh5114.pem
o_unnamed() {
    cli $CA && grep -q "HTTP/1.0 200 ok" c.out &&
        glass_says c.out "Server Temp Key: DH, 2048 bits, unnamed 2048-bit group"
}
cell "glass s_client -> openssl s_server -dhparam (an unnamed group)" o_unnamed
stop "$SERVER_PID"

ossl_server srv.log -www -CAfile ca/ca.pem -verify 1
o_req() { cli $CA "$@" && grep -q "HTTP/1.0 200 ok" c.out; }
cell "glass s_client -> openssl s_server -verify, certificate sent" o_req $ME
cell "glass s_client -> openssl s_server -verify, none sent" o_req
stop "$SERVER_PID"

ossl_server srv.log -www -CAfile ca/ca.pem -Verify 1
o_req_alice() { o_req $ME && grep -q "CN = alice\|CN=alice" srv.log; }
cell "glass s_client -> openssl s_server -Verify, certificate sent" o_req_alice
stop "$SERVER_PID"

# -- gnutls-serv ---------------------------------------------------------------
GPRIO="NORMAL:-VERS-ALL:+VERS-TLS1.2:+DHE-RSA:+AES-256-CBC:+SHA256"
run_gserv() {
    pr="$GPRIO$1"; shift
    exec gnutls-serv --http -p "$PORT" --x509certfile srv.pem --x509keyfile srv.key \
        --priority "$pr" "$@"
}
gserv() { # gserv PRIORITY-SUFFIX ARGS...
    retry_start srv.log "listening" run_gserv "$@"
}
g_ok() { cli $CA "$@" && grep -q "HTTP/1.0 200 OK" c.out && grep -q "Cipher is $SUITE" c.out; }
gserv ""
g_ems() { g_ok && glass_says c.out "Extended master secret: yes"; }
cell "glass s_client -> gnutls-serv (EMS on)" g_ems
g_resume() { cli $CA -reconnect && [ "$(grep -c '^Reused, TLSv1.2' c.out)" -ge 5 ]; }
cell "glass s_client -> gnutls-serv, resumption (-reconnect)" g_resume
stop "$SERVER_PID"
gserv ":%NO_SESSION_HASH"
g_noems() { g_ok && glass_says c.out "Extended master secret: no"; }
cell "glass s_client -> gnutls-serv, extended master secret off" g_noems
stop "$SERVER_PID"
gserv ":%NO_ETM"
g_noetm() { g_ok && glass_says c.out "Encrypt-then-MAC: no"; }
cell "glass s_client -> gnutls-serv, encrypt-then-MAC off" g_noetm
stop "$SERVER_PID"
gserv "" --x509cafile ca/ca.pem --require-client-cert
g_mutual() { g_ok $ME && grep -q "alice" c.out; }
cell "glass s_client -> gnutls-serv, client certificate required" g_mutual
stop "$SERVER_PID"

echo "tls12_peers_out: $ok/$n cells"
[ -z "$failed" ] || fail "cells failed:$failed"
