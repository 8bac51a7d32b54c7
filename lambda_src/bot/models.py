"""Typed models shared by the bot logic, the handlers, the storage layer and the simulator.

This module is the contract between the parts of the bot brain: it has no dependencies
beyond the standard library so it imports in microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from enum import StrEnum
from typing import Literal

# Korea has had no daylight saving time since 1988, so a fixed offset is exact and avoids
# depending on the tz database being present in the Lambda runtime.
KST = timezone(timedelta(hours=9), "KST")


class Intent(StrEnum):
    """The customer's 11 intents (CONTENT.md)."""

    GREETING = "greeting"
    GOODBYE = "goodbye"
    PRODUCT_INQUIRY = "product_inquiry"
    ORDER_INQUIRY = "order_inquiry"
    RESERVATION = "reservation"
    CANCEL_REQUEST = "cancel_request"
    PAYMENT_INQUIRY = "payment_inquiry"
    TECHNICAL_SUPPORT = "technical_support"
    COMPLAINT = "complaint"
    AGENT_REQUEST = "agent_request"
    GENERAL_INQUIRY = "general_inquiry"


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


class Queue(StrEnum):
    """Agent queue keys; the deployed queue names carry these keys."""

    GENERAL = "general"
    COMPLAINT = "complaint"
    TECH_SUPPORT = "tech_support"
    PAYMENT = "payment"
    PRIORITY = "priority"


class CustomerTier(StrEnum):
    STANDARD = "STANDARD"
    VIP = "VIP"


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
    phone_number: str | None = None  # normalized 01XXXXXXXXX (digits only)
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
