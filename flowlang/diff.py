"""An action-level diff of two Flow-language documents, for reviews of flow changes.

A flow's JSON diff is a wall of moved braces and escaped strings; a reviewer wants to know which
actions were added or removed, which parameters changed from what to what, and where each branch
now goes. Actions are matched by ``Identifier``; layout (``Metadata``) is summarised, not listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flowlang.checker import transitions_of


@dataclass
class FlowDiff:
    """What changed between two flow documents."""

    start_action: tuple[Any, Any] | None = None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    layout_changed: int = 0

    @property
    def empty(self) -> bool:
        """No change at all (layout included)."""
        return not (self.start_action or self.added or self.removed or self.changed or self.layout_changed)

    def lines(self) -> list[str]:
        """The diff, readable, one change a line."""
        found: list[str] = []
        if self.start_action:
            old, new = self.start_action
            found.append(f"~ StartAction: {old} → {new}")
        found.extend(f"+ {line}" for line in self.added)
        found.extend(f"- {line}" for line in self.removed)
        for identifier, changes in self.changed.items():
            found.append(f"~ {identifier}")
            found.extend(f"    {change}" for change in changes)
        if self.layout_changed:
            found.append(f"~ layout (Metadata) changed for {self.layout_changed} action(s)")
        return found


def _actions(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    actions = document.get("Actions")
    listed = actions if isinstance(actions, list) else []
    return {
        action["Identifier"]: action
        for action in listed
        if isinstance(action, Mapping) and isinstance(action.get("Identifier"), str)
    }


def _describe(action: Mapping[str, Any]) -> str:
    parameters = action.get("Parameters") or {}
    summary = ", ".join(f"{path}={_short(value)}" for path, value in _leaves(parameters))
    return f"{action.get('Identifier')} ({action.get('Type')}){': ' + summary if summary else ''}"


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = json.dumps(text, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + '…"'


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def _action_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    changes: list[str] = []
    if old.get("Type") != new.get("Type"):
        changes.append(f"type: {old.get('Type')} → {new.get('Type')}")
    # An empty Parameters object has no leaf worth naming.
    old_parameters = {path: value for path, value in _leaves(old.get("Parameters") or {}) if path}
    new_parameters = {path: value for path, value in _leaves(new.get("Parameters") or {}) if path}
    for path in sorted(set(old_parameters) | set(new_parameters)):
        before, after = old_parameters.get(path, _MISSING), new_parameters.get(path, _MISSING)
        if before == after:
            continue
        if before is _MISSING:
            changes.append(f"parameter {path} added: {_short(after)}")
        elif after is _MISSING:
            changes.append(f"parameter {path} removed (was {_short(before)})")
        else:
            changes.append(f"parameter {path}: {_short(before)} → {_short(after)}")
    old_branches, new_branches = dict(transitions_of(old)), dict(transitions_of(new))
    for label in [*old_branches, *(label for label in new_branches if label not in old_branches)]:
        before_target, after_target = old_branches.get(label), new_branches.get(label)
        if before_target == after_target:
            continue
        if before_target is None:
            changes.append(f"branch {label} added → {after_target}")
        elif after_target is None:
            changes.append(f"branch {label} removed (went to {before_target})")
        else:
            changes.append(f"branch {label}: {before_target} → {after_target}")
    return changes


_MISSING: Any = object()


def diff_flows(old: Mapping[str, Any], new: Mapping[str, Any]) -> FlowDiff:
    """The action-level difference from ``old`` to ``new``."""
    result = FlowDiff()
    if old.get("StartAction") != new.get("StartAction"):
        result.start_action = (old.get("StartAction"), new.get("StartAction"))
    old_actions, new_actions = _actions(old), _actions(new)
    result.added = [_describe(new_actions[i]) for i in new_actions if i not in old_actions]
    result.removed = [_describe(old_actions[i]) for i in old_actions if i not in new_actions]
    for identifier in old_actions.keys() & new_actions.keys():
        changes = _action_changes(old_actions[identifier], new_actions[identifier])
        if changes:
            result.changed[identifier] = changes
    result.changed = dict(sorted(result.changed.items()))
    old_layout = _layout(old)
    new_layout = _layout(new)
    result.layout_changed = sum(
        1 for key in old_layout.keys() | new_layout.keys() if old_layout.get(key) != new_layout.get(key)
    )
    return result


def _layout(document: Mapping[str, Any]) -> dict[str, Any]:
    metadata = document.get("Metadata")
    if not isinstance(metadata, Mapping):
        return {}
    per_action = metadata.get("ActionMetadata")
    layout = dict(per_action) if isinstance(per_action, Mapping) else {}
    layout["(entry point)"] = metadata.get("entryPointPosition")
    return layout
