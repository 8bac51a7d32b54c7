"""The flow checker: a valid flow has no findings, and each rule catches a minimal flow that breaks it.

Findings are compared by ``rule`` and ``severity`` (and the action they name), not by wording; each
broken case also says what its message must name (the parameter, error type, target, operator...)
so that a message stays useful. Errors are what Connect refuses or cannot run; warnings are legal
but risky (console exports Connect accepted have them) and never fail :func:`require_valid_flow`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from flowlang import (
    CONTACT_FLOW,
    CUSTOMER_QUEUE,
    Finding,
    FlowCheckError,
    Severity,
    check_flow,
    errors_of,
    require_valid_flow,
    warnings_of,
)
from flowlang.actions import ACTION_TYPES
from flowlang.model import (
    ALL_FLOW_TYPES,
    FORBIDDEN_IDENTIFIER_CHARACTERS,
    FORBIDDEN_IDENTIFIERS,
    HOLD_FLOW_TYPES,
    MAX_ACTIONS,
    MAX_IDENTIFIER_LENGTH,
    WHISPER_FLOW_TYPES,
    FlowType,
)

Flow = dict[str, Any]
ERROR = Severity.ERROR
WARNING = Severity.WARNING
ROOT = Path(__file__).resolve().parents[2]
FLOW_NAME = "test-flow"

BYE = {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
#: Where a disconnect is not allowed (whisper, hold, campaign flows), the flow ends instead.
END = {"Identifier": "bye", "Type": "EndFlowExecution", "Parameters": {}, "Transitions": {}}
#: Flow types whose run may simply stop after an action with ``Transitions: {}``.
SELF_ENDING = HOLD_FLOW_TYPES | WHISPER_FLOW_TYPES | {FlowType.CUSTOMER_QUEUE}


# --- minimal flows ---------------------------------------------------------------------------------------


def on_error(*error_types: str, target: str = "bye") -> list[dict[str, str]]:
    return [{"ErrorType": error_type, "NextAction": target} for error_type in error_types]


def condition(operator: str, operand: str, target: str = "bye") -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": operator, "Operands": [operand]}}


def flow_of(first: dict[str, Any], *more: dict[str, Any], end: dict[str, Any] = BYE) -> Flow:
    """A flow that starts at ``first``; ``bye`` (a disconnect, or ``end``) is always there to go to."""
    return {"Version": "2019-10-30", "StartAction": first["Identifier"], "Actions": [first, *more, end]}


def alone(only: dict[str, Any]) -> Flow:
    """A flow of one action."""
    return {"Version": "2019-10-30", "StartAction": only["Identifier"], "Actions": [only]}


def action(action_type: str, parameters: Any, **transitions: Any) -> dict[str, Any]:
    return {"Identifier": "step", "Type": action_type, "Parameters": parameters, "Transitions": transitions}


def wired(action_type: str, parameters: Any, **transitions: Any) -> dict[str, Any]:
    """An action with NextAction and a branch for every error the model says it can raise."""
    possible = ACTION_TYPES[action_type].possible_errors(parameters if isinstance(parameters, dict) else {})
    transitions.setdefault("NextAction", "bye")
    transitions.setdefault("Errors", on_error(*sorted(possible)))
    return action(action_type, parameters, **transitions)


def message(text: str = "안녕하세요.", **transitions: Any) -> dict[str, Any]:
    return wired("MessageParticipant", {"Text": text}, **transitions)


def lambda_call(**overrides: Any) -> dict[str, Any]:
    parameters: dict[str, Any] = {
        "LambdaFunctionARN": "%ContactFlowFunctionArn%",
        "InvocationTimeLimitSeconds": "8",
        "InvocationType": "SYNCHRONOUS",
        "LambdaInvocationAttributes": {"action": "lookup_customer"},
        "ResponseValidation": {"ResponseType": "STRING_MAP"},
    }
    parameters.update(overrides)
    return wired("InvokeLambdaFunction", {k: v for k, v in parameters.items() if v is not None})


def compare(value: str = "$.External.result", conditions: Any = None) -> dict[str, Any]:
    return wired(
        "Compare",
        {"ComparisonValue": value},
        Conditions=[condition("Equals", "ok")] if conditions is None else conditions,
    )


def key_input(parameters: dict[str, Any] | None = None, **transitions: Any) -> dict[str, Any]:
    """A DTMF menu (StoreInput False): one key to branch on."""
    values = {"Text": "1번을 눌러 주세요.", "InputTimeLimitSeconds": "5", "StoreInput": "False"}
    values.update(parameters or {})
    transitions.setdefault("Conditions", [condition("Equals", "1")])
    transitions.setdefault(
        "Errors", on_error("InputTimeLimitExceeded", "NoMatchingCondition", "NoMatchingError")
    )
    return wired("GetParticipantInput", values, **transitions)


def stored_input(validation: Any = None, **transitions: Any) -> dict[str, Any]:
    """A stored-input block (StoreInput True), as the callback number entry asks for a number."""
    parameters: dict[str, Any] = {
        "Text": "휴대전화 번호를 입력해 주세요.",
        "InputTimeLimitSeconds": "120",
        "StoreInput": "True",
        "InputValidation": {"CustomValidation": {"MaximumLength": "20"}}
        if validation is None
        else validation,
    }
    return wired("GetParticipantInput", parameters, **transitions)


def lex(parameters: dict[str, Any] | None = None, **transitions: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "Text": "무엇을 도와드릴까요?",
        "LexV2Bot": {"AliasArn": "%LexBotAliasArn%"},
        "LexSessionAttributes": {"channel": "$.Channel"},
    }
    values.update(parameters or {})
    transitions.setdefault("Conditions", [condition("Equals", "TalkToAgent")])
    return wired(
        "ConnectParticipantWithLexBot", {k: v for k, v in values.items() if v is not None}, **transitions
    )


def hours(conditions: list[Any]) -> dict[str, Any]:
    return wired(
        "CheckHoursOfOperation", {"HoursOfOperationId": "%HoursOfOperationArn%"}, Conditions=conditions
    )


def loop(count: Any = "1", conditions: list[Any] | None = None, **transitions: Any) -> dict[str, Any]:
    default = [condition("Equals", "ContinueLooping"), condition("Equals", "DoneLooping")]
    return wired(
        "Loop", {"LoopCount": count}, Conditions=default if conditions is None else conditions, **transitions
    )


def transfer(errors: list[Any]) -> dict[str, Any]:
    return action("TransferContactToQueue", {}, NextAction="bye", Errors=errors)


def staffing(conditions: list[Any], metric: str = "NumberOfAgentsStaffed") -> dict[str, Any]:
    return wired("CheckMetricData", {"MetricType": metric}, Conditions=conditions)


def waiting(parameters: dict[str, Any], conditions: list[Any] | None = None) -> dict[str, Any]:
    default = [condition("Equals", "WaitCompleted")]
    return wired("Wait", parameters, Conditions=default if conditions is None else conditions)


def loop_prompts(messages: Any, **transitions: Any) -> dict[str, Any]:
    return wired("MessageParticipantIteratively", {"Messages": messages}, **transitions)


def mutate(flow: Flow, change: Callable[[Flow], Any]) -> Flow:
    broken = copy.deepcopy(flow)
    change(broken)
    return broken


def findings(flow: Any, flow_type: str = CONTACT_FLOW) -> list[Finding]:
    return check_flow(flow, flow_name=FLOW_NAME, flow_type=flow_type)


def keys(found: list[Finding]) -> list[tuple[str | None, str, Severity]]:
    return [(finding.action, finding.rule, finding.severity) for finding in found]


BASE = flow_of(message())


# --- valid flows have no findings ------------------------------------------------------------------------

VALID_FLOWS: list[tuple[str, Flow, str]] = [
    ("message", BASE, CONTACT_FLOW),
    (
        "message reading references",
        flow_of(message("번호는 $.External.referenceSpoken 입니다.")),
        CONTACT_FLOW,
    ),
    ("lambda", flow_of(lambda_call()), CONTACT_FLOW),
    (
        "lambda without InvocationType and ResponseValidation",
        flow_of(lambda_call(InvocationType=None, ResponseValidation=None)),
        CONTACT_FLOW,
    ),
    (
        "lambda ASYNCHRONOUS up to 60 s",
        flow_of(lambda_call(InvocationType="ASYNCHRONOUS", InvocationTimeLimitSeconds="60")),
        CONTACT_FLOW,
    ),
    (
        "lambda with an empty Conditions list (SCV exports)",
        flow_of({**lambda_call(), "Transitions": {**lambda_call()["Transitions"], "Conditions": []}}),
        CONTACT_FLOW,
    ),
    ("compare", flow_of(compare()), CONTACT_FLOW),
    (
        "compare without a NoMatchingCondition branch (unmatched takes NextAction)",
        flow_of(
            wired(
                "Compare",
                {"ComparisonValue": "$.Attributes.x"},
                Conditions=[condition("Equals", "a")],
                Errors=[],
            )
        ),
        CONTACT_FLOW,
    ),
    ("key input", flow_of(key_input()), CONTACT_FLOW),
    ("key input with no conditions (a timed pause)", flow_of(key_input(Conditions=[])), CONTACT_FLOW),
    ("stored input, custom validation", flow_of(stored_input()), CONTACT_FLOW),
    (
        "stored input, local phone number",
        flow_of(stored_input({"PhoneNumberValidation": {"NumberFormat": "Local", "CountryCode": "KR"}})),
        CONTACT_FLOW,
    ),
    (
        "stored input, E.164 phone number",
        flow_of(stored_input({"PhoneNumberValidation": {"NumberFormat": "E164"}})),
        CONTACT_FLOW,
    ),
    (
        "stored input, encrypted",
        flow_of(
            wired(
                "GetParticipantInput",
                {
                    "Text": "카드 번호를 입력해 주세요.",
                    "InputTimeLimitSeconds": "10",
                    "StoreInput": "True",
                    "InputValidation": {"CustomValidation": {"MaximumLength": "16"}},
                    "InputEncryption": {"EncryptionKeyId": "key-1", "Key": "%PublicKey%"},
                },
            )
        ),
        CONTACT_FLOW,
    ),
    ("lex", flow_of(lex()), CONTACT_FLOW),
    (
        "lex alias from a flow attribute with '-' in its name",
        flow_of(lex({"LexV2Bot": {"AliasArn": "$.FlowAttributes.acme-lexbot"}})),
        CONTACT_FLOW,
    ),
    ("hours", flow_of(hours([condition("Equals", "True"), condition("Equals", "False")])), CONTACT_FLOW),
    ("loop", flow_of(loop()), CONTACT_FLOW),
    ("loop from an attribute", flow_of(loop("$.Attributes.surveySize")), CONTACT_FLOW),
    ("transfer", flow_of(transfer(on_error("QueueAtCapacity", "NoMatchingError"))), CONTACT_FLOW),
    (
        "transfer with a catch-all NoMatchingError only",
        flow_of(transfer(on_error("NoMatchingError"))),
        CONTACT_FLOW,
    ),
    (
        "transfer without Parameters (SCV exports)",
        flow_of(
            {
                "Identifier": "step",
                "Type": "TransferContactToQueue",
                "Transitions": transfer(on_error("QueueAtCapacity", "NoMatchingError"))["Transitions"],
            }
        ),
        CONTACT_FLOW,
    ),
    ("staffing", flow_of(staffing([condition("NumberGreaterThan", "0")])), CONTACT_FLOW),
    (
        "queue age",
        flow_of(staffing([condition("NumberGreaterOrEqualTo", "300")], "OldestContactInQueueAgeSeconds")),
        CONTACT_FLOW,
    ),
    (
        "loop prompts in a customer queue flow",
        flow_of(
            loop_prompts(
                [{"Text": "잠시만 기다려 주세요."}], NextAction="bye", Errors=on_error("NoMatchingError")
            ),
            end=END,
        ),
        CUSTOMER_QUEUE,
    ),
    (
        "MessageParticipant in a whisper flow",
        flow_of(message(), end=END),
        FlowType.CUSTOMER_WHISPER,
    ),
    (
        "references with '-', brackets and SIP headers",
        flow_of(
            wired(
                "UpdateContactAttributes",
                {
                    "Attributes": {
                        "bot": "$.FlowAttributes.acme-lexbot",
                        "pai": "$.Media.Sip.Headers.P-Asserted-Identity",
                        "region": "$['AwsRegion']",
                        "subtype": "$.SegmentAttributes['connect:Subtype']",
                    }
                },
            )
        ),
        CONTACT_FLOW,
    ),
]


@pytest.mark.parametrize(
    ("flow", "flow_type"), [(f, t) for _n, f, t in VALID_FLOWS], ids=[n for n, *_ in VALID_FLOWS]
)
def test_a_valid_flow_has_no_findings(flow: Flow, flow_type: str) -> None:
    assert findings(flow, flow_type) == []
    require_valid_flow(flow, flow_name=FLOW_NAME, flow_type=flow_type)


KNOWN_REFERENCES = [
    "$.Queue.Name",
    "$.Queue.OutboundCallerId.Address",
    "$.Lex.Slots.x",
    "$.Lex.IntentName",
    "$.Customer.x",
    "$.Customer.Asset.Status",
    "$.Agent.UserName",
    "$.Wisdom.SessionArn",
    "$.Attributes.customer-tier",
    "$.FlowAttributes.acme-lexbot",
    "$.External.result",
    "$.LambdaInvocation.InvocationId",
    "$.Metrics.Agents.Available.Count",
    "$.Channel",
    "$['AwsRegion']",
]


@pytest.mark.parametrize("reference", KNOWN_REFERENCES)
def test_a_documented_reference_has_no_finding(reference: str) -> None:
    as_value = flow_of(compare(reference))
    in_text = flow_of(message(f"확인 결과는 {reference} 입니다."))
    in_map = flow_of(lambda_call(LambdaInvocationAttributes={"value": reference}))
    for flow in (as_value, in_text, in_map):
        assert findings(flow) == []


PLACEHOLDERS = ["%QueueArn%", "${QueueArn}", "${Token[TOKEN.123]}"]


def placeholder_flows(value: str) -> dict[str, Flow]:
    """A placeholder in every kind of parameter: static, dynamic, reference, enumerated, integer."""
    return {
        "static enumerated (InvocationType)": flow_of(lambda_call(InvocationType=value)),
        "static integer (InvocationTimeLimitSeconds)": flow_of(lambda_call(InvocationTimeLimitSeconds=value)),
        "static enumerated (ResponseType)": flow_of(lambda_call(ResponseValidation={"ResponseType": value})),
        "static (StoreInput)": flow_of(key_input({"StoreInput": value})),
        "static integer (InputTimeLimitSeconds)": flow_of(key_input({"InputTimeLimitSeconds": value})),
        "dynamic (QueueId)": flow_of(wired("UpdateContactTargetQueue", {"QueueId": value})),
        "dynamic enumerated (CheckVoiceIdOption)": flow_of(
            wired("CheckVoiceId", {"CheckVoiceIdOption": value}, Conditions=[condition("Equals", "Enrolled")])
        ),
        "dynamic integer (LoopCount)": flow_of(loop(value)),
        "dynamic integer (Wait TimeoutSeconds)": flow_of(waiting({"TimeoutSeconds": value})),
        "reference (ComparisonValue)": flow_of(compare(value)),
        "map value (LambdaInvocationAttributes)": flow_of(
            lambda_call(LambdaInvocationAttributes={"q": value})
        ),
        "condition operand (DTMF key)": flow_of(key_input(Conditions=[condition("Equals", value)])),
        "condition operand (compare)": flow_of(compare(conditions=[condition("Equals", value)])),
        "condition operand (number)": flow_of(compare(conditions=[condition("NumberLessThan", value)])),
        "nested required (AliasArn)": flow_of(lex({"LexV2Bot": {"AliasArn": value}})),
    }


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
@pytest.mark.parametrize("where", sorted(placeholder_flows("%X%")))
def test_a_placeholder_is_an_opaque_value_of_any_kind(placeholder: str, where: str) -> None:
    assert findings(placeholder_flows(placeholder)[where]) == []


@pytest.mark.parametrize("flow_type", sorted(FlowType))
def test_every_flow_type_is_accepted(flow_type: str) -> None:
    flow = flow_of(wired("UpdateContactAttributes", {"Attributes": {"seen": "true"}}), end=END)
    assert findings(flow, flow_type) == []


def test_the_checker_takes_exactly_the_eleven_flow_types() -> None:
    # The checker accepts exactly the model's flow types.
    assert {
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
    } == ALL_FLOW_TYPES


@pytest.mark.parametrize("flow_type", ["INBOUND", "contact_flow", "CONTACT_FLOW_MODULE", ""])
def test_an_unknown_flow_type_is_an_error(flow_type: str) -> None:
    found = findings(BASE, flow_type)
    assert keys(found) == [(None, "flow-type", ERROR)]
    assert repr(flow_type) in found[0].message


# --- each rule catches its minimal broken flow -----------------------------------------------------------


class Broken(NamedTuple):
    """A flow that breaks one rule: the finding it must produce, and what its message must name."""

    case_id: str
    flow: Any
    action: str | None
    rule: str
    severity: Severity
    names: str
    flow_type: str = CONTACT_FLOW
    #: other rules the same flow rightly breaks (any other finding fails the case)
    also: tuple[str, ...] = ()


def many_messages(count: int) -> Flow:
    """``count`` actions: a chain of messages ending in a disconnect."""
    last = f"m{count - 1}"
    chain = [
        {
            **message(NextAction=f"m{i + 1}", Errors=on_error("NoMatchingError", target=last)),
            "Identifier": f"m{i}",
        }
        for i in range(count - 1)
    ]
    return {"Version": "2019-10-30", "StartAction": "m0", "Actions": [*chain, {**BYE, "Identifier": last}]}


def set_parameters(**parameters: Any) -> Callable[[Flow], None]:
    return lambda flow: flow["Actions"][0]["Parameters"].update(parameters)


def set_transitions(**transitions: Any) -> Callable[[Flow], None]:
    return lambda flow: flow["Actions"][0]["Transitions"].update(transitions)


MESSAGE_WITH_TRANSITIONS = message()["Transitions"]

BROKEN: list[Broken] = [
    # --- the document
    Broken("not an object", [], None, "document", ERROR, "object"),
    Broken(
        "version",
        mutate(BASE, lambda f: f.update(Version="2020-01-01")),
        None,
        "version",
        ERROR,
        "2020-01-01",
    ),
    Broken("no version", mutate(BASE, lambda f: f.pop("Version")), None, "version", ERROR, "2019-10-30"),
    Broken(
        "old console format: modules",
        mutate(BASE, lambda f: f.update(modules=[])),
        None,
        "old-format",
        ERROR,
        "modules",
    ),
    Broken(
        "old console format: branches",
        mutate(BASE, lambda f: f.update(branches=[])),
        None,
        "old-format",
        ERROR,
        "branches",
    ),
    Broken("no actions", mutate(BASE, lambda f: f.update(Actions=[])), None, "actions", ERROR, "Actions"),
    Broken("Actions missing", mutate(BASE, lambda f: f.pop("Actions")), None, "actions", ERROR, "Actions"),
    Broken(
        "Actions not a list", mutate(BASE, lambda f: f.update(Actions={})), None, "actions", ERROR, "Actions"
    ),
    Broken(
        "too many actions", many_messages(MAX_ACTIONS + 1), None, "too-many-actions", ERROR, str(MAX_ACTIONS)
    ),
    Broken(
        "Metadata not an object",
        mutate(BASE, lambda f: f.update(Metadata=[])),
        None,
        "metadata",
        ERROR,
        "Metadata",
    ),
    Broken(
        "StartAction missing",
        mutate(BASE, lambda f: f.pop("StartAction")),
        None,
        "start-action",
        ERROR,
        "StartAction",
    ),
    Broken(
        "StartAction unresolved",
        mutate(BASE, lambda f: f.update(StartAction="nowhere")),
        None,
        "start-action",
        ERROR,
        "nowhere",
    ),
    Broken("unknown flow type", BASE, None, "flow-type", ERROR, "INBOUND", "INBOUND"),
    # --- identifiers
    Broken(
        "duplicate identifier",
        mutate(BASE, lambda f: f["Actions"].append(copy.deepcopy(BYE))),
        "bye",
        "duplicate-identifier",
        ERROR,
        "Identifier",
    ),
    Broken(
        "identifier not a string",
        mutate(BASE, lambda f: f["Actions"].append({**BYE, "Identifier": 7})),
        None,
        "identifier",
        ERROR,
        "Actions[2]",
    ),
    Broken(
        "identifier empty", flow_of({**message(), "Identifier": ""}), "", "identifier", ERROR, "Identifier"
    ),
    Broken(
        "identifier too long",
        flow_of({**message(), "Identifier": "x" * (MAX_IDENTIFIER_LENGTH + 1)}),
        "x" * (MAX_IDENTIFIER_LENGTH + 1),
        "identifier",
        ERROR,
        str(MAX_IDENTIFIER_LENGTH),
    ),
    # --- action types and flow types
    Broken(
        "unknown type SetVoice",
        flow_of(action("SetVoice", {}, NextAction="bye")),
        "step",
        "unknown-action-type",
        ERROR,
        "SetVoice",
    ),
    Broken(
        "unknown type GetUserInput",
        flow_of(action("GetUserInput", {}, NextAction="bye")),
        "step",
        "unknown-action-type",
        ERROR,
        "GetUserInput",
    ),
    Broken(
        "Type missing",
        flow_of({"Identifier": "step", "Parameters": {}, "Transitions": {"NextAction": "bye"}}),
        "step",
        "unknown-action-type",
        ERROR,
        "None",
    ),
    Broken(
        "TransferContactToQueue in a customer whisper flow",
        flow_of(transfer(on_error("QueueAtCapacity", "NoMatchingError")), end=END),
        "step",
        "flow-type-unsupported",
        ERROR,
        "CUSTOMER_WHISPER",
        FlowType.CUSTOMER_WHISPER,
    ),
    Broken(
        "TransferContactToQueue in a customer queue flow",
        flow_of(transfer(on_error("QueueAtCapacity", "NoMatchingError"))),
        "step",
        "flow-type-unsupported",
        ERROR,
        "TransferContactToQueue",
        CUSTOMER_QUEUE,
    ),
    Broken(
        "loop prompts in a contact flow",
        flow_of(loop_prompts([{"Text": "잠시만 기다려 주세요."}])),
        "step",
        "flow-type-unsupported",
        ERROR,
        "MessageParticipantIteratively",
    ),
    Broken(
        "Return block outside a module",
        alone({"Identifier": "step", "Type": "EndFlowModuleExecution", "Parameters": {}, "Transitions": {}}),
        "step",
        "flow-type-unsupported",
        ERROR,
        "EndFlowModuleExecution",
    ),
    Broken(
        "disconnect in a hold flow",
        alone({**BYE, "Identifier": "step"}),
        "step",
        "flow-type-unsupported",
        ERROR,
        "AGENT_HOLD",
        FlowType.AGENT_HOLD,
    ),
    # --- parameters
    Broken(
        "Parameters not an object",
        flow_of(action("MessageParticipant", [], NextAction="bye", Errors=on_error("NoMatchingError"))),
        "step",
        "parameter-type",
        ERROR,
        "Parameters",
        also=("exactly-one-of",),
    ),
    Broken("boolean Text", mutate(BASE, set_parameters(Text=True)), "step", "parameter-type", ERROR, "Text"),
    Broken(
        "Text as an object",
        mutate(BASE, set_parameters(Text={"ko": "안녕하세요."})),
        "step",
        "parameter-type",
        ERROR,
        "Text",
    ),
    Broken(
        "lambda limit as a number",
        flow_of(lambda_call(InvocationTimeLimitSeconds=8)),
        "step",
        "parameter-type",
        ERROR,
        "InvocationTimeLimitSeconds",
    ),
    Broken(
        "map as a string",
        flow_of(lambda_call(LambdaInvocationAttributes="lookup")),
        "step",
        "parameter-type",
        ERROR,
        "LambdaInvocationAttributes",
    ),
    Broken(
        "map value not a string",
        flow_of(lambda_call(LambdaInvocationAttributes={"retries": 3})),
        "step",
        "parameter-type",
        ERROR,
        "retries",
    ),
    Broken(
        "object as a string",
        flow_of(lambda_call(ResponseValidation="JSON")),
        "step",
        "parameter-type",
        ERROR,
        "ResponseValidation",
    ),
    Broken(
        "list as a string",
        flow_of(loop_prompts("잠시만 기다려 주세요."), end=END),
        "step",
        "parameter-type",
        ERROR,
        "Messages",
        CUSTOMER_QUEUE,
    ),
    Broken(
        "two prompts",
        mutate(BASE, set_parameters(SSML="<speak>안녕하세요.</speak>")),
        "step",
        "exactly-one-of",
        ERROR,
        "SSML",
    ),
    Broken(
        "no prompt",
        mutate(BASE, lambda f: f["Actions"][0]["Parameters"].clear()),
        "step",
        "exactly-one-of",
        ERROR,
        "Text",
    ),
    Broken(
        "lex without a bot", flow_of(lex({"LexV2Bot": None})), "step", "exactly-one-of", ERROR, "LexV2Bot"
    ),
    Broken(
        "metrics of a queue and an agent",
        flow_of(wired("GetMetricData", {"QueueId": "%QueueArn%", "AgentId": "$.Agent.ARN"})),
        "step",
        "at-most-one-of",
        ERROR,
        "AgentId",
    ),
    Broken(
        "unknown parameter",
        mutate(BASE, set_parameters(Voice="Seoyeon")),
        "step",
        "unknown-parameter",
        ERROR,
        "Voice",
    ),
    Broken(
        "unknown nested parameter",
        flow_of(lambda_call(ResponseValidation={"ResponseType": "JSON", "Strict": "True"})),
        "step",
        "unknown-parameter",
        ERROR,
        "Strict",
    ),
    Broken(
        "unknown key of a list element",
        flow_of(loop_prompts([{"Text": "잠시만요.", "Voice": "Seoyeon"}]), end=END),
        "step",
        "unknown-parameter",
        ERROR,
        "Voice",
        CUSTOMER_QUEUE,
    ),
    Broken(
        "required parameter missing",
        flow_of(wired("TransferToFlow", {})),
        "step",
        "required-parameter",
        ERROR,
        "ContactFlowId",
    ),
    Broken(
        "required parameter empty",
        flow_of(wired("TransferToFlow", {"ContactFlowId": ""})),
        "step",
        "required-parameter",
        ERROR,
        "ContactFlowId",
    ),
    Broken(
        "required parameter blank",
        flow_of(wired("TransferToFlow", {"ContactFlowId": "  "})),
        "step",
        "required-parameter",
        ERROR,
        "ContactFlowId",
    ),
    Broken(
        "required map empty",
        flow_of(wired("TagContact", {"Tags": {}})),
        "step",
        "required-parameter",
        ERROR,
        "Tags",
    ),
    Broken(
        "required list empty",
        flow_of(wired("UnTagContact", {"TagKeys": []})),
        "step",
        "required-parameter",
        ERROR,
        "TagKeys",
    ),
    Broken(
        "required nested key missing",
        flow_of(lex({"LexV2Bot": {}})),
        "step",
        "required-parameter",
        ERROR,
        "AliasArn",
    ),
    Broken(
        "required nested key of an optional object",
        flow_of(lambda_call(ResponseValidation={})),
        "step",
        "required-parameter",
        ERROR,
        "ResponseType",
    ),
    Broken(
        "static-only parameter from a JSONPath",
        flow_of(lambda_call(InvocationTimeLimitSeconds="$.Attributes.limit")),
        "step",
        "static-parameter",
        ERROR,
        "InvocationTimeLimitSeconds",
    ),
    Broken(
        "StoreInput from a JSONPath",
        flow_of(key_input({"StoreInput": "$.Attributes.store"})),
        "step",
        "static-parameter",
        ERROR,
        "StoreInput",
    ),
    Broken(
        "static-only parameter embedding a JSONPath",
        flow_of(lambda_call(InvocationType="SYNC$.Attributes.mode")),
        "step",
        "static-parameter",
        ERROR,
        "InvocationType",
    ),
    Broken(
        "compare on a static value",
        flow_of(compare("VIP")),
        "step",
        "reference-parameter",
        ERROR,
        "ComparisonValue",
    ),
    Broken(
        "compare on text around a JSONPath",
        flow_of(compare("queue $.Channel")),
        "step",
        "reference-parameter",
        ERROR,
        "ComparisonValue",
    ),
    Broken(
        "queue id mixing text and a JSONPath",
        flow_of(wired("UpdateContactTargetQueue", {"QueueId": "queue-$.Attributes.queue"})),
        "step",
        "dynamic-parameter",
        ERROR,
        "QueueId",
    ),
    Broken(
        "value not allowed",
        flow_of(lambda_call(InvocationType="SYNC")),
        "step",
        "parameter-value",
        ERROR,
        "InvocationType",
    ),
    Broken(
        "nested value not allowed",
        flow_of(lambda_call(ResponseValidation={"ResponseType": "XML"})),
        "step",
        "parameter-value",
        ERROR,
        "ResponseType",
    ),
    Broken(
        "integer out of range (above)", flow_of(loop("101")), "step", "parameter-value", ERROR, "LoopCount"
    ),
    Broken(
        "integer out of range (below)", flow_of(loop("-1")), "step", "parameter-value", ERROR, "LoopCount"
    ),
    Broken("integer not a number", flow_of(loop("three")), "step", "parameter-value", ERROR, "LoopCount"),
    Broken(
        "input time limit zero",
        flow_of(key_input({"InputTimeLimitSeconds": "0"})),
        "step",
        "parameter-value",
        ERROR,
        "InputTimeLimitSeconds",
    ),
    Broken(
        "asynchronous lambda over 60 s",
        flow_of(lambda_call(InvocationType="ASYNCHRONOUS", InvocationTimeLimitSeconds="61")),
        "step",
        "parameter-value",
        ERROR,
        "InvocationTimeLimitSeconds",
    ),
    # --- transitions
    Broken(
        "Transitions missing",
        mutate(BASE, lambda f: f["Actions"][0].pop("Transitions")),
        "step",
        "transitions",
        ERROR,
        "Transitions",
        also=("unreachable",),
    ),
    Broken(
        "Transitions not an object",
        mutate(BASE, lambda f: f["Actions"][0].update(Transitions=[])),
        "step",
        "transitions",
        ERROR,
        "Transitions",
        also=("unreachable",),
    ),
    Broken(
        "unknown transition field",
        mutate(BASE, set_transitions(Default="bye")),
        "step",
        "transitions",
        ERROR,
        "Default",
    ),
    Broken(
        "Conditions not a list",
        flow_of(compare(conditions={})),
        "step",
        "transitions",
        ERROR,
        "Conditions",
        also=("conditions-required",),
    ),
    Broken(
        "Errors not a list",
        mutate(BASE, set_transitions(Errors={})),
        "step",
        "transitions",
        ERROR,
        "Errors",
        also=("missing-error-branch",),
    ),
    Broken(
        "terminal action with transitions",
        {**BASE, "Actions": [BASE["Actions"][0], {**BYE, "Transitions": {"NextAction": "step"}}]},
        "bye",
        "terminal-transitions",
        ERROR,
        "DisconnectParticipant",
    ),
    Broken(
        "end of flow with an error branch",
        flow_of(
            message(), end={**END, "Transitions": {"Errors": on_error("NoMatchingError", target="step")}}
        ),
        "bye",
        "terminal-transitions",
        ERROR,
        "EndFlowExecution",
    ),
    Broken(
        "NextAction missing",
        mutate(BASE, lambda f: f["Actions"][0]["Transitions"].pop("NextAction")),
        "step",
        "next-action",
        ERROR,
        "NextAction",
    ),
    Broken(
        "Transitions {} on a non-terminal action in a contact flow",
        alone(action("UpdateFlowLoggingBehavior", {"FlowLoggingBehavior": "Enabled"})),
        "step",
        "next-action",
        ERROR,
        "NextAction",
    ),
    Broken(
        "Transitions {} on a non-terminal action in a hold flow",
        alone(action("UpdateFlowLoggingBehavior", {"FlowLoggingBehavior": "Enabled"})),
        "step",
        "flow-ends-here",
        WARNING,
        "Transitions",
        FlowType.AGENT_HOLD,
    ),
    Broken(
        "loop prompts ending an agent hold flow (acme_hold)",
        alone(action("MessageParticipantIteratively", {"Messages": [{"Text": "잠시만 기다려 주세요."}]})),
        "step",
        "flow-ends-here",
        WARNING,
        "Transitions",
        FlowType.AGENT_HOLD,
        also=("missing-error-branch",),
    ),
    Broken(
        "NextAction unresolved",
        mutate(BASE, set_transitions(NextAction="gone")),
        "step",
        "dangling-transition",
        ERROR,
        "gone",
    ),
    Broken(
        "condition target unresolved",
        flow_of(compare(conditions=[condition("Equals", "ok", target="gone")])),
        "step",
        "dangling-transition",
        ERROR,
        "gone",
    ),
    Broken(
        "condition without a target",
        flow_of(compare(conditions=[{"Condition": {"Operator": "Equals", "Operands": ["ok"]}}])),
        "step",
        "dangling-transition",
        ERROR,
        "Conditions[0]",
    ),
    Broken(
        "error target unresolved",
        flow_of(message(Errors=on_error("NoMatchingError", target="gone"))),
        "step",
        "dangling-transition",
        ERROR,
        "gone",
    ),
    # --- conditions
    Broken(
        "conditions where none are supported",
        flow_of(message(Conditions=[condition("Equals", "x")])),
        "step",
        "conditions-unsupported",
        ERROR,
        "MessageParticipant",
    ),
    Broken(
        "compare without conditions",
        flow_of(compare(conditions=[])),
        "step",
        "conditions-required",
        ERROR,
        "Compare",
    ),
    Broken(
        "wait without conditions",
        flow_of(waiting({"TimeoutSeconds": "60"}, [])),
        "step",
        "conditions-required",
        ERROR,
        "Wait",
    ),
    Broken(
        "unknown operator",
        flow_of(compare(conditions=[condition("Matches", "ok")])),
        "step",
        "operator",
        ERROR,
        "Matches",
    ),
    Broken(
        "NumberGreaterThan on CheckHoursOfOperation",
        flow_of(hours([condition("NumberGreaterThan", "True"), condition("Equals", "False")])),
        "step",
        "operator",
        ERROR,
        "NumberGreaterThan",
        also=("operand",),
    ),
    Broken(
        "Equals on DistributeByPercentage",
        flow_of(wired("DistributeByPercentage", {}, Conditions=[condition("Equals", "50")])),
        "step",
        "operator",
        ERROR,
        "Equals",
    ),
    Broken(
        "key input on two digits",
        flow_of(key_input(Conditions=[condition("Equals", "12")])),
        "step",
        "operand",
        ERROR,
        "12",
    ),
    Broken(
        "percentage above 100",
        flow_of(wired("DistributeByPercentage", {}, Conditions=[condition("NumberLessThan", "101")])),
        "step",
        "operand",
        ERROR,
        "101",
    ),
    Broken(
        "number operator on a word",
        flow_of(compare(conditions=[condition("NumberGreaterThan", "many")])),
        "step",
        "operand",
        ERROR,
        "many",
    ),
    Broken(
        "two operands",
        flow_of(
            compare(
                conditions=[
                    {"NextAction": "bye", "Condition": {"Operator": "Equals", "Operands": ["a", "b"]}}
                ]
            )
        ),
        "step",
        "operand",
        ERROR,
        "Conditions[0]",
    ),
    Broken(
        "staffing compared with 1 (NumberOfAgents allows only NumberGreaterThan 0)",
        flow_of(staffing([condition("NumberGreaterThan", "1")])),
        "step",
        "operand",
        ERROR,
        "NumberOfAgentsStaffed",
    ),
    Broken(
        "available agents compared with Equals 0",
        flow_of(staffing([condition("Equals", "0")], "NumberOfAgentsAvailable")),
        "step",
        "operand",
        ERROR,
        "NumberOfAgentsAvailable",
    ),
    Broken(
        "hours without False",
        flow_of(hours([condition("Equals", "True")])),
        "step",
        "conditions-exhaustive",
        ERROR,
        "False",
    ),
    Broken(
        "hours with a value that is not allowed",
        flow_of(
            hours([condition("Equals", "True"), condition("Equals", "False"), condition("Equals", "Maybe")])
        ),
        "step",
        "operand",
        ERROR,
        "Maybe",
        also=("conditions-exhaustive",),
    ),
    Broken(
        "loop without DoneLooping",
        flow_of(loop(conditions=[condition("Equals", "ContinueLooping")])),
        "step",
        "conditions-exhaustive",
        ERROR,
        "DoneLooping",
    ),
    # --- errors
    Broken(
        "error branch without ErrorType",
        flow_of(message(Errors=[{"NextAction": "bye"}, *on_error("NoMatchingError")])),
        "step",
        "error-branch",
        ERROR,
        "Errors[0]",
    ),
    Broken(
        "two branches for one error",
        flow_of(message(Errors=on_error("NoMatchingError", "NoMatchingError"))),
        "step",
        "error-branch",
        ERROR,
        "NoMatchingError",
    ),
    Broken(
        "error type the action cannot raise",
        flow_of(message(Errors=on_error("NoMatchingError", "QueueAtCapacity"))),
        "step",
        "error-type",
        ERROR,
        "QueueAtCapacity",
    ),
    Broken(
        "loop with an error branch",
        flow_of(loop(Errors=on_error("NoMatchingError"))),
        "step",
        "error-type",
        ERROR,
        "NoMatchingError",
    ),
    Broken(
        "compare with NoMatchingError",
        mutate(
            flow_of(compare()), set_transitions(Errors=on_error("NoMatchingCondition", "NoMatchingError"))
        ),
        "step",
        "error-type",
        ERROR,
        "NoMatchingError",
    ),
    Broken(
        "NoMatchingCondition on stored input",
        flow_of(stored_input(Errors=on_error("NoMatchingError", "NoMatchingCondition"))),
        "step",
        "error-type",
        ERROR,
        "NoMatchingCondition",
    ),
    Broken(
        "InvalidPhoneNumber without PhoneNumberValidation",
        flow_of(stored_input(Errors=on_error("NoMatchingError", "InvalidPhoneNumber"))),
        "step",
        "error-type",
        ERROR,
        "InvalidPhoneNumber",
    ),
    Broken(
        "missing error branch is a warning",
        flow_of(message(Errors=[])),
        "step",
        "missing-error-branch",
        WARNING,
        "NoMatchingError",
    ),
    Broken(
        "transfer without its catch-all",
        flow_of(transfer(on_error("QueueAtCapacity"))),
        "step",
        "missing-error-branch",
        WARNING,
        "NoMatchingError",
    ),
    Broken(
        "key input without InputTimeLimitExceeded",
        flow_of(key_input(Errors=on_error("NoMatchingCondition", "NoMatchingError"))),
        "step",
        "input-timeout",
        WARNING,
        "InputTimeLimitExceeded",
    ),
    Broken(
        "lex without InputTimeLimitExceeded (console exports)",
        flow_of(lex(Errors=on_error("NoMatchingCondition", "NoMatchingError"))),
        "step",
        "input-timeout",
        WARNING,
        "InputTimeLimitExceeded",
    ),
    # --- reachability, Lex classic, references
    Broken(
        "unreachable action",
        mutate(BASE, lambda f: f["Actions"].append({**BYE, "Identifier": "orphan"})),
        "orphan",
        "unreachable",
        WARNING,
        "StartAction",
    ),
    Broken(
        "Lex classic",
        flow_of(
            lex(
                {"LexV2Bot": None, "LexBot": {"Name": "AcmeBot", "Region": "ap-northeast-2", "Alias": "live"}}
            )
        ),
        "step",
        "lex-classic",
        WARNING,
        "LexBot",
    ),
    Broken(
        "unknown namespace",
        flow_of(lambda_call(LambdaInvocationAttributes={"x": "$.Foo.bar"})),
        "step",
        "unknown-reference",
        WARNING,
        "$.Foo.bar",
    ),
    Broken(
        "unknown namespace in text",
        flow_of(message("안녕하세요 $.Foo.bar 님.")),
        "step",
        "unknown-reference",
        WARNING,
        "$.Foo.bar",
    ),
    Broken(
        "unknown field of a fixed namespace",
        flow_of(compare("$.Queue.Nme")),
        "step",
        "unknown-reference",
        WARNING,
        "$.Queue.Nme",
    ),
    Broken(
        "key below a leaf",
        flow_of(compare("$.Channel.Voice")),
        "step",
        "unknown-reference",
        WARNING,
        "$.Channel.Voice",
    ),
    Broken(
        "open namespace without a key",
        flow_of(compare("$.Attributes")),
        "step",
        "unknown-reference",
        WARNING,
        "$.Attributes",
    ),
    # --- the actions' own rules (cross checks and condition checks of the model)
    Broken(
        "stored input without InputValidation",
        mutate(flow_of(stored_input()), lambda f: f["Actions"][0]["Parameters"].pop("InputValidation")),
        "step",
        "input-validation",
        ERROR,
        "InputValidation",
    ),
    Broken(
        "InputValidation on a key choice",
        flow_of(key_input({"InputValidation": {"CustomValidation": {"MaximumLength": "1"}}})),
        "step",
        "input-validation",
        ERROR,
        "StoreInput",
    ),
    Broken(
        "both validations",
        flow_of(
            stored_input(
                {
                    "CustomValidation": {"MaximumLength": "20"},
                    "PhoneNumberValidation": {"NumberFormat": "E164"},
                },
                Errors=on_error("NoMatchingError", "InvalidPhoneNumber"),
            )
        ),
        "step",
        "input-validation",
        ERROR,
        "CustomValidation",
    ),
    Broken(
        "a local number without a country",
        flow_of(stored_input({"PhoneNumberValidation": {"NumberFormat": "Local"}})),
        "step",
        "input-validation",
        ERROR,
        "CountryCode",
    ),
    Broken(
        "encryption without custom validation",
        mutate(
            flow_of(stored_input({"PhoneNumberValidation": {"NumberFormat": "E164"}})),
            set_parameters(InputEncryption={"EncryptionKeyId": "key"}),
        ),
        "step",
        "input-encryption",
        ERROR,
        "CustomValidation",
    ),
    Broken(
        "conditions on stored input",
        flow_of(stored_input(Conditions=[condition("Equals", "1")])),
        "step",
        "conditions-unsupported",
        ERROR,
        "StoreInput",
    ),
    Broken(
        "loop prompts with an empty message",
        flow_of(loop_prompts([{}]), end=END),
        "step",
        "messages",
        ERROR,
        "Messages[0]",
        CUSTOMER_QUEUE,
    ),
    Broken(
        "loop prompts with no messages",
        flow_of(loop_prompts([]), end=END),
        "step",
        "messages",
        ERROR,
        "Messages",
        CUSTOMER_QUEUE,
        also=("required-parameter",),
    ),
    Broken(
        "two event hooks",
        flow_of(
            wired(
                "UpdateContactEventHooks",
                {"EventHooks": {"CustomerQueue": "%QueueFlowArn%", "CustomerHold": "%HoldFlowArn%"}},
            )
        ),
        "step",
        "event-hooks-one-entry",
        ERROR,
        "EventHooks",
    ),
    Broken(
        "recording a supervisor",
        flow_of(
            wired(
                "UpdateContactRecordingBehavior",
                {"RecordingBehavior": {"RecordedParticipants": ["Supervisor"]}},
            )
        ),
        "step",
        "recording-participants",
        ERROR,
        "Supervisor",
    ),
    Broken(
        "analytics recording only the agent",
        flow_of(
            wired(
                "UpdateContactRecordingBehavior",
                {
                    "RecordingBehavior": {"RecordedParticipants": ["Agent"]},
                    "AnalyticsBehavior": {"Enabled": "True"},
                },
            )
        ),
        "step",
        "analytics-needs-both-participants",
        ERROR,
        "AnalyticsBehavior",
    ),
    Broken(
        "streaming both ways written as one word",
        flow_of(
            wired(
                "UpdateContactMediaStreamingBehavior",
                {
                    "MediaStreamingState": "Enabled",
                    "Participants": [{"ParticipantType": "Customer", "MediaDirections": ["Both"]}],
                },
            )
        ),
        "step",
        "media-directions",
        ERROR,
        "MediaDirections",
    ),
    Broken(
        "unknown Polly engine",
        flow_of(
            wired(
                "UpdateContactTextToSpeechVoice",
                {"TextToSpeechVoice": "Seoyeon", "TextToSpeechEngine": "Turbo"},
            )
        ),
        "step",
        "tts-engine",
        WARNING,
        "Turbo",
    ),
    Broken(
        "task without a flow",
        flow_of(wired("CreateTask", {"Name": "콜백"})),
        "step",
        "task-flow",
        WARNING,
        "ContactFlowId",
    ),
    Broken(
        "dynamic tag key",
        flow_of(wired("UnTagContact", {"TagKeys": ["$.Attributes.tag"]})),
        "step",
        "tag-keys-static",
        ERROR,
        "TagKeys",
    ),
    Broken(
        "unknown wait event",
        flow_of(waiting({"TimeoutSeconds": "60", "Events": ["CustomerLeft"]})),
        "step",
        "wait-events",
        ERROR,
        "CustomerLeft",
    ),
    Broken(
        "routing criteria without steps",
        flow_of(wired("UpdateRoutingCriteria", {"RoutingCriteria": {"Steps": []}})),
        "step",
        "routing-steps",
        ERROR,
        "Steps",
    ),
    Broken(
        "routing step with an undocumented key",
        flow_of(
            wired(
                "UpdateRoutingCriteria", {"RoutingCriteria": {"Steps": [{"Expression": {}, "Priority": 1}]}}
            )
        ),
        "step",
        "routing-steps",
        WARNING,
        "Priority",
    ),
    Broken(
        "no flow attributes",
        flow_of(wired("UpdateFlowAttributes", {"FlowAttributes": {}})),
        "step",
        "flow-attributes",
        ERROR,
        "FlowAttributes",
    ),
    Broken(
        "flow attribute as a bare string",
        flow_of(wired("UpdateFlowAttributes", {"FlowAttributes": {"greeting": "안녕하세요"}})),
        "step",
        "flow-attributes",
        WARNING,
        "greeting",
    ),
    Broken(
        "profile search without a value",
        flow_of(wired("GetCustomerProfile", {"ProfileRequestData": {"IdentifierName": "_phone"}})),
        "step",
        "GetCustomerProfile.identifier",
        ERROR,
        "IdentifierValue",
    ),
    Broken(
        "profile search criteria without LogicalOperator",
        flow_of(
            wired(
                "GetCustomerProfile",
                {
                    "ProfileRequestData": {
                        "SearchCriteria": [
                            {"IdentifierName": "_phone", "IdentifierValue": "$.CustomerEndpoint.Address"}
                        ]
                    }
                },
            )
        ),
        "step",
        "GetCustomerProfile.criteria",
        ERROR,
        "LogicalOperator",
    ),
    Broken(
        "profile object without a way to find it",
        flow_of(
            wired(
                "GetCustomerProfileObject",
                {"ProfileRequestData": {"ProfileId": "$.Customer.ProfileId", "ObjectType": "_asset"}},
            )
        ),
        "step",
        "GetCustomerProfileObject.search",
        ERROR,
        "UseLatest",
    ),
    Broken(
        "unknown profile response field",
        flow_of(
            wired(
                "GetCustomerProfile",
                {
                    "ProfileRequestData": {
                        "IdentifierName": "_phone",
                        "IdentifierValue": "$.CustomerEndpoint.Address",
                    },
                    "ProfileResponseData": ["Nickname"],
                },
            )
        ),
        "step",
        "GetCustomerProfile.ProfileResponseData",
        WARNING,
        "Nickname",
    ),
    Broken(
        "unknown profile request field",
        flow_of(wired("CreateCustomerProfile", {"ProfileRequestData": {"Nickname": "$.Attributes.nick"}})),
        "step",
        "CreateCustomerProfile.ProfileRequestData",
        WARNING,
        "Nickname",
    ),
    Broken(
        "lambda without a time limit",
        flow_of(lambda_call(InvocationTimeLimitSeconds=None)),
        "step",
        "InvokeLambdaFunction.time-limit",
        WARNING,
        "InvocationTimeLimitSeconds",
    ),
    Broken(
        "synchronous lambda over 8 s",
        flow_of(lambda_call(InvocationTimeLimitSeconds="9")),
        "step",
        "InvokeLambdaFunction.time-limit",
        ERROR,
        "ASYNCHRONOUS",
    ),
    Broken(
        "callback without retry settings",
        flow_of(
            wired(
                "CreateCallbackContact",
                {"QueueId": "%QueueArn%", "InitialCallDelaySeconds": "5", "MaximumConnectionAttempts": "2"},
            )
        ),
        "step",
        "CreateCallbackContact.settings",
        WARNING,
        "RetryDelaySeconds",
    ),
]

BROKEN += [
    Broken(
        f"identifier with {character!r}",
        flow_of({**message(), "Identifier": f"a{character}b"}),
        f"a{character}b",
        "identifier",
        ERROR,
        character,
    )
    for character in sorted(FORBIDDEN_IDENTIFIER_CHARACTERS)
]
BROKEN += [
    Broken(
        f"reserved identifier {name}",
        flow_of({**message(), "Identifier": name}),
        name,
        "identifier",
        ERROR,
        name,
    )
    for name in sorted(FORBIDDEN_IDENTIFIERS)
]


@pytest.mark.parametrize("case", BROKEN, ids=[case.case_id for case in BROKEN])
def test_each_rule_catches_a_broken_flow(case: Broken) -> None:
    found = findings(case.flow, case.flow_type)
    expected = (case.action, case.rule, case.severity)
    assert expected in keys(found), found
    unexpected = [f for f in found if (f.action, f.rule, f.severity) != expected and f.rule not in case.also]
    assert unexpected == []
    assert all(f.flow == FLOW_NAME and f.message.strip() for f in found)
    message_of = next(f.message for f in found if (f.action, f.rule, f.severity) == expected)
    assert case.names in message_of, message_of
    # errors fail require_valid_flow; warnings never do
    if case.severity is ERROR:
        with pytest.raises(FlowCheckError):
            require_valid_flow(case.flow, flow_name=FLOW_NAME, flow_type=case.flow_type)
    elif not errors_of(found):
        require_valid_flow(case.flow, flow_name=FLOW_NAME, flow_type=case.flow_type)


def rules_in_source() -> set[tuple[str, str]]:
    """(severity, rule) of every finding the checker and the model's own rules can yield.

    Rule ids built from an f-string (``f"{action}.ProfileResponseData"``) become regular expressions.
    """
    checker = (ROOT / "flowlang" / "checker.py").read_text(encoding="utf-8")
    rules = {(severity, rule) for severity, rule in re.findall(r'_(error|warning)\(\s*"([^"]+)"', checker)}
    for path in sorted((ROOT / "flowlang" / "actions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for severity, prefix, rule in re.findall(r'yield\s*\(?\s*"(error|warning)",\s*(f?)"([^"]+)"', text):
            rules.add(
                (
                    severity,
                    re.sub(r"\\\{[^}]*\\\}", "[A-Za-z]+", re.escape(rule)) if prefix else re.escape(rule),
                )
            )
    return rules


def test_every_rule_has_a_broken_flow() -> None:
    covered = {(str(case.severity), case.rule) for case in BROKEN}
    rules = rules_in_source()
    assert len(rules) >= 50  # the scan found the rules
    missing = sorted(
        (severity, pattern)
        for severity, pattern in rules
        if not any(severity == s and re.fullmatch(pattern, rule) for s, rule in covered)
    )
    assert missing == []


def test_the_action_limit_is_inclusive() -> None:
    assert findings(many_messages(MAX_ACTIONS)) == []


def test_an_identifier_of_the_maximum_length_is_fine() -> None:
    assert findings(flow_of({**message(), "Identifier": "x" * MAX_IDENTIFIER_LENGTH})) == []


@pytest.mark.parametrize("flow_type", sorted(FlowType))
def test_empty_transitions_end_only_self_ending_flows(flow_type: FlowType) -> None:
    """``Transitions: {}`` on a non-terminal action: a warning where the run may stop, else an error."""
    flow = alone(action("UpdateFlowLoggingBehavior", {"FlowLoggingBehavior": "Enabled"}))
    expected = ("flow-ends-here", WARNING) if flow_type in SELF_ENDING else ("next-action", ERROR)
    assert [(f.rule, f.severity) for f in findings(flow, flow_type)] == [expected]


# --- severities: warnings never fail --------------------------------------------------------------------


def console_style_flow() -> Flow:
    """How console exports Connect accepted look: error branches left out, no Lex timeout branch."""
    return {
        "Version": "2019-10-30",
        "StartAction": "welcome",
        "Metadata": {"entryPointPosition": {"x": 40, "y": 40}},
        "Actions": [
            {
                **action("MessageParticipant", {"Text": "안녕하세요."}, NextAction="voice"),
                "Identifier": "welcome",
            },
            {
                **action(
                    "UpdateContactTextToSpeechVoice", {"TextToSpeechVoice": "Seoyeon"}, NextAction="ask"
                ),
                "Identifier": "voice",
            },
            {
                **action(
                    "ConnectParticipantWithLexBot",
                    {
                        "Text": "무엇을 도와드릴까요?",
                        "LexV2Bot": {"AliasArn": "$.FlowAttributes.acme-lexbot"},
                    },
                    NextAction="bye",
                    Conditions=[condition("Equals", "TalkToAgent", target="queue")],
                    Errors=on_error("NoMatchingCondition", "NoMatchingError"),
                ),
                "Identifier": "ask",
            },
            {**transfer([]), "Identifier": "queue"},
            BYE,
        ],
    }


def test_a_console_style_flow_with_warnings_passes() -> None:
    flow = console_style_flow()
    found = findings(flow)
    assert found, "the console-style flow is expected to have warnings"
    assert errors_of(found) == []
    assert warnings_of(found) == found
    assert {f.rule for f in found} == {"missing-error-branch", "input-timeout"}
    assert ("welcome", "missing-error-branch", WARNING) in keys(found)
    assert ("ask", "input-timeout", WARNING) in keys(found)
    require_valid_flow(flow, flow_name=FLOW_NAME)


def test_require_valid_flow_raises_with_every_error_and_no_warning() -> None:
    broken = mutate(console_style_flow(), lambda f: f.update(Version="1"))
    broken["Actions"][0]["Transitions"]["NextAction"] = "gone"
    with pytest.raises(FlowCheckError) as raised:
        require_valid_flow(broken, flow_name="broken-flow")
    problems = raised.value.problems
    assert problems == errors_of(check_flow(broken, flow_name="broken-flow"))
    assert {(p.action, p.rule) for p in problems} == {(None, "version"), ("welcome", "dangling-transition")}
    assert all(p.severity is ERROR for p in problems)
    assert "broken-flow" in str(raised.value)
    assert warnings_of(check_flow(broken, flow_name="broken-flow")), "the warnings are still reported"


def test_findings_come_in_document_order_and_print_their_rule() -> None:
    flow = mutate(BASE, lambda f: f.update(Version="1"))
    flow["Actions"][0]["Transitions"]["NextAction"] = "gone"
    found = findings(flow)
    assert [(f.action, f.rule) for f in found] == [
        (None, "version"),
        ("step", "dangling-transition"),
    ]
    assert str(found[0]).startswith(f"{FLOW_NAME}: flow: ")
    assert str(found[1]).endswith("[error: dangling-transition]")
    assert str(found[1]).startswith(f"{FLOW_NAME}: action 'step': ")
    assert found[1].as_json() == {
        "action": "step",
        "rule": "dangling-transition",
        "message": found[1].message,
    }


# --- bugs found once, pinned so they stay fixed --------------------------------


def test_a_negative_integer_is_accepted_where_the_range_allows_it() -> None:
    flow = flow_of(wired("UpdateContactRoutingBehavior", {"QueueTimeAdjustmentSeconds": "-120"}))
    assert findings(flow) == []


def test_a_placeholder_operand_may_complete_exhaustive_conditions() -> None:
    flow = flow_of(hours([condition("Equals", "True"), condition("Equals", "%OutOfHours%")]))
    assert findings(flow) == []


def test_a_superscript_digit_is_a_bad_integer_not_a_crash() -> None:
    assert keys(findings(flow_of(loop("²")))) == [("step", "parameter-value", ERROR)]


MALFORMED_TARGETS: list[tuple[str, Flow]] = [
    ("StartAction a list", mutate(BASE, lambda f: f.update(StartAction=["step"]))),
    ("NextAction a list", mutate(BASE, set_transitions(NextAction=["bye"]))),
    (
        "error target an object",
        flow_of(message(Errors=[{"ErrorType": "NoMatchingError", "NextAction": {"id": "bye"}}])),
    ),
    (
        "condition target a list",
        flow_of(
            compare(
                conditions=[{"NextAction": ["bye"], "Condition": {"Operator": "Equals", "Operands": ["a"]}}]
            )
        ),
    ),
    (
        "operator a list",
        flow_of(
            compare(
                conditions=[{"NextAction": "bye", "Condition": {"Operator": ["Equals"], "Operands": ["a"]}}]
            )
        ),
    ),
]


@pytest.mark.parametrize("flow", [f for _n, f in MALFORMED_TARGETS], ids=[n for n, _f in MALFORMED_TARGETS])
def test_a_malformed_target_or_operator_is_an_error_not_a_crash(flow: Flow) -> None:
    assert errors_of(findings(flow))


def test_a_duplicate_identifier_does_not_hide_the_first_actions_transitions() -> None:
    flow = {
        "Version": "2019-10-30",
        "StartAction": "s",
        "Actions": [
            {**message(NextAction="x"), "Identifier": "s"},
            {**message(), "Identifier": "x"},
            {**BYE, "Identifier": "s"},
            BYE,
        ],
    }
    assert keys(findings(flow)) == [("s", "duplicate-identifier", ERROR)]
