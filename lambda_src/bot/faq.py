"""FAQ matching: find the FAQ behind a caller's paraphrase, or nothing.

The matcher works only from what an FAQ entry holds (question, answer, keywords), so entries
read from the faq table at run time match exactly like the repository's data file.

Score scale (0..1)
------------------
``score = 0.45 * similarity + 0.55 * keyword_evidence`` where

* ``similarity`` is the cosine similarity of TF-IDF-weighted syllable 2/3-grams and jamo
  3-grams of the caller's canonical text (particles and spacing do not matter, see
  ``bot.local_classifier.canonical_form``) with the entry's question and keywords (weight 1)
  and its answer (weight 0.4);
* ``keyword_evidence`` is a noisy-OR over the entry's keywords found in the caller's text,
  each weighted by how specific it is: a keyword of a single entry ("영수증") weighs 0.8, one
  shared with other entries ("언제") or of two syllables or fewer ("취소") weighs less.

Common spoken synonyms are folded first ("까먹었어요" → 잊어버렸어요, "비번" → 비밀번호,
"운영" → 영업). A paraphrase of an FAQ typically scores 0.45 or more; a question no FAQ answers
("해외 배송도 하나요?") stays under 0.2. ``FaqMatcher.THRESHOLD`` (0.3) lies between.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from pathlib import Path

from bot.local_classifier import canonical_form, ngram_features
from bot.models import FaqEntry, FaqMatch
from bot.text import apply_rewrites, compile_rewrites

DEFAULT_FAQ_PATH = Path(__file__).parent / "data" / "faq.json"

# Spoken variants folded into the words the FAQ content uses; applied to the caller's text and
# the entries alike (after canonical_form, so without spaces).
_SYNONYMS = compile_rewrites(
    (
        (r"까먹|잊었|잊어버렸|잊어버림|기억(이)?안나|생각(이)?안나|분실", "잊어버"),
        (r"비번", "비밀번호"),
        (r"운영", "영업"),
        (r"문(을)?(열|닫)|오픈|마감", "영업시간"),
        (r"대표번호|고객센터번호|전화상담번호|상담번호", "전화번호"),
        (r"기한", "기간"),
        (r"결제수단|결제하는방법|어떤방법으로결제|결제는어떤방법", "결제방법"),
        (r"(?<!회원)가입", "회원가입"),
        (r"누가내|제가내|고객이내|내야돼|내야하", "부담"),
        (r"걸려|걸리", "걸리"),
        (r"몇일", "며칠"),
        (r"영업(?=하|해|중)", "영업시간"),
        (r"배송(?:은|이|는)?(?:보통)?(?=얼마나|며칠)", "배송기간"),
        (r"언제(?:쯤)?(?=받|와|오|도착)", "배송일"),
    )
)
_ANSWER_WEIGHT = 0.4
# Words of an answer that say nothing about its topic (what is left after _TRAILING_RE).
_ANSWER_STOPWORDS = frozenset(
    {"가능", "가능하지만", "신청", "이용", "서비스", "다양한", "편리한", "직접", "경우", "상태", "양호해야",
     "클릭하여", "링크", "받으실", "있습니다", "고객", "고객센터", "상품", "일반", "연락주세요", "지원",
     "확인하고", "출력할", "운영", "상담", "주문", "배송", "당일", "이내", "수령", "평일", "오전", "오후",
     "이용할", "페이지", "이전", "제품", "준비", "단순", "취소하거나"}
)  # fmt: skip
_TRAILING_RE = re.compile(
    r"(?:은|는|이|가|을|를|의|로|으로|에서|와|과|도|에|까지|부터|및|입니다|합니다|됩니다)$"
)
_ANSWER_WORD_WEIGHT = 0.5
_SIMILARITY_WEIGHT = 0.45
_KEYWORD_WEIGHT = 0.55


def _prepare(text: str) -> str:
    return apply_rewrites(canonical_form(text), _SYNONYMS)


def load_faq_entries(path: str | Path | None = None) -> list[FaqEntry]:
    """Load FAQ entries from the versioned JSON data file (default: ``bot/data/faq.json``)."""
    document = json.loads(Path(path or DEFAULT_FAQ_PATH).read_text(encoding="utf-8"))
    return [
        FaqEntry(
            faq_id=item["id"],
            category=item["category"],
            question=item["question"],
            answer=item["answer"],
            keywords=tuple(item.get("keywords", ())),
        )
        for item in document["faqs"]
    ]


def load_faq_version(path: str | Path | None = None) -> str:
    """The ``version`` field of the FAQ data file."""
    document = json.loads(Path(path or DEFAULT_FAQ_PATH).read_text(encoding="utf-8"))
    return str(document.get("version", ""))


class FaqMatcher:
    """Matches caller questions against FAQ entries on the 0..1 scale of the module docstring."""

    #: Minimum score for ``match`` to return an FAQ.
    THRESHOLD = 0.3

    def __init__(self, entries: Iterable[FaqEntry]) -> None:
        """Index the entries; an empty list gives a matcher that never matches."""
        self.entries: tuple[FaqEntry, ...] = tuple(entries)
        documents: list[dict[str, float]] = []
        for entry in self.entries:
            counts: dict[str, float] = {}
            for text, weight in (
                (entry.question, 1.0),
                *((keyword, 1.0) for keyword in entry.keywords),
                (entry.answer, _ANSWER_WEIGHT),
            ):
                for gram, count in ngram_features(_prepare(text)).items():
                    counts[gram] = counts.get(gram, 0.0) + count * weight
            documents.append(counts)
        total = len(documents)
        document_frequency: dict[str, int] = {}
        for counts in documents:
            for gram in counts:
                document_frequency[gram] = document_frequency.get(gram, 0) + 1
        self._idf = {gram: math.log((total + 1) / (df + 1)) + 1.0 for gram, df in document_frequency.items()}
        self._vectors = [self._weigh(counts) for counts in documents]
        answer_words = [self._answer_words(entry) for entry in self.entries]
        self._keywords = [self._merged_keywords(index, answer_words) for index in range(len(self.entries))]

    def _weigh(self, counts: dict[str, float]) -> dict[str, float]:
        weighted = {gram: math.log1p(count) * self._idf.get(gram, 0.0) for gram, count in counts.items()}
        norm = math.sqrt(sum(value * value for value in weighted.values())) or 1.0
        return {gram: value / norm for gram, value in weighted.items() if value}

    def _keyword_weights(self, entry: FaqEntry) -> tuple[tuple[str, float], ...]:
        weights: list[tuple[str, float]] = []
        for keyword in entry.keywords:
            compact = _prepare(keyword)
            if not compact:
                continue
            shared = sum(
                1
                for other in self.entries
                if other is not entry and compact in _prepare(other.question + "".join(other.keywords))
            )
            weight = 0.8 / (1 + shared)
            if len(compact) <= 2:
                weight *= 0.6
            weights.append((compact, weight))
        return _strongest(weights)

    @staticmethod
    def _answer_words(entry: FaqEntry) -> set[str]:
        words: set[str] = set()
        for token in re.findall(r"[가-힣]+", entry.answer):
            stem = _TRAILING_RE.sub("", token) if len(token) > 2 else token
            if len(stem) >= 2 and stem not in _ANSWER_STOPWORDS:
                words.add(stem)
        return words

    def _distinct_answer_words(
        self, index: int, answer_words: list[set[str]]
    ) -> tuple[tuple[str, float], ...]:
        """Answer words no other entry's answer uses ("공휴일", "무통장입금"): weak keywords."""
        others = set().union(*(words for position, words in enumerate(answer_words) if position != index))
        distinct = sorted(answer_words[index] - others)
        return tuple((word, _ANSWER_WORD_WEIGHT * (0.6 if len(word) <= 2 else 1.0)) for word in distinct)

    def _merged_keywords(self, index: int, answer_words: list[set[str]]) -> tuple[tuple[str, float], ...]:
        entry = self.entries[index]
        return _strongest([*self._keyword_weights(entry), *self._distinct_answer_words(index, answer_words)])

    def _score(self, compact: str, query: dict[str, float], index: int) -> float:
        vector = self._vectors[index]
        similarity = sum(weight * vector.get(gram, 0.0) for gram, weight in query.items())
        miss = 1.0
        for keyword, weight in self._keywords[index]:
            if keyword in compact:
                miss *= 1.0 - weight
        return _SIMILARITY_WEIGHT * similarity + _KEYWORD_WEIGHT * (1.0 - miss)

    def scores(self, text: str) -> list[FaqMatch]:
        """Every entry with its score for ``text``, best first (empty for empty input)."""
        compact = _prepare(text)
        if not compact or not self.entries:
            return []
        query = self._weigh(ngram_features(compact))
        ranked = [
            FaqMatch(entry.faq_id, round(min(1.0, self._score(compact, query, index)), 4))
            for index, entry in enumerate(self.entries)
        ]
        return sorted(ranked, key=lambda match: match.score, reverse=True)

    def best(self, text: str) -> FaqMatch | None:
        """The best-scoring entry even below the threshold; None only for empty input."""
        ranked = self.scores(text)
        return ranked[0] if ranked else None

    def match(self, text: str) -> FaqMatch | None:
        """The best entry when its score clears ``THRESHOLD``, else None."""
        candidate = self.best(text)
        return candidate if candidate is not None and candidate.score >= self.THRESHOLD else None

    def entry(self, faq_id: str) -> FaqEntry | None:
        """The entry with ``faq_id`` (to speak its answer), or None."""
        return next((entry for entry in self.entries if entry.faq_id == faq_id), None)


def _strongest(weights: Iterable[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    """One weight per keyword (the highest), in a stable order."""
    best: dict[str, float] = {}
    for keyword, weight in weights:
        best[keyword] = max(weight, best.get(keyword, 0.0))
    return tuple(sorted(best.items()))
