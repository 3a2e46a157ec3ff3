"""Patches for redshift (filled in by its own change)."""
