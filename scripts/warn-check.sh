#!/bin/sh
# warn-check.sh "LAYERS" STRICT LOG... — what `make warn-check` prints: the
# warnings that -Wconversion -Wshadow add to the library build, read from
# the compiler's log of each object (LOG...), counted once per source
# position, per folder of the file they are in.  Exit status 0 unless
# there is a warning in a folder of CLEAN (folders that are warning-free
# and must stay so), or STRICT is 1 and there is any warning at all.
set -u
LAYERS=$1
STRICT=$2
CLEAN=$3
shift 3
T=$(mktemp)
trap 'rm -f "$T"' EXIT INT TERM
cat "$@" | grep -E '^[^ :]+:[0-9]+:[0-9]+: warning:' | sort -u > "$T"
total=$(wc -l < "$T")
line="warn-check (-Wconversion -Wshadow):"
for d in $LAYERS; do
    n=$(grep -c "^$d/" "$T")
    line="$line $d $n,"
done
echo "${line%,}; total $total"
for d in $CLEAN; do
    if grep -q "^$d/" "$T"; then
        grep "^$d/" "$T"
        echo "warn-check: $d/ was warning-free and must stay so"
        exit 1
    fi
done
if [ "$total" -gt 0 ] && [ "$STRICT" = 1 ]; then
    cat "$T"
    echo "warn-check: $total warnings, fatal with WARN_STRICT=1"
    exit 1
fi
if [ "$total" -gt 0 ]; then
    echo "warn-check: not fatal until WARN_STRICT=1; the list: make warn-check WARN_STRICT=1"
fi
exit 0
