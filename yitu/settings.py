"""Settings: a project's ``yitu.toml`` over the packaged defaults, read into dataclasses.

Every number from a standard or a planning assumption lives in
``yitu/data/defaults.toml``; a project overrides any key in its own ``yitu.toml``.
Nothing here is mutated at run time: pass a changed copy (``dataclasses.replace``).
:func:`settings_toml` writes settings back as TOML (what ``yitu settings`` prints), with the keys
a project's ``yitu.toml`` sets (:func:`overridden_keys`) marked.
"""

from __future__ import annotations

import copy
import logging
import re
import tomllib
import types
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from yitu.errors import InputError
from yitu.words import tr

log = logging.getLogger(__name__)

__all__ = [
    "Settings",
    "ProjectSettings",
    "RiskSettings",
    "RescueSettings",
    "RoutingSettings",
    "SpeedProfile",
    "ShelterSettings",
    "SafetyDistanceSettings",
    "SitingSettings",
    "BatchSettings",
    "MapSettings",
    "RequirementLine",
    "default_settings",
    "load_settings",
    "defaults_text",
    "settings_dict",
    "settings_toml",
    "overridden_keys",
]


@dataclass(frozen=True)
class ProjectSettings:
    name: str = "未命名项目"
    metric_crs: str = "utm"
    bbox: tuple[float, ...] = ()
    default_input_crs: str = "wgs84"


@dataclass(frozen=True)
class RiskSettings:
    lec_red: float = 320.0
    lec_orange: float = 160.0
    lec_yellow: float = 70.0
    matrix_red: int = 20
    matrix_orange: int = 15
    matrix_yellow: int = 9
    stale_months: int = 12
    fire_red_rate: float = 0.3
    fire_yellow_rate: float = 0.1


@dataclass(frozen=True)
class RescueSettings:
    park_limit_min: float = 15.0
    urban_limit_min: float = 5.0
    boundary_sample_m: float = 200.0
    turnout_min: dict[str, float] = field(default_factory=dict)
    district_km2: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RoutingSettings:
    max_snap_m: float = 500.0
    access_speed_kmh: float = 10.0
    isochrone_buffer_m: float = 100.0
    isochrone_bands_min: tuple[float, ...] = (5.0, 10.0, 15.0)
    largest_component: bool = True


@dataclass(frozen=True)
class SpeedProfile:
    """Road class -> km/h, with a calibration factor and an optional signal delay."""

    name: str
    speeds_kmh: dict[str, float]
    default_kmh: float = 25.0
    calibration: float = 1.0
    signal_delay_s: float = 0.0
    ignore_oneway: bool = False


@dataclass(frozen=True)
class ShelterSettings:
    """``[shelters]``: capacities, radii and rules of ``yitu shelters`` (each number's clause in defaults.toml)."""

    per_capita_m2: dict[str, float] = field(default_factory=dict)
    service_radius_m: dict[str, float] = field(default_factory=dict)
    walking_kmh: float = 4.0
    min_effective_area_m2: dict[str, float] = field(default_factory=dict)
    required_share: dict[str, float] = field(default_factory=dict)
    share_classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    allow_split: bool = True
    solver: str = "flow"
    milp_time_limit_s: float = 60.0
    resident_target_types: tuple[str, ...] = ()
    park_buffer_m: float = 500.0
    hazard_distance_m: float = 300.0
    fire_source_distance_m: float = 30.0
    phones: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SafetyDistanceSettings:
    """``[safety_distance]``: GB 36894-2018 risk criteria, GB 36894 target classes, screening code
    distances and general distance rules for ``yitu distances`` (each number's clause in defaults.toml)."""

    default_m: float = 0.0
    railway_corridor_m: float = 500.0
    # individual risk per year that a protected target of each class may bear (new / existing installations)
    individual_risk_new: dict[str, float] = field(default_factory=dict)
    individual_risk_existing: dict[str, float] = field(default_factory=dict)
    # GB 36894 annex A: 一般 targets split into 一类/二类/三类 by size
    residential_class1_households: float = 30.0
    residential_class1_people: float = 100.0
    residential_class2_households: float = 10.0
    residential_class2_people: float = 30.0
    public_class1_area_m2: float = 5000.0
    public_class2_area_m2: float = 1500.0
    public_class1_people: float = 100.0
    public_class2_people: float = 30.0
    # screening distances (m) by installation kind where neither an assessment nor contours were given
    code_distance_m: dict[str, float] = field(default_factory=dict)
    code_distance_source: dict[str, str] = field(default_factory=dict)
    # a contour farther than this from its own installation/enterprise is reported (wrong CRS or county?)
    contour_max_offset_m: float = 2000.0
    # general distance rules: [[safety_distance.rules]] name, a, a_filter, b, b_filter, min_m, source
    rules: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class SitingSettings:
    """``[siting]``: demand weights, candidate exclusions and solver choices for ``yitu site``."""

    grade_weight: dict[str, float] = field(default_factory=dict)
    major_hazard_weight: dict[str, float] = field(default_factory=dict)
    risk_zone_weight: float = 2.0
    boundary_weight: float = 1.0
    target_weight_per_person: float = 0.01
    target_min_weight: float = 1.0
    hazchem_setback_m: float = 200.0
    hazchem_roles: tuple[str, ...] = ("生产", "储存")
    crowded_setback_m: float = 50.0
    crowded_target_types: tuple[str, ...] = ("学校", "医院", "养老机构", "人员密集场所")
    prevailing_wind_from_deg: float = -1.0
    downwind_half_angle_deg: float = 45.0
    downwind_check_m: float = 1000.0
    excluded_road_classes: tuple[str, ...] = ("motorway", "motorway_link")
    exclude_in_risk_zones: bool = True
    default_station_type: str = "一级站"
    grid_m: float = 300.0
    study_buffer_m: float = 3000.0
    search_factor: float = 2.0
    tradeoff_max_p: int = 6
    solver: str = "highs"
    time_limit_s: float = 60.0


