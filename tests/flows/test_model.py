"""The Flow-language model: every action type's documented example is a valid flow, and the model is
the only table of action types.

Each example flow is built from the model alone (``example`` parameters and ``example_conditions``),
so the model and the checker are checked against each other: an example the checker rejects is a
mistake in one of the two.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from flowlang import check_flow
from flowlang.actions import ACTION_TYPES, contact, flow_control, interactions, participant
from flowlang.model import ActionType, Category, FlowType, Kind, Param

ROOT = Path(__file__).resolve().parents[2]
FLOW_TYPE_NAMES = {
    "CONTACT_FLOW",
    "CUSTOMER_QUEUE",
    "CUSTOMER_HOLD",
    "CUSTOMER_WHISPER",
    "AGENT_HOLD",
    "AGENT_WHISPER",
    "OUTBOUND_WHISPER",
    "AGENT_TRANSFER",
    "QUEUE_TRANSFER",
    "CAMPAIGN",
    "FLOW_MODULE",
}
DOC_PREFIX = "https://docs.aws.amazon.com/connect/"
#: Files allowed to name many action types: the model itself, and the simulator's handler table (a
#: test of the simulator proves its keys equal the registry's).
TABLE_OWNERS = ("flowlang/actions/", "simulator/flow_actions.py")
#: More distinct action-type names than this in one module is a second table of action types.
MAX_NAMES_OUTSIDE_MODEL = 5

NAMES = sorted(ACTION_TYPES)


def flow_type_for(spec: ActionType) -> FlowType:
    """CONTACT_FLOW when the action is supported there, else the first supported type in enum order."""
    if FlowType.CONTACT_FLOW in spec.flow_types:
        return FlowType.CONTACT_FLOW
    return next(flow_type for flow_type in FlowType if flow_type in spec.flow_types)


def end_action(flow_type: FlowType) -> dict[str, Any]:
    """A disconnect where the flow type allows one, else the end of the flow."""
    end_type = (
        "DisconnectParticipant"
        if flow_type in ACTION_TYPES["DisconnectParticipant"].flow_types
        else "EndFlowExecution"
    )
    return {"Identifier": "end", "Type": end_type, "Parameters": {}, "Transitions": {}}


def example_flow(spec: ActionType, flow_type: FlowType | None = None) -> tuple[dict[str, Any], FlowType]:
    """The action's documented example as a flow: every outcome (next, conditions, errors) goes to the end."""
    flow_type = flow_type_for(spec) if flow_type is None else flow_type
    step: dict[str, Any] = {
        "Identifier": "example",
        "Type": spec.name,
        "Parameters": dict(spec.example),
        "Transitions": {},
    }
    actions = [step]
    if not spec.terminal:
        transitions: dict[str, Any] = {"NextAction": "end"}
        if spec.example_conditions:
            transitions["Conditions"] = [
                {"NextAction": "end", "Condition": {"Operator": operator, "Operands": [operand]}}
                for operator, operand in spec.example_conditions
            ]
        errors = sorted(spec.possible_errors(spec.example))
        if errors:
            transitions["Errors"] = [{"ErrorType": error, "NextAction": "end"} for error in errors]
        step["Transitions"] = transitions
        actions.append(end_action(flow_type))
    return {"Version": "2019-10-30", "StartAction": "example", "Actions": actions}, flow_type


@pytest.mark.parametrize("name", NAMES)
def test_the_documented_example_is_a_valid_flow(name: str) -> None:
    spec = ACTION_TYPES[name]
    flow, flow_type = example_flow(spec)
    assert check_flow(flow, flow_name=f"example-{name}", flow_type=flow_type) == []


@pytest.mark.parametrize("name", NAMES)
def test_the_example_is_valid_in_every_supported_flow_type(name: str) -> None:
    spec = ACTION_TYPES[name]
    for flow_type in sorted(spec.flow_types):
        flow, _ = example_flow(spec, flow_type)
        assert check_flow(flow, flow_name=f"example-{name}", flow_type=flow_type) == [], flow_type


@pytest.mark.parametrize("name", NAMES)
def test_an_action_type_is_refused_outside_its_flow_types(name: str) -> None:
    spec = ACTION_TYPES[name]
    for flow_type in sorted(set(FlowType) - spec.flow_types):
        flow, _ = example_flow(spec, flow_type)
        rules = {
            (f.action, f.rule) for f in check_flow(flow, flow_name=f"example-{name}", flow_type=flow_type)
        }
        assert ("example", "flow-type-unsupported") in rules, flow_type


