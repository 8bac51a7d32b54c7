"""The flow checker: every rule catches a minimal flow that breaks it, and a valid flow passes."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from flowlang import CONTACT_FLOW, CUSTOMER_QUEUE, FlowCheckError, FlowProblem, check_flow, require_valid_flow

Flow = dict[str, Any]

BYE = {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}


def on_error(*error_types: str, target: str = "bye") -> list[dict[str, str]]:
    return [{"ErrorType": error_type, "NextAction": target} for error_type in error_types]


def condition(operator: str, operand: str, target: str = "bye") -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": operator, "Operands": [operand]}}


def flow_of(action: dict[str, Any], *more: dict[str, Any]) -> Flow:
    """A flow that starts at ``action``; ``bye`` (a disconnect) is always there to go to."""
    return {"Version": "2019-10-30", "StartAction": action["Identifier"], "Actions": [action, *more, BYE]}


def action(action_type: str, parameters: dict[str, Any], **transitions: Any) -> dict[str, Any]:
    return {"Identifier": "step", "Type": action_type, "Parameters": parameters, "Transitions": transitions}


def message(text: str = "안녕하세요.") -> dict[str, Any]:
    return action("MessageParticipant", {"Text": text}, NextAction="bye", Errors=on_error("NoMatchingError"))


def lambda_call(**overrides: Any) -> dict[str, Any]:
    parameters = {
        "LambdaFunctionARN": "%ContactFlowFunctionArn%",
        "InvocationTimeLimitSeconds": "8",
        "InvocationType": "SYNCHRONOUS",
        "LambdaInvocationAttributes": {"action": "lookup_customer"},
        "ResponseValidation": {"ResponseType": "STRING_MAP"},
    }
    parameters.update(overrides)
    return action("InvokeLambdaFunction", parameters, NextAction="bye", Errors=on_error("NoMatchingError"))


def compare(value: str = "$.External.result", conditions: list[Any] | None = None) -> dict[str, Any]:
    return action(
        "Compare",
        {"ComparisonValue": value},
        NextAction="bye",
        Conditions=[condition("Equals", "ok")] if conditions is None else conditions,
        Errors=on_error("NoMatchingCondition"),
    )


def key_input(**overrides: Any) -> dict[str, Any]:
    step = action(
        "GetParticipantInput",
        {"Text": "1번을 눌러 주세요.", "InputTimeLimitSeconds": "5", "StoreInput": "False"},
        NextAction="bye",
        Conditions=[condition("Equals", "1")],
        Errors=on_error("InputTimeLimitExceeded", "NoMatchingCondition", "NoMatchingError"),
    )
    step["Transitions"].update(overrides)
    return step


def lex(**overrides: Any) -> dict[str, Any]:
    step = action(
        "ConnectParticipantWithLexBot",
        {
            "Text": "무엇을 도와드릴까요?",
            "LexV2Bot": {"AliasArn": "%LexBotAliasArn%"},
            "LexSessionAttributes": {"channel": "$.Channel"},
        },
        NextAction="bye",
        Errors=on_error("InputTimeLimitExceeded", "NoMatchingCondition", "NoMatchingError"),
    )
    step["Transitions"].update(overrides)
    return step


def hours(conditions: list[Any]) -> dict[str, Any]:
    return action(
        "CheckHoursOfOperation",
        {"HoursOfOperationId": "%HoursOfOperationArn%"},
        NextAction="bye",
        Conditions=conditions,
        Errors=on_error("NoMatchingError"),
    )


def loop(count: Any = "1", conditions: list[Any] | None = None) -> dict[str, Any]:
    default = [condition("Equals", "ContinueLooping"), condition("Equals", "DoneLooping")]
    return action(
        "Loop",
        {"LoopCount": count},
        NextAction="bye",
        Conditions=default if conditions is None else conditions,
    )


def transfer(errors: list[Any]) -> dict[str, Any]:
    return action("TransferContactToQueue", {}, NextAction="bye", Errors=errors)


def staffing(conditions: list[Any], errors: list[Any]) -> dict[str, Any]:
    return action(
        "CheckMetricData",
        {"MetricType": "NumberOfAgentsStaffed"},
        NextAction="bye",
        Conditions=conditions,
        Errors=errors,
    )


def problems(flow: Flow, flow_type: str = CONTACT_FLOW) -> list[FlowProblem]:
    return check_flow(flow, flow_name="test-flow", flow_type=flow_type)


def assert_caught(flow: Flow, action_id: str | None, fragment: str, flow_type: str = CONTACT_FLOW) -> None:
    found = problems(flow, flow_type)
    assert any(p.action == action_id and fragment in p.message for p in found), found
    assert all(p.flow == "test-flow" for p in found)


# --- valid flows pass ------------------------------------------------------------------------------------

VALID_FLOWS: list[tuple[str, Flow, str]] = [
    ("message", flow_of(message()), CONTACT_FLOW),
    ("message with references", flow_of(message("번호는 $.External.referenceSpoken 입니다.")), CONTACT_FLOW),
    ("lambda", flow_of(lambda_call()), CONTACT_FLOW),
    ("compare", flow_of(compare()), CONTACT_FLOW),
    ("key input", flow_of(key_input()), CONTACT_FLOW),
    ("lex", flow_of(lex()), CONTACT_FLOW),
    ("hours", flow_of(hours([condition("Equals", "True"), condition("Equals", "False")])), CONTACT_FLOW),
    ("loop", flow_of(loop()), CONTACT_FLOW),
    ("transfer", flow_of(transfer(on_error("QueueAtCapacity", "NoMatchingError"))), CONTACT_FLOW),
    (
        "staffing",
        flow_of(staffing([condition("NumberGreaterThan", "0")], on_error("NoMatchingError"))),
        CONTACT_FLOW,
    ),
    (
        "hold",
        flow_of(
            action(
                "MessageParticipantIteratively",
                {"Messages": [{"Text": "잠시만 기다려 주세요."}]},
                NextAction="end",
                Errors=on_error("NoMatchingError"),
            ),
            {"Identifier": "end", "Type": "EndFlowExecution", "Parameters": {}, "Transitions": {}},
        ),
        CUSTOMER_QUEUE,
    ),
]


@pytest.mark.parametrize(
    ("flow", "flow_type"), [(f, t) for _n, f, t in VALID_FLOWS], ids=[n for n, *_ in VALID_FLOWS]
)
def test_a_valid_flow_has_no_problems(flow: Flow, flow_type: str) -> None:
    assert problems(flow, flow_type) == []
    require_valid_flow(flow, flow_name="test-flow", flow_type=flow_type)


# --- each rule catches its minimal broken flow ------------------------------------------------------------


def mutate(flow: Flow, change: Callable[[Flow], None]) -> Flow:
    broken = copy.deepcopy(flow)
    change(broken)
    return broken


BASE = flow_of(message())

# (case id, broken flow, action named in the problem (None: the flow), fragment of the message, flow type)
BROKEN: list[tuple[str, Flow, str | None, str, str]] = [
    (
        "version",
        mutate(BASE, lambda f: f.update(Version="2020-01-01")),
        None,
        "Version must be",
        CONTACT_FLOW,
    ),
    (
        "old console format",
        mutate(BASE, lambda f: f.update(modules=[])),
        None,
        "old console-export",
        CONTACT_FLOW,
    ),
    ("no actions", mutate(BASE, lambda f: f.update(Actions=[])), None, "non-empty list", CONTACT_FLOW),
    (
        "start missing",
        mutate(BASE, lambda f: f.update(StartAction="nowhere")),
        None,
        "StartAction",
        CONTACT_FLOW,
    ),
    (
        "too many actions",
        {
            "Version": "2019-10-30",
            "StartAction": "m0",
            "Actions": [
                {**message(), "Identifier": f"m{i}", "Transitions": {"NextAction": f"m{i + 1}", "Errors": []}}
                for i in range(250)
            ]
            + [{**BYE, "Identifier": "m250"}],
        },
        None,
        "exceed the limit of 250",
        CONTACT_FLOW,
    ),
    (
        "unknown type SetVoice",
        flow_of(action("SetVoice", {}, NextAction="bye")),
        "step",
        "unknown action type",
        CONTACT_FLOW,
    ),
    (
        "unknown type GetUserInput",
        flow_of(action("GetUserInput", {})),
        "step",
        "unknown action type",
        CONTACT_FLOW,
    ),
    (
        "EndFlowExecution in a contact flow",
        flow_of({"Identifier": "step", "Type": "EndFlowExecution", "Parameters": {}, "Transitions": {}}),
        "step",
        "not available in CONTACT_FLOW",
        CONTACT_FLOW,
    ),
    (
        "transfer in a customer queue flow",
        flow_of(transfer(on_error("QueueAtCapacity", "NoMatchingError"))),
        "step",
        "not available in CUSTOMER_QUEUE",
        CUSTOMER_QUEUE,
    ),
    (
        "loop prompts in a contact flow",
        flow_of(
            action(
                "MessageParticipantIteratively",
                {"Messages": [{"Text": "잠시만 기다려 주세요."}]},
                NextAction="bye",
                Errors=on_error("NoMatchingError"),
            )
        ),
        "step",
        "not available in CONTACT_FLOW",
        CONTACT_FLOW,
    ),
    (
        "NextAction unresolved",
        mutate(BASE, lambda f: f["Actions"][0]["Transitions"].update(NextAction="gone")),
        "step",
        "NextAction 'gone'",
        CONTACT_FLOW,
    ),
    (
        "NextAction missing",
        mutate(BASE, lambda f: f["Actions"][0]["Transitions"].pop("NextAction")),
        "step",
        "NextAction is required",
        CONTACT_FLOW,
    ),
    (
        "error target unresolved",
        flow_of(
            {
                **message(),
                "Transitions": {"NextAction": "bye", "Errors": on_error("NoMatchingError", target="gone")},
            }
        ),
        "step",
        "goes to 'gone'",
        CONTACT_FLOW,
    ),
    (
        "condition target unresolved",
        flow_of(compare(conditions=[condition("Equals", "ok", target="gone")])),
        "step",
        "condition goes to 'gone'",
        CONTACT_FLOW,
    ),
    (
        "unreachable action",
        mutate(BASE, lambda f: f["Actions"].append({**BYE, "Identifier": "orphan"})),
        "orphan",
        "not reachable",
        CONTACT_FLOW,
    ),
    (
        "message without NoMatchingError",
        flow_of(action("MessageParticipant", {"Text": "안녕하세요."}, NextAction="bye")),
        "step",
        "missing error branch NoMatchingError",
        CONTACT_FLOW,
    ),
    (
        "compare without NoMatchingCondition",
        mutate(flow_of(compare()), lambda f: f["Actions"][0]["Transitions"].update(Errors=[])),
        "step",
        "missing error branch NoMatchingCondition",
        CONTACT_FLOW,
    ),
    (
        "compare without conditions",
        flow_of(compare(conditions=[])),
        "step",
        "Compare needs Conditions",
        CONTACT_FLOW,
    ),
    (
        "compare on text, not one JSONPath",
        flow_of(compare(value="queue $.Channel")),
        "step",
        "exactly one JSONPath",
        CONTACT_FLOW,
    ),
    (
        "compare with an unknown operator",
        flow_of(compare(conditions=[condition("Matches", "ok")])),
        "step",
        "Flow-language operators",
        CONTACT_FLOW,
    ),
    (
        "key input without NoMatchingCondition",
        flow_of(key_input(Errors=on_error("InputTimeLimitExceeded", "NoMatchingError"))),
        "step",
        "missing error branch NoMatchingCondition",
        CONTACT_FLOW,
    ),
    (
        "key input without InputTimeLimitExceeded",
        flow_of(key_input(Errors=on_error("NoMatchingCondition", "NoMatchingError"))),
        "step",
        "missing error branch InputTimeLimitExceeded",
        CONTACT_FLOW,
    ),
    (
        "key input on two digits",
        flow_of(key_input(Conditions=[condition("Equals", "12")])),
        "step",
        "one static key",
        CONTACT_FLOW,
    ),
    (
        "key input with a dynamic StoreInput",
        mutate(
            flow_of(key_input()), lambda f: f["Actions"][0]["Parameters"].update(StoreInput="$.Attributes.x")
        ),
        "step",
        "StoreInput must be defined statically",
        CONTACT_FLOW,
    ),
    (
        "lex without NoMatchingCondition",
        flow_of(lex(Errors=on_error("InputTimeLimitExceeded", "NoMatchingError"))),
        "step",
        "missing error branch NoMatchingCondition",
        CONTACT_FLOW,
    ),
    (
        "lex without InputTimeLimitExceeded",
        flow_of(lex(Errors=on_error("NoMatchingCondition", "NoMatchingError"))),
        "step",
        "missing error branch InputTimeLimitExceeded",
        CONTACT_FLOW,
    ),
    (
        "lex without an alias",
        mutate(flow_of(lex()), lambda f: f["Actions"][0]["Parameters"].pop("LexV2Bot")),
        "step",
        "LexV2Bot",
        CONTACT_FLOW,
    ),
    (
        "transfer without QueueAtCapacity",
        flow_of(transfer(on_error("NoMatchingError"))),
        "step",
        "missing error branch QueueAtCapacity",
        CONTACT_FLOW,
    ),
    (
        "hours without False",
        flow_of(hours([condition("Equals", "True")])),
        "step",
        "exactly Equals True, Equals False",
        CONTACT_FLOW,
    ),
    (
        "hours with an extra condition",
        flow_of(
            hours([condition("Equals", "True"), condition("Equals", "False"), condition("Equals", "Maybe")])
        ),
        "step",
        "exactly Equals True, Equals False",
        CONTACT_FLOW,
    ),
    (
        "loop without DoneLooping",
        flow_of(loop(conditions=[condition("Equals", "ContinueLooping")])),
        "step",
        "DoneLooping",
        CONTACT_FLOW,
    ),
    (
        "loop count over 100",
        flow_of(loop("101")),
        "step",
        "LoopCount must be a static integer string from 0 to 100",
        CONTACT_FLOW,
    ),
    ("loop count negative", flow_of(loop("-1")), "step", "LoopCount", CONTACT_FLOW),
    (
        "loop with an error branch",
        mutate(
            flow_of(loop()),
            lambda f: f["Actions"][0]["Transitions"].update(Errors=on_error("NoMatchingError")),
        ),
        "step",
        "error type NoMatchingError is not supported",
        CONTACT_FLOW,
    ),
    (
        "lambda limit 9",
        flow_of(lambda_call(InvocationTimeLimitSeconds="9")),
        "step",
        "from 1 to 8",
        CONTACT_FLOW,
    ),
    (
        "lambda limit 0",
        flow_of(lambda_call(InvocationTimeLimitSeconds="0")),
        "step",
        "from 1 to 8",
        CONTACT_FLOW,
    ),
    (
        "lambda limit not a string",
        flow_of(lambda_call(InvocationTimeLimitSeconds=8)),
        "step",
        "must be a string",
        CONTACT_FLOW,
    ),
    (
        "lambda limit dynamic",
        flow_of(lambda_call(InvocationTimeLimitSeconds="$.Attributes.limit")),
        "step",
        "must be defined statically",
        CONTACT_FLOW,
    ),
    (
        "lambda response type",
        flow_of(lambda_call(ResponseValidation={"ResponseType": "XML"})),
        "step",
        "ResponseType must be one of JSON, STRING_MAP",
        CONTACT_FLOW,
    ),
    (
        "lambda asynchronous",
        flow_of(lambda_call(InvocationType="ASYNCHRONOUS")),
        "step",
        "InvocationType must be one of SYNCHRONOUS",
        CONTACT_FLOW,
    ),
    (
        "lambda attribute not a string",
        flow_of(lambda_call(LambdaInvocationAttributes={"retries": 3})),
        "step",
        "LambdaInvocationAttributes.retries must be a string",
        CONTACT_FLOW,
    ),
    (
        "reference to an unknown root",
        flow_of(lambda_call(LambdaInvocationAttributes={"x": "$.Foo.bar"})),
        "step",
        "not an allowed JSONPath",
        CONTACT_FLOW,
    ),
    (
        "embedded reference to an unknown root",
        flow_of(message("안녕하세요 $.Customer.Name 님.")),
        "step",
        "not an allowed JSONPath",
        CONTACT_FLOW,
    ),
    (
        "queue id mixing text and JSONPath",
        flow_of(
            action(
                "UpdateContactTargetQueue",
                {"QueueId": "queue-$.Attributes.queue"},
                NextAction="bye",
                Errors=on_error("NoMatchingError"),
            )
        ),
        "step",
        "static or exactly one JSONPath",
        CONTACT_FLOW,
    ),
    (
        "boolean parameter",
        flow_of({**message(), "Parameters": {"Text": True}}),
        "step",
        "must be a string",
        CONTACT_FLOW,
    ),
    (
        "text as an object",
        flow_of({**message(), "Parameters": {"Text": {"ko": "안녕하세요."}}}),
        "step",
        "parameter Text must be a string, got dict",
        CONTACT_FLOW,
    ),
    (
        "two prompts",
        flow_of({**message(), "Parameters": {"Text": "안녕하세요.", "SSML": "<speak>안녕하세요.</speak>"}}),
        "step",
        "only one of Text, SSML, PromptId",
        CONTACT_FLOW,
    ),
    (
        "unknown parameter",
        mutate(BASE, lambda f: f["Actions"][0]["Parameters"].update(Voice="Seoyeon")),
        "step",
        "unknown parameter(s) Voice",
        CONTACT_FLOW,
    ),
    (
        "unsupported error type",
        flow_of(
            {
                **message(),
                "Transitions": {
                    "NextAction": "bye",
                    "Errors": on_error("NoMatchingError", "QueueAtCapacity"),
                },
            }
        ),
        "step",
        "error type QueueAtCapacity is not supported",
        CONTACT_FLOW,
    ),
    (
        "conditions where none are supported",
        flow_of(
            {
                **message(),
                "Transitions": {**message()["Transitions"], "Conditions": [condition("Equals", "x")]},
            }
        ),
        "step",
        "does not support Conditions",
        CONTACT_FLOW,
    ),
    (
        "staffing compared with 1",
        flow_of(staffing([condition("NumberGreaterThan", "1")], on_error("NoMatchingError"))),
        "step",
        "only the condition NumberGreaterThan 0",
        CONTACT_FLOW,
    ),
    (
        "staffing with NoMatchingCondition",
        flow_of(
            staffing(
                [condition("NumberGreaterThan", "0")], on_error("NoMatchingError", "NoMatchingCondition")
            )
        ),
        "step",
        "error type NoMatchingCondition is not supported",
        CONTACT_FLOW,
    ),
    (
        "contact data without TargetContact",
        flow_of(
            action(
                "UpdateContactData",
                {"LanguageCode": "ko-KR"},
                NextAction="bye",
                Errors=on_error("NoMatchingError"),
            )
        ),
        "step",
        "TargetContact must be one of",
        CONTACT_FLOW,
    ),
    (
        "two event hooks",
        flow_of(
            action(
                "UpdateContactEventHooks",
                {
                    "EventHooks": {
                        "CustomerQueue": "%CustomerQueueFlowArn%",
                        "CustomerHold": "%CustomerQueueFlowArn%",
                    }
                },
                NextAction="bye",
                Errors=on_error("NoMatchingError"),
            )
        ),
        "step",
        "exactly one entry",
        CONTACT_FLOW,
    ),
    (
        "unknown placeholder",
        flow_of(lambda_call(LambdaFunctionARN="%SomeOtherFunctionArn%")),
        "step",
        "unknown placeholder %SomeOtherFunctionArn%",
        CONTACT_FLOW,
    ),
    (
        "terminal action with transitions",
        {**BASE, "Actions": [BASE["Actions"][0], {**BYE, "Transitions": {"NextAction": "step"}}]},
        "bye",
        "Transitions must be {}",
        CONTACT_FLOW,
    ),
    (
        "duplicate identifier",
        mutate(BASE, lambda f: f["Actions"].append(copy.deepcopy(BYE))),
        "bye",
        "duplicate Identifier",
        CONTACT_FLOW,
    ),
    (
        "identifier too long",
        flow_of({**message(), "Identifier": "x" * 51}),
        "x" * 51,
        "longer than 50",
        CONTACT_FLOW,
    ),
    (
        "reserved identifier",
        flow_of({**message(), "Identifier": "constructor"}),
        "constructor",
        "reserved",
        CONTACT_FLOW,
    ),
]

BROKEN += [
    (
        f"identifier with {character!r}",
        flow_of({**message(), "Identifier": f"a{character}b"}),
        f"a{character}b",
        "forbidden character",
        CONTACT_FLOW,
    )
    for character in "%:()\\/=$,;[]{}"
]


@pytest.mark.parametrize(
    ("flow", "action_id", "fragment", "flow_type"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_each_rule_catches_a_broken_flow(
    flow: Flow, action_id: str | None, fragment: str, flow_type: str
) -> None:
    assert_caught(flow, action_id, fragment, flow_type)


def test_an_unknown_flow_type_is_reported() -> None:
    assert_caught(BASE, None, "unknown flow type", "AGENT_WHISPER")


def test_a_document_that_is_not_an_object_is_reported() -> None:
    assert_caught([], None, "JSON object")  # type: ignore[arg-type]


def test_require_valid_flow_raises_with_every_problem() -> None:
    broken = mutate(BASE, lambda f: f.update(Version="1"))
    broken["Actions"][0]["Transitions"]["NextAction"] = "gone"
    with pytest.raises(FlowCheckError) as raised:
        require_valid_flow(broken, flow_name="broken-flow")
    messages = [p.message for p in raised.value.problems]
    assert messages == [p.message for p in problems(broken)]
    assert any("Version" in m for m in messages)
    assert any("NextAction 'gone'" in m for m in messages)
    assert "broken-flow" in str(raised.value)


# --- stored input (GetParticipantInput with StoreInput "True") ---------------------------------------------


def stored_input(validation: Any = None, **overrides: Any) -> dict[str, Any]:
    """A stored-input block as the chat callback asks for a number; ``overrides`` replace transitions."""
    parameters: dict[str, Any] = {
        "Text": "휴대전화 번호를 입력해 주세요.",
        "InputTimeLimitSeconds": "120",
        "StoreInput": "True",
        "InputValidation": {"CustomValidation": {"MaximumLength": "20"}}
        if validation is None
        else validation,
    }
    step = action("GetParticipantInput", parameters, NextAction="bye", Errors=on_error("NoMatchingError"))
    step["Transitions"].update(overrides)
    return step


def without_validation(flow: Flow) -> None:
    del flow["Actions"][0]["Parameters"]["InputValidation"]


STORED_VALID: list[tuple[str, Flow]] = [
    ("custom validation, only NoMatchingError", flow_of(stored_input())),
    (
        "local phone number validation with InvalidPhoneNumber",
        flow_of(
            stored_input(
                {"PhoneNumberValidation": {"NumberFormat": "Local", "CountryCode": "KR"}},
                Errors=on_error("NoMatchingError", "InvalidPhoneNumber"),
            )
        ),
    ),
    ("E.164 validation", flow_of(stored_input({"PhoneNumberValidation": {"NumberFormat": "E164"}}))),
]

STORED_BROKEN: list[tuple[str, Flow, str]] = [
    (
        "no InputValidation",
        mutate(flow_of(stored_input()), without_validation),
        "InputValidation is required",
    ),
    (
        "InputValidation on a key choice",
        mutate(
            flow_of(key_input()),
            lambda f: f["Actions"][0]["Parameters"].update(
                InputValidation={"CustomValidation": {"MaximumLength": "1"}}
            ),
        ),
        "allowed only when StoreInput is True",
    ),
    (
        "both validations",
        flow_of(
            stored_input(
                {
                    "CustomValidation": {"MaximumLength": "20"},
                    "PhoneNumberValidation": {"NumberFormat": "E164"},
                }
            )
        ),
        "exactly one of PhoneNumberValidation, CustomValidation",
    ),
    ("an empty validation", flow_of(stored_input({})), "exactly one of PhoneNumberValidation"),
    (
        "a local number without a country",
        flow_of(stored_input({"PhoneNumberValidation": {"NumberFormat": "Local"}})),
        "CountryCode is required",
    ),
    (
        "an unknown number format",
        flow_of(stored_input({"PhoneNumberValidation": {"NumberFormat": "National"}})),
        "NumberFormat must be one of",
    ),
    (
        "a dynamic maximum length",
        flow_of(stored_input({"CustomValidation": {"MaximumLength": "$.Attributes.x"}})),
        "must be defined statically",
    ),
    (
        "a zero maximum length",
        flow_of(stored_input({"CustomValidation": {"MaximumLength": "0"}})),
        "CustomValidation.MaximumLength must be a static integer",
    ),
    (
        "an unknown validation field",
        flow_of(stored_input({"CustomValidation": {"MaximumLength": "20", "MinimumLength": "3"}})),
        "unknown CustomValidation field(s) MinimumLength",
    ),
    (
        "InvalidPhoneNumber without PhoneNumberValidation",
        flow_of(stored_input(Errors=on_error("NoMatchingError", "InvalidPhoneNumber"))),
        "error type InvalidPhoneNumber is not supported",
    ),
    (
        "NoMatchingCondition on stored input",
        flow_of(stored_input(Errors=on_error("NoMatchingError", "NoMatchingCondition"))),
        "error type NoMatchingCondition is not supported",
    ),
    (
        "conditions on stored input",
        flow_of(stored_input(Conditions=[condition("Equals", "1")])),
        "conditions are not supported when StoreInput is True",
    ),
    (
        "encryption without custom validation",
        mutate(
            flow_of(stored_input({"PhoneNumberValidation": {"NumberFormat": "E164"}})),
            lambda f: f["Actions"][0]["Parameters"].update(InputEncryption={"EncryptionKeyId": "key"}),
        ),
        "InputEncryption needs InputValidation.CustomValidation",
    ),
]


@pytest.mark.parametrize("flow", [f for _n, f in STORED_VALID], ids=[n for n, _f in STORED_VALID])
def test_stored_input_as_documented_passes(flow: Flow) -> None:
    assert problems(flow) == []


@pytest.mark.parametrize(
    ("flow", "fragment"), [(f, m) for _n, f, m in STORED_BROKEN], ids=[n for n, *_ in STORED_BROKEN]
)
def test_stored_input_rules(flow: Flow, fragment: str) -> None:
    assert_caught(flow, "step", fragment)
