"""ClassifierChain: fallback reasons, budget arithmetic, and that it never raises.

The local stand-in here is never sure (its assessment is out of domain), so the chain asks Bedrock
under either policy; when it asks only when unsure is ``tests/unit/test_local_first.py``.
"""

from __future__ import annotations

import math
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bedrock_classifier import (
    DEFAULT_MODEL_ID,
    BedrockClassifier,
    ClassifierUnavailable,
    make_bedrock_runtime_client,
)
from bot.classifier_chain import (
    DEFAULT_RESERVE_SECONDS,
    ChainResult,
    ClassifierChain,
)
from bot.local_classifier import LocalAssessment
from bot.models import Classification
from contract import ConsultPolicy, FallbackReason, Intent

LOCAL_ANSWER = Classification(Intent.GREETING, 0.75, "local")
BEDROCK_ANSWER = Classification(Intent.ORDER_INQUIRY, 0.92, "bedrock")


class FakeLocal:
    """Local classifier stand-in: one fixed answer, never sure (no evidence), or an exception."""

    def __init__(self, error: Exception | None = None) -> None:
        self.texts: list[str] = []
        self._error = error

    def classify(self, text: str) -> Classification:
        self.texts.append(text)
        if self._error is not None:
            raise self._error
        return LOCAL_ANSWER

    def assess(self, text: str) -> LocalAssessment:
        return LocalAssessment(self.classify(text), Intent.GOODBYE, margin=0.0, top_evidence=0.0)


class FakeBedrock:
    """Bedrock classifier stand-in recording the budgets it was given."""

    def __init__(self, outcome: Classification | BaseException = BEDROCK_ANSWER) -> None:
        self.budgets: list[float] = []
        self._outcome = outcome

    def classify(self, text: str, *, budget_seconds: float) -> Classification:
        self.budgets.append(budget_seconds)
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome


def test_bedrock_answer_is_used_when_it_succeeds() -> None:
    local, bedrock = FakeLocal(), FakeBedrock()
    result = ClassifierChain(local, bedrock).classify("주문한 거 어디쯤 왔어요?")
    assert result == ChainResult(BEDROCK_ANSWER, None, consulted_bedrock=True)
    assert local.texts == ["주문한 거 어디쯤 왔어요?"]  # assessed once, not classified again


def test_policy_always_asks_bedrock_before_the_local_classifier() -> None:
    local, bedrock = FakeLocal(), FakeBedrock()
    result = ClassifierChain(local, bedrock, policy=ConsultPolicy.ALWAYS).classify("주문한 거 어디쯤 왔어요?")
    assert result == ChainResult(BEDROCK_ANSWER, None, consulted_bedrock=True)
    assert local.texts == []


def test_without_bedrock_the_local_classifier_answers_with_reason_disabled() -> None:
    local = FakeLocal()
    result = ClassifierChain(local, None).classify("안녕하세요")
    assert result == ChainResult(LOCAL_ANSWER, FallbackReason.DISABLED)
    assert local.texts == ["안녕하세요"]


@pytest.mark.parametrize(
    "reason",
    [
        "timeout",
        "throttled",
        "access_denied",
        "malformed_output",
        "off_taxonomy",
        "budget_exhausted",
        "error",
    ],
)
def test_each_unavailability_falls_back_with_its_reason(reason: str) -> None:
    local = FakeLocal()
    chain = ClassifierChain(local, FakeBedrock(ClassifierUnavailable(reason)))
    assert chain.classify("여보세요") == ChainResult(LOCAL_ANSWER, reason, consulted_bedrock=True)
    assert local.texts == ["여보세요"]
    always = ClassifierChain(local, FakeBedrock(ClassifierUnavailable(reason)), policy=ConsultPolicy.ALWAYS)
    assert always.classify("여보세요") == ChainResult(LOCAL_ANSWER, reason, consulted_bedrock=True)


@pytest.mark.parametrize("error", [RuntimeError("bug"), KeyError("output"), TypeError(), ValueError()])
def test_unexpected_bedrock_exceptions_fall_back_with_reason_error(error: Exception) -> None:
    chain = ClassifierChain(FakeLocal(), FakeBedrock(error))
    assert chain.classify("여보세요") == ChainResult(LOCAL_ANSWER, "error", consulted_bedrock=True)


@pytest.mark.parametrize("text", ["", " ", "\t\n", "\u3000"])
def test_blank_text_is_classified_locally_without_calling_bedrock(text: str) -> None:
    local, bedrock = FakeLocal(), FakeBedrock()
    result = ClassifierChain(local, bedrock).classify(text)
    assert result == ChainResult(LOCAL_ANSWER, FallbackReason.EMPTY_INPUT, consulted_bedrock=False)
    assert bedrock.budgets == []
    assert local.texts == [text]


