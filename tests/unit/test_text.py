"""Tests for bot.text: normalization, spoken digits, Korean numerals (masking: test_personal_data)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import (
    MAX_TEXT_LENGTH,
    normalize,
    parse_korean_number,
    spoken_digits_to_ascii,
)


class TestNormalize:
    def test_nfkc_folds_full_width_and_half_width_forms(self) -> None:
        assert normalize("１２３ ＡＢＣ") == "123 ABC"

    def test_drops_control_format_and_emoji_and_collapses_whitespace(self) -> None:
        text = "  안녕\u200b하세요 😀👍🏽\n\t주문\x00 취소\u202e요  "
        assert normalize(text) == "안녕하세요 주문 취소요"

    def test_keeps_korean_and_punctuation(self) -> None:
        assert normalize("주문 취소는 어떻게 하나요?") == "주문 취소는 어떻게 하나요?"

    def test_caps_length(self) -> None:
        assert len(normalize("가" * 5000)) == MAX_TEXT_LENGTH

    def test_empty_and_non_string(self) -> None:
        assert normalize("") == ""
        assert normalize(None) == ""  # type: ignore[arg-type]

    @given(st.text())
    def test_never_raises_and_respects_the_cap(self, text: str) -> None:
        result = normalize(text)
        assert len(result) <= MAX_TEXT_LENGTH
        assert result == result.strip()
        assert "  " not in result


class TestSpokenDigits:
    def test_converts_spoken_runs(self) -> None:
        assert spoken_digits_to_ascii("공일공 일이삼사 오육칠팔") == "010 1234 5678"

    def test_copula_after_the_number_is_not_a_digit(self) -> None:
        assert spoken_digits_to_ascii("오육칠팔이에요") == "5678이에요"

    def test_leaves_ordinary_words(self) -> None:
        assert spoken_digits_to_ascii("오늘 일이 있어서") == "오늘 일이 있어서"

    def test_min_digits(self) -> None:
        assert spoken_digits_to_ascii("일이삼", min_digits=4) == "일이삼"
        assert spoken_digits_to_ascii("일이삼", min_digits=3) == "123"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("35000", 35000),
        ("35,000", 35000),
        ("3만 5천", 35000),
        ("삼만 오천", 35000),
        ("만", 10000),
        ("십이", 12),
        ("이십오", 25),
        ("2억 5000만", 250_000_000),
        ("천오백", 1500),
        ("이삼", None),
        ("오백천", None),
        ("3,5", None),
        ("", None),
        ("abc", None),
    ],
)
def test_parse_korean_number(text: str, value: int | None) -> None:
    assert parse_korean_number(text) == value
