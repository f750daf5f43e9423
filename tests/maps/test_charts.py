"""The grade bar chart: grade colours in the image, Chinese text without missing glyphs, bars add up."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from yitu.errors import InputError
from yitu.layers.registers import lists_statistics
from yitu.layers.schema import GRADE_COLOURS, UNGRADED_COLOUR
from yitu.maps.charts import grade_bar_chart, write_grade_chart


@pytest.fixture(scope="module")
def stats(demo_project):
    return lists_statistics(demo_project)


def _has_colour(img: np.ndarray, hex_colour: str, *, min_pixels: int = 30) -> bool:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(img[..., :3].astype(int) - rgb).max(axis=-1) <= 2).sum()) >= min_pixels


def test_png_has_the_grade_colours(stats, tmp_path):
    # pytest turns warnings into errors: a missing CJK glyph ("Glyph ... missing") fails here
    path = write_grade_chart(stats, tmp_path / "chart.png", dpi=100)
    assert path.is_file() and path.stat().st_size > 10_000
    img = np.asarray(Image.open(path).convert("RGB"))
    for g in (1, 2, 3, 4):
        assert _has_colour(img, GRADE_COLOURS[g]), g
    assert _has_colour(img, UNGRADED_COLOUR)  # the demo has 未定级 enterprises


def test_bars_add_up_to_the_table(stats):
    fig = grade_bar_chart(stats)
    ax = fig.axes[0]
    town = stats["按乡镇"]
    body = town[town["乡镇街道"] != "合计"]
    assert [t.get_text() for t in ax.get_yticklabels()] == body.sort_values("合计", kind="stable")["乡镇街道"].tolist()
    widths = sum(p.get_width() for p in ax.patches)
    assert widths == body["合计"].sum()
    assert ax.get_title() == "各乡镇街道企业安全风险等级分布"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["重大风险", "较大风险", "一般风险", "低风险", "未定级"]


def test_english_and_other_breakdowns(stats, tmp_path):
    fig = grade_bar_chart(stats, by="行业", lang="en")
    assert "industry" in fig.axes[0].get_title()
    assert [t.get_text() for t in fig.legends[0].get_texts()][0] == "Major"
    assert write_grade_chart(stats, tmp_path / "c.svg", by="园区").is_file()


def test_bad_options(stats, tmp_path):
    with pytest.raises(InputError, match="zh 或 en"):
        grade_bar_chart(stats, lang="fr")
    with pytest.raises(InputError, match="png"):
        write_grade_chart(stats, tmp_path / "c.gif")
    with pytest.raises(InputError):
        grade_bar_chart({"总体": stats["总体"]})


def test_font_that_cannot_draw_chinese_is_refused(stats):
    from matplotlib import font_manager

    from yitu.errors import FontError

    dejavu = font_manager.findfont("DejaVu Sans")
    with pytest.raises(FontError):
        grade_bar_chart(stats, font=dejavu)
