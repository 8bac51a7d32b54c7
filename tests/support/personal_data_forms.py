"""Personal numbers as callers give them, and an oracle that finds them wherever they end up.

Independent of ``bot.personal_data`` on purpose: nothing here imports it or copies its rules.

* **Numbers** (hypothesis strategies): Korean mobile and landline numbers, foreign numbers, resident
  registration numbers and card numbers (Luhn computed here), each a :class:`PersonalNumber` that
  knows its digits, its natural groups, its E.164 form and the digit sequences that must never be
  stored (:attr:`PersonalNumber.secrets`).
* **Renderings**: :func:`rendered` writes a number as a caller or a speech recognizer would —
  grouped or not, any separators (``-``, spaces, dots, spaced hyphens, dashes, ``ㅡ``), each group
  in ASCII, full-width, another script's decimal digits (found through ``unicodedata``) or spoken
  Sino-Korean digits (공/영 for 0), ``+82`` with or without the trunk 0, inside a sentence.
* **The oracle**: :func:`digit_projection` reads any stored string the way a person would look
  for a number in it — every Unicode decimal digit and every spoken digit word becomes its digit,
  whitespace and punctuation vanish, anything else is a break — and :func:`leaks` says which
  secret of a number appears in it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from bot.personal_data import mask_phone_number

#: Sino-Korean digit words, as a caller reads digits aloud (this oracle's own table).
SPOKEN_ZERO = ("공", "영")
SPOKEN = {1: "일", 2: "이", 3: "삼", 4: "사", 5: "오", 6: "육", 7: "칠", 8: "팔", 9: "구"}
_SPOKEN_VALUES = {
    **{word: str(digit) for digit, word in SPOKEN.items()},
    "공": "0",
    "영": "0",
    "빵": "0",
    "륙": "6",
}
#: Characters that may stand between two digits of one number as a person reads it.
_TRANSPARENT = frozenset("ㅡㆍ에+")


def _zeros_of_every_script() -> tuple[str, ...]:
    """The zero of each run of ten Unicode decimal digits (ASCII, full-width, Arabic-Indic, ...)."""
    zeros = []
    for code in range(0x30, 0x1FBFA):
        char = chr(code)
        if (
            unicodedata.category(char) == "Nd"
            and unicodedata.decimal(char) == 0
            and all(unicodedata.decimal(chr(code + value), None) == value for value in range(10))
        ):
            zeros.append(char)
    return tuple(zeros)


UNICODE_ZEROS = _zeros_of_every_script()
assert len(UNICODE_ZEROS) > 40 and "0" in UNICODE_ZEROS and "\uff10" in UNICODE_ZEROS


# --- the oracle -----------------------------------------------------------------------------------------


def digit_projection(text: str) -> str:
    """Digits as a person reading ``text`` would find them: separators vanish, words break."""
    out: list[str] = []
    for original in text:
        if original in _TRANSPARENT:
            continue
        for char in unicodedata.normalize("NFKC", original):
            value = unicodedata.decimal(char, None)
            if value is not None:
                out.append(str(value))
            elif char in _SPOKEN_VALUES:
                out.append(_SPOKEN_VALUES[char])
            elif char.isspace() or char in _TRANSPARENT or unicodedata.category(char).startswith("P"):
                continue
            else:
                out.append("|")
    return "".join(out)


def strings_in(value: Any) -> list[str]:
    """Every string inside a JSON-like value (keys included); numbers as they are written."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (*strings_in(key), *strings_in(item))]
    if isinstance(value, list | tuple):
        return [text for item in value for text in strings_in(item)]
    return []


