"""The one declarative model of Amazon Connect's Flow language (``"Version": "2019-10-30"``).

Everything the checker (:mod:`flowlang.checker`), the simulator's runtime
(:mod:`simulator.flow_runtime`) and the synth know about the language lives here: flow types,
channels, operators (with their semantics), error types, JSONPath namespaces
(:mod:`flowlang.references`) and one :class:`ActionType` per action type of the AWS Flow-language
reference (``flowlang/actions/<category>.py``, the reference's own four categories). No other
module keeps a table of action types, parameters, operators, metric types or errors.

Where the documentation and flows that Connect accepted (console exports, flows deployed by AWS
solutions) disagree, the accepted flows win; each such case is written down in the ``notes`` of the
action or parameter it concerns, with its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final

FLOW_LANGUAGE_VERSION: Final = "2019-10-30"
#: Where the action pages of the Flow-language reference live (each ActionType's ``doc`` is below it).
REFERENCE_DOCS: Final = "https://docs.aws.amazon.com/connect/latest/APIReference/"
#: The instance the documentation examples of the model name (Seoul, a documentation account id).
EXAMPLE_INSTANCE_ARN: Final = (
    "arn:aws:connect:ap-northeast-2:111122223333:instance/4f2c8a1e-7b3d-4e5f-9a10-2b3c4d5e6f70"
)
MAX_ACTIONS: Final = 250
MAX_IDENTIFIER_LENGTH: Final = 50
FORBIDDEN_IDENTIFIER_CHARACTERS: Final = frozenset("%:()\\/=$,;[]{}")
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


# --- flow types and channels ---------------------------------------------------------------------


class FlowType(StrEnum):
    """Connect flow types (``AWS::Connect::ContactFlow`` ``Type``) and flow modules."""

    CONTACT_FLOW = "CONTACT_FLOW"
    CUSTOMER_QUEUE = "CUSTOMER_QUEUE"
    CUSTOMER_HOLD = "CUSTOMER_HOLD"
    CUSTOMER_WHISPER = "CUSTOMER_WHISPER"
    AGENT_HOLD = "AGENT_HOLD"
    AGENT_WHISPER = "AGENT_WHISPER"
    OUTBOUND_WHISPER = "OUTBOUND_WHISPER"
    AGENT_TRANSFER = "AGENT_TRANSFER"
    QUEUE_TRANSFER = "QUEUE_TRANSFER"
    CAMPAIGN = "CAMPAIGN"
    FLOW_MODULE = "FLOW_MODULE"


ALL_FLOW_TYPES: Final = frozenset(FlowType)
#: Flow types whose run is part of a caller's path (inbound and transfer flows).
INBOUND_FLOW_TYPES: Final = frozenset(
    {FlowType.CONTACT_FLOW, FlowType.AGENT_TRANSFER, FlowType.QUEUE_TRANSFER, FlowType.FLOW_MODULE}
)
#: Whisper flows: played to one side when an agent is connected.
WHISPER_FLOW_TYPES: Final = frozenset(
    {FlowType.CUSTOMER_WHISPER, FlowType.AGENT_WHISPER, FlowType.OUTBOUND_WHISPER}
)
#: Hold flows: looped while a participant is on hold.
HOLD_FLOW_TYPES: Final = frozenset({FlowType.CUSTOMER_HOLD, FlowType.AGENT_HOLD})
#: Flow types whose run ends by itself while the contact goes on (queue, hold, whisper): an action
#: with ``Transitions: {}`` may end them — Connect accepted acme_hold (AGENT_HOLD) written so.
SELF_ENDING_FLOW_TYPES: Final = HOLD_FLOW_TYPES | WHISPER_FLOW_TYPES | {FlowType.CUSTOMER_QUEUE}


class Channel(StrEnum):
    """Contact channels."""

    VOICE = "VOICE"
    CHAT = "CHAT"
    TASK = "TASK"
    EMAIL = "EMAIL"


ALL_CHANNELS: Final = frozenset(Channel)


class Category(StrEnum):
    """The four action categories of the Flow-language reference."""

    PARTICIPANT = "participant"
    FLOW_CONTROL = "flow-control"
    CONTACT = "contact"
    INTERACTION = "interaction"


# --- errors --------------------------------------------------------------------------------------

NO_MATCHING_ERROR: Final = "NoMatchingError"
NO_MATCHING_CONDITION: Final = "NoMatchingCondition"
INPUT_TIME_LIMIT_EXCEEDED: Final = "InputTimeLimitExceeded"
QUEUE_AT_CAPACITY: Final = "QueueAtCapacity"


# --- operators -----------------------------------------------------------------------------------


def as_number(text: str | None) -> Decimal | None:
    """``text`` as a finite number, None when it is not one (number operators are then false)."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


