"""Fonts for Chinese text in the static maps: find a CJK font on the system or use the one given.

Matplotlib draws a box for every character its font lacks, and only warns. A map pasted into a
report with boxes instead of 图例 is worse than no map, so :func:`cjk_font` either returns a
font that really holds the Chinese glyphs (checked in its character map) or raises
:class:`~yitu.errors.FontError` saying how to install one.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

from yitu.errors import FontError
from yitu.words import tr

log = logging.getLogger(__name__)

__all__ = ["cjk_font", "use_cjk_font", "cjk_rc", "has_cjk_glyphs", "has_bold", "INSTALL_HINT", "CANDIDATE_FAMILIES"]

INSTALL_HINT = (
    "install one: `apt-get install fonts-noto-cjk` (Debian/Ubuntu) or pass --font /path/to/font.ttc"
)

# Families that draw simplified Chinese, best first (sans before serif: maps read better).
CANDIDATE_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "思源黑体",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "微软雅黑",
    "SimHei",
    "黑体",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Sarasa Gothic SC",
    "Droid Sans Fallback",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Noto Serif SC",
    "Source Han Serif SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "SimSun",
    "Arial Unicode MS",
)

# Where those fonts live when matplotlib's cache predates their installation.
KNOWN_PATHS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)

# Characters a font must hold to count as Chinese-capable (common, and used on every map).
PROBE = "一图风险北例尺"
_FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")


@functools.lru_cache(maxsize=64)
def has_cjk_glyphs(path: str, index: int = 0) -> bool:
    """True when face ``index`` of the font file ``path`` has a glyph for every character of :data:`PROBE`."""
    from matplotlib import ft2font

    try:
        try:
            face = ft2font.FT2Font(str(path), face_index=int(index))
        except TypeError:  # matplotlib < 3.10 has no face_index
            face = ft2font.FT2Font(str(path))
        cmap = face.get_charmap()
    except (OSError, RuntimeError, ValueError) as exc:
        log.debug("cannot read font %s: %s", path, exc)
        return False
    return all(ord(ch) in cmap for ch in PROBE)


def _entry_index(entry: font_manager.FontEntry) -> int:
    return int(getattr(entry, "index", 0) or 0)


def _rank(entry: font_manager.FontEntry) -> tuple[int, int, int]:
    """Sort key for faces of one file: simplified Chinese first, regular weight, not monospaced."""
    name = entry.name
    sc = 0 if any(tag in name for tag in (" SC", " CN", " GB", "Hei", "YaHei")) else 1
    weight = entry.weight if isinstance(entry.weight, int) else 400
    return (sc, abs(weight - 400), 1 if "Mono" in name else 0)


def _register(path: Path) -> list[font_manager.FontEntry]:
    """Add ``path`` to matplotlib's font manager (its cache may predate the font) and return its faces."""
    fname = str(path)
    entries = [e for e in font_manager.fontManager.ttflist if e.fname == fname]
    if not entries:
        try:
            font_manager.fontManager.addfont(fname)
        except (OSError, RuntimeError, ValueError) as exc:
            raise FontError(tr("fonts.err.unreadable", path=path, exc=exc, hint=tr("fonts.err.install_hint"))) from None
        entries = [e for e in font_manager.fontManager.ttflist if e.fname == fname]
        log.debug("registered font file %s (%d faces)", path, len(entries))
        _register_bold_sibling(path)
    return entries


def _register_bold_sibling(path: Path) -> None:
    """Register the Bold file of a font family next to ``path`` (NotoSansCJK-Regular.ttc -> -Bold.ttc), so
    titles drawn with ``weight="bold"`` find a bold face instead of warning and falling back to regular."""
    for a, b in (("Regular", "Bold"), ("regular", "bold"), ("-R.", "-B.")):
        if a in path.name:
            sib = path.with_name(path.name.replace(a, b))
            if sib.is_file() and not any(e.fname == str(sib) for e in font_manager.fontManager.ttflist):
                try:
                    font_manager.fontManager.addfont(str(sib))
                    log.debug("registered bold face %s", sib)
                except (OSError, RuntimeError, ValueError):  # pragma: no cover - a damaged bold file
                    log.debug("bold face %s not readable", sib)
            return


def has_bold(family: str) -> bool:
    """Whether matplotlib knows a bold (weight >= 600) face of ``family``."""
    fam = family.lower()
    for e in font_manager.fontManager.ttflist:
        if e.name.lower() == fam:
            w = e.weight if isinstance(e.weight, int) else (700 if "bold" in str(e.weight).lower() else 400)
            if w >= 600:
                return True
    return False


def _usable_face(entries: list[font_manager.FontEntry]) -> font_manager.FontEntry | None:
    for entry in sorted(entries, key=_rank):
        if has_cjk_glyphs(entry.fname, _entry_index(entry)):
            return entry
    return None


