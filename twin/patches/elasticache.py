"""Patches for elasticache (filled in by its own change)."""
