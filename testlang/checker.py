"""Checks a Testing-language document against :mod:`testlang.model` before Connect sees it.

Connect validates a test case only when it is ``PUBLISHED``, in the account, during a deploy: a
mistake there fails the stack. This checker finds the same class of mistakes at synth and in the
tests: unknown event, action, variant or strategy types, the wrong actor, missing or duplicated
identifiers, a message observed by more than one of text/SSML/prompt/media, unknown matching
criteria or usage, a ``NextAction`` or ``NextObservations`` naming nothing, observations no path
activates (reachable only through a cycle), and content over 256,000 characters.

Errors fail (:func:`require_valid_document`); warnings (an action no transition reaches) are advice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from testlang.model import (
    ACTION_KEYS,
    ACTIONS,
    DTMF_KEYS,
    EVENT_KEYS,
    EVENTS,
    EXECUTION_RESULT_KEYS,
    FLOW_ACTIONS,
    MAX_CONTENT_CHARS,
    MOCK_RESPONSE_TYPES,
    OBSERVATION_KEYS,
    STRATEGIES,
    TESTING_LANGUAGE_VERSION,
    TOP_LEVEL_KEYS,
    MatchingCriteria,
    UsageType,
)


class Severity(StrEnum):
    """Errors fail synth and the tests; warnings are advice."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One rule a document breaks: where (observation, action), the rule, what."""

    rule: str
    message: str
    observation: str | None = None
    action: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = "document"
        if self.observation is not None:
            where = f"observation {self.observation!r}"
            if self.action is not None:
                where += f", action {self.action!r}"
        return f"{where}: {self.message} [{self.severity}: {self.rule}]"


class TestCaseCheckError(ValueError):
    """A document has errors; ``problems`` lists them all."""

    __test__ = False  # not a pytest class

    def __init__(self, name: str, problems: list[Finding]) -> None:
        super().__init__(f"test case {name}: " + "; ".join(str(problem) for problem in problems))
        self.problems = problems


def check_document(document: Any) -> list[Finding]:
    """Every finding of a document (the parsed content, or the ``Content`` string itself)."""
    if isinstance(document, str):
        if len(document) > MAX_CONTENT_CHARS:
            return [Finding("size", f"content is {len(document)} characters, over {MAX_CONTENT_CHARS}")]
        try:
            document = json.loads(document)
        except ValueError as error:
            return [Finding("json", f"content is not JSON: {error}")]
    return list(_check(document))


def errors_of(findings: list[Finding]) -> list[Finding]:
    """The findings of severity ``error``."""
    return [finding for finding in findings if finding.severity is Severity.ERROR]


def require_valid_document(document: Any, *, name: str) -> None:
    """Raise :class:`TestCaseCheckError` listing every error (warnings do not fail)."""
    problems = errors_of(check_document(document))
    if problems:
        raise TestCaseCheckError(name, problems)


# --- the rules -------------------------------------------------------------------------------------


