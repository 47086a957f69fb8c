"""Checks of this area (filled in by its rules)."""

from __future__ import annotations
