#!/bin/sh
# net_fetch.sh — page fetch over real sockets (docs/PROTOCOL.md §7.1): a
# glass server publishes DIR/www; `glass client get` and the chat's /get
# fetch files byte for byte (one piece and many), 404 for what is not there,
# 403 for every way out of the directory (.., %2e%2e, an absolute path, a
# symbolic link, inside or out: none is followed), 400 for a malformed target, 500 beyond
# the 1 MiB limit; -o writes nothing on failure; requests written by hand
# (--request) that break the HTTP/1.1 rules get 400, 405 or 505.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"

make_ca "$T/ca" "/CN=Fetch Test CA"
W="$T/ca/www"
mkdir -p "$W/sub" "$T/outside"
printf '<html><body>hello from glass</body></html>\n' >"$W/index.html"
printf 'plain text\n' >"$W/a.txt"
printf 'in a subdirectory\n' >"$W/sub/b.txt"
# 300 000 random bytes: many FetchResponse pieces.
head -c 300000 /dev/urandom >"$W/rand.bin"
# One byte more than the limit.
head -c 1048577 /dev/zero >"$W/big.bin"
printf 'the secret outside\n' >"$T/secret.txt"
printf 'also outside\n' >"$T/outside/s.txt"
ln -s "$T/outside" "$W/out"            # a directory link leading out
ln -s "$T/secret.txt" "$W/leak.txt"    # a file link leading out
ln -s a.txt "$W/alias.txt"             # a link that stays inside: refused too
mkfifo "$W/fifo"                       # a named pipe: 403 at once, never a frozen server

start_server "$T/ca" "$T/server.log" --handshake-timeout 120
grep -q "publishing $W" "$T/server.log" || grep -q "publishing .*/www" "$T/server.log" ||
    fail "the server did not publish DIR/www by default"
enroll "$T/ca" alice "$PORT" "$T/alice"

get() {   # get PATH [args...]: glass client get, output in $T/get.out/.err
    p=$1
    shift
    timeout 60 "$GLASS" client get --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
        "$p" "$@" >"$T/get.out" 2>"$T/get.err"
}
refused() {   # refused PATH STATUS: exit 1, one line naming the status, no file
    rm -f "$T/never"
    get "$1" -o "$T/never"
    st=$?
    [ $st -eq 1 ] || { cat "$T/get.err"; fail "get $1: exit $st, expected 1"; }
    grep -q "^glass client: get: .*: $2 " "$T/get.err" || { cat "$T/get.err"; fail "get $1: expected $2"; }
    [ ! -e "$T/never" ] || fail "get $1: -o wrote a file for a $2"
}

# ---- 1. files, byte for byte ---------------------------------------------------
get /a.txt -o "$T/a.txt" || { cat "$T/get.err"; fail "get /a.txt"; }
cmp "$W/a.txt" "$T/a.txt" || fail "/a.txt differs"
get /rand.bin -o "$T/rand.bin" || { cat "$T/get.err"; fail "get /rand.bin"; }
cmp "$W/rand.bin" "$T/rand.bin" || fail "/rand.bin (many pieces) differs"
get /sub/b.txt || fail "get /sub/b.txt to stdout"
cmp "$W/sub/b.txt" "$T/get.out" || fail "/sub/b.txt on stdout differs"
get / -o "$T/index.html" || fail "get /"
cmp "$W/index.html" "$T/index.html" || fail "/ is not index.html"
get '/a%2Etxt' || fail "a %2E escape was not decoded"
cmp "$W/a.txt" "$T/get.out" || fail "/a%2Etxt differs"
# -o replaces an existing file.
printf 'old\n' >"$T/replace.txt"
get /a.txt -o "$T/replace.txt" || fail "get -o over an existing file"
cmp "$W/a.txt" "$T/replace.txt" || fail "-o did not replace the file"

