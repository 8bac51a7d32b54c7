"""Runs Amazon Connect test cases (Testing language) against the offline contact center.

The same documents the synth deploys as ``AWS::Connect::TestCase`` (:mod:`scenarios.test_cases`)
run here through :func:`simulator.call.simulate_call`, so one scenario proves the flows offline in
CI and on the instance after a deploy, and the two cannot drift. The runner plays Connect's part:

* **Observations** (:class:`ObservationEngine`): start observations (no other one leads to them)
  are active from the start; an active observation whose event happens runs its actions in
  ``NextAction`` order and activates its ``NextObservations``. ``EXACTLY`` ones stop after
  ``Times`` (default 1) matches and must all be met; ``ANY`` ones are optional and stay active. A
  message may meet several observations of a chain (a prompt holding two expected fragments).
* **Events**: every prompt is a ``MessageReceived``; the contact-flow function, the hours check
  and every contact-creating action (:data:`testlang.model.CONTACT_CREATING_ACTIONS`: the queue
  transfer, ``CreateCallbackContact``, ``CreateTask``, …) are ``FlowActionStarted``;
  ``TestInitiated`` first, ``TestCompleted`` last. A contact-creating action that starts while the
  test is still running counts as a contact created (:attr:`TestCaseResult.created`): on an instance
  it would queue a contact or create work for agents.
* **Matching**: ``Inclusion`` is containment after Unicode NFKC and whitespace normalisation.
  ``Similarity`` is Connect's semantic matching, approximated deterministically: the message
  contains the normalised text, or at least 80% of the expected text's words occur in it.
* **Actions**: ``SendInstruction`` queues the customer's input (the caller answers the next input
  request with it, silence when none is queued); ``OverrideSystemBehavior`` queues an override per
  resource, used first in, first out (a ``MockResponse`` slower than the block's time limit takes
  its error branch; a substitute hours resource is the always-open or always-closed one of
  :class:`scenarios.test_cases.TestCaseResources`); ``EndTest`` ends the test: later events are
  not observed.
* Conditions the language cannot express (time, agents, queue depth, Bedrock, a failing bot,
  table faults, chat input) are the ``settings`` of the call, which the command line builds from
  the document's ``Metadata.Simulator.CallOptions`` (the scenario's ``call`` options).

The result reads like ``GetTestCaseExecutionSummary``: status, observations met and failed, and
the first observation that was not met. The same hooks record a scenario's **transcript**
(:func:`record_transcript`), from which the documents are built.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from simulator.connect import SimulatedConnect, SimulationError
from simulator.flow_data import ActionFailed, Contact, LambdaInvocation
from simulator.world import CallSettings, LocalArns
from testlang.model import CONTACT_CREATING_ACTIONS, UsageType

SIMILARITY_THRESHOLD: Final = 0.8
_WORD_RE: Final = re.compile(r"\w+")


def normalize(text: str) -> str:
    """NFKC, whitespace collapsed: how messages and expected texts are compared."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def message_matches(expected: str, message: str, criteria: str) -> bool:
    """``Inclusion``: containment; ``Similarity``: containment or enough of the words (see module)."""
    wanted, heard = normalize(expected), normalize(message)
    if wanted in heard:
        return True
    if criteria != "Similarity":
        return False
    words = _WORD_RE.findall(wanted)
    present = set(_WORD_RE.findall(heard))
    return bool(words) and sum(word in present for word in words) / len(words) >= SIMILARITY_THRESHOLD


# --- the test case and its result ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TestCase:
    """A test case as ``CreateTestCase`` takes it: name, entry point type and content."""

    __test__ = False  # not a pytest class

    name: str
    entry_point_type: str
    content: Mapping[str, Any]

    @classmethod
    def from_definition(cls, definition: Mapping[str, Any]) -> TestCase:
        """From ``{"Name", "EntryPoint": {"Type"}, "Content"}`` (content as a JSON string or object)."""
        content = definition["Content"]
        parsed = json.loads(content) if isinstance(content, str) else content
        entry = definition.get("EntryPoint") or {}
        return cls(
            name=str(definition["Name"]),
            entry_point_type=str(entry.get("Type", "VOICE_CALL")),
            content=parsed,
        )

    def definition(self) -> dict[str, Any]:
        """The ``CreateTestCase``-shaped JSON of :meth:`from_definition`."""
        return {
            "Name": self.name,
            "EntryPoint": {"Type": self.entry_point_type},
            "Content": json.dumps(self.content, ensure_ascii=False),
        }


@dataclass
class ObservationOutcome:
    """How one observation fared."""

    identifier: str
    required: int | None  # EXACTLY times; None for ANY
    matched: int = 0
    active: bool = False

    @property
    def passed(self) -> bool:
        return self.required is None or self.matched == self.required


