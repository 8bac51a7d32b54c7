"""Personal data in caller text: the one definition of what a phone number, a resident registration
number, a card number and an account number look like, in every form callers write or say them.

Masking (log lines, the conversations table, metric dimensions), entity extraction (the
reservation's phone number, the chat callback number) and E.164 normalization (the customer lookup
key, the callback number) all read numbers through :func:`find_personal_data`, so they cannot
disagree about what a number is. Standard library only and total: every public function accepts
any input and never raises.

Reading a number
----------------
Each character is folded with Unicode NFKC (full-width ``０１０－１２３４`` becomes ASCII); any
Unicode decimal digit (Arabic-Indic ``٠١٠``, Devanagari, mathematical digits...) counts as its
ASCII digit, and so do the Sino-Korean digit words speech recognition writes (:data:`SPOKEN_DIGITS`:
공/영/빵 0, 일 1, 이 2, 삼 3, 사 4, 오 5, 육/륙 6, 칠 7, 팔 8, 구 9), mixed freely with written digits.
Digits form **groups**; groups form a **run** when at most three separators stand between them:
whitespace (a run of it counts once), hyphens and dashes of any kind (``-``, ``–``, ``—``, ``−``,
``－``, the Hangul ``ㅡ`` Korean keyboards type), dots (``.``, ``·``, ``ㆍ``), ``/``, parentheses,
and the particle ``에`` between spoken groups ("공일공에 일이삼사에 오육칠팔"). A comma ends a run:
the bot spells references out as "2 0 2 6, 0 3 2 0", and ``35,000원`` is an amount.
So ``010 - 1234 - 5678``, ``(02) 123-4567`` and ``공일공 1234 오육칠팔`` are runs. A ``+`` right before a
run (one space allowed) is an international prefix.

Within a run, the longest span of whole groups that is one of the kinds below wins, from the left.
A spoken digit at the very edge of a span may be a word instead: "…오육칠팔**이**에요" (the copula
이), "5678**이** 맞아요" (the subject particle), "회**사**010…". Such an edge digit is dropped when the
span only fits without it; a final 이 is dropped *first* when it is glued to written digits (as
particles are) or follows a consonant-final digit with a copula ending (에요, 요, 고, 라, 나, 랑…).

Kinds
-----
phone
    **Korean**: ``0`` + area + 7 or 8 digits, the area being mobile ``1[016789]``, Seoul ``2``,
    regional ``[3-6][1-5]``, internet phone ``70`` or personal number ``50[2-8]`` (9 to 12 digits:
    010-1234-5678, 011-123-4567, 02-123-4567, 031-1234-5678, 0505-123-4567); 010 and 070 numbers
    always have 8 digits after the prefix (010-123-4567 is no number). With ``+82`` the trunk
    ``0`` may be there or not: ``+82 10 1234 5678`` and ``+82 010 1234 5678`` are both
    ``+821012345678``; so is ``82 10 1234 5678`` (a bare 82, as a group of its own, before a
    mobile number). **Other countries**: ``+``, a country calling code (ITU's 1-3 digit
    assignment) and the rest, 8 to 15 digits in all, taken as written
    (``+1 415 555 0100``, ``+81 90-1234-5678``). Service numbers (1588-0000) are not personal data.
    E.164 has ASCII digits only, the Korean trunk 0 dropped after ``+82``.
resident registration number (주민등록번호)
    13 digits ``YYMMDD-GNNNNNN``: a plausible birth date (month 01-12, day 01-31) and a 7th digit
    1-8 (sex and century, foreigners 5-8). The check digit is *not* required: numbers issued since
    October 2020 have none. Written in one group, in groups that break after the 6th digit (6+7),
    or read out in groups of at most three digits; a 13-digit run grouped otherwise (4-4-5) is not
    one.
card number
    13 to 19 digits passing the Luhn check, not starting with 0, written in groups of at least four
    digits (4-4-4-4, Amex 4-6-5, 8-8, one group) or read out in groups of at most four; a run that
    mixes short and long groups (11-3-4: an order number next to a phone number) is not one.
account number (계좌번호)
    10 to 14 digits in a layout Korean banks print (:data:`ACCOUNT_LAYOUTS`: 3-3-6 신한·케이뱅크,
    3-2-6 SC제일·신한(구), 4-3-6 우리, 3-6-5 하나, 6-2-6 국민·우체국, 4-2-7 카카오뱅크, 3-4-4-2 농협,
    3-6-2-3 기업, 3-2-4-3 국민(구), ...), or in any grouping right after the word 계좌 ("계좌번호는
    110123456789"). Not after letters: ``ORD-2026-1123-001`` and ``R-2026-0320-1234`` are our own
    order and reservation references. Toss Bank's 4-4-4 is recognised only after 계좌, because order
    numbers are read in fours.

Masked forms: ``010-****-5678`` (Korean phone: trunk and area, last four), ``+1-****-0100``
(other countries), ``[주민등록번호]``, ``[카드번호]``, ``[계좌번호]``. Resident registration and card
numbers are never stored in any form (:data:`NEVER_STORED`): the bot works on the text without them
(:func:`withhold_never_stored`) and tells the caller it does not need them.

Not recognised (callers rarely produce them; the customer may ask for them): numbers in Korean
place-value words (천이백삼십사), international numbers without ``+`` (other than ``82`` + a Korean
mobile), ``00``/``001`` international dialling prefixes, foreign national formats.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, NamedTuple

#: Sino-Korean digit words as callers read numbers aloud ("공일공 일이삼사 ...").
SPOKEN_DIGITS: Final[dict[str, str]] = {
    "공": "0",
    "영": "0",
    "빵": "0",
    "일": "1",
    "이": "2",
    "삼": "3",
    "사": "4",
    "오": "5",
    "육": "6",
    "륙": "6",
    "칠": "7",
    "팔": "8",
    "구": "9",
}


class Kind(StrEnum):
    """What a number found in caller text is."""

    PHONE = "phone"
    RESIDENT_REGISTRATION_NUMBER = "resident_registration_number"
    CARD = "card"
    ACCOUNT = "account"


#: Kinds never stored in any form, not even masked digits: the bot says it does not need them.
NEVER_STORED: Final = frozenset({Kind.RESIDENT_REGISTRATION_NUMBER, Kind.CARD})

#: How each kind is written in masked text (phones keep their area and last four digits instead).
MASK_LABELS: Final[dict[Kind, str]] = {
    Kind.RESIDENT_REGISTRATION_NUMBER: "[주민등록번호]",
    Kind.CARD: "[카드번호]",
    Kind.ACCOUNT: "[계좌번호]",
}

#: Group lengths of Korean bank account numbers as the banks print them.
ACCOUNT_LAYOUTS: Final = frozenset(
    {
        (3, 3, 6),  # 신한, 케이뱅크
        (3, 2, 6),  # SC제일, 신한 (old), 농협 (old)
        (4, 3, 6),  # 우리
        (3, 6, 5),  # 하나
        (6, 2, 6),  # 국민, 우체국, 농협중앙회
        (4, 2, 7),  # 카카오뱅크
        (3, 4, 4, 2),  # 농협, 부산
        (3, 6, 2, 3),  # 기업
        (3, 2, 4, 3),  # 국민 (old)
        (4, 2, 6, 1),  # 새마을금고
        (3, 2, 6, 1),  # 대구
        (3, 5, 3, 2),  # 씨티
        (3, 2, 5),  # 수협 (old)
    }
)

_ACCOUNT_KEYWORD: Final = "계좌"
# "계좌번호는 " / "계좌 번호가 ": at most this many characters between the word and the number.
_ACCOUNT_KEYWORD_GAP: Final = 6
#: Longest group of a number read out digit by digit, in pairs or in threes.
_READ_OUT_GROUP: Final = 3
#: Fewer digit-like characters than this cannot hold any kind (the shortest is +CC and 7 digits).
_MIN_DIGITS: Final = 8
#: Longest span worth classifying: 19 card digits, plus an edge digit that may be dropped.
_MAX_SPAN_DIGITS: Final = 21
#: Separators allowed between two groups of one run (a whitespace run counts once).
_MAX_SEPARATORS: Final = 3
_SEPARATOR_CHARS: Final = frozenset(
    "-./()[]·•ㆍㅡ"
    "\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\u30fb\ufe58\ufe63\uff0d\uff0e\uff0f\uff65"
    # ㅡ and ㆍ after NFKC (conjoining jamo), and their half-width forms: text normalized before
    # it is read (the engine's) must give the same numbers as the raw text (the masking's).
    "\u1173\u119e\uffda"
)
_PARTICLE: Final = "에"
# Digits whose Korean reading ends in a consonant (공/영 0, 일 1, 삼 3, 육 6, 칠 7, 팔 8): only after
# them is 이 the copula ("팔이에요"); after 이/사/오/구 the copula is "예요".
_CONSONANT_FINAL_DIGITS: Final = frozenset("013678")
# After such a digit, 이 followed by one of these is most likely the copula, not the digit two.
_COPULA_AFTER_I: Final = (
    "에요", "에여", "요", "고", "라", "었", "였", "며", "면",
    "나", "랑", "다", "지", "죠", "야", "네", "니", "든",
)  # fmt: skip

_KOREAN_PHONE_RE: Final = re.compile(r"0(?:10\d{8}|70\d{8}|(?:1[16789]|2|[3-6][1-5]|50[2-8])\d{7,8})")
_KOREAN_MOBILE_E164_RE: Final = re.compile(r"\+821(?:0\d{8}|[16-9]\d{7,8})")
_ELEVEN_DIGIT_MOBILE_E164_RE: Final = re.compile(r"\+821[016-9]\d{8}")
_E164_RE: Final = re.compile(r"\+[1-9]\d{7,14}")

# ITU-T E.164 country calling codes: 1 and 7 are one digit; these two-digit codes are assigned;
# every other code is three digits.
_TWO_DIGIT_COUNTRY_CODES: Final = frozenset(
    {
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """One number found in a text."""

    kind: Kind
    #: Where it is in the original text (``text[start:end]``), the ``+`` included.
    start: int
    end: int
    #: Its ASCII digits (for a phone after ``+``, the country code included).
    digits: str
    #: A phone number in E.164 (``+821012345678``); None for the other kinds.
    e164: str | None
    #: How it is written in masked text.
    masked: str


@dataclass(frozen=True, slots=True)
class Screened:
    """Caller text with the numbers that are never stored taken out (:func:`withhold_never_stored`)."""

    text: str
    #: The kinds taken out; empty when the text held none.
    withheld: frozenset[Kind]


# --- public API -------------------------------------------------------------------------------------


def find_personal_data(text: object) -> list[Finding]:
    """Every phone, resident registration, card and account number in ``text``, left to right."""
    if not isinstance(text, str) or not _may_hold_a_number(text):
        return []
    return list(_scan(text))


def mask_personal_data(text: object) -> str:
    """``text`` with every number of :func:`find_personal_data` replaced by its masked form.

    "제 번호는 010-1234-5678이에요" → "제 번호는 010-****-5678이에요"; a resident registration number
    becomes ``[주민등록번호]``. Masking masked text changes nothing. A non-string gives ``""``.
    """
    if not isinstance(text, str):
        return ""
    return _replace(text, find_personal_data(text), lambda finding: finding.masked)


def withhold_never_stored(text: object) -> Screened:
    """``text`` without its resident registration and card numbers (the rest is left as it is)."""
    if not isinstance(text, str):
        return Screened("", frozenset())
    found = [finding for finding in find_personal_data(text) if finding.kind in NEVER_STORED]
    return Screened(_replace(text, found, lambda _: ""), frozenset(finding.kind for finding in found))


def phone_numbers(text: object) -> list[Finding]:
    """The phone numbers in ``text``, left to right (each with its E.164 form)."""
    return [finding for finding in find_personal_data(text) if finding.kind is Kind.PHONE]


def first_phone_number(text: object) -> str | None:
    """The first phone number in ``text`` in E.164, or None (the chat callback number)."""
    found = phone_numbers(text)
    return found[0].e164 if found else None


def to_e164(raw: object) -> str | None:
    """``raw`` in E.164 when all of it is one phone number (separators around it aside), else None.

    ``"+821012345678"``, ``"010-1234-5678"``, ``"０１０－１２３４－５６７８"``, ``"+82 010 1234 5678"`` and
    ``"공일공 일이삼사 오육칠팔"`` all give ``"+821012345678"``; ``"+1 (480) 202-1091"`` gives
    ``"+14802021091"``; ``"anonymous"``, ``"1588-0000"`` and non-strings give None.
    """
    if not isinstance(raw, str):
        return None
    found = find_personal_data(raw)
    if len(found) != 1 or found[0].kind is not Kind.PHONE:
        return None
    rest = raw[: found[0].start] + raw[found[0].end :]
    if any(char.isalnum() for char in rest):
        return None
    return found[0].e164


def mask_phone_number(raw: object) -> str:
    """One phone number (Connect's E.164 caller number) masked as ``010-****-5678``, else ``***``."""
    if not isinstance(raw, str) or to_e164(raw) is None:
        return "***"
    return find_personal_data(raw)[0].masked


def is_korean_mobile(e164: object) -> bool:
    """Whether an E.164 number is a Korean mobile number (010 with 8 more digits, 011/016-019 with 7-8)."""
    return isinstance(e164, str) and _KOREAN_MOBILE_E164_RE.fullmatch(e164) is not None


def is_eleven_digit_mobile(e164: object) -> bool:
    """Whether an E.164 number is a Korean mobile number of the 01X-XXXX-XXXX form."""
    return isinstance(e164, str) and _ELEVEN_DIGIT_MOBILE_E164_RE.fullmatch(e164) is not None


# --- reading the text -------------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # "d" digit, "+" plus, "s" separator, "e" the particle 에 between groups, "a" letter, "x" other
    char: str  # the ASCII digit for "d"; the folded character otherwise
    at: int  # index of the original character
    spoken: bool = False


_DIGIT, _PLUS, _SEP, _PARTICLE_TOKEN, _LETTER, _OTHER = "d", "+", "s", "e", "a", "x"


def _may_hold_a_number(text: str) -> bool:
    count = 0
    for char in text:
        if char.isnumeric() or char in SPOKEN_DIGITS:
            count += 1
            if count >= _MIN_DIGITS:
                return True
    return False


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for index, original in enumerate(text):
        if original in _SEPARATOR_CHARS or original.isspace():
            if original.isspace() and tokens and tokens[-1].kind == _SEP and tokens[-1].char == " ":
                continue  # a run of whitespace is one separator
            tokens.append(_Token(_SEP, " " if original.isspace() else original, index))
            continue
        folded = original if original.isascii() else unicodedata.normalize("NFKC", original)
        for char in folded:
            tokens.append(_token(char, index))
    return _mark_particles(tokens)


def _token(char: str, index: int) -> _Token:
    value = unicodedata.decimal(char, None)
    if value is not None:
        return _Token(_DIGIT, str(value), index)
    if char in SPOKEN_DIGITS:
        return _Token(_DIGIT, SPOKEN_DIGITS[char], index, spoken=True)
    if char.isspace() or char in _SEPARATOR_CHARS:
        kind = _SEP
    elif char == "+":
        kind = _PLUS
    else:
        kind = _LETTER if char.isalpha() else _OTHER
    return _Token(kind, char, index)


def _mark_particles(tokens: list[_Token]) -> list[_Token]:
    """ "에" between two digit groups ("공일공에 일이삼사") separates them; anywhere else it is a letter."""
    for position, token in enumerate(tokens):
        if token.kind != _LETTER or token.char != _PARTICLE or position == 0:
            continue
        if tokens[position - 1].kind != _DIGIT:
            continue
        following = position + 1
        if following < len(tokens) and tokens[following].kind == _SEP and tokens[following].char == " ":
            following += 1
        if following < len(tokens) and tokens[following].kind == _DIGIT:
            tokens[position] = token._replace(kind=_PARTICLE_TOKEN)
    return tokens


class _Run(NamedTuple):
    groups: list[list[int]]  # token positions of the digits of each group
    plus: int | None  # token position of a "+" right before the run


def _runs(tokens: list[_Token]) -> Iterator[_Run]:
    position = 0
    while position < len(tokens):
        if tokens[position].kind != _DIGIT:
            position += 1
            continue
        groups = [[position]]
        plus = _plus_before(tokens, position)
        cursor = position + 1
        while cursor < len(tokens):
            if tokens[cursor].kind == _DIGIT:
                groups[-1].append(cursor)
                cursor += 1
                continue
            after = cursor
            while after < len(tokens) and tokens[after].kind in (_SEP, _PARTICLE_TOKEN):
                after += 1
            if after - cursor <= _MAX_SEPARATORS and after < len(tokens) and tokens[after].kind == _DIGIT:
                groups.append([after])
                cursor = after + 1
                continue
            break
        yield _Run(groups, plus)
        position = cursor


def _plus_before(tokens: list[_Token], position: int) -> int | None:
    before = position - 1
    if before >= 0 and tokens[before].kind == _SEP and tokens[before].char == " ":
        before -= 1
    return before if before >= 0 and tokens[before].kind == _PLUS else None


# --- classifying spans ------------------------------------------------------------------------------


class _Candidate(NamedTuple):
    positions: list[int]  # token positions of the digits
    lengths: tuple[int, ...]  # group lengths


def _scan(text: str) -> Iterator[Finding]:
    tokens = _tokens(text)
    for run in _runs(tokens):
        first = 0
        while first < len(run.groups):
            finding, last = _longest_at(text, tokens, run, first)
            if finding is None:
                first += 1
                continue
            yield finding
            first = last + 1


def _longest_at(text: str, tokens: list[_Token], run: _Run, first: int) -> tuple[Finding | None, int]:
    ends: list[int] = []
    total = 0
    for last in range(first, len(run.groups)):
        total += len(run.groups[last])
        if total > _MAX_SPAN_DIGITS:
            break
        ends.append(last)
    for last in reversed(ends):
        for candidate in _candidates(text, tokens, run.groups[first : last + 1]):
            finding = _classify(text, tokens, candidate, run.plus if first == 0 else None)
            if finding is not None:
                return finding, last
    return None, first


def _candidates(text: str, tokens: list[_Token], groups: list[list[int]]) -> Iterator[_Candidate]:
    """The span as written, and without a spoken digit at either edge that may be a word.

    As written comes first, unless the last digit is more likely a word: 이 glued to written
    digits ("5678이") or with a copula ending after a consonant-final digit ("…팔이에요"); then the
    span without it comes first, and as written is still tried after.
    """
    head, tail = groups[0], groups[-1]
    drop_first = _droppable(tokens, head, at_start=True)
    drop_last = _droppable(tokens, tail, at_start=False)
    variants: list[tuple[bool, bool]] = [(False, False)]
    for first, last in ((False, True), (True, False), (True, True)):
        if (not first or drop_first) and (not last or drop_last):
            variants.append((first, last))
    if (
        drop_last
        and tokens[tail[-1]].char == "2"
        and (_glued_to_written(tokens, tail, at_start=False) or _is_copula(text, tokens, tail))
    ):
        variants.sort(key=lambda variant: not variant[1])
    for cut_first, cut_last in variants:
        trimmed = [list(group) for group in groups]
        if cut_first:
            trimmed[0] = trimmed[0][1:]
        if cut_last:
            trimmed[-1] = trimmed[-1][:-1]
        if any(not group for group in trimmed):
            continue
        yield _Candidate([p for group in trimmed for p in group], tuple(len(group) for group in trimmed))


def _droppable(tokens: list[_Token], group: list[int], *, at_start: bool) -> bool:
    edge = group[0] if at_start else group[-1]
    if not tokens[edge].spoken or len(group) < 2:
        return False
    if not at_start and tokens[edge].char == "2":  # 이: also a particle or the copula ("…팔이 맞아요")
        return True
    neighbour = edge - 1 if at_start else edge + 1
    glued_to_word = 0 <= neighbour < len(tokens) and tokens[neighbour].kind == _LETTER
    return glued_to_word or _glued_to_written(tokens, group, at_start=at_start)


def _glued_to_written(tokens: list[_Token], group: list[int], *, at_start: bool) -> bool:
    inner = group[1] if at_start else group[-2]
    return not tokens[inner].spoken


def _is_copula(text: str, tokens: list[_Token], group: list[int]) -> bool:
    """The group ends in 이 after a consonant-final digit, followed by a copula ending ("팔이에요")."""
    edge = tokens[group[-1]]
    return (
        edge.spoken
        and edge.char == "2"
        and tokens[group[-2]].char in _CONSONANT_FINAL_DIGITS
        and text.startswith(_COPULA_AFTER_I, edge.at + 1)
    )


def _classify(text: str, tokens: list[_Token], candidate: _Candidate, plus: int | None) -> Finding | None:
    digits = "".join(tokens[position].char for position in candidate.positions)
    start = tokens[plus].at if plus is not None else tokens[candidate.positions[0]].at
    end = tokens[candidate.positions[-1]].at + 1

    def found(kind: Kind, e164: str | None, masked: str) -> Finding:
        return Finding(kind, start, end, digits, e164, masked)

    if plus is not None:
        phone = _international_phone(digits)
        if phone is not None:
            return found(Kind.PHONE, *phone)
        start = tokens[candidate.positions[0]].at  # a "+" before something else is no prefix
    national = _korean_national(digits, candidate.lengths)
    if national is not None:
        return found(Kind.PHONE, "+82" + national[1:], _mask_korean(national))
    if _is_resident_registration_number(digits, candidate.lengths):
        return found(Kind.RESIDENT_REGISTRATION_NUMBER, None, MASK_LABELS[Kind.RESIDENT_REGISTRATION_NUMBER])
    if _is_card_number(digits, candidate.lengths):
        return found(Kind.CARD, None, MASK_LABELS[Kind.CARD])
    if _is_account_number(
        digits,
        candidate.lengths,
        after_letters=_after_letters(tokens, candidate.positions[0]),
        keyword_before=_account_keyword_before(text, start),
    ):
        return found(Kind.ACCOUNT, None, MASK_LABELS[Kind.ACCOUNT])
    return None


def _korean_national(digits: str, lengths: tuple[int, ...]) -> str | None:
    """The national form (0…) of a Korean phone number written nationally or after a bare 82."""
    if _KOREAN_PHONE_RE.fullmatch(digits):
        return digits
    # "82 10 1234 5678": the + left out. Only with 82 as a group of its own and a mobile number
    # after it: 8201011234567 is a resident registration number (born 1982-01-01).
    if digits.startswith("82") and lengths[0] == 2:
        rest = digits[2:] if digits[2:].startswith("0") else "0" + digits[2:]
        if _KOREAN_PHONE_RE.fullmatch(rest) and rest.startswith("01"):
            return rest
    return None


def _international_phone(digits: str) -> tuple[str, str] | None:
    """(E.164, masked) of the digits after a ``+``, or None."""
    if digits.startswith("82"):
        rest = digits[2:]
        national = rest if rest.startswith("0") else "0" + rest
        if _KOREAN_PHONE_RE.fullmatch(national):
            return "+82" + national[1:], _mask_korean(national)
        return None  # +82 is only ever a Korean number
    code = _country_code(digits)
    if code is None or not _E164_RE.fullmatch("+" + digits):
        return None
    return "+" + digits, f"+{code}-****-{digits[-4:]}"


def _country_code(digits: str) -> str | None:
    if not digits or digits[0] == "0":
        return None
    if digits[0] in "17":
        return digits[0]
    if digits[:2] in _TWO_DIGIT_COUNTRY_CODES:
        return digits[:2]
    return digits[:3]


def _mask_korean(national: str) -> str:
    if national.startswith("02"):
        area = national[:2]
    elif national.startswith("050"):
        area = national[:4]
    else:
        area = national[:3]
    return f"{area}-****-{national[-4:]}"


def _is_resident_registration_number(digits: str, lengths: tuple[int, ...]) -> bool:
    if len(digits) != 13 or digits[6] not in "12345678":
        return False
    month, day = int(digits[2:4]), int(digits[4:6])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    boundaries = set()
    total = 0
    for length in lengths:
        total += length
        boundaries.add(total)
    return len(lengths) == 1 or 6 in boundaries or max(lengths) <= _READ_OUT_GROUP


def _is_card_number(digits: str, lengths: tuple[int, ...]) -> bool:
    if not 13 <= len(digits) <= 19 or digits[0] == "0" or not _luhn(digits):
        return False
    # Written in blocks of four or more (4-4-4-4, 4-6-5, 8-8…), or read out in short groups.
    return min(lengths) >= 4 or max(lengths) <= 4


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_account_number(
    digits: str, lengths: tuple[int, ...], *, after_letters: bool, keyword_before: bool
) -> bool:
    if not 10 <= len(digits) <= 14 or after_letters:
        return False
    return keyword_before or lengths in ACCOUNT_LAYOUTS


def _account_keyword_before(text: str, start: int) -> bool:
    """계좌 shortly before ``start`` ("계좌번호는 ", "계좌 번호가 "), with no digits in between."""
    keyword = text.rfind(
        _ACCOUNT_KEYWORD, max(0, start - len(_ACCOUNT_KEYWORD) - _ACCOUNT_KEYWORD_GAP), start
    )
    if keyword < 0:
        return False
    return not any(char.isdigit() for char in text[keyword + len(_ACCOUNT_KEYWORD) : start])


def _after_letters(tokens: list[_Token], first: int) -> bool:
    """An ASCII letter right before the number (one separator allowed): ORD-…, R-… references."""
    before = first - 1
    if before >= 0 and tokens[before].kind == _SEP:
        before -= 1
    return before >= 0 and tokens[before].kind == _LETTER and tokens[before].char.isascii()


def _replace(text: str, findings: list[Finding], render: Callable[[Finding], str]) -> str:
    if not findings:
        return text
    pieces: list[str] = []
    cursor = 0
    for finding in findings:
        pieces.append(text[cursor : finding.start])
        pieces.append(render(finding))
        cursor = finding.end
    pieces.append(text[cursor:])
    return "".join(pieces)
