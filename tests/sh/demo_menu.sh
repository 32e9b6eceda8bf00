#!/bin/sh
# demo_menu.sh — `glass demo --interactive`, driven as a person would drive
# it: in a real terminal (tmux: new-session -d, send-keys for each choice,
# capture-pane to read the screen), each item must print the exact glass
# command it runs and then its result; quitting must leave no process
# behind.  Then the same menu with its choices piped on standard input, the
# end of input and SIGTERM as ways out (every process stopped each time),
# `glass demo` without --interactive, and its option errors.
# The tmux part is skipped, and counted as skipped, only if tmux cannot
# start here.
set -u
: "${GLASS:?GLASS must point to the glass binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/glass-demo-menu.XXXXXX") || exit 1
SOCK="$T/tmux.sock"
DEMO_PID=""
cleanup() {
    [ -S "$SOCK" ] && tmux -S "$SOCK" kill-server 2>/dev/null
    [ -n "$DEMO_PID" ] && kill "$DEMO_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() {
    echo "FAIL: $*"
    exit 1
}
skipped=0

# left_in DIR: the pids of processes still working in DIR (cwd), if any.
left_in() {
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/cwd" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
    done
}
# gone DIR WHAT: within 10 s no process works in DIR any more.
gone() {
    i=0
    while [ -n "$(left_in "$1")" ]; do
        i=$((i + 1))
        [ $i -le 100 ] || { ps -o pid,args -p "$(left_in "$1" | tr '\n' ',' | sed 's/,$//')"; fail "$2: processes left in $1"; }
        sleep 0.1
    done
}

# ---- 1. In a terminal, under tmux ----------------------------------------------
pane() { tmux -S "$SOCK" capture-pane -p -J -S - -t demo; }
# wait_pane FIXED-STRING [SECONDS]: until the screen shows it.
wait_pane() {
    i=0
    lim=$(( ${2:-60} * 10 ))
    while ! pane | grep -qF -- "$1"; do
        i=$((i + 1))
        [ $i -le $lim ] || { pane | tail -n 30; fail "the screen never showed: $1"; }
        sleep 0.1
    done
}
pick() {   # pick KEY: types KEY and Enter
    tmux -S "$SOCK" send-keys -t demo "$1" Enter
}
D="$T/tmux-demo"
if command -v tmux >/dev/null 2>&1 &&
   tmux -S "$SOCK" -f /dev/null new-session -d -s demo -x 250 -y 50 "sh" 2>"$T/tmux.err"; then
    tmux -S "$SOCK" set-option -t demo history-limit 5000 >/dev/null
    pick "$GLASS demo --interactive --dir $D; echo demo-exit=\$?"
    wait_pane "demo> " 30
    pick 1
    wait_pane '$ glass ca init --dir ca -subj "/CN=Glass Demo CA" -pass pass:demo'
    wait_pane "CA created in ca"
    pick 2
    wait_pane '$ glass server --dir ca -pass pass:demo --port 0 --verbose &'
    wait_pane "listening on 127.0.0.1:"
    PORT=$(pane | sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\);.*/\1/p' | head -n 1)
    SPID=$(pane | sed -n 's/.*the server runs (pid \([0-9]*\)).*/\1/p' | head -n 1)
    [ -n "$PORT" ] && [ -n "$SPID" ] || fail "no port or pid for the server on the screen"
    pick 3
    wait_pane '$ glass ca enroll-code --dir ca alice'
    wait_pane "enrolled alice"
    CODE=$(pane | sed -n 's/.*--name alice --code \([0-9A-Z-]*\) .*/\1/p' | head -n 1)
    [ -n "$CODE" ] || fail "no code in the enroll command shown"
    pane | grep -qxF "    $CODE" || fail "the code shown is not the one enroll-code printed"
    wait_pane "\$ glass client enroll --server 127.0.0.1:$PORT --name alice --code $CODE --ca ca/ca.pem -pass pass:demo"
    [ -f "$D/alice/cert.pem" ] || fail "the enroll shown did not make $D/alice/cert.pem"
    pick 4
    wait_pane "\$ glass client chat --server 127.0.0.1:$PORT --id alice -pass pass:demo --batch --wait 2"
    wait_pane "received: [alice] hello from the glass demo"
    pane | grep -q "^    \[alice\] hello from the glass demo$" || fail "chat's own output is not on the screen"
    pick 5
    wait_pane "\$ glass client get --server 127.0.0.1:$PORT --id alice -pass pass:demo /index.html"
    wait_pane "<h1>Hello from the glass server</h1>"
    wait_pane "connected: glass 1 (0x4701), suite DHE_RSA_WITH_AES_256_CBC_SHA256"
    pick 6
    wait_pane "\$ kill -TERM $SPID"
    wait_pane "the server stopped (exit status 0)"
    kill -0 "$SPID" 2>/dev/null && fail "the server $SPID still runs after item 6"
    pick 9
    wait_pane "no item '9'"
    pick q
    wait_pane "glass demo: bye"
    wait_pane "demo-exit=0" 30
    [ -d "$D" ] || fail "--dir $D was removed on quit"
    gone "$D" "tmux quit"
    tmux -S "$SOCK" kill-server 2>/dev/null
    echo "  tmux: every item showed its command and its result; nothing left running"
