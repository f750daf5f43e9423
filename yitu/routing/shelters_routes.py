"""Walking routes of an assignment, for the maps: the path each block walks to its shelter.

One bounded search with predecessors per shelter that receives people (never a dense
shelters × nodes array: one row at a time). A route runs from the block's point to its
snapped position on the walkable way, along whole edges (their real geometry, partial edges
cut at the snapped positions) to the shelter's snapped position, and on to the shelter.
Walking is symmetric (one-way ignored), so the search from the shelter gives the block's route.
"""

from __future__ import annotations

import logging

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra
from shapely.ops import substring

from yitu.routing.engine import augmented_graph, point_times, same_edge_times
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import Snapped

log = logging.getLogger(__name__)

__all__ = ["walking_routes"]


def _edge_lookup(net: RoadNetwork) -> tuple[np.ndarray, np.ndarray]:
    key = net.u.astype("int64") * net.n_nodes + net.v.astype("int64")
    order = np.lexsort((net.time_s, key))
    k = key[order]
    first = np.ones(k.size, dtype=bool)
    first[1:] = k[1:] != k[:-1]
    return k[first], order[first]


def _coords(g: shapely.Geometry) -> np.ndarray:
    return np.asarray(shapely.get_coordinates(g)) if g is not None and not shapely.is_empty(g) else np.zeros((0, 2))


def walking_routes(
    net: RoadNetwork,
    shelters: Snapped,
    shelter_points: np.ndarray,
    people: Snapped,
    people_points: np.ndarray,
    pair_shelter: np.ndarray,
    pair_block: np.ndarray,
    *,
    offset_s: np.ndarray,
    limit_s: np.ndarray,
) -> np.ndarray:
    """LineStrings (network CRS) block → shelter for each pair; ``None`` where no path is found within the limit."""
    out = np.full(len(pair_shelter), None, dtype=object)
    if not len(pair_shelter):
        return out
    n = net.n_nodes
    ok = np.flatnonzero(shelters.ok)
    sub = shelters.take(ok)
    local = np.full(len(shelters), -1)
    local[ok] = np.arange(ok.size)
    graph = augmented_graph(net, sub, np.asarray(offset_s, dtype="float64")[ok])
    keys, eidx = _edge_lookup(net)
    si, ti, direct = same_edge_times(net, sub, people, np.asarray(offset_s, dtype="float64")[ok])
    same = {(int(a), int(b)): float(t) for a, b, t in zip(si, ti, direct)}
    for j in np.unique(pair_shelter):
        lj = int(local[j])
        if lj < 0:
            continue
        dist, pred = dijkstra(graph, directed=True, indices=n + lj, limit=float(limit_s[j]) + 1.0,
                              return_predecessors=True)
        rows = np.flatnonzero(pair_shelter == j)
        blocks = pair_block[rows]
        tb = people.take(blocks)
        times, through = point_times(net, dist[:n], tb, return_node=True)
        s_pt = (float(sub.x[lj]), float(sub.y[lj]))
        s_edge, s_t = int(sub.edge[lj]), float(sub.t[lj])
        for r, b, tt, node in zip(rows, blocks, np.atleast_1d(times), np.atleast_1d(through)):
            b = int(b)
            b_pt = (float(people.x[b]), float(people.y[b]))
            direct_t = same.get((lj, b), np.inf)
            parts: list[np.ndarray] = [_coords(people_points[b]), np.array([b_pt])]
            if direct_t <= tt:
                parts.append(np.array([s_pt]))
            elif np.isfinite(tt) and node >= 0:
                e, t = int(people.edge[b]), float(people.t[b])
                g = net.geometry[e]
                # from the block's snapped point back to the node it was reached through
                parts.append(_coords(substring(g, t, 0.0 if node == net.u[e] else 1.0, normalized=True)))
                chain = [int(node)]
                while chain[-1] < n and pred[chain[-1]] >= 0 and len(chain) <= n:
                    chain.append(int(pred[chain[-1]]))
                nodes = chain[:-1] if chain[-1] >= n else chain
                for a, c in zip(nodes[:-1], nodes[1:]):  # walking back: edge c -> a reversed (twins share geometry)
                    k = np.searchsorted(keys, c * n + a)
                    if k < keys.size and keys[k] == c * n + a:
                        parts.append(_coords(net.geometry[eidx[k]])[::-1])
                    else:
                        parts.append(np.array([[net.x[c], net.y[c]], [net.x[a], net.y[a]]])[::-1])
                first = nodes[-1]
                ge = net.geometry[s_edge]
                end = 0.0 if first == net.u[s_edge] else 1.0
                parts.append(_coords(substring(ge, end, s_t, normalized=True)))
                parts.append(np.array([s_pt]))
            else:
                continue
            parts.append(_coords(shelter_points[j]))
            xy = np.concatenate([p for p in parts if len(p)])
            keep = np.ones(len(xy), dtype=bool)
            keep[1:] = (np.abs(np.diff(xy, axis=0)) > 1e-9).any(axis=1)
            xy = xy[keep]
            out[r] = shapely.LineString(xy if len(xy) >= 2 else np.vstack([xy, xy]))
    return out
