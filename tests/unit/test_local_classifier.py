"""Tests for bot.local_classifier: accuracy on held-out utterances, confidence, content rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.local_classifier import (
    DEFAULT_EXAMPLES_PATH,
    LocalClassifier,
    canonical_form,
    default_classifier,
)
from bot.models import INTENT_THRESHOLDS, Classification
from bot.text import normalize
from contract import Intent

DATA = Path(__file__).parent / "data" / "utterances.jsonl"


def _held_out() -> list[dict[str, str | None]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def classifier() -> LocalClassifier:
    return default_classifier()


def _training() -> dict[str, list[str]]:
    document = json.loads(DEFAULT_EXAMPLES_PATH.read_text(encoding="utf-8"))
    intents: dict[str, list[str]] = document["intents"]
    return intents


class TestDataFiles:
    def test_examples_are_versioned_and_cover_every_intent(self) -> None:
        document = json.loads(DEFAULT_EXAMPLES_PATH.read_text(encoding="utf-8"))
        assert document["version"]
        assert set(document["intents"]) == {intent.value for intent in Intent}
        for intent, utterances in document["intents"].items():
            assert len(utterances) >= 30, intent
            assert len(set(utterances)) == len(utterances), intent

    def test_held_out_set_is_large_and_covers_every_intent(self) -> None:
        rows = _held_out()
        labelled = [row for row in rows if row["intent"] is not None]
        assert len(labelled) >= 250
        assert {row["intent"] for row in labelled} == {intent.value for intent in Intent}
        assert sum(1 for row in rows if row["intent"] is None) >= 15

    def test_held_out_set_shares_no_utterance_with_the_training_examples(self) -> None:
        def key(text: str) -> str:
            return normalize(text).strip(" ?!.~").replace(" ", "")

        training = {key(text) for texts in _training().values() for text in texts}
        overlap = [row["text"] for row in _held_out() if key(str(row["text"])) in training]
        assert overlap == []


class TestAccuracy:
    def test_held_out_accuracy_counts_only_confident_correct_answers(
        self, classifier: LocalClassifier
    ) -> None:
        labelled = [row for row in _held_out() if row["intent"] is not None]
        misses = []
        for row in labelled:
            result = classifier.classify(str(row["text"]))
            if not (result.intent == row["intent"] and result.is_confident):
                misses.append((row["text"], row["intent"], result.intent.value, result.confidence))
        accuracy = 1 - len(misses) / len(labelled)
        assert accuracy > 0.90, misses

    def test_out_of_domain_held_out_utterances_are_not_confident(self, classifier: LocalClassifier) -> None:
        confident = [
            (row["text"], result)
            for row in _held_out()
            if row["intent"] is None and (result := classifier.classify(str(row["text"]))).is_confident
        ]
        assert confident == []


def _assert_confident(classifier: LocalClassifier, text: str, intent: Intent) -> Classification:
    result = classifier.classify(text)
    assert result.intent == intent, (text, result)
    assert result.is_confident, (text, result)
    return result


class TestContentRules:
    @pytest.mark.parametrize(
        "text",
        [
            "주문 취소는 어떻게 하나요?",
            "반품 기간이 며칠이에요?",
            "환불은 보통 며칠 걸리나요",
            "해지하려면 어떻게 해야 돼요",
            "교환 절차 좀 알려주세요",
            "취소 수수료가 있나요",
        ],
    )
    def test_how_to_or_policy_questions_are_general_inquiry(
        self, classifier: LocalClassifier, text: str
    ) -> None:
        _assert_confident(classifier, text, Intent.GENERAL_INQUIRY)

    @pytest.mark.parametrize(
        "text",
        [
            "주문 취소해 주세요",
            "주문취소 해주세여",
            "저기 어제 주문한 거 취소 좀 해 주시겠어요",
            "환불받고 싶어요",
            "반품 신청할게요",
            "구독 해지해줘",
            "반품하고 싶은데 어떻게 해요?",
        ],
    )
    def test_requests_to_act_are_cancel_request_and_clear_its_high_threshold(
        self, classifier: LocalClassifier, text: str
    ) -> None:
        result = _assert_confident(classifier, text, Intent.CANCEL_REQUEST)
        assert result.confidence >= INTENT_THRESHOLDS[Intent.CANCEL_REQUEST]

    @pytest.mark.parametrize(
        "text",
        [
            "배송이 일주일째 안 와서 정말 화나요",
            "결제가 두 번이나 돼서 짜증나요",
            "앱이 또 안 돼요 진짜 최악이네",
            "주문 취소도 안 해주고 너무 실망했어요",
            "열받아서 상담원 바꾸라고 했잖아요",
            "화가 나서 환불받고 싶어요",
            "불만 있어서 전화했어요",
        ],
    )
    def test_anger_outranks_the_topic(self, classifier: LocalClassifier, text: str) -> None:
        _assert_confident(classifier, text, Intent.COMPLAINT)

    @pytest.mark.parametrize(
        "text", ["전화가 안 돼요", "대화가 잘 안 되네요", "영화가 재밌어요", "통화가 자꾸 끊겨요"]
    )
    def test_words_containing_hwa_are_not_anger(self, classifier: LocalClassifier, text: str) -> None:
        result = classifier.classify(text)
        assert not (result.intent == Intent.COMPLAINT and result.is_confident), result

    @pytest.mark.parametrize(
        "text",
        [
            "상담원 연결해 주세요",
            "그냥 사람이랑 얘기할게요",
            "기계 말고 직원 바꿔 주세요",
            "담당자분 연결 좀요",
        ],
    )
    def test_wanting_a_human_is_agent_request(self, classifier: LocalClassifier, text: str) -> None:
        _assert_confident(classifier, text, Intent.AGENT_REQUEST)

    @pytest.mark.parametrize(
        ("text", "intent"),
        [
            ("안녕하세요 주문 취소하려고요", Intent.CANCEL_REQUEST),
            ("여보세요 상담 예약 좀 하려고요", Intent.RESERVATION),
            ("감사합니다 근데 결제가 두 번 됐어요", Intent.PAYMENT_INQUIRY),
        ],
    )
    def test_greeting_or_thanks_before_a_request_is_the_request(
        self, classifier: LocalClassifier, text: str, intent: Intent
    ) -> None:
        _assert_confident(classifier, text, intent)


class TestVariety:
    @pytest.mark.parametrize(
        ("text", "intent"),
        [
            ("음 어 저기 배송 조회 좀 해 주실래요", Intent.ORDER_INQUIRY),  # fillers
            ("배송조회해주세요", Intent.ORDER_INQUIRY),  # no spaces
            ("주 문 한 거 언 제 와 요", Intent.ORDER_INQUIRY),  # odd spacing
            ("로그인이 안되요", Intent.TECHNICAL_SUPPORT),  # common misspelling
            ("앱이 자꾸 꺼져여", Intent.TECHNICAL_SUPPORT),
            ("결재가 두번 됬어요", Intent.PAYMENT_INQUIRY),  # typos
            ("예약 좀 잡아주시겠어요", Intent.RESERVATION),  # honorific
            ("설치 기사님 방문 예약 부탁드립니다", Intent.RESERVATION),
            ("노트북 재고 있는지 여쭤봐도 될까요", Intent.PRODUCT_INQUIRY),
            ("제가 시킨 물건이 아직 안 왔거든요", Intent.ORDER_INQUIRY),  # spoken style
            ("환불해 줘", Intent.CANCEL_REQUEST),
            ("네 고맙습니다 수고하세요", Intent.GOODBYE),
            ("여보세요?", Intent.GREETING),
            ("영업시간 알려주세요", Intent.GENERAL_INQUIRY),
        ],
    )
    def test_real_caller_style(self, classifier: LocalClassifier, text: str, intent: Intent) -> None:
        _assert_confident(classifier, text, intent)


class TestNotConfident:
    @pytest.mark.parametrize(
        "text",
        [
            "오늘 날씨 어때요",
            "ㅋㅋㅋ",
            "asdf",
            "아아아",
            "점심 메뉴 추천 좀",
            "고양이가 귀여워요",
            "음...",
            "12345",
            "!!!???",
            "그게 그러니까 뭐냐면",
        ],
    )
    def test_gibberish_and_out_of_domain(self, classifier: LocalClassifier, text: str) -> None:
        result = classifier.classify(text)
        assert result.confidence < min(INTENT_THRESHOLDS.values()), result

    @pytest.mark.parametrize("text", ["주문 취소랑 결제 문제랑 배송이요", "예약이랑 환불이랑 앱 오류요"])
    def test_ambiguous_mixtures(self, classifier: LocalClassifier, text: str) -> None:
        assert not classifier.classify(text).is_confident

    @pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "😀😀😀"])
    def test_empty_input_has_zero_confidence(self, classifier: LocalClassifier, text: str) -> None:
        result = classifier.classify(text)
        assert result.confidence == 0.0
        assert not result.is_confident


class TestCanonicalForm:
    def test_spacing_particles_fillers_and_slips(self) -> None:
        assert canonical_form("음 저기 주문 취소 좀 해주세여") == canonical_form("주문취소 해주세요")
        assert canonical_form("로그인이 안되요") == canonical_form("로그인이 안 돼요")
        assert canonical_form("ㅋㅋ 안녕하세용!!") == "안녕하세요"


class TestContract:
    def test_source_is_local_and_confidence_in_range(self, classifier: LocalClassifier) -> None:
        result = classifier.classify("상담원 연결해 주세요")
        assert result.source == "local"
        assert 0.0 <= result.confidence <= 1.0

    def test_default_classifier_is_built_once(self) -> None:
        assert default_classifier() is default_classifier()
        assert default_classifier().version

    def test_from_examples_reads_a_custom_file(self, tmp_path: Path) -> None:
        examples = {intent.value: [f"{intent.value} 예시 {n}" for n in range(3)] for intent in Intent}
        path = tmp_path / "examples.json"
        path.write_text(json.dumps({"version": "t1", "intents": examples}), encoding="utf-8")
        built = LocalClassifier.from_examples(path)
        assert built.version == "t1"
        assert isinstance(built.classify("안녕하세요"), Classification)

    def test_missing_intent_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="missing"):
            LocalClassifier({Intent.GREETING: ["안녕하세요"]})

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=300))
    def test_never_raises(self, text: str) -> None:
        result = default_classifier().classify(text)
        assert isinstance(result.intent, Intent)
        assert 0.0 <= result.confidence <= 1.0