else
    echo "SKIP: tmux cannot start here ($(cat "$T/tmux.err" 2>/dev/null)): 1 part skipped"
    skipped=1
fi

# ---- 2. The choices on a pipe ------------------------------------------------
printf '1\n2\n3\n4\n5\n6\nq\n' | timeout 300 "$GLASS" demo --interactive >"$T/pipe.out" 2>&1
st=$?
[ $st -eq 0 ] || { tail -n 30 "$T/pipe.out"; fail "piped demo: exit $st"; }
for w in '$ glass ca init --dir ca -subj "/CN=Glass Demo CA" -pass pass:demo' \
         '$ glass server --dir ca -pass pass:demo --port 0 --verbose &' \
         '$ glass ca enroll-code --dir ca alice' 'enrolled alice' \
         'received: [alice] hello from the glass demo' \
         '<h1>Hello from the glass server</h1>' 'the server stopped (exit status 0)' \
         'glass demo: bye (temporary directory removed)'; do
    grep -qF -- "$w" "$T/pipe.out" || { tail -n 30 "$T/pipe.out"; fail "piped demo lacks: $w"; }
done
TD=$(sed -n 's/^glass demo: working in \(.*\) (every command.*/\1/p' "$T/pipe.out")
[ -n "$TD" ] && [ ! -e "$TD" ] || fail "the temporary directory '$TD' was not removed"
echo "  pipe: all six items and quit"

# ---- 3. The end of input stops the server it started ---------------------------
printf '1\n2\n' | timeout 120 "$GLASS" demo --interactive --dir "$T/eof" >"$T/eof.out" 2>&1
st=$?
[ $st -eq 0 ] || { tail -n 20 "$T/eof.out"; fail "demo at end of input: exit $st"; }
grep -q "listening on 127.0.0.1:" "$T/eof.out" || fail "end of input: the server never started"
grep -qF "the server stopped (exit status 0)" "$T/eof.out" || fail "end of input: server not stopped"
gone "$T/eof" "end of input"
echo "  end of input: the server stopped"

# ---- 4. SIGTERM while waiting for a choice: everything stopped, exit 1 -----------
mkfifo "$T/in"
timeout 120 "$GLASS" demo --interactive --dir "$T/sig" <"$T/in" >"$T/sig.out" 2>&1 &
DEMO_PID=$!
exec 3>"$T/in"
printf '1\n2\n' >&3
i=0
while ! grep -q "the server runs" "$T/sig.out"; do
    i=$((i + 1))
    [ $i -le 600 ] || { cat "$T/sig.out"; fail "SIGTERM case: the server never started"; }
    sleep 0.1
done
SPID=$(sed -n 's/.*the server runs (pid \([0-9]*\)).*/\1/p' "$T/sig.out")
kill -TERM "$DEMO_PID"
wait "$DEMO_PID"
st=$?
DEMO_PID=""
exec 3>&-
[ $st -eq 1 ] || { cat "$T/sig.out"; fail "SIGTERM: exit $st, expected 1"; }
grep -q "stopped by signal 15" "$T/sig.out" || fail "SIGTERM: not said"
kill -0 "$SPID" 2>/dev/null && fail "SIGTERM: the server $SPID still runs"
gone "$T/sig" "SIGTERM"
echo "  SIGTERM: the server stopped, exit 1"

# ---- 5. Without --interactive, and bad options ---------------------------------
"$GLASS" demo >"$T/plain.out" 2>&1 || fail "glass demo: non-zero exit"
grep -q "make demo" "$T/plain.out" || fail "glass demo does not point to make demo"
grep -q "glass demo --interactive" "$T/plain.out" || fail "glass demo does not name --interactive"
"$GLASS" demo --help >"$T/help.out" 2>&1 || fail "glass demo --help"
grep -q "printf '1" "$T/help.out" || fail "glass demo --help has no example"
for bad in "--dir $T/x" "extra" "--bogus"; do
    "$GLASS" demo $bad >"$T/bad.out" 2>"$T/bad.err" && fail "glass demo $bad succeeded"
    [ "$(wc -l <"$T/bad.err")" -eq 1 ] && grep -q '^glass demo: ' "$T/bad.err" ||
        { cat "$T/bad.err"; fail "glass demo $bad: expected one line 'glass demo: ...'"; }
done
[ ! -e "$T/x" ] || fail "--dir without --interactive made a directory"
echo "demo_menu: ok ($skipped skipped)"
