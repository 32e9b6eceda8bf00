#!/bin/sh
# tls12_reject.sh — handshakes that must fail, against real peers, each
# asserting the alert on the wire (RFC 5246 §7.2) from both ends:
#   glass s_server refuses, as openssl s_client / gnutls-cli report it:
#     a client certificate from another CA       unknown_ca (48)
#     an expired client certificate              certificate_expired (45)
#     a revoked client certificate (-CRL)        certificate_revoked (44)
#     no certificate when -Verify requires one   handshake_failure (40)
#     only FFDHE groups we do not have           insufficient_security (71, RFC 7919 §4)
#     only cipher suites we do not have          handshake_failure (40)
#   glass s_client refuses, as openssl s_server reports it:
#     a server chain from a CA it does not trust unknown_ca (48)
#     a certificate for another name             bad_certificate (42)
#   and says in one line what the server's alert was when the server
#   refuses it (no certificate for openssl s_server -Verify).
set -u
TLS12_LIB_ONLY=1
. "$(dirname "$0")/tls12_lib.sh"
need openssl openssl
need gnutls-cli gnutls-bin
make_pki
cd "$T" || exit 1

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
GET='GET / HTTP/1.0\r\n\r\n'
# refused WHO ALERT-NUMBER ALERT-NAME ARGS...: openssl s_client is refused
# with that alert, and glass s_server says it sent it.
refused() {
    num=$1; name=$2; shift 2
    before=$(grep -c "sent alert $name" srv.log)
    printf "$GET" | timeout 15 $OSSL_CLIENT -connect 127.0.0.1:$PORT -CAfile ca/ca.pem \
        -servername localhost "$@" >c.out 2>&1
    cat c.out
    grep -q "SSL alert number $num" c.out || return 1
    grep -q "HTTP/1.0 200" c.out && return 1
    i=0; while [ $i -lt 30 ] && [ "$(grep -c "sent alert $name" srv.log)" -le "$before" ]; do
        sleep 0.1; i=$((i + 1)); done
    [ "$(grep -c "sent alert $name" srv.log)" -gt "$before" ]
}

glass_server srv.log -www -CAfile "$T/ca/ca.pem" -CRL "$T/crl.pem" -Verify 1
cell "another CA's client certificate: unknown_ca" refused 48 unknown_ca -cert mallory.pem -key mallory.key
cell "expired client certificate: certificate_expired" refused 45 certificate_expired -cert old.pem -key old.key
cell "revoked client certificate (-CRL): certificate_revoked" refused 44 certificate_revoked -cert bob.pem -key bob.key
cell "no client certificate under -Verify: handshake_failure" refused 40 handshake_failure
cell "only suites we do not have (AES128-SHA): handshake_failure" refused 40 handshake_failure -cipher AES128-SHA
r_groups() {
    before=$(grep -c "sent alert insufficient_security" srv.log)
    printf "$GET" | timeout 15 gnutls-cli --x509cafile ca/ca.pem -p "$PORT" localhost \
        --x509certfile alice.pem --x509keyfile alice.key \
        --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+DHE-RSA:+AES-256-CBC:+SHA256:-GROUP-ALL:+GROUP-FFDHE8192" \
        >g.out 2>&1
    cat g.out
    grep -q "Received alert \[71\]" g.out || return 1
    sleep 0.3
    [ "$(grep -c "sent alert insufficient_security" srv.log)" -gt "$before" ]
}
cell "client offers only ffdhe8192: insufficient_security (RFC 7919 §4)" r_groups
stop "$SERVER_PID"

# glass s_client refuses the server
ossl_server srv.log -www
c_refuses() { # c_refuses NUM NAME ARGS...: glass s_client fails, openssl s_server saw the alert
    num=$1; name=$2; shift 2
    printf "$GET" | timeout 15 "$GLASS" s_client -connect 127.0.0.1:$PORT "$@" >c.out 2>&1
    rc=$?
    cat c.out
    [ $rc -eq 1 ] && grep -q "alert $name sent" c.out && ! grep -q "HTTP/1.0 200" c.out || return 1
    i=0; while [ $i -lt 30 ] && ! grep -q "SSL alert number $num" srv.log; do sleep 0.1; i=$((i + 1)); done
    grep -q "SSL alert number $num" srv.log
}
cell "glass s_client, server chain from an untrusted CA: unknown_ca" c_refuses 48 unknown_ca \
    -CAfile other/ca.pem -servername localhost
stop "$SERVER_PID"
ossl_server srv.log -www
cell "glass s_client, certificate for another name: bad_certificate" c_refuses 42 bad_certificate \
    -CAfile ca/ca.pem -verify_hostname www.example.org
stop "$SERVER_PID"

ossl_server srv.log -www -CAfile ca/ca.pem -Verify 1
c_refused() {
    printf "$GET" | timeout 15 "$GLASS" s_client -connect 127.0.0.1:$PORT -CAfile ca/ca.pem >c.out 2>&1
    rc=$?
    cat c.out
    [ $rc -eq 1 ] && grep -q "^glass s_client: .*the server sent alert handshake_failure" c.out
}
cell "glass s_client without a certificate, openssl s_server -Verify: the alert named" c_refused
stop "$SERVER_PID"

echo "tls12_reject: $ok/$n cells"
[ -z "$failed" ] || fail "cells failed:$failed"
