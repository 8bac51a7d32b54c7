"""An interpreter for Amazon Connect's Flow language (``"Version": "2019-10-30"``).

It runs the very flow JSON that deploys (placeholders resolved) against a :class:`FlowServices`
object that plays prompts, collects the caller's input, talks to the bot, invokes Lambda and
answers routing questions. The semantics follow the Flow-language reference
(``../shared/REFERENCE.md`` and the Connect Flow-language documentation):

* **Transitions.** ``Conditions`` are tried in order and the first that holds wins; when none
  holds the action fails with ``NoMatchingCondition``, which goes to that error branch if there
  is one and otherwise to the default ``NextAction``. Any other error goes to its own branch,
  else to ``NoMatchingError``. An error without any branch fails the call (the flow checker
  should have caught it) rather than guessing.
* **Operators.** ``Equals``, ``TextStartsWith``, ``TextEndsWith``, ``TextContains`` compare text;
  ``NumberGreaterThan``, ``NumberGreaterOrEqualTo``, ``NumberLessThan``, ``NumberLessOrEqualTo``
  compare numbers and are false when either side is not a number. A value that does not exist
  (an unset attribute) satisfies no condition.
* **Data.** ``$.Attributes`` (contact attributes), ``$.External`` (the last Lambda result,
  replaced wholesale by every invocation), ``$.Lex.IntentName``, ``$.Lex.SessionAttributes``,
  ``$.StoredCustomerInput``, ``$.Channel``, ``$.ContactId``, ``$.CustomerEndpoint.Address`` and a
  few more system values. A parameter is either static or exactly one JSONPath; prompt text
  (``Text``/``SSML``) may also embed references, which are replaced by their values.
* **Loop** counts per action identifier: ``ContinueLooping`` ``LoopCount`` times, then
  ``DoneLooping`` once, then the counter starts over.
* **Safety.** An action type, parameter or reference the interpreter does not know fails the
  call with a :class:`FlowError` naming the flow and the action: nothing is silently skipped.
  A run longer than the step cap fails with :class:`StepLimitExceeded` (an endless loop).

The interpreter is pure Python and knows nothing of AWS: :mod:`simulator.call` provides the
services (real Lambda handlers, the Lex simulation, local tables).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final, Protocol

FLOW_LANGUAGE_VERSION: Final = "2019-10-30"
#: Actions run in one call before the simulator declares an endless loop.
DEFAULT_STEP_LIMIT: Final = 500
#: Connect caps contact attributes at 32,768 UTF-8 bytes in total (keys and values).
MAX_ATTRIBUTE_BYTES: Final = 32_768
#: Connect's Lambda time limit is an integer between 1 and 8 seconds.
LAMBDA_TIME_LIMIT_RANGE: Final = (1, 8)

# A JSONPath reference: "$." then dotted ASCII names. Korean text may follow a reference directly
# ("$.External.callbackTime에"), so names are ASCII only.
_REFERENCE_RE = re.compile(r"\$\.[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_\-]+)*")
_SSML_TAG_RE = re.compile(r"<[^>]+>")


class ErrorType(StrEnum):
    """Error types of the Flow language used by the actions the interpreter supports."""

    NO_MATCHING_ERROR = "NoMatchingError"
    NO_MATCHING_CONDITION = "NoMatchingCondition"
    INPUT_TIME_LIMIT_EXCEEDED = "InputTimeLimitExceeded"
    QUEUE_AT_CAPACITY = "QueueAtCapacity"


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


# --- services the interpreter needs --------------------------------------------------------------


class InputTimeout(Exception):
    """The caller gave no input before the time limit (``InputTimeLimitExceeded``)."""


class ActionFailed(Exception):
    """A service could not do what the action asked (``NoMatchingError``); the reason is logged."""


@dataclass(frozen=True, slots=True)
class BotResult:
    """What a bot conversation returned to the flow."""

    intent_name: str
    session_attributes: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class LambdaInvocation:
    """One ``InvokeLambdaFunction`` as the flow asks for it."""

    function_arn: str
    parameters: Mapping[str, str]
    time_limit_seconds: int
    response_type: str  # STRING_MAP | JSON


class FlowServices(Protocol):
    """What the flows reach outside the interpreter. Every method may raise ``ActionFailed``."""

    def play(self, text: str) -> None:
        """Play (voice) or send (chat) ``text`` to the caller."""

    def get_input(self, prompt: str | None, *, timeout_seconds: int, max_length: int | None = None) -> str:
        """Play ``prompt`` and return the caller's input: key presses (voice) or typed text (chat).

        ``max_length`` None asks for one choice (a single key on voice); a number asks for stored
        input (every key up to the termination on voice, the whole text on chat) of at most that
        many characters. Raises ``InputTimeout`` when the caller gives nothing.
        """

    def talk_to_bot(
        self, alias_arn: str, prompt: str | None, session_attributes: Mapping[str, str]
    ) -> BotResult:
        """Hand the caller to the bot until it closes; raises ``InputTimeout`` on silence."""

    def invoke_lambda(self, invocation: LambdaInvocation, contact: Contact) -> Any:
        """Invoke the function; returns its response (validated by the interpreter)."""

    def hours_open(self, hours_arn: str) -> bool:
        """Whether the hours of operation are open now."""

    def queue_hours(self, queue_arn: str) -> str:
        """The hours-of-operation ARN of a queue (the default of ``CheckHoursOfOperation``)."""

    def metric(self, metric_type: str, queue_arn: str) -> float:
        """A real-time metric of a queue (``CheckMetricData``)."""

    def known_queue(self, queue_arn: str) -> bool:
        """Whether ``queue_arn`` is a queue of the instance."""

    def enqueue(self, queue_arn: str) -> bool:
        """Put the contact in the queue; False when the queue is at capacity."""

    def flow_for(self, flow_arn: str) -> Flow:
        """The flow behind a flow ARN (event hooks, ``TransferToFlow``)."""


# --- the contact ---------------------------------------------------------------------------------


@dataclass
class Contact:
    """The contact's data as flows see it, changed by the actions that run."""

    contact_id: str
    channel: str  # VOICE | CHAT
    customer_address: str | None  # None on chat: no telephone endpoint
    system_address: str = ""
    instance_arn: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    external: dict[str, Any] = field(default_factory=dict)
    lex_intent_name: str | None = None
    lex_session_attributes: dict[str, str] = field(default_factory=dict)
    stored_customer_input: str | None = None
    target_queue_arn: str | None = None
    event_hooks: dict[str, str] = field(default_factory=dict)
    voice: str | None = None
    voice_engine: str | None = None
    language_code: str | None = None
    flow_logging: bool = False
    name: str | None = None
    description: str | None = None


