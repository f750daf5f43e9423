"""Self-contained HTML: render a folium map and inline its JavaScript and CSS from local packages.

Safety offices often work on networks without internet access, and a map that loads Leaflet from a
CDN shows nothing there. :func:`save_html` (offline by default) replaces the CDN ``<script src>`` and
``<link href>`` tags that folium writes with the contents of the installed XStatic packages:
Leaflet 1.9.3 (JS + CSS, its images as ``data:`` URIs) from ``XStatic-Leaflet`` and jQuery from
``XStatic-jQuery``. Bootstrap, glyphicons and Font Awesome are only decoration for folium's default
markers and are dropped; the awesome-markers plugin is dropped when the page does not use it.
Any other external resource makes :func:`save_html` fail with a message naming it.

:func:`external_urls` lists the external http(s) resources a page would load (everything except
tile URL templates), for tests and for pages built by other modules (reports).
"""

from __future__ import annotations

import base64
import html as _html
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from yitu.errors import InputError, MissingDependencyError
from yitu.gis.io import atomic_path
from yitu.words import msg, tr

log = logging.getLogger(__name__)

__all__ = ["save_html", "render_html", "inline_html", "external_urls", "inline_assets_check", "leaflet_assets"]

_SCRIPT_RE = re.compile(r"<script\b[^>]*?\bsrc\s*=\s*([\"'])(?P<url>[^\"']+)\1[^>]*>\s*</script>", re.I | re.S)
_LINK_RE = re.compile(r"<link\b[^>]*?\bhref\s*=\s*([\"'])(?P<url>[^\"']+)\1[^>]*?/?>", re.I | re.S)
_INLINE_BLOCK_RE = re.compile(
    r"<(script|style)\b[^>]*\bdata-yitu-inline=\"[^\"]*\"[^>]*>.*?</\1\s*>", re.I | re.S
)
_TILE_MARK = re.compile(r"\{[zxy]\}", re.I)
# a data block (``<script type="application/json">``) is never run: URLs in it are the user's text
_DATA_BLOCK_RE = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']?application/(?:ld\+)?json[\"']?[^>]*>.*?</script\s*>", re.I | re.S
)

# Which library a CDN URL is (matched against the URL's path).
_LIBS: tuple[tuple[str, str], ...] = (
    ("leaflet_css", r"/leaflet(@[\d.]+)?/dist/leaflet\.css$|/leaflet(\.min)?\.css$"),
    ("leaflet_js", r"/leaflet(@[\d.]+)?/dist/leaflet(-src)?\.js$|/leaflet(-src|\.min)?\.js$"),
    ("jquery", r"/jquery(-[\d.]+)?(\.min)?\.js$"),
    ("awesome_markers_js", r"leaflet\.awesome-markers(\.min)?\.js$"),
    ("bootstrap_js", r"/bootstrap(\.bundle)?(\.min)?\.js$"),
    ("decoration_css", r"bootstrap(-glyphicons)?(\.min)?\.css$|fontawesome|font-awesome|awesome-markers(\.min)?\.css$"
                       r"|leaflet\.awesome\.rotate(\.min)?\.css$"),
)


def _xstatic_dir(pkg: str) -> Path:
    try:
        if pkg == "leaflet":
            import xstatic.pkg.leaflet as mod
        else:
            import xstatic.pkg.jquery as mod  # type: ignore[no-redef]
    except ImportError as exc:  # pragma: no cover - both are dependencies of yitu
        name = "XStatic-Leaflet" if pkg == "leaflet" else "XStatic-jQuery"
        raise MissingDependencyError(tr("maps.err.offline_dep", name=name)) from exc
    return Path(mod.BASE_DIR)


