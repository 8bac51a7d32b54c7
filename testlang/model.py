"""The one declarative model of Amazon Connect's Testing language (``"Version": "2025-06-21"``).

A test case (``AWS::Connect::TestCase`` ``Content``, ``CreateTestCase``) is a list of
*observations*: each waits for one *event* from the system (the test starting, a message played to
the simulated customer, a flow action starting, the test ending) and then runs its *actions* (the
customer's input, an override of a flow action, ending the test), and names the observations that
become active after it (``Transitions.NextObservations``). ``Usage`` says how often it must match.

Everything the checker (:mod:`testlang.checker`), the scenario converter
(:mod:`scenarios.test_cases`), the synth (:mod:`constructs_lib.contact_test_cases`) and the offline
runner (:mod:`simulator.test_case_runner`) know about the language lives here, each entry with the
documentation page it comes from. What the documentation leaves open is written in the entry's
``notes`` (and in :data:`LANGUAGE_GAPS` for what the language cannot say at all): those are
assumptions, not facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

TESTING_LANGUAGE_VERSION: Final = "2025-06-21"
#: ``AWS::Connect::TestCase`` ``Content``: 1 to 256,000 characters (CloudFormation reference).
MAX_CONTENT_CHARS: Final = 256_000
#: ``AWS::Connect::TestCase`` ``Description``: at most 500 characters, not blank.
MAX_DESCRIPTION_CHARS: Final = 500
#: Test case names: the documentation gives only a minimum of 1; 127 is what this project keeps to
#: (the longest name other Connect resources accept); an assumption, see the README.
MAX_NAME_CHARS: Final = 127
DOCS: Final = "https://docs.aws.amazon.com/connect/latest/APIReference/"
TOP_LEVEL_KEYS: Final = frozenset({"Version", "Metadata", "Observations"})
OBSERVATION_KEYS: Final = frozenset({"Identifier", "Event", "Actions", "Usage", "Transitions"})
ACTION_KEYS: Final = frozenset({"Identifier", "Type", "Parameters", "Transitions"})
EVENT_KEYS: Final = frozenset({"Identifier", "Type", "Actor", "Properties"})


class UsageType(StrEnum):
    """``Observation.Usage.Type`` (observations page: ``EXACTLY`` with ``Times``; ``ANY`` in its example)."""

    EXACTLY = "EXACTLY"
    ANY = "ANY"


class MatchingCriteria(StrEnum):
    """``MessageReceived`` ``Properties.MatchingCriteria`` (message-received page).

    ``Inclusion``: the message contains the text. ``Similarity``: semantic matching. The page names
    the two values but shows no JSON for them: this project writes ``"MatchingCriteria": "Inclusion"``
    (a string), an assumption recorded in the README.
    """

    INCLUSION = "Inclusion"
    SIMILARITY = "Similarity"


class EntryPointType(StrEnum):
    """``AWS::Connect::TestCase`` ``EntryPoint.Type``: a call or a chat, each with a ``FlowId``."""

    VOICE_CALL = "VOICE_CALL"
    CHAT = "CHAT"


class TestStatus(StrEnum):
    """``Status``: ``PUBLISHED`` validates the content and makes the test runnable; ``SAVED`` does not."""

    __test__ = False  # not a pytest class

    PUBLISHED = "PUBLISHED"
    SAVED = "SAVED"


# --- flow actions the language observes and overrides -------------------------------------------

#: Flow actions (:data:`flowlang.actions.ACTION_TYPES` names) that create a contact or put one in a
#: queue or before an agent: a queue or agent transfer, a queued callback, a task, an outbound chat.
#: Every document ends the test as one of them starts (its guard observation), because the work it
#: creates would ring a real agent, wait in a real queue or reach a customer, and would pile up in
#: the queues ``make verify`` depends on. The one list: the converter's guards, the offline runner's
#: notion of "a contact was created" and the transcripts all read it; ``tests/testlang`` checks it
#: against the flow model (every queue-ending action of :mod:`flowlang` is in it).
CONTACT_CREATING_ACTIONS: Final = frozenset(
    {
        "TransferContactToQueue",
        "TransferContactToAgent",
        "DequeueContactAndTransferToQueue",
        "CreateCallbackContact",
        "CreateTask",
        "StartOutboundChatContact",
    }
)


@dataclass(frozen=True, slots=True)
class FlowActionSpec:
    """A flow action a ``FlowActionStarted`` event observes or ``OverrideSystemBehavior`` overrides."""

    action_type: str
    #: The ``ActionParameters`` key naming the resource (None: the page shows none).
    resource_parameter: str | None
    #: Override strategies the documentation shows for it (empty: not overridable).
    strategies: frozenset[str]
    doc: str
    notes: tuple[str, ...] = ()


FLOW_ACTIONS: Final[Mapping[str, FlowActionSpec]] = {
    spec.action_type: spec
    for spec in (
        FlowActionSpec(
            "InvokeLambdaFunction",
            "LambdaFunctionARN",
            frozenset({"SubstituteResource", "MockResponse"}),
            DOCS + "testing-language-actions-override-system-behavior.html",
            notes=(
                "MockResponse answers with Response.Type ExecutionResult {DelaySeconds, LoadedData "
                "(serialized JSON)} without invoking the function. A delay longer than the block's "
                "InvocationTimeLimitSeconds is taken to mean the block's error branch (assumption).",
            ),
        ),
        FlowActionSpec(
            "CheckHoursOfOperation",
            "HoursOfOperationId",
            frozenset({"SubstituteResource"}),
            DOCS + "testing-language-example.html",
        ),
        *(
            FlowActionSpec(
                action_type,
                None,
                frozenset(),
                DOCS + "testing-language-events-flow-action-started.html",
                notes=(
                    "Observable only: the documentation shows no override of queues, queue metrics or "
                    "created contacts. The page's example observes TransferContactToQueue; that every "
                    "flow action type can be observed, and that EndTest on its FlowActionStarted stops "
                    "the action from taking effect, are assumptions (README).",
                ),
            )
            for action_type in sorted(CONTACT_CREATING_ACTIONS)
        ),
    )
}


# --- events ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventSpec:
    """One event type: its fixed actor and the ``Properties`` it takes."""

    event_type: str
    actor: str
    properties: frozenset[str] = frozenset()
    #: Exactly one of these properties must be given.
    one_of: tuple[str, ...] = ()
    doc: str = ""


EVENTS: Final[Mapping[str, EventSpec]] = {
    spec.event_type: spec
    for spec in (
        EventSpec("TestInitiated", "System", doc=DOCS + "testing-language-events-test-initiated.html"),
        EventSpec("TestCompleted", "System", doc=DOCS + "testing-language-events-test-completed.html"),
        EventSpec(
            "MessageReceived",
            "System",
            frozenset({"PromptId", "Text", "SSML", "Media", "MatchingCriteria"}),
            one_of=("PromptId", "Text", "SSML", "Media"),
            doc=DOCS + "testing-language-events-message-received.html",
        ),
        EventSpec(
            "FlowActionStarted",
            "System",
            frozenset({"ActionType", "ActionParameters"}),
            doc=DOCS + "testing-language-events-flow-action-started.html",
        ),
    )
}


# --- actions ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VariantSpec:
    """One variant of an action (an instruction, a behavior, a command): its ``Properties``."""

    name: str
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    one_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action type: the object in ``Parameters`` that selects its variant, and the variants."""

    action_type: str
    #: ``Parameters`` key of the variant object (``Instruction``, ``Behavior``, ``Command``).
    variant_key: str
    variants: Mapping[str, VariantSpec]
    #: ``Parameters.Actor`` when the action has one.
    actor: str | None = None
    doc: str = ""
    notes: tuple[str, ...] = field(default=())


