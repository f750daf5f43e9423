"""Words shared by several outputs: road classes (OSM ``highway`` values), hazard types, network notes."""

from __future__ import annotations

from yitu.words import has, register, tr

__all__ = ["road_class_text", "hazard_text"]

#: OSM highway value -> (zh, en). Chinese names follow the usual 公路/城市道路 grades.
ROAD_CLASSES: dict[str, tuple[str, str]] = {
    "motorway": ("高速公路", "motorway"),
    "motorway_link": ("高速公路匝道", "motorway link"),
    "trunk": ("快速路/一级公路", "trunk road"),
    "trunk_link": ("快速路匝道", "trunk link"),
    "primary": ("主干路", "primary road"),
    "primary_link": ("主干路连接线", "primary link"),
    "secondary": ("次干路", "secondary road"),
    "secondary_link": ("次干路连接线", "secondary link"),
    "tertiary": ("支路", "tertiary road"),
    "tertiary_link": ("支路连接线", "tertiary link"),
    "unclassified": ("乡村道路", "unclassified road"),
    "residential": ("居住区道路", "residential street"),
    "living_street": ("生活街道", "living street"),
    "service": ("内部道路", "service road"),
    "road": ("未分级道路", "road of unknown class"),
    "track": ("机耕路", "track"),
    "path": ("小径", "path"),
    "footway": ("人行道", "footway"),
    "pedestrian": ("步行街", "pedestrian street"),
    "steps": ("台阶", "steps"),
    "cycleway": ("自行车道", "cycleway"),
}

register({f"road.{k}": v for k, v in ROAD_CLASSES.items()})
register({
    "hazard.fire": ("火灾", "fire"),
    "hazard.leak": ("泄漏", "leak"),
    "hazard.explosion": ("爆炸", "explosion"),
    "network.dropped.self_loops": ("自环路段", "self-loops"),
    "network.dropped.ways_cut_at_missing_nodes": ("缺节点而截断的道路", "ways cut at missing nodes"),
    "network.dropped.lines_not_for_profile": ("该速度配置不通行的道路", "lines not driven in this profile"),
    "profile.fire_engine": ("消防车", "fire engine"),
    "profile.walking": ("步行", "walking"),
})


def road_class_text(value: object, *, lang: str | None = None) -> str:
    """Words for a road class (``motorway`` -> 高速公路); a class yitu has no name for stays as given."""
    key = f"road.{value}"
    return tr(key, lang=lang) if has(key) else str(value)


def hazard_text(value: object, *, lang: str | None = None) -> str:
    """Words for a hazard profile (``fire`` -> 火灾); a profile of the project's own stays as named."""
    key = f"hazard.{value}"
    return tr(key, lang=lang) if has(key) else str(value)
