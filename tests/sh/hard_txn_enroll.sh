#!/bin/sh
# hard_txn_enroll.sh — enrollment as one transaction (ca/ca_txn.c: serial,
# certificate file, log line, code consumed, index entry): whatever stops
# the server, the one-time code is consumed exactly when the certificate
# is in index.txt and issuance.log.
#   1. the server killed at each step of the issuance (GLASS_CA_CRASH_AT=1..5,
#      a SIGKILL from inside, right after the step): after `glass ca list`
#      (recovery) the code and the certificate agree, `ca check` is clean,
#      and the same code with the same key then enrolls — once; `ca check`
#      names a code that disagrees with the journal, and --repair settles it;
#   2. kill -9 of the server at random moments during enrollments;
#   3. a full disk (a small tmpfs, root only): every enrollment either
#      happens whole or leaves its code unused, and once there is room
#      again each refused one enrolls with its code.
NET_LIB_ONLY=1
. "$ROOT/tests/sh/net_lib.sh"
NET_VERBOSE=""
mnt=""
txn_cleanup() { [ -n "$mnt" ] && umount "$mnt" 2>/dev/null; net_cleanup; }
trap txn_cleanup EXIT

try_enroll() {   # try_enroll DIR NAME CODE OUT: glass client enroll's exit status
    timeout 60 "$GLASS" client enroll --server "127.0.0.1:$PORT" --name "$2" --code "$3" \
        --ca "$1/ca.pem" --out "$4" -pass "$PW" -iter $ITER >"$T/try.out" 2>"$T/try.err"
}

# agree DIR NAME: the code for NAME is used iff a certificate for NAME is in
# the index and its serial has a log line; prints "used" or "unused".
agree() {
    used=$(awk -F'\t' -v n="$2" '$5 == n && $1 == "X"' "$1/enroll.txt" | grep -c .)
    serial=$(awk -F'\t' -v n="/CN=$2" '$NF == n { print $4 }' "$1/index.txt" | head -n 1)
    logged=0
    [ -n "$serial" ] && grep -q "^$serial " "$1/issuance.log" && logged=1
    [ -e "$1/journal" ] && fail "$2: a journal survived recovery"
    [ "$(ls "$1/certs" | grep -c '\.pem$')" = "$(grep -c . "$1/issuance.log")" ] ||
        fail "$2: certificate files and log lines disagree"
    if [ "$used" = 1 ] && [ -n "$serial" ] && [ $logged = 1 ] &&
        [ -e "$1/certs/$serial.pem" ]; then
        echo used
    elif [ "$used" = 0 ] && [ -z "$serial" ]; then
        echo unused
    else
        cat "$1/enroll.txt" "$1/index.txt"
        fail "$2: code used=$used, index serial '$serial', logged=$logged"
    fi
}

# died: waits (sets w; wait_for, in net_lib.sh, sets i and lim) (at most 30 s) for the server to be gone.
died() {
    w=0
    while kill -0 "$SERVER_PID" 2>/dev/null && [ $w -lt 300 ]; do sleep 0.1; w=$((w + 1)); done
    kill -9 "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
}

make_ca "$T/ca" "/CN=Txn Enroll CA"
start_server "$T/ca" "$T/server0.log"     # issues the server's own certificate
stop_server

# ---- 1. killed right after each step ------------------------------------------------
for step in 1 2 3 4 5; do
    code=$("$GLASS" ca enroll-code --dir "$T/ca" "n$step") || fail "enroll-code n$step"
    export GLASS_CA_CRASH_AT=$step
    start_server "$T/ca" "$T/server$step.log"
    unset GLASS_CA_CRASH_AT
    try_enroll "$T/ca" "n$step" "$code" "$T/n$step" && fail "step $step: the server did not crash"
    died
    # ca check names the code that disagrees with the journal, and --repair
    # settles it: after step 4 the code is used for a certificate that did
    # not commit (given back); after step 5, with the code's entry put back
    # to unused by hand, the index holds a certificate whose code is not
    # marked (marked).
    if [ $step = 5 ]; then
        awk -F'\t' 'BEGIN { OFS = "\t" } $5 == "n5" { $1 = "U"; $3 = 0; $7 = "-"; $8 = "-" } { print }' \
            "$T/ca/enroll.txt" >"$T/codes" && cp "$T/codes" "$T/ca/enroll.txt"
        sayis="certificate [0-9A-F]* for n5 is in index.txt but its code is not marked used"
    else
        sayis="the code for n4 is used for certificate [0-9A-F]*, whose issuance did not commit"
    fi
    if [ $step -ge 4 ]; then
        "$GLASS" ca check --dir "$T/ca" >"$T/check.out" 2>&1 && fail "step $step: ca check found nothing"
        grep -q "$sayis" "$T/check.out" || { cat "$T/check.out"; fail "step $step: ca check did not name the code"; }
        "$GLASS" ca check --dir "$T/ca" --repair >"$T/check.out" 2>&1 ||
            { cat "$T/check.out"; fail "step $step: ca check --repair"; }
    fi
    # Every ca command recovers: here ca list, or ca enroll-code.
    if [ $step = 2 ]; then
        "$GLASS" ca enroll-code --dir "$T/ca" "other$step" >/dev/null || fail "enroll-code after step $step"
        [ -e "$T/ca/journal" ] && fail "ca enroll-code did not recover the journal"
    fi
    "$GLASS" ca list --dir "$T/ca" >/dev/null || fail "ca list after the crash at step $step"
    got=$(agree "$T/ca" "n$step") || { echo "$got"; exit 1; }
    want=unused
    [ $step = 5 ] && want=used          # the index entry is the commit point
    [ "$got" = "$want" ] || fail "crash after step $step: the code is $got, expected $want"
    "$GLASS" ca check --dir "$T/ca" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "ca check after step $step"; }
    # The client kept its key: the same code and key enroll now (step 5: the
    # certificate issued before the crash, resent).
    start_server "$T/ca" "$T/server$step-b.log"
    try_enroll "$T/ca" "n$step" "$code" "$T/n$step" || { cat "$T/try.err"; fail "step $step: the code was lost"; }
    stop_server
    [ "$(grep -c "/CN=n$step\$" "$T/ca/index.txt")" = 1 ] || fail "step $step: not exactly one certificate"
    [ "$(agree "$T/ca" "n$step")" = used ] || fail "step $step: the code is not used after enrolling"
    openssl x509 -in "$T/n$step/cert.pem" -noout -serial >/dev/null 2>&1 || fail "step $step: no certificate kept"