# --- numbers --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalNumber:
    """A number a caller may say, with what must never be stored of it."""

    kind: str  # phone | resident_registration_number | card
    groups: tuple[str, ...]  # ASCII digits, as the number is naturally grouped (national form)
    #: E.164 for phones (``+821012345678``); None for the other kinds.
    e164: str | None = None
    #: The country code a foreign or ``+82`` rendering puts in front ("82" for Korean numbers).
    country_code: str | None = None
    #: Digits a masked form may keep: the trunk and area of a Korean number.
    area_length: int = 0

    @property
    def digits(self) -> str:
        """All digits, national form."""
        return "".join(self.groups)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Digit sequences that reveal the number: none of them may be stored or logged."""
        if self.kind == "phone":
            if self.country_code == "82":
                return (self.digits[self.area_length :], self.digits[1:])  # middle+last; without trunk
            return (self.digits,)  # a foreign number's national significant number
        if self.kind == "resident_registration_number":
            return (self.digits, self.digits[6:])
        return (self.digits, self.digits[:-4])

    @property
    def is_booking_mobile(self) -> bool:
        """A Korean mobile number of the 01X-XXXX-XXXX form the reservation dialog asks for."""
        return self.country_code == "82" and len(self.digits) == 11 and self.digits.startswith("01")


def leaks(number: PersonalNumber, stored: str) -> list[str]:
    """The secrets of ``number`` that appear in ``stored`` (read by :func:`digit_projection`).

    The number's own masked form (``018-****-0002``) is taken out first: it shows the area code and
    the last four digits by design, and for a number like 018-018-0002 those read as its secret.
    """
    if number.kind == "phone":
        stored = stored.replace(mask_phone_number(number.e164), "")
    projection = digit_projection(stored)
    return [secret for secret in number.secrets if secret in projection]


def _digits(count: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=count, max_size=count)


@st.composite
def korean_mobiles(draw: st.DrawFn, *, booking_form: bool = False) -> PersonalNumber:
    """010-XXXX-XXXX, or 011/016-019 with 3 or 4 middle digits."""
    area = draw(
        st.sampled_from(["010"] if booking_form else ["010", "010", "011", "016", "017", "018", "019"])
    )
    middle = draw(_digits(4 if area == "010" or booking_form else draw(st.sampled_from([3, 4]))))
    last = draw(_digits(4))
    return PersonalNumber("phone", (area, middle, last), "+82" + (area + middle + last)[1:], "82", len(area))


@st.composite
def korean_landlines(draw: st.DrawFn) -> PersonalNumber:
    """Seoul 02 and regional 031-064 numbers, 070 internet phones."""
    area = draw(st.sampled_from(["02", "031", "032", "042", "051", "053", "062", "064", "070"]))
    middle = draw(_digits(3)) if area != "070" and draw(st.booleans()) else draw(_digits(4))
    middle = str(draw(st.integers(2, 9))) + middle[1:]  # Korean subscriber numbers never start with 0 or 1
    last = draw(_digits(4))
    return PersonalNumber("phone", (area, middle, last), "+82" + (area + middle + last)[1:], "82", len(area))


@st.composite
def foreign_numbers(draw: st.DrawFn) -> PersonalNumber:
    """US (+1 415 555 0100), Japanese (+81 90-1234-5678), British and Chinese mobile numbers."""
    code, groups = draw(
        st.sampled_from(
            [
                ("1", (str(draw(st.integers(2, 9))) + draw(_digits(2)), draw(_digits(3)), draw(_digits(4)))),
                ("81", (draw(st.sampled_from(["90", "80", "70"])), draw(_digits(4)), draw(_digits(4)))),
                ("44", ("7" + draw(_digits(3)), draw(_digits(6)))),
                ("86", ("1" + draw(_digits(2)), draw(_digits(4)), draw(_digits(4)))),
            ]
        )
    )
    return PersonalNumber("phone", groups, "+" + code + "".join(groups), code)


@st.composite
def resident_registration_numbers(draw: st.DrawFn) -> PersonalNumber:
    """YYMMDD-GNNNNNN: a real date, the 7th digit 1-8 (checksum not required since 2020)."""
    birth = f"{draw(st.integers(0, 99)):02d}{draw(st.integers(1, 12)):02d}{draw(st.integers(1, 28)):02d}"
    back = str(draw(st.integers(1, 8))) + draw(_digits(6))
    return PersonalNumber("resident_registration_number", (birth, back))


def _luhn_check_digit(body: str) -> str:
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char)
        if position % 2 == 0:  # doubled: the check digit will sit to the right
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return str((10 - total % 10) % 10)


@st.composite
def card_numbers(draw: st.DrawFn) -> PersonalNumber:
    """Visa/Mastercard/Korean domestic 16 digits (4-4-4-4) and Amex 15 (4-6-5), Luhn-valid."""
    if draw(st.booleans()):
        body = draw(st.sampled_from(["4", "5", "9"])) + draw(_digits(14))
        digits = body + _luhn_check_digit(body)
        return PersonalNumber("card", (digits[:4], digits[4:8], digits[8:12], digits[12:]))
    body = draw(st.sampled_from(["34", "37"])) + draw(_digits(12))
    digits = body + _luhn_check_digit(body)
    return PersonalNumber("card", (digits[:4], digits[4:10], digits[10:]))


def distinctive(strategy: st.SearchStrategy[PersonalNumber]) -> st.SearchStrategy[PersonalNumber]:
    """Numbers whose secrets have at least four different digits.

    Stored items also hold digits of their own (timestamps such as ``10:00:00``, TTL epochs,
    references): a secret like ``1000000`` (what shrinking tends to) could turn up there by chance.
    """
    return strategy.filter(lambda number: all(len(set(secret)) >= 4 for secret in number.secrets))


PHONES = distinctive(st.one_of(korean_mobiles(), korean_landlines(), foreign_numbers()))
BOOKING_MOBILES = distinctive(korean_mobiles(booking_form=True))
NEVER_STORED = distinctive(st.one_of(resident_registration_numbers(), card_numbers()))
EVERY_KIND = st.one_of(PHONES, NEVER_STORED)


# --- renderings -----------------------------------------------------------------------------------------

SEPARATORS = ("", "-", " ", ".", " - ", "  ", "－", "—", "ㅡ", "·", " -", "- ")
#: Sentences around a number whose words cannot be read as digits: (before, after).
PLAIN_SENTENCES = (
    ("", ""),
    ("", " 입니다"),
    ("번호 ", " 맞아요"),
    ("제 거 ", "로 해 주세요"),
    ("음 ", " 번이요"),
)
#: And sentences that go on right after the number with 이 or 요 ("…오육칠이요" may end in 2 or not:
#: the number must be masked either way, but which number it was is ambiguous even to a person).
SENTENCES = (*PLAIN_SENTENCES, ("제 번호는 ", "이에요"), ("연락처는 ", "요"), ("", "이 맞아요"), ("", "이요"))


@st.composite
def digit_writer(draw: st.DrawFn) -> Any:
    """How one group's digits are written: ASCII, another script's digits, or spoken Korean."""
    style = draw(st.sampled_from(["ascii", "script", "spoken"]))
    if style == "ascii":
        return lambda digits: digits
    if style == "script":
        zero = ord(draw(st.sampled_from(UNICODE_ZEROS)))
        return lambda digits: "".join(chr(zero + int(digit)) for digit in digits)
    zero_word = draw(st.sampled_from(SPOKEN_ZERO))
    return lambda digits: "".join(zero_word if digit == "0" else SPOKEN[int(digit)] for digit in digits)


def _regroup(number: PersonalNumber, draw: st.DrawFn) -> tuple[str, ...]:
    layout = draw(st.sampled_from(["natural", "natural", "one", "single digits"]))
    if layout == "one":
        return (number.digits,)
    if layout == "single digits":
        return tuple(number.digits)
    return number.groups


@st.composite
def rendered(
    draw: st.DrawFn, number: PersonalNumber, *, sentences: tuple[tuple[str, str], ...] = SENTENCES
) -> str:
    """``number`` as a caller types it or a speech recognizer writes it, inside one of ``sentences``."""
    groups = list(_regroup(number, draw))
    prefix = ""
    if number.country_code is not None and (number.country_code != "82" or draw(st.booleans())):
        plus = draw(st.sampled_from(["+", "＋"]))
        code = (
            number.country_code if plus == "+" else "".join(chr(0xFF10 + int(d)) for d in number.country_code)
        )
        prefix = plus + code + draw(st.sampled_from([" ", "-", "", " - "]))
        if number.country_code == "82" and groups[0].startswith("0") and draw(st.booleans()):
            groups[0] = groups[0][1:]  # +82 10 …: the trunk 0 left out
            groups = [group for group in groups if group]
    writers = [draw(digit_writer()) for _ in groups]
    if draw(st.booleans()) or len(groups) > 4:
        writers = [writers[0]] * len(groups)  # the same style throughout, as most callers write
    separator = draw(st.sampled_from(SEPARATORS))
    pieces = []
    for index, (group, write) in enumerate(zip(groups, writers, strict=True)):
        if index and len(groups) > 4:
            pieces.append(separator or " ")  # digit by digit: one separator throughout, never none
        elif index:
            pieces.append(separator if draw(st.booleans()) else draw(st.sampled_from(SEPARATORS[1:])))
        pieces.append(write(group))
    before, after = draw(st.sampled_from(sentences))
    return before + prefix + "".join(pieces) + after


def describe(number: PersonalNumber, text: str) -> str:
    """A readable failure message: the number, its rendering with code points where not ASCII."""
    shown = "".join(
        char if char.isascii() or "가" <= char <= "힣" else f"<U+{ord(char):04X}>" for char in text
    )
    return f"{number.kind} {'-'.join(number.groups)} written as {text!r} ({shown})"
