#!/bin/sh
# tls12_tools.sh — what s_server and s_client do beyond the handshake, and
# glass compare:
#   - glass compare: every message of both handshakes, ChangeCipherSpec as
#     TLS-only, the RFC clause named; the same seed gives the same output;
#     --format html is a table;
#   - glass walkthrough --protocol tls12: every message, both sides'
#     master secrets equal, reproducible with a seed;
#   - -rev sends lines back reversed; -www names protocol, suite, group,
#     key sizes and the client's certificate;
#   - -WWW path checks: "..", a symbolic link out of the tree, a missing
#     file, a file over 1 MiB are refused (403/404), never served;
#   - many clients at once: a silent connection does not hold up eight
#     concurrent fetches, and is dropped at --handshake-timeout; -naccept N
#     exits after N connections;
#   - -msg and -trace against openssl s_server: every message named, every
#     secret derived, no message left unparsed;
#   - glass s_client meeting a glass (not TLS) server says so in one line.
set -u
TLS12_LIB_ONLY=1
. "$(dirname "$0")/tls12_lib.sh"
need openssl openssl
need curl curl
make_pki
cd "$T" || exit 1

# secret_hex SIDE NAME FILE: the bytes printed under "SIDE   derive NAME",
# from the continuation lines (indented six or more) that are hex only.
secret_hex() {
    awk -v side="$1" -v name="$2" '
        $0 ~ "^" side "   derive " name " " { f = 1; next }
        f && substr($0, 1, 7) == side "      " { s = $0; sub("^" side " +", "", s)
                                              if (s ~ /^[0-9a-f]+$/) h = h s; next }
        f { exit }
        END { print h }' "$3"
}

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

# -- glass compare ------------------------------------------------------------
t_compare() {
    "$GLASS" compare --seed 3 >cmp1.txt 2>cmp.err && "$GLASS" compare --seed 3 >cmp2.txt 2>/dev/null &&
        cmp -s cmp1.txt cmp2.txt || return 1
    for m in ClientHello ServerHello Certificate ServerKeyExchange CertificateRequest \
             ServerHelloDone ClientKeyExchange CertificateVerify ChangeCipherSpec Finished; do
        grep -q " $m " cmp1.txt || { echo "no row for $m"; return 1; }
    done
    grep -q "RFC 5246 §7.4.1.2" cmp1.txt && grep -q "only in TLS 1.2: .*dh_p" cmp1.txt &&
        grep -q "glass has no ChangeCipherSpec" cmp1.txt && grep -q "DETERMINISTIC" cmp.err
}
cell "glass compare: every message, the clauses, the same seed gives the same bytes" t_compare
t_html() {
    "$GLASS" compare --format html >cmp.html 2>/dev/null && grep -q "<table" cmp.html &&
        grep -q "</html>" cmp.html && [ "$(grep -c "<tr>" cmp.html)" -ge 12 ]
}
cell "glass compare --format html: a table" t_html