done
steps="killed after each of the 5 steps: the code used iff the certificate committed, then enrolled once"

# ---- 2. kill -9 at random moments -------------------------------------------------------
start_server "$T/ca" "$T/server-r.log"
trials=12
for k in $(seq 1 $trials); do
    code=$("$GLASS" ca enroll-code --dir "$T/ca" "r$k") || fail "enroll-code r$k"
    try_enroll "$T/ca" "r$k" "$code" "$T/r$k" &
    cpid=$!
    # 0 to 0.25 s: an enrollment takes about 0.15 s on loopback (the
    # client's key, the handshake, then the CA), so before, during and after
    sleep "$(awk -v s=$k 'BEGIN { srand(s); printf "%.3f", rand() * 0.25 }')"
    kill -9 "$SERVER_PID"
    died
    wait $cpid 2>/dev/null
    "$GLASS" ca list --dir "$T/ca" >/dev/null || fail "ca list after kill $k"
    agree "$T/ca" "r$k" >/dev/null || exit 1
    start_server "$T/ca" "$T/server-r$k.log"
done
used=$(awk -F'\t' '$1 == "X" && $5 ~ /^r/' "$T/ca/enroll.txt" | grep -c .)
stop_server
# A kill during a write may leave its temporary file (NAME.tmp.XXXXXX), which
# ca check reports and --repair removes; nothing else may be found.
if ! "$GLASS" ca check --dir "$T/ca" >"$T/check.out" 2>&1; then
    grep -v "a temporary file left by an interrupted write\|^glass ca: .*problem" "$T/check.out" &&
        fail "ca check after the kills"
    "$GLASS" ca check --dir "$T/ca" --repair >/dev/null 2>&1
    "$GLASS" ca check --dir "$T/ca" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "ca check --repair"; }
fi
killed="$trials kill -9s during enrollment ($used committed, $((trials - used)) not): codes and certificates agree"

# ---- 3. a full disk ---------------------------------------------------------------------
full="full disk: skipped (mounting a tmpfs needs root)"
if [ "$(id -u)" = 0 ] && mkdir -p "$T/small" && mount -t tmpfs -o size=512k tmpfs "$T/small" 2>/dev/null; then
    mnt=$T/small
    D=$mnt/ca
    make_ca "$D" "/CN=Full Enroll CA"
    start_server "$D" "$T/server-f.log"
    for i in 1 2 3 4 5 6; do
        "$GLASS" ca enroll-code --dir "$D" "f$i" >"$T/code.f$i" || fail "enroll-code f$i"
    done
    # Fill the disk, then give back 12 KiB: room for an enrollment or two.
    dd if=/dev/zero of="$mnt/fill" bs=4k count=1000 2>/dev/null
    truncate -s "-12K" "$mnt/fill" || fail "truncate"
    good=0; bad=0
    for i in 1 2 3 4 5 6; do
        if try_enroll "$D" "f$i" "$(cat "$T/code.f$i")" "$T/f$i"; then good=$((good + 1)); else bad=$((bad + 1)); fi
        st=$(agree "$D" "f$i") || { echo "$st"; exit 1; }
        [ -e "$T/f$i/cert.pem" ] && [ "$st" != used ] && fail "f$i: a certificate delivered but not committed"
    done
    [ $bad -gt 0 ] || fail "the small disk never filled up"
    ls "$D" "$D/certs" | grep -q '\.tmp\.' && fail "temporary files left on the full disk"
    rm -f "$mnt/fill"
    for i in 1 2 3 4 5 6; do
        [ -e "$T/f$i/cert.pem" ] && continue
        try_enroll "$D" "f$i" "$(cat "$T/code.f$i")" "$T/f$i" ||
            { cat "$T/try.err"; fail "f$i: the code was lost to the full disk"; }
        [ "$(agree "$D" "f$i")" = used ] || fail "f$i: enrolled, but the code is not used"
    done
    stop_server
    "$GLASS" ca check --dir "$D" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "ca check after the full disk"; }
    full="full disk: $good enrolled, $bad refused with the code kept, all $bad enrolled once there was room"
    umount "$mnt"; mnt=""
fi
echo "enrollment transactions: $steps; $killed; $full"