@dataclass(frozen=True)
class BatchSettings:
    """``[batch]``: how ``yitu batch`` runs many projects on Dask."""


@dataclass(frozen=True)
class MapSettings:
    tiles: str = "none"
    tianditu_key: str = ""
    lang: str = "zh"
    font: str = ""
    dpi: int = 300
    paper: str = "A4"
    source_note: str = ""


@dataclass(frozen=True)
class RequirementLine:
    """One line of a drill requirement profile: ``min`` of ``what`` on site by ``by_min``."""

    label: str
    what: str
    min: float
    by_min: float


@dataclass(frozen=True)
class Settings:
    """All settings of a project (packaged defaults overridden by ``yitu.toml``)."""

    project: ProjectSettings
    risk: RiskSettings
    rescue: RescueSettings
    routing: RoutingSettings
    profiles: dict[str, SpeedProfile]
    shelters: ShelterSettings
    safety_distance: SafetyDistanceSettings
    maps: MapSettings
    requirements: dict[str, tuple[RequirementLine, ...]]
    source: str = "defaults"
    siting: SitingSettings = field(default_factory=SitingSettings)
    batch: BatchSettings = field(default_factory=BatchSettings)

    def profile(self, name: str) -> SpeedProfile:
        """Return the speed profile ``name`` or raise naming the ones that exist."""
        try:
            return self.profiles[name]
        except KeyError:
            raise InputError(tr("settings.unknown_profile", name=name, profiles=", ".join(sorted(self.profiles)))) from None

    def turnout_min(self, station_type: str | None) -> float:
        """Turnout time (出动时间) in minutes for a station type; 1.0 for an unknown type."""
        return float(self.rescue.turnout_min.get(str(station_type), 1.0))


def defaults_text() -> str:
    """The packaged ``defaults.toml`` as text (it documents every setting)."""
    return resources.files("yitu.data").joinpath("defaults.toml").read_text(encoding="utf-8")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _section(cls: type, data: dict[str, Any], where: str) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise InputError(tr("settings.unknown", where=where, keys=", ".join(sorted(unknown)), known=", ".join(sorted(known))))
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items()}
    required = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING]
    missing = [k for k in required if k not in kwargs]
    if missing:
        raise InputError(tr("settings.missing", where=where, keys=", ".join(missing), required=", ".join(required)))
    return cls(**kwargs)


# ------------------------------------------------------------------------------- schema
# The settings tree is checked once, before any dataclass is built, against a schema read from the
# dataclasses' type hints: a section or field added to a dataclass is checked with no code here.
# Where the TOML layout differs from the Settings fields: field -> its path in the TOML tree.
_TOML_PATH: dict[str, tuple[str, ...]] = {"requirements": ("drill", "requirements")}
_NOT_IN_TOML = ("source",)


