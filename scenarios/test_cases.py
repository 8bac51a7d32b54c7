"""Each scripted call as an Amazon Connect test case (Testing language, :mod:`testlang.model`).

One scenario format for both worlds: a :class:`scenarios.calls.ScriptedCall` becomes one document
that the synth deploys as an ``AWS::Connect::TestCase`` (:mod:`constructs_lib.contact_test_cases`)
and that the offline simulator runs (:mod:`simulator.test_case_runner`). Only the resource ARNs
differ (:class:`TestCaseResources`: CloudFormation references at synth, local ARNs offline).

A scenario says what the caller says and which prompt fragments must be heard, not *when* the
caller speaks; a test case needs both. That order is taken from the scenario's **transcript**, the
offline run of the call recorded in ``scenarios/test_case_transcripts.json`` (messages, inputs,
the contact-flow function's answers, the hours checks, the transfer), regenerated with
``python -m simulator test-case --record``. With it a document is:

* a ``TestInitiated`` observation overriding, in the order the call uses them, every run of the
  contact-flow function (``MockResponse`` with the recorded answer: its results depend on the
  caller's tier, the clock and the callback table, none of which the instance can be given, and
  ``register_callback`` writes) and every hours check (``SubstituteResource``: always-open or
  always-closed hours, because the scenario's fixed time cannot be given either);
* a chain of ``MessageReceived`` observations (``Inclusion``), one per expected fragment, each
  input (``TextUtterance`` in ko-KR, keypad digits as ``DtmfInput``) sent after the message the
  caller answered;
* one start observation (a *guard*) per contact-creating flow action
  (:data:`testlang.model.CONTACT_CREATING_ACTIONS`: queue or agent transfer, queued callback, task,
  outbound chat) on its ``FlowActionStarted`` that ends the test, so no test case waits in a queue,
  rings an agent, creates a callback or task for agents or reaches a customer, in any environment
  (the README says why dev and staging do not run through creation either). The guard of the action
  the scenario reaches is required ``EXACTLY`` once, the others ``ANY``. Prompts after that point
  are not expected (``Metadata.Gaps.after_queue``, the fragments in ``Metadata.NotObserved``).

A scenario whose outcome depends on live staffing (its flow checks agents or queue depth before the
test ends: :data:`testlang.model.STAFFING_GAPS`) still becomes a test case, ``SAVED`` instead of
``PUBLISHED`` with the reason in its description and ``Metadata.NotRunReason``: ``make verify`` only
starts published ones, so its result does not depend on who is logged in.

What the language cannot say (:data:`testlang.model.LANGUAGE_GAPS`) is listed in
``Metadata.Gaps``; the conditions the offline runner still needs for it are in
``Metadata.Simulator``. Unknown fields of a scenario are ignored; a scenario without a current
transcript still converts (inputs sent at the start, no mocks) and ``tests/testlang`` says so.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from testlang.model import (
    CONTACT_CREATING_ACTIONS,
    LANGUAGE_GAPS,
    NOT_RUN_PREFIX,
    STAFFING_GAPS,
    STAFFING_REASON,
    TESTING_LANGUAGE_VERSION,
    EntryPointType,
    MatchingCriteria,
    TestStatus,
    UsageType,
)

TRANSCRIPTS_FILE: Final = Path(__file__).with_name("test_case_transcripts.json")
#: A mocked function answer slower than any InvocationTimeLimitSeconds of the flows (8 s at most).
FAILED_INVOCATION_DELAY_SECONDS: Final = 9
LANGUAGE_CODE: Final = "ko-KR"
#: Longest slug of a test-case name (the name is ``<name_prefix>-<slug>``).
MAX_SLUG_CHARS: Final = 80
#: Longest anchor taken from a message the caller answers when no expected fragment is there.
_ANCHOR_CHARS: Final = 40
_DIGITS_RE: Final = re.compile(r"[0-9$]+")
_KEYPAD_RE: Final = re.compile(r"[0-9*#]+")
TEST_INITIATED: Final = "test-initiated"
#: The flow action the offline transcript records when the flow checks agents or queue depth.
METRIC_CHECK: Final = "CheckMetricData"


def guard_id(action_type: str) -> str:
    """The identifier of the guard observation that ends the test as ``action_type`` starts."""
    return "guard-" + re.sub(r"(?<!^)(?=[A-Z])", "-", action_type).lower()


QUEUE_GUARD: Final = guard_id("TransferContactToQueue")


@dataclass(frozen=True, slots=True)
class TestCaseResources:
    """The ARNs a document names: the flow under test and the resources it overrides."""

    __test__ = False  # not a pytest class

    inbound_flow_arn: str
    contact_flow_function_arn: str
    hours_arn: str
    always_open_hours_arn: str
    always_closed_hours_arn: str


@dataclass(frozen=True, slots=True)
class Transcript:
    """One recorded offline run of a scenario: its fingerprint and its events in order.

    Events: ``{"message": text}``, ``{"input": text, "keypad": bool}``,
    ``{"flow_action": "InvokeLambdaFunction", "operation": str, "response": {...} | None}``,
    ``{"flow_action": "CheckHoursOfOperation", "open": bool}``,
    ``{"flow_action": <a contact-creating action>}``, ``{"flow_action": "CheckMetricData"}``.
    """

    fingerprint: str
    events: tuple[Mapping[str, Any], ...]
    #: The input (0-based) whose bot turn writes a row of the bot's tables (a booking), if any.
    bot_write_input: int | None = None


@dataclass(frozen=True, slots=True)
class ConvertedTestCase:
    """A scenario as a test case: the parts of ``CreateTestCase`` this project sets."""

    scenario: str
    slug: str
    description: str
    entry_point_type: str
    content: dict[str, Any]
    status: str = TestStatus.PUBLISHED
    #: Why the test case is saved and not published (None when published).
    not_run_reason: str | None = None

    def content_json(self) -> str:
        """``Content`` as deployed: compact JSON, Korean as written."""
        return json.dumps(self.content, ensure_ascii=False, separators=(",", ":"))


def call_options(scripted: Any) -> list[str]:
    """The scenario's ``python -m simulator call`` options but its inputs (``--say``) and ``--json``."""
    argv = list(scripted.argv())
    options: list[str] = []
    index = 1 if argv[:1] == ["call"] else 0
    while index < len(argv):
        if argv[index] == "--say":
            index += 2
            continue
        if argv[index] != "--json":
            options.append(argv[index])
        index += 1
    return options


