#!/bin/sh
# `glass walkthrough`: the golden transcript, determinism, the three formats,
# enrollment, the primitives, --step, --save, and that the "by hand" commands
# it prints really recompute the values it shows.
#
# When the protocol's bytes or the dissector's wording change on purpose,
# regenerate the golden file and review the diff:
#     build/glass walkthrough --seed 1 > tests/data/golden/walkthrough-seed1.txt
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }

# 1. The golden transcript: same seed, same bytes, same text.
"$GLASS" walkthrough --seed 1 > w1.txt 2> w1.err || fail "walkthrough --seed 1 exited $?"
if ! cmp -s w1.txt "$ROOT/tests/data/golden/walkthrough-seed1.txt"; then
    diff -u "$ROOT/tests/data/golden/walkthrough-seed1.txt" w1.txt | head -n 40
    fail "output differs from tests/data/golden/walkthrough-seed1.txt (see the header of this test)"
fi
head -n 2 w1.txt | grep -q 'SEEDED MODE (--seed 1)' || fail "seeded mode not announced at the top"
grep -q 'master_secret = PRF(pre_master_secret, "extended master secret", session_hash)' w1.txt ||
    fail "no master secret derivation in the text"
n=$(grep -c 'recomputed independently: equal' w1.txt)
[ "$n" -ge 25 ] || fail "only $n values recomputed"
! grep -q 'DIFFERENT' w1.txt || fail "a recomputed value differs from the engine's"
grep -q 'done: handshake, messages and close as planned' w1.txt || fail "no clean end"

# 2. Another seed gives other bytes; no seed gives real randomness and no banner.
"$GLASS" walkthrough --seed 2 > w2.txt 2>/dev/null || fail "--seed 2"
r1=$(grep -m1 'ClientHello.random' w1.txt); r2=$(grep -m1 'ClientHello.random' w2.txt)
[ "$r1" != "$r2" ] || fail "seeds 1 and 2 gave the same ClientHello.random"
"$GLASS" walkthrough > w0.txt 2>w0.err || fail "unseeded walkthrough failed"
! grep -q 'SEEDED' w0.txt || fail "unseeded run claims to be seeded"
! grep -q 'DETERMINISTIC' w0.err || fail "unseeded run switched to deterministic randomness"

# 3. The acceptance check: every message name in the HTML, "master" in the text.
"$GLASS" walkthrough --seed 1 --format html > w.html 2>/dev/null || fail "--format html"
for m in ClientHello ServerHello Certificate ServerKeyExchange CertificateRequest \
         ServerHelloDone ClientKeyExchange CertificateVerify Finished; do
    grep -q "$m" w.html || fail "HTML lacks $m"
done
grep -q '<details' w.html && grep -q 'id="ladder"' w.html || fail "HTML has no ladder of <details>"
tail -n 1 w.html | grep -q '</html>' || fail "HTML not closed"
grep -q master w1.txt || fail "text does not mention master"

# 4. JSON is valid, and deterministic too.
"$GLASS" walkthrough --seed 1 --format json > w.json 2>/dev/null || fail "--format json"
"$GLASS" walkthrough --seed 1 --format json 2>/dev/null | cmp -s - w.json || fail "JSON not deterministic"
if command -v python3 >/dev/null 2>&1; then
    python3 -m json.tool w.json > /dev/null || fail "JSON does not parse"
    python3 - w.json <<'PY' || fail "JSON structure"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["seeded"] is True and d["seed"] == 1 and d["ok"] is True
msgs = [i for i in d["items"] if i["type"] == "message"]
names = [m["name"] for m in msgs]
for n in ["ClientHello", "ServerHello", "Certificate", "ServerKeyExchange", "CertificateRequest",
          "ServerHelloDone", "ClientKeyExchange", "CertificateVerify", "Finished"]:
    assert n in names, n
for m in msgs:                       # every field's bytes are the message's bytes there
    b = bytes.fromhex(m["bytes"])
    for f in m["fields"]:
        assert b[f["offset"]:f["offset"] + f["length"]].hex() == f["bytes"], (m["name"], f["field"])
der = [i for i in d["items"] if i["type"] == "derive"]
assert all(i["check"] != "different" for i in der)
assert any(i["name"] == "master_secret" for i in der)
PY
else
    head -c 1 w.json | grep -q '{' && tail -n 1 w.json | grep -q '}' || fail "JSON shape"
    grep -q '"items": \[' w.json || fail "JSON has no items"
fi

# 5. The commands shown ("$ " lines) are run one by one in tests/sh/walkthrough_cmds.sh;
#    here: they are there, marked, and none is the old comment-ended kind.
n=$(grep -c '^      \$ ' w1.txt)
[ "$n" -ge 70 ] || fail "only $n commands shown"
grep -q '^      \$ openssl kdf -keylen 48 -kdfopt digest:SHA256' w1.txt || fail "no openssl kdf command"
grep -q -- '-verify server_pub.pem -signature ske.sig ske_signed.bin' w1.txt ||
    fail "the ServerKeyExchange signature is not verified by a shown command"
grep -q -- '-verify client_pub.pem -signature cv.sig cv_signed.bin' w1.txt ||
    fail "CertificateVerify is not verified by a shown command"