def _where(path: tuple[str, ...]) -> str:
    """``[risk] stale_months``, ``[rescue.turnout_min] "一级站"``, ``[[drill.requirements.fire]] #1 min``."""
    parts = list(path)
    for i, p in enumerate(parts):
        if p.startswith("#"):  # an entry of an array of tables
            head = _dotted(parts[:i])
            rest = " ".join([p] + [_toml_key(x) for x in parts[i + 1:]])
            return f"[[{head}]] {rest}".rstrip()
    if len(parts) == 1:
        return f"[{_toml_key(parts[0])}]"
    return f"[{_dotted(parts[:-1])}] {_toml_key(parts[-1])}"


def _shown(v: Any) -> str:
    try:
        return _toml_value(v)
    except TypeError:
        return repr(v)


def _type_words(hint: Any) -> str:
    origin, args = get_origin(hint), get_args(hint)
    if hint is float:
        return tr("settings.type_float")
    if hint is int:
        return tr("settings.type_int")
    if hint is str:
        return tr("settings.type_str")
    if hint is bool:
        return tr("settings.type_bool")
    if origin is tuple:
        if args and is_dataclass(args[0]):
            return tr("settings.type_list_of_tables")
        return tr("settings.type_list", item=_type_words(args[0]) if args else "")
    if origin is dict:
        return tr("settings.type_table", item=_type_words(args[1]) if len(args) == 2 else "")
    if is_dataclass(hint):
        return tr("settings.type_section")
    if origin in (Union, types.UnionType):
        return " / ".join(_type_words(a) for a in args if a is not type(None))
    return str(hint)


_EXAMPLE = {float: "5", int: "12", str: "EPSG:4547"}


def _hint(value: Any, hint: Any, path: tuple[str, ...]) -> str:
    origin, args = get_origin(hint), get_args(hint)
    if isinstance(value, str) and hint in (float, int):
        m = re.search(r"[-+]?\d+(\.\d+)?", value)
        if m and m.group(0) == value.strip():
            return tr("settings.hint_unquote")
        return tr("settings.hint_write", example=m.group(0)) if m else ""
    if hint is str and not isinstance(value, (dict, list)):
        return tr("settings.hint_quote", example=_shown(value).strip('"') if not isinstance(value, str) else "…")
    if origin is tuple and not isinstance(value, (list, dict)):
        item = args[0] if args else float
        example = _shown(value) if not isinstance(value, str) or item is str else "5, 10, 15"
        return tr("settings.hint_list", example=example)
    if origin is dict and not isinstance(value, dict):
        return tr("settings.hint_table", key=_dotted(path))
    return ""


def _type_problems(value: Any, hint: Any, path: tuple[str, ...], out: list[str], *, keyed: bool = False) -> None:
    """Append to ``out`` what is wrong with ``value`` at ``path`` against the type ``hint``."""
    origin, args = get_origin(hint), get_args(hint)

    def wrong() -> None:
        out.append(tr("settings.wrong_type", key=_where(path), value=_shown(value), expected=_type_words(hint),
                      hint=_hint(value, hint, path)))

    if hint is Any:
        return
    if origin in (Union, types.UnionType):
        for a in args:
            sub: list[str] = []
            if a is not type(None):
                _type_problems(value, a, path, sub)
                if not sub:
                    return
        wrong()
        return
    if hint is bool:
        if not isinstance(value, bool):
            wrong()
    elif hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            wrong()
    elif hint is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            wrong()
    elif hint is str:
        if not isinstance(value, str):
            wrong()
    elif origin is tuple:
        if not isinstance(value, (list, tuple)):
            wrong()
            return
        if len(args) == 2 and args[1] is Ellipsis:
            items = [args[0]] * len(value)
        else:
            if len(value) != len(args):
                wrong()
                return
            items = list(args)
        for i, (v, h) in enumerate(zip(value, items), 1):
            _type_problems(v, h, (*path, f"#{i}") if is_dataclass(h) else (*path[:-1], f"{path[-1]}[{i - 1}]"), out)
    elif origin is dict:
        if not isinstance(value, dict):
            wrong()
            return
        vh = args[1] if len(args) == 2 else Any
        for k, v in value.items():
            _type_problems(v, vh, (*path, str(k)), out, keyed=True)
    elif is_dataclass(hint):
        if not isinstance(value, dict):
            wrong()
            return
        hints = get_type_hints(hint)
        known = [f.name for f in fields(hint)]
        where = _where(path)
        unknown = [k for k in value if k not in known]
        if unknown:
            out.append(tr("settings.unknown", where=where, keys=", ".join(sorted(unknown)), known=", ".join(known)))
        # a dataclass in a table keyed by name ([profiles.NAME]) takes its `name` from the key
        required = [f.name for f in fields(hint) if f.default is MISSING and f.default_factory is MISSING
                    and not (keyed and f.name == "name")]
        missing = [k for k in required if k not in value]
        if missing:
            out.append(tr("settings.missing", where=where, keys=", ".join(missing), required=", ".join(required)))
        for k, v in value.items():
            if k in hints:
                _type_problems(v, hints[k], (*path, k), out)


