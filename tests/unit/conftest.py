"""Unit tests import the collection as `ansible_collections.xyz.aws_database` (the checkout, via .collections)."""

from __future__ import annotations

import sys
from pathlib import Path

COLLECTIONS_PATH = Path(__file__).resolve().parents[2] / ".collections"

if str(COLLECTIONS_PATH) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_PATH))