for i in 1 2 3 4; do
    grep -q "key_block A($i)" w1.txt && grep -q "key_block block $i" w1.txt ||
        fail "the PRF's step A($i) of key_block is not spelled out"
done
! grep -q '# the files of\|(files written by' w1.txt || fail "a command ends in prose"

# 6. --save writes the messages the commands name; their hash is the session hash.
"$GLASS" walkthrough --seed 1 --save msgs > ws.txt 2>/dev/null || fail "--save"
cmp -s w1.txt ws.txt || fail "--save changed the text"
for f in 01-ClientHello.bin 08-ClientKeyExchange.bin server_pub.pem client_pub.pem ske.sig \
         ske_signed.bin cv.sig cv_signed.bin master_secret.A1.bin client_record_0.bin; do
    [ -s "msgs/$f" ] || fail "--save did not write $f"
done
h=$(cat msgs/01-ClientHello.bin msgs/02-ServerHello.bin msgs/03-Certificate.bin \
        msgs/04-ServerKeyExchange.bin msgs/05-CertificateRequest.bin msgs/06-ServerHelloDone.bin \
        msgs/07-Certificate.bin msgs/08-ClientKeyExchange.bin | sha256sum | cut -c1-64)
grep -q "out session_hash *$h" ws.txt || fail "session hash of the saved files ($h) not in the text"

# 7. Enrollment, then a mutual connection with the new certificate.
"$GLASS" walkthrough --enroll --seed 3 > we.txt 2>/dev/null || fail "--enroll"
grep -q 'EnrollRequest' we.txt && grep -q 'EnrollResponse' we.txt || fail "no enrollment messages"
grep -q 'enrolled: received its certificate' we.txt || fail "client not enrolled"
grep -q 'client "alice" authenticated by its certificate' we.txt || fail "no second, mutual connection"

# 8. The primitives.
"$GLASS" walkthrough --primitive rsa --seed 1 > wr.txt 2>/dev/null || fail "--primitive rsa"
for v in 'EM' 'r^e mod n' 'm1' 'm2' '\* h ' '\* s ' 's^e mod n'; do
    grep -q "$v" wr.txt || fail "--primitive rsa lacks $v"
done
grep -q 'every step recomputed and checked' wr.txt || fail "rsa steps not all checked"
"$GLASS" walkthrough --primitive dh --seed 1 > wd.txt 2>/dev/null || fail "--primitive dh"
grep -q 'B^a = 19^6 mod 23 = 2' wd.txt || fail "blackboard DH wrong"
grep -q 'every step recomputed and checked' wd.txt || fail "dh steps not all checked"

# 9. --step pauses after each message; the pauses are the only difference.
printf '\n\n\n\n\n' | "$GLASS" walkthrough --seed 1 --step > wstep.txt 2>/dev/null || fail "--step"
[ "$(grep -c 'press Enter' wstep.txt)" -eq 6 ] || fail "--step did not pause once per Enter (+ EOF)"

# 10. Bad arguments: one line, exit 1.
for args in "--format xml" "--bogus" "--seed x" "--primitive aes" "--enroll --mutual" "--seed"; do
    if "$GLASS" walkthrough $args > out.txt 2> err.txt; then fail "accepted: $args"; fi
    [ "$(wc -l < err.txt)" -eq 1 ] && grep -q '^glass walkthrough: ' err.txt || fail "error for '$args': $(cat err.txt)"
done
touch afile
for args in "--save afile" "--save afile/sub" "--primitive rsa --step"; do
    if "$GLASS" walkthrough --seed 1 $args > out.txt 2> err.txt; then fail "accepted: $args"; fi
    [ "$(wc -l < err.txt)" -eq 1 ] && grep -q '^glass walkthrough: ' err.txt || fail "error for '$args': $(cat err.txt)"
done
# 11. Text fits 100 columns: every mode, seeded or not, colour or not.
"$GLASS" walkthrough --seed 1 --no-color > wnc.txt 2>/dev/null || fail "--no-color"
"$GLASS" walkthrough --enroll > wu.txt 2>/dev/null || fail "unseeded --enroll"
"$GLASS" walkthrough --primitive rsa > wur.txt 2>/dev/null || fail "unseeded --primitive rsa"
"$GLASS" walkthrough --primitive dh > wud.txt 2>/dev/null || fail "unseeded --primitive dh"
"$GLASS" walkthrough --protocol tls12 --seed 1 > wtls.txt 2>/dev/null || fail "--protocol tls12"
python3 - w1.txt w2.txt w0.txt we.txt wr.txt wd.txt wstep.txt wnc.txt wu.txt wur.txt wud.txt wtls.txt \
    <<'PY' || fail "lines longer than 100 columns"
import re, sys
bad = []
for f in sys.argv[1:]:
    lines = open(f, encoding="utf-8").read().split("\n")
    assert len(lines) > 20, f
    bad += [(f, i + 1, len(l)) for i, l in enumerate(lines)
            if len(re.sub(r"\x1b\[[0-9;]*m", "", l)) > 100]
for f, n, w in bad[:5]:
    print("%s:%d: %d columns" % (f, n, w))
sys.exit(1 if bad else 0)
PY
echo "walkthrough: golden, deterministic, 3 formats, commands, enroll, primitives, --step, 100 columns ok"
