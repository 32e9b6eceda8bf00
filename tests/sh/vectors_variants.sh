#!/bin/sh
# glass vectors reads CAVP files by their grammar, not by one layout: the
# variants in tests/data/vectors/variants/ (e in the first case record, no
# SaltVal with the salt length in the header, a section or a comment, no p
# and q, a renamed file, CRLF line ends with fields in another order and
# trailing comments, a bit-oriented SHA file) each give the counts below,
# every case counted once.  Then the errors a teacher's file can hold: a
# SaltVal that contradicts the stated salt length, a file naming no scheme.
set -u
D="$ROOT/tests/data/vectors/variants"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# file | kind | cases | passed | skipped
while IFS='|' read -r file kind cases passed skipped; do
    out=$("$GLASS" vectors "$D/$file") || fail "$file exits non-zero: $out"
    line=$(echo "$out" | grep "^$file ")
    echo "$line" | grep -q " $kind  *$cases cases: $passed passed, 0 failed, $skipped skipped\$" ||
        fail "$file: '$line', want $kind $cases cases, $passed passed, $skipped skipped"
    echo "$out" | tail -n 1 | grep -qx "vectors: $passed passed, 0 failed, $skipped skipped" ||
        fail "$file: last line $(echo "$out" | tail -n 1)"
done <<'LIST'
siggen15_e_in_first_case.rsp|RSA SigGen|50|10|40
sigver15_no_pq.rsp|RSA SigVer|90|18|72
sigverpss_no_saltval.rsp|RSA SigVer|90|18|72
sigverpss_salt_in_section.rsp|RSA SigVer|90|18|72
sigverpss_salt_in_comment.rsp|RSA SigVer|90|18|72
renamed_ecb_crlf_shuffled.rsp|AES-256|10|10|0
teachers_copy.rsp|AES-256|10|10|0
sha256_bit_oriented.rsp|SHA-256|10|5|5
LIST

# The bit-oriented file says why it skips.
"$GLASS" vectors "$D/sha256_bit_oriented.rsp" | grep -q 'skipped 5: bit-oriented message (Len not a multiple of 8)' ||
    fail "no reason for the bit-oriented skips"

# A name that says nothing: the NIST SigGenPSS file under another name runs alike.
cp "$ROOT/vectors/rsa/SigGenPSS_186-2.rsp" "$T/exam_question_3.rsp"
"$GLASS" vectors "$T/exam_question_3.rsp" | grep -q '^exam_question_3.rsp  *RSA SigGen  *250 cases: 50 passed, 0 failed, 200 skipped$' ||
    fail "renamed SigGenPSS_186-2.rsp"

# A SaltVal of 20 bytes under "Salt len: 10" is an error, never a guess.
sed 's/^SaltVal = \([0-9a-fA-F]*\).*$/SaltVal = \1\1/' "$ROOT/vectors/rsa/SigVerPSS_186-3.rsp" > "$T/pss.rsp"
err=$("$GLASS" vectors "$T/pss.rsp" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && echo "$err" | grep -q 'SaltVal has 20 bytes but the file states a salt length of 10' ||
    fail "contradicting salt length: rc=$rc '$err'"

# No scheme named and no SaltVal: malformed, saying what is missing.
grep -v '^# "SigGen' "$ROOT/vectors/rsa/SigGen15_186-3.rsp" > "$T/noscheme.rsp"
err=$("$GLASS" vectors "$T/noscheme.rsp" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && echo "$err" | grep -q 'which signature scheme' || fail "no scheme: rc=$rc '$err'"

# A request file (no expected values) holds no case: said so, exit 1.
grep -v '^S = ' "$ROOT/vectors/rsa/SigGen15_186-3.rsp" > "$T/SigGen15_186-3.req.rsp"
err=$("$GLASS" vectors "$T/SigGen15_186-3.req.rsp" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && echo "$err" | grep -q 'no case to run' || fail "request file: rc=$rc '$err'"

# -v names every case; -q prints only the last line; unknown options refused.
n=$("$GLASS" vectors -v "$D/teachers_copy.rsp" | grep -c '^ok ')
[ "$n" -eq 10 ] || fail "-v printed $n case lines, want 10"
out=$("$GLASS" vectors -q "$D/teachers_copy.rsp")
[ "$out" = "vectors: 10 passed, 0 failed, 0 skipped" ] || fail "-q printed '$out'"
"$GLASS" vectors --help | grep -q -- '--self-test' || fail "--help lacks --self-test"
"$GLASS" vectors -x "$D" 2>/dev/null && fail "-x accepted"
# -impl NAME: each AES implementation alone gives the same counts; an
# unknown name is refused.
for impl in ref table ct ct-gf; do
    out=$("$GLASS" vectors -q -impl $impl "$D/teachers_copy.rsp" "$ROOT/vectors/aes/CFB8MMT256.rsp") ||
        fail "-impl $impl: $out"
    [ "$out" = "vectors: 30 passed, 0 failed, 0 skipped" ] || fail "-impl $impl: '$out'"
done
"$GLASS" vectors -impl nonesuch "$D" 2>&1 | grep -q 'no such AES implementation' || fail "-impl nonesuch"
echo "vectors variants: every layout counted as expected; bad salt and scheme reported"