def _check(document: Any) -> Iterator[Finding]:
    if not isinstance(document, Mapping):
        yield Finding("json", "a test case is a JSON object")
        return
    size = len(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    if size > MAX_CONTENT_CHARS:
        yield Finding("size", f"content is {size} characters, over {MAX_CONTENT_CHARS}")
    if document.get("Version") != TESTING_LANGUAGE_VERSION:
        yield Finding(
            "version", f"Version must be {TESTING_LANGUAGE_VERSION!r}, got {document.get('Version')!r}"
        )
    for key in sorted(set(document) - TOP_LEVEL_KEYS):
        yield Finding("unknown-key", f"unknown top-level key {key!r}")
    if "Metadata" in document and not isinstance(document["Metadata"], Mapping):
        yield Finding("metadata", "Metadata must be an object")
    observations = document.get("Observations")
    if not isinstance(observations, list) or not observations:
        yield Finding("observations", "Observations must be a non-empty list")
        return
    identifiers: list[str] = []
    for index, observation in enumerate(observations):
        name = _identifier(observation)
        if name is None:
            yield Finding("identifier", f"observation #{index + 1} has no Identifier")
            continue
        if name in identifiers:
            yield Finding("duplicate-identifier", "Identifier used by more than one observation", name)
        identifiers.append(name)
        yield from _observation(observation, name)
    yield from _graph(observations, set(identifiers))


def _identifier(item: Any) -> str | None:
    if not isinstance(item, Mapping):
        return None
    value = item.get("Identifier")
    return value if isinstance(value, str) and value.strip() else None


def _observation(observation: Mapping[str, Any], name: str) -> Iterator[Finding]:
    for key in sorted(set(observation) - OBSERVATION_KEYS):
        yield Finding("unknown-key", f"unknown observation key {key!r}", name)
    yield from _event(observation.get("Event"), name)
    usage = observation.get("Usage", {"Type": UsageType.EXACTLY})
    if not isinstance(usage, Mapping) or usage.get("Type") not in set(UsageType):
        yield Finding("usage", f"Usage.Type must be one of {sorted(UsageType)}", name)
    elif "Times" in usage and (
        isinstance(usage["Times"], bool) or not isinstance(usage["Times"], int) or usage["Times"] < 1
    ):
        yield Finding("usage", "Usage.Times must be a whole number of at least 1", name)
    actions = observation.get("Actions", [])
    if not isinstance(actions, list):
        yield Finding("actions", "Actions must be a list", name)
        return
    yield from _actions(actions, name)


def _event(event: Any, name: str) -> Iterator[Finding]:
    if not isinstance(event, Mapping):
        yield Finding("event", "Event must be an object", name)
        return
    for key in sorted(set(event) - EVENT_KEYS):
        yield Finding("unknown-key", f"unknown event key {key!r}", name)
    spec = EVENTS.get(event.get("Type", ""))
    if spec is None:
        yield Finding(
            "event-type", f"unknown event type {event.get('Type')!r} (known: {sorted(EVENTS)})", name
        )
        return
    if event.get("Actor") != spec.actor:
        yield Finding("actor", f"{spec.event_type} must have Actor {spec.actor!r}", name)
    properties = event.get("Properties", {})
    if not isinstance(properties, Mapping):
        yield Finding("event-properties", "Properties must be an object", name)
        return
    for key in sorted(set(properties) - spec.properties):
        yield Finding("event-properties", f"{spec.event_type} takes no property {key!r}", name)
    if spec.one_of:
        given = [key for key in spec.one_of if properties.get(key) not in (None, "")]
        if len(given) != 1:
            yield Finding("event-properties", f"give exactly one of {', '.join(spec.one_of)}", name)
    criteria = properties.get("MatchingCriteria")
    if criteria is not None and criteria not in set(MatchingCriteria):
        yield Finding(
            "matching-criteria", f"MatchingCriteria must be one of {sorted(MatchingCriteria)}", name
        )
    if spec.event_type == "FlowActionStarted":
        yield from _flow_action(properties, name, action=None, override=False)


def _flow_action(
    properties: Mapping[str, Any], name: str, *, action: str | None, override: bool
) -> Iterator[Finding]:
    flow_action = FLOW_ACTIONS.get(properties.get("ActionType", ""))
    if flow_action is None:
        yield Finding("flow-action", f"unknown flow action {properties.get('ActionType')!r}", name, action)
        return
    parameters = properties.get("ActionParameters", {})
    if not isinstance(parameters, Mapping):
        yield Finding("flow-action", "ActionParameters must be an object", name, action)
    elif flow_action.resource_parameter and not parameters.get(flow_action.resource_parameter):
        yield Finding(
            "flow-action",
            f"{flow_action.action_type} needs ActionParameters.{flow_action.resource_parameter}",
            name,
            action,
        )
    if override and not flow_action.strategies:
        yield Finding("override", f"{flow_action.action_type} cannot be overridden", name, action)


def _actions(actions: list[Any], name: str) -> Iterator[Finding]:
    identifiers: list[str] = []
    targets: set[str] = set()
    for index, action in enumerate(actions):
        action_name = _identifier(action)
        if action_name is None:
            yield Finding("identifier", f"action #{index + 1} has no Identifier", name)
            continue
        if action_name in identifiers:
            yield Finding(
                "duplicate-identifier", "Identifier used by more than one action", name, action_name
            )
        identifiers.append(action_name)
        yield from _action(action, name, action_name)
        transitions = action.get("Transitions", {})
        following = transitions.get("NextAction", "") if isinstance(transitions, Mapping) else None
        if not isinstance(following, str):
            yield Finding("next-action", "Transitions.NextAction must be a string", name, action_name)
        elif following:
            targets.add(following)
    for target in sorted(targets - set(identifiers)):
        yield Finding("next-action", f"NextAction {target!r} names no action of this observation", name)
    for unreached in identifiers[1:]:
        if unreached not in targets:
            yield Finding("unreachable-action", "no NextAction leads here", name, unreached, Severity.WARNING)


def _action(action: Mapping[str, Any], name: str, action_name: str) -> Iterator[Finding]:
    for key in sorted(set(action) - ACTION_KEYS):
        yield Finding("unknown-key", f"unknown action key {key!r}", name, action_name)
    spec = ACTIONS.get(action.get("Type", ""))
    if spec is None:
        known = sorted(ACTIONS)
        yield Finding(
            "action-type", f"unknown action type {action.get('Type')!r} (known: {known})", name, action_name
        )
        return
    parameters = action.get("Parameters")
    if not isinstance(parameters, Mapping):
        yield Finding("action-parameters", "Parameters must be an object", name, action_name)
        return
    if parameters.get("ActionType") != spec.action_type:
        yield Finding(
            "action-parameters", f"Parameters.ActionType must be {spec.action_type!r}", name, action_name
        )
    if spec.actor is not None and parameters.get("Actor") != spec.actor:
        yield Finding("actor", f"{spec.action_type} must have Actor {spec.actor!r}", name, action_name)
    variant = parameters.get(spec.variant_key)
    if not isinstance(variant, Mapping) or variant.get("Type") not in spec.variants:
        yield Finding(
            "action-parameters",
            f"{spec.variant_key}.Type must be one of {sorted(spec.variants)}",
            name,
            action_name,
        )
        return
    variant_spec = spec.variants[variant["Type"]]
    # A behavior keeps its keys in Properties; so do instructions and commands (LogData's Expressions).
    properties = variant.get("Properties", {})
    if not isinstance(properties, Mapping):
        yield Finding(
            "action-parameters", f"{spec.variant_key}.Properties must be an object", name, action_name
        )
        return
    for key in sorted(variant_spec.required - set(properties)):
        yield Finding("action-parameters", f"{variant_spec.name} needs Properties.{key}", name, action_name)
    if variant_spec.one_of and sum(properties.get(key) not in (None, "") for key in variant_spec.one_of) != 1:
        yield Finding(
            "action-parameters",
            f"{variant_spec.name}: give exactly one of {', '.join(variant_spec.one_of)}",
            name,
            action_name,
        )
    yield from _variant_details(variant_spec.name, properties, name, action_name)


def _variant_details(
    variant: str, properties: Mapping[str, Any], name: str, action_name: str
) -> Iterator[Finding]:
    if variant == "DtmfInput":
        keys = str(properties.get("Value", ""))
        if not keys or not set(keys) <= DTMF_KEYS:
            yield Finding(
                "dtmf", f"DTMF Value must be keys of {''.join(sorted(DTMF_KEYS))}", name, action_name
            )
    elif variant == "FlowAction":
        yield from _flow_action(properties, name, action=action_name, override=True)
        yield from _strategy(properties, name, action_name)
    elif variant == "LogData":
        expressions = properties.get("Expressions")
        if not isinstance(expressions, Mapping) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in expressions.items()
        ):
            yield Finding("log-data", "Expressions must map labels to JSONPath strings", name, action_name)


