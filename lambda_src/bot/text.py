"""Text hygiene for caller utterances: normalization, spoken digits and numerals.

Everything here is pure standard library and total: every public function accepts any ``str``
and never raises, because its input is whatever a caller said or typed. What a phone, resident
registration, card or account number looks like — and masking, extracting and normalizing them —
is :mod:`bot.personal_data`'s alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.personal_data import SPOKEN_DIGITS

#: Longest normalized utterance kept; longer input is cut (a caller never needs more).
MAX_TEXT_LENGTH = 1000

# Input beyond this is cut *before* NFKC so a pathological 5 MB string costs nothing;
# NFKC can expand a character (U+FDFA becomes 18 characters) but the result is capped anyway.
_PRE_NORMALIZE_LIMIT = 8 * MAX_TEXT_LENGTH

# Unicode categories dropped by ``normalize``: controls, format characters (zero-width joiners,
# bidi overrides), surrogates, private use, unassigned, and the symbol categories that hold emoji
# and their skin-tone modifiers.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "So", "Sk"})
_VARIATION_SELECTORS = frozenset(chr(c) for c in range(0xFE00, 0xFE10))
#: Any run of whitespace (collapsed to one space).
WHITESPACE_RE = re.compile(r"\s+")
#: Any run of what is neither a letter nor a digit (spaces, punctuation, ``_``): removed to compare
#: words however a caller or the speech recognizer split them ("열 받아", "짜 증 나").
NOT_WORD_RE = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """Return ``text`` in a canonical, safe form for matching and logging.

    Applies Unicode NFKC (full-width digits and letters become ASCII, half-width jamo become
    regular jamo), turns every kind of whitespace into a single space, drops control and format
    characters and emoji, trims, and caps the result at ``MAX_TEXT_LENGTH`` characters.
    Hangul syllables and ordinary punctuation are kept.
    """
    if not isinstance(text, str) or not text:
        return ""
    folded = unicodedata.normalize("NFKC", text[:_PRE_NORMALIZE_LIMIT])
    kept: list[str] = []
    for char in folded:
        if char.isspace():
            kept.append(" ")
        elif char in _VARIATION_SELECTORS or unicodedata.category(char) in _DROPPED_CATEGORIES:
            continue
        else:
            kept.append(char)
    collapsed = WHITESPACE_RE.sub(" ", "".join(kept)).strip()
    return collapsed[:MAX_TEXT_LENGTH].rstrip()


# --- spoken Korean digits -------------------------------------------------------------------------

# The digit words are the personal-data module's (one definition of how numbers are read aloud).
_SPOKEN_DIGIT_CHARS = "".join(SPOKEN_DIGITS)

# A run of digits (ASCII or spoken) with the separators people put between groups: spaces,
# hyphens, dots and the particle "에" ("공일공에 일이삼사에 ..."). A trailing "이" directly
# followed by a copula ending ("...오육칠팔이에요") is the copula, not the digit two.
_DIGIT_RUN_RE = re.compile(
    rf"[0-9{_SPOKEN_DIGIT_CHARS}]"
    rf"(?:(?:[\s.\-]|에(?=\s*[0-9{_SPOKEN_DIGIT_CHARS}]))*"
    rf"(?:[0-9{_SPOKEN_DIGIT_CHARS}](?!(?<=이)(?:에요|예요|요|고|라|였)))"
    rf")*"
)


def spoken_digits_to_ascii(text: str, *, min_digits: int = 3) -> str:
    """Rewrite runs of spoken Korean digits in ``text`` as ASCII digits.

    Only runs that contain at least one spoken digit *and* at least ``min_digits`` digits in
    total are rewritten, so ordinary words such as "오늘" or "일이 있어서" stay untouched while
    "공일공 일이삼사 오육칠팔" becomes "010 1234 5678". Separators inside a run are kept as
    single spaces (the "에" particle between groups becomes a space); ASCII-only runs are left
    exactly as they were.
    """
    if not text:
        return ""

    def rewrite(match: re.Match[str]) -> str:
        run = match.group(0)
        if not any(char in SPOKEN_DIGITS for char in run):
            return run
        digit_count = sum(1 for char in run if char.isdigit() or char in SPOKEN_DIGITS)
        if digit_count < min_digits:
            return run
        out: list[str] = []
        for index, char in enumerate(run):
            if char in SPOKEN_DIGITS:
                out.append(SPOKEN_DIGITS[char])
            elif char.isdigit():
                out.append(char)
            elif (char == "에" and index > 0) or char in " .-":
                out.append(char if char in ".-" else " ")
        return WHITESPACE_RE.sub(" ", "".join(out))

    return _DIGIT_RUN_RE.sub(rewrite, text)


# --- Korean numerals ------------------------------------------------------------------------------

_SINO_DIGIT_VALUES = {
    "일": 1,
    "이": 2,
    "삼": 3,
    "사": 4,
    "오": 5,
    "육": 6,
    "륙": 6,
    "칠": 7,
    "팔": 8,
    "구": 9,
}
_SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
_LARGE_UNITS = {"만": 10_000, "억": 100_000_000}
_NUMERAL_TOKEN_RE = re.compile(r"\d[\d,]*|[일이삼사오육륙칠팔구십백천만억]|\s+|.", re.DOTALL)


def parse_korean_number(text: str) -> int | None:
    """Read a number written in digits, Sino-Korean words or a mix of both.

    "35000", "35,000", "3만 5천", "삼만 오천", "만", "십이", "2억 5000만" are understood;
    anything else (including two bare numbers in a row, such as "이삼") gives None.
    """
    tokens = [token for token in _NUMERAL_TOKEN_RE.findall(text or "") if not token.isspace()]
    try:
        return _read_numeral(tokens) if tokens else None
    except ValueError:
        return None


def _read_numeral(tokens: list[str]) -> int:
    """Value of numeral tokens; ValueError when they do not form a number."""
    total = 0  # everything above the current 만/억 section
    section = 0  # the current section below 만
    pending: int | None = None  # a number not yet multiplied by a unit
    last_small_unit = 10_000  # small units must fall within a section: 천 > 백 > 십
    last_large_unit = 10**12
    for token in tokens:
        if token[0].isdigit() or token in _SINO_DIGIT_VALUES:
            if pending is not None:
                raise ValueError("two numbers in a row")
            if token[0].isdigit() and not re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", token):
                raise ValueError("misplaced thousands separator")
            pending = int(token.replace(",", "")) if token[0].isdigit() else _SINO_DIGIT_VALUES[token]
        elif token in _SMALL_UNITS:
            unit = _SMALL_UNITS[token]
            if unit >= last_small_unit or (pending is not None and pending >= 10):
                raise ValueError("small units out of order")
            section += (1 if pending is None else pending) * unit
            pending, last_small_unit = None, unit
        elif token in _LARGE_UNITS:
            unit = _LARGE_UNITS[token]
            if unit >= last_large_unit:
                raise ValueError("large units out of order")
            value = section + (pending or 0)
            total += (value or 1) * unit
            section, pending, last_small_unit, last_large_unit = 0, None, 10_000, unit
        else:
            raise ValueError(f"not a numeral: {token!r}")
    return total + section + (pending or 0)


RewriteRules = tuple[tuple[re.Pattern[str], str], ...]


def compile_rewrites(pairs: Iterable[tuple[str, str]]) -> RewriteRules:
    """Compile (pattern, replacement) pairs once, at import, for :func:`apply_rewrites`."""
    return tuple((re.compile(pattern), replacement) for pattern, replacement in pairs)


def apply_rewrites(text: str, rules: RewriteRules) -> str:
    """Apply every rule of ``rules`` in order; later rules see earlier rewrites."""
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text
