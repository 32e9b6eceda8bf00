#!/bin/sh
# demo.sh BUILD — `make demo`, the main job on a built-in default.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GLASS="$ROOT/$BUILD/glass"
cd "$ROOT" || exit 1
echo "== glass vectors: every NIST test vector"
"$GLASS" vectors || exit 1
