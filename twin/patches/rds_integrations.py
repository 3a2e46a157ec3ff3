"""Patches for rds_integrations (filled in by its own change)."""
