#!/usr/bin/env bash
# The main job on the built-in demo region: build the project, run the analyses, write outputs.
# Usage: scripts/demo.sh PATH/TO/yitu OUTDIR
set -euo pipefail
YITU=${1:-yitu}
OUT=${2:-demo-out}
rm -rf "$OUT"
"$YITU" demo "$OUT"
"$YITU" validate "$OUT" || [ $? -eq 3 ]
"$YITU" info "$OUT"
echo "demo project written to $OUT"
