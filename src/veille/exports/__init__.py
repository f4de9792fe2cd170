"""Exports in formats that analysts' tools read: GraphML (Gephi, Cytoscape) and FollowTheMoney (Aleph).

veille's own JSON, CSV and GeoJSON exports live in ``veille.export``.
"""