# --- parsed flows --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Branch:
    """One way out of an action: ``label`` is ``NextAction``, ``Condition[i] ...`` or ``Error X``."""

    label: str
    target: str


@dataclass(frozen=True, slots=True)
class Action:
    """One action of a flow, as written."""

    identifier: str
    type: str
    parameters: Mapping[str, Any]
    transitions: Mapping[str, Any]

    @property
    def next_action(self) -> str | None:
        """The default ``NextAction``, if any."""
        target = self.transitions.get("NextAction")
        return target if isinstance(target, str) and target else None

    @property
    def conditions(self) -> list[Mapping[str, Any]]:
        """``Conditions`` in order."""
        return list(self.transitions.get("Conditions") or [])

    @property
    def errors(self) -> list[Mapping[str, Any]]:
        """``Errors`` in order."""
        return list(self.transitions.get("Errors") or [])

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
    """A parsed flow: its name (for messages), start action and actions by identifier."""

    name: str
    start_action: str
    actions: Mapping[str, Action]

    @classmethod
    def from_json(cls, name: str, document: Mapping[str, Any]) -> Flow:
        """Parse a Flow-language document; structural problems raise ``FlowError``."""
        if document.get("Version") != FLOW_LANGUAGE_VERSION:
            raise FlowError(name, None, f"Version must be {FLOW_LANGUAGE_VERSION!r}")
        actions: dict[str, Action] = {}
        for raw in document.get("Actions") or []:
            identifier = raw.get("Identifier")
            if not isinstance(identifier, str) or not identifier:
                raise FlowError(name, None, "an action has no Identifier")
            if identifier in actions:
                raise FlowError(name, identifier, "duplicate Identifier")
            actions[identifier] = Action(
                identifier=identifier,
                type=str(raw.get("Type")),
                parameters=raw.get("Parameters") or {},
                transitions=raw.get("Transitions") or {},
            )
        start = document.get("StartAction")
        if start not in actions:
            raise FlowError(name, None, f"StartAction {start!r} is not an action of the flow")
        return cls(name=name, start_action=str(start), actions=actions)

    def action(self, identifier: str, *, came_from: str | None = None) -> Action:
        """The action ``identifier``; a dangling transition fails the call naming where it came from."""
        try:
            return self.actions[identifier]
        except KeyError:
            raise FlowError(self.name, came_from, f"transition to unknown action {identifier!r}") from None


# --- run results and the trace -------------------------------------------------------------------


class EndReason(StrEnum):
    """Why a flow run stopped."""

    DISCONNECTED = "disconnected"  # DisconnectParticipant
    QUEUED = "queued"  # TransferContactToQueue succeeded
    ENDED = "ended"  # EndFlowExecution
    STEP_BUDGET = "step_budget"  # a bounded run (hold flow) used its budget


