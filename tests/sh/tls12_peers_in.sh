#!/bin/sh
# tls12_peers_in.sh — real TLS 1.2 clients against `glass s_server`:
# openssl s_client, curl, gnutls-cli and Python's ssl module (written the
# way the course writes it), each cell a real handshake on 127.0.0.1 plus
# application data both ways (an HTTP request in, a page out): without and
# with a client certificate (requested with -verify, required with
# -Verify), encrypt-then-MAC on and off, extended master secret on and off,
# and session-ID resumption (-sess_out/-sess_in and -reconnect).
#
# TLS12_SELFTEST=1 puts openssl s_server where glass s_server stands (the
# flags are the same), to check the harness itself; the glass-only lines
# of the status page are then not asserted.
set -u
TLS12_LIB_ONLY=1
. "$(dirname "$0")/tls12_lib.sh"
need openssl openssl
need curl curl
need gnutls-cli gnutls-bin
need python3 python3
make_pki
cd "$T" || exit 1
mkdir www && echo "<h1>glass page</h1>" >www/index.html

SELF=${TLS12_SELFTEST:-0}
# The server under test, started in www/ with the given flags.
run_self_server() { cd www || exit 1; exec $OSSL_SERVER -accept "$PORT" -cert ../srv.pem -key ../srv.key "$@"; }
srv() {
    log=$1; shift
    if [ "$SELF" = 1 ]; then
        retry_start "$log" ACCEPT run_self_server "$@"
    else
        glass_server_in www "$log" "$@"
    fi
}
# glass_says FILE PATTERN: asserted on glass's own page only.
glass_says() {
    [ "$SELF" = 1 ] || grep -q -- "$2" "$1"
}

n=0; ok=0; failed=""
cell() {
    cname=$1; shift
    n=$((n + 1))
    if "$@" >"$T/cell.log" 2>&1; then
        ok=$((ok + 1)); echo "  ok   $cname"
    else
        failed="$failed
  $cname"; echo "  FAIL $cname"; show "$T/cell.log"; show "$T/srv.log"
    fi
}
GET='GET / HTTP/1.0\r\n\r\n'
ossl() { # ossl ARGS...: openssl s_client sending GET, its whole output in $T/c.out
    printf "$GET" | timeout 15 $OSSL_CLIENT -connect 127.0.0.1:$PORT -CAfile ca/ca.pem \
        -servername localhost -ign_eof "$@" >"$T/c.out" 2>&1
    cat "$T/c.out"
}

# -- openssl s_client -----------------------------------------------------------
srv "$T/srv.log" -www
c_plain() {
    ossl && grep -q "Cipher is $SUITE" c.out && grep -qi "HTTP/1.[01] 200 ok" c.out &&
        grep -q "Verify return code: 0 (ok)" c.out && glass_says c.out "Protocol  : TLSv1.2"
}
cell "openssl s_client -> glass s_server (no client certificate)" c_plain
c_noetm() {
    ossl -no_etm && grep -qi "HTTP/1.[01] 200 ok" c.out && glass_says c.out "Encrypt-then-MAC: no"
}
c_etm() {
    ossl && grep -qi "HTTP/1.[01] 200 ok" c.out && glass_says c.out "Encrypt-then-MAC: yes" &&
        glass_says c.out "Extended master secret: yes"
}
cell "openssl s_client -> glass s_server, encrypt-then-MAC on" c_etm
cell "openssl s_client -> glass s_server, encrypt-then-MAC off (-no_etm: MAC-then-encrypt)" c_noetm
c_resume_files() {
    ossl -sess_out sess.pem && grep -q "^New, TLSv1.2" c.out && [ -s sess.pem ] &&
        ossl -sess_in sess.pem && grep -q "^Reused, TLSv1.2" c.out && grep -qi "HTTP/1.[01] 200 ok" c.out
}
cell "openssl s_client -> glass s_server, resumption (-sess_out, -sess_in)" c_resume_files
c_reconnect() {
    ossl -reconnect && [ "$(grep -c '^Reused, TLSv1.2' c.out)" -ge 5 ]
}
cell "openssl s_client -> glass s_server, resumption (-reconnect)" c_reconnect
stop "$SERVER_PID"

