#!/bin/sh
# Every command `glass walkthrough` shows (the lines that start with "$ ",
# continued after a trailing backslash) is pasted, as shown, into bash in
# the directory --save wrote, and must print the value the walkthrough
# printed above it: the "out" value of its derivation (hex; colons, case,
# line breaks, a "NAME= " prefix or a trailing " -" of sha256sum style do
# not count), or the text of the "prints:" line under it.  None is skipped:
# the test counts them, and fails on any command that does not agree or a
# derivation checked without a command.
#
# Runs: the mutual connection (--seed 1), the enrollment and the second
# connection with its c2- files (--enroll --seed 3), --primitive rsa and dh.
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null 2>&1 || fail "python3 is needed (scripts/deps.sh)"
command -v openssl >/dev/null 2>&1 || fail "openssl is needed (scripts/deps.sh)"
command -v xxd >/dev/null 2>&1 || fail "xxd is needed (scripts/deps.sh)"
mkdir bin
ln -s "$GLASS" bin/glass

"$GLASS" walkthrough --seed 1 --save s1 > s1.txt 2>/dev/null || fail "walkthrough --seed 1 --save"
"$GLASS" walkthrough --enroll --seed 3 --save e3 > e3.txt 2>/dev/null || fail "--enroll --save"
"$GLASS" walkthrough --primitive rsa --seed 1 --save r1 > r1.txt 2>/dev/null || fail "--primitive rsa"
"$GLASS" walkthrough --primitive dh --seed 1 --save d1 > d1.txt 2>/dev/null || fail "--primitive dh"
grep -q 'cd DIR' s1.txt || fail "the text does not say to run the commands from the --save directory"

PATH="$T/bin:$PATH" python3 - s1.txt s1 e3.txt e3 r1.txt r1 d1.txt d1 <<'PY'
import re, subprocess, sys

def blocks(lines):
    """Each derivation: its name, out value (hex) and commands."""
    cur = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r'^    \* (.+?) \[', line)
        if m:
            cur = {"name": m.group(1), "out": None, "cmds": [], "checked": False, "at": i + 1}
            yield cur
        elif cur is not None and line.startswith("      out "):
            rest = line[len("      out "):]
            name = cur["name"]
            hexpart = rest[len(name):].strip() if rest.startswith(name) else ""
            j = i + 1
            while j < len(lines) and re.match(r'^ {31}[0-9a-f]+$', lines[j]):
                hexpart += lines[j].strip()
                j += 1
            cur["out"] = hexpart
            i = j
            continue
        elif cur is not None and line.startswith("      $ "):
            cmd = line[len("      $ "):]
            while cmd.endswith(" \\") and i + 1 < len(lines):
                i += 1
                cmd += "\n" + lines[i]
            prints = None
            if i + 1 < len(lines) and lines[i + 1].startswith("      prints: "):
                i += 1
                prints = lines[i][len("      prints: "):]
            cur["cmds"].append((cmd, prints))
        elif cur is not None and line.startswith("      check:   "):
            cur["checked"] = True
        i += 1

def norm(out):
    vals = []
    for l in out.splitlines():
        l = l.strip()
        if not l:
            continue
        if "= " in l:
            l = l.rsplit("= ", 1)[1]
        m = re.match(r'^([0-9a-fA-F]+)\s+\*?\S+$', l)
        if m:
            l = m.group(1)
        vals.append(l)
    return "".join(vals).replace(":", "").replace(" ", "").lower()

run = agree = 0
bad = []
args = sys.argv[1:]
for k in range(0, len(args), 2):
    text, d = args[k], args[k + 1]
    lines = open(text, encoding="utf-8").read().split("\n")
    for b in list(blocks(lines)):
        if b["checked"] and not b["cmds"] and b["out"]:
            bad.append("%s:%d: %s is checked but shows no command" % (text, b["at"], b["name"]))
        for cmd, prints in b["cmds"]:
            run += 1
            try:
                p = subprocess.run(["bash", "-c", cmd], cwd=d, capture_output=True, text=True,
                                   timeout=60)
                out, rc, err = p.stdout, p.returncode, p.stderr.strip()
            except subprocess.TimeoutExpired:
                out, rc, err = "", -1, "timed out"
            want = prints if prints is not None else b["out"]
            got = out.strip() if prints is not None else norm(out)
            if rc == 0 and want and got == want:
                agree += 1
            else:
                bad.append("%s: %s: exit %d, printed %.80s, want %.80s: %s%s" %
                           (text, b["name"], rc, got, want, cmd,
                            (" (" + err[:200] + ")") if err else ""))
print("%d commands run, %d agree" % (run, agree))
for x in bad[:10]:
    print("FAIL: " + x)
if bad or run < 100:
    sys.exit(1)
PY
echo "walkthrough_cmds: every shown command runs as pasted and prints the walkthrough's value"