def fingerprint(scripted: Any) -> str:
    """What a transcript depends on: the scenario's command line (inputs and conditions)."""
    return json.dumps(list(scripted.argv()), ensure_ascii=False)


def load_transcripts(path: Path = TRANSCRIPTS_FILE) -> dict[str, Transcript]:
    """The recorded transcripts by scenario name (none when the file does not exist)."""
    if not path.exists():
        return {}
    document = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: Transcript(
            fingerprint=entry["fingerprint"],
            events=tuple(entry["events"]),
            bot_write_input=entry.get("bot_write_input"),
        )
        for name, entry in document.items()
    }


def current_transcript(scripted: Any, transcripts: Mapping[str, Transcript]) -> Transcript | None:
    """The scenario's transcript when it was recorded from the scenario as it is now."""
    transcript = transcripts.get(scripted.name)
    return transcript if transcript is not None and transcript.fingerprint == fingerprint(scripted) else None


def slug(name: str) -> str:
    """ASCII slug of a scenario name, unique by a short hash of the full name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "scenario"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]
    return f"{words[: MAX_SLUG_CHARS - 7].rstrip('-')}-{digest}"


def convert(
    scripted: Any,
    *,
    resources: TestCaseResources,
    transcript: Transcript | None,
    production: bool,
) -> ConvertedTestCase:
    """The test case of one scripted call (``transcript``: :func:`current_transcript`)."""
    builder = _Builder(scripted, resources, production)
    content = builder.document(transcript)
    reason = content["Metadata"].get("NotRunReason")
    description = f"Scripted call (scenarios/calls.py): {scripted.name}"
    if reason:
        description = f"{NOT_RUN_PREFIX}{reason}. {description}"
    return ConvertedTestCase(
        scenario=scripted.name,
        slug=slug(scripted.name),
        description=description[:500],
        entry_point_type=EntryPointType.CHAT if scripted.channel == "CHAT" else EntryPointType.VOICE_CALL,
        content=content,
        status=TestStatus.SAVED if reason else TestStatus.PUBLISHED,
        not_run_reason=reason,
    )


# --- building one document -------------------------------------------------------------------------


def _action(identifier: str, action_type: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "Identifier": identifier,
        "Type": action_type,
        "Parameters": {"ActionType": action_type, **parameters},
    }


def _chain(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Link actions in order through ``Transitions.NextAction`` (the last one ends with "")."""
    for index, action in enumerate(actions):
        following = actions[index + 1]["Identifier"] if index + 1 < len(actions) else ""
        action["Transitions"] = {"NextAction": following}
    return actions


