#!/bin/sh
# net_reject.sh — what must be refused over real sockets, each refusal checked
# for its alert and for no application data delivered:
#   a server certificate from another CA      client sends unknown_ca
#   a client certificate from another CA      server sends unknown_ca
#   an expired client certificate             server sends certificate_expired
#   a revoked client certificate              server sends certificate_revoked,
#                                             also to a session already open
#   a man in the middle replacing g^y         client sends decrypt_error
#   garbage bytes, a truncated ClientHello    server sends an alert, serves on
#   a client that sends nothing               closed at --handshake-timeout,
#                                             while another client is served
#   an authenticated client that stays idle   close_notify at --idle-timeout
# and, before any of that, server options that are wrong (--bind, --www, a
# port in use): one line, exit 1, and nothing issued into the CA directory.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"
command -v bash >/dev/null || fail "bash is needed (for /dev/tcp)"
command -v python3 >/dev/null || fail "python3 is needed (for the man-in-the-middle proxy)"

make_ca "$T/ca" "/CN=Good CA"
make_ca "$T/ca2" "/CN=Other CA"
start_server "$T/ca" "$T/s1.log" --handshake-timeout 60
P1=$PORT
S1=$SERVER_PID

# 0. Wrong options are found before the server issues its own key and
#    certificate: a fresh CA directory stays exactly as `ca init` left it
#    (no server.key, server.pem, certs/ entry or index line).
make_ca "$T/ca3" "/CN=Options CA"
(cd "$T/ca3" && find . -type f | sort | xargs cat | cksum) >"$T/ca3.before"
badopt() {  # badopt MESSAGE OPTIONS...
    msg=$1
    shift
    timeout 60 "$GLASS" server --dir "$T/ca3" -pass "$PW" "$@" >"$T/opt.out" 2>"$T/opt.err"
    st=$?
    [ $st -eq 1 ] || { cat "$T/opt.err"; fail "server $*: exit $st, expected 1"; }
    [ "$(wc -l <"$T/opt.err")" -eq 1 ] || { cat "$T/opt.err"; fail "server $*: stderr is not one line"; }
    grep -qF -- "$msg" "$T/opt.err" || { cat "$T/opt.err"; fail "server $*: no '$msg'"; }
    (cd "$T/ca3" && find . -type f | sort | xargs cat | cksum) >"$T/ca3.after"
    cmp -s "$T/ca3.before" "$T/ca3.after" || { ls -R "$T/ca3"; fail "server $*: wrote into the CA directory"; }
}
badopt "glass server: --bind 'bogus': not an address to listen on" --bind bogus --port 0
badopt "glass server: --bind '': not an address to listen on" --bind '' --port 0
badopt "glass server: --www: $T/missing is not a directory" --www "$T/missing" --port 0
badopt "glass server: --www: $T/ca3/ca.pem is not a directory" --www "$T/ca3/ca.pem" --port 0
badopt "glass server: cannot listen on 127.0.0.1:$P1: Address already in use" --port "$P1"
start_server "$T/ca2" "$T/s2.log" --handshake-timeout 60
P2=$PORT
S2=$SERVER_PID
for n in alice bob carol; do enroll "$T/ca" $n "$P1" "$T/$n"; done
enroll "$T/ca2" mallory "$P2" "$T/mallory"

gate() {
    while [ ! -f "$1" ] && [ -d "$T" ]; do sleep 0.1; done
}
# connected ID PORT TAG: a chat client in the background, its input held open
# until $T/stop-TAG exists, output in $T/TAG.out and $T/TAG.err; returns once
# it is connected, with its pid in CHAT_PID.
connected() {
    gate "$T/stop-$3" | timeout 600 "$GLASS" client chat --server "127.0.0.1:$2" --id "$1" \
        -pass "$PW" --wait 1 >"$T/$3.out" 2>"$T/$3.err" &
    CHAT_PID=$!
    NET_PIDS="$NET_PIDS $CHAT_PID"
    wait_for "$T/$3.out" "^connected to" 60 || fail "$3 did not connect"
}

# bob listens on server 1 for the whole test: nothing refused may reach him.
connected "$T/bob" "$P1" bob
BOB=$CHAT_PID

# refused ID PORT ALERT WHAT: a chat that must fail with ALERT and deliver nothing.
refused() {
    printf '/to bob %s\n' "leak-$4" | timeout 60 "$GLASS" client chat --server "127.0.0.1:$2" \
        --id "$1" -pass "$PW" --wait 1 >"$T/r.out" 2>"$T/r.err"
    st=$?
    [ $st -eq 1 ] || { cat "$T/r.out" "$T/r.err"; fail "$4: exit $st, expected 1"; }
    grep -q "$3" "$T/r.err" || { cat "$T/r.err"; fail "$4: no $3 in the client's message"; }
    grep -q "^connected to" "$T/r.out" && fail "$4: the client says it connected"
    return 0
}

