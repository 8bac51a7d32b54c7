"""A static checker for Amazon Connect Flow-language documents, driven by :mod:`flowlang.model`.

Connect validates a flow only when CloudFormation creates it, twenty minutes into a deploy, and
reports the first problem it finds. This checker runs at synth, in the tests and on the command line
(``python -m flowlang check``) and reports all of them, in two severities:

* ``error``: what Connect would refuse or what cannot work — a dangling or missing transition, a
  ``StartAction`` that does not exist, duplicate or invalid identifiers, more than 250 actions, an
  unknown action type or parameter, an action not supported in the flow's type, a static-only
  parameter given a JSONPath, a required parameter missing or empty, a value the page does not
  allow, an operator or operand a condition does not allow.
* ``warning``: legal but risky — an action that can fail without a branch for it, actions nothing
  reaches, an input block without a timeout branch, Lex classic, a reference outside the documented
  namespaces.

Everything about individual action types (parameters, errors, conditions, flow types) comes from the
model; the checker only knows how to apply it. It is one module past 500 lines because it is one
thing: the document, identifier, parameter and transition rules are walked in one pass and share
the finding helpers. Placeholders (``%Name%`` of our templates, ``${Name}``
of CloudFormation ``!Sub`` and CDK tokens) are opaque values of whatever kind the parameter needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from flowlang.actions import ACTION_TYPES
from flowlang.model import (
    ALL_FLOW_TYPES,
    FLOW_LANGUAGE_VERSION,
    FORBIDDEN_IDENTIFIER_CHARACTERS,
    FORBIDDEN_IDENTIFIERS,
    INPUT_TIME_LIMIT_EXCEEDED,
    MAX_ACTIONS,
    MAX_IDENTIFIER_LENGTH,
    NO_MATCHING_CONDITION,
    NO_MATCHING_ERROR,
    OPERATORS,
    SELF_ENDING_FLOW_TYPES,
    STRING_KINDS,
    ActionType,
    Conditions,
    Ending,
    FlowType,
    Kind,
    Param,
    as_number,
)
from flowlang.references import REFERENCE_RE, classify_reference

#: ``%Name%`` (our templates) or ``${Name}`` / ``${Token[...]}`` (CloudFormation, CDK): opaque values.
PLACEHOLDER_VALUE_RE: Final = re.compile(r"%[A-Za-z][A-Za-z0-9_]*%|\$\{[^}]*\}")
#: Action types whose run ends the flow's path safely (graph walkers' ends).
ENDING_ACTION_TYPES: Final = frozenset(
    name for name, action_type in ACTION_TYPES.items() if action_type.ending is not Ending.NONE
)
#: A whole number written in ASCII (``"²".isdigit()`` is true, ``int("²")`` is not).
_INTEGER_RE: Final = re.compile(r"-?[0-9]+")


class Severity(StrEnum):
    """How bad a finding is: errors fail synth and the command line; warnings are advice."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One rule a flow breaks: the flow, the action (None for the whole flow), the rule, what."""

    flow: str
    action: str | None
    rule: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"action {self.action!r}" if self.action is not None else "flow"
        return f"{self.flow}: {where}: {self.message} [{self.severity}: {self.rule}]"

    def as_json(self) -> dict[str, Any]:
        """``{"action", "rule", "message"}`` as ``python -m flowlang check --json`` prints it."""
        return {"action": self.action, "rule": self.rule, "message": self.message}