def test_a_failing_local_classifier_gives_a_not_understood_result() -> None:
    chain = ClassifierChain(FakeLocal(error=RuntimeError("broken data")), None)
    result = chain.classify("안녕하세요")
    assert result.fallback_reason == FallbackReason.DISABLED
    assert result.classification.source == "local"
    assert result.classification.confidence == 0.0
    assert not result.classification.is_confident


def test_both_classifiers_failing_still_returns_a_result() -> None:
    chain = ClassifierChain(FakeLocal(error=RuntimeError()), FakeBedrock(ClassifierUnavailable("timeout")))
    result = chain.classify("안녕하세요")
    assert result.fallback_reason == "timeout"
    assert result.classification.confidence == 0.0


# --- budget arithmetic -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remaining", "expected_budget"),
    [
        (None, 2.5),  # no known deadline: the configured budget
        (30.0, 2.5),  # plenty of time: capped by the configured budget
        (4.0, 2.5),  # exactly budget + reserve
        (3.0, 1.5),  # less: what is left after the reserve
        (1.8, 0.3),
        (1.5, 0.0),  # nothing left after the reserve
        (0.2, 0.0),  # never negative
        (-1.0, 0.0),
        (math.nan, 0.0),  # an unknown deadline is not plenty
        (math.inf, 2.5),
    ],
)
def test_bedrock_budget_is_min_of_budget_and_remaining_minus_reserve(
    remaining: float | None, expected_budget: float
) -> None:
    bedrock = FakeBedrock()
    ClassifierChain(FakeLocal(), bedrock).classify("배송 조회", remaining_time_seconds=remaining)
    assert bedrock.budgets == [pytest.approx(expected_budget)]


def test_budget_and_reserve_are_configurable() -> None:
    bedrock = FakeBedrock()
    chain = ClassifierChain(FakeLocal(), bedrock, bedrock_budget_seconds=1.0, reserve_seconds=0.5)
    chain.classify("배송 조회", remaining_time_seconds=1.2)
    chain.classify("배송 조회", remaining_time_seconds=8.0)
    assert bedrock.budgets == [pytest.approx(0.7), pytest.approx(1.0)]
    assert chain.bedrock_budget(None) == 1.0


def test_default_reserve_is_documented_value() -> None:
    assert DEFAULT_RESERVE_SECONDS == 1.5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bedrock_budget_seconds": 0.0},
        {"bedrock_budget_seconds": math.nan},
        {"reserve_seconds": -0.1},
        {"reserve_seconds": math.inf},
    ],
)
def test_nonsense_configuration_is_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="seconds"):
        ClassifierChain(FakeLocal(), None, **kwargs)


# --- never raises ----------------------------------------------------------------------------------

_OUTCOMES = st.sampled_from(
    [
        BEDROCK_ANSWER,
        ClassifierUnavailable("throttled"),
        ClassifierUnavailable("budget_exhausted"),
        RuntimeError("boom"),
        ZeroDivisionError(),
        AttributeError("converse"),
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(max_size=300),
    remaining=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    outcome=_OUTCOMES,
    bedrock_enabled=st.booleans(),
    policy=st.sampled_from(ConsultPolicy),
)
def test_chain_never_raises(
    text: str, remaining: float | None, outcome: Any, bedrock_enabled: bool, policy: ConsultPolicy
) -> None:
    bedrock = FakeBedrock(outcome) if bedrock_enabled else None
    result = ClassifierChain(FakeLocal(), bedrock, policy=policy).classify(
        text, remaining_time_seconds=remaining
    )
    assert isinstance(result.classification, Classification)
    assert (result.fallback_reason is None) == (result.classification.source == "bedrock")
    assert result.consulted_bedrock == (bedrock is not None and len(bedrock.budgets) == 1)
    if bedrock is not None:
        assert all(budget >= 0.0 for budget in bedrock.budgets)


# --- with the real Bedrock classifier -----------------------------------------------------------


def test_real_bedrock_classifier_throttled_falls_back_to_local() -> None:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="ap-northeast-2"
    )
    client = make_bedrock_runtime_client(region="ap-northeast-2", session=session)
    chain = ClassifierChain(FakeLocal(), BedrockClassifier(client, DEFAULT_MODEL_ID))
    with Stubber(client) as stubber:
        stubber.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
        throttled = chain.classify("환불해 주세요", remaining_time_seconds=7.9)
        # Short on time: the default client cannot finish within 1.0 s, so it is not called.
        short = chain.classify("환불해 주세요", remaining_time_seconds=2.5)
        stubber.assert_no_pending_responses()
    assert throttled == ChainResult(LOCAL_ANSWER, "throttled", consulted_bedrock=True)
    assert short == ChainResult(LOCAL_ANSWER, "budget_exhausted", consulted_bedrock=True)
