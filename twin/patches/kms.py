"""Patches for kms (filled in by its own change)."""
