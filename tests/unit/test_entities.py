"""Tests for bot.entities: phone numbers, dates, order numbers, amounts, choices, product names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.dialogs import CATEGORIES, QUESTION_TYPES, SERVICES
from bot.entities import (
    extract_entities,
    parse_amount_won,
    parse_choice,
    parse_date,
    parse_mobile_number,
    parse_order_number,
    parse_phone_number,
    parse_product_name,
)
from bot.models import KST, Entities

WEDNESDAY = date(2026, 12, 30)  # a Wednesday, two days before the new year


class TestPhoneNumber:
    @pytest.mark.parametrize(
        "text",
        [
            "010-1234-5678",
            "01012345678",
            "010 1234 5678",
            "010.1234.5678",
            "제 번호는 010-1234-5678이에요",
            "공일공 일이삼사 오육칠팔",
            "공일공-일이삼사-오육칠팔입니다",
            "공일공에 일이삼사에 오육칠팔이요",
            "영일영 일이삼사 오육칠팔",
            "+82 10 1234 5678",
            "+82-10-1234-5678",
            "+821012345678",
            "+82 010 1234 5678",
            "０１０－１２３４－５６７８",
            "010 - 1234 - 5678",
            "제 번호는 ٠١٠-١٢٣٤-٥٦٧٨입니다",
        ],
    )
    def test_mobile_numbers_in_any_form(self, text: str) -> None:
        assert parse_phone_number(text) == "+821012345678"

    def test_old_three_digit_middle_group(self) -> None:
        assert parse_phone_number("011-123-4567") == "+82111234567"

    @pytest.mark.parametrize(
        "text",
        [
            "010-123-4567",
            "02-123-4567",
            "1588-0000",
            "20261123001",
            "전화번호 몰라요",
            "",
            "0101234567890",
            "+1 415 555 0100",
        ],
    )
    def test_not_a_mobile_number(self, text: str) -> None:
        assert parse_phone_number(text) is None


class TestMobileNumber:
    """The 01X-XXXX-XXXX form a booking asks for (CONTENT.md)."""

    @pytest.mark.parametrize(
        "text",
        [
            "010-9876-5432",
            "01098765432",
            "010 9876 5432",
            "공일공 구팔칠육 오사삼이",
            "０１０ ９８７６ ５４３２",
        ],
    )
    def test_eleven_digit_mobile_numbers(self, text: str) -> None:
        assert parse_mobile_number(text) == "+821098765432"

    @pytest.mark.parametrize("text", ["123", "02-123-4567", "011-123-4567", "잘 모르겠어요"])
    def test_landlines_old_ten_digit_numbers_and_words_are_not(self, text: str) -> None:
        assert parse_mobile_number(text) is None


class TestDate:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026-12-01", date(2026, 12, 1)),
            ("2027.1.5", date(2027, 1, 5)),
            ("2027/01/05", date(2027, 1, 5)),
            ("2027년 3월 2일로 해주세요", date(2027, 3, 2)),
            ("내년 3월 1일", date(2027, 3, 1)),
            ("오늘", WEDNESDAY),
            ("내일 오후에요", date(2026, 12, 31)),
            ("모레", date(2027, 1, 1)),
            ("내일모레", date(2027, 1, 1)),
            ("글피", date(2027, 1, 2)),
            ("3일 후에 와 주세요", date(2027, 1, 2)),
            ("다음 달 5일", date(2027, 1, 5)),
            ("15일에 예약할게요", date(2027, 1, 15)),
            ("31일", date(2026, 12, 31)),
            ("십이월 이십오일", date(2027, 12, 25)),
            ("시월 삼일", date(2027, 10, 3)),
        ],
    )
    def test_formats(self, text: str, expected: date) -> None:
        assert parse_date(text, today=WEDNESDAY) == expected

    def test_month_day_without_year_rolls_over_to_next_year(self) -> None:
        assert parse_date("1월 2일", today=WEDNESDAY) == date(2027, 1, 2)
        assert parse_date("1/2", today=WEDNESDAY) == date(2027, 1, 2)

    def test_month_day_today_is_today_and_earlier_this_year_is_next_year(self) -> None:
        assert parse_date("12월 30일", today=WEDNESDAY) == WEDNESDAY
        assert parse_date("12월 1일", today=WEDNESDAY) == date(2027, 12, 1)
        assert parse_date("12월 1일", today=date(2026, 11, 20)) == date(2026, 12, 1)

    def test_explicit_past_dates_are_returned_as_they_are(self) -> None:
        assert parse_date("2026-01-01", today=WEDNESDAY) == date(2026, 1, 1)
        assert parse_date("어제", today=WEDNESDAY) == date(2026, 12, 29)

    @pytest.mark.parametrize("text", ["2월 30일", "2027-02-30", "13월 1일", "4월 31일", "2027년 2월 29일"])
    def test_impossible_dates(self, text: str) -> None:
        assert parse_date(text, today=WEDNESDAY) is None

    def test_february_29_is_the_next_leap_year(self) -> None:
        assert parse_date("2월 29일", today=WEDNESDAY) == date(2028, 2, 29)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("다음 주 화요일", date(2027, 1, 5)),
            ("다음주 화요일", date(2027, 1, 5)),
            ("담주 월요일", date(2027, 1, 4)),
            ("다다음 주 금요일", date(2027, 1, 15)),
            ("이번 주 금요일", date(2027, 1, 1)),
            ("이번주 월요일", date(2026, 12, 28)),  # this week's Monday is already past
            ("화요일", date(2027, 1, 5)),
            ("수요일에요", date(2027, 1, 6)),  # the same weekday means next week's
            ("목요일", date(2026, 12, 31)),
        ],
    )
    def test_weekdays_relative_to_the_given_korea_date(self, text: str, expected: date) -> None:
        assert parse_date(text, today=WEDNESDAY) == expected

    def test_next_week_from_a_sunday(self) -> None:
        # Weeks start on Monday: on Sunday 2027-01-03, "다음 주 화요일" is 2027-01-05.
        assert parse_date("다음 주 화요일", today=date(2027, 1, 3)) == date(2027, 1, 5)

    @pytest.mark.parametrize(
        "text", ["", "주문 취소해 주세요", "7일 이내에 반품 가능한가요", "보낼게요", "일정 좀 잡아주세요"]
    )
    def test_no_date(self, text: str) -> None:
        assert parse_date(text, today=WEDNESDAY) is None

    @given(st.text(max_size=80), st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 31)))
    def test_never_raises(self, text: str, today: date) -> None:
        result = parse_date(text, today=today)
        assert result is None or isinstance(result, date)


class TestOrderNumber:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("ORD20261123001", "ORD20261123001"),
            ("ord-2026-1123-001", "ORD20261123001"),
            ("주문번호는 ORD 2026 1123 001 입니다", "ORD20261123001"),
            ("주문번호는 20261123001이요", "ORD20261123001"),
            ("주문번호 이공이육 일일이삼 공공일", "ORD20261123001"),
            ("12345678", "ORD12345678"),
            ("1234-5678-9012", "ORD123456789012"),
        ],
    )
    def test_order_numbers(self, text: str, expected: str) -> None:
        assert parse_order_number(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "01012345678",  # a mobile number
            "010-1234-5678",
            "02-1234-5678",  # a landline number
            "2026-12-01",  # a date
            "1234567",  # too short
            "1234567890123",  # too long
            "ORD123",
            "주문 취소해 주세요",
            "35,000원",
        ],
    )
    def test_not_order_numbers(self, text: str) -> None:
        assert parse_order_number(text) is None


class TestAmount:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("3만 5천원", 35000),
            ("35,000원", 35000),
            ("35000 원", 35000),
            ("삼만원", 30000),
            ("삼만 오천 원이 결제됐어요", 35000),
            ("만 원", 10000),
            ("천 원이요", 1000),
            ("1,000,000원", 1_000_000),
            ("10만원이 두 번 빠져나갔어요", 100_000),
            ("가격이삼만원", 30000),
        ],
    )
    def test_amounts(self, text: str, expected: int) -> None:
        assert parse_amount_won(text) == expected

    @pytest.mark.parametrize("text", ["직원 바꿔 주세요", "상담원", "회원가입", "구원", "0원", "", "3만"])
    def test_not_amounts(self, text: str) -> None:
        assert parse_amount_won(text) is None


class TestChoice:
    """Menu choices, on the menus of CONTENT.md (:mod:`bot.dialogs`)."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("1", 1),
            ("1번", 1),
            ("1번이요.", 1),
            ("일번", 1),
            ("일 번이요", 1),
            ("하나", 1),
            ("하나요", 1),
            ("첫번째", 1),
            ("첫 번째요", 1),
            ("전자제품", 1),
            ("전자제품이요", 1),
            ("노트북 문의예요", 1),
            ("청소기요", 1),  # 청소기 is an appliance even though it contains 청소
            ("2번 의류요", 2),
            ("음, 이번이요", 2),
            ("둘째", 2),
            ("옷이요", 2),
            ("삼번", 3),
            ("세 번째요", 3),
            ("생활용품이요", 3),
            ("4", 4),
            ("네 번째", 4),
            ("넷이요", 4),
            ("기타요", 4),
            ("그 외의 상품이요", 4),
        ],
    )
    def test_category_by_number_spoken_number_or_word(self, text: str, expected: int) -> None:
        assert parse_choice(text, CATEGORIES) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "네",  # "yes", not 4
            "5번",
            "12",
            "2번 전자제품",  # number and word disagree
            "1번이랑 2번",
            "잘 모르겠어요",
            "이번에 주문한 거요",  # "this time", not option 2
        ],
    )
    def test_unclear_choices_are_rejected(self, text: str) -> None:
        assert parse_choice(text, CATEGORIES) is None

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("가격 정보요", 1),
            ("얼마예요", 1),
            ("재고 있나요", 2),
            ("사양이 궁금해요", 3),
            ("상품 상세정보", 3),
        ],
    )
    def test_question_type_words(self, text: str, expected: int) -> None:
        assert parse_choice(text, QUESTION_TYPES) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("상담 예약이요", 1),
            ("방문 서비스", 2),
            ("설치 기사 방문이요", 2),
            ("전화 상담이요", 3),
            ("3번", 3),
        ],
    )
    def test_service_words(self, text: str, expected: int) -> None:
        assert parse_choice(text, SERVICES) == expected

    def test_numbers_can_be_disallowed(self) -> None:
        assert parse_choice("1번", SERVICES, allow_numbers=False) is None
        assert parse_choice("방문이요", SERVICES, allow_numbers=False) == 2