@lru_cache(maxsize=None)
def leaflet_assets() -> dict[str, str]:
    """The local asset texts: ``leaflet_js``, ``leaflet_css`` (images inlined), ``jquery``, ``leaflet_version``."""
    base = _xstatic_dir("leaflet")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def _data_uri(match: re.Match[str]) -> str:
        ref = match.group(1).strip("\"'")
        path = base / ref
        if ref.startswith(("data:", "#")) or not path.is_file():
            return match.group(0)
        mime = "image/png" if path.suffix == ".png" else "image/svg+xml" if path.suffix == ".svg" else "application/octet-stream"
        return f"url(data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')})"

    css = re.sub(r"url\(([^)]+)\)", _data_uri, css)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    version = re.search(r"Leaflet (\d+\.\d+\.\d+)", js)
    jq = (_xstatic_dir("jquery") / "jquery.min.js").read_text(encoding="utf-8")
    return {
        "leaflet_js": _safe_js(js),
        "leaflet_css": css.replace("</style", "<\\/style"),
        "jquery": _safe_js(jq),
        "leaflet_version": version.group(1) if version else "",
    }


def _safe_js(js: str) -> str:
    # Inside <script>…</script> the only thing that ends the block early is "</script".
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.I)


def _lib_of(url: str) -> str | None:
    path = re.sub(r"[?#].*$", "", url)
    for name, pattern in _LIBS:
        if re.search(pattern, path, flags=re.I):
            return name
    return None


def _is_external(url: str) -> bool:
    u = url.strip().lower()
    return u.startswith(("http://", "https://", "//"))


def inline_html(html_text: str) -> str:
    """Replace the CDN resources of a rendered folium page with inlined local copies.

    Raises
    ------
    InputError
        When the page loads an external resource that has no local copy (the message names it).
    """
    assets = leaflet_assets()
    uses_awesome = "AwesomeMarkers" in _SCRIPT_RE.sub("", html_text)
    unknown: list[str] = []

    def _script(match: re.Match[str]) -> str:
        url = match.group("url")
        if not _is_external(url):
            return match.group(0)
        lib = _lib_of(url)
        if lib == "leaflet_js":
            return f'<script data-yitu-inline="leaflet {assets["leaflet_version"]}">{assets["leaflet_js"]}</script>'
        if lib == "jquery":
            return f'<script data-yitu-inline="jquery">{assets["jquery"]}</script>'
        if lib == "bootstrap_js":
            return ""
        if lib == "awesome_markers_js" and not uses_awesome:
            return ""
        unknown.append(url)
        return match.group(0)

    def _link(match: re.Match[str]) -> str:
        tag, url = match.group(0), match.group("url")
        if not _is_external(url):
            return tag
        lib = _lib_of(url)
        if lib == "leaflet_css":
            return f'<style data-yitu-inline="leaflet.css">{assets["leaflet_css"]}</style>'
        if lib == "decoration_css":
            return ""
        if not re.search(r"\brel\s*=\s*[\"']?(stylesheet|preload|icon|shortcut icon|modulepreload)", tag, re.I):
            return tag  # a link that the browser does not load
        unknown.append(url)
        return tag

    out = _SCRIPT_RE.sub(_script, html_text)
    out = _LINK_RE.sub(_link, out)
    rest = [u for u in external_urls(out) if u not in unknown]
    unknown.extend(rest)
    if unknown:
        raise InputError(tr("maps.offline.external", urls=", ".join(sorted(set(unknown)))))
    return out


def render_html(m: Any, *, offline: bool = True) -> str:
    """Render a folium map (or any branca element) to one HTML string; inline assets when ``offline``."""
    text = m.get_root().render()
    return inline_html(text) if offline else text


def save_html(m: Any, path: str | Path, *, offline: bool = True) -> Path:
    """Write a folium map as one HTML file, atomically.

    Parameters
    ----------
    m
        A ``folium.Map`` (e.g. from :func:`yitu.maps.html.risk_map`).
    path
        The output file (folders are created).
    offline
        ``True`` (default): Leaflet (and jQuery when used) inlined from the XStatic packages, decoration
        CSS dropped; the file loads nothing from the internet except basemap tiles, if any.
        ``False``: keep folium's CDN links (smaller file, needs internet).

    Returns
    -------
    Path
        The written file.
    """
    text = render_html(m, offline=offline)
    p = Path(path)
    with atomic_path(p) as tmp:
        tmp.write_text(text, encoding="utf-8")
    log.info(msg("files.log.wrote_size", path=p, kb=f"{p.stat().st_size / 1024:.0f}",
                 how=msg("files.log.offline" if offline else "files.log.cdn")))
    return p


