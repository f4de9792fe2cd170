"""Offline geoparsing: gazetteer, toponym resolution, routes and spatial checks."""
