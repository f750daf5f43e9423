"""Import benchmark: :func:`yitu.layers.load.load` on an enterprise CSV as offices send it.

Not a test. Run from the repository root::

    .venv/bin/python -m benchmarks.load                  # 100,000 rows
    .venv/bin/python -m benchmarks.load --rows 20000

The file (made once in ``--workdir``) has 1% of names with a control character (U+000B inside the
name, cleaned and listed), dates written ``2024/3/d``, credit codes (checked for duplicates), and
grades in Chinese. Prints the best of three loads in CPU seconds (process time: stable on a shared
machine) and what the load did.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from yitu.layers.load import load


def make_file(path: Path, rows: int) -> Path:
    rnd = random.Random(1)
    lines = ["编号,企业名称,统一社会信用代码,经度,纬度,风险等级,从业人数,更新日期,乡镇"]
    for i in range(rows):
        name = f"企业{i}" + ("\x0b公司" if i % 100 == 0 else "")
        lines.append(f"E{i},{name},9132{i:014d},{120 + rnd.random():.6f},{32 + rnd.random():.6f},"
                     f"{'红橙黄蓝'[i % 4]},{i % 500},2024/3/{1 + i % 28},镇{i % 12}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp"))
    args = ap.parse_args()
    path = args.workdir / f"yitu_bench_enterprises_{args.rows}.csv"
    if not path.exists():
        make_file(path, args.rows)
    best, r = float("inf"), None
    for _ in range(3):
        t = time.process_time()
        r = load("enterprises", path)
        best = min(best, time.process_time() - t)
    assert r is not None
    print(f"rows {r.n_input:,} · loaded {len(r.gdf):,} · rejected {r.n_rejected} · cleaned {len(r.cleaned)} · "
          f"best of 3: {best:.2f} s CPU")


if __name__ == "__main__":
    main()
