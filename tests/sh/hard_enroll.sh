#!/bin/sh
# hard_enroll.sh — enrollment that cannot be abused or lost (server/enroll.c,
# ca/enroll.c, client/enroll.c):
#   1. a taken name is refused with a clear message, and the code is not
#      used up; a code made with --replace enrolls it and revokes the old
#      certificate, whose open session is ended; the key-value store
#      belongs to the certificate, not the bare name;
#   2. the same code and the same key again (the reply was lost: cert.pem
#      missing) give the same certificate again; another key is refused;
#   3. `client enroll --out` into a missing directory fails before the
#      server is asked: the code still works afterwards;
#   4. wrong codes from one address are rate-limited;
#   5. public exponents outside 2^16 < e < 2^256 (FIPS 186-5 §5.4) are
#      refused before the request's signature is checked.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"

make_ca "$T/ca" "/CN=Enroll Test CA"
start_server "$T/ca" "$T/server.log"
enroll "$T/ca" alice "$PORT" "$T/alice"
serial1=$(openssl x509 -in "$T/alice/cert.pem" -noout -serial | cut -d= -f2)

try_enroll() {   # try_enroll NAME CODE OUT: exit status of glass client enroll
    timeout 120 "$GLASS" client enroll --server "127.0.0.1:$PORT" --name "$1" --code "$2" \
        --ca "$T/ca/ca.pem" --out "$3" -pass "$PW" -iter $ITER >"$T/try.out" 2>"$T/try.err"
}

# ---- 1. a taken name -----------------------------------------------------------
timeout 20 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
    --batch --wait 1 >/dev/null 2>&1 <<EOF2 || fail "alice's first kv put"
/put secret s1
EOF2
code=$("$GLASS" ca enroll-code --dir "$T/ca" alice) || fail "enroll-code"
try_enroll alice "$code" "$T/alice2" && fail "a second alice was enrolled while the first is valid"
grep -q "name is taken" "$T/try.err" || { cat "$T/try.err"; fail "no clear message for a taken name"; }
grep -q "^U" "$T/ca/enroll.txt" || fail "the refused enrollment used up the code"
# the first alice keeps a session open while she is replaced
hold_input "$T/old.in"          # she stays until the server ends her session
OLD_IN=$HOLD_PID
timeout 60 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice" -pass "$PW" \
    <"$T/old.in" >"$T/old.out" 2>"$T/old.err" &
OLD=$!
NET_PIDS="$NET_PIDS $OLD"
wait_for "$T/old.out" "^connected to" 30 || fail "the old alice did not connect"
rcode=$("$GLASS" ca enroll-code --dir "$T/ca" alice --replace) || fail "enroll-code --replace"
try_enroll alice "$rcode" "$T/alice3" || { cat "$T/try.err"; fail "--replace did not enroll alice"; }
"$GLASS" ca list --dir "$T/ca" >"$T/list.out" 2>&1
grep "$serial1" "$T/list.out" | grep -q "^R\|revoked" || { cat "$T/list.out"; fail "--replace left the old certificate valid"; }
wait $OLD
release_input "$OLD_IN"
grep -q "revoked" "$T/old.err" || { cat "$T/old.err"; fail "the old alice's session was not ended as revoked"; }
timeout 20 "$GLASS" client chat --server "127.0.0.1:$PORT" --id "$T/alice3" -pass "$PW" \
    --batch --wait 1 >"$T/kv.out" 2>&1 <<EOF2
/getkey secret
EOF2
grep -q "s1" "$T/kv.out" && fail "the new alice reads the old alice's key-value store"

# ---- 2. the same code and key again ----------------------------------------------
code=$("$GLASS" ca enroll-code --dir "$T/ca" carol) || fail "enroll-code carol"
try_enroll carol "$code" "$T/carol" || { cat "$T/try.err"; fail "enroll carol"; }
s1=$(openssl x509 -in "$T/carol/cert.pem" -noout -serial)
mv "$T/carol/cert.pem" "$T/carol-cert.pem"       # as if the reply had been lost
try_enroll carol "$code" "$T/carol" || { cat "$T/try.err"; fail "the same code and key again"; }
s2=$(openssl x509 -in "$T/carol/cert.pem" -noout -serial)
[ "$s1" = "$s2" ] || fail "the same code and key again gave another certificate ($s1, $s2)"
[ "$(grep -c 'CN=carol' "$T/ca/index.txt")" -eq 1 ] || fail "two certificates for carol"
try_enroll carol "$code" "$T/carol-other" && fail "a used code was accepted with another key"

# ---- 3. --out into a missing directory -------------------------------------------
code=$("$GLASS" ca enroll-code --dir "$T/ca" bob) || fail "enroll-code bob"
try_enroll bob "$code" "$T/nodir/bob" && fail "enroll into a missing directory succeeded"
grep -q "nothing was sent" "$T/try.err" || { cat "$T/try.err"; fail "no clear message for --out"; }
try_enroll bob "$code" "$T/bob" || { cat "$T/try.err"; fail "the code was used up by the failed --out"; }

# ---- 4. wrong codes, rate-limited ----------------------------------------------------
i=0
while [ $i -lt 11 ]; do
    try_enroll dave "AAAA-AAAA-AAAA-AAAA-AAA$i" "$T/dave$i"
    i=$((i + 1))
done
grep -q "too many wrong enrollment codes" "$T/try.err" ||
    { cat "$T/try.err"; fail "the 11th wrong code was not rate-limited"; }
code=$("$GLASS" ca enroll-code --dir "$T/ca" dave) || fail "enroll-code dave"
try_enroll dave "$code" "$T/dave" && fail "the rate limit let a code through"
stop_server

# ---- 5. public exponents (FIPS 186-5 §5.4) ------------------------------------------
for e in 3 0x10000000000000000000000000000000000000000000000000000000000000001; do
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -pkeyopt "rsa_keygen_pubexp:$e" \
        -out "$T/e.key" 2>/dev/null || fail "openssl genpkey e=$e"
    openssl req -new -key "$T/e.key" -subj /CN=eve -out "$T/e.csr" 2>/dev/null || fail "openssl req"
    "$GLASS" ca sign --dir "$T/ca" -in "$T/e.csr" -out "$T/e.pem" --profile client -pass "$PW" \
        >"$T/e.out" 2>&1 && fail "a request with e=$e was signed"
    grep -q "exponent out of range" "$T/e.out" || { cat "$T/e.out"; fail "e=$e: no clear message"; }
done
echo "hard enroll: ok"