class TestProductName:
    @pytest.mark.parametrize(
        ("answer", "product"),
        [
            ("노트북이요", "노트북"),
            ("노트북이에요", "노트북"),
            ("넥타이요", "넥타이"),
            ("넥타이예요", "넥타이"),
            ("음, 삼성 노트북입니다", "삼성 노트북"),
            ("무선 청소기에 대해서 문의하려고요", "무선 청소기"),
            ("요가 매트", "요가 매트"),
            ("고양이 사료", "고양이 사료"),
        ],
    )
    def test_product_name_loses_fillers_and_polite_endings(self, answer: str, product: str) -> None:
        assert parse_product_name(answer) == product


class TestExtractEntities:
    def test_all_entities_in_one_utterance(self) -> None:
        now = datetime(2026, 11, 30, 20, 0, tzinfo=KST)
        entities = extract_entities("12월 1일에 공일공 일이삼사 오육칠팔로 3만원 결제 건이요", now=now)
        assert entities == Entities(phone_number="+821012345678", date=date(2026, 12, 1), amount_won=30000)

    def test_relative_dates_use_korea_time(self) -> None:
        # 2026-12-30 16:00 UTC is already 2026-12-31 01:00 in Korea: "내일" is 2027-01-01.
        now = datetime(2026, 12, 30, 16, 0, tzinfo=UTC)
        assert extract_entities("내일 예약할게요", now=now).date == date(2027, 1, 1)
        other_zone = datetime(2026, 12, 30, 8, 0, tzinfo=timezone(timedelta(hours=-8)))
        assert extract_entities("오늘", now=other_zone).date == date(2026, 12, 31)

    def test_order_number(self) -> None:
        now = datetime(2026, 12, 30, 9, 0, tzinfo=KST)
        assert extract_entities("ORD20261123001 배송 조회요", now=now).order_number == "ORD20261123001"

    def test_phone_number_is_not_also_an_order_number(self) -> None:
        entities = extract_entities("01012345678", now=datetime(2026, 12, 30, tzinfo=KST))
        assert entities.phone_number == "+821012345678"
        assert entities.order_number is None

    def test_nothing(self) -> None:
        assert extract_entities("안녕하세요", now=datetime(2026, 12, 30, tzinfo=KST)) == Entities()

    @given(st.text(max_size=120))
    def test_never_raises(self, text: str) -> None:
        assert isinstance(extract_entities(text, now=datetime(2026, 12, 30, tzinfo=KST)), Entities)