# ---- 2. refusals ----------------------------------------------------------------
refused /nothing.txt 404
refused /sub/nothing 404
refused /../secret.txt 403
refused /sub/../../secret.txt 403
refused /%2e%2e/secret.txt 403
refused /%2E%2E/secret.txt 403
refused //etc/passwd 403
refused /%2fetc/passwd 403
refused /out/s.txt 403
refused /leak.txt 403
refused /alias.txt 403
refused /fifo 403
refused /sub/b.txt/ 404
refused nopath 400
refused '/%zz' 400
refused '/a%00.txt' 400
refused /big.bin 500
grep -q "fetch alice: GET /../secret.txt -> 403" "$T/server.log" || fail "the server did not log the refusal"
grep -q "fetch alice: GET /rand.bin -> 200" "$T/server.log" || fail "the server did not log the fetch"

# ---- 3. /get in chat: the whole response, status line and header -------------
printf '/get /a.txt\n/get /nothing\n/get ../x\n' |
    timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
        --wait 10 >"$T/chat.out" 2>"$T/chat.err" || { cat "$T/chat.err"; fail "chat with /get"; }
grep -qx "HTTP/1.1 200 OK" "$T/chat.out" || { cat "$T/chat.out"; fail "/get: no 200 status line"; }
grep -qx "Content-Type: text/plain; charset=utf-8" "$T/chat.out" || fail "/get: no Content-Type"
grep -qx "Content-Length: 11" "$T/chat.out" || fail "/get: no Content-Length"
grep -qx "plain text" "$T/chat.out" || fail "/get: no body"
grep -qx "HTTP/1.1 404 Not Found" "$T/chat.out" || fail "/get: no 404"
grep -qx "HTTP/1.1 400 Bad Request" "$T/chat.out" || fail "/get ../x: no 400"

# ---- 4. requests written by hand (--request): the HTTP/1.1 rules -------------
raw() {   # raw STATUS 'printf format': the response's status line must be STATUS
    printf "$2" >"$T/req"
    timeout 60 "$GLASS" client get --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
        --request "$T/req" >"$T/raw.out" 2>"$T/raw.err" || { cat "$T/raw.err"; fail "--request $2"; }
    head -n 1 "$T/raw.out" | grep -q "^HTTP/1.1 $1 " ||
        { head -n 1 "$T/raw.out"; fail "request '$2': expected $1"; }
}
raw 200 'GET /a.txt HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n'
tail -n 1 "$T/raw.out" | grep -qx "plain text" || fail "--request: no body"
grep -q "^Content-Length: 11" "$T/raw.out" || fail "--request: no Content-Length"
raw 200 'GET /a.txt HTTP/1.0\r\n\r\n'
raw 200 'GET /a.txt?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n'
raw 400 'GET /a.txt HTTP/1.1\r\n\r\n'
raw 400 'GET /a.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'
raw 405 'POST /a.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n'
grep -q "^Allow: GET" "$T/raw.out" || fail "405 without Allow: GET"
raw 505 'GET /a.txt HTTP/2.0\r\nHost: localhost\r\n\r\n'
raw 400 'GET /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\nbody'
raw 400 'GET /a.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\n'
raw 400 'GET /a.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n'
raw 400 'GET /a.txt HTTP/1.1\nHost: localhost\n\n'
raw 400 'GET /a.txt HTTP/1.1\r\nHost: localhost\nX: y\r\n\r\n'
raw 400 'GET /a.txt HTTP/1.1\r\nHost : localhost\r\n\r\n'
raw 400 'GET  /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n'
raw 400 'GET http://localhost/a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n'
raw 400 'GET /a.txt#top HTTP/1.1\r\nHost: localhost\r\n\r\n'
raw 400 'garbage\r\n\r\n'
raw 403 'GET /sub/%%2E./../secret.txt HTTP/1.1\r\nHost: localhost\r\n\r\n'

# ---- 5. a server without pages; a bad --www -----------------------------------
stop_server
expect_error "server with a --www that is no directory" "$GLASS" server --dir "$T/ca" \
    -pass "$PW" --port 0 --www "$T/secret.txt"
mv "$W" "$T/www-moved"
start_server "$T/ca" "$T/server2.log" --handshake-timeout 120
refused /a.txt 404
stop_server
start_server "$T/ca" "$T/server3.log" --handshake-timeout 120 --www "$T/www-moved"
get /a.txt -o "$T/a2.txt" || fail "get with --www"
cmp "$T/www-moved/a.txt" "$T/a2.txt" || fail "--www: /a.txt differs"
stop_server
echo "net fetch: ok"
