"""Settings: a project's ``yitu.toml`` over the packaged defaults, read into dataclasses.

Every number from a standard or a planning assumption lives in
``yitu/data/defaults.toml``; a project overrides any key in its own ``yitu.toml``.
Nothing here is mutated at run time: pass a changed copy (``dataclasses.replace``).
"""

from __future__ import annotations

import copy
import logging
import tomllib
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

from yitu.errors import InputError

log = logging.getLogger(__name__)

__all__ = [
    "Settings",
    "ProjectSettings",
    "RiskSettings",
    "RescueSettings",
    "RoutingSettings",
    "SpeedProfile",
    "ShelterSettings",
    "MapSettings",
    "RequirementLine",
    "default_settings",
    "load_settings",
    "defaults_text",
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
    per_capita_m2: dict[str, float] = field(default_factory=dict)
    service_radius_m: dict[str, float] = field(default_factory=dict)
    walking_kmh: float = 4.0
    min_effective_area_m2: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SafetyDistanceSettings:
    default_m: float = 0.0
    railway_corridor_m: float = 500.0


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

    def profile(self, name: str) -> SpeedProfile:
        """Return the speed profile ``name`` or raise naming the ones that exist."""
        try:
            return self.profiles[name]
        except KeyError:
            raise InputError(
                f"unknown speed profile {name!r}; defined profiles: {', '.join(sorted(self.profiles))} "
                "(add one under [profiles.NAME] in yitu.toml)"
            ) from None

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
        raise InputError(
            f"{where}: unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
        )
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items()}
    return cls(**kwargs)


def _from_dict(data: dict[str, Any], source: str) -> Settings:
    profiles = {}
    for name, p in data.get("profiles", {}).items():
        profiles[name] = _section(SpeedProfile, {"name": name, **p}, f"{source} [profiles.{name}]")
    requirements: dict[str, tuple[RequirementLine, ...]] = {}
    for hazard, lines in data.get("drill", {}).get("requirements", {}).items():
        requirements[hazard] = tuple(
            _section(RequirementLine, line, f"{source} [[drill.requirements.{hazard}]]") for line in lines
        )
    return Settings(
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
    )


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
    try:
        over = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{p}: not valid TOML ({exc}); fix the file or delete it to use the defaults") from exc
    return _from_dict(_merge(_defaults_dict(), over), str(p))
