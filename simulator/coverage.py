"""Flow coverage of simulated calls: which actions and transitions no call ever exercised.

An action counts as exercised when a call ran it; a transition — one way out of an action:
``NextAction``, one of its ``Conditions`` or one of its ``Errors`` — when a call left the action
that way. Action identifiers are unique across the flows, so each is reported as
``flow/identifier``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from simulator.flow_data import Flow, Trace


@dataclass
class FlowCoverage:
    """Everything the flows offer, and what the recorded calls exercised of it."""

    flows: Mapping[str, Flow]
    actions_run: set[tuple[str, str]] = field(default_factory=set)
    transitions_taken: set[tuple[str, str, str]] = field(default_factory=set)
    calls: int = 0

    def record(self, trace: Trace) -> None:
        """Add one call's trace."""
        self.calls += 1
        self.actions_run.update(trace.actions)
        self.transitions_taken.update(trace.transitions)

    def all_actions(self) -> list[tuple[str, str]]:
        """Every (flow, identifier) of the flows, in file order."""
        return [(name, identifier) for name, flow in self.flows.items() for identifier in flow.actions]

    def all_transitions(self) -> list[tuple[str, str, str]]:
        """Every (flow, identifier, branch label) of the flows, in file order."""
        return [
            (name, action.identifier, branch.label)
            for name, flow in self.flows.items()
            for action in flow.actions.values()
            for branch in action.branches()
        ]

    def unexercised_actions(self) -> list[tuple[str, str]]:
        """Actions no recorded call ran."""
        return [action for action in self.all_actions() if action not in self.actions_run]

    def unexercised_transitions(self) -> list[tuple[str, str, str]]:
        """Transitions no recorded call took."""
        return [
            transition for transition in self.all_transitions() if transition not in self.transitions_taken
        ]

    def report(self) -> str:
        """A readable report: totals, then every action and transition never exercised."""
        actions, transitions = self.all_actions(), self.all_transitions()
        missed_actions, missed_transitions = self.unexercised_actions(), self.unexercised_transitions()
        lines = [
            f"Flow coverage over {self.calls} simulated calls:",
            f"  actions     {len(actions) - len(missed_actions)}/{len(actions)} exercised",
            f"  transitions {len(transitions) - len(missed_transitions)}/{len(transitions)} exercised",
        ]
        lines += _section("Actions never exercised", (f"{flow}/{action}" for flow, action in missed_actions))
        lines += _section(
            "Transitions never exercised",
            (f"{flow}/{action} --{label}-->" for flow, action, label in missed_transitions),
        )
        return "\n".join(lines)


def _section(title: str, items: Iterable[str]) -> list[str]:
    listed = [f"    {item}" for item in items]
    return [f"  {title}: {len(listed) or 'none'}", *listed]