def test_there_are_56_action_types_in_four_categories() -> None:
    assert len(ACTION_TYPES) == 56
    assert {spec.category for spec in ACTION_TYPES.values()} == set(Category)


def test_registry_names_are_the_action_types_names() -> None:
    assert all(name == spec.name for name, spec in ACTION_TYPES.items())
    defined = [
        spec.name for module in (participant, flow_control, contact, interactions) for spec in module.ACTIONS
    ]
    assert len(defined) == len(set(defined)) == len(ACTION_TYPES)


@pytest.mark.parametrize("name", NAMES)
def test_an_action_type_is_documented(name: str) -> None:
    spec = ACTION_TYPES[name]
    assert spec.doc.startswith(DOC_PREFIX), spec.doc
    assert re.fullmatch(r"https://docs\.aws\.amazon\.com/connect/\S+\.html", spec.doc), spec.doc
    assert spec.summary.strip()


def all_params(params: tuple[Param, ...] | None) -> list[Param]:
    """Every parameter, and every key of an object or list parameter, at any depth."""
    found: list[Param] = []
    for param in params or ():
        found.append(param)
        found.extend(all_params(param.fields))
    return found


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_well_formed(name: str) -> None:
    spec = ACTION_TYPES[name]
    params = all_params(spec.parameters)
    assert all(isinstance(param.kind, Kind) for param in params)
    top_level = [param.name for param in spec.parameters]
    assert len(top_level) == len(set(top_level)), "a parameter is declared twice"
    for param in params:
        if param.integer is not None:
            low, high = param.integer
            assert low <= high, param.name
    for group in (*spec.exactly_one_of, *spec.at_most_one_of):
        assert group <= set(top_level), group


@pytest.mark.parametrize("name", NAMES)
def test_example_parameters_are_declared(name: str) -> None:
    spec = ACTION_TYPES[name]
    declared = {param.name for param in spec.parameters}
    assert set(spec.example) <= declared, sorted(set(spec.example) - declared)


@pytest.mark.parametrize("name", NAMES)
def test_flow_types_and_conditions_come_from_the_model(name: str) -> None:
    spec = ACTION_TYPES[name]
    assert spec.flow_types, "an action type must be supported somewhere"
    assert {str(flow_type) for flow_type in spec.flow_types} <= FLOW_TYPE_NAMES
    if spec.example_conditions:
        assert spec.conditions is not None, "example conditions on an action without conditions"
    if spec.terminal:
        assert not spec.example_conditions
        assert not spec.possible_errors(spec.example)


def test_there_are_exactly_the_eleven_flow_types() -> None:
    assert {str(flow_type) for flow_type in FlowType} == FLOW_TYPE_NAMES


def action_names_in(text: str) -> set[str]:
    return {name for name in ACTION_TYPES if f'"{name}"' in text or f"'{name}'" in text}


def modules_outside_the_model() -> list[Path]:
    files = sorted([*(ROOT / "flowlang").rglob("*.py"), *(ROOT / "simulator").rglob("*.py")])
    return [
        path
        for path in files
        if not any(path.relative_to(ROOT).as_posix().startswith(owner) for owner in TABLE_OWNERS)
    ]


def test_the_model_is_the_only_table_of_action_types() -> None:
    modules = modules_outside_the_model()
    assert ROOT / "flowlang" / "checker.py" in modules
    assert ROOT / "simulator" / "flow_runtime.py" in modules
    tables = {
        path.relative_to(ROOT).as_posix(): sorted(names)
        for path in modules
        if len(names := action_names_in(path.read_text(encoding="utf-8"))) > MAX_NAMES_OUTSIDE_MODEL
    }
    assert tables == {}


def test_the_table_guard_sees_a_table() -> None:
    """The guard itself: the model's own modules and the simulator's handlers name many action types."""
    handlers = (ROOT / "simulator" / "flow_actions.py").read_text(encoding="utf-8")
    assert action_names_in(handlers) == set(ACTION_TYPES)
    contact = (ROOT / "flowlang" / "actions" / "contact.py").read_text(encoding="utf-8")
    assert len(action_names_in(contact)) > MAX_NAMES_OUTSIDE_MODEL
