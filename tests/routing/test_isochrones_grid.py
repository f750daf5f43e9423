"""The grid isochrones' parts: the compiled kernels against plain references, the contours valid
by construction, the all-stations field as the minimum of the stations' fields, and the thread
pool giving the same polygons as one thread."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from scipy.ndimage import minimum_filter

from tests.routing.test_coverage import line_network, stations_gdf
from yitu.routing.isochrones import ALL_STATIONS, isochrones, placed_stations
from yitu.routing.raster import disc_halfwidths, disc_min, edge_vertices, finish_field, merge_min
from yitu.routing.timefield import (
    FAR,
    LEVEL_GAP_S,
    MinCanvas,
    contour_bands,
    contour_generator,
    far_value,
    pieces,
    run_stations,
)
from yitu.settings import default_settings


def disc_footprint(r: float) -> np.ndarray:
    ri = int(np.floor(r + 1e-9))
    dy, dx = np.mgrid[-ri:ri + 1, -ri:ri + 1]
    return dy * dy + dx * dx <= r * r + 1e-9


@pytest.mark.parametrize("r", [1.0, 2.0, 3.0, 4.5])
def test_disc_min_is_scipy_minimum_filter_with_a_disc(r: float) -> None:
    rng = np.random.default_rng(int(r * 10))
    for shape, share in [((40, 57), 0.05), ((31, 9), 0.3), ((1, 12), 0.5), ((12, 1), 0.5), ((25, 25), 0.0)]:
        grid = np.full(shape, FAR)
        road = rng.random(shape) < share
        grid[road] = rng.uniform(0, 900, int(road.sum()))
        got = disc_min(grid, disc_halfwidths(r), FAR)
        want = minimum_filter(grid, footprint=disc_footprint(r), mode="constant", cval=FAR)
        np.testing.assert_array_equal(got, want)


def test_disc_halfwidths_are_the_disc_rows() -> None:
    for r in (1.0, 2.0, 3.0, 3.5, 6.0):
        fp = disc_footprint(r)
        np.testing.assert_array_equal(disc_halfwidths(r), (fp.sum(axis=1) - 1) // 2)
    np.testing.assert_array_equal(disc_halfwidths(3.0), [0, 2, 2, 3, 2, 2, 0])


def test_finish_moves_values_off_the_levels_on_their_own_side() -> None:
    levels = np.array([300.0, 600.0, 900.0])
    v = np.array([[0.0, 299.995, 300.0, 300.004, 300.02, 600.0, 899.9999, 900.0, 900.001, 1000.0, FAR]])
    f = v.copy()
    finish_field(f, FAR, 90060.0, levels, LEVEL_GAP_S)
    assert not np.isin(f, levels).any()
    for L in levels:  # the same side of every level, and at least the gap away
        assert ((v[v < FAR] <= L) == (f[v < FAR] <= L)).all()
        assert (np.abs(f - L) >= LEVEL_GAP_S - 1e-12).all()
    assert f[0, -1] == 90060.0
    np.testing.assert_allclose(f[0, :-1], v[0, :-1], atol=LEVEL_GAP_S)
    assert f[0, 0] == 0.0 and f[0, 4] == 300.02 and f[0, 9] == 1000.0  # values away from the levels stay


def tie_field(rng: np.random.Generator, shape: tuple[int, int], levels: np.ndarray) -> np.ndarray:
    """Fields full of values exactly on the levels (what the raster writes where a piece ends at the
    limit), with plateaus and saddles."""
    choices = np.concatenate([levels, levels - 30, levels + 30, [far_value(levels)]])
    f = rng.choice(choices, size=shape)
    f[:3], f[-3:], f[:, :3], f[:, -3:] = far_value(levels), far_value(levels), far_value(levels), far_value(levels)
    return f


def test_contours_of_a_finished_field_are_valid_without_make_valid() -> None:
    rng = np.random.default_rng(7)
    levels = np.array([300.0, 600.0, 900.0])
    raw_invalid = 0
    for _ in range(30):
        f = tie_field(rng, (int(rng.integers(8, 40)), int(rng.integers(8, 40))), levels)
        raw = contour_bands(f, 0, 0, 10.0, levels)  # values on the levels: rings touch
        raw_invalid += int((~shapely.is_valid(np.array(raw, dtype=object))).sum())
        finish_field(f, FAR, far_value(levels), levels, LEVEL_GAP_S)
        bands = np.array(contour_bands(f, 0, 0, 10.0, levels), dtype=object)
        assert shapely.is_valid(bands).all(), shapely.is_valid_reason(bands)
        # the bands tile the area up to the last level: no overlaps
        assert shapely.area(shapely.union_all(bands)) == pytest.approx(float(shapely.area(bands).sum()), rel=1e-9)
    assert raw_invalid > 0  # the check above can fail: unfinished fields do give invalid rings


def test_threaded_contour_generator_is_the_serial_one() -> None:
    import contourpy

    rng = np.random.default_rng(3)
    f = np.cumsum(rng.uniform(0, 30, (60, 70)), axis=0) + rng.uniform(0, 90, (60, 70))
    gen = contour_generator(f, 1000.0, 2000.0, 5.0)
    xc, yc = 1000.0 + (np.arange(70) + 0.5) * 5.0, 2000.0 + (np.arange(60) + 0.5) * 5.0
    ser = contourpy.contour_generator(xc, yc, f, name="serial", fill_type=contourpy.FillType.OuterOffset)
    for lo, hi in [(-1.0, 300.0), (300.0, 600.0), (600.0, 900.0)]:
        (p1, o1), (p2, o2) = gen.filled(lo, hi), ser.filled(lo, hi)
        assert len(p1) == len(p2)
        for a, b, c, d in zip(p1, p2, o1, o2):
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(c, d)


def test_min_canvas_is_the_minimum_over_one_lattice() -> None:
    rng = np.random.default_rng(11)
    whole = np.full((200, 230), 5e4)
    canvas = MinCanvas(5e4)
    for _ in range(25):
        ny, nx = int(rng.integers(1, 60)), int(rng.integers(1, 60))
        gy0, gx0 = int(rng.integers(0, 200 - ny)), int(rng.integers(0, 230 - nx))
        f = rng.uniform(0, 1e4, (ny, nx))
        f[rng.random((ny, nx)) < 0.3] = 5e4
        np.minimum(whole[gy0:gy0 + ny, gx0:gx0 + nx], f, out=whole[gy0:gy0 + ny, gx0:gx0 + nx])
        canvas.add(f, gy0 - 100, gx0 - 50)  # any lattice origin
    got, gy0, gx0 = canvas.field()
    cov = np.argwhere(whole < 5e4)
    sub = whole[gy0 + 100:gy0 + 100 + got.shape[0], gx0 + 50:gx0 + 50 + got.shape[1]]
    np.testing.assert_array_equal(got, sub)
    assert gy0 + 100 <= cov[:, 0].min() and gx0 + 50 <= cov[:, 1].min()
    d = np.full((4, 5), 3.0)
    merge_min(d, np.array([[1.0, 9.0], [4.0, 2.0]]), 1, 2)
    np.testing.assert_array_equal(d[1:3, 2:4], [[1.0, 3.0], [3.0, 2.0]])


def test_run_stations_keeps_the_order() -> None:
    import time

    def task(i: int) -> int:
        time.sleep(0.002 * ((7 * i) % 5))
        return i * i

    assert list(run_stations(task, 23, workers=3)) == [i * i for i in range(23)]
    assert list(run_stations(task, 5, workers=1)) == [0, 1, 4, 9, 16]


def test_edge_vertices_fractions_and_boxes(demo_network) -> None:  # type: ignore[no-untyped-def]
    net = demo_network
    ptr, x, y, frac, box = edge_vertices(net)
    c = np.flatnonzero(net.canonical == np.arange(net.n_edges))
    for e in c[:: max(1, c.size // 200)]:
        g = net.geometry[e]
        xy = shapely.get_coordinates(g)
        np.testing.assert_allclose(np.column_stack([x[ptr[e]:ptr[e + 1]], y[ptr[e]:ptr[e + 1]]]), xy)
        want = shapely.line_locate_point(g, shapely.points(xy), normalized=True)
        if shapely.length(g) > 0 and len(set(map(tuple, xy))) == len(xy):  # no line back over itself
            np.testing.assert_allclose(frac[ptr[e]:ptr[e + 1]], want, atol=1e-9)
        np.testing.assert_allclose(box[e], shapely.bounds(g))
    tw = np.flatnonzero(net.canonical != np.arange(net.n_edges))
    assert (ptr[tw + 1] == ptr[tw]).all() and np.isinf(box[tw]).all()


def test_pieces_cut_where_the_time_runs_out() -> None:
    # 10 m/s on a 3-way road; the station at 100 m on the first edge
    net = line_network([[(0, 0), (1000, 0)], [(1000, 0), (1000, 800)], [(1000, 0), (2500, 0)]])
    src, off, _, _, _ = placed_stations(net, stations_gdf([(100, 0)]), settings=default_settings())
    from yitu.routing.engine import node_times

    t, _ = node_times(net, src, offset_s=off)
    nodes = np.flatnonzero(np.isfinite(t))
    c, fwd, f0, f1, t0, T = pieces(net, nodes, t[nodes], 120.0, src, off)
    covered = {}  # per canonical edge, the union of the reached intervals (own direction), in metres
    for ci, fw, a, b in zip(c, fwd, f0, f1):
        lo, hi = (a, b) if fw else (1 - b, 1 - a)
        covered.setdefault(int(ci), []).append((lo, hi))
    metres = []
    for ci, iv in covered.items():
        iv.sort()
        total, end = 0.0, 0.0
        for lo, hi in iv:
            total += max(0.0, hi - max(lo, end))
            end = max(end, hi)
        metres.append(total * net.length_m[ci])
    # within 120 s = 1200 m: the station's edge whole (100 m back, 900 m ahead), then 300 m of each other road
    assert sorted(round(m, 6) for m in metres if m > 1e-9) == [300.0, 300.0, 1000.0]
    assert (f1 >= f0).all() and (f1 <= 1.0).all()
    assert (t0 + (f1 - f0) * T <= 120.0 + 1e-9).all()
    # the station's edge is reached from the station and, from its head node, back over the twin:
    # each node piece ends where the two fronts meet (same time), so no part is walked twice
    e0 = int(src.edge[0])
    mine = np.flatnonzero((c == net.canonical[e0]) & (f0 == 0.0))
    ends = t0[mine] + (f1[mine] - f0[mine]) * T[mine]
    assert mine.size == 2 and ends[0] == pytest.approx(ends[1])
    assert (f1[mine] - f0[mine]).sum() == pytest.approx(1.0)


def test_threads_give_the_same_polygons_as_one_thread(demo_project, demo_network) -> None:  # type: ignore[no-untyped-def]
    stations = demo_project.read("stations")
    kw = {"bands_min": (5, 10, 15), "settings": demo_project.settings}
    one = isochrones(demo_network, stations, workers=1, **kw)
    two = isochrones(demo_network, stations, workers=2, **kw)
    assert one[["station_id", "band_min"]].equals(two[["station_id", "band_min"]])
    assert (shapely.to_wkb(one.geometry.to_numpy()) == shapely.to_wkb(two.geometry.to_numpy())).all()
    # valid as drawn (no make_valid anywhere on this path)
    assert shapely.is_valid(one.geometry.to_numpy()).all()


def test_all_stations_field_matches_one_multi_source_search(demo_project, demo_network) -> None:  # type: ignore[no-untyped-def]
    stations = demo_project.read("stations")
    kw = {"bands_min": (5, 10, 15), "settings": demo_project.settings}
    merged = isochrones(demo_network, stations, **kw)
    direct = isochrones(demo_network, stations, per_station=False, **kw)
    m = merged[merged["station_id"] == ALL_STATIONS].set_index("band_min").geometry
    d = direct.set_index("band_min").geometry
    assert list(m.index) == list(d.index)
    for b in m.index:  # the same field up to where samples fall in cells: differences are slivers
        diff = shapely.area(shapely.symmetric_difference(m[b], d[b], grid_size=0.01))
        assert diff < 0.002 * d[b].area, (b, diff, d[b].area)


def test_exact_level_times_give_valid_polygons() -> None:
    # a grid of roads at 10 m/s from a station on a node: many road points reached at exactly
    # 60/120/180 s (the band limits), which put grid values exactly on the contour levels
    lines = [[(0, y), (3000, y)] for y in range(0, 3001, 500)] + [[(x, 0), (x, 3000)] for x in range(0, 3001, 500)]
    net = line_network(lines)
    iso = isochrones(net, stations_gdf([(1500, 1500), (500, 500)]), bands_min=(1, 2, 3), buffer_m=50.0,
                     settings=default_settings(), workers=2)
    geoms = iso.geometry.to_numpy()
    assert len(iso) == 9 and shapely.is_valid(geoms).all()
