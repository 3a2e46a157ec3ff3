"""Patches for rds_clusters (filled in by its own change)."""
