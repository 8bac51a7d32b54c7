"""A static checker for Amazon Connect Flow-language documents (``"Version": "2019-10-30"``).

Connect validates a flow only when CloudFormation creates it, twenty minutes into a deploy, and
reports the first problem it finds. This checker runs in the tests and at synth and reports all
of them, each naming the flow and the action. The rules come from ``../shared/REFERENCE.md`` and
the Flow-language action pages of the Amazon Connect developer guide
(https://docs.aws.amazon.com/connect/latest/APIReference/flow-language.html); each action type's
spec below records what its page says about parameters, results, errors and flow types.

Only the action types this project uses (and has verified) are known: anything else, including
the old console-export names (``SetVoice``, ``GetUserInput``, ...), is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from flowlang.templates import CONTACT_FLOW, CUSTOMER_QUEUE, KNOWN_PLACEHOLDERS, PLACEHOLDER_RE

FLOW_LANGUAGE_VERSION: Final = "2019-10-30"
MAX_ACTIONS: Final = 250
MAX_IDENTIFIER_LENGTH: Final = 50
FORBIDDEN_IDENTIFIER_CHARACTERS: Final = frozenset("%:()\\/)=$,;[]{}")
#: Strings Connect rejects as identifiers (they collide with JavaScript object members).
FORBIDDEN_IDENTIFIERS: Final = frozenset(
    {
        "__proto__",
        "constructor",
        "__defineGetter__",
        "__defineSetter__",
        "toString",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "valueOf",
    }
)

OPERATORS: Final = frozenset(
    {
        "Equals",
        "TextStartsWith",
        "TextEndsWith",
        "TextContains",
        "NumberGreaterThan",
        "NumberGreaterOrEqualTo",
        "NumberLessThan",
        "NumberLessOrEqualTo",
    }
)
NUMBER_OPERATORS: Final = frozenset(operator for operator in OPERATORS if operator.startswith("Number"))

# Error types.
NO_MATCHING_ERROR: Final = "NoMatchingError"
NO_MATCHING_CONDITION: Final = "NoMatchingCondition"
INPUT_TIME_LIMIT_EXCEEDED: Final = "InputTimeLimitExceeded"
QUEUE_AT_CAPACITY: Final = "QueueAtCapacity"
INVALID_PHONE_NUMBER: Final = "InvalidPhoneNumber"

#: The JSONPath references a flow may read (REFERENCE.md): one root, then keys where it has them.
JSONPATH_RE: Final = re.compile(
    r"\$\.(?:External\.[A-Za-z0-9_]+|Attributes\.[A-Za-z0-9_]+|Lex\.IntentName"
    r"|Lex\.SessionAttributes\.[A-Za-z0-9_]+|StoredCustomerInput|CustomerEndpoint\.Address|Channel|ContactId)"
)
#: Anything that looks like a reference, to find the ones embedded in prompt text.
_REFERENCE_CANDIDATE_RE: Final = re.compile(r"\$\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*")

STATIC_INTEGER_RE: Final = re.compile(r"[0-9]+")
DTMF_KEY_RE: Final = re.compile(r"[0-9*#]")

EVENT_HOOKS: Final = frozenset(
    {
        "AgentHold",
        "AgentWhisper",
        "CustomerHold",
        "CustomerQueue",
        "CustomerRemaining",
        "CustomerWhisper",
        "DefaultAgentUI",
        "DisconnectAgentUI",
        "PauseContact",
        "ResumeContact",
    }
)
METRIC_TYPES: Final = frozenset(
    {
        "NumberOfAgentsAvailable",
        "NumberOfAgentsStaffed",
        "NumberOfAgentsOnline",
        "OldestContactInQueueAgeSeconds",
        "NumberOfContactsInQueue",
    }
)
POLLY_ENGINES: Final = frozenset({"standard", "neural", "long-form", "generative"})

BOTH_FLOW_TYPES: Final = frozenset({CONTACT_FLOW, CUSTOMER_QUEUE})
#: Parameters whose value is an object or a list (of strings, at the leaves) on their action pages.
CONTAINER_PARAMETERS: Final = frozenset(
    {
        "Attributes",
        "DTMFConfiguration",
        "EventHooks",
        "InputEncryption",
        "InputValidation",
        "LambdaInvocationAttributes",
        "LexInitializationData",
        "LexSessionAttributes",
        "LexTimeoutSeconds",
        "LexV2Bot",
        "Media",
        "Messages",
        "References",
        "ResponseValidation",
    }
)
_PROMPT_KEYS: Final = ("Text", "SSML", "PromptId")


@dataclass(frozen=True)
class FlowProblem:
    """One rule a flow breaks: the flow, the action identifier (None for the whole flow), what."""

    flow: str
    action: str | None
    message: str

    def __str__(self) -> str:
        where = f"action {self.action!r}" if self.action is not None else "flow"
        return f"{self.flow}: {where}: {self.message}"


class FlowCheckError(ValueError):
    """A flow breaks one or more rules; ``problems`` lists them all."""

    def __init__(self, problems: list[FlowProblem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


# --- per-action rules ------------------------------------------------------------------------------

#: A parameter check: the action's parameters → problem messages.
ParameterCheck = Callable[[Mapping[str, Any]], Iterator[str]]
#: A conditions check: the action's parameters and condition list → problem messages.
ConditionCheck = Callable[[Mapping[str, Any], list[Any]], Iterator[str]]


@dataclass(frozen=True)
class ActionSpec:
    """What the Flow-language page of one action type allows.

    Attributes:
        parameters: parameter names the action accepts.
        flow_types: flow types the action is available in.
        errors: error types its transitions may name.
        required_errors: error types its transitions must name.
        terminal: the action ends the flow (``Transitions`` must be ``{}``).
        static: parameters that must be defined statically (no JSONPath at all).
        single_reference: parameters that are static or exactly one JSONPath.
        check_parameters: further parameter rules.
        check_conditions: rules for the conditions; None when conditions are not supported.
        errors_for: (allowed, required) error types when they depend on the parameters.
    """

    parameters: frozenset[str]
    flow_types: frozenset[str] = BOTH_FLOW_TYPES
    errors: frozenset[str] = frozenset({NO_MATCHING_ERROR})
    required_errors: frozenset[str] = frozenset({NO_MATCHING_ERROR})
    terminal: bool = False
    static: frozenset[str] = frozenset()
    single_reference: frozenset[str] = frozenset()
    check_parameters: ParameterCheck | None = None
    check_conditions: ConditionCheck | None = None
    errors_for: Callable[[Mapping[str, Any]], tuple[frozenset[str], frozenset[str]]] | None = None


def _operand(condition: Any) -> tuple[str | None, str | None]:
    """(operator, the single string operand) of a condition object, Nones when malformed."""
    if not isinstance(condition, Mapping):
        return None, None
    inner = condition.get("Condition")
    if not isinstance(inner, Mapping):
        return None, None
    operands = inner.get("Operands")
    operand = operands[0] if isinstance(operands, list) and len(operands) == 1 else None
    return inner.get("Operator"), operand if isinstance(operand, str) else None


def _exact_conditions(*expected: tuple[str, str]) -> ConditionCheck:
    """Conditions must be exactly ``expected`` (operator, operand) pairs, each once."""

    def check(_parameters: Mapping[str, Any], conditions: list[Any]) -> Iterator[str]:
        found = sorted((str(op), str(operand)) for op, operand in map(_operand, conditions))
        if found != sorted(expected):
            wanted = ", ".join(f"{op} {operand}" for op, operand in expected)
            yield f"conditions must be exactly {wanted}"

    return check


def _any_conditions(_parameters: Mapping[str, Any], conditions: list[Any]) -> Iterator[str]:
    if not conditions:
        yield "Compare needs Conditions"
    for operator, operand in map(_operand, conditions):
        if operator not in OPERATORS or operand is None:
            yield f"condition {operator!r} must be one of the Flow-language operators with one string operand"


def _equals_conditions(_parameters: Mapping[str, Any], conditions: list[Any]) -> Iterator[str]:
    for operator, operand in map(_operand, conditions):
        if operator != "Equals" or operand is None:
            yield "only Equals conditions with one string operand are supported"


def _input_conditions(parameters: Mapping[str, Any], conditions: list[Any]) -> Iterator[str]:
    if parameters.get("StoreInput") == "True" and conditions:
        yield "conditions are not supported when StoreInput is True"
    for operator, operand in map(_operand, conditions):
        if operator != "Equals" or operand is None or not DTMF_KEY_RE.fullmatch(operand):
            yield "input conditions must be Equals one static key (0-9, *, #)"


def _metric_conditions(parameters: Mapping[str, Any], conditions: list[Any]) -> Iterator[str]:
    agents_metric = str(parameters.get("MetricType", "")).startswith("NumberOfAgents")
    for operator, operand in map(_operand, conditions):
        if agents_metric and (operator, operand) != ("NumberGreaterThan", "0"):
            yield "NumberOfAgents* metrics support only the condition NumberGreaterThan 0"
        elif not agents_metric and (operator not in NUMBER_OPERATORS | {"Equals"} or operand is None):
            yield f"condition {operator!r} must be Equals or a Number* operator with one operand"


def _iterative_conditions(parameters: Mapping[str, Any], conditions: list[Any]) -> Iterator[str]:
    if conditions and "InterruptFrequencySeconds" not in parameters:
        yield "conditions need InterruptFrequencySeconds (the loop never completes otherwise)"
    for operator, operand in map(_operand, conditions):
        if (operator, operand) != ("Equals", "MessagesInterrupted"):
            yield "the only supported condition is Equals MessagesInterrupted"


def _one_prompt(parameters: Mapping[str, Any], *, required: bool) -> Iterator[str]:
    present = [key for key in _PROMPT_KEYS if key in parameters]
    if len(present) > 1:
        yield f"only one of Text, SSML, PromptId may be given, got {', '.join(present)}"
    elif required and not present:
        yield "one of Text, SSML, PromptId is required"


def _static_integer(parameters: Mapping[str, Any], name: str, low: int, high: int) -> Iterator[str]:
    value = parameters.get(name)
    if not isinstance(value, str) or not STATIC_INTEGER_RE.fullmatch(value) or not low <= int(value) <= high:
        yield f"{name} must be a static integer string from {low} to {high}, got {value!r}"


def _string_map(parameters: Mapping[str, Any], name: str, *, required: bool) -> Iterator[str]:
    value = parameters.get(name)
    if value is None:
        if required:
            yield f"{name} is required"
        return
    if not isinstance(value, Mapping) or not all(isinstance(item, str) for item in value.values()):
        yield f"{name} must be a map of strings"
    elif required and not value:
        yield f"{name} must not be empty"


def _choice(
    parameters: Mapping[str, Any], name: str, choices: frozenset[str], *, required: bool
) -> Iterator[str]:
    value = parameters.get(name)
    if value is None and not required:
        return
    if value not in choices:
        yield f"{name} must be one of {', '.join(sorted(choices))}, got {value!r}"


def _check_message(parameters: Mapping[str, Any]) -> Iterator[str]:
    yield from _one_prompt(parameters, required=True)


def _check_iterative_messages(parameters: Mapping[str, Any]) -> Iterator[str]:
    messages = parameters.get("Messages")
    if not isinstance(messages, list) or not messages:
        yield "Messages must be a non-empty list"
        return
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping) or len(message) != 1 or not set(message) <= set(_PROMPT_KEYS):
            yield f"Messages[{index}] must hold exactly one of Text, SSML, PromptId"
    if "InterruptFrequencySeconds" in parameters:
        yield from _static_integer(parameters, "InterruptFrequencySeconds", 1, 86_400)


def _check_input(parameters: Mapping[str, Any]) -> Iterator[str]:
    yield from _one_prompt(parameters, required=False)
    yield from _static_integer(parameters, "InputTimeLimitSeconds", 1, 180)
    yield from _choice(parameters, "StoreInput", frozenset({"True", "False"}), required=False)
    yield from _check_input_validation(parameters)


def _check_input_validation(parameters: Mapping[str, Any]) -> Iterator[str]:
    """The stored-input rules of the GetParticipantInput page.

    ``InputValidation`` is "required if and only if StoreInput is True" and holds one of
    ``PhoneNumberValidation`` (``NumberFormat`` Local or E164; ``CountryCode`` when Local) or
    ``CustomValidation`` (``MaximumLength``); ``InputEncryption`` "may only be specified if
    CustomValidation is provided".
    """
    stored = parameters.get("StoreInput") == "True"
    validation = parameters.get("InputValidation")
    if validation is None and stored:
        yield "InputValidation is required when StoreInput is True"
    elif validation is not None and not stored:
        yield "InputValidation is allowed only when StoreInput is True"
    if isinstance(validation, Mapping):
        yield from _unknown_fields("InputValidation", validation, _VALIDATION_KINDS)
        if len(set(validation) & _VALIDATION_KINDS) != 1:
            yield "InputValidation must hold exactly one of PhoneNumberValidation, CustomValidation"
    else:
        validation = {}  # absent, or reported as "must be a map" by the container rules
    phone = validation.get("PhoneNumberValidation")
    if isinstance(phone, Mapping):
        yield from _unknown_fields("PhoneNumberValidation", phone, frozenset({"NumberFormat", "CountryCode"}))
        yield from _choice(phone, "NumberFormat", frozenset({"Local", "E164"}), required=True)
        if phone.get("NumberFormat") == "Local" and not isinstance(phone.get("CountryCode"), str):
            yield "PhoneNumberValidation.CountryCode is required when NumberFormat is Local"
    custom = validation.get("CustomValidation")
    if isinstance(custom, Mapping):
        yield from _unknown_fields("CustomValidation", custom, frozenset({"MaximumLength"}))
        for message in _static_integer(custom, "MaximumLength", 1, 1_000):
            yield f"CustomValidation.{message}"
    if "InputEncryption" in parameters and not isinstance(custom, Mapping):
        yield "InputEncryption needs InputValidation.CustomValidation"


_VALIDATION_KINDS: Final = frozenset({"PhoneNumberValidation", "CustomValidation"})


def _unknown_fields(name: str, value: Mapping[str, Any], known: frozenset[str]) -> Iterator[str]:
    unknown = sorted(set(value) - known)
    if unknown:
        yield f"unknown {name} field(s) {', '.join(unknown)}"


def _check_lex(parameters: Mapping[str, Any]) -> Iterator[str]:
    yield from _one_prompt(parameters, required=False)
    bot = parameters.get("LexV2Bot")
    if not isinstance(bot, Mapping) or not isinstance(bot.get("AliasArn"), str) or set(bot) != {"AliasArn"}:
        yield 'LexV2Bot must be {"AliasArn": ...}'
    yield from _string_map(parameters, "LexSessionAttributes", required=False)


def _check_lambda(parameters: Mapping[str, Any]) -> Iterator[str]:
    if not isinstance(parameters.get("LambdaFunctionARN"), str):
        yield "LambdaFunctionARN is required"
    yield from _static_integer(parameters, "InvocationTimeLimitSeconds", 1, 8)
    yield from _choice(parameters, "InvocationType", frozenset({"SYNCHRONOUS"}), required=True)
    validation = parameters.get("ResponseValidation")
    if not isinstance(validation, Mapping) or set(validation) != {"ResponseType"}:
        yield 'ResponseValidation must be {"ResponseType": "STRING_MAP" | "JSON"}'
    else:
        yield from _choice(validation, "ResponseType", frozenset({"STRING_MAP", "JSON"}), required=True)
    yield from _string_map(parameters, "LambdaInvocationAttributes", required=False)


def _check_attributes(parameters: Mapping[str, Any]) -> Iterator[str]:
    yield from _string_map(parameters, "Attributes", required=True)
    yield from _choice(parameters, "TargetContact", frozenset({"Current", "Related"}), required=False)


def _check_compare(parameters: Mapping[str, Any]) -> Iterator[str]:
    value = parameters.get("ComparisonValue")
    if not isinstance(value, str) or not JSONPATH_RE.fullmatch(value):
        yield f"ComparisonValue must be exactly one JSONPath of an allowed root, got {value!r}"


def _check_metric(parameters: Mapping[str, Any]) -> Iterator[str]:
    yield from _choice(parameters, "MetricType", METRIC_TYPES, required=True)
    if "QueueId" in parameters and "AgentId" in parameters:
        yield "QueueId and AgentId may not both be given"


def _check_target_queue(parameters: Mapping[str, Any]) -> Iterator[str]:
    if ("QueueId" in parameters) == ("AgentId" in parameters):
        yield "exactly one of QueueId, AgentId is required"


def _check_voice(parameters: Mapping[str, Any]) -> Iterator[str]:
    if not isinstance(parameters.get("TextToSpeechVoice"), str):
        yield "TextToSpeechVoice is required"
    yield from _choice(parameters, "TextToSpeechEngine", POLLY_ENGINES, required=False)
    yield from _choice(
        parameters, "TextToSpeechStyle", frozenset({"None", "Conversational", "Newscaster"}), required=False
    )


def _check_contact_data(parameters: Mapping[str, Any]) -> Iterator[str]:
    # The page marks TargetContact [Required].
    yield from _choice(parameters, "TargetContact", frozenset({"Current", "Related"}), required=True)
    if set(parameters) == {"TargetContact"}:
        yield "UpdateContactData needs at least one value to set"


def _check_logging(parameters: Mapping[str, Any]) -> Iterator[str]:
    yield from _choice(parameters, "FlowLoggingBehavior", frozenset({"Enabled", "Disabled"}), required=True)


def _check_event_hooks(parameters: Mapping[str, Any]) -> Iterator[str]:
    hooks = parameters.get("EventHooks")
    if not isinstance(hooks, Mapping) or len(hooks) != 1:
        yield "EventHooks must hold exactly one entry"
        return
    ((event, flow),) = hooks.items()
    if event not in EVENT_HOOKS:
        yield f"unknown event hook {event!r}"
    if not isinstance(flow, str):
        yield f"EventHooks.{event} must be a flow id or ARN"


def _check_loop(parameters: Mapping[str, Any]) -> Iterator[str]:
    value = parameters.get("LoopCount")
    if isinstance(value, str) and JSONPATH_RE.fullmatch(value):
        return  # "fully dynamic" is allowed
    yield from _static_integer(parameters, "LoopCount", 0, 100)


def _input_errors(parameters: Mapping[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    base = frozenset({NO_MATCHING_ERROR, INPUT_TIME_LIMIT_EXCEEDED})
    if parameters.get("StoreInput") == "True":
        # Stored input that times out takes the success branch with the value "Timeout" (the
        # Store customer input block page), so only NoMatchingError is required. InvalidPhoneNumber
        # "must be defined only if StoreInput is true, and PhoneNumberValidation is specified".
        validation = parameters.get("InputValidation")
        phone = isinstance(validation, Mapping) and "PhoneNumberValidation" in validation
        allowed = base | {INVALID_PHONE_NUMBER} if phone else base
        return allowed, frozenset({NO_MATCHING_ERROR})
    # NoMatchingCondition "must be defined only if StoreInput is False".
    return base | {NO_MATCHING_CONDITION}, base | {NO_MATCHING_CONDITION}


def _metric_errors(parameters: Mapping[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    if str(parameters.get("MetricType", "")).startswith("NumberOfAgents"):
        # The page: NoMatchingCondition "only supported if the MetricType is
        # OldestContactInQueueAgeSeconds or NumberOfContactsInQueue"; NextAction is the else branch.
        return frozenset({NO_MATCHING_ERROR}), frozenset({NO_MATCHING_ERROR})
    both = frozenset({NO_MATCHING_ERROR, NO_MATCHING_CONDITION})
    return both, both


_PROMPT: Final = frozenset(_PROMPT_KEYS)

#: Every action type the project uses, with what its Flow-language page allows.
ACTION_SPECS: Final[Mapping[str, ActionSpec]] = {
    "MessageParticipant": ActionSpec(
        parameters=_PROMPT | {"Media"},
        single_reference=frozenset({"PromptId"}),
        check_parameters=_check_message,
    ),
    "MessageParticipantIteratively": ActionSpec(
        parameters=frozenset({"Messages", "InterruptFrequencySeconds"}),
        flow_types=frozenset({CUSTOMER_QUEUE}),
        static=frozenset({"InterruptFrequencySeconds"}),
        check_parameters=_check_iterative_messages,
        check_conditions=_iterative_conditions,
    ),
    "GetParticipantInput": ActionSpec(
        parameters=_PROMPT
        | {
            "Media",
            "InputTimeLimitSeconds",
            "StoreInput",
            "InputValidation",
            "InputEncryption",
            "DTMFConfiguration",
        },
        static=frozenset({"InputTimeLimitSeconds", "StoreInput", "InputValidation", "DTMFConfiguration"}),
        single_reference=frozenset({"PromptId"}),
        check_parameters=_check_input,
        check_conditions=_input_conditions,
        errors_for=_input_errors,
    ),
    "ConnectParticipantWithLexBot": ActionSpec(
        parameters=_PROMPT
        | {"Media", "LexV2Bot", "LexSessionAttributes", "LexInitializationData", "LexTimeoutSeconds"},
        errors=frozenset({NO_MATCHING_ERROR, NO_MATCHING_CONDITION, INPUT_TIME_LIMIT_EXCEEDED}),
        required_errors=frozenset({NO_MATCHING_ERROR, NO_MATCHING_CONDITION, INPUT_TIME_LIMIT_EXCEEDED}),
        single_reference=frozenset({"PromptId"}),
        check_parameters=_check_lex,
        check_conditions=_equals_conditions,
    ),
    "InvokeLambdaFunction": ActionSpec(
        parameters=frozenset(
            {
                "LambdaFunctionARN",
                "InvocationTimeLimitSeconds",
                "InvocationType",
                "LambdaInvocationAttributes",
                "ResponseValidation",
            }
        ),
        static=frozenset({"InvocationTimeLimitSeconds", "InvocationType", "ResponseValidation"}),
        check_parameters=_check_lambda,
    ),
    "UpdateContactAttributes": ActionSpec(
        parameters=frozenset({"Attributes", "TargetContact"}),
        static=frozenset({"TargetContact"}),
        check_parameters=_check_attributes,
    ),
    "Compare": ActionSpec(
        parameters=frozenset({"ComparisonValue"}),
        errors=frozenset({NO_MATCHING_CONDITION}),
        required_errors=frozenset({NO_MATCHING_CONDITION}),
        check_parameters=_check_compare,
        check_conditions=_any_conditions,
    ),
    "CheckHoursOfOperation": ActionSpec(
        parameters=frozenset({"HoursOfOperationId"}),
        single_reference=frozenset({"HoursOfOperationId"}),
        check_conditions=_exact_conditions(("Equals", "True"), ("Equals", "False")),
    ),
    "CheckMetricData": ActionSpec(
        parameters=frozenset({"MetricType", "QueueId", "AgentId"}),
        static=frozenset({"MetricType"}),
        single_reference=frozenset({"QueueId", "AgentId"}),
        check_parameters=_check_metric,
        check_conditions=_metric_conditions,
        errors_for=_metric_errors,
    ),
    "UpdateContactTargetQueue": ActionSpec(
        parameters=frozenset({"QueueId", "AgentId"}),
        flow_types=frozenset({CONTACT_FLOW}),
        single_reference=frozenset({"QueueId", "AgentId"}),
        check_parameters=_check_target_queue,
    ),
    "TransferContactToQueue": ActionSpec(
        parameters=frozenset(),
        flow_types=frozenset({CONTACT_FLOW}),
        errors=frozenset({NO_MATCHING_ERROR, QUEUE_AT_CAPACITY}),
        required_errors=frozenset({NO_MATCHING_ERROR, QUEUE_AT_CAPACITY}),
    ),
    "UpdateContactTextToSpeechVoice": ActionSpec(
        parameters=frozenset({"TextToSpeechVoice", "TextToSpeechEngine", "TextToSpeechStyle"}),
        check_parameters=_check_voice,
    ),
    "UpdateContactData": ActionSpec(
        parameters=frozenset(
            {"Name", "Description", "LanguageCode", "CustomerId", "References", "TargetContact"}
        ),
        static=frozenset({"TargetContact"}),
        check_parameters=_check_contact_data,
    ),
    "UpdateFlowLoggingBehavior": ActionSpec(
        parameters=frozenset({"FlowLoggingBehavior"}),
        errors=frozenset(),
        required_errors=frozenset(),
        static=frozenset({"FlowLoggingBehavior"}),
        check_parameters=_check_logging,
    ),
    "UpdateContactEventHooks": ActionSpec(
        parameters=frozenset({"EventHooks"}), check_parameters=_check_event_hooks
    ),
    "Loop": ActionSpec(
        parameters=frozenset({"LoopCount"}),
        errors=frozenset(),
        required_errors=frozenset(),
        check_parameters=_check_loop,
        check_conditions=_exact_conditions(("Equals", "ContinueLooping"), ("Equals", "DoneLooping")),
    ),
    "DisconnectParticipant": ActionSpec(
        parameters=frozenset(), errors=frozenset(), required_errors=frozenset(), terminal=True
    ),
    "EndFlowExecution": ActionSpec(
        parameters=frozenset(),
        flow_types=frozenset({CUSTOMER_QUEUE}),
        errors=frozenset(),
        required_errors=frozenset(),
        terminal=True,
    ),
}

#: Action types that end the contact's run through a flow (the graph walker's safe ends).
ENDING_ACTION_TYPES: Final = frozenset(
    {"DisconnectParticipant", "EndFlowExecution", "TransferContactToQueue"}
)


# --- the checker -------------------------------------------------------------------------------------


def check_flow(flow: Any, *, flow_name: str, flow_type: str = CONTACT_FLOW) -> list[FlowProblem]:
    """Every rule ``flow`` breaks, in document order; an empty list means the flow is fine.

    Args:
        flow: the parsed flow document (placeholders may be resolved or not).
        flow_name: named in every problem.
        flow_type: the Connect flow type the document deploys as; decides which actions are allowed.
    """
    problems = [FlowProblem(flow_name, None, message) for message in _document_problems(flow, flow_type)]
    examinable = (
        flow_type in BOTH_FLOW_TYPES and isinstance(flow, Mapping) and isinstance(flow.get("Actions"), list)
    )
    if not examinable or not flow["Actions"]:
        return problems
    by_identifier: dict[str, Mapping[str, Any]] = {}
    for index, action in enumerate(flow["Actions"]):
        identifier = action.get("Identifier") if isinstance(action, Mapping) else None
        if not isinstance(identifier, str):
            problems.append(FlowProblem(flow_name, None, f"Actions[{index}] has no string Identifier"))
            continue
        messages = list(_identifier_problems(identifier))
        if identifier in by_identifier:
            messages.append("duplicate Identifier")
        else:
            by_identifier[identifier] = action
        problems.extend(FlowProblem(flow_name, identifier, message) for message in messages)

    start = flow.get("StartAction")
    if start not in by_identifier:
        problems.append(FlowProblem(flow_name, None, f"StartAction {start!r} is not an action of the flow"))
    for identifier, action in by_identifier.items():
        problems.extend(
            FlowProblem(flow_name, identifier, message)
            for message in _action_problems(action, flow_type, set(by_identifier))
        )
    if isinstance(start, str) and start in by_identifier:
        reachable = reachable_from(flow, start)
        problems.extend(
            FlowProblem(flow_name, identifier, "not reachable from StartAction")
            for identifier in by_identifier
            if identifier not in reachable
        )
    return problems


def _document_problems(flow: Any, flow_type: str) -> Iterator[str]:
    """Problems of the document as a whole (type, Version, format, size)."""
    if flow_type not in BOTH_FLOW_TYPES:
        yield f"unknown flow type {flow_type!r}"
        return
    if not isinstance(flow, Mapping):
        yield "a flow must be a JSON object"
        return
    if flow.get("Version") != FLOW_LANGUAGE_VERSION:
        yield f"Version must be {FLOW_LANGUAGE_VERSION!r}, got {flow.get('Version')!r}"
    for key in ("modules", "branches"):
        if key in flow:
            yield f"{key!r} belongs to the old console-export format, not the Flow language"
    actions = flow.get("Actions")
    if not isinstance(actions, list) or not actions:
        yield "Actions must be a non-empty list"
    elif len(actions) > MAX_ACTIONS:
        yield f"{len(actions)} actions exceed the limit of {MAX_ACTIONS}"


def require_valid_flow(flow: Any, *, flow_name: str, flow_type: str = CONTACT_FLOW) -> None:
    """Raise :class:`FlowCheckError` listing every problem of ``flow``, if it has any."""
    problems = check_flow(flow, flow_name=flow_name, flow_type=flow_type)
    if problems:
        raise FlowCheckError(problems)


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
    for condition in transitions.get("Conditions") or []:
        operator, operand = _operand(condition)
        if isinstance(condition, Mapping) and isinstance(condition.get("NextAction"), str):
            found.append((f"Condition {operator} {operand}", condition["NextAction"]))
    for error in transitions.get("Errors") or []:
        if isinstance(error, Mapping) and isinstance(error.get("NextAction"), str):
            found.append((f"Error {error.get('ErrorType')}", error["NextAction"]))
    return found


def reachable_from(flow: Mapping[str, Any], start: str) -> set[str]:
    """Identifiers of the actions reachable from ``start`` through any transition."""
    by_identifier = {
        action["Identifier"]: action
        for action in flow.get("Actions") or []
        if isinstance(action, Mapping) and isinstance(action.get("Identifier"), str)
    }
    seen: set[str] = set()
    pending = [start]
    while pending:
        identifier = pending.pop()
        if identifier in seen or identifier not in by_identifier:
            continue
        seen.add(identifier)
        pending.extend(target for _label, target in transitions_of(by_identifier[identifier]))
    return seen


def _identifier_problems(identifier: str) -> Iterator[str]:
    if not identifier:
        yield "Identifier must not be empty"
    if len(identifier) > MAX_IDENTIFIER_LENGTH:
        yield f"Identifier is longer than {MAX_IDENTIFIER_LENGTH} characters"
    bad = sorted(set(identifier) & FORBIDDEN_IDENTIFIER_CHARACTERS)
    if bad:
        yield f"Identifier contains forbidden character(s) {' '.join(bad)}"
    if identifier in FORBIDDEN_IDENTIFIERS:
        yield f"Identifier {identifier!r} is a reserved name"


def _action_problems(action: Mapping[str, Any], flow_type: str, identifiers: set[str]) -> Iterator[str]:
    action_type = action.get("Type")
    spec = ACTION_SPECS.get(action_type) if isinstance(action_type, str) else None
    if spec is None:
        yield f"unknown action type {action_type!r} (not a Flow-language type used by this project)"
        return
    if flow_type not in spec.flow_types:
        yield f"{action_type} is not available in {flow_type} flows"

    parameters = action.get("Parameters", {})
    if not isinstance(parameters, Mapping):
        yield "Parameters must be an object"
        parameters = {}
    yield from _parameter_problems(spec, parameters)

    transitions = action.get("Transitions")
    if not isinstance(transitions, Mapping):
        yield "Transitions must be an object"
        return
    if spec.terminal:
        if transitions:
            yield f"{action_type} is terminal: Transitions must be {{}}"
        return
    yield from _transition_problems(spec, parameters, transitions, identifiers)


def _parameter_problems(spec: ActionSpec, parameters: Mapping[str, Any]) -> Iterator[str]:
    unknown = sorted(set(parameters) - spec.parameters)
    if unknown:
        yield f"unknown parameter(s) {', '.join(unknown)}"
    for name, value in parameters.items():
        if name not in CONTAINER_PARAMETERS and isinstance(value, Mapping | list):
            yield f"parameter {name} must be a string, got {type(value).__name__}"
    for path, value in _leaves(parameters):
        if isinstance(value, str):
            yield from _value_problems(spec, path, value)
        else:
            yield f"parameter {path} must be a string, got {type(value).__name__}"
    if spec.check_parameters is not None:
        yield from spec.check_parameters(parameters)


def _value_problems(spec: ActionSpec, path: str, value: str) -> Iterator[str]:
    """Placeholders and JSONPath references in one string parameter (``path`` names it)."""
    for token in PLACEHOLDER_RE.findall(value):
        if token not in KNOWN_PLACEHOLDERS:
            yield f"parameter {path} uses unknown placeholder %{token}%"
    top = path.split(".", 1)[0].split("[", 1)[0]
    references = _REFERENCE_CANDIDATE_RE.findall(value)
    if top in spec.static and references:
        yield f"parameter {path} must be defined statically"
    elif top in spec.single_reference and "$." in value and not JSONPATH_RE.fullmatch(value):
        yield f"parameter {path} must be static or exactly one JSONPath"
    else:
        for reference in references:
            if not JSONPATH_RE.fullmatch(reference):
                yield f"parameter {path} reads {reference!r}, not an allowed JSONPath"


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, leaf) of every non-container value below ``value``; maps and lists recurse."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def _transition_problems(
    spec: ActionSpec, parameters: Mapping[str, Any], transitions: Mapping[str, Any], identifiers: set[str]
) -> Iterator[str]:
    unknown = sorted(set(transitions) - {"NextAction", "Errors", "Conditions"})
    if unknown:
        yield f"unknown transition field(s) {', '.join(unknown)}"
    next_action = transitions.get("NextAction")
    if not isinstance(next_action, str):
        yield "NextAction is required"
    elif next_action not in identifiers:
        yield f"NextAction {next_action!r} is not an action of the flow"
    yield from _error_problems(spec, parameters, transitions.get("Errors", []), identifiers)
    yield from _condition_problems(spec, parameters, transitions.get("Conditions", []), identifiers)


def _error_problems(
    spec: ActionSpec, parameters: Mapping[str, Any], errors: Any, identifiers: set[str]
) -> Iterator[str]:
    allowed, required = (
        spec.errors_for(parameters) if spec.errors_for else (spec.errors, spec.required_errors)
    )
    if not isinstance(errors, list):
        yield "Errors must be a list"
        errors = []
    error_types: list[str] = []
    for error in errors:
        if not isinstance(error, Mapping) or not isinstance(error.get("ErrorType"), str):
            yield "every error needs an ErrorType"
            continue
        error_type = error["ErrorType"]
        error_types.append(error_type)
        if error_type not in allowed:
            yield f"error type {error_type} is not supported by this action"
        if error.get("NextAction") not in identifiers:
            yield f"error {error_type} goes to {error.get('NextAction')!r}, not an action of the flow"
    for duplicate in sorted({item for item in error_types if error_types.count(item) > 1}):
        yield f"error type {duplicate} appears more than once"
    for missing in sorted(required - set(error_types)):
        yield f"missing error branch {missing}"


def _condition_problems(
    spec: ActionSpec, parameters: Mapping[str, Any], conditions: Any, identifiers: set[str]
) -> Iterator[str]:
    if not isinstance(conditions, list):
        yield "Conditions must be a list"
        return
    if spec.check_conditions is None:
        if conditions:
            yield "this action does not support Conditions"
        return
    yield from spec.check_conditions(parameters, conditions)
    for condition in conditions:
        target = condition.get("NextAction") if isinstance(condition, Mapping) else None
        if target not in identifiers:
            yield f"a condition goes to {target!r}, not an action of the flow"
