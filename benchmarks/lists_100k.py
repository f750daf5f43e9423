"""`yitu lists` at a city's scale: N synthetic enterprises (default 100,000) imported, then the lists.

Usage::

    PYTHONPATH=$PWD python -m benchmarks.lists_100k            # 100,000 enterprises
    PYTHONPATH=$PWD python -m benchmarks.lists_100k --n 20000

Prints the seconds (wall clock and CPU) of the import and of ``yitu lists`` (the command,
in-process, as a user runs it), the size of the XLSX written, the peak memory and the load
average (on a shared machine the wall clock waits for the CPU; the CPU seconds do not).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["synthetic_enterprises"]

_TOWNS = ["城关镇", "临港镇", "白沙乡", "河口街道", "东山镇", "西湖乡", "南岗镇", "北塘街道"]
_INDUSTRY = ["化工", "危化品经营", "冶金", "机械", "纺织", "粉尘涉爆", "涉氨制冷", "仓储物流"]
_GRADES = ["红", "橙", "黄", "蓝", ""]


def synthetic_enterprises(n: int, *, seed: int = 0, lon0: float = 121.0, lat0: float = 32.0) -> pd.DataFrame:
    """``n`` enterprises as an office's table (Chinese headers), points in a ~40 km square."""
    rng = np.random.default_rng(seed)
    idx = np.arange(1, n + 1)
    days = rng.integers(0, 5 * 365, n)
    updated = (pd.Timestamp("2021-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    return pd.DataFrame({
        "企业编号": [f"E{i:06d}" for i in idx],
        "企业名称": [f"合成第{i}号化工有限公司" for i in idx],
        "经度": np.round(lon0 + rng.random(n) * 0.4, 6),
        "纬度": np.round(lat0 + rng.random(n) * 0.4, 6),
        "乡镇街道": rng.choice(_TOWNS, n),
        "行业": rng.choice(_INDUSTRY, n),
        "风险等级": rng.choice(_GRADES, n, p=[0.05, 0.15, 0.3, 0.4, 0.1]),
        "重大危险源等级": rng.integers(0, 5, n),
        "从业人数": rng.integers(5, 2000, n),
        "联系人": "张三",
        "联系电话": "0513-8888" + pd.Series(idx % 10000).astype(str).str.zfill(4),
        "更新日期": updated,
    })


def main() -> None:
    from yitu.cli import main as cli

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv = folder / "enterprises.csv"
        synthetic_enterprises(args.n).to_csv(csv, index=False, encoding="utf-8-sig")
        proj = folder / "P"

        def run(*argv: str) -> tuple[float, float]:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                with contextlib.redirect_stdout(io.StringIO()):  # the command's tables: not timed output
                    cli(["-q", *argv])
            except SystemExit as exc:
                if exc.code:
                    raise
            return time.perf_counter() - t0, time.process_time() - c0

        run("init", str(proj))
        t_import = run("import", str(proj), "enterprises", str(csv))
        t_lists = run("lists", str(proj))
        size = sum(p.stat().st_size for p in (proj / "output" / "lists").glob("*.xlsx"))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"enterprises {args.n:,}: import {t_import[0]:.1f} s (CPU {t_import[1]:.1f} s), "
          f"lists {t_lists[0]:.1f} s (CPU {t_lists[1]:.1f} s), XLSX {size / 1e6:.1f} MB, peak RSS {rss:.0f} MB, "
          f"load average {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