# 1. A server certificate from another CA: alice (trusting CA 1) meets server 2.
refused "$T/alice" "$P2" "unknown_ca" "server from another CA"
grep -q "unknown_ca (alert unknown_ca sent)\|alert unknown_ca sent" "$T/r.err" || fail "the client did not send unknown_ca"
wait_for "$T/s2.log" "alert received: unknown_ca" 10 || fail "server 2 did not receive unknown_ca"
grep -q "handshake ok: alice" "$T/s2.log" && fail "server 2 accepted alice"

# 2. A client certificate from another CA: mallory's certificate is from CA 2,
#    but mallory trusts CA 1 (so the server is accepted, and must refuse).
cp "$T/ca/ca.pem" "$T/mallory/ca.pem"
refused "$T/mallory" "$P1" "unknown_ca" "client from another CA"
grep -q "alert sent: unknown_ca" "$T/s1.log" || fail "server 1 did not send unknown_ca"
grep -q "handshake ok: mallory" "$T/s1.log" && fail "server 1 accepted mallory"

# 3. An expired client certificate: alice's key, CA 1's signature, validity in
#    2020 (made with openssl ca, which can back-date).
mkdir -p "$T/oca" "$T/alice-old"
: >"$T/oca/index.txt"
echo 1000 >"$T/oca/serial"
cat >"$T/oca/ca.cnf" <<EOF
[ ca ]
default_ca = d
[ d ]
database = $T/oca/index.txt
new_certs_dir = $T/oca
serial = $T/oca/serial
default_md = sha256
policy = p
x509_extensions = x
unique_subject = no
[ p ]
commonName = supplied
[ x ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
EOF
openssl req -new -key "$T/alice/key.pem" -passin "$PW" -subj /CN=alice -out "$T/oca/alice.csr" ||
    fail "openssl req"
openssl ca -batch -config "$T/oca/ca.cnf" -cert "$T/ca/ca.pem" -keyfile "$T/ca/ca.key" \
    -passin "$PW" -in "$T/oca/alice.csr" -out "$T/alice-old/cert.pem" -notext \
    -startdate 20200101000000Z -enddate 20200201000000Z >"$T/oca/log" 2>&1 ||
    { cat "$T/oca/log"; fail "openssl ca (expired certificate)"; }
cp "$T/alice/key.pem" "$T/alice/ca.pem" "$T/alice-old/"
refused "$T/alice-old" "$P1" "certificate_expired" "expired client certificate"
grep -q "alert sent: certificate_expired" "$T/s1.log" || fail "server 1 did not send certificate_expired"

# 4. A revoked client certificate: carol, revoked with `glass ca revoke` while
#    she is connected.  The open session ends with a fatal certificate_revoked
#    (not close_notify); a new connection is refused in the handshake.
connected "$T/carol" "$P1" carol
CAROL=$CHAT_PID
serial=$(openssl x509 -in "$T/carol/cert.pem" -noout -serial | sed 's/^serial=//')
"$GLASS" ca revoke --dir "$T/ca" -pass "$PW" "$serial" >"$T/revoke.log" 2>&1 ||
    { cat "$T/revoke.log"; fail "glass ca revoke $serial"; }
wait_for "$T/s1.log" "refused carol: certificate revoked (while connected)" 20 ||
    fail "server 1 did not end carol's open session"
wait_for "$T/carol.err" "certificate_revoked" 20 || fail "carol was not told certificate_revoked"
touch "$T/stop-carol"
wait "$CAROL"
st=$?
[ $st -eq 1 ] || { cat "$T/carol.out" "$T/carol.err"; fail "carol's session: exit $st, expected 1"; }
grep -q "the server sent alert certificate_revoked" "$T/carol.err" ||
    { cat "$T/carol.err"; fail "carol was not told certificate_revoked"; }
grep -q "alert sent: certificate_revoked" "$T/s1.log" || fail "server 1 did not send certificate_revoked"
refused "$T/carol" "$P1" "certificate_revoked" "revoked client certificate"
[ "$(grep -c "alert sent: certificate_revoked" "$T/s1.log")" -ge 2 ] ||
    fail "server 1 did not refuse carol's new handshake with certificate_revoked"

# 5. A man in the middle who replaces the server's g^y in ServerKeyExchange
#    by 2 (a valid group element: only the signature can catch it).
cat >"$T/mitm.py" <<'EOF'
import socket, sys, threading
sport = int(sys.argv[1])
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1); ls.settimeout(60)
print("mitm listening on %d" % ls.getsockname()[1], flush=True)
c, _ = ls.accept(); s = socket.create_connection(("127.0.0.1", sport), timeout=60)
c.settimeout(60); s.settimeout(60)
def pump(a, b, tamper):
    buf = b""
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            if not tamper: b.sendall(d); continue
            buf += d
            # whole records: type(1) version(2) length(2) fragment
            while len(buf) >= 5 and len(buf) >= 5 + int.from_bytes(buf[3:5], "big"):
                n = 5 + int.from_bytes(buf[3:5], "big"); rec = bytearray(buf[:n]); buf = buf[n:]
                if rec[0] == 22:
                    i = 5
                    while i + 4 <= len(rec):
                        t, l = rec[i], int.from_bytes(rec[i+1:i+4], "big")
                        if t == 12:   # ServerKeyExchange: group(2) Ys_len(2) Ys ...
                            ylen = int.from_bytes(rec[i+6:i+8], "big")
                            rec[i+8:i+8+ylen] = b"\0" * (ylen - 1) + b"\2"
                            print("mitm: replaced g^y (%d bytes) with 2" % ylen, flush=True)
                        i += 4 + l
                b.sendall(bytes(rec))
    except OSError:
        pass
    for x in (a, b):
        try: x.shutdown(socket.SHUT_RDWR)
        except OSError: pass
