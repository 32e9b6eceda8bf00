#!/bin/sh
# run-tests: alone=load
# tls12_keylog.sh — the NSS key log, checked against OpenSSL and used by
# tshark:
#   1. glass s_client against openssl s_server, both writing key logs: the
#      CLIENT_RANDOM lines (client random and master secret) are equal;
#   2. the same with openssl s_client against glass s_server;
#   3. SSLKEYLOGFILE in the environment does what -keylogfile does;
#   4. both Finished messages (RFC 5246 §7.4.9), as glass -msg and
#      openssl -msg print them on the two ends of one session, are equal;
#   5. tshark captures a curl session with glass s_server on the loopback
#      interface: with our key log it decrypts it and shows the HTTP
#      request and response; without it, the handshake is in clear and
#      the data is only encrypted application data.
set -u
TLS12_LIB_ONLY=1
. "$(dirname "$0")/tls12_lib.sh"
need openssl openssl
need curl curl
need tshark tshark
make_pki
cd "$T" || exit 1
mkdir www && echo "<h1>glass page under the wire</h1>" >www/index.html

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
same_lines() { # same_lines A B: the CLIENT_RANDOM lines of two key logs, equal and not empty
    grep CLIENT_RANDOM "$1" | sort >"$1.cr"
    grep CLIENT_RANDOM "$2" | sort >"$2.cr"
    [ -s "$1.cr" ] && cmp -s "$1.cr" "$2.cr" || { echo "$1:"; cat "$1.cr"; echo "$2:"; cat "$2.cr"; return 1; }
}
# finished DIR FILE: the hex of the Finished message sent (>>>) or received (<<<).
finished() {
    awk -v d="$1" '$1 == d && /Handshake \[length 0010\], Finished/ { getline; print }' "$2" |
        tr -d ' \n'
}

