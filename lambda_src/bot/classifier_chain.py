"""The classifier chain: the local classifier first, Bedrock only when it is unsure, within its budget.

Why local first (issue 14): asking Bedrock on every turn made every caller wait for it and, at
1,000 concurrent callers, meant thousands of requests a minute — far above a typical on-demand
quota — although the local classifier is right on almost every clear utterance and knows when it
is not (``bot.local_confidence``). With :attr:`ConsultPolicy.WHEN_UNSURE` (the default) a sure
local answer stands and Bedrock is asked only otherwise; :attr:`ConsultPolicy.ALWAYS` keeps the
former Bedrock-first behaviour. Whenever Bedrock is asked, the budget and the fallback are the
same as before: any failure (garbage, an empty answer, a timeout, throttling, too little time
left) leaves the local answer standing, with the reason.

``ClassifierChain.classify`` never raises: whatever Bedrock does (or whether it is configured at
all), the caller's turn gets a :class:`~bot.models.Classification` whose ``source`` says which
classifier produced it, a ``fallback_reason`` that metrics and logs can count, and
``consulted_bedrock``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Final, Protocol

from bot.bedrock_classifier import DEFAULT_BUDGET_SECONDS, ClassifierUnavailable
from bot.local_classifier import LocalAssessment
from bot.local_confidence import is_sure
from bot.models import Classification
from contract import TURN_RESERVE_SECONDS, ConsultPolicy, FallbackReason, Intent

__all__ = [
    "DEFAULT_RESERVE_SECONDS",
    "BudgetedTextClassifier",
    "ChainResult",
    "ClassifierChain",
    "ConsultPolicy",
    "LocalTextClassifier",
]

logger = logging.getLogger(__name__)

#: Time kept back for the rest of the turn after classification (FAQ lookup, dialog logic,
#: the conversation-log write and the response) so Bedrock never eats the Lambda's last second.
#: The deployment sizes the Lex hook's timeout with the same reserve.
DEFAULT_RESERVE_SECONDS: Final = TURN_RESERVE_SECONDS

# Last resort when even the local classifier fails: a confidence of 0 is below every intent's
# threshold, so the dialog policy treats the turn as not understood and asks to rephrase.
_NOT_UNDERSTOOD: Final = Classification(intent=Intent.GENERAL_INQUIRY, confidence=0.0, source="local")
_NOT_UNDERSTOOD_ASSESSMENT: Final = LocalAssessment(_NOT_UNDERSTOOD, Intent.GENERAL_INQUIRY, 0.0, 0.0)


class LocalTextClassifier(Protocol):
    """A classifier that needs no network (``bot.local_classifier.LocalClassifier``)."""

    def classify(self, text: str) -> Classification: ...

    def assess(self, text: str) -> LocalAssessment: ...


class BudgetedTextClassifier(Protocol):
    """A remote classifier bounded by a time budget (``bot.bedrock_classifier.BedrockClassifier``)."""

    def classify(self, text: str, *, budget_seconds: float) -> Classification: ...


@dataclass(frozen=True, slots=True)
class ChainResult:
    """The chain's decision for one utterance.

    ``fallback_reason`` is None when Bedrock answered; otherwise it says why the local classifier
    answered (:class:`contract.FallbackReason`): ``disabled``, ``empty_input``,
    ``local_confident`` or the :class:`ClassifierUnavailable` reason. ``consulted_bedrock`` is True
    when the chain handed the words to the Bedrock classifier, whether it answered or failed.
    """

    classification: Classification
    fallback_reason: FallbackReason | None
    consulted_bedrock: bool = False


class ClassifierChain:
    """The local answer when it is sure (or always, without Bedrock); otherwise Bedrock within its budget.

    ``policy`` :attr:`ConsultPolicy.ALWAYS` asks Bedrock first on every turn with words.
    """

    def __init__(
        self,
        local: LocalTextClassifier,
        bedrock: BudgetedTextClassifier | None,
        *,
        bedrock_budget_seconds: float = DEFAULT_BUDGET_SECONDS,
        reserve_seconds: float = DEFAULT_RESERVE_SECONDS,
        policy: ConsultPolicy = ConsultPolicy.WHEN_UNSURE,
    ) -> None:
        if not (math.isfinite(bedrock_budget_seconds) and bedrock_budget_seconds > 0):
            raise ValueError(f"bedrock_budget_seconds must be positive, got {bedrock_budget_seconds!r}")
        if not (math.isfinite(reserve_seconds) and reserve_seconds >= 0):
            raise ValueError(f"reserve_seconds must be non-negative, got {reserve_seconds!r}")
        self._local = local
        self._bedrock = bedrock
        self._bedrock_budget_seconds = bedrock_budget_seconds
        self._reserve_seconds = reserve_seconds
        self._policy = ConsultPolicy(policy)

    @property
    def policy(self) -> ConsultPolicy:
        """When Bedrock is asked."""
        return self._policy

    def bedrock_budget(self, remaining_time_seconds: float | None) -> float:
        """Seconds Bedrock may take: ``min(budget, remaining - reserve)``, never negative.

        ``remaining_time_seconds`` is the Lambda's remaining time
        (``context.get_remaining_time_in_millis() / 1000``); None means no deadline is known.
        A NaN remaining time gives 0 (no call): an unknown deadline must not be treated as plenty.
        """
        if remaining_time_seconds is None:
            return self._bedrock_budget_seconds
        if math.isnan(remaining_time_seconds):
            return 0.0
        budget = min(self._bedrock_budget_seconds, remaining_time_seconds - self._reserve_seconds)
        return max(0.0, budget)

    def classify(self, text: str, *, remaining_time_seconds: float | None = None) -> ChainResult:
        """Classify ``text``; never raises. Blank text is classified locally without Bedrock."""
        if self._bedrock is None:
            return ChainResult(self._classify_locally(text), FallbackReason.DISABLED)
        if not isinstance(text, str) or not text.strip():
            return ChainResult(self._classify_locally(text), FallbackReason.EMPTY_INPUT)
        local: Classification | None = None
        if self._policy is ConsultPolicy.WHEN_UNSURE:
            assessment = self._assess_locally(text)
            if _sure(assessment):
                return ChainResult(assessment.classification, FallbackReason.LOCAL_CONFIDENT)
            local = assessment.classification
        try:
            classification = self._bedrock.classify(
                text, budget_seconds=self.bedrock_budget(remaining_time_seconds)
            )
        except ClassifierUnavailable as unavailable:
            reason = unavailable.reason
        except Exception:
            # Not expected (BedrockClassifier maps every failure), but a caller's turn must
            # survive even a bug in the remote step.
            logger.exception("Unexpected failure in the Bedrock classifier")
            reason = FallbackReason.ERROR
        else:
            return ChainResult(classification, None, consulted_bedrock=True)
        if local is None:
            local = self._classify_locally(text)
        return ChainResult(local, reason, consulted_bedrock=True)

    def _classify_locally(self, text: str) -> Classification:
        try:
            return self._local.classify(text if isinstance(text, str) else "")
        except Exception:
            logger.exception("Local classifier failed; treating the turn as not understood")
            return _NOT_UNDERSTOOD

    def _assess_locally(self, text: str) -> LocalAssessment:
        try:
            return self._local.assess(text)
        except Exception:
            logger.exception("Local classifier failed; treating the turn as not understood")
            return _NOT_UNDERSTOOD_ASSESSMENT


def _sure(assessment: LocalAssessment) -> bool:
    try:
        return is_sure(assessment)
    except Exception:
        # A malformed assessment (a stand-in's) is not sure: Bedrock is asked.
        logger.exception("Could not judge the local answer; asking Bedrock")
        return False
