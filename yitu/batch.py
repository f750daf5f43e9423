"""Batch runs: many projects (counties) or many parks at once, on ``dask.distributed``.

A city or province bureau checks every chemical park of every county in one run. Work is
split by project (or, with ``split="park"``, by park), never by graph: each task opens one
project, loads its road network (memory-mapped from the project's cache, once per worker
process) and runs the analyses asked for. A task that fails is reported with its message and
the others finish. The result is one province summary: a row per project and a row per park.

The default cluster is a :class:`dask.distributed.LocalCluster` of worker *processes* (the
routing core holds the GIL in scipy and numba, so threads would not run in parallel); an
existing cluster is used when its scheduler address is given.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from yitu.errors import InputError, MissingDependencyError, YituError
from yitu.words import get_lang, msg, tr, use_lang

log = logging.getLogger(__name__)

__all__ = [
    "ANALYSES",
    "BatchResult",
    "discover_projects",
    "run_project",
    "run_park",
    "run_batch",
    "write_summary",
]

GPKG = "project.gpkg"

# per worker process: project path -> (cache file stamp, network); a worker keeps the networks of
# the projects it ran, so a second park of the same county does not load the network again
_NETWORKS: dict[str, tuple[Any, Any]] = {}
_MAX_CACHED = 4


def _network(project: Any, profile: str = "fire_engine") -> Any:
    from yitu.routing.build import cache_file, load_network

    key = f"{project.path.resolve()}::{profile}"
    path = cache_file(project, profile=profile)
    stamp = (str(path), path.stat().st_mtime_ns) if path is not None and path.exists() else None
    hit = _NETWORKS.get(key)
    if hit is not None and stamp is not None and hit[0] == stamp:
        return hit[1]
    net = load_network(project, profile=profile)
    if len(_NETWORKS) >= _MAX_CACHED:
        _NETWORKS.pop(next(iter(_NETWORKS)))
    _NETWORKS[key] = (stamp, net)
    return net


# ------------------------------------------------------------------------------ the analyses
def _check(project: Any) -> dict[str, Any]:
    from yitu.routing.parks import run_check

    res = run_check(project, network=_network(project))
    parks = pd.DataFrame(res.check.parks.drop(columns="geometry"))
    return {"parks": parks, "n_parks_fail": int((parks["verdict"] == "FAIL").sum()),
            "n_fail": int(parks["n_fail"].sum()), "verdict": "pass" if res.passed else "fail"}


def _gaps(project: Any) -> dict[str, Any]:
    from yitu.routing.gaps import gaps, write_gaps

    result = gaps(project, _network(project))
    write_gaps(project, result)
    n = sum(len(result[k]) for k in ("enterprises", "targets", "villages"))
    return {"n_gaps": int(n)}


#: analysis name -> function(project) -> dict of summary values (``parks``: a per-park table, optional)
ANALYSES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "check": _check,
    "gaps": _gaps,
}


# ------------------------------------------------------------------------------ the tasks
def discover_projects(root: str | Path, *, max_depth: int = 3) -> list[Path]:
    """Every project folder (one holding ``project.gpkg``) under ``root``, sorted by path.

    Raises
    ------
    InputError
        When ``root`` is not a folder or holds no project.
    """
    base = Path(root)
    if not base.is_dir():
        raise InputError(tr("batch.err.not_folder", path=base))
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(base):
        depth = len(Path(dirpath).relative_to(base).parts)
        if GPKG in filenames:
            found.append(Path(dirpath))
            dirnames[:] = []  # a project's own subfolders (output, cache, inputs) hold no projects
            continue
        if depth >= max_depth:
            dirnames[:] = []
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
    if not found:
        raise InputError(tr("batch.err.no_project", path=base, gpkg=GPKG, depth=max_depth))
    return sorted(found)


def run_project(path: str | Path, analyses: Sequence[str] = ("check", "gaps")) -> dict[str, Any]:
    """Run ``analyses`` on one project; never raises for a project's own problem.

    Returns
    -------
    dict
        ``project`` (name), ``path``, ``status`` (``"ok"`` or ``"failed"``), ``error`` (the message,
        "" when ok), ``seconds``, ``worker`` (pid), ``parks`` (a DataFrame, one row per checked park)
        and the values each analysis returned (``verdict``, ``n_fail``, ``n_gaps`` ...).
    """
    from yitu.layers.project import Project

    t0 = time.perf_counter()
    out: dict[str, Any] = {"project": Path(path).name, "path": str(path), "status": "ok", "error": "",
                           "worker": os.getpid(), "parks": pd.DataFrame()}
    try:
        project = Project.open(path)
        out["project"] = project.settings.project.name or Path(path).name
        for name in analyses:
            values = ANALYSES[name](project)
            parks = values.pop("parks", None)
            if parks is not None:
                out["parks"] = parks
            out.update(values)
    except YituError as exc:
        out.update(status="failed", error=str(exc))
    except Exception as exc:  # a bug in one county must not stop the province; keep the trace for the log
        out.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        log.error(msg("batch.log.failed", path=path, trace=traceback.format_exc()))
    out["seconds"] = time.perf_counter() - t0
    return out


def _in_lang(lang: str, task: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """``task(*args)`` on a worker in the caller's language (worker processes start in Chinese), so its
    log lines and error messages read as the rest of the run does."""
    with use_lang(lang):
        return task(*args)


def run_park(path: str | Path, park: str) -> dict[str, Any]:
    """Check one park of a project without storing anything (for ``split="park"``)."""
    from yitu.layers.project import Project
    from yitu.routing.parks import park_check

    t0 = time.perf_counter()
    out: dict[str, Any] = {"project": Path(path).name, "path": str(path), "park": park, "status": "ok",
                           "error": "", "worker": os.getpid(), "parks": pd.DataFrame()}
    try:
        project = Project.open(path)
        out["project"] = project.settings.project.name or Path(path).name
        parks = project.read("parks")
        parks = parks[parks["id"].astype(str) == str(park)]
        if parks.empty:
            raise InputError(tr("batch.err.no_park", path=path, park=park))
        chk = park_check(_network(project), parks, project.read("stations"), project.read("enterprises"),
                         project.read_optional("risk_zones"), limit_min=project.settings.rescue.park_limit_min,
                         settings=project.settings)
        out["parks"] = pd.DataFrame(chk.parks.drop(columns="geometry"))
        out["n_parks_fail"] = int((out["parks"]["verdict"] == "FAIL").sum())
        out["n_fail"] = int(out["parks"]["n_fail"].sum())
        out["verdict"] = "pass" if chk.passed else "fail"
    except YituError as exc:
        out.update(status="failed", error=str(exc))
    except Exception as exc:
        out.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        log.error(msg("batch.log.park_failed", path=path, park=park, trace=traceback.format_exc()))
    out["seconds"] = time.perf_counter() - t0
    return out


# ------------------------------------------------------------------------------ the run
@dataclass
class BatchResult:
    """What :func:`run_batch` returns.

    Attributes
    ----------
    projects
        One row per task: project, path, status, error, seconds, worker, and the analyses' values.
    parks
        One row per checked park, with the project's name and path (the park check's columns).
    seconds
        Wall time of the whole run.
    n_workers
        Workers of the cluster used.
    """

    projects: pd.DataFrame
    parks: pd.DataFrame
    seconds: float
    n_workers: int
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def n_failed(self) -> int:
        return int((self.projects["status"] == "failed").sum()) if len(self.projects) else 0


def _client(scheduler: str | None, n_workers: int) -> tuple[Any, Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a dependency of yitu
        raise MissingDependencyError(tr("batch.err.no_dask")) from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as exc:
            raise InputError(tr("batch.err.scheduler", scheduler=scheduler, exc=exc)) from exc
    from yitu.routing.knearest import usable_cpus

    # the k-nearest search runs one thread per group of sources (at most 2): share the CPUs
    per_worker = max(1, min(2, usable_cpus() // max(1, n_workers)))
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR, env={"YITU_THREADS": str(per_worker)})
    return Client(cluster), cluster


def run_batch(
    projects: Sequence[str | Path],
    *,
    analyses: Sequence[str] = ("check", "gaps"),
    split: str = "project",
    n_workers: int = 2,
    scheduler: str | None = None,
    client: Any = None,
    progress: Callable[[int, int, dict[str, Any]], None] | None = None,
) -> BatchResult:
    """Run analyses over many projects on Dask and gather one summary.

    Parameters
    ----------
    projects
        Project folders.
    analyses
        Names from :data:`ANALYSES`, run in that order in each project.
    split
        ``"project"``: one task per project (analyses stored in each project, outputs written);
        ``"park"``: one task per park (park check only, nothing stored) — for a few big counties.
    n_workers
        Worker processes of the LocalCluster started when neither ``scheduler`` nor ``client`` is given.
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``).
    client
        An existing ``dask.distributed.Client`` (e.g. in a notebook or a test).
    progress
        Called as ``progress(done, total, task_result)`` after each task.

    Raises
    ------
    InputError
        Unknown analysis or split, no projects, a scheduler that cannot be reached.
    """
    unknown = [a for a in analyses if a not in ANALYSES]
    if unknown:
        raise InputError(tr("batch.err.analysis", unknown=", ".join(unknown), known=", ".join(ANALYSES)))
    if split not in ("project", "park"):
        raise InputError(tr("batch.err.split", split=split))
    paths = [str(Path(p)) for p in projects]
    if not paths:
        raise InputError(tr("batch.err.no_projects"))
    missing = [p for p in paths if not (Path(p) / GPKG).exists()]
    t0 = time.perf_counter()
    own, cluster = (client, None) if client is not None else _client(scheduler, n_workers)
    try:
        from dask.distributed import as_completed

        lang = get_lang()
        tasks: list[Any] = []
        for p in paths:
            if p in missing:
                continue
            if split == "park":
                from yitu.layers.project import Project

                try:
                    ids = Project.open(p).read("parks")["id"].astype(str).tolist()
                except YituError:
                    ids = []
                tasks += [own.submit(_in_lang, lang, run_park, p, pid, pure=False) for pid in ids]
                if not ids:
                    tasks.append(own.submit(_in_lang, lang, run_project, p, ("check",), pure=False))
            else:
                tasks.append(own.submit(_in_lang, lang, run_project, p, tuple(analyses), pure=False))
        rows: list[dict[str, Any]] = [
            {"project": Path(p).name, "path": p, "status": "failed", "seconds": 0.0, "worker": None,
             "error": f"{p}: not a yitu project (no {GPKG})", "parks": pd.DataFrame()}
            for p in missing
        ]
        total = len(tasks) + len(missing)
        for r in rows:
            if progress:
                progress(len(rows), total, r)
        for fut in as_completed(tasks):
            r = fut.result()
            rows.append(r)
            if progress:
                progress(len(rows), total, r)
        workers = len(own.scheduler_info().get("workers", {})) or n_workers
    finally:
        if client is None:
            own.close()
            if cluster is not None:
                cluster.close()
    return _gather(rows, time.perf_counter() - t0, workers)


def _gather(rows: list[dict[str, Any]], seconds: float, n_workers: int) -> BatchResult:
    park_frames = []
    for r in rows:
        pk = r.pop("parks", None)
        if isinstance(pk, pd.DataFrame) and len(pk):
            park_frames.append(pk.assign(project=r["project"], path=r["path"]))
    projects = pd.DataFrame(rows)
    if len(projects):
        by_path = projects.groupby("path", sort=False)
        agg = {"project": "first", "status": lambda s: "failed" if (s == "failed").any() else "ok",
               "error": lambda s: "；".join(x for x in s if x), "seconds": "sum"}
        for col in ("n_parks_fail", "n_fail", "n_gaps"):
            if col in projects.columns:
                agg[col] = lambda s: s.sum(min_count=1)  # a project that failed has no count, not 0
        if "verdict" in projects.columns:
            agg["verdict"] = lambda s: "fail" if (s == "fail").any() else ("pass" if (s == "pass").any() else None)
        projects = by_path.agg(agg).reset_index().sort_values("path", kind="stable").reset_index(drop=True)
    parks = pd.concat(park_frames, ignore_index=True) if park_frames else pd.DataFrame()
    if len(parks):
        parks = parks.sort_values(["path", "park_id"] if "park_id" in parks.columns else ["path"], kind="stable")
        parks = parks.reset_index(drop=True)
    return BatchResult(projects=projects, parks=parks, seconds=seconds, n_workers=n_workers)


# ------------------------------------------------------------------------------ the summary
def park_geometries(result: BatchResult) -> gpd.GeoDataFrame:
    """The parks of the summary with their polygons (EPSG:4326), read from each project."""
    from yitu.layers.project import Project

    frames = []
    for path in dict.fromkeys(result.parks.get("path", pd.Series(dtype=str)).tolist()):
        try:
            parks = Project.open(path).read("parks")
        except YituError as exc:
            log.warning(msg("batch.log.parks_not_drawn", path=path, error=exc))
            continue
        frames.append(parks[["id", "geometry"]].assign(path=path))
    if not frames:
        return gpd.GeoDataFrame(result.parks.iloc[0:0].assign(geometry=None), geometry="geometry", crs=4326)
    geo = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326)
    geo["id"] = geo["id"].astype(str)
    key = "park_id" if "park_id" in result.parks.columns else "id"
    merged = result.parks.assign(_id=result.parks[key].astype(str)).merge(
        geo.rename(columns={"id": "_id"}), on=["path", "_id"], how="left").drop(columns="_id")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=4326)


def write_summary(result: BatchResult, out_dir: str | Path, *, lang: str = "zh") -> dict[str, Path]:
    """Write the province summary: ``batch_summary.xlsx`` and the overview map ``batch_overview.html``."""
    from yitu.maps.province import overview_map, summary_tables
    from yitu.gis.io import write_xlsx
    from yitu.maps.offline import save_html

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sheets = summary_tables(result, lang=lang)
    files = {"xlsx": write_xlsx(sheets, out / "batch_summary.xlsx")}
    files["html"] = save_html(overview_map(result, park_geometries(result), lang=lang), out / "batch_overview.html")
    result.files.update(files)
    return files