@dataclass(frozen=True, slots=True)
class FlowEnd:
    """How a flow run ended; ``queue_arn`` is set for ``QUEUED``."""

    reason: EndReason
    flow_name: str
    action_id: str
    queue_arn: str | None = None


@dataclass
class Trace:
    """What ran: the identifiers in order and every (flow, action, branch) taken."""

    path: list[str] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    transitions: list[tuple[str, str, str]] = field(default_factory=list)


# --- outcomes of one action ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Next:
    """Go on: evaluate ``value`` against the conditions (if any), else take ``NextAction``."""

    value: str | None = None
    has_value: bool = False


@dataclass(frozen=True, slots=True)
class _Error:
    error_type: ErrorType


@dataclass(frozen=True, slots=True)
class _Stop:
    reason: EndReason
    queue_arn: str | None = None


_Outcome = _Next | _Error | _Stop

_Handler = Callable[["_Run", Action], _Outcome]


@dataclass(frozen=True, slots=True)
class _ActionSpec:
    """Parameters an action type accepts (nested objects list their keys) and its handler."""

    parameters: frozenset[str]
    handler: _Handler
    nested: Mapping[str, frozenset[str]] = field(default_factory=dict)


_PROMPT_PARAMETERS: Final = frozenset({"Text", "SSML", "PromptId"})


# --- operators -----------------------------------------------------------------------------------