# 1 and 4: glass s_client -> openssl s_server
ossl_server srv.log -www -keylogfile ossl.keys -msg
k_client() {
    printf "$GET" | timeout 20 "$GLASS" s_client -connect 127.0.0.1:$PORT -servername localhost \
        -CAfile ca/ca.pem -keylogfile glass.keys -msg >c.out 2>&1 && same_lines glass.keys ossl.keys
}
cell "glass s_client key log == openssl s_server key log" k_client
k_finished() {
    cf=$(finished '>>>' c.out); sf=$(finished '<<<' c.out)
    ocf=$(finished '<<<' srv.log); osf=$(finished '>>>' srv.log)
    echo "client Finished: glass $cf, openssl $ocf"
    echo "server Finished: glass $sf, openssl $osf"
    [ ${#cf} -eq 32 ] && [ "$cf" = "$ocf" ] && [ ${#sf} -eq 32 ] && [ "$sf" = "$osf" ] && [ "$cf" != "$sf" ]
}
cell "both Finished messages: glass -msg == openssl -msg" k_finished
stop "$SERVER_PID"

# 1 again with the classic master secret (RFC 5246 §8.1, no EMS), and
# MAC-then-encrypt: still the same key log line as OpenSSL's.
ossl_server srv.log -www -keylogfile ossl-noems.keys
k_noems() {
    printf "$GET" | timeout 20 "$GLASS" s_client -connect 127.0.0.1:$PORT -servername localhost \
        -CAfile ca/ca.pem -no_ems -no_etm -keylogfile glass-noems.keys >c.out 2>&1 &&
        grep -q "Extended master secret: no" c.out && grep -q "Encrypt-then-MAC: no" c.out &&
        grep -q "HTTP/1.0 200 ok" c.out && same_lines glass-noems.keys ossl-noems.keys
}
cell "glass s_client -no_ems -no_etm: key log == openssl s_server's (classic master secret)" k_noems
stop "$SERVER_PID"

# 3: SSLKEYLOGFILE
ossl_server srv.log -www -keylogfile ossl2.keys
k_env() {
    printf "$GET" | SSLKEYLOGFILE=$T/env.keys timeout 20 "$GLASS" s_client -connect 127.0.0.1:$PORT \
        -servername localhost -CAfile ca/ca.pem >c.out 2>&1 && same_lines env.keys ossl2.keys &&
        [ "$(stat -c %a env.keys)" = 600 ]
}
cell "SSLKEYLOGFILE (mode 0600) == openssl s_server key log" k_env
stop "$SERVER_PID"

# 2: openssl s_client -> glass s_server (its -msg lines carry a "#1 " prefix)
glass_server srv.log -www -keylogfile glass-s.keys -msg
k_server() {
    printf "$GET" | timeout 20 $OSSL_CLIENT -connect 127.0.0.1:$PORT -CAfile ca/ca.pem -ign_eof \
        -keylogfile ossl-c.keys -msg >c.out 2>&1 && grep -qi "HTTP/1.[01] 200 ok" c.out && same_lines glass-s.keys ossl-c.keys
}
cell "glass s_server key log == openssl s_client key log" k_server
k_server_finished() {
    sed 's/^#[0-9]* //' srv.log >srv.msg
    cf=$(finished '<<<' srv.msg); sf=$(finished '>>>' srv.msg)
    ocf=$(finished '>>>' c.out); osf=$(finished '<<<' c.out)
    echo "client Finished: glass $cf, openssl $ocf"
    echo "server Finished: glass $sf, openssl $osf"
    [ ${#cf} -eq 32 ] && [ "$cf" = "$ocf" ] && [ ${#sf} -eq 32 ] && [ "$sf" = "$osf" ]
}
cell "both Finished messages: glass s_server -msg == openssl s_client -msg" k_server_finished
stop "$SERVER_PID"
glass_server srv.log -www -no_ems
k_server_noems() {
    printf "$GET" | timeout 20 $OSSL_CLIENT -connect 127.0.0.1:$PORT -CAfile ca/ca.pem -ign_eof \
        >c.out 2>&1 && grep -q "Extended master secret: no" c.out && grep -qi "HTTP/1.[01] 200 ok" c.out
}
cell "glass s_server -no_ems: openssl s_client sees no extended master secret" k_server_noems
stop "$SERVER_PID"

# 5: tshark on the loopback interface
glass_server_in www srv.log -WWW -keylogfile "$T/wire.keys"
tshark -i lo -f "tcp port $PORT" -w "$T/wire.pcap" -a duration:60 >tshark.log 2>&1 &
TSHARK_PID=$!; TLS_PIDS="$TLS_PIDS $TSHARK_PID"
wait_for tshark.log "Capturing on" 20 || fail "tshark cannot capture on lo (it needs root or the wireshark group)"
sleep 1
timeout 15 curl -sS --tlsv1.2 --tls-max 1.2 --cacert ca/ca.pem "https://localhost:$PORT/index.html" >page.html 2>curl.log
sleep 1
kill -INT "$TSHARK_PID" 2>/dev/null
i=0; while kill -0 "$TSHARK_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
stop "$TSHARK_PID"
stop "$SERVER_PID"
k_page() { grep -q "glass page under the wire" page.html; }
cell "curl fetched the page while tshark listened" k_page
# -z follow,tls prints the decrypted application data of the stream, both ways.
k_decrypt() {
    tshark -r wire.pcap -o "tls.keylog_file:$T/wire.keys" -d "tcp.port==$PORT,tls" -Y http \
        >http.txt 2>/dev/null
    tshark -r wire.pcap -o "tls.keylog_file:$T/wire.keys" -d "tcp.port==$PORT,tls" -q \
        -z follow,tls,ascii,0 >dec.txt 2>/dev/null
    cat http.txt dec.txt
    grep -q "GET /index.html HTTP/1.1" http.txt && grep -qi "HTTP/1.[01] 200 ok" dec.txt &&
        grep -q "glass page under the wire" dec.txt
}
cell "tshark with our key log: the HTTP request and response in clear" k_decrypt
k_sealed() {
    tshark -r wire.pcap -d "tcp.port==$PORT,tls" -Y http >nohttp.txt 2>/dev/null
    tshark -r wire.pcap -d "tcp.port==$PORT,tls" -Y "tls.handshake.type == 1" >hello.txt 2>/dev/null
    tshark -r wire.pcap -d "tcp.port==$PORT,tls" -Y "tls.app_data" >app.txt 2>/dev/null
    tshark -r wire.pcap -d "tcp.port==$PORT,tls" -q -z follow,tls,ascii,0 >nodec.txt 2>/dev/null
    [ ! -s nohttp.txt ] && grep -q "Client Hello" hello.txt && [ -s app.txt ] &&
        ! grep -q "glass page" nodec.txt && ! grep -q "GET /index.html" nodec.txt
}
cell "tshark without it: handshake in clear, data encrypted" k_sealed

echo "tls12_keylog: $ok/$n cells"
[ -z "$failed" ] || fail "cells failed:$failed"