def _strategy(properties: Mapping[str, Any], name: str, action_name: str) -> Iterator[Finding]:
    strategy = properties.get("Strategy")
    flow_action = FLOW_ACTIONS.get(properties.get("ActionType", ""))
    if not isinstance(strategy, Mapping) or strategy.get("Type") not in STRATEGIES:
        yield Finding("override", f"Strategy.Type must be one of {sorted(STRATEGIES)}", name, action_name)
        return
    if flow_action is not None and flow_action.strategies and strategy["Type"] not in flow_action.strategies:
        yield Finding(
            "override", f"{flow_action.action_type} has no {strategy['Type']} strategy", name, action_name
        )
    for key in sorted(STRATEGIES[strategy["Type"]] - set(strategy)):
        yield Finding("override", f"{strategy['Type']} needs {key}", name, action_name)
    response = strategy.get("Response")
    if strategy["Type"] != "MockResponse" or not isinstance(response, Mapping):
        return
    if response.get("Type") not in MOCK_RESPONSE_TYPES:
        yield Finding(
            "override", f"Response.Type must be one of {sorted(MOCK_RESPONSE_TYPES)}", name, action_name
        )
        return
    result = response.get("ExecutionResult")
    if not isinstance(result, Mapping) or set(result) - EXECUTION_RESULT_KEYS:
        yield Finding(
            "override", f"ExecutionResult takes only {sorted(EXECUTION_RESULT_KEYS)}", name, action_name
        )
        return
    delay = result.get("DelaySeconds", 0)
    if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
        yield Finding("override", "DelaySeconds must be a number of at least 0", name, action_name)
    if "LoadedData" in result:
        try:
            json.loads(result["LoadedData"])
        except (TypeError, ValueError):
            yield Finding("override", "LoadedData must be serialized JSON (a string)", name, action_name)


def _graph(observations: list[Any], identifiers: set[str]) -> Iterator[Finding]:
    """Dangling and self transitions; observations reachable only through a cycle."""
    edges: dict[str, list[str]] = {}
    for observation in observations:
        name = _identifier(observation)
        if name is None:
            continue
        transitions = observation.get("Transitions", {})
        following = transitions.get("NextObservations", []) if isinstance(transitions, Mapping) else None
        if not isinstance(following, list) or not all(isinstance(item, str) for item in following):
            yield Finding(
                "next-observations", "Transitions.NextObservations must be a list of identifiers", name
            )
            continue
        for target in following:
            if target == name:
                yield Finding("next-observations", "an observation cannot lead to itself", name)
            elif target not in identifiers:
                yield Finding("next-observations", f"NextObservations {target!r} names no observation", name)
        edges[name] = [target for target in following if target in identifiers and target != name]
    # Observations no other one leads to are active from the start (admin guide, observe block).
    targeted = {target for targets in edges.values() for target in targets}
    reached = [name for name in edges if name not in targeted]
    seen = set(reached)
    while reached:
        for target in edges.get(reached.pop(), []):
            if target not in seen:
                seen.add(target)
                reached.append(target)
    for name in edges:
        if name not in seen:
            yield Finding("unreachable-observation", "no start observation leads here (a cycle only)", name)