@dataclass
class TestCaseResult:
    """The end of a run: status, observations, how it ended and what it touched."""

    __test__ = False  # not a pytest class

    name: str
    observations: list[ObservationOutcome]
    messages: list[str]
    ended_by_test: bool
    #: A transfer went ahead while the test was running (a real instance would queue the contact).
    queued: bool
    #: Contact-flow operations that ran the real function while the test was running.
    real_invocations: list[str]
    logged: list[dict[str, str]] = field(default_factory=list)
    #: Rows the bot's own tables hold when the call ends (:func:`bot_rows`).
    bot_rows: dict[str, int] = field(default_factory=dict)
    #: Contact-creating actions that went ahead while the test was running, in order.
    created: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(outcome.passed for outcome in self.observations)

    @property
    def failed_observation(self) -> ObservationOutcome | None:
        """The observation the test waited for when it ended (else the first one not met)."""
        failed = [outcome for outcome in self.observations if not outcome.passed]
        return next((outcome for outcome in failed if outcome.active), failed[0] if failed else None)

    def summary(self) -> dict[str, Any]:
        """Status and counts in the manner of ``GetTestCaseExecutionSummary`` (not its exact shape)."""
        failed = self.failed_observation
        return {
            "TestCaseName": self.name,
            "Status": "PASSED" if self.passed else "FAILED",
            "ObservationSummary": {
                "TotalObservations": len(self.observations),
                "ObservationsPassed": sum(outcome.passed for outcome in self.observations),
                "ObservationsFailed": sum(not outcome.passed for outcome in self.observations),
            },
            "FailedObservation": None if failed is None else failed.identifier,
            "EndedBy": "EndTest" if self.ended_by_test else "ContactEnded",
            "Messages": list(self.messages),
        }


# --- observations ----------------------------------------------------------------------------------


class ObservationEngine:
    """Connect's side of a test case: active observations, their actions, queued inputs/overrides."""

    def __init__(self, content: Mapping[str, Any]) -> None:
        self._observations: list[Mapping[str, Any]] = list(content.get("Observations", []))
        targeted = {
            target
            for observation in self._observations
            for target in (observation.get("Transitions") or {}).get("NextObservations", [])
        }
        self.outcomes: dict[str, ObservationOutcome] = {}
        for observation in self._observations:
            usage = observation.get("Usage") or {"Type": UsageType.EXACTLY}
            required = None if usage.get("Type") == UsageType.ANY else int(usage.get("Times", 1))
            identifier = observation["Identifier"]
            self.outcomes[identifier] = ObservationOutcome(
                identifier, required, active=identifier not in targeted
            )
        self.inputs: deque[str] = deque()
        self._overrides: dict[tuple[str, str], deque[Mapping[str, Any]]] = {}
        self.ended = False
        self.messages: list[str] = []
        self.logged: list[dict[str, str]] = []

    # events
    def event(
        self, event_type: str, properties: Mapping[str, Any] | None = None, text: str | None = None
    ) -> None:
        """One system event; ``text`` for messages."""
        tried: set[str] = set()
        progress = True
        while progress and not self.ended:
            progress = False
            for observation in self._observations:
                outcome = self.outcomes[observation["Identifier"]]
                if (
                    outcome.active
                    and outcome.identifier not in tried
                    and self._matches(observation.get("Event") or {}, event_type, properties or {}, text)
                ):
                    tried.add(outcome.identifier)
                    self._fire(observation, outcome)
                    progress = event_type == "MessageReceived"  # a message may meet the next one too
                    break

    def message(self, text: str) -> None:
        if not self.ended:
            self.messages.append(text)
        self.event("MessageReceived", text=text)

    @staticmethod
    def _matches(
        spec: Mapping[str, Any], event_type: str, properties: Mapping[str, Any], text: str | None
    ) -> bool:
        if spec.get("Type") != event_type:
            return False
        expected = spec.get("Properties") or {}
        if event_type == "MessageReceived":
            wanted = expected.get("Text")
            return (
                text is not None
                and isinstance(wanted, str)
                and message_matches(wanted, text, str(expected.get("MatchingCriteria", "Inclusion")))
            )
        if event_type == "FlowActionStarted":
            if expected.get("ActionType") != properties.get("ActionType"):
                return False
            wanted_parameters = expected.get("ActionParameters") or {}
            given = properties.get("ActionParameters") or {}
            return all(given.get(key) == value for key, value in wanted_parameters.items())
        return True

    def _fire(self, observation: Mapping[str, Any], outcome: ObservationOutcome) -> None:
        outcome.matched += 1
        if outcome.required is not None and outcome.matched >= outcome.required:
            outcome.active = False
        actions = {action["Identifier"]: action for action in observation.get("Actions", [])}
        current = next(iter(actions), "")
        while current and current in actions and not self.ended:
            action = actions[current]
            self._run(action)
            current = (action.get("Transitions") or {}).get("NextAction", "")
        for target in (observation.get("Transitions") or {}).get("NextObservations", []):
            following = self.outcomes.get(target)
            if following is not None and not (
                following.required is not None and following.matched >= following.required
            ):
                following.active = True

    def _run(self, action: Mapping[str, Any]) -> None:
        parameters = action.get("Parameters") or {}
        if action.get("Type") == "SendInstruction":
            properties = parameters["Instruction"].get("Properties") or {}
            self.inputs.append(str(properties.get("Value", properties.get("Text", ""))))
        elif action.get("Type") == "OverrideSystemBehavior":
            behavior = parameters["Behavior"]["Properties"]
            resource = next(iter((behavior.get("ActionParameters") or {}).values()), "")
            self._overrides.setdefault((behavior["ActionType"], resource), deque()).append(
                behavior["Strategy"]
            )
        elif action.get("Type") == "TestControl":
            command = parameters["Command"]
            if command["Type"] == "EndTest":
                self.ended = True
            else:
                self.logged.append(dict((command.get("Properties") or {}).get("Expressions", {})))

    def override(self, action_type: str, resource: str) -> Mapping[str, Any] | None:
        """The next queued override of a resource (first in, first out), None when there is none."""
        queued = self._overrides.get((action_type, resource))
        return queued.popleft() if queued else None


