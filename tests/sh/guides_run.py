#!/usr/bin/env python3
"""guides_run.py GUIDE.md WORKDIR — runs a guide's command blocks as written.

Used by tests/sh/guides.sh.  A guide is read top to bottom:

  ```sh            shell lines, run with sh from WORKDIR, one shell per block;
                   each logical line (a trailing backslash or pipe continues
                   it) must succeed — or fail, when its comment says
                   "# fails"; a line that starts gdb without -batch opens a
                   gdb session instead (see below)
  ```sh notest     shown to the reader, not run (interactive, or `make test`
                   itself); the guide says why in its text
  ```gdb           lines "(gdb) COMMAND   (comment)": the commands are added
                   to the open gdb session; the session runs, in batch mode
                   (-batch -x FILE inserted before --args), when the next sh
                   or gdb launch, heading or the end of the guide comes
  ```text / ```    output shown to the reader: not run
  <!-- expect: RE -->      after a block: the output of the last thing run
  <!-- expect-not: RE -->  (a sh block, or the gdb session up to that block)
                           must (not) match RE (Python re, multiline)

Prints one line per failure; exit 1 if any.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile

guide, workdir = sys.argv[1], sys.argv[2]
text = open(guide, encoding="utf-8").read().split("\n")
failures, ran = [], 0


def run_sh(lines, where):
    """Each line must succeed, except a line whose comment says it fails."""
    script = []
    for n, ln in enumerate(lines):
        code = ln.strip()
        if not code or code.startswith("#"):
            continue
        fails = re.search(r"#\s*fails", code) is not None
        script.append(ln)
        if code.endswith("&"):
            continue
        want = "-ne 0" if fails else "-eq 0"
        script.append('rc=$?; [ $rc %s ] || { echo "GUIDE: line %d (%s) exit status $rc"; exit 1; }'
                      % (want, n + 1, code[:60].replace('"', "'").replace("$", "\\$")))
    # Its own process group, output to a file: a server the block starts in
    # the background cannot hold the test open, and is stopped afterwards.
    with tempfile.TemporaryFile() as log:
        p = subprocess.Popen(["sh", "-c", "\n".join(script) + "\n"], cwd=workdir,
                             stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            p.wait(timeout=900)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        log.seek(0)
        p.stdout = log.read()
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        failures.append("%s: exit status %d\n%s" % (where, p.returncode, out[-3000:]))
    return out


class Session:
    def __init__(self, launch, where):
        self.launch, self.where, self.cmds, self.checks = launch, where, [], []

    def run(self):
        global ran
        with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
            f.write("set pagination off\nset confirm off\n" + "\n".join(self.cmds) + "\n")
            cmdfile = f.name
        launch = self.launch
        ins = " -batch -x %s " % cmdfile
        launch = launch.replace(" --args ", ins + "--args ", 1) if " --args " in launch \
            else launch + ins
        out = run_sh(["timeout 300 " + launch], self.where)
        ran += 1
        for kind, rx, where in self.checks:
            check(kind, rx, out, where)


def check(kind, rx, out, where):
    found = re.search(rx, out, re.M) is not None
    if kind == "expect" and not found:
        failures.append("%s: output does not match /%s/\n%s" % (where, rx, out[-2500:]))
    if kind == "expect-not" and found:
        failures.append("%s: output matches /%s/, it must not" % (where, rx))


def logical(lines):
    out, cur = [], ""
    for ln in lines:
        if ln.rstrip().endswith("\\"):
            cur += ln.rstrip()[:-1] + " "
            continue
        if re.sub(r"\s+#.*$", "", ln).rstrip().endswith("|"):
            cur += ln + "\n"
            continue
        out.append(cur + ln)
        cur = ""
    return out


session, last_out, i = None, "", 0
while i < len(text):
    line = text[i]
    if line.startswith("#") and not line.startswith("#!"):
        if session:
            session.run()
            session = None
        i += 1
        continue
    m = re.match(r"^```(\S*)\s*(.*)$", line)
    if not m:
        e = re.match(r"^<!-- (expect|expect-not): (.*) -->\s*$", line)
        if e:
            where = "%s:%d" % (guide, i + 1)
            if session:
                session.checks.append((e.group(1), e.group(2), where))
            else:
                check(e.group(1), e.group(2), last_out, where)
        i += 1
        continue
    lang, info = m.group(1), m.group(2)
    start = i + 1
    j = start
    while j < len(text) and not text[j].startswith("```"):
        j += 1
    body, where = text[start:j], "%s:%d" % (guide, start)
    i = j + 1
    if lang == "sh" and "notest" not in info:
        block = []
        for ln in logical(body):
            cmd = ln.strip()
            if re.match(r"^gdb\s", cmd) and "-batch" not in cmd:
                if block:
                    last_out = run_sh(block, where)
                    ran += 1
                    block = []
                if session:
                    session.run()
                session = Session(re.sub(r"\s+#.*$", "", cmd), where)
            else:
                block.append(ln)
        if block:
            if session:
                session.run()
                session = None
            last_out = run_sh(block, where)
            ran += 1
    elif lang == "gdb":
        if session is None:
            failures.append("%s: a gdb block with no gdb started before it" % where)
            continue
        for ln in body:
            c = re.match(r"^\(gdb\) (.*?)(\s{2,}\(.*\))?\s*$", ln)
            if c:
                session.cmds.append(c.group(1))
if session:
    session.run()
for f in failures:
    print("FAIL " + f)
print("%s: %d blocks run, %d failures" % (guide, ran, len(failures)))
sys.exit(1 if failures else 0)
