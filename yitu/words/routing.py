"""Words of the routing core's log lines: the road network, coverage, isochrones, responsibility areas.

Station ids and names, file names and road classes are passed in as values; counts and distances too
(distances through :func:`yitu.words.numbers.qty`, so a metre reads 米 in Chinese and m in English).
"""

from __future__ import annotations

from yitu.words import register

register({
    # yitu/routing/network.py, roads.py, build.py
    "network.log.built": ("{source}：节点 {nodes} 个，路段 {edges} 条（{dropped}）",
                          "{source}: {nodes} nodes, {edges} edges ({dropped})"),
    "network.log.source": ("路网", "network"),
    "network.log.nothing_dropped": ("无剔除", "nothing dropped"),
    "network.log.dropped_item": ("{what} {n}", "{what} {n}"),
    "network.log.dropped": ("已剔除：{n} {what}", "dropped: {n} {what}"),
    "network.dropped.small_component_nodes": ("孤立节点", "isolated nodes"),
    "network.dropped.small_component_edges": ("孤立路段", "isolated edges"),
    "network.dropped.components_removed": ("不连通片段", "disconnected pieces"),
    "network.dropped_long.ways_cut_at_missing_nodes": ("条道路在文件缺失的节点处截断（裁剪的 OSM 文件）",
                                                       "ways cut where they reference nodes missing from the file (clipped extract)"),
    "network.dropped_long.small_component_nodes": ("个节点在最大强连通部分之外", "nodes outside the largest strongly connected part"),
    "network.dropped_long.small_component_edges": ("条路段在最大强连通部分之外", "edges outside the largest strongly connected part"),
    "network.dropped_long.components_removed": ("个不连通的道路片段已移除", "disconnected road pieces removed"),
    "network.dropped_long.self_loops": ("个零长度路段（同一节点两次）已移除", "zero-length pieces (same node twice) removed"),
    "network.dropped_long.lines_not_for_profile": ("条线的道路等级该速度配置不能通行", "lines with a class this profile cannot use"),
    "network.log.unknown_classes": (
        "{source}：{n} 条线的道路等级在速度配置 {profile} 中没有车速，未纳入路网：{classes}；请使用 OSM 等级或中文等级"
        "（{examples}），或在 yitu.toml 的 [profiles.{profile}.speeds_kmh] 下添加该等级",
        "{source}: {n} line(s) with a road class profile {profile} has no speed for, left out: {classes}; use an OSM "
        "class or a Chinese one ({examples}), or add it under [profiles.{profile}.speeds_kmh] in yitu.toml"),
    "network.log.cache_unreadable": ("路网缓存 {path} 无法读取（{error}），重新构建",
                                     "network cache {path} unreadable ({error}); rebuilding"),
    "network.log.from_cache": ("路网取自缓存 {path}", "road network from cache {path}"),
    "network.log.cached": ("路网已缓存到 {path}", "road network cached in {path}"),
    "network.log.stored": ("已存储道路图层（路段 {edges} 条，速度配置 {profile}）",
                           "stored layer roads ({edges} edges, profile {profile})"),
    "network.log.building": ("正在由 {path} 构建{profile}路网（缓存缺失或已过期）",
                             "building the {profile} network from {path} (cache missing or stale)"),
    # yitu/routing/coverage.py (pending: the lead applies the calls)
    "coverage.log.off_network": ("{n} 个站点距道路过远，未参与计算：{stations}",
                                 "{n} station(s) too far from any road, left out: {stations}"),
    "coverage.log.station_far": ("{id} {name}（距道路 {dist}）", "{id} {name} ({dist} from a road)"),
    "coverage.log.summary": (
        "覆盖分析：目标 {n} 个，{limit}内到达 {within} 个，超时 {late} 个，不可达 {unreachable} 个，不在路网 {off} 个",
        "coverage: {n} target(s), {within} within {limit}, {late} beyond, {unreachable} unreachable, "
        "{off} off the network"),
    # yitu/routing/isochrones.py (pending: the lead applies the calls)
    "isochrones.log.off_network": ("{n} 个站点距道路过远，未计算等时圈：{stations}",
                                   "{n} station(s) too far from any road, left out of the isochrones: {stations}"),
    "isochrones.log.station_far": ("{id}（距道路 {dist}）", "{id} ({dist} from a road)"),
    "isochrones.log.summary": ("等时圈：{stations} 个站点共 {n} 个多边形，分段 {bands} 分钟",
                               "isochrones: {n} polygon(s) for {stations} station(s), bands {bands} min"),
    "isochrones.log.responsibility": ("责任区：{n} 个站点分得道路", "responsibility areas: {n} station(s) with road assigned"),
})
