"""FAQ before escalation: answer what the FAQ answers, then ask whether it solved the problem.

Why: a contact center is judged by containment (callers served without an agent). Technical
support, payment and cancellation intents go to agents (CONTENT.md routing), yet many such
callers ask something the FAQ answers word for word: "비밀번호를 잊어버렸어요" is FAQ ``password``,
"주문 취소해 주세요" is answered by FAQ ``order_cancel`` (cancel in My Page before shipping). When
the caller's words match an FAQ *strongly* (:data:`STRONG_MATCH_SCORE`), the engine answers it
verbatim and asks :data:`bot.messages.FAQ_FIRST_FOLLOW_UP` instead of escalating; the next turn
decides (:func:`understand_follow_up`):

* "아니요", "안 돼요", "상담원 연결해 주세요" (a no, a "still not working", an agent request) →
  the escalation the intent would have caused, with its original reason and queue;
* "네", "해결됐어요", thanks or goodbye, or silence → the call ends politely (contained);
* anything else → the caller moved on: the turn is handled like any other.

Anger, urgency and VIP rules still win: the engine applies the keyword escalations and the
complaint intent before any of this, and the VIP rule to every escalation (``bot.escalation``).
Complaint and agent_request are never answered from the FAQ first (the caller asked for a person
or is angry), nor are the dialog intents (they have their own dialogs).

The threshold is stricter than the matcher's own (``FaqMatcher.THRESHOLD`` 0.3, enough for a
question): an action intent is only diverted when the FAQ clearly covers it. Measured on the
bundled FAQ: password paraphrases score 0.79-0.86, order-cancellation requests 0.74-0.77, while
payment *problems* that merely mention a payment method ("카카오페이로 결제하는데 오류 나요") peak at
0.70 and must still reach the payment queue directly. The pending answer lives in the engine's
``botState`` (:class:`PendingFaq`), so it is versioned, validated and cleared on every close like the
rest of the conversation state. ``faq_first`` per environment (``config/environments.json``,
``FAQ_FIRST``) switches the policy off without a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from bot.escalation import INTENT_REASONS
from bot.text import NOT_WORD_RE
from contract import EscalationReason, FaqFirstOutcome, Intent

#: An FAQ match scoring at least this (``FaqMatcher`` 0..1 scale) is answered before escalating.
STRONG_MATCH_SCORE: Final = 0.72

#: Intents that escalate by routing rule and may be answered from the FAQ first.
FAQ_FIRST_INTENTS: Final = frozenset(
    {Intent.TECHNICAL_SUPPORT, Intent.PAYMENT_INQUIRY, Intent.CANCEL_REQUEST}
)

# The answer to "해결되셨을까요?", on text without spaces or punctuation. A "no" or a problem that
# remains wins over polite words around it ("네 그런데 아직 안 돼요", "아니요 감사합니다").
_NOT_SOLVED_RE: Final = re.compile(
    r"^(?:아니|아뇨|아녜)|상담원|상담사|사람|직원|연결|해결(?:이|은)?(?:안|못)|안(?:됐|돼|되|됩|풀)"
    r"|못(?:했|하겠|찾)|모르겠|여전히|아직|그래도"
)
# "It helped": only acknowledgements and thanks, so that "네 그런데 영업시간은요?" is a new question.
_SOLVED_RE: Final = re.compile(
    r"^(?:네|예|넵|응|알겠(?:습니다|어요|어)|(?:해결|도움이)(?:됐|되었|했)(?:어요|습니다|네요)|됐(?:어요|습니다)"
    r"|감사(?:합니다|해요)|고맙(?:습니다)|고마워요|괜찮(?:아요|습니다)|충분(?:해요|합니다)"
    r"|수고(?:하세요|하셨습니다)|그럴게요|해볼게요|해보겠습니다|확인(?:했어요|할게요|했습니다)|잘|덕분에)+$"
)


@dataclass(frozen=True, slots=True)
class PendingFaq:
    """An FAQ answered before an escalation, waiting for the caller's "did it help?"."""

    faq_id: str
    intent: Intent  # what the caller asked for (technical_support, payment_inquiry, cancel_request)
    reason: EscalationReason  # the escalation the intent would have caused

    def to_dict(self) -> dict[str, str]:
        """Compact form inside ``botState``: ``f`` FAQ id, ``i`` intent, ``r`` reason."""
        return {"f": self.faq_id, "i": self.intent.value, "r": self.reason.value}

    @classmethod
    def from_dict(cls, data: Any) -> PendingFaq:
        """Parse :meth:`to_dict`'s form; raises ``ValueError`` for anything else."""
        if not isinstance(data, dict) or set(data) != {"f", "i", "r"}:
            raise ValueError("invalid pending FAQ")
        faq_id = data["f"]
        if not isinstance(faq_id, str) or not 0 < len(faq_id) <= 64:
            raise ValueError("invalid pending FAQ id")
        intent, reason = Intent(data["i"]), EscalationReason(data["r"])
        if intent not in FAQ_FIRST_INTENTS or INTENT_REASONS[intent] is not reason:
            raise ValueError("pending FAQ intent and reason do not belong together")
        return cls(faq_id, intent, reason)


def is_strong(score: float) -> bool:
    """True when an FAQ match is strong enough to answer before an escalation."""
    return score >= STRONG_MATCH_SCORE


def offer(intent: Intent | None, faq_id: str) -> PendingFaq | None:
    """The pending answer for ``intent`` when it may be answered from the FAQ first, else None."""
    if intent not in FAQ_FIRST_INTENTS:
        return None
    return PendingFaq(faq_id, intent, INTENT_REASONS[intent])


def understand_follow_up(text: str, intent: Intent | None) -> FaqFirstOutcome:
    """What the caller's answer to the follow-up question means (``intent``: the confident one).

    Returns ESCALATED, RESOLVED (silence included) or MOVED_ON; never OFFERED.
    """
    compact = NOT_WORD_RE.sub("", text or "")
    if not compact:
        return FaqFirstOutcome.RESOLVED
    if intent is Intent.AGENT_REQUEST or _NOT_SOLVED_RE.search(compact):
        return FaqFirstOutcome.ESCALATED
    if intent is Intent.GOODBYE or _SOLVED_RE.match(compact):
        return FaqFirstOutcome.RESOLVED
    return FaqFirstOutcome.MOVED_ON
