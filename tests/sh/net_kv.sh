#!/bin/sh
# net_kv.sh — the per-client key-value store over real sockets
# (docs/PROTOCOL.md §7.2): put, get, delete, list; the limits; two clients
# that cannot see each other's keys; the store kept across a restart in
# its append-only log D/kv/NAME.SERIAL.log ("P KEY HEX", "D KEY" lines); a
# damaged store file refused and left as it was.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"

make_ca "$T/ca" "/CN=KV Test CA"
start_server "$T/ca" "$T/server.log" --handshake-timeout 120
enroll "$T/ca" alice "$PORT" "$T/alice"
enroll "$T/ca" bob "$PORT" "$T/bob"

chat() {   # chat NAME OUT: the lines on stdin, answers in OUT
    timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/$1" -pass "$PW" \
        --wait 10 >"$2" 2>"$2.err" || { cat "$2.err"; fail "$1's chat"; }
}
has() {   # has FILE LINE: FILE holds exactly that line
    grep -qxF -- "$2" "$1" || { cat "$1"; fail "expected the line '$2' in $1"; }
}

# ---- 1. put, get, delete, list -------------------------------------------------
printf '%s\n' '/put color blue' '/put n 1' '/put greeting hello there, bob' \
    '/getkey color' '/kv get greeting' '/keys' '/del n' '/getkey n' '/del n' '/keys' |
    chat alice "$T/a1.out"
has "$T/a1.out" "* ok color"
has "$T/a1.out" "* ok n"
has "$T/a1.out" "* color = blue"
has "$T/a1.out" "* greeting = hello there, bob"
has "$T/a1.out" "* keys: color greeting n"
has "$T/a1.out" "* keys: color greeting"
[ "$(grep -c '^! no such key$' "$T/a1.out")" -eq 2 ] || { cat "$T/a1.out"; fail "/getkey and /del of a deleted key"; }

# ---- 2. isolation: bob sees none of alice's keys, and his own do not touch hers
printf '%s\n' '/getkey color' '/keys' '/del color' '/put color red' '/getkey color' |
    chat bob "$T/b1.out"
has "$T/b1.out" "* keys:"
[ "$(grep -c '^! no such key$' "$T/b1.out")" -eq 2 ] || { cat "$T/b1.out"; fail "bob reached alice's key"; }
has "$T/b1.out" "* color = red"
printf '/getkey color\n' | chat alice "$T/a2.out"
has "$T/a2.out" "* color = blue"

# ---- 3. the limits ---------------------------------------------------------------
k65=$(printf '%065d' 0)
v4097=$(head -c 4097 /dev/zero | tr '\0' v)
v4096=$(head -c 4096 /dev/zero | tr '\0' v)
{
    printf '/put %s x\n' "$k65"
    printf '/put a/b x\n'
    printf '/put big %s\n' "$v4097"
    printf '/put max %s\n' "$v4096"
    printf '/getkey max\n'
} | chat alice "$T/a3.out"
[ "$(grep -c '^! a key is 1 to 64 characters' "$T/a3.out")" -eq 2 ] || { cat "$T/a3.out"; fail "bad keys accepted"; }
has "$T/a3.out" "! a value is at most 4096 bytes"
has "$T/a3.out" "* ok max"
has "$T/a3.out" "* max = $v4096"
# Sixty-four keys at most: alice has color, greeting, max; 61 more fit, the next does not.
i=0
while [ $i -lt 62 ]; do printf '/put k%02d v\n' $i; i=$((i + 1)); done | chat alice "$T/a4.out"
[ "$(grep -c '^\* ok k' "$T/a4.out")" -eq 61 ] || { grep -c '^\* ok k' "$T/a4.out"; fail "expected 61 keys accepted"; }
has "$T/a4.out" "! at most 64 keys per client"
printf '/put k00 replaced\n/getkey k00\n' | chat alice "$T/a5.out"
has "$T/a5.out" "* k00 = replaced"

# ---- 4. kept across a restart, in D/kv/NAME.SERIAL.log --------------------------
AL=$(ls "$T"/ca/kv/alice.*.log) || fail "no kv/alice.SERIAL.log"
BL=$(ls "$T"/ca/kv/bob.*.log) || fail "no kv/bob.SERIAL.log"
as=$(openssl x509 -in "$T/alice/cert.pem" -noout -serial | cut -d= -f2)
[ "$AL" = "$T/ca/kv/alice.$as.log" ] || fail "the store is not named by the certificate: $AL"
grep -qx "P color 626c7565" "$AL" || { cat "$AL"; fail "kv/alice log"; }
grep -qx "D n" "$AL" || { cat "$AL"; fail "kv/alice log: no delete line"; }
grep -qx "P color 726564" "$BL" || fail "kv/bob log"
[ "$(stat -c %a "$AL")" = 600 ] || fail "the kv log is not mode 600"
stop_server
printf 'not a store\n' >"$BL"
start_server "$T/ca" "$T/server2.log" --handshake-timeout 120
printf '/getkey color\n/keys\n' | chat alice "$T/a6.out"
has "$T/a6.out" "* color = blue"
grep -q '^\* keys: color greeting k00 ' "$T/a6.out" || { cat "$T/a6.out"; fail "keys after the restart"; }
printf '/getkey color\n/put x y\n' | chat bob "$T/b2.out"
[ "$(grep -c "^! the server cannot read this client's store" "$T/b2.out")" -eq 2 ] ||
    { cat "$T/b2.out"; fail "a damaged store was not refused"; }
grep -qx "not a store" "$BL" || fail "the damaged store was overwritten"
grep -q "kv/bob\..*\.log is damaged" "$T/server2.log" || fail "the server did not log the damaged store"
stop_server
echo "net kv: ok"
