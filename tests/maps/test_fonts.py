"""The CJK font finder: a real Chinese font from the system or --font, else FontError with the install hint."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from yitu.errors import FontError
from yitu.maps import fonts
from yitu.words import use_lang

DEJAVU = Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _font_file(prop: font_manager.FontProperties) -> tuple[str, int]:
    found = font_manager.findfont(prop, fallback_to_default=False)
    return str(found), int(getattr(found, "face_index", 0) or 0)


def test_system_search_finds_a_font_with_chinese_glyphs() -> None:
    prop = fonts.cjk_font()
    path, index = _font_file(prop)
    assert fonts.has_cjk_glyphs(path, index), f"{prop.get_family()} ({path}) lacks Chinese glyphs"


def test_has_cjk_glyphs_tells_latin_from_cjk() -> None:
    assert not fonts.has_cjk_glyphs(str(DEJAVU))
    path, index = _font_file(fonts.cjk_font())
    assert fonts.has_cjk_glyphs(path, index)


def test_font_file_and_family_name_are_accepted() -> None:
    path, _ = _font_file(fonts.cjk_font())
    by_path = fonts.cjk_font(path)
    by_name = fonts.cjk_font(by_path.get_family()[0])
    assert by_path.get_family() == by_name.get_family()
    assert fonts.has_cjk_glyphs(*_font_file(by_name))


def test_latin_font_file_is_refused_not_drawn_as_boxes() -> None:
    with pytest.raises(FontError, match="没有汉字.*apt-get install fonts-noto-cjk"):
        fonts.cjk_font(DEJAVU)


def test_latin_family_name_is_refused() -> None:
    with pytest.raises(FontError, match="没有汉字"):
        fonts.cjk_font("DejaVu Sans")
    with use_lang("en"), pytest.raises(FontError, match="no Chinese characters"):
        fonts.cjk_font("DejaVu Sans")


def test_missing_file_and_unknown_family(tmp_path: Path) -> None:
    with pytest.raises(FontError, match="找不到字体文件.*--font"):
        fonts.cjk_font(tmp_path / "nope.ttc")
    with pytest.raises(FontError, match="本机没有字体 'No Such Family'"):
        fonts.cjk_font("No Such Family")


def test_not_a_font_file(tmp_path: Path) -> None:
    bad = tmp_path / "fake.ttf"
    bad.write_bytes(b"this is not a font")
    with pytest.raises(FontError, match="fake.ttf"):
        fonts.cjk_font(bad)


def test_no_font_on_the_system_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing known to matplotlib, nothing from fontconfig, no known path: as on a bare server.
    monkeypatch.setattr(fonts, "CANDIDATE_FAMILIES", ())
    monkeypatch.setattr(fonts, "_fc_list_files", lambda: [])
    monkeypatch.setattr(fonts, "KNOWN_PATHS", ())
    with pytest.raises(FontError) as info:
        fonts.cjk_font()
    msg = str(info.value)
    assert "没有能显示汉字的字体" in msg
    assert "apt-get install fonts-noto-cjk" in msg and "--font" in msg


def test_search_falls_back_to_fc_list_files(monkeypatch: pytest.MonkeyPatch) -> None:
    # matplotlib's list knows no candidate family: the fontconfig files are used (and registered).
    path, _ = _font_file(fonts.cjk_font())
    monkeypatch.setattr(fonts, "CANDIDATE_FAMILIES", ())
    monkeypatch.setattr(fonts, "_fc_list_files", lambda: [Path(path)])
    monkeypatch.setattr(fonts, "KNOWN_PATHS", ())
    prop = fonts.cjk_font()
    assert fonts.has_cjk_glyphs(*_font_file(prop))


def test_use_cjk_font_draws_without_missing_glyphs_and_restores_rcparams() -> None:
    before = list(mpl.rcParams["font.family"])
    with fonts.use_cjk_font() as prop:
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, "安全风险四色分布图 图例 北")
        assert prop.get_family()[0] in mpl.rcParams["font.family"]
    assert list(mpl.rcParams["font.family"]) == before
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()  # outside the context: the text kept its font
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_glyph_check_detects_boxes() -> None:
    # The control for the test above: the same text in a Latin font does warn.
    fig = Figure()
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, "图例", fontproperties=font_manager.FontProperties(fname=str(DEJAVU)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    assert [w for w in caught if "missing from font" in str(w.message)]
