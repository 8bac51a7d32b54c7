"""What the Flow-language interpreter and its action handlers share: the data of a run.

The parsed flow (:class:`Flow`, :class:`Action`, :class:`Branch`), the contact as flows see it
(:class:`Contact`), what a service answers (:class:`BotResult`, :class:`LambdaInvocation`) or how
it fails (:class:`ActionFailed`, :class:`InputTimeout`), the outcome of one action
(:class:`Next`, :class:`Error`, :class:`Stop`, :class:`Jump`), how a run ended and its trace
(:class:`EndReason`, :class:`FlowEnd`, :class:`ContactEnd`, :class:`Trace`), and why a flow
cannot run (:class:`FlowError`). The run loop is :mod:`simulator.flow_runtime`; what each action
does is :mod:`simulator.flow_actions`; both import this module and neither imports the other's
run-time half, so there is no import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from flowlang.actions import ACTION_TYPES
from flowlang.model import (
    ALL_FLOW_TYPES,
    FLOW_LANGUAGE_VERSION,
    INPUT_TIME_LIMIT_EXCEEDED,
    NO_MATCHING_CONDITION,
    NO_MATCHING_ERROR,
    QUEUE_AT_CAPACITY,
    ActionType,
    FlowType,
)

#: Connect caps contact attributes at 32,768 UTF-8 bytes in total (keys and values).
MAX_ATTRIBUTE_BYTES: Final = 32_768


class ErrorType(StrEnum):
    """The error types the interpreter itself raises (services may raise any documented type)."""

    NO_MATCHING_ERROR = NO_MATCHING_ERROR
    NO_MATCHING_CONDITION = NO_MATCHING_CONDITION
    INPUT_TIME_LIMIT_EXCEEDED = INPUT_TIME_LIMIT_EXCEEDED
    QUEUE_AT_CAPACITY = QUEUE_AT_CAPACITY


class FlowError(Exception):
    """The flow cannot be run as written; the message names the flow and the action."""

    def __init__(self, flow_name: str, action_id: str | None, problem: str) -> None:
        where = f"flow {flow_name!r}" + (f", action {action_id!r}" if action_id else "")
        super().__init__(f"{where}: {problem}")
        self.flow_name = flow_name
        self.action_id = action_id
        self.problem = problem


class StepLimitExceeded(FlowError):
    """More actions ran than the step cap allows: the flows loop without end."""


class InputTimeout(Exception):
    """The caller gave no input before the time limit (``InputTimeLimitExceeded``)."""


class ActionFailed(Exception):
    """A service could not do what the action asked; ``error_type`` names the branch to take."""

    def __init__(self, reason: str = "", *, error_type: str = NO_MATCHING_ERROR) -> None:
        super().__init__(reason)
        self.error_type = error_type


@dataclass(frozen=True, slots=True)
class BotResult:
    """What a bot conversation returned to the flow."""

    intent_name: str
    session_attributes: Mapping[str, str]
    slots: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LambdaInvocation:
    """One ``InvokeLambdaFunction`` as the flow asks for it."""

    function_arn: str
    parameters: Mapping[str, str]
    time_limit_seconds: int
    response_type: str  # STRING_MAP | JSON
    asynchronous: bool = False


# --- the contact ---------------------------------------------------------------------------------


@dataclass
class Contact:
    """The contact's data as flows see it, changed by the actions that run."""

    contact_id: str
    channel: str  # VOICE | CHAT | TASK | EMAIL
    customer_address: str | None  # None on chat: no telephone endpoint
    system_address: str = ""
    instance_arn: str = ""
    region: str = "ap-northeast-2"
    initiation_method: str = "INBOUND"
    attributes: dict[str, str] = field(default_factory=dict)
    external: dict[str, Any] = field(default_factory=dict)
    lex_intent_name: str | None = None
    lex_session_attributes: dict[str, str] = field(default_factory=dict)
    lex_slots: dict[str, str] = field(default_factory=dict)
    stored_customer_input: str | None = None
    target_queue_arn: str | None = None
    target_agent_arn: str | None = None
    event_hooks: dict[str, str] = field(default_factory=dict)
    voice: str | None = None
    voice_engine: str | None = None
    language_code: str | None = None
    flow_logging: bool = False
    name: str | None = None
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    #: Namespaces filled by the services Connect talks to (``Customer``, ``Wisdom``, ``Views``,
    #: ``Case``, ``MediaStreams``, ``SegmentAttributes``, ``Agent``...): root → value.
    data: dict[str, Any] = field(default_factory=dict)

    def namespaces(self, flow_attributes: Mapping[str, Any]) -> dict[str, Any]:
        """Every JSONPath root and its value, as ``$.<root>...`` reads it."""
        values: dict[str, Any] = {
            "Attributes": self.attributes,
            "External": self.external,
            "FlowAttributes": flow_attributes,
            "Lex": {
                "IntentName": self.lex_intent_name,
                "SessionAttributes": self.lex_session_attributes,
                "Slots": self.lex_slots,
            },
            "StoredCustomerInput": self.stored_customer_input,
            "Channel": self.channel,
            "ContactId": self.contact_id,
            "InitialContactId": self.contact_id,
            "InstanceARN": self.instance_arn,
            "InitiationMethod": self.initiation_method,
            "AwsRegion": self.region,
            "LanguageCode": self.language_code,
            "TextToSpeechVoiceId": self.voice,
            "Name": self.name,
            "Description": self.description,
            "CustomerEndpoint": {
                "Address": self.customer_address,
                "Type": "TELEPHONE_NUMBER" if self.customer_address else None,
            },
            "SystemEndpoint": {
                "Address": self.system_address or None,
                "Type": "TELEPHONE_NUMBER" if self.system_address else None,
            },
            "Queue": {"ARN": self.target_queue_arn, "Name": _resource_name(self.target_queue_arn)},
            "Tags": self.tags,
        }
        values.update(self.data)
        return values