def anchor(message: str) -> str:
    """A static piece of a message to observe it by: its first run without digits, shortened."""
    pieces = [piece.strip() for piece in _DIGITS_RE.split(message)]
    piece = next((piece for piece in pieces if len(piece.replace(" ", "")) >= 6), message.strip())
    return piece[:_ANCHOR_CHARS].strip()


class _Builder:
    def __init__(self, scripted: Any, resources: TestCaseResources, production: bool) -> None:
        self._scripted = scripted
        self._resources = resources
        self._production = production
        self._voice = scripted.channel != "CHAT"
        self._gaps: list[str] = []
        self._dropped: list[str] = []

    def document(self, transcript: Transcript | None) -> dict[str, Any]:
        scripted = self._scripted
        if transcript is None:
            observations = self._without_transcript()
        else:
            observations = self._from_transcript(list(transcript.events), transcript.bot_write_input)
        gaps = self._gap_keys()
        staffing = [key for key in gaps if key in STAFFING_GAPS]
        metadata = {
            "Scenario": scripted.name,
            "Source": "scenarios/calls.py",
            "Transcript": "recorded" if transcript is not None else "missing",
            "Production": self._production,
            # What the language cannot carry, for the offline runner: the call's options.
            "Simulator": {"CallOptions": call_options(scripted)},
            "Gaps": {key: LANGUAGE_GAPS[key] for key in gaps},
            "NotObserved": self._dropped,
            "Status": TestStatus.SAVED if staffing else TestStatus.PUBLISHED,
        }
        if staffing:
            metadata["NotRunReason"] = STAFFING_REASON
        return {"Version": TESTING_LANGUAGE_VERSION, "Metadata": metadata, "Observations": observations}

    def _gap_keys(self) -> list[str]:
        scripted = self._scripted
        keys = ["time", *self._gaps]
        if scripted.agents != 1 or scripted.contacts_in_queue:
            keys.append("agents")
        lex_faults = [
            fault
            for fault in getattr(scripted, "faults", ())
            if not fault.startswith(("callbacks", "customers"))
        ]
        if "lex_hook" in scripted.failing or scripted.bedrock != "off" or lex_faults:
            keys.append("lex_hook")
        if getattr(scripted, "chat_input", "typed") != "typed":
            keys.append("chat_input")
        if getattr(scripted, "heard_once", ()):
            keys.append("heard_once")
        return list(dict.fromkeys(keys))

    # -- observations ---------------------------------------------------------------------------

    def _message(self, identifier: str, text: str, actions: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "Identifier": identifier,
            "Event": {
                "Identifier": f"{identifier}-event",
                "Type": "MessageReceived",
                "Actor": "System",
                "Properties": {"Text": text, "MatchingCriteria": MatchingCriteria.INCLUSION},
            },
            "Usage": {"Type": UsageType.EXACTLY, "Times": 1},
            "Actions": _chain(actions),
            "Transitions": {"NextObservations": []},
        }

    def _input(self, identifier: str, text: str, *, keypad: bool) -> dict[str, Any]:
        keys = text.strip().replace(" ", "")
        if keypad and _KEYPAD_RE.fullmatch(keys):
            instruction = {"Type": "DtmfInput", "Properties": {"Value": keys}}
        else:
            instruction = {
                "Type": "TextUtterance",
                "Properties": {"Text": text, "LanguageCode": LANGUAGE_CODE},
            }
        return _action(identifier, "SendInstruction", {"Actor": "Customer", "Instruction": instruction})

    def _override(
        self, identifier: str, flow_action: str, parameters: dict[str, str], strategy: dict[str, Any]
    ) -> dict[str, Any]:
        behavior = {
            "Type": "FlowAction",
            "Properties": {"ActionType": flow_action, "ActionParameters": parameters, "Strategy": strategy},
        }
        return _action(identifier, "OverrideSystemBehavior", {"Behavior": behavior})

    def _lambda_mock(self, identifier: str, response: Mapping[str, Any] | None) -> dict[str, Any]:
        result: dict[str, Any]
        if response is None:
            result = {"DelaySeconds": FAILED_INVOCATION_DELAY_SECONDS}
        else:
            result = {
                "DelaySeconds": 0,
                "LoadedData": json.dumps(dict(response), ensure_ascii=False, sort_keys=True),
            }
        strategy = {
            "Type": "MockResponse",
            "Response": {"Type": "ExecutionResult", "ExecutionResult": result},
        }
        return self._override(
            identifier,
            "InvokeLambdaFunction",
            {"LambdaFunctionARN": self._resources.contact_flow_function_arn},
            strategy,
        )

    def _hours_override(self, identifier: str, *, is_open: bool) -> dict[str, Any]:
        substitute = (
            self._resources.always_open_hours_arn if is_open else self._resources.always_closed_hours_arn
        )
        return self._override(
            identifier,
            "CheckHoursOfOperation",
            {"HoursOfOperationId": self._resources.hours_arn},
            {"Type": "SubstituteResource", "SubstituteArn": substitute},
        )

    def _start(self, actions: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "Identifier": TEST_INITIATED,
            "Event": {
                "Identifier": f"{TEST_INITIATED}-event",
                "Type": "TestInitiated",
                "Actor": "System",
                "Properties": {},
            },
            "Usage": {"Type": UsageType.EXACTLY, "Times": 1},
            "Actions": _chain(actions),
            "Transitions": {"NextObservations": []},
        }

    @staticmethod
    def _guards(reached: str | None) -> list[dict[str, Any]]:
        """One guard per contact-creating action; ``reached``: the one the scenario starts, if any."""
        guards = []
        for action_type in sorted(CONTACT_CREATING_ACTIONS):
            identifier = guard_id(action_type)
            usage = (
                {"Type": UsageType.EXACTLY, "Times": 1} if action_type == reached else {"Type": UsageType.ANY}
            )
            end = _action(f"{identifier}-end-test", "TestControl", {"Command": {"Type": "EndTest"}})
            guards.append(
                {
                    "Identifier": identifier,
                    "Event": {
                        "Identifier": f"{identifier}-event",
                        "Type": "FlowActionStarted",
                        "Actor": "System",
                        "Properties": {"ActionType": action_type, "ActionParameters": {}},
                    },
                    "Usage": usage,
                    "Actions": _chain([end]),
                }
            )
        return guards

    # -- with and without a transcript -----------------------------------------------------------

    def _from_transcript(
        self, events: list[Mapping[str, Any]], write_input: int | None
    ) -> list[dict[str, Any]]:
        ends_before_write = False
        if self._production and write_input is not None:
            ends_before_write = True
            # The bot cannot be overridden: production ends the test before the turn that books.
            inputs = [index for index, event in enumerate(events) if "input" in event]
            events = events[: inputs[write_input]]
            self._gaps.append("bot_writes")
        cut = next(
            (i for i, event in enumerate(events) if event.get("flow_action") in CONTACT_CREATING_ACTIONS),
            None,
        )
        reached = None if cut is None else str(events[cut]["flow_action"])
        if cut is not None:
            if any("message" in event for event in events[cut:]):
                self._gaps.append("after_queue")
            events = events[:cut]
        if any(event.get("flow_action") == METRIC_CHECK for event in events):
            # The flow reads agents or queue depth before the test ends: no override exists.
            self._gaps.append("agents")
        overrides = self._overrides(events)
        messages = [str(event["message"]) for event in events if "message" in event]
        inputs_after: dict[int, list[Mapping[str, Any]]] = {}
        seen = -1
        for event in events:
            if "message" in event:
                seen += 1
            elif "input" in event:
                inputs_after.setdefault(seen, []).append(event)
        fragments = self._place_fragments(messages)
        chain: list[dict[str, Any]] = []
        start_inputs = [
            self._input(f"say-{n + 1}", str(e["input"]), keypad=bool(e.get("keypad")))
            for n, e in enumerate(inputs_after.pop(-1, []))
        ]
        for index in range(len(messages)):
            texts = fragments.get(index, [])
            said = inputs_after.get(index, [])
            if said and not texts:
                texts = [anchor(messages[index])]
            for position, text in enumerate(texts):
                actions = []
                if position == len(texts) - 1:
                    actions = [
                        self._input(f"say-{index + 1}-{n + 1}", str(e["input"]), keypad=bool(e.get("keypad")))
                        for n, e in enumerate(said)
                    ]
                chain.append(self._message(f"message-{index + 1}-{position + 1}", text, actions))
        if ends_before_write and chain:
            end = _action("end-before-booking", "TestControl", {"Command": {"Type": "EndTest"}})
            chain[-1]["Actions"] = _chain([end])
        return self._link(self._start(overrides + start_inputs), chain, self._guards(reached))

    def _overrides(self, events: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """One override per function run and hours check, in the order the call makes them."""
        overrides: list[dict[str, Any]] = []
        for event in events:
            number = len(overrides) + 1
            if event.get("flow_action") == "InvokeLambdaFunction":
                overrides.append(
                    self._lambda_mock(f"mock-{event['operation']}-{number}", event.get("response"))
                )
            elif event.get("flow_action") == "CheckHoursOfOperation":
                overrides.append(self._hours_override(f"hours-{number}", is_open=bool(event["open"])))
        return overrides

    def _place_fragments(self, messages: Sequence[str]) -> dict[int, list[str]]:
        """Expected fragments by the message they are heard in, greedily in order (like the call tests)."""
        placed: dict[int, list[str]] = {}
        index, offset = 0, 0
        for fragment in self._scripted.prompts:
            position = -1
            candidate, start = index, offset
            while candidate < len(messages):
                position = messages[candidate].find(fragment, start)
                if position >= 0:
                    break
                candidate, start = candidate + 1, 0
            if position < 0:
                self._dropped.append(fragment)
                continue
            placed.setdefault(candidate, []).append(fragment)
            index, offset = candidate, position + len(fragment)
        return placed

    def _without_transcript(self) -> list[dict[str, Any]]:
        # Inputs all at the start (the offline caller uses them in order); no mocks are known.
        self._gaps.append("after_queue")
        said = [
            self._input(f"say-{n + 1}", text, keypad=self._voice)
            for n, text in enumerate(self._scripted.says)
        ]
        chain = [
            self._message(f"message-{n + 1}-1", text, []) for n, text in enumerate(self._scripted.prompts)
        ]
        return self._link(self._start(said), chain, self._guards(None))

    @staticmethod
    def _link(
        start: dict[str, Any], chain: list[dict[str, Any]], guards: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        for before, after in zip([start, *chain], chain, strict=False):
            before["Transitions"] = {"NextObservations": [after["Identifier"]]}
        return [start, *chain, *guards]
