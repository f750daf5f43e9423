"""The project's road network: build it once from an OSM file or a road-line layer, cache it, load it.

``build_network`` reads the input, builds the :class:`~yitu.routing.network.RoadNetwork` of one
speed profile in the project's metric CRS, caches it as a folder of ``.npy`` files in
``project.cache_dir`` (memory-mapped on load: no copy, no parsing), stores
the edges as the ``roads`` layer, and records the source (``cache/network.json``) so that
``load_network`` can build any other profile (``walking`` for evacuation) later without being
told the file again.

The cache key is the SHA-256 of the input file plus everything that changes travel times: the
profile's speeds, calibration, signal delay and one-way rule, ``routing.largest_component``,
the metric CRS and the road-layer field options. Change one of them in ``yitu.toml`` and the
next load rebuilds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any

from yitu.errors import InputError, NetworkError, ProjectError
from yitu.routing.network import RoadNetwork
from yitu.words import msg, named, tr

log = logging.getLogger(__name__)

__all__ = ["build_network", "load_network", "network_source", "cache_file", "FORMAT_VERSION", "SOURCE_FILE"]

#: Bump when the build logic changes so that old caches are rebuilt.
FORMAT_VERSION = 3
#: The record of the network's source, in ``project.cache_dir``.
SOURCE_FILE = "network.json"

# Field names tried, in order, when a road-line option is not given.
_FIELD_CANDIDATES: dict[str, tuple[str, ...]] = {
    "class_field": ("road_class", "highway", "fclass", "class", "等级", "道路等级", "道路类型", "类型", "技术等级"),
    "speed_field": ("speed_kmh", "speed", "速度", "设计速度", "车速"),
    "maxspeed_field": ("maxspeed", "限速"),
    "oneway_field": ("oneway", "单行", "单向", "单行道"),
    "name_field": ("name", "名称", "道路名称", "路名"),
}

# In-process memo of loaded caches: {(path, mtime_ns): network}. Networks are immutable.
_MEMO: dict[tuple[str, int], RoadNetwork] = {}
_MEMO_MAX = 4


# ------------------------------------------------------------------------------------ helpers
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _record_path(project: Any) -> Path:
    return Path(project.cache_dir) / SOURCE_FILE


def network_source(project: Any) -> dict[str, Any] | None:
    """The recorded source of the project's network (``cache/network.json``), or ``None``."""
    p = _record_path(project)
    if not p.exists():
        return None
    try:
        rec = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ProjectError(tr("network.err.bad_record", path=p, exc=exc, project=project.path)) from None
    return rec if isinstance(rec, dict) else None


