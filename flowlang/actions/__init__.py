"""Every action type of the Flow-language reference, one module per category of the reference.

:data:`ACTION_TYPES` is the registry the checker, the simulator's runtime and the tests read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from flowlang.actions import contact, flow_control, interactions, participant
from flowlang.model import ActionType


def _registry() -> dict[str, ActionType]:
    registry: dict[str, ActionType] = {}
    for module in (participant, flow_control, contact, interactions):
        for action_type in module.ACTIONS:
            if action_type.name in registry:
                raise ValueError(f"action type {action_type.name} is defined twice")
            registry[action_type.name] = action_type
    return registry


#: Action type name → its model.
ACTION_TYPES: Final[Mapping[str, ActionType]] = _registry()

__all__ = ["ACTION_TYPES"]