def _number(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


def _compare_numbers(test: Callable[[Decimal, Decimal], bool]) -> Callable[[str | None, str], bool]:
    def operator(value: str | None, operand: str) -> bool:
        left, right = _number(value), _number(operand)
        return left is not None and right is not None and test(left, right)

    return operator


def _compare_text(test: Callable[[str, str], bool]) -> Callable[[str | None, str], bool]:
    def operator(value: str | None, operand: str) -> bool:
        return value is not None and test(value, operand)

    return operator


#: The eight operators of the Flow language.
OPERATORS: Final[Mapping[str, Callable[[str | None, str], bool]]] = {
    "Equals": _compare_text(lambda value, operand: value == operand),
    "TextStartsWith": _compare_text(str.startswith),
    "TextEndsWith": _compare_text(str.endswith),
    "TextContains": _compare_text(lambda value, operand: operand in value),
    "NumberGreaterThan": _compare_numbers(lambda left, right: left > right),
    "NumberGreaterOrEqualTo": _compare_numbers(lambda left, right: left >= right),
    "NumberLessThan": _compare_numbers(lambda left, right: left < right),
    "NumberLessOrEqualTo": _compare_numbers(lambda left, right: left <= right),
}


# --- the interpreter -----------------------------------------------------------------------------


class FlowRunner:
    """Runs flows for one contact; the trace and loop counters span every flow of the call."""

    def __init__(
        self, services: FlowServices, contact: Contact, *, step_limit: int = DEFAULT_STEP_LIMIT
    ) -> None:
        self.services = services
        self.contact = contact
        self.trace = Trace()
        self._step_limit = step_limit
        self._steps = 0
        self._loop_counters: dict[tuple[str, str], int] = {}

    def run(self, flow: Flow, *, step_budget: int | None = None) -> FlowEnd:
        """Run ``flow`` from its start until it ends (or, with ``step_budget``, that many actions)."""
        return _Run(self, flow).execute(step_budget)

    # Used by _Run: the call-wide step cap and loop counters.
    def _count_step(self, flow: Flow, action: Action) -> None:
        self._steps += 1
        if self._steps > self._step_limit:
            raise StepLimitExceeded(
                flow.name,
                action.identifier,
                f"more than {self._step_limit} actions ran: the flows loop endlessly",
            )

    def _loop(self, flow: Flow, action: Action, count: int) -> str:
        key = (flow.name, action.identifier)
        done = self._loop_counters.get(key, 0)
        if done < count:
            self._loop_counters[key] = done + 1
            return "ContinueLooping"
        self._loop_counters[key] = 0
        return "DoneLooping"


class _Run:
    """One run of one flow."""

    def __init__(self, runner: FlowRunner, flow: Flow) -> None:
        self.runner = runner
        self.flow = flow
        self.contact = runner.contact
        self.services = runner.services

    # -- the loop

    def execute(self, step_budget: int | None) -> FlowEnd:
        action = self.flow.action(self.flow.start_action)
        steps = 0
        while True:
            if step_budget is not None and steps >= step_budget:
                return FlowEnd(EndReason.STEP_BUDGET, self.flow.name, action.identifier)
            steps += 1
            self.runner._count_step(self.flow, action)
            self.runner.trace.path.append(action.identifier)
            self.runner.trace.actions.append((self.flow.name, action.identifier))
            outcome = self._perform(action)
            if isinstance(outcome, _Stop):
                return FlowEnd(outcome.reason, self.flow.name, action.identifier, outcome.queue_arn)
            branch = self._route(action, outcome)
            self.runner.trace.transitions.append((self.flow.name, action.identifier, branch.label))
            action = self.flow.action(branch.target, came_from=action.identifier)

    def _perform(self, action: Action) -> _Outcome:
        spec = _ACTIONS.get(action.type)
        if spec is None:
            raise self.fail(action, f"action type {action.type!r} is not supported by the simulator")
        unknown = set(action.parameters) - spec.parameters
        if unknown:
            raise self.fail(action, f"unknown parameter(s) {sorted(unknown)} for {action.type}")
        for name, allowed in spec.nested.items():
            value = action.parameters.get(name)
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise self.fail(action, f"parameter {name} must be an object")
            if allowed and set(value) - allowed:
                raise self.fail(action, f"unknown parameter(s) {sorted(set(value) - allowed)} in {name}")
        return spec.handler(self, action)

    def _route(self, action: Action, outcome: _Next | _Error) -> Branch:
        if isinstance(outcome, _Error):
            return self._error_branch(action, outcome.error_type)
        conditions = action.conditions
        if conditions and outcome.has_value:
            for index, condition in enumerate(conditions):
                if self._holds(action, condition, outcome.value):
                    return Branch(condition_label(index, condition), str(condition.get("NextAction")))
            # No condition holds: NoMatchingCondition first, then the default NextAction.
            for error in action.errors:
                if error.get("ErrorType") == ErrorType.NO_MATCHING_CONDITION:
                    return Branch(f"Error {ErrorType.NO_MATCHING_CONDITION}", str(error.get("NextAction")))
            if action.next_action:
                return Branch("NextAction", action.next_action)
            raise self.fail(action, f"no condition matched {outcome.value!r} and there is no branch for it")
        if action.next_action:
            return Branch("NextAction", action.next_action)
        raise self.fail(action, "no NextAction to continue with")

    def _error_branch(self, action: Action, error_type: ErrorType) -> Branch:
        for wanted in (error_type, ErrorType.NO_MATCHING_ERROR):
            for error in action.errors:
                if error.get("ErrorType") == wanted:
                    return Branch(f"Error {wanted}", str(error.get("NextAction")))
        raise self.fail(action, f"{error_type} happened and the action has no branch for it")

    def _holds(self, action: Action, condition: Mapping[str, Any], value: str | None) -> bool:
        spec = condition.get("Condition") or {}
        operator = OPERATORS.get(str(spec.get("Operator")))
        if operator is None:
            raise self.fail(action, f"unknown condition operator {spec.get('Operator')!r}")
        operands = spec.get("Operands") or []
        if len(operands) != 1 or not isinstance(operands[0], str):
            raise self.fail(action, "a condition needs exactly one string operand")
        return operator(value, operands[0])

    def fail(self, action: Action, problem: str) -> FlowError:
        """A ``FlowError`` naming this flow and ``action``."""
        return FlowError(self.flow.name, action.identifier, problem)

    # -- values

    def reference(self, action: Action, path: str) -> Any:
        """The value of one JSONPath reference; None when it names nothing set (yet)."""
        parts = path.split(".")[1:]
        head, rest = parts[0], parts[1:]
        contact = self.contact
        namespaces: dict[str, Any] = {
            "Attributes": contact.attributes,
            "External": contact.external,
        }
        if head in namespaces:
            return _dig(namespaces[head], rest) if rest else None
        if head == "Lex" and rest:
            if rest == ["IntentName"]:
                return contact.lex_intent_name
            if rest[0] == "SessionAttributes" and len(rest) == 2:
                return contact.lex_session_attributes.get(rest[1])
        scalars: dict[tuple[str, ...], Any] = {
            ("Channel",): contact.channel,
            ("ContactId",): contact.contact_id,
            ("InitialContactId",): contact.contact_id,
            ("InstanceARN",): contact.instance_arn,
            ("StoredCustomerInput",): contact.stored_customer_input,
            ("LanguageCode",): contact.language_code,
            ("Name",): contact.name,
            ("Description",): contact.description,
            ("CustomerEndpoint", "Address"): contact.customer_address,
            ("CustomerEndpoint", "Type"): "TELEPHONE_NUMBER" if contact.channel == "VOICE" else None,
            ("SystemEndpoint", "Address"): contact.system_address or None,
            ("Queue", "ARN"): contact.target_queue_arn,
        }
        key = tuple(parts)
        if key in scalars:
            return scalars[key]
        raise self.fail(action, f"unknown reference {path!r}")

    def value(self, action: Action, raw: Any, *, name: str) -> str | None:
        """A parameter value: static text, or exactly one JSONPath (None when it names nothing)."""
        if not isinstance(raw, str):
            raise self.fail(action, f"parameter {name} must be a string")
        if raw.startswith("$."):
            if not _REFERENCE_RE.fullmatch(raw):
                raise self.fail(action, f"parameter {name} must be static or exactly one JSONPath")
            resolved = self.reference(action, raw)
            return None if resolved is None else _as_text(resolved)
        return raw

    def text(self, action: Action, raw: Any, *, name: str) -> str:
        """Prompt text with every embedded ``$.…`` reference replaced by its value."""
        if not isinstance(raw, str):
            raise self.fail(action, f"parameter {name} must be a string")

        def substitute(match: re.Match[str]) -> str:
            resolved = self.reference(action, match.group(0))
            return "" if resolved is None else _as_text(resolved)

        return _REFERENCE_RE.sub(substitute, raw)

    def prompt(self, action: Action) -> str | None:
        """The prompt of an action (Text, SSML without tags, or a prompt id), if it has one."""
        present = [name for name in ("Text", "SSML", "PromptId") if name in action.parameters]
        if len(present) > 1:
            raise self.fail(action, f"only one of Text, SSML, PromptId may be given, got {present}")
        if not present:
            return None
        name = present[0]
        if name == "PromptId":
            return f"[prompt {self.value(action, action.parameters[name], name=name)}]"
        text = self.text(action, action.parameters[name], name=name)
        return _SSML_TAG_RE.sub("", text).strip() if name == "SSML" else text

    def static_int(
        self, action: Action, name: str, *, low: int, high: int, default: int | None = None
    ) -> int:
        """An integer parameter written as a static string (``"8"``) within [low, high]."""
        raw = action.parameters.get(name)
        if raw is None and default is not None:
            return default
        if not isinstance(raw, str) or not raw.strip().isdigit() or not low <= int(raw) <= high:
            raise self.fail(action, f"parameter {name} must be a static integer between {low} and {high}")
        return int(raw)

    def string_map(self, action: Action, name: str) -> dict[str, str | None]:
        """A map parameter with each value resolved."""
        raw = action.parameters.get(name) or {}
        if not isinstance(raw, Mapping):
            raise self.fail(action, f"parameter {name} must be an object")
        return {str(key): self.value(action, value, name=f"{name}.{key}") for key, value in raw.items()}


def _dig(root: Any, keys: Iterable[str]) -> Any:
    current = root
    for key in keys:
        if not isinstance(current, Mapping) or key not in current:
            return None
        current = current[key]
    return current


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _flag(run: _Run, action: Action, name: str, *, default: bool) -> bool:
    raw = action.parameters.get(name)
    if raw is None:
        return default
    if raw not in ("True", "False"):
        raise run.fail(action, f'parameter {name} must be "True" or "False"')
    return bool(raw == "True")


# --- action handlers -----------------------------------------------------------------------------


def _message_participant(run: _Run, action: Action) -> _Outcome:
    prompt = run.prompt(action)
    if prompt is None:
        raise run.fail(action, "MessageParticipant needs Text, SSML or PromptId")
    try:
        run.services.play(prompt)
    except ActionFailed:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    return _Next()


def _message_participant_iteratively(run: _Run, action: Action) -> _Outcome:
    messages = action.parameters.get("Messages")
    if not isinstance(messages, list) or not messages:
        raise run.fail(action, "Messages must be a non-empty list")
    if run.contact.channel != "VOICE":
        # Loop prompts are a voice feature; other channels take the error branch.
        return _Error(ErrorType.NO_MATCHING_ERROR)
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping) or len(message) != 1 or not set(message) <= _PROMPT_PARAMETERS:
            raise run.fail(action, f"Messages[{index}] must hold exactly one of Text, SSML, PromptId")
        ((name, raw),) = message.items()
        if name == "PromptId":
            run.services.play(f"[prompt {run.value(action, raw, name=name)}]")
        else:
            text = run.text(action, raw, name=f"Messages[{index}].{name}")
            run.services.play(_SSML_TAG_RE.sub("", text).strip() if name == "SSML" else text)
    # Each run plays the messages once and then reports the interruption the flow waits for.
    if "InterruptFrequencySeconds" in action.parameters:
        run.static_int(action, "InterruptFrequencySeconds", low=1, high=86_400)
        return _Next("MessagesInterrupted", has_value=True)
    return _Next()