t = threading.Thread(target=pump, args=(s, c, True)); t.start()
pump(c, s, False); t.join()
EOF
timeout 90 python3 "$T/mitm.py" "$P1" >"$T/mitm.log" 2>&1 &
NET_PIDS="$NET_PIDS $!"
wait_for "$T/mitm.log" "^mitm listening on" 30 || fail "the proxy did not start"
MP=$(sed -n 's/^mitm listening on //p' "$T/mitm.log")
refused "$T/alice" "$MP" "decrypt_error" "replaced g^y"
grep -q "replaced g^y" "$T/mitm.log" || { cat "$T/mitm.log"; fail "the proxy did not see ServerKeyExchange"; }

# 6. Garbage: an HTTP request instead of a ClientHello.  The server answers
#    with a fatal alert record (content type 21) and closes.
bash -c "exec 3<>/dev/tcp/127.0.0.1/$P1; printf 'GET / HTTP/1.0\r\n\r\n' >&3; timeout 10 od -An -tx1 <&3" >"$T/garbage.out" 2>&1
grep -q "^ *15 47 01 00 02 02" "$T/garbage.out" || { cat "$T/garbage.out"; fail "no fatal alert record for garbage"; }

# 7. A truncated ClientHello: the handshake header promises 2 bytes, which is
#    not a ClientHello (decode_error, 50 = 0x32).
bash -c "exec 3<>/dev/tcp/127.0.0.1/$P1; printf '\026\107\001\000\006\001\000\000\002\107\001' >&3; timeout 10 od -An -tx1 <&3" >"$T/trunc.out" 2>&1
grep -q "^ *15 47 01 00 02 02 32" "$T/trunc.out" || { cat "$T/trunc.out"; fail "no decode_error alert for a truncated ClientHello"; }
grep -q "alert sent: decode_error" "$T/s1.log" || fail "server 1 did not log decode_error"

# bob got nothing from any of the refused clients, and is still connected.
touch "$T/stop-bob"
wait "$BOB" || { cat "$T/bob.err"; fail "bob's session failed"; }
grep -q "leak-" "$T/bob.out" && { cat "$T/bob.out"; fail "a refused client's message was delivered"; }

# 8. A client that connects and sends nothing: closed after the handshake
#    timeout, and meanwhile another client is served normally.
start_server "$T/ca" "$T/s3.log" --handshake-timeout 6 --idle-timeout 3
P3=$PORT
bash -c "exec 3<>/dev/tcp/127.0.0.1/$P3; s=\$(date +%s); timeout 30 cat <&3 >/dev/null; echo \$((\$(date +%s) - s))" >"$T/silent.out" 2>&1 &
SILENT=$!
NET_PIDS="$NET_PIDS $SILENT"
sleep 0.3
printf '/who\n' | timeout 60 "$GLASS" client chat --server "127.0.0.1:$P3" --id "$T/alice" \
    -pass "$PW" --wait 5 >"$T/during.out" 2>&1 || { cat "$T/during.out"; fail "a client during the silent one failed"; }
grep -q "^\* connected: alice" "$T/during.out" || fail "no /who answer while a silent client waits"
kill -0 "$SILENT" 2>/dev/null || fail "the silent client was closed before the timeout"
wait "$SILENT"
took=$(cat "$T/silent.out")
[ "$took" -ge 4 ] && [ "$took" -le 20 ] || fail "the silent client was closed after ${took}s, expected about 6"
grep -q "timeout: no complete handshake within 6 s" "$T/s3.log" || fail "server 3 did not log the timeout"

# 9. An authenticated client that stays silent: closed with close_notify
#    after --idle-timeout (3 s); the client sees an orderly close.
connected "$T/bob" "$P3" idle
IDLE=$CHAT_PID
wait_for "$T/idle.out" "the server closed the connection" 20 || fail "the idle client was not closed"
touch "$T/stop-idle"
wait "$IDLE" || { cat "$T/idle.err"; fail "the idle client exited non-zero"; }
grep -q "timeout: bob idle for 3 s" "$T/s3.log" || fail "server 3 did not log the idle timeout"

# Every server is still alive and stops cleanly.
stop_server
SERVER_PID=$S2
stop_server
SERVER_PID=$S1
stop_server
echo "net rejections: ok"
