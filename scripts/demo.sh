#!/usr/bin/env bash
# The main job on the built-in demo region: build the project, run the analyses, write outputs.
# Usage: scripts/demo.sh PATH/TO/yitu OUTDIR
#
# Exit code 3 from `validate`, `check`, `drill` and `report` means "a check found something" (the demo
# park misses the 15-minute circle on purpose); anything else non-zero stops the script.
set -euo pipefail
YITU=${1:-yitu}
OUT=${2:-demo-out}
found() { [ "$1" -eq 3 ]; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
rm -rf "$OUT"

step "1/12 演示项目 demo project (青岚县, 虚构) from office-style input files"
"$YITU" demo "$OUT"
"$YITU" validate "$OUT" || found $?
"$YITU" info "$OUT"

step "2/12 道路网络 road network from OpenStreetMap XML"
"$YITU" network build "$OUT" --osm "$OUT/inputs/roads.osm"

step "3/12 园区15分钟救援圈 park check (the demo park fails east of its canal, by design)"
"$YITU" check "$OUT" || found $?

step "4/12 消防站选址 where a new station makes the park pass"
"$YITU" site "$OUT" --model lscp --park P01 --grid 300 || found $?

step "5/12 避难场所与疏散 shelters: who goes where, who is left out, the village 避险地图"
"$YITU" shelters "$OUT" --propose 1 || found $?   # 北山村 is short of capacity, 园区南门广场 lies too near the park
"$YITU" evacuation-map "$OUT" 北山村 --paper A3
"$YITU" evacuation-map "$OUT" 北山村 --paper A3 --format pdf

step "6/12 外部安全防护距离 external safety distances (a school and a residential block inside the plant's contours, by design)"
"$YITU" distances "$OUT" || found $?
"$YITU" safety-map "$OUT" E0001
"$YITU" safety-map "$OUT"

step "7/12 两单与统计 risk and hazard lists, statistics"
"$YITU" lists "$OUT"

step "8/12 一图 HTML maps (offline)"
"$YITU" map "$OUT"
"$YITU" map "$OUT" --lang en --out "$OUT/output/risk_map_en.html"

step "9/12 地图图片 map images for reports"
"$YITU" render "$OUT"
"$YITU" render "$OUT" --park P01
"$YITU" render "$OUT" --enterprise E0005
"$YITU" render "$OUT" --enterprise E0300   # a plant with no risk zones: its surroundings, and a note saying so
"$YITU" render "$OUT" --what coverage
"$YITU" render "$OUT" --format pdf --paper A3

step "10/12 演练前核查 drill on the highest-risk plant (E0001), without and with 岚江大桥 closed"
"$YITU" drill "$OUT" --at E0001 || found $?
"$YITU" drill "$OUT" --at E0001 --closed 岚江大桥 || found $?
"$YITU" gaps "$OUT"

step "11/12 核查报告 readiness report (HTML + DOCX)"
"$YITU" report "$OUT" --drill E0001 --closed 岚江大桥 || found $?   # verdict FAIL: the park misses the circle

step "12/12 批量运行 the demo county and three generated counties at once on a dask LocalCluster"
for i in 2 3 4; do
  c="$OUT/province/演示县$i"
  "$YITU" -q demo "$c" --seed "$i" >/dev/null
  sed -i "s/^name = .*/name = \"演示县$i（虚构）\"/" "$c/yitu.toml"
  "$YITU" -q network build "$c" --osm "$c/inputs/roads.osm" >/dev/null
done
"$YITU" batch "$OUT" "$OUT"/province/演示县* --out "$OUT/output/batch" || found $?

printf '\ndemo project and outputs written to %s (open %s/output/risk_map.html and %s/output/report/report.html)\n' \
  "$OUT" "$OUT" "$OUT"
