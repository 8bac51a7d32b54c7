"""Layout ``Metadata`` for flows written as code, so they open readable in the Connect flow designer.

The console keeps each block's position in ``Metadata.ActionMetadata.<Identifier>.position`` and
the entry point's in ``Metadata.entryPointPosition``; a flow without them opens as a pile of blocks.
:func:`place_actions` gives every action without a position one — columns by distance from
``StartAction``, rows in document order, never a cell another block already holds — and keeps
every position a designer already set, so a flow exported from the console and imported back
keeps its layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from flowlang.checker import transitions_of

ENTRY_POINT: Final = {"x": 40, "y": 40}
COLUMN_WIDTH: Final = 280
ROW_HEIGHT: Final = 200
LEFT: Final = 200
TOP: Final = 40


def _depths(document: Mapping[str, Any]) -> dict[str, int]:
    actions = {
        a["Identifier"]: a
        for a in document.get("Actions") or []
        if isinstance(a, Mapping) and isinstance(a.get("Identifier"), str)
    }
    depths: dict[str, int] = {}
    start = document.get("StartAction")
    frontier: list[str] = [start] if isinstance(start, str) and start in actions else []
    depth = 0
    while frontier:
        following: list[str] = []
        for identifier in frontier:
            if identifier in depths:
                continue
            depths[identifier] = depth
            following.extend(
                target for _label, target in transitions_of(actions[identifier]) if target in actions
            )
        frontier, depth = following, depth + 1
    # Unreachable actions (there should be none) go in a last column.
    for identifier in actions:
        depths.setdefault(identifier, depth)
    return depths


def place_actions(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with a position for every action (existing positions kept); returns it."""
    if not isinstance(document.get("Metadata"), dict):
        document["Metadata"] = {}
    metadata = document["Metadata"]
    if not _is_position(metadata.get("entryPointPosition")):
        metadata["entryPointPosition"] = dict(ENTRY_POINT)
    if not isinstance(metadata.get("ActionMetadata"), dict):
        metadata["ActionMetadata"] = {}
    per_action = metadata["ActionMetadata"]
    identifiers = [
        a["Identifier"]
        for a in document.get("Actions") or []
        if isinstance(a, Mapping) and isinstance(a.get("Identifier"), str)
    ]
    for stale in [key for key in per_action if key not in identifiers]:
        del per_action[stale]
    rows: dict[int, int] = {}
    depths = _depths(document)
    # A new block never lands on a kept one: a flow edited after its first layout has blocks
    # whose depth (column) changed, so the next free row of the column is taken instead.
    taken = {
        (entry["position"]["x"], entry["position"]["y"])
        for entry in per_action.values()
        if isinstance(entry, Mapping) and _is_position(entry.get("position"))
    }
    for identifier in identifiers:
        column = depths[identifier]
        row = rows.get(column, 0)
        rows[column] = row + 1
        if not isinstance(per_action.get(identifier), dict):
            per_action[identifier] = {}
        entry = per_action[identifier]
        if not _is_position(entry.get("position")):
            x = LEFT + column * COLUMN_WIDTH
            while (x, TOP + row * ROW_HEIGHT) in taken:
                row += 1
            rows[column] = max(rows[column], row + 1)
            entry["position"] = {"x": x, "y": TOP + row * ROW_HEIGHT}
            taken.add((x, entry["position"]["y"]))
    return document


def _is_position(value: Any) -> bool:
    return isinstance(value, Mapping) and all(isinstance(value.get(axis), int | float) for axis in ("x", "y"))


def unplaced(document: Mapping[str, Any]) -> list[str]:
    """Identifiers of actions that have no position in the layout metadata."""
    metadata = document.get("Metadata")
    per_action = metadata.get("ActionMetadata") if isinstance(metadata, Mapping) else None
    per_action = per_action if isinstance(per_action, Mapping) else {}
    missing = []
    for action in document.get("Actions") or []:
        identifier = action.get("Identifier") if isinstance(action, Mapping) else None
        entry = per_action.get(identifier) if isinstance(identifier, str) else None
        if not (isinstance(entry, Mapping) and _is_position(entry.get("position"))):
            missing.append(str(identifier))
    return missing