# -- checking ---------------------------------------------------------------------------------------

_SRC_RE = re.compile(r"\b(?:src|srcset|poster|data|background)\s*=\s*([\"'])(?P<url>.*?)\1", re.I | re.S)
_CSS_URL_RE = re.compile(r"url\(\s*([\"']?)(?P<url>[^\"')]+)\1\s*\)", re.I)
_IMPORT_RE = re.compile(r"@import\s+([\"'])(?P<url>[^\"']+)\1", re.I)
_JS_URL_RE = re.compile(r"([\"'`])(?P<url>(?:https?:)?//[^\"'`\s]+)\1", re.I)
_SCRIPT_BODY_RE = re.compile(r"<script\b[^>]*>(?P<body>.*?)</script\s*>", re.I | re.S)


def external_urls(html_text: str) -> list[str]:
    """External http(s) resources a page would load, except tile URL templates.

    Looks at ``src``/``srcset``/``poster``/``data`` attributes, ``<link href>`` that the browser
    loads (stylesheet, icon, preload), CSS ``url()`` and ``@import``, and URL string literals in
    page scripts (``fetch("https://…")``, ``$.ajax("https://…")``). Library code that this module
    inlined (marked ``data-yitu-inline``) is skipped: its URL strings are link texts and XML
    namespaces, never requests. So are data blocks (``<script type="application/json">``), where
    the layers' text sits: a URL a user typed into a name is text, not a load. URLs with
    ``{z}``/``{x}``/``{y}`` are tile templates and allowed. Links the user may click (``<a href>``) are not loads and not listed.

    Returns
    -------
    list of str
        Unique URLs in order of appearance.
    """
    text = _DATA_BLOCK_RE.sub("", _INLINE_BLOCK_RE.sub("", html_text))
    found: list[str] = []

    def add(url: str) -> None:
        url = _html.unescape(url).strip()
        for part in (p.strip().split(" ")[0] for p in url.split(",")) if "," in url and " " in url else [url]:
            if _is_external(part) and not _TILE_MARK.search(part) and part not in found:
                found.append(part)

    for mt in re.finditer(r"<[a-z][^>]*>", text, re.I | re.S):
        tag = mt.group(0)
        for m in _SRC_RE.finditer(tag):
            add(m.group("url"))
        if tag.lower().startswith("<link"):
            h = re.search(r"\bhref\s*=\s*([\"'])(?P<url>.*?)\1", tag, re.I | re.S)
            rel = re.search(r"\brel\s*=\s*([\"'])(?P<rel>.*?)\1", tag, re.I)
            if h and (rel is None or re.search(r"stylesheet|icon|preload|prefetch|import|manifest", rel.group("rel"), re.I)):
                add(h.group("url"))
        st = re.search(r"\bstyle\s*=\s*([\"'])(?P<css>.*?)\1", tag, re.I | re.S)
        if st:
            for m in _CSS_URL_RE.finditer(st.group("css")):
                add(m.group("url"))
    for block in re.finditer(r"<style\b[^>]*>(?P<css>.*?)</style\s*>", text, re.I | re.S):
        for m in _CSS_URL_RE.finditer(block.group("css")):
            add(m.group("url"))
        for m in _IMPORT_RE.finditer(block.group("css")):
            add(m.group("url"))
    for block in _SCRIPT_BODY_RE.finditer(text):
        for m in _JS_URL_RE.finditer(block.group("body")):
            add(m.group("url"))
    return found


def inline_assets_check(html_text: str) -> list[str]:
    """Alias of :func:`external_urls` (the name used in the project's interface notes)."""
    return external_urls(html_text)