def _get_participant_input(run: _Run, action: Action) -> _Outcome:
    timeout = run.static_int(action, "InputTimeLimitSeconds", low=1, high=180, default=5)
    store = _flag(run, action, "StoreInput", default=False)
    max_length = _stored_input_max_length(run, action) if store else None
    if not store and "InputValidation" in action.parameters:
        raise run.fail(action, "InputValidation is allowed only when StoreInput is True")
    try:
        received = run.services.get_input(run.prompt(action), timeout_seconds=timeout, max_length=max_length)
    except InputTimeout:
        if store:
            # Stored input never times out into the error branch: it stores "Timeout".
            run.contact.stored_customer_input = "Timeout"
            return _Next()
        return _Error(ErrorType.INPUT_TIME_LIMIT_EXCEEDED)
    except ActionFailed:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    if store:
        # Collection stops at MaximumLength, as a keypad stops taking digits.
        run.contact.stored_customer_input = received[:max_length]
        return _Next()
    return _Next(received, has_value=True)


def _stored_input_max_length(run: _Run, action: Action) -> int:
    """``InputValidation.CustomValidation.MaximumLength`` of a stored-input block.

    The action page makes ``InputValidation`` "required if and only if StoreInput is True".
    ``PhoneNumberValidation`` (Connect's own number check) is not simulated: a flow using it fails
    the call instead of being validated differently from Connect.
    """
    validation = action.parameters.get("InputValidation")
    if not isinstance(validation, Mapping):
        raise run.fail(action, "InputValidation is required when StoreInput is True")
    custom = validation.get("CustomValidation")
    if set(validation) != {"CustomValidation"} or not isinstance(custom, Mapping):
        raise run.fail(action, "only InputValidation.CustomValidation is supported by the simulator")
    if set(custom) != {"MaximumLength"}:
        raise run.fail(action, "CustomValidation must hold exactly MaximumLength")
    raw = custom["MaximumLength"]
    if not isinstance(raw, str) or not raw.isdigit() or int(raw) < 1:
        raise run.fail(action, "CustomValidation.MaximumLength must be a static positive integer")
    return int(raw)