def _from_path(path: Path) -> font_manager.FontEntry:
    if not path.is_file():
        raise FontError(tr("fonts.err.file_not_found", path=path, hint=tr("fonts.err.install_hint")))
    entry = _usable_face(_register(path))
    if entry is None:
        raise FontError(tr("fonts.err.file_no_chinese", path=path, hint=tr("fonts.err.install_hint")))
    return entry


def _from_family(family: str) -> font_manager.FontEntry:
    entries = [e for e in font_manager.fontManager.ttflist if e.name.lower() == family.lower()]
    if not entries:
        raise FontError(tr("fonts.err.no_family", family=family))
    entry = _usable_face(entries)
    if entry is None:
        raise FontError(tr("fonts.err.family_no_chinese", family=family, hint=tr("fonts.err.install_hint")))
    return entry


def _fc_list_files() -> list[Path]:
    """Font files that fontconfig says cover Chinese (empty when fc-list is not installed)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("fc-list failed: %s", exc)
        return []
    files = {line.split(":")[0].strip() for line in out.splitlines() if line.strip()}
    paths = [Path(f) for f in sorted(files) if f.lower().endswith(_FONT_SUFFIXES)]
    # Prefer sans fonts and regular weights, as the family list does.
    return sorted(paths, key=lambda p: ("Serif" in p.name, "Bold" in p.name or "Light" in p.name, p.name))


def _search_system() -> font_manager.FontEntry | None:
    """Find a Chinese-capable font: matplotlib's known fonts, then fontconfig, then known paths."""
    by_name: dict[str, list[font_manager.FontEntry]] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name.lower(), []).append(entry)
    for family in CANDIDATE_FAMILIES:
        entries = by_name.get(family.lower())
        if entries:
            found = _usable_face(entries)
            if found is not None:
                return found
    for path in [*_fc_list_files(), *(Path(p) for p in KNOWN_PATHS)]:
        if path.is_file():
            try:
                found = _usable_face(_register(path))
            except FontError:
                continue
            if found is not None:
                return found
    return None


def _resolve(font: str | Path | None) -> font_manager.FontEntry:
    if font is not None and str(font).strip():
        spec = str(font).strip()
        as_path = Path(spec).expanduser()
        if as_path.is_file() or spec.lower().endswith(_FONT_SUFFIXES) or "/" in spec or "\\" in spec:
            return _from_path(as_path)
        return _from_family(spec)
    found = _search_system()
    if found is None:
        raise FontError(tr("fonts.err.none", hint=tr("fonts.err.install_hint")))
    return found


def cjk_font(font: str | Path | None = None) -> font_manager.FontProperties:
    """A font that draws Chinese text, as matplotlib ``FontProperties``.

    Parameters
    ----------
    font
        A font file (``.ttf``/``.ttc``/``.otf``) or a family name. ``None`` or empty searches the
        system: the families in :data:`CANDIDATE_FAMILIES` known to matplotlib, then the files
        fontconfig (``fc-list :lang=zh``) reports, then :data:`KNOWN_PATHS`. Files found by path are
        registered with matplotlib's font manager, whose cache may predate the font's installation.

    Returns
    -------
    FontProperties
        Naming the font's family (the face that holds simplified Chinese, for collections).

    Raises
    ------
    FontError
        When no font is found, the file is missing or unreadable, or the font has no Chinese
        characters (a Latin font would draw boxes); the message says how to install one.
    """
    entry = _resolve(font)
    _register_bold_sibling(Path(entry.fname))
    log.debug("CJK font: %s (%s, face %d)", entry.name, entry.fname, _entry_index(entry))
    return font_manager.FontProperties(family=[entry.name])


def cjk_rc(font: str | Path | None = None) -> dict[str, object]:
    """The rcParams that make matplotlib draw text in the CJK font (for ``matplotlib.rc_context``)."""
    prop = cjk_font(font)
    family = prop.get_family()[0]
    return {
        # A concrete family (not the 'sans-serif' alias) so that text created under these settings
        # keeps the CJK font when it is drawn or saved later, outside the context.
        "font.family": [family, "DejaVu Sans"],
        "font.sans-serif": [family, *mpl.rcParams["font.sans-serif"]],
        "axes.unicode_minus": False,
        # names are user text: "园$区$" is not TeX math (mathtext drew it as 园¤ in the 'rm' font)
        "text.parse_math": False,
        "pdf.fonttype": 42,
        "svg.fonttype": "path",
    }


@contextlib.contextmanager
def use_cjk_font(font: str | Path | None = None) -> Iterator[font_manager.FontProperties]:
    """Context in which matplotlib draws text in a CJK font; the global rcParams are restored after.

    Create the figure and its text inside the context: each text keeps the font it was made with,
    so saving the figure later is safe.

    Examples
    --------
    >>> with use_cjk_font() as prop:  # doctest: +SKIP
    ...     fig, ax = plt.subplots()
    ...     ax.set_title("安全风险四色分布图")
    """
    rc = cjk_rc(font)
    with mpl.rc_context(rc):
        yield font_manager.FontProperties(family=[rc["font.family"][0]])  # type: ignore[index]