@dataclass(frozen=True)
class Operator:
    """One condition operator: its name, whether it compares numbers, and what it means."""

    name: str
    numeric: bool
    test: Callable[[Any, Any], bool]

    def holds(self, value: str | None, operand: str) -> bool:
        """Whether the condition holds; a missing value (or a non-number, for numbers) never does."""
        if value is None:
            return False
        if self.numeric:
            left, right = as_number(value), as_number(operand)
            return left is not None and right is not None and bool(self.test(left, right))
        return bool(self.test(value, operand))


#: The condition operators of the Flow language.
OPERATORS: Final[Mapping[str, Operator]] = {
    operator.name: operator
    for operator in (
        Operator("Equals", False, lambda value, operand: value == operand),
        Operator("TextStartsWith", False, lambda value, operand: value.startswith(operand)),
        Operator("TextEndsWith", False, lambda value, operand: value.endswith(operand)),
        Operator("TextContains", False, lambda value, operand: operand in value),
        Operator("NumberGreaterThan", True, lambda left, right: left > right),
        Operator("NumberGreaterOrEqualTo", True, lambda left, right: left >= right),
        Operator("NumberLessThan", True, lambda left, right: left < right),
        Operator("NumberLessOrEqualTo", True, lambda left, right: left <= right),
    )
}
ALL_OPERATORS: Final = frozenset(OPERATORS)
TEXT_OPERATORS: Final = frozenset(name for name, operator in OPERATORS.items() if not operator.numeric)
NUMBER_OPERATORS: Final = frozenset(name for name, operator in OPERATORS.items() if operator.numeric)


# --- parameters ----------------------------------------------------------------------------------


class Kind(StrEnum):
    """How a parameter's value may be written.

    * ``STATIC``: a string, no JSONPath ("must be defined statically").
    * ``DYNAMIC``: a static string or exactly one JSONPath ("may be defined statically or dynamically").
    * ``REFERENCE``: exactly one JSONPath ("must be defined dynamically").
    * ``TEXT``: a string that may embed JSONPath references (prompt text, SSML).
    * ``MAP``: an object of string keys to ``DYNAMIC`` string values (attributes, tags).
    * ``OBJECT``: an object; ``fields`` describe its keys when the page documents them.
    * ``LIST``: a list; ``fields`` describe each element (an object) when documented.
    * ``ANY``: any JSON value (undocumented parameters seen in accepted flows).
    """

    STATIC = "static"
    DYNAMIC = "dynamic"
    REFERENCE = "reference"
    TEXT = "text"
    MAP = "map"
    OBJECT = "object"
    LIST = "list"
    ANY = "any"


STRING_KINDS: Final = frozenset({Kind.STATIC, Kind.DYNAMIC, Kind.REFERENCE, Kind.TEXT})


@dataclass(frozen=True)
class Param:
    """One parameter (or one key of an object parameter).

    Attributes:
        name: the key.
        kind: how its value may be written (:class:`Kind`).
        required: the action page says it must be given.
        values: the allowed static values, when the page lists them.
        integer: (low, high) when a static value must be an integer in that range.
        fields: the keys of an ``OBJECT`` (or of each element of a ``LIST``), when documented;
            None accepts any keys.
        notes: where accepted flows disagree with the page, what was seen and decided.
    """

    name: str
    kind: Kind = Kind.DYNAMIC
    required: bool = False
    values: frozenset[str] | None = None
    integer: tuple[int, int] | None = None
    fields: tuple[Param, ...] | None = None
    notes: str = ""

    def field(self, name: str) -> Param | None:
        """The documented key ``name`` of this object parameter, if any."""
        return next((item for item in self.fields or () if item.name == name), None)


