"""FAQ before escalation (bot.faq_first): the engine answers a strongly matching FAQ first.

The policy tests drive ``BotEngine.handle_turn`` with a scripted classifier and a matcher whose score
is set per test, so they pin the threshold and the follow-up turn, not the classifiers; the last
section checks the threshold against the real matcher and the local classifier chain, and the
operational switch (config, the Lambda's variable, its settings).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot import faq_first, messages
from bot.classifier_chain import ClassifierChain
from bot.engine import BOT_STATE_KEY, BotEngine, ConversationState, TurnInput, TurnOutcome
from bot.faq import FaqMatcher, load_faq_entries
from bot.local_classifier import default_classifier
from bot.models import KST, Classification, FaqEntry, FaqMatch
from config import ConfigError, load_all_environments
from config.settings import DEFAULT_CONFIG_PATH
from constructs_lib import function_environment as fe
from contract import CustomerTier, EnvVar, EscalationReason, FallbackReason, FaqFirstOutcome, Intent
from handlers.settings import LexHookSettings, SettingsError
from tests.support.memory import InMemoryOrderRepository, InMemoryReservationRepository
from tests.unit.test_function_environment import TOKEN_NAMES
from tests.unit.test_function_environment import config as unit_config

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=KST)
DATA = Path(__file__).parent / "data"
PASSWORD = FaqEntry(
    "password",
    "계정",
    "비밀번호를 잊어버렸어요.",
    '로그인 페이지에서 "비밀번호 찾기"를 클릭하여 이메일로 재설정 링크를 받으실 수 있습니다.',
    ("비밀번호",),
)
HOURS = FaqEntry(
    "hours", "일반", "영업시간이 어떻게 되나요?", "평일 오전 9시부터 오후 6시까지 운영합니다.", ("영업시간",)
)


def confident(intent: Intent) -> Classification:
    return Classification(intent=intent, confidence=0.99, source="local")


#: The scripted classifier: anything else is not understood.
INTENTS: dict[str, Classification] = {
    "로그인 비밀번호가 기억이 안 나요": confident(Intent.TECHNICAL_SUPPORT),
    "결제 비밀번호를 잊어버렸어요": confident(Intent.PAYMENT_INQUIRY),
    "비밀번호 때문에 주문 취소해 주세요": confident(Intent.CANCEL_REQUEST),
    "상담원 연결해 주세요": confident(Intent.AGENT_REQUEST),
    "아니요, 상담원 연결해 주세요": confident(Intent.AGENT_REQUEST),
    "감사합니다": confident(Intent.GOODBYE),
    "직원이 불친절해요": confident(Intent.COMPLAINT),
    "영업시간은요?": confident(Intent.GENERAL_INQUIRY),
    # Angry or urgent words with the FAQ's: the classifier may well say technical support.
    "비밀번호를 잊어버려서 화나요": confident(Intent.TECHNICAL_SUPPORT),
    "비밀번호를 잊어버렸어요 당장 해결해 주세요": confident(Intent.TECHNICAL_SUPPORT),
    "네 그런데 영업시간은요?": confident(Intent.GENERAL_INQUIRY),
}


@dataclass
class _Result:
    classification: Classification
    fallback_reason: FallbackReason | None = FallbackReason.DISABLED


class ScriptedClassifier:
    def classify(self, text: str, *, remaining_time_seconds: float | None = None) -> _Result:
        return _Result(INTENTS.get(text, Classification(Intent.GENERAL_INQUIRY, 0.1, "local")))


@dataclass
class ScoredMatcher:
    """Password-ish words match ``password`` with ``score``; "영업시간" matches hours strongly."""

    score: float = 0.9
    asked: list[str] = field(default_factory=list)

    def match(self, text: str) -> FaqMatch | None:
        self.asked.append(text)
        if "비밀번호" in text:
            return FaqMatch("password", self.score)
        return FaqMatch("hours", 0.9) if "영업시간" in text else None


def make_engine(*, score: float = 0.9, enabled: bool = True) -> BotEngine:
    return BotEngine(
        classifier=ScriptedClassifier(),
        faq_matcher=ScoredMatcher(score),
        orders=InMemoryOrderRepository([]),
        reservations=InMemoryReservationRepository(),
        faq_entries=[PASSWORD, HOURS],
        faq_first_enabled=enabled,
    )


class Call:
    """One contact through ``handle_turn``, carrying the session between turns."""

    def __init__(self, engine: BotEngine, *, tier: CustomerTier = CustomerTier.STANDARD) -> None:
        self.engine, self.tier = engine, tier
        self.session: dict[str, str] = {"customerTier": tier.value, "channel": "VOICE", "contactId": "c-1"}

    def say(self, text: str) -> TurnOutcome:
        outcome = self.engine.handle_turn(
            TurnInput(text, "c-1", "VOICE", self.tier, NOW, dict(self.session), remaining_time_seconds=5.0)
        )
        self.session = outcome.session
        return outcome


def routed(outcome: TurnOutcome) -> tuple[str, str, str, str]:
    session = outcome.session
    return (session["nextAction"], session["queue"], session["reason"], session["priority"])


# --- the offer ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("로그인 비밀번호가 기억이 안 나요", Intent.TECHNICAL_SUPPORT),
        ("결제 비밀번호를 잊어버렸어요", Intent.PAYMENT_INQUIRY),
        ("비밀번호 때문에 주문 취소해 주세요", Intent.CANCEL_REQUEST),
    ],
)
def test_an_intent_agents_handle_gets_the_strongly_matching_faq_first(text: str, intent: Intent) -> None:
    outcome = Call(make_engine()).say(text)

    assert outcome.messages == [PASSWORD.answer, messages.FAQ_FIRST_FOLLOW_UP]
    assert outcome.dialog_action == "ElicitIntent"
    assert "nextAction" not in outcome.session
    assert (outcome.record.faq_id, outcome.record.faq_first) == ("password", FaqFirstOutcome.OFFERED)
    pending = ConversationState.decode(outcome.session[BOT_STATE_KEY]).pending_faq
    assert pending == faq_first.PendingFaq("password", intent, faq_first.INTENT_REASONS[intent])


def test_the_strong_match_threshold_is_inclusive_and_exact() -> None:
    at = Call(make_engine(score=faq_first.STRONG_MATCH_SCORE)).say("로그인 비밀번호가 기억이 안 나요")
    below = Call(make_engine(score=faq_first.STRONG_MATCH_SCORE - 0.0001)).say(
        "로그인 비밀번호가 기억이 안 나요"
    )

    assert at.record.faq_first is FaqFirstOutcome.OFFERED
    assert below.record.faq_id is None and below.record.faq_first is None
    assert routed(below) == ("escalate", "tech_support", "tech_support", "NORMAL")


def test_switched_off_the_intent_escalates_at_once() -> None:
    outcome = Call(make_engine(enabled=False)).say("로그인 비밀번호가 기억이 안 나요")

    assert routed(outcome) == ("escalate", "tech_support", "tech_support", "NORMAL")
    assert outcome.record.faq_id is None and outcome.record.faq_first is None


def test_a_vip_caller_is_escalated_at_once_to_the_priority_queue() -> None:
    outcome = Call(make_engine(), tier=CustomerTier.VIP).say("로그인 비밀번호가 기억이 안 나요")

    assert routed(outcome) == ("escalate", "priority", "tech_support", "HIGH")
    assert outcome.record.faq_first is None


@pytest.mark.parametrize(
    ("text", "reason", "queue", "priority"),
    [
        ("비밀번호를 잊어버려서 화나요", "complaint", "complaint", "NORMAL"),
        ("비밀번호를 잊어버렸어요 당장 해결해 주세요", "urgent", "priority", "CRITICAL"),
    ],
)
def test_anger_and_urgency_still_win_at_once(text: str, reason: str, queue: str, priority: str) -> None:
    outcome = Call(make_engine()).say(text)
    assert routed(outcome) == ("escalate", queue, reason, priority)
    assert outcome.record.faq_id is None


def test_complaint_and_agent_requests_are_never_answered_first() -> None:
    assert routed(Call(make_engine()).say("상담원 연결해 주세요"))[2] == "agent_request"
    assert routed(Call(make_engine()).say("직원이 불친절해요"))[2] == "complaint"


# --- the follow-up -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer", ["아니요", "아니요, 상담원 연결해 주세요", "해결이 안 됐어요", "아직도 안 돼요"]
)
def test_no_or_an_agent_request_escalates_with_the_original_reason(answer: str) -> None:
    call = Call(make_engine())
    call.say("비밀번호 때문에 주문 취소해 주세요")

    outcome = call.say(answer)

    assert routed(outcome) == ("escalate", "payment", "payment_security", "NORMAL")
    assert outcome.messages == [messages.ESCALATE_PAYMENT]
    assert outcome.record.faq_first is FaqFirstOutcome.ESCALATED
    assert ConversationState.decode(outcome.session[BOT_STATE_KEY]).pending_faq is None


def test_a_vip_who_says_no_goes_to_the_priority_queue_with_the_original_reason() -> None:
    call = Call(make_engine())
    call.say("로그인 비밀번호가 기억이 안 나요")
    call.tier = CustomerTier.VIP  # the tier is the flow's: the VIP rule applies to every escalation

    assert routed(call.say("아니요")) == ("escalate", "priority", "tech_support", "HIGH")


@pytest.mark.parametrize("answer", ["네", "감사합니다", "네 해결됐어요", "도움이 됐어요 감사합니다"])
def test_yes_or_thanks_end_the_call_politely(answer: str) -> None:
    call = Call(make_engine())
    call.say("로그인 비밀번호가 기억이 안 나요")

    outcome = call.say(answer)

    assert outcome.messages == [messages.GOODBYE]
    assert (outcome.dialog_action, outcome.session["nextAction"]) == ("Close", "end")
    assert outcome.record.faq_first is FaqFirstOutcome.RESOLVED
    assert "queue" not in outcome.session


def test_silence_ends_the_call_politely() -> None:
    call = Call(make_engine())
    call.say("로그인 비밀번호가 기억이 안 나요")

    outcome = call.say("")

    assert outcome.messages == [messages.FAQ_FIRST_SILENT_END, messages.GOODBYE]
    assert outcome.session["nextAction"] == "end"
    assert outcome.record.faq_first is FaqFirstOutcome.RESOLVED


def test_a_new_question_is_handled_as_usual_and_counted_as_moved_on() -> None:
    call = Call(make_engine())
    call.say("로그인 비밀번호가 기억이 안 나요")

    outcome = call.say("네 그런데 영업시간은요?")

    assert outcome.messages == [HOURS.answer, messages.ANYTHING_ELSE]
    assert outcome.record.faq_first is FaqFirstOutcome.MOVED_ON
    assert ConversationState.decode(outcome.session[BOT_STATE_KEY]).pending_faq is None


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("직원이 불친절해요", "complaint"),
        ("아니요 짜증나요", "complaint"),
        ("아니요 급해요 당장요", "urgent"),
    ],
)
def test_anger_and_urgency_in_the_follow_up_keep_their_own_reason(answer: str, reason: str) -> None:
    call = Call(make_engine())
    call.say("로그인 비밀번호가 기억이 안 나요")

    outcome = call.say(answer)

    assert routed(outcome)[2] == reason
    assert outcome.record.faq_first is FaqFirstOutcome.ESCALATED


def test_a_card_number_alone_keeps_the_question_open() -> None:
    call = Call(make_engine())
    call.say("로그인 비밀번호가 기억이 안 나요")

    outcome = call.say("카드번호는 5438 1273 4096 5815")

    assert outcome.messages[0] == messages.PERSONAL_DATA_NOT_NEEDED
    assert outcome.record.faq_first is None
    assert ConversationState.decode(outcome.session[BOT_STATE_KEY]).pending_faq is not None
    assert routed(call.say("아니요")) == ("escalate", "tech_support", "tech_support", "NORMAL")


def test_an_unreadable_pending_answer_starts_a_fresh_conversation() -> None:
    bad = json.dumps(
        {"v": 1, "t": 1, "nu": 0, "nr": 0, "ff": {"f": "password", "i": "greeting", "r": "urgent"}}
    )
    outcome = make_engine().handle_turn(
        TurnInput("아니요", "c-1", "VOICE", CustomerTier.STANDARD, NOW, {BOT_STATE_KEY: bad})
    )
    assert outcome.record.faq_first is None
    assert "nextAction" not in outcome.session


def test_the_pending_answer_round_trips_through_bot_state() -> None:
    pending = faq_first.PendingFaq("password", Intent.TECHNICAL_SUPPORT, EscalationReason.TECH_SUPPORT)
    state = ConversationState(turn=2, pending_faq=pending)

    assert ConversationState.decode(state.encode()) == state
    assert json.loads(state.encode())["ff"] == {
        "f": "password",
        "i": "technical_support",
        "r": "tech_support",
    }


def test_understand_follow_up_never_offers() -> None:
    answers = ["", "네", "아니요", "상담원", "노트북 가격 알려주세요", "네 그런데 배송은요?"]
    outcomes = {faq_first.understand_follow_up(text, None) for text in answers}
    assert FaqFirstOutcome.OFFERED not in outcomes
    assert faq_first.understand_follow_up("노트북 가격 알려주세요", None) is FaqFirstOutcome.MOVED_ON


# --- the threshold on the real FAQ and classifier ----------------------------------------------------


def _jsonl(name: str) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_payment_problems_that_mention_a_payment_method_are_not_strong_matches() -> None:
    # They must reach the payment queue directly: the list of payment methods does not fix them.
    matcher = FaqMatcher(load_faq_entries())
    payment = [row["text"] for row in _jsonl("utterances.jsonl") if row.get("intent") == "payment_inquiry"]
    assert payment
    strong = [text for text in payment if (best := matcher.best(text)) and faq_first.is_strong(best.score)]
    assert strong == []


def test_password_paraphrases_are_strong_matches() -> None:
    matcher = FaqMatcher(load_faq_entries())
    password = [row["text"] for row in _jsonl("faq_questions.jsonl") if row.get("faq_id") == "password"]
    strong = [
        text
        for text in password
        if (best := matcher.best(text)) and best.faq_id == "password" and faq_first.is_strong(best.score)
    ]
    assert "비밀번호 까먹었어요" in strong and "비밀번호가 기억이 안 나요" in strong


def test_the_real_chain_answers_the_issue_sentence_first_then_routes_the_no() -> None:
    matcher = FaqMatcher(load_faq_entries())
    engine = BotEngine(
        classifier=ClassifierChain(default_classifier(), None),
        faq_matcher=matcher,
        orders=InMemoryOrderRepository([]),
        reservations=InMemoryReservationRepository(),
    )
    call = Call(engine)
    first = call.say("로그인 비밀번호가 기억이 안 나요")  # technical_support for the local classifier
    assert first.record.intent == "technical_support"
    assert first.messages == [matcher.entry("password").answer, messages.FAQ_FIRST_FOLLOW_UP]  # type: ignore[union-attr]
    assert routed(call.say("아니요, 상담원 연결해 주세요")) == (
        "escalate",
        "tech_support",
        "tech_support",
        "NORMAL",
    )


# --- the operational switch --------------------------------------------------------------------------


def test_every_environment_has_faq_first_on_and_it_must_be_a_boolean(tmp_path: Path) -> None:
    assert all(config.faq_first for config in load_all_environments().values())
    document = json.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    bad = copy.deepcopy(document)
    bad["environments"]["staging"]["faq_first"] = "yes"
    path = tmp_path / "environments.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^staging\.faq_first must be true or false, got 'yes'"):
        load_all_environments(path)
    off = copy.deepcopy(document)
    off["environments"]["prod"]["faq_first"] = False
    path.write_text(json.dumps(off, ensure_ascii=False), encoding="utf-8")
    assert load_all_environments(path)["prod"].faq_first is False


@pytest.mark.parametrize("enabled", [True, False])
def test_the_lambda_reads_what_the_config_says(enabled: bool) -> None:
    environment = fe.lex_hook_environment(
        dataclasses.replace(unit_config(), faq_first=enabled), TOKEN_NAMES, bedrock_enabled=False
    )
    assert environment[EnvVar.FAQ_FIRST] == ("true" if enabled else "false")
    assert LexHookSettings.from_env(environment).faq_first is enabled


def test_the_setting_defaults_on_and_refuses_nonsense() -> None:
    environment: Mapping[str, str] = fe.lex_hook_environment(
        unit_config(), TOKEN_NAMES, bedrock_enabled=False
    )
    without = {name: value for name, value in environment.items() if name != EnvVar.FAQ_FIRST}
    assert LexHookSettings.from_env(without).faq_first is True
    with pytest.raises(SettingsError, match="FAQ_FIRST must be 'true' or 'false'"):
        LexHookSettings.from_env({**environment, EnvVar.FAQ_FIRST: "sometimes"})
