"""Helpers that import only the standard library (no Django), shared by the importer and the core."""
