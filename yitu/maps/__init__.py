"""Styles, HTML maps (folium, offline), static maps (matplotlib) and reports."""