def _connect_participant_with_lex_bot(run: _Run, action: Action) -> _Outcome:
    bot = action.parameters.get("LexV2Bot") or {}
    alias = run.value(action, bot.get("AliasArn"), name="LexV2Bot.AliasArn")
    if not alias:
        raise run.fail(action, "LexV2Bot.AliasArn is required")
    session = run.string_map(action, "LexSessionAttributes")
    try:
        result = run.services.talk_to_bot(
            alias, run.prompt(action), {key: value or "" for key, value in session.items()}
        )
    except InputTimeout:
        return _Error(ErrorType.INPUT_TIME_LIMIT_EXCEEDED)
    except ActionFailed:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    run.contact.lex_intent_name = result.intent_name
    run.contact.lex_session_attributes = dict(result.session_attributes)
    return _Next(result.intent_name, has_value=True)


def _invoke_lambda_function(run: _Run, action: Action) -> _Outcome:
    arn = run.value(action, action.parameters.get("LambdaFunctionARN"), name="LambdaFunctionARN")
    if not arn:
        raise run.fail(action, "LambdaFunctionARN is required")
    low, high = LAMBDA_TIME_LIMIT_RANGE
    limit = run.static_int(action, "InvocationTimeLimitSeconds", low=low, high=high)
    invocation_type = action.parameters.get("InvocationType", "SYNCHRONOUS")
    if invocation_type != "SYNCHRONOUS":
        raise run.fail(action, f"InvocationType {invocation_type!r} is not supported (SYNCHRONOUS only)")
    response_type = (action.parameters.get("ResponseValidation") or {}).get("ResponseType", "STRING_MAP")
    if response_type not in ("STRING_MAP", "JSON"):
        raise run.fail(
            action, f"ResponseValidation.ResponseType must be STRING_MAP or JSON, got {response_type!r}"
        )
    parameters = run.string_map(action, "LambdaInvocationAttributes")
    invocation = LambdaInvocation(
        function_arn=arn,
        parameters={key: value or "" for key, value in parameters.items()},
        time_limit_seconds=limit,
        response_type=response_type,
    )
    # $.External is replaced by every invocation, including one that fails.
    run.contact.external = {}
    try:
        response = run.services.invoke_lambda(invocation, run.contact)
    except ActionFailed:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    if not _valid_response(response, response_type):
        return _Error(ErrorType.NO_MATCHING_ERROR)
    run.contact.external = dict(response)
    return _Next()


def _valid_response(response: Any, response_type: str) -> bool:
    if not isinstance(response, Mapping) or not all(isinstance(key, str) for key in response):
        return False
    if response_type == "STRING_MAP":
        return all(isinstance(value, str) for value in response.values())
    return True


