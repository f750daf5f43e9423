"""The interactive four-colour risk map (安全风险四色分布图) as one folium/Leaflet page.

:func:`risk_map` draws every layer of a project that a planner looks at — enterprises coloured by
risk grade and sized by 重大危险源 level, the risk zones inside plants, parks, rescue forces by type,
shelters, protected targets, water sources, depots, the road network, the base geography — and,
when ``yitu check`` has stored them, the isochrone bands, responsibility areas, the park-check
verdicts and the targets that miss the time limit. Each layer is one ``FeatureGroup`` in a layer
control; a grouped, collapsible legend lists the symbols in Chinese (English with ``lang="en"``).

The layers are made in :mod:`yitu.maps.html_layers`, the page in :mod:`yitu.maps.html_page`
(user text is data there: JSON read by a fixed script, popups built with ``textContent``; nothing
of the project is ever template source). This module keeps the public names in one place.

Basemaps in GCJ-02 (高德): every overlay is shifted from WGS-84 to GCJ-02 for display only.
Save the map with :func:`yitu.maps.offline.save_html` (offline by default).
"""

from __future__ import annotations

from yitu.maps.html_layers import LAYER_ORDER, MapLayer, _label, esc, map_layers
from yitu.maps.html_page import CANVAS_FROM, layer_features, page_data, risk_map

__all__ = ["risk_map", "MapLayer", "map_layers", "LAYER_ORDER", "esc", "layer_features", "page_data", "CANVAS_FROM",
           "_label"]
