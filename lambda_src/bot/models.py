"""Typed models shared by the bot logic, the handlers, the storage layer and the simulator.

The models of the bot brain itself: standard library and :mod:`contract` only, so it imports in
microseconds. The names the bot shares with the infrastructure (intents, queues, customer tiers)
are the contract's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from typing import Literal

from contract import Intent

# Korea has had no daylight saving time since 1988, so a fixed offset is exact and avoids
# depending on the tz database being present in the Lambda runtime.
KST = timezone(timedelta(hours=9), "KST")


#: Minimum confidence for an intent to count as understood (CONTENT.md).
INTENT_THRESHOLDS: dict[Intent, float] = {
    Intent.GREETING: 0.7,
    Intent.GOODBYE: 0.7,
    Intent.PRODUCT_INQUIRY: 0.8,
    Intent.ORDER_INQUIRY: 0.8,
    Intent.RESERVATION: 0.85,
    Intent.CANCEL_REQUEST: 0.9,
    Intent.PAYMENT_INQUIRY: 0.85,
    Intent.TECHNICAL_SUPPORT: 0.8,
    Intent.COMPLAINT: 0.75,
    Intent.AGENT_REQUEST: 0.7,
    Intent.GENERAL_INQUIRY: 0.7,
}


ClassifierSource = Literal["bedrock", "local"]


@dataclass(frozen=True, slots=True)
class Classification:
    """What the caller wants, as decided by one classifier."""

    intent: Intent
    confidence: float
    source: ClassifierSource

    @property
    def is_confident(self) -> bool:
        """True when the confidence clears the intent's threshold."""
        return self.confidence >= INTENT_THRESHOLDS[self.intent]


@dataclass(frozen=True, slots=True)
class Entities:
    """Entities found in one utterance; each is None when absent."""

    order_number: str | None = None
    phone_number: str | None = None  # a Korean mobile number in E.164 (+8210…)
    date: date | None = None  # resolved in Korea time, relative to the turn's time
    amount_won: int | None = None


@dataclass(frozen=True, slots=True)
class FaqEntry:
    faq_id: str
    category: str
    question: str
    answer: str
    keywords: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class FaqMatch:
    faq_id: str
    score: float
