"""The real contact flows: they pass the checker, use the placeholders of ``flowlang.templates``,
exchange exactly the contract's names with the bot and the functions (``contract``), route every
queue of the contract, and behave as issue 4 §4 describes (walked as graphs, not run)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

import pytest

from bot.voice_input import PromptKind, input_settings
from contract import (
    BOT_INPUT_ATTRIBUTES,
    CONTACT_FLOW_ACTIONS,
    DEFAULT_QUEUE,
    HANDOFF_ATTRIBUTES,
    LEX_INPUT_SETTINGS,
    QUEUE_KEYS,
    RESULT_OK,
    ROUTING_ATTRIBUTES,
    ContactAttribute,
    ContactFlowAction,
    CustomerTier,
    LambdaParameter,
    LambdaResponse,
    NextAction,
    Queue,
)
from flowlang import (
    ENDING_ACTION_TYPES,
    FLOW_DIR,
    FLOWS,
    KNOWN_PLACEHOLDERS,
    FlowSpec,
    check_flow,
    load_template,
    placeholders_in,
    queue_arn_placeholder,
    read_template,
    transitions_of,
)
from flowlang.layout import unplaced
from flowlang.templates import CONNECT_FLOWS

GOODBYE = "감사합니다. 좋은 하루 되세요!"
TEMPORARY_ERROR = "죄송합니다. 일시적인 오류가 발생했습니다."
HOURS_TEXT = "평일 오전 9시부터 오후 6시까지"
MAX_WALKED_PATHS = 200_000

Action = Mapping[str, Any]


class FlowGraph:
    """A flow document indexed by identifier, with the walks the tests need."""

    def __init__(self, spec: FlowSpec) -> None:
        self.document = load_template(spec)
        self.start: str = self.document["StartAction"]
        self.actions: dict[str, Action] = {a["Identifier"]: a for a in self.document["Actions"]}

    def __getitem__(self, identifier: str) -> Action:
        return self.actions[identifier]

    def target(self, identifier: str, label: str) -> str:
        """Where ``label`` (``NextAction``, ``Condition Equals 1``, ``Error NoMatchingError``) goes."""
        found = [target for name, target in transitions_of(self[identifier]) if name == label]
        assert len(found) == 1, f"{identifier}: {label} appears {len(found)} times"
        return found[0]

    def follow(self, identifier: str, *labels: str) -> str:
        """The action reached from ``identifier`` by taking ``labels`` one after the other."""
        for label in labels:
            identifier = self.target(identifier, label)
        return identifier

    def next_chain(self, identifier: str, length: int) -> list[str]:
        """``identifier`` and the ``length - 1`` actions after it along NextAction."""
        chain = [identifier]
        while len(chain) < length:
            chain.append(self.target(chain[-1], "NextAction"))
        return chain

    def walk(self) -> Iterator[list[str]]:
        """Every path from StartAction, Loops counted per identifier as Connect counts them.

        A path ends at a terminal action, and also where a TransferContactToQueue succeeds (its
        error branches are walked on). A non-terminal action without transitions ends a path too
        (a dead end, which the tests reject).
        """
        stack: list[tuple[list[str], dict[str, int]]] = [([self.start], {})]
        walked = 0
        while stack:
            path, loop_visits = stack.pop()
            walked += 1
            assert walked < MAX_WALKED_PATHS, "the flow has too many paths to walk"
            current = self[path[-1]]
            transitions = transitions_of(current)
            if current["Type"] in ENDING_ACTION_TYPES or not transitions:
                yield path
            for target in self._taken(current, transitions, loop_visits):
                visits = dict(loop_visits)
                if current["Type"] == "Loop":
                    visits[current["Identifier"]] = visits.get(current["Identifier"], 0) + 1
                stack.append(([*path, target], visits))

    @staticmethod
    def _taken(action: Action, transitions: list[tuple[str, str]], loop_visits: dict[str, int]) -> list[str]:
        """The distinct next actions a path may go on to (branches to one target are one path)."""
        if action["Type"] == "TransferContactToQueue":
            # Success leaves the flow; only the error branches continue it.
            transitions = [(label, target) for label, target in transitions if label.startswith("Error")]
        elif action["Type"] == "Loop":
            count = int(action["Parameters"]["LoopCount"])
            done = loop_visits.get(action["Identifier"], 0) >= count
            wanted = "Condition Equals DoneLooping" if done else "Condition Equals ContinueLooping"
            transitions = [(label, target) for label, target in transitions if label == wanted]
        return list(dict.fromkeys(target for _label, target in transitions))

    def reachable_avoiding(self, skip: set[tuple[str, str]]) -> set[str]:
        """Actions reachable from StartAction without the (identifier, label) transitions in ``skip``."""
        seen: set[str] = set()
        pending = [self.start]
        while pending:
            identifier = pending.pop()
            if identifier in seen:
                continue
            seen.add(identifier)
            pending.extend(
                t for label, t in transitions_of(self[identifier]) if (identifier, label) not in skip
            )
        return seen

    def texts(self, identifiers: set[str] | None = None) -> dict[str, str]:
        """Caller-facing text of every action (or of ``identifiers``) that says something."""
        found: dict[str, str] = {}
        for identifier, action in self.actions.items():
            if identifiers is not None and identifier not in identifiers:
                continue
            parameters = action["Parameters"]
            if "Text" in parameters:
                found[identifier] = parameters["Text"]
            for index, message in enumerate(parameters.get("Messages", [])):
                found[f"{identifier}[{index}]"] = message["Text"]
        return found


@pytest.fixture(scope="module")
def inbound() -> FlowGraph:
    return FlowGraph(next(spec for spec in FLOWS if spec.key == "inbound"))


@pytest.fixture(scope="module")
def queue_flow() -> FlowGraph:
    return FlowGraph(next(spec for spec in FLOWS if spec.key == "customer_queue"))


# --- the checker and the contract -------------------------------------------------------------------


@pytest.mark.parametrize("spec", FLOWS, ids=lambda spec: spec.key)
def test_every_flow_passes_the_checker_without_a_warning(spec: FlowSpec) -> None:
    # Synth fails on errors only; our own flows are held to warnings too.
    assert check_flow(load_template(spec), flow_name=spec.key, flow_type=spec.flow_type) == []


@pytest.mark.parametrize("spec", FLOWS, ids=lambda spec: spec.key)
def test_every_action_is_placed_for_the_flow_designer(spec: FlowSpec) -> None:
    document = load_template(spec)
    assert unplaced(document) == []
    placed = set(document["Metadata"]["ActionMetadata"])
    assert placed == {action["Identifier"] for action in document["Actions"]}, "no stale positions"
    positions = [
        (entry["position"]["x"], entry["position"]["y"])
        for entry in document["Metadata"]["ActionMetadata"].values()
    ]
    assert len(set(positions)) == len(positions), "no two blocks on top of each other"
    assert set(document["Metadata"]["entryPointPosition"]) == {"x", "y"}


def test_every_flow_file_is_a_declared_flow() -> None:
    declared = (*FLOWS, *CONNECT_FLOWS)
    assert {path.name for path in FLOW_DIR.glob("*.json")} == {spec.file_name for spec in declared}
    assert [spec.key for spec in FLOWS] == [
        "inbound",
        "customer_queue",
        "agent_whisper",
        "agent_guide",
        "callback_agent_whisper",
        "callback_task",
    ]
    assert {spec.key: spec.flow_type for spec in declared} == {
        "inbound": "CONTACT_FLOW",
        "customer_queue": "CUSTOMER_QUEUE",
        "agent_whisper": "AGENT_WHISPER",
        "agent_guide": "CONTACT_FLOW",
        "callback_agent_whisper": "AGENT_WHISPER",
        "callback_task": "CONTACT_FLOW",
        "outbound_whisper": "OUTBOUND_WHISPER",
    }


def test_the_flows_use_every_known_placeholder_and_no_other() -> None:
    used = {spec.key: placeholders_in(read_template(spec)) for spec in FLOWS}
    for key, names in used.items():
        assert names <= KNOWN_PLACEHOLDERS, key
    # The inbound flow's own ARN is offered to every flow (a transfer back to it) but used by none yet.
    assert set().union(*used.values()) == KNOWN_PLACEHOLDERS - {"InboundFlowArn"}
    assert {queue_arn_placeholder(key) for key in QUEUE_KEYS} <= KNOWN_PLACEHOLDERS


def _names(namespace: type) -> set[str]:
    """The values of a contract namespace of names (``LambdaResponse``, ``ContactAttribute``...)."""
    return {value for name, value in vars(namespace).items() if name.isupper()}


def _references(document: Any, namespace: str) -> set[str]:
    """Every ``$.<namespace>.<name>`` the flow document reads (parameters and embedded text)."""
    return set(re.findall(rf"\$\.{re.escape(namespace)}\.(\w+)", json.dumps(document, ensure_ascii=False)))


@pytest.mark.parametrize("spec", FLOWS, ids=lambda spec: spec.key)
def test_every_name_a_flow_exchanges_with_the_bot_and_the_functions_is_the_contracts(spec: FlowSpec) -> None:
    document = load_template(spec)
    for action in document["Actions"]:
        parameters = action["Parameters"]
        if action["Type"] == "InvokeLambdaFunction":
            sent = parameters["LambdaInvocationAttributes"]
            assert set(sent) <= _names(LambdaParameter), action["Identifier"]
            assert sent[LambdaParameter.ACTION] in CONTACT_FLOW_ACTIONS, action["Identifier"]
        if action["Type"] == "ConnectParticipantWithLexBot":
            assert set(parameters["LexSessionAttributes"]) == {*BOT_INPUT_ATTRIBUTES, *LEX_INPUT_SETTINGS}
        if action["Type"] == "UpdateContactAttributes":
            assert set(parameters["Attributes"]) <= _names(ContactAttribute), action["Identifier"]
    assert _references(document, "External") <= _names(LambdaResponse)
    assert _references(document, "Lex.SessionAttributes") <= set(ROUTING_ATTRIBUTES) | set(HANDOFF_ATTRIBUTES)
    assert _references(document, "Attributes") <= _names(ContactAttribute)


def test_identifiers_are_unique_across_flows_and_queue_flow_ids_are_prefixed(
    inbound: FlowGraph, queue_flow: FlowGraph
) -> None:
    assert not set(inbound.actions) & set(queue_flow.actions)
    assert all(identifier.startswith("queue-") for identifier in queue_flow.actions)
    assert not any(identifier.startswith("queue-") for identifier in inbound.actions)


# --- every path ends somewhere safe -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["inbound", "customer_queue"])
def test_every_path_ends_safely(key: str, inbound: FlowGraph, queue_flow: FlowGraph) -> None:
    graph = inbound if key == "inbound" else queue_flow
    paths = list(graph.walk())
    assert paths
    for path in paths:
        assert graph[path[-1]]["Type"] in ENDING_ACTION_TYPES, " → ".join(path)
    # Every action lies on some walked path.
    assert set().union(*map(set, paths)) == set(graph.actions)


def test_the_walker_rejects_a_dead_end(inbound: FlowGraph) -> None:
    broken = FlowGraph(next(spec for spec in FLOWS if spec.key == "inbound"))
    broken.actions["goodbye"] = {**broken["goodbye"], "Transitions": {}}
    assert any(path[-1] == "goodbye" for path in broken.walk())
    assert broken["goodbye"]["Type"] not in ENDING_ACTION_TYPES


def test_the_walker_honours_loop_counts(inbound: FlowGraph) -> None:
    # Two wrong keys: retry once, then the polite end (LoopCount 1).
    retry = [p for p in inbound.walk() if p.count("invalid-choice") > 0]
    assert retry
    assert max(path.count("invalid-choice") for path in retry) == 1


# --- the inbound flow ----------------------------------------------------------------------------------


def test_inbound_sets_logging_voice_language_and_queue_flow_first(inbound: FlowGraph) -> None:
    chain = inbound.next_chain(inbound.start, 8)
    assert [inbound[i]["Type"] for i in chain] == [
        "UpdateFlowLoggingBehavior",
        "UpdateContactTextToSpeechVoice",
        "UpdateContactData",
        "UpdateContactEventHooks",
        "UpdateContactEventHooks",
        "UpdateContactEventHooks",
        "MessageParticipant",
        "InvokeLambdaFunction",
    ]
    logging, voice, language, hook, whisper, guide, welcome, _lookup = (
        inbound[i]["Parameters"] for i in chain
    )
    assert logging == {"FlowLoggingBehavior": "Enabled"}
    assert voice == {"TextToSpeechVoice": "Seoyeon", "TextToSpeechEngine": "neural"}
    assert language == {"LanguageCode": "ko-KR", "TargetContact": "Current"}
    assert hook == {"EventHooks": {"CustomerQueue": "%CustomerQueueFlowArn%"}}
    # What the agent hears and sees on every transfer (tests/flows/test_agent_flows.py).
    assert whisper == {"EventHooks": {"AgentWhisper": "%AgentWhisperFlowArn%"}}
    assert guide == {"EventHooks": {"DefaultAgentUI": "%AgentGuideFlowArn%"}}
    assert welcome["Text"].startswith("안녕하세요")


def test_voice_and_language_are_set_on_every_path_to_the_bot(inbound: FlowGraph) -> None:
    for path in inbound.walk():
        if "ask-bot" in path:
            before = path[: path.index("ask-bot")]
            assert "set-voice" in before and "set-language" in before


def test_customer_lookup_then_attributes_or_the_standard_tier(inbound: FlowGraph) -> None:
    lookup = inbound["lookup-customer"]["Parameters"]
    assert lookup["LambdaFunctionARN"] == "%ContactFlowFunctionArn%"
    assert lookup["LambdaInvocationAttributes"] == {LambdaParameter.ACTION: ContactFlowAction.LOOKUP_CUSTOMER}
    assert lookup["ResponseValidation"] == {"ResponseType": "STRING_MAP"}
    assert lookup["InvocationType"] == "SYNCHRONOUS"
    assert 1 <= int(lookup["InvocationTimeLimitSeconds"]) <= 8

    checked = inbound.target("lookup-customer", "NextAction")
    assert inbound[checked]["Parameters"] == {"ComparisonValue": f"$.External.{LambdaResponse.RESULT}"}
    found = inbound.target(checked, f"Condition Equals {RESULT_OK}")
    assert inbound[found]["Parameters"]["Attributes"] == {
        ContactAttribute.CUSTOMER_TIER: f"$.External.{LambdaResponse.TIER}",
        ContactAttribute.CUSTOMER_NAME: f"$.External.{LambdaResponse.NAME}",
    }
    default_tier = {ContactAttribute.CUSTOMER_TIER: CustomerTier.STANDARD}
    for failed in (
        inbound.target("lookup-customer", "Error NoMatchingError"),
        inbound.target(checked, "Error NoMatchingCondition"),
        inbound.target(found, "Error NoMatchingError"),
    ):
        assert inbound[failed]["Parameters"]["Attributes"] == default_tier
    for step in (found, inbound.target(checked, "Error NoMatchingCondition")):
        assert inbound.target(step, "NextAction") == "ask-bot"


def test_the_bot_gets_its_prompt_alias_and_session_attributes(inbound: FlowGraph) -> None:
    bot = inbound["ask-bot"]
    assert bot["Type"] == "ConnectParticipantWithLexBot"
    assert bot["Parameters"] == {
        "Text": "무엇을 도와드릴까요?",
        "LexV2Bot": {"AliasArn": "%LexBotAliasArn%"},
        "LexSessionAttributes": {
            ContactAttribute.CUSTOMER_TIER: f"$.Attributes.{ContactAttribute.CUSTOMER_TIER}",
            ContactAttribute.CHANNEL: "$.Channel",
            ContactAttribute.CONTACT_ID: "$.ContactId",
            # How Lex listens after the first prompt: the hook's open-question profile.
            **input_settings(PromptKind.OPEN),
        },
    }


#: What the flow asks once it created a callback task: the row records the task's contact id.
LINK_TASK: Final = {
    LambdaParameter.ACTION: ContactFlowAction.LINK_CALLBACK,
    LambdaParameter.CONNECT_CONTACT_ID: "$.Task.ContactId",
}


def test_end_disconnects_without_a_second_goodbye(inbound: FlowGraph) -> None:
    # The bot closes with nextAction=end only after saying goodbye itself (bot.engine): the flow
    # hangs up rather than repeating it.
    route = inbound.target("ask-bot", "NextAction")
    assert inbound[route]["Parameters"] == {
        "ComparisonValue": f"$.Lex.SessionAttributes.{ContactAttribute.NEXT_ACTION}"
    }
    ended = inbound.target(route, f"Condition Equals {NextAction.END}")
    assert inbound[ended]["Type"] == "DisconnectParticipant"
    # The flow's own goodbye is only for a caller who declines the callback.
    goodbyes = {i for i, text in inbound.texts().items() if text == GOODBYE}
    sources = {
        (i, label) for i, a in inbound.actions.items() for label, t in transitions_of(a) if t in goodbyes
    }
    assert sources == {
        ("offer-callback", "Condition Equals 2"),
        ("chat-offer-callback", "Condition Equals 2"),
        # A number Connect cannot dial: after the apology and the task for agents (linked to the
        # row when created, so whatever the link answers).
        ("rejected-link-task", "NextAction"),
        ("rejected-link-task", "Error NoMatchingError"),
        ("rejected-create-task", "Error NoMatchingError"),
    }
    assert inbound.target("rejected-create-task", "NextAction") == "rejected-link-task"
    assert inbound["rejected-link-task"]["Parameters"]["LambdaInvocationAttributes"] == LINK_TASK


def _queue_router(inbound: FlowGraph) -> str:
    """The action that routes an escalation on the bot's ``queue`` (after saving the bot's result)."""
    route = inbound.target("ask-bot", "NextAction")
    saved = inbound.target(route, f"Condition Equals {NextAction.ESCALATE}")
    # save-escalation, then save-handoff (the agent's summary), then the router.
    return inbound.target(inbound.target(saved, "NextAction"), "NextAction")


def test_escalation_saves_the_bots_routing_attributes(inbound: FlowGraph) -> None:
    route = inbound.target("ask-bot", "NextAction")
    saved = inbound.target(route, f"Condition Equals {NextAction.ESCALATE}")
    assert inbound[saved]["Parameters"]["Attributes"] == {
        key: f"$.Lex.SessionAttributes.{key}" for key in ROUTING_ATTRIBUTES
    }
    # The agent's summary is saved by its own block: should it fail, the routing attributes stay.
    handoff = inbound.target(saved, "NextAction")
    assert inbound.target(saved, "Error NoMatchingError") == handoff
    assert inbound[handoff]["Parameters"]["Attributes"] == {
        key: f"$.Lex.SessionAttributes.{key}" for key in HANDOFF_ATTRIBUTES
    }
    assert inbound.target(handoff, "Error NoMatchingError") == _queue_router(inbound)


def test_every_queue_of_the_contract_is_routed_to_its_own_queue_arn(inbound: FlowGraph) -> None:
    by_queue = _queue_router(inbound)
    assert inbound[by_queue]["Parameters"] == {
        "ComparisonValue": f"$.Lex.SessionAttributes.{ContactAttribute.QUEUE}"
    }
    targets = {queue: inbound.target(by_queue, f"Condition Equals {queue}") for queue in Queue}
    for queue, target in targets.items():
        assert inbound[target]["Type"] == "UpdateContactTargetQueue", queue
        assert inbound[target]["Parameters"] == {"QueueId": f"%{queue_arn_placeholder(queue)}%"}, queue
        # Then the transfer, through the hours and staffing checks.
        assert inbound.target(target, "NextAction") == "check-hours", queue
    assert len(set(targets.values())) == len(Queue), "one target action per queue"
    # Nothing else: every condition of the router is a queue of the contract.
    conditions = {label for label, _ in transitions_of(inbound[by_queue]) if label.startswith("Condition")}
    assert conditions == {f"Condition Equals {queue}" for queue in Queue}


def test_an_unknown_queue_goes_to_the_default_queue(inbound: FlowGraph) -> None:
    unknown = inbound.target(_queue_router(inbound), "Error NoMatchingCondition")
    assert inbound[unknown]["Parameters"] == {"QueueId": f"%{queue_arn_placeholder(DEFAULT_QUEUE)}%"}


def test_open_hours_check_staffing_then_transfer(inbound: FlowGraph) -> None:
    assert inbound["check-hours"]["Parameters"] == {"HoursOfOperationId": "%HoursOfOperationArn%"}
    staffed = inbound.target("check-hours", "Condition Equals True")
    # No QueueId: Connect checks the contact's target queue, set just before.
    assert inbound[staffed]["Parameters"] == {"MetricType": "NumberOfAgentsStaffed"}
    transfer = inbound.target(staffed, "Condition NumberGreaterThan 0")
    assert inbound[transfer]["Type"] == "TransferContactToQueue"
    nobody = inbound.target(staffed, "NextAction")
    assert inbound.target(transfer, "Error QueueAtCapacity") == nobody
    assert inbound.target(staffed, "Error NoMatchingError") == nobody
    assert "상담원" in inbound[nobody]["Parameters"]["Text"]
    assert inbound.target(nobody, "NextAction") == "check-channel"


def test_closed_hours_tell_the_hours_then_offer_the_callback(inbound: FlowGraph) -> None:
    closed = inbound.target("check-hours", "Condition Equals False")
    assert HOURS_TEXT in inbound[closed]["Parameters"]["Text"]
    assert inbound.target(closed, "NextAction") == "check-channel"
    assert inbound.follow("check-channel", "Condition Equals VOICE") == "offer-callback"


def test_callback_offer_on_voice(inbound: FlowGraph) -> None:
    offer = inbound["offer-callback"]
    assert offer["Type"] == "GetParticipantInput"
    assert offer["Parameters"]["StoreInput"] == "False"
    assert "1번" in offer["Parameters"]["Text"] and "2번" in offer["Parameters"]["Text"]

    register = inbound.target("offer-callback", "Condition Equals 1")
    assert inbound[register]["Parameters"]["LambdaInvocationAttributes"] == {
        "action": "register_callback",
        "queue": "$.Attributes.queue",
        "reason": "$.Attributes.reason",
    }
    assert inbound[register]["Parameters"]["ResponseValidation"] == {"ResponseType": "STRING_MAP"}
    checked = inbound.target(register, "NextAction")
    assert inbound[checked]["Parameters"] == {"ComparisonValue": "$.External.result"}
    # Saved, then a task (the kind the function chose) with logging off around the number, then
    # the task's contact id linked to the row ($.Task.ContactId), whatever the link answers.
    linked = inbound.follow(checked, "Condition Equals ok", *["NextAction"] * 5)
    assert inbound[linked]["Parameters"]["LambdaInvocationAttributes"] == LINK_TASK
    confirmed = inbound.target(linked, "NextAction")
    assert inbound.target(linked, "Error NoMatchingError") == confirmed
    text = inbound[confirmed]["Parameters"]["Text"]
    # Prompt text may embed references ("May be defined statically or dynamically"); the link
    # replaced $.External, so the confirmation reads what save-callback kept.
    assert "$.Attributes.callbackReferenceSpoken" in text and "$.Attributes.callbackTimeSpoken" in text
    assert "$.External" not in text
    assert inbound[inbound.target(confirmed, "NextAction")]["Type"] == "DisconnectParticipant"
    for failure in (
        inbound.target(register, "Error NoMatchingError"),
        inbound.target(checked, "Error NoMatchingCondition"),
    ):
        assert inbound[failure]["Parameters"]["Text"].startswith("죄송합니다")
        assert inbound[inbound.target(failure, "NextAction")]["Type"] == "DisconnectParticipant"

    declined = inbound.target("offer-callback", "Condition Equals 2")
    assert inbound[declined]["Parameters"]["Text"] == GOODBYE
    silent = inbound.target("offer-callback", "Error InputTimeLimitExceeded")
    assert inbound[inbound.target(silent, "NextAction")]["Type"] == "DisconnectParticipant"


def test_a_wrong_key_is_retried_once(inbound: FlowGraph) -> None:
    retry = inbound.target("offer-callback", "Error NoMatchingCondition")
    assert inbound[retry]["Type"] == "Loop"
    assert inbound[retry]["Parameters"] == {"LoopCount": "1"}
    again = inbound.target(retry, "Condition Equals ContinueLooping")
    # Back through the channel check, so each channel hears its own offer again.
    assert inbound.follow(again, "NextAction", "Condition Equals VOICE") == "offer-callback"
    assert inbound.follow(again, "NextAction", "NextAction") == "chat-offer-callback"
    assert not re.search(r"누르|눌러|버튼", inbound[again]["Parameters"]["Text"])
    done = inbound.target(retry, "Condition Equals DoneLooping")
    assert inbound[inbound.target(done, "NextAction")]["Type"] == "DisconnectParticipant"


def test_chat_gets_a_typed_callback_offer_with_the_voice_choices(inbound: FlowGraph) -> None:
    chat = inbound.target("check-channel", "Error NoMatchingCondition")
    assert inbound.target("check-channel", "NextAction") == chat == "chat-offer-callback"
    offer, voice = inbound[chat], inbound["offer-callback"]
    assert offer["Type"] == "GetParticipantInput"
    assert offer["Parameters"]["StoreInput"] == "False"
    assert "1" in offer["Parameters"]["Text"] and "2를 입력해 주세요" in offer["Parameters"]["Text"]
    # Same choices, retry and timeout handling as voice; only the prompt differs.
    for label in (
        "Condition Equals 2",
        "Error NoMatchingCondition",
        "Error InputTimeLimitExceeded",
        "NextAction",
    ):
        assert inbound.target(chat, label) == inbound.target("offer-callback", label), label
    assert offer["Parameters"]["Text"] != voice["Parameters"]["Text"]
    # Connect's "Get customer input" block takes the error branch on chat without Lex (block page):
    # then the chat customer is still told the hours and the phone number.
    fallback = inbound.target(chat, "Error NoMatchingError")
    assert "1588-0000" in inbound[fallback]["Parameters"]["Text"]
    assert inbound[inbound.target(fallback, "NextAction")]["Type"] == "DisconnectParticipant"


def _logging(inbound: FlowGraph, identifier: str, behavior: str) -> str:
    """``identifier`` is an UpdateFlowLoggingBehavior set to ``behavior``; the action after it."""
    assert inbound[identifier]["Type"] == "UpdateFlowLoggingBehavior", identifier
    assert inbound[identifier]["Parameters"] == {"FlowLoggingBehavior": behavior}, identifier
    return inbound.target(identifier, "NextAction")


def test_chat_callback_asks_for_the_number_and_registers_it(inbound: FlowGraph) -> None:
    # Flow logging is off from just before the number is typed until the function has had it
    # (the flow-logging tests below walk every path); here, the callback itself.
    ask = _logging(inbound, inbound.target("chat-offer-callback", "Condition Equals 1"), "Disabled")
    parameters = inbound[ask]["Parameters"]
    assert inbound[ask]["Type"] == "GetParticipantInput"
    assert "휴대전화 번호를" in parameters["Text"] and "입력해 주세요" in parameters["Text"]
    # Stored input: no conditions, and InputValidation "required if and only if StoreInput is True".
    assert parameters["StoreInput"] == "True"
    assert parameters["InputValidation"] == {"CustomValidation": {"MaximumLength": "20"}}
    assert "Conditions" not in inbound[ask]["Transitions"]
    assert _logging(inbound, inbound.target(ask, "Error NoMatchingError"), "Enabled") == "chat-no-callback"

    # A stored input that times out holds "Timeout" and takes the success branch.
    checked = inbound.target(ask, "NextAction")
    assert inbound[checked]["Parameters"] == {"ComparisonValue": "$.StoredCustomerInput"}
    timed_out = inbound.target(checked, "Condition Equals Timeout")
    assert _logging(inbound, timed_out, "Enabled") == "no-input-end"
    register = inbound.target(checked, "NextAction")
    assert inbound.target(checked, "Error NoMatchingCondition") == register
    assert inbound[register]["Parameters"]["LambdaInvocationAttributes"] == {
        "action": "register_callback",
        "phoneNumber": "$.StoredCustomerInput",
        "queue": "$.Attributes.queue",
        "reason": "$.Attributes.reason",
    }
    assert inbound[register]["Parameters"]["ResponseValidation"] == {"ResponseType": "STRING_MAP"}

    result = _logging(inbound, inbound.target(register, "NextAction"), "Enabled")
    assert inbound[result]["Parameters"] == {"ComparisonValue": "$.External.result"}
    # Saved, then always a task (chat has no number Connect could dial), the typed number unlogged.
    linked = inbound.follow(result, "Condition Equals ok", *["NextAction"] * 4)
    assert inbound[linked]["Parameters"]["LambdaInvocationAttributes"] == LINK_TASK
    confirmed = inbound.target(linked, "NextAction")
    assert inbound.target(linked, "Error NoMatchingError") == confirmed
    text = inbound[confirmed]["Parameters"]["Text"]
    # Chat shows the reference as written; the spaced-out form is for text-to-speech.
    assert "$.Attributes.callbackReference " in text and "$.Attributes.callbackTimeSpoken " in text
    assert "referenceSpoken" not in text
    assert inbound[inbound.target(confirmed, "NextAction")]["Type"] == "DisconnectParticipant"
    # A bad number (the function answers result=error) or a failed call: the callback apology.
    for failure in (
        _logging(inbound, inbound.target(register, "Error NoMatchingError"), "Enabled"),
        inbound.target(result, "NextAction"),
    ):
        assert failure == "callback-failed"
    assert inbound.target(result, "Error NoMatchingCondition") == "callback-failed"


# --- flow logs never hold a number the customer gave -----------------------------------------------

#: References whose value is a phone number: what a chat customer typed, the caller's own number.
NUMBER_REFERENCES = ("$.StoredCustomerInput", "$.CustomerEndpoint")


def _handles_the_number(action: Action) -> bool:
    """Whether a flow log entry of ``action`` would hold a number: it stores the customer's input,
    or reads a number reference in any parameter (a Lambda's parameters are logged too)."""
    parameters = action["Parameters"]
    stores = action["Type"] == "GetParticipantInput" and parameters.get("StoreInput") == "True"
    return stores or any(reference in json.dumps(parameters) for reference in NUMBER_REFERENCES)


def flow_logging_violations(graph: FlowGraph) -> list[str]:
    """Every place a walked path breaks the flow-logging rule, as ``path: problem``.

    Replaying each path's UpdateFlowLoggingBehavior actions: an action that handles the number
    must run with flow logging off, and every other action with it on — so logging is turned off
    right before the number is collected and on again as soon as nothing that follows holds it,
    on every branch, errors included (and never left off to the end of a contact).
    """
    problems: set[str] = set()
    for path in graph.walk():
        logging = False  # Connect logs nothing until a flow enables it
        for index, identifier in enumerate(path):
            action = graph[identifier]
            if action["Type"] == "UpdateFlowLoggingBehavior":
                logging = action["Parameters"]["FlowLoggingBehavior"] == "Enabled"
                continue
            where = " → ".join(path[max(0, index - 3) : index + 1])
            if _handles_the_number(action) and logging:
                problems.add(f"{where}: logged while it holds the number")
            if not _handles_the_number(action) and not logging:
                problems.add(f"{where}: not logged, and it holds no number")
    return sorted(problems)


def test_flow_logging_is_off_exactly_while_a_typed_number_is_in_play(inbound: FlowGraph) -> None:
    # Flow logs record each block's parameters and results, stored customer input and a Lambda's
    # parameters included: the chat callback number must not reach them ("Set logging behavior").
    assert flow_logging_violations(inbound) == []
    handling = {identifier for identifier, action in inbound.actions.items() if _handles_the_number(action)}
    assert handling == {
        "chat-ask-number",
        "chat-check-number",
        "chat-register-callback",
        # The number handed to Connect for the callback: the callback number, the tasks' reference.
        "chat-create-task",
        "set-callback-number",
        "create-task",
    }
    # Off right before the number is collected, and only there.
    disabling = {
        (identifier, label)
        for identifier, action in inbound.actions.items()
        for label, target in transitions_of(action)
        if inbound[target]["Type"] == "UpdateFlowLoggingBehavior"
        and inbound[target]["Parameters"]["FlowLoggingBehavior"] == "Disabled"
    }
    assert disabling == {
        ("chat-offer-callback", "Condition Equals 1"),
        ("chat-save-callback", "NextAction"),
        ("chat-save-callback", "Error NoMatchingError"),
        ("callback-kind", "Condition Equals queued_callback"),
        ("callback-kind", "NextAction"),
        ("callback-kind", "Error NoMatchingCondition"),
        ("callback-update-task", "NextAction"),
        ("callback-update-task", "Error NoMatchingError"),
    }
    assert inbound.follow("chat-offer-callback", "Condition Equals 1", "NextAction") == "chat-ask-number"


def test_every_path_out_of_the_number_turns_flow_logging_back_on(inbound: FlowGraph) -> None:
    # From the stored-input block to the end of the callback, on every path: logging stays off
    # through the function that receives the number (success and error), then comes back on
    # before anything else runs.
    paths = [path for path in inbound.walk() if "chat-ask-number" in path]
    assert paths
    ends = set()
    for path in paths:
        after = path[path.index("chat-ask-number") :]
        enabled_at = next(
            index
            for index, identifier in enumerate(after)
            if inbound[identifier]["Parameters"].get("FlowLoggingBehavior") == "Enabled"
        )
        assert all(_handles_the_number(inbound[i]) for i in after[:enabled_at]), after
        # Later, only the task that hands Connect the number, right after logging goes off again.
        later = [i for i in after[enabled_at:] if _handles_the_number(inbound[i])]
        assert later in ([], ["chat-create-task"]), after
        if later:
            before = after[after.index("chat-create-task") - 1]
            assert inbound[before]["Parameters"].get("FlowLoggingBehavior") == "Disabled", after
        ends.add((after[enabled_at - 1], after[enabled_at + 1]))
    assert ends == {
        ("chat-ask-number", "chat-no-callback"),  # the input block failed: the number never came
        ("chat-check-number", "no-input-end"),  # nothing typed ("Timeout")
        ("chat-register-callback", "chat-check-callback"),  # the function answered
        ("chat-register-callback", "callback-failed"),  # the function failed
    }


def _retargeted(graph: FlowGraph, identifier: str, label: str, target: str) -> Action:
    """A copy of action ``identifier`` whose ``label`` transition goes to ``target``."""
    action = json.loads(json.dumps(graph[identifier]))
    transitions = action["Transitions"]
    branches = [transitions, *transitions.get("Conditions", []), *transitions.get("Errors", [])]
    labels = [name for name, _target in transitions_of(action)]
    # transitions_of lists NextAction, then conditions, then errors: the branches' own order.
    found = [
        branch
        for branch, name in zip([b for b in branches if "NextAction" in b], labels, strict=True)
        if name == label
    ]
    assert len(found) == 1, (identifier, label)
    found[0]["NextAction"] = target
    return action


@pytest.mark.parametrize(
    ("identifier", "label", "target", "problem"),
    [
        # The function's error path goes straight on: logging would stay off to the end.
        ("chat-register-callback", "Error NoMatchingError", "callback-failed", "not logged, and it holds"),
        # The number is asked for before logging is turned off.
        ("chat-offer-callback", "Condition Equals 1", "chat-ask-number", "logged while it holds the number"),
        # The function answers and logging is never turned back on.
        ("chat-register-callback", "NextAction", "chat-check-callback", "not logged, and it holds"),
        # A timeout that never turns logging back on.
        ("chat-check-number", "Condition Equals Timeout", "no-input-end", "not logged, and it holds"),
    ],
)
def test_the_flow_logging_check_finds_a_broken_flow(
    identifier: str, label: str, target: str, problem: str
) -> None:
    broken = FlowGraph(next(spec for spec in FLOWS if spec.key == "inbound"))
    broken.actions[identifier] = _retargeted(broken, identifier, label, target)
    assert any(problem in found for found in flow_logging_violations(broken)), flow_logging_violations(broken)


def test_the_flow_logging_check_finds_logging_left_on_for_the_number() -> None:
    broken = FlowGraph(next(spec for spec in FLOWS if spec.key == "inbound"))
    broken.actions["chat-logging-off"] = {
        **broken["chat-logging-off"],
        "Parameters": {"FlowLoggingBehavior": "Enabled"},
    }
    problems = flow_logging_violations(broken)
    for identifier in ("chat-ask-number", "chat-check-number", "chat-register-callback"):
        assert any(f"{identifier}: logged while it holds the number" in found for found in problems), (
            identifier
        )


def test_no_function_gets_the_callers_number_as_a_logged_parameter(inbound: FlowGraph) -> None:
    # Voice: the contact-flow function reads the caller's number from the event's contact data
    # (CustomerEndpoint), which Connect sends to every function; the blocks' own parameters —
    # what a flow log entry records — are the action only, so they stay logged.
    for identifier in ("lookup-customer", "register-callback"):
        assert inbound[identifier]["Parameters"]["LambdaInvocationAttributes"].keys() <= {
            LambdaParameter.ACTION,
            LambdaParameter.QUEUE,
            LambdaParameter.REASON,
        }
    lambdas = [i for i, action in inbound.actions.items() if action["Type"] == "InvokeLambdaFunction"]
    assert [i for i in lambdas if _handles_the_number(inbound[i])] == ["chat-register-callback"]


def test_no_chat_text_mentions_keys_and_voice_never_reaches_chat_blocks(inbound: FlowGraph) -> None:
    on_chat = inbound.reachable_avoiding({("check-channel", "Condition Equals VOICE")})
    assert "offer-callback" not in on_chat and "register-callback" not in on_chat
    for identifier, text in inbound.texts(on_chat).items():
        assert not re.search(r"누르|눌러|버튼|번을", text), identifier
    on_voice = inbound.reachable_avoiding(
        {("check-channel", "NextAction"), ("check-channel", "Error NoMatchingCondition")}
    )
    assert not {i for i in on_voice if i.startswith("chat-")}


def test_a_silent_caller_is_ended_politely(inbound: FlowGraph) -> None:
    silent = inbound.target("ask-bot", "Error InputTimeLimitExceeded")
    assert inbound[silent]["Parameters"]["Text"].endswith("감사합니다.")
    assert inbound[inbound.target(silent, "NextAction")]["Type"] == "DisconnectParticipant"


def test_errors_apologise_and_fall_back_to_the_default_queue(inbound: FlowGraph) -> None:
    apology = inbound.target("ask-bot", "Error NoMatchingError")
    assert inbound[apology]["Parameters"]["Text"].startswith(TEMPORARY_ERROR)
    by_queue = _queue_router(inbound)
    for source, label in (
        ("route-bot-result", "Error NoMatchingCondition"),
        ("transfer", "Error NoMatchingError"),
        *(
            (inbound.target(by_queue, f"Condition Equals {queue}"), "Error NoMatchingError")
            for queue in Queue
        ),
    ):
        assert inbound.target(source, label) == apology, source
    # The agent is told it was a system error (tests/flows/test_agent_flows.py), then the general queue.
    general = inbound.follow(apology, "NextAction", "NextAction")
    assert inbound[general]["Parameters"] == {"QueueId": f"%{queue_arn_placeholder(DEFAULT_QUEUE)}%"}
    transfer = inbound.target(general, "NextAction")
    assert inbound[transfer]["Type"] == "TransferContactToQueue"
    # The fallback's own failures end with a polite disconnect, never back into the apology.
    for label in ("Error QueueAtCapacity", "Error NoMatchingError"):
        polite = inbound.target(transfer, label)
        assert inbound[polite]["Type"] == "MessageParticipant"
        assert inbound[inbound.target(polite, "NextAction")]["Type"] == "DisconnectParticipant"
    assert inbound[inbound.target(general, "Error NoMatchingError")]["Type"] == "MessageParticipant"


def test_the_only_cycle_is_the_counted_retry(inbound: FlowGraph) -> None:
    loops = {i for i, a in inbound.actions.items() if a["Type"] == "Loop"}
    without_loops = {
        i: [t for _l, t in transitions_of(a) if t not in loops] for i, a in inbound.actions.items()
    }
    assert not _has_cycle(without_loops)


def _has_cycle(edges: dict[str, list[str]]) -> bool:
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        if state.get(node) == 1:
            return True
        if state.get(node) == 2:
            return False
        state[node] = 1
        found = any(visit(target) for target in edges.get(node, []))
        state[node] = 2
        return found

    return any(visit(node) for node in edges)


# --- the customer queue flow ---------------------------------------------------------------------------


def test_queue_flow_holds_voice_callers_with_korean_messages(queue_flow: FlowGraph) -> None:
    assert queue_flow[queue_flow.start]["Parameters"]["TextToSpeechVoice"] == "Seoyeon"
    hours = queue_flow.follow(queue_flow.start, "NextAction")
    assert queue_flow[hours]["Parameters"] == {"HoursOfOperationId": "%HoursOfOperationArn%"}
    channel = queue_flow.target(hours, "Condition Equals True")
    hold = queue_flow.target(channel, "Condition Equals VOICE")
    assert queue_flow[hold]["Type"] == "MessageParticipantIteratively"
    messages = queue_flow[hold]["Parameters"]["Messages"]
    assert len(messages) >= 2 and all("기다려" in m["Text"] for m in messages)
    assert queue_flow[queue_flow.target(hold, "Error NoMatchingError")]["Type"] == "EndFlowExecution"


def test_queue_flow_tells_chat_once_and_closed_hours_politely(queue_flow: FlowGraph) -> None:
    channel = queue_flow.target("queue-check-hours", "Condition Equals True")
    chat = queue_flow.target(channel, "Error NoMatchingCondition")
    assert queue_flow[chat]["Type"] == "MessageParticipant"
    assert queue_flow[queue_flow.target(chat, "NextAction")]["Type"] == "EndFlowExecution"
    closed = queue_flow.target("queue-check-hours", "Condition Equals False")
    assert HOURS_TEXT in queue_flow[closed]["Parameters"]["Text"]
    assert queue_flow[queue_flow.target(closed, "NextAction")]["Type"] == "DisconnectParticipant"
    # An hours check that fails keeps the caller waiting rather than hanging up.
    assert queue_flow.target("queue-check-hours", "Error NoMatchingError") == channel


# --- caller-facing text ------------------------------------------------------------------------------------

_POLITE_SENTENCE_END = re.compile(r"(니다|세요|까요|어요|아요|해요|예요|에요|죠)[.!?]$")


@pytest.mark.parametrize("key", ["inbound", "customer_queue"])
def test_every_prompt_is_polite_korean(key: str, inbound: FlowGraph, queue_flow: FlowGraph) -> None:
    graph = inbound if key == "inbound" else queue_flow
    texts = graph.texts()
    assert texts
    for identifier, text in texts.items():
        assert re.search(r"[가-힣]", text), identifier
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
        for sentence in sentences:
            assert _POLITE_SENTENCE_END.search(sentence), f"{identifier}: {sentence!r}"
