#!/bin/sh
# deps-class.sh — the extra Debian packages of the classroom tests:
#   chromium  renders `glass walkthrough --format html` headless
#             (tests/sh/walkthrough_html.sh)
#   gdb       the gdb script and pretty-printer tests (also in deps.sh)
#   xxd       hex to bytes in the labs and tests
# Run as root, it installs what is missing with apt-get.  Otherwise it prints
# the one apt-get line a person must run, and fails.
set -u
need=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in chromium gdb xxd; do
    have_pkg "$p" || need="$need $p"
done
[ -n "$need" ] || exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps-class.sh: installing:$need"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 ||
       { apt-get update -qq && apt-get install -y -qq --no-install-recommends $need; }; then
        exit 0
    fi
    echo "deps-class.sh: apt-get could not install:$need" >&2
    exit 1
fi
echo "deps-class.sh: missing packages:$need" >&2
echo "deps-class.sh: run this as root:" >&2
echo "    apt-get install -y --no-install-recommends$need" >&2
exit 1
