"""bot.personal_data: what a phone, resident registration, card and account number look like.

Examples pin the rules down; the property tests generate numbers, write them the ways callers and
speech recognition do (tests/support/personal_data_forms.py) and check the module against an
oracle that shares none of its code: masked text never shows a number's secret digits, and every
phone number normalizes to the E.164 form computed independently.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.personal_data import (
    NEVER_STORED,
    Kind,
    find_personal_data,
    first_phone_number,
    is_eleven_digit_mobile,
    is_korean_mobile,
    mask_personal_data,
    mask_phone_number,
    to_e164,
    withhold_never_stored,
)
from bot.text import normalize
from tests.support.personal_data_forms import (
    EVERY_KIND,
    PHONES,
    PLAIN_SENTENCES,
    PersonalNumber,
    describe,
    digit_projection,
    leaks,
    rendered,
)
from tests.support.personal_data_forms import (
    NEVER_STORED as NEVER_STORED_NUMBERS,
)

PROPERTY = settings(max_examples=400, deadline=None)


class TestPhoneNumbers:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("제 번호는 010-1234-5678이에요", "제 번호는 010-****-5678이에요"),
            ("01012345678로 연락주세요", "010-****-5678로 연락주세요"),
            ("010 1234 5678", "010-****-5678"),
            ("010.1234.5678", "010-****-5678"),
            ("010 - 1234 - 5678", "010-****-5678"),
            ("０１０－１２３４－５６７８", "010-****-5678"),
            ("٠١٠-١٢٣٤-٥٦٧٨", "010-****-5678"),  # Arabic-Indic digits
            ("010ㅡ1234ㅡ5678", "010-****-5678"),  # the Hangul letter Korean keyboards type as a dash
            ("+82 10-1234-5678", "010-****-5678"),
            ("+82 010 1234 5678", "010-****-5678"),
            ("+821012345678", "010-****-5678"),
            ("82-10-1234-5678", "010-****-5678"),
            ("011-123-4567", "011-****-4567"),
            ("집 전화 02-123-4567", "집 전화 02-****-4567"),
            ("(02) 1234-5678", "(02-****-5678"),  # the opening parenthesis stays
            ("031-1234-5678", "031-****-5678"),
            ("070-1234-5678", "070-****-5678"),
            ("0505-123-4567", "0505-****-4567"),
            ("공일공 일이삼사 오육칠팔이에요", "010-****-5678이에요"),
            ("공일공에 일이삼사에 오육칠팔", "010-****-5678"),
            ("영일영 일이삼사 오육칠팔", "010-****-5678"),
            ("공1공 일234 5육78", "010-****-5678"),  # mixed spoken and written digits
            ("010-1234-5678이 맞아요", "010-****-5678이 맞아요"),
            ("공일공 일이삼사 오육칠팔이 맞아요", "010-****-5678이 맞아요"),
            ("회사010-1234-5678", "회사010-****-5678"),
            ("공이 일이삼 사오육칠이에요", "02-****-4567이에요"),
            ("+1 415 555 0100", "+1-****-0100"),
            ("+1 (480) 202-1091", "+1-****-1091"),
            ("+81 90-1234-5678", "+81-****-5678"),
            ("＋８１ ９０ １２３４ ５６７８", "+81-****-5678"),
        ],
    )
    def test_masked_in_every_form(self, text: str, expected: str) -> None:
        assert mask_personal_data(text) == expected

    def test_every_number_of_a_sentence(self) -> None:
        assert mask_personal_data("010-1111-2222 또는 010-3333-4444") == "010-****-2222 또는 010-****-4444"

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("+821012345678", "+821012345678"),
            ("010-1234-5678", "+821012345678"),
            ("０１０－１２３４－５６７８", "+821012345678"),
            ("+82 010 1234 5678", "+821012345678"),
            ("+82 (0)10 1234 5678", "+821012345678"),
            ("공일공 일이삼사 오육칠팔", "+821012345678"),
            (" 010 - 1234 - 5678 ", "+821012345678"),
            ("02-123-4567", "+8221234567"),
            ("+1 (480) 202-1091", "+14802021091"),
            ("+81 90-1234-5678", "+819012345678"),
            ("anonymous", None),
            ("", None),
            ("1588-0000", None),
            ("+82 1588 0000", None),  # +82 is only ever a Korean number
            ("+82", None),
            ("tel: 010-1234-5678", None),  # more than a number
            ("010-1234-5678 010-9876-5432", None),
            (None, None),
            (821012345678, None),
        ],
    )
    def test_e164(self, raw: object, expected: str | None) -> None:
        assert to_e164(raw) == expected
        if expected is not None:
            assert expected.isascii() and expected[1:].isdigit()

    def test_first_phone_number_of_typed_text(self) -> None:
        assert first_phone_number("제 번호는 ０１０－９８７６－５４３２입니다") == "+821098765432"
        assert first_phone_number("번호 없어요") is None
        assert first_phone_number(None) is None

    @pytest.mark.parametrize(
        ("number", "expected"),
        [
            ("+821012345678", "010-****-5678"),
            (" +821098765432 ", "010-****-5432"),
            ("+8221234567", "02-****-4567"),
            ("01012345678", "010-****-5678"),
            ("+14155550100", "+1-****-0100"),
            ("", "***"),
            ("anonymous", "***"),
            ("+82101234", "***"),
            (None, "***"),
        ],
    )
    def test_mask_one_number(self, number: object, expected: str) -> None:
        assert mask_phone_number(number) == expected

    def test_mobile_forms(self) -> None:
        assert is_korean_mobile("+821012345678") and is_eleven_digit_mobile("+821012345678")
        assert is_korean_mobile("+82111234567") and not is_eleven_digit_mobile("+82111234567")
        assert not is_korean_mobile("+82101234567")  # 010 always has eight more digits
        assert not is_korean_mobile("+8221234567") and not is_korean_mobile(None)


class TestNeverStoredNumbers:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("주민번호 900101-1234567", Kind.RESIDENT_REGISTRATION_NUMBER),
            ("9001012345678", Kind.RESIDENT_REGISTRATION_NUMBER),
            ("구공공일공일 다시 일이삼사오육칠", None),  # a word between: two numbers, neither whole
            ("구공공일공일 일이삼사오육칠", Kind.RESIDENT_REGISTRATION_NUMBER),
            ("９００１０１－２２３４５６７", Kind.RESIDENT_REGISTRATION_NUMBER),
            ("901301-1234567", None),  # month 13: not a birth date
            ("900101-9234567", None),  # 7th digit 9: not a resident registration number
            ("4111 1111 1111 1111", Kind.CARD),
            ("4111-1111-1111-1111", Kind.CARD),
            ("4111111111111111", Kind.CARD),
            ("3782 822463 10005", Kind.CARD),  # Amex 4-6-5
            ("사일일일 일일일일 일일일일 일일일일", Kind.CARD),
            ("4111 1111 1111 1112", None),  # Luhn fails
            ("41111111111 111 1111", None),  # short and long groups mixed: not a card
        ],
    )
    def test_found(self, text: str, kind: Kind | None) -> None:
        found = [finding.kind for finding in find_personal_data(text)]
        assert found == ([kind] if kind else [])

    def test_withheld_and_masked(self) -> None:
        text = "제 카드번호 4111-1111-1111-1111인데 주민번호는 900101-1234567이고 번호는 010-1234-5678이에요"
        screened = withhold_never_stored(text)
        assert screened.withheld == NEVER_STORED
        assert screened.text == "제 카드번호 인데 주민번호는 이고 번호는 010-1234-5678이에요"
        assert mask_personal_data(text) == (
            "제 카드번호 [카드번호]인데 주민번호는 [주민등록번호]이고 번호는 010-****-5678이에요"
        )
        assert withhold_never_stored("안녕하세요").withheld == frozenset()
        assert withhold_never_stored(None).text == ""


class TestAccountNumbers:
    @pytest.mark.parametrize(
        "text",
        [
            "110-123-456789",  # 신한 3-3-6
            "1002-123-456789",  # 우리 4-3-6
            "123-456789-12345",  # 하나 3-6-5
            "123456-12-123456",  # 국민 6-2-6
            "3333-12-1234567",  # 카카오뱅크 4-2-7
            "301-1234-5678-91",  # 농협 3-4-4-2
            "계좌번호는 110123456789입니다",  # any grouping after 계좌
            "계좌 1000 1234 5678",  # Toss Bank's 4-4-4, only after 계좌
        ],
    )
    def test_masked(self, text: str) -> None:
        assert [finding.kind for finding in find_personal_data(text)] == [Kind.ACCOUNT]
        assert "[계좌번호]" in mask_personal_data(text)

    @pytest.mark.parametrize(
        "text",
        [
            "ORD-2026-1123-001",  # our order number
            "예약번호는 R-2026-0320-1234입니다",  # our reservation reference
            "2026 1123 0001",  # an order number read in fours
            "주문번호 20261123001",
            "계좌이체로 주문했는데 주문번호 110123456789",  # 계좌 too far before the number
        ],
    )
    def test_our_own_references_are_not_accounts(self, text: str) -> None:
        assert find_personal_data(text) == []


class TestNotPersonalData:
    @pytest.mark.parametrize(
        "text",
        [
            "고객센터 1588-0000",
            "주문번호 20261123001",
            "3만 5천원",
            "35,000원",
            "오늘 일이 있어서요",
            "2026-03-20",
            "2025-11-24 14:30:05,123",
            "한 자리씩 다시 불러드리면 R, 2 0 2 6, 0 3 2 0, 1 2 3 4입니다.",
            "5ca32fbd-8f92-46af-92a5-6b0f970f0efe",
            "일반 배송은 주문 후 2-3일, 당일배송은 오후 2시 이전 주문 시 당일 배송됩니다.",
            "",
        ],
    )
    def test_left_as_it_is(self, text: str) -> None:
        assert mask_personal_data(text) == text

    def test_non_strings(self) -> None:
        assert mask_personal_data(None) == ""
        assert find_personal_data(12345678901) == []


# --- properties against the independent oracle ---------------------------------------------------------


@PROPERTY
@given(data=st.data(), number=EVERY_KIND)
@example(data=None, number=PersonalNumber("phone", ("010", "1234", "5678"), "+821012345678", "82", 3))
def test_masked_text_never_shows_a_number(data: st.DataObject | None, number: PersonalNumber) -> None:
    text = data.draw(rendered(number)) if data is not None else "공일공 일이삼사 오육칠팔이에요"
    assert leaks(number, text), f"the oracle must see the number in {describe(number, text)}"

    masked = mask_personal_data(text)

    assert not leaks(number, masked), f"{describe(number, text)} masked as {masked!r}"
    assert mask_personal_data(masked) == masked


@PROPERTY
@given(data=st.data(), number=PHONES)
def test_every_phone_number_normalizes_to_its_e164_form(data: st.DataObject, number: PersonalNumber) -> None:
    text = data.draw(rendered(number, sentences=(("", ""),)))
    in_sentence = data.draw(rendered(number, sentences=PLAIN_SENTENCES))

    assert to_e164(text) == number.e164, describe(number, text)
    assert first_phone_number(in_sentence) == number.e164, describe(number, in_sentence)


@PROPERTY
@given(data=st.data(), number=NEVER_STORED_NUMBERS)
def test_never_stored_numbers_are_taken_out(data: st.DataObject, number: PersonalNumber) -> None:
    text = data.draw(rendered(number))

    screened = withhold_never_stored(text)

    assert screened.withheld, describe(number, text)
    assert not leaks(number, screened.text), f"{describe(number, text)} left as {screened.text!r}"


@PROPERTY
@given(data=st.data(), number=EVERY_KIND)
def test_normalized_text_holds_the_same_numbers(data: st.DataObject, number: PersonalNumber) -> None:
    # The engine reads normalized text (NFKC, no control characters), the masking reads raw text:
    # both must find the same numbers, or extraction and masking would disagree.
    text = data.draw(rendered(number))

    def numbers(of: str) -> list[tuple[Kind, str | None]]:
        return [(finding.kind, finding.e164) for finding in find_personal_data(of)]

    assert numbers(normalize(text)) == numbers(text), describe(number, text)


def test_the_oracle_reads_digits_in_every_script_and_spoken() -> None:
    assert digit_projection("０١२ 삼-사·오") == "012345"
    assert digit_projection("주문") == "||"
