#!/bin/sh
# pki_txn.sh — issuance as one transaction (ca/ca_txn.c) and `glass ca
# check [--repair]` (ca/ca_check.c):
#   1. a full disk (a 64 KiB tmpfs): every `ca issue` that succeeds has its
#      index entry, log line and certificate file, every one that fails has
#      none, and no file is left behind;
#   2. kill -9 at random moments of `ca issue` and `ca sign`: afterwards the
#      next command recovers, and `ca check` finds the directory consistent
#      (valid index entries = log lines = certificate files); and a crash
#      right after each of the transaction's steps (GLASS_CA_CRASH_AT) rolls
#      back (steps 1-4) or forward (step 5);
#   3. a crash after the log line but before the index entry (a journal
#      left by hand): the next command rolls it back;
#   4. `ca check` finds a lost index entry, an orphan certificate file and a
#      temporary file; --repair restores the entry the signed log vouches
#      for and removes the rest; a used enrollment code with no certificate
#      is reported; a forged log line is reported, not repaired.
set -u
: "${GLASS:?}"
T=$(mktemp -d)
mnt=""
cleanup() { [ -n "$mnt" ] && umount "$mnt" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
cd "$T" || exit 1
G=$GLASS
PW=pass:txpw

counts() {   # counts DIR -> "V LOG CERTS"
    v=$(grep -c '^V' "$1/index.txt"); l=$(grep -c . "$1/issuance.log"); c=$(ls "$1/certs" | grep -c '\.pem$')
    echo "$v $l $c"
}

# ---- 1. a full disk ----------------------------------------------------------------
full="skipped (mounting a tmpfs needs root)"
if [ "$(id -u)" = 0 ] && mkdir -p small && mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
    mnt=$T/small
    $G ca init --dir $mnt/ca --subj "/CN=Full CA" -pass $PW >/dev/null 2>&1 || fail "ca init on the small disk"
    good=0; bad=0
    for i in $(seq 1 30); do
        if $G ca issue --dir $mnt/ca --subj /CN=u$i --profile client -out $mnt/u$i.pem -keyout $mnt/u$i.key \
            -pass $PW >/dev/null 2>err; then
            good=$((good + 1))
        else
            bad=$((bad + 1))
            [ ! -e $mnt/u$i.pem ] && [ ! -e $mnt/u$i.key ] || fail "a failed issue left u$i's files"
            [ "$(wc -l <err)" = 1 ] || { cat err; fail "a full disk: not one line"; }
        fi
    done
    [ $bad -gt 0 ] || fail "the small disk never filled up"
    [ "$(counts $mnt/ca)" = "$good $good $good" ] || fail "full disk: $good issued, but $(counts $mnt/ca)"
    ls $mnt/ca | grep -q '\.tmp\.' && fail "temporary files left on the full disk"
    $G ca check --dir $mnt/ca >out 2>&1 || { cat out; fail "ca check after a full disk"; }
    full="$good issued and $bad refused on a full disk, all or nothing"
    umount $mnt; mnt=""
fi

# ---- 2. kill -9 at random moments ------------------------------------------------------
$G ca init --dir ca --subj "/CN=Kill CA" -pass $PW >/dev/null || fail "ca init"
$G genpkey -algorithm RSA -out r.key && $G req -new -key r.key -subj /CN=req -out r.csr || fail "a request"
trials=40
for i in $(seq 1 $trials); do
    if [ $((i % 2)) = 0 ]; then
        $G ca issue --dir ca --subj /CN=k$i --profile client -out k$i.pem -keyout k$i.key -pass $PW \
            >/dev/null 2>&1 &
    else
        $G ca sign --dir ca -in r.csr --profile client -out s$i.pem -pass $PW >/dev/null 2>&1 &
    fi
    pid=$!
    # 0 to 0.25 s: before, during and after the commit
    sleep "0.$(awk -v s=$i 'BEGIN { srand(s); printf "%03d", int(rand() * 250) }')"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
done
# ... and right after each step of the transaction (GLASS_CA_CRASH_AT, ca/ca_txn.c):
# steps 1-4 roll back, step 5 (the index entry, the commit point) rolls forward.
for step in 1 2 3 4 5; do
    set -- $(counts ca)
    GLASS_CA_CRASH_AT=$step $G ca issue --dir ca --subj /CN=c$step --profile client -out c$step.pem \
        -keyout c$step.key -pass $PW >/dev/null 2>&1 && fail "GLASS_CA_CRASH_AT=$step: no crash"
    [ -e ca/journal ] || fail "the crash after step $step left no journal"
    $G ca list --dir ca >/dev/null || fail "ca list after the crash at step $step"
    [ ! -e ca/journal ] || fail "the journal of step $step survived"
    want="$1 $2 $3"
    [ $step = 5 ] && want="$(($1 + 1)) $(($2 + 1)) $(($3 + 1))"
    [ "$(counts ca)" = "$want" ] || fail "crash after step $step: $(counts ca), expected $want"
done
$G ca list --dir ca >/dev/null || fail "ca list after the kills"    # recovers a journal, if any
[ ! -e ca/journal ] || fail "a journal survived the next command"
set -- $(counts ca)
[ "$1" = "$2" ] && [ "$2" = "$3" ] || fail "after $trials kills: index $1, log $2, certificates $3"
$G ca check --dir ca >out 2>&1 || $G ca check --dir ca --repair >out 2>&1 || { cat out; fail "ca check --repair after kills"; }
$G ca check --dir ca >out 2>&1 || { cat out; fail "not consistent after repair"; }
$G ca log --verify --dir ca >/dev/null || fail "ca log --verify after the kills"
killed="$trials kill -9s and 5 crashes at each step: $1 issued, index, log and certificate files agree"

# ---- 3. a crash between the log line and the index entry ----------------------------------
$G ca issue --dir ca --subj /CN=base --profile client -out base.pem -keyout base.key -pass $PW >/dev/null || fail "issue"
cp ca/index.txt index.before
before=$(counts ca)
$G ca issue --dir ca --subj /CN=ghost --profile client -out ghost.pem -keyout ghost.key -pass $PW >/dev/null ||
    fail "issue ghost"
ghost=$(openssl x509 -in ghost.pem -noout -serial | cut -d= -f2)
loglen=$(( $(stat -c %s ca/issuance.log) - $(tail -n 1 ca/issuance.log | wc -c) ))
cp index.before ca/index.txt        # the index entry never made it
printf 'glass-ca-journal 1\nissue %s %s\n' "$ghost" "$loglen" >ca/journal
$G ca list --dir ca >list.txt || fail "ca list with a journal"
grep -q ghost list.txt && fail "the interrupted issuance is listed"
[ ! -e "ca/certs/$ghost.pem" ] || fail "the interrupted issuance's certificate file stayed"
[ "$(counts ca)" = "$before" ] || fail "rollback: $(counts ca), expected $before"
$G ca log --verify --dir ca >/dev/null || fail "the log after the rollback"

# ---- 4. ca check and --repair ------------------------------------------------------------------
$G ca issue --dir ca --subj /CN=lost --profile client -out lost.pem -keyout lost.key -pass $PW >/dev/null || fail "issue lost"
grep -v '/CN=lost$' ca/index.txt >idx && cp idx ca/index.txt        # the index lost an entry
echo junk >ca/certs/0BADBADBADBADBADBADBADBADBADBAD0.pem            # an orphan
echo half >ca/index.txt.tmp.AbC123                                   # a crash's temporary file
$G ca check --dir ca >out 2>err && fail "ca check found nothing"
grep -q "missing from index.txt" out || { cat out; fail "check: the lost entry"; }
grep -q "0BADBADB.*neither index.txt nor the log" out || { cat out; fail "check: the orphan"; }
grep -q "index.txt.tmp.AbC123: a temporary file" out || { cat out; fail "check: the temporary file"; }
$G ca check --dir ca --repair >out 2>err || { cat out err; fail "ca check --repair"; }
$G ca check --dir ca >out 2>&1 || { cat out; fail "still inconsistent after --repair"; }
$G ca list --dir ca | grep -q "/CN=lost" || fail "--repair did not restore the lost entry"
$G ca log --verify --dir ca >/dev/null || fail "log after --repair"
# An enrollment code used for a name that got no certificate (a failed
# issuance, a lost reply) is reported; one whose name has its certificate is not.
$G ca enroll-code --dir ca dave >/dev/null || fail "enroll-code dave"
$G ca enroll-code --dir ca base >/dev/null || fail "enroll-code base"
awk -F'\t' 'BEGIN { OFS = "\t" } /^U/ { $1 = "X"; $3 = 1800000000 } { print }' ca/enroll.txt >codes &&
    cp codes ca/enroll.txt
$G ca check --dir ca >out 2>err && fail "a used code without its certificate passed"
grep -q "the code for dave was used, but the index has no certificate for dave" out || { cat out; fail "code check"; }
grep -q "code for base" out && fail "a used code whose certificate exists was reported"
awk -F'\t' '!($1 == "X" && $5 == "dave")' ca/enroll.txt >codes && cp codes ca/enroll.txt
$G ca check --dir ca >out 2>&1 || { cat out; fail "still inconsistent without dave's code"; }
# A forged log line is reported, and --repair leaves it for a person.
awk 'NR == 1 { $2 = (substr($2, 1, 1) == "0" ? "1" : "0") substr($2, 2) } { print }' ca/issuance.log >log.new &&
    cp log.new ca/issuance.log
$G ca check --dir ca --repair >out 2>err && fail "a forged log line repaired away"
grep -q "signature over the hash does not verify" out || { cat out; fail "forged line not named"; }
echo "ca transactions: $full; $killed; an interrupted issuance rolled back; check --repair restores and removes what is safe"