# --- conditions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conditions:
    """What the ``Conditions`` of an action may hold.

    Attributes:
        operators: the operators a condition may use.
        operands: the only operands allowed (e.g. ``True``/``False``), None when free.
        operand_pattern: a regular expression every operand must match, None when free.
        required: the action needs at least one condition (Compare).
        exhaustive: every operand in ``operands`` must appear (CheckHoursOfOperation's True and False).
        result: what value the conditions are compared with, in words (for documentation).
    """

    operators: frozenset[str] = ALL_OPERATORS
    operands: frozenset[str] | None = None
    operand_pattern: str | None = None
    required: bool = False
    exhaustive: bool = False
    result: str = ""

    def operand_allowed(self, operand: str) -> bool:
        """Whether one operand is allowed (placeholders and JSONPath are checked elsewhere)."""
        if self.operands is not None and operand not in self.operands:
            return False
        return self.operand_pattern is None or re.fullmatch(self.operand_pattern, operand) is not None


# --- action types --------------------------------------------------------------------------------

#: A rule that depends on several parameters: the action's parameters → (severity, rule, message).
CrossCheck = Callable[[Mapping[str, Any]], Iterator[tuple[str, str, str]]]
#: A rule over the parameters and the conditions (operator, operand) → (severity, rule, message).
ConditionCheck = Callable[[Mapping[str, Any], list[tuple[str, str]]], Iterator[tuple[str, str, str]]]
#: Errors that depend on the parameters: the action's parameters → the possible error types.
ErrorsFor = Callable[[Mapping[str, Any]], frozenset[str]]


class Ending(StrEnum):
    """How an action ends the run of its flow (if it does)."""

    NONE = "none"  # the flow goes on through Transitions
    DISCONNECT = "disconnect"  # DisconnectParticipant
    END_FLOW = "end_flow"  # EndFlowExecution: the flow ends, the contact goes on (queue, hold, whisper)
    QUEUE = "queue"  # TransferContactToQueue / TransferContactToAgent: the contact leaves the flow on success
    TRANSFER_FLOW = "transfer_flow"  # TransferToFlow: another flow takes over on success
    MODULE_RETURN = "module_return"  # EndFlowModuleExecution: back to the invoking flow


@dataclass(frozen=True)
class ActionType:
    """One action type of the Flow-language reference.

    Attributes:
        name: the ``Type`` string.
        category: the reference's category.
        doc: the action page (``https://docs.aws.amazon.com/connect/latest/APIReference/...``).
        summary: what it does, in one line.
        parameters: its parameters.
        exactly_one_of: groups of parameters of which exactly one must be given.
        at_most_one_of: groups of parameters of which at most one may be given.
        errors: the error types its page lists (a branch for another type is an error).
        errors_for: when the possible errors depend on the parameters, computes them instead.
        conditions: what its Conditions may hold; None when conditions are not supported.
        flow_types: the flow types where it is supported.
        channels: the channels where it is supported (elsewhere it takes its error branch).
        ending: how it ends the flow's run (terminal actions have ``Transitions: {}``).
        terminal: ``Transitions`` must be ``{}``.
        cross_checks: rules over several parameters.
        condition_checks: rules over the parameters and the conditions together.
        example: Parameters as the page's example shows them (the test flows are built from it).
        example_conditions: (operator, operand) conditions for the example, if it has conditions.
        notes: where accepted flows and the page disagree, what was seen and decided.
    """

    name: str
    category: Category
    doc: str
    summary: str
    parameters: tuple[Param, ...] = ()
    exactly_one_of: tuple[frozenset[str], ...] = ()
    at_most_one_of: tuple[frozenset[str], ...] = ()
    errors: frozenset[str] = frozenset({NO_MATCHING_ERROR})
    errors_for: ErrorsFor | None = None
    conditions: Conditions | None = None
    flow_types: frozenset[FlowType] = ALL_FLOW_TYPES
    channels: frozenset[Channel] = ALL_CHANNELS
    ending: Ending = Ending.NONE
    terminal: bool = False
    cross_checks: tuple[CrossCheck, ...] = ()
    condition_checks: tuple[ConditionCheck, ...] = ()
    example: Mapping[str, Any] = field(default_factory=dict)
    example_conditions: tuple[tuple[str, str], ...] = ()
    notes: str = ""

    def parameter(self, name: str) -> Param | None:
        """The parameter ``name``, if the action has it."""
        return next((item for item in self.parameters if item.name == name), None)

    def possible_errors(self, parameters: Mapping[str, Any]) -> frozenset[str]:
        """The error types this action can take with these parameters."""
        return self.errors_for(parameters) if self.errors_for is not None else self.errors
