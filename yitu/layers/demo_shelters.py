"""Demo data of ``yitu shelters``: residential areas with population, and one shelter too near the park.

The county town's communities are well served; 北山村 has more people than its one emergency
shelter holds within walking reach (the short village); a new 紧急 shelter just south of the
chemical park (园区南门广场) lies inside the park's buffer and is flagged. One block's population
is left empty on purpose (listed as unknown, never counted as 0 people).
"""

from __future__ import annotations

import json
from typing import Any

from yitu.gis.io import atomic_path

__all__ = ["add_demo_inputs", "RESIDENTIAL_FILE", "NEAR_PARK_SHELTER"]

RESIDENTIAL_FILE = "居民区人口.csv"
NEAR_PARK_SHELTER = "园区南门广场"

# (name, town, village, x, y, population, households) in local demo metres; population None = not filled in
_AREAS: list[tuple[str, str, str, float, float, int | None, int | None]] = [
    ("锦绣小区", "城关镇", "城西社区", -650.0, 1950.0, 3200, 1100),
    ("城西新村", "城关镇", "城西社区", -1150.0, 2850.0, 2600, 900),
    ("西门小区", "城关镇", "城西社区", -1300.0, 2300.0, 1800, 620),
    ("岚湖花园", "城关镇", "城北社区", 850.0, 3750.0, 3600, 1250),
    ("北苑小区", "城关镇", "城北社区", -300.0, 4300.0, 2400, 800),
    ("城北新苑（人口待核）", "城关镇", "城北社区", 300.0, 4400.0, None, None),
    ("滨江苑", "城关镇", "城东社区", 1150.0, 2550.0, 2200, 760),
    ("东门小区", "城关镇", "城东社区", 1250.0, 3250.0, 1900, 650),
    ("商业街住户", "城关镇", "城东社区", 350.0, 3100.0, 1200, 430),
    ("北山村一组", "北山乡", "北山村", -9050.0, 7450.0, 1400, 450),
    ("北山村二组", "北山乡", "北山村", -8950.0, 6950.0, 1300, 420),
    ("北山村三组", "北山乡", "北山村", -9000.0, 7650.0, 900, 300),
    ("南塘村东组", "南塘镇", "南塘村", -2950.0, -6050.0, 800, 260),
    ("南塘村西组", "南塘镇", "南塘村", -3050.0, -5650.0, 700, 230),
]
# the shelter appended to the demo's shelters file: 紧急, 150 m south of the park's edge
_NEAR_PARK = ("紧急", 5200.0, -6250.0, NEAR_PARK_SHELTER, 3000, 2000, 1500)


def add_demo_inputs(inputs: Any, *, seed: int) -> None:
    """Write the residential areas (CSV with Chinese headers) and append the near-park shelter."""
    import pandas as pd

    from yitu.layers.demo import to_lonlat

    rows = []
    for i, (name, town, village, x, y, pop, hh) in enumerate(_AREAS, 1):
        lon, lat = to_lonlat(x, y)
        rows.append({"编号": f"R{i:03d}", "小区": name, "乡镇": town, "行政村": village,
                     "常住人口": "" if pop is None else pop, "户数": "" if hh is None else hh,
                     "经度": float(lon), "纬度": float(lat), "更新日期": "2026-04-01"})
    path = inputs.folder / RESIDENTIAL_FILE
    with atomic_path(path) as tmp:
        pd.DataFrame(rows).to_csv(tmp, index=False, encoding="utf-8-sig")
    inputs.files["residential_areas"] = path
    # the near-park shelter, appended as one more feature (existing features unchanged)
    sh_path = inputs.files.get("shelters")
    if sh_path is None or not sh_path.exists():
        return
    data = json.loads(sh_path.read_text(encoding="utf-8"))
    cls, x, y, name, area, eff, cap = _NEAR_PARK
    lon, lat = to_lonlat(x, y)
    n = len(data["features"]) + 1
    data["features"].append({
        "type": "Feature",
        "properties": {"编号": f"H{n:02d}", "场所名称": name, "场所类型": cls, "占地面积": area, "有效面积": eff,
                       "容纳人数": cap, "配套设施": "应急照明", "更新日期": "2026-05-01"},
        "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
    })
    with atomic_path(sh_path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