def _resource_name(arn: str | None) -> str | None:
    return arn.rsplit("/", 1)[-1] if arn else None


# --- parsed flows --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Branch:
    """One way out of an action: ``label`` is ``NextAction``, ``Condition[i] ...`` or ``Error X``."""

    label: str
    target: str


@dataclass(frozen=True, slots=True)
class Action:
    """One action of a flow, as written, with its model."""

    identifier: str
    type: str
    parameters: Mapping[str, Any]
    transitions: Mapping[str, Any]

    @property
    def model(self) -> ActionType | None:
        """The model of this action's type (None for a type the language does not have)."""
        return ACTION_TYPES.get(self.type)

    @property
    def next_action(self) -> str | None:
        """The default ``NextAction``, if any."""
        target = self.transitions.get("NextAction")
        return target if isinstance(target, str) and target else None

    @property
    def conditions(self) -> list[Mapping[str, Any]]:
        """``Conditions`` in order."""
        found = self.transitions.get("Conditions")
        return [item for item in found if isinstance(item, Mapping)] if isinstance(found, list) else []

    @property
    def errors(self) -> list[Mapping[str, Any]]:
        """``Errors`` in order."""
        found = self.transitions.get("Errors")
        return [item for item in found if isinstance(item, Mapping)] if isinstance(found, list) else []

    def branches(self) -> list[Branch]:
        """Every way out of the action, labelled as the coverage report names them."""
        found: list[Branch] = []
        if self.next_action:
            found.append(Branch("NextAction", self.next_action))
        for index, condition in enumerate(self.conditions):
            found.append(Branch(condition_label(index, condition), str(condition.get("NextAction"))))
        for error in self.errors:
            found.append(Branch(f"Error {error.get('ErrorType')}", str(error.get("NextAction"))))
        return found


def condition_label(index: int, condition: Mapping[str, Any]) -> str:
    """``Condition[0] Equals 1``: how one condition branch is named in paths and reports."""
    spec = condition.get("Condition") or {}
    operands = " ".join(str(operand) for operand in spec.get("Operands") or [])
    return f"Condition[{index}] {spec.get('Operator')} {operands}".rstrip()


