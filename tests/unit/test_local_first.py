"""Local first, Bedrock when unsure (issue 14): the confidence rule, its tuning and its effect.

The numbers the README quotes come from :func:`measure` on the labelled utterances
(``tests/unit/data/utterances.jsonl``: labelled in-domain rows and out-of-domain rows whose intent
is null). A turn is **correct** when the chain's answer is what the dialog policy should act on:
for a labelled row, the labelled intent with a confidence that clears its threshold; for an
out-of-domain row, no confident intent at all (the bot asks again). Bedrock is a deterministic
stand-in: :class:`OracleBedrock` answers every labelled row right (a perfect model, so
"before" is as good as Bedrock-first can be) and :class:`FlawedBedrock` gets every third row
wrong; "before" is the Bedrock-first chain (``ConsultPolicy.ALWAYS``), "after" local first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

from bot.bedrock_classifier import DEFAULT_MODEL_ID, BedrockClassifier, make_bedrock_runtime_client
from bot.classifier_chain import ChainResult, ClassifierChain, ConsultPolicy
from bot.local_classifier import (
    COVERAGE_MIDPOINT,
    LocalAssessment,
    LocalClassifier,
    canonical_form,
    default_classifier,
)
from bot.local_confidence import CONSULT_MARGINS, IN_DOMAIN_EVIDENCE, is_sure, tune_consult_margins
from bot.models import INTENT_THRESHOLDS, Classification
from contract import FallbackReason, Intent

DATA = Path(__file__).parent / "data" / "utterances.jsonl"
#: The most turns that may ask Bedrock (issue 14).
MAX_CONSULTED_SHARE = 0.15


def _rows() -> list[tuple[str, Intent | None]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["text"], Intent(row["intent"]) if row["intent"] else None) for row in rows]


ROWS = _rows()
LABELS = dict(ROWS)


class OracleBedrock:
    """A perfect model: the labelled intent, confidently; for out-of-domain text, no confident intent."""

    def __init__(self) -> None:
        self.calls = 0

    def classify(self, text: str, *, budget_seconds: float) -> Classification:
        self.calls += 1
        label = LABELS[text]
        if label is None:
            return Classification(Intent.GENERAL_INQUIRY, 0.1, "bedrock")
        return Classification(label, 0.95, "bedrock")


class FlawedBedrock(OracleBedrock):
    """Wrong on every third row (confidently another intent): a model worse than the oracle."""

    def __init__(self) -> None:
        super().__init__()
        self._wrong = {text for index, (text, _) in enumerate(ROWS) if index % 3 == 0}

    def classify(self, text: str, *, budget_seconds: float) -> Classification:
        answer = super().classify(text, budget_seconds=budget_seconds)
        if text not in self._wrong:
            return answer
        other = Intent.COMPLAINT if answer.intent is not Intent.COMPLAINT else Intent.GREETING
        return Classification(other, 0.95, "bedrock")


def correct(result: ChainResult, label: Intent | None) -> bool:
    """What the dialog policy should act on: the right confident intent, or nothing confident."""
    if label is None:
        return not result.classification.is_confident
    return result.classification.intent is label and result.classification.is_confident


@dataclass(frozen=True)
class Measurement:
    accuracy: float
    consulted_share: float
    in_domain_consulted_share: float


def measure(chain: ClassifierChain, rows: list[tuple[str, Intent | None]] = ROWS) -> Measurement:
    results = [(chain.classify(text), label) for text, label in rows]
    in_domain = [result for result, label in results if label is not None]
    return Measurement(
        accuracy=sum(correct(result, label) for result, label in results) / len(results),
        consulted_share=sum(result.consulted_bedrock for result, _ in results) / len(results),
        in_domain_consulted_share=sum(result.consulted_bedrock for result in in_domain) / len(in_domain),
    )


@pytest.fixture(scope="module")
def local() -> LocalClassifier:
    return default_classifier()


# --- done when: Bedrock on at most 15 % of labelled utterances, accuracy not lower -----------------


def test_the_labelled_set_has_in_domain_and_out_of_domain_rows() -> None:
    assert sum(label is not None for _, label in ROWS) >= 250
    assert sum(label is None for _, label in ROWS) >= 15


@pytest.mark.parametrize("bedrock_type", [OracleBedrock, FlawedBedrock])
def test_local_first_asks_bedrock_on_at_most_15_percent_and_is_not_less_accurate(
    local: LocalClassifier, bedrock_type: type[OracleBedrock]
) -> None:
    before = measure(ClassifierChain(local, bedrock_type(), policy=ConsultPolicy.ALWAYS))
    after = measure(ClassifierChain(local, bedrock_type(), policy=ConsultPolicy.WHEN_UNSURE))

    assert before.consulted_share == 1.0
    assert after.consulted_share <= MAX_CONSULTED_SHARE, after
    assert after.in_domain_consulted_share <= MAX_CONSULTED_SHARE, after
    assert after.accuracy >= before.accuracy, (before, after)


def test_the_measured_numbers_quoted_in_the_readme(local: LocalClassifier) -> None:
    before = measure(ClassifierChain(local, OracleBedrock(), policy=ConsultPolicy.ALWAYS))
    after = measure(ClassifierChain(local, OracleBedrock()))
    local_only = measure(ClassifierChain(local, None))
    flawed_before = measure(ClassifierChain(local, FlawedBedrock(), policy=ConsultPolicy.ALWAYS))
    flawed_after = measure(ClassifierChain(local, FlawedBedrock()))

    assert (len(ROWS), before.accuracy, after.accuracy) == (288, 1.0, 1.0)
    assert round(after.consulted_share * len(ROWS)) == 36  # 12.5 %: 16 in-domain + all 20 out-of-domain
    assert round(after.in_domain_consulted_share * 268) == 16  # 6.0 %
    assert round(local_only.accuracy * len(ROWS)) == 284  # 98.6 % with no Bedrock at all
    assert (round(flawed_before.accuracy * len(ROWS)), round(flawed_after.accuracy * len(ROWS))) == (192, 276)


def test_every_sure_local_answer_on_the_labelled_set_is_right(local: LocalClassifier) -> None:
    """Why "after" is never below "before", whatever Bedrock answers: it only replaces right answers."""
    wrong = [
        (text, label, assessment.classification.intent)
        for text, label in ROWS
        if is_sure(assessment := local.assess(text)) and assessment.classification.intent is not label
    ]
    assert wrong == []


def test_without_margins_a_confident_local_answer_would_be_wrong(local: LocalClassifier) -> None:
    """The margins matter on the held-out data although they were tuned on the training examples."""
    no_margins = dict.fromkeys(Intent, 0.0)
    wrong = [
        text
        for text, label in ROWS
        if label is not None
        and is_sure(assessment := local.assess(text), no_margins)
        and assessment.classification.intent is not label
    ]
    assert wrong != []


# --- the rule --------------------------------------------------------------------------------------


def _assessment(intent: Intent, confidence: float, margin: float, top: float) -> LocalAssessment:
    return LocalAssessment(Classification(intent, confidence, "local"), Intent.GENERAL_INQUIRY, margin, top)


def test_sure_needs_threshold_margin_and_domain() -> None:
    intent = Intent.PAYMENT_INQUIRY
    threshold, margin = INTENT_THRESHOLDS[intent], CONSULT_MARGINS[intent]
    assert margin > 0
    assert is_sure(_assessment(intent, threshold, margin, IN_DOMAIN_EVIDENCE))
    assert not is_sure(_assessment(intent, threshold - 0.01, margin, 0.9))  # below the threshold
    assert not is_sure(_assessment(intent, 0.99, margin - 0.01, 0.9))  # runner-up too close
    assert not is_sure(_assessment(intent, 0.99, 0.5, IN_DOMAIN_EVIDENCE - 0.01))  # out of domain


def test_out_of_domain_is_the_classifiers_coverage_midpoint() -> None:
    assert IN_DOMAIN_EVIDENCE == COVERAGE_MIDPOINT


@pytest.mark.parametrize("text", [text for text, label in ROWS if label is None])
def test_out_of_domain_rows_are_never_sure(local: LocalClassifier, text: str) -> None:
    assert not is_sure(local.assess(text))


def test_assessment_matches_classify_and_ranks_the_runner_up(local: LocalClassifier) -> None:
    for text, _ in ROWS[:60]:
        assessment = local.assess(text)
        assert assessment.classification == local.classify(text)
        evidence = local.evidence(text)
        assert assessment.runner_up is not assessment.classification.intent or assessment.top_evidence == 0
        assert assessment.margin == pytest.approx(
            evidence[assessment.classification.intent] - evidence[assessment.runner_up], abs=1e-3
        )
        assert assessment.margin >= 0


# --- tuning: training examples only ----------------------------------------------------------------


def test_margins_are_the_leave_one_out_tuning_of_the_training_examples(local: LocalClassifier) -> None:
    assert tune_consult_margins(local) == dict(CONSULT_MARGINS)


def test_leave_one_out_covers_the_training_examples_and_leaves_each_one_out(local: LocalClassifier) -> None:
    rows = local.leave_one_out()
    document = json.loads(Path(local_examples_path()).read_text(encoding="utf-8"))
    examples = [text for texts in document["intents"].values() for text in texts if canonical_form(text)]
    assert [text for _, text, _ in rows] == examples
    held_out_texts = {text for text, _ in ROWS}
    assert not held_out_texts & {text for _, text, _ in rows}
    # Seen, an example matches itself perfectly; left out, it cannot.
    weaker = sum(assessment.top_evidence < local.assess(text).top_evidence for _, text, assessment in rows)
    assert weaker >= 0.9 * len(rows)


def local_examples_path() -> Path:
    from bot.local_classifier import DEFAULT_EXAMPLES_PATH

    return DEFAULT_EXAMPLES_PATH


class _ScriptedLeaveOneOut:
    def __init__(self, rows: list[tuple[Intent, LocalAssessment]]) -> None:
        self._rows = rows

    def leave_one_out(self) -> list[tuple[Intent, str, LocalAssessment]]:
        return [
            (label, f"example {index}", assessment) for index, (label, assessment) in enumerate(self._rows)
        ]


def test_tuning_sets_each_margin_just_above_the_widest_confident_mistake() -> None:
    rows = [
        (Intent.ORDER_INQUIRY, _assessment(Intent.GENERAL_INQUIRY, 0.99, 0.3712, 0.5)),
        (Intent.RESERVATION, _assessment(Intent.GENERAL_INQUIRY, 0.95, 0.2, 0.5)),
        (Intent.COMPLAINT, _assessment(Intent.GENERAL_INQUIRY, 0.5, 0.9, 0.5)),  # not confident: ignored
        (Intent.GREETING, _assessment(Intent.GREETING, 0.99, 0.8, 0.9)),  # right: ignored
        (Intent.GOODBYE, _assessment(Intent.PAYMENT_INQUIRY, 0.99, 0.25, 0.5)),  # exactly on a hundredth
    ]
    margins = tune_consult_margins(_ScriptedLeaveOneOut(rows))  # type: ignore[arg-type]
    assert margins[Intent.GENERAL_INQUIRY] == 0.38
    assert margins[Intent.PAYMENT_INQUIRY] == 0.26
    assert {intent for intent, margin in margins.items() if margin} == {
        Intent.GENERAL_INQUIRY,
        Intent.PAYMENT_INQUIRY,
    }


# --- bad input: Bedrock asked about an unsure turn, the local answer stands, counted by reason ------

UNSURE = "주식 추천해 주세요"  # out of domain: local says product_inquiry, not sure
SURE = "주문 취소해 주세요"


def _client() -> Any:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="ap-northeast-2"
    )
    return make_bedrock_runtime_client(region="ap-northeast-2", session=session)


def _converse(content: list[dict[str, Any]], stop_reason: str = "tool_use") -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop_reason,
        "usage": {"inputTokens": 420, "outputTokens": 12, "totalTokens": 432},
        "metrics": {"latencyMs": 480},
    }


def _tool(intent: str, confidence: Any) -> dict[str, Any]:
    return {
        "toolUse": {
            "toolUseId": "t-1",
            "name": "record_intent",
            "input": {"intent": intent, "confidence": confidence},
        }
    }


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (
            _converse([{"text": "네, 취소 요청으로 보입니다."}], stop_reason="end_turn"),
            "malformed_output",
        ),  # garbage
        (_converse([]), "malformed_output"),  # an empty answer
        (_converse([_tool("cancel_request", "very")]), "malformed_output"),
        (_converse([_tool("vip_transfer", 0.99)]), "off_taxonomy"),
    ],
)
def test_a_bad_bedrock_answer_leaves_the_local_answer_standing(
    local: LocalClassifier, response: dict[str, Any], reason: str
) -> None:
    client = _client()
    chain = ClassifierChain(local, BedrockClassifier(client, DEFAULT_MODEL_ID))
    with Stubber(client) as stubber:
        stubber.add_response("converse", response)
        result = chain.classify(UNSURE, remaining_time_seconds=7.9)
        stubber.assert_no_pending_responses()
    assert result == ChainResult(local.classify(UNSURE), FallbackReason(reason), consulted_bedrock=True)


def test_throttling_and_too_little_time_leave_the_local_answer_standing(local: LocalClassifier) -> None:
    client = _client()
    chain = ClassifierChain(local, BedrockClassifier(client, DEFAULT_MODEL_ID))
    with Stubber(client) as stubber:
        stubber.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
        throttled = chain.classify(UNSURE, remaining_time_seconds=7.9)
        short = chain.classify(UNSURE, remaining_time_seconds=2.5)  # 1.0 s budget: no call
        stubber.assert_no_pending_responses()
    assert throttled == ChainResult(local.classify(UNSURE), FallbackReason.THROTTLED, consulted_bedrock=True)
    assert short == ChainResult(
        local.classify(UNSURE), FallbackReason.BUDGET_EXHAUSTED, consulted_bedrock=True
    )


class _SlowClient:
    """A bedrock-runtime client whose answer comes after its read timeout (the budget)."""

    def __init__(self) -> None:
        self.meta = _client().meta
        self.calls = 0

    def converse(self, **_: Any) -> Any:
        self.calls += 1
        raise ReadTimeoutError(endpoint_url="https://bedrock-runtime.ap-northeast-2.amazonaws.com")


def test_a_slow_answer_past_the_budget_leaves_the_local_answer_standing(local: LocalClassifier) -> None:
    client = _SlowClient()
    chain = ClassifierChain(local, BedrockClassifier(client, DEFAULT_MODEL_ID))
    result = chain.classify(UNSURE)
    assert result == ChainResult(local.classify(UNSURE), FallbackReason.TIMEOUT, consulted_bedrock=True)
    assert client.calls == 1


def test_a_sure_turn_never_reaches_bedrock(local: LocalClassifier) -> None:
    client = _client()
    chain = ClassifierChain(local, BedrockClassifier(client, DEFAULT_MODEL_ID))
    with Stubber(client):  # no responses: any call would fail the turn over to "error"
        result = chain.classify(SURE, remaining_time_seconds=7.9)
    assert result == ChainResult(
        local.classify(SURE), FallbackReason.LOCAL_CONFIDENT, consulted_bedrock=False
    )
    assert result.classification.intent is Intent.CANCEL_REQUEST


def test_a_failing_local_classifier_asks_bedrock() -> None:
    class Broken:
        def classify(self, text: str) -> Classification:
            raise RuntimeError("broken data")

        def assess(self, text: str) -> LocalAssessment:
            raise RuntimeError("broken data")

    text = next(text for text, label in ROWS if label is Intent.CANCEL_REQUEST)
    result = ClassifierChain(Broken(), OracleBedrock()).classify(text)
    assert result == ChainResult(
        Classification(Intent.CANCEL_REQUEST, 0.95, "bedrock"), None, consulted_bedrock=True
    )


def test_the_policy_is_validated() -> None:
    with pytest.raises(ValueError, match="sometimes"):
        ClassifierChain(default_classifier(), None, policy="sometimes")  # type: ignore[arg-type]
    assert ClassifierChain(default_classifier(), None).policy is ConsultPolicy.WHEN_UNSURE
    assert ClassifierChain(default_classifier(), None, policy="always").policy is ConsultPolicy.ALWAYS  # type: ignore[arg-type]
