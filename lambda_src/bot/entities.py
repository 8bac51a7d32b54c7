"""Entity extraction from Korean caller utterances: phone number, date, order number, amount,
menu choice and product name.

All parsers are pure functions of their input (the date parser takes "today" from the caller,
in Korea time; nothing here reads the system clock) and return None when nothing is found.
The dialogs (:mod:`bot.dialogs`) decide what to do with what is found; everything about reading
Korean — numbers spoken or written, dates, choices — is here.

Formats understood
------------------
Phone number
    What a phone number is, in any form (separators, full-width or other Unicode digits, ``+82``,
    spoken digits "공일공 일이삼사 오육칠팔"), is :mod:`bot.personal_data`'s definition; here only
    Korean mobile numbers ``01X-XXXX-XXXX`` (011/016–019 may have a 3-digit middle group) are
    taken. Result: E.164, ``"+821012345678"``.

Date
    ``2026-12-01``, ``2026.12.1``, ``2026/12/01``, ``2026년 12월 1일``, ``12월 1일`` (also in
    words: "십이월 이십오일", "시월", "유월"), ``12/1``, ``15일`` (day of month), ``오늘``,
    ``내일``, ``모레``/``내일모레``, ``글피``, ``어제``, ``그저께``, ``N일 후/뒤``,
    ``이번 주 금요일``, ``다음 주 화요일``/``다음주``/``담주``, ``다다음 주 ...``, and a bare
    ``화요일``. A month/day without a year is the next such date that is not in the past; a bare
    day of month likewise; a bare weekday is its next occurrence strictly after today (a caller
    who means today says "오늘"). Weeks start on Monday. Impossible dates (2월 30일) give None;
    explicit past dates are returned as they are (rejecting them is the dialog's job).

Order number
    Our order numbers are 8 to 12 digits, optionally prefixed with ``ORD`` or ``ORD-`` (any
    letter case), with hyphens or spaces allowed between digit groups and digits possibly
    spoken. The canonical form is ``"ORD"`` followed by the digits, e.g. ``"ORD20261123001"``.
    Without the ORD prefix, a run that is a phone number (:mod:`bot.personal_data`) is a phone
    number, and a run written as a date (``2026-12-01``) is a date; neither is an order number.

Amount
    Won amounts ending in 원: ``35,000원``, ``35000 원``, ``3만 5천원``, ``삼만원``, ``만 원``.

Menu choice
    The option's number ("2", "2번", "이번이요", "두 번째", "둘"), one of its words ("의류",
    "옷"), or both when they agree ("2번 의류요"); fillers before it ("음, ...") are ignored.
    Several numbers, a number out of range or a number and a word that disagree give None.

Product name
    The caller's words without leading fillers and polite endings ("음, 노트북이요" → "노트북").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot import personal_data
from bot.models import KST, Entities
from bot.text import NOT_WORD_RE, normalize, parse_korean_number, spoken_digits_to_ascii

# --- phone numbers --------------------------------------------------------------------------------


def parse_phone_number(text: str) -> str | None:
    """The first Korean mobile number in ``text`` in E.164 (``+821012345678``), or None."""
    for found in personal_data.phone_numbers(text):
        if personal_data.is_korean_mobile(found.e164):
            return found.e164
    return None


def parse_mobile_number(text: str) -> str | None:
    """The first mobile number in ``text`` when it has the 01X-XXXX-XXXX form, in E.164, or None.

    :func:`parse_phone_number` also knows the older 10-digit numbers (011-123-4567); a caller
    asked for a number to book under must give the 11-digit form CONTENT.md asks for.
    """
    phone = parse_phone_number(text)
    return phone if personal_data.is_eleven_digit_mobile(phone) else None


# --- dates ----------------------------------------------------------------------------------------

_WEEKDAYS = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
_RELATIVE_DAYS = {
    "그저께": -2,
    "그제": -2,
    "어제": -1,
    "오늘": 0,
    "금일": 0,
    "내일모레": 2,
    "낼모레": 2,
    "내일": 1,
    "낼": 1,
    "모레": 2,
    "글피": 3,
}
# Month names that are not simply number + 월 when spoken.
_SPOKEN_MONTHS = {"시월": 10, "유월": 6}
_NUM = r"(?:\d{1,4}|[일이삼사오육륙칠팔구십]{1,3})"

_ISO_DATE_RE = re.compile(r"(?<!\d)(?P<y>\d{4})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})(?!\d)")
_YEAR_MONTH_DAY_RE = re.compile(
    rf"(?:(?P<y>\d{{4}})\s*년|(?P<rel_year>올해|금년|내년|명년))\s*(?P<m>{_NUM})\s*월\s*(?P<d>{_NUM})\s*일"
)
_MONTH_DAY_RE = re.compile(rf"(?<![\d년])(?P<m>{_NUM})\s*월\s*(?P<d>{_NUM})\s*일(?![요째간])")
_SLASH_DATE_RE = re.compile(r"(?<![\d/.])(?P<m>\d{1,2})\s*/\s*(?P<d>\d{1,2})(?![\d/])")
_WEEK_WEEKDAY_RE = re.compile(
    r"(?P<week>이번\s*주|금주|이번주|다음\s*주|담\s*주|차주|다다음\s*주)?\s*(?:의\s*)?"
    r"(?P<wd>[월화수목금토일])\s*요일"
)
_DAYS_LATER_RE = re.compile(rf"(?P<n>{_NUM})\s*일\s*(?:후|뒤|있다가)")
_RELATIVE_MONTH_DAY_RE = re.compile(rf"(?P<rel>이번\s*달|이달|다음\s*달|담\s*달)\s*(?P<d>{_NUM})\s*일")
_DAY_OF_MONTH_RE = re.compile(
    r"(?<![\d가-힣])(?<!월\s)(?P<d>\d{1,2}|[이삼]?십[일이삼사오육칠팔구]?|[일이삼사오육칠팔구])\s*일(?=\s*(?:에|날|까지|로|으로|이요|요|쯤|경|$|\s))"
    r"(?!\s*(?:후|뒤|전|이내|동안|간|째|만에|있다가))"
)
# Not inside a word: "보낼게요" contains "낼" but says nothing about tomorrow.
_RELATIVE_WORD_RE = re.compile(
    "(?<![가-힣])(?:" + "|".join(sorted(_RELATIVE_DAYS, key=len, reverse=True)) + ")"
)


def _number(word: str) -> int | None:
    return parse_korean_number(word)


def _safe_date(year: int, month: int | None, day: int | None) -> date | None:
    if month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_month_day(month: int, day: int, today: date) -> date | None:
    """The next ``month``/``day`` that is today or later; None if the pair never exists."""
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
        if candidate is None and not (month == 2 and day == 29):
            return None  # 2월 30일, 13월 1일: never valid, no point looking further
    return None


def _next_day_of_month(day: int, today: date) -> date | None:
    year, month = today.year, today.month
    for _ in range(3):  # a day that is missing this month (31일) exists within two months
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _from_iso(match: re.Match[str], _today: date) -> date | None:
    return _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))


def _from_year_month_day(match: re.Match[str], today: date) -> date | None:
    next_year = match["rel_year"] in ("내년", "명년")
    year = int(match["y"]) if match["y"] else today.year + int(next_year)
    return _safe_date(year, _number(match["m"]), _number(match["d"]))


def _from_month_day(match: re.Match[str], today: date) -> date | None:
    month, day = _number(match["m"]), _number(match["d"])
    return None if month is None or day is None else _next_month_day(month, day, today)


def _from_days_later(match: re.Match[str], today: date) -> date | None:
    days = _number(match["n"])
    return today + timedelta(days=days) if days is not None and days <= 366 else None


def _from_relative_month_day(match: re.Match[str], today: date) -> date | None:
    year, month = today.year, today.month
    if match["rel"].replace(" ", "") in ("다음달", "담달"):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return _safe_date(year, month, _number(match["d"]))


def _from_weekday(match: re.Match[str], today: date) -> date | None:
    return _resolve_weekday(match["week"], _WEEKDAYS[match["wd"]], today)


def _from_relative_word(match: re.Match[str], today: date) -> date | None:
    return today + timedelta(days=_RELATIVE_DAYS[match.group(0)])


def _from_day_of_month(match: re.Match[str], today: date) -> date | None:
    day = _number(match["d"])
    return _next_day_of_month(day, today) if day is not None and 1 <= day <= 31 else None


# Most specific first: the first pattern found in the text decides.
_DATE_RESOLVERS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], date], date | None]], ...] = (
    (_ISO_DATE_RE, _from_iso),
    (_YEAR_MONTH_DAY_RE, _from_year_month_day),
    (_MONTH_DAY_RE, _from_month_day),
    (_SLASH_DATE_RE, lambda match, today: _next_month_day(int(match["m"]), int(match["d"]), today)),
    (_DAYS_LATER_RE, _from_days_later),
    (_RELATIVE_MONTH_DAY_RE, _from_relative_month_day),
    (_WEEK_WEEKDAY_RE, _from_weekday),
    (_RELATIVE_WORD_RE, _from_relative_word),
    (_DAY_OF_MONTH_RE, _from_day_of_month),
)


def parse_date(text: str, *, today: date) -> date | None:
    """Return the first date mentioned in ``text``, resolved against ``today`` (Korea time).

    See the module docstring for the formats. Returns None when no date is mentioned or the
    mentioned date does not exist.
    """
    prepared = normalize(text)
    for spoken, month in _SPOKEN_MONTHS.items():
        prepared = prepared.replace(spoken, f"{month}월")
    for pattern, resolve in _DATE_RESOLVERS:
        if match := pattern.search(prepared):
            return resolve(match, today)
    return None


def _resolve_weekday(week: str | None, weekday: int, today: date) -> date:
    if week is None:
        ahead = (weekday - today.weekday() - 1) % 7 + 1  # 1..7: strictly after today
        return today + timedelta(days=ahead)
    compact = week.replace(" ", "")
    weeks_ahead = {"다다음주": 2, "다음주": 1, "담주": 1, "차주": 1}.get(compact, 0)
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=weeks_ahead, days=weekday)


# --- order numbers --------------------------------------------------------------------------------

_ORDER_PREFIXED_RE = re.compile(r"ORD\s*[-_]?\s*(?P<digits>\d(?:[\s\-]?\d){7,11})(?![\d])", re.IGNORECASE)
_DIGIT_GROUPS_RE = re.compile(r"(?<![\d\-.])\d+(?:(?:\s|\s?-\s?)\d+)*(?![\d])")


def parse_order_number(text: str) -> str | None:
    """Return the first order number in ``text`` in canonical ``ORD<digits>`` form, or None."""
    prepared = spoken_digits_to_ascii(normalize(text), min_digits=8)
    if match := _ORDER_PREFIXED_RE.search(prepared):
        return "ORD" + re.sub(r"\D", "", match["digits"])
    for match in _DIGIT_GROUPS_RE.finditer(prepared):
        run = match.group(0)
        digits = re.sub(r"\D", "", run)
        if not 8 <= len(digits) <= 12:
            continue
        if personal_data.to_e164(run) is not None:
            continue
        if _ISO_DATE_RE.fullmatch(run.strip()):
            continue
        return "ORD" + digits
    return None


# --- amounts --------------------------------------------------------------------------------------

_AMOUNT_RE = re.compile(
    r"(?P<expr>(?:\d[\d,]*|[일이삼사오육륙칠팔구십백천만억])(?:[\d,\s]|[일이삼사오육륙칠팔구십백천만억])*?)\s*원"
)
_UNIT_CHARS = frozenset("십백천만억")


def parse_amount_won(text: str) -> int | None:
    """Return the first won amount in ``text`` (e.g. "3만 5천원" → 35000), or None."""
    prepared = normalize(text)
    for match in _AMOUNT_RE.finditer(prepared):
        expression = match["expr"].strip()
        # The regex may have started inside a word ("가격이삼만원"): try ever shorter suffixes.
        for start in range(len(expression)):
            candidate = expression[start:].strip()
            if not candidate:
                continue
            has_digit = any(char.isdigit() for char in candidate)
            if not has_digit and not _UNIT_CHARS.intersection(candidate):
                continue  # "구원", "일원": words, not amounts
            value = parse_korean_number(candidate)
            if value is not None and value > 0:
                return value
    return None


# --- menu choices ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    """One numbered option of a menu."""

    label: str  # as listed in the prompt
    synonyms: tuple[str, ...]  # compact (no spaces) words that select it

    @classmethod
    def of(cls, label: str, words: str) -> Choice:
        """The option ``label`` selected by each space-separated word of ``words``."""
        return cls(label, tuple(words.split()))


# Fillers a caller starts with ("음, 이번이요"); only stripped when followed by a pause or space
# and not by 번/째, so that "네 번째" keeps its 네.
_LEADING_FILLER_RE = re.compile(r"^(?:(?:음+|어+|아+|으+|저기요?|그+|저+|에+|네|예)[\s,.…~]+(?!번|째))+")
_DIGITS_RE = re.compile(r"\d+")
# A whole answer that is a spoken number: "일번이요", "둘", "세 번째요", "넷째".
_SPOKEN_NUMBER_RE = re.compile(
    r"^(?P<num>하나|다섯|첫|둘|두|셋|세|넷|네|일|이|삼|사|오)(?P<suffix>번째|번|째)?"
    r"(?:으로|로)?(?:할게요|할께요|이요|이에요|입니다|예요|요|이)?$"
)
_SPOKEN_NUMBERS: dict[str, int] = {
    "하나": 1, "일": 1, "첫": 1, "둘": 2, "두": 2, "이": 2, "셋": 3, "세": 3, "삼": 3,
    "넷": 4, "네": 4, "사": 4, "오": 5, "다섯": 5,
}  # fmt: skip
# These are also ordinary words ("두 개", "세", "네" = yes, "첫"): a number only with 번/째.
_NEEDS_SUFFIX = frozenset({"첫", "두", "세", "네"})


def _compact(text: str) -> str:
    return NOT_WORD_RE.sub("", normalize(text).lower())


def _number_in(text: str) -> int | None:
    """The option number the caller said, 0 when they said several, None when none."""
    normalized = _LEADING_FILLER_RE.sub("", normalize(text).lower())
    compact = NOT_WORD_RE.sub("", normalized)
    digits = set(_DIGITS_RE.findall(compact))
    if len(digits) > 1:
        return 0
    if digits:
        return int(digits.pop())
    match = _SPOKEN_NUMBER_RE.match(compact)
    if match is None or (match["num"] in _NEEDS_SUFFIX and not match["suffix"]):
        return None
    return _SPOKEN_NUMBERS[match["num"]]


def _word_choice(compact: str, choices: tuple[Choice, ...]) -> int | None:
    """1-based option whose synonym appears in the text; the longest synonym wins, ties are None."""
    best_length = 0
    best: set[int] = set()
    for index, choice in enumerate(choices, start=1):
        length = max((len(word) for word in choice.synonyms if word in compact), default=0)
        if length > best_length:
            best_length, best = length, {index}
        elif length and length == best_length:
            best.add(index)
    return best.pop() if len(best) == 1 else None


def parse_choice(text: str, choices: tuple[Choice, ...], *, allow_numbers: bool = True) -> int | None:
    """The 1-based option the caller chose, or None when unclear, out of range or contradictory."""
    word = _word_choice(_compact(text), choices)
    if not allow_numbers:
        return word
    number = _number_in(text)
    if number is None:
        return word
    if not 1 <= number <= len(choices) or (word is not None and word != number):
        return None
    return number


# --- product names --------------------------------------------------------------------------------

# Polite endings around a product name: "노트북이요", "넥타이예요", "노트북에 대해서 문의하려고요".
_PRODUCT_TRAILER_RE = re.compile(
    r"\s*(?:(?:에\s*대해서?|에\s*대한|관련해서?|관련)\s*)?"
    r"(?:문의(?:하려고요|하려구요|드려요|드립니다|합니다|할게요|요)|궁금해요|에요|예요|입니다|요)?[\s.?!~]*$"
)
_HANGUL_FIRST, _HANGUL_LAST, _FINALS = 0xAC00, 0xD7A3, 28


def _has_final_consonant(syllable: str) -> bool:
    code = ord(syllable)
    return _HANGUL_FIRST <= code <= _HANGUL_LAST and (code - _HANGUL_FIRST) % _FINALS != 0


def parse_product_name(text: str) -> str:
    """The product name without fillers and polite endings ("음, 노트북이요" → "노트북").

    Never None: whatever remains is the name (the dialog judges its length).
    """
    name = _PRODUCT_TRAILER_RE.sub("", _LEADING_FILLER_RE.sub("", normalize(text))).strip()
    # The copula 이 follows a final consonant ("노트북이요"); after a vowel it belongs to the
    # word ("넥타이요"). "고양이요" therefore becomes "고양": an accepted cosmetic loss.
    ended_politely = text.rstrip(" .?!~").endswith(("요", "다"))
    if ended_politely and len(name) > 2 and name.endswith("이") and _has_final_consonant(name[-2]):
        name = name[:-1]
    return name


# --- all together ---------------------------------------------------------------------------------


def extract_entities(text: str, *, now: datetime) -> Entities:
    """Find every supported entity in one utterance.

    ``now`` is the turn's time; it is converted to Korea time to resolve relative dates
    (a naive ``now`` is taken to be Korea time already).
    """
    korea_now = now.astimezone(KST) if now.tzinfo is not None else now
    phone_number = parse_phone_number(text)
    order_number = parse_order_number(text)
    if order_number is not None and phone_number is not None and order_number[3:] == "0" + phone_number[3:]:
        order_number = None
    return Entities(
        order_number=order_number,
        phone_number=phone_number,
        date=parse_date(text, today=korea_now.date()),
        amount_won=parse_amount_won(text),
    )