@dataclass(frozen=True, slots=True)
class Flow:
    """A parsed flow: its name (for messages), type, start action and actions by identifier."""

    name: str
    start_action: str
    actions: Mapping[str, Action]
    flow_type: str = FlowType.CONTACT_FLOW
    settings: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, name: str, document: Any, *, flow_type: str = FlowType.CONTACT_FLOW) -> Flow:
        """Parse a Flow-language document; what makes it unrunnable raises ``FlowError``."""
        if not isinstance(document, Mapping):
            raise FlowError(name, None, "a flow must be a JSON object")
        if document.get("Version") != FLOW_LANGUAGE_VERSION:
            raise FlowError(name, None, f"Version must be {FLOW_LANGUAGE_VERSION!r}")
        if flow_type not in ALL_FLOW_TYPES:
            raise FlowError(name, None, f"unknown flow type {flow_type!r}")
        actions: dict[str, Action] = {}
        raw_actions = document.get("Actions")
        for raw in raw_actions if isinstance(raw_actions, list) else []:
            identifier = raw.get("Identifier") if isinstance(raw, Mapping) else None
            if not isinstance(identifier, str) or not identifier:
                raise FlowError(name, None, "an action has no Identifier")
            if identifier in actions:
                raise FlowError(name, identifier, "duplicate Identifier")
            parameters = raw.get("Parameters")
            transitions = raw.get("Transitions")
            actions[identifier] = Action(
                identifier=identifier,
                type=str(raw.get("Type")),
                parameters=parameters if isinstance(parameters, Mapping) else {},
                transitions=transitions if isinstance(transitions, Mapping) else {},
            )
        start = document.get("StartAction")
        if start not in actions:
            raise FlowError(name, None, f"StartAction {start!r} is not an action of the flow")
        settings = document.get("Settings")
        return cls(
            name=name,
            start_action=str(start),
            actions=actions,
            flow_type=flow_type,
            settings=settings if isinstance(settings, Mapping) else {},
        )

    def action(self, identifier: str, *, came_from: str | None = None) -> Action:
        """The action ``identifier``; a dangling transition fails the run naming where it came from."""
        try:
            return self.actions[identifier]
        except KeyError:
            raise FlowError(self.name, came_from, f"transition to unknown action {identifier!r}") from None


# --- run results and the trace -------------------------------------------------------------------


class EndReason(StrEnum):
    """Why a flow run stopped."""

    DISCONNECTED = "disconnected"  # DisconnectParticipant
    QUEUED = "queued"  # TransferContactToQueue / TransferContactToAgent succeeded
    ENDED = "ended"  # EndFlowExecution
    RETURNED = "returned"  # EndFlowModuleExecution: back to the invoking flow
    TRANSFERRED = "transferred"  # TransferToFlow to a flow the world has no document for
    UNHANDLED_ERROR = "unhandled_error"  # an error with no branch: the contact ends
    STEP_BUDGET = "step_budget"  # a bounded run (queue or hold flow) used its budget


@dataclass(frozen=True, slots=True)
class FlowEnd:
    """How a flow run ended; ``queue_arn`` is set for ``QUEUED``, ``flow_arn`` for ``TRANSFERRED``."""

    reason: EndReason
    flow_name: str
    action_id: str
    queue_arn: str | None = None
    flow_arn: str | None = None


@dataclass(frozen=True, slots=True)
class FlowLogEntry:
    """What Connect's flow log would hold for one action run while flow logging was on.

    Deliberately generous: the action's parameters with every reference resolved, and what it
    produced — its value (input, comparison, intent), the function's ``$.External`` answer, the
    stored customer input, the bot's session attributes — so a test that finds no personal data
    here finds none in the real entries either.
    """

    flow: str
    identifier: str
    type: str
    parameters: Any
    results: Mapping[str, Any]


@dataclass
class Trace:
    """What ran: identifiers in order, every (flow, action, branch) taken, and what happened."""

    path: list[str] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    transitions: list[tuple[str, str, str]] = field(default_factory=list)
    #: Readable events: services touched, flows entered, errors without a branch.
    events: list[str] = field(default_factory=list)
    #: The simulated flow log: one entry per action run with flow logging on
    #: (``UpdateFlowLoggingBehavior``; an action that turns logging on logs itself too).
    flow_log: list[FlowLogEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ContactEnd:
    """How a contact's whole path ended: the main flows' end, the queue it waits in, an agent."""

    end: FlowEnd
    queue_arn: str | None
    agent_answered: bool


# --- outcomes of one action ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Next:
    """Go on: evaluate ``value`` against the conditions (if any), else take ``NextAction``."""

    value: str | None = None
    has_value: bool = False


@dataclass(frozen=True, slots=True)
class Error:
    """Take the branch of ``error_type`` (else ``NoMatchingError``)."""

    error_type: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Stop:
    """The flow's run ends here."""

    reason: EndReason
    queue_arn: str | None = None
    flow_arn: str | None = None


@dataclass(frozen=True, slots=True)
class Jump:
    """Another flow takes over the contact (``TransferToFlow``)."""

    flow: Flow


Outcome = Next | Error | Stop | Jump


def as_text(value: Any) -> str:
    """A JSON value as flows compare it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def first_intent_condition(actions: Iterable[Mapping[str, Any]]) -> str | None:
    """The first ``Equals`` operand of a list of conditions (a default bot's answer)."""
    for condition in actions:
        spec = condition.get("Condition") or {}
        operands = spec.get("Operands") or []
        if spec.get("Operator") == "Equals" and operands and isinstance(operands[0], str):
            return operands[0]
    return None
