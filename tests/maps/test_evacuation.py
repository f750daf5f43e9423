"""The village 避险地图: every symbol drawn is in the legend; Chinese text has no missing glyph."""

from __future__ import annotations

import warnings

import pytest


@pytest.fixture(scope="module")
def evac_project(demo_project, tmp_path_factory):
    import shutil

    from yitu.layers.project import Project
    from yitu.routing.build import build_network
    from yitu.routing.shelters_run import run_shelters, store_results

    dst = tmp_path_factory.mktemp("evac") / "q"
    shutil.copytree(demo_project.path, dst)
    p = Project.open(dst)
    build_network(p, osm=p.path / "inputs" / "roads.osm")
    store_results(p, run_shelters(p))
    return p


def test_evacuation_png_legend_and_glyphs(evac_project, tmp_path, caplog):
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D

    from yitu.maps.evacuation import evacuation_map
    from yitu.maps.static import save_figure

    fig = evacuation_map(evac_project, "北山村", paper="A3")
    ax = fig.axes[0]
    legend = ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    for want in ("步行路线 → 北山村文化广场", "紧急避难场所", "居民区（集合点）", "未安置人员", "道路"):
        assert want in labels
    # one route entry per shelter walked to, in the colour drawn
    route_lines = [ln for ln in ax.get_lines() if ln.get_linewidth() > 2]
    route_handles = {h.get_color() for h in legend.legend_handles if h.get_label().startswith("步行路线")}
    assert {ln.get_color() for ln in route_lines} <= route_handles
    # every marker style drawn on the map has a legend handle with the same marker and face colour
    drawn = set()
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and len(coll.get_offsets()):
            fc = coll.get_facecolor()
            drawn.add(tuple(round(float(v), 3) for v in fc[0][:3]) if len(fc) else None)
    import matplotlib.colors as mc

    legend_faces = {tuple(round(float(v), 3) for v in mc.to_rgb(h.get_markerfacecolor()))
                    for h in legend.legend_handles if isinstance(h, Line2D) and h.get_marker() not in (None, "None", "")}
    assert drawn - {None} <= legend_faces | {(1.0, 1.0, 1.0)}
    assert any("北山村 避险地图" in t.get_text() for t in fig.texts)
    assert any("119" in t.get_text() for t in fig.texts)  # phones from settings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = save_figure(fig, tmp_path / "evac.png", dpi=60)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert "not in the map font" not in caplog.text  # save_figure's missing-glyph check
    assert png.stat().st_size > 20_000
