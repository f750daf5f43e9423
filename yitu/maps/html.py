"""The interactive four-colour risk map (安全风险四色分布图) as one folium/Leaflet page.

:func:`risk_map` draws every layer of a project that a planner looks at — enterprises coloured by
risk grade and sized by 重大危险源 level, the risk zones inside plants, parks, rescue forces by type,
shelters, protected targets, water sources, depots, the road network, the base geography — and,
when ``yitu check`` has stored them, the isochrone bands, responsibility areas, the park-check
verdicts and the targets that miss the time limit. Each layer is one ``FeatureGroup`` in a layer
control; a grouped, collapsible legend lists the symbols in Chinese (English with ``lang="en"``).

The layers are made in :mod:`yitu.maps.html_layers`, the page in :mod:`yitu.maps.html_page`
(user text is data there: JSON read by a fixed script, popups built with ``textContent``; nothing
of the project is ever template source). This module keeps the public names in one place, and the
helpers overlay modules used to build escaped popup HTML (``_rows``, ``_popup``).

Basemaps in GCJ-02 (高德): every overlay is shifted from WGS-84 to GCJ-02 for display only.
Save the map with :func:`yitu.maps.offline.save_html` (offline by default).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from yitu.maps.html_layers import LAYER_ORDER, MapLayer, _fmt_value, _label, _style_series, esc, map_layers
from yitu.maps.html_page import CANVAS_FROM, layer_features, page_data, risk_map

__all__ = ["risk_map", "MapLayer", "map_layers", "LAYER_ORDER", "esc", "layer_features", "page_data", "CANVAS_FROM",
           "_label", "_rows", "_popup", "_style_series"]


def _fmt(s: pd.Series, lang: str) -> pd.Series:
    """Values as *escaped* HTML text ('' for missing), for overlays that build ``_popup`` HTML."""
    return s.map(lambda v: esc(_fmt_value(v, lang))).astype(object)


def _rows(df: pd.DataFrame, fields: Sequence[tuple[str, str]], lang: str) -> pd.Series:
    """Escaped HTML table rows ``<tr><th>label</th><td>value</td></tr>`` per record (empty values skipped).

    For overlays that fill ``_popup`` (the older :class:`MapLayer` contract); new layers give
    ``MapLayer.fields`` instead and the page builds the popup with ``textContent``.
    """
    out = pd.Series("", index=df.index, dtype=object)
    for col, label in fields:
        if col not in df.columns:
            continue
        vals = _fmt(df[col], lang)
        row = "<tr><th>" + esc(label) + "</th><td>" + vals + "</td></tr>"
        out = out + row.where(vals != "", "")
    return out


def _popup(title: pd.Series, rows: pd.Series) -> pd.Series:
    """A popup from an escaped title and escaped rows (see :func:`_rows`)."""
    return '<div class="yitu-popup"><b>' + title + "</b><table>" + rows + "</table></div>"