def _update_contact_attributes(run: _Run, action: Action) -> _Outcome:
    values = run.string_map(action, "Attributes")
    if not values:
        raise run.fail(action, "Attributes must not be empty")
    # All or nothing: a reference to nothing, or attributes over Connect's size cap, change nothing.
    if any(value is None for value in values.values()):
        return _Error(ErrorType.NO_MATCHING_ERROR)
    updated = {**run.contact.attributes, **{key: str(value) for key, value in values.items()}}
    size = sum(len(key.encode()) + len(value.encode()) for key, value in updated.items())
    if size > MAX_ATTRIBUTE_BYTES:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    run.contact.attributes = updated
    return _Next()


def _compare(run: _Run, action: Action) -> _Outcome:
    raw = action.parameters.get("ComparisonValue")
    if not isinstance(raw, str) or not raw.startswith("$."):
        raise run.fail(action, "ComparisonValue must be one JSONPath")
    if not action.conditions:
        raise run.fail(action, "Compare needs Conditions")
    return _Next(run.value(action, raw, name="ComparisonValue"), has_value=True)


def _check_hours_of_operation(run: _Run, action: Action) -> _Outcome:
    raw = action.parameters.get("HoursOfOperationId")
    if raw is None:
        queue = run.contact.target_queue_arn
        if not queue:
            return _Error(ErrorType.NO_MATCHING_ERROR)
        hours = run.services.queue_hours(queue)
    else:
        resolved = run.value(action, raw, name="HoursOfOperationId")
        if not resolved:
            return _Error(ErrorType.NO_MATCHING_ERROR)
        hours = resolved
    try:
        is_open = run.services.hours_open(hours)
    except ActionFailed:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    return _Next("True" if is_open else "False", has_value=True)


_METRIC_TYPES: Final = frozenset(
    {
        "NumberOfAgentsAvailable",
        "NumberOfAgentsStaffed",
        "NumberOfAgentsOnline",
        "OldestContactInQueueAgeSeconds",
        "NumberOfContactsInQueue",
    }
)


def _check_metric_data(run: _Run, action: Action) -> _Outcome:
    metric_type = action.parameters.get("MetricType")
    if metric_type not in _METRIC_TYPES:
        raise run.fail(action, f"MetricType {metric_type!r} is not supported")
    raw_queue = action.parameters.get("QueueId")
    queue = (
        run.value(action, raw_queue, name="QueueId")
        if raw_queue is not None
        else run.contact.target_queue_arn
    )
    if not queue or not run.services.known_queue(queue):
        return _Error(ErrorType.NO_MATCHING_ERROR)
    try:
        value = run.services.metric(str(metric_type), queue)
    except ActionFailed:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    return _Next(format(Decimal(str(value)).normalize(), "f"), has_value=True)


def _update_contact_target_queue(run: _Run, action: Action) -> _Outcome:
    queue = run.value(action, action.parameters.get("QueueId"), name="QueueId")
    if not queue or not run.services.known_queue(queue):
        return _Error(ErrorType.NO_MATCHING_ERROR)
    run.contact.target_queue_arn = queue
    return _Next()


def _transfer_contact_to_queue(run: _Run, action: Action) -> _Outcome:
    queue = run.contact.target_queue_arn
    if not queue:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    try:
        accepted = run.services.enqueue(queue)
    except ActionFailed:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    if not accepted:
        return _Error(ErrorType.QUEUE_AT_CAPACITY)
    return _Stop(EndReason.QUEUED, queue)


def _update_contact_text_to_speech_voice(run: _Run, action: Action) -> _Outcome:
    voice = run.value(action, action.parameters.get("TextToSpeechVoice"), name="TextToSpeechVoice")
    if not voice:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    engine = action.parameters.get("TextToSpeechEngine")
    if engine is not None and engine not in ("standard", "neural", "generative", "long-form"):
        raise run.fail(action, f"TextToSpeechEngine {engine!r} is not a Polly engine")
    run.contact.voice = voice
    run.contact.voice_engine = engine
    return _Next()


def _update_contact_data(run: _Run, action: Action) -> _Outcome:
    if not set(action.parameters) & set(_CONTACT_FIELDS):
        raise run.fail(action, "UpdateContactData needs at least one value")
    target = action.parameters.get("TargetContact", "Current")
    if target not in _TARGET_CONTACTS:
        raise run.fail(action, f"TargetContact {target!r} is not supported (Current only)")
    for name in ("LanguageCode", "Name", "Description"):
        if name in action.parameters:
            setattr(run.contact, _CONTACT_FIELDS[name], run.value(action, action.parameters[name], name=name))
    return _Next()


_CONTACT_FIELDS: Final = {"LanguageCode": "language_code", "Name": "name", "Description": "description"}
#: UpdateContactData may name its target; only the current contact exists in a simulated call.
_TARGET_CONTACTS: Final = frozenset({"Current"})


