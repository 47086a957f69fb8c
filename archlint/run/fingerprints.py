"""Fingerprints of findings that survive edits elsewhere in the file: a digest of the
node a finding points at. Baselines match on them and SARIF publishes them."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from archlint.findings import Path


def node_digest(data: Any, path: Path) -> str:
    """A short digest of the node at `path` (or of its nearest present ancestor).

    The digest covers what the node says itself: its scalars, and only the names of its
    nested maps and lists, whose content has paths (and findings) of its own. So adding a
    call to a component does not bring back the component's own findings, and a finding
    on `components` does not come back whenever any component is edited. Root findings
    (`$`) are known by code and path alone."""
    matched, value = node_at(data, path)
    content = _outline(value) if matched else None
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def node_at(data: Any, path: Path) -> tuple[int, Any]:
    """(how many segments matched, the value reached) walking as `archlint.input.load.locate`
    does: a list segment may be an index, an item equal to it, or an item keyed by it."""
    value, matched = data, 0
    for segment in path:
        if isinstance(value, dict) and isinstance(segment, str) and segment in value:
            value = value[segment]
        elif isinstance(value, list) and isinstance(segment, int) and 0 <= segment < len(value):
            value = value[segment]
        elif isinstance(value, list) and isinstance(segment, str):
            for item in value:
                if item == segment:
                    value = item
                    break
                if isinstance(item, dict) and segment in item:
                    value = item[segment]
                    break
            else:
                break
        else:
            break
        matched += 1
    return matched, value


def _outline(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _shallow(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shallow(item) for item in value]
    return value


def _shallow(value: Any) -> Any:
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, list):
        return "[...]"
    return value
