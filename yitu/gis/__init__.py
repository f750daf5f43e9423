"""Coordinates and files: CRS handling, readers and writers, geometry checks."""
