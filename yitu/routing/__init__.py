"""Road network, speed profiles, snapping, the travel-time engine, coverage and isochrones."""