srv "$T/srv.log" -www -CAfile ../ca/ca.pem -verify 1
c_req_with() { ossl -cert alice.pem -key alice.key && grep -qi "HTTP/1.[01] 200 ok" c.out && glass_says c.out "CN=alice"; }
c_req_without() { ossl && grep -qi "HTTP/1.[01] 200 ok" c.out && glass_says c.out "Client certificate: (none)"; }
cell "openssl s_client -> glass s_server, client certificate requested, sent" c_req_with
cell "openssl s_client -> glass s_server, client certificate requested, none sent" c_req_without
stop "$SERVER_PID"

srv "$T/srv.log" -www -CAfile ../ca/ca.pem -Verify 1
cell "openssl s_client -> glass s_server, client certificate required, sent" c_req_with
stop "$SERVER_PID"

# -- curl, gnutls-cli, python against -WWW ---------------------------------
srv "$T/srv.log" -WWW -CAfile ../ca/ca.pem -verify 1
c_curl() {
    timeout 15 curl -sS --tlsv1.2 --tls-max 1.2 --cacert ca/ca.pem "$@" \
        "https://localhost:$PORT/index.html" | grep -q "glass page"
}
cell "curl -> glass s_server -WWW" c_curl
cell "curl -> glass s_server -WWW, with a client certificate" c_curl --cert alice.pem --key alice.key
gtls() { # gtls PRIORITY-SUFFIX ARGS...: gnutls-cli sending GET, output in $T/g.out
    pr="NORMAL:-VERS-ALL:+VERS-TLS1.2:+DHE-RSA:+AES-256-CBC:+SHA256$1"; shift
    printf 'GET /index.html HTTP/1.0\r\n\r\n' | timeout 15 gnutls-cli --x509cafile ca/ca.pem \
        --priority "$pr" -p "$PORT" localhost "$@" >"$T/g.out" 2>&1
    cat "$T/g.out"
}
c_gnutls() {
    gtls "$@" && grep -q "glass page" g.out &&
        grep -q "Description: (TLS1.2-X.509)-(DHE-.*)-(RSA-SHA256)-(AES-256-CBC)-(SHA256)" g.out
}
# gnutls-cli names what was negotiated on its "- Options:" line.
c_gnutls_no_ems() { c_gnutls ":%NO_SESSION_HASH" && ! grep "Options:" g.out | grep -q "extended master secret"; }
c_gnutls_ems() { c_gnutls "" && grep "Options:" g.out | grep -q "extended master secret"; }
c_gnutls_no_etm() { c_gnutls ":%NO_ETM" && ! grep "Options:" g.out | grep -q "EtM"; }
cell "gnutls-cli -> glass s_server (EMS on)" c_gnutls_ems
cell "gnutls-cli -> glass s_server, with a client certificate" c_gnutls "" \
    --x509certfile alice.pem --x509keyfile alice.key
cell "gnutls-cli -> glass s_server, extended master secret off (%NO_SESSION_HASH)" c_gnutls_no_ems
cell "gnutls-cli -> glass s_server, encrypt-then-MAC off (%NO_ETM)" c_gnutls_no_etm
# gnutls-cli --resume connects, disconnects and connects again offering the
# session; both ends must call the second handshake a resumption.
c_gnutls_resume() {
    gtls "" --resume; grep -q "This is a resumed session" g.out && glass_says srv.log ", resumed$"
}
cell "gnutls-cli -> glass s_server, resumption (--resume)" c_gnutls_resume
c_python() {
    timeout 15 python3 - "$PORT" <<'PY'
import socket, ssl, sys
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.maximum_version = ssl.TLSVersion.TLSv1_2
context.load_verify_locations(cafile='ca/ca.pem')
context.load_cert_chain(certfile='alice.pem', keyfile='alice.key')
with socket.create_connection(('127.0.0.1', int(sys.argv[1]))) as sock:
    with context.wrap_socket(sock, server_hostname='localhost') as tls:
        tls.sendall(b'GET /index.html HTTP/1.0\r\n\r\n')
        data = b''
        while True:
            chunk = tls.recv(4096)
            if not chunk:
                break
            data += chunk
        print(tls.version(), tls.cipher())
        sys.exit(0 if b'glass page' in data and tls.version() == 'TLSv1.2' else 1)
PY
}
cell "python ssl (course style, mutual) -> glass s_server" c_python
stop "$SERVER_PID"

srv "$T/srv.log" -WWW -CAfile ../ca/ca.pem -Verify 1
cell "python ssl (course style) -> glass s_server, certificate required" c_python
stop "$SERVER_PID"

echo "tls12_peers_in: $ok/$n cells"
[ -z "$failed" ] || fail "cells failed:$failed"