# --- the simulated instance, observed ----------------------------------------------------------------


class Recorder:
    """Records a scripted call's events for its transcript (:mod:`scenarios.test_cases`)."""

    ended = False

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def message(self, text: str) -> None:
        self.events.append({"message": text})

    def event(
        self, event_type: str, properties: Mapping[str, Any] | None = None, text: str | None = None
    ) -> None:
        action_type = (properties or {}).get("ActionType")
        if action_type in CONTACT_CREATING_ACTIONS:
            self.events.append({"flow_action": action_type})

    def override(self, action_type: str, resource: str) -> Mapping[str, Any] | None:
        return None


class TestCaseConnect(SimulatedConnect):
    """The simulated instance with Connect's test hooks: events out, overrides in."""

    __test__ = False  # not a pytest class

    def __init__(self, *, observer: Any, substitutes: Mapping[str, bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._observer = observer
        self._substitutes = substitutes  # substitute hours ARN -> open?
        self.queued = False
        self.created: list[str] = []
        self.real_invocations: list[str] = []

    def _contact_creating(self, action_type: str) -> None:
        """Announce a contact-creating action; it counts as created unless the test ended on it."""
        self._observer.event("FlowActionStarted", {"ActionType": action_type, "ActionParameters": {}})
        if not self._observer.ended:
            self.created.append(action_type)

    def play(self, text: str) -> None:
        super().play(text)
        self._observer.message(text)

    def invoke_lambda(self, invocation: LambdaInvocation, contact: Contact) -> Any:
        arn = invocation.function_arn
        self._observer.event(
            "FlowActionStarted",
            {"ActionType": "InvokeLambdaFunction", "ActionParameters": {"LambdaFunctionARN": arn}},
        )
        operation = str(invocation.parameters.get("action", ""))
        strategy = self._observer.override("InvokeLambdaFunction", arn)
        response: Any = None
        try:
            if strategy is None:
                if not self._observer.ended:
                    self.real_invocations.append(operation)
                response = super().invoke_lambda(invocation, contact)
            elif strategy.get("Type") != "MockResponse":
                raise SimulationError("a substitute function cannot run offline")
            else:
                result = strategy["Response"]["ExecutionResult"]
                if float(result.get("DelaySeconds", 0)) > invocation.time_limit_seconds:
                    raise ActionFailed("mocked answer slower than InvocationTimeLimitSeconds")
                response = json.loads(result.get("LoadedData") or "{}")
            return response
        finally:
            if isinstance(self._observer, Recorder):
                self._observer.events.append(
                    {"flow_action": "InvokeLambdaFunction", "operation": operation, "response": response}
                )

    def hours_open(self, hours_arn: str) -> bool:
        self._observer.event(
            "FlowActionStarted",
            {"ActionType": "CheckHoursOfOperation", "ActionParameters": {"HoursOfOperationId": hours_arn}},
        )
        strategy = self._observer.override("CheckHoursOfOperation", hours_arn)
        if strategy is None:
            is_open = super().hours_open(hours_arn)
        elif strategy.get("SubstituteArn") in self._substitutes:
            is_open = self._substitutes[strategy["SubstituteArn"]]
        else:
            raise ActionFailed(f"unknown substitute hours {strategy.get('SubstituteArn')!r}")
        if isinstance(self._observer, Recorder):
            self._observer.events.append({"flow_action": "CheckHoursOfOperation", "open": is_open})
        return is_open

    def enqueue(self, queue_arn: str) -> bool:
        self._contact_creating("TransferContactToQueue")
        self.queued = self.queued or "TransferContactToQueue" in self.created
        return super().enqueue(queue_arn)

    def effect(self, action_type: str, request: Mapping[str, Any], contact: Contact) -> Mapping[str, Any]:
        if action_type in CONTACT_CREATING_ACTIONS:
            self._contact_creating(action_type)
        return super().effect(action_type, request, contact)

    def metric(self, metric_type: str, queue_arn: str) -> float:
        if isinstance(self._observer, Recorder):
            # Live staffing decides here on an instance (no override): the transcript says so.
            self._observer.events.append({"flow_action": "CheckMetricData", "metric": metric_type})
        return super().metric(metric_type, queue_arn)


class _EngineCaller:
    """The simulated customer: answers with the inputs SendInstruction queued, else silence."""

    def __init__(self, engine: ObservationEngine) -> None:
        self._engine = engine

    def next_input(self, keypad: bool = False) -> str | None:
        return self._engine.inputs.popleft() if self._engine.inputs and not self._engine.ended else None


class _RecordingCaller:
    def __init__(self, inputs: tuple[str, ...], recorder: Recorder) -> None:
        self._inputs = deque(inputs)
        self._recorder = recorder

    def next_input(self, keypad: bool = False) -> str | None:
        if not self._inputs:
            return None
        text = self._inputs.popleft()
        self._recorder.events.append({"input": text, "keypad": keypad})
        return text


# --- running -----------------------------------------------------------------------------------------


def local_resources(env: str = "dev") -> Any:
    """The local ARNs a document names offline (:class:`scenarios.test_cases.TestCaseResources`)."""
    from config.settings import load_environment
    from flowlang import FLOWS
    from scenarios.test_cases import TestCaseResources

    config = load_environment(env)
    arns = LocalArns.for_config(config, [spec.key for spec in FLOWS])
    return TestCaseResources(
        inbound_flow_arn=arns.flow_arns["inbound"],
        contact_flow_function_arn=arns.contact_flow_function_arn,
        hours_arn=arns.hours_arn,
        always_open_hours_arn=f"{arns.instance_arn}/operating-hours/{config.name_prefix}-test-always-open",
        always_closed_hours_arn=f"{arns.instance_arn}/operating-hours/{config.name_prefix}-test-always-closed",
    )


def run_test_case(test_case: TestCase, settings: CallSettings, *, resources: Any = None) -> TestCaseResult:
    """Run one test case offline; ``settings`` carry what the language cannot (the call's options).

    The document must name the local resources of ``settings.env`` (:func:`local_resources`).
    """
    import dataclasses

    from simulator.call import simulate_call

    resources = resources if resources is not None else local_resources(settings.env)
    channel = "CHAT" if test_case.entry_point_type == "CHAT" else "VOICE"
    engine = ObservationEngine(test_case.content)
    substitutes = {resources.always_open_hours_arn: True, resources.always_closed_hours_arn: False}
    services: list[TestCaseConnect] = []

    def factory(**kwargs: Any) -> TestCaseConnect:
        services.append(TestCaseConnect(observer=engine, substitutes=substitutes, **kwargs))
        return services[-1]

    engine.event("TestInitiated")
    call = simulate_call(
        dataclasses.replace(settings, channel=channel), _EngineCaller(engine), services_factory=factory
    )
    ended_by_test = engine.ended
    engine.event("TestCompleted")
    return TestCaseResult(
        name=test_case.name,
        observations=list(engine.outcomes.values()),
        messages=engine.messages,
        ended_by_test=ended_by_test,
        queued=services[0].queued,
        created=services[0].created,
        real_invocations=services[0].real_invocations,
        logged=engine.logged,
        bot_rows=bot_rows(call.records),
    )


def bot_rows(records: Mapping[str, Any]) -> dict[str, int]:
    """Rows of the tables the Lex code hook may write, but the conversation log (a documented gap).

    The test language cannot override the bot, so a test case for production must end before the
    turn that writes one of these (:mod:`scenarios.test_cases`).
    """
    from contract import CONVERSATIONS, LEX_HOOK_TABLES

    keys = [definition.key for definition in LEX_HOOK_TABLES if definition is not CONVERSATIONS]
    return {key: len(records.get(key, ())) for key in keys}


def record_events(
    settings: CallSettings, says: tuple[str, ...]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The events of one scripted call (its settings and inputs), and :func:`bot_rows` at its end."""
    from simulator.call import simulate_call

    recorder = Recorder()
    factory: Callable[..., TestCaseConnect] = functools.partial(
        TestCaseConnect, observer=recorder, substitutes={}
    )
    call = simulate_call(settings, _RecordingCaller(says, recorder), services_factory=factory)
    return recorder.events, bot_rows(call.records)