def _update_flow_logging_behavior(run: _Run, action: Action) -> _Outcome:
    behavior = action.parameters.get("FlowLoggingBehavior")
    if behavior not in ("Enabled", "Disabled"):
        raise run.fail(action, "FlowLoggingBehavior must be Enabled or Disabled")
    run.contact.flow_logging = behavior == "Enabled"
    return _Next()


def _update_contact_event_hooks(run: _Run, action: Action) -> _Outcome:
    hooks = action.parameters.get("EventHooks")
    if not isinstance(hooks, Mapping) or len(hooks) != 1:
        raise run.fail(action, "EventHooks must hold exactly one entry")
    ((event, raw),) = hooks.items()
    flow_arn = run.value(action, raw, name=f"EventHooks.{event}")
    if not flow_arn:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    try:
        run.services.flow_for(flow_arn)
    except ActionFailed:
        return _Error(ErrorType.NO_MATCHING_ERROR)
    run.contact.event_hooks[str(event)] = flow_arn
    return _Next()


def _loop(run: _Run, action: Action) -> _Outcome:
    count = run.static_int(action, "LoopCount", low=0, high=100)
    return _Next(run.runner._loop(run.flow, action, count), has_value=True)


def _disconnect_participant(run: _Run, action: Action) -> _Outcome:
    return _Stop(EndReason.DISCONNECTED)


def _end_flow_execution(run: _Run, action: Action) -> _Outcome:
    return _Stop(EndReason.ENDED)


_ACTIONS: Final[Mapping[str, _ActionSpec]] = {
    "MessageParticipant": _ActionSpec(_PROMPT_PARAMETERS, _message_participant),
    "MessageParticipantIteratively": _ActionSpec(
        frozenset({"Messages", "InterruptFrequencySeconds"}), _message_participant_iteratively
    ),
    "GetParticipantInput": _ActionSpec(
        _PROMPT_PARAMETERS | {"InputTimeLimitSeconds", "StoreInput", "InputValidation"},
        _get_participant_input,
        nested={"InputValidation": frozenset({"CustomValidation", "PhoneNumberValidation"})},
    ),
    "ConnectParticipantWithLexBot": _ActionSpec(
        _PROMPT_PARAMETERS | {"LexV2Bot", "LexSessionAttributes"},
        _connect_participant_with_lex_bot,
        nested={"LexV2Bot": frozenset({"AliasArn"}), "LexSessionAttributes": frozenset()},
    ),
    "InvokeLambdaFunction": _ActionSpec(
        frozenset(
            {
                "LambdaFunctionARN",
                "InvocationTimeLimitSeconds",
                "InvocationType",
                "LambdaInvocationAttributes",
                "ResponseValidation",
            }
        ),
        _invoke_lambda_function,
        nested={"ResponseValidation": frozenset({"ResponseType"}), "LambdaInvocationAttributes": frozenset()},
    ),
    "UpdateContactAttributes": _ActionSpec(
        frozenset({"Attributes"}), _update_contact_attributes, nested={"Attributes": frozenset()}
    ),
    "Compare": _ActionSpec(frozenset({"ComparisonValue"}), _compare),
    "CheckHoursOfOperation": _ActionSpec(frozenset({"HoursOfOperationId"}), _check_hours_of_operation),
    "CheckMetricData": _ActionSpec(frozenset({"MetricType", "QueueId"}), _check_metric_data),
    "UpdateContactTargetQueue": _ActionSpec(frozenset({"QueueId"}), _update_contact_target_queue),
    "TransferContactToQueue": _ActionSpec(frozenset(), _transfer_contact_to_queue),
    "UpdateContactTextToSpeechVoice": _ActionSpec(
        frozenset({"TextToSpeechVoice", "TextToSpeechEngine"}), _update_contact_text_to_speech_voice
    ),
    "UpdateContactData": _ActionSpec(frozenset({*_CONTACT_FIELDS, "TargetContact"}), _update_contact_data),
    "UpdateFlowLoggingBehavior": _ActionSpec(
        frozenset({"FlowLoggingBehavior"}), _update_flow_logging_behavior
    ),
    "UpdateContactEventHooks": _ActionSpec(
        frozenset({"EventHooks"}), _update_contact_event_hooks, nested={"EventHooks": frozenset()}
    ),
    "Loop": _ActionSpec(frozenset({"LoopCount"}), _loop),
    "DisconnectParticipant": _ActionSpec(frozenset(), _disconnect_participant),
    "EndFlowExecution": _ActionSpec(frozenset(), _end_flow_execution),
}

#: Action types the interpreter runs (anything else fails the call).
SUPPORTED_ACTION_TYPES: Final = frozenset(_ACTIONS)
