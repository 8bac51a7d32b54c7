"""Tests for bot.faq: the data file (verbatim CONTENT.md) and the Korean-aware matcher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.faq import DEFAULT_FAQ_PATH, FaqMatcher, load_faq_entries, load_faq_version
from bot.models import FaqEntry, FaqMatch

DATA = Path(__file__).parent / "data" / "faq_questions.jsonl"

# CONTENT.md, verbatim: the answers are spoken to callers and audited against the policy.
EXPECTED_ANSWERS = {
    "hours": "평일 오전 9시부터 오후 6시까지 운영합니다. 주말 및 공휴일은 휴무입니다.",
    "phone": ("고객센터 전화번호는 1588-0000입니다. 평일 오전 9시부터 오후 6시까지 상담 가능합니다."),
    "order_cancel": (
        "주문 취소는 배송 준비 전까지 가능합니다. "  # one answer, split only for the line length
        "마이페이지에서 직접 취소하거나 고객센터로 연락주세요."
    ),
    "delivery_time": "일반 배송은 주문 후 2-3일, 당일배송은 오후 2시 이전 주문 시 당일 배송됩니다.",
    "payment_methods": "신용카드, 체크카드, 계좌이체, 무통장입금, 카카오페이, 네이버페이를 지원합니다.",
    "receipt": "마이페이지 > 주문내역에서 영수증을 확인하고 출력할 수 있습니다.",
    "membership": (
        "비회원으로도 주문 가능하지만, 회원가입 시 다양한 혜택과 편리한 서비스를 이용할 수 있습니다."
    ),
    "password": '로그인 페이지에서 "비밀번호 찾기"를 클릭하여 이메일로 재설정 링크를 받으실 수 있습니다.',
    "return_period": "상품 수령 후 7일 이내에 반품 신청이 가능합니다. 상품의 상태가 양호해야 합니다.",
    "exchange_cost": "제품 불량의 경우 무료 교환, 단순 변심의 경우 배송비를 고객이 부담합니다.",
}


_SHARED_MATCHER = FaqMatcher(load_faq_entries())


@pytest.fixture(scope="module")
def matcher() -> FaqMatcher:
    return FaqMatcher(load_faq_entries())


def _questions() -> list[dict[str, str | None]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


class TestDataFile:
    def test_ten_faqs_verbatim(self) -> None:
        entries = load_faq_entries()
        assert {entry.faq_id: entry.answer for entry in entries} == EXPECTED_ANSWERS

    def test_questions_categories_and_keywords(self) -> None:
        by_id = {entry.faq_id: entry for entry in load_faq_entries()}
        assert by_id["hours"] == FaqEntry(
            "hours", "일반", "영업시간이 어떻게 되나요?", EXPECTED_ANSWERS["hours"],
            ("영업시간", "운영시간", "몇시", "언제", "시간"),
        )  # fmt: skip
        assert by_id["exchange_cost"].category == "반품/교환"
        assert by_id["password"].question == "비밀번호를 잊어버렸어요."
        assert all(entry.keywords for entry in by_id.values())

    def test_versioned(self) -> None:
        assert load_faq_version()
        assert json.loads(DEFAULT_FAQ_PATH.read_text(encoding="utf-8"))["version"] == load_faq_version()


class TestMatching:
    @pytest.mark.parametrize(
        ("text", "faq_id"),
        [
            ("배송 보통 며칠 걸려요?", "delivery_time"),
            ("영업 몇 시까지 해요?", "hours"),
            ("비밀번호를 잊어버렸어요.", "password"),
        ],
    )
    def test_examples_from_the_issue(self, matcher: FaqMatcher, text: str, faq_id: str) -> None:
        match = matcher.match(text)
        assert match is not None and match.faq_id == faq_id

    def test_question_nobody_answers(self, matcher: FaqMatcher) -> None:
        assert matcher.match("해외 배송도 하나요?") is None

    def test_every_faq_matches_its_own_question(self, matcher: FaqMatcher) -> None:
        for entry in matcher.entries:
            match = matcher.match(entry.question)
            assert match is not None and match.faq_id == entry.faq_id

    def test_paraphrase_set(self, matcher: FaqMatcher) -> None:
        rows = _questions()
        per_faq: dict[str, int] = {}
        wrong = []
        for row in rows:
            match = matcher.match(str(row["text"]))
            found = match.faq_id if match else None
            if found != row["faq_id"]:
                wrong.append((row["text"], row["faq_id"], matcher.best(str(row["text"]))))
            elif found is not None:
                per_faq[found] = per_faq.get(found, 0) + 1
        assert wrong == []
        assert set(per_faq) == set(EXPECTED_ANSWERS)
        assert min(per_faq.values()) >= 3
        assert sum(1 for row in rows if row["faq_id"] is None) >= 8

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            ("주문취소는 어떻게 하나요", "주문 취소 는 어떻게 하나요"),
            ("배송기간이 얼마나 걸려요", "배송 기간은 얼마나 걸리나요"),
        ],
    )
    def test_spacing_and_particles_do_not_matter(self, matcher: FaqMatcher, first: str, second: str) -> None:
        one, two = matcher.match(first), matcher.match(second)
        assert one is not None and two is not None and one.faq_id == two.faq_id


class TestScores:
    def test_best_returns_a_candidate_below_the_threshold(self, matcher: FaqMatcher) -> None:
        best = matcher.best("해외 배송도 하나요?")
        assert best is not None
        assert 0.0 <= best.score < FaqMatcher.THRESHOLD

    @pytest.mark.parametrize("text", ["", "   ", "ㅋㅋㅋ", "😀"])
    def test_no_candidate_without_content(self, matcher: FaqMatcher, text: str) -> None:
        assert matcher.best(text) is None
        assert matcher.match(text) is None

    def test_scores_are_ranked_and_bounded(self, matcher: FaqMatcher) -> None:
        ranked = matcher.scores("영수증 어디서 출력해요")
        assert ranked[0].faq_id == "receipt"
        assert [match.score for match in ranked] == sorted((match.score for match in ranked), reverse=True)
        assert all(0.0 <= match.score <= 1.0 for match in ranked)
        assert len(ranked) == 10

    def test_entry_lookup(self, matcher: FaqMatcher) -> None:
        entry = matcher.entry("hours")
        assert entry is not None and entry.answer == EXPECTED_ANSWERS["hours"]
        assert matcher.entry("nope") is None

    def test_empty_matcher_never_matches(self) -> None:
        empty = FaqMatcher([])
        assert empty.best("영업시간이 어떻게 되나요?") is None

    def test_entries_from_elsewhere(self) -> None:
        # Entries read from the faq table match the same way as the data file's.
        custom = FaqMatcher([FaqEntry("parking", "일반", "주차 가능한가요?", "네, 가능합니다.", ("주차",))])
        match = custom.match("주차 돼요?")
        assert isinstance(match, FaqMatch) and match.faq_id == "parking"

    @given(st.text(max_size=200))
    def test_never_raises(self, text: str) -> None:
        best = _SHARED_MATCHER.best(text)
        assert best is None or 0.0 <= best.score <= 1.0