def _variants(*specs: VariantSpec) -> dict[str, VariantSpec]:
    return {spec.name: spec for spec in specs}


ACTIONS: Final[Mapping[str, ActionSpec]] = {
    spec.action_type: spec
    for spec in (
        ActionSpec(
            "SendInstruction",
            "Instruction",
            _variants(
                VariantSpec("DtmfInput", required=frozenset({"Value"})),
                VariantSpec(
                    "TextUtterance",
                    required=frozenset({"LanguageCode"}),
                    optional=frozenset({"Text", "SSML"}),
                    one_of=("Text", "SSML"),
                ),
            ),
            actor="Customer",
            doc=DOCS + "testing-language-actions-send-instruction.html",
            notes=("The page's LanguageCode example is en-US; ko-KR is not shown (unverified).",),
        ),
        ActionSpec(
            "OverrideSystemBehavior",
            "Behavior",
            _variants(
                VariantSpec("FlowAction", required=frozenset({"ActionType", "ActionParameters", "Strategy"}))
            ),
            doc=DOCS + "testing-language-actions-override-system-behavior.html",
            notes=(
                "An override is used once, by the next run of that resource; several overrides of "
                "one resource are used first in, first out (admin guide, override actions).",
            ),
        ),
        ActionSpec(
            "TestControl",
            "Command",
            _variants(
                VariantSpec("EndTest"),
                VariantSpec("LogData", required=frozenset({"Expressions"})),
            ),
            doc=DOCS + "testing-language-actions-test-control.html",
        ),
    )
}

#: ``Strategy`` objects of ``OverrideSystemBehavior`` and their required keys.
STRATEGIES: Final[Mapping[str, frozenset[str]]] = {
    "SubstituteResource": frozenset({"SubstituteArn"}),
    "MockResponse": frozenset({"Response"}),
}
#: ``MockResponse.Response.Type`` values shown by the documentation.
MOCK_RESPONSE_TYPES: Final = frozenset({"ExecutionResult"})
#: Keys of a mocked ``ExecutionResult``.
EXECUTION_RESULT_KEYS: Final = frozenset({"DelaySeconds", "LoadedData"})
#: DTMF keys a ``DtmfInput`` may press.
DTMF_KEYS: Final = frozenset("0123456789*#")

#: What a scripted call can need that the language (as documented) cannot express. Each converted
#: document lists the ones that apply to it in ``Metadata.Gaps``.
LANGUAGE_GAPS: Final[Mapping[str, str]] = {
    "time": "The call's date and time: only the hours check is overridden (substitute hours).",
    "agents": "Agents staffed/available and queue depth (CheckMetricData, QueueAtCapacity): no override.",
    "lex_hook": "The Lex bot and its code hook (failures, Bedrock mode, its tables): no documented override.",
    "chat_input": "How Connect treats typed input without Lex on chat: a property of the instance.",
    "heard_once": "Heard exactly once: an observation matches a message; it does not count the others.",
    "bot_writes": "A turn that makes the bot write (a booking): production tests end before it.",
    "after_queue": (
        "Prompts after a contact-creating action (queue transfer, queued callback, task): the test ends "
        "as it starts, so the confirmation that follows is not expected."
    ),
}
#: Gaps that make a scenario's outcome depend on who is logged in and how full the queues are: its
#: test case is saved, not published, so ``make verify`` does not start it (run it by hand).
STAFFING_GAPS: Final = frozenset({"agents"})
STAFFING_REASON: Final = "depends on live staffing: run manually"
#: How a saved test case's description starts; its reason follows, then ". " (``release.verify``
#: prints it as ``not run: <name>: <reason>``).
NOT_RUN_PREFIX: Final = "Not run by make verify: "