class FlowCheckError(ValueError):
    """A flow has errors; ``problems`` lists them all."""

    def __init__(self, problems: list[Finding]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def check_flow(flow: Any, *, flow_name: str, flow_type: str = FlowType.CONTACT_FLOW) -> list[Finding]:
    """Every finding of ``flow``, errors and warnings, in document order.

    Args:
        flow: the parsed flow document (placeholders may be resolved or not).
        flow_name: named in every finding.
        flow_type: the Connect flow type the document deploys as (``FLOW_MODULE`` for a module).
    """
    return list(_Check(flow_name, flow_type).run(flow))


def errors_of(findings: list[Finding]) -> list[Finding]:
    """The findings of severity ``error``."""
    return [finding for finding in findings if finding.severity is Severity.ERROR]


def warnings_of(findings: list[Finding]) -> list[Finding]:
    """The findings of severity ``warning``."""
    return [finding for finding in findings if finding.severity is Severity.WARNING]


def require_valid_flow(flow: Any, *, flow_name: str, flow_type: str = FlowType.CONTACT_FLOW) -> None:
    """Raise :class:`FlowCheckError` listing every error of ``flow`` (warnings do not fail)."""
    problems = errors_of(check_flow(flow, flow_name=flow_name, flow_type=flow_type))
    if problems:
        raise FlowCheckError(problems)


# --- graph helpers (shared with the tests' walkers and the diff) ---------------------------------


def condition_parts(condition: Any) -> tuple[Any, Any]:
    """(operator, the single operand) of a condition object; Nones where it is malformed."""
    if not isinstance(condition, Mapping):
        return None, None
    inner = condition.get("Condition")
    if not isinstance(inner, Mapping):
        return None, None
    operands = inner.get("Operands")
    operand = operands[0] if isinstance(operands, list) and len(operands) == 1 else None
    return inner.get("Operator"), operand


def transitions_of(action: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, target identifier) of every transition of ``action``, in document order.

    Labels: ``NextAction``, ``Condition <Operator> <operand>``, ``Error <ErrorType>``.
    """
    transitions = action.get("Transitions")
    if not isinstance(transitions, Mapping):
        return []
    found: list[tuple[str, str]] = []
    if isinstance(transitions.get("NextAction"), str):
        found.append(("NextAction", transitions["NextAction"]))
    conditions = transitions.get("Conditions")
    for condition in conditions if isinstance(conditions, list) else []:
        operator, operand = condition_parts(condition)
        if isinstance(condition, Mapping) and isinstance(condition.get("NextAction"), str):
            found.append((f"Condition {operator} {operand}", condition["NextAction"]))
    errors = transitions.get("Errors")
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, Mapping) and isinstance(error.get("NextAction"), str):
            found.append((f"Error {error.get('ErrorType')}", error["NextAction"]))
    return found


def reachable_from(flow: Mapping[str, Any], start: str) -> set[str]:
    """Identifiers of the actions reachable from ``start`` through any transition."""
    by_identifier: dict[str, Mapping[str, Any]] = {}
    for action in flow.get("Actions") or []:
        if isinstance(action, Mapping) and isinstance(action.get("Identifier"), str):
            by_identifier.setdefault(action["Identifier"], action)  # the first of duplicates, as checked
    seen: set[str] = set()
    pending = [start]
    while pending:
        identifier = pending.pop()
        if identifier in seen or identifier not in by_identifier:
            continue
        seen.add(identifier)
        pending.extend(target for _label, target in transitions_of(by_identifier[identifier]))
    return seen


# --- the checker ---------------------------------------------------------------------------------

_Raw = tuple[Severity, str, str]


def _error(rule: str, message: str) -> _Raw:
    return Severity.ERROR, rule, message


def _warning(rule: str, message: str) -> _Raw:
    return Severity.WARNING, rule, message


def is_opaque(value: str) -> bool:
    """The whole value is one placeholder (``%Name%``, ``${Name}``): any kind accepts it."""
    return PLACEHOLDER_VALUE_RE.fullmatch(value) is not None


def is_reference(value: str) -> bool:
    """The whole value is exactly one JSONPath reference."""
    return REFERENCE_RE.fullmatch(value) is not None


class _Check:
    """One run of the checker over one document."""

    def __init__(self, flow_name: str, flow_type: str) -> None:
        self.flow_name = flow_name
        self.flow_type = flow_type

    def finding(self, action: str | None, raw: _Raw) -> Finding:
        severity, rule, message = raw
        return Finding(self.flow_name, action, rule, message, severity)

    def run(self, flow: Any) -> Iterator[Finding]:
        document = list(self._document(flow))
        yield from (self.finding(None, raw) for raw in document)
        if self.flow_type not in ALL_FLOW_TYPES or not isinstance(flow, Mapping):
            return
        actions = flow.get("Actions")
        if not isinstance(actions, list) or not actions:
            return
        by_identifier: dict[str, Mapping[str, Any]] = {}
        yield from self._index(actions, by_identifier)
        start = flow.get("StartAction")
        if not isinstance(start, str) or start not in by_identifier:
            yield self.finding(
                None, _error("start-action", f"StartAction {start!r} is not an action of the flow")
            )
        identifiers = set(by_identifier)
        for identifier, action in by_identifier.items():
            for raw in self._action(action, identifiers):
                yield self.finding(identifier, raw)
        if isinstance(start, str) and start in by_identifier:
            reachable = reachable_from(flow, start)
            for identifier in by_identifier:
                if identifier not in reachable:
                    yield self.finding(identifier, _warning("unreachable", "not reachable from StartAction"))

    def _index(self, actions: list[Any], by_identifier: dict[str, Mapping[str, Any]]) -> Iterator[Finding]:
        """Fill ``by_identifier`` (first of duplicates wins); findings about the identifiers."""
        for index, action in enumerate(actions):
            identifier = action.get("Identifier") if isinstance(action, Mapping) else None
            if not isinstance(identifier, str):
                yield self.finding(None, _error("identifier", f"Actions[{index}] has no string Identifier"))
                continue
            for raw in _identifier_problems(identifier):
                yield self.finding(identifier, raw)
            if identifier in by_identifier:
                yield self.finding(identifier, _error("duplicate-identifier", "duplicate Identifier"))
            else:
                by_identifier[identifier] = action

    def _document(self, flow: Any) -> Iterator[_Raw]:
        if self.flow_type not in ALL_FLOW_TYPES:
            yield _error(
                "flow-type", f"unknown flow type {self.flow_type!r} (one of {', '.join(sorted(FlowType))})"
            )
            return
        if not isinstance(flow, Mapping):
            yield _error("document", "a flow must be a JSON object")
            return
        if flow.get("Version") != FLOW_LANGUAGE_VERSION:
            yield _error("version", f"Version must be {FLOW_LANGUAGE_VERSION!r}, got {flow.get('Version')!r}")
        for key in ("modules", "branches"):
            if key in flow:
                yield _error("old-format", f"{key!r} belongs to the old console-export format")
        actions = flow.get("Actions")
        if not isinstance(actions, list) or not actions:
            yield _error("actions", "Actions must be a non-empty list")
        elif len(actions) > MAX_ACTIONS:
            yield _error("too-many-actions", f"{len(actions)} actions exceed the limit of {MAX_ACTIONS}")
        metadata = flow.get("Metadata")
        if metadata is not None and not isinstance(metadata, Mapping):
            yield _error("metadata", "Metadata must be an object")

    def _action(self, action: Mapping[str, Any], identifiers: set[str]) -> Iterator[_Raw]:
        name = action.get("Type")
        spec = ACTION_TYPES.get(name) if isinstance(name, str) else None
        if spec is None:
            yield _error("unknown-action-type", f"unknown action type {name!r}")
            return
        if self.flow_type not in spec.flow_types:
            yield _error("flow-type-unsupported", f"{name} is not supported in {self.flow_type} flows")
        parameters = action.get("Parameters", {})
        if not isinstance(parameters, Mapping):
            yield _error("parameter-type", "Parameters must be an object")
            parameters = {}
        yield from _parameter_problems(spec, parameters)
        transitions = action.get("Transitions")
        if not isinstance(transitions, Mapping):
            yield _error("transitions", "Transitions must be an object")
            return
        if spec.terminal:
            if transitions:
                yield _error("terminal-transitions", f"{name} ends the flow: Transitions must be {{}}")
            return
        yield from _transition_problems(spec, parameters, transitions, identifiers, self.flow_type)


def _identifier_problems(identifier: str) -> Iterator[_Raw]:
    if not identifier:
        yield _error("identifier", "Identifier must not be empty")
    if len(identifier) > MAX_IDENTIFIER_LENGTH:
        yield _error("identifier", f"Identifier is longer than {MAX_IDENTIFIER_LENGTH} characters")
    bad = sorted(set(identifier) & FORBIDDEN_IDENTIFIER_CHARACTERS)
    if bad:
        yield _error("identifier", f"Identifier contains forbidden character(s) {' '.join(bad)}")
    if identifier in FORBIDDEN_IDENTIFIERS:
        yield _error("identifier", f"Identifier {identifier!r} is a reserved name")


# --- parameters ----------------------------------------------------------------------------------


def _parameter_problems(spec: ActionType, parameters: Mapping[str, Any]) -> Iterator[_Raw]:
    yield from _fields_problems(spec.parameters, parameters, prefix="", owner=spec.name)
    for group in spec.exactly_one_of:
        given = sorted(group & set(parameters))
        if len(given) != 1:
            yield _error(
                "exactly-one-of",
                f"exactly one of {', '.join(sorted(group))} must be given, got {', '.join(given) or 'none'}",
            )
    for group in spec.at_most_one_of:
        given = sorted(group & set(parameters))
        if len(given) > 1:
            yield _error(
                "at-most-one-of", f"at most one of {', '.join(sorted(group))}, got {', '.join(given)}"
            )
    for check in spec.cross_checks:
        for severity, rule, message in check(parameters):
            yield Severity(severity), rule, message


def _fields_problems(
    specs: tuple[Param, ...] | None, values: Mapping[str, Any], *, prefix: str, owner: str
) -> Iterator[_Raw]:
    """Unknown, missing and malformed keys of a parameter object (``specs`` None: any keys)."""
    if specs is None:
        for key, value in values.items():
            yield from _free_value_problems(f"{prefix}{key}", value)
        return
    known = {param.name: param for param in specs}
    for key in values:
        if key not in known:
            where = f"{prefix.rstrip('.')} " if prefix else ""
            yield _error(
                "unknown-parameter", f"unknown parameter {where}{key!s} for {owner}".replace("  ", " ")
            )
    for param in specs:
        if param.name not in values:
            if param.required:
                yield _error("required-parameter", f"parameter {prefix}{param.name} is required")
            continue
        yield from _value_problems(param, values[param.name], f"{prefix}{param.name}", owner)


def _value_problems(param: Param, value: Any, path: str, owner: str) -> Iterator[_Raw]:
    if param.kind is Kind.ANY:
        return
    if param.kind in STRING_KINDS and isinstance(value, str):
        yield from _string_problems(param, value, path)
    elif param.kind is Kind.MAP and isinstance(value, Mapping):
        yield from _map_problems(param, value, path)
    elif param.kind is Kind.OBJECT and isinstance(value, Mapping):
        yield from _fields_problems(param.fields, value, prefix=f"{path}.", owner=owner)
    elif param.kind is Kind.LIST and isinstance(value, list):
        yield from _list_problems(param, value, path, owner)
    else:
        wanted = (
            "a string" if param.kind in STRING_KINDS else "a list" if param.kind is Kind.LIST else "an object"
        )
        yield _error("parameter-type", f"parameter {path} must be {wanted}, got {type(value).__name__}")


def _map_problems(param: Param, value: Mapping[str, Any], path: str) -> Iterator[_Raw]:
    if param.required and not value:
        yield _error("required-parameter", f"parameter {path} must not be empty")
    for key, item in value.items():
        if not isinstance(item, str):
            yield _error("parameter-type", f"parameter {path}.{key} must be a string")
        else:
            # Accepted flows mix references and text in map values (acme_contact_flow_module:
            # "$.Attributes.Journey >> went_through_module"): only the namespaces are checked.
            yield from _references_problems(item, f"{path}.{key}")


def _list_problems(param: Param, value: list[Any], path: str, owner: str) -> Iterator[_Raw]:
    if param.required and not value:
        yield _error("required-parameter", f"parameter {path} must not be empty")
    for index, item in enumerate(value):
        if param.fields is not None and isinstance(item, Mapping):
            yield from _fields_problems(param.fields, item, prefix=f"{path}[{index}].", owner=owner)
        else:
            yield from _free_value_problems(f"{path}[{index}]", item)


def _free_value_problems(path: str, value: Any) -> Iterator[_Raw]:
    """References inside an undocumented structure: only the namespace is checked."""
    if isinstance(value, str):
        yield from _references_problems(value, path)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _free_value_problems(f"{path}.{key}", item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _free_value_problems(f"{path}[{index}]", item)


def _string_problems(param: Param, value: str, path: str) -> Iterator[_Raw]:
    if param.required and not value.strip():
        yield _error("required-parameter", f"parameter {path} must not be empty")
        return
    if is_opaque(value):
        return
    references = REFERENCE_RE.findall(value)
    if param.kind is Kind.STATIC and references:
        yield _error("static-parameter", f"parameter {path} must be set statically, not from {references[0]}")
        return
    if param.kind is Kind.REFERENCE and not is_reference(value):
        yield _error("reference-parameter", f"parameter {path} must be exactly one JSONPath reference")
        return
    if param.kind is Kind.DYNAMIC and references and not is_reference(value):
        yield _error("dynamic-parameter", f"parameter {path} must be static or exactly one JSONPath")
        return
    yield from _references_problems(value, path)
    if references and param.kind is not Kind.STATIC:
        return  # a dynamic value: its static rules apply at run time
    if param.values is not None and value not in param.values:
        yield _error(
            "parameter-value", f"parameter {path} is {value!r}, not one of {', '.join(sorted(param.values))}"
        )
    if param.integer is not None:
        low, high = param.integer
        if not _INTEGER_RE.fullmatch(value.strip()) or not low <= int(value) <= high:
            yield _error("parameter-value", f"parameter {path} must be an integer from {low} to {high}")


def _references_problems(value: str, path: str) -> Iterator[_Raw]:
    for reference in REFERENCE_RE.findall(value):
        reason = classify_reference(reference)
        if reason is not None:
            yield _warning("unknown-reference", f"parameter {path} reads {reference}: {reason}")


# --- transitions ---------------------------------------------------------------------------------


def _transition_problems(
    spec: ActionType,
    parameters: Mapping[str, Any],
    transitions: Mapping[str, Any],
    identifiers: set[str],
    flow_type: str,
) -> Iterator[_Raw]:
    unknown = sorted(set(transitions) - {"NextAction", "Errors", "Conditions"})
    if unknown:
        yield _error("transitions", f"unknown transition field(s) {', '.join(unknown)}")
    next_action = transitions.get("NextAction")
    if next_action is None and not transitions and flow_type in SELF_ENDING_FLOW_TYPES:
        # Connect accepted acme_hold (AGENT_HOLD) whose MessageParticipantIteratively has
        # ``Transitions: {}``: in a hold, whisper or queue flow the run simply ends there.
        yield _warning("flow-ends-here", "no Transitions: the flow ends after this action")
    elif next_action is None:
        yield _error("next-action", "NextAction is required")
    elif not isinstance(next_action, str) or next_action not in identifiers:
        yield _error("dangling-transition", f"NextAction {next_action!r} is not an action of the flow")
    conditions = transitions.get("Conditions", [])
    if not isinstance(conditions, list):
        yield _error("transitions", "Conditions must be a list")
        conditions = []
    yield from _condition_problems(spec, parameters, conditions, identifiers)
    errors = transitions.get("Errors", [])
    if not isinstance(errors, list):
        yield _error("transitions", "Errors must be a list")
        errors = []
    yield from _error_problems(spec, parameters, errors, identifiers)


def _condition_problems(
    spec: ActionType, parameters: Mapping[str, Any], conditions: list[Any], identifiers: set[str]
) -> Iterator[_Raw]:
    rule = spec.conditions
    if rule is None:
        if conditions:
            yield _error("conditions-unsupported", f"{spec.name} does not support Conditions")
        return
    if rule.required and not conditions:
        yield _error("conditions-required", f"{spec.name} needs at least one condition")
    operands_seen: list[str] = []
    for index, condition in enumerate(conditions):
        target = condition.get("NextAction") if isinstance(condition, Mapping) else None
        if not isinstance(target, str) or target not in identifiers:
            yield _error("dangling-transition", f"Conditions[{index}] goes to {target!r}, not an action")
        yield from _one_condition(spec, rule, index, condition, operands_seen)
    pairs = [(str(op), str(operand)) for op, operand in map(condition_parts, conditions)]
    for check in spec.condition_checks:
        for severity, rule_id, message in check(parameters, pairs):
            yield Severity(severity), rule_id, message
    dynamic = any(is_opaque(operand) or is_reference(operand) for operand in operands_seen)
    if (
        rule.exhaustive
        and rule.operands is not None
        and not dynamic
        and sorted(operands_seen) != sorted(rule.operands)
    ):
        yield _error(
            "conditions-exhaustive",
            f"conditions must be exactly one each of {', '.join(sorted(rule.operands))}",
        )


def _one_condition(
    spec: ActionType, rule: Conditions, index: int, condition: Any, operands_seen: list[str]
) -> Iterator[_Raw]:
    """Operator and operand of one condition; its operand is added to ``operands_seen``."""
    operator, operand = condition_parts(condition)
    if not isinstance(operator, str) or operator not in OPERATORS:
        yield _error("operator", f"Conditions[{index}]: {operator!r} is not a Flow-language operator")
        return
    if operator not in rule.operators:
        allowed = ", ".join(sorted(rule.operators))
        yield _error("operator", f"Conditions[{index}]: {spec.name} allows {allowed}, not {operator}")
    if not isinstance(operand, str):
        yield _error("operand", f"Conditions[{index}] needs exactly one string operand")
        return
    operands_seen.append(operand)
    if is_reference(operand):
        yield from _references_problems(operand, f"Conditions[{index}]")
        return
    if is_opaque(operand):
        return
    if not rule.operand_allowed(operand):
        yield _error("operand", f"Conditions[{index}]: operand {operand!r} is not allowed for {spec.name}")
    elif OPERATORS[operator].numeric and operand.strip() and as_number(operand) is None:
        yield _error("operand", f"Conditions[{index}]: {operator} needs a number, got {operand!r}")


def _error_problems(
    spec: ActionType,
    parameters: Mapping[str, Any],
    errors: list[Any],
    identifiers: set[str],
) -> Iterator[_Raw]:
    possible = spec.possible_errors(parameters)
    given: list[str] = []
    for index, error in enumerate(errors):
        if not isinstance(error, Mapping) or not isinstance(error.get("ErrorType"), str):
            yield _error("error-branch", f"Errors[{index}] needs an ErrorType")
            continue
        error_type = error["ErrorType"]
        given.append(error_type)
        if error_type not in possible:
            raised = ", ".join(sorted(possible)) or "nothing"
            yield _error("error-type", f"{spec.name} cannot raise {error_type} (it raises {raised})")
        if not isinstance(error.get("NextAction"), str) or error["NextAction"] not in identifiers:
            yield _error(
                "dangling-transition",
                f"error {error_type} goes to {error.get('NextAction')!r}, not an action",
            )
    for duplicate in sorted({item for item in given if given.count(item) > 1}):
        yield _error("error-branch", f"error type {duplicate} has more than one branch")
    # Risky but legal: an error that can happen with no branch to take.
    catch_all = NO_MATCHING_ERROR in given
    for error_type in sorted(possible - set(given)):
        if error_type == NO_MATCHING_CONDITION:
            continue  # without its branch, an unmatched value takes NextAction
        if error_type == INPUT_TIME_LIMIT_EXCEEDED:
            yield _warning("input-timeout", f"no {error_type} branch: a silent caller takes the error path")
            continue
        if error_type == NO_MATCHING_ERROR or not catch_all:
            yield _warning(
                "missing-error-branch", f"{spec.name} can fail with {error_type} and has no branch"
            )
