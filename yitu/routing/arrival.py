"""The one status of an arrival: 可达 / 超时 / 不可达 / 不在路网, for every table, map and report.

Coverage stores ``status`` as how the time was found (``ok``: a time was computed; ``unreachable``:
no path; ``off_network``: the point is too far from any road). Whether a computed time is in time
depends on the limit; :func:`arrival_status` decides it in one place, so the CLI, the XLSX lists and
the report cannot disagree on the same row (words via :func:`yitu.words.status.status_text`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["arrival_status"]


def arrival_status(status: Any, arrival_min: Any, limit_min: Any) -> np.ndarray:
    """Status codes ``reachable`` | ``late`` | ``unreachable`` | ``off_network`` (``missing`` when unknown).

    Parameters
    ----------
    status
        Coverage status per row (``ok``, ``unreachable``, ``off_network``; already-final codes pass through).
    arrival_min
        Arrival time per row in minutes (NaN when none).
    limit_min
        The limit per row (or one number) in minutes.

    Examples
    --------
    >>> arrival_status(["ok", "ok", "unreachable"], [4.0, 6.0, float("nan")], 5.0).tolist()
    ['reachable', 'late', 'unreachable']
    """
    st = pd.Series(np.asarray(status, dtype=object)).astype(object)
    arr = pd.to_numeric(pd.Series(np.asarray(arrival_min, dtype=object)), errors="coerce").to_numpy(dtype="float64")
    lim = np.broadcast_to(np.asarray(limit_min, dtype="float64"), arr.shape)
    timed = st.isin(["ok", "reachable", "late"]).to_numpy() & np.isfinite(arr)
    out = np.where(st.isin(["unreachable", "off_network"]).to_numpy(), st.to_numpy(), "missing").astype(object)
    out[timed] = np.where(arr[timed] <= lim[timed], "reachable", "late")
    return out
