"""Patches for rds_parameters (filled in by its own change)."""