t_walk() {
    "$GLASS" walkthrough --protocol tls12 --seed 5 >w1.txt 2>/dev/null &&
        "$GLASS" walkthrough --protocol tls12 --seed 5 >w2.txt 2>/dev/null && cmp -s w1.txt w2.txt ||
        return 1
    for m in ClientHello ServerHello Certificate ServerKeyExchange CertificateRequest \
             ServerHelloDone ClientKeyExchange CertificateVerify Finished; do
        grep -q "Handshake \[length [0-9a-f]*\], $m" w1.txt || { echo "no $m"; return 1; }
    done
    # Both sides derive the same master secret, and say so with its bytes.
    # (the hex may run over two lines: 32 bytes a line within 100 columns)
    cm=$(secret_hex C master_secret w1.txt)
    sm=$(secret_hex S master_secret w1.txt)
    echo "client $cm / server $sm"
    [ ${#cm} -eq 96 ] && [ "$cm" = "$sm" ] && grep -q "ChangeCipherSpec" w1.txt &&
        grep -q "application data, as the program receives it: GET / HTTP/1.0" w1.txt &&
        ! grep -q "does not parse" w1.txt
}
cell "glass walkthrough --protocol tls12: every message, both sides agree, reproducible" t_walk

# -- -rev and -www ------------------------------------------------------------
glass_server srv.log -rev
t_rev() {
    printf 'hello glass\nsecond line\n' | timeout 15 $OSSL_CLIENT -connect 127.0.0.1:$PORT \
        -CAfile ca/ca.pem -quiet >rev.out 2>&1 &
    cpid=$!
    i=0; while [ $i -lt 100 ] && ! grep -q "enil dnoces" rev.out; do sleep 0.1; i=$((i + 1)); done
    kill $cpid 2>/dev/null; wait $cpid 2>/dev/null
    cat rev.out
    grep -q "ssalg olleh" rev.out && grep -q "enil dnoces" rev.out
}
cell "-rev: lines come back reversed" t_rev
stop "$SERVER_PID"

# -impl: the records' AES chosen from aes.h's table, each side its own; the
# bytes on the wire do not depend on it (openssl s_client and glass
# s_client -impl table both read the bitsliced server).
glass_server srv.log -rev -impl ct
t_impl() {
    t_rev && printf 'table side\n' | timeout 15 "$GLASS" s_client -connect 127.0.0.1:$PORT \
        -CAfile ca/ca.pem -quiet -impl table >impl.out 2>&1
    cat impl.out
    grep -q "edis elbat" impl.out
}
cell "-impl ct (server) and -impl table (client): the same records" t_impl
stop "$SERVER_PID"

glass_server srv.log -www -CAfile "$T/ca/ca.pem" -verify 1
t_status() {
    timeout 15 curl -sS --cacert ca/ca.pem --cert alice.pem --key alice.key \
        "https://localhost:$PORT/" >page.txt && cat page.txt &&
        grep -q "Protocol  : TLSv1.2" page.txt && grep -q "Cipher    : DHE-RSA-AES256-SHA256" page.txt &&
        grep -q "Group     : ffdhe2048 (2048-bit DH)" page.txt &&
        grep -q "Client certificate: /CN=alice" page.txt && grep -q "Client public key: 2048 bit" page.txt &&
        grep -q "Server name asked: localhost" page.txt
}
cell "-www: the status page" t_status
stop "$SERVER_PID"

# -- -WWW path checks -----------------------------------------------------------
mkdir -p www/sub && echo "inside" >www/sub/in.txt && echo "SECRET-OUTSIDE" >secret.txt
ln -s ../secret.txt www/link.txt
head -c 1100000 /dev/zero >www/big.bin
glass_server_in www srv.log -WWW
code() { timeout 15 curl -s --path-as-is -o body.txt -w '%{http_code}' --cacert ca/ca.pem \
    "https://localhost:$PORT$1"; }
t_paths() {
    c1=$(code /sub/in.txt); c2=$(code /../secret.txt); c3=$(code /sub/../../secret.txt)
    c4=$(code /link.txt); c5=$(code /nope.txt); c6=$(code /big.bin); c7=$(code /%2e%2e/secret.txt)
    echo "in=$c1 dotdot=$c2 dotdot2=$c3 link=$c4 missing=$c5 big=$c6 encoded=$c7"
    [ "$c1" = 200 ] && [ "$c2" = 403 ] && [ "$c3" = 403 ] && [ "$c4" = 403 ] && [ "$c5" = 404 ] &&
        [ "$c6" != 200 ] && [ "$c7" = 403 ] && ! grep -q SECRET-OUTSIDE body.txt
}
cell "-WWW: .., links out, missing, too large and encoded paths refused" t_paths
stop "$SERVER_PID"

# -- many clients at once, timeouts, -naccept ------------------------------------
glass_server_in www srv.log -WWW --handshake-timeout 3
t_many() {
    # A connection that never says a word, held open while eight clients fetch.
    python3 -c "import socket,time; s=socket.create_connection(('127.0.0.1',$PORT)); time.sleep(6)" &
    idle=$!
    sleep 0.3
    pids=""
    for i in 1 2 3 4 5 6 7 8; do
        timeout 20 curl -sS --cacert ca/ca.pem "https://localhost:$PORT/sub/in.txt" >got.$i 2>&1 &
        pids="$pids $!"
    done
    for p in $pids; do wait $p; done
    good=0
    for i in 1 2 3 4 5 6 7 8; do grep -q inside got.$i && good=$((good + 1)); done
    echo "$good of 8 fetched"
    wait_for srv.log "handshake timeout" 10
    wait $idle 2>/dev/null
    [ $good -eq 8 ] && grep -q "handshake timeout after 3s" srv.log
}
cell "eight concurrent clients beside a silent one; the silent one timed out" t_many
stop "$SERVER_PID"
t_naccept() {
    glass_server na.log -www -naccept 2
    spid=$SERVER_PID
    for i in 1 2; do timeout 15 curl -s --cacert ca/ca.pem "https://localhost:$PORT/" >/dev/null; done
    i=0; while kill -0 $spid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 $spid 2>/dev/null; then stop $spid; return 1; fi
    wait $spid
}
cell "-naccept 2: exits 0 after two connections" t_naccept

# -- -msg and -trace against openssl ----------------------------------------------
ossl_server srv.log -www
GET='GET / HTTP/1.0\r\n\r\n'
t_trace() {
    printf "$GET" | timeout 20 "$GLASS" s_client -connect 127.0.0.1:$PORT -CAfile ca/ca.pem \
        -servername localhost -trace >trace.out 2>&1 || return 1
    for m in ClientHello ServerHello Certificate ServerKeyExchange ServerHelloDone \
             ClientKeyExchange Finished; do
        grep -q "Handshake \[length [0-9a-f]*\], $m" trace.out || { echo "no $m"; return 1; }
    done
    for s in master_secret key_block client_write_key "client verify_data"; do
        grep -q "derive $s" trace.out || { echo "no $s"; return 1; }
    done
    grep -q "ServerKeyExchange.dh_p " trace.out && grep -q "ClientHello.extension " trace.out &&
        grep -q "ok: Finished" trace.out && ! grep -q "does not parse" trace.out
}
cell "s_client -trace: every message dissected, every secret shown" t_trace
t_msg() {
    printf "$GET" | timeout 20 "$GLASS" s_client -connect 127.0.0.1:$PORT -CAfile ca/ca.pem \
        -servername localhost -msg >msg.out 2>&1 || return 1
    grep -q '^>>> Handshake \[length [0-9a-f]*\], ClientHello' msg.out &&
        grep -q '^<<< ChangeCipherSpec' msg.out && ! grep -q "derive" msg.out
}
cell "s_client -msg: one line per message, no secrets" t_msg
stop "$SERVER_PID"

# -- a glass server is not a TLS server ---------------------------------------
run_relay() { exec "$GLASS" server --dir "$T/ca" -pass $PW --port "$PORT"; }
retry_start glass-srv.log "listening on" run_relay
GPID=$SERVER_PID
t_glass_peer() {
    timeout 15 "$GLASS" s_client -connect 127.0.0.1:$PORT -CAfile ca/ca.pem -servername localhost \
        </dev/null >c.out 2>&1
    rc=$?
    cat c.out
    [ $rc -eq 1 ] && [ "$(wc -l <c.out)" -le 2 ] && grep -q "speaks glass, not TLS" c.out
}
cell "s_client meeting the glass server: one line says so" t_glass_peer
stop "$GPID"

echo "tls12_tools: $ok/$n cells"
[ -z "$failed" ] || fail "cells failed:$failed"