def _schema_problems(data: dict[str, Any]) -> list[str]:
    """Every type problem in a settings tree (the merged TOML), against the Settings dataclasses."""
    out: list[str] = []
    hints = get_type_hints(Settings)
    tree: dict[str, Any] = {}  # TOML path -> type hint, as a nested dict of the sections
    for f in fields(Settings):
        if f.name in _NOT_IN_TOML:
            continue
        path = _TOML_PATH.get(f.name, (f.name,))
        node = tree
        for k in path[:-1]:
            node = node.setdefault(k, {})
        node[path[-1]] = hints[f.name]

    def walk(value: Any, spec: Any, path: tuple[str, ...]) -> None:
        if not isinstance(spec, dict):
            _type_problems(value, spec, path, out)
            return
        if not isinstance(value, dict):
            out.append(tr("settings.wrong_type", key=_where(path), value=_shown(value),
                          expected=tr("settings.type_section"), hint=""))
            return
        unknown = [k for k in value if k not in spec]
        if unknown:
            out.append(tr("settings.unknown", where=_where(path) if path else "yitu.toml",
                          keys=", ".join(sorted(unknown)), known=", ".join(spec)))
        for k, v in value.items():
            if k in spec:
                walk(v, spec[k], (*path, k))

    walk(data, tree, ())
    return out


def _from_dict(data: dict[str, Any], source: str) -> Settings:
    problems = _schema_problems(data)
    if problems:
        raise InputError(tr("settings.problems", source=source, n=len(problems), items="; ".join(problems)))
    profiles = {}
    for name, p in data.get("profiles", {}).items():
        profiles[name] = _section(SpeedProfile, {"name": name, **p}, f"{source} [profiles.{name}]")
    requirements: dict[str, tuple[RequirementLine, ...]] = {}
    for hazard, lines in data.get("drill", {}).get("requirements", {}).items():
        requirements[hazard] = tuple(
            _section(RequirementLine, line, f"{source} [[drill.requirements.{hazard}]]") for line in lines
        )
    settings = Settings(
        project=_section(ProjectSettings, data.get("project", {}), f"{source} [project]"),
        risk=_section(RiskSettings, data.get("risk", {}), f"{source} [risk]"),
        rescue=_section(RescueSettings, data.get("rescue", {}), f"{source} [rescue]"),
        routing=_section(RoutingSettings, data.get("routing", {}), f"{source} [routing]"),
        profiles=profiles,
        shelters=_section(ShelterSettings, data.get("shelters", {}), f"{source} [shelters]"),
        safety_distance=_section(
            SafetyDistanceSettings, data.get("safety_distance", {}), f"{source} [safety_distance]"
        ),
        maps=_section(MapSettings, data.get("maps", {}), f"{source} [maps]"),
        requirements=requirements,
        source=source,
        siting=_section(SitingSettings, data.get("siting", {}), f"{source} [siting]"),
        batch=_section(BatchSettings, data.get("batch", {}), f"{source} [batch]"),
    )
    _check_numbers(settings, source)
    return settings


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


