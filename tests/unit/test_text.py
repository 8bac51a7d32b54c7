"""Tests for bot.text: normalization, phone masking, spoken digits, Korean numerals."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import (
    MAX_TEXT_LENGTH,
    mask_e164,
    mask_phone_numbers,
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


class TestMaskPhoneNumbers:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("제 번호는 010-1234-5678이에요", "제 번호는 010-****-5678이에요"),
            ("01012345678로 연락주세요", "010-****-5678로 연락주세요"),
            ("010 1234 5678", "010-****-5678"),
            ("010.1234.5678", "010-****-5678"),
            ("+82 10-1234-5678", "010-****-5678"),
            ("+821012345678", "010-****-5678"),
            ("011-123-4567", "011-****-4567"),
            ("집 전화 02-123-4567", "집 전화 02-****-4567"),
            ("031-1234-5678", "031-****-5678"),
            ("070-1234-5678", "070-****-5678"),
            ("공일공 일이삼사 오육칠팔이에요", "010-****-5678이에요"),
            ("공일공에 일이삼사에 오육칠팔", "010-****-5678"),
        ],
    )
    def test_masks_korean_numbers(self, text: str, expected: str) -> None:
        assert mask_phone_numbers(text) == expected

    def test_masks_every_number(self) -> None:
        assert mask_phone_numbers("010-1111-2222 또는 010-3333-4444") == "010-****-2222 또는 010-****-4444"

    @pytest.mark.parametrize(
        "text", ["고객센터 1588-0000", "주문번호 20261123001", "3만 5천원", "오늘 일이 있어서요", ""]
    )
    def test_leaves_non_personal_numbers(self, text: str) -> None:
        assert mask_phone_numbers(text) == text

    @given(st.text(alphabet="0123456789- 공일이삼사오육칠팔구가나", max_size=60))
    def test_never_raises_and_never_leaks_a_mobile_number(self, text: str) -> None:
        masked = mask_phone_numbers(text)
        assert re.search(r"(?<![\d+])01[016789][\s.\-]?\d{3,4}[\s.\-]?\d{4}(?!\d)", masked) is None


class TestMaskE164:
    @pytest.mark.parametrize(
        ("number", "expected"),
        [
            ("+821012345678", "010-****-5678"),
            (" +821098765432 ", "010-****-5432"),
            ("+8221234567", "02-****-4567"),
            ("+82212345678", "02-****-5678"),
            ("01012345678", "010-****-5678"),
        ],
    )
    def test_masks(self, number: str, expected: str) -> None:
        assert mask_e164(number) == expected

    @pytest.mark.parametrize(
        "number", ["", "abc", "+82101234", "+14155550100", "anonymous", "+8210123456789"]
    )
    def test_unparsable_gives_stars(self, number: str) -> None:
        assert mask_e164(number) == "***"

    def test_non_string(self) -> None:
        assert mask_e164(None) == "***"  # type: ignore[arg-type]


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