def _write_record(project: Any, rec: dict[str, Any]) -> None:
    from yitu.gis.io import atomic_path

    p = _record_path(project)
    p.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(p) as tmp:
        tmp.write_text(json.dumps(rec, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")


def _stored_path(project: Any, path: Path) -> str:
    """The path as recorded: relative to the project folder when inside it (the folder may move)."""
    path = path.resolve()
    try:
        return path.relative_to(Path(project.path).resolve()).as_posix()
    except ValueError:
        return str(path)


def _resolve(project: Any, stored: str) -> Path:
    p = Path(stored)
    return p if p.is_absolute() else Path(project.path) / p


def _file_hash(path: Path, rec: dict[str, Any] | None) -> str:
    """SHA-256 of the input; reuses the recorded hash when size and mtime are unchanged."""
    st = path.stat()
    if rec and rec.get("size") == st.st_size and rec.get("mtime_ns") == st.st_mtime_ns and rec.get("sha256"):
        return str(rec["sha256"])
    return _sha256(path)


def _project_crs(project: Any) -> Any:
    """The project's metric CRS, or ``None`` while the project has neither a ``bbox`` setting nor a
    place layer (the network then uses the UTM zone of its own centre; it is rebuilt once the
    project has an extent). The stored ``roads`` layer does not count: it is written by the build
    itself, and counting it made the CRS (and so the cache key) change between a build and the
    next load, which then rebuilt from the file and deleted the build's cache."""
    if _project_extent(project) is None:
        return None
    try:
        return project.metric_crs()
    except ProjectError:
        return None


def _cache_key(project: Any, *, sha: str, kind: str, fields: dict[str, Any], profile: str) -> str:
    settings = project.settings
    prof = settings.profile(profile)
    payload = {
        "format": FORMAT_VERSION,
        "input": sha,
        "kind": kind,
        "fields": fields,
        "profile": dataclasses.asdict(prof),
        "largest_component": settings.routing.largest_component,
        "crs": crs.to_wkt() if (crs := _project_crs(project)) is not None else "auto",
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "profile"


def _cache_path(project: Any, profile: str, key: str) -> Path:
    return Path(project.cache_dir) / f"network-{_safe(profile)}-{key}"


def _load_cached(path: Path) -> RoadNetwork | None:
    """The cached network, or ``None`` when the file is missing or unreadable (then it is rebuilt)."""
    if not (path / "meta.json").exists():
        return None
    memo_key = (str(path.resolve()), (path / "meta.json").stat().st_mtime_ns)
    net = _MEMO.get(memo_key)
    if net is None:
        try:
            net = RoadNetwork.load(path)
        except Exception as exc:  # a truncated or foreign file: rebuild rather than fail
            log.warning(msg("network.log.cache_unreadable", path=path, error=exc))
            return None
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[memo_key] = net
    return net


def _pick_fields(columns: list[str], given: dict[str, str | None]) -> dict[str, str | None]:
    """Road-layer field names: the given ones, else the first candidate present, else None."""
    out: dict[str, str | None] = {}
    for opt, cands in _FIELD_CANDIDATES.items():
        name = given.get(opt)
        if name is not None:
            if name not in columns:
                raise InputError(tr("network.err.no_field", name=name, option=f"--{opt.replace('_field', '').replace('_', '-')}-field",
                                    fields=", ".join(map(str, columns))))
            out[opt] = name
        else:
            out[opt] = next((c for c in cands if c in columns), None)
    if out["class_field"] is None:
        raise InputError(tr("network.err.no_class_field", tried=", ".join(_FIELD_CANDIDATES["class_field"]),
                            fields=", ".join(map(str, columns))))
    return out


def _build(project: Any, path: Path, kind: str, fields: dict[str, Any], profile: str) -> RoadNetwork:
    """Build a network from the file (no caching)."""
    settings = project.settings
    prof = settings.profile(profile)
    crs = _project_crs(project)
    largest = settings.routing.largest_component
    if kind == "osm":
        from yitu.routing.osm import from_osm

        return from_osm(path, profile=prof, crs=crs, largest_component=largest)
    from yitu.gis.io import read_vector
    from yitu.routing.roads import from_roads

    gdf = read_vector(path, layer=fields.get("layer"), crs=fields.get("crs"))
    if len(gdf) == 0:
        raise NetworkError(tr("network.err.roads_empty", path=path))
    picked = _pick_fields([str(c) for c in gdf.columns], fields)
    return from_roads(
        gdf, profile=prof, crs=crs, class_field=picked["class_field"] or "road_class",
        speed_field=picked["speed_field"], maxspeed_field=picked["maxspeed_field"],
        oneway_field=picked["oneway_field"], name_field=picked["name_field"],
        largest_component=largest, source=path.name,
    )


def _log_dropped(net: RoadNetwork) -> None:
    for k, v in net.dropped.items():
        if v:
            log.info(msg("network.log.dropped", n=v, what=named("network.dropped_long", k)))


# -------------------------------------------------------------------------------------- public
def build_network(
    project: Any,
    *,
    osm: str | Path | None = None,
    roads: str | Path | None = None,
    profile: str = "fire_engine",
    class_field: str | None = None,
    speed_field: str | None = None,
    maxspeed_field: str | None = None,
    oneway_field: str | None = None,
    name_field: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
) -> RoadNetwork:
    """Build (or take from the cache) the project's road network and store it in the project.

    Parameters
    ----------
    project
        An open :class:`~yitu.layers.project.Project`.
    osm
        An OSM file (``.osm``, ``.osm.gz``, ``.osm.bz2``, ``.osm.pbf``).
    roads
        A road-line layer (GeoPackage, Shapefile, GeoJSON) instead of OSM.
    profile
        Speed profile from the project's settings.
    class_field, speed_field, maxspeed_field, oneway_field, name_field
        Field names of a road-line layer; when omitted the usual names are tried
        (``road_class``/``highway``/``等级``, ``speed_kmh``/``速度``, ``maxspeed``/``限速``,
        ``oneway``/``单行``, ``name``/``名称``).
    layer
        GeoPackage layer of ``roads`` (when it holds several).
    crs
        CRS of a road-line file that declares none (``wgs84``, ``cgcs2000``, ``EPSG:4547`` ...).

    Returns
    -------
    RoadNetwork
        In ``project.metric_crs()``; ``dropped`` counts what the build removed.

    Raises
    ------
    InputError
        Neither or both of ``osm``/``roads``; a field that does not exist.
    NetworkError
        The file is missing, empty, not OSM, or holds no road the profile can use.
    """
    if (osm is None) == (roads is None):
        raise InputError(tr("network.err.one_source"))
    kind = "osm" if osm is not None else "roads"
    path = Path(osm if osm is not None else roads)  # type: ignore[arg-type]
    if not path.exists():
        raise NetworkError(tr("io.not_found", path=path))
    if path.is_dir():
        raise NetworkError(tr("io.is_folder", path=path))
    if path.stat().st_size == 0:
        raise NetworkError(tr("io.empty", path=path))
    if kind == "roads" and path.suffix.lower() in (".osm", ".pbf", ".gz", ".bz2"):
        raise InputError(tr("network.err.looks_osm", path=path))
    project.settings.profile(profile)  # unknown profile -> InputError before any work
    fields: dict[str, Any] = {}
    if kind == "roads":
        fields = {"class_field": class_field, "speed_field": speed_field, "maxspeed_field": maxspeed_field,
                  "oneway_field": oneway_field, "name_field": name_field, "layer": layer, "crs": crs}
    old = network_source(project)
    stored = _stored_path(project, path)
    same_file = bool(old) and old.get("path") == stored  # type: ignore[union-attr]
    sha = _file_hash(path, old if same_file else None)
    key = _cache_key(project, sha=sha, kind=kind, fields=fields, profile=profile)
    cpath = _cache_path(project, profile, key)
    same_source = bool(old) and old.get("sha256") == sha and old.get("kind") == kind and old.get("fields") == fields  # type: ignore[union-attr]
    cached = _load_cached(cpath)
    if cached is not None:
        net = cached
        log.info(msg("network.log.from_cache", path=cpath))
        hit = True
    else:
        net = _build(project, path, kind, fields, profile)
        _check_overlap(project, net, path)
        Path(project.cache_dir).mkdir(parents=True, exist_ok=True)
        net.save(cpath)
        log.info(msg("network.log.cached", path=cpath))
        hit = False
    _log_dropped(net)
    st = path.stat()
    built = dict(old.get("built", {})) if (old and same_source) else {}
    built[profile] = cpath.name
    rec = {"path": stored, "kind": kind, "fields": fields, "sha256": sha, "size": st.st_size,
           "mtime_ns": st.st_mtime_ns, "roads_profile": profile, "built": built, "format": FORMAT_VERSION}
    _remove_stale(project, profile if same_source else "*", keep=cpath)
    if not (hit and same_source and old and old.get("roads_profile") == profile and project.has("roads")):
        project.write("roads", net.edges_gdf())
        log.info(msg("network.log.stored", edges=net.n_edges, profile=named("profile", profile)))
    _write_record(project, rec)
    return net


_PLACE_LAYERS = ("stations", "enterprises", "parks", "targets", "risk_zones", "shelters")


def _project_extent(project: Any) -> tuple[float, float, float, float] | None:
    """The project area (WGS-84): the ``bbox`` setting, else the extent of its place layers (not
    the stored roads, which may be from an earlier build); ``None`` while there is none."""
    b = project.settings.project.bbox
    if b:
        return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
    import numpy as np
    import pyogrio

    boxes = []
    for name in _PLACE_LAYERS:
        if not project.has(name):
            continue
        try:
            total = pyogrio.read_info(project.gpkg, layer=name).get("total_bounds")
        except Exception:  # noqa: BLE001 - an attribute table has no extent
            continue
        if total is not None and np.isfinite(np.asarray(total, dtype="float64")).all():
            boxes.append([float(v) for v in total])
    if not boxes:
        return None
    return (min(x[0] for x in boxes), min(x[1] for x in boxes), max(x[2] for x in boxes), max(x[3] for x in boxes))


def _check_overlap(project: Any, net: RoadNetwork, path: Path) -> None:
    """A road file that does not touch the project area is the wrong file (another county's
    extract, or coordinates in another CRS): say so at build time instead of every station and
    enterprise turning up "off the network" in the check."""
    area = _project_extent(project)
    if area is None or net.n_edges == 0:
        return
    import geopandas as gpd
    import shapely

    x0, y0, x1, y1 = shapely.total_bounds(net.geometry)
    rb = gpd.GeoSeries([shapely.box(x0, y0, x1, y1)], crs=net.crs).to_crs(4326).total_bounds
    if not (rb[0] <= area[2] and area[0] <= rb[2] and rb[1] <= area[3] and area[1] <= rb[3]):
        raise NetworkError(tr("network.err.no_overlap", path=path,
                              roads=f"{rb[0]:.4f},{rb[1]:.4f} – {rb[2]:.4f},{rb[3]:.4f}",
                              area=f"{area[0]:.4f},{area[1]:.4f} – {area[2]:.4f},{area[3]:.4f}"))


def _remove_stale(project: Any, profile: str, *, keep: Path) -> None:
    import shutil

    pattern = "network-*" if profile == "*" else f"network-{_safe(profile)}-*"
    for p in Path(project.cache_dir).glob(pattern):
        if p != keep:
            try:
                shutil.rmtree(p) if p.is_dir() else p.unlink()  # a folder, or an .npz of an older format
                log.debug("removed stale network cache %s", p)
            except OSError:  # another process may hold it; harmless
                pass


def cache_file(project: Any, *, profile: str = "fire_engine") -> Path | None:
    """Where the network of ``profile`` is (or would be) cached for the recorded source, or ``None``
    when the project has no network source yet or its file is gone."""
    rec = network_source(project)
    if not rec:
        return None
    path = _resolve(project, rec["path"])
    if path.exists():
        sha = _file_hash(path, rec)
    else:
        sha = str(rec.get("sha256", ""))
    return _cache_path(project, profile, _cache_key(project, sha=sha, kind=rec["kind"], fields=rec.get("fields", {}),
                                                    profile=profile))


def load_network(project: Any, *, profile: str = "fire_engine") -> RoadNetwork:
    """The project's road network for ``profile`` from the cache, rebuilt from the recorded source
    when the cache is missing or stale (input file or a time-relevant setting changed).

    Raises
    ------
    ProjectError
        The project has no network yet (naming ``yitu network build``), or its source file is gone
        and there is no cache for the current settings.
    """
    rec = network_source(project)
    if not rec:
        raise ProjectError(tr("network.err.none_yet", project=project.path))
    project.settings.profile(profile)
    path = _resolve(project, rec["path"])
    kind, fields = rec["kind"], rec.get("fields", {})
    if path.exists():
        sha = _file_hash(path, rec)
    else:
        sha = str(rec.get("sha256", ""))
    key = _cache_key(project, sha=sha, kind=kind, fields=fields, profile=profile)
    cpath = _cache_path(project, profile, key)
    cached = _load_cached(cpath)
    if cached is not None:
        return cached
    if not path.exists():
        raise ProjectError(tr("network.err.source_gone", project=project.path, path=path,
                              profile=named("profile", profile)))
    log.info(msg("network.log.building", profile=named("profile", profile), path=path))
    net = _build(project, path, kind, fields, profile)
    Path(project.cache_dir).mkdir(parents=True, exist_ok=True)
    net.save(cpath)
    _remove_stale(project, profile, keep=cpath)
    _log_dropped(net)
    st = path.stat()
    same = rec.get("sha256") == sha
    built = dict(rec.get("built", {})) if same else {}
    built[profile] = cpath.name
    new = {**rec, "sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "built": built}
    if rec.get("roads_profile") == profile:
        # the input or a setting of the roads layer's profile changed: keep the layer in step
        project.write("roads", net.edges_gdf())
    _write_record(project, new)
    return net