def _check_numbers(s: Settings, source: str) -> None:
    """The numbers travel times and verdicts rest on: numbers, in range (else a clear InputError,
    not a traceback or silently impossible minutes deep inside a check or drill)."""
    checks: list[tuple[str, Any, str]] = [
        ("[rescue] park_limit_min", s.rescue.park_limit_min, ">0"),
        ("[rescue] urban_limit_min", s.rescue.urban_limit_min, ">0"),
        ("[rescue] boundary_sample_m", s.rescue.boundary_sample_m, ">0"),
        ("[routing] max_snap_m", s.routing.max_snap_m, ">=0"),
        ("[routing] access_speed_kmh", s.routing.access_speed_kmh, ">0"),
        ("[routing] isochrone_buffer_m", s.routing.isochrone_buffer_m, ">=0"),
    ]
    checks += [(f'[rescue.turnout_min] "{k}"', v, ">=0") for k, v in s.rescue.turnout_min.items()]
    checks += [(f"[routing] isochrone_bands_min[{i}]", v, ">0") for i, v in enumerate(s.routing.isochrone_bands_min)]
    sd = s.safety_distance
    checks += [(f'[safety_distance.individual_risk_new] "{k}"', v, ">0") for k, v in sd.individual_risk_new.items()]
    checks += [(f'[safety_distance.individual_risk_existing] "{k}"', v, ">0")
               for k, v in sd.individual_risk_existing.items()]
    checks += [(f'[safety_distance.code_distance_m] "{k}"', v, ">0") for k, v in sd.code_distance_m.items()]
    checks += [(f"[safety_distance] {k}", getattr(sd, k), ">0") for k in (
        "residential_class1_households", "residential_class1_people", "residential_class2_households",
        "residential_class2_people", "public_class1_area_m2", "public_class2_area_m2", "public_class1_people",
        "public_class2_people", "contour_max_offset_m")]
    for name, p in s.profiles.items():
        checks += [(f"[profiles.{name}] calibration", p.calibration, ">0"),
                   (f"[profiles.{name}] default_kmh", p.default_kmh, ">=0"),
                   (f"[profiles.{name}] signal_delay_s", p.signal_delay_s, ">=0")]
        checks += [(f'[profiles.{name}.speeds_kmh] "{k}"', v, ">=0") for k, v in p.speeds_kmh.items()]
    for hazard, lines in s.requirements.items():
        for i, line in enumerate(lines, 1):
            checks += [(f"[[drill.requirements.{hazard}]] #{i} min", line.min, ">=0"),
                       (f"[[drill.requirements.{hazard}]] #{i} by_min", line.by_min, ">=0")]
    sg = s.siting
    checks += [(f"[siting] {k}", getattr(sg, k), ">=0") for k in (
        "risk_zone_weight", "boundary_weight", "target_weight_per_person", "target_min_weight", "hazchem_setback_m",
        "crowded_setback_m", "downwind_check_m", "study_buffer_m")]
    checks += [(f"[siting] {k}", getattr(sg, k), ">0") for k in ("grid_m", "search_factor", "time_limit_s")]
    checks += [(f'[siting.grade_weight] "{k}"', v, ">=0") for k, v in sg.grade_weight.items()]
    checks += [(f'[siting.major_hazard_weight] "{k}"', v, ">=0") for k, v in sg.major_hazard_weight.items()]
    problems: list[str] = []
    for key, v, rule in checks:
        ok = _is_number(v) and (v > 0 if rule == ">0" else v >= 0)
        if not ok:
            hint = tr("settings.hint_unquote") if isinstance(v, str) else ""
            problems.append(tr("settings.range_gt0" if rule == ">0" else "settings.range_ge0", key=key,
                               value=repr(v) if isinstance(v, str) else _shown(v), hint=hint))
    bbox = s.project.bbox
    if bbox and not (len(bbox) == 4 and all(_is_number(v) for v in bbox) and bbox[0] < bbox[2] and bbox[1] < bbox[3]):
        problems.append(tr("settings.bbox", key="[project] bbox", value=_shown(list(bbox))))
    if len(problems) == 1:
        raise InputError(f"{source} {problems[0]}")
    if problems:
        raise InputError(tr("settings.problems", source=source, n=len(problems), items="; ".join(problems)))


def _defaults_dict() -> dict[str, Any]:
    return tomllib.loads(defaults_text())


def default_settings() -> Settings:
    """The packaged defaults."""
    return _from_dict(_defaults_dict(), "defaults")


def load_settings(path: str | Path | None = None) -> Settings:
    """Read ``yitu.toml`` (a file, or a project folder holding one) over the packaged defaults.

    Parameters
    ----------
    path
        A ``yitu.toml`` file or a project folder. ``None`` or a missing file gives the defaults.

    Raises
    ------
    InputError
        When the file is not valid TOML or names a setting that does not exist.
    """
    if path is None:
        return default_settings()
    p = Path(path)
    if p.is_dir():
        p = p / "yitu.toml"
    if not p.exists():
        log.debug("no %s; using packaged defaults", p)
        return default_settings()
    return _from_dict(_merge(_defaults_dict(), _read_toml(p)), str(p))


def _read_toml(p: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(tr("settings.bad_toml", path=p, exc=exc)) from exc


# Settings as TOML text (and the TOML-text helpers the checks above use) live in yitu.settings_toml.
from yitu.settings_toml import (  # noqa: E402
    _dotted,
    _toml_key,
    _toml_value,
    overridden_keys,
    settings_dict,
    settings_toml,
)
